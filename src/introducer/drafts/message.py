"""One RFC 5322 message from a rendered draft: headers checked, CRLF, UTF-8, marked unsent."""

from __future__ import annotations

import datetime as dt
import email.policy
import re
from collections.abc import Callable, Sequence
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from introducer.clock import now
from introducer.errors import IntroducerError

# What .eml files and IMAP want on the wire; stdout gets the same with "\n".
WIRE_POLICY = email.policy.default.clone(linesep="\r\n")
TEXT_POLICY = email.policy.default.clone(linesep="\n")
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
) -> EmailMessage:
    """The draft as an EmailMessage; a subject with a line break is refused, never folded in."""
    if _LINE_BREAKS.search(subject):
        raise IntroducerError(
            f"the subject {subject[:40]!r} contains a line break or control character "
            "(check the template)"
        )
    message = EmailMessage(policy=WIRE_POLICY)
    message["From"] = sender
    message["To"] = tuple(recipients)
    message["Subject"] = subject
    message["Date"] = format_datetime(date)
    message["Message-ID"] = message_id
    message["X-Unsent"] = "1"
    if body.isascii() and all(len(line) <= _LONGEST_8BIT_LINE for line in body.splitlines()):
        cte = "7bit"
    elif all(len(line.encode()) <= _LONGEST_8BIT_LINE for line in body.splitlines()):
        cte = "8bit"
    else:
        cte = "quoted-printable"
    message.set_content(body, charset="utf-8", cte=cte)
    return message


def wire_bytes(message: EmailMessage) -> bytes:
    """The message as an .eml file or IMAP APPEND wants it: CRLF line ends."""
    return message.as_bytes(policy=WIRE_POLICY)


def as_text(message: EmailMessage) -> str:
    """The message for a terminal or a pipe: the same, with "\\n" line ends.

    Through bytes, because `as_string` would base64 an 8bit UTF-8 body.
    """
    return message.as_bytes(policy=TEXT_POLICY).decode("utf-8")
