"""Warnings for a book that loads but probably does not say what its owner meant.

None of these stop the tool; each costs the owner matches they would want:
two spellings of one value never meet, a contact with nothing to match on is
never suggested, an ask, event or business nothing knows and nobody fits never
matches (`match.unmatched`), an `avoid:` naming nobody protects nobody, and an
alias chain leaves the first spelling stranded.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import combinations

from rapidfuzz.distance import OSA

from introducer.book.closest import Suggester
from introducer.book.duplicates import probable_duplicates
from introducer.book.knowledge import TriggerEvents
from introducer.book.model import Book
from introducer.book.names import looks_encoded
from introducer.book.normalise import Normaliser, fold_text
from introducer.book.schema import Contact
from introducer.book.starter import is_placeholder, placeholder_message
from introducer.book.yamlsafe import contact_label, shown
from introducer.collector import collector_paused
from introducer.errors import Problem
from introducer.match.unmatched import never_matching

#: Fields whose values describe the same kind of thing, so a typo in one may match another.
FAMILIES: dict[str, tuple[str, ...]] = {
    "clients": ("clients",),
    "professions": ("business", "referral_sources", "wants"),
    "hobbies": ("hobbies",),
    "events": ("events", "serves"),
    "groups": ("groups",),
}
MATCHABLE = ("business", "clients", "referral_sources", "hobbies", "events", "wants", "serves")
_MIN_LENGTH = 5  # shorter values differ by one letter far too often on purpose
_MAX_BUCKET = 64  # a deletion key shared by more values than this is not a typo signal
_ID_SUGGESTION_BUDGET = 5_000_000  # id comparisons spent on did-you-mean for unknown `avoid:`
_DIGITS = re.compile(r"\d+")
_VOWELS = frozenset("aeiouy")


def check_book(book: Book) -> list[Problem]:
    """Every warning for `book`, in file order."""
    with collector_paused():  # a big book makes every collection a long walk over its records
        problems = [
            *_spelling_variants(book),
            *_nothing_to_match(book),
            *_unknown_avoids(book),
            *_alias_problems(book),
            *_encoded_word_names(book),
            *probable_duplicates(book),
            *never_matching(book),
            *_starter_me(book),
        ]
    return sorted(problems, key=lambda p: p.line or 0)


def _starter_me(book: Book) -> Iterator[Problem]:
    if is_placeholder(book.me):
        yield Problem(str(book.path), None, placeholder_message(), severity="warning")


def field_values(contact: Contact, field: str) -> list[str]:
    """The free-text values a contact has in one field, as written."""
    if field == "business":
        return [contact.business] if contact.business else []
    if field == "events":
        return [event.event for event in contact.events]
    if field == "serves":
        return list(contact.serves or [])
    values: list[str] = getattr(contact, field)
    return values


@dataclass(slots=True)
class _Seen:
    """One normalised value: how often it is used and where it is first written."""

    text: str
    index: int
    field: str
    count: int = 1


def _warning(book: Book, index: int, field: str | None, message: str) -> Problem:
    return Problem(
        str(book.path), book.line_of(index, field), message,
        contact_label(book.contacts[index].name), "warning",
    )


def _spelling_variants(book: Book) -> Iterator[Problem]:
    normalise = Normaliser(book.settings.aliases)
    table = TriggerEvents(book.settings.events)
    known = set(table.events)
    for event in table.events.values():
        known.update(event.professions)
    for fields in FAMILIES.values():
        seen: dict[str, _Seen] = {}
        for index, contact in enumerate(book.contacts):
            for field in fields:
                for text in field_values(contact, field):
                    value = normalise(text)
                    entry = seen.get(value)
                    if entry is None:
                        seen[value] = _Seen(text, index, field)
                    else:
                        entry.count += 1
        for first, second in _similar_pairs(list(seen)):
            if (first in known and second in known) or _differ_in_a_name(
                seen[first], seen[second], first, second
            ):
                continue
            suspect, other = _suspect_first(seen[first], seen[second], first in known,
                                            second in known)
            yield _warning(
                book, suspect.index, suspect.field,
                f"{suspect.field}: {shown(suspect.text)} looks like another spelling of "
                f"{shown(other.text)} ({_times(other.count)}, first by contact "
                f"\"{contact_label(book.contacts[other.index].name)}\" at line "
                f"{book.line_of(other.index, other.field)}); spell them the same way "
                "or add an alias, or they will never match",
            )


def _times(count: int) -> str:
    return "used once" if count == 1 else f"used {count} times"


def _suspect_first(a: _Seen, b: _Seen, a_known: bool, b_known: bool) -> tuple[_Seen, _Seen]:
    """The spelling more likely to be the typo: not in the table, rarer, or written later."""
    if a_known != b_known:
        return (b, a) if a_known else (a, b)
    if a.count != b.count:
        return (a, b) if a.count < b.count else (b, a)
    return (a, b) if a.index > b.index else (b, a)


def _similar_pairs(values: list[str]) -> Iterator[tuple[str, str]]:
    """Pairs one typo apart, found through shared one-deletion keys instead of all pairs.

    Digits are never deleted: values that differ in a number (`group 1`, `group 2`)
    are different on purpose, and numbered values would otherwise crowd the buckets.
    """
    buckets: dict[str, list[int]] = {}
    for position, value in enumerate(values):
        if len(value) < _MIN_LENGTH:
            continue
        keys = {value[:cut] + value[cut + 1 :] for cut in range(len(value))
                if not value[cut].isdigit()}
        keys.add(value)
        for key in keys:
            buckets.setdefault(key, []).append(position)
    pairs: set[tuple[int, int]] = set()
    for members in buckets.values():
        if 1 < len(members) <= _MAX_BUCKET:
            pairs.update(combinations(members, 2))
    for a, b in sorted(pairs):
        if probably_same(values[a], values[b]):
            yield values[a], values[b]


def probably_same(a: str, b: str) -> bool:
    """Whether two different normalised values are one typo apart and not two real words.

    One edit (rapidfuzz's OSA distance, where swapping two neighbours is one edit)
    inside a word long enough that a single changed letter rarely makes another
    real word: `restuarants` is `restaurants`, but `biking` is not `hiking`. A
    replaced letter needs a word of 8 letters, or 7 when vowel replaces vowel
    (`adviser` / `advisor`); an added, dropped or swapped one needs 4 or 5.
    """
    if a == b or _DIGITS.findall(a) != _DIGITS.findall(b):
        return False
    if OSA.distance(a, b, score_cutoff=1) > 1:
        return False
    if len(a.split()) != len(b.split()):
        return True  # one space added or dropped: `real estate` / `realestate`
    changed = _changed_word(a, b)
    if changed is None:
        return False
    x, y = changed
    if len(x) != len(y):
        return min(len(x), len(y)) >= 4 and max(len(x), len(y)) >= _MIN_LENGTH
    if sorted(x) == sorted(y):  # two letters swapped
        return len(x) >= 4
    if len(x) >= 8:  # one letter replaced
        return True
    a_letter, b_letter = next((p, q) for p, q in zip(x, y, strict=True) if p != q)
    return len(x) >= 7 and a_letter in _VOWELS and b_letter in _VOWELS  # adviser / advisor


def _changed_word(a: str, b: str) -> tuple[str, str] | None:
    """The one word that differs between two values of as many words, if just one does."""
    changed = [(x, y) for x, y in zip(a.split(), b.split(), strict=False) if x != y]
    return changed[0] if len(changed) == 1 and len(a.split()) == len(b.split()) else None


def _names(text: str) -> set[str]:
    """Words capitalised in otherwise lower-case text: names, as in `anyone at Bell Partners`.

    In Title Case Text every word is capitalised, so none of them can be told apart as names.
    """
    words = text.split()
    if all(word[:1].isupper() for word in words):
        return set()
    return {fold_text(word) for word in words[1:] if word[:1].isupper()}


def _differ_in_a_name(first: _Seen, second: _Seen, a: str, b: str) -> bool:
    """`Bell` and `Bello` are two companies, not a typo, however close they look."""
    changed = _changed_word(a, b)
    return changed is not None and changed[0] in _names(first.text) and (
        changed[1] in _names(second.text)
    )


def _nothing_to_match(book: Book) -> Iterator[Problem]:
    for index, contact in enumerate(book.contacts):
        if contact.introduce and not any(field_values(contact, f) for f in MATCHABLE):
            yield _warning(
                book, index, None,
                "nothing to match on, so this contact is never suggested: add a business, "
                "clients, referral_sources, hobbies, events or wants",
            )


def _unknown_avoids(book: Book) -> Iterator[Problem]:
    """`avoid:` and `knows:` take ids: one naming nobody protects (or describes) nobody."""
    ids = {contact.id for contact in book.contacts}
    by_folded = {contact.id.casefold(): contact.id for contact in book.contacts}
    by_name = {contact.name.casefold(): contact.id for contact in book.contacts}
    suggest = Suggester(ids)
    suggestions_left = min(200, _ID_SUGGESTION_BUDGET // max(len(ids), 1))
    for index, contact in enumerate(book.contacts):
        for field, listed in (("avoid", contact.avoid), ("knows", contact.knows)):
            for other in listed:
                if other == contact.id:
                    yield _warning(book, index, field, f"{field}: lists the contact's own id")
                    continue
                if other in ids:
                    continue
                hint = by_folded.get(other.casefold()) or by_name.get(other.casefold())
                if hint is None and suggestions_left > 0:
                    suggestions_left -= 1
                    hint = suggest(other)
                suffix = f" (did you mean {hint!r}?)" if hint else ""
                yield _warning(
                    book, index, field,
                    f"{field}: no contact has the id {shown(other)}{suffix}; {field} takes ids",
                )


_ENCODED_NAME = ("looks like an RFC 2047 encoded word (=?charset?q?...?=), probably copied "
                 "from a raw mail header; drafts show it exactly as written, never decoded: "
                 "write the name itself")


def _encoded_word_names(book: Book) -> Iterator[Problem]:
    """Names in encoded-word syntax: harmless now (drafts encode them), but surely not meant."""
    if book.me.name is not None and looks_encoded(book.me.name):
        yield Problem(str(book.path), None, f"me: name {_ENCODED_NAME}", severity="warning")
    for index, contact in enumerate(book.contacts):
        if looks_encoded(contact.name):
            yield _warning(book, index, "name", f"name {_ENCODED_NAME}")


def _alias_problems(book: Book) -> Iterator[Problem]:
    """Aliases apply once, not transitively: `a: b` with `b: c` leaves `a` apart from `c`."""
    aliases = {fold_text(k): fold_text(v) for k, v in book.settings.aliases.items()}
    lines = {fold_text(k): line for k, line in book.alias_lines.items()}
    for start in aliases:
        path = [start]
        step = aliases[start]
        while step in aliases and step not in path:
            path.append(step)
            step = aliases[step]
        if step in path:  # back to a spelling already on the path: a loop
            loop = path[path.index(step) :]
            if start != min(loop):
                continue  # reported once, from the loop's smallest member
            if len(loop) == 1:
                message = f"{shown(start)} is an alias of itself"
            else:
                steps = " → ".join(shown(value) for value in [*loop, loop[0]])
                message = f"aliases go round in a loop: {steps}"
        elif len(path) > 1:
            steps = " → ".join(shown(value) for value in [*path, step])
            message = (f"{steps} is a chain, but an alias applies only once; "
                       f"map {shown(start)} straight to {shown(step)}")
        else:
            continue
        yield Problem(
            str(book.path), lines.get(start), f"settings.aliases: {message}", severity="warning"
        )
