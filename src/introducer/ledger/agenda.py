"""The day's agenda: the week's goal, what to chase, and who to get back in touch with.

Pure functions of the book, the live history and a date, like `views`; the CLI
decides how to show them. Suggestions are not computed here: the matchmaker does
that, and the CLI hands its ranked list to `build_agenda`.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from introducer.book.model import Book
from introducer.book.schema import Contact
from introducer.ledger.entries import Entry
from introducer.ledger.views import FollowUp, followups, introductions_per_week, live
from introducer.match.history import pair_key
from introducer.match.score import Suggestion

if TYPE_CHECKING:
    from introducer.gaps.people import Relationship

#: At most this many people to reconnect with on one day: a short list gets done.
RECONNECT_LIMIT = 5
#: Usefulness points, shown with each person so the ranking can be checked by hand.
POINTS_PER_REFERRAL = 3
POINTS_ACTIVE_NETWORKER = 2
POINTS_PER_SUGGESTION = 1
# (closeness 1..5 counts its own value)

#: Ledger kinds that mean the user was in touch with a person on that day.
_TOUCHING_KINDS = frozenset({"introduced", "asked", "outcome", "received", "contacted"})


@dataclass(frozen=True, slots=True)
class GoalProgress:
    """Introductions recorded this ISO week (Monday to Sunday) against the weekly goal."""

    week_start: dt.date
    made: int
    goal: int
    days_left: int  # including today: 7 on a Monday, 1 on a Sunday

    @property
    def remaining(self) -> int:
        return max(0, self.goal - self.made)

    @property
    def met(self) -> bool:
        return self.made >= self.goal


def goal_progress(entries: Sequence[Entry], today: dt.date, goal: int) -> GoalProgress:
    """How this week is going; an introduction counts in the week of its date (as in `stats`)."""
    [(monday, made)] = introductions_per_week(entries, today, weeks=1)
    return GoalProgress(monday, made, goal, 7 - today.weekday())


@dataclass(frozen=True, slots=True)
class Reconnect:
    """Someone worth getting back in touch with, and the points that put them on the list."""

    contact: Contact
    last_touch: dt.date
    days_since: int
    usefulness: int
    why: tuple[str, ...]


def last_touches(entries: Iterable[Entry]) -> dict[str, dt.date]:
    """The latest day the history shows the user in touch with each person."""
    latest: dict[str, dt.date] = {}
    for entry in live(entries):
        if entry.kind not in _TOUCHING_KINDS:
            continue
        for person in (entry.a, entry.b):
            if person is not None and entry.date > latest.get(person, dt.date.min):
                latest[person] = entry.date
    return latest


def usefulness(
    contact: Contact, referrals: int, appearances: int
) -> tuple[int, tuple[str, ...]]:
    """Points for how much reconnecting with `contact` could do, and each point's reason.

    Referrals they sent the user (3 each), how close the user is to them (closeness
    1..5), an active networker (2), and each time they are in today's top
    suggestions (1).
    """
    points = 0
    why: list[str] = []
    if referrals:
        points += POINTS_PER_REFERRAL * referrals
        why.append(f"sent you {referrals} referral{'s' if referrals != 1 else ''}")
    if contact.closeness:
        points += contact.closeness
        why.append(f"closeness {contact.closeness}")
    if contact.networker == "active":
        points += POINTS_ACTIVE_NETWORKER
        why.append("active networker")
    if appearances:
        points += POINTS_PER_SUGGESTION * appearances
        why.append(f"in {appearances} of today's top suggestions")
    return points, tuple(why)


def reconnect(
    book: Book,
    entries: Sequence[Entry],
    today: dt.date,
    appearances: Mapping[str, int],
    limit: int = RECONNECT_LIMIT,
) -> list[Reconnect]:
    """The most useful people the user has not been in touch with for over the book's
    `stale_days`.

    The last touch is the later of the book's `last_contact` and the history (an
    introduction, ask, outcome, referral or `contacted` naming them). People with no date at all
    are left out (unknown is not stale; `check` and `gaps` are for incomplete
    records), as are people marked `introduce: false` and people with no usefulness.
    """
    history = last_touches(entries)
    referrals = Counter(e.a for e in live(entries) if e.kind == "received")
    found: list[Reconnect] = []
    for contact in book.contacts:
        if not contact.introduce:
            continue
        dates = [d for d in (contact.last_contact, history.get(contact.id)) if d is not None]
        if not dates:
            continue
        last = max(dates)
        days = (today - last).days
        if days <= book.settings.stale_days:
            continue
        points, why = usefulness(contact, referrals[contact.id], appearances.get(contact.id, 0))
        if points > 0:
            found.append(Reconnect(contact, last, days, points, why))
    found.sort(key=lambda r: (-r.usefulness, -r.days_since, r.contact.id))
    return found[:limit]


@dataclass(frozen=True, slots=True)
class Shown:
    """A suggestion on today's agenda, and what showing it means.

    `new`: shown for the first time today (the digest that mailed it this morning and
    the terminal an hour later agree). `back`: its snooze is over, and today is the first
    day it is shown again. `unseen`: no earlier run has shown it since (the digest
    speaks of these, and `today` records them).
    """

    rank: int
    suggestion: Suggestion
    new: bool
    back: bool = False
    unseen: bool = False


@dataclass(frozen=True, slots=True)
class Agenda:
    """The daily fifteen minutes."""

    day: dt.date
    goal: GoalProgress
    followups: tuple[FollowUp, ...]
    reconnect: tuple[Reconnect, ...]
    suggestions: tuple[Shown, ...]
    focus: Relationship | None = None  # the week's one relationship to strengthen (`gaps`)

    @property
    def quiet(self) -> bool:
        """Nothing to do: no follow-up due and no suggestion that no earlier run has shown.

        The cron digest prints nothing on such a day (people to reconnect with and
        suggestions already seen do not change from day to day, so are no news; a pair
        back from a snooze is news again).
        """
        return not self.followups and not any(s.unseen for s in self.suggestions)


@dataclass(slots=True)
class _Showings:
    dates: list[dt.date]  # the days runs showed the pair, oldest first
    snooze_ended: dt.date | None = None  # the latest snooze's end, if it has come


def _showings(entries: Iterable[Entry], today: dt.date) -> dict[tuple[str, str], _Showings]:
    found: dict[tuple[str, str], _Showings] = {}
    for entry in live(entries):
        pair = entry.pair
        if pair is None or entry.kind not in ("suggested", "snoozed"):
            continue
        showings = found.setdefault(pair, _Showings([]))
        if entry.kind == "suggested":
            showings.dates.append(entry.date)
        else:
            ended = entry.until is not None and entry.until <= today
            showings.snooze_ended = entry.until if ended else None
    for showings in found.values():
        showings.dates.sort()
    return found


def returning_pairs(entries: Iterable[Entry], today: dt.date) -> list[tuple[str, str]]:
    """Pairs whose snooze has ended and that no run has shown since: the reminder the user
    asked for, which `today` must bring back whatever the ranking's caps."""
    return sorted(
        pair for pair, seen in _showings(entries, today).items()
        if seen.snooze_ended is not None and not any(d >= seen.snooze_ended for d in seen.dates)
    )


def todays_picks(pool: Sequence[Suggestion], top: int,
                 returning: Sequence[Suggestion] = ()) -> list[Suggestion]:
    """What `today` lists, in order: up to `top` answers to open asks and live life events
    (time-bound, so first), then up to `top` other introductions by score (so the
    partnerships are never crowded out); then any pair back from a snooze that did not
    make the list on its own."""
    picked = [s for s in pool if s.urgent][:top]
    picked += [s for s in pool if not s.urgent][:top]
    listed = {pair_key(s.a.id, s.b.id) for s in picked}
    picked += [s for s in returning if pair_key(s.a.id, s.b.id) not in listed]
    return picked


def shown_as(pair: tuple[str, str], showings: Mapping[tuple[str, str], _Showings], rank: int,
             suggestion: Suggestion, today: dt.date) -> Shown:
    """How a suggestion ranked today is shown, given when runs showed it before."""
    seen = showings.get(pair)
    if seen is None or not seen.dates:
        return Shown(rank, suggestion, new=True, unseen=True)
    ended = seen.snooze_ended
    if ended is not None and seen.dates[0] < ended:  # shown, snoozed, and now it is over
        since = [day for day in seen.dates if day >= ended]
        return Shown(rank, suggestion, new=False, back=not since or since[0] == today,
                     unseen=not since)
    return Shown(rank, suggestion, new=seen.dates[0] == today)


def build_agenda(
    book: Book,
    entries: Sequence[Entry],
    today: dt.date,
    shown: Sequence[Suggestion],
    pool: Sequence[Suggestion] = (),
    focus: Relationship | None = None,
) -> Agenda:
    """Today's agenda; `shown` are the suggestions to list, `pool` the wider top list that
    counts how often each person is among the best suggestions (defaults to `shown`), and
    `focus` the week's focus person."""
    showings = _showings(entries, today)
    counts = Counter(person.id for s in (pool or shown) for person in (s.a, s.b))
    settings = book.settings
    return Agenda(
        day=today,
        goal=goal_progress(entries, today, settings.weekly_goal),
        followups=tuple(followups(entries, today, settings.follow_up_days)),
        reconnect=tuple(reconnect(book, entries, today, counts)),
        suggestions=tuple(shown_as(pair_key(s.a.id, s.b.id), showings, rank, s, today)
                          for rank, s in enumerate(shown, 1)),
        focus=focus,
    )
