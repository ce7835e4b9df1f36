"""Several writers on one desk: no write lost, no "database is locked" for a user; a writer that
cannot get the lock within the bound gets the clear DeskBusy message, quickly."""

from __future__ import annotations

import json
import os
import select
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.reliability._workers import (
    FORK,
    Acks,
    drain,
    in_child,
    incident_json,
    one_line_error,
    present,
    run_main,
    seed_desk,
    writer_main,
)
from watchdesk.store import db as dbmod
from watchdesk.store.audit import verify
from watchdesk.store.db import WRITE_RETRY_SECONDS, DeskBusy, connect, write_txn
from watchdesk.store.desk import Store

WRITERS = 4
WRITES = 80  # each; tight loops, the worst case for the lock


def test_four_writers_lose_nothing_and_never_see_locked(tmp_path):
    db = tmp_path / "desk.db"
    seed_desk(db)
    pipes, procs = [], []
    for n in range(WRITERS):
        r, w = os.pipe()
        p = FORK.Process(
            target=writer_main, args=(str(db), w, n, f"w{n}"), kwargs={"max_writes": WRITES}
        )
        p.start()
        os.close(w)
        pipes.append(r)
        procs.append(p)
    all_acks = []
    for r, p in zip(pipes, procs):
        acks = Acks()
        drain(r, acks, limit=120)
        os.close(r)
        p.join(10)
        assert p.exitcode == 0
        assert not acks.errors, acks.errors[:5]  # no DeskBusy, no "locked", nothing at all
        assert not acks.begun
        all_acks.append(acks)
    d = connect(db, create=False)
    try:
        res = verify(d)
        assert res.ok, res.problems[:5]
        for acks in all_acks:
            assert len(acks.acked) == WRITES
            for kind, token in acks.acked:
                assert present(d.conn, kind, token) == 1, (kind, token)
    finally:
        d.close()
    waits = sorted(w for a in all_acks for w in a.waits)
    print(
        f"{len(waits)} saves by {WRITERS} writers at once; "
        f"p50 {waits[len(waits) // 2] * 1000:.0f} ms, max {waits[-1] * 1000:.0f} ms"
    )
    assert waits[-1] < WRITE_RETRY_SECONDS


def test_four_processes_opening_a_desk_that_needs_migrating(tmp_path):
    """Found by this suite: two consoles (or `textual serve` tabs) opening a new or upgraded desk
    at once raced in the migrations ("database is locked", "table meta already exists")."""

    def open_it(path: str) -> str:
        try:
            Store.open(path).close()
            return "ok"
        except Exception as e:
            return f"{type(e).__name__}: {e}"

    for trial in range(10):
        path = str(tmp_path / f"new{trial}.db")
        procs, pipes = [], []
        for _ in range(4):
            r, w = os.pipe()

            def child(w=w, path=path):
                os.write(w, open_it(path).encode())

            p = FORK.Process(target=child)
            p.start()
            os.close(w)
            procs.append(p)
            pipes.append(r)
        results = []
        for r, p in zip(pipes, procs):
            p.join(30)
            results.append(os.read(r, 4096).decode())
            os.close(r)
        assert results == ["ok"] * 4, results


def _hold_lock(db: str, w: int, release: int) -> None:
    """Take the write lock and keep it until the parent writes a byte to `release`."""
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    os.write(w, b"held\n")
    os.read(release, 1)
    conn.execute("ROLLBACK")
    conn.close()


class Holder:
    """A process holding the desk's write lock until released (or killed)."""

    def __init__(self, db: Path):
        self.r, w = os.pipe()
        self.release_r, self.release_w = os.pipe()
        self.p = FORK.Process(target=_hold_lock, args=(str(db), w, self.release_r))
        self.p.start()
        os.close(w)
        assert read_until_line(self.r) == b"held"

    def release(self) -> None:
        os.write(self.release_w, b"x")
        self.p.join(10)
        if self.p.exitcode is None:
            os.kill(self.p.pid, signal.SIGKILL)
            self.p.join(5)
        for fd in (self.r, self.release_r, self.release_w):
            os.close(fd)


def read_until_line(fd: int, timeout: float = 10.0) -> bytes:
    ready, _, _ = select.select([fd], [], [], timeout)
    assert ready, "the lock holder did not start"
    return os.read(fd, 64).strip()


def test_the_retry_bound_gives_a_clear_deskbusy_quickly(tmp_path):
    db = tmp_path / "desk.db"
    seed_desk(db)
    holder = Holder(db)
    try:
        d = connect(db, create=False)
        d.execute("PRAGMA busy_timeout = 100")
        t0 = time.monotonic()
        with pytest.raises(DeskBusy) as e, write_txn(d, retry_seconds=0.5):
            d.execute("INSERT INTO meta (key, value) VALUES ('x', 'y')")
        elapsed = time.monotonic() - t0
        assert 0.5 <= elapsed < 5.0, elapsed  # the bound, not a hang (slack for a busy CI)
        assert "locked" not in str(e.value) and "nothing was saved" in str(e.value)
        d.close()
    finally:
        holder.release()
    s = Store.open(db, migrate=False)
    try:
        s.set_meta("after", "ok")  # the lock is gone: the next write goes through
        assert s.get_meta("after") == "ok"
    finally:
        s.close()


def test_the_cli_fails_with_one_clear_line_when_the_lock_is_held_too_long(tmp_path):
    """`watchdesk incident add` against a desk whose write lock another process holds past the
    bound: exit 1, one line, nothing written, the input file untouched. The bound is shortened
    in the child (15 s retry + 5 s busy timeout by default; the next test measures that)."""
    db = tmp_path / "desk.db"
    seed_desk(db)
    inp = tmp_path / "inc.json"
    inp.write_text(incident_json(), encoding="utf-8")
    before = inp.read_bytes()
    holder = Holder(db)

    def short_bound() -> None:
        dbmod.BUSY_TIMEOUT_MS = 200
        dbmod.write_txn.__wrapped__.__kwdefaults__["retry_seconds"] = 1.0

    try:
        t0 = time.monotonic()
        res = in_child(
            run_main,
            ["incident", "add", "--json", str(inp), "--db", str(db)],
            setup=short_bound,
            timeout=30,
        )
        elapsed = time.monotonic() - t0
    finally:
        holder.release()
    assert res["code"] == 1
    line = one_line_error(res)
    assert "busy with another writer" in line and "nothing was saved" in line
    assert elapsed < 10, elapsed  # 1.2 s of waiting plus a fork; the default would be 15-20 s
    assert inp.read_bytes() == before
    s = Store.open(db, migrate=False)
    try:
        assert s.db.execute("SELECT count(*) FROM incidents").fetchone()[0] == 3
    finally:
        s.close()


def test_the_default_bound_of_the_installed_cli(tmp_path):
    """The real thing, as a user runs it: a held lock makes `python -m watchdesk incident add`
    give up after the retry bound (15 s, plus at most one 5 s busy wait) with the clear line."""
    db = tmp_path / "desk.db"
    seed_desk(db)
    inp = tmp_path / "inc.json"
    inp.write_text(incident_json(), encoding="utf-8")
    holder = Holder(db)
    try:
        t0 = time.monotonic()
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "watchdesk",
                "incident",
                "add",
                "--json",
                str(inp),
                "--db",
                str(db),
            ],
            capture_output=True,
            text=True,
            timeout=WRITE_RETRY_SECONDS + dbmod.BUSY_TIMEOUT_MS / 1000 + 15,
            env={**os.environ, "WATCHDESK_CONFIG": str(tmp_path / "no.toml")},
        )
        elapsed = time.monotonic() - t0
    finally:
        holder.release()
    assert proc.returncode == 1, proc.stderr
    line = one_line_error({"err": proc.stderr})
    assert "busy with another writer" in line
    assert WRITE_RETRY_SECONDS <= elapsed < WRITE_RETRY_SECONDS + dbmod.BUSY_TIMEOUT_MS / 1000 + 10
    print(f"gave up after {elapsed:.1f} s")


def test_four_cli_processes_at_once(tmp_path):
    """Four `watchdesk incident add` processes at a time, two rounds: every one succeeds."""
    db = tmp_path / "desk.db"
    seed_desk(db)
    env = {**os.environ, "WATCHDESK_CONFIG": str(tmp_path / "no.toml")}
    ids = []
    for _ in range(2):
        procs = [
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "watchdesk",
                    "incident",
                    "add",
                    "--json",
                    "-",
                    "--db",
                    str(db),
                ],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env=env,
            )
            for _ in range(4)
        ]
        for p in procs:
            out, err = p.communicate(incident_json(), timeout=60)
            assert p.returncode == 0 and "locked" not in err, err
            ids.append(json.loads(out)["id"])
    assert len(set(ids)) == 8
    s = Store.open(db, migrate=False)
    try:
        assert s.db.execute("SELECT count(*) FROM incidents").fetchone()[0] == 11
        assert s.check().ok
    finally:
        s.close()
