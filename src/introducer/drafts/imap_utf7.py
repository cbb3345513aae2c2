"""Mailbox names in IMAP's modified UTF-7 (RFC 3501 §5.1.3): `Entwürfe` is `Entw&APw-rfe`.

Printable ASCII stands for itself, `&` is written `&-`, and every other run of
characters is `&`, its UTF-16BE in base64 with `,` for `/` and no padding, `-`.
Each name has exactly one spelling, so the decoder refuses every other one
(padding, stray bits, ASCII in base64, two base64 runs in a row, no closing `-`):
what it accepts, `encode_mailbox` gives back unchanged.

Not Python's "utf-7" codec (RFC 2152: `+`, `/`, and `\\n`, `\\t` left as they are)
and not IMAPClient's `imap_utf7`, which builds on that codec.
"""

from __future__ import annotations

import base64
import binascii
import re

_DIRECT = re.compile(r"[\x20-\x25\x27-\x7e]+")  # printable ASCII but "&"
_SHIFTED = re.compile(r"&(?P<base64>[A-Za-z0-9+,]*)-")
_ENCODED = re.compile(r"&|[^\x20-\x7e]+")


def encode_mailbox(name: str) -> str:
    """The wire form of a mailbox name; ValueError for a lone surrogate (no UTF-16 form)."""
    return _ENCODED.sub(lambda run: _shift(run.group()), name)


def decode_mailbox(wire: str) -> str:
    """The name a person reads; ValueError if `wire` is not modified UTF-7 as RFC 3501 spells it."""
    out: list[str] = []
    position = 0
    after_base64 = False
    while position < len(wire):
        direct = _DIRECT.match(wire, position)
        if direct:
            out.append(direct.group())
            position, after_base64 = direct.end(), False
            continue
        shifted = _SHIFTED.match(wire, position)
        if shifted is None:
            raise ValueError(f"{wire!r} is not modified UTF-7: no closing '-' or a character "
                             f"outside printable ASCII at {position + 1}")
        text = shifted.group("base64")
        if text and after_base64:
            raise ValueError(f"{wire!r} is not modified UTF-7: two base64 runs meet at "
                             f"{position + 1}")
        out.append(_unshift(wire, text) if text else "&")
        position, after_base64 = shifted.end(), bool(text)
    return "".join(out)


def _shift(run: str) -> str:
    if run == "&":
        return "&-"
    try:
        utf16 = run.encode("utf-16-be")
    except UnicodeEncodeError:
        raise ValueError(f"{run!r} holds a lone surrogate, which no mailbox name can") from None
    return "&" + base64.b64encode(utf16, altchars=b"+,").decode("ascii").rstrip("=") + "-"


def _unshift(wire: str, text: str) -> str:
    """One base64 run; refused unless it is the only spelling of what it decodes to."""
    try:
        utf16 = base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"+,", validate=True)
        decoded = utf16.decode("utf-16-be")
    except (binascii.Error, UnicodeDecodeError):
        decoded = ""
    if not decoded or encode_mailbox(decoded) != f"&{text}-":
        raise ValueError(f"{wire!r} is not modified UTF-7: '&{text}-' is not base64 of "
                         "UTF-16 spelt the one way RFC 3501 allows")
    return decoded
