"""A book held compactly (`book/compact.py`): contacts written alike share what they hold
alike, and every one still reads as written, at the lines it was written on."""

from __future__ import annotations

import pickle
from pathlib import Path

from introducer.book import compact
from introducer.book.load import load_book
from tests.cli_helpers import example_copy, invoke

BOOK = """\
me: {name: Ana Reyes}
contacts:
  - name: Bo Lind
    business: realtor
    clients: [first-time buyers]
  - name: Cy Moss
    business: mortgage broker
    clients: [first-time buyers, investors]
  # a note between contacts shifts the lines, not the layout
  - name: Di Park

    business: divorce mediator
    hobbies: [golf]
    clients: []
"""


def test_contacts_written_alike_share_and_still_read_as_written(tmp_path: Path) -> None:
    path = tmp_path / "contacts.yaml"
    path.write_text(BOOK, encoding="utf-8")
    book = load_book(path)
    bo, cy, di = book.contacts
    assert bo.clients == ["first-time buyers"]
    assert cy.clients == ["first-time buyers", "investors"]
    assert bo.hobbies == [] and di.hobbies == ["golf"] and di.clients == []
    assert bo.hobbies is cy.hobbies, "one empty list for every field left empty"
    written = [{"name", "business", "clients"}] * 2 + [{"name", "business", "hobbies", "clients"}]
    # Every key's line is the line it was written on, whatever the layout around it.
    lines = BOOK.splitlines()
    for contact, keys, keys_written in zip(book.contacts, book.field_lines, written,
                                           strict=True):
        assert set(keys) == keys_written
        for key, line in keys.items():
            assert lines[line - 1].lstrip(" -").startswith(f"{key}:"), (contact.name, key)
    # The cache pickles the book: it reads back equal, its sharing kept.
    again = pickle.loads(pickle.dumps(book, protocol=5))
    assert again.contacts == book.contacts
    assert [dict(keys) for keys in again.field_lines] == [dict(k) for k in book.field_lines]
    assert again.contacts[0].hobbies is again.contacts[1].hobbies


def test_no_command_changes_what_contacts_share(tmp_path: Path) -> None:
    """The empty list every contact leaving a field out holds is one object: a command
    that appended to a contact's list would append to everyone's."""
    book = example_copy(tmp_path)
    suggested = [("suggest",), ("suggest", "--format", "json"), ("today",), ("gaps",),
                 ("plan",), ("contacts",), ("check",), ("draft", "--top", "2")]
    for args in suggested:  # each on a book freshly read, not one read back from the cache
        code, _, err = invoke(book, "--no-cache", *args)
        assert code in (0, 1), (args, err)
    assert compact._EMPTY == []
