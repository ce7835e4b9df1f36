"""The desk file as found (issue 13, items 5–8): an empty file, a file that is not a desk, a desk
from a newer watchdesk, control characters on their way in, and a desk that can only be read
(a read-only mount, a full disk). Each is refused or handled with a message naming the file,
and nothing is written half-way."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tests.helpers import facts
from watchdesk.errors import StoreError
from watchdesk.models.base import clean_text
from watchdesk.models.directory import Unit
from watchdesk.models.dutylog import LogEntry
from watchdesk.models.officer import Officer
from watchdesk.store.db import DeskDamaged
from watchdesk.store.desk import Store
from watchdesk.store.stamp import SCHEMA_STAMP

ROOT = Path(__file__).resolve().parents[2]


def _snapshot(path: Path) -> bytes:
    return path.read_bytes()


# -- 5. an empty file, a file that is not a desk --------------------------------------------------
def test_an_empty_file_is_a_desk_only_when_asked_to_make_one(tmp_path):
    path = tmp_path / "desk.db"
    path.touch()
    with pytest.raises(DeskDamaged, match="empty, 0 bytes") as e:
        Store.open(path, create=False)
    assert "watchdesk init" in str(e.value) and "watchdesk restore" in str(e.value)
    assert path.stat().st_size == 0
    s = Store.open(path, create=True)  # what `watchdesk init` does
    try:
        assert s.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_STAMP
    finally:
        s.close()


def test_a_file_that_is_not_a_database_is_refused_naming_both_ways_out(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("值班记录\n" * 200, encoding="utf-8")
    before = _snapshot(path)
    for create in (False, True):
        with pytest.raises(DeskDamaged) as e:
            Store.open(path, create=create)
        text = str(e.value)
        assert str(path) in text and "not a usable desk database" in text
        assert "watchdesk restore" in text and "--db" in text
    assert _snapshot(path) == before


def test_another_programs_database_is_never_made_a_desk(tmp_path):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
    conn.execute("INSERT INTO customers (name) VALUES ('x')")
    conn.commit()
    conn.close()
    before = _snapshot(path)
    for create in (False, True):
        with pytest.raises(StoreError, match="not a watchdesk desk") as e:
            Store.open(path, create=create)
        assert "customers" in str(e.value) and str(path) in str(e.value)
    assert _snapshot(path) == before
    conn = sqlite3.connect(path)
    assert [r[0] for r in conn.execute("SELECT name FROM sqlite_master")] == ["customers"]
    conn.close()


def test_an_empty_database_is_made_a_desk_only_by_init(tmp_path):
    path = tmp_path / "blank.db"
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = WAL")  # writes the header: a database with no tables
    conn.close()
    with pytest.raises(StoreError, match="empty database, not a desk yet"):
        Store.open(path, create=False)
    Store.open(path, create=True).close()
    Store.open(path, create=False).close()


# -- 6. a desk from a newer watchdesk -------------------------------------------------------------
def _desk(path: Path) -> None:
    s = Store.open(path)
    s.close()


def test_a_desk_from_a_newer_watchdesk_is_refused_naming_both_versions(tmp_path):
    path = tmp_path / "desk.db"
    _desk(path)
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_STAMP + 3}")
    conn.commit()
    conn.close()
    before = _snapshot(path)
    for migrate in (True, False):
        with pytest.raises(StoreError) as e:
            Store.open(path, migrate=migrate)
        text = str(e.value)
        assert f"version {SCHEMA_STAMP + 3}" in text and f"up to {SCHEMA_STAMP}" in text
        assert "newer watchdesk" in text and "nothing was changed" in text
    assert _snapshot(path) == before


def test_a_desk_recording_a_migration_this_code_does_not_know_is_refused(tmp_path):
    path = tmp_path / "desk.db"
    _desk(path)
    conn = sqlite3.connect(path)
    conn.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at)"
        " VALUES ('watchdesk', 'm99_from_the_future', '2030-01-01')"
    )
    conn.execute("PRAGMA user_version = 0")  # the stamp lost (an old tool copied the file)
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="m99_from_the_future") as e:
        Store.open(path)
    assert "newer watchdesk" in str(e.value)
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 0  # not restamped
    conn.close()


# -- 7. control characters and bidi overrides -----------------------------------------------------
NASTY = "\x00\x07\x1b[31m\x1b]0;title\x07\u202e\u2066\x9b2J\x7f"


def test_every_kind_of_text_is_cleaned_in_the_models():
    unit = Unit(name=f"县应急{NASTY}管理局", notes=f"第一行\r\n第二行\t{NASTY}完")
    assert unit.name == "县应急管理局"
    assert unit.notes == "第一行\n第二行\t完"  # multi-line text keeps its lines and tabs
    officer = Officer(name="张\x1b[1m三", title="值班\n科长", phone="138\t0000\x000000")
    assert (officer.name, officer.title, officer.phone) == ("张三", "值班 科长", "138 00000000")
    with pytest.raises(ValueError):
        Unit(name="\x00\x1b[0m")  # nothing left: a required name is still required
    assert clean_text("普通文字 plain text") == "普通文字 plain text"


def test_every_audited_write_is_cleaned_whoever_wrote_it(store, clock):
    """Writes that pass no model (a note given straight to the store) are cleaned too."""
    inc = store.incidents.add(facts(clock, description=f"起火{NASTY}"))
    assert "\x1b" not in inc.description and inc.description == "起火"
    with store.write():
        rid = store.auditor.insert("meta", {"key": "k", "value": f"v{NASTY}"})
    raw = store.db.execute("SELECT value FROM meta WHERE id = ?", [rid]).fetchone()[0]
    assert raw == "v"
    assert store.check().ok


def test_a_nul_in_a_unit_name_no_longer_breaks_the_xlsx_export(store, tmp_path):
    from watchdesk.files.directory import export_units

    store.directory.add_unit(Unit(name="公安局\x00", level=1, duty_phone="0731-1234567"))
    # and one already in an old desk, written behind the application's back
    store.db.execute("UPDATE units SET notes = ? WHERE id = 1", ["旧\x00数据\x1b[1m"])
    units = store.directory.units()
    assert units[0].name == "公安局" and units[0].notes == "旧数据"
    assert export_units(units, tmp_path / "units.xlsx") == 1
    assert (tmp_path / "units.xlsx").stat().st_size > 0


def test_a_log_entry_keeps_its_lines():
    entry = LogEntry(at="2026-11-22T06:29:00+00:00", kind="note", content="甲\n乙\x1b[2J")
    assert entry.content == "甲\n乙"


# -- 8. a desk that can only be read --------------------------------------------------------------
def _in_mount_namespace(module: str) -> dict:
    if not shutil.which("unshare") or not shutil.which("mount"):
        pytest.skip("no unshare(1) or mount(8) here")
    scratch = Path(tempfile.mkdtemp(prefix="watchdesk-ro-"))
    try:
        proc = subprocess.run(
            [
                "unshare",
                "-m",
                "--propagation",
                "private",
                sys.executable,
                "-m",
                module,
                str(scratch),
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=180,
        )
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    if proc.returncode != 0 and (
        "Operation not permitted" in proc.stderr or "mount" in proc.stderr
    ):
        pytest.skip(
            f"cannot mount a tmpfs here (needs root or user namespaces): {proc.stderr[-300:]}"
        )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_a_desk_on_a_read_only_mount_or_a_full_disk_is_read_and_refuses_writes():
    """On a tmpfs remounted read-only (root ignores chmod; a read-only mount stops it too) and
    on a full tmpfs: the board reads, every write is refused naming why, nothing changes."""
    res = _in_mount_namespace("tests.store._ro_mount")
    clean = res["clean"]
    assert clean["opened"] and clean["incidents"] == [res["clean_first"]]
    assert "open read-only" in clean["read_only"] and "nothing can be saved" in clean["read_only"]
    assert "read-only" in clean["write_error"] and "nothing was saved" in clean["write_error"]
    assert res["clean_now"]["code"] == 0 and json.loads(res["clean_now"]["out"])["duty"]
    assert "open read-only" in res["clean_now"]["err"]  # said on stderr, JSON unchanged
    assert res["clean_list"]["code"] == 0 and json.loads(res["clean_list"]["out"])
    add = res["clean_add"]
    assert add["code"] == 1 and "nothing was saved" in add["err"] and "Traceback" not in add["err"]
    assert "未保存任何内容" in res["clean_add_zh"]["err"]
    # With the -wal and -shm of an earlier session: its saves in the log are read.
    assert res["copy"]["opened"] and res["copy"]["read_only"] and res["copy"]["write_error"]
    assert res["copy_place"] == "在日志里"
    # A log that cannot be read without writing -shm: refused, never shown without its saves.
    assert not res["no_shm"]["opened"] and "desk.db-wal" in res["no_shm"]["error"]
    assert res["no_shm_now"]["code"] == 1 and "copy the whole folder" in res["no_shm_now"]["err"]
    assert res["unchanged"]
    assert "clean/desk.db-shm" not in res["files"]
    # A full disk: read, writes refused naming the full disk; with space again, writable.
    full = res["full"]
    assert full["opened"] and "disk is full" in full["read_only"] and full["write_error"]
    assert res["full_now"]["code"] == 0
    assert res["full_add"]["code"] == 1 and "disk is full" in res["full_add"]["err"]
    after = res["full_after"]
    assert after["opened"] and after["read_only"] is None and after["write_error"] is None
