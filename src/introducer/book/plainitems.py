"""A big book's contacts read without libyaml where they are written plainly.

libyaml's events cost most of reading a big book (about 2 of 2.6 s of CPU at 100k
contacts, before any value is built), and a book in the usual layout is mostly lines of
a few strict shapes: `- key: text` or `  key: text`, the text plain (it starts with a
letter or digit and holds only letters, any printable beyond ASCII too, digits, spaces
and `.,'&+/@_()-`, no space at its end); a flow list of such words (`key: [a, b c]`, no
comma or quote inside a word); `key:` over a block list (`  - text`, or
`  - {key: word, key: word}`); or a whole contact as one flow mapping of words. A line
of those shapes means in YAML exactly what it says, so a contact item made only of them
is built here as `yamlsafe`'s builder builds it (the same `LineMap` and `LineList`s, the
keys interned, the line of every key and item). Any other item (a comment, a quote, a
tab, a duplicate key, a nested block mapping, a blank line) is handed to libyaml
(`parse_clean`) at its own lines, with the items next to it that are not plain either,
in one pass; when most of a piece's first items are not plain, the rest of the piece
goes with them. An item ends where the next begins (`-` at the list's indent), the cut
the parallel read already makes between pieces, so libyaml reads such an item as it
reads it in the book. A piece of the 100k book reads in about half the time. Held equal
to libyaml on generated and mutated items (`tests/test_plainitems.py`).
"""

from __future__ import annotations

import functools
import itertools
import re
from sys import intern
from typing import Any

from introducer.book.yamlsafe import UNCLEAN, LineList, LineMap, parse_clean

#: Letters beyond ASCII that YAML prints as they are: no line break (NEL, LS, PS; the
#: parallel read already leaves a book holding them to one pass), byte order mark or
#: non-character, and nothing below U+00A0 (the C1 controls).
_WIDE = "\u00a0-\u2027\u202a-\ufefe\uff00-\ufffd\U00010000-\U0010ffff"
_WORD = rf"[A-Za-z0-9{_WIDE}](?:[ A-Za-z0-9.&+/@_(){_WIDE}-]*[A-Za-z0-9.&+/@_(){_WIDE}-])?"
_TEXT = (rf"[A-Za-z0-9{_WIDE}](?:[ A-Za-z0-9.,'&+/@_(){_WIDE}-]*"
         rf"[A-Za-z0-9.,'&+/@_(){_WIDE}-])?")
_KEY = r"[a-z][a-z_]*"
_PAIRS = rf"(?:{_KEY}: {_WORD}(?:, {_KEY}: {_WORD})*)?"
#: A key and its value, after the line's indent: group 2 is plain text, group 3 the inside
#: of a flow list of words (empty for `[]`); neither, a key whose value is the block list
#: on the lines below (`key:` alone).
_LINE = rf"({_KEY}):(?: (?:({_TEXT})|\[((?:{_WORD}(?:, {_WORD})*)?)\]))?"
#: An item of such a block list, after its `- `: plain text (group 1) or the inside of a
#: flow mapping of words (group 2).
_ENTRY = rf"(?:({_TEXT})|\{{({_PAIRS})\}})"
#: A whole contact written as one flow mapping of words: its inside.
_FLOW_ITEM = rf"\{{({_PAIRS})\}}"


#: Items tried before the strict reading is given up on a piece, unless most were plain.
_TRIAL = 64


def read_items(text: str, file: str, *, first_line: int, indent: int) -> Any:
    """The block list of contact items `text` holds (it starts with an item at `indent`,
    on line `first_line`), as `parse_clean(..., depth=1)` builds it; or `UNCLEAN`."""
    lines = text.split("\n")
    if lines and not lines[-1]:
        lines.pop()  # the line break ending the text starts no line
    opening = " " * indent + "-"
    starts = [number for number, line in enumerate(lines)
              if line.startswith(opening) and line[indent + 1:indent + 2] in ("", " ", "\t")]
    if not starts or starts[0] != 0:
        return UNCLEAN
    starts.append(len(lines))
    items = LineList(first_line)
    shape = _shape(indent)
    left: list[int] = []  # the first lines of the items left to libyaml, not yet read
    tried = plain = 0
    for begin, end in itertools.pairwise(starts):
        # A book written otherwise (a comment ending every contact) is not tried item by
        # item for long: what the strict reading built of an item before it failed is lost.
        item = (shape.item(lines, begin, end, first_line + begin)
                if tried < _TRIAL or 2 * plain > tried else None)
        tried += 1
        if item is None:
            left.append(begin)
            continue
        plain += 1
        if left and not _by_libyaml(items, lines, left, begin, file, first_line):
            return UNCLEAN
        items.append(item)
        items.item_lines.append(item.line)
    if left and not _by_libyaml(items, lines, left, len(lines), file, first_line):
        return UNCLEAN
    return items


@functools.cache
def _shape(indent: int) -> _Shape:
    return _Shape(indent)


class _Shape:
    """The strict lines of the items of a list at `indent`, each pattern from the line's
    start (its indent and `- ` included)."""

    def __init__(self, indent: int) -> None:
        lead, keys = " " * indent, " " * (indent + 2)
        self.first = re.compile(f"{lead}- {_LINE}").fullmatch
        self.flow = re.compile(f"{lead}- {_FLOW_ITEM}").fullmatch
        self.key = re.compile(f"{keys}{_LINE}").fullmatch
        self.entry = re.compile(f"{keys}- {_ENTRY}").fullmatch

    def item(self, lines: list[str], begin: int, end: int, at: int) -> LineMap | None:
        """The item on `lines[begin:end]` (the first on line `at`) if every line of it has
        the strict shape, else None."""
        found = self.first(lines[begin])
        if found is None:
            whole = self.flow(lines[begin]) if end == begin + 1 else None
            return _pairs(whole[1], at) if whole is not None else None
        item = LineMap(at)
        key_lines = item.key_lines
        listed: LineList | None = None  # the block list the last `key:` line opened
        key_line, entry = self.key, self.entry
        number = begin
        while True:
            if found is not None:
                if listed is not None and not listed:
                    return None  # `key:` with no list below is an empty value: libyaml's
                listed = None
                key, text, words = found.groups()
                key = intern(key)
                if key in key_lines:
                    return None  # libyaml's reading reports it
                key_lines[key] = at
                if text is not None:
                    item[key] = text
                elif words is None:
                    item[key] = listed = LineList(at + 1)
                else:
                    written = item[key] = LineList(at)
                    if words:
                        written.extend(words.split(", "))
                        written.item_lines.extend([at] * len(written))
            else:
                found_entry = entry(lines[number]) if listed is not None else None
                if found_entry is None or listed is None:
                    return None
                text, inside = found_entry.groups()
                value = text if text is not None else _pairs(inside, at)
                if value is None:
                    return None
                listed.append(value)
                listed.item_lines.append(at)
            number += 1
            if number == end:
                return None if listed is not None and not listed else item
            at += 1
            found = key_line(lines[number])


def _pairs(inside: str, at: int) -> LineMap | None:
    """The flow mapping of words `{inside}` on line `at`, or None if a key repeats."""
    pairs = LineMap(at)
    if not inside:
        return pairs
    key_lines = pairs.key_lines
    for written in inside.split(", "):
        key, _, value = written.partition(": ")
        key = intern(key)
        if key in key_lines:
            return None
        key_lines[key] = at
        pairs[key] = value
    return pairs


def _by_libyaml(items: LineList, lines: list[str], left: list[int], end: int, file: str,
                first_line: int) -> bool:
    """Add to `items` the run of items starting on `left` (and ending before `end`) as
    libyaml reads them, in one pass; False unless they are as many clean mappings."""
    piece = "\n".join(lines[left[0]:end]) + "\n"
    found = parse_clean(piece.encode("utf-8"), file, first_line=first_line + left[0], depth=1)
    if not isinstance(found, LineList) or len(found) != len(left) or not all(
            isinstance(item, LineMap) for item in found):
        return False
    items.extend(found)
    items.item_lines.extend(item.line for item in found)
    left.clear()
    return True
