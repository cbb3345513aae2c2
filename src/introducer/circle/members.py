"""Who is in a circle or was at a meeting: a group's members, or people named one by one.

A group is named as in the book, compared the way `acquaintance` folds group names
(case, accents, spacing); an unknown one is an error with the closest names. Names
given one by one resolve as every command resolves a contact (`find_contact`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from introducer.book.find import find_contact
from introducer.book.normalise import fold_text
from introducer.book.schema import Contact
from introducer.errors import ContactLookupError, IntroducerError, UsageError

_HINTS = 3
_HINT_SCORE = 60.0


@dataclass(frozen=True, slots=True)
class Group:
    """A group as the book writes it (its first spelling), its folded key, its members."""

    name: str
    key: str
    members: tuple[Contact, ...]


def find_group(contacts: Sequence[Contact], name: str) -> Group:
    """The contacts whose `groups:` name `name`, in book order; an error with the closest
    group names if nobody's does."""
    key = fold_text(name)
    if not key:
        raise UsageError("empty group name; give a group as the book writes it")
    spelled: dict[str, str] = {}
    members: dict[str, Contact] = {}
    for contact in contacts:
        for group in contact.groups:
            folded = fold_text(group)
            spelled.setdefault(folded, group)
            if folded == key:
                members.setdefault(contact.id, contact)
    if members:
        return Group(spelled[key], key, tuple(members.values()))
    raise IntroducerError(f'no contact is in a group "{name}"{_did_you_mean(key, spelled)}')


def _did_you_mean(key: str, spelled: dict[str, str]) -> str:
    if not spelled:
        return " (no contact lists any groups:)"
    names = list(spelled)
    close = [spelled[names[k]] for _, score, k in process.extract(
        key, names, scorer=fuzz.WRatio, limit=_HINTS) if score >= _HINT_SCORE]
    return "; did you mean " + ", ".join(f'"{n}"' for n in close) + "?" if close else (
        "; groups in the book: " + ", ".join(f'"{spelled[n]}"' for n in sorted(names)[:10]))


def split_names(text: str) -> list[str]:
    """`a, b ,c` as ["a", "b", "c"]: the names of a `--members` list."""
    return [part.strip() for part in text.split(",") if part.strip()]


def name_all(contacts: Sequence[Contact], names: Iterable[str]) -> list[Contact]:
    """Every name resolved, strictly (the first unknown or ambiguous one is the error),
    each contact once, in the order named."""
    found: dict[str, Contact] = {}
    for name in names:
        contact = find_contact(contacts, name)
        found.setdefault(contact.id, contact)
    return list(found.values())


@dataclass(frozen=True, slots=True)
class Named:
    """The contacts a list of names resolved to, and each name that did not resolve with
    why (unknown or ambiguous, with the candidates)."""

    contacts: tuple[Contact, ...]
    unresolved: tuple[tuple[str, str], ...]


def name_leniently(contacts: Sequence[Contact], names: Iterable[str]) -> Named:
    """Every name that resolves, each contact once; the others kept with their problem."""
    found: dict[str, Contact] = {}
    unresolved: list[tuple[str, str]] = []
    for name in names:
        try:
            contact = find_contact(contacts, name)
        except ContactLookupError as error:
            unresolved.append((name, error.message))
            continue
        found.setdefault(contact.id, contact)
    return Named(tuple(found.values()), tuple(unresolved))


def attendee_names(data: bytes, source: str) -> list[str]:
    """The names in an attendee list: one a line, blank lines and `#` comments skipped
    (a sign-in sheet pasted from a spreadsheet or an event page)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise IntroducerError(f"{source}: is not UTF-8 text; save the attendee list as "
                              "UTF-8, one name a line") from None
    return [line.strip() for line in text.splitlines()
            if line.strip() and not line.lstrip().startswith("#")]
