"""The standard streams when they are not what a terminal gives: closed, gone or full.

Kept free of rich and Typer so `introducer --version` can use it for nothing.
"""

from __future__ import annotations

import contextlib
import os
import sys

_STREAMS = ((0, "stdin", "r"), (1, "stdout", "w"), (2, "stderr", "w"))


def reopen_closed_streams() -> None:
    """A stream closed before start (`>&-`, `<&-`, some cron set-ups) becomes /dev/null.

    Python leaves such a stream as None, which breaks any code that prints; and the
    next file opened would take the free descriptor and receive what was meant for
    the terminal. Output to a closed stream is dropped, as `print` would drop it.
    """
    for fd, name, mode in _STREAMS:
        if getattr(sys, name) is not None:
            continue
        with contextlib.suppress(OSError):
            os.fstat(fd)
            continue  # the descriptor is in use after all: leave it alone
        null = os.open(os.devnull, os.O_RDWR)
        if null != fd:
            os.dup2(null, fd)
            os.close(null)
        setattr(sys, name, open(fd, mode, encoding="utf-8", closefd=False))  # noqa: SIM115


def silence_stdout() -> None:
    """Point stdout at /dev/null, so output still buffered is dropped instead of failing again."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


def output_failed(error: OSError) -> int:
    """stdout refused the output (disk full, I/O error): one line on stderr, exit status 1."""
    silence_stdout()
    reason = error.strerror or type(error).__name__
    with contextlib.suppress(OSError, ValueError, AttributeError):
        sys.stderr.write(f"error: cannot write the output: {reason}\n")
        sys.stderr.flush()
    return 1
