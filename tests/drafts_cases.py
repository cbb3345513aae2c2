"""Small books with one reason kind each, for the sentence goldens and the issue's examples."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

from introducer.book.model import Book
from introducer.book.schema import Me
from introducer.drafts.build import Draft, DraftKind
from introducer.match.rank import Matchmaker
from introducer.match.score import Suggestion
from tests.conftest import make_book
from tests.drafts_helpers import TODAY, fixed_drafter

DANA = Me(name="Dana Whitfield", email="dana@x.example")

C = dict[str, Any]


def person(name: str, **fields: Any) -> C:
    return {"name": name, "email": f"{name.split()[0].lower()}@x.example", **fields}


# kind -> the two contacts (the subject first, for one-sided kinds).
CASES: dict[str, tuple[C, C]] = {
    "wants": (person("Ben Adeyemi", business="software engineer", wants=["realtor"]),
              person("Mike Castellano", business="realtor")),
    "wants_company": (person("Rosa Martinez", business="restaurant owner",
                             wants=["anyone at Harbor Bank"]),
                      person("Kevin Obi", business="business banker", company="Harbor Bank")),
    "wants_mutual": (person("Ben Adeyemi", business="software engineer", wants=["realtor"]),
                     person("Mike Castellano", business="realtor",
                            wants=["software engineer"])),
    "needs_service": (person("Priya Shah", business="nurse", events=["relocation"]),
                      person("Mike Castellano", business="realtor")),
    "needs_service_private": (person("Karen Holt", business="school nurse",
                                     events=["divorce"]),
                              person("Rachel Stein", business="divorce attorney")),
    "referral_source": (person("Omar Haddad", business="estate attorney", serves=[],
                               referral_sources=["financial advisors"]),
                        person("Lena Park", business="financial advisor", serves=[])),
    "referral_mutual": (person("Omar Haddad", business="estate attorney", serves=[],
                               referral_sources=["financial advisors"]),
                        person("Lena Park", business="financial advisor", serves=[],
                               referral_sources=["estate attorneys"])),
    "potential_client": (person("Nina Vo", business="bookkeeper", clients=["gyms"]),
                         person("Sam Ortiz", business="owns a gym")),
    "shared_clients": (person("Ivy Chen", business="web designer", clients=["dentists"]),
                       person("Paul Kim", business="copywriter", clients=["dentists"])),
    "shared_referral_sources": (person("Ivy Chen", business="web designer",
                                       referral_sources=["bankers"]),
                                person("Paul Kim", business="copywriter",
                                       referral_sources=["bankers"])),
    "same_trigger_event": (person("Lena Park", business="financial advisor",
                                  serves=["retirement"]),
                           person("Omar Haddad", business="estate attorney",
                                  serves=["retirement"])),
    "shared_hobbies": (person("Ivy Chen", business="web designer", hobbies=["sailing"]),
                       person("Paul Kim", business="copywriter", hobbies=["sailing"])),
}


def book_of(contacts: Sequence[Mapping[str, Any]], me: Me = DANA,
            settings: Mapping[str, Any] | None = None) -> Book:
    return dataclasses.replace(make_book(contacts, settings), me=me)


def pair_of(book: Book, first: int = 0, second: int = 1) -> Suggestion:
    return Matchmaker(book, today=TODAY).explain(book.contacts[first], book.contacts[second])


def drafts(book: Book, kind: DraftKind, first: int = 0, second: int = 1,
           **options: Any) -> list[Draft]:
    return fixed_drafter(book).drafts_for(pair_of(book, first, second), kind, **options)
