"""A personal touch and follow-ups: --say, --edit, signatures, the starter's me:, and a
follow-up that fits where the ledger says the pair stands."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from introducer.cli.app import app
from introducer.drafts.plan import DraftRefusedError, follow_up_stage
from tests.conftest import BookWriter
from tests.drafts_cases import CASES, book_of, pair_of
from tests.drafts_helpers import fixed_drafter

runner = CliRunner()
ME = {"name": "Ana Ortiz", "email": "ana@example.com", "business": "CPA", "phone": "555-0142"}


def invoke(*args: str | Path, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, [str(a) for a in args], env=env)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def book(write_book: BookWriter) -> Path:
    return write_book(list(CASES["wants"]), me=ME)


def test_say_adds_the_users_own_sentence(book: Path) -> None:
    code, out, err = invoke("--book", book, "draft", "ben", "mike", "--stdout",
                            "--say", "We met at the chamber mixer.")
    assert code == 0, err
    assert "\n\nWe met at the chamber mixer.\n\n" in out.replace("\r\n", "\n")


def test_say_with_nothing_in_it_is_a_usage_error(book: Path) -> None:
    code, _, err = invoke("--book", book, "draft", "ben", "mike", "--stdout", "--say", "  ")
    assert code == 2 and "--say needs some text" in err


def test_signature_carries_business_and_phone(book: Path) -> None:
    code, out, _ = invoke("--book", book, "draft", "ben", "mike", "--stdout")
    assert code == 0
    assert out.replace("\r\n", "\n").rstrip().endswith("Best,\nAna Ortiz\nCPA\n555-0142")


def test_a_line_of_work_signs_as_a_title(write_book: BookWriter) -> None:
    people = [{"name": "Ben Adeyemi", "email": "ben@x.example", "wants": ["realtor"]},
              {"name": "Mike Castellano", "email": "mike@x.example", "business": "realtor"}]
    book = write_book(people, me={"name": "Helen Marsh", "email": "helen@x.example",
                                  "business": "family mediator"})
    code, out, _ = invoke("--book", book, "draft", "ben", "mike", "--stdout")
    assert code == 0
    assert out.replace("\r\n", "\n").rstrip().endswith("Best,\nHelen Marsh\nFamily mediator")


def _editor(tmp_path: Path, script: str) -> dict[str, str]:
    editor = tmp_path / "fake-editor"
    editor.write_text(f"#!/bin/sh\n{script}\n", encoding="utf-8")
    editor.chmod(editor.stat().st_mode | stat.S_IXUSR)
    return {"VISUAL": "", "EDITOR": str(editor)}


def test_edit_uses_what_the_user_saved_and_records_it(book: Path, tmp_path: Path) -> None:
    env = _editor(tmp_path, 'sed -i "s/^Hi Ben and Mike,/Dear both,/" "$1"')
    out_dir = tmp_path / "out"
    code, _, err = invoke("--book", book, "draft", "ben", "mike", "--edit", "--record",
                            "--out", out_dir, env=env)
    assert code == 0, err
    (path,) = out_dir.iterdir()
    assert b"Dear both," in path.read_bytes()
    assert "recorded: introduced Ben Adeyemi and Mike Castellano" in err


def test_edit_closed_without_saving_writes_and_records_nothing(book: Path,
                                                               tmp_path: Path) -> None:
    env = _editor(tmp_path, "true")
    out_dir = tmp_path / "out"
    code, _, err = invoke("--book", book, "draft", "ben", "mike", "--edit", "--record",
                          "--out", out_dir, env=env)
    assert code == 1
    assert "not saved in the editor" in err and "recorded" not in err
    assert not out_dir.exists()


def test_edit_without_an_editor_is_a_usage_error(book: Path) -> None:
    code, _, err = invoke("--book", book, "draft", "ben", "mike", "--edit", "--stdout",
                          env={"VISUAL": "", "EDITOR": ""})
    assert code == 2 and "$VISUAL or $EDITOR" in err


def test_draft_refuses_a_weak_pair_without_force(write_book: BookWriter) -> None:
    weak = write_book(list(CASES["shared_hobbies"]), me=ME)
    code, _, err = invoke("--book", weak, "draft", "ivy", "paul", "--stdout")
    assert code == 1 and "weak match" in err and "--force" in err
    code, out, err = invoke("--book", weak, "draft", "ivy", "paul", "--stdout", "--force")
    assert code == 0 and "You both enjoy sailing" in out


def test_sensitive_pair_defaults_to_private_asks(write_book: BookWriter) -> None:
    path = write_book(list(CASES["needs_service_private"]), me=ME)
    code, out, err = invoke("--book", path, "draft", "karen", "rachel", "--dry-run")
    assert code == 0 and out.count("\n") == 2 and "-ask-" in out
    assert "private asks" in err
    code, out, err = invoke("--book", path, "draft", "karen", "rachel", "--joint", "--stdout")
    assert code == 0 and "warning:" in err and "divorce to think" not in out


def test_check_warns_about_the_starters_me(tmp_path: Path) -> None:
    path = tmp_path / "contacts.yaml"
    assert invoke("init", path)[0] == 0
    _, out, err = invoke("--book", path, "check")
    assert "warning: me: is still the starter's placeholder" in out + err
    code, _, err = invoke("--book", path, "draft", "maria", "tom", "--stdout")
    assert code == 1 and "placeholder" in err


@pytest.mark.parametrize(("stage", "says"), [
    ("introduced", "Did you manage to connect?"),
    ("no-reply", "bumping my introduction back to the top"),
    ("met", "Thank you both for making the time to meet. How did it go?"),
    ("business", "Congratulations to you both"),
])
def test_follow_up_fits_the_stage(stage: str, says: str) -> None:
    book = book_of(CASES["wants"])
    (draft,) = fixed_drafter(book).follow_up_for(pair_of(book), stage)  # type: ignore[arg-type]
    assert says in draft.body
    assert draft.kind == "follow_up" and len(draft.to) == 2


def test_stages_with_no_follow_up_say_what_to_do() -> None:
    assert follow_up_stage(None) == "introduced"
    with pytest.raises(DraftRefusedError, match="draft the introduction"):
        follow_up_stage("accepted")


def test_draft_follow_up_reads_the_stage_from_the_ledger(book: Path) -> None:
    assert invoke("--book", book, "record", "ben", "mike")[0] == 0
    assert invoke("--book", book, "outcome", "ben", "mike", "met")[0] == 0
    code, out, err = invoke("--book", book, "draft", "ben", "mike", "--follow-up", "--stdout")
    assert code == 0, err
    assert "How did it go?" in out and "Subject: Thank you" in out
