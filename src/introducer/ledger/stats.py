"""The numbers behind `introducer stats`: the weekly series, the funnel, who gave and who got.

Built on `views`; every figure is a plain number the CLI shows as a chart or JSON.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from introducer.ledger.entries import Entry
from introducer.ledger.views import (
    Funnel,
    funnel,
    introductions_per_week,
    live,
    reciprocity,
    week_start,
)


@dataclass(frozen=True, slots=True)
class WeeklySeries:
    """Introductions per week (Monday, count), oldest first, this week last, against the goal."""

    weeks: tuple[tuple[dt.date, int], ...]
    goal: int
    streak: int

    @property
    def total(self) -> int:
        return sum(count for _, count in self.weeks)

    @property
    def average(self) -> float:
        """Introductions per week over the weeks shown (this week included), 2 decimals."""
        return round(self.total / len(self.weeks), 2) if self.weeks else 0.0


def weekly_series(
    entries: Sequence[Entry], today: dt.date, goal: int, weeks: int = 12
) -> WeeklySeries:
    """The last `weeks` weeks and the current streak of weeks meeting the goal."""
    shown = tuple(introductions_per_week(entries, today, weeks))
    return WeeklySeries(shown, goal, goal_streak(entries, today, goal))


def goal_streak(entries: Sequence[Entry], today: dt.date, goal: int) -> int:
    """Weeks in a row, up to now, with at least `goal` introductions; 0 when there is no goal.

    This week counts once it meets the goal; until then it does not break the streak
    (the week is not over), so the count starts from last week.
    """
    if goal <= 0:
        return 0
    introduced = [e for e in live(entries) if e.kind == "introduced"]
    if not introduced:
        return 0
    first = week_start(min(e.date for e in introduced))
    span = max(1, (week_start(today) - first).days // 7 + 1)
    counts = [count for _, count in introductions_per_week(entries, today, span)]
    if counts[-1] < goal:
        counts.pop()
    streak = 0
    for count in reversed(counts):
        if count < goal:
            break
        streak += 1
    return streak


#: The funnel's stages in order, and the stage each one's conversion is measured from.
#: Asking first is optional, so introductions are measured against suggestions.
FUNNEL_STAGES: tuple[tuple[str, str | None], ...] = (
    ("suggested", None),
    ("asked", "suggested"),
    ("introduced", "suggested"),
    ("met", "introduced"),
    ("business", "met"),
)


@dataclass(frozen=True, slots=True)
class Stage:
    """One step of the funnel: distinct pairs that reached it, and the rate from `base`."""

    name: str
    pairs: int
    base: str | None
    percent: float | None  # None for the first stage, or when the base stage is empty


def funnel_stages(counts: Funnel) -> list[Stage]:
    """The funnel as rows with conversion percentages (one decimal)."""
    numbers: Mapping[str, int] = {
        "suggested": counts.suggested, "asked": counts.asked, "introduced": counts.introduced,
        "met": counts.met, "business": counts.business,
    }
    stages = []
    for name, base in FUNNEL_STAGES:
        percent = None
        if base is not None and numbers[base]:
            percent = round(100 * numbers[name] / numbers[base], 1)
        stages.append(Stage(name, numbers[name], base, percent))
    return stages


@dataclass(frozen=True, slots=True)
class Balance:
    """One person's give and take: referrals received from them, introductions made for them."""

    id: str
    received: int
    given: int

    @property
    def balance(self) -> int:
        """given - received: below 0, they have done more for the user than the other way."""
        return self.given - self.received


def balances(entries: Sequence[Entry]) -> list[Balance]:
    """Everyone with any give or take, the most owed first (then most received, then id)."""
    rows = [Balance(person, r.received, r.given) for person, r in reciprocity(entries).items()]
    rows.sort(key=lambda b: (b.balance, -b.received, b.id))
    return rows


@dataclass(frozen=True, slots=True)
class Stats:
    """Everything `stats` shows."""

    series: WeeklySeries
    funnel: Funnel
    stages: tuple[Stage, ...]
    balances: tuple[Balance, ...]


def stats(entries: Sequence[Entry], today: dt.date, goal: int, weeks: int = 12) -> Stats:
    counts = funnel(entries)
    return Stats(
        series=weekly_series(entries, today, goal, weeks),
        funnel=counts,
        stages=tuple(funnel_stages(counts)),
        balances=tuple(balances(entries)),
    )
