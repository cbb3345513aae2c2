"""Asks (`wants`) matched the way people mean them: needs, professions, companies, notes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from introducer.book.schema import Weights
from introducer.cli.app import app
from tests.conftest import BookWriter

runner = CliRunner()
W = Weights()

LUIS = {"name": "Luis Ortega", "business": "restaurant owner",
        "wants": ["commercial insurance", "new website", "a good dentist"]}
PROS = [{"name": "Greg Olsen", "business": "insurance agent"},
        {"name": "Jess Park", "business": "web designer"},
        {"name": "Alan Whitaker", "business": "dentist"}]


def suggestions(book: Path, *args: str) -> list[dict[str, Any]]:
    result = runner.invoke(app, ["--book", str(book), "suggest", "--format", "json", *args])
    assert result.exit_code == 0, result.stderr
    found: list[dict[str, Any]] = json.loads(result.stdout)["suggestions"]
    return found


def reasons_for(book: Path, focus: str) -> dict[str, list[dict[str, Any]]]:
    """Each partner of `focus` (by name) and the reasons of that pair: those suggested,
    and the runners-up named beside the best answer to an ask."""
    out: dict[str, list[dict[str, Any]]] = {}
    for s in suggestions(book, "--for", focus, "--top", "50"):
        other = s["b"] if s["a"]["id"] == focus else s["a"]
        out[other["name"]] = s["reasons"]
        for second in s["alternatives"]:
            result = runner.invoke(app, ["--book", str(book), "explain", focus,
                                         second["id"], "--format", "json"])
            assert result.exit_code == 0, result.stderr
            out[second["name"]] = json.loads(result.stdout)["reasons"]
    return out


def texts(reasons: list[dict[str, Any]], kind: str) -> list[str]:
    return [r["text"] for r in reasons if r["kind"] == kind]


def test_a_restaurant_owner_finds_insurance_a_website_and_a_dentist(
    write_book: BookWriter,
) -> None:
    book = write_book([LUIS, *PROS])
    found = reasons_for(book, "luis-ortega")
    assert texts(found["Greg Olsen"], "wants") == [
        "Luis asked for commercial insurance: Greg is an insurance agent"]
    assert texts(found["Jess Park"], "wants") == [
        "Luis asked for a new website: Jess is a web designer"]
    assert texts(found["Alan Whitaker"], "wants") == [
        "Luis asked for a good dentist: Alan is a dentist"]
    check = runner.invoke(app, ["--book", str(book), "check"])
    assert check.exit_code == 0 and "warning:" not in check.stdout + check.stderr


@pytest.mark.parametrize(
    ("want", "business"),
    [("business insurance", "insurance agent"), ("website", "web designer"),
     ("web design", "web developer"), ("someone to build a website", "web designer"),
     ("a dentist for my kids", "dentist"), ("a dentist for my kids", "pediatric dentist"),
     ("someone who buys service businesses", "search fund buyer"),
     ("someone who buys service businesses", "business broker"),
     ("someone who buys service businesses", "private equity acquirer"),
     ("a Spanish-speaking immigration attorney", "immigration lawyer"),
     ("help with my taxes", "CPA"), ("a will", "estate planning attorney"),
     ("Medicare", "Medicare advisor"), ("H-1B visa", "immigration attorney"),
     ("buy a house", "realtor"), ("buy a house", "mortgage broker"),
     ("payroll", "payroll provider"),
     ("a reliable roofer", "roofing contractor"), ("an attorney", "elder law attorney"),
     ("food for our office", "caterer"), ("intro to a good realter", "real estate agent")],
)
def test_asks_find_the_profession_meant(want: str, business: str, write_book: BookWriter) -> None:
    book = write_book([{"name": "Ana Ruiz", "wants": [want]},
                       {"name": "Tom Reed", "business": business}])
    found = reasons_for(book, "ana-ruiz")
    assert texts(found.get("Tom Reed", []), "wants"), (want, business)


@pytest.mark.parametrize(
    ("want", "business"),
    [("a therapist", "physical therapist"), ("commercial insurance", "web designer"),
     ("someone who will do my taxes", "estate planning attorney"),
     ("a dentist for my kids", "pediatrician"),
     ("anyone at Nationwide Insurance", "insurance agent"),
     ("a restaurant critic", "restaurant owner")],
)
def test_asks_do_not_find_what_was_not_meant(
    want: str, business: str, write_book: BookWriter
) -> None:
    book = write_book([{"name": "Ana Ruiz", "wants": [want]},
                       {"name": "Tom Reed", "business": business}])
    assert "Tom Reed" not in reasons_for(book, "ana-ruiz")


def test_company_asks_need_the_company_by_whole_words(write_book: BookWriter) -> None:
    book = write_book([
        {"name": "Maya Chen", "wants": ["anyone at Nationwide"]},
        {"name": "Tom Reed", "company": "Nationwide Insurance", "business": "claims adjuster"},
        {"name": "Nia Cole", "company": "Nationwider Ltd", "business": "clerk"},
        {"name": "Sam Wu", "company": "Allied Nationwide Services Inc.", "business": "driver"},
    ])
    found = reasons_for(book, "maya-chen")
    assert texts(found["Tom Reed"], "wants") == [
        "Maya asked for anyone at Nationwide: Tom works at Nationwide Insurance"]
    assert texts(found["Sam Wu"], "wants")
    assert "Nia Cole" not in found


@pytest.mark.parametrize("want", ["someone at Nationwide", "intro to someone at Nationwide",
                                  "a contact at Nationwide", "someone who works at Nationwide",
                                  "works at Nationwide"])
def test_ways_of_asking_for_a_company(want: str, write_book: BookWriter) -> None:
    book = write_book([{"name": "Maya Chen", "wants": [want]},
                       {"name": "Tom Reed", "company": "Nationwide Insurance"}])
    assert texts(reasons_for(book, "maya-chen")["Tom Reed"], "wants")


def test_an_unmarked_ask_still_needs_the_exact_company(write_book: BookWriter) -> None:
    book = write_book([
        {"name": "Maya Chen", "wants": ["insurance"]},
        {"name": "Tom Reed", "company": "Nationwide Insurance", "business": "clerk"},
    ])
    assert "Tom Reed" not in reasons_for(book, "maya-chen")


def test_notes_add_a_lower_weighted_labelled_reason(write_book: BookWriter) -> None:
    book = write_book([
        {"name": "Maya Chen", "wants": ["a Spanish-speaking immigration attorney"]},
        {"name": "Tom Reed", "business": "immigration attorney",
         "notes": "Met at the chamber mixer. Speaks Spanish and Portuguese."},
        {"name": "Ben Ode", "business": "immigration attorney"},
        {"name": "Eva Sol", "business": "paralegal", "notes": "speaks Spanish"},
    ])
    found = reasons_for(book, "maya-chen")
    tom = {r["kind"]: r for r in found["Tom Reed"]}
    assert tom["wants"]["points"] == W.wants
    assert tom["wants_notes"]["points"] == W.wants_notes
    assert W.wants_notes < W.wants
    assert tom["wants_notes"]["text"] == (
        "Maya asked for a Spanish-speaking immigration attorney: Tom fits the rest of it too "
        "(from your notes on Tom: 'Speaks Spanish and Portuguese')")
    assert tom["wants_notes"]["values"] == ["a Spanish-speaking immigration attorney"]
    assert [r["kind"] for r in found["Ben Ode"]] == ["wants"]
    assert "Eva Sol" not in found  # the qualifier alone is not the ask


def test_notes_alone_can_fit_a_whole_ask(write_book: BookWriter) -> None:
    book = write_book([
        {"name": "Maya Chen", "wants": ["someone who speaks Mandarin"]},
        {"name": "Tom Reed", "business": "plumber", "notes": "Grew up in Taipei; speaks Mandarin."},
    ])
    reasons = reasons_for(book, "maya-chen")["Tom Reed"]
    assert [(r["kind"], r["points"]) for r in reasons] == [("wants_notes", W.wants_notes)]
    assert reasons[0]["text"] == (
        "Maya asked for someone who speaks Mandarin: worth asking Tom "
        "(from your notes on Tom: 'speaks Mandarin')")


def test_explain_shows_the_notes_reason(write_book: BookWriter) -> None:
    book = write_book([
        {"name": "Maya Chen", "wants": ["someone who speaks Mandarin"]},
        {"name": "Tom Reed", "business": "plumber", "notes": "speaks Mandarin"},
    ])
    result = runner.invoke(app, ["--book", str(book), "explain", "maya", "tom"])
    assert result.exit_code == 0, result.stderr
    assert "wants_notes" in result.stdout and "from your notes on Tom" in result.stdout


def test_a_retired_person_is_a_client_of_who_serves_retirees(write_book: BookWriter) -> None:
    book = write_book([
        {"name": "Rita Plan", "business": "retirement planner", "clients": ["retirees"]},
        {"name": "Pat Rett", "business": "retired plant manager"},
        {"name": "Gil Golf", "business": "golf instructor", "clients": ["retirees"]},
    ])
    pat = reasons_for(book, "pat-rett")
    rita = {r["kind"]: r["text"] for r in pat["Rita Plan"]}
    assert rita["needs_service"] == (
        "Rita's work (retirement planner) can help with Pat's retirement")
    assert rita["potential_client"] == "Rita serves retirees: Pat is a retired plant manager"
    assert texts(pat["Gil Golf"], "potential_client")


def test_life_events_as_written_meet_who_serves_them(write_book: BookWriter) -> None:
    book = write_book([
        {"name": "Dana Fox", "events": ["getting divorced", "lost my job"]},
        {"name": "Maria Lopez", "business": "divorce mediator"},
        {"name": "Carl Coach", "business": "career coach"},
    ])
    found = reasons_for(book, "dana-fox")
    assert texts(found["Maria Lopez"], "needs_service") == [
        "Maria's work (divorce mediator) can help with Dana's divorce"]
    assert texts(found["Carl Coach"], "needs_service") == [
        "Carl's work (career coach) can help with Dana's job loss"]


def test_settings_professions_reach_suggest(write_book: BookWriter) -> None:
    book = write_book(
        [{"name": "Ana Ruiz", "wants": ["quickbooks cleanup"]},
         {"name": "Tom Reed", "business": "books"}],
        settings={"professions": {"bookkeeper": {"synonyms": ["books"],
                                                 "needs": ["quickbooks cleanup"]}}},
    )
    assert texts(reasons_for(book, "ana-ruiz")["Tom Reed"], "wants") == [
        "Ana asked for a quickbooks cleanup: Tom is a books"]


def test_a_misspelt_settings_professions_key_is_an_error(write_book: BookWriter) -> None:
    book = write_book([{"name": "Ana Ruiz"}],
                      settings={"professions": {"bookkeeper": {"synonym": ["books"]}}})
    result = runner.invoke(app, ["--book", str(book), "check"])
    assert result.exit_code == 1
    assert ("settings.professions.bookkeeper: unknown field 'synonym' "
            "(did you mean 'synonyms'?)") in result.stdout


def reaches(write_book: BookWriter, want: str, business: str) -> bool:
    """Whether Ana's one ask finds Tom, who does `business`, as an ask (a `wants` reason)."""
    book = write_book([{"name": "Ana Ruiz", "wants": [want]},
                       {"name": "Tom Reed", "business": business}])
    return bool(texts(reasons_for(book, "ana-ruiz").get("Tom Reed", []), "wants"))


# ── Purpose clauses: the head names the profession, the rest only qualifies it ──

@pytest.mark.parametrize(
    ("want", "business"),
    [("a CPA to sort out taxes after divorce", "accountant"),
     ("a therapist for my son", "family therapist"),
     ("insurance for my coffee shop", "marine insurance"),  # no profession: by its words
     ("insurance for my coffee shop", "insurance agent"),
     ("a lawyer to look at my lease", "business attorney"),
     ("a plumber who speaks Spanish", "plumber"),
     ("help with taxes for my bakery", "CPA")],
)
def test_the_head_of_an_ask_finds_its_profession(
    want: str, business: str, write_book: BookWriter
) -> None:
    assert reaches(write_book, want, business), (want, business)


@pytest.mark.parametrize(
    ("want", "business"),
    [("a CPA to sort out taxes after divorce", "divorce lawyer"),
     ("a therapist for my son", "pediatrician"),
     ("a plumber who speaks Spanish", "translator"),
     ("a realtor to help with my divorce", "mediator")],
)
def test_a_purpose_clause_names_no_profession_of_its_own(
    want: str, business: str, write_book: BookWriter
) -> None:
    assert not reaches(write_book, want, business), (want, business)


# ── Company asks with a place or a unit ──

@pytest.mark.parametrize(
    ("want", "company"),
    [("anyone at Honda in Marysville", "Honda of America"),
     ("anyone at Intel Folsom", "Intel"),
     ("someone at Intel near Folsom", "Intel Corporation"),
     ("anyone at OhioHealth", "OhioHealth Hospice"),
     ("anyone at Mercy", "Mercy Health")],
)
def test_a_company_ask_with_a_place_or_a_unit(
    want: str, company: str, write_book: BookWriter
) -> None:
    book = write_book([{"name": "Ana Ruiz", "wants": [want]},
                       {"name": "Tom Reed", "company": company, "business": "engineer"}])
    assert texts(reasons_for(book, "ana-ruiz")["Tom Reed"], "wants") == [
        f"Ana asked for {want}: Tom works at {company}"]


@pytest.mark.parametrize(
    ("want", "company"),
    [("anyone at Health", "Mercy Health"), ("anyone at Services", "Allied Services"),
     ("anyone at Harbor", "Harborside Ltd"), ("anyone at Intel Folsom", "Intelligent Co"),
     ("anyone at Honda in Marysville", "Marysville Dental")],
)
def test_a_company_ask_never_matches_on_generic_words_or_the_place(
    want: str, company: str, write_book: BookWriter
) -> None:
    book = write_book([{"name": "Ana Ruiz", "wants": [want]},
                       {"name": "Tom Reed", "company": company, "business": "engineer"}])
    assert "Tom Reed" not in reasons_for(book, "ana-ruiz")


# ── Needs the table knows ──

@pytest.mark.parametrize(
    ("want", "business"),
    [("someone to help me sell or hand off the shop", "business broker"),
     ("succession plan", "business broker"), ("succession plan", "exit planner"),
     ("an exit", "business broker"),
     ("bonding for city contracts", "insurance agent"),
     ("bonding for city contracts", "surety bond agent"), ("surety bond", "insurance agent"),
     ("commercial cleaning company for two buildings", "commercial cleaning"),
     ("help paying for college", "college planning consultant"),
     ("FAFSA", "college planning consultant"), ("scholarships", "college planning consultant"),
     ("SBA loan", "SBA lender"), ("SBA loan", "commercial banker"),
     ("restraining order", "family law litigator"),
     ("restraining order", "domestic violence advocate"),
     ("a lawyer who does restraining orders", "family law attorney"),
     ("liability coverage", "insurance agent"),
     ("more liability coverage for my coffee shop", "commercial insurance"),
     ("a babysitter", "babysitter"), ("a dog walker", "dog walker"),
     ("a pet sitter", "dog walker"), ("a house sitter", "house sitter")],
)
def test_needs_the_table_knows(want: str, business: str, write_book: BookWriter) -> None:
    assert reaches(write_book, want, business), (want, business)


@pytest.mark.parametrize(
    ("want", "business"),
    [("someone to help me sell or hand off the shop", "retailer"),
     ("bonding for city contracts", "business attorney"),
     ("a babysitter", "daycare center"), ("a dog walker", "veterinarian")],
)
def test_needs_do_not_reach_what_they_do_not_mean(
    want: str, business: str, write_book: BookWriter
) -> None:
    assert not reaches(write_book, want, business), (want, business)


@pytest.mark.parametrize(
    ("want", "notes"),
    [("a babysitter", "Walks dogs and babysits after school."),
     ("a dog walker", "Walks dogs and babysits after school.")],
)
def test_notes_words_are_lightly_stemmed(want: str, notes: str, write_book: BookWriter) -> None:
    book = write_book([{"name": "Ana Ruiz", "wants": [want]},
                       {"name": "Zoe Park", "business": "high school student", "notes": notes}])
    reasons = reasons_for(book, "ana-ruiz")["Zoe Park"]
    assert [(r["kind"], r["points"]) for r in reasons] == [("wants_notes", W.wants_notes)]


# ── Best answer among several: `wants_fit` ──

def test_the_lawyer_whose_work_covers_the_purpose_fits_best(write_book: BookWriter) -> None:
    book = write_book([
        {"name": "Olivia Burke", "business": "yoga studio owner",
         "wants": ["a lawyer to look at my lease"]},
        {"name": "Sean McCoy", "business": "business attorney"},
        {"name": "Rhea Lund", "business": "real estate attorney"},
        {"name": "Ed Stone", "business": "estate planning attorney"},
    ])
    found = reasons_for(book, "olivia-burke")
    for name in ("Sean McCoy", "Rhea Lund"):
        kinds = {r["kind"]: r for r in found[name]}
        assert kinds["wants"]["points"] == W.wants
        assert kinds["wants_fit"]["points"] == W.wants_fit
    assert texts(found["Sean McCoy"], "wants_fit") == [
        "Olivia asked for a lawyer to look at their lease: best fit, Sean's work also covers lease"]
    assert texts(found["Ed Stone"], "wants") and not texts(found["Ed Stone"], "wants_fit")
    top = suggestions(book, "--for", "olivia-burke")[0]
    assert top["b"]["name"] in ("Sean McCoy", "Rhea Lund") or top["a"]["name"] == "Rhea Lund"
    assert top["score"] == pytest.approx(sum(r["points"] for r in top["reasons"]))


def test_a_company_ask_prefers_the_askers_line_of_work(write_book: BookWriter) -> None:
    book = write_book([
        {"name": "Maria Santos", "business": "ER nurse", "wants": ["anyone at OhioHealth"]},
        {"name": "Tasha Green", "business": "nurse manager", "company": "OhioHealth"},
        {"name": "Gail Hope", "business": "grief counselor", "company": "OhioHealth Hospice"},
    ])
    found = reasons_for(book, "maria-santos")
    assert texts(found["Tasha Green"], "wants_fit") == [
        "Maria asked for anyone at OhioHealth: best fit, Tasha is in Maria's line of work "
        "(nurse)"]
    assert texts(found["Gail Hope"], "wants") and not texts(found["Gail Hope"], "wants_fit")
    best = suggestions(book, "--for", "maria-santos")[0]
    assert "tasha-green" in (best["a"]["id"], best["b"]["id"])
    assert sum(r["points"] for r in found["Tasha Green"]) == pytest.approx(
        sum(r["points"] for r in found["Gail Hope"]) + W.wants_fit)


def test_clients_and_notes_can_fit_the_qualifiers(write_book: BookWriter) -> None:
    book = write_book([
        {"name": "Vince Amato", "wants": ["an accountant for my restaurant"]},
        {"name": "Hana Lee", "business": "CPA", "clients": ["restaurants"]},
        {"name": "Nick Soto", "business": "accountant", "notes": "Does a lot of restaurant books."},
        {"name": "Ben Ode", "business": "accountant", "clients": ["dentists"]},
    ])
    found = reasons_for(book, "vince-amato")
    assert texts(found["Hana Lee"], "wants_fit") and texts(found["Nick Soto"], "wants_fit")
    assert not texts(found["Ben Ode"], "wants_fit")


def test_wants_fit_weight_zero_turns_it_off(write_book: BookWriter) -> None:
    book = write_book([{"name": "Olivia Burke", "wants": ["a lawyer to look at my lease"]},
                       {"name": "Sean McCoy", "business": "business attorney"}],
                      settings={"weights": {"wants_fit": 0}})
    assert [r["kind"] for r in reasons_for(book, "olivia-burke")["Sean McCoy"]] == ["wants"]


def test_a_generalist_answers_when_nobody_does_exactly_what_was_asked(
        write_book: BookWriter) -> None:
    people = [{"name": "Raj Patel", "wants": ["term life insurance"]},
              {"name": "Brian Kessler", "business": "insurance agent"}]
    assert texts(reasons_for(write_book(people), "raj-patel")["Brian Kessler"], "wants")
    specialist = {"name": "Lena Ode", "business": "life insurance agent"}
    found = reasons_for(write_book([*people, specialist]), "raj-patel")
    assert "Brian Kessler" not in found and texts(found["Lena Ode"], "wants"), (
        "a specialist in the book is the answer; the generalist is not")
    nobody = [{"name": "Ann Ruiz", "wants": ["a babysitter"]},
              {"name": "Tiny Steps", "business": "daycare center"}]
    assert "Tiny Steps" not in reasons_for(write_book(nobody), "ann-ruiz")


def test_notes_that_add_what_the_business_name_does_not_say_make_the_better_answer(
        write_book: BookWriter) -> None:
    book = write_book([
        {"name": "Raj Patel", "wants": ["term life insurance"]},
        {"name": "Todd Bauer", "business": "insurance agent", "closeness": 5},
        {"name": "Brian Kessler", "business": "insurance agent",
         "notes": "Independent. Term life, disability, long-term care."},
        {"name": "Debbie Fisk", "business": "insurance agent",
         "notes": "Competes with Greg on anything commercial."},
    ])
    [best] = suggestions(book, "--for", "raj-patel", "--top", "1")
    assert best["b"]["id"] == "raj-patel" and best["a"]["id"] == "brian-kessler"
    found = reasons_for(book, "raj-patel")
    assert texts(found["Brian Kessler"], "wants_notes")
    assert not texts(found["Debbie Fisk"], "wants_notes"), "her notes say nothing of term life"
