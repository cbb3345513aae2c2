"""Parse once: the validated book, kept in the user's cache folder for the next command.

A connector runs many commands on one unchanged book; reading and validating it
again each time is most of what a big book costs. The cache file holds the `Book`
that `load_book` returned, under a key made of everything that decides it (the
book's bytes, this package's code and data files, the Python that pickled it and
the pydantic that validated it), so a hit is the same `Book` a fresh load would give. Anything wrong
with the file (foreign, truncated, corrupt, another key, not ours) is a miss; the
core never prints, so what happened is told through `tell` (the CLI's `--verbose`).
The matcher keeps its preparation of the book beside it (`match/prepare.py`), through
the same checked entries (`read_entry`, `write_entry`).
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import pickle
import stat
import struct
import sys
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TypeVar

from introducer import __version__
from introducer.book.aside import write_aside
from introducer.book.locate import APP_NAME
from introducer.book.model import Book, PartialBook
from introducer.collector import collector_paused
from introducer.fileio import write_replacing

#: From this many contacts a new entry is written aside when a core is idle (`aside.py`):
#: below, pickling costs less than forking (about 50 ms at 5,000 contacts).
ASIDE_CONTACTS = 20_000
#: Changes whenever the file's layout or what is pickled in it changes.
FORMAT = 1
MAGIC = b"introducer-book-cache\n"
# After the magic: the key's digest, the payload's length and the payload's digest.
_HEADER = struct.Struct(">32sQ32s")
_PREFIX = len(MAGIC) + _HEADER.size
_PACKAGE = Path(__file__).resolve().parent.parent

T = TypeVar("T")
Tell = Callable[[str], None]


def _quiet(note: str) -> None:
    """Where notes go when nobody asked for them."""


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a loaded book's cache entry is: its key, its file, whether it was read from
    it (the book came back unchanged), and where to tell what the cache does."""

    key: bytes
    file: Path
    hit: bool
    tell: Tell

    def beside(self, kind: str) -> Path:
        """The entry of `kind` kept beside the book's own: `book-<name>` becomes
        `<kind>-<name>`, named as `cache_file(book, kind)` names it."""
        stem = Path(self.file.name).stem.removeprefix("book-")
        return self.file.with_name(f"{kind}-{stem}{ENTRY_SUFFIX.get(kind, '.pickle')}")


# The books this process loaded through the cache, by identity (a Book is frozen).
_ORIGINS: dict[int, tuple[Book, Origin]] = {}


def origin_of(book: Book) -> Origin | None:
    """The cache entry `book` was read from or written to, if it is that very object."""
    found = _ORIGINS.get(id(book))
    return found[1] if found is not None and found[0] is book else None


def cache_folder() -> Path:
    """The user's cache folder for introducer: platformdirs' `user_cache_dir`, spelled out
    for Linux ($XDG_CACHE_HOME, else ~/.cache), where importing platformdirs would cost
    every command 12 ms (tests/test_cache.py holds the two equal)."""
    if sys.platform.startswith("linux"):
        xdg = os.environ.get("XDG_CACHE_HOME", "")
        return (Path(xdg) if xdg.strip() else Path("~/.cache").expanduser()) / APP_NAME
    import platformdirs

    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))


def cache_file(book: Path, kind: str = "book") -> Path:
    """The cache file for the book at `book`: one per book file (and kind of entry),
    whatever it holds, so an edited book replaces its entry instead of piling up old ones."""
    where = os.path.realpath(book.expanduser())
    name = hashlib.sha256(os.fsencode(where)).hexdigest()[:24]
    return cache_folder() / f"{kind}-{name}{ENTRY_SUFFIX.get(kind, '.pickle')}"


#: The entries that hold no pickle (the record of the candidate searches: numpy arrays).
ENTRY_SUFFIX = {"pairs": ".record"}


def cacheable(book: Path) -> bool:
    """Only a regular file is cached: a pipe (`--book <(gpg -d ...)`) is read once, and
    what the user keeps encrypted must not be written out in the clear."""
    try:
        return stat.S_ISREG(book.stat().st_mode)
    except (OSError, ValueError):
        return False


def load_book_cached(path: Path, tell: Tell = _quiet, *, enabled: bool = True) -> Book:
    """`load_book(path)`, from the cache when it holds this book; a book with errors is
    never cached, and raises exactly as `load_book` does."""
    def load() -> Book:
        from introducer.book.load import load_book  # PyYAML and the reader: only on a miss

        return load_book(path)

    return _through_cache(path, load, lambda book: book, lambda book: book, tell, enabled)


def load_what_loads_cached(path: Path, tell: Tell = _quiet, *,
                           enabled: bool = True) -> PartialBook:
    """`load_what_loads(path)` through the same cache: a book that loads whole is the
    same `Book` either way, so it is read from (and written to) the cache; a book with
    errors is loaded afresh every time, as without the cache."""
    def load() -> PartialBook:
        from introducer.book.load import load_what_loads

        return load_what_loads(path)

    return _through_cache(
        path, load,
        lambda partial: None if partial.errors or partial.broken else partial.book,
        PartialBook, tell, enabled)


def _through_cache(path: Path, load: Callable[[], T], whole: Callable[[T], Book | None],
                   wrap: Callable[[Book], T], tell: Tell, enabled: bool) -> T:
    if not enabled:
        tell("cache: not used (--no-cache)")
        return load()
    if not cacheable(path):
        tell(f"cache: not used: {path} is not a regular file")
        return load()
    target = cache_file(path)
    try:
        key = _key(path.read_bytes())
    except OSError:
        return load()  # the loader words what is wrong with the book
    found = read_entry(target, key, tell, pickle.loads)
    if isinstance(found, Book):
        tell(f"cache: read {target}")
        book = dataclasses.replace(found, path=path)
        _ORIGINS[id(book)] = (book, Origin(key, target, True, tell))
        return wrap(book)
    if found is not None:
        tell(f"cache: {target} holds no book; rebuilding it")
    loaded = load()
    fresh = whole(loaded)
    if fresh is not None and _still(path, key, tell):
        book = fresh

        def write() -> bool:
            return store(target, key, dataclasses.replace(book, path=Path()), pickle.dumps,
                         tell)

        # A big book's entry is written by a child on an idle core while this process
        # matches (`aside.py`); its origin is then what the entry will hold.
        if write_aside(write, big=len(fresh.contacts) >= ASIDE_CONTACTS) or write():
            _ORIGINS[id(fresh)] = (fresh, Origin(key, target, False, tell))
    return loaded


def _key(data: bytes) -> bytes:
    """Everything that decides what loading `data` gives: the bytes, this code and its
    data files, the interpreter that pickles the records and the pydantic that validates
    them."""
    digest = hashlib.sha256()
    for part in (*_code_parts(), _validator_fingerprint()):
        digest.update(part.encode() + b"\0")
    digest.update(data)
    return digest.digest()


def code_key() -> bytes:
    """This code, its data files and the interpreter that pickles: the key of an entry
    that no book's bytes decide (the knowledge tables, `match/prepare.py`), to which it
    adds what does."""
    digest = hashlib.sha256()
    for part in _code_parts():
        digest.update(part.encode() + b"\0")
    return digest.digest()


def _code_parts() -> tuple[str, ...]:
    return f"format {FORMAT}", __version__, sys.version, _code_fingerprint()


@cache
def _validator_fingerprint() -> str:
    """pydantic and pydantic-core by their top-level files (`installed_fingerprint`): a
    warm run never imports them (20 ms for pydantic-core alone)."""
    def versions() -> str:
        import pydantic
        import pydantic_core

        return f"pydantic {pydantic.VERSION}, pydantic-core {pydantic_core.__version__}"

    return installed_fingerprint(("pydantic", "pydantic_core"), versions)


def installed_fingerprint(packages: tuple[str, ...], versions: Callable[[], str]) -> str:
    """Installed packages by their top-level files' sizes and times (their version module
    and compiled core among them: an upgrade rewrites those), found without importing
    them or reading their metadata (`importlib.metadata`: 15-20 ms of a warm run);
    `versions()` where they are not plain folders (a zip, say)."""
    from importlib.machinery import PathFinder

    digest = hashlib.sha256()
    try:
        for name in packages:
            spec = PathFinder.find_spec(name)
            for folder in [] if spec is None else spec.submodule_search_locations or []:
                for entry in sorted(os.scandir(folder), key=lambda entry: entry.name):
                    if entry.is_file():
                        digest.update(_stamp(entry))
    except OSError:
        return versions()
    return digest.hexdigest()


@cache
def _code_fingerprint() -> str:
    """The package's modules by size and time (a reinstall or an edit changes them) and
    its data files by content (the professions and events tables)."""
    digest = hashlib.sha256()
    _fingerprint_folder(str(_PACKAGE), digest)
    return digest.hexdigest()


def _fingerprint_folder(folder: str, digest: hashlib._Hash) -> None:
    """One folder's part of `_code_fingerprint`, then its subfolders' (by name). Read with
    `os.scandir`, whose entries know what they are without a `Path` each: every warm run
    pays for this (0.8 ms for the package's 130 files where `os.walk` and paths took 2)."""
    entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
    for entry in entries:
        if entry.name.endswith(".py"):
            digest.update(_stamp(entry))
        elif entry.name.endswith(".yaml"):
            digest.update(os.fsencode(entry.path) + b"\0" + Path(entry.path).read_bytes())
    for entry in entries:
        if entry.is_dir() and entry.name != "__pycache__":
            _fingerprint_folder(entry.path, digest)


def _stamp(entry: os.DirEntry[str]) -> bytes:
    """A file by its path, size and time: what an edit, a reinstall or an upgrade changes."""
    info = entry.stat()
    return f"{entry.path}:{info.st_size}:{info.st_mtime_ns}\0".encode()


def read_entry(target: Path, key: bytes, tell: Tell,
               unpickle: Callable[[bytes], object]) -> object | None:
    """What `target` holds under `key`, unpickled; None (and why, told) if it holds nothing
    usable.

    Unpickling runs code, so a file is read only if it is ours and nobody else can
    write it: a regular file (not a link), owned by this user, not group- or
    world-writable; and only once its magic, key, length and digest are right.
    """
    try:
        fd = os.open(target, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except FileNotFoundError:
        tell(f"cache: none yet at {target}")
        return None
    except OSError as error:
        tell(f"cache: cannot read {target} ({error.strerror}); not using it")
        return None
    with os.fdopen(fd, "rb") as handle:
        why = _untrusted(os.fstat(handle.fileno()))
        if why:
            tell(f"cache: not read: {target} {why}; not using it")
            return None
        data = handle.read()
    stale = _check(data, key)
    if stale:
        tell(f"cache: {target} {stale}; rebuilding it")
        return None
    try:
        with collector_paused():
            return unpickle(data[_PREFIX:])
    except Exception as error:  # a bad pickle can raise anything; it only means a miss
        tell(f"cache: {target} does not read back ({_why(error)}); rebuilding it")
        return None


def _why(error: Exception) -> str:
    """The error's kind and the first line of what it says, cut short: a forged entry
    chooses that text, and --verbose shows one line."""
    said = str(error).splitlines()[0][:120] if str(error) else ""
    return f"{type(error).__name__}: {said}" if said else type(error).__name__


def _untrusted(info: os.stat_result) -> str | None:
    if not stat.S_ISREG(info.st_mode):
        return "is not a regular file"
    if hasattr(os, "getuid") and info.st_uid != os.getuid():
        return "belongs to another user"
    if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return "can be written by other users"
    return None


def _check(data: bytes, key: bytes) -> str | None:
    """Why `data` is not a cache entry for `key`, or None if it is one, whole."""
    if not data.startswith(MAGIC):
        return "is not an introducer cache file (or is from another version of it)"
    if len(data) < _PREFIX:
        return "is truncated"
    stored_key, length, payload_digest = _HEADER.unpack_from(data, len(MAGIC))
    if stored_key != key:
        return "is out of date (the book, its day or introducer changed)"
    if len(data) - _PREFIX != length:
        return "is truncated" if len(data) - _PREFIX < length else "has bytes past its end"
    if hashlib.sha256(memoryview(data)[_PREFIX:]).digest() != payload_digest:
        return "is corrupt"
    return None


def _still(path: Path, key: bytes, tell: Tell) -> bool:
    """Whether the book still hashes to `key`: one edited while it was read is not cached
    (the key would name other bytes)."""
    try:
        same = _key(path.read_bytes()) == key
    except OSError:
        same = False
    if not same:
        tell(f"cache: not written: {path} changed while it was read")
    return same


def dumps(value: T, pickler: Callable[[T], bytes], tell: Tell) -> bytes | None:
    """`pickler(value)` with the collector paused; None (told) if it cannot be pickled,
    which only means no cache."""
    try:
        with collector_paused():
            return pickler(value)
    except Exception as error:  # never a traceback: no cache is only slower
        tell(f"cache: not written ({type(error).__name__}: {error})")
        return None


def store(target: Path, key: bytes, value: T, pickler: Callable[[T], bytes], tell: Tell
          ) -> bool:
    """`value`, pickled by `pickler`, written as the entry for `key` (False, told, if it
    could not be pickled or written)."""
    payload = dumps(value, pickler, tell)
    return payload is not None and write_entry(target, key, payload, tell)


def write_entry(target: Path, key: bytes, payload: bytes, tell: Tell) -> bool:
    """Write `payload` as the entry for `key`; a folder that cannot be written only means
    no cache (told, and False)."""
    header = MAGIC + _HEADER.pack(key, len(payload), hashlib.sha256(payload).digest())
    try:
        _write_private(target, header, payload)
    except OSError as error:
        tell(f"cache: not written to {target} ({error.strerror or type(error).__name__})")
        return False
    tell(f"cache: wrote {target}")
    return True


def _write_private(target: Path, header: bytes, payload: bytes) -> None:
    """Atomically, 0600, in a 0700 folder (`fileio.write_replacing`).

    No fsync: a cache lost in a crash is rebuilt, and a torn one fails its digest.
    """
    folder = target.parent
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    if stat.S_IMODE(folder.stat().st_mode) & 0o077:
        folder.chmod(0o700)  # the entries hold the whole book: for the user's eyes only
    write_replacing(target, (header, payload), mode=0o600, durable=False)
