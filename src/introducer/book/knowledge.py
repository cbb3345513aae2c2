"""What the tool knows about the world: professions, life events, and who serves which.

The knowledge is data: `professions.yaml` (each profession's synonyms, the needs
people write when they want one, the broader professions it is a kind of, and the
events it serves, primary or secondary) and `events.yaml` (each event's aliases
and how people write it). A book extends both with `settings.professions` and
`settings.events`. `TriggerEvents` answers every question about them, so the
scorers, `check` and the ranking read one table.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any, Literal

from introducer.book.normalise import fold_text, has_run, is_kind_of, tokens
from introducer.tables import read_table

if TYPE_CHECKING:
    from introducer.book.schema import Settings

Role = Literal["primary", "secondary"]
_ROLES: tuple[Role, ...] = ("primary", "secondary")
_DIGITS = re.compile(r"\d")
# Whose need it is, not what is needed: "my will" is a will, "for our office" says who for.
_NEED_STOP = frozenset({"my", "our", "your", "me", "us", "i", "we", "their", "his", "her"})
# Words that end what is asked for and start what it is for or how it should be: "a CPA
# *to* sort out taxes after divorce" wants a CPA, "a lawyer *who* isn't a shark" a lawyer.
_PURPOSE = frozenset({"to", "for", "who", "that", "which", "with", "so", "because", "after",
                      "since", "about", "regarding", "when", "before", "while", "if"})


@dataclass(frozen=True, slots=True)
class TriggerEvent:
    """One life event and the professions (canonical, normalised) that serve it.

    `roles` says how each serves it: `primary` (the event's first call: a mediator
    for a divorce) or `secondary` (also needed: an accountant for a divorce).
    """

    key: str
    professions: frozenset[str]
    roles: Mapping[str, Role] = field(default_factory=dict)


@dataclass(slots=True)
class _Profession:
    """One profession while the table is built: every spelling, need and link."""

    synonyms: list[str] = field(default_factory=list)
    needs: list[str] = field(default_factory=list)
    kind_of: list[str] = field(default_factory=list)
    events: dict[str, Role] = field(default_factory=dict)
    covers_kinds: bool = True


@dataclass(frozen=True, slots=True)
class _Need:
    """A need phrase: its words as written (folded) and its content words."""

    profession: str
    words: tuple[str, ...]
    content: frozenset[str]

    def __reduce__(self) -> tuple[type[_Need], tuple[str, tuple[str, ...], frozenset[str]]]:
        """Pickled as a call to the class: a frozen slotted dataclass's own unpickling sets
        each field in Python (`dataclasses._dataclass_setstate`), and the tables' 1,100
        needs were most of reading a personal book's preparation back (10 of 18 ms)."""
        return (_Need, (self.profession, self.words, self.content))


def _load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = read_table("introducer.book", name)
    return data


@cache
def _builtin() -> tuple[dict[str, Any], dict[str, Any]]:
    return _load("events.yaml"), _load("professions.yaml")


def _override(body: Any) -> tuple[Sequence[str] | None, bool | None]:
    """A `settings.events` entry (a list of professions, or `EventSettings`) as
    (professions, sensitive); None leaves the built-in table's value."""
    if isinstance(body, (list, tuple)):
        return body, None
    return body.professions, body.sensitive


def _entry(body: Any) -> _Profession:
    """A profession from the YAML table or from `settings.professions` (a model or a dict)."""
    def get(key: str) -> Any:
        return body.get(key) if isinstance(body, Mapping) else getattr(body, key, None)

    events = get("events") or {}
    if isinstance(events, (list, tuple)):
        events = dict.fromkeys(events, "primary")
    return _Profession(
        synonyms=list(get("synonyms") or []),
        needs=list(get("needs") or []),
        kind_of=list(get("kind_of") or []),
        events={str(event): role for event, role in events.items()},
        covers_kinds=get("covers_kinds") is not False,
    )


class TriggerEvents:
    """Resolves events, businesses and asks against the professions and events tables.

    The API the scorers and the ranking use:
    - `event_key(text)`: the canonical event a phrase names ("getting divorced").
    - `professions_of(business)`: the professions a business is.
    - `asked_professions(ask)`: the professions an ask wants ("a new website").
    - `role(profession_or_business, event)`: "primary", "secondary" or None.
    - `events_served_by(business)`, `implied_events(business)`, `kinds(profession)`.
    - `events_of_clients(client type)`: whose life event a client type names ("widows").
    """

    def __init__(
        self,
        overrides: Mapping[str, Sequence[str] | Any] | None = None,
        professions: Mapping[str, Any] | None = None,
    ) -> None:
        events_data, professions_data = _builtin()
        self._user_professions: set[str] = set()
        self._filler = frozenset(fold_text(w) for w in events_data.get("filler", []))
        self._relations = frozenset(fold_text(w) for w in events_data.get("relations", []))
        self._over = frozenset(fold_text(w) for w in events_data.get("over", []))
        self._event_names: dict[str, str] = {}
        self._stripped_names: dict[str, str] = {}
        self._in_business: dict[str, list[tuple[str, ...]]] = {}
        self._client_events: dict[str, set[str]] = {}
        self._display: dict[str, str] = {}
        self._urgency: dict[str, float] = {}
        self._sensitive: set[str] = set()
        self._cues: list[tuple[str, tuple[frozenset[str], ...]]] = [
            (fold_text(event), tuple(frozenset(fold_text(cue).split()) for cue in cues))
            for event, cues in (events_data.get("cues") or {}).items()
        ]
        for key, body in events_data["events"].items():
            canonical = fold_text(key)
            self._display[canonical] = key
            self._urgency[canonical] = float((body or {}).get("urgency", 1.0))
            if (body or {}).get("sensitive"):
                self._sensitive.add(canonical)
            self._add_event_name(canonical, canonical)
            for alias in (body or {}).get("aliases", []):
                self._add_event_name(alias, canonical)
            for words in (body or {}).get("in_business", []):
                self._in_business.setdefault(canonical, []).append(tuple(fold_text(words).split()))
            for client in (body or {}).get("clients", []):
                self._client_events.setdefault(fold_text(client), set()).add(canonical)

        table = self._professions(professions_data["professions"], professions or {})
        self._build_spellings(table)
        self._parents = {
            key: frozenset(p for p in map(self.profession_key, body.kind_of) if p != key)
            for key, body in table.items()
        }
        self._kinds = self._descendants()
        self._covers_kinds = {key for key, body in table.items() if body.covers_kinds}
        roles = self._event_roles(table)
        for key, override in (overrides or {}).items():
            event = self.event_key(key)
            self._add_event_name(event, event)
            self._display.setdefault(event, key)
            named, sensitive = _override(override)
            if sensitive is not None:
                (self._sensitive.add if sensitive else self._sensitive.discard)(event)
            if named is None:
                continue
            before = roles.get(event, {})
            listed = [self.profession_key(name) for name in named]
            for name in listed:  # a profession only an override names is still a profession
                self._register_spelling(name, name)
            roles[event] = {p: before.get(p, "primary") for p in listed if p}
        for event in self._display:
            roles.setdefault(event, {})
        self.events: dict[str, TriggerEvent] = {
            key: TriggerEvent(key, frozenset(held), dict(held)) for key, held in roles.items()
        }
        self._served_cache: dict[str, frozenset[str]] = {}
        self._professions_cache: dict[str, frozenset[str]] = {}
        self._ask_cache: dict[str, tuple[frozenset[str], frozenset[str], str]] = {}
        self._implied_cache: dict[str, frozenset[str]] = {}
        self._vocabulary_cache: dict[str, frozenset[str]] = {}
        self._role_cache: dict[tuple[str, str], Role | None] = {}

    # ── building ──────────────────────────────────────────────────────────

    def _add_event_name(self, alias: str, canonical: str) -> None:
        folded = fold_text(alias)
        self._event_names.setdefault(folded, canonical)
        stripped = self._strip(folded, self._filler)
        if stripped:
            self._stripped_names.setdefault(stripped, canonical)

    def _professions(
        self, builtin: Mapping[str, Any], extra: Mapping[str, Any]
    ) -> dict[str, _Profession]:
        """The built-in table with the book's own professions merged in."""
        table = {fold_text(key): _entry(body) for key, body in builtin.items()}
        spelled = {fold_text(s): key for key, body in table.items() for s in body.synonyms}
        for name, body in extra.items():
            folded = fold_text(name)
            key = folded if folded in table else spelled.get(folded, folded)
            mine = _entry(body)
            entry = table.setdefault(key, _Profession())
            entry.synonyms[:0] = mine.synonyms  # the book's spellings win a clash
            entry.needs[:0] = mine.needs
            entry.kind_of.extend(mine.kind_of)
            entry.events.update(mine.events)
            self._user_professions.add(key)
        return table

    def _build_spellings(self, table: Mapping[str, _Profession]) -> None:
        self._profession_names: dict[str, str] = {}
        self._spelling_tokens: dict[str, tuple[str, frozenset[str]]] = {}
        self._spellings_with: dict[str, list[tuple[str, frozenset[str]]]] = {}
        self._needs_with: dict[str, list[_Need]] = {}
        self._names_of: dict[str, frozenset[str]] = {
            key: frozenset(word for text in (key, *body.synonyms)
                           for word in tokens(fold_text(text)))
            for key, body in table.items()
        }
        self._words_of: dict[str, frozenset[str]] = {
            key: frozenset(word for text in (key, *body.synonyms, *body.needs)
                           for word in tokens(fold_text(text)))
            for key, body in table.items()
        }
        for key in sorted(table, key=lambda k: k not in self._user_professions):
            body = table[key]
            self._register_spelling(key, key, force=True)
            for synonym in body.synonyms:
                self._register_spelling(synonym, key, force=key in self._user_professions)
            for need in body.needs:
                folded = fold_text(need)
                content = tokens(folded) - _NEED_STOP
                if not content:
                    continue
                entry = _Need(key, tuple(folded.split()), content)
                for word in content:
                    self._needs_with.setdefault(word, []).append(entry)

    def _register_spelling(self, spelling: str, canonical: str, *, force: bool = False) -> None:
        folded = fold_text(spelling)
        if not folded or (not force and folded in self._profession_names):
            return
        previous = self._profession_names.get(folded)
        self._profession_names[folded] = canonical
        toks = tokens(folded)
        if previous is not None:  # the book's spelling replaces the table's
            for word in toks:
                self._spellings_with[word] = [
                    (c, t) for c, t in self._spellings_with.get(word, []) if t != toks
                ]
        self._spelling_tokens[folded] = (canonical, toks)
        for word in toks:
            self._spellings_with.setdefault(word, []).append((canonical, toks))

    def _descendants(self) -> dict[str, frozenset[str]]:
        """Each profession and every profession that is (transitively) a kind of it."""
        children: dict[str, set[str]] = {}
        for key, parents in self._parents.items():
            for parent in parents:
                children.setdefault(parent, set()).add(key)
        kinds: dict[str, frozenset[str]] = {}
        for key in {*self._parents, *children}:
            seen, todo = {key}, [key]
            while todo:
                for child in children.get(todo.pop(), ()):
                    if child not in seen:
                        seen.add(child)
                        todo.append(child)
            kinds[key] = frozenset(seen)
        return kinds

    def _event_roles(self, table: Mapping[str, _Profession]) -> dict[str, dict[str, Role]]:
        """Event -> profession -> role; a kind with no events of its own takes its parents'."""
        own = {
            key: {self.event_key(event): role for event, role in body.events.items()
                  if role in _ROLES}
            for key, body in table.items()
        }
        resolved: dict[str, dict[str, Role]] = {}

        def effective(key: str, path: frozenset[str]) -> dict[str, Role]:
            if key in resolved:
                return resolved[key]
            mine = dict(own.get(key, {}))
            if not mine:
                for parent in self._parents.get(key, ()):
                    if parent in path:
                        continue
                    for event, role in effective(parent, path | {parent}).items():
                        if mine.get(event) != "primary":
                            mine[event] = role
            resolved[key] = mine
            return mine

        roles: dict[str, dict[str, Role]] = {}
        for key in table:
            for event, role in effective(key, frozenset({key})).items():
                roles.setdefault(event, {})[key] = role
        for event in roles:
            self._add_event_name(event, event)
        return roles

    # ── events ────────────────────────────────────────────────────────────

    @staticmethod
    def _strip(folded: str, drop: Iterable[str] | frozenset[str]) -> str:
        return " ".join(w for w in _plain_words(folded) if w not in drop and not _DIGITS.search(w))

    def known_event(self, name: str, *, strict: bool = False) -> str | None:
        """The canonical event a phrase names, or None.

        Filler ("getting", "just", "my", "in March", dates) never changes the event;
        unless `strict`, who it happened to is dropped last ("husband passed").
        """
        folded = fold_text(name)
        found = self._event_names.get(folded)
        if found is None:
            found = self._stripped_names.get(self._strip(folded, self._filler))
        if found is None and not strict:
            found = self._stripped_names.get(
                self._strip(folded, self._filler | self._relations)
            )
        if found is None and not strict:
            found = self._cued_event(folded)
        return found

    def _cued_event(self, folded: str) -> str | None:
        """The event whose cues (events.yaml `cues`) the phrase holds most; ties to the first
        listed. "divorce finalised" and "just moved from Portland" have no alias of their own."""
        words = frozenset(_plain_words(folded))
        best, most = None, 0
        for event, cues in self._cues:
            held = sum(cue <= words for cue in cues)
            if held > most:
                best, most = event, held
        return best

    def event_key(self, name: str) -> str:
        """The canonical name of an event (`Moving` -> `relocation`); unknown names stay folded."""
        found = self.known_event(name)
        return found if found is not None else fold_text(name)

    def broader(self, profession: str) -> frozenset[str]:
        """Every profession this one is a kind of whose holders also do it when nobody
        does it exactly (`life insurance agent` -> `insurance agent`; professions.yaml
        `covers_kinds: false` says a daycare centre is no babysitter)."""
        found: set[str] = set()
        frontier = set(self._parents.get(self.profession_key(profession), ()))
        while frontier:
            found |= frontier
            frontier = {p for f in frontier for p in self._parents.get(f, ())} - found
        return frozenset(found & self._covers_kinds)

    def is_over(self, phrase: str) -> bool:
        """Whether a written event says it is behind them ("divorce finalised")."""
        return not self._over.isdisjoint(fold_text(phrase).split())

    def urgency(self, event: str) -> float:
        """How pressing living through an event is (events.yaml `urgency`, 1 unless said):
        a divorce or a death needs help this month, a new grandchild can wait."""
        return self._urgency.get(self.event_key(event), 1.0)

    def is_sensitive(self, event: str) -> bool:
        """Whether living through an event is private (events.yaml `sensitive`, or the
        book's `settings.events`): a divorce, a job loss, a confidential business sale."""
        return self.event_key(event) in self._sensitive

    def display_name(self, event: str) -> str:
        """How the table spells an event (`ageing parent` -> `ageing parents`)."""
        return self._display.get(event, event)

    def event_vocabulary(self) -> list[str]:
        """Every event name and alias as the tables write them (for "did you mean")."""
        return sorted({*self._display.values(), *self._event_names})

    def events_of_clients(self, client: str) -> frozenset[str]:
        """Events whose people a client type names (`widows` -> death in the family)."""
        return frozenset(self._client_events.get(fold_text(client), ()))

    def implied_events(self, business: str) -> frozenset[str]:
        """Events a business says its holder lives through (`retired plant manager`)."""
        cached = self._implied_cache.get(business)
        if cached is None:
            words = tuple(fold_text(business).split())
            cached = frozenset(
                event for event, phrases in self._in_business.items()
                if any(has_run(words, phrase) for phrase in phrases)
            )
            self._implied_cache[business] = cached
        return cached

    # ── professions ───────────────────────────────────────────────────────

    def profession_key(self, name: str) -> str:
        """The canonical name of a profession (`divorce lawyer` -> `matrimonial attorney`)."""
        folded = fold_text(name)
        return self._profession_names.get(folded, folded)

    def is_profession(self, name: str) -> bool:
        """Whether the table knows this spelling of a profession."""
        return fold_text(name) in self._profession_names

    def profession_vocabulary(self) -> list[str]:
        """Every profession spelling the table knows (for "did you mean")."""
        return sorted(self._profession_names)

    def needs_vocabulary(self) -> list[str]:
        """Every need phrase the table knows (for "did you mean")."""
        return sorted({" ".join(n.words) for needs in self._needs_with.values() for n in needs})

    def kinds(self, profession: str) -> frozenset[str]:
        """The profession and every profession that is a kind of it (`dentist` -> orthodontist)."""
        key = self.profession_key(profession)
        return self._kinds.get(key, frozenset({key}))

    def professions_of(self, business: str) -> frozenset[str]:
        """The table's professions a business is, most specific first wins.

        `licensed physical therapist` is a physical therapist, not also a therapist.
        """
        cached = self._professions_cache.get(business)
        if cached is not None:
            return cached
        folded = fold_text(business)
        exact = self._spelling_tokens.get(folded)
        if exact is not None:
            cached = frozenset({exact[0]})
        else:
            found = self._spellings_in(tokens(folded), roles_only=True)
            cached = frozenset(p for p, _ in _most_specific(found))
        self._professions_cache[business] = cached
        return cached

    def _spellings_in(
        self, words: frozenset[str], *, roles_only: bool = False
    ) -> list[tuple[str, frozenset[str]]]:
        """Spellings whose words all appear in `words`.

        With `roles_only` (a business), a one-word spelling counts inside a longer
        business only if it names a person: a "restaurant critic" is no restaurant
        owner, an "insurance claims clerk" no insurance agent, but a "family dentist"
        is a dentist. Asks keep every spelling: "someone in insurance" wants an agent.
        """
        return [
            (canonical, toks)
            for word in words
            for canonical, toks in self._spellings_with.get(word, ())
            if is_kind_of(words, toks)
            and (not roles_only or len(toks) > 1 or canonical == word or names_a_person(word))
        ]

    def asked_professions(self, ask: str) -> frozenset[str]:
        """The professions an ask wants, by their spellings and needs, most specific first.

        "commercial insurance" wants an insurance agent, "a good dentist" a dentist,
        "buys service businesses" a business buyer. Qualifiers do not block a match.
        """
        return self._ask(ask)[0]

    def asked_words(self, ask: str) -> frozenset[str]:
        """The words of an ask the professions it wants account for (the rest qualify it)."""
        return self._ask(ask)[1]

    def asked_head(self, ask: str) -> str:
        """The part of an ask that names what is wanted (`cpa` in "cpa to sort out taxes");
        the whole ask when no purpose clause is split off."""
        return self._ask(ask)[2]

    def _ask(self, ask: str) -> tuple[frozenset[str], frozenset[str], str]:
        """Professions, the words they explain, and the head that named them.

        An ask is split at its first purpose word (`to`, `for`, `who`, `with`, ...) whose
        head names a profession or a need: the head decides ("a CPA to sort out taxes after
        divorce" wants a CPA, not a divorce lawyer), the rest only qualifies it. An ask no
        head of which names anything is read whole ("help paying for college").
        """
        cached = self._ask_cache.get(ask)
        if cached is not None:
            return cached
        words = tuple(fold_text(ask).split())
        for cut in range(1, len(words) - 1):
            if words[cut] in _PURPOSE:
                professions, explained = self._ask_words(words[:cut])
                if professions:
                    cached = (professions, explained, " ".join(words[:cut]))
                    break
        else:
            cached = (*self._ask_words(words), " ".join(words))
        self._ask_cache[ask] = cached
        return cached

    def _ask_words(self, words: tuple[str, ...]) -> tuple[frozenset[str], frozenset[str]]:
        folded = " ".join(words)
        content = tokens(folded) - _NEED_STOP
        exact = self._spelling_tokens.get(folded)
        if exact is not None:
            found = [exact]
        else:
            found = self._spellings_in(content)
            for word in content:
                for need in self._needs_with.get(word, ()):
                    fits = (need.content <= content if len(need.content) > 1
                            else need.content == content or has_run(words, need.words))
                    if fits:
                        found.append((need.profession, need.content))
        kept = _most_specific(found)
        return (frozenset(p for p, _ in kept), frozenset(w for _, toks in kept for w in toks))

    def vocabulary_of(self, business: str) -> frozenset[str]:
        """Every word the table writes for the professions a business is: their names,
        spellings and needs (a business attorney's holds "lease" and "contract")."""
        cached = self._vocabulary_cache.get(business)
        if cached is None:
            cached = frozenset().union(
                *(self._words_of.get(p, frozenset()) for p in self.professions_of(business)))
            self._vocabulary_cache[business] = cached
        return cached

    def names_of(self, business: str) -> frozenset[str]:
        """Every word of the names and spellings of the professions a business is (not their
        needs): what saying "insurance agent" already says."""
        return frozenset().union(
            *(self._names_of.get(p, frozenset()) for p in self.professions_of(business)))

    def role(self, profession: str, event: str) -> Role | None:
        """How a profession serves an event: "primary", "secondary", or None if it does not.

        `profession` may be any spelling of a profession, or a business
        ("divorce mediator at Lopez Mediation"); a business that is several
        professions takes the strongest role. `event` may be any way of writing it.
        """
        cache_key = (profession, event)
        if cache_key in self._role_cache:
            return self._role_cache[cache_key]
        found: Role | None = None
        canonical = self.event_key(event)
        table = self.events.get(canonical)
        if table is not None:
            key = self.profession_key(profession)
            kinds = {key} if key in self._parents else self.professions_of(profession)
            held = {table.roles[k] for k in kinds if k in table.roles}
            found = "primary" if "primary" in held else ("secondary" if held else None)
        if found == "secondary" and self._names_its_event(profession, canonical):
            found = "primary"  # "real estate agent (divorce specialist)": their first call
        self._role_cache[cache_key] = found
        return found

    def _names_its_event(self, business: str, event: str) -> bool:
        """Whether a business says it specialises in an event it serves ("divorce realtor",
        "wedding photographer"); a state it is in ("retired banker") is no specialism."""
        return (self._cued_event(fold_text(business)) == event
                and event not in self.implied_events(business))

    def events_served_by(self, business: str) -> frozenset[str]:
        """Events whose professions include this business (inferred `serves`)."""
        cached = self._served_cache.get(business)
        if cached is None:
            kinds = self.professions_of(business)
            cached = frozenset(
                event.key for event in self.events.values() if kinds & event.professions
            )
            self._served_cache[business] = cached
        return cached


# Word endings (and words) that name a person who does the work, not the work itself.
_PERSON_ENDINGS = ("er", "or", "ist", "ian", "ant", "ent", "eer", "man", "smith", "wright")
_PERSON_WORDS = frozenset({"attorney", "mechanic", "surgeon", "chef", "nanny", "vet", "midwife",
                           "doula", "medic", "rabbi", "priest", "chaplain", "glazier"})


def _plain_words(folded: str) -> list[str]:
    """A folded phrase's words, possessives dropped ("husband's" is "husband")."""
    return [word.removesuffix("'s").removesuffix("’s") for word in folded.split()]


def names_a_person(word: str) -> bool:
    """`dentist`, `realtor`, `CPA`: a word for a practitioner (abbreviations count)."""
    return len(word) <= 4 or word in _PERSON_WORDS or word.endswith(_PERSON_ENDINGS)


def _most_specific(found: list[tuple[str, frozenset[str]]]) -> list[tuple[str, frozenset[str]]]:
    """Drop every match whose words are a strict part of another match's words."""
    unique = list(dict.fromkeys(found))
    return [(p, toks) for p, toks in unique if not any(toks < other for _, other in unique)]


# Tables built for the settings of the books read in this process (a few at most; the
# test suite reads hundreds, so the oldest are let go).
_TABLES: dict[str, TriggerEvents] = {}
_TABLES_KEPT = 8


def tables_key(settings: Settings) -> str:
    """What of the settings decides the tables, spelt out: the records' own repr, which
    needs no serialiser (dumping pydantic models built one: 2.4 ms of a warm run)."""
    return repr((settings.events, settings.professions))


def _keep(key: str, tables: TriggerEvents) -> TriggerEvents:
    if len(_TABLES) >= _TABLES_KEPT:
        del _TABLES[next(iter(_TABLES))]
    _TABLES[key] = tables
    return tables


def tables_for(settings: Settings) -> TriggerEvents:
    """The events and professions tables as a book's settings extend them, built once per
    process for the same settings: the ranking, the drafts' tact and the contact search
    read the same tables, and building them costs some 25 ms."""
    key = tables_key(settings)
    found = _TABLES.get(key)
    return found if found is not None else _keep(
        key, TriggerEvents(settings.events, settings.professions))


def known_tables(settings: Settings) -> TriggerEvents | None:
    """The tables this process already built or adopted for `settings`, if any."""
    return _TABLES.get(tables_key(settings))


def adopt_tables(settings: Settings, tables: TriggerEvents) -> TriggerEvents:
    """The process's tables for `settings`: those it already built, else `tables` (read
    back from a cache, where unpickling them costs a fifth of building them), kept so that
    `tables_for` answers with the same object."""
    key = tables_key(settings)
    found = _TABLES.get(key)
    return found if found is not None else _keep(key, tables)
