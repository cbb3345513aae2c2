"""The week's plan as a b-matching with a count limit: at most `count` pairs, nobody in
more than `per_person` of them, the greatest total weight.

Weights are integers (a score's hundredths), so the integer program's optimum is an
exact number and "optimal" means what it says. HiGHS (through scipy's `milp`) runs
with a relative gap of 0: its default gap returns plans slightly short of the best.
The greedy plan (heaviest pair first, while both people have room) is what the
optimum is compared with, and what is used when the solver runs out of time.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

from introducer.plan import TIME_LIMIT


@dataclass(frozen=True, slots=True)
class Edge:
    """A possible pair: two people (by number, first != second) and its weight (> 0).

    `groups` (by number) are sets of pairs a plan holds at most one of: the answers to
    one ask or need, the two sides of one divorce sent to one professional.
    """

    first: int
    second: int
    weight: int
    groups: tuple[int, ...] = ()


def greedy(edges: Sequence[Edge], count: int, per_person: int) -> list[int]:
    """Positions of the pairs greedy takes, walking `edges` in the order given (heaviest
    first): each pair whose two people both have room and whose groups are still free,
    until `count` are taken."""
    uses: Counter[int] = Counter()
    used_groups: set[int] = set()
    taken: list[int] = []
    for position, edge in enumerate(edges):
        if len(taken) == count:
            break
        if (uses[edge.first] < per_person and uses[edge.second] < per_person
                and used_groups.isdisjoint(edge.groups)):
            taken.append(position)
            uses.update((edge.first, edge.second))
            used_groups.update(edge.groups)
    return taken


def optimal(edges: Sequence[Edge], count: int, per_person: int,
            time_limit: float = TIME_LIMIT) -> list[int] | None:
    """Positions of the pairs of a heaviest plan, in the order given; None if HiGHS did
    not prove one optimal within `time_limit` seconds."""
    if not edges or count < 1:
        return []
    people, ends = np.unique(
        np.asarray([(e.first, e.second) for e in edges], dtype=np.int64), return_inverse=True)
    ends = ends.reshape(len(edges), 2)
    groups = sorted({group for edge in edges for group in edge.groups})
    group_row = {group: len(people) + 1 + k for k, group in enumerate(groups)}
    held = [(group_row[group], k) for k, edge in enumerate(edges) for group in edge.groups]
    # One row per person (how many pairs they are in), one for the count, one per group.
    rows = np.concatenate([ends.ravel(), np.full(len(edges), len(people)),
                           np.asarray([row for row, _ in held], dtype=np.int64)])
    columns = np.concatenate([np.repeat(np.arange(len(edges)), 2), np.arange(len(edges)),
                              np.asarray([k for _, k in held], dtype=np.int64)])
    matrix = sparse.csr_array((np.ones(len(rows)), (rows, columns)),
                              shape=(len(people) + 1 + len(groups), len(edges)))
    upper = np.concatenate([np.full(len(people), per_person), [count],
                            np.ones(len(groups))]).astype(np.float64)
    weights = np.asarray([e.weight for e in edges], dtype=np.float64)
    result = milp(
        -weights,
        integrality=np.ones(len(edges), dtype=np.int64),
        bounds=Bounds(0, 1),
        constraints=LinearConstraint(matrix, -np.inf, upper),
        options={"mip_rel_gap": 0, "time_limit": time_limit, "disp": False},
    )
    if result.status != 0 or result.x is None:
        return None
    return [int(k) for k in np.flatnonzero(result.x > 0.5)]
