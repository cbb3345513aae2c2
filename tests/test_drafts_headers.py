"""Names never become headers: encoded words, format characters and long names (issue 14)."""

from __future__ import annotations

import mailbox
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from typer.testing import CliRunner

from introducer.cli.app import app
from introducer.drafts.headers import HeaderCheckError, intended_headers, verify_headers
from introducer.drafts.message import wire_bytes
from tests.drafts_helpers import drafts_for, parse
from tests.header_helpers import assert_exact, book_with

runner = CliRunner()
HOSTILE_NAMES = [
    "=?utf-8?q?Eve=0D=0ABcc=3A_victim=40evil.example?=",
    "=?utf-8?b?RXZlDQpCY2M6IHZpY3RpbUBldmlsLmV4YW1wbGU=?=",
    "=?iso-8859-1?q?Eve=0ABcc=3A_victim=40evil.example?=",
    "Eve=?utf-8?q?=0D=0ABcc=3A_victim=40evil.example?=",
    "Eve =?utf-8?q?=0D=0ABcc=3A_victim=40evil.example?= Smith",
]


def invoke(*args: str | Path) -> tuple[int, str, str]:
    result = runner.invoke(app, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_encoded_words_in_a_name_are_written_literally_in_every_delivery(
    tmp_path: Path, name: str
) -> None:
    book = book_with(tmp_path, name)
    code, _, err = invoke("--book", book, "draft", "tom-reed", "eve")
    assert code == 0, err
    (eml,) = (tmp_path / "drafts").glob("*.eml")
    data = eml.read_bytes()
    assert_exact(data, [name, "Tom Reed"])
    assert "Bcc" not in parse(data) and b"victim@evil" not in data.split(b"\r\n\r\n")[0]
    assert name in str(parse(data)["Subject"])

    code, out, err = invoke("--book", book, "draft", "tom-reed", "eve", "--stdout")
    assert code == 0, err
    assert_exact(out.encode().replace(b"\n", b"\r\n"), [name, "Tom Reed"])

    code, _, err = invoke("--book", book, "draft", "tom-reed", "eve", "--mbox", tmp_path / "box")
    assert code == 0, err
    (kept,) = mailbox.mbox(tmp_path / "box")
    assert_exact(kept.as_bytes().replace(b"\n", b"\r\n"), [name, "Tom Reed"])

    code, out, err = invoke("--book", book, "draft", "tom-reed", "eve", "--mailto")
    assert code == 0, err
    url = urlsplit(out.strip())
    assert sorted(parse_qs(url.query)) == ["body", "subject"]
    assert unquote(url.path) == "eve@example.com,tom@example.com"
    assert name in parse_qs(url.query)["subject"][0]


def test_an_encoded_word_in_me_name_stays_the_from_name(tmp_path: Path) -> None:
    name = HOSTILE_NAMES[0]
    book = book_with(tmp_path, me_name=name)
    code, out, err = invoke("--book", book, "draft", "tom-reed", "eve", "--stdout")
    assert code == 0, err
    assert_exact(out.encode().replace(b"\n", b"\r\n"), ["Eve", "Tom Reed"], from_name=name)


def test_check_warns_about_names_in_encoded_word_syntax(tmp_path: Path) -> None:
    book = book_with(tmp_path, HOSTILE_NAMES[0], me_name=HOSTILE_NAMES[1])
    code, out, _ = invoke("--book", book, "check")
    assert code == 0
    assert f"{book}:5: contact \"=?utf-8?q?Eve=0D=0ABcc" in out
    assert "warning: name looks like an RFC 2047 encoded word" in out
    assert f"{book}: warning: me: name looks like an RFC 2047 encoded word" in out


@pytest.mark.parametrize("export", ["vcard", "linkedin"])
def test_an_imported_encoded_name_drafts_safely(tmp_path: Path, export: str) -> None:
    name = HOSTILE_NAMES[0]
    if export == "vcard":
        source = tmp_path / "phone.vcf"
        source.write_bytes(
            f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:{name}\r\nEMAIL:eve@example.com\r\n"
            "TITLE:divorce mediator\r\nEND:VCARD\r\nBEGIN:VCARD\r\nVERSION:3.0\r\n"
            "FN:Tom Reed\r\nEMAIL:tom@example.com\r\nTITLE:mediator\r\nEND:VCARD\r\n".encode())
    else:
        source = tmp_path / "Connections.csv"
        source.write_text(
            "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
            f"{name},,,eve@example.com,,divorce mediator,01 Jan 2025\n"
            "Tom,Reed,,tom@example.com,,mediator,01 Jan 2025\n", encoding="utf-8")
    code, out, err = invoke("import", export, source)
    assert code == 0, err
    book = tmp_path / "contacts.yaml"
    book.write_text("me: {name: Ana Ortiz, email: ana@example.com}\n" + out, encoding="utf-8")
    code, out, err = invoke("--book", book, "draft", "tom-reed", name, "--stdout", "--force")
    assert code == 0, err
    data = out.encode().replace(b"\n", b"\r\n")
    assert_exact(data, ["Tom Reed", name])  # the imported id sorts after tom-reed
    assert "Bcc" not in parse(data)


@pytest.mark.parametrize("name", [
    "فرزانه\u200cنیا", "Ana \U0001f468\u200d\U0001f469\u200d\U0001f467", "रा\u200dम"])
def test_zero_width_joiners_pass_check_and_draft(tmp_path: Path, name: str) -> None:
    book = book_with(tmp_path, name)
    code, _, err = invoke("--book", book, "check")
    assert code == 0, err
    code, out, err = invoke("--book", book, "draft", "tom-reed", "eve", "--stdout")
    assert code == 0, err
    assert_exact(out.encode().replace(b"\n", b"\r\n"), [name, "Tom Reed"])


def test_a_name_with_a_joiner_is_labelled_as_written(tmp_path: Path) -> None:
    book = book_with(tmp_path, "فرزانه\u200cنیا")
    book.write_text(book.read_text().replace("    id: eve\n", "    id: eve\n    hobbys: [chess]\n"),
                    encoding="utf-8")
    code, out, _ = invoke("--book", book, "check")
    assert code == 1
    assert f'{book}:7: contact "فرزانه\u200cنیا": unknown field' in out


@pytest.mark.parametrize(("char", "said"), [
    ("\u202e", "a right-to-left override (U+202E), which reorders the text"),
    ("\u202a", "a left-to-right embedding (U+202A), which reorders"),
    ("\u2066", "a left-to-right isolate (U+2066), which reorders"),
    ("\u2069", "a pop directional isolate (U+2069), which reorders"),
    ("\u200b", "a zero-width space (U+200B), an invisible character"),
    ("\ufeff", "a byte order mark (U+FEFF), an invisible character"),
    ("\u200f", "a right-to-left mark (U+200F), an invisible character"),
    ("\u2060", "a word joiner (U+2060), an invisible character"),
])
def test_spoofing_characters_are_refused_alike_by_check_and_draft(
    tmp_path: Path, char: str, said: str
) -> None:
    book = book_with(tmp_path, f"Eve{char}lpmaxe")
    for command in (["check"], ["draft", "tom-reed", "eve", "--stdout"]):
        code, out, err = invoke("--book", book, *command)
        said_where = out + err if command == ["check"] else err
        assert code == 1
        assert f"{book}:5: contact \"Eve" in said_where
        assert f"name: contains {said}" in said_where
        assert "Traceback" not in err and "From:" not in out


def test_a_bidi_override_in_a_company_is_refused_at_check(tmp_path: Path) -> None:
    book = book_with(tmp_path)
    book.write_text(book.read_text() + "    company: \"Acme\\u202eInc\"\n", encoding="utf-8")
    code, out, _ = invoke("--book", book, "check")
    assert code == 1
    assert f"{book}:10: contact \"Eve\": company: contains a right-to-left override" in out


def test_a_long_name_is_folded_within_the_line_limit(tmp_path: Path) -> None:
    long_names = ["Ö" * 360, "x" * 700, " ".join(["Ab"] * 240)]
    for number, name in enumerate(long_names):
        folder = tmp_path / str(number)
        folder.mkdir()
        code, out, err = invoke("--book", book_with(folder, name), "draft", "tom-reed", "eve",
                                "--stdout")
        assert code == 0, err
        data = out.encode().replace(b"\n", b"\r\n")
        assert_exact(data, [name, "Tom Reed"])
        assert str(parse(data)["Subject"]) == f"Introduction: {name} and Tom Reed"


def test_a_name_too_long_for_any_header_line_is_refused_by_check_and_draft(
    tmp_path: Path
) -> None:
    book = book_with(tmp_path, "A" * 1050)
    for command in (["check"], ["draft", "tom-reed", "eve"]):
        code, out, err = invoke("--book", book, *command)
        assert code == 1
        assert f"{book}:5: contact \"AAAA" in out + err
        assert "name: is too long for a mail header (1,050 characters, 1,050 octets" in out + err
    assert not (tmp_path / "drafts").exists()


def test_international_domains_are_punycode_and_local_parts_stay_ascii(tmp_path: Path) -> None:
    book = book_with(tmp_path)
    book.write_text(book.read_text().replace("eve@example.com", "eve@exämple.com"),
                    encoding="utf-8")
    code, out, err = invoke("--book", book, "draft", "tom-reed", "eve", "--stdout")
    assert code == 0, err
    to = parse(out.encode())["To"].addresses
    assert [a.addr_spec for a in to] == ["eve@xn--exmple-cua.com", "tom@example.com"]
    book.write_text(book.read_text().replace("eve@exämple.com", "zoë@example.com"),
                    encoding="utf-8")
    code, _, err = invoke("--book", book, "draft", "tom-reed", "eve")
    assert code == 1 and f'{book}:7: contact "Eve": email' in err and "non-ASCII" in err


def test_headers_that_read_back_differently_are_refused(tmp_path: Path) -> None:
    (draft,) = drafts_for(book_with(tmp_path), "tom-reed", "eve", "intro")
    data = wire_bytes(draft.message)
    verify_headers(data, intended_headers(draft.message))
    smuggled = data.replace(b"\r\nSubject:", b"\r\nBcc: x@evil.example\r\nSubject:", 1)
    with pytest.raises(HeaderCheckError, match="headers bcc it was not written with"):
        verify_headers(smuggled, intended_headers(draft.message))
    renamed = data.replace(b"To: Eve", b"To: Evil", 1)
    with pytest.raises(HeaderCheckError, match="To header would be read by the email package"):
        verify_headers(renamed, intended_headers(draft.message))


def test_only_checked_drafts_reach_imap_or_any_other_delivery() -> None:
    """IMAP APPEND, .eml, mbox and --stdout all take their bytes from `wire_bytes`."""
    from introducer.drafts.imap import ImapTarget, append_drafts

    stray = EmailMessage()
    stray["To"] = "x@evil.example"
    with pytest.raises(HeaderCheckError, match="only a draft built by introducer"):
        wire_bytes(stray)
    target = ImapTarget(host="127.0.0.1", port=9, user="u", tls="none", folder=None,
                        password_command=None)
    with pytest.raises(HeaderCheckError):
        append_drafts(target, "secret", [stray])


def test_plain_names_stay_readable(tmp_path: Path) -> None:
    (draft,) = drafts_for(book_with(tmp_path, 'Lopez, Eve "Evie"'), "tom-reed", "eve", "intro")
    head = wire_bytes(draft.message).split(b"\r\n\r\n")[0].decode()
    assert 'To: "Lopez, Eve \\"Evie\\"" <eve@example.com>, Tom Reed <tom@example.com>' in head
    parsed = message_from_bytes(wire_bytes(draft.message), policy=policy.default)
    assert parsed["To"].addresses[0].display_name == 'Lopez, Eve "Evie"'
