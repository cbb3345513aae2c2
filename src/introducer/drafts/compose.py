"""Reasons into plain second-person sentences: the common thread of an introduction.

Every sentence comes from one Reason (its kind, values and which side it is
about) or from a field in the book, so an email never claims what the book does
not say. Negative reasons (possible competitors) are never turned into praise.
"""

from __future__ import annotations

from collections.abc import Sequence

from introducer.drafts.context import Person
from introducer.match.phrasing import join_words, with_article
from introducer.match.score import STANDING_KINDS, Reason

# How many reasons an email mentions: the strongest few read as a reason, more as a list.
TOP_REASONS = 4


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


_NO_ARTICLE = frozenset({"retirement", "college", "ageing parents", "aging parents"})
_ALREADY = ("a ", "an ", "the ", "any ", "anyone", "someone", "somebody")


def event_phrase(event: str) -> str:
    """`a divorce`, `a new baby`, but `retirement`, `ageing parents`."""
    if event.casefold() in _NO_ARTICLE or event.casefold().endswith("s"):
        return event
    return with_article(event)


def ask_phrase(asked: str) -> str:
    """What someone asked for, readable after "find": `a business broker`, `anyone at X`."""
    return asked if asked.casefold().startswith(_ALREADY) else with_article(asked)


def what_they_do(who: Person) -> str | None:
    """`a divorce mediator at Lopez Mediation`, from the book's business and company."""
    if who.business and who.company:
        return f"{with_article(who.business)} at {who.company}"
    if who.business:
        return with_article(who.business)
    if who.company:
        return f"with {who.company}"
    return None


def _one_sided(reason: Reason, x: Person, y: Person, *, you: Person | None) -> str | None:
    """A sentence about x (the reason's subject) and y; `you` is the reader, if one."""
    values = join_words(list(reason.values))
    events = join_words([event_phrase(v) for v in reason.values])
    asked = join_words([ask_phrase(v) for v in reason.values])
    x_ref = "you" if you is x else x.first_name
    if you is None:
        x_ref = f"{x.first_name}, you"
    y_ref = "you" if you is y else y.first_name
    y_is = "you are" if you is y else f"{y.first_name} is"
    y_business = with_article(y.business) if y.business else None
    if reason.kind == "needs_service":
        work = f"{y.first_name}'s work as {y_business}" if y_business else f"{y.first_name}'s work"
        if you is y:
            # Private: the professional hears of the need, not of the life event, until
            # the other side agrees to meet.
            mine = f"your work as {y_business}" if y_business else "your work"
            return f"I think {mine} could help {x.first_name} right now"
        know = "I know you have" if you is x else f"{x.first_name}, I know you have"
        return f"{know} {events} to think about right now, and {work} helps with exactly that"
    if reason.kind == "wants":
        facts = []
        at_company = [
            v for v in reason.values if y.company and y.company.casefold() in v.casefold()
        ]
        if y_business and len(at_company) < len(reason.values):
            facts.append(f"{y_is} {y_business}")
        if at_company:
            facts.append(f"{y_ref} work{'s' if you is not y else ''} at {y.company}")
        found = " and ".join(facts) if facts else f"{y_ref} fit{'s' if you is not y else ''}"
        return f"{_capitalise(x_ref)} asked me to find {asked}, and {found}"
    if reason.kind == "referral_source" and y_business:
        verb = "get" if x_ref.endswith("you") else "gets"
        return f"{_capitalise(x_ref)} {verb} referrals from {values}, and {y_is} {y_business}"
    if reason.kind == "potential_client" and y_business:
        verb = "work" if x_ref.endswith("you") else "works"
        return f"{_capitalise(x_ref)} {verb} with {values}, and {y_is} {y_business}"
    return None


def _shared(reason: Reason) -> str | None:
    """What both hold, as a predicate: `work with divorcing couples`."""
    values = join_words(list(reason.values))
    if reason.kind == "shared_clients":
        return f"work with {values}"
    if reason.kind == "shared_referral_sources":
        return f"get referrals from {values}"
    if reason.kind == "shared_hobbies":
        return f"enjoy {values}"
    if reason.kind == "same_trigger_event":
        return f"help people through {join_words([event_phrase(v) for v in reason.values])}"
    if reason.kind == "both_active":
        return "are active networkers"
    return None


def _both_sentence(predicates: list[str], other: Person | None) -> str:
    """`You both work with X and get referrals from Y, and you're both active networkers.`

    To one reader: `You and Tom both …`.
    """
    doing = [p for p in predicates if not p.startswith("are ")]
    being = [p.removeprefix("are ") for p in predicates if p.startswith("are ")]
    both = "you both" if other is None else f"you and {other.first_name} both"
    are_both = "you're both" if other is None else f"you and {other.first_name} are both"
    parts = []
    if doing:
        parts.append(f"{both} {join_words(doing)}")
    if being:
        parts.append(f"{are_both} {join_words(being)}")
    return _capitalise(", and ".join(parts)) + "."


def common_thread(
    reasons: Sequence[Reason], a: Person, b: Person, *, reader: Person | None = None
) -> list[str]:
    """The strongest reasons as sentences, each ending in a full stop.

    Everything both hold goes into one sentence ("You both work with divorcing
    couples, get referrals from family therapists and enjoy chess."), placed where the
    strongest of those reasons ranks; one-sided reasons get a sentence each.
    `reader` is the one person an opt-in ask goes to (None: the joint email).
    """
    # The ledger's reasons (who is owed, who was introduced lately) are the user's own.
    positive = [r for r in reasons if r.points > 0 and r.kind not in STANDING_KINDS][:TOP_REASONS]
    other = None if reader is None else (b if reader is a else a)
    sentences: list[str] = []
    predicates: list[str] = []
    shared_at: int | None = None
    for reason in positive:
        if reason.subject is not None:
            x, y = (a, b) if reason.subject == a.id else (b, a)
            clause = _one_sided(reason, x, y, you=reader)
            if clause:
                sentences.append(clause + ".")
            continue
        predicate = _shared(reason)
        if predicate:
            shared_at = len(sentences) if shared_at is None else shared_at
            predicates.append(predicate)
    if predicates and shared_at is not None:
        sentences.insert(shared_at, _both_sentence(predicates, other))
    return sentences


def honesty(who: Person) -> str | None:
    """What the user should admit about knowing `who` (third person, for the other side)."""
    if who.stale and who.barely_known:
        return (f"In fairness, I only know {who.first_name} a little and we haven't spoken "
                f"since {who.last_contact_month}, so take my description as a starting point.")
    if who.stale:
        return (f"I haven't spoken with {who.first_name} since {who.last_contact_month}, "
                "so some of what I know may be out of date.")
    if who.barely_known:
        return (f"I only know {who.first_name} a little, so I can't vouch for them "
                "personally, but the fit looks good to me.")
    return None


def reconnect(who: Person) -> str | None:
    """For an email to `who` after a long silence: say so, first."""
    if who.stale:
        return (f"It's been too long since we last spoke ({who.last_contact_month}); "
                "I hope you're well.")
    return None


def next_step(a: Person, b: Person) -> str:
    """A concrete ask with a time frame, so the introduction turns into a meeting."""
    return (f"{a.first_name}, would you reply to all with two or three times that suit you "
            f"for a 20-minute call in the next two weeks? {b.first_name}, over to you from "
            "there. I'll step out of the thread.")
