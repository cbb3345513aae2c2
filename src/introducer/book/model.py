"""The loaded book: validated records plus where each came from in the file."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from introducer.book.schema import Contact, Me, Settings
from introducer.errors import Problem


@dataclass(frozen=True, slots=True)
class Book:
    """A validated contact book.

    `contact_lines[i]` is the line (from 1) where contact i starts and
    `field_lines[i]` maps each of its keys to the key's line (and `alias_lines`
    each key of `settings.aliases`, as written, to its line), so later checks
    (`introducer check` warnings) can point at the exact place.
    """

    path: Path
    me: Me = field(default_factory=Me)
    settings: Settings = field(default_factory=Settings)
    contacts: tuple[Contact, ...] = ()
    contact_lines: tuple[int, ...] = ()
    field_lines: tuple[Mapping[str, int], ...] = ()
    alias_lines: Mapping[str, int] = field(default_factory=dict)

    def line_of(self, index: int, key: str | None = None) -> int | None:
        """Line of contact `index` (or of one of its keys); None when unknown."""
        if index >= len(self.contact_lines):
            return None
        if key is not None and index < len(self.field_lines):
            line = self.field_lines[index].get(key)
            if line is not None:
                return line
        return self.contact_lines[index]

    def at_full_score_for_acquaintances(self) -> Book:
        """This book with pairs who already know each other scored like any other pair
        (`suggest --include-acquainted`)."""
        weights = dataclasses.replace(self.settings.weights, already_acquainted=0.0)
        settings = dataclasses.replace(self.settings, weights=weights)
        return dataclasses.replace(self, settings=settings)


@dataclass(frozen=True, slots=True)
class BrokenContact:
    """A contact that did not load: what it would be called, and where it starts."""

    id: str | None
    name: str | None
    line: int


@dataclass(frozen=True, slots=True)
class PartialBook:
    """What could be read of a book with errors: a Book of the contacts that are valid
    (settings left at their defaults where invalid), the errors, and the contacts left out.

    The ledger's commands use it, so one typo never locks the user out of their history.
    """

    book: Book
    errors: tuple[Problem, ...] = ()
    broken: tuple[BrokenContact, ...] = ()
