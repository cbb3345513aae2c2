"""A big book held compactly: what its contacts hold alike is held once.

A million contacts cost memory in what each repeats: the empty lists of the fields
a contact leaves out, and a mapping of its keys to their lines (the same layout,
shifted, for most contacts). Shared here, they are shared in the cache too: pickle
writes a shared object once and reads it back once. Nothing here changes a value;
the records stay frozen, and nothing mutates their lists.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator, Mapping, Sequence

from introducer.book.schema import Contact

_EMPTY: list[str] = []


#: The list fields a contact may leave out, whose default is then an empty list.
_LISTS = tuple(item.name for item in dataclasses.fields(Contact) if item.default_factory is list)


def share_alike(contacts: Iterable[Contact]) -> None:
    """Make `contacts` hold one empty list for every list field they leave empty."""
    for contact in contacts:
        values = contact.__dict__
        for name in _LISTS:
            if not values[name]:
                values[name] = _EMPTY


class KeyLines(Mapping[str, int]):
    """Where each key of one contact was written: its first line plus a layout of offsets
    (key to lines after the first) that contacts written alike share."""

    __slots__ = ("_layout", "_start")

    def __init__(self, start: int, layout: Mapping[str, int]) -> None:
        self._start = start
        self._layout = layout

    def __getitem__(self, key: str) -> int:
        return self._start + self._layout[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._layout)

    def __len__(self) -> int:
        return len(self._layout)

    def __repr__(self) -> str:
        return repr(dict(self))

    def __reduce__(self) -> tuple[type[KeyLines], tuple[int, Mapping[str, int]]]:
        return KeyLines, (self._start, self._layout)


class KeyLayouts:
    """The layouts of key lines seen so far, so contacts written alike share one."""

    def __init__(self) -> None:
        self._layouts: dict[tuple[tuple[str, ...], tuple[int, ...]], dict[str, int]] = {}

    def key_lines(self, start: int, keys: Mapping[str, int]) -> KeyLines:
        """Where each of `keys` was written (a contact starting at `start`), shared."""
        written = (tuple(keys), tuple(map(start.__rsub__, keys.values())))  # line - start
        layout = self._layouts.get(written)
        if layout is None:
            layout = self._layouts[written] = dict(zip(*written, strict=True))
        return KeyLines(start, layout)


def one_layout_each(lines: Iterable[Mapping[str, int]]) -> tuple[Mapping[str, int], ...]:
    """Key lines read in pieces, each piece sharing layouts of its own, made to share one
    layout of each kind across the pieces, as one pass shares them (and the cache entry
    holds each once)."""
    canonical: dict[tuple[tuple[str, int], ...], Mapping[str, int]] = {}
    by_id: dict[int, Mapping[str, int]] = {}
    kept = tuple(lines)
    for keys in kept:
        if isinstance(keys, KeyLines):
            layout = keys._layout
            found = by_id.get(id(layout))
            if found is None:
                found = by_id[id(layout)] = canonical.setdefault(tuple(layout.items()), layout)
            keys._layout = found
    return kept


def shared_key_lines(starts: Sequence[int], lines: Iterable[Mapping[str, int]]
              ) -> tuple[Mapping[str, int], ...]:
    """Each contact's key lines (`Book.field_lines`), relative to its start and shared."""
    layouts = KeyLayouts()
    return tuple(layouts.key_lines(start, keys)
                 for start, keys in zip(starts, lines, strict=True))
