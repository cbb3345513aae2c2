"""Every file introducer writes is written atomically: temp file, fsync, rename.

A reader (or a crash) never sees half a file, and `write_new` never clobbers.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from introducer.errors import IntroducerError


def _write_temp(directory: Path, data: bytes, mode: int) -> Path:
    fd, name = tempfile.mkstemp(dir=directory, prefix=".introducer-", suffix=".tmp")
    temp = Path(name)
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
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
        temp = _write_temp(directory, data, mode)
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


def write_replace(path: Path, data: bytes, *, mode: int = 0o600) -> None:
    """Write `path` with `data`, replacing any previous version in one rename."""
    directory = path.parent if str(path.parent) else Path()
    try:
        temp = _write_temp(directory, data, mode)
        temp.replace(path)
    except OSError as error:
        raise IntroducerError(f"{path}: cannot write ({error.strerror})") from None
    _fsync_directory(directory)
