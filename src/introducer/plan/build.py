"""This week's plan: the best set of introductions, nobody in too many, over the days left."""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

from introducer.errors import UsageError
from introducer.match.rank import Matchmaker
from introducer.match.score import Suggestion
from introducer.plan import TIME_LIMIT, solver
from introducer.plan.candidates import conflict_groups, shortlist
from introducer.plan.week import spread

#: Pairs a week's plan may hold: the bound on the candidate list grows with its square.
MOST_PAIRS = 100


@dataclass(frozen=True, slots=True)
class Planned:
    """One introduction of the plan and the day it is for."""

    day: dt.date
    pair: Suggestion


@dataclass(frozen=True, slots=True)
class Plan:
    """The chosen introductions (best first), their total, and what greedy would have made.

    `optimal` is False when the solver ran out of time and the plan is the greedy one.
    """

    introductions: tuple[Planned, ...]
    total: float
    greedy_total: float
    optimal: bool
    candidates: int

    @property
    def pairs(self) -> tuple[Suggestion, ...]:
        return tuple(planned.pair for planned in self.introductions)


def make_plan(matchmaker: Matchmaker, *, count: int, per_person: int, today: dt.date,
              time_limit: float = TIME_LIMIT) -> Plan:
    """At most `count` introductions with the greatest total score, nobody in more than
    `per_person` of them, none the ledger hides."""
    if not 0 <= count <= MOST_PAIRS:
        raise UsageError(f"a week's plan holds 0 to {MOST_PAIRS} introductions, not {count}")
    if per_person < 1:
        raise UsageError("each person may be in 1 or more of the plan's introductions")
    if count == 0:
        return Plan((), 0.0, 0.0, True, 0)
    found = shortlist(matchmaker, count, per_person)
    position = matchmaker.prepared.index_of
    numbered: dict[Hashable, int] = {}
    edges = [solver.Edge(position[p.a.id], position[p.b.id], round(p.score * 100),
                         tuple(numbered.setdefault(group, len(numbered))
                               for group in conflict_groups(matchmaker, p)))
             for p in found.pairs]
    chosen = solver.optimal(edges, count, per_person, time_limit)
    pairs = [found.pairs[k] for k in chosen] if chosen is not None else list(found.greedy)
    pairs.sort(key=lambda p: (-p.score, p.a.id, p.b.id))
    return Plan(
        introductions=tuple(Planned(day, pair) for day, pair in spread(pairs, today)),
        total=_total(pairs),
        greedy_total=_total(found.greedy),
        optimal=chosen is not None,
        candidates=len(found.pairs),
    )


def _total(pairs: Sequence[Suggestion]) -> float:
    """The sum of shown scores, to the hundredth (as the scores themselves are)."""
    return round(sum(round(p.score * 100) for p in pairs) / 100, 2) + 0.0
