"""Parse once: the book's cache never changes a result, and a bad cache is only slower."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from introducer.book.cache import MAGIC, cache_file
from introducer.cli.app import app
from tests.conftest import EXAMPLE_BOOK

runner = CliRunner()


def invoke(*args: str | Path) -> tuple[int, str, str]:
    result = runner.invoke(app, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        result.exception
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def book(tmp_path: Path) -> Path:
    path = tmp_path / "contacts.yaml"
    shutil.copyfile(EXAMPLE_BOOK, path)
    return path


def cached(book: Path) -> Path:
    return cache_file(book)


def prepared(book: Path) -> Path:
    """The matcher's preparation of the book, written once the book is read back."""
    return cache_file(book, "prepared")


def pairs(book: Path) -> Path:
    """The record of the book's candidate pairs, written once the book is read back."""
    return cache_file(book, "pairs")


def test_warm_output_is_byte_identical_to_cold_in_real_processes(book: Path,
                                                                 tmp_path: Path) -> None:
    runs = iter(range(100))

    def run(*args: str) -> subprocess.CompletedProcess[bytes]:
        state = tmp_path / f"state-{next(runs)}.sqlite3"  # `today` records what it showed
        return subprocess.run([sys.executable, "-m", "introducer", "--book", str(book),
                               "--state", str(state), *args],
                              cwd=tmp_path, env=dict(os.environ), capture_output=True,
                              stdin=subprocess.DEVNULL, timeout=60, check=False)

    for args in (["suggest", "--top", "20"], ["suggest", "--format", "json"],
                 ["today", "--format", "markdown"]):
        cold = run("--no-cache", *args)
        first, second = run(*args), run(*args)
        assert cold.returncode == 0, cold.stderr
        assert (first.stdout, first.stderr) == (cold.stdout, cold.stderr)
        assert (second.stdout, second.stderr) == (cold.stdout, cold.stderr)
    assert cached(book).is_file()


def test_verbose_says_whether_the_cache_answered(book: Path) -> None:
    code, out, err = invoke("--verbose", "--book", book, "suggest")
    assert code == 0
    assert f"cache: none yet at {cached(book)}" in err
    assert f"cache: wrote {cached(book)}" in err
    code, again, err = invoke("--verbose", "--book", book, "suggest")
    assert code == 0 and again == out
    assert err == (f"cache: read {cached(book)}\n"
                   f"cache: none yet at {prepared(book)}\n"
                   f"cache: wrote {prepared(book)}\n"
                   f"cache: none yet at {pairs(book)}\n"
                   f"cache: wrote {pairs(book)}\n")
    code, again, err = invoke("--verbose", "--book", book, "suggest")
    assert code == 0 and again == out
    assert err == (f"cache: read {cached(book)}\ncache: read {prepared(book)}\n"
                   f"cache: read {pairs(book)}\n")


def test_the_cache_file_is_private_and_so_is_its_folder(book: Path) -> None:
    invoke("--book", book, "suggest")
    assert stat.S_IMODE(cached(book).stat().st_mode) == 0o600
    assert stat.S_IMODE(cached(book).parent.stat().st_mode) == 0o700
    assert [p.name for p in cached(book).parent.iterdir()] == [cached(book).name]
    invoke("--book", book, "suggest")
    assert stat.S_IMODE(prepared(book).stat().st_mode) == 0o600


def test_no_cache_reads_and_writes_nothing(book: Path, tmp_path: Path) -> None:
    code, out, err = invoke("--no-cache", "--book", book, "suggest")
    assert code == 0 and err == ""
    assert not (tmp_path / "cache").exists()
    invoke("--book", book, "suggest")
    cached(book).write_bytes(b"garbage")
    code, again, err = invoke("--no-cache", "--verbose", "--book", book, "suggest")
    assert (code, again) == (0, out)
    assert err == "cache: not used (--no-cache)\n"
    assert cached(book).read_bytes() == b"garbage"


def _flip_last_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[-1] ^= 0xFF
    path.write_bytes(bytes(data))


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[:-100])


def _foreign(path: Path) -> None:
    path.write_bytes(b"introducer-book-cache-v0\n" + path.read_bytes()[len(MAGIC):])


def _other_key(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(MAGIC)] ^= 0xFF  # the first byte of the key's digest
    path.write_bytes(bytes(data))


def _empty(path: Path) -> None:
    path.write_bytes(b"")


@pytest.mark.parametrize(("spoil", "said"), [
    (_flip_last_byte, "is corrupt"),
    (_truncate, "is truncated"),
    (_empty, "is not an introducer cache file (or is from another version of it)"),
    (_foreign, "is not an introducer cache file (or is from another version of it)"),
    (_other_key, "is out of date (the book, its day or introducer changed)"),
])
def test_a_spoilt_cache_is_rebuilt_silently(book: Path, spoil: object, said: str) -> None:
    code, out, _ = invoke("--book", book, "suggest")
    assert code == 0
    good = cached(book).read_bytes()
    spoil(cached(book))  # type: ignore[operator]
    assert cached(book).read_bytes() != good
    code, again, err = invoke("--book", book, "suggest")
    assert (code, again, err) == (0, out, "")
    assert cached(book).read_bytes() == good
    spoil(cached(book))  # type: ignore[operator]
    code, again, err = invoke("--verbose", "--book", book, "suggest")
    assert (code, again) == (0, out)
    assert f"cache: {cached(book)} {said}; rebuilding it" in err
    assert "Traceback" not in err


def test_a_cache_others_could_write_is_not_loaded(book: Path) -> None:
    code, out, _ = invoke("--book", book, "suggest")
    cached(book).chmod(0o666)
    code, again, err = invoke("--verbose", "--book", book, "suggest")
    assert (code, again) == (0, out)
    assert "can be written by other users; not using it" in err
    assert stat.S_IMODE(cached(book).stat().st_mode) == 0o600


def test_editing_the_book_invalidates_its_cache(book: Path) -> None:
    invoke("--book", book, "suggest")
    text = book.read_text(encoding="utf-8")
    book.write_text(text.replace("name: Maria Lopez", "name: Mariana Lopez", 1),
                    encoding="utf-8")
    code, out, err = invoke("--verbose", "--book", book, "suggest", "--top", "30")
    assert code == 0 and "Mariana Lopez" in out and "Maria Lopez" not in out
    assert "is out of date" in err
    assert invoke("--no-cache", "--book", book, "suggest", "--top", "30")[1] == out


def test_a_book_with_errors_is_never_cached_and_reports_as_before(book: Path) -> None:
    book.write_text(book.read_text(encoding="utf-8") + "  - name: \n    closeness: 9\n",
                    encoding="utf-8")
    fresh = invoke("--no-cache", "--book", book, "suggest")
    assert fresh[0] == 1 and fresh[2]
    assert invoke("--book", book, "suggest") == fresh
    assert invoke("--book", book, "suggest") == fresh
    assert not cached(book).exists()
    code, _, err = invoke("--book", book, "history")  # the ledger reads what loads
    assert code == 0 and "error" in err
    assert not cached(book).exists()


def test_the_ledger_commands_share_the_cache(book: Path) -> None:
    code, _, err = invoke("--verbose", "--book", book, "history")
    assert code == 0 and f"cache: wrote {cached(book)}" in err
    code, _, err = invoke("--verbose", "--book", book, "suggest")
    assert code == 0 and err.startswith(f"cache: read {cached(book)}\n")


def test_a_hit_keeps_the_path_the_book_was_named_by(book: Path, tmp_path: Path) -> None:
    """The state file goes beside the book however it was named, cached or not."""
    invoke("--book", book, "suggest")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    os.chdir(elsewhere)
    code, _, err = invoke("--verbose", "--book", "../contacts.yaml", "record", "maria", "tom")
    assert code == 0, err
    assert "cache: read" in err
    assert (tmp_path / "contacts.introducer.sqlite3").is_file()
    assert not (elsewhere / "contacts.introducer.sqlite3").exists()


def test_a_cache_folder_that_cannot_be_written_means_no_cache(
        book: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder would go")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    code, out, err = invoke("--book", book, "suggest")
    assert code == 0 and err == "" and "Maria Lopez" in out
    code, again, err = invoke("--verbose", "--book", book, "suggest")
    assert (code, again) == (0, out)
    assert f"cache: not written to {cached(book)}" in err and "Traceback" not in err


def test_a_piped_book_is_never_cached(tmp_path: Path) -> None:
    script = (f"{sys.executable} -m introducer --verbose --book <(cat {EXAMPLE_BOOK}) "
              "suggest")
    done = subprocess.run(["bash", "-c", script], cwd=tmp_path, env=dict(os.environ),
                          capture_output=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert b"is not a regular file" in done.stderr
    assert not (tmp_path / "cache").exists()


def test_paths_shows_the_cache_file_for_the_book_in_use(book: Path) -> None:
    code, out, _ = invoke("--book", book, "paths", "--format", "json")
    assert code == 0
    place = json.loads(out)["paths"]["cache"]
    assert place["path"] == str(cached(book)) and place["exists"] is False
    assert Path(place["path"]).parent == Path(os.environ["XDG_CACHE_HOME"]) / "introducer"
    invoke("--book", book, "suggest")
    code, out, _ = invoke("--book", book, "paths", "--format", "json")
    assert json.loads(out)["paths"]["cache"]["exists"] is True
    assert json.loads(out)["paths"]["tables"]["path"] == str(tables(book))
    assert json.loads(out)["paths"]["prepared"] == {
        "path": str(prepared(book)), "exists": False,
        "source": "default: user cache folder (platformdirs; $XDG_CACHE_HOME on Linux)"}
    invoke("--book", book, "suggest")
    code, out, _ = invoke("--book", book, "paths", "--format", "json")
    assert json.loads(out)["paths"]["prepared"]["exists"] is True
    code, out, _ = invoke("--no-cache", "--book", book, "paths")
    row = next(line for line in out.splitlines() if line.startswith("cache "))
    assert str(cached(book)) in row and "not used (--no-cache)" in row


def test_the_prepared_book_serves_any_history_and_only_its_own_day(
        book: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The ledger changes the ranking after the preparation is cached; another day
    prepares afresh. Every answer equals the one made without any cache."""
    state = tmp_path / "state.sqlite3"

    def both(*args: str) -> str:
        fresh = invoke("--no-cache", "--book", book, "--state", state, *args)
        warm = invoke("--book", book, "--state", state, *args)
        assert fresh == warm and fresh[0] == 0, args
        return warm[1]

    first = both("suggest", "--format", "json")
    assert not prepared(book).exists()  # a book read once never pays for it
    assert both("suggest", "--format", "json") == first
    assert prepared(book).is_file()
    assert both("suggest", "--format", "json") == first
    top = json.loads(first)["suggestions"][0]
    a, b = top["a"]["id"], top["b"]["id"]
    assert invoke("--book", book, "--state", state, "record", a, b)[0] == 0
    after = both("suggest", "--format", "json")
    assert after != first
    both("explain", a, b)
    both("suggest", "--for", a, "--include-history")
    both("gaps")
    monkeypatch.setenv("INTRODUCER_TODAY", "2027-06-01")
    code, _, err = invoke("--verbose", "--book", book, "--state", state, "suggest")
    assert code == 0 and f"cache: {prepared(book)} is out of date" in err
    both("suggest", "--format", "json")
    both("today", "--format", "json")


def test_a_spoilt_prepared_entry_is_rebuilt(book: Path) -> None:
    out = [invoke("--book", book, "suggest")[1] for _ in range(2)]
    assert prepared(book).is_file()
    _flip_last_byte(prepared(book))
    code, again, err = invoke("--verbose", "--book", book, "suggest")
    assert (code, again) == (0, out[0])
    assert f"cache: {prepared(book)} is corrupt; rebuilding it" in err
    assert f"cache: read {prepared(book)}\n" in invoke("--verbose", "--book", book,
                                                       "suggest")[2]


def test_the_prepared_entry_carries_the_knowledge_tables(
        book: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A warm run reads the professions and events tables (the book's own professions
    included) back from the entry instead of building them (23 ms of the example's 200),
    and every later reader in the process gets those same tables."""
    from introducer.book import knowledge

    book.write_text(book.read_text(encoding="utf-8").replace(
        "settings:\n", "settings:\n  professions:\n    bookkeeper: {synonyms: [books],"
        " events: {divorce: secondary}}\n", 1), encoding="utf-8")
    args = ("--book", book, "suggest", "--format", "json")
    cold = invoke("--no-cache", *args)
    assert invoke(*args) == cold and invoke(*args) == cold  # the second writes the entry
    monkeypatch.setattr(knowledge, "_TABLES", {})

    def rebuilt(*args: object, **kwargs: object) -> None:
        raise AssertionError("the tables were built again")

    monkeypatch.setattr(knowledge.TriggerEvents, "__init__", rebuilt)
    assert invoke(*args) == cold
    top = json.loads(cold[1])["suggestions"][0]
    assert invoke("--book", book, "explain", top["a"]["id"], top["b"]["id"]) == invoke(
        "--no-cache", "--book", book, "explain", top["a"]["id"], top["b"]["id"])


def test_the_index_keeps_its_feature_blocks_for_the_day(tmp_path: Path) -> None:
    """A book too big to score pair by pair is matched by the index, whose feature blocks
    are kept beside the preparation: the warm answer is the cold one, and a spoilt entry is
    only rebuilt."""
    book = tmp_path / "contacts.yaml"
    shutil.copyfile(EXAMPLE_BOOK.parent / "eval" / "books" / "cpa-bni.yaml", book)
    blocks = cache_file(book, "blocks")
    runs = iter(range(100))

    def run(*args: str | Path) -> tuple[int, str, str]:
        state = tmp_path / f"state-{next(runs)}.sqlite3"  # `today` records what it showed
        return invoke("--book", book, "--state", state, *args)

    for args in (("suggest", "--format", "json", "--top", "30"), ("today", "--format", "json")):
        cold = run("--no-cache", *args)
        assert cold[0] == 0 and cold[1]
        for _ in range(3):  # the first caches the book, the second its day's preparation
            assert run(*args) == cold
    assert blocks.is_file()
    # A warm `suggest` answers from the record of its searches (`replay.py`); one person's
    # partners, asked for the first time, build the index again.
    top = json.loads(run("--no-cache", "suggest", "--format", "json")[1])[
        "suggestions"][0]
    first, second = top["a"]["id"], top["b"]["id"]
    code, _, err = invoke("--verbose", "--book", book, "suggest", "--for", first)
    assert code == 0 and f"cache: read {blocks}" in err
    _flip_last_byte(blocks)
    code, out, err = invoke("--verbose", "--book", book, "suggest", "--for", second)
    assert code == 0 and f"cache: {blocks} is corrupt; rebuilding it" in err
    assert out == invoke("--no-cache", "--book", book, "suggest", "--for", second)[1]


@pytest.mark.parametrize("xdg", [None, "", "   ", "/tmp/somewhere cache"])
def test_the_cache_folder_is_platformdirs_own(monkeypatch: pytest.MonkeyPatch,
                                              xdg: str | None) -> None:
    """Spelled out on Linux (platformdirs costs 12 ms to import), it must stay its answer."""
    import platformdirs

    from introducer.book.cache import cache_folder

    if xdg is None:
        monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    else:
        monkeypatch.setenv("XDG_CACHE_HOME", xdg)
    assert cache_folder() == Path(platformdirs.user_cache_dir("introducer", appauthor=False))


def test_a_big_books_entry_written_aside_is_whole_when_the_command_ends(
        book: Path, tmp_path: Path) -> None:
    # As on an idle machine, with the example standing in for a big book: the new entry is
    # pickled and written by a forked child while the command matches.
    forced = ("import os, sys; import introducer.book.parallel as p, introducer.book.cache as c; "
              "p.idle_cores = lambda: 2; c.ASIDE_CONTACTS = 1; fork = os.fork; "
              "os.fork = lambda: [print('forked', file=sys.stderr, flush=True), fork()][1]; "
              "from introducer.__main__ import main; sys.exit(main())")

    def run(*args: str) -> tuple[int, bytes, str]:
        out, err = tmp_path / "out", tmp_path / "err"
        with out.open("wb") as stdout, err.open("wb") as stderr:
            code = subprocess.run(
                [sys.executable, "-c", forced, "--verbose", "--book", str(book),
                 "--state", str(tmp_path / "state.sqlite3"), *args],
                cwd=tmp_path, stdout=stdout, stderr=stderr, stdin=subprocess.DEVNULL,
                timeout=60, check=False).returncode
        return code, out.read_bytes(), err.read_text()

    code, cold, err = run("suggest", "--format", "json")
    assert code == 0 and "forked" in err
    assert f"cache: wrote {cached(book)}" in err
    code, warm, err = run("suggest", "--format", "json")
    assert code == 0 and warm == cold
    assert f"cache: read {cached(book)}" in err


def test_the_cache_is_keyed_by_the_code_and_its_tables(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An upgrade or an edit of the package (a module, a table) reads no stale entry; byte
    code and other files do not count."""
    from introducer.book import cache

    package = tmp_path / "introducer"
    (package / "book" / "__pycache__").mkdir(parents=True)
    (package / "rank.py").write_text("A = 1\n")
    (package / "book" / "events.yaml").write_text("divorce: [mediator]\n")
    monkeypatch.setattr(cache, "_PACKAGE", package)

    def fingerprint() -> str:
        return cache._code_fingerprint.__wrapped__()

    first = fingerprint()
    assert fingerprint() == first
    (package / "book" / "__pycache__" / "rank.cpython-311.pyc").write_bytes(b"\0")
    (package / "README").write_text("notes")
    assert fingerprint() == first
    (package / "book" / "events.yaml").write_text("divorce: [mediatör]\n")
    assert fingerprint() != first
    second = fingerprint()
    (package / "rank.py").write_text("A = 22\n")
    assert fingerprint() != second


def test_the_cache_is_keyed_by_the_pydantic_that_validates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another pydantic may validate a book otherwise: an upgrade (its version module, its
    compiled core) reads no stale entry, though a warm run never imports pydantic."""
    from introducer.book import cache

    for name in ("pydantic", "pydantic_core"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "__init__.py").write_text("")
    monkeypatch.syspath_prepend(str(tmp_path))

    def fingerprint() -> str:
        return cache._validator_fingerprint.__wrapped__()

    first = fingerprint()
    assert fingerprint() == first
    (tmp_path / "pydantic" / "version.py").write_text("VERSION = '2.99'\n")
    assert fingerprint() != first
    second = fingerprint()
    (tmp_path / "pydantic_core" / "_pydantic_core.so").write_bytes(b"\0" * 8)
    assert fingerprint() != second


def test_a_pydantic_not_in_plain_folders_is_keyed_by_its_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Installed where its files cannot be listed (a zip), pydantic is asked its version."""
    import pydantic

    from introducer.book import cache

    def unlistable(folder: str) -> None:
        raise NotADirectoryError(folder)

    monkeypatch.setattr(cache.os, "scandir", unlistable)
    assert pydantic.VERSION in cache._validator_fingerprint.__wrapped__()


def tables(book: Path) -> Path:
    """The knowledge tables as the book's settings extend them."""
    return cache_file(book, "tables")


@pytest.fixture
def fresh_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each invocation as in a process of its own: no knowledge tables built yet."""
    from introducer.book import knowledge

    class Forgetting(dict[str, object]):
        def get(self, key: str, default: object = None) -> object:
            return default  # nothing kept from an earlier invocation

    monkeypatch.setattr(knowledge, "_TABLES", Forgetting())


def test_an_edit_of_the_contacts_reads_the_tables_back(book: Path,
                                                      fresh_process: None) -> None:
    """The tables depend on the settings alone: after an edit of the contacts, the book is
    read and prepared afresh, but the tables come back from their entry, and every
    answer is the one made without any cache."""
    for _ in range(3):
        invoke("--book", book, "suggest")
    assert tables(book).is_file()
    written = tables(book).read_bytes()
    book.write_text(book.read_text(encoding="utf-8").replace(
        "Maria Lopez", "Maria López", 1), encoding="utf-8")
    expected = invoke("--no-cache", "--book", book, "suggest")[:2]
    said = []
    for _ in range(3):  # the book read, then prepared, then both read back
        code, out, err = invoke("--verbose", "--book", book, "suggest")
        assert (code, out) == expected
        said.append(f"cache: read {tables(book)}" in err)
        assert f"cache: wrote {tables(book)}" not in err
    assert said == [True, True, False]  # the third run's preparation holds them
    assert tables(book).read_bytes() == written


def test_tables_of_other_settings_are_built_again(book: Path, fresh_process: None) -> None:
    """A profession added in the settings changes the tables: their entry is out of date,
    rebuilt, and the answer is the one made without any cache."""
    for _ in range(2):
        invoke("--book", book, "suggest")
    text = book.read_text(encoding="utf-8")
    assert "\nsettings:\n" in text
    book.write_text(text.replace("\nsettings:\n", "\nsettings:\n  professions:\n"
                                 "    doula:\n      events: [new baby]\n", 1),
                    encoding="utf-8")
    code, out, err = invoke("--verbose", "--book", book, "suggest")
    assert code == 0, err
    assert f"cache: {tables(book)} is out of date" in err
    assert f"cache: wrote {tables(book)}" in err
    assert out == invoke("--no-cache", "--book", book, "suggest")[1]


def test_a_spoilt_tables_entry_is_rebuilt_silently(book: Path, fresh_process: None) -> None:
    out = [invoke("--book", book, "suggest")[1] for _ in range(2)]
    good = tables(book).read_bytes()
    tables(book).write_bytes(good[:-1] + bytes([good[-1] ^ 1]))
    book.write_text(book.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    code, again, err = invoke("--verbose", "--book", book, "suggest")
    assert (code, again) == (0, out[0])
    assert f"cache: {tables(book)} is corrupt; rebuilding it" in err
    assert tables(book).read_bytes() == good
