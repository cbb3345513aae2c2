"""Small English helpers so every reason reads as one natural line."""

from __future__ import annotations

from collections.abc import Sequence

_TITLES = frozenset({"dr", "dr.", "mr", "mr.", "mrs", "mrs.", "ms", "ms.", "mx", "mx.",
                     "prof", "prof.", "sir", "dame", "rev", "rev."})


def join_words(items: Sequence[str], limit: int = 4) -> str:
    """`a`, `a and b`, `a, b and c`; past `limit` items, `a, b, c and 5 more`."""
    if len(items) <= 1:
        return "".join(items)
    if len(items) > limit:
        return ", ".join(items[: limit - 1]) + f" and {len(items) - limit + 1} more"
    return ", ".join(items[:-1]) + " and " + items[-1]


def with_article(noun: str) -> str:
    """`an estate attorney`, `a dentist` (by the first letter; good enough for job titles)."""
    return ("an " if noun[:1].casefold() in "aeiou" else "a ") + noun


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
