"""Loading the book: valid books become models; every problem is found, located and clear."""

from __future__ import annotations

import datetime as dt
import string
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from introducer.book.load import load_book
from introducer.book.model import Book
from introducer.errors import BookError, Problem

GOOD_BOOK = """\
me:
  name: Ana Ortiz
  email: ana@example.com
settings:
  weekly_goal: 3
  weights: {wants: 6}
  aliases: {realtor: real estate agent}
contacts:
  - name: Maria Lopez
    business: divorce mediator
    clients: [divorcing couples, blended families]
    events:
      - relocation
      - {event: new baby, date: 2026-09-01}
    networker: active
    closeness: 4
    last_contact: 2026-10-02
  - name: Tom Reed
    id: tom
    hobbies: sailing, chess
    introduce: no
"""


def write(text: str, name: str = "contacts.yaml") -> Path:
    """Write a book into the test's working folder and return it as a relative path."""
    path = Path(name)
    path.write_text(text, encoding="utf-8")
    return path


def contacts_book(*contacts: str) -> str:
    """A book whose contacts are given as YAML blocks (each starting `name: ...`)."""
    blocks = ["contacts:"]
    for contact in contacts:
        lines = contact.strip("\n").splitlines()
        blocks.append("  - " + lines[0])
        blocks.extend("    " + line for line in lines[1:])
    return "\n".join(blocks) + "\n"


def problems_of(text: str) -> list[Problem]:
    with pytest.raises(BookError) as caught:
        load_book(write(text))
    return list(caught.value.problems)


def lines_of(text: str) -> list[str]:
    return [str(p) for p in problems_of(text)]


# ── a good book ──────────────────────────────────────────────────────────────

def test_a_good_book_becomes_models_with_their_lines() -> None:
    book = load_book(write(GOOD_BOOK))
    assert book.path == Path("contacts.yaml")
    assert (book.me.name, book.settings.weekly_goal, book.settings.weights.wants) == (
        "Ana Ortiz", 3, 6.0
    )
    assert book.settings.aliases == {"realtor": "real estate agent"}
    maria, tom = book.contacts
    assert (maria.id, maria.closeness, maria.networker) == ("maria-lopez", 4, "active")
    assert maria.last_contact == dt.date(2026, 10, 2)
    assert [(e.event, e.date) for e in maria.events] == [
        ("relocation", None), ("new baby", dt.date(2026, 9, 1))
    ]
    assert (tom.id, tom.hobbies, tom.introduce) == ("tom", ["sailing", "chess"], False)
    assert book.contact_lines == (9, 18)
    assert book.field_lines[0]["last_contact"] == 17
    assert book.line_of(1, "hobbies") == 20


def test_the_book_is_only_read(tmp_path: Path) -> None:
    path = write(GOOD_BOOK)
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    load_book(path)
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["contacts.yaml"]


def test_a_book_without_contacts_is_an_empty_book() -> None:
    book = load_book(write("me: {name: Ana}\n"))
    assert book.contacts == () and book.settings.weekly_goal == 5


def test_norway_and_zip_codes_stay_text() -> None:
    book = load_book(write(contacts_book(
        "name: NO\ncompany: 01234\nhobbies: [yes, no, on, off, 1e3]\nnotes: 0x1F\nintroduce: NO"
    )))
    contact = book.contacts[0]
    assert (contact.name, contact.company, contact.notes) == ("NO", "01234", "0x1F")
    assert contact.hobbies == ["yes", "no", "on", "off", "1e3"]
    assert contact.introduce is False


def test_anchors_and_merge_keys_work_in_a_book() -> None:
    book = load_book(write(
        "contacts:\n"
        "  - &maria\n    name: Maria\n    hobbies: &h [sailing]\n"
        "  - <<: *maria\n    name: Maria Two\n    clients: *h\n"
    ))
    assert [(c.id, c.hobbies, c.clients) for c in book.contacts] == [
        ("maria", ["sailing"], []), ("maria-two", ["sailing"], ["sailing"])
    ]


# ── one message per problem, in the SPEC's format ────────────────────────────

def test_unknown_field_message_matches_the_spec() -> None:
    text = contacts_book("name: Maria", "name: Bob Smith\nhobbys: [chess]")
    assert lines_of(text) == [
        "contacts.yaml:4: contact \"Bob Smith\": unknown field 'hobbys' (did you mean 'hobbies'?)"
    ]
    (problem,) = problems_of(text)
    assert (problem.file, problem.line, problem.contact) == ("contacts.yaml", 4, "Bob Smith")


def test_unknown_field_without_a_close_match_points_to_notes() -> None:
    assert lines_of(contacts_book("name: Bob\nshoe_size: 42")) == [
        "contacts.yaml:3: contact \"Bob\": unknown field 'shoe_size' "
        "(anything else can go in 'notes:')"
    ]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("last_contact", "2026-13-01", "last_contact: '2026-13-01' is not a date (use YYYY-MM-DD)"),
        ("last_contact", "1700000000", "last_contact: '1700000000' is not a date (use YYYY-MM-DD)"),
        ("last_contact", "0", "last_contact: '0' is not a date (use YYYY-MM-DD)"),
        ("last_contact", "2026-10-02T09:00:00",
         "last_contact: '2026-10-02T09:00:00' is not a date (use YYYY-MM-DD)"),
        ("last_contact", "2026-02-30", "last_contact: '2026-02-30' is not a date (use YYYY-MM-DD)"),
        ("closeness", "7", "closeness: '7' is out of range; use 1 to 5"),
        ("closeness", "0", "closeness: '0' is out of range; use 1 to 5"),
        ("closeness", "close", "closeness: 'close' is not a whole number"),
        ("networker", "activ",
         "networker: 'activ' is not one of: active, passive; did you mean 'active'?"),
        ("networker", "always", "networker: 'always' is not one of: active, passive"),
        ("introduce", "maybe", "introduce: 'maybe' is not true or false"),
        ("hobbies", "{a: b}",
         "hobbies: must be a list (or text separated by commas), not a mapping"),
        ("email", "[a, b]", "email: must be text, not a list"),
        ("clients", "[a, [b], ~, '']", "clients #2: must be text, not a list"),
        ("network", "[referal]", "network #1: 'referal' is not one of: information, support, "
                                 "referral; did you mean 'referral'?"),
        ("network", '"referral, gossip"', "network #2: 'gossip' is not one of: information, "
                                          "support, referral"),
        ("id", "bob smith", "id: an id may not contain spaces or control characters "
                            "(got 'bob smith')"),
        ("events", "[[x]]", "events #1: must be a name or a mapping with 'event:' and 'date:', "
                            "not a list"),
    ],
)
def test_each_bad_value_gets_one_clear_line(field: str, value: str, message: str) -> None:
    problems = problems_of(contacts_book(f"name: Bob\n{field}: {value}"))
    assert problems[0] == Problem("contacts.yaml", 3, message, "Bob")


def test_every_bad_item_of_a_list_is_reported() -> None:
    problems = problems_of(contacts_book("name: Bob\nclients: [a, [b], ~, '']"))
    messages = [p.message for p in problems]
    assert messages == ["clients #2: must be text, not a list", "clients #3: is empty",
                        "clients #4: is empty"]


def test_nested_problems_point_at_their_own_line() -> None:
    text = contacts_book(
        "name: Bob\nevents:\n  - relocation\n  - event: new baby\n    date: 2026-13-40\n    when: x"
    )
    assert lines_of(text) == [
        "contacts.yaml:6: contact \"Bob\": events #2.date: '2026-13-40' is not a date "
        "(use YYYY-MM-DD)",
        "contacts.yaml:7: contact \"Bob\": events #2: unknown field 'when' (allowed: event, date)",
    ]


def test_a_contact_without_a_name_is_called_by_its_number() -> None:
    (problem,) = problems_of(contacts_book("name: Ana", "email: bob@example.com\nclients: [x]"))
    assert str(problem) == "contacts.yaml:3: contact #2: missing required field 'name'"
    assert problem.contact is None


def test_a_contact_that_is_not_a_mapping_is_called_by_its_number() -> None:
    assert lines_of("contacts:\n  - name: Ana\n  - Bob Smith\n") == [
        "contacts.yaml:3: contact #2: must be a mapping starting with 'name:', not text"
    ]


def test_duplicate_ids_name_both_lines_and_suggest_an_explicit_id() -> None:
    text = contacts_book("name: Bob Smith", "name: Ana", "name: bob  smith")
    (problem,) = problems_of(text)
    assert problem.line == 4 and problem.contact == "bob  smith"
    assert problem.message == (
        "duplicate id 'bob-smith' (made from the name): contact \"Bob Smith\" at line 2 has it "
        "too; give one of them an explicit, different 'id:'"
    )


def test_an_invalid_contact_still_clashes_with_a_duplicate_id() -> None:
    text = contacts_book("name: Bob Smith\nhobbys: [chess]", "name: Bob Smith")
    problems = problems_of(text)
    assert [(p.line, p.message.split(":")[0]) for p in problems] == [
        (3, "unknown field 'hobbys' (did you mean 'hobbies'?)"),
        (4, "duplicate id 'bob-smith' (made from the name)"),
    ]


def test_explicit_ids_that_differ_only_in_case_are_duplicates() -> None:
    (problem,) = problems_of(contacts_book("name: Bob\nid: BOB", "name: Robert\nid: bob"))
    assert problem.line == 5 and problem.message.startswith("duplicate id 'bob': ")


def test_duplicate_keys_are_reported_with_the_other_problems() -> None:
    problems = problems_of(contacts_book("name: Bob\nclients: [a]\nclients: [b]\nclosness: 3"))
    assert [(p.line, p.contact, p.message) for p in problems] == [
        (4, "Bob", "duplicate key 'clients' (first at line 3)"),
        (5, "Bob", "unknown field 'closness' (did you mean 'closeness'?)"),
    ]


def test_yaml_problems_are_put_on_the_contact_they_are_in_and_no_other() -> None:
    text = (
        "contacts:\n  - name: Ana\n  - email: x@y.z\n    email: z@y.x\n    name: Bo\n"
        "settings:\n  weekly_goal: 1\n  weekly_goal: 2\n"
    )
    assert lines_of(text) == [
        "contacts.yaml:4: contact \"Bo\": duplicate key 'email' (first at line 3)",
        "contacts.yaml:8: duplicate key 'weekly_goal' (first at line 7)",
    ]
    assert lines_of("contacts:\n  - email: x\n    email: y\n") == [
        "contacts.yaml:2: contact #1: missing required field 'name'",
        "contacts.yaml:3: contact #1: duplicate key 'email' (first at line 2)",
    ]


# ── the rest of the book ─────────────────────────────────────────────────────

def test_settings_weights_me_and_top_level_keys_get_did_you_mean() -> None:
    text = (
        "me:\n  mail: a@b.c\n"
        "settings:\n  weekly_goals: 3\n  weights:\n    want: 2\n    wants: lots\n"
        "  follow_up_days: 0\n"
        "contact:\n  - name: Bob\n"
    )
    assert lines_of(text) == [
        "contacts.yaml:2: me: unknown field 'mail' (did you mean 'email'?)",
        "contacts.yaml:4: unknown setting 'weekly_goals' (did you mean 'weekly_goal'?)",
        "contacts.yaml:6: unknown weight 'want' (did you mean 'wants'?)",
        "contacts.yaml:7: settings.weights.wants: 'lots' is not a number",
        "contacts.yaml:8: settings.follow_up_days: '0' is out of range; use 1 to 3650",
        "contacts.yaml:9: unknown top-level key 'contact' (did you mean 'contacts'?)",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("contacts:\n  name: Bob\n", "contacts.yaml:1: 'contacts' must be a list of contacts, "
                                     "each starting with '- name:', not a mapping"),
        ("settings: [a]\n",
         "contacts.yaml:1: 'settings' must be a mapping (key: value), not a list"),
        ("me: Ana\n", "contacts.yaml:1: 'me' must be a mapping (key: value), not text"),
        ("- name: Bob\n", "contacts.yaml:1: the book must be a mapping with 'contacts:' (and "
                          "optionally 'me:' and 'settings:') at the top, not a list"),
        ("just words\n", "contacts.yaml:1: the book must be a mapping with 'contacts:' (and "
                         "optionally 'me:' and 'settings:') at the top, not text"),
        ("", "contacts.yaml:1: the book is empty; it needs at least 'contacts:' "
             "(`introducer init` writes a starter book)"),
        ("# nothing yet\n---\n", "contacts.yaml:1: the book is empty; it needs at least "
                                  "'contacts:' (`introducer init` writes a starter book)"),
        ("contacts: [\n", "contacts.yaml:2: YAML syntax error: did not find expected node content "
                          "(while parsing a flow node started at line 2)"),
    ],
)
def test_a_book_of_the_wrong_shape_says_what_shape_it_needs(text: str, expected: str) -> None:
    assert lines_of(text) == [expected]


def test_files_that_cannot_be_read(tmp_path: Path) -> None:
    with pytest.raises(BookError, match=r"^missing\.yaml: no such file$"):
        load_book(Path("missing.yaml"))
    with pytest.raises(BookError, match="is a directory"):
        load_book(tmp_path)
    Path("latin1.yaml").write_bytes(b"contacts:\n  - name: Zo\xeb\n")
    with pytest.raises(BookError, match=r"^latin1\.yaml:2: is not UTF-8 text"):
        load_book(Path("latin1.yaml"))


def test_every_problem_is_reported_at_once_in_file_order() -> None:
    text = (
        "settings:\n  weekly_goal: many\n"
        "contacts:\n"
        "  - name: Ana\n    closeness: 9\n"
        "  - name: Bob\n    hobbys: [x]\n    last_contact: yesterday\n"
        "  - email: nobody@example.com\n"
        "  - name: Cy\n    python: !!python/object/apply:os.system [ls]\n"
        "  - name: Dee\n    networker: loud\n"
    )
    problems = problems_of(text)
    assert [(p.line, p.contact) for p in problems] == [
        (2, None), (5, "Ana"), (7, "Bob"), (8, "Bob"), (9, None), (11, "Cy"), (11, "Cy"),
        (13, "Dee"),
    ]
    assert all(p.severity == "error" for p in problems)


def test_hostile_values_are_cut_short_and_escaped() -> None:
    long_name = "A" * 700  # the longest a name may be is 720 octets (book/names.py)
    text = contacts_book(f"name: {long_name}\nnetworker: \"\\e[31m{'x' * 5000}\"")
    (problem,) = problems_of(text)
    assert len(str(problem)) < 200
    assert "\x1b" not in str(problem) and "\\x1b" in str(problem)
    assert problem.contact is not None and len(problem.contact) <= 40


def test_control_characters_in_a_name_are_escaped_in_the_label() -> None:
    problems = problems_of(contacts_book('name: "Bob\\u0007\\u001b[2J"\nclosness: 1'))
    assert [p.contact for p in problems] == ["Bob\\x07\\x1b[2J"] * 2
    assert "name: 'Bob\\x07\\x1b[2J' contains a control character" in str(problems[0])


# ── properties ───────────────────────────────────────────────────────────────

WORD = st.text(
    st.characters(categories=("L", "N", "P", "S"), exclude_characters=","), min_size=1, max_size=12
)
PHRASE = st.lists(WORD, min_size=1, max_size=3).map(" ".join)
SLUG = st.text(string.ascii_lowercase + string.digits + "-", min_size=1, max_size=16)


@st.composite
def generated_books(draw: st.DrawFn) -> list[dict[str, Any]]:
    ids = draw(st.lists(SLUG, max_size=8, unique_by=str.casefold))
    return [
        {
            "name": draw(PHRASE),
            "id": contact_id,
            "clients": draw(st.lists(PHRASE, max_size=3)),
            "hobbies": draw(st.lists(PHRASE, max_size=3)),
            "groups": draw(st.lists(PHRASE, max_size=2)),
        }
        for contact_id in ids
    ]


@settings(max_examples=100, suppress_health_check=[HealthCheck.too_slow])
@given(generated_books())
def test_books_written_by_safe_dump_load_back_the_same(contacts: list[dict[str, Any]]) -> None:
    path = write(yaml.safe_dump({"contacts": contacts}, allow_unicode=True, sort_keys=False))
    book: Book = load_book(path)
    assert [
        {"name": c.name, "id": c.id, "clients": c.clients, "hobbies": c.hobbies,
         "groups": c.groups}
        for c in book.contacts
    ] == contacts
    assert len(book.contact_lines) == len(contacts)
    assert list(book.contact_lines) == sorted(book.contact_lines)


@settings(max_examples=300)
@given(st.binary(max_size=300))
def test_arbitrary_bytes_load_or_raise_book_error_only(data: bytes) -> None:
    path = Path("fuzz.yaml")
    path.write_bytes(data)
    try:
        load_book(path)
    except BookError as error:
        assert error.problems
        assert all(p.file == "fuzz.yaml" for p in error.problems)


BOOKISH = st.lists(
    st.sampled_from(
        ["contacts:\n", "  - ", "name: Bob\n", "    ", "clients: ", "[a, b]", "{x: y}", "\n",
         "closeness: 9\n", "id: &a bob\n", "avoid: *a\n", "<<: {}\n", "settings:\n",
         "  weights: ", "me: ", "~\n", "events: [{date: x}]\n", "!!python/x ", "- ", "? "]
    ),
    max_size=25,
).map("".join)


@settings(max_examples=500)
@given(BOOKISH)
def test_book_like_text_loads_or_raises_book_error_only(text: str) -> None:
    try:
        load_book(write(text))
    except BookError as error:
        assert all(p.message for p in error.problems)
