"""eval/run.py: the judgment metrics are computed right, on hand-checked numbers."""

from __future__ import annotations

import importlib.util
import json
import math
import sys
from pathlib import Path
from types import ModuleType

import pytest

RUN = Path(__file__).resolve().parent.parent / "eval" / "run.py"


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("eval_run", RUN)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["eval_run"] = module
    spec.loader.exec_module(module)
    return module


ev = _load()
P = ev.pair


def test_pairs_are_unordered() -> None:
    assert P("b", "a") == P("a", "b") == ("a", "b")


def test_precision_counts_grades_of_two_or_more_and_divides_by_k() -> None:
    grades = {P("a", "b"): 3, P("a", "c"): 2, P("a", "d"): 1, P("a", "e"): -1}
    ranked = [P("a", "b"), P("a", "d"), P("a", "c"), P("a", "x"), P("a", "e")]
    assert ev.precision_at(ranked, grades, 4) == 0.5  # b and c of 4
    assert ev.precision_at(ranked[:2], grades, 10) == 0.1  # a short list still divides by k


def test_ndcg_by_hand() -> None:
    grades = {P("a", "b"): 3, P("a", "c"): 2, P("a", "d"): 0, P("a", "e"): -1}
    ranked = [P("a", "c"), P("a", "e"), P("a", "b")]
    # gains: 2^2-1 = 3 at rank 1, 0 at rank 2 (harmful has no gain), 7 at rank 3
    dcg = 3 / math.log2(2) + 0 + 7 / math.log2(4)
    ideal = 7 / math.log2(2) + 3 / math.log2(3)
    assert ev.ndcg_at(ranked, grades, 3) == pytest.approx(dcg / ideal)
    assert ev.ndcg_at([P("a", "b"), P("a", "c")], grades, 20) == pytest.approx(1.0)
    assert ev.ndcg_at(ranked, {P("a", "d"): 0}, 20) == 0.0


def test_must_makes_harmful_and_ungraded() -> None:
    grades = {P("a", "b"): 3, P("c", "d"): 3, P("a", "e"): -1, P("a", "f"): 0}
    ranked = [P("a", "e"), P("a", "b"), P("a", "z"), P("a", "f")]
    assert ev.found_in(ranked, ev.must_makes(grades), 50) == [P("a", "b")]
    assert ev.found_in(ranked, ev.must_makes(grades), 1) == []
    assert ev.harmful_in(ranked, grades, 20) == [P("a", "e")]
    assert ev.ungraded_in(ranked, grades, 4) == 1


BOOK = """\
contacts:
  - {name: Ann, id: ann, wants: [estate attorney]}
  - {name: Bea, id: bea, business: estate attorney}
  - {name: Cal, id: cal, business: florist, hobbies: [chess]}
  - {name: Dee, id: dee, business: baker, hobbies: [chess]}
"""
GRADES = """\
pairs:
  - {a: bea, b: ann, grade: 3, why: asked}
  - {a: cal, b: dee, grade: -1, why: exes}
  - {a: ann, b: dee, grade: 2, why: never ranked}
"""


def test_run_on_a_tiny_graded_book(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "tiny.yaml").write_text(BOOK, encoding="utf-8")
    (tmp_path / "tiny.grades.yaml").write_text(GRADES, encoding="utf-8")
    assert ev.main(["--books", str(tmp_path), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)["books"][0]
    assert (result["contacts"], result["graded"]) == (4, 3)
    assert (result["must_makes_found"], result["must_makes"]) == (1, 1)
    assert [p[:2] for p in result["harmful_in_top_20"]] == [["cal", "dee"]]
    assert result["precision_at_10"] == 0.1
    assert not list(tmp_path.glob("*.sqlite3"))  # no state file beside the book
    assert ev.main(["--books", str(tmp_path)]) == 0
    assert "1 of 1" in capsys.readouterr().out


def test_grades_naming_nobody_are_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "tiny.yaml").write_text(BOOK, encoding="utf-8")
    (tmp_path / "tiny.grades.yaml").write_text(
        "pairs:\n  - {a: ann, b: zed, grade: 3}\n  - {a: ann, b: bea, grade: 7}\n", encoding="utf-8"
    )
    assert ev.main(["--books", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "no contact has the id zed" in err and "grade must be" in err
