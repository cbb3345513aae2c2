"""Where output goes: data on stdout, everything else on stderr, colour only for people."""

from __future__ import annotations

import os
import sys
import unicodedata
from collections.abc import Callable
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:  # rich costs tens of milliseconds: imported only to draw or to say something
    from rich.console import Console

PIPE_WIDTH = 200


def _make_safe(stream: IO[str]) -> None:
    """Never die on a name the terminal's encoding can't show (LANG=C, odd PYTHONIOENCODING)."""
    reconfigure = getattr(stream, "reconfigure", None)
    encoding = (getattr(stream, "encoding", "") or "").lower().replace("-", "")
    if reconfigure is not None and encoding != "utf8":
        reconfigure(errors="backslashreplace")


# Bidirectional embeddings, overrides and isolates: invisible, yet they reorder what follows.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def printable(text: str, keep: str = "") -> str:
    """`text` safe to show: control characters become visible escapes (`\\x1b`), never raw.

    The loader refuses them in a book; this is the last line of defence for anything
    else that reaches the screen (command-line arguments, environment variables).
    """
    if text.isprintable():
        return text
    return "".join(
        repr(ch)[1:-1]
        if ch not in keep and (unicodedata.category(ch) == "Cc" or ch in _BIDI_CONTROLS)
        else ch
        for ch in text
    )


_BIDI_ESCAPES = {ord(ch): f"\\u{ord(ch):04x}" for ch in _BIDI_CONTROLS}


def bidi_escaped(json_text: str) -> str:
    """JSON text with bidirectional controls written as `\\u202e` escapes.

    JSON escapes every other control character itself; these it keeps raw (with
    `ensure_ascii=False`), and a raw U+202E reorders the rest of the line on a terminal.
    They only ever occur inside JSON strings, where the escape means the same character,
    so the document is unchanged for any reader.
    """
    return json_text.translate(_BIDI_ESCAPES)


def no_color_requested() -> bool:
    """`NO_COLOR` set to anything but the empty string (https://no-color.org)."""
    return bool(os.environ.get("NO_COLOR"))


def is_terminal(stream: IO[str]) -> bool:
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def stdin_is_terminal() -> bool:
    """Whether a person can answer prompts: the one check `--interactive` makes (tests swap it)."""
    return sys.stdin is not None and is_terminal(sys.stdin)


def _console(stream: IO[str]) -> Console:
    from rich.console import Console

    _make_safe(stream)
    terminal = is_terminal(stream)
    return Console(
        file=stream,
        force_terminal=terminal,
        no_color=not terminal or no_color_requested(),
        highlight=False,
        emoji=False,
        width=None if terminal else PIPE_WIDTH,
        soft_wrap=not terminal,
    )


def stdout_stream() -> IO[str]:
    """The current stdout, made safe for any name, without building a console: writing
    plain text (JSON, CSV, a piped table) needs no rich."""
    _make_safe(sys.stdout)
    return sys.stdout


def stdout_console() -> Console:
    """A console on the current stdout (looked up each time: tests swap the streams)."""
    return _console(sys.stdout)


def stderr_console() -> Console:
    return _console(sys.stderr)


def _line(stream: IO[str], console: Callable[[], Console], text: str) -> None:
    """`text` and a line break on `stream`: through rich on a terminal (which wraps it to
    the window), as it is to a pipe or a log, where rich would write the same bytes (no
    colour, no wrapping) after importing its console."""
    if is_terminal(stream):
        console().print(text, markup=False)
        return
    _make_safe(stream)
    stream.write(text + "\n")
    stream.flush()


def say(message: str) -> None:
    """A diagnostic for the person (stderr), never mixed into data."""
    _line(sys.stderr, stderr_console, printable(message, keep="\n"))


def show(line: str) -> None:
    """One line of a command's own output (stdout), such as `explain`'s heading."""
    _line(sys.stdout, stdout_console, printable(line))
