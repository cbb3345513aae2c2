"""The emails the walk previews and writes, made through the drafts API like `draft` makes them.

Built on first use: a walk that only records outcomes never loads the templates or
indexes the book for scoring.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from introducer.book.model import Book
    from introducer.drafts.build import Draft, Drafter
    from introducer.ledger.walk_plan import DraftUse, Step
    from introducer.match.rank import Matchmaker
    from introducer.match.score import Suggestion


class WalkDrafts:
    """Drafts for the walk's steps, into the `--out` folder."""

    def __init__(self, book: Book, day: dt.date, out: Path) -> None:
        self.book, self.day, self.out = book, day, out
        self._drafter: Drafter | None = None
        self._matchmaker: Matchmaker | None = None

    def build(self, step: Step, use: DraftUse) -> list[Draft]:
        """The drafts `use` makes for `step` (raises IntroducerError, e.g. with no `me:`)."""
        from introducer.drafts.plan import DraftRefusedError, follow_up_stage

        drafter = self._drafter_ready()
        if use == "hello":
            assert step.reconnect is not None, "a hello goes to someone to reconnect with"
            return [drafter.hello_for(step.a, step.reconnect.last_touch)]
        pair = self._pair(step)
        if use == "follow_up":
            stage = follow_up_stage(step.followup.stage if step.followup else None)
            return drafter.follow_up_for(pair, stage)
        privacy = drafter.privacy(pair)
        if use == "intro" and step.section == "suggestion" and privacy.any:
            # The drafts' tact rule, as `draft` applies it: each side alone first.
            private = [who.name for who in (pair.a, pair.b) if privacy.of(who.id)]
            raise DraftRefusedError(
                f"{' and '.join(private)} {'is' if len(private) == 1 else 'are'} living "
                "through something private: press [a] to ask each side alone first")
        return drafter.drafts_for(pair, use)

    def write(self, drafts: list[Draft]) -> list[Path]:
        """Each draft as a new .eml file (atomic, never overwriting); warns about any
        recipient with no address first."""
        from introducer.cli.commands_draft import warn_missing
        from introducer.drafts.deliver import write_eml

        warn_missing(self.book, drafts)
        return write_eml(drafts, self.out, self.day)

    def _drafter_ready(self) -> Drafter:
        if self._drafter is None:
            from introducer.drafts.build import Drafter
            from introducer.drafts.templates import Templates, template_folders

            self._drafter = Drafter(self.book, Templates(template_folders(None, self.book.path)),
                                    self.day)
        return self._drafter

    def _pair(self, step: Step) -> Suggestion:
        """The scored pair: today's suggestion as ranked, else the pair explained afresh (a
        follow-up or a yes is hidden from the ranking, yet its reasons still read well)."""
        if step.shown is not None:
            return step.shown.suggestion
        if self._matchmaker is None:
            from introducer.match.rank import Matchmaker

            self._matchmaker = Matchmaker(self.book, today=self.day)
        contacts = {contact.id: contact for contact in self.book.contacts}
        a, b = step.pair
        return self._matchmaker.explain(contacts[a], contacts[b])
