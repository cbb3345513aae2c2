"""Naming contacts on the command line: by id, by name (any case, any accents), or fuzzily.

An ambiguous or unknown name is an error that lists the closest candidates, so
the user can retype with the id.
"""

from __future__ import annotations

from collections.abc import Sequence

from introducer.book.model import BrokenContact, PartialBook
from introducer.book.schema import Contact, plain_words
from introducer.errors import ContactLookupError, UsageError

FUZZY_CUTOFF = 80.0
FUZZY_MARGIN = 8.0
MAX_CANDIDATES = 5


def _label(contact: Contact) -> str:
    return f'"{contact.name}" ({contact.id})'


def _listing(contacts: Sequence[Contact]) -> str:
    shown = ", ".join(_label(c) for c in contacts[:MAX_CANDIDATES])
    more = len(contacts) - MAX_CANDIDATES
    return shown + (f" and {more} more" if more > 0 else "")


def find_contact(contacts: Sequence[Contact], query: str) -> Contact:
    """The one contact `query` names; raises ContactLookupError listing candidates otherwise."""
    wanted = query.strip()
    if not wanted:
        raise UsageError("empty contact name; give an id or a name")
    for contact in contacts:
        if contact.id == wanted:
            return contact
    folded = wanted.casefold()
    plain = plain_words(wanted)
    for matcher in (
        lambda c: c.id.casefold() == folded,
        lambda c: c.name.casefold() == folded,
        lambda c: plain_words(c.name) == plain or plain_words(c.id) == plain,
    ):
        found = [c for c in contacts if matcher(c)]
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            raise ContactLookupError(
                f'"{query}" names {len(found)} contacts: {_listing(found)}; use the id'
            )
    words = plain.split()
    by_prefix = [
        c for c in contacts
        if words and all(any(n.startswith(w) for n in plain_words(c.name).split()) for w in words)
    ]
    if len(by_prefix) == 1:
        return by_prefix[0]
    if len(by_prefix) > 1:
        raise ContactLookupError(
            f'"{query}" matches {len(by_prefix)} contacts: {_listing(by_prefix)}; use the id'
        )
    return _fuzzy(contacts, query, plain)


def find_loaded(partial: PartialBook, query: str) -> Contact:
    """`find_contact` in a book with errors: a query that could name a contact that did
    not load is refused, naming its line, rather than matched to someone else nearby."""
    contacts = partial.book.contacts
    wanted = query.strip()
    exact = next((c for c in contacts if c.id == wanted), None)
    if exact is not None or not partial.broken:
        return exact or find_contact(contacts, query)
    broken = next((b for b in partial.broken if _may_name(b, wanted)), None)
    if broken is not None:
        who = f'"{broken.name}"' if broken.name else f"at line {broken.line}"
        raise ContactLookupError(
            f"{partial.book.path}:{broken.line}: contact {who} has errors, so nothing can be "
            "recorded for them until they are fixed (`introducer check` lists them)")
    return find_contact(contacts, query)


def _may_name(broken: BrokenContact, query: str) -> bool:
    """Whether `query` names `broken` exactly, or by the start of each word of its name."""
    plain = plain_words(query)
    if not plain:
        return False
    if broken.id is not None and (broken.id.casefold() == query.casefold()
                                  or plain_words(broken.id) == plain):
        return True
    if broken.name is None:
        return False
    names = plain_words(broken.name).split()
    return all(any(n.startswith(w) for n in names) for w in plain.split())


def _fuzzy(contacts: Sequence[Contact], query: str, plain: str) -> Contact:
    from rapidfuzz import fuzz, process, utils  # not for a contact named exactly

    choices = [plain_words(c.name) for c in contacts]
    scored = process.extract(
        plain, choices, scorer=fuzz.WRatio, processor=utils.default_process, limit=MAX_CANDIDATES
    )
    close = [(contacts[index], score) for _, score, index in scored if score >= FUZZY_CUTOFF]
    if close and (len(close) == 1 or close[0][1] - close[1][1] >= FUZZY_MARGIN):
        return close[0][0]
    if len(close) > 1:
        raise ContactLookupError(
            f'"{query}" is ambiguous: {_listing([c for c, _ in close])}; use the id'
        )
    hints = [contacts[index] for _, score, index in scored if score >= 50]
    hint = f"; did you mean {_listing(hints)}?" if hints else ""
    raise ContactLookupError(f'unknown contact "{query}"{hint}')


def search_contacts(contacts: Sequence[Contact], query: str | None, *,
                    fuzzy: bool = True) -> list[Contact]:
    """Contacts matching `query` on name, id, company, email or business; all when no query.

    Plain substring hits (in book order); when there are none, fuzzy hits by score
    (unless `fuzzy` is False).
    """
    if not query or not query.strip():
        return list(contacts)
    plain = plain_words(query)
    if not plain:  # only punctuation or symbols (`-`, `!!!`): match them as written
        wanted = query.strip().casefold()
        return [c for c in contacts if any(
            wanted in f.casefold()
            for f in (c.name, c.id, c.company, c.email, c.business) if f
        )]

    def haystack(contact: Contact) -> str:
        fields = (contact.name, contact.id, contact.company, contact.email, contact.business)
        return " | ".join(plain_words(f) for f in fields if f)

    texts = [haystack(c) for c in contacts]
    exact = [c for c, text in zip(contacts, texts, strict=True) if plain and plain in text]
    if exact or not fuzzy:
        return exact
    from rapidfuzz import fuzz, process

    scored = process.extract(
        plain, texts, scorer=fuzz.partial_ratio, processor=None, limit=None, score_cutoff=75
    )
    return [contacts[index] for _, _, index in sorted(scored, key=lambda s: (-s[1], s[2]))]
