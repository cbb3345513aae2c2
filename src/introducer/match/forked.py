"""Work that yields numpy arrays, run on the idle core by a forked child.

The deeper search (`PairIndex.deeper`) multiplies row blocks that do not depend on one
another; a child forked from the same memory can take half of them while the parent
takes the rest. Gated as the parallel read is (`book.parallel.idle_cores`: on a busy
machine a second process only adds the copying), never in a process with threads (a
fork could deadlock), and anything odd (no fork, a child that fails or dies, a file
that does not read back) gives None, so the caller does the work itself. The child
writes its arrays to an unlinked temporary file (`.npz`, no pickle) and leaves with
`os._exit`; the parent waits for it, so no process outlives the call.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import tempfile
import threading
from collections.abc import Callable
from typing import IO

import numpy as np
import numpy.typing as npt

Arrays = list[npt.NDArray[np.generic]]


class Aside:
    """A forked child running `work`; `result()` waits for its arrays."""

    def __init__(self, pid: int, handle: IO[bytes]) -> None:
        self._pid = pid
        self._handle = handle

    def result(self) -> Arrays | None:
        """The child's arrays, or None if it failed."""
        try:
            if not _succeeded(self._pid):
                return None
            self._handle.seek(0)
            with np.load(self._handle, allow_pickle=False) as data:
                return [data[f"arr_{number}"] for number in range(len(data.files))]
        except (OSError, ValueError, KeyError, EOFError):
            return None
        finally:
            self._pid = 0
            self._handle.close()

    def cancel(self) -> None:
        """Stop the child if it still runs (the parent failed or was interrupted)."""
        if self._pid:
            with contextlib.suppress(OSError):
                os.kill(self._pid, signal.SIGKILL)
            _succeeded(self._pid)
            self._pid = 0
            self._handle.close()


def _succeeded(pid: int) -> bool:
    try:
        _, status = os.waitpid(pid, 0)
    except ChildProcessError:
        return False
    return os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0


def aside(work: Callable[[], Arrays]) -> Aside | None:
    """`work` started in a forked child on the idle core, or None (nothing started)."""
    if not hasattr(os, "fork") or threading.active_count() > 1:
        return None
    from introducer.book.parallel import idle_cores

    if idle_cores() < 2:
        return None
    try:
        handle = tempfile.TemporaryFile()  # noqa: SIM115 - closed by `Aside`
    except OSError:
        return None
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError, AttributeError):
            stream.flush()  # else the child would write what the parent had buffered too
    try:
        pid = os.fork()
    except OSError:
        handle.close()
        return None
    if pid == 0:  # pragma: no cover - the child (coverage does not follow forks)
        status = 1
        try:
            np.savez(handle, *work())
            handle.flush()
            status = 0
        finally:  # a failure is only work the parent does itself: never a traceback
            os._exit(status)
    return Aside(pid, handle)
