"""Tact: sensitive events stay out of joint emails, and nobody is told their own sources."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from introducer.book.knowledge import TriggerEvents
from introducer.book.normalise import fold_text
from tests.drafts_cases import book_of, drafts, pair_of, person
from tests.drafts_helpers import fixed_drafter

SENSITIVE = ["divorce", "job loss", "health crisis", "death in the family", "business sale",
             "safety from abuse"]
OTHER_EVENTS = ["relocation", "new baby", "retirement"]
BUSINESSES = ["mediator", "family lawyer", "therapist", "financial advisor", "realtor",
              "accountant", "estate attorney", "career coach", "nurse", "teacher"]
SOURCES = ["therapists", "realtors", "accountants", "financial advisors", "mediators"]
HOBBIES = ["chess", "sailing", "golf"]


def _words(event: str) -> set[str]:
    """Every spelling of an event the table knows, folded: what a joint email must not say."""
    table = TriggerEvents()
    key = table.event_key(event)
    return {fold_text(name) for name in table.event_vocabulary() if table.event_key(name) == key}


@st.composite
def contact(draw: st.DrawFn, name: str) -> dict[str, Any]:
    return person(
        name,
        business=draw(st.sampled_from(BUSINESSES)),
        events=draw(st.lists(st.sampled_from(SENSITIVE + OTHER_EVENTS), max_size=2, unique=True)),
        referral_sources=draw(st.lists(st.sampled_from(SOURCES), max_size=2, unique=True)),
        clients=draw(st.lists(st.sampled_from(["divorcing couples", "retirees"]), max_size=1)),
        hobbies=draw(st.lists(st.sampled_from(HOBBIES), max_size=1)),
        wants=draw(st.lists(st.sampled_from(BUSINESSES), max_size=1)),
        closeness=draw(st.sampled_from([None, 1, 4])),
    )


@settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow])
@given(contact("Ann Lee"), contact("Bo Park"))
def test_no_joint_email_names_a_sensitive_event_or_tells_anyone_their_sources(
    first: dict[str, Any], second: dict[str, Any]
) -> None:
    book = book_of([first, second])
    pair = pair_of(book)
    privacy = fixed_drafter(book).privacy(pair)
    for kind in ("intro", "follow_up", "ask"):
        for draft in drafts(book, kind):  # type: ignore[arg-type]
            body = fold_text(draft.body)
            # What each does and whom they serve is their work, said as the book says it
            # ("you both work with divorcing couples" between a mediator and a lawyer).
            for who in (draft.a, draft.b):
                held = first if who.id == book.contacts[0].id else second
                for text in (who.business, who.company, *held["clients"]):
                    body = body.replace(fold_text(text or "\0"), " ")
            for reader in draft.to:
                contact_of = first if reader.id == book.contacts[0].id else second
                for source in contact_of["referral_sources"]:
                    assert fold_text(source) not in body, (source, draft.body)
            if draft.kind == "ask":
                continue
            for who in (draft.a, draft.b):
                for event in privacy.of(who.id):
                    for word in _words(event):
                        assert f" {word} " not in f" {body} ", (event, word, draft.body)


def test_sensitivity_is_data_the_book_can_extend() -> None:
    contacts = [person("Ann Lee", business="teacher", events=["new baby"]),
                person("Bo Park", business="pediatrician", serves=["new baby"])]
    plain = book_of(contacts)
    assert not fixed_drafter(plain).privacy(pair_of(plain)).any
    marked = book_of(contacts, settings={"events": {"new baby": {"sensitive": True}}})
    privacy = fixed_drafter(marked).privacy(pair_of(marked))
    assert privacy.of(marked.contacts[0].id) == ("new baby",)
    assert fixed_drafter(marked).plan(pair_of(marked)).kind == "ask"


def test_a_joint_email_asked_for_warns_and_a_yes_from_both_does_not() -> None:
    import dataclasses

    book = book_of([person("Karen Holt", business="school nurse", events=["divorce"]),
                    person("Rachel Stein", business="divorce attorney")])
    pair = pair_of(book)
    plan = fixed_drafter(book).plan(pair, "intro")
    assert plan.kind == "intro" and "private" in plan.notes[0]
    accepted = dataclasses.replace(pair, history="accepted 2026-11-20")
    assert fixed_drafter(book).plan(accepted) == fixed_drafter(book).plan(accepted, "intro")
    assert fixed_drafter(book).plan(accepted).notes == ()


def test_a_business_that_says_it_is_left_out_of_a_joint_email() -> None:
    book = book_of([person("Karl Marsh", business="between jobs", wants=["career coach"]),
                    person("Jill Roy", business="career coach")])
    (intro,) = drafts(book, "intro")
    assert "between jobs" not in intro.body
    assert "Jill is a career coach" in intro.body
