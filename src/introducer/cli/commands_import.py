"""`introducer import`: exports people already have -> book YAML, merged into a NEW file.

The user's book is never written: with `--into` the merge goes to a new file
beside it (`contacts.merged.yaml`), which the user checks and adopts.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from introducer.cli.console import say
from introducer.cli.render import write_stdout
from introducer.cli.session import book_in_use, refuse_writing_book, user_errors
from introducer.errors import IntroducerError

if TYPE_CHECKING:
    from collections.abc import Callable

    from introducer.importers.record import ImportResult

MERGED_SUFFIX = ".merged.yaml"


class ImportFormat(StrEnum):
    vcard = "vcard"
    google = "google"
    linkedin = "linkedin"
    outlook = "outlook"
    auto = "auto"


def import_contacts(
    ctx: typer.Context,
    format_: Annotated[
        ImportFormat,
        typer.Argument(
            metavar="FORMAT", case_sensitive=False,
            help="vcard, google, linkedin, outlook, or auto to tell from the content.",
        ),
    ],
    file: Annotated[Path, typer.Argument(help="The exported file to import.")],
    into: Annotated[
        Path | None,
        typer.Option("--into", help="Merge into this book (read only; the result is a new file).",
                     show_default=False),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Write here (default with --into: BOOK.merged.yaml; "
                     "without: stdout). Never overwrites.", show_default=False),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print the report only; write nothing.")
    ] = False,
) -> None:
    """Import contacts from a vCard, Google, LinkedIn or Outlook export as book YAML."""
    from introducer.book.load import load_book
    from introducer.importers.merge import describe, merge_contacts
    from introducer.importers.write import imported_from, render_book

    with user_errors():
        label = str(file)
        data = _read(file)
        chosen = _resolve_format(format_, data, label)
        result = _reader(chosen)(data, label)
        for problem in result.problems:
            say(str(problem))
        _refuse_empty(result, label)
        book = load_book(into) if into is not None else None
        target = _target(ctx, into, out)
        merged = merge_contacts(book, result.contacts)
        sources = [*_earlier_sources(into, imported_from), label]
        text = render_book(merged.contacts, original=book, sources=sources)
        if not dry_run:
            if target is None:
                write_stdout(text)
            else:
                _write(target, text)
        for line in describe(merged):
            say(line)
        if target is not None and not dry_run:
            say(f"wrote {target} ({len(merged.contacts)} contacts); "
                f"`introducer --book {target} check`, then use it as your book")


def _read(file: Path) -> bytes:
    from introducer.fileio import read_input

    return read_input(file, "an export file")


def _earlier_sources(into: Path | None, parse: Callable[[str], list[str]]) -> list[str]:
    """Sources named by the header of a book an earlier import wrote (none otherwise)."""
    if into is None:
        return []
    try:
        with into.open("rb") as handle:
            first = handle.readline(4096).decode("utf-8", "replace")
    except OSError:
        return []
    return parse(first)


def _resolve_format(format_: ImportFormat, data: bytes, label: str) -> str:
    if format_ is not ImportFormat.auto:
        return format_.value
    from introducer.importers.csv_formats import detect_format

    detected = detect_format(data)
    if detected is None:
        raise IntroducerError(
            f"{label}: cannot tell which export this is; name the format: "
            "vcard, google, linkedin or outlook"
        )
    say(f"{label}: read as {detected}")
    return detected


def _reader(chosen: str) -> Callable[[bytes, str], ImportResult]:
    if chosen == "vcard":
        from introducer.importers.vcard import read_vcards

        return read_vcards
    from introducer.importers import csv_formats

    readers: dict[str, Callable[[bytes, str], ImportResult]] = {
        "google": csv_formats.read_google,
        "linkedin": csv_formats.read_linkedin,
        "outlook": csv_formats.read_outlook,
    }
    return readers[chosen]


def _refuse_empty(result: ImportResult, label: str) -> None:
    """A file that yields no contact and had errors is not an import; say so (exit 1)."""
    if not result.contacts and any(p.severity == "error" for p in result.problems):
        raise IntroducerError(f"{label}: no contact could be imported")


def _target(ctx: typer.Context, into: Path | None, out: Path | None) -> Path | None:
    """Where the YAML goes (None: stdout); never the book merged into, nor the book in use,
    nor their state files."""
    if out is None:
        return None if into is None else into.with_suffix(MERGED_SUFFIX)
    for book in {into, book_in_use(ctx)} - {None}:
        assert book is not None
        refuse_writing_book(ctx, book, out, "--out")
    return out


def _write(target: Path, text: str) -> None:
    from introducer.fileio import write_new

    if target.exists() or target.is_symlink():
        raise IntroducerError(
            f"{target} already exists; not overwriting it (use --out PATH to write elsewhere)"
        )
    try:
        write_new(target, text.encode("utf-8"))
    except IntroducerError as error:
        if "already exists" in error.message:
            raise IntroducerError(
                f"{target} already exists; not overwriting it (use --out PATH to write elsewhere)"
            ) from None
        raise
