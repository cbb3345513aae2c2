"""vCard 2.1 / 3.0 / 4.0 import.

Real exports break vobject in many small ways (UTF-16 without a BOM, CR CR LF,
vCard 2.1 quoted-printable with soft line breaks, per-property charsets, bare
2.1 parameters, huge photos). So every card is first rewritten here into a
small, clean vCard 3.0 holding only the properties we map; vobject then only
has to unescape values and split structured ones.
"""

from __future__ import annotations

import binascii
import codecs
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import vobject

from introducer.errors import Problem
from introducer.importers.encoding import utf16_without_bom
from introducer.importers.record import ImportedContact, ImportResult

__all__ = ["read_vcards"]

# Properties we map; everything else (PHOTO, KEY, ADR, TEL, X-...) is dropped
# before parsing, which also keeps payloads that choke vobject out of its way.
_KEPT = frozenset({"FN", "N", "EMAIL", "ORG", "TITLE", "ROLE", "CATEGORIES", "NOTE"})
_STRUCTURED = frozenset({"N", "ORG"})  # ';' separates components
_LISTS = frozenset({"CATEGORIES"})  # ',' separates values
_ENCODINGS = frozenset({"QUOTED-PRINTABLE", "BASE64", "B", "8BIT", "7BIT"})
_BEGIN = re.compile(rb"^begin\s*:\s*vcard\s*$", re.IGNORECASE)
_END = re.compile(rb"^end\s*:\s*vcard\s*$", re.IGNORECASE)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")
_PREF_N = re.compile(r"^pref=(\d+)$", re.IGNORECASE)
_UNDEFINED_1252 = frozenset(b"\x81\x8d\x8f\x90\x9d")


@dataclass(slots=True)
class _Line:
    """One logical (unfolded) content line, still bytes, and where it started."""

    number: int
    data: bytes


@dataclass(slots=True)
class _Card:
    number: int
    line: int
    lines: list[_Line] = field(default_factory=list)
    terminated: bool = False


def read_vcards(data: bytes, file: str) -> ImportResult:
    """Read every card in a vCard file; a card that cannot be read becomes an error Problem.

    Never raises on bad input: problems name the file, card number and line,
    and the other cards still import.
    """
    result = ImportResult()
    text_bytes, warning = _to_byte_lines_source(data)
    if warning:
        result.problems.append(Problem(file, None, warning, severity="warning"))
    cards = list(_split_cards(_logical_lines(text_bytes), file, result.problems))
    if not cards:
        result.problems.append(Problem(file, None, "no vCard found (no BEGIN:VCARD line)"))
        return result
    guesses: set[str] = set()
    for card in cards:
        origin = f"{file}: card {card.number}"
        if not card.terminated:
            result.problems.append(
                Problem(
                    file,
                    card.line,
                    f"card {card.number} has no END:VCARD; read it anyway",
                    severity="warning",
                )
            )
        try:
            contact = _read_card(card, file, origin, result.problems, guesses)
        except Exception as exc:  # vobject raises many unrelated types on bad input
            result.problems.append(
                Problem(file, card.line, f"card {card.number} cannot be read: {_reason(exc)}")
            )
            continue
        if contact is not None:
            result.contacts.append(contact)
    if guesses:
        result.problems.append(_guess_warning(file, guesses))
    return result


# --- bytes → lines -------------------------------------------------------------------------


def _to_byte_lines_source(data: bytes) -> tuple[bytes, str | None]:
    """Turn UTF-16 (with or without BOM) into UTF-8 and strip a UTF-8 BOM.

    8-bit files stay bytes: vCard 2.1 may mix charsets per property, so text
    is decoded line by line later, honouring each line's CHARSET.
    """
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :], None
    codec = None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        codec = "utf-16"
    else:
        codec = utf16_without_bom(data)
    if codec is None:
        return data, None
    warning = None
    try:
        text = data.decode(codec)
    except UnicodeDecodeError:
        text = data.decode(codec, errors="replace")
        warning = "file looks like UTF-16 but has undecodable bytes; they were replaced"
    return text.encode("utf-8"), warning


def _physical_lines(data: bytes) -> list[bytes]:
    """Split on any line end: LF, CR LF, bare CR and the iPhone's CR CR LF."""
    data = data.replace(b"\r\r\n", b"\n").replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    return data.split(b"\n")


def _is_qp(head: bytes) -> bool:
    """Whether a property's parameters say its value is quoted-printable."""
    return b"QUOTED-PRINTABLE" in head.upper()


def _logical_lines(data: bytes) -> Iterator[_Line]:
    """Unfold lines (RFC folding and 2.1 quoted-printable soft breaks), numbered from 1."""
    current: _Line | None = None
    qp_open = False  # current line is QP and ended with a soft break '='
    for number, raw in enumerate(_physical_lines(data), start=1):
        if current is not None and qp_open:
            if not raw.strip():
                qp_open = False  # Android ends some QP values with '=' and a blank line
                continue
            current.data = current.data[:-1] + raw
            qp_open = current.data.endswith(b"=")
            continue
        if current is not None and raw[:1] in (b" ", b"\t"):
            current.data += raw[1:]
            continue
        if current is not None:
            yield current
        if not raw.strip():
            current = None
            continue
        current = _Line(number, raw)
        head = raw.split(b":", 1)[0]
        qp_open = b":" in raw and _is_qp(head) and raw.endswith(b"=")
    if current is not None:
        yield current


def _split_cards(lines: Iterator[_Line], file: str, problems: list[Problem]) -> Iterator[_Card]:
    """Group lines into cards; text outside cards is reported once and skipped."""
    card: _Card | None = None
    count = 0
    stray: int | None = None
    for line in lines:
        stripped = line.data.strip()
        if _BEGIN.match(stripped):
            if card is not None:
                yield card
            count += 1
            card = _Card(count, line.number)
        elif _END.match(stripped):
            if card is not None:
                card.terminated = True
                yield card
                card = None
        elif card is not None:
            card.lines.append(line)
        elif stray is None:
            stray = line.number
    if card is not None:
        yield card
    if stray is not None:
        problems.append(
            Problem(
                file,
                stray,
                "text outside any BEGIN:VCARD/END:VCARD was ignored",
                severity="warning",
            )
        )


# --- one line → clean vCard 3.0 ------------------------------------------------------------


def _split_params(head: str) -> list[str]:
    """Split `NAME;P1;P2="a;b"` on semicolons outside double quotes."""
    parts: list[str] = []
    buf: list[str] = []
    quoted = False
    for ch in head:
        if ch == '"':
            quoted = not quoted
        if ch == ";" and not quoted:
            parts.append("".join(buf))
            buf = []
        else:
            buf.append(ch)
    parts.append("".join(buf))
    return parts


def _decode_text(raw: bytes, charset: str | None) -> tuple[str, str | None]:
    """Decode with the declared charset, else UTF-8, falling back to windows-1252/Latin-1;
    the second value names the fallback when it was a guess."""
    if charset:
        try:
            return raw.decode(charset), None
        except (LookupError, UnicodeDecodeError):
            pass
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError:
        pass
    if _UNDEFINED_1252.isdisjoint(raw):
        return raw.decode("cp1252"), "windows-1252"
    return raw.decode("latin-1"), "latin-1"


def _guess_warning(file: str, guesses: set[str]) -> Problem:
    """One warning for a file whose text was not UTF-8 and declared no charset."""
    read_as = " and ".join(sorted(guesses))
    return Problem(file, None, f"some text is not UTF-8 and names no CHARSET; read as "
                   f"{read_as} (Western European). If accents look wrong (Polish, Czech or "
                   "Hungarian names are often Latin-2), export the file again as UTF-8",
                   severity="warning")


def _escape3(text: str, separators: str) -> str:
    """Escape a plain value for vCard 3.0: backslash, newlines and the given separators."""
    text = text.replace("\\", "\\\\").replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\n", "\\n")
    for sep in separators:
        text = text.replace(sep, "\\" + sep)
    return text


def _split_unescaped(value: str, sep: str) -> list[str]:
    """Split a 2.1 value on `sep` except where backslash-escaped, dropping the escape."""
    parts: list[str] = []
    buf: list[str] = []
    i = 0
    while i < len(value):
        ch = value[i]
        if ch == "\\" and i + 1 < len(value) and value[i + 1] == sep:
            buf.append(sep)
            i += 2
            continue
        if ch == sep:
            parts.append("".join(buf))
            buf = []
        else:
            buf.append(ch)
        i += 1
    parts.append("".join(buf))
    return parts


def _from_21(name: str, value: str) -> str:
    """Rewrite a vCard 2.1 value (no escaping but `\\;`) in vCard 3.0 escaping."""
    if name in _STRUCTURED:
        return ";".join(_escape3(p, ",;") for p in _split_unescaped(value, ";"))
    if name in _LISTS:
        return ",".join(_escape3(p, ";") for p in value.replace("\\;", ";").split(","))
    return _escape3(value.replace("\\;", ";"), ",;")


_KNOWN_ESCAPES = frozenset("\\,;nN")


def _fix_30(name: str, value: str) -> str:
    """Repair 3.0/4.0 escaping: vobject keeps only the text before an unescaped comma.

    Gmail writes `FN:John Doe, Jr.`; escaping that comma keeps the whole name.
    `\\"` and `\\:` (Gmail, Apple) become plain characters; other stray
    backslashes are kept literally.
    """
    out: list[str] = []
    i = 0
    while i < len(value):
        ch = value[i]
        if ch == "\\":
            nxt = value[i + 1] if i + 1 < len(value) else ""
            if nxt in _KNOWN_ESCAPES and nxt:
                out.append(ch + nxt)
            elif nxt in {'"', ":", "'"}:
                out.append(nxt)
            else:
                out.append("\\\\" + nxt)
            i += 2
            continue
        if (ch == "," and name not in _LISTS | {"N"}) or (ch == ";" and name not in _STRUCTURED):
            out.append("\\" + ch)
        else:
            out.append(ch)
        i += 1
    return "".join(out)


def _clean_line(line: _Line, version: str, guesses: set[str]) -> tuple[str, str] | None:
    """Return (NAME, clean 3.0 content line) for a kept property, None for dropped ones."""
    raw_head, sep, raw_value = line.data.partition(b":")
    if not sep:
        return None
    head = raw_head.decode("latin-1").strip()
    parts = _split_params(head)
    name = parts[0].rsplit(".", 1)[-1].strip().upper()  # drop Apple `item1.` groups
    if name not in _KEPT:
        return None
    charset: str | None = None
    qp = False
    pref_rank: int | None = None
    for param in parts[1:]:
        key, eq, val = param.partition("=")
        key_u, val_u = key.strip().upper(), val.strip().strip('"').upper()
        values = [v.strip() for v in val_u.split(",")] if eq else [key_u]
        if key_u == "CHARSET":
            charset = val.strip().strip('"')
        elif (key_u == "ENCODING" and val_u == "QUOTED-PRINTABLE") or key_u == "QUOTED-PRINTABLE":
            qp = True
        elif match := _PREF_N.match(param.strip()):
            pref_rank = int(match.group(1))
        elif (key_u in {"TYPE", "PREF"} or not eq) and "PREF" in values and pref_rank is None:
            pref_rank = 0
    raw = raw_value.strip() if name != "NOTE" else raw_value
    if qp:
        raw = binascii.a2b_qp(raw.rstrip(b"=") if raw.endswith(b"=") else raw)
    text, guessed = _decode_text(raw, charset)
    if guessed:
        guesses.add(guessed)
    if version == "2.1":
        value = _from_21(name, text)
    else:
        value = _fix_30(name, _escape_newlines(text) if qp else text)
    params = ""
    if name == "EMAIL" and pref_rank is not None:
        params = f";TYPE=PREF;X-RANK={pref_rank}"
    return name, f"{name}{params}:{value}"


def _escape_newlines(text: str) -> str:
    """Quoted-printable can carry raw line breaks, which a content line cannot."""
    return text.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


# --- card → contact ------------------------------------------------------------------------


def _card_version(card: _Card) -> str:
    for line in card.lines:
        head, sep, value = line.data.partition(b":")
        if sep and head.strip().upper() == b"VERSION":
            return value.strip().decode("latin-1")
    return "3.0"


def _read_card(
    card: _Card, file: str, origin: str, problems: list[Problem], guesses: set[str]
) -> ImportedContact | None:
    """Normalise one card, let vobject parse it, and map it to an ImportedContact."""
    version = _card_version(card)
    clean = ["BEGIN:VCARD", "VERSION:3.0"]
    for line in card.lines:
        if b":" not in line.data:
            problems.append(
                Problem(
                    file,
                    line.number,
                    f"card {card.number}: line is not a vCard property; ignored",
                    severity="warning",
                )
            )
            continue
        cleaned = _clean_line(line, version, guesses)
        if cleaned is not None:
            clean.append(cleaned[1])
    clean.append("END:VCARD")
    vcard = vobject.readOne("\r\n".join(clean) + "\r\n", ignoreUnreadable=False)

    def where(message: str) -> Problem:
        return Problem(file, card.line, f"card {card.number}: {message}", severity="warning")

    emails, bad = _emails(vcard)
    for value in bad:
        problems.append(where(f"EMAIL {value!r} is not an email address; not imported"))
    company = _first_component(vcard, "org")
    name, note = _name(vcard)
    if note:
        problems.append(where(note))
    if not name:
        if company:
            name = company
            problems.append(where(f"no FN or N; named after its organisation {company!r}"))
        elif emails:
            name = emails[0]
            problems.append(where(f"no FN or N; named after its email {emails[0]!r}"))
        else:
            problems.append(
                Problem(
                    file,
                    card.line,
                    f"card {card.number} has no name (FN/N), organisation or email; skipped",
                )
            )
            return None
    return ImportedContact(
        name=name,
        origin=origin,
        emails=emails,
        company=company,
        business=_first_text(vcard, "title") or _first_text(vcard, "role"),
        groups=_groups(vcard),
        notes=_notes(vcard),
    )


def _values(vcard: Any, key: str) -> list[Any]:
    return [line.value for line in vcard.contents.get(key, [])]


def _squash(text: str) -> str:
    return " ".join(text.split())


def _join(value: Any) -> str:
    """vobject gives a str, or a list where the source had unescaped commas."""
    if isinstance(value, list):
        return _squash(" ".join(str(v) for v in value))
    return _squash(str(value or ""))


def _first_text(vcard: Any, key: str) -> str | None:
    for value in _values(vcard, key):
        text = _join(value)
        if text:
            return text
    return None


def _first_component(vcard: Any, key: str) -> str | None:
    for value in _values(vcard, key):
        first = value[0] if isinstance(value, list) and value else value
        text = _join(first)
        if text:
            return text
    return None


def _name(vcard: Any) -> tuple[str | None, str | None]:
    """FN, unless it is missing or lacks words N has; then FN is rebuilt from N.

    Returns the name and, when FN was replaced, a warning saying so: a name
    is never dropped or cut silently.
    """
    fn = _first_text(vcard, "fn")
    n_values = _values(vcard, "n")
    if not n_values:
        return fn, None
    n = n_values[0]
    given, additional, family = _join(n.given), _join(n.additional), _join(n.family)
    prefix, suffix = _join(n.prefix), _join(n.suffix)
    core = " ".join(p for p in (given, additional, family) if p)
    if not core:
        return fn, None
    built = " ".join(p for p in (prefix, core) if p)
    if suffix:
        built = f"{built}, {suffix}"
    if not fn:
        return built, None
    fn_words = _words(fn)
    needed = _words(" ".join(p for p in (given, family) if p))
    missing = [w for w in set(needed) if needed.count(w) > fn_words.count(w)]
    if missing or fn.rstrip().endswith((",", ";")):
        return (
            built,
            f"FN {fn!r} looks cut (N has {' '.join(sorted(missing)) or 'more'}); "
            f"used {built!r} from N",
        )
    return fn, None


def _words(text: str) -> list[str]:
    return [w.strip(".,;").casefold() for w in text.split() if w.strip(".,;")]


def _emails(vcard: Any) -> tuple[list[str], list[str]]:
    """Addresses, preferred first (TYPE=pref / PREF=n), de-duplicated; non-addresses apart."""
    ranked: list[tuple[int, int, str]] = []
    bad: list[str] = []
    for index, line in enumerate(vcard.contents.get("email", [])):
        value = _squash(str(line.value or ""))
        if value.lower().startswith("mailto:"):
            value = value[len("mailto:") :]
        if not value:
            continue
        if not _EMAIL.match(value):
            bad.append(value)
            continue
        rank_param = line.params.get("X-RANK")
        rank = int(rank_param[0]) if rank_param else 1_000_000
        ranked.append((rank, index, value))
    seen: set[str] = set()
    emails: list[str] = []
    for _, _, value in sorted(ranked):
        if value.casefold() not in seen:
            seen.add(value.casefold())
            emails.append(value)
    return emails, bad


def _groups(vcard: Any) -> list[str]:
    groups: list[str] = []
    for value in _values(vcard, "categories"):
        for item in value if isinstance(value, list) else [value]:
            text = _squash(str(item))
            if text and text not in groups:
                groups.append(text)
    return groups


def _notes(vcard: Any) -> str | None:
    notes = [str(v).strip() for v in _values(vcard, "note")]
    text = "\n\n".join(n for n in notes if n)
    return text or None


def _reason(exc: Exception) -> str:
    """A one-line reason from whatever vobject raised."""
    message = " ".join(str(exc).split()) or type(exc).__name__
    return message[:200]
