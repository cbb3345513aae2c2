"""`introducer import`: exports people already have -> book YAML, merged into a NEW file.

The user's book is never written: with `--into` the merge goes to a new file
beside it (`contacts.merged.yaml`): the book as written, comments and all, plus
the new contacts and filled fields; or, with `--patch`, to a unified diff that
`patch -p0` or `git apply` applies in the book's folder.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from introducer.cli.console import say
from introducer.cli.render import write_stdout
from introducer.cli.session import book_in_use, refuse_writing_book, user_errors
from introducer.errors import IntroducerError, UsageError

if TYPE_CHECKING:
    from collections.abc import Callable

    from introducer.book.model import Book
    from introducer.importers.merge import MergeResult
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
    file: Annotated[Path, typer.Argument(metavar="FILE", help="The exported file to import.")],
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
    patch: Annotated[
        bool, typer.Option("--patch", help="With --into: write the merge as a unified diff "
                           "of BOOK (stdout unless --out) to review and apply.")
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print the report only; write nothing.")
    ] = False,
) -> None:
    """Import contacts from a vCard, Google, LinkedIn or Outlook export as book YAML.

    Examples:

    \b
      introducer import auto phone.vcf
      introducer import google contacts.csv --into contacts.yaml
      introducer import auto phone.vcf --into contacts.yaml --patch > merge.diff
    """
    from introducer.book.load import load_book
    from introducer.importers.merge import describe, merge_contacts
    from introducer.importers.write import render_book

    with user_errors():
        if patch and into is None:
            raise UsageError("--patch needs --into BOOK: it is a diff of that book")
        label = str(file)
        data = _read(file)
        chosen = _resolve_format(format_, data, label)
        result = _reader(chosen)(data, label)
        for problem in result.problems:
            say(str(problem))
        _refuse_empty(result, label)
        book = load_book(into) if into is not None else None
        target = _target(ctx, into, out, patch=patch)
        merged = merge_contacts(book, result.contacts)
        if book is None:
            text = render_book(merged.contacts, sources=[label])
        else:
            text = _merged_text(book, merged, label, patch=patch)
        unchanged = patch and not text  # an empty diff: nothing to write or apply
        if not dry_run and not unchanged:
            if target is None:
                write_stdout(text)
            else:
                _write(target, text)
        for line in describe(merged):
            say(line)
        if dry_run:
            return
        if unchanged:
            say(f"no change to {into}: it already has everything {label} holds")
        elif patch:
            assert into is not None
            where = f"wrote {target}" if target is not None else "printed the diff"
            say(f"{where}; apply it in the folder of {into} with "
                f"`patch -p0 < FILE` or `git apply FILE`")
        elif target is not None:
            say(f"wrote {target} ({len(merged.contacts)} contacts); "
                f"`introducer --book {target} check`, then use it as your book")


def _merged_text(book: Book, merged: MergeResult, label: str, *, patch: bool) -> str:
    """The book's own text with the merge applied (or, with `patch`, the diff of it);
    lines the editor could not keep as written are named on stderr."""
    from introducer.importers.patch import unified_patch
    from introducer.importers.preserve import merged_book_text

    original = _book_text(book.path)
    edited = merged_book_text(original, book, merged, label)
    if edited.reformatted:
        shown = ", ".join(str(n) for n in edited.reformatted[:10])
        more = " …" if len(edited.reformatted) > 10 else ""
        count = len(edited.reformatted)
        lines = f"{count} line comes" if count == 1 else f"{count} lines come"
        say(f"warning: {book.path}: {lines} out re-indented or re-spaced (line {shown}{more}) "
            "besides the merge; review the diff (--patch)")
    return unified_patch(book.path.name, original, edited.text) if patch else edited.text


def _book_text(path: Path) -> str:
    from introducer.fileio import read_input

    return read_input(path, "the book").decode("utf-8")


def _read(file: Path) -> bytes:
    from introducer.fileio import read_input

    return read_input(file, "an export file")


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


def _target(ctx: typer.Context, into: Path | None, out: Path | None, *,
            patch: bool) -> Path | None:
    """Where the YAML (or diff) goes (None: stdout); never the book merged into, nor the
    book in use, nor their state files."""
    if out is None:
        return None if into is None or patch else into.with_suffix(MERGED_SUFFIX)
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
