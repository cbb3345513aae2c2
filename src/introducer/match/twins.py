"""Twins: contacts the scorer cannot tell apart, so that a book of thousands alike ranks
exactly without comparing them pair by pair.

A directory imported with a trade and two client types per member, or a book copied
from a template, holds thousands of contacts with the same features. Every pair of
two such classes then has the same reasons and points, so tens of millions of pairs tie
at the top, and a ranking that rescores pairs one by one until one stands out never
ends. Grouped into classes, one representative pair per class pair is scored; the
pairs of a class pair are then walked in the ranking's own order (score, then ids),
all of them equal but for the people in them.

Twins share everything the points depend on: the index's rows (every column, with
its value), the business, the groups, how well the user can vouch, and the profile
the scorer reads. A contact with anything of their own that acts pair by pair (an
avoid list, `knows:`, a divorce partner in the book, a ledger history) is a class of
one, as is anyone whose pairs need no class to be ranked.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass

import numpy as np

from introducer.match.index import PairIndex
from introducer.match.pairs import Candidates, IntArray
from introducer.match.profile import Profile

# Classes up to which every class pair is scored as one (a few seconds of products).
CLASS_LIMIT = 2_000


@dataclass(frozen=True, slots=True)
class TwinClasses:
    """The introducible contacts grouped into classes of twins, each class in id order."""

    members: tuple[tuple[int, ...], ...]
    ranks: tuple[tuple[int, ...], ...]  # each member's place in id order, same order
    class_of: IntArray  # per position, its class (-1: never introduced)

    def pairs(self) -> tuple[IntArray, IntArray]:
        """Every class pair (p <= q) with a pair of two different people in it."""
        count = len(self.members)
        first, second = np.triu_indices(count)
        sizes = np.array([len(m) for m in self.members], dtype=np.int64)
        keep = (first != second) | (sizes[first] >= 2)
        return first[keep].astype(np.int64), second[keep].astype(np.int64)

    def representatives(self, first: IntArray, second: IntArray) -> tuple[IntArray, IntArray]:
        """One pair of people for each class pair: the first of each class (the first two
        of a class paired with itself)."""
        head = np.array([m[0] for m in self.members], dtype=np.int64)
        runner = np.array([m[1] if len(m) > 1 else -1 for m in self.members], dtype=np.int64)
        return head[first], np.where(first == second, runner[second], head[second])


def _profile_key(profile: Profile) -> Hashable:
    """What the scorer reads from a profile, without the contact's name and id (sets, so
    the order a book lists values in does not matter)."""
    return (
        profile.business, profile.company, frozenset(profile.clients.items()),
        frozenset(profile.referral_sources.items()), frozenset(profile.hobbies.items()),
        profile.serves, frozenset(profile.living.items()),
        tuple((w.key, w.text, w.at_company) for w in profile.wants), profile.active,
        profile.notes_words, profile.fit_words, profile.work_words,
        frozenset(profile.told.items()), frozenset(profile.client_events.items()),
        frozenset(profile.serving.items()), profile.contact.closeness,
        profile.contact.last_contact,
    )


def _loners(index: PairIndex) -> set[int]:
    """Positions whose pairs each need looking at on their own."""
    prepared = index.prepared
    ids = {contact.id: position for position, contact in enumerate(prepared.book.contacts)}
    alone: set[int] = set()
    for pairs in (prepared.avoided, prepared.couples, prepared.acquaintance.known):
        for a, b in pairs:
            alone.update((a, b))
    history = prepared.history
    for contact_id in (*history.recent, *history.reciprocity,
                       *(person for pair in history.hidden for person in pair)):
        if contact_id in ids:
            alone.add(ids[contact_id])
    alone.update(position for position, contact in enumerate(prepared.book.contacts)
                 if prepared.partners_of(contact.id))
    return alone


def cut(position: int, starts: list[int], columns: bytes, column_size: int, values: bytes,
        value_size: int) -> tuple[bytes, bytes]:
    """One row of a CSR matrix (its columns and values) as bytes."""
    low, high = starts[position], starts[position + 1]
    return (columns[low * column_size:high * column_size],
            values[low * value_size:high * value_size])


def find_twins(index: PairIndex, rank: IntArray) -> TwinClasses | None:
    """The book's classes of twins, or None if there are more than `CLASS_LIMIT` (or no
    class holds two people: nothing to gain)."""
    prepared = index.prepared
    left, right = index.layout.left, index.layout.right
    alone = _loners(index)
    acquaintance = prepared.acquaintance
    # Each row's columns and values as bytes, cut from the whole arrays (quicker than
    # slicing numpy arrays a hundred thousand times).
    rows = [(matrix.indptr.tolist(), matrix.indices.tobytes(), matrix.indices.itemsize,
             matrix.data.tobytes(), matrix.data.itemsize) for matrix in (left, right)]
    vouch = prepared.vouch.tolist()
    introducible = index.introducible.tolist()
    classes: dict[Hashable, list[int]] = {}
    for position in range(index.size):
        if not introducible[position]:
            continue
        if position in alone:
            key: Hashable = ("alone", position)
        else:
            key = (*(cut(position, *row) for row in rows), acquaintance.member_of[position],
                   vouch[position], _profile_key(prepared.profiles[position]))
        classes.setdefault(key, []).append(position)
        if len(classes) > CLASS_LIMIT:
            return None
    if all(len(members) < 2 for members in classes.values()):
        return None
    grouped = sorted((sorted(members, key=lambda p: int(rank[p])) for members in
                      classes.values()), key=lambda m: int(rank[m[0]]))
    class_of = np.full(index.size, -1, dtype=np.int64)
    for number, members in enumerate(grouped):
        class_of[np.asarray(members, dtype=np.int64)] = number
    return TwinClasses(tuple(tuple(m) for m in grouped),
                       tuple(tuple(int(rank[p]) for p in m) for m in grouped), class_of)


def class_totals(index: PairIndex, twins: TwinClasses) -> tuple[Candidates, IntArray, IntArray]:
    """Every class pair's exact total (that of each pair in it), best first, as the
    representative pairs, with the classes they stand for."""
    first, second = twins.pairs()
    a, b = twins.representatives(first, second)
    low, high = np.minimum(a, b), np.maximum(a, b)
    kept = index.allowed(low, high)
    first, second, low, high = first[kept], second[kept], low[kept], high[kept]
    total = index.totals(low, high)
    order = np.argsort(-total, kind="stable")
    return (Candidates(low[order], high[order], total[order]), first[order], second[order])


class PairWalk:
    """The pairs of one class pair in the ranking's order (smaller id first, then the
    other), one at a time; a person the caller says is done with is passed over at once
    (the cap: someone full is never taken again)."""

    def __init__(self, twins: TwinClasses, first: int, second: int) -> None:
        self.same = first == second
        self._left = twins.members[first], twins.ranks[first]
        self._right = twins.members[second], twins.ranks[second]
        # Everyone in either class, in id order, with the class their partners are in.
        sides = [(r, p, 1) for p, r in zip(*self._left, strict=True)]
        if not self.same:
            sides += [(r, p, 0) for p, r in zip(*self._right, strict=True)]
        sides.sort()
        self._people = sides
        self._at = 0  # the person of smaller id
        self._partner = -1  # index of the next partner in their partners' class

    def _partners(self, side: int) -> tuple[tuple[int, ...], tuple[int, ...]]:
        return self._right if side == 1 and not self.same else self._left

    def pairs(self, done: Callable[[int], bool]) -> Iterator[tuple[int, int, int, int]]:
        """(rank of the first, rank of the second, first, second), in rank order."""
        while self._at < len(self._people):
            own_rank, person, side = self._people[self._at]
            members, ranks = self._partners(side)
            if self._partner < 0:
                self._partner = bisect.bisect_right(ranks, own_rank)
            if done(person):
                self._partner = len(ranks)
            while self._partner < len(ranks) and done(members[self._partner]):
                self._partner += 1
            if self._partner >= len(ranks):
                self._at += 1
                self._partner = -1
                continue
            partner = members[self._partner]
            self._partner += 1
            yield own_rank, ranks[self._partner - 1], person, partner
