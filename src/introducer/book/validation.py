"""What makes a book's value valid, and the pydantic adapters that apply it to the YAML.

`schema` holds the records; their fields are typed by the names defined here (only a
type checker imports them there), so the records themselves never import pydantic and a
warm run reading them from the cache never pays for it. Every rule that is a record's
own (an id made from the name, settings left blank) is a validator on that record's type
(`ContactIn`, `SettingsIn`), which is what `validate` validates against.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
import typing
import unicodedata
from typing import Annotated, Any, TypeVar

from pydantic import AfterValidator, BeforeValidator, Field, TypeAdapter
from pydantic_core import PydanticCustomError

from introducer.book.names import invisible_problem, name_problem
from introducer.book.schema import (
    NULL_WORDS,
    Contact,
    EventSettings,
    Group,
    Imap,
    ImapTls,
    LifeEvent,
    Networker,
    NetworkKind,
    ProfessionSettings,
    Role,
    Settings,
    Weights,
    slugify,
)

Record = TypeVar("Record")


def validate(record_type: type[Record], raw: object) -> Record:
    """`raw` (the YAML's mapping) as a `record_type`; raises pydantic's ValidationError."""
    return typing.cast(Record, _adapter(record_type).validate_python(raw))


def field_types(record_type: type[Any]) -> dict[str, tuple[Any, tuple[Any, ...]]]:
    """Each field's type and the metadata written beside it (`Annotated`'s), as pydantic
    sees them: for messages that name a field's bounds or the record inside it."""
    found = _FIELD_TYPES.get(record_type)
    if found is None:
        hints = typing.get_type_hints(record_type, vars(sys.modules[record_type.__module__]),
                                      globals(), include_extras=True)
        found = _FIELD_TYPES[record_type] = {
            name: (hint.__origin__, tuple(hint.__metadata__))
            if typing.get_origin(hint) is Annotated else (hint, ())
            for name, hint in hints.items() if not name.startswith("__")
        }
    return found


def _adapter(record_type: type[Any]) -> TypeAdapter[Any]:
    """The adapter for one record, built on first use: most runs read a cache instead."""
    adapter = _ADAPTERS.get(record_type)
    if adapter is None:
        adapter = TypeAdapter(_VALIDATED_AS.get(record_type, record_type))
        # The records' fields name this module's types: resolve them here.
        adapter.rebuild(force=True, _types_namespace=dict(globals()))
        _ADAPTERS[record_type] = adapter
    return adapter


_ADAPTERS: dict[type[Any], TypeAdapter[Any]] = {}
_FIELD_TYPES: dict[type[Any], dict[str, tuple[Any, tuple[Any, ...]]]] = {}


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


def _id_has_no_spaces(value: str) -> str:
    # isprintable() is False exactly for control/format and space separators but ' '.
    if " " in value or not value.isprintable():
        raise ValueError("an id may not contain spaces or control characters")
    return value


def _default_id(value: Any) -> Any:
    """A contact without an id gets one made from the name."""
    if isinstance(value, dict) and value.get("id") in (None, "") and isinstance(
        value.get("name"), str
    ):
        return {**value, "id": slugify(value["name"]) or value["name"].strip()}
    return value


def _serves_list(value: Any) -> Any:
    return None if value is None else _as_text_list(value)


def _weight(value: float) -> float:
    if not 0 <= value <= 1000:
        raise ValueError("a weight must be a number from 0 to 1000")
    return value


def _a_share(value: float) -> float:
    if not 0 <= value <= 1:
        raise ValueError("already_acquainted is the share of points taken off: 0 to 1")
    return value


def _bare_event_name(value: Any) -> Any:
    """`events: [divorce]`: an event given by its name alone."""
    return {"event": value} if isinstance(value, str) else value


def _bare_event_settings(value: Any) -> Any:
    """`divorce: [mediator]` is the professions; `divorce:` alone, none."""
    if value is None:
        return {"professions": []}
    if isinstance(value, (list, str)):
        return {"professions": value}
    return value


def _profession_events(value: Any) -> Any:
    """A profession's events as a bare list: every one of them primary."""
    if value is None:
        return {}
    if isinstance(value, (list, str)):
        return dict.fromkeys(_as_text_list(value), "primary")
    return value


def _group_said_nothing(value: Any) -> Any:
    """`church:` with nothing after it names the group and leaves the rest to inference."""
    if isinstance(value, dict):
        return {key: {} if _none_if_blank(body) is None else body for key, body in value.items()}
    return value


def _command_words(value: Any) -> Any:
    """A command line as one string (split like a shell would, but never run by one)."""
    if isinstance(value, str):
        import shlex

        try:
            return shlex.split(value)
        except ValueError as error:
            raise ValueError(f"password_command cannot be split into words ({error})") from None
    return value


_Value = TypeVar("_Value")

#: A value that may be left out; blank, `~` or `null` count as left out. Bounds go on
#: the inner type (`OptionalValue[Closeness]`): put beside the `| None`, pydantic would
#: apply them to the None as well and fail with a TypeError instead of a message.
OptionalValue = Annotated[_Value | None, BeforeValidator(_none_if_blank)]

Text = Annotated[str, Field(min_length=1), BeforeValidator(_strip_text)]
OptionalText = OptionalValue[Text]
NameText = Annotated[Text, AfterValidator(_fits_a_header)]
OptionalNameText = OptionalValue[NameText]
OptionalVisibleText = OptionalValue[Annotated[Text, AfterValidator(_visible)]]
Id = Annotated[Text, AfterValidator(_id_has_no_spaces)]
Notes = Annotated[str | None, BeforeValidator(_strip_notes)]
OptionalDate = Annotated[dt.date | None, BeforeValidator(_iso_date)]
TextList = Annotated[list[Text], BeforeValidator(_as_text_list)]
OptionalTextList = TextList | None
ServedList = Annotated[TextList | None, BeforeValidator(_serves_list)]
TextMap = dict[Text, Text]
Closeness = Annotated[int, Field(ge=1, le=5)]
OptionalCloseness = OptionalValue[Closeness]
OptionalPort = OptionalValue[Annotated[int, Field(ge=1, le=65535)]]
OptionalNetworker = OptionalValue[Networker]
NetworkKinds = Annotated[list[NetworkKind], BeforeValidator(_as_text_list)]
Flag = Annotated[bool, BeforeValidator(lambda v: True if v is None else v)]
GroupFlag = Annotated[bool | None, BeforeValidator(_none_if_blank)]
Weight = Annotated[float, AfterValidator(_weight)]
Share = Annotated[float, AfterValidator(_weight), AfterValidator(_a_share)]
WeeklyGoal = Annotated[int, Field(ge=0, le=1000)]
FollowUpDays = Annotated[int, Field(ge=1, le=3650)]
StaleDays = Annotated[int, Field(ge=1, le=36500)]
CooldownDays = Annotated[int, Field(ge=0, le=3650)]
ImapTlsIn = Annotated[ImapTls, BeforeValidator(lambda v: "ssl" if v is None else v)]
PasswordCommand = Annotated[OptionalValue[list[Text]], BeforeValidator(_command_words)]
ProfessionEvents = Annotated[dict[Text, Role], BeforeValidator(_profession_events)]

# The records, each with the rules that are its own.
LifeEventIn = Annotated[LifeEvent, BeforeValidator(_bare_event_name)]
ContactEvents = Annotated[list[LifeEventIn], BeforeValidator(_as_text_list)]
ContactIn = Annotated[Contact, BeforeValidator(_default_id)]
WeightsIn = Annotated[Weights, BeforeValidator(_without_blank_keys)]
SettingsIn = Annotated[Settings, BeforeValidator(_without_blank_keys)]
EventSettingsIn = Annotated[EventSettings, BeforeValidator(_bare_event_settings)]
ProfessionIn = Annotated[ProfessionSettings, BeforeValidator(lambda v: {} if v is None else v)]
EventsSettings = dict[Text, EventSettingsIn]
Groups = Annotated[dict[Text, Group], BeforeValidator(_group_said_nothing)]
Professions = dict[Text, ProfessionIn]
ImapIn = Imap | None

#: The records with rules of their own, by the type that applies them (the others, such
#: as `Me`, are validated as they are).
_VALIDATED_AS: dict[type[Any], Any] = {
    Contact: ContactIn, LifeEvent: LifeEventIn, Weights: WeightsIn, Settings: SettingsIn,
    EventSettings: EventSettingsIn, ProfessionSettings: ProfessionIn,
}
