"""Merging imported records into a book, and writing the result as book YAML."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from introducer.book.check import check_book
from introducer.book.load import load_book
from introducer.book.schema import Contact, as_data
from introducer.importers.merge import (
    EXTRA_EMAIL_PREFIX,
    MergeResult,
    describe,
    merge_contacts,
)
from introducer.importers.preserve import merged_book_text
from introducer.importers.record import ImportedContact
from introducer.importers.write import render_book
from tests.conftest import BookWriter, make_book


def rec(
    name: str, *emails: str, origin: str = "test.vcf: card 1", **fields: Any
) -> ImportedContact:
    return ImportedContact(name=name, origin=origin, emails=list(emails), **fields)


def by_id(result: MergeResult) -> dict[str, Contact]:
    return {c.id: c for c in result.contacts}


BOOK = [
    {"name": "Maria Lopez", "email": "maria@lopezmediation.com", "company": "Lopez Mediation",
     "business": "divorce mediator", "groups": ["tuesday breakfast"], "closeness": 4,
     "last_contact": "2026-10-02", "notes": "Met at the chamber mixer."},
    {"name": "Tom Reed", "company": "Reed & Partners", "business": "matrimonial attorney"},
    {"name": "Zoë Ødegaard", "id": "zoe"},
]


# ── matching ────────────────────────────────────────────────────────────────

def test_duplicate_by_email_any_case_fills_only_empty_fields() -> None:
    book = make_book(BOOK)
    result = merge_contacts(book, [rec(
        "Maria L.", "MARIA@LopezMediation.com", company="Lopez Mediation",
        business="mediator", groups=["BNI", "Tuesday Breakfast"],
        met=dt.date(2026, 11, 1), notes="Likes sailing",
    )])
    assert result.added == ()
    [merged] = result.merged
    assert (merged.id, merged.by) == ("maria-lopez", "email")
    maria = by_id(result)["maria-lopez"]
    assert maria.name == "Maria Lopez" and maria.business == "divorce mediator"
    assert maria.closeness == 4
    assert maria.groups == ["tuesday breakfast", "BNI"]
    assert maria.last_contact == dt.date(2026, 11, 1)
    assert maria.notes == "Met at the chamber mixer.\nLikes sailing"
    assert merged.filled == ("last_contact", "groups", "notes")
    kept = {(c.field, c.kept, c.offered) for c in result.conflicts}
    assert kept == {("name", "Maria Lopez", "Maria L."),
                    ("business", "divorce mediator", "mediator")}
    assert all(c.kept_from == "book" for c in result.conflicts)


def test_older_last_contact_never_replaces_a_newer_one() -> None:
    result = merge_contacts(make_book(BOOK), [
        rec("Maria Lopez", "maria@lopezmediation.com", met=dt.date(2020, 1, 1))
    ])
    assert by_id(result)["maria-lopez"].last_contact == dt.date(2026, 10, 2)
    assert result.merged[0].filled == ()


def test_fuzzy_name_at_the_same_company_matches() -> None:
    result = merge_contacts(make_book(BOOK), [
        rec("Reed Tom", "tom@reed.law", company="Reed and Partners, LLC"),
        rec("Maria Lopes", company="lopez mediation", origin="test.vcf: card 2"),
    ])
    assert result.added == ()
    assert [(m.id, m.by) for m in result.merged] == [("tom-reed", "name"),
                                                     ("maria-lopez", "name")]
    tom = by_id(result)["tom-reed"]
    assert tom.email == "tom@reed.law"
    assert result.merged[0].filled == ("email",)
    assert result.possible == ()


def test_a_fuzzy_name_with_another_given_name_is_only_a_possible_duplicate() -> None:
    result = merge_contacts(make_book(BOOK), [
        rec("Thom Reed", company="reed & partners", origin="test.vcf: card 2"),
    ])
    assert result.added == ("thom-reed",) and result.merged == ()
    [possible] = result.possible
    assert (possible.other_id, possible.reason) == ("tom-reed", "a different given name")


def test_accented_name_without_company_matches_exactly_folded() -> None:
    result = merge_contacts(make_book(BOOK), [rec("Zoe Odegaard", "zoe@example.no")])
    assert result.added == ()
    assert by_id(result)["zoe"].email == "zoe@example.no"
    assert result.conflicts == (), "the same name without accents is no conflict"


def test_same_name_at_another_company_is_another_person() -> None:
    result = merge_contacts(make_book(BOOK), [rec("Tom Reed", company="Acme")])
    assert result.added == ("tom-reed-2",)
    assert by_id(result)["tom-reed"].company == "Reed & Partners"


def test_fuzzy_name_without_a_shared_company_is_not_a_match() -> None:
    result = merge_contacts(make_book(BOOK), [rec("Tom Reid"), rec("Maria Lopes", company="X")])
    assert result.added == ("tom-reid", "maria-lopes")


def test_extra_emails_go_to_notes_once() -> None:
    book = make_book(BOOK)
    first = merge_contacts(book, [rec("Maria Lopez", "maria@lopezmediation.com", "m@home.net")])
    maria = by_id(first)["maria-lopez"]
    assert maria.email == "maria@lopezmediation.com"
    assert maria.notes == f"Met at the chamber mixer.\n{EXTRA_EMAIL_PREFIX}m@home.net"
    again = merge_contacts(
        make_book([as_data(c, exclude_defaults=True) for c in first.contacts]),
        [rec("Maria Lopez", "M@HOME.net")],
    )
    assert again.merged[0].by == "email", "an address kept in notes still matches"
    assert again.merged[0].filled == ()


# ── duplicates inside one import ────────────────────────────────────────────

def test_duplicates_within_an_import_collapse_into_the_first() -> None:
    result = merge_contacts(None, [
        rec("Ann Lee", "ann@x.com", origin="a.csv: line 2", company="Acme", business="CEO"),
        rec("ANN LEE", origin="a.csv: line 3", company="Acme Inc.", groups=["golf"]),
        rec("Ann Lee", "Ann@X.com", origin="a.csv: line 4", business="CFO"),
    ])
    assert result.added == ("ann-lee",)
    assert result.merged == ()
    assert [(s.origin, s.duplicate_of) for s in result.skipped] == [
        ("a.csv: line 3", "ann-lee"), ("a.csv: line 4", "ann-lee")]
    assert result.skipped[0].filled == ("groups",)
    [conflict] = result.conflicts
    assert (conflict.field, conflict.kept, conflict.offered, conflict.kept_from) == (
        "business", "CEO", "CFO", "import")


# ── ids ─────────────────────────────────────────────────────────────────────

def test_new_ids_are_unique_and_existing_ids_never_change() -> None:
    book = make_book([{"name": "Sam Patel", "company": "Realty"},
                      {"name": "Other", "id": "sam-patel-2"}])
    result = merge_contacts(book, [
        rec("Sam Patel", company="Bakery"),
        rec("Sam  Patel", company="Garage", origin="x: 2"),
        rec("Ümit Ünal"),
        rec("???"),
    ])
    assert [c.id for c in result.contacts[:2]] == ["sam-patel", "sam-patel-2"]
    assert result.added == ("sam-patel-3", "sam-patel-4", "umit-unal", "contact")
    ids = [c.id.casefold() for c in result.contacts]
    assert len(ids) == len(set(ids))


def test_id_clash_is_case_insensitive() -> None:
    result = merge_contacts(make_book([{"name": "X", "id": "Ann-Lee"}]), [rec("Ann Lee")])
    assert result.added == ("ann-lee-2",)


# ── idempotence ─────────────────────────────────────────────────────────────

IMPORT = [
    rec("Ann Lee", "ann@x.com", "ann@home.org", company="Acme", groups=["golf"],
        notes="Met at DevConf", met=dt.date(2025, 5, 1), origin="f: 1"),
    rec("ann lee", company="ACME", business="CTO", groups=["BNI"], origin="f: 2"),
    rec("Bob Stone", origin="f: 3"),
    rec("Bob Stone", company="Harbor Bank", origin="f: 4"),
    rec("Maria Lopez", "maria@lopezmediation.com", "m@two.org", notes="sails", origin="f: 5"),
    rec("Tom Reed", company="Elsewhere", origin="f: 6"),
]


def test_importing_the_same_records_twice_adds_nothing(
    tmp_path: Path, write_book: BookWriter
) -> None:
    first = merge_contacts(make_book(BOOK), IMPORT)
    assert len(first.added) == 3
    path = tmp_path / "merged.yaml"
    path.write_text(render_book(first.contacts, sources=["f"]), encoding="utf-8")
    second = merge_contacts(load_book(path), IMPORT)
    assert second.added == ()
    assert second.skipped == ()
    assert len(second.merged) == len(IMPORT)
    assert second.fields_filled == 0
    assert second.contacts == first.contacts


def test_describe_reports_counts_and_one_line_per_conflict_and_skip() -> None:
    result = merge_contacts(make_book(BOOK), IMPORT)
    lines = describe(result)
    assert lines[0].startswith("added 3, merged 1 (filled 1 field), "
                               "skipped 2 duplicates, 0 conflicts kept from the book")
    assert len(lines) == 1 + len(result.conflicts) + len(result.skipped)
    assert any(line.startswith("f: 2:") and "duplicate of ann-lee" in line for line in lines)


def test_invalid_record_is_reported_not_imported() -> None:
    result = merge_contacts(None, [rec("Bad\x1b[2J"), rec("Good")])
    assert result.added == ("good",)
    [skipped] = result.invalid
    assert "control character" in skipped.reason
    assert "1 not imported" in describe(result)[0]


# ── writing ─────────────────────────────────────────────────────────────────

def test_written_book_passes_check_and_loads_back_the_same(
    tmp_path: Path, write_book: BookWriter
) -> None:
    original = load_book(write_book(
        [*BOOK, {"name": "Full", "clients": ["a, b", "c"], "events": [
            "relocation", {"event": "new baby", "date": "2026-09-01"}],
            "serves": [], "networker": "active", "introduce": "false",
            "network": ["referral"], "avoid": ["zoe"], "wants": ["NO"]}],
        me={"name": "Ana", "email": "ana@example.com"},
        settings={"weekly_goal": 3, "aliases": {"cpa": "accountant"},
                  "weights": {"wants": 7}},
    ))
    tricky = ["NO", "01234", "2026-01-01", "*star", "&anchor", "!tag", "a: b", "#hash",
              "yes", "~tilde", "- dash", "[x]", "{y}", "'q'", '"dq"', "@at", "%pc", "`bt`",
              "tab\there", "1e3", "0x1F", ".inf", "null value"]
    result = merge_contacts(original, [
        rec(value, company=value, business=value, groups=[value], notes=f"{value}\nline two",
            origin=f"t: {i}")
        for i, value in enumerate(tricky)
    ])
    before = original.path.read_text(encoding="utf-8")
    merged = merged_book_text(before, original, result, "x.vcf")
    assert merged.reformatted == ()
    text = merged.text
    assert text.startswith(before)
    out = tmp_path / "out.yaml"
    out.write_text(text, encoding="utf-8")
    loaded = load_book(out)
    assert loaded.contacts == result.contacts
    assert loaded.me == original.me and loaded.settings == original.settings
    assert [p for p in check_book(loaded) if p.severity == "error"] == []
    for value in tricky:
        shown = " ".join(value.split())  # the schema folds tabs in a name
        assert shown in [c["name"] for c in yaml.safe_load(text)["contacts"]], value


def test_written_contacts_keep_schema_order_and_flow_lists() -> None:
    result = merge_contacts(None, [rec("Ann Lee", "ann@x.com", groups=["golf", "BNI"],
                                       company="Acme", met=dt.date(2026, 1, 2))])
    text = render_book(result.contacts)
    assert "\nme:" not in text and "\nsettings:" not in text
    body = text.split("contacts:\n", 1)[1]
    assert body == ("- name: Ann Lee\n  id: ann-lee\n  email: ann@x.com\n  company: Acme\n"
                    "  last_contact: 2026-01-02\n  groups: [golf, BNI]\n")


names = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp", "Cf")),
    min_size=1, max_size=20,
).filter(lambda s: s.strip() and s.strip().casefold() not in {"~", "null", "none"})


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(names, names, names), min_size=1, max_size=5))
def test_any_imported_text_round_trips(tmp_path: Path, rows: list[tuple[str, str, str]]) -> None:
    result = merge_contacts(None, [
        rec(name, company=company, groups=[group], origin=f"p: {i}")
        for i, (name, company, group) in enumerate(rows)
    ])
    out = tmp_path / "prop.yaml"
    out.write_text(render_book(result.contacts), encoding="utf-8")
    assert load_book(out).contacts == result.contacts
