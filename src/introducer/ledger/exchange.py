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
from pathlib import Path
from typing import Any, cast

from introducer.errors import BookError, IntroducerError, Problem
from introducer.ledger.entries import KINDS, PAIR_KINDS, RESULTS, Entry, Kind, Result

FORMAT_VERSION = 1
COLUMNS: tuple[str, ...] = ("id", "kind", "a", "b", "date", "result", "value", "until", "note",
                            "recorded_at", "undone_at")
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


def to_json(entries: Iterable[Entry]) -> str:
    return json.dumps({"version": FORMAT_VERSION, "entries": [entry_record(e) for e in entries]},
                      ensure_ascii=False, indent=2) + "\n"


def csv_rows(entries: Iterable[Entry]) -> list[list[str]]:
    """Header and rows; empty cells for missing values, floats written exactly."""
    rows = [list(COLUMNS)]
    for entry in entries:
        record = entry_record(entry)
        rows.append(["" if record[c] is None else
                     repr(record[c]) if isinstance(record[c], float) else str(record[c])
                     for c in COLUMNS])
    return rows


def read_export(path: Path) -> list[Entry]:
    """Entries from a `history --format json|csv` export; every problem reported at once."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise IntroducerError(f"cannot read {path}: {error.strerror or error}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise BookError([Problem(str(path), _line_at(data, error.start),
                                 "is not UTF-8 text")]) from None
    if text.lstrip().startswith("{"):
        return _from_json(path, text)
    return _from_csv(path, text)


def _line_at(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _from_json(path: Path, text: str) -> list[Entry]:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise BookError([Problem(str(path), error.lineno, f"not valid JSON: {error.msg}")]) from None
    if not isinstance(document, dict) or not isinstance(document.get("entries"), list):
        raise BookError([Problem(str(path), None,
                                 'not a history export (no "entries" list)')])
    if document.get("version") != FORMAT_VERSION:
        raise BookError([Problem(str(path), None, f"history export version "
                                 f"{document.get('version')!r} is not supported (expected 1)")])
    records = cast(list[Any], document["entries"])
    return _entries(path, [(None, f"entry {n}", r) for n, r in enumerate(records, 1)])


def _from_csv(path: Path, text: str) -> list[Entry]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
        if header is None or [h.strip() for h in header] != list(COLUMNS):
            raise BookError([Problem(str(path), 1, "not a history export: the header must be "
                                     + ",".join(COLUMNS))])
        rows: list[tuple[int | None, str, Any]] = []
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(COLUMNS):
                raise BookError([Problem(str(path), reader.line_num,
                                         f"expected {len(COLUMNS)} cells, found {len(row)}")])
            rows.append((reader.line_num, "", dict(zip(COLUMNS, row, strict=True))))
    except csv.Error as error:
        raise BookError([Problem(str(path), reader.line_num, f"not valid CSV: {error}")]) from None
    return _entries(path, rows)


def _entries(path: Path, records: Sequence[tuple[int | None, str, Any]]) -> list[Entry]:
    if len(records) > MAX_ENTRIES:
        raise BookError([Problem(str(path), None, f"more than {MAX_ENTRIES:,} entries")])
    problems: list[Problem] = []
    entries: list[tuple[int, Entry]] = []
    for position, (line, label, record) in enumerate(records):
        try:
            entry = _entry(record)
        except ValueError as error:
            where = f"{label}: " if label else ""
            problems.append(Problem(str(path), line, f"{where}{error}"))
            continue
        entries.append((entry.id if entry.id is not None else position, entry))
    if problems:
        raise BookError(problems)
    return [entry for _, entry in sorted(entries, key=lambda pair: pair[0])]


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
    try:
        return dt.date.fromisoformat(text) if len(text) == 10 else _bad_date(key, text)
    except ValueError:
        return _bad_date(key, text)


def _bad_date(key: str, text: str) -> dt.date:
    raise ValueError(f"{key} {text!r} is not a date (YYYY-MM-DD)")


def _entry(record: Any) -> Entry:
    if not isinstance(record, Mapping):
        raise ValueError("each entry must be an object")
    kind = _text(record, "kind", required=True)
    if kind not in KINDS:
        raise ValueError(f"kind {kind!r} is not one of {', '.join(KINDS)}")
    a = _text(record, "a", required=True)
    assert a is not None
    b = _text(record, "b", required=kind in PAIR_KINDS or kind == "renamed")
    result = _text(record, "result", required=kind == "outcome")
    if result is not None and result not in RESULTS:
        raise ValueError(f"result {result!r} is not one of {', '.join(RESULTS)}")
    value_text = record.get("value")
    value: float | None = None
    if value_text not in (None, ""):
        try:
            value = float(value_text)
        except (TypeError, ValueError):
            raise ValueError(f"value {value_text!r} is not a number") from None
        if not math.isfinite(value):
            raise ValueError(f"value {value_text!r} is not a finite number")
    raw_id = record.get("id")
    try:
        id_ = None if raw_id in (None, "") else int(raw_id)
    except (TypeError, ValueError):
        raise ValueError(f"id {raw_id!r} is not a whole number") from None
    day = _date(record, "date", required=True)
    assert day is not None
    return Entry(
        kind=cast(Kind, kind), a=a, b=b, date=day, result=cast(Result | None, result),
        value=value, until=_date(record, "until", required=kind == "snoozed"),
        note=_text(record, "note"), recorded_at=_text(record, "recorded_at") or "",
        undone_at=_text(record, "undone_at"), id=id_,
    )
