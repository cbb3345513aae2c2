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
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Any, Self, cast, overload

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
                _use_wal(ledger._db)
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
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
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
        return self._suggested(pairs, day, "AND NOT EXISTS (SELECT 1 FROM entries "
                               "WHERE kind = 'suggested' AND a = :a AND b = :b)")

    def mark_back(self, pairs: Iterable[tuple[str, str]], day: dt.date) -> int:
        """Note pairs shown again now that their snooze is over (once a day at most), so
        tomorrow they are no longer news; returns how many rows were added."""
        return self._suggested(pairs, day, "")

    def _suggested(self, pairs: Iterable[tuple[str, str]], day: dt.date, unless: str) -> int:
        rows = [{"a": a, "b": b, "date": day.isoformat(), "at": now_utc()}
                for a, b in (pair_of(*pair) for pair in pairs)]
        if not rows:
            return 0
        with self._writing():
            before = self._db.total_changes
            self._db.executemany(
                "INSERT OR IGNORE INTO entries (kind, a, b, date, recorded_at) "
                "SELECT 'suggested', :a, :b, :date, :at WHERE NOT EXISTS (SELECT 1 FROM entries "
                f"WHERE kind = 'suggested' AND a = :a AND b = :b AND date = :date) {unless}",
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
                # Only entries older than the rename go back (what it moved, and any
                # suggestions the new id already had); entries recorded since stay as
                # written, so a later `record OLD ...` cannot merge into a pair of one.
                self._rename_rows(entry.b, entry.a, before=entry.id)
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

        Entries keep their recorded and undone times, and into an empty file their
        ids too, so importing an export there gives the same history (and the same
        export). Importing it again adds nothing: an entry is skipped while the file
        already holds as many identical ones as the import has seen so far, so two
        genuinely identical entries in one export both survive the round trip.
        """
        batch = [_normalised(entry, keep_times=True, keep_id=True) for entry in entries]
        added = skipped = 0
        with self._writing():
            keep_ids = self._is_empty() and _distinct_ids(batch)
            already: dict[tuple[Any, ...], int] = {}
            for entry in batch:
                key = _identity(entry)
                if key not in already:
                    already[key] = self._count(entry)
                if already[key] > 0:
                    already[key] -= 1
                    skipped += 1
                    continue
                self._insert(entry, keep_id=keep_ids)
                added += 1
        return added, skipped

    # -- internals -----------------------------------------------------------------------

    def _insert(self, entry: Entry, *, keep_id: bool = False) -> Entry:
        recorded = entry.recorded_at or now_utc()
        cursor = self._db.execute(
            "INSERT INTO entries (id, kind, a, b, date, result, value, until, note, "
            "recorded_at, undone_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (entry.id if keep_id else None, entry.kind, entry.a, entry.b,
             entry.date.isoformat(), entry.result, entry.value,
             entry.until.isoformat() if entry.until else None, entry.note, recorded,
             entry.undone_at),
        )
        return Entry(entry.kind, entry.a, entry.b, entry.date, entry.result, entry.value,
                     entry.until, entry.note, recorded, entry.undone_at, cursor.lastrowid)

    def _is_empty(self) -> bool:
        return self._db.execute("SELECT 1 FROM entries LIMIT 1").fetchone() is None

    def _count(self, entry: Entry) -> int:
        """How many stored entries `entry` would duplicate (an import's test for "already here").

        A suggestion is one per pair and day, whatever its time. An entry without a recorded
        time (a hand-written file) matches whatever time its first import gave it.
        """
        if entry.kind == "suggested":
            query = ("SELECT count(*) FROM entries WHERE kind = 'suggested' AND a = ? AND b = ? "
                     "AND date = ?")
            return int(self._db.execute(query, (entry.a, entry.b, entry.date.isoformat()))
                       .fetchone()[0])
        query = ("SELECT count(*) FROM entries WHERE kind = ? AND a = ? AND b IS ? AND date = ? "
                 "AND result IS ? AND value IS ? AND until IS ? AND note IS ?")
        params: list[Any] = [entry.kind, entry.a, entry.b, entry.date.isoformat(), entry.result,
                             entry.value, entry.until.isoformat() if entry.until else None,
                             entry.note]
        if entry.recorded_at:
            query += " AND recorded_at = ?"
            params.append(entry.recorded_at)
        return int(self._db.execute(query, params).fetchone()[0])

    def _names(self, contact_id: str) -> bool:
        """Whether the user's own history names `contact_id` (suggestions shown do not count)."""
        row = self._db.execute(
            "SELECT 1 FROM entries WHERE kind NOT IN ('renamed', 'suggested') "
            "AND (a = ? OR b = ?) LIMIT 1",
            (contact_id, contact_id),
        ).fetchone()
        return row is not None

    def _drop_clashing_suggestions(self, old: str, new: str, before: int | None) -> None:
        """Before `old` becomes `new`: where both were suggested with the same partner, keep
        only the earliest of those suggestions.

        `new` may already have suggestions (the book was edited and `today` ran
        before `rename`). A suggestion of `old` with `new` (which would become a pair
        of one) goes too.
        """
        scope, params = ("", [old]) if before is None else (" AND id < ?", [old, before])
        moving = self._db.execute(
            f"SELECT id, a, b, date FROM entries WHERE kind = 'suggested' AND ? IN (a, b){scope}",
            params,
        ).fetchall()
        staying = self._db.execute(
            "SELECT id, a, b, date FROM entries WHERE kind = 'suggested' AND ? IN (a, b)", (new,)
        ).fetchall()
        theirs: dict[str, list[tuple[str, int]]] = {}
        for id_, a, b, date in staying:
            theirs.setdefault(b if a == new else a, []).append((date, id_))
        mine: dict[str, list[tuple[str, int]]] = {}
        for id_, a, b, date in moving:
            mine.setdefault(b if a == old else a, []).append((date, id_))
        doomed: set[int] = set()
        for partner, rows in mine.items():
            if partner == new:
                doomed.update(id_ for _, id_ in rows)
            elif partner in theirs:
                doomed.update(id_ for _, id_ in sorted(rows + theirs[partner])[1:])
        self._db.executemany("DELETE FROM entries WHERE id = ?", [(i,) for i in sorted(doomed)])

    def _rename_rows(self, old: str, new: str, *, before: int | None = None) -> int:
        """Move entries from `old` to `new` (only those older than entry `before`, if given)."""
        kinds = sorted(PAIR_KINDS)
        marks = ",".join("?" * len(kinds))
        self._drop_clashing_suggestions(old, new, before)
        scope = "" if before is None else f" AND id < {int(before)}"
        changed = 0
        for column in ("a", "b"):
            changed += self._db.execute(
                f"UPDATE entries SET {column} = ? WHERE {column} = ? AND kind != 'renamed'{scope}",
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
                self._db.execute("COMMIT")
            except BaseException:
                # Some errors (disk full, I/O) have already rolled the transaction back;
                # a second ROLLBACK would hide the real error behind "no transaction".
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                raise

    @contextmanager
    def _translated(self) -> Iterator[None]:
        """SQLite's errors as one sentence naming the state file."""
        try:
            yield
        except sqlite3.Error as error:
            raise _state_error(self.path, error) from None


def _create_private(path: Path) -> None:
    """Create the state file 0600 if it is missing (a dangling link: its target)."""
    if path.is_symlink() and not path.exists():
        path = Path(os.path.realpath(path))
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


def _use_wal(db: sqlite3.Connection) -> None:
    """Switch a new file to WAL, waiting like every other statement does.

    The switch needs the file to itself, and SQLite reports "database is locked" at
    once instead of calling the busy handler: two processes opening a new state file
    together would otherwise fail one of them.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT
    while True:
        try:
            db.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.005)


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


def _normalised(entry: Entry, *, keep_times: bool = False, keep_id: bool = False) -> Entry:
    """Pairs in stored order; text storable; a blank note is no note; times and id cleared
    unless an import carries them."""
    a, b = _storable(entry.a), _storable(entry.b)
    if entry.kind in PAIR_KINDS and b is not None:
        a, b = pair_of(a, b)
    note = _storable(entry.note)
    return Entry(entry.kind, a, b, entry.date, entry.result, entry.value, entry.until,
                 note if note and note.strip() else None,
                 entry.recorded_at if keep_times else "",
                 entry.undone_at if keep_times else None,
                 entry.id if keep_id else None)


@overload
def _storable(text: str) -> str: ...
@overload
def _storable(text: None) -> None: ...
def _storable(text: str | None) -> str | None:
    """Text SQLite can hold: an argument that was not UTF-8 (Python keeps its bytes as lone
    surrogates) gets U+FFFD where the bad bytes were, instead of crashing the write."""
    if text is None:
        return None
    return text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")


def _identity(entry: Entry) -> tuple[Any, ...]:
    """What makes two imported entries "the same" (see `Ledger._count`)."""
    if entry.kind == "suggested":
        return ("suggested", entry.a, entry.b, entry.date)
    return (entry.kind, entry.a, entry.b, entry.date, entry.result, entry.value, entry.until,
            entry.note, entry.recorded_at)


def _distinct_ids(entries: Sequence[Entry]) -> bool:
    ids = [entry.id for entry in entries]
    return None not in ids and len(set(ids)) == len(ids)


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
