"""Saves never stall, on a desk whose full-text index is far behind (issue 19).

    python bench/saves.py [--desk bench/out/desk-1y.db] [--saves 3000] [--saves-per-step 1]
                          [--chunk 1500] [--json bench/out/saves.json]

How a desk gets behind. FTS5 writes each transaction's new index entries as a new segment and
merges segments level by level. Automerge is off (m10: merging inside a save made one save in a
hundred slow), so merging is the maintenance's job: the console's timer (`Store.checkpoint`,
every second while it reports a backlog) and one step when a command-line store that wrote
closes. A bulk load — the bench's generator, an import, a migration that indexes a table, a
desk fed for months by scripts only — leaves levels holding up to 15 large segments, and a copy
or a restore of such a desk carries them along. FTS5's own safety net is the "crisis merge":
when level 0 reaches `crisismerge` segments (16 by default), the write that adds the last one
merges that level, and every level above that is full too, inside its own transaction. On such a
desk that write was a save, and the merge seconds long (bench/README.md finding 5; issue 19:
"one save in a few hundred stalls for ~2 s").

What this measures:

1. the desk is copied into a scratch folder (the original is never written), and its
   full-text tables (incidents_fts, log_fts) are put far behind the way a bulk load does it:
   every row deleted and inserted again, `--chunk` rows a transaction, as FTS5 was configured
   before m20 (crisismerge 16);
2. two copies of that desk are opened as the console opens them (`autocheckpoint=False`):
   "before", with the maintenance of before m20 (crisismerge 16, 200-page merge steps), and
   "now" (m20's crisismerge, `Store.checkpoint`'s time-bounded steps). Both get `--saves`
   saves (`store.incidents.add`, one transaction each, synchronous=FULL), alternating, and
   the console's maintenance between them: one step every `--saves-per-step` saves while it
   reports a backlog (the console comes back every second then, so 1 means a save a second,
   a flood-night rate), one every 20 saves after;
3. the baseline: a plain INSERT + COMMIT of a similar row in a one-table file beside them;
4. reported: saves p50 / p99 / p99.9 / max (wall time), the saving thread's CPU time (p99.9,
   max: what the save itself did, without the waits of a shared machine for a core or for an
   fsync), the rows each save wrote (a crisis merge writes thousands: the one figure no load
   can blur), the maintenance steps (count, longest: a save made while a step runs waits for
   it), and the full-text structure before and after.

Target (issue 19): no save over 50 ms, and no maintenance step either.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from desks import desk_clock

from watchdesk.models.incident import IncidentFacts
from watchdesk.store.desk import FTS_TABLES, Store
from watchdesk.store.search import fts_levels

TARGET_MS = 50.0


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    k = max(0, min(len(values) - 1, int(round(p / 100 * (len(values) - 1)))))
    return values[k]


def put_behind(path: Path, chunk: int, log=print) -> dict:
    """Re-insert every full-text row, `chunk` rows a transaction, with FTS5 as it was before
    m20 (automerge off, crisismerge 16): the structure a bulk load leaves."""
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = OFF")
    t0 = time.perf_counter()
    for table in FTS_TABLES:
        if not db.execute("SELECT 1 FROM sqlite_master WHERE name = ?", [table]).fetchone():
            continue
        db.execute(f"INSERT INTO {table}({table}, rank) VALUES('automerge', 0)")
        db.execute(f"INSERT INTO {table}({table}, rank) VALUES('crisismerge', 16)")
        rows = db.execute(f"SELECT rowid, uni, bi FROM {table} ORDER BY rowid").fetchall()
        db.execute(f"DELETE FROM {table}")
        db.execute(f"INSERT INTO {table}({table}) VALUES('optimize')")  # empty: one pass
        for i in range(0, len(rows), chunk):
            db.execute("BEGIN")
            db.executemany(
                f"INSERT INTO {table}(rowid, uni, bi) VALUES (?,?,?)", rows[i : i + chunk]
            )
            db.execute("COMMIT")
        log(f"  {table}: {len(rows):,} rows re-inserted, {chunk} a transaction")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return {"seconds": time.perf_counter() - t0}


def structure(store: Store) -> dict:
    return {t: fts_levels(store.db, t) for t in FTS_TABLES}


def _before_m20(store: Store) -> None:
    """The FTS5 configuration and maintenance step of before m20, for the "before" subject."""
    with store.write():
        for table in FTS_TABLES:
            store.db.execute(f"INSERT INTO {table}({table}, rank) VALUES('crisismerge', 16)")


def _old_step(store: Store) -> bool:
    """Store.checkpoint() as it was before m20: 200 pages of merging per table, then a PASSIVE
    WAL checkpoint; True when the merge did work."""
    worked = False
    with store.write():
        for table in ("incidents_fts", "log_fts"):
            before = store.db.conn.total_changes
            store.db.execute(f"INSERT INTO {table}({table}, rank) VALUES('merge', 200)")
            worked = worked or store.db.conn.total_changes - before >= 2
    store.db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
    return worked


def bench(
    src: Path,
    work: Path,
    n: int,
    saves_per_step: int,
    chunk: int,
    in_place: bool = False,
    log=print,
) -> dict:
    if in_place:  # a scratch desk that is behind already (a copy of the generated ten-year one)
        made: dict = {"in_place": True}
        paths = {"now": src}
    else:
        behind = work / "behind.db"
        log(f"copying {src} …")
        shutil.copyfile(src, behind)
        log("putting its full-text index behind …")
        made = put_behind(behind, chunk, log)
        paths = {"before": work / "before.db", "now": work / "now.db"}
        for p in paths.values():
            shutil.copyfile(behind, p)
        behind.unlink()
    side = src.with_suffix(".json")
    clock = desk_clock(json.loads(side.read_text())) if side.exists() else lambda: datetime.now(UTC)
    stores = {
        name: Store.open(p, actor="bench", clock=clock, autocheckpoint=False)
        for name, p in paths.items()
    }
    if "before" in stores:
        _before_m20(stores["before"])
    steps = {"before": _old_step, "now": lambda s: s.checkpoint()}
    out: dict = {"n": n, "saves_per_step": saves_per_step, "chunk": chunk, "made": made}
    out["structure_before"] = structure(stores["now"])
    raw_path = work / "baseline.db"
    raw = sqlite3.connect(raw_path, isolation_level=None)
    raw.execute("PRAGMA journal_mode = WAL")
    raw.execute("PRAGMA synchronous = FULL")
    raw.execute(
        "CREATE TABLE t (id INTEGER PRIMARY KEY, received_at TEXT, place TEXT, "
        "category TEXT, description TEXT, dead INTEGER)"
    )
    times: dict[str, list[float]] = {name: [] for name in stores}
    step_times: dict[str, list[float]] = {name: [] for name in stores}
    cpu: dict[str, list[float]] = {name: [] for name in stores}  # the saving thread's CPU time
    step_cpu: dict[str, list[float]] = {name: [] for name in stores}
    rows: dict[str, list[int]] = {name: [] for name in stores}  # rows each save wrote
    behind_until: dict[str, int | None] = {name: None for name in stores}
    more = {name: True for name in stores}
    since_step = {name: 0 for name in stores}
    base: list[float] = []
    for i in range(n):
        for name, store in stores.items():
            now = store.now()
            facts = IncidentFacts(
                received_at=now - timedelta(seconds=30),
                place="城关镇东街",
                category="accident",
                subtype="fire",
                dead=i % 12,
                injured=3,
                description=f"居民楼起火，{i % 5}人被困，消防已到场（第{i}次）",
                sensitive=i % 7 == 0,
            )
            c0, r0 = time.thread_time(), store.db.conn.total_changes
            t0 = time.perf_counter()
            store.incidents.add(facts)
            times[name].append(time.perf_counter() - t0)
            cpu[name].append(time.thread_time() - c0)
            rows[name].append(store.db.conn.total_changes - r0)
            # The console's timer: every second while merging is behind, every 20 s after.
            since_step[name] += 1
            if since_step[name] >= (saves_per_step if more[name] else 20):
                since_step[name] = 0
                t0, c0 = time.perf_counter(), time.thread_time()
                more[name] = bool(steps[name](store))
                step_times[name].append(time.perf_counter() - t0)
                step_cpu[name].append(time.thread_time() - c0)
                if not more[name] and behind_until[name] is None:
                    behind_until[name] = i + 1
        t0 = time.perf_counter()
        raw.execute("BEGIN IMMEDIATE")
        raw.execute(
            "INSERT INTO t (received_at, place, category, description, dead) VALUES (?,?,?,?,?)",
            [datetime.now(UTC).isoformat(), "城关镇东街", "accident", "居民楼起火", i],
        )
        raw.execute("COMMIT")
        base.append(time.perf_counter() - t0)
        if i % 500 == 499:
            log(
                f"  {i + 1} saves: max "
                + ", ".join(f"{k} {max(v) * 1000:.0f} ms" for k, v in times.items())
            )
    out["structure_after"] = structure(stores["now"])
    for store in stores.values():
        store.close()
    raw.close()
    out["base_p50"] = statistics.median(base)
    out["base_max"] = max(base)
    out["subjects"] = {}
    for name, xs in times.items():
        st = step_times[name]
        slow = [
            (k, round(x * 1000), round(cpu[name][k] * 1000), rows[name][k])
            for k, x in enumerate(xs)
            if x * 1000 > TARGET_MS or cpu[name][k] * 1000 > TARGET_MS
        ]
        out["subjects"][name] = {
            "p50": statistics.median(xs),
            "p99": pct(xs, 99),
            "p999": pct(xs, 99.9),
            "max": max(xs),
            "cpu_p999": pct(cpu[name], 99.9),
            "cpu_max": max(cpu[name]),
            "rows_p50": statistics.median(rows[name]),
            "rows_max": max(rows[name]),
            "over_target": slow[:20],
            "n_over_target": len(slow),
            "ratio_p50": statistics.median(xs) / out["base_p50"],
            "steps": len(st),
            "step_max": max(st) if st else 0.0,
            "step_p99": pct(st, 99) if st else 0.0,
            "step_cpu_max": max(step_cpu[name]) if st else 0.0,
            "caught_up_after_saves": behind_until[name],
        }
    return out


def report(res: dict) -> str:
    lines = []
    for name, s in res["subjects"].items():
        lines.append(
            f"- {name}: saves p50 {s['p50'] * 1000:.1f} ms ({s['ratio_p50']:.2f}x plain), "
            f"p99 {s['p99'] * 1000:.1f} ms, p99.9 {s['p999'] * 1000:.1f} ms, "
            f"max {s['max'] * 1000:.1f} ms; CPU p99.9 {s['cpu_p999'] * 1000:.1f} ms, "
            f"max {s['cpu_max'] * 1000:.1f} ms; rows written p50 {s['rows_p50']:.0f}, "
            f"max {s['rows_max']}; {s['n_over_target']} over {TARGET_MS:.0f} ms "
            f"(wall or CPU; save #, wall ms, CPU ms, rows: {s['over_target'][:6]}); "
            f"maintenance {s['steps']} steps, longest {s['step_max'] * 1000:.1f} ms "
            f"(p99 {s['step_p99'] * 1000:.1f} ms, CPU max {s['step_cpu_max'] * 1000:.1f} ms); "
            f"a step first found nothing to merge after {s['caught_up_after_saves']} saves"
        )
    lines.append(
        f"- plain INSERT+COMMIT: p50 {res['base_p50'] * 1000:.2f} ms, "
        f"max {res['base_max'] * 1000:.1f} ms"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--desk", type=Path, default=HERE / "out" / "desk-1y.db")
    p.add_argument("--saves", type=int, default=3000)
    p.add_argument("--saves-per-step", type=int, default=1)
    p.add_argument("--chunk", type=int, default=1500)
    p.add_argument("--work", type=Path, default=None, help="scratch folder (default: a temp one)")
    p.add_argument("--json", type=Path, default=None)
    p.add_argument(
        "--in-place",
        action="store_true",
        help="save into --desk itself (a scratch copy already behind), the 'now' subject only",
    )
    a = p.parse_args(argv)
    if not a.desk.exists():
        p.error(f"no desk at {a.desk}; make it with bench/desks.py")
    with tempfile.TemporaryDirectory(dir=a.work) as tmp:
        res = bench(a.desk, Path(tmp), a.saves, a.saves_per_step, a.chunk, a.in_place)
    res["desk"] = str(a.desk)
    print(report(res))
    for when in ("structure_before", "structure_after"):
        print(when, json.dumps(res[when]))
    if a.json:
        a.json.write_text(json.dumps(res, indent=1, ensure_ascii=False, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
