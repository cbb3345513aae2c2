"""Small English helpers so every reason reads as one natural line."""

from __future__ import annotations

import re
from collections.abc import Sequence

from introducer.book.normalise import fold_plural, fold_text
from introducer.match.terms import note_words

_TITLES = frozenset({"dr", "dr.", "mr", "mr.", "mrs", "mrs.", "ms", "ms.", "mx", "mx.",
                     "prof", "prof.", "sir", "dame", "rev", "rev."})


def join_words(items: Sequence[str], limit: int = 4) -> str:
    """`a`, `a and b`, `a, b and c`; past `limit` items, `a, b, c and 5 more`."""
    if len(items) <= 1:
        return "".join(items)
    if len(items) > limit:
        return ", ".join(items[: limit - 1]) + f" and {len(items) - limit + 1} more"
    return ", ".join(items[:-1]) + " and " + items[-1]


# Letters whose spoken name starts with a vowel sound: an HR consultant, an SEO expert.
_VOWEL_SOUND_LETTERS = frozenset("AEFHILMNORSX")
# Vowels spoken with a consonant sound (a urologist, a UX designer, a one-person firm)
# and silent h's (an hour, an honest broker).
_CONSONANT_SOUND_STARTS = ("uni", "use", "usa", "usu", "uro", "ura", "ure", "uti", "ute",
                           "uku", "eu", "one", "once")
_SILENT_H_STARTS = ("hour", "honest", "honor", "honour", "heir")
# Things asked for that take no article: `asked for insurance`, not `an insurance`.
_MASS_ENDINGS = ("ing", "ance", "ence", "ice", "ware")
_MASS_WORDS = frozenset(
    {"help", "capital", "estate", "tax", "taxes", "payroll", "childcare", "daycare", "therapy",
     "work", "space", "legal", "it", "hr", "pr", "seo", "design", "data", "research", "finance",
     "money", "investment", "equipment", "funds", "press", "media", "security", "care"}
)


def _takes_an(noun: str) -> bool:
    first = noun.split()[0] if noun.split() else ""
    letters = first.strip(".,;:()\"'")
    spelt = letters.isupper() and letters.isalpha() and 2 <= len(letters) <= 4  # HR, UX, SEO
    if spelt or (letters[1:2] == "-" and letters[:1].isupper()):  # X-ray, T-shirt
        return letters[0] in _VOWEL_SOUND_LETTERS
    word = letters.casefold()
    if word.startswith(_SILENT_H_STARTS):
        return True
    if word.startswith(_CONSONANT_SOUND_STARTS):
        return False
    return word[:1] in ("a", "e", "i", "o", "u")


def with_article(noun: str) -> str:
    """`an estate attorney`, `a dentist`, `an HR consultant`, `a urologist` (by sound)."""
    return ("an " if _takes_an(noun) else "a ") + noun


def asked_thing(text: str) -> str:
    """What someone asked for, as a phrase: `an accountant`, but `accountants`, `insurance`."""
    words = text.casefold().split()
    last = words[-1].strip(".,;:!?()\"'") if words else ""
    folded = fold_text(last)
    if fold_plural(last) != last or folded in _MASS_WORDS or folded.endswith(_MASS_ENDINGS):
        return text
    return with_article(text)


_SENTENCES = re.compile(r"(?<=[.!?;])\s+|\n+")
_QUOTE_MAX = 80


def note_quote(notes: str, words: frozenset[str]) -> str:
    """The sentence of the notes that holds most of `words` (stemmed), quoted and short."""
    sentences = [part.strip() for part in _SENTENCES.split(notes) if part.strip()] or [notes]
    best = max(sentences, key=lambda part: len(note_words(part) & words))
    best = best.rstrip(".;")
    if len(best) > _QUOTE_MAX:
        best = best[: _QUOTE_MAX - 1].rstrip() + "…"
    return f"'{best}'"


def first_name(name: str) -> str:
    """`Dr. Amir Haddad` -> `Amir`: how you would mention someone in passing."""
    words = name.split()
    while len(words) > 1 and words[0].casefold() in _TITLES:
        words = words[1:]
    return words[0] if words else name


def short_names(first: str, second: str) -> tuple[str, str]:
    """First names, unless both people share one; then full names keep them apart."""
    a, b = first_name(first), first_name(second)
    return (first, second) if a.casefold() == b.casefold() else (a, b)
