"""Exact top-k whatever the pair budget: concentrated books, where no column is cheap
enough to propose pairs, rank exactly as every pair scored by hand."""

from __future__ import annotations

import itertools
from typing import Any
from unittest import mock

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from introducer.book.model import Book
from introducer.match import rank
from introducer.match.history import NO_HISTORY, HistoryView
from introducer.match.index import PairIndex
from introducer.match.pairs import Candidates
from introducer.match.rank import Matchmaker
from tests.conftest import make_book
from tests.test_score_properties import (
    TODAY,
    bare,
    cases,
    check_alternatives,
    fast,
    greedy_by_hand,
    histories,
)

# A directory where values are concentrated: everyone holds two of a few of each.
FEW_CLIENTS = ["restaurants", "dentists", "homeowners"]
FEW_HOBBIES = ["golf", "tennis", "chess"]
FEW_TRADES = ["realtor", "dentist", "accountant", "mortgage broker"]


@st.composite
def concentrated(draw: st.DrawFn) -> tuple[Book, HistoryView]:
    size = draw(st.integers(2, 24))
    pick_two = st.lists(st.sampled_from(FEW_CLIENTS), min_size=1, max_size=2, unique=True)
    contacts: list[dict[str, Any]] = []
    for i in range(size):
        contacts.append({
            "name": f"Person {i}", "id": f"p{draw(st.integers(0, 99)):02d}-{i}",
            "business": draw(st.sampled_from(FEW_TRADES)), "clients": draw(pick_two),
            "hobbies": draw(st.lists(st.sampled_from(FEW_HOBBIES), max_size=2, unique=True)),
            **({"networker": "active"} if draw(st.booleans()) else {}),
        })
    book = make_book(contacts)
    return book, NO_HISTORY if draw(st.booleans()) else draw(histories(book))


books = st.one_of(concentrated(), cases())
# The pair budget's edge: nothing proposes, one column's worth, or everything.
budgets = st.sampled_from([0, 1, 30, 10**9])


def narrow(keep: int, reach: int) -> Any:
    """First tries that fall short, so widening is exercised on small books."""
    return mock.patch.multiple(rank, _FIRST_KEEP=keep, _FIRST_REACH=reach)


@fast
@given(books, budgets, st.integers(1, 6), st.integers(0, 2), st.integers(1, 4))
def test_the_top_k_is_the_exhaustive_one_whatever_the_budget(
    case: tuple[Book, HistoryView], budget: int, top: int, cap: int, reach: int
) -> None:
    book, history = case
    matchmaker = Matchmaker(book, today=TODAY, history=history, pair_budget=budget)
    with narrow(1, reach):
        found = matchmaker.suggest(top=top, per_person=cap)
    assert bare(found) == greedy_by_hand(matchmaker, False, cap=cap)[:top]
    check_alternatives(matchmaker, found)


@fast
@given(books, budgets, st.data())
def test_a_focus_top_k_is_the_exhaustive_one_whatever_the_budget(
    case: tuple[Book, HistoryView], budget: int, data: st.DataObject
) -> None:
    book, history = case
    matchmaker = Matchmaker(book, today=TODAY, history=history, pair_budget=budget)
    focus = data.draw(st.sampled_from(book.contacts))
    expected = greedy_by_hand(matchmaker, False, cap=2, focus=focus.id,
                              only=lambda s: focus.id in (s.a.id, s.b.id))
    assert bare(matchmaker.suggest(top=10, per_person=2, focus=focus)) == expected[:10]


@fast
@given(books, budgets, st.integers(0, 30), st.integers(1, 8))
def test_no_pair_left_out_totals_more_than_the_list_says(
    case: tuple[Book, HistoryView], budget: int, reach: int, keep: int
) -> None:
    """`outside` bounds every introducible pair not in the list, searched or never proposed."""
    book, history = case
    index = Matchmaker(book, today=TODAY, history=history, pair_budget=budget).index
    assert_nothing_left_out_beats(index.candidates(keep, reach=reach), index)


def assert_nothing_left_out_beats(found: Candidates, index: PairIndex) -> None:
    """Each pair is listed once, and every introducible pair not listed totals at most
    `found.outside`."""
    book = index.prepared.book
    listed = set(zip(found.first.tolist(), found.second.tolist(), strict=True))
    assert len(listed) == len(found), "each pair listed once"
    rest = [(i, j) for i, j in itertools.combinations(range(len(book.contacts)), 2)
            if (i, j) not in listed and book.contacts[i].introduce
            and book.contacts[j].introduce and index.prepared.excluded(i, j) is None]
    if rest:
        first, second = (np.array(side, dtype=np.int64) for side in zip(*rest, strict=True))
        assert np.all(index.totals(first, second) <= max(found.outside, 0.0) + 1e-9)


def test_a_book_where_everyone_holds_the_same_values_still_gets_suggestions() -> None:
    """Nothing proposes under a budget of 0; the search by reach finds the best pairs."""
    book = make_book([{"name": f"Person {i}", "clients": ["dentists", "retirees"],
                       "hobbies": ["golf"], "business": "dentist" if i % 2 else "realtor"}
                      for i in range(12)])
    exhaustive = Matchmaker(book, today=TODAY, pair_budget=10**9).suggest(top=5)
    assert exhaustive
    assert Matchmaker(book, today=TODAY, pair_budget=0).suggest(top=5) == exhaustive
