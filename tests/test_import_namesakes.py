"""Different people with similar names at one company are never merged into one.

Daniel Kim and Danielle Kim at Acme Corp, each with an address, used to import as one
contact, Danielle surviving only as "other email: ..." in Daniel's notes. A name match
now needs the given names to agree and at most one email between the two; a near miss
is reported on stderr as a possible duplicate, naming both, and both are imported.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from introducer.book.identity import given_names_agree
from introducer.cli.app import app
from tests.conftest import BookWriter

runner = CliRunner()

# (first, second, company): two people whom a fuzzy match at one company took for one.
NAMESAKES = [
    (("Daniel", "Kim", "daniel@acme.example"), ("Danielle", "Kim", "danielle@acme.example"),
     "Acme Corp"),
    (("Ivan", "Petrov", "ivan@volga.example"), ("Ivana", "Petrova", "ivana@volga.example"),
     "Volga Trading"),
    (("Maria", "Lopez", "maria@lopez.example"), ("Mario", "Lopez", "mario@lopez.example"),
     "Lopez Mediation"),
    (("Ann", "Lee", "ann@acme.example"), ("Anna", "Lee", "anna@acme.example"), "Acme Corp"),
]
Person = tuple[str, str, str]


def vcard(people: list[Person], company: str) -> str:
    return "".join(
        f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:{given} {family}\r\nN:{family};{given};;;\r\n"
        + (f"EMAIL:{email}\r\n" if email else "") + f"ORG:{company}\r\nEND:VCARD\r\n"
        for given, family, email in people)


def google(people: list[Person], company: str) -> str:
    rows = "".join(f"{given},,{family},{company},* myContacts,* Work,{email}\n"
                   for given, family, email in people)
    return ("First Name,Middle Name,Last Name,Organization Name,Labels,"
            "E-mail 1 - Label,E-mail 1 - Value\n" + rows)


def linkedin(people: list[Person], company: str) -> str:
    rows = "".join(f"{given},{family},https://www.linkedin.com/in/{given.lower()},{email},"
                   f"{company},Partner,12 Mar 2024\n" for given, family, email in people)
    return "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n" + rows


FORMATS = {"vcard": (vcard, "cards.vcf"), "google": (google, "google.csv"),
           "linkedin": (linkedin, "Connections.csv")}


def run_import(fmt: str, people: list[Person], company: str,
               *extra: str) -> tuple[int, list[str], str]:
    render, name = FORMATS[fmt]
    Path(name).write_text(render(people, company), encoding="utf-8")
    result = runner.invoke(app, ["import", fmt, name, *extra])
    out = result.stdout if not extra else Path("merged.yaml").read_text(encoding="utf-8")
    names = [c["name"] for c in yaml.safe_load(out)["contacts"]]
    return result.exit_code, names, result.stderr


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(("first", "second", "company"), NAMESAKES,
                         ids=[f"{a[0]}-{b[0]}" for a, b, _ in NAMESAKES])
def test_two_people_with_similar_names_stay_two(fmt: str, first: Person, second: Person,
                                                company: str) -> None:
    code, names, err = run_import(fmt, [first, second], company)
    assert code == 0, err
    assert names == [f"{first[0]} {first[1]}", f"{second[0]} {second[1]}"]
    assert "added 2, merged 0" in err and "1 possible duplicate" in err
    assert "other email" not in err
    first_id = f"{first[0]}-{first[1]}".lower()
    assert f'"{second[0]} {second[1]}": possible duplicate of {first_id} ' \
           f'("{first[0]} {first[1]}", ' in err
    assert "merge them by hand if they are one person" in err


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_namesake_already_in_the_book_is_kept_apart_and_named(
    fmt: str, write_book: BookWriter
) -> None:
    write_book([{"name": "Daniel Kim", "email": "daniel@acme.example", "company": "Acme Corp",
                 "business": "architect"}])
    code, names, err = run_import(fmt, [("Danielle", "Kim", "danielle@acme.example")],
                                  "Acme Corp", "--into", "contacts.yaml", "--out", "merged.yaml")
    assert code == 0, err
    assert names == ["Daniel Kim", "Danielle Kim"]
    assert ('"Danielle Kim": possible duplicate of daniel-kim ("Daniel Kim", in the book), '
            "not merged: a different given name") in err


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_same_name_with_two_different_emails_is_two_people(fmt: str) -> None:
    people = [("Sam", "Patel", "sam@acme.example"), ("Sam", "Patel", "sam.patel@acme.example")]
    code, names, err = run_import(fmt, people, "Acme Corp")
    assert code == 0, err
    assert names == ["Sam Patel", "Sam Patel"]
    assert ("possible duplicate of sam-patel (\"Sam Patel\", ") in err
    assert "not merged: a different email (sam.patel@acme.example, not sam@acme.example)" in err


@pytest.mark.parametrize("fmt", FORMATS)
def test_real_duplicates_still_merge(fmt: str, write_book: BookWriter) -> None:
    """The same email (any case), or the same name at the company with one email."""
    write_book([{"name": "Daniel Kim", "email": "daniel@acme.example", "company": "Acme Corp"},
                {"name": "Ivan Petrov", "company": "Acme Corp"}])
    people = [("Daniel", "Kim", "DANIEL@acme.example"), ("Ivan", "Petrov", "ivan@acme.example")]
    code, names, err = run_import(fmt, people, "Acme Corp", "--into", "contacts.yaml",
                                  "--out", "merged.yaml")
    assert code == 0, err
    assert names == ["Daniel Kim", "Ivan Petrov"]
    assert "added 0, merged 2 (filled" in err and "possible duplicate" not in err
    book = yaml.safe_load(Path("merged.yaml").read_text(encoding="utf-8"))["contacts"]
    assert [c.get("email") for c in book] == ["daniel@acme.example", "ivan@acme.example"]


def test_the_same_name_at_the_company_with_one_email_merges() -> None:
    people = [("Ivana", "Petrova", "ivana@volga.example"), ("Ivana", "Petrova", "")]
    code, names, err = run_import("vcard", people, "Volga Trading")
    assert code == 0, err
    assert names == ["Ivana Petrova"]
    assert "skipped 1 duplicate" in err and "possible duplicate" not in err


@pytest.mark.parametrize(("first", "second", "agree"), [
    ("maria lopez", "maria lopes", True),
    ("reed tom", "tom reed", True),
    ("daniel kim", "danielle kim", False),
    ("ann lee", "anna lee", False),
    ("j kim", "jane kim", False),
    ("thom reed", "tom reed", False),
])
def test_given_names_agree_only_when_they_are_the_same(first: str, second: str,
                                                      agree: bool) -> None:
    assert given_names_agree(first, second) is agree
