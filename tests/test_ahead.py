"""A big book's feature blocks built ahead on an idle core (match/ahead.py): the blocks
and the preparation one process builds, bit for bit, the same suggestions, and no
process left behind. The size and load thresholds are lowered here."""

from __future__ import annotations

import os
import pickle
import sys
from pathlib import Path

import pytest

from introducer.book import parallel
from introducer.book.load import load_book
from introducer.book.model import Book
from introducer.match import ahead
from introducer.match.features import Block, Matrix, feature_blocks
from introducer.match.profile import PreparedBook
from introducer.match.rank import Matchmaker
from tests.cli_helpers import invoke
from tests.conftest import EXAMPLE_BOOK
from tests.test_score_properties import TODAY

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import generate


@pytest.fixture(autouse=True)
def started(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The children started, by pid."""
    monkeypatch.setattr(ahead, "AHEAD_CONTACTS", 0)
    monkeypatch.setattr(parallel, "idle_cores", lambda ours=0: 2)
    pids: list[int] = []

    class Counted(ahead._Child):
        def __init__(self, prepared: PreparedBook) -> None:
            super().__init__(prepared)
            pids.append(self.pid)

    monkeypatch.setattr(ahead, "_Child", Counted)
    return pids


@pytest.fixture
def answered(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Whether each child's answer was taken (it built its families, nothing failed)."""
    taken: list[bool] = []
    result = ahead._Child.result

    def recorded(child: ahead._Child) -> dict[str, list[Block]] | None:
        found = result(child)
        taken.append(found is not None)
        return found

    monkeypatch.setattr(ahead._Child, "result", recorded)
    return taken


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated book of 400 contacts (the benchmarks' vocabularies, events, asks)."""
    return Path(generate.write(400, tmp_path_factory.mktemp("books")))


def matrix_bytes(matrix: Matrix) -> tuple[object, ...]:
    return (matrix.shape, matrix.dtype, matrix.indices.dtype, matrix.indptr.dtype,
            matrix.indptr.tobytes(), matrix.indices.tobytes(), matrix.data.tobytes(),
            matrix.has_sorted_indices)


def as_bytes(blocks: list[Block]) -> list[tuple[object, ...]]:
    return [(b.name, b.symmetric, b.generate, matrix_bytes(b.left), matrix_bytes(b.right))
            for b in blocks]


def preparation(prepared: PreparedBook) -> tuple[object, ...]:
    return (prepared.profiles, prepared.holders, prepared.display, prepared.couples,
            prepared.avoided, prepared.vouch.tobytes(), prepared.index_of,
            prepared.acquaintance.member_of, prepared.me_business)


def built_ahead(book: Book) -> tuple[PreparedBook, list[Block]]:
    prepared = PreparedBook(book, today=TODAY, halfway=ahead.start)
    assert len(ahead._children) == 1  # a child builds some of them
    blocks = ahead.feature_blocks(prepared)
    assert ahead._children == []
    return prepared, blocks


def one_process(book: Book) -> tuple[PreparedBook, list[Block]]:
    prepared = PreparedBook(book, today=TODAY)
    return prepared, feature_blocks(prepared)


@pytest.mark.parametrize("which", ["example", "generated"])
def test_blocks_built_ahead_are_the_blocks_one_process_builds(
        which: str, generated: Path, answered: list[bool]) -> None:
    book = load_book(EXAMPLE_BOOK if which == "example" else generated)
    prepared, blocks = built_ahead(book)
    assert answered == [True]  # the child's families were taken, not built again
    alone, expected = one_process(book)
    assert as_bytes(blocks) == as_bytes(expected)
    assert preparation(prepared) == preparation(alone)


def test_the_suggestions_are_the_same_with_blocks_built_ahead(
        generated: Path, monkeypatch: pytest.MonkeyPatch, started: list[int]) -> None:
    book = load_book(generated)
    ahead_list = Matchmaker(book, today=TODAY).suggest(top=50)
    assert len(started) == 1 and ahead._children == []  # the index took the child's blocks
    with monkeypatch.context() as patch:
        patch.setattr(parallel, "idle_cores", lambda ours=0: 1)
        alone_list = Matchmaker(book, today=TODAY).suggest(top=50)
    assert ahead_list == alone_list and len(alone_list) == 50


def test_the_command_prints_the_same_list(generated: Path, monkeypatch: pytest.MonkeyPatch,
                                           started: list[int]) -> None:
    args = ("--no-cache", "suggest", "--top", "20", "--format", "json")
    first = invoke(generated, *args)
    assert len(started) == 1 and ahead._children == []
    monkeypatch.setattr(parallel, "idle_cores", lambda ours=0: 1)
    assert invoke(generated, *args) == first and first[0] == 0


@pytest.mark.parametrize("child", ["dies", "sends something else"])
def test_a_child_that_fails_leaves_the_blocks_to_the_parent(
        child: str, monkeypatch: pytest.MonkeyPatch, generated: Path,
        answered: list[bool]) -> None:
    def dies(pipe: int, prepared: PreparedBook) -> None:
        os._exit(3)

    def lies(pipe: int, prepared: PreparedBook) -> None:
        with os.fdopen(pipe, "wb") as out:
            out.write(pickle.dumps({"shared_values": "nothing"}))
        os._exit(0)

    monkeypatch.setattr(ahead, "_build", dies if child == "dies" else lies)
    book = load_book(generated)
    assert as_bytes(built_ahead(book)[1]) == as_bytes(one_process(book)[1])
    assert answered == [False]


def test_a_child_nobody_asks_is_stopped_and_reaped(generated: Path) -> None:
    PreparedBook(load_book(generated), today=TODAY, halfway=ahead.start)
    pid = ahead._children[0].pid
    ahead.stop_all()
    assert ahead._children == []
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


def test_a_busy_machine_or_a_small_book_builds_them_alone(
        monkeypatch: pytest.MonkeyPatch, started: list[int]) -> None:
    book = load_book(EXAMPLE_BOOK)
    with monkeypatch.context() as patch:
        patch.setattr(parallel, "idle_cores", lambda ours=0: 1)
        PreparedBook(book, today=TODAY, halfway=ahead.start)
    monkeypatch.setattr(ahead, "AHEAD_CONTACTS", 31)
    prepared = PreparedBook(book, today=TODAY, halfway=ahead.start)
    assert started == []
    assert as_bytes(ahead.feature_blocks(prepared)) == as_bytes(one_process(book)[1])
