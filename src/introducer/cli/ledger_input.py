"""What the ledger commands share: dates and pairs from the command line, lines to confirm with.

Dates are ISO (YYYY-MM-DD) and checked against today (or $INTRODUCER_TODAY), so a
typo like 2062 is a usage error, not a follow-up due in forty years.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated

import typer

from introducer.cli.console import say
from introducer.cli.session import today
from introducer.errors import UsageError
from introducer.ledger.entries import Entry, describe

if TYPE_CHECKING:
    from introducer.book.model import Book, PartialBook
    from introducer.book.schema import Contact
    from introducer.ledger.audit import UnknownId

DateOption = Annotated[
    str | None,
    typer.Option("--date", help="When it happened (YYYY-MM-DD; default: today).",
                 show_default=False),
]
NoteOption = Annotated[
    str | None,
    typer.Option("--note", help="A few words to remember it by.", show_default=False),
]
#: Kinds that happen on a day; the others (snoozed, never) are decisions about the future.
_DATED = frozenset({"introduced", "asked", "outcome", "received", "contacted"})


def parse_day(text: str, option: str) -> dt.date:
    """A strict YYYY-MM-DD date the ledger can keep, or a usage error naming the option."""
    from introducer.clock import day_problem, iso_day

    day = iso_day(text.strip())
    if day is None:
        raise UsageError(f'{option} "{text}" is not a date (use YYYY-MM-DD)')
    if (problem := day_problem(day, option)) is not None:
        raise UsageError(problem)
    return day


def past_day(text: str | None, option: str = "--date") -> dt.date:
    """The day something happened: today by default, never after today."""
    now = today()
    if text is None:
        return now
    day = parse_day(text, option)
    if day > now:
        raise UsageError(f"{option} {day} is in the future (today is {now}); record things "
                         "once they have happened")
    return day


def note_text(note: str | None) -> str | None:
    """The note as written; a blank one is no note."""
    return note if note is not None and note.strip() else None


def contact_pair(book: PartialBook, first: str, second: str) -> tuple[Contact, Contact]:
    """Two different contacts named on the command line (among those that loaded)."""
    from introducer.book.find import find_loaded

    a, b = find_loaded(book, first), find_loaded(book, second)
    if a.id == b.id:
        raise UsageError(f'"{first}" and "{second}" are the same contact ({a.id}); name two '
                         "different people")
    return a, b


def names_of(book: Book) -> dict[str, str]:
    """Contact id -> name, for lines that name people; ids the book no longer has are
    looked up with `.get(id, id)` and so show as themselves."""
    return {contact.id: contact.name for contact in book.contacts}


def confirmation(entry: Entry, names: dict[str, str]) -> str:
    """`introduced Maria Lopez and Tom Reed on 2026-11-23` (the note is the user's own)."""
    text = describe(dataclasses.replace(entry, note=None), names)
    return f"{text} on {entry.date}" if entry.kind in _DATED else text


def warn_about_earlier(history: Sequence[Entry], entry: Entry, names: dict[str, str]) -> None:
    """Say what the history already holds for the pair: recording again is allowed, not silent."""
    from introducer.ledger.audit import earlier_steps

    pair = entry.pair
    if pair is None or entry.b is None:  # `received` is about a person, not a pair
        return
    a, b = names.get(entry.a, entry.a), names.get(entry.b, entry.b)
    latest = {step.kind: step.date for step in earlier_steps(history, pair)}
    if entry.kind in ("introduced", "asked") and "introduced" in latest:
        say(f"warning: {a} and {b} were already introduced on {latest['introduced']}; "
            "recording this one too")
    elif entry.kind == "asked" and "asked" in latest:
        say(f"warning: {a} and {b} were already asked on {latest['asked']}; "
            "recording this ask too")
    elif entry.kind == "outcome" and not latest.keys() & {"introduced", "asked"}:
        say(f"warning: no introduction or ask is recorded for {a} and {b}; recording the outcome "
            f"anyway (`introducer record {entry.a} {entry.b}` records the introduction)")
    if entry.kind != "never" and "never" in latest:
        say(f"note: {a} and {b} are marked never (not to be suggested); recorded all the same")


def unknown_text(unknown: UnknownId) -> str:
    """One warning for an id the history names and the book does not have."""
    count = f"{unknown.entries} {'entry' if unknown.entries == 1 else 'entries'}"
    text = f'the history names "{unknown.id}" ({count}), which is not an id in the book'
    if unknown.suggestion is not None:
        return (f'{text}; did you mean "{unknown.suggestion}"? If they changed id, run '
                f"`introducer rename {unknown.id} {unknown.suggestion}`")
    return f"{text}; if they changed id, run `introducer rename {unknown.id} NEW-ID`"


def warn_about_unknown_ids(entries: Sequence[Entry], names: dict[str, str]) -> None:
    """Warn about each id the history names that the book does not have (an edited id).

    Such a contact's pairs lose their history: done introductions come back as new
    suggestions. The audit (and its fuzzy matching) is imported only when there is one.
    """
    if all(entry.a in names and (entry.b is None or entry.b in names)
           for entry in entries if entry.kind != "renamed"):
        return
    from introducer.ledger.audit import unknown_ids

    for unknown in unknown_ids(entries, names):
        say(f"warning: {unknown_text(unknown)}")
