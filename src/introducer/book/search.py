"""`introducer contacts QUERY`: who a query means, by what they are called and by what they do.

A name, id, company, email or business matches as text (`book.find.search_contacts`);
a query that names a line of work also finds everyone in it, through the book's
`aliases` and the professions table, so `realtor` finds the "real estate agent"
and `dentist` the orthodontist. `--group` keeps the members of one group.
"""

from __future__ import annotations

from collections.abc import Sequence

from introducer.book.find import search_contacts
from introducer.book.knowledge import tables_for
from introducer.book.model import Book
from introducer.book.normalise import Normaliser
from introducer.book.schema import Contact


def find_contacts(book: Book, query: str | None, group: str | None = None) -> list[Contact]:
    """The contacts `query` finds (all without one), only those in `group` if given."""
    normalise = Normaliser(book.settings.aliases)
    contacts: Sequence[Contact] = book.contacts
    if group is not None:
        wanted = normalise(group)
        contacts = [c for c in contacts if wanted in normalise.values(c.groups)]
    if not query or not query.strip():
        return list(contacts)
    by_text = search_contacts(contacts, query, fuzzy=False)
    by_work = _in_line_of_work(book, contacts, query, normalise)
    if not by_text and not by_work:
        return search_contacts(contacts, query)  # nothing exact: the closest spellings
    seen = {id(c) for c in by_text}
    return [*by_text, *(c for c in by_work if id(c) not in seen)]


def _in_line_of_work(book: Book, contacts: Sequence[Contact], query: str,
                     normalise: Normaliser) -> list[Contact]:
    """Contacts whose business is what `query` (through the aliases) names, or a kind of it."""
    meant = normalise(query)
    if not meant:
        return []
    table = tables_for(book.settings)
    professions = table.professions_of(meant)
    wanted = frozenset().union(*(table.kinds(p) for p in professions))
    return [
        c for c in contacts if c.business and (
            normalise(c.business) == meant or table.professions_of(normalise(c.business)) & wanted
        )
    ]
