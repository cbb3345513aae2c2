"""The state file's schema, as numbered steps; each step runs once and is recorded in the file.

Never edit a step that has shipped: add the next one. A state file written by a
newer introducer (a step this one does not know) is refused rather than guessed at.
"""

from __future__ import annotations

from typing import NamedTuple


class Migration(NamedTuple):
    version: int
    name: str
    sql: str


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "the ledger", """
        CREATE TABLE entries (
            id          INTEGER PRIMARY KEY AUTOINCREMENT,
            kind        TEXT NOT NULL,
            a           TEXT NOT NULL,
            b           TEXT,
            date        TEXT NOT NULL,
            result      TEXT,
            value       REAL,
            until       TEXT,
            note        TEXT,
            recorded_at TEXT NOT NULL,
            undone_at   TEXT
        );
        CREATE INDEX entries_a ON entries (a);
        CREATE INDEX entries_b ON entries (b);
    """),
    Migration(2, "each suggestion is recorded once per pair", """
        DELETE FROM entries
         WHERE kind = 'suggested'
           AND id NOT IN (SELECT min(id) FROM entries WHERE kind = 'suggested' GROUP BY a, b);
        CREATE UNIQUE INDEX entries_suggested_once ON entries (a, b) WHERE kind = 'suggested';
        CREATE INDEX entries_kind_date ON entries (kind, date);
    """),
    Migration(3, "a suggestion back from a snooze is recorded again, once a day at most", """
        DROP INDEX entries_suggested_once;
        CREATE UNIQUE INDEX entries_suggested_daily ON entries (a, b, date)
            WHERE kind = 'suggested';
    """),
)

LATEST = MIGRATIONS[-1].version

MIGRATIONS_TABLE = """
    CREATE TABLE IF NOT EXISTS migrations (
        version    INTEGER PRIMARY KEY,
        name       TEXT NOT NULL,
        applied_at TEXT NOT NULL
    )
"""
