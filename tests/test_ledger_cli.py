"""The history as a user lives it: record, outcome, snooze, never, undo, history, backup, rename.

Every command confirms on stderr and keeps stdout for data; bad input exits 1 (data)
or 2 (usage) with one line and no traceback, and never creates a state file.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from introducer.cli.app import app
from introducer.ledger.store import Ledger
from tests.conftest import BookWriter

runner = CliRunner()
ME = {"name": "Ana Ortiz", "email": "ana@example.com"}
PEOPLE = [
    {"name": "Maria Lopez", "email": "maria@example.com", "business": "divorce mediator",
     "clients": ["divorcing couples"], "referral_sources": ["family therapists"]},
    {"name": "Tom Reed", "email": "tom@example.com", "business": "matrimonial attorney",
     "clients": ["divorcing couples"], "referral_sources": ["family therapists"]},
    {"name": "Priya Shah", "email": "priya@example.com", "business": "family therapist",
     "clients": ["blended families"], "hobbies": ["chess"]},
    {"name": "Jorge Alvarez", "email": "jorge@example.com", "business": "accountant",
     "clients": ["blended families"], "hobbies": ["chess"]},
]


def invoke(*args: str | Path, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, [str(a) for a in args], env=env)
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        result.exception
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def book(write_book: BookWriter) -> Path:
    return write_book(PEOPLE, me=ME)


@pytest.fixture
def state(book: Path) -> Path:
    """Where the history lives by default: beside the book."""
    return book.with_name("contacts.introducer.sqlite3")


def ok(*args: str | Path) -> str:
    """Run a command that must succeed with nothing on stdout; its stderr."""
    code, out, err = invoke(*args)
    assert code == 0, err
    assert out == ""
    return err


def export(book: Path, fmt: str = "json", *more: str | Path) -> str:
    code, out, err = invoke("--book", book, "history", "--format", fmt, *more)
    assert code == 0, err
    return out


def timeline(book: Path, *more: str | Path) -> list[str]:
    code, out, err = invoke("--book", book, "history", *more)
    assert code == 0, err
    return out.splitlines()


# ── record ───────────────────────────────────────────────────────────────────

def test_record_confirms_on_stderr_and_history_shows_it(book: Path, state: Path) -> None:
    err = ok("--book", book, "record", "maria", "Tom Reed", "--note", "coffee on Friday")
    assert err == "recorded: introduced Maria Lopez and Tom Reed on 2026-11-23\n"
    lines = timeline(book)
    assert lines[0].split() == ["date", "what", "happened", "note"]
    assert lines[1].split("  ")[0] == "2026-11-23"
    assert "introduced Maria Lopez and Tom Reed" in lines[1]
    assert lines[1].endswith("coffee on Friday")
    assert stat.S_IMODE(state.stat().st_mode) == 0o600
    assert book.read_text(encoding="utf-8") == yaml.safe_dump(
        {"me": ME, "contacts": PEOPLE}, allow_unicode=True, sort_keys=False), "book untouched"


def test_record_asked_on_a_past_date(book: Path) -> None:
    err = ok("--book", book, "record", "maria", "priya", "--asked", "--date", "2026-11-20")
    assert err == ("recorded: asked Maria Lopez and Priya Shah whether they would like an "
                   "introduction on 2026-11-20\n")
    assert timeline(book)[1].startswith("2026-11-20  asked Maria Lopez and Priya Shah")


def test_recording_a_pair_again_is_allowed_with_a_warning(book: Path) -> None:
    ok("--book", book, "record", "maria", "tom", "--date", "2026-11-02")
    err = ok("--book", book, "record", "tom", "maria")
    assert "warning: Tom Reed and Maria Lopez were already introduced on 2026-11-02" in err
    assert err.endswith("recorded: introduced Tom Reed and Maria Lopez on 2026-11-23\n")
    assert len(timeline(book)) == 3


def test_asking_twice_and_recording_a_never_pair_say_so(book: Path) -> None:
    ok("--book", book, "record", "priya", "jorge", "--asked", "--date", "2026-11-01")
    err = ok("--book", book, "record", "priya", "jorge", "--asked")
    assert err.startswith("warning: Priya Shah and Jorge Alvarez were already asked on "
                          "2026-11-01; recording this ask too\n")
    ok("--book", book, "never", "maria", "tom")
    err = ok("--book", book, "record", "maria", "tom")
    assert "note: Maria Lopez and Tom Reed are marked never" in err
    assert err.endswith("recorded: introduced Maria Lopez and Tom Reed on 2026-11-23\n")


@pytest.mark.parametrize(("args", "code", "message"), [
    (["record", "nobody", "tom"], 1, 'unknown contact "nobody"'),
    (["record", "maria", "Maria Lopez"], 2, "are the same contact (maria-lopez)"),
    (["record", "maria", "tom", "--date", "2026-11-24"], 2, "is in the future"),
    (["record", "maria", "tom", "--date", "23/11/2026"], 2, 'is not a date (use YYYY-MM-DD)'),
    (["record", "maria", "tom", "--date", "2026-02-30"], 2, "is not a date"),
    (["outcome", "maria", "tom", "married"], 2, "Invalid value for 'RESULT'"),
    (["outcome", "maria", "tom", "met", "--value", "5"], 2, "--value goes with business"),
    (["outcome", "maria", "tom", "business", "--value", "-1"], 2, "must be a number from 0 to"),
    (["outcome", "maria", "tom", "business", "--value", "nan"], 2, "must be a number from 0 to"),
    (["outcome", "maria", "tom", "business", "--value", "lots"], 2, "--value"),
    (["snooze", "maria", "tom"], 2, "give one of --until DATE or --for-days N"),
    (["snooze", "maria", "tom", "--until", "2026-11-23"], 2, "is not after today"),
    (["snooze", "maria", "tom", "--until", "2026-12-01", "--for-days", "3"], 2, "give one of"),
    (["snooze", "maria", "tom", "--for-days", "0"], 2, "--for-days"),
    (["never", "maria", "maria-lopez"], 2, "same contact"),
    (["received", "maria", "--to", "maria"], 2, "same contact"),
    (["received", "ghost"], 1, 'unknown contact "ghost"'),
])
def test_bad_input_exits_with_one_message_and_writes_nothing(
    book: Path, state: Path, args: list[str], code: int, message: str
) -> None:
    got, out, err = invoke("--book", book, *args)
    assert got == code, err
    assert message in err
    assert out == ""
    assert "Traceback" not in err
    assert not state.exists(), "a refused command must not create the state file"


# ── outcome, snooze, never, received ─────────────────────────────────────────

def test_outcome_with_business_value(book: Path) -> None:
    ok("--book", book, "record", "maria", "tom", "--date", "2026-11-01")
    err = ok("--book", book, "outcome", "maria", "tom", "met", "--date", "2026-11-10")
    assert err == "recorded: Maria Lopez and Tom Reed: met on 2026-11-10\n"
    err = ok("--book", book, "outcome", "tom", "maria", "BUSINESS", "--value", "1200.5",
             "--note", "retainer")
    assert err == "recorded: Tom Reed and Maria Lopez: business (value 1200.5) on 2026-11-23\n"
    entries = json.loads(export(book))["entries"]
    assert [(e["kind"], e["result"], e["value"], e["note"]) for e in entries] == [
        ("introduced", None, None, None), ("outcome", "met", None, None),
        ("outcome", "business", 1200.5, "retainer")]
    assert all((e["a"], e["b"]) == ("maria-lopez", "tom-reed") for e in entries)
    assert "Maria Lopez and Tom Reed: business (value 1200.5)" in "\n".join(timeline(book))


def test_outcome_without_introduction_warns_but_records(book: Path) -> None:
    err = ok("--book", book, "outcome", "maria", "jorge", "no-reply")
    assert "warning: no introduction or ask is recorded for Maria Lopez and Jorge Alvarez" in err
    assert "recorded: Maria Lopez and Jorge Alvarez: no-reply on 2026-11-23" in err
    ok("--book", book, "record", "priya", "jorge", "--asked")
    err = ok("--book", book, "outcome", "priya", "jorge", "accepted")
    assert "warning" not in err


def test_snooze_until_or_for_days_and_never(book: Path) -> None:
    err = ok("--book", book, "snooze", "maria", "tom", "--until", "2027-01-15")
    assert err == "recorded: snoozed Maria Lopez and Tom Reed until 2027-01-15\n"
    err = ok("--book", book, "snooze", "priya", "jorge", "--for-days", "30", "--note", "busy")
    assert err == "recorded: snoozed Priya Shah and Jorge Alvarez until 2026-12-23\n"
    err = ok("--book", book, "never", "maria", "jorge", "--note", "they fell out")
    assert err == "recorded: never suggest Maria Lopez and Jorge Alvarez\n"
    err = ok("--book", book, "never", "jorge", "maria")
    assert err == "Jorge Alvarez and Maria Lopez are already marked never; nothing recorded\n"
    kinds = [(e["kind"], e["until"], e["note"]) for e in json.loads(export(book))["entries"]]
    assert kinds == [("snoozed", "2027-01-15", None), ("snoozed", "2026-12-23", "busy"),
                     ("never", None, "they fell out")]


def test_received_from_with_and_without_to(book: Path) -> None:
    err = ok("--book", book, "received", "tom", "--to", "priya", "--date", "2026-11-01",
             "--note", "sent me a client")
    assert err == "recorded: received a referral from Tom Reed (to Priya Shah) on 2026-11-01\n"
    ok("--book", book, "received", "tom")
    entries = json.loads(export(book))["entries"]
    # The direction is kept: a gave, b is who the user was introduced to.
    assert [(e["kind"], e["a"], e["b"]) for e in entries] == [
        ("received", "tom-reed", "priya-shah"), ("received", "tom-reed", None)]
    assert "received a referral from Tom Reed (to Priya Shah)" in timeline(book)[1]


# ── undo ─────────────────────────────────────────────────────────────────────

def test_undo_twice_then_nothing(book: Path) -> None:
    ok("--book", book, "record", "maria", "tom")
    ok("--book", book, "outcome", "maria", "tom", "met")
    ok("--book", book, "never", "priya", "jorge")
    assert ok("--book", book, "undo") == "undid: never suggest Jorge Alvarez and Priya Shah\n"
    assert ok("--book", book, "undo") == "undid: Maria Lopez and Tom Reed: met on 2026-11-23\n"
    lines = timeline(book)
    assert len(lines) == 2 and "introduced Maria Lopez and Tom Reed" in lines[1]
    every = timeline(book, "--all")
    assert every[0].split()[-1] == "undone"
    assert [line.split()[-1] for line in every[1:]] == ["Reed", "2026-11-23", "2026-11-23"]
    assert ok("--book", book, "undo").startswith("undid: introduced Maria Lopez and Tom Reed")
    assert ok("--book", book, "undo") == "nothing to undo\n"


def test_undo_without_history_creates_nothing(book: Path, state: Path) -> None:
    assert ok("--book", book, "undo") == "nothing to undo (no history yet)\n"
    assert not state.exists()


def test_undo_names_people_no_longer_in_the_book_by_id(book: Path, write_book: BookWriter
                                                        ) -> None:
    ok("--book", book, "record", "maria", "tom")
    write_book(PEOPLE[1:], me=ME)  # Maria leaves the book
    assert ok("--book", book, "undo") == ("undid: introduced maria-lopez and Tom Reed on "
                                          "2026-11-23\n")


# ── history ──────────────────────────────────────────────────────────────────

def test_history_hides_suggested_and_undone_unless_all(book: Path, state: Path) -> None:
    ok("--book", book, "record", "maria", "tom", "--date", "2026-11-20")
    ok("--book", book, "record", "priya", "jorge")
    ok("--book", book, "undo")
    with Ledger.open(state) as ledger:
        ledger.mark_suggested([("jorge-alvarez", "maria-lopez")], dt.date(2026, 11, 21))
    lines = timeline(book)
    assert len(lines) == 2 and "introduced Maria Lopez and Tom Reed" in lines[1]
    text = "\n".join(timeline(book, "--all"))
    assert "suggested Jorge Alvarez and Maria Lopez" in text
    assert "introduced Jorge Alvarez and Priya Shah" in text
    # In the order things happened, not the order they were typed in.
    dates = [line[:10] for line in timeline(book, "--all")[1:]]
    assert dates == ["2026-11-20", "2026-11-21", "2026-11-23"]


def test_history_of_one_contact(book: Path) -> None:
    ok("--book", book, "record", "maria", "tom")
    ok("--book", book, "record", "priya", "jorge")
    ok("--book", book, "received", "jorge")
    lines = timeline(book, "Jorge")
    assert len(lines) == 3
    assert all("Jorge Alvarez" in line for line in lines[1:])
    entries = json.loads(export(book, "json", "jorge-alvarez"))["entries"]
    assert {e["kind"] for e in entries} == {"introduced", "received"}
    code, _, err = invoke("--book", book, "history", "nobody")
    assert code == 1 and 'unknown contact "nobody"' in err


def test_history_without_state_file_is_empty_and_creates_nothing(book: Path, state: Path
                                                                 ) -> None:
    code, out, err = invoke("--book", book, "history")
    assert (code, out) == (0, "")  # no table of nothing: the line on stderr says why
    assert "no history yet" in err and str(state) in err
    assert json.loads(export(book)) == {"version": 1, "entries": []}
    assert export(book, "csv") == ("id,kind,a,b,date,result,value,until,note,recorded_at,"
                                   "undone_at\n")
    code, out, _ = invoke("--book", book, "history", "--format", "markdown")
    assert code == 0 and out.startswith("| date | what happened | note |")
    assert not state.exists()


def test_history_markdown_escapes_pipes(book: Path) -> None:
    ok("--book", book, "record", "maria", "tom", "--note", "a | b")
    code, out, _ = invoke("--book", book, "history", "--format", "markdown")
    assert code == 0
    assert "| a \\| b |" in out.splitlines()[2]


# ── export and import (the backup) ───────────────────────────────────────────

def _lived_history(book: Path, state: Path) -> None:
    """A few weeks of use: every kind, an undone entry, a suggestion, an awkward note."""
    ok("--book", book, "record", "maria", "tom", "--date", "2026-11-02",
       "--note", 'coffee, "finally"\nsecond line; café ✓')
    ok("--book", book, "outcome", "maria", "tom", "business", "--value", "1200.5")
    ok("--book", book, "record", "priya", "jorge", "--asked", "--date", "2026-11-10")
    ok("--book", book, "outcome", "priya", "jorge", "declined")
    ok("--book", book, "snooze", "maria", "priya", "--until", "2027-01-01")
    ok("--book", book, "never", "tom", "jorge")
    ok("--book", book, "received", "jorge", "--to", "tom")
    ok("--book", book, "record", "maria", "jorge")
    ok("--book", book, "undo")
    with Ledger.open(state) as ledger:
        ledger.mark_suggested([("maria-lopez", "priya-shah")], dt.date(2026, 11, 3))


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_export_then_import_into_fresh_state_is_identical(
    book: Path, state: Path, tmp_path: Path, fmt: str
) -> None:
    _lived_history(book, state)
    backup = tmp_path / f"backup.{fmt}"
    backup.write_text(export(book, fmt), encoding="utf-8")
    fresh = tmp_path / "restored.sqlite3"
    err = ok("--book", book, "import-history", backup, "--state", fresh)
    assert f"imported {backup} into {fresh}: 9 added, 0 already there" in err
    assert export(book, fmt, "--state", fresh) == backup.read_text(encoding="utf-8")
    err = ok("--book", book, "import-history", backup, "--state", fresh)
    assert "0 added, 9 already there" in err
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o600
    # The restored file behaves: the undone entry stays undone, undo takes back the newest.
    assert ok("--book", book, "undo", "--state", fresh).startswith(
        "undid: received a referral from Jorge Alvarez (to Tom Reed)")


def test_export_json_has_every_column(book: Path, state: Path) -> None:
    _lived_history(book, state)
    entries = json.loads(export(book))["entries"]
    assert len(entries) == 9
    assert all(set(e) == {"id", "kind", "a", "b", "date", "result", "value", "until", "note",
                          "recorded_at", "undone_at"} for e in entries)
    assert {e["kind"] for e in entries} == {"introduced", "asked", "outcome", "snoozed",
                                            "never", "received", "suggested"}
    assert [e["kind"] for e in entries if e["undone_at"]] == ["introduced"]
    rows = list(csv.DictReader(io.StringIO(export(book, "csv"))))
    assert rows[0]["note"] == 'coffee, "finally"\nsecond line; café ✓'
    assert rows[1]["value"] == "1200.5"


def test_import_into_existing_history_merges(book: Path, state: Path, tmp_path: Path) -> None:
    ok("--book", book, "record", "maria", "tom")
    backup = tmp_path / "backup.json"
    backup.write_text(export(book), encoding="utf-8")
    other = tmp_path / "other.sqlite3"
    ok("--book", book, "record", "priya", "jorge", "--state", other)
    assert "1 added, 0 already there" in ok("--book", book, "import-history", backup,
                                            "--state", other)
    kinds = [(e["a"], e["b"]) for e in json.loads(export(book, "json", "--state", other))
             ["entries"]]
    assert kinds == [("jorge-alvarez", "priya-shah"), ("maria-lopez", "tom-reed")]


def test_import_warns_about_ids_not_in_the_book(book: Path, tmp_path: Path) -> None:
    backup = tmp_path / "old.json"
    backup.write_text(json.dumps({"version": 1, "entries": [
        {"kind": "introduced", "a": "maria-l", "b": "tom-reed", "date": "2026-10-01",
         "recorded_at": "2026-10-01T10:00:00Z"},
        {"kind": "introduced", "a": "ghost", "b": "tom-reed", "date": "2026-10-02",
         "recorded_at": "2026-10-02T10:00:00Z"}]}), encoding="utf-8")
    err = ok("--book", book, "import-history", backup)
    assert "2 added" in err
    assert ('warning: the history names "maria-l" (1 entry), which is not an id in the book; '
            'did you mean "maria-lopez"? If they changed id, run '
            "`introducer rename maria-l maria-lopez`") in err
    assert "`introducer rename ghost NEW-ID`" in err


def test_import_of_a_broken_export_names_file_and_line(book: Path, state: Path,
                                                       tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("id,kind,a,b,date,result,value,until,note,recorded_at,undone_at\n"
                   "1,introduced,maria-lopez,tom-reed,yesterday,,,,,,\n", encoding="utf-8")
    code, out, err = invoke("--book", book, "import-history", bad)
    assert code == 1 and out == ""
    assert f"{bad}:2: date 'yesterday' is not a date (YYYY-MM-DD)" in err
    assert not state.exists()
    code, _, err = invoke("--book", book, "import-history", tmp_path / "missing.json")
    assert code == 1 and "missing.json" in err and "Traceback" not in err


# ── rename and check ─────────────────────────────────────────────────────────

def test_rename_after_an_id_changed_and_check_warnings(
    book: Path, state: Path, write_book: BookWriter
) -> None:
    ok("--book", book, "record", "maria", "tom")
    ok("--book", book, "outcome", "maria", "tom", "met")
    ok("--book", book, "received", "maria")
    code, out, err = invoke("--book", book, "check")
    assert (code, out) == (0, ""), err
    renamed = [dict(PEOPLE[0], id="maria-lopez-garcia", name="Maria Lopez Garcia"), *PEOPLE[1:]]
    write_book(renamed, me=ME)
    code, out, err = invoke("--book", book, "check")
    assert code == 0, "history warnings never fail check"
    assert out == (f'{state}: warning: the history names "maria-lopez" (3 entries), which '
                   'is not an id in the book; did you mean "maria-lopez-garcia"? If they '
                   "changed id, run `introducer rename maria-lopez maria-lopez-garcia`\n")
    assert "0 errors, 1 warning" in err
    code, out, _ = invoke("--book", book, "check", "--format", "json")
    warning = json.loads(out)["warnings"][0]
    assert warning["severity"] == "warning" and warning["file"] == str(state)
    # The old id still shows its history (not the new contact's, found by prefix).
    assert len(timeline(book, "maria-lopez")) == 4

    err = ok("--book", book, "rename", "maria-lopez", "maria-lopez-garcia")
    assert err == "renamed maria-lopez to maria-lopez-garcia: 3 entries moved\n"
    code, out, err = invoke("--book", book, "check")
    assert (code, out) == (0, "") and "0 warnings" in err
    assert "introduced Maria Lopez Garcia and Tom Reed" in timeline(book, "Maria")[1]
    # Undo takes the rename back; check warns again.
    assert ok("--book", book, "undo").startswith(
        "undid: renamed maria-lopez to maria-lopez-garcia")
    assert "maria-lopez" in invoke("--book", book, "check")[1]


def test_an_id_added_in_the_book_is_caught_by_today_and_named_by_its_name(
    book: Path, state: Path, write_book: BookWriter
) -> None:
    """Before: after `id: tom-r` was added to Tom Reed, `today` silently suggested Maria and
    Tom again as new (they had met), and `check` had no "did you mean" (tom-reed is too
    far from tom-r to spell-check); only `check` said anything at all."""
    ok("--book", book, "record", "maria", "tom")
    ok("--book", book, "outcome", "maria", "tom", "met")
    write_book([PEOPLE[0], dict(PEOPLE[1], id="tom-r"), *PEOPLE[2:]], me=ME)
    hint = ('warning: the history names "tom-reed" (2 entries), which is not an id in the '
            'book; did you mean "tom-r"? If they changed id, run '
            "`introducer rename tom-reed tom-r`\n")
    for digest in ("markdown", "json", "table"):
        code, _, err = invoke("--book", book, "today", "--format", digest)
        assert code == 0 and err == hint, digest
    code, out, _ = invoke("--book", book, "check")
    assert code == 0 and out == f"{state}: {hint}"
    ok("--book", book, "rename", "tom-reed", "tom-r")  # today's suggestions do not block it
    code, _, err = invoke("--book", book, "today", "--format", "markdown")
    assert code == 0 and err == ""


def test_history_of_a_contact_with_none_says_so_and_why(
    book: Path, write_book: BookWriter
) -> None:
    """Before: `history tom` after Tom's id was edited printed a bare table header."""
    ok("--book", book, "record", "maria", "tom")
    code, out, err = invoke("--book", book, "history", "priya")
    assert (code, out, err) == (0, "", "no history for Priya Shah (priya-shah)\n")
    write_book([PEOPLE[0], dict(PEOPLE[1], id="tom-r"), *PEOPLE[2:]], me=ME)
    code, out, err = invoke("--book", book, "history", "tom")
    assert (code, out) == (0, "")
    assert err.splitlines() == [
        "no history for Tom Reed (tom-r)",
        'warning: the history names "tom-reed" (1 entry), which is not an id in the book; did '
        'you mean "tom-r"? If they changed id, run `introducer rename tom-reed tom-r`']
    ok("--book", book, "undo")
    code, out, err = invoke("--book", book, "history")
    assert (code, out) == (0, "") and err.startswith("nothing in the history yet")
    assert "introduced" in invoke("--book", book, "history", "--all")[1]  # the undone entry


def test_rename_refusals(book: Path, write_book: BookWriter) -> None:
    code, _, err = invoke("--book", book, "rename", "old-id", "maria-lopez")
    assert code == 1 and 'no history for "old-id": there is no state file' in err
    ok("--book", book, "record", "maria", "tom")
    write_book([dict(PEOPLE[0], id="maria-g"), *PEOPLE[1:]], me=ME)
    code, _, err = invoke("--book", book, "rename", "maria-lopez", "maria-gg")
    assert code == 1
    assert '"maria-gg" is not a contact id in' in err and 'did you mean "maria-g"?' in err
    code, _, err = invoke("--book", book, "rename", "maria-lopez", "Maria Lopez")
    assert code == 1 and 'did you mean "maria-g"?' in err
    code, _, err = invoke("--book", book, "rename", "maria-lopes", "maria-g")
    assert code == 1
    assert 'no history for "maria-lopes"' in err and 'did you mean "maria-lopez"?' in err
    code, _, err = invoke("--book", book, "rename", "maria-g", "maria-g")
    assert code == 2 and "same id" in err
    code, _, err = invoke("--book", book, "rename", "maria-lopez", "tom-reed")
    assert code == 1 and "would merge two people's histories" in err


def test_check_without_history_creates_no_state_file(book: Path, state: Path) -> None:
    code, out, err = invoke("--book", book, "check")
    assert (code, out) == (0, "") and "0 warnings" in err
    assert not state.exists()


def test_check_reports_an_unreadable_state_file_as_a_warning(book: Path, state: Path) -> None:
    state.write_text("not a database\n", encoding="utf-8")
    code, out, err = invoke("--book", book, "check")
    assert code == 0
    assert f"{state}: warning: {state} is not an introducer state file" in out
    assert "1 warning" in err


# ── draft --record ───────────────────────────────────────────────────────────

def test_draft_record_records_the_introduction(book: Path, tmp_path: Path) -> None:
    code, out, err = invoke("--book", book, "draft", "maria", "tom", "--record")
    assert code == 0, err
    assert out == f"{Path('drafts') / 'maria-lopez--tom-reed-2026-11-23.eml'}\n"
    assert (tmp_path / "drafts" / "maria-lopez--tom-reed-2026-11-23.eml").is_file()
    assert "recorded: introduced Maria Lopez and Tom Reed on 2026-11-23" in err
    assert "introduced Maria Lopez and Tom Reed" in timeline(book)[1]


def test_draft_opt_in_record_records_the_ask(book: Path) -> None:
    code, out, err = invoke("--book", book, "draft", "priya", "jorge", "--opt-in", "--record",
                            "--stdout")
    assert code == 0, err
    assert out.count("Subject:") == 2
    entries = json.loads(export(book))["entries"]
    assert [(e["kind"], e["a"], e["b"]) for e in entries] == [
        ("asked", "jorge-alvarez", "priya-shah")]


def test_draft_top_record_records_every_pair(book: Path) -> None:
    code, out, err = invoke("--book", book, "draft", "--top", "2", "--record", "--mailto")
    assert code == 0, err
    assert len(out.splitlines()) == 2
    entries = json.loads(export(book))["entries"]
    assert len(entries) == 2 and {e["kind"] for e in entries} == {"introduced"}
    assert err.count("recorded: introduced") == 2


def test_draft_record_dry_run_records_nothing(book: Path, state: Path, tmp_path: Path) -> None:
    code, _, err = invoke("--book", book, "draft", "maria", "tom", "--record", "--dry-run")
    assert code == 0, err
    assert "dry run: would record 1 introduction; nothing was recorded" in err
    assert not state.exists() and not (tmp_path / "drafts").exists()


def test_draft_follow_up_record_is_usage_error(book: Path, state: Path) -> None:
    code, _, err = invoke("--book", book, "draft", "maria", "tom", "--follow-up", "--record")
    assert code == 2 and "--record records introductions and asks" in err
    assert not state.exists()


def test_draft_record_with_broken_state_writes_no_drafts(book: Path, state: Path,
                                                         tmp_path: Path) -> None:
    state.write_bytes(b"garbage" * 100)
    code, out, err = invoke("--book", book, "draft", "maria", "tom", "--record")
    assert code == 1 and out == ""
    assert "is not an introducer state file" in err
    assert not (tmp_path / "drafts").exists()


def test_draft_without_record_records_nothing(book: Path, state: Path) -> None:
    assert invoke("--book", book, "draft", "maria", "tom")[0] == 0
    assert not state.exists()


# ── where the state file is ──────────────────────────────────────────────────

def test_state_flag_global_flag_and_environment(book: Path, state: Path, tmp_path: Path) -> None:
    by_flag, by_global, by_env = (tmp_path / n for n in ("flag.db", "global.db", "env.db"))
    ok("--book", book, "record", "maria", "tom", "--state", by_flag)
    ok("--book", book, "--state", by_global, "record", "maria", "priya")
    code, _, err = invoke("--book", book, "record", "maria", "jorge",
                          env={"INTRODUCER_STATE": str(by_env)})
    assert code == 0, err
    assert not state.exists()
    for path, other in ((by_flag, "Tom Reed"), (by_global, "Priya Shah"),
                        (by_env, "Jorge Alvarez")):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        lines = timeline(book, "--state", path)
        assert len(lines) == 2 and other in lines[1]
    # The command's flag beats the environment.
    code, out, _ = invoke("--book", book, "history", "--state", by_flag, "--format", "json",
                          env={"INTRODUCER_STATE": str(by_env)})
    assert json.loads(out)["entries"][0]["b"] == "tom-reed"


@pytest.mark.parametrize("command", [["record", "maria", "tom"], ["history"], ["undo"],
                                     ["outcome", "maria", "tom", "met"]])
def test_state_file_that_is_not_sqlite_or_a_folder(book: Path, state: Path,
                                                    command: list[str]) -> None:
    state.write_text("contacts: []\n", encoding="utf-8")
    code, out, err = invoke("--book", book, *command)
    assert (code, out) == (1, "")
    assert err.startswith(f"error: {state} is not an introducer state file")
    assert "Traceback" not in err and len(err.splitlines()) == 1
    state.unlink()
    state.mkdir()
    code, out, err = invoke("--book", book, *command)
    assert (code, out) == (1, "")
    assert err == f"error: {state} is a directory, not a state file\n"


def test_state_file_from_a_newer_introducer(book: Path, state: Path) -> None:
    ok("--book", book, "record", "maria", "tom")
    with sqlite3.connect(state) as db:
        db.execute("INSERT INTO migrations VALUES (99, 'future', '2030-01-01T00:00:00Z')")
    code, _, err = invoke("--book", book, "history")
    assert code == 1 and "written by a newer introducer" in err and state.name in err


def test_state_in_a_missing_folder(book: Path, tmp_path: Path) -> None:
    code, _, err = invoke("--book", book, "record", "maria", "tom", "--state",
                          tmp_path / "nowhere" / "state.db")
    assert code == 1 and "its folder does not exist" in err


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes anywhere")
def test_state_in_an_unwritable_folder(book: Path, tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    code, _, err = invoke("--book", book, "record", "maria", "tom", "--state",
                          locked / "state.db")
    assert code == 1 and "cannot create the state file" in err and "Traceback" not in err


# ── paths ────────────────────────────────────────────────────────────────────

def test_paths_without_any_book(tmp_path: Path) -> None:
    code, out, err = invoke("paths", "--format", "json")
    assert code == 0
    places = json.loads(out)
    assert places["version"] == 1 and places["cwd"] == str(tmp_path)
    user_book = tmp_path / "config" / "introducer" / "contacts.yaml"
    assert places["paths"]["book"] == {"path": str(tmp_path / "contacts.yaml"), "exists": False,
                                       "source": f"default: not found (nor at {user_book})"}
    assert places["paths"]["state"]["path"] == str(tmp_path / "contacts.introducer.sqlite3")
    assert places["paths"]["drafts"] == {"path": str(tmp_path / "drafts"), "exists": False,
                                         "source": "default (draft --out DIR changes it)"}
    assert "no contact book at" in err and "introducer init" in err
    assert not (tmp_path / "contacts.introducer.sqlite3").exists()


def test_paths_table_says_how_each_was_chosen(book: Path, state: Path, tmp_path: Path) -> None:
    ok("--book", book, "record", "maria", "tom")
    code, out, err = invoke("paths", env={"INTRODUCER_BOOK": str(book)})
    assert code == 0 and err == ""
    rows = {line.split()[0]: line for line in out.splitlines()[1:]}
    assert str(book) in rows["book"] and rows["book"].endswith("$INTRODUCER_BOOK")
    assert str(state) in rows["state"] and "yes" in rows["state"]
    assert rows["state"].endswith("default: beside the book")
    assert rows["working"].startswith(f"working folder  {tmp_path}")
    elsewhere = tmp_path / "elsewhere.db"
    code, out, _ = invoke("paths", "--format", "json", "--book", book,
                          env={"INTRODUCER_STATE": str(elsewhere)})
    assert json.loads(out)["paths"]["state"] == {
        "path": str(elsewhere), "exists": False, "source": "$INTRODUCER_STATE"}
    code, out, _ = invoke("--state", "rel.db", "paths", "--format", "json", "--book", book)
    assert json.loads(out)["paths"]["state"]["path"] == str(tmp_path / "rel.db")
    assert json.loads(out)["paths"]["state"]["source"] == "--state"


# ── real processes, as cron runs them ────────────────────────────────────────

CRON_ENV = {"PATH": "/usr/bin:/bin", "LANG": "C", "LC_ALL": "C", "INTRODUCER_TODAY": "2026-11-23"}


def run(args: list[str | Path], cwd: Path) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "introducer", *map(str, args)], cwd=cwd,
                          env={**CRON_ENV, "XDG_CACHE_HOME": os.environ["XDG_CACHE_HOME"]},
                          stdin=subprocess.DEVNULL, capture_output=True,
                          timeout=60, check=False)


def test_cron_records_and_exports_in_plain_utf8(write_book: BookWriter, tmp_path: Path) -> None:
    book = write_book([dict(PEOPLE[0], name="Zoë Ødegaard"), *PEOPLE[1:]], me=ME)
    home = tmp_path / "cron-home"
    home.mkdir()
    done = run(["--book", book, "record", "zoe", "tom", "--note", "café ✓"], home)
    assert done.returncode == 0, done.stderr
    assert done.stdout == b""
    assert done.stderr.decode("utf-8") == ("recorded: introduced Zoë Ødegaard and Tom Reed on "
                                           "2026-11-23\n")
    assert book.with_name("contacts.introducer.sqlite3").is_file(), "beside the book, not cwd"
    assert not list(home.iterdir())
    done = run(["--book", book, "history", "--format", "json"], home)
    entries = json.loads(done.stdout.decode("utf-8"))["entries"]
    assert entries[0]["note"] == "café ✓" and entries[0]["a"] == "tom-reed"
    for encoding in ("ascii", "latin-1"):  # even a locale that cannot spell it: UTF-8 CSV
        done = subprocess.run(
            [sys.executable, "-m", "introducer", "--book", str(book), "history", "--format",
             "csv"], cwd=home, env={**CRON_ENV, "PYTHONIOENCODING": encoding,
                                            "XDG_CACHE_HOME": os.environ["XDG_CACHE_HOME"]},
            stdin=subprocess.DEVNULL, capture_output=True, timeout=60, check=False)
        assert done.returncode == 0, done.stderr
        rows = list(csv.DictReader(io.StringIO(done.stdout.decode("utf-8"))))
        assert rows[0]["note"] == "café ✓", encoding
    done = run(["--book", book, "paths", "--format", "json"], home)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["paths"]["drafts"]["path"] == str(home / "drafts")


def test_cron_broken_state_is_one_line_exit_1(write_book: BookWriter, tmp_path: Path) -> None:
    book = write_book(PEOPLE, me=ME)
    state = book.with_name("contacts.introducer.sqlite3")
    state.write_bytes(b"\x00" * 4096)
    done = run(["--book", book, "history"], tmp_path)
    assert done.returncode == 1 and done.stdout == b""
    assert done.stderr.decode().startswith(f"error: {state} is not an introducer state file")
    assert len(done.stderr.splitlines()) == 1
