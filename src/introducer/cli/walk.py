"""`today --interactive`: the suggestions one at a time, one key each, recorded as it goes.

Prompts read a line from stdin (`typer.prompt`), so tests can drive them; the caller has
already made sure stdin is a terminal.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from introducer.cli.agenda_render import shown_label
from introducer.cli.console import printable, say
from introducer.cli.ledger_input import confirmation, names_of
from introducer.cli.render import who
from introducer.errors import IntroducerError
from introducer.ledger.entries import Entry

if TYPE_CHECKING:
    from introducer.book.model import Book
    from introducer.drafts.build import Drafter, DraftKind
    from introducer.ledger.agenda import GoalProgress, Shown
    from introducer.ledger.store import Ledger
    from introducer.match.score import Suggestion

#: Key -> action; whole words work too.
KEYS = {"d": "draft", "a": "ask", "s": "skip", "n": "snooze", "v": "never", "q": "quit"}
MENU = "[d]raft  [a]sk  [s]kip  s[n]ooze  ne[v]er  [q]uit"
DEFAULT_SNOOZE_DAYS = 30
MAX_SNOOZE_DAYS = 3650
#: What each action adds to the summary line, in the order it is shown.
_DONE = (("draft", "drafted"), ("ask", "asked"), ("snooze", "snoozed"), ("never", "never"),
         ("skip", "skipped"))


def _action(text: str) -> str:
    word = text.strip().casefold()
    if word in KEYS:
        return KEYS[word]
    if word in KEYS.values():
        return word
    raise typer.BadParameter(f"choose one of d, a, s, n, v, q ({MENU})")


def _days(text: str | int) -> int:
    try:
        days = int(str(text).strip())
    except ValueError:
        days = 0
    if not 1 <= days <= MAX_SNOOZE_DAYS:
        raise typer.BadParameter(f"a number of days from 1 to {MAX_SNOOZE_DAYS}")
    return days


def _show(shown: Shown, position: int, count: int) -> None:
    s = shown.suggestion
    label = shown_label(shown)
    new = f"  ({label})" if label else ""
    typer.echo()
    typer.echo(printable(f"[{position}/{count}] {who(s.a)}  <->  {who(s.b)}   "
                         f"score {s.score:g}{new}"))
    width = max((len(f"{reason.points:+g}") for reason in s.reasons), default=0)
    for reason in s.reasons:  # points right-aligned, as in `explain`
        typer.echo(printable(f"    {reason.points:>+{width}g}  {reason.text}"))


def _write_drafts(book: Book, drafter: Drafter, pair: Suggestion, kind: DraftKind,
                  out: Path, day: dt.date) -> list[Path]:
    from introducer.cli.commands_draft import warn_missing
    from introducer.drafts.deliver import write_eml

    drafts = drafter.drafts_for(pair, kind)
    warn_missing(book, drafts)
    return write_eml(drafts, out, day)


def walk(book: Book, ledger: Ledger, suggestions: Sequence[Shown], day: dt.date,
         out: Path) -> Counter[str]:
    """Ask about each suggestion in turn; returns how often each action was taken."""
    from introducer.drafts.build import Drafter
    from introducer.drafts.templates import Templates, template_folders

    done: Counter[str] = Counter()
    drafter: Drafter | None = None
    names = names_of(book)
    for position, shown in enumerate(suggestions, 1):
        _show(shown, position, len(suggestions))
        pair = shown.suggestion
        a, b = pair.a.id, pair.b.id
        while True:
            try:
                action = typer.prompt(MENU, default="s", show_default=False,
                                      value_proc=_action, prompt_suffix="? ")
            except typer.Abort:  # end of input or Ctrl-C: stop as if [q]uit
                typer.echo()
                action = "quit"
            if action == "quit":
                return done
            if action in ("draft", "ask"):
                try:
                    if drafter is None:
                        drafter = Drafter(book, Templates(template_folders(None, book.path)), day)
                    paths = _write_drafts(book, drafter, pair,
                                          "intro" if action == "draft" else "ask", out, day)
                except IntroducerError as error:
                    say(f"error: {error.message}")
                    continue  # nothing written or recorded: choose again
                entry = Entry("introduced" if action == "draft" else "asked", a, b, day)
                ledger.add(entry)
                for path in paths:
                    typer.echo(printable(f"    wrote {path}"))
                typer.echo(printable(f"    recorded: {confirmation(entry, names)}"))
            elif action == "snooze":
                try:
                    days = typer.prompt("Snooze for how many days", default=DEFAULT_SNOOZE_DAYS,
                                        value_proc=_days)
                except typer.Abort:
                    typer.echo()
                    return done
                until = day + dt.timedelta(days=days)
                ledger.add(Entry("snoozed", a, b, day, until=until))
                typer.echo(f"    snoozed until {until}")
            elif action == "never":
                ledger.add(Entry("never", a, b, day))
                typer.echo("    will never be suggested again")
            done[action] += 1
            break
    return done


def summary(done: Counter[str], goal: GoalProgress) -> str:
    """`drafted 2, snoozed 1, skipped 3; now 2 of 5 introductions this week, 3 to go, ...`
    (`goal` as it stood before the walk), or `nothing recorded`."""
    from dataclasses import replace

    from introducer.cli.agenda_render import goal_sentence

    parts = [f"{word} {done[action]}" for action, word in _DONE if done[action]]
    if not parts:
        return "nothing recorded"
    now = goal_sentence(replace(goal, made=goal.made + done["draft"]))
    return f"{', '.join(parts)}; now {now}."
