"""A separate process that uses the ledger, for the tests that need real processes.

Run as `python tests/ledger_worker.py COMMAND STATE ...`; the tests start several
at once and line them up with a "go" file so they really do collide.

  open STATE GO                  open (creating and migrating) once GO exists; print the version
  record STATE LABEL COUNT GO    record COUNT entries, each opening the file afresh and
                                 writing in its own transaction; print when it began and ended
  hold STATE READY               commit 3 entries, then stop inside a 500-row write transaction
                                 (touches READY there) until killed
  churn STATE BATCH READY        write batches of BATCH entries, one transaction each, forever
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from pathlib import Path

from introducer.ledger.entries import Entry
from introducer.ledger.store import Ledger

DAY = dt.date(2026, 11, 23)


def wait_for(go: Path) -> None:
    deadline = time.monotonic() + 30
    while not go.exists():
        if time.monotonic() > deadline:
            sys.exit("the go file never appeared")
        time.sleep(0.0005)


def announce(path: Path, text: str = "") -> None:
    """Write a file in one step, so the parent never sees it half-written."""
    partial = path.with_name(path.name + ".partial")
    partial.write_text(text, encoding="utf-8")
    partial.replace(path)


def entry(label: str, number: int) -> Entry:
    return Entry(kind="introduced", a=f"{label}-{number:05d}", b="zz-partner", date=DAY,
                 note=f"{label} #{number}")


def main(argv: list[str]) -> None:
    command, state = argv[0], Path(argv[1])
    if command == "open":
        announce(Path(argv[2] + f".ready-{argv[3]}"))
        wait_for(Path(argv[2]))
        with Ledger.open(state) as ledger:
            print(ledger.version)
    elif command == "record":
        label, count, go = argv[2], int(argv[3]), Path(argv[4])
        announce(go.with_name(f"{go.name}.ready-{label}"))
        wait_for(go)
        began = time.time()
        for number in range(count):  # as `count` runs of `introducer record` would
            with Ledger.open(state) as ledger:
                ledger.add(entry(label, number))
        print(began, time.time())
    elif command == "hold":
        ready = Path(argv[2])
        with Ledger.open(state) as ledger:
            ledger.add(*(entry("committed", n) for n in range(3)))
            with ledger._writing():
                for number in range(500):
                    ledger._insert(entry("doomed", number))
                announce(ready)
                time.sleep(60)
        sys.exit("not killed")
    elif command == "churn":
        batch, ready = int(argv[2]), Path(argv[3])
        with Ledger.open(state) as ledger:
            round_ = 0
            while True:
                ledger.add(*(entry(f"{ready.name}:round{round_}", n) for n in range(batch)))
                if round_ == 0:
                    announce(ready)
                round_ += 1
    else:
        sys.exit(f"unknown command {command}")


if __name__ == "__main__":
    main(sys.argv[1:])
