"""Rendering rows as a table (people), or JSON, CSV, markdown (scripts and notes)."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from introducer.cli.console import (
    bidi_escaped,
    is_terminal,
    printable,
    stdout_console,
    stdout_stream,
)
from introducer.csvtext import csv_text

if TYPE_CHECKING:
    from introducer.book.schema import Contact
    from introducer.match.score import Reason

JSON_VERSION = 1


class OutputFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    markdown = "markdown"


class ReportFormat(StrEnum):
    """For reports of several sections (`today`, `gaps`), which no one CSV table holds."""

    table = "table"
    markdown = "markdown"
    json = "json"


def who(contact: Contact) -> str:
    """`Maria Lopez (divorce mediator)`: a contact as a table or a prompt names them."""
    return f"{contact.name} ({contact.business})" if contact.business else contact.name


def person_record(contact: Contact) -> dict[str, str]:
    """A contact in JSON, as every command writes one: its id and name."""
    return {"id": contact.id, "name": contact.name}


def reason_record(reason: Reason) -> dict[str, Any]:
    """A reason in JSON, as `suggest`, `explain`, `today`, `plan` and `meeting` write it."""
    return {"kind": reason.kind, "values": list(reason.values), "points": reason.points,
            "text": reason.text}


def write_stdout(text: str) -> None:
    stream = stdout_stream()
    stream.write(text)
    stream.flush()


def emit_json(payload: dict[str, Any]) -> None:
    """One JSON object, versioned; keys in a stable order, UTF-8 kept readable.

    On a stream that cannot encode every character (PYTHONIOENCODING=ascii, a latin-1
    locale), non-ASCII is written as JSON escapes (`\\u00eb`): still valid JSON, where
    the stream's own fallback (`\\xeb`) would not be.
    """
    write_json({"version": JSON_VERSION, **payload})


def write_json(document: dict[str, Any]) -> None:
    """`document` as `emit_json` writes it, without adding a version (it has its own)."""
    text = bidi_escaped(json.dumps(document, ensure_ascii=False, indent=2))
    encoding = getattr(stdout_stream(), "encoding", None) or "utf-8"
    try:
        text.encode(encoding)
    except (UnicodeEncodeError, LookupError):
        text = json.dumps(document, ensure_ascii=True, indent=2)
    write_stdout(text + "\n")


def emit_csv(header: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    # A lone carriage return in a file is data; on a terminal it moves the cursor back
    # over what was printed, so there it is shown as `\r` like any other control.
    keep = "\t\n" if is_terminal(stdout_stream()) else "\t\n\r"
    write_stdout(csv_text([header, *([_csv_cell(cell, keep) for cell in row] for row in rows)]))


#: A cell starting with one of these is a formula to Excel, LibreOffice and Sheets.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: A signed decimal number (`+3`, `-0.5`, `-1e3`): the one kind of `+`/`-` cell that is safe.
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", re.ASCII)


def _csv_cell(cell: object, keep: str = "\t\n\r") -> object:
    """Cells as they are (CSV quotes line breaks), but no raw escape codes and no formulas.

    Names come from other people (a LinkedIn export holds what each connection typed),
    so text that a spreadsheet would run (`=HYPERLINK(...)`) gets a leading `'`, which
    spreadsheets show as text. Numbers are left alone, written as text (`+3`) or not:
    a number runs nothing, and with a `'` it would no longer read as one.
    """
    if cell is None:
        return ""
    if not isinstance(cell, str):
        return cell
    text = printable(cell, keep=keep)
    if len(text) > 1 and text.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


def _cell(cell: object) -> str:
    """One line of text for a table or markdown cell: breaks as spaces, controls escaped."""
    text = "" if cell is None else str(cell)
    return printable(" ".join(text.split()) if not text.isprintable() else text)


def _markdown_cell(cell: object) -> str:
    return _cell(cell).replace("\\", "\\\\").replace("|", "\\|")


def markdown_text(text: str) -> str:
    """User text safe inside markdown: no control characters, no accidental emphasis."""
    text = printable(" ".join(text.split()))
    for special in "\\`*_[]<>#|":
        text = text.replace(special, "\\" + special)
    return text


def emit_markdown(header: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(_markdown_cell(c) for c in row) + " |" for row in rows]
    write_stdout("\n".join(lines) + "\n")


def _plain_table(
    header: Sequence[str], rows: Sequence[Sequence[str]], numeric: Sequence[str]
) -> str:
    """Aligned columns for pipes and logs: no colour, no box drawing, nothing cut off."""
    widths = [
        max([_width(name), *(_width(row[i]) for row in rows)]) for i, name in enumerate(header)
    ]
    lines = []
    for cells in [list(header), *rows]:
        padded = [
            _pad(cell, width, right=name in numeric)
            for name, cell, width in zip(header, cells, widths, strict=True)
        ]
        lines.append("  ".join(padded).rstrip())
    return "\n".join(lines) + "\n"


# Letters one cell wide whatever the terminal: Latin with its accents, Greek and Cyrillic
# (the first ranges of `rich.cells`' own, for which it returns the length too). A name such
# as "Zoë Ødegaard" is measured without importing rich (3 ms of a personal book's run).
_ONE_CELL_EACH = re.compile("[\x20-\x7e\xa0-\xac\xae-\u02ff\u0370-\u0482]*")


def _width(cell: str) -> int:
    """Terminal cells `cell` takes: a CJK letter or an emoji takes two."""
    if cell.isascii() or _ONE_CELL_EACH.fullmatch(cell):
        return len(cell)
    from rich.cells import cell_len

    return cell_len(cell)


def _pad(cell: str, width: int, *, right: bool) -> str:
    """Pad to `width` terminal cells."""
    space = " " * (width - _width(cell))
    return space + cell if right else cell + space


def emit_table(
    header: Sequence[str],
    rows: Sequence[Sequence[object]],
    *,
    title: str | None = None,
    numeric: Sequence[str] = (),
) -> None:
    """A rich table on a terminal; plain aligned columns (no box drawing) when piped."""
    cells = [[_cell(cell) for cell in row] for row in rows]
    if not is_terminal(stdout_stream()):
        write_stdout(_plain_table(header, cells, numeric))
        return
    from rich import box
    from rich.table import Table
    from rich.text import Text

    console = stdout_console()
    table = Table(
        title=Text(printable(title)) if title else None,
        box=box.SIMPLE_HEAD,
        show_edge=False,
        header_style="bold",
        pad_edge=False,
    )
    for name in header:
        table.add_column(name, justify="right" if name in numeric else "left", overflow="fold")
    for row in cells:
        table.add_row(*(Text(cell) for cell in row))
    console.print(table)


def emit_rows(
    output: OutputFormat,
    header: Sequence[str],
    rows: Sequence[Sequence[object]],
    *,
    json_key: str,
    json_rows: Sequence[dict[str, Any]],
    title: str | None = None,
    numeric: Sequence[str] = (),
) -> None:
    """The common case: one list of rows, four formats."""
    if output is OutputFormat.json:
        emit_json({json_key: list(json_rows)})
    elif output is OutputFormat.csv:
        emit_csv(header, rows)
    elif output is OutputFormat.markdown:
        emit_markdown(header, rows)
    else:
        emit_table(header, rows, title=title, numeric=numeric)
