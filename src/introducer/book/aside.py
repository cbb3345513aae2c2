"""Writing a big book's new cache entry in a forked process, while the command goes on.

A cold run on a big book pickles the validated book for the next command (0.8 s at
100k contacts) before it can start matching. When a core is idle, a forked child
does that instead, from the same memory, and the parent matches meanwhile. The child
writes atomically as the parent would (`cache.write_entry`), tells only what the parent
would have told (`--verbose`), and leaves with `os._exit`; the parent waits for it
before it ends (`wait_for_writers`, from `lifetime.end` or at exit), so nothing is
left running after a command, from cron or anywhere else. Kept free of heavy imports:
`lifetime` uses it.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import sys
import threading
from collections.abc import Callable

_writers: list[int] = []


def write_aside(write: Callable[[], object], *, big: bool) -> bool:
    """Run `write` in a forked child; False (nothing run) unless the book is `big` and a
    core is idle, or where a fork is unsafe (a process with threads) or impossible."""
    if not big or not hasattr(os, "fork") or threading.active_count() > 1:
        return False
    from introducer.book.parallel import idle_cores

    if idle_cores() < 2:
        return False
    with contextlib.suppress(OSError, ValueError):
        sys.stderr.flush()  # else the child would write what the parent had buffered too
    try:
        pid = os.fork()
    except OSError:
        return False
    if pid == 0:  # pragma: no cover - the child (coverage does not follow forks)
        status = 1
        try:
            write()
            status = 0
        finally:  # a failed write is only a cache not written: never a traceback
            with contextlib.suppress(BaseException):
                sys.stderr.flush()
            os._exit(status)
    if not _writers:
        atexit.register(wait_for_writers)
    _writers.append(pid)
    return True


def writers_running() -> int:
    """How many entries are being written aside right now (the finished ones reaped): a
    core they hold is this command's own, soon free, not a busy machine's (`match/ahead.py`)."""
    running = []
    for pid in _writers:
        with contextlib.suppress(ChildProcessError):  # else reaped already
            if os.waitpid(pid, os.WNOHANG)[0] == 0:
                running.append(pid)
    _writers[:] = running
    return len(running)


def wait_for_writers() -> None:
    """Wait until every entry being written aside is written (or given up)."""
    while _writers:
        pid = _writers.pop()
        with contextlib.suppress(ChildProcessError, InterruptedError):
            os.waitpid(pid, 0)
