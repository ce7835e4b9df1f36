"""Search with any filter, on a one-year and a ten-year desk (issue 19): p95 per filter, alone
and with words, and how it grows from one year to ten.

    python bench/search.py [--db bench/out/desk-1y.db --db bench/out/desk-10y.db]
                           [--repeat 3] [--json bench/out/search.json] [--other OLD.py]
                           [--only-words]

The desks are not migrated (`migrate=False`). This version of the search needs m21 (the
`tag` column of `incidents_fts`): measure a copy migrated to it (`watchdesk check` on a copy
migrates it; about 100 s on the ten-year desk); a desk before m21 only with `--this` naming the
version of `store/search.py` before m21 (which needs m20's `incidents_filters`).

Each filter (none; dates: the last 30 days, the last year, a month a year ago, a quarter two
years ago, everything until 30 days ago; each grade, each category, each status; the smallest
and the largest area when the desk has areas — the generated desks have none; and
combinations) is searched with no words and with each of the 30 queries
of `lifecycle_bench.QUERIES`, incidents only (`include_log=False`: the grade, category, status
and area filters leave the duty log out anyway). Every search runs `--repeat` times and counts
its fastest run (the machine is shared: the fastest run is the one least disturbed), in wall
time and in the searching thread's CPU time (what the search itself did, without waiting for a
core: the figure to read when the machine is loaded). Per filter: p50, p95 and the slowest query, on each desk; the baseline, measured in the
same run, is the 50 newest incidents by index (`store.incidents.list`), and growth is the
ten-year p95 over the one-year one (flat: close to 1; the data grows 10x).

With `--other OLD.py` (another version of `watchdesk/store/search.py`, say `git show
HEAD~1:watchdesk/store/search.py > /tmp/old.py`), every search is also run by that version's
SearchRepo on the same desk, interleaved with this one's, and their hits compared: the table gets
its CPU p95 beside this one's, and any search whose hits differ is listed (there must be none).
`--this OLD.py` measures that version instead of the working tree's (a desk before m21 needs
the version before m21).

Target (issue 19): p95 under 20 ms for every filter, flat in history.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
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
from watchdesk.store.search import SearchRepo

TARGET_MS = 20.0


def filters(store: Store) -> dict[str, dict]:
    """Every filter of the search screen (since, until, grade, category, status) and the area
    (the command line's), alone and combined."""
    now = store.now()
    out: dict[str, dict] = {
        "none": {},
        "last 30 days": {"since": now - timedelta(days=30)},
        "last year": {"since": now - timedelta(days=365)},
        "a month a year ago": {
            "since": now - timedelta(days=395),
            "until": now - timedelta(days=365),
        },
        "a quarter two years ago": {
            "since": now - timedelta(days=820),
            "until": now - timedelta(days=730),
        },
        "until 30 days ago": {"until": now - timedelta(days=30)},
    }
    for g in ("I", "II", "III", "IV"):
        out[f"grade {g}"] = {"grade": g}
    for c in ("accident", "natural", "public_health", "social_security"):
        out[f"category {c}"] = {"category": c}
    for s in ("open", "closed", "voided"):
        out[f"status {s}"] = {"status": s}
    areas = store.db.execute(
        "SELECT area_id FROM incidents WHERE area_id IS NOT NULL GROUP BY area_id ORDER BY count(*)"
    ).fetchall()
    if areas:
        out["area (smallest)"] = {"area_id": areas[0][0]}
        out["area (largest)"] = {"area_id": areas[-1][0]}
        out["largest area + accident"] = {"area_id": areas[-1][0], "category": "accident"}
    out["grade I + natural"] = {"grade": "I", "category": "natural"}
    out["public_health + last year"] = {
        "category": "public_health",
        "since": now - timedelta(days=365),
    }
    out["open + accident"] = {"status": "open", "category": "accident"}
    out["accident + grade III + closed + a month a year ago"] = {
        "category": "accident",
        "grade": "III",
        "status": "closed",
        "since": now - timedelta(days=395),
        "until": now - timedelta(days=365),
    }
    return out


def load_other(path: Path) -> type:
    """SearchRepo of another version of store/search.py."""
    spec = importlib.util.spec_from_file_location("search_other", path)
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.SearchRepo


def timed(repo: object, q: str, f: dict, repeat: int) -> tuple[float, float, list]:
    """Fastest wall and CPU time of `repeat` runs, and the hits."""
    best, best_cpu, found = float("inf"), float("inf"), []
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.thread_time()
        found = repo.search(q, include_log=False, **f)  # type: ignore[attr-defined]
        best = min(best, time.perf_counter() - t0)
        best_cpu = min(best_cpu, time.thread_time() - c0)
    return best, best_cpu, [(h.kind, h.id) for h in found]


def bench(
    desks: dict[str, Path], repeat: int, other: type | None, only_words: bool, this: type
) -> dict:
    res: dict = {"repeat": repeat, "queries": len(QUERIES), "desks": {}, "differ": []}
    for name, path in desks.items():
        side = path.with_suffix(".json")
        clock = desk_clock(json.loads(side.read_text())) if side.exists() else None
        kw = {"clock": clock} if clock else {}
        store = Store.open(path, actor="bench", migrate=False, **kw)
        repos = {"this": this(store)} | ({"other": other(store)} if other else {})
        for repo in repos.values():
            repo.search(QUERIES[0], category="accident")  # warm up
        base = []
        for _ in range(repeat * 10):
            t0 = time.perf_counter()
            store.incidents.list(limit=50)
            base.append(time.perf_counter() - t0)
        per: dict = {
            "incidents": store.db.execute("SELECT max(id) FROM incidents").fetchone()[0],
            "base_p50": statistics.median(base),
            "load": os.getloadavg(),
            "filters": {},
        }
        for label, f in filters(store).items():
            for words in ("with words",) if only_words else ("no words", "with words"):
                qs = [""] if words == "no words" else QUERIES
                got: dict[str, dict[str, list]] = {k: {"t": [], "c": [], "h": []} for k in repos}
                for q in qs:
                    hits = {}
                    for k, repo in repos.items():  # interleaved, query by query
                        t, c, hits[k] = timed(repo, q, f, repeat)
                        got[k]["t"].append((t, q))
                        got[k]["c"].append((c, q))
                        got[k]["h"].append(len(hits[k]))
                    if other and hits["this"] != hits["other"]:
                        res["differ"].append([name, label, q])
                xs = [t for t, _ in got["this"]["t"]]
                cs = [t for t, _ in got["this"]["c"]]
                per["filters"][f"{label}, {words}"] = row = {
                    "p50": statistics.median(xs),
                    "p95": pct(xs, 95),
                    "max": max(got["this"]["t"]),
                    "cpu_p95": pct(cs, 95),
                    "cpu_max": max(got["this"]["c"]),
                    "mean_hits": statistics.mean(got["this"]["h"]),
                }
                if other:
                    row["other_p95"] = pct([t for t, _ in got["other"]["t"]], 95)
                    row["other_cpu_p95"] = pct([t for t, _ in got["other"]["c"]], 95)
        per["load_after"] = os.getloadavg()
        store.close()
        res["desks"][name] = per
    return res


def table(res: dict) -> str:
    names = list(res["desks"])
    other = bool(res.get("other"))
    head = "| filter | " + " | ".join(
        f"{n} p50 | {n} p95 | {n} CPU p95 | {n} slowest (CPU)"
        + (f" | {n} other p95 | {n} other CPU p95" if other else "")
        for n in names
    )
    if len(names) == 2:
        head += f" | growth {names[0]}→{names[1]} (p95) | (CPU p95)"
    lines = [
        head + " |",
        "|---" * (1 + (6 if other else 4) * len(names) + 2 * (len(names) == 2)) + "|",
    ]
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
            if other:
                cells += [f"{f['other_p95'] * 1000:.1f} ms", f"{f['other_cpu_p95'] * 1000:.1f} ms"]
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
            f" {d['base_p50'] * 1000:.2f} ms (p50); load average {d['load'][0]:.1f} before,"
            f" {d['load_after'][0]:.1f} after."
        )
    if other:
        lines.append(
            f"\nHits differ from the other version's in {len(res['differ'])} searches"
            + (
                ": " + "; ".join(" / ".join(map(str, d)) for d in res["differ"][:20])
                if res["differ"]
                else "."
            )
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--db", action="append", type=Path)
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--json", type=Path, default=None)
    p.add_argument("--this", type=Path, default=None, help="measure this search.py instead")
    p.add_argument("--other", type=Path, default=None, help="another version of search.py")
    p.add_argument("--only-words", action="store_true", help="leave out the searches without words")
    a = p.parse_args(argv)
    dbs = a.db or [HERE / "out" / "desk-1y.db", HERE / "out" / "desk-10y.db"]
    for db in dbs:
        if not db.exists():
            p.error(f"no desk at {db}")
    other = load_other(a.other) if a.other else None
    this = load_other(a.this) if a.this else SearchRepo
    res = bench({db.stem: db for db in dbs}, a.repeat, other, a.only_words, this)
    res["other"] = str(a.other) if a.other else None
    print(table(res))
    if a.json:
        a.json.write_text(json.dumps(res, indent=1, ensure_ascii=False, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
