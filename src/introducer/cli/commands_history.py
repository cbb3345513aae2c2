"""Reading and keeping the history: history (timeline and export), import-history, rename, paths.

`history --format json|csv` is the backup: every entry, undone ones too, every
column; `import-history` takes it back without loss. Reading never creates the
state file.
"""

from __future__ import annotations

import dataclasses
import shlex
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from introducer.cli.console import (
    is_terminal,
    printable,
    say,
    stdout_stream,
)
from introducer.cli.ledger_input import names_of, warn_about_unknown_ids
from introducer.cli.options import BookOption, FormatOption, StateOption
from introducer.cli.render import OutputFormat, emit_json, emit_rows, write_json, write_stdout
from introducer.cli.session import (
    open_book_for_ledger,
    open_ledger,
    state_file,
    today,
    user_errors,
)
from introducer.csvtext import csv_text
from introducer.errors import ContactLookupError, IntroducerError, UsageError
from introducer.ledger.views import live

if TYPE_CHECKING:
    from introducer.book.model import Book, PartialBook
    from introducer.ledger.entries import Entry


def history(
    ctx: typer.Context,
    contact: Annotated[str | None, typer.Argument(
        metavar="CONTACT", help="Only entries involving this contact (id or name; an id no "
        "longer in the book works too).", show_default=False)] = None,
    show_all: Annotated[bool, typer.Option(
        "--all", help="Also show suggestions made and entries taken back with undo.")] = False,
    output: FormatOption = OutputFormat.table,
    state: StateOption = None,
    book: BookOption = None,
) -> None:
    """The timeline of what you did; --format json|csv exports everything (the backup).

    Examples:

    \b
      introducer history maria
      introducer history --format json > backup.json
    """
    from introducer.ledger.store import Ledger

    with user_errors():
        partial = open_book_for_ledger(ctx, book)
        loaded = partial.book
        path = state_file(ctx, loaded, state)
        ledger = Ledger.open_existing(path)
        entries: list[Entry] = []
        if ledger is not None:
            with ledger:
                entries = ledger.entries(include_undone=True)
        everything = entries
        if contact is not None:
            wanted = _contact_id(partial, contact, entries)
            entries = [e for e in entries if e.involves(wanted)]
    names = names_of(loaded)
    if output in (OutputFormat.json, OutputFormat.csv):
        _export(entries, output)
        return
    shown = _timeline(entries, names, output, show_all=show_all)
    if output is not OutputFormat.table or shown:
        return
    if ledger is None:
        say(f"no history yet ({path} does not exist; `introducer record` starts it)")
    elif contact is None:
        say("nothing in the history yet" + ("" if show_all else
                                            " (`--all` adds suggestions shown and undone entries)"))
    else:
        say(f"no history for {names.get(wanted, wanted)} ({wanted})")
        if not partial.errors:  # ids of contacts that did not load are not edited ids
            warn_about_unknown_ids(live(everything), names)


def _contact_id(partial: PartialBook, text: str, entries: list[Entry]) -> str:
    """The contact's id in the book, or an id only the history still names.

    An id the history uses, typed exactly, wins over a name lookup: after an id was
    edited in the book, `maria-lopez` would otherwise find `maria-lopez-garcia` by prefix.
    """
    from introducer.book.find import find_loaded

    wanted = text.strip()
    if wanted not in names_of(partial.book) and any(entry.involves(wanted) for entry in entries):
        return wanted
    return find_loaded(partial, text).id


def _export(entries: list[Entry], output: OutputFormat) -> None:
    from introducer.ledger.exchange import csv_rows, export_document, to_csv

    if output is OutputFormat.json:
        write_json(export_document(entries))
        return
    if is_terminal(stdout_stream()):  # no escape codes reach a terminal
        write_stdout(csv_text([printable(cell, keep="\t\n") for cell in row]  # no lone CR
                              for row in csv_rows(entries)))
        return
    # A file: exact, and UTF-8 whatever the locale (LANG=C in cron must not mangle names).
    stream = stdout_stream()
    stream.flush()
    getattr(stream, "buffer", sys.stdout.buffer).write(to_csv(entries).encode("utf-8"))
    stream.flush()


def _timeline(entries: list[Entry], names: dict[str, str], output: OutputFormat, *,
              show_all: bool) -> int:
    """The entries as a timeline; returns how many were shown (none: nothing is printed on a
    terminal or pipe, so the caller can say why instead of an empty table)."""
    from introducer.clock import local_day
    from introducer.ledger.entries import describe

    shown = [e for e in entries if show_all or (e.undone_at is None and e.kind != "suggested")]
    if not shown and output is OutputFormat.table:
        return 0
    shown.sort(key=lambda e: (e.date, e.id or 0))
    header = ["date", "what happened", "note"]
    rows: list[list[Any]] = [[e.date.isoformat(), describe(dataclasses.replace(e, note=None),
                                                            names), e.note or ""] for e in shown]
    if show_all:
        header.append("undone")
        for row, entry in zip(rows, shown, strict=True):
            row.append(local_day(entry.undone_at) if entry.undone_at else "")
    emit_rows(output, header, rows, json_key="entries", json_rows=[], title="History")
    return len(shown)


def import_history(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(
        metavar="FILE", help="A `history --format json` or `--format csv` export.")],
    state: StateOption = None,
    book: BookOption = None,
) -> None:
    """Add the entries of a history export to the state file (entries already there are skipped).

    Example: introducer import-history backup.json
    """
    from introducer.ledger.exchange import read_export

    with user_errors():
        partial = open_book_for_ledger(ctx, book)
        loaded = partial.book
        entries = read_export(file)
        with open_ledger(ctx, loaded, state) as ledger:
            added, skipped = ledger.import_entries(entries)
            path = ledger.path
    say(f"imported {file} into {path}: {added} added, {skipped} already there")
    if not partial.errors:  # ids of contacts that did not load are not edited ids
        warn_about_unknown_ids(live(entries), names_of(loaded))


def rename(
    ctx: typer.Context,
    old: Annotated[str, typer.Argument(
        metavar="OLD", help="The id the history uses (it may no longer be in the book).")],
    new: Annotated[str, typer.Argument(metavar="NEW", help="The contact's id in the book now.")],
    state: StateOption = None,
    book: BookOption = None,
) -> None:
    """Move a contact's history from an old id to their id in the book (after editing ids).

    Example: introducer rename maria maria-lopez
    """
    from introducer.ledger.store import Ledger

    with user_errors():
        old, new = old.strip(), new.strip()
        if not old or not new:
            raise UsageError("OLD and NEW must be contact ids, not blank")
        if old == new:
            raise UsageError(f'OLD and NEW are the same id ("{old}")')
        partial = open_book_for_ledger(ctx, book)
        loaded = partial.book
        _require_book_id(partial, new)
        path = state_file(ctx, loaded, state)
        ledger = Ledger.open_existing(path)
        if ledger is None:
            raise IntroducerError(f'no history for "{old}": there is no state file at {path}')
        with ledger:
            if not any(e.involves(old) and e.kind != "renamed"
                       for e in ledger.entries(include_undone=True)):
                raise IntroducerError(f'no history for "{old}" in {path}'
                                      + _id_hint(old, ledger.contact_ids(), loaded))
            moved = ledger.rename(old, new, today())
    say(f"renamed {old} to {new}: {moved} {'entry' if moved == 1 else 'entries'} moved")
    if old in names_of(loaded):
        say(f'note: "{old}" is still an id in the book; its history now belongs to "{new}"')


def _require_book_id(partial: PartialBook, new: str) -> None:
    from introducer.book.closest import did_you_mean
    from introducer.book.find import find_loaded

    book = partial.book
    ids = names_of(book)
    if new in ids:
        return
    try:
        hint: str | None = find_loaded(partial, new).id
    except IntroducerError:
        hint = did_you_mean(new, ids)
    extra = f'; did you mean "{hint}"?' if hint else ""
    raise ContactLookupError(f'"{new}" is not a contact id in {book.path}{extra} '
                             "(NEW must be the exact id)")


def _id_hint(old: str, history_ids: set[str], book: Book) -> str:
    from introducer.book.closest import did_you_mean

    hint = did_you_mean(old, sorted(history_ids - names_of(book).keys()))
    return f'; did you mean "{hint}"?' if hint else ""


def paths(
    ctx: typer.Context,
    output: FormatOption = OutputFormat.table,
    state: StateOption = None,
    book: BookOption = None,
) -> None:
    """Where the book, the state file and the drafts live, and why (handy when cron misbehaves).

    Examples:

    \b
      introducer paths
      introducer --book ~/contacts.yaml paths
    """
    from introducer.places import locations

    with user_errors():
        found = locations(book if book is not None else (ctx.obj or {}).get("book"),
                          state if state is not None else (ctx.obj or {}).get("state"),
                          cache=(ctx.obj or {}).get("cache", True))
        cwd = Path.cwd()
    header = ["what", "path", "exists", "chosen by"]
    rows = [[p.name, str(p.path), p.status, p.source] for p in found]
    rows.append(["working folder", str(cwd), "yes", "relative paths start here"])
    if output is OutputFormat.json:
        emit_json({"cwd": str(cwd), "paths": {
            p.name: {"path": str(p.path), "exists": p.exists, "source": p.source}
            for p in found}})
    else:
        emit_rows(output, header, rows, json_key="paths", json_rows=[])
    book_place = found[0]
    if not book_place.exists:
        say(f"no contact book at {book_place.path}; create one with "
            f"`introducer init {shlex.quote(str(book_place.path))}`")
