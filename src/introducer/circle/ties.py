"""Who in a circle could make an introduction: which member is known to cross paths
with the person to meet.

The book records ties between contacts three ways, weighed in this order: they know
each other (`knows:`, on either side), they share a group (other than the circle's
own, which every member shares), or they share clients or referral sources (people
serving the same clients, or fed by the same sources, meet at the same events and
desks). `closeness` is how well the user knows someone, not the members, so it plays
no part here: an introduction no member has a tie for is the user's to make.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from introducer.book.normalise import fold_text
from introducer.match.phrasing import join_words
from introducer.match.profile import PreparedBook, SharedField

KNOWS, SHARED_GROUP, SHARED_VALUE = 4, 2, 1
_SHARED_WORK: tuple[tuple[SharedField, str], ...] = (
    ("clients", "both serve {}"), ("referral_sources", "both fed by {}"))


@dataclass(frozen=True, slots=True)
class Tie:
    """How strongly one contact is tied to another, and why, as the agenda says it."""

    strength: int
    why: str


def tie(prepared: PreparedBook, member: int, other: int, own_groups: Collection[str]
        ) -> Tie | None:
    """The tie between the contacts at positions `member` and `other`, None with none;
    `own_groups` are the circle's folded group names, which say nothing."""
    contacts = prepared.book.contacts
    a, b = contacts[member], contacts[other]
    strength, why = 0, []
    if b.id in a.knows or a.id in b.knows:
        strength += KNOWS
        why.append(f"knows {b.name}")
    groups = {fold_text(g): g for g in a.groups}
    shared_groups = [groups[key] for key in sorted(groups.keys() & {fold_text(g) for g in b.groups})
                     if key and key not in own_groups]
    if shared_groups:
        strength += SHARED_GROUP * len(shared_groups)
        why.append(f"both in {join_words(shared_groups)}")
    mine, theirs = prepared.profiles[member], prepared.profiles[other]
    for field, phrase in _SHARED_WORK:
        values = [text for key, text in mine.shared(field).items() if key in theirs.shared(field)]
        if values:
            strength += SHARED_VALUE * len(values)
            why.append(phrase.format(join_words(values)))
    return Tie(strength, "; ".join(why[:2])) if strength else None
