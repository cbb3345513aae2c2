"""`introducer plan` as a person and a script use it: formats, the week's goal, days, writes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from typer.testing import CliRunner

from introducer.cli.app import app
from introducer.plan import solver
from tests.conftest import EXAMPLE_BOOK

runner = CliRunner()
MONDAY, THURSDAY, SATURDAY, SUNDAY = "2026-11-30", "2026-12-03", "2026-12-05", "2026-12-06"


@pytest.fixture
def book(tmp_path: Path) -> Path:
    """The example book (weekly goal 5), in this test's folder with its own state file."""
    return Path(shutil.copy(EXAMPLE_BOOK, tmp_path / "contacts.yaml"))


def invoke(book: Path, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["--book", str(book), *args])
    return result.exit_code, result.stdout, result.stderr


def plan_json(book: Path, *args: str) -> dict[str, Any]:
    code, out, err = invoke(book, "plan", "--format", "json", *args)
    assert code == 0, err
    document: dict[str, Any] = json.loads(out)
    return document


def history(book: Path) -> list[dict[str, Any]]:
    code, out, _ = invoke(book, "history", "--format", "json")
    assert code == 0
    entries: list[dict[str, Any]] = json.loads(out)["entries"]
    return entries


def test_the_json_contract(book: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INTRODUCER_TODAY", MONDAY)
    document = plan_json(book)
    assert list(document) == ["version", "today", "week", "count", "per_person", "solver",
                              "total", "greedy_total", "introductions", "notes"]
    assert document["version"] == 1 and document["solver"] == "optimal"
    assert document["week"] == {"start": MONDAY, "end": SUNDAY, "goal": 5, "made": 0}
    planned = document["introductions"]
    assert len(planned) == document["count"] == 5
    assert [p["rank"] for p in planned] == [1, 2, 3, 4, 5]
    assert document["greedy_total"] <= document["total"] == round(
        sum(p["score"] for p in planned), 2)
    first = planned[0]
    assert set(first) == {"rank", "day", "weekday", "score", "a", "b", "common_thread",
                          "reasons"}
    assert first["a"]["id"] < first["b"]["id"] and first["common_thread"]
    people = [p[side]["id"] for p in planned for side in ("a", "b")]
    assert len(people) == len(set(people))  # --per-person 1


def test_table_markdown_and_csv(book: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INTRODUCER_TODAY", MONDAY)
    code, out, err = invoke(book, "plan", "--count", "3")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["day", "score", "a", "b", "common", "thread"]
    assert [line[:10] for line in lines[1:4]] == ["Mon 30 Nov", "Tue 01 Dec", "Wed 02 Dec"]
    assert lines[4].startswith("Mon: ") and "; Tue: " in lines[4] and " ↔ " in lines[4]
    assert lines[5].startswith("optimal ") and "; greedy would give " in lines[5]
    assert err == ""
    code, out, _ = invoke(book, "plan", "-n", "3", "--format", "markdown")
    assert code == 0 and out.startswith("| day | score | a | b | common thread |\n|---|")
    assert "\noptimal " in out
    code, out, err = invoke(book, "plan", "-n", "3", "--format", "csv")
    assert code == 0
    assert out.splitlines()[0] == "day,score,a_id,a_name,b_id,b_name,kinds,common_thread"
    assert len(out.splitlines()) == 4 and err.startswith("optimal ")


def test_count_and_per_person(book: Path) -> None:
    assert len(plan_json(book, "--count", "2")["introductions"]) == 2
    planned = plan_json(book, "--count", "12", "--per-person", "2")["introductions"]
    assert len(planned) == 12
    uses: dict[str, int] = {}
    for p in planned:
        for side in ("a", "b"):
            uses[p[side]["id"]] = uses.get(p[side]["id"], 0) + 1
    assert max(uses.values()) <= 2


def test_the_plan_is_what_is_left_of_the_weeks_goal(book: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INTRODUCER_TODAY", THURSDAY)
    first = plan_json(book)["introductions"][0]
    assert invoke(book, "record", first["a"]["id"], first["b"]["id"], "--date", MONDAY)[0] == 0
    assert invoke(book, "record", "maria-lopez", "tom-reed")[0] == 0
    # Last week's introduction does not count towards this week's goal.
    assert invoke(book, "record", "sam-patel", "tom-reed", "--date", "2026-11-29")[0] == 0
    document = plan_json(book)
    assert document["week"]["made"] == 2 and document["count"] == 3
    planned = {(p["a"]["id"], p["b"]["id"]) for p in document["introductions"]}
    assert len(planned) == 3
    assert not planned & {(first["a"]["id"], first["b"]["id"]), ("maria-lopez", "tom-reed"),
                          ("sam-patel", "tom-reed")}


def test_a_met_goal_plans_nothing_and_says_so(book: Path) -> None:
    code, out, err = invoke(book, "plan", "--record")
    assert code == 0 and len(history(book)) == 5
    code, out, err = invoke(book, "plan")
    assert code == 0 and out == ""
    assert "this week's goal of 5 is met (5 made): --count N plans more" in err
    document = plan_json(book)
    assert document["count"] == 0 and document["introductions"] == []


@pytest.mark.parametrize(("today", "days"), [
    (MONDAY, ["Mon", "Tue", "Wed", "Thu", "Fri"]),
    (THURSDAY, ["Thu", "Thu", "Thu", "Fri", "Fri"]),
    (SATURDAY, ["Sat", "Sat", "Sat", "Sun", "Sun"]),
    (SUNDAY, ["Sun"] * 5),
])
def test_the_days_spread_over_what_is_left_of_the_week(
    book: Path, monkeypatch: pytest.MonkeyPatch, today: str, days: list[str]
) -> None:
    monkeypatch.setenv("INTRODUCER_TODAY", today)
    document = plan_json(book)
    planned = document["introductions"]
    assert [p["weekday"] for p in planned] == days
    assert [p["day"] for p in planned] == sorted(p["day"] for p in planned)
    scores = [p["score"] for p in planned]
    assert scores == sorted(scores, reverse=True)
    assert ("the week ends today: these are all for today" in document["notes"]) == (
        today == SUNDAY)


def test_draft_writes_each_introduction_as_draft_would(book: Path, tmp_path: Path) -> None:
    code, _, err = invoke(book, "plan", "-n", "3", "--draft", "--out", "mail")
    # Rosa (a confidential business sale) and Sofia (a divorce) are asked alone first:
    # two private asks each, as `draft` writes them; the third pair gets one joint email.
    assert code == 0 and "wrote 5 drafts to mail" in err, err
    assert "Rosa Martinez is living through something private (business sale)" in err
    files = sorted((tmp_path / "mail").glob("*.eml"))
    assert len(files) == 5
    assert all("Subject: " in f.read_text(encoding="utf-8") for f in files)
    document = plan_json(book, "-n", "2", "--draft", "--opt-in", "--out", "asks")
    assert [len(p["drafts"]) for p in document["introductions"]] == [2, 2]
    assert all(Path(path).is_file() for p in document["introductions"] for path in p["drafts"])
    assert history(book) == []  # drafting records nothing


def test_record_writes_the_plan_to_the_history(book: Path, monkeypatch: pytest.MonkeyPatch
                                               ) -> None:
    monkeypatch.setenv("INTRODUCER_TODAY", THURSDAY)
    document = plan_json(book, "-n", "2", "--record")
    planned = [(p["a"]["id"], p["b"]["id"]) for p in document["introductions"]]
    rows = history(book)
    assert [(e["kind"], e["a"], e["b"], e["date"]) for e in rows] == [
        ("introduced", a, b, THURSDAY) for a, b in planned]
    again = plan_json(book, "-n", "2")["introductions"]
    assert not {(p["a"]["id"], p["b"]["id"]) for p in again} & set(planned)


def test_record_with_draft_records_private_asks_as_asked(book: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INTRODUCER_TODAY", THURSDAY)
    document = plan_json(book, "-n", "3", "--draft", "--out", "mail", "--record")
    kinds = {(e["a"], e["b"]): e["kind"] for e in history(book)}
    drafted = {(p["a"]["id"], p["b"]["id"]): len(p["drafts"]) for p in document["introductions"]}
    assert kinds == {pair: "asked" if files == 2 else "introduced"
                     for pair, files in drafted.items()}
    assert sorted(kinds.values()) == ["asked", "asked", "introduced"]


def test_a_solver_out_of_time_says_so(book: Path) -> None:
    timed_out = mock.Mock(status=1, x=None)
    with mock.patch.object(solver, "milp", return_value=timed_out):
        document = plan_json(book, "--time-limit", "0.5")
        code, out, _ = invoke(book, "plan")
    assert document["solver"] == "greedy" and document["total"] == document["greedy_total"]
    assert any("did not finish in 0.5 s: this is the greedy plan" in n
               for n in document["notes"])
    assert code == 0 and "greedy " in out and "not proven optimal" in out


@pytest.mark.parametrize("args", [["--per-person", "0"], ["--count", "-1"], ["--count", "101"],
                                  ["--opt-in"], ["--format", "yaml"]])
def test_wrong_usage_exits_2_without_a_traceback(book: Path, args: list[str]) -> None:
    code, out, err = invoke(book, "plan", *args)
    assert code == 2 and out == ""
    assert "Traceback" not in err


def test_a_broken_book_exits_1(tmp_path: Path) -> None:
    broken = tmp_path / "contacts.yaml"
    broken.write_text("contacts:\n  - name: A\n    hobbys: [golf]\n", encoding="utf-8")
    code, _, err = invoke(broken, "plan")
    assert code == 1 and "hobbys" in err and "Traceback" not in err
