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
import math
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any, Literal

from introducer.book.model import Book
from introducer.book.schema import Contact
from introducer.collector import collector_paused
from introducer.errors import ContactLookupError, UsageError
from introducer.match.history import NO_HISTORY, HistoryView
from introducer.match.prepare import prepare_book
from introducer.match.ranks import Ranks
from introducer.match.score import STANDING_KINDS, PairScorer, Suggestion
from introducer.match.small import SMALL_BOOK, ScoredPairs

# Largest gap between a pair's unrounded total and its shown score: half a hundredth
# per reason (at most 18 reasons: 14 from the book, 4 from the ledger) plus the final
# rounding.
SCORE_MARGIN = 0.1
# Candidates scored exactly on the first try; more only if the caps reach deeper.
_FIRST_KEEP = 5_000
# Contacts of highest reach whose pairs are all searched, once pairs never proposed could
# still rank (`PairIndex.candidates`): about two million pairs, then four times as many
# contacts each time.
_FIRST_REACH = 2_048
_REACH_GROWTH = 4
# Most candidates one pass keeps, and most pairs it rescores exactly (a few seconds): a
# book where tens of thousands of pairs tie at the top within rounding (every value
# common, twins by the thousand) would otherwise be walked pair by pair, without end.
_KEEP_LIMIT = 2_000_000
_RESCORE_LIMIT = 40_000
# Pairs of twins (`twins.py`) the ranking may walk past, and class pairs it may score,
# before it gives up on them.
_WALK_LIMIT = 2_000_000
_CLASS_PAIRS_SCORED = 200_000
# Contacts per class of twins from which a failed pass goes straight to ranking classes.
_TWINS_PER_CLASS = 10
# Contacts from which the preparation is frozen once made (`collector_paused(keep=True)`):
# it lives as long as the book, and the collector's first pass over its objects cost
# 0.2-0.3 s at 100k. Smaller books need not (tests build thousands of matchmakers).
_FROZEN_FROM = 5_000
# Runners-up named beside the best answer to one ask ("or: Carla Mendes, Brooke Hanley"),
# found among the asker's best-scoring partners.
ALTERNATIVES_NAMED = 3
_ALTERNATIVES_SCORED = 6

if TYPE_CHECKING:  # the index needs scipy, its lists numpy: a small book needs neither
    import numpy as np

    from introducer.match.index import PairIndex
    from introducer.match.pairs import IntArray, PairList, PairSource, Reading
    from introducer.match.replay import RecordedPairs
    from introducer.match.twins import TwinClasses

AnswerKey = tuple[str, str, tuple[str, ...], str]


@dataclasses.dataclass(frozen=True, slots=True)
class _Pass:
    """One ranking pass: the list if it could be proven, and whether it ran out of rescores."""

    chosen: list[Suggestion] | None
    spent: bool = False


class _Picks:
    """What one ranking pass has taken so far, and what that rules out next: an ask
    answered once, nobody past the cap (but `exempt`, and the one who asked)."""

    def __init__(self, cap: int, exempt: int = -1) -> None:
        self.cap, self.exempt = cap, exempt
        self.chosen: list[Suggestion] = []
        self.answered: set[AnswerKey] = set()
        self.helped: set[tuple[str, str]] = set()  # (who was helped, by whom)
        self.uses: Counter[int] = Counter()

    def full(self, person: int) -> bool:
        return bool(self.cap) and person != self.exempt and self.uses[person] >= self.cap

    def take(self, suggestion: Suggestion, keyed: tuple[AnswerKey, int] | None,
             counted: list[int], helper: tuple[str, str]) -> None:
        if keyed is not None:
            self.answered.add(keyed[0])
            self.helped.add(helper)
        self.chosen.append(suggestion)
        self.uses.update(counted)


def _tied_answers(suggestion: Suggestion) -> bool:
    """Whether the reason that makes the pair an answer ties with another but for its text
    (each asked what the other does): then which of the two it is about follows the
    names, and differs from one pair of the same two classes to the next."""
    positive = [r for r in suggestion.reasons if r.points > 0 and r.kind not in STANDING_KINDS]
    return len(positive) > 1 and (positive[0].points, positive[0].kind, positive[0].values) == (
        positive[1].points, positive[1].kind, positive[1].values)


class Matchmaker:
    """Suggests and explains introductions for one book, as of `today`, given its `history`.

    `approximate` says why, when the last `suggest` could not prove its list the exact
    best (the book's pairs too many to compare, or too many alike at the top); None
    when it is exactly what ranking every pair would give.
    """

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
        with collector_paused(keep=len(book.contacts) >= _FROZEN_FROM):
            self.prepared = prepare_book(book, today=today, history=history)
        self.scorer = PairScorer(self.prepared)
        self._pair_budget = pair_budget
        self._index: PairIndex | None = None
        self._small_book = small_book
        # The index's lists (`Candidates`) or a small book's (`small.PlainPairs`).
        self._pairs: PairSource[Any] | None = None
        self._recorded: RecordedPairs | None = None  # the pairs answered from a record
        self._ranks = Ranks([contact.id for contact in book.contacts])
        self.approximate: str | None = None
        self._twins: TwinClasses | Literal[False] | None = False  # False: not looked for

    @property
    def index(self) -> PairIndex:
        """The candidate index, built on first use (explain does not need it)."""
        if self._index is None:
            from introducer.match.index import PairIndex

            with collector_paused():
                self._index = PairIndex(self.prepared, pair_budget=self._pair_budget)
        return self._index

    @property
    def pairs(self) -> PairSource[Any]:
        """Where candidate pairs come from: the index, or for a book of at most `small_book`
        contacts every pair scored one by one (same pairs and totals, no numpy)."""
        if self._pairs is None:
            if len(self.book.contacts) <= self._small_book:
                from introducer.match.small import scored_pairs_of

                with collector_paused():
                    self._pairs = scored_pairs_of(self.prepared,
                                                  lambda: ScoredPairs.scored(self.scorer))
            else:
                from introducer.match.replay import recorded_pairs

                self._recorded = recorded_pairs(self.prepared, self._pair_budget,
                                                lambda: self.index)
                self._pairs = self._recorded or self.index
        return self._pairs

    def use_pairs(self, pairs: PairSource[Any]) -> None:
        """Read candidate pairs from `pairs` from now on: a view of this matchmaker's own
        (`pairs` above) that answers two readers from one pass (`gaps.one_pass`)."""
        self._pairs = pairs

    def remembered(self, call: tuple[object, ...], kinds: tuple[type[np.generic], ...],
                   compute: Callable[[], Reading]) -> Reading:
        """`compute()`: a pass over every block of `pairs`, answered from their record when
        they have one (`replay.RecordedPairs.remembered`); `call` names what the pass
        depends on beyond the book, the ledger's points and the pair budget."""
        if self._recorded is None:
            return compute()
        return self._recorded.remembered(call, kinds, compute)

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
            found = self._suggest(top, per_person, focus, min_score, include_history)
            if self._recorded is not None:
                self._recorded.save()
            return found

    def _suggest(
        self, top: int, per_person: int, focus: Contact | None, min_score: float,
        include_history: bool,
    ) -> list[Suggestion]:
        exempt = -1 if focus is None else self._position(focus)
        hiding = not include_history and bool(self.history.hidden)
        keep: int | None = self._first_keep(top, per_person, hiding)
        reach = 0
        earlier: PairList | None = None  # the last pass, when only the reach widens
        self.approximate = None
        deep = False  # once the search by reach cannot settle: `PairSource.deeper` too

        def attempt(found: PairList) -> tuple[_Pass, tuple[int | None, int] | None]:
            """A pass over `found`, and the wider search to run if it fell short."""
            tried = self._best(found, top=top, cap=per_person, exempt=exempt,
                               floor=min_score, hiding=hiding)
            fell_short = tried.chosen is None and not tried.spent
            return tried, self._wider(found, keep, reach) if fell_short else None

        def deeper(found: PairList, keep: int
                   ) -> tuple[PairList, _Pass, tuple[int | None, int] | None]:
            """`found` completed by the deeper search, and a pass over it; when that cannot
            prove it, the search again for what the list its pairs make needs proven."""
            found = self.pairs.deeper(keep, found)
            tried, wider = attempt(found)
            if tried.chosen is None and found.unreached > found.ceiling:
                least = self._least_needed(found, top=top, cap=per_person, exempt=exempt,
                                           floor=min_score, hiding=hiding)
                found = self.pairs.deeper(keep, found, least)
                tried, wider = attempt(found)
            return found, tried, wider

        while True:
            found = (self.pairs.candidates(keep, reach=reach, after=earlier) if exempt < 0
                     else self.pairs.partners(exempt))
            if deep and keep is not None:
                found, tried, wider = deeper(found, keep)
            else:
                tried, wider = attempt(found)
            if (tried.chosen is None and wider is None and not deep and exempt < 0
                    and keep is not None and found.unreached > found.ceiling):
                deep = True
                found, tried, wider = deeper(found, keep)
            if tried.chosen is None and exempt < 0 and (wider is None or self._mostly_twins()):
                tried = _Pass(self._by_twins(top=top, cap=per_person, floor=min_score,
                                             hiding=hiding))
            if tried.chosen is None and wider is None:
                self.approximate = self._why_approximate(found, tried, reach)
                tried = self._best(found.unbounded(), top=top, cap=per_person, exempt=exempt,
                                   floor=min_score, hiding=hiding, settle=True)
            if tried.chosen is not None:
                return [self._with_alternatives(s, tried.chosen, include_history)
                        for s in tried.chosen]
            assert wider is not None
            wider_keep, reach = wider
            earlier = found if wider_keep == keep else None
            keep = wider_keep

    def _least_needed(self, found: PairList, *, top: int, cap: int, exempt: int,
                      floor: float, hiding: bool) -> float:
        """What every pair left out of `found` must total less than for the list its own
        pairs make to stand: that list's last pick, less the rounding margin (`_best`
        takes a pick once it beats what is left out by more). Far above the list's
        floor at a million contacts (60.0 against 45.9), which is what makes the deeper
        search affordable there. 0 when its pairs make no full list: every pair that
        could be suggested, F, must be proven."""
        settled = self._best(found.unbounded(), top=top, cap=cap, exempt=exempt, floor=floor,
                             hiding=hiding, settle=True)
        if settled.chosen is None or len(settled.chosen) < top:
            return 0.0
        return max(min(suggestion.score for suggestion in settled.chosen) - SCORE_MARGIN, 0.0)

    def _why_approximate(self, found: PairList, tried: _Pass, reach: int) -> str:
        """What the user is told when the list is the best found, not proven the best."""
        if tried.spent or found.unreached <= found.ceiling:
            return ("more pairs score alike at the top than can be ranked one by one: these "
                    "are the best of those ranked, not always the first of them by id")
        index = self._index
        could = (self._recorded.could_reach if self._recorded is not None
                 else index.could_reach if index is not None else 0)
        searched = f", and of every pair among the {reach:,} likeliest" if reach else ""
        return (f"{could:,} contacts could make a pair from common values alone, too many to "
                "compare every such pair: these are the best of the pairs that share "
                f"something rarer{searched}")

    def _by_twins(self, *, top: int, cap: int, floor: float, hiding: bool
                  ) -> list[Suggestion] | None:
        """The exact list for a book whose contacts fall into few classes of twins, where
        the pairs that tie at the top are too many to rescore one by one; None if the
        book is not like that, or the walk grows past `_WALK_LIMIT`.

        The greedy of `_best`, over class pairs: each is scored once, by a pair of its
        own, and its pairs are taken in the ranking's order (score, then ids), all
        sharing that score; an ask or a need is keyed by the person of the pair in the
        asker's class. Each pair chosen is scored for itself, and if it is not what its
        class pair said, the book is not one of twins after all (None).
        """
        from introducer.match.twins import PairWalk, class_totals

        twins = self._twin_classes()
        if twins is None or self._index is None:
            return None
        index = self._index
        reps, first_class, second_class = class_totals(index, twins)
        lowest = max(floor, 0.0) - SCORE_MARGIN
        picks = _Picks(cap)
        ids = [contact.id for contact in self.book.contacts]
        # Per class pair walked: its walk, its score, its representative's answer key and
        # the class of the one the answer is about (-1: none; -2: a class with itself).
        walks: list[tuple[Iterator[tuple[int, int, int, int]], float, tuple[AnswerKey, int]
                          | None, int]] = []
        heap: list[tuple[float, int, int, int, int, int]] = []
        rescored = walked = 0
        scored = 0  # class pairs looked at, best total first

        def push(number: int) -> None:
            walk, score, _, _ = walks[number]
            step = next(walk, None)
            if step is not None:
                heapq.heappush(heap, (-score, step[0], step[1], number, step[2], step[3]))

        while len(picks.chosen) < top:
            ahead = float(reps.total[scored]) if scored < len(reps) else -math.inf
            if ahead <= lowest:
                ahead = -math.inf
            unseen = ahead + SCORE_MARGIN
            settled = unseen <= max(floor, 0.0)
            if heap and (settled or -heap[0][0] > unseen):
                score, *_, number, first, second = heapq.heappop(heap)
                score = -score
                walked += 1
                if walked > _WALK_LIMIT:
                    return None
                push(number)
                if score <= 0 or score < floor:
                    break
                _, _, template, subject_class = walks[number]
                if template is not None and subject_class == -2:
                    keyed = self.answer_key(self.scorer.score_pair(first, second))
                    rescored += 1
                else:
                    keyed = self._twin_key(template, subject_class, twins.class_of, first,
                                           second)
                if keyed is not None and keyed[0] in picks.answered:
                    continue
                if keyed is not None and self._helps_the_other_side(
                        keyed[0][1], ids[second if ids[first] == keyed[0][1] else first],
                        picks.helped):
                    continue
                counted = [p for p in (first, second) if p != keyed[1]] if keyed else [
                    first, second]
                if any(picks.full(p) for p in counted):
                    continue
                suggestion = self.scorer.score_pair(first, second)
                if suggestion.score != score or self.answer_key(suggestion) != keyed:
                    return None  # not twins after all: let the ranking say it is approximate
                picks.take(suggestion, keyed, counted, self.helper_of(suggestion))
                continue
            if ahead == -math.inf:
                break
            low, high = int(reps.first[scored]), int(reps.second[scored])
            pair = int(first_class[scored]), int(second_class[scored])
            scored += 1
            if hiding and self.prepared.hidden(low, high) is not None:
                continue  # only a class of one has a history: this is the pair itself
            representative = self.scorer.score_pair(low, high)
            rescored += 1
            if rescored > _CLASS_PAIRS_SCORED:
                return None
            if representative.excluded is not None:
                continue
            template = self.answer_key(representative)
            subject_class = -1
            if template is not None:
                subject = self.prepared.index_of[template[0][1]]
                subject_class = (-2 if pair[0] == pair[1] or _tied_answers(representative)
                                 else int(twins.class_of[subject]))
            exempt_class = subject_class if template is not None and template[1] >= 0 else -1
            walk = PairWalk(twins, *pair).pairs(self._done_with(twins.class_of, exempt_class,
                                                                picks.full))
            walks.append((walk, representative.score, template, subject_class))
            push(len(walks) - 1)
        return picks.chosen

    def _twin_classes(self) -> TwinClasses | None:
        """The book's classes of twins (found once), None for a small book or one with
        too few twins to group (`twins.find_twins`)."""
        if self._twins is False:
            small = len(self.book.contacts) <= self._small_book  # every pair scored anyway
            # Whether the book has any is kept in the record: a warm run on a book without
            # them builds no index to find that out again.
            if small or (self._recorded is not None
                         and not self._recorded.number(("has_twins",), self._find_twins)):
                self._twins = None
            elif self._twins is False:
                self._find_twins()
        return None if self._twins is False else self._twins

    def _find_twins(self) -> float:
        """Look for the book's classes of twins (building the index); 1.0 if it has any."""
        from introducer.match.twins import find_twins

        self._twins = find_twins(self.index, self._ranks.array)
        return float(self._twins is not None)

    def _mostly_twins(self) -> bool:
        """Whether twins are most of the book (ten to a class or more): then ranking them as
        classes is quicker than widening a search that only finds more of them."""
        if self._twins is False and self._recorded is not None:  # the answer alone, recorded
            return bool(self._recorded.number(("mostly_twins", _TWINS_PER_CLASS),
                                              lambda: float(self._count_twins())))
        return self._count_twins()

    def _count_twins(self) -> bool:
        twins = self._twin_classes()
        return twins is not None and len(twins.members) * _TWINS_PER_CLASS <= len(
            self.book.contacts)

    @staticmethod
    def _done_with(class_of: IntArray, exempt_class: int, full: Callable[[int], bool]
                   ) -> Callable[[int], bool]:
        """Who a class pair's walk can pass over: anyone full, but the class of one who
        asked (not held to the cap), and nobody in a class paired with itself that answers
        something (which of the two asked depends on the pair)."""
        if exempt_class == -2:
            return lambda person: False
        return lambda person: int(class_of[person]) != exempt_class and full(person)

    def _twin_key(self, template: tuple[AnswerKey, int] | None, subject_class: int,
                  class_of: IntArray, first: int, second: int) -> tuple[AnswerKey, int] | None:
        """A pair's answer key from its class pair's: the same ask or need, about the
        person of this pair in the class of the one it was about."""
        if template is None:
            return None
        (kind, _, values, _), _ = template
        subject, other = (first, second) if int(class_of[first]) == subject_class else (
            second, first)
        contact_id = self.book.contacts[subject].id
        if kind == "wants":
            return (kind, contact_id, values, ""), subject
        return (kind, contact_id, values, self._line(other)), -1

    def _first_keep(self, top: int, per_person: int, hiding: bool) -> int | None:
        """How many candidates to rescore at first: a generous guess.

        Hidden pairs may fill the head of the list, so room is made for all of them.
        """
        keep = max(_FIRST_KEEP, 64 * top * max(per_person, 1))
        if hiding:
            keep += len(self.history.hidden)
        return keep if keep < len(self.book.contacts) ** 2 else None

    def _wider(self, found: PairList, keep: int | None, reach: int
               ) -> tuple[int | None, int] | None:
        """The next, wider search after `found` fell short: more of the strongest contacts
        searched exhaustively if pairs never proposed could still rank (up to all who
        could make one, within `REACH_PAIR_LIMIT`), else more candidates kept (up to all,
        within `_KEEP_LIMIT`). None when no wider search could settle the list."""
        if found.unreached > found.ceiling:
            widest = self.pairs.reachable
            if reach >= widest or (len(found) == keep
                                   and self.pairs.unreached_at(widest) > found.ceiling):
                return None  # even the widest search would leave pairs that could rank
            return keep, widest if reach >= widest // _REACH_GROWTH else min(
                widest, max(_FIRST_REACH, reach * _REACH_GROWTH))
        assert keep is not None, "a complete candidate list always ranks"
        if keep >= _KEEP_LIMIT:
            return None
        keep *= 16
        return (keep if keep < len(self.book.contacts) ** 2 else None), reach

    def _position(self, contact: Contact) -> int:
        position = self.prepared.index_of.get(contact.id)
        if position is None:
            raise ContactLookupError(f'unknown contact "{contact.name}" ({contact.id})')
        return position

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
        # Another answer to the same ask (or need) earns the same points for it, and the
        # rough total never misses what a pair earns from the book.
        answer = suggestion.answer
        floor = (answer.points if answer is not None else 0.0) - SCORE_MARGIN
        partners = self.pairs.rough_partners(subject, least=floor, best=_ALTERNATIVES_SCORED)
        found: list[Suggestion] = []
        for first, second in partners.by_total(self._ranks, _ALTERNATIVES_SCORED):
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
        if suggestion.answer is None:
            return False
        return self._helps_the_other_side(*self.helper_of(suggestion), helped)

    def _helps_the_other_side(self, subject: str, helper: str,
                              helped: set[tuple[str, str]]) -> bool:
        """Whether `helper` was already chosen for the other side of `subject`'s divorce."""
        return bool(self.prepared.couples) and any(
            (partner, helper) in helped for partner in self.prepared.partners_of(subject))

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
        self, found: PairList, *, top: int, cap: int, exempt: int, floor: float, hiding: bool,
        settle: bool = False,
    ) -> _Pass:
        """Greedy by shown score with per-person caps; no list if `found` was cut too short,
        or if `_RESCORE_LIMIT` pairs were rescored before it could be proven (`spent`).
        With `settle`, the best list those rescored pairs make, whatever lies beyond.

        With `hiding`, pairs the history hides are passed over before they are scored.
        The best answer to an ask (or a live event's need) is suggested once, the
        runners-up named beside it; the one who asked is not held to the cap, so every
        ask can be answered.
        """
        picks = _Picks(cap, exempt)
        full = picks.full

        waiting: list[tuple[float, int, int, int, int, Suggestion]] = []
        # Candidates in order of total (then ids): any that could still be listed.
        stream = found.ranked(max(floor, 0.0) - SCORE_MARGIN, self._ranks)
        upcoming = next(stream, None)
        rescored = 0
        while len(picks.chosen) < top:
            ahead = upcoming[0] if upcoming is not None else -math.inf
            # Best shown score anything not yet rescored could have (pairs cut from `found` too).
            unseen = max(ahead, found.outside) + SCORE_MARGIN
            settled = unseen <= max(floor, 0.0)
            if waiting and (settled or -waiting[0][0] > unseen):
                *_, first, second, suggestion = heapq.heappop(waiting)
                if suggestion.score <= 0 or suggestion.score < floor:
                    break
                keyed = self.answer_key(suggestion)
                if keyed is not None and keyed[0] in picks.answered:
                    continue  # a runner-up: named beside the best answer, not listed
                if self.serves_the_other_side(suggestion, picks.helped):
                    continue
                asker = keyed[1] if keyed is not None else -1
                counted = [p for p in (first, second) if p != asker]
                if not any(full(p) for p in counted):
                    picks.take(suggestion, keyed, counted, self.helper_of(suggestion))
                continue
            if upcoming is None or ahead < found.outside:
                return _Pass(picks.chosen if settled else None)
            if rescored >= _RESCORE_LIMIT:
                if not settle:
                    return _Pass(None, spent=True)
                upcoming = None  # the rest goes unseen: settle for those rescored
                continue
            _, first, second = upcoming
            upcoming = next(stream, None)
            if full(first) and full(second):
                continue  # caps only fill up, so this pair could never be taken
            if hiding and self.prepared.hidden(first, second) is not None:
                continue  # never taken, so it uses up nobody's cap
            suggestion = self.scorer.score_pair(first, second)
            rescored += 1
            low, high = self._ranks.pair(first, second)
            heapq.heappush(waiting, (-suggestion.score, low, high, first, second, suggestion))
        return _Pass(picks.chosen)
