"""Safe YAML reading: strings stay strings, hostile files are refused, lines are kept."""

from __future__ import annotations

import gc
import time
import tracemalloc
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from introducer.book.yamlsafe import (
    MAX_DEPTH,
    LineList,
    LineMap,
    YamlDocument,
    parse_yaml,
    read_yaml,
    shown,
)
from introducer.errors import BookError, Problem

BILLION_LAUGHS = b"""\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


def parse(text: str) -> YamlDocument:
    return parse_yaml(text.encode("utf-8"), "book.yaml")


def refused(data: str | bytes) -> list[Problem]:
    """The problems that stop `data` from being read at all."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    with pytest.raises(BookError) as caught:
        parse_yaml(raw, "book.yaml")
    return list(caught.value.problems)


def only_problem(data: str | bytes) -> Problem:
    problems = refused(data)
    assert len(problems) == 1, problems
    return problems[0]


# ── scalars ──────────────────────────────────────────────────────────────────

def test_scalars_stay_exactly_as_written() -> None:
    root = parse(
        "country: NO\nzip: 01234\nwhen: 2026-10-02\nflag: yes\nratio: 1.50\n"
        "octal: 0o17\ninf: .inf\nword: null\ntime: 12:30\n"
    ).root
    assert root == {
        "country": "NO", "zip": "01234", "when": "2026-10-02", "flag": "yes",
        "ratio": "1.50", "octal": "0o17", "inf": ".inf", "word": "null", "time": "12:30",
    }


def test_plain_empty_and_tilde_are_none_but_quoted_ones_are_text() -> None:
    root = parse("a:\nb: ~\nc: ''\nd: \"~\"\ne: [~, '', x]\n").root
    assert root == {"a": None, "b": None, "c": "", "d": "~", "e": [None, "", "x"]}


def test_core_tags_are_accepted_and_still_give_text() -> None:
    root = parse("a: !!str 123\nb: !!int 7\nc: !!null ''\nd: !!seq [x]\ne: !!map {k: v}\n").root
    assert root == {"a": "123", "b": "7", "c": None, "d": ["x"], "e": {"k": "v"}}


def test_block_scalars_keep_their_text() -> None:
    assert parse("notes: |\n  line one\n  line two\n").root == {"notes": "line one\nline two\n"}


# ── line numbers ─────────────────────────────────────────────────────────────

def test_every_mapping_list_key_and_item_knows_its_line() -> None:
    root = parse(
        "# a comment\n"
        "contacts:\n"
        "  - name: Maria\n"
        "    hobbies:\n"
        "      - sailing\n"
        "      - chess\n"
        "  - name: Tom\n"
        "    clients: [a, b]\n"
    ).root
    assert isinstance(root, LineMap)
    assert root.key_lines == {"contacts": 2}
    contacts = root["contacts"]
    assert isinstance(contacts, LineList)
    assert contacts.item_lines == [3, 7]
    maria, tom = contacts
    assert (maria.line, maria.key_lines) == (3, {"name": 3, "hobbies": 4})
    assert maria["hobbies"].item_lines == [5, 6]
    assert (tom.line, tom.key_lines) == (7, {"name": 7, "clients": 8})
    assert tom["clients"].line == 8


# ── duplicate keys, tags, keys ───────────────────────────────────────────────

def test_duplicate_keys_are_reported_with_both_lines_and_parsing_goes_on() -> None:
    document = parse("a: 1\nb: 2\na: 3\nc:\n  x: 1\n  x: 2\n")
    assert [(p.line, p.message) for p in document.problems] == [
        (3, "duplicate key 'a' (first at line 1)"),
        (6, "duplicate key 'x' (first at line 5)"),
    ]
    assert document.root["b"] == "2"


@pytest.mark.parametrize(
    "hostile",
    [
        'a: !!python/object/apply:os.system ["echo pwned"]\n',
        "a: !!python/name:os.system\n",
        "a: !!python/object:os.system {cmd: echo pwned}\n",
    ],
)
def test_python_tags_are_refused_naming_the_line_but_not_the_input(hostile: str) -> None:
    document = parse("ok: yes\n" + hostile)
    assert [p.line for p in document.problems] == [2]
    message = document.problems[0].message
    assert "Python tags are not allowed" in message
    assert "os" not in message and "pwned" not in message


def test_any_other_tag_is_refused() -> None:
    document = parse("a: !foo bar\nb: !<tag:example.com,2000:x> [1]\nc: !!binary aGk=\n")
    assert [p.line for p in document.problems] == [1, 2, 3]
    assert all("tags other than the core ones" in p.message for p in document.problems)


def test_a_key_must_be_plain_text() -> None:
    problem = only_problem("? [a, b]\n: c\n")
    assert (problem.line, problem.message) == (1, "a key must be plain text, not a list or mapping")
    assert "not empty" in only_problem("~: value\n").message


# ── anchors and aliases ──────────────────────────────────────────────────────

def test_aliases_share_the_anchored_value() -> None:
    root = parse("base: &tags [sailing, chess]\nmaria: *tags\ntom: *tags\n").root
    assert root["maria"] == ["sailing", "chess"]
    assert root["tom"] is root["base"]


def test_merge_keys_fill_in_missing_keys_from_the_anchor() -> None:
    root = parse(
        "defaults: &d\n  business: accountant\n  hobbies: [golf]\n"
        "contact:\n  <<: *d\n  business: bookkeeper\n"
    ).root
    assert root["contact"] == {"business": "bookkeeper", "hobbies": ["golf"]}
    assert root["contact"].key_lines == {"business": 6, "hobbies": 3}


@pytest.mark.parametrize("key", ["'<<'", '"<<"', "!!str <<"])
def test_a_quoted_or_tagged_merge_key_is_an_ordinary_key(key: str) -> None:
    """Only a plain `<<` merges (as PyYAML reads it); quoted or tagged, it is a key like
    any other, which a contact then reports as unknown rather than losing silently."""
    text = f"d: &d {{a: 1}}\nplain: {{<<: *d}}\nkept: {{{key}: *d}}\nempty: {{{key}: []}}\n"
    root = parse(text).root
    assert root["plain"] == {"a": "1"}
    assert root["kept"] == {"<<": {"a": "1"}} and root["empty"] == {"<<": []}
    assert yaml.safe_load(text)["kept"] == {"<<": {"a": 1}}


def test_merging_something_that_is_not_a_mapping_is_refused() -> None:
    assert "merges only mappings" in only_problem("a: &x [1]\nb:\n  <<: *x\n").message


def test_billion_laughs_is_refused_at_once_without_growing_memory() -> None:
    assert len(BILLION_LAUGHS) == 342
    tracemalloc.start()
    started = time.perf_counter()
    problem = only_problem(BILLION_LAUGHS)
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert "aliases expand to too many values" in problem.message
    assert problem.line is not None and problem.line <= 9
    assert elapsed < 0.5
    assert peak < 2_000_000


def test_a_modest_number_of_aliases_is_fine() -> None:
    lines = ["tags: &t [a, b, c]", "people:"] + ["  - *t"] * 2000
    assert len(parse("\n".join(lines)).root["people"]) == 2000


@pytest.mark.parametrize(
    "text", ["a: &a [*a]\n", "a: &m {x: *m}\n", "a: &o\n  - b: &i [*o]\n"]
)
def test_recursive_aliases_are_refused(text: str) -> None:
    assert "recursive aliases are not allowed" in only_problem(text).message


def test_an_alias_to_an_unknown_anchor_is_refused() -> None:
    problem = only_problem("a: 1\nb: *nowhere\n")
    assert problem.line == 2
    assert problem.message == "alias to an anchor that is not defined before it"


# ── broken files ─────────────────────────────────────────────────────────────

def test_syntax_errors_carry_libyamls_reason_and_line() -> None:
    problem = only_problem("contacts:\n  - name: Bob\n    hobbies: [chess\n")
    assert problem.line == 4
    assert problem.message.startswith("YAML syntax error: did not find expected ',' or ']'")
    assert "started at line 3" in problem.message


def test_bad_indentation_is_a_syntax_error() -> None:
    problem = only_problem("a: b\n c: d\n")
    assert (problem.line, problem.message) == (
        2, "YAML syntax error: mapping values are not allowed in this context"
    )


def test_non_utf8_bytes_are_refused_with_their_line() -> None:
    problem = only_problem(b"a: b\nc: d\nname: Zo\xeb\n")
    assert problem.line == 3
    assert "not UTF-8" in problem.message and "0xeb" in problem.message


def test_a_utf8_byte_order_mark_is_fine() -> None:
    assert parse_yaml(b"\xef\xbb\xbfname: Zo\xc3\xab\n", "b.yaml").root == {"name": "Zoë"}


def test_control_characters_are_refused_with_their_line() -> None:
    problem = only_problem(b"a: b\nc: \x07\n")
    assert problem.line == 2
    assert "#x0007" in problem.message


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n", "---\n...\n"])
def test_an_empty_file_is_none_for_the_loader_to_judge(text: str) -> None:
    assert parse(text) == YamlDocument(None, ())


def test_more_than_one_document_is_refused() -> None:
    problem = only_problem("a: 1\n---\nb: 2\n")
    assert problem.line == 2 and "more than one YAML document" in problem.message


def test_deep_nesting_is_refused_without_recursion() -> None:
    depth = MAX_DEPTH + 5
    assert "levels deep" in only_problem("[" * depth + "]" * depth).message
    node = parse("[" * 50 + "]" * 50).root
    for _ in range(49):
        assert isinstance(node, LineList) and len(node) == 1
        node = node[0]
    assert node == []


def test_problems_found_before_a_fatal_one_are_kept() -> None:
    problems = refused("a: 1\na: 2\nb: [\n")
    assert [p.message.split(":")[0] for p in problems] == ["duplicate key 'a' (first at line 1)",
                                                           "YAML syntax error"]


# ── files ────────────────────────────────────────────────────────────────────

def test_a_missing_file_is_a_problem_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "nope.yaml"
    with pytest.raises(BookError) as caught:
        read_yaml(path)
    assert str(caught.value) == f"{path}: no such file"


def test_a_directory_is_a_problem(tmp_path: Path) -> None:
    with pytest.raises(BookError, match="is a directory"):
        read_yaml(tmp_path)


def test_read_yaml_labels_problems_with_the_path_as_given(tmp_path: Path) -> None:
    (tmp_path / "book.yaml").write_text("a: 1\na: 2\n", encoding="utf-8")
    document = read_yaml(Path("book.yaml"))  # the test runs inside tmp_path
    assert [str(p) for p in document.problems] == [
        "book.yaml:2: duplicate key 'a' (first at line 1)"
    ]


# ── the machinery ────────────────────────────────────────────────────────────

def test_garbage_collection_is_back_on_after_success_and_failure() -> None:
    assert gc.isenabled()
    parse("a: 1\n")
    assert gc.isenabled()
    refused("a: [\n")
    assert gc.isenabled()


def test_the_pure_python_parser_gives_the_same_result(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "a: &x [NO, ~, '']\nb:\n  - *x\n  - {c: 01, d: !!str 2}\nb2: 1\nb2: 2\n"
    fast = parse(text)
    monkeypatch.setattr(yaml, "__with_libyaml__", False)
    slow = parse(text)
    assert slow.root == fast.root
    assert slow.root["b"].item_lines == fast.root["b"].item_lines == [3, 4]
    assert slow.problems == fast.problems


def test_shown_cuts_and_escapes_what_it_echoes() -> None:
    assert shown("x" * 500) == repr("x" * 39 + "…")
    assert shown("\x1b[31mred") == "'\\x1b[31mred'"
    assert (shown(None), shown({}), shown([1])) == ("an empty value", "a mapping", "a list")


# ── properties ───────────────────────────────────────────────────────────────

# PyYAML's emitter folds NEL / LS / PS inside quoted text into spaces, so they cannot round-trip.
TEXT = st.text(
    st.characters(exclude_categories=["Cs"], exclude_characters="\x85\u2028\u2029"), max_size=12
)
TREES = st.recursive(
    TEXT,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(TEXT, children, max_size=4),
    max_leaves=20,
)


@settings(max_examples=200)
@given(TREES)
def test_what_safe_dump_writes_reads_back_the_same(tree: Any) -> None:
    text = yaml.safe_dump({"root": tree}, allow_unicode=True)
    assert parse(text).root == {"root": tree}


@settings(max_examples=300)
@given(st.binary(max_size=200))
def test_arbitrary_bytes_never_raise_anything_but_book_error(data: bytes) -> None:
    try:
        document = parse_yaml(data, "fuzz.yaml")
    except BookError as error:
        assert error.problems and all(p.file == "fuzz.yaml" for p in error.problems)
    else:
        assert isinstance(document, YamlDocument)


YAMLISH = st.lists(
    st.sampled_from(
        ["a: ", "- ", "  ", "&x ", "*x ", "<<: ", "!!python/x ", "!t ", "[", "]", "{", "}",
         ", ", "? ", ": ", "'q'", '"d"', "|\n", "~", "b", "\n", "---\n", "#c\n"]
    ),
    max_size=30,
).map("".join)


@settings(max_examples=500)
@given(YAMLISH)
def test_yaml_like_text_never_raises_anything_but_book_error(text: str) -> None:
    try:
        parse(text)
    except BookError as error:
        assert all(isinstance(p.message, str) and p.message for p in error.problems)
