"""One line of the ledger: something the user did (or saw) about one pair or one person.

The ledger is an append-only log; every view (what is hidden, what is due, the
weekly count) is computed from it. Pairs are stored with `a < b` so a pair has
one spelling; `received` keeps its direction (`a` gave, `b` was introduced to
the user, if named).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal, get_args

Kind = Literal[
    "introduced", "asked", "outcome", "snoozed", "never", "received", "suggested", "renamed",
    "contacted",
]
Result = Literal["accepted", "declined", "met", "business", "no-reply"]

KINDS: tuple[Kind, ...] = get_args(Kind)
RESULTS: tuple[Result, ...] = get_args(Result)
#: Kinds that are about a pair of contacts (stored with a < b).
PAIR_KINDS: frozenset[str] = frozenset({"introduced", "asked", "outcome", "snoozed", "never",
                                        "suggested"})
#: Kinds the user did by hand: `undo` takes back the newest of these.
UNDOABLE_KINDS: frozenset[str] = frozenset(set(KINDS) - {"suggested"})


@dataclass(frozen=True, slots=True)
class Entry:
    """One ledger row. `id` is None until stored; `recorded_at` is UTC, to the second."""

    kind: Kind
    a: str
    b: str | None
    date: dt.date
    result: Result | None = None
    value: float | None = None
    until: dt.date | None = None
    note: str | None = None
    recorded_at: str = ""
    undone_at: str | None = None
    id: int | None = None

    @property
    def pair(self) -> tuple[str, str] | None:
        """The pair this entry is about, ids in order; None for the kinds about one person."""
        if self.kind not in PAIR_KINDS or self.b is None:
            return None
        return (self.a, self.b) if self.a <= self.b else (self.b, self.a)

    def involves(self, contact_id: str) -> bool:
        return contact_id in (self.a, self.b)


def pair_of(first: str, second: str) -> tuple[str, str]:
    """The stored spelling of an unordered pair."""
    return (first, second) if first <= second else (second, first)


def now_utc() -> str:
    """The moment a row is written: ISO 8601, UTC, whole seconds."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def describe(entry: Entry, names: dict[str, str] | None = None) -> str:
    """One line a person reads in `history` and after `undo`."""
    def who(contact_id: str | None) -> str:
        if contact_id is None:
            return "?"
        return (names or {}).get(contact_id, contact_id)

    a, b = who(entry.a), who(entry.b)
    if entry.kind == "introduced":
        text = f"introduced {a} and {b}"
    elif entry.kind == "asked":
        text = f"asked {a} and {b} whether they would like an introduction"
    elif entry.kind == "outcome":
        text = f"{a} and {b}: {entry.result}"
        if entry.value is not None:
            text += f" (value {entry.value:g})"
    elif entry.kind == "snoozed":
        text = f"snoozed {a} and {b} until {entry.until}"
    elif entry.kind == "never":
        text = f"never suggest {a} and {b}"
    elif entry.kind == "received":
        text = f"received a referral from {a}" + (f" (to {b})" if entry.b else "")
    elif entry.kind == "contacted":
        text = f"in touch with {a}"
    elif entry.kind == "suggested":
        text = f"suggested {a} and {b}"
    else:
        text = f"renamed {entry.a} to {entry.b}"
    if entry.note:
        text += f": {entry.note}"
    return text
