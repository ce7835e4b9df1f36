"""The store: migrations from an empty file, pragmas, transactions, audit chain, incidents."""

from __future__ import annotations

import os
import sqlite3
import stat
from datetime import timedelta

import pytest

from tests.helpers import TZ, facts, roster_today
from watchdesk.errors import InputError
from watchdesk.models.incident import DeadlineStatus, Grade, IncidentStatus, ReportKind
from watchdesk.store import migrations
from watchdesk.store.db import connect
from watchdesk.store.desk import Store


def test_migrations_from_empty_file(db_path, clock):
    db = connect(db_path)
    pending = migrations.pending(db)
    assert pending[:2] == ["m01_foundation", "m02_directory"]
    assert "m03_lifecycle" in pending  # the incident lifecycle
    migrations.apply(db)
    assert migrations.pending(db) == []
    tables = set(db.table_names())
    assert {
        "incidents",
        "deadlines",
        "reports",
        "audit",
        "shifts",
        "assignments",
        "officers",
        "units",
        "contacts",
        "meta",
    } <= tables
    # Applying again is a no-op.
    migrations.apply(db)
    db.close()


def test_pragmas_and_private_file(store, db_path):
    db = store.db
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.execute("PRAGMA busy_timeout").fetchone()[0] >= 1000
    mode = stat.S_IMODE(os.stat(db_path).st_mode)
    assert mode == 0o600


def test_not_a_database_is_a_clear_error(tmp_path):
    bad = tmp_path / "junk.db"
    bad.write_bytes(b"this is not sqlite" * 100)
    from watchdesk.store.db import DeskUnavailable

    with pytest.raises(DeskUnavailable, match="not a usable desk database"):
        Store.open(bad)


def test_add_incident_suggests_grade_and_starts_clocks(store, clock):
    inc = store.incidents.add(facts(clock, dead=10, occurred_at=clock() - timedelta(minutes=5)))
    assert inc.grade == Grade.II and inc.grade_suggested == Grade.II
    clocks = {d.kind: d for d in store.incidents.deadlines(inc.id)}
    assert clocks[ReportKind.phone].due_at == clock() + timedelta(minutes=25)
    assert clocks[ReportKind.written].due_at == clock() + timedelta(minutes=55)
    assert clocks[ReportKind.phone].source  # every clock names its source
    assert ReportKind.followup in clocks


def test_ordinary_incident_has_no_phone_clock(store, clock):
    inc = store.incidents.add(facts(clock, dead=2))
    kinds = {d.kind for d in store.incidents.deadlines(inc.id)}
    assert inc.grade == Grade.IV
    assert ReportKind.phone not in kinds
    # S1 Art.9-10 (national pack): 一般 is reported within 2 hours of receipt, in writing.
    (w,) = [d for d in store.incidents.deadlines(inc.id) if d.kind == ReportKind.written]
    assert w.rule_id == "written-initial" and w.due_at == inc.received_at + timedelta(hours=2)


def test_failed_write_leaves_nothing_behind(store, clock):
    before_audit = store.db.execute("SELECT count(*) FROM audit").fetchone()[0]
    with pytest.raises(sqlite3.IntegrityError), store.write():
        store.auditor.insert(
            "incidents",
            {
                "received_at": "2026-11-22T06:00:00+00:00",
                "place": "x",
                "category": "accident",
                "description": "d",
                "grade": "IV",
                "grade_suggested": "IV",
                "created_at": "x",
                "updated_at": "x",
            },
        )
        # A second statement fails: the first must be rolled back with it.
        store.db.execute(
            "INSERT INTO deadlines (incident_id, kind, due_at) VALUES (999, 'bogus', 'x')"
        )
    assert store.db.execute("SELECT count(*) FROM incidents").fetchone()[0] == 0
    assert store.db.execute("SELECT count(*) FROM audit").fetchone()[0] == before_audit
    assert store.check().ok


def test_bad_facts_write_nothing(store, clock):
    with pytest.raises(InputError) as e:
        store.incidents.add(facts(clock, occurred_at=clock() + timedelta(minutes=10)))
    assert e.value.field == "occurred_at"
    with pytest.raises(InputError) as e:
        store.incidents.add(facts(clock, received_at=clock() + timedelta(hours=1)))
    assert e.value.field == "received_at"
    with pytest.raises(InputError) as e:
        store.incidents.add(facts(clock, category="weather"))
    assert e.value.field == "category"
    assert store.db.execute("SELECT count(*) FROM incidents").fetchone()[0] == 0


def test_audit_chain_verifies_and_catches_an_edit(store, clock, db_path):
    inc = store.incidents.add(facts(clock, dead=3))
    assert store.check().ok
    raw = sqlite3.connect(db_path)
    raw.execute("UPDATE incidents SET dead = 1 WHERE id = ?", [inc.id])
    raw.commit()
    res = store.check()
    assert not res.ok
    assert any(f"incidents #{inc.id}" in p and "edited" in p for p in res.problems)


def test_audit_chain_catches_a_deleted_audit_row(store, clock, db_path):
    store.incidents.add(facts(clock))
    store.incidents.add(facts(clock, place="东坡街道"))
    raw = sqlite3.connect(db_path)
    # The append-only trigger refuses; someone determined drops it first.
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        raw.execute("DELETE FROM audit WHERE id = 2")
    raw.execute("DROP TRIGGER audit_no_delete")
    raw.execute("DELETE FROM audit WHERE id = 2")
    raw.commit()
    res = store.check()
    assert not res.ok
    assert any("missing" in p for p in res.problems)


def test_audit_chain_catches_a_deleted_incident(store, clock, db_path):
    inc = store.incidents.add(facts(clock))
    raw = sqlite3.connect(db_path)
    with pytest.raises(sqlite3.DatabaseError, match="never deleted"):
        raw.execute("DELETE FROM incidents WHERE id = ?", [inc.id])
    raw.execute("DROP TRIGGER incidents_no_delete")
    raw.execute("PRAGMA foreign_keys = OFF")
    raw.execute("DELETE FROM incidents WHERE id = ?", [inc.id])
    raw.commit()
    res = store.check()
    assert any(f"incidents #{inc.id}" in p and "deleted" in p for p in res.problems)


def test_audit_chain_catches_an_altered_audit_entry(store, clock, db_path):
    store.incidents.add(facts(clock))
    raw = sqlite3.connect(db_path)
    raw.execute("DROP TRIGGER audit_no_update")
    raw.execute("UPDATE audit SET actor = 'someone else' WHERE id = 1")
    raw.commit()
    assert any("altered" in p for p in store.check().problems)


def test_void_keeps_the_incident_and_drops_its_clocks(store, clock):
    inc = store.incidents.add(facts(clock, dead=12))
    with pytest.raises(InputError):
        store.incidents.void(inc.id, "  ")
    voided = store.incidents.void(inc.id, "重复报告")
    assert voided.status == IncidentStatus.voided and voided.void_reason == "重复报告"
    assert all(d.status == DeadlineStatus.dropped for d in store.incidents.deadlines(inc.id))
    assert store.incidents.running_clocks() == []
    assert store.check().ok


def test_report_closes_clock_with_lateness(store, clock):
    inc = store.incidents.add(facts(clock, dead=10))
    clock.advance(minutes=31)
    rep = store.incidents.record_report(inc.id, ReportKind.phone, to_whom="市应急局")
    assert rep.late_seconds == 60
    phone = [d for d in store.incidents.deadlines(inc.id) if d.kind == ReportKind.phone][0]
    assert phone.status == DeadlineStatus.done and phone.report_id == rep.id


def test_followups_are_numbered_and_final_ends_every_clock(store, clock):
    inc = store.incidents.add(facts(clock, dead=10))
    clock.advance(minutes=10)
    store.incidents.record_report(inc.id, ReportKind.followup)
    clock.advance(minutes=10)
    second = store.incidents.record_report(inc.id, ReportKind.followup)
    assert second.seq == 2
    running = [d for d in store.incidents.deadlines(inc.id) if d.status == DeadlineStatus.running]
    assert any(d.kind == ReportKind.followup and d.seq == 3 for d in running)
    store.incidents.record_report(inc.id, ReportKind.final)
    assert store.incidents.get(inc.id).status == IncidentStatus.closed
    assert all(d.status != DeadlineStatus.running for d in store.incidents.deadlines(inc.id))


def test_deadlines_are_absolute_across_reopen(db_path, clock):
    s = Store.open(db_path, clock=clock, tz=TZ)
    inc = s.incidents.add(facts(clock, dead=10))
    due = [d.due_at for d in s.incidents.deadlines(inc.id)]
    s.close()
    clock.advance(hours=5)
    s2 = Store.open(db_path, clock=clock, tz=TZ)
    assert [d.due_at for d in s2.incidents.deadlines(inc.id)] == due
    s2.close()


def test_on_duty_now_and_next(store, clock):
    roster_today(store, clock)
    now = store.roster.on_duty()
    nxt = store.roster.next_shift()
    assert now.names(now.assignments[0].role) == ["王建国"]
    assert now.shift.starts_at.astimezone(TZ).hour == 8
    assert nxt.shift.starts_at == now.shift.ends_at
    assert nxt.names(nxt.assignments[0].role) == ["李红梅"]


def test_overlapping_shift_is_refused(store, clock):
    roster_today(store, clock)
    with pytest.raises(InputError, match="overlaps"):
        store.roster.add_shift(clock(), clock() + timedelta(hours=2))


def test_today_is_by_desk_zone(store, clock):
    # 00:10 Shanghai is still the previous day in UTC: it must count as today on the desk.
    clock.set(clock().replace(hour=0, minute=10))
    store.incidents.add(facts(clock))
    assert len(store.incidents.today()) == 1
    clock.advance(days=1)
    assert store.incidents.today() == []


def test_check_reads_the_log_and_the_tables_side_by_side(db_path, clock):
    """verify() merges each table (by id) with the latest audit entry of each row: rows missing
    from either side, in the middle or at either end, and an after-image edited into non-JSON
    are each named, and the rest of the table is still compared."""
    import sqlite3 as sq

    s = Store.open(db_path, clock=clock, actor="测试员", tz=TZ)
    with s.write():
        for i in range(1, 7):
            s.auditor.insert("meta", {"key": f"k{i}", "value": str(i)})
    assert s.check().ok
    s.close()
    raw = sq.connect(db_path)
    for trig in ("audit_no_update", "audit_no_delete"):
        raw.execute(f"DROP TRIGGER IF EXISTS {trig}")
    ids = [r[0] for r in raw.execute("SELECT id FROM meta ORDER BY id")]
    raw.execute("DELETE FROM meta WHERE id = ?", [ids[0]])  # first
    raw.execute("DELETE FROM meta WHERE id = ?", [ids[3]])  # middle
    raw.execute("UPDATE meta SET value = 'x' WHERE id = ?", [ids[4]])  # edited
    raw.execute("INSERT INTO meta (id, key, value) VALUES (?, 'late', 'z')", [ids[-1] + 10])  # end
    raw.execute(
        "UPDATE audit SET after = '{not json' WHERE id = (SELECT max(id) FROM audit"
        " WHERE table_name = 'meta' AND row_id = ?)",
        [ids[2]],
    )
    raw.commit()
    raw.close()
    s = Store.open(db_path, clock=clock, tz=TZ)
    problems = s.check().problems
    s.close()
    text = "\n".join(problems)
    assert f"meta #{ids[0]} is in the audit log but missing from the table (deleted)" in text
    assert f"meta #{ids[3]} is in the audit log but missing from the table (deleted)" in text
    assert f"meta #{ids[4]} differs from its last audited state (edited directly)" in text
    assert f"meta #{ids[-1] + 10} has no audit entry" in text
    assert "after-image is not JSON" in text and f"meta #{ids[2]} differs" in text
    assert f"meta #{ids[1]} " not in text and f"meta #{ids[5]} " not in text  # untouched rows
