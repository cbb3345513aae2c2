"""Helpers for the header tests: books with escaped names, and exact read-back checks."""

from __future__ import annotations

from pathlib import Path

from introducer.drafts.headers import HeaderValue, compat32_reading, modern_reading

HEADERS = ["Content-Transfer-Encoding", "Content-Type", "Date", "From", "MIME-Version",
           "Message-ID", "Subject", "To", "X-Unsent"]


def quoted(text: str) -> str:
    """`text` as a YAML double-quoted scalar, every unusual character escaped as `\\U...`."""
    return '"' + "".join(c if c.isascii() and c.isprintable() and c not in '"\\'
                         else f"\\U{ord(c):08x}" for c in text) + '"'


def book_with(tmp_path: Path, name: str = "Eve", me_name: str = "Ana Ortiz",
              **fields: str) -> Path:
    """Tom and one other contact (id `eve`), written with YAML escapes so YAML keeps them."""
    values = {"email": "eve@example.com", "business": "divorce mediator", **fields}
    me_email = values.pop("me_email", "ana@example.com")
    path = tmp_path / "contacts.yaml"
    path.write_text(
        f"me: {{name: {quoted(me_name)}, email: {quoted(me_email)}}}\n"
        "contacts:\n"
        "  - {name: Tom Reed, email: tom@example.com, business: matrimonial attorney,\n"
        "     clients: [divorcing couples]}\n"
        f"  - name: {quoted(name)}\n"
        "    id: eve\n"
        + "".join(f"    {key}: {quoted(value)}\n" for key, value in values.items())
        + "    clients: [divorcing couples]\n",
        encoding="utf-8",
    )
    return path


def display_names(value: HeaderValue) -> list[str]:
    assert isinstance(value, tuple)
    return [mailbox.display_name for mailbox in value]


def assert_exact(data: bytes, to_names: list[str], from_name: str = "Ana Ortiz") -> None:
    """Both parsers read exactly the nine headers written, with the names as spelt."""
    for reading in (modern_reading(data), compat32_reading(data)):
        headers = dict(reading)
        assert sorted(name for name, _ in reading) == HEADERS
        assert display_names(headers["To"]) == to_names
        assert display_names(headers["From"]) == [from_name]
    assert all(len(line) <= 998 for line in data.split(b"\r\n"))
