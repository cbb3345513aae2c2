"""The plan's core: exact against brute force, within the caps, nothing the ledger hides.

The solver is checked on random weighted graphs, and the whole plan (the bounded
candidate list included) on generated books and histories, against every subset
of every allowed pair.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter
from collections.abc import Sequence
from types import SimpleNamespace
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from introducer.book.load import load_book
from introducer.book.model import Book
from introducer.errors import IntroducerError, UsageError
from introducer.ledger.entries import Entry
from introducer.match.history import HistoryView
from introducer.match.rank import Matchmaker
from introducer.match.score import Suggestion
from introducer.plan import solver
from introducer.plan.build import make_plan
from introducer.plan.candidates import Bound, Walk, conflict_groups
from introducer.plan.record import plan_entries
from introducer.plan.week import days_left, spread
from tests.conftest import EXAMPLE_BOOK, make_book
from tests.test_score_properties import by_hand, cases

TODAY = dt.date(2026, 11, 23)  # a Monday
D = dt.date.fromisoformat


def fits(pairs: Sequence[tuple[object, object]], per_person: int) -> bool:
    uses = Counter(person for pair in pairs for person in pair)
    return all(used <= per_person for used in uses.values())


def one_per_group(chosen: Sequence[solver.Edge]) -> bool:
    groups = [group for edge in chosen for group in edge.groups]
    return len(groups) == len(set(groups))


def best_by_brute_force(edges: Sequence[solver.Edge], count: int, per_person: int) -> int:
    return max(
        (sum(e.weight for e in chosen)
         for size in range(count + 1)
         for chosen in itertools.combinations(edges, size)
         if fits([(e.first, e.second) for e in chosen], per_person) and one_per_group(chosen)),
        default=0,
    )


@st.composite
def grouped_graphs(draw: st.DrawFn, most_people: int = 8) -> list[solver.Edge]:
    """Pairs in star groups as the plan makes them: each group's pairs share one person
    (its hub), a pair is in at most one group per end, groups at one hub are disjoint."""
    people = draw(st.integers(2, most_people))
    pairs = draw(st.lists(st.tuples(st.integers(0, people - 1), st.integers(0, people - 1))
                          .filter(lambda p: p[0] < p[1]), unique=True, max_size=28))
    numbered: dict[tuple[int, int], int] = {}
    edges = []
    for a, b in pairs:
        groups = []
        for hub in (a, b):
            label = draw(st.sampled_from([None, 0, 1]))
            if label is not None:
                groups.append(numbered.setdefault((hub, label), len(numbered)))
        edges.append(solver.Edge(a, b, draw(st.integers(1, 60)), tuple(groups)))
    return sorted(edges, key=lambda e: -e.weight)


@st.composite
def graphs(draw: st.DrawFn) -> list[solver.Edge]:
    people = draw(st.integers(2, 7))
    pairs = draw(st.lists(st.tuples(st.integers(0, people - 1), st.integers(0, people - 1))
                          .filter(lambda p: p[0] < p[1]), unique=True, max_size=11))
    edges = [solver.Edge(a, b, draw(st.integers(1, 60))) for a, b in pairs]
    return sorted(edges, key=lambda e: -e.weight)


@given(graphs(), st.integers(1, 4), st.sampled_from([1, 2]))
@settings(max_examples=150)
def test_the_solver_is_exact_and_greedy_never_beats_it(
    edges: list[solver.Edge], count: int, per_person: int
) -> None:
    chosen = solver.optimal(edges, count, per_person)
    assert chosen is not None
    picked = [edges[k] for k in chosen]
    assert len(picked) <= count
    assert fits([(e.first, e.second) for e in picked], per_person)
    assert sum(e.weight for e in picked) == best_by_brute_force(edges, count, per_person)
    taken = [edges[k] for k in solver.greedy(edges, count, per_person)]
    assert len(taken) <= count and fits([(e.first, e.second) for e in taken], per_person)
    assert sum(e.weight for e in taken) <= sum(e.weight for e in picked)


def test_greedy_falls_short_where_the_optimum_does_not() -> None:
    # Greedy takes the heaviest pair (1, 2) and leaves 0 and 3 without a partner.
    edges = [solver.Edge(1, 2, 10), solver.Edge(0, 1, 9), solver.Edge(2, 3, 9)]
    assert solver.greedy(edges, 2, 1) == [0]
    assert solver.optimal(edges, 2, 1) == [1, 2]


def brute_force_plan(matchmaker: Matchmaker, pairs: list[Suggestion], count: int,
                     per_person: int) -> float:
    """The best total over every subset within the caps, one pair per conflict group."""
    best = 0
    for size in range(1, count + 1):
        for chosen in itertools.combinations(pairs, size):
            groups = [g for p in chosen for g in conflict_groups(matchmaker, p)]
            if fits([(p.a.id, p.b.id) for p in chosen], per_person) and len(groups) == len(
                    set(groups)):
                best = max(best, sum(round(p.score * 100) for p in chosen))
    return best / 100


def greedy_by_hand(matchmaker: Matchmaker, pairs: list[Suggestion], count: int,
                   per_person: int) -> float:
    uses: Counter[str] = Counter()
    used: set[object] = set()
    total = 0
    taken = 0
    for p in pairs:
        groups = conflict_groups(matchmaker, p)
        if (taken < count and uses[p.a.id] < per_person and uses[p.b.id] < per_person
                and used.isdisjoint(groups)):
            uses.update((p.a.id, p.b.id))
            used.update(groups)
            total += round(p.score * 100)
            taken += 1
    return total / 100


@given(cases(), st.integers(1, 3), st.sampled_from([1, 2]))
@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
def test_the_plan_is_the_best_of_every_allowed_pair(
    case: tuple[Book, HistoryView], count: int, per_person: int
) -> None:
    book, history = case
    matchmaker = Matchmaker(book, today=TODAY, history=history)
    allowed = by_hand(matchmaker)
    plan = make_plan(matchmaker, count=count, per_person=per_person, today=TODAY)
    chosen = plan.pairs
    assert plan.optimal
    assert plan.total == brute_force_plan(matchmaker, allowed, count, per_person)
    assert plan.greedy_total == greedy_by_hand(matchmaker, allowed, count, per_person) <= (
        plan.total)
    assert len(chosen) <= count
    assert fits([(p.a.id, p.b.id) for p in chosen], per_person)
    assert not {(p.a.id, p.b.id) for p in chosen} & set(history.hidden)
    assert all(p.score > 0 and p.excluded is None for p in chosen)


# With K >= 2 the groups (one answer per ask, one professional per divorcing couple) bind
# beyond the person caps, and the list keeps room for them.
@pytest.mark.parametrize(("count", "per_person", "size"), [(1, 1, 1), (5, 1, 77), (5, 2, 269),
                                                            (20, 3, 5042)])
def test_the_bound_grows_with_count_and_keeps_room_for_the_groups(
    count: int, per_person: int, size: int
) -> None:
    assert Bound(count, per_person).size == size


def test_a_solver_out_of_time_leaves_the_greedy_plan() -> None:
    matchmaker = Matchmaker(load_book(EXAMPLE_BOOK), today=TODAY)
    timed_out = SimpleNamespace(status=1, x=None)
    with mock.patch.object(solver, "milp", return_value=timed_out):
        plan = make_plan(matchmaker, count=4, per_person=1, today=TODAY)
    assert not plan.optimal
    assert len(plan.pairs) == 4 and plan.total == plan.greedy_total


def test_bad_counts_and_caps_are_usage_errors() -> None:
    mm = Matchmaker(make_book([{"name": "A"}, {"name": "B"}]), today=TODAY)
    with pytest.raises(UsageError):
        make_plan(mm, count=101, per_person=1, today=TODAY)
    with pytest.raises(UsageError):
        make_plan(mm, count=2, per_person=0, today=TODAY)
    assert make_plan(mm, count=0, per_person=1, today=TODAY).pairs == ()


@pytest.mark.parametrize(("today", "days"), [
    ("2026-11-30", ["2026-11-30", "2026-12-01", "2026-12-02", "2026-12-03", "2026-12-04"]),
    ("2026-12-03", ["2026-12-03", "2026-12-04"]),
    ("2026-12-04", ["2026-12-04"]),
    ("2026-12-05", ["2026-12-05", "2026-12-06"]),
    ("2026-12-06", ["2026-12-06"]),
])
def test_the_days_left_are_the_working_days_then_the_weekend(today: str, days: list[str]
                                                             ) -> None:
    assert days_left(D(today)) == [D(day) for day in days]


def test_the_best_go_first_and_earlier_days_take_the_extra() -> None:
    placed = spread(["a", "b", "c", "d", "e", "f", "g"], D("2026-12-01"))  # Tue..Fri
    assert [(day.strftime("%a"), item) for day, item in placed] == [
        ("Tue", "a"), ("Tue", "b"), ("Wed", "c"), ("Wed", "d"), ("Thu", "e"), ("Thu", "f"),
        ("Fri", "g")]


def test_a_pair_recorded_before_is_refused() -> None:
    book = make_book([{"name": "Ann", "hobbies": ["golf"]}, {"name": "Bob", "hobbies": ["golf"]}])
    pair = Matchmaker(book, today=TODAY).explain(*book.contacts)
    history = [Entry(kind="asked", a="ann", b="bob", date=TODAY)]
    assert [e.kind for e in plan_entries([pair], history, TODAY, ["introduced"])] == ["introduced"]
    with pytest.raises(IntroducerError, match="already records Ann and Bob as asked"):
        plan_entries([pair], history, TODAY, ["asked"])


@given(graphs(), st.integers(1, 4), st.sampled_from([1, 2]))
@settings(max_examples=300)
def test_the_bounded_list_holds_an_optimal_plan(
    edges: list[solver.Edge], count: int, per_person: int
) -> None:
    walk = Walk(Bound(count, per_person))
    for edge in edges:  # heaviest first, as the walk settles them
        if walk.could_take(edge.first, edge.second):
            walk.settle(edge.first, edge.second, edge)  # type: ignore[arg-type]
    listed: list[solver.Edge] = walk.listed  # type: ignore[assignment]
    best = best_by_brute_force(edges, count, per_person)
    assert best_by_brute_force(listed, count, per_person) == best
    greedy = [edges[k] for k in solver.greedy(edges, count, per_person)]
    assert walk.greedy == greedy


@given(grouped_graphs(most_people=6), st.integers(1, 3), st.sampled_from([1, 2]))
@settings(max_examples=150)
def test_the_solver_is_exact_with_one_pair_per_group(
    edges: list[solver.Edge], count: int, per_person: int
) -> None:
    chosen = solver.optimal(edges, count, per_person)
    assert chosen is not None
    picked = [edges[k] for k in chosen]
    assert one_per_group(picked) and fits([(e.first, e.second) for e in picked], per_person)
    assert sum(e.weight for e in picked) == best_by_brute_force(edges, count, per_person)
    taken = [edges[k] for k in solver.greedy(edges, count, per_person)]
    assert one_per_group(taken) and sum(e.weight for e in taken) <= sum(e.weight for e in picked)


@given(grouped_graphs(), st.integers(1, 2), st.sampled_from([1, 2, 3]))
@settings(max_examples=300)
def test_the_bounded_list_holds_an_optimal_plan_with_groups(
    edges: list[solver.Edge], count: int, per_person: int
) -> None:
    walk = Walk(Bound(count, per_person))
    for edge in edges:
        if walk.could_take(edge.first, edge.second):
            walk.settle(edge.first, edge.second, edge, edge.groups)  # type: ignore[arg-type]
    listed: list[solver.Edge] = walk.listed  # type: ignore[assignment]
    assert best_by_brute_force(listed, count, per_person) == best_by_brute_force(
        edges, count, per_person)
    assert walk.greedy == [edges[k] for k in solver.greedy(edges, count, per_person)]


def test_a_plan_never_sends_both_sides_of_a_divorce_to_one_lawyer() -> None:
    book = make_book([
        {"name": "Rachel Moore", "business": "nurse", "events": ["getting divorced"]},
        {"name": "Brian Moore", "business": "sales rep", "events": ["separated"]},
        {"name": "Steve Grant", "business": "family lawyer"},
        {"name": "Ana Ruiz", "business": "teacher", "wants": ["a dentist"]},
        {"name": "Dan Cho", "business": "dentist"},
        {"name": "Eve Park", "business": "dentist"},
    ])
    plan = make_plan(Matchmaker(book, today=TODAY), count=5, per_person=2, today=TODAY)
    pairs = {(p.a.id, p.b.id) for p in plan.pairs}
    assert not {("brian-moore", "steve-grant"), ("rachel-moore", "steve-grant")} <= pairs
    assert len(pairs & {("ana-ruiz", "dan-cho"), ("ana-ruiz", "eve-park")}) == 1
