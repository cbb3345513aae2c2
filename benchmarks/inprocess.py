"""The in-process halves of the benchmark table, each run in a fresh child by `run.py`.

    python benchmarks/inprocess.py parse BOOK       # the bare libyaml parse, collector paused
    python benchmarks/inprocess.py match BOOK [--naive full|sample] [--check]

`parse` is the floor every YAML tool pays: `gc.disable(); yaml.load(f, Loader=CSafeLoader)`.
`match` loads the book as the CLI does, then times `Matchmaker(...).suggest(top=50)`; with
`--naive` it times the naive all-pairs scorer (`naive.py`) too, in full or from a sample
of pairs (an estimate), and with `--check` says whether the top 50 is the one every pair
scored gives (the naive scorer's when run in full, else the index's with a pair budget
that lets every column propose, which is exhaustive: minutes at 100k). Prints one JSON object.
"""

from __future__ import annotations

import argparse
import gc
import json
import resource
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "src"))
from generate import TODAY  # noqa: E402

if TYPE_CHECKING:
    from introducer.match.score import Suggestion

TOP = 50
SAMPLE_PAIRS = 100_000
# A pair budget no book reaches: every column proposes pairs, so the index lists every pair
# that totals above zero (10**9 is not enough at 100k: 87 columns cost more).
EVERY_COLUMN = 2**62


def parse(path: Path) -> dict[str, Any]:
    gc.disable()
    start = time.perf_counter()
    with path.open("rb") as handle:
        yaml.load(handle, Loader=yaml.CSafeLoader)
    return {"parse_s": time.perf_counter() - start}


def compared(found: list[Suggestion], exhaustive: list[Suggestion]) -> dict[str, Any]:
    """Whether the two lists are the same, and how many pairs of `exhaustive` `found` has."""
    pairs = {(s.a.id, s.b.id) for s in found}
    return {"same_top": found == exhaustive,
            "found_of_top": sum((s.a.id, s.b.id) in pairs for s in exhaustive),
            "top": len(exhaustive)}


def match(path: Path, naive: str | None, check: bool, sample: int) -> dict[str, Any]:
    from introducer.book.load import load_book
    from introducer.match.rank import Matchmaker
    from naive import NaiveMatchmaker, bare, sample_cost

    start = time.perf_counter()
    book = load_book(path)
    loaded = time.perf_counter()
    found = Matchmaker(book, today=TODAY).suggest(top=TOP)
    matched = time.perf_counter()
    row: dict[str, Any] = {"load_s": loaded - start, "match_s": matched - loaded,
                           "suggestions": len(found),
                           "rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}
    size = len(book.contacts)
    if naive == "full":
        begin = time.perf_counter()
        exhaustive = NaiveMatchmaker(book, today=TODAY).suggest(top=TOP)
        row["naive_s"] = time.perf_counter() - begin
        row["naive"] = "measured"
        if check:
            row.update(compared(bare(found), bare(exhaustive)), checked_against="naive")
    elif naive == "sample":
        begin = time.perf_counter()
        matchmaker = NaiveMatchmaker(book, today=TODAY)
        prepared = time.perf_counter() - begin
        per_pair = sample_cost(matchmaker, sample)
        row["naive_s"] = prepared + per_pair * size * (size - 1) / 2
        row["naive"] = f"estimated from {sample:,} pairs"
    if check and "same_top" not in row:
        exhaustive = Matchmaker(book, today=TODAY, pair_budget=EVERY_COLUMN).suggest(top=TOP)
        row.update(compared(found, exhaustive), checked_against="exhaustive index")
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=("parse", "match"))
    parser.add_argument("book", type=Path)
    parser.add_argument("--naive", choices=("full", "sample"))
    parser.add_argument("--sample", type=int, default=SAMPLE_PAIRS)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    if args.what == "parse":
        row = parse(args.book)
    else:
        row = match(args.book, args.naive, args.check, args.sample)
    print(json.dumps(row))


if __name__ == "__main__":
    main()
