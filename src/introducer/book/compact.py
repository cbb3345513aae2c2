"""A big book held compactly: what its contacts hold alike is held once.

A million contacts cost memory in what each repeats: the set of fields pydantic
keeps per model (`__pydantic_fields_set__`, one of a few hundred combinations),
the empty lists of the fields a contact leaves out, and a mapping of its keys to
their lines (the same layout, shifted, for most contacts). Shared here, they are
shared in the cache too: pickle writes a shared object once and reads it back once.
Nothing here changes a value; the models stay frozen, and nothing mutates their lists.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence

from introducer.book.schema import Contact

_EMPTY: list[str] = []


def share_alike(contacts: Iterable[Contact]) -> None:
    """Make `contacts` hold one object for each fields set and one empty list."""
    fields_sets: dict[frozenset[str], set[str]] = {}
    for contact in contacts:
        given = contact.__pydantic_fields_set__
        shared = fields_sets.setdefault(frozenset(given), given)
        if shared is not given:
            object.__setattr__(contact, "__pydantic_fields_set__", shared)
        values = contact.__dict__
        for key, value in values.items():
            if type(value) is list and not value and value is not _EMPTY:
                values[key] = _EMPTY


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


def shared_key_lines(starts: Sequence[int], lines: Iterable[Mapping[str, int]]
              ) -> tuple[Mapping[str, int], ...]:
    """Each contact's key lines (`Book.field_lines`), relative to its start and shared."""
    layouts: dict[tuple[tuple[str, int], ...], dict[str, int]] = {}
    shared: list[Mapping[str, int]] = []
    for start, keys in zip(starts, lines, strict=True):
        offsets = tuple((key, line - start) for key, line in keys.items())
        layout = layouts.get(offsets)
        if layout is None:
            layout = layouts[offsets] = dict(offsets)
        shared.append(KeyLines(start, layout))
    return tuple(shared)
