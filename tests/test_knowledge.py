"""The professions and events tables: complete, consistent, and extended by the book."""

from __future__ import annotations

from collections import Counter
from importlib.resources import files

import pytest
import yaml

from introducer.book.knowledge import TriggerEvents
from introducer.book.normalise import fold_text
from introducer.book.schema import Settings
from introducer.book.validation import validate


def table(name: str) -> dict[str, dict[str, object]]:
    text = files("introducer.book").joinpath(name).read_text(encoding="utf-8")
    data: dict[str, dict[str, object]] = yaml.safe_load(text)
    return data


PROFESSIONS = table("professions.yaml")["professions"]
EVENTS = table("events.yaml")["events"]
BUILTIN = TriggerEvents()


def test_the_table_covers_a_networking_group() -> None:
    assert len(PROFESSIONS) >= 150
    for profession in ["accountant", "bookkeeper", "payroll provider", "business attorney",
                       "immigration attorney", "mediator", "medicare advisor", "sba lender",
                       "home inspector", "appraiser", "title company", "roofer", "hvac technician",
                       "pest control", "junk removal", "it support", "cybersecurity consultant",
                       "grief counselor", "optometrist", "pet groomer", "funeral director",
                       "estate liquidator", "business buyer", "business broker", "daycare",
                       "search fund buyer", "m&a advisor", "realter", "acountant", "CPA"]:
        assert BUILTIN.is_profession(profession), profession


def test_every_value_in_the_tables_is_text() -> None:
    def walk(value: object) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                assert isinstance(key, str), key
                walk(inner)
        elif isinstance(value, list):
            for inner in value:
                assert isinstance(inner, str), inner  # YAML reads `on` as True, `1099` as 1099
    walk(table("professions.yaml"))
    walk(table("events.yaml"))


def test_professions_name_only_known_events_and_professions() -> None:
    events = {fold_text(name) for name in EVENTS}
    names = {fold_text(name) for name in PROFESSIONS}
    for name, body in PROFESSIONS.items():
        assert isinstance(body, dict)
        for event, role in dict(body.get("events") or {}).items():  # type: ignore[call-overload]
            assert fold_text(event) in events, (name, event)
            assert role in ("primary", "secondary"), (name, event)
        for parent in list(body.get("kind_of") or []):  # type: ignore[call-overload]
            assert fold_text(parent) in names, (name, parent)
    for event in events:
        assert BUILTIN.events[event].professions, f"nobody serves {event}"


def test_no_spelling_names_two_professions_and_no_alias_two_events() -> None:
    spellings = Counter(
        fold_text(spelling)
        for name, body in PROFESSIONS.items()
        for spelling in [name, *list(body.get("synonyms") or [])]  # type: ignore[call-overload]
    )
    assert [s for s, n in spellings.items() if n > 1] == []
    aliases = Counter(
        fold_text(alias)
        for name, body in EVENTS.items()
        for alias in {name, *list((body or {}).get("aliases") or [])}  # type: ignore[attr-defined]
    )
    assert [a for a, n in aliases.items() if n > 1] == []
    for name, body in EVENTS.items():
        for alias in (body or {}).get("aliases") or []:  # type: ignore[attr-defined]
            assert BUILTIN.event_key(alias) == fold_text(name), alias


@pytest.mark.parametrize(
    ("written", "event"),
    [("getting divorced", "divorce"), ("divorced", "divorce"), ("Divorce (2025)", "divorce"),
     ("selling business", "business sale"), ("engaged", "marriage"),
     ("buying a house", "home purchase"), ("pregnant", "new baby"), ("lost job", "job loss"),
     ("new grandchild", "new grandchild"), ("husband passed", "death in the family"),
     ("my mother passed away", "death in the family"), ("expecting in March", "new baby"),
     ("expecting, due 2026-09", "new baby"), ("laid off", "job loss"),
     ("lost my job", "job loss"), ("just moved", "relocation"), ("Moving", "relocation"),
     ("mom has dementia", "ageing parents"), ("retirees", "retirement")],
)
def test_events_as_people_write_them(written: str, event: str) -> None:
    assert BUILTIN.known_event(written) == fold_text(event)


@pytest.mark.parametrize("written", ["bar mitzvah", "new car", "got a puppy", "the", "2026"])
def test_phrases_that_are_no_event_stay_unknown(written: str) -> None:
    assert BUILTIN.known_event(written) is None


def test_roles_say_who_an_event_calls_first() -> None:
    assert BUILTIN.role("mediator", "divorce") == "primary"
    assert BUILTIN.role("divorce lawyer", "getting divorced") == "primary"
    assert BUILTIN.role("therapist", "divorce") == "primary"
    assert BUILTIN.role("realtor", "divorce") == "secondary"
    assert BUILTIN.role("financial advisor", "divorce") == "secondary"
    assert BUILTIN.role("CPA", "divorce") == "secondary"
    assert BUILTIN.role("dentist", "divorce") is None
    assert BUILTIN.role("divorce mediator at Lopez Mediation", "divorce") == "primary"
    assert BUILTIN.role("mediator", "no such event") is None
    assert BUILTIN.role("retirement planner", "retirement") == "primary"


def test_a_kind_without_events_of_its_own_serves_its_parents_events() -> None:
    assert BUILTIN.events_served_by("commercial realtor") - {"home sale"} <= (
        BUILTIN.events_served_by("commercial real estate agent")
    )
    assert BUILTIN.events_served_by("orthodontist") == BUILTIN.events_served_by("dentist")
    assert "retirement" in BUILTIN.events_served_by("retirement planner")


def test_settings_professions_extend_the_table() -> None:
    settings = validate(Settings, {"professions": {
        "bookkeeper": {"synonyms": ["books"], "needs": ["quickbooks cleanup"],
                       "events": {"divorce": "secondary"}},
        "balloon artist": {"synonyms": ["balloonist"], "needs": ["balloons"],
                           "events": ["marriage", "new baby"]},
        "doula": None,
    }})
    events = TriggerEvents(settings.events, settings.professions)
    assert events.professions_of("books") == {"bookkeeper"}
    assert events.asked_professions("quickbooks cleanup") == {"bookkeeper"}
    assert events.asked_professions("quickbooks") == {"bookkeeper"}  # the built-in needs stay
    assert events.role("bookkeeper", "divorce") == "secondary"
    assert events.role("bookkeeper", "business launch") == "primary"
    assert events.professions_of("balloonist") == {"balloon artist"}
    assert events.role("balloon artist", "new baby") == "primary"
    assert events.asked_professions("balloons for the party") == {"balloon artist"}


def test_settings_events_override_keeps_known_roles() -> None:
    events = TriggerEvents({"divorce": ["mediator", "realtor", "balloon artist"],
                            "bar mitzvah": ["caterer"]})
    assert events.known_event("our bar mitzvah in May") == "bar mitzvah"
    assert events.role("mediator", "divorce") == "primary"
    assert events.role("realtor", "divorce") == "secondary"
    assert events.role("balloon artist", "divorce") == "primary"
    assert events.role("therapist", "divorce") is None


@pytest.mark.parametrize(("phrase", "event"), [
    ("divorce finalised", "divorce"),
    ("getting remarried in May", "marriage"),
    ("leaving an abusive marriage", "safety from abuse"),
    ("just moved from Portland", "relocation"),
    ("mom diagnosed with dementia", "ageing parent"),
    ("husband's ALS diagnosis", "health crisis"),
    ("daughter starts college next fall", "college"),
    ("opened the studio in October", "business launch"),
])
def test_events_without_an_alias_are_read_by_their_cues(phrase: str, event: str) -> None:
    assert TriggerEvents().known_event(phrase) == event


@pytest.mark.parametrize("phrase", ["chess", "carriage", "sailing", "new homeowners"])
def test_cues_never_invent_an_event(phrase: str) -> None:
    assert TriggerEvents().known_event(phrase) is None


def test_the_tables_read_back_from_a_pickle_answer_asks_alike() -> None:
    """A warm run reads the tables back with the day's preparation: the needs (pickled as
    calls to their class) must answer every ask as the tables built from the YAML do."""
    import pickle

    again = pickle.loads(pickle.dumps(BUILTIN, protocol=5))
    asks = ["need a tax return done", "looking for a divorce mediator", "payroll tax problem",
            "someone to help with back taxes", "a roofer", "nothing at all"]
    assert [again.asked_professions(a) for a in asks] == [
        TriggerEvents().asked_professions(a) for a in asks]
    assert again.needs_vocabulary() == BUILTIN.needs_vocabulary()
    assert again.asked_professions("need a tax return done")
