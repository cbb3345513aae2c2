"""`introducer gaps`: the voids in the network, who they concern, and what to do."""

from __future__ import annotations

from typing import Annotated

import typer

from introducer.cli.gaps_render import gaps_json, gaps_markdown, gaps_table
from introducer.cli.options import BookOption, StateOption
from introducer.cli.render import ReportFormat, emit_json, write_stdout
from introducer.cli.session import history_view, open_book, read_entries, today, user_errors
from introducer.gaps import GOOD_SCORE


def gaps_command(
    ctx: typer.Context,
    min_score: Annotated[float, typer.Option(
        "--min-score", min=0.0,
        help="A suggestion scoring this much is a good one: contacts with none are listed, "
        "and relationships are weighed by theirs.")] = GOOD_SCORE,
    output: Annotated[ReportFormat, typer.Option(
        "--format", "-f", case_sensitive=False,
        help="table for people; json for scripts; markdown for notes.")] = ReportFormat.table,
    state: StateOption = None,
    book: BookOption = None,
) -> None:
    """Voids in the network: professions missing around life events, passive-only
    professions, unanswered asks, contacts with no good match, useful relationships gone
    quiet, the network's balance, and this week's focus person.

    Example: introducer gaps --format markdown > gaps.md
    """
    from introducer.gaps.report import find_gaps
    from introducer.ledger.agenda import last_touches
    from introducer.match.rank import Matchmaker

    with user_errors():
        loaded = open_book(ctx, book)
        entries = read_entries(ctx, loaded, state)
        day = today()
        matchmaker = Matchmaker(loaded, today=day, history=history_view(loaded, entries, day))
        found = find_gaps(matchmaker, last_touches(entries), min_score)
    if output is ReportFormat.json:
        emit_json(gaps_json(found, day.isoformat()))
    elif output is ReportFormat.markdown:
        write_stdout(gaps_markdown(found, day.isoformat()))
    else:
        gaps_table(found)
