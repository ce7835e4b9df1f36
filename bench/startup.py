"""Time to a painted first screen: watchdesk on a desk versus a bare Textual app, same run.

    python bench/startup.py --db bench/out/desk-10y.db [--db bench/out/desk-1y.db] [--runs 15]

Each measurement is a fresh `python bench/_launch.py ...` process, timed from before it starts
(wall clock, so interpreter start-up and imports count) until it exits right after its first
screen is painted with data. The baseline is a bare Textual app with a Header, a DataTable and a
Footer. Runs alternate (baseline, desk 1, desk 2, baseline, ...) after one unmeasured warm-up
each, so drift on a shared machine hits all of them alike. Only the ratio of medians is meant to
be compared between machines; the milliseconds are for this machine at this moment.

Each process also reports its peak resident memory (VmHWM, i.e. its own ru_maxrss): the console
that opened the desk against the bare app. A desk made by `desks.py` is opened with the app's clock set back by
the desk's age, so its "today" and its clocks look as they did when it was made.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
LAUNCH = HERE / "_launch.py"
TARGET = 1.5  # the budget: watchdesk on a ten-year desk ≤ 1.5× the bare app


def launch(args: list[str]) -> tuple[float, float, dict]:
    """(seconds to exit, seconds to first paint, in-process marks) of one fresh process."""
    epoch = time.time()
    t0 = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, str(LAUNCH), *args], capture_output=True, text=True, check=False
    )
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
    marks = json.loads(proc.stdout.strip().splitlines()[-1])
    return wall, marks.pop("painted_epoch") - epoch, marks


def p90(xs: list[float]) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, round(0.9 * (len(xs) - 1)))]


def subjects_for(dbs: list[Path]) -> list[tuple[str, list[str]]]:
    """The bare app, then watchdesk on each desk (with its age when it has a sidecar)."""
    out = [("bare Textual app", ["bare"])]
    for db in dbs:
        side = db.with_suffix(".json")
        age = []
        if side.exists():
            made = datetime.fromisoformat(json.loads(side.read_text())["now"])
            age = [f"{(datetime.now(UTC) - made).total_seconds():.0f}"]
        out.append((f"watchdesk {db.name}", ["watchdesk", str(db), *age]))
    return out


def byte_compile() -> None:
    """Measure the package as `pip install` leaves it: byte-compiled. A checkout (or an
    editable install) under PYTHONDONTWRITEBYTECODE=1 would otherwise compile every module from
    source in every measured process (~50 ms), while Textual's modules, installed by pip, are
    compiled; the bare app would be favoured."""
    import compileall
    import importlib.util

    spec = importlib.util.find_spec("watchdesk")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        compileall.compile_dir(folder, quiet=1)


def measure(
    dbs: list[Path] | None,
    runs: int,
    warmup: int = 1,
    subjects: list[tuple[str, list[str]]] | None = None,
) -> dict:
    subjects = subjects or subjects_for(dbs or [])
    byte_compile()
    walls: dict[str, list[float]] = {name: [] for name, _ in subjects}
    paints: dict[str, list[float]] = {name: [] for name, _ in subjects}
    marks: dict[str, list[dict]] = {name: [] for name, _ in subjects}
    for i in range(warmup + runs):
        for name, args in subjects:
            wall, paint, m = launch(args)
            if i >= warmup:
                walls[name].append(wall)
                paints[name].append(paint)
                marks[name].append(m)
    base = statistics.median(walls[subjects[0][0]])
    base_paint = statistics.median(paints[subjects[0][0]])
    base_rss = max(m.get("maxrss_kib", 0) for m in marks[subjects[0][0]])
    rows = []
    for name, args in subjects:
        w, fp = walls[name], paints[name]
        rss = max(m.pop("maxrss_kib", 0) for m in marks[name])
        phases = {k: statistics.median(m[k] for m in marks[name]) for k in marks[name][0]}
        rows.append(
            {
                "subject": name,
                "args": args,
                "runs": len(w),
                "median_s": statistics.median(w),
                "p90_s": p90(w),
                "ratio": statistics.median(w) / base,
                "paint_median_s": statistics.median(fp),
                "paint_p90_s": p90(fp),
                "paint_ratio": statistics.median(fp) / base_paint,
                "phases_s": phases,
                "maxrss_kib": rss,
                "rss_ratio": rss / base_rss if base_rss else None,
                "walls_s": [round(x, 4) for x in w],
                "paints_s": [round(x, 4) for x in fp],
            }
        )
    return {
        "python": sys.version.split()[0],
        "runs": runs,
        "warmup": warmup,
        "rows": rows,
        "target_ratio": TARGET,
    }


def table(result: dict) -> str:
    out = [
        (
            "| subject | to exit: median | p90 | **× bare** | to first paint: median | p90 | "
            "× bare | imports (+ desk opened) | data loaded | painted | peak RSS | × bare |"
        ),
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in result["rows"]:
        ph = r["phases_s"]

        def ms(k: str, ph: dict = ph) -> str:
            return f"{ph[k] * 1000:.0f} ms" if k in ph else "–"

        out.append(
            f"| {r['subject']} | {r['median_s'] * 1000:.0f} ms | {r['p90_s'] * 1000:.0f} ms"
            f" | **{r['ratio']:.2f}** | {r['paint_median_s'] * 1000:.0f} ms | "
            f"{r['paint_p90_s'] * 1000:.0f} ms | {r['paint_ratio']:.2f} | "
            f"{ms('imported')} | {ms('loaded')} | {ms('painted')} | "
            f"{r['maxrss_kib'] / 1024:.0f} MiB | {r['rss_ratio']:.2f} |"
        )
    out.append("")
    out.append(
        f"{result['runs']} runs each after {result['warmup']} warm-up, alternating. "
        f"'To exit': wall time of the whole process (the headline figure; target ≤ "
        f"{TARGET}× "
        f"bare). 'To first paint': process spawn until the screen with its data was painted "
        f"(leaves out shutdown). Imports … painted: in-process medians since the launcher's "
        f"first line ran. Peak RSS: the largest of the runs (VmHWM)."
    )
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument(
        "--db",
        action="append",
        required=True,
        type=Path,
        help="a desk database (repeat to compare several in the same run)",
    )
    p.add_argument("--runs", type=int, default=15)
    p.add_argument("--warmup", type=int, default=1)
    p.add_argument("--json", type=Path, help="also write the figures as JSON here")
    a = p.parse_args(argv)
    for db in a.db:
        if not db.exists():
            p.error(f"no desk at {db}; make one with bench/generate.py")
    result = measure(a.db, a.runs, a.warmup)
    print(table(result))
    if a.json:
        a.json.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
