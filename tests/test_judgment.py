"""Ranking like a connector: what is urgent first, one answer per ask, nobody introduced to
someone they already know, and the user never counted as a third party.

Each case is a small book a user could write, run through the command line.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from introducer.cli.app import app
from introducer.ledger.entries import Entry
from introducer.ledger.store import Ledger
from tests.conftest import BookWriter

runner = CliRunner()


def suggestions(book: Path, *more: str) -> list[dict[str, Any]]:
    result = runner.invoke(app, ["--book", str(book), "suggest", "--format", "json", *more])
    assert result.exit_code == 0, result.stderr
    found: list[dict[str, Any]] = json.loads(result.stdout)["suggestions"]
    return found


def pairs(found: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(s["a"]["id"], s["b"]["id"]) for s in found]


def reasons(suggestion: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["kind"]: r for r in suggestion["reasons"]}


def explain(book: Path, a: str, b: str) -> dict[str, Any]:
    result = runner.invoke(app, ["--book", str(book), "explain", a, b, "--format", "json"])
    assert result.exit_code == 0, result.stderr
    payload: dict[str, Any] = json.loads(result.stdout)
    return payload


# Two evergreen referral partners who would top any list on their own.
PARTNERS = [
    {"name": "Rita Realtor", "business": "realtor", "clients": ["first time buyers"],
     "referral_sources": ["mortgage brokers"], "networker": "active"},
    {"name": "Mo Broker", "business": "mortgage broker", "clients": ["first time buyers"],
     "referral_sources": ["realtors"], "networker": "active"},
]


# ── urgent first ─────────────────────────────────────────────────────────────

def test_an_answered_ask_outranks_an_evergreen_partnership(write_book: BookWriter) -> None:
    book = write_book([
        *PARTNERS,
        {"name": "Luis Ortega", "business": "restaurant owner", "wants": ["an insurance agent"]},
        {"name": "Greg Olsen", "business": "insurance agent"},
    ])
    found = suggestions(book)
    assert pairs(found)[0] == ("greg-olsen", "luis-ortega")
    assert found[0]["urgent"] is True
    assert pairs(found)[1] == ("mo-broker", "rita-realtor") and found[1]["urgent"] is False


def test_a_person_living_through_an_event_outranks_an_evergreen_partnership(
        write_book: BookWriter) -> None:
    book = write_book([
        *PARTNERS,
        {"name": "Karen Hill", "business": "school nurse", "events": ["divorce"]},
        {"name": "Maria Lopez", "business": "divorce mediator"},
    ])
    assert pairs(suggestions(book))[0] == ("karen-hill", "maria-lopez")


def test_one_answer_per_ask_with_the_runners_up_named(write_book: BookWriter) -> None:
    book = write_book([
        {"name": "Jordan Pike", "business": "data analyst", "wants": ["anyone at Nationwide"]},
        {"name": "Ellen Shaw", "company": "Nationwide", "business": "analytics manager",
         "closeness": 5},
        {"name": "Jason Wolfe", "company": "Nationwide", "business": "claims adjuster"},
        {"name": "Tess Young", "company": "Nationwide", "business": "underwriter"},
    ])
    found = suggestions(book)
    assert pairs(found) == [("ellen-shaw", "jordan-pike")], "one suggestion for one ask"
    assert [p["id"] for p in found[0]["alternatives"]] == ["jason-wolfe", "tess-young"]
    table = runner.invoke(app, ["--book", str(book), "suggest"]).stdout
    assert "(or: Jason Wolfe, Tess Young)" in table


def test_every_ask_is_answered_whatever_the_cap(write_book: BookWriter) -> None:
    book = write_book([
        {"name": "Luis Ortega", "business": "restaurant owner",
         "wants": ["insurance agent", "web designer", "dentist"]},
        {"name": "Greg Olsen", "business": "insurance agent"},
        {"name": "Jess Park", "business": "web designer"},
        {"name": "Alan Whitaker", "business": "dentist"},
    ])
    found = pairs(suggestions(book, "--per-person", "2"))
    assert {("alan-whitaker", "luis-ortega"), ("greg-olsen", "luis-ortega"),
            ("jess-park", "luis-ortega")} <= set(found)


def test_a_person_in_a_life_event_is_held_to_the_cap(write_book: BookWriter) -> None:
    book = write_book([
        {"name": "Karen Hill", "business": "school nurse", "events": ["divorce"]},
        {"name": "Maria Lopez", "business": "divorce mediator"},
        {"name": "Tom Reed", "business": "matrimonial attorney"},
        {"name": "Priya Shah", "business": "therapist"},
    ])
    found = suggestions(book, "--per-person", "2")
    assert sum("karen-hill" in pair for pair in pairs(found)) == 2


# ── who already knows whom ───────────────────────────────────────────────────

def test_knows_lowers_a_pair_and_says_why(write_book: BookWriter) -> None:
    book = write_book([*PARTNERS[:1], {**PARTNERS[1], "knows": ["rita-realtor"]}])
    pair = explain(book, "rita", "mo")
    acquainted = reasons(pair)["already_acquainted"]
    assert acquainted["points"] < 0
    assert acquainted["text"] == "Mo and Rita already know each other"
    full = sum(r["points"] for r in pair["reasons"] if r["kind"] != "already_acquainted")
    assert round(full * 0.2, 2) == round(pair["score"], 2)
    [shown] = suggestions(book, "--include-acquainted")
    assert "already_acquainted" not in reasons(shown) and shown["score"] == round(full, 2)


def test_a_weekly_chapter_counts_as_acquainted_and_a_big_chamber_does_not(
        write_book: BookWriter) -> None:
    crowd = [{"name": f"Member {n}", "groups": ["Chamber", "BNI Tuesday Chapter"]}
             for n in range(20)]
    book = write_book([{**PARTNERS[0], "groups": ["BNI Tuesday Chapter"]},
                       {**PARTNERS[1], "groups": ["bni tuesday chapter"]}, *crowd])
    assert reasons(explain(book, "rita", "mo"))["already_acquainted"]["text"] == (
        "already know each other: both in BNI Tuesday Chapter")
    book = write_book([{**PARTNERS[0], "groups": ["Chamber"]},
                       {**PARTNERS[1], "groups": ["Chamber"]}, *crowd])
    assert "already_acquainted" not in reasons(explain(book, "rita", "mo"))


def test_settings_say_what_a_group_means(write_book: BookWriter) -> None:
    crowd = [{"name": f"Member {n}", "groups": ["Chamber"]} for n in range(20)]
    people = [{**PARTNERS[0], "groups": ["Chamber", "book club"]},
              {**PARTNERS[1], "groups": ["Chamber", "book club"]}, *crowd]
    small = explain(write_book(people), "rita", "mo")
    assert reasons(small)["already_acquainted"]["text"].endswith("both in book club"), (
        "a group of two is a circle")
    book = write_book(people, settings={"groups": {"book club": {"acquainted": False},
                                                   "chamber": {"acquainted": True}}})
    assert reasons(explain(book, "rita", "mo"))["already_acquainted"]["text"].endswith(
        "both in Chamber")


def test_check_warns_about_a_knows_id_nobody_has(write_book: BookWriter) -> None:
    book = write_book([{**PARTNERS[0], "knows": ["mo-brokr"]}, PARTNERS[1]])
    result = runner.invoke(app, ["--book", str(book), "check"])
    assert "knows: no contact has the id 'mo-brokr' (did you mean 'mo-broker'?)" in result.stdout


# ── the user is not a third party ────────────────────────────────────────────

def test_the_users_own_line_of_work_reads_as_you(write_book: BookWriter) -> None:
    people = [{"name": "Hana Lee", "business": "bookkeeper", "referral_sources": ["CPAs"]},
              {"name": "Liz Hardy", "business": "financial advisor",
               "referral_sources": ["CPAs"]}]
    book = write_book(people, me={"name": "Cy", "business": "CPA"})
    assert reasons(explain(book, "hana", "liz"))["shared_referral_sources"]["text"] == (
        "both get referrals from you")
    book = write_book(people, me={"name": "Cy"})
    assert reasons(explain(book, "hana", "liz"))["shared_referral_sources"]["text"] == (
        "both fed by CPAs")


def test_a_partner_of_the_user_is_not_sent_to_the_users_competitor(
        write_book: BookWriter) -> None:
    people = [{"name": "Hana Lee", "business": "bookkeeper", "referral_sources": ["CPAs"]},
              {"name": "Tom Hughes", "business": "accountant"}]
    book = write_book(people, me={"name": "Cy", "business": "CPA"})
    assert "referral_source" not in reasons(explain(book, "hana", "tom"))
    book = write_book(people, me={"name": "Cy", "business": "florist"})
    assert reasons(explain(book, "hana", "tom"))["referral_source"]["points"] > 0


# ── what else weighs in ──────────────────────────────────────────────────────

def test_how_well_the_user_knows_each_side_is_a_visible_reason(write_book: BookWriter) -> None:
    book = write_book([
        {**PARTNERS[0], "closeness": 5},
        {**PARTNERS[1], "closeness": 1, "last_contact": "2020-01-01"},
    ])
    pair = explain(book, "rita", "mo")
    vouching = [r for r in pair["reasons"] if r["kind"] == "closeness"]
    assert [r["text"] for r in vouching] == [
        "you know Rita well (closeness 5)",
        "you barely know Mo (closeness 1); you have not spoken with Mo since 2020-01-01",
    ]
    assert vouching[0]["points"] > 0 > vouching[1]["points"]


def test_a_rare_shared_hobby_outweighs_both_being_active(write_book: BookWriter) -> None:
    people = [{"name": f"P{n}", "hobbies": ["ham radio" if n < 3 else "golf"],
               "networker": "active"} for n in range(14)]
    found = reasons(explain(write_book(people), "p0", "p1"))
    assert found["shared_hobbies"]["points"] > found["both_active"]["points"]


def test_competitors_get_nothing_for_the_market_they_share(write_book: BookWriter) -> None:
    book = write_book([
        {"name": "Ellen Fisk", "business": "child therapist", "clients": ["kids of divorce"],
         "referral_sources": ["family lawyers"], "hobbies": ["cycling"]},
        {"name": "Lin Wu", "business": "child therapist", "clients": ["kids of divorce"],
         "referral_sources": ["family lawyers"], "hobbies": ["cycling"]},
    ])
    assert set(reasons(explain(book, "ellen", "lin"))) == {"shared_hobbies", "same_business"}


# ── today ────────────────────────────────────────────────────────────────────

def test_today_leads_with_asks_and_life_events(write_book: BookWriter) -> None:
    book = write_book([
        *PARTNERS,
        {"name": "Luis Ortega", "business": "restaurant owner", "wants": ["insurance agent"]},
        {"name": "Greg Olsen", "business": "insurance agent"},
    ])
    payload = json.loads(runner.invoke(app, ["--book", str(book), "today", "--format",
                                             "json"]).stdout)
    assert [s["urgent"] for s in payload["suggestions"]][:2] == [True, False]
    result = runner.invoke(app, ["--book", str(book), "today"])
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    urgent = out.index("Asks you can answer and life events you can help")
    # (the focus line under the goal may name anyone: the order is read from the sections)
    assert out.index("Luis Ortega", urgent) < out.index("\nSuggestions\n") < out.index("Rita")


def test_a_pair_back_from_a_snooze_arrives_whatever_the_caps(
        write_book: BookWriter, monkeypatch: Any) -> None:
    hub = {"name": "Hub", "business": "realtor", "clients": ["first time buyers"],
           "referral_sources": ["mortgage brokers"]}
    brokers = [{"name": f"Broker {n}", "business": "mortgage broker",
                "clients": ["first time buyers"], "referral_sources": ["realtors"]}
               for n in range(4)]
    weak = {"name": "Weak Link", "business": "florist", "hobbies": ["chess"]}
    book = write_book([hub, *brokers, weak, {"name": "Other", "hobbies": ["chess"]}])
    state = book.with_name(f"{book.stem}.introducer.sqlite3")
    with Ledger.open(state) as ledger:
        ledger.add(Entry("suggested", "broker-3", "hub", dt.date(2026, 11, 1)))
        ledger.add(Entry("snoozed", "broker-3", "hub", dt.date(2026, 11, 1),
                         until=dt.date(2026, 11, 23)))
    payload = json.loads(runner.invoke(app, ["--book", str(book), "today", "--format",
                                             "json", "--top", "2"]).stdout)
    back = [s for s in payload["suggestions"] if s["back"]]
    assert [(s["a"]["id"], s["b"]["id"]) for s in back] == [("broker-3", "hub")]


def test_a_primary_profession_for_an_event_outranks_a_secondary_one(
        write_book: BookWriter) -> None:
    book = write_book([
        {"name": "Karen Hill", "business": "school nurse", "events": ["getting divorced"]},
        {"name": "Vanessa Lord", "business": "luxury realtor"},
        {"name": "Tom Reed", "business": "divorce attorney"},
    ])
    lawyer = explain(book, "karen", "tom")
    realtor = explain(book, "karen", "vanessa")
    assert lawyer["score"] > 3 * realtor["score"] > 0
    assert pairs(suggestions(book, "--for", "karen"))[0] == ("karen-hill", "tom-reed")


def test_a_pressing_event_outranks_a_gentle_one(write_book: BookWriter) -> None:
    book = write_book([
        {"name": "Walt Kramer", "business": "teacher", "events": ["new grandchild"]},
        {"name": "Ruth Cole", "business": "teacher", "events": ["husband passed in September"]},
        {"name": "George Park", "business": "estate planning attorney"},
    ])
    assert explain(book, "ruth", "george")["score"] > 2 * explain(book, "walt", "george")["score"]


def test_a_retired_person_is_not_living_through_a_retirement(write_book: BookWriter) -> None:
    book = write_book([
        {"name": "Hal Peters", "business": "retired banker"},
        {"name": "Sandra Wu", "business": "state auditor", "events": ["retiring in January"]},
        {"name": "Liz Hardy", "business": "financial advisor"},
    ])
    retired = explain(book, "hal", "liz")["score"]
    assert 0 < retired < explain(book, "sandra", "liz")["score"] / 2


def test_the_two_sides_of_a_divorce_are_never_introduced_nor_sent_to_one_lawyer(
        write_book: BookWriter) -> None:
    book = write_book([
        {"name": "Rachel Moore", "business": "nurse practitioner", "events": ["getting divorced"],
         "closeness": 4},
        {"name": "Brian Moore", "business": "sales rep", "events": ["separated"]},
        {"name": "Steve Grant", "business": "family lawyer"},
    ])
    assert explain(book, "rachel", "brian")["excluded"] == (
        "Brian Moore and Rachel Moore look like the two sides of one divorce")
    found = pairs(suggestions(book))
    assert ("rachel-moore", "steve-grant") in found
    assert ("brian-moore", "steve-grant") not in found


def test_the_users_competitor_never_answers_an_ask_or_a_need(write_book: BookWriter) -> None:
    people = [{"name": "Derek Hale", "business": "engineer", "wants": ["a financial advisor"],
               "events": ["retiring in January"]},
              {"name": "Rick Sandoval", "business": "financial advisor"}]
    mine = explain(write_book(people, me={"name": "Jo", "business": "financial planner"}),
                   "derek", "rick")
    assert not {"wants", "needs_service"} & set(reasons(mine)), "Jo is the answer herself"
    theirs = explain(write_book(people, me={"name": "Jo", "business": "florist"}),
                     "derek", "rick")
    assert {"wants", "needs_service"} <= set(reasons(theirs))


def test_an_event_written_as_over_counts_for_less(write_book: BookWriter) -> None:
    book = write_book([
        {"name": "Dev Patel", "business": "physician", "events": ["divorce finalised"]},
        {"name": "Jess Alvarez", "business": "teacher", "events": ["getting divorced"]},
        {"name": "Linda Park", "business": "divorce lawyer"},
    ])
    assert explain(book, "dev", "linda")["score"] < explain(book, "jess", "linda")["score"] / 2


def test_notes_that_say_they_do_exactly_what_was_asked_make_the_better_answer(
        write_book: BookWriter) -> None:
    book = write_book([
        {"name": "Ava Chen", "business": "pharmacist", "wants": ["someone to do a prenup"]},
        {"name": "Dana Reyes", "business": "family lawyer", "closeness": 5},
        {"name": "Linda Park", "business": "family lawyer", "notes": "Also does prenups."},
    ])
    [best] = suggestions(book)
    assert pairs([best]) == [("ava-chen", "linda-park")]
    assert "wants_notes" in reasons(best)
    assert [p["id"] for p in best["alternatives"]] == ["dana-reyes"]


def test_someone_leaving_abuse_meets_a_litigator_and_an_advocate_not_a_mediator(
        write_book: BookWriter) -> None:
    book = write_book([
        {"name": "Tara James", "business": "bank teller",
         "events": ["leaving an abusive marriage"]},
        {"name": "Bruce Hale", "business": "family law litigator"},
        {"name": "Paula Vance", "business": "domestic violence advocate"},
        {"name": "Dana Reyes", "business": "collaborative divorce attorney"},
        {"name": "Maria Lopez", "business": "divorce mediator"},
    ])
    found = pairs(suggestions(book, "--for", "tara"))
    assert set(found[:2]) == {("bruce-hale", "tara-james"), ("paula-vance", "tara-james")}
    for settles_by_agreement in ("dana", "maria"):
        assert "needs_service" not in reasons(explain(book, "tara", settles_by_agreement))
    assert reasons(explain(book, "tara", "paula"))["needs_service"]["text"] == (
        "Paula's work (domestic violence advocate) can help with Tara's safety from abuse")


def test_a_coffee_shop_is_a_cafe_to_the_insurer_who_writes_cafes(
        write_book: BookWriter) -> None:
    book = write_book([
        {"name": "Tom Greer", "business": "owns a coffee shop",
         "wants": ["insurance for my coffee shop"]},
        {"name": "Dan Ross", "business": "insurance agent", "closeness": 4},
        {"name": "Rita Gomez", "business": "commercial insurance", "clients": ["cafes"]},
    ])
    [best] = suggestions(book, "--for", "tom")
    assert pairs([best]) == [("rita-gomez", "tom-greer")]
    assert [r["text"] for r in best["reasons"][:2]] == [
        "Tom asked for insurance for their coffee shop: Rita works in commercial insurance",
        "Rita serves cafes: Tom owns a coffee shop",
    ]
