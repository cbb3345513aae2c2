"""A merge written into the user's own text: their book as written, plus what the import adds.

The book is edited by hand for years, so a merge must be reviewable as a small
diff. Only the contacts the merge touches are re-written: each one's lines
(and, for new contacts, the last one's) go through ruamel.yaml's round trip,
which keeps comments, blank lines, key order, flow lists and quoting; filled
fields are set in place, new contacts appended after the last; every other
byte of the file is copied as it was. So the cost is that of the contacts
edited, not of the book: ruamel.yaml is pure Python, far slower than the
libyaml C parser every command keeps using to read the book. A book whose
contacts are not a block list (`contacts: [...]`) is round-tripped whole.

Where ruamel.yaml cannot write an edited contact's untouched lines exactly as
they were (an unusual indentation), `reformatted` names them, so the user is
told rather than surprised.
"""

from __future__ import annotations

import difflib
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark, YAMLError
from ruamel.yaml.scalarstring import LiteralScalarString, SingleQuotedScalarString
from ruamel.yaml.tokens import CommentToken

from introducer.book.model import Book
from introducer.errors import IntroducerError
from introducer.importers.merge import MergeResult
from introducer.importers.write import contact_data

_RESOLVER = yaml.resolver.Resolver()
_STR_TAG = "tag:yaml.org,2002:str"
#: Line breaks YAML counts besides `\n`; with one of them, line numbers are not `\n`s.
_OTHER_BREAKS = re.compile("[\r\x85\u2028\u2029]")
_ITEM_START = re.compile(r"[ ]*-[ ]")
_FLOW_ITEM = re.compile(r"[ ]*-[ ]+\{")
#: A line that ends the contacts list: a top-level key or document marker at column 0.
_TOP_LEVEL = re.compile(r"[^\s#-]|---|\.\.\.")
_WRAPPER = "contacts:\n"


@dataclass(frozen=True, slots=True)
class MergedText:
    """The merged book's text, and the original lines (from 1) it could not keep as written."""

    text: str
    reformatted: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class _Edits:
    """What the merge changes: fields per contact (by book index), contacts to append."""

    fields: dict[int, dict[str, Any]]
    added: list[dict[str, Any]]
    source: str
    blank_between: bool


def merged_book_text(original: str, book: Book, result: MergeResult, source: str) -> MergedText:
    """`original` (the text of `book`) with `result`'s filled fields and new contacts.

    A byte order mark and CRLF line ends (which ruamel.yaml drops) are put back."""
    bom = "\ufeff" if original.startswith("\ufeff") else ""
    crlf = "\r\n" in original
    text = original.removeprefix(bom).replace("\r\n", "\n") if bom or crlf else original
    edits = _edits(text, book, result, source)
    edited = _edit_contacts(text, book, edits)
    if edited is None:
        edited = _edit_document(text, book, edits)
    out = edited.text.replace("\n", "\r\n") if crlf else edited.text
    return MergedText(bom + out, edited.reformatted)


def _edits(text: str, book: Book, result: MergeResult, source: str) -> _Edits:
    by_id = {contact.id: contact for contact in result.contacts}
    position = {contact.id: index for index, contact in enumerate(book.contacts)}
    fields: dict[int, dict[str, Any]] = {}
    for merged in result.merged:  # one contact may be merged with several records
        if merged.filled:
            data = contact_data(by_id[merged.id])
            filled = fields.setdefault(position[merged.id], {})
            filled.update({f: data[f] for f in merged.filled})
    added = [contact_data(by_id[new_id]) for new_id in result.added]
    return _Edits(fields, added, source, _blank_between(text, book))


def _edit_contacts(text: str, book: Book, edits: _Edits) -> MergedText | None:
    """Only the edited contacts' lines re-written; None when the book's layout does not
    allow it (no contacts yet, a flow list, line breaks other than `\n`, an alias to an
    anchor outside the contact)."""
    lines = text.split("\n")
    starts = list(book.contact_lines)
    if not starts or _OTHER_BREAKS.search(text) or not all(
            0 < start <= len(lines) and _ITEM_START.match(lines[start - 1]) for start in starts):
        return None
    ends = [*starts[1:], _list_end(lines, starts[-1])]
    touched = sorted({*edits.fields, *([len(starts) - 1] if edits.added else [])})
    pieces: list[str] = []
    reformatted: list[int] = []
    done = 0  # lines (0-based) copied so far
    for index in touched:
        first, stop = starts[index] - 1, ends[index] - 1
        block = "".join(line + "\n" for line in lines[first:stop])
        fields = {0: edits.fields[index]} if index in edits.fields else {}
        added = edits.added if index == len(starts) - 1 else []
        try:
            new = _edit_fragment(block, book, fields, replace(edits, added=added))
        except IntroducerError:  # e.g. an alias to an anchor in another contact
            return None
        pieces.append("".join(line + "\n" for line in lines[done:first]))
        pieces.append(new)
        expected = _value_lines(book, index, ends[index], edits.fields.get(index, {}))
        if _FLOW_ITEM.match(lines[first]) and index in edits.fields:
            expected.update(range(first + 1, stop + 1))  # `- {name: ...}` changes as a whole
        reformatted.extend(n + first for n in _changed_lines(block, new, {
            line - first for line in expected}))
        done = stop
    pieces.append("\n".join(lines[done:]))
    return MergedText("".join(pieces), tuple(reformatted))


def _list_end(lines: list[str], last_start: int) -> int:
    """The line (from 1) after the last contact's: the next top-level key, or the end."""
    for number in range(last_start, len(lines)):
        if _TOP_LEVEL.match(lines[number]):
            return number + 1
    return len(lines) if not lines[-1] else len(lines) + 1  # a last line without its newline


def _edit_fragment(block: str, book: Book, fields: dict[int, dict[str, Any]],
                   edits: _Edits) -> str:
    """One contact's lines (and the new contacts after them), edited as a one-item list."""
    editor = _editor()
    document = _load(editor, _WRAPPER + block, book)
    _match_indentation(editor, document)
    _apply(_contact_list(document), fields, edits)
    stream = io.StringIO()
    editor.dump(document, stream)
    return stream.getvalue().removeprefix(_WRAPPER)


def _edit_document(text: str, book: Book, edits: _Edits) -> MergedText:
    """The whole book through the round trip, for layouts the contact-wise edit cannot take."""
    editor = _editor()
    document = _load(editor, text, book)
    _match_indentation(editor, document)
    _apply(_contact_list(document), edits.fields, edits)
    stream = io.StringIO()
    editor.dump(document, stream)
    out = stream.getvalue()
    ends = [*book.contact_lines[1:], len(text.split("\n")) + 1]
    expected = {line for index, values in edits.fields.items()
                for line in _value_lines(book, index, ends[index], values)}
    return MergedText(out, tuple(_changed_lines(text, out, expected)))


def _load(editor: YAML, text: str, book: Book) -> CommentedMap:
    try:
        document = editor.load(text)
    except YAMLError as error:  # libyaml read it, so this is a ruamel.yaml limit
        raise IntroducerError(f"{book.path}: cannot edit this book in place ({error}); "
                              "import without --into and merge by hand") from None
    if not isinstance(document, CommentedMap):
        raise IntroducerError(f"{book.path}: the book is not a mapping with 'contacts:'")
    return document


def _apply(items: CommentedSeq, fields: dict[int, dict[str, Any]], edits: _Edits) -> None:
    for index, values in fields.items():
        _set_fields(items[index], values)
    if edits.added:
        _append(items, edits.added, edits.source, blank_between=edits.blank_between)


def _editor() -> YAML:
    editor = YAML(typ="rt")
    editor.preserve_quotes = True
    editor.width = 1_000_000  # never fold a long line the user wrote on one
    return editor


def _match_indentation(editor: YAML, document: CommentedMap) -> None:
    """Indent as the book does: mapping steps from `me:`/`settings:`, the dash and key
    columns from the first contact."""
    mapping = 2
    for key in document:
        value = document[key]
        if isinstance(value, CommentedMap) and value and not value.fa.flow_style():
            mapping = max(1, value.lc.col - document.lc.col)
            break
    items = document.get("contacts")
    if isinstance(items, CommentedSeq) and items and isinstance(items[0], CommentedMap):
        offset = max(0, items.lc.col - document.lc.col)
        sequence = max(offset + 2, items[0].lc.col - document.lc.col)
        editor.indent(mapping=mapping, sequence=sequence, offset=offset)
    else:
        editor.indent(mapping=mapping, sequence=mapping + 2, offset=mapping)


def _contact_list(document: CommentedMap) -> CommentedSeq:
    items = document.get("contacts")
    if isinstance(items, CommentedSeq) and (len(items) or not items.fa.flow_style()):
        return items
    fresh = CommentedSeq()  # `contacts:` empty or `[]`: the new ones go in a block list
    document["contacts"] = fresh
    return fresh


def _set_fields(contact: CommentedMap, fields: dict[str, Any]) -> None:
    """Each field set where the key is, new keys after the contact's last one (before the
    blank lines and comments that follow it, which belong to the next contact)."""
    tail = _take_tail(contact)
    for key, value in fields.items():
        kept = contact.get(key)
        if isinstance(kept, CommentedSeq) and isinstance(value, list) and (
                list(kept) == value[: len(kept)]):
            kept.extend(_node(item) for item in value[len(kept):])  # its style and comments stay
        else:
            contact[key] = _node(value)
    _put_tail(contact, tail)


def _append(items: CommentedSeq, added: Sequence[dict[str, Any]], source: str, *,
            blank_between: bool) -> None:
    """The new contacts after the last one, the batch introduced by a comment naming the
    source; what followed the last contact (trailing comments) still ends the list."""
    tail = _take_tail(items) if len(items) else ""
    column = items.lc.col if len(items) else 0
    gap = "\n" if blank_between and len(items) else ""
    intro = f"{gap}{' ' * column}# Imported from {' '.join(source.split())} by introducer import.\n"
    for number, data in enumerate(added):
        if len(items):
            _put_tail(items, intro if number == 0 else gap)
        elif number == 0:
            items.yaml_set_start_comment(intro.lstrip("\n"), indent=column)
        items.append(CommentedMap((key, _node(value)) for key, value in data.items()))
    _put_tail(items, tail)


def _blank_between(original: str, book: Book) -> bool:
    """Whether the book leaves a blank line before each contact (the second one tells,
    looking past the comments just above it)."""
    if len(book.contact_lines) < 2:
        return True
    lines = original.split("\n")
    before = book.contact_lines[1] - 2
    while 0 <= before < len(lines) and lines[before].lstrip().startswith("#"):
        before -= 1
    return 0 <= before < len(lines) and not lines[before].strip()


def _node(value: Any) -> Any:
    """A value as the book writes it: lists of words on one line, text quoted where a
    YAML 1.1 reader (libyaml, as the loader uses) would take it for something else."""
    if isinstance(value, list):
        seq = CommentedSeq(_node(item) for item in value)
        seq.fa.set_flow_style()
        return seq
    if isinstance(value, dict):
        flow = CommentedMap((key, _node(item)) for key, item in value.items())
        flow.fa.set_flow_style()
        return flow
    if isinstance(value, str):
        if "\n" in value:
            return LiteralScalarString(value)
        if _RESOLVER.resolve(yaml.ScalarNode, value, (True, False)) != _STR_TAG:  # type: ignore[no-untyped-call]
            return SingleQuotedScalarString(value)
    return value


# ── what follows a node's last line ─────────────────────────────────────────
# ruamel.yaml keeps the comments and blank lines after a line with the node that ends
# on it, so a key or item added after that node would land below them.

def _last_slot(node: Any) -> tuple[list[Any], int] | None:
    """The comment slot holding what follows `node`'s last line (None: no block content)."""
    if isinstance(node, CommentedMap) and node and not node.fa.flow_style():
        key = next(reversed(node))
        inner = _last_slot(node[key])
        if inner is not None:
            return inner
        return node.ca.items.setdefault(key, [None, None, None, None]), 2
    if isinstance(node, CommentedSeq) and node and not node.fa.flow_style():
        index = len(node) - 1
        inner = _last_slot(node[index])
        if inner is not None:
            return inner
        return node.ca.items.setdefault(index, [None, None, None, None]), 0
    return None


def _take_tail(node: Any) -> str:
    """Detach the lines after `node`'s last one (its end-of-line comment stays)."""
    slot = _last_slot(node)
    token = slot[0][slot[1]] if slot else None
    if not isinstance(token, CommentToken):
        return ""
    end = token.value.find("\n")
    if end < 0:
        return ""
    tail: str = token.value[end + 1:]
    token.value = token.value[: end + 1]
    return tail


def _put_tail(node: Any, tail: str) -> None:
    """Put `tail` (whole lines) after `node`'s last line."""
    slot = _last_slot(node)
    if not tail or slot is None:
        return
    holder, index = slot
    token = holder[index]
    if isinstance(token, CommentToken):
        token.value = (token.value if token.value.endswith("\n") else token.value + "\n") + tail
    else:
        holder[index] = CommentToken("\n" + tail, CommentMark(0), None)


def _value_lines(book: Book, index: int, end: int, keys: Sequence[str] | dict[str, Any]
                 ) -> set[int]:
    """The lines (from 1) of the `keys` values the merge replaces in contact `index`: from
    the key to the next key, or to `end` (the line after the contact)."""
    lines = book.field_lines[index]
    marks = sorted({*lines.values(), end})
    return {n for key in keys if (start := lines.get(key)) is not None
            for n in range(start, min(m for m in marks if m > start))}


def _changed_lines(before: str, after: str, expected: set[int]) -> list[int]:
    """Lines (from 1) of `before` that are not in `after` as they were, other than `expected`
    (the values the merge replaced)."""
    old, new = before.split("\n"), after.split("\n")
    changed: list[int] = []
    for tag, start, end, _, _ in difflib.SequenceMatcher(None, old, new).get_opcodes():
        if tag in ("replace", "delete"):
            changed.extend(n + 1 for n in range(start, end) if n + 1 not in expected)
    return changed
