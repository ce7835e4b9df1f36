"""The whole benchmark suite in one run: every figure on a one-year and a ten-year desk, each
against a baseline measured in the same run, and how it grows from one to ten years.

    python bench/suite.py [--runs 15] [--saves 300] [--searches 150] [--repeat 5]
                          [--results bench/RESULTS.md] [--json bench/out/results.json]

(`bench/run.sh` runs this.) Steps:

1. desks (`desks.py`): `bench/out/desk-1y.db` and `desk-10y.db`, made by `generate.py` when
   missing or when their fingerprint (schema, generator, parameters) no longer matches;
2. start-up to the first painted screen and peak memory, against a bare Textual app
   (`startup.py`, fresh processes, alternating);
3. rendering the handover of the last complete shift on copies of both desks (compile, text,
   PDF) against plain SELECTs, plain text and a minimal reportlab document
   (`handover_bench.py`);
4. saving an incident p50/p99 into a new desk and into those copies, against a plain
   INSERT+COMMIT (`lifecycle_bench.bench_save`); the copies are deleted afterwards;
5. search p95 over incidents and the duty log, and the dashboard read, against the 50 newest
   incidents by index (`lifecycle_bench.bench_search`);
6. one countdown tick with 100 of the desk's running clocks, against 100 plain cell updates;
7. the roster: each desk's month page read and grid drawn, a synthetic busy month drawn, a year
   of rotations generated (`roster_bench.py`);
   with `--check`, also `watchdesk check` on both desks (time and peak memory);
8. RESULTS.md: the figures, a scaling table (1 → 10 years, flagged when a figure grows faster
   than the data, or grows at all where it should not), the machine and the exact command.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import shlex
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

import desks

YEARS = (1, 10)


def log(msg: str) -> None:
    print(f"[{datetime.now():%H:%M:%S}] {msg}", file=sys.stderr, flush=True)


# -- the machine -------------------------------------------------------------------------------
def machine() -> dict:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        info = dict(line.split(":", 1) for line in Path("/proc/meminfo").read_text().splitlines())
        mem = (
            f"{int(info['MemTotal'].split()[0]) / 2**20:.1f} GiB total, "
            f"{int(info['MemAvailable'].split()[0]) / 2**20:.1f} GiB available"
        )
    except (OSError, KeyError, ValueError):
        pass

    def ver(pkg: str) -> str:
        try:
            return metadata.version(pkg)
        except metadata.PackageNotFoundError:
            return "-"

    return {
        "nproc": os.cpu_count(),
        "cpu": cpu or platform.processor(),
        "memory": mem,
        "kernel": platform.release(),
        "python": sys.version.split()[0],
        "sqlite": sqlite3.sqlite_version,
        "textual": ver("textual"),
        "sqlite-utils": ver("sqlite-utils"),
        "pydantic": ver("pydantic"),
        "reportlab": ver("reportlab"),
        "load_start": os.getloadavg(),
    }


def git_state() -> str:
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.splitlines()
        return f"`{head}`" + (f" with {len(dirty)} uncommitted changed files" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "(not a git checkout)"


# -- running it --------------------------------------------------------------------------------
CHECK = """
import sys
from watchdesk.__main__ import main
rc = main(["check", "--db", sys.argv[1]])
for line in open("/proc/self/status"):
    if line.startswith("VmHWM:"):
        print("VmHWM", line.split()[1], file=sys.stderr)
sys.exit(rc)
"""


def check(db: Path) -> dict:
    """`watchdesk check` on a desk in a fresh process: result, seconds, peak memory."""
    t0 = time.perf_counter()
    p = subprocess.run(
        [sys.executable, "-c", CHECK, str(db)], capture_output=True, text=True, check=False
    )
    rss = next((int(x.split()[1]) for x in p.stderr.splitlines() if x.startswith("VmHWM")), 0)
    return {
        "ok": p.returncode == 0,
        "seconds": time.perf_counter() - t0,
        "rss_kib": rss,
        "output": p.stdout.strip()[-500:],
    }


def run(a: argparse.Namespace) -> dict:
    import handover_bench
    import lifecycle_bench
    import roster_bench
    import startup

    t_start = time.perf_counter()
    res: dict = {
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "git": git_state(),
        "args": vars(a).copy(),
    }
    res["args"] = {k: str(v) for k, v in res["args"].items()}
    timings: dict[str, float] = {}

    def step(name: str):
        class _Step:
            def __enter__(self):
                log(f"{name} …")
                self.t = time.perf_counter()

            def __exit__(self, *exc):
                timings[name] = round(time.perf_counter() - self.t, 1)
                if exc[0] is None:
                    log(f"{name}: {timings[name]:.0f} s")

        return _Step()

    with step("desks"):
        metas = {y: desks.ensure(y, force=a.regenerate, log=log) for y in YEARS}
    res["desks"] = {f"{y}y": m for y, m in metas.items()}
    names = {y: f"{y}y" for y in YEARS}
    paths = {y: desks.paths(y)[0] for y in YEARS}
    clocks = {y: desks.desk_clock(metas[y]) for y in YEARS}
    originals = {names[y]: (paths[y], clocks[y]) for y in YEARS}

    with step("start-up and peak memory"):
        subjects = [("bare Textual app", ["bare"])] + [
            (
                f"watchdesk {names[y]}",
                ["watchdesk", str(paths[y]), f"{desks.desk_offset(metas[y]).total_seconds():.0f}"],
            )
            for y in YEARS
        ]
        res["startup"] = startup.measure(None, a.runs, subjects=subjects)

    work = Path(tempfile.mkdtemp(prefix="work-", dir=desks.OUT))
    try:
        with step("copying the desks (saves and handover write into copies)"):
            copies = {}
            for y in YEARS:
                copy = work / paths[y].name
                shutil.copyfile(paths[y], copy)
                copies[names[y]] = (copy, clocks[y])
            # Write the copies out now: otherwise the first fsync of a save waits for
            # gigabytes of dirty pages (the journal of ext3/ext4 commits them together).
            os.sync()
        # The handover first: the saves add incidents whose clocks would join its sheet.
        with step("handover"):
            res["handover"] = handover_bench.bench_handover(copies, a.repeat)
        with step("saving an incident"):
            res["save"] = lifecycle_bench.bench_save(
                {"new desk": (work / "new.db", lifecycle_bench._system_clock), **copies},
                work,
                a.saves,
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)

    with step("search and dashboard"):
        res["search"] = lifecycle_bench.bench_search(originals, a.searches)
    with step("one tick with 100 clocks"):
        res["tick"] = lifecycle_bench.bench_tick(
            {n: (lifecycle_bench.board_rows(p, c), c()) for n, (p, c) in originals.items()}
        )
    with step("roster"):
        pages = roster_bench.desk_pages(originals, a.grid_repeat)
        with tempfile.TemporaryDirectory() as d:
            grid = asyncio.run(
                roster_bench._grid(
                    Path(d),
                    a.grid_repeat,
                    extra={n: {"page": p["page"], "now": p["now"]} for n, p in pages.items()},
                )
            )
            rotation = roster_bench.bench_rotation(Path(d), a.rotations)
        for p in pages.values():
            del p["page"]
        res["roster"] = {"pages": pages, "grid": grid, "rotation": rotation}
    if a.check:
        with step("watchdesk check"):
            res["check"] = {names[y]: check(paths[y]) for y in YEARS}
    res["machine"]["load_end"] = os.getloadavg()
    res["step_seconds"] = timings
    res["seconds"] = round(time.perf_counter() - t_start, 1)
    return res


# -- the figures -------------------------------------------------------------------------------
# (label, unit, expectation, getter(res, name) -> (value, ratio, baseline text))
# expectation "flat": must not depend on the length of the history; "data": may grow with it,
# never faster.
def figures(res: dict) -> list[dict]:
    s = res["search"]["subjects"]
    sv = res["save"]["subjects"]
    h = res["handover"]["subjects"]
    tk = res["tick"]["subjects"]
    pg = res["roster"]["pages"]
    gd = res["roster"]["grid"]["desks"]

    def st(name):
        return next(r for r in res["startup"]["rows"] if r["subject"] == f"watchdesk {name}")

    spec = [
        (
            "start-up to first paint, median",
            "ms",
            "flat",
            "bare Textual app",
            lambda n: (st(n)["paint_median_s"], st(n)["paint_ratio"]),
        ),
        (
            "start-up to exit, median",
            "ms",
            "flat",
            "bare Textual app",
            lambda n: (st(n)["median_s"], st(n)["ratio"]),
        ),
        (
            "peak memory (VmHWM = own ru_maxrss)",
            "MiB",
            "flat",
            "bare Textual app",
            lambda n: (st(n)["maxrss_kib"] / 1024, st(n)["rss_ratio"]),
        ),
        (
            "save an incident, p50",
            "ms",
            "flat",
            "plain INSERT+COMMIT",
            lambda n: (sv[n]["p50"], sv[n]["ratio_p50"]),
        ),
        (
            "save an incident, p99",
            "ms",
            "flat",
            "plain INSERT+COMMIT p99",
            lambda n: (sv[n]["p99"], sv[n]["ratio_p99"]),
        ),
        (
            "search incidents + duty log, p95",
            "ms",
            "data",
            "50 newest incidents",
            lambda n: (s[n]["all"]["p95"], s[n]["all"]["ratio_p95"]),
        ),
        (
            "search incidents only, p95",
            "ms",
            "data",
            "50 newest incidents",
            lambda n: (s[n]["incidents_only"]["p95"], s[n]["incidents_only"]["ratio_p95"]),
        ),
        (
            "search, last 30 days, p95",
            "ms",
            "data",
            "50 newest incidents",
            lambda n: (s[n]["since_30d"]["p95"], s[n]["since_30d"]["ratio_p95"]),
        ),
        (
            "search, category filter, p95",
            "ms",
            "data",
            "50 newest incidents",
            lambda n: (s[n]["category"]["p95"], s[n]["category"]["ratio_p95"]),
        ),
        (
            "dashboard read, median",
            "ms",
            "flat",
            "50 newest incidents",
            lambda n: (s[n]["dashboard"]["p50"], s[n]["dashboard"]["ratio_p50"]),
        ),
        (
            "one tick, 100 clocks, median",
            "ms",
            "flat",
            "100 plain cell updates",
            lambda n: (tk[n]["p50"], tk[n]["ratio_p50"]),
        ),
        (
            "handover: compile",
            "ms",
            "flat",
            "plain SELECTs of the same rows",
            lambda n: (h[n]["compile_median"], h[n]["compile_ratio"]),
        ),
        (
            "handover: text",
            "ms",
            "flat",
            "textwrap of the same lines",
            lambda n: (h[n]["text_median"], h[n]["text_ratio"]),
        ),
        (
            "handover: PDF",
            "ms",
            "flat",
            "minimal reportlab doc, same lines",
            lambda n: (h[n]["pdf_median"], h[n]["pdf_ratio"]),
        ),
        (
            "handover: compile + text + PDF",
            "ms",
            "flat",
            "sum of the three baselines",
            lambda n: (h[n]["total_median"], h[n]["total_ratio"]),
        ),
        (
            "roster month page read, median",
            "ms",
            "flat",
            "plain SELECT of the month",
            lambda n: (pg[n]["read_median"], pg[n]["ratio"]),
        ),
        (
            "roster month grid draw, median",
            "ms",
            "flat",
            "empty DataTable, same size",
            lambda n: (gd[n]["draw_median"], gd[n]["ratio_vs_empty_table"]),
        ),
    ]
    d1, d10 = res["desks"]["1y"]["counts"], res["desks"]["10y"]["counts"]
    data_growth = (d10["incidents"] + d10.get("log_entries", 0)) / (
        d1["incidents"] + d1.get("log_entries", 0)
    )
    out = []
    for label, unit, expect, base, get in spec:
        v1, r1 = get("1y")
        v10, r10 = get("10y")
        scale = 1000 if unit == "ms" else 1
        g = v10 / v1 if v1 else float("nan")
        # A tail (p95, p99) is a handful of samples: on a shared machine it moves more.
        tol = 2.0 if ("p95" in label or "p99" in label) else 1.5
        if expect == "flat":
            verdict = (
                "flat"
                if g < tol
                else (
                    "**grows with history**"
                    if g < data_growth / 2
                    else "**grows with the data (O(n))**"
                )
            )
        else:
            verdict = (
                "slower than data"
                if g <= data_growth * 0.7
                else "with the data"
                if g <= data_growth * 1.4
                else "**FASTER than data**"
            )
        out.append(
            {
                "label": label,
                "unit": unit,
                "expect": expect,
                "baseline": base,
                "v1": v1 * scale,
                "r1": r1,
                "v10": v10 * scale,
                "r10": r10,
                "growth": g,
                "verdict": verdict,
                "flag": verdict.startswith("**"),
            }
        )
    return out, data_growth


# -- RESULTS.md --------------------------------------------------------------------------------
def _n(x: float, unit: str) -> str:
    if unit == "ms":
        return f"{x:.1f} ms" if x < 100 else f"{x:,.0f} ms"
    return f"{x:,.0f} {unit}"


def markdown(res: dict, command: str) -> str:
    import startup

    figs, data_growth = figures(res)
    m = res["machine"]
    out = [
        "# Results",
        "",
        f"Measured {res['started'][:16].replace('T', ' ')} UTC on the working tree at "
        f"{res['git']}, by",
        "",
        "```bash",
        command,
        "```",
        "",
        f"The whole run took {res['seconds'] / 60:.1f} min ("
        + ", ".join(f"{k} {v:.0f} s" for k, v in res["step_seconds"].items())
        + ").",
        "",
        "## Machine",
        "",
        f"- `nproc` {m['nproc']}; CPU {m['cpu']}; memory {m['memory']}; Linux {m['kernel']}",
        f"- load average at the start {' / '.join(f'{x:.1f}' for x in m['load_start'])}, "
        f"at the end {' / '.join(f'{x:.1f}' for x in m['load_end'])} (1 / 5 / 15 min)",
        f"- Python {m['python']}, SQLite {m['sqlite']}, Textual {m['textual']}, sqlite-utils "
        f"{m['sqlite-utils']}, pydantic {m['pydantic']}, reportlab {m['reportlab']}",
        "",
        "## Desks",
        "",
        "| desk | incidents | duty log | reports | figure versions | deadlines | shifts | "
        "units | audit entries | size | made in | this run |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for key, d in res["desks"].items():
        c = d["counts"]
        out.append(
            f"| {key} | {c['incidents']:,} | {c.get('log_entries', 0):,} | {c['reports']:,} | "
            f"{c.get('figures', 0):,} | {c['deadlines']:,} | {c['shifts']:,} | {c['units']:,} | "
            f"{c['audit']:,} | {d['bytes'] / 2**20:,.0f} MiB | {d['seconds']:.0f} s | "
            f"{'reused (made ' + d.get('made_at', '?')[:16] + ')' if d.get('reused') else 'made'}"
            " |"
        )
    g10 = res["desks"]["10y"]["stats"]["grades"]
    out += [
        "",
        "Ten years: grades "
        + ", ".join(f"{k} {g10.get(k, 0):,}" for k in ("I", "II", "III", "IV"))
        + f"; {res['desks']['10y']['stats']['open_incidents']} incidents open, "
        f"{res['desks']['10y']['stats']['running_clocks']} running clocks. Each desk stands "
        f"at the instant it was made; the benchmarks run the application with its clock "
        f"set back by the desk's age.",
        "",
    ]

    out += [
        "## Figures",
        "",
        "Every figure is the application's time (or memory) next to a baseline measured in "
        "the same run, as a ratio (× baseline). Growth: the ten-year figure over the "
        f"one-year one; the data grows {data_growth:.1f}× (incidents + duty-log entries). "
        '"flat" figures must not depend on the length of the history; search may grow '
        "with the data, never faster.",
        "",
        "| figure | 1 year | × base | 10 years | × base | baseline | growth 1→10 y | "
        "expected | verdict |",
        "|---|---:|---:|---:|---:|---|---:|---|---|",
    ]
    for f in figs:
        out.append(
            f"| {f['label']} | {_n(f['v1'], f['unit'])} | {f['r1']:.2f} | "
            f"{_n(f['v10'], f['unit'])} | {f['r10']:.2f} | {f['baseline']} | "
            f"{f['growth']:.2f}× | {f['expect']} | {f['verdict']} |"
        )
    flagged = [f for f in figs if f["flag"]]
    out += [
        "",
        (
            "**Flagged:** "
            + "; ".join(f"{f['label']} ({f['growth']:.1f}×)" for f in flagged)
            + ". See the findings in "
            "[README.md](README.md#findings)."
        )
        if flagged
        else "Nothing grows faster than the data, and no figure that should be flat grows.",
        "",
    ]

    sv = res["save"]
    nd = sv["subjects"]["new desk"]
    tk = res["tick"]
    out += [
        "### Details",
        "",
        f"- **Save** ({sv['n']} saves per desk after 10 warm-up, alternating): new desk "
        f"p50 {nd['p50'] * 1000:.2f} ms / p99 {nd['p99'] * 1000:.2f} ms; plain INSERT+COMMIT "
        f"p50 {sv['base_p50'] * 1000:.2f} ms / p99 {sv['base_p99'] * 1000:.2f} ms. Slowest "
        f"saves (p99.9 / max): "
        + ", ".join(
            f"{k} {v['p999'] * 1000:.0f} / {v['max'] * 1000:.0f} ms"
            for k, v in sv["subjects"].items()
        )
        + ". Target p99 ≤ 10 ms: "
        + ", ".join(
            f"{k} {'ok' if v['p99'] <= 0.010 else 'MISSED'}" for k, v in sv["subjects"].items()
        )
        + ". Before the saves, full-text merging "
        "caught up as a console open on the desk does (steps, DB-thread time, longest step): "
        + ", ".join(
            f"{k} {c['steps']}, {c['seconds']:.1f} s, {c['longest_step'] * 1000:.0f} ms"
            for k, c in sv.get("catch_up", {}).items()
        )
        + ".",
        f"- **Tick**: {tk['n_clocks']} clocks; p95 "
        + ", ".join(f"{k} {v['p95'] * 1000:.2f} ms" for k, v in tk["subjects"].items())
        + f"; 100 plain cell updates {tk['base_p50'] * 1000:.2f} ms. Target ≤ 5 ms.",
    ]
    se = res["search"]
    out.append(
        f"- **Search** ({se['n']} searches per desk over {se['queries']} queries, "
        "typed as in the search screen; p50 / p95):"
    )
    for k, v in se["subjects"].items():
        out.append(
            f"  - {k} ({v['incidents']:,} incidents, {v['log_entries']:,} duty-log entries): "
            f"incidents + log {v['all']['p50'] * 1000:.1f} / {v['all']['p95'] * 1000:.1f} ms, "
            f"incidents only {v['incidents_only']['p50'] * 1000:.1f} / "
            f"{v['incidents_only']['p95'] * 1000:.1f} ms, last 30 days "
            f"{v['since_30d']['p50'] * 1000:.1f} / {v['since_30d']['p95'] * 1000:.1f} ms, "
            f"category {v['category']['p50'] * 1000:.1f} / {v['category']['p95'] * 1000:.1f} ms; "
            f"baseline {v['base_p50'] * 1000:.2f} / {v['base_p95'] * 1000:.2f} ms; "
            f"{v['mean_hits']:.0f} hits on average ({v['mean_log_hits']:.0f} from the log); "
            f"slowest: {v['worst'][1]} {v['worst'][0] * 1000:.0f} ms. Target p95 ≤ 50 ms."
        )
    ho = res["handover"]
    out.append(
        f"- **Handover** of the last complete shift ({ho['repeat']} runs, medians; font "
        f"{ho['font']}{' — ' + ho['font_warning'] if ho['font_warning'] else ''}):"
    )
    for k, v in ho["subjects"].items():
        out.append(
            f"  - {k}: shift #{v['shift_id']}, {v['incidents']} incidents ({v['clocks']} "
            f"clocks), {v['log']} duty-log entries, {v['running']} running clocks; "
            f"{v['lines']} lines, {v['text_lines']} lines of text, {v['pdf_pages']} PDF pages. "
            f"compile {v['compile_median'] * 1000:.0f} ms (plain SELECTs "
            f"{v['compile_base_median'] * 1000:.0f} ms), text {v['text_median'] * 1000:.0f} ms "
            f"(textwrap {v['text_base_median'] * 1000:.0f} ms), Markdown "
            f"{v['markdown_median'] * 1000:.0f} ms, PDF {v['pdf_median'] * 1000:.0f} ms "
            f"(minimal document {v['pdf_base_median'] * 1000:.0f} ms)."
        )
    ro = res["roster"]
    gr, rot = ro["grid"], ro["rotation"]
    out.append(
        f"- **Roster**: synthetic busy month ({gr['rows']} day and night shifts × "
        f"{gr['columns']} columns, changes and problems) drawn in {gr['draw_median'] * 1000:.1f} "
        f"ms median (p95 {gr['draw_p95'] * 1000:.1f} ms) against "
        f"{gr['empty_table_median'] * 1000:.1f} ms for the empty table: "
        f"{gr['ratio_vs_empty_table']:.2f}× (target ≤ 100 ms). Desks' months: "
        + ", ".join(
            f"{k} {v['rows']} shifts, read {v['read_median'] * 1000:.1f} ms (plain "
            f"{v['base_median'] * 1000:.2f} ms)"
            for k, v in ro["pages"].items()
        )
        + f". A year of rotations ({rot['shifts']} shifts, {rot['assigned']} assignments, "
        f"audited): {rot['generate_median'] * 1000:.0f} ms median, "
        f"{rot['ratio_vs_raw_insert']:.1f}× plain INSERTs of the same rows "
        f"({rot['raw_insert_median'] * 1000:.0f} ms); target ≤ 1 s."
    )
    if "check" in res:
        out.append(
            "- **`watchdesk check`** (integrity check, audit chain, every row against its "
            "last audited state): "
            + "; ".join(
                f"{k} {'passes' if v['ok'] else 'FAILS'} in {v['seconds']:.0f} s, peak "
                f"{v['rss_kib'] / 1024:,.0f} MiB"
                for k, v in res["check"].items()
            )
            + "."
        )
    out += [
        "",
        "### Start-up",
        "",
        startup.table(res["startup"]),
        "",
        "Raw figures: `bench/out/results.json`.",
        "",
    ]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--runs", type=int, default=15, help="start-up runs per subject")
    p.add_argument("--saves", type=int, default=1000, help="per desk")
    p.add_argument("--searches", type=int, default=150, help="per desk")
    p.add_argument("--repeat", type=int, default=5, help="handover renders per desk")
    p.add_argument("--grid-repeat", type=int, default=20)
    p.add_argument("--rotations", type=int, default=3)
    p.add_argument("--regenerate", action="store_true", help="make the desks again")
    p.add_argument(
        "--check",
        action="store_true",
        help="also run `watchdesk check` on both desks (about 4 min more)",
    )
    p.add_argument("--results", type=Path, default=HERE / "RESULTS.md")
    p.add_argument("--json", type=Path, default=desks.OUT / "results.json")
    p.add_argument("--command", help="the command line to record (run.sh passes its own)")
    a = p.parse_args(argv)
    command = a.command or " ".join(
        shlex.quote(x)
        for x in ["python", "bench/suite.py", *(argv if argv is not None else sys.argv[1:])]
    )
    desks.OUT.mkdir(parents=True, exist_ok=True)
    res = run(a)
    res["command"] = command
    a.json.write_text(json.dumps(res, indent=1, ensure_ascii=False, default=str) + "\n")
    text = markdown(res, command)
    a.results.write_text(text)
    figs, _ = figures(res)
    print(text.split("## Figures", 1)[1].split("### Details", 1)[0].strip())
    return 0


if __name__ == "__main__":
    sys.exit(main())
