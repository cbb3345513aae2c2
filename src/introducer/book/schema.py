"""The contact book's records: what a book holds once read, as plain frozen dataclasses.

What makes a value valid (a date written YYYY-MM-DD, a name fit for a header, a
closeness from 1 to 5) lives in `validation`, which names the field types below and
turns the YAML into these records. The two are apart so that a run reading the book
back from its cache makes these records without importing pydantic, two fifths of a
small book's warm start. The loader hands the validators plain strings for every
scalar (it never lets YAML guess types), so they decide what is a date, a number or
a flag.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import MISSING, Field, dataclass, field, fields, is_dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Final, Literal

if TYPE_CHECKING:
    from introducer.book.validation import (
        ContactEvents,
        CooldownDays,
        EventsSettings,
        Flag,
        FollowUpDays,
        GroupFlag,
        Groups,
        Id,
        ImapIn,
        ImapTlsIn,
        NameText,
        NetworkKinds,
        Notes,
        OptionalCloseness,
        OptionalDate,
        OptionalNameText,
        OptionalNetworker,
        OptionalPort,
        OptionalText,
        OptionalTextList,
        OptionalVisibleText,
        PasswordCommand,
        ProfessionEvents,
        Professions,
        ServedList,
        Share,
        StaleDays,
        Text,
        TextList,
        TextMap,
        WeeklyGoal,
        Weight,
        WeightsIn,
    )

NULL_WORDS = frozenset({"", "~", "null", "none"})

# Letters NFKD does not decompose but every reader would spell in ASCII.
_TRANSLITERATE = str.maketrans(
    {"ø": "o", "Ø": "o", "æ": "ae", "Æ": "ae", "ß": "ss", "đ": "d", "Đ": "d",
     "ł": "l", "Ł": "l", "þ": "th", "Þ": "th", "œ": "oe", "Œ": "oe", "ı": "i"}
)


def slugify(text: str) -> str:
    """A readable, stable id from a name: `Zoë Ødegaard` -> `zoe-odegaard`.

    Letters outside Latin (Korean, Greek, ...) are kept rather than dropped, so
    every non-empty name has a non-empty slug.
    """
    # Decompose first, so `Ǽ` (Æ + accent) also reaches the transliteration table.
    folded = unicodedata.normalize("NFKD", text).translate(_TRANSLITERATE)
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    folded = unicodedata.normalize("NFKC", folded).casefold()
    return re.sub(r"[\W_]+", "-", folded).strip("-")


def plain_words(text: str) -> str:
    """Case- and accent-free words, for comparing names: `Zoë  Ødegaard` -> `zoe odegaard`."""
    return slugify(text).replace("-", " ")


#: How pydantic validates every record (each one's `__pydantic_config__`, read by
#: `validation`'s adapters): an unknown key is an error, and text is stripped. A plain
#: mapping, so no pydantic import is needed. The records are not slotted: their instances
#: pickle as a plain `__dict__`, in C.
FORBID: Final[dict[str, Any]] = {"extra": "forbid", "str_strip_whitespace": True}


@dataclass(frozen=True, kw_only=True)
class LifeEvent:
    """A trigger event in a contact's own life, optionally dated so it can fade."""

    __pydantic_config__: ClassVar[dict[str, Any]] = FORBID

    event: Text
    date: OptionalDate = None


@dataclass(frozen=True, kw_only=True)
class Me:
    """The book owner, used to sign drafts."""

    __pydantic_config__: ClassVar[dict[str, Any]] = FORBID

    name: OptionalNameText = None
    email: OptionalText = None
    business: OptionalText = None  # what the user does: "both get referrals from you"
    phone: OptionalText = None  # for the signature of drafts


@dataclass(frozen=True, kw_only=True)
class Weights:
    """Points per unit of each reason kind; `same_business` is subtracted.

    The last two come from the ledger: `recently_introduced` is subtracted per
    introduction a person had inside the cooldown, `reciprocity` added per referral
    still owed to them (up to 3).
    """

    __pydantic_config__: ClassVar[dict[str, Any]] = FORBID

    shared_clients: Weight = 3.0
    shared_referral_sources: Weight = 3.0
    shared_hobbies: Weight = 1.5
    same_trigger_event: Weight = 2.0
    needs_service: Weight = 15.0
    both_active: Weight = 0.5
    wants: Weight = 15.0
    wants_notes: Weight = 8.0
    wants_fit: Weight = 2.0
    referral_source: Weight = 4.0
    potential_client: Weight = 3.0
    clients_in_event: Weight = 3.0
    same_business: Weight = 2.0
    recently_introduced: Weight = 3.0
    reciprocity: Weight = 2.0
    closeness: Weight = 0.5
    already_acquainted: Share = 0.8


@dataclass(frozen=True, kw_only=True)
class Group:
    """What membership in one group means; unset keys are inferred (see `acquaintance`)."""

    __pydantic_config__: ClassVar[dict[str, Any]] = FORBID

    acquainted: GroupFlag = None


ImapTls = Literal["ssl", "starttls", "none"]


@dataclass(frozen=True, kw_only=True)
class Imap:
    """Where `draft --imap` puts drafts. The password is never here: it comes from
    $INTRODUCER_IMAP_PASSWORD or `password_command` (run without a shell)."""

    __pydantic_config__: ClassVar[dict[str, Any]] = FORBID

    host: Text
    port: OptionalPort = None
    user: Text
    tls: ImapTlsIn = "ssl"
    folder: OptionalText = None
    password_command: PasswordCommand = None


Role = Literal["primary", "secondary"]


@dataclass(frozen=True, kw_only=True)
class ProfessionSettings:
    """One entry of `settings.professions`: extends the built-in professions table.

    `events` maps an event to `primary` or `secondary`; a bare list means primary.
    """

    __pydantic_config__: ClassVar[dict[str, Any]] = FORBID

    synonyms: TextList = field(default_factory=list)
    needs: TextList = field(default_factory=list)
    kind_of: TextList = field(default_factory=list)
    events: ProfessionEvents = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class EventSettings:
    """One entry of `settings.events`: who serves the event, and whether it is private.

    A bare list is the professions (`divorce: [mediator]`); a mapping may say
    `sensitive: true` (drafts then ask each side privately first) with or without them.
    """

    __pydantic_config__: ClassVar[dict[str, Any]] = FORBID

    professions: OptionalTextList = None
    sensitive: bool | None = None


@dataclass(frozen=True, kw_only=True)
class Settings:
    """Book-wide settings; every key has a default."""

    __pydantic_config__: ClassVar[dict[str, Any]] = FORBID

    weekly_goal: WeeklyGoal = 5
    follow_up_days: FollowUpDays = 7
    stale_days: StaleDays = 365
    cooldown_days: CooldownDays = 14
    weights: WeightsIn = field(default_factory=Weights)
    aliases: TextMap = field(default_factory=dict)
    events: EventsSettings = field(default_factory=dict)
    groups: Groups = field(default_factory=dict)
    professions: Professions = field(default_factory=dict)
    imap: ImapIn = None


Networker = Literal["active", "passive"]
NetworkKind = Literal["information", "support", "referral"]


@dataclass(frozen=True, kw_only=True)
class Contact:
    """One person in the book, as the user wrote them (not yet normalised)."""

    __pydantic_config__: ClassVar[dict[str, Any]] = FORBID

    name: NameText
    id: Id
    email: OptionalText = None
    company: OptionalVisibleText = None
    business: OptionalVisibleText = None
    # Lists default through a factory: a literal [] would be shared by every contact.
    clients: TextList = field(default_factory=list)
    referral_sources: TextList = field(default_factory=list)
    hobbies: TextList = field(default_factory=list)
    serves: ServedList = None
    events: ContactEvents = field(default_factory=list)
    wants: TextList = field(default_factory=list)
    networker: OptionalNetworker = None
    closeness: OptionalCloseness = None
    last_contact: OptionalDate = None
    groups: TextList = field(default_factory=list)
    knows: TextList = field(default_factory=list)
    network: NetworkKinds = field(default_factory=list)
    introduce: Flag = True
    avoid: TextList = field(default_factory=list)
    notes: Notes = None


def as_data(record: Any, *, json: bool = False, exclude_defaults: bool = False,
            exclude_none: bool = False) -> dict[str, Any]:
    """A record as plain data, the records inside it too (dates as text with `json`): what
    `contacts --format json` prints and the importers write, in plain Python, so printing
    a cached book's contacts needs no pydantic."""
    data: dict[str, Any] = {}
    for item in fields(record):
        value = getattr(record, item.name)
        if (exclude_none and value is None) or (exclude_defaults and value == _default(item)):
            continue
        data[item.name] = _plain(value, json, exclude_defaults, exclude_none)
    return data


def _default(item: Field[Any]) -> Any:
    if item.default is not MISSING:
        return item.default
    if item.default_factory is not MISSING:
        return item.default_factory()
    return MISSING


def _plain(value: Any, json: bool, exclude_defaults: bool, exclude_none: bool) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return as_data(value, json=json, exclude_defaults=exclude_defaults,
                       exclude_none=exclude_none)
    if isinstance(value, list):
        return [_plain(item, json, exclude_defaults, exclude_none) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item, json, exclude_defaults, exclude_none)
                for key, item in value.items()}
    if json and isinstance(value, dt.date):
        return value.isoformat()
    return value


def field_names(record_type: type[Any]) -> tuple[str, ...]:
    """A record's keys, in the order the book's documentation lists them."""
    return tuple(item.name for item in fields(record_type))


TOP_LEVEL_FIELDS: tuple[str, ...] = ("me", "settings", "contacts")
