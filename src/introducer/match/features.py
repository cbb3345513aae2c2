"""The book as sparse incidence matrices, one block of columns per feature family.

Every reason kind except `same_business` is bilinear in per-contact features: the
points pair (i, j) earns are `left[i] · right[j]` (shared values, both active,
same trigger event: `left` is the rarity-weighted `right`) or that plus the
mirror `left[j] · right[i]` (needs service, wants, referral source, potential
client: one side asks, the other is). So candidate pairs and their totals come
from sparse products instead of a loop over every pair; competitors then give
back their shared-event points and the penalty (`PairIndex`). The values here
must agree with `score.PairScorer`; the property tests hold them to it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import chain, repeat
from operator import attrgetter
from typing import TypeVar

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from introducer.match.profile import (
    CROWDED_ASK,
    SHARED_FIELDS,
    PreparedBook,
    Profile,
    Want,
    event_breadths,
    rarity,
)

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
Key = TypeVar("Key", bound=Hashable)
Matrix = sp.csr_array


@dataclass(frozen=True, slots=True)
class Block:
    """One feature family: n x m matrices; pair (i, j) earns left[i]·right[j] (+ mirror).

    `generate` is False for correction columns, which may lower a total but must
    never propose a pair on their own.
    """

    name: str
    left: Matrix
    right: Matrix
    symmetric: bool
    generate: bool = True


def incidence(
    keys: Sequence[Key],
    held: Sequence[Collection[Key]],
    values: Sequence[Collection[float]] | None = None,
    column_weight: FloatArray | None = None,
) -> Matrix:
    """Row i holds the keys `held[i]` (with `values[i]`, else 1), times a weight per column.

    Keys not in `keys` are ignored; repeated (row, key) entries add up.
    """
    index = {key: column for column, key in enumerate(keys)}
    counts = np.fromiter(map(len, held), dtype=np.int64, count=len(held))
    total = int(counts.sum())
    # map and chain keep the loop over every (row, key) in C: this runs for every column family.
    cols = np.fromiter(map(index.get, chain.from_iterable(held), repeat(-1)), np.int64, total)
    data = (np.ones(total) if values is None else
            np.fromiter(chain.from_iterable(values), np.float64, total))
    rows = np.repeat(np.arange(len(held), dtype=np.int64), counts)
    known = cols >= 0
    if not known.all():
        rows, cols, data = rows[known], cols[known], data[known]
    if column_weight is not None:
        data = data * column_weight[cols]
    return _compressed(rows, cols, data, (len(held), len(keys)))


def _compressed(rows: IntArray, cols: IntArray, data: FloatArray, shape: tuple[int, int]
                ) -> Matrix:
    """The CSR array of these entries (`rows` ascending), without zeros: built directly
    when no (row, column) repeats, which is what going through COO gives, at a fraction
    of the cost; repeated entries are summed the COO way."""
    given = rows, cols, data
    key = rows * shape[1] + cols
    if not (key[1:] > key[:-1]).all():
        order = np.argsort(key, kind="stable")
        key = key[order]
        rows, cols, data = rows[order], cols[order], data[order]
    nonzero = data != 0
    if not len(key) or not (key[1:] > key[:-1]).all() or not nonzero.any():
        # repeated entries (COO sums them) or none (COO's empty array has narrower indices)
        matrix = sp.csr_array(sp.coo_array((given[2], given[:2]), shape=shape))
        matrix.eliminate_zeros()
        return matrix
    if not nonzero.all():
        rows, cols, data = rows[nonzero], cols[nonzero], data[nonzero]
    indptr = np.zeros(shape[0] + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=shape[0]), out=indptr[1:])
    return sp.csr_array((data, cols, indptr), shape=shape)


def _rarity_block(
    prepared: PreparedBook,
    kind: str,
    holders_key: str,
    held: Sequence[Collection[str]],
    *,
    per_breadth: bool = False,
) -> Iterable[Block]:
    """Shared values weighted by rarity; values only one contact holds cannot be shared.

    With `per_breadth`, row i is also divided by sqrt(len(held[i])) (see
    `score.event_breadth`), which keeps the block bilinear and symmetric.
    """
    weight: float = getattr(prepared.weights, kind)
    if not weight:
        return
    holders = prepared.holders[holders_key]
    keys = sorted(key for key, count in holders.items() if count >= 2)
    worth = np.array([weight * rarity(holders[key]) for key in keys], dtype=np.float64)
    right = incidence(keys, held)
    if per_breadth:
        breadth = event_breadths(np.fromiter(map(len, held), np.float64, len(held)))
        right = sp.csr_array(sp.diags_array(1.0 / breadth) @ right)
    left = sp.csr_array(right @ sp.diags_array(worth)) if keys else right
    yield Block(kind, left, right, symmetric=True)


def _shared_values(prepared: PreparedBook) -> Iterable[Block]:
    for field in SHARED_FIELDS:  # a mapping holds its keys, as `Profile.shared(field)`
        held = list(map(attrgetter(field), prepared.profiles))
        yield from _rarity_block(prepared, "shared_" + field, field, held)
    serves = list(map(attrgetter("serves"), prepared.profiles))
    yield from _rarity_block(prepared, "same_trigger_event", "serves", serves, per_breadth=True)


def _both_active(prepared: PreparedBook) -> Iterable[Block]:
    weight = prepared.weights.both_active
    if not weight:
        return
    held = [("active",) if profile.active else () for profile in prepared.profiles]
    right = incidence(["active"], held)
    yield Block("both_active", right * weight, right, symmetric=True)


def _needs_service(prepared: PreparedBook) -> Iterable[Block]:
    weight = prepared.weights.needs_service
    if not weight:
        return
    profiles = prepared.profiles
    lives = list(map(attrgetter("living"), profiles))
    keys = sorted(set(chain.from_iterable(lives)))
    living = incidence(keys, lives, [held.values() for held in lives])
    # The user's own competitors are not sent to the people the user can help.
    helping = (list(map(attrgetter("serving"), profiles)) if prepared.me_business is None
               else [{} if prepared.in_users_line(p.business) else p.serving for p in profiles])
    serving = incidence(keys, [held.keys() for held in helping],
                        [held.values() for held in helping])
    yield Block("needs_service", living * weight, serving, symmetric=False)


def _clients_living(prepared: PreparedBook) -> Iterable[Block]:
    """`clients_in_event`: a professional whose client types name the people living
    through an event ("young families") and someone who wrote they live through it."""
    weight = prepared.weights.clients_in_event
    profiles = prepared.profiles
    if not weight or not any(profile.client_events for profile in profiles):
        return
    keys = sorted({event for profile in profiles for event in profile.client_events})
    told = incidence(keys, [profile.told.keys() for profile in profiles],
                     [profile.told.values() for profile in profiles])
    if told.nnz == 0:
        return
    serve = incidence(keys, [profile.client_events.keys() for profile in profiles])
    yield Block("clients_living", told * weight, serve, symmetric=False)


def _business_terms(prepared: PreparedBook) -> Iterable[Block]:
    """Wants, referral sources and client types against businesses: one block of columns.

    (contacts x distinct terms, weighted) @ (terms x businesses they name).
    """
    weights, matcher, profiles = prepared.weights, prepared.matcher, prepared.profiles
    # A term is (what is named, head noun?, never the user's line?): an ask or a referral
    # source never names the user's own line of work (that is the user; their competitor is
    # not what is meant). Each kind's terms, row by row, in the order a contact holds them.
    kinds: list[tuple[tuple[bool, bool], float, list[str], IntArray]] = []
    if weights.wants:
        asking = [(row, want.key) for row, profile in enumerate(profiles) if profile.wants
                  for want in profile.wants if not want.at_company]
        kinds.append(((False, True), weights.wants, [key for _, key in asking],
                      np.fromiter((row for row, _ in asking), np.int64, len(asking))))
    for flags, weight, field in (((True, True), weights.referral_source, "referral_sources"),
                                 ((True, False), weights.potential_client, "clients")):
        if weight:
            held = list(map(attrgetter(field), profiles))
            counts = np.fromiter(map(len, held), np.int64, len(held))
            kinds.append((flags, weight, list(chain.from_iterable(held)),
                          np.repeat(np.arange(len(held), dtype=np.int64), counts)))
    terms, per_term = _numbered_terms(kinds, len(profiles))
    names = [
        [matcher.keys[column] for column in matcher.matching(term, head_noun=head_noun)
         if not (source and prepared.in_users_line(matcher.keys[column]))]
        for term, head_noun, source in terms
    ]
    asks = sp.csr_array(per_term @ incidence(matcher.keys, names))
    business = incidence(
        matcher.keys, [(p.business,) if p.business else () for p in profiles]
    )
    yield Block("business_terms", asks, business, symmetric=False)


def _numbered_terms(kinds: list[tuple[tuple[bool, bool], float, list[str], IntArray]],
                    size: int) -> tuple[list[tuple[str, bool, bool]], Matrix]:
    """The distinct terms, numbered as met going through the contacts (each contact's
    terms kind by kind), and the contacts x terms matrix of their weights: what one
    numbering pass over every contact's terms gives, its order and sums included."""
    firsts: list[tuple[int, int, int, str]] = []  # (row, kind, place in the row, key)
    for kind, (_, _, keys, rows) in enumerate(kinds):
        starts = np.searchsorted(rows, rows, side="left")
        last = len(keys) - 1
        first = dict(zip(reversed(keys), range(last, -1, -1), strict=True))  # first places
        firsts.extend((int(rows[at]), kind, at - int(starts[at]), key)
                      for key, at in first.items())
    firsts.sort()
    terms = [(key, *kinds[kind][0]) for _, kind, _, key in firsts]
    number: list[dict[str, int]] = [{} for _ in kinds]
    for column, (_, kind, _, key) in enumerate(firsts):
        number[kind][key] = column
    rows = np.concatenate([rows for *_, rows in kinds] or [np.zeros(0, np.int64)])
    order = np.argsort(rows, kind="stable")  # row by row, each row's kinds in turn
    cols = np.concatenate([np.fromiter(map(number[kind].__getitem__, keys), np.int64, len(keys))
                           for kind, (_, _, keys, _) in enumerate(kinds)] or [rows])
    data = np.concatenate([np.full(len(keys), weight, dtype=np.float64)
                           for _, weight, keys, _ in kinds] or [np.zeros(0)])
    return terms, _compressed(rows[order], cols[order], data[order], (size, len(terms)))


def _company_wants(prepared: PreparedBook) -> Iterable[Block]:
    """`anyone at Acme`: wants naming a company; plus corrections so one want counts once.

    (contacts x distinct company asks) @ (asks x companies they name). A want that
    names both someone's business and their company counts once, so for such
    (want, person) combinations a correction column takes the company match back
    out. Corrections never generate candidates.
    """
    weight = prepared.weights.wants
    companies = prepared.companies
    if not weight or not companies.keys:
        return
    profiles = prepared.profiles
    ask_ids: dict[tuple[str, bool], int] = {}
    asked = [
        [ask_ids.setdefault((w.company, w.at_company), len(ask_ids)) for w in p.wants]
        if p.wants else () for p in profiles
    ]
    named = [
        [companies.keys[c] for c in companies.matching(company, at_company=at)]
        for company, at in ask_ids
    ]
    if not any(named):
        return
    per_ask = incidence(range(len(ask_ids)), asked)
    asks = sp.csr_array(per_ask @ incidence(companies.keys, named))
    works = incidence(companies.keys, [(p.company,) if p.company else () for p in profiles])
    yield Block("company_wants", asks * weight, works, symmetric=False)
    workers: defaultdict[str, list[int]] = defaultdict(list)
    for row, profile in enumerate(profiles):
        if profile.company is not None and profile.business is not None:
            workers[profile.company].append(row)
    twice: dict[str, list[int]] = {}
    for profile in profiles:
        for want in profile.wants:
            if want.at_company or want.key in twice:
                continue
            held = [companies.keys[c] for c in
                    companies.matching(want.company, at_company=False)]
            twice[want.key] = [
                row for company in held for row in workers.get(company, ())
                if prepared.by_business(want, profiles[row])
            ]
    keys = sorted(key for key, rows in twice.items() if rows)
    if keys:
        at: list[list[str]] = [[] for _ in profiles]
        for key in keys:
            for row in twice[key]:
                at[row].append(key)
        undo = incidence(keys, [[w.key for w in p.wants if not w.at_company] for p in profiles])
        yield Block("company_wants_once", undo * -weight, incidence(keys, at),
                    symmetric=False, generate=False)


def _notes_wants(prepared: PreparedBook) -> Iterable[Block]:
    """Asks the user's notes on someone fit (`PreparedBook.by_notes`), at their own weight.

    Column per distinct ask; right[j] holds the asks j's notes fit. Only contacts
    whose notes hold the ask's words are tested, found through an index of words.
    """
    weight = prepared.weights.wants_notes
    profiles = prepared.profiles
    if not weight or not any(p.notes_words for p in profiles):
        return
    noted: defaultdict[str, set[int]] = defaultdict(set)
    for row, profile in enumerate(profiles):
        for word in profile.notes_words:
            noted[word].add(row)
    asks: dict[tuple[str, bool], Want] = {}
    for profile in profiles:
        for want in profile.wants:
            asks.setdefault((want.key, want.at_company), want)
    fits: list[list[str]] = [[] for _ in profiles]
    for column, want in enumerate(asks.values()):
        if want.qualifiers:  # the notes must hold them all (they are part of the content)
            postings = sorted((noted.get(word, set()) for word in want.qualifiers), key=len)
            held = set.intersection(*postings) if postings and postings[0] else set()
        else:  # what the business's name does not say: some of the content, any word of it
            held = set().union(*(noted.get(word, set()) for word in want.content))
        for row in held:
            if prepared.by_notes(want, profiles[row]):
                fits[row].append(str(column))
    keys = [str(column) for column in range(len(asks))]
    ids = {ask: str(column) for column, ask in enumerate(asks)}
    asked = [[ids[(w.key, w.at_company)] for w in p.wants] for p in profiles]
    yield Block("wants_notes", incidence(keys, asked) * weight, incidence(keys, fits),
                symmetric=False)


def _sharing(words: frozenset[str], among: frozenset[int], by_word: Mapping[str, set[int]],
             profiles: Sequence[Profile]) -> set[int]:
    """The rows of `among` whose work words share one of `words`, by the cheaper route:
    testing each of `among`, or intersecting the word postings with it."""
    postings = [by_word.get(word, set()) for word in words]
    if len(among) <= sum(map(len, postings)):
        return {row for row in among if not words.isdisjoint(profiles[row].work_words)}
    return set().union(*(among & posting for posting in postings))


def _fit_wants(prepared: PreparedBook) -> Iterable[Block]:
    """Of those who answer an ask, the ones who fit it best (`PreparedBook.fits_best`).

    j fits i's ask when j answers it (by business or company) and j's fit words hold
    one of the ask's qualifiers, or j's line of work shares a word with i's. That is
    an "or", written as a sum of two columns that never both hold j: one per ask
    (those whose fit words hold a qualifier) and one per ask and asker's line of
    work (those who share a word of it and are not in the first). Only those who
    answer an ask are tested, never every contact.
    """
    weight = prepared.weights.wants_fit
    profiles = prepared.profiles
    if not weight or not prepared.weights.wants or not any(p.wants for p in profiles):
        return
    work_needed = frozenset().union(*(p.work_words for p in profiles if p.wants))
    holding: defaultdict[frozenset[str], list[int]] = defaultdict(list)  # one set per business
    for row, words in enumerate(map(attrgetter("work_words"), profiles)):
        holding[words].append(row)
    by_work: defaultdict[str, set[int]] = defaultdict(set)
    for words, rows in holding.items():
        for word in words & work_needed:
            by_work[word].update(rows)
    wants = {(w.key, w.at_company): w for p in profiles for w in p.wants}
    answering = {ask: prepared.answering(want) for ask, want in wants.items()}
    fitting: dict[tuple[str, bool], set[int]] = {}
    for ask, want in wants.items():
        answers = answering[ask]
        fitting[ask] = ({row for row in answers if profiles[row].fits_any(want.fit)}
                        if want.fit else set())
    columns: dict[object, int] = {}
    nobody: set[object] = set()  # (ask, line of work) pairs no answerer shares a word with
    fits: list[list[str]] = [[] for _ in profiles]

    def column(key: object, rows: set[int]) -> str:
        if key not in columns:
            columns[key] = len(columns)
            for row in rows:
                fits[row].append(str(columns[key]))
        return str(columns[key])

    asked: list[list[str]] = []
    for profile in profiles:
        mine: list[str] = []
        for want in profile.wants:
            ask = (want.key, want.at_company)
            if fitting[ask]:
                mine.append(column(ask, fitting[ask]))
            key = (ask, profile.work_words)
            if not profile.work_words or key in nobody or len(answering[ask]) > CROWDED_ASK:
                continue
            if key not in columns:
                workers = _sharing(profile.work_words, answering[ask], by_work, profiles)
                workers -= fitting[ask]
                if not workers:
                    nobody.add(key)
                    continue
            mine.append(column(key, workers if key not in columns else set()))
        asked.append(mine)
    if not columns:
        return
    keys = [str(c) for c in range(len(columns))]
    yield Block("wants_fit", incidence(keys, asked) * weight, incidence(keys, fits),
                symmetric=False)


#: Every bilinear feature family, in the order the blocks are stacked.
FAMILIES: dict[str, Callable[[PreparedBook], Iterable[Block]]] = {
    "shared_values": _shared_values,
    "both_active": _both_active,
    "needs_service": _needs_service,
    "clients_living": _clients_living,
    "business_terms": _business_terms,
    "company_wants": _company_wants,
    "notes_wants": _notes_wants,
    "fit_wants": _fit_wants,
}


def feature_blocks(prepared: PreparedBook) -> list[Block]:
    """Every bilinear feature family of the book."""
    return [block for family in FAMILIES.values() for block in family(prepared)]


def family_blocks(prepared: PreparedBook, names: Iterable[str]) -> dict[str, list[Block]]:
    """The blocks of the families named (each family's blocks depend on the preparation
    alone, so they can be built apart, in any order, and stacked in `FAMILIES`'s)."""
    return {name: list(FAMILIES[name](prepared)) for name in names}
