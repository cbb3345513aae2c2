"""The IMAP path against a real server: pymap's in-memory backend on 127.0.0.1."""

from __future__ import annotations

import imaplib
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from introducer.cli.app import app
from introducer.drafts.imap import find_drafts_folder, parse_list_line
from tests.conftest import EXAMPLE_BOOK
from tests.drafts_helpers import parse

runner = CliRunner()
USER, PASSWORD = "demouser", "demopass"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _start_pymap() -> tuple[subprocess.Popen[bytes], int]:
    port = _free_port()
    pymap = Path(sys.executable).with_name("pymap")
    process = subprocess.Popen(
        [str(pymap), "--host", "127.0.0.1", "--port", str(port), "--no-tls", "dict",
         "--demo-data", "--demo-user", USER, "--demo-password", PASSWORD],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    return process, port


def _wait_ready(process: subprocess.Popen[bytes], port: int) -> None:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        assert process.poll() is None, "pymap exited"
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2) as conn:
                if conn.recv(64).startswith(b"* OK"):
                    return
        except OSError:
            time.sleep(0.05)
    raise AssertionError("pymap did not start")


@pytest.fixture(scope="module")
def servers() -> Iterator[dict[str, int]]:
    """Two servers started together: one with a Drafts folder, one without."""
    started = {"drafts": _start_pymap(), "bare": _start_pymap()}
    try:
        for process, port in started.values():
            _wait_ready(process, port)
        client = imaplib.IMAP4("127.0.0.1", started["drafts"][1])
        client.login(USER, PASSWORD)
        client.create("Drafts")
        client.logout()
        yield {name: port for name, (_, port) in started.items()}
    finally:
        for process, _ in started.values():
            process.terminate()
            process.wait(timeout=10)


@pytest.fixture
def imap_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    monkeypatch.setenv("INTRODUCER_IMAP_HOST", "127.0.0.1")
    monkeypatch.setenv("INTRODUCER_IMAP_USER", USER)
    monkeypatch.setenv("INTRODUCER_IMAP_PASSWORD", PASSWORD)
    monkeypatch.setenv("INTRODUCER_IMAP_TLS", "none")
    return monkeypatch


def invoke(*args: str | Path) -> tuple[int, str, str]:
    result = runner.invoke(app, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


def _drafts_folder(port: int) -> list[tuple[bytes, bytes]]:
    client = imaplib.IMAP4("127.0.0.1", port)
    client.login(USER, PASSWORD)
    client.select("Drafts", readonly=True)
    _, numbers = client.search(None, "ALL")
    found = []
    for number in numbers[0].split():
        _, data = client.fetch(number, "(FLAGS BODY.PEEK[])")
        head, body = data[0]  # type: ignore[misc]
        found.append((head, body))
    client.logout()
    return found


def test_opt_in_asks_land_in_drafts_with_the_draft_flag(
    servers: dict[str, int], imap_env: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    imap_env.setenv("INTRODUCER_IMAP_PORT", str(servers["drafts"]))
    before = len(_drafts_folder(servers["drafts"]))
    code, _out, err = invoke("--book", EXAMPLE_BOOK, "draft", "maria", "jorge", "--opt-in",
                            "--imap")
    assert code == 0, err
    assert "appended 2 drafts to Drafts on 127.0.0.1" in err
    found = _drafts_folder(servers["drafts"])[before:]
    assert len(found) == 2
    for head, body in found:
        assert b"\\Draft" in head
        message = parse(body)
        assert message["X-Unsent"] == "1"
        assert message["From"].addresses[0].addr_spec == "ana@ortizconnects.example"
    recipients = sorted(parse(body)["To"].addresses[0].addr_spec for _, body in found)
    assert recipients == ["jorge@alvarezcpa.example", "maria@lopezmediation.example"]
    assert not (tmp_path / "drafts").exists()


def test_password_command_runs_without_a_shell(
    servers: dict[str, int], imap_env: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    imap_env.delenv("INTRODUCER_IMAP_PASSWORD")
    imap_env.setenv("INTRODUCER_IMAP_PORT", str(servers["drafts"]))
    book = tmp_path / "book.yaml"
    text = EXAMPLE_BOOK.read_text(encoding="utf-8").replace(
        "settings:\n",
        "settings:\n  imap:\n    host: 127.0.0.1\n    user: nobody\n    tls: none\n"
        f"    password_command: [{sys.executable}, -c, 'print(\"{PASSWORD}\")']\n", 1)
    book.write_text(text.replace("user: nobody", f"user: {USER}"), encoding="utf-8")
    code, _, err = invoke("--book", book, "draft", "maria", "tom", "--imap")
    assert code == 0, err


def test_no_drafts_folder_exits_1_and_names_the_host(
    servers: dict[str, int], imap_env: pytest.MonkeyPatch
) -> None:
    imap_env.setenv("INTRODUCER_IMAP_PORT", str(servers["bare"]))
    code, _, err = invoke("--book", EXAMPLE_BOOK, "draft", "maria", "tom", "--imap")
    assert code == 1
    assert f"IMAP 127.0.0.1:{servers['bare']}" in err and "no Drafts folder" in err


def test_bad_login_exits_1_and_appends_nothing(
    servers: dict[str, int], imap_env: pytest.MonkeyPatch
) -> None:
    imap_env.setenv("INTRODUCER_IMAP_PORT", str(servers["drafts"]))
    imap_env.setenv("INTRODUCER_IMAP_PASSWORD", "wrong")
    before = len(_drafts_folder(servers["drafts"]))
    code, _, err = invoke("--book", EXAMPLE_BOOK, "draft", "--top", "3", "--imap")
    assert code == 1
    assert f"IMAP 127.0.0.1:{servers['drafts']}: login failed" in err
    assert "AUTHENTICATIONFAILED" in err or "Invalid" in err
    assert len(_drafts_folder(servers["drafts"])) == before


def test_refused_connection_exits_1_and_names_the_host(imap_env: pytest.MonkeyPatch) -> None:
    port = _free_port()
    imap_env.setenv("INTRODUCER_IMAP_PORT", str(port))
    code, _, err = invoke("--book", EXAMPLE_BOOK, "draft", "maria", "tom", "--imap")
    assert code == 1
    assert f"IMAP 127.0.0.1:{port}: connecting failed: connection refused" in err


def test_missing_imap_settings_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HOST", "USER", "PASSWORD", "PORT", "TLS"):
        monkeypatch.delenv(f"INTRODUCER_IMAP_{name}", raising=False)
    code, _, err = invoke("--book", EXAMPLE_BOOK, "draft", "maria", "tom", "--imap")
    assert code == 1 and "INTRODUCER_IMAP_HOST" in err


def test_imap_dry_run_connects_to_nothing(imap_env: pytest.MonkeyPatch) -> None:
    imap_env.setenv("INTRODUCER_IMAP_PORT", str(_free_port()))
    code, out, err = invoke("--book", EXAMPLE_BOOK, "draft", "maria", "tom", "--imap",
                            "--dry-run")
    assert code == 0, err
    assert out.startswith("imap\tTo: Maria Lopez")


def test_special_use_drafts_folder_wins_over_the_name() -> None:
    listing: list[bytes | tuple[bytes, bytes] | None] = [
        b'(\\HasNoChildren) "/" INBOX',
        b'(\\HasNoChildren) "/" Drafts',
        b'(\\HasNoChildren \\Drafts) "/" "[Gmail]/Entw&APw-rfe"',
        b'(\\HasNoChildren \\Sent) "." "Sent Items"',
    ]
    assert find_drafts_folder(listing) == "[Gmail]/Entw&APw-rfe"
    assert find_drafts_folder(listing[:2]) == "Drafts"
    assert find_drafts_folder([b'(\\HasChildren) "." INBOX', b'() "." INBOX.Drafts']) \
        == "INBOX.Drafts"
    assert find_drafts_folder([b'() "/" INBOX', None]) is None
    assert find_drafts_folder([(b'(\\Drafts) "/" {6}', b"Brouil")]) == "Brouil"
    assert parse_list_line(b'(\\Noselect) NIL "a \\"b\\""') == ({"\\noselect"}, 'a "b"')


def test_env_and_settings_resolve(monkeypatch: pytest.MonkeyPatch) -> None:
    from introducer.book.schema import Imap
    from introducer.drafts.imap import ImapError, resolve_target

    settings = Imap(host="mail.example", user="ana", tls="starttls")
    assert resolve_target(settings, {}).port == 143
    target = resolve_target(settings, {"INTRODUCER_IMAP_HOST": "other.example",
                                       "INTRODUCER_IMAP_TLS": "ssl"})
    assert (target.host, target.port, target.tls) == ("other.example", 993, "ssl")
    with pytest.raises(ImapError, match="TLS"):
        resolve_target(settings, {"INTRODUCER_IMAP_TLS": "maybe"})


def test_a_password_in_the_book_is_refused(tmp_path: Path) -> None:
    book = tmp_path / "book.yaml"
    book.write_text("settings:\n  imap: {host: h.example, user: ana, password: hunter2}\n"
                    "contacts: [{name: A}]\n", encoding="utf-8")
    code, out, err = invoke("--book", book, "check")
    assert code == 1 and "unknown field 'password'" in out and "hunter2" not in out + err
