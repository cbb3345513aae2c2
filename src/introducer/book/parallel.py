"""Reading a big book on every core: contacts are independent, so the contact list is
cut at contact boundaries and each piece parsed and validated in a forked process (or
the whole list in this one, when no other core is idle).

Only the happy path runs here. A book in the usual block layout (`contacts:` at the
top, `- name: ...` items) is cut just before an item line, and each piece is read item
by item (`plainitems.py`: the plainly written ones without libyaml, the others by the
same builder and the same safety rules as the whole file), at its own line numbers;
the rest of the document (`me:`, `settings:`, with the contact lines left
blank) is parsed on its own. If anything at all is to be reported (a syntax error, a
duplicate key, a tag, an invalid contact), or anything uses an alias (whose limits
count over the whole document), or the layout is not the usual one, the caller reads
the whole book the usual way, so every message, line and order of problems is exactly
what one pass gives. A cut inside a quoted or flow value leaves the piece before it
unclosed, which is a syntax error there, so it never yields a different book.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import pickle
import re
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from introducer.book.compact import KeyLayouts
from introducer.book.plainitems import read_items
from introducer.book.schema import Contact
from introducer.book.validation import validate
from introducer.book.yamlsafe import UNCLEAN, LineList, LineMap, parse_clean

#: Below this many bytes a second process does not pay for itself (see docs/benchmarks.md).
MIN_BYTES = 2 << 20
#: A piece's share of the contacts, the parent's against each child's: the children also
#: pickle what they validated (at 100k, about half as long as reading it, since the items
#: are read without libyaml), and the parent unpickles it.
PARENT_SHARE = 1.45

#: One validated contact: the record, its line, its keys' lines, whether `id:` was written.
Validated = tuple[Contact, int, Mapping[str, int], bool]

_CONTACTS_LINE = re.compile(rb"contacts[ \t]*:[ \t]*(?:#[^\n]*)?\r?(?:\n|\Z)")
_FIRST_ITEM = re.compile(rb"(?:[ \t]*(?:#[^\n]*)?\r?\n)*( *)-(?:[ \t]|\r?\n)")
#: Line breaks libyaml counts besides `\n` (NEL, LS, PS; a lone `\r` is checked apart):
#: lines are counted here by `\n`, so a book holding any of them is read the usual way.
_OTHER_BREAKS = (b"\xc2\x85", b"\xe2\x80\xa8", b"\xe2\x80\xa9")


@dataclass(frozen=True, slots=True)
class QuickRead:
    """The document without its contacts (`contacts:` holds None), and the contacts."""

    root: LineMap
    contacts: list[Validated]


@dataclass(frozen=True, slots=True)
class _Piece:
    start: int  # byte offsets into the file
    end: int
    first_line: int
    indent: int  # of the list's items


def read_in_parallel(data: bytes, file: str) -> QuickRead | None:
    """The book's document and validated contacts, read on every idle core (or in this
    process alone, when no other core is idle); None when the book is small, not in the
    usual layout, or has anything to report."""
    if len(data) < MIN_BYTES:
        return None
    can_fork = hasattr(os, "fork") and threading.active_count() == 1  # else a deadlock
    layout = _layout(data, idle_cores() if can_fork else 1)
    if layout is None:
        return None
    skeleton, pieces = layout
    root = parse_clean(skeleton, file)
    if not isinstance(root, LineMap) or root.get("contacts", UNCLEAN) is not None:
        return None
    try:
        with _children(data, file, pieces[1:]) as children:
            mine = validated_piece(data, file, pieces[0])
            if mine is None:
                return None
            contacts = list(mine)
            for child in children:
                theirs = child.result()
                if theirs is None:
                    return None
                contacts.extend(theirs)
    except OSError:  # no process or pipe to be had (a limit reached): one pass, then
        return None
    return QuickRead(root, contacts)


def validated_piece(data: bytes, file: str, piece: _Piece) -> list[Validated] | None:
    """The contacts of one piece, validated, their key lines shared within the piece (done
    here, on every core: `load` makes the pieces share them with each other); None if
    anything is to be reported."""
    try:
        text = data[piece.start:piece.end].decode("utf-8")
    except UnicodeDecodeError:
        return None
    items = read_items(text, file, first_line=piece.first_line, indent=piece.indent)
    if not isinstance(items, LineList):
        return None
    validated: list[Validated] = []
    layouts = KeyLayouts()
    for index, raw in enumerate(items):
        items[index] = None  # one copy of the raw contacts at a time, as the usual way
        if not isinstance(raw, LineMap):
            return None
        try:
            contact = validate(Contact, raw)
        except ValidationError:
            return None
        validated.append((contact, raw.line, layouts.key_lines(raw.line, raw.key_lines),
                          bool(raw.get("id"))))
    return validated


def idle_cores(ours: int = 0) -> int:
    """Processes worth running: one per idle core, as `make -l` judges it (the load
    average). On a busy machine a second process only adds the pickling: the cores are
    taken, and a scheduler that shares them out per session gives it no more time.
    The average lags, though: a command started just after another ended finds it near
    one with nothing running, so what runs right now (this process aside, and `ours`
    of its own children, about to end) caps it."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    try:
        busy = os.getloadavg()[0]
    except OSError:  # the load average is unknown
        busy = 0.0
    running = running_now()
    if running is not None:
        busy = min(busy, max(0, running - 1 - ours))
    return max(1, min(cores, int(cores - busy + 0.5)))


def running_now(loadavg: str = "/proc/loadavg") -> int | None:
    """Threads runnable this instant, this one included (the fourth field of Linux's
    `/proc/loadavg`, `running/total`); None where there is no such file."""
    try:
        fields = Path(loadavg).read_text(encoding="ascii").split()
        return max(1, int(fields[3].split("/")[0]))
    except (OSError, IndexError, ValueError):
        return None


def _layout(data: bytes, workers: int) -> tuple[bytes, list[_Piece]] | None:
    """The document with its contact lines blank, and the contact lines cut in pieces."""
    if (not data.isascii() and any(other in data for other in _OTHER_BREAKS)) or (
            b"\r" in data and data.count(b"\r") != data.count(b"\r\n")):
        return None
    heads = [found for found in map(_CONTACTS_LINE.match, itertools.repeat(data),
                                     _line_starts(data, b"contacts")) if found]
    if len(heads) != 1:
        return None
    after = heads[0].end()
    first = _FIRST_ITEM.match(data, after)
    if first is None:
        return None
    start = first.start(1)
    indent = len(first.group(1))
    # The list ends at the first line, not blank nor a comment, that is not an item or
    # inside one: less indented, or as indented and not starting with `- `.
    less = f" {{0,{indent - 1}}}[^ \\r\\n#]|" if indent else ""
    end_line = re.compile(
        rf"\n(?={less} {{{indent}}}(?:[^ \r\n#-]|-[^ \t\r\n]))".encode())
    found = end_line.search(data, start)
    end = len(data) if found is None else found.start() + 1
    item = re.compile(rf"\n {{{indent}}}-(?:[ \t]|\r?\n|\Z)".encode())
    cuts = [start]
    weights = [PARENT_SHARE] + [1.0] * (workers - 1)
    done = 0.0
    for weight in weights[:-1]:
        done += weight
        target = start + int((end - start) * done / sum(weights))
        found = item.search(data, max(target, cuts[-1]), end)
        if found is None:
            break
        cuts.append(found.start() + 1)
    cuts.append(end)
    pieces = [_Piece(a, b, data.count(b"\n", 0, a) + 1, indent)
              for a, b in itertools.pairwise(cuts)]
    skeleton = data[:start] + b"\n" * data.count(b"\n", start, end) + data[end:]
    return skeleton, pieces


def _line_starts(data: bytes, word: bytes) -> Iterator[int]:
    """Where lines starting with `word` start (found by `bytes.find`, far faster than a
    multi-line regular expression over 30 MB)."""
    if data.startswith(word):
        yield 0
    at = data.find(b"\n" + word)
    while at >= 0:
        yield at + 1
        at = data.find(b"\n" + word, at + 1)


class _Child:
    """A forked process validating one piece; its answer comes back pickled on a pipe."""

    def __init__(self, data: bytes, file: str, piece: _Piece) -> None:
        read_end, write_end = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:  # pragma: no cover - the child (coverage does not follow forks)
            os.close(read_end)
            _answer(write_end, data, file, piece)
        os.close(write_end)
        self.pipe = os.fdopen(read_end, "rb")
        self.status: int | None = None

    def result(self) -> list[Validated] | None:
        """The child's contacts, or None if it found something to report or failed."""
        try:
            answer = pickle.loads(self.pipe.read())
        except Exception:  # a child that died has written nothing, or half
            answer = None
        self.reap()
        return answer if self.status == 0 else None

    def reap(self) -> None:
        if self.status is None:
            self.pipe.close()
            _, status = os.waitpid(self.pid, 0)
            self.status = os.waitstatus_to_exitcode(status)

    def stop(self) -> None:
        if self.status is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, 9)
            self.reap()


def _answer(pipe: int, data: bytes, file: str, piece: _Piece) -> None:  # pragma: no cover
    """In the child: validate the piece, send it back, and leave without any clean-up
    (the parent's buffers, files and exit handlers are the parent's)."""
    status = 1
    try:
        payload = pickle.dumps(validated_piece(data, file, piece), pickle.HIGHEST_PROTOCOL)
        with os.fdopen(pipe, "wb") as out:
            out.write(payload)
        status = 0
    finally:
        os._exit(status)


@contextlib.contextmanager
def _children(data: bytes, file: str, pieces: list[_Piece]) -> Iterator[list[_Child]]:
    """One child per piece; each is reaped (stopped first, if still running) on the way out."""
    children: list[_Child] = []
    try:
        for piece in pieces:
            children.append(_Child(data, file, piece))
        yield children
    finally:
        for child in children:
            child.stop()
