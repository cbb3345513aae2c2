"""The state file on disk: private, WAL, and a clear sentence when it cannot be used."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import stat
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from introducer.ledger.entries import Entry
from introducer.ledger.store import Ledger, StateError

DAY = dt.date(2026, 11, 23)


@pytest.fixture(params=[0o022, 0o000], ids=["umask022", "umask000"])
def umask(request: pytest.FixtureRequest) -> Iterator[int]:
    old = os.umask(request.param)
    try:
        yield request.param
    finally:
        os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_state_file_and_its_wal_companions_are_private(tmp_path: Path, umask: int) -> None:
    path = tmp_path / "contacts.introducer.sqlite3"
    with Ledger.open(path) as ledger:
        ledger.add(Entry("introduced", "ann", "bob", DAY, note="who met whom is private"))
        companions = [path.with_name(path.name + suffix) for suffix in ("-wal", "-shm")]
        present = [p for p in companions if p.exists()]
        assert present, "an open WAL database has its -wal/-shm files"
        assert mode(path) == 0o600
        for companion in present:
            assert mode(companion) == 0o600, companion.name
    assert mode(path) == 0o600


def test_journal_mode_is_wal(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    Ledger.open(path).close()
    with closing(sqlite3.connect(path)) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_file_that_is_not_sqlite_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "contacts.yaml"
    original = b"contacts:\n  - name: Ann\n" * 20
    path.write_bytes(original)
    with pytest.raises(StateError) as caught:
        Ledger.open(path)
    assert str(caught.value).startswith(f"{path} is not an introducer state file")
    assert path.read_bytes() == original
    assert not path.with_name(path.name + "-wal").exists()


def test_a_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(StateError, match="is a directory, not a state file"):
        Ledger.open(tmp_path)
    with pytest.raises(StateError, match="is a directory"):
        Ledger.open_existing(tmp_path)


def test_a_missing_folder_is_refused_not_created(tmp_path: Path) -> None:
    path = tmp_path / "no" / "such" / "state.sqlite3"
    with pytest.raises(StateError) as caught:
        Ledger.open(path)
    assert str(caught.value) == (
        f"cannot create the state file {path}: its folder does not exist"
    )
    assert not (tmp_path / "no").exists()


def test_reading_a_missing_state_file_creates_nothing(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    assert Ledger.open_existing(path) is None
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes read-only files anyway")
def test_a_read_only_state_file_can_be_read_but_writing_says_why(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    with Ledger.open(path) as ledger:
        ledger.add(Entry("never", "ann", "bob", DAY))
    path.chmod(0o400)
    try:
        with Ledger.open(path) as ledger:
            assert [e.kind for e in ledger.entries()] == ["never"]
            with pytest.raises(StateError) as caught:
                ledger.add(Entry("never", "cy", "dee", DAY))
        assert str(caught.value) == f"the state file {path} cannot be written (read-only)"
    finally:
        path.chmod(0o600)


def test_a_full_disk_is_reported_as_such_and_loses_only_that_write(tmp_path: Path) -> None:
    """Before: SQLite had already rolled back, our ROLLBACK failed, and the user read
    "cannot rollback - no transaction is active" instead of the real cause."""
    path = tmp_path / "state.sqlite3"
    with Ledger.open(path) as ledger:
        kept = ledger.add(Entry("introduced", "ann", "bob", DAY))
        pages = ledger._db.execute("PRAGMA page_count").fetchone()[0]
        ledger._db.execute(f"PRAGMA max_page_count = {pages}")  # the disk is now "full"
        big = [Entry("introduced", "ann", f"c{n}", DAY, note="x" * 400) for n in range(200)]
        with pytest.raises(StateError) as caught:
            ledger.add(*big)
        assert str(caught.value) == (
            f"the state file {path} cannot be used: database or disk is full"
        )
        assert ledger.entries() == kept
        ledger._db.execute("PRAGMA max_page_count = 1073741823")  # space freed
        ledger.add(Entry("never", "cy", "dee", DAY))
    with Ledger.open(path) as ledger:
        assert [e.kind for e in ledger.entries()] == ["introduced", "never"]


def test_text_that_is_not_utf8_is_stored_not_crashed_on(tmp_path: Path) -> None:
    """Before: a note from a non-UTF-8 command line (lone surrogates in Python) raised
    UnicodeEncodeError out of sqlite3: a traceback instead of a recorded note."""
    path = tmp_path / "state.sqlite3"
    raw_note = b"caf\xe9 with Ann".decode("utf-8", "surrogateescape")  # as argv gives it
    with Ledger.open(path) as ledger:
        stored = ledger.add(Entry("introduced", "ann", "bob", DAY, note=raw_note))[0]
        assert stored.note is not None
        assert stored.note.startswith("caf\ufffd")
        assert stored.note.endswith(" with Ann")
        assert ledger.entries() == [stored]


def test_a_dangling_link_gets_its_target_created_private(tmp_path: Path) -> None:
    """`ln -s ~/sync/introducer.sqlite3 contacts.introducer.sqlite3` before the first run."""
    target = tmp_path / "synced" / "state.sqlite3"
    target.parent.mkdir()
    link = tmp_path / "contacts.introducer.sqlite3"
    link.symlink_to(target)
    with Ledger.open(link) as ledger:
        ledger.add(Entry("never", "amy", "bob", dt.date(2026, 11, 23)))
    assert link.is_symlink() and target.is_file()
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
