"""The candidate searches of an earlier run, answered again without building the index.

What a `PairSource` answers is a pure function of what the index is built from (the
prepared book: its bytes, the day and this code; the ledger's per-person points, the
only part of the history the index reads; the pair budget) and of the call's arguments.
So a run whose book came back from its cache records each answer under its call, and
the next run answers the same calls from the record (`pairs-*.record`, beside the
book's cache entry, through the same checked entries). The first call the record does
not hold builds the real index (once, lazily) and is answered, and recorded, by it. A
list is therefore exactly the one the index would give, whatever the ranking, `--top`,
the caps or `--for` ask: the record only skips the work.

A pass over every block (`today`'s shared pass: `remembered`) is recorded the same way,
under a call its caller names (everything the pass depends on beyond the record's key),
as its candidate list and its per-contact columns.

An `after` argument (an earlier list handed back) is named by the digest of its
contents, so any list, recorded or not, keys the same call the same way. The record
holds numpy arrays and a JSON table of calls, never a pickle: it is read with
`allow_pickle=False`, so even a forged file cannot run code.
"""

from __future__ import annotations

import hashlib
import io
import json
import struct
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, TypeGuard, TypeVar

import numpy as np

from introducer.book.cache import Origin, origin_of, read_entry, write_entry
from introducer.match.pairs import Candidates, FloatArray, Reading
from introducer.match.prepare import record_key
from introducer.match.profile import PreparedBook

if TYPE_CHECKING:  # the index needs scipy: a run answered from its record never imports it
    from introducer.match.index import PairIndex

# Pairs a record keeps, at 16 bytes each (two int32 positions and a float64 total): the
# lists of this run first, then those of earlier runs of the day while they fit.
RECORD_PAIRS = 4_000_000

Call = tuple[object, ...]  # the method's name, then its arguments (JSON values)
Answer = Candidates | Reading | int | float
A = TypeVar("A", Candidates, Reading, float)


def recorded_pairs(prepared: PreparedBook, pair_budget: int | None,
                   build: Callable[[], PairIndex]) -> RecordedPairs | None:
    """The book's pair source answered from its record, when the book came through its
    cache and there is a record, or one will be written (the book came back from its
    cache: its second command); None otherwise (use the index itself)."""
    origin = origin_of(prepared.book)
    if origin is None:
        return None
    key = record_key(origin, prepared, pair_budget)
    size = len(prepared.profiles)
    recorded = _read_record(origin, key, size)
    if recorded is None and not origin.hit:
        return None  # nothing to answer from, and nothing will be written

    def save(payload: bytes) -> None:
        write_entry(origin.beside("pairs"), key, payload, origin.tell)

    return RecordedPairs(size, recorded or {}, build,
                         save if origin.hit else None)


def _read_record(origin: Origin, key: bytes, size: int) -> dict[Call, Answer] | None:
    """The calls and answers the book's record holds under `key` (told when read), or None."""
    target = origin.beside("pairs")
    found = read_entry(target, key, origin.tell,  # `decode` gives a dict or raises
                       lambda data: decode(data, size))
    if not isinstance(found, dict):
        return None
    origin.tell(f"cache: read {target}")
    return found


def _is_list(found: Answer) -> TypeGuard[Candidates]:
    return isinstance(found, Candidates)


def _is_number(found: Answer) -> TypeGuard[float]:
    return isinstance(found, int | float)


class RecordedPairs:
    """A `PairSource` that answers from a record, and from the real index (built on the
    first call the record does not hold) otherwise, recording what it answers."""

    def __init__(self, size: int, recorded: dict[Call, Answer], build: Callable[[], PairIndex],
                 save: Callable[[bytes], None] | None) -> None:
        self.size = size
        self._recorded = recorded
        self._build = build
        self._save = save
        self._index: PairIndex | None = None
        self._asked: dict[Call, Answer] = {}  # this run's answers, in the order asked
        self._new = False
        self._digests: dict[int, tuple[Candidates, str]] = {}

    @property
    def built(self) -> bool:
        """Whether some call was not in the record, so the index was built."""
        return self._index is not None

    def _real(self) -> PairIndex:
        if self._index is None:
            self._index = self._build()
        return self._index

    def _fitting(self, call: Call, compute: Callable[[], A],
                 fits: Callable[[Answer], TypeGuard[A]]) -> A:
        """The answer to `call`: this run's, the record's if it is of the kind the call
        gives (a record may not fit its call), else `compute()`'s, kept for the record."""
        found = self._asked.get(call)
        if found is None:
            found = self._recorded.get(call)
        if found is None or not fits(found):
            found = compute()
            self._new = True
        self._asked[call] = found
        return found

    def _pairs(self, call: Call, compute: Callable[[PairIndex], Candidates]) -> Candidates:
        return self._fitting(call, lambda: compute(self._real()), _is_list)

    def remembered(self, call: Call, kinds: tuple[type[np.generic], ...],
                   compute: Callable[[], Reading]) -> Reading:
        """A pass's reading, from the record if it holds one under `call` whose columns
        are of `kinds`, one per contact; `compute` (which may read `exact_blocks`) otherwise."""

        def fits(found: Answer) -> TypeGuard[Reading]:
            return isinstance(found, Reading) and len(found.columns) == len(kinds) and all(
                column.dtype == kind and column.shape == (self.size,)
                for column, kind in zip(found.columns, kinds, strict=True))

        return self._fitting(call, compute, fits)

    def number(self, call: Call, compute: Callable[[], float]) -> float:
        """A figure the ranking reads of the index (whether twins fill the book), under
        `call`: from the record, or `compute` (which may build the index)."""
        return self._fitting(call, compute, _is_number)

    def _number(self, call: Call, compute: Callable[[PairIndex], float]) -> float:
        return self._fitting(call, lambda: compute(self._real()), _is_number)

    def _named(self, found: Candidates | None) -> str | None:
        """An `after` argument, named by its contents (kept by identity once digested)."""
        if found is None:
            return None
        known = self._digests.get(id(found))
        if known is not None and known[0] is found:
            return known[1]
        digest = hashlib.sha256(struct.pack(">dd", found.ceiling, found.unreached))
        for array, kind in ((found.first, np.int64), (found.second, np.int64),
                            (found.total, np.float64)):
            digest.update(np.ascontiguousarray(array, dtype=kind).tobytes())
        name = digest.hexdigest()
        self._digests[id(found)] = (found, name)
        return name

    @property
    def reachable(self) -> int:
        return int(self._number(("reachable",), lambda index: index.reachable))

    @property
    def could_reach(self) -> int:
        """`PairIndex.could_reach`, for the ranking's note when it cannot prove its list."""
        return int(self._number(("could_reach",), lambda index: index.could_reach))

    def unreached_at(self, reach: int) -> float:
        return float(self._number(("unreached_at", reach),
                                  lambda index: index.unreached_at(reach)))

    def candidates(self, keep: int | None = None, *, reach: int = 0,
                   after: Candidates | None = None) -> Candidates:
        return self._pairs(("candidates", keep, reach, self._named(after)),
                           lambda index: index.candidates(keep, reach=reach, after=after))

    def deeper(self, keep: int, after: Candidates, least: float = -np.inf) -> Candidates:
        call: Call = ("deeper", keep, self._named(after))
        if least > -np.inf:  # the call as it was before the ranking could name a least
            call = (*call, least)
        return self._pairs(call, lambda index: index.deeper(keep, after, least))

    def partners(self, focus: int) -> Candidates:
        return self._pairs(("partners", focus), lambda index: index.partners(focus))

    def rough_partners(self, focus: int, *, least: float = -np.inf,
                       best: int | None = None) -> Candidates:
        return self._pairs(("rough_partners", focus, least, best),
                           lambda index: index.rough_partners(focus, least=least, best=best))

    def exact_blocks(self, floor: FloatArray | None = None) -> Iterator[Candidates]:
        """Not recorded (`today`'s pass reads every block, and may raise `floor` as it
        goes): always the index's."""
        return self._real().exact_blocks(floor)

    def save(self) -> None:
        """Write the record if this run answered a call it did not hold (and the book came
        back from its cache): this run's answers, then earlier ones while they fit."""
        if not self._new or self._save is None:
            return
        answers = dict(self._asked)
        for call, answer in self._recorded.items():
            answers.setdefault(call, answer)
        self._save(encode(answers, self.size))
        self._recorded, self._new = answers, False


def encode(answers: dict[Call, Answer], size: int, limit: int = RECORD_PAIRS) -> bytes:
    """The record: the calls as JSON, every list's pairs in three flat arrays, each
    reading's columns in arrays of their own (`c0`, `c1`...: an `.npz`); a column costs
    the pairs its bytes would hold."""
    calls: list[list[object]] = []
    lists: list[Candidates] = []
    columns: dict[str, np.ndarray] = {}
    stored = at = 0  # what the record costs so far, and the pairs it holds
    for call, answer in answers.items():
        if isinstance(answer, int | float):
            calls.append([list(call), {"number": answer}])
            continue
        found = answer.found if isinstance(answer, Reading) else answer
        extra = answer.columns if isinstance(answer, Reading) else ()
        cost = len(found) + sum(column.nbytes for column in extra) // 16
        if stored + cost > limit:
            continue
        entry: dict[str, object] = {"at": at, "pairs": len(found),
                                    "ceiling": found.ceiling, "unreached": found.unreached}
        if isinstance(answer, Reading):
            names = [f"c{len(columns) + k}" for k in range(len(extra))]
            columns.update(zip(names, extra, strict=True))
            entry["columns"] = names
        calls.append([list(call), entry])
        lists.append(found)
        stored += cost
        at += len(found)
    position = np.int32 if size < 2**31 else np.int64

    def flat(arrays: list[np.ndarray], kind: type) -> np.ndarray:
        return np.concatenate([a.astype(kind) for a in arrays]) if arrays else np.zeros(0, kind)

    out = io.BytesIO()
    members: dict[str, Any] = {
        "calls": np.frombuffer(json.dumps(calls, default=_plain).encode(), dtype=np.uint8),
        "first": flat([c.first for c in lists], position),
        "second": flat([c.second for c in lists], position),
        "total": flat([c.total for c in lists], np.float64), **columns}
    np.savez(out, **members)
    return out.getvalue()


def _plain(value: object) -> object:
    """A numpy scalar among a call's arguments, as the Python number it stands for."""
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"{type(value).__name__} is not a call's argument")


def decode(data: bytes, size: int) -> dict[Call, Answer]:
    """The record's calls and answers for a book of `size` contacts; raises on anything
    that is not one (a miss), such as a pair naming a contact the book does not have."""
    with np.load(io.BytesIO(data), allow_pickle=False) as stored:
        calls = json.loads(stored["calls"].tobytes())
        first = stored["first"].astype(np.int64)
        second = stored["second"].astype(np.int64)
        total = stored["total"].astype(np.float64)
        columns = {name: stored[name] for name in stored.files if name.startswith("c")
                   and name[1:].isdigit()}
    if not len(first) == len(second) == len(total):
        raise ValueError("the record's arrays differ in length")
    if len(first) and (min(first.min(), second.min()) < 0
                       or max(first.max(), second.max()) >= size):
        raise ValueError("the record names a contact the book does not have")
    answers: dict[Call, Answer] = {}
    for call, answer in calls:
        if "number" in answer:
            number = answer["number"]
            if not isinstance(number, int | float):
                raise ValueError("a recorded number is not one")
            answers[tuple(call)] = number
            continue
        at, pairs = int(answer["at"]), int(answer["pairs"])
        if at < 0 or pairs < 0 or at + pairs > len(total):
            raise ValueError("a recorded list lies outside the record")
        part = slice(at, at + pairs)
        found = Candidates(first[part], second[part], total[part],
                           float(answer["ceiling"]), float(answer["unreached"]))
        if "columns" in answer:
            answers[tuple(call)] = Reading(found, tuple(columns[name]
                                                        for name in answer["columns"]))
        else:
            answers[tuple(call)] = found
    return answers
