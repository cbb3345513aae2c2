"""Appending drafts to the user's IMAP Drafts folder, with the \\Draft flag.

The folder is the one LIST marks `\\Drafts` (RFC 6154 special use), else one
named `Drafts`, unless settings name it. Every failure names the host and the
cause; the folder is found before anything is appended.

Names and credentials may be any Unicode: folders go over the wire in modified
UTF-7 and come back to people decoded; a non-ASCII user or password logs in with
AUTHENTICATE PLAIN, whose credentials are UTF-8 (RFC 4616).
"""

from __future__ import annotations

import contextlib
import imaplib
import os
import re
import socket
import ssl
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from email.message import EmailMessage

from introducer.book.schema import Imap, ImapTls
from introducer.clock import now
from introducer.drafts.imap_utf7 import decode_mailbox, encode_mailbox
from introducer.drafts.message import wire_bytes
from introducer.errors import IntroducerError

ENV_PREFIX = "INTRODUCER_IMAP_"
TIMEOUT_SECONDS = 20.0
PASSWORD_COMMAND_TIMEOUT = 30.0
_DEFAULT_PORTS: dict[str, int] = {"ssl": 993, "starttls": 143, "none": 143}
_LIST_LINE = re.compile(
    rb'\((?P<attributes>[^)]*)\)\s+(?:"(?:[^"\\]|\\.)*"|NIL)\s+(?P<name>.+)$', re.IGNORECASE
)


class ImapError(IntroducerError):
    """The IMAP server could not take the drafts; nothing more was appended."""


@dataclass(frozen=True, slots=True)
class ImapTarget:
    host: str
    port: int
    user: str
    tls: ImapTls
    folder: str | None
    password_command: tuple[str, ...] | None

    @property
    def where(self) -> str:
        return f"IMAP {self.host}:{self.port}"


def resolve_target(settings: Imap | None, environ: Mapping[str, str] | None = None) -> ImapTarget:
    """Settings from `settings.imap`, each overridden by $INTRODUCER_IMAP_HOST/PORT/USER/TLS."""
    env = os.environ if environ is None else environ
    host = env.get(ENV_PREFIX + "HOST") or (settings.host if settings else None)
    user = env.get(ENV_PREFIX + "USER") or (settings.user if settings else None)
    if not host or not user:
        raise ImapError("--imap needs a host and a user: add `settings: {imap: {host: ..., "
                        "user: ...}}` to the book or set $INTRODUCER_IMAP_HOST and "
                        "$INTRODUCER_IMAP_USER")
    tls_text = env.get(ENV_PREFIX + "TLS") or (settings.tls if settings else "ssl")
    if tls_text not in _DEFAULT_PORTS:
        raise ImapError(f"${ENV_PREFIX}TLS={tls_text!r}: use ssl, starttls or none")
    tls: ImapTls = tls_text  # type: ignore[assignment]
    port_text = env.get(ENV_PREFIX + "PORT")
    if port_text:
        if not port_text.isdigit() or not 0 < int(port_text) < 65536:
            raise ImapError(f"${ENV_PREFIX}PORT={port_text!r} is not a port number")
        port = int(port_text)
    else:
        port = settings.port if settings and settings.port else _DEFAULT_PORTS[tls]
    command = settings.password_command if settings else None
    return ImapTarget(host, port, user, tls, settings.folder if settings else None,
                      tuple(command) if command else None)


def password_for(target: ImapTarget, environ: Mapping[str, str] | None = None) -> str:
    """$INTRODUCER_IMAP_PASSWORD, else the first line `password_command` prints."""
    env = os.environ if environ is None else environ
    password = env.get(ENV_PREFIX + "PASSWORD")
    if password:
        return password
    if not target.password_command:
        raise ImapError(f"{target.where}: no password: set ${ENV_PREFIX}PASSWORD or "
                        "`settings.imap.password_command` (e.g. [pass, show, mail])")
    try:
        done = subprocess.run(
            list(target.password_command), capture_output=True,
            timeout=PASSWORD_COMMAND_TIMEOUT, stdin=subprocess.DEVNULL, check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise ImapError(f"{target.where}: password_command {target.password_command[0]!r} "
                        f"failed ({error})") from None
    # Whatever the locale: UTF-8 as UTF-8, and other bytes go to the server as printed.
    lines = done.stdout.decode("utf-8", "surrogateescape").splitlines()
    if done.returncode != 0 or not lines or not lines[0]:
        raise ImapError(f"{target.where}: password_command {target.password_command[0]!r} "
                        f"exited {done.returncode} without printing a password")
    return lines[0]


def parse_list_line(line: bytes) -> tuple[set[str], str] | None:
    """(attributes, mailbox name as on the wire) from one LIST response line; None if unreadable."""
    match = _LIST_LINE.match(line.strip())
    if match is None:
        return None
    attributes = {a.decode("ascii", "replace").casefold()
                  for a in match.group("attributes").split()}
    name = match.group("name").strip()
    if name.startswith(b'"') and name.endswith(b'"') and len(name) >= 2:
        name = re.sub(rb"\\(.)", rb"\1", name[1:-1])
    return attributes, _wire_name(name)


def _wire_name(name: bytes) -> str:
    """A name as the server spelt it; one sent in 8-bit UTF-8 (against RFC 3501) re-encoded."""
    if name.isascii():
        return name.decode("ascii")
    return encode_mailbox(name.decode("utf-8", "replace"))


def folder_for_people(wire: str) -> str:
    """`Entw&APw-rfe` as `Entwürfe`; a name that is not modified UTF-7 as the server sent it."""
    try:
        return decode_mailbox(wire)
    except ValueError:
        return wire


def find_drafts_folder(listing: Sequence[bytes | tuple[bytes, bytes] | None]) -> str | None:
    """The `\\Drafts` special-use folder, else one named Drafts (any case), else None.

    The name as on the wire, to be sent back as it came.
    """
    folders: list[tuple[set[str], str]] = []
    for item in listing:
        if isinstance(item, tuple):  # a name sent as a literal
            head, literal = item
            parsed = parse_list_line(head.rsplit(b"{", 1)[0] + b'"x"')
            if parsed is not None:
                folders.append((parsed[0], _wire_name(literal)))
        elif item:
            parsed = parse_list_line(item)
            if parsed is not None:
                folders.append(parsed)
    for attributes, name in folders:
        if "\\drafts" in attributes:
            return name
    for _, name in folders:
        if name.casefold() == "drafts" or name.casefold().endswith(("/drafts", ".drafts")):
            return name
    return None


def _quoted(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _connect(target: ImapTarget) -> imaplib.IMAP4:
    context = ssl.create_default_context()
    if target.tls == "ssl":
        return imaplib.IMAP4_SSL(target.host, target.port, ssl_context=context,
                                 timeout=TIMEOUT_SECONDS)
    client = imaplib.IMAP4(target.host, target.port, timeout=TIMEOUT_SECONDS)
    if target.tls == "starttls":
        client.starttls(context)
    return client


def _cause(error: BaseException) -> str:
    if isinstance(error, ConnectionRefusedError):
        return "connection refused"
    if isinstance(error, TimeoutError | socket.timeout):
        return "timed out"
    if isinstance(error, socket.gaierror):
        return f"unknown host ({error.strerror})"
    if isinstance(error, ssl.SSLError):
        return f"TLS failed ({error.reason or error})"
    if isinstance(error, imaplib.IMAP4.error):
        text = str(error)
        if text.startswith(("b'", 'b"')):
            text = text[2:-1]
        return text
    if isinstance(error, OSError):
        return error.strerror or str(error)
    return str(error)


def _answer_text(status: str, answer: Sequence[object]) -> str:
    """`NO [TRYCREATE] ...` as the server put it, not a Python list of bytes."""
    words = [item.decode("utf-8", "replace") if isinstance(item, bytes) else str(item)
             for item in answer if item is not None]
    return " ".join([status, *words])


def internal_date() -> str:
    """The INTERNALDATE every APPEND carries (when the draft was "received"): the one
    clock's now, so it names the day the draft's `Date:` header does."""
    return imaplib.Time2Internaldate(now())


def plain_credentials(user: str, password: str) -> bytes:
    """The AUTHENTICATE PLAIN message (RFC 4616): no authzid, NUL, user, NUL, password, in UTF-8.

    Text that came from the environment or a command as undecodable bytes goes back as those
    bytes; neither may hold a NUL, which would end it early.
    """
    if "\0" in user or "\0" in password:
        raise ValueError("a user name or password cannot hold a NUL character")
    return b"\0".join(text.encode("utf-8", "surrogateescape") for text in ("", user, password))


def log_in(client: imaplib.IMAP4, target: ImapTarget, password: str) -> None:
    """AUTHENTICATE PLAIN when the server offers it, else LOGIN, which is ASCII only.

    imaplib sends LOGIN's arguments as ASCII without escaping line breaks, so anything else
    is refused before it reaches the server.
    """
    if "AUTH=PLAIN" in client.capabilities:
        try:
            credentials = plain_credentials(target.user, password)
        except ValueError as error:
            raise ImapError(f"{target.where}: login failed: {error}") from None
        client.authenticate("PLAIN", lambda _challenge: credentials)
    elif all(text.isascii() and text.isprintable() for text in (target.user, password)):
        client.login(target.user, password)
    else:
        raise ImapError(f"{target.where}: login failed: the server does not offer AUTHENTICATE "
                        "PLAIN, which a user name or password with non-ASCII characters (or "
                        "control characters) needs; LOGIN takes printable ASCII only")


def append_drafts(target: ImapTarget, password: str, messages: Sequence[EmailMessage]) -> str:
    """Append every message (already rendered and checked) to the Drafts folder.

    Returns the folder's name as people read it (`Entwürfe`, never `Entw&APw-rfe`).
    """
    payloads = [wire_bytes(message) for message in messages]
    stage = "connecting"
    try:
        client = _connect(target)
    except (OSError, imaplib.IMAP4.error, ssl.SSLError) as error:
        raise ImapError(f"{target.where}: {stage} failed: {_cause(error)}") from None
    appended = 0
    wire = name = ""
    try:
        stage = "login"
        log_in(client, target, password)
        stage = "finding the Drafts folder"
        if target.folder is not None:
            wire = encode_mailbox(target.folder)
        else:
            status, listing = client.list('""', "*")
            if status != "OK":
                raise imaplib.IMAP4.error(f"LIST answered {status}")
            wire = find_drafts_folder(listing) or ""
            if not wire:
                raise ImapError(f"{target.where}: no Drafts folder (none marked \\Drafts and "
                                "none named Drafts); name one with `settings.imap.folder`")
        name = folder_for_people(wire)
        stage = f"appending to {name}"
        for payload in payloads:
            status, answer = client.append(_quoted(wire), r"(\Draft)", internal_date(), payload)
            if status != "OK":
                raise imaplib.IMAP4.error(_answer_text(status, answer))
            appended += 1
    except ImapError:
        raise
    except (OSError, imaplib.IMAP4.error, ssl.SSLError) as error:
        partial = f" ({appended} of {len(payloads)} already appended)" if appended else ""
        cause = _cause(error).replace(wire, name)
        raise ImapError(f"{target.where}: {stage} failed: {cause}{partial}") from None
    finally:
        with contextlib.suppress(OSError, imaplib.IMAP4.error, ssl.SSLError):
            client.logout()
    return name
