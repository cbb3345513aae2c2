"""Time `introducer suggest --top 50 --format json` on synthetic books of 1k, 10k and 100k contacts.

Each figure is the median of several runs of a whole subprocess, next to the bare
`yaml.load(..., Loader=yaml.CSafeLoader)` of the same file in the same run (the
floor any YAML tool pays), with the ratio and the peak resident memory. The
matcher is also timed in-process (YAML -> pydantic -> Matchmaker) so its share is
visible on its own. Not part of `make test`; run with `make bench`.

    python benchmarks/run.py                       # 1k, 10k (5 runs each), 100k (1 run)
    python benchmarks/run.py --sizes 10000 --runs 3
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from generate import BOOKS, DEFAULT_SIZES, TODAY, write  # noqa: E402

TOP = 50


def environment() -> dict[str, str]:
    """The CLI as a user runs it, pinned to the generator's today, from this checkout."""
    env = dict(os.environ)
    env["INTRODUCER_TODAY"] = TODAY.isoformat()
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(ROOT / "src"), env.get("PYTHONPATH", "")) if p
    )
    env.pop("INTRODUCER_BOOK", None)
    return env


def run_child(args: Sequence[str]) -> tuple[float, float, str]:
    """Seconds, peak RSS (MiB) and stdout of one subprocess; raises if it fails."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        child = subprocess.Popen(list(args), stdout=out, stderr=err, env=environment())
        _, status, usage = os.wait4(child.pid, 0)
        elapsed = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if child.returncode != 0:
            raise RuntimeError(f"{' '.join(args)} exited {child.returncode}: "
                               f"{err.read().decode(errors='replace')[-2000:]}")
        return elapsed, usage.ru_maxrss / 1024, out.read().decode()


def median_of(runs: int, measure: Callable[[], float]) -> float:
    return statistics.median(measure() for _ in range(runs))


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "introducer", *args]


def cli_available() -> bool:
    try:
        run_child(cli("--version"))
    except (RuntimeError, OSError):
        return False
    return True


def time_yaml(path: Path) -> float:
    start = time.perf_counter()
    with path.open("rb") as handle:
        yaml.load(handle, Loader=yaml.CSafeLoader)
    return time.perf_counter() - start


def in_process(path: Path) -> dict[str, float]:
    """(child mode) YAML -> pydantic -> Matchmaker.suggest, each phase timed."""
    sys.path.insert(0, str(ROOT / "src"))
    from introducer.book.model import Book
    from introducer.book.schema import Contact, Me, Settings
    from introducer.match.rank import Matchmaker

    start = time.perf_counter()
    with path.open("rb") as handle:
        data = yaml.load(handle, Loader=yaml.CSafeLoader)
    parsed = time.perf_counter()
    book = Book(
        path=path,
        me=Me.model_validate(data.get("me") or {}),
        settings=Settings.model_validate(data.get("settings") or {}),
        contacts=tuple(Contact.model_validate(c) for c in data["contacts"]),
    )
    validated = time.perf_counter()
    matchmaker = Matchmaker(book, today=TODAY)
    found = matchmaker.suggest(top=TOP)
    done = time.perf_counter()
    assert len(found) == TOP
    return {
        "yaml_s": parsed - start,
        "pydantic_s": validated - parsed,
        "match_s": done - validated,
        "rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def measure(path: Path, runs: int, with_cli: bool) -> dict[str, Any]:
    row: dict[str, Any] = {"contacts": int(path.stem.split("-")[-1]), "runs": runs}
    row["yaml_s"] = median_of(runs, lambda: time_yaml(path))
    child = [sys.executable, str(Path(__file__).resolve()), "--in-process", str(path)]
    phases = [json.loads(run_child(child)[2]) for _ in range(runs)]
    for key in ("pydantic_s", "match_s", "rss_mib"):
        row["in_process_" + key] = statistics.median(p[key] for p in phases)
    if with_cli:
        command = cli("suggest", "--top", str(TOP), "--format", "json", "--book", str(path))
        results = [run_child(command) for _ in range(runs)]
        suggestions = json.loads(results[0][2])["suggestions"]
        assert len(suggestions) == TOP, f"expected {TOP} suggestions, got {len(suggestions)}"
        row["cli_s"] = statistics.median(r[0] for r in results)
        row["cli_rss_mib"] = max(r[1] for r in results)
        row["ratio"] = row["cli_s"] / row["yaml_s"]
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(DEFAULT_SIZES))
    parser.add_argument("--runs", type=int, default=5, help="runs per book under 100k contacts")
    parser.add_argument("--big-runs", type=int, default=1, help="runs for 100k contacts or more")
    parser.add_argument("--books", type=Path, default=BOOKS)
    parser.add_argument("--in-process", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.in_process:
        print(json.dumps(in_process(args.in_process)))
        return

    with_cli = cli_available()
    print(f"introducer benchmark, {dt.datetime.now():%Y-%m-%d %H:%M}, Python "
          f"{sys.version.split()[0]}, {os.cpu_count()} CPUs; medians in seconds")
    if with_cli:
        for flag in ("--version", "--help"):
            seconds = median_of(args.runs, lambda flag=flag: run_child(cli(flag))[0])
            print(f"introducer {flag}: {seconds:.3f} s")
    else:
        print("the CLI does not run yet: only in-process figures")
    header = (f"{'contacts':>9} {'runs':>4} {'yaml.load':>9} {'suggest':>8} {'ratio':>6} "
              f"{'peak MiB':>8} | in-process: {'pydantic':>8} {'match':>6} {'peak MiB':>8}")
    print(header)
    for size in args.sizes:
        path = write(size, args.books)
        runs = args.big_runs if size >= 100_000 else args.runs
        row = measure(path, runs, with_cli)
        cli_part = (f"{row['cli_s']:8.2f} {row['ratio']:5.1f}x {row['cli_rss_mib']:8.0f}"
                    if with_cli else f"{'-':>8} {'-':>6} {'-':>8}")
        print(f"{row['contacts']:9d} {runs:4d} {row['yaml_s']:9.2f} {cli_part} | "
              f"{'':12}{row['in_process_pydantic_s']:8.2f} {row['in_process_match_s']:6.2f} "
              f"{row['in_process_rss_mib']:8.0f}", flush=True)


if __name__ == "__main__":
    main()
