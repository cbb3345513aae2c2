"""From a pair to finished drafts: joint introduction, two opt-in asks, or a follow-up;
and, for someone to get back in touch with, a hello."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any, Literal

from introducer.book.model import Book
from introducer.drafts import compose
from introducer.drafts.context import Person, Sender, person, sender
from introducer.drafts.message import (
    Clock,
    IdFactory,
    build_message,
    random_message_id,
    system_clock,
)
from introducer.drafts.templates import Templates
from introducer.match.score import Reason, Suggestion

DraftKind = Literal["intro", "ask", "follow_up", "hello"]


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


@dataclass(frozen=True, slots=True)
class Drafter:
    """Renders drafts for one book; the clock and id factory are injectable for stable tests."""

    book: Book
    templates: Templates
    today: dt.date
    clock: Clock = system_clock
    message_id: IdFactory = random_message_id
    # Where each id sits in the book (for line numbers), built once: a search of a
    # 100k-contact tuple per person would cost more than rendering the draft.
    positions: dict[str, int] = field(init=False)

    def __post_init__(self) -> None:
        positions = {contact.id: index for index, contact in enumerate(self.book.contacts)}
        object.__setattr__(self, "positions", positions)

    def drafts_for(self, pair: Suggestion, kind: DraftKind) -> list[Draft]:
        """The drafts for one pair: 1 for an intro or follow-up, 2 for opt-in asks."""
        me = sender(self.book)
        a = person(self.book, self.positions[pair.a.id], self.today)
        b = person(self.book, self.positions[pair.b.id], self.today)
        if kind == "ask":
            return [self._ask(me, pair.reasons, to, other, a, b) for to, other in ((a, b), (b, a))]
        context = self._common(me, a, b, pair.reasons)
        context["honesty"] = [line for line in (compose.honesty(a), compose.honesty(b)) if line]
        return [self._finish(kind, me, a, b, (a, b), context)]

    def hello_for(self, contact_id: str, last_touch: dt.date) -> Draft:
        """A note to one person the user has not been in touch with since `last_touch`."""
        me = sender(self.book)
        to = person(self.book, self.positions[contact_id], self.today)
        context = {"me": me, "to": to, "to_does": compose.what_they_do(to),
                   "last_touch": last_touch, "last_touch_month": last_touch.strftime("%B %Y"),
                   "today": self.today}
        return self._finish("hello", me, to, to, (to,), context)

    def _common(self, me: Sender, a: Person, b: Person,
                reasons: tuple[Reason, ...]) -> dict[str, Any]:
        return {
            "me": me, "a": a, "b": b,
            "a_does": compose.what_they_do(a), "b_does": compose.what_they_do(b),
            "reasons": [
                {"kind": r.kind, "values": list(r.values), "points": r.points, "text": r.text}
                for r in reasons
            ],
            "thread": compose.common_thread(reasons, a, b),
            "next_step": compose.next_step(a, b),
            "today": self.today,
            "stale_days": self.book.settings.stale_days,
        }

    def _ask(self, me: Sender, reasons: tuple[Reason, ...], to: Person, other: Person,
             a: Person, b: Person) -> Draft:
        context = self._common(me, a, b, reasons)
        context.update(
            to=to, other=other, other_does=compose.what_they_do(other),
            thread=compose.common_thread(reasons, a, b, reader=to),
            honesty_about_other=compose.honesty(other),
            reconnect=compose.reconnect(to),
        )
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
