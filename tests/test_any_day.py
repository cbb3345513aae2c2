"""One clock: a slice of the CLI's everyday cases on days that break calendars.

A Monday (a week starts), a Sunday (a week ends), a leap day, and New Year's Eve
(ISO week 53 of 2026, and the year turns before the follow-up is due). On each,
every date the user sees (ledger rows, `undo`, the week's goal, follow-ups,
snoozes, a draft's file name and its `Date:` header) names the day
$INTRODUCER_TODAY says, never the wall clock's.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import email.utils
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from introducer import clock
from introducer.cli.app import app
from tests.conftest import BookWriter
from tests.test_today import ME, PEOPLE, SETTINGS

runner = CliRunner()
DAYS = {
    "monday": "2027-03-01",
    "sunday": "2027-03-07",
    "leap-day": "2028-02-29",
    "new-years-eve": "2026-12-31",
}


def run(*args: str | Path) -> str:
    result = runner.invoke(app, [str(a) for a in args])
    assert result.exit_code == 0, result.stderr
    return result.stdout


def as_json(*args: str | Path) -> Any:
    return json.loads(run(*args, "--format", "json"))


@pytest.fixture(params=sorted(DAYS), ids=sorted(DAYS))
def day(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> dt.date:
    text = DAYS[request.param]
    monkeypatch.setenv("INTRODUCER_TODAY", text)
    return dt.date.fromisoformat(text)


def test_the_ledger_and_the_week_follow_the_pinned_day(
        day: dt.date, write_book: BookWriter, monkeypatch: pytest.MonkeyPatch) -> None:
    book = write_book(PEOPLE, settings=SETTINGS, me=ME)
    monday = day - dt.timedelta(days=day.weekday())
    run("--book", book, "record", "maria", "tom")
    run("--book", book, "snooze", "priya", "tom", "--for-days", "3")
    run("--book", book, "undo")  # takes the snooze back, stamped today

    entries = as_json("--book", book, "history", "--all")["entries"]
    by_kind = {e["kind"]: e for e in entries}
    assert by_kind["introduced"]["date"] == day.isoformat()
    assert by_kind["snoozed"]["until"] == (day + dt.timedelta(days=3)).isoformat()
    for entry in entries:
        assert clock.local_day(entry["recorded_at"]) == day.isoformat()
    assert clock.local_day(by_kind["snoozed"]["undone_at"]) == day.isoformat()
    table = run("--book", book, "history", "--all")
    assert table.count(day.isoformat()) >= 3

    agenda = as_json("--book", book, "today")
    assert agenda["today"] == day.isoformat()
    assert agenda["goal"]["week"] == monday.isoformat()
    assert agenda["goal"]["introductions"] == 1
    assert agenda["goal"]["days_left"] == 7 - day.weekday()
    assert run("--book", book, "today").startswith(f"{day:%A} {day.isoformat()}:")

    weeks = as_json("--book", book, "stats", "--weeks", "2")["weeks"]
    assert [w["week"] for w in weeks] == [(monday - dt.timedelta(weeks=1)).isoformat(),
                                          monday.isoformat()]
    assert weeks[-1]["introductions"] == 1

    assert as_json("--book", book, "followups")["followups"] == []
    due = day + dt.timedelta(days=SETTINGS["follow_up_days"])
    monkeypatch.setenv("INTRODUCER_TODAY", due.isoformat())
    [followup] = as_json("--book", book, "followups")["followups"]
    assert (followup["since"], followup["due"]) == (day.isoformat(), due.isoformat())
    assert as_json("--book", book, "today")["goal"]["introductions"] == 0, "a later week"


def test_a_draft_names_the_pinned_day_in_its_file_and_its_date_header(
        day: dt.date, write_book: BookWriter, tmp_path: Path) -> None:
    book = write_book(PEOPLE, settings=SETTINGS, me=ME)
    out = tmp_path / "drafts"
    run("--book", book, "draft", "maria", "tom", "--out", out)
    [path] = out.iterdir()
    assert day.isoformat() in path.name
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    sent = email.utils.parsedate_to_datetime(str(message["Date"]))
    assert sent.astimezone().date() == day


def test_the_clock_keeps_the_time_of_day_and_the_local_zone(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INTRODUCER_TODAY", "2028-02-29")
    moment = clock.now()
    assert moment.date() == dt.date(2028, 2, 29) and moment.tzinfo is not None
    assert clock.local_day(clock.timestamp()) == "2028-02-29"
    monkeypatch.delenv("INTRODUCER_TODAY")
    assert clock.today() == dt.datetime.now().astimezone().date()


@pytest.mark.parametrize("text", ["2026-02-30", "20261123", "2026-W48-1", " 2026-11-23",
                                  "9999-12-31"])
def test_a_day_introducer_cannot_use_is_a_usage_error(
        text: str, write_book: BookWriter, monkeypatch: pytest.MonkeyPatch) -> None:
    book = write_book(PEOPLE, settings=SETTINGS, me=ME)
    monkeypatch.setenv("INTRODUCER_TODAY", text)
    result = runner.invoke(app, ["--book", str(book), "today"])
    assert result.exit_code == 2
    assert "INTRODUCER_TODAY" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("command", ["today", "record", "undo", "draft", "followups", "stats",
                                     "snooze", "suggest"])
def test_help_of_every_dated_command_names_the_clock(command: str) -> None:
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0
    assert "$INTRODUCER_TODAY" in result.stdout
