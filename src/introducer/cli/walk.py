"""`today --interactive`: the day's agenda one step at a time, one key each.

The order, the choices on each step and what each records are the core's
(ledger/walk_plan.py); this module shows the steps, reads the keys and writes what
was decided. The caller has already made sure stdin is a terminal.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Literal, TypeVar

import typer

from introducer.cli.agenda_render import followup_status, goal_sentence, shown_label
from introducer.cli.console import printable, say
from introducer.cli.keys import ENTER, Keys
from introducer.cli.ledger_input import confirmation, names_of
from introducer.cli.render import who
from introducer.errors import IntroducerError, UsageError
from introducer.ledger.walk_plan import (
    Action,
    Choice,
    DraftUse,
    Sending,
    Step,
    WalkPlan,
    business_value,
    decided,
    plan_walk,
    sent,
    snooze_days,
    snooze_until,
)

if TYPE_CHECKING:
    from introducer.book.model import Book
    from introducer.cli.walk_drafts import WalkDrafts
    from introducer.drafts.build import Draft
    from introducer.ledger.agenda import Agenda, GoalProgress
    from introducer.ledger.store import Ledger

#: How the walk ended: every step seen, `q`, or Ctrl-C.
Ending = Literal["done", "quit", "interrupted"]
QUIT, HELP = "q", "?"
KEYS: dict[Action, str] = {
    "met": "m", "business": "b", "no-reply": "o", "accepted": "y", "declined": "x",
    "preview": "p", "draft": "d", "ask": "a", "contacted": "c", "snooze": "n", "never": "v",
    "skip": "s",
}
_LABELS: dict[Action, str] = {
    "met": "met", "business": "business", "no-reply": "no reply", "accepted": "said yes",
    "declined": "said no", "preview": "preview", "draft": "draft", "ask": "ask first",
    "contacted": "in touch", "snooze": "snooze", "never": "never", "skip": "skip",
}
_DRAFT_LABELS: dict[DraftUse, str] = {"intro": "draft", "ask": "ask first",
                                      "follow_up": "draft follow-up", "hello": "draft hello"}
_HELP: dict[Action, str] = {
    "met": "they met: records the outcome, and the follow-up is closed",
    "business": "they did business: records it, with what it was worth if you know",
    "no-reply": "no answer came: records it, and the follow-up is closed",
    "accepted": "they said yes to the ask: records it; introduce them next",
    "declined": "they said no: records it; the pair is not suggested again",
    "preview": "shows the email without writing it",
    "draft": "writes the email to the --out folder; recorded once you say it was sent",
    "ask": "writes a private ask to each side (double opt-in); recorded once sent",
    "contacted": "you were in touch: takes them off the reconnect list",
    "snooze": "puts it off for a number of days",
    "never": "never suggests this pair again (`introducer undo` takes it back)",
    "skip": "leaves it for another day (Enter does the same)",
}
_SECTION_TITLES = {"follow-up": "Follow-ups due", "said-yes": "Both said yes: introduce them",
                   "reconnect": "Reconnect", "suggestion": "Suggestions"}
_SENDING_KEYS: dict[str, Sending] = {"y": "sent", "r": "record-now", "n": "not-yet"}
SENDING_MENU = "Sent it?  [y] yes, record it  [r] record now, I'll send it  [n] not yet ? "
#: The summary's words, in the order it lists them.
_SUMMARY_ORDER = ("introduced", "asked", "followed up", "met", "business", "no reply",
                  "said yes", "said no", "in touch", "snoozed", "never")

T = TypeVar("T")


class Walk:
    """One walk through the day: the plan, where its decisions go, and how to ask."""

    def __init__(self, book: Book, ledger: Ledger, agenda: Agenda, drafts: WalkDrafts,
                 keys: Keys) -> None:
        self.book, self.ledger, self.day = book, ledger, agenda.day
        self.drafts, self.keys = drafts, keys
        self.names = names_of(book)
        self.contacts = {contact.id: contact for contact in book.contacts}
        self.plan = plan_walk(agenda, self.names.keys())

    def run(self) -> Ending:
        """Every step in turn, until the end, `q`, or Ctrl-C (the terminal is put back by
        the caller's `Keys` context either way)."""
        try:
            while (step := self.plan.current) is not None:
                self._show(step)
                if not self._settle(step):
                    return "quit"
        except KeyboardInterrupt:
            typer.echo()
            return "interrupted"
        return "done"

    # ── showing ──────────────────────────────────────────────────────────────

    def _person(self, contact_id: str) -> str:
        contact = self.contacts.get(contact_id)
        return printable(who(contact) if contact else contact_id)

    def _show(self, step: Step) -> None:
        position, count = self.plan.place(step)
        if position == 1:
            typer.echo(f"\n{_SECTION_TITLES[step.section]} ({count})")
        typer.echo()
        head = f"[{position}/{count}] "
        if step.shown is not None:
            s = step.shown.suggestion
            label = shown_label(step.shown)
            typer.echo(printable(f"{head}{who(s.a)}  <->  {who(s.b)}   score {s.score:g}"
                                 + (f"  ({label})" if label else "")))
            width = max((len(f"{reason.points:+g}") for reason in s.reasons), default=0)
            for reason in s.reasons:  # points right-aligned, as in `explain`
                typer.echo(printable(f"    {reason.points:>+{width}g}  {reason.text}"))
        elif step.reconnect is not None:
            r = step.reconnect
            typer.echo(f"{head}{self._person(step.a)}: last in touch {r.last_touch}, "
                       f"{r.days_since} days ago")
            typer.echo(printable(f"    {', '.join(r.why)}"))
        else:
            a, b = step.pair
            item = step.followup
            when = (f"{item.stage} {item.since}, {followup_status(item)}" if item is not None
                    else "said yes just now")
            typer.echo(f"{head}{self._person(a)}  <->  {self._person(b)}: {when}")
            if item is not None:
                typer.echo(f"    {item.action}")

    def _menu(self, step: Step) -> str:
        def label(action: Action) -> str:
            if action == "draft" and step.draft is not None:
                return _DRAFT_LABELS[step.draft]
            return _LABELS[action]

        options = [f"[{KEYS[action]}] {label(action)}" for action in step.actions]
        return "  ".join([*options, f"[{HELP}] help", f"[{QUIT}] quit"]) + " ? "

    def _help(self, step: Step) -> None:
        for action in step.actions:
            typer.echo(f"    {KEYS[action]}  {_HELP[action]}")
        typer.echo(f"    {HELP}  this help;  {QUIT}  end the walk with a summary "
                   "(Ctrl-C interrupts it)")

    # ── deciding ─────────────────────────────────────────────────────────────

    def _settle(self, step: Step) -> bool:
        """Ask until the step is done; False when the user quits."""
        by_key = {KEYS[action]: action for action in step.actions}
        while True:
            pressed = self.keys.key(self._menu(step))
            if pressed == QUIT:
                return False
            if pressed == HELP:
                self._help(step)
                continue
            action = "skip" if pressed == ENTER else by_key.get(pressed)
            if action is None:
                keys = ", ".join([*by_key, HELP, QUIT])
                say(f"choose one of {keys} (or Enter to skip; {HELP} explains them)")
                continue
            finished = self._act(step, action)
            if finished is not None:
                return finished

    def _act(self, step: Step, action: Action) -> bool | None:
        """Do `action`: True once the step is done, False to quit, None to ask again."""
        if action == "skip":
            self.plan.finish(skipped=True)
            return True
        if action == "preview":
            assert step.draft is not None
            drafts = self._drafts(step, step.draft)
            if drafts is not None:
                self._preview(drafts)
            return None
        if action in ("draft", "ask"):
            use: DraftUse | None = "ask" if action == "ask" else step.draft
            assert use is not None
            return self._draft(step, use)
        value = until = None
        if action == "business":
            worth = self._typed("What was it worth (a number; Enter if not known)? ",
                                business_value)
            if worth is None:
                return None
            (value,) = worth
        if action == "snooze":
            default = snooze_days(step, self.book.settings.follow_up_days)
            end = self._typed(f"Snooze for how many days [{default}]? ",
                              lambda text: snooze_until(self.day, text, default))
            if end is None:
                return None
            (until,) = end
        self._record(decided(step, action, self.day, value=value, until=until))
        return True

    def _typed(self, prompt: str, parse: Callable[[str], T]) -> tuple[T] | None:
        """A typed answer, parsed by the core's rule and asked again until it parses; None
        if the input ends (back to the step's choices)."""
        while True:
            text = self.keys.line(prompt)
            if text is None:
                return None
            try:
                return (parse(text),)
            except UsageError as error:
                say(f"    {error.message}")

    def _drafts(self, step: Step, use: DraftUse) -> list[Draft] | None:
        try:
            return self.drafts.build(step, use)
        except IntroducerError as error:
            say(f"error: {error.message}")
            return None  # nothing written or recorded: choose again

    def _preview(self, drafts: list[Draft]) -> None:
        for number, draft in enumerate(drafts, 1):
            count = f" {number} of {len(drafts)}" if len(drafts) > 1 else ""
            typer.echo(f"    --- draft{count} ---")
            text = f"To: {draft.recipients}\nSubject: {draft.subject}\n\n{draft.body}"
            for line in text.rstrip("\n").split("\n"):
                typer.echo(printable(f"    {line}".rstrip()))
            typer.echo("    ---")

    def _draft(self, step: Step, use: DraftUse) -> bool | None:
        drafts = self._drafts(step, use)
        if drafts is None:
            return None
        try:
            paths = self.drafts.write(drafts)
        except IntroducerError as error:
            say(f"error: {error.message}")
            return None
        for path in paths:
            typer.echo(printable(f"    wrote {path}"))
        sending = self._sending()
        choice = sent(step, use, self.day, [str(path.resolve()) for path in paths],
                      "not-yet" if sending is None else sending,
                      self.book.settings.follow_up_days)
        if choice is None:
            typer.echo("    not recorded: the draft stays in the folder for when you send it")
            self.plan.finish(unsent=True)
        else:
            self._record(choice)
        return sending is not None

    def _sending(self) -> Sending | None:
        """Whether the draft went out; None if the user quits here (nothing recorded)."""
        while True:
            pressed = self.keys.key(SENDING_MENU)
            if pressed == QUIT:
                return None
            if pressed in _SENDING_KEYS:
                return _SENDING_KEYS[pressed]
            say("choose y (sent), r (record now) or n (not yet: record nothing)")

    def _record(self, choice: Choice) -> None:
        (stored,) = self.ledger.add(choice.entry)
        self.plan.finish([replace(choice, entry=stored)])
        typer.echo(printable(f"    recorded: {confirmation(stored, self.names)}"))


def summary(plan: WalkPlan, ending: Ending, goal: GoalProgress) -> str:
    """`met 1, introduced 1, skipped 2; now 2 of 5 introductions this week, ...`, with what
    was left undone when the walk was cut short (`goal` as it stood before the walk)."""
    labels = [choice.label for choice in plan.recorded]
    parts = [f"{label} {labels.count(label)}" for label in _SUMMARY_ORDER if label in labels]
    if plan.skipped:
        parts.append(f"skipped {plan.skipped}")
    if plan.unsent:
        parts.append(f"{plan.unsent} not sent yet (drafted, not recorded)")
    done = ", ".join(parts) if parts else "nothing recorded"
    left = ""
    if ending != "done" and plan.left:
        left = f" ({plan.left} {'step' if plan.left == 1 else 'steps'} left for later)"
    start = {"done": "Done", "quit": "Stopped", "interrupted": "Interrupted"}[ending]
    now = goal_sentence(replace(goal, made=goal.made + plan.introductions))
    return f"{start}{left}: {done}; now {now}."
