"""The package's YAML tables read exactly as `yaml.safe_load` reads them, only faster."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

import pytest
import yaml

from introducer import tables


def safe_load(text: str) -> object:
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


@pytest.mark.parametrize(("package", "name"), [
    ("introducer.book", "professions.yaml"),
    ("introducer.book", "events.yaml"),
    ("introducer.book", "groups.yaml"),
    ("introducer.book", "starter.yaml"),
    ("introducer.drafts", "phrases.yaml"),
])
def test_every_shipped_table_reads_as_safe_load_reads_it(package: str, name: str) -> None:
    text = files(package).joinpath(name).read_text(encoding="utf-8")
    read = tables.read_table(package, name)
    assert read == safe_load(text)
    assert repr(read) == repr(safe_load(text))  # the same types too: True is not 1


@pytest.mark.parametrize("text", [
    "a: true\nb: no\nc: 0.6\nd: 12\ne: ~\nf:\ng: '12'\nh: \"true\"\ni: 2026-10-02\nj: -.5\n",
    "- [1, two, 3.0]\n- {k: v, yes: on}\n- ''\n- 0x1f\n- 1_000\n- .inf\n- 1:30\n",
    "plain text\n",
    "key: |\n  a block\n  of text\n",
    "nested:\n  deeper:\n    - a\n    - {b: [c, d]}\n",
    # What this reader leaves to PyYAML, and PyYAML's answer still comes back:
    "base: &b {x: 1}\nderived:\n  <<: *b\n  y: 2\n",
    "a: !!str 12\nb: !!int '7'\n",
    "? [a, b]\n: complex key\n",
    "",
    "--- a\n--- b\n",
])
def test_a_table_reads_as_safe_load_whatever_it_uses(text: str, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "t.yaml").write_text(text, encoding="utf-8")
    monkeypatch.setattr(tables, "files", lambda package: tmp_path)
    try:
        expected = safe_load(text)
    except yaml.YAMLError:
        with pytest.raises(yaml.YAMLError):
            tables.read_table("anything", "t.yaml")
        return
    assert repr(tables.read_table("anything", "t.yaml")) == repr(expected)


def test_the_shipped_tables_never_need_pyyaml_s_constructor(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The slow path is for tables this reader does not know; the shipped ones are not."""
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("yaml.load was called")

    monkeypatch.setattr(yaml, "load", refuse)
    for name in ("professions.yaml", "events.yaml", "groups.yaml"):
        assert isinstance(tables.read_table("introducer.book", name), dict)
