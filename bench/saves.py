"""Saves never stall, on a desk whose full-text index is far behind (issue 19).

    python bench/saves.py [--desk /tmp/benchdesk/desk-1y.db] [--saves 2000] [--interval 0.1]
                          [--chunk 100] [--behind PATH | --keep-behind PATH]
                          [--subjects db-thread,own-thread] [--json PATH] [--work DIR]

How a desk gets behind. FTS5 writes each transaction's new index entries as a new segment and
merges segments level by level. Automerge is off (m10: merging inside a save made one save in a
hundred slow), so merging is the maintenance's job: the console's timer (watchdesk/app.py
`_checkpoint`, every CATCH_UP_SECONDS while merging is behind, CHECKPOINT_SECONDS after) and
one step when a command-line store that wrote closes. A bulk load — the bench's generator, an
import, a migration that indexes a table, a desk fed for months by scripts only — leaves levels
holding up to 15 large segments, and a copy or a restore of such a desk carries them along.
m20 keeps FTS5's "crisis merge" out of saves (crisismerge 64) and the maintenance merges in
steps of ~12 ms (`Store.merge_step`); each step also checkpoints the WAL (`Store.checkpoint_wal`,
PASSIVE). What is measured here is where that maintenance runs, and what a save waits for.

1. The desk is copied into a scratch folder (the original is never written) and its full-text
   tables are put far behind the way a bulk load does it: every row deleted and inserted again,
   `--chunk` rows a transaction, with crisismerge 16 as before m20 (`--behind PATH`: a desk put
   behind by an earlier run with `--keep-behind PATH`, only copied).
2. One copy per subject, each opened by a `DeskClient` as the console opens it (its DB thread,
   no inline WAL checkpoint), with the console's maintenance timer beside it in a thread of its
   own. The subjects (`--subjects`, default db-thread,own-thread; `name:N` for merge slices of
   N pages) differ in where a maintenance step runs:
   - `db-thread` (session 6): `Store.checkpoint()` — merge step, then WAL checkpoint — as a job
     on the DB thread, in line with the saves and reads;
   - `merge-on-db-thread`: the merge step on the DB thread, the WAL checkpoint on the
     maintenance connection;
   - `own-thread` (the console now): both on the maintenance thread's own connection
     (`DeskClient.maintain_now`, what `DeskClient.maintain` runs).
3. Saves: `store.incidents.add` (one transaction, synchronous=FULL) submitted to each subject's
   DB thread in turn from the bench's main thread, as the UI does, waiting for the result; then
   the baseline, a plain INSERT + COMMIT into a one-table file beside them. A round every
   `--interval` seconds (or at once when the previous one took longer).
4. Reported per save: wall (submit to result: what the officer waits), `queued` (submit until the
   DB thread starts it: waiting in line behind a maintenance step), `lock` (its BEGIN IMMEDIATE:
   waiting for another connection's write lock, i.e. the maintenance connection's merge step),
   `commit` (its COMMIT: the WAL write and fsync, disk time), the DB thread's CPU time and the
   rows it wrote. "Held by maintenance" = queued + lock: the part of a save's time the
   maintenance caused (the rest is the save's own work and the disk, on a machine shared with
   others). Maintenance: steps, merge and checkpoint times, the largest WAL. Load average at the
   start and the end.

Target (issue 19): no save over 50 ms; a save held by maintenance for one step at most.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from desks import desk_clock
from saving import PlainSaves, console_store_kwargs, incident_facts, pct

from watchdesk.app import CATCH_UP_SECONDS, CHECKPOINT_SECONDS
from watchdesk.client import DeskClient
from watchdesk.store.desk import FTS_TABLES, MERGE_SLICE_PAGES, Store
from watchdesk.store.search import fts_levels

TARGET_MS = 50.0
SUBJECTS = ("db-thread", "merge-on-db-thread", "own-thread")


def put_behind(path: Path, chunk: int, log=print) -> dict:
    """Migrates the desk to this code's schema (the migrations rebuild full-text tables), then
    re-inserts every full-text row, `chunk` rows a transaction, with FTS5 as it was before
    m20 (automerge off, crisismerge 16): the structure a bulk load leaves. The desk's own
    settings (m20's crisismerge 64) are put back afterwards."""
    t0 = time.perf_counter()
    Store.open(path, actor="bench").close()
    log(f"  migrated in {time.perf_counter() - t0:.0f} s")
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = OFF")
    t0 = time.perf_counter()
    for table in FTS_TABLES:
        if not db.execute("SELECT 1 FROM sqlite_master WHERE name = ?", [table]).fetchone():
            continue
        own = dict(db.execute(f"SELECT k, v FROM {table}_config WHERE k LIKE '%merge'"))
        db.execute(f"INSERT INTO {table}({table}, rank) VALUES('automerge', 0)")
        db.execute(f"INSERT INTO {table}({table}, rank) VALUES('crisismerge', 16)")
        cols = ", ".join(["rowid"] + [r[1] for r in db.execute(f"PRAGMA table_info({table})")])
        marks = ", ".join("?" * (cols.count(",") + 1))
        rows = db.execute(f"SELECT {cols} FROM {table} ORDER BY rowid").fetchall()
        db.execute(f"DELETE FROM {table}")
        db.execute(f"INSERT INTO {table}({table}) VALUES('optimize')")  # empty: one pass
        for i in range(0, len(rows), chunk):
            db.execute("BEGIN")
            db.executemany(f"INSERT INTO {table}({cols}) VALUES ({marks})", rows[i : i + chunk])
            db.execute("COMMIT")
        for k, v in own.items():
            db.execute(f"INSERT INTO {table}({table}, rank) VALUES(?, ?)", [k, v])
        log(f"  {table}: {len(rows):,} rows re-inserted, {chunk} a transaction; {own}")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return {"seconds": time.perf_counter() - t0}


def structure(store: Store) -> dict:
    return {t: fts_levels(store.db, t) for t in FTS_TABLES}


class TimedConn:
    """The DB thread's connection, timing its BEGIN IMMEDIATE (a wait for another connection's
    write lock shows here) and its COMMIT (the WAL write and fsync)."""

    def __init__(self, conn: sqlite3.Connection):
        self._conn = conn
        self.lock = 0.0
        self.commit = 0.0

    def execute(self, sql: str, *args: Any) -> sqlite3.Cursor:
        if sql not in ("BEGIN IMMEDIATE", "COMMIT"):
            return self._conn.execute(sql, *args)
        t0 = time.perf_counter()
        try:
            return self._conn.execute(sql, *args)
        finally:
            took = time.perf_counter() - t0
            if sql == "COMMIT":
                self.commit += took
            else:
                self.lock += took

    def __getattr__(self, name: str) -> Any:
        return getattr(self._conn, name)


def _timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    t0 = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t0


class Subject:
    """One copy of the desk, its DB thread, and the console's maintenance timer beside it."""

    def __init__(self, name: str, path: Path, clock: Callable[[], datetime]):
        self.name, self.path = name, path
        # "own-thread:8": merge slices of 8 pages instead of MERGE_SLICE_PAGES
        self.kind, _, pages = name.partition(":")
        self.pages = int(pages) if pages else MERGE_SLICE_PAGES
        self.client = DeskClient(path, **console_store_kwargs(clock))
        self.conn: TimedConn = self.client.call_sync(self._instrument)
        self.saves: list[dict] = []
        self.steps: list[dict] = []
        self.caught_up_at: float | None = None
        self.wal_max = 0
        self._stop = threading.Event()
        self._timer = threading.Thread(target=self._run, name=f"timer-{name}", daemon=True)

    @staticmethod
    def _instrument(s: Store) -> TimedConn:
        timed = TimedConn(s.db.conn)
        s.db.conn = timed  # type: ignore[assignment]
        return timed

    def start(self) -> None:
        self.t0 = time.perf_counter()
        self._timer.start()

    # -- the console's maintenance timer (app._checkpoint), re-armed after each step ----------
    def _run(self) -> None:
        delay = 0.0
        while not self._stop.wait(delay):
            more = self.step()
            if not more and self.caught_up_at is None:
                self.caught_up_at = time.perf_counter() - self.t0
            delay = CATCH_UP_SECONDS if more else CHECKPOINT_SECONDS

    def step(self) -> bool:
        c = self.client
        t0 = time.perf_counter()
        pages = self.pages
        aside = False
        if self.kind == "db-thread":

            def both(s: Store) -> tuple[bool, float, float]:
                more, merge = _timed(lambda: s.merge_step(pages))
                _, ckpt = _timed(s.checkpoint_wal)
                return more, merge, ckpt

            more, merge, ckpt = c.submit(both).result()
        elif self.kind == "merge-on-db-thread":
            more, merge = c.submit(lambda s: _timed(lambda: s.merge_step(pages))).result()
            _, ckpt = _timed(lambda: c.maintain_now(merge=False))
        else:
            if c._upkeep is None:
                c.maintain_now(merge=False)  # opens the maintenance connection
            up = c._upkeep  # maintain_now's two calls, timed one by one
            assert up is not None
            n = up._asides_in_a_row
            more, merge = _timed(lambda: up.merge_step(pages))
            aside = up._asides_in_a_row > n  # stepped aside for a save
            _, ckpt = _timed(up.checkpoint_wal)
        try:
            self.wal_max = max(self.wal_max, os.stat(str(self.path) + "-wal").st_size)
        except OSError:
            pass
        self.steps.append(
            {
                "at": t0 - self.t0,
                "wall": time.perf_counter() - t0,
                "merge": merge,
                "ckpt": ckpt,
                "aside": aside,
            }
        )
        return bool(more)

    # -- one save, as the UI makes it -------------------------------------------------------
    def save(self, i: int) -> dict:
        conn = self.conn
        started: list[float] = []

        def job(s: Store) -> tuple[float, float, float, int]:
            started.append(time.perf_counter())
            conn.lock = conn.commit = 0.0
            c0, r0 = time.thread_time(), conn.total_changes
            s.incidents.add(incident_facts(s.now(), i, numbered=True))
            return conn.lock, conn.commit, time.thread_time() - c0, conn.total_changes - r0

        t0 = time.perf_counter()
        lock, commit, cpu, rows = self.client.submit(job).result()
        wall = time.perf_counter() - t0
        queued = started[0] - t0
        rec = dict(wall=wall, queued=queued, lock=lock, commit=commit, cpu=cpu, rows=rows)
        self.saves.append(rec)
        return rec

    def close(self) -> float:
        """Stops the timer and quits as the console does; how long the quit took."""
        self._stop.set()
        self._timer.join()
        t0 = time.perf_counter()
        self.client.close()
        return time.perf_counter() - t0


def summary(xs: list[dict], steps: list[dict]) -> dict:
    wall = [x["wall"] for x in xs]
    held = [x["queued"] + x["lock"] for x in xs]
    over = [x for x in xs if x["wall"] * 1000 > TARGET_MS]
    out = {
        "n": len(xs),
        "p50": statistics.median(wall),
        "p99": pct(wall, 99),
        "p999": pct(wall, 99.9),
        "max": max(wall),
        "n_over": len(over),
        # of the saves over the target, those the maintenance held for half their time or more,
        # and those whose COMMIT (the disk) took half their time or more
        "over_held": sum(1 for x in over if x["queued"] + x["lock"] >= x["wall"] / 2),
        "over_disk": sum(1 for x in over if x["commit"] >= x["wall"] / 2),
        "held_n": sum(1 for h in held if h > 0.010),  # held more than 10 ms
        "held_p99": pct(held, 99),
        "held_p999": pct(held, 99.9),
        "held_max": max(held),
        "queued_max": max(x["queued"] for x in xs),
        "lock_max": max(x["lock"] for x in xs),
        "commit_p50": statistics.median(x["commit"] for x in xs),
        "commit_p999": pct([x["commit"] for x in xs], 99.9),
        "commit_max": max(x["commit"] for x in xs),
        "cpu_p50": statistics.median(x["cpu"] for x in xs),
        "cpu_p999": pct([x["cpu"] for x in xs], 99.9),
        "cpu_max": max(x["cpu"] for x in xs),
        "rows_p50": statistics.median(x["rows"] for x in xs),
        "rows_max": max(x["rows"] for x in xs),
        "steps": len(steps),
        "steps_aside": sum(1 for s in steps if s["aside"]),
    }
    if steps:
        for k in ("wall", "merge", "ckpt"):
            v = [s[k] for s in steps]
            out[f"step_{k}_p50"] = statistics.median(v)
            out[f"step_{k}_p99"] = pct(v, 99)
            out[f"step_{k}_max"] = max(v)
    return out


def bench(
    src: Path,
    work: Path,
    n: int,
    interval: float,
    chunk: int,
    names: list[str],
    behind: Path | None = None,
    keep_behind: Path | None = None,
    log=print,
) -> dict:
    made: dict = {}
    if behind is None:
        behind = work / "behind.db"
        log(f"copying {src} …")
        shutil.copyfile(src, behind)
        log("putting its full-text index behind …")
        made = put_behind(behind, chunk, log)
        if keep_behind is not None:
            shutil.copyfile(behind, keep_behind)
    paths = {name: work / f"{name}.db" for name in names}
    for k, p in enumerate(paths.values()):
        if made and k == len(paths) - 1:
            behind.rename(p)  # the last subject takes the scratch copy itself: one copy fewer
        else:
            shutil.copyfile(behind, p)
    side = src.with_suffix(".json")
    clock = desk_clock(json.loads(side.read_text())) if side.exists() else lambda: datetime.now(UTC)
    out: dict = {"n": n, "interval": interval, "chunk": chunk, "made": made}
    out["load_start"] = os.getloadavg()
    subjects = [Subject(name, p, clock) for name, p in paths.items()]
    out["structure_before"] = subjects[0].client.call_sync(structure)
    raw = PlainSaves(work / "baseline.db")
    base: list[float] = []
    for s in subjects:
        s.start()
    t_next = time.perf_counter()
    loads = []
    for i in range(n):
        for s in subjects:
            s.save(i)
        base.append(raw.save(i))
        if i % 250 == 249:
            loads.append(os.getloadavg()[0])
            log(
                f"  {i + 1} saves (load {loads[-1]:.1f}): max "
                + ", ".join(
                    f"{s.name} {max(x['wall'] for x in s.saves) * 1000:.0f} ms" for s in subjects
                )
                + f", plain {max(base) * 1000:.0f} ms"
            )
        t_next += interval
        pause = t_next - time.perf_counter()
        if pause > 0:
            time.sleep(pause)
        else:
            t_next = time.perf_counter()
    out["structure_after"] = {
        s.name: s.client.call_sync(structure) for s in subjects if s.name == "own-thread"
    }
    out["quit"] = {s.name: s.close() for s in subjects}
    raw.close()
    out["load_end"] = os.getloadavg()
    out["load_1min_during"] = loads
    out["base"] = {
        "p50": statistics.median(base),
        "p99": pct(base, 99),
        "p999": pct(base, 99.9),
        "max": max(base),
        "n_over": sum(1 for b in base if b * 1000 > TARGET_MS),
    }
    out["subjects"] = {}
    for s in subjects:
        res = summary(s.saves, s.steps)
        res["caught_up_after_s"] = s.caught_up_at
        res["saves_raw"] = [  # wall, queued, lock, commit, CPU (ms), rows
            [round(x[k] * 1000, 1) for k in ("wall", "queued", "lock", "commit", "cpu")]
            + [x["rows"]]
            for x in s.saves
        ]
        res["steps_raw"] = [
            [round(st["at"], 2), round(st["merge"] * 1000, 1), round(st["ckpt"] * 1000, 1)]
            for st in s.steps
        ]
        res["wal_max_bytes"] = s.wal_max
        res["ratio_p50"] = res["p50"] / out["base"]["p50"]
        out["subjects"][s.name] = res
    return out


def _s(x: float | None) -> str:
    return "not yet" if x is None else f"{x:.0f} s"


def report(res: dict) -> str:
    def m(x: float) -> str:
        return f"{x * 1000:.1f}"

    b = res["base"]
    lines = [
        f"load average {res['load_start'][0]:.1f} at the start, "
        f"{res['load_end'][0]:.1f} at the end (1 min; during: "
        f"{', '.join(f'{x:.1f}' for x in res['load_1min_during'])})",
        "| saves | p50 | p99 | p99.9 | max | over 50 ms | of them held / disk | held by "
        "maintenance: saves over 10 ms, p99.9, max | commit p50 / p99.9 / max | CPU p50 / p99.9 / max | "
        "rows p50 / max | steps | merge step p99 / max | WAL checkpoint p99 / max | caught up "
        "after | largest WAL | quit |",
        "|---|" + "---:|" * 15,
    ]
    for name, s in res["subjects"].items():
        lines.append(
            f"| {name} | {m(s['p50'])} | {m(s['p99'])} | {m(s['p999'])} | {m(s['max'])} | "
            f"{s['n_over']} | {s['over_held']} / {s['over_disk']} | {s['held_n']}, "
            f"{m(s['held_p999'])}, {m(s['held_max'])} | {m(s['commit_p50'])} / "
            f"{m(s['commit_p999'])} / {m(s['commit_max'])} | {m(s['cpu_p50'])} / "
            f"{m(s['cpu_p999'])} / {m(s['cpu_max'])} | {s['rows_p50']:.0f} / {s['rows_max']} | "
            f"{s['steps']} ({s['steps_aside']} aside) | {m(s.get('step_merge_p99', 0))} / {m(s.get('step_merge_max', 0))} | "
            f"{m(s.get('step_ckpt_p99', 0))} / {m(s.get('step_ckpt_max', 0))} | "
            f"{_s(s['caught_up_after_s'])} | {s['wal_max_bytes'] / 2**20:.0f} MiB | "
            f"{m(res['quit'][name])} |"
        )
    lines.append(
        f"| plain INSERT+COMMIT | {m(b['p50'])} | {m(b['p99'])} | {m(b['p999'])} | "
        f"{m(b['max'])} | {b['n_over']} |" + " |" * 10
    )
    lines.append("(times in ms)")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--desk", type=Path, default=Path("/tmp/benchdesk/desk-1y.db"))
    p.add_argument("--saves", type=int, default=2000)
    p.add_argument("--interval", type=float, default=0.1, help="seconds from round to round")
    p.add_argument("--chunk", type=int, default=100)
    p.add_argument(
        "--subjects",
        default="db-thread,own-thread",
        help="which, comma-separated; name:N for merge slices of N pages",
    )
    p.add_argument("--behind", type=Path, default=None, help="a desk already put behind")
    p.add_argument("--keep-behind", type=Path, default=None, help="keep the desk put behind")
    p.add_argument("--work", type=Path, default=None, help="scratch folder (default: a temp one)")
    p.add_argument("--json", type=Path, default=None)
    a = p.parse_args(argv)
    names = [x for x in a.subjects.split(",") if x]
    if unknown := {x.partition(":")[0] for x in names} - set(SUBJECTS):
        p.error(f"unknown subjects: {', '.join(sorted(unknown))} (known: {', '.join(SUBJECTS)})")
    if not a.desk.exists():
        p.error(f"no desk at {a.desk}; make it with bench/desks.py")
    with tempfile.TemporaryDirectory(dir=a.work) as tmp:
        res = bench(a.desk, Path(tmp), a.saves, a.interval, a.chunk, names, a.behind, a.keep_behind)
    res["desk"] = str(a.desk)
    print(report(res))
    for when in ("structure_before", "structure_after"):
        print(when, json.dumps(res[when]))
    if a.json:
        a.json.write_text(json.dumps(res, indent=1, ensure_ascii=False, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
