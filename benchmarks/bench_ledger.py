"""What the ledger costs: history-aware `suggest` and `today`, `record`, and the store itself.

On the seeded 10k-contact book (generate.py) with a seeded history (introductions,
outcomes, snoozes, referrals received, suggestions shown), each figure is the
median of several whole-process runs, printed next to a baseline run alongside
it: `suggest` with no state file, and `--version` for `record`. In-process, the
store's write rate (one transaction per entry, as `record` does) and the time to
read every entry and compute the views. Not part of `make test`; `make bench`.

    python benchmarks/bench_ledger.py
    python benchmarks/bench_ledger.py --size 1000 --entries 2000 --runs 3
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "src"))
from generate import BOOKS, TODAY, write  # noqa: E402
from introducer.ledger.entries import Entry  # noqa: E402
from introducer.ledger.store import Ledger  # noqa: E402
from introducer.ledger.views import followups, funnel, history_view  # noqa: E402
from run import cli, run_child  # noqa: E402


def contact_ids(book: Path) -> list[str]:
    """The ids of the synthetic book, read the way introducer reads them."""
    from introducer.book.load import load_book

    return [c.id for c in load_book(book).contacts]


def seeded_history(ids: list[str], count: int, seed: int = 20261123) -> list[Entry]:
    """`count` entries over the last year: mostly introductions, with their aftermath."""
    rng = random.Random(seed)
    entries: list[Entry] = []
    while len(entries) < count:
        a, b = rng.sample(ids, 2)
        day = TODAY - dt.timedelta(days=rng.randrange(365))
        roll = rng.random()
        if roll < 0.5:
            entries.append(Entry("introduced", a, b, day))
            if rng.random() < 0.5:
                result = rng.choice(["met", "business", "no-reply", "declined"])
                value = float(rng.randrange(100, 5000)) if result == "business" else None
                entries.append(Entry("outcome", a, b, min(TODAY, day + dt.timedelta(days=9)),
                                     result=result, value=value))  # type: ignore[arg-type]
        elif roll < 0.7:
            entries.append(Entry("suggested", a, b, day))
        elif roll < 0.8:
            entries.append(Entry("asked", a, b, day))
        elif roll < 0.9:
            entries.append(Entry("snoozed", a, b, day, until=day + dt.timedelta(days=60)))
        else:
            entries.append(Entry("received", a, None, day))
    return entries[:count]


def median_cli(runs: int, *args: str) -> float:
    return statistics.median(run_child(cli(*args))[0] for _ in range(runs))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    book = write(args.size, BOOKS)
    ids = contact_ids(book)
    history = seeded_history(ids, args.entries)
    print(f"ledger benchmark: {args.size:,} contacts, {len(history):,} history entries, "
          f"medians of {args.runs} runs")
    with tempfile.TemporaryDirectory() as folder:
        empty = Path(folder) / "empty.sqlite3"
        state = Path(folder) / "state.sqlite3"
        start = time.perf_counter()
        with Ledger.open(state) as ledger:
            ledger.add(*history)
        print(f"  write {len(history):,} entries in one transaction: "
              f"{time.perf_counter() - start:.3f} s")

        rate_file = Path(folder) / "rate.sqlite3"
        with Ledger.open(rate_file) as ledger:
            start = time.perf_counter()
            for entry in history[:300]:
                ledger.add(entry)
            per_entry = (time.perf_counter() - start) / 300
        print(f"  one transaction per entry (as `record`): {per_entry * 1000:.2f} ms each, "
              f"{1 / per_entry:,.0f} per second")

        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            with Ledger.open(state) as ledger:
                live = ledger.entries()
            history_view(live, TODAY, 14)
            followups(live, TODAY, 7)
            funnel(live)
            times.append(time.perf_counter() - start)
        print(f"  read every entry + history view + follow-ups + funnel: "
              f"{statistics.median(times):.3f} s")

        base = median_cli(args.runs, "suggest", "--top", "50", "--format", "json",
                          "--book", str(book), "--state", str(empty))
        with_history = median_cli(args.runs, "suggest", "--top", "50", "--format", "json",
                                  "--book", str(book), "--state", str(state))
        print(f"  suggest --top 50: {with_history:.2f} s with history vs {base:.2f} s without "
              f"({with_history / base:.2f}x)")
        today = median_cli(args.runs, "today", "--format", "json", "--book", str(book),
                           "--state", str(state))
        print(f"  today --format json: {today:.2f} s ({today / base:.2f}x suggest without "
              "history)")
        version = median_cli(args.runs, "--version")
        record = statistics.median(
            run_child(cli("record", ids[i], ids[i + 1], "--book", str(book), "--state",
                          str(state)))[0]
            for i in range(args.runs)
        )
        print(f"  record A B: {record:.2f} s (loads the book to name the pair) vs --version "
              f"{version:.3f} s")
        empty.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
