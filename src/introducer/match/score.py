"""Why two people should meet: every reason for one pair, with points that add up to the score.

This is the exact, per-pair scorer. The vectorised index (`index.py`) computes the
same totals for many pairs at once to find the best ones; the reasons shown to
the user always come from here.

Two kinds come from the ledger (`history.py`), not the book, one reason per person:
`recently_introduced` (points off for each introduction inside the cooldown) and
`reciprocity` (points for referrals the user still owes someone), which only ever
adds to a pair whose book-based reasons total more than zero.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from introducer.book.normalise import fold_text
from introducer.book.schema import Contact
from introducer.match.history import (
    SHARES_SOMETHING,
    HistoryView,
    cooldown_penalty,
    reciprocity_bonus,
)
from introducer.match.phrasing import (
    asked_thing,
    in_their_words,
    join_words,
    note_quote,
    short_names,
    what_someone_is,
)
from introducer.match.profile import (
    SHARED_FIELDS,
    PreparedBook,
    Profile,
    SharedField,
    Want,
    event_breadth,
)
from introducer.match.terms import stem

KINDS: tuple[str, ...] = (
    "wants", "wants_notes", "wants_fit", "needs_service", "referral_source", "potential_client",
    "clients_in_event", "shared_clients", "shared_referral_sources", "same_trigger_event",
    "shared_hobbies",
    "both_active", "reciprocity", "closeness", "same_business", "already_acquainted",
    "recently_introduced",
)
# Kinds that come from the ledger: about one person and the user, not about the pair.
HISTORY_KINDS: frozenset[str] = frozenset({"reciprocity", "recently_introduced"})
# Kinds that say how the user stands with the pair (the ledger's, how well the user knows
# each side, whether they know each other already): never the common thread.
STANDING_KINDS: frozenset[str] = HISTORY_KINDS | {"closeness", "already_acquainted"}
# Per-person kinds added on top of what the book finds (see `shares_something`).
_PERSONAL_KINDS = frozenset({"closeness", "reciprocity", "recently_introduced"})
# Kinds that answer something time-bound: an open ask, or a life event someone is living
# through now. A connector answers these first (`today` lists them in a section of their own).
URGENT_KINDS: frozenset[str] = frozenset({"wants", "needs_service"})
# The shared-referral-sources text when every source the two share is the user's own line.
SHARED_WITH_USER = "both get referrals from you"
_SHARED: tuple[tuple[SharedField, str, str], ...] = (
    ("clients", "shared_clients", "both serve {}"),
    ("referral_sources", "shared_referral_sources", "both fed by {}"),
    ("hobbies", "shared_hobbies", "both enjoy {}"),
)


@dataclass(frozen=True, slots=True)
class Reason:
    """One reason, with its points (2 decimals); negative points lower the score."""

    kind: str
    values: tuple[str, ...]
    points: float
    text: str
    # For one-sided kinds (needs_service, wants, referral_source, potential_client,
    # recently_introduced, reciprocity): the id of the contact the reason is about
    # (who lives the event, asked, is fed or serves, was introduced, is owed).
    subject: str | None = None


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A pair worth introducing (a.id < b.id) and everything that speaks for or against it.

    `history` is the ledger's label for a pair the user already acted on
    ("introduced 2026-11-02"): such pairs are only suggested when asked for.
    """

    a: Contact
    b: Contact
    score: float
    reasons: tuple[Reason, ...]
    excluded: str | None = None
    history: str | None = None
    # Others who answer the same ask or need as well, but less well ("or: Carla, Brooke").
    alternatives: tuple[Contact, ...] = ()

    def other(self, contact_id: str) -> Contact:
        """The side of the pair that is not `contact_id`."""
        return self.b if self.a.id == contact_id else self.a

    @property
    def answer(self) -> Reason | None:
        """The ask or live event this pair answers, if that is its strongest reason."""
        positive = [r for r in self.reasons if r.points > 0 and r.kind not in STANDING_KINDS]
        if positive and positive[0].kind in URGENT_KINDS:
            return positive[0]
        return None

    @property
    def urgent(self) -> bool:
        """Whether the pair answers an open ask or a live life event (time-bound)."""
        return self.answer is not None

    @property
    def common_thread(self) -> str:
        """The one or two strongest reasons the two share, as one line for a table."""
        positive = [reason.text for reason in self.reasons
                    if reason.points > 0 and reason.kind not in STANDING_KINDS][:2]
        thread = "; ".join(positive) if positive else "nothing in common yet"
        if self.alternatives:
            thread += f" (or: {', '.join(c.name for c in self.alternatives)})"
        return thread


def _asked(want: Want) -> str:
    """How an ask reads in a reason: as written if it said how (`an intro to ...`), else
    as a phrase (`a dentist`)."""
    return in_their_words(want.text) if want.stripped else asked_thing(want.text)


def round_points(points: float) -> float:
    """Points as shown and summed: two decimals, no negative zero."""
    return round(points, 2) + 0.0


def _sorted_values(values: list[str]) -> tuple[str, ...]:
    return tuple(sorted(set(values), key=lambda v: (v.casefold(), v)))


def _order(reason: Reason) -> tuple[bool, float, int, tuple[str, ...], str, str]:
    return (reason.points < 0, -reason.points, KINDS.index(reason.kind), reason.values,
            reason.text, reason.subject or "")


def _days_ago(days: int) -> str:
    if days <= 0:
        return "today"
    return "yesterday" if days == 1 else f"{days} days ago"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def recently_introduced_text(name: str, count: int, days_ago: int, cooldown_days: int) -> str:
    """`Maria was introduced 3 days ago`, or `... 2 times in the last 14 days (latest today)`."""
    if count == 1:
        return f"{name} was introduced {_days_ago(days_ago)}"
    window = "day" if cooldown_days <= 1 else f"{cooldown_days} days"
    latest = _days_ago(days_ago)
    return f"{name} was introduced {count} times in the last {window} (latest {latest})"


def reciprocity_text(name: str, received: int, given: int) -> str:
    """`Maria has sent you 2 referrals and had 1 introduction back` (or `had none back yet`)."""
    sent = f"{name} has sent you {_count(received, 'referral')}"
    if given > 0:
        return f"{sent} and had {_count(given, 'introduction')} back"
    return f"{sent} and had none back yet"


class PairScorer:
    """Scores one pair at a time, exactly; the reference the vectorised index must agree with."""

    def __init__(self, prepared: PreparedBook) -> None:
        self.prepared = prepared
        self.weights = prepared.weights

    def score_pair(self, first: int, second: int) -> Suggestion:
        """The pair's suggestion (ordered by id), every reason, and why it is excluded if it is."""
        if (self.prepared.book.contacts[second].id, second) < (
            self.prepared.book.contacts[first].id, first
        ):
            first, second = second, first
        reasons = sorted(self._reasons(first, second), key=_order)
        return Suggestion(
            a=self.prepared.profiles[first].contact,
            b=self.prepared.profiles[second].contact,
            score=round_points(sum(reason.points for reason in reasons)),
            reasons=tuple(reasons),
            excluded=self.prepared.excluded(first, second),
            history=self.prepared.hidden(first, second),
        )

    def raw_total(self, first: int, second: int) -> float:
        """The unrounded sum of every reason's points (what the vectorised index computes)."""
        return sum(raw for _, raw in self._raw_reasons(first, second))

    def index_totals(self, first: int, second: int) -> tuple[float, float]:
        """(rough, exact): what the book's features alone give the pair, as if they were not
        competitors and before acquaintance and the ledger count (what
        `PairIndex.rough_partners` holds), and `raw_total`; (0, 0) if they share nothing."""
        a, b = self.prepared.profiles[first], self.prepared.profiles[second]
        names = short_names(a.contact.name, b.contact.name)
        book = list(self._book_reasons(a, b, names, competitors=False))
        rough = sum(raw for _, raw in book)
        if rough == 0.0:
            return 0.0, 0.0
        if self.prepared.matcher.same_line_of_work(a.business, b.business):
            return rough, self.raw_total(first, second)
        return rough, sum(raw for _, raw in self._raw_reasons(first, second, book))

    def shares_something(self, first: int, second: int) -> bool:
        """Whether the book (after what acquaintance takes off) finds anything for the pair:
        only then do reciprocity and vouching add to it."""
        return sum(raw for reason, raw in self._raw_reasons(first, second)
                   if reason.kind not in _PERSONAL_KINDS) > SHARES_SOMETHING

    def _reasons(self, first: int, second: int) -> Iterator[Reason]:
        for reason, raw in self._raw_reasons(first, second):
            yield Reason(
                reason.kind, reason.values, round_points(raw), reason.text, reason.subject
            )

    def _raw_reasons(self, first: int, second: int,
                     book: list[tuple[Reason, float]] | None = None
                     ) -> Iterator[tuple[Reason, float]]:
        a, b = self.prepared.profiles[first], self.prepared.profiles[second]
        names = short_names(a.contact.name, b.contact.name)
        if book is None:
            book = list(self._book_reasons(a, b, names))
        yield from book
        total = sum(raw for _, raw in book)
        known = self.prepared.acquaintance.why(first, second, names)
        share = self.weights.already_acquainted
        if known is not None and share and total > SHARES_SOMETHING:
            yield Reason("already_acquainted", (), 0.0, known), -share * total
            total -= share * total
        shares = total > SHARES_SOMETHING
        sides = ((first, a, names[0]), (second, b, names[1]))
        if shares:
            yield from self._vouching(sides)
        yield from self._history(((a, names[0]), (b, names[1])), shares=shares)

    def _vouching(
        self, sides: tuple[tuple[int, Profile, str], ...]
    ) -> Iterator[tuple[Reason, float]]:
        """How well the user knows each side: an introduction is only as good as the vouching."""
        for position, x, name in sides:
            points, why = self.prepared.vouching(position)
            if why is not None and points:
                yield Reason("closeness", (), 0.0, why.replace("{}", name), x.contact.id), points

    def _history(
        self, sides: tuple[tuple[Profile, str], ...], *, shares: bool
    ) -> Iterator[tuple[Reason, float]]:
        """Per person: points off for recent introductions, on for referrals owed."""
        history: HistoryView = self.prepared.history
        for x, name in sides:
            recent = history.recent.get(x.contact.id)
            penalty = cooldown_penalty(recent, self.weights.recently_introduced)
            if recent is not None and penalty:
                text = recently_introduced_text(
                    name, recent.count, recent.days_ago, history.cooldown_days
                )
                yield Reason("recently_introduced", (), 0.0, text, x.contact.id), -penalty
        if not shares:
            return
        for x, name in sides:
            owed = history.reciprocity.get(x.contact.id)
            bonus = reciprocity_bonus(owed, self.weights.reciprocity)
            if owed is not None and bonus:
                text = reciprocity_text(name, owed.received, owed.given)
                yield Reason("reciprocity", (), 0.0, text, x.contact.id), bonus

    def _book_reasons(
        self, a: Profile, b: Profile, names: tuple[str, str], competitors: bool | None = None
    ) -> Iterator[tuple[Reason, float]]:
        if competitors is None:
            competitors = self.prepared.matcher.same_line_of_work(a.business, b.business)
        # Competitors share a market, which is what they compete for: only hobbies count.
        yield from self._shared(a, b, fields=("hobbies",) if competitors else SHARED_FIELDS)
        if not competitors:
            yield from self._same_event(a, b)
        for (x, x_name), (y, y_name) in (((a, names[0]), (b, names[1])),
                                         ((b, names[1]), (a, names[0]))):
            yield from self._needs_service(x, y, x_name, y_name)
            yield from self._wants(x, y, x_name, y_name)
            yield from self._wants_notes(x, y, x_name, y_name)
            yield from self._wants_fit(x, y, x_name, y_name)
            yield from self._business_terms(x, y, x_name, y_name)
            yield from self._clients_living(x, y, x_name, y_name)
        if a.active and b.active and self.weights.both_active:
            yield Reason("both_active", (), 0.0, "both are active networkers"), (
                self.weights.both_active
            )
        if competitors and self.weights.same_business:
            spellings = [p.contact.business or "" for p in (a, b)]
            values = _sorted_values(spellings)
            yield Reason(
                "same_business", values, 0.0,
                f"same line of work ({' / '.join(values)}): possible competitors",
            ), -self.weights.same_business

    def _shared(self, a: Profile, b: Profile, fields: tuple[SharedField, ...]
                ) -> Iterator[tuple[Reason, float]]:
        for field, kind, template in _SHARED:
            if field not in fields:
                continue
            weight: float = getattr(self.weights, kind)
            shared = sorted(a.shared(field).keys() & b.shared(field).keys())
            if not shared or not weight:
                continue
            raw = weight * sum(self.prepared.rarity(field, key) for key in shared)
            values = _sorted_values([self.prepared.display[field][key] for key in shared])
            text = template.format(join_words(values))
            if field == "referral_sources" and self._all_the_user(shared):
                text = SHARED_WITH_USER
            yield Reason(kind, values, 0.0, text), raw

    def _all_the_user(self, sources: list[str]) -> bool:
        """Whether every shared referral source is what the user does (`me.business`)."""
        return all(self.prepared.in_users_line(source) for source in sources)

    def _same_event(self, a: Profile, b: Profile) -> Iterator[tuple[Reason, float]]:
        shared = sorted(a.serves & b.serves)
        weight = self.weights.same_trigger_event
        if not shared or not weight:
            return
        raw = weight * sum(self.prepared.rarity("serves", event) for event in shared)
        raw /= event_breadth(len(a.serves)) * event_breadth(len(b.serves))
        values = _sorted_values([self.prepared.events.display_name(e) for e in shared])
        noun = "life event" if len(values) == 1 else "life events"
        yield Reason(
            "same_trigger_event", values, 0.0, f"both serve the same {noun}: {join_words(values)}"
        ), raw

    def _needs_service(
        self, x: Profile, y: Profile, x_name: str, y_name: str
    ) -> Iterator[tuple[Reason, float]]:
        served = sorted(event for event in x.living if event in y.serves)
        weight = self.weights.needs_service
        if not served or not weight or self.prepared.in_users_line(y.business):
            return  # nothing to help with, or y is in the user's own line: the user helps
        raw = weight * sum(x.living[event] * y.serving[event] for event in served)
        values = _sorted_values([self.prepared.events.display_name(e) for e in served])
        work = f" ({y.contact.business})" if y.contact.business else ""
        yield Reason(
            "needs_service", values, 0.0,
            f"{y_name}'s work{work} can help with {x_name}'s {join_words(values)}",
            x.contact.id,
        ), raw

    def _clients_living(
        self, x: Profile, y: Profile, x_name: str, y_name: str
    ) -> Iterator[tuple[Reason, float]]:
        """x serves the people living through an event y wrote: "Paul serves young
        families, which fits Raj's new baby"."""
        served = sorted(event for event in x.client_events if event in y.told)
        weight = self.weights.clients_in_event
        if not served or not weight:
            return
        raw = weight * sum(y.told[event] for event in served)
        clients = _sorted_values([x.client_events[event] for event in served])
        events = join_words(_sorted_values(
            [self.prepared.events.display_name(event) for event in served]))
        yield Reason(
            "clients_in_event", clients, 0.0,
            f"{x_name} serves {join_words(clients)}, which fits {y_name}'s {events}",
            x.contact.id,
        ), raw

    def _wants(
        self, x: Profile, y: Profile, x_name: str, y_name: str
    ) -> Iterator[tuple[Reason, float]]:
        weight = self.weights.wants
        if not x.wants or not weight:
            return
        prepared = self.prepared
        by_business = [w for w in x.wants if prepared.by_business(w, y)]
        by_company = [
            w for w in x.wants if w not in by_business and prepared.by_company(w, y)
        ]
        if not by_business and not by_company:
            return
        asked = [_asked(w) for w in by_business]
        asked += [w.text if w.stripped else f"someone at {w.text}" for w in by_company]
        facts = []
        if by_business:
            facts.append(what_someone_is(y.contact.business or ""))
        if by_company:
            facts.append(f"works at {y.contact.company}")
        values = _sorted_values([w.text for w in (*by_business, *by_company)])
        yield Reason(
            "wants", values, 0.0,
            f"{x_name} asked for {join_words(asked)}: {y_name} {' and '.join(facts)}",
            x.contact.id,
        ), weight * (len(by_business) + len(by_company))

    def _wants_notes(
        self, x: Profile, y: Profile, x_name: str, y_name: str
    ) -> Iterator[tuple[Reason, float]]:
        """Asks the user's notes on y fit: lower weight than `wants`, and labelled as notes."""
        weight = self.weights.wants_notes
        if not x.wants or not weight or not y.notes_words:
            return
        fit = [w for w in x.wants if self.prepared.by_notes(w, y)]
        if not fit:
            return
        asked = [_asked(w) for w in fit]
        words = frozenset().union(*(w.content for w in fit))
        quote = note_quote(y.contact.notes or "", words)
        values = _sorted_values([w.text for w in fit])
        met = all(self.prepared.by_business(w, y) or self.prepared.by_company(w, y) for w in fit)
        verdict = f"{y_name} fits the rest of it too" if met else f"worth asking {y_name}"
        yield Reason(
            "wants_notes", values, 0.0,
            f"{x_name} asked for {join_words(asked)}: {verdict} "
            f"(from your notes on {y_name}: {quote})",
            x.contact.id,
        ), weight * len(fit)

    def _wants_fit(
        self, x: Profile, y: Profile, x_name: str, y_name: str
    ) -> Iterator[tuple[Reason, float]]:
        """Of several who answer an ask, the ones who fit it best: a few points per ask whose
        qualifiers y's business, clients, notes or profession hold, or whose asker's line of
        work y's shares (`PreparedBook.fits_best`)."""
        weight = self.weights.wants_fit
        if not x.wants or not weight or not self.weights.wants:
            return
        fit = [(w, *self.prepared.fits_best(w, x, y)) for w in x.wants]
        fit = [(w, said, work) for w, said, work in fit if said or work]
        if not fit:
            return
        said = frozenset().union(*(s for _, s, _ in fit))
        work = frozenset().union(*(k for _, _, k in fit))
        why = []
        if said:
            words = [word for w, _, _ in fit for word in fold_text(w.text).split()
                     if stem(word) in said]
            why.append(f"{y_name}'s work also covers {join_words(_sorted_values(words))}")
        if work:
            words = [word for word in fold_text(y.contact.business or "").split()
                     if stem(word) in work]
            why.append(f"{y_name} is in {x_name}'s line of work "
                       f"({join_words(_sorted_values(words))})")
        asked = [_asked(w) for w, _, _ in fit]
        yield Reason(
            "wants_fit", _sorted_values([w.text for w, _, _ in fit]), 0.0,
            f"{x_name} asked for {join_words(asked)}: best fit, {'; '.join(why)}",
            x.contact.id,
        ), weight * len(fit)

    def _business_terms(
        self, x: Profile, y: Profile, x_name: str, y_name: str
    ) -> Iterator[tuple[Reason, float]]:
        if y.business is None:
            return
        matcher = self.prepared.matcher
        what: str | None = None  # worded only for a pair it describes
        for kind, terms, verb in (
            ("referral_source", x.referral_sources, "gets referrals from"),
            ("potential_client", x.clients, "serves"),
        ):
            if kind == "referral_source" and self.prepared.in_users_line(y.business):
                continue  # x's referrals from y's line come from the user: y competes with them
            weight: float = getattr(self.weights, kind)
            matched = [
                text for key, text in terms.items()
                if matcher.matches(key, y.business, head_noun=True)
            ]
            if matched and weight:
                values = _sorted_values(matched)
                what = what or what_someone_is(y.contact.business or "")
                yield Reason(
                    kind, values, 0.0, f"{x_name} {verb} {join_words(values)}: {y_name} {what}",
                    x.contact.id,
                ), weight * len(matched)
