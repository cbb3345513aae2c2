"""Which drafts a pair gets: private asks first where one side lives something private,
and no email at all for a pair the book gives no reason to meet, unless forced.

The rules live here so `draft` and `today --interactive` apply the same ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from introducer.drafts.tact import Privacy
from introducer.errors import IntroducerError
from introducer.match.phrasing import join_words
from introducer.match.score import SHARED_WITH_USER, STANDING_KINDS, Suggestion

DraftKind = Literal["intro", "ask", "follow_up", "hello"]
#: Where a pair stands when it is followed up (the ledger's stages that call for one):
#: introduced, no outcome yet ("did you connect?"); no-reply (a nudge); met (thanks, and
#: how did it go?); business (congratulations).
FollowUpStage = Literal["introduced", "no-reply", "met", "business"]
FOLLOW_UP_STAGES: tuple[FollowUpStage, ...] = ("introduced", "no-reply", "met", "business")
# What to do instead, for the stages a follow-up to both does not fit.
_NOT_A_FOLLOW_UP = {
    "asked": "the opt-in asks have no answer yet: nudge each side privately, or record the "
             "answer (`introducer outcome A B accepted`)",
    "accepted": "both said yes: draft the introduction itself (`introducer draft A B`)",
    "declined": "the introduction was declined: there is nothing to follow up",
}

#: Below this score a pair is weak: one hobby in common, or both being active
#: networkers, is not yet a reason two busy people should meet. Drafting one
#: needs `--force`.
WEAK_SCORE = 2.0


def recorded_as(kind: DraftKind) -> Literal["asked", "introduced"]:
    """What sending a draft of `kind` records: private asks are asks, the rest introduce."""
    return "asked" if kind == "ask" else "introduced"


class DraftRefusedError(IntroducerError):
    """A pair that should not be drafted as asked (nothing in common, too weak)."""


@dataclass(frozen=True, slots=True)
class Plan:
    """The kind of draft to write, and what to tell the user about it first."""

    kind: DraftKind
    notes: tuple[str, ...] = ()


def follow_up_stage(stage: str | None) -> FollowUpStage:
    """The follow-up for a pair at ledger `stage` (None: nothing recorded, as after an
    introduction made outside the tool), or DraftRefusedError saying what to do instead."""
    if stage is None:
        return "introduced"
    for known in FOLLOW_UP_STAGES:
        if stage == known:
            return known
    raise DraftRefusedError(_NOT_A_FOLLOW_UP.get(stage, f"no follow-up for stage {stage!r}"))


def has_thread(pair: Suggestion) -> bool:
    """Whether the book gives a reason for the pair an email can put into words."""
    return any(r.points > 0 and r.kind not in STANDING_KINDS and r.kind != "both_active"
               and r.text != SHARED_WITH_USER for r in pair.reasons)


def _names(pair: Suggestion) -> str:
    return f"{pair.a.name} and {pair.b.name}"


def plan(pair: Suggestion, privacy: Privacy, *, asked: DraftKind | None = None,
         force: bool = False) -> Plan:
    """The draft to write for `pair`. `asked` is the kind the user chose (None: choose);
    a joint intro asked for where one side lives a sensitive event is written with a
    warning, one not asked for becomes private asks. Raises DraftRefusedError for a pair with
    nothing in common or below WEAK_SCORE, unless `force`."""
    notes: list[str] = []
    if asked != "follow_up":
        if not has_thread(pair):
            if not force:
                raise DraftRefusedError(
                    f"{_names(pair)} have nothing in common in the book, so the email could "
                    "give no reason to meet; add what links them, or use --force")
            notes.append(f"warning: {_names(pair)} have nothing in common in the book; "
                         "drafting as forced")
        elif pair.score < WEAK_SCORE:
            if not force:
                raise DraftRefusedError(
                    f"{_names(pair)} are a weak match (score {pair.score:g}, below "
                    f"{WEAK_SCORE:g}); use --force to draft it anyway")
            notes.append(f"warning: {_names(pair)} are a weak match (score {pair.score:g}); "
                         "drafting as forced")
    both_said_yes = (pair.history or "").startswith("accepted")
    private = [(who, privacy.of(who.id)) for who in (pair.a, pair.b) if privacy.of(who.id)]
    if not private or asked in ("ask", "follow_up"):
        return Plan(asked or "intro", tuple(notes))
    what = " and ".join(f"{who.name} is living through something private "
                        f"({join_words(list(events))})" for who, events in private)
    if asked == "intro" and not both_said_yes:
        notes.append(f"warning: {what}; the joint email does not name it, but a private "
                     "ask to each side first (--opt-in) is kinder")
        return Plan("intro", tuple(notes))
    if asked is None and not both_said_yes:
        notes.append(f"note: {what}, so these are private asks to each side first; use "
                     "--joint for one joint email (it will not name it)")
        return Plan("ask", tuple(notes))
    return Plan("intro", tuple(notes))
