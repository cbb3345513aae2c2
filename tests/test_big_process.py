"""A big book's process, for real: it leaves without tearing down the book, and loses
nothing on the way out (the whole output, the exit status, the history written)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from introducer.cli.session import BIG_BOOK
from tests.cli_helpers import invoke
from tests.test_subprocess import CRON_ENV, isolated, run, shell

CLIENTS = ("retirees", "new parents", "dentists", "startups", "farmers", "artists", "nurses")


def big_book(folder: Path, contacts: int = BIG_BOOK) -> Path:
    """A book of `contacts` people sharing clients and hobbies from small lists."""
    lines = ["contacts:"]
    for i in range(contacts):
        lines += [f"  - name: Person {i}", f"    business: trade {i % 37}",
                  f"    clients: [{CLIENTS[i % 7]}, {CLIENTS[(i * 3) % 7]}]",
                  f"    hobbies: [hobby {i % 101}]"]
    path = folder / "contacts.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_big_book_prints_its_whole_answer_and_exits_zero(tmp_path: Path) -> None:
    book = big_book(tmp_path)
    done = run(["--book", str(book), "suggest", "--top", "30", "--format", "json"], tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stderr == b""
    code, in_process, _ = invoke(book, "suggest", "--top", "30", "--format", "json")
    assert code == 0
    assert json.loads(done.stdout) == json.loads(in_process)
    assert len(json.loads(done.stdout)["suggestions"]) == 30


def test_a_big_book_keeps_the_exit_status_of_a_failure(tmp_path: Path) -> None:
    book = big_book(tmp_path)
    done = run(["--book", str(book), "explain", "person-1", "nobody"], tmp_path)
    assert done.returncode == 1
    assert b"unknown contact" in done.stderr and b"Traceback" not in done.stderr


def test_a_big_book_on_a_full_disk_is_one_line(tmp_path: Path) -> None:
    book = big_book(tmp_path)
    done = shell(f"{sys.executable} -m introducer --book {book} suggest >/dev/full", tmp_path)
    assert done.returncode == 1
    assert done.stderr == b"error: cannot write the output: No space left on device\n"


def test_a_big_book_into_a_closed_pipe_is_quiet(tmp_path: Path) -> None:
    book = big_book(tmp_path)
    script = f"{sys.executable} -m introducer --book {book} suggest --top 500 | head -c 1"
    done = subprocess.run(["/bin/sh", "-c", script], cwd=tmp_path, env=isolated(CRON_ENV),
                          capture_output=True, timeout=120, check=False)
    assert b"Traceback" not in done.stderr and b"Exception" not in done.stderr


def test_a_big_book_keeps_what_record_wrote(tmp_path: Path) -> None:
    book = big_book(tmp_path)
    done = run(["--book", str(book), "record", "person-1", "person-2"], tmp_path)
    assert done.returncode == 0, done.stderr
    done = run(["--book", str(book), "history", "--format", "json"], tmp_path)
    assert done.returncode == 0, done.stderr
    entries = json.loads(done.stdout)["entries"]
    assert [{entry["a"], entry["b"]} for entry in entries] == [{"person-1", "person-2"}]
