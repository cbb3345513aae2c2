"""Candidate pairs for a small book: every pair scored with the exact scorer, no numpy.

Up to `SMALL_BOOK` contacts, scoring all pairs one by one in Python costs less than
importing numpy and scipy and building the sparse index, and gives the same pairs:
those the book's features connect (a non-zero rough total, `PairScorer.index_totals`),
minus pairs that may never meet, each with its exact total (which the index agrees with).
They are held in plain lists (`PlainPairs`), which the ranking and `today`'s figures read
as they read the index's numpy arrays (`Candidates`), in the same order: a personal
book's `suggest` and `today` never import numpy (a fifth of their time).

A warm run reads both lists back from the book's pairs record (`scored_pairs_of`),
written the first time the book comes back from its cache, as the index's answers are.
"""

from __future__ import annotations

import dataclasses
import math
import struct
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from introducer.book.cache import origin_of, read_entry, write_entry
from introducer.match.prepare import record_key
from introducer.match.ranks import Ranks

if TYPE_CHECKING:
    from introducer.match.pairs import FloatArray
    from introducer.match.profile import PreparedBook
    from introducer.match.score import PairScorer

# Measured on generated books (docs/benchmarks.md, "A personal book"): building the pairs
# and ranking cost the same either way between 80 and 100 contacts (scipy's import
# included); below, this wins. Without numpy this path would win up to about 150 on a
# first run and at every size up to 320 warm ("A personal book without numpy"), but the
# two sources add a pair's points in different orders, and where two partners tie to the
# last bit `gaps` may then name the other as someone's best match: a rule for ties that
# no order of adding can move must come first.
SMALL_BOOK = 80


@dataclass(frozen=True, slots=True)
class PlainPairs:
    """`pairs.Candidates` in plain lists: pairs (first < second, by position in the book)
    with their exact totals, and the same bounds on the pairs left out."""

    first: list[int]
    second: list[int]
    total: list[float]
    ceiling: float = -math.inf
    unreached: float = -math.inf

    def __len__(self) -> int:
        return len(self.total)

    @property
    def outside(self) -> float:
        """The most any pair not in the list can total."""
        return max(self.ceiling, self.unreached)

    def unbounded(self) -> PlainPairs:
        """The list as if nothing were left out of it (the best list its pairs make)."""
        return dataclasses.replace(self, ceiling=-math.inf, unreached=-math.inf)

    def subset(self, kept: Iterable[int]) -> PlainPairs:
        """The pairs at positions `kept`, in that order."""
        at = list(kept)
        return PlainPairs([self.first[k] for k in at], [self.second[k] for k in at],
                          [self.total[k] for k in at], self.ceiling, self.unreached)

    def ranked(self, above: float, ranks: Ranks) -> Iterator[tuple[float, int, int]]:
        """(total, first, second) of the pairs totalling more than `above`, best first, ties
        by the lower id of the two, then the other's (`Candidates.ranked`'s order)."""
        rank = ranks.positions
        first, second, total = self.first, self.second, self.total

        def order(k: int) -> tuple[float, int, int]:
            a, b = rank[first[k]], rank[second[k]]
            return -total[k], min(a, b), max(a, b)

        for k in sorted((k for k in range(len(total)) if total[k] > above), key=order):
            yield total[k], first[k], second[k]

    def by_total(self, ranks: Ranks, limit: int) -> list[tuple[int, int]]:
        """The first `limit` pairs by falling total, ties by the sum of the two ids' ranks,
        then by place in the list (`Candidates.by_total`'s order)."""
        rank, first, second, total = ranks.positions, self.first, self.second, self.total
        order = sorted(range(len(total)),
                       key=lambda k: (-total[k], rank[first[k]] + rank[second[k]]))
        return [(first[k], second[k]) for k in order[:limit]]


def _best_of(found: PlainPairs, least: float, best: int | None) -> PlainPairs:
    """`pairs.leading`: the pairs totalling at least `least`, in their order; with `best`,
    only those totalling at least the best-th highest of them."""
    kept = found.subset(k for k in range(len(found)) if found.total[k] >= least)
    if best is not None and len(kept) > best:
        cut = sorted(kept.total)[len(kept) - best]
        kept = kept.subset(k for k in range(len(kept)) if kept.total[k] >= cut)
    return kept


class ScoredPairs:
    """Every connected pair of a small book with its exact total; a `PairSource`.

    `connected` holds those pairs with their exact totals and `rough` the same pairs with
    their rough totals (the index's, which name the runners-up), both in the order of the
    scoring loop; a warm run reads both back from the record (`scored_pairs_of`).
    """

    def __init__(self, size: int, connected: PlainPairs, rough: PlainPairs) -> None:
        self.size = size
        self.connected = connected
        self.rough = rough

    @classmethod
    def scored(cls, scorer: PairScorer) -> ScoredPairs:
        """Every pair of introducible contacts scored one by one."""
        prepared = scorer.prepared
        size = len(prepared.profiles)
        introducible = [p.contact.introduce for p in prepared.profiles]
        people = [i for i in range(size) if introducible[i]]
        first: list[int] = []
        second: list[int] = []
        total: list[float] = []
        rough: list[float] = []
        for k, i in enumerate(people):
            for j in people[k + 1:]:
                if (i, j) in prepared.avoided:
                    continue
                book, exact = scorer.index_totals(i, j)
                if book == 0.0:
                    continue  # nothing in common: no column of the index proposes it
                first.append(i)
                second.append(j)
                total.append(exact)
                rough.append(book)
        return cls(size, PlainPairs(first, second, total), PlainPairs(first, second, rough))

    @property
    def reachable(self) -> int:
        """Every pair is scored here, so no pair is ever left unreached."""
        return 0

    def unreached_at(self, reach: int) -> float:
        """No pair goes unproposed here, whatever the reach."""
        return -math.inf

    def candidates(self, keep: int | None = None, *, reach: int = 0,
                   after: PlainPairs | None = None) -> PlainPairs:
        """Every connected pair, or with `keep` the `keep` best (`ceiling` bounds the rest;
        `reach` and `after` are the index's and mean nothing here: no pair goes
        unproposed)."""
        found = self.connected
        if keep is None or len(found) <= keep:
            return found
        order = sorted(range(len(found)), key=lambda k: -found.total[k])
        ceiling = found.total[order[keep]]
        return dataclasses.replace(found.subset(order[:keep]), ceiling=ceiling)

    def deeper(self, keep: int, after: PlainPairs, least: float = -math.inf) -> PlainPairs:
        """Nothing is left unproposed here: `after` stands."""
        return after

    def partners(self, focus: int) -> PlainPairs:
        """Every connected pair including `focus`, with its exact total."""
        return self.connected.subset(self._including(focus))

    def rough_partners(self, focus: int, *, least: float = -math.inf,
                       best: int | None = None) -> PlainPairs:
        """Connected pairs including `focus`, with their rough totals (`rough_total`):
        those of at least `least`, the `best` leading (`pairs.leading`)."""
        return _best_of(self.rough.subset(self._including(focus)), least, best)

    def _including(self, focus: int) -> list[int]:
        first, second = self.connected.first, self.connected.second
        return [k for k in range(len(first)) if first[k] == focus or second[k] == focus]

    def exact_blocks(self, floor: FloatArray | Sequence[float] | None = None
                     ) -> Iterator[PlainPairs]:
        """All candidates in one block, less those below both their contacts' floors."""
        found = self.connected
        if floor is not None and len(found):
            first, second, total = found.first, found.second, found.total
            found = found.subset(k for k in range(len(total))
                                 if total[k] >= floor[first[k]] or total[k] >= floor[second[k]])
        yield found


# The record: a header (its format, then the number of pairs), the pairs' positions as C
# ints, then their exact and their rough totals as doubles, in this machine's byte order
# (the cache is this machine's own). No pickle, and no numpy to read it.
_RECORD = struct.Struct("=4sQ")
_MAGIC = b"spl1"
_COLUMNS = "iidd"  # first, second, total, rough


def scored_pairs_of(prepared: PreparedBook, build: Callable[[], ScoredPairs]) -> ScoredPairs:
    """A small book's pairs scored one by one (`build`), or the lists an earlier run
    recorded of them: every call a `ScoredPairs` answers comes from those two lists, so
    a warm run answers them all, `today`'s pass over every pair too, without scoring a
    pair. Recorded the first time the book comes back from its cache, as the index's
    answers are (`replay.py`), beside the book's cache entry."""
    origin = origin_of(prepared.book)
    if origin is None:
        return build()
    key = record_key(origin, prepared, None, "scored")
    size = len(prepared.profiles)
    target = origin.beside("pairs")
    found = read_entry(target, key, origin.tell, lambda data: _decode(data, size))
    if isinstance(found, ScoredPairs):
        origin.tell(f"cache: read {target}")
        return found
    pairs = build()
    if origin.hit:
        write_entry(target, key, _encode(pairs), origin.tell)
    return pairs


def _encode(pairs: ScoredPairs) -> bytes:
    connected, rough = pairs.connected, pairs.rough
    return b"".join((_RECORD.pack(_MAGIC, len(connected)),
                     array("i", connected.first).tobytes(),
                     array("i", connected.second).tobytes(),
                     array("d", connected.total).tobytes(), array("d", rough.total).tobytes()))


def _decode(data: bytes, size: int) -> ScoredPairs:
    """The record's two lists for a book of `size` contacts; raises on anything that is not
    one (a miss), such as a pair naming a contact the book does not have."""
    if len(data) < _RECORD.size:
        raise ValueError("not a small book's record")
    magic, count = _RECORD.unpack_from(data)
    widths = [array(code).itemsize for code in _COLUMNS]
    if magic != _MAGIC or len(data) != _RECORD.size + count * sum(widths):
        raise ValueError("not a small book's record")
    at = _RECORD.size
    columns: list[list[Any]] = []
    for code, width in zip(_COLUMNS, widths, strict=True):
        read = array(code)
        read.frombytes(data[at:at + count * width])
        columns.append(read.tolist())
        at += count * width
    first, second, total, rough = columns
    if any(not 0 <= a < b < size for a, b in zip(first, second, strict=True)):
        raise ValueError("the record names a contact the book does not have")
    return ScoredPairs(size, PlainPairs(first, second, total), PlainPairs(first, second, rough))
