"""Rendering rows as a table (people), or JSON, CSV, markdown (scripts and notes)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from enum import StrEnum
from typing import Any

from rich import box
from rich.table import Table
from rich.text import Text

from introducer.cli.console import is_terminal, stdout_console

JSON_VERSION = 1


class OutputFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    markdown = "markdown"


def write_stdout(text: str) -> None:
    console = stdout_console()
    console.file.write(text)
    console.file.flush()


def emit_json(payload: dict[str, Any]) -> None:
    """One JSON object, versioned; keys in a stable order, UTF-8 kept readable."""
    write_stdout(json.dumps({"version": JSON_VERSION, **payload}, ensure_ascii=False, indent=2)
                 + "\n")


def emit_csv(header: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(["" if cell is None else cell for cell in row] for row in rows)
    write_stdout(buffer.getvalue())


def _markdown_cell(cell: object) -> str:
    text = "" if cell is None else str(cell)
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def emit_markdown(header: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(_markdown_cell(c) for c in row) + " |" for row in rows]
    write_stdout("\n".join(lines) + "\n")


def _plain_table(
    header: Sequence[str], rows: Sequence[Sequence[str]], numeric: Sequence[str]
) -> str:
    """Aligned columns for pipes and logs: no colour, no box drawing, nothing cut off."""
    widths = [max([len(name), *(len(row[i]) for row in rows)]) for i, name in enumerate(header)]
    lines = []
    for cells in [list(header), *rows]:
        padded = [
            cell.rjust(width) if name in numeric else cell.ljust(width)
            for name, cell, width in zip(header, cells, widths, strict=True)
        ]
        lines.append("  ".join(padded).rstrip())
    return "\n".join(lines) + "\n"


def emit_table(
    header: Sequence[str],
    rows: Sequence[Sequence[object]],
    *,
    title: str | None = None,
    numeric: Sequence[str] = (),
) -> None:
    """A rich table on a terminal; plain aligned columns (no box drawing) when piped."""
    cells = [["" if cell is None else str(cell) for cell in row] for row in rows]
    console = stdout_console()
    if not is_terminal(console.file):
        write_stdout(_plain_table(header, cells, numeric))
        return
    table = Table(
        title=Text(title) if title else None,
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
