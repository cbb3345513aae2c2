"""`introducer circle`: an introduction for every member of a small group, and its agenda."""

from __future__ import annotations

from typing import Annotated

import typer

from introducer.cli.console import say
from introducer.cli.options import BookOption, StateOption
from introducer.cli.render import ReportFormat, emit_json, write_stdout
from introducer.cli.session import history_view, open_book, read_entries, today, user_errors
from introducer.errors import UsageError
from introducer.gaps import GOOD_SCORE

#: How the agenda names the user when the book has no `me.name`.
YOU = "you"


def circle(
    ctx: typer.Context,
    group: Annotated[str | None, typer.Argument(
        metavar="GROUP", help="A group as the book writes it in groups: (any case).",
        show_default=False)] = None,
    members: Annotated[str | None, typer.Option(
        "--members", "-m", help="The members instead of a group: ids or names, "
        "comma-separated.", show_default=False)] = None,
    min_score: Annotated[float, typer.Option(
        "--min-score", min=0.0, help="A member whose best match scores less is listed with "
        "what their record lacks.")] = GOOD_SCORE,
    output: Annotated[ReportFormat, typer.Option(
        "--format", "-f", case_sensitive=False,
        help="markdown: the agenda to share; table for a terminal; json for scripts.")
    ] = ReportFormat.markdown,
    state: StateOption = None,
    book: BookOption = None,
) -> None:
    """One introduction for each member of a small group, who makes it, and an agenda.

    Each member gets the best person in the whole book to meet, nobody asked to meet two
    members where someone else would do; another member who knows that person makes the
    introduction.

    Example: introducer circle "tuesday breakfast" > agenda.md
    """
    from introducer.circle.build import make_circle
    from introducer.circle.members import find_group, name_all, split_names
    from introducer.cli.circle_render import (
        agenda_json,
        agenda_markdown,
        agenda_table,
        circle_notes,
    )
    from introducer.match.rank import Matchmaker

    with user_errors():
        if (group is None) == (members is None):
            raise UsageError("name a GROUP or give --members a,b,c (one of the two)")
        loaded = open_book(ctx, book)
        if group is not None:
            found = find_group(loaded.contacts, group)
            people, title, own, named = list(found.members), found.name, {found.key}, found.name
        else:
            people = name_all(loaded.contacts, split_names(members or ""))
            if not people:
                raise UsageError("--members names nobody; give ids or names, comma-separated")
            title, own, named = "The circle", set(), None
        day = today()
        entries = read_entries(ctx, loaded, state)
        matchmaker = Matchmaker(loaded, today=day, history=history_view(loaded, entries, day))
        made = make_circle(matchmaker, people, own, min_score)
    user = loaded.me.name or YOU
    notes = circle_notes(made, user)
    if output is ReportFormat.json:
        emit_json(agenda_json(made, named, day, user, notes))
    elif output is ReportFormat.markdown:
        write_stdout(agenda_markdown(made, title[:1].upper() + title[1:], day, user, notes))
    else:
        agenda_table(made, title, user)
        for note in notes:
            say(f"note: {note}")
