"""Who already knows whom: `knows:` lists and groups whose members meet.

Introducing two people who already sit in the same weekly chapter is worth
little, so such a pair keeps only a share of its points (`already_acquainted`).
A group counts as acquainted when `settings.groups` says so, else when its name
says it meets often (`groups.yaml`: "BNI", "chapter", "mastermind"...) or it is
small enough to be a circle. `knows:` is symmetric: either side listing the
other is enough.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from functools import cache

from introducer.book.normalise import fold_text, tokens
from introducer.book.schema import Contact, Group, plain_words
from introducer.tables import read_table


@dataclass(frozen=True, slots=True)
class GroupRules:
    """Which words in a group's name mean it meets often, and how small a circle is."""

    words: tuple[frozenset[str], ...]
    small_size: int
    largest_meeting: int


@cache
def builtin_rules() -> GroupRules:
    data = read_table("introducer.book", "groups.yaml")
    return GroupRules(
        words=tuple(tokens(fold_text(str(word))) for word in data["words"]),
        small_size=int(data["small_size"]),
        largest_meeting=int(data["largest_meeting"]),
    )


def acquainted_groups(
    contacts: Sequence[Contact], settings: Mapping[str, Group], rules: GroupRules | None = None
) -> dict[str, str]:
    """Folded name -> display name of every group whose members know each other."""
    rules = rules or builtin_rules()
    members: defaultdict[str, set[int]] = defaultdict(set)
    display: dict[str, str] = {}
    for index, contact in enumerate(contacts):
        for group in contact.groups:
            key = fold_text(group)
            if key:
                members[key].add(index)
                display.setdefault(key, group)
    said = {fold_text(name): group.acquainted for name, group in settings.items()}
    chosen: dict[str, str] = {}
    for key, people in members.items():
        verdict = said.get(key)
        if verdict is None:
            words = tokens(key)
            meets = len(people) <= rules.largest_meeting and any(w <= words for w in rules.words)
            verdict = len(people) <= rules.small_size or meets
        if verdict and len(people) >= 2:
            chosen[key] = display[key]
    return chosen


def _known_pairs(contacts: Sequence[Contact]) -> set[tuple[int, int]]:
    """Pairs (positions, smaller first) where either side lists the other under `knows:`."""
    knowing = [index for index, contact in enumerate(contacts) if contact.knows]
    if not knowing:  # the usual case: no position map to build
        return set()
    position: dict[str, int] = {}
    for index, contact in enumerate(contacts):
        position.setdefault(contact.id, index)
    known: set[tuple[int, int]] = set()
    for index in knowing:
        for other_id in contacts[index].knows:
            other = position.get(other_id)
            if other is not None and other != index:
                known.add((min(index, other), max(index, other)))
    return known


class Acquaintance:
    """Answers "do these two already know each other, and why?" for positions in a book."""

    def __init__(
        self, contacts: Sequence[Contact], settings: Mapping[str, Group],
        rules: GroupRules | None = None,
    ) -> None:
        self.groups = acquainted_groups(contacts, settings, rules)
        self.member_of: tuple[tuple[str, ...], ...] = tuple(
            tuple(sorted({fold_text(g) for g in c.groups} & self.groups.keys())) if c.groups else ()
            for c in contacts
        ) if self.groups else ((),) * len(contacts)  # no group counts: nobody is in one
        self.known: set[tuple[int, int]] = _known_pairs(contacts)

    def pairs(self, limit: int) -> set[tuple[int, int]] | None:
        """Every acquainted pair (positions, smaller first), or None if there would be more
        than `limit` (a big group marked acquainted): then ask `why` pair by pair."""
        members: defaultdict[str, list[int]] = defaultdict(list)
        for index, groups in enumerate(self.member_of):
            for group in groups:
                members[group].append(index)
        if sum(len(m) * (len(m) - 1) // 2 for m in members.values()) > limit:
            return None
        found = set(self.known)
        for people in members.values():
            found.update((a, b) for k, a in enumerate(people) for b in people[k + 1:])
        return found

    def why(self, first: int, second: int, names: tuple[str, str]) -> str | None:
        """Why the two already know each other (`both in bni-tuesday`), or None."""
        if (min(first, second), max(first, second)) in self.known:
            return f"{names[0]} and {names[1]} already know each other"
        shared = sorted(set(self.member_of[first]) & set(self.member_of[second]))
        if shared:
            return f"already know each other: both in {self.groups[shared[0]]}"
        return None


#: The event two people in one book can live through on opposite sides.
SEPARATION = "divorce"


def separating_couples(contacts: Sequence[Contact], living: Sequence[Collection[str]]
                       ) -> set[tuple[int, int]]:
    """Pairs (positions, smaller first) who look like the two sides of one divorce: the
    same surname, both living through it. Introducing them, or sending both to one
    lawyer, is the one introduction a connector must never make."""
    by_surname: defaultdict[str, list[int]] = defaultdict(list)
    for index, contact in enumerate(contacts):
        if SEPARATION not in living[index]:
            continue  # the name is folded only for the few living through a divorce
        words = plain_words(contact.name).split()
        if len(words) >= 2:
            by_surname[words[-1]].append(index)
    return {(a, b) for people in by_surname.values()
            for k, a in enumerate(people) for b in people[k + 1:]}
