"""`introducer import` as a user and a script see it: files written (or not), report, exits."""

from __future__ import annotations

from pathlib import Path

import yaml
from typer.testing import CliRunner

from introducer.book.load import load_book
from introducer.cli.app import app
from tests.conftest import BookWriter

runner = CliRunner()


def invoke(*args: str | Path) -> tuple[int, str, str]:
    result = runner.invoke(app, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


VCARDS = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ann Lee\r\nN:Lee;Ann;;;\r\n"
    "EMAIL;TYPE=INTERNET:ann@acme.com\r\nORG:Acme\r\nTITLE:CEO\r\nEND:VCARD\r\n"
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Bob Stone\r\nN:Stone;Bob;;;\r\n"
    "EMAIL:bob@harbor.example\r\nEND:VCARD\r\n"
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ann Lee\r\nN:Lee;Ann;;;\r\n"
    "EMAIL:ANN@acme.com\r\nNOTE:golf partner\r\nEND:VCARD\r\n"
)

LINKEDIN = (
    "Notes:\n"
    '"When exporting your connection data, you may notice that some of the email '
    'addresses are missing."\n'
    "\n"
    "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
    "Ann,Lee,https://www.linkedin.com/in/annlee,,Acme Inc.,Chief Executive,12 Mar 2024\n"
    "Cara,Diaz,https://www.linkedin.com/in/cara,cara@diaz.example,Diaz CPA,accountant,"
    "01 Jan 2025\n"
)

BOOK = [
    {"name": "Ann Lee", "company": "Acme", "business": "chief executive officer",
     "closeness": 4},
    {"name": "Peter Lang", "email": "peter@lang.law", "business": "elder law attorney"},
]


def exports(tmp_path: Path) -> tuple[Path, Path]:
    phone = tmp_path / "phone.vcf"
    phone.write_bytes(VCARDS.encode())
    linkedin = tmp_path / "Connections.csv"
    linkedin.write_text(LINKEDIN, encoding="utf-8")
    return phone, linkedin


def test_without_into_prints_a_book_of_the_imported_contacts(tmp_path: Path) -> None:
    phone, _ = exports(tmp_path)
    code, out, err = invoke("import", "vcard", phone)
    assert code == 0, err
    data = yaml.safe_load(out)
    assert set(data) == {"contacts"}
    assert [c["name"] for c in data["contacts"]] == ["Ann Lee", "Bob Stone"]
    assert "added 2, merged 0" in err and "skipped 1 duplicate" in err
    assert "duplicate of ann-lee" in err
    (tmp_path / "out.yaml").write_text(out, encoding="utf-8")
    assert len(load_book(tmp_path / "out.yaml").contacts) == 2


def test_auto_detects_vcard_and_linkedin(tmp_path: Path) -> None:
    phone, linkedin = exports(tmp_path)
    code, out, err = invoke("import", "auto", phone)
    assert code == 0, err
    assert "read as vcard" in err
    code, out, err = invoke("import", "auto", linkedin)
    assert code == 0, err
    assert "read as linkedin" in err
    names = [c["name"] for c in yaml.safe_load(out)["contacts"]]
    assert names == ["Ann Lee", "Cara Diaz"]


def test_auto_on_an_unknown_file_names_it_and_exits_1(tmp_path: Path) -> None:
    odd = tmp_path / "notes.txt"
    odd.write_text("just some text\n", encoding="utf-8")
    code, out, err = invoke("import", "auto", odd)
    assert code == 1
    assert "notes.txt" in err and out == ""


def test_missing_file_exits_1(tmp_path: Path) -> None:
    code, _, err = invoke("import", "vcard", tmp_path / "nope.vcf")
    assert code == 1
    assert "nope.vcf: no such file" in err


def test_unknown_format_is_a_usage_error(tmp_path: Path) -> None:
    phone, _ = exports(tmp_path)
    code, _, _ = invoke("import", "palm", phone)
    assert code == 2


def test_into_writes_a_new_merged_file_and_never_the_book(
    tmp_path: Path, write_book: BookWriter
) -> None:
    book = write_book(BOOK)
    before = book.read_bytes()
    phone, linkedin = exports(tmp_path)
    code, out, err = invoke("import", "vcard", phone, "--into", book)
    assert code == 0, err
    assert out == ""
    assert book.read_bytes() == before
    merged = tmp_path / "contacts.merged.yaml"
    loaded = load_book(merged)
    ann = next(c for c in loaded.contacts if c.id == "ann-lee")
    assert ann.email == "ann@acme.com"
    assert ann.business == "chief executive officer", "the book's value wins"
    assert ann.closeness == 4
    # Both Ann cards match the book's Ann: email filled, then the note.
    assert "added 1, merged 2 (filled 2 fields), skipped 0 duplicates" in err
    assert "1 conflict kept from the book" in err
    assert "kept business 'chief executive officer' from the book, not 'CEO'" in err

    # The second step of the story: LinkedIn into the merged book, to yet another file.
    code, _, err = invoke("import", "linkedin", linkedin, "--into", merged,
                          "--out", tmp_path / "final.yaml")
    assert code == 0, err
    final = load_book(tmp_path / "final.yaml")
    assert [c.id for c in final.contacts] == ["ann-lee", "peter-lang", "bob-stone", "cara-diaz"]
    text = (tmp_path / "final.yaml").read_text(encoding="utf-8")
    assert f"# Imported from {phone} by" in text and f"# Imported from {linkedin} by" in text
    assert "added 1, merged 1" in err


def test_importing_the_same_file_twice_adds_nothing(
    tmp_path: Path, write_book: BookWriter
) -> None:
    book = write_book(BOOK)
    phone, _ = exports(tmp_path)
    assert invoke("import", "vcard", phone, "--into", book)[0] == 0
    merged = tmp_path / "contacts.merged.yaml"
    code, _, err = invoke("import", "vcard", phone, "--into", merged, "--out",
                          tmp_path / "again.yaml")
    assert code == 0, err
    assert "added 0, merged 3 (filled 0 fields), skipped 0 duplicates" in err
    assert load_book(tmp_path / "again.yaml").contacts == load_book(merged).contacts


def test_refuses_to_overwrite_and_hints_at_out(tmp_path: Path, write_book: BookWriter) -> None:
    book = write_book(BOOK)
    phone, _ = exports(tmp_path)
    target = tmp_path / "contacts.merged.yaml"
    target.write_text("mine\n", encoding="utf-8")
    code, _, err = invoke("import", "vcard", phone, "--into", book)
    assert code == 1
    assert "already exists" in err and "--out" in err
    assert target.read_text(encoding="utf-8") == "mine\n"


def test_refuses_to_write_the_book_itself(tmp_path: Path, write_book: BookWriter) -> None:
    book = write_book(BOOK)
    before = book.read_bytes()
    phone, _ = exports(tmp_path)
    for out in (book, Path("./contacts.yaml"), tmp_path / "sub" / ".." / "contacts.yaml"):
        code, _, err = invoke("import", "vcard", phone, "--into", book, "--out", out)
        assert code == 1
        assert "the book itself" in err
    assert book.read_bytes() == before


def test_dry_run_writes_nothing_and_prints_the_report(
    tmp_path: Path, write_book: BookWriter
) -> None:
    book = write_book(BOOK)
    phone, _ = exports(tmp_path)
    before = sorted(p.name for p in tmp_path.iterdir())
    code, out, err = invoke("import", "vcard", phone, "--into", book, "--dry-run")
    assert code == 0, err
    assert out == ""
    assert "added 1, merged 2" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    code, out, err = invoke("import", "vcard", phone, "--dry-run")
    assert (code, out) == (0, "")
    assert "added 2" in err


def test_a_broken_book_is_reported_and_nothing_is_written(tmp_path: Path) -> None:
    book = tmp_path / "contacts.yaml"
    book.write_text("contacts:\n  - name: Ann\n    hobbys: [golf]\n", encoding="utf-8")
    phone, _ = exports(tmp_path)
    code, _, err = invoke("import", "vcard", phone, "--into", book)
    assert code == 1
    assert "contacts.yaml:3" in err and "hobbys" in err
    assert not (tmp_path / "contacts.merged.yaml").exists()


def test_bad_records_are_reported_with_file_and_line_and_the_rest_imported(
    tmp_path: Path,
) -> None:
    broken = tmp_path / "phone.vcf"
    broken.write_bytes((
        "BEGIN:VCARD\r\nVERSION:3.0\r\nEND:VCARD\r\n" + VCARDS
    ).encode())
    code, out, err = invoke("import", "vcard", broken)
    assert code == 0, err
    assert "phone.vcf:1:" in err
    assert [c["name"] for c in yaml.safe_load(out)["contacts"]] == ["Ann Lee", "Bob Stone"]
