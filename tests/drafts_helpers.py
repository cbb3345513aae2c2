"""Helpers shared by the draft tests: a Drafter with a fixed clock and message ids."""

from __future__ import annotations

import datetime as dt
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

from introducer.book.find import find_contact
from introducer.book.load import load_book
from introducer.book.model import Book
from introducer.drafts.build import Draft, Drafter, DraftKind
from introducer.drafts.templates import Templates, template_folders
from introducer.match.rank import Matchmaker

FIXED_DATE = dt.datetime(2026, 11, 23, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=-5)))
TODAY = dt.date(2026, 11, 23)


def fixed_drafter(book: Book, template: Path | None = None) -> Drafter:
    counter = iter(range(1, 1000))
    return Drafter(
        book,
        Templates(template_folders(template, book.path)),
        TODAY,
        clock=lambda: FIXED_DATE,
        message_id=lambda domain: f"<draft-{next(counter)}@{domain}>",
    )


def drafts_for(path: Path, first: str, second: str, kind: DraftKind,
               template: Path | None = None) -> list[Draft]:
    book = load_book(path)
    a, b = find_contact(book.contacts, first), find_contact(book.contacts, second)
    pair = Matchmaker(book, today=TODAY).explain(a, b)
    return fixed_drafter(book, template).drafts_for(pair, kind)


def parse(data: bytes) -> EmailMessage:
    parsed = message_from_bytes(data, policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def assert_crlf(data: bytes) -> None:
    assert b"\r\n" in data
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert b"\r" not in data.replace(b"\r\n", b"")
