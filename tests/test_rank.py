"""The ranked list: order, caps, focus, minimum score, exclusions, and the example book."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import yaml

from introducer.book.schema import Weights
from introducer.errors import ContactLookupError, UsageError
from introducer.match import pairs, rank
from introducer.match.rank import Matchmaker
from introducer.match.score import Suggestion
from tests.conftest import EXAMPLE_BOOK, make_book

TODAY = dt.date(2026, 11, 23)


def ids(found: list[Suggestion]) -> list[tuple[str, str]]:
    return [(s.a.id, s.b.id) for s in found]


def hub_book() -> list[dict[str, Any]]:
    """A hub who shares a rare hobby with everyone, and two pairs sharing a client type."""
    return [
        {"name": "Hub", "hobbies": ["falconry"], "clients": ["dentists"]},
        *({"name": f"Spoke {i}", "hobbies": ["falconry"]} for i in range(4)),
        {"name": "Ann", "clients": ["vintners"]},
        {"name": "Ben", "clients": ["vintners"]},
    ]


def test_suggestions_are_ranked_by_score_then_ids() -> None:
    book = make_book([
        {"name": "Cy", "hobbies": ["go"]},
        {"name": "Al", "hobbies": ["go"]},
        {"name": "Bo", "clients": ["bakers"], "networker": "active"},
        {"name": "Di", "clients": ["bakers"], "networker": "active"},
    ])
    found = Matchmaker(book, today=TODAY).suggest(top=10)
    assert ids(found) == [("bo", "di"), ("al", "cy")]
    weights = Weights()
    assert [s.score for s in found] == [weights.shared_clients + weights.both_active,
                                        weights.shared_hobbies]


def test_ties_break_by_ids() -> None:
    book = make_book([{"name": n, "hobbies": ["go"] if n in "CyAl" else ["chess"]}
                      for n in ("Cy", "Zu", "Al", "Bo")])
    found = Matchmaker(book, today=TODAY).suggest(top=10)
    assert ids(found) == [("al", "cy"), ("bo", "zu")]


def test_per_person_cap() -> None:
    book = make_book(hub_book())
    matchmaker = Matchmaker(book, today=TODAY)
    capped = matchmaker.suggest(top=10, per_person=2)
    hub_pairs = [s for s in capped if "hub" in (s.a.id, s.b.id)]
    assert len(hub_pairs) == 2
    for person in (c.id for c in book.contacts):
        assert sum(person in (s.a.id, s.b.id) for s in capped) <= 2
    uncapped = matchmaker.suggest(top=100, per_person=0)
    assert len(uncapped) == 4 * 5 // 2 + 1  # the five falconers pairwise, and Ann-Ben


def test_top_limits_the_list() -> None:
    found = Matchmaker(make_book(hub_book()), today=TODAY).suggest(top=1, per_person=0)
    assert len(found) == 1


def test_focus_lists_only_that_persons_pairs_and_is_not_capped() -> None:
    book = make_book(hub_book())
    matchmaker = Matchmaker(book, today=TODAY)
    found = matchmaker.suggest(top=10, per_person=1, focus=book.contacts[0])
    assert len(found) == 4
    assert all("hub" in (s.a.id, s.b.id) for s in found)


def test_focus_on_someone_never_introduced_gives_nothing() -> None:
    book = make_book([{"name": "Ana", "hobbies": ["go"], "introduce": False},
                      {"name": "Bo", "hobbies": ["go"]}])
    assert Matchmaker(book, today=TODAY).suggest(focus=book.contacts[0]) == []


def test_min_score_filters() -> None:
    book = make_book([
        {"name": "Al", "hobbies": ["go"]},
        {"name": "Cy", "hobbies": ["go"]},
        {"name": "Bo", "clients": ["bakers"]},
        {"name": "Di", "clients": ["bakers"]},
    ])
    found = Matchmaker(book, today=TODAY).suggest(min_score=2)
    assert ids(found) == [("bo", "di")]


def test_exclusions_are_never_suggested() -> None:
    book = make_book([
        {"name": "Ana", "hobbies": ["go"], "avoid": ["bo"]},
        {"name": "Bo", "hobbies": ["go"]},
        {"name": "Cy", "hobbies": ["go"], "introduce": False},
        {"name": "Di", "hobbies": ["go"]},
    ])
    found = Matchmaker(book, today=TODAY).suggest(top=10, per_person=0)
    assert ids(found) == [("ana", "di"), ("bo", "di")]


def test_competitors_alone_are_not_suggested_but_kept_when_they_share_more() -> None:
    """What competitors share in clients is what they compete for; hobbies still count."""
    book = make_book([
        {"name": "Sam", "business": "dog walker", "clients": ["dentists", "bakers"]},
        {"name": "Lena", "business": "Dog Walkers", "clients": ["dentists", "bakers"]},
        {"name": "Ana", "business": "dog groomer", "hobbies": ["go", "falconry"]},
        {"name": "Bo", "business": "dog groomer", "hobbies": ["go", "falconry"]},
    ])
    found = Matchmaker(book, today=TODAY).suggest(top=10)
    assert ids(found) == [("ana", "bo")]
    weights = Weights()
    assert found[0].score == 2 * weights.shared_hobbies - weights.same_business
    assert found[0].reasons[-1].kind == "same_business"


def test_same_book_same_answer() -> None:
    first = Matchmaker(make_book(hub_book()), today=TODAY).suggest(top=5)
    second = Matchmaker(make_book(hub_book()), today=TODAY).suggest(top=5)
    assert first == second


def test_bad_arguments() -> None:
    book = make_book(hub_book())
    matchmaker = Matchmaker(book, today=TODAY)
    with pytest.raises(UsageError):
        matchmaker.suggest(top=0)
    with pytest.raises(UsageError):
        matchmaker.suggest(per_person=-1)
    stranger = make_book([{"name": "Stranger"}]).contacts[0]
    with pytest.raises(ContactLookupError):
        matchmaker.explain(stranger, book.contacts[0])


def test_a_short_first_shortlist_is_widened(monkeypatch: pytest.MonkeyPatch) -> None:
    book = make_book([*hub_book(), *({"name": f"Extra {i}", "hobbies": ["falconry"]}
                                     for i in range(6))])
    expected = Matchmaker(book, today=TODAY).suggest(top=2, per_person=1)
    monkeypatch.setattr(rank, "_FIRST_KEEP", 1)
    monkeypatch.setattr(pairs, "_FIRST_CHUNK", 1)
    narrow = Matchmaker(book, today=TODAY, small_book=0)  # the index path
    calls: list[int | None] = []
    candidates = narrow.index.candidates

    def spy(keep: int | None = None, *, reach: int = 0, after: Any = None) -> Any:
        calls.append(keep)
        return candidates(None if keep is None else 1, reach=reach, after=after)

    monkeypatch.setattr(narrow.index, "candidates", spy)
    assert narrow.suggest(top=2, per_person=1) == expected
    assert len(expected) == 2
    assert calls == [128, None]  # one pair kept, two wanted: not enough, so all


def test_the_example_book() -> None:
    data = yaml.safe_load(EXAMPLE_BOOK.read_text(encoding="utf-8"))
    book = make_book(data["contacts"], data["settings"])
    matchmaker = Matchmaker(book, today=TODAY)
    found = matchmaker.suggest(top=30)
    pairs = ids(found)
    assert ("maria-lopez", "tom-reed") not in pairs  # both at the weekly tuesday breakfast
    assert [r.kind for r in matchmaker.explain(*(c for c in book.contacts if c.id in (
        "maria-lopez", "tom-reed"))).reasons][-1] == "already_acquainted"
    assert ("ben-carter", "lucy-tran") in pairs  # a want and a new baby
    assert ("nina-petrova", "rosa-martinez") in pairs  # a want and a business sale
    everyone = {p for pair in pairs for p in pair}
    assert "frank-miller" not in everyone  # introduce: false
    assert ("grace-kim", "peter-lang") not in pairs  # avoid
    capped = [p for s in found for p in (s.a.id, s.b.id)
              if s.answer is None or s.answer.kind != "wants" or p != s.answer.subject]
    assert all(capped.count(p) <= 2 for p in everyone), "askers are not held to the cap"
    for suggestion in found:
        assert suggestion.score == round(sum(r.points for r in suggestion.reasons), 2)
