"""`today`'s two readings of the book's pairs from one pass: the ranking's first candidate
list and the week's focus person.

The focus person needs every pair that could be a good introduction (total at least
`GOOD_SCORE`) with its exact total; the ranking's first try needs the best few
thousand pairs by exact total. The pass that finds the first finds the second too,
so `SharedPass` keeps the best pairs while `potential` reads the blocks, and hands
them to the ranking as its candidate list, where a second pass used to compute them
again (2,000 contacts: two thirds of the time both took).

The list is exact: every pair left out either scored below the kept ones or could
not reach `GOOD_SCORE` (its upper bound was below it), so its `ceiling` is the larger
of the two, and the source adds what it knows of pairs never proposed (`unreached`).
When the ranking must look deeper than that, it asks again, and the source answers
as it always did.

The pass itself (the good pairs' figures and the list, with its ceiling) depends on the
book, the ledger's points and the pair budget, which a pair source's record is keyed
by, and on `keep` and `GOOD_SCORE`, which name it: so a warm run whose record holds it
reads neither the blocks nor builds the index (`Matchmaker.remembered`).

A small book's pairs are all scored already, in plain lists (`small.ScoredPairs`):
there the ranking and the focus person each read them as they are, and numpy, which
only the index's pass needs, is never imported.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from introducer.gaps import GOOD_SCORE
from introducer.gaps.people import week_focus
from introducer.gaps.potential import Potential, potential
from introducer.match.small import ScoredPairs

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Mapping

    import numpy as np

    from introducer.gaps.people import Relationship
    from introducer.match.pairs import Candidates, FloatArray, PairSource, Reading, Shortlist
    from introducer.match.rank import Matchmaker
    from introducer.match.score import Suggestion

    # A pass's reading, from a record when there is one (`Matchmaker.remembered`'s
    # signature).
    Remember = Callable[[tuple[object, ...], tuple[type[np.generic], ...],
                         Callable[[], Reading]], Reading]


def _compute(call: tuple[object, ...], kinds: tuple[type[np.generic], ...],
             compute: Callable[[], Reading]) -> Reading:
    return compute()


class _Watched:
    """A pair source's exact blocks, each also kept by `best` as it is read."""

    def __init__(self, source: PairSource[Candidates], best: Shortlist) -> None:
        self.size = source.size
        self._source = source
        self._best = best

    def exact_blocks(self, floor: FloatArray | None = None) -> Iterator[Candidates]:
        for block in self._source.exact_blocks(floor):
            self._best.add(block)
            yield block


class SharedPass:
    """A `PairSource` around the matchmaker's own: its first candidate list comes from the
    pass that also finds each contact's good pairs (`potential`, kept for the focus person).
    """

    def __init__(self, source: PairSource[Candidates], remember: Remember = _compute) -> None:
        self.source = source
        self._remember = remember
        self.size = source.size
        self.potential: Potential | None = None

    @property
    def reachable(self) -> int:
        return self.source.reachable

    def unreached_at(self, reach: int) -> float:
        return self.source.unreached_at(reach)

    def deeper(self, keep: int, after: Candidates, least: float = -math.inf) -> Candidates:
        return self.source.deeper(keep, after, least)

    def candidates(self, keep: int | None = None, *, reach: int = 0,
                   after: Candidates | None = None) -> Candidates:
        """The source's candidates; the first list asked for (the `keep` best, before any
        search by reach) is taken from the pass that finds the good pairs."""
        import numpy as np  # the index's pass: its lists and columns are numpy's

        if self.potential is not None or keep is None or reach or after is not None:
            return self.source.candidates(keep, reach=reach, after=after)
        # The columns of a `Potential`, in its fields' order.
        columns = (np.float64, np.int64, np.int64, np.float64)
        found = self._remember(("good_pass", keep, GOOD_SCORE), columns,
                               lambda: self._pass(keep))
        best, partner, good, worth = found.columns  # of `columns`: no copies made
        self.potential = Potential(best.astype(np.float64, copy=False),
                                   partner.astype(np.int64, copy=False),
                                   good.astype(np.int64, copy=False),
                                   worth.astype(np.float64, copy=False))
        # The source's own answer for the same `keep` with this list standing adds the
        # bound on pairs never proposed.
        return self.source.candidates(keep, after=found.found)

    def _pass(self, keep: int) -> Reading:
        import numpy as np

        from introducer.match.pairs import Reading, Shortlist

        best = Shortlist(keep)
        found = potential(_Watched(self.source, best), GOOD_SCORE, good_only=True)
        best.drop(np.array([GOOD_SCORE]))  # what the pass left out could not reach it
        columns = (found.best, found.partner, found.good, found.worth)  # the index's: arrays
        return Reading(best.result(), tuple(np.asarray(column) for column in columns))

    def partners(self, focus: int) -> Candidates:
        return self.source.partners(focus)

    def rough_partners(self, focus: int, *, least: float = -math.inf,
                       best: int | None = None) -> Candidates:
        return self.source.rough_partners(focus, least=least, best=best)

    def exact_blocks(self, floor: FloatArray | None = None) -> Iterator[Candidates]:
        return self.source.exact_blocks(floor)


def suggest_with_focus(matchmaker: Matchmaker, touched: Mapping[str, dt.date], *, top: int,
                       per_person: int) -> tuple[list[Suggestion], Relationship | None]:
    """`matchmaker.suggest` and the week's focus person (`people.week_focus`), exactly as
    each gives them alone, from one pass over the book's pairs."""
    if isinstance(matchmaker.pairs, ScoredPairs):  # every pair scored already: no pass
        return (matchmaker.suggest(top=top, per_person=per_person),
                week_focus(matchmaker, touched))
    shared = SharedPass(matchmaker.pairs, matchmaker.remembered)
    matchmaker.use_pairs(shared)
    found = matchmaker.suggest(top=top, per_person=per_person)
    return found, week_focus(matchmaker, touched, shared.potential)
