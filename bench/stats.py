"""A month's and a year's statistics (issue 15) on the one-year and ten-year desks.

    python bench/stats.py [--years 1 --years 10] [--rounds 15] [--load quiet,busy] [--parts]
                          [--no-make] [--db FILE ...] [--before FILE] [--json FILE]

Issue 15's targets, on the ten-year desk: a month's statistics (`StatsRepo.compute` for the
period, every section: our own timeliness, subordinates', what happened with 同比/环比, roll-calls,
leader-on-duty checks, hours on duty) under 100 ms, a year's under 500 ms, and neither growing with
the history outside the period. So each desk is measured on:

- `month`: the last complete month (both desks stand at about the same instant: the same month);
- `year`: the twelve complete months before the current one (a custom period: split by month);
- on the ten-year desk also `month y1` and `year y1`: the desk's first complete month and first
  complete calendar year, nine years of history later.

Baselines, measured in the same run, alternating with the subjects, as every figure here is a
ratio: `count` is `SELECT count(*)` of the period's incidents by `incidents_received` (the
smallest read a period can cost), `rows` a plain SELECT of the period's incidents and of the
clocks due in it, fetched (what the statistics read, without joins, models or arithmetic).

The desks are `desks.py`'s (made if missing or stale, unless `--no-make`; `--db` measures another
desk with its sidecar, e.g. a copy migrated to this version). Statistics only read: the desk is
opened read-only (`mode=ro`), without the migration check, with the desk's clock
(`desks.desk_clock`), so a desk made before the latest migrations is measured as it is and never
written (the table says whether it has m19's statistics indexes). `--load
quiet,busy` measures with nothing of ours running, then with one core kept busy (`while True:
pass` in another process). `--parts` times each section alone as well (one pass per round). `--before FILE` also times
another version of `watchdesk/store/stats.py` (e.g. `git show HEAD:watchdesk/store/stats.py >
/tmp/before.py`) in the same loop, on the same connection: column `× before`, and checks that
both give the same statistics. `--db` may be given more than once (a desk and its migrated copy).
Medians and p95 over the rounds, after one warm-up round.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date, datetime
from functools import partial
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from desks import OUT, desk_clock, ensure, load  # noqa: E402

from watchdesk.models.stats import Period, PeriodKind  # noqa: E402
from watchdesk.store.db import connect, to_db  # noqa: E402
from watchdesk.store.desk import Store  # noqa: E402
from watchdesk.text.period import calendar_period, custom_period, midnight  # noqa: E402

TZ = ZoneInfo("Asia/Shanghai")
TARGETS = {"month": 0.100, "year": 0.500}


def _add_months(d: date, n: int) -> date:
    m = d.year * 12 + d.month - 1 + n
    return date(m // 12, m % 12 + 1, 1)


def periods(now: datetime, first_day: date | None) -> dict[str, Period]:
    """The periods measured on a desk standing at `now` whose history starts on `first_day`."""
    this_month = now.astimezone(TZ).date().replace(day=1)
    out = {
        "month": calendar_period(PeriodKind.month, _add_months(this_month, -1), TZ),
        "year": custom_period(
            midnight(_add_months(this_month, -12), TZ), midnight(this_month, TZ), TZ
        ),
    }
    if first_day is not None:
        first_month = _add_months(first_day.replace(day=1), 1)
        out["month y1"] = calendar_period(PeriodKind.month, first_month, TZ)
        out["year y1"] = calendar_period(PeriodKind.year, date(first_day.year + 1, 1, 1), TZ)
    return out


def baselines(store: Store, p: Period) -> dict[str, Callable[[], Any]]:
    a, b = to_db(p.start), to_db(p.end)
    db = store.db

    def count() -> Any:
        return db.execute(
            "SELECT count(*) FROM incidents WHERE received_at >= ? AND received_at < ?", [a, b]
        ).fetchone()

    def rows() -> Any:
        x = db.execute(
            "SELECT * FROM incidents WHERE received_at >= ? AND received_at < ?", [a, b]
        ).fetchall()
        y = db.execute(
            "SELECT * FROM deadlines WHERE due_at >= ? AND due_at < ?", [a, b]
        ).fetchall()
        return len(x) + len(y)

    return {"count": count, "rows": rows}


def parts(store: Store, p: Period, now: datetime) -> dict[str, Callable[[], Any]]:
    from watchdesk.models.stats import SubordinateRules
    from watchdesk.store.stats import default_limits

    st = store.stats
    rules = SubordinateRules(limits_seconds=default_limits(store.pack))
    return {
        "own": lambda: st.own(p, now),
        "subordinates": lambda: st.subordinates(p, rules),
        "happened": lambda: st.happened(p),
        "rollcall": lambda: st.rollcall(p),
        "leader_checks": lambda: st.leader_checks(p, now),
        "hours": lambda: st.hours(p),
    }


def _stats(xs: list[float]) -> dict[str, float]:
    s = sorted(xs)
    k = max(0, -(-95 * len(s) // 100) - 1)  # nearest-rank p95
    return {"median": statistics.median(s), "p95": s[k], "n": len(s)}


def _before_repo(path: Path | None) -> Any:
    """The StatsRepo class of another version of watchdesk/store/stats.py, or None."""
    if path is None:
        return None
    import importlib.util

    spec = importlib.util.spec_from_file_location("stats_before", path)
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.StatsRepo


def measure(
    path: Path,
    meta: dict,
    *,
    rounds: int,
    with_parts: bool,
    first_day: date | None,
    before: Any = None,
) -> dict[str, Any]:
    clock = desk_clock(meta)
    store = Store(connect(path, create=False, readonly=True), clock=clock, tz="Asia/Shanghai")
    try:
        indexed = store.db.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = 'deadlines_stats'"
        ).fetchone()
        now = clock()
        ps = periods(now, first_day)
        subjects: dict[str, Callable[[], Any]] = {}
        for name, p in ps.items():
            subjects[f"stats {name}"] = partial(store.stats.compute, p, now=now)
            if before is not None:
                subjects[f"before {name}"] = partial(before(store).compute, p, now=now)
            for b, fn in baselines(store, p).items():
                subjects[f"{b} {name}"] = fn
            if with_parts:
                for part, fn in parts(store, p, now).items():
                    subjects[f"{part} {name}"] = fn
        times: dict[str, list[float]] = {k: [] for k in subjects}
        for r in range(rounds + 1):  # round 0 warms the page cache
            for name, fn in subjects.items():
                t0 = time.perf_counter()
                fn()
                dt = time.perf_counter() - t0
                if r:
                    times[name].append(dt)
        sample = {name: store.stats.compute(p, now=now) for name, p in ps.items()}
        same = None
        if before is not None:
            same = all(
                before(store).compute(p, now=now).model_dump(exclude={"dispatch"})
                == sample[name].model_dump(exclude={"dispatch"})
                for name, p in ps.items()
            )
        facts = {
            name: {
                "label": p.label,
                "incidents": sample[name].happened.totals.incidents,
                "clocks": sample[name].own.total.on_time
                + sample[name].own.total.late
                + sample[name].own.total.missed,
                "on_time": sample[name].own.total.on_time,
                "late": sample[name].own.total.late,
                "missed": sample[name].own.total.missed,
                "rounds": sample[name].desk.rollcall.rounds,
                "rollcall_checked": sample[name].desk.rollcall.checked,
                "rollcall_on_post": sample[name].desk.rollcall.on_post,
                "leader_checks_due": sample[name].desk.leader_checks.due,
                "leader_checks_on_time": sample[name].desk.leader_checks.on_time,
                "units_reporting": len(sample[name].subordinates.units),
            }
            for name, p in ps.items()
        }
    finally:
        store.close()
    return {
        "periods": facts,
        "m19_indexes": bool(indexed),
        "same_as_before": same,
        "times": {k: _stats(v) for k, v in times.items()},
    }


def run(desks: list[tuple[str, Path, dict, date | None]], a: argparse.Namespace) -> dict:
    result: dict[str, Any] = {"rounds": a.rounds, "loads": {}}
    for load_name in a.load.split(","):
        busy = load_name == "busy"
        spinner = subprocess.Popen([sys.executable, "-c", "while True: pass"]) if busy else None
        try:
            time.sleep(0.2 if busy else 0)
            result["loads"][load_name] = {
                label: measure(
                    path,
                    meta,
                    rounds=a.rounds,
                    with_parts=a.parts,
                    first_day=first_day,
                    before=_before_repo(a.before),
                )
                for label, path, meta, first_day in desks
            }
        finally:
            if spinner:
                spinner.kill()
                spinner.wait()
    return result


def report(result: dict) -> str:
    lines = []
    for load_name, per_desk in result["loads"].items():
        lines.append(f"\n### {load_name} ({result['rounds']} rounds; ms median (p95))\n")
        lines.append(
            "| desk | period | incidents | clocks | stats | × count | × rows | × before | target |"
        )
        lines.append("|---|---|---:|---:|---:|---:|---:|---:|---:|")
        for desk, m in per_desk.items():
            t = m["times"]
            if not m.get("m19_indexes", True):
                desk = f"{desk} (no m19)"
            for name, f in m["periods"].items():
                s, c, r = t[f"stats {name}"], t[f"count {name}"], t[f"rows {name}"]
                target = TARGETS[name.split()[0]]
                ok = (
                    "met"
                    if s["p95"] < target
                    else ("median met" if s["median"] < target else "MISSED")
                )
                lines.append(
                    f"| {desk} | {name} ({f['label']}) | {f['incidents']:,} | {f['clocks']:,} | "
                    f"{s['median'] * 1e3:.1f} ({s['p95'] * 1e3:.1f}) | "
                    f"{s['median'] / c['median']:.0f} | {s['median'] / r['median']:.2f} | "
                    f"{_before(t, name)} | {target * 1e3:.0f}: {ok} |"
                )
            if m.get("same_as_before") is not None:
                lines.append(
                    f"|   | same statistics as before: {m['same_as_before']} | | | | | | | |"
                )
            extra = sorted({k.split()[0] for k in t} - {"stats", "count", "rows", "before"})
            if extra:
                for name in m["periods"]:
                    cells = ", ".join(f"{p} {t[f'{p} {name}']['median'] * 1e3:.1f}" for p in extra)
                    lines.append(f"|   | {name} parts (ms): {cells} | | | | | | | |")
        base = [
            f"{desk}: count month {m['times']['count month']['median'] * 1e3:.2f} ms, "
            f"rows month {m['times']['rows month']['median'] * 1e3:.1f} ms, "
            f"rows year {m['times']['rows year']['median'] * 1e3:.1f} ms"
            for desk, m in per_desk.items()
        ]
        lines.append("\nBaselines: " + "; ".join(base))
        if "10y" in per_desk:
            t10 = per_desk["10y"]["times"]
            g = [
                f"month y10/y1 {t10['stats month']['median'] / t10['stats month y1']['median']:.2f}×",
                f"year y10/y1 {t10['stats year']['median'] / t10['stats year y1']['median']:.2f}×",
            ]
            if "1y" in per_desk:
                t1 = per_desk["1y"]["times"]
                g.append(
                    f"month 10y desk/1y desk {t10['stats month']['median'] / t1['stats month']['median']:.2f}×"
                )
                g.append(
                    f"year 10y desk/1y desk {t10['stats year']['median'] / t1['stats year']['median']:.2f}×"
                )
            lines.append("Growth with history (medians): " + ", ".join(g))
    return "\n".join(lines)


def _before(t: dict, name: str) -> str:
    b = t.get(f"before {name}")
    if not b:
        return ""
    return f"{t[f'stats {name}']['median'] / b['median']:.2f} (of {b['median'] * 1e3:.0f})"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--years", type=float, action="append", help="desks.py desks (default 1, 10)")
    p.add_argument(
        "--db", type=Path, action="append", help="measure this desk (with its desks.py sidecar)"
    )
    p.add_argument("--before", type=Path, help="another store/stats.py to time alongside")
    p.add_argument("--rounds", type=int, default=15)
    p.add_argument("--load", default="quiet,busy", help="quiet, busy or both (comma-separated)")
    p.add_argument("--parts", action="store_true", help="time each section alone too")
    p.add_argument("--no-make", action="store_true", help="use the desks as they are")
    p.add_argument("--json", type=Path, default=OUT / "stats.json")
    a = p.parse_args(argv)
    desks: list[tuple[str, Path, dict, date | None]] = []
    for db in a.db or []:
        meta = json.loads(db.with_suffix(".json").read_text())
        years = meta["years"]
        label = f"{years:g}y"
        if any(d[0] == label for d in desks):
            label = f"{label} ({db})"
        desks.append((label, db, meta, _first_day(meta) if years > 1 else None))
    if not a.db:
        for y in a.years or [1, 10]:
            meta = load(y) if a.no_make else ensure(y)
            if meta is None:
                p.error(f"no desk-{y:g}y (python bench/desks.py --years {y:g})")
            desks.append((f"{y:g}y", Path(meta["path"]), meta, _first_day(meta) if y > 1 else None))
    result = run(desks, a)
    a.json.parent.mkdir(parents=True, exist_ok=True)
    a.json.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n")
    print(report(result))
    return 0


def _first_day(meta: dict) -> date:
    now = datetime.fromisoformat(meta["now"])
    days = int(meta["years"] * 365.2425)
    return (now.astimezone(TZ).date()).fromordinal(now.astimezone(TZ).date().toordinal() - days)


if __name__ == "__main__":
    sys.exit(main())
