"""One RFC 5322 message from a rendered draft: headers checked, CRLF, UTF-8, marked unsent.

The headers are written by drafts/headers.py and stored raw, so the email package
never re-encodes a name; `wire_bytes` reads them back before any draft leaves.
"""

from __future__ import annotations

import datetime as dt
import email.policy
import re
from collections.abc import Callable, Sequence
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from introducer.clock import now
from introducer.drafts.headers import (
    DraftMessage,
    HeaderValue,
    Mailbox,
    header_display_name,
    header_value,
    intended_headers,
    verify_headers,
)
from introducer.errors import IntroducerError

# What .eml files and IMAP want on the wire; stdout gets the same with "\n". Headers
# written by drafts/headers.py are already folded: never refold them.
WIRE_POLICY = email.policy.default.clone(linesep="\r\n", refold_source="none")
_BODY_HEADERS = ("MIME-Version", "Content-Type", "Content-Transfer-Encoding")
_LINE_BREAKS = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]")
_LONGEST_8BIT_LINE = 900

Clock = Callable[[], dt.datetime]
IdFactory = Callable[[str], str]


def system_clock() -> dt.datetime:
    """The one clock's moment, so `Date:` names the day $INTRODUCER_TODAY does."""
    return now()


def random_message_id(domain: str) -> str:
    return make_msgid(domain=domain)


def build_message(
    sender: Address,
    recipients: Sequence[Address],
    subject: str,
    body: str,
    *,
    date: dt.datetime,
    message_id: str,
) -> DraftMessage:
    """The draft as an EmailMessage; a subject with a line break is refused, never folded in."""
    if _LINE_BREAKS.search(subject):
        raise IntroducerError(
            f"the subject {subject[:40]!r} contains a line break or control character "
            "(check the template)"
        )
    headers: dict[str, HeaderValue] = {
        "From": (_mailbox(sender),),
        "To": tuple(_mailbox(r) for r in recipients),
        "Subject": subject,
        "Date": format_datetime(date),
        "Message-ID": message_id,
        "X-Unsent": "1",
    }
    message = DraftMessage(policy=WIRE_POLICY)
    for name, value in headers.items():
        message.set_raw(name, header_value(name, value))
    if body.isascii() and all(len(line) <= _LONGEST_8BIT_LINE for line in body.splitlines()):
        cte = "7bit"
    elif all(len(line.encode()) <= _LONGEST_8BIT_LINE for line in body.splitlines()):
        cte = "8bit"
    else:
        cte = "quoted-printable"
    message.set_content(body, charset="utf-8", cte=cte)
    message.intended = {**headers, **{name: str(message[name]) for name in _BODY_HEADERS}}
    return message


def _mailbox(address: Address) -> Mailbox:
    return Mailbox(header_display_name(address.display_name), address.addr_spec)


def wire_bytes(message: EmailMessage) -> bytes:
    """The message as an .eml file, an mbox or IMAP APPEND wants it: CRLF line ends.

    Every delivery goes through here, so every one is read back first (verify_headers).
    """
    data = message.as_bytes(policy=WIRE_POLICY)
    verify_headers(data, intended_headers(message))
    return data


def as_text(message: EmailMessage) -> str:
    """The message for a terminal or a pipe: the same, checked, with "\\n" line ends.

    Through bytes, because `as_string` would base64 an 8bit UTF-8 body.
    """
    return wire_bytes(message).replace(b"\r\n", b"\n").decode("utf-8")
