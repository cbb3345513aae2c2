"""Free-text values compare after normalisation, so `Divorcing-Couples` meets `divorcing couple`.

The steps, in order: Unicode NFKC, case folding, hyphens/underscores/whitespace
folded to one space, edge punctuation dropped, simple English plurals folded per
word, then the book's aliases (whose keys and values are normalised the same way).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from functools import lru_cache

#: Legal-form words that say nothing about which company it is ("Acme Inc" is "Acme"):
#: used for `wants: [anyone at Acme]` and for matching imported records to the book.
LEGAL_FORMS = frozenset(
    {"inc", "incorporated", "llc", "pllc", "llp", "lllp", "lp", "ltd", "limited", "corp",
     "corporation", "co", "company", "pc", "psc", "gmbh", "ag", "kg", "ohg", "ug", "sa", "sas",
     "sarl", "srl", "spa", "sl", "bv", "nv", "plc", "pty", "pte", "oy", "oyj", "aps", "kk",
     "sro", "spzoo"}
)
#: Forms that are also ordinary words, so dropped only when spelt with dots: `P.A.`, `A.S.`.
_DOTTED_FORMS = frozenset({"pa", "as", "ab", "se", "sc"})
_SEPARATORS = re.compile(r"[\s\-_‐‑‒–—―/]+")
_EDGE_PUNCTUATION = " .,;:!?\"'()[]{}<>«»“”‘’"
# Words that end in "s" but are not plurals; folding them would merge unrelated values.
_NOT_PLURAL = frozenset(
    {"business", "news", "always", "series", "species", "physics", "economics", "chess",
     "tennis", "bus", "gas", "yes", "this", "was", "has", "his", "its", "less", "plus",
     "analysis", "basis", "crisis", "diagnosis", "thesis", "status", "campus", "virus",
     "bonus", "census", "corpus", "focus", "lens", "sales", "athletics", "politics",
     "aerobics", "gymnastics", "mathematics", "logistics", "ethics", "pilates", "texas",
     "paris", "wellness", "fitness", "mass", "glass", "class", "boss", "cross", "dress"}
)


def without_legal_form(words: list[str]) -> list[str]:
    """Company words less the legal forms at the end (`goldberg family law pllc`,
    `fox dental p.c.` or its slug `fox dental p c`, `smith and co`); never empty."""
    kept = list(words)
    while len(kept) > 1:
        last = kept[-1]
        bare = last.replace(".", "")
        if bare in LEGAL_FORMS or ("." in last and bare in _DOTTED_FORMS) or (
                bare == "and" and len(kept) > 1):
            kept.pop()
            continue
        letters = 0  # `p c`, `s a`: a dotted form whose dots became spaces
        while letters < len(kept) - 1 and len(kept[-1 - letters]) == 1:
            letters += 1
        joined = "".join(kept[len(kept) - letters:])
        if letters >= 2 and (joined in LEGAL_FORMS or joined in _DOTTED_FORMS):
            del kept[len(kept) - letters:]
            continue
        break
    return kept


def fold_plural(word: str) -> str:
    """`families` -> `family`, `coaches` -> `coach`, `attorneys` -> `attorney`; short words stay."""
    if len(word) <= 3 or word in _NOT_PLURAL or not word.endswith("s"):
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "ches", "shes", "xes", "zzes")):
        return word[:-2]
    if word.endswith(("ss", "us", "is")):
        return word
    return word[:-1]


@lru_cache(maxsize=65536)
def fold_text(text: str) -> str:
    """Everything but the aliases: the canonical spelling of a free-text value."""
    folded = unicodedata.normalize("NFKC", text).casefold().replace("&", " and ")
    folded = _SEPARATORS.sub(" ", folded).strip(_EDGE_PUNCTUATION)
    words = [fold_plural(word.strip(_EDGE_PUNCTUATION)) for word in folded.split()]
    return " ".join(word for word in words if word)


class Normaliser:
    """Folds text, then maps it through the book's aliases (one step, not transitively)."""

    __slots__ = ("_aliases", "_cache")

    def __init__(self, aliases: Mapping[str, str] | None = None) -> None:
        self._aliases = {fold_text(k): fold_text(v) for k, v in (aliases or {}).items()}
        self._cache: dict[str, str] = {}

    def __call__(self, text: str) -> str:
        cached = self._cache.get(text)
        if cached is None:
            folded = fold_text(text)
            cached = self._aliases.get(folded, folded)
            self._cache[text] = cached
        return cached

    def spellings(self, texts: Iterable[str]) -> dict[str, str]:
        """Each non-empty normalised value of a list field -> its first spelling there
        (called for every list of every contact, so the cache is read inline)."""
        cache = self._cache
        spellings: dict[str, str] = {}
        for text in texts:
            key = cache.get(text)
            if key is None:
                key = self(text)
            if key:
                spellings.setdefault(key, text)
        return spellings

    def values(self, texts: Iterable[str]) -> frozenset[str]:
        """The set of normalised, non-empty values of a list field."""
        return frozenset(v for v in map(self, texts) if v)


def tokens(value: str) -> frozenset[str]:
    """The words of an already-normalised value, less the filler that carries no meaning."""
    return frozenset(w for w in value.split() if w not in _FILLER)


_FILLER = frozenset({"a", "an", "the", "and", "of", "for", "to", "in", "at", "&", "with", "or"})


def is_kind_of(specific: frozenset[str], general: frozenset[str]) -> bool:
    """`family therapist` is a kind of `therapist`: every word of the general term appears."""
    return bool(general) and general <= specific


def has_run(words: tuple[str, ...], run: tuple[str, ...]) -> bool:
    """Whether `run` occurs in `words` as consecutive whole words (`nationwide` in a name)."""
    width = len(run)
    return width > 0 and any(
        words[start : start + width] == run for start in range(len(words) - width + 1)
    )
