"""`introducer today`: the agenda, the cron digest's silence, and when the walk is refused.

The walk itself: tests/test_walk.py."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from introducer.cli.app import app
from introducer.ledger.entries import Entry
from introducer.ledger.store import Ledger
from tests.conftest import BookWriter

runner = CliRunner()
D = dt.date.fromisoformat

ME = {"name": "Ana Ortiz", "email": "ana@example.com"}
SETTINGS = {"weekly_goal": 3, "follow_up_days": 7, "stale_days": 365}
PEOPLE: list[dict[str, Any]] = [
    {"name": "Maria Lopez", "email": "maria@example.com", "business": "divorce mediator",
     "clients": ["divorcing couples"], "referral_sources": ["family therapists"],
     "hobbies": ["sailing"], "networker": "active", "closeness": 4,
     "last_contact": "2026-10-02"},
    {"name": "Tom Reed", "email": "tom@example.com", "business": "matrimonial attorney",
     "clients": ["divorcing couples", "blended families"],
     "referral_sources": ["family therapist"], "hobbies": ["sailing"], "networker": "active",
     "closeness": 3, "last_contact": "2025-06-14"},
    {"name": "Priya Shah", "email": "priya@example.com", "business": "family therapist",
     "clients": ["blended families"], "closeness": 1, "last_contact": "2024-01-01"},
    {"name": "Bob Smith", "email": "bob@example.com", "business": "plumber",
     "hobbies": ["chess"], "last_contact": "2020-01-01"},
    {"name": "Bob Jones", "email": "jones@example.com", "business": "electrician",
     "hobbies": ["chess"]},
    {"name": "Lena Lake", "email": "lena@example.com", "business": "sailing instructor",
     "hobbies": ["sailing", "chess"]},
    {"name": "Quinn Quiet", "business": "family therapist", "clients": ["blended families"],
     "introduce": False, "closeness": 5, "last_contact": "2020-01-01"},
    {"name": "Uma Undated", "closeness": 5, "networker": "active"},
]


def invoke(*args: str | Path, input: str | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, [str(a) for a in args], input=input)
    return result.exit_code, result.stdout, result.stderr


def state_of(book: Path) -> Path:
    return book.with_name(f"{book.stem}.introducer.sqlite3")


def entries_of(book: Path) -> list[Entry]:
    with Ledger.open(state_of(book)) as ledger:
        return [e for e in ledger.entries() if e.kind != "suggested"]


def add(book: Path, *entries: Entry) -> None:
    with Ledger.open(state_of(book)) as ledger:
        ledger.add(*entries)


def names(book: Path) -> dict[str, str]:
    code, out, _ = invoke("--book", book, "contacts", "--format", "json")
    assert code == 0
    return {c["id"]: c["name"] for c in json.loads(out)["contacts"]}


def suggested_pairs(book: Path, top: int = 5) -> list[tuple[str, str]]:
    """What the matchmaker ranks with no history: `today` shows the same list."""
    code, out, _ = invoke("--book", book, "suggest", "--top", str(top), "--format", "json")
    assert code == 0
    return [(s["a"]["id"], s["b"]["id"]) for s in json.loads(out)["suggestions"]]


@pytest.fixture
def book(write_book: BookWriter) -> Path:
    return write_book(PEOPLE, settings=SETTINGS, me=ME)


# ── the agenda ───────────────────────────────────────────────────────────────

def test_today_table_shows_every_section(book: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, err = invoke("--book", book, "today")
    assert code == 0, err
    assert out.startswith("Monday 2026-11-23: [...] 0 of 3 introductions this week, 3 to go, "
                          "7 days left.\n")
    assert "Follow-ups due\n  nothing due: well done" in out
    reconnect = out[out.index("People to reconnect with"):out.index("Suggestions")]
    assert "Tom Reed" in reconnect and "closeness 3, active networker" in reconnect
    assert "Priya Shah" in reconnect
    assert "Maria Lopez" not in reconnect, "in touch last month"
    assert "Quinn" not in reconnect, "introduce: false"
    assert "Uma" not in reconnect, "no last_contact: unknown is not stale"
    suggestions = out[out.index("Suggestions"):].splitlines()
    assert suggestions[1].split()[:3] == ["rank", "score", "new"]
    assert "Maria Lopez (divorce mediator)" in suggestions[2]
    assert "Tom Reed (matrimonial attorney)" in suggestions[2]
    assert " new " in suggestions[2]
    assert "\x1b[" not in out
    assert state_of(book).exists(), "today creates the state file"
    # Still new all day (the digest mailed at 7:30 and the terminal at 9 agree) ...
    code, out, _ = invoke("--book", book, "today")
    assert code == 0 and " new " in out[out.index("Suggestions"):].splitlines()[2]
    # ... and seen the next day: the table still shows the whole agenda.
    monkeypatch.setenv("INTRODUCER_TODAY", "2026-11-24")
    code, out, _ = invoke("--book", book, "today")
    assert code == 0
    assert all(" new " not in row for row in out[out.index("Suggestions"):].splitlines()[2:])
    assert "Maria Lopez (divorce mediator)" in out


def test_today_json_contract(book: Path) -> None:
    add(book, Entry("received", "tom-reed", None, D("2025-01-05")))
    code, out, err = invoke("--book", book, "today", "--format", "json", "--top", "3")
    assert code == 0, err
    payload = json.loads(out)
    assert set(payload) == {"version", "today", "goal", "followups", "reconnect", "suggestions",
                            "focus"}
    assert payload["version"] == 1 and payload["today"] == "2026-11-23"
    assert payload["goal"] == {"week": "2026-11-23", "introductions": 0, "goal": 3,
                               "remaining": 3, "met": False, "days_left": 7}
    assert payload["followups"] == []
    pairs = suggested_pairs(book, top=3)
    assert [(s["a"]["id"], s["b"]["id"]) for s in payload["suggestions"]] == pairs
    first = payload["suggestions"][0]
    assert set(first) == {"rank", "score", "a", "b", "common_thread", "new", "back", "reasons",
                          "urgent", "alternatives"}
    assert first["rank"] == 1 and first["new"] is True
    assert first["common_thread"]
    assert round(sum(r["points"] for r in first["reasons"]), 2) == pytest.approx(first["score"])
    tom = payload["reconnect"][0]
    # Usefulness, point by point: 3 per referral, closeness, 2 for an active networker,
    # 1 per place in today's top suggestions.
    code, out, _ = invoke("--book", book, "suggest", "--top", "50", "--format", "json")
    places = sum("tom-reed" in (s["a"]["id"], s["b"]["id"])
                 for s in json.loads(out)["suggestions"])
    assert places >= 1
    assert tom == {
        "id": "tom-reed", "name": "Tom Reed", "last_contact": "2025-06-14",
        "days_since": 527, "usefulness": 3 + 3 + 2 + places,
        "why": ["sent you 1 referral", "closeness 3", "active networker",
                f"in {places} of today's top suggestions"],
    }


def test_reconnect_uses_the_history_as_contact_too(book: Path) -> None:
    """A referral from Tom last month is being in touch: he is not stale any more."""
    add(book, Entry("received", "tom-reed", None, D("2026-11-01")))
    code, out, _ = invoke("--book", book, "today", "--format", "json")
    assert code == 0
    ids = [r["id"] for r in json.loads(out)["reconnect"]]
    assert "tom-reed" not in ids
    assert "priya-shah" in ids


def test_contacted_takes_someone_off_the_reconnect_list_and_undo_puts_them_back(
    book: Path,
) -> None:
    def reconnect() -> list[str]:
        code, out, err = invoke("--book", book, "today", "--format", "json")
        assert code == 0, err
        return [r["id"] for r in json.loads(out)["reconnect"]] if out else []

    # A follow-up due keeps the digest speaking, so each run shows the reconnect list.
    add(book, Entry("introduced", "maria-lopez", "priya-shah", D("2026-11-10")))
    assert "tom-reed" in reconnect()
    code, out, err = invoke("--book", book, "contacted", "tom", "--note", "lunch")
    assert (code, out) == (0, "")
    assert err == "recorded: in touch with Tom Reed on 2026-11-23\n"
    assert entries_of(book)[-1] == Entry("contacted", "tom-reed", None, D("2026-11-23"),
                                         note="lunch", recorded_at=entries_of(book)[-1]
                                         .recorded_at, id=entries_of(book)[-1].id)
    assert "tom-reed" not in reconnect()
    code, _, err = invoke("--book", book, "undo")
    assert code == 0 and "undid: in touch with Tom Reed" in err
    assert "tom-reed" in reconnect()
    code, _, err = invoke("--book", book, "contacted", "nobody-at-all")
    assert code == 1 and "nobody-at-all" in err


def test_hidden_pairs_are_left_out_of_the_suggestions(book: Path) -> None:
    first, second, *_ = suggested_pairs(book)
    add(book, Entry("never", *first, D("2026-11-01")),
        Entry("snoozed", *second, D("2026-11-01"), until=D("2026-12-01")))
    code, out, _ = invoke("--book", book, "today", "--format", "json")
    assert code == 0
    shown = [(s["a"]["id"], s["b"]["id"]) for s in json.loads(out)["suggestions"]]
    assert first not in shown and second not in shown
    assert shown


def test_goal_progress_across_a_monday(book: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    add(book,
        Entry("introduced", "bob-jones", "bob-smith", D("2026-11-16")),   # Monday
        Entry("introduced", "maria-lopez", "tom-reed", D("2026-11-22")),  # Sunday
        Entry("introduced", "priya-shah", "tom-reed", D("2026-11-23")))   # next Monday
    monkeypatch.setenv("INTRODUCER_TODAY", "2026-11-22")
    code, out, _ = invoke("--book", book, "today", "--format", "json")
    assert json.loads(out)["goal"] == {"week": "2026-11-16", "introductions": 2, "goal": 3,
                                       "remaining": 1, "met": False, "days_left": 1}
    code, out, _ = invoke("--book", book, "today")
    assert out.startswith("Sunday 2026-11-22: [##.] 2 of 3 introductions this week, 1 to go, "
                          "today is the last day.")
    monkeypatch.setenv("INTRODUCER_TODAY", "2026-11-23")
    code, out, _ = invoke("--book", book, "today", "--format", "json")
    assert code == 0
    assert json.loads(out)["goal"] == {"week": "2026-11-23", "introductions": 1, "goal": 3,
                                       "remaining": 2, "met": False, "days_left": 7}


def test_the_goal_bar_fills_as_the_week_goes(book: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Before: `today` showed the goal as a sentence only; the week had no bar to fill."""
    def first_line(*more: str) -> str:
        code, out, err = invoke("--book", book, "today", *more)
        assert code == 0, err
        return out.splitlines()[0]

    assert first_line() == ("Monday 2026-11-23: [...] 0 of 3 introductions this week, 3 to go, "
                            "7 days left.")
    add(book, Entry("introduced", "bob-jones", "bob-smith", D("2026-11-23")))
    assert first_line().startswith("Monday 2026-11-23: [#..] 1 of 3 ")
    add(book, Entry("introduced", "lena-lake", "bob-smith", D("2026-11-24")),
        Entry("introduced", "lena-lake", "bob-jones", D("2026-11-25")),
        Entry("introduced", "lena-lake", "tom-reed", D("2026-11-25")))
    monkeypatch.setenv("INTRODUCER_TODAY", "2026-11-25")
    assert first_line() == ("Wednesday 2026-11-25: [###] 4 of 3 introductions this week: "
                            "goal met.")
    monkeypatch.setenv("INTRODUCER_TODAY", "2026-11-30")
    assert first_line().startswith("Monday 2026-11-30: [...] 0 of 3 "), "a new week, empty"


def test_goal_bar_scales_a_big_goal_and_shows_one_introduction() -> None:
    from introducer.cli.agenda_render import goal_bar
    from introducer.ledger.agenda import GoalProgress

    def bar(made: int, goal: int, fancy: bool = False) -> str:
        return goal_bar(GoalProgress(D("2026-11-23"), made, goal, 7), fancy=fancy)

    assert bar(1, 50) == "[#" + "." * 19 + "] "
    assert bar(25, 50) == "[" + "#" * 10 + "." * 10 + "] "
    assert bar(2, 5, fancy=True) == "██░░░ "
    assert bar(3, 0) == "", "no goal, no bar"


def test_followup_appears_in_today_exactly_on_follow_up_days(
    book: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    add(book, Entry("introduced", "bob-jones", "bob-smith", D("2026-11-16")))
    monkeypatch.setenv("INTRODUCER_TODAY", "2026-11-22")
    code, out, _ = invoke("--book", book, "today", "--format", "json")
    assert json.loads(out)["followups"] == []
    monkeypatch.setenv("INTRODUCER_TODAY", "2026-11-23")
    code, out, _ = invoke("--book", book, "today", "--format", "json")
    (item,) = json.loads(out)["followups"]
    assert item["a"] == {"id": "bob-jones", "name": "Bob Jones"}
    assert (item["stage"], item["due"], item["overdue_days"]) == ("introduced", "2026-11-23", 0)
    code, out, _ = invoke("--book", book, "today")
    assert code == 0
    assert "Bob Jones" in out and "due today" in out


# ── the cron digest ──────────────────────────────────────────────────────────

@pytest.mark.parametrize("fmt", ["markdown", "json"])
def test_digest_is_silent_when_there_is_nothing_to_do(
    book: Path, fmt: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    args = ("--book", book, "today", "--format", fmt, "--top", "20")
    code, out, err = invoke(*args)
    assert code == 0, err
    assert out.strip(), "first run: every suggestion is new"
    code, out, err = invoke(*args)
    assert (code, out, err) == (0, "", ""), "second run: nothing new, nothing due"
    # An introduction among the pairs already shown: hidden now, and not due for a week.
    pair = suggested_pairs(book, top=1)[0]
    add(book, Entry("introduced", *pair, D("2026-11-23")))
    assert invoke(*args) == (0, "", "")
    monkeypatch.setenv("INTRODUCER_TODAY", "2026-11-30")
    code, out, err = invoke(*args)
    assert code == 0 and err == ""
    assert "Maria Lopez" in out and "did they meet" in out.lower()
    if fmt == "json":
        assert len(json.loads(out)["followups"]) == 1
        assert not any(s["new"] for s in json.loads(out)["suggestions"])
    # Still due tomorrow: a follow-up is news every day until it is dealt with.
    monkeypatch.setenv("INTRODUCER_TODAY", "2026-12-01")
    assert invoke(*args)[1].strip()


def test_digest_speaks_the_morning_a_snooze_ends_and_not_again(
    book: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before: a pair snoozed for three days came back to the top of `today` with no mark,
    and the digest stayed silent that morning (the pair had been shown before the
    snooze), so the reminder the user asked for never came."""
    args = ("--book", book, "today", "--format", "markdown", "--top", "20")
    assert invoke(*args)[1].strip(), "first run: every pair is new"
    a, b = suggested_pairs(book, top=1)[0]
    code, _, err = invoke("--book", book, "snooze", a, b, "--for-days", "3")
    assert code == 0, err
    invoke(*args)  # pairs the per-person cap held back take its place: shown, once
    for quiet_day in ("2026-11-24", "2026-11-25"):
        monkeypatch.setenv("INTRODUCER_TODAY", quiet_day)
        assert invoke(*args) == (0, "", ""), quiet_day
    monkeypatch.setenv("INTRODUCER_TODAY", "2026-11-26")
    code, out, err = invoke(*args)
    assert (code, err) == (0, "")
    assert "1. **Maria Lopez** (divorce mediator) and **Tom Reed** (matrimonial attorney), " \
           "score" in out
    assert out.count("*back from a snooze*") == 1 and "*new*" not in out
    code, out, _ = invoke("--book", book, "today")  # the terminal, later that morning
    first = out[out.index("Suggestions"):].splitlines()[2]
    assert code == 0 and " back " in first and "Maria Lopez" in first
    monkeypatch.setenv("INTRODUCER_TODAY", "2026-11-27")
    assert invoke(*args) == (0, "", ""), "told once; seen since"
    code, out, _ = invoke("--book", book, "today")
    rows = out[out.index("Suggestions"):].splitlines()[2:]
    assert code == 0 and "Maria Lopez" in rows[0]
    assert all(row.split()[2] not in ("new", "back") for row in rows)


def test_digest_markdown_is_an_email_body(book: Path) -> None:
    add(book, Entry("introduced", "bob-jones", "bob-smith", D("2026-11-10")))
    code, out, _ = invoke("--book", book, "today", "--format", "markdown")
    assert code == 0
    assert out.startswith("# Introductions: Monday 2026-11-23\n\n"
                          "**Goal:** `[...]` 0 of 3 introductions this week, 3 to go, "
                          "7 days left.\n")
    # Before: "... overdue. Did they meet? ask them, then record the outcome." and no command.
    assert "## Follow-ups due (1)\n\n- **Bob Jones** and **Bob Smith**: introduced 2026-11-10, "\
           "due 2026-11-17, 6 days overdue. Did they meet? Ask them, then record the outcome. " \
           "`introducer outcome bob-jones bob-smith met` (or business, no-reply).\n" in out
    assert "## People to reconnect with\n\n- **Tom Reed**: last in touch 2025-06-14" in out
    assert "## Suggestions\n\n1. **Maria Lopez** (divorce mediator) and **Tom Reed** " \
           "(matrimonial attorney), score" in out
    assert ", *new*: " in out


def test_digest_follow_up_due_today_reads_once_and_names_the_command(book: Path) -> None:
    """Before: "accepted 2026-11-23, due 2026-11-23, due today." and no command to copy."""
    add(book, Entry("asked", "bob-jones", "bob-smith", D("2026-11-20")),
        Entry("outcome", "bob-jones", "bob-smith", D("2026-11-23"), result="accepted"))
    code, out, _ = invoke("--book", book, "today", "--format", "markdown")
    assert code == 0
    assert ("- **Bob Jones** and **Bob Smith**: accepted 2026-11-23, due today. Both said yes: "
            "make the introduction. `introducer draft bob-jones bob-smith --record` (records "
            "the introduction).\n") in out


def test_digest_in_a_cron_environment(book: Path, tmp_path: Path) -> None:
    """Real processes, as cron runs them: only PATH, no HOME, no LANG, stdin /dev/null
    (and the test's own cache folder, so the book's cache is not the real user's)."""
    env = {"PATH": "/usr/bin:/bin", "XDG_CACHE_HOME": os.environ["XDG_CACHE_HOME"]}

    def run() -> subprocess.CompletedProcess[bytes]:
        return subprocess.run(
            [sys.executable, "-m", "introducer", "--book", str(book), "today",
             "--format", "markdown"],
            cwd=tmp_path, env=env, stdin=subprocess.DEVNULL, capture_output=True,
            timeout=60, check=False,
        )

    first = run()
    assert first.returncode == 0, first.stderr
    assert first.stderr == b""
    assert b"## Suggestions" in first.stdout
    second = run()
    assert (second.returncode, second.stdout, second.stderr) == (0, b"", b"")


# ── interactive ──────────────────────────────────────────────────────────────

def test_interactive_refuses_without_a_terminal(book: Path, tmp_path: Path) -> None:
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "introducer", "--book", str(book), "today", "--interactive"],
        cwd=tmp_path, env={"PATH": "/usr/bin:/bin", "INTRODUCER_TODAY": "2026-11-23",
                               "XDG_CACHE_HOME": os.environ["XDG_CACHE_HOME"]},
        stdin=subprocess.DEVNULL, capture_output=True, timeout=30, check=False,
    )
    assert time.monotonic() - started < 30
    assert done.returncode == 2
    assert done.stdout == b""
    assert done.stderr.decode() == ("--interactive needs a terminal; use "
                                    "`introducer today --format markdown` in scripts\n")
    assert not state_of(book).exists()


def test_interactive_refuses_under_the_test_runner_too(book: Path) -> None:
    code, out, err = invoke("--book", book, "today", "--interactive", input="d\n")
    assert (code, out) == (2, "")
    assert "--interactive needs a terminal" in err


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("introducer.cli.console.stdin_is_terminal", lambda: True)


@pytest.mark.usefixtures("terminal")
def test_interactive_does_not_mix_with_a_digest_format(book: Path) -> None:
    code, _, err = invoke("--book", book, "today", "-i", "--format", "json")
    assert code == 2
    assert "leave out --format" in err


def test_today_uses_the_state_file_it_is_given(book: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere.sqlite3"
    code, out, _ = invoke("--book", book, "today", "--state", elsewhere, "--format", "json")
    assert code == 0 and json.loads(out)["suggestions"]
    assert elsewhere.exists() and not state_of(book).exists()
    # The global --state names the same file: everything there was shown already.
    assert invoke("--state", elsewhere, "--book", book, "today", "--format", "json") == (0, "", "")


def test_digest_markdown_escapes_names(write_book: BookWriter) -> None:
    people = [{**PEOPLE[0], "name": "Maria *Star* Lopez", "id": "maria"},
              {**PEOPLE[1], "name": "Tom [Reed]", "id": "tom"}]
    book = write_book(people, settings=SETTINGS, me=ME)
    add(book, Entry("introduced", "maria", "tom", D("2026-11-01")))
    code, out, _ = invoke("--book", book, "today", "--format", "markdown")
    assert code == 0
    assert "- **Maria \\*Star\\* Lopez** and **Tom \\[Reed\\]**: introduced 2026-11-01" in out
