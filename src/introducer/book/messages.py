"""Pydantic errors become one plain sentence each, located on the line that caused them.

Messages quote what the user wrote only through `shown` (short, escaped), and
never pydantic's own wording where a clearer one exists.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, get_args, get_origin

import annotated_types
from pydantic.fields import FieldInfo
from pydantic_core import ErrorDetails

from introducer.book.closest import did_you_mean
from introducer.book.schema import LifeEvent, Settings, Weights, field_names
from introducer.book.validation import field_types
from introducer.book.yamlsafe import LineList, LineMap, kind_of, shown

Loc = tuple[int | str, ...]

#: How an unknown key is called, by the record it was found in.
_UNKNOWN_NOUN: dict[type[Any], str] = {Settings: "setting", Weights: "weight"}
_ALLOWED_LIST_MAX = 10
#: Pydantic's kind of error for a key a record does not have (the records are dataclasses).
UNKNOWN_KEY = "unexpected_keyword_argument"


def describe_error(
    record: type[Any], raw: LineMap, detail: ErrorDetails, prefix: Sequence[str] = ()
) -> tuple[int, str]:
    """The line and the sentence for one pydantic error found validating `raw` as `record`."""
    loc: Loc = tuple(detail["loc"])
    line, located = locate(raw, loc)
    value = detail.get("input", located)  # what was validated, after commas were split
    kind = detail["type"]
    where = where_text((*prefix, *loc))
    if kind == UNKNOWN_KEY:
        return line, _unknown_key(record, loc, prefix)
    if kind == "missing":
        parent = where_text((*prefix, *loc[:-1]))
        message = f"missing required field {shown(loc[-1])}"
        return line, f"{parent}: {message}" if parent else message
    return line, f"{where}: {_problem_text(record, loc, kind, value, detail)}"


def locate(raw: Any, loc: Loc) -> tuple[int, Any]:
    """Follow a pydantic location through the raw document: the deepest line and value reached."""
    line: int = raw.line
    node = raw
    for part in loc:
        if isinstance(node, LineMap) and isinstance(part, str) and part in node:
            line = node.key_lines.get(part, line)
            node = node[part]
        elif isinstance(node, LineList) and isinstance(part, int) and 0 <= part < len(node):
            line = node.item_lines[part]
            node = node[part]
        else:
            break
    return line, node


def where_text(parts: Iterable[int | str]) -> str:
    """`('events', 1, 'date')` -> `events #2.date`; user-written keys are escaped."""
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f" #{part + 1}"
        else:
            name = part if part.isidentifier() else shown(part)
            text += f".{name}" if text else name
    return text


def unknown_key_hint(record: type[Any], loc: Loc) -> str | None:
    """The field an unknown key at `loc` was probably meant to be (`hobbys` -> `hobbies`)."""
    owner = _record_at(record, loc[:-1]) or record
    return did_you_mean(str(loc[-1]), list(field_names(owner)))


def _unknown_key(record: type[Any], loc: Loc, prefix: Sequence[str]) -> str:
    name = str(loc[-1])
    owner = _record_at(record, loc[:-1]) or record
    fields = list(field_names(owner))
    noun = _UNKNOWN_NOUN.get(owner, "field")
    hint = unknown_key_hint(record, loc)
    if hint is not None:
        extra = f" (did you mean {hint!r}?)"
    elif len(fields) <= _ALLOWED_LIST_MAX:
        extra = f" (allowed: {', '.join(fields)})"
    else:
        extra = " (anything else can go in 'notes:')" if "notes" in fields else ""
    message = f"unknown {noun} {shown(name)}{extra}"
    parent = where_text((*prefix, *loc[:-1])) if noun == "field" else ""
    return f"{parent}: {message}" if parent else message


def _record_at(record: type[Any], loc: Loc) -> type[Any] | None:
    """The record type that owns the keys at `loc` (e.g. LifeEvent for `events #2`)."""
    keyed = False  # the previous part was a mapping of records: this part is a key of it
    for part in loc:
        if isinstance(part, int) or keyed:
            keyed = False
            continue
        field = field_types(record).get(part)
        inner = None if field is None else _record_in(field[0])
        if inner is None or field is None:
            return None
        keyed = get_origin(field[0]) is dict  # settings.professions.<name>
        record = inner
    return record


def _record_in(annotation: Any) -> type[Any] | None:
    if isinstance(annotation, type) and dataclasses.is_dataclass(annotation):
        return annotation
    for arg in get_args(annotation):
        found = _record_in(arg)
        if found is not None:
            return found
    return None


def _problem_text(
    record: type[Any], loc: Loc, kind: str, value: Any, detail: ErrorDetails
) -> str:
    blank = isinstance(value, str) and not value.strip()
    if value is None or (blank and kind.endswith("too_short")):
        return "is empty"
    if kind == "string_type":
        return f"must be text, not {kind_of(value)}"
    if kind == "list_type":
        return f"must be a list (or text separated by commas), not {kind_of(value)}"
    if kind in ("dict_type", "dataclass_type"):
        if _record_at(record, loc) is LifeEvent:
            return f"must be a name or a mapping with 'event:' and 'date:', not {kind_of(value)}"
        return f"must be a mapping (key: value), not {kind_of(value)}"
    if not isinstance(value, str):
        return f"must be text, not {kind_of(value)}"
    if kind == "control_character":
        return f"{shown(value)} {detail['msg']}"
    if kind == "iso_date":
        return f"{shown(value)} is not a date (use YYYY-MM-DD)"
    if kind == "literal_error":
        allowed = re.findall(r"'([^']*)'", str(detail.get("ctx", {}).get("expected", "")))
        hint = did_you_mean(value, allowed)
        suggestion = f"; did you mean {hint!r}?" if hint else ""
        return f"{shown(value)} is not one of: {', '.join(allowed)}{suggestion}"
    if kind.startswith(("int_", "float_")) or kind in ("greater_than_equal", "less_than_equal"):
        return _number_text(record, loc, kind, value)
    if kind.startswith("bool_"):
        return f"{shown(value)} is not true or false"
    if kind == "value_error":
        reason = str(detail.get("ctx", {}).get("error", detail["msg"]))
        return f"{reason} (got {shown(value)})"
    return f"{detail['msg']} (got {shown(value)})"


def _number_text(record: type[Any], loc: Loc, kind: str, value: str) -> str:
    if kind in ("greater_than_equal", "less_than_equal"):
        low, high = _bounds(record, loc)
        return f"{shown(value)} is out of range; use {low} to {high}"
    if kind.startswith("int_"):
        return f"{shown(value)} is not a whole number"
    return f"{shown(value)} is not a number"


def _bounds(record: type[Any], loc: Loc) -> tuple[object, object]:
    owner = _record_at(record, loc[:-1]) or record
    field = field_types(owner).get(str(loc[-1]))
    low: object = "?"
    high: object = "?"
    for item in [] if field is None else _constraints(*field):
        if isinstance(item, annotated_types.Ge):
            low = item.ge
        elif isinstance(item, annotated_types.Le):
            high = item.le
    return low, high


def _constraints(annotation: Any, metadata: Iterable[Any]) -> Iterator[Any]:
    """A field's constraints, and those of the types inside it: the bounds of an optional
    number sit on the number (`OptionalValue[Closeness]`), not on the field."""
    for item in metadata:
        yield from item.metadata if isinstance(item, FieldInfo) else (item,)
    for arg in get_args(annotation):
        yield from _constraints(arg, getattr(arg, "__metadata__", ()))
