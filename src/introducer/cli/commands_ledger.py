"""The lifecycle commands: record, outcome, snooze, never, received, contacted, undo.

Each writes one change to the state file and confirms it in one line on stderr;
stdout stays empty, so a script can chain them and read only the exit code.
"""

from __future__ import annotations

import datetime as dt
import math
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from introducer.cli.console import say
from introducer.cli.ledger_input import (
    DateOption,
    NoteOption,
    confirmation,
    contact_pair,
    names_of,
    note_text,
    parse_day,
    past_day,
    warn_about_earlier,
)
from introducer.cli.options import BookOption, StateOption
from introducer.cli.session import (
    open_book_for_ledger,
    open_ledger,
    state_file,
    today,
    user_errors,
)
from introducer.clock import LATEST_DAY
from introducer.errors import UsageError
from introducer.ledger.entries import MAX_VALUE, Entry
from introducer.match.history import pair_key

if TYPE_CHECKING:
    from introducer.book.model import Book

FirstArgument = Annotated[str, typer.Argument(metavar="A", help="A contact (id or name).")]
SecondArgument = Annotated[str, typer.Argument(metavar="B", help="Another contact (id or name).")]


class ResultChoice(StrEnum):
    accepted = "accepted"
    declined = "declined"
    met = "met"
    business = "business"
    no_reply = "no-reply"


def _write(ctx: typer.Context, book: Book, state: StateOption, entry: Entry) -> None:
    """Append `entry`, warning first about what the history already says of the pair."""
    names = names_of(book)
    with open_ledger(ctx, book, state) as ledger:
        warn_about_earlier(ledger.entries(), entry, names)
        ledger.add(entry)
    say(f"recorded: {confirmation(entry, names)}")


def record(
    ctx: typer.Context,
    first: FirstArgument,
    second: SecondArgument,
    asked: Annotated[bool, typer.Option(
        "--asked", help="You sent the double opt-in asks, not the introduction itself.")] = False,
    date: DateOption = None,
    note: NoteOption = None,
    state: StateOption = None,
    book: BookOption = None,
) -> None:
    """Record that you introduced two contacts (or, with --asked, asked each of them first).

    Examples:

    \b
      introducer record chloe ethan --note "coffee at Luigi's"
      introducer record maria tom --asked
    """
    with user_errors():
        partial = open_book_for_ledger(ctx, book)
        loaded = partial.book
        a, b = contact_pair(partial, first, second)
        entry = Entry(kind="asked" if asked else "introduced", a=a.id, b=b.id,
                      date=past_day(date), note=note_text(note))
        _write(ctx, loaded, state, entry)


def outcome(
    ctx: typer.Context,
    first: FirstArgument,
    second: SecondArgument,
    result: Annotated[ResultChoice, typer.Argument(
        metavar="RESULT", case_sensitive=False,
        help="accepted or declined: the answer to an opt-in ask; met, business (with "
        "--value), no-reply: how an introduction went.")],
    value: Annotated[float | None, typer.Option(
        "--value", help="With business: what the business was worth (a number >= 0).",
        show_default=False)] = None,
    date: DateOption = None,
    note: NoteOption = None,
    state: StateOption = None,
    book: BookOption = None,
) -> None:
    """Record how an introduction (or an opt-in ask) turned out.

    Examples:

    \b
      introducer outcome maria tom accepted
      introducer outcome maria tom business --value 1500
    """
    with user_errors():
        if value is not None and result is not ResultChoice.business:
            raise UsageError(f"--value goes with business (the value of the business closed), "
                             f"not {result.value}")
        if value is not None and not (math.isfinite(value) and 0 <= value <= MAX_VALUE):
            raise UsageError(f"--value {value:g} must be a number from 0 to {MAX_VALUE:g}")
        if value is not None:
            value += 0.0  # -0 is 0: "value -0" is no way to confirm a deal
        partial = open_book_for_ledger(ctx, book)
        loaded = partial.book
        a, b = contact_pair(partial, first, second)
        entry = Entry(kind="outcome", a=a.id, b=b.id, date=past_day(date), result=result.value,
                      value=value, note=note_text(note))
        _write(ctx, loaded, state, entry)


def snooze(
    ctx: typer.Context,
    first: FirstArgument,
    second: SecondArgument,
    until: Annotated[str | None, typer.Option(
        "--until", help="Suggest the pair again from this day (YYYY-MM-DD, after today).",
        show_default=False)] = None,
    for_days: Annotated[int | None, typer.Option(
        "--for-days", min=1, help="Or: suggest it again after this many days.",
        show_default=False)] = None,
    note: NoteOption = None,
    state: StateOption = None,
    book: BookOption = None,
) -> None:
    """Hide a pair from suggestions, or put off its follow-up, until a later day.

    Examples:

    \b
      introducer snooze maria tom --until 2027-01-15
      introducer snooze sam ben --for-days 30
    """
    with user_errors():
        now = today()
        if (until is None) == (for_days is None):
            raise UsageError("give one of --until DATE or --for-days N")
        if until is not None and _past_the_calendar(until):
            raise UsageError(f"--until {until.strip()} is too far ahead (the latest is "
                             f"{LATEST_DAY}); `introducer never A B` hides a pair for good")
        day = parse_day(until, "--until") if until is not None else None
        if day is None:
            assert for_days is not None
            if for_days > (LATEST_DAY - now).days:
                raise UsageError(f"--for-days {for_days} goes past {LATEST_DAY}; "
                                 "`introducer never A B` hides a pair for good")
            day = now + dt.timedelta(days=for_days)
        if day <= now:
            raise UsageError(f"--until {day} is not after today ({now})")
        partial = open_book_for_ledger(ctx, book)
        loaded = partial.book
        a, b = contact_pair(partial, first, second)
        entry = Entry(kind="snoozed", a=a.id, b=b.id, date=now, until=day, note=note_text(note))
        _write(ctx, loaded, state, entry)


def _past_the_calendar(text: str) -> bool:
    try:
        return dt.date.fromisoformat(text.strip()) > LATEST_DAY
    except ValueError:
        return False


def never(
    ctx: typer.Context,
    first: FirstArgument,
    second: SecondArgument,
    note: NoteOption = None,
    state: StateOption = None,
    book: BookOption = None,
) -> None:
    """Never suggest this pair again (`introducer undo` takes it back).

    Example: introducer never sam "lena fischer"
    """
    from introducer.ledger.audit import earlier_steps

    with user_errors():
        partial = open_book_for_ledger(ctx, book)
        loaded = partial.book
        a, b = contact_pair(partial, first, second)
        entry = Entry(kind="never", a=a.id, b=b.id, date=today(), note=note_text(note))
        with open_ledger(ctx, loaded, state) as ledger:
            if any(step.kind == "never"
                   for step in earlier_steps(ledger.entries(), pair_key(a.id, b.id))):
                say(f"{a.name} and {b.name} are already marked never; nothing recorded")
                return
            ledger.add(entry)
        say(f"recorded: {confirmation(entry, names_of(loaded))}")


def received(
    ctx: typer.Context,
    giver: Annotated[str, typer.Argument(
        metavar="FROM", help="Who gave you the referral or introduction (id or name).")],
    to: Annotated[str | None, typer.Option(
        "--to", help="The contact they introduced you to, if they are in the book.",
        show_default=False)] = None,
    date: DateOption = None,
    note: NoteOption = None,
    state: StateOption = None,
    book: BookOption = None,
) -> None:
    """Record a referral or introduction someone gave you (it counts toward reciprocity).

    Example: introducer received sam --to marcus --note "buyer for the loft"
    """
    from introducer.book.find import find_loaded

    with user_errors():
        partial = open_book_for_ledger(ctx, book)
        loaded = partial.book
        if to is None:
            source, target = find_loaded(partial, giver), None
        else:  # the pair rule: two different contacts
            source, target = contact_pair(partial, giver, to)
        entry = Entry(kind="received", a=source.id, b=target.id if target else None,
                      date=past_day(date), note=note_text(note))
        _write(ctx, loaded, state, entry)


def contacted(
    ctx: typer.Context,
    person: Annotated[str, typer.Argument(
        metavar="CONTACT", help="Who you were in touch with (id or name).")],
    date: DateOption = None,
    note: NoteOption = None,
    state: StateOption = None,
    book: BookOption = None,
) -> None:
    """Record that you were in touch with someone: `today` stops listing them to reconnect.

    Example: introducer contacted jorge --date 2026-11-30 --note "lunch"
    """
    from introducer.book.find import find_loaded

    with user_errors():
        partial = open_book_for_ledger(ctx, book)
        loaded = partial.book
        contact = find_loaded(partial, person)
        entry = Entry(kind="contacted", a=contact.id, b=None, date=past_day(date),
                      note=note_text(note))
        _write(ctx, loaded, state, entry)


def undo(
    ctx: typer.Context,
    state: StateOption = None,
    book: BookOption = None,
) -> None:
    """Take back the newest change to the history (record, outcome, snooze, never, rename...).

    Example: introducer undo
    """
    from introducer.ledger.store import Ledger

    with user_errors():
        partial = open_book_for_ledger(ctx, book)
        loaded = partial.book
        ledger = Ledger.open_existing(state_file(ctx, loaded, state))
        if ledger is None:
            say("nothing to undo (no history yet)")
            return
        with ledger:
            undone = ledger.undo()
    if undone is None:
        say("nothing to undo")
        return
    text = confirmation(undone, names_of(loaded))
    if undone.kind == "renamed":
        text += f" (the history is back under {undone.a})"
    say(f"undid: {text}")
