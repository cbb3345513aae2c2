"""Real processes: the way cron and shell scripts run introducer."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import BookWriter

CRON_ENV = {"PATH": "/usr/bin:/bin", "LANG": "C", "LC_ALL": "C", "INTRODUCER_TODAY": "2026-11-23"}

BOOK = [
    {"name": "Zoë Ødegaard", "business": "senior living advisor",
     "clients": ["retirees"], "hobbies": ["sailing"]},
    {"name": "Grace Kim", "business": "trusts and estates attorney",
     "clients": ["retirees"], "hobbies": ["sailing"]},
]


def run(args: list[str], cwd: Path, env: dict[str, str] | None = None,
        stdin: str | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "introducer", *args],
        cwd=cwd, env=env if env is not None else CRON_ENV,
        input=stdin.encode() if stdin is not None else None,
        stdin=None if stdin is not None else subprocess.DEVNULL,
        capture_output=True, timeout=60, check=False,
    )


def test_cron_environment_table_is_plain_utf8(write_book: BookWriter, tmp_path: Path) -> None:
    book = write_book(BOOK)
    done = run(["--book", str(book), "suggest"], tmp_path)
    assert done.returncode == 0, done.stderr
    text = done.stdout.decode("utf-8")
    assert "Zoë Ødegaard" in text
    assert "\x1b[" not in text
    assert done.stderr == b""


def test_cron_environment_json_is_parseable(write_book: BookWriter, tmp_path: Path) -> None:
    book = write_book(BOOK)
    done = run(["--book", str(book), "suggest", "--format", "json"], tmp_path)
    assert done.returncode == 0, done.stderr
    payload = json.loads(done.stdout.decode("utf-8"))
    names = {payload["suggestions"][0][k]["name"] for k in ("a", "b")}
    assert names == {"Zoë Ødegaard", "Grace Kim"}


def test_errors_go_to_stderr_with_exit_codes(write_book: BookWriter, tmp_path: Path) -> None:
    book = write_book(BOOK)
    done = run(["--book", str(book), "explain", "nobody", "grace"], tmp_path)
    assert done.returncode == 1
    assert done.stdout == b""
    assert b"unknown contact" in done.stderr
    assert b"Traceback" not in done.stderr
    done = run(["--book", str(book), "suggest", "--no-such-flag"], tmp_path)
    assert done.returncode == 2
    assert b"Traceback" not in done.stderr


def test_hostile_book_never_tracebacks(tmp_path: Path) -> None:
    book = tmp_path / "contacts.yaml"
    book.write_bytes(b"contacts:\n  - name: !!python/object/apply:os.system ['echo pwned']\n")
    done = run(["--book", str(book), "check"], tmp_path)
    assert done.returncode == 1
    assert b"pwned" not in done.stdout + done.stderr
    assert b"Traceback" not in done.stderr
    assert b"contacts.yaml:2" in done.stdout + done.stderr


def test_version_without_a_book(tmp_path: Path) -> None:
    done = run(["--version"], tmp_path)
    assert done.returncode == 0
    assert done.stdout.startswith(b"introducer ")


def test_closed_pipe_is_quiet(write_book: BookWriter, tmp_path: Path) -> None:
    book = write_book(BOOK)
    script = (f"{sys.executable} -m introducer --book {book} contacts | head -c 1 >/dev/null")
    done = subprocess.run(["/bin/sh", "-c", script], cwd=tmp_path, env=CRON_ENV,
                          capture_output=True, timeout=60, check=False)
    assert b"Traceback" not in done.stderr
