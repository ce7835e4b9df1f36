"""Versioned schema. Each migration runs once, in a transaction, recorded in `_sqlite_migrations`.

Never edit a migration that has shipped; add a new one.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

from sqlite_utils.migrations import Migrations

from watchdesk.store.stamp import SCHEMA_STAMP

if TYPE_CHECKING:
    from sqlite_utils import Database

    from watchdesk.store.db import DeskDb

migrations = Migrations("watchdesk")

# Tables whose rows are covered by the audit chain (their latest after-image must match the row).
# Domain schema modules add theirs with `audited(...)`.
AUDITED_TABLES: list[str] = [
    "meta",
    "officers",
    "shifts",
    "assignments",
    "incidents",
    "reports",
    "deadlines",
    "units",
    "contacts",
]

# Migration sets, applied in this order: the core set first, then one set per domain module
# (store/schema_<domain>.py), so each domain's schema lives beside its repository.
SETS: list[Migrations] = [migrations]


def audited(*tables: str) -> None:
    for t in tables:
        if t not in AUDITED_TABLES:
            AUDITED_TABLES.append(t)


def register(s: Migrations) -> Migrations:
    if s not in SETS:
        SETS.append(s)
    return s


@migrations()
def m001_foundation(db: Database) -> None:
    _run_script(
        db,
        """
        CREATE TABLE meta (
            id INTEGER PRIMARY KEY,
            key TEXT NOT NULL UNIQUE,
            value TEXT NOT NULL
        );
        CREATE TABLE officers (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            phone TEXT NOT NULL DEFAULT '',
            title TEXT NOT NULL DEFAULT '',
            unit TEXT NOT NULL DEFAULT '',
            active INTEGER NOT NULL DEFAULT 1
        );
        CREATE TABLE shifts (
            id INTEGER PRIMARY KEY,
            starts_at TEXT NOT NULL,
            ends_at TEXT NOT NULL,
            label TEXT NOT NULL DEFAULT '',
            CHECK (ends_at > starts_at)
        );
        CREATE INDEX shifts_starts ON shifts(starts_at);
        CREATE INDEX shifts_ends ON shifts(ends_at);
        CREATE TABLE assignments (
            id INTEGER PRIMARY KEY,
            shift_id INTEGER NOT NULL REFERENCES shifts(id),
            officer_id INTEGER NOT NULL REFERENCES officers(id),
            role TEXT NOT NULL CHECK (role IN ('leader','chief','officer','standby')),
            note TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX assignments_shift ON assignments(shift_id);
        CREATE INDEX assignments_officer ON assignments(officer_id);
        CREATE TABLE incidents (
            id INTEGER PRIMARY KEY,
            received_at TEXT NOT NULL,
            occurred_at TEXT,
            place TEXT NOT NULL,
            source TEXT NOT NULL DEFAULT '',
            category TEXT NOT NULL,
            subtype TEXT NOT NULL DEFAULT '',
            title TEXT NOT NULL DEFAULT '',
            description TEXT NOT NULL,
            dead INTEGER NOT NULL DEFAULT 0 CHECK (dead >= 0),
            injured INTEGER NOT NULL DEFAULT 0 CHECK (injured >= 0),
            seriously_injured INTEGER NOT NULL DEFAULT 0 CHECK (seriously_injured >= 0),
            trapped INTEGER NOT NULL DEFAULT 0 CHECK (trapped >= 0),
            missing INTEGER NOT NULL DEFAULT 0 CHECK (missing >= 0),
            direct_loss INTEGER NOT NULL DEFAULT 0 CHECK (direct_loss >= 0),
            scope TEXT NOT NULL DEFAULT '',
            trend TEXT NOT NULL DEFAULT '',
            measures TEXT NOT NULL DEFAULT '',
            caller_unit TEXT NOT NULL DEFAULT '',
            caller_name TEXT NOT NULL DEFAULT '',
            caller_title TEXT NOT NULL DEFAULT '',
            caller_phone TEXT NOT NULL DEFAULT '',
            recorder TEXT NOT NULL DEFAULT '',
            sensitive INTEGER NOT NULL DEFAULT 0,
            grade TEXT NOT NULL CHECK (grade IN ('I','II','III','IV')),
            grade_suggested TEXT NOT NULL CHECK (grade_suggested IN ('I','II','III','IV')),
            status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open','closed','voided')),
            void_reason TEXT NOT NULL DEFAULT '',
            version INTEGER NOT NULL DEFAULT 1,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX incidents_received ON incidents(received_at);
        CREATE INDEX incidents_status ON incidents(status, received_at);
        CREATE TABLE reports (
            id INTEGER PRIMARY KEY,
            incident_id INTEGER NOT NULL REFERENCES incidents(id),
            kind TEXT NOT NULL
                CHECK (kind IN ('phone','written','followup','verification','final')),
            seq INTEGER NOT NULL DEFAULT 0,
            at TEXT NOT NULL,
            to_whom TEXT NOT NULL DEFAULT '',
            by_whom TEXT NOT NULL DEFAULT '',
            content TEXT NOT NULL DEFAULT '',
            deadline_id INTEGER,
            late_seconds INTEGER,
            created_at TEXT NOT NULL
        );
        CREATE INDEX reports_incident ON reports(incident_id, at);
        CREATE TABLE deadlines (
            id INTEGER PRIMARY KEY,
            incident_id INTEGER NOT NULL REFERENCES incidents(id),
            kind TEXT NOT NULL
                CHECK (kind IN ('phone','written','followup','verification','final')),
            seq INTEGER NOT NULL DEFAULT 0,
            due_at TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'running' CHECK (status IN ('running','done','dropped')),
            rule_id TEXT NOT NULL DEFAULT '',
            pack_id TEXT NOT NULL DEFAULT '',
            source TEXT NOT NULL DEFAULT '',
            done_at TEXT,
            report_id INTEGER
        );
        CREATE INDEX deadlines_incident ON deadlines(incident_id);
        -- The board reads only running clocks: keep that read independent of history size.
        CREATE INDEX deadlines_running ON deadlines(due_at) WHERE status = 'running';
        CREATE TABLE audit (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            actor TEXT NOT NULL,
            table_name TEXT NOT NULL,
            row_id INTEGER NOT NULL,
            action TEXT NOT NULL CHECK (action IN ('insert','update')),
            before TEXT,
            after TEXT,
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL
        );
        CREATE INDEX audit_row ON audit(table_name, row_id);
        -- Append-only, and incidents are voided, never deleted. The audit chain catches anyone
        -- who drops these triggers and edits anyway.
        CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
            BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
        CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
            BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
        CREATE TRIGGER incidents_no_delete BEFORE DELETE ON incidents
            BEGIN SELECT RAISE(ABORT, 'incidents are never deleted; void them with a reason'); END;
        """,
    )


@migrations()
def m002_directory(db: Database) -> None:
    """Linkage units (联动单位) and subordinate duty rooms, with their contacts."""
    _run_script(
        db,
        """
        CREATE TABLE units (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            kind TEXT NOT NULL DEFAULT 'linkage' CHECK (kind IN ('linkage','duty_room')),
            level INTEGER CHECK (level IS NULL OR level IN (1,2,3)),
            area TEXT NOT NULL DEFAULT '',
            duty_phone TEXT NOT NULL DEFAULT '',
            backup_phone TEXT NOT NULL DEFAULT '',
            fax TEXT NOT NULL DEFAULT '',
            notes TEXT NOT NULL DEFAULT '',
            active INTEGER NOT NULL DEFAULT 1
        );
        CREATE TABLE contacts (
            id INTEGER PRIMARY KEY,
            unit_id INTEGER NOT NULL REFERENCES units(id),
            name TEXT NOT NULL,
            role TEXT NOT NULL DEFAULT '',
            phone TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX contacts_unit ON contacts(unit_id);
        """,
    )


def _run_script(db: Database, script: str) -> None:
    """Run statements one by one: `executescript` would COMMIT and break the migration's
    transaction."""
    buf = ""
    for line in script.splitlines(keepends=True):
        if line.strip().startswith("--"):
            continue
        buf += line
        if sqlite3.complete_statement(buf):
            db.execute(buf)
            buf = ""
    if buf.strip():
        raise ValueError(f"incomplete SQL statement in migration: {buf[:60]!r}")


def load_domains() -> None:
    import importlib
    import pkgutil

    from watchdesk.store import __path__ as store_path

    for mod in sorted(m.name for m in pkgutil.iter_modules(store_path)):
        if mod.startswith("schema_"):
            importlib.import_module(f"{__package__}.{mod}")


def apply(db: DeskDb) -> None:
    """All pending migrations in one write transaction: when several processes open a desk that
    needs them at once, one migrates and the others wait for the lock, then find nothing to do.
    The transaction ends by stamping the desk with the schema stamp (see `stamp.py`)."""
    from watchdesk.store.db import write_txn

    load_domains()
    check_stamp()
    with write_txn(db):
        for s in SETS:
            s.apply(db.utils)
        db.execute(f"PRAGMA user_version = {SCHEMA_STAMP}")


def pending(db: DeskDb) -> list[str]:
    load_domains()
    return [m.name for s in SETS for m in s.pending(db.utils)]


def check_stamp() -> None:
    """A migration added without raising SCHEMA_STAMP would let desks that lack it open
    without it: refuse to migrate at all (the test suite runs this)."""
    from sqlite_utils import Database

    load_domains()
    empty = Database(memory=True)
    n = sum(len(s.pending(empty)) for s in SETS)
    if n != SCHEMA_STAMP:
        raise RuntimeError(
            f"store/stamp.py: SCHEMA_STAMP is {SCHEMA_STAMP} but there are {n} "
            f"migrations; set it to {n}"
        )
