"""The balance of the network: information, support and referral contacts (`network:`).

A working network holds all three: people who know things and people (information),
people who back the user (support), and people who send business (referral). A kind
with under half as many contacts as the largest is thin.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import get_args

from introducer.book.model import Book
from introducer.book.schema import Contact, NetworkKind

KINDS: tuple[str, ...] = get_args(NetworkKind)
#: A kind is thin below this share of the largest kind's count.
THIN_SHARE = 0.5


@dataclass(frozen=True, slots=True)
class Balance:
    """How many contacts carry each `network:` tag, the thin kinds, and who has none."""

    counts: dict[str, int]
    thin: tuple[str, ...]
    untagged: tuple[Contact, ...]


def balance(book: Book) -> Balance:
    """Counts per kind (a contact may carry several), over the whole book."""
    counts = dict.fromkeys(KINDS, 0)
    untagged = []
    for contact in book.contacts:
        for kind in set(contact.network):
            counts[kind] += 1
        if not contact.network:
            untagged.append(contact)
    largest = max(counts.values())
    thin = tuple(kind for kind in KINDS if largest and counts[kind] < THIN_SHARE * largest)
    return Balance(counts, thin, tuple(untagged))
