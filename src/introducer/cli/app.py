"""The Typer application: parses arguments, calls the core, renders. Nothing else."""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperArgument, TyperCommand, TyperGroup

from introducer import __version__
from introducer.cli.console import no_color_requested
from introducer.lifetime import hold_nothing
from introducer.streams import output_failed, silence_stdout


class _ReaderGoneError(Exception):
    """stdout's reader went away; carried past click, which would make it exit status 1."""


class _Group(TyperGroup):
    """The command group, with one change: a closed pipe is not click's to handle.

    click (inside Typer) catches a broken pipe itself and exits with status 1, which
    a script cannot tell from a data error; `run` gives the 141 a shell gives SIGPIPE.
    """

    def invoke(self, ctx: Any) -> Any:  # click.Context, vendored inside Typer
        try:
            return super().invoke(ctx)
        except BrokenPipeError as error:
            raise _ReaderGoneError from error


class _Command(TyperCommand):
    """A command whose usage line reads naturally: `draft [OPTIONS] [A] [B]`, `explain A B`.

    Typer writes a required argument as `{A}` and an optional one as `[[A]]` when its
    metavar already has brackets; this writes NAME when it is required, [NAME] when not.
    """

    def collect_usage_pieces(self, ctx: Any) -> list[str]:  # click.Context, inside Typer
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if isinstance(param, TyperArgument):
                name = (param.metavar or param.name or "").strip("[]{}").upper()
                name = name if param.required else f"[{name}]"
                pieces.append(name + ("..." if param.nargs != 1 else ""))
            else:
                pieces.extend(param.get_usage_pieces(ctx))
        return pieces


def _typer() -> typer.Typer:
    return typer.Typer(
        name="introducer",
        cls=_Group,
        help="Proactive introductions: who in your contact book should meet, and why.",
        no_args_is_help=True,
        add_completion=True,
        pretty_exceptions_enable=False,
        # Panels and colour for a person at a terminal; plain click help when piped.
        rich_markup_mode="rich" if sys.stdout.isatty() and not no_color_requested() else None,
        context_settings={"help_option_names": ["-h", "--help"]},
    )


def _version(value: bool) -> None:
    if value:
        typer.echo(f"introducer {__version__}")
        raise typer.Exit()


def main(
    ctx: typer.Context,
    book: Annotated[
        Path | None,
        typer.Option(
            "--book",
            "-b",
            help="Contact book to read (default: $INTRODUCER_BOOK, ./contacts.yaml, "
            "then the user config folder).",
            show_default=False,
        ),
    ] = None,
    state: Annotated[
        Path | None,
        typer.Option(
            "--state",
            help="State file with the history (default: $INTRODUCER_STATE, then "
            "<book stem>.introducer.sqlite3 beside the book).",
            show_default=False,
        ),
    ] = None,
    no_cache: Annotated[
        bool,
        typer.Option("--no-cache", help="Read and validate the book afresh, and neither read "
                     "nor write its cache (`introducer paths` shows where it is)."),
    ] = False,
    verbose: Annotated[
        bool,
        typer.Option("--verbose", help="Say on stderr how the book was read (from its cache, "
                     "or afresh and why)."),
    ] = False,
    version: Annotated[
        bool,
        typer.Option("--version", "-V", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """Proactive introductions: who in your contact book should meet, and why."""
    ctx.obj = {"book": book, "state": state, "cache": not no_cache, "verbose": verbose}
    hold_nothing()


#: Said under every command whose output or writes depend on the day.
DATED = ("Dates follow $INTRODUCER_TODAY (YYYY-MM-DD) when it is set, else today's local "
         "date (TZ is honoured).")

# In the order of a day's work: the book, the daily screen, matching, the lifecycle, the books.
# Each name, the module (in `introducer.cli`) and function that run it, and whether its
# output or writes depend on the day. A module is imported only when its command is built:
# a run that names its command imports that command's module alone.
_COMMANDS: dict[str, tuple[str, str, bool]] = {
    "init": ("commands_book", "init", False),
    "check": ("commands_book", "check", False),
    "contacts": ("commands_book", "contacts", False),
    "today": ("commands_today", "today_command", True),
    "suggest": ("commands_match", "suggest", True),
    "explain": ("commands_match", "explain", True),
    "gaps": ("commands_gaps", "gaps_command", True),
    "plan": ("commands_plan", "plan", True),
    "circle": ("commands_circle", "circle", True),
    "meeting": ("commands_meeting", "meeting", True),
    "draft": ("commands_draft", "draft", True),
    "record": ("commands_ledger", "record", True),
    "outcome": ("commands_ledger", "outcome", True),
    "followups": ("commands_today", "followups_command", True),
    "snooze": ("commands_ledger", "snooze", True),
    "never": ("commands_ledger", "never", True),
    "received": ("commands_ledger", "received", True),
    "contacted": ("commands_ledger", "contacted", True),
    "undo": ("commands_ledger", "undo", True),
    "history": ("commands_history", "history", True),
    "stats": ("commands_today", "stats_command", True),
    "rename": ("commands_history", "rename", True),
    "import-history": ("commands_history", "import_history", False),
    "import": ("commands_import", "import_contacts", False),
    "paths": ("commands_history", "paths", False),
}


def application(names: Iterable[str] = _COMMANDS) -> typer.Typer:
    """The app with the commands `names` (all of them unless told)."""
    built = _typer()
    built.callback()(main)
    for name in names:
        module, function, dated = _COMMANDS[name]
        run_it = getattr(importlib.import_module(f"introducer.cli.{module}"), function)
        built.command(name, epilog=DATED if dated else None, cls=_Command)(run_it)
    return built


def __getattr__(name: str) -> typer.Typer:
    """`app`, the whole application (for help, completion and tests), built on first use."""
    if name != "app":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    whole = globals()["app"] = application()
    return whole

# The main options that take a value, and those that do not and leave the command to run.
_VALUED = ("--book", "-b", "--state")
_FLAGS = ("--no-cache", "--verbose")


def _command_named(args: list[str]) -> str | None:
    """The command `args` run, if they plainly run one: Typer builds every command's
    parameters from its signature before it runs any (17 ms for all of them), so a run
    that names its command builds that one alone. Anything else (help, completion, a
    mistyped command) gets the whole app and its messages."""
    if "_INTRODUCER_COMPLETE" in os.environ:
        return None
    at = 0
    while at < len(args):
        word = args[at]
        if word in _VALUED:
            at += 2
        elif word in _FLAGS or word.startswith(("--book=", "--state=")) or (
                word.startswith("-b") and not word.startswith("--")):
            at += 1
        else:
            return word if word in _COMMANDS else None
    return None


def run(args: list[str]) -> int:
    """Run the app and return its exit status (0 ok, 1 data problem, 2 usage)."""
    named = _command_named(args)
    try:
        application(_COMMANDS if named is None else [named])(args=args, prog_name="introducer")
    except SystemExit as done:
        code = done.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    except (BrokenPipeError, _ReaderGoneError):
        # The reader (`| head`) went away: stop quietly, as Unix tools do.
        silence_stdout()
        return 141
    except OSError as error:
        # Every other OSError is caught inside the commands; this one is stdout refusing
        # the output (disk full, I/O error).
        return output_failed(error)
    return 0
