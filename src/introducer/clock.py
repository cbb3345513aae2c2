"""The one clock: every date and timestamp introducer reads or writes comes from here.

`$INTRODUCER_TODAY` (YYYY-MM-DD) sets the day, so a user can look at the book as
of another day and every test runs on a day of its choosing. "Today" is the
user's local date (the `TZ` rules of the machine), so a cron job at 00:05 sees
the day that has just begun. A pinned day keeps the wall clock's time of day,
so entries recorded one after another still sort in the order they were made,
and a draft's `Date:` header and its file name name the same day.

This module is imported by `--help` and `--version`: it stays light (stdlib only).
"""

from __future__ import annotations

import datetime as dt
import os
import re

TODAY_VARIABLE = "INTRODUCER_TODAY"
_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
#: The days a date on the command line (or $INTRODUCER_TODAY) may name: wide enough for any
#: real history and any snooze, narrow enough to catch a typo (`--date 0206-11-23`).
#: Also the last day an entry may have happened on, so that "a follow-up ten years after"
#: never runs off Python's calendar (an imported 9999-12-31 crashed `followups`). Older
#: versions took any past `--date` and any `--until`, so stored entries may be dated back
#: to year 1 and snoozed to 9999-12-31: both are harmless, and still read (and restored).
EARLIEST_DAY = dt.date(1900, 1, 1)
LATEST_DAY = dt.date(2999, 12, 31)


class ClockError(ValueError):
    """$INTRODUCER_TODAY is not a day introducer can work on (a usage error)."""


def _pinned_day() -> dt.date | None:
    text = os.environ.get(TODAY_VARIABLE, "")
    if not text:
        return None
    day = iso_day(text)
    if day is None:
        raise ClockError(f"${TODAY_VARIABLE}={text!r} is not a date (use YYYY-MM-DD)")
    if (problem := day_problem(day, f"${TODAY_VARIABLE}")) is not None:
        raise ClockError(problem)  # 9999-12-31 would be a week away from Python's last day
    return day


def iso_day(text: object) -> dt.date | None:
    """`text` as a strict YYYY-MM-DD date, or None: the one date rule for the state file,
    exports, the command line and $INTRODUCER_TODAY (`fromisoformat` alone also takes
    `20261123`, and ISO week dates)."""
    if not isinstance(text, str) or _ISO_DAY.fullmatch(text) is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def day_problem(day: dt.date, what: str) -> str | None:
    """Why `day`, given by a person, is not a plausible date; None if it is."""
    if EARLIEST_DAY <= day <= LATEST_DAY:
        return None
    return f"{what} {day} is not a plausible date (use one from {EARLIEST_DAY} to {LATEST_DAY})"


def today() -> dt.date:
    """The user's local date, or the day $INTRODUCER_TODAY names."""
    pinned = _pinned_day()
    return pinned if pinned is not None else dt.datetime.now().astimezone().date()


def now() -> dt.datetime:
    """This moment in the local time zone, on the day `today()` says (aware)."""
    wall = dt.datetime.now().astimezone()
    pinned = _pinned_day()
    if pinned is None or pinned == wall.date():
        return wall
    # A naive local time made aware by the zone's rules *on that day* (DST included).
    return dt.datetime.combine(pinned, wall.time()).astimezone()


def timestamp() -> str:
    """This moment as a ledger stamps it: ISO 8601, UTC, whole seconds (`...Z`)."""
    moment = now().astimezone(dt.UTC).replace(microsecond=0)
    return moment.isoformat().replace("+00:00", "Z")


def local_day(stamp: str) -> str:
    """The local date (YYYY-MM-DD) of a ledger timestamp, as the user's calendar shows it."""
    try:
        moment = dt.datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return stamp[:10]
    if moment.tzinfo is None:
        return moment.date().isoformat()
    return moment.astimezone().date().isoformat()
