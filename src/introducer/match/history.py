"""What the ledger tells the matchmaker: who was introduced lately, who gave, which pairs are done.

The matchmaker never reads the state file; the CLI builds a `HistoryView` from the
ledger and hands it over, so scoring stays a pure function of book + history.
Contacts are named by id throughout.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class RecentIntroductions:
    """A person's introductions inside the cooldown window (`count` >= 1)."""

    count: int
    days_ago: int  # since the latest one; 0 is today


@dataclass(frozen=True, slots=True)
class Reciprocity:
    """Referrals and introductions the user received from a person, and made for them."""

    received: int
    given: int

    @property
    def owed(self) -> int:
        """How far the user is behind with this person (0 if even or ahead)."""
        return max(0, self.received - self.given)


@dataclass(frozen=True, slots=True)
class HistoryView:
    """Everything the ledger contributes to ranking, as of one day.

    `hidden` maps each pair (ids, a < b) the user has already acted on to a short
    label ("introduced 2026-11-02", "snoozed until 2026-12-01", "never"): such
    pairs are left out of suggestions unless asked for.
    """

    cooldown_days: int = 14
    recent: Mapping[str, RecentIntroductions] = field(default_factory=dict)
    reciprocity: Mapping[str, Reciprocity] = field(default_factory=dict)
    hidden: Mapping[tuple[str, str], str] = field(default_factory=dict)


NO_HISTORY = HistoryView()


# Reciprocity counts at most this many owed referrals: a generous giver rises, but
# does not drown out everything the book says about who fits whom.
RECIPROCITY_CAP = 3
# Reciprocity only adds to a pair whose book-based total (every reason but the
# ledger's) is above this: nobody is suggested for what they are owed alone.
SHARES_SOMETHING = 1e-9


def cooldown_penalty(recent: RecentIntroductions | None, weight: float) -> float:
    """Points (>= 0) taken off every pair of someone introduced inside the cooldown."""
    if recent is None or recent.count <= 0:
        return 0.0
    return weight * recent.count


def reciprocity_bonus(reciprocity: Reciprocity | None, weight: float) -> float:
    """Points (>= 0) added to a pair of someone the user owes referrals to."""
    if reciprocity is None or reciprocity.owed <= 0:
        return 0.0
    return weight * min(reciprocity.owed, RECIPROCITY_CAP)


def pair_key(first_id: str, second_id: str) -> tuple[str, str]:
    """The one spelling of an unordered pair, smaller id first: how the ledger stores a pair
    and how `HistoryView.hidden` is keyed."""
    return (first_id, second_id) if first_id < second_id else (second_id, first_id)
