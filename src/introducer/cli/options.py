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
