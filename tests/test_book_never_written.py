"""The book is never written, whatever name an output is given for it.

`draft A B --mbox BOOK` used to append an email to the user's contact book (through a
symbolic or hard link too). Every command that writes a file is pointed at the book,
and at its state file, spelled every way a path can reach it: each must refuse, exit
non-zero, and leave the file as it was, byte for byte, mtime too.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from introducer.cli.app import app
from tests.conftest import BookWriter

runner = CliRunner()
ME = {"name": "Ana Ortiz", "email": "ana@example.com"}
PAIR = [
    {"name": "Maria Lopez", "email": "maria@example.com", "business": "divorce mediator",
     "clients": ["divorcing couples"]},
    {"name": "Tom Reed", "email": "tom@example.com", "business": "matrimonial attorney",
     "clients": ["divorcing couples"]},
]
CARD = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ines Park\r\nEMAIL:ines@example.com\r\nEND:VCARD\r\n"
EXPORT = '{"version": 1, "entries": []}\n'

# How a path can reach a file `name` in the working folder, given that folder's path.
Spelling = Callable[[Path, str], str]
SPELLINGS: dict[str, Spelling] = {
    "as named": lambda _here, name: name,
    "./relative": lambda _here, name: f"./{name}",
    "absolute": lambda here, name: str(here / name),
    "with ..": lambda _here, name: f"sub/../{name}",
    "with .. past a missing folder": lambda _here, name: f"nowhere/../{name}",
    "symbolic link": lambda here, name: _link(here, name, os.symlink, "soft"),
    "hard link": lambda here, name: _link(here, name, os.link, "hard"),
    "through a linked folder": lambda here, name: f"linked-folder/{name}",
}


def _link(here: Path, name: str, make: Callable[[str, str], None], kind: str) -> str:
    link = f"{kind}-{name}"
    make(str(here / name) if kind == "hard" else name, str(here / link))
    return link


# Commands that write a file other than the state file, with TARGET where it goes.
OUTPUTS = {
    "draft --mbox": ["draft", "maria", "tom", "--mbox", "TARGET"],
    "draft --top --mbox": ["draft", "--top", "1", "--mbox", "TARGET"],
    "draft --format mbox --dry-run": ["draft", "maria", "tom", "--mbox", "TARGET", "--dry-run"],
    "draft --out": ["draft", "maria", "tom", "--out", "TARGET"],
    "draft --opt-in --out": ["draft", "maria", "tom", "--opt-in", "--out", "TARGET"],
    "today --interactive --out": ["today", "--interactive", "--out", "TARGET"],
    "import --out": ["import", "vcard", "cards.vcf", "--out", "TARGET"],
    "import --into --out": ["import", "vcard", "cards.vcf", "--into", "contacts.yaml",
                            "--out", "TARGET"],
    "init": ["init", "TARGET"],
}
# Commands that open (and may write) the state file, named by TARGET.
STATES = {
    "record --state": ["record", "maria", "tom", "--state", "TARGET"],
    "--state record": ["--state", "TARGET", "record", "maria", "tom"],
    "import-history --state": ["import-history", "export.json", "--state", "TARGET"],
    "snooze --state": ["snooze", "maria", "tom", "--until", "2027-01-01", "--state", "TARGET"],
    "check --state": ["check", "--state", "TARGET"],
    "history --state": ["history", "--state", "TARGET"],
}


@pytest.fixture
def folder(tmp_path: Path, write_book: BookWriter, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A book, an export to import, and the folders the spellings go through."""
    write_book(PAIR, me=ME)
    (tmp_path / "cards.vcf").write_text(CARD, encoding="utf-8")
    (tmp_path / "export.json").write_text(EXPORT, encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "linked-folder").symlink_to(tmp_path, target_is_directory=True)
    monkeypatch.setattr("introducer.cli.console.stdin_is_terminal", lambda: True)
    return tmp_path


def run_at(args: list[str], target: str, environ: dict[str, str] | None = None,
           ) -> tuple[int, str]:
    result = runner.invoke(app, [target if a == "TARGET" else a for a in args], input="q\n",
                           env=environ)
    return result.exit_code, result.stderr


def fingerprint(path: Path) -> tuple[bytes, int, int]:
    status = path.stat()
    return path.read_bytes(), status.st_mtime_ns, status.st_size


def assert_refused(code: int, err: str, protected: Path, before: tuple[bytes, int, int],
                   says: str) -> None:
    assert code != 0, err
    assert says in err, err
    assert "Traceback" not in err and "internal error" not in err
    assert fingerprint(protected) == before


@pytest.mark.parametrize("spelling", SPELLINGS.values(), ids=SPELLINGS.keys())
@pytest.mark.parametrize("args", [*OUTPUTS.values(), *STATES.values()],
                         ids=[*OUTPUTS.keys(), *STATES.keys()])
def test_no_command_writes_the_book(folder: Path, args: list[str], spelling: Spelling) -> None:
    book = folder / "contacts.yaml"
    target = spelling(folder, "contacts.yaml")
    before = fingerprint(book)
    code, err = run_at(args, target)
    assert_refused(code, err, book, before, "is the book itself")
    assert code == 1
    assert sorted(p.name for p in folder.iterdir() if p.suffix in (".sqlite3", ".mbox")) == []


@pytest.mark.parametrize("spelling", SPELLINGS.values(), ids=SPELLINGS.keys())
def test_the_state_variable_may_not_name_the_book(folder: Path, spelling: Spelling) -> None:
    book = folder / "contacts.yaml"
    before = fingerprint(book)
    code, err = run_at(["record", "maria", "tom"], "",
                       {"INTRODUCER_STATE": spelling(folder, "contacts.yaml")})
    assert_refused(code, err, book, before, "choose another state file")


@pytest.mark.parametrize("spelling", SPELLINGS.values(), ids=SPELLINGS.keys())
@pytest.mark.parametrize("args", OUTPUTS.values(), ids=OUTPUTS.keys())
def test_no_command_writes_over_the_history(folder: Path, args: list[str],
                                            spelling: Spelling) -> None:
    assert runner.invoke(app, ["record", "maria", "tom"]).exit_code == 0
    state = folder / "contacts.introducer.sqlite3"
    before = fingerprint(state)
    code, err = run_at(args, spelling(folder, state.name))
    assert_refused(code, err, state, before, "is the book's state file")


def test_a_file_sqlite_keeps_beside_the_state_may_not_be_the_book(folder: Path) -> None:
    book = folder / "contacts.yaml"
    os.link(book, folder / "history-wal")
    before = fingerprint(book)
    code, err = run_at(["record", "maria", "tom", "--state", "TARGET"], "history")
    assert_refused(code, err, book, before, "history-wal is the book itself (contacts.yaml)")


def test_the_message_names_the_book_behind_a_link(folder: Path) -> None:
    (folder / "drafts.mbox").symlink_to("contacts.yaml")
    code, err = run_at(["draft", "maria", "tom", "--mbox", "drafts.mbox"], "")
    assert (code, err) == (1, "error: drafts.mbox is the book itself (contacts.yaml); "
                              "introducer never writes your book: choose another --mbox file\n")


def test_other_outputs_beside_the_book_still_work(folder: Path) -> None:
    code, err = run_at(["draft", "maria", "tom", "--mbox", "TARGET"], "drafts.mbox")
    assert code == 0, err
    assert (folder / "drafts.mbox").stat().st_size > 0
    code, err = run_at(["record", "maria", "tom", "--state", "TARGET"], "other.sqlite3")
    assert code == 0, err
