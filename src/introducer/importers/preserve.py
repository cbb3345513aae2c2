"""A merge written into the user's own text: their book as written, plus what the import adds.

The book is edited by hand for years, so a merge must be reviewable as a small
diff: ruamel.yaml parses it round-trip (comments, blank lines, key order, flow
lists and quoting are kept as written), the new contacts are appended to
`contacts:` and the fields an import filled are set in place. Only this module
uses ruamel.yaml: it is several times slower than libyaml's C parser, which
every other command keeps using to read the book.

ruamel.yaml writes one indentation for the whole file; a book indented
inconsistently comes back re-indented in places, and `reformatted` lists those
lines so the user is told rather than surprised.
"""

from __future__ import annotations

import difflib
import io
from collections.abc import Sequence
from dataclasses import dataclass
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


@dataclass(frozen=True, slots=True)
class MergedText:
    """The merged book's text, and the original lines (from 1) it could not keep as written."""

    text: str
    reformatted: tuple[int, ...] = ()


def merged_book_text(original: str, book: Book, result: MergeResult, source: str) -> MergedText:
    """`original` (the text of `book`) with `result`'s filled fields and new contacts.

    A byte order mark and CRLF line ends (which ruamel.yaml drops) are put back."""
    bom = "\ufeff" if original.startswith("\ufeff") else ""
    crlf = "\r\n" in original
    source_text = original.removeprefix(bom).replace("\r\n", "\n") if bom or crlf else original
    edited = _edit(source_text, book, result, source)
    text = edited.text.replace("\n", "\r\n") if crlf else edited.text
    return MergedText(bom + text, edited.reformatted)


def _edit(original: str, book: Book, result: MergeResult, source: str) -> MergedText:
    editor = _editor()
    try:
        document = editor.load(original)
    except YAMLError as error:  # libyaml read it, so this is a ruamel.yaml limit
        raise IntroducerError(f"{book.path}: cannot edit this book in place ({error}); "
                              "import without --into and merge by hand") from None
    if not isinstance(document, CommentedMap):
        raise IntroducerError(f"{book.path}: the book is not a mapping with 'contacts:'")
    _match_indentation(editor, document)
    items = _contact_list(document)
    by_id = {contact.id: contact for contact in result.contacts}
    position = {contact.id: index for index, contact in enumerate(book.contacts)}
    for merged in result.merged:
        if merged.filled:
            data = contact_data(by_id[merged.id])
            _set_fields(items[position[merged.id]], {f: data[f] for f in merged.filled})
    added = [contact_data(by_id[new_id]) for new_id in result.added]
    if added:
        _append(items, added, source, blank_between=_blank_between(original, book))
    stream = io.StringIO()
    editor.dump(document, stream)
    text = stream.getvalue()
    return MergedText(text, _changed_lines(original, text, book, result))


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
    """Whether the book leaves a blank line before each contact (the second one tells)."""
    if len(book.contact_lines) < 2:
        return True
    lines = original.splitlines()
    before = book.contact_lines[1] - 2
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


def _changed_lines(original: str, text: str, book: Book, result: MergeResult) -> tuple[int, ...]:
    """Lines of `original` that changed other than the values the merge replaced."""
    before, after = original.splitlines(), text.splitlines()
    expected: set[int] = set()
    position = {contact.id: index for index, contact in enumerate(book.contacts)}
    for merged in result.merged:
        index = position[merged.id]
        lines = book.field_lines[index]
        ends = sorted({*lines.values(), *book.contact_lines[index + 1:index + 2],
                       len(before) + 1})
        for key in merged.filled:
            start = lines.get(key)
            if start is not None:  # the value's lines: up to the next key or contact
                expected.update(range(start, min(e for e in ends if e > start)))
    changed: list[int] = []
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for tag, start, end, _, _ in matcher.get_opcodes():
        if tag in ("replace", "delete"):
            changed.extend(n + 1 for n in range(start, end) if n + 1 not in expected)
    if original.endswith("\n") != text.endswith("\n"):
        changed.append(len(before))
    return tuple(changed)
