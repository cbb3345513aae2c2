"""CSV exports (Google, LinkedIn, Outlook): the right names and emails, or located problems."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from introducer.importers.csv_formats import (
    detect_format,
    read_google,
    read_linkedin,
    read_outlook,
)
from introducer.importers.record import ImportResult

REAL_EXPORTS = Path(__file__).parents[2] / "shared" / "real-exports"

GOOGLE_LEGACY = (
    "Name,Given Name,Additional Name,Family Name,Notes,Group Membership,"
    "E-mail 1 - Type,E-mail 1 - Value,E-mail 2 - Type,E-mail 2 - Value,"
    "Address 1 - Formatted,Organization 1 - Name,Organization 1 - Title\r\n"
    'Maria Lopez,Maria,,Lopez,"Met at the mixer.\r\nLikes sailing.",'
    "* myContacts ::: Mediators ::: * starred,Work,maria@lopez.example,"
    '* Home,maria.l@home.example ::: ml@old.example,"1 Main St\r\nSpringfield",'
    "Lopez Mediation,divorce mediator\r\n"
    ",Tom,Q.,Reed,,* My Contacts ::: * Friends,,tom@reed.example,,,,,\r\n"
    ",,,,,* My Contacts,,jo@nowhere.example,,,,,\r\n"
    ",,,,a note and nothing else,,,,,,,,\r\n"
    ",,,,,,,,,,,,\r\n"
)

GOOGLE_CURRENT = (
    "First Name,Middle Name,Last Name,Phonetic First Name,Name Prefix,Name Suffix,"
    "Nickname,File As,Organization Name,Organization Title,Organization Department,"
    "Birthday,Notes,Photo,Labels,E-mail 1 - Label,E-mail 1 - Value,E-mail 2 - Label,"
    "E-mail 2 - Value,Phone 1 - Label,Phone 1 - Value\n"
    'Zoë,,Ångström,,,Jr.,,,"Acme, Inc.",CFO,Finance,,,,'
    "* myContacts ::: Tuesday breakfast,* Work,zoe@acme.example,Home,"
    "zoe@home.example ::: zoe@acme.example,Mobile,+1 555 0100\n"
)

LINKEDIN_2020 = (
    "Notes:\n"
    '"When exporting your connection data, you may notice that some of the email '
    "addresses are missing. You will only see email addresses for connections who have "
    'allowed their connections to see or download their email address."\n'
    "\n"
    "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
    'Ana,Ortiz,https://www.linkedin.com/in/ana-ortiz,,"Ortiz, Reyes & Co",'
    "Partner,23 Nov 2024\n"
    ",,,,,,\n"
    "Ben,Okafor,https://www.linkedin.com/in/ben,ben@okafor.example,Okafor Law,"
    "Estate Attorney,11/23/24\n"
)

LINKEDIN_2024 = (
    "Notes:\n"
    '"When exporting your connection data, you may notice that some of the email '
    "addresses are missing. You will only see email addresses for connections who have "
    "allowed their connections to see or download their email address using this setting "
    'https://www.linkedin.com/psettings/privacy/email. You can learn more here"\n'
    "\n"
    "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
    "Chen,Wu,https://www.linkedin.com/in/chenwu,,Wu Realty,Realtor,2024-11-23\n"
    "Dee,Smith,https://www.linkedin.com/in/dee,,,,sometime last year\n"
)

LINKEDIN_NO_URL = (
    "First Name,Last Name,Email Address,Company,Position,Connected On\n"
    'Eve,Adams,,"Adams, Adams and Adams",Bookkeeper,05 Mar 2021\n'
    "\n"
)

OUTLOOK_DESKTOP = (
    '"Title","First Name","Middle Name","Last Name","Suffix","Company","Department",'
    '"Job Title","Business Street","E-mail Address","E-mail Type","E-mail Display Name",'
    '"E-mail 2 Address","E-mail 3 Address","Categories","Notes"\r\n'
    '"Dr.","Grace","B.","Hopper","","Navy","Research","Rear Admiral","1 Pentagon",'
    '"grace@navy.example","SMTP","Grace Hopper","ghopper@home.example","",'
    '"Business;Tuesday breakfast","Invented the compiler.\r\nLoves nanoseconds."\r\n'
    '"","Hal","","Nine","","","","","","/o=ExchangeLabs/ou=Exchange/cn=Recipients/cn=hal",'
    '"EX","Hal","","","",""\r\n'
)

OUTLOOK_COM_SEMICOLON = (
    "First Name;Middle Name;Last Name;Title;Suffix;Nickname;E-mail Address;"
    "E-mail 2 Address;E-mail 3 Address;Home Phone;Company;Department;Job Title;"
    "Categories;Notes\n"
    "Jürgen;;Müller;;;;juergen@mueller.example;;;;Müller GmbH;;Steuerberater;"
    '"Kunden; Golf";"Sagt, was er denkt"\n'
    ";;;;;;info@firma.example;;;;Firma AG;;;;\n"
)


def _bom(text: str) -> bytes:
    return codecs.BOM_UTF8 + text.encode("utf-8")


def _names(result: ImportResult) -> list[str]:
    return [contact.name for contact in result.contacts]


def _warnings(result: ImportResult) -> list[str]:
    return [str(p) for p in result.problems if p.severity == "warning"]


def _errors(result: ImportResult) -> list[str]:
    return [str(p) for p in result.problems if p.severity == "error"]


# --- Google ----------------------------------------------------------------------


def test_google_legacy_with_bom_multi_values_and_multiline_fields() -> None:
    result = read_google(_bom(GOOGLE_LEGACY), "google.csv")
    assert _names(result) == ["Maria Lopez", "Tom Q. Reed", "jo"]
    maria, tom, jo = result.contacts
    # Google marks the primary address with "* ": it comes first.
    assert maria.emails == ["maria.l@home.example", "ml@old.example", "maria@lopez.example"]
    assert maria.company == "Lopez Mediation"
    assert maria.business == "divorce mediator"
    assert maria.groups == ["Mediators"]
    assert maria.notes == "Met at the mixer.\nLikes sailing."
    assert maria.origin == "google.csv: line 2"
    assert tom.groups == ["Friends"]
    assert tom.origin == "google.csv: line 5"
    assert jo.emails == ["jo@nowhere.example"]
    assert _warnings(result) == [
        "google.csv:6: contact \"jo\": warning: no name; using 'jo' from the email address",
        "google.csv:7: warning: skipped: row has neither a name nor an email address",
    ]


def test_google_current_layout() -> None:
    result = read_google(GOOGLE_CURRENT.encode("utf-8"), "contacts.csv")
    assert result.problems == []
    (zoe,) = result.contacts
    assert zoe.name == "Zoë Ångström Jr."
    assert zoe.emails == ["zoe@acme.example", "zoe@home.example"]
    assert (zoe.company, zoe.business) == ("Acme, Inc.", "CFO")
    assert zoe.groups == ["Tuesday breakfast"]
    assert zoe.notes is None


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_full_of_non_latin_names(codec: str) -> None:
    """一 is U+4E00 and Ѐ U+0400: the odd NUL on the 'wrong' side must not hide UTF-16."""
    people = "".join(f"{first},{last},,,{company},一级 经理,2024-11-23\n"
                     for first, last, company in [("一郎", "山田", "一心 Realty"),
                                                  ("Ѐлена", "Ѐрмак", "Ѐнерго"),
                                                  ("丁一", "王", "一建")] * 8)
    header = "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
    result = read_linkedin((header + people).encode(codec), "Connections.csv")
    assert _names(result)[:3] == ["一郎 山田", "Ѐлена Ѐрмак", "丁一 王"]
    assert len(result.contacts) == 24


def test_google_windows_1252_falls_back_with_a_warning() -> None:
    data = GOOGLE_CURRENT.replace("Ångström", "Müller").encode("windows-1252")
    result = read_google(data, "old.csv")
    assert _names(result) == ["Zoë Müller Jr."]
    [warning] = _warnings(result)
    assert warning.startswith("old.csv: warning: not UTF-8; read as windows-1252 (Western")
    assert "Latin-2" in warning


def test_google_without_a_header_is_an_error() -> None:
    result = read_google(LINKEDIN_2024.encode(), "x.csv")
    assert result.contacts == []
    assert _errors(result) == ["x.csv: no Google CSV header line found"]


def test_unbalanced_quote_keeps_earlier_rows_and_names_the_line() -> None:
    data = GOOGLE_CURRENT + 'Al,,Bo,,,,,,,,,,"never closed\nCy,,Do,,,,,,,,,,\n'
    result = read_google(data.encode(), "cut.csv")
    assert _names(result) == ["Zoë Ångström Jr."]
    assert _errors(result) == [
        "cut.csv:3: a quote opened on this line is never closed; skipped the rest of the file"
    ]


def test_stray_quotes_are_read_leniently() -> None:
    data = GOOGLE_CURRENT + 'Jo "JJ,,"Bo"b,,,,,,,,,,\n'
    result = read_google(data.encode(), "odd.csv")
    assert _names(result) == ["Zoë Ångström Jr.", 'Jo "JJ Bob']
    assert result.problems == []


# --- LinkedIn --------------------------------------------------------------------


def test_linkedin_2020_preamble_quoted_company_and_dates() -> None:
    result = read_linkedin(LINKEDIN_2020.encode(), "Connections.csv")
    assert result.problems == []
    ana, ben = result.contacts
    assert (ana.name, ana.emails, ana.company) == ("Ana Ortiz", [], "Ortiz, Reyes & Co")
    assert ana.business == "Partner"
    assert ana.met == dt.date(2024, 11, 23)
    assert ana.notes == "LinkedIn: https://www.linkedin.com/in/ana-ortiz"
    assert ana.origin == "Connections.csv: line 5"
    assert (ben.name, ben.emails) == ("Ben Okafor", ["ben@okafor.example"])
    assert ben.met == dt.date(2024, 11, 23)
    assert ben.origin == "Connections.csv: line 7"


def test_linkedin_2024_preamble_iso_date_and_unknown_date() -> None:
    result = read_linkedin(_bom(LINKEDIN_2024), "Connections.csv")
    assert _names(result) == ["Chen Wu", "Dee Smith"]
    assert result.contacts[0].met == dt.date(2024, 11, 23)
    assert result.contacts[1].met is None
    assert _warnings(result) == [
        "Connections.csv:6: warning: 'Connected On' 'sometime last year' is not a date I know;"
        " left out"
    ]


def test_linkedin_layout_without_url() -> None:
    result = read_linkedin(LINKEDIN_NO_URL.encode(), "Connections.csv")
    assert result.problems == []
    (eve,) = result.contacts
    assert (eve.name, eve.company, eve.notes) == ("Eve Adams", "Adams, Adams and Adams", None)
    assert eve.met == dt.date(2021, 3, 5)


# --- Outlook ---------------------------------------------------------------------


def test_outlook_desktop_utf16_with_exchange_address() -> None:
    result = read_outlook(OUTLOOK_DESKTOP.encode("utf-16"), "outlook.csv")
    grace, hal = result.contacts
    assert grace.name == "Grace B. Hopper"
    assert grace.emails == ["grace@navy.example", "ghopper@home.example"]
    assert (grace.company, grace.business) == ("Navy", "Rear Admiral")
    assert grace.groups == ["Business", "Tuesday breakfast"]
    assert grace.notes == "Invented the compiler.\nLoves nanoseconds."
    assert (hal.name, hal.emails) == ("Hal Nine", [])
    assert [p.line for p in result.problems] == [4]
    assert "not an email address" in result.problems[0].message


def test_outlook_com_semicolon_delimited() -> None:
    result = read_outlook(OUTLOOK_COM_SEMICOLON.encode("utf-8"), "outlook.com.csv")
    juergen, info = result.contacts
    assert (juergen.name, juergen.emails) == ("Jürgen Müller", ["juergen@mueller.example"])
    assert (juergen.company, juergen.business) == ("Müller GmbH", "Steuerberater")
    assert juergen.groups == ["Kunden", "Golf"]
    assert juergen.notes == "Sagt, was er denkt"
    assert (info.name, info.company) == ("info", "Firma AG")
    assert _warnings(result) == [
        "outlook.com.csv:3: contact \"info\": warning: no name; using 'info' from the email address"
    ]


# --- detection -------------------------------------------------------------------

VCARD = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ana Ortiz\r\nEND:VCARD\r\n"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (VCARD.encode(), "vcard"),
        (VCARD.lower().encode("utf-16"), "vcard"),
        (VCARD.encode("utf-16-be"), "vcard"),
        (VCARD.replace("\r\n", "\r\r\n").encode(), "vcard"),
        (_bom(GOOGLE_LEGACY), "google"),
        (GOOGLE_CURRENT.encode(), "google"),
        (LINKEDIN_2020.encode(), "linkedin"),
        (LINKEDIN_2024.encode(), "linkedin"),
        (LINKEDIN_NO_URL.encode(), "linkedin"),
        (OUTLOOK_DESKTOP.encode("utf-16"), "outlook"),
        (OUTLOOK_COM_SEMICOLON.encode("windows-1252"), "outlook"),
        (b"name,phone\nAna,123\n", None),
        (b"", None),
        (b"\x00\xff\xfe garbage", None),
    ],
)
def test_detect_format(data: bytes, expected: str | None) -> None:
    assert detect_format(data) == expected


# --- real exports from other projects ---------------------------------------------


@pytest.fixture
def real_exports() -> Path:
    if not REAL_EXPORTS.is_dir():
        pytest.skip(f"{REAL_EXPORTS} not present")
    return REAL_EXPORTS


def test_real_roundcube_gmail_legacy(real_exports: Path) -> None:
    data = (real_exports / "roundcube__gmail_legacy_google.csv").read_bytes()
    assert detect_format(data) == "google"
    result = read_google(data, "gmail.csv")
    assert result.problems == []
    (john,) = result.contacts
    assert john.name == "Prefix Firstname Middle Lastname Suffix"
    assert john.emails == [
        "home@aaa.pl",
        "work@email.pl",
        "unknown@email.com",
        "other@email.com",
    ]
    assert (john.company, john.business) == ("company", "jobtitle")
    assert john.groups == ["Test"]
    assert john.notes == 'note"note'


def test_real_linkedin_preamble_and_header_only(real_exports: Path) -> None:
    data = (real_exports / "linkedin__Connections_preamble_and_header_only.csv").read_bytes()
    assert detect_format(data) == "linkedin"
    result = read_linkedin(data, "Connections.csv")
    assert result == ImportResult()


# --- property: what the csv module writes in each layout reads back -----------------

_name_part = st.text(
    st.characters(blacklist_categories=("Cs", "Cc", "Zs", "Zl", "Zp")),
    min_size=1,
    max_size=12,
)
_person = st.tuples(
    _name_part,
    _name_part,
    st.lists(st.emails(), min_size=1, max_size=3, unique=True),
    st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=40),
)
Person = tuple[str, str, list[str], str]
Layout = Callable[[list[Person]], tuple[bytes, Callable[[bytes, str], ImportResult]]]


def _csv(rows: list[list[str]], delimiter: str = ",") -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows(rows)
    return out.getvalue()


def _google_legacy(people: list[Person]) -> bytes:
    header = ["Name", "Given Name", "Family Name", "Notes", "E-mail 1 - Type", "E-mail 1 - Value"]
    rows = [[f"{a} {b}", a, b, notes, "", " ::: ".join(mails)] for a, b, mails, notes in people]
    return _bom(_csv([header, *rows]))


def _google_current(people: list[Person]) -> bytes:
    header = ["First Name", "Last Name", "Labels", "Notes"]
    header += [f"E-mail {n} - {part}" for n in (1, 2, 3) for part in ("Label", "Value")]
    rows = []
    for first, last, mails, notes in people:
        cells = [first, last, "* myContacts", notes]
        for n in range(3):
            cells += ["", mails[n] if n < len(mails) else ""]
        rows.append(cells)
    return _csv([header, *rows]).encode()


def _linkedin(people: list[Person]) -> bytes:
    preamble = 'Notes:\n"Some emails may be missing, see https://example.com/x,y"\n\n'
    header = [
        "First Name",
        "Last Name",
        "URL",
        "Email Address",
        "Company",
        "Position",
        "Connected On",
    ]
    rows = [[a, b, "", "; ".join(mails), notes, "", "23 Nov 2024"] for a, b, mails, notes in people]
    return (preamble + _csv([header, *rows])).encode()


def _outlook(people: list[Person], delimiter: str = ",") -> bytes:
    header = [
        "Title",
        "First Name",
        "Middle Name",
        "Last Name",
        "Suffix",
        "Company",
        "Job Title",
        "E-mail Address",
        "E-mail 2 Address",
        "E-mail 3 Address",
        "Categories",
        "Notes",
    ]
    rows = []
    for first, last, mails, notes in people:
        padded = [*mails, "", "", ""][:3]
        rows.append(["", first, "", last, "", "", "", *padded, "", notes])
    return _csv([header, *rows], delimiter).encode("utf-16")


LAYOUTS: dict[str, tuple[Callable[[list[Person]], bytes], str]] = {
    "google legacy": (_google_legacy, "google"),
    "google current": (_google_current, "google"),
    "linkedin": (_linkedin, "linkedin"),
    "outlook": (_outlook, "outlook"),
    "outlook ;": (lambda people: _outlook(people, ";"), "outlook"),
}
READERS = {"google": read_google, "linkedin": read_linkedin, "outlook": read_outlook}


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(people=st.lists(_person, min_size=1, max_size=5))
def test_written_then_read_keeps_names_and_emails(layout: str, people: list[Person]) -> None:
    write, fmt = LAYOUTS[layout]
    data = write(people)
    assert detect_format(data) == fmt
    result = READERS[fmt](data, "generated.csv")
    assert _errors(result) == []
    assert [(c.name, c.emails) for c in result.contacts] == [
        (f"{first} {last}", mails) for first, last, mails, _ in people
    ]


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
               max_size=300),
       st.sampled_from(["utf-16-le", "utf-16-be"]))
@settings(suppress_health_check=[HealthCheck.too_slow])
def test_utf16_detection_on_mostly_ascii_text_and_never_on_utf8(text: str, codec: str) -> None:
    from introducer.importers.encoding import utf16_without_bom

    line = "First Name,Last Name,Email Address,Company\n" + text
    assert utf16_without_bom(line.encode(codec)) == codec
    assert utf16_without_bom(line.encode("utf-8")) is None
    assert utf16_without_bom(line.encode("windows-1252", errors="replace")) is None
