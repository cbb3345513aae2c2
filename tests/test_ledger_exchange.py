"""History export and import (the backup story): export, import elsewhere, nothing lost."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import sqlite3
import tempfile
from contextlib import closing
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from introducer.errors import BookError
from introducer.ledger.entries import KINDS, MAX_VALUE, PAIR_KINDS, RESULTS, Entry
from introducer.ledger.exchange import COLUMNS, csv_rows, export_document, read_export, to_csv
from introducer.ledger.store import Ledger
from introducer.match.history import pair_key

DAY = dt.date(2026, 11, 23)


def to_json(entries: list[Entry]) -> str:
    """The JSON export as `history --format json` writes it."""
    return json.dumps(export_document(entries), ensure_ascii=False, indent=2) + "\n"


def write_csv(path: Path, entries: list[Entry], lineterminator: str = "\n") -> Path:
    """The export as `to_csv` writes it; with CRLF line ends, as a spreadsheet saves it."""
    if lineterminator == "\n":
        text = to_csv(entries)
    else:
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator=lineterminator).writerows(csv_rows(entries))
        text = buffer.getvalue()
    path.write_bytes(text.encode("utf-8"))
    return path


def write_json(path: Path, entries: list[Entry]) -> Path:
    path.write_text(to_json(entries), encoding="utf-8")
    return path


def export(ledger: Ledger) -> str:
    return to_json(ledger.entries(include_undone=True))


# -- strategies: entries as the store keeps them ----------------------------------------------

contact_ids = st.text("abcdefghijklmnopqrstuvwxyz0123456789-", min_size=1, max_size=6)
tricky = st.sampled_from([",", '"', "\n", "\r\n", "\r", ";", "'", "é", "Zoë", "😀", "\t", "\\",
                          "\x00", "\u2028", " "])
notes = st.none() | st.lists(tricky | st.text(st.characters(exclude_categories=("Cs",)),
                                              max_size=5), min_size=1, max_size=6).map(
    "".join).filter(lambda text: bool(text.strip()))
moments = st.datetimes(min_value=dt.datetime(2020, 1, 1), max_value=dt.datetime(2030, 1, 1)).map(
    lambda moment: moment.replace(microsecond=0).isoformat() + "Z")
# SQLite keeps -0.0 as 0.0, so a stored value is never -0.0; values run from 0 to MAX_VALUE.
values = st.none() | st.floats(min_value=0, max_value=MAX_VALUE).map(lambda v: v + 0.0)
days = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2099, 12, 31))


@st.composite
def one_entry(draw: st.DrawFn) -> Entry:
    kind = draw(st.sampled_from(KINDS))
    a = draw(contact_ids)
    b = draw(st.none() if kind == "received" and draw(st.booleans()) else
             contact_ids.filter(lambda other: other != a))  # a pair is two people
    if kind in PAIR_KINDS and b is not None:
        a, b = pair_key(a, b)
    return Entry(
        kind=kind, a=a, b=b, date=draw(days),
        result=draw(st.sampled_from(RESULTS)) if kind == "outcome" else None,
        value=draw(values) if kind == "outcome" else None,
        until=draw(days) if kind == "snoozed" else draw(st.none() | days),
        note=draw(notes), recorded_at=draw(moments),
        undone_at=None if kind == "suggested" else draw(st.none() | moments),
    )


@st.composite
def histories(draw: st.DrawFn) -> list[Entry]:
    """Stored entries: ids increasing with gaps, one suggestion per pair, repeats allowed."""
    drawn = draw(st.lists(one_entry(), max_size=25))
    if drawn and draw(st.booleans()):
        drawn.append(drawn[draw(st.integers(0, len(drawn) - 1))])  # an identical twin
    ids = sorted(draw(st.sets(st.integers(1, 10_000), min_size=len(drawn), max_size=len(drawn))))
    seen: set[tuple[str, str | None]] = set()
    entries = []
    for id_, entry in zip(ids, drawn, strict=True):
        if entry.kind == "suggested":
            if (entry.a, entry.b) in seen:
                continue
            seen.add((entry.a, entry.b))
        entries.append(Entry(entry.kind, entry.a, entry.b, entry.date, entry.result, entry.value,
                             entry.until, entry.note, entry.recorded_at, entry.undone_at, id_))
    return entries


@settings(max_examples=150)
@given(entries=histories(), lineterminator=st.sampled_from(["\n", "\r\n"]))
def test_export_then_read_gives_the_same_entries(entries: list[Entry], lineterminator: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        as_json = write_json(Path(folder) / "history.json", entries)
        as_csv = write_csv(Path(folder) / "history.csv", entries, lineterminator)
        assert read_export(as_json) == entries
        assert read_export(as_csv) == entries


@settings(max_examples=60)
@given(entries=histories(), use_csv=st.booleans())
def test_import_into_a_new_state_file_reexports_identically_and_only_once(
    entries: list[Entry], use_csv: bool
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        writer = write_csv if use_csv else write_json
        backup = writer(Path(folder) / "backup", entries)
        original = to_json(entries)
        with Ledger.open(Path(folder) / "restored.sqlite3") as ledger:
            assert ledger.import_entries(read_export(backup)) == (len(entries), 0)
            assert export(ledger) == original
            assert ledger.import_entries(read_export(backup)) == (0, len(entries))
            assert export(ledger) == original


# -- what the round trip keeps, by example ---------------------------------------------------

def test_round_trip_through_a_real_ledger_keeps_ids_and_undone_entries(tmp_path: Path) -> None:
    """Before: the restored file renumbered entries 1..n, so the re-export differed
    whenever ids had gaps (a rename drops clashing suggestions, leaving one)."""
    path = tmp_path / "state.sqlite3"
    with Ledger.open(path) as ledger:
        ledger.mark_suggested([("amy", "bob"), ("amy", "cy")], DAY)  # ids 1 and 2
    with closing(sqlite3.connect(path)) as db, db:
        db.execute("DELETE FROM entries WHERE id = 2")
    with Ledger.open(path) as ledger:
        ledger.add(Entry("introduced", "amy", "bob", DAY, note='said "yes", twice\nthen met'))
        ledger.add(Entry("outcome", "amy", "bob", DAY, result="business", value=0.1 + 0.2))
        ledger.add(Entry("received", "cy", None, DAY))
        ledger.undo()
        original = export(ledger)
    assert [record["id"] for record in json.loads(original)["entries"]] == [1, 3, 4, 5]
    for name in ("backup.json", "backup.csv"):
        backup = tmp_path / name
        if name.endswith(".json"):
            backup.write_text(original, encoding="utf-8")
        else:
            write_csv(backup, read_export(tmp_path / "backup.json"))
        with Ledger.open(tmp_path / f"restored-{name}.sqlite3") as restored:
            assert restored.import_entries(read_export(backup)) == (4, 0)
            assert export(restored) == original
            # New entries carry on after the imported ids.
            assert restored.add(Entry("never", "dee", "eve", DAY))[0].id == 6


def test_import_into_a_file_with_history_appends_under_new_ids(tmp_path: Path) -> None:
    with Ledger.open(tmp_path / "laptop.sqlite3") as laptop:
        laptop.add(Entry("introduced", "amy", "bob", DAY), Entry("never", "cy", "dee", DAY))
        backup = write_json(tmp_path / "laptop.json", laptop.entries(include_undone=True))
    with Ledger.open(tmp_path / "desktop.sqlite3") as desktop:
        desktop.add(Entry("received", "gus", None, DAY))
        desktop.add(Entry("never", "cy", "dee", DAY, note="decided on the desktop"))
        assert desktop.import_entries(read_export(backup)) == (2, 0)
        assert [(e.id, e.kind) for e in desktop.entries()] == [
            (1, "received"), (2, "never"), (3, "introduced"), (4, "never")]
        assert desktop.import_entries(read_export(backup)) == (0, 2)


def test_identical_entries_both_survive_the_round_trip(tmp_path: Path) -> None:
    """Two referrals from Gus recorded in the same second are two referrals.
    Before: the import kept one of them (and the re-export lost an entry)."""
    with Ledger.open(tmp_path / "state.sqlite3") as ledger:
        twice = Entry("received", "gus", None, DAY, recorded_at="2026-11-23T09:00:00Z")
        ledger.import_entries([twice, twice])
        assert len(ledger.entries()) == 2
        backup = write_json(tmp_path / "backup.json", ledger.entries())
    with Ledger.open(tmp_path / "restored.sqlite3") as restored:
        assert restored.import_entries(read_export(backup)) == (2, 0)
        assert restored.import_entries(read_export(backup)) == (0, 2)
        assert len(restored.entries()) == 2


def test_a_hand_written_file_without_recorded_times_imports_once(tmp_path: Path) -> None:
    """Before: each import gave the rows a fresh recorded time, then did not recognise
    them the next time: importing twice doubled the history."""
    backup = tmp_path / "mine.csv"
    backup.write_text(",".join(COLUMNS) + "\n"
                      ",introduced,amy,bob,2026-11-02,,,,coffee,,\n"
                      ",received,gus,,2026-11-03,,,,,,\n", encoding="utf-8")
    with Ledger.open(tmp_path / "state.sqlite3") as ledger:
        assert ledger.import_entries(read_export(backup)) == (2, 0)
        assert ledger.import_entries(read_export(backup)) == (0, 2)
        assert [e.recorded_at != "" for e in ledger.entries()] == [True, True]


def test_a_lone_carriage_return_in_a_note_survives_csv(tmp_path: Path) -> None:
    """Before (writing `csv_rows` with the csv module and LF line ends, as the other
    listings do): the cell went out unquoted and the row came back split in two."""
    entries = [Entry("never", "amy", "bob", DAY, note="old Mac\rline end, and more",
                     recorded_at="2026-11-23T09:00:00Z", id=1),
               Entry("never", "cy", "dee", DAY, note="plain", recorded_at="2026-11-23T09:00:00Z",
                     id=2)]
    text = to_csv(entries)
    lines = text.split("\n")
    assert lines[1].startswith('"1","never","amy","bob"')
    assert lines[2] == "2,never,cy,dee,2026-11-23,,,,plain,2026-11-23T09:00:00Z,"
    path = tmp_path / "history.csv"
    path.write_bytes(text.encode("utf-8"))
    assert read_export(path) == entries


def test_rows_without_ids_keep_file_order(tmp_path: Path) -> None:
    """Before: missing ids were replaced by the row's position and sorted among real ids."""
    backup = tmp_path / "mixed.csv"
    backup.write_text(",".join(COLUMNS) + "\n"
                      "100,never,amy,bob,2026-11-01,,,,first,,\n"
                      ",never,cy,dee,2026-11-02,,,,second,,\n"
                      ",never,eve,fay,2026-11-03,,,,third,,\n", encoding="utf-8")
    assert [e.note for e in read_export(backup)] == ["first", "second", "third"]


def test_rows_are_read_in_id_order(tmp_path: Path) -> None:
    backup = tmp_path / "sorted-by-kind.csv"
    backup.write_text(",".join(COLUMNS) + "\n"
                      "7,received,gus,,2026-11-05,,,,,2026-11-05T10:00:00Z,\n"
                      "2,never,amy,bob,2026-11-01,,,,,2026-11-01T10:00:00Z,\n", encoding="utf-8")
    assert [e.id for e in read_export(backup)] == [2, 7]


# -- malformed files: every problem, each located --------------------------------------------

def problems(path: Path) -> list[str]:
    with pytest.raises(BookError) as caught:
        read_export(path)
    return [str(problem) for problem in caught.value.problems]


def test_every_bad_csv_row_is_reported_at_once_with_its_line(tmp_path: Path) -> None:
    """Before: a row with the wrong number of cells stopped the reading there, hiding the
    rest; and a row with a multi-line note was reported at its last line."""
    path = tmp_path / "history.csv"
    path.write_text(
        ",".join(COLUMNS) + "\n"
        '1,introduced,amy,bob,2026-11-01,,,,"a note\nover two lines",2026-11-01T09:00:00Z,\n'
        "2,introduced,amy,bob,2026-11-01\n"
        '3,met,amy,bob,2026-11-01,,,,"also\nlong",2026-11-01T09:00:00Z,\n'
        "4,introduced,amy,bob,2026-13-01,,,,,2026-11-01T09:00:00Z,\n"
        "5,outcome,amy,bob,2026-11-01,married,,,,2026-11-01T09:00:00Z,\n"
        "6,outcome,amy,bob,2026-11-01,business,lots,,,2026-11-01T09:00:00Z,\n"
        "7,outcome,amy,bob,2026-11-01,business,inf,,,2026-11-01T09:00:00Z,\n"
        "8,snoozed,amy,bob,2026-11-01,,,,,2026-11-01T09:00:00Z,\n"
        "x,never,amy,,2026-11-01,,,,,2026-11-01T09:00:00Z,\n",
        encoding="utf-8",
    )
    assert problems(path) == [
        f"{path}:4: expected 11 cells, found 5",
        f"{path}:5: kind 'met' is not one of {', '.join(KINDS)}",
        f"{path}:7: date '2026-13-01' is not a date (YYYY-MM-DD)",
        f"{path}:8: result 'married' is not one of {', '.join(RESULTS)}",
        f"{path}:9: value 'lots' is not a number",
        f"{path}:10: value 'inf' is not a finite number",
        f"{path}:11: until is missing",
        f"{path}:12: b is missing",
    ]


def test_a_csv_with_another_header_is_not_a_history_export(tmp_path: Path) -> None:
    path = tmp_path / "contacts.csv"
    path.write_text("name,email\nAnn,ann@example.org\n", encoding="utf-8")
    assert problems(path) == [
        f"{path}:1: not a history export: the header must be {','.join(COLUMNS)}"]
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    assert len(problems(empty)) == 1


def test_bad_json_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "history.json"
    path.write_text('{"version": 1,\n "entries": [\n  {"kind": "never",}\n ]\n}\n',
                    encoding="utf-8")
    [problem] = problems(path)
    assert problem.startswith(f"{path}:3: not valid JSON: ")


def test_every_bad_json_entry_is_reported_at_once_by_number(tmp_path: Path) -> None:
    good = {"id": 1, "kind": "never", "a": "amy", "b": "bob", "date": "2026-11-01",
            "recorded_at": "2026-11-01T09:00:00Z"}
    path = tmp_path / "history.json"
    path.write_text(json.dumps({"version": 1, "entries": [
        good,
        {**good, "id": 2, "kind": "befriended"},
        {**good, "id": 3, "date": "01/11/2026"},
        {**good, "id": 4, "kind": "outcome", "result": "maybe"},
        {**good, "id": 5, "kind": "outcome", "result": "business", "value": True},
        {**good, "id": 6, "kind": "outcome", "result": "business", "value": "1e999"},
        {**good, "id": 7.5},
        {**good, "id": 8, "a": ["amy"]},
        "not an object",
    ]}), encoding="utf-8")
    assert problems(path) == [
        f"{path}: entry 2: kind 'befriended' is not one of {', '.join(KINDS)}",
        f"{path}: entry 3: date '01/11/2026' is not a date (YYYY-MM-DD)",
        f"{path}: entry 4: result 'maybe' is not one of {', '.join(RESULTS)}",
        f"{path}: entry 5: value True is not a number",  # before: taken as 1.0
        f"{path}: entry 6: value '1e999' is not a finite number",
        f"{path}: entry 7: id 7.5 is not a positive whole number",  # before: taken as 7
        f"{path}: entry 8: a must be text, not list",
        f"{path}: entry 9: each entry must be an object",
    ]


@pytest.mark.parametrize(("document", "message"), [
    ({"version": 2, "entries": []}, "history export version 2 is not supported (expected 1)"),
    ({"entries": []}, "history export version None is not supported (expected 1)"),
    ({"version": 1}, 'not a history export (no "entries" list)'),
    ({"version": 1, "suggestions": []}, 'not a history export (no "entries" list)'),
])
def test_json_that_is_not_a_version_1_export_is_refused(
    tmp_path: Path, document: dict[str, object], message: str
) -> None:
    path = tmp_path / "history.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    assert problems(path) == [f"{path}: {message}"]


def test_a_file_that_is_not_utf8_is_located(tmp_path: Path) -> None:
    path = tmp_path / "history.csv"
    path.write_bytes(",".join(COLUMNS).encode() + b"\n1,never,amy,bob,2026-11-01,,,,caf\xe9,,\n")
    assert problems(path) == [f"{path}:2: is not UTF-8 text"]
