"""Drafting chosen pairs as `draft` drafts them: for the commands that choose several at
once (`plan --draft`, `meeting --draft`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from introducer.cli.console import say

if TYPE_CHECKING:
    from introducer.book.model import Book
    from introducer.drafts.build import Drafter, DraftKind
    from introducer.match.score import Suggestion


def refuse_opt_in_alone(opt_in: bool, draft: bool) -> None:
    """`--opt-in` says what to draft, so it needs `--draft`."""
    if opt_in and not draft:
        from introducer.errors import UsageError

        raise UsageError("--opt-in goes with --draft (it says what to draft)")


def pair_drafter(book: Book, day: dt.date) -> Drafter:
    """The drafter `draft` uses; fails before anything is written with no From address."""
    from introducer.drafts.build import Drafter
    from introducer.drafts.context import sender
    from introducer.drafts.templates import Templates, template_folders

    sender(book)  # no From address: fail before anything is written or recorded
    return Drafter(book, Templates(template_folders(None, book.path)), day)


def draft_kind(drafter: Drafter, pair: Suggestion, asked: DraftKind | None = None, *,
               force: bool = True) -> DraftKind:
    """The draft `draft` writes for the pair, its notes said on stderr: private asks where
    one side lives through a sensitive event. `force` by default: pairs a plan or a
    meeting chose are the best there are, so never refused as weak."""
    chosen = drafter.plan(pair, asked, force=force)
    for note in chosen.notes:
        say(note)
    return chosen.kind


def write_drafts(book: Book, drafter: Drafter, pairs: Sequence[Suggestion],
                 kinds: Sequence[DraftKind], day: dt.date, out: Path) -> list[list[str]]:
    """Every pair drafted through the drafts machinery, as `draft` does it; the files
    written for each pair."""
    from introducer.cli.commands_draft import warn_missing
    from introducer.drafts import deliver

    per_pair = [drafter.drafts_for(pair, kind) for pair, kind in zip(pairs, kinds, strict=True)]
    warn_missing(book, [d for drafts in per_pair for d in drafts])
    written = []
    for drafts in per_pair:
        written.append([str(path) for path in deliver.write_eml(drafts, out, day)])
    files = sum(len(paths) for paths in written)
    say(f"wrote {files} draft{'s' if files != 1 else ''} to {out}")
    return written
