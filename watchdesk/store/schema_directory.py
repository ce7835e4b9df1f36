"""Schema of the outward side: directory additions, roll-call rounds, higher checks, warnings.

`units` and `contacts` come from the core set (m002). Adding columns to them changes every existing
row, so the same migration appends an audit entry per changed row (actor `migration`): the chain
then still matches the table, and the log says why the rows changed.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from watchdesk.store.migrations import _run_script, audited, register

dir_migrations = register(Migrations("watchdesk.directory"))
audited("rollcall_rounds", "rollcall_entries", "higher_checks", "warnings", "warning_events")


def _rebaseline(db: Database, table: str, before_cols: list[str]) -> None:
    """One audit `update` per row whose shape a schema change altered."""
    from watchdesk.store.audit import Auditor

    auditor = Auditor(db, lambda: datetime.now(UTC), lambda: "migration")
    cur = db.execute(f"SELECT * FROM [{table}] ORDER BY id")
    cols = [d[0] for d in cur.description]
    for values in cur.fetchall():
        after = dict(zip(cols, values))
        before = {c: after[c] for c in before_cols}
        auditor._append(table, after["id"], "update", before, after)


@dir_migrations()
def m001_directory_fields(db: Database) -> None:
    """Duty-room type (district / township / department) and retired contacts (contacts are never
    deleted: the audit log is append-only and has no delete)."""
    unit_cols = [r[1] for r in db.execute("PRAGMA table_info(units)").fetchall()]
    contact_cols = [r[1] for r in db.execute("PRAGMA table_info(contacts)").fetchall()]
    _run_script(
        db,
        """
        ALTER TABLE units ADD COLUMN room_type TEXT NOT NULL DEFAULT ''
            CHECK (room_type IN ('', 'district', 'township', 'department'));
        ALTER TABLE contacts ADD COLUMN active INTEGER NOT NULL DEFAULT 1;
        CREATE INDEX units_name ON units(name);
        CREATE INDEX units_kind ON units(kind, level, room_type);
        CREATE TRIGGER units_no_delete BEFORE DELETE ON units
            BEGIN SELECT RAISE(ABORT, 'units are never deleted; mark them inactive'); END;
        CREATE TRIGGER contacts_no_delete BEFORE DELETE ON contacts
            BEGIN SELECT RAISE(ABORT, 'contacts are never deleted; mark them inactive'); END;
        """,
    )
    _rebaseline(db, "units", unit_cols)
    _rebaseline(db, "contacts", contact_cols)


@dir_migrations()
def m002_rollcall(db: Database) -> None:
    """Roll-call rounds (电话查岗/视频点名) of subordinate duty rooms, and checks made on us."""
    _run_script(
        db,
        """
        CREATE TABLE rollcall_rounds (
            id INTEGER PRIMARY KEY,
            label TEXT NOT NULL DEFAULT '',
            set_kind TEXT NOT NULL CHECK (set_kind IN ('level1','level2','level3','linkage',
                'townships','districts','departments','duty_rooms','custom')),
            method TEXT NOT NULL CHECK (method IN ('phone','video')),
            status TEXT NOT NULL DEFAULT 'running'
                CHECK (status IN ('running','paused','finished')),
            started_at TEXT NOT NULL,
            finished_at TEXT,
            position INTEGER NOT NULL DEFAULT 1,
            started_by TEXT NOT NULL DEFAULT '',
            note TEXT NOT NULL DEFAULT '',
            updated_at TEXT NOT NULL
        );
        CREATE INDEX rollcall_rounds_started ON rollcall_rounds(started_at);
        CREATE TABLE rollcall_entries (
            id INTEGER PRIMARY KEY,
            round_id INTEGER NOT NULL REFERENCES rollcall_rounds(id),
            seq INTEGER NOT NULL,
            unit_id INTEGER NOT NULL REFERENCES units(id),
            unit_name TEXT NOT NULL,
            phone TEXT NOT NULL DEFAULT '',
            outcome TEXT CHECK (outcome IS NULL OR outcome IN
                ('on_post','no_answer','busy','not_on_duty','leader_absent')),
            answered_by TEXT NOT NULL DEFAULT '',
            answer_seconds INTEGER CHECK (answer_seconds IS NULL OR answer_seconds >= 0),
            called_at TEXT,
            attempts INTEGER NOT NULL DEFAULT 0,
            note TEXT NOT NULL DEFAULT '',
            UNIQUE (round_id, seq)
        );
        CREATE INDEX rollcall_entries_unit ON rollcall_entries(unit_id, called_at);
        CREATE TABLE higher_checks (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            checker TEXT NOT NULL,
            method TEXT NOT NULL CHECK (method IN ('phone','video','onsite')),
            answered_by TEXT NOT NULL DEFAULT '',
            leader_present INTEGER NOT NULL DEFAULT 1,
            result TEXT NOT NULL CHECK (result IN ('passed','problem')),
            note TEXT NOT NULL DEFAULT '',
            recorded_by TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL
        );
        CREATE INDEX higher_checks_at ON higher_checks(at);
        CREATE TRIGGER rollcall_entries_no_delete BEFORE DELETE ON rollcall_entries
            BEGIN SELECT RAISE(ABORT, 'roll-call results are never deleted'); END;
        """,
    )


@dir_migrations()
def m003_warnings(db: Database) -> None:
    """Early warnings: the current state of each, and every issue / change / lift."""
    _run_script(
        db,
        """
        CREATE TABLE warnings (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL,
            level TEXT NOT NULL CHECK (level IN ('I','II','III','IV')),
            area TEXT NOT NULL,
            issuer TEXT NOT NULL,
            issued_at TEXT NOT NULL,
            level_since TEXT NOT NULL,
            measures TEXT NOT NULL DEFAULT '',
            status TEXT NOT NULL DEFAULT 'in_force' CHECK (status IN ('in_force','lifted')),
            lifted_at TEXT,
            version INTEGER NOT NULL DEFAULT 1,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            CHECK (lifted_at IS NULL OR lifted_at >= issued_at)
        );
        CREATE INDEX warnings_in_force ON warnings(issued_at) WHERE status = 'in_force';
        CREATE INDEX warnings_lifted ON warnings(lifted_at);
        CREATE TABLE warning_events (
            id INTEGER PRIMARY KEY,
            warning_id INTEGER NOT NULL REFERENCES warnings(id),
            action TEXT NOT NULL CHECK (action IN ('issue','change','lift')),
            at TEXT NOT NULL,
            level TEXT CHECK (level IS NULL OR level IN ('I','II','III','IV')),
            from_level TEXT CHECK (from_level IS NULL OR from_level IN ('I','II','III','IV')),
            issuer TEXT NOT NULL DEFAULT '',
            area TEXT NOT NULL DEFAULT '',
            measures TEXT NOT NULL DEFAULT '',
            note TEXT NOT NULL DEFAULT '',
            by_whom TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL
        );
        CREATE INDEX warning_events_warning ON warning_events(warning_id, at);
        CREATE INDEX warning_events_at ON warning_events(at);
        CREATE TRIGGER warnings_no_delete BEFORE DELETE ON warnings
            BEGIN SELECT RAISE(ABORT, 'warnings are never deleted; lift them'); END;
        """,
    )
