"""The trigger-event table: which professions serve which life events.

The table is data (`events.yaml` in this package); a book extends it, or overrides
an event's professions, with `settings.events`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

import yaml

from introducer.book.normalise import fold_text, is_kind_of, tokens


@dataclass(frozen=True, slots=True)
class TriggerEvent:
    """One life event and the professions (canonical, normalised) that serve it."""

    key: str
    professions: frozenset[str]


@cache
def _builtin_table() -> tuple[dict[str, list[str]], dict[str, list[str]], dict[str, list[str]]]:
    text = files("introducer.book").joinpath("events.yaml").read_text(encoding="utf-8")
    data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    events = {name: list(body.get("professions", [])) for name, body in data["events"].items()}
    event_aliases = {name: list(body.get("aliases", [])) for name, body in data["events"].items()}
    professions = {name: list(synonyms or []) for name, synonyms in data["professions"].items()}
    return events, event_aliases, professions


class TriggerEvents:
    """Resolves event names and businesses against the trigger-event table."""

    def __init__(self, overrides: Mapping[str, Sequence[str]] | None = None) -> None:
        builtin_events, builtin_aliases, builtin_professions = _builtin_table()
        self._event_names: dict[str, str] = {}
        for key, aliases in builtin_aliases.items():
            canonical = fold_text(key)
            self._event_names[canonical] = canonical
            for alias in aliases:
                self._event_names.setdefault(fold_text(alias), canonical)
        self._profession_names: dict[str, str] = {}
        for key, synonyms in builtin_professions.items():
            canonical = fold_text(key)
            self._profession_names[canonical] = canonical
            for synonym in synonyms:
                self._profession_names.setdefault(fold_text(synonym), canonical)

        professions: dict[str, set[str]] = {}
        for key, names in builtin_events.items():
            professions[fold_text(key)] = {self.profession_key(n) for n in names}
        for key, override in (overrides or {}).items():
            event = self.event_key(key)
            self._event_names.setdefault(event, event)
            professions[event] = {self.profession_key(n) for n in override}
        self.events: dict[str, TriggerEvent] = {
            key: TriggerEvent(key, frozenset(p for p in profs if p))
            for key, profs in professions.items()
        }
        known = {p for event in self.events.values() for p in event.professions}
        # Every spelling (canonical or synonym) of a profession the table uses, by its words.
        self._spelling_tokens: dict[str, tuple[str, frozenset[str]]] = {
            spelling: (canonical, tokens(spelling))
            for spelling, canonical in {**self._profession_names, **{p: p for p in known}}.items()
            if canonical in known
        }
        # The spellings holding each word: a business is compared only with spellings that
        # share a word with it, not with the whole table (a book may hold 100k businesses).
        self._spellings_with: dict[str, list[tuple[str, frozenset[str]]]] = {}
        for canonical, toks in self._spelling_tokens.values():
            for word in toks:
                self._spellings_with.setdefault(word, []).append((canonical, toks))
        self._display = {fold_text(k): k for k in (*builtin_events, *(overrides or {}))}
        self._served_cache: dict[str, frozenset[str]] = {}

    def event_key(self, name: str) -> str:
        """The canonical name of an event (`Moving` -> `relocation`); unknown names stay folded."""
        folded = fold_text(name)
        return self._event_names.get(folded, folded)

    def profession_key(self, name: str) -> str:
        """The canonical name of a profession (`divorce lawyer` -> `matrimonial attorney`)."""
        folded = fold_text(name)
        return self._profession_names.get(folded, folded)

    def professions_of(self, business: str) -> frozenset[str]:
        """The table's professions a business is, most specific first wins.

        `licensed physical therapist` is a physical therapist, not also a therapist.
        """
        folded = fold_text(business)
        exact = self._spelling_tokens.get(folded)
        if exact is not None:
            return frozenset({exact[0]})
        words = tokens(folded)
        matches = [
            (canonical, toks)
            for word in words
            for canonical, toks in self._spellings_with.get(word, ())
            if is_kind_of(words, toks)
        ]
        return frozenset(
            canonical
            for canonical, toks in matches
            if not any(toks < other for _, other in matches)
        )

    def display_name(self, event: str) -> str:
        """How the table spells an event (`ageing parent` -> `ageing parents`)."""
        return self._display.get(event, event)

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
