"""A circle's round: for each member the best person in the book to meet, nobody asked
to meet two members where another would do, and which member can make each one.

Members may be matched with one another: when a fellow member is the best person
for someone, they meet at the table and no introducer is needed. The members of
a small group already count as acquainted (`already_acquainted`), so this happens
only when the book gives them a strong reason the group has not used yet.

Each member's candidates are their `len(members)` best partners: enough for the
optimum, since a member matched outside that list always finds one in it that no
other member takes, at least as good. The assignment is `spread_assignment`: as
few people shared as possible, then the greatest total. Introducers are assigned
the same way (each member makes a different one where they can, then the
strongest ties); an introduction no other member has a tie for is the user's.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from introducer.book.schema import Contact
from introducer.circle import MOST_MEMBERS
from introducer.circle.assign import spread_assignment
from introducer.circle.partners import best_partners
from introducer.circle.ties import Tie, tie
from introducer.errors import IntroducerError
from introducer.gaps import GOOD_SCORE
from introducer.gaps.people import Isolated, isolated_one
from introducer.match.rank import Matchmaker
from introducer.match.score import Suggestion


@dataclass(frozen=True, slots=True)
class Match:
    """One member's introduction: whom they meet (None: nobody in the book fits), which
    other members meet the same person (only where nobody else would do), and who
    introduces them (None: a fellow member, or the user when no member has a tie)."""

    member: Contact
    pair: Suggestion | None
    shared_with: tuple[Contact, ...] = ()
    introducer: Contact | None = None
    tie: Tie | None = None
    fellow: bool = False

    @property
    def meets(self) -> Contact | None:
        return self.pair.other(self.member.id) if self.pair is not None else None


@dataclass(frozen=True, slots=True)
class Circle:
    """The round, member by member in the order given, and the members no good match
    fits (best score under `good_score`), with what their records lack."""

    members: tuple[Contact, ...]
    matches: tuple[Match, ...]
    incomplete: tuple[Isolated, ...]
    good_score: float


def make_circle(matchmaker: Matchmaker, members: Sequence[Contact],
                own_groups: Collection[str] = (), good_score: float = GOOD_SCORE) -> Circle:
    """The round for `members`; `own_groups` are the circle's folded group names."""
    if not members:
        raise IntroducerError("a circle needs at least one member")
    if len(members) > MOST_MEMBERS:
        raise IntroducerError(f"a circle has at most {MOST_MEMBERS} members, not "
                              f"{len(members)}: name a smaller group, or --members")
    position = matchmaker.prepared.index_of
    rows = [position[m.id] for m in members]
    best = [best_partners(matchmaker, row, len(members)) for row in rows]
    met = _assign_met(members, best)
    ids = {m.id for m in members}
    matches = _with_introducers(matchmaker, members, met, ids, own_groups)
    incomplete = tuple(
        isolated_one(matchmaker.prepared, row,
                     found[0].score if found else None,
                     found[0].other(member.id) if found else None)
        for member, row, found in zip(members, rows, best, strict=True)
        if not found or found[0].score < good_score)
    return Circle(tuple(members), tuple(matches), incomplete, good_score)


def _assign_met(members: Sequence[Contact], best: Sequence[Sequence[Suggestion]]
                ) -> list[Suggestion | None]:
    """Each member's pair in the assignment over their best partners."""
    others = sorted({pair.other(m.id).id for m, found in zip(members, best, strict=True)
                     for pair in found})
    column = {contact_id: k for k, contact_id in enumerate(others)}
    weights = [[0] * len(others) for _ in members]
    by_column: list[dict[int, Suggestion]] = []
    for row, (member, found) in enumerate(zip(members, best, strict=True)):
        mine = {column[pair.other(member.id).id]: pair for pair in found}
        for k, pair in mine.items():
            weights[row][k] = round(pair.score * 100)
        by_column.append(mine)
    taken = spread_assignment(weights)
    return [by_column[row][k] if k is not None else None for row, k in enumerate(taken)]


def _with_introducers(matchmaker: Matchmaker, members: Sequence[Contact],
                      met: Sequence[Suggestion | None], ids: Collection[str],
                      own_groups: Collection[str]) -> list[Match]:
    """Each member's match, with who else meets the same person and who introduces them."""
    prepared = matchmaker.prepared
    position = prepared.index_of
    meets = {row: pair.other(members[row].id) for row, pair in enumerate(met) if pair is not None}
    outside = [row for row, other in meets.items() if other.id not in ids]
    ties = [[None if k == row else tie(prepared, position[m.id], position[meets[row].id],
                                       own_groups)
             for k, m in enumerate(members)] for row in outside]
    chosen = spread_assignment([[t.strength if t else 0 for t in row] for row in ties])
    by = {row: (members[k], ties[n][k]) for n, (row, k) in enumerate(zip(outside, chosen,
                                                                          strict=True))
          if k is not None}
    matches = []
    for row, (member, pair) in enumerate(zip(members, met, strict=True)):
        if pair is None:
            matches.append(Match(member, None))
            continue
        other = meets[row]
        shared = tuple(members[k] for k, them in meets.items() if k != row and them.id == other.id)
        introducer, its_tie = by.get(row, (None, None))
        matches.append(Match(member, pair, shared, introducer, its_tie, other.id in ids))
    return matches
