"""Shared by the IMAP tests: free ports, waiting for a greeting, a book with imap settings."""

from __future__ import annotations

import imaplib
import socket
import subprocess
import time
from pathlib import Path

from typer.testing import CliRunner

from introducer.cli.app import app
from tests.conftest import EXAMPLE_BOOK

runner = CliRunner()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for_greeting(process: subprocess.Popen[bytes], port: int, server: str,
                      seconds: float = 15) -> None:
    """Until the server on 127.0.0.1:port says `* OK`; AssertionError if it exits or never does."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, f"{server} exited with {process.returncode}"
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2) as conn:
                conn.settimeout(2)
                if conn.recv(64).startswith(b"* OK"):
                    return
        except OSError:
            time.sleep(0.05)
    raise AssertionError(f"{server} did not start within {seconds} s")


def stored_messages(client: imaplib.IMAP4, wire_folder: str) -> list[tuple[bytes, bytes]]:
    """(FLAGS line, whole message) for each message in the folder; logs the client out."""
    status, _ = client.select(f'"{wire_folder}"', readonly=True)
    assert status == "OK"
    _, numbers = client.search(None, "ALL")
    found = []
    for number in numbers[0].split():
        _, data = client.fetch(number, "(FLAGS BODY.PEEK[])")
        head, body = data[0]  # type: ignore[misc]
        found.append((head, body))
    client.logout()
    return found


def invoke(*args: str | Path) -> tuple[int, str, str]:
    result = runner.invoke(app, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


def book_with_imap(folder: Path, imap_yaml: str) -> Path:
    """The example book with `settings.imap` set to the given (indented) YAML lines."""
    book = folder / "book.yaml"
    text = EXAMPLE_BOOK.read_text(encoding="utf-8")
    book.write_text(text.replace("settings:\n", f"settings:\n  imap:\n{imap_yaml}", 1),
                    encoding="utf-8")
    return book
