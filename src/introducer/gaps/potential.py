"""How much each contact could gain from the book: their best match and their good matches.

Read from the matchmaker's own candidate pairs (`PairSource.exact_blocks`) in one pass
of row blocks, never by scoring each contact against everyone: at 100k contacts the
figures cost what one `suggest` costs, in bounded memory.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from introducer.gaps import GOOD_SCORE
from introducer.match.pairs import Candidates, FloatArray, IntArray


class ExactBlocks(Protocol):
    """What `potential` reads of a pair source (`PairSource` has it)."""

    size: int

    def exact_blocks(self, floor: FloatArray | None = None) -> Iterator[Candidates]: ...


@dataclass(frozen=True, slots=True)
class Potential:
    """Per contact (by position in the book): the best total any pair of theirs reaches
    (-inf with none), its partner (-1), and how many good pairs they are in and their sum."""

    best: FloatArray
    partner: IntArray
    good: IntArray
    worth: FloatArray


def potential(index: ExactBlocks, good_score: float = GOOD_SCORE, *,
              good_only: bool = False) -> Potential:
    """Each contact's best match and good matches, over every candidate pair of the book.

    With `good_only` (the week's focus person needs no more), pairs that cannot be good
    are never scored: the good counts, worth, and the best match of anyone with a good
    one are the same; a contact with none keeps best -inf and no partner.
    """
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
    block_best = np.full(len(best), -np.inf, dtype=np.float64)
    np.maximum.at(block_best, mine, total)
    hit = total == block_best[mine]
    block_partner = np.full(len(best), len(best), dtype=np.int64)
    np.minimum.at(block_partner, mine[hit], theirs[hit])
    better = (block_best > best) | ((block_best == best) & (block_partner < partner))
    better &= block_partner < len(best)
    best[better] = block_best[better]
    partner[better] = block_partner[better]
