"""A score a report shows for a pair is the one `explain` gives that pair: `gaps` and
`today` name each contact's best match with its score, which the candidate search's
total (rounded once) could put 0.01 off the sum of the pair's rounded reasons."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from introducer.cli.app import app

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
import generate  # noqa: E402

runner = CliRunner()


@pytest.fixture(scope="module", params=[120, 300])
def book(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate.write(request.param, tmp_path_factory.mktemp("books"))


def run_json(*args: str | Path) -> Any:
    result = runner.invoke(app, ["--no-cache", *(str(a) for a in args), "--format", "json"],
                           env={"INTRODUCER_TODAY": generate.TODAY.isoformat()})
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def explained(book: Path, first: str, second: str) -> float:
    score = run_json("--book", book, "explain", first, second)["score"]
    assert isinstance(score, float | int)
    return float(score)


def test_every_best_match_gaps_names_scores_as_explain_scores_it(book: Path,
                                                                 tmp_path: Path) -> None:
    found = run_json("--book", book, "--state", tmp_path / "state.sqlite3", "gaps")
    shown = [entry for entry in [*found["isolated"], *found["stale"], found["focus"]]
             if entry is not None and entry["best_with"] is not None]
    assert len(shown) >= 5
    for entry in shown:
        score = explained(book, entry["id"], entry["best_with"]["id"])
        assert entry["best_score"] == score, entry
        if "why" in entry:
            assert f"{entry['best_with']['name']}, {score:g})" in entry["why"][0]


def test_todays_focus_names_its_best_match_with_explains_score(book: Path,
                                                               tmp_path: Path) -> None:
    focus = run_json("--book", book, "--state", tmp_path / "state.sqlite3", "today")["focus"]
    assert focus is not None and focus["best_with"] is not None
    assert focus["best_score"] == explained(book, focus["id"], focus["best_with"]["id"])
