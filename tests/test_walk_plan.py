"""The walk's rules (ledger/walk_plan.py): the order, what each step offers, what it records."""

from __future__ import annotations

import datetime as dt

import pytest

from introducer.errors import UsageError
from introducer.ledger.agenda import build_agenda
from introducer.ledger.entries import Entry
from introducer.ledger.walk_plan import (
    business_value,
    decided,
    plan_walk,
    sent,
    snooze_days,
    snooze_until,
)
from introducer.match.rank import Matchmaker
from tests.conftest import make_book

D = dt.date.fromisoformat
DAY = D("2026-11-23")
PEOPLE = [
    {"name": "Ann A", "hobbies": ["chess"]}, {"name": "Bea B", "hobbies": ["chess"]},
    {"name": "Cy C"}, {"name": "Di D"}, {"name": "Ed E"}, {"name": "Flo F"},
    {"name": "Gus G"}, {"name": "Hal H", "closeness": 4, "last_contact": "2024-01-01"},
]
HISTORY = [
    Entry("introduced", "cy-c", "di-d", D("2026-11-01")),
    Entry("asked", "ed-e", "flo-f", D("2026-11-10")),
    Entry("asked", "ann-a", "gus-g", D("2026-11-10")),
    Entry("outcome", "ann-a", "gus-g", D("2026-11-20"), result="accepted"),
]


def _plan(history: list[Entry] = HISTORY, known: set[str] | None = None):  # type: ignore[no-untyped-def]
    book = make_book(PEOPLE, {"follow_up_days": 7, "stale_days": 365})
    picks = Matchmaker(book, today=DAY).suggest(top=5)
    agenda = build_agenda(book, history, DAY, picks)
    return plan_walk(agenda, known if known is not None else {c.id for c in book.contacts})


def test_the_walk_goes_follow_ups_yeses_reconnects_suggestions() -> None:
    plan = _plan()
    assert [(s.section, s.a, s.b) for s in plan.steps] == [
        ("follow-up", "cy-c", "di-d"),  # 15 days overdue, before the 6-day-old ask
        ("follow-up", "ed-e", "flo-f"),
        ("said-yes", "ann-a", "gus-g"),
        ("reconnect", "hal-h", None),
        ("suggestion", "ann-a", "bea-b"),
    ]


def test_each_step_offers_what_fits_its_stage() -> None:
    introduced, asked, said_yes, reconnect, suggestion = _plan().steps
    assert introduced.actions == ("met", "business", "no-reply", "preview", "draft", "snooze",
                                  "skip")
    assert introduced.draft == "follow_up"
    assert asked.actions == ("accepted", "declined", "no-reply", "snooze", "skip")
    assert said_yes.actions == ("preview", "draft", "snooze", "skip")
    assert said_yes.draft == "intro"
    assert reconnect.actions == ("contacted", "preview", "draft", "skip")
    assert reconnect.draft == "hello"
    assert suggestion.actions == ("preview", "draft", "ask", "skip", "snooze", "never")


def test_a_pair_with_an_id_gone_from_the_book_is_settled_but_not_drafted() -> None:
    introduced = _plan(known={"di-d"}).steps[0]
    assert introduced.actions == ("met", "business", "no-reply", "snooze", "skip")
    assert not introduced.draftable


def test_a_yes_to_an_ask_becomes_a_pair_to_introduce_in_its_place() -> None:
    plan = _plan()
    plan.finish(skipped=True)
    yes = decided(plan.current, "accepted", DAY)  # type: ignore[arg-type]
    assert yes.entry == Entry("outcome", "ed-e", "flo-f", DAY, result="accepted")
    plan.finish([yes])
    assert [(s.section, s.a) for s in plan.steps[plan.position:]] == [
        ("said-yes", "ann-a"), ("said-yes", "ed-e"), ("reconnect", "hal-h"),
        ("suggestion", "ann-a")]
    assert plan.place(plan.steps[3]) == (2, 2)
    assert (plan.skipped, plan.left) == (1, 4)


def test_what_each_decision_records() -> None:
    introduced, _, _, reconnect, suggestion = _plan().steps
    assert decided(introduced, "business", DAY, value=2500.0).entry == Entry(
        "outcome", "cy-c", "di-d", DAY, result="business", value=2500.0)
    assert decided(introduced, "met", DAY, value=9.0).entry.value is None
    assert decided(introduced, "no-reply", DAY).label == "no reply"
    assert decided(reconnect, "contacted", DAY).entry == Entry("contacted", "hal-h", None, DAY)
    assert decided(suggestion, "never", DAY).entry == Entry("never", "ann-a", "bea-b", DAY)
    assert decided(suggestion, "snooze", DAY, until=D("2026-12-23")).entry.until == D(
        "2026-12-23")
    with pytest.raises(ValueError, match="records nothing"):
        decided(suggestion, "skip", DAY)


def test_a_draft_is_recorded_only_once_it_is_sent_with_where_it_is() -> None:
    introduced, _, said_yes, reconnect, suggestion = _plan().steps
    where = ["/m/a.eml"]
    assert sent(said_yes, "intro", DAY, where, "not-yet", 7) is None
    intro = sent(said_yes, "intro", DAY, where, "sent", 7)
    assert intro is not None and intro.entry == Entry("introduced", "ann-a", "gus-g", DAY,
                                                      note="sent: /m/a.eml")
    ask = sent(suggestion, "ask", DAY, ["/m/1.eml", "/m/2.eml"], "record-now", 7)
    assert ask is not None and (ask.entry.kind, ask.entry.note) == (
        "asked", "to send: /m/1.eml, /m/2.eml")
    chased = sent(introduced, "follow_up", DAY, where, "sent", 7)
    assert chased is not None and chased.entry == Entry(
        "snoozed", "cy-c", "di-d", DAY, until=D("2026-11-30"), note="follow-up sent: /m/a.eml")
    hello = sent(reconnect, "hello", DAY, where, "sent", 7)
    assert hello is not None and hello.entry == Entry("contacted", "hal-h", None, DAY,
                                                      note="hello sent: /m/a.eml")


def test_typed_answers_follow_the_command_line_rules() -> None:
    introduced, *_, suggestion = _plan().steps
    assert (snooze_days(introduced, 7), snooze_days(suggestion, 7)) == (7, 30)
    assert snooze_until(DAY, "", 30) == D("2026-12-23")
    assert snooze_until(DAY, " 10 ", 30) == D("2026-12-03")
    for bad in ("0", "-3", "ten", "3651"):
        with pytest.raises(UsageError, match="from 1 to 3650"):
            snooze_until(DAY, bad, 30)
    with pytest.raises(UsageError, match="goes past 2999-12-31"):
        snooze_until(D("2999-12-01"), "100", 30)
    assert business_value("2,500") == 2500.0
    assert business_value("  ") is None
    assert str(business_value("-0")) == "0.0"
    for bad in ("lots", "-1", "nan", "inf", "1e16"):
        with pytest.raises(UsageError, match="a number from 0"):
            business_value(bad)
