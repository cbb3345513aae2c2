"""`gaps`: every void in the network at once, from one matchmaker and one pass over its
candidate pairs. The CLI renders it; `today` takes only the focus person, the same way
(`people.week_focus`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from introducer.gaps import GOOD_SCORE
from introducer.gaps.asks import OpenAsk, open_asks
from introducer.gaps.balance import Balance, balance
from introducer.gaps.events import EventVoid, event_voids
from introducer.gaps.people import (
    Isolated,
    Relationship,
    focus,
    isolated,
    relationships,
    shown,
    stale,
)
from introducer.gaps.potential import potential
from introducer.gaps.professions import PassiveProfession, holders, passive_only
from introducer.match.rank import Matchmaker


@dataclass(frozen=True, slots=True)
class Gaps:
    """The voids of one book on one day, each kind in the order a connector acts on it."""

    good_score: float
    events: tuple[EventVoid, ...]
    passive: tuple[PassiveProfession, ...]
    asks: tuple[OpenAsk, ...]
    isolated: tuple[Isolated, ...]
    stale: tuple[Relationship, ...]
    balance: Balance
    focus: Relationship | None


def find_gaps(matchmaker: Matchmaker, touched: Mapping[str, dt.date],
              good_score: float = GOOD_SCORE) -> Gaps:
    """Every kind of gap; `touched` is the ledger's latest touch per contact id."""
    prepared = matchmaker.prepared
    held = holders(prepared)
    found = potential(matchmaker.pairs, good_score)
    ranked = relationships(prepared, found, prepared.today, touched)
    chosen = focus(ranked)
    return Gaps(
        good_score=good_score,
        events=tuple(event_voids(prepared, held)),
        passive=tuple(passive_only(prepared, held)),
        asks=tuple(open_asks(prepared, held)),
        isolated=tuple(isolated(matchmaker.scorer, found, good_score)),
        stale=tuple(shown(r, matchmaker.scorer) for r in stale(ranked)),
        balance=balance(prepared.book),
        focus=None if chosen is None else shown(chosen, matchmaker.scorer),
    )
