"""The IMAP path against a real server: pymap's in-memory backend on 127.0.0.1."""

from __future__ import annotations

import imaplib
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from introducer.drafts.imap import find_drafts_folder, parse_list_line
from tests.conftest import EXAMPLE_BOOK
from tests.drafts_helpers import parse
from tests.imap_helpers import (
    book_with_imap,
    free_port,
    invoke,
    stored_messages,
    wait_for_greeting,
)

USER, PASSWORD = "demouser", "demopass"


def _start_pymap() -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    pymap = Path(sys.executable).with_name("pymap")
    process = subprocess.Popen(
        [str(pymap), "--host", "127.0.0.1", "--port", str(port), "--no-tls", "dict",
         "--demo-data", "--demo-user", USER, "--demo-password", PASSWORD],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    return process, port


@pytest.fixture(scope="module")
def servers() -> Iterator[dict[str, int]]:
    """Two servers started together: one with a Drafts folder, one without."""
    started = {"drafts": _start_pymap(), "bare": _start_pymap()}
    try:
        for process, port in started.values():
            wait_for_greeting(process, port, "pymap")
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


def _drafts_folder(port: int) -> list[tuple[bytes, bytes]]:
    client = imaplib.IMAP4("127.0.0.1", port)
    client.login(USER, PASSWORD)
    return stored_messages(client, "Drafts")


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
    book = book_with_imap(tmp_path, f"    host: 127.0.0.1\n    user: {USER}\n    tls: none\n"
                          f"    password_command: [{sys.executable}, -c, "
                          f"'print(\"{PASSWORD}\")']\n")
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
    port = free_port()
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
    imap_env.setenv("INTRODUCER_IMAP_PORT", str(free_port()))
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


class _ClientWithout:
    """What log_in sees of a server that offers no AUTH=PLAIN (pymap and Dovecot both do)."""

    capabilities = ("IMAP4REV1", "AUTH=LOGIN")

    def __init__(self) -> None:
        self.logins: list[tuple[str, str]] = []

    def login(self, user: str, password: str) -> None:
        self.logins.append((user, password))


def test_login_without_auth_plain_takes_printable_ascii_only() -> None:
    from introducer.drafts.imap import ImapError, ImapTarget, log_in

    client = _ClientWithout()
    target = ImapTarget("h.example", 143, "ana", "starttls", None, None)
    log_in(client, target, "s3cret pass")  # type: ignore[arg-type]
    assert client.logins == [("ana", "s3cret pass")]
    for user, password in [("ana", "pässwörd"), ("jürgen", "x"), ("ana", "x\r\nA1 DELETE INBOX")]:
        with pytest.raises(ImapError, match=r"^IMAP h.example:143: login failed: .*AUTHENTICATE "
                                            "PLAIN"):
            log_in(client, ImapTarget("h.example", 143, user, "ssl", None, None),  # type: ignore[arg-type]
                   password)
    assert len(client.logins) == 1


def test_plain_credentials_are_utf8_and_keep_undecodable_bytes() -> None:
    from introducer.drafts.imap import plain_credentials

    assert plain_credentials("jürgen", "pässwörd") == "\0jürgen\0pässwörd".encode()
    assert plain_credentials("ana", "p\udce4ss") == b"\0ana\0p\xe4ss"
    with pytest.raises(ValueError, match="NUL"):
        plain_credentials("ana", "pa\0ss")


def test_a_password_command_may_print_any_bytes(imap_env: pytest.MonkeyPatch) -> None:
    from introducer.drafts.imap import ImapTarget, password_for, plain_credentials

    imap_env.delenv("INTRODUCER_IMAP_PASSWORD")
    latin1 = [sys.executable, "-c", "import sys; sys.stdout.buffer.write(b'p\\xe4ss\\nrest')"]
    target = ImapTarget("h.example", 993, "ana", "ssl", None, tuple(latin1))
    assert plain_credentials("ana", password_for(target)) == b"\0ana\0p\xe4ss"


def test_folder_names_for_people_and_for_the_wire() -> None:
    from pydantic import ValidationError

    from introducer.book.schema import Imap
    from introducer.book.validation import validate
    from introducer.drafts.imap import folder_for_people

    assert folder_for_people("Entw&APw-rfe") == "Entwürfe"
    assert folder_for_people("R&D") == "R&D"  # not modified UTF-7: shown as the server sent it
    assert parse_list_line('() "/" Entwürfe'.encode()) == (set(), "Entw&APw-rfe")
    with pytest.raises(ValidationError):  # so every folder in settings has a wire form
        validate(Imap, {"host": "h.example", "user": "ana", "folder": "Entw\udcfcrfe"})
