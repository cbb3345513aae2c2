"""Golden files: each built-in template, rendered from the example book, byte for byte.

Set UPDATE_GOLDEN=1 to rewrite them after a deliberate change, then read the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from introducer.drafts.message import wire_bytes
from tests.conftest import EXAMPLE_BOOK
from tests.drafts_helpers import assert_crlf, drafts_for, parse

GOLDEN = Path(__file__).parent / "golden"
CASES = [
    ("intro-maria-tom", "maria-lopez", "tom-reed", "intro"),
    ("intro-maria-jorge", "maria-lopez", "jorge-alvarez", "intro"),
    ("opt-in-maria-jorge", "maria-lopez", "jorge-alvarez", "ask"),
    ("opt-in-sofia-maria", "sofia-rossi", "maria-lopez", "ask"),
    ("follow-up-maria-tom", "maria-lopez", "tom-reed", "follow_up"),
]


@pytest.mark.parametrize(("name", "first", "second", "kind"), CASES, ids=[c[0] for c in CASES])
def test_template_matches_golden(name: str, first: str, second: str, kind: str) -> None:
    drafts = drafts_for(EXAMPLE_BOOK, first, second, kind)  # type: ignore[arg-type]
    for number, draft in enumerate(drafts, 1):
        data = wire_bytes(draft.message)
        golden = GOLDEN / (f"{name}.eml" if len(drafts) == 1 else f"{name}-{number}.eml")
        if os.environ.get("UPDATE_GOLDEN"):
            golden.write_bytes(data)
        assert data == golden.read_bytes(), f"{golden.name} differs (UPDATE_GOLDEN=1 to rewrite)"
        assert_crlf(data)
        parsed = parse(data)
        assert parsed["From"] == "Ana Ortiz <ana@ortizconnects.example>"
        assert parsed["X-Unsent"] == "1"
        assert parsed["Date"] == "Mon, 23 Nov 2026 09:30:00 -0500"
        assert parsed["Message-ID"] == f"<draft-{number}@ortizconnects.example>"
        assert parsed.get_content().replace("\r\n", "\n") == draft.body


def test_intro_names_both_and_says_why() -> None:
    (draft,) = drafts_for(EXAMPLE_BOOK, "maria", "tom", "intro")
    parsed = parse(wire_bytes(draft.message))
    to = parsed["To"].addresses
    assert [a.addr_spec for a in to] == ["maria@lopezmediation.example",
                                        "tom@reedfamilylaw.example"]
    assert parsed["Subject"] == "Introduction: Maria Lopez and Tom Reed"
    body = parsed.get_content().replace("\r\n", "\n")
    assert "You're each well placed to send the other clients." in body
    assert "family therapists" not in body  # their own referral source, told to them
    assert "Maria is a divorce mediator at Lopez Mediation" in body
    assert "Maria, would you reach out to Tom" in body


def test_stale_contact_is_admitted_in_words_fit_for_both() -> None:
    (draft,) = drafts_for(EXAMPLE_BOOK, "maria", "jorge", "intro")
    assert "It's been a while since I last spoke with Jorge" in draft.body
    assert "I only know Jorge a little" not in draft.body  # Jorge reads this one too


def test_opt_in_asks_each_side_privately() -> None:
    to_jorge, to_maria = drafts_for(EXAMPLE_BOOK, "maria", "jorge", "ask")
    assert [p.id for p in to_jorge.to] == ["jorge-alvarez"]
    assert [p.id for p in to_maria.to] == ["maria-lopez"]
    assert "It's been too long since we last spoke; I hope you're well." in to_jorge.body
    assert "haven't spoken since March 2024" in to_maria.body
    for draft in (to_jorge, to_maria):
        assert "Would you welcome an introduction?" in draft.body


def test_private_life_event_is_not_told_to_the_professional_first() -> None:
    to_maria = next(d for d in drafts_for(EXAMPLE_BOOK, "sofia", "maria", "ask")
                    if d.to[0].id == "maria-lopez")
    assert "divorce to think about" not in to_maria.body
    assert "could help Sofia right now" in to_maria.body


def test_every_example_suggestion_drafts_cleanly() -> None:
    from introducer.book.load import load_book
    from introducer.match.rank import Matchmaker
    from tests.drafts_helpers import TODAY, fixed_drafter

    book = load_book(EXAMPLE_BOOK)
    drafter = fixed_drafter(book)
    for pair in Matchmaker(book, today=TODAY).suggest(top=50, per_person=0):
        for kind in ("intro", "ask", "follow_up"):
            for draft in drafter.drafts_for(pair, kind):  # type: ignore[arg-type]
                assert "  " not in draft.body and "..." not in draft.body
                assert "None" not in draft.body
                assert draft.body.count("\n\n\n") == 0
