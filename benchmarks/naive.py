"""The naive all-pairs scorer the matcher is measured against: every pair scored exactly.

`NaivePairs` is a pair source (`match.pairs.PairSource`) that calls
`PairScorer.score_pair` on every pair of the book, one by one, and hands the ranking
each allowed pair with its shown score as its total; `NaiveMatchmaker` is the
`Matchmaker` fed from it. The ranking's own greedy selection (`Matchmaker._best`:
shown score, then ids, the caps, one answer per ask) then picks the list, so a top 50
equal to the real one says the index's candidates and totals lose nothing, not that
two copies of the rules agree. Only the runners-up named beside an answer are left out
of the comparison (`bare`): they come from the index's rough totals, which this source
does not compute.

At 10k contacts every pair is 50M calls (about a quarter of an hour), so `sample_cost`
times a seeded sample of pairs instead, for an estimate labelled as one.
"""

from __future__ import annotations

import dataclasses
import random
import time
from collections.abc import Iterator

import numpy as np

from introducer.collector import collector_paused
from introducer.match.pairs import Candidates, FloatArray, no_candidates
from introducer.match.rank import Matchmaker
from introducer.match.score import PairScorer, Suggestion


class NaivePairs:
    """Every allowed pair that scores above zero, with its shown score; a `PairSource`."""

    def __init__(self, scorer: PairScorer) -> None:
        self.size = len(scorer.prepared.profiles)
        first: list[int] = []
        second: list[int] = []
        total: list[float] = []
        for i in range(self.size):
            for j in range(i + 1, self.size):
                suggestion = scorer.score_pair(i, j)
                if suggestion.excluded is None and suggestion.score > 0:
                    first.append(i)
                    second.append(j)
                    total.append(suggestion.score)
        self._all = Candidates(np.array(first, dtype=np.int64), np.array(second, dtype=np.int64),
                               np.array(total, dtype=np.float64))

    @property
    def reachable(self) -> int:
        return 0

    def candidates(self, keep: int | None = None, *, reach: int = 0,
                   after: Candidates | None = None) -> Candidates:
        """All of them, whatever `keep`: nothing is left out, so nothing needs bounding."""
        return self._all

    def partners(self, focus: int) -> Candidates:
        return self._all.subset((self._all.first == focus) | (self._all.second == focus))

    def rough_partners(self, focus: int, *, least: float = -np.inf,
                       best: int | None = None) -> Candidates:
        """No rough totals here: no runners-up are named (see `bare`)."""
        return no_candidates()

    def exact_blocks(self, floor: FloatArray | None = None) -> Iterator[Candidates]:
        yield self._all


class NaiveMatchmaker(Matchmaker):
    """The matchmaker with every pair scored one by one as its only source of pairs."""

    _naive: NaivePairs | None = None

    @property
    def pairs(self) -> NaivePairs:
        if self._naive is None:
            self._naive = NaivePairs(self.scorer)
        return self._naive


def bare(found: list[Suggestion]) -> list[Suggestion]:
    """The suggestions without the runners-up named beside an answer."""
    return [dataclasses.replace(s, alternatives=()) for s in found]


def sample_cost(matchmaker: Matchmaker, pairs: int, seed: int = 12) -> float:
    """Seconds per pair of what `NaivePairs` does, over a seeded sample of `pairs` pairs."""
    size = len(matchmaker.book.contacts)
    chooser = random.Random(seed)
    sample = [tuple(chooser.sample(range(size), 2)) for _ in range(pairs)]
    score_pair = matchmaker.scorer.score_pair
    kept: list[float] = []
    with collector_paused():  # as `Matchmaker.suggest` runs the whole loop
        start = time.perf_counter()
        for i, j in sample:
            suggestion = score_pair(i, j)
            if suggestion.excluded is None and suggestion.score > 0:
                kept.append(suggestion.score)
        return (time.perf_counter() - start) / pairs
