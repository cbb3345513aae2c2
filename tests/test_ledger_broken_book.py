"""A typo in the book never locks the user out of their ledger (the history, its backup)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from introducer.cli.app import app

runner = CliRunner()

GOOD = """\
contacts:
  - name: Maria Lopez
    business: divorce mediator
  - name: Tom Reed
    business: matrimonial attorney
  - name: Ann Lee
    business: accountant
"""
# Line 8 starts Bob Smith, whose `buisness:` is a typo: the book has an error.
BROKEN = GOOD + """\
  - name: Bob Smith
    buisness: plumber
"""
WARNING = ("warning: contacts.yaml has 1 error (`introducer check` lists them); names are "
           "shown as ids where the book could not be read")


def invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr

ROOT = Path(__file__).resolve().parent.parent


def book_with_history(tmp_path: Path) -> Path:
    """A good book with a history for Maria and Tom, and for Bob; then Bob's typo."""
    book = tmp_path / "contacts.yaml"
    book.write_text(GOOD + "  - name: Bob Smith\n    business: plumber\n", encoding="utf-8")
    for args in (["record", "maria-lopez", "tom-reed", "--date", "2026-11-01"],
                 ["record", "bob-smith", "ann-lee", "--date", "2026-11-02"]):
        code, _, err = invoke(*args)
        assert code == 0, err
    book.write_text(BROKEN, encoding="utf-8")
    return book


def test_the_documented_backup_works_on_a_book_with_a_typo(tmp_path: Path) -> None:
    manual = (ROOT / "docs" / "commands" / "ledger.md").read_text(encoding="utf-8")
    backup = "introducer history --format json > backup.json"
    assert f"`{backup}`" in manual.split("## Backup", 1)[1], "the Backup section's command"
    book_with_history(tmp_path)
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    done = subprocess.run(
        [sys.executable, "-m", "introducer", *backup.split(" > ")[0].split()[1:]],
        cwd=tmp_path, env=env, capture_output=True, text=True, check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr.count("warning:") == 1 and WARNING in done.stderr
    pairs = {(e["a"], e["b"]) for e in json.loads(done.stdout)["entries"]}
    assert pairs == {("maria-lopez", "tom-reed"), ("ann-lee", "bob-smith")}


def test_history_names_the_contacts_that_loaded_and_shows_the_others_as_ids(
        tmp_path: Path) -> None:
    book_with_history(tmp_path)
    code, out, err = invoke("history", "--format", "csv")
    assert code == 0, err
    code, out, err = invoke("history")
    assert code == 0, err
    assert "introduced Maria Lopez and Tom Reed" in out
    assert "introduced Ann Lee and bob-smith" in out
    assert err.strip() == WARNING
    code, out, err = invoke("history", "bob-smith")
    assert code == 0, err
    assert "bob-smith" in out and "not an id in the book" not in err


def test_stats_followups_undo_and_import_history_work(tmp_path: Path) -> None:
    book_with_history(tmp_path)
    for args in (["stats"], ["followups"], ["followups", "--format", "json"]):
        code, _, err = invoke(*args)
        assert code == 0, (args, err)
        assert WARNING in err
    code, backup, err = invoke("history", "--format", "json")
    assert code == 0, err
    (tmp_path / "backup.json").write_text(backup, encoding="utf-8")
    code, _, err = invoke("undo")
    assert code == 0, err
    assert "undid: introduced Ann Lee and bob-smith on 2026-11-02" in err
    code, _, err = invoke("--state", str(tmp_path / "restored.sqlite3"),
                          "import-history", str(tmp_path / "backup.json"))
    assert code == 0, err
    assert "2 added" in err and "not an id in the book" not in err
    code, _, err = invoke("paths")
    assert code == 0, err


def test_record_and_outcome_work_for_contacts_that_loaded(tmp_path: Path) -> None:
    book_with_history(tmp_path)
    code, out, err = invoke("record", "Maria Lopez", "ann-lee")
    assert (code, out) == (0, "")
    assert "recorded: introduced Maria Lopez and Ann Lee on 2026-11-23" in err
    code, _, err = invoke("outcome", "maria-lopez", "tom-reed", "met")
    assert code == 0, err


def test_a_contact_whose_own_record_is_broken_is_named_with_its_line(tmp_path: Path) -> None:
    book_with_history(tmp_path)
    for who in ("bob-smith", "Bob Smith", "bob"):
        code, out, err = invoke("record", who, "maria-lopez")
        assert (code, out) == (1, ""), err
        assert err.endswith(
            'error: contacts.yaml:8: contact "Bob Smith" has errors, so nothing can be recorded '
            "for them until they are fixed (`introducer check` lists them)\n")
        assert "Traceback" not in err


def test_a_book_that_is_not_yaml_at_all_still_gives_the_backup(tmp_path: Path) -> None:
    book_with_history(tmp_path)
    (tmp_path / "contacts.yaml").write_text("contacts: [\n", encoding="utf-8")
    code, out, err = invoke("history", "--format", "json")
    assert code == 0, err
    assert len(json.loads(out)["entries"]) == 2
    code, _, err = invoke("record", "maria-lopez", "tom-reed")
    assert code == 1
    assert 'unknown contact "maria-lopez"' in err


def test_commands_that_match_still_refuse_a_broken_book(tmp_path: Path) -> None:
    book_with_history(tmp_path)
    code, out, err = invoke("suggest")
    assert (code, out) == (1, "")
    assert "contacts.yaml:9: contact \"Bob Smith\": unknown field 'buisness'" in err
