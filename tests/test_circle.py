"""`circle`: the exact assignment against brute force, odd sizes, nobody shared where an
alternative exists, introducers, members no one fits, and the agenda as printed."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from introducer.book.model import Book
from introducer.circle.assign import spread_assignment
from introducer.circle.build import Circle, make_circle
from introducer.match.history import HistoryView
from introducer.match.rank import Matchmaker
from tests.cli_helpers import example_copy, invoke
from tests.conftest import BookWriter, make_book
from tests.test_score_properties import by_hand, cases

TODAY = dt.date(2026, 11, 23)


def objective(choice: Sequence[int | None], weights: Sequence[Sequence[int]]) -> tuple[int, int]:
    """(repeated columns, −total): what the assignment minimises, in that order."""
    used = Counter(c for c in choice if c is not None)
    total = sum(weights[row][c] for row, c in enumerate(choice) if c is not None)
    return sum(n - 1 for n in used.values()), -total


def brute_force(weights: Sequence[Sequence[int]]) -> tuple[int, int]:
    options: list[list[int | None]] = [
        [c for c, w in enumerate(row) if w > 0] or [None] for row in weights]
    return min(objective(choice, weights) for choice in itertools.product(*options))


@given(st.integers(1, 4).flatmap(lambda rows: st.integers(1, 5).flatmap(
    lambda columns: st.lists(st.lists(st.integers(0, 30) | st.just(0), min_size=columns,
                                      max_size=columns), min_size=rows, max_size=rows))))
@settings(max_examples=200)
def test_the_assignment_is_exact(weights: list[list[int]]) -> None:
    choice = spread_assignment(weights)
    assert all((c is None) == (max(row) == 0) for row, c in zip(weights, choice, strict=True))
    assert all(c is None or weights[row][c] > 0 for row, c in enumerate(choice))
    assert objective(choice, weights) == brute_force(weights)


def test_nobody_is_shared_where_an_alternative_exists() -> None:
    # Both want column 0 most; greedy by weight would give it to both.
    assert spread_assignment([[10, 1], [9, 0]]) == [1, 0]
    # With no alternative, the one column is shared.
    assert spread_assignment([[10], [9]]) == [0, 0]
    assert spread_assignment([[0, 0], [3, 0]]) == [None, 0]


def circle_total(circle: Circle) -> tuple[int, int]:
    used = Counter(m.meets.id for m in circle.matches if m.meets is not None)
    return (sum(n - 1 for n in used.values()),
            -sum(round(m.pair.score * 100) for m in circle.matches if m.pair is not None))


@given(cases(), st.integers(1, 4))
@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
def test_the_circle_is_the_best_assignment_over_the_whole_book(
    case: tuple[Book, HistoryView], size: int
) -> None:
    book, history = case
    matchmaker = Matchmaker(book, today=TODAY, history=history)
    members = list({c.id: c for c in book.contacts}.values())[:size]
    allowed = by_hand(matchmaker)
    others = sorted({c.id for c in book.contacts})
    weights = [[0] * len(others) for _ in members]
    for row, member in enumerate(members):
        for pair in allowed:
            if member.id in (pair.a.id, pair.b.id):
                weights[row][others.index(pair.other(member.id).id)] = round(pair.score * 100)
    made = make_circle(matchmaker, members)
    assert circle_total(made) == brute_force(weights)
    hidden = set(history.hidden)
    assert not {(m.pair.a.id, m.pair.b.id) for m in made.matches if m.pair} & hidden


def breakfast(size: int, alternatives: int, *, apart: bool = False) -> Book:
    """A breakfast group whose members all fit one star outsider best, and outsiders who
    fit them less well; `apart`: members share nothing but what the star shares."""
    members = [{"name": f"Member {chr(65 + i)}", "business": f"trade {i}",
                "hobbies": [f"hobby {i}"] if apart else ["chess"],
                "clients": [] if apart else ["home buyers"], "groups": ["breakfast"]}
               for i in range(size)]
    star = {"name": "Star Broker", "business": "mortgage broker", "clients": ["home buyers"],
            "hobbies": ["chess", *(f"hobby {i}" for i in range(size))]}
    others = [{"name": f"Alt {i}", "business": f"craft {i}", "clients": ["home buyers"]}
              for i in range(alternatives)]
    return make_book([*members, star, *others])


@pytest.mark.parametrize("size", [1, 3, 5, 6])
def test_odd_and_even_sizes_each_member_meets_someone_else(size: int) -> None:
    book = breakfast(size, alternatives=6)
    made = make_circle(Matchmaker(book, today=TODAY), book.contacts[:size], {"breakfast"})
    met = [m.meets.id for m in made.matches if m.meets is not None]
    assert len(met) == size and len(set(met)) == size  # nobody shared: alternatives exist
    assert "star-broker" in met
    for match in made.matches:
        assert match.introducer is None or match.introducer.id != match.member.id
        if size == 1:
            assert match.introducer is None  # a circle of one: the user makes it
    introducers = [m.introducer.id for m in made.matches if m.introducer is not None]
    assert len(introducers) == len(set(introducers))  # each member makes one, where they can


def test_a_person_is_shared_only_when_nobody_else_fits() -> None:
    book = breakfast(3, alternatives=0, apart=True)
    made = make_circle(Matchmaker(book, today=TODAY), book.contacts[:3], {"breakfast"})
    assert [m.meets.id for m in made.matches if m.meets] == ["star-broker"] * 3
    assert [len(m.shared_with) for m in made.matches] == [2, 2, 2]


def test_a_member_nobody_fits_is_listed_with_what_their_record_lacks() -> None:
    book = make_book([
        {"name": "Ann", "business": "florist", "clients": ["brides"], "groups": ["club"]},
        {"name": "Bo", "groups": ["club"]},
        {"name": "Cy", "business": "caterer", "clients": ["brides"]},
    ])
    made = make_circle(Matchmaker(book, today=TODAY), book.contacts[:2], {"club"})
    assert [m.meets.id if m.meets else None for m in made.matches] == ["cy", None]
    # Ann's one match (4.41) is below a good one (5): she is listed too.
    assert [(i.contact.id, i.best) for i in made.incomplete] == [("ann", 4.41), ("bo", None)]
    lacking = next(i for i in made.incomplete if i.contact.id == "bo")
    assert "clients" in lacking.empty and "business" in lacking.empty


def test_the_member_who_knows_the_person_introduces_them() -> None:
    book = make_book([
        {"name": "Ann", "business": "florist", "clients": ["brides"], "groups": ["club"]},
        {"name": "Bo", "business": "plumber", "groups": ["club"], "knows": ["cy"]},
        {"name": "Cy", "business": "caterer", "clients": ["brides"]},
    ])
    made = make_circle(Matchmaker(book, today=TODAY), book.contacts[:2], {"club"})
    first = made.matches[0]
    assert first.meets is not None and first.meets.id == "cy"
    assert first.introducer is not None and first.introducer.id == "bo"
    assert first.tie is not None and first.tie.why == "knows Cy"


# ── the command ──────────────────────────────────────────────────────────────

@pytest.fixture
def book(tmp_path: Path) -> Path:
    return example_copy(tmp_path)


def test_the_agenda_on_the_example_book(book: Path) -> None:
    code, out, err = invoke(book, "circle", "Tuesday Breakfast")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == "# Tuesday breakfast: an introduction for every member"
    assert lines[2].startswith("Monday 23 November 2026 · 5 members: Maria Lopez, Tom Reed")
    assert "| member | meets | score | why | introduced by |" in lines
    rows = [line for line in lines if line.startswith("| ") and "Lopez (divorce" in line]
    assert rows and "Sofia Rossi" in rows[0]
    assert "## Who makes which introduction" in lines
    assert any(line.startswith("- **Tom Reed** introduces Daniel Okafor to Grace Kim")
               for line in lines)
    assert "`introducer draft maria-lopez sofia-rossi`" in out
    met = [line.split(" | ")[1] for line in lines if line.startswith("| ") and "(" in line]
    assert len(met) == len(set(met)) == 5


def test_the_json_contract(book: Path) -> None:
    code, out, _ = invoke(book, "circle", "tuesday breakfast", "--format", "json")
    assert code == 0
    document: dict[str, Any] = json.loads(out)
    assert list(document) == ["version", "today", "group", "members", "introductions",
                              "incomplete", "min_score", "notes"]
    assert document["group"] == "tuesday breakfast" and len(document["members"]) == 5
    first = document["introductions"][0]
    assert first["member"]["id"] == "maria-lopez" and first["meets"]["id"] == "sofia-rossi"
    assert first["made_by"] in ("member", "you", "table")
    assert first["draft"] == "introducer draft maria-lopez sofia-rossi"


def test_table_and_members_option(book: Path) -> None:
    code, out, err = invoke(book, "circle", "--members", "maria-lopez,Tom Reed,Priya Shah",
                            "--format", "table")
    assert code == 0, err
    assert out.splitlines()[0].split()[:3] == ["member", "meets", "score"]
    assert len([line for line in out.splitlines()[1:] if line.strip()]) >= 3


def test_an_unknown_group_says_what_it_may_have_meant(book: Path) -> None:
    code, out, err = invoke(book, "circle", "tuesday brekfast")
    assert code == 1 and out == ""
    assert err == ('error: no contact is in a group "tuesday brekfast"; did you mean '
                   '"tuesday breakfast"?\n')


def test_bad_members_and_usage(write_book: BookWriter) -> None:
    path = write_book([{"name": "Alex Kim", "clients": ["x"]},
                       {"name": "Alex King", "clients": ["x"]}])
    code, _, err = invoke(path, "circle", "--members", "alex")
    assert code == 1 and '"alex"' in err and "alex-kim" in err and "alex-king" in err
    assert invoke(path, "circle")[0] == 2
    assert invoke(path, "circle", "g", "--members", "alex-kim")[0] == 2


def test_a_circle_of_one_and_a_record_to_complete(write_book: BookWriter) -> None:
    path = write_book([{"name": "Bo", "groups": ["solo"]},
                       {"name": "Cy", "business": "caterer", "clients": ["brides"]}])
    code, out, err = invoke(path, "circle", "solo")
    assert code == 0, err
    assert "## Records to complete (no match scoring 5)" in out
    assert "- **Bo**: no match at all; add clients, referral sources, business" in out
    assert "a circle of one: no other member can make the introduction, so it is yours" in out
    assert "## Who makes which introduction" not in out
