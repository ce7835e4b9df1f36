"""RESULTS.md from one run of the suite: every figure from the run's JSON, nothing else.

    python bench/results.py bench/out/runs/<UTC time> [--results bench/RESULTS.md]

`suite.py` (via `bench/run.sh`) writes a run's folder: `run.json` (machine, git state, command,
desks, and per part its exact command line, start, duration, exit status and load average at its
start and end) and one JSON per part. This renders it. A part that did not run, failed or wrote
no JSON is shown as "not measured in this run"; figures of earlier runs are never carried over.

Scaling verdicts (`verdict`) compare **ratios**, not times: each figure's ratio against its
baseline measured in the same run, on the small desk and on the large one. A ten-year run made
while the machine was busier has a slower baseline too, so it is not flagged as growth. Where the
work itself differs between the desks and the baseline does not do the same work (search hits,
the incidents of the last shift), the growth is divided by the growth of the work.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

NOT_MEASURED = "not measured in this run"


# -- verdicts ----------------------------------------------------------------------------------
def verdict(
    expect: str,
    ratio_small: float | None,
    ratio_large: float | None,
    data_growth: float,
    *,
    tail: bool = False,
    work: tuple[float, float] | None = None,
) -> dict:
    """How a figure grows from the small desk to the large one, from its ratios against the
    baseline of the same run on each desk.

    growth = (ratio_large / ratio_small) / (work_large / work_small) when `work` is given (the
    subject's work differs between the desks, its baseline's does not), else the ratios' quotient.
    `expect` "flat": must not depend on the length of the history: *flat* below 1.5× (2× for a
    tail: p95, p99, max), else **grows with history**, from half the data's growth **grows with
    the data**. "data": may grow with the data, never faster: *flat*, *grows slower than the data*
    (up to 0.7× its growth), *grows with the data* (up to 1.4×), else **grows faster than the
    data**. A flagged verdict is bold (`flag`)."""
    if (
        not ratio_small
        or not ratio_large
        or any(math.isnan(x) or x <= 0 for x in (ratio_small, ratio_large))
    ):
        return {"growth": None, "verdict": "no ratio", "flag": False}
    g = ratio_large / ratio_small
    if work is not None:
        w0, w1 = work
        if w0 and w1 and w0 > 0 and w1 > 0:
            g /= w1 / w0
    tol = 2.0 if tail else 1.5
    if g < tol:
        v = "flat"
    elif expect == "flat":
        v = "**grows with history**" if g < data_growth / 2 else "**grows with the data**"
    elif g <= data_growth * 0.7:
        v = "grows slower than the data"
    elif g <= data_growth * 1.4:
        v = "grows with the data"
    else:
        v = "**grows faster than the data**"
    return {"growth": g, "verdict": v, "flag": v.startswith("**")}


# -- helpers -----------------------------------------------------------------------------------
def ms(x: float | None) -> str:
    if x is None:
        return "–"
    x *= 1000
    return f"{x:.2f} ms" if x < 1 else f"{x:.1f} ms" if x < 100 else f"{x:,.0f} ms"


def rx(x: float | None) -> str:
    return "–" if x is None else f"{x:.2f}"


def p95(xs: list[float]) -> float:
    s = sorted(xs)
    return s[min(len(s) - 1, round(0.95 * (len(s) - 1)))]


def met(ok: bool | None) -> str:
    return "–" if ok is None else ("met" if ok else "**not met**")


def shown_path(path: Path) -> str:
    """A path under the checkout relative to it."""
    try:
        return str(path.resolve().relative_to(HERE.parent))
    except ValueError:
        return str(path)


def load_text(xs: list[float] | None) -> str:
    return " / ".join(f"{x:.1f}" for x in xs) if xs else "?"


class Run:
    """A run's folder: its record and the JSON of the parts that succeeded."""

    def __init__(self, folder: Path):
        self.dir = folder
        self.record = json.loads((folder / "run.json").read_text())
        self.entries = self.record.get("parts", [])
        desks = self.record.get("desks", {})
        self.desks: list[str] = list(desks)
        c = {k: d.get("counts", {}) for k, d in desks.items()}
        self.small: str = self.desks[0] if self.desks else ""
        self.large: str = self.desks[-1] if self.desks else ""

        def data(k: str) -> int:
            return c.get(k, {}).get("incidents", 0) + c.get(k, {}).get("log_entries", 0)

        self.data_growth = (
            data(self.large) / data(self.small) if len(self.desks) > 1 and data(self.small) else 1
        )

    def entry(self, pid: str) -> dict | None:
        return next((e for e in self.entries if e["id"] == pid), None)

    def data(self, pid: str) -> dict | None:
        """The part's JSON when it ran in this run, exited 0 and wrote it; else None."""
        e = self.entry(pid)
        if e is None or e.get("rc") or e.get("error"):
            return None
        path = self.dir / e["json"]
        try:
            return json.loads(path.read_text())
        except (OSError, ValueError):
            return None

    def status(self, pid: str) -> str:
        e = self.entry(pid)
        if e is None:
            return NOT_MEASURED
        if e.get("rc") or e.get("error"):
            return f"{NOT_MEASURED} (the part failed, exit {e.get('rc')}: see `{e.get('log')}`)"
        return "measured"

    def ids(self, part: str) -> list[str]:
        return [e["id"] for e in self.entries if e["part"] == part]

    def pid(self, part: str, desk: str | None = None, load: str = "quiet") -> str:
        return "-".join(x for x in (part, desk, load if load != "quiet" else None) if x)


# -- the parts ---------------------------------------------------------------------------------
def core_rows(run: Run, res: dict) -> list[dict]:
    """The core part's figures: (label, expectation, baseline, per desk value/ratio/work)."""
    # a step of the core part that failed has no key: its rows are left out
    sv, s = res.get("save", {}).get("subjects", {}), res.get("search", {}).get("subjects", {})
    h, tk = res.get("handover", {}).get("subjects", {}), res.get("tick", {}).get("subjects", {})
    pg = res.get("roster", {}).get("pages", {})
    gd = res.get("roster", {}).get("grid", {}).get("desks", {})

    def st(n: str) -> dict:
        rows = res.get("startup", {}).get("rows", [])
        return next(r for r in rows if r["subject"] == f"watchdesk {n}")

    spec = [
        ("start-up to first paint, median", "flat", "bare Textual app",
         lambda n: (st(n)["paint_median_s"], st(n)["paint_ratio"], None)),
        ("start-up to exit, median", "flat", "bare Textual app",
         lambda n: (st(n)["median_s"], st(n)["ratio"], None)),
        ("save an incident, p50", "flat", "plain INSERT+COMMIT",
         lambda n: (sv[n]["p50"], sv[n]["ratio_p50"], None)),
        ("save an incident, p99", "flat", "plain INSERT+COMMIT p99",
         lambda n: (sv[n]["p99"], sv[n]["ratio_p99"], None)),
        ("search incidents + duty log, p95 (per hit)", "data", "50 newest incidents",
         lambda n: (s[n]["all"]["p95"], s[n]["all"]["ratio_p95"], s[n].get("mean_hits"))),
        ("search incidents only, p95", "data", "50 newest incidents",
         lambda n: (s[n]["incidents_only"]["p95"], s[n]["incidents_only"]["ratio_p95"], None)),
        ("search, last 30 days, p95", "flat", "50 newest incidents",
         lambda n: (s[n]["since_30d"]["p95"], s[n]["since_30d"]["ratio_p95"], None)),
        ("search, category filter, p95", "flat", "50 newest incidents",
         lambda n: (s[n]["category"]["p95"], s[n]["category"]["ratio_p95"], None)),
        ("dashboard read, median", "flat", "50 newest incidents",
         lambda n: (s[n]["dashboard"]["p50"], s[n]["dashboard"]["ratio_p50"], None)),
        ("one tick, 100 clocks, median", "flat", "100 plain cell updates",
         lambda n: (tk[n]["p50"], tk[n]["ratio_p50"], None)),
        ("handover: compile", "flat", "plain SELECTs of the same rows",
         lambda n: (h[n]["compile_median"], h[n]["compile_ratio"], None)),
        ("handover: text", "flat", "textwrap of the same lines",
         lambda n: (h[n]["text_median"], h[n]["text_ratio"], None)),
        ("handover: PDF", "flat", "minimal reportlab doc, same lines",
         lambda n: (h[n]["pdf_median"], h[n]["pdf_ratio"], None)),
        ("handover: compile + text + PDF", "flat", "sum of the three baselines",
         lambda n: (h[n]["total_median"], h[n]["total_ratio"], None)),
        ("roster month page read, median", "flat", "plain SELECT of the month",
         lambda n: (pg[n]["read_median"], pg[n]["ratio"], None)),
        ("roster month grid draw, median", "flat", "empty DataTable, same size",
         lambda n: (gd[n]["draw_median"], gd[n]["ratio_vs_empty_table"], None)),
    ]  # fmt: skip
    rows = []
    for label, expect, base, get in spec:
        try:
            per = {n: get(n) for n in (run.small, run.large)}
        except (KeyError, StopIteration, TypeError):
            continue
        (v0, r0, w0), (v1, r1, w1) = per[run.small], per[run.large]
        work = (w0, w1) if w0 and w1 else None
        tail = any(t in label for t in ("p95", "p99", "max"))
        rows.append(
            {"label": label, "expect": expect, "baseline": base, "v0": v0, "r0": r0, "v1": v1,
             "r1": r1, **verdict(expect, r0, r1, run.data_growth, tail=tail, work=work)}
        )  # fmt: skip
    return rows


def scaling_table(run: Run, rows: list[dict]) -> list[str]:
    a, b = run.small, run.large
    out = [
        f"| figure | {a} | × base | {b} | × base | baseline | growth {a}→{b} (of the ratios) "
        "| expected | verdict |",
        "|---|---:|---:|---:|---:|---|---:|---|---|",
    ]
    for r in rows:
        g = "–" if r["growth"] is None else f"{r['growth']:.2f}×"
        out.append(
            f"| {r['label']} | {ms(r['v0'])} | {rx(r['r0'])} | {ms(r['v1'])} | {rx(r['r1'])} | "
            f"{r['baseline']} | {g} | {r['expect']} | {r['verdict']} |"
        )
    return out


def section_core(run: Run, targets: list) -> list[str]:
    out = ["## Core figures (`core`: `suite.py --core-json`)", ""]
    res = run.data("core")
    if res is None:
        return out + [run.status("core").capitalize() + ".", ""]
    rows = core_rows(run, res)
    flagged = [r["label"] for r in rows if r["flag"]]
    if run.small != run.large:  # one desk: no growth to judge
        targets.append(
            (
                f"Core figures flat {run.small}→{run.large} (flagged by the verdicts)",
                ", ".join(flagged) or "none",
                met(not flagged),
            )
        )
    out += [
        "Start-up to first paint and exit (`startup.py`, fresh processes), saving an incident "
        "and search (`lifecycle_bench.py`), a countdown tick, the handover of the last complete "
        "shift (`handover_bench.py`) and the roster (`roster_bench.py`), both desks in one "
        "process, each figure alternating with its baseline.",
        "",
        *scaling_table(run, rows),
        "",
    ]
    h = res.get("handover", {}).get("subjects", {})
    if h:
        out.append(
            "Handover work per desk (its baseline does the same work, so the ratio needs no "
            "normalising): "
            + "; ".join(
                f"{n}: {v['incidents']} incidents, {v['lines']} lines, {v['pdf_pages']} PDF pages"
                for n, v in h.items()
            )
            + "."
        )
    se = res.get("search", {}).get("subjects", {})
    if se:
        hits = ", ".join(f"{n} {v['mean_hits']:.0f}" for n, v in se.items())
        out.append(f"Search hits on average (the first search row is per hit): {hits}.")
    sv = res.get("save")
    if sv:
        out += [
            "",
            f"Saves: {sv['n']} per desk; plain INSERT+COMMIT p50 {ms(sv['base_p50'])}, p99 "
            f"{ms(sv['base_p99'])}; slowest save per desk: "
            + ", ".join(f"{k} {ms(v['max'])}" for k, v in sv["subjects"].items())
            + ".",
        ]
    for step, error in res.get("errors", {}).items():
        out.append(f"\n**{step}: failed, not measured in this run** ({error}).")
    out.append("")
    return out


def section_startup(run: Run, targets: list) -> list[str]:
    out = [
        "## Start-up to a complete first screen (`startup`: `startup_pty.py`)",
        "",
        "A real terminal (pty 140×45), from spawning the command to the last byte before the "
        "screen is complete and stays so; the baseline is a bare Textual app (Header, DataTable, "
        "Footer) alternating with the console in the same run. Targets: 1.3× the bare app "
        "quiet, 1.5× with one core busy, flat from one year to ten.",
        "",
        "| desk | load | bare app median | watchdesk median | min | max | × bare | CPU to it "
        "| CPU × bare | target |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    ratios: dict[tuple[str, str], float] = {}
    for load in ("quiet", "busy"):
        for n in run.desks:
            pid = run.pid("startup", n, load)
            d = run.data(pid)
            if d is None:
                if run.entry(pid):
                    out.append(f"| {n} | {load} | {run.status(pid)} | | | | | | | |")
                continue
            bare = statistics.median(d["times"][d["baseline"]])
            mine = next(v for k, v in d["times"].items() if k == "this tree")
            r = statistics.median(mine) / bare
            ratios[(n, load)] = r
            limit = 1.3 if load == "quiet" else 1.5
            cpus = d.get("cpu", {})  # CPU time to the complete screen, when the script gives it
            cpu = statistics.median(cpus["this tree"]) if cpus.get("this tree") else None
            cpu_b = statistics.median(cpus[d["baseline"]]) if cpus.get(d["baseline"]) else None
            cpu_r = cpu / cpu_b if cpu and cpu_b else None
            out.append(
                f"| {n} | {load} | {ms(bare)} | {ms(statistics.median(mine))} | {ms(min(mine))} "
                f"| {ms(max(mine))} | **{r:.2f}** | {ms(cpu)} | {rx(cpu_r)} "
                f"| ≤ {limit}×: {met(r <= limit)} |"
            )
            if n == run.large:
                targets.append(
                    (f"Start-up ≤ {limit}× bare ({load}, {n})", f"{r:.2f}×", met(r <= limit))
                )
    for load in ("quiet", "busy"):
        if (run.small, load) in ratios and (run.large, load) in ratios and run.small != run.large:
            v = verdict(
                "flat", ratios[(run.small, load)], ratios[(run.large, load)], run.data_growth
            )
            out.append(
                f"\nGrowth {run.small}→{run.large} ({load}) of the ratio: {v['growth']:.2f}×, "
                f"{v['verdict']}."
            )
            targets.append((f"Start-up flat {run.small}→{run.large} ({load})", f"{v['growth']:.2f}×",
                            met(not v["flag"])))  # fmt: skip
    return out + [""]


def section_keys(run: Run, targets: list) -> list[str]:
    out = [
        "## Key to painted screen (`keys`: `keys.py`)",
        "",
        "A real terminal; from the key to the last write that changed the screen (digits masked, "
        "so the clocks behind a dialog do not count); the baseline is a bare Textual app pushing "
        "a screen of about the same number of widgets, alternating. Target: p95 ≤ 1.5× the bare "
        "push, and under 100 ms when quiet.",
        "",
    ]
    for load in ("quiet", "busy"):
        for n in run.desks:
            pid = run.pid("keys", n, load)
            d = run.data(pid)
            if d is None:
                if run.entry(pid):
                    out += [f"- {n}, {load}: {run.status(pid)}", ""]
                continue
            out += [
                f"**{n}, {load}** ({d['runs']} runs):",
                "",
                "| key | opens | widgets | p50 | p95 | CPU p50 | bare p95 | × bare | target |",
                "|---|---|---:|---:|---:|---:|---:|---:|---|",
            ]
            worst = 0.0
            slow = 0.0
            for k, (what, widgets, b) in d["screens"].items():
                ts = d["times"]["this tree"][k]
                cpu = d.get("cpus", {}).get("this tree", {}).get(k)
                base = p95(d["bare_times"][b])
                r = p95(ts) / base
                worst, slow = max(worst, r), max(slow, p95(ts))
                ok = r <= 1.5 and (load != "quiet" or p95(ts) < 0.1)
                out.append(
                    f"| `{k}` | {what} | {widgets} | {ms(statistics.median(ts))} | {ms(p95(ts))} "
                    f"| {ms(statistics.median(cpu)) if cpu else '–'} | {ms(base)} | **{r:.2f}** "
                    f"| {met(ok)} |"
                )
            out.append("")
            if n == run.large:
                targets.append((f"Keys p95 ≤ 1.5× bare ({load}, {n}), worst key", f"{worst:.2f}×",
                                met(worst <= 1.5)))  # fmt: skip
                if load == "quiet":
                    targets.append((f"Keys p95 < 100 ms (quiet, {n}), slowest key", ms(slow),
                                    met(slow < 0.1)))  # fmt: skip
    return out + [""]


def section_idle(run: Run, targets: list) -> list[str]:
    out = [
        "## Idle cost (`idle`: `idle.py`)",
        "",
        "The console in a pty with only its clocks running, after the first complete screen and "
        "the one-off work of the first seconds: bytes written to the terminal, rows of the screen "
        "that changed, the process's CPU time. The baseline: a bare Textual DataTable changing "
        "one cell a second. Targets: at most 2 KiB/s and 1 % of a core.",
        "",
        "| desk | load | subject | bytes/s | × bare one cell | writes/s | rows changed/s | CPU % "
        "| target |",
        "|---|---|---|---:|---:|---:|---:|---:|---|",
    ]
    for load in ("quiet", "busy"):
        for n in run.desks:
            pid = run.pid("idle", n, load)
            d = run.data(pid)
            if d is None:
                if run.entry(pid):
                    out.append(f"| {n} | {load} | {run.status(pid)} | | | | | | |")
                continue
            subj = d["subjects"]
            base = next((v for k, v in subj.items() if "one cell" in k), None)
            for k, v in subj.items():
                r = v["bytes_per_s"] / base["bytes_per_s"] if base and base["bytes_per_s"] else None
                ok = None
                if k == "watchdesk":
                    ok = v["bytes_per_s"] <= 2048 and v["cpu_pct"] <= 1.0
                    if n == run.large:
                        targets.append(
                            (
                                f"Idle ≤ 2 KiB/s ({load}, {n})",
                                f"{v['bytes_per_s']:,.0f} B/s",
                                met(v["bytes_per_s"] <= 2048),
                            )
                        )
                        targets.append((f"Idle ≤ 1 % of a core ({load}, {n})",
                                        f"{v['cpu_pct']:.2f} %", met(v["cpu_pct"] <= 1.0)))  # fmt: skip
                out.append(
                    f"| {n} | {load} | {k} | {v['bytes_per_s']:,.0f} | {rx(r)} | "
                    f"{v['writes_per_s']:.1f} | {v['rows_per_s']:.1f} | {v['cpu_pct']:.2f} | "
                    f"{met(ok)} |"
                )
    return out + [""]


def section_saves(run: Run, targets: list) -> list[str]:
    out = [
        "## Saves on a desk whose full-text index is behind (`saves`: `saves.py`)",
        "",
        "A copy of the desk is put far behind the way a bulk load does it (every full-text row "
        "re-inserted in large transactions); then saves alternate between the subjects (ways of "
        "running the console's maintenance), with its maintenance steps between them. Wall time "
        "says as much about the disk queue of a shared machine as about the save; the saving "
        "thread's CPU time and the rows each save wrote do not. Baseline: a plain INSERT+COMMIT "
        "(synchronous=FULL) beside them. Target: no save over 50 ms.",
        "",
        "| desk | subject | saves | p50 | × plain | p99 | p99.9 | max | CPU p99.9 | CPU max "
        "| rows p50 / max | maintenance steps | over 50 ms |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for n in run.desks:
        pid = run.pid("saves", n)
        d = run.data(pid)
        if d is None:
            if run.entry(pid):
                out.append(f"| {n} | {run.status(pid)} |" + " |" * 11)
            continue
        best = None
        for k, v in d["subjects"].items():
            over = v.get("n_over", v.get("n_over_target"))
            out.append(
                f"| {n} | {k} | {v.get('n', d.get('n'))} | {ms(v.get('p50'))} | "
                f"{rx(v.get('ratio_p50'))} | {ms(v.get('p99'))} | {ms(v.get('p999'))} | "
                f"{ms(v.get('max'))} | {ms(v.get('cpu_p999'))} | {ms(v.get('cpu_max'))} | "
                f"{v.get('rows_p50', 0):.0f} / {v.get('rows_max', '–')} | {v.get('steps', '–')} "
                f"| {over if over is not None else '–'} |"
            )
            if best is None or v.get("max", 1e9) < best[1].get("max", 1e9):
                best = (k, v)
        base = d.get("base") or {"p50": d.get("base_p50"), "max": d.get("base_max")}
        out.append(
            f"| {n} | plain INSERT+COMMIT | {d.get('n')} | {ms(base.get('p50'))} | 1 | "
            f"{ms(base.get('p99'))} | {ms(base.get('p999'))} | {ms(base.get('max'))} | | | | | "
            f"{base.get('n_over', '')} |"
        )
        if best and n == run.large:
            k, v = best
            targets.append(
                (f"No save over 50 ms, wall ({n}, best subject: {k})", ms(v.get("max")),
                 met(v.get("max", 1) <= 0.05))
            )  # fmt: skip
            if v.get("cpu_max") is not None:
                targets.append(
                    (f"No save over 50 ms, CPU ({n}, {k})", ms(v["cpu_max"]),
                     met(v["cpu_max"] <= 0.05))
                )  # fmt: skip
    return out + [""]


def section_search(run: Run, targets: list) -> list[str]:
    out = [
        "## Search with a filter (`search`: `search.py`)",
        "",
        "Each filter with no words and with each of the 30 queries, incidents only, fastest of "
        "`--repeat` runs; wall and the searching thread's CPU time. Baseline on each desk: the "
        "50 newest incidents (`store.incidents.list`). Growth: the ratio p95 / baseline on the "
        "large desk over the small one's, per hit (the baseline's work does not change with the "
        "hits); the verdict is on it. The CPU column (no baseline: a thread's CPU time "
        "hardly moves with the load) is the large desk's CPU p95 over the small one's, per hit. "
        "Target: p95 under 20 ms for every filter, flat in history.",
        "",
    ]
    d = run.data("search")
    if d is None:
        return out[:2] + [run.status("search").capitalize() + ".", ""]
    names = list(d["desks"])
    short = {k: k.removeprefix("desk-") for k in names}
    a, b = names[0], names[-1]
    head = (
        "| filter | "
        + " | ".join(f"{short[n]} p95 | × base | CPU p95 | hits" for n in names)
        + f" | growth {short[a]}→{short[b]} per hit | verdict | CPU p95 growth per hit"
        + f" | p95 < 20 ms ({short[b]}) |"
    )
    out += [head, "|---" * (1 + 4 * len(names) + 4) + "|"]
    worst = 0.0
    flagged = 0
    for key in d["desks"][a]["filters"]:
        cells = [key]
        for n in names:
            f = d["desks"][n]["filters"][key]
            base = d["desks"][n]["base_p50"]
            cells += [ms(f["p95"]), rx(f["p95"] / base), ms(f["cpu_p95"]), f"{f['mean_hits']:.0f}"]
        fa, fb = d["desks"][a]["filters"][key], d["desks"][b]["filters"][key]
        v = verdict(
            "flat",
            fa["p95"] / d["desks"][a]["base_p50"],
            fb["p95"] / d["desks"][b]["base_p50"],
            run.data_growth,
            tail=True,
            work=(max(fa["mean_hits"], 1), max(fb["mean_hits"], 1)),
        )
        flagged += v["flag"]
        worst = max(worst, fb["p95"])
        g = "–" if v["growth"] is None else f"{v['growth']:.2f}×"
        hits = max(fb["mean_hits"], 1) / max(fa["mean_hits"], 1)
        cpu = fb["cpu_p95"] / fa["cpu_p95"] / hits if fa["cpu_p95"] > 0 else None
        cells += [g, v["verdict"], "–" if cpu is None else f"{cpu:.2f}×", met(fb["p95"] < 0.020)]
        out.append("| " + " | ".join(cells) + " |")
    out.append(
        "\nBaselines (50 newest incidents, p50): "
        + ", ".join(f"{short[n]} {ms(d['desks'][n]['base_p50'])}" for n in names)
        + "."
    )
    targets.append(
        (f"Search p95 < 20 ms, every filter ({short[b]}), slowest", ms(worst), met(worst < 0.020))
    )
    if len(names) > 1:  # one desk: no growth to judge
        targets.append(("Search flat in history (filters flagged)", str(flagged), met(flagged == 0)))  # fmt: skip
    return out + [""]


def section_stats(run: Run, targets: list) -> list[str]:
    out = [
        "## Statistics (`stats`: `stats.py`)",
        "",
        "`StatsRepo.compute` for a month and a year, the desk opened read-only; baselines in "
        "the same loop: `count` (count of the period's incidents by index) and `rows` (a plain "
        "SELECT of the period's incidents and clocks). On the largest desk also its first month "
        "and year: nine years of history later, same desk, same run. Targets: a month under "
        "100 ms, a year under 500 ms (p95), flat in history.",
        "",
    ]
    d = run.data("stats")
    if d is None:
        return out[:2] + [run.status("stats").capitalize() + ".", ""]
    out += [
        "| load | desk | period | incidents | median | p95 | × rows | × count | target |",
        "|---|---|---|---:|---:|---:|---:|---:|---|",
    ]
    growth = []
    for load, per in d["loads"].items():
        for desk, m in per.items():
            t = m["times"]
            for name, f in m["periods"].items():
                s, c, r = t[f"stats {name}"], t[f"count {name}"], t[f"rows {name}"]
                limit = 0.1 if name.startswith("month") else 0.5
                ok = s["p95"] < limit
                out.append(
                    f"| {load} | {desk} | {name} ({f['label']}) | {f['incidents']:,} | "
                    f"{ms(s['median'])} | {ms(s['p95'])} | {s['median'] / r['median']:.2f} | "
                    f"{s['median'] / c['median']:.0f} | < {limit * 1000:.0f} ms: {met(ok)} |"
                )
                if desk == list(per)[-1] and name in ("month", "year"):
                    targets.append((f"Statistics, a {name} ({load}, {desk}), p95",
                                    ms(s["p95"]), met(ok)))  # fmt: skip
            for name in ("month", "year"):
                if f"stats {name} y1" in t:
                    v = verdict(
                        "flat",
                        t[f"stats {name} y1"]["median"] / t[f"rows {name} y1"]["median"],
                        t[f"stats {name}"]["median"] / t[f"rows {name}"]["median"],
                        run.data_growth,
                    )
                    growth.append(
                        f"{load}, {desk}, {name}: the last over the first (× rows) "
                        f"{v['growth']:.2f}×, {v['verdict']}"
                    )
    if growth:
        out += ["", "Growth with history: " + "; ".join(growth) + "."]
    return out + [""]


def section_backup(run: Run, targets: list) -> list[str]:
    out = [
        "## Backup engines (`backup`: `backup.py`, issue 18)",
        "",
        "On a copy of each desk: the full copy (SQLite's backup API, today's `watchdesk backup "
        "--full`) is the baseline; Litestream, restic and SQLite's session extension against it, "
        "first and after a busy shift saved through the store.",
        "",
    ]
    any_ = False
    for n in run.desks:
        pid = run.pid("backup", n)
        d = run.data(pid)
        if d is None:
            if run.entry(pid):
                out += [f"- {n}: {run.status(pid)}", ""]
            continue
        any_ = True
        r = next(iter(d.values()))
        full1, full2 = r["full_first"], r["full_after_shift"]
        out += [
            f"**{n}** (desk {r['desk_bytes'] / 2**20:,.0f} MiB; the shift changed "
            f"{r['shift']['changed_pages']} pages, {r['shift']['changed_bytes']:,} bytes):",
            "",
            "| | seconds | bytes | × full copy (time) | × changed bytes |",
            "|---|---:|---:|---:|---:|",
            f"| full copy, first | {full1['seconds']:.1f} | {full1['bytes']:,} | 1 | |",
            f"| full copy, after the shift | {full2['seconds']:.1f} | {full2['bytes']:,} | 1 | "
            f"{full2['bytes'] / r['shift']['changed_bytes']:,.0f} |",
        ]
        for key, label, base in (
            ("litestream_first", "Litestream, first", full1),
            ("litestream_point", "Litestream, after the shift", full2),
            ("restic_first", "restic, first", full1),
            ("restic_after_shift", "restic, after the shift", full2),
            ("session_after_shift", "SQLite session diff, after the shift", full2),
        ):
            v = r.get(key)
            if not v:
                continue
            chg = "" if "first" in key else f"{v['bytes'] / r['shift']['changed_bytes']:.2f}"
            out.append(
                f"| {label} | {v['seconds']:.2f} | {v['bytes']:,} | "
                f"{v['seconds'] / base['seconds']:.3f} | {chg} |"
            )
        out.append("")
    if any_:
        targets.append(("Backup measured on the bench desks", "yes", "met"))
    return out + [""]


def section_check(run: Run, targets: list) -> list[str]:
    out = [
        "## `watchdesk check` (`check`)",
        "",
        "On a copy of each desk (check migrates what it opens), in a fresh process: integrity "
        "check, audit chain, every row against its last audited state. Baseline: SQLite's "
        "`PRAGMA integrity_check` alone on the same copy.",
        "",
        "| desk | result | seconds | integrity_check alone | × baseline | peak memory |",
        "|---|---|---:|---:|---:|---:|",
    ]
    any_ = False
    for n in run.desks:
        pid = run.pid("check", n)
        d = run.data(pid)
        if d is None:
            if run.entry(pid):
                out.append(f"| {n} | {run.status(pid)} | | | | |")
            continue
        any_ = True
        out.append(
            f"| {n} | {'passes' if d['ok'] else '**fails**'} | {d['seconds']:.1f} | "
            f"{d['base_seconds']:.1f} | {rx(d['ratio'])} | {d['rss_kib'] / 1024:,.0f} MiB |"
        )
    if any_:
        targets.append(("`check` measured on the bench desks", "yes", "met"))
    return out + [""]


# -- the page ----------------------------------------------------------------------------------
def render(folder: Path) -> str:
    run = Run(folder)
    rec = run.record
    m = rec["machine"]
    targets: list[tuple[str, str, str]] = []
    started = rec["started"][:16].replace("T", " ")
    out = [
        "# Results",
        "",
        f"Measured {started} UTC on the working tree at {rec['git']}, by",
        "",
        "```bash",
        rec["command"],
        "```",
        "",
        f"Raw figures: `{shown_path(folder)}/` (`run.json` and one JSON per part). "
        "Every figure below comes from that run; a part it did not measure says so.",
        "",
        "## Machine and load",
        "",
        f"- `nproc` {m['nproc']}; CPU {m['cpu']}; memory {m['memory']}; Linux {m['kernel']}",
        f"- Python {m['python']} (`python` below is `{m.get('executable', '?')}`), SQLite "
        f"{m['sqlite']}, Textual {m['textual']}, sqlite-utils {m['sqlite-utils']}, pydantic "
        f"{m['pydantic']}, reportlab {m['reportlab']}",
        f"- load average (1 / 5 / 15 min) at the start {load_text(m.get('load_start'))}, at the "
        f"end {load_text(m.get('load_end'))}; per part below. The machine is shared: only the "
        "ratios against a baseline measured in the same run are meant to be compared.",
        "",
        "## Desks",
        "",
        "| desk | file | incidents | duty log | "
        + " | ".join(p.replace("_", " ") for p in PAPERWORK_COLUMNS)
        + " | size | state |",  # fmt: skip
        "|---|---|---:|---:|" + "---:|" * len(PAPERWORK_COLUMNS) + "---:|---|",
    ]
    paperwork_ok = True
    for k, d in rec["desks"].items():
        c = d.get("counts", {})
        state = f"**measured as it is** ({d['problem']})" if d.get("problem") else "fits this tree"
        if k == run.large:
            paperwork_ok = all(c.get(p, 0) > 0 for p in PAPERWORK_COLUMNS)
        size = f"{d['bytes'] / 2**20:,.0f} MiB" if d.get("bytes") else "–"
        out.append(
            f"| {k} | `{d['path']}` | {c.get('incidents', 0):,} | {c.get('log_entries', 0):,} | "
            + " | ".join(f"{c[p]:,}" if p in c else "–" for p in PAPERWORK_COLUMNS)
            + f" | {size} | {state} |"
        )
    targets.append((f"Bench desk holds the paperwork ({run.large})",
                    "all kinds" if paperwork_ok else "some missing", met(paperwork_ok)))  # fmt: skip
    out += [
        "",
        f"Data growth {run.small}→{run.large} (incidents + duty-log entries): "
        f"{run.data_growth:.1f}×.",
        "",
        "## Parts and commands",
        "",
        "| part | command | load at start → end | took | status |",
        "|---|---|---|---:|---|",
    ]
    for e in run.entries:
        st = "ok" if not (e.get("rc") or e.get("error")) else f"**failed** (exit {e.get('rc')})"
        out.append(
            f"| {e['id']} | `{e['command']}` | {load_text(e.get('load_start'))} → "
            f"{load_text(e.get('load_end'))} | {e.get('seconds', 0):.0f} s | {st} |"
        )
    ran = {e["part"] for e in run.entries}
    missing = [p for p in ALL_PARTS if p not in ran]
    if missing:
        out.append(f"\nNot run this time: {', '.join(missing)}.")
    body: list[str] = [""]
    for part, section in SECTIONS:
        try:
            lines = section(run, targets)
        except (KeyError, TypeError, ValueError, IndexError, StopIteration, ZeroDivisionError) as e:
            # a script's JSON changed shape: say so, never guess or carry older figures
            title = next(line for line in section(EMPTY, []) if line.startswith("## "))
            lines = [
                title,
                "",
                f"Measured, but its JSON is not understood by `bench/results.py` "
                f"({type(e).__name__}: {e}): see the part's JSON in the run folder.",
                "",
            ]
        if not run.ids(part):  # not run at all: the title and nothing else
            lines = [lines[0], "", NOT_MEASURED.capitalize() + ".", ""]
        body += lines
    out += [
        "",
        "## Targets (issue 19)",
        "",
        "| target | measured | |",
        "|---|---:|---|",
        *[f"| {t} | {v} | {ok} |" for t, v, ok in targets],
        "",
        "Targets whose part was not measured in this run are left out of this table.",
        *body,
    ]
    return "\n".join(out).rstrip() + "\n"


PAPERWORK_COLUMNS = (
    "handovers",
    "warnings",
    "rollcall_rounds",
    "leader_checks",
    "duty_signins",
    "written_reports",
    "corrections",
)


class _Empty(Run):
    """A run with nothing in it: a section's title."""

    def __init__(self) -> None:
        self.dir, self.record, self.entries = Path("."), {}, []
        self.desks, self.small, self.large, self.data_growth = [], "", "", 1.0


EMPTY = _Empty()
SECTIONS = (
    ("startup", section_startup),
    ("keys", section_keys),
    ("idle", section_idle),
    ("saves", section_saves),
    ("search", section_search),
    ("stats", section_stats),
    ("backup", section_backup),
    ("check", section_check),
    ("core", section_core),
)
ALL_PARTS = ("core", "startup", "keys", "idle", "saves", "search", "stats", "backup", "check")


def summary(folder: Path) -> str:
    text = render(folder)
    return text.split("## Targets (issue 19)", 1)[1].split("\n## ", 1)[0].strip()


def latest(out: Path) -> Path | None:
    runs = sorted(p for p in out.glob("*/run.json"))
    return runs[-1].parent if runs else None


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("run", type=Path, nargs="?", help="a run's folder (default: the latest)")
    p.add_argument("--results", type=Path, default=HERE / "RESULTS.md")
    a = p.parse_args(argv)
    folder = a.run or latest(HERE / "out" / "runs")
    if folder is None or not (folder / "run.json").exists():
        p.error("no run folder with a run.json (bench/run.sh makes one)")
    a.results.write_text(render(folder))
    print(f"wrote {a.results} from {folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
