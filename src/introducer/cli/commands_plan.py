"""`introducer plan`: this week's introductions, chosen together, spread over the days left."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from introducer.cli.console import printable, say
from introducer.cli.options import (
    BookOption,
    FormatOption,
    OptInOption,
    OutOption,
    StateOption,
)
from introducer.cli.pair_drafts import refuse_opt_in_alone
from introducer.cli.render import (
    OutputFormat,
    emit_csv,
    emit_json,
    emit_markdown,
    emit_table,
    person_record,
    reason_record,
    who,
    write_stdout,
)
from introducer.cli.session import (
    history_view,
    open_book,
    open_ledger,
    read_entries,
    refuse_writing_book,
    today,
    user_errors,
)
from introducer.plan import TIME_LIMIT

if TYPE_CHECKING:
    from introducer.book.model import Book
    from introducer.drafts.build import DraftKind
    from introducer.ledger.agenda import GoalProgress
    from introducer.ledger.entries import Entry
    from introducer.plan.build import Plan

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def plan(
    ctx: typer.Context,
    count: Annotated[int | None, typer.Option(
        "--count", "-n", min=0, help="Plan this many introductions (default: what is left of "
        "settings.weekly_goal this week).", show_default=False)] = None,
    per_person: Annotated[int, typer.Option(
        min=1, help="Nobody in more than this many of the plan's introductions.")] = 1,
    time_limit: Annotated[float, typer.Option(
        min=0.1, help="Seconds the exact solver may take before the greedy plan is used.")
    ] = TIME_LIMIT,
    output: FormatOption = OutputFormat.table,
    draft: Annotated[bool, typer.Option(
        "--draft", help="Draft every introduction of the plan as .eml files in --out.")] = False,
    opt_in: OptInOption = False,
    out: OutOption = Path("drafts"),
    record: Annotated[bool, typer.Option(
        "--record", help="Record the plan's introductions (with --opt-in: the asks) in the "
        "history as made today. Use it once you have sent them; a pair already recorded is "
        "refused.")] = False,
    book: BookOption = None,
    state: StateOption = None,
) -> None:
    """This week's introductions: the best set meeting your goal, nobody in too many.

    Example: introducer plan --count 5 --per-person 2 --format markdown
    """
    from introducer.ledger.agenda import goal_progress
    from introducer.match.rank import Matchmaker
    from introducer.plan.build import make_plan

    with user_errors():
        refuse_opt_in_alone(opt_in, draft)
        loaded = open_book(ctx, book)
        day = today()
        entries = read_entries(ctx, loaded, state)
        progress = goal_progress(entries, day, loaded.settings.weekly_goal)
        wanted = progress.remaining if count is None else count
        matchmaker = Matchmaker(loaded, today=day, history=history_view(loaded, entries, day))
        made = make_plan(matchmaker, count=wanted, per_person=per_person, today=day,
                         time_limit=time_limit)
        notes = _notes(made, wanted, count is None, progress, day, time_limit)
        if draft:
            refuse_writing_book(ctx, loaded.path, out, "--out folder", state)
        written = _act(ctx, loaded, state, made, day, draft=draft, opt_in=opt_in, out=out,
                       record=record)
    _render(output, made, progress, wanted, per_person, notes, written, day)


def _act(ctx: typer.Context, book: Book, state: Path | None, made: Plan, day: dt.date, *,
         draft: bool, opt_in: bool, out: Path, record: bool) -> list[list[str]]:
    """Draft and record the plan as asked; the draft files of each introduction."""
    from introducer.cli.ledger_input import confirmation, names_of
    from introducer.cli.pair_drafts import draft_kind, pair_drafter, write_drafts
    from introducer.drafts.plan import recorded_as
    from introducer.ledger.store import Ledger
    from introducer.plan.record import plan_entries

    pairs = made.pairs
    ledger: Ledger | None = None
    entries: list[Entry] = []
    if record and pairs:
        # Opened and checked before anything is drafted: a broken state file or a pair
        # already recorded stops the command before drafts go out unrecorded.
        ledger = open_ledger(ctx, book, state)
    try:
        drafter = pair_drafter(book, day) if draft and pairs else None
        fixed: DraftKind = "ask" if opt_in else "intro"
        asked: DraftKind | None = "ask" if opt_in else None
        chosen = ([draft_kind(drafter, pair, asked) for pair in pairs] if drafter is not None
                  else [fixed] * len(pairs))
        if ledger is not None:
            entries = plan_entries(pairs, ledger.entries(), day,
                                   [recorded_as(kind) for kind in chosen])
        written = (write_drafts(book, drafter, pairs, chosen, day, out)
                   if drafter is not None else [])
        if ledger is not None:
            ledger.add(*entries)
            names = names_of(book)
            for entry in entries:
                say(f"recorded: {confirmation(entry, names)}")
    finally:
        if ledger is not None:
            ledger.close()
    return written


def _notes(made: Plan, wanted: int, from_goal: bool, progress: GoalProgress, day: dt.date,
           time_limit: float) -> list[str]:
    """What the person should know about this plan, in plain sentences."""
    notes = []
    if from_goal and progress.goal <= 0:
        notes.append("no weekly goal is set (settings.weekly_goal): use --count N to plan")
    elif from_goal and wanted == 0:
        notes.append(f"this week's goal of {progress.goal} is met ({progress.made} made): "
                     "--count N plans more")
    if not made.optimal:
        notes.append(f"the exact solver did not finish in {time_limit:g} s: this is the greedy "
                     "plan (try a longer --time-limit)")
    if 0 < len(made.introductions) < wanted:
        notes.append(f"only {len(made.introductions)} of {wanted} introductions could be "
                     "planned with nobody in more than --per-person of them: add clients, "
                     "referral sources, hobbies or events to your contacts, or raise "
                     "--per-person")
    elif wanted and not made.introductions:
        notes.append("nothing to plan: no pair the history leaves open shares anything "
                     "(see `introducer suggest`)")
    if made.introductions and day.weekday() == 6:
        notes.append("the week ends today: these are all for today")
    elif made.introductions and day.weekday() == 5:
        notes.append("no working days are left this week: the plan uses the weekend")
    return notes


def _day(day: dt.date) -> str:
    return WEEKDAYS[day.weekday()]


def _render(output: OutputFormat, made: Plan, progress: GoalProgress, wanted: int,
            per_person: int, notes: list[str], written: list[list[str]], day: dt.date) -> None:
    """The plan on stdout; the comparison with greedy beside it, notes on stderr."""
    comparison = (f"optimal {made.total:g}; greedy would give {made.greedy_total:g}"
                  if made.optimal else f"greedy {made.total:g} (not proven optimal)")
    planned = made.introductions
    if output is OutputFormat.json:
        emit_json(_json(made, progress, wanted, per_person, notes, written, day))
    elif output is OutputFormat.csv:
        emit_csv(["day", "score", "a_id", "a_name", "b_id", "b_name", "kinds", "common_thread"],
                 [[p.day.isoformat(), p.pair.score, p.pair.a.id, p.pair.a.name, p.pair.b.id,
                   p.pair.b.name, " ".join(r.kind for r in p.pair.reasons),
                   p.pair.common_thread] for p in planned])
        if planned:
            say(comparison)
    else:
        header = ["day", "score", "a", "b", "common thread"]
        rows = [[f"{_day(p.day)} {p.day:%d %b}", f"{p.pair.score:g}", who(p.pair.a),
                 who(p.pair.b), p.pair.common_thread] for p in planned]
        if output is OutputFormat.markdown:
            emit_markdown(header, rows)
        elif planned:
            emit_table(header, rows, title=f"This week's plan ({len(rows)} introductions)",
                       numeric=("score",))
        if planned:
            lead = "\n" if output is OutputFormat.markdown else ""
            write_stdout(printable(f"{lead}{_spread_line(made)}\n{lead}{comparison}\n", keep="\n"))
    for note in notes:
        say(f"note: {note}")


def _spread_line(made: Plan) -> str:
    """`Tue: Maria ↔ Tom, Ben ↔ Lucy; Wed: …`: the plan as one line per week."""
    days: dict[dt.date, list[str]] = {}
    for p in made.introductions:
        days.setdefault(p.day, []).append(f"{p.pair.a.name} ↔ {p.pair.b.name}")
    return "; ".join(f"{_day(d)}: {', '.join(names)}" for d, names in days.items())


def _json(made: Plan, progress: GoalProgress, wanted: int, per_person: int, notes: list[str],
          written: list[list[str]], day: dt.date) -> dict[str, Any]:
    introductions = []
    for rank, p in enumerate(made.introductions, 1):
        record: dict[str, Any] = {
            "rank": rank, "day": p.day.isoformat(), "weekday": _day(p.day),
            "score": p.pair.score, "a": person_record(p.pair.a), "b": person_record(p.pair.b),
            "common_thread": p.pair.common_thread,
            "reasons": [reason_record(r) for r in p.pair.reasons],
        }
        if written:
            record["drafts"] = written[rank - 1]
        introductions.append(record)
    return {
        "today": day.isoformat(),
        "week": {"start": progress.week_start.isoformat(),
                 "end": (progress.week_start + dt.timedelta(days=6)).isoformat(),
                 "goal": progress.goal, "made": progress.made},
        "count": wanted, "per_person": per_person,
        "solver": "optimal" if made.optimal else "greedy",
        "total": made.total, "greedy_total": made.greedy_total,
        "introductions": introductions, "notes": notes,
    }
