"""Invariants of the scorer on generated books: order, symmetry, sums, exclusions, and the index.

The vectorised index must agree with the exact per-pair scorer on every pair it
proposes, and, when the book fits the pair budget, propose every pair that
shares anything; the ranked list must be what ranking all pairs by hand gives.
Each book comes with a generated history (recent introductions, referrals owed,
hidden pairs) over its ids, or none.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from collections.abc import Callable
from typing import Any
from unittest import mock

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from introducer.book.model import Book
from introducer.book.schema import Me
from introducer.match import index as index_module
from introducer.match.history import (
    NO_HISTORY,
    HistoryView,
    RecentIntroductions,
    Reciprocity,
    pair_key,
)
from introducer.match.index import row_dot
from introducer.match.rank import ALTERNATIVES_NAMED, Matchmaker
from introducer.match.score import HISTORY_KINDS, Suggestion
from tests.conftest import make_book

TODAY = dt.date(2026, 11, 23)

CLIENTS = ["divorcing couples", "Divorcing-Couple", "retirees", "empty nesters", "dentists",
           "families", "startups", "restaurants", "young families", "widows"]
SOURCES = ["financial advisors", "family therapists", "accountants", "attorneys", "mediators",
           "realtors", "bankers"]
HOBBIES = ["sailing", "chess", "golf", "Golf", "pottery", "opera"]
BUSINESSES = ["divorce mediator", "matrimonial attorney", "realtor (divorce specialist)", "realtor",
              "real estate agent", "accountant", "CPA", "financial advisor", "wealth manager",
              "family therapist",
              "physical therapist", "trusts and estates attorney", "real estate attorney",
              "dentist", "pediatric dentist", "restaurant owner", "bookkeeper", "banker",
              "teacher", "insurance agent", "web designer", "orthodontist", "retired teacher",
              "retirement planner", "balloonist", "immigration lawyer"]
EVENTS = ["divorce", "relocation", "new baby", "retirement", "Moving", "business sale",
          "bar mitzvah", "getting divorced", "husband passed", "expecting in March", "laid off",
          "leaving an abusive marriage"]
WANTS = ["an intro to an estate attorney", "anyone at Acme", "a therapist", "accountant",
         "someone in real estate", "bookkeeping", "Harbor Bank", "a dentist", "Bookkeeping Inc",
         "commercial insurance", "someone to build a website", "anyone at Harbor",
         "a Spanish-speaking accountant", "someone who speaks Spanish", "a dentist for my kids",
         "balloons for the party", "works at Bookkeeping", "a good immigration attorney",
         "a lawyer to look at my lease", "an accountant for my restaurant",
         "anyone at Harbor Bank in Midtown", "a therapist for divorcing couples"]
COMPANIES = ["Acme", "Acme Inc", "Harbor Bank", "Bookkeeping", "Lopez Mediation",
             "Harbor Bank Insurance", "Harborside Ltd"]
NOTES = ["speaks Spanish", "Spanish speaker; loves sailing.", "Knows everyone at Acme.",
         "an accountant by training", "Does leases and restaurant deals."]
# Workplaces whose name is also what a want asks for, so one want can match twice.
JOBS = [("bookkeeper", "Bookkeeping"), ("bookkeeper", "Bookkeeping LLC"), ("dentist", "A Dentist"),
        ("accountant", "Accountant"), ("banker", "Harbor Bank")]
# A weekly chapter, a small circle, and a big group nobody meets in as a whole.
GROUPS = ["BNI Tuesday", "book club", "chamber"]
SETTINGS = {"aliases": {"empty nesters": "retirees", "cpa": "accountant"},
            "events": {"bar mitzvah": ["caterer", "teacher"]},
            "professions": {"balloon artist": {"synonyms": ["balloonist"], "needs": ["balloons"],
                                               "events": ["bar mitzvah", "new baby"]}},
            "weights": {"same_business": 3}}


def some(values: list[str], most: int = 3) -> st.SearchStrategy[list[str]]:
    return st.lists(st.sampled_from(values), max_size=most)


life_event = st.one_of(
    st.sampled_from(EVENTS),
    st.builds(
        lambda event, days: {"event": event, "date": TODAY - dt.timedelta(days=days)},
        st.sampled_from(EVENTS), st.integers(-100, 900),
    ),
)

contact_fields = st.fixed_dictionaries(
    {},
    optional={
        "business": st.sampled_from(BUSINESSES),
        "company": st.sampled_from(COMPANIES),
        "clients": some(CLIENTS),
        "referral_sources": some(SOURCES),
        "hobbies": some(HOBBIES),
        "serves": some(EVENTS, 2),
        "events": st.lists(life_event, max_size=2),
        "wants": some(WANTS, 2),
        "networker": st.sampled_from(["active", "passive"]),
        "notes": st.sampled_from(NOTES),
        "introduce": st.booleans(),
        "closeness": st.integers(1, 5),
        "last_contact": st.sampled_from([TODAY - dt.timedelta(days=d) for d in (3, 400, 2000)]),
        "groups": some(GROUPS, 2),
    },
)


def with_job(fields: dict[str, Any], job: tuple[str, str] | None) -> dict[str, Any]:
    return fields if job is None else {**fields, "business": job[0], "company": job[1]}


people = st.builds(with_job, contact_fields, st.one_of(st.none(), st.sampled_from(JOBS)))


@st.composite
def books(draw: st.DrawFn, most: int = 9) -> Book:
    fields = draw(st.lists(people, min_size=2, max_size=most))
    names = [f"Person {chr(ord('A') + i)}" for i in range(len(fields))]
    ids = [f"p{i}" for i in draw(st.permutations(range(len(fields))))]
    contacts: list[dict[str, Any]] = []
    surnames = draw(st.lists(st.sampled_from(["Moore", "Lee"]), min_size=len(fields),
                             max_size=len(fields)))
    for name, surname, ident, extra in zip(names, surnames, ids, fields, strict=True):
        avoid = draw(st.lists(st.sampled_from(ids), max_size=1))
        knows = draw(st.lists(st.sampled_from(ids), max_size=1))
        contacts.append({"name": f"{name} {surname}", "id": ident, "avoid": avoid,
                         "knows": knows, **extra})
    book = make_book(contacts, SETTINGS)
    mine = draw(st.one_of(st.none(), st.sampled_from(BUSINESSES)))  # the user's own line
    return dataclasses.replace(book, me=Me(name="Me", business=mine)) if mine else book


LABELS = ["introduced 2026-11-02", "snoozed until 2026-12-01", "never"]


@st.composite
def histories(draw: st.DrawFn, book: Book) -> HistoryView:
    """What a ledger could say about this book: any ids, a few of each."""
    ids = st.sampled_from([contact.id for contact in book.contacts])
    recent = st.builds(RecentIntroductions, st.integers(1, 3), st.integers(0, 20))
    owed = st.builds(Reciprocity, st.integers(0, 5), st.integers(0, 2))
    pairs = sorted({pair_key(a.id, b.id)
                    for a, b in itertools.combinations(book.contacts, 2) if a.id != b.id})
    hidden = (st.dictionaries(st.sampled_from(pairs), st.sampled_from(LABELS), max_size=6)
              if pairs else st.just({}))
    return HistoryView(
        cooldown_days=draw(st.integers(1, 30)),
        recent=draw(st.dictionaries(ids, recent, max_size=3)),
        reciprocity=draw(st.dictionaries(ids, owed, max_size=5)),
        hidden=draw(hidden),
    )


@st.composite
def cases(draw: st.DrawFn) -> tuple[Book, HistoryView]:
    """A generated book, and a generated history of it (sometimes none)."""
    book = draw(books())
    return book, NO_HISTORY if draw(st.integers(0, 3)) == 0 else draw(histories(book))


def by_hand(matchmaker: Matchmaker, include_history: bool = False) -> list[Suggestion]:
    """Every allowed (and, unless included, not hidden) pair with a positive score, ranked
    as the contract says, no caps."""
    n = len(matchmaker.book.contacts)
    every = (matchmaker.scorer.score_pair(i, j) for i, j in itertools.combinations(range(n), 2))
    allowed = [s for s in every if s.excluded is None and s.score > 0
               and (include_history or s.history is None)]
    return sorted(allowed, key=lambda s: (-s.score, s.a.id, s.b.id))


def greedy_by_hand(
    matchmaker: Matchmaker, include_history: bool, *, cap: int, focus: str | None = None,
    only: Callable[[Suggestion], bool] = lambda s: True,
) -> list[Suggestion]:
    """The ranking's rules applied to every pair, best first: an ask answered once, nobody
    past the cap but the one who asked (and `focus`). Runners-up are not named here:
    compare with `bare`."""
    chosen: list[Suggestion] = []
    answered: set[object] = set()
    helped: set[tuple[str, str]] = set()
    uses: dict[int, int] = {}
    for suggestion in by_hand(matchmaker, include_history):
        if not only(suggestion):
            continue
        keyed = matchmaker.answer_key(suggestion)
        if keyed is not None and keyed[0] in answered:
            continue
        if matchmaker.serves_the_other_side(suggestion, helped):
            continue
        people = [matchmaker.prepared.index_of[c.id] for c in (suggestion.a, suggestion.b)
                  if c.id != focus]
        people = [p for p in people if keyed is None or p != keyed[1]]
        if cap and any(uses.get(p, 0) >= cap for p in people):
            continue
        if keyed is not None:
            answered.add(keyed[0])
            helped.add(matchmaker.helper_of(suggestion))
        chosen.append(suggestion)
        for p in people:
            uses[p] = uses.get(p, 0) + 1
    return chosen


def bare(found: list[Suggestion]) -> list[Suggestion]:
    """The suggestions without the runners-up named on them (see `check_alternatives`)."""
    return [dataclasses.replace(s, alternatives=()) for s in found]


def check_alternatives(matchmaker: Matchmaker, found: list[Suggestion]) -> None:
    """Runners-up answer the same ask no better than the answer shown, and are not listed."""
    listed = {(s.a.id, s.b.id) for s in found}
    for suggestion in found:
        keyed = matchmaker.answer_key(suggestion)
        assert len(suggestion.alternatives) <= ALTERNATIVES_NAMED
        assert not suggestion.alternatives or keyed is not None
        for other in suggestion.alternatives:
            assert keyed is not None
            runner = matchmaker.explain(matchmaker.prepared.book.contacts[
                matchmaker.prepared.index_of[keyed[0][1]]], other)
            assert (runner.a.id, runner.b.id) not in listed
            assert runner.excluded is None and 0 < runner.score <= suggestion.score
            assert (runner_key := matchmaker.answer_key(runner)) is not None
            assert runner_key[0] == keyed[0]


fast = settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])


@fast
@given(cases(), st.booleans())
def test_the_ranked_list_is_every_allowed_pair_ranked(
    case: tuple[Book, HistoryView], include_history: bool
) -> None:
    book, history = case
    matchmaker = Matchmaker(book, today=TODAY, history=history)
    found = matchmaker.suggest(top=1000, per_person=0, include_history=include_history)
    assert bare(found) == greedy_by_hand(matchmaker, include_history, cap=0)
    check_alternatives(matchmaker, found)


@fast
@given(cases(), st.integers(1, 4), st.integers(0, 2), st.sampled_from([0.0, 1.0, 4.5]))
def test_order_caps_and_exclusions(
    case: tuple[Book, HistoryView], top: int, cap: int, floor: float
) -> None:
    book, history = case
    matchmaker = Matchmaker(book, today=TODAY, history=history)
    found = matchmaker.suggest(top=top, per_person=cap, min_score=floor)
    assert len(found) <= top
    scores = [s.score for s in found]
    assert scores == sorted(scores, reverse=True)
    for earlier, later in itertools.pairwise(found):
        if earlier.score == later.score:
            assert (earlier.a.id, earlier.b.id) < (later.a.id, later.b.id)
    for suggestion in found:
        assert suggestion.a.id < suggestion.b.id
        assert suggestion.excluded is None
        assert suggestion.history is None
        assert pair_key(suggestion.a.id, suggestion.b.id) not in history.hidden
        assert suggestion.score > 0 and suggestion.score >= floor
        assert suggestion.a.introduce and suggestion.b.introduce
        assert suggestion.b.id not in suggestion.a.avoid
        assert suggestion.a.id not in suggestion.b.avoid
    if cap:  # the one who asked is not held to the cap: every ask can be answered
        people = [p for s in found for p in (s.a.id, s.b.id)
                  if s.answer is None or s.answer.kind != "wants" or p != s.answer.subject]
        assert max((people.count(p) for p in people), default=0) <= cap
    keys = [matchmaker.answer_key(s) for s in found]
    answers = [key[0] for key in keys if key is not None]
    assert len(answers) == len(set(answers)), "one suggestion per ask or need"


@fast
@given(cases(), st.integers(1, 3), st.integers(0, 2), st.booleans())
def test_the_greedy_list_matches_greedy_by_hand(
    case: tuple[Book, HistoryView], top: int, cap: int, include_history: bool
) -> None:
    book, history = case
    matchmaker = Matchmaker(book, today=TODAY, history=history)
    expected = greedy_by_hand(matchmaker, include_history, cap=cap)
    found = matchmaker.suggest(top=top, per_person=cap, include_history=include_history)
    assert bare(found) == expected[:top]
    check_alternatives(matchmaker, found)


@fast
@given(cases(), st.data(), st.booleans())
def test_focus_is_every_pair_of_that_person(
    case: tuple[Book, HistoryView], data: st.DataObject, include_history: bool
) -> None:
    book, history = case
    matchmaker = Matchmaker(book, today=TODAY, history=history)
    focus = data.draw(st.sampled_from(book.contacts))
    expected = greedy_by_hand(matchmaker, include_history, cap=1, focus=focus.id,
                              only=lambda s: focus.id in (s.a.id, s.b.id))
    found = matchmaker.suggest(top=1000, per_person=1, focus=focus,
                               include_history=include_history)
    assert bare(found) == expected
    check_alternatives(matchmaker, found)


@fast
@given(cases())
def test_explain_is_symmetric_and_points_add_up(case: tuple[Book, HistoryView]) -> None:
    book, history = case
    matchmaker = Matchmaker(book, today=TODAY, history=history)
    plain = Matchmaker(book, today=TODAY).scorer
    for (i, a), (j, b) in itertools.combinations(enumerate(book.contacts), 2):
        forward, backward = matchmaker.explain(a, b), matchmaker.explain(b, a)
        assert forward == backward
        assert forward.score == round(sum(r.points for r in forward.reasons), 2)
        assert forward.history == history.hidden.get(pair_key(a.id, b.id))
        from_book = tuple(r for r in forward.reasons if r.kind not in HISTORY_KINDS)
        assert from_book == plain.score_pair(i, j).reasons
        # Reciprocity exactly for those owed, when the book alone finds something.
        owed = {r.subject for r in forward.reasons if r.kind == "reciprocity"}
        shares = plain.shares_something(i, j)
        assert owed == ({x.id for x in (a, b) if x.id in history.reciprocity
                         and history.reciprocity[x.id].owed > 0} if shares else set())
        recent = {r.subject for r in forward.reasons if r.kind == "recently_introduced"}
        assert recent == {x.id for x in (a, b) if x.id in history.recent}
        positive = [r.points for r in forward.reasons if r.points > 0]
        assert positive == sorted(positive, reverse=True)
        assert all(r.points < 0 for r in forward.reasons[len(positive):])
        assert all(r.values == tuple(sorted(r.values, key=lambda v: (v.casefold(), v)))
                   for r in forward.reasons)


@fast
@given(cases(), st.sampled_from([0, 1, 30, 10**9]))
def test_vectorised_totals_equal_the_exact_scorer(
    case: tuple[Book, HistoryView], budget: int
) -> None:
    book, history = case
    matchmaker = Matchmaker(book, today=TODAY, history=history, pair_budget=budget)
    index, scorer = matchmaker.index, matchmaker.scorer
    found = index.candidates()
    exact = [scorer.raw_total(i, j) for i, j in zip(found.first, found.second, strict=True)]
    np.testing.assert_allclose(found.total, exact, atol=1e-9)
    proposed = set(zip(found.first.tolist(), found.second.tolist(), strict=True))
    n = len(book.contacts)
    for i, j in itertools.combinations(range(n), 2):
        if matchmaker.prepared.excluded(i, j) is not None:
            assert (i, j) not in proposed
        elif budget == 10**9 and any(r.points > 0 for r in scorer.score_pair(i, j).reasons):
            assert (i, j) in proposed
    allowed = [(i, j) for i, j in itertools.combinations(range(n), 2)
               if book.contacts[i].introduce and book.contacts[j].introduce]
    if allowed:
        first, second = (np.array(side, dtype=np.int64) for side in zip(*allowed, strict=True))
        exact = [scorer.raw_total(i, j) for i, j in allowed]
        np.testing.assert_allclose(index.totals(first, second), exact, atol=1e-9)


@fast
@given(cases(), st.sampled_from([0, 1, 30, 10**9]), st.integers(1, 6), st.sampled_from([1, 10**6]))
def test_a_shortlist_keeps_the_best_and_bounds_the_rest(
    case: tuple[Book, HistoryView], budget: int, keep: int, block: int
) -> None:
    """With tiny row blocks, later blocks are pruned by bounds against the list so far."""
    book, history = case
    index = Matchmaker(book, today=TODAY, history=history, pair_budget=budget).index
    with mock.patch.object(index_module, "_BLOCK_PRODUCTS", block):
        every, kept = index.candidates(), index.candidates(keep)
    assert len(kept) == min(keep, len(every))
    ranked = np.sort(every.total)[::-1]
    np.testing.assert_allclose(np.sort(kept.total)[::-1], ranked[:keep], atol=1e-9)
    if len(every) > keep:
        assert kept.ceiling >= ranked[keep] - 1e-9


@fast
@given(cases(), st.sampled_from([0, 1, 30]))
def test_what_non_proposing_columns_add_is_bounded(
    case: tuple[Book, HistoryView], budget: int
) -> None:
    """Columns left out, competitors' corrections and the ledger add at most the bound,
    plus both sides' reciprocity bonus and vouching, minus both sides' cooldown penalty."""
    book, history = case
    index = Matchmaker(book, today=TODAY, history=history, pair_budget=budget).index
    prepared = index.prepared
    layout = index.layout
    pairs = [(i, j) for i, j in itertools.combinations(range(len(book.contacts)), 2)
             if book.contacts[i].introduce and book.contacts[j].introduce]
    if not pairs:
        return
    first, second = (np.array(side, dtype=np.int64) for side in zip(*pairs, strict=True))
    proposing = row_dot(layout.left[:, layout.proposing], layout.right[:, layout.proposing],
                        first, second)
    rest = index.totals(first, second) - proposing
    bonus, penalty = np.asarray(prepared.bonus), np.asarray(prepared.penalty)
    vouch = np.maximum(prepared.vouch, 0.0)  # how well the user knows each side, if it adds
    ledger = (bonus[first] + bonus[second] + vouch[first] + vouch[second]
              - penalty[first] - penalty[second])
    assert np.all(rest <= layout.bounds(first, second) + ledger + 1e-9)
