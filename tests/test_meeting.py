"""`meeting`: names resolved leniently (unknown and ambiguous listed, the rest used), a
file of attendees, good pairs among attendees first and exact choices, the `contacted`
rows written once, and `--draft` files."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from introducer.book.model import Book
from introducer.circle.meeting import draftable, follow_up_meeting
from introducer.match.history import HistoryView
from introducer.match.rank import Matchmaker
from introducer.match.score import Suggestion
from tests.cli_helpers import example_copy, history_rows, invoke
from tests.conftest import BookWriter
from tests.test_score_properties import by_hand, cases

TODAY = dt.date(2026, 11, 23)


def best_total(pairs: list[Suggestion], count: int) -> int:
    best = 0
    for size in range(1, count + 1):
        for chosen in itertools.combinations(pairs, size):
            people = [c for p in chosen for c in (p.a.id, p.b.id)]
            if len(people) == len(set(people)):
                best = max(best, sum(round(p.score * 100) for p in chosen))
    return best


@given(cases(), st.integers(1, 3), st.integers(1, 3))
@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
def test_the_choice_is_the_best_of_every_pair_touching_an_attendee(
    case: tuple[Book, HistoryView], size: int, count: int
) -> None:
    book, history = case
    matchmaker = Matchmaker(book, today=TODAY, history=history)
    attendees = list({c.id: c for c in book.contacts}.values())[:size]
    there = {a.id for a in attendees}
    allowed = [p for p in by_hand(matchmaker) if draftable(p) and {p.a.id, p.b.id} & there]
    # With no pair counted good, there is one stage: the best of everything.
    followed = follow_up_meeting(matchmaker, attendees, count, good_score=float("inf"))
    chosen = [i.pair for i in followed.introductions]
    assert followed.optimal
    assert sum(round(p.score * 100) for p in chosen) == best_total(allowed, count)
    people = [c for p in chosen for c in (p.a.id, p.b.id)]
    assert len(people) == len(set(people))
    assert not {(p.a.id, p.b.id) for p in chosen} & set(history.hidden)


@pytest.fixture
def book(tmp_path: Path) -> Path:
    return example_copy(tmp_path)


def test_good_pairs_among_attendees_come_first(book: Path) -> None:
    code, out, err = invoke(book, "meeting", "--members", "Maria Lopez,Priya Shah,Sam Patel",
                            "--format", "json", "--no-record")
    assert code == 0, err
    document = json.loads(out)
    first = document["introductions"][0]
    assert (first["a"]["id"], first["b"]["id"], first["both_there"]) == (
        "maria-lopez", "priya-shah", True)
    assert [i["both_there"] for i in document["introductions"]][1:] == [False]
    assert first["draft"] == "introducer draft maria-lopez priya-shah"
    assert document["recorded"] == [] and "nothing recorded (--no-record)" in err


def test_a_file_with_unknown_and_ambiguous_names(write_book: BookWriter, tmp_path: Path) -> None:
    path = write_book([
        {"name": "Alex Kim", "business": "realtor", "clients": ["home buyers"]},
        {"name": "Alex King", "business": "mortgage broker", "clients": ["home buyers"]},
        {"name": "Dana Moss", "business": "home inspector", "clients": ["home buyers"]},
        {"name": "Eve Stone", "business": "mover", "clients": ["home buyers"]},
    ])
    listed = tmp_path / "mixer.txt"
    listed.write_text("# Tuesday mixer\nDana Mos\n\nalex\nBob Nobody\nEve Stone\n",
                      encoding="utf-8")
    code, out, err = invoke(path, "meeting", "--file", str(listed), "--format", "json")
    assert code == 0, err
    document = json.loads(out)
    assert [a["id"] for a in document["attendees"]] == ["dana-moss", "eve-stone"]
    assert [u["name"] for u in document["unresolved"]] == ["alex", "Bob Nobody"]
    assert 'warning: "alex" matches 2 contacts: "Alex Kim" (alex-kim), "Alex King" ' \
           "(alex-king); use the id; left out" in err
    assert 'warning: unknown contact "Bob Nobody"; left out' in err
    code, _, err = invoke(path, "meeting", "--members", "alex,nobody at all")
    assert code == 1 and err.startswith("error: none of the attendees is in the book: ")
    assert invoke(path, "meeting")[0] == 2


def test_the_attendees_are_recorded_as_met_once_on_the_meeting_day(book: Path) -> None:
    args = ("meeting", "--group", "tuesday breakfast", "--date", "2026-11-20")
    code, _, err = invoke(book, *args)
    assert code == 0, err
    rows = history_rows(book)
    assert {(r["kind"], r["date"], r["note"]) for r in rows} == {
        ("contacted", "2026-11-20", "met at tuesday breakfast")}
    assert sorted(r["a"] for r in rows) == ["daniel-okafor", "maria-lopez", "sam-patel",
                                            "tom-reed", "wendy-zhao"]
    code, _, err = invoke(book, *args)
    assert code == 0 and "already recorded as met on 2026-11-20: Maria Lopez" in err
    assert len(history_rows(book)) == 5
    assert invoke(book, "meeting", "-m", "maria-lopez", "--date", "2099-01-01")[0] == 2


def test_draft_writes_what_draft_would(book: Path, tmp_path: Path) -> None:
    out_dir = tmp_path / "out"
    code, out, err = invoke(book, "meeting", "-m", "Tom Reed,Daniel Okafor", "--draft",
                            "--out", str(out_dir), "--format", "json", "--no-record")
    assert code == 0, err
    document = json.loads(out)
    written = [Path(p).name for i in document["introductions"] for p in i["drafts"]]
    assert sorted(p.name for p in out_dir.iterdir()) == sorted(written)
    assert "daniel-okafor--grace-kim-2026-11-23.eml" in written
    assert history_rows(book) == []  # --no-record: drafting records nothing
    assert invoke(book, "meeting", "-m", "tom-reed", "--opt-in")[0] == 2


def test_table_prints_the_draft_lines(book: Path) -> None:
    code, out, _ = invoke(book, "meeting", "-m", "maria-lopez", "-n", "1")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split()[:4] == ["rank", "score", "a", "b"]
    assert lines[-1] == "introducer draft maria-lopez sofia-rossi"
