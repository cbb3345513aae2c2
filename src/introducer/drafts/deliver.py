"""Where drafts go: .eml files, an mbox, or mailto: URLs. Nothing here prints."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import mailbox
import os
import re
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import parse_qsl, quote, unquote, urlsplit

from introducer.book.schema import slugify
from introducer.drafts.build import Draft
from introducer.drafts.headers import HeaderValue, Mailbox, same_headers
from introducer.drafts.message import wire_bytes
from introducer.errors import IntroducerError
from introducer.fileio import write_new

_ID_PART = 24
_MAX_COPIES = 1000


def _ascii_slug(identifier: str) -> str:
    """An id as a short ASCII slug; ids with no Latin letters get a stable hash instead."""
    slug = slugify(identifier)
    ascii_only = unicodedata.normalize("NFKD", slug).encode("ascii", "ignore").decode()
    ascii_only = re.sub(r"[^a-z0-9]+", "-", ascii_only).strip("-")[:_ID_PART].strip("-")
    if not ascii_only:
        digest = hashlib.sha256(identifier.encode()).hexdigest()[:8]
        return f"contact-{digest}"
    return ascii_only


def file_stem(draft: Draft, day: dt.date) -> str:
    """`maria-lopez--tom-reed-2026-11-23` (+ `-ask-tom-reed`, `-follow-up`), or
    `maria-lopez-2026-11-23-hello`: ASCII, ≤ 100."""
    if draft.kind == "hello":
        return f"{_ascii_slug(draft.to[0].id)}-{day.isoformat()}-hello"
    stem = f"{_ascii_slug(draft.a.id)}--{_ascii_slug(draft.b.id)}-{day.isoformat()}"
    if draft.kind == "ask":
        stem += f"-ask-{_ascii_slug(draft.to[0].id)}"
    elif draft.kind == "follow_up":
        stem += "-follow-up"
    return stem


def planned_paths(drafts: Sequence[Draft], folder: Path, day: dt.date) -> list[Path]:
    """A free name for each draft in `folder`: existing files are skipped (-2, -3 …)."""
    taken: set[Path] = set()
    paths = []
    for draft in drafts:
        stem = file_stem(draft, day)
        for copy in range(1, _MAX_COPIES + 1):
            path = folder / (f"{stem}.eml" if copy == 1 else f"{stem}-{copy}.eml")
            if path not in taken and not path.exists():
                break
        else:
            raise IntroducerError(f"{folder}: {_MAX_COPIES} drafts named {stem} already")
        taken.add(path)
        paths.append(path)
    return paths


def write_eml(drafts: Sequence[Draft], folder: Path, day: dt.date) -> list[Path]:
    """Each draft as a new .eml file (0600, atomic, never overwriting); returns the paths."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise IntroducerError(f"{folder}: cannot create the drafts folder "
                              f"({error.strerror})") from None
    written = []
    for draft in drafts:
        data = wire_bytes(draft.message)
        for _ in range(_MAX_COPIES):
            (path,) = planned_paths([draft], folder, day)
            try:
                write_new(path, data)
            except IntroducerError:
                if path.exists():
                    continue  # another process took the name between the check and the link
                raise
            written.append(path)
            break
    return written


def append_mbox(drafts: Sequence[Draft], path: Path) -> None:
    """Append every draft to an mbox file, holding its lock (created 0600 if new)."""
    if not path.exists():
        try:
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        except FileExistsError:
            pass
        except OSError as error:
            raise IntroducerError(f"{path}: cannot create the mbox ({error.strerror})") from None
    try:
        box = mailbox.mbox(path, create=False)
        box.lock()
    except (OSError, mailbox.Error) as error:
        raise IntroducerError(f"{path}: cannot open the mbox for writing ({error})") from None
    try:
        for draft in drafts:
            box.add(wire_bytes(draft.message).replace(b"\r\n", b"\n"))
        box.flush()
    except OSError as error:
        raise IntroducerError(f"{path}: cannot append to the mbox ({error.strerror})") from None
    finally:
        with contextlib.suppress(OSError, mailbox.Error):
            box.unlock()
        box.close()


# RFC 6068: addr-spec characters that need no escaping in a mailto: "to" part.
_MAILTO_ADDRESS_SAFE = "@!$'()*+;=.-_~"


def mailto_url(draft: Draft) -> str:
    """The draft as a `mailto:` URL (RFC 6068): UTF-8, percent-encoded, CRLF line ends.

    Read back before it is handed out, like every other delivery (headers.same_headers).
    """
    to = ",".join(quote(p.address.addr_spec, safe=_MAILTO_ADDRESS_SAFE) for p in draft.to)
    body = draft.body.replace("\r\n", "\n").replace("\n", "\r\n")
    url = (f"mailto:{to}?subject={quote(draft.subject, safe='')}"
           f"&body={quote(body, safe='')}")
    intended: dict[str, HeaderValue] = {
        "To": tuple(Mailbox("", p.address.addr_spec) for p in draft.to),
        "Subject": draft.subject, "body": body,
    }
    same_headers(intended, mailto_reading(url), "a mailto: handler")
    return url


def mailto_reading(url: str) -> list[tuple[str, HeaderValue]]:
    """What a mail client takes from a `mailto:` URL: the To addresses and each query field."""
    parts = urlsplit(url)
    to = tuple(Mailbox("", unquote(a)) for a in parts.path.split(",")) if parts.path else ()
    fields = parse_qsl(parts.query, keep_blank_values=True)
    return [("To", to), *fields]
