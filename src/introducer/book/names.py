"""One rule for what a name (or company, or business) may hold: length, invisible characters.

The book loader and the draft layer both ask `invisible_problem`, so `check`
never passes a name that `draft` then refuses. Real names use the zero-width
joiner and non-joiner (Persian and Indic spelling, emoji families); the other
format characters are invisible or reorder the text around them, so they can
make one name look like another (a bidi override turns `evil.example` into
`elpmaxe.live` on screen) and are refused, naming the character.
"""

from __future__ import annotations

import unicodedata

#: Format characters real names need: ZERO WIDTH NON-JOINER and ZERO WIDTH JOINER.
ALLOWED_FORMAT = frozenset("\u200c\u200d")
_NAMED = {
    "\u200b": "a zero-width space (U+200B)",
    "\u200e": "a left-to-right mark (U+200E)",
    "\u200f": "a right-to-left mark (U+200F)",
    "\ufeff": "a byte order mark (U+FEFF)",
    "\u00ad": "a soft hyphen (U+00AD)",
}
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_LINE_SEPARATORS = frozenset("\u2028\u2029")
ENCODED_WORD_START = "=?"
#: Longest name (in UTF-8 octets) a draft can carry exactly: encoded whole as one RFC 2047
#: word, as drafts/headers.py explains, it still fits a 998-octet header line.
MAX_NAME_OCTETS = 720


def name_problem(name: str) -> str | None:
    """Why `name` cannot be a person's name in a draft's From or To, or None."""
    octets = len(name.encode("utf-8", "surrogatepass"))
    if octets > MAX_NAME_OCTETS:
        return (f"is too long for a mail header ({len(name):,} characters, {octets:,} octets "
                f"in UTF-8; at most {MAX_NAME_OCTETS}); shorten it")
    return invisible_problem(name)


def invisible_problem(text: str) -> str | None:
    """Why `text` may not be a name, or None: the first character that could spoof one."""
    if text.isprintable() and text.isascii():
        return None  # the common case, checked in C
    for char in text:
        if char in ALLOWED_FORMAT:
            continue
        category = unicodedata.category(char)
        if char in _BIDI:
            return (f"contains {_describe(char)}, which reorders the text around it "
                    "on screen; remove it")
        if char in _NAMED or category == "Cf":
            return f"contains {_describe(char)}, an invisible character; remove it"
        if char in _LINE_SEPARATORS or category in ("Cc", "Zl", "Zp"):
            return f"contains {_describe(char)}, a line break or control character; remove it"
    return None


def _describe(char: str) -> str:
    """`a right-to-left override (U+202E)`: what a user can search their editor for."""
    if char in _NAMED:
        return _NAMED[char]
    name = unicodedata.name(char, "").lower()
    code = f"U+{ord(char):04X}"
    return f"{_article(name)} {name} ({code})" if name else f"the character {code}"


def _article(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"


def looks_encoded(text: str) -> bool:
    """Whether `text` holds RFC 2047 encoded-word syntax (`=?utf-8?q?...?=`).

    Drafts write such a name exactly as it is spelt (never decoded, so it cannot
    smuggle a header in), but its owner probably pasted it from a raw mail header.
    """
    return ENCODED_WORD_START in text
