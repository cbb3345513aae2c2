"""What scripts rely on: CSV numbers that parse as numbers, `contacts` that finds by meaning."""

from __future__ import annotations

import csv
import io
import json

from typer.testing import CliRunner

from introducer.cli.app import app
from tests.conftest import EXAMPLE_BOOK, BookWriter

runner = CliRunner()


def invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


PEOPLE = [
    {"name": "Rita Park", "business": "real estate agent", "groups": ["BNI Tuesday"]},
    {"name": "Carl Ames", "business": "CPA", "groups": ["bni tuesday", "rotary"]},
    {"name": "Olga Orth", "business": "orthodontist"},
    {"name": "Dan Dent", "business": "family dentist", "groups": ["Rotary"]},
    {"name": "Sam Realtor", "business": "plumber"},
]


def ids(out: str) -> list[str]:
    return [c["id"] for c in json.loads(out)["contacts"]]


def test_explain_csv_points_are_numbers() -> None:
    code, out, err = invoke("--book", str(EXAMPLE_BOOK), "explain", "Maria Lopez", "Tom Reed",
                            "--format", "csv")
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows and all(not row["points"].startswith("'") for row in rows)
    assert sum(float(row["points"]) for row in rows) != 0


def test_a_formula_is_still_guarded_but_a_number_is_not(write_book: BookWriter) -> None:
    book = write_book([{"name": "-1", "hobbies": ["chess"]},
                       {"name": "-1+cmd", "hobbies": ["chess"]}])
    code, out, _ = invoke("--book", str(book), "contacts", "--format", "csv")
    assert code == 0
    names = [row["name"] for row in csv.DictReader(io.StringIO(out))]
    assert names == ["-1", "'-1+cmd"]


def test_contacts_finds_a_line_of_work_by_its_other_names(write_book: BookWriter) -> None:
    book = str(write_book(PEOPLE, settings={"aliases": {"bean counter": "accountant"}}))
    code, out, err = invoke("--book", book, "contacts", "realtor", "--format", "json")
    assert code == 0, err
    assert ids(out) == ["sam-realtor", "rita-park"]  # the name first, then the line of work
    code, out, _ = invoke("--book", book, "contacts", "bean counter", "--format", "json")
    assert ids(out) == ["carl-ames"]  # the book's alias, then the table's CPA = accountant
    code, out, _ = invoke("--book", book, "contacts", "dentist", "--format", "json")
    assert ids(out) == ["dan-dent", "olga-orth"]


def test_contacts_group_filters_members(write_book: BookWriter) -> None:
    book = str(write_book(PEOPLE))
    code, out, _ = invoke("--book", book, "contacts", "--group", "BNI tuesday", "--format", "json")
    assert (code, ids(out)) == (0, ["rita-park", "carl-ames"])
    code, out, _ = invoke("--book", book, "contacts", "dentist", "-g", "rotary",
                          "--format", "json")
    assert (code, ids(out)) == (0, ["dan-dent"])


def test_a_failed_search_prints_nothing_on_stdout(write_book: BookWriter) -> None:
    book = str(write_book(PEOPLE))
    for args, message in (
        (["zzzzqqq"], 'no contact matches "zzzzqqq"'),
        (["--group", "chess club"], 'no contact is in group "chess club"'),
        (["plumber", "--group", "rotary"], 'no contact in group "rotary" matches "plumber"'),
    ):
        for output in ("table", "csv", "json"):
            code, out, err = invoke("--book", book, "contacts", *args, "--format", output)
            assert (code, out) == (1, ""), (args, output)
            assert err.strip() == message
