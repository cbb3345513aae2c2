"""Time `suggest --top 50` on the books where every value is common, and check the list.

The issue on speed names two: the example book copied to 138k contacts (every contact
with thousands of twins) and 100k contacts who each hold 2 of 5 client types, 2 of 5
hobbies and 1 of 10 trades (`concentrated.py`). Targets: under 60 s and 2 GB each, as
whole processes, with the list an exhaustive ranking gives. An exhaustive ranking of
100k contacts is out of reach (5e9 pairs), so the same books at 1,000 contacts are
ranked both ways in-process (every pair scored one by one, as `small.py` does for a
personal book) and must agree; at full size the list must not be marked approximate.

    python benchmarks/bench_concentrated.py                 # both books, full size
    python benchmarks/bench_concentrated.py --scale 0.1     # a tenth of the size
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from concentrated import five, repeated  # noqa: E402

TOP = 50
TODAY = dt.date(2026, 12, 1)
BOOKS = {"repeated": (repeated, 138_000), "five": (five, 100_000)}


def write(kind: str, size: int, folder: Path) -> Path:
    path = folder / f"{kind}-{size}.yaml"
    if not path.exists():
        make, _ = BOOKS[kind]
        with path.open("w", encoding="utf-8") as out:
            yaml.dump(make(size), out, Dumper=yaml.CSafeDumper, sort_keys=False,
                      allow_unicode=True)
    return path


def whole_process(path: Path) -> tuple[float, float, list[dict[str, object]], str]:
    """Seconds, peak RSS (MiB), the suggestions and stderr of one `suggest` run."""
    env = {**os.environ, "INTRODUCER_TODAY": TODAY.isoformat(),
           "PYTHONPATH": str(ROOT / "src")}
    with tempfile.TemporaryDirectory() as state, tempfile.TemporaryFile() as out, \
            tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        child = subprocess.Popen(
            [sys.executable, "-m", "introducer", "--book", str(path), "--state",
             str(Path(state) / "state.sqlite3"), "suggest", "--top", str(TOP), "--format",
             "json"], stdout=out, stderr=err, env=env)
        _, status, usage = os.wait4(child.pid, 0)
        elapsed = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        message = err.read().decode(errors="replace")
        if os.waitstatus_to_exitcode(status) != 0:
            raise RuntimeError(f"suggest on {path} failed: {message[-2000:]}")
        found = json.loads(out.read())["suggestions"]
        return elapsed, usage.ru_maxrss / 1024, found, message


def agrees_with_every_pair(path: Path) -> bool:
    """The ranking's list equals every pair scored one by one (a small book's path)."""
    sys.path.insert(0, str(ROOT / "src"))
    from introducer.book.load import load_book
    from introducer.match.rank import Matchmaker

    book = load_book(path)
    ranked = Matchmaker(book, today=TODAY, small_book=0).suggest(top=TOP)
    every_pair = Matchmaker(book, today=TODAY, small_book=len(book.contacts)).suggest(top=TOP)
    return ranked == every_pair


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="of the full sizes")
    parser.add_argument("--folder", type=Path,
                        default=Path(tempfile.gettempdir()) / "introducer-concentrated",
                        help="where the books are written once and kept for the next run")
    args = parser.parse_args()
    args.folder.mkdir(parents=True, exist_ok=True)
    print(f"{'book':<10} {'contacts':>9} {'seconds':>8} {'peak MiB':>9} {'exact':>6} "
          f"{'= every pair at 1,000':>22}")
    for kind, (_, size) in BOOKS.items():
        full = write(kind, max(TOP, int(size * args.scale)), args.folder)
        seconds, rss, found, message = whole_process(full)
        exact = not message.startswith("approximate:") and len(found) == TOP
        small = agrees_with_every_pair(write(kind, 1_000, args.folder))
        print(f"{kind:<10} {int(size * args.scale):>9,} {seconds:>8.1f} {rss:>9.0f} "
              f"{'yes' if exact else 'NO':>6} {'yes' if small else 'NO':>22}")


if __name__ == "__main__":
    main()
