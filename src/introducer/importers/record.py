"""What every importer produces: plain records a book contact can be made from."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from introducer.errors import Problem


@dataclass(slots=True)
class ImportedContact:
    """One person read from an export, before merging into a book.

    `emails` keeps every address found, the preferred one first (the book has
    one `email` field; the rest go into `notes`). `met` is a date the export
    says the user connected (LinkedIn's "Connected On"), used as `last_contact`.
    `origin` says where it came from for messages: `phone.vcf: card 3`.
    """

    name: str
    origin: str
    emails: list[str] = field(default_factory=list)
    company: str | None = None
    business: str | None = None
    groups: list[str] = field(default_factory=list)
    notes: str | None = None
    met: dt.date | None = None


@dataclass(slots=True)
class ImportResult:
    """The contacts read, and the problems (errors skip a record; warnings keep it)."""

    contacts: list[ImportedContact] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
