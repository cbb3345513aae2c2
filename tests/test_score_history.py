"""What the ledger changes: cooldown penalties, reciprocity, hidden pairs, and how they read."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from pydantic import ValidationError
from typer.testing import CliRunner

from introducer.book.model import Book
from introducer.book.schema import Settings, Weights, as_data
from introducer.book.validation import validate
from introducer.cli import commands_match
from introducer.cli.app import app
from introducer.drafts.compose import common_thread
from introducer.drafts.context import person
from introducer.match import index as index_module
from introducer.match import rank
from introducer.match.history import (
    NO_HISTORY,
    HistoryView,
    RecentIntroductions,
    Reciprocity,
    pair_key,
)
from introducer.match.rank import Matchmaker
from introducer.match.score import HISTORY_KINDS, KINDS, Reason, Suggestion
from tests.conftest import EXAMPLE_BOOK, BookWriter, make_book

TODAY = dt.date(2026, 11, 23)
INTRODUCED = "introduced 2026-11-02"

# Maria and Tom share a client type and a referral source: 3 + 3 points.
MARIA = {"name": "Maria Lopez", "clients": ["divorcing couples"],
         "referral_sources": ["family therapists"]}
TOM = {"name": "Tom Reed", "clients": ["divorcing couples"],
       "referral_sources": ["family therapists"]}
ZED = {"name": "Zed Stranger", "hobbies": ["knitting"]}


def view(
    recent: Mapping[str, tuple[int, int]] | None = None,
    owed: Mapping[str, tuple[int, int]] | None = None,
    hidden: Mapping[tuple[str, str], str] | None = None,
    cooldown_days: int = 14,
) -> HistoryView:
    return HistoryView(
        cooldown_days=cooldown_days,
        recent={k: RecentIntroductions(*v) for k, v in (recent or {}).items()},
        reciprocity={k: Reciprocity(*v) for k, v in (owed or {}).items()},
        hidden=dict(hidden or {}),
    )


def explain(
    contacts: list[dict[str, Any]], history: HistoryView, settings: Mapping[str, Any] | None = None
) -> Suggestion:
    """explain() for the first two contacts of a small book, with a history."""
    book = make_book(contacts, settings)
    return Matchmaker(book, today=TODAY, history=history).explain(*book.contacts[:2])


def of_kind(suggestion: Suggestion, kind: str) -> list[Reason]:
    return [r for r in suggestion.reasons if r.kind == kind]


def ids(found: list[Suggestion]) -> list[tuple[str, str]]:
    return [(s.a.id, s.b.id) for s in found]


def adds_up(suggestion: Suggestion) -> bool:
    return suggestion.score == round(sum(r.points for r in suggestion.reasons), 2)


# ── settings ─────────────────────────────────────────────────────────────────

def test_the_new_weights_and_the_cooldown_have_defaults_and_limits() -> None:
    assert Weights().recently_introduced == 3.0
    assert Weights().reciprocity == 2.0
    assert Settings().cooldown_days == 14
    assert validate(Settings, {"cooldown_days": "0"}).cooldown_days == 0
    for bad in ({"cooldown_days": "-1"}, {"cooldown_days": "3651"},
                {"weights": {"reciprocity": "1001"}},
                {"weights": {"recently_introduced": "-1"}}):
        with pytest.raises(ValidationError):
            validate(Settings, bad)


def test_the_example_book_lists_the_new_settings() -> None:
    settings = yaml.safe_load(EXAMPLE_BOOK.read_text(encoding="utf-8"))["settings"]
    assert settings["cooldown_days"] == Settings().cooldown_days
    assert settings["weights"] == as_data(Weights()), "the example shows every default"


W = Weights()


def test_the_kinds_order_puts_the_ledger_where_it_belongs() -> None:
    assert KINDS.index("reciprocity") == KINDS.index("both_active") + 1
    assert KINDS.index("recently_introduced") == len(KINDS) - 1
    assert {"reciprocity", "recently_introduced"} == HISTORY_KINDS


# ── recently introduced ─────────────────────────────────────────────────────

@pytest.mark.parametrize(("count", "days", "text"), [
    (1, 3, "Maria was introduced 3 days ago"),
    (1, 0, "Maria was introduced today"),
    (1, 1, "Maria was introduced yesterday"),
    (2, 3, "Maria was introduced 2 times in the last 14 days (latest 3 days ago)"),
    (3, 0, "Maria was introduced 3 times in the last 14 days (latest today)"),
])
def test_a_recent_introduction_costs_points_per_introduction(
    count: int, days: int, text: str
) -> None:
    result = explain([MARIA, TOM], view(recent={"maria-lopez": (count, days)}))
    assert of_kind(result, "recently_introduced") == [
        Reason("recently_introduced", (), -3.0 * count, text, "maria-lopez")
    ]
    assert result.reasons[-1].kind == "recently_introduced"
    assert result.score == round(6.0 - 3.0 * count, 2)
    assert adds_up(result)


def test_the_cooldown_window_reads_from_the_history() -> None:
    result = explain([MARIA, TOM], view(recent={"tom-reed": (2, 5)}, cooldown_days=30))
    assert [r.text for r in of_kind(result, "recently_introduced")] == [
        "Tom was introduced 2 times in the last 30 days (latest 5 days ago)"
    ]


def test_both_sides_pay_and_the_penalty_applies_even_with_nothing_in_common() -> None:
    history = view(recent={"maria-lopez": (1, 2), "zed-stranger": (2, 1)})
    result = explain([MARIA, ZED], history)
    assert [(r.subject, r.points) for r in result.reasons] == [
        ("maria-lopez", -3.0), ("zed-stranger", -6.0)
    ]
    assert result.score == -9.0
    both = explain([MARIA, TOM], view(recent={"maria-lopez": (1, 2), "tom-reed": (1, 4)}))
    assert [r.text for r in of_kind(both, "recently_introduced")] == [
        "Maria was introduced 2 days ago", "Tom was introduced 4 days ago"
    ]
    assert both.score == 0.0


def test_full_names_keep_two_people_with_one_first_name_apart() -> None:
    twin = {**TOM, "name": "Maria Reed"}
    result = explain([MARIA, twin], view(recent={"maria-reed": (1, 0)}))
    assert [r.text for r in of_kind(result, "recently_introduced")] == [
        "Maria Reed was introduced today"
    ]


def test_a_zero_weight_turns_the_penalty_off() -> None:
    result = explain([MARIA, TOM], view(recent={"maria-lopez": (2, 0)}),
                     {"weights": {"recently_introduced": 0}})
    assert of_kind(result, "recently_introduced") == []
    assert result.score == 6.0


def test_a_recent_introduction_lowers_the_pair_in_the_ranking() -> None:
    book = make_book([
        {"name": "Ann", "clients": ["bakers", "florists"]},
        {"name": "Ben", "clients": ["bakers", "florists"]},
        {"name": "Cy", "clients": ["dentists"], "hobbies": ["go"]},
        {"name": "Di", "clients": ["dentists"], "hobbies": ["go"]},
    ])
    plain = Matchmaker(book, today=TODAY).suggest(top=10)
    assert ids(plain) == [("ann", "ben"), ("cy", "di")]
    found = Matchmaker(book, today=TODAY, history=view(recent={"ben": (1, 0)})).suggest(top=10)
    assert ids(found) == [("cy", "di"), ("ann", "ben")]
    assert [s.score for s in found] == [3 + W.shared_hobbies, 3.0]
    gone = Matchmaker(book, today=TODAY, history=view(recent={"ben": (2, 0)})).suggest(top=10)
    assert ids(gone) == [("cy", "di")]  # 6 - 6 = 0: never suggested


# ── reciprocity ──────────────────────────────────────────────────────────────

@pytest.mark.parametrize(("received", "given", "points", "text"), [
    (2, 1, 2.0, "Maria has sent you 2 referrals and had 1 introduction back"),
    (1, 0, 2.0, "Maria has sent you 1 referral and had none back yet"),
    (5, 2, 6.0, "Maria has sent you 5 referrals and had 2 introductions back"),
    (9, 0, 6.0, "Maria has sent you 9 referrals and had none back yet"),  # at most 3 count
])
def test_reciprocity_raises_a_pair_that_shares_something(
    received: int, given: int, points: float, text: str
) -> None:
    result = explain([MARIA, TOM], view(owed={"maria-lopez": (received, given)}))
    assert of_kind(result, "reciprocity") == [
        Reason("reciprocity", (), points, text, "maria-lopez")
    ]
    assert result.score == 6.0 + points
    assert adds_up(result)
    # It is not what the two have in common.
    assert result.common_thread == "both serve divorcing couples; both fed by family therapists"


def test_nothing_is_owed_when_the_user_is_even_or_ahead() -> None:
    for received, given in ((2, 2), (1, 3), (0, 0)):
        result = explain([MARIA, TOM], view(owed={"maria-lopez": (received, given)}))
        assert of_kind(result, "reciprocity") == []
        assert result.score == 6.0


def test_reciprocity_never_makes_a_pair_from_nothing() -> None:
    history = view(owed={"maria-lopez": (3, 0), "zed-stranger": (3, 0)})
    result = explain([MARIA, ZED], history)
    assert result.reasons == ()
    assert result.score == 0.0
    book = make_book([MARIA, ZED, {"name": "Ann", "hobbies": ["chess"]}])
    matchmaker = Matchmaker(book, today=TODAY, history=history)
    assert matchmaker.suggest(top=10, per_person=0) == []
    assert matchmaker.suggest(focus=book.contacts[0]) == []
    every = np.array([0, 0, 1]), np.array([1, 2, 2])
    np.testing.assert_allclose(matchmaker.index.totals(*every), [0.0, 0.0, 0.0])


def test_reciprocity_does_not_rescue_competitors_with_nothing_else() -> None:
    book = make_book([
        {"name": "Sam", "business": "dog walker", "hobbies": ["go"]},
        {"name": "Lena", "business": "Dog Walkers", "hobbies": ["go"]},
    ], {"weights": {"same_business": W.shared_hobbies}})
    history = view(owed={"sam": (3, 0)})
    matchmaker = Matchmaker(book, today=TODAY, history=history)
    result = matchmaker.explain(*book.contacts)
    assert [r.kind for r in result.reasons] == ["shared_hobbies", "same_business"]
    assert result.score == 0.0  # the book alone finds nothing left: no reciprocity
    assert matchmaker.suggest() == []


def test_reciprocity_lifts_a_giver_in_the_ranking() -> None:
    book = make_book([
        {"name": "Ann", "clients": ["bakers", "florists"]},
        {"name": "Ben", "clients": ["bakers", "florists"]},
        {"name": "Cy", "hobbies": ["go"]},
        {"name": "Di", "hobbies": ["go"]},
    ])
    found = Matchmaker(book, today=TODAY, history=view(owed={"di": (4, 0)})).suggest(top=10)
    assert ids(found) == [("cy", "di"), ("ann", "ben")]
    assert [s.score for s in found] == [6 + W.shared_hobbies, 6.0]
    assert all(adds_up(s) for s in found)


def test_the_bound_that_prunes_a_row_block_counts_the_bonus(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Rows are scored block by block; a later pair lifted by its bonus must not be pruned."""
    monkeypatch.setattr(index_module, "_BLOCK_PRODUCTS", 1)  # one row per block
    book = make_book([
        *({"name": f"Early {i}", "clients": ["bakers"]} for i in range(4)),
        {"name": "Late A", "hobbies": ["go"]},
        {"name": "Late B", "hobbies": ["go"]},
    ])
    history = view(owed={"late-b": (3, 0)})
    index = Matchmaker(book, today=TODAY, history=history).index
    kept = index.candidates(1)
    assert (kept.first.tolist(), kept.second.tolist()) == ([4], [5])
    np.testing.assert_allclose(kept.total, [6 + W.shared_hobbies])
    assert kept.ceiling >= 1.5 - 1e-9


# ── hidden pairs ─────────────────────────────────────────────────────────────

def hub_book() -> Book:
    """Hub shares two client types with Ann, one with Ben; Cy and Di share a hobby."""
    return make_book([
        {"name": "Hub", "clients": ["bakers", "florists"]},
        {"name": "Ann", "clients": ["bakers", "florists"]},
        {"name": "Ben", "clients": ["bakers"]},
        {"name": "Cy", "hobbies": ["go"]},
        {"name": "Di", "hobbies": ["go"]},
    ])


def test_hidden_pairs_disappear_and_come_back_marked() -> None:
    book = hub_book()
    history = view(hidden={("ann", "hub"): INTRODUCED})
    matchmaker = Matchmaker(book, today=TODAY, history=history)
    found = matchmaker.suggest(top=10, per_person=0)
    assert ("ann", "hub") not in ids(found)
    assert all(s.history is None for s in found)
    every = matchmaker.suggest(top=10, per_person=0, include_history=True)
    assert ids(every)[0] == ("ann", "hub")
    assert every[0].history == INTRODUCED
    assert [s for s in every if s.history is None] == found
    plain = Matchmaker(book, today=TODAY).suggest(top=10, per_person=0)
    assert [s.score for s in every] == [s.score for s in plain]


def test_a_hidden_pair_frees_its_peoples_cap() -> None:
    book = hub_book()
    plain = Matchmaker(book, today=TODAY).suggest(top=10, per_person=1)
    assert ids(plain) == [("ann", "hub"), ("cy", "di")]  # Ben's pair with Hub: Hub is full
    history = view(hidden={("ann", "hub"): "snoozed until 2026-12-01"})
    matchmaker = Matchmaker(book, today=TODAY, history=history)
    found = matchmaker.suggest(top=10, per_person=1)
    assert ids(found) == [("ann", "ben"), ("cy", "di")]  # Ann and Hub both free again
    assert ids(matchmaker.suggest(top=10, per_person=1, include_history=True)) == ids(plain)


def test_focus_leaves_hidden_pairs_out_too() -> None:
    book = hub_book()
    history = view(hidden={("ann", "hub"): "never"})
    matchmaker = Matchmaker(book, today=TODAY, history=history)
    found = matchmaker.suggest(focus=book.contacts[0])
    assert ids(found) == [("ben", "hub")]
    marked = matchmaker.suggest(focus=book.contacts[0], include_history=True)
    assert [(s.a.id, s.b.id, s.history) for s in marked] == [
        ("ann", "hub", "never"), ("ben", "hub", None)
    ]


def test_explain_carries_the_label_whatever_is_asked() -> None:
    book = hub_book()
    history = view(hidden={("ann", "hub"): INTRODUCED})
    matchmaker = Matchmaker(book, today=TODAY, history=history)
    hub, ann, ben = book.contacts[:3]
    assert matchmaker.explain(hub, ann).history == INTRODUCED
    assert matchmaker.explain(ann, hub).history == INTRODUCED
    assert matchmaker.explain(hub, ben).history is None
    assert matchmaker.explain(hub, ann).excluded is None


def test_many_hidden_top_pairs_widen_the_search_until_it_is_right(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    falconers = [{"name": f"Falconer {i}", "hobbies": ["falconry"], "clients": ["vets"]}
                 for i in range(5)]
    loners = [{"name": f"Loner {i}"} for i in range(6)]  # a book big enough to widen
    book = make_book([*falconers, {"name": "Ann", "hobbies": ["go"]},
                      {"name": "Ben", "hobbies": ["go"]}, *loners])
    people = [c.id for c in book.contacts[:5]]
    history = view(hidden={pair_key(a, b): "never" for a, b in itertools.combinations(people, 2)})
    expected = Matchmaker(book, today=TODAY, history=history).suggest(top=2, per_person=1)
    assert ids(expected) == [("ann", "ben")]  # every other pair is hidden
    monkeypatch.setattr(rank, "_FIRST_KEEP", 1)
    narrow = Matchmaker(book, today=TODAY, history=history, small_book=0)  # the index path
    calls: list[int | None] = []
    candidates = narrow.index.candidates

    def spy(keep: int | None = None, *, reach: int = 0, after: Any = None) -> Any:
        calls.append(keep)  # only the best, a hidden pair:
        return candidates(None if keep is None else 1, reach=reach, after=after)

    monkeypatch.setattr(narrow.index, "candidates", spy)
    assert narrow.suggest(top=2, per_person=1) == expected
    assert calls == [64 * 2 + len(history.hidden), None]


# ── everywhere: points add up, the index agrees ─────────────────────────────

def example_history(book: Book) -> HistoryView:
    people = [c.id for c in book.contacts]
    return view(
        recent={people[0]: (1, 2), people[5]: (2, 0), people[9]: (1, 9)},
        owed={people[1]: (3, 1), people[4]: (1, 0), people[9]: (4, 0), people[12]: (2, 2)},
        hidden={pair_key(people[0], people[1]): INTRODUCED,
                pair_key(people[2], people[3]): "never"},
    )


def test_points_add_up_and_the_index_agrees_on_the_example_book() -> None:
    data = yaml.safe_load(EXAMPLE_BOOK.read_text(encoding="utf-8"))
    book = make_book(data["contacts"], data["settings"])
    history = example_history(book)
    matchmaker = Matchmaker(book, today=TODAY, history=history)
    n = len(book.contacts)
    pairs = [(i, j) for i, j in itertools.combinations(range(n), 2)
             if book.contacts[i].introduce and book.contacts[j].introduce]
    first, second = (np.array(side, dtype=np.int64) for side in zip(*pairs, strict=True))
    exact = [matchmaker.scorer.raw_total(i, j) for i, j in pairs]
    np.testing.assert_allclose(matchmaker.index.totals(first, second), exact, atol=1e-9)
    for include in (False, True):
        found = matchmaker.suggest(top=30, include_history=include)
        assert found and all(adds_up(s) for s in found)
        kinds = {r.kind for s in found for r in s.reasons}
        assert "reciprocity" in kinds
    for i, j in pairs:
        assert adds_up(matchmaker.scorer.score_pair(i, j))


def test_no_history_changes_nothing() -> None:
    data = yaml.safe_load(EXAMPLE_BOOK.read_text(encoding="utf-8"))
    book = make_book(data["contacts"], data["settings"])
    plain = Matchmaker(book, today=TODAY).suggest(top=30)
    assert Matchmaker(book, today=TODAY, history=NO_HISTORY).suggest(
        top=30, include_history=True) == plain
    assert not {r.kind for s in plain for r in s.reasons} & HISTORY_KINDS


def test_drafts_never_mention_the_ledger() -> None:
    book = make_book([MARIA, TOM])
    history = view(owed={"maria-lopez": (3, 0)}, recent={"tom-reed": (1, 0)})
    pair = Matchmaker(book, today=TODAY, history=history).explain(*book.contacts)
    assert pair.reasons[0].kind == "reciprocity"  # the strongest reason
    a, b = (person(book, i, TODAY) for i in (0, 1))
    plain = Matchmaker(book, today=TODAY).explain(*book.contacts)
    assert common_thread(pair.reasons, a, b) == common_thread(plain.reasons, a, b)


# ── the command line ─────────────────────────────────────────────────────────

runner = CliRunner()
CLI_BOOK = [
    {**MARIA, "business": "divorce mediator"},
    {**TOM, "business": "matrimonial attorney"},
    {"name": "Priya Shah", "clients": ["divorcing couples"], "hobbies": ["chess"]},
    {"name": "Bob Smith", "hobbies": ["chess"]},
]


def invoke(*args: str | Path) -> tuple[int, str, str]:
    result = runner.invoke(app, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


def test_suggest_accepts_include_history_and_stays_valid_json(write_book: BookWriter) -> None:
    book = write_book(CLI_BOOK)
    code, out, err = invoke("--book", book, "suggest", "--format", "json")
    assert code == 0, err
    code, marked, err = invoke("--book", book, "suggest", "--include-history", "--format", "json")
    assert code == 0, err
    assert json.loads(marked) == json.loads(out)
    assert all("history" not in s for s in json.loads(marked)["suggestions"])
    code, _, err = invoke("--book", book, "suggest", "--include-history")
    assert code == 0, err


@pytest.fixture
def ledger(monkeypatch: pytest.MonkeyPatch) -> None:
    """The ledger, as `suggest` and `explain` read it: `current_history` returns this view."""
    history = view(hidden={("maria-lopez", "tom-reed"): INTRODUCED})
    monkeypatch.setattr(commands_match, "current_history", lambda *args: history)


@pytest.mark.usefixtures("ledger")
def test_suggest_shows_hidden_pairs_only_when_asked(write_book: BookWriter) -> None:
    book = write_book(CLI_BOOK)
    _, out, _ = invoke("--book", book, "suggest", "--format", "json")
    pairs = [(s["a"]["id"], s["b"]["id"]) for s in json.loads(out)["suggestions"]]
    assert pairs and ("maria-lopez", "tom-reed") not in pairs
    _, out, _ = invoke("--book", book, "suggest", "--include-history", "--format", "json")
    first = json.loads(out)["suggestions"][0]
    assert (first["a"]["id"], first["b"]["id"], first["history"]) == (
        "maria-lopez", "tom-reed", INTRODUCED
    )
    assert all("history" not in s for s in json.loads(out)["suggestions"][1:])
    code, out, _ = invoke("--book", book, "suggest", "--include-history")
    assert code == 0
    row = out.splitlines()[1]
    assert "Maria Lopez" in row and f"[{INTRODUCED}]" in row
    assert out.count("[introduced") == 1


@pytest.mark.usefixtures("ledger")
def test_explain_shows_the_label(write_book: BookWriter) -> None:
    book = write_book(CLI_BOOK)
    code, out, _ = invoke("--book", book, "explain", "maria-lopez", "tom-reed")
    assert code == 0
    assert f"history: {INTRODUCED}" in out.splitlines()
    _, out, _ = invoke("--book", book, "explain", "tom-reed", "maria-lopez", "--format", "json")
    assert json.loads(out)["history"] == INTRODUCED
    _, out, _ = invoke("--book", book, "explain", "maria-lopez", "bob-smith", "--format", "json")
    assert "history" not in json.loads(out)
    code, out, err = invoke("--book", book, "explain", "maria-lopez", "tom-reed",
                            "--format", "csv")
    assert code == 0 and f"history: {INTRODUCED}" in err
    assert out.splitlines()[0] == "kind,points,why"
