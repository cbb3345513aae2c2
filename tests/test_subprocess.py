"""Real processes: the way cron and shell scripts run introducer."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import BookWriter

CRON_ENV = {"PATH": "/usr/bin:/bin", "LANG": "C", "LC_ALL": "C", "INTRODUCER_TODAY": "2026-11-23"}

BOOK = [
    {"name": "Zoë Ødegaard", "business": "senior living advisor",
     "clients": ["retirees"], "hobbies": ["sailing"]},
    {"name": "Grace Kim", "business": "trusts and estates attorney",
     "clients": ["retirees"], "hobbies": ["sailing"]},
]


def isolated(env: dict[str, str]) -> dict[str, str]:
    """`env` with the test's own cache folder: without HOME the book's cache would go to
    the real user's."""
    return {**env, "XDG_CACHE_HOME": os.environ["XDG_CACHE_HOME"]}


def run(args: list[str], cwd: Path, env: dict[str, str] | None = None,
        stdin: str | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "introducer", *args],
        cwd=cwd,
        env=isolated(env if env is not None else CRON_ENV),
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
    done = subprocess.run(["/bin/sh", "-c", script], cwd=tmp_path, env=isolated(CRON_ENV),
                          capture_output=True, timeout=60, check=False)
    assert b"Traceback" not in done.stderr


def shell(script: str, cwd: Path, env: dict[str, str] | None = None
          ) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(["/bin/sh", "-c", script], cwd=cwd,
                          env=isolated(env or CRON_ENV),
                          capture_output=True, timeout=60, check=False)


def test_closed_stdout_and_stderr_never_traceback(write_book: BookWriter, tmp_path: Path) -> None:
    # `>&-` used to leave sys.stdout None: AttributeError before anything ran.
    book = write_book(BOOK)
    cli = f"{sys.executable} -m introducer --book {book}"
    done = shell(f"{cli} suggest >&- <&-", tmp_path)
    assert done.returncode == 0 and b"Traceback" not in done.stderr
    done = shell(f"{cli} explain nobody grace >&-", tmp_path)
    assert done.returncode == 1 and b"unknown contact" in done.stderr
    # With stderr closed the message is lost, but never moved into stdout (the data).
    done = shell(f"{cli} explain nobody grace 2>&-", tmp_path)
    assert done.returncode == 1 and done.stdout == b""


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_full_disk_is_one_line_not_a_traceback(write_book: BookWriter, tmp_path: Path) -> None:
    book = write_book(BOOK)
    done = shell(f"{sys.executable} -m introducer --book {book} suggest >/dev/full", tmp_path)
    assert done.returncode == 1
    assert done.stderr == b"error: cannot write the output: No space left on device\n"


def test_json_stays_valid_on_an_ascii_only_stream(write_book: BookWriter, tmp_path: Path) -> None:
    # The stream's own fallback wrote `Zo\xeb`, which no JSON parser reads.
    book = write_book(BOOK)
    done = run(["--book", str(book), "suggest", "--format", "json"], tmp_path,
               env={**CRON_ENV, "PYTHONIOENCODING": "ascii"})
    assert done.returncode == 0, done.stderr
    payload = json.loads(done.stdout.decode("ascii"))
    assert "Zoë Ødegaard" in {payload["suggestions"][0][k]["name"] for k in ("a", "b")}


def test_help_imports_none_of_the_heavy_libraries() -> None:
    """`--help` and completion stay fast: the core is imported inside each command."""
    heavy = ["pydantic", "numpy", "scipy", "rapidfuzz", "sqlite3", "jinja2", "yaml", "vobject"]
    probe = ("import sys, introducer.cli.app; "
             f"print(sorted(m for m in {heavy!r} if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          timeout=60, check=True)
    assert done.stdout.strip() == "[]"
