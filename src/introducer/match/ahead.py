"""A big book's feature blocks built on the idle core while the preparation goes on.

Of a cold run on a big book, the index's feature blocks (`features.py`, 0.6 s at 100k)
depend only on the profiles, counts and matchers, which the preparation has once it is
halfway (`PreparedBook(halfway=...)`). From there a forked child builds the costliest
families (`CHILD_FAMILIES`) from the same memory while the parent finishes the
preparation (the couples, vouching, acquaintance) and starts the matcher; when the index
asks for the blocks (`prepare.feature_blocks_of`), the parent builds the other families
itself and takes the child's, pickled back on a pipe. The families are pure functions
of what was there at the fork, and a pickled sparse array comes back bit for bit, so the
blocks are the ones one process builds; a child that fails, or anything odd, and the
parent builds the families itself. Only from `AHEAD_CONTACTS` contacts, when a core is
idle (`parallel.idle_cores`, this process's own cache writer aside) and the process has
no other thread; a child nobody asked is stopped at the end (`stop_all`, from
`lifetime.end` or at exit), so no command leaves a process behind.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import pickle
import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from introducer.match.features import Block
    from introducer.match.profile import PreparedBook, Profile

#: From this many contacts the blocks are built ahead (at 20k they take about 0.1 s).
AHEAD_CONTACTS = 20_000
#: What the child builds: the families that cost most at 100k (about 0.5 of 0.6 s);
#: the parent, which finishes the preparation meanwhile, builds the others.
CHILD_FAMILIES = ("shared_values", "business_terms", "company_wants", "fit_wants")

_children: list[_Child] = []
_registered: list[object] = []  # `stop_all`, once registered to run at exit


class _Child:
    """A forked process building some families of one preparation's blocks."""

    def __init__(self, prepared: PreparedBook) -> None:
        self.profiles: tuple[Profile, ...] = prepared.profiles
        read_end, write_end = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:  # pragma: no cover - the child (coverage does not follow forks)
            os.close(read_end)
            _build(write_end, prepared)
        os.close(write_end)
        self.pipe = os.fdopen(read_end, "rb")
        self.done = False

    def result(self) -> dict[str, list[Block]] | None:
        """The child's families, or None if it failed (then the caller builds them)."""
        try:
            found = pickle.loads(self.pipe.read())
        except Exception:  # a child that died wrote nothing, or half
            found = None
        status = self.reap()
        return found if status == 0 and _families(found) else None

    def reap(self) -> int | None:
        if self.done:
            return None
        self.done = True
        self.pipe.close()
        with contextlib.suppress(ChildProcessError, InterruptedError):
            _, status = os.waitpid(self.pid, 0)
            return os.waitstatus_to_exitcode(status)
        return None

    def stop(self) -> None:
        if not self.done:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, 9)
            self.reap()


def _build(pipe: int, prepared: PreparedBook) -> None:  # pragma: no cover - the child
    """In the child: build the families, send them, and leave without any clean-up; the
    parent's streams are let go first, so a pipe reading its output never waits on us."""
    status = 1
    try:
        null = os.open(os.devnull, os.O_RDWR)
        for stream in (0, 1, 2):
            os.dup2(null, stream)
        from introducer.match.features import family_blocks

        payload = pickle.dumps(family_blocks(prepared, CHILD_FAMILIES), protocol=5)
        with os.fdopen(pipe, "wb") as out:
            out.write(payload)
        status = 0
    finally:
        os._exit(status)


def _families(found: object) -> bool:
    from introducer.match.features import Block

    return (isinstance(found, dict) and list(found) == list(CHILD_FAMILIES)
            and all(isinstance(blocks, list) and all(isinstance(b, Block) for b in blocks)
                    for blocks in found.values()))


def start(prepared: PreparedBook) -> None:
    """Build `CHILD_FAMILIES` of `prepared`'s blocks in a child, when it pays (see above)."""
    if (len(prepared.profiles) < AHEAD_CONTACTS or not hasattr(os, "fork")
            or threading.active_count() > 1):
        return
    from introducer.book.aside import writers_running
    from introducer.book.parallel import idle_cores

    if idle_cores(ours=writers_running()) < 2:
        return
    import introducer.match.features  # noqa: F401 - imported once, before the fork

    try:
        child = _Child(prepared)
    except OSError:  # no process or pipe to be had: the parent builds them all
        return
    if not _registered:
        _registered.append(atexit.register(stop_all))
    _children.append(child)


def feature_blocks(prepared: PreparedBook) -> list[Block]:
    """`features.feature_blocks(prepared)`, with the families a child built ahead for
    these profiles taken from it."""
    from introducer.match.features import FAMILIES, family_blocks
    from introducer.match.features import feature_blocks as built_here

    child = next((c for c in _children if c.profiles is prepared.profiles), None)
    if child is None:
        return built_here(prepared)
    _children.remove(child)
    mine = family_blocks(prepared, [name for name in FAMILIES if name not in CHILD_FAMILIES])
    theirs = child.result() or family_blocks(prepared, CHILD_FAMILIES)
    return [block for name in FAMILIES for block in (mine[name] if name in mine
                                                       else theirs[name])]


def stop_all() -> None:
    """Stop and reap every child still building (nobody asked for its blocks)."""
    while _children:
        _children.pop().stop()
