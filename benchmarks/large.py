"""A million contacts on one machine: warm `suggest --top 50` and `suggest --for`, as whole
processes, with peak memory (`make bench-large`).

The book is generated once per size and seed (`generate.py`, about 300 MB at 1M) and kept
in benchmarks/books/; later runs reuse it. `suggest --top 50` runs twice to prime the
cache (one `XDG_CACHE_HOME` for all runs: the first writes the book's entry, the second
the day's preparation and the record of its searches, which answer the measured runs),
then each command `--runs` times. `--for` asks for the first person of the top 50 (its
first run builds the index: nobody asked for that person before). A child that grows
past `--max-gb` of resident memory is stopped, so the benchmark cannot take the machine
down with it; the table then says so. Targets (issue 12): warm
1M within 60 s and under 8 GB.

    python benchmarks/large.py                     # 1M, one measured run of each
    python benchmarks/large.py --size 200000 --runs 3
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from generate import BOOKS, SEED, write  # noqa: E402
from run import child_json, cli, environment  # noqa: E402

TARGET_S = 60.0
TARGET_GB = 8.0


class MemoryLimitError(RuntimeError):
    """The child outgrew the memory it was allowed."""


def _rss_gb(pid: int) -> float:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024 / 1e9
    return 0.0


def run_watched(args: Sequence[str], cache: Path, limit_gb: float
                ) -> tuple[float, float, str, str]:
    """Seconds, peak RSS (GB, ru_maxrss), stdout and stderr of one child, stopped past
    `limit_gb`."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        child = subprocess.Popen(list(args), stdout=out, stderr=err, env=environment(cache))
        stopped = threading.Event()
        done = threading.Event()

        def watch() -> None:
            while not done.wait(0.25):
                if _rss_gb(child.pid) > limit_gb:
                    stopped.set()
                    child.send_signal(signal.SIGKILL)
                    return

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        _, status, usage = os.wait4(child.pid, 0)
        done.set()
        watcher.join()
        elapsed = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
        peak = usage.ru_maxrss * 1024 / 1e9
        if stopped.is_set():
            raise MemoryLimitError(f"stopped after {elapsed:.0f} s at {peak:.1f} GB resident")
        out.seek(0)
        err.seek(0)
        if child.returncode != 0:
            raise RuntimeError(f"{' '.join(args)} exited {child.returncode}: "
                               f"{err.read().decode(errors='replace')[-2000:]}")
        return elapsed, peak, out.read().decode(), err.read().decode(errors="replace")


def available_gb() -> float:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemAvailable:"):
            return int(line.split()[1]) * 1024 / 1e9
    return float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--runs", type=int, default=1, help="measured runs of each command")
    parser.add_argument("--max-gb", type=float, default=14.0,
                        help="stop a child whose resident memory passes this")
    parser.add_argument("--parse", action="store_true",
                        help="also time the bare libyaml parse (collector paused)")
    parser.add_argument("--books", type=Path, default=BOOKS)
    args = parser.parse_args()

    print(f"{args.size:,} contacts, seed {args.seed}; {os.cpu_count()} CPUs, "
          f"{available_gb():.1f} GB available, load average {os.getloadavg()[0]:.2f}",
          flush=True)
    start = time.perf_counter()
    existing = set(args.books.glob("*.yaml"))
    book = write(args.size, args.books, args.seed)
    how = "reused" if book in existing else f"generated in {time.perf_counter() - start:.0f} s"
    print(f"book: {book} ({book.stat().st_size / 1e6:.0f} MB, {how})", flush=True)
    if args.parse:
        print(f"bare libyaml parse, collector paused: "
              f"{child_json('parse', str(book))['parse_s']:.1f} s", flush=True)

    top = cli("suggest", "--top", "50", "--format", "json", "--book", str(book))
    with tempfile.TemporaryDirectory(prefix="introducer-bench-large-") as scratch:
        cache = Path(scratch)
        try:
            primed = run_watched(top, cache, args.max_gb)
            print(f"priming run (cold): {primed[0]:.1f} s, {primed[1]:.2f} GB",
                  flush=True)
            # The book read back: this run writes the day's preparation and the record of
            # the searches (`match/replay.py`), which the measured runs are answered from.
            second = run_watched(top, cache, args.max_gb)
            print(f"second priming run (writes the preparation and the record): "
                  f"{second[0]:.1f} s, {second[1]:.2f} GB", flush=True)
            suggestions = json.loads(primed[2])["suggestions"]
            note = next((line for line in primed[3].splitlines()
                         if line.startswith("approximate:")), None)
            print("the top 50: " + ("exact (proven)" if note is None else
                                    f"the best found, not proven ({note[:120]}...)"),
                  flush=True)
            someone = suggestions[0]["a"]["id"]
            focus = cli("suggest", "--for", someone, "--top", "10", "--format", "json",
                        "--book", str(book))
            for label, command, cold in (
                    (f"suggest --top 50 ({len(suggestions)} found)", top, primed[2]),
                    (f"suggest --for {someone} --top 10", focus, None)):
                results = [run_watched(command, cache, args.max_gb) for _ in range(args.runs)]
                if cold is not None and any(r[2] != cold for r in results):
                    raise RuntimeError(f"warm {label} printed another list than the cold run")
                seconds = statistics.median(r[0] for r in results)
                peak = max(r[1] for r in results)
                met = "met" if seconds <= TARGET_S and peak < TARGET_GB else "NOT met"
                print(f"warm {label}: {seconds:.1f} s, {peak:.2f} GB peak, target {met}",
                      flush=True)
        except MemoryLimitError as stop:
            print(f"the run was {stop} (limit --max-gb {args.max_gb:g})", flush=True)
    print(f"targets: warm within {TARGET_S:.0f} s and under {TARGET_GB:.0f} GB; "
          f"load average at the end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
