"""The package's own YAML tables (professions, events, groups), read fast.

Every command that matches reads about 75 KB of these tables, and PyYAML's
constructor, pure Python even behind libyaml's parser, spent 20-25 ms of a personal
book's 200 ms building them. Here libyaml's events become dicts, lists and scalars
directly; a plain scalar is resolved by PyYAML's own rules (so `true`, `0.6` and `~`
mean what `yaml.safe_load` makes of them), and a file using anything else (tags,
anchors, merge keys) is read by `yaml.load` instead. The result is always what
`yaml.load(text, Loader=CSafeLoader)` returns. PyYAML is imported only when a table is
read (7 ms): a warm run finds the tables in the cache (`match/prepare.py`).
"""

from __future__ import annotations

from importlib.resources import files
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from yaml import events as ev

_STR = "tag:yaml.org,2002:str"


class _UnusualError(Exception):
    """The table uses something this reader leaves to PyYAML."""


def read_table(package: str, name: str) -> Any:
    """The YAML file `name` inside `package`, as `yaml.safe_load` would read it."""
    import yaml

    text = files(package).joinpath(name).read_text(encoding="utf-8")
    try:
        return _build(text)
    except _UnusualError:
        return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def _build(text: str) -> Any:
    import yaml
    from yaml import events as ev

    try:
        from yaml._yaml import CParser
    except ImportError:  # PyYAML without libyaml
        raise _UnusualError from None
    get_event = CParser(text).get_event
    resolver = yaml.resolver.Resolver()
    plain_starts = resolver.yaml_implicit_resolvers
    resolve_every = None in plain_starts  # a resolver for any first character
    constructor = yaml.constructor.SafeConstructor()
    documents: list[Any] = []
    # Open collections, innermost last: a list, or a dict with the key waiting for its value.
    stack: list[tuple[Any, list[Any]]] = []

    def scalar(event: ev.ScalarEvent) -> Any:
        value: str = event.value
        if event.tag is not None or event.anchor is not None:
            raise _UnusualError
        if not event.implicit[0] or (value and value[0] not in plain_starts and not resolve_every):
            return value  # quoted, or plain with nothing but a string to be
        tag: str = resolver.resolve(yaml.ScalarNode, value, (True, False))  # type: ignore[no-untyped-call]
        if tag == _STR:
            return value
        if tag.endswith((":merge", ":value", ":yaml")):
            raise _UnusualError
        return constructor.construct_object(yaml.ScalarNode(tag, value))

    def place(value: Any) -> None:
        if not stack:
            documents.append(value)
            return
        container, pending = stack[-1]
        if isinstance(container, list):
            container.append(value)
        elif pending:
            container[pending.pop()] = value
        else:
            if isinstance(value, (dict, list)):
                raise _UnusualError  # a collection as a key
            pending.append(value)

    while True:
        event = get_event()
        if isinstance(event, ev.ScalarEvent):
            place(scalar(event))
        elif isinstance(event, ev.CollectionStartEvent):
            if event.tag is not None or event.anchor is not None:
                raise _UnusualError
            opened: Any = {} if isinstance(event, ev.MappingStartEvent) else []
            place(opened)
            stack.append((opened, []))
        elif isinstance(event, ev.CollectionEndEvent):
            stack.pop()
        elif isinstance(event, ev.AliasEvent):
            raise _UnusualError
        elif isinstance(event, ev.StreamEndEvent):
            break
    if len(documents) != 1:
        raise _UnusualError  # empty, or several documents: PyYAML says what that means
    return documents[0]
