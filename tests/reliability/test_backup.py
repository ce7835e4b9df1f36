"""Backups: take, name, rotate, verify, restore (also under a live writer and with consoles
open), and the `watchdesk backup` / `watchdesk restore` commands."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.helpers import TZ
from tests.reliability._workers import (
    FORK,
    Acks,
    Terminal,
    drain,
    incident_json,
    one_line_error,
    present,
    read_until,
    run_main,
    seed_desk,
    writer_main,
)
from tests.reliability.test_writers import Holder
from watchdesk.store import backup as backups
from watchdesk.store.db import DeskBusy
from watchdesk.store.desk import Store

T0 = datetime(2026, 11, 22, 0, 30, tzinfo=UTC)


@pytest.fixture
def desk(tmp_path) -> Path:
    db = tmp_path / "desk.db"
    seed_desk(db)
    return db


def _count(path: Path, table: str = "incidents") -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    finally:
        conn.close()


def test_take_names_protects_and_verifies(desk):
    s = Store.open(desk, migrate=False)
    try:
        b = backups.take(s, reason="handover", now=T0)  # from an open Store, as the app will
    finally:
        s.close()
    assert b.path.parent == desk.parent / "backups" / "desk"
    assert b.path.name == "desk-20261122T003000Z-handover.db"
    assert b.reason == "handover" and b.taken_at == T0
    assert stat.S_IMODE(b.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(b.path.parent.stat().st_mode) == 0o700
    # One self-contained file (rollback journal, no -wal/-shm beside it, no temporary left).
    assert b.path.read_bytes()[18:20] == b"\x01\x01"
    assert sorted(p.name for p in b.path.parent.iterdir()) == [b.path.name]
    res = backups.verify(b.path)
    assert res.ok and res.audit_entries > 0
    assert _count(b.path) == _count(desk) == 3
    again = backups.take(desk, reason="handover", now=T0)  # same second: a second file
    assert again.path.name == "desk-20261122T003000Z-handover-2.db"
    assert [x.path for x in backups.list_backups(desk)] == [again.path, b.path]


def test_take_into_another_folder(desk, tmp_path):
    b = backups.take(desk, directory=tmp_path / "elsewhere", now=T0)
    assert b.path == tmp_path / "elsewhere" / "desk-20261122T003000Z-manual.db"
    assert backups.list_backups(desk) == []
    assert backups.list_backups(desk, tmp_path / "elsewhere")[0].path == b.path


def test_rotation_keeps_the_newest_per_reason(desk):
    for i in range(6):
        backups.take(desk, reason="daily", keep=3, now=T0 + timedelta(days=i))
    backups.take(desk, reason="handover", now=T0)
    daily = backups.list_backups(desk, reason="daily")
    assert [b.taken_at for b in daily] == [T0 + timedelta(days=i) for i in (5, 4, 3)]
    assert len(backups.list_backups(desk, reason="handover")) == 1
    removed = backups.rotate(desk, keep={"daily": 1})
    assert len(removed) == 2 and len(backups.list_backups(desk, reason="daily")) == 1
    assert len(backups.list_backups(desk, reason="handover")) == 1


def test_a_daily_backup_is_due_after_24_hours(desk):
    assert backups.due_daily(desk, now=T0)
    backups.take(desk, reason="daily", now=T0)
    assert not backups.due_daily(desk, now=T0 + timedelta(hours=23, minutes=59))
    assert backups.due_daily(desk, now=T0 + timedelta(hours=24))
    backups.take(desk, reason="handover", now=T0 + timedelta(hours=30))  # other reasons: no
    assert backups.due_daily(desk, now=T0 + timedelta(hours=30))


def test_verify_finds_damage_tampering_and_strangers(desk, tmp_path):
    b = backups.take(desk, now=T0)
    assert backups.verify(b.path).ok
    tampered = tmp_path / "tampered.db"
    tampered.write_bytes(b.path.read_bytes())
    conn = sqlite3.connect(tampered)
    conn.execute("DROP TRIGGER audit_no_update")
    conn.execute("UPDATE audit SET actor = '张三' WHERE id = 2")
    conn.commit()
    conn.close()
    res = backups.verify(tampered)
    assert not res.ok and any("audit entry 2" in p for p in res.problems)
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(os.urandom(8192))
    assert not backups.verify(garbage).ok
    stranger = tmp_path / "stranger.db"
    sqlite3.connect(stranger).execute("CREATE TABLE t (x)").connection.close()
    assert "not a watchdesk desk" in backups.verify(stranger).problems[0]
    assert not backups.verify(tmp_path / "nothing.db").ok


def test_restore_with_a_console_open(desk):
    """The restore writes through the backup API: a Store that has the desk open sees the
    restored content at its next read and keeps working; the desk as it was is kept."""
    b = backups.take(desk, now=T0)
    s = Store.open(desk, migrate=False)
    try:
        s.set_meta("after-backup", "1")
        s.incidents.add(_facts())
        assert _count(desk) == 4
        res = backups.restore(b.path, desk, now=T0 + timedelta(hours=1))
        assert res.check.ok and res.pre_restore is not None and not res.set_aside
        assert s.db.execute("SELECT count(*) FROM incidents").fetchone()[0] == 3
        assert s.get_meta("after-backup") == ""
        s.incidents.add(_facts())  # the open console writes on, the chain still verifies
        assert s.check().ok
    finally:
        s.close()
    assert _count(res.pre_restore.path) == 4  # nothing lost: the replaced desk is kept
    assert backups.verify(res.pre_restore.path).ok


def _facts():
    from watchdesk.models.incident import IncidentFacts

    return IncidentFacts(
        received_at=datetime.now(TZ),
        place="城关镇",
        category="accident",
        subtype="fire",
        description="恢复后新增",
    )


def test_restore_refuses_a_bad_backup_and_changes_nothing(desk, tmp_path):
    bad = tmp_path / "bad.db"
    bad.write_bytes(backups.take(desk, now=T0).path.read_bytes())
    conn = sqlite3.connect(bad)
    conn.execute("UPDATE incidents SET dead = 9 WHERE id = 1")  # edited behind the log's back
    conn.commit()
    conn.close()
    before = desk.read_bytes()
    with pytest.raises(backups.BackupError, match="failed verification.*nothing was changed"):
        backups.restore(bad, desk)
    assert desk.read_bytes() == before
    assert backups.list_backups(desk, reason="pre-restore") == []
    with pytest.raises(backups.BackupError, match="is the desk itself"):
        backups.restore(desk, desk)


def test_restore_while_a_writer_holds_the_lock_gives_up_cleanly(desk, monkeypatch):
    b = backups.take(desk, now=T0)
    assert (
        run_main(["incident", "add", "--json", "-", "--db", str(desk)], stdin=incident_json())[
            "code"
        ]
        == 0
    )
    monkeypatch.setattr(backups, "WRITE_RETRY_SECONDS", 0.5)
    holder = Holder(desk)
    try:
        t0 = time.monotonic()
        with pytest.raises(DeskBusy, match="nothing was changed"):
            backups.restore(b.path, desk)
        assert time.monotonic() - t0 < 10  # 0.5 s bound plus one 1 s busy wait: no hang
    finally:
        holder.release()
    assert _count(desk) == 4  # not restored, not half-restored
    assert backups.verify(desk).ok


def test_a_backup_taken_while_another_process_writes_is_consistent(desk):
    r, w = os.pipe()
    p = FORK.Process(target=writer_main, args=(str(desk), w, 11, "live"), kwargs={"seconds": 3.0})
    p.start()
    os.close(w)
    acks = Acks()
    taken = []
    try:
        for i in range(6):
            read_until(r, acks, count=len(acks.acked) + 15)
            before = list(acks.acked)  # acknowledged before the backup started
            taken.append((backups.take(desk, keep=10, now=T0 + timedelta(minutes=i)), before))
        drain(r, acks)
    finally:
        os.close(r)
        p.join(30)
    assert not acks.errors
    for b, before in taken:
        res = backups.verify(b.path)
        assert res.ok, res.problems[:3]  # a torn copy would break the row-versus-log check
        conn = sqlite3.connect(b.path)
        try:
            assert all(present(conn, k, t) == 1 for k, t in before)
        finally:
            conn.close()


def test_a_damaged_desk_does_not_rotate_good_backups_away(desk):
    good = backups.take(desk, reason="daily", keep=1, now=T0)
    size = desk.stat().st_size
    with open(desk, "r+b") as f:
        f.seek(size // 2)
        f.write(os.urandom(16 * 1024))
    with pytest.raises(backups.BackupError, match="damaged.*left alone"):
        backups.take(desk, reason="daily", keep=1, now=T0 + timedelta(days=1))
    assert [b.path for b in backups.list_backups(desk, reason="daily")] == [good.path]
    assert backups.list_backups(desk, reason="damaged")  # the bad copy is kept, apart


# -- the commands ------------------------------------------------------------------------------
def test_cli_backup_list_restore(desk, capsys):
    # Full copies (`--full`; a plain `backup` records a restore point: tests/store/test_backup_replica.py)
    res = run_main(
        ["backup", "--db", str(desk), "--full", "--reason", "handover", "--verify", "--json"]
    )
    assert res["code"] == 0, res["err"]
    made = json.loads(res["out"])
    assert made["reason"] == "handover" and made["check"]["ok"]
    res = run_main(["backup", "--db", str(desk), "--full"])
    assert res["code"] == 0 and res["out"].startswith("full copy written to ")
    listed = json.loads(run_main(["backup", "--list", "--json", "--db", str(desk)])["out"])
    assert [b["reason"] for b in listed] == ["manual", "handover"]
    text = run_main(["backup", "--list", "--db", str(desk)])["out"].splitlines()
    assert len(text) == 2 and "handover" in text[1]
    assert (
        run_main(["incident", "add", "--json", "-", "--db", str(desk)], stdin=incident_json())[
            "code"
        ]
        == 0
    )
    # Without --yes, and no terminal to ask on: refused, nothing changed.
    res = run_main(["restore", made["path"], "--db", str(desk)], stdin="yes\n")
    assert res["code"] == 2 and "--yes" in one_line_error(res)
    assert _count(desk) == 4
    res = run_main(["restore", made["name"], "--yes", "--db", str(desk)])
    assert res["code"] == 0, res["err"]
    assert "restored" in res["out"] and "pre-restore" in res["out"]
    assert _count(desk) == 3
    res = run_main(["restore", "no-such-backup.db", "--yes", "--db", str(desk)])
    assert res["code"] == 2 and "no restore point or backup called" in one_line_error(res)
    res = run_main(["backup", "--keep", "0", "--db", str(desk)])
    assert res["code"] == 2
    res = run_main(["backup", "--db", str(desk.parent / "none.db")])
    assert res["code"] == 1 and "no desk database" in one_line_error(res)


def test_cli_restore_asks_on_a_terminal(desk):
    """On a terminal, restore asks; anything but yes changes nothing."""
    made = backups.take(desk, now=T0)
    assert (
        run_main(["incident", "add", "--json", "-", "--db", str(desk)], stdin=incident_json())[
            "code"
        ]
        == 0
    )
    argv = ["restore", str(made.path), "--db", str(desk)]
    res = run_main(argv, stdin=Terminal("no\n"))
    assert res["code"] == 1 and "Type yes" in res["err"] and "nothing was changed" in res["err"]
    assert _count(desk) == 4
    res = run_main(argv, stdin=Terminal("yes\n"))
    assert res["code"] == 0, res["err"]
    assert _count(desk) == 3
