"""Candidate pairs with their totals: what either pair source hands the ranking.

Kept apart from `index.py` (which needs scipy) so the pure-Python source for small
books (`small.py`) and the ranking can share it without importing scipy.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Candidates:
    """Pairs (first < second, by position in the book) and their exact, unrounded totals.

    `ceiling` bounds the total of every proposed pair left out to save memory
    (-inf when none was), and `unreached` that of every pair never proposed (sharing
    only columns that do not propose, outside the contacts searched exhaustively), so
    a ranking can tell whether the list reaches deep enough.
    """

    first: IntArray
    second: IntArray
    total: FloatArray
    ceiling: float = -np.inf
    unreached: float = -np.inf

    def __len__(self) -> int:
        return len(self.total)

    @property
    def outside(self) -> float:
        """The most any pair not in the list can total."""
        return max(self.ceiling, self.unreached)

    def subset(self, mask: BoolArray | IntArray) -> Candidates:
        return Candidates(self.first[mask], self.second[mask], self.total[mask], self.ceiling,
                          self.unreached)


def no_candidates() -> Candidates:
    return Candidates(np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.float64))


class PairSource(Protocol):
    """Where the ranking and the book's figures get candidate pairs: the sparse index
    (`index.PairIndex`) or, for a small book, every pair scored one by one (`small.py`)."""

    size: int

    @property
    def reachable(self) -> int:
        """How many contacts a search by reach could take in (all who can make a pair)."""
        ...

    def unreached_at(self, reach: int) -> float:
        """The most a pair left unproposed can total once the `reach` strongest contacts
        are searched (-inf when none is left)."""
        ...

    def candidates(self, keep: int | None = None, *, reach: int = 0,
                   after: Candidates | None = None) -> Candidates: ...

    def deeper(self, keep: int, after: Candidates) -> Candidates:
        """`after` completed by a search that can prove it where the search by reach
        cannot (or `after` itself)."""
        ...

    def partners(self, focus: int) -> Candidates: ...

    def rough_partners(self, focus: int) -> Candidates: ...

    def exact_blocks(self, floor: FloatArray | None = None) -> Iterator[Candidates]: ...
