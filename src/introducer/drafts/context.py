"""Who an email is about, and how well the user knows them: the facts templates may state.

Every address and name is checked here, before anything is rendered, so a
contact can never smuggle a header into a message (Python 3.11.7 predates the
CVE-2024-6923 fix in the email package) and an invalid address is reported with
the book line it came from.
"""

from __future__ import annotations

import datetime as dt
import email.policy
import re
from dataclasses import dataclass
from email.errors import HeaderParseError
from email.headerregistry import Address

from introducer.book.model import Book
from introducer.book.names import invisible_problem, name_problem
from introducer.book.schema import Me
from introducer.book.starter import is_placeholder, placeholder_message
from introducer.drafts.headers import PARSER_FAILURES
from introducer.errors import IntroducerError, Problem
from introducer.match.phrasing import first_name

PLACEHOLDER_ADDRESS = "FILL-IN-ADDRESS@invalid"

# Anything a mail reader or str.splitlines() could take as the end of a line, and every
# other control or separator character: none belongs in an address (names: book/names.py,
# which keeps the zero-width joiner and non-joiner real names use).
_FORBIDDEN = re.compile(
    r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]"
)
_LOCAL = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+|[^\s@\"\\]+", re.UNICODE)
_DOMAIN = re.compile(r"(?:[^\W_](?:[\w-]*[^\W_])?\.)*[^\W_](?:[\w-]*[^\W_])?", re.UNICODE)
_LONGEST_ADDRESS = 254  # RFC 5321 section 4.5.3.1.3


class AddressError(IntroducerError):
    """A name or address that cannot safely go into a header."""


def _located(book: Book, index: int | None, key: str, message: str) -> str:
    """`message` placed as every book problem is: `file:line: contact "X": …` (or `file: me: …`)."""
    if index is None:
        return str(Problem(str(book.path), None, f"me: {message}"))
    name = _printable(book.contacts[index].name)
    return str(Problem(str(book.path), book.line_of(index, key), message, name))


def _printable(text: str) -> str:
    """For messages: control characters shown escaped, at most 40 characters."""
    shown = _FORBIDDEN.sub(lambda m: repr(m.group())[1:-1], text)
    return shown if len(shown) <= 40 else shown[:39] + "…"


def safe_name(book: Book, index: int | None, name: str) -> str:
    """`name`, if the same rule the book loader applies (book/names.py) lets it in a header."""
    problem = name_problem(name)
    if problem is not None:
        raise AddressError(_located(book, index, "name", f"name {problem}"))
    return name


def safe_address(book: Book, index: int | None, email: str) -> Address:
    """`local@domain` as an Address, or an AddressError naming the contact and line."""
    problem = None
    if _FORBIDDEN.search(email):
        problem = "contains a line break or control character"
    elif email.count("@") != 1:
        problem = "is not a valid address (use local@domain)"
    else:
        local, domain = email.split("@")
        if not (_LOCAL.fullmatch(local) and _DOMAIN.fullmatch(domain)) or ".." in local:
            problem = "is not a valid address (use local@domain)"
        elif not local.isascii():
            problem = ("has non-ASCII letters before the @, which a mail header can only carry "
                       "where every server speaks SMTPUTF8; use the ASCII address")
    if problem is None:
        try:
            address = Address(username=local, domain=_ascii_domain(domain))
        except (HeaderParseError, ValueError, IndexError, UnicodeError):
            problem = "is not a valid address (use local@domain)"
        else:
            if len(address.addr_spec) > _LONGEST_ADDRESS:
                problem = f"is longer than the {_LONGEST_ADDRESS} characters an address may have"
            elif not _reads_back(address):
                problem = "is not a valid address (use local@domain)"
            else:
                return address
    raise AddressError(_located(book, index, "email", f"email '{_printable(email)}' {problem}"))


def _reads_back(address: Address) -> bool:
    """Whether a mail reader would take the address as written: no defect, same addr-spec."""
    try:
        header = email.policy.default.header_factory("To", address.addr_spec)
    except PARSER_FAILURES:  # the email package has parser bugs; a reader may share them
        return False
    return not header.defects and [a.addr_spec for a in header.addresses] == [address.addr_spec]


def _ascii_domain(domain: str) -> str:
    """An international domain as headers carry it: `exämple.com` -> `xn--exmple-cua.com`."""
    return domain if domain.isascii() else domain.encode("idna").decode("ascii")


@dataclass(frozen=True, slots=True)
class Person:
    """One side of an introduction, as templates see it."""

    id: str
    name: str
    first_name: str
    email: str | None
    address: Address
    business: str | None
    company: str | None
    closeness: int | None
    last_contact: dt.date | None
    stale: bool
    line: int | None

    @property
    def has_email(self) -> bool:
        return self.email is not None

    @property
    def barely_known(self) -> bool:
        return self.closeness is not None and self.closeness <= 2

    @property
    def last_contact_month(self) -> str:
        return self.last_contact.strftime("%B %Y") if self.last_contact else ""


@dataclass(frozen=True, slots=True)
class Sender:
    """The user as drafts sign: `business` and `phone` go under the name when given."""

    name: str | None
    first_name: str | None
    email: str
    address: Address
    business: str | None = None
    phone: str | None = None


def _visible_fields(book: Book, index: int | None, model: object, keys: tuple[str, ...]) -> None:
    """Text that goes into an email as written: nothing invisible that could spoof it."""
    for key in keys:
        value = getattr(model, key)
        problem = None if value is None else invisible_problem(value)
        if problem is not None:
            raise AddressError(_located(book, index, key, f"{key} {problem}"))


def person(book: Book, index: int, today: dt.date) -> Person:
    """Contact `index` with its relationship facts; raises AddressError for unsafe data."""
    contact = book.contacts[index]
    name = safe_name(book, index, contact.name)
    _visible_fields(book, index, contact, ("business", "company"))
    if contact.email is None:
        address = Address(display_name=name, addr_spec=PLACEHOLDER_ADDRESS)
    else:
        parsed = safe_address(book, index, contact.email)
        address = Address(display_name=name, username=parsed.username, domain=parsed.domain)
    stale_after = dt.timedelta(days=book.settings.stale_days)
    return Person(
        id=contact.id,
        name=name,
        first_name=first_name(name),
        email=contact.email,
        address=address,
        business=contact.business,
        company=contact.company,
        closeness=contact.closeness,
        last_contact=contact.last_contact,
        stale=contact.last_contact is not None and today - contact.last_contact > stale_after,
        line=book.line_of(index),
    )


def sender(book: Book) -> Sender:
    """The user, from `me:`; drafts cannot be written without an address to send from."""
    me: Me = book.me
    if me.email is None:
        raise IntroducerError(
            f"{book.path}: no `me: {{email: ...}}` in the book; drafts need a From address "
            "(add `me: {name: Your Name, email: you@example.com}`)"
        )
    if is_placeholder(me):
        raise IntroducerError(f"{book.path}: {placeholder_message()}")
    address = safe_address(book, None, me.email)
    name = safe_name(book, None, me.name) if me.name else None
    _visible_fields(book, None, me, ("business", "phone"))
    return Sender(
        name=name,
        first_name=first_name(name) if name else None,
        email=me.email,
        address=Address(display_name=name or "", username=address.username,
                        domain=address.domain),
        business=me.business,
        phone=me.phone,
    )
