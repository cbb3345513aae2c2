"""Reading CSV exports as tables, whatever encoding, delimiter and preamble they came with.

Exports are written by Excel, Outlook, Google and LinkedIn in different decades and
locales: UTF-8 with or without a BOM, UTF-16, windows-1252; `,` or (in some locales)
`;`; a preamble before the header. This module turns bytes into located rows keyed by
normalised column names, so the format modules only map columns to contact fields.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from introducer.errors import Problem
from introducer.importers.encoding import utf16_without_bom

DELIMITERS = (",", ";", "\t")
HEADER_SEARCH_LINES = 30
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)

HeaderTest = Callable[[list[str]], bool]


@dataclass(frozen=True, slots=True)
class Decoded:
    """Text and the encoding it was read as (reported when it was a guess)."""

    text: str
    encoding: str


def decode(data: bytes) -> Decoded:
    """Decode an export: BOMs first, then UTF-16 by its NUL bytes, UTF-8, windows-1252."""
    if data.startswith(codecs.BOM_UTF8):
        return Decoded(data[3:].decode("utf-8", errors="replace"), "utf-8-sig")
    if data.startswith(_UTF16_BOMS):
        return Decoded(data.decode("utf-16", errors="replace"), "utf-16")
    guessed = utf16_without_bom(data)
    if guessed:
        return Decoded(data.decode(guessed, errors="replace"), guessed)
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return Decoded(data.decode("windows-1252"), "windows-1252")
    except UnicodeDecodeError:
        # The five bytes windows-1252 leaves undefined: Latin-1 maps every byte.
        return Decoded(data.decode("latin-1"), "latin-1")


def column_key(name: str) -> str:
    """Header names compared loosely: exporters vary case, spacing and quoting."""
    return " ".join(name.replace("\ufeff", "").split()).casefold()


@dataclass(frozen=True, slots=True)
class Row:
    """One data record: the line it starts on, and its cells by normalised column name."""

    line: int
    cells: dict[str, str]

    def get(self, *columns: str) -> str:
        """The first non-empty cell among `columns`, stripped; '' when none has a value."""
        for column in columns:
            value = self.cells.get(column, "").strip()
            if value:
                return value
        return ""

    def is_empty(self) -> bool:
        """True for rows with nothing but whitespace (trailing lines, spacer rows)."""
        return not any(value.strip() for value in self.cells.values())


@dataclass(frozen=True, slots=True)
class Header:
    """Where the header is: its physical line (from 1), delimiter and columns."""

    line: int
    delimiter: str
    columns: list[str]


def find_header(text: str, looks_like_header: HeaderTest) -> Header | None:
    """Search the first lines for a header, trying `,` before sniffing `;` and tab.

    Scanning for the header (instead of skipping a fixed count) copes with the
    preambles LinkedIn has changed over the years.
    """
    for index, line in enumerate(_LINE_BREAK.split(text, maxsplit=HEADER_SEARCH_LINES)):
        if index >= HEADER_SEARCH_LINES:
            break
        for delimiter in DELIMITERS:
            if delimiter not in line and delimiter != ",":
                continue
            columns = [column_key(cell) for cell in _parse_line(line, delimiter)]
            if looks_like_header(columns):
                return Header(index + 1, delimiter, columns)
    return None


def _parse_line(line: str, delimiter: str) -> list[str]:
    try:
        return next(csv.reader([line], delimiter=delimiter), [])
    except csv.Error:
        return []


def read_rows(text: str, header: Header, file: str, problems: list[Problem]) -> Iterator[Row]:
    """Yield the records after `header`, each with the line it starts on.

    Quoted fields may span lines (addresses, notes), so lines come from the csv
    reader's count, not from splitting the text. Parsing is lenient (`"a"b` reads
    as `ab`), but a quote never closed is an error at the line it opened: read
    leniently, it would silently turn every later contact into one note.
    """
    body = _text_from_line(text, header.line)
    # newline="" splits on CR, LF and CRLF only, as the csv module expects.
    reader = csv.reader(io.StringIO(body, newline=""), delimiter=header.delimiter)
    previous = 0
    pending: tuple[int, list[str]] | None = None
    try:
        for record in reader:
            if pending is not None:
                yield Row(header.line + pending[0], _cells(header.columns, pending[1]))
            pending, previous = ((previous, record) if previous else None), reader.line_num
    except csv.Error as error:
        message = f"unreadable CSV ({error}); skipped the rest of the file"
        problems.append(Problem(file, header.line + previous, message))
        return
    if pending is None:
        return
    if _quote_left_open(_text_from_line(body, pending[0] + 1), header.delimiter):
        message = "a quote opened on this line is never closed; skipped the rest of the file"
        problems.append(Problem(file, header.line + pending[0], message))
        return
    yield Row(header.line + pending[0], _cells(header.columns, pending[1]))


def _quote_left_open(record: str, delimiter: str) -> bool:
    """Whether the last record ends inside a quoted field (only strict parsing says so)."""
    try:
        list(csv.reader(io.StringIO(record, newline=""), delimiter=delimiter, strict=True))
    except csv.Error as error:
        return "end of data" in str(error)
    return False


def _text_from_line(text: str, line: int) -> str:
    """The text from the start of physical `line` (from 1) to the end."""
    position = 0
    for _ in range(line - 1):
        match = _LINE_BREAK.search(text, position)
        if match is None:
            return ""
        position = match.end()
    return text[position:]


def _cells(columns: list[str], record: list[str]) -> dict[str, str]:
    """Pair cells with columns; short rows get '' and the first of duplicate columns wins."""
    cells: dict[str, str] = {}
    for index, column in enumerate(columns):
        if column not in cells:
            cells[column] = record[index] if index < len(record) else ""
    return cells
