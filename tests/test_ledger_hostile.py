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
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
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
        "entry 1: date 9999-12-31 is after 2999-12-31, the last day introducer keeps"),
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
                    "entry 1: kind '" + "x" * 35 + "...' is not one of"),
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


@pytest.mark.parametrize("column", ["kind", "a", "b", "date", "recorded_at"])
def test_a_null_where_the_schema_no_longer_forbids_one(book: Path, state: Path,
                                                       column: str) -> None:
    """A file whose entries table was rebuilt without NOT NULL (by hand, or another tool)."""
    edit(state, "ALTER TABLE entries RENAME TO old; CREATE TABLE entries (id INTEGER PRIMARY "
                "KEY, kind, a, b, date, result, value, until, note, recorded_at, undone_at); "
                f"INSERT INTO entries SELECT * FROM old; DROP TABLE old; "
                f"UPDATE entries SET {column} = NULL WHERE id = 1;")
    code, _, err = invoke("--book", book, "history", "--format", "json")
    assert one_error(code, err).startswith(f"error: {state}: entry 1: {column} is missing (")


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


# ── import-history: hostile export files ─────────────────────────────────────

GOOD = {"kind": "introduced", "a": "maria-lopez", "b": "tom-reed", "date": "2026-11-20",
        "recorded_at": "2026-11-20T09:00:00Z"}


def export_file(tmp_path: Path, *entries: dict[str, object], name: str = "backup.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps({"version": 1, "entries": list(entries)}), encoding="utf-8")
    return path


def import_problem(book: Path, path: Path) -> str:
    """The one problem line of a refused import; nothing may have been written."""
    code, out, err = invoke("--book", book, "import-history", path)
    assert code == 1 and out == "", err
    assert "Traceback" not in err and "internal error" not in err, err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert not book.with_name("contacts.introducer.sqlite3").exists()
    return lines[0]


REFUSED = {
    "an id with a line break": ({"a": "ann\nbob"}, "entry 1: a 'ann\\nbob' is not a contact id"),
    "an id with an escape code": ({"b": "x\x1b[2J"}, "entry 1: b 'x\\x1b[2J' is not a contact id"),
    "an id with a right-to-left override": ({"b": "x\u202eevil"},
                                           "entry 1: b 'x\\u202eevil' is not a contact id"),
    "a NUL for an id": ({"a": "\x00"}, "entry 1: a '\\x00' is not a contact id"),
    "a pair of one": ({"b": "maria-lopez"}, "entry 1: a and b are the same contact "
                                            "(maria-lopez); a pair needs two people"),
    "the last day Python knows": ({"date": "9999-12-31"}, "entry 1: date 9999-12-31 is after "
                                  "2999-12-31, the last day introducer keeps"),
    "an id beyond SQLite": ({"id": 2**70}, "entry 1: id 1180591620717411303424 is not a whole "
                            "number from 1 to 9007199254740992"),
    "the last id SQLite has": ({"id": 2**63 - 1}, "entry 1: id 9223372036854775807 is not"),
    "a 400-digit value": ({"kind": "outcome", "result": "business", "value": 10**400},
                          "entry 1: value 1" + "0" * 35 + "... is not a finite number"),
    "a negative value": ({"kind": "outcome", "result": "business", "value": -5},
                         "entry 1: value -5 is not a number from 0 to 1e+15"),
    "a value beyond any deal": ({"kind": "outcome", "result": "business", "value": 1e308},
                                "entry 1: value 1e+308 is not a number from 0 to 1e+15"),
    "a recorded time that is no time": ({"recorded_at": "garbage"},
                                        "entry 1: recorded_at 'garbage' is not a time"),
    "an undone time that is a number": ({"undone_at": 12}, "entry 1: undone_at '12' is not a"),
    "a result on an introduction": ({"result": "met"},
                                    "entry 1: result goes only with kind outcome"),
}


@pytest.mark.parametrize("case", REFUSED, ids=str)
def test_an_entry_introducer_could_never_have_written_is_refused(
    book: Path, tmp_path: Path, case: str
) -> None:
    """Before: each of these was imported, and then either crashed every later command (an
    OverflowError from a date near 9999, a value summing to infinity in `stats` JSON, no id
    left for the next `record`), crashed the import itself, or printed a raw line break in
    the warning that followed."""
    change, expected = REFUSED[case]
    path = export_file(tmp_path, {**GOOD, **change})
    assert import_problem(book, path).startswith(f"{path}: {expected}")


@pytest.mark.parametrize(("text", "expected"), [
    ('{"version": 1, "entries": ' + "[" * 100_000 + "]" * 100_000 + "}",
     "not a history export: nested too deeply"),
    ('{"version": 1, "entries": [{"a": ' * 5_000 + "1" + "}]" * 5_000 + "}",
     "not a history export: nested too deeply"),
    ('{"version": 1, "entries": [{"id": ' + "9" * 5000 + "}]}",
     "not a history export: a number too long to read"),
])
def test_json_that_python_cannot_hold(book: Path, tmp_path: Path, text: str,
                                      expected: str) -> None:
    """Before: `internal error: RecursionError`, and `ValueError: Exceeds the limit (4300
    digits)`."""
    path = tmp_path / "backup.json"
    path.write_text(text, encoding="utf-8")
    assert import_problem(book, path) == f"{path}: {expected}"


def test_utf16_is_named(book: Path, tmp_path: Path) -> None:
    path = tmp_path / "backup.json"
    path.write_bytes(json.dumps({"version": 1, "entries": [GOOD]}).encode("utf-16"))
    assert import_problem(book, path) == f"{path}:1: is UTF-16 text; save it as UTF-8"


def test_a_device_is_refused_not_read_forever(book: Path) -> None:
    """Before: `import-history /dev/zero` read until memory ran out."""
    assert import_problem(book, Path("/dev/zero")) == \
        "error: /dev/zero: is a device, not a history export"


def test_a_pipe_nobody_writes_to_reads_as_empty(book: Path, tmp_path: Path) -> None:
    """Before: the import waited for a writer for ever (a cron job hung)."""
    fifo = tmp_path / "backup.fifo"
    os.mkfifo(fifo)
    line = import_problem(book, fifo)
    assert line.startswith(f"{fifo}:1: not a history export")


def test_more_than_the_limit_is_refused(book: Path, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from introducer import fileio

    monkeypatch.setattr(fileio, "MAX_INPUT_BYTES", 100)
    monkeypatch.setattr(fileio.read_input, "__defaults__", (100,))
    path = export_file(tmp_path, GOOD, GOOD)
    assert import_problem(book, path) == \
        f"error: {path}: is larger than 0 MB; that cannot be a history export"


def test_contacts_import_refuses_a_device_too(book: Path) -> None:
    """`import vcard /dev/zero` read for ever as well."""
    code, _, err = invoke("--book", book, "import", "vcard", "/dev/zero")
    assert one_error(code, err) == "error: /dev/zero: is a device, not an export file"


def test_a_ten_megabyte_note_round_trips_through_json_and_csv(
    book: Path, tmp_path: Path
) -> None:
    """Before: the CSV export of a note over 128 KB could not be imported back ("field
    larger than field limit (131072)"): a backup that did not restore."""
    import csv

    note = "x" * 10_000_000
    path = export_file(tmp_path, {**GOOD, "note": note})
    code, _, err = invoke("--book", book, "import-history", path)
    assert code == 0, err
    code, out, err = invoke("--book", book, "history", "--format", "json")
    assert code == 0, err
    assert json.loads(out)["entries"][0]["note"] == note
    code, exported, err = invoke("--book", book, "history", "--format", "csv")
    assert code == 0, err
    backup = tmp_path / "backup.csv"
    backup.write_text(exported, encoding="utf-8")
    fresh = tmp_path / "fresh.sqlite3"
    code, _, err = invoke("--book", book, "--state", fresh, "import-history", backup)
    assert code == 0, err
    assert invoke("--book", book, "--state", fresh, "history", "--format", "csv")[1] == exported
    assert csv.field_size_limit() == 131072  # put back for everyone else


# ── hostile values on the command line and in the environment ───────────────

@pytest.mark.parametrize(("args", "expected"), [
    (["record", "maria", "tom", "--date", "0001-01-01"],
     "error: --date 0001-01-01 is not a plausible date (use one from 1900-01-01 to 2999-12-31)"),
    (["snooze", "maria", "tom", "--until", "9999-12-31"],
     "error: --until 9999-12-31 is too far ahead (the latest is 2999-12-31); "
     "`introducer never A B` hides a pair for good"),
    (["snooze", "maria", "tom", "--for-days", "99999999999"],
     "error: --for-days 99999999999 goes past 2999-12-31; `introducer never A B` hides a pair "
     "for good"),
    (["snooze", "maria", "tom", "--for-days", "3000000"],
     "error: --for-days 3000000 goes past 2999-12-31; `introducer never A B` hides a pair "
     "for good"),
    (["outcome", "maria", "tom", "business", "--value", "1e308"],
     "error: --value 1e+308 must be a number from 0 to 1e+15"),
    (["outcome", "maria", "tom", "business", "--value", "inf"],
     "error: --value inf must be a number from 0 to 1e+15"),
    (["rename", " ", "maria-lopez"], "error: OLD and NEW must be contact ids, not blank"),
], ids=lambda value: " ".join(value) if isinstance(value, list) else "")
def test_a_value_the_ledger_cannot_keep_is_a_usage_error(
    book: Path, args: list[str], expected: str
) -> None:
    """Before: `--date 0001-01-01` and `--until 9999-12-31` were recorded (and the latter
    crashed `followups` later); `--for-days` past Python's calendar was `internal error:
    OverflowError`; two `--value 1e308` made `stats --format json` print `Infinity`, which
    is not JSON; a blank OLD said `no history for ""`."""
    code, _, err = invoke("--book", book, *args)
    assert one_error(code, err, expected=2) == expected
    assert not book.with_name("contacts.introducer.sqlite3").exists()


def test_a_value_of_minus_zero_is_zero(book: Path) -> None:
    code, _, err = invoke("--book", book, "outcome", "maria", "tom", "business", "--value", "-0")
    assert code == 0, err
    assert "business (value 0) on" in err and "-0" not in err


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
@pytest.mark.parametrize("args", [["stats"], ["snooze", "maria", "tom", "--for-days", "30"],
                                  ["today", "--format", "json"], ["followups", "--all"]],
                         ids=" ".join)
def test_introducer_today_outside_the_calendar(book: Path, state: Path, day: str,
                                               args: list[str]) -> None:
    """Before: `internal error: OverflowError: date value out of range`."""
    code, _, err = invoke("--book", book, *args, env={"INTRODUCER_TODAY": day})
    assert one_error(code, err, expected=2) == (
        f"error: $INTRODUCER_TODAY {day} is not a plausible date "
        "(use one from 1900-01-01 to 2999-12-31)")


@pytest.mark.parametrize("day", ["20261123", "2026-W48-1", "2026-11-23T09:00", " 2026-11-23"])
def test_introducer_today_is_strict_iso_like_every_other_date(book: Path, day: str) -> None:
    """`--date 20261123` is refused; `$INTRODUCER_TODAY=20261123` used to be taken."""
    code, _, err = invoke("--book", book, "stats", env={"INTRODUCER_TODAY": day})
    assert one_error(code, err, expected=2) == (
        f"error: $INTRODUCER_TODAY={day!r} is not a date (use YYYY-MM-DD)")


def test_the_edges_of_the_calendar_work(book: Path, state: Path) -> None:
    for day in ("1900-01-01", "2999-12-31"):
        for args in (["stats", "--format", "json"], ["today", "--format", "json"],
                     ["followups", "--all", "--format", "json"]):
            code, out, err = invoke("--book", book, *args, env={"INTRODUCER_TODAY": day})
            assert code == 0, err
            assert out == "" or json.loads(out)["version"] == 1
    code, _, err = invoke("--book", book, "snooze", "maria", "priya", "--until", "2999-12-31")
    assert code == 0, err


def test_what_older_versions_let_the_command_line_write_is_still_read_and_restored(
    book: Path, state: Path, tmp_path: Path
) -> None:
    """Before this version, `--date 0026-11-23` (a typo) and `--until 9999-12-31` were
    recorded. They are harmless, so a state file holding them still works, and its backup
    still restores: the stricter checks are for what is typed now."""
    edit(state, "UPDATE entries SET date = '0026-11-23' WHERE id = 1; "
                "INSERT INTO entries (kind, a, b, date, until, recorded_at) VALUES ('snoozed', "
                "'maria-lopez', 'priya-shah', '2026-11-23', '9999-12-31', '2026-11-23T09:00:00Z')")
    for args in READERS:
        code, out, err = invoke("--book", book, *args)
        assert code == 0, (args, err)
    backup = tmp_path / "backup.json"
    backup.write_text(invoke("--book", book, "history", "--format", "json")[1], encoding="utf-8")
    fresh = tmp_path / "fresh.sqlite3"
    code, _, err = invoke("--book", book, "--state", fresh, "import-history", backup)
    assert code == 0, err
    code, out, _ = invoke("--book", book, "--state", fresh, "history", "--format", "json")
    assert out == backup.read_text(encoding="utf-8")


# ── what reaches a terminal, and a reader that goes away ─────────────────────

HOSTILE_NOTE = "\x1b[2J\rspoof\u202eevil\x07"


def run_on_terminal(args: list[str | Path], cwd: Path) -> bytes:
    """Everything a real terminal would receive from `introducer ARGS` (stdout and stderr)."""
    pty = pytest.importorskip("pty")
    import select
    import subprocess
    import sys

    leader, follower = pty.openpty()
    env = {**os.environ, "INTRODUCER_TODAY": "2026-11-23", "NO_COLOR": "1"}
    child = subprocess.Popen([sys.executable, "-m", "introducer", *map(str, args)], cwd=cwd,
                             stdin=follower, stdout=follower, stderr=follower, env=env)
    os.close(follower)
    received = b""
    try:
        while select.select([leader], [], [], 30)[0]:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the child is gone (EIO on Linux)
                break
            if not chunk:
                break
            received += chunk
    finally:
        os.close(leader)
        child.wait(timeout=30)
    return received


@pytest.mark.parametrize("args", [["history", "--format", "csv"], ["history", "--format", "json"],
                                  ["history"], ["history", "--all", "--format", "markdown"]],
                         ids=" ".join)
def test_escape_codes_in_a_note_never_reach_a_terminal_raw(
    book: Path, state: Path, tmp_path: Path, args: list[str]
) -> None:
    """Before: `history --format csv` sent the note's lone carriage return to the terminal
    (the cursor jumps back and the rest overwrites what was shown), and `--format json`
    its right-to-left override (which reverses the rest of the line on screen)."""
    code, _, err = invoke("--book", book, "record", "maria", "priya", "--note", HOSTILE_NOTE)
    assert code == 0, err
    shown = run_on_terminal(["--book", book, *args], tmp_path)
    assert b"spoof" in shown
    for raw in (b"\x1b[2J", b"\x07", "\u202e".encode()):
        assert raw not in shown, (raw, shown)
    assert b"\r" not in shown.replace(b"\r\n", b""), shown  # the terminal's own CRLF aside


def test_json_escapes_bidi_controls_yet_means_the_same(book: Path, state: Path) -> None:
    code, _, err = invoke("--book", book, "record", "maria", "priya", "--note", HOSTILE_NOTE)
    assert code == 0, err
    code, out, err = invoke("--book", book, "history", "--format", "json")
    assert code == 0, err
    assert "\u202e" not in out and "\\u202e" in out
    assert [e["note"] for e in json.loads(out)["entries"] if e["note"]] == [HOSTILE_NOTE]


@pytest.mark.parametrize("args", [["today"], ["stats"], ["history", "--all"],
                                  ["followups", "--all"], ["history", "--format", "json"],
                                  ["suggest"]], ids=" ".join)
def test_a_reader_gone_before_the_output_ends_quietly_with_141(
    book: Path, state: Path, tmp_path: Path, args: list[str]
) -> None:
    """Before: exit status 1 (click's own broken-pipe handling, inside Typer), which a
    script reads as a data error; docs/scripting.md promises 141, as a shell gives."""
    import subprocess
    import sys

    reader, writer = os.pipe()
    os.close(reader)  # `| head -1` that has already read its line and gone
    try:
        done = subprocess.run([sys.executable, "-m", "introducer", "--book", str(book), *args],
                              cwd=tmp_path, stdout=writer, stderr=subprocess.PIPE, timeout=60,
                              env={**os.environ, "INTRODUCER_TODAY": "2026-11-23"}, check=False)
    finally:
        os.close(writer)
    assert done.returncode == 141, done.stderr
    assert b"Traceback" not in done.stderr and b"error" not in done.stderr


# ── fuzz: any row changed any way is a clean answer ──────────────────────────

COLUMNS = ("id", "kind", "a", "b", "date", "result", "value", "until", "note", "recorded_at",
           "undone_at")
FUZZ_COMMANDS = [["today", "--format", "json"], ["followups"], ["history"], ["stats"],
                 ["suggest"]]
_fuzz_template: list[tuple[Path, bytes]] = []


def _template() -> tuple[Path, bytes]:
    """A book and a state file with one entry of every kind (built once per test run)."""
    if not _fuzz_template:
        import tempfile

        import yaml

        folder = Path(tempfile.mkdtemp(prefix="introducer-fuzz-"))
        book = folder / "contacts.yaml"
        book.write_text(yaml.safe_dump({"contacts": PEOPLE}), encoding="utf-8")
        state = folder / "state.sqlite3"
        for args in (["record", "maria", "tom", "--note", "coffee"],
                     ["record", "tom", "priya", "--asked"],
                     ["outcome", "maria", "tom", "business", "--value", "1500"],
                     ["outcome", "tom", "priya", "accepted"],
                     ["snooze", "maria", "priya", "--for-days", "30"],
                     ["never", "priya", "maria"], ["received", "priya", "--to", "tom"],
                     ["contacted", "maria"], ["today"], ["undo"]):
            code, _, err = invoke("--book", book, "--state", state, *args,
                                  env={"INTRODUCER_TODAY": "2026-11-23"})
            assert code == 0, (args, err)
        with closing(sqlite3.connect(state)) as db:
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        _fuzz_template.append((book, state.read_bytes()))
    return _fuzz_template[0]


def _hostile_values() -> st.SearchStrategy[object]:
    return st.one_of(
        st.none(),
        st.integers(min_value=-(2**63), max_value=2**63 - 1),
        st.floats(),  # nan and infinities included
        st.text(max_size=20),
        st.binary(max_size=8),
        st.sampled_from(["2026-13-45", "9999-12-31", "0001-01-01", "2026-11-23T10:00:00",
                         "20261123", "", " ", "introduced", "outcome", "snoozed", "suggested",
                         "renamed", "business", "maria-lopez", "tom-reed", "x\x1b[2J",
                         "\u202e", "\x00", "1e308", "-1", "2026-11-23T09:00:00Z", "x" * 5000]),
    )


MUTATION = st.one_of(
    st.tuples(st.just("set"), st.integers(1, 12), st.sampled_from(COLUMNS),
              _hostile_values()),
    st.tuples(st.just("delete"), st.integers(1, 12), st.none(), st.none()),
    st.tuples(st.just("copy"), st.integers(1, 12), st.none(), st.none()),
)


@settings(max_examples=40,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(changes=st.lists(MUTATION, min_size=1, max_size=3))
@example(changes=[("set", 2, "id", 2**63 - 1), ("copy", 1, None, None)])
def test_fuzzed_rows_never_crash_a_reader(
    tmp_path_factory: pytest.TempPathFactory,
    changes: list[tuple[str, int, str | None, object]],
) -> None:
    """Rows changed in SQLite directly, any column to any value: every reader exits 0,
    or 1 with one `error:` line; never a traceback, never invalid JSON."""
    book, template = _template()
    state = tmp_path_factory.mktemp("fuzz") / "state.sqlite3"
    state.write_bytes(template)
    with closing(sqlite3.connect(state)) as db:
        for action, row, column, value in changes:
            try:
                if action == "set":
                    db.execute(f"UPDATE entries SET {column} = ? WHERE id = ?", (value, row))
                elif action == "delete":
                    db.execute("DELETE FROM entries WHERE id = ?", (row,))
                else:
                    db.execute(f"INSERT INTO entries ({', '.join(COLUMNS[1:])}) SELECT "
                               f"{', '.join(COLUMNS[1:])} FROM entries WHERE id = ?", (row,))
            except (sqlite3.IntegrityError, sqlite3.DataError, OverflowError):
                continue  # NOT NULL, a unique suggestion, a text id: SQLite says no
            except sqlite3.InterfaceError:  # a NaN or a value sqlite3 cannot bind
                continue
            except sqlite3.OperationalError as error:  # no id left after the largest
                if "full" not in str(error):
                    raise
                continue
        db.commit()
    for args in FUZZ_COMMANDS:
        code, out, err = invoke("--book", book, "--state", state, *args,
                                env={"INTRODUCER_TODAY": "2026-11-23"})
        assert "Traceback" not in err and "internal error" not in err, (args, err)
        assert code in (0, 1), (args, code, err)
        if code == 1:
            one_error(code, err)
            assert out == "", (args, out)
        elif args[-1] == "json" and out:
            json.loads(out, parse_constant=lambda name: pytest.fail(f"{name} in JSON"))
