"""Who in the book does what: each profession's holders, and who could find one.

The professions are the tables' (`professions.yaml`, through `BusinessMatcher`), so
a "CPA" is an accountant and a "family therapist" a therapist, as the matcher reads
them. Only people who may be introduced count: one marked `introduce: false` fills
no void.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from introducer.book.schema import Contact
from introducer.match.profile import PreparedBook


@dataclass(frozen=True, slots=True)
class Holders:
    """Profession -> positions of the introducible contacts whose business is it, and of
    the contacts whose `referral_sources` name it (they get referrals from some, so can
    introduce the user to one)."""

    by_profession: dict[str, tuple[int, ...]]
    fed_by: dict[str, tuple[int, ...]]
    prepared: PreparedBook

    def of(self, profession: str) -> tuple[int, ...]:
        """Who does a profession or a kind of it (a CDFA is a financial advisor)."""
        return self._kinds_in(self.by_profession, profession)

    def broader(self, profession: str) -> tuple[int, ...]:
        """Who does a broader profession that the tables say also covers this one."""
        found: set[int] = set()
        for wider in self.prepared.events.broader(profession):
            found.update(self.by_profession.get(wider, ()))
        return tuple(sorted(found))

    def finders(self, profession: str, besides: str | None = None) -> tuple[Contact, ...]:
        """Who gets referrals from a profession (or a kind of it), but `besides`."""
        contacts = self.prepared.book.contacts
        return tuple(contacts[r] for r in self._kinds_in(self.fed_by, profession)
                     if contacts[r].id != besides)

    def _kinds_in(self, table: dict[str, tuple[int, ...]], profession: str) -> tuple[int, ...]:
        found: set[int] = set()
        for kind in self.prepared.events.kinds(profession):
            found.update(table.get(kind, ()))
        return tuple(sorted(found))


def holders(prepared: PreparedBook) -> Holders:
    """Each profession's introducible holders and referral partners, in one pass."""
    by_profession: defaultdict[str, list[int]] = defaultdict(list)
    fed_by: defaultdict[str, set[int]] = defaultdict(set)
    matcher = prepared.matcher
    for row, profile in enumerate(prepared.profiles):
        if profile.business and profile.contact.introduce:
            for profession in matcher.professions(profile.business):
                by_profession[profession].append(row)
        for source in profile.referral_sources:
            for profession in matcher.professions(source):
                fed_by[profession].add(row)
    return Holders({key: tuple(rows) for key, rows in by_profession.items()},
                   {key: tuple(sorted(rows)) for key, rows in fed_by.items()}, prepared)


@dataclass(frozen=True, slots=True)
class PassiveProfession:
    """A profession only passive networkers in the book hold."""

    profession: str
    people: tuple[Contact, ...]


def passive_only(prepared: PreparedBook, held: Holders) -> list[PassiveProfession]:
    """Professions every introducible holder of which is `networker: passive`: the book
    has them, but they will not work a referral; an active one would."""
    contacts = prepared.book.contacts
    found = [
        PassiveProfession(profession, tuple(contacts[row] for row in rows))
        for profession, rows in held.by_profession.items()
        if all(contacts[row].networker == "passive" for row in rows)
    ]
    return sorted(found, key=lambda p: p.profession)
