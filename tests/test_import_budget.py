"""Light commands import only what they use: a personal book's `suggest` never pays for numpy.

Each command runs in its own process (`-X importtime` lists every module it imported),
on the example book, with its output piped as a script would read it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parent.parent / "contacts.yaml.example"
BOOK_FREE = ["typer", "rich", "pydantic", "numpy", "scipy", "jinja2", "yaml"]
# The example book is small: no sparse index, and its pairs, scored one by one, are held in
# plain lists (`match/small.py`), so not even numpy. rich is for a terminal: a piped table and
# explain's lines are plain text, and the example's names are Latin letters, which a piped
# table measures without `rich.cells`. Fuzzy matching is for a book with a mistake in it
# or a contact named loosely; the config folder for a book not named (each costs a light
# command about a tenth of its time).
MATCHING = ["numpy", "scipy", "jinja2", "rich", "rapidfuzz", "platformdirs"]


def imported(args: list[str], tmp_path: Path) -> set[str]:
    """Every module a whole `introducer` process imports for `args`."""
    env = dict(os.environ, INTRODUCER_TODAY="2026-12-01", NO_COLOR="1")
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "introducer", *args],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60, check=False,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    lines = [line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines()
             if line.startswith("import time:")]
    return set(lines)


def heavy(modules: set[str], forbidden: list[str]) -> list[str]:
    return sorted(name for name in forbidden
                  if any(m == name or m.startswith(name + ".") for m in modules))


def on_example(tmp_path: Path, *args: str) -> list[str]:
    return ["--book", str(EXAMPLE), "--state", str(tmp_path / "state.sqlite3"), *args]


@pytest.mark.parametrize(("args", "forbidden"), [
    (["--version"], BOOK_FREE),
    (["--help"], ["rich", "pydantic", "numpy", "scipy", "jinja2", "yaml", "rapidfuzz",
                  "platformdirs"]),
    (["suggest"], MATCHING),
    (["suggest", "--format", "json"], MATCHING),
    (["today"], MATCHING),
    (["gaps", "--format", "json"], ["numpy", "scipy", "jinja2", "rich"]),
    (["explain", "maria-lopez", "lucy-tran", "--format", "json"], MATCHING),
    (["explain", "maria-lopez", "lucy-tran"], MATCHING),
    (["record", "maria-lopez", "lucy-tran"], MATCHING),
])
def test_a_light_command_imports_no_heavy_module_it_does_not_need(
    tmp_path: Path, args: list[str], forbidden: list[str]
) -> None:
    full = args if args[0].startswith("--") else on_example(tmp_path, *args)
    assert heavy(imported(full, tmp_path), forbidden) == []


# A warm run (the book and the day's preparation in the cache) reads no YAML at all: the
# knowledge tables come back with the preparation. Nor does it validate anything, so it
# never imports pydantic (the book's records are plain dataclasses) nor the package
# metadata pydantic's plugin loader scans, and Typer below 0.29 builds no validator per
# option.
WARM = [*MATCHING, "yaml", "pydantic", "pydantic_core", "importlib.metadata",
        "typer._adapters"]


@pytest.mark.parametrize(("args", "forbidden"), [
    (["suggest"], WARM),
    (["suggest", "--for", "amir-haddad"], WARM),
    (["today", "--format", "json"], WARM),
    (["explain", "maria-lopez", "lucy-tran", "--format", "json"], WARM),
    (["record", "maria-lopez", "lucy-tran"], WARM),
    (["contacts", "--format", "json"], WARM),
])
def test_a_warm_command_imports_no_yaml(
    tmp_path: Path, args: list[str], forbidden: list[str]
) -> None:
    full = on_example(tmp_path, *args)
    for _ in range(2):  # the first run caches the book, the second its preparation
        imported(on_example(tmp_path, "suggest"), tmp_path)
    assert heavy(imported(full, tmp_path), forbidden) == []


@pytest.mark.parametrize(("args", "own"), [
    (["suggest"], "commands_match"),
    (["today"], "commands_today"),
    (["record", "maria-lopez", "lucy-tran"], "commands_ledger"),
])
def test_a_named_command_imports_its_own_command_module_alone(
    tmp_path: Path, args: list[str], own: str
) -> None:
    # The command modules are imported by name (importlib), which -X importtime does not
    # list: the run says what it holds once the command is done.
    probe = ("import sys; from introducer.cli.app import run; code = run(sys.argv[1:]); "
             "print(sorted(m for m in sys.modules if m.startswith('introducer.cli.commands_')),"
             " file=sys.stderr); sys.exit(code)")
    env = dict(os.environ, INTRODUCER_TODAY="2026-12-01", NO_COLOR="1")
    done = subprocess.run([sys.executable, "-c", probe, *on_example(tmp_path, *args)],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60,
                          check=False, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stderr.strip().splitlines()[-1] == repr([f"introducer.cli.{own}"])
