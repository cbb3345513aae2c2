"""Property: however hostile a book field, drafts read back exactly, or draft refuses cleanly."""

from __future__ import annotations

import itertools
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from introducer.book.load import load_book
from introducer.cli.app import app
from introducer.drafts.headers import header_display_name
from tests.header_helpers import assert_exact, book_with

runner = CliRunner()
_PIECES = st.sampled_from([
    "=?utf-8?q?", "=?utf-8?b?", "=?iso-8859-1?q?", "?=", "=0D=0A", "=0A", "DQpCY2M6IA==",
    "Bcc: x@evil.example", "\r\n", "\n", "\r", "\u2028", "\x85", "\u202e", "\u2066", "\u200b",
    "\u200c", "\u200d", "\ufeff", "é", "Ø", "김", "\U0001f468", '"', "\\", ",", "<", ">",
    "@", ";", ":", " ", "  ", "\u00a0", "\u3000", "=", "?", "_", "(", ")", "Eve", "Smith",
])
_LETTERS = st.characters(blacklist_categories=("Cc", "Cf", "Cs", "Co", "Cn"))  # those: _PIECES
_TEXT = st.lists(
    st.one_of(_PIECES, st.text(_LETTERS, max_size=6)),
    min_size=1, max_size=10,
).map("".join)
_LONG = st.builds(lambda unit, times: unit * times,
                  st.sampled_from(["x", "Ö", "김 ", "\U0001f468", "a=?", "Ab "]),
                  st.integers(60, 800))
_HOSTILE = st.one_of(_TEXT, _TEXT, _LONG)
_PLAIN = st.sampled_from(["Eve", "Zoë Ødegaard", "Lopez, Eve", "divorce mediator", "김민준"])
#: Mostly one or two hostile fields per book, so that most books still draft.
FIELD = st.one_of(_PLAIN, _PLAIN, _HOSTILE)
LOCAL_PART = st.one_of(st.from_regex(r"[a-z0-9][a-z0-9.+_-]{0,19}", fullmatch=True),
                       st.sampled_from(["eve", "e.smith+intro"]), _HOSTILE)
_examples = itertools.count()


@settings(max_examples=100,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(name=st.one_of(_HOSTILE, FIELD), me_name=FIELD, local=LOCAL_PART,
       me_local=LOCAL_PART, company=FIELD, business=FIELD, wants=FIELD, opt_in=st.booleans())
def test_any_field_yields_exact_headers_or_one_clear_refusal(
    tmp_path: Path, name: str, me_name: str, local: str, me_local: str, company: str,
    business: str, wants: str, opt_in: bool,
) -> None:
    folder = tmp_path / str(next(_examples))
    folder.mkdir()
    book = book_with(folder, name, me_name, email=f"{local}@example.com", company=company,
                     business=business, wants=wants, me_email=f"{me_local}@example.com")
    out = folder / "drafts"
    result = runner.invoke(app, ["--book", str(book), "draft", "tom-reed", "eve", "--out",
                                 str(out), *(["--opt-in"] if opt_in else [])])
    event("refused" if result.exit_code else "drafted")
    if result.exit_code != 0:
        assert result.exit_code == 1, result.stderr
        _assert_clear(result.stderr, book)
        assert not out.exists()
        return
    loaded = load_book(book)
    eve = header_display_name(loaded.contacts[1].name)
    me = header_display_name(loaded.me.name or "")
    emls = sorted(out.glob("*.eml"))
    if opt_in:
        expected = sorted([["Tom Reed"], [eve]])
        assert sorted(_to_names(path, me, [eve], ["Tom Reed"]) for path in emls) == expected
    else:
        (path,) = emls
        assert_exact(path.read_bytes(), [eve, "Tom Reed"], from_name=me)
    mailto = runner.invoke(app, ["--book", str(book), "draft", "tom-reed", "eve", "--mailto"])
    assert mailto.exit_code == 0, mailto.stderr
    for url in mailto.stdout.splitlines():
        assert sorted(parse_qs(urlsplit(url).query)) == ["body", "subject"]


def _assert_clear(stderr: str, book: Path) -> None:
    """One line per problem, each naming the book (and line), then nothing else."""
    lines = stderr.splitlines()
    assert lines and "Traceback" not in stderr
    for line in lines:
        assert line.removeprefix("error: ").startswith(f"{book}"), line


def _to_names(path: Path, me: str, *candidates: list[str]) -> list[str]:
    """The To names of one opt-in ask, checked exactly against whichever side it went to."""
    data = path.read_bytes()
    for names in candidates:
        try:
            assert_exact(data, names, from_name=me)
        except AssertionError:
            continue
        return names
    raise AssertionError(f"{path.name}: no exact reading")
