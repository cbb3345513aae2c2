"""What `plan` costs on top of `suggest`: whole processes on the seeded 1k and 10k books.

Each figure is the median of several runs (taken in turn) of `introducer plan --format json` (the
week's goal, 5, and a larger plan, --count 20 --per-person 2), printed next to
`suggest --top 50 --format json` run alongside it; in-process, the plan alone
(candidate list, exact solver, greedy) on a matchmaker already built, with the
size of the candidate list and the optimal and greedy totals. Target: under 2 s
above `suggest` at 10k. Not part of `make test`; `make bench`.

    python benchmarks/bench_plan.py
    python benchmarks/bench_plan.py --sizes 1000 --runs 3
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "src"))
from generate import BOOKS, TODAY, write  # noqa: E402
from run import cli, run_child  # noqa: E402

PLANS = (("goal", ()), ("count 20, per-person 2", ("--count", "20", "--per-person", "2")))


def interleaved(book: Path, runs: int, commands: list[list[str]]) -> list[float]:
    """Median seconds of each command, run in turn so that a busy machine slows all alike."""
    times: list[list[float]] = [[] for _ in commands]
    for _ in range(runs):
        for spent, args in zip(times, commands, strict=True):
            spent.append(run_child(cli("--book", str(book), *args))[0])
    return [statistics.median(spent) for spent in times]


def in_process(book: Path, runs: int) -> None:
    from introducer.book.load import load_book
    from introducer.match.rank import Matchmaker
    from introducer.plan.build import make_plan

    matchmaker = Matchmaker(load_book(book), today=TODAY)
    matchmaker.index.candidates(5_000)  # the index as `suggest` leaves it
    for label, count, per_person in (("goal", 5, 1), ("count 20, per-person 2", 20, 2)):
        seconds = []
        for _ in range(runs):
            start = time.perf_counter()
            plan = make_plan(matchmaker, count=count, per_person=per_person, today=TODAY)
            seconds.append(time.perf_counter() - start)
        print(f"  in-process plan ({label}): {statistics.median(seconds):.2f} s, "
              f"{plan.candidates} candidate pairs, optimal {plan.total:g}, "
              f"greedy {plan.greedy_total:g}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--books", type=Path, default=BOOKS)
    args = parser.parse_args()
    for size in args.sizes:
        book = write(size, args.books)
        suggest, *plans = interleaved(
            book, args.runs, [["suggest", "--top", "50", "--format", "json"],
                              *(["plan", "--format", "json", *extra] for _, extra in PLANS)])
        print(f"{size:,} contacts: suggest --top 50 {suggest:.2f} s")
        for (label, _), seconds in zip(PLANS, plans, strict=True):
            print(f"  plan ({label}): {seconds:.2f} s, {seconds - suggest:+.2f} s on suggest")
        in_process(book, args.runs)


if __name__ == "__main__":
    main()
