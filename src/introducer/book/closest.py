"""The closest choice to a misspelt word: "did you mean ...?" for keys, values and ids.

Its own module, so that `record`, `rename` and the history's audit can suggest an id
without importing the book's reader (PyYAML with it) or pydantic's error wording.
"""

from __future__ import annotations

from collections.abc import Iterable

_CUTOFF = 60.0


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    """The closest choice to a misspelt word, if any is close enough to suggest."""
    return Suggester(choices)(word)


class Suggester:
    """`did_you_mean` over one fixed set of choices, folded once for many questions."""

    def __init__(self, choices: Iterable[str]) -> None:
        self._choices = list(choices)
        self._folded = [choice.casefold() for choice in self._choices]

    def __call__(self, word: str) -> str | None:
        from rapidfuzz import fuzz, process  # only for a book with a mistake in it

        found = process.extractOne(
            word.strip().casefold(), self._folded, scorer=fuzz.ratio, score_cutoff=_CUTOFF
        )
        return None if found is None else self._choices[found[2]]
