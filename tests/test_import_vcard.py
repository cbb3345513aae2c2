"""vCard import: every quirk of real exports, with fixtures written as bytes here."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest
import vobject
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from introducer.importers.record import ImportResult
from introducer.importers.vcard import read_vcards

REAL = Path(__file__).parents[2] / "shared" / "real-exports"


def read(data: bytes) -> ImportResult:
    return read_vcards(data, "t.vcf")


def only(data: bytes) -> ImportResult:
    """Read a one-card file and insist there is no error."""
    result = read(data)
    assert [p for p in result.problems if p.severity == "error"] == []
    assert len(result.contacts) == 1
    return result


def card(*lines: str, version: str = "3.0", eol: str = "\r\n") -> str:
    return eol.join(["BEGIN:VCARD", f"VERSION:{version}", *lines, "END:VCARD"]) + eol


# --- encodings and line ends ---------------------------------------------------------------


def test_iphone_cr_cr_lf_item_groups_labels_and_folded_photo() -> None:
    text = card(
        "N:Doe;John;;;",
        "FN:John Doe",
        "item1.EMAIL;type=INTERNET;type=pref:john@example.com",
        "item1.X-ABLabel:_$!<Other>!$_",
        "item2.URL;type=pref:http\\://www.example.com",
        "item2.X-ABLabel:_$!<HomePage>!$_",
        "PHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQSkZJRgABAQAAAQABAAD/4QBYRXhpZgAATU0AKgAA",
        " AAgAAgESAAMAAAABAAEAAIdpAAQAAAABAAAAJgAAAAAAA6ABAAMAAAABAAEAAKACAAQAAAABAA",
        "ORG:Acme;Sales",
        eol="\r\r\n",
    )
    result = only(text.encode())
    contact = result.contacts[0]
    assert contact.name == "John Doe"
    assert contact.emails == ["john@example.com"]
    assert contact.company == "Acme"
    assert contact.origin == "t.vcf: card 1"


def test_mac_bare_base64_param_folded_with_two_spaces_and_bare_cr() -> None:
    text = card(
        "FN:Jane Roe",
        "PHOTO;BASE64:",
        "  /9j/4AAQSkZJRgABAQAAAQABAAD/7QAcUGhvdG9zaG9wIDMuMAA4QklNBAQAAAAAAAD/2wBDAAEB",
        "  AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEB",
        "EMAIL;type=INTERNET;type=WORK:jane@example.com",
        eol="\r",
    )
    contact = only(text.encode()).contacts[0]
    assert (contact.name, contact.emails) == ("Jane Roe", ["jane@example.com"])


def test_mixed_case_begin_lf_and_utf8_bom() -> None:
    text = "BEGIN:vCard\nVERSION:3.0\nFN:Zoë Ångström\nEMAIL:zoe@example.com\nEND:vCard\n"
    contact = only(codecs.BOM_UTF8 + text.encode()).contacts[0]
    assert contact.name == "Zoë Ångström"


@pytest.mark.parametrize("codec", ["utf-16-be", "utf-16-le", "utf-16"])
def test_utf16_with_and_without_bom(codec: str) -> None:
    text = card("N:ĽdaMonté;Ǽgean;;;", "FN:Ǽgean ĽdaMonté", "EMAIL:e@example.com")
    contact = only(text.encode(codec)).contacts[0]
    assert (contact.name, contact.emails) == ("Ǽgean ĽdaMonté", ["e@example.com"])


def test_vcard21_windows_1252_charset() -> None:
    data = (
        b"BEGIN:VCARD\r\nVERSION:2.1\r\nN;CHARSET=windows-1252:Do\xeb;John;;;\r\n"
        b"FN;CHARSET=windows-1252:John Do\xeb \x80\r\nEMAIL;INTERNET:j@example.com\r\n"
        b"END:VCARD\r\n"
    )
    assert only(data).contacts[0].name == "John Doë €"


def test_undeclared_8bit_falls_back_to_windows_1252() -> None:
    data = b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ren\xe9e Dupr\xe9\r\nEND:VCARD\r\n"
    assert only(data).contacts[0].name == "Renée Dupré"


# --- vCard 2.1 quoted-printable and bare parameters ----------------------------------------


def test_qp_soft_line_breaks_with_utf8_charset() -> None:
    data = (
        b"BEGIN:VCARD\r\nVERSION:2.1\r\n"
        b"N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=C3=91u=C3=B1ez;Jos=C3=A9;;;\r\n"
        b"FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Jos=C3=A9 Mar=C3=ADa =C3=91u=\r\n"
        b"=C3=B1ez\r\n"
        b"NOTE;ENCODING=QUOTED-PRINTABLE:line one=0D=0A=\r\n"
        b"line two, with comma=\r\n"
        b"\r\n"
        b"TEL;WORK;VOICE:123\r\n"
        b"EMAIL;PREF;INTERNET:jose@example.com\r\n"
        b"CATEGORIES:Friends,Work\r\n"
        b"END:VCARD\r\n"
    )
    contact = only(data).contacts[0]
    assert contact.name == "José María Ñuñez"
    assert contact.notes == "line one\nline two, with comma"
    assert contact.emails == ["jose@example.com"]
    assert contact.groups == ["Friends", "Work"]


def test_latin1_quoted_printable_without_charset() -> None:
    data = (
        b"BEGIN:VCARD\r\nVERSION:2.1\r\nN;ENCODING=QUOTED-PRINTABLE:M=FCller;J=FCrgen\r\n"
        b"FN;QUOTED-PRINTABLE:J=FCrgen M=FCller\r\nEMAIL;PREF;INTERNET:jm@example.com\r\n"
        b"END:VCARD\r\n"
    )
    assert only(data).contacts[0].name == "Jürgen Müller"


def test_vcard21_comma_in_fn_is_literal() -> None:
    data = b"BEGIN:VCARD\r\nVERSION:2.1\r\nN:Doe;John;;;Jr.\r\nFN:John Doe, Jr.\r\nEND:VCARD\r\n"
    assert only(data).contacts[0].name == "John Doe, Jr."


# --- names ---------------------------------------------------------------------------------


def test_gmail_unescaped_comma_in_fn_keeps_whole_name() -> None:
    text = card("FN:John Doe, Jr.", "N:Doe;John;;;Jr.", "EMAIL;TYPE=INTERNET:jd@example.com")
    result = only(text.encode())
    assert result.contacts[0].name == "John Doe, Jr."
    assert result.problems == []


def test_cut_fn_is_rebuilt_from_n_with_a_warning() -> None:
    text = card("FN:John", "N:Doe;John;Q.;Dr.;PhD")
    result = only(text.encode())
    assert result.contacts[0].name == "Dr. John Q. Doe, PhD"
    assert any("looks cut" in p.message for p in result.problems)


def test_missing_fn_is_built_from_n() -> None:
    text = card("N:García Márquez;Gabriel;José;;", version="4.0")
    assert only(text.encode()).contacts[0].name == "Gabriel José García Márquez"


def test_fn_with_middle_name_omitted_is_kept() -> None:
    text = card("FN:Simon Perreault", "N:Perreault;Simon;Marc;;ing. jr,M.Sc.", version="4.0")
    result = only(text.encode())
    assert result.contacts[0].name == "Simon Perreault"
    assert result.problems == []


def test_no_name_falls_back_to_org_then_email_with_warnings() -> None:
    result = read((card("ORG:Apple Computer AG;") + card("EMAIL:x@example.com")).encode())
    assert [c.name for c in result.contacts] == ["Apple Computer AG", "x@example.com"]
    assert all(p.severity == "warning" for p in result.problems)


# --- fields --------------------------------------------------------------------------------


def test_fields_mapping_and_preferred_email_first() -> None:
    text = card(
        "FN:Maria Lopez",
        "EMAIL;TYPE=work:work@example.com",
        "EMAIL;TYPE=INTERNET,PREF:pref@example.com",
        "EMAIL:not an address",
        "EMAIL:PREF@example.com",
        "ORG:Lopez Mediation;Family",
        "ROLE:mediator",
        "CATEGORIES:tuesday breakfast,chamber",
        "CATEGORIES:chamber",
        "NOTE:Met at the mixer\\, 2024.\\nLikes sailing.",
    )
    result = read(text.encode())
    contact = result.contacts[0]
    assert contact.emails == ["pref@example.com", "work@example.com"]
    assert contact.company == "Lopez Mediation"
    assert contact.business == "mediator"
    assert contact.groups == ["tuesday breakfast", "chamber"]
    assert contact.notes == "Met at the mixer, 2024.\nLikes sailing."
    assert [p.severity for p in result.problems] == ["warning"]
    assert "not an address" in result.problems[0].message


def test_vcard4_pref_number_orders_emails_and_title_beats_role() -> None:
    text = card(
        "FN:A B",
        "EMAIL;PREF=2:two@example.com",
        "EMAIL:none@example.com",
        "EMAIL;PREF=1:one@example.com",
        "TITLE:CFO",
        "ROLE:finance",
        version="4.0",
    )
    contact = only(text.encode()).contacts[0]
    assert contact.emails == ["one@example.com", "two@example.com", "none@example.com"]
    assert contact.business == "CFO"


# --- broken input --------------------------------------------------------------------------


def test_two_cards_one_broken_the_other_still_imports() -> None:
    data = (
        card("FN:Good Person", "EMAIL:good@example.com")
        + "BEGIN:VCARD\r\nVERSION:3.0\r\n\x00\x01garbage without colon\r\nTEL:123\r\nEND:VCARD\r\n"
    ).encode()
    result = read(data)
    assert [c.name for c in result.contacts] == ["Good Person"]
    errors = [p for p in result.problems if p.severity == "error"]
    assert len(errors) == 1
    assert errors[0].file == "t.vcf"
    assert errors[0].line == 6
    assert "card 2" in errors[0].message


def test_vobject_failure_becomes_an_error_for_that_card_only(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real_read_one = vobject.readOne

    def flaky(text: str, **kwargs: object) -> object:
        if "Bad" in text:
            raise vobject.base.ParseError("boom")
        return real_read_one(text, **kwargs)

    monkeypatch.setattr("introducer.importers.vcard.vobject.readOne", flaky)
    result = read((card("FN:Bad One") + card("FN:Fine One")).encode())
    assert [c.name for c in result.contacts] == ["Fine One"]
    assert [(p.line, p.severity) for p in result.problems] == [(1, "error")]
    assert "card 1 cannot be read" in result.problems[0].message


def test_unterminated_card_is_read_with_a_warning() -> None:
    result = read(b"BEGIN:VCARD\nVERSION:3.0\nFN:Cut Off\n")
    assert [c.name for c in result.contacts] == ["Cut Off"]
    assert [p.severity for p in result.problems] == ["warning"]


@pytest.mark.parametrize("data", [b"", b"hello\nworld\n", b"\x00\xff\xfe\x00"])
def test_no_card_is_an_error_not_an_exception(data: bytes) -> None:
    result = read(data)
    assert result.contacts == []
    assert any(p.severity == "error" for p in result.problems)


# --- the real exports ----------------------------------------------------------------------

J = "john.doe@ibm.com"
EXPECTED: dict[str, list[tuple[str, list[str]]]] = {
    "ezvcard__John_Doe_ANDROID.vcf": [
        ("john.doe@company.com", ["john.doe@company.com"]),  # card has no FN/N: warned
        ("jane.doe@company.com", ["jane.doe@company.com"]),
        ("Ñ Ñ Ñ Ñ Ñ", []),
        ("Ñ Ñ Ñ Ñ Ñ Ñ Ñ Ñ Ñ Ñ Ñ", []),
        ("Ñ Ñ Ñ Ñ Ñ", ["bob@company.com"]),  # FN has 4 Ñ, N has 5: rebuilt from N, warned
        ("ÑÑÑÑ", ["henry@company.com"]),
    ],
    "ezvcard__John_Doe_GMAIL.vcf": [("Mr. John Richter, James Doe Sr.", [J])],
    "ezvcard__John_Doe_IPHONE.vcf": [("Mr. John Richter James Doe Sr.", [J])],
    "ezvcard__John_Doe_MAC_ADDRESS_BOOK.vcf": [("Mr. John Richter,James Doe Sr.", [J])],
    "ezvcard__outlook-2007.vcf": [("Mr. Michael Angstadt Jr.", ["mike.angstadt@gmail.com"])],
    "ezvcard__rfc2426-example.vcf": [
        ("Frank Dawson", ["Frank_Dawson@Lotus.com", "fdawson@earthlink.net"]),
        ("Tim Howes", ["howes@netscape.com"]),
    ],
    "ezvcard__rfc6350-example.vcf": [("Simon Perreault", ["simon.perreault@viagenie.ca"])],
    "khard__labels.vcf": [("labeled guy", [])],
    "khard__photov4.vcf": [("with photo v4", [])],
    "roundcube__apple.vcf": [("Apple Computer AG", [])],
    "roundcube__johndoe.vcf": [("John Doë", ["roundcube@gmail.com", "inbox@roundcube.net"])],
    "roundcube__thebat.vcf": [("Piotr Iksiñski", ["piotr.iksinski@somedomain.com"])],
    "roundcube__utf-16_sample.vcf": [("Ǽgean ĽdaMonté", [])],
}


@pytest.mark.skipif(not REAL.is_dir(), reason="shared real-exports folder not present")
def test_every_real_export_is_expected() -> None:
    assert sorted(p.name for p in REAL.glob("*.vcf")) == sorted(EXPECTED)


@pytest.mark.skipif(not REAL.is_dir(), reason="shared real-exports folder not present")
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_real_export_names_and_emails(name: str) -> None:
    result = read_vcards((REAL / name).read_bytes(), name)
    assert [(c.name, c.emails) for c in result.contacts] == EXPECTED[name]
    assert [p for p in result.problems if p.severity == "error"] == []


@pytest.mark.skipif(not REAL.is_dir(), reason="shared real-exports folder not present")
def test_real_exports_other_fields() -> None:
    outlook = read_vcards((REAL / "ezvcard__outlook-2007.vcf").read_bytes(), "o.vcf").contacts[0]
    assert (outlook.company, outlook.business) == ("TheCompany", "TheJobTitle")
    assert outlook.notes is not None and outlook.notes.startswith("This is the NOTE field")
    gmail = read_vcards((REAL / "ezvcard__John_Doe_GMAIL.vcf").read_bytes(), "g.vcf").contacts[0]
    assert (gmail.company, gmail.business) == ("IBM", "Money Counter")
    assert gmail.notes is not None and '"AS IS"' in gmail.notes
    assert gmail.notes.endswith("Favotire Color: Blue")


# --- property: what vobject writes, we read back -------------------------------------------

_name_chars = st.characters(
    blacklist_categories=("Cc", "Cs", "Zl", "Zp"), blacklist_characters="\x85"
)
_word = st.text(_name_chars, min_size=1, max_size=12).filter(lambda w: w.strip() != "")
_names = st.lists(_word, min_size=1, max_size=4).map(" ".join)


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(
    people=st.lists(
        st.tuples(_names, st.lists(st.emails(), min_size=0, max_size=3, unique=True)),
        min_size=1,
        max_size=5,
    )
)
def test_vobject_written_cards_keep_names_and_emails(
    people: list[tuple[str, list[str]]],
) -> None:
    chunks = []
    for name, emails in people:
        vc = vobject.vCard()
        words = name.split()
        vc.add("n").value = vobject.vcard.Name(family=" ".join(words[1:]), given=words[0])
        vc.add("fn").value = name
        for email in emails:
            vc.add("email").value = email
        chunks.append(vc.serialize())
    result = read_vcards("".join(chunks).encode("utf-8"), "p.vcf")
    assert [p for p in result.problems if p.severity == "error"] == []
    got = [(c.name, c.emails) for c in result.contacts]
    want = [(" ".join(n.split()), list(dict.fromkeys(e for e in es))) for n, es in people]
    # addresses that differ only by case are one address
    want = [(n, _dedupe_casefold(es)) for n, es in want]
    assert got == want


def _dedupe_casefold(emails: list[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for e in emails:
        if e.casefold() not in seen:
            seen.add(e.casefold())
            out.append(e)
    return out
