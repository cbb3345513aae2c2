"""What the ledger means on a day: hidden pairs, follow-ups, cooldown, reciprocity, weeks, funnel.

Pure functions of entries and a date, so every figure here is exact.
"""

from __future__ import annotations

import datetime as dt
import itertools

from introducer.ledger.entries import Entry, Kind, Result
from introducer.ledger.views import (
    Funnel,
    followups,
    funnel,
    hidden_label,
    history_view,
    introductions_per_week,
    pair_stories,
    reciprocity,
    week_start,
)
from introducer.match.history import RecentIntroductions, Reciprocity

TODAY = dt.date(2026, 11, 23)  # a Monday
_ids = itertools.count(1)


def ago(days: int) -> dt.date:
    return TODAY - dt.timedelta(days=days)


def e(kind: Kind, a: str, b: str | None, day: dt.date, *, result: Result | None = None,
      value: float | None = None, until: dt.date | None = None, undone: bool = False) -> Entry:
    return Entry(kind, a, b, day, result=result, value=value, until=until,
                 recorded_at="2026-11-23T09:00:00Z",
                 undone_at="2026-11-23T10:00:00Z" if undone else None, id=next(_ids))


def label(entries: list[Entry], pair: tuple[str, str], today: dt.date = TODAY) -> str | None:
    return hidden_label(pair_stories(entries)[pair], today)


# -- hidden pairs ---------------------------------------------------------------------------

def test_never_beats_a_stage_which_beats_a_snooze() -> None:
    history = [
        e("snoozed", "amy", "bob", ago(5), until=ago(-30)),
        e("introduced", "amy", "bob", ago(3)),
        e("never", "amy", "bob", ago(1)),
        e("snoozed", "cy", "dee", ago(5), until=ago(-30)),
        e("asked", "cy", "dee", ago(2)),
        e("snoozed", "eve", "fay", ago(5), until=ago(-30)),
    ]
    assert label(history, ("amy", "bob")) == "never"
    assert label(history, ("cy", "dee")) == "asked 2026-11-21"
    assert label(history, ("eve", "fay")) == "snoozed until 2026-12-23"


def test_a_snooze_ends_on_its_until_day() -> None:
    history = [
        e("snoozed", "amy", "bob", ago(9), until=ago(-1)),
        e("snoozed", "cy", "dee", ago(9), until=TODAY),
        e("snoozed", "eve", "fay", ago(9), until=ago(1)),
    ]
    assert label(history, ("amy", "bob")) == "snoozed until 2026-11-24"
    assert label(history, ("cy", "dee")) is None
    assert label(history, ("eve", "fay")) is None


def test_the_latest_outcome_is_the_stage_and_undone_entries_do_not_count() -> None:
    history = [
        e("introduced", "amy", "bob", ago(20)),
        e("outcome", "amy", "bob", ago(10), result="met"),
        e("outcome", "amy", "bob", ago(2), result="business", value=900.0, undone=True),
        e("never", "cy", "dee", ago(2), undone=True),
        e("suggested", "eve", "fay", ago(2)),
    ]
    view = history_view(history, TODAY, cooldown_days=14)
    assert view.hidden == {("amy", "bob"): "met 2026-11-13"}


# -- follow-ups -----------------------------------------------------------------------------

def test_followups_due_when_and_in_what_order() -> None:
    history = [
        e("introduced", "amy", "bob", ago(7)),  # due exactly today
        e("introduced", "cy", "dee", ago(6)),  # due tomorrow: not yet
        e("asked", "eve", "fay", ago(22)),  # the most overdue
        e("asked", "gus", "hal", ago(3)),
        e("outcome", "gus", "hal", ago(1), result="accepted"),  # a yes: due at once
        e("introduced", "ivy", "jon", ago(30)),
        e("outcome", "ivy", "jon", ago(20), result="met"),
        e("asked", "kim", "lee", ago(30)),
        e("outcome", "kim", "lee", ago(20), result="declined"),
        e("introduced", "max", "ned", ago(30)),
        e("outcome", "max", "ned", ago(20), result="no-reply"),
        e("introduced", "oli", "pat", ago(30)),
        e("outcome", "oli", "pat", ago(20), result="business", value=10.0),
        e("introduced", "quin", "ray", ago(30)),
        e("never", "quin", "ray", ago(25)),
    ]
    due = followups(history, TODAY, follow_up_days=7)
    assert [(f.pair, f.stage, f.since, f.due, f.overdue_days) for f in due] == [
        (("eve", "fay"), "asked", ago(22), ago(15), 15),
        (("gus", "hal"), "accepted", ago(1), ago(1), 1),
        (("amy", "bob"), "introduced", ago(7), TODAY, 0),
    ]
    assert due[0].action.startswith("no answer to the opt-in ask")
    assert due[1].action == "both said yes: make the introduction"
    assert due[2].action.startswith("did they meet?")


def test_accepted_today_is_due_today() -> None:
    history = [e("asked", "amy", "bob", TODAY), e("outcome", "amy", "bob", TODAY,
                                                  result="accepted")]
    [due] = followups(history, TODAY, follow_up_days=30)
    assert (due.stage, due.due, due.overdue_days) == ("accepted", TODAY, 0)


def test_a_snooze_once_under_way_moves_the_follow_up_to_its_end() -> None:
    history = [e("introduced", "amy", "bob", ago(20)),
               e("snoozed", "amy", "bob", ago(2), until=ago(-3)),
               # snoozed as a suggestion first, introduced later: the old snooze does not count
               e("snoozed", "cy", "dee", ago(30), until=ago(-10)),
               e("introduced", "cy", "dee", ago(20))]
    assert [f.pair for f in followups(history, TODAY, follow_up_days=7)] == [("cy", "dee")]
    [due] = [f for f in followups(history, ago(-3), follow_up_days=7) if f.pair == ("amy", "bob")]
    assert (due.due, due.overdue_days) == (ago(-3), 0)


# -- cooldown -------------------------------------------------------------------------------

def test_cooldown_window_is_zero_up_to_but_not_including_cooldown_days() -> None:
    history = [
        e("introduced", "amy", "bob", TODAY),  # age 0: in
        e("introduced", "amy", "cy", ago(13)),  # age 13: in
        e("introduced", "dee", "eve", ago(14)),  # age 14: out
        e("introduced", "fay", "gus", ago(-1)),  # tomorrow (a typo'd --date): out
        e("introduced", "hal", "ivy", ago(1), undone=True),  # undone: out
        e("asked", "jon", "kim", ago(1)),  # an ask is not an introduction
    ]
    view = history_view(history, TODAY, cooldown_days=14)
    assert view.cooldown_days == 14
    assert dict(view.recent) == {
        "amy": RecentIntroductions(count=2, days_ago=0),
        "bob": RecentIntroductions(count=1, days_ago=0),
        "cy": RecentIntroductions(count=1, days_ago=13),
    }
    assert dict(history_view(history, TODAY, cooldown_days=0).recent) == {}
    assert set(history_view(history, TODAY, cooldown_days=15).recent) == {
        "amy", "bob", "cy", "dee", "eve"}


# -- reciprocity ----------------------------------------------------------------------------

def test_reciprocity_counts_received_and_given() -> None:
    history = [
        e("received", "gus", None, ago(40)),
        e("received", "gus", "amy", ago(30)),
        e("received", "gus", None, ago(20)),
        e("received", "gus", None, ago(10), undone=True),
        e("introduced", "gus", "hal", ago(5)),
        e("introduced", "amy", "hal", ago(4)),
        e("asked", "gus", "ivy", ago(3)),
    ]
    counts = reciprocity(history)
    assert counts == {
        "gus": Reciprocity(received=3, given=1),
        "hal": Reciprocity(received=0, given=2),
        "amy": Reciprocity(received=0, given=1),
    }
    assert counts["gus"].owed == 2
    assert counts["hal"].owed == 0
    assert history_view(history, TODAY, 14).reciprocity == counts


# -- weeks ----------------------------------------------------------------------------------

def test_weeks_start_on_monday() -> None:
    assert week_start(TODAY) == TODAY
    assert week_start(ago(1)) == ago(7)  # Sunday belongs to the week before
    assert week_start(ago(-6)) == TODAY  # next Sunday is still this week


def test_introductions_per_week_last_12_weeks_this_week_last() -> None:
    wednesday = TODAY + dt.timedelta(days=2)
    history = [
        e("introduced", "a1", "b1", TODAY),  # Monday: this week
        e("introduced", "a2", "b2", wednesday),
        e("introduced", "a3", "b3", ago(1)),  # Sunday: last week
        e("introduced", "a4", "b4", ago(7)),  # last week's Monday
        e("introduced", "a5", "b5", ago(77)),  # the oldest week shown (11 weeks back)
        e("introduced", "a6", "b6", ago(78)),  # the Sunday before it: not shown
        e("introduced", "a7", "b7", ago(2), undone=True),
        e("asked", "a8", "b8", ago(2)),
    ]
    weeks = introductions_per_week(history, wednesday)
    assert len(weeks) == 12
    assert weeks[0][0] == ago(77)
    assert weeks[-1][0] == TODAY
    assert all((b - a).days == 7 for (a, _), (b, _) in itertools.pairwise(weeks))
    assert [count for _, count in weeks] == [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 2]
    assert [count for _, count in introductions_per_week(history, wednesday, weeks=1)] == [2]


# -- funnel ---------------------------------------------------------------------------------

def seeded_history() -> list[Entry]:
    """Ten suggestions, what became of them, and a few things recorded by hand."""
    history = [e("suggested", f"p{n}", f"q{n}", ago(60)) for n in range(10)]
    history += [
        e("asked", "p0", "q0", ago(50)),
        e("outcome", "p0", "q0", ago(48), result="accepted"),
        e("introduced", "p0", "q0", ago(47)),
        e("outcome", "p0", "q0", ago(40), result="met"),
        e("outcome", "p0", "q0", ago(20), result="business", value=1500.0),
        e("introduced", "p1", "q1", ago(45)),
        e("outcome", "p1", "q1", ago(30), result="met"),
        e("introduced", "p2", "q2", ago(44)),
        e("outcome", "p2", "q2", ago(10), result="business", value=250.5),
        e("outcome", "p2", "q2", ago(5), result="business", value=100.0),
        e("asked", "p3", "q3", ago(40)),
        e("outcome", "p3", "q3", ago(39), result="declined"),
        e("introduced", "p4", "q4", ago(30)),
        e("outcome", "p4", "q4", ago(10), result="no-reply"),
        e("introduced", "p5", "q5", ago(3)),
        e("never", "p6", "q6", ago(50)),
        e("introduced", "p7", "q7", ago(2), undone=True),
        # By hand, never suggested: an introduction, and a meeting whose introduction
        # was never recorded (it still counts as introduced).
        e("introduced", "x1", "y1", ago(20)),
        e("outcome", "x2", "y2", ago(15), result="met"),
        e("asked", "x3", "y3", ago(1)),
    ]
    return history


def test_funnel_figures_on_a_seeded_history() -> None:
    assert funnel(seeded_history()) == Funnel(
        suggested=10, asked=3, introduced=7, met=4, business=2,
        business_value=1850.5, declined=1,
    )


def test_met_without_a_recorded_introduction_still_counts_as_introduced() -> None:
    """Before: introduced 0, met 1 - a funnel that widens."""
    figures = funnel([e("outcome", "amy", "bob", ago(3), result="met")])
    assert (figures.introduced, figures.met) == (1, 1)


def test_an_empty_history_is_all_zeros() -> None:
    assert funnel([]) == Funnel(0, 0, 0, 0, 0, 0.0, 0)
    assert followups([], TODAY, 7) == []
    assert [count for _, count in introductions_per_week([], TODAY)] == [0] * 12
    view = history_view([], TODAY, 14)
    assert (dict(view.hidden), dict(view.recent), dict(view.reciprocity)) == ({}, {}, {})
