"""Options shared by several commands, declared once."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from introducer.cli.render import OutputFormat

BookOption = Annotated[
    Path | None,
    typer.Option("--book", "-b", help="Contact book to read.", show_default=False),
]
FormatOption = Annotated[
    OutputFormat,
    typer.Option(
        "--format",
        "-f",
        case_sensitive=False,
        help="table for people; json, csv or markdown for scripts and notes.",
    ),
]
StateOption = Annotated[
    Path | None,
    typer.Option(
        "--state",
        help="State file (history) to use (default: $INTRODUCER_STATE, then "
        "<book stem>.introducer.sqlite3 beside the book).",
        show_default=False,
    ),
]
#: For the commands that draft the pairs they choose (`plan`, `meeting`).
OptInOption = Annotated[
    bool,
    typer.Option("--opt-in", help="With --draft: two private asks per pair, not the joint intro."),
]
OutOption = Annotated[
    Path,
    typer.Option("--out", "-o", help="Folder for the --draft files (created if missing)."),
]
