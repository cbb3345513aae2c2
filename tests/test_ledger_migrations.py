"""The state file's schema: created from nothing, upgraded from every older version, never guessed.

A user who upgrades introducer keeps their history; a user who downgrades is told
so instead of having a newer file half-understood.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest

from introducer.clock import local_day
from introducer.ledger.entries import Entry
from introducer.ledger.migrations import LATEST, MIGRATIONS
from introducer.ledger.store import Ledger, StateError
from tests.conftest import TODAY

WORKER = Path(__file__).with_name("ledger_worker.py")
DAY = dt.date(2026, 11, 2)


def migration_rows(path: Path) -> list[tuple[int, str, str]]:
    with closing(sqlite3.connect(path)) as db:
        return db.execute(
            "SELECT version, name, applied_at FROM migrations ORDER BY version"
        ).fetchall()


def test_numbered_steps_are_consecutive_from_one() -> None:
    assert [step.version for step in MIGRATIONS] == list(range(1, LATEST + 1))


def test_a_new_file_gets_every_step_recorded_with_name_and_time(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    with Ledger.open(path) as ledger:
        assert ledger.version == LATEST
        assert ledger.entries() == []
    rows = migration_rows(path)
    assert [(version, name) for version, name, _ in rows] == [
        (step.version, step.name) for step in MIGRATIONS
    ]
    for _, _, applied_at in rows:
        assert applied_at.endswith("Z")
        assert local_day(applied_at) == TODAY, "stamped by the one clock"


def seed(ledger: Ledger, version: int) -> None:
    """Representative history as an introducer at schema `version` could have written it."""
    if version == 0:
        return  # no tables yet: nothing can have been recorded
    ledger.add(
        Entry("introduced", "grace", "ann", DAY, note="coffee, then lunch"),
        Entry("asked", "bob", "cy", DAY),
        Entry("outcome", "ann", "grace", DAY + dt.timedelta(days=3), result="business",
              value=1250.5),
        Entry("snoozed", "dee", "eve", DAY, until=dt.date(2027, 1, 1)),
        Entry("never", "eve", "fay", DAY),
        Entry("received", "grace", "zoë", DAY, note="referral «deux»"),
    )
    undone = ledger.add(Entry("introduced", "bob", "eve", DAY))[0]
    assert ledger.undo() == undone
    # Schema 1 did not yet keep one suggestion per pair: an old file may hold repeats.
    ledger.mark_suggested([("ann", "bob"), ("bob", "ann"), ("cy", "dee")], DAY)
    ledger.mark_suggested([("ann", "bob")], DAY + dt.timedelta(days=1))


@pytest.mark.parametrize("version", range(LATEST))
def test_every_older_file_is_upgraded_with_its_history_intact(
    tmp_path: Path, version: int
) -> None:
    path = tmp_path / "state.sqlite3"
    with Ledger.open(path, upto=version) as old:
        assert old.version == version
        seed(old, version)
        written = old.entries(include_undone=True) if version else []

    with Ledger.open(path) as ledger:
        assert ledger.version == LATEST
        upgraded = ledger.entries(include_undone=True)
    assert [version for version, _, _ in migration_rows(path)] == list(range(1, LATEST + 1))

    if version == 0:
        assert upgraded == []
        return
    # Everything the user recorded survives unchanged, undone marks included ...
    assert [e for e in upgraded if e.kind != "suggested"] == [
        e for e in written if e.kind != "suggested"
    ]
    # ... and repeated suggestions collapse to the first one shown (step 2).
    suggested = [(e.a, e.b, e.date) for e in upgraded if e.kind == "suggested"]
    assert suggested == [("ann", "bob", DAY), ("cy", "dee", DAY)]
    with Ledger.open(path) as ledger:
        assert ledger.mark_suggested([("bob", "ann")], DAY) == 0


def test_a_file_from_a_newer_introducer_is_refused_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    with Ledger.open(path) as ledger:
        ledger.add(Entry("never", "ann", "bob", DAY))
    with closing(sqlite3.connect(path)) as db, db:
        db.execute("INSERT INTO migrations VALUES (?, 'from the future', '2030-01-01T00:00:00Z')",
                   (LATEST + 1,))
    for opener in (Ledger.open, Ledger.open_existing):
        with pytest.raises(StateError) as caught:
            opener(path)
        message = str(caught.value)
        assert str(path) in message
        assert "newer introducer" in message
        assert f"state schema {LATEST + 1}" in message
    # Refused, not touched: the newer step is still there and nothing was rolled back.
    assert migration_rows(path)[-1][:2] == (LATEST + 1, "from the future")


def test_opening_again_migrates_nothing(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    Ledger.open(path).close()
    first = migration_rows(path)
    time.sleep(1.05)  # applied_at has whole seconds: a second run would show
    for _ in range(3):
        Ledger.open(path).close()
    assert migration_rows(path) == first
    assert len(first) == LATEST


def test_processes_opening_a_new_file_at_once_all_succeed(tmp_path: Path) -> None:
    """Before: switching the new file to WAL failed at once with "database is locked" in
    whichever process lost the race (about one round in three here)."""
    for attempt in range(6):
        path = tmp_path / f"state-{attempt}.sqlite3"
        go = tmp_path / f"go-{attempt}"
        workers = [
            subprocess.Popen([sys.executable, str(WORKER), "open", str(path), str(go), str(n)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            for n in range(4)
        ]
        deadline = time.monotonic() + 30
        while not all(go.with_name(f"{go.name}.ready-{n}").exists() for n in range(4)):
            assert time.monotonic() < deadline, "workers did not start"
            time.sleep(0.005)
        go.touch()
        for worker in workers:
            out, err = worker.communicate(timeout=60)
            assert worker.returncode == 0, err.decode()
            assert out.decode().strip() == str(LATEST)
        assert [version for version, _, _ in migration_rows(path)] == list(range(1, LATEST + 1))
