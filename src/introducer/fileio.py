"""Every file introducer writes is written atomically: temp file, fsync, rename.

A reader (or a crash) never sees half a file, and `write_new` never clobbers.
Files named on the command line to read (`import`, `import-history`) are read by
`read_input`, which never blocks and never reads without end.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path

from introducer.errors import IntroducerError

#: The most `read_input` reads: far beyond any export, well short of exhausting memory.
MAX_INPUT_BYTES = 1 << 30


def read_without_blocking(path: Path, most: int = -1) -> bytes:
    """The whole file (or its first `most` bytes); a pipe nobody writes to reads as empty.

    Opening a FIFO for reading blocks until a writer comes; opened non-blocking it
    does not, and once open, reading a pipe without writers ends at once. OSError is
    the caller's to word.
    """
    nonblocking = getattr(os, "O_NONBLOCK", 0)  # POSIX only; Windows has no FIFOs to fear
    fd = os.open(path, os.O_RDONLY | nonblocking | getattr(os, "O_BINARY", 0))
    with os.fdopen(fd, "rb") as handle:
        if nonblocking:
            os.set_blocking(fd, True)
        return handle.read(most)


def read_input(path: Path, what: str, limit: int = MAX_INPUT_BYTES) -> bytes:
    """The whole of a file named on the command line, or one clear error: `{path}: why`.

    A regular file, or a pipe, so `import-history <(gunzip -c backup.json.gz)` works; a
    pipe nobody writes to reads as empty instead of hanging a cron job, a device
    (/dev/zero would never end, a terminal would wait) is refused, and so is anything
    over `limit` bytes. `what` names what the file should have been ("an export file").
    """
    try:
        mode = path.stat().st_mode
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise IntroducerError(f"{path}: is a symbolic link that loops back on itself") from None
        if isinstance(error, FileNotFoundError):
            dangling = " (a symbolic link to nothing)" if path.is_symlink() else ""
            raise IntroducerError(f"{path}: no such file{dangling}") from None
        raise IntroducerError(f"{path}: cannot be read ({error.strerror})") from None
    if stat.S_ISDIR(mode):
        raise IntroducerError(f"{path}: is a directory, not {what}")
    if not (stat.S_ISREG(mode) or stat.S_ISFIFO(mode)):
        raise IntroducerError(f"{path}: is a device, not {what}")
    try:
        data = read_without_blocking(path, limit + 1)
    except OSError as error:
        raise IntroducerError(f"{path}: cannot be read ({error.strerror})") from None
    if len(data) > limit:
        raise IntroducerError(f"{path}: is larger than {limit >> 20} MB; "
                              f"that cannot be {what}")
    return data


def same_file(a: Path, b: Path) -> bool:
    """Whether `a` and `b` name one file, however spelled: a symbolic or hard link,
    `./book`, `dir/../book` (one device and inode); while either is missing, whether
    both resolve to one path (a new file may not be made where another must go)."""
    first, second = a.expanduser(), b.expanduser()
    try:
        return first.samefile(second)
    except (OSError, ValueError):
        # realpath, not Path.resolve: that raises on a symbolic link loop (Python < 3.13).
        return os.path.realpath(first) == os.path.realpath(second)


def _write_temp(directory: Path, chunks: Iterable[bytes], mode: int, *,
                durable: bool = True) -> Path:
    fd, name = tempfile.mkstemp(dir=directory, prefix=".introducer-", suffix=".tmp")
    temp = Path(name)
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as handle:
            for chunk in chunks:
                handle.write(chunk)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return temp


def _fsync_directory(directory: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def write_new(path: Path, data: bytes, *, mode: int = 0o600) -> None:
    """Create `path` with `data`; refuse if it exists (checked atomically via link)."""
    directory = path.parent if str(path.parent) else Path()
    if not directory.is_dir():
        raise IntroducerError(f"{path}: folder {directory} does not exist")
    try:
        temp = _write_temp(directory, (data,), mode)
    except OSError as error:
        raise IntroducerError(f"{path}: cannot write ({error.strerror})") from None
    try:
        os.link(temp, path)
    except FileExistsError:
        raise IntroducerError(
            f"{path} already exists; not overwriting it (choose another path)"
        ) from None
    except OSError as error:
        raise IntroducerError(f"{path}: cannot write ({error.strerror})") from None
    finally:
        temp.unlink(missing_ok=True)
    _fsync_directory(directory)


def write_replacing(path: Path, chunks: Iterable[bytes], *, mode: int = 0o600,
                    durable: bool = True) -> None:
    """Write `path` whole from `chunks`, replacing what was there: a reader sees the old
    file or the new one, never half of either. Not `durable`: no fsync, for a file whose
    loss in a crash costs only its rebuilding (a cache). OSError is the caller's to word.
    """
    directory = path.parent if str(path.parent) else Path()
    temp = _write_temp(directory, chunks, mode, durable=durable)
    try:
        temp.replace(path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    if durable:
        _fsync_directory(directory)
