"""Hostile or broken book data never adds a header, escapes --out, or yields a bad address."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from introducer.cli.app import app
from tests.conftest import BookWriter
from tests.drafts_helpers import assert_crlf, drafts_for, parse

runner = CliRunner()
ME = {"name": "Ana Ortiz", "email": "ana@example.com"}
TOM = {"name": "Tom Reed", "email": "tom@example.com", "business": "matrimonial attorney",
       "clients": ["divorcing couples"]}


def invoke(*args: str | Path) -> tuple[int, str, str]:
    result = runner.invoke(app, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


def escaped_book(tmp_path: Path, **fields: str) -> Path:
    """A book written by hand, with JSON escapes (valid YAML) so YAML cannot fold them."""
    lines = ["me: {name: Ana Ortiz, email: ana@example.com}", "contacts:",
             "  - {name: Tom Reed, email: tom@example.com, business: matrimonial attorney,",
             "     clients: [divorcing couples]}",
             "  - id: eve", "    business: divorce mediator", "    clients: [divorcing couples]"]
    values = {"name": "Eve", "email": "eve@example.com", **fields}
    lines += [f"    {key}: {json.dumps(value)}" for key, value in values.items()]
    path = tmp_path / "contacts.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def other(**fields: object) -> dict[str, object]:
    return {"name": "Eve", "id": "eve", "email": "eve@example.com",
            "business": "divorce mediator", "clients": ["divorcing couples"], **fields}


@pytest.mark.parametrize("breaker", ["\r\n", "\n", "\r", "\u2028", "\u2029", "\x85", "\v", "\f"])
def test_line_breaks_in_a_name_never_add_a_header(tmp_path: Path, breaker: str) -> None:
    """The book folds line breaks in one-line fields to a space, so no header can be added."""
    book = escaped_book(tmp_path, name=f"Eve{breaker}Bcc: all@evil.example")
    code, out, err = invoke("--book", book, "draft", "tom-reed", "eve", "--stdout")
    assert code == 0, err
    headers = _headers(out)
    assert "\nBcc" not in headers and not headers.startswith("Bcc")
    code, _, err = invoke("--book", book, "draft", "tom-reed", "eve")
    assert code == 0, err
    (eml,) = (tmp_path / "drafts").glob("*.eml")
    parsed = parse(eml.read_bytes())
    assert "Bcc" not in parsed
    assert [a.addr_spec for a in parsed["To"].addresses] == ["eve@example.com",
                                                            "tom@example.com"]


def test_control_characters_in_a_name_are_refused_with_the_line(tmp_path: Path) -> None:
    book = escaped_book(tmp_path, name="Eve\x00Bcc: all@evil.example")
    code, _, err = invoke("--book", book, "draft", "tom-reed", "eve")
    assert code == 1, err
    assert f"{book}:8:" in err and "control character" in err
    assert not (tmp_path / "drafts").exists()


@pytest.mark.parametrize("email", [
    "eve@example.com\r\nBcc: all@evil.example", "eve@example.com\nBcc: x@evil.example",
    "eve@example.com\u2028Bcc: x@evil.example", "eve@example.com\x85Bcc: x@evil.example",
])
def test_line_breaks_in_an_email_are_refused(tmp_path: Path, email: str) -> None:
    book = escaped_book(tmp_path, email=email)
    code, _, err = invoke("--book", book, "draft", "tom-reed", "eve", "--stdout")
    assert code == 1
    assert "Bcc" not in _headers(invoke("--book", book, "draft", "tom-reed", "eve",
                                        "--stdout")[1])
    assert f'{book}:9: contact "Eve"' in err and "email" in err
    assert not (tmp_path / "drafts").exists()


def _headers(out: str) -> str:
    return out.split("\n\n", 1)[0]


@pytest.mark.parametrize("email", ["not-an-address", "eve@", "@example.com", "a@b@c.example",
                                   "eve smith@example.com", "eve@exa mple.com", "<eve@x.example>",
                                   "eve@example.com, all@evil.example"])
def test_invalid_addresses_are_reported_with_contact_and_line(
    write_book: BookWriter, email: str
) -> None:
    book = write_book([TOM, other(email=email)], me=ME)
    code, _, err = invoke("--book", book, "draft", "tom-reed", "eve")
    assert code == 1
    line = book.read_text().splitlines().index("- name: Eve") + 1
    assert err.startswith(f"error: {book}:") and 'contact "Eve"' in err
    assert "not a valid address (use local@domain)" in err
    assert f"{book}:{line + 2}:" in err  # the email: key's own line


def test_me_with_a_line_break_adds_no_header(write_book: BookWriter) -> None:
    book = write_book([TOM, other()], me={"name": "Ana\r\nBcc: x@evil.example",
                                          "email": "ana@example.com"})
    code, out, err = invoke("--book", book, "draft", "tom-reed", "eve", "--stdout")
    assert code == 0, err
    assert "\nBcc" not in _headers(out)


def test_quotes_and_commas_in_names_stay_one_address_each(write_book: BookWriter) -> None:
    book = write_book([TOM, other(name='Lopez, Eve "Evie" <boss@evil.example>')], me=ME)
    (draft,) = drafts_for(book, "tom-reed", "eve", "intro")
    from introducer.drafts.message import wire_bytes

    data = wire_bytes(draft.message)
    assert_crlf(data)
    parsed = parse(data)
    assert [a.addr_spec for a in parsed["To"].addresses] == ["eve@example.com",
                                                            "tom@example.com"]
    assert parsed["To"].addresses[0].display_name == 'Lopez, Eve "Evie" <boss@evil.example>'
    assert "Bcc" not in parsed and "boss@evil.example" not in [
        a.addr_spec for a in parsed["To"].addresses]


@pytest.mark.parametrize(("name", "contact_id"), [
    ("../../etc/passwd", "../../etc/passwd"),
    ("/etc/shadow", None),
    ("x" * 300, None),
    ("김민준", None),
    ("..", ".."),
    ("CON", "nul"),
])
def test_file_names_are_safe_slugs_inside_out(
    write_book: BookWriter, tmp_path: Path, name: str, contact_id: str | None
) -> None:
    contact = other(name=name, id=contact_id) if contact_id else {
        k: v for k, v in other(name=name).items() if k != "id"}
    book = write_book([TOM, contact], me=ME)
    out_dir = tmp_path / "out"
    code, _out, err = invoke("--book", book, "draft", "tom-reed", contact_id or name,
                            "--opt-in", "--out", out_dir)
    assert code == 0, err
    written = sorted(out_dir.iterdir())
    assert len(written) == 2
    for path in written:
        assert path.parent == out_dir
        assert path.name.isascii() and len(path.name) <= 100
        assert path.name.endswith(".eml") and not path.name.startswith(".")
        assert set(path.name) <= set("abcdefghijklmnopqrstuvwxyz0123456789-.")
        parse(path.read_bytes())
    assert sorted(p.name for p in tmp_path.rglob("*.eml")) == [p.name for p in written]


def test_korean_names_in_headers_are_encoded_and_round_trip(write_book: BookWriter) -> None:
    book = write_book([TOM, other(name="김민준")], me={"name": "Zoë Ødegaard",
                                                       "email": "zoe@example.com"})
    (draft,) = drafts_for(book, "tom-reed", "eve", "intro")
    from introducer.drafts.message import wire_bytes

    data = wire_bytes(draft.message)
    head = data.split(b"\r\n\r\n", 1)[0]
    assert head.isascii()
    parsed = parse(data)
    assert parsed["From"].addresses[0].display_name == "Zoë Ødegaard"
    assert parsed["To"].addresses[0].display_name == "김민준"
    assert "김민준" in parsed["Subject"]
    assert "Hi 김민준 and Tom" in parsed.get_content()
