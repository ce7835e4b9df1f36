"""SIGKILL at random moments: during saves of every kind, and during a restore.

Every save the writer acknowledged (the ack is written only after the store call returned, i.e.
after COMMIT) must be there afterwards, the file must pass `PRAGMA integrity_check`, and the
audit chain must verify. A save that was cut off must be all there or not there at all, which
the audit verification checks row by row.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3

from tests.reliability._workers import (
    FORK,
    Acks,
    drain,
    present,
    read_until,
    seed_desk,
    writer_main,
)
from watchdesk.store import backup as backups
from watchdesk.store.audit import verify
from watchdesk.store.db import connect

KILLS = 200


def _kill_after(fd: int, pid: int, acks: Acks, rnd: random.Random) -> None:
    """Let a random number of saves through, then kill at a random instant (not a
    synchronisation: whatever the timing, the checks below must hold)."""
    read_until(fd, acks, count=len(acks.acked) + rnd.randint(0, 4))
    read_until(fd, acks, seconds=rnd.uniform(0, 0.012))
    os.kill(pid, signal.SIGKILL)


def test_sigkill_during_writes_loses_no_acknowledged_save(tmp_path):
    db = tmp_path / "desk.db"
    seed_desk(db)
    rnd = random.Random(7)
    acked: list[tuple[str, str]] = []
    cut_off = 0  # kills that landed inside a save (begun, not acknowledged)
    for round_no in range(KILLS):
        r, w = os.pipe()
        p = FORK.Process(target=writer_main, args=(str(db), w, round_no, f"k{round_no}"))
        p.start()
        os.close(w)
        acks = Acks()
        try:
            _kill_after(r, p.pid, acks, rnd)
            p.join(10)
            assert p.exitcode == -signal.SIGKILL, p.exitcode
            drain(r, acks)
        finally:
            os.close(r)
        assert not acks.errors, acks.errors
        cut_off += bool(acks.begun)
        acked += acks.acked
        conn = sqlite3.connect(db)  # recovers the WAL the killed writer left
        try:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            for kind, token in acks.acked:
                assert present(conn, kind, token) == 1, (round_no, kind, token)
            for token, kind in acks.begun.items():
                assert present(conn, kind, token) in (0, 1)
        finally:
            conn.close()
        if round_no % 40 == 39:
            _verify_all(db, acked)
    _verify_all(db, acked)
    assert len(acked) > KILLS  # the writers did write
    print(f"{KILLS} kills, {len(acked)} acknowledged saves, {cut_off} kills inside a save")
    assert cut_off >= KILLS // 4, f"only {cut_off} of {KILLS} kills landed inside a save"


def _verify_all(db, acked) -> None:
    d = connect(db, create=False)
    try:
        res = verify(d)
        assert res.ok, (res.integrity, res.problems[:5])
        missing = [(k, t) for k, t in acked if present(d.conn, k, t) != 1]
        assert not missing, missing[:5]
    finally:
        d.close()


def _restorer(db: str, a: str, b: str, fd: int) -> None:
    """Restore a and b in turn for ever, acknowledging each."""
    for i in range(10_000):
        src = (a, b)[i % 2]
        os.write(fd, f"B restore {i}\n".encode())
        backups.restore(src, db)
        os.write(fd, f"A restore {i} 0\n".encode())


def test_sigkill_during_restore_leaves_the_old_desk_or_the_new_one(tmp_path):
    """A restore goes through the backup API in one transaction: killed at any moment, the desk
    is whole and is either the desk before or the backup."""
    db = tmp_path / "desk.db"
    seed_desk(db, incidents=40)
    small = backups.take(db, reason="manual")
    r, w = os.pipe()
    p = FORK.Process(target=writer_main, args=(str(db), w, 1, "grow"), kwargs={"max_writes": 60})
    p.start()
    os.close(w)
    drain(r, Acks())
    os.close(r)
    p.join(30)
    big = backups.take(db, reason="manual")
    counts = set()
    for path in (small.path, big.path):
        c = sqlite3.connect(path)
        counts.add(c.execute("SELECT count(*) FROM audit").fetchone()[0])
        c.close()
    assert len(counts) == 2
    rnd = random.Random(3)
    cut_off = 0
    for round_no in range(25):
        r, w = os.pipe()
        p = FORK.Process(target=_restorer, args=(str(db), str(small.path), str(big.path), w))
        p.start()
        os.close(w)
        acks = Acks()
        try:
            _kill_after(r, p.pid, acks, rnd)
            p.join(10)
            drain(r, acks)
        finally:
            os.close(r)
        d = connect(db, create=False)
        try:
            res = verify(d)
            assert res.ok, (round_no, res.integrity, res.problems[:3])
            assert res.audit_entries in counts
        finally:
            d.close()
        cut_off += bool(acks.begun)
    print(f"25 kills during restores, {cut_off} inside one")
    assert cut_off >= 10, f"only {cut_off} of 25 kills landed inside a restore"
