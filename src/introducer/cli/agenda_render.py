"""`today` and `followups` as people and scripts read them: table, markdown (email) or JSON."""

from __future__ import annotations

import datetime as dt
import re
import shlex
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from introducer.cli.gaps_render import focus_line, relationship_record
from introducer.cli.render import emit_table, reason_record, who, write_stdout
from introducer.cli.render import markdown_text as _md

if TYPE_CHECKING:
    from introducer.book.schema import Contact
    from introducer.ledger.agenda import Agenda, GoalProgress, Reconnect, Shown
    from introducer.ledger.views import FollowUp

_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

Names = Mapping[str, str]


def person(names: Names, contact_id: str) -> dict[str, str]:
    return {"id": contact_id, "name": names.get(contact_id, contact_id)}


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def day_title(day: dt.date) -> str:
    return f"{_WEEKDAYS[day.weekday()]} {day.isoformat()}"


# ── follow-ups ───────────────────────────────────────────────────────────────

def followup_status(item: FollowUp) -> str:
    """`6 days overdue`, `due today`, or (with --all) `due in 3 days`."""
    if item.overdue_days > 0:
        return f"{_plural(item.overdue_days, 'day')} overdue"
    if item.overdue_days == 0:
        return "due today"
    return f"due in {_plural(-item.overdue_days, 'day')}"


def followup_record(item: FollowUp, names: Names) -> dict[str, Any]:
    return {
        "a": person(names, item.pair[0]),
        "b": person(names, item.pair[1]),
        "stage": item.stage,
        "since": item.since.isoformat(),
        "due": item.due.isoformat(),
        "overdue_days": max(0, item.overdue_days),
        "due_in_days": max(0, -item.overdue_days),
        "action": item.action,
        "command": followup_command(item),
    }


#: What records the answer a follow-up waits for, and the other answers it could be.
_RECORD_WITH = {
    "asked": ("outcome {a} {b} accepted", "or declined"),
    "accepted": ("draft {a} {b} --record", "records the introduction"),
    "introduced": ("outcome {a} {b} met", "or business, no-reply"),
}


def followup_command(item: FollowUp) -> str:
    """The command that records the usual answer: `introducer outcome ann ben met`."""
    a, b = (shlex.quote(contact_id) for contact_id in item.pair)
    return "introducer " + _RECORD_WITH[item.stage][0].format(a=a, b=b)


def _sentence(text: str) -> str:
    """`did they meet? ask them` -> `Did they meet? Ask them`."""
    return re.sub(r"(^|[.?!] )([a-z])", lambda m: m.group(1) + m.group(2).upper(), text)


FOLLOWUP_HEADER = ["a", "b", "stage", "since", "due", "status", "action"]


def followup_row(item: FollowUp, names: Names) -> list[str]:
    a, b = (names.get(i, i) for i in item.pair)
    return [a, b, item.stage, item.since.isoformat(), item.due.isoformat(),
            followup_status(item), item.action]


# ── pieces of the agenda ─────────────────────────────────────────────────────

def goal_sentence(goal: GoalProgress) -> str:
    """`1 of 5 introductions this week, 4 to go, 7 days left`."""
    left = "today is the last day" if goal.days_left == 1 else f"{goal.days_left} days left"
    if goal.goal <= 0:
        return f"{_plural(goal.made, 'introduction')} this week (no weekly goal set)"
    made = f"{goal.made} of {_plural(goal.goal, 'introduction')} this week"
    if goal.met:
        return f"{made}: goal met"
    return f"{made}, {goal.remaining} to go, {left}"


#: The goal bar's width when the goal is larger: one cell per introduction up to this.
GOAL_BAR_CELLS = 20


def goal_bar(goal: GoalProgress, *, fancy: bool) -> str:
    """This week against the goal as a bar that fills: `[###..] ` piped, `███░░ ` on a
    terminal; empty when no goal is set."""
    if goal.goal <= 0:
        return ""
    cells = min(goal.goal, GOAL_BAR_CELLS)
    filled = min(cells, round(goal.made * cells / goal.goal))
    if goal.made and not filled:
        filled = 1  # one introduction shows, even against a goal of 50
    if fancy:
        return "█" * filled + "░" * (cells - filled) + " "
    return "[" + "#" * filled + "." * (cells - filled) + "] "


def goal_record(goal: GoalProgress) -> dict[str, Any]:
    return {
        "week": goal.week_start.isoformat(),
        "introductions": goal.made,
        "goal": goal.goal,
        "remaining": goal.remaining,
        "met": goal.met,
        "days_left": goal.days_left,
    }


def reconnect_record(item: Reconnect) -> dict[str, Any]:
    return {
        "id": item.contact.id,
        "name": item.contact.name,
        "last_contact": item.last_touch.isoformat(),
        "days_since": item.days_since,
        "usefulness": item.usefulness,
        "why": list(item.why),
    }


def suggestion_record(shown: Shown) -> dict[str, Any]:
    s = shown.suggestion
    return {
        "rank": shown.rank,
        "score": s.score,
        "a": {"id": s.a.id, "name": s.a.name},
        "b": {"id": s.b.id, "name": s.b.name},
        "common_thread": s.common_thread,
        "new": shown.new,
        "back": shown.back,
        "reasons": [reason_record(r) for r in s.reasons],
        "urgent": s.urgent,
        "alternatives": [{"id": c.id, "name": c.name} for c in s.alternatives],
    }


def shown_label(shown: Shown) -> str:
    """`new` the day a pair is first shown, `back` the day it returns from a snooze."""
    return "new" if shown.new else "back" if shown.back else ""


# ── the whole agenda ─────────────────────────────────────────────────────────

def agenda_json(agenda: Agenda, names: Names) -> dict[str, Any]:
    return {
        "today": agenda.day.isoformat(),
        "goal": goal_record(agenda.goal),
        "followups": [followup_record(f, names) for f in agenda.followups],
        "reconnect": [reconnect_record(r) for r in agenda.reconnect],
        "suggestions": [suggestion_record(s) for s in agenda.suggestions],
        "focus": relationship_record(agenda.focus) if agenda.focus is not None else None,
    }


def agenda_markdown(agenda: Agenda, names: Names) -> str:
    """An email body: a heading per section, lists under them."""
    bar = goal_bar(agenda.goal, fancy=False)
    lines = [f"# Introductions: {day_title(agenda.day)}", "",
             f"**Goal:** {f'`{bar.strip()}` ' if bar else ''}{goal_sentence(agenda.goal)}.", ""]
    lines += [f"## Follow-ups due ({len(agenda.followups)})", ""]
    for f in agenda.followups:
        a, b = (_md(names.get(i, i)) for i in f.pair)
        when = "due today" if f.overdue_days == 0 else f"due {f.due}, {followup_status(f)}"
        command = followup_command(f)
        record = "" if "`" in command else f" `{command}` ({_RECORD_WITH[f.stage][1]})."
        lines.append(f"- **{a}** and **{b}**: {f.stage} {f.since}, {when}. "
                     f"{_sentence(f.action)}.{record}")
    if not agenda.followups:
        lines.append("Nothing due.")
    lines += ["", "## People to reconnect with", ""]
    for r in agenda.reconnect:
        lines.append(f"- **{_md(r.contact.name)}**: last in touch {r.last_touch} "
                     f"({r.days_since} days ago); {_md(', '.join(r.why))}.")
    if not agenda.reconnect:
        lines.append("Nobody overdue for a catch-up.")
    urgent, rest = split_urgent(agenda.suggestions)
    for title, section in ((URGENT_TITLE, urgent), ("Suggestions", rest)):
        if title == URGENT_TITLE and not section:
            continue
        lines += ["", f"## {title}", ""]
        for shown in section:
            s = shown.suggestion
            new = ", *new*" if shown.new else ", *back from a snooze*" if shown.back else ""
            lines.append(f"{shown.rank}. **{_md(s.a.name)}**{_business(s.a)} and "
                         f"**{_md(s.b.name)}**{_business(s.b)}, score {s.score:g}{new}: "
                         f"{_md(s.common_thread)}")
    if not agenda.suggestions:
        lines.append("No suggestions today.")
    if agenda.focus is not None:
        lines += ["", f"**This week's focus:** {_md(focus_line(agenda.focus))}"]
    return "\n".join(lines) + "\n"


#: The section `today` leads its suggestions with: time-bound needs a connector answers first.
URGENT_TITLE = "Asks you can answer and life events you can help"


def split_urgent(suggestions: Sequence[Shown]) -> tuple[list[Shown], list[Shown]]:
    """Answers to open asks and live life events, then the rest (each in today's order)."""
    urgent = [s for s in suggestions if s.suggestion.urgent]
    return urgent, [s for s in suggestions if not s.suggestion.urgent]


def _business(contact: Contact) -> str:
    return f" ({_md(contact.business)})" if contact.business else ""


def _suggestion_table(shown: Sequence[Shown]) -> None:
    emit_table(
        ["rank", "score", "new", "a", "b", "common thread"],
        [[s.rank, f"{s.suggestion.score:g}", shown_label(s), who(s.suggestion.a),
          who(s.suggestion.b), s.suggestion.common_thread] for s in shown],
        numeric=("rank", "score"),
    )


def agenda_table(agenda: Agenda, names: Names, *, suggestions: bool = True,
                 fancy: bool = False) -> None:
    """The agenda for a person: a line on the goal (with its bar, in blocks if `fancy`),
    then a table (or a friendly line) per section. `suggestions=False` leaves them to the
    interactive walk."""
    write_stdout(f"{day_title(agenda.day)}: {goal_bar(agenda.goal, fancy=fancy)}"
                 f"{goal_sentence(agenda.goal)}.\n")
    if suggestions and agenda.focus is not None:
        write_stdout(f"This week's focus: {focus_line(agenda.focus)}\n")
    write_stdout("\nFollow-ups due\n")
    if agenda.followups:
        emit_table(FOLLOWUP_HEADER, [followup_row(f, names) for f in agenda.followups])
    else:
        write_stdout("  nothing due: well done\n")
    write_stdout("\nPeople to reconnect with\n")
    if agenda.reconnect:
        emit_table(
            ["name", "last contact", "days ago", "usefulness", "why"],
            [[r.contact.name, r.last_touch.isoformat(), r.days_since, r.usefulness,
              ", ".join(r.why)] for r in agenda.reconnect],
            numeric=("days ago", "usefulness"),
        )
    else:
        write_stdout("  nobody overdue for a catch-up\n")
    if not suggestions:
        return
    urgent, rest = split_urgent(agenda.suggestions)
    if urgent:
        write_stdout(f"\n{URGENT_TITLE}\n")
        _suggestion_table(urgent)
    write_stdout("\nSuggestions\n")
    if rest:
        _suggestion_table(rest)
    elif urgent:
        write_stdout("  nothing more today\n")
    else:
        write_stdout("  no suggestions today: add clients, referral sources, hobbies or events "
                     "to your contacts (see `introducer check`)\n")
