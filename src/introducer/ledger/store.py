"""The state file: a SQLite ledger beside the book, safe for a cron job and a person at once.

WAL lets readers go on while one process writes; every write is one
`BEGIN IMMEDIATE` transaction (the write lock is taken up front, so two writers
queue on the busy timeout instead of failing halfway); a process killed
mid-write leaves the last committed state. The file is created 0600: it says
who the user introduced to whom.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Any, Self, cast

from introducer.errors import IntroducerError
from introducer.ledger.entries import (
    PAIR_KINDS,
    UNDOABLE_KINDS,
    Entry,
    Kind,
    Result,
    now_utc,
    pair_of,
)
from introducer.ledger.migrations import LATEST, MIGRATIONS, MIGRATIONS_TABLE

#: How long a writer waits for another to finish before giving up, in seconds.
BUSY_TIMEOUT = 30.0
_COLUMNS = "id, kind, a, b, date, result, value, until, note, recorded_at, undone_at"


class StateError(IntroducerError):
    """The state file cannot be used (not SQLite, too new, unwritable, busy)."""


class Ledger:
    """An open state file. Use as a context manager, or call `close()`."""

    def __init__(self, path: Path, connection: sqlite3.Connection) -> None:
        self.path = path
        self._db = connection

    # -- opening -------------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path, *, upto: int = LATEST) -> Self:
        """Open (creating it 0600 if needed) and bring the schema up to migration `upto`."""
        _create_private(path)
        ledger = cls(path, _connect(path))
        try:
            with ledger._translated():
                ledger._db.execute("PRAGMA journal_mode = WAL")
                ledger._db.execute("PRAGMA synchronous = FULL")
                ledger._migrate(upto)
        except BaseException:
            ledger.close()
            raise
        return ledger

    @classmethod
    def open_existing(cls, path: Path) -> Self | None:
        """Open the state file if there is one (None if not): for commands that only read."""
        if not path.exists() and not path.is_symlink():
            return None
        return cls.open(path)

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    @property
    def version(self) -> int:
        """The newest migration applied to this file (0 for a new, empty file)."""
        with self._translated():
            return _applied_version(self._db)

    def _migrate(self, upto: int) -> None:
        current = _applied_version(self._db)
        if current > LATEST:
            raise StateError(
                f"{self.path} was written by a newer introducer (state schema {current}; "
                f"this one knows up to {LATEST}); upgrade introducer to use it"
            )
        if current >= upto:
            return
        with self._writing():
            self._db.execute(MIGRATIONS_TABLE)
            current = _applied_version(self._db)  # another process may have migrated meanwhile
            for step in MIGRATIONS:
                if current < step.version <= upto:
                    for statement in _statements(step.sql):
                        self._db.execute(statement)
                    self._db.execute(
                        "INSERT INTO migrations (version, name, applied_at) VALUES (?, ?, ?)",
                        (step.version, step.name, now_utc()),
                    )

    # -- reading -------------------------------------------------------------------------

    def entries(self, *, include_undone: bool = False) -> list[Entry]:
        """Every entry, oldest first; undone ones only when asked for."""
        query = f"SELECT {_COLUMNS} FROM entries"
        if not include_undone:
            query += " WHERE undone_at IS NULL"
        with self._translated():
            return [_entry(row) for row in self._db.execute(query + " ORDER BY id")]

    def contact_ids(self) -> set[str]:
        """Every contact id the live history names (to spot ids gone from the book)."""
        with self._translated():
            rows = self._db.execute(
                "SELECT a FROM entries WHERE undone_at IS NULL AND kind != 'renamed' "
                "UNION SELECT b FROM entries WHERE undone_at IS NULL AND kind != 'renamed' "
                "AND b IS NOT NULL"
            )
            return {str(row[0]) for row in rows}

    # -- writing -------------------------------------------------------------------------

    def add(self, *entries: Entry) -> list[Entry]:
        """Append entries in one transaction; returns them as stored (with ids)."""
        stored: list[Entry] = []
        with self._writing():
            for entry in entries:
                stored.append(self._insert(_normalised(entry)))
        return stored

    def mark_suggested(self, pairs: Iterable[tuple[str, str]], day: dt.date) -> int:
        """Note pairs shown as suggestions (once per pair, ever); returns how many were new."""
        rows = [(*pair_of(a, b), day.isoformat(), now_utc()) for a, b in pairs]
        if not rows:
            return 0
        with self._writing():
            before = self._db.total_changes
            self._db.executemany(
                "INSERT OR IGNORE INTO entries (kind, a, b, date, recorded_at) "
                "VALUES ('suggested', ?, ?, ?, ?)",
                rows,
            )
            return self._db.total_changes - before

    def undo(self) -> Entry | None:
        """Take back the newest change the user made; None if there is nothing to undo."""
        kinds = sorted(UNDOABLE_KINDS)
        with self._writing():
            row = self._db.execute(
                f"SELECT {_COLUMNS} FROM entries WHERE undone_at IS NULL "
                f"AND kind IN ({','.join('?' * len(kinds))}) ORDER BY id DESC LIMIT 1",
                kinds,
            ).fetchone()
            if row is None:
                return None
            entry = _entry(row)
            if entry.kind == "renamed" and entry.b is not None:
                self._rename_rows(entry.b, entry.a)
            self._db.execute("UPDATE entries SET undone_at = ? WHERE id = ?", (now_utc(), entry.id))
        return entry

    def rename(self, old: str, new: str, day: dt.date) -> int:
        """Move every entry from contact id `old` to `new`; returns how many entries changed.

        Refused if `new` already has history: merging two people's timelines is not
        something to do by accident (and would make the rename impossible to undo).
        """
        if old == new:
            raise StateError(f'"{old}" and "{new}" are the same id')
        with self._writing():
            if self._names(new):
                raise StateError(
                    f'the history already has entries for "{new}"; rename would merge two '
                    "people's histories"
                )
            changed = self._rename_rows(old, new)
            if changed:
                self._insert(Entry(kind="renamed", a=old, b=new, date=day))
        return changed

    def import_entries(self, entries: Iterable[Entry]) -> tuple[int, int]:
        """Add entries from an export, skipping any already here; (added, skipped).

        Entries keep their recorded and undone times, so importing an export into an
        empty file gives the same history, and importing it twice adds nothing.
        """
        added = skipped = 0
        with self._writing():
            for entry in entries:
                entry = _normalised(entry, keep_times=True)
                if self._has(entry):
                    skipped += 1
                else:
                    self._insert(entry)
                    added += 1
        return added, skipped

    # -- internals -----------------------------------------------------------------------

    def _insert(self, entry: Entry) -> Entry:
        recorded = entry.recorded_at or now_utc()
        cursor = self._db.execute(
            "INSERT INTO entries (kind, a, b, date, result, value, until, note, recorded_at, "
            "undone_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (entry.kind, entry.a, entry.b, entry.date.isoformat(), entry.result, entry.value,
             entry.until.isoformat() if entry.until else None, entry.note, recorded,
             entry.undone_at),
        )
        return Entry(entry.kind, entry.a, entry.b, entry.date, entry.result, entry.value,
                     entry.until, entry.note, recorded, entry.undone_at, cursor.lastrowid)

    def _has(self, entry: Entry) -> bool:
        if entry.kind == "suggested":
            query = "SELECT 1 FROM entries WHERE kind = 'suggested' AND a = ? AND b = ?"
            return self._db.execute(query, (entry.a, entry.b)).fetchone() is not None
        row = self._db.execute(
            "SELECT 1 FROM entries WHERE kind = ? AND a = ? AND b IS ? AND date = ? "
            "AND result IS ? AND value IS ? AND until IS ? AND note IS ? AND recorded_at = ?",
            (entry.kind, entry.a, entry.b, entry.date.isoformat(), entry.result, entry.value,
             entry.until.isoformat() if entry.until else None, entry.note, entry.recorded_at),
        ).fetchone()
        return row is not None

    def _names(self, contact_id: str) -> bool:
        row = self._db.execute(
            "SELECT 1 FROM entries WHERE kind != 'renamed' AND (a = ? OR b = ?) LIMIT 1",
            (contact_id, contact_id),
        ).fetchone()
        return row is not None

    def _rename_rows(self, old: str, new: str) -> int:
        kinds = sorted(PAIR_KINDS)
        marks = ",".join("?" * len(kinds))
        changed = 0
        for column in ("a", "b"):
            changed += self._db.execute(
                f"UPDATE entries SET {column} = ? WHERE {column} = ? AND kind != 'renamed'",
                (new, old),
            ).rowcount
        # Pairs are stored a < b; a new id may sort the other way.
        self._db.execute(
            f"UPDATE entries SET a = b, b = a WHERE kind IN ({marks}) AND b IS NOT NULL AND a > b",
            kinds,
        )
        return changed

    @contextmanager
    def _writing(self) -> Iterator[None]:
        """One write transaction, taking the write lock first (waits up to BUSY_TIMEOUT)."""
        with self._translated():
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    @contextmanager
    def _translated(self) -> Iterator[None]:
        """SQLite's errors as one sentence naming the state file."""
        try:
            yield
        except sqlite3.Error as error:
            raise _state_error(self.path, error) from None


def _create_private(path: Path) -> None:
    if path.is_dir():
        raise StateError(f"{path} is a directory, not a state file")
    if not path.parent.is_dir():
        raise StateError(f"cannot create the state file {path}: its folder does not exist")
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        return
    except OSError as error:
        raise StateError(f"cannot create the state file {path}: "
                         f"{error.strerror or type(error).__name__}") from None
    os.close(fd)


def _connect(path: Path) -> sqlite3.Connection:
    try:
        # isolation_level=None: no implicit transactions; every write says BEGIN IMMEDIATE.
        return sqlite3.connect(path, timeout=BUSY_TIMEOUT, isolation_level=None)
    except sqlite3.Error as error:
        raise _state_error(path, error) from None


def _state_error(path: Path, error: sqlite3.Error) -> StateError:
    text = str(error)
    if "not a database" in text or "malformed" in text:
        return StateError(f"{path} is not an introducer state file (SQLite says: {text})")
    if "locked" in text or "busy" in text:
        return StateError(f"the state file {path} stayed busy for {BUSY_TIMEOUT:g} s "
                          "(another introducer is writing); try again")
    if "readonly" in text or "read-only" in text:
        return StateError(f"the state file {path} cannot be written (read-only)")
    return StateError(f"the state file {path} cannot be used: {text}")


def _applied_version(db: sqlite3.Connection) -> int:
    exists = db.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'migrations'"
    ).fetchone()
    if exists is None:
        return 0
    row = db.execute("SELECT max(version) FROM migrations").fetchone()
    return int(row[0] or 0)


def _statements(script: str) -> list[str]:
    return [part.strip() for part in script.split(";") if part.strip()]


def _normalised(entry: Entry, *, keep_times: bool = False) -> Entry:
    """Pairs in stored order; times cleared unless an import carries them."""
    a, b = entry.a, entry.b
    if entry.kind in PAIR_KINDS and b is not None:
        a, b = pair_of(a, b)
    return Entry(entry.kind, a, b, entry.date, entry.result, entry.value, entry.until,
                 entry.note, entry.recorded_at if keep_times else "",
                 entry.undone_at if keep_times else None)


def _day(text: Any) -> dt.date | None:
    return None if text is None else dt.date.fromisoformat(str(text))


def _entry(row: tuple[Any, ...]) -> Entry:
    (id_, kind, a, b, date, result, value, until, note, recorded_at, undone_at) = row
    day = _day(date)
    assert day is not None
    return Entry(
        kind=cast(Kind, kind), a=a, b=b, date=day, result=cast(Result | None, result),
        value=value, until=_day(until), note=note, recorded_at=recorded_at,
        undone_at=undone_at, id=id_,
    )
