"""Where the book and its state file live: flag, then environment, then the usual places."""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Mapping
from pathlib import Path

from introducer.errors import IntroducerError
from introducer.fileio import same_file

BOOK_ENV = "INTRODUCER_BOOK"
STATE_ENV = "INTRODUCER_STATE"
BOOK_NAME = "contacts.yaml"
APP_NAME = "introducer"


def user_book_path() -> Path:
    """The book in the user's config dir, used when nothing nearer is found."""
    import platformdirs  # here, not above: a named book never pays for the import

    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / BOOK_NAME


def chosen_book(
    explicit: Path | None = None, environ: Mapping[str, str] | None = None
) -> tuple[Path, str] | None:
    """The book the user named (`--book`, then `$INTRODUCER_BOOK`) and how; None if neither."""
    env = os.environ if environ is None else environ
    if explicit is not None:
        return explicit.expanduser(), "--book"
    if env.get(BOOK_ENV):
        return Path(env[BOOK_ENV]).expanduser(), f"${BOOK_ENV}"
    return None


def default_books() -> tuple[Path, ...]:
    """Where the book is looked for when none is named, nearest first."""
    return Path(BOOK_NAME), user_book_path()


def find_book(explicit: Path | None, environ: Mapping[str, str] | None = None) -> Path:
    """The book to use: `--book` > `$INTRODUCER_BOOK` > `./contacts.yaml` > user config dir.

    A book named by the flag or the variable must exist: falling back silently to
    another book would act on the wrong people.
    """
    chosen = chosen_book(explicit, environ)
    if chosen is not None:
        path, source = chosen
        problem = _not_readable_book(path)
        if problem is None:
            return path
        if problem == "":
            raise IntroducerError(f"no contact book at {path} (from {source}); create one with "
                                  f"`introducer init {path}`")
        raise IntroducerError(f"{path} (from {source}) {problem}")
    nearest = Path(BOOK_NAME)
    if nearest.is_file():  # before the config dir is even looked up (platformdirs)
        return nearest
    if user_book_path().is_file():
        return user_book_path()
    looked = " and ".join(str(path) for path in default_books())
    raise IntroducerError(
        f"no contact book found (looked for {looked}); create one with `introducer init`, "
        f"or name one with --book PATH or ${BOOK_ENV}"
    )


def _not_readable_book(path: Path) -> str | None:
    """Why `path` cannot be read as a book ("" if nothing is there), or None if it can.

    A regular file, or a pipe, so `--book <(gpg -d contacts.yaml.gpg)` works; never a
    device, which could block (a terminal) or never end (/dev/zero).
    """
    try:
        mode = path.stat().st_mode
    except OSError as error:
        if error.errno == errno.ELOOP:
            return "is a symbolic link that loops back on itself"
        if path.is_symlink():
            return "is a symbolic link to a file that does not exist"
        if isinstance(error, FileNotFoundError | NotADirectoryError):
            return ""
        return f"cannot be read: {error.strerror or type(error).__name__}"
    if stat.S_ISREG(mode) or stat.S_ISFIFO(mode):
        return None
    if stat.S_ISDIR(mode):
        return "is a directory, not a contact book"
    return "is not a regular file, so it cannot be a contact book"


def state_path(
    book: Path, explicit: Path | None = None, environ: Mapping[str, str] | None = None
) -> Path:
    """The state file: `--state` > `$INTRODUCER_STATE` > `<stem>.introducer.sqlite3` by the book.

    Beside the book, so two books never share a history.
    """
    env = os.environ if environ is None else environ
    if explicit is not None:
        return explicit.expanduser()
    if env.get(STATE_ENV):
        return Path(env[STATE_ENV]).expanduser()
    return book.with_name(f"{book.stem}.introducer.sqlite3")


def refuse_book_target(target: Path, what: str, book: Path, state: Path | None = None) -> None:
    """Refuse to write `target` when it is the book, or `state`, under any name.

    The book is the user's and never written (SPEC); the state file holds the history
    and is only ever written as SQLite. Every command that writes a file asks here
    first; `what` says which of its arguments to change ("--mbox file").
    """
    if same_file(target, book):
        raise IntroducerError(f"{target} is the book itself{_spelled(target, book)}; "
                              f"introducer never writes your book: choose another {what}")
    if state is not None and same_file(target, state):
        raise IntroducerError(f"{target} is the book's state file{_spelled(target, state)}; "
                              f"writing there would ruin its history: choose another {what}")


def _spelled(target: Path, protected: Path) -> str:
    """` (book.yaml)` when `target` reaches the file under another name, else nothing."""
    return "" if str(target) == str(protected) else f" ({protected})"
