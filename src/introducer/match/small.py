"""Candidate pairs for a small book: every pair scored with the exact scorer, no scipy.

Up to `SMALL_BOOK` contacts, scoring all pairs one by one in Python costs less than
importing scipy and building the sparse index, and gives the same pairs: those the
book's features connect (a non-zero rough total, `PairScorer.index_totals`), minus
pairs that may never meet, each with its exact total (which the index agrees with).
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from introducer.match.pairs import BoolArray, Candidates, FloatArray, leading, no_candidates
from introducer.match.score import PairScorer

# Measured on generated books (docs/benchmarks.md, "A personal book"): building the pairs
# and ranking cost the same either way between 80 and 100 contacts (scipy's import
# included); below, this wins.
SMALL_BOOK = 80


def _candidates(first: list[int], second: list[int], total: list[float]) -> Candidates:
    return Candidates(np.array(first, dtype=np.int64), np.array(second, dtype=np.int64),
                      np.array(total, dtype=np.float64))


def _including(pairs: Candidates, focus: int) -> BoolArray:
    mine: BoolArray = (pairs.first == focus) | (pairs.second == focus)
    return mine


class ScoredPairs:
    """Every connected pair of a small book with its exact total; a `PairSource`.

    `connected` holds those pairs with their exact totals and `rough` the same pairs with
    their rough totals (the index's, which name the runners-up), both in the order of the
    scoring loop; a warm run reads both back from the record (`replay.scored_pairs_of`).
    """

    def __init__(self, size: int, connected: Candidates, rough: Candidates) -> None:
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
        return cls(size, _candidates(first, second, total), _candidates(first, second, rough))

    @property
    def reachable(self) -> int:
        """Every pair is scored here, so no pair is ever left unreached."""
        return 0

    def unreached_at(self, reach: int) -> float:
        """No pair goes unproposed here, whatever the reach."""
        return -np.inf

    def candidates(self, keep: int | None = None, *, reach: int = 0,
                   after: Candidates | None = None) -> Candidates:
        """Every connected pair, or with `keep` the `keep` best (`ceiling` bounds the rest;
        `reach` and `after` are the index's and mean nothing here: no pair goes
        unproposed)."""
        found = self.connected
        if keep is None or len(found) <= keep:
            return found
        order = np.argpartition(-found.total, keep - 1)
        kept = found.subset(order[:keep])
        ceiling = float(found.total[order[keep:]].max())
        return Candidates(kept.first, kept.second, kept.total, ceiling)

    def deeper(self, keep: int, after: Candidates, least: float = -np.inf) -> Candidates:
        """Nothing is left unproposed here: `after` stands."""
        return after

    def partners(self, focus: int) -> Candidates:
        """Every connected pair including `focus`, with its exact total."""
        return self.connected.subset(_including(self.connected, focus))

    def rough_partners(self, focus: int, *, least: float = -np.inf,
                       best: int | None = None) -> Candidates:
        """Connected pairs including `focus`, with their rough totals (`rough_total`):
        those of at least `least`, the `best` leading (`pairs.leading`)."""
        mine = _including(self.rough, focus)
        if not mine.any():
            return no_candidates()
        return leading(self.rough.subset(mine), least, best)

    def exact_blocks(self, floor: FloatArray | None = None) -> Iterator[Candidates]:
        """All candidates in one block, less those below both their contacts' floors."""
        found = self.connected
        if floor is not None and len(found):
            found = found.subset((found.total >= floor[found.first])
                                 | (found.total >= floor[found.second]))
        yield found
