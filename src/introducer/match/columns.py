"""All feature columns side by side, which of them propose pairs, and bounds for the rest.

The feature blocks are stacked into two n x m matrices L and R so that the total
of pair (i, j) is `L[i] · R[j]`: symmetric blocks once, asymmetric blocks twice
(asks x providers, then providers x asks), so `L Rᵀ` is symmetric.

Proposing pairs from a column costs (holders on the left) x (holders on the
right). Columns are taken in order of cost per point until the pair budget is
spent; the others still count in every total, and their worth for a pair is
bounded (`ExcludedBounds`) so a ranking can prune candidates safely.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from introducer.match.features import Block, FloatArray, Matrix

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

# Quantiles of ask strength that split asking columns into tiers (strongest last).
_ASKER_TIERS = (0.75, 0.95, 0.99, 0.998)
_SYMMETRIC, _ASKS, _MIRROR = 0, 1, 2
SYMMETRIC, ASKS, MIRROR = _SYMMETRIC, _ASKS, _MIRROR  # the roles `kinds` gives


def column_nnz(matrix: Matrix) -> IntArray:
    """Non-zero entries per column."""
    return np.bincount(matrix.indices, minlength=matrix.shape[1]).astype(np.int64)


def column_max(matrix: Matrix) -> FloatArray:
    """Largest absolute value per column (0 for an empty column)."""
    out = np.zeros(matrix.shape[1], dtype=np.float64)
    np.maximum.at(out, matrix.indices, np.abs(matrix.data))
    return out


def _column_positive_max(matrix: Matrix) -> FloatArray:
    """Largest positive value per column (0 for a column with none): `column_max` of
    `matrix` with its negative entries dropped."""
    out = np.zeros(matrix.shape[1], dtype=np.float64)
    np.maximum.at(out, matrix.indices, matrix.data)
    return out


def _clamped(matrix: Matrix) -> Matrix:
    """`matrix.maximum(0)` made in place, where scipy copies it again: `matrix`'s entries
    put in order (as `maximum` puts those of what it is given), the negative ones
    dropped; the same arrays `maximum(0)` returns."""
    matrix.sum_duplicates()
    np.maximum(matrix.data, 0.0, out=matrix.data)
    matrix.eliminate_zeros()
    return matrix


def _one_hot(block: Block) -> bool:
    """Each provider holds at most one column (one business, one company)."""
    return bool(np.all(np.diff(block.right.indptr) <= 1))


def _row_reduce(matrix: Matrix, one_hot: bool) -> FloatArray:
    if matrix.shape[1] == 0:
        return np.zeros(matrix.shape[0], dtype=np.float64)
    reduced = matrix.max(axis=1).toarray() if one_hot else matrix.sum(axis=1)
    return np.asarray(reduced, dtype=np.float64).ravel()


def ask_strength(blocks: list[Block], size: int) -> FloatArray:
    """How many points each contact's asks (events, wants, sources, clients) can earn a pair."""
    strength = np.zeros(size, dtype=np.float64)
    for block in blocks:
        if not block.symmetric and block.generate and block.left.nnz:
            strength += _row_reduce(block.left.maximum(0), _one_hot(block))
    return strength


def _tiered(
    left: Matrix, right: Matrix, strength: FloatArray
) -> tuple[Matrix, Matrix, FloatArray]:
    """Split each asking column by how strong its askers are overall.

    "x is getting married, y serves weddings" is too costly to propose pairs as a
    whole in a big book, but the part of it whose askers have many asks (those
    who make the best pairs) is cheap. Returns the split asks, the providers
    repeated to match, and per new column the weakest of its askers' strengths.
    """
    tiers = len(_ASKER_TIERS) + 1
    asking = strength[strength > 0]
    cuts = np.quantile(asking, _ASKER_TIERS) if len(asking) else np.zeros(tiers - 1)
    coo = sp.coo_array(left)
    rows, cols = coo.row.astype(np.int64), coo.col.astype(np.int64)
    new_cols = cols * tiers + np.searchsorted(cuts, strength[rows], side="right")
    width = left.shape[1] * tiers
    split = sp.csr_array(sp.coo_array((coo.data, (rows, new_cols)), shape=(left.shape[0], width)))
    weakest = np.full(width, np.inf)
    np.minimum.at(weakest, new_cols, strength[rows])
    weakest[np.isinf(weakest)] = 0.0
    widened = sp.csr_array(right[:, np.repeat(np.arange(left.shape[1]), tiers)])
    return split, widened, weakest


@dataclass(frozen=True, slots=True)
class ExcludedBounds:
    """Upper bounds on what the non-proposing columns can add to a pair's total.

    Shared values: at most min(s_i, s_j), each side's total over those columns.
    Each asking block: i's asks met by j are worth at most min(ask_i, provide_j),
    and the other way round; one-hot blocks (one business per person) take the
    largest single ask instead of the sum. Corrections only ever lower a total.
    """

    shared: FloatArray
    asks: tuple[FloatArray, ...]
    provides: tuple[FloatArray, ...]

    def per_contact(self) -> FloatArray:
        """The most the non-proposing columns can add to any pair of each contact's.

        min(a_i, p_j) + min(a_j, p_i) <= a_i + p_i, and likewise for j, so the bound
        of pair (i, j) is at most the smaller of the two contacts' figures.
        """
        most = self.shared.copy()
        for asks, provides in zip(self.asks, self.provides, strict=True):
            most += asks + provides
        return most

    def __call__(self, first: IntArray, second: IntArray) -> FloatArray:
        bound = np.minimum(self.shared[first], self.shared[second])
        for asks, provides in zip(self.asks, self.provides, strict=True):
            bound += np.minimum(asks[first], provides[second])
            bound += np.minimum(asks[second], provides[first])
        return bound


def _parts(blocks: list[Block], size: int) -> tuple[list[tuple[Matrix, Matrix]], list[IntArray],
                                                 list[BoolArray], list[FloatArray],
                                                 list[IntArray], list[IntArray],
                                                 list[IntArray]]:
    """The (left, right) pairs L and R stack, asking blocks tiered and mirrored, and per
    column its group, whether it may propose, its potential, role, block and tier (0 for
    a block not tiered)."""
    parts: list[tuple[Matrix, Matrix]] = []
    groups: list[IntArray] = []
    generate: list[BoolArray] = []
    potential: list[FloatArray] = []
    role: list[IntArray] = []
    owner: list[IntArray] = []
    tier: list[IntArray] = []
    strength = ask_strength(blocks, size)
    next_group = 0
    for number, block in enumerate(blocks):
        left, right = block.left, block.right
        bonus = np.zeros(left.shape[1], dtype=np.float64)
        tiers = 1
        if not block.symmetric and block.generate:
            left, right, bonus = _tiered(left, right, strength)
            tiers = len(_ASKER_TIERS) + 1
        width = left.shape[1]
        ids = np.arange(next_group, next_group + width, dtype=np.int64)
        next_group += width
        copies = [(left, right, _SYMMETRIC)] if block.symmetric else [
            (left, right, _ASKS), (right, left, _MIRROR)]
        for one, other, kind in copies:
            parts.append((one, other))
            groups.append(ids)
            generate.append(np.full(width, block.generate, dtype=np.bool_))
            potential.append(bonus)
            role.append(np.full(width, kind, dtype=np.int64))
            owner.append(np.full(width, number, dtype=np.int64))
            tier.append(np.arange(width, dtype=np.int64) % tiers)  # `_tiered`'s numbering
    return parts, groups, generate, potential, role, owner, tier


class ColumnLayout:
    """The stacked L and R, split into proposing and other columns by the pair budget."""

    def __init__(self, blocks: list[Block], introducible: BoolArray, budget: int) -> None:
        """Stacks `blocks` and empties the list: once stacked, the blocks' own matrices
        (as big as L and R together) are freed before the columns are split, which is
        where building the index peaks (a gigabyte at a million contacts)."""
        size = len(introducible)
        self._kinds = [(block.generate, _one_hot(block)) for block in blocks]
        parts, groups, generate, potential, role, owner, tier = _parts(blocks, size)
        keep = sp.diags_array(introducible.astype(np.float64))
        if parts:
            self.left = sp.csr_array(keep @ sp.hstack([p[0] for p in parts], format="csr"))
            self.right = sp.csr_array(keep @ sp.hstack([p[1] for p in parts], format="csr"))
        else:
            self.left = self.right = sp.csr_array((size, 0), dtype=np.float64)
        blocks.clear()
        parts.clear()
        self.left.eliminate_zeros()
        self.right.eliminate_zeros()
        empty = np.zeros(0, dtype=np.int64)
        self._role = np.concatenate(role) if role else empty
        self._owner = np.concatenate(owner) if owner else empty
        self._tier = np.concatenate(tier) if tier else empty
        self._choose(
            np.concatenate(groups) if groups else empty,
            np.concatenate(generate) if generate else empty.astype(np.bool_),
            np.concatenate(potential) if potential else empty.astype(np.float64),
            budget,
        )
        # The most a non-proposing column holds on either side, negative entries left out
        # (what `_clamped` keeps): per column of `left_other` and `right_other`.
        self._most_left = _column_positive_max(self.left_other)
        self._most_right = _column_positive_max(self.right_other)
        self._bound_parts = self._parts_of_bounds()
        self.bounds = self._bounds(np.arange(len(self.other), dtype=np.int64))

    def _choose(
        self, groups: IntArray, generate: BoolArray, potential: FloatArray, budget: int
    ) -> None:
        """Cheapest per point first, until the budget is spent.

        A column's points are the most it gives one pair, plus, for a tier of
        askers, the weakest asker's whole strength: strong askers make top pairs.
        A column and its mirror share a group: both propose, or neither.
        """
        cost = (column_nnz(self.left) * column_nnz(self.right)).astype(np.float64)
        points = column_max(self.left) * column_max(self.right)
        points = np.where(points > 0, points + potential, 0.0)
        useful = cost > 0
        n_groups = int(groups.max()) + 1 if len(groups) else 0
        group_cost = np.bincount(groups, weights=cost, minlength=n_groups)
        group_points = np.zeros(n_groups, dtype=np.float64)
        np.maximum.at(group_points, groups, points)
        group_generates = np.ones(n_groups, dtype=np.bool_)
        np.logical_and.at(group_generates, groups, generate)
        eligible = np.flatnonzero(group_generates & (group_cost > 0) & (group_points > 0))
        priority = group_cost[eligible] / group_points[eligible]
        ordered = eligible[np.lexsort((eligible, priority))]
        within = ordered[np.cumsum(group_cost[ordered]) <= budget]
        chosen = np.zeros(n_groups, dtype=np.bool_)
        chosen[within] = True
        proposing = useful & chosen[groups]
        self.proposing: IntArray = np.flatnonzero(proposing)
        self.other: IntArray = np.flatnonzero(useful & ~proposing)
        self.left_out = len(eligible) - len(within)
        self.left_other = sp.csr_array(self.left[:, self.other])
        self.right_other = sp.csr_array(self.right[:, self.other])

    def bounds_over(self, among: BoolArray) -> ExcludedBounds:
        """`ExcludedBounds` over the non-proposing columns `among` marks (a column and its
        mirror are worth the same to a pair, so a mark by worth keeps both)."""
        return self._bounds(np.flatnonzero(among))

    def _parts_of_bounds(self) -> list[tuple[int, IntArray, Matrix, Matrix | None]]:
        """What `_bounds` reduces, over every non-proposing column, cut once: the shared
        values' columns of L, then each asking block's columns of L and of R, each part
        with its negative entries dropped and its entries in order (`_clamped`), with
        the block's number (-1 for the shared values) and the part's positions in
        `other`. A search that bounds fewer columns (`bounds_over`) picks them from these
        (a part's columns picked in order keep its entries' order), where each call cut
        `left_other` and `right_other` again, part by part."""
        role, owner = self._role[self.other], self._owner[self.other]
        shared = np.flatnonzero(role == _SYMMETRIC)
        parts: list[tuple[int, IntArray, Matrix, Matrix | None]] = [
            (-1, shared, _clamped(sp.csr_array(self.left_other[:, shared])), None)]
        for number, (generate, _) in enumerate(self._kinds):
            columns = np.flatnonzero((role == _ASKS) & (owner == number))
            if generate and len(columns):
                parts.append((number, columns,
                              _clamped(sp.csr_array(self.left_other[:, columns])),
                              _clamped(sp.csr_array(self.right_other[:, columns]))))
        return parts

    def _bounds(self, among: IntArray) -> ExcludedBounds:
        """`ExcludedBounds` over the non-proposing columns at the positions `among`
        (rising) of `other`, picked from `_bound_parts`."""
        picked = np.zeros(len(self.other), dtype=np.bool_)
        picked[among] = True

        def pick(matrix: Matrix, kept: IntArray, columns: IntArray) -> Matrix:
            return matrix if len(kept) == len(columns) else sp.csr_array(matrix[:, kept])

        shared = np.zeros(self.left.shape[0], dtype=np.float64)
        asks, provides = [], []
        for number, columns, left, right in self._bound_parts:
            kept = np.flatnonzero(picked[columns])
            if number < 0:
                shared = _row_reduce(pick(left, kept, columns), one_hot=False)
                continue
            if not len(kept) or right is None:
                continue
            one_hot = self._kinds[number][1]
            chosen = columns[kept]
            ask = sp.csr_array(pick(left, kept, columns)
                               @ sp.diags_array(self._most_right[chosen]))
            provide = sp.csr_array(pick(right, kept, columns)
                                   @ sp.diags_array(self._most_left[chosen]))
            asks.append(_row_reduce(ask, one_hot))
            provides.append(_row_reduce(provide, one_hot))
        return ExcludedBounds(shared, tuple(asks), tuple(provides))

    def mirrored(self, columns: IntArray) -> BoolArray:
        """Which of `columns` are an asking column's mirror (L holds the providers)."""
        found: BoolArray = self._role[columns] == _MIRROR
        return found

    def kinds(self, columns: IntArray) -> tuple[IntArray, IntArray, IntArray, BoolArray]:
        """Per column of `columns`: its role (shared value, ask, or an ask's mirror, where
        L holds the providers), its part (block and role), its tier of askers, and whether
        a pair gets at most one of a row's columns of that part and tier (an ask against a
        block whose providers hold one column each: one business, one company)."""
        role, owner = self._role[columns], self._owner[columns]
        one_hot = np.array([one for _, one in self._kinds] or [False], dtype=np.bool_)[owner]
        return role, owner * 3 + role, self._tier[columns], one_hot & (role == _ASKS)

    def worth(self) -> FloatArray:
        """The most each non-proposing column can give one pair."""
        return column_max(self.left_other) * column_max(self.right_other)
