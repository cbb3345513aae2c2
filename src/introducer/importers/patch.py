"""A merge as a unified diff, for a user who reviews changes to their book before taking them."""

from __future__ import annotations

import difflib

_NO_NEWLINE = "\\ No newline at end of file\n"


def unified_patch(name: str, before: str, after: str) -> str:
    """The diff that turns `before` into `after`, with both sides named `name` (the book's
    file name), so `patch -p0` and `git apply` apply it in the book's folder; empty when
    nothing changes."""
    lines = difflib.unified_diff(
        before.splitlines(keepends=True), after.splitlines(keepends=True),
        fromfile=name, tofile=name,
    )
    # A last line without its newline is marked as diff(1) marks it, or patch would join
    # it to the next line of the diff.
    return "".join(line if line.endswith("\n") else line + "\n" + _NO_NEWLINE for line in lines)
