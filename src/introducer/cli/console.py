"""Where output goes: data on stdout, everything else on stderr, colour only for people."""

from __future__ import annotations

import os
import sys
from typing import IO

from rich.console import Console

PIPE_WIDTH = 200


def _make_safe(stream: IO[str]) -> None:
    """Never die on a name the terminal's encoding can't show (LANG=C, odd PYTHONIOENCODING)."""
    reconfigure = getattr(stream, "reconfigure", None)
    encoding = (getattr(stream, "encoding", "") or "").lower().replace("-", "")
    if reconfigure is not None and encoding != "utf8":
        reconfigure(errors="backslashreplace")


def is_terminal(stream: IO[str]) -> bool:
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def _console(stream: IO[str]) -> Console:
    _make_safe(stream)
    terminal = is_terminal(stream)
    return Console(
        file=stream,
        force_terminal=terminal,
        no_color=not terminal or "NO_COLOR" in os.environ,
        highlight=False,
        emoji=False,
        width=None if terminal else PIPE_WIDTH,
        soft_wrap=not terminal,
    )


def stdout_console() -> Console:
    """A console on the current stdout (looked up each time: tests swap the streams)."""
    return _console(sys.stdout)


def stderr_console() -> Console:
    return _console(sys.stderr)


def say(message: str) -> None:
    """A diagnostic for the person (stderr), never mixed into data."""
    stderr_console().print(message, markup=False)
