"""Schema for the incident lifecycle: versioned figures, the duty log, edit holds, full-text."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlite_utils.migrations import Migrations

if TYPE_CHECKING:
    from sqlite_utils import Database

from watchdesk.store.migrations import _run_script, audited, register
from watchdesk.text.fulltext import grams, incident_text

incident_migrations = register(Migrations("watchdesk.incidents"))
audited("figures", "log_entries")


@incident_migrations()
def m001_lifecycle(db: Database) -> None:
    _run_script(
        db,
        """
        CREATE TABLE figures (
            id INTEGER PRIMARY KEY,
            incident_id INTEGER NOT NULL REFERENCES incidents(id),
            at TEXT NOT NULL,
            dead INTEGER NOT NULL DEFAULT 0 CHECK (dead >= 0),
            injured INTEGER NOT NULL DEFAULT 0 CHECK (injured >= 0),
            seriously_injured INTEGER NOT NULL DEFAULT 0 CHECK (seriously_injured >= 0),
            trapped INTEGER NOT NULL DEFAULT 0 CHECK (trapped >= 0),
            missing INTEGER NOT NULL DEFAULT 0 CHECK (missing >= 0),
            direct_loss INTEGER NOT NULL DEFAULT 0 CHECK (direct_loss >= 0),
            source TEXT NOT NULL DEFAULT '',
            status TEXT NOT NULL DEFAULT 'initial'
                CHECK (status IN ('initial','updated','verified')),
            by_whom TEXT NOT NULL DEFAULT '',
            note TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX figures_incident ON figures(incident_id, at);
        CREATE TABLE log_entries (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN
                ('call_in','doc_in','instruction','action','note','verification_request')),
            incident_id INTEGER REFERENCES incidents(id),
            counterpart TEXT NOT NULL DEFAULT '',
            content TEXT NOT NULL,
            handling TEXT NOT NULL DEFAULT '',
            by_whom TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL
        );
        CREATE INDEX log_at ON log_entries(at);
        CREATE INDEX log_incident ON log_entries(incident_id, at);
        CREATE TABLE holds (
            incident_id INTEGER PRIMARY KEY REFERENCES incidents(id),
            holder TEXT NOT NULL,
            seat TEXT NOT NULL DEFAULT '',
            acquired_at TEXT NOT NULL,
            expires_at TEXT NOT NULL
        );
        CREATE VIRTUAL TABLE incidents_fts USING fts5(uni, bi, tokenize = 'unicode61');
        CREATE VIRTUAL TABLE log_fts USING fts5(uni, bi, tokenize = 'unicode61');
        CREATE INDEX incidents_category ON incidents(category, received_at);
        CREATE INDEX incidents_grade ON incidents(grade, received_at);
        """,
    )
    # Desks made before this migration: index what they already hold.
    cur = db.execute("SELECT * FROM incidents")
    cols = [d[0] for d in cur.description]
    batch = []
    for values in cur:
        row = dict(zip(cols, values))
        batch.append((row["id"], *grams(incident_text(row))))
        if len(batch) >= 5000:
            db.conn.executemany("INSERT INTO incidents_fts (rowid, uni, bi) VALUES (?,?,?)", batch)
            batch = []
    if batch:
        db.conn.executemany("INSERT INTO incidents_fts (rowid, uni, bi) VALUES (?,?,?)", batch)


@incident_migrations()
def m002_fts_merge_off_save_path(db: Database) -> None:
    """FTS5 merges its index segments a little on every insert ("automerge"); on a desk of years
    that made one save in a hundred take 12–40 ms instead of 1 ms. Merging is moved to the
    console's maintenance timer (`Store.checkpoint`); FTS5's own crisis merge still bounds the
    number of segments if no console runs for a long time."""
    for table in ("incidents_fts", "log_fts"):
        db.execute(f"INSERT INTO {table}({table}, rank) VALUES('automerge', 0)")
