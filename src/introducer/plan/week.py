"""Which day of the week each planned introduction goes on.

Introductions are sent on working days, so the plan uses the weekdays left from
today to Friday; on a Saturday or a Sunday, when none are left, it uses the days
left of the week (the week ends on Sunday, as `stats` and `today` count it). The
best pairs go first, and earlier days take one more when the pairs do not divide
evenly.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TypeVar

FRIDAY, SUNDAY = 4, 6

Item = TypeVar("Item")


def days_left(today: dt.date) -> list[dt.date]:
    """The days this week's introductions can still go out on, from today."""
    last = FRIDAY if today.weekday() <= FRIDAY else SUNDAY
    return [today + dt.timedelta(days=k) for k in range(last - today.weekday() + 1)]


def spread(items: Sequence[Item], today: dt.date) -> list[tuple[dt.date, Item]]:
    """`items` (best first) over the days left, in order, as evenly as they go."""
    days = days_left(today)
    each, extra = divmod(len(items), len(days))
    placed: list[tuple[dt.date, Item]] = []
    for position, day in enumerate(days):
        share = each + (1 if position < extra else 0)
        placed += [(day, item) for item in items[len(placed):len(placed) + share]]
    return placed
