"""What tells people apart: names without honorifics, companies without legal forms.

`Mr. John Smith Sr.` is John Smith and `Goldberg Family Law PLLC` is Goldberg
Family Law, for the import's merge and for `check`'s duplicate warnings. Exports
carry honorifics (vCard N prefix and suffix, a Google "Name Prefix" column typed
into the name), but they do not say who someone is: the book's "John Smith" and
an export's "Dr. John Smith, PhD" are one person. A generational suffix (Jr.,
Sr., III) does tell people apart, so it is returned for the merge to compare.
"""

from __future__ import annotations

from dataclasses import dataclass

from introducer.book.normalise import without_legal_form
from introducer.book.schema import plain_words

HONORIFICS = frozenset({
    "mr", "mrs", "ms", "miss", "mx", "dr", "prof", "professor", "rev", "reverend", "fr",
    "sir", "dame", "lord", "lady", "hon", "judge", "capt", "col", "gen", "herr", "frau",
    "mme", "mlle", "sra", "srta", "dott", "ing",
})
GENERATIONS = frozenset({"jr", "sr", "ii", "iii", "iv", "v"})
SUFFIXES = GENERATIONS | frozenset({
    "esq", "phd", "md", "dds", "dmd", "do", "dvm", "jd", "cpa", "cfa", "cfp", "mba", "rn",
    "pe", "ret", "obe", "mbe", "kc", "qc",
})


@dataclass(frozen=True, slots=True)
class PersonName:
    """A name split into the person's own words and what was written around them."""

    core: str
    before: tuple[str, ...] = ()
    after: tuple[str, ...] = ()

    @property
    def trimmed(self) -> bool:
        return bool(self.before or self.after)

    @property
    def generation(self) -> str | None:
        """`jr`, `sr`, `iii`... when the name has one."""
        return next((_bare(w) for w in self.after if _bare(w) in GENERATIONS), None)


def split_name(name: str) -> PersonName:
    """`Mr. John Smith, Sr.` -> core `John Smith`, before `Mr.`, after `Sr.`; at least one
    word always stays in the core (a person called "Miss" keeps their name)."""
    words = name.split()
    before: list[str] = []
    after: list[str] = []
    while len(words) > 1 and _bare(words[0]) in HONORIFICS:
        before.append(words.pop(0))
    while len(words) > 1 and _bare(words[-1]) in SUFFIXES:
        after.insert(0, words.pop())
    if not before and not after:
        return PersonName(name)
    return PersonName(" ".join(words).rstrip(","), tuple(before), tuple(after))


def name_key(name: str) -> str:
    """A name as compared for "the same person": accent- and case-free, without honorifics
    or suffixes (`Dr. Zoë Ødegaard` -> `zoe odegaard`)."""
    return plain_words(split_name(name).core)


def fold_company(text: str | None) -> str:
    """A company as compared: folded, legal form dropped (`Acme, Inc.` -> `acme`)."""
    if not text:
        return ""
    return " ".join(without_legal_form(plain_words(text.replace("&", " and ")).split()))


def one_company_or_none(folded: str, other: str | None) -> bool:
    """Whether namesakes can be one person by where they work: at one company (`folded`
    already through `fold_company`), or where either names none. Namesakes at two
    companies are two people, for the import's merge and `check` alike."""
    theirs = fold_company(other)
    return not folded or not theirs or folded == theirs


def given_names_agree(first: str, second: str) -> bool:
    """Whether two folded names can be one person's: the same first word ("Maria Lopez",
    "Maria Lopes"), or the same words in another order ("Reed Tom"). Daniel is not
    Danielle, and an initial is not a name: "J Kim" could be Jane or John."""
    a, b = first.split(), second.split()
    return sorted(a) == sorted(b) or (bool(a) and bool(b) and a[0] == b[0])


def _bare(word: str) -> str:
    return word.casefold().strip(",").replace(".", "")
