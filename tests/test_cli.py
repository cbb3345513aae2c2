"""The command line as a user and a script see it: output, exit codes, files written."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from introducer.cli.app import app
from tests.conftest import EXAMPLE_BOOK, BookWriter

runner = CliRunner()


def invoke(*args: str | Path) -> tuple[int, str, str]:
    result = runner.invoke(app, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


DIVORCE_PROS = [
    {"name": "Maria Lopez", "business": "divorce mediator", "clients": ["divorcing couples"],
     "referral_sources": ["family therapists"], "hobbies": ["sailing"], "networker": "active"},
    {"name": "Tom Reed", "business": "matrimonial attorney",
     "clients": ["Divorcing-Couples", "blended families"],
     "referral_sources": ["family therapist"], "hobbies": ["sailing"], "networker": "active"},
    {"name": "Priya Shah", "business": "family therapist", "clients": ["blended families"]},
    {"name": "Bob Smith", "business": "plumber", "hobbies": ["chess"]},
    {"name": "Bob Jones", "business": "electrician", "hobbies": ["chess"]},
]


# ── suggest ──────────────────────────────────────────────────────────────────

def test_suggest_table_names_both_people_and_the_common_thread(write_book: BookWriter) -> None:
    book = write_book(DIVORCE_PROS)
    code, out, err = invoke("--book", book, "suggest")
    assert code == 0, err
    first = out.splitlines()[1]
    assert "Maria Lopez (divorce mediator)" in first
    assert "Tom Reed (matrimonial attorney)" in first
    assert "divorcing couple" in out.lower()
    assert "\x1b[" not in out, "piped output must be plain"
    assert "━" not in out and "─" not in out, "no box drawing when piped"


def test_suggest_json_contract(write_book: BookWriter) -> None:
    book = write_book(DIVORCE_PROS)
    code, out, _ = invoke("suggest", "--format", "json", "--book", book)
    assert code == 0
    payload = json.loads(out)
    assert payload["version"] == 1
    suggestions = payload["suggestions"]
    assert [s["rank"] for s in suggestions] == list(range(1, len(suggestions) + 1))
    scores = [s["score"] for s in suggestions]
    assert scores == sorted(scores, reverse=True)
    for s in suggestions:
        assert s["a"]["id"] < s["b"]["id"]
        assert set(s["a"]) == {"id", "name"}
        assert round(sum(r["points"] for r in s["reasons"]), 2) == pytest.approx(s["score"])
        for reason in s["reasons"]:
            assert set(reason) >= {"kind", "values", "points", "text"}
    top = suggestions[0]
    assert {top["a"]["id"], top["b"]["id"]} == {"maria-lopez", "tom-reed"}
    kinds = {r["kind"] for r in top["reasons"]}
    assert {"shared_clients", "shared_referral_sources", "both_active"} <= kinds


def test_suggest_csv_and_markdown(write_book: BookWriter) -> None:
    book = write_book(DIVORCE_PROS)
    code, out, _ = invoke("--book", book, "suggest", "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows[0]["rank"] == "1"
    assert {rows[0]["a_id"], rows[0]["b_id"]} == {"maria-lopez", "tom-reed"}
    code, out, _ = invoke("--book", book, "suggest", "--format", "markdown")
    assert code == 0
    assert out.splitlines()[0].startswith("| rank | score |")
    assert out.splitlines()[1].startswith("|---|")


def test_suggest_top_and_min_score(write_book: BookWriter) -> None:
    book = write_book(DIVORCE_PROS)
    _, out, _ = invoke("--book", book, "suggest", "--top", "1", "--format", "json")
    assert len(json.loads(out)["suggestions"]) == 1
    _, out, _ = invoke("--book", book, "suggest", "--min-score", "1000", "--format", "json")
    assert json.loads(out)["suggestions"] == []


def test_suggest_for_one_contact_by_fuzzy_name(write_book: BookWriter) -> None:
    book = write_book(DIVORCE_PROS)
    code, out, err = invoke("--book", book, "suggest", "--for", "priya", "--format", "json")
    assert code == 0, err
    suggestions = json.loads(out)["suggestions"]
    assert suggestions
    assert all("priya-shah" in (s["a"]["id"], s["b"]["id"]) for s in suggestions)


def test_suggest_bad_flag_is_usage_error(write_book: BookWriter) -> None:
    book = write_book(DIVORCE_PROS)
    code, _, err = invoke("--book", book, "suggest", "--top", "zero")
    assert code == 2
    assert "Traceback" not in err
    code, _, _ = invoke("--book", book, "suggest", "--format", "yaml")
    assert code == 2


def test_suggest_unknown_focus_lists_candidates(write_book: BookWriter) -> None:
    book = write_book(DIVORCE_PROS)
    code, out, err = invoke("--book", book, "suggest", "--for", "Bob")
    assert code == 1
    assert out == ""
    assert "Bob Smith" in err and "Bob Jones" in err


# ── explain ──────────────────────────────────────────────────────────────────

def test_explain_json_has_every_reason(write_book: BookWriter) -> None:
    book = write_book(DIVORCE_PROS)
    code, out, err = invoke("--book", book, "explain", "tom reed", "MARIA LOPEZ",
                            "--format", "json")
    assert code == 0, err
    payload = json.loads(out)
    assert payload["version"] == 1
    assert payload["a"]["id"] == "maria-lopez" and payload["b"]["id"] == "tom-reed"
    assert payload["score"] == pytest.approx(round(sum(r["points"] for r in payload["reasons"]), 2))
    assert {"shared_clients", "same_trigger_event", "shared_hobbies"} <= {
        r["kind"] for r in payload["reasons"]
    }


def test_explain_table_shows_points_and_score(write_book: BookWriter) -> None:
    book = write_book(DIVORCE_PROS)
    code, out, _ = invoke("--book", book, "explain", "maria-lopez", "tom-reed")
    assert code == 0
    assert "shared_clients" in out
    assert "score" in out.splitlines()[-1]


def test_explain_avoided_pair_says_why(write_book: BookWriter) -> None:
    contacts = [dict(DIVORCE_PROS[0], avoid=["tom-reed"]), DIVORCE_PROS[1]]
    book = write_book(contacts)
    code, out, err = invoke("--book", book, "explain", "maria-lopez", "tom-reed",
                            "--format", "json")
    assert code == 0
    assert "excluded" in json.loads(out)
    assert "never suggested" in err
    _, out, _ = invoke("--book", book, "suggest", "--format", "json")
    assert json.loads(out)["suggestions"] == []


def test_explain_unknown_contact_suggests_closest(write_book: BookWriter) -> None:
    book = write_book(DIVORCE_PROS)
    code, out, err = invoke("--book", book, "explain", "Mariaa Lopes", "Nobody Atall")
    assert code == 1
    assert out == ""
    assert 'unknown contact "Nobody Atall"' in err or "Maria Lopez" in err


def test_explain_same_contact_twice_is_usage_error(write_book: BookWriter) -> None:
    book = write_book(DIVORCE_PROS)
    code, _, err = invoke("--book", book, "explain", "maria-lopez", "Maria Lopez")
    assert code == 2
    assert "same contact" in err


# ── contacts ─────────────────────────────────────────────────────────────────

def test_contacts_lists_and_finds(write_book: BookWriter) -> None:
    book = write_book(DIVORCE_PROS)
    code, out, _ = invoke("--book", book, "contacts", "--format", "json")
    assert code == 0
    assert len(json.loads(out)["contacts"]) == len(DIVORCE_PROS)
    code, out, _ = invoke("--book", book, "contacts", "mediator")
    assert code == 0
    assert "Maria Lopez" in out and "Tom Reed" not in out
    code, out, _ = invoke("--book", book, "contacts", "Mraia")
    assert code == 0
    assert "Maria Lopez" in out


def test_contacts_no_match_exits_1(write_book: BookWriter) -> None:
    book = write_book(DIVORCE_PROS)
    code, _, err = invoke("--book", book, "contacts", "zzzzqqq")
    assert code == 1
    assert "no contact matches" in err


def test_accented_names_found_without_accents(write_book: BookWriter) -> None:
    book = write_book([
        {"name": "Zoë Ødegaard", "business": "senior living advisor", "hobbies": ["sailing"]},
        {"name": "Ana Ortiz", "hobbies": ["sailing"]},
    ])
    code, out, err = invoke("--book", book, "explain", "zoe odegaard", "ana", "--format", "json")
    assert code == 0, err
    assert json.loads(out)["b"]["name"] == "Zoë Ødegaard"


# ── check and init ───────────────────────────────────────────────────────────

def test_check_clean_book_exits_0(write_book: BookWriter) -> None:
    book = write_book(DIVORCE_PROS)
    code, _, err = invoke("--book", book, "check")
    assert code == 0
    assert "0 errors" in err


def test_check_reports_every_problem_with_file_and_line(tmp_path: Path) -> None:
    book = tmp_path / "contacts.yaml"
    book.write_text(
        "contacts:\n"
        "  - name: Bob Smith\n"
        "    hobbys: [chess]\n"
        "  - name: Ann Lee\n"
        "    closeness: 9\n",
        encoding="utf-8",
    )
    code, out, _ = invoke("--book", book, "check")
    assert code == 1
    assert f'{book}:3: contact "Bob Smith":' in out
    assert "did you mean 'hobbies'" in out
    assert f'{book}:5: contact "Ann Lee":' in out
    code, out, _ = invoke("--book", book, "check", "--format", "json")
    assert code == 1
    payload = json.loads(out)
    assert len(payload["errors"]) == 2
    assert {e["line"] for e in payload["errors"]} == {3, 5}


def test_broken_book_stops_other_commands_with_exit_1(tmp_path: Path) -> None:
    book = tmp_path / "contacts.yaml"
    book.write_text("contacts:\n  - name: [unclosed\n", encoding="utf-8")
    code, out, err = invoke("--book", book, "suggest")
    assert code == 1
    assert out == ""
    assert str(book) in err
    assert "Traceback" not in err


def test_init_writes_a_valid_starter_and_refuses_to_overwrite(tmp_path: Path) -> None:
    target = tmp_path / "mine.yaml"
    code, _, err = invoke("init", target)
    assert code == 0, err
    assert target.stat().st_mode & 0o777 == 0o600
    code, _, _ = invoke("--book", target, "check")
    assert code == 0
    before = target.read_bytes()
    code, _, err = invoke("init", target)
    assert code == 1
    assert "already exists" in err
    assert target.read_bytes() == before


def test_book_found_through_environment_and_cwd(
    write_book: BookWriter, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    book = write_book(DIVORCE_PROS, name="elsewhere.yaml")
    monkeypatch.setenv("INTRODUCER_BOOK", str(book))
    code, out, _ = invoke("contacts", "--format", "json")
    assert code == 0 and len(json.loads(out)["contacts"]) == len(DIVORCE_PROS)
    monkeypatch.delenv("INTRODUCER_BOOK")
    write_book(DIVORCE_PROS[:2], name="contacts.yaml")
    code, out, _ = invoke("contacts", "--format", "json")
    assert code == 0 and len(json.loads(out)["contacts"]) == 2


def test_missing_book_says_where_it_looked() -> None:
    code, _, err = invoke("suggest")
    assert code == 1
    assert "introducer init" in err


def test_the_example_book_is_clean_and_suggests() -> None:
    code, out, err = invoke("--book", EXAMPLE_BOOK, "check", "--format", "json")
    assert code == 0, err
    assert json.loads(out)["errors"] == []
    code, out, _ = invoke("--book", EXAMPLE_BOOK, "suggest", "--top", "50", "--per-person",
                          "0", "--format", "json")
    assert code == 0
    suggestions = json.loads(out)["suggestions"]
    assert len(suggestions) == 50
    kinds = {r["kind"] for s in suggestions for r in s["reasons"]}
    assert kinds >= {"shared_clients", "shared_referral_sources", "shared_hobbies",
                     "same_trigger_event", "needs_service", "both_active", "wants",
                     "referral_source", "potential_client"}
    ids = {s[k]["id"] for s in suggestions for k in ("a", "b")}
    assert "frank-miller" not in ids, "introduce: false must be honoured"


def test_example_book_produces_same_business_somewhere() -> None:
    code, out, _ = invoke("--book", EXAMPLE_BOOK, "explain", "Sam Patel", "Lena Fischer",
                          "--format", "json")
    assert code == 0
    assert "same_business" in {r["kind"] for r in json.loads(out)["reasons"]}


def test_version_and_help() -> None:
    code, out, _ = invoke("--version")
    assert code == 0 and out.startswith("introducer ")
    code, out, _ = invoke("--help")
    assert code == 0
    for command in ("init", "check", "contacts", "suggest", "explain"):
        assert command in out


@pytest.mark.parametrize("args", [
    ["--book", str(EXAMPLE_BOOK), "suggest", "--format", "json"],
    ["-b" + str(EXAMPLE_BOOK), "--verbose", "--no-cache", "explain", "maria-lopez", "lucy-tran"],
    [f"--book={EXAMPLE_BOOK}", "suggest", "--help"],
    ["--book", str(EXAMPLE_BOOK), "suggest", "--bogus"],
    ["--book", str(EXAMPLE_BOOK), "sugest"],
    ["--book", str(EXAMPLE_BOOK), "record", "maria-lopez"],
    ["--book", str(EXAMPLE_BOOK)],
    ["--bogus", "suggest"],
    ["paths", "-h"],
])
def test_a_run_that_names_its_command_answers_as_the_whole_app(
        args: list[str], tmp_path: Path, capfd: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """`run` builds only the command it is asked for (Typer builds every command's options
    before running one); output, messages and exit status are the whole app's."""
    from introducer.cli import app as cli

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("INTRODUCER_STATE", str(tmp_path / "state.sqlite3"))
    monkeypatch.setenv("NO_COLOR", "1")
    alone = cli.run(list(args)), *capfd.readouterr()
    monkeypatch.setattr(cli, "_command_named", lambda args: None)
    whole = cli.run(list(args)), *capfd.readouterr()
    assert alone == whole


def test_every_command_is_named_in_the_readme_table() -> None:
    """The front door names every command once, with a link into docs/ (test_docs.py checks
    the pages themselves)."""
    readme = (EXAMPLE_BOOK.parent / "README.md").read_text(encoding="utf-8")
    names = [command.name for command in app.registered_commands]
    assert len(names) >= 7
    for name in names:
        assert f"`{name}`" in readme, f"README's command table does not name `{name}`"
