"""The Typer application: parses arguments, calls the core, renders. Nothing else."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperArgument, TyperCommand, TyperGroup

from introducer import __version__
from introducer.cli import (
    commands_book,
    commands_circle,
    commands_draft,
    commands_gaps,
    commands_history,
    commands_import,
    commands_ledger,
    commands_match,
    commands_meeting,
    commands_plan,
    commands_today,
)
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


app = typer.Typer(
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


@app.callback()
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
app.command("init", cls=_Command)(commands_book.init)
app.command("check", cls=_Command)(commands_book.check)
app.command("contacts", cls=_Command)(commands_book.contacts)
app.command("today", epilog=DATED, cls=_Command)(commands_today.today_command)
app.command("suggest", epilog=DATED, cls=_Command)(commands_match.suggest)
app.command("explain", epilog=DATED, cls=_Command)(commands_match.explain)
app.command("gaps", epilog=DATED, cls=_Command)(commands_gaps.gaps_command)
app.command("plan", epilog=DATED, cls=_Command)(commands_plan.plan)
app.command("circle", epilog=DATED, cls=_Command)(commands_circle.circle)
app.command("meeting", epilog=DATED, cls=_Command)(commands_meeting.meeting)
app.command("draft", epilog=DATED, cls=_Command)(commands_draft.draft)
app.command("record", epilog=DATED, cls=_Command)(commands_ledger.record)
app.command("outcome", epilog=DATED, cls=_Command)(commands_ledger.outcome)
app.command("followups", epilog=DATED, cls=_Command)(commands_today.followups_command)
app.command("snooze", epilog=DATED, cls=_Command)(commands_ledger.snooze)
app.command("never", epilog=DATED, cls=_Command)(commands_ledger.never)
app.command("received", epilog=DATED, cls=_Command)(commands_ledger.received)
app.command("contacted", epilog=DATED, cls=_Command)(commands_ledger.contacted)
app.command("undo", epilog=DATED, cls=_Command)(commands_ledger.undo)
app.command("history", epilog=DATED, cls=_Command)(commands_history.history)
app.command("stats", epilog=DATED, cls=_Command)(commands_today.stats_command)
app.command("rename", epilog=DATED, cls=_Command)(commands_history.rename)
app.command("import-history", cls=_Command)(commands_history.import_history)
app.command("import", cls=_Command)(commands_import.import_contacts)
app.command("paths", cls=_Command)(commands_history.paths)


def run(args: list[str]) -> int:
    """Run the app and return its exit status (0 ok, 1 data problem, 2 usage)."""
    try:
        app(args=args, prog_name="introducer")
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
