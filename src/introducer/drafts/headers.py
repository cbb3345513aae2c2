"""The headers of a draft, written by introducer itself and read back before anything leaves.

Python's email package decodes RFC 2047 encoded words in a display name and,
before the CVE-2024-6923 fix (3.11.7 here), writes the decoded text out again
unencoded: a contact named `=?utf-8?q?Eve=0D=0ABcc=3A_x=40evil.example?=` became a
Bcc header. So every header is written here, as ASCII, and the email package
only stores it (`set_raw`) and writes it as is:

- a display name with non-ASCII or `=?` in it is *always* one encoded word, so
  the name read back is the name as written, never decoded a second time. One
  word, not several: readers disagree on the space between two encoded words in
  a display name (Python's parser keeps it, RFC 2047 and compat32 drop it), so a
  name is capped in length instead (book/names.py) and its line may pass 78
  octets, never 998;
- a subject that needs encoding is encoded whole, in words of at most 75
  characters (between encoded words in unstructured text every reader drops
  the space);
- lines are folded at 78 octets where the syntax allows; runs of spaces in a
  display name are written as one (see `header_display_name`).

`verify_headers` then parses the bytes back, with the default policy and with
compat32, and refuses a draft whose headers are not exactly the ones meant.
"""

from __future__ import annotations

import base64
import re
import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from email import message_from_bytes
from email import policy as policies
from email.header import decode_header, make_header
from email.message import EmailMessage, Message
from email.utils import getaddresses

from introducer.errors import IntroducerError

MAX_LINE = 998
PREFERRED_LINE = 78
_ENCODED_WORD = 75
ADDRESS_HEADERS = ("From", "To")
_ATOM_PHRASE = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?: [A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*")
_Q_SAFE = frozenset(string.ascii_letters + string.digits + "!*+-/")
_FOLD = re.compile(r"\r?\n(?=[ \t])")
_SPACES = re.compile(r"  +")


@dataclass(frozen=True, slots=True)
class Mailbox:
    """One address as a reader shows it: the display name, literally, and the addr-spec."""

    display_name: str
    addr_spec: str


#: What the email package's parsers raise on input they mishandle (as on `=?utf-8?q??=`).
PARSER_FAILURES = (IndexError, ValueError, TypeError, AttributeError, LookupError)
HeaderValue = str | tuple[Mailbox, ...]
Headers = Mapping[str, HeaderValue]


class HeaderCheckError(IntroducerError):
    """A draft's headers would not read back as written; nothing is sent or saved."""


def needs_encoding(text: str) -> bool:
    """Text a header cannot carry as is: non-ASCII, controls, or encoded-word syntax."""
    return not (text.isascii() and text.isprintable()) or "=?" in text


def encoded_word(text: str) -> str:
    """`text` as one RFC 2047 encoded word in UTF-8, B or Q, whichever is shorter."""
    data = text.encode("utf-8")
    b_word = f"=?utf-8?b?{base64.b64encode(data).decode('ascii')}?="
    q_text = "".join("_" if byte == 0x20 else chr(byte) if chr(byte) in _Q_SAFE
                     else f"={byte:02X}" for byte in data)
    q_word = f"=?utf-8?q?{q_text}?="
    return q_word if len(q_word) <= len(b_word) else b_word


def _encoded_words(text: str) -> list[str]:
    """`text` as encoded words of at most 75 characters, split between characters."""
    words: list[str] = []
    chunk = ""
    for char in text:
        if chunk and len(encoded_word(chunk + char)) > _ENCODED_WORD:
            words.append(encoded_word(chunk))
            chunk = ""
        chunk += char
    words.append(encoded_word(chunk))
    return words


def header_display_name(name: str) -> str:
    """The name a From or To shows: runs of spaces written as one.

    Python's parser reads two spaces inside an encoded display name as one, so a
    name spelt with two could not read back exactly; it is surely a typo anyway.
    """
    return _SPACES.sub(" ", name)


def display_phrase(name: str) -> str:
    """A display name as one token: bare words, a quoted string, or one encoded word."""
    if needs_encoding(name):
        return encoded_word(name)
    if _ATOM_PHRASE.fullmatch(name):
        return name
    quoted = '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return min(quoted, encoded_word(name), key=len)


def address_tokens(mailboxes: Sequence[Mailbox]) -> list[str]:
    """An address list as foldable tokens: `Name <addr>,` each, or `Name`, `<addr>` if long."""
    tokens: list[str] = []
    for position, mailbox in enumerate(mailboxes):
        comma = "," if position < len(mailboxes) - 1 else ""
        if not mailbox.display_name:
            tokens.append(mailbox.addr_spec + comma)
            continue
        parts = [display_phrase(mailbox.display_name), f"<{mailbox.addr_spec}>{comma}"]
        whole = " ".join(parts)
        tokens += [whole] if len(whole) < PREFERRED_LINE else parts
    return tokens


def unstructured_tokens(text: str) -> list[str]:
    """A subject as foldable tokens: its words, or encoded words when it needs encoding."""
    words = text.split(" ")
    if needs_encoding(text) or "" in words or any(len(w) > _ENCODED_WORD for w in words):
        return _encoded_words(text)
    return words


def folded(name: str, tokens: Sequence[str]) -> str:
    """The header's value, lines joined by "\\n" at spaces between tokens, 78 wide if it can."""
    lines: list[str] = []
    current = ""
    width = len(name) + 2
    for token in tokens:
        if current and width + 1 + len(token) > PREFERRED_LINE:
            lines.append(current)
            current, width = token, 1 + len(token)
        else:
            width += len(token) + (1 if current else 0)
            current = f"{current} {token}" if current else token
    lines.append(current)
    too_long = next((line for line in lines if len(line) + len(name) + 2 > MAX_LINE), None)
    if too_long is not None:
        raise HeaderCheckError(f"the {name} header has a part of {len(too_long):,} characters; "
                               f"a mail header line holds at most {MAX_LINE} (shorten it)")
    return "\n ".join(lines)


def header_value(name: str, value: HeaderValue) -> str:
    """One header's folded value, as `EmailMessage.set_raw` stores it."""
    if isinstance(value, tuple):
        return folded(name, address_tokens(value))
    return folded(name, unstructured_tokens(value))


class DraftMessage(EmailMessage):
    """An EmailMessage that remembers the headers it was meant to have, for `verify_headers`."""

    intended: dict[str, HeaderValue]


def intended_headers(message: EmailMessage) -> Headers:
    """What `message` was built to say; only drafts built by build_message may leave."""
    if not isinstance(message, DraftMessage):
        raise HeaderCheckError("only a draft built by introducer can be delivered")
    return message.intended


def verify_headers(data: bytes, intended: Headers) -> None:
    """Refuse `data` unless both parsers read exactly the intended headers, lines ≤ 998."""
    longest = max(len(line) for line in data.split(b"\r\n"))
    if longest > MAX_LINE:
        raise HeaderCheckError(f"a line of the draft is {longest:,} octets long; "
                               f"mail allows {MAX_LINE}")
    for reader, read in (("the email package", modern_reading),
                         ("a compat32 reader", compat32_reading)):
        try:
            found = read(data)
        except PARSER_FAILURES as error:
            raise HeaderCheckError(f"the draft's headers cannot be read back by {reader} "
                                   f"({type(error).__name__}); nothing was delivered") from None
        same_headers(intended, found, reader)


def same_headers(intended: Headers, found: Sequence[tuple[str, HeaderValue]],
                 reader: str) -> None:
    """The one comparison every delivery makes: each header once, with the value meant."""
    names = sorted(name.casefold() for name, _ in found)
    if names != sorted(name.casefold() for name in intended):
        extra = sorted(set(names) - {name.casefold() for name in intended})
        raise HeaderCheckError(
            f"the draft would be read by {reader} with headers {', '.join(extra) or 'missing'} "
            "it was not written with; nothing was delivered (please report this)")
    by_name = {name.casefold(): value for name, value in intended.items()}
    for name, value in found:
        if value != by_name[name.casefold()]:
            raise HeaderCheckError(
                f"the draft's {name} header would be read by {reader} as {value!r}, not as "
                "written; nothing was delivered (please report this)")


def modern_reading(data: bytes) -> list[tuple[str, HeaderValue]]:
    """The headers as `email.policy.default` reads them (what current mail tools see)."""
    parsed = message_from_bytes(data, policy=policies.default)
    found: list[tuple[str, HeaderValue]] = []
    for name, header in parsed.items():
        if header.defects:
            raise HeaderCheckError(f"the draft's {name} header is malformed ({header.defects[0]})")
        if name in ADDRESS_HEADERS:
            found.append((name, tuple(Mailbox(a.display_name, a.addr_spec)
                                      for a in header.addresses)))
        else:
            found.append((name, str(header)))
    return found


def compat32_reading(data: bytes) -> list[tuple[str, HeaderValue]]:
    """The headers as compat32 and RFC 2047 decoding read them (older mail tools)."""
    parsed: Message = message_from_bytes(data, policy=policies.compat32)
    found: list[tuple[str, HeaderValue]] = []
    for name, raw in parsed.items():
        unfolded = _FOLD.sub("", str(raw))
        if name in ADDRESS_HEADERS:
            found.append((name, tuple(Mailbox(_decoded(display), addr)
                                      for display, addr in getaddresses([unfolded]))))
        else:
            found.append((name, _decoded(unfolded)))
    return found


def _decoded(text: str) -> str:
    return str(make_header(decode_header(text)))
