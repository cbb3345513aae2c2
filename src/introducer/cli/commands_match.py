"""Commands about introductions: suggest and explain."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from introducer.cli.console import say, show
from introducer.cli.options import BookOption, FormatOption, StateOption
from introducer.cli.render import (
    OutputFormat,
    emit_json,
    emit_rows,
    emit_table,
    person_record,
    reason_record,
    who,
)
from introducer.cli.session import current_history, open_book, today, user_errors
from introducer.lifetime import keep_as_well

if TYPE_CHECKING:
    from introducer.match.score import Suggestion


def _thread(suggestion: Suggestion) -> str:
    """The common thread, and the history label of a pair already acted on."""
    if suggestion.history is None:
        return suggestion.common_thread
    return f"{suggestion.common_thread} [{suggestion.history}]"


def _suggestion_record(rank: int, suggestion: Suggestion) -> dict[str, Any]:
    record: dict[str, Any] = {
        "rank": rank, "score": suggestion.score, "a": person_record(suggestion.a),
        "b": person_record(suggestion.b), "reasons": [reason_record(r) for r in suggestion.reasons],
        "urgent": suggestion.urgent,
        "alternatives": [person_record(c) for c in suggestion.alternatives],
    }
    if suggestion.history is not None:
        record["history"] = suggestion.history
    return record


def suggest(
    ctx: typer.Context,
    top: Annotated[int, typer.Option("--top", "-n", min=1, help="How many suggestions.")] = 10,
    per_person: Annotated[
        int,
        typer.Option(min=0, help="At most this many suggestions per person (0: no cap)."),
    ] = 2,
    focus: Annotated[
        str | None,
        typer.Option("--for", help="Only this contact's best matches (id or name).",
                     show_default=False),
    ] = None,
    min_score: Annotated[
        float, typer.Option(min=0.0, help="Hide suggestions scoring below this.")
    ] = 0.0,
    include_history: Annotated[
        bool,
        typer.Option("--include-history",
                     help="Also rank pairs already introduced, snoozed or declined, marked."),
    ] = False,
    include_acquainted: Annotated[
        bool,
        typer.Option("--include-acquainted",
                     help="Score pairs who already know each other (knows:, a weekly group) "
                     "in full, without the already_acquainted cut."),
    ] = False,
    output: FormatOption = OutputFormat.table,
    book: BookOption = None,
    state: StateOption = None,
) -> None:
    """Ranked introduction suggestions, each with the common thread behind it.

    Examples:

    \b
      introducer suggest --top 6
      introducer suggest --for sofia --format json
    """
    from introducer.book.find import find_contact
    from introducer.match.rank import Matchmaker

    with user_errors():
        loaded = open_book(ctx, book)
        if include_acquainted:
            loaded = loaded.at_full_score_for_acquaintances()
        focus_contact = find_contact(loaded.contacts, focus) if focus is not None else None
        matchmaker = Matchmaker(loaded, today=today(), history=current_history(ctx, loaded, state))
        found = matchmaker.suggest(
            top=top, per_person=per_person, focus=focus_contact, min_score=min_score,
            include_history=include_history,
        )
        keep_as_well(matchmaker)  # a big book's index is left to the end, with the book
    if matchmaker.approximate is not None:
        say(f"approximate: {matchmaker.approximate}")
    header = ["rank", "score", "a", "b", "common thread"]
    # For people, `--for X` reads best with X first; JSON and CSV keep a.id < b.id.
    ordered = [
        (s.b, s.a) if focus_contact is not None and s.b.id == focus_contact.id else (s.a, s.b)
        for s in found
    ]
    rows = [[rank, f"{s.score:g}", who(first), who(second), _thread(s)]
            for rank, (s, (first, second)) in enumerate(zip(found, ordered, strict=True), 1)]
    if output is OutputFormat.csv:
        header = ["rank", "score", "a_id", "a_name", "b_id", "b_name", "kinds", "common_thread"]
        rows = [[rank, s.score, s.a.id, s.a.name, s.b.id, s.b.name,
                 " ".join(r.kind for r in s.reasons), s.common_thread]
                for rank, s in enumerate(found, 1)]
    emit_rows(
        output, header, rows,
        json_key="suggestions",
        json_rows=[_suggestion_record(rank, s) for rank, s in enumerate(found, 1)],
        title="Introductions worth making" + (f" for {focus_contact.name}" if focus_contact
                                              else ""),
        numeric=("rank", "score"),
    )
    if not found and output is OutputFormat.table:
        if min_score > 0:
            say(f"no suggestions score {min_score:g} or more; try a lower --min-score")
        elif focus_contact is not None and not focus_contact.introduce:
            say(f"{focus_contact.name} is marked introduce: false, so is never suggested")
        elif focus_contact is not None:
            say(f"no suggestions for {focus_contact.name}: add clients, referral sources, "
                "hobbies or events to them or to the people they should meet")
        else:
            say("no suggestions: add clients, referral sources, hobbies or events to your "
                "contacts (see `introducer check`)")


def explain(
    ctx: typer.Context,
    first: Annotated[str, typer.Argument(metavar="A", help="A contact (id or name).")],
    second: Annotated[str, typer.Argument(metavar="B", help="Another contact (id or name).")],
    output: FormatOption = OutputFormat.table,
    book: BookOption = None,
    state: StateOption = None,
) -> None:
    """Every reason two contacts should (or should not) meet, with its points.

    Examples:

    \b
      introducer explain maria "tom reed"
      introducer explain sam lena --format json
    """
    from introducer.book.find import find_contact
    from introducer.match.rank import Matchmaker

    with user_errors():
        loaded = open_book(ctx, book)
        a = find_contact(loaded.contacts, first)
        b = find_contact(loaded.contacts, second)
        if a.id == b.id:
            from introducer.errors import UsageError

            raise UsageError(f'"{first}" and "{second}" are the same contact ({a.id})')
        history = current_history(ctx, loaded, state)
        result = Matchmaker(loaded, today=today(), history=history).explain(a, b)
    if output is OutputFormat.json:
        payload: dict[str, Any] = {"a": person_record(result.a), "b": person_record(result.b),
                                   "score": result.score,
                                   "reasons": [reason_record(r) for r in result.reasons]}
        if result.history is not None:
            payload["history"] = result.history
        if result.excluded:
            payload["excluded"] = result.excluded
            say(f"never suggested: {result.excluded}")
        emit_json(payload)
        return
    header = ["kind", "points", "why"]
    rows = [[r.kind, f"{r.points:+g}", r.text] for r in result.reasons]
    if output is OutputFormat.table:
        show(f"{who(result.a)}  ↔  {who(result.b)}")
        if rows:
            emit_table(header, rows, numeric=("points",))
        else:
            show("nothing in common yet")
        show(f"score {result.score:g}")
        if result.history is not None:
            show(f"history: {result.history}")
    else:
        emit_rows(output, header, rows, json_key="reasons", json_rows=[], numeric=("points",))
        if result.history is not None:
            say(f"history: {result.history}")
    if result.excluded:
        say(f"never suggested: {result.excluded}")
