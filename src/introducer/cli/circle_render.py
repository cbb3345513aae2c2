"""`circle` as a group reads it: a one-page markdown agenda, a table, or JSON.

Every format says the same things: whom each member meets and why, who makes the
introduction, the members no one fits yet with what their records lack, and notes.
"""

from __future__ import annotations

import datetime as dt
import shlex
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from introducer.cli.gaps_render import isolated_action
from introducer.cli.render import emit_table, markdown_text, person_record, who, write_stdout

if TYPE_CHECKING:
    from introducer.book.schema import Contact
    from introducer.circle.build import Circle, Match
    from introducer.match.score import Suggestion


def draft_line(pair: Suggestion) -> str:
    """The command that drafts this introduction."""
    return f"introducer draft {shlex.quote(pair.a.id)} {shlex.quote(pair.b.id)}"


def made_by(match: Match, user: str) -> str:
    """Who makes the introduction, and the tie that makes it theirs."""
    meets = match.meets
    if meets is None:
        return ""
    if match.fellow:
        return "nobody: both are in the circle, they meet at the table"
    if match.introducer is not None and match.tie is not None:
        return f"{match.introducer.name} ({match.tie.why})"
    closeness = f"closeness {meets.closeness}; " if meets.closeness is not None else ""
    return f"{user} ({closeness}no member is known to know {meets.name})"


def _names(people: Sequence[Contact]) -> str:
    names = [c.name for c in people]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def circle_notes(circle: Circle, user: str) -> list[str]:
    """The odd cases, each said once in plain words."""
    notes = []
    size = len(circle.members)
    if size == 1:
        whose = "yours" if user == "you" else f"{user}'s"
        notes.append(f"a circle of one: no other member can make the introduction, so it is "
                     f"{whose} to make")
    elif size == 2:
        notes.append("a circle of two: each member can only make the other's introduction")
    elif size > 8:
        notes.append(f"{size} members: a circle works best at five or six, and this agenda "
                     "may run past one page")
    for match in circle.matches:
        if match.meets is None:
            notes.append(f"{match.member.name}: nobody in the book is a match yet "
                         "(see the records to complete)" if match.member.introduce else
                         f"{match.member.name} is marked introduce: false, so is never matched")
        elif match.shared_with and match.member.id < min(c.id for c in match.shared_with):
            notes.append(f"{match.meets.name} meets {_names([match.member, *match.shared_with])}: "
                         "nobody else in the book fits them all")
    mine = [m for m in circle.matches if m.meets is not None and not m.fellow
            and m.introducer is None]
    if mine and size > 1:
        notes.append(f"{len(mine)} of the introductions have no member with a tie to the person "
                     f"to meet: ask round the table who knows them, or {user} makes them")
    return notes


def _row(match: Match, user: str) -> list[str]:
    pair, meets = match.pair, match.meets
    if pair is None or meets is None:
        return [who(match.member), "-", "", "no match yet", ""]
    return [who(match.member), who(meets), f"{pair.score:g}", pair.common_thread,
            made_by(match, user)]


def _header(circle: Circle, title: str, day: dt.date) -> list[str]:
    return [f"# {title}: an introduction for every member", "",
            f"{day:%A} {day.day} {day:%B %Y} · {len(circle.members)} "
            f"member{'s' if len(circle.members) != 1 else ''}: "
            f"{markdown_text(_names(circle.members))}", "",
            "Each member leaves with one introduction to the best person in the book for them, "
            "and makes one for another member who is known to know the person they meet.", ""]


def agenda_markdown(circle: Circle, title: str, day: dt.date, user: str,
                    notes: Sequence[str]) -> str:
    """The agenda, as the group uses it: one table, then each member's commitment."""
    lines = _header(circle, title, day)
    lines += ["| member | meets | score | why | introduced by |", "|---|---|---|---|---|"]
    lines += ["| " + " | ".join(markdown_text(cell) for cell in _row(m, user)) + " |"
              for m in circle.matches]
    makers = _by_introducer(circle, user)
    if makers:
        lines += ["", "## Who makes which introduction", ""]
    for introducer, matches in makers:
        made = "; ".join(f"{markdown_text(m.member.name)} to {markdown_text(m.meets.name)}"
                         for m in matches if m.meets is not None)
        lines.append(f"- **{markdown_text(introducer)}** introduces {made}")
    drafts = [m.pair for m in circle.matches if m.pair is not None and not m.fellow]
    if drafts:
        lines += ["", "Drafts: " + ", ".join(f"`{draft_line(p)}`" for p in drafts)]
    if circle.incomplete:
        lines += ["", f"## Records to complete (no match scoring {circle.good_score:g})", ""]
        lines += [f"- **{markdown_text(i.contact.name)}**: "
                  + markdown_text(_best(i.best, i.best_with) + isolated_action(i))
                  for i in circle.incomplete]
    if notes:
        lines += ["", "## Notes", ""] + [f"- {markdown_text(n)}" for n in notes]
    return "\n".join(lines) + "\n"


def _best(best: float | None, best_with: Contact | None) -> str:
    if best is None or best_with is None:
        return "no match at all; "
    return f"best {best:g} with {best_with.name}; "


def _by_introducer(circle: Circle, user: str) -> list[tuple[str, list[Match]]]:
    """The introductions grouped by who makes them: members in order, the user last."""
    grouped: dict[str, list[Match]] = {}
    for member in circle.members:
        made = [m for m in circle.matches if m.introducer is not None
                and m.introducer.id == member.id]
        if made:
            grouped[member.name] = made
    yours = [m for m in circle.matches if m.meets is not None and not m.fellow
             and m.introducer is None]
    if yours:
        grouped[user] = yours
    return list(grouped.items())


def agenda_table(circle: Circle, title: str, user: str) -> None:
    """The round as a table, then the records to complete."""
    emit_table(["member", "meets", "score", "why", "introduced by"],
               [_row(m, user) for m in circle.matches], title=title, numeric=("score",))
    if circle.incomplete:
        write_stdout(f"\nRecords to complete (no match scoring {circle.good_score:g}):\n")
        emit_table(["member", "best", "what would help"],
                   [[i.contact.name, _best(i.best, i.best_with).rstrip("; "), isolated_action(i)]
                    for i in circle.incomplete])


def agenda_json(circle: Circle, group: str | None, day: dt.date, user: str,
                notes: Sequence[str]) -> dict[str, Any]:
    from introducer.cli.render import reason_record

    introductions = []
    for match in circle.matches:
        record: dict[str, Any] = {"member": person_record(match.member), "meets": None}
        pair, meets = match.pair, match.meets
        if pair is not None and meets is not None:
            record.update({
                "meets": person_record(meets), "score": pair.score,
                "common_thread": pair.common_thread,
                "reasons": [reason_record(r) for r in pair.reasons],
                "shared_with": [person_record(c) for c in match.shared_with],
                "made_by": "table" if match.fellow else
                           "member" if match.introducer is not None else "you",
                "introducer": person_record(match.introducer) if match.introducer else None,
                "tie": match.tie.why if match.tie is not None else None,
                "introduced_by": made_by(match, user),
                "draft": None if match.fellow else draft_line(pair),
            })
        introductions.append(record)
    return {
        "today": day.isoformat(), "group": group,
        "members": [person_record(c) for c in circle.members],
        "introductions": introductions,
        "incomplete": [{"id": i.contact.id, "name": i.contact.name, "best_score": i.best,
                        "best_with": person_record(i.best_with) if i.best_with else None,
                        "missing": list(i.empty), "unshared": list(i.unshared),
                        "action": isolated_action(i)} for i in circle.incomplete],
        "min_score": circle.good_score,
        "notes": list(notes),
    }
