"""The one error type the core raises; the CLI turns it into a message and an exit code."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

EXIT_OK = 0
EXIT_DATA = 1
EXIT_USAGE = 2


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong (or suspicious) in a file, located as an editor would show it."""

    file: str
    line: int | None
    message: str
    contact: str | None = None
    severity: Literal["error", "warning"] = "error"

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        who = f' contact "{self.contact}":' if self.contact else ""
        prefix = "warning: " if self.severity == "warning" else ""
        return f"{where}:{who} {prefix}{self.message}"


class IntroducerError(Exception):
    """Base for every error a user can cause; carries the process exit code."""

    exit_code: int = EXIT_DATA

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UsageError(IntroducerError):
    """The command line itself is wrong (exit 2)."""

    exit_code = EXIT_USAGE


class BookError(IntroducerError):
    """The contact book cannot be used; lists every problem found."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class ContactLookupError(IntroducerError):
    """A contact named on the command line is unknown or ambiguous."""
