"""A small book's pairs scored one by one give exactly what the sparse index gives.

Both pair sources (`Matchmaker(small_book=...)` picks one) must rank the same list,
name the same runners-up, and give `gaps` and `today` the same figures, on generated
books with generated histories and on the three graded books.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from introducer.book.load import load_book
from introducer.book.model import Book
from introducer.gaps import GOOD_SCORE
from introducer.gaps.potential import potential
from introducer.gaps.report import find_gaps
from introducer.match.history import NO_HISTORY, HistoryView
from introducer.match.rank import Matchmaker
from introducer.match.score import Suggestion
from introducer.match.small import ScoredPairs
from tests.conftest import make_book
from tests.test_score_properties import TODAY, cases, fast

EVAL_BOOKS = sorted((Path(__file__).resolve().parent.parent / "eval" / "books").glob("*[!s].yaml"))


def both(book: Book, history: HistoryView, today: dt.date = TODAY) -> tuple[Matchmaker, Matchmaker]:
    """The same book through the index and through every pair scored one by one."""
    by_index = Matchmaker(book, today=today, history=history, small_book=0)
    one_by_one = Matchmaker(book, today=today, history=history, small_book=len(book.contacts))
    assert isinstance(one_by_one.pairs, ScoredPairs)
    assert not isinstance(by_index.pairs, ScoredPairs)
    return by_index, one_by_one


def same_figures(by_index: Matchmaker, one_by_one: Matchmaker) -> None:
    """The same best partners and good pairs; totals summed in another order may differ in
    the last bit, never in what `gaps` and `today` report (two decimals)."""
    first, second = (potential(m.pairs, GOOD_SCORE) for m in (by_index, one_by_one))
    np.testing.assert_array_equal(first.partner, second.partner)
    np.testing.assert_array_equal(first.good, second.good)
    np.testing.assert_allclose(first.best, second.best, rtol=0, atol=1e-9)
    np.testing.assert_allclose(first.worth, second.worth, rtol=0, atol=1e-9)
    assert find_gaps(by_index, {}) == find_gaps(one_by_one, {})


def suggestions(matchmaker: Matchmaker, top: int, cap: int, floor: float,
                include_history: bool) -> list[Suggestion]:
    return matchmaker.suggest(top=top, per_person=cap, min_score=floor,
                              include_history=include_history)


@fast
@given(cases(), st.integers(1, 40), st.integers(0, 2), st.sampled_from([0.0, 1.0, 4.5]),
       st.booleans(), st.data())
def test_both_pair_sources_suggest_the_same(
    case: tuple[Book, HistoryView], top: int, cap: int, floor: float, include_history: bool,
    data: st.DataObject,
) -> None:
    book, history = case
    by_index, one_by_one = both(book, history)
    assert (suggestions(by_index, top, cap, floor, include_history)
            == suggestions(one_by_one, top, cap, floor, include_history))
    focus = data.draw(st.sampled_from(book.contacts))
    assert (by_index.suggest(top=top, per_person=cap, focus=focus)
            == one_by_one.suggest(top=top, per_person=cap, focus=focus))
    same_figures(by_index, one_by_one)


@pytest.mark.parametrize("path", EVAL_BOOKS, ids=lambda path: path.stem)
def test_the_graded_books_are_the_same_either_way(path: Path) -> None:
    by_index, one_by_one = both(load_book(path), NO_HISTORY, dt.date(2026, 12, 1))
    assert by_index.suggest(top=200) == one_by_one.suggest(top=200)
    same_figures(by_index, one_by_one)


def test_two_colleagues_whose_points_cancel_have_no_match_either_way() -> None:
    """Two bankers at one bank who share hobbies: what they share is taken off again as
    competitors, which leaves 4e-16 in one order of adding and 0 in the other; neither
    path may call that a best match (found by hypothesis)."""
    bankers = [{"name": f"Person {n} Moore", "id": f"p{n}", "company": "Harbor Bank",
                "business": "banker", "hobbies": ["sailing", "pottery"]} for n in (0, 1)]
    bankers[0]["last_contact"] = "2026-11-20"
    book = make_book(bankers, {"weights": {"same_business": 3.0}})
    by_index, one_by_one = both(book, NO_HISTORY)
    same_figures(by_index, one_by_one)
    assert all(gap.best is None for gap in find_gaps(by_index, {}).isolated)
