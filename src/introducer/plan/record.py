"""What `plan --record` writes: one ledger entry per planned pair, never a second one."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Literal

from introducer.errors import IntroducerError
from introducer.ledger.entries import Entry
from introducer.ledger.views import live
from introducer.match.history import pair_key
from introducer.match.score import Suggestion

Recorded = Literal["introduced", "asked"]


def plan_entries(pairs: Sequence[Suggestion], history: Sequence[Entry], day: dt.date,
                 kinds: Sequence[Recorded]) -> list[Entry]:
    """The entries recording each of `pairs` on `day` as its kind (introduced, or asked
    where the drafts ask each side first); an error, before anything is written, if the
    history already records any of them so (a plan recorded twice is two weeks' worth)."""
    done = {(entry.pair, entry.kind) for entry in live(history)}
    again = [(p, kind) for p, kind in zip(pairs, kinds, strict=True)
             if (pair_key(p.a.id, p.b.id), kind) in done]
    if again:
        named = ", ".join(f"{p.a.name} and {p.b.name} as {kind}" for p, kind in again)
        raise IntroducerError(f"the history already records {named}; nothing was "
                              "recorded (`introducer history` shows the entries)")
    return [Entry(kind=kind, a=p.a.id, b=p.b.id, date=day)
            for p, kind in zip(pairs, kinds, strict=True)]
