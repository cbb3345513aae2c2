"""`import --into BOOK` keeps the user's file: its text plus the merge; `--patch` as a diff."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from introducer.book.load import load_book
from introducer.cli.app import app
from tests.conftest import EXAMPLE_BOOK

runner = CliRunner()
EXPORTS = Path(__file__).resolve().parent.parent.parent / "shared" / "real-exports"
GMAIL = EXPORTS / "roundcube__gmail_legacy_google.csv"

COMMENTED = """\
# My book, kept by hand since 2019.
settings:
  weekly_goal: 3   # be realistic

contacts:
  # ── lawyers ──
  - name: Rachel Goldberg
    company: Goldberg Family Law
    business: matrimonial attorney
    hobbies: [tennis, 'opera']   # keep this list on one line

  # ── insurance ──
  - name: Greg Olsen
    email: greg@statefarm.example
    company: State Farm
# the end
"""

VCARD = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Rachel Goldberg\r\nN:Goldberg;Rachel;;;\r\n"
    "EMAIL:rachel@goldberglaw.example\r\nORG:Goldberg Family Law PLLC\r\nEND:VCARD\r\n"
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Dana Fox\r\nN:Fox;Dana;;;\r\n"
    "EMAIL:dana@fox.example\r\nORG:Fox Dental P.C.\r\nTITLE:dentist\r\nEND:VCARD\r\n"
)


def invoke(*args: str | Path) -> tuple[int, str, str]:
    result = runner.invoke(app, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


def commented_book(tmp_path: Path, text: str = COMMENTED) -> Path:
    book = tmp_path / "contacts.yaml"
    book.write_bytes(text.encode("utf-8"))
    return book


def vcards(tmp_path: Path) -> Path:
    path = tmp_path / "phone.vcf"
    path.write_bytes(VCARD.encode())
    return path


def test_merging_a_real_google_export_into_the_example_book_only_appends(tmp_path: Path) -> None:
    book = tmp_path / "contacts.yaml"
    original = EXAMPLE_BOOK.read_text(encoding="utf-8")
    book.write_text(original, encoding="utf-8")
    code, _, err = invoke("import", "auto", GMAIL, "--into", book)
    assert code == 0, err
    merged = (tmp_path / "contacts.merged.yaml").read_text(encoding="utf-8")
    assert merged.startswith(original)
    added = merged[len(original):]
    assert added.startswith("\n  # Imported from ")
    assert "  - name: " in added and "groups: [Test]" in added
    assert book.read_text(encoding="utf-8") == original  # the book itself is never written
    before = load_book(book).contacts
    after = load_book(tmp_path / "contacts.merged.yaml").contacts
    assert after[: len(before)] == before and len(after) == len(before) + 1


def test_a_filled_field_goes_in_place_and_every_comment_stays(tmp_path: Path) -> None:
    book = commented_book(tmp_path)
    code, _, err = invoke("import", "vcard", vcards(tmp_path), "--into", book)
    assert code == 0, err
    assert "added 1, merged 1 (filled 1 field)" in err
    merged = (tmp_path / "contacts.merged.yaml").read_text(encoding="utf-8")
    expected = COMMENTED.replace(
        "    hobbies: [tennis, 'opera']   # keep this list on one line\n",
        "    hobbies: [tennis, 'opera']   # keep this list on one line\n"
        "    email: rachel@goldberglaw.example\n",
    ).replace("# the end\n", "")
    assert merged.startswith(expected)
    assert merged.endswith(
        "\n  # Imported from " + str(tmp_path / "phone.vcf") + " by introducer import.\n"
        "  - name: Dana Fox\n    id: dana-fox\n    email: dana@fox.example\n"
        "    company: Fox Dental P.C.\n    business: dentist\n# the end\n"
    )
    assert load_book(tmp_path / "contacts.merged.yaml").contacts[0].email == (
        "rachel@goldberglaw.example")


def test_a_book_indented_another_way_and_with_crlf_is_kept_as_written(tmp_path: Path) -> None:
    text = "contacts:\r\n- name: Rachel Goldberg\r\n  company: Goldberg Family Law P.C.\r\n"
    book = commented_book(tmp_path, text)
    code, _, err = invoke("import", "vcard", vcards(tmp_path), "--into", book)
    assert code == 0, err
    assert "re-indented" not in err
    merged = (tmp_path / "contacts.merged.yaml").read_bytes().decode()
    assert merged.startswith(
        "contacts:\r\n- name: Rachel Goldberg\r\n  company: Goldberg Family Law P.C.\r\n"
        "  email: rachel@goldberglaw.example\r\n"
    )
    assert "\r\n- name: Dana Fox\r\n  id: dana-fox\r\n" in merged


def test_text_that_yaml_would_misread_is_quoted(tmp_path: Path) -> None:
    book = commented_book(tmp_path, "contacts:\n  - name: Ann Lee\n")
    export = tmp_path / "phone.vcf"
    export.write_bytes(b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Norma No\r\nORG:NO\r\n"
                       b"TITLE:2026-01-01\r\nEND:VCARD\r\n")
    code, _, err = invoke("import", "vcard", export, "--into", book)
    assert code == 0, err
    assert "company: 'NO'\n    business: '2026-01-01'\n" in (
        tmp_path / "contacts.merged.yaml").read_text(encoding="utf-8")
    code, _, err = invoke("--book", tmp_path / "contacts.merged.yaml", "check")
    assert code == 0, err


def test_legal_forms_do_not_make_a_second_rachel(tmp_path: Path) -> None:
    book = commented_book(tmp_path)
    code, _, err = invoke("import", "vcard", vcards(tmp_path), "--into", book, "--dry-run")
    assert code == 0, err
    assert "added 1, merged 1" in err and "possible duplicate" not in err


@pytest.mark.parametrize("tool", ["patch", "git"])
def test_patch_applies_with_patch_and_git_apply(tmp_path: Path, tool: str) -> None:
    if shutil.which(tool) is None:
        pytest.skip(f"{tool} is not installed")
    book = commented_book(tmp_path, COMMENTED.replace("# the end\n", "# the end"))
    code, diff, err = invoke("import", "vcard", vcards(tmp_path), "--into", book, "--patch")
    assert code == 0, err
    assert diff.startswith("--- contacts.yaml\n+++ contacts.yaml\n@@ ")
    assert "\\ No newline at end of file\n" in diff
    assert not (tmp_path / "contacts.merged.yaml").exists()
    (tmp_path / "merge.diff").write_text(diff, encoding="utf-8")
    code, _, err = invoke("import", "vcard", vcards(tmp_path), "--into", book,
                          "--out", tmp_path / "expected.yaml")
    assert code == 0, err
    command = ["patch", "-p0", "-i", "merge.diff"] if tool == "patch" else [
        "git", "apply", "merge.diff"]
    subprocess.run(command, cwd=tmp_path, check=True, capture_output=True)
    assert book.read_bytes() == (tmp_path / "expected.yaml").read_bytes()


def test_patch_without_into_is_a_usage_error(tmp_path: Path) -> None:
    code, out, err = invoke("import", "vcard", vcards(tmp_path), "--patch")
    assert (code, out) == (2, "")
    assert "--patch needs --into BOOK" in err


def test_honorifics_and_suffixes_leave_the_name_for_the_notes(tmp_path: Path) -> None:
    export = tmp_path / "phone.vcf"
    export.write_bytes(b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Mr. John Smith Sr.\r\n"
                       b"N:Smith;John;;Mr.;Sr.\r\nEND:VCARD\r\n")
    code, out, err = invoke("import", "vcard", export)
    assert code == 0, err
    assert "- name: John Smith\n  id: john-smith\n" in out
    assert "notes: 'name in the export: Mr. John Smith Sr.'" in out


def test_john_smith_sr_is_not_john_smith_jr(tmp_path: Path) -> None:
    export = tmp_path / "phone.vcf"
    export.write_bytes(b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:John Smith Sr.\r\nEND:VCARD\r\n"
                       b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:John Smith Jr.\r\nEND:VCARD\r\n")
    code, out, err = invoke("import", "vcard", export)
    assert code == 0, err
    assert "id: john-smith\n" in out and "id: john-smith-2\n" in out
    assert "a different suffix (jr, not sr)" in err


def test_a_charset_guess_is_a_warning() -> None:
    code, _, err = invoke("import", "vcard", EXPORTS / "roundcube__thebat.vcf")
    assert code == 0, err
    assert "warning: some text is not UTF-8 and names no CHARSET; read as windows-1252" in err
    assert "Latin-2" in err


GROUPED = """\
contacts:
  - name: Rachel Goldberg
    groups:
      - tuesday breakfast   # since 2021
    company: Goldberg Family Law
settings:
  weekly_goal: 3
"""


def test_a_group_joins_a_block_list_and_new_contacts_go_before_the_next_section(
        tmp_path: Path) -> None:
    book = commented_book(tmp_path, GROUPED)
    export = tmp_path / "phone.vcf"
    org = b"ORG:Goldberg Family Law PLLC\r\n"
    export.write_bytes(VCARD.encode().replace(org, org + b"CATEGORIES:BNI\r\n"))
    code, diff, err = invoke("import", "vcard", export, "--into", book, "--patch")
    assert code == 0, err
    assert "\n       - tuesday breakfast   # since 2021\n+      - BNI\n" in diff
    assert "+  - name: Dana Fox\n" in diff
    code, _, err = invoke("import", "vcard", export, "--into", book)
    assert code == 0, err
    merged = (tmp_path / "contacts.merged.yaml").read_text(encoding="utf-8")
    assert merged.endswith("business: dentist\nsettings:\n  weekly_goal: 3\n")


@pytest.mark.parametrize("empty", ["contacts:\n", "contacts: []\n", "# none yet\ncontacts: []\n"])
def test_a_book_without_contacts_gets_a_block_list(tmp_path: Path, empty: str) -> None:
    book = commented_book(tmp_path, "me:\n  name: Ana Ortiz   # me\n" + empty)
    code, _, err = invoke("import", "vcard", vcards(tmp_path), "--into", book)
    assert code == 0, err
    merged = (tmp_path / "contacts.merged.yaml").read_text(encoding="utf-8")
    assert merged.startswith("me:\n  name: Ana Ortiz   # me\n")
    assert [c.id for c in load_book(tmp_path / "contacts.merged.yaml").contacts] == [
        "rachel-goldberg", "dana-fox"]


def test_a_flow_list_of_contacts_is_edited_whole(tmp_path: Path) -> None:
    book = commented_book(tmp_path, "# flow\ncontacts: [{name: Rachel Goldberg}]\n")
    code, _, err = invoke("import", "vcard", vcards(tmp_path), "--into", book)
    assert code == 0, err
    merged = load_book(tmp_path / "contacts.merged.yaml")
    assert merged.contacts[0].email == "rachel@goldberglaw.example"
    assert (tmp_path / "contacts.merged.yaml").read_text(encoding="utf-8").startswith("# flow\n")


def test_a_line_the_editor_cannot_keep_as_written_is_named(tmp_path: Path) -> None:
    book = commented_book(tmp_path, "contacts:\n  - name:    Rachel Goldberg\n"
                                    "    company: Goldberg Family Law\n")
    code, _, err = invoke("import", "vcard", vcards(tmp_path), "--into", book, "--patch")
    assert code == 0, err
    assert (f"warning: {book}: 1 line comes out re-indented or re-spaced (line 2) "
            "besides the merge; review the diff (--patch)") in err


def test_an_alias_to_another_contact_falls_back_to_the_whole_book(tmp_path: Path) -> None:
    book = commented_book(tmp_path, "contacts:\n  - name: Ann Lee\n    hobbies: &fun [golf]\n"
                                    "  - name: Rachel Goldberg\n    hobbies: *fun\n")
    code, _, err = invoke("import", "vcard", vcards(tmp_path), "--into", book)
    assert code == 0, err
    merged = (tmp_path / "contacts.merged.yaml").read_text(encoding="utf-8")
    assert merged.startswith("contacts:\n  - name: Ann Lee\n    hobbies: &fun [golf]\n"
                             "  - name: Rachel Goldberg\n    hobbies: *fun\n"
                             "    email: rachel@goldberglaw.example\n")


def test_a_patch_that_changes_nothing_prints_nothing(tmp_path: Path) -> None:
    book = commented_book(tmp_path)
    code, _, err = invoke("import", "vcard", vcards(tmp_path), "--into", book,
                          "--out", tmp_path / "merged.yaml")
    assert code == 0, err
    code, out, err = invoke("import", "vcard", vcards(tmp_path), "--into",
                            tmp_path / "merged.yaml", "--patch")
    assert (code, out) == (0, "")
    assert "no change to" in err and "added 0, merged 2 (filled 0 fields)" in err
