"""The starter book `init` writes, and how to tell its placeholder `me:` from a real one.

A book whose `me:` still says `Your Name <you@example.com>` would sign every draft
"Your" and send it from nobody's address; `check` warns and `draft` refuses.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files

import yaml

from introducer.book.schema import Me


def starter_text() -> bytes:
    """The starter book, byte for byte as `init` writes it."""
    return files("introducer.book").joinpath("starter.yaml").read_bytes()


@cache
def _placeholder() -> tuple[str, str]:
    me = yaml.safe_load(starter_text())["me"]
    return str(me["name"]), str(me["email"])


def is_placeholder(me: Me) -> bool:
    """Whether `me:` still holds the starter's name or address, unedited."""
    name, email = _placeholder()
    return me.name == name or (me.email or "").casefold() == email.casefold()


def placeholder_message() -> str:
    """What to do about it, for `check` and `draft` alike."""
    name, email = _placeholder()
    return (f"me: is still the starter's placeholder ({name} <{email}>); put your own "
            "name and email there, or drafts are signed and sent as nobody")
