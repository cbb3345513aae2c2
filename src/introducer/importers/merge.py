"""Imported records -> book contacts, merged into an existing book without losing anything.

The book is the user's: an existing contact keeps every value it has, and an
imported record only fills what is empty. A record is the same person as a
contact when they share an email (any case), or when their accent-free names
match fuzzily at the same company (or exactly, when one side has no company),
their given names agree, and at most one of them has an email. Two different
people must never become one (the second would vanish into the first's notes),
so a name match that fails the last two tests is reported as a possible
duplicate instead. Duplicates inside one import collapse the same way. Every
decision is returned as data (`MergeResult`) so the CLI can report it; nothing
here prints.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import ValidationError
from rapidfuzz import fuzz, process

from introducer.book.identity import (
    fold_company,
    given_names_agree,
    name_key,
    one_company_or_none,
    split_name,
)
from introducer.book.model import Book
from introducer.book.schema import Contact, field_names, slugify
from introducer.book.validation import validate
from introducer.importers.record import ImportedContact

#: rapidfuzz token_sort_ratio at or above which two folded names are the same person.
NAME_MATCH = 90.0
#: How an extra address is kept in `notes` (the book has one `email` field).
EXTRA_EMAIL_PREFIX = "other email: "
#: How a name written with honorifics or suffixes (`Mr. John Smith Sr.`) is kept in `notes`.
EXPORTED_NAME_PREFIX = "name in the export: "

_EMAIL = re.compile(r"[^\s<>(),;:\"']+@[^\s<>(),;:\"']+\.[^\s<>(),;:\"']+")
_COMPARED = ("name", "company", "business")


@dataclass(frozen=True, slots=True)
class Merged:
    """An imported record that matched a contact already in the book."""

    id: str
    origin: str
    filled: tuple[str, ...]
    by: Literal["email", "name"]


@dataclass(frozen=True, slots=True)
class Skipped:
    """An imported record not added: a duplicate of an earlier record, or invalid."""

    origin: str
    name: str
    reason: str
    duplicate_of: str | None = None
    filled: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PossibleDuplicate:
    """A record whose name nearly matches a contact's, kept apart: why, and both sides."""

    origin: str
    name: str
    other_id: str
    other_name: str
    other_origin: str | None  # None: the contact is in the book
    reason: str


@dataclass(frozen=True, slots=True)
class Conflict:
    """Two values for one field: the first (`kept`, from the book or the earlier record) wins."""

    id: str
    field: str
    kept: str
    offered: str
    origin: str
    kept_from: Literal["book", "import"] = "book"


@dataclass(frozen=True, slots=True)
class MergeResult:
    """The whole resulting contact list (book order, then new contacts) and what happened."""

    contacts: tuple[Contact, ...]
    added: tuple[str, ...] = ()
    merged: tuple[Merged, ...] = ()
    skipped: tuple[Skipped, ...] = ()
    conflicts: tuple[Conflict, ...] = ()
    possible: tuple[PossibleDuplicate, ...] = ()

    @property
    def fields_filled(self) -> int:
        return sum(len(m.filled) for m in self.merged)

    @property
    def duplicates(self) -> tuple[Skipped, ...]:
        return tuple(s for s in self.skipped if s.duplicate_of is not None)

    @property
    def invalid(self) -> tuple[Skipped, ...]:
        return tuple(s for s in self.skipped if s.duplicate_of is None)


def _fold_text(text: str) -> str:
    return " ".join(text.casefold().split())


_FOLDS: dict[str, Callable[[str], str]] = {
    "name": name_key, "company": fold_company, "business": _fold_text,
}


def emails_in(text: str | None) -> list[str]:
    """Addresses written in free text (notes keep the extra ones), folded."""
    return [m.casefold() for m in _EMAIL.findall(text or "")]


@dataclass(slots=True)
class _Entry:
    """A contact of the result while merging; `existing` when it came from the book."""

    contact: Contact
    existing: bool
    origin: str = ""


@dataclass(slots=True)
class _Incoming:
    """An imported record after the schema has cleaned its values."""

    record: ImportedContact
    contact: Contact
    emails: list[str] = field(default_factory=list)
    generation: str | None = None  # `jr`, `sr`...: John Smith Sr. is not John Smith Jr.


def merge_contacts(existing: Book | None, incoming: Sequence[ImportedContact]) -> MergeResult:
    """Merge `incoming` records into the contacts of `existing` (None: an empty book)."""
    return _Merger(existing.contacts if existing else ()).run(incoming)


class _Merger:
    def __init__(self, contacts: Iterable[Contact]) -> None:
        self.entries: list[_Entry] = []
        self.by_email: dict[str, int] = {}
        self.by_name: dict[str, list[int]] = {}
        # Folded company -> the entries there, and their folded names (for rapidfuzz).
        self.by_company: dict[str, tuple[list[int], list[str]]] = {}
        self.in_company: set[tuple[str, int]] = set()
        self.taken_ids: set[str] = set()
        self.added: list[str] = []
        self.merged: list[Merged] = []
        self.skipped: list[Skipped] = []
        self.conflicts: list[Conflict] = []
        self.possible: list[PossibleDuplicate] = []
        for contact in contacts:
            self.taken_ids.add(contact.id.casefold())
            self._index(len(self.entries), contact)
            self.entries.append(_Entry(contact, existing=True))

    def run(self, incoming: Sequence[ImportedContact]) -> MergeResult:
        for record in incoming:
            cleaned = self._clean(record)
            if cleaned is None:
                continue
            found = self._match(cleaned)
            if found is None:
                self._add(cleaned)
            else:
                self._merge(found[0], cleaned, found[1])
        return MergeResult(
            contacts=tuple(e.contact for e in self.entries),
            added=tuple(self.added),
            merged=tuple(self.merged),
            skipped=tuple(self.skipped),
            conflicts=tuple(self.conflicts),
            possible=tuple(self.possible),
        )

    # ── indexes ──────────────────────────────────────────────────────────────
    def _index(self, index: int, contact: Contact, emails: Iterable[str] = ()) -> None:
        own = [contact.email] if contact.email else []
        for email in [*own, *emails, *emails_in(contact.notes)]:
            self.by_email.setdefault(email.casefold(), index)
        name = name_key(contact.name)
        name_list = self.by_name.setdefault(name, [])
        if index not in name_list:
            name_list.append(index)
        company = fold_company(contact.company)
        if company:
            indexes, names = self.by_company.setdefault(company, ([], []))
            if (company, index) not in self.in_company:  # indexed again after each merge
                self.in_company.add((company, index))
                indexes.append(index)
                names.append(name)

    # ── one record ───────────────────────────────────────────────────────────
    def _clean(self, record: ImportedContact) -> _Incoming | None:
        """The record through the schema (so the output passes `check`); None if refused."""
        emails = _unique(e.strip() for e in record.emails if e and e.strip())
        notes = record.notes.replace("\r\n", "\n").replace("\r", "\n") if record.notes else None
        person = split_name(record.name)
        if person.trimmed:
            notes = _join_notes(notes, [EXPORTED_NAME_PREFIX + " ".join(record.name.split())])
        raw: dict[str, Any] = {
            "name": person.core, "id": "imported", "email": emails[0] if emails else None,
            "company": record.company, "business": record.business,
            "groups": _unique(g for g in record.groups if g and g.strip()),
            "notes": notes, "last_contact": record.met,
        }
        try:
            contact = validate(Contact, raw)
        except ValidationError as error:
            reasons = "; ".join(
                f"{'.'.join(str(p) for p in d['loc']) or 'record'}: {d['msg']}"
                for d in error.errors(include_url=False)
            )
            self.skipped.append(Skipped(record.origin, record.name, f"not imported: {reasons}"))
            return None
        return _Incoming(record, contact, emails, person.generation)

    def _match(self, item: _Incoming) -> tuple[int, Literal["email", "name"]] | None:
        for email in item.emails:
            index = self.by_email.get(email.casefold())
            if index is not None:
                return index, "email"
        name = name_key(item.contact.name)
        nearest: tuple[int, str] | None = None
        for index, folded in self._namesakes(name, fold_company(item.contact.company)):
            refusal = self._not_the_same(item, name, self.entries[index].contact, folded)
            if refusal is None:
                return index, "name"
            nearest = nearest or (index, refusal)
        if nearest is not None:  # one line per record, however many namesakes it has
            self._possibly(item, *nearest)
        return None

    def _namesakes(self, name: str, company: str) -> Iterator[tuple[int, str]]:
        """Entries (and their folded names) whose name matches `name`: exactly, at the same
        company or where either has none; then fuzzily at the same company, best first."""
        seen: set[int] = set()
        for index in self.by_name.get(name, ()):
            if one_company_or_none(company, self.entries[index].contact.company):
                seen.add(index)
                yield index, name
        if company:
            indexes, folded_names = self.by_company.get(company, ([], []))
            for folded, _, at in process.extract(
                name, folded_names, scorer=fuzz.token_sort_ratio, processor=None,
                score_cutoff=NAME_MATCH, limit=None,
            ):
                if indexes[at] not in seen:
                    yield indexes[at], folded

    @staticmethod
    def _not_the_same(item: _Incoming, name: str, contact: Contact, folded: str) -> str | None:
        """Why a name match is not enough to merge (None: it is): different given names,
        or an email on each side (sharing none: a shared one matched already)."""
        if not given_names_agree(name, folded):
            return "a different given name"
        theirs_generation = _generation_of(contact)
        if item.generation and theirs_generation and item.generation != theirs_generation:
            return f"a different suffix ({item.generation}, not {theirs_generation})"
        theirs = [contact.email] if contact.email else emails_in(contact.notes)
        if item.emails and theirs:
            return f"a different email ({item.emails[0]}, not {theirs[0]})"
        return None

    def _possibly(self, item: _Incoming, index: int, reason: str) -> None:
        entry = self.entries[index]
        self.possible.append(PossibleDuplicate(
            item.record.origin, item.contact.name, entry.contact.id, entry.contact.name,
            None if entry.existing else entry.origin, reason,
        ))

    def _add(self, item: _Incoming) -> None:
        base = slugify(item.contact.name) or "contact"
        new_id, n = base, 2
        while new_id.casefold() in self.taken_ids:
            new_id, n = f"{base}-{n}", n + 1
        self.taken_ids.add(new_id.casefold())
        extra = [e for e in item.emails[1:] if e.casefold() not in emails_in(item.contact.notes)]
        notes = _join_notes(item.contact.notes, [EXTRA_EMAIL_PREFIX + e for e in extra])
        contact = dataclasses.replace(item.contact, id=new_id, notes=notes)
        index = len(self.entries)
        self.entries.append(_Entry(contact, existing=False, origin=item.record.origin))
        self._index(index, contact, item.emails)
        self.added.append(new_id)

    def _merge(self, index: int, item: _Incoming, by: Literal["email", "name"]) -> None:
        entry = self.entries[index]
        target, offered = entry.contact, item.contact
        origin = item.record.origin
        update: dict[str, Any] = {}
        for name in _COMPARED:
            mine, theirs = getattr(target, name), getattr(offered, name)
            if theirs is None:
                continue
            if mine is None:
                update[name] = theirs
            elif _FOLDS[name](mine) != _FOLDS[name](theirs):
                self.conflicts.append(Conflict(
                    target.id, name, mine, theirs, origin,
                    kept_from="book" if entry.existing else "import",
                ))
        known = {e.casefold() for e in [target.email or "", *emails_in(target.notes)] if e}
        emails = list(item.emails)
        if target.email is None and emails:
            update["email"] = emails.pop(0)
            known.add(update["email"].casefold())
        lines = [EXTRA_EMAIL_PREFIX + e for e in emails if e.casefold() not in known]
        if offered.notes and _fold_text(offered.notes) not in _fold_text(target.notes or ""):
            lines.insert(0, offered.notes)
        if lines:
            update["notes"] = _join_notes(target.notes, lines)
        groups = list(target.groups)
        seen = {_fold_text(g) for g in groups}
        for group in offered.groups:
            if _fold_text(group) not in seen:
                seen.add(_fold_text(group))
                groups.append(group)
        if len(groups) > len(target.groups):
            update["groups"] = groups
        if offered.last_contact and (
            target.last_contact is None or offered.last_contact > target.last_contact
        ):
            update["last_contact"] = offered.last_contact
        filled = tuple(name for name in field_names(Contact) if name in update)
        if update:
            entry.contact = dataclasses.replace(target, **update)
            self._index(index, entry.contact, item.emails)
        if entry.existing:
            self.merged.append(Merged(target.id, origin, filled, by))
        else:
            self.skipped.append(Skipped(
                origin, item.contact.name, f"duplicate of {target.id} ({entry.origin}), same {by}",
                duplicate_of=target.id, filled=filled,
            ))


def _generation_of(contact: Contact) -> str | None:
    """Jr., Sr., III... as the contact's name or the exported name in its notes has it."""
    own = split_name(contact.name).generation
    if own is not None:
        return own
    for line in (contact.notes or "").splitlines():
        if line.startswith(EXPORTED_NAME_PREFIX):
            return split_name(line.removeprefix(EXPORTED_NAME_PREFIX)).generation
    return None


def _unique(values: Iterable[str]) -> list[str]:
    """In order, without repeats (compared folded)."""
    seen: set[str] = set()
    kept: list[str] = []
    for value in values:
        key = _fold_text(value)
        if key not in seen:
            seen.add(key)
            kept.append(value.strip())
    return kept


def _join_notes(notes: str | None, lines: Sequence[str]) -> str | None:
    """`notes` with `lines` appended, each on its own line."""
    parts = [notes] if notes else []
    parts.extend(lines)
    return "\n".join(parts) if parts else None


def describe(result: MergeResult) -> list[str]:
    """The report as lines: a summary, then one line per conflict and per record skipped."""
    def count(n: int, one: str, many: str) -> str:
        return f"{n} {one if n == 1 else many}"

    book = [c for c in result.conflicts if c.kept_from == "book"]
    within = [c for c in result.conflicts if c.kept_from == "import"]

    summary = (
        f"added {len(result.added)}, merged {len(result.merged)} "
        f"(filled {count(result.fields_filled, 'field', 'fields')}), "
        f"skipped {count(len(result.duplicates), 'duplicate', 'duplicates')}, "
        f"{count(len(book), 'conflict', 'conflicts')} kept from the book"
    )
    if within:
        summary += f", {count(len(within), 'conflict', 'conflicts')} within the import"
    if result.invalid:
        summary += f", {len(result.invalid)} not imported"
    if result.possible:
        summary += f", {count(len(result.possible), 'possible duplicate', 'possible duplicates')}"
    lines = [summary]
    for conflict in result.conflicts:
        source = "the book" if conflict.kept_from == "book" else "the first record"
        lines.append(
            f"{conflict.origin}: {conflict.id}: kept {conflict.field} {conflict.kept!r} "
            f"from {source}, not {conflict.offered!r}"
        )
    for skipped in result.skipped:
        lines.append(f"{skipped.origin}: \"{skipped.name}\": {skipped.reason}")
    lines.extend(_possible_text(possible) for possible in result.possible)
    return lines


def _possible_text(possible: PossibleDuplicate) -> str:
    where = "in the book" if possible.other_origin is None else possible.other_origin
    return (f"{possible.origin}: \"{possible.name}\": possible duplicate of "
            f"{possible.other_id} (\"{possible.other_name}\", {where}), not merged: "
            f"{possible.reason}; merge them by hand if they are one person")
