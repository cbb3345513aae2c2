"""`introducer followups`, `stats` and `today`: what the history asks of the user now."""

from __future__ import annotations

import datetime as dt
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from introducer.cli import console
from introducer.cli.agenda_render import (
    FOLLOWUP_HEADER,
    agenda_json,
    agenda_markdown,
    agenda_table,
    followup_record,
    followup_row,
)
from introducer.cli.console import say
from introducer.cli.ledger_input import names_of, warn_about_unknown_ids
from introducer.cli.options import BookOption, FormatOption, StateOption
from introducer.cli.render import (
    OutputFormat,
    ReportFormat,
    emit_json,
    emit_rows,
    emit_table,
    write_stdout,
)
from introducer.cli.session import (
    history_view,
    open_book,
    open_book_for_ledger,
    open_ledger,
    read_entries,
    refuse_writing_book,
    today,
    user_errors,
)
from introducer.errors import UsageError
from introducer.lifetime import keep_as_well

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from introducer.book.model import Book
    from introducer.gaps.people import Relationship
    from introducer.ledger.agenda import Agenda
    from introducer.ledger.stats import Stats
    from introducer.ledger.views import FollowUp
    from introducer.match.history import HistoryView
    from introducer.match.score import Suggestion

#: How many of the best suggestions count towards a person's usefulness in `today`.
SUGGESTION_POOL = 50
#: At most this many of today's suggestions per person, as `suggest` does by default.
PER_PERSON = 2  # as `suggest`: one well-connected person does not fill the list
NOT_A_TERMINAL = ("--interactive needs a terminal; use `introducer today --format markdown` "
                  "in scripts")


class StatsFormat(StrEnum):
    table = "table"
    json = "json"


TodayFormat = ReportFormat


# ── followups ────────────────────────────────────────────────────────────────

def followups_command(
    ctx: typer.Context,
    show_all: Annotated[bool, typer.Option(
        "--all", help="Also list open items not yet due, with the days until they are.")] = False,
    output: FormatOption = OutputFormat.table,
    state: StateOption = None,
    book: BookOption = None,
) -> None:
    """Follow-ups due: asks with no answer, yeses to act on, introductions with no outcome.

    Examples:

    \b
      introducer followups
      introducer followups --all --format json
    """
    from introducer.ledger.views import open_followups

    with user_errors():
        loaded = open_book_for_ledger(ctx, book).book
        entries = read_entries(ctx, loaded, state)
        day = today()
        wait = loaded.settings.follow_up_days
        everything = open_followups(entries, day, wait)
        items = everything if show_all else [item for item in everything if item.is_due]
    names = names_of(loaded)
    due = sum(1 for item in items if item.is_due)
    if output is OutputFormat.table and not items:
        say("nothing to follow up today" + _coming_up(everything))
        return
    header = FOLLOWUP_HEADER
    rows: list[list[Any]] = [followup_row(item, names) for item in items]
    records = [followup_record(item, names) for item in items]
    if output is OutputFormat.csv:
        header = ["a_id", "a_name", "b_id", "b_name", "stage", "since", "due", "overdue_days",
                  "due_in_days", "action"]
        rows = [[r["a"]["id"], r["a"]["name"], r["b"]["id"], r["b"]["name"], r["stage"],
                 r["since"], r["due"], r["overdue_days"], r["due_in_days"], r["action"]]
                for r in records]
    emit_rows(output, header, rows, json_key="followups", json_rows=records,
              title="Follow-ups")
    if output is OutputFormat.table and not due:
        say("nothing due today; the list shows what is coming up")


def _coming_up(items: list[FollowUp]) -> str:
    """`; 2 coming up, the next on 2026-11-30 (...)`: what a quiet day is waiting for."""
    if not items:
        return ""
    return (f"; {len(items)} coming up, the next on {items[0].due} "
            "(`introducer followups --all` lists them)")


# ── stats ────────────────────────────────────────────────────────────────────

def stats_command(
    ctx: typer.Context,
    weeks: Annotated[int, typer.Option(
        "--weeks", "-w", min=1, max=520, help="How many weeks the chart shows.")] = 12,
    output: Annotated[StatsFormat, typer.Option(
        "--format", "-f", case_sensitive=False,
        help="table (a chart and two tables) or json.")] = StatsFormat.table,
    state: StateOption = None,
    book: BookOption = None,
) -> None:
    """Introductions per week against your goal, the outcome funnel, and give and take.

    Examples:

    \b
      introducer stats
      introducer stats --weeks 4 --format json
    """
    from introducer.ledger.stats import stats

    with user_errors():
        loaded = open_book_for_ledger(ctx, book).book
        entries = read_entries(ctx, loaded, state)
        day = today()
        figures = stats(entries, day, loaded.settings.weekly_goal, weeks)
    names = names_of(loaded)
    if output is StatsFormat.json:
        emit_json(_stats_json(figures, names, day))
    else:
        _stats_table(figures, names)


def _money(value: float) -> str:
    value = float(value)
    return f"{value:,.0f}" if value.is_integer() else f"{value:,.2f}"


def _stats_json(figures: Stats, names: dict[str, str], day: dt.date) -> dict[str, Any]:
    series = figures.series
    return {
        "today": day.isoformat(),
        "goal": series.goal,
        "weeks": [{"week": monday.isoformat(), "introductions": count,
                   "met_goal": series.goal > 0 and count >= series.goal}
                  for monday, count in series.weeks],
        "average": series.average,
        "streak": series.streak,
        "funnel": {
            "stages": [{"stage": s.name, "pairs": s.pairs, "of": s.base, "percent": s.percent}
                       for s in figures.stages],
            "business_value": float(figures.funnel.business_value),
            "declined": figures.funnel.declined,
        },
        "reciprocity": [{"id": b.id, "name": names.get(b.id, b.id), "in_book": b.id in names,
                         "received": b.received, "given": b.given, "balance": b.balance}
                        for b in figures.balances],
    }


def _fancy_chart() -> bool:
    """Block characters only for a person at a terminal that can show them."""
    from introducer.cli.chart import FANCY_CHARACTERS

    stream = console.stdout_stream()
    if not console.is_terminal(stream) or console.no_color_requested():
        return False
    try:
        FANCY_CHARACTERS.encode(getattr(stream, "encoding", None) or "ascii")
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def _stats_table(figures: Stats, names: dict[str, str]) -> None:
    from introducer.cli.chart import week_bars

    series = figures.series
    weeks = len(series.weeks)
    fancy = _fancy_chart()
    if series.goal > 0:
        heading = f"Introductions per week (goal {series.goal}, marked {'│' if fancy else '|'})"
        streak = (f"streak: {series.streak} week{'s' if series.streak != 1 else ''} "
                  "meeting the goal")
    else:
        heading = "Introductions per week (no weekly goal set)"
        streak = "no streak without a goal (settings.weekly_goal)"
    lines = [heading, *week_bars(series, fancy=fancy),
             f"average {series.average:g} a week over {weeks} week{'s' if weeks != 1 else ''}; "
             f"{streak}", "", "Funnel (pairs)"]
    write_stdout("\n".join(lines) + "\n")
    emit_table(
        ["stage", "pairs", "conversion"],
        [[s.name, s.pairs,
          "" if s.base is None else "-" if s.percent is None else f"{s.percent:g}% of {s.base}"]
         for s in figures.stages],
        numeric=("pairs",),
    )
    write_stdout(f"business value {_money(figures.funnel.business_value)}; "
                 f"declined {figures.funnel.declined}\n\n"
                 "Give and take (received: referrals from them; given: introductions you made "
                 "for them)\n")
    if figures.balances:
        emit_table(
            ["name", "received", "given", "balance"],
            [[names.get(b.id, b.id), b.received, b.given, f"{b.balance:+d}" if b.balance else "0"]
             for b in figures.balances],
            numeric=("received", "given", "balance"),
        )
    else:
        write_stdout("  nothing yet: `introducer received` and `introducer record` fill it in\n")


# ── today ────────────────────────────────────────────────────────────────────

def _suggestions(book: Book, view: HistoryView, top: int, *, on: dt.date,
                 returning: Sequence[tuple[str, str]] = (),
                 touched: Mapping[str, dt.date] | None = None,
                 ) -> tuple[list[Suggestion], list[Suggestion], Relationship | None]:
    """Today's ranked suggestions with the history applied (the one place `today` ranks),
    the pairs back from a snooze, scored whatever the caps, and the week's focus person
    (as `gaps` picks them)."""
    from introducer.gaps.one_pass import suggest_with_focus
    from introducer.match.rank import Matchmaker

    matchmaker = Matchmaker(book, today=on, history=view)
    keep_as_well(matchmaker)  # a big book's index is left to the end, with the book
    found, focus = suggest_with_focus(matchmaker, touched or {}, top=top, per_person=PER_PERSON)
    return found, matchmaker.suggestable(returning), focus


def _agenda(ctx: typer.Context, loaded: Book, state: Path | None, top: int) -> Agenda:
    """Read the history (creating the state file if needed) and put the day together."""
    from introducer.ledger.agenda import build_agenda, last_touches, returning_pairs, todays_picks

    day = today()
    with open_ledger(ctx, loaded, state) as ledger:
        entries = ledger.entries()
    warn_about_unknown_ids(entries, names_of(loaded))
    pool, back, focus = _suggestions(loaded, history_view(loaded, entries, day),
                                     max(top, SUGGESTION_POOL), on=day,
                                     returning=returning_pairs(entries, day),
                                     touched=last_touches(entries))
    return build_agenda(loaded, entries, day, todays_picks(pool, top, back), pool, focus)


def _mark_shown(ctx: typer.Context, loaded: Book, state: Path | None, agenda: Agenda) -> None:
    """Remember what this run showed for the first time (ever, or since a snooze ended)."""
    unseen = [s for s in agenda.suggestions if s.unseen]
    if unseen:
        with open_ledger(ctx, loaded, state) as ledger:
            ledger.mark_suggested([(s.suggestion.a.id, s.suggestion.b.id)
                                   for s in unseen if not s.back], agenda.day)
            ledger.mark_back([(s.suggestion.a.id, s.suggestion.b.id)
                              for s in unseen if s.back], agenda.day)


def today_command(
    ctx: typer.Context,
    top: Annotated[int, typer.Option(
        "--top", "-n", min=1, max=1000,
        help="How many suggestions of each kind: asks and life events, then the rest.")] = 5,
    interactive: Annotated[bool, typer.Option(
        "--interactive", "-i",
        help="Walk the day one key at a time: follow-ups, yeses, reconnects, "
        "suggestions.")] = False,
    output: Annotated[TodayFormat, typer.Option(
        "--format", "-f", case_sensitive=False,
        help="table for people; markdown or json for a cron digest, which prints nothing "
        "when there is nothing to do.")] = TodayFormat.table,
    out: Annotated[Path, typer.Option(
        "--out", "-o", help="Folder for the drafts --interactive writes.")] = Path("drafts"),
    state: StateOption = None,
    book: BookOption = None,
) -> None:
    """The daily fifteen minutes: goal, follow-ups, people to reconnect with, suggestions.

    Examples:

    \b
      introducer today
      introducer today --interactive
      introducer today --format markdown
    """
    with user_errors():
        if interactive:
            if not console.stdin_is_terminal():
                say(NOT_A_TERMINAL)
                raise typer.Exit(2)
            if output is not TodayFormat.table:
                raise UsageError("--interactive shows the agenda itself; leave out --format")
        loaded = open_book(ctx, book)
        if interactive:
            refuse_writing_book(ctx, loaded.path, out, "--out folder", state)
        agenda = _agenda(ctx, loaded, state, top)
        if interactive:
            _interactive(ctx, loaded, state, agenda, out)
            return
    if output is not TodayFormat.table and agenda.quiet:
        return  # the cron digest: nothing to do, nothing said
    names = names_of(loaded)
    if output is TodayFormat.json:
        emit_json(agenda_json(agenda, names))
    elif output is TodayFormat.markdown:
        write_stdout(agenda_markdown(agenda, names))
    else:
        agenda_table(agenda, names, fancy=_fancy_chart())
        if agenda.suggestions and console.is_terminal(sys.stdout):
            say("\nnext: `introducer today --interactive` walks these one by one "
                "(draft, ask, snooze, never)")
    with user_errors():
        _mark_shown(ctx, loaded, state, agenda)


#: The exit status of a walk cut short by Ctrl-C (128 + SIGINT, as shells report it).
INTERRUPTED = 130


def _interactive(ctx: typer.Context, loaded: Book, state: Path | None, agenda: Agenda,
                 out: Path) -> None:
    """The walk, then what it did; `q` and the end of the agenda exit 0, Ctrl-C 130."""
    from introducer.cli.agenda_render import goal_sentence
    from introducer.cli.keys import Keys
    from introducer.cli.walk import Walk, summary
    from introducer.cli.walk_drafts import WalkDrafts

    _mark_shown(ctx, loaded, state, agenda)
    typer.echo(f"This week: {goal_sentence(agenda.goal)}.")
    with open_ledger(ctx, loaded, state) as ledger, Keys() as keys:
        walk = Walk(loaded, ledger, agenda, WalkDrafts(loaded, agenda.day, out), keys)
        if not walk.plan.steps:
            typer.echo("Nothing to walk today: no follow-ups, replies, reconnects or "
                       "suggestions.")
            return
        typer.echo("One key each, no Enter needed; ? explains the keys, q ends the walk.")
        ending = walk.run()
    typer.echo(f"\n{summary(walk.plan, ending, agenda.goal)}")
    if ending == "interrupted":
        raise typer.Exit(INTERRUPTED)
