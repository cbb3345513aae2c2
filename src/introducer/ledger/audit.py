"""Questions asked of the history before and after a change: what it already says about a pair,
and which ids it names that the book no longer has.

The history names contacts by id; an id edited in the book (or a contact removed)
leaves history rows pointing at nobody. Nothing here prints: `check`, `record`
and `import-history` turn the answers into warnings.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from introducer.book.closest import Suggester
from introducer.book.schema import slugify
from introducer.ledger.entries import Entry
from introducer.ledger.views import live


@dataclass(frozen=True, slots=True)
class UnknownId:
    """An id the live history names that is not in the book."""

    id: str
    entries: int  # live entries naming it
    suggestion: str | None  # a book id it was probably renamed to, if one is close


def unknown_ids(entries: Iterable[Entry], book: Mapping[str, str]) -> list[UnknownId]:
    """Ids named by live entries but missing from `book` (id -> name), most used first.

    The suggestion is a book id with no history of its own beyond suggestions shown
    (`rename` refuses to merge two histories, so such an id is no answer): first the
    contact whose name makes the missing id (an `id:` added to "Ethan Wright" leaves
    "ethan-wright" behind), else the closest id.
    """
    counts: Counter[str] = Counter()
    own: set[str] = set()  # named by something the user did, not just a suggestion shown
    for entry in live(entries):
        if entry.kind == "renamed":
            continue
        for contact_id in {entry.a, entry.b}:
            if contact_id is None:
                continue
            counts[contact_id] += 1
            if entry.kind != "suggested":
                own.add(contact_id)
    missing = {contact_id: count for contact_id, count in counts.items()
               if contact_id not in book}
    if not missing:
        return []
    free = sorted(book.keys() - own)
    by_name = {slugify(book[contact_id]): contact_id for contact_id in reversed(free)}
    suggest = Suggester(free)
    return [UnknownId(contact_id, count, by_name.get(contact_id) or suggest(contact_id))
            for contact_id, count in sorted(missing.items(), key=lambda item: (-item[1], item[0]))]


def earlier_steps(entries: Iterable[Entry], pair: tuple[str, str]) -> list[Entry]:
    """The live introductions, asks and `never`s already recorded for `pair`, oldest first."""
    return [entry for entry in live(entries)
            if entry.pair == pair and entry.kind in ("introduced", "asked", "never")]
