"""Google, LinkedIn and Outlook CSV exports mapped to ImportedContact, plus format detection.

Columns are looked up by name, never by position: every exporter has reordered,
added or dropped columns over the years (LinkedIn's URL column, Google's two
layouts, Outlook desktop versus outlook.com).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable

from introducer.errors import Problem
from introducer.importers.csv_table import (
    Decoded,
    HeaderTest,
    Row,
    decode,
    find_header,
    read_rows,
)
from introducer.importers.record import ImportedContact, ImportResult

GOOGLE_MULTI = ":::"
GOOGLE_SYSTEM_LABELS = frozenset({"mycontacts", "starred"})
# A line of its own; line ends may be LF, CRLF, CR or iPhone's CR CR LF.
_VCARD_BEGIN = re.compile(r"(?:^|[\r\n])[ \t]*begin[ \t]*:[ \t]*vcard[ \t]*(?:[\r\n]|$)", re.I)
_DATE_FORMATS = ("%d %b %Y", "%d %B %Y", "%m/%d/%y", "%m/%d/%Y", "%Y-%m-%d", "%d-%b-%y")


def _is_google(columns: list[str]) -> bool:
    """Name parts of either layout plus a column only Google writes."""
    cols = set(columns)
    names = {"given name", "family name"} <= cols or {"first name", "last name"} <= cols
    google_only = {"e-mail 1 - value", "group membership", "labels"}
    return names and bool(google_only & cols)


def _is_linkedin(columns: list[str]) -> bool:
    """LinkedIn's header starts `First Name,Last Name` and has no hyphenated e-mail column."""
    return columns[:2] == ["first name", "last name"] and bool(
        {"connected on", "position"} & set(columns)
    )


def _is_outlook(columns: list[str]) -> bool:
    cols = set(columns)
    names = {"first name", "last name"} <= cols
    return names and bool({"e-mail address", "job title", "categories"} & cols)


_HEADER_TESTS: tuple[tuple[str, HeaderTest], ...] = (
    ("linkedin", _is_linkedin),
    ("google", _is_google),
    ("outlook", _is_outlook),
)


def detect_format(data: bytes) -> str | None:
    """Name the export format from content ("vcard", "google", "linkedin", "outlook").

    File names lie (`contacts.csv` can be anything), headers do not.
    """
    text = decode(data).text
    if _VCARD_BEGIN.search(text):
        return "vcard"
    for name, test in _HEADER_TESTS:
        if find_header(text, test) is not None:
            return name
    return None


# --- shared plumbing -------------------------------------------------------------

RowMapper = Callable[[Row, str, ImportResult], None]


def _read(data: bytes, file: str, test: HeaderTest, layout: str, mapper: RowMapper) -> ImportResult:
    """Decode, find the header, map every non-empty row; problems name file and line."""
    result = ImportResult()
    decoded = decode(data)
    _warn_encoding(decoded, file, result)
    header = find_header(decoded.text, test)
    if header is None:
        result.problems.append(Problem(file, None, f"no {layout} header line found"))
        return result
    for row in read_rows(decoded.text, header, file, result.problems):
        if not row.is_empty():
            mapper(row, file, result)
    return result


def _warn_encoding(decoded: Decoded, file: str, result: ImportResult) -> None:
    """Say when the encoding was a guess, so odd accents have an explanation."""
    if decoded.encoding in {"windows-1252", "latin-1"}:
        message = (f"not UTF-8; read as {decoded.encoding} (Western European). If accents "
                   "look wrong (Polish, Czech or Hungarian names are often Latin-2), export "
                   "the file again as UTF-8")
        result.problems.append(Problem(file, None, message, severity="warning"))


def _join(*parts: str) -> str:
    """Name parts joined with single spaces; whitespace (even newlines) collapsed."""
    return " ".join(" ".join(parts).split())


def _split(value: str, separator: str) -> list[str]:
    """Non-empty, stripped, de-duplicated parts in their original order."""
    parts = (part.strip() for part in value.split(separator))
    return list(dict.fromkeys(part for part in parts if part))


def _emails(values: Iterable[str], row: Row, file: str, result: ImportResult) -> list[str]:
    """Keep what looks like an address; warn about the rest (Exchange DNs, phone numbers)."""
    emails: list[str] = []
    for value in values:
        if "@" in value and not any(ch.isspace() for ch in value):
            if value not in emails:
                emails.append(value)
        else:
            message = f"ignored {value!r}: not an email address"
            result.problems.append(Problem(file, row.line, message, severity="warning"))
    return emails


def _add(result: ImportResult, file: str, row: Row, name: str, contact: ImportedContact) -> None:
    """Add `contact` under `name`, falling back to the email's local part, else skipping."""
    if not name and contact.emails:
        name = contact.emails[0].split("@", 1)[0]
        message = f"no name; using {name!r} from the email address"
        result.problems.append(Problem(file, row.line, message, name, "warning"))
    if not name:
        message = "skipped: row has neither a name nor an email address"
        result.problems.append(Problem(file, row.line, message, severity="warning"))
        return
    contact.name = name
    result.contacts.append(contact)


def _blank(value: str) -> str | None:
    return value or None


def _notes(value: str) -> str | None:
    """Multi-line notes with plain LF line ends (Windows exports write CRLF inside quotes)."""
    return _blank(value.replace("\r\n", "\n").replace("\r", "\n"))


def _origin(file: str, row: Row) -> str:
    return f"{file}: line {row.line}"


# --- Google ----------------------------------------------------------------------


def read_google(data: bytes, file: str) -> ImportResult:
    """Google Contacts CSV, legacy (`Name,Given Name,...`) or current (`First Name,...`)."""
    return _read(data, file, _is_google, "Google CSV", _google_row)


def _google_row(row: Row, file: str, result: ImportResult) -> None:
    name = _join(row.get("name")) or _join(
        row.get("given name", "first name"),
        row.get("additional name", "middle name"),
        row.get("family name", "last name"),
        row.get("name suffix"),
    )
    contact = ImportedContact(
        name="",
        origin=_origin(file, row),
        emails=_emails(_google_emails(row), row, file, result),
        company=_blank(_first(row.get("organization 1 - name", "organization name"))),
        business=_blank(_first(row.get("organization 1 - title", "organization title"))),
        groups=_google_groups(row.get("group membership", "labels")),
        notes=_notes(row.get("notes")),
    )
    _add(result, file, row, name, contact)


def _first(value: str) -> str:
    """One value from a cell that may hold several (`A ::: B`): the first."""
    parts = _split(value, GOOGLE_MULTI)
    return parts[0] if parts else ""


def _google_emails(row: Row) -> list[str]:
    """Every `E-mail N - Value`, split on `:::`; the one Google marks `* ` (primary) first."""
    preferred: list[str] = []
    others: list[str] = []
    number = 1
    while f"e-mail {number} - value" in row.cells:
        kind = row.get(f"e-mail {number} - type", f"e-mail {number} - label")
        values = _split(row.get(f"e-mail {number} - value"), GOOGLE_MULTI)
        (preferred if kind.startswith("*") else others).extend(values)
        number += 1
    return preferred + others


def _google_groups(value: str) -> list[str]:
    """Labels without Google's system ones; `* Friends` (an old system group) stays `Friends`."""
    groups: list[str] = []
    for label in _split(value, GOOGLE_MULTI):
        plain = label.removeprefix("*").strip()
        if label.startswith("*") and "".join(plain.split()).casefold() in GOOGLE_SYSTEM_LABELS:
            continue
        if plain and plain not in groups:
            groups.append(plain)
    return groups


# --- LinkedIn --------------------------------------------------------------------


def read_linkedin(data: bytes, file: str) -> ImportResult:
    """LinkedIn Connections.csv: preamble, then `First Name,Last Name,...,Connected On`."""
    return _read(data, file, _is_linkedin, "LinkedIn Connections.csv", _linkedin_row)


def _linkedin_row(row: Row, file: str, result: ImportResult) -> None:
    url = row.get("url", "profile url")
    contact = ImportedContact(
        name="",
        origin=_origin(file, row),
        emails=_emails(_split(row.get("email address", "e-mail address"), ";"), row, file, result),
        company=_blank(row.get("company")),
        business=_blank(row.get("position")),
        notes=f"LinkedIn: {url}" if url else None,
        met=_connected_on(row, file, result),
    )
    _add(result, file, row, _join(row.get("first name"), row.get("last name")), contact)


def _connected_on(row: Row, file: str, result: ImportResult) -> dt.date | None:
    """LinkedIn has written `23 Nov 2024`, `11/23/24` and `2024-11-23` over the years."""
    value = row.get("connected on")
    if not value:
        return None
    for pattern in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    message = f"'Connected On' {value!r} is not a date I know; left out"
    result.problems.append(Problem(file, row.line, message, severity="warning"))
    return None


# --- Outlook ---------------------------------------------------------------------


def read_outlook(data: bytes, file: str) -> ImportResult:
    """Outlook desktop or outlook.com CSV (either may be `;`-delimited, UTF-16 or ANSI)."""
    return _read(data, file, _is_outlook, "Outlook CSV", _outlook_row)


def _outlook_row(row: Row, file: str, result: ImportResult) -> None:
    name = _join(row.get("display name", "full name", "name")) or _join(
        row.get("first name"), row.get("middle name"), row.get("last name"), row.get("suffix")
    )
    addresses = [row.get(f"e-mail {n}address") for n in ("", "2 ", "3 ")]
    contact = ImportedContact(
        name="",
        origin=_origin(file, row),
        emails=_emails(filter(None, addresses), row, file, result),
        company=_blank(row.get("company")),
        business=_blank(row.get("job title")),
        groups=_split(row.get("categories"), ";"),
        notes=_notes(row.get("notes")),
    )
    _add(result, file, row, name, contact)
