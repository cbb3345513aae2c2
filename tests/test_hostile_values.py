"""Every field of the book set to a hostile value: `check` answers, it never crashes.

A fuzzer found `closeness:` left empty (or `~`, `""`) and an empty `settings.imap.port:`
ending in "internal error: TypeError: Unable to apply constraint 'ge'"; this sweeps
every field with the values that break parsers.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from introducer.book.schema import Contact, Imap, LifeEvent, Me, Settings, Weights, field_names
from introducer.cli.app import app

runner = CliRunner()

HOSTILE = {
    "empty": "",
    "quoted empty": '""',
    "tilde": "~",
    "null": "null",
    "empty list": "[]",
    "empty mapping": "{}",
    "10,000 digits": "1" * 10_000,
    "minus one": "-1",
    "nan": ".nan",
    "nested list": "[[1, [2, [3]]], {a: [b]}]",
}

# A small valid book, section by section: (indent, first-line prefix, required fields).
_SECTIONS: dict[str, tuple[str, str, dict[str, str]]] = {
    "me": ("me:\n", "  ", {"name": "Ana Ortiz", "email": "ana@example.com"}),
    "settings": ("settings:\n", "  ", {}),
    "weights": ("  weights:\n", "    ", {}),
    "imap": ("  imap:\n", "    ", {"host": "imap.example.com", "user": "ana"}),
    "contact": ("contacts:\n", "    ", {"name": "Ann Lee"}),
    "event": ("    events:\n", "        ", {"event": "divorce"}),
}
#: The field a nested section is the value of: set that field, and the section goes.
_PARENT = {"weights": ("settings", "weights"), "imap": ("settings", "imap"),
           "event": ("contact", "events")}
_MODELS = {"me": Me, "settings": Settings, "weights": Weights, "imap": Imap,
           "contact": Contact, "event": LifeEvent}


def book_with(section: str, field: str, value: str) -> str:
    """The small book with `field` of `section` set to the raw YAML `value`."""
    text = ""
    for name, (header, indent, required) in _SECTIONS.items():
        if _PARENT.get(name) == (section, field):
            continue
        fields = {**required, field: value} if name == section else required
        lines = [f"{indent}{key}: {raw}" for key, raw in fields.items()]
        if lines and name in ("contact", "event"):  # the first line of a list item
            lines[0] = f"{indent[:-2]}- {lines[0].lstrip()}"
        text += header + "".join(line + "\n" for line in lines)
    return text


FIELDS = [(section, field) for section, model in _MODELS.items()
          for field in field_names(model)]


@pytest.mark.parametrize("value", HOSTILE.values(), ids=HOSTILE.keys())
@pytest.mark.parametrize(("section", "field"), FIELDS, ids=[f"{s}.{f}" for s, f in FIELDS])
def test_check_never_crashes_on_a_hostile_value(section: str, field: str, value: str) -> None:
    Path("contacts.yaml").write_text(book_with(section, field, value), encoding="utf-8")
    result = runner.invoke(app, ["check"])
    assert result.exit_code in (0, 1), result.stderr
    assert "internal error" not in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert not isinstance(result.exception, BaseException) or isinstance(
        result.exception, SystemExit)


def test_the_sweep_reaches_the_field_it_names() -> None:
    """A wrong value in each swept field is reported on that field (the sweep is real)."""
    text = book_with("contact", "closeness", "7")
    assert "    closeness: 7" in text
    Path("contacts.yaml").write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["check"])
    assert result.exit_code == 1
    assert result.stdout == ('contacts.yaml:11: contact "Ann Lee": closeness: '
                             "'7' is out of range; use 1 to 5\n")


@pytest.mark.parametrize("value", ["", "~", '""', "null"])
@pytest.mark.parametrize(("section", "field"), [
    ("contact", "closeness"), ("imap", "port"), ("settings", "weekly_goal"),
    ("settings", "stale_days"), ("weights", "wants"), ("settings", "weights"),
])
def test_an_empty_optional_number_means_not_given(section: str, field: str, value: str) -> None:
    Path("contacts.yaml").write_text(book_with(section, field, value), encoding="utf-8")
    result = runner.invoke(app, ["check"])
    assert result.exit_code == 0, result.stdout + result.stderr
    assert "0 errors, 0 warnings" in result.stderr


def test_an_out_of_range_port_names_its_bounds() -> None:
    Path("contacts.yaml").write_text(book_with("imap", "port", "70000"), encoding="utf-8")
    result = runner.invoke(app, ["check"])
    assert result.exit_code == 1
    assert result.stdout == ("contacts.yaml:9: settings.imap.port: '70000' is out of range; "
                             "use 1 to 65535\n")
