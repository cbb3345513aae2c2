"""Candidate pairs from an inverted index over normalised values, with exact totals.

Candidates are the non-zero entries of the upper triangle of `L Rᵀ` over the
proposing columns (`columns.py`), computed in row blocks so memory stays
bounded; no loop visits every pair. Every candidate's total is then made exact:
the non-proposing columns are added by row-wise dot products, competitors lose
the same-business penalty and their shared-event points, and the ledger's
per-person points are applied (`PreparedBook.penalty` always, `bonus` only to a
pair whose book-based total is above zero).

A column (a value, an event, an ask) held by many contacts would put a huge
number of pairs through the product, so in a big book the costliest columns per
point do not *propose* pairs. Nothing is missed for that: a pair that shares only
such columns totals at most min(reach_i, reach_j) (`ExcludedBounds.per_contact`,
plus the ledger's most), so every candidate list carries `unreached`, the most
any pair it never looked at can total. When that bound could still beat the
ranking's answer, `candidates(reach=m)` also searches every pair among the m
contacts of highest reach over all columns, in row blocks (the bound of a pair
with anyone else is then the (m+1)-th highest reach), and the ranking widens m
until the bound is beaten (MaxScore, per contact). A book where every value is
common (all contacts hold the same few) is then searched exhaustively, in
bounded memory; one where the common values are worth little stops early.

When the search by reach would have to take in more contacts than
`REACH_PAIR_LIMIT` pairs allow (minutes of products), `deeper` splits the
non-proposing columns themselves (MaxScore: the valuable ones multiplied out, the
rest bounded per contact), which proves the synthetic 100k book's top 50. Where
that too would cost more than `DEEP_PRODUCT_LIMIT`, `unreached` still bounds what
was left out, and the ranking says its list is approximate (`Matchmaker.approximate`).
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable, Iterator

import numpy as np
import scipy.sparse as sp

from introducer.match import ask_prefix, askers, forked
from introducer.match.columns import (
    BoolArray,
    ColumnLayout,
    IntArray,
    column_nnz,
)
from introducer.match.features import Block, FloatArray, Matrix, incidence
from introducer.match.history import SHARES_SOMETHING
from introducer.match.pairs import Candidates, Shortlist, joined, leading, no_candidates
from introducer.match.prepare import feature_blocks_of
from introducer.match.profile import PreparedBook

# Partial products L Rᵀ may take, per contact, with a floor and a cap: under a
# second's work at 10k contacts, a few seconds at 100k. On the synthetic books
# (benchmarks/) the top 50 is the exhaustive search's at 10k; at 100k the deeper search
# (`PairIndex.deeper`) makes it so.
PAIR_BUDGET_PER_CONTACT = 800
PAIR_BUDGET_RANGE = (4_000_000, 100_000_000)
_BLOCK_PRODUCTS = 1_000_000  # partial products per row block of L Rᵀ
_COLUMN_PIECES = 8  # column pieces of L Rᵀ: a row block computes those right of its first row
_ROWDOT_CHUNK = 400_000  # candidate pairs per chunk of row-wise dot products
# Pairs a search by reach may come to (about ten seconds of products on 2 cores): 20k
# contacts who all hold the same few values.
REACH_PAIR_LIMIT = 250_000_000
# The deeper search (`PairIndex.deeper`): the worth to one pair from which a
# non-proposing column is searched through its holders, tried from the top until the
# rest can no longer make a pair rank, and the partial products it may spend.
_DEEP_WORTH = (16.0, 8.0, 4.0, 2.0, 1.0, 0.5, 0.25, 0.0)
DEEP_PRODUCT_LIMIT = 1_000_000_000
# Added to a bound summed in another order than the one it must not fall below: totals are
# at most a few thousand points, where float64 rounds at 1e-12.
_ROUNDING = 1e-9


# Rows of `rough_partners` kept for another look (the ranking reads a person's row again
# for `--for` and the runners-up beside their answers): each holds nearly the whole book
# for a well-connected person, so keeping every row asked for grew with the book times
# the list (75 MB at 100k contacts, the top 50).
_ROUGH_KEPT = 4


# Acquainted pairs listed up front, at most (about 8 bytes each while ranking).
ACQUAINTED_PAIRS_LISTED = 5_000_000
# Blocks whose points competitors do not get (see `score.PairScorer._book_reasons`).
CONTESTED_BLOCKS = frozenset({"shared_clients", "shared_referral_sources", "same_trigger_event"})


def default_pair_budget(size: int) -> int:
    """Partial products the candidate search may spend: grows with the book, within limits."""
    low, high = PAIR_BUDGET_RANGE
    return min(max(low, PAIR_BUDGET_PER_CONTACT * size), high)


def _upper_pairs(rows: Matrix, first_row: int, piece: Matrix, first_column: int) -> Candidates:
    """The pairs i < j of `rows @ piece` (rows from `first_row`, columns from `first_column`
    of the whole product)."""
    block = sp.csr_array(rows @ piece)
    # The entries row by row, as `coo_array` lists them, without building one.
    first = np.repeat(np.arange(first_row, first_row + block.shape[0], dtype=np.int64),
                      np.diff(block.indptr))
    second = block.indices.astype(np.int64) + first_column
    upper = np.flatnonzero(second > first)
    return Candidates(first[upper], second[upper], block.data[upper].astype(np.float64))


def _among(values: IntArray, keys: IntArray) -> BoolArray:
    """Which `values` are in `keys` (sorted): a binary search each, quicker than np.isin's
    sort when the values come nearly in order, as pairs from a row block do."""
    if not len(keys):
        return np.zeros(len(values), dtype=np.bool_)
    found = np.searchsorted(keys, values)
    held: BoolArray = keys[np.minimum(found, len(keys) - 1)] == values
    return held


Pieces = list[tuple[int, Matrix]]


def _pieces(right: Matrix) -> Pieces:
    """Rᵀ cut by column (by the row of R), so a row block skips the pairs below the
    diagonal: each piece with the first row of R it holds."""
    size = right.shape[0]
    edges = np.linspace(0, size, _COLUMN_PIECES + 1).astype(np.int64)
    return [(int(low), sp.csr_array(right[low:high].T.tocsr()))
            for low, high in itertools.pairwise(edges) if high > low]


def _row_blocks(left: Matrix, right: Matrix) -> list[tuple[int, int]]:
    """The rows of `left` cut in blocks of about `_BLOCK_PRODUCTS` partial products of
    `left @ rightᵀ` each (at least one row)."""
    size = left.shape[0]
    per_row = np.diff(left.indptr)
    owner = np.repeat(np.arange(size, dtype=np.int64), per_row)
    products = np.bincount(owner, weights=column_nnz(right)[left.indices], minlength=size)
    reached = np.cumsum(products)
    blocks = []
    start = 0
    while start < size:
        goal = reached[start] - products[start] + _BLOCK_PRODUCTS
        stop = int(min(size, max(start + 1, np.searchsorted(reached, goal))))
        blocks.append((start, stop))
        start = stop
    return blocks


def _block_pairs(left: Matrix, pieces: Pieces, start: int, stop: int) -> Candidates | None:
    """The pairs i < j of rows `start:stop` that `left @ rightᵀ` connects, with their
    products; None when no pair of these rows is above the diagonal."""
    rows = left[start:stop]
    parts = [_upper_pairs(rows, start, piece, low)
             for low, piece in pieces if low + piece.shape[1] > start + 1]
    return joined(parts) if parts else None


def _product_blocks(left: Matrix, right: Matrix) -> Iterator[Candidates]:
    """The pairs i < j that `left @ rightᵀ` connects, with their products, in row blocks of
    about `_BLOCK_PRODUCTS` partial products: memory bounded whatever the pairs number."""
    pieces = _pieces(right)
    for start, stop in _row_blocks(left, right):
        found = _block_pairs(left, pieces, start, stop)
        if found is not None:
            yield found


# The parent's share of a pass's row blocks by the work they hold, and the fewest blocks a
# child must be expected to take for a fork to pay (about 0.2 s of products: below,
# forking and reading back cost more than they save). How many it takes is decided as
# they go (`forked.Meeting`).
_PARENT_SHARE = 0.45
_ASIDE_BLOCKS = 16
# The blocks the child leaves to the parent where they meet: it writes what it kept while
# the parent multiplies them (a block takes 20-40 ms at 100k, writing 50-100).
_CHILD_MARGIN = 2


# One row block of a product: the left matrix, the pieces of the right one, the rows.
Job = tuple[Matrix, Pieces, int, int]


def _parent_share(jobs: list[Job], size: int) -> int:
    """How many of the first `jobs` the parent would multiply at `_PARENT_SHARE`: each
    block's work is about its products times the share of the columns right of its first
    row."""
    work = np.array([size - start for _, _, start, _ in jobs], dtype=np.float64)
    done = np.cumsum(work)
    return int(np.searchsorted(done, _PARENT_SHARE * done[-1])) + 1 if len(jobs) else 0


# What the child keeps of a block: per pair, whether its bound attains the figure given (the
# list's floor, as far as the child knows it), and the most those it drops reach.
Sift = Callable[[Candidates, float], tuple[BoolArray, float]]


def _sifted(jobs: list[Job], sift: Sift, lowest: float, meeting: forked.Meeting
            ) -> forked.Arrays:
    """The child's part: from the last of `jobs` back until it meets the parent, each
    block's pairs that `sift` keeps at the list's floor as the parent last published it
    (`lowest` at least), and the most the others reach (-1 pairs for a block with none
    above the diagonal); in block order, after the number of the first and the highest
    floor sifted at."""
    taken: list[tuple[int, IntArray, IntArray, FloatArray, float]] = []
    if lowest == -np.inf:
        meeting.wait_for_floor()  # else it would keep every pair of its first blocks
    highest = lowest
    number = len(jobs) - 1
    while number >= 0 and meeting.back(number):
        found = _block_pairs(*jobs[number])
        if found is None:
            taken.append((-1, np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0),
                          -np.inf))
        else:
            highest = max(highest, meeting.floor)
            kept, most = sift(found, highest)
            taken.append((int(kept.sum()), found.first[kept], found.second[kept],
                          found.total[kept], most))
        number -= 1
    taken.reverse()
    empty = [np.zeros(0, np.int64)]
    return [np.array([number + 1], dtype=np.int64),
            np.array([size for size, *_ in taken], dtype=np.int64),
            np.concatenate([first for _, first, *_ in taken] or empty),
            np.concatenate([second for _, _, second, *_ in taken] or empty),
            np.concatenate([total for *_, total, _ in taken] or [np.zeros(0)]),
            np.array([most for *_, most in taken] + [highest], dtype=np.float64)]


def _shared(jobs: list[Job], sift: Sift, lowest: float, size: int
            ) -> tuple[forked.Aside, forked.Meeting] | None:
    """A child taking `jobs` from the last (`_sifted`) and the meeting it shares with the
    parent; None (one process) when it would not get enough of them, or no core is idle."""
    if len(jobs) - _parent_share(jobs, size) < _ASIDE_BLOCKS:
        return None
    try:
        meeting = forked.Meeting(len(jobs), _CHILD_MARGIN)
    except OSError:  # no file for the lock, or no fork on this system
        return None
    child = forked.aside(lambda: _sifted(jobs, sift, lowest, meeting))
    if child is None:
        meeting.close()
        return None
    return child, meeting


@dataclasses.dataclass(frozen=True, slots=True)
class _Sifted:
    """What the child kept of each of its blocks (`_sifted`), read back."""

    start: int  # the number of the child's first block
    highest: float  # the highest floor it sifted at
    sizes: IntArray
    ends: IntArray
    found: Candidates
    dropped: FloatArray

    @staticmethod
    def of(arrays: forked.Arrays | None, blocks: int) -> _Sifted | None:
        """The child's arrays for the last of `blocks` blocks, or None if they are not
        what it writes."""
        if arrays is None or len(arrays) != 6:
            return None
        kinds = (np.int64, np.int64, np.int64, np.int64, np.float64, np.float64)
        if any(array.dtype != kind or array.ndim != 1 for array, kind in zip(arrays, kinds,
                                                                             strict=True)):
            return None
        start, sizes, first, second = (array.astype(np.int64, copy=False)
                                       for array in arrays[:4])
        total, dropped = (array.astype(np.float64, copy=False) for array in arrays[4:])
        held = int(np.maximum(sizes, 0).sum())
        if not (len(start) == 1 and 0 <= int(start[0]) <= blocks
                and len(sizes) + 1 == len(dropped) == blocks - int(start[0]) + 1
                and len(first) == len(second) == len(total) == held):
            return None
        return _Sifted(int(start[0]), float(dropped[-1]), sizes,
                       np.cumsum(np.maximum(sizes, 0)), Candidates(first, second, total),
                       dropped[:-1])

    def block(self, number: int, shortlist: Shortlist) -> Candidates | None:
        """Block `number`'s kept pairs (None if it had none above the diagonal), the most
        the others reached recorded in the shortlist's ceiling as scoring would have."""
        number -= self.start
        if self.sizes[number] < 0:
            return None
        shortlist.drop(self.dropped[number:number + 1])
        end = int(self.ends[number])
        start = end - int(self.sizes[number])
        found = self.found
        return Candidates(found.first[start:end], found.second[start:end],
                          found.total[start:end])


def row_dot(left: Matrix, right: Matrix, first: IntArray, second: IntArray) -> FloatArray:
    """`left[first[k]] · right[second[k]]` for every k, in chunks to bound memory."""
    out = np.zeros(len(first), dtype=np.float64)
    if left.shape[1] == 0 or left.nnz == 0 or right.nnz == 0:
        return out
    for start in range(0, len(first), _ROWDOT_CHUNK):
        stop = start + _ROWDOT_CHUNK
        product = left[first[start:stop]].multiply(right[second[start:stop]])
        out[start:stop] = np.asarray(product.sum(axis=1), dtype=np.float64).ravel()
    return out


def _contested(blocks: list[Block]) -> tuple[Matrix, Matrix] | None:
    """The blocks competitors do not get the points of, stacked: what two competitors
    share is the market they compete for, not a reason to meet."""
    contested = [b for b in blocks if b.name in CONTESTED_BLOCKS]
    if not contested:
        return None
    return (sp.csr_array(sp.hstack([b.left for b in contested])),
            sp.csr_array(sp.hstack([b.right for b in contested])))


class PairIndex:
    """All feature columns of a book, ready to propose candidate pairs with exact totals."""

    def __init__(self, prepared: PreparedBook, *, pair_budget: int | None = None) -> None:
        self.prepared = prepared
        self.size = len(prepared.profiles)
        self.introducible: BoolArray = np.array(
            [p.contact.introduce for p in prepared.profiles], dtype=np.bool_
        )
        blocks = feature_blocks_of(prepared)
        self._contested = _contested(blocks)
        budget = default_pair_budget(self.size) if pair_budget is None else pair_budget
        self.layout = ColumnLayout(blocks, self.introducible, budget)  # empties `blocks`
        self._business = np.array(
            [prepared.matcher.column.get(p.business or "", -1) for p in prepared.profiles],
            dtype=np.int64,
        )
        self._competing_keys = self._competing_businesses()
        self._avoided_keys = np.array(
            sorted(a * self.size + b for a, b in prepared.avoided), dtype=np.int64
        )
        avoiding: dict[int, list[int]] = {}
        for a, b in prepared.avoided:
            avoiding.setdefault(a, []).append(b)
            avoiding.setdefault(b, []).append(a)
        # Whom each person must never be paired with: a row of partners checks only its own.
        self._avoided_with = {person: np.array(sorted(others), dtype=np.int64)
                              for person, others in avoiding.items()}
        self._right_t: Matrix | None = None
        self._no_split_at = np.nan  # the floor at which no split by worth fits, once tried
        self._rough: dict[int, Candidates] = {}
        bonus, penalty, vouch = _ledger_terms(prepared)
        self._has_ledger = bool(penalty.any() or bonus.any() or vouch.any())
        # Per person, the most their ledger points can add to a pair of theirs (the bonus and
        # vouching may or may not apply, so they count; the penalty always does): all zeros
        # without a ledger.
        self._ledger_most = bonus + np.maximum(vouch, 0.0) - penalty
        acquaintance = prepared.acquaintance
        # Acquainted pairs as sorted keys when there are few enough (the usual case:
        # acquainted groups are small), else group columns compared pair by pair.
        listed = acquaintance.pairs(ACQUAINTED_PAIRS_LISTED)
        self._groups: Matrix | None = None
        if listed is None:
            listed = acquaintance.known
            groups = sorted(acquaintance.groups)
            self._groups = incidence(groups, acquaintance.member_of) if groups else None
        self._known_keys = np.array(sorted(a * self.size + b for a, b in listed),
                                    dtype=np.int64)
        # The most the non-proposing columns can add to a pair of each contact's.
        self._most = self.layout.bounds.per_contact()
        self._strongest, self._reach = self._by_reach()

    def _by_reach(self) -> tuple[IntArray, FloatArray]:
        """Contacts whose pairs the non-proposing columns can make worth anything, by
        falling reach: the most those columns and their ledger points can add to a pair
        of theirs, counting the best ledger points any partner could bring."""
        most = self._most
        reaching = np.flatnonzero(self.introducible & (most > 0))
        reach = most[reaching]
        if self._has_ledger and len(reaching):
            ledger = self._ledger_most[reaching]
            reach = reach + ledger + ledger.max()
        order = np.argsort(-reach, kind="stable")
        return reaching[order], reach[order]

    @property
    def reachable(self) -> int:
        """How many contacts a search by reach may take in: all who could make a pair from
        the non-proposing columns, or as many as `REACH_PAIR_LIMIT` pairs allow."""
        most = int((1 + np.sqrt(1 + 8 * REACH_PAIR_LIMIT)) // 2)
        return min(len(self._strongest), most)

    @property
    def could_reach(self) -> int:
        """How many contacts could make a pair from the non-proposing columns alone."""
        return len(self._strongest)

    def unreached_at(self, reach: int) -> float:
        """The most a pair never proposed totals when the `reach` strongest are searched:
        one of its contacts is outside them (or it is the second strongest's best)."""
        beyond = max(reach, 1)
        return float(self._reach[beyond]) if len(self._reach) > beyond else -np.inf

    def _competing_businesses(self) -> IntArray:
        """Keys (b1 * B + b2) of distinct businesses that share a canonical profession."""
        matcher = self.prepared.matcher
        width = len(matcher.keys)
        by_profession: dict[str, list[int]] = {}
        for column, key in enumerate(matcher.keys):
            for profession in matcher.professions(key):
                by_profession.setdefault(profession, []).append(column)
        keys: set[int] = set()
        for columns in by_profession.values():
            keys.update(a * width + b for a in columns for b in columns if a != b)
        return np.array(sorted(keys), dtype=np.int64)

    def candidates(self, keep: int | None = None, *, reach: int = 0,
                   after: Candidates | None = None) -> Candidates:
        """Pairs the proposing columns connect, and every pair among the `reach` contacts
        of highest reach, minus exclusions, with exact totals.

        With `keep`, only the `keep` best are returned; `ceiling` bounds the rest, and
        `unreached` every pair neither search looked at. `after` is an earlier result for
        the same `keep` and a smaller reach: its pairs and its ceiling stand, so only the
        wider search by reach is run again, not the whole pass over the proposing columns.
        """
        shortlist = Shortlist(keep)
        if after is None:
            self._first_pass(shortlist)
        else:
            shortlist.ceiling = after.ceiling
            shortlist.add(dataclasses.replace(after, unreached=-np.inf))
        if reach > 0:
            shortlist.overlapping = True
            strongest = np.sort(self._strongest[:reach])
            layout = self.layout
            for found in _product_blocks(layout.left[strongest], layout.right[strongest]):
                found = Candidates(strongest[found.first], strongest[found.second], found.total)
                self._score_into(shortlist, found, self._ledger_bound, self._complete)
        found = shortlist.result()
        return dataclasses.replace(found, unreached=self.unreached_at(reach))

    def deeper(self, keep: int, after: Candidates, least: float = -np.inf) -> Candidates:
        """`after` (the `keep` best the proposing columns found, `unreached` too loose to
        prove them) completed by the pairs it could not see: MaxScore over the
        non-proposing columns themselves.

        A pair never proposed totals at most min(reach_i, reach_j) and shares no
        proposing column, so only contacts whose reach attains `after`'s floor F (at
        least 0: no pair at 0 or less is ever suggested) can make one that ranks. Its
        total is what the valuable non-proposing columns give it plus what the others
        can (their own reach, `rest`); the valuable ones are taken from the most a column
        gives one pair down, until at most one contact's `rest` passes F. Their pairs
        among those contacts are found by products in row blocks, pruned by that bound,
        and scored exactly; `unreached` bounds every pair left unseen. Returns `after`
        unchanged when no split fits in `DEEP_PRODUCT_LIMIT`.

        When none does (a million contacts) and the ranking names the `least` total it
        needs proven (its list's last pick), the search by asks (`ask_prefix.py`) finds
        every pair that attains the larger of F and `least`.
        """
        if len(after) < keep or not len(self._strongest):
            return after
        # Pairs at 0 or less are never suggested, whatever the list's own floor.
        floor = max(float(after.total.min()), 0.0)
        # No split fits at this floor (the ranking asks again with a `least`): say so at once.
        found = (None if self._no_split_at == floor
                 else self._deeper_by_worth(keep, after, floor))
        if found is None:
            self._no_split_at = floor
        if found is None and least > -np.inf:
            found = self._deeper_by_asks(keep, after, max(floor, least))
        return after if found is None else found

    def _deeper_by_worth(self, keep: int, after: Candidates, floor: float
                         ) -> Candidates | None:
        """`deeper` by splitting the non-proposing columns by worth; None when no split
        fits in `DEEP_PRODUCT_LIMIT`."""
        layout = self.layout
        ledger = np.zeros(self.size)
        if self._has_ledger:
            ledger = self._ledger_most + max(float(self._ledger_most.max()), 0.0)
        reach = layout.bounds.per_contact() + ledger
        able = self.introducible & (reach >= floor)
        worth = layout.worth()
        for least in _DEEP_WORTH:
            valuable = worth >= least
            others = layout.bounds_over(~valuable)
            rest = others.per_contact() + ledger
            rest[~self.introducible] = -np.inf
            if np.sum(rest > floor) <= 1:
                break
        else:
            return None
        columns = layout.other[valuable]
        rows = sp.diags_array(able.astype(np.float64))
        left = sp.csr_array(rows @ layout.left[:, columns])
        right = sp.csr_array(rows @ layout.right[:, columns])
        left.eliminate_zeros()
        right.eliminate_zeros()
        shortlist = Shortlist(keep)
        shortlist.overlapping = True
        shortlist.ceiling = after.ceiling
        shortlist.add(dataclasses.replace(after, unreached=-np.inf))

        def ledger_extra(found: Candidates) -> FloatArray:
            # The most the pair's ledger points can add.
            extra: FloatArray = (self._ledger_most[found.first] + self._ledger_most[found.second]
                                 if self._has_ledger else np.zeros(len(found)))
            return extra

        def first_bound(found: Candidates, extra: FloatArray) -> FloatArray:
            # The contacts' whole `rest`, with the most their ledger points can add.
            best: FloatArray = (found.total + np.minimum(rest[found.first], rest[found.second])
                                + extra)
            return best

        def bound(found: Candidates) -> FloatArray:
            # Pairs the proposing columns also connect were scored in `after`: this bound
            # need not hold for them, and dropping them here loses nothing. First the
            # contacts' whole `rest`; where that still reaches the floor, the other
            # columns' bound pair by pair (min(ask_i, provide_j) per block), tighter.
            first, second = found.first, found.second
            extra = ledger_extra(found)
            best = first_bound(found, extra)
            hopeful = np.flatnonzero(best >= shortlist.floor)
            best[hopeful] = (found.total[hopeful] + others(first[hopeful], second[hopeful])
                             + extra[hopeful])
            return best

        def exact(found: Candidates) -> Candidates:
            return self._complete(Candidates(found.first, found.second, row_dot(
                layout.left, layout.right, found.first, found.second)))

        # MaxScore by the asking side (`askers.py`): only pairs that can attain the floor
        # F through these columns are multiplied out; the others total below F.
        extra_most = self._ledger_most  # zeros without a ledger
        top_extra = float(extra_most[able].max()) if self._has_ledger and able.any() else 0.0
        beyond = rest + extra_most + top_extra
        split = askers.sides(left, right, layout.mirrored(columns), able,
                             floor - beyond - _ROUNDING, beyond + _ROUNDING)
        products = split.products(left, right)
        if sum(float(np.dot(column_nnz(one), column_nnz(other)))
               for one, other in products) > DEEP_PRODUCT_LIMIT:
            return None
        shortlist.drop(np.array([split.left_out]))
        jobs = [(one, pieces, start, stop) for one, other in products
                for pieces in [_pieces(other)] for start, stop in _row_blocks(one, other)]
        lowest = float(after.total.min())  # every floor the list comes to is above it

        def sift(found: Candidates, least: float) -> tuple[BoolArray, float]:
            best = first_bound(found, ledger_extra(found))
            kept = best >= least
            return kept, float(best[~kept].max(initial=-np.inf))

        self._scored_jobs(shortlist, jobs, lowest, sift, lambda found: self._score_into(
            shortlist, found, bound, exact))
        result = shortlist.result()
        # Never looked at: a pair with someone who cannot attain F, or one sharing only
        # the columns below `least` (at most the second highest `rest`).
        outside = np.sort(rest)[-2] if len(rest) > 1 else -np.inf
        unable = reach[self.introducible & ~able]
        unreached = max(float(outside), float(unable.max()) if len(unable) else -np.inf)
        return dataclasses.replace(result, unreached=unreached)

    def _deeper_by_asks(self, keep: int, after: Candidates, floor: float) -> Candidates | None:
        """`after` completed by every pair the proposing columns never connect that attains
        `floor`, found through the asks that give it the more (`ask_prefix.py`); None
        when that would pass `DEEP_PRODUCT_LIMIT` partial products."""
        ledger = self._ledger_most  # zeros without a ledger
        plan = ask_prefix.plan(self.layout, self.introducible, ledger, floor)
        if plan.products > DEEP_PRODUCT_LIMIT:
            return None
        layout = self.layout
        shortlist = Shortlist(keep)
        shortlist.overlapping = True
        shortlist.ceiling = after.ceiling
        shortlist.add(dataclasses.replace(after, unreached=-np.inf))

        def exact(found: Candidates) -> Candidates:
            return self._complete(Candidates(found.first, found.second, row_dot(
                layout.left, layout.right, found.first, found.second)))

        asking, providers = plan.prefix, plan.figures.providers
        for asker_first, left, right in ((True, asking, providers), (False, providers, asking)):
            def bound(found: Candidates, asker_first: bool = asker_first) -> FloatArray:
                # A pair below F is left out whatever the list's floor: -inf drops it (it is
                # counted in `unreached`, below F).
                best = plan.bound(found, asker_first)
                best[best < floor] = -np.inf
                return best

            def sift(found: Candidates, least: float,
                     bound: Callable[[Candidates], FloatArray] = bound
                     ) -> tuple[BoolArray, float]:
                # Those below F are -inf, and those below the list's floor dropped as
                # scoring drops them (F at the least).
                best = bound(found)
                kept = best >= least
                return kept, float(best[~kept].max(initial=-np.inf))

            pieces = _pieces(right)
            jobs = [(left, pieces, start, stop) for start, stop in _row_blocks(left, right)]
            self._scored_jobs(shortlist, jobs, floor, sift,
                              lambda found, bound=bound: self._score_into(  # type: ignore[misc]
                                  shortlist, found, bound, exact))
        # Every pair left out totals below F: never found (`plan.missed`), or its bound
        # below F, or the list's ceiling.
        return dataclasses.replace(shortlist.result(),
                                   unreached=float(np.nextafter(floor, -np.inf)))

    def _first_pass(self, shortlist: Shortlist) -> None:
        """The pairs the proposing columns connect, scored into `shortlist` block by block;
        once the list has a floor, the later blocks are shared with the idle core."""
        layout = self.layout
        left = sp.csr_array(layout.left[:, layout.proposing])
        right = sp.csr_array(layout.right[:, layout.proposing])
        pieces = _pieces(right)
        jobs = [(left, pieces, start, stop) for start, stop in _row_blocks(left, right)]

        # The child is forked before the list has a floor, and waits for the first the
        # parent publishes (`forked.Meeting.wait_for_floor`), which it does as soon as
        # its list is full, in the middle of its first block: where the child used to be
        # forked only once that whole block was scored, a quarter of a second later at
        # 100k contacts, with the other core idle meanwhile.
        meeting: list[forked.Meeting] = []

        def publish() -> None:
            if meeting:
                meeting[0].floor = shortlist.floor

        def score(found: Candidates) -> None:
            self._score_into(shortlist, found, self._upper_bound, self._exact,
                             self._rough_bound, publish)

        done = 0
        # Without a list to fill there is never a floor: no child is worth forking, and
        # every block is scored here.
        while shortlist.keep is None and done < len(jobs):
            found = _block_pairs(*jobs[done])
            if found is not None:
                score(found)
            done += 1
        lowest = shortlist.floor
        # The most a dropped pair's bound is known to reach: the ceiling now, then what the
        # child's blocks drop (the ceiling only grows, so a pair below it changes nothing).
        known = [shortlist.ceiling]

        def sift(found: Candidates, least: float) -> tuple[BoolArray, float]:
            # A pair whose bound is below the floor `least` is dropped whenever it comes: kept
            # are the others; the most the dropped reach is their exact bound's, computed
            # only where the rough one could raise it (as `_hopeful` does).
            rough = self._rough_bound(found)
            hopeful = np.flatnonzero(rough >= least)
            best = self._upper_bound(found.subset(hopeful))
            kept = np.zeros(len(found), dtype=np.bool_)
            kept[hopeful[best >= least]] = True
            most = float(best[best < least].max(initial=-np.inf))
            raising = np.flatnonzero((rough < least) & (rough > max(most, known[0])))
            if len(raising):
                most = max(most, float(self._upper_bound(found.subset(raising)).max()))
            known[0] = max(known[0], most)
            return kept, most

        self._scored_jobs(shortlist, jobs[done:], lowest, sift, score, meeting)

    def _scored_jobs(self, shortlist: Shortlist, jobs: list[Job], lowest: float,
                     sift: Sift, score: Callable[[Candidates], None],
                     meeting: list[forked.Meeting] | None = None) -> None:
        """Every job's pairs through `score`, in order, some of them multiplied on the idle
        core: the child keeps only the pairs `sift` keeps (those whose bound attains the
        list's floor as the parent last published it, `lowest` at least: at most the floor
        by the time they are scored, since it only rises) and the most the others reach,
        which the parent records as scoring would have dropped them. So the list and its
        ceiling are what one process gives, wherever the two met. The meeting, if any, is
        put in `meeting` for `score` to publish the floor as it rises."""
        shared = _shared(jobs, sift, lowest, self.size)
        if shared is not None and meeting is not None:
            meeting.append(shared[1])
        mine = 0  # the blocks done here, from the first
        sifted = None
        try:
            while mine < len(jobs) and (shared is None or shared[1].front(mine)):
                found = _block_pairs(*jobs[mine])
                if found is not None:
                    score(found)
                    if shared is not None:
                        shared[1].floor = shortlist.floor
                mine += 1
            if shared is not None and mine < len(jobs):
                sifted = _Sifted.of(shared[0].result(), len(jobs))
        finally:
            if shared is not None:
                if meeting:
                    meeting.clear()
                shared[0].cancel()
                shared[1].close()
        if sifted is not None and sifted.start != mine:
            sifted = None  # not where the two met: the parent does the rest itself
        for number in range(mine, len(jobs)):
            if sifted is not None and shortlist.floor >= sifted.highest:
                found = sifted.block(number, shortlist)  # what it dropped is recorded
            else:  # the child failed, or the list has no floor yet: the whole block
                found = _block_pairs(*jobs[number])
            if found is not None:
                score(found)

    def exact_blocks(self, floor: FloatArray | None = None) -> Iterator[Candidates]:
        """Every pair `candidates` could return, minus exclusions, with its exact total, one
        row block at a time: per-contact figures over the whole book in bounded memory.

        With `floor` (per contact, read again for each block, so the caller may raise it
        as it goes), a pair whose upper bound is below both its contacts' floors is left
        out before its exact total is computed.
        """
        for found in self._proposed():
            if floor is not None:
                best = self._upper_bound(found)
                found = found.subset((best >= floor[found.first]) | (best >= floor[found.second]))
            yield self._exact(found)

    def _proposed(self) -> Iterator[Candidates]:
        """The pairs the proposing columns connect, with the points of those columns alone."""
        layout = self.layout
        return _product_blocks(sp.csr_array(layout.left[:, layout.proposing]),
                               sp.csr_array(layout.right[:, layout.proposing]))

    def _score_into(
        self,
        shortlist: Shortlist,
        found: Candidates,
        bound: Callable[[Candidates], FloatArray],
        exact: Callable[[Candidates], Candidates],
        rough: Callable[[Candidates], FloatArray] | None = None,
        added: Callable[[], None] | None = None,
    ) -> None:
        """Exact totals for the pairs that could still make the shortlist, likeliest first.

        Pairs are scored in chunks by their upper bound, best first; each chunk raises
        the shortlist's floor, and pairs whose bound falls below it are dropped unscored.
        `rough`, a cheaper and looser bound, drops most of those before `bound` is paid.
        `added` is called after each chunk is added (the floor may have risen).
        """
        if shortlist.keep is None:
            shortlist.add(exact(found))
            return
        chunk = 2 * shortlist.keep + 1  # enough to fill the shortlist and give it a floor
        if rough is not None and shortlist.floor > -np.inf:
            found = self._hopeful(shortlist, found, rough(found), bound)
        best = bound(found)
        remaining = np.arange(len(found), dtype=np.int64)
        while len(remaining):
            hopeless = best[remaining] < shortlist.floor
            shortlist.drop(best[remaining[hopeless]])
            remaining = remaining[~hopeless]
            if len(remaining) > chunk:
                split = np.argpartition(-best[remaining], chunk - 1)
                head, remaining = np.sort(remaining[split[:chunk]]), remaining[split[chunk:]]
            else:
                head, remaining = remaining, remaining[:0]
            shortlist.add(exact(found.subset(head)))
            if added is not None:
                added()

    @staticmethod
    def _hopeful(shortlist: Shortlist, found: Candidates, rough: FloatArray,
                 bound: Callable[[Candidates], FloatArray]) -> Candidates:
        """The pairs whose `rough` bound attains the shortlist's floor. The ceiling is
        raised as `bound` would have raised it: by the exact bound of each pair dropped,
        computed only for those whose rough one could raise it, so the list, its
        ceiling and every later step are what `bound` alone gives."""
        hopeless = rough < shortlist.floor
        raising = np.flatnonzero(hopeless & (rough > shortlist.ceiling))
        if len(raising):
            shortlist.drop(bound(found.subset(raising)))
        return found.subset(~hopeless)

    def _rough_bound(self, found: Candidates) -> FloatArray:
        """At least `_upper_bound`, from per-contact figures alone (two look-ups a pair):
        the non-proposing columns add at most min(most_i, most_j) (`per_contact`), and a
        hair more covers the two sums' different rounding."""
        first, second = found.first, found.second
        best = found.total + np.minimum(self._most[first], self._most[second]) + _ROUNDING
        if self._has_ledger:
            best += self._ledger_most[first] + self._ledger_most[second]
        return best

    def _upper_bound(self, found: Candidates) -> FloatArray:
        """The most each proposed pair's exact total can be."""
        best = found.total + self.layout.bounds(found.first, found.second)
        if self._has_ledger:  # the bonus may or may not apply: count it; the penalty always does
            best += self._ledger_most[found.first] + self._ledger_most[found.second]
        return best

    def _ledger_bound(self, found: Candidates) -> FloatArray:
        """The most pairs whose totals count every column can total with their ledger."""
        if not self._has_ledger:
            return found.total
        return found.total + self._ledger_most[found.first] + self._ledger_most[found.second]

    def _complete(self, found: Candidates) -> Candidates:
        """Pairs with the points of every column, with their exact totals."""
        return self._corrected(self._allowed(found))

    def _exact(self, found: Candidates) -> Candidates:
        """Proposed pairs (points of the proposing columns) with their exact totals."""
        found = self._allowed(found)
        extra = row_dot(self.layout.left_other, self.layout.right_other, found.first, found.second)
        return self._corrected(Candidates(found.first, found.second, found.total + extra))

    def rough_partners(self, focus: int, *, least: float = -np.inf,
                       best: int | None = None) -> Candidates:
        """The pairs including `focus` that share anything, with their points from the
        book's columns alone: those of at least `least`, the `best` leading
        (`pairs.leading`); a cheap order to pick runners-up from."""
        return leading(self._rough_row(focus), least, best)

    def _rough_row(self, focus: int) -> Candidates:
        """Every pair including `focus` that shares anything, with its points from the book's
        columns alone, before `partners` applies the corrections and per-person points;
        the last few kept (`_ROUGH_KEPT`), a cheap order to pick runners-up from."""
        cached = self._rough.get(focus)
        if cached is None:
            layout = self.layout
            if self._right_t is None:
                self._right_t = sp.csr_array(layout.right.T.tocsr())
            row = sp.coo_array(layout.left[[focus]] @ self._right_t)
            others = row.col.astype(np.int64)
            keep = others != focus
            if focus in self._avoided_with:
                keep &= ~np.isin(others, self._avoided_with[focus])
            others = others[keep]
            cached = Candidates(np.minimum(others, focus), np.maximum(others, focus),
                                np.asarray(row.data, dtype=np.float64)[keep])
            if len(self._rough) >= _ROUGH_KEPT:  # the oldest goes: a row costs ~24 B a partner
                del self._rough[next(iter(self._rough))]
            self._rough[focus] = cached
        return cached

    def partners(self, focus: int) -> Candidates:
        """Every pair including `focus` that shares anything at all (exhaustive, exact)."""
        if not self.introducible[focus]:
            return no_candidates()
        return self._corrected(self._rough_row(focus))

    def totals(self, first: IntArray, second: IntArray) -> FloatArray:
        """Exact totals of arbitrary introducible pairs (for tests and checks)."""
        layout = self.layout
        raw = Candidates(first, second, row_dot(layout.left, layout.right, first, second))
        return self._corrected(raw).total

    def allowed(self, first: IntArray, second: IntArray) -> BoolArray:
        """Which pairs (first < second) no avoid list or divorce keeps apart."""
        if len(self._avoided_keys) == 0:
            return np.ones(len(first), dtype=np.bool_)
        return ~_among(first * self.size + second, self._avoided_keys)

    def _allowed(self, found: Candidates) -> Candidates:
        if len(self._avoided_keys) == 0 or len(found) == 0:
            return found
        return found.subset(~_among(found.first * self.size + found.second, self._avoided_keys))

    def _corrected(self, found: Candidates) -> Candidates:
        """Exact totals: competitors, pairs who already know each other, per-person points."""
        return self._with_history(self._acquainted(self._competitors(found)))

    def _acquainted(self, found: Candidates) -> Candidates:
        """Pairs who already know each other keep only a share of what the book gives them."""
        share = self.prepared.weights.already_acquainted
        if not share or len(found) == 0 or (self._groups is None and not len(self._known_keys)):
            return found
        known = np.zeros(len(found), dtype=np.bool_)
        if len(self._known_keys):
            known |= _among(found.first * self.size + found.second, self._known_keys)
        if self._groups is not None:
            known |= row_dot(self._groups, self._groups, found.first, found.second) > 0
        known &= found.total > SHARES_SOMETHING
        if not known.any():
            return found
        total = found.total.copy()
        total[known] -= share * total[known]
        return Candidates(found.first, found.second, total, found.ceiling)

    def _with_history(self, found: Candidates) -> Candidates:
        """Cooldown penalties for every pair; reciprocity and vouching only where the book
        finds something."""
        if not self._has_ledger or len(found) == 0:
            return found
        first, second = found.first, found.second
        bonus, penalty, vouch = _ledger_terms(self.prepared)
        extra = bonus[first] + bonus[second] + vouch[first] + vouch[second]
        owed = np.where(found.total > SHARES_SOMETHING, extra, 0.0)
        total = found.total + owed - (penalty[first] + penalty[second])
        return Candidates(first, second, total, found.ceiling)

    def _competitors(self, found: Candidates) -> Candidates:
        """Competitors: take off the same-business penalty and the points for what they
        compete for (clients, referral sources and life events they share)."""
        a, b = self._business[found.first], self._business[found.second]
        known = (a >= 0) & (b >= 0)
        same = known & (a == b)
        if len(self._competing_keys):
            width = len(self.prepared.matcher.keys)
            same |= known & _among(a * width + b, self._competing_keys)
        if not same.any():
            return found
        total = found.total.copy()
        total[same] -= self.prepared.weights.same_business
        if self._contested is not None:
            left, right = self._contested
            total[same] -= row_dot(left, right, found.first[same], found.second[same])
        return Candidates(found.first, found.second, total, found.ceiling)


def _ledger_terms(prepared: PreparedBook) -> tuple[FloatArray, FloatArray, FloatArray]:
    """The book's per-person bonus, penalty and vouching points as numpy arrays: views of
    the preparation's own (`array("d")`), no copy."""
    return (np.asarray(prepared.bonus, dtype=np.float64),
            np.asarray(prepared.penalty, dtype=np.float64),
            np.asarray(prepared.vouch, dtype=np.float64))
