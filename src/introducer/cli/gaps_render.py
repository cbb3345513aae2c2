"""`gaps` as people and scripts read it: sections of tables, markdown notes, or JSON.

Every format says the same things: each void, who it concerns, and what to do about it
(`*_action`), so a script reads the advice a person sees.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from introducer.cli.console import printable
from introducer.cli.render import emit_table, markdown_text, person_record, write_stdout

if TYPE_CHECKING:
    from introducer.book.schema import Contact
    from introducer.gaps.asks import OpenAsk
    from introducer.gaps.events import EventVoid, Missing
    from introducer.gaps.people import Isolated, Relationship
    from introducer.gaps.professions import PassiveProfession
    from introducer.gaps.report import Gaps

#: Missing professions named per event in a table or note (JSON lists them all).
PROFESSIONS_SHOWN = 4
#: What each network kind is for, in the words of the advice.
NETWORK_HINTS = {
    "information": "people who know things and people: recruiters, bankers, journalists, "
                   "association staff",
    "support": "people who back you: mentors, peers, friends in the trade",
    "referral": "people who send business: professionals who serve your clients",
}
_FIELD_WORDS = {"referral_sources": "referral sources"}


def _names(people: Sequence[Contact]) -> str:
    return _join([c.name for c in people])


def _join(words: Sequence[str], last: str = "and") -> str:
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} {last} {words[-1]}"


def _a(noun: str) -> str:
    return f"{'an' if noun[:1] in 'aeiou' else 'a'} {noun}"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


# ── what to do ───────────────────────────────────────────────────────────────

def _shown_missing(void: EventVoid) -> list[Missing]:
    """The primary professions missing (a few), or else a few secondary ones, those
    nobody in a broader line covers and someone could help find first."""
    primary = void.missing_primary
    pool = primary or [m for m in void.missing if m.role == "secondary"]
    return sorted(pool, key=lambda m: (bool(m.near), not m.finders))[:PROFESSIONS_SHOWN]


def _missing_text(missing: Missing) -> str:
    if missing.near:
        return f"{missing.profession} ({_names(missing.near)} may cover it)"
    return missing.profession


def event_summary(void: EventVoid) -> str:
    """`1 contact living through divorce; you know a mediator and a therapist but no
    collaborative attorney or divorce financial analyst`."""
    known = [_a(p) for p, _ in void.known][:PROFESSIONS_SHOWN]
    shown = _shown_missing(void)
    missing = [m.profession for m in shown]
    rest = len(void.missing) - len(shown)
    if rest:
        missing[-1] += f" (+{rest} more)"
    knows = f"you know {_join(known)} but " if known else ""
    return (f"{_plural(len(void.people), 'contact')} living through {void.event}; "
            f"{knows}no {_join(missing, 'or')}")


def event_action(void: EventVoid) -> str:
    """Find the first missing profession shown, through whoever knows one."""
    first = _shown_missing(void)[0]
    action = f"find {_a(first.profession)} for {_names(void.people)}"
    if first.finders:
        who = first.finders[:3]
        verb = "gets" if len(who) == 1 else "get"
        action += f": ask {_names(who)}, who {verb} referrals from them"
    elif first.near:
        action += f", or ask {_names(first.near)} whether they do this work"
    return action


def passive_action(passive: PassiveProfession) -> str:
    return (f"get to know an active {passive.profession}, or ask {_names(passive.people)} "
            "what referrals they want")


def ask_action(ask: OpenAsk) -> str:
    what = _join([_a(p) for p in ask.professions], "or") if ask.professions else "someone"
    if ask.finders:
        return f"ask {_names(ask.finders[:3])} to introduce {what}"
    return f"find {what} for {ask.asker.name}; ask your active networkers"


def isolated_action(item: Isolated) -> str:
    """The fields to fill in, and values nobody else shares."""
    parts = []
    if item.empty:
        fields = [_FIELD_WORDS.get(name, name) for name in item.empty]
        parts.append(f"add {_join(fields, 'or')}")
    if item.unshared:
        parts.append(f"nobody else lists {_join([repr(v) for v in item.unshared[:4]])}")
    return "; ".join(parts) or "nothing to add: the book holds nobody they fit yet"


def relationship_action(item: Relationship) -> str:
    action = f"get in touch with {item.contact.name}"
    if item.best_with is not None:
        action += f", then introduce them to {item.best_with.name}"
    return action


# ── JSON ─────────────────────────────────────────────────────────────────────

def _missing_record(missing: Missing) -> dict[str, Any]:
    return {"profession": missing.profession, "role": missing.role,
            "near": [person_record(c) for c in missing.near],
            "finders": [person_record(c) for c in missing.finders]}


def relationship_record(item: Relationship) -> dict[str, Any]:
    return {
        "id": item.contact.id, "name": item.contact.name,
        "good_introductions": item.good, "worth": item.worth,
        "best_with": person_record(item.best_with) if item.best_with is not None else None,
        "best_score": item.best, "closeness": item.closeness,
        "last_contact": item.last_touch.isoformat() if item.last_touch else None,
        "days_since": item.days_since, "stale": item.stale,
        "why": list(item.why()), "action": relationship_action(item),
    }


def gaps_json(gaps: Gaps, day: str) -> dict[str, Any]:
    """The `gaps --format json` document (docs/commands/gaps.md); fields are only added."""
    balance = gaps.balance
    return {
        "today": day,
        "min_score": gaps.good_score,
        "events": [{"event": v.event, "people": [person_record(c) for c in v.people],
                    "known": [{"profession": p, "people": [person_record(c) for c in people]}
                              for p, people in v.known],
                    "missing": [_missing_record(m) for m in v.missing],
                    "summary": event_summary(v), "action": event_action(v)}
                   for v in gaps.events],
        "passive_professions": [{"profession": p.profession,
                                 "people": [person_record(c) for c in p.people],
                                 "action": passive_action(p)} for p in gaps.passive],
        "open_asks": [{"asker": person_record(a.asker), "ask": a.text,
                       "professions": list(a.professions),
                       "finders": [person_record(c) for c in a.finders], "action": ask_action(a)}
                      for a in gaps.asks],
        "isolated": [{"id": i.contact.id, "name": i.contact.name, "best_score": i.best,
                      "best_with": person_record(i.best_with) if i.best_with is not None else None,
                      "empty_fields": list(i.empty), "unshared": list(i.unshared),
                      "action": isolated_action(i)} for i in gaps.isolated],
        "stale": [relationship_record(r) for r in gaps.stale],
        "network": {"counts": dict(balance.counts), "thin": list(balance.thin),
                    "untagged": [person_record(c) for c in balance.untagged]},
        "focus": relationship_record(gaps.focus) if gaps.focus is not None else None,
    }


# ── table and markdown ───────────────────────────────────────────────────────

def focus_line(item: Relationship) -> str:
    """`Dr. Amir Haddad: in 5 good introductions ...; get in touch ...`: one line, safe to
    print."""
    return printable(f"{item.contact.name}: {'; '.join(item.why())}. "
                     f"Next: {relationship_action(item)}")


def balance_line(gaps: Gaps) -> str:
    balance = gaps.balance
    counts = ", ".join(f"{kind} {count}" for kind, count in balance.counts.items())
    line = counts
    if balance.thin:
        line += "; thin: " + "; ".join(f"{kind} ({NETWORK_HINTS[kind]})" for kind in balance.thin)
    if balance.untagged:
        first = _names(balance.untagged[:3]) + (", ..." if len(balance.untagged) > 3 else "")
        line += (f"; {_plural(len(balance.untagged), 'contact')} with no `network:` tag yet "
                 f"({first})")
    return line


def _sections(gaps: Gaps) -> list[tuple[str, list[str], list[list[object]], tuple[str, ...]]]:
    """(title, header, rows, numeric columns) for each section that has rows."""
    score = f"{gaps.good_score:g}"
    sections: list[tuple[str, list[str], list[list[object]], tuple[str, ...]]] = [
        ("Life events without the professionals they need",
         ["event", "living through", "gap", "what to do"],
         [[v.event, _names(v.people), event_summary(v).split("; ", 1)[1], event_action(v)]
          for v in gaps.events], ()),
        ("Professions only passive networkers hold", ["profession", "who", "what to do"],
         [[p.profession, _names(p.people), passive_action(p)] for p in gaps.passive], ()),
        ("Asks nobody in the book answers", ["who", "ask", "what to do"],
         [[a.asker.name, a.text, ask_action(a)] for a in gaps.asks], ()),
        (f"Contacts with no match scoring {score} or more", ["name", "best", "what would help"],
         [[i.contact.name, "-" if i.best is None else f"{i.best:g} with {i.best_with.name}"
           if i.best_with is not None else f"{i.best:g}", isolated_action(i)]
          for i in gaps.isolated], ()),
        ("Useful relationships gone quiet",
         ["name", "last contact", "days ago", "good intros", "worth", "what to do"],
         [[r.contact.name, r.last_touch.isoformat() if r.last_touch else "", r.days_since,
           r.good, f"{r.worth:g}", relationship_action(r)] for r in gaps.stale],
         ("days ago", "good intros", "worth")),
    ]
    return [section for section in sections if section[2]]


def gaps_table(gaps: Gaps) -> None:
    """One table per kind of gap that has any, then the balance and the focus person."""
    for title, header, rows, numeric in _sections(gaps):
        write_stdout(f"{title}\n")
        emit_table(header, rows, numeric=numeric)
        write_stdout("\n")
    write_stdout(f"Network balance: {printable(balance_line(gaps))}\n")
    if gaps.focus is not None:
        write_stdout(f"\nThis week's focus: {focus_line(gaps.focus)}\n")


def gaps_markdown(gaps: Gaps, day: str) -> str:
    """Notes: a heading per section, a bullet per gap."""
    lines = [f"# Gaps in the network: {day}", ""]
    for title, header, rows, _ in _sections(gaps):
        lines += [f"## {title}", ""]
        for row in rows:
            cells = [markdown_text(str(cell)) for cell in row]
            lines.append(f"- **{cells[0]}**: " + "; ".join(
                f"{name} {cell}" if name not in ("what to do", "gap", "ask") else cell
                for name, cell in zip(header[1:], cells[1:], strict=True) if cell))
        lines.append("")
    lines += ["## Network balance", "", markdown_text(balance_line(gaps)), ""]
    if gaps.focus is not None:
        lines += ["## This week's focus", "", markdown_text(focus_line(gaps.focus)), ""]
    return "\n".join(lines)
