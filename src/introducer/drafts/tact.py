"""Who in a pair is living through something private, so drafts ask first and never name it.

A divorce, a job loss or a health crisis is the person's own news: the user may
know it, the other side may not. Sensitivity is data (events.yaml `sensitive`,
extended by `settings.events`). Professionals who *serve* such an event are not
living it: "you both help people through a divorce" stays.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from introducer.book.knowledge import tables_for
from introducer.book.model import Book
from introducer.book.normalise import Normaliser
from introducer.book.schema import Contact
from introducer.match.score import Suggestion


@dataclass(frozen=True, slots=True)
class Privacy:
    """For one pair: the sensitive events each side lives through, as the table names them,
    and who has one written into their line of work ("between jobs")."""

    events: Mapping[str, tuple[str, ...]]
    in_business: frozenset[str] = frozenset()

    def of(self, contact_id: str) -> tuple[str, ...]:
        return self.events.get(contact_id, ())

    @property
    def any(self) -> bool:
        return bool(self.events)


class Tact:
    """Reads the book's events against the sensitivity table, once per book."""

    def __init__(self, book: Book) -> None:
        settings = book.settings
        self.normalise = Normaliser(settings.aliases)
        self.table = tables_for(settings)

    def privacy(self, pair: Suggestion) -> Privacy:
        """What each side of `pair` lives through that no joint email may name."""
        events: dict[str, tuple[str, ...]] = {}
        in_business: set[str] = set()
        for contact in (pair.a, pair.b):
            keys = {self.table.event_key(self.normalise(e.event)) for e in contact.events}
            implied = self._implied(contact)
            keys |= implied
            keys |= {self.table.event_key(value) for reason in pair.reasons
                     if reason.kind == "needs_service" and reason.subject == contact.id
                     for value in reason.values}
            private = sorted(self.table.display_name(k) for k in keys
                             if k and self.table.is_sensitive(k))
            if private:
                events[contact.id] = tuple(private)
            if any(self.table.is_sensitive(k) for k in implied):
                in_business.add(contact.id)
        return Privacy(events, frozenset(in_business))

    def _implied(self, contact: Contact) -> set[str]:
        if not contact.business:
            return set()
        return set(self.table.implied_events(self.normalise(contact.business)))
