"""The deeper search (`PairIndex.deeper`): whatever it multiplies out (`askers.py`: never
the silent against weak askers), no pair it leaves out totals more than its list says;
and with half its row blocks on the idle core (`match/forked.py`), the same list,
ceiling and bound as in one process, whether the child works, fails, dies or cannot be
forked."""

from __future__ import annotations

import contextlib
import itertools
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given
from hypothesis import strategies as st

from introducer.book import parallel
from introducer.book.load import load_book
from introducer.book.model import Book
from introducer.match import ask_prefix, askers, forked, index
from introducer.match.history import HistoryView
from introducer.match.index import DEEP_PRODUCT_LIMIT, PairIndex
from introducer.match.pairs import Candidates
from introducer.match.rank import Matchmaker
from introducer.match.score import Suggestion
from tests.conftest import make_book
from tests.test_score_properties import TODAY, fast
from tests.test_topk_exact import assert_nothing_left_out_beats, books, budgets, narrow
from tests.test_twins import distinct_book

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import generate


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Book:
    return load_book(distinct_book(tmp_path_factory.mktemp("deeper"), size=160))


def deepest(book: Book) -> tuple[list[Suggestion], list[Candidates]]:
    """The top 5 with nothing proposing and the search by reach too narrow to settle, so
    the deeper search proves it, in row blocks small enough to be many; and every list
    the deeper search returned."""
    returned: list[Candidates] = []
    deeper = PairIndex.deeper

    def spy(self: PairIndex, keep: int, after: Candidates) -> Candidates:
        returned.append(deeper(self, keep, after))
        return returned[-1]

    with mock.patch.multiple(index, REACH_PAIR_LIMIT=1_000, _BLOCK_PRODUCTS=300), narrow(
            1, 2_048), mock.patch.object(PairIndex, "deeper", spy):
        matchmaker = Matchmaker(book, today=TODAY, pair_budget=0, small_book=0)
        found = matchmaker.suggest(top=5)
    assert matchmaker.approximate is None and returned
    return found, returned


def same(one: list[Candidates], other: list[Candidates]) -> bool:
    return len(one) == len(other) and all(
        np.array_equal(a.first, b.first) and np.array_equal(a.second, b.second)
        and np.array_equal(a.total, b.total) and a.ceiling == b.ceiling
        and a.unreached == b.unreached for a, b in zip(one, other, strict=True))


@pytest.fixture
def alone(book: Book) -> tuple[list[Suggestion], list[Candidates]]:
    with mock.patch.object(parallel, "idle_cores", lambda: 1):
        return deepest(book)


@pytest.fixture
def forks() -> Iterator[list[int]]:
    """The children forked while the test runs, with a core said to be idle."""
    children: list[int] = []
    fork = os.fork

    def counted() -> int:
        pid = fork()
        if pid:
            children.append(pid)
        return pid

    with mock.patch.object(parallel, "idle_cores", lambda: 2), mock.patch.object(
            forked.os, "fork", counted), mock.patch.object(index, "_ASIDE_BLOCKS", 1):
        yield children


def test_the_idle_core_changes_nothing_but_the_time(
        book: Book, alone: tuple[list[Suggestion], list[Candidates]], forks: list[int]) -> None:
    exhaustive = Matchmaker(book, today=TODAY, pair_budget=2**62, small_book=0).suggest(top=5)
    found, lists = deepest(book)
    assert forks, "the deeper search ran in one process"
    assert found == alone[0] == exhaustive
    assert same(lists, alone[1])


def test_a_child_that_fails_leaves_the_work_to_the_parent(
        book: Book, alone: tuple[list[Suggestion], list[Candidates]], forks: list[int]) -> None:
    def broken(*_: object) -> forked.Arrays:
        raise MemoryError

    with mock.patch.object(index, "_sifted", broken):
        found, lists = deepest(book)
    assert forks and found == alone[0] and same(lists, alone[1])


def test_a_child_that_dies_or_writes_nonsense_leaves_the_work_to_the_parent(
        book: Book, alone: tuple[list[Suggestion], list[Candidates]], forks: list[int]) -> None:
    for work in (lambda *_: os._exit(0), lambda *_: [np.zeros(3)]):
        with mock.patch.object(index, "_sifted", work):
            found, lists = deepest(book)
        assert found == alone[0] and same(lists, alone[1])
    assert len(forks) >= 2


def test_no_fork_no_idle_core_or_a_thread_means_one_process(
        book: Book, alone: tuple[list[Suggestion], list[Candidates]], tmp_path: Path) -> None:
    def refused() -> int:
        raise OSError("no more processes")

    with mock.patch.object(parallel, "idle_cores", lambda: 2), mock.patch.object(
            forked.os, "fork", refused), mock.patch.object(index, "_ASIDE_BLOCKS", 1):
        found, lists = deepest(book)
    assert found == alone[0] and same(lists, alone[1])
    with mock.patch.object(parallel, "idle_cores", lambda: 2), mock.patch.object(
            forked.threading, "active_count", lambda: 2):
        assert forked.aside(lambda: [np.zeros(1)]) is None


@fast
@given(books, budgets, st.integers(1, 4))
def test_no_pair_the_deeper_search_leaves_out_totals_more_than_its_list_says(
    case: tuple[Book, HistoryView], budget: int, keep: int
) -> None:
    book, history = case
    index = Matchmaker(book, today=TODAY, history=history, pair_budget=budget).index
    found = index.candidates(keep)
    with mock.patch.object(parallel, "idle_cores", lambda: 1):
        assert_nothing_left_out_beats(index.deeper(keep, found), index)


def directory(size: int = 150) -> Book:
    """Contacts in five trades with hobbies shared by a few; a quarter ask one thing, a
    few two."""
    trades = ["realtor", "mortgage broker", "accountant", "wedding planner", "lawyer"]
    asks = ["an intro to a realtor", "a good accountant", "a wedding planner",
            "a mortgage broker"]
    contacts = []
    for i in range(size):
        contact: dict[str, object] = {"name": f"Person {i}", "business": trades[i % 5],
                                      "hobbies": [f"hobby {i % 40}", f"pastime {i}"]}
        if i % 4 == 0:
            contact["wants"] = [asks[i % 4 + (i // 4) % 3]]
        if i % 15 == 0:
            contact["wants"] = [asks[0], asks[(i // 15) % 3 + 1]]
        contacts.append(contact)
    return make_book(contacts)


def test_a_directory_of_providers_and_a_few_askers_ranks_as_every_pair_scored(
        tmp_path: Path) -> None:
    """Most contacts ask nothing, some one thing, a few two, and only the deeper search
    can prove the list: it is the exhaustive one."""
    book = directory()
    exhaustive = Matchmaker(book, today=TODAY, pair_budget=2**62, small_book=0).suggest(top=8)
    # A first list of `top` pairs fills at once, and the search by reach takes in one
    # contact: only the deeper search can prove the list.
    with mock.patch.multiple(index, REACH_PAIR_LIMIT=1, _BLOCK_PRODUCTS=300), narrow(
            1, 1), mock.patch.object(parallel, "idle_cores", lambda: 1), mock.patch.object(
            Matchmaker, "_first_keep", lambda self, top, per_person, hiding: top):
        deep = Matchmaker(book, today=TODAY, pair_budget=600, small_book=0)
        assert deep.suggest(top=8) == exhaustive
    assert deep.approximate is None and exhaustive


@st.composite
def asking_books(draw: st.DrawFn) -> tuple[sp.csr_array, sp.csr_array, np.ndarray,
                                           np.ndarray, np.ndarray]:
    """L = [asks | provides] and R = [provides | asks] over a few columns (the mirror
    layout `columns.py` stacks), with each contact's need and what else they can get."""
    size, width = draw(st.integers(2, 12)), draw(st.integers(1, 4))
    values = st.sampled_from([0.0, 0.0, 0.0, 1.0, 2.5, 9.0, 15.0])
    asks = np.array(draw(st.lists(st.lists(values, min_size=width, max_size=width),
                                  min_size=size, max_size=size)))
    provides = np.array(draw(st.lists(st.lists(st.sampled_from([0.0, 1.0]), min_size=width,
                                               max_size=width), min_size=size, max_size=size)))
    beyond = np.array(draw(st.lists(st.sampled_from([0.0, 3.0, 10.0, 20.0]), min_size=size,
                                    max_size=size)))
    able = np.array(draw(st.lists(st.booleans(), min_size=size, max_size=size)))
    left = sp.csr_array(np.hstack([asks, provides]))
    right = sp.csr_array(np.hstack([provides, asks]))
    return left, right, beyond, able, np.r_[np.zeros(width, bool), np.ones(width, bool)]


@fast
@given(asking_books(), st.sampled_from([5.0, 16.0, 24.0, 40.0]))
def test_a_pair_the_sides_never_multiply_totals_below_the_floor(
    case: tuple[sp.csr_array, sp.csr_array, np.ndarray, np.ndarray, np.ndarray], floor: float
) -> None:
    """Every pair of able contacts sharing a column is in one of the products, or totals
    with what else it can get at most `left_out`, which is below the floor."""
    left, right, beyond, able, provides = case
    split = askers.sides(left, right, provides, able, floor - beyond, beyond)
    connected = sum((sp.csr_array(one @ other.T) != 0).astype(int)
                    for one, other in split.products(left, right))
    assert split.left_out < floor
    totals = (left @ right.T).toarray()
    for i, j in itertools.combinations(range(left.shape[0]), 2):
        if able[i] and able[j] and totals[i, j] and not connected[i, j]:
            assert totals[i, j] + min(beyond[i], beyond[j]) <= split.left_out


def test_the_first_pass_on_the_idle_core_gives_the_same_list_and_ceiling(
        forks: list[int]) -> None:
    """Its later blocks multiplied by a child, from the last until it meets the parent,
    which keeps only the pairs whose bound attains the floor the parent last published."""
    with mock.patch.multiple(index, _BLOCK_PRODUCTS=200):
        for budget in (3_000, 300_000):
            pairs = Matchmaker(directory(), today=TODAY, pair_budget=budget, small_book=0).index
            shared = [pairs.candidates(keep) for keep in (3, 40, 400)]
            with mock.patch.object(parallel, "idle_cores", lambda: 1):
                alone = [pairs.candidates(keep) for keep in (3, 40, 400)]
            assert same(shared, alone)
    assert forks


def by_asks_only() -> Any:
    """No split by worth fits (as at a million contacts): only the search by asks can
    prove a list, at the least total the ranking names."""
    return mock.patch.object(PairIndex, "_deeper_by_worth", lambda *_: None)


@contextlib.contextmanager
def searched_by_asks() -> Iterator[list[float | None]]:
    """Each search by asks the test makes: the unreached of its list (None if it could not
    afford it)."""
    found: list[float | None] = []
    by_asks = PairIndex._deeper_by_asks

    def spy(self: PairIndex, keep: int, after: Candidates, floor: float) -> Candidates | None:
        result = by_asks(self, keep, after, floor)
        found.append(None if result is None else result.unreached)
        return result

    with mock.patch.object(PairIndex, "_deeper_by_asks", spy):
        yield found


def test_the_search_by_asks_proves_the_directory_where_no_split_by_worth_fits() -> None:
    book = directory()
    exhaustive = Matchmaker(book, today=TODAY, pair_budget=2**62, small_book=0).suggest(top=8)
    with mock.patch.multiple(index, REACH_PAIR_LIMIT=1, _BLOCK_PRODUCTS=300), narrow(
            1, 1), mock.patch.object(parallel, "idle_cores", lambda: 1), mock.patch.object(
            Matchmaker, "_first_keep", lambda self, top, per_person, hiding: top), \
            by_asks_only(), searched_by_asks() as searched:
        deep = Matchmaker(book, today=TODAY, pair_budget=600, small_book=0)
        assert deep.suggest(top=8) == exhaustive
    assert deep.approximate is None and exhaustive and searched


def test_without_a_least_no_split_by_worth_leaves_the_list_unproven() -> None:
    """The search by asks runs only for the total the ranking names: called as before,
    `deeper` hands the list back as it was."""
    book = directory()
    matchmaker = Matchmaker(book, today=TODAY, pair_budget=600, small_book=0)
    found = matchmaker.index.candidates(4)
    with by_asks_only():
        assert matchmaker.index.deeper(4, found) is found


@fast
@given(books, budgets, st.integers(1, 4), st.sampled_from([-np.inf, 0.0, 2.0, 6.0, 12.0]))
def test_no_pair_the_search_by_asks_leaves_out_totals_more_than_its_list_says(
    case: tuple[Book, HistoryView], budget: int, keep: int, least: float
) -> None:
    book, history = case
    index = Matchmaker(book, today=TODAY, history=history, pair_budget=budget).index
    found = index.candidates(keep)
    if len(found) < keep:
        return
    floor = max(float(found.total.min()), 0.0, least)
    with mock.patch.object(parallel, "idle_cores", lambda: 1):
        deeper = index._deeper_by_asks(keep, found, floor)
    plan = ask_prefix.plan(index.layout, index.introducible, index._ledger_most, floor)
    if deeper is None:
        assert plan.products > DEEP_PRODUCT_LIMIT
        return
    assert plan.missed < floor
    assert_nothing_left_out_beats(deeper, index)


@st.composite
def rows_of_caps(draw: st.DrawFn) -> tuple[np.ndarray, ...]:
    """A few rows' entries: caps, parts, tiers, and whether a part gives one column."""
    count = draw(st.integers(1, 14))
    row = np.sort(np.array(draw(st.lists(st.integers(0, 2), min_size=count, max_size=count))))
    cap = np.array(draw(st.lists(st.sampled_from([0.0, 0.5, 1.0, 4.0, 9.0]), min_size=count,
                                 max_size=count)))
    part = np.array(draw(st.lists(st.integers(0, 2), min_size=count, max_size=count)))
    tier = np.array(draw(st.lists(st.integers(0, 2), min_size=count, max_size=count)))
    one = np.array([p == 1 for p in part])  # part 1 gives at most one column a tier
    return row, cap, part, tier, one


@fast
@given(rows_of_caps())
def test_a_rows_running_bound_is_its_parts_largest_tiers_summed(
        case: tuple[np.ndarray, ...]) -> None:
    """By hand: per part, the largest tier's sum of caps (its largest cap where the part
    gives one column), the parts summed, over each row's entries up to each one."""
    row, cap, part, tier, one = case
    found = ask_prefix.running_bounds(row, cap, part, tier, one)
    for at in range(len(row)):
        upto = [k for k in range(at + 1) if row[k] == row[at]]
        total = 0.0
        for p in set(part[upto].tolist()):
            tiers: dict[int, list[float]] = {}
            for k in upto:
                if part[k] == p:
                    tiers.setdefault(int(tier[k]), []).append(float(cap[k]))
            total += max(max(c) if p == 1 else sum(c) for c in tiers.values())
        assert found[at] == pytest.approx(total)


@pytest.mark.parametrize("size", [10_000])
def test_the_generated_book_ranks_as_every_pair_scored_by_asks_alone(
        tmp_path: Path, size: int) -> None:
    """The benchmarks' 10k book, with the search by reach allowed one contact and no split
    by worth: the search by asks proves the top 50, which is the exhaustive one."""
    book = load_book(Path(generate.write(size, tmp_path)))
    exhaustive = Matchmaker(book, today=generate.TODAY, pair_budget=2**62).suggest(top=50)
    with mock.patch.multiple(index, REACH_PAIR_LIMIT=1), narrow(5_000, 1), by_asks_only(), \
            searched_by_asks() as floors:
        deep = Matchmaker(book, today=generate.TODAY)
        assert deep.suggest(top=50) == exhaustive
    assert deep.approximate is None and len(exhaustive) == 50
    assert floors and all(floor is not None for floor in floors)


@fast
@given(rows_of_caps())
def test_a_rows_whole_bound_is_its_running_bounds_last(case: tuple[np.ndarray, ...]) -> None:
    row, cap, part, tier, one = case
    running = ask_prefix.running_bounds(row, cap, part, tier, one)
    last = np.r_[row[1:] != row[:-1], True]
    whole = ask_prefix.row_bounds(row, cap, part, tier, one, 3)
    assert np.allclose(whole[row[last]], running[last])
    assert np.all(whole[np.setdiff1d(np.arange(3), row)] == 0.0)
