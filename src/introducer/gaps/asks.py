"""Asks nobody in the book answers: what someone told the user they are looking for,
that no contact's business, company or notes fits.

An ask is answered as the matcher answers it (`PreparedBook.answering`, and the notes
as `check` reads them): by someone other than the asker who may be introduced. An
ask the user's own line of work answers (`me.business`) is the user's to take up, not
a void.
"""

from __future__ import annotations

from dataclasses import dataclass

from introducer.book.schema import Contact
from introducer.gaps.professions import Holders
from introducer.match.profile import PreparedBook
from introducer.match.unmatched import NotesIndex


@dataclass(frozen=True, slots=True)
class OpenAsk:
    """One ask nobody answers: who asked, as they wrote it, the professions it names (if
    the tables know any) and who gets referrals from them (and so could find one)."""

    asker: Contact
    text: str
    professions: tuple[str, ...]
    finders: tuple[Contact, ...]


def open_asks(prepared: PreparedBook, held: Holders) -> list[OpenAsk]:
    """Every unanswered ask, in book order."""
    notes = NotesIndex(prepared)
    contacts = prepared.book.contacts
    found: list[OpenAsk] = []
    for row, profile in enumerate(prepared.profiles):
        for want in profile.wants:
            if _users_to_answer(prepared, want.key, want.at_company):
                continue
            answers = (prepared.answering(want) | notes.answering(want)) - {row}
            if any(contacts[r].introduce for r in answers):
                continue
            asked = () if want.at_company else tuple(sorted(
                prepared.events.asked_professions(want.key)))
            finders = {c.id: c for p in asked for c in held.finders(p, besides=profile.contact.id)}
            found.append(OpenAsk(profile.contact, want.text, asked, tuple(finders.values())))
    return found


def _users_to_answer(prepared: PreparedBook, ask: str, at_company: bool) -> bool:
    """Whether the ask names the user's own profession (`me.business`)."""
    mine = prepared.me_business
    if at_company or not mine:
        return False
    return bool(prepared.events.asked_professions(ask) & prepared.matcher.professions(mine))
