"""What the save benchmarks share (bench/lifecycle_bench.py, bench/saves.py): the incident they
save, the desk opened as the console opens it, and the baseline every save is measured against
(a plain INSERT + COMMIT of a similar row, same pragmas, into a one-table file beside them)."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from watchdesk.models.incident import IncidentFacts
from watchdesk.store.desk import Store

Clock = Callable[[], datetime]


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    k = max(0, min(len(values) - 1, int(round(p / 100 * (len(values) - 1)))))
    return values[k]


def incident_facts(now: datetime, i: int, *, numbered: bool = False) -> IncidentFacts:
    """The i-th incident a benchmark saves (a fire in a block of flats, as the intake form
    sends it); `numbered`: its description names i, so no two are the same text."""
    tail = f"（第{i}次）" if numbered else ""
    return IncidentFacts(
        received_at=now - timedelta(seconds=30),
        place="城关镇东街",
        category="accident",
        subtype="fire",
        dead=i % 12,
        injured=3,
        description=f"居民楼起火，{i % 5}人被困，消防已到场{tail}",
        sensitive=i % 7 == 0,
    )


def console_store_kwargs(clock: Clock) -> dict:
    """Store.open's arguments as the console opens its desk: no inline WAL checkpoint (the
    console's maintenance does it, off the save path: client.DeskClient.maintain)."""
    return dict(actor="bench", clock=clock, autocheckpoint=False)


def open_console_store(path: Path, clock: Clock) -> Store:
    return Store.open(path, **console_store_kwargs(clock))


class PlainSaves:
    """The baseline: one plain INSERT + COMMIT (WAL, synchronous=FULL) a call."""

    def __init__(self, path: Path):
        for side in ("", "-wal", "-shm"):
            Path(str(path) + side).unlink(missing_ok=True)
        self.conn = sqlite3.connect(path, isolation_level=None)
        self.conn.execute("PRAGMA journal_mode = WAL")
        self.conn.execute("PRAGMA synchronous = FULL")
        self.conn.execute(
            "CREATE TABLE t (id INTEGER PRIMARY KEY, received_at TEXT, place TEXT, "
            "category TEXT, description TEXT, dead INTEGER)"
        )

    def save(self, i: int) -> float:
        """One save; its wall time in seconds."""
        t0 = time.perf_counter()
        self.conn.execute("BEGIN IMMEDIATE")
        self.conn.execute(
            "INSERT INTO t (received_at, place, category, description, dead) VALUES (?,?,?,?,?)",
            [datetime.now(UTC).isoformat(), "城关镇东街", "accident", "居民楼起火，消防已到场", i],
        )
        self.conn.execute("COMMIT")
        return time.perf_counter() - t0

    def close(self) -> None:
        self.conn.close()
