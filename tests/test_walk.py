"""`today --interactive`: the whole morning, driven key by key through every branch.

Under a real pseudo-terminal (pexpect), where each answer is one key with no Enter,
and under the test runner, where raw mode is not possible and each answer is a line.
Both drivers walk the same morning and must leave the same history.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import termios
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pexpect
import pytest
from typer.testing import CliRunner

from introducer.cli.app import app
from introducer.ledger.entries import Entry
from introducer.ledger.store import Ledger
from tests.conftest import TODAY, BookWriter

D = dt.date.fromisoformat
ME = {"name": "Ana Ortiz", "email": "ana@example.com"}
SETTINGS = {"weekly_goal": 3, "follow_up_days": 7, "stale_days": 365}
FOLLOWED = ["Amy Ames", "Bo Bell", "Cal Cole", "Dee Dunn", "Eve Ewen", "Fay Ford", "Gil Gray",
            "Hap Hunt", "Ida Ives", "Jo Judd", "Kim Kerr", "Lu Lane", "Max Moss", "Ned Nash",
            "Oz Orr", "Pat Penn", "Quinn Quade", "Ray Rios"]
PEOPLE: list[dict[str, Any]] = [
    *({"name": name, "email": f"{name.split()[0].lower()}@example.com"} for name in FOLLOWED),
    {"name": "Sue Stone", "email": "sue@example.com", "closeness": 4,
     "last_contact": "2024-01-01"},
    {"name": "Tia Tate", "email": "tia@example.com", "business": "estate planner",
     "closeness": 3, "last_contact": "2024-03-01"},
    *({"name": name, "email": f"{name.split()[0].lower()}@example.com", "hobbies": ["chess"]}
      for name in ("Uma Ulm", "Vic Vale", "Wes West", "Xena Xu", "Yul Yost", "Zed Zane")),
]


def _history() -> list[Entry]:
    introduced = [("amy-ames", "bo-bell"), ("cal-cole", "dee-dunn"), ("eve-ewen", "fay-ford"),
                  ("gil-gray", "hap-hunt"), ("ida-ives", "jo-judd")]
    asked = [("kim-kerr", "lu-lane"), ("max-moss", "ned-nash"), ("oz-orr", "pat-penn"),
             ("quinn-quade", "ray-rios")]
    return [*(Entry("introduced", a, b, D("2026-11-01")) for a, b in introduced),
            *(Entry("asked", a, b, D("2026-11-10")) for a, b in asked),
            Entry("outcome", "quinn-quade", "ray-rios", D("2026-11-20"), result="accepted")]


@pytest.fixture
def morning(write_book: BookWriter) -> Path:
    """A book whose day holds every kind of step: five introductions and three asks to
    follow up, a yes, two people to reconnect with, five suggestions."""
    book = write_book(PEOPLE, settings=SETTINGS, me=ME)
    with Ledger.open(book.with_name("contacts.introducer.sqlite3")) as ledger:
        ledger.add(*_history())
    return book


def _suggestions(book: Path) -> list[tuple[str, str]]:
    result = CliRunner().invoke(app, ["--book", str(book), "suggest", "--top", "5",
                                      "--format", "json"])
    return [(s["a"]["id"], s["b"]["id"]) for s in json.loads(result.stdout)["suggestions"]]


def walked(book: Path, before: int = len(_history())) -> list[dict[str, Any]]:
    """The rows the walk added after the `before` already there, as `history --format json`
    shows them (less the suggestions `today` notes as shown)."""
    result = CliRunner().invoke(app, ["--book", str(book), "history", "--format", "json"])
    rows = [row for row in json.loads(result.stdout)["entries"][before:]
            if row["kind"] != "suggested"]
    keep = ("kind", "a", "b", "result", "value", "until", "note")
    return [{key: row[key] for key in keep} for row in rows]


#: The whole morning, one answer per step (a step may take several): every branch.
#: `line:` answers are typed with Enter in both drivers.
MORNING = [
    "b", "line:lots", "line:2,500",   # Amy & Bo: business, a bad value asked again
    "m",                              # Cal & Dee: met
    "o",                              # Eve & Fay: no reply
    "?", "p", "d", "y",               # Gil & Hap: help, preview, draft the follow-up, sent
    "n", "line:10",                   # Ida & Jo: snooze 10 days
    "y",                              # Kim & Lu: said yes (so they come up next)
    "x",                              # Max & Ned: said no
    "o",                              # Oz & Pat: no reply
    "d", "y",                         # Quinn & Ray: draft the introduction, sent
    "d", "n",                         # Kim & Lu: drafted, not sent yet
    "c",                              # Sue: in touch
    "p", "d", "y",                    # Tia: preview and draft a hello, sent
    "z", "p", "d", "r",               # suggestion 1: a wrong key, preview, draft, record now
    "a", "y",                         # suggestion 2: ask both first, sent
    "s",                              # suggestion 3: skip
    "n", "line:",                     # suggestion 4: snooze, the default 30 days
    "v",                              # suggestion 5: never
]
SUMMARY = ("Done: introduced 2, asked 1, followed up 1, met 1, business 1, no reply 2, "
           "said yes 1, said no 1, in touch 2, snoozed 2, never 1, skipped 1, 1 not sent yet "
           "(drafted, not recorded); now 2 of 3 introductions this week, 1 to go, 7 days left.")


def expected_rows(out: Path, suggestions: list[tuple[str, str]]) -> list[dict[str, Any]]:
    def row(kind: str, a: str, b: str | None, result: str | None = None,
            value: float | None = None, until: str | None = None,
            note: str | None = None) -> dict[str, Any]:
        return {"kind": kind, "a": a, "b": b, "result": result, "value": value,
                "until": until, "note": note}

    s1, s2, _, s4, s5 = suggestions
    ask = ", ".join(str(out / f"{s2[0]}--{s2[1]}-{TODAY}-ask-{who}.eml") for who in s2)
    return [
        row("outcome", "amy-ames", "bo-bell", "business", 2500.0),
        row("outcome", "cal-cole", "dee-dunn", "met"),
        row("outcome", "eve-ewen", "fay-ford", "no-reply"),
        row("snoozed", "gil-gray", "hap-hunt", until="2026-11-30",
            note=f"follow-up sent: {out}/gil-gray--hap-hunt-{TODAY}-follow-up.eml"),
        row("snoozed", "ida-ives", "jo-judd", until="2026-12-03"),
        row("outcome", "kim-kerr", "lu-lane", "accepted"),
        row("outcome", "max-moss", "ned-nash", "declined"),
        row("outcome", "oz-orr", "pat-penn", "no-reply"),
        row("introduced", "quinn-quade", "ray-rios",
            note=f"sent: {out}/quinn-quade--ray-rios-{TODAY}.eml"),
        row("contacted", "sue-stone", None),
        row("contacted", "tia-tate", None, note=f"hello sent: {out}/tia-tate-{TODAY}-hello.eml"),
        row("introduced", *s1, note=f"to send: {out}/{s1[0]}--{s1[1]}-{TODAY}.eml"),
        row("asked", *s2, note=f"sent: {ask}"),
        row("snoozed", *s4, until="2026-12-23"),
        row("never", *s5),
    ]


def written(out: Path, suggestions: list[tuple[str, str]]) -> set[str]:
    s1, s2 = suggestions[:2]
    return {f"gil-gray--hap-hunt-{TODAY}-follow-up.eml", f"quinn-quade--ray-rios-{TODAY}.eml",
            f"kim-kerr--lu-lane-{TODAY}.eml", f"tia-tate-{TODAY}-hello.eml",
            f"{s1[0]}--{s1[1]}-{TODAY}.eml",
            *(f"{s2[0]}--{s2[1]}-{TODAY}-ask-{who}.eml" for who in s2)}


# ── under a pseudo-terminal ──────────────────────────────────────────────────

PROMPT = r"(quit|yet) \? $|\)\? $|\]\? $"


@pytest.fixture
def spawn(tmp_path: Path) -> Iterator[Any]:
    children: list[pexpect.spawn] = []

    def start(book: Path) -> pexpect.spawn:
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "INTRODUCER_TODAY": TODAY,
               "TERM": "dumb", "LANG": "C.UTF-8", "HOME": str(tmp_path / "home")}
        child = pexpect.spawn(sys.executable, ["-m", "introducer", "--book", str(book),
                                               "today", "--interactive", "--out", "out"],
                              cwd=str(tmp_path), env=env, encoding="utf-8", timeout=20,
                              dimensions=(60, 160))
        children.append(child)
        return child

    yield start
    for child in children:
        child.close(force=True)


def press(child: pexpect.spawn, answers: list[str]) -> str:
    """Give each answer at its prompt; returns the screen up to the last prompt."""
    screen = []
    for answer in answers:
        child.expect(PROMPT)
        screen.append(child.before + child.after)
        if answer == "^C":
            child.sendcontrol("c")
        elif answer.startswith("line:"):
            child.sendline(answer.removeprefix("line:"))
        else:
            child.send(answer or "\r")
    return "".join(screen).replace("\r\n", "\n")


def finish(child: pexpect.spawn) -> tuple[str, int, bool]:
    """The rest of the screen, the exit status, and whether the terminal the walk leaves
    behind echoes and edits lines again (its modes put back)."""
    child.expect(pexpect.EOF)
    rest = child.before.replace("\r\n", "\n")
    lflag = termios.tcgetattr(child.child_fd)[3]
    child.close()
    return rest, child.exitstatus, bool(lflag & termios.ECHO and lflag & termios.ICANON)


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_the_whole_morning_key_by_key(morning: Path, tmp_path: Path, spawn: Any) -> None:
    suggestions = _suggestions(morning)
    assert len(suggestions) == 5
    child = spawn(morning)
    screen = press(child, MORNING)
    rest, status, restored = finish(child)
    screen += rest
    assert (status, restored) == (0, True), screen
    # Sections in order, each counted; a yes just given joins the yeses.
    order = [screen.index(title) for title in (
        "Follow-ups due (8)", "Both said yes: introduce them (2)", "Reconnect (2)",
        "Suggestions (5)")]
    assert order == sorted(order)
    assert "[1/8] Amy Ames  <->  Bo Bell: introduced 2026-11-01, 15 days overdue" in screen
    assert "[2/2] Kim Kerr  <->  Lu Lane: said yes just now" in screen
    assert "[1/2] Sue Stone: last in touch 2024-01-01, 1057 days ago\n    closeness 4" in screen
    # One key, no Enter: the key is echoed after the prompt.
    assert ("[m] met  [b] business  [o] no reply  [p] preview  [d] draft follow-up  "
            "[n] snooze  [s] skip  [?] help  [q] quit ? b\n") in screen
    assert "a number from 0 to 1e+15 (or Enter if not known)" in screen
    assert "    m  they met: records the outcome, and the follow-up is closed" in screen
    assert "    Subject: Following up: Gil Gray and Hap Hunt" in screen
    assert "    Subject: Catching up, Tia?" in screen
    assert "choose one of p, d, a, s, n, v, ?, q (or Enter to skip; ? explains them)" in screen
    assert f"    wrote out/quinn-quade--ray-rios-{TODAY}.eml\n" in screen
    assert "    recorded: Amy Ames and Bo Bell: business (value 2500) on 2026-11-23" in screen
    assert "    not recorded: the draft stays in the folder for when you send it" in screen
    assert screen.rstrip().endswith(SUMMARY)
    out = tmp_path / "out"
    assert walked(morning) == expected_rows(out, suggestions)
    assert {p.name for p in out.iterdir()} == written(out, suggestions)


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_q_ends_the_walk_with_a_summary_and_exit_0(morning: Path, tmp_path: Path,
                                                   spawn: Any) -> None:
    child = spawn(morning)
    press(child, ["m", "d", "q"])  # quit at "Sent it?": the draft is kept, not recorded
    rest, status, restored = finish(child)
    assert (status, restored) == (0, True)
    assert rest.strip().endswith(
        "Stopped (14 steps left for later): met 1, 1 not sent yet (drafted, not recorded); "
        "now 0 of 3 introductions this week, 3 to go, 7 days left.")
    assert [row["result"] for row in walked(morning)] == ["met"]
    assert [p.name for p in (tmp_path / "out").iterdir()] == [
        f"cal-cole--dee-dunn-{TODAY}-follow-up.eml"]


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
@pytest.mark.parametrize("answers", [["m", "^C"], ["m", "n", "^C"]],
                         ids=["at a key", "while typing the days"])
def test_ctrl_c_interrupts_with_a_summary_and_exit_130(morning: Path, spawn: Any,
                                                       answers: list[str]) -> None:
    child = spawn(morning)
    press(child, answers)
    rest, status, restored = finish(child)
    assert (status, restored) == (130, True)
    assert "Traceback" not in rest
    assert rest.strip().endswith("Interrupted (15 steps left for later): met 1; now 0 of 3 "
                                 "introductions this week, 3 to go, 7 days left.")
    assert [row["result"] for row in walked(morning)] == ["met"]


# ── where raw mode is not possible: a line per answer ────────────────────────

@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """The test runner's stdin says it is a terminal; it has no terminal modes."""
    monkeypatch.setattr("introducer.cli.console.stdin_is_terminal", lambda: True)


def _lines(answers: list[str]) -> str:
    return "".join(answer.removeprefix("line:") + "\n" for answer in answers)


def run_walk(book: Path, answers: list[str]) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["--book", str(book), "today", "-i", "--out", "out"],
                                input=_lines(answers))
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.usefixtures("terminal")
def test_line_input_walks_the_same_morning(morning: Path, tmp_path: Path) -> None:
    suggestions = _suggestions(morning)
    code, out, err = run_walk(morning, MORNING)
    assert code == 0, err
    assert out.rstrip().endswith(SUMMARY)
    assert "choose one of p, d, a, s, n, v, ?, q" in err
    folder = tmp_path / "out"
    assert walked(morning) == expected_rows(folder, suggestions)
    assert {p.name for p in folder.iterdir()} == written(folder, suggestions)


@pytest.mark.usefixtures("terminal")
def test_line_input_takes_whole_lines_and_enter_skips(morning: Path) -> None:
    code, out, err = run_walk(morning, ["met", "", "q"])
    assert code == 0
    assert "choose one of m, b, o, p, d, n, s, ?, q" in err
    assert "Stopped (15 steps left for later): skipped 1;" in out
    assert walked(morning) == []


@pytest.mark.usefixtures("terminal")
def test_the_end_of_input_ends_the_walk_like_q(morning: Path) -> None:
    code, out, _ = run_walk(morning, ["m", "n"])  # input ends at the days prompt, then at a key
    assert code == 0
    assert out.rstrip().endswith("Stopped (15 steps left for later): met 1; now 0 of 3 "
                                 "introductions this week, 3 to go, 7 days left.")


@pytest.mark.usefixtures("terminal")
def test_a_draft_that_cannot_be_made_asks_again(write_book: BookWriter, tmp_path: Path) -> None:
    book = write_book(PEOPLE[-6:], settings=SETTINGS)  # no `me:`: no From address
    code, out, err = run_walk(book, ["d", "p", "s", "q"])
    assert code == 0
    assert err.count("drafts need a From address") == 2
    assert "Stopped (4 steps left for later): skipped 1;" in out
    assert walked(book, before=0) == []
    assert not (tmp_path / "out").exists()


@pytest.mark.usefixtures("terminal")
def test_a_quiet_day_says_so(write_book: BookWriter) -> None:
    book = write_book([{"name": "Solo One"}], settings=SETTINGS, me=ME)
    code, out, _ = run_walk(book, [])
    assert code == 0
    assert "Nothing to walk today" in out


@pytest.mark.usefixtures("terminal")
def test_a_private_life_event_is_asked_about_alone_first(write_book: BookWriter,
                                                         tmp_path: Path) -> None:
    book = write_book([
        {"name": "Karen Holt", "business": "school nurse", "events": ["getting divorced"],
         "email": "karen@x.example"},
        {"name": "Rachel Stone", "business": "divorce attorney", "email": "rachel@x.example"},
    ], settings=SETTINGS, me=ME)
    code, _, err = run_walk(book, ["d", "a", "y", "q"])
    assert code == 0, err
    assert "Karen Holt is living through something private: press [a] to ask each side " \
        "alone first" in err
    assert [row["kind"] for row in walked(book, before=0)] == ["asked"]
    assert len(list((tmp_path / "out").iterdir())) == 2  # one private ask to each side
