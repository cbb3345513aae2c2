"""A book's `PreparedBook`, kept beside the book's cache entry for the rest of the day.

Preparing a big book (normalised profiles, rarity counts, the business matcher) costs
about as much as loading it, and depends on the book and the date only: the ledger
adds per-person terms afterwards (`PreparedBook.with_history`). So when the book came
from its cache (`book/cache.py`), the preparation of the same bytes on the same day
is read from a second entry; it is written the first time a book is read back from
its cache unchanged, so a book read once, or being edited, never pays for it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import pickle

from introducer.book.cache import Origin, dumps, origin_of, read_entry, write_entry
from introducer.book.knowledge import tables_for
from introducer.book.model import Book
from introducer.match.history import NO_HISTORY, HistoryView
from introducer.match.profile import PreparedBook

#: Changes whenever what a PreparedBook holds changes shape.
FORMAT = 2


def prepare_book(book: Book, *, today: dt.date,
                 history: HistoryView = NO_HISTORY) -> PreparedBook:
    """`PreparedBook(book, today=today, history=history)`, from the cache when it can be."""
    origin = origin_of(book)
    if origin is None:
        return PreparedBook(book, today=today, history=history)
    key = prepared_key(origin, today)
    target = origin.file.with_name("prepared-" + origin.file.name.removeprefix("book-"))
    found = read_entry(target, key, origin.tell, lambda data: _Unpickler(data, book).load())
    if isinstance(found, PreparedBook):
        origin.tell(f"cache: read {target}")
        return found.with_history(history)
    if found is not None:
        origin.tell(f"cache: {target} holds no prepared book; rebuilding it")
    prepared = PreparedBook(book, today=today)
    if origin.hit:
        payload = dumps(prepared, lambda value: _dump(value, book), origin.tell)
        if payload is not None:
            write_entry(target, key, payload, origin.tell)
    return prepared if history is NO_HISTORY else prepared.with_history(history)


def prepared_key(origin: Origin, today: dt.date) -> bytes:
    """What the day's preparation of the book depends on: the book's key and the date."""
    return hashlib.sha256(b"prepared %d\0%s\0" % (FORMAT, today.isoformat().encode())
                          + origin.key).digest()


# The book, its contacts and the knowledge tables are not copied into the entry: they
# are named, and the loaded book's own objects (and the process's tables) take their place.
_BOOK, _TABLES = -1, -2


def _dump(prepared: PreparedBook, book: Book) -> bytes:
    named = {id(contact): row for row, contact in enumerate(book.contacts)}
    named[id(book)] = _BOOK
    named[id(prepared.events)] = _TABLES

    class Pickler(pickle.Pickler):
        def persistent_id(self, obj: object) -> int | None:
            return named.get(id(obj))

    out = io.BytesIO()
    Pickler(out, protocol=5).dump(prepared)
    return out.getvalue()


class _Unpickler(pickle.Unpickler):
    def __init__(self, data: bytes, book: Book) -> None:
        super().__init__(io.BytesIO(data))
        self._book = book

    def persistent_load(self, pid: object) -> object:
        if pid == _BOOK:
            return self._book
        if pid == _TABLES:
            return tables_for(self._book.settings)
        if isinstance(pid, int) and 0 <= pid < len(self._book.contacts):
            return self._book.contacts[pid]
        raise pickle.UnpicklingError(f"unknown reference {pid!r}")
