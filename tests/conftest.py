"""Shared fixtures: an isolated environment per test and small book factories."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import settings

from introducer.book.model import Book
from introducer.book.schema import Contact, Settings
from introducer.book.validation import validate

TODAY = "2026-11-23"

# No example may fail for taking long: hypothesis's default deadline (200 ms) is the wall
# clock's, and a whole suite on both cores of a busy machine passes it (a CSV import's
# round trip took 334 ms once, 10 ms when replayed). Tests check what is done, not how fast.
settings.register_profile("introducer", deadline=None)
settings.load_profile("introducer")


@pytest.fixture(autouse=True)
def isolated_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    """Every test runs in its own folder, with no book or config from the real user."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("INTRODUCER_BOOK", raising=False)
    monkeypatch.delenv("INTRODUCER_STATE", raising=False)
    monkeypatch.delenv("INTRODUCER_DEBUG", raising=False)
    monkeypatch.setenv("INTRODUCER_TODAY", TODAY)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    # The book's cache (book/cache.py) goes here, never into the user's own cache.
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("COLUMNS", "200")
    yield


BookWriter = Callable[..., Path]


@pytest.fixture
def write_book(tmp_path: Path) -> BookWriter:
    """Write a book from plain data (contacts as dicts) and return its path."""

    def write(
        contacts: Sequence[Mapping[str, Any]],
        *,
        settings: Mapping[str, Any] | None = None,
        me: Mapping[str, Any] | None = None,
        name: str = "contacts.yaml",
    ) -> Path:
        data: dict[str, Any] = {}
        if me is not None:
            data["me"] = dict(me)
        if settings is not None:
            data["settings"] = dict(settings)
        data["contacts"] = [dict(c) for c in contacts]
        path = tmp_path / name
        path.write_text(
            yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8"
        )
        return path

    return write


def make_book(
    contacts: Sequence[Mapping[str, Any]], settings: Mapping[str, Any] | None = None
) -> Book:
    """A Book built in memory, bypassing YAML, for scorer tests."""
    models = tuple(validate(Contact, dict(c)) for c in contacts)
    return Book(
        path=Path("memory.yaml"),
        settings=validate(Settings, dict(settings or {})),
        contacts=models,
        contact_lines=tuple(range(1, len(models) + 1)),
        field_lines=tuple({} for _ in models),
    )


EXAMPLE_BOOK = Path(__file__).resolve().parent.parent / "contacts.yaml.example"
