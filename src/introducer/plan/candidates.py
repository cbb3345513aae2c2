"""Which pairs the plan chooses from: few enough for the solver, provably enough for the optimum.

A plan of at most c pairs with at most K per person only needs the heaviest pairs,
taken in order of score while each person has fewer than d = K + s of them, until
T = s·d + c are taken, where s = ⌊2(c−1)/K⌋. Why: take an optimal plan P and a pair
e = (u, v) of it left out of that list L. Without e, P has at most c − 1 pairs, so
at most s people in it are full (in K pairs). If e was left out because u already
had d pairs in L (each at least as heavy as e), at most K − 1 of them are in P and
at most s lead to a full person, so one of them, g, is free: P − e + g is a plan, no
lighter. If e was left out because L was complete, its T pairs are at least as heavy
as e; at most s·d touch a full person and at most c − 1 are in P, so again one is
free. Each swap puts one more pair of L into P, so an optimal plan lies within L.

A plan also holds at most one pair of each *group* (`conflict_groups`): one answer per
ask or need, as `suggest` names the runners-up beside the best, and one professional
for the two sides of one divorce. Each group is a star: its pairs share one person
(the asker, the one living through the event, the professional), and a pair is in at
most g = GROUPS_PER_PAIR of them. With K = 1 the person caps already imply every
group's, so the bound above stands. With K ≥ 2 a group counts as a person of
capacity 1, kept to d_G pairs of L; a full group (one of its pairs in P − e) shares at
most one pair with a star at another hub and at most d_G with its own, so with
s as above: d_G = s + (c−1)g + 1, d = (K−1) + s + (K−1)g·d_G + (c−1)g + 1 and
T = (c−1) + s·d + (c−1)g·d_G + 1 leave a free pair of L for every swap again.

Scores are exact (`PairScorer`), not the index's unrounded totals: candidates are
walked in order of total and rescored, and a pair is settled only once nothing
unseen could still outscore it, as the ranking does. The greedy plan is taken in
the same walk, over every pair, not only those in L.
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Hashable, Iterator
from dataclasses import dataclass

import numpy as np

from introducer.match.pairs import Candidates
from introducer.match.rank import SCORE_MARGIN, Matchmaker
from introducer.match.score import Suggestion

#: Candidates scored on the first try; more only if the walk reaches deeper.
_FIRST_KEEP = 5_000


#: The most groups one pair is in: one answer to an ask or need, one divorcing couple.
GROUPS_PER_PAIR = 2


@dataclass(frozen=True, slots=True)
class Bound:
    """How deep the list of pairs must go for a plan of `count` with `per_person`."""

    count: int
    per_person: int

    @property
    def full_people(self) -> int:
        """s: the most people a plan of count − 1 pairs can fill."""
        return 2 * (self.count - 1) // self.per_person

    @property
    def grouped(self) -> bool:
        """Whether groups bind beyond the person caps (only when K ≥ 2)."""
        return self.per_person >= 2

    @property
    def group_depth(self) -> int:
        """d_G: pairs kept per group."""
        if not self.grouped:
            return self.size
        return self.full_people + (self.count - 1) * GROUPS_PER_PAIR + 1

    @property
    def depth(self) -> int:
        """d: pairs kept per person."""
        if not self.grouped:
            return self.per_person + self.full_people
        k, g = self.per_person, GROUPS_PER_PAIR
        return ((k - 1) + self.full_people + (k - 1) * g * self.group_depth
                + (self.count - 1) * g + 1)

    @property
    def size(self) -> int:
        """T: pairs kept in all."""
        if not self.grouped:
            return self.full_people * (self.per_person + self.full_people) + self.count
        return ((self.count - 1) + self.full_people * self.depth
                + (self.count - 1) * GROUPS_PER_PAIR * self.group_depth + 1)


def conflict_groups(matchmaker: Matchmaker, pair: Suggestion) -> tuple[Hashable, ...]:
    """The groups a plan holds at most one pair of that `pair` is in: the ask or need it
    answers (`Matchmaker.answer_key`), and the divorcing couple whose one side it sends
    to a professional (the other side must not meet the same one)."""
    keyed = matchmaker.answer_key(pair)
    if keyed is None:
        return ()
    groups: list[Hashable] = [keyed[0]]
    prepared = matchmaker.prepared
    if prepared.couples:
        subject, helper = matchmaker.helper_of(pair)
        partners = prepared.partners_of(subject)
        if partners:
            groups.append(("couple", frozenset({subject, *partners}), helper))
    return tuple(groups)


@dataclass(frozen=True, slots=True)
class Shortlist:
    """The pairs the optimum lies among (heaviest first), and the greedy plan."""

    pairs: tuple[Suggestion, ...]
    greedy: tuple[Suggestion, ...]


def shortlist(matchmaker: Matchmaker, count: int, per_person: int) -> Shortlist:
    """The pairs a plan may use (nothing the ledger hides, nothing excluded, score > 0)."""
    bound = Bound(count, per_person)
    keep: int | None = max(_FIRST_KEEP, 16 * bound.size + len(matchmaker.history.hidden))
    people = len(matchmaker.book.contacts)
    while True:
        if keep is not None and keep >= people * people:
            keep = None
        found = _walk(matchmaker, matchmaker.index.candidates(keep), bound)
        if found is not None:
            return found
        assert keep is not None, "a complete candidate list always settles"
        keep *= 16


class Walk:
    """The list L and the greedy plan, filled from pairs in order of exact score."""

    def __init__(self, bound: Bound) -> None:
        self.bound = bound
        self.listed: list[Suggestion] = []
        self.greedy: list[Suggestion] = []
        self.in_list: Counter[int] = Counter()
        self.in_greedy: Counter[int] = Counter()
        self.groups_in_list: Counter[Hashable] = Counter()
        self.groups_in_greedy: set[Hashable] = set()

    @property
    def done(self) -> bool:
        return len(self.listed) >= self.bound.size and len(self.greedy) >= self.bound.count

    def could_take(self, first: int, second: int) -> bool:
        """Whether a pair settled from now on could still join L or the greedy plan (who is
        full only grows, so a pair that could not join now never will)."""
        return self._fits_list(first, second) or self._fits_greedy(first, second)

    def settle(self, first: int, second: int, pair: Suggestion,
               groups: tuple[Hashable, ...] = ()) -> None:
        """Take the next heaviest pair into L and the greedy plan, where it fits."""
        if self._fits_list(first, second) and self._groups_fit_list(groups):
            self.listed.append(pair)
            self.in_list.update((first, second))
            self.groups_in_list.update(groups)
        if self._fits_greedy(first, second) and self.groups_in_greedy.isdisjoint(groups):
            self.greedy.append(pair)
            self.in_greedy.update((first, second))
            self.groups_in_greedy.update(groups)

    def _fits_list(self, first: int, second: int) -> bool:
        depth = self.bound.depth
        return (len(self.listed) < self.bound.size
                and self.in_list[first] < depth and self.in_list[second] < depth)

    def _groups_fit_list(self, groups: tuple[Hashable, ...]) -> bool:
        depth = self.bound.group_depth
        return all(self.groups_in_list[group] < depth for group in groups)

    def _fits_greedy(self, first: int, second: int) -> bool:
        cap = self.bound.per_person
        return (len(self.greedy) < self.bound.count
                and self.in_greedy[first] < cap and self.in_greedy[second] < cap)


def _walk(matchmaker: Matchmaker, found: Candidates, bound: Bound) -> Shortlist | None:
    """L and the greedy plan from `found`; None if `found` was cut too short to settle them."""
    prepared, scorer = matchmaker.prepared, matchmaker.scorer
    ids = [contact.id for contact in matchmaker.book.contacts]
    walk = Walk(bound)
    waiting: list[tuple[float, str, str, int, int, Suggestion]] = []
    stream = _in_order(found)
    upcoming = next(stream, None)
    while not walk.done:
        ahead = upcoming[0] if upcoming is not None else -np.inf
        unseen = max(ahead, found.ceiling) + SCORE_MARGIN
        if waiting and -waiting[0][0] >= unseen:
            *_, first, second, pair = heapq.heappop(waiting)
            walk.settle(first, second, pair, conflict_groups(matchmaker, pair))
            continue
        if upcoming is None:
            # Nothing left to rescore: settled if no pair was cut off that could count.
            return Shortlist(tuple(walk.listed), tuple(walk.greedy)) if unseen <= 0 else None
        _, first, second = upcoming
        upcoming = next(stream, None)
        if not walk.could_take(first, second) or prepared.hidden(first, second) is not None:
            continue
        pair = scorer.score_pair(first, second)
        if pair.score > 0 and pair.excluded is None and pair.history is None:
            low, high = sorted((ids[first], ids[second]))
            heapq.heappush(waiting, (-pair.score, low, high, first, second, pair))
    return Shortlist(tuple(walk.listed), tuple(walk.greedy))


def _in_order(found: Candidates) -> Iterator[tuple[float, int, int]]:
    """Candidates with a positive chance (total above −margin), highest total first."""
    keep = np.flatnonzero(found.total > -SCORE_MARGIN)
    for k in keep[np.argsort(-found.total[keep], kind="stable")]:
        yield float(found.total[k]), int(found.first[k]), int(found.second[k])
