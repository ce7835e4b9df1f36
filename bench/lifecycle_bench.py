"""Incident lifecycle benchmarks: saving an incident, searching, one countdown tick.

    python bench/lifecycle_bench.py [--db bench/out/desk-200k.db] [--saves 300] [--searches 200]

Each figure is reported next to a baseline measured in the same run on the same machine, as a
ratio, because these machines are shared and noisy:

- save: `store.incidents.add()` (validation, grade, clocks, figures, full-text row, audit chain,
  one BEGIN IMMEDIATE … COMMIT with synchronous=FULL, i.e. an fsync) against the floor of any
  durable write: one plain INSERT + COMMIT of the same row with the same pragmas.
- search: `store.search.search()` for realistic Chinese queries over a desk of 200,000 incidents,
  against fetching the 50 newest incidents by the received_at index (the cheapest useful read).
- tick: one `CountdownBoard.tick()` with 100 running clocks (countdown maths + 100 cell updates)
  against writing the same 100 cells with fixed text (the DataTable's own cost).

Targets from the issue: save p99 ≤ 10 ms, search p95 ≤ 50 ms, tick ≤ 5 ms (absolute, on this
machine); the ratios say how much of that is ours.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from watchdesk.models import IncidentFacts  # noqa: E402
from watchdesk.store import Store  # noqa: E402

QUERIES = ["火灾", "城关镇", "道路交通", "滑坡", "被困", "G107", "燃气泄漏", "东坡街道建设路", "亡",
           "化工", "山体滑坡掩埋", "食物中毒", "群众聚集", "石桥村", "溺水"]


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    k = max(0, min(len(values) - 1, int(round(p / 100 * (len(values) - 1)))))
    return values[k]


def ms(x: float) -> str:
    return f"{x * 1000:.2f} ms"


def bench_save(tmp: Path, n: int) -> dict:
    db_path = tmp / "save.db"
    store = Store.open(db_path, actor="bench")
    now = datetime.now(timezone.utc)
    ours, base = [], []
    raw = sqlite3.connect(tmp / "baseline.db", isolation_level=None)
    raw.execute("PRAGMA journal_mode = WAL")
    raw.execute("PRAGMA synchronous = FULL")
    raw.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, received_at TEXT, place TEXT, "
                "category TEXT, description TEXT, dead INTEGER)")
    for i in range(n):
        facts = IncidentFacts(received_at=now - timedelta(seconds=n - i), place="城关镇东街",
                              category="accident", subtype="fire", dead=i % 12, injured=3,
                              description=f"居民楼起火，{i % 5}人被困，消防已到场", sensitive=i % 7 == 0)
        t0 = time.perf_counter()
        store.incidents.add(facts)
        ours.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        raw.execute("BEGIN IMMEDIATE")
        raw.execute("INSERT INTO t (received_at, place, category, description, dead) "
                    "VALUES (?,?,?,?,?)", [now.isoformat(), "城关镇东街", "accident",
                                           "居民楼起火，消防已到场", i])
        raw.execute("COMMIT")
        base.append(time.perf_counter() - t0)
    store.close()
    raw.close()
    return {"n": n, "p50": statistics.median(ours), "p99": pct(ours, 99),
            "base_p50": statistics.median(base), "base_p99": pct(base, 99),
            "ratio_p50": statistics.median(ours) / statistics.median(base)}


def bench_search(db: Path, n: int) -> dict:
    store = Store.open(db, actor="bench")
    count = store.db.execute("SELECT count(*) FROM incidents").fetchone()[0]
    fts = store.db.execute("SELECT count(*) FROM incidents_fts").fetchone()[0]
    ours, base, hits = [], [], []
    for i in range(n):
        q = QUERIES[i % len(QUERIES)]
        t0 = time.perf_counter()
        res = store.search.search(q)
        ours.append(time.perf_counter() - t0)
        hits.append(len(res))
        t0 = time.perf_counter()
        store.incidents.list(limit=50)
        base.append(time.perf_counter() - t0)
    # With filters too (a grade and a date range), as the search screen sends them.
    filt = []
    since = store.now() - timedelta(days=365)
    for i in range(n // 2):
        t0 = time.perf_counter()
        store.search.search(QUERIES[i % len(QUERIES)], since=since, category="accident")
        filt.append(time.perf_counter() - t0)
    store.close()
    return {"incidents": count, "fts_rows": fts, "n": n, "p50": statistics.median(ours),
            "p95": pct(ours, 95), "filtered_p95": pct(filt, 95),
            "base_p50": statistics.median(base), "base_p95": pct(base, 95),
            "ratio_p95": pct(ours, 95) / pct(base, 95), "mean_hits": statistics.mean(hits)}


def bench_tick(n_clocks: int = 100, rounds: int = 200) -> dict:
    from textual.app import App
    from textual.reactive import reactive
    from textual.widgets import DataTable

    from watchdesk.config import Settings
    from watchdesk.models import BoardRow, Grade, ReportKind
    from watchdesk.widgets.board import CountdownBoard

    now = datetime.now(timezone.utc)
    rows = [BoardRow(deadline_id=i, incident_id=i, incident_headline=f"城关镇事件{i}",
                     grade=Grade.II, kind=ReportKind.phone, due_at=now + timedelta(seconds=30 * i))
            for i in range(1, n_clocks + 1)]

    class BoardApp(App):
        settings = Settings()
        now = reactive(datetime.now(timezone.utc))

        def compose(self):
            yield CountdownBoard(id="board")
            yield DataTable(id="plain")

    result: dict = {}

    async def run() -> None:
        app = BoardApp()
        async with app.run_test(size=(140, 120)) as pilot:
            board = app.query_one(CountdownBoard)
            board.set_rows(rows, now)
            plain = app.query_one("#plain", DataTable)
            plain.add_column("left", key="left")
            for r in rows:
                plain.add_row("00:00", key=str(r.deadline_id))
            await pilot.pause()
            ours, base = [], []
            for k in range(rounds):
                t = now + timedelta(seconds=k)
                t0 = time.perf_counter()
                board.tick(t)
                ours.append(time.perf_counter() - t0)
                t0 = time.perf_counter()
                for r in rows:
                    plain.update_cell(str(r.deadline_id), "left", f"{k:05d}")
                base.append(time.perf_counter() - t0)
                if k % 20 == 0:
                    await pilot.pause()
            result.update(n_clocks=n_clocks, p50=statistics.median(ours), p95=pct(ours, 95),
                          base_p50=statistics.median(base),
                          ratio_p50=statistics.median(ours) / statistics.median(base))

    asyncio.run(run())
    return result


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--db", default=str(HERE / "out" / "desk-200k.db"),
                   help="desk to search (generated with 200,000 incidents if missing)")
    p.add_argument("--saves", type=int, default=300)
    p.add_argument("--searches", type=int, default=200)
    p.add_argument("--json", action="store_true")
    a = p.parse_args(argv)
    db = Path(a.db)
    if not db.exists():
        from generate import generate  # bench/generate.py

        print(f"generating {db} (200,000 incidents)…", file=sys.stderr)
        generate(db, years=200_000 / 30_000, quiet=True)
    with tempfile.TemporaryDirectory() as tmp:
        save = bench_save(Path(tmp), a.saves)
    search = bench_search(db, a.searches)
    tick = bench_tick()
    res = {"save": save, "search": search, "tick": tick, "cpus": os.cpu_count(),
           "sqlite": sqlite3.sqlite_version, "python": sys.version.split()[0]}
    if a.json:
        print(json.dumps(res, indent=1))
        return 0
    print("| measurement | ours | baseline (same run) | ratio | target |")
    print("| --- | --- | --- | --- | --- |")
    print(f"| save an incident, p50 / p99 ({save['n']} saves, fsync each) | {ms(save['p50'])} / "
          f"{ms(save['p99'])} | bare INSERT+COMMIT {ms(save['base_p50'])} / "
          f"{ms(save['base_p99'])} | {save['ratio_p50']:.2f}× (p50) | p99 ≤ 10 ms |")
    print(f"| search {search['incidents']:,} incidents, p50 / p95 | {ms(search['p50'])} / "
          f"{ms(search['p95'])} (with filters p95 {ms(search['filtered_p95'])}) | 50 newest by "
          f"index {ms(search['base_p50'])} / {ms(search['base_p95'])} | "
          f"{search['ratio_p95']:.2f}× (p95) | p95 ≤ 50 ms |")
    print(f"| one tick, {tick['n_clocks']} running clocks, p50 / p95 | {ms(tick['p50'])} / "
          f"{ms(tick['p95'])} | 100 fixed cell updates {ms(tick['base_p50'])} | "
          f"{tick['ratio_p50']:.2f}× (p50) | ≤ 5 ms |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
