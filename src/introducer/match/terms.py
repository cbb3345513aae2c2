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
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from introducer.book.knowledge import TriggerEvents
from introducer.book.normalise import (
    fold_plural,
    fold_text,
    has_run,
    tokens,
    without_legal_form,
)

# Leading phrases that say how to reach someone, not who they are, and praise that
# says nothing about who ("a good dentist"). Applied to the case-folded text *before*
# plural folding, which would turn "does" into "doe". Groups named `at*` mark an ask
# for whoever works at a company ("anyone at Nationwide", "someone who works for Acme").
_WANT_FILLER = re.compile(
    r"^(?:"
    r"(?:an?|the|some|any|my|our)\s+"
    r"|(?:intro|intros|introduction|introductions|connection|connections|referral|referrals"
    r"|contact|contacts)\s+(?:to|with|for|(?P<at1>at|inside))\s+"
    r"|(?:anyone|someone|somebody|anybody|people|person|folks)"
    r"(?:\s+(?:who|that))?"
    r"(?:\s+(?:is|are|does|do|can|(?P<works>works|work|working|employed)|knows|know))?"
    r"(?:\s+(?:(?P<at2>at)|in|from|with|as|(?P<for>for|by)|on))?\s+"
    r"|(?:who\s+|that\s+)?(?:works|working|employed)\s+(?P<at3>at|for|by)\s+"
    r"|(?:good|great|reliable|trusted|trustworthy|recommended|local|solid|decent|excellent"
    r"|top|best|experienced|affordable|honest|reputable|competent|knowledgeable|nice)\s+"
    r"|(?:to|who\s+can|that\s+can|who\s+could)\s+"
    r"(?:help\s+(?:me\s+|us\s+)?(?:with\s+)?|build|make|do|fix|handle|design|set\s+up|create"
    r"|run|manage|redo|update|take\s+care\s+of|look\s+at|sort\s+out|find)?\s*"
    r")"
)
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Ask:
    """What a want asks for (case-folded, filler gone), and whether it names a workplace."""

    thing: str
    stripped: bool
    at_company: bool


def fold_spaces(text: str) -> str:
    """NFKC, case-folded, single spaces: the form filler is stripped from."""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", text).casefold()).strip()


def parse_want(text: str) -> Ask:
    """`anyone at Nationwide` -> (`nationwide`, at a company); `a good dentist` -> `dentist`."""
    whole = fold_spaces(text)
    rest, at_company = whole, False
    while True:
        match = _WANT_FILLER.match(rest + " ")
        if match is None or not match.group(0).strip():
            break
        groups = match.groupdict()
        if groups["at1"] or groups["at2"] or groups["at3"] or (groups["works"] and groups["for"]):
            at_company = True
        rest = rest[match.end() :].strip() if match.end() <= len(rest) else ""
    rest = rest.strip(" .,;:!?")
    return Ask(rest, rest != whole, at_company and bool(rest))


def strip_want(text: str) -> str:
    """What was asked for, less how: `an intro to an estate attorney` -> `estate attorney`.

    Returns case-folded text (not yet plural-folded or aliased); empty if nothing is left.
    """
    return parse_want(text).thing


def company_key(normalised: str) -> str:
    """A normalised company name less legal suffixes, so `Acme` finds `Acme Inc` (or `N.V.`)."""
    return " ".join(without_legal_form(normalised.split()))


class BusinessMatcher:
    """Which businesses (normalised `business` values) a term names.

    A term matches a business when they are equal; or, when the tables know a
    profession for both, when the business is one of the term's professions or a
    kind of one (`estate attorney` is a `trusts and estates attorney`, `dentist`
    finds the `orthodontist`, and `therapist` is *not* a `physical therapist`);
    otherwise when every word of the term is a word of the business (`insurance` ->
    `insurance claims clerk`). An ask (`wants`) also names professions through the
    needs people write ("a new website" -> web designer). For client types and
    referral sources (`head_noun`), the last words must also agree, so `families`
    does not match `family therapist`; a trailing role word is looked past, so
    `restaurants` does match `restaurant owner`; and a client type that is a life
    event (`retirees`) matches a business that says its holder lives through it
    (`retired plant manager`).
    """

    def __init__(self, events: TriggerEvents, businesses: Iterable[str]) -> None:
        self.keys: tuple[str, ...] = tuple(sorted(set(businesses)))
        self.column: dict[str, int] = {key: i for i, key in enumerate(self.keys)}
        self.events = events
        self._profession_cache: dict[str, frozenset[str]] = {}
        self._by_token: defaultdict[str, set[int]] = defaultdict(set)
        self._by_profession: defaultdict[str, set[int]] = defaultdict(set)
        self._by_event: defaultdict[str, set[int]] = defaultdict(set)
        for column, key in enumerate(self.keys):
            for word in tokens(key):
                self._by_token[word].add(column)
            for profession in self.professions(key):
                self._by_profession[profession].add(column)
            for event in events.implied_events(key):
                self._by_event[event].add(column)
        self._cache: dict[tuple[str, bool], frozenset[int]] = {}

    def professions(self, text: str) -> frozenset[str]:
        """The table's canonical professions for a normalised text (often empty)."""
        cached = self._profession_cache.get(text)
        if cached is None:
            cached = self.events.professions_of(text)
            self._profession_cache[text] = cached
        return cached

    def term_professions(self, term: str, *, head_noun: bool = False) -> frozenset[str]:
        """The professions a term names: an ask's also through needs, client types' not."""
        if head_noun:
            return self.professions(term)
        return self.events.asked_professions(term)

    def matching(self, term: str, *, head_noun: bool = False) -> frozenset[int]:
        """Columns (indexes into `keys`) of every business the normalised term names."""
        cached = self._cache.get((term, head_noun))
        if cached is not None:
            return cached
        found: set[int] = set()
        if term in self.column:
            found.add(self.column[term])
        term_professions = self.term_professions(term, head_noun=head_noun)
        for profession in term_professions:
            specialists: set[int] = set()
            for kind in self.events.kinds(profession):
                specialists |= self._by_profession.get(kind, set())
            if not specialists and not head_noun:
                # Nobody in the book does exactly this: the generalist does ("term life
                # insurance" finds the insurance agent when there is no life insurance agent).
                for broader in self.events.broader(profession):
                    specialists |= self._by_profession.get(broader, set())
            found |= specialists
        # An ask's purpose clause only qualifies it: "insurance for my coffee shop" is insurance.
        words = tokens(term if head_noun else self.events.asked_head(term))
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
        if head_noun and self._by_event:
            event = self.events.known_event(term, strict=True)
            if event is not None:
                found |= self._by_event.get(event, set())
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


# Words in company names that say what kind of organisation it is, not which one:
# an ask for "anyone at Health" or "at Services" names no company.
_GENERIC_COMPANY_WORDS = frozenset(
    {"health", "healthcare", "services", "service", "group", "company", "companies", "co",
     "corporation", "corp", "incorporated", "inc", "llc", "ltd", "holdings", "partners",
     "associates", "international", "global", "national", "america", "american", "usa", "us",
     "of", "the", "and", "&", "systems", "solutions", "enterprises", "industries", "center",
     "centre", "hospital", "hospitals", "clinic", "bank", "insurance", "agency", "firm",
     "network", "foundation", "institute", "university", "college", "school", "county", "city",
     "state", "north", "south", "east", "west", "medical", "technologies", "technology"}
)
# "anyone at Honda in Marysville", "at Intel near Folsom": where, not which company.
_PLACE_TAIL = re.compile(r"\s+(?:in|at|near|around|out of|based in)\s+\S.*$")


def _distinctive(words: tuple[str, ...]) -> tuple[str, ...]:
    """A company name less its generic trailing words: `intel corporation` -> `intel`
    (a name of nothing but generic words, `bank of america`, is distinctive whole)."""
    end = len(words)
    while end > 0 and words[end - 1] in _GENERIC_COMPANY_WORDS:
        end -= 1
    return words[:end] if any(w not in _GENERIC_COMPANY_WORDS for w in words[:end]) else words


class CompanyMatcher:
    """Which companies (keys from `company_key`) an ask names.

    An ask names a company it equals. An ask marked as one ("anyone at Nationwide")
    also names, once a trailing place is dropped ("Honda in Marysville" is Honda),
    every company holding its words as whole words in a row ("Nationwide" finds
    "Nationwide Insurance" but not "Nationwider Ltd"; "Honda" finds "Honda of
    America"), and every company whose distinctive words begin the ask ("Intel
    Folsom" is at Intel, a unit or a site of it). Generic words alone ("Health",
    "Services", "Group") never name a company.
    """

    def __init__(self, companies: Iterable[str]) -> None:
        self.keys: tuple[str, ...] = tuple(sorted(set(companies)))
        self.column: dict[str, int] = {key: i for i, key in enumerate(self.keys)}
        self._by_word: defaultdict[str, set[int]] = defaultdict(set)
        self._by_prefix: defaultdict[tuple[str, ...], set[int]] = defaultdict(set)
        for column, key in enumerate(self.keys):
            for word in key.split():
                self._by_word[word].add(column)
            distinctive = _distinctive(tuple(key.split()))
            if distinctive:
                self._by_prefix[distinctive].add(column)
        self._cache: dict[tuple[str, bool], frozenset[int]] = {}

    def matching(self, company: str, *, at_company: bool) -> frozenset[int]:
        """Columns of every company the ask names (`company` is the ask's `company_key`)."""
        cached = self._cache.get((company, at_company))
        if cached is not None:
            return cached
        found: set[int] = set()
        if company in self.column:
            found.add(self.column[company])
        if at_company:
            place = _PLACE_TAIL.search(company)
            for asked in {company, company[: place.start()]} if place else {company}:
                found |= self._named_by(tuple(asked.split()))
        result = frozenset(found)
        self._cache[(company, at_company)] = result
        return result

    def _named_by(self, words: tuple[str, ...]) -> set[int]:
        """Companies a workplace ask's words name: by a run of whole words, or as a prefix."""
        found: set[int] = set()
        if not words or all(word in _GENERIC_COMPANY_WORDS for word in words):
            return found
        postings = sorted((self._by_word.get(word, set()) for word in set(words)), key=len)
        for column in set.intersection(*postings) if postings[0] else ():
            if has_run(tuple(self.keys[column].split()), words):
                found.add(column)
        for end in range(1, len(words)):
            found |= self._by_prefix.get(words[:end], set())
        return found

    def matches(self, company: str, at_company: bool, held: str | None) -> bool:
        """Whether the ask names this (known) company."""
        if held is None or held not in self.column:
            return False
        return self.column[held] in self.matching(company, at_company=at_company)


# Words that never tell one ask, or one note, from another.
_NOTE_STOP = frozenset(
    {"a", "an", "the", "and", "or", "of", "for", "to", "in", "at", "on", "with", "by", "from",
     "who", "that", "which", "is", "are", "was", "be", "can", "could", "will", "would", "do",
     "does", "my", "our", "your", "me", "us", "i", "we", "he", "she", "they", "his", "her",
     "their", "it", "this", "someone", "anyone", "somebody", "anybody", "person", "people",
     "good", "great", "very", "really", "also", "just", "some", "any", "who's", "has", "have"}
)


# Words whose "-er" is no doer: "mother" is no one who moths.
_NOT_DOERS = frozenset({"mother", "father", "brother", "sister", "daughter", "number", "center",
                        "corner", "winter", "summer", "never", "other", "either", "whether",
                        "together", "however", "offer", "paper", "power", "water", "computer",
                        "member", "under", "over", "after", "matter", "letter", "better"})


@cache
def stem(word: str) -> str:
    """A light stem, so notes that say "speaks Spanish" meet an ask for "Spanish-speaking",
    and "walks dogs and babysits" an ask for a dog walker or a babysitter."""
    word = fold_plural(word)
    if len(word) > 5 and word.endswith("ing"):
        return word[:-3]
    if len(word) >= 6 and word.endswith("er") and word not in _NOT_DOERS:
        base = word[:-2]
        doubled = len(base) > 3 and base[-1] == base[-2] and base[-1] not in "ls"
        return base[:-1] if doubled else base
    return word


# Words after which a business says whom or where, not what: "books for restaurants",
# "engineer at Intel".
_FOR_WHOM = frozenset({"for", "to", "at", "with", "in", "serving", "from", "near"})


def line_of_work(business: str) -> str:
    """A normalised business up to whom it serves: `does books for restaurants` ->
    `does books` (sharing "restaurant" with a restaurant owner is no shared line)."""
    words = business.split()
    for position, word in enumerate(words):
        if position and word in _FOR_WHOM:
            return " ".join(words[:position])
    return business


def note_words(text: str) -> frozenset[str]:
    """The stemmed words of a note or an ask that could tell it apart."""
    return frozenset(stem(word) for word in fold_text(text).split() if word not in _NOTE_STOP)


# Words that say someone runs the thing before them: a "restaurant owner" *is* the
# restaurant a bookkeeper who serves "restaurants" is looking for.
_ROLE_WORDS = frozenset({"owner", "operator", "founder", "cofounder", "proprietor", "ceo"})


def _head_noun(business: str) -> str:
    """The business's head noun, looking past a trailing role word."""
    words = business.split()
    while len(words) > 1 and words[-1] in _ROLE_WORDS:
        words.pop()
    return words[-1] if words else business
