"""Running a command on a book the way a person does, for the CLI tests of one command."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from introducer.cli.app import app
from tests.conftest import EXAMPLE_BOOK

runner = CliRunner()


def example_copy(folder: Path) -> Path:
    """The example book, in `folder` with its own state file."""
    return Path(shutil.copy(EXAMPLE_BOOK, folder / "contacts.yaml"))


def invoke(book: Path, *args: str) -> tuple[int, str, str]:
    """Exit code, stdout and stderr of `introducer --book BOOK ARGS`."""
    result = runner.invoke(app, ["--book", str(book), *args])
    return result.exit_code, result.stdout, result.stderr


def history_rows(book: Path) -> list[dict[str, Any]]:
    """The book's history as `history --format json` exports it."""
    code, out, _ = invoke(book, "history", "--format", "json")
    assert code == 0
    entries: list[dict[str, Any]] = json.loads(out)["entries"]
    return entries
