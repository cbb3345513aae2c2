"""The morning walk's rules: what comes next, what each step offers, what each choice records.

`today --interactive` takes the day in the order a connector works it: follow-ups
due, then pairs who both said yes, then people to get back in touch with, then new
suggestions. Pure like `agenda`: the CLI reads keys and shows text, this decides.
A draft counts as an introduction only once the user says it went out (or asks to
record it now): a file on disk is not an email sent.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Literal

from introducer.clock import LATEST_DAY
from introducer.errors import UsageError
from introducer.ledger.agenda import Agenda, Reconnect, Shown
from introducer.ledger.entries import MAX_VALUE, Entry, Result
from introducer.ledger.views import FollowUp

Section = Literal["follow-up", "said-yes", "reconnect", "suggestion"]
#: Everything a step may offer; `quit` and `help` are the walk's own, on every step.
Action = Literal["met", "business", "no-reply", "accepted", "declined", "draft", "preview",
                 "ask", "contacted", "snooze", "never", "skip"]
#: Which email `draft` and `preview` make on a step (`ask` always makes the opt-in asks).
DraftUse = Literal["intro", "ask", "follow_up", "hello"]
#: How a written draft is settled: sent already, to be sent (record it now), or not yet.
Sending = Literal["sent", "record-now", "not-yet"]

SECTIONS: tuple[Section, ...] = ("follow-up", "said-yes", "reconnect", "suggestion")
#: A suggestion put off comes back in a month unless the user says otherwise.
SUGGESTION_SNOOZE_DAYS = 30
MAX_SNOOZE_DAYS = 3650

_RESULTS: dict[Action, Result] = {"met": "met", "business": "business", "no-reply": "no-reply",
                                  "accepted": "accepted", "declined": "declined"}
#: What the summary calls each outcome.
_OUTCOME_LABELS: dict[str, str] = {"met": "met", "business": "business", "no-reply": "no reply",
                                   "accepted": "said yes", "declined": "said no"}


@dataclass(frozen=True, slots=True)
class Step:
    """One thing on the walk: a pair (or, to reconnect, one person) and what can be done.

    `draftable`: everyone on the step is still in the book (an edited id cannot be drafted
    to, but its follow-up can still be settled).
    """

    section: Section
    a: str
    b: str | None
    actions: tuple[Action, ...]
    draft: DraftUse | None = None
    draftable: bool = True
    followup: FollowUp | None = None
    reconnect: Reconnect | None = None
    shown: Shown | None = None

    @property
    def pair(self) -> tuple[str, str]:
        assert self.b is not None, "a reconnect step is about one person"
        return self.a, self.b


@dataclass(frozen=True, slots=True)
class Choice:
    """What one decision writes to the ledger, and the word the summary counts it under."""

    entry: Entry
    label: str


def _offered(actions: tuple[Action, ...], draftable: bool) -> tuple[Action, ...]:
    return actions if draftable else tuple(
        a for a in actions if a not in ("draft", "preview", "ask"))


def said_yes_step(a: str, b: str, draftable: bool, item: FollowUp | None = None) -> Step:
    """Both said yes to the opt-in asks: the introduction is the next thing to send."""
    return Step("said-yes", a, b, _offered(("preview", "draft", "snooze", "skip"), draftable),
                draft="intro", draftable=draftable, followup=item)


def followup_step(item: FollowUp, known: Collection[str]) -> Step:
    """An unanswered ask asks for its answer; an introduction asks how it went; a yes
    asks for the introduction."""
    a, b = item.pair
    draftable = a in known and b in known
    if item.stage == "accepted":
        return said_yes_step(a, b, draftable, item)
    if item.stage == "asked":
        return Step("follow-up", a, b, ("accepted", "declined", "no-reply", "snooze", "skip"),
                    draftable=draftable, followup=item)
    actions = _offered(("met", "business", "no-reply", "preview", "draft", "snooze", "skip"),
                       draftable)
    return Step("follow-up", a, b, actions, draft="follow_up", draftable=draftable,
                followup=item)


def reconnect_step(item: Reconnect) -> Step:
    return Step("reconnect", item.contact.id, None, ("contacted", "preview", "draft", "skip"),
                draft="hello", reconnect=item)


def suggestion_step(shown: Shown) -> Step:
    s = shown.suggestion
    return Step("suggestion", s.a.id, s.b.id,
                ("preview", "draft", "ask", "skip", "snooze", "never"), draft="intro",
                shown=shown)


@dataclass(slots=True)
class WalkPlan:
    """The day's steps in walking order, and what the walk has done so far. A decision may
    add a step (a yes to an ask becomes a pair to introduce), placed in its section."""

    steps: list[Step]
    position: int = 0
    recorded: list[Choice] = field(default_factory=list)
    skipped: int = 0
    unsent: int = 0

    @property
    def current(self) -> Step | None:
        return self.steps[self.position] if self.position < len(self.steps) else None

    @property
    def left(self) -> int:
        """Steps not yet finished, the current one included."""
        return len(self.steps) - self.position

    def place(self, step: Step) -> tuple[int, int]:
        """(1-based position of `step` in its section, how many the section holds)."""
        same = [s for s in self.steps if s.section == step.section]
        return same.index(step) + 1, len(same)

    def finish(self, choices: Sequence[Choice] = (), *, skipped: bool = False,
               unsent: bool = False) -> None:
        """Close the current step with what it recorded, and queue what that leads to."""
        step = self.current
        assert step is not None, "the walk is over"
        self.recorded.extend(choices)
        self.skipped += skipped
        self.unsent += unsent
        self.position += 1
        if any(c.entry.kind == "outcome" and c.entry.result == "accepted" for c in choices):
            self._insert(said_yes_step(*step.pair, step.draftable))

    def _insert(self, step: Step) -> None:
        order = SECTIONS.index(step.section)
        at = next((i for i in range(self.position, len(self.steps))
                   if SECTIONS.index(self.steps[i].section) > order), len(self.steps))
        self.steps.insert(at, step)

    @property
    def introductions(self) -> int:
        """Introductions the walk recorded: what moves the week's goal."""
        return sum(1 for c in self.recorded if c.entry.kind == "introduced")


def plan_walk(agenda: Agenda, known: Collection[str]) -> WalkPlan:
    """Everything `today` lists, in the order the walk takes it."""
    followups = [followup_step(item, known) for item in agenda.followups]
    steps = [s for s in followups if s.section == "follow-up"]
    steps += [s for s in followups if s.section == "said-yes"]
    steps += [reconnect_step(item) for item in agenda.reconnect]
    steps += [suggestion_step(shown) for shown in agenda.suggestions]
    return WalkPlan(steps)


def decided(step: Step, action: Action, day: dt.date, *, value: float | None = None,
            until: dt.date | None = None) -> Choice:
    """The entry a decision on `step` records (`skip`, `draft` and `preview` record none)."""
    if action in _RESULTS:
        result = _RESULTS[action]
        a, b = step.pair
        return Choice(Entry("outcome", a, b, day, result=result,
                            value=value if result == "business" else None),
                      _OUTCOME_LABELS[result])
    if action == "contacted":
        return Choice(Entry("contacted", step.a, None, day), "in touch")
    if action == "snooze":
        assert until is not None, "a snooze needs the day it ends"
        return Choice(Entry("snoozed", *step.pair, day, until=until), "snoozed")
    if action == "never":
        return Choice(Entry("never", *step.pair, day), "never")
    raise ValueError(f"{action} records nothing by itself")


def sent(step: Step, use: DraftUse, day: dt.date, where: Sequence[str], sending: Sending,
         follow_up_days: int) -> Choice | None:
    """What a written draft records once settled; None while it is not sent yet.

    The note names where the draft is, so the history can point back to the email.
    An introduction or ask is recorded as such; a follow-up puts the pair's next check-in
    `follow_up_days` off (it has just been chased); a hello is being in touch.
    """
    if sending == "not-yet":
        return None
    places = ", ".join(where)
    note = f"sent: {places}" if sending == "sent" else f"to send: {places}"
    if use == "intro":
        return Choice(Entry("introduced", *step.pair, day, note=note), "introduced")
    if use == "ask":
        return Choice(Entry("asked", *step.pair, day, note=note), "asked")
    if use == "follow_up":
        until = min(day + dt.timedelta(days=max(1, follow_up_days)), LATEST_DAY)
        return Choice(Entry("snoozed", *step.pair, day, until=until,
                            note=f"follow-up {note}"), "followed up")
    return Choice(Entry("contacted", step.a, None, day, note=f"hello {note}"), "in touch")


def snooze_days(step: Step, follow_up_days: int) -> int:
    """How long a snooze lasts when the user just presses Enter: a follow-up waits one
    follow-up period, a suggestion a month."""
    return SUGGESTION_SNOOZE_DAYS if step.section == "suggestion" else max(1, follow_up_days)


def snooze_until(day: dt.date, text: str, default: int) -> dt.date:
    """The day a snooze typed as a number of days ends (blank: `default`)."""
    text = text.strip()
    try:
        days = int(text) if text else default
    except ValueError:
        days = 0
    if not 1 <= days <= MAX_SNOOZE_DAYS:
        raise UsageError(f"a number of days from 1 to {MAX_SNOOZE_DAYS}")
    if days > (LATEST_DAY - day).days:
        raise UsageError(f"{days} days goes past {LATEST_DAY}; `never` hides a pair for good")
    return day + dt.timedelta(days=days)


def business_value(text: str) -> float | None:
    """What the business was worth, as `outcome --value` takes it; blank: not known."""
    text = text.strip().replace(",", "")
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and 0 <= value <= MAX_VALUE):
        raise UsageError(f"a number from 0 to {MAX_VALUE:g} (or Enter if not known)")
    return value + 0.0  # -0 is 0
