"""The benchmark table: `introducer suggest --top 50 --format json`, cold and warm, from the
example book to 100k contacts, against the bare libyaml parse and a naive all-pairs scorer.

Each book gets one row: the median seconds and peak resident memory (`os.wait4`'s
ru_maxrss) of whole processes, cold (a fresh, empty `XDG_CACHE_HOME` each run, so no
cache of the book can answer) and warm (one `XDG_CACHE_HOME` for every run, primed by
two runs that are not counted: the second writes the day's preparation and the record
of the searches); each against `gc.disable(); yaml.load(f, Loader=CSafeLoader)` of the
same file, in a fresh process, taken in turn with them so a busy machine slows all
alike. Then, in-process (`inprocess.py`): loading the book, the matcher
(`Matchmaker(...).suggest(top=50)`), the naive all-pairs scorer (`naive.py`: every pair
through `PairScorer.score_pair`, ranked by the same greedy selection; measured up to
`--naive-full`, above that estimated from a timed sample of pairs) and whether the top 50
is the one every pair scored gives. First, the light commands: `--version`, `--help`, and
a person's warm `suggest` and `today` (the example book, and `today` on 2,000 contacts)
against their targets. Not part of `make test`; run with `make bench`.

    python benchmarks/run.py                       # example, 1k, 2k, 10k (5 runs), 100k (3)
    python benchmarks/run.py --sizes 10000 --runs 3 --no-example
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
EXAMPLE = ROOT / "contacts.yaml.example"
sys.path.insert(0, str(HERE))
from generate import BOOKS, TODAY, write  # noqa: E402

TOP = 50
DEFAULT_SIZES = (1_000, 2_000, 10_000, 100_000)
BIG = 100_000  # from here on, --big-runs runs


def environment(cache: Path | None = None) -> dict[str, str]:
    """The CLI as a user runs it, pinned to the generator's today, from this checkout; with
    `cache`, that folder is the user cache dir (XDG_CACHE_HOME) and no history is read."""
    env = dict(os.environ)
    env["INTRODUCER_TODAY"] = TODAY.isoformat()
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(ROOT / "src"), env.get("PYTHONPATH", "")) if p
    )
    env.pop("INTRODUCER_BOOK", None)
    if cache is not None:
        env["XDG_CACHE_HOME"] = str(cache)
        env["INTRODUCER_STATE"] = str(cache / "no-history.sqlite3")
    return env


def run_child(args: Sequence[str], cache: Path | None = None) -> tuple[float, float, str]:
    """Seconds, peak RSS (MiB) and stdout of one subprocess; raises if it fails."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        child = subprocess.Popen(list(args), stdout=out, stderr=err, env=environment(cache))
        _, status, usage = os.wait4(child.pid, 0)
        elapsed = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if child.returncode != 0:
            raise RuntimeError(f"{' '.join(args)} exited {child.returncode}: "
                               f"{err.read().decode(errors='replace')[-2000:]}")
        return elapsed, usage.ru_maxrss / 1024, out.read().decode()


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "introducer", *args]


def child_json(*args: str) -> dict[str, Any]:
    """What one `inprocess.py` child reports."""
    result: dict[str, Any] = json.loads(
        run_child([sys.executable, str(HERE / "inprocess.py"), *args])[2])
    return result


def suggest(book: Path) -> list[str]:
    return cli("suggest", "--top", str(TOP), "--format", "json", "--book", str(book))


@dataclass
class Runs:
    """Whole-process runs of one command: seconds, peak MiB, and what it printed."""

    seconds: list[float] = field(default_factory=list)
    peak_mib: list[float] = field(default_factory=list)
    outputs: set[str] = field(default_factory=set)

    def add(self, result: tuple[float, float, str]) -> None:
        self.seconds.append(result[0])
        self.peak_mib.append(result[1])
        self.outputs.add(result[2])

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


def whole_processes(book: Path, runs: int) -> tuple[list[float], Runs, Runs]:
    """The paused parse, cold and warm runs, taken in turn `runs` times."""
    parse: list[float] = []
    cold, warm = Runs(), Runs()
    with tempfile.TemporaryDirectory(prefix="introducer-bench-") as scratch:
        warm_cache = Path(scratch, "warm")
        warm_cache.mkdir()
        # Primes the cache, not counted: the first run writes the book's entry, the second
        # (the book read back) the day's preparation and the record of its searches.
        for _ in range(2):
            run_child(suggest(book), warm_cache)
        for run in range(runs):
            parse.append(child_json("parse", str(book))["parse_s"])
            cold_cache = Path(scratch, f"cold-{run}")
            cold_cache.mkdir()
            cold.add(run_child(suggest(book), cold_cache))
            warm.add(run_child(suggest(book), warm_cache))
    outputs = cold.outputs | warm.outputs
    if len(outputs) != 1:
        raise RuntimeError(f"{book}: cold and warm runs printed {len(outputs)} different lists")
    if not json.loads(outputs.pop())["suggestions"]:
        raise RuntimeError(f"{book}: no suggestions")
    return parse, cold, warm


COLUMNS = (
    ("book", 22), ("contacts", 8), ("MB", 5), ("runs", 4), ("parse", 6),
    ("cold s", 6), ("×parse", 6), ("MiB", 5), ("warm s", 6), ("×parse", 6), ("MiB", 5),
    ("load", 6), ("match", 6), ("naive", 9), ("×match", 7), ("top 50", 6),
)
LEGEND = """\
parse: gc.disable(); yaml.load(f, Loader=CSafeLoader) of the book, in a fresh process
cold / warm: whole `suggest --top 50 --format json` processes, a fresh empty XDG_CACHE_HOME
  each run / one XDG_CACHE_HOME primed by two uncounted runs; MiB is the peak RSS (ru_maxrss)
load, match: in-process, load_book and Matchmaker(...).suggest(top=50), fresh processes
naive: every pair through PairScorer.score_pair, ranked by the same greedy selection
  (~ = estimated from a timed sample of pairs); ×match = naive / match
top 50: `same` if it equals the naive scorer's (where measured) or else the exhaustive
  index's (every column proposing), runners-up aside for the naive one; else how many of
  the exhaustive top 50 pairs it has"""


def header() -> str:
    return "  ".join(name.rjust(width) if i else name.ljust(width)
                     for i, (name, width) in enumerate(COLUMNS))


def row_text(cells: Sequence[str]) -> str:
    return "  ".join(cell.rjust(width) if i else cell.ljust(width)
                     for i, (cell, (_, width)) in enumerate(zip(cells, COLUMNS, strict=True)))


def measure(book: Path, runs: int, naive: str | None, check: bool, sample: int) -> str:
    parse, cold, warm = whole_processes(book, runs)
    floor = statistics.median(parse)
    options = ["--sample", str(sample)] + (["--naive", naive] if naive else []) + (
        ["--check"] if check else [])
    inside = child_json("match", str(book), *options)
    if runs > 1:  # the load and the matcher as medians too; the naive scorer runs once
        again = [inside] + [child_json("match", str(book)) for _ in range(runs - 1)]
        for key in ("load_s", "match_s"):
            inside[key] = statistics.median(row[key] for row in again)
    contacts = _contacts(book)
    naive_cell = ratio_cell = "-"
    if "naive_s" in inside:
        mark = "" if inside["naive"] == "measured" else "~"
        naive_cell = mark + _figure(inside["naive_s"])
        ratio_cell = mark + _figure(inside["naive_s"] / inside["match_s"]) + "×"
    same = inside.get("same_top")
    top_cell = ("-" if same is None else "same" if same
                else f"{inside['found_of_top']}/{inside['top']}")
    return row_text([
        book.name, f"{contacts:,}", f"{book.stat().st_size / 1e6:.1f}", str(runs), f"{floor:.2f}",
        f"{cold.median:.2f}", f"{cold.median / floor:.2f}", f"{max(cold.peak_mib):.0f}",
        f"{warm.median:.2f}", f"{warm.median / floor:.2f}", f"{max(warm.peak_mib):.0f}",
        f"{inside['load_s']:.2f}", f"{inside['match_s']:.2f}", naive_cell, ratio_cell,
        top_cell,
    ])


def personal(runs: int, books: Path) -> str:
    """A person's commands as a connector runs them through a session: warm, piped, on a
    ledger they keep (#12's targets: the example's `suggest` and `today` within 150 ms, a
    2,000-contact book's `today` within 300 ms). Each primed by two uncounted runs (the
    book's cache, then the day's preparation and the ledger), and each run followed by a
    bare interpreter start: a shared host's speed varies by half from one hour to the
    next, and what it was is what these seconds are read against."""
    cells = []
    bare: list[float] = []  # the interpreter's own start, taken in turn: how fast the host is
    with tempfile.TemporaryDirectory(prefix="introducer-personal-") as scratch:
        for book, command, target in ((EXAMPLE, "suggest", 0.150), (EXAMPLE, "today", 0.150),
                                      (write(2_000, books), "today", 0.300)):
            cache = Path(scratch, f"{book.stem}-{command}")
            cache.mkdir()
            args = cli(command, "--book", str(book))
            for _ in range(2):
                run_child(args, cache)
            seconds: list[float] = []
            for _ in range(runs):
                seconds.append(run_child(args, cache)[0])
                bare.append(run_child([sys.executable, "-c", "pass"])[0])
            name = "example" if book == EXAMPLE else f"{_contacts(book):,} contacts"
            cells.append(f"{name} {command} {statistics.median(seconds):.3f} s "
                         f"(target {target:.3f})")
    return (f"warm, piped: {'; '.join(cells)}; a bare `python -c pass` "
            f"{statistics.median(bare):.3f} s in turn with them")


def _figure(value: float) -> str:
    """Two significant digits or more, no decimals past 100."""
    return f"{value:.0f}" if value >= 100 else f"{value:.2g}" if value < 1 else f"{value:.1f}"


def _contacts(book: Path) -> int:
    """How many contacts a book holds, from its name (generated) or by counting them."""
    stem = book.stem.split("-")[-1]
    if stem.isdigit():
        return int(stem)
    import yaml

    with book.open("rb") as handle:
        return len(yaml.load(handle, Loader=yaml.CSafeLoader)["contacts"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=list(DEFAULT_SIZES),
                        help="generated books (seeded) to measure")
    parser.add_argument("--example", action=argparse.BooleanOptionalAction, default=True,
                        help="measure contacts.yaml.example too (30 contacts)")
    parser.add_argument("--runs", type=int, default=5, help=f"runs per book under {BIG:,}")
    parser.add_argument("--big-runs", type=int, default=3, help=f"runs from {BIG:,} contacts")
    parser.add_argument("--naive-full", type=int, default=1_000,
                        help="largest book whose every pair the naive scorer runs in full")
    parser.add_argument("--naive-sample", type=int, default=100_000,
                        help="pairs timed to estimate the naive scorer on a larger book")
    parser.add_argument("--no-check", dest="check", action="store_false",
                        help="skip the check of the top 50 against an exhaustive computation")
    parser.add_argument("--books", type=Path, default=BOOKS)
    args = parser.parse_args()

    books = ([EXAMPLE] if args.example else []) + [write(size, args.books) for size in args.sizes]
    print(f"introducer benchmark, {dt.datetime.now():%Y-%m-%d %H:%M}, Python "
          f"{sys.version.split()[0]}, {os.cpu_count()} CPUs, load average "
          f"{os.getloadavg()[0]:.2f}; medians in seconds")
    flags = {flag: statistics.median(run_child(cli(flag))[0] for _ in range(args.runs))
             for flag in ("--version", "--help")}
    print("  ".join(f"introducer {flag}: {seconds:.3f} s" for flag, seconds in flags.items()))
    print(personal(2 * args.runs + 1, args.books), flush=True)
    print(header(), flush=True)
    for book in books:
        size = _contacts(book)
        runs = args.big_runs if size >= BIG else args.runs
        naive = "full" if size <= args.naive_full else "sample"
        print(measure(book, runs, naive, args.check, args.naive_sample), flush=True)
    print(f"load average at the end {os.getloadavg()[0]:.2f}")
    print(LEGEND)


if __name__ == "__main__":
    main()
