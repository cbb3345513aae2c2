"""What the drafts say: one golden per reason kind and reader, and the issue's examples.

Set UPDATE_GOLDEN=1 to rewrite tests/golden/threads.txt after a deliberate change.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from introducer.book.schema import Me
from introducer.drafts.plan import WEAK_SCORE, DraftRefusedError
from tests.drafts_cases import CASES, book_of, drafts, pair_of, person
from tests.drafts_helpers import fixed_drafter

GOLDEN = Path(__file__).parent / "golden" / "threads.txt"


def _paragraphs(body: str) -> list[str]:
    return body.split("\n\n")


def _rendered() -> str:
    """For each kind: the joint thread and next step, then each private ask's thread."""
    lines = []
    for kind, contacts in CASES.items():
        book = book_of(contacts)
        (intro,) = drafts(book, "intro")
        joint = _paragraphs(intro.body)
        lines += [f"[{kind}] joint: {joint[2]}",
                  f"[{kind}] next step: {next(p for p in joint if 'reach out' in p)}"]
        for ask in drafts(book, "ask"):
            thread = _paragraphs(ask.body)[1].split(". ", 1)[1]
            lines.append(f"[{kind}] to {ask.to[0].first_name}: {thread}")
    return "\n".join(lines) + "\n"


def test_each_reason_kind_reads_as_golden() -> None:
    text = _rendered()
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.write_text(text, encoding="utf-8")
    assert text == GOLDEN.read_text(encoding="utf-8"), "UPDATE_GOLDEN=1 to rewrite"


def test_the_same_pair_drafts_the_same_text() -> None:
    book = book_of(CASES["referral_mutual"])
    assert [d.body for d in drafts(book, "intro")] == [d.body for d in drafts(book, "intro")]


# ── the "What goes wrong today", items 1-5 ──────────────────────────

BEN = person("Ben Adeyemi", business="software engineer", closeness=2, wants=["realtor"])
MIKE = person("Mike Castellano", business="realtor")


def test_1_a_joint_email_never_tells_a_recipient_the_user_barely_knows_them() -> None:
    (intro,) = drafts(book_of([BEN, MIKE]), "intro")
    assert "I only know Ben a little" not in intro.body
    assert "can't vouch" not in intro.body
    assert "Ben and I haven't known each other long" in intro.body
    to_ben, to_mike = drafts(book_of([BEN, MIKE]), "ask")
    assert "I only know Ben a little" in to_mike.body  # the other side hears it, privately
    assert "I only know Ben" not in to_ben.body


def test_1_staleness_in_a_joint_email_is_phrased_for_both() -> None:
    alan = person("Alan Frost", business="realtor", last_contact="2024-01-05")
    (intro,) = drafts(book_of([BEN | {"closeness": None}, alan]), "intro")
    assert "It's been a while since I last spoke with Alan" in intro.body
    assert "I haven't spoken with Alan since" not in intro.body


KAREN = person("Karen Holt", business="school nurse", events=["divorce"])
RACHEL = person("Rachel Stein", business="divorce attorney")


def test_2_a_private_life_event_goes_to_the_person_living_it_only() -> None:
    book = book_of([KAREN, RACHEL])
    assert fixed_drafter(book).plan(pair_of(book)).kind == "ask"
    (joint,) = drafts(book, "intro")
    assert "Karen, I know you have a divorce" not in joint.body
    assert "divorce to think about" not in joint.body
    to_karen, to_rachel = drafts(book, "ask")
    assert "divorce to think about" in to_karen.body
    assert "divorce" not in to_rachel.body.replace("divorce attorney", "")


def test_2_professionals_serving_the_same_event_keep_their_common_thread() -> None:
    mediator = person("Maria Lopez", business="divorce mediator", clients=["divorcing couples"])
    lawyer = person("Tom Reed", business="family lawyer", clients=["divorcing couples"])
    book = book_of([mediator, lawyer])
    assert fixed_drafter(book).plan(pair_of(book)).kind == "intro"
    (intro,) = drafts(book, "intro")
    assert "You both work with divorcing couples" in intro.body


def test_3_no_restated_referral_sources_jargon_or_stock_phrases() -> None:
    sofia = person("Sofia Marino", business="family therapist", networker="active",
                   referral_sources=["divorce attorneys", "CPAs"], hobbies=["chess"],
                   serves=["divorce", "death in the family", "job loss", "retirement"])
    rachel = RACHEL | {"networker": "active", "referral_sources": ["CPAs"], "hobbies": ["chess"],
                       "serves": ["divorce", "death in the family", "job loss", "retirement"]}
    cpa = Me(name="Dana Whitfield", email="dana@x.example", business="CPA")
    (intro,) = drafts(book_of([sofia, rachel], me=cpa), "intro")
    body = intro.body
    assert "you get referrals from" not in body.casefold()
    assert "referrals from CPAs" not in body and "divorce attorneys" not in body
    assert "active networkers" not in body
    assert "a lot to talk about" not in body
    thread = _paragraphs(body)[2]
    assert thread.count(".") <= 2  # at most two threads
    assert len(re.findall(r"\b(divorce|death|job|retirement)\b", thread)) <= 2


def test_4_the_one_offering_help_reaches_out_not_the_asker() -> None:
    (intro,) = drafts(book_of([BEN, MIKE]), "intro")
    assert "Mike, would you reach out to Ben" in intro.body
    assert "Ben, would you" not in intro.body
    assert "two or three times" not in intro.body


def test_4_the_professional_reaches_out_to_the_client() -> None:
    (intro,) = drafts(book_of(CASES["potential_client"]), "intro")
    assert "Nina, would you reach out to Sam" in intro.body


def test_5_a_pair_with_nothing_in_common_needs_force() -> None:
    book = book_of([person("Ann Lee", business="dentist"), person("Bo Park", business="pilot")])
    with pytest.raises(DraftRefusedError, match=r"nothing in common.*--force"):
        fixed_drafter(book).plan(pair_of(book))
    plan = fixed_drafter(book).plan(pair_of(book), force=True)
    assert plan.notes and "nothing in common" in plan.notes[0]


def test_5_a_weak_pair_needs_force() -> None:
    book = book_of(CASES["shared_hobbies"])
    assert pair_of(book).score < WEAK_SCORE
    with pytest.raises(DraftRefusedError, match="weak match"):
        fixed_drafter(book).plan(pair_of(book))


def test_5_the_starters_placeholder_me_does_not_sign() -> None:
    from introducer.errors import IntroducerError

    book = book_of([BEN, MIKE], me=Me(name="Your Name", email="you@example.com"))
    with pytest.raises(IntroducerError, match="placeholder"):
        drafts(book, "intro")


def test_the_users_own_line_never_appears_as_a_third_party() -> None:
    ivy = person("Ivy Chen", business="web designer", referral_sources=["CPAs"])
    paul = person("Paul Kim", business="copywriter", referral_sources=["CPAs"],
                  clients=["dentists"])
    ivy["clients"] = ["dentists"]
    cpa = Me(name="Dana Whitfield", email="dana@x.example", business="CPA")
    (intro,) = drafts(book_of([ivy, paul], me=cpa), "intro")
    assert "CPA" not in intro.body.replace("Dana Whitfield\nCPA", "")


def test_an_ask_is_retold_in_the_readers_words() -> None:
    tom = person("Tom Greer", business="owns a coffee shop",
                 wants=["insurance for my coffee shop"])
    rita = person("Rita Gomez", business="commercial insurance", company="Gomez Insurance")
    book = book_of([tom, rita])
    (intro,) = drafts(book, "intro")
    assert "Tom, you asked me to find insurance for your coffee shop" in intro.body
    assert "Rita works in commercial insurance at Gomez Insurance" in intro.body
    asks = {draft.to[0].first_name: draft for draft in drafts(book, "ask")}
    to_tom, to_rita = asks["Tom"], asks["Rita"]
    assert "You asked me to find insurance for your coffee shop" in to_tom.body
    assert "Tom asked me to find insurance for their coffee shop" in to_rita.body
