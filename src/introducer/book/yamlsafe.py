"""Safe, fast YAML reading for the contact book, keeping line numbers.

The YAML event stream (libyaml's C parser when available) is turned straight
into plain dicts, lists and strings, without PyYAML's node tree: the tree costs
about 2 KB per contact, which a 100k-contact book cannot afford. Along the way:

* every scalar stays a string, so `NO`, `01234` and `2026-10-02` arrive as
  written and the validators (`validation.py`) decide what they mean; a plain empty value
  or `~` is None (a quoted `""` is the empty string);
* only core tags are allowed; anything else (`!!python/...`, `!foo`) is refused;
* duplicate keys are refused, naming both lines;
* aliases share the anchored value instead of copying it, and their expanded
  size is memoised per anchor, so a "billion laughs" file is refused after a
  handful of events; recursive aliases are refused;
* mappings and lists remember their own line and the line of each key or item.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from sys import intern
from typing import Any

import yaml
from yaml import events

from introducer.book.names import ALLOWED_FORMAT
from introducer.collector import collector_paused
from introducer.errors import BookError, Problem
from introducer.fileio import read_without_blocking

_CORE = "tag:yaml.org,2002:"
_STR_TAGS = frozenset({"!", _CORE + "str", _CORE + "int", _CORE + "float", _CORE + "bool"})
_NULL_TAG = _CORE + "null"
_MAP_TAGS = frozenset({"!", _CORE + "map"})
_SEQ_TAGS = frozenset({"!", _CORE + "seq"})
_MERGE_KEY = "<<"

#: Aliases may add this many nodes, plus two per byte read so far, to the document.
ALIAS_NODE_ALLOWANCE = 100_000
#: Deeper nesting than this is certainly not a contact book.
MAX_DEPTH = 100


class LineMap(dict[str, Any]):
    """A YAML mapping that remembers its line and the line of each key (from 1)."""

    __slots__ = ("key_lines", "line")

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line
        self.key_lines: dict[str, int] = {}


class LineList(list[Any]):
    """A YAML sequence that remembers its line and the line of each item (from 1)."""

    __slots__ = ("item_lines", "line")

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line
        self.item_lines: list[int] = []


@dataclass(frozen=True, slots=True)
class YamlDocument:
    """A parsed document and the problems that did not stop parsing.

    Callers must treat a non-empty `problems` as a failed read; it is returned
    rather than raised so a loader can add its own findings and report all at once.
    """

    root: Any
    problems: tuple[Problem, ...] = ()


class _FatalError(Exception):
    """Stops parsing; carries a line (from 1) and a message."""

    def __init__(self, line: int | None, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def read_yaml(path: Path) -> YamlDocument:
    """Read and parse a YAML file; raise BookError when it cannot be read at all."""
    return parse_yaml(read_book_bytes(path), str(path))


def read_book_bytes(path: Path) -> bytes:
    """The file's bytes; BookError (one problem naming the file) when it cannot be read."""
    file = str(path)
    try:
        return read_without_blocking(path)
    except FileNotFoundError:
        raise BookError([Problem(file, None, "no such file")]) from None
    except IsADirectoryError:
        raise BookError([Problem(file, None, "is a directory, not a YAML file")]) from None
    except PermissionError:
        raise BookError([Problem(file, None, "permission denied")]) from None
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise BookError([Problem(file, None, f"cannot be read: {reason}")]) from None


def parse_yaml(data: bytes, file: str) -> YamlDocument:
    """Parse one YAML document from UTF-8 bytes; `file` only labels the problems."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            line, message = 1, "is UTF-16 text; save it as UTF-8"
        else:
            message = f"is not UTF-8 text (byte 0x{data[error.start]:02x}); save it as UTF-8"
        raise BookError([Problem(file, line, message)]) from None
    builder = _Builder(file)
    try:
        with collector_paused():
            root = builder.build(_make_parser(data).get_event)
    except _FatalError as fatal:
        stop = Problem(file, fatal.line, fatal.message)
    except yaml.MarkedYAMLError as error:
        stop = _syntax_problem(file, error, text)
    except yaml.reader.ReaderError as error:
        line = data.count(b"\n", 0, max(error.position, 0)) + 1
        message = f"YAML does not allow character #x{error.character:04x} here ({error.reason})"
        stop = Problem(file, line, message)
    except yaml.YAMLError:  # any other complaint; its text may quote the input, so not shown
        stop = Problem(file, None, "invalid YAML")
    else:
        return YamlDocument(root, tuple(builder.problems))
    raise BookError(_with_contacts_from_text([*builder.problems, stop], text))


def parse_clean(data: bytes, file: str, *, first_line: int = 1, depth: int = 0) -> Any:
    """A piece of a document (`first_line` is its first line, `depth` how deeply it is
    nested), built as `parse_yaml` builds it; or `UNCLEAN` if there is anything at all
    to report, or an alias (whose limits count over the whole document), for the caller
    to read the whole document the usual way."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return UNCLEAN
    builder = _Builder(file, first_line=first_line, depth=depth)
    try:
        with collector_paused():
            root = builder.build(_make_parser(data).get_event)
    except (_FatalError, yaml.YAMLError):
        return UNCLEAN
    return UNCLEAN if builder.problems or builder.aliases else root


#: What `parse_clean` returns for a piece that must be read the usual way.
UNCLEAN: Any = object()


def _with_contacts_from_text(problems: list[Problem], text: str) -> list[Problem]:
    """Name the contact each problem is in, for a document that could not be built."""
    labels = contacts_by_line(text)
    return [
        # A problem past the last line (an unclosed `[`) is in the last contact, if any.
        replace(problem, contact=labels[min(problem.line, len(labels)) - 1])
        if problem.contact is None and problem.line and labels else problem
        for problem in problems
    ]


def _make_parser(data: bytes) -> Any:
    """libyaml's C parser; the pure-Python one only when PyYAML was built without it."""
    if yaml.__with_libyaml__:
        from yaml._yaml import CParser

        return CParser(data)
    return _PythonParser(data)


class _PythonParser(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser):
    """PyYAML's own parser, event for event the same as libyaml's (only slower)."""

    def __init__(self, stream: bytes) -> None:
        yaml.reader.Reader.__init__(self, stream)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)


def _syntax_problem(file: str, error: yaml.MarkedYAMLError, text: str) -> Problem:
    mark = error.problem_mark or error.context_mark
    line = None if mark is None else mark.line + 1
    if mark is not None and _tab_at(text, mark.line, mark.column):
        return Problem(file, line, "YAML syntax error: a tab character; YAML indents with "
                                   "spaces, never tabs (set your editor to insert spaces)")
    message = f"YAML syntax error: {error.problem or 'invalid YAML'}"
    if error.context and error.context_mark is not None:
        message += f" ({error.context} started at line {error.context_mark.line + 1})"
    return Problem(file, line, message)


def _tab_at(text: str, line: int, column: int) -> bool:
    """Whether the parser stopped at (or in the indentation before) a tab."""
    lines = text.splitlines()
    if not 0 <= line < len(lines):
        return False
    before = lines[line][: column + 1]
    return before[-1:] == "\t" or "\t" in before[: len(before) - len(before.lstrip(" \t-"))]


def _tag_message(tag: str) -> str:
    """Names the kind of tag, never the tag itself (it may be hostile)."""
    if tag.startswith("tag:yaml.org,2002:python/"):
        return "Python tags are not allowed in a contact book"
    return "YAML tags other than the core ones (!!str, !!int, ...) are not allowed"


class _Builder:
    """Turns parser events into LineMap / LineList / str / None, one event at a time."""

    def __init__(self, file: str, *, first_line: int = 1, depth: int = 0) -> None:
        self.file = file
        self.problems: list[Problem] = []
        self.first_line = first_line  # of the text parsed: a piece of a book starts later
        self.depth = depth  # containers the text is inside
        self.aliases = 0  # values taken from aliases

    def _problem(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.file, line, message))

    def _check_tag(self, tag: str, allowed: frozenset[str], line: int) -> None:
        if tag not in allowed:
            self._problem(line, _tag_message(tag))

    def build(self, next_event: Callable[[], Any]) -> Any:
        """The whole document; the loop is flat and local-heavy because it runs per event."""
        scalar_event, alias_event = events.ScalarEvent, events.AliasEvent
        map_start, seq_start = events.MappingStartEvent, events.SequenceStartEvent
        map_end, seq_end = events.MappingEndEvent, events.SequenceEndEvent
        doc_start, stream_end = events.DocumentStartEvent, events.StreamEndEvent
        no_key = _NO_KEY
        anchors: dict[str, tuple[Any, int]] = {}
        open_anchors: dict[str, int] = {}
        aliased = 0
        documents = 0

        # The open container and its state live in locals; enclosing ones on `stack`
        # (a piece of a book starts inside containers it does not see).
        stack: list[tuple[Any, bool, Any, int, str | None, list[Any] | None]] = [
            (None, False, no_key, 0, None, None)
        ] * self.depth
        base = self.first_line
        container: Any = None
        is_map = False
        key: Any = no_key
        size = 0
        anchor: str | None = None
        merges: list[Any] | None = None
        root: Any = None

        while True:
            event = next_event()
            kind = event.__class__
            if kind is scalar_event:
                value = event.value
                if event.implicit[0]:  # plain and untagged: the common case
                    if not value or value == "~":
                        value = None
                elif (tag := event.tag) is not None:
                    if tag == _NULL_TAG:
                        value = None
                    else:
                        self._check_tag(tag, _STR_TAGS, event.start_mark.line + base)
                if event.anchor is not None:
                    anchors[event.anchor] = (value, 1)
                node_size = 1
            elif kind is alias_event:
                name = event.anchor
                line = event.start_mark.line + base
                if name in open_anchors:
                    raise _FatalError(line, f"alias refers to its own enclosing node (anchor "
                                      f"at line {open_anchors[name]}); recursive aliases are "
                                      "not allowed")
                if name not in anchors:
                    raise _FatalError(line, "alias to an anchor that is not defined before it")
                value, node_size = anchors[name]
                aliased += node_size
                self.aliases = aliased
                if aliased > ALIAS_NODE_ALLOWANCE + 2 * event.start_mark.index:
                    raise _FatalError(line, "aliases expand to too many values (a YAML "
                                      "'billion laughs' file?); refusing to read it")
            elif kind is map_start or kind is seq_start:
                line = event.start_mark.line + base
                if is_map and key is no_key:
                    raise _FatalError(line, "a key must be plain text, not a list or mapping")
                if len(stack) >= MAX_DEPTH:
                    raise _FatalError(line, f"nested more than {MAX_DEPTH} levels deep")
                if event.tag is not None:
                    self._check_tag(event.tag, _MAP_TAGS if kind is map_start else _SEQ_TAGS,
                                    line)
                stack.append((container, is_map, key, size, anchor, merges))
                is_map = kind is map_start
                container = LineMap(line) if is_map else LineList(line)
                key, size, merges = no_key, 1, None
                anchor = event.anchor
                if anchor is not None:
                    open_anchors[anchor] = line
                continue
            elif kind is map_end or kind is seq_end:
                value, node_size = container, size
                if merges is not None:
                    _apply_merges(container, merges)
                if anchor is not None:
                    open_anchors.pop(anchor, None)
                    anchors[anchor] = (value, node_size)
                container, is_map, key, size, anchor, merges = stack.pop()
            elif kind is stream_end:
                return root
            elif kind is doc_start:
                documents += 1
                if documents > 1:
                    raise _FatalError(event.start_mark.line + base, "more than one YAML "
                                      "document ('---') in the file; a book is one document")
                continue
            else:  # stream start, document end
                continue

            # Place the finished value (scalar, alias or container) in its parent.
            if container is None:
                root = value
            elif is_map:
                if key is no_key:
                    line = event.start_mark.line + base
                    if value.__class__ is not str:
                        raise _FatalError(line, "a key must be plain text, not empty or a list")
                    value = intern(value)  # a book repeats the same few keys 100k times
                    first = container.key_lines.get(value)
                    if first is not None:
                        self._problem(line, f"duplicate key {shown(value)} "
                                            f"(first at line {first})")
                    else:
                        container.key_lines[value] = line
                    key = value
                    if value == _MERGE_KEY and kind is scalar_event and event.implicit[0]:
                        key = _PLAIN_MERGE_KEY  # only a plain `<<` merges; '<<' is a key
                    continue
                if key is _PLAIN_MERGE_KEY:
                    if kind is scalar_event:  # `<<: text` is an ordinary key and value
                        container[_MERGE_KEY] = value
                    else:
                        merges = [] if merges is None else merges
                        merges.append(value)
                        container.pop(_MERGE_KEY, None)
                        container.key_lines.pop(_MERGE_KEY, None)
                else:
                    container[key] = value
                key = no_key
                size += node_size
            else:
                container.append(value)
                container.item_lines.append(
                    value.line if kind is map_end or kind is seq_end
                    else event.start_mark.line + base
                )
                size += node_size


_NO_KEY = object()
# A plain (unquoted, untagged) `<<` key, the only one YAML reads as a merge.
_PLAIN_MERGE_KEY = object()


def _apply_merges(target: LineMap, sources: list[Any]) -> None:
    """YAML merge keys (`<<: *defaults`): keys written in `target` win, then earlier sources."""
    flat: list[Any] = []
    for source in sources:
        flat.extend(source if isinstance(source, LineList) else [source])
    for source in flat:
        if not isinstance(source, LineMap):
            raise _FatalError(target.line, "'<<' merges only mappings (`<<: *anchor`)")
        for key, value in source.items():
            if key not in target:
                target[key] = value
                target.key_lines[key] = source.key_lines[key]


_LABEL_LIMIT = 40


def contact_label(raw_name: object) -> str | None:
    """A contact's name as safe to print: stripped, escaped, at most 40 characters."""
    if not isinstance(raw_name, str) or not raw_name.strip():
        return None
    # As the loader reads a name: stripped, and line breaks or tabs folded to spaces.
    name = raw_name.strip() if raw_name.isprintable() else " ".join(raw_name.split())
    if not name.isprintable():  # escaped, but the joiners real names use are kept
        name = "".join(ch if ch in ALLOWED_FORMAT else repr(ch)[1:-1] for ch in name)
    return name if len(name) <= _LABEL_LIMIT else name[: _LABEL_LIMIT - 1] + "…"


_CONTACTS_KEY = re.compile(r"contacts[ \t]*:[ \t]*(?:#.*)?")
_ITEM = re.compile(r"( *)-(?:[ \t]+|$)")
_NAME = re.compile(r"name[ \t]*:[ \t]*(.*)")


def contacts_by_line(text: str) -> list[str | None]:
    """For each line (index 0 is line 1), the contact whose block it is in, as written.

    For problems found before the document could be built (a syntax error, a tab),
    read from the text alone: the usual block layout is recognised (`contacts:` at
    the top, then `- name: ...` items, or items whose `name:` comes later); lines
    anywhere else, or before their contact's name, get None rather than a guess.
    """
    lines = text.splitlines()
    labels: list[str | None] = [None] * len(lines)
    start = next((i for i, row in enumerate(lines) if _CONTACTS_KEY.fullmatch(row)), None)
    if start is None:
        return labels
    indent: int | None = None
    key_indent = 0
    current: str | None = None
    for index in range(start + 1, len(lines)):
        row = lines[index]
        item = _ITEM.match(row)
        if indent is None and item:
            indent = len(item.group(1))
        if row[:1] not in ("", " ", "#", "\t") and not (indent == 0 and item):
            break  # the next top-level key: past the contacts
        if item and len(item.group(1)) == indent:
            key_indent, current = item.end(), None
        if current is None and indent is not None:
            named = _NAME.fullmatch(row, key_indent) if row[:key_indent].strip(" -") == "" else None
            if named:
                current = contact_label(_plain_scalar(named.group(1)))
        labels[index] = current
    return labels


def _plain_scalar(value: str) -> str:
    """`Bob Smith  # note` -> `Bob Smith`; `"Bob"` -> `Bob` (quotes and comments off)."""
    value = value.strip()
    if value[:1] in ("'", '"') and value[:1] in value[1:]:
        return value[1 : value.index(value[0], 1)]
    return value.split(" #", 1)[0].strip()


def kind_of(value: object) -> str:
    """What a value is, in words: `a mapping`, `a list`, `text` or `an empty value`."""
    if value is None:
        return "an empty value"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list"
    return "text"


def shown(value: object, limit: int = 40) -> str:
    """A short, escaped rendering of a value the user (or an attacker) wrote.

    Text is cut to `limit` characters and repr-escaped; containers are named by
    kind only, so nothing huge or deeply nested is ever echoed.
    """
    if value is None or isinstance(value, dict | list | tuple):
        return kind_of(value)
    text = value if isinstance(value, str) else str(value)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return repr(text)
