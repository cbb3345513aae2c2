"""Every reason kind, one small book at a time: what it finds, how it reads, what it is worth."""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Mapping
from typing import Any

import pytest

from introducer.book.normalise import tokens
from introducer.book.schema import Weights
from introducer.match.rank import Matchmaker
from introducer.match.score import Reason, Suggestion
from introducer.match.terms import strip_want
from tests.conftest import make_book

TODAY = dt.date(2026, 11, 23)
W = Weights()  # the defaults, so these cases say what each kind does, not what it weighs


def pair(
    first: Mapping[str, Any],
    second: Mapping[str, Any],
    *others: Mapping[str, Any],
    settings: Mapping[str, Any] | None = None,
) -> Suggestion:
    """explain() for the first two contacts of a small book."""
    book = make_book([first, second, *others], settings)
    matchmaker = Matchmaker(book, today=TODAY)
    return matchmaker.explain(book.contacts[0], book.contacts[1])


def reason(suggestion: Suggestion, kind: str) -> Reason:
    found = [r for r in suggestion.reasons if r.kind == kind]
    assert len(found) == 1, (kind, suggestion.reasons)
    return found[0]


def kinds(suggestion: Suggestion) -> list[str]:
    return [r.kind for r in suggestion.reasons]


def test_shared_clients_keep_the_first_spelling_and_count_fully_when_only_two_share() -> None:
    result = pair(
        {"name": "Maria Lopez", "clients": ["Divorcing Couples", "blended families"]},
        {"name": "Tom Reed", "clients": ["divorcing-couple"]},
    )
    shared = reason(result, "shared_clients")
    assert shared == Reason("shared_clients", ("Divorcing Couples",), 3.0,
                            "both serve Divorcing Couples")
    assert result.score == 3.0


def test_shared_referral_sources_and_hobbies_read_naturally() -> None:
    result = pair(
        {"name": "Maria Lopez", "referral_sources": ["family therapists"],
         "hobbies": ["sailing", "chess"]},
        {"name": "Tom Reed", "referral_sources": ["Family Therapist"],
         "hobbies": ["Chess", "sailing", "golf"]},
    )
    assert reason(result, "shared_referral_sources").text == "both fed by family therapists"
    hobbies = reason(result, "shared_hobbies")
    assert hobbies.values == ("chess", "sailing")
    assert hobbies.text == "both enjoy chess and sailing"
    assert hobbies.points == 2 * W.shared_hobbies


def test_a_rare_shared_hobby_outweighs_a_common_one() -> None:
    crowd = [{"name": f"Golfer {i}", "hobbies": ["golf"]} for i in range(14)]
    rare = pair(
        {"name": "Ana", "hobbies": ["falconry"]}, {"name": "Bo", "hobbies": ["falconry"]}, *crowd
    )
    common = pair(
        {"name": "Ana", "hobbies": ["golf"]}, {"name": "Bo", "hobbies": ["golf"]}, *crowd
    )
    assert reason(rare, "shared_hobbies").points == W.shared_hobbies
    assert reason(common, "shared_hobbies").points == round(W.shared_hobbies / math.log2(16), 2)
    assert rare.score > 3 * common.score


def test_aliases_make_different_words_meet() -> None:
    settings = {"aliases": {"empty nesters": "retirees"}}
    result = pair(
        {"name": "Ana", "clients": ["empty nesters"]},
        {"name": "Bo", "clients": ["retirees"]},
        settings=settings,
    )
    assert reason(result, "shared_clients").values == ("empty nesters",)


def test_professionals_serving_one_event_with_different_businesses() -> None:
    result = pair(
        {"name": "Maria Lopez", "business": "divorce mediator"},
        {"name": "Tom Reed", "business": "matrimonial attorney"},
    )
    event = reason(result, "same_trigger_event")
    assert event.values == ("divorce",)
    assert event.text == "both serve the same life event: divorce"
    # The attorney also serves safety from abuse, which the mediator does not: sqrt(1 * 2).
    assert event.points == 1.41


def test_serving_many_events_together_is_not_worth_many_times_one() -> None:
    specialists = pair(
        {"name": "Maria Lopez", "serves": ["divorce"], "business": "mediator"},
        {"name": "Tom Reed", "serves": ["divorce"], "business": "attorney"},
    )
    generalists = pair(
        {"name": "Dan Okafor", "serves": ["divorce", "retirement", "marriage", "new baby"],
         "business": "planner"},
        {"name": "Grace Kim", "serves": ["divorce", "retirement", "marriage", "new baby"],
         "business": "lawyer"},
    )
    assert reason(specialists, "same_trigger_event").points == 2.0
    # Four shared events over four served each: sqrt(4) * sqrt(4) divides the sum of four.
    assert reason(generalists, "same_trigger_event").points == 2.0
    partial = pair(
        {"name": "Dan Okafor", "serves": ["divorce", "retirement", "marriage", "new baby"],
         "business": "planner"},
        {"name": "Maria Lopez", "serves": ["divorce"], "business": "mediator"},
    )
    assert reason(partial, "same_trigger_event").points == 1.0


def test_explicit_serves_is_normalised_through_the_event_table() -> None:
    result = pair(
        {"name": "Ana", "business": "yoga teacher", "serves": ["Divorcing"]},
        {"name": "Bo", "business": "potter", "serves": ["divorce", "moving"]},
    )
    assert reason(result, "same_trigger_event").values == ("divorce",)


def test_book_events_extend_the_table() -> None:
    result = pair(
        {"name": "Ana", "business": "dj"},
        {"name": "Bo", "business": "caterer"},
        settings={"events": {"bar mitzvah": ["dj", "caterer"]}},
    )
    assert "bar mitzvah" in reason(result, "same_trigger_event").values


def test_a_person_living_through_an_event_meets_who_serves_it() -> None:
    result = pair(
        {"name": "Maria Lopez", "business": "teacher", "events": ["divorce"]},
        {"name": "Tom Reed", "business": "matrimonial attorney"},
    )
    need = reason(result, "needs_service")
    # A matrimonial attorney serves two events (divorce, safety from abuse): 0.99 of a
    # specialist's points (`GENERALIST_STEP`).
    assert need.points == round(0.99 * W.needs_service, 2)
    assert need.values == ("divorce",)
    assert need.text == "Tom's work (matrimonial attorney) can help with Maria's divorce"


@pytest.mark.parametrize(
    ("days_ago", "share"),
    [(None, 1.0), (-30, 1.0), (30, 1.0), (90, 1.0), (270, 0.5), (450, 0.25)],
)
def test_dated_events_fade_after_three_months(days_ago: int | None, share: float) -> None:
    event: Any = "relocation"
    if days_ago is not None:
        event = {"event": "relocation", "date": TODAY - dt.timedelta(days=days_ago)}
    result = pair(
        {"name": "Ana", "events": [event]},
        {"name": "Bo", "business": "real estate agent", "serves": ["relocation"]},
    )
    assert reason(result, "needs_service").points == round(share * W.needs_service, 2)


def test_a_specialist_for_an_event_outranks_a_generalist_who_also_serves_it() -> None:
    leaving = {"name": "Tara", "events": ["leaving an abusive marriage"]}
    advocate = pair(leaving, {"name": "Paula", "business": "domestic violence advocate"})
    therapist = pair(leaving, {"name": "Ellen", "business": "family therapist"})
    assert reason(advocate, "needs_service").points > reason(therapist, "needs_service").points


def test_a_business_that_names_an_event_is_its_first_call() -> None:
    buying = {"name": "Lisa", "events": ["getting divorced"]}
    specialist = pair(buying,
                      {"name": "Chloe", "business": "real estate agent (divorce specialist)"})
    realtor = pair(buying, {"name": "Jill", "business": "real estate agent"})
    assert reason(specialist, "needs_service").points > 3 * reason(realtor, "needs_service").points
    retired = pair({"name": "Sandra", "events": ["retiring"]},
                   {"name": "Hal", "business": "retired financial advisor"})
    assert reason(retired, "needs_service").points == round(
        reason(pair({"name": "Sandra", "events": ["retiring"]},
                    {"name": "Liz", "business": "financial advisor"}), "needs_service").points, 2)


def test_a_client_type_names_the_people_living_through_an_event() -> None:
    result = pair({"name": "Raj", "events": ["baby due in April"]},
                  {"name": "Paul", "business": "estate planning attorney",
                   "clients": ["young families"]})
    client = reason(result, "clients_in_event")
    assert client.text == "Paul serves young families, which fits Raj's new baby"
    assert client.points == W.clients_in_event


def test_both_active_networkers() -> None:
    result = pair({"name": "Ana", "networker": "active"}, {"name": "Bo", "networker": "active"})
    assert result.reasons == (
        Reason("both_active", (), W.both_active, "both are active networkers"),)
    passive = pair({"name": "Ana", "networker": "active"}, {"name": "Bo", "networker": "passive"})
    assert passive.reasons == ()


def test_wants_strip_the_asking_and_match_the_profession() -> None:
    result = pair(
        {"name": "Ana Ortiz", "wants": ["an intro to an estate attorney"]},
        {"name": "Tom Reed", "business": "trusts and estates attorney"},
    )
    want = reason(result, "wants")
    assert want.points == W.wants
    assert want.values == ("an intro to an estate attorney",)
    assert want.text == (
        "Ana asked for an intro to an estate attorney: Tom is a trusts and estates attorney"
    )


def test_a_bare_want_gets_an_article() -> None:
    result = pair(
        {"name": "Ana", "wants": ["estate attorney"]},
        {"name": "Tom", "business": "Trusts and Estates Attorney"},
    )
    assert reason(result, "wants").text == (
        "Ana asked for an estate attorney: Tom is a Trusts and Estates Attorney"
    )


@pytest.mark.parametrize(
    ("want", "business", "text"),
    [
        # Used to read "asked for an accountants", "an insurance", "a HR consultant".
        ("accountants", "accountant", "Ana asked for accountants: Tom is an accountant"),
        ("insurance", "life insurance agent",
         "Ana asked for insurance: Tom is a life insurance agent"),
        ("HR consultant", "HR consultant",
         "Ana asked for an HR consultant: Tom is an HR consultant"),
        ("UX designer", "UX designer", "Ana asked for a UX designer: Tom is a UX designer"),
        ("urologist", "urologist", "Ana asked for a urologist: Tom is a urologist"),
        ("CPA", "CPA", "Ana asked for a CPA: Tom is a CPA"),
    ],
)
def test_what_was_asked_for_reads_as_english(want: str, business: str, text: str) -> None:
    result = pair({"name": "Ana", "wants": [want]}, {"name": "Tom", "business": business})
    assert reason(result, "wants").text == text


def test_wants_match_a_company_without_its_legal_suffix() -> None:
    result = pair(
        {"name": "Rosa", "wants": ["anyone at Harbor Bank"]},
        {"name": "Kevin", "company": "Harbor Bank Inc.", "business": "banker"},
    )
    assert reason(result, "wants").text == (
        "Rosa asked for anyone at Harbor Bank: Kevin works at Harbor Bank Inc."
    )


@pytest.mark.parametrize("company", ["Lumière SARL", "Lumière S.A.S.", "Lumière N.V.",
                                     "Lumière PC", "Lumière GmbH"])
def test_every_legal_form_the_importer_knows_is_dropped_for_company_asks(company: str) -> None:
    """One list of legal forms (book.normalise.LEGAL_FORMS) for asks and for imports."""
    result = pair({"name": "Rosa", "wants": ["anyone at Lumière"]},
                  {"name": "Luc", "company": company, "business": "lighting designer"})
    assert reason(result, "wants").values == ("anyone at Lumière",)


def test_a_want_naming_business_and_company_counts_once() -> None:
    result = pair(
        {"name": "Rosa", "wants": ["bookkeeping"]},
        {"name": "Wendy", "company": "Bookkeeping", "business": "bookkeeper"},
    )
    assert reason(result, "wants").points == W.wants


def test_wants_use_the_table_when_it_knows_both_professions() -> None:
    physio = pair(
        {"name": "Ana", "wants": ["a therapist"]},
        {"name": "Bo", "business": "physical therapist"},
    )
    assert "wants" not in kinds(physio)
    counsellor = pair(
        {"name": "Ana", "wants": ["a therapist"]},
        {"name": "Bo", "business": "family therapist"},
    )
    assert "wants" in kinds(counsellor)
    insurance = pair(
        {"name": "Ana", "wants": ["someone in insurance"]},
        {"name": "Bo", "business": "life insurance agent"},
    )
    assert "wants" in kinds(insurance)


def test_strip_want() -> None:
    assert strip_want("An introduction to a CPA") == "cpa"
    assert strip_want("someone who does bookkeeping") == "bookkeeping"
    assert strip_want("anyone") == ""


def test_referral_source_in_person() -> None:
    result = pair(
        {"name": "Grace Kim", "business": "estate planning attorney",
         "referral_sources": ["financial advisors"]},
        {"name": "Daniel Okafor", "business": "wealth manager"},
    )
    source = reason(result, "referral_source")
    assert source.points == 4.0
    assert source.text == "Grace gets referrals from financial advisors: Daniel is a wealth manager"


def test_potential_client_in_person() -> None:
    result = pair(
        {"name": "Wendy Zhao", "business": "bookkeeper", "clients": ["dentists"]},
        {"name": "Dr. Amir Haddad", "business": "pediatric dentist"},
    )
    client = reason(result, "potential_client")
    assert client.points == 3.0
    assert client.text == "Wendy serves dentists: Amir is a pediatric dentist"


@pytest.mark.parametrize(
    ("business", "expected"),
    [("restaurant owner", True), ("restaurant co-founder", False), ("restaurant critic", False),
     ("Restaurant Proprietor", True)],
)
def test_the_owner_of_a_kind_of_business_is_that_client(business: str, expected: bool) -> None:
    result = pair(
        {"name": "Wendy Zhao", "business": "bookkeeper", "clients": ["restaurants"]},
        {"name": "Rosa Martinez", "business": business},
    )
    assert ("potential_client" in kinds(result)) is expected


def test_a_client_type_is_not_a_profession_sharing_a_word() -> None:
    result = pair(
        {"name": "Amir", "business": "dentist", "clients": ["families"]},
        {"name": "Priya", "business": "family therapist"},
    )
    assert "potential_client" not in kinds(result)


def test_same_business_lowers_the_score_and_drops_what_they_compete_for() -> None:
    result = pair(
        {"name": "Sam", "business": "realtor", "clients": ["relocating families"],
         "hobbies": ["chess"]},
        {"name": "Lena", "business": "real estate agent", "clients": ["relocating families"],
         "hobbies": ["chess"]},
    )
    assert kinds(result) == ["shared_hobbies", "same_business"], "no shared clients or event"
    penalty = result.reasons[-1]
    assert penalty.points == -W.same_business
    assert penalty.values == ("real estate agent", "realtor")
    assert "possible competitors" in penalty.text
    assert result.score == W.shared_hobbies - W.same_business


def test_points_add_up_to_the_score_and_positive_reasons_come_first() -> None:
    result = pair(
        {"name": "Maria", "business": "mediator", "clients": ["couples"],
         "hobbies": ["chess"], "networker": "active", "events": ["relocation"]},
        {"name": "Tom", "business": "real estate agent", "clients": ["couples"],
         "hobbies": ["chess"], "networker": "active", "referral_sources": ["mediators"]},
        {"name": "Other", "hobbies": ["chess"]},
    )
    assert result.score == round(sum(r.points for r in result.reasons), 2)
    points = [r.points for r in result.reasons]
    assert points == sorted(points, reverse=True)
    assert result.common_thread == "; ".join(r.text for r in result.reasons[:2])


def test_pairs_are_ordered_by_id() -> None:
    book = make_book([{"name": "Zed", "hobbies": ["go"]}, {"name": "Abe", "hobbies": ["go"]}])
    matchmaker = Matchmaker(book, today=TODAY)
    result = matchmaker.explain(book.contacts[0], book.contacts[1])
    assert (result.a.id, result.b.id) == ("abe", "zed")
    assert result == matchmaker.explain(book.contacts[1], book.contacts[0])


def test_shared_first_names_fall_back_to_full_names() -> None:
    result = pair(
        {"name": "Priya Lang", "wants": ["accountant"]},
        {"name": "Priya Weber", "business": "accountant"},
    )
    text = reason(result, "wants").text
    assert text.startswith("Priya Lang asked for an accountant: Priya Weber")


@pytest.mark.parametrize(
    ("first", "second", "why"),
    [
        ({"name": "Ana", "introduce": False}, {"name": "Bo"}, "Ana is marked introduce: false"),
        ({"name": "Ana", "avoid": ["bo"]}, {"name": "Bo"}, "Ana lists Bo under avoid"),
        ({"name": "Ana"}, {"name": "Bo", "avoid": ["ana"]}, "Bo lists Ana under avoid"),
    ],
)
def test_explain_says_why_a_pair_is_never_suggested(
    first: dict[str, Any], second: dict[str, Any], why: str
) -> None:
    result = pair({**first, "hobbies": ["chess"]}, {**second, "hobbies": ["chess"]})
    assert result.excluded == why
    assert result.score == W.shared_hobbies


def test_nothing_in_common() -> None:
    result = pair({"name": "Ana"}, {"name": "Bo"})
    assert result.reasons == ()
    assert result.score == 0.0
    assert result.common_thread == "nothing in common yet"


def test_zero_weights_switch_a_reason_off() -> None:
    result = pair(
        {"name": "Ana", "hobbies": ["chess"], "networker": "active"},
        {"name": "Bo", "hobbies": ["chess"], "networker": "active"},
        settings={"weights": {"shared_hobbies": 0}},
    )
    assert kinds(result) == ["both_active"]


def test_the_business_matcher_agrees_with_its_definition() -> None:
    """Indexes aside, a term names a business exactly as the matcher's docstring says."""
    book = make_book([{"name": f"P{i}", "business": business} for i, business in enumerate(
        ["trusts and estates attorney", "real estate attorney", "physical therapist",
         "family therapist", "life insurance agent", "bookkeeper", "dentist",
         "pediatric dentist", "family photographer", "financial advisor and life coach"])])
    prepared = Matchmaker(book, today=TODAY).prepared
    matcher = prepared.matcher
    terms = ["estate attorney", "attorney", "therapist", "insurance", "dentist", "family",
             "financial advisor", "life coach", "bookkeeping", "real estate", "photographer"]
    for term, head_noun, business in itertools.product(terms, (False, True), matcher.keys):
        ours = matcher.term_professions(term, head_noun=head_noun)
        theirs = matcher.professions(business)
        kinds_of_ours = {kind for p in ours for kind in prepared.events.kinds(p)}
        words = tokens(term)
        if term == business:
            expected = True
        elif ours and theirs:
            expected = bool(kinds_of_ours & theirs)
        else:
            expected = bool(words) and words <= tokens(business) and (
                not head_noun or term.split()[-1] == business.split()[-1])
        assert matcher.matches(term, business, head_noun=head_noun) == expected, (term, business)


@pytest.mark.parametrize(
    ("business", "predicate"),
    [("owns a gym", "owns a gym"), ("retired", "is retired"),
     ("commercial insurance", "works in commercial insurance"),
     ("real estate", "works in real estate"), ("dentist", "is a dentist"),
     ("engineer at Intel", "is an engineer at Intel"),
     ("retiring from the state", "is retiring from the state"),
     ("payroll and HR services", "works in payroll and HR services")],
)
def test_a_line_of_work_reads_as_a_predicate(business: str, predicate: str) -> None:
    # Used to read "Sam is an owns a gym", "Walt is a retired", "Rita is a commercial insurance".
    result = pair({"name": "Ana", "clients": [business]}, {"name": "Tom", "business": business})
    assert reason(result, "potential_client").text == f"Ana serves {business}: Tom {predicate}"


@pytest.mark.parametrize(
    ("want", "asked"),
    [("insurance for my coffee shop", "insurance for their coffee shop"),
     ("update my will", "help to update their will"),
     ("dentist for my kids", "a dentist for their kids")],
)
def test_an_ask_reads_by_its_head_noun_in_the_askers_words(want: str, asked: str) -> None:
    result = pair({"name": "Ana", "wants": [want]},
                  {"name": "Tom", "business": "insurance agent", "notes": want})
    assert reason(result, "wants_notes").text.startswith(f"Ana asked for {asked}: ")
