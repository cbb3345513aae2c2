"""YAML → Book: validate the whole book and report every problem, each with file:line.

Contacts are validated one by one, so one bad contact never hides another, and
each pydantic error becomes one plain sentence (see `describe_error`).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TypeVar

from pydantic import ValidationError

from introducer.book.closest import did_you_mean
from introducer.book.compact import one_layout_each, share_alike, shared_key_lines
from introducer.book.messages import UNKNOWN_KEY, describe_error, unknown_key_hint
from introducer.book.model import Book, BrokenContact, PartialBook
from introducer.book.parallel import QuickRead, read_in_parallel
from introducer.book.schema import TOP_LEVEL_FIELDS, Contact, Me, Settings, slugify
from introducer.book.validation import validate
from introducer.book.yamlsafe import (
    LineList,
    LineMap,
    contact_label,
    kind_of,
    parse_yaml,
    read_book_bytes,
    shown,
)
from introducer.collector import collector_paused
from introducer.errors import BookError, Problem

RecordT = TypeVar("RecordT")


def load_book(path: Path) -> Book:
    """Read, validate and return the book at `path`; raise BookError listing every problem."""
    with collector_paused(keep=True):
        return _BookReader(str(path)).read(path)


def load_what_loads(path: Path) -> PartialBook:
    """The contacts of `path` that are valid, and every problem, for commands that need
    only some of the book (the ledger's); a file that is not there still raises."""
    reader = _BookReader(str(path), lenient=True)
    try:
        with collector_paused(keep=True):
            book = reader.read(path)
    except BookError as error:  # unreadable as a whole: not UTF-8, bad YAML, not a mapping
        if not path.is_file():
            raise
        return PartialBook(Book(path=path), error.problems)
    errors = tuple(p for p in reader.problems if p.severity == "error")
    return PartialBook(book, errors, tuple(reader.broken))


class _BookReader:
    """Collects problems while turning the parsed document into records."""

    def __init__(self, file: str, *, lenient: bool = False) -> None:
        self.file = file
        self.lenient = lenient  # keep the valid contacts of a book with errors
        self.problems: list[Problem] = []
        self.broken: list[BrokenContact] = []
        self._claimed: list[tuple[str, str, _Origin]] = []

    def read(self, path: Path) -> Book:
        data = read_book_bytes(path)
        quick = read_in_parallel(data, self.file)
        if quick is not None:
            book = self._book(path, quick.root, self._quick_contacts(quick))
            if not self.problems:
                return book
            # Something to report after all (a duplicate id): the usual way says it exactly.
            self.problems.clear()
            self._claimed.clear()
        document = parse_yaml(data, self.file)
        root = document.root
        if not isinstance(root, LineMap):
            self.problems.extend(document.problems)
            self._fail_on_root(root)
        self.problems.extend(_with_contacts(document.problems, root))
        return self._book(path, root, None)

    def _book(self, path: Path, root: LineMap,
              contacts_read: tuple[list[Contact], list[_Origin]] | None) -> Book:
        """The book from its document; its contacts too unless already `contacts_read`."""
        self._check_top_level_keys(root)
        me = self._section(Me, root, "me") or Me()
        settings = self._section(Settings, root, "settings") or Settings()
        contacts, origins = self._contacts(root) if contacts_read is None else contacts_read
        self._check_duplicate_ids(contacts, origins)
        if not self.lenient and any(problem.severity == "error" for problem in self.problems):
            raise BookError(sorted(self.problems, key=lambda p: p.line or 0))
        share_alike(contacts)
        starts = tuple(origin.line for origin in origins)
        if contacts_read is None:
            field_lines = shared_key_lines(starts, (origin.key_lines for origin in origins))
        else:  # read in pieces, their key lines shared in each piece as it was read
            field_lines = one_layout_each(origin.key_lines for origin in origins)
        return Book(
            path=path,
            me=me,
            settings=settings,
            contacts=tuple(contacts),
            contact_lines=starts,
            field_lines=field_lines,
            alias_lines=_alias_lines(root),
        )

    def _add(self, line: int | None, message: str, contact: str | None = None) -> None:
        self.problems.append(Problem(self.file, line, message, contact))

    def _fail_on_root(self, root: object) -> None:
        if root is None:
            self._add(1, "the book is empty; it needs at least 'contacts:' "
                         "(`introducer init` writes a starter book)")
        else:
            line = root.line if isinstance(root, LineList) else 1
            self._add(line, f"the book must be a mapping with 'contacts:' (and optionally "
                            f"'me:' and 'settings:') at the top, not {kind_of(root)}")
        raise BookError(self.problems)

    def _check_top_level_keys(self, root: LineMap) -> None:
        for key, line in root.key_lines.items():
            if key not in TOP_LEVEL_FIELDS:
                hint = did_you_mean(key, TOP_LEVEL_FIELDS)
                allowed = f"did you mean {hint!r}?" if hint else "allowed: " + ", ".join(
                    TOP_LEVEL_FIELDS
                )
                self._add(line, f"unknown top-level key {shown(key)} ({allowed})")

    def _section(self, record: type[RecordT], root: LineMap, key: str) -> RecordT | None:
        """`me:` or `settings:`; None when absent, empty or invalid."""
        raw = root.get(key)
        if raw is None:
            return None
        if not isinstance(raw, LineMap):
            self._add(root.key_lines[key], f"'{key}' must be a mapping (key: value), "
                                           f"not {kind_of(raw)}")
            return None
        return self._validate(record, raw, (key,))

    def _validate(
        self, record: type[RecordT], raw: LineMap, prefix: tuple[str, ...] = (),
        contact: str | None = None, lead: str | None = None,
    ) -> RecordT | None:
        """The record, or None after recording one problem per error (`lead` starts each)."""
        try:
            return validate(record, raw)
        except ValidationError as error:
            for detail in _relevant(record, error, raw):
                line, message = describe_error(record, raw, detail, prefix)
                self._add(line, f"{lead}: {message}" if lead else message, contact)
            return None

    def _quick_contacts(self, quick: QuickRead) -> tuple[list[Contact], list[_Origin]]:
        """The contacts read in parallel, claiming their ids as `_contacts` does."""
        contacts: list[Contact] = []
        origins: list[_Origin] = []
        for contact, line, key_lines, explicit_id in quick.contacts:
            origin = _Origin(line, key_lines, explicit_id)
            contacts.append(contact)
            origins.append(origin)
            self._claimed.append((contact.id, contact.name, origin))
        return contacts, origins

    def _contacts(self, root: LineMap) -> tuple[list[Contact], list[_Origin]]:
        raw_list = root.get("contacts")
        if raw_list is None:
            return [], []
        if not isinstance(raw_list, LineList):
            self._add(root.key_lines["contacts"], "'contacts' must be a list of contacts, "
                      f"each starting with '- name:', not {kind_of(raw_list)}")
            return [], []
        contacts: list[Contact] = []
        origins: list[_Origin] = []
        for index, raw in enumerate(raw_list):
            # Drop each raw contact once validated: a big book then never holds two copies.
            raw_list[index] = None
            if not isinstance(raw, LineMap):
                self._add(raw_list.item_lines[index], f"contact #{index + 1}: must be a mapping "
                          f"starting with 'name:', not {kind_of(raw)}")
                continue
            label = contact_label(raw.get("name"))
            lead = None if label else f"contact #{index + 1}"
            contact = self._validate(Contact, raw, contact=label, lead=lead)
            origin = _Origin(raw.line, raw.key_lines, bool(raw.get("id")))
            if contact is not None:
                contacts.append(contact)
                origins.append(origin)
                self._claimed.append((contact.id, contact.name, origin))
            else:
                # An invalid contact still claims its id, so `check` reports a clash now,
                # not after the first fix.
                claimed = _claimed_id(raw)
                if claimed is not None:
                    self._claimed.append((claimed, label or "", origin))
                self.broken.append(BrokenContact(claimed, label, raw.line))
        return contacts, origins

    def _check_duplicate_ids(self, contacts: Sequence[Contact], origins: Sequence[_Origin]) -> None:
        first_by_id: dict[str, int] = {}
        claimed = self._claimed
        for index, (contact_id, name, origin) in enumerate(claimed):
            first = first_by_id.setdefault(contact_id.casefold(), index)
            if first == index:
                continue
            _, first_name, first_origin = claimed[first]
            source = "" if origin.explicit_id else " (made from the name)"
            self._add(
                origin.key_lines.get("id", origin.line),
                f"duplicate id {shown(contact_id)}{source}: contact "
                f"\"{contact_label(first_name)}\" at line {first_origin.line} has it "
                "too; give one of them an explicit, different 'id:'",
                contact_label(name),
            )


@dataclass(frozen=True, slots=True)
class _Origin:
    """Where a validated contact came from; all that is kept of its raw YAML."""

    line: int
    key_lines: Mapping[str, int]
    explicit_id: bool


def _with_contacts(problems: Sequence[Problem], root: LineMap) -> list[Problem]:
    """YAML-level problems (duplicate keys, tags) inside a contact name that contact too."""
    contacts = root.get("contacts")
    if not problems or not isinstance(contacts, LineList) or not contacts:
        return list(problems)
    starts = contacts.item_lines
    later_keys = [line for line in root.key_lines.values() if line > root.key_lines["contacts"]]
    end = min(later_keys, default=None)
    named: list[Problem] = []
    for problem in problems:
        index = bisect_right(starts, problem.line or 0) - 1
        if index < 0 or (end is not None and (problem.line or 0) >= end):
            named.append(problem)
            continue
        raw = contacts[index]
        label = contact_label(raw.get("name")) if isinstance(raw, LineMap) else None
        message = problem.message if label else f"contact #{index + 1}: {problem.message}"
        named.append(replace(problem, message=message, contact=label))
    return named


def _relevant(record: type[Any], error: ValidationError, raw: LineMap) -> list[Any]:
    """The errors worth showing, one per mistake.

    An id made from a bad name is not a second problem; nor is a missing field
    when an unknown key beside it is its misspelling (`nam:` has no `name:`).
    """
    details = error.errors(include_url=False)
    if not raw.get("id") and any(d["loc"][:1] == ("name",) for d in details):
        details = [d for d in details if d["loc"][:1] != ("id",)]
    misspelt = {
        (tuple(d["loc"][:-1]), unknown_key_hint(record, tuple(d["loc"])))
        for d in details if d["type"] == UNKNOWN_KEY
    }
    return [
        d for d in details
        if d["type"] != "missing" or (tuple(d["loc"][:-1]), d["loc"][-1]) not in misspelt
    ]


def _alias_lines(root: LineMap) -> dict[str, int]:
    """Where each `settings.aliases` key was written, for warnings about aliases."""
    settings = root.get("settings")
    aliases = settings.get("aliases") if isinstance(settings, LineMap) else None
    return dict(aliases.key_lines) if isinstance(aliases, LineMap) else {}


def _claimed_id(raw: LineMap) -> str | None:
    """The id an invalid contact would have had, when it can be told."""
    explicit = raw.get("id")
    if isinstance(explicit, str) and explicit.strip():
        return explicit.strip()
    name = raw.get("name")
    if isinstance(name, str) and name.strip():
        return slugify(name) or name.strip()
    return None
