"""Who takes whom when several people draw on one pool: an exact assignment that uses
nobody twice where an alternative exists.

Each row (a member, an introduction to make) takes one column (a person to meet, a
member to make it) for which it has a positive weight. The objective is
lexicographic: first as few repeated columns as can be (every row takes a column
no other row takes, wherever that is possible), then the greatest total weight.

It is one rectangular assignment, solved exactly (scipy's `linear_sum_assignment`):
each column is offered once for each row that wants it, the first offer worth a
bonus above any total of weights, so a solution with one repeat fewer always wins.
Weights are integers (a score's hundredths), so ties and totals are exact.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy.optimize import linear_sum_assignment


def spread_assignment(weights: Sequence[Sequence[int]]) -> list[int | None]:
    """For each row, the column it takes (None for a row with no positive weight)."""
    if not weights:
        return []
    matrix = np.asarray(weights, dtype=np.int64).reshape(len(weights), -1)
    rows = np.flatnonzero((matrix > 0).any(axis=1))
    taken: list[int | None] = [None] * len(weights)
    if not len(rows):
        return taken
    matrix = matrix[rows]
    wanted = matrix > 0
    bonus = int(matrix.max(axis=1).sum()) + 1
    # Column c is offered as many times as rows want it; offer 0 carries the bonus.
    offers = np.repeat(np.arange(matrix.shape[1]), wanted.sum(axis=0))
    first = np.ones(len(offers), dtype=bool)
    first[1:] = offers[1:] != offers[:-1]
    gain = matrix[:, offers] + np.where(first, bonus, 0)
    cost = np.where(wanted[:, offers], -gain.astype(np.float64), np.inf)
    chosen_rows, chosen_offers = linear_sum_assignment(cost)
    for row, offer in zip(chosen_rows, chosen_offers, strict=True):
        taken[int(rows[row])] = int(offers[offer])
    return taken
