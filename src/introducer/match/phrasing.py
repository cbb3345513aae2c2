"""Small English helpers so every reason reads as one natural line."""

from __future__ import annotations

import re
from collections.abc import Sequence

from introducer.book.normalise import fold_plural, fold_text
from introducer.match.terms import note_words

_TITLES = frozenset({"dr", "dr.", "mr", "mr.", "mrs", "mrs.", "ms", "ms.", "mx", "mx.",
                     "prof", "prof.", "sir", "dame", "rev", "rev."})


def join_words(items: Sequence[str], limit: int = 4) -> str:
    """`a`, `a and b`, `a, b and c`; past `limit` items, `a, b, c and 5 more`."""
    if len(items) <= 1:
        return "".join(items)
    if len(items) > limit:
        return ", ".join(items[: limit - 1]) + f" and {len(items) - limit + 1} more"
    return ", ".join(items[:-1]) + " and " + items[-1]


# Letters whose spoken name starts with a vowel sound: an HR consultant, an SEO expert.
_VOWEL_SOUND_LETTERS = frozenset("AEFHILMNORSX")
# Vowels spoken with a consonant sound (a urologist, a UX designer, a one-person firm)
# and silent h's (an hour, an honest broker).
_CONSONANT_SOUND_STARTS = ("uni", "use", "usa", "usu", "uro", "ura", "ure", "uti", "ute",
                           "uku", "eu", "one", "once")
_SILENT_H_STARTS = ("hour", "honest", "honor", "honour", "heir")
# Things asked for that take no article: `asked for insurance`, not `an insurance`.
_MASS_ENDINGS = ("ing", "ance", "ence", "ice", "ware")
_MASS_WORDS = frozenset(
    {"help", "capital", "estate", "tax", "taxes", "payroll", "childcare", "daycare", "therapy",
     "work", "space", "legal", "it", "hr", "pr", "seo", "design", "data", "research", "finance",
     "money", "investment", "equipment", "funds", "press", "media", "security", "care"}
)


def _takes_an(noun: str) -> bool:
    first = noun.split()[0] if noun.split() else ""
    letters = first.strip(".,;:()\"'")
    spelt = letters.isupper() and letters.isalpha() and 2 <= len(letters) <= 4  # HR, UX, SEO
    if spelt or (letters[1:2] == "-" and letters[:1].isupper()):  # X-ray, T-shirt
        return letters[0] in _VOWEL_SOUND_LETTERS
    word = letters.casefold()
    if word.startswith(_SILENT_H_STARTS):
        return True
    if word.startswith(_CONSONANT_SOUND_STARTS):
        return False
    return word[:1] in ("a", "e", "i", "o", "u")


def with_article(noun: str) -> str:
    """`an estate attorney`, `a dentist`, `an HR consultant`, `a urologist` (by sound)."""
    return ("an " if _takes_an(noun) else "a ") + noun


# Words after which an ask or a line of work goes on to say what for or whom:
# the noun before them decides the article ("insurance for my coffee shop").
_QUALIFIER_STARTS = frozenset({"for", "to", "with", "at", "in", "on", "from", "who", "that",
                               "which", "near", "by", "about", "of"})
# Words that open an ask with what to do, not a thing: "update my will", "redo my bathroom".
_ACTION_STARTS = frozenset({"update", "redo", "fix", "build", "find", "sell", "buy",
                            "review", "sort", "file", "plan", "write", "hire", "meet", "move",
                            "get", "set", "start", "rent", "lease", "refinance", "design"})


_DETERMINERS = frozenset({"a", "an", "the", "some", "any", "help", "someone", "anyone", "somebody",
                          "anybody"})


def _head_word(text: str) -> str:
    """The noun the article agrees with: the last word before any qualifier."""
    words = [word.strip(".,;:!?()\"'") for word in text.casefold().split()]
    for position, word in enumerate(words):
        if position and word in _QUALIFIER_STARTS:
            return words[position - 1]
    return words[-1] if words else ""


def _is_mass(word: str) -> bool:
    folded = fold_text(word)
    return fold_plural(word) != word or folded in _MASS_WORDS or folded.endswith(_MASS_ENDINGS)


_OWN = frozenset({"my", "our"})


def in_their_words(text: str, owner: str = "their") -> str:
    """An ask retold: "insurance for my coffee shop" -> "... their coffee shop" (to the
    user), or `owner="your"` back to the one who asked."""
    return " ".join(owner if word.casefold() in _OWN else word for word in text.split())


def asked_thing(text: str, owner: str = "their") -> str:
    """What someone asked for, as a phrase: `an accountant`, but `accountants`, `insurance`,
    `insurance for their coffee shop` (the asker's "my"), `help to update their will`."""
    text = in_their_words(text, owner)
    words = text.casefold().split()
    if not words or words[0] in _DETERMINERS or _is_mass(_head_word(text)):
        return text
    if len(words) > 1 and words[0] in _ACTION_STARTS:
        return f"help to {text}"
    return with_article(text)


# A business written as what someone does ("owns a gym", "runs a daycare"), not a title.
_DOING_STARTS = frozenset({"owns", "runs", "works", "sells", "teaches", "manages", "does",
                           "builds", "makes", "writes", "coaches", "helps", "designs",
                           "cleans", "fixes", "repairs", "drives", "leads", "heads",
                           "consults", "tutors", "trains", "walks", "plays"})
# A business that says what someone is in the middle of: "is retiring from the state".
_UNDER_WAY = frozenset({"retiring", "moving", "looking", "starting", "leaving", "working",
                        "selling", "buying", "relocating", "transitioning", "returning",
                        "opening", "launching", "studying", "training", "recovering"})
# Heads that name a line of business in the plural: "works in payroll and HR services".
_FIELD_PLURALS = ("services", "solutions", "supplies", "systems", "products", "sales",
                  "logistics", "goods", "electronics")
# A business that is a state, not a title: "Walt is retired".
_STATES = frozenset({"retired", "semi retired", "unemployed", "self employed", "between jobs",
                     "laid off", "stay at home", "on leave", "freelance", "freelancing"})


def what_someone_is(business: str) -> str:
    """A line of work as a predicate: `is a dentist`, `owns a gym`, `is retired`,
    `works in commercial insurance` (a field, not a title)."""
    text = business.strip()
    words = text.casefold().split()
    if not words:
        return "is in business"
    if words[0] in _DOING_STARTS:
        return text
    if fold_text(text) in _STATES or words[0] in _UNDER_WAY:
        return f"is {text}"
    head = _head_word(text)
    if (_is_mass(head) and fold_plural(head) == head) or head.endswith(_FIELD_PLURALS):
        return f"works in {text}"
    return f"is {with_article(text)}"


_SENTENCES = re.compile(r"(?<=[.!?;])\s+|\n+")
_QUOTE_MAX = 80


def note_quote(notes: str, words: frozenset[str]) -> str:
    """The sentence of the notes that holds most of `words` (stemmed), quoted and short."""
    sentences = [part.strip() for part in _SENTENCES.split(notes) if part.strip()] or [notes]
    best = max(sentences, key=lambda part: len(note_words(part) & words))
    best = best.rstrip(".;")
    if len(best) > _QUOTE_MAX:
        best = best[: _QUOTE_MAX - 1].rstrip() + "…"
    return f"'{best}'"


def first_name(name: str) -> str:
    """`Dr. Amir Haddad` -> `Amir`: how you would mention someone in passing."""
    words = name.split()
    while len(words) > 1 and words[0].casefold() in _TITLES:
        words = words[1:]
    return words[0] if words else name


def short_names(first: str, second: str) -> tuple[str, str]:
    """First names, unless both people share one; then full names keep them apart."""
    a, b = first_name(first), first_name(second)
    return (first, second) if a.casefold() == b.casefold() else (a, b)
