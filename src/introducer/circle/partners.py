"""A contact's best partners in the whole book by shown score: what circles and meetings
choose from.

`PairIndex.partners` gives every pair of one contact that shares anything, with exact
unrounded totals; a shown score differs from its total by at most SCORE_MARGIN. The
pairs are walked in order of total and rescored (`PairScorer`), and one is settled
only once nothing unseen could still outscore it, as the ranking does: the k best are
exactly those that scoring every partner would give, at the cost of the head alone.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable

import numpy as np

from introducer.match.rank import SCORE_MARGIN, Matchmaker
from introducer.match.score import Suggestion


def _any(pair: Suggestion) -> bool:
    return True


def best_partners(matchmaker: Matchmaker, position: int, most: int,
                  accept: Callable[[Suggestion], bool] = _any) -> list[Suggestion]:
    """The `most` best pairs of the contact at `position` (score descending, then the
    partner's id) that score above 0, are never excluded, are not hidden by the ledger,
    and that `accept` takes."""
    if most < 1:
        return []
    prepared, scorer = matchmaker.prepared, matchmaker.scorer
    me = prepared.book.contacts[position].id
    found = matchmaker.index.partners(position)
    keep = np.flatnonzero(found.total > -SCORE_MARGIN)
    waiting: list[tuple[float, str, Suggestion]] = []
    chosen: list[Suggestion] = []
    for k in keep[np.argsort(-found.total[keep], kind="stable")]:
        unseen = float(found.total[k]) + SCORE_MARGIN
        while waiting and -waiting[0][0] > unseen:
            chosen.append(heapq.heappop(waiting)[2])
            if len(chosen) == most:
                return chosen
        first, second = int(found.first[k]), int(found.second[k])
        if prepared.hidden(first, second) is not None:
            continue
        pair = scorer.score_pair(first, second)
        if pair.score > 0 and pair.excluded is None and pair.history is None and accept(pair):
            heapq.heappush(waiting, (-pair.score, pair.other(me).id, pair))
    while waiting and len(chosen) < most:
        chosen.append(heapq.heappop(waiting)[2])
    return chosen
