"""Finding the book and the state file, in the order the SPEC gives."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from introducer.book.locate import (
    BOOK_ENV,
    STATE_ENV,
    find_book,
    state_path,
    user_book_path,
)
from introducer.errors import EXIT_DATA, IntroducerError


def touch(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("contacts: []\n", encoding="utf-8")
    return path


@pytest.fixture
def everywhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """A book in every place the tool looks (the test runs inside tmp_path)."""
    books = {
        "flag": touch(tmp_path / "flag.yaml"),
        "env": touch(tmp_path / "env.yaml"),
        "cwd": touch(Path("contacts.yaml")),
        "user": touch(user_book_path()),
    }
    monkeypatch.setenv(BOOK_ENV, str(books["env"]))
    return books


@pytest.mark.skipif(sys.platform != "linux", reason="XDG_CONFIG_HOME is a Linux convention")
def test_the_user_book_lives_in_the_config_dir(tmp_path: Path) -> None:
    assert user_book_path() == tmp_path / "config" / "introducer" / "contacts.yaml"


def test_the_flag_wins_over_everything(everywhere: dict[str, Path]) -> None:
    assert find_book(everywhere["flag"]) == everywhere["flag"]


def test_the_environment_wins_over_the_usual_places(everywhere: dict[str, Path]) -> None:
    assert find_book(None) == everywhere["env"]


def test_the_current_directory_wins_over_the_config_dir(
    everywhere: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(BOOK_ENV)
    assert find_book(None) == Path("contacts.yaml")
    Path("contacts.yaml").unlink()
    assert find_book(None) == everywhere["user"]


def test_an_empty_environment_variable_counts_as_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    touch(Path("contacts.yaml"))
    monkeypatch.setenv(BOOK_ENV, "")
    assert find_book(None) == Path("contacts.yaml")


def test_a_named_book_that_is_missing_is_an_error_not_a_fallback(
    everywhere: dict[str, Path],
) -> None:
    with pytest.raises(IntroducerError) as caught:
        find_book(Path("typo.yaml"))
    assert caught.value.message == (
        "no contact book at typo.yaml (from --book); create one with `introducer init typo.yaml`"
    )
    assert caught.value.exit_code == EXIT_DATA


def test_a_missing_book_from_the_environment_names_the_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(BOOK_ENV, "gone.yaml")
    with pytest.raises(IntroducerError, match=r"\(from \$INTRODUCER_BOOK\)"):
        find_book(None)


def test_a_directory_is_not_a_book(tmp_path: Path) -> None:
    with pytest.raises(IntroducerError, match="is a directory"):
        find_book(tmp_path)


def test_no_book_anywhere_names_the_places_and_the_fix() -> None:
    with pytest.raises(IntroducerError) as caught:
        find_book(None)
    message = caught.value.message
    assert "contacts.yaml" in message and str(user_book_path()) in message
    assert "introducer init" in message and "--book" in message


def test_state_lives_beside_the_book_unless_told_otherwise(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    book = tmp_path / "work" / "people.yaml"
    assert state_path(book, None) == tmp_path / "work" / "people.introducer.sqlite3"
    monkeypatch.setenv(STATE_ENV, str(tmp_path / "env.sqlite3"))
    assert state_path(book, None) == tmp_path / "env.sqlite3"
    assert state_path(book, Path("flag.sqlite3")) == Path("flag.sqlite3")
