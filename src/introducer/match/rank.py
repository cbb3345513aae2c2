"""The ranked list of introductions: best pairs first, nobody overloaded, nothing excluded.

`PairIndex` proposes candidates with exact unrounded totals; the shown score is the
sum of the rounded points of each reason, which can differ from that total by a
few hundredths. Ranking walks candidates in order of total and rescores each
exactly (`PairScorer`), deciding a pair only once no unseen candidate could still
outrank it, so the list is exactly what ranking every candidate by its shown
score would give, at the cost of rescoring only the head of the list.

Pairs the ledger hides (already introduced, snoozed, declined) stay candidates
with their totals, so every bound still holds; the ranking passes over them as
it passes over pairs whose person is at the cap, unless asked to include them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import heapq
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

import numpy as np

from introducer.book.model import Book
from introducer.book.schema import Contact
from introducer.collector import collector_paused
from introducer.errors import ContactLookupError, UsageError
from introducer.match.history import NO_HISTORY, HistoryView
from introducer.match.pairs import Candidates, IntArray, PairSource
from introducer.match.prepare import prepare_book
from introducer.match.score import PairScorer, Suggestion
from introducer.match.small import SMALL_BOOK, ScoredPairs

# Largest gap between a pair's unrounded total and its shown score: half a hundredth
# per reason (at most 18 reasons: 14 from the book, 4 from the ledger) plus the final
# rounding.
SCORE_MARGIN = 0.1
_FIRST_CHUNK = 256
# Candidates scored exactly on the first try; more only if the caps reach deeper.
_FIRST_KEEP = 5_000
# Contacts of highest reach whose pairs are all searched, once pairs never proposed could
# still rank (`PairIndex.candidates`): about two million pairs, then four times as many
# contacts each time.
_FIRST_REACH = 2_048
_REACH_GROWTH = 4
# Runners-up named beside the best answer to one ask ("or: Carla Mendes, Brooke Hanley"),
# found among the asker's best-scoring partners.
ALTERNATIVES_NAMED = 3
_ALTERNATIVES_SCORED = 6

if TYPE_CHECKING:  # the index needs scipy: explain and a small book never build it
    from introducer.match.index import PairIndex

AnswerKey = tuple[str, str, tuple[str, ...], str]


class Matchmaker:
    """Suggests and explains introductions for one book, as of `today`, given its `history`."""

    def __init__(
        self,
        book: Book,
        *,
        today: dt.date,
        history: HistoryView = NO_HISTORY,
        pair_budget: int | None = None,
        small_book: int = SMALL_BOOK,
    ) -> None:
        self.book = book
        self.history = history
        with collector_paused():
            self.prepared = prepare_book(book, today=today, history=history)
        self.scorer = PairScorer(self.prepared)
        self._pair_budget = pair_budget
        self._index: PairIndex | None = None
        self._small_book = small_book
        self._pairs: PairSource | None = None
        order = sorted(range(len(book.contacts)), key=lambda i: (book.contacts[i].id, i))
        self._rank: IntArray = np.empty(len(order), dtype=np.int64)
        self._rank[np.asarray(order, dtype=np.int64)] = np.arange(len(order), dtype=np.int64)

    @property
    def index(self) -> PairIndex:
        """The candidate index, built on first use (explain does not need it)."""
        if self._index is None:
            from introducer.match.index import PairIndex

            with collector_paused():
                self._index = PairIndex(self.prepared, pair_budget=self._pair_budget)
        return self._index

    @property
    def pairs(self) -> PairSource:
        """Where candidate pairs come from: the index, or for a book of at most `small_book`
        contacts every pair scored one by one (same pairs and totals, no scipy)."""
        if self._pairs is None:
            if len(self.book.contacts) <= self._small_book:
                with collector_paused():
                    self._pairs = ScoredPairs(self.scorer)
            else:
                self._pairs = self.index
        return self._pairs

    def suggestable(self, pairs: Iterable[tuple[str, str]]) -> list[Suggestion]:
        """These pairs (by id) scored as they stand, whatever the caps, leaving out any the
        ranking could never suggest: gone from the book, excluded, hidden, or worth nothing."""
        index_of = self.prepared.index_of
        scored = [self.scorer.score_pair(index_of[a], index_of[b]) for a, b in pairs
                  if a in index_of and b in index_of and a != b]
        return [s for s in scored if s.score > 0 and s.excluded is None and s.history is None]

    def explain(self, a: Contact, b: Contact) -> Suggestion:
        """Every reason for and against introducing a and b, even if they are never suggested."""
        return self.scorer.score_pair(self._position(a), self._position(b))

    def suggest(
        self,
        *,
        top: int = 10,
        per_person: int = 2,
        focus: Contact | None = None,
        min_score: float = 0.0,
        include_history: bool = False,
    ) -> list[Suggestion]:
        """The best `top` introductions by score (ties by ids), at most `per_person` per person.

        With `focus`, only that contact's introductions (the cap does not apply to them).
        Pairs scoring 0 or less, or below `min_score`, are never suggested. Pairs the
        history hides are left out (and use up nobody's cap) unless `include_history`,
        which ranks them like any other, labelled (`Suggestion.history`).
        """
        if top < 1:
            raise UsageError("the number of suggestions must be at least 1")
        if per_person < 0:
            raise UsageError("the per-person cap must be 0 (no cap) or more")
        with collector_paused():
            return self._suggest(top, per_person, focus, min_score, include_history)

    def _suggest(
        self, top: int, per_person: int, focus: Contact | None, min_score: float,
        include_history: bool,
    ) -> list[Suggestion]:
        exempt = -1 if focus is None else self._position(focus)
        hiding = not include_history and bool(self.history.hidden)
        keep: int | None = self._first_keep(top, per_person, hiding)
        reach = 0
        earlier: Candidates | None = None  # the last pass, when only the reach widens
        while True:
            found = (self.pairs.candidates(keep, reach=reach, after=earlier) if exempt < 0
                     else self.pairs.partners(exempt))
            chosen = self._best(
                found, top=top, cap=per_person, exempt=exempt, floor=min_score, hiding=hiding
            )
            if chosen is not None:
                return [self._with_alternatives(s, chosen, include_history) for s in chosen]
            wider_keep, reach = self._wider(found, keep, reach)
            earlier = found if wider_keep == keep else None
            keep = wider_keep

    def _first_keep(self, top: int, per_person: int, hiding: bool) -> int | None:
        """How many candidates to rescore at first: a generous guess.

        Hidden pairs may fill the head of the list, so room is made for all of them.
        """
        keep = max(_FIRST_KEEP, 64 * top * max(per_person, 1))
        if hiding:
            keep += len(self.history.hidden)
        return keep if keep < len(self.book.contacts) ** 2 else None

    def _wider(self, found: Candidates, keep: int | None, reach: int) -> tuple[int | None, int]:
        """The next, wider search after `found` fell short: more of the strongest contacts
        searched exhaustively if pairs never proposed could still rank (up to all who
        could make one), else more candidates kept (up to all)."""
        if found.unreached > found.ceiling:
            widest = self.pairs.reachable
            return keep, widest if reach >= widest // _REACH_GROWTH else max(
                _FIRST_REACH, reach * _REACH_GROWTH)
        assert keep is not None, "a complete candidate list always ranks"
        keep *= 16
        return (keep if keep < len(self.book.contacts) ** 2 else None), reach

    def _position(self, contact: Contact) -> int:
        position = self.prepared.index_of.get(contact.id)
        if position is None:
            raise ContactLookupError(f'unknown contact "{contact.name}" ({contact.id})')
        return position

    def _stream(self, found: Candidates, floor: float) -> Iterator[tuple[float, int, int]]:
        """Candidates in order of total (then ids), lazily: only the head is ever sorted."""
        remaining = np.flatnonzero(found.total > max(floor, 0.0) - SCORE_MARGIN)
        chunk = _FIRST_CHUNK
        while len(remaining):
            totals = found.total[remaining]
            if len(remaining) > chunk:
                split = np.argpartition(-totals, chunk - 1)
                cut = totals[split[chunk - 1]]
                head_mask = totals >= cut
                head, remaining = remaining[head_mask], remaining[~head_mask]
            else:
                head, remaining = remaining, remaining[:0]
            a = np.minimum(self._rank[found.first[head]], self._rank[found.second[head]])
            b = np.maximum(self._rank[found.first[head]], self._rank[found.second[head]])
            for k in np.lexsort((b, a, -found.total[head])):
                pick = head[k]
                yield float(found.total[pick]), int(found.first[pick]), int(found.second[pick])
            chunk *= 4

    def _with_alternatives(
        self, suggestion: Suggestion, chosen: list[Suggestion], include_history: bool
    ) -> Suggestion:
        """The best answer to an ask, with the next best answers to it named beside it.

        They come from the asker's own best partners (an exhaustive row of the index,
        scored exactly), so what is named does not depend on how deep the ranking looked.
        """
        keyed = self.answer_key(suggestion)
        if keyed is None:
            return suggestion
        key, subject = keyed[0], self.prepared.index_of[keyed[0][1]]
        listed = {(s.a.id, s.b.id) for s in chosen}
        partners = self.pairs.rough_partners(subject)
        # Another answer to the same ask (or need) earns the same points for it, and the
        # rough total never misses what a pair earns from the book.
        answer = suggestion.answer
        floor = (answer.points if answer is not None else 0.0) - SCORE_MARGIN
        partners = partners.subset(np.flatnonzero(partners.total >= floor))
        order = np.lexsort((self._rank[partners.first] + self._rank[partners.second],
                            -partners.total))[:_ALTERNATIVES_SCORED]
        found: list[Suggestion] = []
        for k in order:
            first, second = int(partners.first[k]), int(partners.second[k])
            if not include_history and self.prepared.hidden(first, second) is not None:
                continue
            if not self._may_answer_alike(key, subject, second if first == subject else first):
                continue  # could never have this answer key: not worth scoring exactly
            other = self.scorer.score_pair(first, second)
            if ((other.a.id, other.b.id) in listed or other.score <= 0 or other.excluded
                    or other.score > suggestion.score):
                continue
            other_key = self.answer_key(other)
            if other_key is not None and other_key[0] == key:
                found.append(other)
        found.sort(key=lambda s: (-s.score, s.a.id, s.b.id))
        names = tuple(s.other(key[1]) for s in found[:ALTERNATIVES_NAMED])
        return dataclasses.replace(suggestion, alternatives=names) if names else suggestion

    def helper_of(self, suggestion: Suggestion) -> tuple[str, str]:
        """(who is helped, who helps) for a pair that answers an ask or a live event."""
        answer = suggestion.answer
        subject = answer.subject if answer is not None and answer.subject else suggestion.a.id
        return subject, suggestion.other(subject).id

    def serves_the_other_side(self, suggestion: Suggestion, helped: set[tuple[str, str]]
                              ) -> bool:
        """Whether this pair would send someone to the professional already chosen for the
        other side of their divorce (one lawyer cannot act for both)."""
        if suggestion.answer is None or not self.prepared.couples:
            return False
        subject, helper = self.helper_of(suggestion)
        return any((partner, helper) in helped for partner in self.prepared.partners_of(subject))

    def answer_key(self, suggestion: Suggestion) -> tuple[AnswerKey, int] | None:
        """What one suggestion answers, and the position of the one who asked (-1 for a live
        event: its person is held to the cap like anyone); None for a pair that answers
        no ask or live event.

        An ask has one answer ("anyone at Nationwide": the best placed of its staff). A
        live event has one per profession: two realtors for one buyer answer the same
        need, a realtor and a mortgage broker answer two.
        """
        answer = suggestion.answer
        if answer is None or answer.subject is None:
            return None
        if answer.kind == "wants":
            return (answer.kind, answer.subject, answer.values, ""), self.prepared.index_of[
                answer.subject]
        other = suggestion.other(answer.subject)
        return (answer.kind, answer.subject, answer.values,
                self._line(self.prepared.index_of[other.id])), -1

    def _line(self, position: int) -> str:
        """One profession that names a person's line of work (two realtors share one)."""
        profile = self.prepared.profiles[position]
        professions = self.prepared.matcher.professions(profile.business or "")
        return min(professions) if professions else (profile.business or profile.contact.id)

    def _may_answer_alike(self, key: AnswerKey, subject: int, other: int) -> bool:
        """Whether the pair of `subject` and `other` could have answer key `key` (a cheap
        necessary condition, checked before a runner-up is scored exactly): for an ask,
        `other` answers each of its wants by business or company; for a need, `other` is
        in the same line of work."""
        kind, _, values, line = key
        prepared = self.prepared
        if kind == "wants":
            return all(other in prepared.answering(want)
                       for want in prepared.profiles[subject].wants if want.text in values)
        return self._line(other) == line

    def _best(
        self, found: Candidates, *, top: int, cap: int, exempt: int, floor: float, hiding: bool
    ) -> list[Suggestion] | None:
        """Greedy by shown score with per-person caps; None if `found` was cut too short.

        With `hiding`, pairs the history hides are passed over before they are scored.
        The best answer to an ask (or a live event's need) is suggested once, the
        runners-up named beside it; the one who asked is not held to the cap, so every
        ask can be answered.
        """
        chosen: list[Suggestion] = []
        answered: set[AnswerKey] = set()
        helped: set[tuple[str, str]] = set()  # (who was helped, by whom) among those chosen
        uses: Counter[int] = Counter()

        def full(person: int) -> bool:
            return bool(cap) and person != exempt and uses[person] >= cap

        waiting: list[tuple[float, int, int, int, int, Suggestion]] = []
        stream = self._stream(found, floor)
        upcoming = next(stream, None)
        while len(chosen) < top:
            ahead = upcoming[0] if upcoming is not None else -np.inf
            # Best shown score anything not yet rescored could have (pairs cut from `found` too).
            unseen = max(ahead, found.outside) + SCORE_MARGIN
            settled = unseen <= max(floor, 0.0)
            if waiting and (settled or -waiting[0][0] > unseen):
                *_, first, second, suggestion = heapq.heappop(waiting)
                if suggestion.score <= 0 or suggestion.score < floor:
                    break
                keyed = self.answer_key(suggestion)
                if keyed is not None and keyed[0] in answered:
                    continue  # a runner-up: named beside the best answer, not listed
                if self.serves_the_other_side(suggestion, helped):
                    continue
                asker = keyed[1] if keyed is not None else -1
                counted = [p for p in (first, second) if p != asker]
                if not any(full(p) for p in counted):
                    if keyed is not None:
                        answered.add(keyed[0])
                        helped.add(self.helper_of(suggestion))
                    chosen.append(suggestion)
                    uses.update(counted)
                continue
            if upcoming is None or ahead < found.outside:
                return chosen if settled else None
            _, first, second = upcoming
            upcoming = next(stream, None)
            if full(first) and full(second):
                continue  # caps only fill up, so this pair could never be taken
            if hiding and self.prepared.hidden(first, second) is not None:
                continue  # never taken, so it uses up nobody's cap
            suggestion = self.scorer.score_pair(first, second)
            low, high = sorted((int(self._rank[first]), int(self._rank[second])))
            heapq.heappush(waiting, (-suggestion.score, low, high, first, second, suggestion))
        return chosen
