"""`introducer stats` and `introducer followups` on a seeded history: every figure exact."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from introducer.cli.app import app
from introducer.cli.chart import week_bars
from introducer.ledger.entries import Entry
from introducer.ledger.stats import WeeklySeries, goal_streak
from introducer.ledger.store import Ledger
from tests.conftest import BookWriter

runner = CliRunner()
D = dt.date.fromisoformat

PEOPLE = [{"name": name, "id": name.split()[0].lower()} for name in
          ("Ann Archer", "Ben Baker", "Cat Cole", "Dan Dean", "Eve East", "Fay Ford")]


def invoke(*args: str | Path) -> tuple[int, str, str]:
    result = runner.invoke(app, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


def state_of(book: Path) -> Path:
    return book.with_name(f"{book.stem}.introducer.sqlite3")


def intro(a: str, b: str, day: str) -> Entry:
    return Entry("introduced", a, b, D(day))


def seed_history(book: Path) -> None:
    """Eight introductions over five weeks, outcomes, asks, referrals and one undone entry."""
    with Ledger.open(state_of(book)) as ledger:
        ledger.mark_suggested([("ann", "ben"), ("cat", "dan"), ("eve", "fay"), ("ann", "cat"),
                               ("ben", "eve"), ("dan", "eve"), ("ann", "fay"), ("ben", "cat"),
                               ("cat", "eve"), ("dan", "fay")], D("2026-10-01"))
        ledger.add(
            Entry("asked", "ann", "ben", D("2026-10-15")),
            intro("ann", "ben", "2026-10-20"),                    # week of 10-19
            Entry("outcome", "ann", "ben", D("2026-10-27"), result="met"),
            Entry("asked", "ben", "eve", D("2026-11-01")),
            intro("cat", "dan", "2026-11-03"), intro("eve", "fay", "2026-11-05"),  # 11-02: 2
            intro("ann", "cat", "2026-11-10"), intro("ben", "dan", "2026-11-12"),  # 11-09: 2
            intro("ann", "eve", "2026-11-16"), intro("fay", "ben", "2026-11-18"),  # 11-16: 3
            intro("cat", "fay", "2026-11-22"),
            Entry("outcome", "cat", "dan", D("2026-11-20"), result="business", value=1000),
            Entry("outcome", "eve", "fay", D("2026-11-21"), result="business", value=500.5),
            Entry("outcome", "eve", "fay", D("2026-11-22"), result="business", value=200),
            Entry("outcome", "ann", "cat", D("2026-11-20"), result="declined"),
            Entry("outcome", "ben", "dan", D("2026-11-21"), result="no-reply"),
            *(Entry("received", "gus", None, D("2026-09-01")) for _ in range(4)),
            *(Entry("received", "dan", "ann", D("2026-09-02")) for _ in range(3)),
            Entry("received", "eve", None, D("2026-09-03")),
        )
        ledger.add(intro("ann", "dan", "2026-11-23"))
        assert ledger.undo() is not None  # taken back: counts nowhere


@pytest.fixture
def seeded(write_book: BookWriter) -> Path:
    book = write_book(PEOPLE, settings={"weekly_goal": 2})
    seed_history(book)
    return book


def test_stats_json_figures_are_exact(seeded: Path) -> None:
    code, out, err = invoke("--book", seeded, "stats", "--weeks", "4", "--format", "json")
    assert code == 0, err
    payload = json.loads(out)
    assert payload["version"] == 1
    assert payload["today"] == "2026-11-23"
    assert payload["goal"] == 2
    assert payload["weeks"] == [
        {"week": "2026-11-02", "introductions": 2, "met_goal": True},
        {"week": "2026-11-09", "introductions": 2, "met_goal": True},
        {"week": "2026-11-16", "introductions": 3, "met_goal": True},
        {"week": "2026-11-23", "introductions": 0, "met_goal": False},
    ]
    assert payload["average"] == 1.75
    # This week has not met the goal yet, but is not over: the streak is the three before.
    assert payload["streak"] == 3
    assert payload["funnel"] == {
        "stages": [
            {"stage": "suggested", "pairs": 10, "of": None, "percent": None},
            {"stage": "asked", "pairs": 2, "of": "suggested", "percent": 20.0},
            {"stage": "introduced", "pairs": 8, "of": "suggested", "percent": 80.0},
            {"stage": "met", "pairs": 3, "of": "introduced", "percent": 37.5},
            {"stage": "business", "pairs": 2, "of": "met", "percent": 66.7},
        ],
        "business_value": 1700.5,
        "declined": 1,
    }
    assert payload["reciprocity"] == [
        {"id": "gus", "name": "gus", "in_book": False, "received": 4, "given": 0, "balance": -4},
        {"id": "dan", "name": "Dan Dean", "in_book": True, "received": 3, "given": 2,
         "balance": -1},
        {"id": "eve", "name": "Eve East", "in_book": True, "received": 1, "given": 2,
         "balance": 1},
        {"id": "ann", "name": "Ann Archer", "in_book": True, "received": 0, "given": 3,
         "balance": 3},
        {"id": "ben", "name": "Ben Baker", "in_book": True, "received": 0, "given": 3,
         "balance": 3},
        {"id": "cat", "name": "Cat Cole", "in_book": True, "received": 0, "given": 3,
         "balance": 3},
        {"id": "fay", "name": "Fay Ford", "in_book": True, "received": 0, "given": 3,
         "balance": 3},
    ]


def test_stats_default_is_twelve_weeks(seeded: Path) -> None:
    code, out, _ = invoke("--book", seeded, "stats", "--format", "json")
    assert code == 0
    weeks = json.loads(out)["weeks"]
    assert len(weeks) == 12
    assert weeks[0]["week"] == "2026-09-07"
    assert weeks[-1]["week"] == "2026-11-23"
    assert sum(w["introductions"] for w in weeks) == 8


def test_stats_table_chart_is_plain_when_piped(seeded: Path) -> None:
    code, out, err = invoke("--book", seeded, "stats", "--weeks", "4")
    assert code == 0, err
    lines = out.splitlines()
    start = lines.index("Introductions per week (goal 2, marked |)")
    assert lines[start + 1:start + 5] == [
        "2026-11-02  ##|   2/2",
        "2026-11-09  ##|   2/2",
        "2026-11-16  ##|#  3/2",
        "2026-11-23    |   0/2  (this week)",
    ]
    assert lines[start + 5] == "average 1.75 a week over 4 weeks; streak: 3 weeks meeting the goal"
    assert "█" not in out and "\x1b[" not in out
    assert "introduced      8  80% of suggested" in out
    assert "business        2  66.7% of met" in out
    assert "business value 1,700.50; declined 1" in out
    give_and_take = out[out.index("Give and take"):].splitlines()
    assert give_and_take[1].split() == ["name", "received", "given", "balance"]
    assert give_and_take[2].split() == ["gus", "4", "0", "-4"]
    assert give_and_take[3].split() == ["Dan", "Dean", "3", "2", "-1"]


def test_stats_chart_uses_blocks_on_a_terminal_unless_no_color(
    seeded: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("introducer.cli.console.is_terminal", lambda stream: True)
    code, out, _ = invoke("--book", seeded, "stats", "--weeks", "4")
    assert code == 0
    assert "2026-11-16  ██│█  3/2" in out
    monkeypatch.setenv("NO_COLOR", "1")
    code, out, _ = invoke("--book", seeded, "stats", "--weeks", "4")
    assert code == 0
    assert "2026-11-16  ##|#  3/2" in out
    assert "█" not in out


def test_stats_with_no_history_says_so(write_book: BookWriter) -> None:
    book = write_book(PEOPLE)
    code, out, err = invoke("--book", book, "stats")
    assert code == 0, err
    assert "streak: 0 weeks" in out
    assert "nothing yet" in out
    assert not state_of(book).exists(), "stats only reads: it never creates the state file"
    code, out, _ = invoke("--book", book, "stats", "--format", "json")
    payload = json.loads(out)
    assert payload["reciprocity"] == []
    assert [s["percent"] for s in payload["funnel"]["stages"]] == [None] * 5


def test_stats_rejects_csv_and_a_bad_week_count(seeded: Path) -> None:
    code, _, err = invoke("--book", seeded, "stats", "--format", "csv")
    assert code == 2
    assert "csv" in err
    code, _, _ = invoke("--book", seeded, "stats", "--weeks", "0")
    assert code == 2


def test_goal_streak_counts_this_week_once_met_and_is_zero_without_a_goal() -> None:
    entries = [intro("a", "b", "2026-11-16"), intro("a", "c", "2026-11-17"),
               intro("b", "c", "2026-11-09")]
    assert goal_streak(entries, D("2026-11-23"), 1) == 2
    assert goal_streak(entries, D("2026-11-23"), 2) == 1
    entries += [intro("a", "d", "2026-11-23")]
    assert goal_streak(entries, D("2026-11-23"), 1) == 3
    assert goal_streak(entries, D("2026-11-23"), 0) == 0
    # A week with nothing breaks it.
    assert goal_streak([intro("a", "b", "2026-11-02")], D("2026-11-23"), 1) == 0


def test_week_bars_scale_long_series_and_leave_out_the_mark_without_a_goal() -> None:
    series = WeeklySeries(((D("2026-11-16"), 80), (D("2026-11-23"), 20)), goal=40, streak=1)
    lines = week_bars(series, fancy=False, width=40)
    assert lines == ["2026-11-16  ####################|####################  80/40",
                     "2026-11-23  ##########          |                      20/40  (this week)"]
    no_goal = WeeklySeries(((D("2026-11-23"), 3),), goal=0, streak=0)
    assert week_bars(no_goal, fancy=False) == ["2026-11-23  ###  3  (this week)"]
    # Fractions of a cell on a terminal: 3 of 80 scaled by 1/2 is one and a half cells.
    half = WeeklySeries(((D("2026-11-23"), 3), (D("2026-11-30"), 80)), goal=0, streak=0)
    assert week_bars(half, fancy=True)[0].startswith("2026-11-23  █▌ ")


# ── followups ────────────────────────────────────────────────────────────────

def seed_followups(book: Path) -> None:
    with Ledger.open(state_of(book)) as ledger:
        ledger.add(
            intro("ann", "ben", "2026-11-10"),                       # due 11-17: 6 overdue
            intro("cat", "dan", "2026-11-16"),                       # due today
            intro("eve", "fay", "2026-11-17"),                       # due tomorrow
            Entry("asked", "ann", "zed", D("2026-11-01")),           # zed is not in the book
            Entry("asked", "ben", "cat", D("2026-11-20")),
            Entry("outcome", "ben", "cat", D("2026-11-21"), result="accepted"),  # act now
            intro("ann", "fay", "2026-11-01"),
            Entry("outcome", "ann", "fay", D("2026-11-09"), result="met"),  # closed
        )


def test_followups_table_lists_what_is_due_most_overdue_first(write_book: BookWriter) -> None:
    book = write_book(PEOPLE)
    seed_followups(book)
    code, out, err = invoke("--book", book, "followups")
    assert code == 0, err
    rows = out.splitlines()[1:]
    assert len(rows) == 4
    assert "Ann Archer" in rows[0] and "zed" in rows[0]
    assert "asked" in rows[0] and "15 days overdue" in rows[0]
    assert "Ann Archer" in rows[1] and "Ben Baker" in rows[1] and "6 days overdue" in rows[1]
    assert "Ben Baker" in rows[2] and "Cat Cole" in rows[2] and "2 days overdue" in rows[2]
    assert "make the introduction" in rows[2]
    assert "Cat Cole" in rows[3] and "Dan Dean" in rows[3] and "due today" in rows[3]
    assert "Eve East" not in out


def test_followups_json_contract(write_book: BookWriter) -> None:
    book = write_book(PEOPLE)
    seed_followups(book)
    code, out, _ = invoke("--book", book, "followups", "--format", "json")
    assert code == 0
    payload = json.loads(out)
    assert payload["version"] == 1
    first = payload["followups"][0]
    assert first == {
        "a": {"id": "ann", "name": "Ann Archer"}, "b": {"id": "zed", "name": "zed"},
        "stage": "asked", "since": "2026-11-01", "due": "2026-11-08", "overdue_days": 15,
        "due_in_days": 0,
        "action": "no answer to the opt-in ask yet: nudge them, or record the answer",
        "command": "introducer outcome ann zed accepted",
    }
    assert [f["overdue_days"] for f in payload["followups"]] == [15, 6, 2, 0]


def test_followups_all_adds_what_is_coming_up(write_book: BookWriter) -> None:
    book = write_book(PEOPLE)
    seed_followups(book)
    code, out, _ = invoke("--book", book, "followups", "--all", "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 5
    last = rows[-1]
    assert (last["a_name"], last["b_name"], last["due"]) == ("Eve East", "Fay Ford", "2026-11-24")
    assert (last["overdue_days"], last["due_in_days"]) == ("0", "1")
    code, out, _ = invoke("--book", book, "followups", "--all")
    assert "due in 1 day" in out


def test_followup_appears_exactly_on_follow_up_days(
    write_book: BookWriter, monkeypatch: pytest.MonkeyPatch
) -> None:
    book = write_book(PEOPLE, settings={"follow_up_days": 3})
    with Ledger.open(state_of(book)) as ledger:
        ledger.add(intro("ann", "ben", "2026-11-20"))
    monkeypatch.setenv("INTRODUCER_TODAY", "2026-11-22")
    code, out, err = invoke("--book", book, "followups")
    assert (code, out) == (0, "")
    # Before: only "nothing to follow up today", as if nothing were open at all.
    assert err == ("nothing to follow up today; 1 coming up, the next on 2026-11-23 "
                   "(`introducer followups --all` lists them)\n")
    code, out, _ = invoke("--book", book, "followups", "--format", "json")
    assert json.loads(out) == {"version": 1, "followups": []}
    monkeypatch.setenv("INTRODUCER_TODAY", "2026-11-23")
    code, out, _ = invoke("--book", book, "followups", "--format", "json")
    (item,) = json.loads(out)["followups"]
    assert (item["due"], item["overdue_days"]) == ("2026-11-23", 0)


def test_followups_without_a_state_file_is_empty_and_creates_nothing(
    write_book: BookWriter,
) -> None:
    book = write_book(PEOPLE)
    code, out, err = invoke("--book", book, "followups")
    assert (code, out, err) == (0, "", "nothing to follow up today\n")
    assert not state_of(book).exists()
