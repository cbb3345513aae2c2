"""Real processes sharing one state file: a cron job and a person, or two terminals.

Nothing recorded is lost when two write at once, and a process killed halfway
through a write leaves the file as it was before that write.
"""

from __future__ import annotations

import itertools
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from introducer.ledger.entries import Entry
from introducer.ledger.store import Ledger
from tests.ledger_worker import DAY

WORKER = Path(__file__).with_name("ledger_worker.py")


def start(*args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, str(WORKER), *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def wait_for(path: Path, worker: subprocess.Popen[bytes], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not path.exists():
        if worker.poll() is not None:
            raise AssertionError(f"worker exited early: {worker.communicate()[1].decode()}")
        assert time.monotonic() < deadline, f"{path.name} never appeared"
        time.sleep(0.002)


def kill(worker: subprocess.Popen[bytes]) -> None:
    os.kill(worker.pid, signal.SIGKILL)
    worker.communicate(timeout=30)
    assert worker.returncode == -signal.SIGKILL


def integrity(ledger: Ledger) -> str:
    return str(ledger._db.execute("PRAGMA integrity_check").fetchone()[0])


def test_two_processes_recording_200_each_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"  # fresh: the two also race to create and migrate it
    go = tmp_path / "go"
    workers = {label: start("record", str(path), label, "200", str(go))
               for label in ("cron", "human")}
    for label, worker in workers.items():
        wait_for(go.with_name(f"go.ready-{label}"), worker)
    started = time.monotonic()
    go.touch()
    spans = []
    for worker in workers.values():
        out, err = worker.communicate(timeout=120)
        assert worker.returncode == 0, err.decode()
        began, ended = map(float, out.split())
        spans.append((began, ended))
    elapsed = time.monotonic() - started
    with Ledger.open(path) as ledger:
        entries = ledger.entries()
        assert integrity(ledger) == "ok"
    assert len(entries) == 400
    assert len({e.a for e in entries}) == 400
    assert len({e.id for e in entries}) == 400
    assert Counter(e.a.split("-")[0] for e in entries) == {"cron": 200, "human": 200}
    for label in ("cron", "human"):  # each process's entries in the order it wrote them
        numbers = [int(e.a.split("-")[1]) for e in entries if e.a.startswith(label)]
        assert numbers == list(range(200))
    # They really did write at the same time: each began before the other had finished.
    assert max(began for began, _ in spans) < min(ended for _, ended in spans)
    writers = [e.a.split("-")[0] for e in entries]
    turns = sum(1 for before, now in itertools.pairwise(writers) if before != now)
    print(f"2 x 200 single-entry transactions: {elapsed:.2f} s, {turns} changes of writer")


def test_a_process_killed_inside_a_write_leaves_the_last_committed_state(
    tmp_path: Path,
) -> None:
    path = tmp_path / "state.sqlite3"
    ready = tmp_path / "inside-the-transaction"
    worker = start("hold", str(path), str(ready))
    try:
        wait_for(ready, worker)
        # While it holds the write lock, a reader still sees the committed history (WAL).
        with Ledger.open(path) as reader:
            assert [e.a for e in reader.entries()] == [f"committed-{n:05d}" for n in range(3)]
    finally:
        kill(worker)
    assert path.with_name(path.name + "-wal").exists()  # the file was left mid-transaction

    started = time.monotonic()
    with Ledger.open(path) as ledger:
        assert integrity(ledger) == "ok"
        everything = ledger.entries(include_undone=True)
        assert [e.a for e in everything] == [f"committed-{n:05d}" for n in range(3)]
        after = ledger.add(Entry("never", "ann", "bob", DAY))[0]
        assert ledger.entries()[-1] == after
    assert time.monotonic() - started < 5  # the dead writer's lock did not have to time out


def test_killed_at_random_moments_only_whole_batches_are_kept(tmp_path: Path) -> None:
    chooser = random.Random(4)
    path = tmp_path / "state.sqlite3"
    batch = 50
    total = 0
    for attempt in range(4):
        ready = tmp_path / f"ready-{attempt}"
        worker = start("churn", str(path), str(batch), str(ready))
        wait_for(ready, worker)
        time.sleep(chooser.uniform(0.01, 0.25))
        kill(worker)
        with Ledger.open(path) as ledger:
            assert integrity(ledger) == "ok"
            entries = ledger.entries()
        assert len(entries) % batch == 0, f"a torn batch: {len(entries)} entries"
        assert len(entries) > total
        rounds = Counter(e.note.split(" ")[0] for e in entries if e.note)
        assert set(rounds.values()) == {batch}
        total = len(entries)
