"""`introducer gaps`: each kind of void on a book made for it, the focus person, `today`'s
line, and the example book read as a connector would."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from introducer.book.load import load_book
from introducer.cli.app import app
from introducer.gaps.people import week_focus
from introducer.gaps.professions import holders
from introducer.gaps.report import find_gaps
from introducer.match.rank import Matchmaker
from tests.conftest import EXAMPLE_BOOK, TODAY, BookWriter, make_book

runner = CliRunner()


def invoke(*args: str | Path) -> tuple[int, str, str]:
    result = runner.invoke(app, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


def gaps_json(book: Path, *extra: str) -> dict[str, Any]:
    code, out, err = invoke("--book", book, "gaps", "--format", "json", *extra)
    assert code == 0, err
    payload: dict[str, Any] = json.loads(out)
    return payload


def ids(people: list[dict[str, str]]) -> list[str]:
    return [p["id"] for p in people]


DIVORCING = [
    {"name": f"Client {n}", "business": "teacher", "events": ["divorce"], "hobbies": ["chess"]}
    for n in "ABC"
]
DIVORCE_PROS = [
    {"name": "Maria Lopez", "business": "divorce mediator", "clients": ["divorcing couples"],
     "networker": "active"},
    {"name": "Tom Reed", "business": "matrimonial attorney", "clients": ["divorcing couples"],
     "referral_sources": ["therapists"], "networker": "active"},
]


def test_divorce_names_the_missing_primary_professions(write_book: BookWriter) -> None:
    book = write_book([*DIVORCING, *DIVORCE_PROS])
    payload = gaps_json(book)
    [divorce] = payload["events"]
    assert divorce["event"] == "divorce"
    assert ids(divorce["people"]) == ["client-a", "client-b", "client-c"]
    known = {k["profession"] for k in divorce["known"]}
    assert {"mediator", "matrimonial attorney"} <= known
    missing = {m["profession"]: m["role"] for m in divorce["missing"]}
    assert missing["therapist"] == "primary" and missing["financial advisor"] == "secondary"
    assert "mediator" not in missing
    roles = [m["role"] for m in divorce["missing"]]
    assert roles == sorted(roles, key=lambda r: r != "primary"), "primary first"
    therapist = next(m for m in divorce["missing"] if m["profession"] == "therapist")
    assert ids(therapist["finders"]) == ["tom-reed"], "Tom gets referrals from therapists"
    assert divorce["summary"].startswith("3 contacts living through divorce; you know a ")
    code, out, _ = invoke("--book", book, "gaps")
    assert code == 0
    assert "Life events without the professionals they need" in out
    assert "but no " in out and "therapist" in out


def test_someone_marked_introduce_false_fills_no_void(write_book: BookWriter) -> None:
    pros = [*DIVORCE_PROS, {"name": "Priya Shah", "business": "therapist", "introduce": False}]
    payload = gaps_json(write_book([*DIVORCING, *pros]))
    missing = {m["profession"] for m in payload["events"][0]["missing"]}
    assert "therapist" in missing


def test_professions_held_only_by_passive_networkers(write_book: BookWriter) -> None:
    book = write_book([
        {"name": "Jorge Alvarez", "business": "CPA", "networker": "passive"},
        {"name": "Amir Haddad", "business": "dentist", "networker": "passive"},
        {"name": "Ann Dent", "business": "dentist", "networker": "active"},
        {"name": "Uma Unsaid", "business": "plumber"},
    ])
    payload = gaps_json(book)
    assert [(p["profession"], ids(p["people"])) for p in payload["passive_professions"]] == [
        ("accountant", ["jorge-alvarez"])]
    _, out, _ = invoke("--book", book, "gaps")
    assert "Professions only passive networkers hold" in out
    assert "get to know an active accountant, or ask Jorge Alvarez" in out


def test_asks_nobody_answers(write_book: BookWriter) -> None:
    book = write_book([
        {"name": "Rosa Martinez", "business": "restaurant owner",
         "wants": ["business broker", "a pediatrician"]},
        {"name": "Lucy Tran", "business": "pediatrician"},
        {"name": "Kevin Bank", "business": "business banker",
         "referral_sources": ["business brokers"]},
        {"name": "Nina Petrova", "business": "business broker", "introduce": False},
    ])
    payload = gaps_json(book)
    [ask] = payload["open_asks"]
    assert ask["asker"]["id"] == "rosa-martinez" and ask["ask"] == "business broker"
    assert ask["professions"] == ["business broker"]
    assert ids(ask["finders"]) == ["kevin-bank"]
    assert ask["action"] == "ask Kevin Bank to introduce a business broker"


def test_an_ask_the_users_own_line_answers_is_no_void(write_book: BookWriter) -> None:
    book = write_book([{"name": "Rosa", "wants": ["an accountant"]}],
                      me={"name": "Ana", "business": "CPA"})
    assert gaps_json(book)["open_asks"] == []


def test_contacts_with_no_good_match_and_what_would_help(write_book: BookWriter) -> None:
    book = write_book([
        *DIVORCING[:1], *DIVORCE_PROS,
        {"name": "Lone Wolf", "business": "astronaut", "hobbies": ["kite surfing"]},
    ])
    payload = gaps_json(book)
    lone = next(i for i in payload["isolated"] if i["id"] == "lone-wolf")
    assert lone["best_score"] is None and lone["best_with"] is None
    assert lone["empty_fields"][:2] == ["clients", "referral_sources"]
    assert lone["unshared"] == ["kite surfing"]
    assert "maria-lopez" not in ids(payload["isolated"])
    assert lone["action"].startswith("add clients, referral sources, networker")


def test_the_threshold_is_an_option(write_book: BookWriter) -> None:
    book = write_book([*DIVORCING[:1], *DIVORCE_PROS])
    assert ids(gaps_json(book)["isolated"]) == []
    assert ids(gaps_json(book, "--min-score", "500")["isolated"]) == [
        "client-a", "maria-lopez", "tom-reed"]


def test_best_scores_are_the_matchmakers(write_book: BookWriter) -> None:
    """The best score shown is what `suggest --for` ranks first for that contact."""
    book = write_book([*DIVORCING[:1], *DIVORCE_PROS,
                       {"name": "Sam Sailor", "hobbies": ["chess"], "business": "sailor"}])
    payload = gaps_json(book, "--min-score", "100")
    for item in payload["isolated"]:
        _, out, _ = invoke("--book", book, "suggest", "--for", item["id"], "--format", "json",
                              "--top", "1")
        best = json.loads(out)["suggestions"]
        assert item["best_score"] == (best[0]["score"] if best else None), item["id"]


STALE_BOOK = [
    {"name": "Client A", "business": "teacher", "events": ["divorce"], "closeness": 4,
     "last_contact": "2026-11-20"},
    {"name": "Maria Lopez", "business": "divorce mediator", "clients": ["divorcing couples"],
     "closeness": 5, "last_contact": "2026-11-01"},
    {"name": "Tom Reed", "business": "matrimonial attorney", "clients": ["divorcing couples"],
     "closeness": 2, "last_contact": "2024-01-05"},
    {"name": "Priya Shah", "business": "family therapist", "closeness": 3,
     "last_contact": "2025-11-30"},
]


def test_stale_relationships_among_the_useful_ones(write_book: BookWriter) -> None:
    payload = gaps_json(write_book(STALE_BOOK))
    [tom] = payload["stale"]
    assert tom["id"] == "tom-reed" and tom["last_contact"] == "2024-01-05"
    assert tom["days_since"] == (dt.date.fromisoformat(TODAY) - dt.date(2024, 1, 5)).days
    assert tom["good_introductions"] >= 1 and tom["worth"] > 0


def test_a_contact_recorded_in_the_ledger_is_not_stale(write_book: BookWriter) -> None:
    book = write_book(STALE_BOOK)
    code, _, err = invoke("--book", book, "contacted", "tom-reed")
    assert code == 0, err
    assert gaps_json(book)["stale"] == []


def test_the_focus_person_is_high_potential_and_low_closeness(write_book: BookWriter) -> None:
    payload = gaps_json(write_book(STALE_BOOK))
    focus = payload["focus"]
    assert focus["id"] == "tom-reed", "Maria is as close as it gets; Tom is far and stale"
    assert focus["why"][1:] == ["closeness 2", "last in touch 2024-01-05 (1053 days ago)"]
    assert focus["action"].startswith("get in touch with Tom Reed, then introduce them to ")


def test_the_focus_is_the_same_for_the_same_book_and_day(write_book: BookWriter) -> None:
    book = write_book(STALE_BOOK)
    assert gaps_json(book)["focus"] == gaps_json(book)["focus"]


def test_nobody_to_focus_on_when_everyone_is_close(write_book: BookWriter) -> None:
    close = [{**c, "closeness": 5, "last_contact": "2026-11-01"} for c in STALE_BOOK]
    assert gaps_json(write_book(close))["focus"] is None


def test_network_balance(write_book: BookWriter) -> None:
    book = write_book([
        {"name": f"Ref {n}", "network": ["referral"]} for n in range(4)
    ] + [{"name": "Info", "network": "information, support"}, {"name": "Nobody"}])
    network = gaps_json(book)["network"]
    assert network["counts"] == {"information": 1, "support": 1, "referral": 4}
    assert network["thin"] == ["information", "support"]
    assert ids(network["untagged"]) == ["nobody"]


def test_a_network_tag_nobody_knows_is_a_book_error(write_book: BookWriter) -> None:
    book = write_book([{"name": "Ann", "network": ["gossip"]}])
    code, out, err = invoke("--book", book, "gaps")
    assert code == 1 and out == ""
    assert "network" in err and "Traceback" not in err


def test_json_contract(write_book: BookWriter) -> None:
    payload = gaps_json(write_book(STALE_BOOK))
    assert set(payload) == {"version", "today", "min_score", "events", "passive_professions",
                            "open_asks", "isolated", "stale", "network", "focus"}
    assert payload["version"] == 1 and payload["today"] == TODAY and payload["min_score"] == 5
    assert set(payload["focus"]) == {"id", "name", "good_introductions", "worth", "best_with",
                                     "best_score", "closeness", "last_contact", "days_since",
                                     "stale", "why", "action"}


def test_markdown_notes(write_book: BookWriter) -> None:
    code, out, _ = invoke("--book", write_book(STALE_BOOK), "gaps", "--format", "markdown")
    assert code == 0
    assert out.startswith(f"# Gaps in the network: {TODAY}\n")
    assert "## Useful relationships gone quiet\n\n- **Tom Reed**:" in out
    assert "## This week's focus\n\nTom Reed:" in out


def test_an_empty_book_has_no_gaps_and_exits_0(write_book: BookWriter) -> None:
    payload = gaps_json(write_book([]))
    assert payload["events"] == [] and payload["focus"] is None


def test_errors_are_one_line(tmp_path: Path) -> None:
    code, _, err = invoke("--book", tmp_path / "missing.yaml", "gaps")
    assert code == 1 and err.count("\n") == 1
    code, _, err = invoke("--book", tmp_path / "missing.yaml", "gaps", "--format", "csv")
    assert code == 2


def test_today_shows_the_focus_person(write_book: BookWriter) -> None:
    book = write_book(STALE_BOOK)
    code, out, err = invoke("--book", book, "today", "--format", "json")  # before it is quiet
    assert code == 0, err
    assert json.loads(out)["focus"] == gaps_json(book)["focus"]
    code, out, err = invoke("--book", book, "today")
    assert code == 0, err
    [line] = [row for row in out.splitlines() if row.startswith("This week's focus: ")]
    assert line.startswith("This week's focus: Tom Reed: in ")


# ── the example book ─────────────────────────────────────────────────────────

def test_the_example_book_names_real_voids() -> None:
    payload = gaps_json(EXAMPLE_BOOK)
    events = {v["event"]: v for v in payload["events"]}
    divorce = events["divorce"]
    assert ids(divorce["people"]) == ["sofia-rossi"]
    assert {"mediator", "matrimonial attorney", "therapist"} <= {
        k["profession"] for k in divorce["known"]}
    primary = {m["profession"] for m in divorce["missing"] if m["role"] == "primary"}
    assert "divorce financial analyst" in primary
    relocation = {m["profession"]: m for m in events["relocation"]["missing"]}
    assert ids(relocation["relocation specialist"]["finders"]) == ["sam-patel", "lena-fischer"]
    assert "moving company" in relocation, "Frank Miller asked not to be introduced"
    assert [p["profession"] for p in payload["passive_professions"]] == ["accountant", "dentist"]
    assert payload["open_asks"] == [], "every ask in the example is answered"
    assert ids(payload["isolated"]) == ["carla-mendes"]
    assert "jorge-alvarez" in ids(payload["stale"])
    assert payload["network"]["thin"] == ["information", "support"]
    assert payload["focus"]["id"] == "amir-haddad"


# ── properties ───────────────────────────────────────────────────────────────

BUSINESSES = ["divorce mediator", "matrimonial attorney", "therapist", "realtor", "CPA",
              "financial advisor", "pediatrician", "doula", "moving company", "teacher"]
EVENTS = ["divorce", "new baby", "relocation", "retirement"]


@settings(max_examples=30)
@given(st.lists(st.tuples(st.sampled_from(BUSINESSES), st.sets(st.sampled_from(EVENTS)),
                          st.booleans()), max_size=8))
def test_every_missing_profession_is_absent_from_the_book(
        people: list[tuple[str, set[str], bool]]) -> None:
    book = make_book([{"name": f"P{i}", "id": f"p{i}", "business": business,
                       "events": sorted(events), "introduce": introduce}
                      for i, (business, events, introduce) in enumerate(people)])
    matchmaker = Matchmaker(book, today=dt.date.fromisoformat(TODAY))
    prepared = matchmaker.prepared
    held = holders(prepared)
    found = find_gaps(matchmaker, {})
    for void in found.events:
        assert void.people, "an event nobody lives through is no void"
        living = {c.id for c in void.people}
        for missing in void.missing:
            # Only someone living through the event alone may hold it: no help to themselves.
            others = {book.contacts[r].id for r in held.of(missing.profession)}
            assert not others or (others == living and len(living) == 1), missing.profession
            assert all(book.contacts[r].introduce for r in held.of(missing.profession))
    for passive in found.passive:
        assert all(c.networker == "passive" for c in passive.people)


EVAL_BOOKS = Path(__file__).parent.parent / "eval" / "books"


@pytest.mark.parametrize("path", [EXAMPLE_BOOK, *(EVAL_BOOKS / f"{name}.yaml" for name in
                                                  ("cpa-bni", "mediator-family",
                                                   "planner-heldout"))])
def test_todays_focus_is_the_one_gaps_chooses(path: Path) -> None:
    # `today` scores only the pairs that can be good; the choice must not change.
    book = load_book(path)
    matchmaker = Matchmaker(book, today=dt.date(2026, 12, 1))
    assert week_focus(matchmaker, {}) == find_gaps(matchmaker, {}).focus
