"""Search with any filter, on a one-year and a ten-year desk (issue 19): p95 per filter, alone
and with words, and how it grows from one year to ten.

    python bench/search.py [--db bench/out/desk-1y.db --db bench/out/desk-10y.db]
                           [--repeat 3] [--json bench/out/search.json]

The desks are only read (opened read-only). They need m20's index (`incidents_filters`): a
desk made before it is refused — measure a copy that has it (`watchdesk check` on a copy
migrates it; or `CREATE INDEX incidents_filters ON incidents(id, received_at, category, grade,
status, area_id)` on the copy).

Each filter (none, last 30 days, a year, each grade, each category, each status, an area when
the desk has areas, and combinations) is searched with no words and with each of the 30 queries
of `lifecycle_bench.QUERIES`, incidents only (`include_log=False`: the grade, category, status
and area filters leave the duty log out anyway). Every search runs `--repeat` times and counts
its fastest run (the machine is shared: the fastest run is the one least disturbed), in wall
time and in the searching thread's CPU time (what the search itself did, without waiting for a
core: the figure to read when the machine is loaded). Per filter: p50, p95 and the slowest query, on each desk; the baseline, measured in the
same run, is the 50 newest incidents by index (`store.incidents.list`), and growth is the
ten-year p95 over the one-year one (flat: close to 1; the data grows 10x).

Target (issue 19): p95 under 20 ms for every filter, flat in history.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from desks import desk_clock
from lifecycle_bench import QUERIES, pct

from watchdesk.store.desk import Store

TARGET_MS = 20.0


def filters(store: Store) -> dict[str, dict]:
    now = store.now()
    out: dict[str, dict] = {
        "none": {},
        "last 30 days": {"since": now - timedelta(days=30)},
        "last year": {"since": now - timedelta(days=365)},
        "a month a year ago": {
            "since": now - timedelta(days=395),
            "until": now - timedelta(days=365),
        },
    }
    for g in ("I", "II", "III", "IV"):
        out[f"grade {g}"] = {"grade": g}
    for c in ("accident", "natural", "public_health", "social_security"):
        out[f"category {c}"] = {"category": c}
    for s in ("open", "closed", "voided"):
        out[f"status {s}"] = {"status": s}
    area = store.db.execute(
        "SELECT area_id FROM incidents WHERE area_id IS NOT NULL"
        " GROUP BY area_id ORDER BY count(*) LIMIT 1"
    ).fetchone()
    if area:
        out["area (smallest)"] = {"area_id": area[0]}
    out["grade I + natural"] = {"grade": "I", "category": "natural"}
    out["public_health + last year"] = {
        "category": "public_health",
        "since": now - timedelta(days=365),
    }
    out["open + accident"] = {"status": "open", "category": "accident"}
    return out


def bench(desks: dict[str, Path], repeat: int) -> dict:
    res: dict = {"repeat": repeat, "queries": len(QUERIES), "desks": {}}
    for name, path in desks.items():
        side = path.with_suffix(".json")
        clock = desk_clock(json.loads(side.read_text())) if side.exists() else None
        kw = {"clock": clock} if clock else {}
        store = Store.open(path, actor="bench", migrate=False, **kw)
        store.search.search(QUERIES[0], category="accident")  # warm up
        base = []
        for _ in range(repeat * 10):
            t0 = time.perf_counter()
            store.incidents.list(limit=50)
            base.append(time.perf_counter() - t0)
        per: dict = {
            "incidents": store.db.execute("SELECT max(id) FROM incidents").fetchone()[0],
            "base_p50": statistics.median(base),
            "filters": {},
        }
        for label, f in filters(store).items():
            for words in ("no words", "with words"):
                qs = [""] if words == "no words" else QUERIES
                times, cpus, hits = [], [], []
                for q in qs:
                    best, best_cpu = float("inf"), float("inf")
                    for _ in range(repeat):
                        t0, c0 = time.perf_counter(), time.thread_time()
                        found = store.search.search(q, include_log=False, **f)
                        best = min(best, time.perf_counter() - t0)
                        best_cpu = min(best_cpu, time.thread_time() - c0)
                    times.append((best, q))
                    cpus.append((best_cpu, q))
                    hits.append(len(found))
                xs = [t for t, _ in times]
                cs = [t for t, _ in cpus]
                per["filters"][f"{label}, {words}"] = {
                    "p50": statistics.median(xs),
                    "p95": pct(xs, 95),
                    "max": max(times),
                    "cpu_p95": pct(cs, 95),
                    "cpu_max": max(cpus),
                    "mean_hits": statistics.mean(hits),
                }
        store.close()
        res["desks"][name] = per
    return res


def table(res: dict) -> str:
    names = list(res["desks"])
    head = "| filter | " + " | ".join(
        f"{n} p50 | {n} p95 | {n} CPU p95 | {n} slowest (CPU)" for n in names
    )
    if len(names) == 2:
        head += f" | growth {names[0]}→{names[1]} (p95) | (CPU p95)"
    lines = [head + " |", "|---" * (1 + 4 * len(names) + 2 * (len(names) == 2)) + "|"]
    first = res["desks"][names[0]]["filters"]
    for key in first:
        cells = [key]
        for n in names:
            f = res["desks"][n]["filters"][key]
            worst_t, worst_q = f["cpu_max"]
            cells += [
                f"{f['p50'] * 1000:.1f} ms",
                f"{f['p95'] * 1000:.1f} ms" + (" **over**" if f["p95"] * 1000 > TARGET_MS else ""),
                f"{f['cpu_p95'] * 1000:.1f} ms"
                + (" **over**" if f["cpu_p95"] * 1000 > TARGET_MS else ""),
                f"{worst_t * 1000:.1f} ms {worst_q}".strip(),
            ]
        if len(names) == 2:
            for k in ("p95", "cpu_p95"):
                a = res["desks"][names[0]]["filters"][key][k]
                b = res["desks"][names[1]]["filters"][key][k]
                cells.append(f"{b / a:.2f}×")
        lines.append("| " + " | ".join(cells) + " |")
    for n in names:
        d = res["desks"][n]
        lines.append(
            f"\nBaseline {n} ({d['incidents']:,} incidents): 50 newest incidents"
            f" {d['base_p50'] * 1000:.2f} ms (p50)."
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--db", action="append", type=Path)
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--json", type=Path, default=None)
    a = p.parse_args(argv)
    dbs = a.db or [HERE / "out" / "desk-1y.db", HERE / "out" / "desk-10y.db"]
    for db in dbs:
        if not db.exists():
            p.error(f"no desk at {db}")
    res = bench({db.stem: db for db in dbs}, a.repeat)
    print(table(res))
    if a.json:
        a.json.write_text(json.dumps(res, indent=1, ensure_ascii=False, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
