"""Typed models of the contact book: the YAML becomes these once, at the boundary.

The loader hands these models plain strings for every scalar (it never lets YAML
guess types), so the models decide what is a date, a number or a flag.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Annotated, Any, Literal, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from introducer.book.names import invisible_problem, name_problem

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


def _none_if_blank(value: Any) -> Any:
    if isinstance(value, str) and value.strip().casefold() in NULL_WORDS:
        return None
    return value


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)


def _without_blank_keys(value: Any) -> Any:
    """Settings whose every key has a default: a key left empty (`weekly_goal:`, `~`)
    is a key not given, so the default applies instead of "is empty"."""
    if isinstance(value, dict):
        return {key: item for key, item in value.items() if _none_if_blank(item) is not None}
    return value


def _iso_date(value: Any) -> Any:
    """Only `YYYY-MM-DD`: pydantic alone would also take `0` (1970) or a datetime."""
    value = _none_if_blank(value)
    if value is None or (isinstance(value, dt.date) and not isinstance(value, dt.datetime)):
        return value
    if isinstance(value, str) and _ISO_DATE.fullmatch(value.strip()):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise PydanticCustomError("iso_date", "not a date (use YYYY-MM-DD)")


def _as_text_list(value: Any) -> Any:
    """A list field also takes one string: `hobbies: sailing, chess`."""
    if value is None:
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


def _control_characters(text: str, allowed: str = "") -> bool:
    """Whether `text` holds a control character (escape codes, NUL, DEL, C1) not in `allowed`."""
    return any(unicodedata.category(ch) == "Cc" and ch not in allowed for ch in text)


_CONTROL_MESSAGE = "contains a control character (such as a terminal escape code); remove it"


def _strip_text(value: Any) -> Any:
    """One line of text: stripped; line breaks and tabs fold to a space; other controls refused.

    A name or business is shown in tables and terminals, where a newline breaks the
    layout and an escape code (`\\e[2J`, `\\e]0;...`) would act on the user's terminal.
    """
    if not isinstance(value, str):
        return value
    if value.isprintable():  # the common case, checked in C
        return value.strip()
    folded = " ".join(value.split())
    if _control_characters(folded):
        raise PydanticCustomError("control_character", _CONTROL_MESSAGE)
    return folded


def _strip_notes(value: Any) -> Any:
    """Free notes keep their line breaks and tabs, but no other control characters."""
    if isinstance(value, str) and _control_characters(value, "\t\n\r"):
        raise PydanticCustomError("control_character", _CONTROL_MESSAGE)
    return _none_if_blank(value)


_Value = TypeVar("_Value")

#: A value that may be left out; blank, `~` or `null` count as left out. Bounds go on
#: the inner type (`OptionalValue[Closeness]`): put beside the `| None`, pydantic would
#: apply them to the None as well and fail with a TypeError instead of a message.
OptionalValue = Annotated[_Value | None, BeforeValidator(_none_if_blank)]

Text = Annotated[str, BeforeValidator(_strip_text), Field(min_length=1)]
OptionalText = OptionalValue[Text]


def _visible(value: str) -> str:
    """Companies and businesses are shown in drafts and tables: nothing that can spoof."""
    problem = invisible_problem(value)
    if problem is not None:
        raise PydanticCustomError("invisible_character", problem)
    return value


def _fits_a_header(value: str) -> str:
    """Names go into From and To as well: the same rule, and a length a header can hold."""
    problem = name_problem(value)
    if problem is not None:
        raise PydanticCustomError("unsafe_name", problem)
    return value


NameText = Annotated[Text, AfterValidator(_fits_a_header)]
OptionalNameText = OptionalValue[NameText]
OptionalVisibleText = OptionalValue[Annotated[Text, AfterValidator(_visible)]]
Notes = Annotated[str | None, BeforeValidator(_strip_notes)]
OptionalDate = Annotated[dt.date | None, BeforeValidator(_iso_date)]
TextList = Annotated[list[Text], BeforeValidator(_as_text_list)]
Closeness = Annotated[int, Field(ge=1, le=5)]
Port = Annotated[int, Field(ge=1, le=65535)]

FORBID = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True, defer_build=True)


class LifeEvent(BaseModel):
    """A trigger event in a contact's own life, optionally dated so it can fade."""

    model_config = FORBID

    event: Text
    date: OptionalDate = None

    @model_validator(mode="before")
    @classmethod
    def _bare_name(cls, value: Any) -> Any:
        if isinstance(value, str):
            return {"event": value}
        return value


class Me(BaseModel):
    """The book owner, used to sign drafts."""

    model_config = FORBID

    name: OptionalNameText = None
    email: OptionalText = None
    business: OptionalText = None  # what the user does: "both get referrals from you"
    phone: OptionalText = None  # for the signature of drafts


class Weights(BaseModel):
    """Points per unit of each reason kind; `same_business` is subtracted.

    The last two come from the ledger: `recently_introduced` is subtracted per
    introduction a person had inside the cooldown, `reciprocity` added per referral
    still owed to them (up to 3).
    """

    model_config = FORBID

    shared_clients: float = 3.0
    shared_referral_sources: float = 3.0
    shared_hobbies: float = 1.5
    same_trigger_event: float = 2.0
    needs_service: float = 15.0
    both_active: float = 0.5
    wants: float = 15.0
    wants_notes: float = 8.0
    wants_fit: float = 2.0
    referral_source: float = 4.0
    potential_client: float = 3.0
    clients_in_event: float = 3.0
    same_business: float = 2.0
    recently_introduced: float = 3.0
    reciprocity: float = 2.0
    closeness: float = 0.5
    already_acquainted: float = 0.8

    @model_validator(mode="before")
    @classmethod
    def _blank_keys(cls, value: Any) -> Any:
        return _without_blank_keys(value)

    @field_validator("*")
    @classmethod
    def _finite_non_negative(cls, value: float) -> float:
        if not 0 <= value <= 1000:
            raise ValueError("a weight must be a number from 0 to 1000")
        return value

    @field_validator("already_acquainted")
    @classmethod
    def _a_share(cls, value: float) -> float:
        if not 0 <= value <= 1:
            raise ValueError("already_acquainted is the share of points taken off: 0 to 1")
        return value


class Group(BaseModel):
    """What membership in one group means; unset keys are inferred (see `acquaintance`)."""

    model_config = FORBID

    acquainted: Annotated[bool | None, BeforeValidator(_none_if_blank)] = None


ImapTls = Literal["ssl", "starttls", "none"]


class Imap(BaseModel):
    """Where `draft --imap` puts drafts. The password is never here: it comes from
    $INTRODUCER_IMAP_PASSWORD or `password_command` (run without a shell)."""

    model_config = FORBID

    host: Text
    port: OptionalValue[Port] = None
    user: Text
    tls: Annotated[ImapTls, BeforeValidator(lambda v: "ssl" if v is None else v)] = "ssl"
    folder: OptionalText = None
    password_command: OptionalValue[list[Text]] = None

    @field_validator("password_command", mode="before")
    @classmethod
    def _command_words(cls, value: Any) -> Any:
        """A command line as one string (split like a shell would, but never run by one)."""
        if isinstance(value, str):
            import shlex

            try:
                return shlex.split(value)
            except ValueError as error:
                raise ValueError(f"password_command cannot be split into words ({error})") from None
        return value


Role = Literal["primary", "secondary"]


class ProfessionSettings(BaseModel):
    """One entry of `settings.professions`: extends the built-in professions table.

    `events` maps an event to `primary` or `secondary`; a bare list means primary.
    """

    model_config = FORBID

    synonyms: TextList = []
    needs: TextList = []
    kind_of: TextList = []
    events: dict[Text, Role] = {}

    @model_validator(mode="before")
    @classmethod
    def _bare(cls, value: Any) -> Any:
        return {} if value is None else value

    @field_validator("events", mode="before")
    @classmethod
    def _event_list(cls, value: Any) -> Any:
        if value is None:
            return {}
        if isinstance(value, (list, str)):
            return dict.fromkeys(_as_text_list(value), "primary")
        return value


class EventSettings(BaseModel):
    """One entry of `settings.events`: who serves the event, and whether it is private.

    A bare list is the professions (`divorce: [mediator]`); a mapping may say
    `sensitive: true` (drafts then ask each side privately first) with or without them.
    """

    model_config = FORBID

    professions: TextList | None = None
    sensitive: bool | None = None

    @model_validator(mode="before")
    @classmethod
    def _bare(cls, value: Any) -> Any:
        if value is None:
            return {"professions": []}
        if isinstance(value, (list, str)):
            return {"professions": value}
        return value


class Settings(BaseModel):
    """Book-wide settings; every key has a default."""

    model_config = FORBID

    weekly_goal: Annotated[int, Field(ge=0, le=1000)] = 5
    follow_up_days: Annotated[int, Field(ge=1, le=3650)] = 7
    stale_days: Annotated[int, Field(ge=1, le=36500)] = 365
    cooldown_days: Annotated[int, Field(ge=0, le=3650)] = 14
    weights: Weights = Weights()
    aliases: dict[Text, Text] = {}
    events: dict[Text, EventSettings] = {}
    groups: dict[Text, Group] = {}
    professions: dict[Text, ProfessionSettings] = {}
    imap: Imap | None = None

    @model_validator(mode="before")
    @classmethod
    def _blank_keys(cls, value: Any) -> Any:
        return _without_blank_keys(value)

    @field_validator("groups", mode="before")
    @classmethod
    def _group_said_nothing(cls, value: Any) -> Any:
        """`church:` with nothing after it names the group and leaves the rest to inference."""
        if isinstance(value, dict):
            return {key: {} if _none_if_blank(body) is None else body
                    for key, body in value.items()}
        return value


Networker = Literal["active", "passive"]
NetworkKind = Literal["information", "support", "referral"]


class Contact(BaseModel):
    """One person in the book, as the user wrote them (not yet normalised)."""

    model_config = FORBID

    name: NameText
    id: Text
    email: OptionalText = None
    company: OptionalVisibleText = None
    business: OptionalVisibleText = None
    # Lists default through a factory: a literal [] is deep-copied for every contact.
    clients: TextList = Field(default_factory=list)
    referral_sources: TextList = Field(default_factory=list)
    hobbies: TextList = Field(default_factory=list)
    serves: TextList | None = None
    events: Annotated[list[LifeEvent], BeforeValidator(_as_text_list)] = Field(default_factory=list)
    wants: TextList = Field(default_factory=list)
    networker: OptionalValue[Networker] = None
    closeness: OptionalValue[Closeness] = None
    last_contact: OptionalDate = None
    groups: TextList = Field(default_factory=list)
    knows: TextList = Field(default_factory=list)
    network: Annotated[list[NetworkKind], BeforeValidator(_as_text_list)] = Field(
        default_factory=list)
    introduce: Annotated[bool, BeforeValidator(lambda v: True if v is None else v)] = True
    avoid: TextList = Field(default_factory=list)
    notes: Notes = None

    @model_validator(mode="before")
    @classmethod
    def _default_id(cls, value: Any) -> Any:
        if isinstance(value, dict) and value.get("id") in (None, "") and isinstance(
            value.get("name"), str
        ):
            return {**value, "id": slugify(value["name"]) or value["name"].strip()}
        return value

    @field_validator("id")
    @classmethod
    def _id_has_no_spaces(cls, value: str) -> str:
        # isprintable() is False exactly for control/format and space separators but ' '.
        if " " in value or not value.isprintable():
            raise ValueError("an id may not contain spaces or control characters")
        return value

    @field_validator("serves", mode="before")
    @classmethod
    def _serves_list(cls, value: Any) -> Any:
        return None if value is None else _as_text_list(value)


CONTACT_FIELDS: tuple[str, ...] = tuple(Contact.model_fields)
SETTINGS_FIELDS: tuple[str, ...] = tuple(Settings.model_fields)
WEIGHT_FIELDS: tuple[str, ...] = tuple(Weights.model_fields)
TOP_LEVEL_FIELDS: tuple[str, ...] = ("me", "settings", "contacts")
