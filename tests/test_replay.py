"""A warm run answers the candidate searches from the record of the last one
(`match/replay.py`): never a different answer, only less work."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from introducer.book.cache import cache_file, load_book_cached
from introducer.book.load import load_book
from introducer.cli.app import app
from introducer.match import index
from introducer.match.rank import Matchmaker
from introducer.match.replay import RecordedPairs
from introducer.match.score import PairScorer
from introducer.match.small import ScoredPairs
from tests.test_cache import _flip_last_byte, _foreign, _other_key, _truncate

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
import generate  # noqa: E402

runner = CliRunner()
TODAY = dt.date(2026, 11, 23)


def invoke(*args: str | Path) -> tuple[int, str, str]:
    result = runner.invoke(app, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        result.exception
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated directory of 300 members: big enough for the sparse index."""
    return generate.write(300, tmp_path_factory.mktemp("books"))


@pytest.fixture
def book(generated: Path, tmp_path: Path) -> Path:
    path = tmp_path / "contacts.yaml"
    path.write_bytes(generated.read_bytes())
    return path


def record(book: Path) -> Path:
    return cache_file(book, "pairs")


def test_warm_runs_print_what_a_run_without_the_cache_prints(book: Path,
                                                             tmp_path: Path) -> None:
    """Cold (the book written to its cache), second (the record written), third and later
    (answered from the record): byte for byte what --no-cache prints, whatever is asked,
    including searches the record does not hold yet."""
    state = tmp_path / "state.sqlite3"
    asked = [["suggest", "--top", "50", "--format", "json"], ["suggest"],
             ["suggest", "--top", "7", "--per-person", "1"]]
    fresh = [invoke("--no-cache", "--book", book, "--state", state, *args) for args in asked]
    someone = json.loads(fresh[0][1])["suggestions"][0]["a"]["id"]
    asked.append(["suggest", "--for", someone, "--format", "json"])
    fresh.append(invoke("--no-cache", "--book", book, "--state", state, *asked[-1]))
    assert all(code == 0 for code, _, _ in fresh)
    for _ in range(3):
        for args, expected in zip(asked, fresh, strict=True):
            assert invoke("--book", book, "--state", state, *args) == expected, args
    assert record(book).is_file()
    code, _, err = invoke("--verbose", "--book", book, "--state", state, *asked[0])
    assert code == 0 and f"cache: read {record(book)}" in err
    assert "wrote" not in err  # every search was in the record


def test_a_warm_run_answered_from_its_record_never_imports_scipy(book: Path,
                                                                  tmp_path: Path) -> None:
    env = dict(os.environ, INTRODUCER_STATE=str(tmp_path / "state.sqlite3"))
    args = [sys.executable, "-X", "importtime", "-m", "introducer", "--book", str(book),
            "suggest", "--format", "json"]
    runs = [subprocess.run(args, cwd=tmp_path, env=env, capture_output=True, text=True,
                           timeout=120, check=False, stdin=subprocess.DEVNULL)
            for _ in range(3)]
    assert all(run.returncode == 0 for run in runs), runs[-1].stderr[-2000:]
    assert len({run.stdout for run in runs}) == 1
    assert "scipy" in runs[0].stderr and "scipy" in runs[1].stderr
    assert "scipy" not in runs[2].stderr
    # Nor the package metadata (15-20 ms): the record's key names scipy by its files.
    assert "importlib.metadata" not in runs[2].stderr


def test_the_ledger_changes_the_answer_exactly_as_without_the_cache(book: Path,
                                                                    tmp_path: Path) -> None:
    """Introduce the top pair (the cooldown marks both, the pair is hidden), snooze the
    next: every suggestion equals a run without the cache, from a record made before."""
    state = tmp_path / "state.sqlite3"

    def both(*args: str) -> str:
        warm = invoke("--book", book, "--state", state, *args)
        assert warm == invoke("--no-cache", "--book", book, "--state", state, *args)
        assert warm[0] == 0, warm
        return warm[1]

    for _ in range(3):
        first = both("suggest", "--top", "50", "--format", "json")
    assert record(book).is_file()
    top = json.loads(first)["suggestions"]
    assert invoke("--book", book, "--state", state, "record", top[0]["a"]["id"],
                  top[0]["b"]["id"])[0] == 0
    for _ in range(3):
        after = both("suggest", "--top", "50", "--format", "json")
    assert after != first
    assert invoke("--book", book, "--state", state, "snooze", top[1]["a"]["id"],
                  top[1]["b"]["id"], "--for-days", "30")[0] == 0
    for _ in range(3):
        snoozed = both("suggest", "--top", "50", "--format", "json")
        both("suggest", "--include-history")
    assert snoozed != after


def test_warm_today_prints_what_a_run_without_the_cache_prints(book: Path,
                                                               tmp_path: Path) -> None:
    """`today`'s shared pass (the focus person's good pairs and the ranking's first list)
    answered from the record: the table and the json, cold, second and warm, byte for
    byte what --no-cache prints; and again once the focus person's best pair is
    introduced (the ledger's points change, so the record is rebuilt, then answers)."""
    state, kept = tmp_path / "state.sqlite3", tmp_path / "kept.sqlite3"

    def today(*args: str) -> str:
        runs = []
        for flags in (["--no-cache"], [], [], []):  # each from the same ledger: today
            if kept.exists():                          # marks what it shows as shown
                shutil.copyfile(kept, state)
            else:
                state.unlink(missing_ok=True)
            runs.append(invoke(*flags, "--book", book, "--state", state, "today", *args))
        assert runs[0][0] == 0 and runs[0][1], runs[0]
        assert all(run == runs[0] for run in runs), args
        return runs[0][1]

    before = [today(), today("--format", "json")]
    code, _, err = invoke("--verbose", "--book", book, "--state", state, "today")
    assert code == 0 and f"cache: read {record(book)}" in err and "wrote" not in err
    focus = json.loads(before[1])["focus"]
    shutil.copyfile(state, kept)
    assert invoke("--book", book, "--state", kept, "record", focus["id"],
                  focus["best_with"]["id"])[0] == 0
    after = [today(), today("--format", "json")]
    assert json.loads(after[1])["focus"] != focus and after[0] != before[0]


def test_a_warm_today_answered_from_its_record_never_imports_scipy(book: Path,
                                                                    tmp_path: Path) -> None:
    env = dict(os.environ, INTRODUCER_STATE=str(tmp_path / "state.sqlite3"))
    args = [sys.executable, "-X", "importtime", "-m", "introducer", "--book", str(book),
            "today"]
    runs = [subprocess.run(args, cwd=tmp_path, env=env, capture_output=True, text=True,
                           timeout=120, check=False, stdin=subprocess.DEVNULL)
            for _ in range(3)]
    assert all(run.returncode == 0 for run in runs), runs[-1].stderr[-2000:]
    assert runs[1].stdout == runs[2].stdout and "This week's focus" in runs[2].stdout
    assert "scipy" in runs[1].stderr and "scipy" not in runs[2].stderr
    assert "importlib.metadata" not in runs[2].stderr


def test_a_recorded_pass_of_the_wrong_shape_is_computed_again() -> None:
    """A record that holds the call with columns of other kinds or lengths (forged, or
    from code that changed without its FORMAT) is not used: the pass runs."""
    import numpy as np

    from introducer.match.pairs import Reading, no_candidates

    kinds = (np.float64, np.int64)
    right = Reading(no_candidates(), (np.zeros(3), np.zeros(3, dtype=np.int64)))

    def fail() -> index.PairIndex:
        raise AssertionError("the index is not needed")

    def never() -> Reading:
        raise AssertionError("a pass the record holds is not run again")

    for wrong in (Reading(no_candidates(), (np.zeros(3), np.zeros(3))),
                  Reading(no_candidates(), (np.zeros(2), np.zeros(2, dtype=np.int64))),
                  Reading(no_candidates(), (np.zeros(3),)), no_candidates(), 7):
        pairs = RecordedPairs(3, {("good_pass", 1): wrong}, fail, None)
        assert pairs.remembered(("good_pass", 1), kinds, lambda: right) is right
    pairs = RecordedPairs(3, {("good_pass", 1): right}, fail, None)
    assert pairs.remembered(("good_pass", 1), kinds, never) is right


@pytest.mark.parametrize(("spoil", "said"), [
    (_flip_last_byte, "is corrupt"),
    (_truncate, "is truncated"),
    (_foreign, "is not an introducer cache file (or is from another version of it)"),
    (_other_key, "is out of date (the book, its day or introducer changed)"),
])
def test_a_spoilt_record_is_rebuilt_silently(book: Path, spoil: Callable[[Path], None],
                                             said: str) -> None:
    out = [invoke("--book", book, "suggest")[1] for _ in range(3)]
    good = record(book).read_bytes()
    spoil(record(book))
    assert invoke("--book", book, "suggest") == (0, out[0], "")
    assert record(book).read_bytes() == good
    spoil(record(book))
    code, again, err = invoke("--verbose", "--book", book, "suggest")
    assert (code, again) == (0, out[0])
    assert f"cache: {record(book)} {said}; rebuilding it" in err
    assert f"cache: wrote {record(book)}" in err and "Traceback" not in err


def test_a_record_that_is_no_record_is_rebuilt(book: Path) -> None:
    """The right header over bytes that are no record (a forged or garbled payload)."""
    out = invoke("--book", book, "suggest")[1]
    invoke("--book", book, "suggest")
    data = record(book).read_bytes()
    from introducer.book.cache import _PREFIX, MAGIC, write_entry

    assert len(data) > _PREFIX
    write_entry(record(book), data[len(MAGIC):][:32], b"not a record", lambda note: None)
    code, again, err = invoke("--verbose", "--book", book, "suggest")
    assert (code, again) == (0, out)
    assert f"cache: {record(book)} does not read back (" in err
    assert invoke("--verbose", "--book", book, "suggest")[2].endswith(
        f"cache: read {record(book)}\n")


def test_a_record_naming_contacts_the_book_lacks_is_rebuilt(book: Path) -> None:
    """A record whose header and digest are whole, but whose pairs name contacts past the
    end of the book (forged, or written for another book under the same key), is a miss:
    the answer is computed afresh, never an index error."""
    from introducer.book.cache import MAGIC, read_entry, write_entry
    from introducer.match.replay import decode, encode

    out = invoke("--book", book, "suggest")[1]
    invoke("--book", book, "suggest")
    data = record(book).read_bytes()
    key = data[len(MAGIC):][:32]
    answers = read_entry(record(book), key, lambda note: None, lambda raw: decode(raw, 300))
    assert isinstance(answers, dict) and answers
    for answer in answers.values():
        if isinstance(answer, index.Candidates) and len(answer):
            answer.first[0] = 300  # one past the last of the book's 300 contacts
            break
    else:
        pytest.fail("the record holds no list of pairs")
    write_entry(record(book), key, encode(answers, 300), lambda note: None)
    code, again, err = invoke("--verbose", "--book", book, "suggest")
    assert (code, again) == (0, out)
    assert (f"cache: {record(book)} does not read back (ValueError: the record names a "
            "contact the book does not have); rebuilding it") in err
    assert f"cache: wrote {record(book)}" in err and "Traceback" not in err


def test_no_cache_neither_reads_nor_writes_the_record(book: Path) -> None:
    for _ in range(3):
        invoke("--no-cache", "--book", book, "suggest")
    assert not record(book).exists()
    for _ in range(3):
        out = invoke("--book", book, "suggest")[1]
    _flip_last_byte(record(book))
    code, again, err = invoke("--no-cache", "--verbose", "--book", book, "suggest")
    assert (code, again) == (0, out) and str(record(book)) not in err


def test_paths_shows_the_record(book: Path) -> None:
    def place() -> dict[str, object]:
        code, out, _ = invoke("--book", book, "paths", "--format", "json")
        assert code == 0
        found: dict[str, object] = json.loads(out)["paths"]["pairs"]
        return found

    assert place() == {
        "path": str(record(book)), "exists": False,
        "source": "default: user cache folder (platformdirs; $XDG_CACHE_HOME on Linux)"}
    invoke("--book", book, "suggest")
    assert place()["exists"] is False
    invoke("--book", book, "suggest")
    assert place()["exists"] is True
    out = invoke("--no-cache", "--book", book, "paths")[1]
    row = next(line for line in out.splitlines() if line.startswith("pairs "))
    assert str(record(book)) in row and "not used (--no-cache)" in row


@pytest.mark.parametrize(("budget", "reach_limit"), [
    (None, None), (2_000, None), (50_000, None), (2_000, 1_000)])
def test_every_search_the_ranking_makes_is_answered_from_the_record(
        book: Path, budget: int | None, reach_limit: int | None,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """With a pair budget that leaves the common values unproposing, the ranking searches
    by reach; with a search by reach too narrow to settle, deeper, and then it says its
    list is approximate. The record holds each answer, and gives every one back."""
    if reach_limit is not None:
        monkeypatch.setattr(index, "REACH_PAIR_LIMIT", reach_limit)
    fresh = Matchmaker(load_book(book), today=TODAY, pair_budget=budget)
    expected = (fresh.suggest(top=40), fresh.approximate)
    assert (expected[1] is not None) == (reach_limit is not None)
    for run in range(3):
        warm = Matchmaker(load_book_cached(book), today=TODAY, pair_budget=budget)
        assert (warm.suggest(top=40), warm.approximate) == expected
        assert isinstance(warm.pairs, RecordedPairs) or run == 0
    assert isinstance(warm.pairs, RecordedPairs) and not warm.pairs.built


def test_the_search_by_asks_is_answered_from_the_record(
        book: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No split by worth fits and the search by reach is too narrow, as at a million: the
    ranking asks the deeper search again for the least its list needs, and a warm run
    gets that answer (a call of its own) from the record, building no index."""
    import numpy as np

    from introducer.match.index import PairIndex
    from introducer.match.pairs import Candidates

    monkeypatch.setattr(index, "REACH_PAIR_LIMIT", 1_000)
    monkeypatch.setattr(PairIndex, "_deeper_by_worth", lambda *_: None)
    asked: list[float] = []
    deeper = PairIndex.deeper

    def spy(self: PairIndex, keep: int, after: Candidates, least: float = -np.inf
            ) -> Candidates:
        asked.append(least)
        return deeper(self, keep, after, least)

    monkeypatch.setattr(PairIndex, "deeper", spy)
    fresh = Matchmaker(load_book(book), today=TODAY, pair_budget=2_000)
    expected = (fresh.suggest(top=40), fresh.approximate)
    assert any(least > -np.inf for least in asked)
    for run in range(3):
        warm = Matchmaker(load_book_cached(book), today=TODAY, pair_budget=2_000)
        assert (warm.suggest(top=40), warm.approximate) == expected
        assert isinstance(warm.pairs, RecordedPairs) or run == 0
    assert isinstance(warm.pairs, RecordedPairs) and not warm.pairs.built


def test_a_record_gives_back_every_bit_it_was_given_and_keeps_to_its_size() -> None:
    """Totals to the last bit, -inf bounds, positions past int32's products; the lists
    asked for first are the ones kept when they do not all fit."""
    import numpy as np

    from introducer.match.pairs import Candidates, Reading
    from introducer.match.replay import decode, encode

    first = Candidates(np.array([0, 99_999], dtype=np.int64), np.array([5, 99_998]),
                       np.array([0.1 + 0.2, 1e-300]), -np.inf, 43.5)
    second = Candidates(np.array([7], dtype=np.int64), np.array([8]), np.array([-0.0]),
                        2.0, -np.inf)
    answers = {("candidates", 6400, 0, None): first, ("reachable",): 22_361,
               ("unreached_at", 22_361): -np.inf, ("deeper", 6400, "ab" * 32): second,
               ("rough_partners", 3, 29.9, 6): first,
               ("good_pass", 6400, 15.0): Reading(second, (
                   np.array([-np.inf, 0.1 + 0.2, 5e-324]), np.array([-1, 2**40, 0]),
                   np.array([0, 3, 1]), np.array([0.0, -0.0, 1e300])))}
    back = decode(encode(answers, 100_000), 100_000)
    assert back.keys() == answers.keys()
    for call, answer in answers.items():
        got = back[call]
        if isinstance(answer, Reading):
            assert isinstance(got, Reading) and len(got.columns) == len(answer.columns)
            for mine, theirs in zip(got.columns, answer.columns, strict=True):
                assert mine.dtype == theirs.dtype and mine.tobytes() == theirs.tobytes()
            got, answer = got.found, answer.found
        if isinstance(answer, Candidates):
            assert isinstance(got, Candidates)
            assert (got.ceiling, got.unreached) == (answer.ceiling, answer.unreached)
            for mine, theirs in ((got.first, answer.first), (got.second, answer.second),
                                 (got.total, answer.total)):
                assert mine.dtype == theirs.dtype and mine.tobytes() == theirs.tobytes()
        else:
            assert got == answer and type(got) is type(answer)
    kept = decode(encode(answers, 100_000, limit=3), 100_000)
    assert list(kept) == [("candidates", 6400, 0, None), ("reachable",),
                          ("unreached_at", 22_361), ("deeper", 6400, "ab" * 32)]
    # The reading's four columns of three cost 96 bytes: 6 pairs, with its list's one.
    kept = decode(encode({("good_pass", 6400, 15.0): answers[("good_pass", 6400, 15.0)],
                          **answers}, 100_000, limit=7), 100_000)
    assert list(kept)[:2] == [("good_pass", 6400, 15.0), ("reachable",)]
    assert ("candidates", 6400, 0, None) not in kept


def test_a_first_list_that_falls_short_asks_about_twins_from_the_record(
        book: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A first list too short to settle makes the ranking ask whether twins fill the book
    (found from the index) before it widens: the record holds that answer too."""
    from introducer.match import rank

    monkeypatch.setattr(rank.Matchmaker, "_first_keep", lambda self, *_: 4)
    asked: list[bool] = []
    count = rank.Matchmaker._count_twins
    monkeypatch.setattr(rank.Matchmaker, "_count_twins",
                        lambda self: asked.append(True) or count(self))
    expected = Matchmaker(load_book(book), today=TODAY).suggest(top=3, per_person=1)
    assert asked
    for _ in range(3):
        warm = Matchmaker(load_book_cached(book), today=TODAY)
        asked.clear()
        assert warm.suggest(top=3, per_person=1) == expected
    assert isinstance(warm.pairs, RecordedPairs) and not warm.pairs.built and not asked


def test_a_small_book_is_answered_from_its_record_too(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """A personal book's pairs are scored one by one (`small.py`), not indexed; warm, they
    come from the record instead, and suggest, --for and today print what --no-cache does."""
    book = tmp_path / "contacts.yaml"
    book.write_bytes((ROOT / "contacts.yaml.example").read_bytes())
    state = tmp_path / "state.sqlite3"
    asked = [["suggest"], ["suggest", "--top", "50", "--format", "json"],
             ["suggest", "--for", "sofia"], ["today", "--format", "json"]]

    def run(args: list[str], *flags: str) -> tuple[int, str, str]:
        state.unlink(missing_ok=True)  # each from an empty ledger: today marks what it shows
        return invoke(*flags, "--book", book, "--state", state, *args)

    fresh = [run(args, "--no-cache") for args in asked]
    assert all(code == 0 and out for code, out, _ in fresh)
    for _ in range(2):  # the book cached, then read back (the record written)
        for args in asked:
            run(args)
    assert record(book).is_file()

    def scored_again(scorer: object) -> None:
        raise AssertionError("a warm run scored the pairs again")

    monkeypatch.setattr(ScoredPairs, "scored", scored_again)
    for args, expected in zip(asked, fresh, strict=True):
        assert run(args) == expected, args


def _forged(good: bytes, how: str) -> bytes:
    """A small book's record payload, garbled one way or another."""
    if how == "short":
        return good[:5]
    if how == "cut":
        return good[:-8]
    if how == "foreign":
        return b"nope" + good[4:]
    header = 12  # the magic and the count (`small._RECORD`)
    return good[:header] + (10_000).to_bytes(4, sys.byteorder, signed=True) + good[header + 4:]


@pytest.mark.parametrize(("how", "why"), [
    ("short", "ValueError: not a small book's record"),
    ("cut", "ValueError: not a small book's record"),
    ("foreign", "ValueError: not a small book's record"),
    ("past-the-end", "ValueError: the record names a contact the book does not have"),
])
def test_a_small_books_garbled_record_is_rebuilt(tmp_path: Path, how: str, why: str) -> None:
    """A small book's record (plain arrays, `small.py`) whose entry is whole but whose
    payload is not a record of this book is a miss: the pairs are scored afresh and the
    record written again, never an error."""
    from introducer.book.cache import MAGIC, read_entry, write_entry

    book = tmp_path / "contacts.yaml"
    book.write_bytes((ROOT / "contacts.yaml.example").read_bytes())
    out = [invoke("--book", book, "suggest")[1] for _ in range(3)]
    data = record(book).read_bytes()
    key = data[len(MAGIC):][:32]
    good = read_entry(record(book), key, lambda note: None, bytes)
    assert isinstance(good, bytes)
    write_entry(record(book), key, _forged(good, how), lambda note: None)
    code, again, err = invoke("--verbose", "--book", book, "suggest")
    assert (code, again) == (0, out[0])
    assert f"cache: {record(book)} does not read back ({why}); rebuilding it" in err
    assert f"cache: wrote {record(book)}" in err and "Traceback" not in err
    assert read_entry(record(book), key, lambda note: None, bytes) == good


def test_the_index_and_a_small_books_scoring_never_read_each_others_record(
        book: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Both give the same ranking, but not the same answer to every call (a ceiling, a
    bound): each reads only a record its own kind wrote, so the first run after the
    other kind wrote it searches afresh."""
    scorings: list[int] = []
    scored = ScoredPairs.scored

    def counted(scorer: PairScorer) -> ScoredPairs:
        scorings.append(1)
        return scored(scorer)

    monkeypatch.setattr(ScoredPairs, "scored", counted)
    expected = Matchmaker(load_book_cached(book), today=TODAY).suggest(top=40)  # cached
    for turn, small_book in enumerate((0, 1_000, 0, 1_000)):
        searched = []
        for _ in range(3):
            scorings.clear()
            warm = Matchmaker(load_book_cached(book), today=TODAY, small_book=small_book)
            assert warm.suggest(top=40) == expected
            pairs = warm.pairs
            searched.append(pairs.built if isinstance(pairs, RecordedPairs) else bool(scorings))
        assert searched == [True, False, False], turn


def test_a_list_that_cannot_be_proven_comes_back_without_building_the_index(
        book: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Unproven (the search by reach too narrow to settle), the ranking asks whether classes
    of twins could rank the book instead, which the index finds out; the record keeps the
    answer, so a warm run builds no index to hear "none" again (a million contacts: the
    index alone held more than 2 GB)."""
    monkeypatch.setattr(index, "REACH_PAIR_LIMIT", 1_000)
    fresh = Matchmaker(load_book(book), today=TODAY, pair_budget=2_000)
    expected = (fresh.suggest(top=40), fresh.approximate)
    assert expected[1] is not None
    for _ in range(2):  # the book cached, then read back (the record written)
        Matchmaker(load_book_cached(book), today=TODAY, pair_budget=2_000).suggest(top=40)

    def no_index(self: Matchmaker) -> None:
        raise AssertionError("a warm run built the index")

    monkeypatch.setattr(Matchmaker, "index", property(no_index))
    warm = Matchmaker(load_book_cached(book), today=TODAY, pair_budget=2_000)
    assert (warm.suggest(top=40), warm.approximate) == expected
