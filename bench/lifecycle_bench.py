"""Incident lifecycle benchmarks: saving an incident, searching, reading the dashboard, one tick.

    python bench/lifecycle_bench.py [--db bench/out/desk-1y.db --db bench/out/desk-10y.db]
                                    [--saves 300] [--searches 200] [--json]

Each figure is reported next to a baseline measured in the same run on the same machine, as a
ratio, because these machines are shared and noisy. Subjects (desks) and baselines alternate
inside one loop, so drift hits all of them alike.

- save: `store.incidents.add()` (validation, grade, clocks, figures, full-text row, audit chain,
  one BEGIN IMMEDIATE … COMMIT with synchronous=FULL, i.e. an fsync) into a new desk and into
  (copies of) the generated desks, against the floor of any durable write: one plain INSERT +
  COMMIT of a similar row with the same pragmas into a one-table file beside them.
- search: `store.search.search()` for realistic Chinese queries, as the search screen sends them
  (incidents AND the duty log; also with a date range, and with a category, which leaves the log
  out), against fetching the 50 newest incidents by the received_at index (the cheapest useful
  read).
- dashboard: `store.dashboard(now)`, what the first screen and every reload read, against the
  same 50 newest incidents.
- tick: one `CountdownBoard.tick()` with 100 running clocks (the desk's own, countdown maths +
  100 cell updates) against writing the same 100 cells with fixed text (the DataTable's own cost).

Targets from the issue: save p99 ≤ 10 ms, search p95 ≤ 50 ms, tick ≤ 5 ms (absolute, on this
machine); the ratios say how much of that is ours.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from saving import PlainSaves, incident_facts, open_console_store, pct

from watchdesk.store.desk import Store

__all__ = ["QUERIES", "pct"]  # bench/search.py takes both from here

Clock = Callable[[], datetime]

# What people type into the search screen: places, kinds of event, words from the duty log
# (notices, instructions, weather), a road code, partial words as typed, and phrases that are
# rare or absent (their common bigrams still have to be walked).
QUERIES = [
    "火灾",
    "城关镇",
    "道路交通",
    "滑坡",
    "被困",
    "G107",
    "燃气泄漏",
    "东坡街道建设路",
    "亡",
    "化工",
    "山体滑坡掩埋",
    "食物中毒",
    "群众聚集",
    "石桥村",
    "溺水",
    "批示",
    "通知",
    "值班室",
    "暴雨",
    "设备检查",
    "地质灾害",
    "城",
    "城关",
    "传真",
    "防汛",
    "已转发",
    "续报",
    "视频抽查",
    "湘江县人民医院",
    "核实",
]


def ms(x: float) -> str:
    return f"{x * 1000:.2f} ms"


def _system_clock() -> datetime:
    return datetime.now(UTC)


# -- saving ------------------------------------------------------------------------------------
def bench_save(
    subjects: dict[str, tuple[Path, Clock]], workdir: Path, n: int, warmup: int = 10
) -> dict:
    """Saves into each subject desk (a file that may be changed: a copy, or a new desk) and
    plain INSERT+COMMITs into a file in `workdir`, alternating. The store is opened as the
    console opens it (no inline WAL checkpoint; the console checkpoints from a timer, which
    runs here between saves, outside the timed region, every 20 saves). Before the saves, each
    desk gets the maintenance a console running on it does within its first minutes: merging
    steps until the full-text index has no backlog (a generated desk's bulk-loaded index has
    one; left alone, one save in a thousand pays seconds for FTS5's crisis merge: bench/README
    finding 5). Its steps and time are reported as `catch_up`."""
    stores = {name: open_console_store(path, clock) for name, (path, clock) in subjects.items()}
    catch_up = {}
    for name, store in stores.items():
        t0, steps, longest = time.perf_counter(), 0, 0.0
        while True:
            s0 = time.perf_counter()
            more = store.checkpoint()
            longest = max(longest, time.perf_counter() - s0)
            if not more:
                break
            steps += 1
        catch_up[name] = {
            "steps": steps,
            "seconds": time.perf_counter() - t0,
            "longest_step": longest,
        }
    raw = PlainSaves(workdir / "baseline-save.db")
    times: dict[str, list[float]] = {name: [] for name in stores}
    base: list[float] = []
    for i in range(warmup + n):
        for name, store in stores.items():
            facts = incident_facts(store.now(), i)
            t0 = time.perf_counter()
            store.incidents.add(facts)
            if i >= warmup:
                times[name].append(time.perf_counter() - t0)
            if i % 20 == 19:
                store.checkpoint()
        took = raw.save(i)
        if i >= warmup:
            base.append(took)
    for store in stores.values():
        store.close()
    raw.close()
    bp50, bp99 = statistics.median(base), pct(base, 99)
    out = {"n": n, "base_p50": bp50, "base_p99": bp99, "subjects": {}, "catch_up": catch_up}
    for name, xs in times.items():
        out["subjects"][name] = {
            "p50": statistics.median(xs),
            "p99": pct(xs, 99),
            "p999": pct(xs, 99.9),
            "max": max(xs),
            "ratio_p50": statistics.median(xs) / bp50,
            "ratio_p99": pct(xs, 99) / bp99,
        }
    return out


# -- searching and reading ---------------------------------------------------------------------
def bench_search(subjects: dict[str, tuple[Path, Clock]], n: int) -> dict:
    """Searches on each desk (read only), alternating with the baseline read on the same desk."""
    stores = {
        name: Store.open(path, actor="bench", clock=clock, migrate=False)
        for name, (path, clock) in subjects.items()
    }
    kinds = ("all", "incidents_only", "since_30d", "category", "base", "dashboard")
    t: dict[str, dict[str, list[float]]] = {name: {k: [] for k in kinds} for name in stores}
    hits: dict[str, list[int]] = {name: [] for name in stores}
    log_hits: dict[str, list[int]] = {name: [] for name in stores}
    info = {}
    for name, store in stores.items():  # warm up: page cache, statements, imports
        store.search.search(QUERIES[0])
        store.dashboard(store.now())
        info[name] = {
            "incidents": store.db.execute("SELECT max(id) FROM incidents").fetchone()[0],
            "log_entries": store.db.execute("SELECT max(id) FROM log_entries").fetchone()[0],
        }

    def timed(fn) -> tuple[float, object]:
        t0 = time.perf_counter()
        r = fn()
        return time.perf_counter() - t0, r

    for i in range(n):
        q = QUERIES[i % len(QUERIES)]
        for name, store in stores.items():
            d, res = timed(lambda: store.search.search(q))
            t[name]["all"].append(d)
            hits[name].append(len(res))
            log_hits[name].append(sum(h.kind == "log" for h in res))
            d, _ = timed(lambda: store.search.search(q, include_log=False))
            t[name]["incidents_only"].append(d)
            d, _ = timed(lambda: store.incidents.list(limit=50))
            t[name]["base"].append(d)
            if i % 2 == 0:
                since = store.now() - timedelta(days=30)
                d, _ = timed(lambda: store.search.search(q, since=since))
                t[name]["since_30d"].append(d)
                d, _ = timed(lambda: store.search.search(q, category="accident"))
                t[name]["category"].append(d)
            if i % 5 == 0:
                d, _ = timed(lambda: store.dashboard(store.now()))
                t[name]["dashboard"].append(d)
    for store in stores.values():
        store.close()
    out = {"n": n, "queries": len(QUERIES), "subjects": {}}
    for name, d in t.items():
        b95, b50 = pct(d["base"], 95), statistics.median(d["base"])
        per = {
            "base_p50": b50,
            "base_p95": b95,
            **info[name],
            "mean_hits": statistics.mean(hits[name]),
            "mean_log_hits": statistics.mean(log_hits[name]),
        }
        for k in ("all", "incidents_only", "since_30d", "category", "dashboard"):
            per[k] = {
                "p50": statistics.median(d[k]),
                "p95": pct(d[k], 95),
                "ratio_p95": pct(d[k], 95) / b95,
                "ratio_p50": statistics.median(d[k]) / b50,
            }
        per["worst"] = max(zip(d["all"], QUERIES * (n // len(QUERIES) + 1)))
        out["subjects"][name] = per
    return out


# -- one tick ----------------------------------------------------------------------------------
def board_rows(path: Path | None, clock: Clock, n_clocks: int = 100) -> list:
    """The desk's running clocks (the first `n_clocks`), padded with made-up ones if it has
    fewer; without a desk, made-up ones."""
    from watchdesk.models.incident import BoardRow, Grade, ReportKind

    rows = []
    if path is not None:
        store = Store.open(path, clock=clock, migrate=False)
        rows = store.incidents.running_clocks()[:n_clocks]
        store.close()
    now = clock()
    k = len(rows)
    while len(rows) < n_clocks:
        k += 1
        rows.append(
            BoardRow(
                deadline_id=10_000_000 + k,
                incident_id=k,
                incident_headline=f"城关镇事件{k}",
                grade=Grade.II,
                kind=ReportKind.phone,
                due_at=now + timedelta(seconds=30 * k),
            )
        )
    return rows


def bench_tick(rows_by_subject: dict[str, tuple[list, datetime]], rounds: int = 200) -> dict:
    """`rows_by_subject`: name -> (board rows, the instant they are read at)."""
    from textual.app import App
    from textual.reactive import reactive
    from textual.widgets import DataTable

    from watchdesk.config import Settings
    from watchdesk.widgets.board import CountdownBoard

    names = list(rows_by_subject)

    class BoardApp(App):
        settings = Settings()
        now = reactive(datetime.now(UTC))

        def compose(self):
            for i in range(len(names)):
                yield CountdownBoard(id=f"board{i}")
            yield DataTable(id="plain")

    result: dict = {"subjects": {}}

    async def run() -> None:
        app = BoardApp()
        async with app.run_test(size=(140, 120)) as pilot:
            boards = {}
            for i, name in enumerate(names):
                boards[name] = app.query_one(f"#board{i}", CountdownBoard)
                boards[name].set_rows(*rows_by_subject[name])
            n = len(rows_by_subject[names[0]][0])
            plain = app.query_one("#plain", DataTable)
            plain.add_column("left", key="left")
            for k in range(n):
                plain.add_row("00:00", key=str(k))
            await pilot.pause()
            ours: dict[str, list[float]] = {name: [] for name in names}
            base: list[float] = []
            for k in range(rounds):
                for name, board in boards.items():
                    at = rows_by_subject[name][1] + timedelta(seconds=k)
                    t0 = time.perf_counter()
                    board.tick(at)
                    ours[name].append(time.perf_counter() - t0)
                t0 = time.perf_counter()
                for j in range(n):
                    plain.update_cell(str(j), "left", f"{k:05d}")
                base.append(time.perf_counter() - t0)
                if k % 20 == 0:
                    await pilot.pause()
            b50 = statistics.median(base)
            result.update(n_clocks=n, base_p50=b50, base_p95=pct(base, 95))
            for name in names:
                result["subjects"][name] = {
                    "p50": statistics.median(ours[name]),
                    "p95": pct(ours[name], 95),
                    "ratio_p50": statistics.median(ours[name]) / b50,
                }

    asyncio.run(run())
    return result


# -- stand-alone -------------------------------------------------------------------------------
def _subjects(dbs: list[Path]) -> dict[str, tuple[Path, Clock]]:
    from desks import desk_clock

    out = {}
    for db in dbs:
        side = db.with_suffix(".json")
        clock = desk_clock(json.loads(side.read_text())) if side.exists() else _system_clock
        out[db.stem] = (db, clock)
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument(
        "--db",
        action="append",
        type=Path,
        help="a desk to measure (repeat); saves go into a copy of it",
    )
    p.add_argument("--saves", type=int, default=300)
    p.add_argument("--searches", type=int, default=200)
    p.add_argument("--json", action="store_true")
    a = p.parse_args(argv)
    dbs = a.db or [HERE / "out" / "desk-1y.db", HERE / "out" / "desk-10y.db"]
    for db in dbs:
        if not db.exists():
            p.error(f"no desk at {db}; make it with bench/desks.py")
    subjects = _subjects(dbs)
    with tempfile.TemporaryDirectory(dir=HERE / "out") as tmp:
        work = {}
        for name, (db, clock) in subjects.items():
            copy = Path(tmp) / db.name
            shutil.copyfile(db, copy)
            work[name] = (copy, clock)
        work = {"new desk": (Path(tmp) / "new.db", _system_clock), **work}
        save = bench_save(work, Path(tmp), a.saves)
    search = bench_search(subjects, a.searches)
    tick = bench_tick(
        {name: (board_rows(db, clock), clock()) for name, (db, clock) in subjects.items()}
    )
    res = {"save": save, "search": search, "tick": tick}
    print(json.dumps(res, indent=1, ensure_ascii=False, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
