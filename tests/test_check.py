"""`check` warnings: the book loads, but some of it will not do what its owner meant."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from introducer.book.check import check_book, probably_same
from introducer.book.load import load_book
from introducer.book.model import Book
from introducer.book.schema import Contact, Settings
from introducer.book.validation import validate
from introducer.errors import Problem


def book_of(*contacts: str, settings: str = "") -> Book:
    """Load a book whose contacts are YAML blocks; every contact has a business unless given."""
    lines = [settings.rstrip("\n")] if settings else []
    lines.append("contacts:")
    for contact in contacts:
        body = contact.strip("\n").splitlines()
        lines.append("  - " + body[0])
        lines.extend("    " + line for line in body[1:])
    path = Path("contacts.yaml")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return load_book(path)


def warnings(*contacts: str, settings: str = "") -> list[str]:
    problems = check_book(book_of(*contacts, settings=settings))
    assert all(p.severity == "warning" for p in problems)
    return [str(p) for p in problems]


def test_a_tidy_book_has_no_warnings() -> None:
    assert warnings(
        "name: Ana\nbusiness: accountant\nclients: [restaurants]\navoid: [bob]",
        "name: Bob\nbusiness: chef\nclients: [Restaurants]\nhobbies: [hiking]",
        "name: Cy\nbusiness: baker\nclients: [restaurant]\nhobbies: [biking]",
    ) == []


# ── two spellings of one value ───────────────────────────────────────────────

def test_a_misspelt_value_is_pointed_at_with_the_spelling_most_people_use() -> None:
    assert warnings(
        "name: Ana\nbusiness: accountant\nclients: [restaurants, cafes]",
        "name: Bob\nbusiness: chef\nclients: [Restaurants]",
        "name: Cy\nbusiness: baker\nhobbies: [golf]\nclients: [restuarants]",
    ) == [
        "contacts.yaml:11: contact \"Cy\": warning: clients: 'restuarants' looks like another "
        "spelling of 'restaurants' (used 2 times, first by contact \"Ana\" at line 4); spell them "
        "the same way or add an alias, or they will never match"
    ]


def test_a_typo_is_found_across_fields_of_the_same_family() -> None:
    (warning,) = check_book(book_of(
        "name: Ana\nbusiness: accountant",
        "name: Bob\nbusiness: chef\nreferral_sources: [acountant]",
    ))
    assert (warning.line, warning.contact) == (6, "Bob")
    assert warning.message.startswith(
        "referral_sources: 'acountant' looks like another spelling of 'accountant'"
    )


def test_values_in_different_families_are_not_compared() -> None:
    assert warnings(
        "name: Ana\nbusiness: sailmaker\nclients: [photographers]",
        "name: Bob\nbusiness: chef\nhobbies: [photographer s]",
    ) == []


def test_names_one_letter_apart_are_different_names() -> None:
    assert warnings(
        "name: Ana\nbusiness: chef\nwants: [anyone at Bell Partners]",
        "name: Bob\nbusiness: cook\nwants: [anyone at Bello Partners]",
        "name: Cy\nbusiness: baker\nwants: [Real Estate Agent]",
        "name: Dee\nbusiness: baker\nwants: [Real Estate Agnet]",
    ) == [
        "contacts.yaml:13: contact \"Dee\": warning: wants: 'Real Estate Agnet' looks like another "
        "spelling of 'Real Estate Agent' (used once, first by contact \"Cy\" at line 10); spell "
        "them the same way or add an alias, or they will never match"
    ]


def test_an_alias_makes_two_spellings_one_on_purpose() -> None:
    contacts = ("name: Ana\nbusiness: chef\nclients: [restaurants]",
                "name: Bob\nbusiness: cook\nclients: [restuarants]")
    assert len(warnings(*contacts)) == 1
    assert warnings(*contacts, settings="settings:\n  aliases: {restuarants: restaurants}") == []


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("restaurants", "restuarants"),
        ("divorcing couple", "divorcing coupel"),
        ("real estate agent", "realestate agent"),
        ("accountant", "accountent"),
        ("sailing", "saling"),
        ("hiking", "hikign"),
        ("financial advisor", "financial adviser"),
    ],
)
def test_one_typo_apart_is_probably_the_same(a: str, b: str) -> None:
    assert probably_same(a, b)
    assert probably_same(b, a)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("hiking", "biking"),  # one letter replaced in a short word: two real words
        ("chess", "chest"),
        ("running", "cunning"),
        ("cat owners", "car owners"),
        ("group 1", "group 2"),
        ("class of 2019", "class of 2018"),
        ("sailing", "sailing"),
        ("golf", "wolf"),
        ("letter", "litter"),  # a vowel changed, but the word is too short to be sure
        ("accountant", "accountants team"),
    ],
)
def test_real_differences_are_not_typos(a: str, b: str) -> None:
    assert not probably_same(a, b)


def test_spelling_check_is_fast_on_a_big_book_and_still_finds_the_typo() -> None:
    words = [f"{a}{b}{c}ing" for a in "bcdfgklmnprst" for b in "aeiou" for c in "bdgkmnprst"]
    people = [
        Contact(name=f"Person {i}", id=f"p{i}", business=words[i % len(words)],
                clients=[words[(i * 7) % len(words)], f"client kind {i}"],
                hobbies=[words[(i * 3) % len(words)]])
        for i in range(10_000)
    ]
    people.append(Contact(name="Typo", id="typo", business="baker", clients=["cleint kind 5"]))
    book = Book(path=Path("big.yaml"), settings=Settings(), contacts=tuple(people),
                contact_lines=tuple(range(1, len(people) + 1)),
                field_lines=tuple({} for _ in people))
    started = time.perf_counter()
    problems = check_book(book)
    assert time.perf_counter() - started < 10
    assert [(p.contact, p.line) for p in problems] == [("Typo", 10_001)]
    assert problems[0].message.startswith(
        "clients: 'cleint kind 5' looks like another spelling of 'client kind 5' (used once"
    )


# ── contacts that can never be matched ───────────────────────────────────────

def test_a_contact_with_nothing_to_match_on_is_flagged() -> None:
    (warning,) = check_book(book_of(
        "name: Ana\nbusiness: chef",
        "name: Bob\nemail: bob@example.com\ncompany: Acme",
        "name: Cy\nintroduce: false",
        "name: Dee\nwants: [a lawyer]",
    ))
    assert (warning.line, warning.contact, warning.severity) == (4, "Bob", "warning")
    assert warning.message.startswith("nothing to match on")


# ── avoid ────────────────────────────────────────────────────────────────────

def test_avoid_naming_an_unknown_id_is_flagged_with_a_suggestion() -> None:
    assert warnings(
        "name: Ana\nbusiness: chef\navoid: [bob-smyth, Cy Young, zed, ana, BOB-SMITH]",
        "name: Bob Smith\nbusiness: baker",
        "name: Cy Young\nbusiness: cook",
    ) == [
        f"contacts.yaml:4: contact \"Ana\": warning: avoid: {message}"
        for message in [
            "no contact has the id 'bob-smyth' (did you mean 'bob-smith'?); avoid takes ids",
            "no contact has the id 'Cy Young' (did you mean 'cy-young'?); avoid takes ids",
            "no contact has the id 'zed'; avoid takes ids",
            "lists the contact's own id",
            "no contact has the id 'BOB-SMITH' (did you mean 'bob-smith'?); avoid takes ids",
        ]
    ]


def test_knows_naming_an_unknown_id_is_flagged_like_avoid() -> None:
    assert warnings(
        "name: Ana\nbusiness: chef\nknows: [bob-smith, bob-smyth, ana]",
        "name: Bob Smith\nbusiness: baker\nknows: [ana]",
    ) == [
        f"contacts.yaml:4: contact \"Ana\": warning: knows: {message}"
        for message in [
            "no contact has the id 'bob-smyth' (did you mean 'bob-smith'?); knows takes ids",
            "lists the contact's own id",
        ]
    ]


def test_knows_and_acquainted_groups_load() -> None:
    book = book_of(
        "name: Ana\nbusiness: chef\ngroups: [bni tuesday]\nknows: bob-smith",
        "name: Bob Smith\nbusiness: baker",
        settings="me: {name: Cy, business: CPA}\nsettings:\n  groups:\n"
        "    bni tuesday: {acquainted: true}\n    chamber: {}\n    church: ~",
    )
    assert book.contacts[0].knows == ["bob-smith"]
    assert book.contacts[1].knows == []
    assert book.me.business == "CPA"
    groups = book.settings.groups
    assert (groups["bni tuesday"].acquainted, groups["chamber"].acquainted) == (True, None)
    assert groups["church"].acquainted is None, "nothing said: inferred from name and size"


# ── aliases ──────────────────────────────────────────────────────────────────

def alias_warnings(aliases: str) -> list[Problem]:
    book = book_of("name: Ana\nbusiness: chef", settings=f"settings:\n  aliases: {aliases}")
    return check_book(book)


def test_an_alias_of_itself_is_flagged() -> None:
    (warning,) = alias_warnings("{CPA: cpa}")
    assert warning.message == "settings.aliases: 'cpa' is an alias of itself"
    assert warning.file == "contacts.yaml"
    assert warning.line == 2, "the line of the `aliases:` entry"


def test_an_alias_loop_is_flagged_once() -> None:
    (warning,) = alias_warnings("{a lawyer: an attorney, an attorney: a solicitor, "
                                "a solicitor: a lawyer}")
    assert warning.message == ("settings.aliases: aliases go round in a loop: 'a lawyer' → "
                               "'an attorney' → 'a solicitor' → 'a lawyer'")


def test_an_alias_chain_is_flagged_with_the_fix() -> None:
    (warning,) = alias_warnings("{realtor: agent, agent: real estate agent}")
    assert warning.message == (
        "settings.aliases: 'realtor' → 'agent' → 'real estate agent' is a chain, but an alias "
        "applies only once; map 'realtor' straight to 'real estate agent'"
    )


def test_plain_aliases_are_fine() -> None:
    assert alias_warnings("{realtor: real estate agent, cpa: accountant}") == []


# ── properties ───────────────────────────────────────────────────────────────

SHORT_TEXT = st.text("abcdeiou rst-", min_size=1, max_size=10).filter(lambda s: s.strip() != "")


@settings(max_examples=300)
@given(st.text("abcdeiou rst", max_size=12), st.text("abcdeiou rst", max_size=12))
def test_probably_same_is_symmetric(a: str, b: str) -> None:
    assert probably_same(a, b) == probably_same(b, a)


@settings(max_examples=100)
@given(
    st.lists(
        st.fixed_dictionaries(
            {
                "clients": st.lists(SHORT_TEXT, max_size=3),
                "hobbies": st.lists(SHORT_TEXT, max_size=3),
                "avoid": st.lists(st.sampled_from(["p0", "p1", "nobody", "P2"]), max_size=2),
                "business": st.none() | SHORT_TEXT,
            }
        ),
        max_size=6,
    ),
    st.dictionaries(SHORT_TEXT, SHORT_TEXT, max_size=4),
)
def test_any_valid_book_gets_only_located_warnings(
    fields: list[dict[str, Any]], aliases: dict[str, str]
) -> None:
    contacts = tuple(
        validate(Contact, {"name": f"Person {i}", "id": f"p{i}", **f})
        for i, f in enumerate(fields)
    )
    book = Book(path=Path("gen.yaml"), settings=Settings(aliases=aliases), contacts=contacts,
                contact_lines=tuple(range(1, len(contacts) + 1)),
                field_lines=tuple({} for _ in contacts))
    problems = check_book(book)
    assert all(p.severity == "warning" and p.file == "gen.yaml" for p in problems)
    assert all(p.contact is not None for p in problems if p.line is not None)
    assert [p.line or 0 for p in problems] == sorted(p.line or 0 for p in problems)


# ── what will never match ────────────────────────────────────────────────────

def test_an_ask_nothing_knows_and_nobody_fits_is_pointed_at_with_a_hint() -> None:
    assert warnings(
        "name: Luis Ortega\nbusiness: restaurant owner\nwants: [comercial insurence, website]",
        "name: Jess\nbusiness: web designer",
    ) == [
        "contacts.yaml:4: contact \"Luis Ortega\": warning: ask 'comercial insurence' matches "
        "nobody in the book (did you mean 'insurance agent'?)"  # a spelling of the profession
    ]


def test_asks_that_match_someone_or_name_a_known_profession_are_fine() -> None:
    assert warnings(
        "name: Ana\nbusiness: chef\nwants: [unicorn wrangler, an estate attorney, anyone at Acme]",
        "name: Bob\nbusiness: unicorn wrangler",
        "name: Cy\nbusiness: baker\nwants: [someone who speaks Klingon]",
        "name: Dee\nbusiness: baker\nnotes: speaks Klingon",
    ) == []


def test_a_company_ask_one_letter_from_a_company_in_the_book() -> None:
    assert warnings(
        "name: Maya\nbusiness: chef\nwants: [anyone at Nationwyde]",
        "name: Tom\nbusiness: clerk\ncompany: Nationwide Insurance",
    ) == [
        "contacts.yaml:4: contact \"Maya\": warning: ask 'anyone at Nationwyde' names a company "
        "nobody in the book works at (did you mean 'Nationwide Insurance'?)"
    ]


def test_events_and_serves_nothing_knows_and_nobody_shares() -> None:
    assert warnings(
        "name: Ana\nbusiness: chef\nevents: [divorcee, getting divorced, expecting in March]",
        "name: Bob\nbusiness: baker\nserves: [bar mitzvah]",
        "name: Cy\nbusiness: caterer\nserves: [quinceanera]\nevents: [bat mitzvah]",
    ) == [
        "contacts.yaml:4: contact \"Ana\": warning: event 'divorcee' is no life event introducer "
        "knows and nobody in the book serves it (did you mean 'divorce'?)",
        "contacts.yaml:7: contact \"Bob\": warning: serves 'bar mitzvah' is no life event "
        "introducer knows and nobody else in the book serves or lives through it "
        "(did you mean 'bat mitzvah'?)",
        "contacts.yaml:10: contact \"Cy\": warning: serves 'quinceanera' is no life event "
        "introducer knows and nobody else in the book serves or lives through it",
        "contacts.yaml:11: contact \"Cy\": warning: event 'bat mitzvah' is no life event "
        "introducer knows and nobody in the book serves it (did you mean 'bar mitzvah'?)",
    ]


def test_book_events_are_known() -> None:
    assert warnings(
        "name: Ana\nbusiness: chef\nevents: [bar mitzvah]",
        settings="settings:\n  events:\n    bar mitzvah: [caterer]",
    ) == []


def test_a_business_one_typo_from_a_profession_nobody_names() -> None:
    assert warnings(
        "name: Dee\nbusiness: dentst\nhobbies: [golf]",
        "name: Pat\nbusiness: plant manager\nhobbies: [golf]",
        "name: Ray\nbusiness: retired teacher\nhobbies: [golf]",
    ) == [
        "contacts.yaml:3: contact \"Dee\": warning: business 'dentst' is no profession introducer "
        "knows and no ask, client type or referral source in the book names it "
        "(did you mean 'dentist'?)"
    ]
    assert warnings(
        "name: Dee\nbusiness: dentst",
        "name: Ana\nbusiness: chef\nwants: [dentst]",
    ) == []


def test_probable_duplicate_people_are_warned_about_with_both_lines() -> None:
    found = [w for w in warnings(
        "name: Greg Olsen\ncompany: State Farm\nbusiness: insurance agent",
        "name: Rachel Goldberg\nbusiness: matrimonial attorney",
        "name: Greg Olson\ncompany: State Farm Inc.\nbusiness: insurance agent",
        "name: Dr. Rachel Goldberg\nid: rachel-2\nbusiness: matrimonial attorney",
        "name: Ann Kim\nemail: ann@kimlaw.example\nbusiness: estate attorney",
        "name: Ann Kimm\nemail: akimm@kimlaw.example\nbusiness: estate attorney",
        "name: Greg Olsem\nemail: greg@gmail.com\nbusiness: plumber",
    ) if "probably the same person" in w]
    assert found == [
        'contacts.yaml:7: contact "Greg Olson": warning: probably the same person as '
        '"Greg Olsen" at line 2 (nearly the same name, both at State Farm); if so, merge the '
        "two into one contact; if not, tell them apart in the name (a middle initial, say)",
        'contacts.yaml:10: contact "Dr. Rachel Goldberg": warning: probably the same person as '
        '"Rachel Goldberg" at line 5 (the same name); if so, merge the two into one contact; '
        "if not, tell them apart in the name (a middle initial, say)",
        'contacts.yaml:16: contact "Ann Kimm": warning: probably the same person as "Ann Kim" '
        "at line 13 (nearly the same name, both with an @kimlaw.example address); if so, "
        "merge the two into one contact; if not, tell them apart in the name (a middle "
        "initial, say)",
    ]
