"""What every command needs: the book, today's date, and one way to fail."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from introducer.cli.console import say
from introducer.collector import collector_paused
from introducer.errors import BookError, IntroducerError, UsageError
from introducer.lifetime import keep_to_the_end

if TYPE_CHECKING:
    from introducer.book.model import Book, PartialBook
    from introducer.ledger.entries import Entry
    from introducer.ledger.store import Ledger
    from introducer.match.history import HistoryView

#: Problems a command other than `check` shows before pointing to `check` for the rest.
SHOWN_PROBLEMS = 10
#: From this many contacts a finished process leaves without freeing the book (and what
#: was built from it): the teardown costs about 5 µs a contact (0.5-0.7 s at 100k).
BIG_BOOK = 5_000


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn the core's errors into one message on stderr and the right exit code."""
    try:
        yield
    except BookError as error:
        for problem in error.problems[:SHOWN_PROBLEMS]:
            say(str(problem))
        hidden = len(error.problems) - SHOWN_PROBLEMS
        if hidden > 0:
            say(f"… and {hidden} more {'problem' if hidden == 1 else 'problems'}; "
                "`introducer check` lists them all")
        raise typer.Exit(error.exit_code) from None
    except IntroducerError as error:
        say(f"error: {error.message}")
        raise typer.Exit(error.exit_code) from None
    except (typer.Exit, typer.Abort, KeyboardInterrupt):
        raise
    except Exception as error:
        if os.environ.get("INTRODUCER_DEBUG"):
            raise
        say(f"internal error: {type(error).__name__}: {error} "
            "(set INTRODUCER_DEBUG=1 to see the traceback)")
        raise typer.Exit(1) from None


def book_path(ctx: typer.Context, explicit: Path | None) -> Path:
    from introducer.book.locate import find_book

    chosen = explicit if explicit is not None else (ctx.obj or {}).get("book")
    return find_book(chosen)


def open_book(ctx: typer.Context, explicit: Path | None) -> Book:
    """Find and load the book (from its cache when that holds it); every problem in it
    is reported, then exit 1."""
    from introducer.book.cache import load_book_cached

    # The book lives until the process exits: frozen, the collector never rescans it (on
    # a 100k-contact book that rescanning costs more than the matching), starting with
    # the pass that switching it back on would run over every new object.
    with collector_paused(keep=True):
        book = load_book_cached(book_path(ctx, explicit), _teller(ctx),
                                enabled=_cache_wanted(ctx))
    if len(book.contacts) >= BIG_BOOK:
        keep_to_the_end(book)
    return book


def open_book_for_ledger(ctx: typer.Context, explicit: Path | None) -> PartialBook:
    """The book for a command that reads or writes only the ledger: what of it loads.

    A typo in the book must not lock the user out of their history (or its backup):
    the errors are counted once on stderr, and contacts that did not load show as ids.
    """
    from introducer.book.cache import load_what_loads_cached

    with collector_paused(keep=True):
        partial = load_what_loads_cached(book_path(ctx, explicit), _teller(ctx),
                                         enabled=_cache_wanted(ctx))
    if len(partial.book.contacts) >= BIG_BOOK:
        keep_to_the_end(partial)
    if partial.errors:
        count = len(partial.errors)
        say(f"warning: {partial.book.path} has {count} {'error' if count == 1 else 'errors'} "
            "(`introducer check` lists them); names are shown as ids where the book "
            "could not be read")
    return partial


def _cache_wanted(ctx: typer.Context) -> bool:
    return bool((ctx.obj or {}).get("cache", True))


def _teller(ctx: typer.Context) -> Callable[[str], None]:
    """Where the cache says what it did: stderr under `--verbose`, else nowhere."""
    if (ctx.obj or {}).get("verbose"):
        return say
    return lambda note: None


#: Files SQLite writes beside a state file `x`: `x-wal`, `x-shm`, `x-journal`.
SQLITE_COMPANIONS = ("-wal", "-shm", "-journal")
STATE_CHOICE = "state file (--state, $INTRODUCER_STATE)"


def _state_path(ctx: typer.Context, book: Path, explicit: Path | None) -> Path:
    from introducer.book.locate import state_path

    chosen = explicit if explicit is not None else (ctx.obj or {}).get("state")
    return state_path(book, chosen)


def state_file(ctx: typer.Context, book: Book, explicit: Path | None = None) -> Path:
    """The state file for `book`: `--state` (command or global), $INTRODUCER_STATE, beside it.

    Never the book itself (nor a file SQLite keeps beside it): SQLite would turn an
    empty book into a database, and `--state contacts.yaml` is an easy slip.
    """
    from introducer.book.locate import refuse_book_target

    path = _state_path(ctx, book.path, explicit)
    for written in (path, *(Path(f"{path}{end}") for end in SQLITE_COMPANIONS)):
        refuse_book_target(written, STATE_CHOICE, book.path)
    return path


def refuse_writing_book(ctx: typer.Context, book: Path, target: Path, what: str,
                        explicit_state: Path | None = None) -> None:
    """Refuse to write `target` if it is `book` or the book's state file, under any name."""
    from introducer.book.locate import refuse_book_target

    refuse_book_target(target, what, book, _state_path(ctx, book, explicit_state))


def book_in_use(ctx: typer.Context) -> Path | None:
    """The book other commands would read now, or None: for commands that read no book
    (init, import) but must not write over it either."""
    try:
        return book_path(ctx, None)
    except IntroducerError:
        return None


def open_ledger(ctx: typer.Context, book: Book, explicit: Path | None = None) -> Ledger:
    """The state file, opened for writing (created 0600 on first use)."""
    from introducer.ledger.store import Ledger

    return Ledger.open(state_file(ctx, book, explicit))


def read_entries(ctx: typer.Context, book: Book, explicit: Path | None = None) -> list[Entry]:
    """The live history, or none if there is no state file yet (reading never creates one)."""
    from introducer.ledger.store import Ledger

    ledger = Ledger.open_existing(state_file(ctx, book, explicit))
    if ledger is None:
        return []
    with ledger:
        return ledger.entries()


def history_view(book: Book, entries: list[Entry], on: dt.date) -> HistoryView:
    """What the history means for ranking on `on`."""
    from introducer.ledger.views import history_view as view

    return view(entries, on, book.settings.cooldown_days)


def current_history(ctx: typer.Context, book: Book, explicit: Path | None = None) -> HistoryView:
    """What the ledger says about this book's contacts today (nothing if no state file yet)."""
    return history_view(book, read_entries(ctx, book, explicit), today())


def today() -> dt.date:
    """The one clock's day ($INTRODUCER_TODAY or the local date); a bad value is a usage error."""
    from introducer.clock import ClockError
    from introducer.clock import today as clock_today

    try:
        return clock_today()
    except ClockError as error:
        raise UsageError(str(error)) from None
