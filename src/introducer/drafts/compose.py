"""Reasons into sentences: why these two should meet, and who should reach out.

Every sentence comes from one Reason (its kind, values and which side it is
about) or a field of the book, so an email never claims what the book does not
say; the wording is `phrases.yaml`. At most two threads, the strongest first;
what both hold becomes one "You both …" sentence, and two one-sided reasons that
mirror each other become one "You're each …". The same reasons always give the
same text. Negative reasons and how the user stands with each side (STANDING_KINDS)
are never part of the thread, nor is "both active" (jargon to the reader).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from typing import Any, Literal

import yaml

from introducer.book.normalise import fold_text
from introducer.drafts.context import Person
from introducer.match.phrasing import asked_thing, join_words, what_someone_is, with_article
from introducer.match.score import SHARED_WITH_USER, STANDING_KINDS, Reason

# How many threads an email gives: one or two read as a reason, more as a list.
MAX_THREADS = 2
# How many values one predicate names ("divorce, relocation and other changes").
_MAX_VALUES = 2
_SHARED_KINDS = ("shared_clients", "shared_referral_sources", "same_trigger_event",
                 "shared_hobbies")
_ASK_KINDS = ("wants", "wants_fit", "wants_notes")
# One-sided kinds that, held both ways, read as one sentence of that kind.
_MIRRORED = {**dict.fromkeys(_ASK_KINDS, "wants_mutual"), "referral_source": "referral_mutual"}
# Not a thread: jargon to the reader ("active networkers").
_UNSAID = frozenset({"both_active"})

Step = Literal["help", "referral", "client", "peer", "social"]
# Which next step each kind calls for, and whether its subject x (True) or the
# other side y (False) is the one to reach out.
_STEP: dict[str, tuple[Step, bool]] = {
    "wants": ("help", False), "wants_fit": ("help", False), "wants_notes": ("help", False),
    "needs_service": ("help", False), "referral_source": ("referral", True),
    "potential_client": ("client", True),
}


@cache
def phrases() -> dict[str, Any]:
    """The sentences drafts are written from (`phrases.yaml`)."""
    text = files("introducer.drafts").joinpath("phrases.yaml").read_text(encoding="utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


_NO_ARTICLE = frozenset({"retirement", "college", "ageing parents", "aging parents"})


def event_phrase(event: str) -> str:
    """`a divorce`, `a new baby`, but `retirement`, `ageing parents`, and what
    phrases.yaml `events` says (`an abusive relationship` for safety from abuse)."""
    said: dict[str, str] = phrases().get("events") or {}
    if event.casefold() in said:
        return said[event.casefold()]
    if event.casefold() in _NO_ARTICLE or event.casefold().endswith("s"):
        return event
    return with_article(event)


def _capped(values: Sequence[str], noun: str) -> str:
    """At most two values, then `and other <noun>` (four events in a row read as a list)."""
    if len(values) <= _MAX_VALUES:
        return join_words(list(values))
    return f"{', '.join(values[:_MAX_VALUES])} and other {noun}"


def what_they_do(who: Person) -> str | None:
    """`a divorce mediator at Lopez Mediation`, from the book's business and company; a
    business that is no title ("owns a gym", "commercial insurance") is no noun phrase."""
    title = who.business and what_someone_is(who.business).startswith(("is a ", "is an "))
    if title and who.company:
        return f"{with_article(who.business or '')} at {who.company}"
    if title:
        return with_article(who.business or "")
    if who.company:
        return f"with {who.company}"
    return None


def what_they_are(who: Person) -> str | None:
    """The same as a predicate: `is a divorce mediator at Lopez Mediation`, `owns a gym
    (Iron Gym)`, `works at Acme`."""
    if who.business:
        predicate = what_someone_is(who.business)
        if not who.company:
            return predicate
        if predicate.startswith(("is a ", "is an ", "works in ")):
            return f"{predicate} at {who.company}"
        return f"{predicate} ({who.company})"
    return f"works at {who.company}" if who.company else None


def appositive(who: Person) -> str:
    """After a name: `, a divorce mediator at Lopez Mediation`, `, who owns a gym`, or ``."""
    predicate = what_they_are(who)
    if predicate is None:
        return ""
    if predicate.startswith("is "):
        return ", " + predicate.removeprefix("is ")
    return ", who " + predicate


@dataclass(frozen=True, slots=True)
class Thread:
    """One reason to meet as a sentence, and who it says should reach out to whom."""

    sentence: str
    step: Step
    lead: Person
    other: Person


@dataclass(slots=True)
class _Unit:
    """Reasons that read as one sentence: one reason, a mirrored pair, or what both hold."""

    kind: str
    reasons: list[Reason] = field(default_factory=list)


def _units(reasons: Sequence[Reason], a: Person, b: Person) -> list[_Unit]:
    """The reasons worth saying, grouped into sentences in order of strength."""
    positive = [r for r in reasons
                if r.points > 0 and r.kind not in STANDING_KINDS and r.kind not in _UNSAID
                and r.text != SHARED_WITH_USER]
    units: list[_Unit] = []
    both: _Unit | None = None
    one_sided: dict[str, dict[str, _Unit]] = {}
    for reason in positive:
        if reason.kind in _SHARED_KINDS:
            if both is None:
                both = _Unit("both")
                units.append(both)
            both.reasons.append(reason)
        elif reason.kind in _MIRRORED and reason.subject is not None:
            mutual = _MIRRORED[reason.kind]
            seen = one_sided.setdefault(mutual, {})
            if reason.subject in seen:
                continue  # one sentence per asker: the strongest way the other answers
            other = b.id if reason.subject == a.id else a.id
            if other in seen:  # the mirror of one already said: "You're each …"
                seen[other].kind = mutual
                continue
            seen[reason.subject] = _Unit(reason.kind, [reason])
            units.append(seen[reason.subject])
        else:
            units.append(_Unit(reason.kind, [reason]))
    return units


@dataclass(frozen=True, slots=True)
class _Writer:
    """Writes units for one reader (None: the joint email), keeping private events out."""

    a: Person
    b: Person
    reader: Person | None
    private: Mapping[str, Collection[str]]
    # Who has had their discreet sentence: a second would only repeat it.
    discreet: set[str] = field(default_factory=set)

    def other_of(self, who: Person) -> Person:
        return self.b if who is self.a else self.a

    def thread(self, unit: _Unit) -> Thread | None:
        if unit.kind == "both":
            sentence = self._both(unit.reasons)
            step: Step = "social" if unit.reasons[0].kind == "shared_hobbies" else "peer"
            return None if sentence is None else Thread(sentence, step, self.a, self.b)
        if unit.kind in ("wants_mutual", "referral_mutual"):
            step = "help" if unit.kind == "wants_mutual" else "referral"
            return Thread(self._say(unit.kind, shared=True), step, self.a, self.b)
        reason = unit.reasons[0]
        x = self.a if reason.subject == self.a.id else self.b
        y = self.other_of(x)
        sentence = self._one_sided(reason, x, y)
        if sentence is None:
            return None
        step, x_leads = _STEP[reason.kind]
        return Thread(sentence, step, *((x, y) if x_leads else (y, x)))

    def _say(self, key: str, *, x: Person | None = None, shared: bool = False,
             **values: str) -> str:
        """The phrase `key` for this reader, filled in."""
        table = phrases()["threads"][key]
        if self.reader is None:
            text = table["joint"]
        elif shared:
            text = table["to"]
        else:
            text = table["to_x" if self.reader is x else "to_y"]
        other = None if self.reader is None else self.other_of(self.reader)
        names = {"other": other.first_name if other else ""}
        if x is not None:
            names |= {"x": x.first_name, "y": self.other_of(x).first_name}
        result: str = text.format(**names, **values)
        return result

    def _one_sided(self, reason: Reason, x: Person, y: Person) -> str | None:
        values = list(reason.values)
        hidden = self.reader is None and x.id in self.private
        if hidden and reason.kind in (*_ASK_KINDS, "needs_service"):
            if x.id in self.discreet:
                return None
            self.discreet.add(x.id)
        if reason.kind in _ASK_KINDS:
            if hidden:
                return self._say("wants_private", x=x)
            company = y.company if y.company and any(
                fold_text(y.company) in fold_text(v) for v in values) else None
            if company is not None:
                return self._say("wants_company", x=x, asked=_at(values), company=company)
            key = "wants_notes" if reason.kind == "wants_notes" else "wants"
            owner = "their" if self.reader is y else "your"  # "x, you asked me to find …"
            return self._say(key, x=x,
                             asked=join_words([asked_thing(v, owner) for v in values]))
        if reason.kind == "needs_service":
            if hidden:
                return self._say("needs_service_private", x=x)
            return self._say("needs_service", x=x,
                             events=_capped([event_phrase(v) for v in values], "changes"))
        if reason.kind == "referral_source":
            return self._say("referral_source", x=x)
        if reason.kind == "potential_client":
            return self._say("potential_client", x=x, values=_capped(values, "clients"))
        return None

    def _both(self, reasons: list[Reason]) -> str | None:
        """What both hold, in one sentence; events someone lives privately are left out."""
        said: list[tuple[str, str]] = []
        for reason in reasons[:MAX_THREADS]:
            values = list(reason.values)
            if reason.kind == "same_trigger_event" and self.reader is None:
                kept = {fold_text(e) for who in (self.a, self.b)
                        for e in self.private.get(who.id, ())}
                values = [v for v in values if fold_text(v) not in kept]
                if not values:
                    continue
            entry = phrases()["shared"][reason.kind]
            filled = entry["predicate"].format(
                values=_capped(values, "clients" if reason.kind == "shared_clients" else
                               "interests"),
                events=_capped([event_phrase(v) for v in values], "life changes"))
            said.append((filled, entry["gain"]))
        if not said:
            return None
        table = phrases()["both"]
        other = None if self.reader is None else self.other_of(self.reader)
        text = table["joint"] if other is None else table["to"]
        result: str = text.format(predicates=join_words([p for p, _ in said]), gain=said[0][1],
                                  other=other.first_name if other else "")
        return result


def _at(values: Sequence[str]) -> str:
    """A company ask as a phrase: `someone at Acme`, unless it said how (`anyone at Acme`)."""
    return join_words([v if v.casefold().startswith(("a ", "an ", "anyone", "someone"))
                       else f"someone at {v}" for v in values])


def threads(reasons: Sequence[Reason], a: Person, b: Person, *, reader: Person | None = None,
            private: Mapping[str, Collection[str]] | None = None) -> list[Thread]:
    """The one or two strongest reasons as sentences, with who should reach out.

    `reader` is the one person an opt-in ask goes to (None: the joint email);
    `private` maps a contact id to the sensitive events they live through, which a
    joint email never names.
    """
    writer = _Writer(a, b, reader, private or {})
    found: list[Thread] = []
    addressed: set[str] = set()
    for unit in _units(reasons, a, b):
        thread = writer.thread(unit)
        if thread is None:
            continue
        for who in (a, b):  # "Sofia, …" once; the next sentence to Sofia goes on without it
            vocative = f"{who.first_name}, "
            if thread.sentence.startswith(vocative):
                if who.id in addressed:
                    rest = thread.sentence.removeprefix(vocative)
                    thread = dataclasses.replace(thread, sentence=_capitalise(rest))
                addressed.add(who.id)
        found.append(thread)
        if len(found) == MAX_THREADS:
            break
    return found


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def common_thread(reasons: Sequence[Reason], a: Person, b: Person, *,
                  reader: Person | None = None,
                  private: Mapping[str, Collection[str]] | None = None) -> list[str]:
    """The sentences of `threads`, each ending in a full stop."""
    return [t.sentence for t in threads(reasons, a, b, reader=reader, private=private)]


def next_step(found: Sequence[Thread], a: Person, b: Person) -> str:
    """One ask, to the right person: whoever offers help or gains reaches out."""
    if found:
        step, lead, other = found[0].step, found[0].lead, found[0].other
    else:
        step, lead, other = "peer", a, b
    text: str = phrases()["next_step"][step]
    return text.format(lead=lead.first_name, other=other.first_name)


def honesty(people: Sequence[Person]) -> list[str]:
    """Lines for the joint email about how well the user knows each side, fit for both
    readers ("It's been a while since I last spoke with Alan")."""
    table = phrases()["honesty"]
    lines = []
    stale = [p.first_name for p in people if p.stale]
    if stale:
        lines.append(table["joint_stale"].format(who=join_words(stale)))
    barely = [p for p in people if p.barely_known and not p.stale]
    if len(barely) == len(people) and len(people) > 1:
        lines.append(table["joint_barely_both"])
    elif barely:
        lines.append(table["joint_barely"].format(who=barely[0].first_name))
    return lines


def honesty_about(who: Person) -> str | None:
    """For the private ask to the other side: how well the user knows `who`, plainly."""
    table = phrases()["honesty"]
    month = who.last_contact_month
    if who.stale and who.barely_known:
        return str(table["private_stale_barely"].format(who=who.first_name, month=month))
    if who.stale:
        return str(table["private_stale"].format(who=who.first_name, month=month))
    if who.barely_known:
        return str(table["private_barely"].format(who=who.first_name))
    return None


def reconnect(who: Person) -> str | None:
    """For an email to `who` after a long silence: say so, first."""
    return str(phrases()["honesty"]["reconnect"]) if who.stale else None


def no_thread() -> str:
    """What an email says of a pair the book links by nothing it can put into words."""
    return str(phrases()["no_thread"])

