"""Every benchmark of the suite in one run, each part's figures written as JSON, RESULTS.md
rendered from that JSON only.

    bench/run.sh [--only idle,keys] [--skip backup] [--desks 1,10] [--desk-dir DIR]
                 [--loads quiet,busy] [--make | --as-is] [--dry-run] [per-part options]

(`bench/run.sh` runs this; `--help` lists every option.) Steps:

1. the desks (`desks.py`): `DIR/desk-1y.db` and `desk-10y.db` (`--desk-dir`, default
   `bench/out`). A desk that is missing, has no sidecar or whose fingerprint (schema, generator,
   parameters) no longer matches is *not* made again silently (the ten-year desk takes well over
   an hour on a busy machine): the run says which and why, and stops. `--make` makes them
   (`desks.ensure`), `--as-is` measures them as they are (RESULTS.md says so).
2. the parts, each a command line run in a fresh process, one after the other, in this order:

   - `core`: this file's own measurements on both desks in one process (start-up to first paint
     and peak memory `startup.py`, the handover of the last shift `handover_bench.py`, saving an
     incident and search `lifecycle_bench.py`, a tick, the roster `roster_bench.py`);
   - `startup` (`startup_pty.py`), `keys` (`keys.py`), `idle` (`idle.py`): per desk, quiet and
     with one core busy (`--busy`);
   - `saves` (`saves.py`): per desk, quiet (the script has no `--busy`);
   - `search` (`search.py`): both desks in one run, quiet;
   - `stats` (`stats.py`): both desks, its own `--load quiet,busy`;
   - `backup` (`backup.py`): per desk, quiet;
   - `check`: `watchdesk check` on a copy of each desk (it migrates what it opens), against
     SQLite's `PRAGMA integrity_check` of the same copy.

   Each part writes its JSON into the run's folder `bench/out/runs/<UTC time>/`, next to its
   output (`<part>.log`) and the run's record `run.json` (the machine, the git state, the
   command, the desks, and per part the exact command line, its start, duration, exit status
   and the load average at its start and end), rewritten after every part.
3. RESULTS.md (`results.py`) from `run.json` and the parts' JSON: a part that did not run or
   wrote no JSON is shown as "not measured in this run", never with older figures.
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
from results import ALL_PARTS as PARTS
from results import PAPERWORK_COLUMNS as PAPERWORK

LOADS = ("quiet", "busy")
# the keys issue 19 names (the intake form first), and the screens added since
KEYS = "n,:,enter,p,w,/,l,j,d,g,y,z,c,t,o"


def log(msg: str) -> None:
    print(f"[{datetime.now():%H:%M:%S}] {msg}", file=sys.stderr, flush=True)


def loadavg() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


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
        "executable": sys.executable,
        "sqlite": sqlite3.sqlite_version,
        "textual": ver("textual"),
        "sqlite-utils": ver("sqlite-utils"),
        "pydantic": ver("pydantic"),
        "reportlab": ver("reportlab"),
        "load_start": loadavg(),
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


# -- the desks ---------------------------------------------------------------------------------
def read_only(db: Path) -> sqlite3.Connection:
    """The desk opened without writing anything beside it (no -shm, no -wal)."""
    return sqlite3.connect(f"file:{db}?mode=ro&immutable=1", uri=True)


def counted(db: Path) -> dict:
    """What a desk without a sidecar holds (largest rowid per table: no full scans) and the
    instant it stands at (its last audit entry)."""
    con = read_only(db)
    try:
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        counts = {
            t: con.execute(f"SELECT coalesce(max(rowid), 0) FROM {t}").fetchone()[0]
            for t in ("incidents", "log_entries", "audit", *PAPERWORK)
            if t in tables
        }
        now = con.execute("SELECT max(at) FROM audit").fetchone()[0] if "audit" in tables else None
    finally:
        con.close()
    return {"counts": counts, "now": now}


def on_duty(db: Path, instants: list[str]) -> str | None:
    """Who the console benchmarks open a desk as when --actor is not given: someone on the shift
    on duty at every one of `instants` (ISO, UTC: the instant the desk stands at, now), the duty
    chief first; else at the first of them."""
    con = read_only(db)
    try:
        found = []
        for at in instants:
            rows = con.execute(
                "SELECT o.name FROM shifts s JOIN assignments a ON a.shift_id = s.id"
                " JOIN officers o ON o.id = a.officer_id"
                " WHERE s.starts_at <= ? AND s.ends_at > ? AND o.active"
                " ORDER BY CASE a.role WHEN 'chief' THEN 0 WHEN 'officer' THEN 1"
                " WHEN 'leader' THEN 2 ELSE 3 END",
                [at, at],
            ).fetchall()
            found.append([r[0] for r in rows])
    except sqlite3.Error:
        return None
    finally:
        con.close()
    both = [n for n in found[0] if all(n in f for f in found[1:])] if found else []
    return (both or (found[0] if found else []) or [None])[0]


def desk_state(years: float, desk_dir: Path) -> dict:
    """Where the desk is, whether it is fit to measure ("problem" when not), what it holds."""
    db, side = desks.paths(years, desk_dir)
    st: dict = {"name": f"{years:g}y", "years": years, "path": str(db)}
    if not db.exists():
        st["problem"] = "missing"
        return st
    st["bytes"] = db.stat().st_size
    meta = desks.load(years, desk_dir)
    if meta is None:
        st["problem"] = f"no sidecar {side.name}: its fingerprint is unknown"
        st.update(counted(db))
        return st
    want = desks.fingerprint(years)
    have = meta.get("fingerprint", {})
    diff = [k for k in want if have.get(k) != want[k]]
    if diff:
        st["problem"] = "fingerprint does not match (" + ", ".join(diff) + " changed)"
    st.update(
        counts=meta.get("counts", {}),
        now=meta.get("now"),
        made_at=meta.get("made_at"),
        generated_seconds=meta.get("seconds"),
        sidecar=str(side),
    )
    missing = [t for t in PAPERWORK if t not in st["counts"]]
    if missing:  # a sidecar of an older generator does not list them: count them
        extra = counted(db)["counts"]
        st["counts"] = {**extra, **st["counts"]}
    return st


def prepare_desks(a: argparse.Namespace) -> dict[str, dict]:
    """The desks' states; stops (SystemExit 2) when one is unfit and neither --make nor --as-is."""
    states = {f"{y:g}y": desk_state(y, a.desk_dir) for y in a.desks}
    bad = {k: s for k, s in states.items() if "problem" in s}
    if bad and a.make:
        for k, s in bad.items():
            log(f"desk {k}: {s['problem']}: making it (--make) …")
            desks.ensure(s["years"], out=a.desk_dir, force=False, log=log)
            states[k] = desk_state(s["years"], a.desk_dir)
    elif bad and not a.as_is:
        lines = [f"  {s['path']}: {s['problem']}" for s in bad.values()]
        raise SystemExit(
            "These desks do not fit this tree:\n"
            + "\n".join(lines)
            + "\nNothing was measured. Make them again with --make (the ten-year desk takes well "
            "over an hour on a busy machine), or measure them as they are with --as-is (RESULTS.md "
            "will say so), or pick other desks with --desk-dir."
        )
    for s in states.values():
        if "problem" in s:
            s["as_is"] = True
    return states


# -- the parts ---------------------------------------------------------------------------------
def plan(a: argparse.Namespace, states: dict[str, dict], run_dir: Path) -> list[dict]:
    """Every part to run: its id, the command line and where its JSON goes."""
    py = sys.executable
    work = a.work
    names = [n for n in states if "missing" != states[n].get("problem")]
    dbs = {n: states[n]["path"] for n in names}
    now = datetime.now(UTC).isoformat(timespec="seconds")
    actors = {
        n: a.actor or on_duty(Path(dbs[n]), [x for x in (states[n].get("now"), now) if x])
        for n in names
    }
    out: list[dict] = []

    def add(part: str, argv: list[str], desk: str | None = None, load: str = "quiet") -> None:
        pid = "-".join(x for x in (part, desk, load if load != "quiet" else None) if x)
        js = run_dir / f"{pid}.json"
        argv = [x.replace("{json}", str(js)) for x in argv]
        out.append({"id": pid, "part": part, "desk": desk, "load": load, "argv": argv})
        out[-1]["json"] = js.name

    busy = {"quiet": [], "busy": ["--busy"]}
    for part in [x for x in PARTS if x in a.only and x not in a.skip]:
        if part == "core":
            add(
                "core",
                [py, str(HERE / "suite.py"), "--core-json", "{json}", "--desk-dir",
                 str(a.desk_dir), "--desks", ",".join(f"{states[n]['years']:g}" for n in names),
                 "--runs", str(a.runs), "--core-saves", str(a.core_saves),
                 "--searches", str(a.searches), "--repeat", str(a.repeat)],
            )  # fmt: skip
        elif part in ("startup", "keys", "idle"):
            for load in a.loads:
                for n in names:
                    actor = ["--as", actors[n]] if actors[n] else []
                    argv = {
                        "startup": [str(HERE / "startup_pty.py"), "--runs", str(a.runs), *actor],
                        "keys": [str(HERE / "keys.py"), "--runs", str(a.key_runs), "--keys",
                                 a.keys, *actor],
                        "idle": [str(HERE / "idle.py"), "--seconds", f"{a.idle_seconds:g}",
                                 *actor],
                    }[part]  # fmt: skip
                    add(part, [py, *argv, "--db", dbs[n], *busy[load], "--json", "{json}"], n, load)
        elif part == "saves":
            for n in names:
                extra = ["--work", str(work)] if work else []
                add(
                    part,
                    [py, str(HERE / "saves.py"), "--desk", dbs[n], "--saves", str(a.saves),
                     *extra, "--json", "{json}"],
                    n,
                )  # fmt: skip
        elif part == "search":
            many = [x for n in names for x in ("--db", dbs[n])]
            add(
                part,
                [py, str(HERE / "search.py"), *many, "--repeat", str(a.search_repeat),
                 "--json", "{json}"],
            )  # fmt: skip
        elif part == "stats":
            many = [x for n in names for x in ("--db", dbs[n])]
            add(
                part,
                [py, str(HERE / "stats.py"), *many, "--rounds", str(a.stats_rounds),
                 "--load", ",".join(a.loads), "--json", "{json}"],
            )  # fmt: skip
        elif part == "backup":
            for n in names:
                extra = ["--work", str(work / "backup")] if work else []
                add(
                    part,
                    [py, str(HERE / "backup.py"), "--years", f"{states[n]['years']:g}",
                     "--desk-dir", str(a.desk_dir), *extra, "--out", "{json}"],
                    n,
                )  # fmt: skip
        elif part == "check":
            for n in names:
                extra = ["--work", str(work)] if work else []
                add(
                    part,
                    [py, str(HERE / "suite.py"), "--check-db", dbs[n], *extra, "--json",
                     "{json}"],
                    n,
                )  # fmt: skip
    return out


def shown(argv: list[str]) -> str:
    """A command line as it was run, with `python` for this interpreter and paths under the
    checkout relative to it."""
    root = str(ROOT) + "/"
    parts = ["python" if x == sys.executable else x.replace(root, "") for x in argv]
    return shlex.join(parts)


def run_parts(steps: list[dict], run_dir: Path, record: dict) -> None:
    record["parts"] = []
    for step in steps:
        entry = {k: step[k] for k in ("id", "part", "desk", "load", "json")}
        entry["command"] = shown(step["argv"])
        entry["started"] = datetime.now(UTC).isoformat(timespec="seconds")
        entry["load_start"] = loadavg()
        log(f"{step['id']}: {entry['command']}")
        t0 = time.perf_counter()
        with open(run_dir / f"{step['id']}.log", "w") as out:
            rc = subprocess.run(
                step["argv"], stdout=out, stderr=subprocess.STDOUT, cwd=ROOT, check=False
            ).returncode
        entry["seconds"] = round(time.perf_counter() - t0, 1)
        entry["load_end"] = loadavg()
        entry["rc"] = rc
        entry["log"] = f"{step['id']}.log"
        if rc or not (run_dir / step["json"]).exists():
            tail = (run_dir / entry["log"]).read_text(errors="replace").strip().splitlines()[-5:]
            entry["error"] = "\n".join(tail)
            log(f"{step['id']}: exit {rc}, {'no JSON' if rc == 0 else 'failed'}: {tail[-1:]}")
        else:
            log(f"{step['id']}: {entry['seconds']:.0f} s")
        record["parts"].append(entry)
        write_record(run_dir, record)


def write_record(run_dir: Path, record: dict) -> None:
    (run_dir / "run.json").write_text(
        json.dumps(record, indent=1, ensure_ascii=False, default=str) + "\n"
    )


# -- part `core`: this file's own measurements, both desks in one process -----------------------
def core(desk_dir: Path, years: list[float], a: argparse.Namespace) -> dict:
    import handover_bench
    import lifecycle_bench
    import roster_bench
    import startup

    t_start = time.perf_counter()
    res: dict = {"started": datetime.now(UTC).isoformat(timespec="seconds")}
    timings: dict[str, float] = {}

    def step(name: str):
        class _Step:
            def __enter__(self):
                log(f"{name} …")
                self.t = time.perf_counter()

            def __exit__(self, kind, value, tb):
                timings[name] = round(time.perf_counter() - self.t, 1)
                if kind is None or not issubclass(kind, Exception):
                    return False
                # one step failing leaves the others' figures: it is named in the JSON
                res.setdefault("errors", {})[name] = f"{kind.__name__}: {value}"[-500:]
                log(f"{name}: failed: {kind.__name__}: {value}")
                return True

        return _Step()

    metas = {}
    for y in years:
        meta = desks.load(y, desk_dir)
        if meta is None:  # no sidecar (--as-is): the desk stands at its last audit entry
            c = counted(desks.paths(y, desk_dir)[0])
            meta = {"now": c["now"] or datetime.now(UTC).isoformat(), "counts": c["counts"]}
        metas[y] = meta
    names = {y: f"{y:g}y" for y in years}
    paths = {y: desks.paths(y, desk_dir)[0] for y in years}
    clocks = {y: desks.desk_clock(metas[y]) for y in years}
    originals = {names[y]: (paths[y], clocks[y]) for y in years}
    res["desks"] = {names[y]: {"counts": metas[y].get("counts", {})} for y in years}

    with step("start-up and peak memory"):
        subjects = [("bare Textual app", ["bare"])] + [
            (
                f"watchdesk {names[y]}",
                ["watchdesk", str(paths[y]), f"{desks.desk_offset(metas[y]).total_seconds():.0f}"],
            )
            for y in years
        ]
        res["startup"] = startup.measure(None, a.runs, subjects=subjects)

    work = Path(tempfile.mkdtemp(prefix="work-", dir=a.work))
    try:
        with step("copying the desks (saves and handover write into copies)"):
            copies = {}
            for y in years:
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
                a.core_saves,
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
    res["step_seconds"] = timings
    res["seconds"] = round(time.perf_counter() - t_start, 1)
    return res


# -- part `check`: `watchdesk check` on a copy, against PRAGMA integrity_check -----------------
CHECK = """
import sys
from watchdesk.__main__ import main
rc = main(["check", "--db", sys.argv[1]])
for line in open("/proc/self/status"):
    if line.startswith("VmHWM:"):
        print("VmHWM", line.split()[1], file=sys.stderr)
sys.exit(rc)
"""
INTEGRITY = """
import sqlite3, sys
print(sqlite3.connect(sys.argv[1]).execute("PRAGMA integrity_check").fetchone()[0])
"""


def check(db: Path, work: Path | None) -> dict:
    """`watchdesk check` in a fresh process on a copy of the desk (it migrates what it opens):
    result, seconds, peak memory; the baseline, on the same copy afterwards, is SQLite's
    integrity check alone (in a fresh process too)."""
    with tempfile.TemporaryDirectory(prefix="check-", dir=work) as d:
        copy = Path(d) / db.name
        shutil.copyfile(db, copy)
        os.sync()
        t0 = time.perf_counter()
        p = subprocess.run(
            [sys.executable, "-c", CHECK, str(copy)], capture_output=True, text=True, check=False
        )
        took = time.perf_counter() - t0
        t0 = time.perf_counter()
        b = subprocess.run(
            [sys.executable, "-c", INTEGRITY, str(copy)],
            capture_output=True,
            text=True,
            check=False,
        )
        base = time.perf_counter() - t0
    rss = next((int(x.split()[1]) for x in p.stderr.splitlines() if x.startswith("VmHWM")), 0)
    return {
        "ok": p.returncode == 0,
        "seconds": took,
        "rss_kib": rss,
        "output": p.stdout.strip()[-500:],
        "base_seconds": base,
        "base_result": b.stdout.strip()[-200:],
        "ratio": took / base if base else None,
    }


# -- the command line --------------------------------------------------------------------------
def csv(choices: tuple[str, ...] | None = None):
    def parse(text: str) -> list[str]:
        items = [x.strip() for x in text.split(",") if x.strip()]
        bad = [x for x in items if choices is not None and x not in choices]
        if bad:
            raise argparse.ArgumentTypeError(
                f"not one of {', '.join(choices or ())}: {', '.join(bad)}"
            )
        return items

    return parse


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    g = p.add_argument_group("what to run")
    g.add_argument("--only", type=csv(PARTS), default=list(PARTS), help=", ".join(PARTS))
    g.add_argument("--skip", type=csv(PARTS), default=[], help="parts to leave out")
    g.add_argument("--desks", default="1,10", help="years of the desks (default 1,10)")
    g.add_argument("--desk-dir", type=Path, default=desks.OUT, help="where desk-Ny.db are")
    g.add_argument("--loads", type=csv(LOADS), default=list(LOADS), help="quiet,busy")
    g.add_argument("--make", action="store_true", help="make a desk that is missing or stale")
    g.add_argument("--as-is", action="store_true", help="measure stale desks as they are")
    g.add_argument("--dry-run", action="store_true", help="print the commands, run nothing")
    g.add_argument("--work", type=Path, help="scratch folder for desk copies (default /tmp)")
    g.add_argument(
        "--actor",
        help="open the console as this officer (startup, keys, idle; default: someone on duty)",
    )
    g = p.add_argument_group("output")
    g.add_argument("--out-dir", type=Path, default=desks.OUT / "runs", help="runs' folders")
    g.add_argument("--results", type=Path, default=HERE / "RESULTS.md")
    g.add_argument("--command", help="the command line to record (run.sh passes its own)")
    g = p.add_argument_group("sizes")
    g.add_argument("--runs", type=int, default=10, help="start-up runs per subject")
    g.add_argument("--key-runs", type=int, default=15, help="keys.py runs per key")
    g.add_argument("--keys", default=KEYS, help=f"keys.py keys (default {KEYS})")
    g.add_argument("--idle-seconds", type=float, default=30.0)
    g.add_argument("--saves", type=int, default=3000, help="saves.py saves per desk")
    g.add_argument("--core-saves", type=int, default=1000, help="core: saves per desk")
    g.add_argument("--searches", type=int, default=150, help="core: searches per desk")
    g.add_argument("--repeat", type=int, default=5, help="core: handover renders per desk")
    g.add_argument("--grid-repeat", type=int, default=20)
    g.add_argument("--rotations", type=int, default=3)
    g.add_argument("--search-repeat", type=int, default=3, help="search.py --repeat")
    g.add_argument("--stats-rounds", type=int, default=15, help="stats.py --rounds")
    # the parts this file runs itself, in a fresh process
    p.add_argument("--core-json", type=Path, help=argparse.SUPPRESS)
    p.add_argument("--check-db", type=Path, help=argparse.SUPPRESS)
    p.add_argument("--json", type=Path, help=argparse.SUPPRESS)
    return p


def main(argv: list[str] | None = None) -> int:
    p = parser()
    a = p.parse_args(argv)
    try:
        a.desks = [float(x) for x in a.desks.split(",") if x.strip()]
    except ValueError:
        p.error(f"--desks: years separated by commas, e.g. 1,10 (not {a.desks!r})")
    a.desk_dir = a.desk_dir.resolve()
    if a.work:
        a.work = a.work.resolve()
        a.work.mkdir(parents=True, exist_ok=True)
    if a.core_json:
        res = core(a.desk_dir, a.desks, a)
        a.core_json.write_text(json.dumps(res, indent=1, ensure_ascii=False, default=str) + "\n")
        return 0
    if a.check_db:
        if a.json is None:
            p.error("--check-db needs --json")
        a.json.write_text(json.dumps(check(a.check_db, a.work), indent=1, ensure_ascii=False))
        return 0
    if a.make and a.as_is:
        p.error("--make and --as-is: one or the other")
    a.only = [x for x in PARTS if x in a.only and x not in a.skip]
    command = a.command or shlex.join(
        ["python", "bench/suite.py", *(argv if argv is not None else sys.argv[1:])]
    )
    states = prepare_desks(a)
    stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H%MZ")
    run_dir = a.out_dir / stamp
    steps = plan(a, states, run_dir)
    for k, st in states.items():
        log(
            f"desk {k}: {st['path']}" + (f" — as it is: {st['problem']}" if "problem" in st else "")
        )
    if a.dry_run:
        for s in steps:
            print(shown(s["argv"]))
        return 0
    run_dir.mkdir(parents=True, exist_ok=True)
    record: dict = {
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": command,
        "git": git_state(),
        "machine": machine(),
        "desks": states,
        "selected": {"parts": a.only, "loads": a.loads, "desks": list(states)},
        "settings": {k: str(v) for k, v in vars(a).items() if k not in ("command",)},
    }
    write_record(run_dir, record)
    log(f"run folder {run_dir}")
    run_parts(steps, run_dir, record)
    record["machine"]["load_end"] = loadavg()
    record["finished"] = datetime.now(UTC).isoformat(timespec="seconds")
    write_record(run_dir, record)
    import results

    text = results.render(run_dir)
    a.results.write_text(text)
    log(f"wrote {a.results} from {run_dir}")
    print(results.summary(run_dir))
    failed = [e["id"] for e in record["parts"] if e.get("error")]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
