"""Which contacts' pairs the deeper search must multiply out: bounded by what they ask.

Over the valuable columns (`PairIndex.deeper`) a pair totals `L[i] · R[j]`: what i
asks that j provides, what j asks that i provides (a mirrored column), and the values
they share. So it totals at most `asks[i] + asks[j]`, each contact's *ask mass*: the
most every ask and shared value of theirs can give a pair (its entry times the
largest entry on the other side, `caps`). A pair must reach `need[i]` (and `need[j]`)
to rank, so a contact who asks nothing (`silent`) can only rank with a *strong* one,
whose ask mass alone attains their need, or with another who asks. The search then
multiplies asking x asking and strong x silent, never the silent against those weak
askers who make most of the products: at 100k, 117M partial products instead of 336M,
every pair that can rank among them. Silent x silent pairs share no valuable column.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from introducer.match.columns import BoolArray
from introducer.match.features import FloatArray, Matrix


@dataclass(frozen=True, slots=True)
class Sides:
    """The contacts by what they ask, and the most a pair left out can reach."""

    asking: BoolArray
    strong: BoolArray
    silent: BoolArray
    # The most a weak asker and a silent contact total with their own `reach` (their
    # pairs are never multiplied out): below the floor.
    left_out: float

    def products(self, left: Matrix, right: Matrix) -> list[tuple[Matrix, Matrix]]:
        """The (left, right) rows to multiply: every pair that can rank is in one."""
        return [(rows_of(left, self.asking), rows_of(right, self.asking)),
                (rows_of(left, self.strong), rows_of(right, self.silent)),
                (rows_of(left, self.silent), rows_of(right, self.strong))]


def caps(left: Matrix, right: Matrix) -> FloatArray:
    """Per entry of `left`, the most that column gives a pair of its row (never below 0:
    a column that can only take points away bounds nothing)."""
    by_column = sp.csc_array(right)
    high = np.zeros(right.shape[1], dtype=np.float64)
    low = np.zeros(right.shape[1], dtype=np.float64)
    held = np.flatnonzero(np.diff(by_column.indptr))
    if len(held):
        starts = by_column.indptr[held]
        high[held] = np.maximum(np.maximum.reduceat(by_column.data, starts), 0.0)
        low[held] = np.minimum(np.minimum.reduceat(by_column.data, starts), 0.0)
    data, columns = left.data, left.indices
    out: FloatArray = np.maximum(np.maximum(data * high[columns], data * low[columns]), 0.0)
    return out


def sides(left: Matrix, right: Matrix, provides: BoolArray, able: BoolArray,
          need: FloatArray, beyond: FloatArray) -> Sides:
    """Split the `able` contacts by ask mass: `provides` marks the mirrored columns (L
    holds the providers), `need` is what a pair of each contact's must get from these
    columns to rank, and `beyond` the most it gets from everything else (so that
    `need + beyond` is the floor)."""
    size = left.shape[0]
    cap = caps(left, right)
    asking_entry = ~provides[left.indices]
    row = np.repeat(np.arange(size, dtype=np.int64), np.diff(left.indptr))
    mass = np.bincount(row[asking_entry], weights=cap[asking_entry], minlength=size)
    asking = able & (mass > 0)
    strong = asking & (mass >= need)
    silent = able & (mass == 0)
    weak = asking & ~strong
    left_out = float((mass + beyond)[weak].max()) if weak.any() else -np.inf
    return Sides(asking, strong, silent, left_out)


def rows_of(matrix: Matrix, kept: BoolArray) -> Matrix:
    """`matrix` with the rows not `kept` emptied, every other entry where it was (so a
    product sums each pair's terms in the order the whole matrix does)."""
    row = np.repeat(np.arange(matrix.shape[0], dtype=np.int64), np.diff(matrix.indptr))
    data = np.where(kept[row], matrix.data, 0.0)
    out = sp.csr_array((data, matrix.indices.copy(), matrix.indptr.copy()), shape=matrix.shape)
    out.eliminate_zeros()
    return out
