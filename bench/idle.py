"""What an idle console costs: bytes to the terminal and CPU while only the clocks run.

    python bench/idle.py [--db DESK [--as NAME] [--now ISO]] [--seconds 30] [--settle 8] [--busy]
    python bench/idle.py --other OLD_TREE ...     # before/after: another checkout, same run

Opens the console in a real terminal (a pty at 140x45, `_pty.Term`) on a copy of a desk (by
default a fresh demo desk, opened as its duty chief 赵磊; a bench desk is opened by whoever is on
duty at the instant it stands at, with the console's clock set back to that instant, as
`keys.py` does, so its clocks run), waits for the first complete screen,
lets the one-off work of the first seconds pass (the first WAL checkpoint at 3 s, the daily
backup check at 5 s: `--settle`), then counts for `--seconds` the bytes the console writes to
the terminal, the writes (about one per frame), the rows of the screen that changed (seen in a
terminal emulator) and the CPU time of the process (all its threads, from /proc). The same is
measured in the same run for a bare Textual app (Header, a DataTable of 12 rows, Footer) that
updates one cell a second: the least a ticking screen can cost. Targets (issue 19): at most
2 KiB/s and 1 % of a core.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _pty import Term, busy_core, env_for_console, watchdesk_cmd  # noqa: E402
from keys import desk_age, on_duty  # noqa: E402


def bare_app(tick: bool) -> None:
    from textual.app import App
    from textual.widgets import DataTable, Footer, Header

    class Bare(App[None]):
        TITLE = "bare"

        def compose(self):  # type: ignore[no-untyped-def]
            yield Header()
            yield DataTable()
            yield Footer()

        def on_mount(self) -> None:
            table = self.query_one(DataTable)
            table.add_column("incident", key="incident")
            table.add_column("left", key="left")
            for i in range(12):
                table.add_row(f"#{i} something happened", "0:00", key=str(i))
            self.n = 0
            if tick:
                self.set_interval(1, self.tick)

        def tick(self) -> None:
            self.n += 1
            self.query_one(DataTable).update_cell("0", "left", f"{self.n // 60}:{self.n % 60:02}")

    Bare().run()


def measure(
    cmd: list[str], markers: list[str], seconds: float, settle: float, tree: Path | None = None
) -> dict:
    with Term(cmd, env_for_console(tree) if tree else env_for_console()) as term:
        term.wait_complete(markers)
        term.drain(settle)
        before = term.text().split("\n")
        rows_changed = 0
        b0, w0, c0, t0 = term.bytes, term.writes, term.cpu_seconds(), time.perf_counter()
        end = t0 + seconds
        while (left := end - time.perf_counter()) > 0:
            if term.pump(min(left, 0.05)):
                now = term.text().split("\n")
                rows_changed += sum(a != b for a, b in zip(before, now, strict=True))
                before = now
        took = time.perf_counter() - t0
        return {
            "bytes_per_s": (term.bytes - b0) / took,
            "writes_per_s": (term.writes - w0) / took,
            "rows_per_s": rows_changed / took,
            "cpu_pct": 100 * (term.cpu_seconds() - c0) / took,
            "screen": term.text(),
        }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--bare-app", choices=["still", "tick"], help=argparse.SUPPRESS)
    p.add_argument("--db", type=Path, help="a desk to copy and open (default: a new demo desk)")
    p.add_argument("--as", dest="actor", help="who opens the console (default: on duty)")
    p.add_argument("--now", help="the instant a --db desk stands at (ISO; default: its own)")
    p.add_argument("--lang", default="en")
    p.add_argument("--seconds", type=float, default=30.0)
    p.add_argument("--settle", type=float, default=8.0)
    p.add_argument("--busy", action="store_true", help="keep one core busy while measuring")
    p.add_argument("--show", action="store_true", help="print the console's last screen")
    p.add_argument("--json", type=Path, help="also write the figures here (bench/suite.py)")
    p.add_argument("--other", type=Path, metavar="TREE", help="also this checkout's console")
    a = p.parse_args(argv)
    if a.bare_app:
        bare_app(a.bare_app == "tick")
        return 0
    # a bench desk is opened at the instant it stands at, its clocks running (as keys.py does)
    age = desk_age(a.db, a.now) if a.db else 0.0
    a.actor = a.actor or (on_duty(a.db, age) if a.db else "赵磊")
    trees = {"watchdesk": Path(__file__).resolve().parents[1]}
    if a.other:
        trees[f"watchdesk, other {a.other.name}"] = a.other.resolve()
    results: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="idle-") as tmp:
        busy = busy_core() if a.busy else None
        try:
            results["bare Textual app, nothing changing"] = measure(
                [sys.executable, __file__, "--bare-app", "still"], ["bare"], a.seconds, a.settle
            )
            results["bare Textual app, one cell a second"] = measure(
                [sys.executable, __file__, "--bare-app", "tick"], ["bare"], a.seconds, a.settle
            )
            for i, (name, tree) in enumerate(trees.items()):
                desk = Path(tmp) / f"desk{i}.db"
                wd = [sys.executable, "-m", "watchdesk", "--lang", a.lang, "--db", str(desk)]
                env = env_for_console(tree)
                if a.db is None:
                    subprocess.run(
                        [*wd, "demo", "--no-ui"], check=True, capture_output=True, env=env, cwd=tree
                    )
                else:
                    shutil.copyfile(a.db, desk)
                    # the daily backup taken now: the console does not take one while measured
                    subprocess.run(
                        [*wd, "backup"], check=True, capture_output=True, env=env, cwd=tree
                    )
                cmd = watchdesk_cmd(desk, a.actor, a.lang)
                if age:
                    cmd[1:3] = [str(Path(__file__).with_name("keys.py")), "--console", str(age)]
                results[name] = measure(
                    cmd,
                    ["Countdown" if a.lang == "en" else "倒计时"],
                    a.seconds,
                    a.settle,
                    tree,
                )
        finally:
            if busy:
                busy.kill()
    if a.show:
        print(results["watchdesk"]["screen"])
    load = ", one core busy" if a.busy else ""
    print(
        f"| subject | bytes/s | writes/s | rows changed/s | CPU % of a core |  ({a.seconds:g} s{load})"
    )
    print("|---|---:|---:|---:|---:|")
    for name, r in results.items():
        print(
            f"| {name} | {r['bytes_per_s']:,.0f} | {r['writes_per_s']:.1f} "
            f"| {r['rows_per_s']:.1f} | {r['cpu_pct']:.2f} |"
        )
    if a.json:  # the suite's record: bench/results.py renders RESULTS.md from it
        import json

        record = {"seconds": a.seconds, "busy": a.busy, "db": str(a.db) if a.db else None}
        subjects = {k: {f: v for f, v in r.items() if f != "screen"} for k, r in results.items()}
        a.json.write_text(
            json.dumps({**record, "subjects": subjects}, indent=1, ensure_ascii=False)
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
