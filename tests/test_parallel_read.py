"""A big book is read on every core (book/parallel.py): the same book, and the same
problems in the same words, lines and order, as one pass over the whole file.

The size and load thresholds are lowered here, so every book of two contacts or more
is read in pieces; the loader's and the hostile-input suites run again that way (not
check's: it reads books through the same loader, and forking from a test process grown
big by the whole suite made those reruns a fifth of `make test`).
"""

from __future__ import annotations

import itertools
import pickle
from pathlib import Path

import pytest

from introducer.book import parallel
from introducer.book.load import load_book, load_what_loads
from introducer.book.model import Book, PartialBook
from introducer.errors import BookError, Problem
from tests.test_hostile import *  # noqa: F403 - every case again, read in pieces
from tests.test_load import *  # noqa: F403


@pytest.fixture(autouse=True)
def _read_in_pieces(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "MIN_BYTES", 0)
    monkeypatch.setattr(parallel, "idle_cores", lambda: 2)


def outcome(path: Path) -> tuple[Book | None, list[Problem]]:
    try:
        return load_book(path), []
    except BookError as error:
        return None, list(error.problems)


def one_pass(path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Book | None, list[Problem]]:
    with monkeypatch.context() as patch:
        patch.setattr(parallel, "MIN_BYTES", 1 << 62)
        return outcome(path)


def contact(i: int) -> str:
    return (f"- name: Person {i}\n  business: trade {i % 5}\n  clients: [retirees, c{i % 3}]\n"
            f"  events:\n    - event: moving\n      date: 2026-0{1 + i % 9}-1{i % 10}\n")


def indented(text: str, by: int) -> str:
    return "".join(" " * by + line if line.strip() else line
                   for line in text.splitlines(keepends=True))


def book_text(contacts: int = 12, indent: int = 0, middle: str = "", after: str = "") -> str:
    items = [indented(contact(i), indent) for i in range(contacts)]
    items.insert(contacts // 2, indented(middle, indent))
    return "me:\n  name: Me\ncontacts:\n" + "".join(items) + after


def test_a_clean_book_is_read_in_pieces_and_is_the_same_book(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    used: list[bool] = []
    read = parallel.read_in_parallel
    monkeypatch.setattr("introducer.book.load.read_in_parallel",
                        lambda data, file: used.append(True) or read(data, file))
    for indent, after in itertools.product((0, 2), ("", "settings:\n  weekly_goal: 3\n")):
        path = tmp_path / f"book-{indent}-{len(after)}.yaml"
        path.write_text(book_text(40, indent, after=after), encoding="utf-8")
        quick = parallel.read_in_parallel(path.read_bytes(), str(path))
        assert quick is not None and len(quick.contacts) == 40
        book, problems = outcome(path)
        assert problems == [] and book is not None
        whole = one_pass(path, monkeypatch)[0]
        assert (book, book.field_lines) == (whole, whole.field_lines)
        # Held as compactly (each piece shares its layouts and empty lists): the cache's
        # entry is as small, but for a piece's own copy of what it shares.
        assert len(pickle.dumps(book)) - len(pickle.dumps(whole)) < 400
        assert book.settings.weekly_goal == (3 if after else 5)
        assert book.line_of(39, "events") == 4 + 39 * 6 + 3
    assert used


def plain_contact(i: int) -> str:
    """A contact as a generated or exported book writes it: every line plain."""
    return (f"- name: Person {i}\n  business: trade {i % 5}\n  clients: [retirees, c{i % 3}]\n"
            f"  events:\n  - {{event: moving, date: 2026-0{1 + i % 9}-1{i % 10}}}\n"
            f"  - new baby\n  hobbies: []\n")


@pytest.mark.parametrize("cores", [1, 3])
def test_plainly_written_contacts_read_as_one_pass_reads_them(
        cores: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "idle_cores", lambda: cores)
    if cores == 1:
        monkeypatch.setattr(parallel, "_Child", None)  # read in this process: no fork
    path = tmp_path / "contacts.yaml"
    items = [indented(plain_contact(i), 2) for i in range(200)]
    items[100] = indented(contact(100), 2)  # one written otherwise, among them
    path.write_text("me:\n  name: Me\ncontacts:\n" + "".join(items), encoding="utf-8")
    quick = parallel.read_in_parallel(path.read_bytes(), str(path))
    assert quick is not None and len(quick.contacts) == 200
    book, problems = outcome(path)
    expected = one_pass(path, monkeypatch)[0]
    assert problems == [] and book is not None and expected is not None
    assert (book, book.field_lines) == (expected, expected.field_lines)
    assert book.contacts[7].events[0].event == "moving"


HAZARDS = {
    # A cut before an item-looking line inside a quoted value, a flow list, a block text.
    "quoted": '- name: Quoted\n  notes: "one\n- name: two"\n',
    "single quoted": "- name: Quoted\n  notes: 'one\n- name: two'\n",
    "flow": "- name: Flow\n  clients: [a,\n- b]\n",
    "flow mapping": "- {name: Flow,\n- clients: b}\n",
    "block text": "- name: Block\n  notes: |\n    - name: not a contact\n",
    "plain continued": "- name: Plain\n  notes: one\n   two\n",
    "comment": "# - name: commented out\n- name: Commented\n",
    # Problems a piece must not hide, nor report at the wrong line.
    "duplicate key": "- name: Twice\n  name: Again\n",
    "tag": "- name: !!python/object:os.system x\n",
    "bad contact": "- name: Bad\n  closeness: 9\n",
    "unknown key": "- name: Typo\n  hobies: [chess]\n",
    "not a mapping": "- just text\n",
    "duplicate id": "- name: Person 1\n",
    "tab": "- name: Tab\n\tbusiness: x\n",
    "syntax": "- name: [unclosed\n",
    "second document": "---\n- name: Later\n",
    "document end": "...\n",
    "directive": "%YAML 1.1\n",
    "top-level key": "settings:\n  weekly_goal: 2\n",
    "anchor and alias": "- &p\n  name: Anchored\n- *p\n",
    "merge": "- name: Merged\n  <<: {business: x}\n",
    "deep": "- name: Deep\n  notes: " + "[" * 99 + "]" * 99 + "\n",
    "empty item": "-\n",
    "crlf": "- name: Crlf\r\n  business: x\r\n",
    "lone cr": "- name: Cr\r  business: x\n",
    "next line": "- name: Nel\u0085  business: x\n",
    "not utf-8": "- name: Caf\udce9\n",
}


@pytest.mark.parametrize("cores", [1, 16])  # in this process alone; a cut before most items
@pytest.mark.parametrize("indent", [0, 2])
@pytest.mark.parametrize("name", sorted(HAZARDS))
def test_a_book_with_a_hazard_reads_as_one_pass_reads_it(
        name: str, indent: int, cores: int, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "idle_cores", lambda: cores)
    path = tmp_path / "contacts.yaml"
    text = book_text(10, indent, HAZARDS[name])
    path.write_bytes(text.encode("utf-8", "surrogateescape"))
    book, problems = outcome(path)
    expected_book, expected_problems = one_pass(path, monkeypatch)
    assert problems == expected_problems
    assert book == expected_book
    if book is not None and expected_book is not None:
        assert book.field_lines == expected_book.field_lines
        assert book.contact_lines == expected_book.contact_lines


def test_the_lenient_reader_gets_the_same_partial_book(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("bad contact", "duplicate id", "merge"):
        path = tmp_path / "contacts.yaml"
        path.write_text(book_text(10, 0, HAZARDS[name]), encoding="utf-8")
        quick = load_what_loads(path)
        with monkeypatch.context() as patch:
            patch.setattr(parallel, "MIN_BYTES", 1 << 62)
            usual = load_what_loads(path)
        assert isinstance(quick, PartialBook)
        assert (quick, quick.book.field_lines) == (usual, usual.book.field_lines)


def test_a_child_that_dies_leaves_the_book_to_one_pass(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "contacts.yaml"
    path.write_text(book_text(30), encoding="utf-8")
    monkeypatch.setattr(parallel, "_answer", lambda *args: parallel.os._exit(3))
    assert parallel.read_in_parallel(path.read_bytes(), str(path)) is None
    book, problems = outcome(path)
    assert problems == [] and book == one_pass(path, monkeypatch)[0]


def test_no_process_to_be_had_leaves_the_book_to_one_pass(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "contacts.yaml"
    path.write_text(book_text(30), encoding="utf-8")

    def refused() -> int:
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(parallel.os, "fork", refused)
    book, problems = outcome(path)
    assert problems == [] and book == one_pass(path, monkeypatch)[0]
