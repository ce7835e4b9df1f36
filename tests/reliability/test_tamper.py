"""Tamper evidence: an attacker with the file drops the protecting triggers and edits or deletes
audit and incident rows directly in SQLite; `watchdesk check` catches every such change."""

from __future__ import annotations

import json
import os
import random
import shutil
import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from tests.reliability._workers import run_main, write_one
from watchdesk.store.desk import Store

TABLES = ["audit", "incidents", "reports", "figures", "log_entries", "deadlines"]


@pytest.fixture(scope="module")
def pristine(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("tamper") / "desk.db"
    s = Store.open(path, actor="值班员")
    try:
        rnd = random.Random(1)
        for i in range(4):
            write_one(s, "incident", f"t{i}", rnd)
        for i, kind in enumerate(["report", "figures", "log", "report", "figures", "log"]):
            write_one(s, kind, f"t-{kind}-{i}", rnd)
        s.incidents.void(2, "重复报送")
        assert s.check().ok
    finally:
        s.close()
    return path


ENUMS = [
    "I",
    "II",
    "III",
    "IV",
    "open",
    "closed",
    "voided",
    "phone",
    "written",
    "followup",
    "final",
    "verification",
    "insert",
    "update",
    "running",
    "done",
    "dropped",
    "initial",
    "updated",
    "verified",
    "note",
    "call_in",
    "instruction",
]


def _attack(pristine: Path, work: Path, table: str, sql: str, *candidates) -> Path | None:
    """Copy the desk, drop the triggers as an attacker would, run `sql` with the first
    parameters SQLite accepts (NOT NULL and CHECK constraints still hold); None if none is."""
    path = work / "desk.db"
    shutil.copyfile(pristine, path)
    conn = sqlite3.connect(path)
    try:
        for trig in ("audit_no_update", "audit_no_delete", "incidents_no_delete"):
            conn.execute(f"DROP TRIGGER IF EXISTS {trig}")
        before = _fingerprint(conn, table)
        for params in candidates:
            try:
                cur = conn.execute(sql, params)
            except sqlite3.IntegrityError:
                continue
            assert cur.rowcount == 1
            if _fingerprint(conn, table) == before:  # e.g. 1.0 stored as 1: nothing changed
                conn.rollback()
                continue
            conn.commit()
            return path
        return None
    finally:
        conn.close()


def _fingerprint(conn: sqlite3.Connection, table: str) -> list:
    return [
        tuple((type(v).__name__, v) for v in row)
        for row in conn.execute(f"SELECT * FROM {table} ORDER BY id")
    ]


def _caught(path: Path) -> list[str]:
    res = run_main(["check", "--json", "--db", str(path)])
    out = json.loads(res["out"])
    assert res["code"] == 1 and not out["ok"], out
    return out["problems"]


def _rows(pristine: Path, table: str) -> tuple[list[str], list[tuple]]:
    conn = sqlite3.connect(pristine)
    try:
        cur = conn.execute(f"SELECT * FROM {table} ORDER BY id")
        return [d[0] for d in cur.description], cur.fetchall()
    finally:
        conn.close()


def _changed(value):
    """A different value, of the same type where possible."""
    if value is None:
        return "x"
    if isinstance(value, int):
        return value + 1
    if isinstance(value, float):
        return value + 0.5
    return value + "·" if value else "改"


@settings(
    max_examples=int(os.environ.get("WATCHDESK_FUZZ_EXAMPLES", "120")),
    deadline=None,
    derandomize="WATCHDESK_FUZZ_EXAMPLES" not in os.environ,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_any_edit_of_any_column_is_caught(pristine, tmp_path_factory, data):
    table = data.draw(st.sampled_from(TABLES), label="table")
    cols, rows = _rows(pristine, table)
    row = data.draw(st.sampled_from(rows), label="row")
    col = data.draw(st.sampled_from(cols), label="column")
    old = row[cols.index(col)]
    new = data.draw(
        st.one_of(
            st.just(_changed(old)),
            st.none(),
            st.text(max_size=5),
            st.integers(-5, 10**6),
            st.floats(allow_nan=False),
            st.binary(max_size=4),
        ),
        label="new value",
    )
    if new == old and type(new) is type(old):
        new = _changed(old)
    if col == "id":  # a row moved to a free id
        new = 10_000 + int(data.draw(st.integers(0, 100)))
    work = tmp_path_factory.mktemp("edit")
    values = [new, _changed(old), *(v for v in ENUMS if v != old)]
    path = _attack(
        pristine,
        work,
        table,
        f"UPDATE {table} SET [{col}] = ? WHERE id = ?",
        *[(v, row[0]) for v in values],
    )
    assume(path is not None)  # SQLite's own constraints refused every edit
    assert _caught(path)


@pytest.mark.parametrize("table", TABLES)
@pytest.mark.parametrize("which", ["first", "middle", "last"])
def test_deleting_any_row_is_caught(pristine, tmp_path, table, which):
    _, rows = _rows(pristine, table)
    row = {"first": rows[0], "middle": rows[len(rows) // 2], "last": rows[-1]}[which]
    path = _attack(pristine, tmp_path, table, f"DELETE FROM {table} WHERE id = ?", (row[0],))
    assert path is not None
    problems = _caught(path)
    if table == "audit":
        assert any("audit" in p for p in problems), problems
    else:
        assert any(f"{table} #{row[0]}" in p for p in problems), problems


def test_a_row_inserted_behind_the_logs_back_is_caught(pristine, tmp_path):
    cols, rows = _rows(pristine, "incidents")
    values = list(rows[0])
    values[0] = 999
    path = _attack(
        pristine,
        tmp_path,
        "incidents",
        f"INSERT INTO incidents VALUES ({','.join('?' * len(cols))})",
        values,
    )
    assert path is not None
    assert any("incidents #999 has no audit entry" in p for p in _caught(path))


def test_the_pristine_desk_checks_clean(pristine):
    res = run_main(["check", "--db", str(pristine)])
    assert res["code"] == 0, res["out"]


def test_an_audit_row_id_edited_into_text_is_caught(pristine, tmp_path):
    """Found by the fuzz above: a row_id of '' made `watchdesk check` fail with a TypeError
    ("unexpected error") instead of reporting the tampering."""
    path = _attack(pristine, tmp_path, "audit", "UPDATE audit SET row_id = ? WHERE id = 2", ("",))
    assert path is not None
    problems = _caught(path)
    assert any("audit entry 2 was altered" in p for p in problems), problems
