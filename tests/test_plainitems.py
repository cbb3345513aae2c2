"""The plainly written contact items are read without libyaml (book/plainitems.py), into
exactly what libyaml's builder makes of them: the same values, keys and lines, and
every item of another shape handed to libyaml (so a problem anywhere is still one)."""

from __future__ import annotations

import random
import re
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from introducer.book.plainitems import read_items
from introducer.book.yamlsafe import UNCLEAN, LineList, LineMap, parse_clean

# Every character that means something somewhere in YAML, and some that are only text.
# Not the line breaks libyaml counts besides `\n` (a lone `\r`, NEL, LS, PS): the parallel
# read leaves a book holding any of them to one pass (`parallel._layout`).
TRICKY = (" .,'\"&+/@_()-:#[]{}!*|>?%~`\t\\é\u00a0\ufeff\ufffe\uffff"
          "\u200b\u00ad\U0001f600\x7f\x1b\x00")
ALPHABET = "abz09AZ" + TRICKY


def built(value: Any) -> Any:
    """A parsed value with every line it remembers, comparable with ==."""
    if isinstance(value, LineMap):
        return ("map", value.line, list(value.key_lines.items()),
                [(key, built(item)) for key, item in value.items()])
    if isinstance(value, LineList):
        return ("list", value.line, list(value.item_lines), [built(item) for item in value])
    return value


def by_libyaml(text: str, first_line: int) -> Any:
    return parse_clean(text.encode("utf-8"), "book.yaml", first_line=first_line, depth=1)


def assert_read_alike(text: str, indent: int = 0, first_line: int = 4) -> None:
    """Read alike, or left to the whole book (UNCLEAN) where libyaml finds a problem, or
    an item that is not a mapping, which the parallel read gives up on too."""
    ours = read_items(text, "book.yaml", first_line=first_line, indent=indent)
    if re.match(" " * indent + r"-(?:[ \t]|\n|$)", text) is None:
        assert ours is UNCLEAN  # a piece starts with an item (the parallel read cuts so)
        return
    theirs = by_libyaml(text, first_line)
    if ours is not UNCLEAN:
        assert theirs is not UNCLEAN
        assert built(ours) == built(theirs)
    elif isinstance(theirs, LineList):  # else no list: the parallel read gives up too
        # Or a value that runs across the next item's line (a quote left open), which
        # leaves the item before the cut unclosed.
        opening = re.compile(" " * indent + r"-(?:[ \t]|$)")
        cuts = sum(1 for line in text.split("\n") if opening.match(line))
        assert len(theirs) != cuts or not all(isinstance(item, LineMap) for item in theirs)


words = st.text(alphabet=ALPHABET, max_size=8)
keys = st.sampled_from(["name", "id", "hobbies", "events", "last_contact", "Name", "a b",
                        "<<", "x-y", "é", "name ", ""])
separators = st.sampled_from([": ", ":", ":  ", " : ", ":\t", ": "])


def value_texts(words: st.SearchStrategy[str], keys: st.SearchStrategy[str],
                separators: st.SearchStrategy[str], kinds: list[str], joiners: list[str]
                ) -> st.SearchStrategy[str]:
    """Values as written after a key: text, a flow list, a flow mapping or nothing."""
    @st.composite
    def value(draw: st.DrawFn) -> str:
        kind = draw(st.sampled_from(kinds))
        if kind == "text":
            return draw(words)
        joiner = draw(st.sampled_from(joiners))
        if kind == "list":
            return "[" + joiner.join(draw(st.lists(words, max_size=3))) + "]"
        if kind == "map":
            pairs = draw(st.lists(st.tuples(keys, separators, words), max_size=3))
            return "{" + joiner.join(k + s + v for k, s, v in pairs) + "}"
        return ""

    return value()


def values() -> st.SearchStrategy[str]:
    return value_texts(words, keys, separators, ["text", "list", "map", "empty"],
                       [", ", ",", " ,", ",  "])


@st.composite
def lines(draw: st.DrawFn, indent: int) -> str:
    lead = " " * indent
    kind = draw(st.sampled_from(["key", "key", "item", "entry", "entry", "other"]))
    if kind == "other":
        return draw(st.sampled_from(["", "# note", lead + "  # note", lead + "    more",
                                     lead + "---", lead + "  ", "\t" + lead + "  id: x"]))
    body = draw(keys) + draw(separators) + draw(values())
    if kind == "entry":
        body = draw(st.sampled_from(["- ", "-  ", "-"])) + draw(
            st.one_of(values(), st.just(body)))
    prefix = lead + ("- " if kind == "item" else "  ")
    return prefix + body


@st.composite
def pieces(draw: st.DrawFn) -> tuple[str, int]:
    indent = draw(st.sampled_from([0, 2]))
    items = []
    for _ in range(draw(st.integers(1, 3))):
        head = " " * indent + "- " + draw(keys) + draw(separators) + draw(values())
        if draw(st.booleans()):
            head = " " * indent + "- " + draw(values())
        body = draw(st.lists(lines(indent), max_size=4))
        items.append("\n".join([head, *body]))
    return "\n".join(items) + draw(st.sampled_from(["\n", ""])), indent


# Mostly what the strict lines allow, now and then anything else: most items are then
# read without libyaml, and every slip of the strict shapes shows.
SAFE = [*"abzAZ09 .,'&+/@_()-", "é", "Ø", "中", "\U0001f600", "\u00a0", "\u200b"]
near_words = st.builds(
    lambda first, middle, last: first + middle + last,
    st.sampled_from(list("aZ0") * 60 + list(TRICKY)),
    st.text(alphabet=st.sampled_from(SAFE * 40 + list(TRICKY)), max_size=8),
    st.sampled_from(list("b9.)") * 60 + list(TRICKY) + [""] * 60))
near_keys = st.sampled_from(["name", "id", "hobbies", "last_contact", "x"] * 8
                            + ["Name", "a b", "<<", "x-y", "é", "", "name "])
near_separators = st.sampled_from([": "] * 60 + [":", ":  ", " : ", ":\t"])


def near_values() -> st.SearchStrategy[str]:
    return value_texts(near_words, near_keys, near_separators,
                       ["text"] * 3 + ["list", "map"] * 2 + ["empty"],
                       [", "] * 10 + [",", " ,", ",  "])


@st.composite
def near_items(draw: st.DrawFn, indent: int) -> str:
    lead = " " * indent
    if draw(st.integers(0, 9)) == 0:
        return lead + "- " + draw(near_values())
    rows = [lead + "- " + draw(near_keys) + draw(near_separators) + draw(near_words)]
    for _ in range(draw(st.integers(0, 4))):
        kind = draw(st.sampled_from(["key"] * 6 + ["list", "other"]))
        if kind == "key":
            rows.append(lead + "  " + draw(near_keys) + draw(near_separators)
                        + draw(near_values()))
        elif kind == "list":
            rows.append(lead + "  " + draw(near_keys) + draw(st.sampled_from([":", ": "])))
            for _ in range(draw(st.integers(0, 3))):
                rows.append(lead + draw(st.sampled_from(["  - "] * 8 + ["    - ", "  -", "-"]))
                            + draw(near_values()))
        else:
            rows.append(draw(st.sampled_from(["", "# note", lead + "    more", lead + "---",
                                              lead + " x: y", lead + "  "])))
    return "\n".join(rows)


@st.composite
def near_pieces(draw: st.DrawFn) -> tuple[str, int]:
    indent = draw(st.sampled_from([0, 0, 2]))
    items = draw(st.lists(near_items(indent), min_size=1, max_size=4))
    return "\n".join(items) + draw(st.sampled_from(["\n", ""])), indent


@settings(max_examples=200, deadline=None)
@given(pieces())
def test_any_item_reads_as_libyaml_reads_it(piece: tuple[str, int]) -> None:
    text, indent = piece
    assert_read_alike(text, indent)


@settings(max_examples=300, deadline=None)
@given(near_pieces())
def test_items_near_the_strict_shapes_read_as_libyaml_reads_them(
        piece: tuple[str, int]) -> None:
    text, indent = piece
    assert_read_alike(text, indent)


def test_the_usual_shapes_are_read_without_libyaml_and_alike() -> None:
    text = ("- name: Ana Wu\n  id: ana-wu\n  clients: [retirees, self-employed nurses]\n"
            "  hobbies: []\n  company: Okafor & Sons (UK)\n  email: ana@example.com\n"
            "  events:\n  - {event: job loss, date: 2025-11-26}\n  - new baby\n"
            "  closeness: 2\n"
            "- {name: Bo Li, id: bo-li, business: cpa}\n"
            "- name: O'Brien, Pat\n  last_contact: 2024-01-05\n")
    assert_read_alike(text)
    ours = read_items(text, "book.yaml", first_line=4, indent=0)
    assert ours[0]["events"] == [{"event": "job loss", "date": "2025-11-26"}, "new baby"]
    assert ours[0].key_lines["events"] == 10
    assert ours[2]["name"] == "O'Brien, Pat"


def test_an_item_of_another_shape_is_libyaml_s() -> None:
    text = ('- name: "Zoë"  # quoted\n  notes: |\n    two\n    lines\n'
            "- name: Al\n  events:\n  - event: moving\n    date: 2026-01-01\n")
    assert_read_alike(text, first_line=10)


def test_what_libyaml_reports_leaves_the_piece_to_the_whole_book() -> None:
    for text in ("- name: Al\n  name: Bo\n",  # a duplicate key
                 "- name: Al\n- name: *anchor\n",  # an alias
                 "- name: Al\n  notes: \"open\n- name: Bo\n",  # a quote cut by an item
                 "- {name: Al, name: Bo}\n"):
        assert read_items(text, "book.yaml", first_line=1, indent=0) is UNCLEAN


def test_a_piece_must_start_with_an_item() -> None:
    assert read_items("  id: x\n- name: Al\n", "book.yaml", first_line=1, indent=0) is UNCLEAN


def clean_item(rng: random.Random, indent: int) -> list[str]:
    """An item every line of which has a strict shape."""
    def word(commas: bool) -> str:
        middle = "".join(rng.choice(SAFE if commas else [c for c in SAFE if c not in ",'"])
                         for _ in range(rng.randint(0, 8)))
        return (rng.choice(["a", "Z", "0", "é", "\u00a0"]) + middle.rstrip()
                + rng.choice(["", "b", "9", ".", ")", "Ø", "\u00a0"]))

    lead = " " * indent
    rows: list[str] = []
    if rng.random() < 0.1:
        pairs = [f"k{n}: {word(False)}" for n in range(rng.randint(0, 3))]
        return [lead + "- {" + ", ".join(pairs) + "}"]
    for number in range(rng.randint(1, 6)):
        key = f"key{number}"
        shape = rng.random()
        if shape < 0.5:
            value = " " + word(True)
        elif shape < 0.8:
            value = " [" + ", ".join(word(False) for _ in range(rng.randint(0, 3))) + "]"
        else:
            value = ""
        rows.append(lead + ("- " if number == 0 else "  ") + key + ":" + value)
        if not value:
            for _ in range(rng.randint(1, 3)):
                if rng.random() < 0.5:
                    rows.append(lead + "  - " + word(True))
                else:
                    pairs = [f"k{n}: {word(False)}" for n in range(rng.randint(0, 2))]
                    rows.append(lead + "  - {" + ", ".join(pairs) + "}")
    return rows


def mutated(rng: random.Random, rows: list[str]) -> list[str]:
    """`rows` with a character put in, changed or taken out somewhere."""
    rows = list(rows)
    row = rng.randrange(len(rows))
    line = rows[row]
    at = rng.randint(0, len(line))
    what = rng.random()
    char = rng.choice(ALPHABET + "\n")
    if what < 0.4:
        line = line[:at] + char + line[at:]
    elif what < 0.8:
        line = line[:at] + char + line[at + 1:]
    else:
        line = line[:at] + line[at + 1:]
    rows[row] = line
    return rows


def test_clean_items_with_a_slip_here_and_there_read_as_libyaml_reads_them() -> None:
    rng = random.Random(12)
    plain = 0
    for _ in range(4000):
        indent = rng.choice([0, 0, 2])
        items = []
        for _ in range(rng.randint(1, 3)):
            rows = clean_item(rng, indent)
            for _ in range(rng.choice([0, 0, 1, 1, 2])):
                rows = mutated(rng, rows)
            items.append("\n".join(rows))
        text = "\n".join(items) + rng.choice(["\n", ""])
        assert_read_alike(text, indent)
        plain += read_items(text, "f", first_line=1, indent=indent) is not UNCLEAN
    assert plain > 1000  # the strict path is what is tested here
