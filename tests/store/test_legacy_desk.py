"""A desk made before the migrations were one list (five sets, other names) opens without loss.

fixtures/desk_before_one_migration_list.db was made by the code of commit 081d751 (`watchdesk demo
--no-ui`, then a leave, a sensitive period, a replacement, an acknowledgement, a handover draft, a
PIN and a hold on top, so every domain holds rows), then checkpointed and vacuumed. Its
`_sqlite_migrations` holds the ten migrations under their legacy sets and names, stamp 10.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

from tests.helpers import TZ, facts
from watchdesk.store import migrations
from watchdesk.store.desk import Store, _stamp
from watchdesk.store.stamp import LEGACY_NAMES, LEGACY_RECORDS_SQL, SCHEMA_STAMP

FIXTURE = Path(__file__).parent / "fixtures" / "desk_before_one_migration_list.db"
FIXTURE_STAMP = 10  # the schema stamp of the day it was made
# Migrated since the fixture was made: opening it applies these (and only these).
LATER = [
    ("watchdesk", "m11_people"),
    ("watchdesk", "m12_corrections"),
    ("watchdesk", "m13_reports"),
    ("watchdesk", "m14_report_drafts"),
    ("watchdesk", "m15_areas_and_views"),
    ("watchdesk", "m16_dispatch"),
    ("watchdesk", "m17_unit_filings"),
    ("watchdesk", "m18_handover_renderings"),
    ("watchdesk", "m19_stats_indexes"),
    ("watchdesk", "m20_search_filters"),
    ("watchdesk", "m21_search_tags"),
]
LATER_TABLES = {
    "pin_attempts",
    "corrections",
    "duplicates",
    "written_reports",
    "report_steps",
    "report_files",
    "report_holds",
    "areas",
    "desk_tz",
    "grade_labels",
    "category_labels",
    "report_kind_labels",
    "unit_filings",
    "tasks",
    "task_clocks",
    "task_chases",
    "first_receivers",
    "handover_renderings",
}


def _after_later(counts: dict[str, int]) -> dict[str, int]:
    """The table counts of the fixture once LATER ran: m11_people re-baselines every officer
    (one audit entry each) and adds an empty pin_attempts; m12_corrections adds empty
    corrections and duplicates; m13_reports empty written_reports, report_steps and
    report_files; m14_report_drafts an empty report_holds; m15_areas_and_views re-baselines
    every incident (it gains area_id), adds an empty areas, the desk's zone (one row) and the
    label tables (4 grades, every category and subtype, 5 report kinds); m17_unit_filings an
    empty unit_filings; m18_handover_renderings an empty handover_renderings; m20_search_filters
    FTS5 settings (rows of the *_fts_config tables); m21_search_tags builds incidents_fts again
    with a third column (the same rows: one per incident, the same settings)."""
    from watchdesk.rules.categories import CATEGORIES

    return counts | {
        "audit": counts["audit"] + counts["officers"] + counts["incidents"],
        "pin_attempts": 0,
        "corrections": 0,
        "duplicates": 0,
        "written_reports": 0,
        "report_steps": 0,
        "report_files": 0,
        "report_holds": 0,
        # an empty FTS5 table's shadow tables: its config row and two structure records
        "written_reports_fts": 0,
        "written_reports_fts_content": 0,
        "written_reports_fts_data": 2,
        "written_reports_fts_docsize": 0,
        "written_reports_fts_idx": 0,
        "areas": 0,
        "desk_tz": 1,
        "grade_labels": 4,
        "category_labels": sum(1 + len(c.subtypes) for c in CATEGORIES),
        "report_kind_labels": 5,
        "unit_filings": 0,
        "tasks": 0,
        "task_clocks": 0,
        "task_chases": 0,
        "first_receivers": 0,
        "handover_renderings": 0,
        # m20_search_filters: crisismerge on every full-text table, automerge off on the reports'
        "incidents_fts_config": counts["incidents_fts_config"] + 1,
        "log_fts_config": counts["log_fts_config"] + 1,
        "written_reports_fts_config": 3,
    }


def _copy(tmp_path: Path) -> Path:
    path = tmp_path / "old.db"
    shutil.copyfile(FIXTURE, path)
    os.chmod(path, 0o600)
    return path


def _raw(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path)


def _counts(path: Path) -> dict[str, int]:
    con = _raw(path)
    try:
        names = [
            r[0]
            for r in con.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                " AND name <> '_sqlite_migrations'"
            )
        ]
        return {n: con.execute(f"SELECT count(*) FROM [{n}]").fetchone()[0] for n in names}
    finally:
        con.close()


def _records(path: Path) -> list[tuple[str, str, str]]:
    con = _raw(path)
    try:
        return con.execute(
            "SELECT migration_set, name, applied_at FROM _sqlite_migrations ORDER BY id"
        ).fetchall()
    finally:
        con.close()


def _schema(path: Path) -> set[tuple[str, str, str, str | None]]:
    con = _raw(path)
    try:
        return set(
            con.execute(
                "SELECT type, name, tbl_name, sql FROM sqlite_master"
                " WHERE type IN ('table', 'index', 'trigger')"
            ).fetchall()
        )
    finally:
        con.close()


def _renamed(records: list[tuple[str, str, str]]) -> set[tuple[str, str, str]]:
    return {("watchdesk", LEGACY_NAMES[(s, n)], at) for s, n, at in records}


def test_the_fixture_is_a_legacy_desk():
    records = _records(FIXTURE)
    assert {(s, n) for s, n, _ in records} == set(LEGACY_NAMES)
    con = _raw(FIXTURE)
    try:
        assert con.execute("PRAGMA user_version").fetchone()[0] == FIXTURE_STAMP
        assert con.execute(LEGACY_RECORDS_SQL).fetchone() is not None
    finally:
        con.close()
    assert all(
        _counts(FIXTURE)[t]
        for t in migrations.AUDITED_TABLES
        if t != "roster_sensitive" and t not in LATER_TABLES
    )


def test_a_legacy_desk_opens_without_loss_and_its_records_are_renamed(tmp_path, clock):
    path = _copy(tmp_path)
    counts, records = _counts(path), _records(path)
    s = Store.open(path, clock=clock, actor="测试员", tz=TZ)
    try:
        assert migrations.pending(s.db) == []
        after = set(_records(path))
        assert _renamed(records) <= after  # applied_at kept: nothing ran again
        assert {(st, n) for st, n, _ in after - _renamed(records)} == set(LATER)
        assert s.db.execute(LEGACY_RECORDS_SQL).fetchone() is None
        assert _stamp(s.db) == SCHEMA_STAMP
        assert _counts(path) == _after_later(counts)
        res = s.check()  # the legacy chain verifies, and the entries m11 appended after it
        assert res.ok, res.problems
        assert res.audit_entries == _after_later(counts)["audit"]
        inc = s.incidents.add(facts(clock))  # a write works
        assert s.incidents.get(inc.id).place == "城关镇东街"
        res = s.check()
        assert res.ok, res.problems
    finally:
        s.close()
    s = Store.open(path, clock=clock, tz=TZ)  # and it opens again as any desk does
    try:
        assert migrations.pending(s.db) == []
        assert len(_records(path)) == len(LEGACY_NAMES) + len(LATER)
    finally:
        s.close()


def test_pending_reads_legacy_records_as_applied_without_writing(tmp_path):
    path = _copy(tmp_path)
    from watchdesk.store.db import connect

    db = connect(path, create=False)
    try:
        assert migrations.pending(db) == [n for _, n in LATER]
    finally:
        db.close()
    assert {(s, n) for s, n, _ in _records(path)} == set(LEGACY_NAMES)  # untouched


def test_a_legacy_desk_lacking_a_migration_gets_only_that_one(tmp_path, clock):
    """Made before stamps and before the deadlines_due index: the full check folds the legacy
    records in the migrating transaction and runs only what is missing."""
    path = _copy(tmp_path)
    con = _raw(path)
    con.execute(
        "DELETE FROM _sqlite_migrations WHERE migration_set = 'watchdesk.handover'"
        " AND name = 'm002_deadlines_due'"
    )
    con.execute("DROP INDEX deadlines_due")
    con.execute("PRAGMA user_version = 0")
    con.commit()
    con.close()
    counts, records = _counts(path), _records(path)
    s = Store.open(path, clock=clock, tz=TZ)
    try:
        assert migrations.pending(s.db) == []
        assert _stamp(s.db) == SCHEMA_STAMP
        assert s.db.execute("SELECT 1 FROM sqlite_master WHERE name = 'deadlines_due'").fetchone()
        after = set(_records(path))
        assert _renamed(records) <= after
        assert {(st, n) for st, n, _ in after - _renamed(records)} == {
            ("watchdesk", "m09_deadlines_due"),
            *LATER,
        }
        assert _counts(path) == _after_later(counts)
        res = s.check()
        assert res.ok, res.problems
    finally:
        s.close()


def test_a_new_desk_and_a_migrated_legacy_desk_have_the_same_schema(tmp_path, clock):
    old = _copy(tmp_path)
    Store.open(old, clock=clock, tz=TZ).close()
    new = tmp_path / "new.db"
    Store.open(new, clock=clock, tz=TZ).close()
    assert _schema(new) == _schema(old)
    assert {(s, n) for s, n, _ in _records(new)} == {(s, n) for s, n, _ in _records(old)}
