"""`--edit`: a draft opened in the user's own editor, and whether they saved it.

The text goes to a private temporary file (0600), `$VISUAL` or `$EDITOR` runs on
it, and the draft counts as saved only if the file was written: closing the
editor without saving means "not this one".
"""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
from pathlib import Path

from introducer.errors import IntroducerError, UsageError

# Set on the file before the editor opens it, so any save moves it on.
_BEFORE = 0


def editor_command() -> list[str]:
    """$VISUAL, else $EDITOR, as words; a usage error when neither is set."""
    for name in ("VISUAL", "EDITOR"):
        value = os.environ.get(name, "").strip()
        if value:
            try:
                return shlex.split(value)
            except ValueError as error:
                raise UsageError(f"${name} cannot be split into words ({error})") from None
    raise UsageError("--edit needs an editor: set $VISUAL or $EDITOR (e.g. EDITOR=nano)")


def edit(text: str) -> str | None:
    """The text as the user saved it, or None if they closed the editor without saving."""
    command = editor_command()
    handle, name = tempfile.mkstemp(prefix="introducer-draft-", suffix=".txt")
    path = Path(name)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as file:
            file.write(text)
        os.utime(path, ns=(_BEFORE, _BEFORE))
        try:
            done = subprocess.run([*command, str(path)], check=False)
        except OSError as error:
            raise IntroducerError(f"--edit: cannot run {command[0]}: {error.strerror}") from None
        if done.returncode != 0:
            raise IntroducerError(f"--edit: {command[0]} exited with status "
                                  f"{done.returncode}; nothing written")
        if path.stat().st_mtime_ns == _BEFORE:
            return None
        return path.read_text(encoding="utf-8")
    finally:
        path.unlink(missing_ok=True)
