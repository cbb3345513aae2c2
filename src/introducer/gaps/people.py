"""People the book does little for, and relationships worth tending.

- isolated: contacts whose best match scores below a good suggestion, with the fields
  that would give the matcher something to work with;
- stale: the most useful contacts (by the good introductions they are in) the user
  has not been in touch with for over `settings.stale_days`;
- the week's focus: the one relationship most worth strengthening, high potential and
  low closeness or stale, chosen the same way every time for the same book and day.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from introducer.book.schema import Contact
from introducer.gaps import GOOD_SCORE
from introducer.gaps.potential import Potential, potential
from introducer.match.history import SHARES_SOMETHING
from introducer.match.profile import SHARED_FIELDS
from introducer.match.score import round_points

if TYPE_CHECKING:
    from introducer.match.profile import PreparedBook
    from introducer.match.rank import Matchmaker
    from introducer.match.score import PairScorer

#: At most this many stale relationships are listed: the ones worth a call first.
STALE_LIMIT = 10
#: Closeness assumed when the book does not say (the middle of "know them a little").
UNKNOWN_CLOSENESS = 3
#: How much more a stale relationship is worth tending than a current one as close.
STALE_WEIGHT = 0.5

# The fields that give the matcher something to work with, in order of what they add;
# a person's own life (events, asks) only for someone who is not there as a professional.
_HELPFUL = ("clients", "referral_sources", "business", "hobbies", "networker")
_PERSONAL = ("events", "wants")


@dataclass(frozen=True, slots=True)
class Isolated:
    """A contact with no good match: their best score (None with no match at all), the
    fields they lack, and values of theirs nobody else in the book holds."""

    contact: Contact
    best: float | None
    best_with: Contact | None
    empty: tuple[str, ...]
    unshared: tuple[str, ...]


def isolated(scorer: PairScorer, found: Potential, good_score: float) -> list[Isolated]:
    """Introducible contacts whose best match is below `good_score`, in book order, each
    best match scored as `explain` scores it (`_shown_score`)."""
    prepared = scorer.prepared
    contacts = prepared.book.contacts
    result = []
    for row, profile in enumerate(prepared.profiles):
        contact = profile.contact
        if not contact.introduce or found.best[row] >= good_score:
            continue
        # Above the rounding of sums that cancel (a competitor's shared points taken off
        # again leave 4e-16 in one order of adding and 0 in another): a real match.
        has_match = found.partner[row] >= 0 and found.best[row] > SHARES_SOMETHING
        partner = int(found.partner[row])
        result.append(isolated_one(
            prepared, row, _shown_score(scorer, row, partner) if has_match else None,
            contacts[partner] if has_match else None))
    return result


def _two_decimals(figure: float) -> float:
    """A sum of pair totals to two decimals, the same whatever order it was added in: the
    pair sources add the same totals in different orders, which moves the last bit, and
    a sum that lands on a half cent (20.955) would round up from one and down from the
    other; at nine decimals first, both are the same float."""
    return round_points(round(figure, 9))


def _shown_score(scorer: PairScorer, first: int, second: int) -> float:
    """A pair's score as every list and `explain` show it, the sum of its rounded reasons:
    the candidate search's total, rounded once, can be 0.01 off it (30.47 for 30.46)."""
    return scorer.score_pair(first, second).score


def isolated_one(prepared: PreparedBook, row: int, best: float | None,
                 best_with: Contact | None) -> Isolated:
    """The contact at `row` as one with no good match: the fields they lack and the values
    of theirs nobody else holds (`circle` says the same of a member no one fits)."""
    profile = prepared.profiles[row]
    contact = profile.contact
    fields = _HELPFUL if contact.clients or contact.referral_sources else (
        *_HELPFUL, *_PERSONAL)
    empty = tuple(name for name in fields if not getattr(contact, name))
    unshared = tuple(
        text for field in SHARED_FIELDS for key, text in profile.shared(field).items()
        if prepared.holders[field][key] < 2
    )
    return Isolated(contact, best, best_with, empty, unshared)


def last_touch(contact: Contact, touched: Mapping[str, dt.date]) -> dt.date | None:
    """The later of the book's `last_contact` and the ledger's latest touch, if any."""
    dates = [d for d in (contact.last_contact, touched.get(contact.id)) if d is not None]
    return max(dates) if dates else None


@dataclass(frozen=True, slots=True)
class Relationship:
    """A contact as a relationship to tend: how much they could unlock (the good
    introductions they are in, their points, the best one) and how it stands."""

    contact: Contact
    good: int
    worth: float
    best_with: Contact | None
    best: float
    closeness: int | None
    last_touch: dt.date | None
    days_since: int | None
    stale: bool

    def why(self) -> tuple[str, ...]:
        """The reasons, as a connector would say them."""
        reasons = [f"in {self.good} good introduction{'s' if self.good != 1 else ''} "
                   f"worth {self.worth:g} points"]
        if self.best_with is not None:
            reasons[-1] += f" (best: with {self.best_with.name}, {self.best:g})"
        if self.closeness is None:
            reasons.append("closeness not recorded")
        elif self.closeness <= UNKNOWN_CLOSENESS:
            reasons.append(f"closeness {self.closeness}")
        if self.stale and self.last_touch is not None:
            reasons.append(f"last in touch {self.last_touch.isoformat()} "
                           f"({self.days_since} days ago)")
        return tuple(reasons)


def relationships(prepared: PreparedBook, found: Potential, today: dt.date,
                  touched: Mapping[str, dt.date]) -> list[Relationship]:
    """Every introducible contact in at least one good introduction, most worth first."""
    contacts = prepared.book.contacts
    stale_days = prepared.book.settings.stale_days
    result = []
    for row, contact in enumerate(contacts):
        if not contact.introduce or found.good[row] == 0:
            continue
        last = last_touch(contact, touched)
        days = (today - last).days if last is not None else None
        partner = int(found.partner[row])
        result.append(Relationship(
            contact, int(found.good[row]), _two_decimals(float(found.worth[row])),
            contacts[partner] if partner >= 0 else None, _two_decimals(float(found.best[row])),
            contact.closeness, last, days, days is not None and days > stale_days))
    result.sort(key=lambda r: (-r.worth, r.contact.id))
    return result


def shown(relationship: Relationship, scorer: PairScorer) -> Relationship:
    """`relationship` with its best match scored as `explain` scores it (`_shown_score`):
    only the few relationships a report shows are rescored, not every one ranked."""
    if relationship.best_with is None:
        return relationship
    index_of = scorer.prepared.index_of
    return dataclasses.replace(relationship, best=_shown_score(
        scorer, index_of[relationship.contact.id], index_of[relationship.best_with.id]))


def stale(ranked: Sequence[Relationship], limit: int = STALE_LIMIT) -> list[Relationship]:
    """The most useful relationships gone quiet, most worth first."""
    return [r for r in ranked if r.stale][:limit]


def room_to_grow(relationship: Relationship) -> float:
    """0 (as close as it gets, and current) to 1.5 (met once, and gone quiet)."""
    closeness = relationship.closeness or UNKNOWN_CLOSENESS
    return (5 - closeness) / 4 + (STALE_WEIGHT if relationship.stale else 0.0)


def focus(ranked: Sequence[Relationship]) -> Relationship | None:
    """This week's person: most worth times room to grow; ties to the lower id."""
    growing = [r for r in ranked if room_to_grow(r) > 0]
    if not growing:
        return None
    return min(growing, key=lambda r: (-r.worth * room_to_grow(r), r.contact.id))


def week_focus(matchmaker: Matchmaker, touched: Mapping[str, dt.date],
               found: Potential | None = None) -> Relationship | None:
    """Only the focus person (what `today` shows), chosen exactly as `gaps` chooses them;
    `found` is the matchmaker's `potential(..., good_only=True)` if already read."""
    prepared = matchmaker.prepared
    if found is None:
        found = potential(matchmaker.pairs, GOOD_SCORE, good_only=True)
    chosen = focus(relationships(prepared, found, prepared.today, touched))
    return None if chosen is None else shown(chosen, matchmaker.scorer)
