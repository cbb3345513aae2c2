"""Commands about the book itself: init, check, contacts."""

from __future__ import annotations

import os
import shlex
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from introducer.book.schema import as_data
from introducer.cli.console import printable, say
from introducer.cli.options import BookOption, FormatOption, StateOption
from introducer.cli.render import OutputFormat, emit_csv, emit_json, emit_markdown, emit_rows
from introducer.cli.session import (
    book_in_use,
    book_path,
    open_book,
    refuse_writing_book,
    state_file,
    user_errors,
)
from introducer.errors import BookError, Problem

if TYPE_CHECKING:
    from introducer.book.model import Book


def init(
    ctx: typer.Context,
    path: Annotated[
        str,
        typer.Argument(metavar="PATH",
                       help="Where to write the starter book (a file or a folder)."),
    ] = "contacts.yaml",
) -> None:
    """Write a starter contact book to edit; never overwrites an existing file.

    Examples:

    \b
      introducer init
      introducer init ~/.config/introducer/contacts.yaml
    """
    from introducer.book.starter import starter_text
    from introducer.errors import UsageError
    from introducer.fileio import write_new

    with user_errors():
        if not path.strip():
            raise UsageError("empty path; give a file or a folder to write the book to")
        # `folder/` names a folder even before it exists (Path would drop the slash).
        folder = path.endswith(("/", os.sep)) or Path(path).expanduser().is_dir()
        target = Path(path).expanduser() / "contacts.yaml" if folder else Path(path).expanduser()
        if (current := book_in_use(ctx)) is not None:
            refuse_writing_book(ctx, current, target, "path")
        write_new(target, starter_text())
    say(f"wrote {target}: add your contacts, then run `introducer{_book_flag(target)} check` "
        f"and `introducer{_book_flag(target)} suggest`")


def _book_flag(target: Path) -> str:
    """` --book PATH` unless `target` is where introducer looks for a book by itself."""
    from introducer.book.locate import default_books

    if any(target.resolve() == usual.resolve() for usual in default_books()):
        return ""
    return f" --book {shlex.quote(str(target))}"


def _problem_record(problem: Problem) -> dict[str, object]:
    return {"severity": problem.severity, "file": problem.file, "line": problem.line,
            "contact": problem.contact, "message": problem.message}


def check(
    ctx: typer.Context,
    output: FormatOption = OutputFormat.table,
    state: StateOption = None,
    book: BookOption = None,
) -> None:
    """Validate the book: list every error and warning; exit 1 if there is any error.

    With a history, also warns about ids it names that the book no longer has.

    Examples:

    \b
      introducer check
      introducer --book broken.yaml check --format json
    """
    from introducer.book.check import check_book
    from introducer.book.load import load_book

    contact_count: int | None = None
    with user_errors():
        path = book_path(ctx, book)
        try:
            loaded = load_book(path)
        except BookError as error:
            problems = list(error.problems)
        else:
            contact_count = len(loaded.contacts)
            problems = [*check_book(loaded), *_history_problems(ctx, loaded, state)]
    errors = [p for p in problems if p.severity == "error"]
    warnings = [p for p in problems if p.severity == "warning"]
    ordered = errors + warnings
    header = ["severity", "file", "line", "contact", "message"]
    rows = [[p.severity, p.file, p.line, p.contact, p.message] for p in ordered]
    if output is OutputFormat.json:
        emit_json({"book": str(path), "contacts": contact_count,
                   "errors": [_problem_record(p) for p in errors],
                   "warnings": [_problem_record(p) for p in warnings]})
    elif output is OutputFormat.csv:
        emit_csv(header, rows)
    elif output is OutputFormat.markdown:
        emit_markdown(header, rows)
    else:
        for problem in ordered:
            typer.echo(printable(str(problem)))
    counted = _plural(contact_count, "contact") if contact_count is not None else "not loaded"
    say(f"{path}: {counted}, {_plural(len(errors), 'error')}, "
        f"{_plural(len(warnings), 'warning')}")
    if errors:
        raise typer.Exit(1)


def _history_problems(ctx: typer.Context, book: Book, state: Path | None) -> list[Problem]:
    """Warnings (never errors) about the state file: ids gone from the book, or unreadable."""
    from introducer.cli.ledger_input import names_of, unknown_text
    from introducer.ledger.audit import unknown_ids
    from introducer.ledger.store import Ledger, StateError

    path = state_file(ctx, book, state)
    try:
        ledger = Ledger.open_existing(path)
        if ledger is None:
            return []
        with ledger:
            entries = ledger.entries()
    except StateError as error:
        return [Problem(str(path), None, error.message,
                        severity="warning")]
    return [Problem(str(path), None, unknown_text(unknown), severity="warning")
            for unknown in unknown_ids(entries, names_of(book))]


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def contacts(
    ctx: typer.Context,
    query: Annotated[
        str | None, typer.Argument(
            metavar="QUERY", help="Find by name, id, company, email or business (fuzzy), "
            "or by a line of work and its other names (realtor).")
    ] = None,
    group: Annotated[
        str | None, typer.Option("--group", "-g", help="Only the members of this group.",
                                 show_default=False)
    ] = None,
    output: FormatOption = OutputFormat.table,
    book: BookOption = None,
) -> None:
    """List contacts, or find them by a (fuzzy) query; nothing found: a message, exit 1.

    Examples:

    \b
      introducer contacts realtor
      introducer contacts --group "tuesday breakfast" --format csv
    """
    from introducer.book.search import find_contacts

    with user_errors():
        loaded = open_book(ctx, book)
        found = find_contacts(loaded, query, group)
    if not found and (query or group is not None):  # a search that failed: stdout stays empty
        say(_nothing_found(query, group))
        raise typer.Exit(1)
    header = ["id", "name", "business", "company", "email"]
    rows = [[c.id, c.name, c.business, c.company, c.email] for c in found]
    json_rows = ([as_data(c, json=True, exclude_none=True) for c in found]
                 if output is OutputFormat.json else [])
    emit_rows(
        output, header, rows,
        json_key="contacts",
        json_rows=json_rows,
        title=f"{len(found)} of {len(loaded.contacts)} contacts",
    )


def _nothing_found(query: str | None, group: str | None) -> str:
    if group is None:
        return f'no contact matches "{query}"'
    if query:
        return f'no contact in group "{group}" matches "{query}"'
    return f'no contact is in group "{group}"'

