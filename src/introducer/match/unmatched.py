"""What in a book can never match: asks, events, `serves` and businesses nothing knows.

`check` reports each with a "did you mean" from the tables' vocabulary (and the
book's own businesses and companies). Something the tables know is never
reported (nobody in the book fitting a known profession is a gap, not a typo),
and neither is anything that matches someone in the book. A company ask or a
business is only reported with a close hint: asking for "anyone at Acme" before
you know anyone there is fine, and most businesses are not in the tables. All the work is per
distinct value, through the matchers' indexes, never per pair.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping

from rapidfuzz import fuzz, process

from introducer.book.model import Book
from introducer.book.yamlsafe import contact_label, shown
from introducer.errors import Problem
from introducer.match.profile import PreparedBook, Profile, Want

_CUTOFF = 80.0  # an ask or event this close to a known one is probably a typo of it
_BUSINESS_CUTOFF = 85.0  # a business is only reported with a hint, so the hint must be good
_HINT_BUDGET = 2_000  # "did you mean" look-ups per check (each scans the vocabulary)
_MIN_LENGTH = 4  # shorter values are too close to too much to suggest anything


class _Hints:
    """`did you mean` against one vocabulary within a shared budget of look-ups.

    `choices` maps each spelling compared against to what is suggested for it (a
    misspelling the table knows, "dentest", suggests its profession, "dentist").
    """

    def __init__(self, choices: Mapping[str, str], budget: list[int],
                 scorer: Callable[..., float] = fuzz.ratio) -> None:
        self._spellings = sorted(choices)
        self._shown = choices
        self._budget = budget
        self._scorer = scorer

    def __call__(self, text: str, cutoff: float = _CUTOFF) -> str | None:
        if self._budget[0] <= 0 or not self._spellings or len(text) < _MIN_LENGTH:
            return None
        self._budget[0] -= 1
        found = process.extract(text, self._spellings, scorer=self._scorer,
                                score_cutoff=cutoff, limit=3)
        hints = [self._shown[spelling] for spelling, _, _ in found]
        return next((hint for hint in hints if hint != text), None)


class NotesIndex:
    """Whose notes (the user's, on each contact) answer an ask, found through the words
    the notes hold rather than by reading every note for every ask."""

    def __init__(self, prepared: PreparedBook) -> None:
        self._prepared = prepared
        self._noted: defaultdict[str, set[int]] = defaultdict(set)
        for row, profile in enumerate(prepared.profiles):
            for word in profile.notes_words:
                self._noted[word].add(row)

    def answering(self, want: Want) -> set[int]:
        """Positions of everyone whose notes answer `want` (`PreparedBook.by_notes`)."""
        words = want.qualifiers or want.content
        postings = sorted((self._noted.get(word, set()) for word in words), key=len)
        if not postings or not postings[0]:
            return set()
        profiles = self._prepared.profiles
        return {r for r in set.intersection(*postings)
                if self._prepared.by_notes(want, profiles[r])}


def _same(values: Iterable[str]) -> dict[str, str]:
    return {value: value for value in values if value}


def never_matching(book: Book) -> Iterator[Problem]:
    """A warning for each ask, event, `serves` and business that can never match."""
    prepared = PreparedBook(book, today=dt.date.today())
    budget = [_HINT_BUDGET]
    yield from _asks(book, prepared, budget)
    yield from _events(book, prepared, budget)
    yield from _businesses(book, prepared, budget)


def _professions(prepared: PreparedBook) -> dict[str, str]:
    """Every spelling of a profession, suggesting the profession's own name."""
    events = prepared.events
    return {spelling: events.profession_key(spelling)
            for spelling in events.profession_vocabulary()}


def _warning(book: Book, index: int, field: str, message: str) -> Problem:
    return Problem(str(book.path), book.line_of(index, field), message,
                   contact_label(book.contacts[index].name), "warning")


def _suffix(hint: str | None) -> str:
    return f" (did you mean {shown(hint)}?)" if hint else ""


def _asks(book: Book, prepared: PreparedBook, budget: list[int]) -> Iterator[Problem]:
    events, matcher, companies = prepared.events, prepared.matcher, prepared.companies
    profiles = prepared.profiles
    doing = Counter(p.business for p in profiles if p.business)
    working = Counter(p.company for p in profiles if p.company)
    notes = NotesIndex(prepared)
    vocabulary = _Hints({**_same(events.needs_vocabulary()), **_professions(prepared),
                         **_same(doing)}, budget)
    company_names = _Hints({p.company: p.contact.company or "" for p in profiles if p.company},
                           budget, fuzz.partial_ratio)

    def others(want: Want, row: int) -> bool:
        """Whether anyone but the asker fits the want."""
        me = profiles[row]
        if not want.at_company:
            columns = matcher.matching(want.key)
            held = sum(doing[matcher.keys[c]] for c in columns)
            if held - (me.business is not None and me.business in doing
                       and matcher.matches(want.key, me.business)) > 0:
                return True
        columns = companies.matching(want.company, at_company=want.at_company)
        held = sum(working[companies.keys[c]] for c in columns)
        if held - (prepared.by_company(want, me)) > 0:
            return True
        return any(r != row for r in notes.answering(want))

    for row, profile in enumerate(profiles):
        for want in profile.wants:
            if not want.at_company and events.asked_professions(want.key):
                continue  # a profession the tables know: nobody fitting it is a gap
            if others(want, row):
                continue
            if want.at_company:  # an open ask for a company is fine; a near miss is not
                hint = company_names(want.company)
                if hint is None:
                    continue
                what = f"ask {shown(want.text)} names a company nobody in the book works at"
            else:
                hint = vocabulary(want.key)
                what = f"ask {shown(want.text)} matches nobody in the book"
            yield _warning(book, row, "wants", what + _suffix(hint))


def _events(book: Book, prepared: PreparedBook, budget: list[int]) -> Iterator[Problem]:
    events, profiles = prepared.events, prepared.profiles
    serving = Counter(event for p in profiles for event in p.serves)
    living = Counter(event for p in profiles for event in p.living)
    hints = _Hints(_same([*events.event_vocabulary(), *serving, *living]), budget)
    for row, profile in enumerate(profiles):
        contact = profile.contact
        for life_event in contact.events:
            key = events.event_key(prepared.normalise(life_event.event))
            if key in events.events or serving[key] - (key in profile.serves) > 0:
                continue
            yield _warning(
                book, row, "events",
                f"event {shown(life_event.event)} is no life event introducer knows and nobody "
                f"in the book serves it{_suffix(hints(key))}",
            )
        for name in contact.serves or ():
            key = events.event_key(prepared.normalise(name))
            if not key or key in events.events or _shared(key, profile, serving, living):
                continue
            yield _warning(
                book, row, "serves",
                f"serves {shown(name)} is no life event introducer knows and nobody else in "
                f"the book serves or lives through it{_suffix(hints(key))}",
            )


def _shared(key: str, profile: Profile, serving: Counter[str], living: Counter[str]) -> bool:
    return serving[key] - (key in profile.serves) > 0 or living[key] - (key in profile.living) > 0


def _businesses(book: Book, prepared: PreparedBook, budget: list[int]) -> Iterator[Problem]:
    """A business nothing knows and nothing names is only reported with a close hint."""
    events, matcher = prepared.events, prepared.matcher
    named: set[int] = set()
    seen: set[tuple[str, bool]] = set()
    for profile in prepared.profiles:
        terms = [(w.key, False) for w in profile.wants if not w.at_company]
        terms += [(key, True) for key in (*profile.clients, *profile.referral_sources)]
        for term in terms:
            if term not in seen:
                seen.add(term)
                named |= matcher.matching(term[0], head_noun=term[1])
    hints = _Hints(_professions(prepared), budget)
    reported: dict[str, str | None] = {}
    for row, profile in enumerate(prepared.profiles):
        business = profile.business
        if business is None or matcher.professions(business) or events.implied_events(business):
            continue
        if matcher.column[business] in named:
            continue
        if business not in reported:
            reported[business] = hints(business, _BUSINESS_CUTOFF)
        hint = reported[business]
        if hint is not None:
            yield _warning(
                book, row, "business",
                f"business {shown(profile.contact.business or '')} is no profession introducer "
                f"knows and no ask, client type or referral source in the book names it"
                f"{_suffix(hint)}",
            )
