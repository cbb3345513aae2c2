"""The state file: a SQLite ledger beside the book, safe for a cron job and a person at once.

WAL lets readers go on while one process writes; every write is one
`BEGIN IMMEDIATE` transaction (the write lock is taken up front, so two writers
queue on the busy timeout instead of failing halfway); a process killed
mid-write leaves the last committed state. The file is created 0600: it says
who the user introduced to whom.
"""

from __future__ import annotations

import datetime as dt
import errno
import os
import sqlite3
import stat
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Any, Self, cast, overload

from introducer.clock import iso_day, timestamp
from introducer.errors import IntroducerError
from introducer.ledger.entries import (
    PAIR_KINDS,
    UNDOABLE_KINDS,
    Entry,
    Kind,
    Result,
    entry_problem,
    shown,
)
from introducer.ledger.migrations import LATEST, MIGRATIONS, MIGRATIONS_TABLE
from introducer.match.history import pair_key

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
        _refuse_special(path)
        _create_private(path)
        ledger = cls(path, _connect(path))
        try:
            with ledger._translated():
                # Before anything writes: WAL and our tables go only into a file of ours.
                _refuse_foreign(ledger._db, path)
                _use_wal(ledger._db)
                ledger._db.execute("PRAGMA synchronous = FULL")
                ledger._migrate(upto)
                if upto >= 1:
                    _check_entries_table(ledger._db, path)
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
                        (step.version, step.name, timestamp()),
                    )

    # -- reading -------------------------------------------------------------------------

    def entries(self, *, include_undone: bool = False) -> list[Entry]:
        """Every entry, oldest first; undone ones only when asked for."""
        query = f"SELECT {_COLUMNS} FROM entries"
        if not include_undone:
            query += " WHERE undone_at IS NULL"
        with self._translated():
            return [_entry(row, self.path) for row in self._db.execute(query + " ORDER BY id")]

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
        ready = [_normalised(entry) for entry in entries]
        for entry in ready:
            if (problem := entry_problem(entry)) is not None:
                raise StateError(f"not recorded in {self.path}: {problem}")
        stored: list[Entry] = []
        with self._writing():
            for entry in ready:
                stored.append(self._insert(entry))
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
        rows = [{"a": a, "b": b, "date": day.isoformat(), "at": timestamp()}
                for a, b in (pair_key(*pair) for pair in pairs)]
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
            entry = _entry(row, self.path)
            if entry.kind == "renamed" and entry.b is not None:
                # Only entries older than the rename go back (what it moved, and any
                # suggestions the new id already had); entries recorded since stay as
                # written, so a later `record OLD ...` cannot merge into a pair of one.
                self._rename_rows(entry.b, entry.a, before=entry.id)
            self._db.execute("UPDATE entries SET undone_at = ? WHERE id = ?",
                             (timestamp(), entry.id))
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
        for number, entry in enumerate(batch, 1):
            if (problem := entry_problem(entry)) is not None:
                raise StateError(f"nothing imported into {self.path}: entry {number}: {problem}")
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
        recorded = entry.recorded_at or timestamp()
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


_SPECIAL_FILES = ((stat.S_ISFIFO, "a named pipe"), (stat.S_ISCHR, "a device"),
                  (stat.S_ISBLK, "a device"), (stat.S_ISSOCK, "a socket"))


def _refuse_special(path: Path) -> None:
    """Refuse what SQLite must never be pointed at: it would open /dev/null or a named pipe,
    fail with "disk I/O error", and leave a `null-journal` file in /dev on the way."""
    try:
        mode = path.stat().st_mode
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise StateError(f"{path} is a symbolic link that loops back on itself, "
                             "not a state file") from None
        return  # missing (or a link to nothing): `_create_private` decides
    for test, kind in _SPECIAL_FILES:
        if test(mode):
            raise StateError(f"{path} is {kind}, not a state file (--state and "
                             "$INTRODUCER_STATE name a regular file)")


def _user_tables(db: sqlite3.Connection) -> set[str]:
    rows = db.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                      "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'")
    return {str(name) for (name,) in rows}


def _columns(db: sqlite3.Connection, table: str) -> set[str]:
    return {str(row[1]) for row in db.execute(f"PRAGMA table_info({table})")}


def _refuse_foreign(db: sqlite3.Connection, path: Path) -> None:
    """Refuse another program's SQLite database, before anything is written to it.

    An empty file is ours to fill; anything else must have introducer's `migrations`
    table, with its first step, "the ledger". Before, another program's database got
    our tables (and WAL) added to it, or failed with "table entries already exists".
    """
    tables = _user_tables(db)
    if not tables:
        return
    if "migrations" in tables and {"version", "name", "applied_at"} <= _columns(db, "migrations"):
        first = db.execute("SELECT name FROM migrations WHERE version = 1").fetchone()
        if first is not None and first[0] == MIGRATIONS[0].name:
            return
    names = ", ".join(sorted(tables))
    names = names if len(names) <= 60 else names[:57] + "..."
    raise StateError(f"{path} is not an introducer state file: it is another program's SQLite "
                     f"database (tables: {names}); left as it was")


def _check_entries_table(db: sqlite3.Connection, path: Path) -> None:
    present = _columns(db, "entries")
    if not present:
        raise StateError(f"{path} is not an introducer state file: it has no entries table")
    missing = [c.strip() for c in _COLUMNS.split(",") if c.strip() not in present]
    if missing:
        raise StateError(f"{path} is not an introducer state file: its entries table has no "
                         f"{', '.join(missing)} column{'s' if len(missing) > 1 else ''}")


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
    companions = f"{path.name}-wal and {path.name}-shm"
    folder = path.parent
    if "readonly" in text or "read-only" in text:
        if not os.access(folder, os.W_OK) and not _companion(path, "-shm").exists():
            return StateError(f"the state file {path} cannot be used: its folder {folder} is "
                              f"read-only, and SQLite needs to create {companions} there "
                              "(copy the file to a folder you can write to)")
        return StateError(f"the state file {path} cannot be written (read-only)")
    if "unable to open" in text:
        odd = [p for p in (_companion(path, "-wal"), _companion(path, "-shm"))
               if (p.exists() or p.is_symlink()) and not p.is_file()]
        if odd:
            return StateError(f"the state file {path} cannot be opened: {odd[0]} is not a "
                               "regular file (SQLite keeps its journal there)")
        return StateError(f"the state file {path} cannot be opened (SQLite needs to read and "
                          f"write it, and to create {companions} in {folder})")
    if "disk I/O" in text and _disk_full(folder):
        return StateError(f"the state file {path} cannot be used: the disk is full")
    return StateError(f"the state file {path} cannot be used: {text}")


def _companion(path: Path, suffix: str) -> Path:
    return path.with_name(path.name + suffix)


def _disk_full(folder: Path) -> bool:
    try:
        space = os.statvfs(folder)
    except (OSError, AttributeError):  # no statvfs on Windows
        return False
    return space.f_bavail == 0


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
        a, b = pair_key(a, b)
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


def _stored_day(value: Any, what: str) -> dt.date:
    if value is None:
        raise ValueError(f"{what} is missing")
    if (day := iso_day(value)) is None:
        raise ValueError(f"{what} {shown(value)} is not a date (YYYY-MM-DD)")
    return day


def _entry(row: tuple[Any, ...], path: Path) -> Entry:
    """One stored row, checked as an import is: a row edited by hand (a bad date, an unknown
    kind, text where a number goes) is one clear error, not a crash in whatever reads it."""
    (id_, kind, a, b, date, result, value, until, note, recorded_at, undone_at) = row
    try:
        entry = Entry(
            kind=cast(Kind, kind), a=a, b=b, date=_stored_day(date, "date"),
            result=cast(Result | None, result), value=value,
            until=None if until is None else _stored_day(until, "until"), note=note,
            recorded_at=recorded_at, undone_at=undone_at, id=id_,
        )
    except ValueError as error:
        problem: str | None = str(error)
    else:
        problem = entry_problem(entry)
        if problem is None:
            return entry
    raise StateError(f"{path}: entry {shown(id_)}: {problem} (changed outside introducer? "
                     "fix or delete that row, or restore a backup)")
