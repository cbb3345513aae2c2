"""How much each contact could gain from the book: their best match and their good matches.

Read from the matchmaker's own candidate pairs (`PairSource.exact_blocks`) in one pass
of row blocks, never by scoring each contact against everyone: at 100k contacts the
figures cost what one `suggest` costs, in bounded memory. A small book's pairs, all
scored already in plain lists (`small.ScoredPairs`), are read the same way in Python, with
the same floats added in the same order, so the figures are the same bit for bit.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from introducer.gaps import GOOD_SCORE
from introducer.match.small import ScoredPairs

if TYPE_CHECKING:
    from introducer.match.pairs import Candidates, FloatArray, IntArray


class ExactBlocks(Protocol):
    """What `potential` reads of the index's pair source (`PairSource` has it)."""

    size: int

    def exact_blocks(self, floor: FloatArray | None = None) -> Iterator[Candidates]: ...


@dataclass(frozen=True, slots=True)
class Potential:
    """Per contact (by position in the book): the best total any pair of theirs reaches
    (-inf with none), its partner (-1), and how many good pairs they are in and their sum.
    numpy arrays from the index's pairs, lists from a small book's."""

    best: FloatArray | list[float]
    partner: IntArray | list[int]
    good: IntArray | list[int]
    worth: FloatArray | list[float]


def potential(index: ExactBlocks | ScoredPairs, good_score: float = GOOD_SCORE, *,
              good_only: bool = False) -> Potential:
    """Each contact's best match and good matches, over every candidate pair of the book.

    With `good_only` (the week's focus person needs no more), pairs that cannot be good
    are never scored: the good counts, worth, and the best match of anyone with a good
    one are the same; a contact with none keeps best -inf and no partner.
    """
    if isinstance(index, ScoredPairs):
        return _scored_potential(index, good_score, good_only)
    import numpy as np  # the index's blocks are numpy arrays

    size = index.size
    best = np.full(size, -np.inf, dtype=np.float64)
    partner = np.full(size, -1, dtype=np.int64)
    good = np.zeros(size, dtype=np.int64)
    worth = np.zeros(size, dtype=np.float64)
    # A pair matters if it is good, or could raise a contact's best while that is not.
    floor = np.full(size, good_score if good_only else -np.inf, dtype=np.float64)
    for block in index.exact_blocks(floor):
        for mine, theirs in ((block.first, block.second), (block.second, block.first)):
            _keep_best(best, partner, mine, theirs, block.total)
        kept = block.total >= good_score
        for side in (block.first[kept], block.second[kept]):
            good += np.bincount(side, minlength=size)
            worth += np.bincount(side, weights=block.total[kept], minlength=size)
        if not good_only:
            np.minimum(best, good_score, out=floor)
    return Potential(best, partner, good, worth)


def _keep_best(best: FloatArray, partner: IntArray, mine: IntArray, theirs: IntArray,
               total: FloatArray) -> None:
    """Raise `best[mine[k]]` to `total[k]` where higher, remembering the partner; ties keep
    the partner first in the book, so the answer does not depend on block order."""
    if not len(total):
        return
    import numpy as np

    block_best = np.full(len(best), -np.inf, dtype=np.float64)
    np.maximum.at(block_best, mine, total)
    hit = total == block_best[mine]
    block_partner = np.full(len(best), len(best), dtype=np.int64)
    np.minimum.at(block_partner, mine[hit], theirs[hit])
    better = (block_best > best) | ((block_best == best) & (block_partner < partner))
    better &= block_partner < len(best)
    best[better] = block_best[better]
    partner[better] = block_partner[better]


def _scored_potential(pairs: ScoredPairs, good_score: float, good_only: bool) -> Potential:
    """`potential` over a small book's pairs, pair by pair: each contact's best is raised
    as `_keep_best` raises it (ties to the partner first in the book), and each good
    pair's total added to a sum per side that starts at zero, as `numpy.bincount` adds
    them, then to the contact's worth."""
    size = pairs.size
    best = [-math.inf] * size
    partner = [-1] * size
    good = [0] * size
    worth = [0.0] * size
    floor = [good_score if good_only else -math.inf] * size
    for block in pairs.exact_blocks(floor):
        total = block.total
        for mine, theirs in ((block.first, block.second), (block.second, block.first)):
            for person, other, pair_total in zip(mine, theirs, total, strict=True):
                if pair_total > best[person] or (pair_total == best[person]
                                                 and other < partner[person]):
                    best[person], partner[person] = pair_total, other
        kept = [k for k in range(len(total)) if total[k] >= good_score]
        for side in (block.first, block.second):
            sums: dict[int, float] = {}
            for k in kept:
                person = side[k]
                sums[person] = sums.get(person, 0.0) + total[k]
                good[person] += 1
            for person, added in sums.items():
                worth[person] += added
        if not good_only:
            floor[:] = [min(figure, good_score) for figure in best]
    return Potential(best, partner, good, worth)
