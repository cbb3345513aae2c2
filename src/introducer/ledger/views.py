"""What the ledger means on a given day: pairs done, follow-ups due, the week's count, the funnel.

Pure functions of the (live) entries and today's date; nothing here touches the
file, so every view is tested on plain lists.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from introducer.ledger.entries import Entry
from introducer.match.history import HistoryView, RecentIntroductions, Reciprocity

Stage = Literal["asked", "accepted", "introduced", "met", "business", "declined", "no-reply"]
#: Stages after which nothing more is expected of the user.
CLOSED_STAGES: frozenset[str] = frozenset({"met", "business", "declined", "no-reply"})


@dataclass(slots=True)
class PairStory:
    """Everything the ledger says about one pair, reduced to where it stands."""

    pair: tuple[str, str]
    stage: Stage | None = None
    since: dt.date | None = None  # when the pair reached `stage`
    never: bool = False
    snoozed_until: dt.date | None = None
    snoozed_on: dt.date | None = None  # when the latest snooze was recorded
    suggested_on: dt.date | None = None
    introduced_on: dt.date | None = None
    business_value: float = 0.0
    results: set[str] = field(default_factory=set)


def _order(entry: Entry) -> tuple[dt.date, int]:
    return entry.date, entry.id or 0


def live(entries: Iterable[Entry]) -> list[Entry]:
    """Entries not undone, in the order they happened (date, then when recorded)."""
    return sorted((e for e in entries if e.undone_at is None), key=_order)


def pair_stories(entries: Iterable[Entry]) -> dict[tuple[str, str], PairStory]:
    """Each pair's story, from its live entries."""
    stories: dict[tuple[str, str], PairStory] = {}
    for entry in live(entries):
        pair = entry.pair
        if pair is None:
            continue
        story = stories.setdefault(pair, PairStory(pair))
        if entry.kind == "suggested":
            story.suggested_on = story.suggested_on or entry.date
        elif entry.kind == "never":
            story.never = True
        elif entry.kind == "snoozed":
            story.snoozed_until, story.snoozed_on = entry.until, entry.date
        elif entry.kind in ("asked", "introduced"):
            story.stage, story.since = entry.kind, entry.date
            if entry.kind == "introduced":
                story.introduced_on = entry.date
        elif entry.kind == "outcome" and entry.result is not None:
            story.stage, story.since = entry.result, entry.date
            story.results.add(entry.result)
            if entry.result == "business" and entry.value is not None:
                story.business_value += entry.value
    return stories


def hidden_label(story: PairStory, today: dt.date) -> str | None:
    """Why a pair is no longer suggested ("introduced 2026-11-02"), or None if it may be."""
    if story.never:
        return "never"
    if story.stage is not None:
        return f"{story.stage} {story.since}"
    if story.snoozed_until is not None and story.snoozed_until > today:
        return f"snoozed until {story.snoozed_until}"
    return None


def history_view(
    entries: Sequence[Entry], today: dt.date, cooldown_days: int
) -> HistoryView:
    """The ledger as the matchmaker needs it on `today`."""
    stories = pair_stories(entries)
    hidden = {pair: label for pair, story in stories.items()
              if (label := hidden_label(story, today)) is not None}
    recent_dates: defaultdict[str, list[int]] = defaultdict(list)
    for entry in live(entries):
        if entry.kind != "introduced" or entry.b is None:
            continue
        age = (today - entry.date).days
        if 0 <= age < cooldown_days:
            recent_dates[entry.a].append(age)
            recent_dates[entry.b].append(age)
    recent = {person: RecentIntroductions(len(ages), min(ages))
              for person, ages in recent_dates.items()}
    return HistoryView(
        cooldown_days=cooldown_days,
        recent=recent,
        reciprocity=reciprocity(entries),
        hidden=hidden,
    )


def reciprocity(entries: Iterable[Entry]) -> dict[str, Reciprocity]:
    """Per contact: referrals the user received from them, introductions made for them."""
    received: Counter[str] = Counter()
    given: Counter[str] = Counter()
    for entry in live(entries):
        if entry.kind == "received":
            received[entry.a] += 1
        elif entry.kind == "introduced" and entry.b is not None:
            given[entry.a] += 1
            given[entry.b] += 1
    return {person: Reciprocity(received[person], given[person])
            for person in received.keys() | given.keys()}


@dataclass(frozen=True, slots=True)
class FollowUp:
    """One thing to chase: an ask with no answer, a yes to act on, an introduction to check on."""

    pair: tuple[str, str]
    stage: Stage
    since: dt.date
    due: dt.date
    overdue_days: int
    action: str

    @property
    def is_due(self) -> bool:
        """Due today or overdue (not yet due: `overdue_days` is minus the days to go)."""
        return self.overdue_days >= 0


_ACTIONS = {
    "asked": "no answer to the opt-in ask yet: nudge them, or record the answer",
    "accepted": "both said yes: make the introduction",
    "introduced": "did they meet? ask them, then record the outcome",
}


def open_followups(
    entries: Sequence[Entry], today: dt.date, follow_up_days: int
) -> list[FollowUp]:
    """Every open item, due or not: the due ones most overdue first, then the ones still
    to come, soonest first (their `overdue_days` is negative: minus the days to go).

    A snooze recorded once the pair is under way ("not now, remind me on the 10th")
    moves its follow-up to the end of the snooze; one from before (a suggestion put
    off, then made anyway) does not.
    """
    items: list[FollowUp] = []
    for pair, story in pair_stories(entries).items():
        if story.never or story.stage is None or story.since is None:
            continue
        if story.stage in CLOSED_STAGES:
            continue
        wait = 0 if story.stage == "accepted" else follow_up_days
        when = story.since + dt.timedelta(days=wait)
        if story.snoozed_until and story.snoozed_on and story.snoozed_on >= story.since:
            when = max(when, story.snoozed_until)
        items.append(FollowUp(pair, story.stage, story.since, when, (today - when).days,
                              _ACTIONS[story.stage]))
    due = sorted((f for f in items if f.is_due), key=lambda f: (-f.overdue_days, f.since, f.pair))
    upcoming = sorted((f for f in items if not f.is_due), key=lambda f: (f.due, f.since, f.pair))
    return due + upcoming


def followups(entries: Sequence[Entry], today: dt.date, follow_up_days: int) -> list[FollowUp]:
    """What is due on `today`, most overdue first."""
    return [f for f in open_followups(entries, today, follow_up_days) if f.is_due]


def week_start(day: dt.date) -> dt.date:
    """Monday of the ISO week `day` is in."""
    return day - dt.timedelta(days=day.weekday())


def introductions_per_week(
    entries: Sequence[Entry], today: dt.date, weeks: int = 12
) -> list[tuple[dt.date, int]]:
    """(Monday, introductions made that week) for the last `weeks` weeks, this week last."""
    this_week = week_start(today)
    mondays = [this_week - dt.timedelta(weeks=back) for back in range(weeks - 1, -1, -1)]
    counts = Counter(week_start(e.date) for e in live(entries) if e.kind == "introduced")
    return [(monday, counts[monday]) for monday in mondays]


@dataclass(frozen=True, slots=True)
class Funnel:
    """How suggestions turned into introductions, meetings and business."""

    suggested: int
    asked: int
    introduced: int
    met: int
    business: int
    business_value: float
    declined: int


def funnel(entries: Sequence[Entry]) -> Funnel:
    """Distinct pairs at each stage they ever reached (a pair that did business also met, and
    a pair that met was introduced, recorded or not: `met` never outnumbers `introduced`)."""
    stories = pair_stories(entries)
    asked = {e.pair for e in live(entries) if e.kind == "asked"}
    return Funnel(
        suggested=sum(1 for s in stories.values() if s.suggested_on is not None),
        asked=len(asked),
        introduced=sum(1 for s in stories.values()
                       if s.introduced_on is not None or s.results & {"met", "business"}),
        met=sum(1 for s in stories.values() if s.results & {"met", "business"}),
        business=sum(1 for s in stories.values() if "business" in s.results),
        business_value=sum(s.business_value for s in stories.values()),
        declined=sum(1 for s in stories.values() if "declined" in s.results),
    )
