"""Child processes for the reliability tests: writers that acknowledge each save, a lock holder,
and a way to run a function in a forked child (optionally as an unprivileged user) with a hard
time limit, so nothing here can hang CI.

Children are forked after the imports (multiprocessing's 'fork' context), which keeps them cheap.
A parent must hold no open SQLite connection to the desk when it forks: SQLite's per-process
lock bookkeeping must not be copied into a child.
"""

from __future__ import annotations

import contextlib
import io
import json
import multiprocessing
import os
import pickle
import random
import select
import signal
import sqlite3
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from watchdesk.models.dutylog import LogEntry, LogKind
from watchdesk.models.incident import IncidentFacts, ReportKind
from watchdesk.store.desk import Store

FORK = multiprocessing.get_context("fork")
NOBODY = 65534
KINDS = ("incident", "report", "figures", "log")


# -- one write of each kind, identified by a unique token ---------------------------------------
def write_one(store: Store, kind: str, token: str, rnd: random.Random) -> None:
    now = datetime.now(UTC)
    if kind == "incident":
        store.incidents.add(
            IncidentFacts(
                received_at=now,
                place=rnd.choice(["城关镇东街", "高新区纬二路", "北环高速K12"]),
                category="accident",
                subtype=rnd.choice(["fire", "road_traffic", "construction"]),
                description=f"{token} 现场有人员受伤",
                injured=rnd.randint(0, 5),
            )
        )
        return
    row = store.db.execute(
        "SELECT id FROM incidents WHERE status = 'open' ORDER BY random() LIMIT 1"
    ).fetchone()
    if kind == "report":
        store.incidents.record_report(
            row[0], ReportKind.followup, to_whom="市应急局总值班室", content=token
        )
    elif kind == "figures":
        store.figures.update(
            row[0], {"injured": rnd.randint(0, 9), "dead": rnd.randint(0, 3)}, source=token
        )
    elif kind == "log":
        store.dutylog.add(
            LogEntry(
                at=now,
                kind=LogKind.call_in,
                counterpart="县应急局",
                content=token,
                incident_id=rnd.choice([None, row[0]]),
            )
        )
    else:  # pragma: no cover
        raise ValueError(kind)


TOKEN_QUERIES = {
    "incident": "SELECT count(*) FROM incidents WHERE description LIKE ? || ' %'",
    "report": "SELECT count(*) FROM reports WHERE content = ?",
    "figures": "SELECT count(*) FROM figures WHERE source = ?",
    "log": "SELECT count(*) FROM log_entries WHERE content = ?",
}


def present(conn: sqlite3.Connection, kind: str, token: str) -> int:
    return conn.execute(TOKEN_QUERIES[kind], [token]).fetchone()[0]


def seed_desk(path: Path, incidents: int = 3) -> None:
    s = Store.open(path, actor="种子")
    try:
        rnd = random.Random(0)
        for i in range(incidents):
            write_one(s, "incident", f"seed{i}", rnd)
    finally:
        s.close()


# -- a writer that acknowledges every save on a pipe -----------------------------------------------
def writer_main(
    db_path: str,
    fd: int,
    seed: int,
    name: str,
    seconds: float | None = None,
    max_writes: int | None = None,
) -> None:
    """Writes a random mix until killed (or for `seconds` / `max_writes`). Before each store call
    it writes `B kind token`, after the call returned (after COMMIT) `A kind token`; a failure is
    `E kind token message`. Lines are shorter than PIPE_BUF, so each write is atomic."""
    rnd = random.Random(seed)
    store = Store.open(db_path, actor=name, migrate=False)
    stop = time.monotonic() + seconds if seconds else None
    i = 0
    while (stop is None or time.monotonic() < stop) and (max_writes is None or i < max_writes):
        kind = rnd.choice(KINDS)
        token = f"{name}-{i}"
        os.write(fd, f"B {kind} {token}\n".encode())
        t0 = time.monotonic()
        try:
            write_one(store, kind, token, rnd)
        except Exception as e:  # reported, never swallowed
            msg = " ".join(f"{type(e).__name__}: {e}".split())[:300]
            os.write(fd, f"E {kind} {token} {msg}\n".encode())
        else:
            os.write(fd, f"A {kind} {token} {time.monotonic() - t0:.4f}\n".encode())
        i += 1
    store.close()


@dataclass
class Acks:
    acked: list[tuple[str, str]] = field(default_factory=list)
    begun: dict[str, str] = field(default_factory=dict)  # token -> kind, not yet acknowledged
    errors: list[str] = field(default_factory=list)
    waits: list[float] = field(default_factory=list)
    _buf: bytes = b""

    def feed(self, data: bytes) -> None:
        self._buf += data
        *lines, self._buf = self._buf.split(b"\n")
        for line in lines:
            parts = line.decode().split(" ", 3)
            tag, kind, token = parts[0], parts[1], parts[2]
            if tag == "B":
                self.begun[token] = kind
            elif tag == "A":
                self.begun.pop(token, None)
                self.acked.append((kind, token))
                self.waits.append(float(parts[3]))
            elif tag == "E":
                self.begun.pop(token, None)
                self.errors.append(f"{kind} {token}: {parts[3] if len(parts) > 3 else ''}")


def read_until(
    fd: int,
    acks: Acks,
    *,
    count: int | None = None,
    seconds: float | None = None,
    limit: float = 30.0,
) -> bool:
    """Read acknowledgements until `count` are in, or `seconds` pass, or EOF; never past
    `limit`. Returns False at EOF."""
    start = time.monotonic()
    end = start + min(seconds if seconds is not None else limit, limit)
    while count is None or len(acks.acked) < count:
        left = end - time.monotonic()
        if left <= 0:
            if seconds is None:
                raise TimeoutError(f"no acknowledgement within {limit} s")
            return True
        r, _, _ = select.select([fd], [], [], left)
        if not r:
            continue
        data = os.read(fd, 65536)
        if not data:
            return False
        acks.feed(data)
    return True


def drain(fd: int, acks: Acks, limit: float = 30.0) -> None:
    while read_until(fd, acks, seconds=limit, limit=limit):
        pass


# -- run a function in a forked child, with a time limit -------------------------------------------
class ChildFailed(AssertionError):
    pass


def in_child(
    fn: Callable[..., Any],
    *args: Any,
    timeout: float = 60.0,
    as_nobody: bool = False,
    setup: Callable[[], None] | None = None,
    **kwargs: Any,
) -> Any:
    """Run fn(*args, **kwargs) in a forked child and return its (picklable) result. `setup` runs
    first (as root, e.g. to warm up imports), then privileges are dropped if `as_nobody`. An
    exception in the child is re-raised here with its traceback text; a child that outlives
    `timeout` is killed and the test fails instead of hanging."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        code = 0
        try:
            os.close(r)
            if setup:
                setup()
            if as_nobody:
                drop_privileges()
            payload = pickle.dumps(("ok", fn(*args, **kwargs)))
        except BaseException:
            payload = pickle.dumps(("err", traceback.format_exc()))
            code = 1
        with contextlib.suppress(BaseException):
            view = memoryview(payload)
            while view:
                n = os.write(w, view)
                view = view[n:]
            os.close(w)
        os._exit(code)
    os.close(w)
    chunks: list[bytes] = []
    deadline = time.monotonic() + timeout
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                os.kill(pid, signal.SIGKILL)
                raise ChildFailed(f"child did not finish within {timeout} s")
            ready, _, _ = select.select([r], [], [], left)
            if ready:
                data = os.read(r, 1 << 16)
                if not data:
                    break
                chunks.append(data)
    finally:
        os.close(r)
        os.waitpid(pid, 0)
    if not chunks:
        raise ChildFailed("child died without a result")
    status, value = pickle.loads(b"".join(chunks))
    if status == "err":
        raise ChildFailed(f"in the child:\n{value}")
    return value


def drop_privileges(uid: int = NOBODY) -> None:
    os.setgroups([])
    os.setgid(uid)
    os.setuid(uid)


def is_root() -> bool:
    return os.geteuid() == 0


# -- the CLI, in-process (in a child), capturing what a user would see -----------------------------
class Terminal(io.StringIO):
    """Typed answers on a stdin that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def run_main(argv: list[str], stdin: str | io.StringIO | None = None) -> dict:
    """main(argv) with stdout/stderr captured; returns code, out, err."""
    from watchdesk.cli import main

    out, err = io.StringIO(), io.StringIO()
    old_in = sys.stdin
    if stdin is not None:
        sys.stdin = io.StringIO(stdin) if isinstance(stdin, str) else stdin
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(argv)
    finally:
        sys.stdin = old_in
    return {"code": code, "out": out.getvalue(), "err": err.getvalue()}


def one_line_error(res: dict) -> str:
    """The user-facing failure: exactly one line on stderr, no traceback."""
    err = res["err"]
    assert "Traceback" not in err, err
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith("watchdesk: "), err
    assert "unexpected error" not in lines[0], err
    assert "database is locked" not in lines[0], err
    return lines[0]


def incident_json() -> str:
    return json.dumps(
        {
            "place": "城关镇东街",
            "category": "火灾",
            "description": "商铺起火，一人受伤",
            "injured": 1,
        },
        ensure_ascii=False,
    )
