"""Life events people in the book live through, and the professions that serve them
that nobody in the book practises.

Which professions serve an event, and how (primary: the first call; secondary: also
needed), is the tables' (`professions.yaml`, `events.yaml`, `settings.events`). An
event counts when someone wrote it in their `events` (one read from a business, a
"retired banker", is a state, not a change to help with).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from introducer.book.schema import Contact
from introducer.gaps.professions import Holders
from introducer.match.profile import PreparedBook


@dataclass(frozen=True, slots=True)
class Missing:
    """A profession an event needs that nobody in the book practises.

    `near` are contacts in a broader profession who may cover it (a financial advisor
    for a divorce financial analyst); `finders` get referrals from it, so know one.
    """

    profession: str
    role: str  # "primary" or "secondary"
    near: tuple[Contact, ...] = ()
    finders: tuple[Contact, ...] = ()


@dataclass(frozen=True, slots=True)
class EventVoid:
    """One event, who lives through it, who in the book serves it, and what is missing."""

    event: str
    people: tuple[Contact, ...]
    known: tuple[tuple[str, tuple[Contact, ...]], ...]  # profession -> its holders
    missing: tuple[Missing, ...]  # primary first

    @property
    def missing_primary(self) -> tuple[Missing, ...]:
        return tuple(m for m in self.missing if m.role == "primary")


def event_voids(prepared: PreparedBook, held: Holders) -> list[EventVoid]:
    """Every event someone lives through that lacks a profession serving it, the events
    with a primary profession missing first, then by how many live through them."""
    events, contacts = prepared.events, prepared.book.contacts
    living: defaultdict[str, list[int]] = defaultdict(list)
    for row, profile in enumerate(prepared.profiles):
        for event in profile.told:
            living[event].append(row)
    found: list[EventVoid] = []
    for event, rows in living.items():
        table = events.events.get(event)
        if table is None:
            continue
        living_set = set(rows)
        known: list[tuple[str, tuple[Contact, ...]]] = []
        absent: list[tuple[str, str]] = []
        for profession, role in sorted(table.roles.items(),
                                       key=lambda item: (item[1] != "primary", item[0])):
            # Someone living through the event is no help to themselves in it.
            rows_held = [r for r in held.of(profession) if r not in living_set or len(rows) > 1]
            if rows_held:
                known.append((profession, tuple(contacts[r] for r in rows_held)))
            else:
                absent.append((profession, role))
        absent = _broadest(prepared, absent)
        if not absent:
            continue
        # What nobody in the book does at all first; a specialty of a line the book
        # holds ("collaborative attorney" beside a family lawyer) is the lesser void.
        missing = tuple(sorted(
            (Missing(p, role, tuple(contacts[r] for r in held.broader(p)), held.finders(p))
             for p, role in absent),
            key=lambda m: (m.role != "primary", bool(m.near), m.profession)))
        found.append(EventVoid(events.display_name(event), tuple(contacts[r] for r in rows),
                               tuple(known), missing))
    found.sort(key=lambda v: (not v.missing_primary, -len(v.people), v.event))
    return found


def _broadest(prepared: PreparedBook, absent: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Drop a missing profession whose broader one is missing too in as strong a role:
    "no financial advisor" already says "no retirement planner" (a kind of one)."""
    role_of = dict(absent)
    kept = []
    for profession, role in absent:
        wider = [p for p in prepared.events.broader(profession) if p in role_of]
        if any(role_of[p] == "primary" or role == "secondary" for p in wider):
            continue
        kept.append((profession, role))
    return kept
