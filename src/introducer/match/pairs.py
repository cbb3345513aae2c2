"""Candidate pairs with their totals: what the index hands the ranking.

Kept apart from `index.py` (which needs scipy) so the ranking, its record
(`replay.py`) and `today`'s shared pass (`gaps/one_pass.py`) can share them, the best-k
`Shortlist` too, without importing scipy. A small book's pairs come in plain lists
instead (`small.PlainPairs`), which answer the ranking the same questions in the same
order (`PairList`), without numpy.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Protocol, TypeVar

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    from introducer.match.ranks import Ranks

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Candidates:
    """Pairs (first < second, by position in the book) and their exact, unrounded totals.

    `ceiling` bounds the total of every proposed pair left out to save memory
    (-inf when none was), and `unreached` that of every pair never proposed (sharing
    only columns that do not propose, outside the contacts searched exhaustively), so
    a ranking can tell whether the list reaches deep enough.
    """

    first: IntArray
    second: IntArray
    total: FloatArray
    ceiling: float = -np.inf
    unreached: float = -np.inf

    def __len__(self) -> int:
        return len(self.total)

    @property
    def outside(self) -> float:
        """The most any pair not in the list can total."""
        return max(self.ceiling, self.unreached)

    def subset(self, mask: BoolArray | IntArray) -> Candidates:
        return Candidates(self.first[mask], self.second[mask], self.total[mask], self.ceiling,
                          self.unreached)

    def unbounded(self) -> Candidates:
        """The list as if nothing were left out of it (the best list its pairs make)."""
        return replace(self, ceiling=-np.inf, unreached=-np.inf)

    def ranked(self, above: float, ranks: Ranks) -> Iterator[tuple[float, int, int]]:
        """(total, first, second) of the pairs totalling more than `above`, best first, ties
        by the lower id of the two, then the other's; lazily: only the head is ever sorted."""
        rank = ranks.array
        remaining = np.flatnonzero(self.total > above)
        chunk = _FIRST_CHUNK
        while len(remaining):
            totals = self.total[remaining]
            if len(remaining) > chunk:
                split = np.argpartition(-totals, chunk - 1)
                cut = totals[split[chunk - 1]]
                head_mask = totals >= cut
                head, remaining = remaining[head_mask], remaining[~head_mask]
            else:
                head, remaining = remaining, remaining[:0]
            a = np.minimum(rank[self.first[head]], rank[self.second[head]])
            b = np.maximum(rank[self.first[head]], rank[self.second[head]])
            for k in np.lexsort((b, a, -self.total[head])):
                pick = head[k]
                yield float(self.total[pick]), int(self.first[pick]), int(self.second[pick])
            chunk *= 4

    def by_total(self, ranks: Ranks, limit: int) -> list[tuple[int, int]]:
        """The first `limit` pairs by falling total, ties by the sum of the two ids' ranks,
        then by place in the list."""
        rank = ranks.array
        order = np.lexsort((rank[self.first] + rank[self.second], -self.total))[:limit]
        return [(int(self.first[k]), int(self.second[k])) for k in order]


# Candidates sorted at first by `Candidates.ranked`; four times as many each time after.
_FIRST_CHUNK = 256


class PairList(Protocol):
    """What the ranking reads of a list of candidate pairs, the index's (`Candidates`) or a
    small book's (`small.PlainPairs`)."""

    @property
    def ceiling(self) -> float: ...

    @property
    def unreached(self) -> float: ...

    @property
    def outside(self) -> float: ...

    def __len__(self) -> int: ...

    def unbounded(self) -> PairList: ...

    def ranked(self, above: float, ranks: Ranks) -> Iterator[tuple[float, int, int]]: ...

    def by_total(self, ranks: Ranks, limit: int) -> list[tuple[int, int]]: ...


L = TypeVar("L", bound=PairList)


@dataclass(frozen=True, slots=True)
class Reading:
    """What one pass over every block of a book's pairs leaves: a candidate list and
    per-contact columns (by position in the book), as a pair source's record keeps it
    (`replay.RecordedPairs.remembered`), so a later run need not read the blocks again."""

    found: Candidates
    columns: tuple[npt.NDArray[np.generic], ...]


def no_candidates() -> Candidates:
    return Candidates(np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.float64))


class PairSource(Protocol[L]):
    """Where the ranking and the book's figures get candidate pairs (lists of `L`): the
    sparse index (`index.PairIndex`) or, for a small book, every pair scored one by one
    (`small.py`)."""

    size: int

    @property
    def reachable(self) -> int:
        """How many contacts a search by reach could take in (all who can make a pair)."""
        ...

    def unreached_at(self, reach: int) -> float:
        """The most a pair left unproposed can total once the `reach` strongest contacts
        are searched (-inf when none is left)."""
        ...

    def candidates(self, keep: int | None = None, *, reach: int = 0,
                   after: L | None = None) -> L: ...

    def deeper(self, keep: int, after: L, least: float = -np.inf) -> L:
        """`after` completed by a search that can prove it where the search by reach
        cannot (or `after` itself); with `least`, it need only prove the pairs of at
        least that total (every pair left out totals below it)."""
        ...

    def partners(self, focus: int) -> L: ...

    def rough_partners(self, focus: int, *, least: float = -np.inf,
                       best: int | None = None) -> L:
        """`focus`'s pairs by rough total, those of at least `least`; with `best`, only
        those that tie with or beat the best-th of them (`leading`)."""
        ...

    def exact_blocks(self, floor: FloatArray | None = None) -> Iterator[L]: ...


class Shortlist:
    """Keeps the `keep` best pairs by exact total, block after block (all if keep is None).

    `floor` is the worst total kept once the list is full: a pair whose upper bound
    is below it can be dropped before its exact total is even computed.
    """

    def __init__(self, keep: int | None) -> None:
        self.keep = keep
        # Set once the same pair may come twice (proposed, then found again by reach).
        self.overlapping = False
        self.parts: list[Candidates] = []
        self.size = 0
        self.floor = -np.inf
        self.ceiling = -np.inf

    def drop(self, dropped: FloatArray) -> None:
        """Record the totals (or upper bounds) of pairs left out."""
        if len(dropped):
            self.ceiling = max(self.ceiling, float(dropped.max()))

    def add(self, found: Candidates) -> None:
        self.parts.append(found)
        self.size += len(found)
        if self.keep is not None and self.size > 2 * self.keep:
            self._compact(self.keep)

    def _compact(self, keep: int | None) -> None:
        found = joined(self.parts)
        if self.overlapping:
            _, once = np.unique(found.first * (found.second.max(initial=0) + 1) + found.second,
                                return_index=True)
            found = found.subset(once)
        if keep is not None and len(found) > keep:
            order = np.argpartition(-found.total, keep - 1)
            self.drop(found.total[order[keep:]])
            found = found.subset(order[:keep])
            self.floor = float(found.total.min())
        self.parts = [found]
        self.size = len(found)

    def result(self) -> Candidates:
        if not self.parts:
            return replace(no_candidates(), ceiling=self.ceiling)
        self._compact(self.keep)
        found = self.parts[0]
        return Candidates(found.first, found.second, found.total, self.ceiling)


def leading(found: Candidates, least: float, best: int | None) -> Candidates:
    """The pairs of `found` totalling at least `least`, in their order; with `best`, only
    those totalling at least the best-th highest of them, so that any order by falling
    total, whatever breaks its ties, starts with the same `best` pairs as over all."""
    kept = found.subset(np.flatnonzero(found.total >= least))
    if best is not None and len(kept) > best:
        cut = np.partition(kept.total, len(kept) - best)[len(kept) - best]
        kept = kept.subset(np.flatnonzero(kept.total >= cut))
    return kept


def joined(parts: list[Candidates]) -> Candidates:
    return Candidates(
        np.concatenate([part.first for part in parts]),
        np.concatenate([part.second for part in parts]),
        np.concatenate([part.total for part in parts]),
    )
