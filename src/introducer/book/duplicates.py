"""`check` warnings for two contacts who are probably one person, each naming both lines.

A hand-kept book gains them by copy and paste and by imports: the same name twice
(not at two different companies), or nearly the same name ("Greg Olsen", "Greg
Olson") at one company or one email domain. One person written twice splits
their matches and their history in two. Free-mail domains say nothing about who
someone works with, so they do not count.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from itertools import combinations

from rapidfuzz import fuzz

from introducer.book.identity import (
    fold_company,
    given_names_agree,
    name_key,
    one_company_or_none,
)
from introducer.book.model import Book
from introducer.book.yamlsafe import contact_label
from introducer.errors import Problem

#: rapidfuzz ratio at or above which two names at one company are probably one person.
NEAR_NAME = 88.0
#: A company or domain shared by more contacts than this is compared by exact name only
#: (a 5,000-person employer would cost millions of comparisons and say little).
_MAX_GROUP = 200
FREE_MAIL = frozenset({
    "gmail.com", "googlemail.com", "yahoo.com", "hotmail.com", "outlook.com", "live.com",
    "msn.com", "aol.com", "icloud.com", "me.com", "mac.com", "proton.me", "protonmail.com",
    "gmx.de", "gmx.net", "web.de", "yandex.ru", "mail.ru", "qq.com", "163.com", "comcast.net",
})


def probable_duplicates(book: Book) -> Iterator[Problem]:
    """One warning per pair, at the later contact's line, naming the earlier one's."""
    keys = [name_key(contact.name) for contact in book.contacts]
    reported: set[tuple[int, int]] = set()
    by_name: dict[str, list[int]] = defaultdict(list)
    for index, key in enumerate(keys):
        if key:
            by_name[key].append(index)
    for indexes in by_name.values():
        for later in indexes[1:]:  # each namesake once, against the first that could be them
            first = next((i for i in indexes if i < later and _may_be_one(book, i, later)), None)
            if first is not None:
                reported.add((first, later))
                yield _warning(book, first, later, "the same name")
    for shared, indexes in _groups(book).items():
        if len(indexes) > _MAX_GROUP:
            continue
        for first, second in combinations(indexes, 2):
            a, b = keys[first], keys[second]
            if (first, second) in reported or a == b or not given_names_agree(a, b):
                continue
            if fuzz.ratio(a, b) >= NEAR_NAME:
                reported.add((first, second))
                yield _warning(book, first, second, f"nearly the same name, both {shared}")


def _may_be_one(book: Book, first: int, second: int) -> bool:
    """Namesakes at two different companies are two people (the import's rule too)."""
    contacts = book.contacts
    return one_company_or_none(fold_company(contacts[first].company), contacts[second].company)


def _groups(book: Book) -> dict[str, list[int]]:
    """Contacts by company (legal form dropped) and by email domain (free mail left out),
    keyed by how the warning says what they share (the company as first written)."""
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    shown: dict[tuple[str, str], str] = {}
    for index, contact in enumerate(book.contacts):
        company = fold_company(contact.company)
        if company:
            groups["company", company].append(index)
            shown.setdefault(("company", company), f"at {contact.company}")
        domain = contact.email.rpartition("@")[2].casefold() if contact.email else ""
        if domain and domain not in FREE_MAIL:
            groups["domain", domain].append(index)
            shown.setdefault(("domain", domain), f"with an @{domain} address")
    return {shown[key]: indexes for key, indexes in groups.items()}


def _warning(book: Book, first: int, second: int, why: str) -> Problem:
    earlier = book.contacts[first]
    return Problem(
        str(book.path), book.line_of(second),
        f'probably the same person as "{contact_label(earlier.name)}" at line '
        f"{book.line_of(first)} ({why}); if so, merge the two into one contact; if not, "
        "tell them apart in the name (a middle initial, say)",
        contact_label(book.contacts[second].name), "warning",
    )
