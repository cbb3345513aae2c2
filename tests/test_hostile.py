"""Hostile books, odd files and odd command lines: one clear message, never a mess.

Regression tests for what a break-it session found; each names what used to go wrong.
"""

from __future__ import annotations

import csv
import io
import os
import sys
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len
from typer.testing import CliRunner

from introducer.book.knowledge import TriggerEvents, names_a_person
from introducer.book.load import load_book
from introducer.book.locate import find_book
from introducer.book.normalise import fold_text, is_kind_of, tokens
from introducer.cli.app import app
from introducer.cli.console import no_color_requested, printable
from introducer.cli.render import _plain_table
from introducer.errors import BookError, IntroducerError
from tests.conftest import BookWriter

runner = CliRunner()


def invoke(*args: str | Path) -> tuple[int, str, str]:
    result = runner.invoke(app, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


def write(text: str, name: str = "contacts.yaml") -> Path:
    path = Path(name)
    path.write_text(text, encoding="utf-8")
    return path


PAIR = [
    {"name": "Ann Lee", "business": "divorce mediator", "clients": ["divorcing couples"]},
    {"name": "Tom Reed", "business": "matrimonial attorney", "clients": ["divorcing couples"]},
]


# ── control characters and markup in the book ────────────────────────────────

def test_escape_codes_in_a_book_are_refused_with_file_line_and_contact() -> None:
    # Used to load, then reach the terminal raw: `\e]0;...\a` retitled the window.
    book = write('contacts:\n  - name: Ann\n    clients: ["dentists\\e]0;pwned\\a"]\n')
    with pytest.raises(BookError) as caught:
        load_book(book)
    (problem,) = caught.value.problems
    assert str(problem) == (
        "contacts.yaml:3: contact \"Ann\": clients #1: 'dentists\\x1b]0;pwned\\x07' contains a "
        "control character (such as a terminal escape code); remove it"
    )


def test_line_breaks_and_tabs_in_a_name_fold_to_spaces_but_notes_keep_them() -> None:
    book = load_book(write(
        'contacts:\n  - name: "Ann\\nLee\\t"\n    business: "divorce\\r\\nmediator"\n'
        '    notes: "line one\\nline two"\n'
    ))
    (contact,) = book.contacts
    assert (contact.name, contact.business) == ("Ann Lee", "divorce mediator")
    assert contact.notes == "line one\nline two"


def test_escape_codes_in_notes_are_refused() -> None:
    with pytest.raises(BookError, match=r"notes: 'x\\x1b\[2J' contains a control character"):
        load_book(write('contacts:\n  - name: Ann\n    notes: "x\\e[2J"\n'))


@pytest.mark.parametrize("output", ["table", "csv", "markdown", "json"])
def test_rich_markup_in_names_is_shown_as_written(write_book: BookWriter, output: str) -> None:
    contacts = [dict(PAIR[0], name="[bold red]Ann[/] Lee"), dict(PAIR[1], name="Tom [link=x]R")]
    book = write_book(contacts)
    code, out, err = invoke("--book", book, "suggest", "--format", output)
    assert code == 0, err
    assert "[bold red]Ann[/] Lee" in out and "Tom [link=x]R" in out
    assert "\x1b" not in out


def test_printable_escapes_controls_and_bidi_overrides_but_not_emoji() -> None:
    assert printable("a\x1b[31mb\x07") == "a\\x1b[31mb\\x07"
    assert printable("evil\u202etxt.exe") == "evil\\u202etxt.exe"
    assert printable("👩\u200d💼 Zoë Ødegaard") == "👩\u200d💼 Zoë Ødegaard"
    assert printable("two\nlines", keep="\n") == "two\nlines"


def test_plain_table_aligns_wide_letters_by_terminal_cells() -> None:
    table = _plain_table(["name", "x"], [["김민준", "1"], ["Ann", "2"]], numeric=())
    first, second = table.splitlines()[1:]
    assert cell_len(first[: first.index("1")]) == second.index("2")  # 김민준 takes 6 cells


# Latin with accents and combining marks, Greek, Cyrillic, CJK, emoji and their joiners:
# the letters measured without rich and those it is asked about, mixed.
_NAME_LETTERS = st.sampled_from(
    [*"Zoë Ødegaard Ἀθηνᾶ Жанна Ñuñez", "\u0301", "\u00ad", "\u0483", "ǅ", "ʰ", "ϴ",
     *"김민준王芳", "👩", "\u200d", "💼", "\ufe0f", "❤", "\u2500", "ａ"])


def _padded_as_rich_pads(name: str) -> bool:
    table = _plain_table(["name", "x"], [[name, "1"], ["Ann", "2"]], numeric=())
    width = max(4, cell_len(name), 3)
    return table.splitlines()[1:] == [f"{name}{' ' * (width - cell_len(name))}  1",
                                      f"Ann{' ' * (width - 3)}  2"]


def test_every_letter_up_to_armenian_is_measured_as_rich_does() -> None:
    """Around the one-cell ranges' edges (the soft hyphen, combining accents, Cyrillic's
    combining marks), letter by letter."""
    letters = [chr(c) for c in range(0xA0, 0x590) if unicodedata.category(chr(c)) != "Cn"]
    assert [c for c in letters if not _padded_as_rich_pads(f"a{c}b")] == []


@given(st.lists(_NAME_LETTERS, max_size=12).map("".join))
def test_a_plain_table_measures_every_name_as_rich_does(name: str) -> None:
    """The one-cell letters are measured without rich; every name is still padded to the
    column by the terminal cells rich counts in it (rich draws the same table for a
    terminal)."""
    assert _padded_as_rich_pads(name)


# ── problems: one per mistake, and not ten thousand of them ──────────────────

def test_a_misspelt_required_field_is_one_problem_not_two() -> None:
    # Used to say both "missing required field 'name'" and "unknown field 'nam'".
    with pytest.raises(BookError) as caught:
        load_book(write("contacts:\n  - nam: Ann\n    clients: [x]\n"))
    assert [str(p) for p in caught.value.problems] == [
        "contacts.yaml:2: contact #1: unknown field 'nam' (did you mean 'name'?)"
    ]


def test_a_misspelt_event_key_is_one_problem() -> None:
    with pytest.raises(BookError) as caught:
        load_book(write("contacts:\n  - name: Ann\n    events: [{evnt: divorce}]\n"))
    assert [p.message for p in caught.value.problems] == [
        "events #1: unknown field 'evnt' (did you mean 'event'?)"
    ]


def test_thousands_of_problems_are_cut_short_except_by_check() -> None:
    write("contacts:\n" + "  - name: Bob Smith\n" * 50)
    code, out, err = invoke("suggest")
    assert code == 1 and out == ""
    lines = err.splitlines()
    assert len(lines) == 11
    assert lines[-1] == "… and 39 more problems; `introducer check` lists them all"
    code, out, _ = invoke("check")
    assert code == 1 and len(out.splitlines()) == 49


def test_check_counts_one_contact_in_the_singular(write_book: BookWriter) -> None:
    book = write_book(PAIR[:1])
    _, _, err = invoke("--book", book, "check")
    assert "1 contact," in err


def test_a_tab_in_the_indentation_is_named_as_such() -> None:
    with pytest.raises(BookError) as caught:
        load_book(write("contacts:\n  - name: Ann\n\tclients: [x]\n"))
    (problem,) = caught.value.problems
    assert problem.line == 3
    assert "tab character" in problem.message and "spaces" in problem.message


def test_a_syntax_error_names_the_contact_it_is_in() -> None:
    # Errors found before the document is built used to name no contact at all.
    text = ("contacts:\n  - name: Ann\n    clients: [x]\n  - id: bob\n    name: \"Bob Smith\""
            "  # note\n    hobbies: [a]\n\tgroups: [x]\n")
    with pytest.raises(BookError) as caught:
        load_book(write(text))
    assert [(p.line, p.contact) for p in caught.value.problems] == [(7, "Bob Smith")]
    with pytest.raises(BookError) as caught:
        load_book(write("contacts:\n- name: Cy\n  hobbies: [a\n"))
    assert [p.contact for p in caught.value.problems] == ["Cy"]  # unclosed: at the end


def test_a_syntax_error_outside_the_contacts_names_no_contact() -> None:
    with pytest.raises(BookError) as caught:
        load_book(write("contacts:\n  - name: Ann\nsettings:\n\tweights: {}\n"))
    assert [(p.line, p.contact) for p in caught.value.problems] == [(4, None)]


def test_a_utf16_file_is_named_as_such() -> None:
    path = Path("contacts.yaml")
    path.write_text("contacts: []\n", encoding="utf-16")
    with pytest.raises(BookError, match="is UTF-16 text; save it as UTF-8"):
        load_book(path)


# ── files that are not plain files ───────────────────────────────────────────

@pytest.mark.skipif(sys.platform == "win32", reason="symbolic links and FIFOs")
def test_links_that_lead_nowhere_say_so(tmp_path: Path) -> None:
    (tmp_path / "loop-a").symlink_to("loop-b")
    (tmp_path / "loop-b").symlink_to("loop-a")
    (tmp_path / "dangling").symlink_to("gone.yaml")
    with pytest.raises(IntroducerError, match="symbolic link that loops back on itself"):
        find_book(tmp_path / "loop-a")
    with pytest.raises(IntroducerError, match="symbolic link to a file that does not exist"):
        find_book(tmp_path / "dangling")


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_a_device_is_not_a_book() -> None:
    # /dev/zero never ends; a terminal would wait for typing.
    with pytest.raises(IntroducerError, match="is not a regular file"):
        find_book(Path("/dev/zero"))


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_pipe_is_read_and_one_nobody_writes_to_never_blocks(tmp_path: Path) -> None:
    fifo = tmp_path / "book.fifo"
    os.mkfifo(fifo)
    assert find_book(fifo) == fifo  # `--book <(gpg -d book.yaml.gpg)` is a pipe
    with pytest.raises(BookError, match="the book is empty"):
        load_book(fifo)  # no writer: empty at once, not a hang


# ── the command line ─────────────────────────────────────────────────────────

def test_an_empty_focus_is_a_usage_error_not_ignored(write_book: BookWriter) -> None:
    # `--for ''` used to be dropped silently and list everyone's suggestions.
    book = write_book(PAIR)
    code, out, err = invoke("--book", book, "suggest", "--for", "")
    assert code == 2 and out == ""
    assert "empty contact name" in err


def test_no_suggestions_above_min_score_says_so(write_book: BookWriter) -> None:
    book = write_book(PAIR)
    code, _, err = invoke("--book", book, "suggest", "--min-score", "1000")
    assert code == 0
    assert "no suggestions score 1000 or more" in err


def test_a_focus_marked_introduce_false_says_why_nothing_came(write_book: BookWriter) -> None:
    book = write_book([dict(PAIR[0], introduce=False), PAIR[1]])
    code, _, err = invoke("--book", book, "suggest", "--for", "Ann")
    assert code == 0
    assert "Ann Lee is marked introduce: false" in err


def test_init_into_a_folder_that_does_not_exist_yet(tmp_path: Path) -> None:
    # `init notyet/` used to write a *file* called notyet.
    code, _, err = invoke("init", "notyet/")
    assert code == 1
    assert "folder notyet does not exist" in err
    assert not Path("notyet").exists()
    code, _, err = invoke("init", "")
    assert code == 2 and "empty path" in err


def test_init_elsewhere_tells_how_to_use_that_book(tmp_path: Path) -> None:
    code, _, err = invoke("init", "my book.yaml")
    assert code == 0
    assert "introducer --book 'my book.yaml' check" in err
    code, _, err = invoke("init")
    assert code == 0
    assert "run `introducer check`" in err


def test_query_text_is_escaped_in_messages(write_book: BookWriter) -> None:
    book = write_book(PAIR)
    code, _, err = invoke("--book", book, "contacts", "\x1b[2Jzz")
    assert code == 1
    assert "\x1b" not in err and "\\x1b[2Jzz" in err


def test_csv_cells_never_carry_raw_escape_codes(write_book: BookWriter) -> None:
    book = write_book([dict(PAIR[0], name="Ann\nLee"), PAIR[1]])
    code, out, _ = invoke("--book", book, "contacts", "--format", "csv")
    assert code == 0
    names = [row["name"] for row in csv.DictReader(io.StringIO(out))]
    assert names == ["Ann Lee", "Tom Reed"]


@pytest.mark.parametrize(("value", "requested"), [("1", True), ("", False), (None, False)])
def test_no_color_follows_no_color_org(
    monkeypatch: pytest.MonkeyPatch, value: str | None, requested: bool
) -> None:
    if value is None:
        monkeypatch.delenv("NO_COLOR", raising=False)
    else:
        monkeypatch.setenv("NO_COLOR", value)
    assert no_color_requested() is requested



def test_a_query_of_only_punctuation_still_finds_its_contact(write_book: BookWriter) -> None:
    # `-` folds to an empty slug, which used to match nothing at all.
    book = write_book([{"name": "-", "hobbies": ["chess"]}, {"name": "Ann", "hobbies": ["chess"]}])
    code, out, _ = invoke("--book", book, "contacts", "--format", "csv", "--", "-")
    assert code == 0
    assert [row["name"] for row in csv.DictReader(io.StringIO(out))] == ["-"]


def test_check_escapes_a_hostile_file_name(tmp_path: Path) -> None:
    book = tmp_path / "evil\x1b[2J.yaml"
    book.write_text("contacts:\n  - name: Ann\n    hobbys: [x]\n", encoding="utf-8")
    code, out, err = invoke("--book", book, "check")
    assert code == 1
    assert "\x1b" not in out + err and "evil\\x1b[2J.yaml:3:" in out


def test_professions_are_looked_up_by_word_not_by_scanning_the_table() -> None:
    # A business used to be compared with every spelling in the table: a hostile book
    # of 2M distinct values took minutes. The word index must find exactly the same.
    events = TriggerEvents({"bar mitzvah": ["event planner", "dj"]})
    spellings = list(events._spelling_tokens.values())

    def scanned(business: str) -> frozenset[str]:
        words = tokens(fold_text(business))
        found = [(c, t) for c, t in spellings if is_kind_of(words, t)
                 and (len(t) > 1 or {c} == t or names_a_person(next(iter(t))))]
        return frozenset(c for c, t in found if not any(t < other for _, other in found))

    businesses = [
        "licensed physical therapist", "divorce and family law attorney", "realtor",
        "senior real estate agent and mortgage broker", "wedding dj", "the event planner",
        "plumber", "therapist", "estate", "trusts & estates attorney", "a", "",
    ]
    for business in businesses + [f"{s} consultant" for s, _ in events._spelling_tokens.items()]:
        if fold_text(business) not in events._spelling_tokens:
            assert events.professions_of(business) == scanned(business), business


def test_csv_output_never_hands_a_spreadsheet_a_formula(write_book: BookWriter) -> None:
    """A LinkedIn name is whatever the connection typed: `=HYPERLINK(...)` must stay text."""
    book = write_book([
        {"name": "=HYPERLINK(\"http://evil.example\",\"Click\")", "hobbies": ["chess"]},
        {"name": "@SUM(A1)", "hobbies": ["chess"]},
        {"name": "Ann Lee", "hobbies": ["chess"], "notes": "line one\rline two"},
    ])
    code, out, _ = invoke("--book", book, "contacts", "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out, newline="")))
    names = sorted(row["name"] for row in rows)
    assert names == ["'=HYPERLINK(\"http://evil.example\",\"Click\")", "'@SUM(A1)", "Ann Lee"]
    assert len(rows) == 3, "a lone carriage return must not split a row"
    code, out, _ = invoke("--book", book, "suggest", "--format", "csv")
    cells = [cell for row in csv.reader(io.StringIO(out)) for cell in row]
    assert not any(cell.startswith(("=", "@")) for cell in cells)
