"""`introducer draft` as a user sees it: files written, printed, appended; exit codes."""

from __future__ import annotations

import mailbox
import stat
from pathlib import Path
from urllib.parse import unquote, urlsplit

from typer.testing import CliRunner

from introducer.cli.app import app
from tests.conftest import EXAMPLE_BOOK, BookWriter
from tests.drafts_helpers import assert_crlf, parse

runner = CliRunner()
ME = {"name": "Ana Ortiz", "email": "ana@example.com"}
PAIR = [
    {"name": "Maria Lopez", "email": "maria@example.com", "business": "divorce mediator",
     "clients": ["divorcing couples"], "referral_sources": ["family therapists"]},
    {"name": "Tom Reed", "email": "tom@example.com", "business": "matrimonial attorney",
     "clients": ["divorcing couples"], "referral_sources": ["family therapists"]},
]


def invoke(*args: str | Path) -> tuple[int, str, str]:
    result = runner.invoke(app, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


def test_draft_writes_one_eml_to_both(tmp_path: Path) -> None:
    code, out, err = invoke("--book", EXAMPLE_BOOK, "draft", "maria", "tom")
    assert code == 0, err
    path = tmp_path / "drafts" / "maria-lopez--tom-reed-2026-11-23.eml"
    assert out == f"{Path('drafts') / path.name}\n"
    assert "wrote 1 draft" in err
    data = path.read_bytes()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert_crlf(data)
    message = parse(data)
    assert [a.addr_spec for a in message["To"].addresses] == [
        "maria@lopezmediation.example", "tom@reedfamilylaw.example"]
    assert message["From"].addresses[0].display_name == "Ana Ortiz"
    assert "Maria Lopez" in message["Subject"] and "Tom Reed" in message["Subject"]
    assert message["Date"] and message["Message-ID"] and message["X-Unsent"] == "1"
    thread = "You're each well placed to send the other clients."
    assert thread in message.get_content()


def test_existing_drafts_are_never_overwritten(tmp_path: Path) -> None:
    for _ in range(3):
        assert invoke("--book", EXAMPLE_BOOK, "draft", "maria", "tom")[0] == 0
    names = sorted(p.name for p in (tmp_path / "drafts").iterdir())
    assert names == ["maria-lopez--tom-reed-2026-11-23-2.eml",
                     "maria-lopez--tom-reed-2026-11-23-3.eml",
                     "maria-lopez--tom-reed-2026-11-23.eml"]


def test_opt_in_writes_two_asks_in_a_new_out_folder(tmp_path: Path) -> None:
    code, _out, err = invoke("--book", EXAMPLE_BOOK, "draft", "jorge", "maria", "--opt-in",
                            "--out", tmp_path / "new" / "folder")
    assert code == 0, err
    written = sorted(p.name for p in (tmp_path / "new" / "folder").iterdir())
    assert written == ["jorge-alvarez--maria-lopez-2026-11-23-ask-jorge-alvarez.eml",
                       "jorge-alvarez--maria-lopez-2026-11-23-ask-maria-lopez.eml"]
    to_maria = parse((tmp_path / "new" / "folder" / written[1]).read_bytes())
    assert to_maria["To"].addresses[0].addr_spec == "maria@lopezmediation.example"
    assert "haven't spoken since March 2024" in to_maria.get_content()


def test_follow_up_drafts_a_check_in(tmp_path: Path) -> None:
    code, _, err = invoke("--book", EXAMPLE_BOOK, "draft", "maria", "tom", "--follow-up")
    assert code == 0, err
    (path,) = (tmp_path / "drafts").iterdir()
    assert path.name.endswith("-follow-up.eml")
    assert "Did you manage to connect?" in parse(path.read_bytes()).get_content()


def test_stdout_prints_the_message_and_writes_nothing(tmp_path: Path) -> None:
    code, out, err = invoke("--book", EXAMPLE_BOOK, "draft", "maria", "tom", "--stdout")
    assert code == 0, err
    assert out.startswith("From: Ana Ortiz <ana@ortizconnects.example>\n")
    assert "\r" not in out and "Subject: Introduction: Maria Lopez and Tom Reed" in out
    assert not (tmp_path / "drafts").exists()


def test_mailto_is_percent_encoded_per_rfc_6068() -> None:
    code, out, err = invoke("--book", EXAMPLE_BOOK, "draft", "maria", "tom", "--mailto")
    assert code == 0, err
    (url,) = out.splitlines()
    assert url.startswith("mailto:maria@lopezmediation.example,tom@reedfamilylaw.example?")
    assert " " not in url and "\n" not in url
    assert "subject=Introduction%3A%20Maria%20Lopez%20and%20Tom%20Reed" in url
    assert "%0D%0A%0D%0A" in url and "%0A" not in url.replace("%0D%0A", "")
    query = dict(part.split("=", 1) for part in urlsplit(url).query.split("&"))
    assert unquote(query["body"]).startswith("Hi Maria and Tom,\r\n\r\nI'd like")


def test_mbox_appends_with_each_run(tmp_path: Path) -> None:
    box_path = tmp_path / "drafts.mbox"
    for _ in range(2):
        code, _, err = invoke("--book", EXAMPLE_BOOK, "draft", "maria", "jorge", "--opt-in",
                              "--format", "mbox", "--mbox", box_path)
        assert code == 0, err
    assert stat.S_IMODE(box_path.stat().st_mode) == 0o600
    box = mailbox.mbox(box_path)
    subjects = [m["Subject"] for m in box]
    assert len(subjects) == 4
    assert subjects[0] == "Would you like to meet Maria Lopez, Jorge?"


def test_format_mbox_needs_a_file() -> None:
    code, _, err = invoke("--book", EXAMPLE_BOOK, "draft", "maria", "tom", "--format", "mbox")
    assert code == 2 and "--mbox FILE" in err


def test_two_deliveries_at_once_is_a_usage_error() -> None:
    code, _, err = invoke("--book", EXAMPLE_BOOK, "draft", "maria", "tom", "--stdout",
                          "--mailto")
    assert code == 2 and "choose one of" in err


def test_top_drafts_the_current_suggestions(tmp_path: Path) -> None:
    suggested = runner.invoke(app, ["--book", str(EXAMPLE_BOOK), "suggest", "--top", "3",
                                     "--format", "csv"]).stdout.splitlines()[1:]
    ids = [(row.split(",")[2], row.split(",")[4]) for row in suggested]
    code, out, err = invoke("--book", EXAMPLE_BOOK, "draft", "--top", "3", "--joint")
    assert code == 0, err
    names = [Path(line).name for line in out.splitlines()]
    assert names == [f"{a}--{b}-2026-11-23.eml" for a, b in ids]


def test_dry_run_lists_and_writes_nothing(tmp_path: Path) -> None:
    code, out, err = invoke("--book", EXAMPLE_BOOK, "draft", "--top", "2", "--opt-in",
                            "--dry-run")
    assert code == 0, err
    lines = out.splitlines()
    assert len(lines) == 4
    assert all(line.startswith("drafts/") and "\tTo: " in line for line in lines)
    assert "nothing was" in err
    assert not (tmp_path / "drafts").exists()


def test_contacts_and_top_together_is_a_usage_error() -> None:
    code, _, _err = invoke("--book", EXAMPLE_BOOK, "draft", "maria", "tom", "--top", "2")
    assert code == 2


def test_missing_email_still_drafts_with_a_placeholder(
    write_book: BookWriter, tmp_path: Path
) -> None:
    contacts = [PAIR[0], {k: v for k, v in PAIR[1].items() if k != "email"}]
    book = write_book(contacts, me=ME)
    code, out, err = invoke("--book", book, "draft", "maria", "tom")
    assert code == 0
    assert 'contact "Tom Reed" has no email' in err and f"{book}:" in err
    message = parse(Path(out.strip()).read_bytes())
    assert [a.addr_spec for a in message["To"].addresses] == [
        "maria@example.com", "FILL-IN-ADDRESS@invalid"]
    assert message.get_content().startswith("[Before sending: put Tom Reed's email address")


def test_me_without_email_fails_clearly(write_book: BookWriter, tmp_path: Path) -> None:
    book = write_book(PAIR, me={"name": "Ana Ortiz"})
    code, _, err = invoke("--book", book, "draft", "maria", "tom")
    assert code == 1
    assert "From address" in err and "me:" in err
    assert not (tmp_path / "drafts").exists()


def test_unknown_contact_exits_1() -> None:
    code, _, err = invoke("--book", EXAMPLE_BOOK, "draft", "maria", "nobody-at-all")
    assert code == 1 and "nobody-at-all" in err


def test_templates_beside_the_book_override_the_built_in_ones(
    write_book: BookWriter, tmp_path: Path
) -> None:
    book = write_book(PAIR, me=ME)
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "intro.txt.j2").write_text(
        "Subject: {{ a.first_name }} + {{ b.first_name }}\n\nHello! {{ thread[0] }}\n")
    code, out, err = invoke("--book", book, "draft", "maria", "tom", "--stdout")
    assert code == 0, err
    assert "Subject: Maria + Tom" in out
    assert "Hello! You both work with divorcing couples" in out


def test_template_with_a_missing_variable_names_file_and_line(
    write_book: BookWriter, tmp_path: Path
) -> None:
    book = write_book(PAIR, me=ME)
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "intro.txt.j2").write_text("Subject: hi\n\nline two\n{{ a.nickname }}\n")
    code, _, err = invoke("--book", book, "draft", "maria", "tom", "--template", folder)
    assert code == 1
    assert f"{folder / 'intro.txt.j2'}:4:" in err and "nickname" in err
    assert not (tmp_path / "drafts").exists()


def test_template_syntax_error_names_file_and_line(
    write_book: BookWriter, tmp_path: Path
) -> None:
    book = write_book(PAIR, me=ME)
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "opt_in.txt.j2").write_text("Subject: hi\n\n{% if to %}\nno end\n")
    code, _, err = invoke("--book", book, "draft", "maria", "tom", "--opt-in",
                          "--template", folder)
    assert code == 1
    assert f"{folder / 'opt_in.txt.j2'}:" in err and "syntax error" in err


def test_an_ask_for_someone_at_a_company_is_answered_with_the_company(
    write_book: BookWriter,
) -> None:
    book = write_book([
        {"name": "Rosa Martinez", "email": "rosa@example.com", "business": "restaurant owner",
         "wants": ["anyone at Harbor Bank", "business broker"]},
        {"name": "Kevin O'Brien", "email": "kevin@example.com", "business": "business banker",
         "company": "Harbor Bank"},
    ], me=ME)
    code, out, err = invoke("--book", book, "draft", "rosa", "kevin", "--stdout")
    assert code == 0, err
    body = parse(out.encode())
    text = body.get_content()
    assert "asked me to find anyone at Harbor Bank, and Kevin works at Harbor Bank." in text
    assert "Kevin is a business banker and" not in text
