"""One line of the ledger: something the user did (or saw) about one pair or one person.

The ledger is an append-only log; every view (what is hidden, what is due, the
weekly count) is computed from it. Pairs are stored with `a < b` so a pair has
one spelling; `received` keeps its direction (`a` gave, `b` was introduced to
the user, if named).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any, Literal, get_args

from introducer.clock import LATEST_DAY
from introducer.match.history import pair_key

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

#: The largest business value: far beyond any deal, small enough that sums stay finite
#: (two values of 1e308 added up to infinity, which JSON cannot carry).
MAX_VALUE = 1e15
#: The largest entry id: exact in every JSON reader (2**53), and far from SQLite's limit
#: (an imported id of 2**63 - 1 left no id for the next `record`).
MAX_ID = 2**53


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
        return pair_key(self.a, self.b)

    def involves(self, contact_id: str) -> bool:
        return contact_id in (self.a, self.b)



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


def shown(value: Any, limit: int = 40) -> str:
    """A value quoted for an error message, shortened: a 10 MB cell is not repeated back."""
    text = repr(value)
    if len(text) <= limit:
        return text
    quote = text[-1] if text[-1] in "'\"" else ""
    return text[: limit - 4] + "..." + quote




def id_problem(value: Any, what: str) -> str | None:
    """Why `value` cannot be a contact id (the book's rule: text, no spaces, no controls)."""
    if value is None:
        return f"{what} is missing"
    if not isinstance(value, str):
        return f"{what} must be text, not {type(value).__name__}"
    if not value or " " in value or not value.isprintable():
        return (f"{what} {shown(value)} is not a contact id "
                "(an id has no spaces or control characters)")
    return None


def _timestamp_problem(value: Any, what: str) -> str | None:
    if value is None:
        return f"{what} is missing"
    if not isinstance(value, str):
        return f"{what} must be text, not {type(value).__name__}"
    try:
        dt.datetime.fromisoformat(value)
    except ValueError:
        return f"{what} {shown(value)} is not a time (such as 2026-11-23T08:30:00Z)"
    return None


def entry_problem(entry: Entry) -> str | None:
    """What makes `entry` unfit for the ledger, or None: one rule for what `import-history`
    accepts and what the state file may hold (a row edited by hand is checked the same way).

    Fields are checked at run time, whatever their annotations say: the values come from
    files and SQLite rows, not from code.
    """
    values: dict[str, Any] = {
        "id": entry.id, "kind": entry.kind, "a": entry.a, "b": entry.b, "result": entry.result,
        "value": entry.value, "note": entry.note, "recorded_at": entry.recorded_at,
        "undone_at": entry.undone_at,
    }
    id_ = values["id"]
    if id_ is not None and (type(id_) is not int or not 1 <= id_ <= MAX_ID):
        return f"id {shown(id_)} is not a whole number from 1 to {MAX_ID}"
    kind = values["kind"]
    if kind is None:
        return "kind is missing"
    if kind not in KINDS:
        return f"kind {shown(kind)} is not one of {', '.join(KINDS)}"
    problem = id_problem(values["a"], "a")
    if problem is None and (values["b"] is not None or kind in PAIR_KINDS or kind == "renamed"):
        problem = "b is missing" if values["b"] is None else id_problem(values["b"], "b")
    if problem is None and kind in PAIR_KINDS and values["a"] == values["b"]:
        problem = f"a and b are the same contact ({values['a']}); a pair needs two people"
    if problem is None and entry.date > LATEST_DAY:
        problem = f"date {entry.date} is after {LATEST_DAY}, the last day introducer keeps"
    if problem is None:
        problem = _result_problem(kind, values["result"], values["value"])
    if problem is None and kind == "snoozed" and entry.until is None:
        problem = "until is missing (a snooze needs the day it ends)"
    if problem is None and values["note"] is not None and not isinstance(values["note"], str):
        problem = f"note must be text, not {type(values['note']).__name__}"
    if problem is None and values["recorded_at"] != "":
        problem = _timestamp_problem(values["recorded_at"], "recorded_at")
    if problem is None and values["undone_at"] is not None:
        problem = _timestamp_problem(values["undone_at"], "undone_at")
    return problem


def _result_problem(kind: Any, result: Any, value: Any) -> str | None:
    if kind == "outcome" and result is None:
        return "result is missing (an outcome needs one)"
    if result is not None and kind != "outcome":
        return f"result goes only with kind outcome, not {kind}"
    if result is not None and result not in RESULTS:
        return f"result {shown(result)} is not one of {', '.join(RESULTS)}"
    if value is None:
        return None
    if type(value) not in (int, float):
        return f"value {shown(value)} is not a number"
    if not (math.isfinite(value) and 0 <= value <= MAX_VALUE):
        return f"value {value:g} is not a number from 0 to {MAX_VALUE:g}"
    return None
