"""SIGKILL while the console's maintenance runs on its own thread and connection (issue 19):
saves go through the DB thread (DeskClient), while full-text merge steps and PASSIVE WAL
checkpoints run back to back on the maintenance connection of the same process. Every
acknowledged save must be there afterwards, the file must pass `PRAGMA integrity_check`, the
audit chain must verify, and the full-text index must find every saved incident exactly once.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import threading

from tests.reliability._workers import FORK, KINDS, Acks, drain, present, read_until, write_one
from watchdesk.client import DeskClient
from watchdesk.store.audit import verify
from watchdesk.store.db import connect
from watchdesk.store.desk import Store

KILLS = 60


def console_writer(db_path: str, fd: int, seed: int, name: str) -> None:
    """Acknowledged saves on the DB thread, maintenance steps without pause beside them."""
    rnd = random.Random(seed)
    client = DeskClient(db_path, actor=name, autocheckpoint=False, migrate=False)
    client.call_sync(lambda s: s.data_version())

    def upkeep() -> None:
        while True:
            try:
                client.maintain_now()
            except Exception as e:  # reported, never swallowed
                os.write(fd, f"E upkeep - {type(e).__name__}: {e}\n".encode()[:300])
                return

    threading.Thread(target=upkeep, daemon=True).start()
    i = 0
    while True:
        kind = rnd.choice(KINDS)
        token = f"{name}-{i}"
        os.write(fd, f"B {kind} {token}\n".encode())

        def save(s: Store, kind: str = kind, token: str = token) -> None:
            write_one(s, kind, token, rnd)

        try:
            client.call_sync(save)
        except Exception as e:
            msg = " ".join(f"{type(e).__name__}: {e}".split())[:300]
            os.write(fd, f"E {kind} {token} {msg}\n".encode())
        else:
            os.write(fd, f"A {kind} {token} 0\n".encode())
        i += 1


def test_sigkill_during_saves_and_maintenance_loses_no_acknowledged_save(tmp_path):
    db = tmp_path / "desk.db"
    s = Store.open(db, actor="种子")
    with s.write():  # a backlog for the maintenance to merge while it is killed
        s.db.execute("INSERT INTO incidents_fts(incidents_fts, rank) VALUES('crisismerge', 1999)")
    rnd0 = random.Random(0)
    for k in range(60):
        write_one(s, "incident", f"seed{k}", rnd0)
    with s.write():
        s.db.execute("INSERT INTO incidents_fts(incidents_fts, rank) VALUES('crisismerge', 64)")
    s.close()
    rnd = random.Random(19)
    acked: list[tuple[str, str]] = []
    for round_no in range(KILLS):
        r, w = os.pipe()
        p = FORK.Process(target=console_writer, args=(str(db), w, round_no, f"m{round_no}"))
        p.start()
        os.close(w)
        acks = Acks()
        try:
            read_until(r, acks, count=rnd.randint(1, 6))
            read_until(r, acks, seconds=rnd.uniform(0, 0.02))
            assert p.pid is not None
            os.kill(p.pid, signal.SIGKILL)
            p.join(10)
            assert p.exitcode == -signal.SIGKILL, p.exitcode
            drain(r, acks)
        finally:
            os.close(r)
        assert not acks.errors, acks.errors
        acked += acks.acked
        conn = sqlite3.connect(db)
        try:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            for kind, token in acks.acked:
                assert present(conn, kind, token) == 1, (round_no, kind, token)
        finally:
            conn.close()
    assert len(acked) > KILLS
    d = connect(db, create=False)
    try:
        res = verify(d)
        assert res.ok, (res.integrity, res.problems[:5])
        assert not [(k, t) for k, t in acked if present(d.conn, k, t) != 1]
        d.execute("INSERT INTO incidents_fts(incidents_fts) VALUES('integrity-check')")
        saved = d.execute("SELECT count(*) FROM incidents").fetchone()[0]
        indexed = d.execute("SELECT count(*) FROM incidents_fts").fetchone()[0]
        assert saved == indexed
    finally:
        d.close()
