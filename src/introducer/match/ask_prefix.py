"""Which of a contact's asks the deeper search must look for partners through: a bound
per pair over the columns a row holds, by part, so a million contacts can be proven.

Over the non-proposing columns a pair never proposed totals
`V = A(i→j) + A(j→i) + S(i, j)`: what i asks that j provides, the other way round, and
the values they share. Whichever way round gives more, say `A(i→j)`, holds at least
half of what the asks give, so a pair that attains the floor F has
`2 A(i→j) + S ≥ F - ledger`, and `A(i→j)` at least `need[i] = (F - shared[i] - ledger[i]) / 2`.
`A(i→j)` sums i's asks that j answers; a row's asks are taken from the costliest per
point (most providers for the least a pair can get from them) while what the taken ones
can give one pair stays below `need[i]`: those are i's *suffix*, and every pair that
can rank is found through the rest, i's *prefix*, multiplied against the providers.

What a set of one row's columns can give one pair is bounded part by part (a block's
asks, its mirror, the shared values), each column at its `cap` (its entry times the
most the other side holds):
- a block whose providers hold one column each (one business): a provider answers at
  most one of the row's asks there, so the part gives its largest cap, not their sum;
- an asking block is split into tiers by the asker's strength, and every asker's asks
  sit in one tier (`columns._tiered`), so the mirror part (the row provides) gives at
  most the largest of its tiers' sums: the partner asks in one tier only.
At a million contacts, floor 59.9: 208,124 contacts can reach it (526,339 by the
per-contact reach), 0.25e9 partial products instead of 36e9, 8.3M pairs to score.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from introducer.match.askers import caps
from introducer.match.columns import (
    ASKS,
    MIRROR,
    SYMMETRIC,
    BoolArray,
    ColumnLayout,
    IntArray,
    column_nnz,
)
from introducer.match.features import FloatArray, Matrix
from introducer.match.pairs import Candidates

# Added to a bound summed in another order than the total it must not fall below.
_ROUNDING = 1e-9


def _segmented(values: FloatArray, new: BoolArray,
               reduce: Callable[[FloatArray, FloatArray], FloatArray]) -> FloatArray:
    """`values` (groups contiguous, `new` marking each group's first) reduced from each
    group's first to each entry, in order: a running sum or maximum that starts again at
    every group, summed one entry after another (no large partial sums to lose bits)."""
    size = len(values)
    out = values.copy()
    if not size:
        return out
    position = np.arange(size, dtype=np.int64)
    depth = position - np.maximum.accumulate(np.where(new, position, 0))
    # Depths are small (a row holds a few dozen entries): a 16-bit radix sort.
    order = np.argsort(depth.astype(np.int16) if depth[-1] < 2**15 and depth.max() < 2**15
                       else depth, kind="stable")
    ends = np.cumsum(np.bincount(depth))
    for start, stop in itertools.pairwise(ends):  # depth 1, 2, ...
        at = order[start:stop]
        out[at] = reduce(out[at - 1], values[at])
    return out


def _grouped(key: IntArray, values: FloatArray,
             reduce: Callable[[FloatArray, FloatArray], FloatArray]) -> FloatArray:
    """`values` (in processing order) reduced within each group of equal `key` from its
    first entry to each entry, in processing order."""
    order = np.argsort(key, kind="stable")  # nearly sorted already: rows come in order
    sorted_key = key[order]
    new = np.r_[True, sorted_key[1:] != sorted_key[:-1]]
    out = np.empty(len(values), dtype=np.float64)
    out[order] = _segmented(values[order], new, reduce)
    return out


def running_bounds(row: IntArray, cap: FloatArray, part: IntArray, tier: IntArray,
                   at_most_one: BoolArray) -> FloatArray:
    """Per entry, in the order given (each row's entries together, in the order they are
    taken): the most a pair can get from its row's entries taken so far, part by part
    (the module's rules: the largest cap where a partner holds one column of the part,
    the largest tier's sum of caps, the parts summed)."""
    if not len(row):
        return np.zeros(0, dtype=np.float64)
    parts, tiers = int(part.max()) + 1, int(tier.max()) + 1
    in_part = row * parts + part
    in_tier = in_part * tiers + tier
    # Each (row, part, tier) so far: its caps summed, or their largest.
    by_tier = np.where(at_most_one, _grouped(in_tier, cap, np.maximum),
                       _grouped(in_tier, cap, np.add))
    # Each (row, part) so far: its largest tier (tiers only grow, so a running maximum).
    by_part = _grouped(in_part, by_tier, np.maximum)
    # What each entry adds to its part's figure, summed along the row.
    order = np.argsort(in_part, kind="stable")
    sorted_key = in_part[order]
    before = np.zeros(len(row), dtype=np.float64)
    before[order[1:]] = np.where(sorted_key[1:] == sorted_key[:-1], by_part[order][:-1], 0.0)
    rises = by_part - before
    new_row = np.r_[True, row[1:] != row[:-1]]
    return _segmented(rises, new_row, np.add)


@dataclass(frozen=True, slots=True)
class Prefixes:
    """Per entry of the asks matrix (in its order), whether it is in its row's prefix;
    per row, what its suffix can give a pair at most."""

    kept: BoolArray
    suffix: FloatArray


def prefixes(row: IntArray, cost: FloatArray, cap: FloatArray, part: IntArray,
             tier: IntArray, at_most_one: BoolArray, need: FloatArray) -> Prefixes:
    """Each row's suffix: its entries from the most providers per point of cap down, as
    long as what they give one pair stays below the row's `need`; the rest is the prefix
    (entries in the matrix's order, `row` sorted)."""
    size = len(need)
    if not len(row):
        return Prefixes(np.zeros(0, dtype=np.bool_), np.zeros(size, dtype=np.float64))
    per_point = np.divide(cost, cap, out=np.full(len(cap), np.inf), where=cap > 0)
    order = np.lexsort((-per_point, row))
    bound = running_bounds(row[order], cap[order], part[order], tier[order],
                           at_most_one[order])
    # Running bounds only grow along a row, so the suffix is a leading run of it.
    below = bound < need[row[order]]
    suffix = np.zeros(size, dtype=np.float64)
    np.maximum.at(suffix, row[order][below], bound[below])
    kept = np.empty(len(row), dtype=np.bool_)
    kept[order] = ~below
    return Prefixes(kept, suffix)


def row_bounds(row: IntArray, cap: FloatArray, part: IntArray, tier: IntArray,
               at_most_one: BoolArray, size: int) -> FloatArray:
    """Per row, the most all its entries can give one pair (`running_bounds`' last figure
    of each row, by reductions over groups instead of running ones)."""
    out = np.zeros(size, dtype=np.float64)
    if not len(row):
        return out
    parts, tiers = int(part.max()) + 1, int(tier.max()) + 1
    in_part = row * parts + part
    key = in_part * tiers + tier
    order = np.argsort(key, kind="stable")  # nearly sorted already: rows come in order
    key, in_part, ordered = key[order], in_part[order], cap[order]
    starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
    largest = np.maximum.reduceat(ordered, starts)
    summed = np.add.reduceat(ordered, starts)
    by_tier = np.where(at_most_one[order][starts], largest, summed)
    group = in_part[starts]
    firsts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
    by_part = np.maximum.reduceat(by_tier, firsts)
    out += np.bincount(group[firsts] // parts, weights=by_part, minlength=size)
    return out


@dataclass(frozen=True, slots=True)
class Figures:
    """Per contact, the most a pair of theirs gets from the non-proposing columns: from
    the values shared, from their asks, from what they provide; the asks matrix (only
    positive entries, the asking columns) and the providers of those columns."""

    shared: FloatArray
    asks: FloatArray
    provides: FloatArray
    asking: Matrix
    providers: Matrix
    cap: FloatArray  # per entry of `asking`
    part: IntArray
    tier: IntArray
    at_most_one: BoolArray


def figures(layout: ColumnLayout, rows: BoolArray) -> Figures:
    """`Figures` over the non-proposing columns, among the contacts `rows` marks (their
    partners too: a cap is the most the column gives a pair of two of them)."""
    size = len(rows)
    chosen = np.flatnonzero(rows)
    left = sp.csr_array(layout.left_other[chosen])  # only their rows: half the book or less
    right = sp.csr_array(layout.right_other[chosen])
    left.eliminate_zeros()
    right.eliminate_zeros()
    role, part, tier, one = layout.kinds(layout.other)
    cap = caps(left, right)
    row = np.repeat(np.arange(len(chosen), dtype=np.int64), np.diff(left.indptr))
    column = left.indices
    out = []
    for kind in (SYMMETRIC, ASKS, MIRROR):
        at = np.flatnonzero(role[column] == kind)
        figure = np.zeros(size, dtype=np.float64)
        figure[chosen] = row_bounds(row[at], cap[at], part[column[at]], tier[column[at]],
                                    one[column[at]], len(chosen))
        out.append(figure)
    del row, column, cap  # before the asks are copied out: the peak is here
    asked = np.flatnonzero(role == ASKS)
    asking = _spread(sp.csr_array(left[:, asked].maximum(0)), chosen, size)
    providers = _spread(sp.csr_array(right[:, asked].maximum(0)), chosen, size)
    entry = asking.indices
    return Figures(out[0], out[1], out[2], asking, providers, caps(asking, providers),
                   part[asked][entry], tier[asked][entry], one[asked][entry])


def _spread(matrix: Matrix, chosen: IntArray, size: int) -> Matrix:
    """`matrix`, whose rows are the book's rows `chosen` (in order), as `size` rows."""
    matrix.eliminate_zeros()
    counts = np.zeros(size, dtype=np.int64)
    counts[chosen] = np.diff(matrix.indptr)
    indptr = np.zeros(size + 1, dtype=np.int64)
    np.cumsum(counts, out=indptr[1:])
    return sp.csr_array((matrix.data, matrix.indices, indptr), shape=(size, matrix.shape[1]))


@dataclass(frozen=True, slots=True)
class Plan:
    """The products the deeper search makes at floor F, and how it bounds their pairs."""

    floor: float
    figures: Figures
    suffix: FloatArray  # per contact: the most its asks left out of the prefix give a pair
    ledger: FloatArray  # per contact: the most its ledger points add to a pair
    prefix: Matrix  # the asks through which partners are looked for
    # Partial products of prefix x providers; infinite when a pair could attain F without
    # an ask (the shared values and the ledger alone): then asks cannot find every pair.
    products: float
    # The most a pair of two able contacts found by neither side, or of someone unable,
    # totals: below F, as every pair whose bound the search drops.
    missed: float

    def bound(self, found: Candidates, asker_first: bool) -> FloatArray:
        """The most each pair found (its points from the asker's prefix) can total when
        the asker's asks give the pair at least as much as the other's: pairs the
        other way round are found and bounded from the other side."""
        one, other = (found.first, found.second) if asker_first else (found.second,
                                                                        found.first)
        shown = self.figures
        asked = np.minimum(np.minimum(found.total + self.suffix[one], shown.provides[other]),
                           shown.asks[one])
        back = np.minimum(shown.asks[other], shown.provides[one])
        best: FloatArray = (np.minimum(2 * asked, asked + back)
                            + np.minimum(shown.shared[one], shown.shared[other])
                            + self.ledger[one] + self.ledger[other] + _ROUNDING)
        return best


def plan(layout: ColumnLayout, introducible: BoolArray, ledger_most: FloatArray,
         floor: float) -> Plan:
    """The pairs that can attain `floor` among those the proposing columns never connect:
    every one of them is found through one contact's prefix (module notes)."""
    partner = max(float(ledger_most.max(initial=0.0)), 0.0)
    extra = ledger_most + partner
    # The per-contact reach first (`ExcludedBounds.per_contact`, looser but cheap).
    reaching = introducible & (layout.bounds.per_contact() + extra + _ROUNDING >= floor)
    whole = figures(layout, reaching)
    most = whole.shared + whole.asks + whole.provides + extra + _ROUNDING
    able = reaching & (most >= floor)
    unable = np.r_[most[reaching & ~able],
                   (layout.bounds.per_contact() + extra)[introducible & ~reaching]]
    shown = figures(layout, able)
    need = (floor - _ROUNDING - shown.shared - extra) / 2
    asking = shown.asking
    row = np.repeat(np.arange(len(able), dtype=np.int64), np.diff(asking.indptr))
    cost = column_nnz(shown.providers)[asking.indices].astype(np.float64)
    cut = prefixes(row, cost, shown.cap, shown.part, shown.tier, shown.at_most_one, need)
    prefix = sp.csr_array((np.where(cut.kept, asking.data, 0.0), asking.indices.copy(),
                           asking.indptr.copy()), shape=asking.shape)
    prefix.eliminate_zeros()
    # A pair of two able contacts found by neither: the asks that give it more are all in
    # a suffix, so it totals at most 2 suffix + shared + ledger, below F by `need`.
    missed = 2 * cut.suffix + shown.shared + extra + _ROUNDING
    unreached = max(float(missed[able].max(initial=-np.inf)),
                    float(unable.max(initial=-np.inf)))
    products = float(np.dot(column_nnz(prefix), column_nnz(shown.providers)))
    if not unreached < floor:  # someone's shared values and ledger attain F without an ask
        products = np.inf
    return Plan(floor, shown, cut.suffix, ledger_most, prefix, products, unreached)
