"""Versioned schema: one linear list of migrations, each run once, in order, in the same write
transaction as the others pending, recorded in `_sqlite_migrations` (set "watchdesk").

Never edit a migration that has shipped; add a new one at the end (and raise SCHEMA_STAMP in
stamp.py). Desks made before the list was one kept their records under five sets and other names
(stamp.LEGACY_NAMES); `apply` renames those records first, in the same transaction, so nothing
runs twice.

Adding columns to a table that has rows changes every existing row, so such a migration also
appends an audit entry per changed row (actor `migration`, `_rebaseline`): the chain then still
matches the table, and the log says why the rows changed.
"""

from __future__ import annotations

import sqlite3
import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlite_utils.migrations import Migrations

from watchdesk.store.db import DeskDb
from watchdesk.store.stamp import LEGACY_NAMES, MIGRATION_NAMES, MIGRATION_SET, SCHEMA_STAMP
from watchdesk.text.fulltext import grams, incident_text

if TYPE_CHECKING:
    from sqlite_utils import Database

SET_NAME = "watchdesk"
migrations = Migrations(SET_NAME)

# Tables whose rows are covered by the audit chain (their latest after-image must match the row).
AUDITED_TABLES: tuple[str, ...] = (
    "meta",
    "officers",
    "shifts",
    "assignments",
    "incidents",
    "reports",
    "deadlines",
    "units",
    "contacts",
    "rollcall_rounds",
    "rollcall_entries",
    "higher_checks",
    "warnings",
    "warning_events",
    "handovers",
    "officer_pins",
    "figures",
    "log_entries",
    "roster_assignment_ext",
    "roster_changes",
    "roster_sensitive",
    "roster_leave",
    "roster_acks",
    "duty_signins",
    "leader_checks",
    "pin_attempts",
    "corrections",
    "duplicates",
    "written_reports",
    "report_steps",
    "areas",
    "unit_filings",
    "tasks",
    "task_clocks",
    "task_chases",
    "first_receivers",
    "handover_renderings",
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


def _rebaseline(db: Database, table: str, before_cols: list[str]) -> None:
    """One audit `update` per row whose shape a schema change altered."""
    from watchdesk.store.audit import Auditor

    auditor = Auditor(DeskDb(db.conn), lambda: datetime.now(UTC), lambda: "migration")
    cur = db.execute(f"SELECT * FROM [{table}] ORDER BY id")
    cols = [d[0] for d in cur.description]
    for values in cur.fetchall():
        after = dict(zip(cols, values))
        before = {c: after[c] for c in before_cols}
        auditor._append(table, after["id"], "update", before, after)


@migrations()
def m01_foundation(db: Database) -> None:
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
def m02_directory(db: Database) -> None:
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


@migrations()
def m03_lifecycle(db: Database) -> None:
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


@migrations()
def m04_directory_fields(db: Database) -> None:
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


@migrations()
def m05_rollcall(db: Database) -> None:
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


@migrations()
def m06_warnings(db: Database) -> None:
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


@migrations()
def m07_handover(db: Database) -> None:
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


@migrations()
def m08_roster(db: Database) -> None:
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


@migrations()
def m09_deadlines_due(db: Database) -> None:
    """The sheet lists every clock due during the shift, whatever its status
    (`HandoverRepo._incidents`: `... UNION SELECT incident_id FROM deadlines WHERE due_at >= ? AND
    due_at < ?`). The only index on due_at is the partial one for running clocks, so that read
    scanned every deadline ever set: O(history), about 0.3 s of a 0.35 s compile on a ten-year
    desk (830,000 deadlines). With this index it reads the shift's own clocks."""
    _run_script(db, "CREATE INDEX IF NOT EXISTS deadlines_due ON deadlines(due_at);")


@migrations()
def m10_fts_merge_off_save_path(db: Database) -> None:
    """FTS5 merges its index segments a little on every insert ("automerge"); on a desk of years
    that made one save in a hundred take 12–40 ms instead of 1 ms. Merging is moved to the
    console's maintenance timer (`Store.checkpoint`); FTS5's own crisis merge still bounds the
    number of segments if no console runs for a long time."""
    for table in ("incidents_fts", "log_fts"):
        db.execute(f"INSERT INTO {table}({table}, rank) VALUES('automerge', 0)")


@migrations()
def m11_people(db: Database) -> None:
    """Who did it. Officers get the roles they may take (JSON list of roles, empty: any) and an
    administrator flag; the audit log records, beside the actor's name, the operating-system login,
    the seat (terminal or browser tab) and the officer's id (hashed only when recorded, so every
    entry written before keeps its hash); wrong PINs are counted in `pin_attempts` (an officer is
    slowed down, then locked for a while)."""
    officer_cols = [r[1] for r in db.execute("PRAGMA table_info(officers)").fetchall()]
    _run_script(
        db,
        """
        ALTER TABLE officers ADD COLUMN roles TEXT NOT NULL DEFAULT '[]';
        ALTER TABLE officers ADD COLUMN admin INTEGER NOT NULL DEFAULT 0 CHECK (admin IN (0, 1));
        CREATE INDEX officers_name ON officers(name);
        CREATE TRIGGER officers_no_delete BEFORE DELETE ON officers
            BEGIN SELECT RAISE(ABORT, 'officers are never deleted; deactivate them'); END;
        ALTER TABLE audit ADD COLUMN os_user TEXT;
        ALTER TABLE audit ADD COLUMN seat TEXT;
        ALTER TABLE audit ADD COLUMN officer_id INTEGER;
        CREATE TABLE pin_attempts (
            id INTEGER PRIMARY KEY,
            officer_id INTEGER NOT NULL REFERENCES officers(id),
            at TEXT NOT NULL,
            outcome TEXT NOT NULL CHECK (outcome IN ('wrong', 'right', 'cleared'))
        );
        CREATE INDEX pin_attempts_officer ON pin_attempts(officer_id, id);
        CREATE TRIGGER pin_attempts_no_update BEFORE UPDATE ON pin_attempts
            BEGIN SELECT RAISE(ABORT, 'PIN attempts are never changed'); END;
        CREATE TRIGGER pin_attempts_no_delete BEFORE DELETE ON pin_attempts
            BEGIN SELECT RAISE(ABORT, 'PIN attempts are never deleted'); END;
        """,
    )
    _rebaseline(db, "officers", officer_cols)


@migrations()
def m12_corrections(db: Database) -> None:
    """Corrections, as paper logs make them: a record made by mistake (a report, a figure version,
    a duty-log entry, a roll-call outcome, a leader check, a sign-in) is struck through, never
    deleted. `corrections` names the record (`record_kind`, `record_id`), keeps what it said
    (`record`, JSON) and its time, who struck it, when and why; every list and total leaves a
    struck record out (`store/correction.py`). A record is struck once (a roll-call entry may be
    struck again after its outcome is recorded anew). `duplicates`: an incident marked a
    duplicate of another (merged into it); it counts once. New tables only: no existing row
    changes."""
    _run_script(
        db,
        """
        CREATE TABLE corrections (
            id INTEGER PRIMARY KEY,
            record_kind TEXT NOT NULL
                CHECK (record_kind IN ('report','figures','log','rollcall','check','signin')),
            record_id INTEGER NOT NULL,
            incident_id INTEGER REFERENCES incidents(id),
            shift_id INTEGER REFERENCES shifts(id),
            record_at TEXT,
            record TEXT NOT NULL DEFAULT '{}',
            reason TEXT NOT NULL CHECK (trim(reason) <> ''),
            at TEXT NOT NULL,
            by_whom TEXT NOT NULL
        );
        CREATE INDEX corrections_record ON corrections(record_kind, record_id);
        CREATE UNIQUE INDEX corrections_once ON corrections(record_kind, record_id)
            WHERE record_kind <> 'rollcall';
        CREATE INDEX corrections_incident ON corrections(incident_id);
        CREATE INDEX corrections_at ON corrections(at);
        CREATE INDEX corrections_record_at ON corrections(record_at);
        CREATE TRIGGER corrections_no_update BEFORE UPDATE ON corrections
            BEGIN SELECT RAISE(ABORT, 'a correction is never changed'); END;
        CREATE TRIGGER corrections_no_delete BEFORE DELETE ON corrections
            BEGIN SELECT RAISE(ABORT, 'a correction is never deleted'); END;
        CREATE TABLE duplicates (
            id INTEGER PRIMARY KEY,
            incident_id INTEGER NOT NULL UNIQUE REFERENCES incidents(id),
            of_id INTEGER NOT NULL REFERENCES incidents(id),
            reason TEXT NOT NULL CHECK (trim(reason) <> ''),
            at TEXT NOT NULL,
            by_whom TEXT NOT NULL,
            CHECK (of_id <> incident_id)
        );
        CREATE INDEX duplicates_of ON duplicates(of_id);
        CREATE TRIGGER duplicates_no_update BEFORE UPDATE ON duplicates
            BEGIN SELECT RAISE(ABORT, 'a duplicate mark is never changed'); END;
        CREATE TRIGGER duplicates_no_delete BEFORE DELETE ON duplicates
            BEGIN SELECT RAISE(ABORT, 'a duplicate mark is never deleted'); END;
        """,
    )


@migrations()
def m13_reports(db: Database) -> None:
    """The report itself (issue 14): written reports drafted from the desk's data, tied to an
    incident and a kind (`written_reports`: the draft's title, body and JSON, the required
    elements still unknown, the sign-off chain it needs, status draft → signoff → signed → sent,
    whether it went without the chain, the report it corrects); the sign-off steps, each by an
    officer (`report_steps`, never changed: a send-back is a step of its own and starts the next
    round); serial numbers per year, never reused (UNIQUE); signing freezes the text, PDF and
    .docx with their SHA-256 (the bytes in `report_files`, apart from the audit log, as
    handover_pdfs). New tables only: no existing row changes."""
    _run_script(
        db,
        """
        CREATE TABLE written_reports (
            id INTEGER PRIMARY KEY,
            incident_id INTEGER NOT NULL REFERENCES incidents(id),
            kind TEXT NOT NULL
                CHECK (kind IN ('phone','written','followup','verification','final')),
            seq INTEGER NOT NULL DEFAULT 0,
            title TEXT NOT NULL,
            body TEXT NOT NULL,
            missing TEXT NOT NULL DEFAULT '[]',
            draft_json TEXT NOT NULL,
            chain TEXT NOT NULL DEFAULT '[]',
            status TEXT NOT NULL DEFAULT 'draft'
                CHECK (status IN ('draft','signoff','signed','sent')),
            round INTEGER NOT NULL DEFAULT 1,
            corrects_id INTEGER REFERENCES written_reports(id),
            serial_year INTEGER,
            serial_no INTEGER,
            signer TEXT,
            signed_at TEXT,
            text TEXT,
            text_sha256 TEXT,
            pdf_sha256 TEXT,
            docx_sha256 TEXT,
            sent_at TEXT,
            sent_via TEXT CHECK (sent_via IS NULL OR sent_via IN ('fax','gov','email','other')),
            sent_note TEXT NOT NULL DEFAULT '',
            sent_without_chain INTEGER NOT NULL DEFAULT 0 CHECK (sent_without_chain IN (0, 1)),
            report_id INTEGER REFERENCES reports(id),
            drafted_by TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            UNIQUE (serial_year, serial_no)
        );
        CREATE INDEX written_reports_incident ON written_reports(incident_id, id);
        CREATE INDEX written_reports_status ON written_reports(status);
        CREATE TRIGGER written_reports_no_delete BEFORE DELETE ON written_reports
            BEGIN SELECT RAISE(ABORT, 'a report is never deleted'); END;
        CREATE TRIGGER written_reports_frozen
            BEFORE UPDATE OF title, body, text, text_sha256, pdf_sha256, docx_sha256,
                serial_year, serial_no ON written_reports
            WHEN OLD.text_sha256 IS NOT NULL
            BEGIN SELECT RAISE(ABORT, 'a signed report is never changed'); END;
        CREATE TABLE report_steps (
            id INTEGER PRIMARY KEY,
            written_report_id INTEGER NOT NULL REFERENCES written_reports(id),
            round INTEGER NOT NULL,
            step TEXT NOT NULL,
            action TEXT NOT NULL CHECK (action IN ('signed','returned')),
            officer_id INTEGER REFERENCES officers(id),
            officer_name TEXT NOT NULL,
            reason TEXT NOT NULL DEFAULT '',
            at TEXT NOT NULL,
            CHECK (action <> 'returned' OR trim(reason) <> '')
        );
        CREATE INDEX report_steps_report ON report_steps(written_report_id, id);
        CREATE TRIGGER report_steps_no_update BEFORE UPDATE ON report_steps
            BEGIN SELECT RAISE(ABORT, 'a sign-off step is never changed'); END;
        CREATE TRIGGER report_steps_no_delete BEFORE DELETE ON report_steps
            BEGIN SELECT RAISE(ABORT, 'a sign-off step is never deleted'); END;
        CREATE TABLE report_files (
            written_report_id INTEGER PRIMARY KEY REFERENCES written_reports(id),
            pdf BLOB NOT NULL,
            docx BLOB NOT NULL
        );
        CREATE TRIGGER report_files_no_update BEFORE UPDATE ON report_files
            BEGIN SELECT RAISE(ABORT, 'a signed report is never changed'); END;
        CREATE TRIGGER report_files_no_delete BEFORE DELETE ON report_files
            BEGIN SELECT RAISE(ABORT, 'a signed report is never changed'); END;
        """,
    )


@migrations()
def m14_report_drafts(db: Database) -> None:
    """Written reports worked on in the console (issue 14): the 报 / 送 / 抄送 lists each report
    goes to (JSON lists of names, picked from the directory or the desk's defaults per grade;
    frozen with the text once signed), a version so that two consoles editing one draft never
    overwrite each other silently, edit holds on drafts (as `holds` on incidents: they expire on
    their own), and the reports' own full-text index (as incidents_fts). No existing row
    changes meaning: old reports go to nobody beyond the desk's `report_to`, as before."""
    _run_script(
        db,
        """
        ALTER TABLE written_reports ADD COLUMN report_to TEXT NOT NULL DEFAULT '[]';
        ALTER TABLE written_reports ADD COLUMN send_to TEXT NOT NULL DEFAULT '[]';
        ALTER TABLE written_reports ADD COLUMN copy_to TEXT NOT NULL DEFAULT '[]';
        ALTER TABLE written_reports ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
        DROP TRIGGER written_reports_frozen;
        CREATE TRIGGER written_reports_frozen
            BEFORE UPDATE OF title, body, text, text_sha256, pdf_sha256, docx_sha256,
                serial_year, serial_no, report_to, send_to, copy_to ON written_reports
            WHEN OLD.text_sha256 IS NOT NULL
            BEGIN SELECT RAISE(ABORT, 'a signed report is never changed'); END;
        CREATE TABLE report_holds (
            written_report_id INTEGER PRIMARY KEY REFERENCES written_reports(id),
            holder TEXT NOT NULL,
            seat TEXT NOT NULL DEFAULT '',
            acquired_at TEXT NOT NULL,
            expires_at TEXT NOT NULL
        );
        CREATE VIRTUAL TABLE written_reports_fts USING fts5(uni, bi, tokenize = 'unicode61');
        """,
    )
    # Reports drafted before this migration: index what they already hold.
    rows = db.execute("SELECT id, title, body FROM written_reports").fetchall()
    db.conn.executemany(
        "INSERT INTO written_reports_fts (rowid, uni, bi) VALUES (?,?,?)",
        [(r[0], *grams(f"{r[1]}\n{r[2]}")) for r in rows],
    )


# The analysts' views of m15 (issue 15). Views hold no data: a later migration that changes them
# runs its own `DROP VIEW IF EXISTS` + `CREATE VIEW` (never edit these, as no shipped migration
# is edited). Local times: the stored UTC instant shifted by the desk's offset (`desk_tz`, see
# store/views.py; exact for Asia/Shanghai, zones with DST get their standard offset).
_LOCAL = "(SELECT printf('%+d minutes', utc_offset_minutes) FROM desk_tz WHERE id = 1)"
_VIEWS_15 = f"""
DROP VIEW IF EXISTS v_late_reports;
DROP VIEW IF EXISTS v_reports;
DROP VIEW IF EXISTS v_incidents;
CREATE VIEW v_incidents AS
SELECT
    i.id,
    datetime(i.received_at, {_LOCAL}) AS received_local,
    date(i.received_at, {_LOCAL}) AS received_date,
    strftime('%Y-%m', i.received_at, {_LOCAL}) AS received_month,
    CAST(strftime('%Y', i.received_at, {_LOCAL}) AS INTEGER) AS received_year,
    datetime(i.occurred_at, {_LOCAL}) AS occurred_local,
    i.grade,
    g.zh AS grade_label,
    i.category,
    c.zh AS category_label,
    i.subtype,
    st.zh AS subtype_label,
    i.area_id,
    a.name AS area,
    a.code AS area_code,
    i.place,
    i.title,
    i.description,
    i.dead,
    i.injured,
    i.seriously_injured,
    i.trapped,
    i.missing,
    i.direct_loss,
    i.sensitive,
    i.status,
    CASE i.status WHEN 'open' THEN '处置中' WHEN 'closed' THEN '已终报' ELSE '已作废' END
        AS status_label,
    d.of_id AS merged_into,
    CASE WHEN i.status <> 'voided' AND d.of_id IS NULL THEN 1 ELSE 0 END AS counted,
    i.caller_unit,
    i.source,
    i.recorder,
    i.received_at,
    i.occurred_at
FROM incidents i
LEFT JOIN grade_labels g ON g.code = i.grade
LEFT JOIN category_labels c ON c.category = i.category AND c.subtype = ''
LEFT JOIN category_labels st ON st.category = i.category AND st.subtype = i.subtype
    AND i.subtype <> ''
LEFT JOIN areas a ON a.id = i.area_id
LEFT JOIN duplicates d ON d.incident_id = i.id;
CREATE VIEW v_reports AS
SELECT
    r.id,
    r.incident_id,
    r.kind,
    k.zh AS kind_label,
    r.seq,
    datetime(r.at, {_LOCAL}) AS at_local,
    date(r.at, {_LOCAL}) AS report_date,
    strftime('%Y-%m', r.at, {_LOCAL}) AS report_month,
    datetime(dl.due_at, {_LOCAL}) AS due_local,
    r.late_seconds,
    CASE WHEN r.late_seconds IS NULL THEN NULL
        ELSE round(r.late_seconds / 60.0, 1) END AS late_minutes,
    CASE WHEN r.late_seconds IS NULL THEN NULL WHEN r.late_seconds > 0 THEN 1 ELSE 0 END
        AS late,
    CASE WHEN r.late_seconds IS NULL THEN '无时限' WHEN r.late_seconds > 0 THEN '迟报'
        ELSE '按时' END AS timeliness,
    r.to_whom,
    r.by_whom,
    CASE WHEN x.id IS NULL THEN 0 ELSE 1 END AS struck,
    i.grade,
    i.grade_label,
    i.category_label,
    i.area,
    i.title AS incident_title,
    i.counted,
    r.at,
    dl.due_at
FROM reports r
JOIN v_incidents i ON i.id = r.incident_id
LEFT JOIN report_kind_labels k ON k.code = r.kind
LEFT JOIN deadlines dl ON dl.id = r.deadline_id
LEFT JOIN corrections x ON x.record_kind = 'report' AND x.record_id = r.id;
CREATE VIEW v_late_reports AS
SELECT * FROM v_reports WHERE late = 1 AND struck = 0 AND counted = 1;
"""


@migrations()
def m15_areas_and_views(db: Database) -> None:
    """Accountability in numbers (issue 15). The desk's areas (`areas`: townships and
    districts, with the 行政区划代码 where known, and their pinyin for search) and the area of
    each incident (`incidents.area_id`, empty on the incidents of before: they keep their
    free-text place; `watchdesk area propose` suggests one). For analysts: the desk's zone as a
    UTC offset (`desk_tz`), label tables for grade, category and report-kind codes, and the views
    `v_incidents`, `v_reports`, `v_late_reports` with local dates and Chinese labels. Every
    incident row gains a column: each gets a re-baselining audit entry."""
    from watchdesk.rules.categories import CATEGORIES
    from watchdesk.store.views import DEFAULT_ZONE, set_desk_tz

    incident_cols = [r[1] for r in db.execute("PRAGMA table_info(incidents)").fetchall()]
    _run_script(
        db,
        """
        CREATE TABLE areas (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE CHECK (trim(name) <> ''),
            code TEXT NOT NULL DEFAULT '',
            kind TEXT NOT NULL DEFAULT 'township'
                CHECK (kind IN ('district','township','other')),
            active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
            pinyin TEXT NOT NULL DEFAULT '',
            unit_id INTEGER REFERENCES units(id)
        );
        CREATE UNIQUE INDEX areas_code ON areas(code) WHERE code <> '';
        CREATE TRIGGER areas_no_delete BEFORE DELETE ON areas
            BEGIN SELECT RAISE(ABORT, 'areas are never deleted; deactivate them'); END;
        ALTER TABLE incidents ADD COLUMN area_id INTEGER REFERENCES areas(id);
        CREATE INDEX incidents_area ON incidents(area_id, received_at);
        CREATE TABLE desk_tz (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            zone TEXT NOT NULL,
            utc_offset_minutes INTEGER NOT NULL,
            has_dst INTEGER NOT NULL DEFAULT 0 CHECK (has_dst IN (0, 1))
        );
        CREATE TABLE grade_labels (
            code TEXT PRIMARY KEY,
            rank INTEGER NOT NULL,
            zh TEXT NOT NULL,
            en TEXT NOT NULL
        );
        CREATE TABLE category_labels (
            category TEXT NOT NULL,
            subtype TEXT NOT NULL DEFAULT '',
            zh TEXT NOT NULL,
            en TEXT NOT NULL,
            PRIMARY KEY (category, subtype)
        );
        CREATE TABLE report_kind_labels (
            code TEXT PRIMARY KEY,
            zh TEXT NOT NULL,
            en TEXT NOT NULL
        );
        INSERT INTO grade_labels VALUES
            ('I', 1, '特别重大', 'Especially major'),
            ('II', 2, '重大', 'Major'),
            ('III', 3, '较大', 'Relatively major'),
            ('IV', 4, '一般', 'Ordinary');
        INSERT INTO report_kind_labels VALUES
            ('phone', '电话报告', 'Phone report'),
            ('written', '书面报告', 'Written report'),
            ('followup', '续报', 'Follow-up'),
            ('verification', '核报', 'Verification'),
            ('final', '终报', 'Final report');
        """,
    )
    rows: list[tuple[str, str, str, str]] = []
    for c in CATEGORIES:
        rows.append((c.code, "", c.zh, c.en))
        rows.extend((c.code, s.code, s.zh, s.en) for s in c.subtypes)
    db.conn.executemany("INSERT INTO category_labels VALUES (?,?,?,?)", rows)
    saved = db.execute("SELECT value FROM meta WHERE key = 'timezone'").fetchone()
    set_desk_tz(db, (saved[0] if saved else "").strip() or DEFAULT_ZONE)
    _run_script(db, _VIEWS_15)
    _rebaseline(db, "incidents", incident_cols)


@migrations()
def m16_dispatch(db: Database) -> None:
    """Passing on and following up (issue 16): tasks given to units — a linkage unit dispatched
    to the scene, a leader's instruction passed on, a notice from above received (`tasks`:
    which unit, what was said, by which channel, who passed it on, when; cancelled with a
    reason, never deleted); each task's clocks from the rule pack's [dispatch] table
    (`task_clocks`: 接收, 到场, 反馈; for a notice 报告领导, 传达, 回执), each naming its rule and
    source and, once done, when and how late; the calls chasing a late task (`task_chases`, 督办,
    never changed); and the first unit to receive an incident and whom it handed it over to
    (`first_receivers`, 首接负责制). New tables only: no existing row changes."""
    _run_script(
        db,
        """
        CREATE TABLE tasks (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL CHECK (kind IN ('dispatch','instruction','notice')),
            incident_id INTEGER REFERENCES incidents(id),
            log_entry_id INTEGER REFERENCES log_entries(id),
            parent_id INTEGER REFERENCES tasks(id),
            warning_id INTEGER REFERENCES warnings(id),
            unit_id INTEGER REFERENCES units(id),
            unit_name TEXT NOT NULL DEFAULT '',
            instruction TEXT NOT NULL CHECK (trim(instruction) <> ''),
            channel TEXT NOT NULL DEFAULT 'phone'
                CHECK (channel IN ('phone','fax','sms','system')),
            passed_by TEXT NOT NULL,
            issued_at TEXT NOT NULL,
            urban INTEGER NOT NULL DEFAULT 0 CHECK (urban IN (0, 1)),
            pack_id TEXT NOT NULL DEFAULT '',
            status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open','done','cancelled')),
            cancel_reason TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            by_whom TEXT NOT NULL
        );
        CREATE INDEX tasks_incident ON tasks(incident_id);
        CREATE INDEX tasks_status ON tasks(status, issued_at);
        CREATE INDEX tasks_parent ON tasks(parent_id);
        CREATE TRIGGER tasks_no_delete BEFORE DELETE ON tasks
            BEGIN SELECT RAISE(ABORT, 'tasks are never deleted; cancel them'); END;
        CREATE TABLE task_clocks (
            id INTEGER PRIMARY KEY,
            task_id INTEGER NOT NULL REFERENCES tasks(id),
            step TEXT NOT NULL
                CHECK (step IN ('ack','arrive','feedback','leader','pass','receipt')),
            due_at TEXT NOT NULL,
            rule TEXT NOT NULL DEFAULT '',
            source TEXT NOT NULL DEFAULT '',
            done_at TEXT,
            late_seconds INTEGER,
            note TEXT NOT NULL DEFAULT '',
            by_whom TEXT NOT NULL DEFAULT '',
            UNIQUE (task_id, step)
        );
        CREATE INDEX task_clocks_due ON task_clocks(done_at, due_at);
        CREATE TRIGGER task_clocks_no_delete BEFORE DELETE ON task_clocks
            BEGIN SELECT RAISE(ABORT, 'task clocks are never deleted'); END;
        CREATE TABLE task_chases (
            id INTEGER PRIMARY KEY,
            task_id INTEGER NOT NULL REFERENCES tasks(id),
            step TEXT NOT NULL DEFAULT '',
            at TEXT NOT NULL,
            outcome TEXT NOT NULL CHECK (trim(outcome) <> ''),
            by_whom TEXT NOT NULL
        );
        CREATE INDEX task_chases_task ON task_chases(task_id, at);
        CREATE TRIGGER task_chases_no_update BEFORE UPDATE ON task_chases
            BEGIN SELECT RAISE(ABORT, 'a chasing call is never changed'); END;
        CREATE TRIGGER task_chases_no_delete BEFORE DELETE ON task_chases
            BEGIN SELECT RAISE(ABORT, 'a chasing call is never deleted'); END;
        CREATE TABLE first_receivers (
            id INTEGER PRIMARY KEY,
            incident_id INTEGER NOT NULL UNIQUE REFERENCES incidents(id),
            unit_id INTEGER REFERENCES units(id),
            unit_name TEXT NOT NULL CHECK (trim(unit_name) <> ''),
            received_at TEXT NOT NULL,
            handed_at TEXT,
            handed_to TEXT NOT NULL DEFAULT '',
            handed_to_unit_id INTEGER REFERENCES units(id),
            note TEXT NOT NULL DEFAULT '',
            by_whom TEXT NOT NULL
        );
        CREATE TRIGGER first_receivers_no_delete BEFORE DELETE ON first_receivers
            BEGIN SELECT RAISE(ABORT, 'a first receiver is never deleted'); END;
        """,
    )


@migrations()
def m17_unit_filings(db: Database) -> None:
    """The directory's filings (备案, issue 16): each time a unit files its duty phone(s) and
    duty-staff list with the desk (`unit_filings`: the day filed, the phones as a JSON list, the
    staff list as text and/or a head count, a note, whether it came from the console, an import
    or the command line, when and by whom it was recorded). A filing is never changed nor
    deleted: the latest per unit is the one that counts. New table only: no existing row
    changes."""
    _run_script(
        db,
        """
        CREATE TABLE unit_filings (
            id INTEGER PRIMARY KEY,
            unit_id INTEGER NOT NULL REFERENCES units(id),
            filed_on TEXT NOT NULL
                CHECK (filed_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
            duty_phones TEXT NOT NULL DEFAULT '[]',
            staff TEXT NOT NULL DEFAULT '',
            staff_count INTEGER CHECK (staff_count IS NULL OR staff_count >= 0),
            note TEXT NOT NULL DEFAULT '',
            source TEXT NOT NULL DEFAULT 'desk' CHECK (source IN ('desk','import','cli')),
            recorded_at TEXT NOT NULL,
            recorded_by TEXT NOT NULL
        );
        CREATE INDEX unit_filings_unit ON unit_filings(unit_id, filed_on);
        CREATE TRIGGER unit_filings_no_update BEFORE UPDATE ON unit_filings
            BEGIN SELECT RAISE(ABORT, 'a filing is never changed'); END;
        CREATE TRIGGER unit_filings_no_delete BEFORE DELETE ON unit_filings
            BEGIN SELECT RAISE(ABORT, 'a filing is never deleted'); END;
        """,
    )


@migrations()
def m18_handover_renderings(db: Database) -> None:
    """The handover sheet's paper is made when it is needed (issue 17): a frozen sheet keeps its
    JSON and text with their hashes, and each PDF rendered from that JSON — printed, saved,
    written by the command line — is recorded here (`handover_renderings`: which handover, when,
    by whom, in which font, whether that font was embedded, what for, and the PDF's SHA-256).
    New frozen sheets store no PDF; the PDFs of sheets frozen before stay in `handover_pdfs`.
    A rendering is never changed nor deleted. New table only: no existing row changes."""
    _run_script(
        db,
        """
        CREATE TABLE handover_renderings (
            id INTEGER PRIMARY KEY,
            handover_id INTEGER NOT NULL REFERENCES handovers(id),
            rendered_at TEXT NOT NULL,
            by_whom TEXT NOT NULL,
            font TEXT NOT NULL,
            embedded INTEGER NOT NULL CHECK (embedded IN (0, 1)),
            purpose TEXT NOT NULL DEFAULT 'file' CHECK (purpose IN ('print','save','file')),
            pdf_sha256 TEXT NOT NULL CHECK (length(pdf_sha256) = 64)
        );
        CREATE INDEX handover_renderings_handover ON handover_renderings(handover_id, id);
        CREATE TRIGGER handover_renderings_no_update BEFORE UPDATE ON handover_renderings
            BEGIN SELECT RAISE(ABORT, 'a rendering is never changed'); END;
        CREATE TRIGGER handover_renderings_no_delete BEFORE DELETE ON handover_renderings
            BEGIN SELECT RAISE(ABORT, 'a rendering is never deleted'); END;
        """,
    )


@migrations()
def m19_stats_indexes(db: Database) -> None:
    """Statistics read a period's clocks without visiting their rows (issue 15; bench/README.md
    finding 11). `deadlines_stats` holds every column the count of a period's clocks needs
    (due, status, when done, kind, incident), so a year's ~110,000 clocks are counted from the
    index alone; `reports_final` finds an incident's final report without reading its other
    reports (a clock dropped by the final report after it was due is missed); `incidents_stats`
    holds what the counts of a period's incidents read (status, grade, category, caller unit,
    occurrence, figures), so what happened, 同比, 环比 and subordinates' timeliness read a
    tenth of the pages the incidents' rows fill. Indexes only: no row changes."""
    _run_script(
        db,
        """
        CREATE INDEX deadlines_stats ON deadlines(due_at, status, done_at, kind, incident_id);
        CREATE INDEX reports_final ON reports(incident_id, kind, at) WHERE kind = 'final';
        CREATE INDEX incidents_stats ON incidents(received_at, status, grade, category,
            caller_unit, occurred_at, dead, injured, seriously_injured, missing, trapped,
            direct_loss);
        """,
    )


@migrations()
def m20_search_filters(db: Database) -> None:
    """Issue 19, two things a person waits for.

    Searching: a search with words and a filter (grade, category, status, area, dates) checks
    each full-text match against the filter. Through the table's rows that was one read of a
    wide row per match, 31x slower for 10x the history; `incidents_filters` holds the filter
    columns in id order (about 40 bytes an incident), a narrow read (`store/search.py`).

    Saving: FTS5's crisis merge (a level of `crisismerge` segments merged whole, and every full
    level above it, inside the write that adds the last) is what made a save on a desk whose
    index is behind (a bulk load's levels of large segments, a copy or a restore of such a
    desk) take seconds. Merging is the maintenance's (`Store.checkpoint`, in small steps), and
    FTS5 gives a merge already under way precedence over starting one on level 0, so while it
    catches up on a large level, level 0 only gets merged once it holds as many segments as that
    level: with crisismerge at its default 16 a few saves were enough to reach it. At 64 a save
    is never the one that merges unless 64 saves came with no maintenance step between them.
    Written reports' index had automerge on (m14 came after m10): off, merged by the same
    steps. Index and FTS5 settings only: no row changes."""
    _run_script(
        db,
        """
        CREATE INDEX IF NOT EXISTS incidents_filters
            ON incidents(id, received_at, category, grade, status, area_id);
        """,
    )
    for table in ("incidents_fts", "log_fts", "written_reports_fts"):
        db.execute(f"INSERT INTO {table}({table}, rank) VALUES('automerge', 0)")
        db.execute(f"INSERT INTO {table}({table}, rank) VALUES('crisismerge', 64)")


# m21: an incident's filter values as tokens of its full-text row's `tag` column, from the row
# `{r}` (SQL). Kept as m21 made it; `store/search.py` TAGS_SQL must say the same (a test checks).
M21_TAGS = (
    "'k' || lower(hex({r}.category)) || ' g' || lower(hex({r}.grade))"
    " || ' s' || lower(hex({r}.status)) || iif({r}.area_id IS NULL, '', ' p' || {r}.area_id)"
    " || ' m' || substr({r}.received_at, 1, 4) || substr({r}.received_at, 6, 2)"
    " || ' y' || substr({r}.received_at, 1, 4)"
)


@migrations()
def m21_search_tags(db: Database) -> None:
    """Issue 19: a search with words and a common filter (accidents are two thirds of a desk)
    whose words are rare in it read every match of the words and checked each against the
    filter. The full-text index gets a third column, `tag`, holding each incident's category,
    grade, status, area, month and year of receipt as tokens (`k`, `g`, `s` + the value's
    UTF-8 in hex, `p` + the area's id, `m` + yyyymm, `y` + yyyy, UTC), so FTS5 intersects them with the words and
    skips through its doclist index (`store/search.py`). A person's words never reach this
    column: every term `match_query` makes names `uni` or `bi`.

    FTS5 cannot add a column: the index is built again from its own stored text (no grams are
    computed again), the old one dropped and the new one renamed, with m10's and m20's
    settings. A trigger keeps `tag` in step whenever one of those columns of an incident
    changes (an edit, a status, a re-grading, a correction); saving an incident's words writes
    it too (`IncidentRepo._index`). Takes about 40 s a year of history (bench/RESULTS.md)."""
    tags = M21_TAGS.format(r="i")
    new = M21_TAGS.format(r="NEW")
    _run_script(
        db,
        f"""
        CREATE VIRTUAL TABLE incidents_fts_m21 USING fts5(uni, bi, tag, tokenize = 'unicode61');
        INSERT INTO incidents_fts_m21 (rowid, uni, bi, tag)
            SELECT c.id, c.c0, c.c1, {tags}
            FROM incidents_fts_content c JOIN incidents i ON i.id = c.id ORDER BY c.id;
        DROP TABLE incidents_fts;
        ALTER TABLE incidents_fts_m21 RENAME TO incidents_fts;
        CREATE TRIGGER incidents_fts_tag
            AFTER UPDATE OF category, grade, status, area_id, received_at ON incidents
        BEGIN
            UPDATE incidents_fts SET tag = {new} WHERE rowid = NEW.id;
        END;
        """,
    )
    db.execute("INSERT INTO incidents_fts(incidents_fts, rank) VALUES('automerge', 0)")
    db.execute("INSERT INTO incidents_fts(incidents_fts, rank) VALUES('crisismerge', 64)")


# -- applying -------------------------------------------------------------------------------------
def _records(db: DeskDb) -> list[tuple[str, str]]:
    """(set, name) of every migration record the desk holds; none before the first migration."""
    if not db.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_sqlite_migrations'"
    ).fetchone():
        return []
    return [(r[0], r[1]) for r in db.execute("SELECT migration_set, name FROM _sqlite_migrations")]


def fold_legacy(db: DeskDb) -> int:
    """Record the migrations a desk applied under their names of before one list (stamp.
    LEGACY_NAMES) under today's names, in set "watchdesk"; applied_at is kept. Call inside a
    write transaction. Returns how many records were renamed."""
    assert db.conn.in_transaction, "fold_legacy must run inside write_txn"
    have = set(_records(db))
    n = 0
    for (old_set, old_name), new_name in LEGACY_NAMES.items():
        if (old_set, old_name) not in have:
            continue
        if (SET_NAME, new_name) in have:  # recorded under both names: the new one stands
            db.execute(
                "DELETE FROM _sqlite_migrations WHERE migration_set = ? AND name = ?",
                [old_set, old_name],
            )
        else:
            db.execute(
                "UPDATE _sqlite_migrations SET migration_set = ?, name = ?"
                " WHERE migration_set = ? AND name = ?",
                [SET_NAME, new_name, old_set, old_name],
            )
        n += 1
    return n


def apply(db: DeskDb) -> None:
    """All pending migrations in one write transaction: when several processes open a desk that
    needs them at once, one migrates and the others wait for the lock, then find nothing to do.
    The transaction first renames legacy records (`fold_legacy`) and ends by stamping the desk
    with the schema stamp (see `stamp.py`)."""
    from watchdesk.store.db import write_txn

    check_stamp()
    with write_txn(db):
        fold_legacy(db)
        slow = _announce_slow(db)
        migrations.apply(db.utils)
        db.execute(f"PRAGMA user_version = {SCHEMA_STAMP}")
    if slow is not None:
        import sys

        from watchdesk.i18n import t

        print(
            f"watchdesk: {t('migrate.done', seconds=round(time.monotonic() - slow))}",
            file=sys.stderr,
        )


# Pending migrations that rebuild an index from every incident, and how many incidents they
# index a second (m21: 300,000 in 96 s on the ten-year bench desk, load 6; bench/RESULTS.md).
REBUILDS = {"m21_search_tags": 3000}
# Below this many seconds nothing is said.
ANNOUNCE_AFTER = 3


def _announce_slow(db: DeskDb) -> float | None:
    """Before a migration that rebuilds an index of every incident on a desk large enough for
    it to take a while (a console's start-up on an old desk, `watchdesk init`, a command): one
    line on stderr, before the terminal is taken, saying what is being done and about how long
    it takes (the older index-building migrations said nothing: m03 at most a few seconds, m19
    and m20 an index each). The start (time.monotonic()) when announced, else None."""
    names = {m.name for m in migrations.pending(db.utils)}
    rate = min((r for name, r in REBUILDS.items() if name in names), default=None)
    if (
        rate is None
        or not db.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'incidents'"
        ).fetchone()
    ):
        return None
    n = db.execute("SELECT coalesce(max(id), 0) FROM incidents").fetchone()[0]
    if n < rate * ANNOUNCE_AFTER:
        return None
    import sys

    from watchdesk.i18n import t

    minutes = max(1, -(-n // (rate * 60)))  # rounded up
    print(
        f"watchdesk: {t('migrate.rebuilding', incidents=n, minutes=minutes)}",
        file=sys.stderr,
        flush=True,
    )
    return time.monotonic()


def pending(db: DeskDb) -> list[str]:
    """Names of the migrations this desk lacks. Read-only: a record still under its legacy name
    counts as applied (`apply` renames it)."""
    done = {
        LEGACY_NAMES.get(r, r[1]) for r in _records(db) if r[0] == SET_NAME or r in LEGACY_NAMES
    }
    return [m.name for m in migrations.pending(db.utils) if m.name not in done]


def check_stamp() -> None:
    """A migration added without raising SCHEMA_STAMP (or without its name in MIGRATION_NAMES)
    would let desks that lack it open without it: refuse to migrate at all (the test suite runs
    this)."""
    from sqlite_utils import Database

    names = [m.name for m in migrations.pending(Database(memory=True))]
    n = len(names)
    if n != SCHEMA_STAMP:
        raise RuntimeError(
            f"store/stamp.py: SCHEMA_STAMP is {SCHEMA_STAMP} but there are {n} "
            f"migrations; set it to {n}"
        )
    if tuple(names) != MIGRATION_NAMES or SET_NAME != MIGRATION_SET:  # Store.open trusts them
        raise RuntimeError(
            f"store/stamp.py: MIGRATION_NAMES is not the list of migrations; set it to {names}"
        )
