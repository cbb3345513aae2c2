"""Judgment, measured: how well `introducer suggest` ranks graded books.

Each book `eval/books/NAME.yaml` has a connector's grades in `NAME.grades.yaml`:

    pairs:
      - {a: carol-jensen, b: beth-caldwell, grade: 3, why: "widow; estate unsettled"}

Grades: 3 make this week (must-make), 2 good, 1 weak, 0 pointless, -1 harmful.
Pairs nobody graded count as 0 (and are counted, so graders can fill them in).

For every book this runs the real CLI, as a user would, on the pinned day:

    INTRODUCER_TODAY=2026-12-01 introducer --book B --state TMP suggest --top 50 --format json

and prints precision@10 (share of the top 10 graded >= 2), nDCG@20 (gain 2^g - 1
for g > 0; the ideal is the best 20 of all graded pairs), must-makes (grade 3)
in the top 50, and harmful pairs (grade -1) in the top 20.

    python eval/run.py [--verbose] [--json] [--books DIR] [NAME ...]

`--verbose` also lists the top 20 with their grades and every must-make missed
with its rank in the full, uncapped ranking (`--top` everything, `--per-person 0`).
Exit status: 0 when every book was measured, 1 when a book or its grades are
broken or the CLI failed.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml

TODAY = "2026-12-01"
TOP = 50
PRECISION_AT = 10
NDCG_AT = 20
HARMFUL_AT = 20
BOOKS = Path(__file__).resolve().parent / "books"

Pair = tuple[str, str]
Grades = Mapping[Pair, int]


def pair(a: str, b: str) -> Pair:
    """Pairs are unordered: the smaller id first, as `suggest` prints them."""
    return (a, b) if a <= b else (b, a)


# ── the metrics (pure, unit-tested in tests/test_eval.py) ────────────────────

def grade_of(grades: Grades, p: Pair) -> int:
    return grades.get(p, 0)


def gain(grade: int) -> float:
    return 2.0**grade - 1 if grade > 0 else 0.0


def precision_at(ranked: Sequence[Pair], grades: Grades, k: int = PRECISION_AT) -> float:
    """Share of the top k graded 2 or more; a shorter list still divides by k."""
    return sum(1 for p in ranked[:k] if grade_of(grades, p) >= 2) / k


def dcg(gains: Iterable[float]) -> float:
    return sum(g / math.log2(i + 2) for i, g in enumerate(gains))


def ndcg_at(ranked: Sequence[Pair], grades: Grades, k: int = NDCG_AT) -> float:
    """DCG of the top k over the DCG of the best k graded pairs (0 when nothing is graded > 0)."""
    ideal = dcg(sorted((gain(g) for g in grades.values() if g > 0), reverse=True)[:k])
    if ideal == 0:
        return 0.0
    return dcg(gain(grade_of(grades, p)) for p in ranked[:k]) / ideal


def must_makes(grades: Grades) -> list[Pair]:
    return sorted(p for p, g in grades.items() if g >= 3)


def found_in(ranked: Sequence[Pair], wanted: Iterable[Pair], k: int = TOP) -> list[Pair]:
    top = set(ranked[:k])
    return [p for p in wanted if p in top]


def harmful_in(ranked: Sequence[Pair], grades: Grades, k: int = HARMFUL_AT) -> list[Pair]:
    return [p for p in ranked[:k] if grade_of(grades, p) < 0]


def ungraded_in(ranked: Sequence[Pair], grades: Grades, k: int) -> int:
    return sum(1 for p in ranked[:k] if p not in grades)


# ── reading books and grades ─────────────────────────────────────────────────

class EvalError(Exception):
    """A book, its grades or the CLI is broken; the message says which and where."""


@dataclass
class Graded:
    grades: dict[Pair, int]
    why: dict[Pair, str]


def load_grades(path: Path, ids: set[str]) -> Graded:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as error:
        raise EvalError(f"{path}: cannot read the grades ({error})") from None
    rows = data.get("pairs") if isinstance(data, dict) else None
    if not isinstance(rows, list):
        raise EvalError(f"{path}: expected a top-level 'pairs:' list")
    graded = Graded({}, {})
    problems: list[str] = []
    for number, row in enumerate(rows, 1):
        where = f"{path}: pair {number}"
        if not isinstance(row, dict) or not {"a", "b", "grade"} <= row.keys():
            problems.append(f"{where}: needs a, b and grade")
            continue
        a, b, grade = str(row["a"]), str(row["b"]), row["grade"]
        if not isinstance(grade, int) or isinstance(grade, bool) or not -1 <= grade <= 3:
            problems.append(f"{where} ({a}, {b}): grade must be -1, 0, 1, 2 or 3")
            continue
        unknown = [x for x in (a, b) if x not in ids]
        if unknown:
            problems.append(f"{where}: no contact has the id {', '.join(unknown)}")
            continue
        if a == b:
            problems.append(f"{where}: a pair of one contact ({a})")
            continue
        key = pair(a, b)
        if key in graded.grades and graded.grades[key] != grade:
            problems.append(f"{where} ({a}, {b}): graded twice, {graded.grades[key]} and {grade}")
            continue
        graded.grades[key] = grade
        graded.why[key] = str(row.get("why") or "")
    if problems:
        raise EvalError("\n".join(problems))
    return graded


def introducer(book: Path, state: Path, *args: str) -> dict[str, Any]:
    """Run the real CLI (the one installed beside this Python) and parse its JSON."""
    env = {**os.environ, "INTRODUCER_TODAY": TODAY, "INTRODUCER_STATE": str(state),
           "NO_COLOR": "1"}
    env.pop("INTRODUCER_BOOK", None)
    # --no-cache: grading the books leaves nothing in the user's cache folder.
    command = [sys.executable, "-m", "introducer", "--no-cache", "--book", str(book),
               "--state", str(state), *args, "--format", "json"]
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        raise EvalError(f"{book}: `introducer {' '.join(args)}` exited {done.returncode}:\n"
                        f"{done.stderr.strip()}")
    try:
        result: dict[str, Any] = json.loads(done.stdout)
    except json.JSONDecodeError as error:
        message = f"{book}: `introducer {' '.join(args)}` printed no JSON ({error})"
        raise EvalError(message) from None
    return result


def ranking(output: Mapping[str, Any]) -> list[Pair]:
    return [pair(s["a"]["id"], s["b"]["id"]) for s in output["suggestions"]]


# ── one book ─────────────────────────────────────────────────────────────────

@dataclass
class Row:
    rank: int
    a: str
    b: str
    score: float
    grade: int | None
    why: str
    reasons: list[str] = field(default_factory=list)


@dataclass
class Result:
    book: str
    contacts: int
    graded: int
    by_grade: dict[str, int]
    precision_at_10: float
    ndcg_at_20: float
    must_makes_found: int
    must_makes: int
    harmful_in_top_20: list[list[str]]
    ungraded_in_top_10: int
    ungraded_in_top_20: int
    top: list[Row] = field(default_factory=list)
    missed: list[dict[str, Any]] = field(default_factory=list)


def measure(book: Path, grades_path: Path, verbose: bool) -> Result:
    with tempfile.TemporaryDirectory(prefix="introducer-eval-") as tmp:
        state = Path(tmp) / "eval.sqlite3"
        contacts = introducer(book, state, "contacts")["contacts"]
        ids = {c["id"] for c in contacts}
        graded = load_grades(grades_path, ids)
        output = introducer(book, state, "suggest", "--top", str(TOP))
        full = introducer(book, state, "suggest", "--top", str(max(len(ids) ** 2, 1)),
                          "--per-person", "0") if verbose else None
    ranked = ranking(output)
    grades = graded.grades
    wanted = must_makes(grades)
    harmful = harmful_in(ranked, grades)
    counts = {str(g): sum(1 for v in grades.values() if v == g) for g in (3, 2, 1, 0, -1)}
    result = Result(
        book=book.stem, contacts=len(ids), graded=len(grades), by_grade=counts,
        precision_at_10=precision_at(ranked, grades), ndcg_at_20=ndcg_at(ranked, grades),
        must_makes_found=len(found_in(ranked, wanted)), must_makes=len(wanted),
        harmful_in_top_20=[[*p, graded.why[p]] for p in harmful],
        ungraded_in_top_10=ungraded_in(ranked, grades, PRECISION_AT),
        ungraded_in_top_20=ungraded_in(ranked, grades, NDCG_AT),
    )
    if verbose and full is not None:
        for s in output["suggestions"][:NDCG_AT]:
            p = pair(s["a"]["id"], s["b"]["id"])
            result.top.append(Row(s["rank"], p[0], p[1], s["score"], grades.get(p),
                                  graded.why.get(p, ""), [r["text"] for r in s["reasons"]]))
        everywhere = {pair(s["a"]["id"], s["b"]["id"]): s for s in full["suggestions"]}
        top = set(ranked)
        for p in wanted:
            if p in top:
                continue
            s = everywhere.get(p)
            result.missed.append({
                "a": p[0], "b": p[1], "why": graded.why[p],
                "rank": s["rank"] if s else None, "score": s["score"] if s else None,
                "reasons": [r["text"] for r in s["reasons"]] if s else [],
            })
    return result


# ── output ───────────────────────────────────────────────────────────────────

def table(results: Sequence[Result]) -> str:
    head = ("book", "contacts", "graded", "P@10", "nDCG@20", "must-makes in top 50",
            "harmful in top 20", "ungraded top 10/20")
    rows = [head] + [(
        r.book, str(r.contacts), str(r.graded), f"{r.precision_at_10:.2f}",
        f"{r.ndcg_at_20:.2f}", f"{r.must_makes_found} of {r.must_makes}",
        str(len(r.harmful_in_top_20)), f"{r.ungraded_in_top_10}/{r.ungraded_in_top_20}",
    ) for r in results]
    widths = [max(len(row[i]) for row in rows) for i in range(len(head))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
             for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def details(result: Result) -> str:
    out = [f"\n== {result.book}: top {NDCG_AT} ==", ""]
    for row in result.top:
        grade = "  ?" if row.grade is None else f"{row.grade:3d}"
        out.append(f"{row.rank:3d}. [{grade}] {row.a} + {row.b}  ({row.score:g})")
        out.append(f"          introducer: {'; '.join(row.reasons)}")
        if row.why:
            out.append(f"          grader:     {row.why}")
    out += ["", f"== {result.book}: must-makes missed "
            f"({len(result.missed)} of {result.must_makes}) =="]
    for miss in sorted(result.missed, key=lambda m: (m["rank"] is None, m["rank"] or 0)):
        where = f"rank {miss['rank']}" if miss["rank"] else "not ranked"
        out.append(f"  {where:>11}  {miss['a']} + {miss['b']}: {miss['why']}")
    return "\n".join(out)


def harmful_lines(result: Result) -> list[str]:
    return [f"  harmful in top {HARMFUL_AT} ({result.book}): {a} + {b}: {why}"
            for a, b, why in result.harmful_in_top_20]


def books_in(directory: Path, names: Sequence[str]) -> list[Path]:
    books = sorted(p for p in directory.glob("*.yaml") if not p.name.endswith(".grades.yaml"))
    if names:
        books = [b for b in books if b.stem in names]
        missing = set(names) - {b.stem for b in books}
        if missing:
            raise EvalError(f"no such book in {directory}: {', '.join(sorted(missing))}")
    if not books:
        raise EvalError(f"no books in {directory}")
    return books


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", help="books to measure (default: all)")
    parser.add_argument("--books", type=Path, default=BOOKS, help="folder of graded books")
    parser.add_argument("--verbose", "-v", action="store_true",
                        help="list the top 20 with grades, and the must-makes missed")
    parser.add_argument("--json", action="store_true", help="one JSON object on stdout")
    args = parser.parse_args(argv)
    try:
        results = []
        for book in books_in(args.books, args.names):
            grades = book.with_name(book.stem + ".grades.yaml")
            if not grades.exists():
                raise EvalError(f"{book}: no grades file {grades.name}")
            results.append(measure(book, grades, args.verbose or args.json))
    except EvalError as error:
        print(f"eval: {error}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps({"version": 1, "today": TODAY,
                          "books": [asdict(r) for r in results]}, indent=2))
        return 0
    print(table(results))
    for result in results:
        for line in harmful_lines(result):
            print(line)
    if args.verbose:
        for result in results:
            print(details(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
