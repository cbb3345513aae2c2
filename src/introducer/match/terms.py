"""Matching a free-text ask, referral source or client type against what someone does.

"an intro to an estate attorney" should find the trusts and estates attorney,
"anyone at Harbor Bank" the person who works there, and a bookkeeper who serves
"dentists" your dentist. One matcher decides all of these, so the exact per-pair
scorer and the vectorised index can never disagree about a match.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable

from introducer.book.knowledge import TriggerEvents
from introducer.book.normalise import LEGAL_FORMS, tokens

# Leading phrases that say how to reach someone, not who they are. Applied to the
# case-folded text *before* plural folding, which would turn "does" into "doe".
_WANT_FILLER = re.compile(
    r"^(?:"
    r"(?:an?|the|some|any|my|our)\s+"
    r"|(?:intro|intros|introduction|introductions|connection|connections|referral|referrals)"
    r"\s+(?:to|with|for)\s+"
    r"|(?:anyone|someone|somebody|anybody)"
    r"(?:\s+(?:who|that))?"
    r"(?:\s+(?:is|are|does|do|can|works|work|working|knows|know))?"
    r"(?:\s+(?:at|in|from|with|as|for|on))?\s+"
    r")"
)
_SPACES = re.compile(r"\s+")
# Words after a company name that do not change which company it is.


def fold_spaces(text: str) -> str:
    """NFKC, case-folded, single spaces: the form filler is stripped from."""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", text).casefold()).strip()


def strip_want(text: str) -> str:
    """What was asked for, less how: `an intro to an estate attorney` -> `estate attorney`.

    Returns case-folded text (not yet plural-folded or aliased); empty if nothing is left.
    """
    rest = fold_spaces(text)
    while True:
        match = _WANT_FILLER.match(rest + " ")
        if match is None or not match.group(0).strip():
            return rest
        rest = rest[match.end() :].strip() if match.end() <= len(rest) else ""


def company_key(normalised: str) -> str:
    """A normalised company name less legal suffixes, so `Acme` finds `Acme Inc` (or `N.V.`)."""
    words = normalised.split()
    while len(words) > 1 and words[-1].replace(".", "") in LEGAL_FORMS:
        words.pop()
    return " ".join(words)


class BusinessMatcher:
    """Which businesses (normalised `business` values) a term names.

    A term matches a business when they are equal; or, when the trigger-event table
    knows a profession for both, when they share one (`estate attorney` is a
    `trusts and estates attorney`, and `therapist` is *not* a `physical therapist`);
    otherwise when every word of the term is a word of the business (`insurance` ->
    `life insurance agent`). For client types and referral sources (`head_noun`),
    the last words must also agree, so `families` does not match `family therapist`;
    a trailing role word is looked past, so `restaurants` does match `restaurant owner`.
    """

    def __init__(self, events: TriggerEvents, businesses: Iterable[str]) -> None:
        self.keys: tuple[str, ...] = tuple(sorted(set(businesses)))
        self.column: dict[str, int] = {key: i for i, key in enumerate(self.keys)}
        self._professions_of: Callable[[str], frozenset[str]] = events.professions_of
        self._profession_cache: dict[str, frozenset[str]] = {}
        self._by_token: defaultdict[str, set[int]] = defaultdict(set)
        self._by_profession: defaultdict[str, set[int]] = defaultdict(set)
        for column, key in enumerate(self.keys):
            for word in tokens(key):
                self._by_token[word].add(column)
            for profession in self.professions(key):
                self._by_profession[profession].add(column)
        self._cache: dict[tuple[str, bool], frozenset[int]] = {}

    def professions(self, text: str) -> frozenset[str]:
        """The table's canonical professions for a normalised text (often empty)."""
        cached = self._profession_cache.get(text)
        if cached is None:
            cached = self._professions_of(text)
            self._profession_cache[text] = cached
        return cached

    def matching(self, term: str, *, head_noun: bool = False) -> frozenset[int]:
        """Columns (indexes into `keys`) of every business the normalised term names."""
        cached = self._cache.get((term, head_noun))
        if cached is not None:
            return cached
        found: set[int] = set()
        if term in self.column:
            found.add(self.column[term])
        term_professions = self.professions(term)
        for profession in term_professions:
            found |= self._by_profession.get(profession, set())
        words = tokens(term)
        postings = sorted((self._by_token.get(word, set()) for word in words), key=len)
        if words and postings and postings[0]:
            head = term.rsplit(" ", 1)[-1]
            for column in set.intersection(*postings):
                key = self.keys[column]
                if term_professions and self.professions(key):
                    continue  # both known professions: the table already decided
                if head_noun and _head_noun(key) != head:
                    continue
                found.add(column)
        result = frozenset(found)
        self._cache[(term, head_noun)] = result
        return result

    def matches(self, term: str, business: str | None, *, head_noun: bool = False) -> bool:
        """Whether the normalised term names this (normalised, known) business."""
        if business is None or business not in self.column:
            return False
        return self.column[business] in self.matching(term, head_noun=head_noun)

    def same_line_of_work(self, first: str | None, second: str | None) -> bool:
        """Possible competitors: the same business, or one canonical profession in common."""
        if first is None or second is None:
            return False
        return first == second or bool(self.professions(first) & self.professions(second))


# Words that say someone runs the thing before them: a "restaurant owner" *is* the
# restaurant a bookkeeper who serves "restaurants" is looking for.
_ROLE_WORDS = frozenset({"owner", "operator", "founder", "cofounder", "proprietor", "ceo"})


def _head_noun(business: str) -> str:
    """The business's head noun, looking past a trailing role word."""
    words = business.split()
    while len(words) > 1 and words[-1] in _ROLE_WORDS:
        words.pop()
    return words[-1] if words else business
