"""Schema for the roster: assignment bookkeeping, changes with reason and approver, sensitive
periods, leave, intentional gaps, take-over sign-in and the leader-on-duty check.

The core `shifts` and `assignments` tables are left as they are (their rows are already in the
audit chain); what the roster adds about an assignment lives in `roster_assignment_ext`, one row
per assignment, absent meaning "active, manual, the whole shift". Nothing is ever deleted: rows
are marked inactive, and every row is covered by the audit chain.
"""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from watchdesk.store.migrations import _run_script, audited, register

roster_migrations = register(Migrations("watchdesk.roster"))
audited(
    "roster_assignment_ext",
    "roster_changes",
    "roster_sensitive",
    "roster_leave",
    "roster_acks",
    "duty_signins",
    "leader_checks",
)


@roster_migrations()
def m001_roster(db: Database) -> None:
    _run_script(
        db,
        """
        CREATE TABLE roster_changes (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            actor TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('assign','remove','replace','swap','substitute',
                                               'generate','import','acknowledge')),
            shift_id INTEGER REFERENCES shifts(id),
            other_shift_id INTEGER REFERENCES shifts(id),
            role TEXT CHECK (role IS NULL OR role IN ('leader','chief','officer','standby')),
            officer_id INTEGER REFERENCES officers(id),
            other_officer_id INTEGER REFERENCES officers(id),
            starts_at TEXT,
            ends_at TEXT,
            reason TEXT NOT NULL DEFAULT '',
            approver TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX roster_changes_shift ON roster_changes(shift_id, id);
        CREATE INDEX roster_changes_other ON roster_changes(other_shift_id, id);
        CREATE TABLE roster_assignment_ext (
            id INTEGER PRIMARY KEY,
            assignment_id INTEGER NOT NULL UNIQUE REFERENCES assignments(id),
            status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active','removed')),
            source TEXT NOT NULL DEFAULT 'manual'
                CHECK (source IN ('manual','rotation','import','swap','substitute')),
            starts_at TEXT,
            ends_at TEXT,
            covers_id INTEGER REFERENCES assignments(id),
            change_id INTEGER REFERENCES roster_changes(id)
        );
        CREATE TABLE roster_sensitive (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            starts_on TEXT NOT NULL,
            ends_on TEXT NOT NULL,
            note TEXT NOT NULL DEFAULT '',
            active INTEGER NOT NULL DEFAULT 1,
            CHECK (ends_on >= starts_on)
        );
        CREATE TABLE roster_leave (
            id INTEGER PRIMARY KEY,
            officer_id INTEGER NOT NULL REFERENCES officers(id),
            starts_at TEXT NOT NULL,
            ends_at TEXT NOT NULL,
            reason TEXT NOT NULL DEFAULT '',
            active INTEGER NOT NULL DEFAULT 1,
            CHECK (ends_at > starts_at)
        );
        CREATE INDEX roster_leave_time ON roster_leave(ends_at, starts_at);
        CREATE TABLE roster_acks (
            id INTEGER PRIMARY KEY,
            key TEXT NOT NULL,
            reason TEXT NOT NULL,
            by_whom TEXT NOT NULL,
            at TEXT NOT NULL,
            active INTEGER NOT NULL DEFAULT 1
        );
        CREATE INDEX roster_acks_key ON roster_acks(key);
        CREATE TABLE duty_signins (
            id INTEGER PRIMARY KEY,
            shift_id INTEGER NOT NULL REFERENCES shifts(id),
            officer_id INTEGER NOT NULL REFERENCES officers(id),
            kind TEXT NOT NULL CHECK (kind IN ('in','out')),
            at TEXT NOT NULL,
            note TEXT NOT NULL DEFAULT '',
            recorded_by TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX duty_signins_shift ON duty_signins(shift_id, at);
        CREATE TABLE leader_checks (
            id INTEGER PRIMARY KEY,
            shift_id INTEGER NOT NULL REFERENCES shifts(id),
            due_at TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('start','fixed','random','adhoc')),
            method TEXT NOT NULL CHECK (method IN ('in_person','phone','video')),
            result TEXT NOT NULL CHECK (result IN ('present','absent','unreachable')),
            at TEXT NOT NULL,
            note TEXT NOT NULL DEFAULT '',
            leader_id INTEGER REFERENCES officers(id),
            recorded_by TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX leader_checks_shift ON leader_checks(shift_id, due_at);
        """,
    )
