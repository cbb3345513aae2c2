"""Books where thousands of pairs tie at the top: exact when the ties come from twins
(contacts alike in everything that scores), and said to be approximate when nothing
can prove the list, never an endless search or an empty list."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from unittest import mock

import yaml
from hypothesis import given
from hypothesis import strategies as st

from introducer.book.load import load_book
from introducer.book.model import Book
from introducer.match import index, rank
from introducer.match.history import NO_HISTORY, HistoryView
from introducer.match.rank import Matchmaker
from introducer.match.twins import find_twins
from tests.cli_helpers import invoke
from tests.conftest import EXAMPLE_BOOK, make_book
from tests.test_score_properties import TODAY, bare, fast, greedy_by_hand, histories
from tests.test_topk_exact import books, budgets, narrow

CLIENTS = ["restaurants", "dentists", "young families"]
HOBBIES = ["golf", "tennis"]
TRADES = ["realtor", "mortgage broker", "divorce mediator", "accountant"]
ASKS = ["an intro to a realtor", "a good accountant", "someone at Acme"]


@st.composite
def twin_books(draw: st.DrawFn) -> tuple[Book, HistoryView]:
    """A few profiles, each copied several times under ids that interleave the copies;
    now and then a contact with something of their own (an avoid list, `knows:`)."""
    profiles = []
    for _ in range(draw(st.integers(1, 4))):
        profile: dict[str, Any] = {
            "business": draw(st.sampled_from(TRADES)),
            "clients": draw(st.lists(st.sampled_from(CLIENTS), min_size=1, max_size=2,
                                     unique=True)),
            "hobbies": draw(st.lists(st.sampled_from(HOBBIES), max_size=2, unique=True)),
        }
        if draw(st.booleans()):
            profile["wants"] = [draw(st.sampled_from(ASKS))]
        if draw(st.booleans()):
            profile["networker"] = "active"
        if draw(st.booleans()):
            profile["groups"] = ["tuesday breakfast"]
        profiles.append((profile, draw(st.integers(1, 9))))
    contacts: list[dict[str, Any]] = []
    for profile, copies in profiles:
        for _ in range(copies):
            number = len(contacts)
            contacts.append({"name": f"Person {number}",
                             "id": f"p{draw(st.integers(0, 99)):02d}-{number}", **profile})
    if draw(st.booleans()) and len(contacts) > 2:
        contacts[0]["avoid"] = [contacts[1]["id"]]
    if draw(st.booleans()) and len(contacts) > 3:
        contacts[2]["knows"] = [contacts[3]["id"]]
    book = make_book(contacts)
    return book, NO_HISTORY if draw(st.booleans()) else draw(histories(book))


def cut_short() -> Any:
    """Every pass runs out of rescores at once, as in a book of a hundred thousand alike."""
    return mock.patch.multiple(rank, _RESCORE_LIMIT=1, _FIRST_KEEP=1, _KEEP_LIMIT=1)


@fast
@given(twin_books(), st.integers(1, 12), st.integers(0, 3))
def test_twins_rank_as_every_pair_scored_by_hand(
    case: tuple[Book, HistoryView], top: int, cap: int
) -> None:
    book, history = case
    matchmaker = Matchmaker(book, today=TODAY, history=history, small_book=0, pair_budget=0)
    with cut_short():
        found = matchmaker.suggest(top=top, per_person=cap)
    if find_twins(matchmaker.index, matchmaker._ranks.array) is not None:
        assert matchmaker.approximate is None
    if matchmaker.approximate is None:  # a list not said to be approximate is exact
        assert bare(found) == greedy_by_hand(matchmaker, False, cap=cap)[:top]


def test_a_book_of_copies_ranks_exactly_and_by_id(tmp_path: Path) -> None:
    """Ten copies of the example book's people: the first pairs are the first by id of
    the best-scoring pair of people, as ranking every pair would give."""
    example = yaml.safe_load(EXAMPLE_BOOK.read_text(encoding="utf-8"))
    people = example["contacts"]
    contacts = [{**person, "id": f"{person.get('id') or slug(person['name'])}-{copy}",
                 "name": f"{person['name']} {copy}"}
                for copy in range(10) for person in people]
    book = make_book(contacts, example["settings"])
    exact = Matchmaker(book, today=TODAY, small_book=0)
    expected = exact.suggest(top=12)
    assert exact.approximate is None
    with cut_short():
        twins = Matchmaker(book, today=TODAY, small_book=0)
        assert twins.suggest(top=12) == expected
        assert twins.approximate is None


def slug(name: str) -> str:
    return "-".join(name.lower().replace(".", "").split())


def distinct_book(folder: Path, size: int = 100) -> Path:
    """Contacts who share common values but are each their own (a hobby of their own)."""
    contacts = [{"name": f"Person {i}", "business": TRADES[i % len(TRADES)],
                 "clients": [CLIENTS[i % 3], CLIENTS[(i + 1) % 3]],
                 "hobbies": [HOBBIES[i % 2], f"hobby {i}"]} for i in range(size)]
    path = folder / "contacts.yaml"
    path.write_text(yaml.safe_dump({"contacts": contacts}), encoding="utf-8")
    return path


def test_a_list_it_cannot_prove_is_said_to_be_approximate(tmp_path: Path) -> None:
    """Nothing proposes, the search by reach may take in only a few contacts and the deeper
    search may not run: the best pairs it compared come out, highest first, and stderr
    says the list is approximate."""
    book = distinct_book(tmp_path)
    with mock.patch.multiple(index, REACH_PAIR_LIMIT=1_000, PAIR_BUDGET_PER_CONTACT=0,
                             PAIR_BUDGET_RANGE=(0, 0), DEEP_PRODUCT_LIMIT=0):
        code, out, err = invoke(book, "suggest", "--top", "5", "--format", "json")
    assert code == 0
    scores = [s["score"] for s in json.loads(out)["suggestions"]]
    assert len(scores) == 5 and scores == sorted(scores, reverse=True)
    assert err.startswith("approximate: 100 contacts could make a pair")
    assert err.rstrip().endswith("and of every pair among the 45 likeliest")


def test_a_list_it_can_prove_says_nothing_more(tmp_path: Path) -> None:
    code, out, err = invoke(distinct_book(tmp_path), "suggest", "--top", "5", "--format",
                            "json")
    assert code == 0 and len(json.loads(out)["suggestions"]) == 5
    assert err == ""


def test_the_deeper_search_proves_what_the_search_by_reach_cannot(tmp_path: Path) -> None:
    """The same book with the deeper search allowed: exact, as every column proposing
    (a first list short enough to fill, so that it has a floor to prune by)."""
    book = load_book(distinct_book(tmp_path))
    exhaustive = Matchmaker(book, today=TODAY, pair_budget=2**62, small_book=0)
    expected = exhaustive.suggest(top=5)
    with mock.patch.multiple(index, REACH_PAIR_LIMIT=1_000), narrow(1, 2_048):
        deep = Matchmaker(book, today=TODAY, pair_budget=0, small_book=0)
        assert deep.suggest(top=5) == expected
    assert deep.approximate is None


@fast
@given(books, budgets, st.integers(1, 6), st.integers(0, 2))
def test_a_list_not_said_to_be_approximate_is_exact_whatever_the_limits(
    case: tuple[Book, HistoryView], budget: int, top: int, cap: int
) -> None:
    """With the search by reach allowed one contact, the deeper search proves the list or
    the list says it is approximate."""
    book, history = case
    matchmaker = Matchmaker(book, today=TODAY, history=history, pair_budget=budget,
                            small_book=0)
    # A first list of `top` pairs fills at once, so the deeper search has a floor to use.
    with narrow(1, 1), mock.patch.object(index, "REACH_PAIR_LIMIT", 1), mock.patch.object(
            Matchmaker, "_first_keep", lambda self, top, per_person, hiding: top):
        found = matchmaker.suggest(top=top, per_person=cap)
    if matchmaker.approximate is None:
        assert bare(found) == greedy_by_hand(matchmaker, False, cap=cap)[:top]
