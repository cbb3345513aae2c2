"""After a meeting: the few best introductions for the people who were there, nobody in
two of them. Good introductions between two attendees come first (they met, it is
fresh: the habit this serves); the slots left go to the best pairs of the attendees
left free, with each other or with anyone in the book.

Only pairs `draft` writes without `--force` are chosen (something in common, not
weak): they are meant to go out the same day. Each stage is the plan's exact
b-matching (`plan.solver`, HiGHS) over each attendee's 2·n − 1 best partners for
n slots, which is enough: an attendee matched outside that list in an optimal
choice has, among the 2·n − 1, someone the other n − 1 pairs (2·n − 2 people) do
not hold, and a pair with them is no lighter.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from introducer.book.schema import Contact
from introducer.circle.partners import best_partners
from introducer.drafts.plan import WEAK_SCORE, has_thread
from introducer.errors import UsageError
from introducer.gaps import GOOD_SCORE
from introducer.ledger.entries import Entry
from introducer.ledger.views import live
from introducer.match.rank import Matchmaker
from introducer.match.score import Suggestion
from introducer.plan import TIME_LIMIT, solver

#: Introductions worth making the morning after: two or three, at most ten.
MOST_INTRODUCTIONS = 10


@dataclass(frozen=True, slots=True)
class Introduction:
    """One pair to introduce, and whether both sides were at the meeting."""

    pair: Suggestion
    both_there: bool


@dataclass(frozen=True, slots=True)
class Followed:
    """The introductions (best first); `optimal` is False when the solver ran out of time
    and the choice is greedy."""

    introductions: tuple[Introduction, ...]
    optimal: bool


def draftable(pair: Suggestion) -> bool:
    """Whether `draft` would write this pair without --force."""
    return pair.score >= WEAK_SCORE and has_thread(pair)


def follow_up_meeting(matchmaker: Matchmaker, attendees: Sequence[Contact], count: int,
                      good_score: float = GOOD_SCORE, time_limit: float = TIME_LIMIT
                      ) -> Followed:
    """Up to `count` introductions: good ones between attendees first, then the best
    of the rest touching an attendee still free."""
    if not 1 <= count <= MOST_INTRODUCTIONS:
        raise UsageError(f"a meeting's follow-up holds 1 to {MOST_INTRODUCTIONS} "
                         f"introductions, not {count}")
    there = {a.id for a in attendees}
    among, exact = _choose(matchmaker, attendees, count, lambda p: (
        p.score >= good_score and p.a.id in there and p.b.id in there and draftable(p)),
        time_limit)
    used = {c for p in among for c in (p.a.id, p.b.id)}
    free = [a for a in attendees if a.id not in used]
    rest, exact_rest = _choose(matchmaker, free, count - len(among), lambda p: (
        p.a.id not in used and p.b.id not in used and draftable(p)), time_limit)
    return Followed(tuple(Introduction(p, p.a.id in there and p.b.id in there)
                          for p in [*among, *rest]), exact and exact_rest)


def _choose(matchmaker: Matchmaker, people: Sequence[Contact], count: int,
            accept: Callable[[Suggestion], bool], time_limit: float = TIME_LIMIT
            ) -> tuple[list[Suggestion], bool]:
    """The `count` pairs `accept` takes of greatest total score touching `people`, nobody
    in two, best first; and whether that is proven optimal (else it is greedy)."""
    if count < 1:
        return [], True
    position = matchmaker.prepared.index_of
    found: dict[tuple[str, str], Suggestion] = {}
    for person in people:
        for pair in best_partners(matchmaker, position[person.id], 2 * count - 1, accept):
            found.setdefault((pair.a.id, pair.b.id), pair)
    pairs = sorted(found.values(), key=lambda p: (-p.score, p.a.id, p.b.id))
    edges = [solver.Edge(position[p.a.id], position[p.b.id], round(p.score * 100))
             for p in pairs]
    chosen = solver.optimal(edges, count, 1, time_limit)
    picked = [pairs[k] for k in (chosen if chosen is not None
                                 else solver.greedy(edges, count, 1))]
    picked.sort(key=lambda p: (-p.score, p.a.id, p.b.id))
    return picked, chosen is not None


def met_entries(attendees: Sequence[Contact], history: Sequence[Entry], day: dt.date,
                note: str | None) -> tuple[list[Entry], list[Contact]]:
    """`contacted` entries for the attendees on `day`, and the attendees left out because
    the history already records them as met that day (running it twice records once)."""
    done = {entry.a for entry in live(history) if entry.kind == "contacted" and entry.date == day}
    entries = [Entry(kind="contacted", a=a.id, b=None, date=day, note=note)
               for a in attendees if a.id not in done]
    return entries, [a for a in attendees if a.id in done]
