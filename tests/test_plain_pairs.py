"""A small book's pairs in plain lists answer exactly what the same pairs in numpy arrays do.

The ranking reads either kind through the same questions (`pairs.PairList`), and
`today`'s figures read either kind's blocks (`gaps/potential.py`); the two must give
the same pairs in the same order and the same floats, ties and all, or a personal book
would rank differently from the same book read through the index's containers.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from introducer.gaps.potential import potential
from introducer.match.pairs import Candidates, leading
from introducer.match.ranks import Ranks
from introducer.match.small import PlainPairs, ScoredPairs

# Few distinct totals, so that ties (the hard part) are common, some inexact in binary (so
# that adding them in another order moves the last bit), a negative one too.
TOTALS = st.sampled_from([-1.5, 0.0, 0.1, 0.7, 1 / 3, 2.5, 3.0, 3.0000000000000004, 4.2, 7.25])


@st.composite
def pair_lists(draw: st.DrawFn) -> tuple[int, list[str], PlainPairs]:
    size = draw(st.integers(2, 12))
    # Ids out of book order, some repeated (a hand-built book may repeat one).
    ids = draw(st.lists(st.sampled_from("abcdefghij"), min_size=size, max_size=size))
    every = [(a, b) for a in range(size) for b in range(a + 1, size)]
    chosen = draw(st.lists(st.sampled_from(every), unique=True, max_size=len(every)))
    totals = draw(st.lists(TOTALS, min_size=len(chosen), max_size=len(chosen)))
    return size, ids, PlainPairs([a for a, _ in chosen], [b for _, b in chosen], totals)


def as_arrays(plain: PlainPairs) -> Candidates:
    return Candidates(np.array(plain.first, dtype=np.int64),
                      np.array(plain.second, dtype=np.int64),
                      np.array(plain.total, dtype=np.float64), plain.ceiling, plain.unreached)


class _Blocks:
    """The same pairs as the index's source hands them to `potential`: one block of arrays."""

    def __init__(self, size: int, found: Candidates) -> None:
        self.size = size
        self._found = found

    def exact_blocks(self, floor: object = None) -> list[Candidates]:
        found = self._found
        if floor is not None and len(found):
            below = np.asarray(floor)
            found = found.subset((found.total >= below[found.first])
                                 | (found.total >= below[found.second]))
        return [found]


@given(pair_lists(), st.sampled_from([-np.inf, -0.1, 0.0, 2.9]), st.integers(1, 8))
def test_plain_lists_rank_their_pairs_as_arrays_do(
    case: tuple[int, list[str], PlainPairs], above: float, limit: int
) -> None:
    _, ids, plain = case
    arrays = as_arrays(plain)
    assert list(plain.ranked(above, Ranks(ids))) == list(arrays.ranked(above, Ranks(ids)))
    assert plain.by_total(Ranks(ids), limit) == arrays.by_total(Ranks(ids), limit)


@given(pair_lists(), st.data())
def test_plain_lists_pick_a_persons_partners_as_arrays_do(
    case: tuple[int, list[str], PlainPairs], data: st.DataObject
) -> None:
    size, _, plain = case
    focus = data.draw(st.integers(0, size - 1))
    least = data.draw(st.sampled_from([-np.inf, 0.0, 2.5]))
    best = data.draw(st.none() | st.integers(1, 4))
    source = ScoredPairs(size, plain, plain)
    mine = (as_arrays(plain).first == focus) | (as_arrays(plain).second == focus)
    expected = leading(as_arrays(plain).subset(mine), least, best)
    found = source.rough_partners(focus, least=least, best=best)
    assert (found.first, found.second, found.total) == (
        expected.first.tolist(), expected.second.tolist(), expected.total.tolist())
    assert source.partners(focus).first == as_arrays(plain).first[mine].tolist()


@given(pair_lists(), st.sampled_from([0.1, 2.5, 3.0]), st.booleans())
def test_plain_lists_give_todays_figures_bit_for_bit(
    case: tuple[int, list[str], PlainPairs], good_score: float, good_only: bool
) -> None:
    size, _, plain = case
    by_lists = potential(ScoredPairs(size, plain, plain), good_score, good_only=good_only)
    by_arrays = potential(_Blocks(size, as_arrays(plain)), good_score, good_only=good_only)
    for field in ("best", "partner", "good", "worth"):
        listed, arrayed = getattr(by_lists, field), getattr(by_arrays, field)
        assert isinstance(listed, list)
        assert listed == np.asarray(arrayed).tolist(), field


def test_ranks_agree_whichever_form_was_made_first() -> None:
    ids = ["c", "a", "b", "a"]
    listed, arrayed = Ranks(ids), Ranks(ids)
    assert arrayed.array.tolist() == listed.positions == [3, 0, 2, 1]
    assert arrayed.pair(0, 1) == listed.pair(0, 1) == (0, 3)
    assert arrayed.positions == [3, 0, 2, 1]
