"""The benchmark harness runs end to end on a tiny book, so `make bench` cannot rot unseen,
and the seeded books the published figures were measured on stay byte for byte the same."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BENCHMARKS = ROOT / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))
import generate  # noqa: E402

# md5 of benchmarks/books/contacts-1000.yaml, on which docs/benchmarks.md was measured.
BOOK_1000_MD5 = "8706e0fb4c165c7e09dd9006a654cfc8"


def bench(script: str, *args: str) -> str:
    done = subprocess.run([sys.executable, str(BENCHMARKS / script), *args],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_table_has_a_row_per_book_with_every_column(tmp_path: Path) -> None:
    """The example (30 contacts) is scored naively in full, the generated 90 from a sample,
    its top 50 checked against the exhaustive index."""
    out = bench("run.py", "--sizes", "90", "--runs", "1", "--naive-full", "50",
                "--naive-sample", "100", "--books", str(tmp_path))
    lines = out.splitlines()
    header = next(line for line in lines if line.startswith("book "))
    assert header.split() == ["book", "contacts", "MB", "runs", "parse", "cold", "s", "×parse",
                              "MiB", "warm", "s", "×parse", "MiB", "load", "match", "naive",
                              "×match", "top", "50"]
    rows = {cells[0]: cells for cells in (line.split() for line in lines)
            if cells and cells[0].startswith("contacts")}
    assert set(rows) == {"contacts.yaml.example", "contacts-90.yaml"}
    example, generated = rows["contacts.yaml.example"], rows["contacts-90.yaml"]
    assert (example[1], generated[1]) == ("30", "90")
    assert all(len(cells) == 16 and cells[-1] == "same" for cells in rows.values())
    assert not example[-3].startswith("~")  # measured
    assert generated[-3].startswith("~") and generated[-2].startswith("~")  # estimated


def test_bench_large_reports_both_commands_and_their_peak_memory(tmp_path: Path) -> None:
    generate.write(120, tmp_path)
    out = bench("large.py", "--size", "120", "--books", str(tmp_path))
    assert "contacts-120.yaml" in out and "reused" in out
    assert "warm suggest --top 50" in out and "warm suggest --for " in out
    assert out.count("GB peak, target met") == 2
    assert "the top 50: exact (proven)" in out


def test_the_book_is_written_in_pieces_exactly_as_dumped_whole(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(generate, "_CHUNK", 7)
    assert "".join(generate.book_text(30)) == generate._dump(generate.book(30))


def test_the_published_1k_book_is_still_the_same_bytes(tmp_path: Path) -> None:
    """If this fails, the generator (or numpy's random streams) changed, and every figure
    in docs/benchmarks.md was measured on other books."""
    path = generate.write(1_000, tmp_path)
    assert hashlib.md5(path.read_bytes()).hexdigest() == BOOK_1000_MD5
