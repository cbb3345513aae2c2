"""Work that yields numpy arrays, run on the idle core by a forked child.

The deeper search (`PairIndex.deeper`) multiplies row blocks that do not depend on one
another; a child forked from the same memory can take half of them while the parent
takes the rest. Gated as the parallel read is (`book.parallel.idle_cores`: on a busy
machine a second process only adds the copying), never in a process with threads (a
fork could deadlock), and anything odd (no fork, a child that fails or dies, a file
that does not read back) gives None, so the caller does the work itself. The child
writes its arrays to an unlinked temporary file (`.npz`, no pickle) and leaves with
`os._exit`; the parent waits for it, so no process outlives the call.

How the blocks are shared is not fixed ahead (`Meeting`): the parent takes them from the
first, the child from the last, until they meet. What a block costs the parent (it also
scores what both keep, most of it while the list's floor is still low) is not known
before, and a fixed share left one of the two cores idle for a third of a pass.
"""

from __future__ import annotations

import contextlib
import mmap
import os
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from typing import IO

import numpy as np
import numpy.typing as npt

Arrays = list[npt.NDArray[np.generic]]


class Meeting:
    """`jobs` jobs shared by the parent, from the first, and a forked child, from the last,
    through counters in memory both processes share (made before the fork).

    A side takes its next job only while the other has not: each claim reads and moves
    the counters under a lock (`fcntl.lockf`, which the system lets go of when a process
    dies), so the parent's jobs and the child's meet without a gap or a job done twice.
    The parent also publishes a figure the child may read as it goes (`floor`: the
    list's floor, which only rises).
    """

    def __init__(self, jobs: int, margin: int = 0) -> None:
        """`margin`: the jobs the child leaves to the parent before the parent's next one
        (it writes its results meanwhile, which the parent would otherwise wait for)."""
        if not hasattr(os, "fork"):  # nor POSIX file locks (`fcntl`): no child to meet
            raise OSError("no fork on this system")
        self.jobs = jobs
        self._margin = margin
        self._lock = tempfile.TemporaryFile()  # noqa: SIM115 - closed by `close`
        self._shared = mmap.mmap(-1, 24)  # shared and anonymous: a fork sees the same page
        # [0]: how many jobs the parent has taken; [1]: the first job the child has taken.
        self._counters = np.frombuffer(self._shared, dtype=np.int64, count=2)
        self._counters[:] = (0, jobs)
        self._floor = np.frombuffer(self._shared, dtype=np.float64, count=1, offset=16)
        self._floor[0] = -np.inf
        self._alone = False  # the lock failed: the parent does every job left

    def front(self, job: int) -> bool:
        """In the parent: whether to do `job` (the next from the first), taken if so. If
        the lock fails, the parent does every job left (and takes none of the child's)."""
        if self._alone:
            return True
        try:
            with self._locked():
                if self._counters[1] <= job:
                    return False
                self._counters[0] = job + 1
                return True
        except OSError:
            self._alone = True
            return True

    def back(self, job: int) -> bool:
        """In the child: whether to do `job` (the next from the last), taken if so."""
        try:
            with self._locked():
                if job < self._counters[0] + self._margin:
                    return False
                self._counters[1] = job
                return True
        except OSError:  # the lock failed: the parent does the rest
            return False

    def wait_for_floor(self, pause: float = 0.001) -> None:
        """In the child: wait until the parent has published a floor, or has taken every
        job (then `back` refuses the child any)."""
        while self.floor == -np.inf and self._counters[0] < self.jobs:
            time.sleep(pause)

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        import fcntl  # POSIX only, as fork is: imported where a child can exist

        fcntl.lockf(self._lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.lockf(self._lock, fcntl.LOCK_UN)

    def close(self) -> None:
        self._lock.close()

    @property
    def floor(self) -> float:
        """The figure the parent published last (-inf before it did)."""
        return float(self._floor[0])

    @floor.setter
    def floor(self, value: float) -> None:
        self._floor[0] = value


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
