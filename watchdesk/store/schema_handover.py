"""Schema for handovers: the editable draft, both signatures, and the frozen sheet."""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from watchdesk.store.migrations import _run_script, audited, register

handover_migrations = register(Migrations("watchdesk.handover"))
audited("handovers", "officer_pins")


@handover_migrations()
def m001_handover(db: Database) -> None:
    _run_script(
        db,
        """
        CREATE TABLE handovers (
            id INTEGER PRIMARY KEY,
            shift_id INTEGER NOT NULL UNIQUE REFERENCES shifts(id),
            status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft','frozen')),
            notes TEXT NOT NULL DEFAULT '',
            equipment TEXT NOT NULL DEFAULT '[]',
            pending TEXT NOT NULL DEFAULT '[]',
            outgoing_name TEXT,
            outgoing_at TEXT,
            incoming_name TEXT,
            incoming_at TEXT,
            frozen_at TEXT,
            lang TEXT,
            width INTEGER,
            sheet_json TEXT,
            text TEXT,
            markdown TEXT,
            sheet_sha256 TEXT,
            text_sha256 TEXT,
            pdf_sha256 TEXT,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX handovers_frozen ON handovers(status, frozen_at);
        -- The PDF bytes live apart (a BLOB has no place in the JSON audit log); their SHA-256 is
        -- in the audited handovers row, and `watchdesk check` compares the two.
        CREATE TABLE handover_pdfs (
            handover_id INTEGER PRIMARY KEY REFERENCES handovers(id),
            pdf BLOB NOT NULL
        );
        CREATE TABLE officer_pins (
            id INTEGER PRIMARY KEY,
            officer_id INTEGER NOT NULL UNIQUE REFERENCES officers(id),
            salt TEXT NOT NULL,
            hash TEXT NOT NULL
        );
        CREATE TRIGGER handover_pdfs_no_update BEFORE UPDATE ON handover_pdfs
            BEGIN SELECT RAISE(ABORT, 'a frozen handover is never changed'); END;
        CREATE TRIGGER handover_pdfs_no_delete BEFORE DELETE ON handover_pdfs
            BEGIN SELECT RAISE(ABORT, 'a frozen handover is never changed'); END;
        """,
    )


@handover_migrations()
def m002_deadlines_due(db: Database) -> None:
    """The sheet lists every clock due during the shift, whatever its status
    (`HandoverRepo._incidents`: `... UNION SELECT incident_id FROM deadlines WHERE due_at >= ? AND
    due_at < ?`). The only index on due_at is the partial one for running clocks, so that read
    scanned every deadline ever set: O(history), about 0.3 s of a 0.35 s compile on a ten-year
    desk (830,000 deadlines). With this index it reads the shift's own clocks."""
    _run_script(db, "CREATE INDEX IF NOT EXISTS deadlines_due ON deadlines(due_at);")
