"""Ending a big process without tearing down what it built.

When a command returns, its 100k-contact book, the matcher's profiles and the index
(millions of objects) are freed one by one, and then again at interpreter shutdown:
half a second or more spent after the answer is already printed. A command that
loaded a big book hands it (and what it built from it) to `keep_to_the_end`; `end`
then flushes the standard streams and leaves with `os._exit`, letting the operating
system take the memory back at once. Kept free of heavy imports: `__main__` uses it.
"""

from __future__ import annotations

import contextlib
import os
import sys

_kept: list[object] = []


def hold_nothing() -> None:
    """Start a command holding nothing (tests run many commands in one process)."""
    _kept.clear()


def keep_to_the_end(*objects: object) -> None:
    """Hold `objects` until the process ends, and end it without freeing them."""
    _kept.extend(objects)


def keep_as_well(*objects: object) -> None:
    """Hold `objects` too, if something big is already held (else let them go as usual)."""
    if _kept:
        _kept.extend(objects)


def end(status: int) -> int:
    """`status`, for the caller to exit with; or, with a big book held, exit with it now.

    Only the entry point calls this, after the command has finished: every file is
    written and closed and every ledger committed by then (they are context managers
    inside the commands). A stream that cannot be flushed is reported as `main` would.
    """
    if not _kept:
        return status  # a cache entry written aside is waited for at exit (`book/aside.py`)
    from introducer.streams import output_failed, silence_stdout

    try:
        sys.stdout.flush()
    except BrokenPipeError:
        silence_stdout()
        status = 141 if status == 0 else status
    except OSError as error:
        status = output_failed(error)
    with contextlib.suppress(OSError, ValueError):
        sys.stderr.flush()
    from introducer.book.aside import wait_for_writers

    wait_for_writers()  # the answer is out: now the cache entry written aside is whole
    ahead = sys.modules.get("introducer.match.ahead")
    if ahead is not None:
        ahead.stop_all()  # blocks built ahead that nobody asked for
    os._exit(status)
