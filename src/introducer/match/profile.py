"""Each contact's normalised features, and what the whole book knows about them.

Everything both scorers need is computed here once: normalised values, the events
a contact serves or lives through (dated events fade), how many contacts hold each
value (rarity), how each value is displayed, who may never be paired, and what
the ledger adds per person (a cooldown penalty, a reciprocity bonus).
"""

from __future__ import annotations

import copy
import datetime as dt
import math
from array import array
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from functools import cached_property
from itertools import chain
from operator import attrgetter
from typing import TYPE_CHECKING, Any, Literal

from introducer.book.knowledge import TriggerEvents, tables_for
from introducer.book.model import Book
from introducer.book.normalise import Normaliser, tokens
from introducer.book.schema import Contact, Weights
from introducer.match.acquaintance import Acquaintance, separating_couples
from introducer.match.history import (
    NO_HISTORY,
    HistoryView,
    cooldown_penalty,
    pair_key,
    reciprocity_bonus,
)
from introducer.match.terms import (
    BusinessMatcher,
    CompanyMatcher,
    company_key,
    line_of_work,
    note_words,
    parse_want,
    stem,
)

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

SharedField = Literal["clients", "referral_sources", "hobbies"]
SHARED_FIELDS: tuple[SharedField, ...] = ("clients", "referral_sources", "hobbies")

# A life event counts fully while it is recent, then halves every HALF_LIFE_DAYS:
# someone who moved last month needs a realtor more than someone who moved in 2019.
FULL_WEIGHT_DAYS = 90
HALF_LIFE_DAYS = 180
# A secondary profession for an event (a realtor for a divorce) answers a share of what
# a primary one (the mediator, the family lawyer, the therapist) does.
SECONDARY_SHARE = 0.3
# An event read from someone's business ("retired plant manager") is a state they are
# in, not a change they are living through now: it counts this share of a written one.
IMPLIED_EVENT_SHARE = 0.25
# An event written as over ("divorce finalised", "divorce final in June") still leaves
# needs (the taxes, the house), but far fewer than one under way.
PAST_EVENT_SHARE = 0.3
# Of several professions that serve one event, the one that serves little else is the
# first call (a domestic violence advocate before a therapist for someone leaving abuse):
# each further event a line of work serves takes this share off, down to GENERALIST_FLOOR.
GENERALIST_STEP = 0.01
GENERALIST_FLOOR = 0.95
# An ask more than this many people answer (a directory's "an accountant") is not sorted
# by who shares the asker's line of work: each answer is as good, and comparing them
# all would cost more than the ranking.
CROWDED_ASK = 200
# Words of an ask's purpose clause that say nothing about who fits it best.
_FIT_STOP = frozenset({"look", "help", "find", "get", "need", "want", "sort", "out", "doe", "do",
                       "make", "take", "over", "off", "up", "more", "new", "after", "before",
                       "about", "not", "isn't", "no", "one", "two", "three", "thing", "stuff",
                       "work", "deal", "handle", "figure", "right", "best", "when", "so",
                       "because", "if", "since", "while", "regarding", "which"})
# Words of a business that say how senior someone is, not what line of work they are in.
_ROLE_STOP = frozenset({"owner", "manager", "director", "senior", "junior", "lead", "head",
                        "chief", "assistant", "associate", "specialist", "consultant", "agent",
                        "officer", "coordinator", "executive", "president", "vp", "partner",
                        "principal", "retired", "former", "freelance", "independent", "company",
                        "service", "business", "group", "firm", "practice", "professional",
                        "worker", "employee", "staff", "student", "self", "employed", "licensed",
                        "certified", "small", "local", "owns", "run", "runs", "at", "&"})


def fade(date: dt.date | None, today: dt.date) -> float:
    """Weight of a life event: 1 if undated, upcoming or recent, then exponential decay."""
    if date is None:
        return 1.0
    age = (today - date).days
    if age <= FULL_WEIGHT_DAYS:
        return 1.0
    return float(0.5 ** ((age - FULL_WEIGHT_DAYS) / HALF_LIFE_DAYS))


def rarity(holders: int) -> float:
    """How much one shared value is worth: 1 if only the pair hold it, less the commoner it is."""
    return 1.0 / math.log2(holders) if holders >= 2 else 0.0


def _closeness_steps(closeness: int | None) -> int:
    """Closeness 2 and 3 (know them a little, know them) and none are neutral; 4 and 5 are
    one and two steps up, 1 (met once) a step down."""
    if closeness is None or closeness in (2, 3):
        return 0
    return closeness - 3 if closeness > 3 else closeness - 2


def _stale(contact: Contact, today: dt.date, stale_days: int) -> bool:
    return contact.last_contact is not None and (today - contact.last_contact).days > stale_days


def vouch_points(contact: Contact, today: dt.date, stale_days: int, weight: float) -> float:
    """The points of `vouch` alone, for every contact (the reason is written only for the
    pairs that are scored)."""
    steps = _closeness_steps(contact.closeness) - _stale(contact, today, stale_days)
    return steps * weight if steps and weight else 0.0


def vouch(contact: Contact, today: dt.date, stale_days: int, weight: float
          ) -> tuple[float, str | None]:
    """How far the user can vouch for a contact: points (+ or -) and why, or (0, None).

    Each step of closeness (`_closeness_steps`) is `weight`. Not having spoken for
    longer than `stale_days` costs one step more: an introduction from someone you
    have not talked to in years lands cold.
    """
    if not weight:
        return 0.0, None
    steps, why = _closeness_steps(contact.closeness), []
    if steps:
        why.append("you know {} well" if steps > 0 else "you barely know {}")
        why[-1] += f" (closeness {contact.closeness})"
    if _stale(contact, today, stale_days):
        steps -= 1
        why.append(f"you have not spoken with {{}} since {contact.last_contact}")
    if not steps:
        return 0.0, None
    return steps * weight, "; ".join(why)


def event_breadth(served: int) -> float:
    """Divides a contact's shared-event points: sqrt of how many events their work serves.

    A mediator and a divorce attorney who serve only divorce share their whole
    practice; a financial advisor and an estate attorney who both serve eight
    events share a broad market, and should not score eight times as much.
    """
    return math.sqrt(served) if served > 0 else 1.0


def event_breadths(served: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """`event_breadth` of every count at once (the index's rows; the same floats)."""
    import numpy as np  # the index's: a small book never builds one

    breadth: npt.NDArray[np.float64] = np.where(served > 0, np.sqrt(served), 1.0)
    return breadth


@dataclass(frozen=True, slots=True)
class Want:
    """One thing a contact asked for: its normalised key, the company it may name, as written.

    `content` is the ask's stemmed words that a note could hold; `qualifiers` those
    of them the professions it names do not account for ("spanish", "speak" in
    "a Spanish-speaking immigration attorney").
    """

    key: str
    company: str
    text: str
    stripped: bool  # the text had filler ("an intro to ...") around the thing asked for
    at_company: bool = False  # "anyone at Acme": whoever works there, not a profession
    content: frozenset[str] = frozenset()
    qualifiers: frozenset[str] = frozenset()
    # The qualifiers that can tell one fitting person from another ("lease" in "a lawyer to
    # look at my lease"): met by someone's business, clients, notes or profession's words.
    fit: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Profile:
    """One contact's features, normalised; mappings go from key to the contact's own spelling."""

    contact: Contact
    business: str | None
    company: str | None
    clients: Mapping[str, str]
    referral_sources: Mapping[str, str]
    hobbies: Mapping[str, str]
    serves: frozenset[str]
    living: Mapping[str, float]
    wants: tuple[Want, ...]
    active: bool
    notes_words: frozenset[str] = frozenset()
    # What can make them the best of several answers to an ask: the stemmed words of
    # their business, clients, notes and their professions' table entries (`fit_words`,
    # kept as the parts it is the union of: each part is shared by every contact in that
    # business or with that client type, where the union would be a set per contact),
    # and of their line of work less its rank (`work_words`: "nurse" in "nurse manager").
    fit_parts: tuple[frozenset[str], ...] = ()
    work_words: frozenset[str] = frozenset()
    # The events a contact wrote they live through (not read from their business), and
    # the events whose people their client types name ("young families": a new baby).
    told: Mapping[str, float] = field(default_factory=dict)
    client_events: Mapping[str, str] = field(default_factory=dict)
    # How much of what a person living through each served event needs this work is:
    # 1 for a primary profession (or a `serves:` the user wrote), less for a secondary one.
    serving: Mapping[str, float] = field(default_factory=dict)

    @property
    def fit_words(self) -> frozenset[str]:
        """Every word that can make them the best fit for an ask (see `fit_parts`)."""
        parts = self.fit_parts
        return parts[0] if len(parts) == 1 else frozenset().union(*parts)

    def fitting(self, words: frozenset[str]) -> frozenset[str]:
        """The `words` among their fit words."""
        parts = self.fit_parts
        if len(parts) == 1:
            return words & parts[0]
        return frozenset().union(*(words & part for part in parts))

    def fits_any(self, words: frozenset[str]) -> bool:
        """Whether any of `words` is among their fit words."""
        return not all(words.isdisjoint(part) for part in self.fit_parts)

    def shared(self, field: SharedField) -> Mapping[str, str]:
        """The values of one shared-value field (`clients`, `referral_sources`, `hobbies`)."""
        if field == "clients":
            return self.clients
        if field == "referral_sources":
            return self.referral_sources
        return self.hobbies

    def __reduce__(self) -> tuple[type[Profile], tuple[object, ...]]:
        """Pickled as its constructor's arguments: the `__setstate__` a frozen, slotted
        dataclass gets looks its fields up again for every object (a quarter of a second
        of loading a 100k book's preparation, `match/prepare.py`)."""
        return Profile, tuple(getattr(self, name) for name in _PROFILE_FIELDS)


_PROFILE_FIELDS = tuple(item.name for item in fields(Profile))


def _want(normalise: Normaliser, events: TriggerEvents, text: str) -> Want | None:
    """One ask as written, or None if nothing is left of it once the filler is gone."""
    ask = parse_want(text)
    key = normalise(ask.thing) if ask.thing else ""
    if not key:
        return None
    content = note_words(key)
    if ask.at_company or not events.asked_professions(key):
        qualifiers: frozenset[str] = frozenset()
    else:
        qualifiers = content - {stem(word) for word in events.asked_words(key)}
    return Want(key, company_key(key), text, ask.stripped, ask.at_company,
                content, qualifiers, qualifiers - _FIT_STOP)


def _wants(normalise: Normaliser, events: TriggerEvents, texts: list[str],
           kept: ProfileCache) -> tuple[Want, ...]:
    """A contact's asks, one per thing asked for (the first spelling of it); each distinct
    text is parsed once per book (`kept`)."""
    wants: dict[str, Want] = {}
    for text in texts:
        if text in kept.wants:
            want = kept.wants[text]
        else:
            want = kept.wants[text] = _want(normalise, events, text)
        if want is not None:
            wants.setdefault(want.key, want)
    return tuple(wants.values())


# What many contacts hold empty (or alike) is one object for all of them, also in the
# day's cache entry (`prepare.py`): a million profiles would otherwise hold millions.
_NOTHING: Mapping[str, Any] = {}
_NO_WORDS: frozenset[str] = frozenset()


def _spellings(normalise: Normaliser, texts: list[str], kept: ProfileCache) -> Mapping[str, str]:
    """`normalise.spellings(texts)`, one mapping for every list written alike."""
    key = tuple(texts)
    found = kept.spellings.get(key)
    if found is None:
        found = kept.spellings[key] = normalise.spellings(texts) or _NOTHING
    return found


def _shared(value: Mapping[str, Any], kept: ProfileCache) -> Mapping[str, Any]:
    """One mapping for every profile holding the same items (`value` is not empty)."""
    return kept.shared.setdefault(("mapping", *value.items()), value)  # type: ignore[no-any-return]


def specialism(events_served: int) -> float:
    """The share of `needs_service` a line of work serving this many events earns."""
    return max(GENERALIST_FLOOR, 1.0 - GENERALIST_STEP * max(events_served - 1, 0))


@dataclass(frozen=True, slots=True)
class _BusinessFacts:
    """What a (normalised) business says, computed once per distinct business in a book."""

    serves: frozenset[str]
    serving: Mapping[str, float]
    implied: frozenset[str]
    work_words: frozenset[str]
    fit_words: frozenset[str]  # with the work words, less _FIT_STOP


def _business_facts(business: str, events: TriggerEvents) -> _BusinessFacts:
    serves = events.events_served_by(business) if business else frozenset()
    words = tokens(business)
    work_words = frozenset(stem(word) for word in tokens(line_of_work(business)) - _ROLE_STOP)
    fit_words = frozenset(stem(word) for word in words | events.vocabulary_of(business))
    return _BusinessFacts(
        serves=serves,
        serving={event: (SECONDARY_SHARE if events.role(business, event) == "secondary"
                         else 1.0) * specialism(len(serves))
                 for event in serves},
        implied=events.implied_events(business) if business else frozenset(),
        work_words=work_words,
        fit_words=(work_words | fit_words) - _FIT_STOP,
    )


def build_profile(
    contact: Contact, normalise: Normaliser, events: TriggerEvents, today: dt.date,
    kept: ProfileCache | None = None,
) -> Profile:
    """Normalise one contact; `serves` is inferred from the business when absent.

    `kept` keeps what each distinct business, company, client type and ask says across
    the contacts of one book (a book of 100k holds far fewer distinct businesses)."""
    kept = ProfileCache() if kept is None else kept
    business = normalise(contact.business) if contact.business else ""
    company = ""
    if contact.company:
        company = kept.companies.get(contact.company, "")
        if not company:
            company = kept.companies[contact.company] = company_key(normalise(contact.company))
    facts = kept.businesses.get(business)
    if facts is None:
        facts = kept.businesses[business] = _business_facts(business, events)
    if contact.serves is not None:
        serves = frozenset(events.event_key(normalise(name)) for name in contact.serves) - {""}
        serving: Mapping[str, float] = dict.fromkeys(serves, specialism(len(serves)))
    else:
        serves, serving = facts.serves, facts.serving
    living: dict[str, float] = {}
    for life_event in contact.events:
        key = events.event_key(normalise(life_event.event))
        if key:
            strength = fade(life_event.date, today) * events.urgency(key)
            if events.is_over(life_event.event):  # "divorce finalised": mostly behind them
                strength *= PAST_EVENT_SHARE
            living[key] = max(living.get(key, 0.0), strength)
    told = _shared(dict(living), kept) if living else _NOTHING
    for key in facts.implied:
        # A "retired plant manager" is a retiree, not someone retiring this month.
        living.setdefault(key, IMPLIED_EVENT_SHARE * events.urgency(key))
    notes_words = note_words(contact.notes) if contact.notes else _NO_WORDS
    clients = _spellings(normalise, contact.clients, kept) if contact.clients else _NOTHING
    fit_parts: tuple[frozenset[str], ...] = (facts.fit_words,)
    client_events: Mapping[str, str] = _NOTHING
    if notes_words or clients:  # else shared by everyone in the same business
        said = [notes_words - _FIT_STOP]
        named: dict[str, str] = {}
        for client, written in clients.items():
            found = kept.clients.get(client)
            if found is None:
                found = kept.clients[client] = (note_words(client) - _FIT_STOP,
                                                events.events_of_clients(client))
            said.append(found[0])
            for event in found[1]:
                named.setdefault(event, written)
        parts = (facts.fit_words, *filter(None, said))
        fit_parts = kept.shared.setdefault(("fit", *parts), parts)
        if named:
            client_events = _shared(named, kept)
    return Profile(
        contact,
        business or None,
        company or None,
        clients,
        _spellings(normalise, contact.referral_sources, kept) if contact.referral_sources
        else _NOTHING,
        _spellings(normalise, contact.hobbies, kept) if contact.hobbies else _NOTHING,
        serves,
        _shared(living, kept) if living else _NOTHING,
        _wants(normalise, events, contact.wants, kept) if contact.wants else (),
        contact.networker == "active",
        notes_words,
        fit_parts,
        facts.work_words,
        told,
        client_events,
        serving,
    )


class ProfileCache:
    """What `build_profile` keeps across the contacts of one book, one table per kind
    (it runs for every contact, so each lookup counts)."""

    __slots__ = ("businesses", "clients", "companies", "shared", "spellings", "wants")

    def __init__(self) -> None:
        self.companies: dict[str, str] = {}
        self.businesses: dict[str, _BusinessFacts] = {}
        self.clients: dict[str, tuple[frozenset[str], frozenset[str]]] = {}
        self.spellings: dict[tuple[str, ...], Mapping[str, str]] = {}
        self.wants: dict[str, Want | None] = {}
        self.shared: dict[tuple[Any, ...], Any] = {}  # equal mappings and fit parts


class PreparedBook:
    """A book made ready for matching: profiles, rarity counts, display spellings, exclusions.

    `penalty[i]` and `bonus[i]` are what the ledger (`history`) makes of contact i:
    points off every pair of theirs (introduced lately), and points onto every pair
    of theirs that shares something (owed referrals); both are >= 0. They and `vouch`
    are plain arrays of doubles (`array("d")`), which the index reads as numpy arrays
    without a copy (`numpy.asarray`): a small book's ranking never imports numpy.
    """

    def __init__(
        self, book: Book, *, today: dt.date, history: HistoryView = NO_HISTORY,
        halfway: Callable[[PreparedBook], object] | None = None,
    ) -> None:
        """`halfway` is called once everything the feature blocks read is set (the
        profiles, counts and matchers; `features.py`), before the rest is built: the
        blocks can then be built elsewhere meanwhile (`match/ahead.py`)."""
        settings = book.settings
        self.book = book
        self.today = today
        self.history = history
        self.weights: Weights = settings.weights
        self.normalise = Normaliser(settings.aliases)
        self.events = tables_for(settings)
        kept = ProfileCache()
        self.profiles: tuple[Profile, ...] = tuple(
            build_profile(contact, self.normalise, self.events, today, kept)
            for contact in book.contacts
        )
        self.matcher = BusinessMatcher(
            self.events, (p.business for p in self.profiles if p.business)
        )
        self.companies = CompanyMatcher(p.company for p in self.profiles if p.company)
        self.index_of: dict[str, int] = {}
        self._duplicates: list[tuple[int, int]] = []
        for index, contact in enumerate(book.contacts):
            first = self.index_of.setdefault(contact.id, index)
            if first != index:  # the loader refuses these; a hand-built book may not
                self._duplicates.append((first, index))
        # Each field's mappings in contact order (`Profile.shared`), read through in C.
        held = {field: list(map(attrgetter(field), self.profiles)) for field in SHARED_FIELDS}
        self.holders: dict[str, Counter[str]] = {
            field: Counter(chain.from_iterable(held[field])) for field in SHARED_FIELDS
        }
        self.holders["serves"] = Counter(chain.from_iterable(
            map(attrgetter("serves"), self.profiles)))
        self._answering: dict[tuple[str, bool], frozenset[int]] = {}
        self._names_cache: dict[str, frozenset[str]] = {}
        self.me_business: str | None = (
            self.normalise(book.me.business) if book.me.business else None
        )
        if halfway is not None:
            halfway(self)
        self.display: dict[str, dict[str, str]] = {}
        for shared_field in SHARED_FIELDS:
            spelling: dict[str, str] = {}
            for values in reversed(held[shared_field]):  # so the first contact's spelling stays
                if values:
                    spelling.update(values)
            self.display[shared_field] = spelling
        self.couples: frozenset[tuple[int, int]] = frozenset(
            separating_couples(book.contacts, [p.living.keys() for p in self.profiles]))
        self.avoided: frozenset[tuple[int, int]] = frozenset(self._avoided_pairs()) | self.couples
        weights = self.weights
        self._take_history(history)
        self.vouch = array("d", [vouch_points(c, today, settings.stale_days,
                                              weights.closeness) for c in book.contacts])
        self.acquaintance = Acquaintance(book.contacts, settings.groups)
        self._partners: defaultdict[str, list[str]] = defaultdict(list)
        for first, second in sorted(self.couples):
            self._partners[book.contacts[first].id].append(book.contacts[second].id)
            self._partners[book.contacts[second].id].append(book.contacts[first].id)

    def with_history(self, history: HistoryView) -> PreparedBook:
        """The same preparation under another ledger: only the per-person terms depend on
        it, so one preparation of a day (cached, `match/prepare.py`) serves any history."""
        other = copy.copy(self)
        other._take_history(history)
        return other

    def _take_history(self, history: HistoryView) -> None:
        contacts, weights = self.book.contacts, self.weights
        self.history = history
        self.penalty = array("d", [
            cooldown_penalty(history.recent.get(c.id), weights.recently_introduced)
            for c in contacts
        ] if history.recent else bytes(8 * len(contacts)))
        self.bonus = array("d", [
            reciprocity_bonus(history.reciprocity.get(c.id), weights.reciprocity)
            for c in contacts
        ] if history.reciprocity else bytes(8 * len(contacts)))

    def _avoided_pairs(self) -> list[tuple[int, int]]:
        pairs = list(self._duplicates)
        for index, contact in enumerate(self.book.contacts):
            for other_id in contact.avoid:
                other = self.index_of.get(other_id)
                if other is not None and other != index:
                    pairs.append((min(index, other), max(index, other)))
        return pairs

    def vouching(self, position: int) -> tuple[float, str | None]:
        """How far the user can vouch for the contact at `position`, and why (`vouch`)."""
        settings = self.book.settings
        return vouch(self.book.contacts[position], self.today, settings.stale_days,
                     settings.weights.closeness)

    def partners_of(self, contact_id: str) -> list[str]:
        """The other side of a divorce someone is living through, if the book holds them."""
        return self._partners.get(contact_id, [])

    def in_users_line(self, business: str | None) -> bool:
        """Whether a (normalised) business is the user's own line of work (`me.business`)."""
        return self.me_business is not None and self.matcher.same_line_of_work(
            business, self.me_business)

    def by_business(self, want: Want, profile: Profile) -> bool:
        """Whether what `profile` does is what the want asks for (never for a company ask,
        and never the user's own line of work: the user is that answer, not a competitor)."""
        return (not want.at_company and self.matcher.matches(want.key, profile.business)
                and not self.in_users_line(profile.business))

    def by_company(self, want: Want, profile: Profile) -> bool:
        """Whether `profile` works at the company the want names."""
        return self.companies.matches(want.company, want.at_company, profile.company)

    def by_notes(self, want: Want, profile: Profile) -> bool:
        """Whether the user's notes on `profile` fit the want, where nothing else does.

        Met by business or company: the notes must hold the qualifiers ("speaks
        Spanish" for a Spanish-speaking attorney), or, for an ask with none, the ask
        itself less what the business's name already says ("also does prenups" for
        "someone to do a prenup"; "term life" for term life insurance from an
        insurance agent); not met: every word of the ask.
        """
        if not profile.notes_words:
            return False
        met = self.by_business(want, profile) or self.by_company(want, profile)
        if not met:
            needed = want.content
        elif want.qualifiers:
            needed = want.qualifiers
        else:  # what of the ask the business's own name does not already say
            needed = want.content - self._named_by(profile.business or "")
        return bool(needed) and needed <= profile.notes_words

    def fits_best(self, want: Want, asker: Profile, profile: Profile
                  ) -> tuple[frozenset[str], frozenset[str]]:
        """What makes `profile` more than just an answer to `asker`'s want (met by business
        or company): the want's qualifiers their business, clients, notes or profession's
        words hold, and the words of the asker's line of work theirs shares. Empty if none."""
        if not (self.by_business(want, profile) or self.by_company(want, profile)):
            return frozenset(), frozenset()
        if len(self.answering(want)) > CROWDED_ASK:
            return profile.fitting(want.fit), frozenset()
        return profile.fitting(want.fit), asker.work_words & profile.work_words

    def _named_by(self, business: str) -> frozenset[str]:
        """The stems of a business and of its professions' names and spellings (cached)."""
        found = self._names_cache.get(business)
        if found is None:
            words = tokens(business) | self.events.names_of(business)
            found = self._names_cache[business] = frozenset(stem(w) for w in words)
        return found

    def answering(self, want: Want) -> frozenset[int]:
        """Positions of everyone who answers a want by business or company (cached)."""
        ask = (want.key, want.at_company)
        found = self._answering.get(ask)
        if found is None:
            by_business, by_company = self._holders
            rows: set[int] = set()
            if not want.at_company:  # as `by_business`: what the matcher names, not the user
                for column in self.matcher.matching(want.key):
                    business = self.matcher.keys[column]
                    if not self.in_users_line(business):
                        rows |= by_business.get(business, set())
            for company in self.companies.matching(want.company, at_company=want.at_company):
                rows |= by_company.get(self.companies.keys[company], set())
            found = self._answering[ask] = frozenset(rows)
        return found

    @cached_property
    def _holders(self) -> tuple[dict[str, set[int]], dict[str, set[int]]]:
        """Positions by normalised business and by company (built once, when first asked)."""
        by_business: defaultdict[str, set[int]] = defaultdict(set)
        by_company: defaultdict[str, set[int]] = defaultdict(set)
        for row, profile in enumerate(self.profiles):
            if profile.business is not None:
                by_business[profile.business].add(row)
            if profile.company is not None:
                by_company[profile.company].add(row)
        return by_business, by_company

    def rarity(self, field: str, key: str) -> float:
        """1/log2(holders): the worth of one value of `field` that two contacts share."""
        return rarity(self.holders[field][key])

    def hidden(self, first: int, second: int) -> str | None:
        """The ledger's label for this pair if the user already acted on it, else None."""
        if not self.history.hidden:
            return None
        contacts = self.book.contacts
        return self.history.hidden.get(pair_key(contacts[first].id, contacts[second].id))

    def excluded(self, first: int, second: int) -> str | None:
        """Why this pair must never be suggested, or None if it may be."""
        a, b = self.book.contacts[first], self.book.contacts[second]
        if first == second or a.id == b.id:
            return "same person"
        for contact in (a, b):
            if not contact.introduce:
                return f"{contact.name} is marked introduce: false"
        if (min(first, second), max(first, second)) in self.couples:
            return f"{a.name} and {b.name} look like the two sides of one divorce"
        if (min(first, second), max(first, second)) in self.avoided:
            lister, other = (a, b) if b.id in a.avoid else (b, a)
            return f"{lister.name} lists {other.name} under avoid"
        return None
