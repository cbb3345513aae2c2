"""The ledger as JSON or CSV and back: the export is the backup, `import-history` restores it.

Every column is exported (undone entries and recorded times too), so export then
import into an empty state file gives the same history, and importing the same
export twice adds nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from introducer.clock import iso_day
from introducer.csvtext import csv_text
from introducer.errors import BookError, Problem
from introducer.fileio import read_input
from introducer.ledger.entries import (
    KINDS,
    PAIR_KINDS,
    RESULTS,
    Entry,
    Kind,
    Result,
    entry_problem,
    shown,
)

FORMAT_VERSION = 1
COLUMNS: tuple[str, ...] = ("id", "kind", "a", "b", "date", "result", "value", "until", "note",
                            "recorded_at", "undone_at")
_KIND_NAMED: dict[str, Kind] = {kind: kind for kind in KINDS}
_RESULT_NAMED: dict[str, Result] = {result: result for result in RESULTS}
#: More entries than anyone records in a lifetime; refuse files beyond it rather than choke.
MAX_ENTRIES = 5_000_000


def entry_record(entry: Entry) -> dict[str, Any]:
    """One entry as JSON-ready data; every column present, missing ones None."""
    return {
        "id": entry.id, "kind": entry.kind, "a": entry.a, "b": entry.b,
        "date": entry.date.isoformat(), "result": entry.result, "value": entry.value,
        "until": entry.until.isoformat() if entry.until else None, "note": entry.note,
        "recorded_at": entry.recorded_at, "undone_at": entry.undone_at,
    }


def export_document(entries: Iterable[Entry]) -> dict[str, Any]:
    """The JSON export as data (the CLI writes it, as it writes every JSON document)."""
    return {"version": FORMAT_VERSION, "entries": [entry_record(e) for e in entries]}


def csv_rows(entries: Iterable[Entry]) -> list[list[str]]:
    """Header and rows; empty cells for missing values, floats written exactly."""
    rows = [list(COLUMNS)]
    for entry in entries:
        record = entry_record(entry)
        rows.append(["" if record[c] is None else
                     repr(record[c]) if isinstance(record[c], float) else str(record[c])
                     for c in COLUMNS])
    return rows


def to_csv(entries: Iterable[Entry]) -> str:
    """The CSV export as text (see `csvtext` for why not to write `csv_rows` by hand)."""
    return csv_text(csv_rows(entries))


def read_export(path: Path) -> list[Entry]:
    """Entries from a `history --format json|csv` export; every problem reported at once."""
    data = read_input(path, "a history export")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            problem = Problem(str(path), 1, "is UTF-16 text; save it as UTF-8")
        else:
            problem = Problem(str(path), _line_at(data, error.start), "is not UTF-8 text")
        raise BookError([problem]) from None
    if text.lstrip().startswith("{"):
        return _from_json(path, text)
    return _from_csv(path, text)


def _line_at(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _from_json(path: Path, text: str) -> list[Entry]:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        problem = Problem(str(path), error.lineno, f"not valid JSON: {error.msg}")
        raise BookError([problem]) from None
    except RecursionError:  # [[[[... a million deep: no export nests beyond three
        raise BookError([Problem(str(path), None, "not a history export: "
                                 "nested too deeply")]) from None
    except ValueError:  # a number of more than 4300 digits
        raise BookError([Problem(str(path), None, "not a history export: "
                                 "a number too long to read")]) from None
    if not isinstance(document, dict) or not isinstance(document.get("entries"), list):
        raise BookError([Problem(str(path), None,
                                 'not a history export (no "entries" list)')])
    if document.get("version") != FORMAT_VERSION:
        raise BookError([Problem(str(path), None, f"history export version "
                                 f"{document.get('version')!r} is not supported (expected 1)")])
    records = cast(list[Any], document["entries"])
    return _entries(path, [(None, f"entry {n}", r) for n, r in enumerate(records, 1)])


def _from_csv(path: Path, text: str) -> list[Entry]:
    # csv refuses a cell over 128 KB by default; a note the JSON export holds must restore
    # from the CSV export too. (The limit is the module's, so it is put back afterwards.)
    limit = csv.field_size_limit(max(csv.field_size_limit(), len(text)))
    try:
        return _read_csv(path, text)
    finally:
        csv.field_size_limit(limit)


def _read_csv(path: Path, text: str) -> list[Entry]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
        if header is None or [h.strip() for h in header] != list(COLUMNS):
            raise BookError([Problem(str(path), 1, "not a history export: the header must be "
                                     + ",".join(COLUMNS))])
        rows: list[tuple[int | None, str, Any]] = []
        start = reader.line_num + 1  # a quoted note may span lines: name the row's first
        for row in reader:
            line, start = start, reader.line_num + 1
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(COLUMNS):
                rows.append((line, "", _Unreadable(f"expected {len(COLUMNS)} cells, "
                                                   f"found {len(row)}")))
                continue
            rows.append((line, "", dict(zip(COLUMNS, row, strict=True))))
    except csv.Error as error:
        raise BookError([Problem(str(path), reader.line_num, f"not valid CSV: {error}")]) from None
    return _entries(path, rows)


@dataclass(frozen=True, slots=True)
class _Unreadable:
    """A row already found wrong while reading, reported with the others."""

    message: str


def _entries(path: Path, records: Sequence[tuple[int | None, str, Any]]) -> list[Entry]:
    if len(records) > MAX_ENTRIES:
        raise BookError([Problem(str(path), None, f"more than {MAX_ENTRIES:,} entries")])
    problems: list[Problem] = []
    entries: list[Entry] = []
    for line, label, record in records:
        where = f"{label}: " if label else ""
        if isinstance(record, _Unreadable):
            problems.append(Problem(str(path), line, f"{where}{record.message}"))
            continue
        try:
            entry = _entry(record)
        except ValueError as error:
            problems.append(Problem(str(path), line, f"{where}{error}"))
            continue
        if (problem := entry_problem(entry)) is not None:
            problems.append(Problem(str(path), line, f"{where}{problem}"))
            continue
        entries.append(entry)
    if problems:
        raise BookError(problems)
    # In id order (a spreadsheet may have re-sorted the rows); file order if ids are missing.
    if all(entry.id is not None for entry in entries):
        entries.sort(key=lambda entry: entry.id or 0)
    return entries


def _text(record: Mapping[str, Any], key: str, *, required: bool = False) -> str | None:
    value = record.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ValueError(f"{key} is missing")
        return None
    if not isinstance(value, str | int) or isinstance(value, bool):
        raise ValueError(f"{key} must be text, not {type(value).__name__}")
    return str(value).strip() if key != "note" else str(value)


def _date(record: Mapping[str, Any], key: str, *, required: bool = False) -> dt.date | None:
    text = _text(record, key, required=required)
    if text is None:
        return None
    if (day := iso_day(text)) is None:
        raise ValueError(f"{key} {shown(text)} is not a date (YYYY-MM-DD)")
    return day


def _entry(record: Any) -> Entry:
    if not isinstance(record, Mapping):
        raise ValueError("each entry must be an object")
    kind_text = _text(record, "kind", required=True)
    kind = _KIND_NAMED.get(kind_text or "")
    if kind is None:
        raise ValueError(f"kind {shown(kind_text)} is not one of {', '.join(KINDS)}")
    a = _text(record, "a", required=True)
    assert a is not None
    b = _text(record, "b", required=kind in PAIR_KINDS or kind == "renamed")
    result_text = _text(record, "result", required=kind == "outcome")
    result = None if result_text is None else _RESULT_NAMED.get(result_text)
    if result_text is not None and result is None:
        raise ValueError(f"result {shown(result_text)} is not one of {', '.join(RESULTS)}")
    day = _date(record, "date", required=True)
    assert day is not None
    return Entry(
        kind=kind, a=a, b=b, date=day, result=result, value=_value(record.get("value")),
        until=_date(record, "until", required=kind == "snoozed"),
        note=_text(record, "note"), recorded_at=_text(record, "recorded_at") or "",
        undone_at=_text(record, "undone_at"), id=_id(record.get("id")),
    )


def _value(raw: Any) -> float | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, bool) or not isinstance(raw, str | int | float):
        raise ValueError(f"value {shown(raw)} is not a number")
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"value {shown(raw)} is not a number") from None
    except OverflowError:  # an integer of 400 digits
        raise ValueError(f"value {shown(raw)} is not a finite number") from None
    if not math.isfinite(value):
        raise ValueError(f"value {shown(raw)} is not a finite number")
    return value


def _id(raw: Any) -> int | None:
    if raw is None or raw == "":
        return None
    if isinstance(raw, int) and not isinstance(raw, bool) and raw > 0:
        return raw
    if isinstance(raw, str) and raw.strip().isascii() and raw.strip().isdigit() \
            and len(raw.strip()) <= 20:
        number = int(raw)
        if number > 0:
            return number
    raise ValueError(f"id {shown(raw)} is not a positive whole number")
