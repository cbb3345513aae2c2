"""A book's `PreparedBook`, kept beside the book's cache entry for the rest of the day.

Preparing a big book (normalised profiles, rarity counts, the business matcher) costs
about as much as loading it, and depends on the book and the date only: the ledger
adds per-person terms afterwards (`PreparedBook.with_history`). So when the book came
from its cache (`book/cache.py`), the preparation of the same bytes on the same day
is read from a second entry; it is written the first time a book is read back from
its cache unchanged, so a book read once, or being edited, never pays for it. The
entry holds the knowledge tables too (`TriggerEvents`, built from the package's YAML):
reading them back costs 4 ms, building them 23. The tables depend on the book's
settings and this code alone, so they have an entry of their own as well (`tables`,
written whenever they are built): the two runs after an edit of the contacts, which
prepare afresh, read them back. A further entry keeps the index's feature blocks for
the day (`feature_blocks_of`), written the first time the index is built on a book read
back from its cache.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import pickle
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeGuard, TypeVar

from introducer.book.cache import (
    code_key,
    installed_fingerprint,
    origin_of,
    read_entry,
    store,
)
from introducer.book.knowledge import (
    TriggerEvents,
    adopt_tables,
    known_tables,
    tables_for,
    tables_key,
)
from introducer.book.model import Book
from introducer.match import ahead
from introducer.match.history import NO_HISTORY, HistoryView
from introducer.match.profile import PreparedBook

if TYPE_CHECKING:
    from introducer.book.cache import Origin
    from introducer.match.features import Block

T = TypeVar("T")

#: Changes whenever what a PreparedBook holds changes shape.
FORMAT = 4
#: Changes whenever a pairs record's layout, or what a call's arguments mean, changes.
RECORD_FORMAT = 2


def prepare_book(book: Book, *, today: dt.date,
                 history: HistoryView = NO_HISTORY) -> PreparedBook:
    """`PreparedBook(book, today=today, history=history)`, from the cache when it can be."""
    origin = origin_of(book)
    if origin is None:
        return PreparedBook(book, today=today, history=history, halfway=ahead.start)
    prepared = _kept_beside(
        origin, "prepared", prepared_key(origin, today),
        load=lambda data: _load(data, book), holds=_is_prepared,
        missing="no prepared book; rebuilding it",
        build=lambda: _prepared_afresh(book, origin, today),
        dump=lambda value: _dump(value, book))
    return prepared if history is NO_HISTORY else prepared.with_history(history)


def _prepared_afresh(book: Book, origin: Origin, today: dt.date) -> PreparedBook:
    """The book prepared for `today`, its knowledge tables read back from their own entry
    when it holds them (the preparation then takes the process's, `tables_for`)."""
    settings = book.settings
    if known_tables(settings) is None:
        key = hashlib.sha256(b"tables %d\0" % FORMAT + code_key()
                             + tables_key(settings).encode()).digest()
        adopt_tables(settings, _kept_beside(
            origin, "tables", key, load=pickle.loads, holds=_is_tables,
            missing="no knowledge tables; rebuilding them", build=lambda: tables_for(settings),
            dump=lambda tables: pickle.dumps(tables, protocol=5), always=True))
    return PreparedBook(book, today=today, halfway=ahead.start)


def _is_tables(found: object) -> TypeGuard[TriggerEvents]:
    return isinstance(found, TriggerEvents)


def feature_blocks_of(prepared: PreparedBook) -> list[Block]:
    """`feature_blocks(prepared)`, from their entry when it holds them: they depend on the
    book and the day alone, never on the ledger, and building them is most of setting up
    the index (35 of 37 ms at 2,000 contacts) where reading them back takes a fraction
    of a millisecond."""
    import numpy
    import scipy

    from introducer.match.features import Block

    origin = origin_of(prepared.book)
    if origin is None:
        return ahead.feature_blocks(prepared)
    # Pickled sparse arrays are scipy's own objects: another scipy or numpy is a miss.
    key = _day_key(origin, b"blocks %s %s" % (scipy.__version__.encode(),
                                               numpy.__version__.encode()), prepared.today)

    def holds(found: object) -> TypeGuard[list[Block]]:
        return isinstance(found, list) and all(isinstance(block, Block) for block in found)

    return _kept_beside(
        origin, "blocks", key, load=pickle.loads, holds=holds,
        missing="no feature blocks; rebuilding them",
        build=lambda: ahead.feature_blocks(prepared),
        dump=lambda value: pickle.dumps(value, protocol=5))


def _kept_beside(origin: Origin, kind: str, key: bytes, *, load: Callable[[bytes], object],
                 holds: Callable[[object], TypeGuard[T]], missing: str,
                 build: Callable[[], T], dump: Callable[[T], bytes], always: bool = False
                 ) -> T:
    """The value the entry of `kind` beside the book's holds under `key`, else `build()`'s,
    written there when the book came back from its cache (its second command), or
    `always`."""
    target = origin.beside(kind)
    found = read_entry(target, key, origin.tell, load)
    if holds(found):
        origin.tell(f"cache: read {target}")
        return found
    if found is not None:
        origin.tell(f"cache: {target} holds {missing}")
    value = build()
    if origin.hit or always:
        store(target, key, value, dump, origin.tell)
    return value


def _is_prepared(found: object) -> TypeGuard[PreparedBook]:
    return isinstance(found, PreparedBook)


def prepared_key(origin: Origin, today: dt.date) -> bytes:
    """What the day's preparation of the book depends on: the book's key and the date."""
    return _day_key(origin, b"prepared", today)


def record_key(origin: Origin, prepared: PreparedBook, pair_budget: int | None,
               source: str = "index") -> bytes:
    """What the answers of a book's pairs record (`replay.py`, `small.py`) depend on:
    which source gives them (`source`: the index, or a small book's pairs scored one by
    one), the prepared book's key (the book's bytes, this code, the day), for the index
    numpy's version and scipy's (the products' order), the pair budget and the ledger's
    per-person points."""
    digest = hashlib.sha256(b"pairs %d %s\0" % (RECORD_FORMAT, source.encode())
                            + prepared_key(origin, prepared.today))
    if source == "index":  # the index has imported numpy; scipy by its files, unimported
        import numpy

        digest.update(numpy.__version__.encode() + b"\0")
        digest.update(_scipy_fingerprint().encode() + b"\0")
    digest.update(repr(pair_budget).encode() + b"\0")
    for terms in (prepared.penalty, prepared.bonus):
        digest.update(terms.tobytes())
    return digest.digest()


def _scipy_fingerprint() -> str:
    def version() -> str:
        from importlib import metadata

        try:
            return metadata.version("scipy")
        except metadata.PackageNotFoundError:
            return "none"

    return installed_fingerprint(("scipy",), version)


def _day_key(origin: Origin, kind: bytes, today: dt.date) -> bytes:
    return hashlib.sha256(b"%s %d\0%s\0" % (kind, FORMAT, today.isoformat().encode())
                          + origin.key).digest()


# The book and its contacts are not copied into the entry: they are named, and the loaded
# book's own objects take their place. The knowledge tables come first, pickled whole, and
# the preparation names them, so a process that already built them keeps its own.
_BOOK, _TABLES = -1, -2


def _dump(prepared: PreparedBook, book: Book) -> bytes:
    named = {id(contact): row for row, contact in enumerate(book.contacts)}
    named[id(book)] = _BOOK

    class Pickler(pickle.Pickler):
        def persistent_id(self, obj: object) -> int | None:
            return named.get(id(obj))

    out = io.BytesIO()
    Pickler(out, protocol=5).dump(prepared.events)
    named[id(prepared.events)] = _TABLES
    Pickler(out, protocol=5).dump(prepared)
    return out.getvalue()


def _load(data: bytes, book: Book) -> object:
    """The preparation in `data`, its tables the process's own for the book's settings."""
    stream = io.BytesIO(data)
    tables = _Unpickler(stream, book, None).load()
    if not isinstance(tables, TriggerEvents):
        return None
    return _Unpickler(stream, book, adopt_tables(book.settings, tables)).load()


class _Unpickler(pickle.Unpickler):
    def __init__(self, stream: io.BytesIO, book: Book, tables: TriggerEvents | None) -> None:
        super().__init__(stream)
        self._book = book
        self._tables = tables

    def persistent_load(self, pid: object) -> object:
        if pid == _BOOK:
            return self._book
        if pid == _TABLES and self._tables is not None:
            return self._tables
        if isinstance(pid, int) and 0 <= pid < len(self._book.contacts):
            return self._book.contacts[pid]
        raise pickle.UnpicklingError(f"unknown reference {pid!r}")
