"""A hostile or damaged state file, export file, flag or environment: one clear line, no crash.

Each test here failed before its fix: a traceback or an `internal error`, a hang, a
misleading message, or a file written that was not introducer's to write.
"""

from __future__ import annotations

import json
import os
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from typer.testing import CliRunner

from introducer.cli.app import app
from tests.conftest import BookWriter

runner = CliRunner()
PEOPLE = [
    {"name": "Maria Lopez", "business": "divorce mediator", "clients": ["divorcing couples"]},
    {"name": "Tom Reed", "business": "matrimonial attorney", "clients": ["divorcing couples"]},
    {"name": "Priya Shah", "business": "family therapist", "clients": ["divorcing couples"]},
]
#: The commands that read the history, as a person and as cron run them.
READERS = [["today", "--format", "json"], ["followups"], ["history"], ["stats"], ["suggest"],
           ["history", "--format", "json"], ["record", "maria", "priya"], ["undo"]]


def invoke(*args: str | Path, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, [str(a) for a in args], env=env)
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        result.exception
    return result.exit_code, result.stdout, result.stderr


def one_error(code: int, err: str, expected: int = 1) -> str:
    """The single `error:` line of a failed command."""
    assert code == expected, err
    assert "Traceback" not in err and "internal error" not in err, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    return lines[0]


@pytest.fixture
def book(write_book: BookWriter) -> Path:
    return write_book(PEOPLE)


@pytest.fixture
def state(book: Path) -> Path:
    """A state file with a little history: an introduction, an ask, a referral."""
    path = book.with_name("contacts.introducer.sqlite3")
    for args in (["record", "maria", "tom"], ["record", "tom", "priya", "--asked"],
                 ["received", "priya"]):
        code, _, err = invoke("--book", book, *args)
        assert code == 0, err
    return path


def edit(path: Path, sql: str) -> None:
    with closing(sqlite3.connect(path)) as db:
        db.executescript(sql)
        db.commit()


# ── files that are not a state file at all ───────────────────────────────────

@pytest.mark.parametrize("args", READERS, ids=" ".join)
def test_another_programs_database_is_refused_and_left_untouched(
    book: Path, tmp_path: Path, args: list[str]
) -> None:
    """Before: introducer added its tables (and WAL) to it, or said "table entries already
    exists"."""
    other = tmp_path / "notes.db"
    edit(other, "CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('mine');")
    before = other.read_bytes()
    code, _, err = invoke("--book", book, "--state", other, *args)
    line = one_error(code, err)
    assert line == (f"error: {other} is not an introducer state file: it is another program's "
                    "SQLite database (tables: notes); left as it was")
    assert other.read_bytes() == before
    assert not (tmp_path / "notes.db-wal").exists()


def test_a_foreign_entries_table_is_not_taken_for_ours(book: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    edit(other, "CREATE TABLE entries (id INTEGER PRIMARY KEY, title TEXT);")
    code, _, err = invoke("--book", book, "--state", other, "record", "maria", "tom")
    assert "another program's SQLite database (tables: entries)" in one_error(code, err)


def test_a_foreign_migrations_table_is_not_a_newer_introducer(book: Path, tmp_path: Path) -> None:
    """A migrations table is a common name; its versions are not ours to read."""
    other = tmp_path / "other.db"
    edit(other, "CREATE TABLE migrations (version INTEGER PRIMARY KEY, name TEXT, "
                "applied_at TEXT); INSERT INTO migrations VALUES (20230101, 'init', 'x');")
    code, _, err = invoke("--book", book, "--state", other, "history")
    line = one_error(code, err)
    assert "another program's SQLite database" in line and "newer" not in line


def test_a_state_file_whose_entries_table_lost_a_column(book: Path, state: Path) -> None:
    edit(state, "ALTER TABLE entries DROP COLUMN note;")
    code, _, err = invoke("--book", book, "history")
    assert one_error(code, err) == (f"error: {state} is not an introducer state file: "
                                    "its entries table has no note column")


@pytest.mark.parametrize("device", ["/dev/null", "/dev/zero"])
@pytest.mark.parametrize("args", [["history"], ["record", "maria", "tom"]], ids=" ".join)
def test_a_device_is_refused_before_sqlite_touches_it(
    book: Path, device: str, args: list[str]
) -> None:
    """Before: "disk I/O error", and SQLite left /dev/null-journal behind (as root)."""
    journal = Path(device + "-journal")
    existed = journal.exists()
    code, _, err = invoke("--book", book, "--state", device, *args)
    assert one_error(code, err) == (f"error: {device} is a device, not a state file "
                                    "(--state and $INTRODUCER_STATE name a regular file)")
    assert journal.exists() == existed


def test_a_named_pipe_is_refused_without_blocking(book: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "state.fifo"
    os.mkfifo(fifo)
    code, _, err = invoke("--book", book, "--state", fifo, "today", "--format", "json")
    assert "is a named pipe, not a state file" in one_error(code, err)


def test_a_symlink_loop_is_named_as_one(book: Path, tmp_path: Path) -> None:
    (tmp_path / "a.db").symlink_to(tmp_path / "b.db")
    (tmp_path / "b.db").symlink_to(tmp_path / "a.db")
    code, _, err = invoke("--book", book, "--state", tmp_path / "a.db", "followups")
    assert one_error(code, err) == (f"error: {tmp_path / 'a.db'} is a symbolic link that loops "
                                    "back on itself, not a state file")


def test_a_wal_companion_that_is_a_folder(book: Path, state: Path) -> None:
    """Before: "unable to open database file", naming neither the culprit nor a cause."""
    for suffix in ("-wal", "-shm"):
        state.with_name(state.name + suffix).unlink(missing_ok=True)
    state.with_name(state.name + "-wal").mkdir()
    code, _, err = invoke("--book", book, "history")
    assert one_error(code, err) == (
        f"error: the state file {state} cannot be opened: {state}-wal is not a regular file "
        "(SQLite keeps its journal there)")


# ── rows edited or damaged outside introducer ────────────────────────────────

DAMAGE = {
    "a date that is no date": ("UPDATE entries SET date = '2026-13-45' WHERE id = 1",
                               "entry 1: date '2026-13-45' is not a date (YYYY-MM-DD)"),
    "a date and time": ("UPDATE entries SET date = '2026-11-23T10:00:00' WHERE id = 1",
                        "entry 1: date '2026-11-23T10:00:00' is not a date (YYYY-MM-DD)"),
    "the last day Python knows": (
        "UPDATE entries SET date = '9999-12-31' WHERE id = 1",
        "entry 1: date 9999-12-31 is outside the days introducer keeps "
        "(1900-01-01 to 2999-12-31)"),
    "an unknown kind": ("UPDATE entries SET kind = 'frobbed' WHERE id = 1",
                        "entry 1: kind 'frobbed' is not one of introduced, asked, outcome, "
                        "snoozed, never, received, suggested, renamed, contacted"),
    "bytes for an id": ("UPDATE entries SET b = x'00ff' WHERE id = 1",
                        "entry 1: b must be text, not bytes"),
    "an escape code in an id": ("UPDATE entries SET a = 'x' || char(27) || '[2J' WHERE id = 1",
                                "entry 1: a 'x\\x1b[2J' is not a contact id (an id has no "
                                "spaces or control characters)"),
    "a snooze that never ends": ("UPDATE entries SET kind = 'snoozed', until = 'soon' "
                                 "WHERE id = 1", "entry 1: until 'soon' is not a date"),
    "text for a value": ("UPDATE entries SET kind = 'outcome', result = 'business', "
                         "value = 'lots' WHERE id = 1", "entry 1: value 'lots' is not a number"),
    "an unknown result": ("UPDATE entries SET kind = 'outcome', result = 'wat' WHERE id = 1",
                          "entry 1: result 'wat' is not one of accepted"),
    "a negative id": ("UPDATE entries SET id = -5 WHERE id = 1",
                      "entry -5: id -5 is not a whole number from 1 to 9007199254740992"),
    "a recorded time that is no time": ("UPDATE entries SET recorded_at = 'whenever' "
                                        "WHERE id = 1", "entry 1: recorded_at 'whenever' is "
                                        "not a time"),
    "a 5 MB kind": ("UPDATE entries SET kind = printf('%.*c', 5000000, 'x') WHERE id = 1",
                    "entry 1: kind 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...' is not one of"),
}


@pytest.mark.parametrize("damage", DAMAGE, ids=str)
@pytest.mark.parametrize("args", READERS[:-1], ids=" ".join)  # `undo` reads only the newest
def test_a_damaged_row_is_one_error_naming_the_file_and_entry(
    book: Path, state: Path, damage: str, args: list[str]
) -> None:
    """Before: `internal error: ValueError` (or OverflowError, TypeError), or a traceback
    when the row reached the renderer; an unknown kind or result passed silently."""
    sql, expected = DAMAGE[damage]
    edit(state, sql)
    code, out, err = invoke("--book", book, *args)
    line = one_error(code, err)
    assert line.startswith(f"error: {state}: {expected}"), line
    assert line.endswith("(changed outside introducer? fix or delete that row, "
                         "or restore a backup)")
    assert out == ""


def test_check_reports_a_damaged_row_as_a_warning(book: Path, state: Path) -> None:
    edit(state, "UPDATE entries SET date = '2026-13-45' WHERE id = 1")
    code, out, err = invoke("--book", book, "check")
    assert code == 0, err
    assert f"{state}: warning: {state}: entry 1: date '2026-13-45' is not a date" in out


def test_a_row_with_a_nul_in_its_note_is_shown_escaped(book: Path, state: Path) -> None:
    """A note may hold anything the command line gave; it is shown, never acted on."""
    edit(state, "UPDATE entries SET note = 'a' || char(0) || char(27) || '[2J' WHERE id = 1")
    code, out, err = invoke("--book", book, "history")
    assert code == 0, err
    assert "a\\x00\\x1b[2J" in out and "\x1b" not in out
    code, out, err = invoke("--book", book, "history", "--format", "json")
    assert code == 0, err
    assert json.loads(out)["entries"][0]["note"] == "a\x00\x1b[2J"


def test_a_crash_leftover_wal_is_recovered(book: Path, state: Path, tmp_path: Path) -> None:
    """A process killed after its commit but before the checkpoint: the -wal holds the entry."""
    copy = tmp_path / "copy.sqlite3"
    db = sqlite3.connect(state, isolation_level=None)
    try:
        db.execute("PRAGMA wal_autocheckpoint = 0")
        db.execute("INSERT INTO entries (kind, a, b, date, recorded_at) VALUES "
                   "('never', 'maria-lopez', 'priya-shah', '2026-11-22', '2026-11-22T09:00:00Z')")
        for suffix in ("", "-wal", "-shm"):
            copy.with_name(copy.name + suffix).write_bytes(
                state.with_name(state.name + suffix).read_bytes())
    finally:
        db.close()
    assert copy.with_name(copy.name + "-wal").stat().st_size > 0
    code, out, err = invoke("--book", book, "--state", copy, "history")
    assert code == 0, err
    assert "never suggest Maria Lopez and Priya Shah" in out


def test_a_read_only_folder_is_named_as_the_cause(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before: `history` on a state file in a read-only folder said the file "cannot be
    written (read-only)": SQLite cannot create the -wal and -shm it needs even to read.
    (Seen as uid nobody; root writes anywhere, so the folder's answer is simulated.)"""
    from introducer.ledger import store

    path = tmp_path / "ro" / "state.sqlite3"
    monkeypatch.setattr(store.os, "access", lambda *_: False)
    error = store._state_error(path, sqlite3.OperationalError(
        "attempt to write a readonly database"))
    assert str(error) == (
        f"the state file {path} cannot be used: its folder {path.parent} is read-only, and "
        "SQLite needs to create state.sqlite3-wal and state.sqlite3-shm there (copy the file "
        "to a folder you can write to)")


def test_a_full_disk_behind_an_io_error_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before: "disk I/O error" (SQLite's word when the -shm cannot grow on a full disk)."""
    from introducer.ledger import store

    class Full:
        f_bavail = 0

    monkeypatch.setattr(store.os, "statvfs", lambda _: Full())
    error = store._state_error(tmp_path / "s.db", sqlite3.OperationalError("disk I/O error"))
    assert str(error) == f"the state file {tmp_path / 's.db'} cannot be used: the disk is full"
