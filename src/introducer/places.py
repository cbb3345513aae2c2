"""Where each file introducer uses lives, and what chose it: what `introducer paths` shows.

Cron runs in another folder with another environment; a relative default there
names another file. So every path is made absolute and carries its source
(flag, environment variable, default), and nothing has to exist yet.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from introducer.book.locate import BOOK_ENV, STATE_ENV, chosen_book, default_books, state_path
from introducer.drafts.templates import builtin_folder

#: `draft --out` when not given (SPEC: ./drafts).
DEFAULT_DRAFTS = Path("drafts")


@dataclass(frozen=True, slots=True)
class Place:
    """One file or folder: where it is, whether it is there, and why this one."""

    name: str
    path: Path
    exists: bool
    status: str
    source: str


def locations(
    book: Path | None, state: Path | None, environ: Mapping[str, str] | None = None,
    *, cache: bool = True,
) -> list[Place]:
    """The book, the state file, the drafts folder, the templates and the book's cache
    files, in that order (`cache`: False under --no-cache)."""
    env = os.environ if environ is None else environ
    book_file, book_source = _book(book, env)
    if state is not None:
        state_source = "--state"
    elif env.get(STATE_ENV):
        state_source = f"${STATE_ENV}"
    else:
        state_source = "default: beside the book"
    state_file = state_path(book_file, state, env)
    beside = book_file.parent / "templates"
    if beside.is_dir():
        templates = _folder("templates", beside, "default: templates/ beside the book")
    else:
        templates = _folder("templates", builtin_folder(),
                            "built-in (no templates/ folder beside the book)")
    return [
        _file("book", book_file, book_source),
        _file("state", state_file, state_source, missing="no (created on first record)"),
        _folder("drafts", DEFAULT_DRAFTS, "default (draft --out DIR changes it)",
                missing="no (created by the first draft)"),
        templates,
        _cache("cache", book_file, cache, "no (written when the book is next read)"),
        _cache("prepared", book_file, cache,
               "no (written when the book is read back from its cache)"),
        _cache("tables", book_file, cache, "no (written when the book is next prepared)"),
        _cache("blocks", book_file, cache,
               "no (written when the index reads the cached book)"),
        _cache("pairs", book_file, cache,
               "no (written by a big book's second suggest)"),
    ]


def _cache(name: str, book: Path, enabled: bool, missing: str) -> Place:
    """A cache file of the book in use (`cache`: the validated book, `prepared`: the
    matcher's preparation of it for the day, `tables`: the knowledge tables as its
    settings extend them, `blocks`: the index's feature blocks for the day, `pairs`: the
    record of its candidate searches), and whether it is used."""
    from introducer.book.cache import cache_file, cacheable

    path = cache_file(book, "book" if name == "cache" else name)
    source = "default: user cache folder (platformdirs; $XDG_CACHE_HOME on Linux)"
    if not enabled:
        return Place(name, path, path.is_file(), "not used (--no-cache)", source)
    if book.exists() and not cacheable(book):
        return Place(name, path, False, "not used (the book is not a regular file)", source)
    return _file(name, path, source, missing=missing)


def _book(explicit: Path | None, env: Mapping[str, str]) -> tuple[Path, str]:
    chosen = chosen_book(explicit, env)
    if chosen is not None:
        path, source = chosen
        return path, source if source == "--book" else f"${BOOK_ENV}"
    here, user = default_books()
    if here.is_file():
        return here, "default: ./contacts.yaml"
    if user.is_file():
        return user, "default: user config folder (no ./contacts.yaml here)"
    return here, f"default: not found (nor at {_absolute(user)})"


def _absolute(path: Path) -> Path:
    return path.absolute()


def _file(name: str, path: Path, source: str, missing: str = "no") -> Place:
    if path.is_dir():
        return Place(name, _absolute(path), False, "not a file (a folder)", source)
    there = path.exists() or path.is_symlink()
    return Place(name, _absolute(path), there, "yes" if there else missing, source)


def _folder(name: str, path: Path, source: str, missing: str = "no") -> Place:
    if path.is_dir():
        return Place(name, _absolute(path), True, "yes", source)
    status = "not a folder" if path.exists() else missing
    return Place(name, _absolute(path), False, status, source)
