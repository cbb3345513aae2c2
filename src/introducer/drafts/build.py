"""From a pair to finished drafts: joint introduction, two opt-in asks, or a follow-up;
and, for someone to get back in touch with, a hello."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import parsedate_to_datetime
from functools import cached_property
from typing import Any

from introducer.book.model import Book
from introducer.book.names import invisible_problem
from introducer.drafts import compose
from introducer.drafts.context import Person, Sender, person, sender
from introducer.drafts.message import (
    Clock,
    IdFactory,
    build_message,
    random_message_id,
    system_clock,
)
from introducer.drafts.plan import FOLLOW_UP_STAGES, DraftKind, FollowUpStage, Plan, plan
from introducer.drafts.tact import Privacy, Tact
from introducer.drafts.templates import Templates, split_subject
from introducer.errors import UsageError
from introducer.match.score import Reason, Suggestion

__all__ = ["Draft", "DraftKind", "Drafter", "FollowUpStage", "personal_line"]



@dataclass(frozen=True, slots=True)
class Draft:
    """One email, ready to deliver, and what the user must still do before sending it."""

    kind: DraftKind
    a: Person
    b: Person
    to: tuple[Person, ...]
    subject: str
    body: str
    message: EmailMessage
    missing: tuple[Person, ...] = field(default=())

    @property
    def recipients(self) -> str:
        return ", ".join(str(p.address) for p in self.to)

    @property
    def text(self) -> str:
        """`Subject: …`, a blank line, the body: what an editor shows (see `Drafter.revised`)."""
        return f"Subject: {self.subject}\n\n{self.body}"


def personal_line(text: str) -> str:
    """The user's own words for a draft (`--say`), as given, or a UsageError."""
    line = text.strip()
    if not line:
        raise UsageError("--say needs some text: your own sentence for the email")
    for paragraph in line.split("\n"):
        problem = invisible_problem(paragraph.strip()) if paragraph.strip() else None
        if problem is not None:
            raise UsageError(f"--say text {problem}")
    return line


@dataclass(frozen=True)
class Drafter:
    """Renders drafts for one book; the clock and id factory are injectable for stable tests."""

    book: Book
    templates: Templates
    today: dt.date
    clock: Clock = system_clock
    message_id: IdFactory = random_message_id

    @cached_property
    def positions(self) -> dict[str, int]:
        """Where each id sits in the book (for line numbers), built once: a search of a
        100k-contact tuple per person would cost more than rendering the draft."""
        return {contact.id: index for index, contact in enumerate(self.book.contacts)}

    @cached_property
    def tact(self) -> Tact:
        return Tact(self.book)

    def privacy(self, pair: Suggestion) -> Privacy:
        """What each side of `pair` lives through that a joint email never names."""
        return self.tact.privacy(pair)

    def plan(self, pair: Suggestion, asked: DraftKind | None = None, *,
             force: bool = False) -> Plan:
        """Which draft `pair` should get (see `drafts.plan`); raises DraftRefusedError for a
        pair with nothing in common or a weak one, unless `force`."""
        return plan(pair, self.privacy(pair), asked=asked, force=force)

    def drafts_for(self, pair: Suggestion, kind: DraftKind, *,
                   say: str | None = None) -> list[Draft]:
        """The drafts for one pair: 1 for an intro or follow-up, 2 for opt-in asks.
        `say` is the user's own sentence (`personal_line`), added to each."""
        if kind == "follow_up":
            return self.follow_up_for(pair, say=say)
        me, a, b = self._people(pair)
        privacy = self.privacy(pair)
        if kind == "ask":
            return [self._ask(me, pair.reasons, to, other, a, b, privacy, say)
                    for to, other in ((a, b), (b, a))]
        context = self._joint(me, a, b, pair.reasons, privacy, say)
        return [self._finish(kind, me, a, b, (a, b), context)]

    def hello_for(self, contact_id: str, last_touch: dt.date) -> Draft:
        """A note to one person the user has not been in touch with since `last_touch`."""
        me = sender(self.book)
        to = person(self.book, self.positions[contact_id], self.today)
        context = {"me": me, "to": to, "to_does": compose.what_they_do(to),
                   "last_touch": last_touch, "last_touch_month": last_touch.strftime("%B %Y"),
                   "today": self.today, "signature": _signature(me)}
        return self._finish("hello", me, to, to, (to,), context)

    def follow_up_for(self, pair: Suggestion, stage: FollowUpStage = "introduced", *,
                      say: str | None = None) -> list[Draft]:
        """One follow-up to both, fit for where the pair stands: "did you connect?"
        after an introduction, a nudge after no reply, thanks and "how did it go?"
        after they met, congratulations after business came of it."""
        if stage not in FOLLOW_UP_STAGES:
            raise ValueError(f"no follow-up for stage {stage!r}")
        me, a, b = self._people(pair)
        context = self._joint(me, a, b, pair.reasons, self.privacy(pair), say)
        context["stage"] = stage
        return [self._finish("follow_up", me, a, b, (a, b), context)]

    def revised(self, draft: Draft, text: str) -> Draft:
        """`draft` with the subject and body the user wrote (`Subject: …`, a blank line,
        the body), to the same people, with the same Date and Message-ID."""
        subject, body = split_subject(text, "the edited draft")
        message = build_message(
            sender(self.book).address, [p.address for p in draft.to], subject, body,
            date=parsedate_to_datetime(str(draft.message["Date"])),
            message_id=str(draft.message["Message-ID"]),
        )
        return Draft(draft.kind, draft.a, draft.b, draft.to, subject, body, message,
                     draft.missing)

    def _people(self, pair: Suggestion) -> tuple[Sender, Person, Person]:
        return (sender(self.book), person(self.book, self.positions[pair.a.id], self.today),
                person(self.book, self.positions[pair.b.id], self.today))

    def _common(self, me: Sender, a: Person, b: Person, reasons: tuple[Reason, ...],
                say: str | None) -> dict[str, Any]:
        return {
            "me": me, "a": a, "b": b,
            "a_does": compose.what_they_do(a), "b_does": compose.what_they_do(b),
            "a_is": compose.what_they_are(a), "b_is": compose.what_they_are(b),
            "reasons": [
                {"kind": r.kind, "values": list(r.values), "points": r.points, "text": r.text}
                for r in reasons
            ],
            "say": None if say is None else personal_line(say),
            "signature": _signature(me),
            "no_thread": compose.no_thread(),
            "stage": None,
            "today": self.today,
            "stale_days": self.book.settings.stale_days,
        }

    def _joint(self, me: Sender, a: Person, b: Person, reasons: tuple[Reason, ...],
               privacy: Privacy, say: str | None) -> dict[str, Any]:
        context = self._common(me, a, b, reasons, say)
        found = compose.threads(reasons, a, b, private=privacy.events)
        context.update(
            thread=[t.sentence for t in found],
            next_step=compose.next_step(found, a, b),
            honesty=compose.honesty((a, b)),
        )
        for key, who in (("a", a), ("b", b)):  # "Karen is between jobs" is her news to tell
            if who.id in privacy.in_business:
                context[f"{key}_does"] = context[f"{key}_is"] = None
        return context

    def _ask(self, me: Sender, reasons: tuple[Reason, ...], to: Person, other: Person,
             a: Person, b: Person, privacy: Privacy, say: str | None) -> Draft:
        context = self._common(me, a, b, reasons, say)
        found = compose.threads(reasons, a, b, reader=to, private=privacy.events)
        context.update(
            to=to, other=other, other_does=compose.what_they_do(other),
            other_appositive=compose.appositive(other),
            thread=[t.sentence for t in found],
            next_step=compose.next_step(found, a, b),
            honesty=[],
            honesty_about_other=compose.honesty_about(other),
            reconnect=compose.reconnect(to),
        )
        if other.id in privacy.in_business:
            context["other_does"], context["other_appositive"] = None, ""
        return self._finish("ask", me, a, b, (to,), context)

    def _finish(self, kind: DraftKind, me: Sender, a: Person, b: Person,
                to: tuple[Person, ...], context: dict[str, Any]) -> Draft:
        subject, body = self.templates.render(kind, context)
        missing = tuple(p for p in to if not p.has_email)
        if missing:
            names = " and ".join(f"{p.name}'s" for p in missing)
            body = (f"[Before sending: put {names} email address in the To line; "
                    "the contact book has none.]\n\n" + body)
        message = build_message(
            me.address, [p.address for p in to], subject, body,
            date=self.clock(), message_id=self.message_id(me.address.domain),
        )
        return Draft(kind, a, b, to, subject, body, message, missing)


def _signature(me: Sender) -> list[str]:
    """The lines under "Best,": the first name, or the full name, line of work and phone."""
    if not (me.business or me.phone):
        return [me.first_name or me.email]
    # A line of work under a name reads as a title: "Family mediator", "CPA" as written.
    business = me.business[:1].upper() + me.business[1:] if me.business else None
    return [line for line in (me.name or me.email, business, me.phone) if line]
