"""The manual covers the tool: every command and option is in docs/, every --help has an
example that parses, the weights table lists every default, and completion works as
docs/completion.md says (sqlite-utils' tests/test_docs.py is the model)."""

from __future__ import annotations

import dataclasses
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from introducer.book.schema import Weights
from introducer.cli.app import app

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
COMMANDS = DOCS / "commands"
GROUP: Any = typer.main.get_command(app)
#: The ledger's commands share one page; every other command has its own.
LEDGER = {"record", "outcome", "followups", "snooze", "never", "received", "contacted",
          "undo", "history", "stats", "rename", "import-history"}
#: Options every command page may leave to the overview (docs/commands/README.md).
SHARED = {"--book", "--state", "--format", "--help"}
NAMES = sorted(GROUP.commands)


def page(name: str) -> Path:
    return COMMANDS / ("ledger.md" if name in LEDGER else f"{name}.md")


def long_options(command: Any) -> list[str]:
    return [option for param in command.params
            for option in (*param.opts, *getattr(param, "secondary_opts", ()))
            if option.startswith("--")]


def help_text(*args: str) -> str:
    result = CliRunner().invoke(app, [*args, "--help"], prog_name="introducer")
    assert result.exit_code == 0, result.output
    return result.output


def test_the_readme_links_into_the_manual_and_every_link_resolves() -> None:
    readme = ROOT / "README.md"
    assert "docs/README.md" in readme.read_text(encoding="utf-8")
    for source in [readme, *DOCS.rglob("*.md")]:
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", source.read_text("utf-8")):
            if not target.startswith(("http://", "https://", "mailto:")):
                assert (source.parent / target).exists(), f"{source}: broken link {target}"


@pytest.mark.parametrize("name", NAMES)
def test_every_command_has_its_page(name: str) -> None:
    text = page(name).read_text(encoding="utf-8")
    assert f"`introducer {name}" in text, f"{page(name)} does not document `introducer {name}`"
    overview = (COMMANDS / "README.md").read_text(encoding="utf-8")
    assert f"`introducer {name}" in overview, f"the overview's table misses {name}"


@pytest.mark.parametrize("name", NAMES)
def test_every_option_is_documented(name: str) -> None:
    text = page(name).read_text(encoding="utf-8")
    missing = [option for option in long_options(GROUP.commands[name])
               if option not in SHARED and option not in text]
    assert not missing, f"{page(name)} does not mention {', '.join(missing)} of {name}"


def test_the_global_options_are_documented() -> None:
    manual = "\n".join(path.read_text(encoding="utf-8") for path in DOCS.rglob("*.md"))
    missing = [option for option in long_options(GROUP) if option not in manual]
    assert not missing, f"docs/ does not mention {', '.join(missing)}"


def examples(text: str) -> list[str]:
    """The command lines under Example:/Examples: in a --help text."""
    found = re.findall(r"^\s*Example: (introducer .+)$", text, re.MULTILINE)
    block = re.search(r"^\s*Examples:\n\n((?:\s+introducer .+\n)+)", text, re.MULTILINE)
    if block:
        found += [line.strip() for line in block.group(1).splitlines()]
    return found


@pytest.mark.parametrize("name", NAMES)
def test_every_help_has_an_example_that_parses(name: str) -> None:
    found = examples(help_text(name))
    assert found, f"`introducer {name} --help` has no Example: line"
    for line in found:
        words = shlex.split(line.split(" > ")[0])[1:]
        assert name in words, line
        at = words.index(name)
        assert all(word.startswith("-") or words[i - 1] in ("--book", "-b", "--state")
                   for i, word in enumerate(words[:at])), f"{line}: {name} is not the command"
        root = GROUP.make_context("introducer", [*words[:at], name], resilient_parsing=True)
        with GROUP.commands[name].make_context(name, words[at + 1:], parent=root) as parsed:
            assert parsed.params is not None, line


def test_usage_lines_read_naturally() -> None:
    assert "Usage: introducer draft [OPTIONS] [A] [B]" in help_text("draft")
    assert "Usage: introducer explain [OPTIONS] A B" in help_text("explain")
    for name in NAMES:
        usage = help_text(name).splitlines()[0]
        assert "[[" not in usage and "{" not in usage, usage


def test_the_weights_table_lists_every_weight_with_its_default() -> None:
    text = (DOCS / "scoring.md").read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\| `([a-z_]+)` \| [^\n]*? \| ([0-9.]+) \| [^|\n]* \|$", text,
                           re.MULTILINE))
    for info in dataclasses.fields(Weights):
        field = info.name
        assert field in rows, f"docs/scoring.md's table has no row for {field}"
        assert float(rows[field]) == info.default, (
            f"docs/scoring.md gives {field} {rows[field]}, Weights says {info.default}")


def complete(env: dict[str, str]) -> str:
    done = subprocess.run([sys.executable, "-m", "introducer"], capture_output=True, text=True,
                          env={**os.environ, **env}, check=False, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_completion_works_as_documented() -> None:
    text = (DOCS / "completion.md").read_text(encoding="utf-8")
    assert "introducer --install-completion" in text and "introducer --show-completion" in text
    assert "--install-completion" in help_text() and "--show-completion" in help_text()
    for shell in ("bash", "zsh", "fish"):
        assert f"_INTRODUCER_COMPLETE=source_{shell}" in text
        assert "_INTRODUCER_COMPLETE=complete_" in complete({"_INTRODUCER_COMPLETE":
                                                            f"source_{shell}"})
    bash = {"_INTRODUCER_COMPLETE": "complete_bash"}
    assert complete({**bash, "COMP_WORDS": "introducer dr", "COMP_CWORD": "1"}).split() == [
        "draft"]
    offered = complete({**bash, "COMP_WORDS": "introducer outcome maria tom ", "COMP_CWORD": "4"})
    assert offered.split() == ["accepted", "declined", "met", "business", "no-reply"]
