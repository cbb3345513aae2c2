"""`today`'s suggestions and focus person from one pass over the pairs are exactly what the
ranking and `gaps` give each on its own, whatever the book, history and budgets."""

from __future__ import annotations

from typing import Any
from unittest import mock

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from introducer.book.model import Book
from introducer.gaps.one_pass import SharedPass, suggest_with_focus
from introducer.gaps.people import week_focus
from introducer.match.history import HistoryView
from introducer.match.rank import Matchmaker
from tests.test_score_properties import TODAY, bare, fast, greedy_by_hand
from tests.test_topk_exact import assert_nothing_left_out_beats, books, budgets


def first_try(keep: int) -> Any:
    """The ranking's first candidate list cut to `keep`, so a book of a few contacts has
    pairs left out of it (the real first try keeps thousands)."""
    return mock.patch.object(Matchmaker, "_first_keep", lambda self, *args: keep)


@fast
@given(books, budgets, st.integers(1, 6), st.integers(0, 2), st.integers(1, 12), st.booleans())
def test_one_pass_suggests_and_picks_the_focus_person_as_two_would(
    case: tuple[Book, HistoryView], budget: int, top: int, cap: int, keep: int, small: bool
) -> None:
    book, history = case
    size = len(book.contacts) if small else 0  # every pair scored one by one, or the index

    def matchmaker() -> Matchmaker:
        return Matchmaker(book, today=TODAY, history=history, pair_budget=budget,
                          small_book=size)

    alone, shared = matchmaker(), matchmaker()
    touched = {book.contacts[0].id: TODAY}
    with first_try(keep):
        expected = (alone.suggest(top=top, per_person=cap), week_focus(alone, touched))
        found = suggest_with_focus(shared, touched, top=top, per_person=cap)
    assert found == expected
    assert bare(found[0]) == greedy_by_hand(shared, False, cap=cap)[:top]


@fast
@given(books, budgets, st.integers(1, 8))
def test_no_pair_left_out_of_the_shared_list_totals_more_than_it_says(
    case: tuple[Book, HistoryView], budget: int, keep: int
) -> None:
    book, history = case
    index = Matchmaker(book, today=TODAY, history=history, pair_budget=budget).index
    shared = SharedPass(index)
    found = shared.candidates(keep)
    assert shared.potential is not None, "the focus person's figures came with the list"
    assert len(found) <= keep
    assert_nothing_left_out_beats(found, index)
    if len(found):  # the same totals, summed in another order
        np.testing.assert_allclose(found.total, index.totals(found.first, found.second),
                                   rtol=0, atol=1e-9)
