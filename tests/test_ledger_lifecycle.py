"""Recording, undoing and renaming through the store, as the lifecycle commands will."""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from introducer.ledger.entries import PAIR_KINDS, Entry
from introducer.ledger.store import Ledger, StateError
from introducer.match.history import pair_key

DAY = dt.date(2026, 11, 23)


@pytest.fixture
def ledger(tmp_path: Path) -> Ledger:
    return Ledger.open(tmp_path / "state.sqlite3")


def brief(entries: list[Entry]) -> list[tuple[str, str, str | None]]:
    return [(e.kind, e.a, e.b) for e in entries]


def test_add_stores_pairs_in_one_spelling_and_returns_ids(ledger: Ledger) -> None:
    stored = ledger.add(
        Entry("introduced", "zed", "amy", DAY, note="met at the gala"),
        Entry("received", "zed", "amy", DAY),  # a direction, not a pair: kept as given
    )
    assert brief(stored) == [("introduced", "amy", "zed"), ("received", "zed", "amy")]
    assert [e.id for e in stored] == [1, 2]
    assert all(e.recorded_at.endswith("Z") for e in stored)
    assert ledger.entries() == stored


def test_a_blank_note_is_no_note(ledger: Ledger) -> None:
    """Before: "" was stored, then an export/import turned it into None (not the same history)."""
    stored = ledger.add(Entry("never", "amy", "bob", DAY, note=""),
                        Entry("never", "cy", "dee", DAY, note="  \n"))
    assert [e.note for e in stored] == [None, None]
    assert [e.note for e in ledger.entries()] == [None, None]


def test_undo_is_a_stack_of_the_users_changes(ledger: Ledger) -> None:
    first = ledger.add(Entry("introduced", "amy", "bob", DAY))[0]
    second = ledger.add(Entry("asked", "cy", "dee", DAY))[0]
    third = ledger.add(Entry("outcome", "amy", "bob", DAY, result="met"))[0]
    assert ledger.undo() == third
    assert ledger.undo() == second
    assert ledger.entries() == [first]
    everything = ledger.entries(include_undone=True)
    assert [e.id for e in everything] == [first.id, second.id, third.id]
    assert [e.undone_at is not None for e in everything] == [False, True, True]
    assert ledger.undo() == first
    assert ledger.undo() is None
    assert ledger.entries() == []


def test_undo_never_takes_back_a_suggestion(ledger: Ledger) -> None:
    introduced = ledger.add(Entry("introduced", "amy", "bob", DAY))[0]
    assert ledger.mark_suggested([("cy", "dee")], DAY) == 1
    assert ledger.undo() == introduced
    assert ledger.undo() is None
    assert brief(ledger.entries()) == [("suggested", "cy", "dee")]


def test_rename_moves_history_and_resorts_pairs(ledger: Ledger) -> None:
    ledger.add(
        Entry("introduced", "bob", "carl", DAY),
        Entry("received", "bob", "amy", DAY),
        Entry("never", "amy", "dee", DAY),
    )
    assert ledger.rename("bob", "zed", DAY) == 2
    assert brief(ledger.entries()) == [
        ("introduced", "carl", "zed"),  # re-sorted: zed sorts after carl
        ("received", "zed", "amy"),  # direction kept
        ("never", "amy", "dee"),
        ("renamed", "bob", "zed"),
    ]
    assert ledger.contact_ids() == {"amy", "carl", "dee", "zed"}


def test_undoing_a_rename_puts_every_id_back(ledger: Ledger) -> None:
    before = ledger.add(Entry("introduced", "ann", "bob", DAY),
                        Entry("received", "ann", None, DAY))
    ledger.rename("ann", "zoe", DAY)
    assert brief(ledger.entries())[:2] == [("introduced", "bob", "zoe"), ("received", "zoe", None)]
    undone = ledger.undo()
    assert undone is not None
    assert brief([undone]) == [("renamed", "ann", "zoe")]
    assert ledger.entries() == before
    assert ledger.contact_ids() == {"ann", "bob"}


def test_rename_refuses_to_merge_two_histories(ledger: Ledger) -> None:
    ledger.add(Entry("introduced", "ann", "bob", DAY), Entry("never", "cy", "dee", DAY))
    before = ledger.entries(include_undone=True)
    with pytest.raises(StateError, match='already has entries for "cy"'):
        ledger.rename("ann", "cy", DAY)
    with pytest.raises(StateError, match="the same id"):
        ledger.rename("ann", "ann", DAY)
    assert ledger.entries(include_undone=True) == before


def test_renaming_an_id_with_no_history_changes_nothing(ledger: Ledger) -> None:
    ledger.add(Entry("introduced", "ann", "bob", DAY))
    assert ledger.rename("nobody", "someone", DAY) == 0
    assert brief(ledger.entries()) == [("introduced", "ann", "bob")]


def test_rename_after_suggestions_already_name_the_new_id(ledger: Ledger) -> None:
    """The user edits the id in the book; cron's `today` then shows suggestions under the
    new id; `check` says to run `rename`. Before: refused ("would merge two people's
    histories") because of those suggestions, so the history could never follow."""
    ledger.add(Entry("introduced", "ann", "bob", DAY))
    ledger.mark_suggested([("ann", "cy"), ("ann", "dee")], DAY)
    later = DAY + dt.timedelta(days=1)
    ledger.mark_suggested([("anna", "cy"), ("anna", "eve")], later)
    assert ledger.rename("ann", "anna", later) == 3
    assert sorted((e.a, e.b, e.date) for e in ledger.entries() if e.kind == "suggested") == [
        ("anna", "cy", DAY),  # one suggestion per pair: the first time it was shown
        ("anna", "dee", DAY),
        ("anna", "eve", later),
    ]
    assert ledger.contact_ids() == {"anna", "bob", "cy", "dee", "eve"}
    # ... and undo puts the user's history back under the old id without a clash.
    ledger.undo()
    assert ledger.contact_ids() == {"ann", "bob", "cy", "dee", "eve"}


def test_undoing_a_rename_moves_back_only_what_it_moved(ledger: Ledger) -> None:
    """A stale copy of the book still says "ann" after `rename ann bob`. Before: undoing
    the rename moved everything under "bob" back, so the introduction recorded since
    became a pair of one person ("ann" and "ann"), and a suggestion shown under both ids
    made the undo fail with "UNIQUE constraint failed"."""
    ledger.add(Entry("received", "ann", None, DAY))
    ledger.rename("ann", "bob", DAY)
    ledger.add(Entry("introduced", "ann", "bob", DAY))
    ledger.mark_suggested([("bob", "cy")], DAY)
    ledger.mark_suggested([("ann", "cy")], DAY)
    assert brief([ledger.undo()]) == [("introduced", "ann", "bob")]
    assert brief([ledger.undo()]) == [("renamed", "ann", "bob")]
    assert [(e.kind, e.a, e.b, e.undone_at is not None)
            for e in ledger.entries(include_undone=True)] == [
        ("received", "ann", None, False),
        ("renamed", "ann", "bob", True),
        ("introduced", "ann", "bob", True),
        ("suggested", "bob", "cy", False),
        ("suggested", "ann", "cy", False),
    ]


def test_each_pair_is_marked_suggested_once_ever(ledger: Ledger) -> None:
    assert ledger.mark_suggested([("bob", "amy"), ("amy", "bob"), ("cy", "dee")], DAY) == 2
    assert ledger.mark_suggested([("amy", "bob"), ("dee", "eve")], DAY + dt.timedelta(1)) == 1
    assert ledger.mark_suggested([], DAY) == 0
    assert [(e.a, e.b, e.date) for e in ledger.entries()] == [
        ("amy", "bob", DAY), ("cy", "dee", DAY), ("dee", "eve", DAY + dt.timedelta(1)),
    ]


def test_a_pair_back_from_a_snooze_is_marked_again_once_a_day(ledger: Ledger) -> None:
    later = DAY + dt.timedelta(days=30)
    ledger.mark_suggested([("amy", "bob")], DAY)
    assert ledger.mark_back([("bob", "amy"), ("amy", "bob")], later) == 1
    assert ledger.mark_back([("amy", "bob")], later) == 0, "once a day"
    assert ledger.mark_suggested([("amy", "bob")], later + dt.timedelta(1)) == 0, "once ever"
    assert [(e.a, e.b, e.date) for e in ledger.entries()] == [
        ("amy", "bob", DAY), ("amy", "bob", later)]
    # A backup of both rows restores both, and importing it again adds nothing.
    entries = ledger.entries()
    assert ledger.import_entries(entries) == (0, 2)


def test_rename_keeps_the_earliest_suggestion_of_a_pair_both_ids_had(ledger: Ledger) -> None:
    """With a pair suggested on several days, a rename must not leave two rows for one
    pair and day (the unique index would refuse the rename)."""
    ledger.mark_suggested([("old", "cy")], DAY)
    ledger.mark_suggested([("new", "cy")], DAY + dt.timedelta(1))
    ledger.mark_back([("new", "cy")], DAY + dt.timedelta(5))
    ledger.mark_back([("old", "cy")], DAY + dt.timedelta(5))
    ledger.add(Entry("introduced", "old", "dee", DAY))
    assert ledger.rename("old", "new", DAY + dt.timedelta(6)) == 2  # dee, and cy on DAY
    assert [(e.a, e.b, e.date) for e in ledger.entries() if e.kind == "suggested"] == [
        ("cy", "new", DAY)]


def test_contact_ids_are_the_live_history_s_people(ledger: Ledger) -> None:
    ledger.add(Entry("received", "gus", "hal", DAY), Entry("received", "ivy", None, DAY))
    ledger.add(Entry("never", "amy", "bob", DAY))
    ledger.mark_suggested([("cy", "dee")], DAY)
    ledger.add(Entry("introduced", "undone", "also-undone", DAY))
    ledger.undo()
    assert ledger.contact_ids() == {"gus", "hal", "ivy", "amy", "bob", "cy", "dee"}
    ledger.rename("gus", "gustav", DAY)
    assert ledger.contact_ids() == {"gustav", "hal", "ivy", "amy", "bob", "cy", "dee"}


# -- any sequence of operations keeps the store's promises ---------------------------------

IDS = ("ann", "bob", "cy", "dee", "eve", "anna", "zed")
USER_KINDS = ("introduced", "asked", "outcome", "snoozed", "never")


class Model:
    """What the ledger should hold: (kind, a, b, undone), in the order written."""

    def __init__(self) -> None:
        self.rows: list[list[object]] = []

    def add(self, kind: str, a: str, b: str | None) -> None:
        if kind in PAIR_KINDS and b is not None:
            a, b = pair_key(a, b)
        self.rows.append([kind, a, b, False])

    def position(self, row: list[object]) -> int:
        return next(n for n, candidate in enumerate(self.rows) if candidate is row)

    def names(self, who: str) -> bool:
        return any(r[0] not in ("renamed", "suggested") and who in r[1:3] for r in self.rows)

    def move(self, old: str, new: str, before: int | None = None) -> int:
        """Rename `old` to `new` in rows[:before]; one suggestion per pair, the earliest."""
        scope = len(self.rows) if before is None else before
        theirs = {}
        for position, row in enumerate(self.rows):
            if row[0] == "suggested" and new in row[1:3]:
                theirs[row[2] if row[1] == new else row[1]] = position
        doomed = set()
        for position, row in enumerate(self.rows[:scope]):
            if row[0] != "suggested" or old not in row[1:3]:
                continue
            partner = row[2] if row[1] == old else row[1]
            if partner == new:
                doomed.add(position)
            elif partner in theirs:  # one date throughout: the later row is the later id
                doomed.add(max(position, theirs[partner]))
        changed = 0
        for position, row in enumerate(self.rows[:scope]):
            if row[0] == "renamed" or position in doomed:
                continue
            for column in (1, 2):
                if row[column] == old:
                    row[column] = new
                    changed += 1
        for row in self.rows:
            if row[0] in PAIR_KINDS and row[2] is not None and str(row[1]) > str(row[2]):
                row[1], row[2] = row[2], row[1]
        self.rows = [row for position, row in enumerate(self.rows) if position not in doomed]
        return changed


class LedgerMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="ledger-machine-"))
        self.ledger = Ledger.open(self.folder / "state.sqlite3")
        self.ledger._db.execute("PRAGMA synchronous = OFF")  # speed; durability is not tested here
        self.model = Model()

    def teardown(self) -> None:
        self.ledger.close()
        shutil.rmtree(self.folder)

    @rule(kind=st.sampled_from(USER_KINDS), pair=st.permutations(IDS).map(lambda p: p[:2]))
    def add_pair_entry(self, kind: str, pair: tuple[str, str]) -> None:
        entry = Entry(kind, pair[0], pair[1], DAY,
                      result="met" if kind == "outcome" else None,
                      until=DAY + dt.timedelta(days=30) if kind == "snoozed" else None)
        stored = self.ledger.add(entry)[0]
        self.model.add(kind, *pair)
        assert stored.pair == pair_key(*pair)

    @rule(giver=st.sampled_from(IDS), to=st.none() | st.sampled_from(IDS))
    def add_received(self, giver: str, to: str | None) -> None:
        self.ledger.add(Entry("received", giver, to, DAY))
        self.model.add("received", giver, to)

    @rule(pairs=st.lists(st.permutations(IDS).map(lambda p: p[:2]), max_size=4))
    def mark_suggested(self, pairs: list[tuple[str, str]]) -> None:
        new = 0
        for a, b in pairs:
            pair = pair_key(a, b)
            if not any(r[0] == "suggested" and (r[1], r[2]) == pair for r in self.model.rows):
                self.model.add("suggested", *pair)
                new += 1
        assert self.ledger.mark_suggested(pairs, DAY) == new

    @rule()
    def undo(self) -> None:
        undone = self.ledger.undo()
        live = [r for r in self.model.rows if r[0] != "suggested" and not r[3]]
        if not live:
            assert undone is None
            return
        row = live[-1]
        assert undone is not None
        assert (undone.kind, undone.a, undone.b) == tuple(row[:3])
        if row[0] == "renamed":
            self.model.move(str(row[2]), str(row[1]), before=self.model.position(row))
        row[3] = True

    @rule(old=st.sampled_from(IDS), new=st.sampled_from(IDS))
    def rename(self, old: str, new: str) -> None:
        if old == new or self.model.names(new):
            with pytest.raises(StateError):
                self.ledger.rename(old, new, DAY)
            return
        changed = self.model.move(old, new)
        assert self.ledger.rename(old, new, DAY) == changed
        if changed:
            self.model.add("renamed", old, new)

    @precondition(lambda self: len(self.model.rows) > 0)
    @invariant()
    def matches_the_model(self) -> None:
        stored = self.ledger.entries(include_undone=True)
        assert [[e.kind, e.a, e.b, e.undone_at is not None] for e in stored] == self.model.rows

    @invariant()
    def keeps_its_promises(self) -> None:
        stored = self.ledger.entries(include_undone=True)
        ids = [e.id or 0 for e in stored]
        assert ids == sorted(ids) and len(set(ids)) == len(ids)
        for entry in stored:
            if entry.kind in PAIR_KINDS and entry.b is not None:
                assert entry.a < entry.b
        suggested = [e.pair for e in stored if e.kind == "suggested"]
        assert len(suggested) == len(set(suggested))
        assert all(e.undone_at is None for e in stored if e.kind == "suggested")
        named = {who for e in stored if e.undone_at is None and e.kind != "renamed"
                 for who in (e.a, e.b) if who is not None}
        assert self.ledger.contact_ids() == named

    @invariant()
    def file_is_sound(self) -> None:
        assert self.ledger._db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


LedgerMachine.TestCase.settings = settings(max_examples=60, stateful_step_count=30)
test_any_sequence_of_operations_keeps_the_ledger_s_promises = LedgerMachine.TestCase
