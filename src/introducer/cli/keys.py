"""One key at a time from the terminal, for the walk; a line at a time where that cannot be.

On a terminal, stdin goes into cbreak mode (no echo, no Enter needed, Ctrl-C still
interrupts) for as long as the `Keys` context is open, and is put back however it is
left: normally, by an exception or by Ctrl-C. Where stdin has no terminal modes (a
test runner, a pipe behind `script`), each answer is a line.
"""

from __future__ import annotations

import contextlib
import os
import sys
from types import TracebackType
from typing import IO, Any

#: What a key press means when it is not a letter: Enter takes the default, Ctrl-D
#: ends the walk as `q` does, and Ctrl-C interrupts it (as SIGINT would).
ENTER = ""
END = "q"
_CTRL_C = "\x03"
_CTRL_D = "\x04"
_ESCAPE = "\x1b"


class Keys:
    """Reads answers from `stream` (stdin): single keys where it can, lines where not."""

    def __init__(self, stream: IO[str] | None = None) -> None:
        self.stream = stream if stream is not None else sys.stdin
        self._fd: int | None = None
        self._saved: list[Any] | None = None

    def __enter__(self) -> Keys:
        try:
            import termios
            import tty

            fd = self.stream.fileno()
            self._saved = termios.tcgetattr(fd)
            tty.setcbreak(fd, termios.TCSANOW)
            self._fd = fd
        except (ImportError, AttributeError, ValueError, OSError):
            self._fd = self._saved = None  # no terminal modes here: line input
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self._restore()
        self._fd = None

    @property
    def single_keys(self) -> bool:
        return self._fd is not None

    def _restore(self) -> None:
        if self._fd is not None and self._saved is not None:
            import termios

            with contextlib.suppress(OSError):
                termios.tcsetattr(self._fd, termios.TCSADRAIN, self._saved)

    def key(self, prompt: str) -> str:
        """The key pressed (lower case; ENTER for Enter), echoed after the prompt.

        Raises KeyboardInterrupt for Ctrl-C, whether it arrives as a signal or a byte.
        """
        _write(prompt)
        if self._fd is None:
            line = self.stream.readline()
            if not line:
                _write("\n")
                return END
            return line.strip().casefold()
        pressed = self._read_key()
        _write((pressed if pressed.isprintable() else "") + "\n")
        return pressed

    def _read_key(self) -> str:
        assert self._fd is not None
        data = os.read(self._fd, 1)
        if not data or data == _CTRL_D.encode():
            return END
        if data == _CTRL_C.encode():
            raise KeyboardInterrupt
        if data in (b"\r", b"\n"):
            return ENTER
        if data == _ESCAPE.encode() or data[0] >= 0x80:
            self._drain()  # an arrow key or a non-ASCII letter: no key of ours
            return "\ufffd"
        return data.decode("ascii", "replace").casefold()

    def _drain(self) -> None:
        """Drop the rest of a multi-byte key press, which arrives all at once."""
        import select

        assert self._fd is not None
        while select.select([self._fd], [], [], 0.05)[0]:
            if not os.read(self._fd, 16):
                return

    def line(self, prompt: str) -> str | None:
        """A typed answer (number of days, a value), with echo and editing; None at the end
        of input."""
        self._restore()
        try:
            _write(prompt)
            # The terminal, back in line mode, hands over one line per read.
            line = (self.stream.readline() if self._fd is None
                    else os.read(self._fd, 4096).decode("utf-8", "replace"))
        finally:
            if self._fd is not None:
                import termios
                import tty

                with contextlib.suppress(OSError):
                    tty.setcbreak(self._fd, termios.TCSANOW)
        if not line:
            _write("\n")
            return None
        return line.rstrip("\r\n")


def _write(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()
