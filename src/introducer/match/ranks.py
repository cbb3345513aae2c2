"""Each contact's place in the order of ids: how the ranking breaks ties between pairs.

Pairs that score alike are listed by the lower id of the two, then the other's, so the
list never depends on where contacts stand in the book. A small book's ranking reads the
places as a list (`small.PlainPairs`), the index's as a numpy array (`pairs.Candidates`);
each is made when first read, so a personal book never imports numpy for them.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from introducer.match.pairs import IntArray


class Ranks:
    """The place of each contact (by position in the book) in the order of ids, ties (a
    hand-built book may repeat an id) by position."""

    def __init__(self, ids: Sequence[str]) -> None:
        # Contacts in the order of their ids (stable); let go once the array is made, which
        # the list can be read from (a million of them: 36 MB).
        self._order: list[int] | None = sorted(range(len(ids)), key=ids.__getitem__)

    @cached_property
    def positions(self) -> list[int]:
        """The places as a list: `positions[i]` is contact i's."""
        if self._order is None:
            found: list[int] = self.array.tolist()
            return found
        places = [0] * len(self._order)
        for place, position in enumerate(self._order):
            places[position] = place
        return places

    @cached_property
    def array(self) -> IntArray:
        """The places as a numpy array (the index's searches read them by the million)."""
        import numpy as np

        assert self._order is not None, "only this property lets it go, once"
        order = np.asarray(self._order, dtype=np.int64)
        places = np.empty(len(order), dtype=np.int64)
        places[order] = np.arange(len(order), dtype=np.int64)
        self._order = None
        return places

    def pair(self, first: int, second: int) -> tuple[int, int]:
        """The places of two contacts, lower first, from whichever form is already made."""
        made = self.__dict__
        places: list[int] | IntArray = (made["array"] if "array" in made
                                        and "positions" not in made else self.positions)
        a, b = int(places[first]), int(places[second])
        return (a, b) if a <= b else (b, a)
