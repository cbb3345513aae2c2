"""`introducer meeting`: after a networking meeting, the few introductions to make while
it is fresh, drafted, and the people met recorded as contacted."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from introducer.cli.console import printable, say
from introducer.cli.ledger_input import DateOption
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

if TYPE_CHECKING:
    import datetime as dt

    from introducer.book.model import Book
    from introducer.book.schema import Contact
    from introducer.circle.meeting import Followed, Introduction


def meeting(
    ctx: typer.Context,
    members: Annotated[str | None, typer.Option(
        "--members", "-m", help="Who was there: ids or names, comma-separated.",
        show_default=False)] = None,
    group: Annotated[str | None, typer.Option(
        "--group", "-g", help="Everyone in this group was there (with --date for the day).",
        show_default=False)] = None,
    attendees_file: Annotated[Path | None, typer.Option(
        "--file", help="A list of who was there, one name a line (# starts a comment).",
        show_default=False)] = None,
    date: DateOption = None,
    count: Annotated[int, typer.Option(
        "--count", "-n", min=1, max=10, help="How many introductions to make.")] = 3,
    output: FormatOption = OutputFormat.table,
    draft: Annotated[bool, typer.Option(
        "--draft", help="Draft the introductions as .eml files in --out.")] = False,
    opt_in: OptInOption = False,
    out: OutOption = Path("drafts"),
    record: Annotated[bool, typer.Option(
        "--record/--no-record", help="Record that you met each attendee (contacted, on "
        "--date), so reconnect lists and staleness stay true; an attendee already recorded "
        "that day is not recorded twice. --no-record to only look.")] = True,
    book: BookOption = None,
    state: StateOption = None,
) -> None:
    """After a meeting: the two or three best introductions for the people who were there,
    with each other or with anyone in your book, nobody in two.

    Names are matched like any contact's (id, name, or a close spelling); a name that
    matches nobody, or several people, is listed with the candidates and left out.

    Example: introducer meeting --file mixer.txt --date 2026-11-30 --draft
    """
    from introducer.circle.meeting import follow_up_meeting
    from introducer.cli.ledger_input import past_day
    from introducer.match.rank import Matchmaker

    with user_errors():
        refuse_opt_in_alone(opt_in, draft)
        loaded = open_book(ctx, book)
        attendees, unresolved, where = _attendees(loaded, members, group, attendees_file)
        met_on = past_day(date)
        day = today()
        entries = read_entries(ctx, loaded, state)
        matchmaker = Matchmaker(loaded, today=day, history=history_view(loaded, entries, day))
        followed = follow_up_meeting(matchmaker, attendees, count)
        if draft:
            refuse_writing_book(ctx, loaded.path, out, "--out folder", state)
        recorded, written = _act(ctx, loaded, state, followed, attendees, met_on, where,
                                 draft=draft, opt_in=opt_in, out=out, record=record)
    _render(output, followed, attendees, unresolved, met_on, recorded, written)
    if not followed.introductions:
        say("note: no introduction `draft` would write touches the attendees: add clients, "
            "referral sources or asks to their records")
    if not record:
        say(f"note: nothing recorded (--no-record); without it the {len(attendees)} "
            f"attendee{'s' if len(attendees) != 1 else ''} are noted as met on {met_on}")


def _attendees(book: Book, members: str | None, group: str | None, listed: Path | None
               ) -> tuple[list[Contact], list[tuple[str, str]], str]:
    """Everyone named, once; the names that named nobody (warned about); where they met.
    No attendee at all is an error."""
    from introducer.circle.members import (
        attendee_names,
        find_group,
        name_leniently,
        split_names,
    )
    from introducer.errors import IntroducerError, UsageError
    from introducer.fileio import read_input

    if members is None and group is None and listed is None:
        raise UsageError("say who was there: --members a,b,c, --group G or --file FILE")
    names = split_names(members) if members is not None else []
    if listed is not None:
        names += attendee_names(read_input(listed, "a list of attendees"), str(listed))
    found: dict[str, Contact] = {}
    where = "a meeting"
    if group is not None:
        met = find_group(book.contacts, group)
        found.update((c.id, c) for c in met.members)
        where = met.name
    named = name_leniently(book.contacts, names)
    found.update((c.id, c) for c in named.contacts if c.id not in found)
    if not found:
        problems = "; ".join(problem for _, problem in named.unresolved) or "no names given"
        raise IntroducerError(f"none of the attendees is in the book: {problems}")
    for _, problem in named.unresolved:
        say(f"warning: {problem}; left out")
    return list(found.values()), list(named.unresolved), where


def _act(ctx: typer.Context, book: Book, state: Path | None, followed: Followed,
         attendees: list[Contact], met_on: dt.date, where: str, *, draft: bool,
         opt_in: bool, out: Path, record: bool) -> tuple[list[Contact], list[list[str]]]:
    """Draft the introductions and record the attendees as met, as asked; who was
    recorded, and the draft files of each introduction."""
    from introducer.circle.meeting import met_entries
    from introducer.cli.ledger_input import confirmation, names_of
    from introducer.cli.pair_drafts import draft_kind, pair_drafter, write_drafts
    from introducer.drafts.build import DraftKind

    pairs = [i.pair for i in followed.introductions]
    # Opened before anything is drafted: a broken state file stops the command first.
    ledger = open_ledger(ctx, book, state) if record else None
    try:
        written: list[list[str]] = []
        if draft and pairs:
            drafter = pair_drafter(book, today())
            asked: DraftKind | None = "ask" if opt_in else None
            kinds: list[DraftKind] = [draft_kind(drafter, p, asked) for p in pairs]
            written = write_drafts(book, drafter, pairs, kinds, today(), out)
        if ledger is None:
            return [], written
        entries, before = met_entries(attendees, ledger.entries(), met_on, f"met at {where}")
        ledger.add(*entries)
    finally:
        if ledger is not None:
            ledger.close()
    names = names_of(book)
    for entry in entries:
        say(f"recorded: {confirmation(entry, names)}")
    if before:
        say(f"already recorded as met on {met_on}: {', '.join(c.name for c in before)}")
    recorded = {entry.a for entry in entries}
    return [c for c in attendees if c.id in recorded], written


def _draft_line(intro: Introduction) -> str:
    from introducer.cli.circle_render import draft_line

    return draft_line(intro.pair)


def _there(intro: Introduction, attendees: list[Contact]) -> str:
    if intro.both_there:
        return "both"
    there = {c.id for c in attendees}
    return intro.pair.a.name if intro.pair.a.id in there else intro.pair.b.name


def _render(output: OutputFormat, followed: Followed, attendees: list[Contact],
            unresolved: list[tuple[str, str]], met_on: dt.date, recorded: list[Contact],
            written: list[list[str]]) -> None:
    """The introductions on stdout, with the `draft` line of each; notes on stderr."""
    intros = followed.introductions
    if output is OutputFormat.json:
        emit_json(_json(followed, attendees, unresolved, met_on, recorded, written))
        return
    if output is OutputFormat.csv:
        emit_csv(["rank", "score", "a_id", "a_name", "b_id", "b_name", "both_there",
                  "common_thread", "draft"],
                 [[rank, i.pair.score, i.pair.a.id, i.pair.a.name, i.pair.b.id, i.pair.b.name,
                   "yes" if i.both_there else "no", i.pair.common_thread, _draft_line(i)]
                  for rank, i in enumerate(intros, 1)])
        return
    header = ["rank", "score", "a", "b", "at the meeting", "common thread"]
    rows = [[rank, f"{i.pair.score:g}", who(i.pair.a), who(i.pair.b), _there(i, attendees),
             i.pair.common_thread] for rank, i in enumerate(intros, 1)]
    if output is OutputFormat.markdown:
        emit_markdown(header, rows)
        if intros:
            lines = "\n".join(_draft_line(i) for i in intros)
            write_stdout(printable(f"\n```sh\n{lines}\n```\n", keep="\n"))
    elif intros:
        emit_table(header, rows, title=f"After the meeting of {met_on}", numeric=("rank", "score"))
        write_stdout(printable("".join(f"{_draft_line(i)}\n" for i in intros), keep="\n"))


def _json(followed: Followed, attendees: list[Contact], unresolved: list[tuple[str, str]],
          met_on: dt.date, recorded: list[Contact], written: list[list[str]]
          ) -> dict[str, Any]:
    from introducer.cli.render import person_record, reason_record

    introductions = []
    for rank, intro in enumerate(followed.introductions, 1):
        pair = intro.pair
        item: dict[str, Any] = {
            "rank": rank, "score": pair.score,
            "a": person_record(pair.a), "b": person_record(pair.b),
            "both_there": intro.both_there, "common_thread": pair.common_thread,
            "reasons": [reason_record(r) for r in pair.reasons], "draft": _draft_line(intro),
        }
        if written:
            item["drafts"] = written[rank - 1]
        introductions.append(item)
    return {
        "date": met_on.isoformat(),
        "attendees": [person_record(c) for c in attendees],
        "unresolved": [{"name": name, "problem": problem} for name, problem in unresolved],
        "solver": "optimal" if followed.optimal else "greedy",
        "introductions": introductions,
        "recorded": [person_record(c) for c in recorded],
    }
