"""A big book's contacts read without libyaml where they are written plainly.

libyaml's events cost most of reading a big book (about 2 of 2.6 s at 100k contacts,
before any value is built), and a book in the usual layout is mostly lines of one strict
shape: `- key: text` or `  key: text`, the text plain (it starts with a letter or digit
and holds only letters, digits, spaces and `.,'&+/@_()-`, no space at its end) or a flow
list of such words (`[a, b c]`, no commas inside a word). A line of that shape means in
YAML exactly what it says: a key and the text as written, or a list of the words. So a
contact item made only of such lines is built here, as `yamlsafe`'s builder builds it
(the same `LineMap`, the keys interned, each key's line and each word's line), and any
other item (a comment, a quote, a tab, a letter outside ASCII, a duplicate key, a nested
mapping, a blank line) is handed whole to libyaml (`parse_clean`), at its own lines. An
item ends where the next begins (`- ` at the list's indent), the cut the parallel read
already makes between pieces, so libyaml reads each such item as it reads it in the book.
Held equal to libyaml on generated items, every character class at every place
(`tests/test_plainitems.py`).
"""

from __future__ import annotations

import itertools
import re
from sys import intern
from typing import Any

from introducer.book.yamlsafe import UNCLEAN, LineList, LineMap, parse_clean

_WORD = r"[A-Za-z0-9](?:[ A-Za-z0-9.&+/@_()-]*[A-Za-z0-9.&+/@_()-])?"
_TEXT = r"[A-Za-z0-9](?:[ A-Za-z0-9.,'&+/@_()-]*[A-Za-z0-9.,'&+/@_()-])?"
_KEY = r"[a-z][a-z_]*"
_PAIRS = rf"(?:{_KEY}: {_WORD}(?:, {_KEY}: {_WORD})*)?"
#: A key and its value, from the key's column to the end of the line: group 2 is plain
#: text, group 3 the inside of a flow list of words (empty for `[]`); neither, a key
#: whose value is the block list on the lines below (`key:` alone).
_LINE = re.compile(rf"({_KEY}):(?: (?:({_TEXT})|\[((?:{_WORD}(?:, {_WORD})*)?)\]))?")
#: An item of such a block list, from its `- `: plain text (group 1) or the inside of a
#: flow mapping of words (group 2).
_ENTRY = re.compile(rf"- (?:({_TEXT})|\{{({_PAIRS})\}})")
#: A whole contact written as one flow mapping of words: its inside.
_FLOW_ITEM = re.compile(rf"\{{({_PAIRS})\}}")


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
    shape = _Shape(opening + " ", indent + 2, first_line)
    for begin, end in itertools.pairwise(starts):
        item = shape.item(lines, begin, end)
        if item is None:
            item = _by_libyaml(lines, begin, end, file, first_line)
            if item is None:
                return UNCLEAN
        items.append(item)
        items.item_lines.append(item.line)
    return items


class _Shape:
    """The strict lines of one list's items: where keys start, and the first line's number."""

    def __init__(self, item_prefix: str, column: int, first_line: int) -> None:
        self.item_prefix = item_prefix
        self.key_prefix = " " * column
        self.column = column
        self.first_line = first_line

    def item(self, lines: list[str], begin: int, end: int) -> LineMap | None:
        """The item on `lines[begin:end]` if every line of it has the strict shape."""
        first_line, column = self.first_line, self.column
        line = lines[begin]
        if not line.startswith(self.item_prefix):
            return None
        at = first_line + begin
        if line[column:column + 1] == "{":
            whole = _FLOW_ITEM.fullmatch(line, column)
            return _pairs(whole[1], at) if whole is not None and end == begin + 1 else None
        item = LineMap(at)
        key_lines = item.key_lines
        match, entry, key_prefix = _LINE.fullmatch, _ENTRY.fullmatch, self.key_prefix
        listed: LineList | None = None  # the block list a `key:` line opened
        for number in range(begin, end):
            line = lines[number]
            at = first_line + number
            if listed is not None and line.startswith("- ", column):
                found = entry(line, column)
                if found is None or not line.startswith(key_prefix):
                    return None
                if found[2] is None:
                    listed.append(found[1])
                else:
                    pairs = _pairs(found[2], at)
                    if pairs is None:
                        return None
                    listed.append(pairs)
                listed.item_lines.append(at)
                continue
            if listed is not None and not listed:
                return None  # `key:` with no list below is an empty value: libyaml's
            found = match(line, column) if number == begin or line.startswith(key_prefix) \
                else None
            if found is None:
                return None
            key = intern(found[1])
            if key in key_lines:
                return None  # libyaml's reading reports it
            key_lines[key] = at
            text, words = found[2], found[3]
            if text is not None:
                item[key] = text
                listed = None
            elif words is not None:
                item[key] = listed = LineList(at)
                if words:
                    listed.extend(words.split(", "))
                    listed.item_lines.extend([at] * len(listed))
                listed = None
            else:
                item[key] = listed = LineList(at + 1)
        if listed is not None and not listed:
            return None
        return item


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


def _by_libyaml(lines: list[str], begin: int, end: int, file: str, first_line: int
                ) -> LineMap | None:
    """The item on `lines[begin:end]` as libyaml reads it, or None if it is not one clean
    mapping."""
    piece = "\n".join(lines[begin:end]) + "\n"
    found = parse_clean(piece.encode("utf-8"), file, first_line=first_line + begin, depth=1)
    if not isinstance(found, LineList) or len(found) != 1 or not isinstance(found[0], LineMap):
        return None
    item: LineMap = found[0]
    return item
