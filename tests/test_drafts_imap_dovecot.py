"""The IMAP path against a real Dovecot with non-ASCII names: a `\\Drafts` folder called
`Entwürfe`, a user `jürgen.ødegaard@example.org` and the password `pässwörd🔑`.

One Dovecot per module, on 127.0.0.1 and a free port, with its config, users and mail in a
temporary folder (nothing system-wide). Skipped when dovecot is not installed.
"""

from __future__ import annotations

import contextlib
import grp
import imaplib
import os
import pwd
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from introducer.drafts.deliver import write_eml
from introducer.drafts.imap import ImapTarget, append_drafts
from introducer.drafts.imap_utf7 import decode_mailbox, encode_mailbox
from tests.conftest import EXAMPLE_BOOK
from tests.drafts_helpers import TODAY, drafts_for, parse
from tests.imap_helpers import (
    book_with_imap,
    free_port,
    invoke,
    stored_messages,
    wait_for_greeting,
)

DOVECOT = shutil.which("dovecot") or shutil.which("dovecot", path="/usr/sbin:/usr/local/sbin")
pytestmark = pytest.mark.skipif(
    DOVECOT is None,
    reason="dovecot is not installed (Debian: apt-get install dovecot-imapd; .ci/run does)")

USER, PASSWORD = "jürgen.ødegaard@example.org", "pässwörd🔑"
DRAFTS, OTHER = "Entwürfe", "Brouillons & Entwürfe 📝"
STOP_SECONDS = 10

CONFIG = """\
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
instance_name = introducer-test-{port}
listen = 127.0.0.1
protocols = imap
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
auth_username_chars =
default_internal_user = {internal_user}
default_internal_group = {internal_group}
default_login_user = {login_user}
first_valid_uid = {uid}
mail_location = maildir:~/Maildir
passdb {{
  driver = passwd-file
  args = {root}/users
}}
userdb {{
  driver = passwd-file
  args = {root}/users
}}
service anvil {{
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
namespace inbox {{
  inbox = yes
  separator = /
  mailbox "{drafts}" {{
    special_use = \\Drafts
    auto = create
  }}
  mailbox Drafts {{
    auto = create
  }}
  mailbox "{other}" {{
    auto = create
  }}
}}
"""


@dataclass(frozen=True)
class Dovecot:
    port: int
    root: Path

    def messages(self, folder: str) -> list[tuple[bytes, bytes]]:
        """(FLAGS line, whole message) for each message in `folder`, read as Dovecot stores it."""
        client = imaplib.IMAP4("127.0.0.1", self.port, timeout=10)
        client.authenticate("PLAIN", lambda _: f"\0{USER}\0{PASSWORD}".encode())
        return stored_messages(client, encode_mailbox(folder))


def _dovecot_version() -> tuple[int, int]:
    assert DOVECOT is not None
    done = subprocess.run([DOVECOT, "--version"], capture_output=True, text=True, timeout=10,
                          check=False)
    match = re.match(r"(\d+)\.(\d+)", done.stdout)
    return (int(match.group(1)), int(match.group(2))) if match else (0, 0)


def _accounts() -> dict[str, str | int]:
    """Who runs what. As root: Dovecot's own users for its processes (it refuses to run
    login processes as root) and nobody for the mail; otherwise everything as ourselves."""
    if os.geteuid() != 0:
        me = pwd.getpwuid(os.geteuid())
        group = grp.getgrgid(me.pw_gid).gr_name
        return {"internal_user": me.pw_name, "internal_group": group, "login_user": me.pw_name,
                "uid": me.pw_uid, "gid": me.pw_gid}

    def user_or_nobody(name: str) -> pwd.struct_passwd:
        try:
            return pwd.getpwnam(name)
        except KeyError:
            return pwd.getpwnam("nobody")

    internal, nobody = user_or_nobody("dovecot"), pwd.getpwnam("nobody")
    return {"internal_user": internal.pw_name,
            "internal_group": grp.getgrgid(internal.pw_gid).gr_name,
            "login_user": user_or_nobody("dovenull").pw_name,
            "uid": nobody.pw_uid, "gid": nobody.pw_gid}


def _write_config(root: Path, port: int) -> Path:
    accounts = _accounts()
    for folder in ("run", "state", "home"):
        (root / folder).mkdir()
    root.chmod(0o755)  # the mail processes run as another user when we are root
    uid, gid = int(accounts["uid"]), int(accounts["gid"])
    if os.geteuid() == 0:
        os.chown(root / "home", uid, gid)
    (root / "users").write_text(f"{USER}:{{PLAIN}}{PASSWORD}:{uid}:{gid}::{root}/home::\n",
                                encoding="utf-8")
    config = root / "dovecot.conf"
    config.write_text(CONFIG.format(root=root, port=port, drafts=DRAFTS, other=OTHER,
                                    **accounts), encoding="utf-8")
    return config


def _stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the master, which stops its children; SIGKILL to the group after a while."""
    with contextlib.suppress(ProcessLookupError):
        process.terminate()
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=STOP_SECONDS)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=STOP_SECONDS)


@pytest.fixture(scope="module")
def dovecot() -> Iterator[Dovecot]:
    assert DOVECOT is not None
    version = _dovecot_version()
    if version[:2] != (2, 3):
        pytest.skip(f"dovecot {version[0]}.{version[1]}: this test's config is written for 2.3")
    root = Path(tempfile.mkdtemp(prefix="introducer-dovecot-"))
    port = free_port()
    process = subprocess.Popen([DOVECOT, "-F", "-c", str(_write_config(root, port))],
                               stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        try:
            wait_for_greeting(process, port, "dovecot")
        except AssertionError as error:
            log = root / "dovecot.log"
            raise AssertionError(f"{error}\n{log.read_text() if log.exists() else ''}") from None
        yield Dovecot(port, root)
    finally:
        _stop(process)
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def utf8_env(monkeypatch: pytest.MonkeyPatch, dovecot: Dovecot) -> pytest.MonkeyPatch:
    monkeypatch.setenv("INTRODUCER_IMAP_HOST", "127.0.0.1")
    monkeypatch.setenv("INTRODUCER_IMAP_PORT", str(dovecot.port))
    monkeypatch.setenv("INTRODUCER_IMAP_USER", USER)
    monkeypatch.setenv("INTRODUCER_IMAP_PASSWORD", PASSWORD)
    monkeypatch.setenv("INTRODUCER_IMAP_TLS", "none")
    return monkeypatch


def test_dovecot_spells_folder_names_as_the_codec_does(dovecot: Dovecot) -> None:
    client = imaplib.IMAP4("127.0.0.1", dovecot.port, timeout=10)
    client.authenticate("PLAIN", lambda _: f"\0{USER}\0{PASSWORD}".encode())
    _, listing = client.list('""', "*")
    client.logout()
    names = {line.rsplit(b' "/" ', 1)[1].strip(b'"').decode("ascii")
             for line in listing if isinstance(line, bytes)}
    assert {encode_mailbox(DRAFTS), encode_mailbox(OTHER)} <= names
    assert {decode_mailbox(name) for name in names} >= {DRAFTS, OTHER, "Drafts", "INBOX"}


def test_autodetected_utf8_drafts_folder_with_a_utf8_login(
    dovecot: Dovecot, utf8_env: pytest.MonkeyPatch
) -> None:
    before = len(dovecot.messages(DRAFTS))
    code, _, err = invoke("--book", EXAMPLE_BOOK, "draft", "maria", "tom", "--imap")
    assert code == 0, err
    assert err.strip() == f"appended 1 draft to {DRAFTS} on 127.0.0.1"
    found = dovecot.messages(DRAFTS)[before:]
    assert len(found) == 1 and b"\\Draft" in found[0][0]
    assert parse(found[0][1])["To"].addresses[0].addr_spec == "maria@lopezmediation.example"


@pytest.mark.parametrize("folder", [DRAFTS, OTHER])
def test_folder_user_and_password_command_from_the_book(
    dovecot: Dovecot, tmp_path: Path, folder: str
) -> None:
    printed = (PASSWORD + "\n").encode().hex()  # UTF-8, whatever the locale
    script = f"import sys; sys.stdout.buffer.write(bytes.fromhex('{printed}'))"
    book = book_with_imap(tmp_path, f"    host: 127.0.0.1\n    port: {dovecot.port}\n"
                                    f"    user: {USER}\n    tls: none\n"
                                    f"    folder: \"{folder}\"\n"
                                    f"    password_command: [{sys.executable}, -c, \"{script}\"]\n")
    before = len(dovecot.messages(folder))
    code, _, err = invoke("--book", book, "draft", "maria", "jorge", "--opt-in", "--imap")
    assert code == 0, err
    assert err.strip() == f"appended 2 drafts to {folder} on 127.0.0.1"
    assert "&" not in err.replace(" & ", "")
    assert len(dovecot.messages(folder)) == before + 2


def test_wrong_password_is_one_line_and_appends_nothing(
    dovecot: Dovecot, utf8_env: pytest.MonkeyPatch
) -> None:
    utf8_env.setenv("INTRODUCER_IMAP_PASSWORD", "pässwort")
    before = len(dovecot.messages(DRAFTS))
    code, out, err = invoke("--book", EXAMPLE_BOOK, "draft", "maria", "tom", "--imap")
    assert code == 1 and out == ""
    assert err == (f"error: IMAP 127.0.0.1:{dovecot.port}: login failed: "
                   "[AUTHENTICATIONFAILED] Authentication failed.\n")
    assert len(dovecot.messages(DRAFTS)) == before


def test_a_missing_folder_is_named_as_written(dovecot: Dovecot, tmp_path: Path,
                                              utf8_env: pytest.MonkeyPatch) -> None:
    book = book_with_imap(tmp_path, "    host: 127.0.0.1\n    user: x\n    folder: Übrig\n")
    code, _, err = invoke("--book", book, "draft", "maria", "tom", "--imap")
    assert code == 1
    assert err.startswith(f"error: IMAP 127.0.0.1:{dovecot.port}: appending to Übrig failed: NO ")
    assert "TRYCREATE" in err and "Übrig" in err.split("failed:", 1)[1]
    assert "&" not in err and len(err.splitlines()) == 1


def test_the_appended_message_is_the_eml_draft_byte_for_byte(
    dovecot: Dovecot, tmp_path: Path
) -> None:
    drafts = drafts_for(EXAMPLE_BOOK, "Zoë Ødegaard", "maria", "ask")
    (eml, *_) = write_eml(drafts[:1], tmp_path / "drafts", TODAY)
    target = ImapTarget("127.0.0.1", dovecot.port, USER, "none", None, None)
    before = len(dovecot.messages(DRAFTS))
    assert append_drafts(target, PASSWORD, [drafts[0].message]) == DRAFTS
    ((flags, stored),) = dovecot.messages(DRAFTS)[before:]
    assert b"\\Draft" in flags
    assert stored == eml.read_bytes()
    message = parse(stored)
    assert "Zoë" in str(message["To"]) or "Zoë" in str(message["Subject"])
    assert message.get_body() is not None
