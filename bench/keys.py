"""Key to painted screen: how long each key of the first screen takes to show what it opens.

    python bench/keys.py [--keys n,:,enter] [--runs 15] [--busy] [--db DESK [--now ISO] [--as NAME]]
    python bench/keys.py --other OLD_TREE ...     # before/after: another checkout, same run
    python bench/keys.py --count                  # the widgets on each key's screen (SCREENS)

Opens the console in a real terminal (a pty at 140x45, `_pty.Term`) on a fresh demo desk (or a
copy of DESK), waits for the first screen, then for each key, RUNS times: sends the key and reads
what the console writes, feeding it into a terminal emulator, until the screen has stopped
changing for QUIET seconds; the key's time is from sending it to the last write that changed the
screen. Digits are left out of the comparison, so the clocks ticking behind a dialog do not count
as the screen changing (a screen still filling in its figures does: its words change too). Then
Escape, until the first screen is back.

The baseline, in the same run and alternating with the console: a bare Textual app (Header,
a VerticalScroll of a Grid of label, input and error-label rows, Footer) whose keys push a screen
of about 10, 20, 35 and 120 widgets. Each console key is compared with the bare screen nearest in
widget count (the counts of the console's screens: `SCREENS`, counted on the demo desk with a
Pilot: `--count` counts them again and prints the table to paste); ctrl+p with the bare app's
own command palette (Textual's, which fills its list in batches). Target (issue 19): p95
within 1.5x the bare push and under 100 ms on a quiet machine.

A desk copy (`--db DESK`): its clocks, roster and "today" are placed relative to the instant it
was made, so the console runs with its clock set back to that instant (`--now ISO`; by default
the desk's sidecar `DESK.json` from `desks.py`, else the last audit entry's time), as the other
benchmarks do (`desks.desk_clock`). Keys that write (`w` drafts a written report) write to the
copy only. Also reported: the console's CPU time (all threads, clock ticks of 10 ms) from the
key until the screen settled, QUIET included (the idle clocks' cost in it is small).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _pty import Term, busy_core, env_for_console, watchdesk_cmd  # noqa: E402

QUIET = 0.4
ESC = b"\x1b"

# key as typed -> (what it opens, widgets on that screen, bytes sent)
SCREENS: dict[str, tuple[str, int, bytes]] = {
    "n": ("intake form", 117, b"n"),
    ":": ("one-line intake", 5, b":"),
    "enter": ("incident", 37, b"\r"),
    "p": ("phone report card", 16, b"p"),
    "w": ("written report", 30, b"w"),
    "/": ("search", 33, b"/"),
    "l": ("duty log", 19, b"l"),
    "j": ("handover", 22, b"j"),
    "d": ("directory", 15, b"d"),
    "g": ("roll-calls", 21, b"g"),
    "y": ("warnings", 24, b"y"),
    "z": ("roster", 34, b"z"),
    "c": ("leader check", 33, b"c"),
    "t": ("statistics", 40, b"t"),
    "o": ("people", 21, b"o"),
    "s": ("desk settings", 22, b"s"),
    "?": ("help", 8, b"?"),
    "f": ("follow-up report", 22, b"f"),
    "v": ("verification asked", 22, b"v"),
    "k": ("verification answer", 22, b"k"),
    "e": ("final report", 5, b"e"),
    "u": ("new figures", 52, b"u"),
    "i": ("note", 35, b"i"),
    "b": ("task step", 24, b"b"),
    "f4": ("switch officer", 9, b"\x1bOS"),
    "W": ("written report recorded", 22, b"W"),
    "x": ("void confirm", 11, b"x"),
    "ctrl+p": ("command palette", 7, b"\x10"),
    "f1": ("help (F1)", 8, b"\x1bOP"),
}
# the key's name for a Pilot (`--count`), where it differs from SCREENS' key
PILOT_KEY = {":": "colon", "/": "slash", "?": "question_mark"}
# the bare app's screens: key -> rows of (label, input, error label)
BARE = {"1": 1, "2": 4, "3": 9, "4": 36}
BARE_WIDGETS = {"1": 10, "2": 20, "3": 35, "4": 117}
# ctrl+p opens Textual's own command palette (its list filled in batches): compared with the
# bare app's palette, not with a form
BARE_SEND = {"palette": b"\x10"}
BARE_SHOWN = {**BARE_WIDGETS, "palette": 7}


def bare_app() -> None:
    from textual.app import App
    from textual.binding import Binding
    from textual.containers import Grid, VerticalScroll
    from textual.screen import Screen
    from textual.widgets import Footer, Header, Input, Label

    class Form(Screen[None]):
        BINDINGS = [Binding("escape", "app.pop_screen", "close")]
        CSS = "Grid { grid-size: 3; grid-rows: 1; height: auto; } Input { border: none; }"

        def __init__(self, rows: int) -> None:
            super().__init__()
            self.rows = rows

        def compose(self):  # type: ignore[no-untyped-def]
            yield Header()
            with VerticalScroll(), Grid():
                for i in range(self.rows):
                    yield Label(f"field {i}")
                    yield Input(placeholder=f"value {i}", id=f"f-{i}")
                    yield Label("", id=f"e-{i}")
            yield Footer()

    class Bare(App[None]):
        TITLE = "bare"
        BINDINGS = [Binding(k, f"form({n})", f"form {n}") for k, n in BARE.items()]

        def compose(self):  # type: ignore[no-untyped-def]
            yield Header()
            yield Label("the first screen")
            yield Footer()

        def action_form(self, rows: int) -> None:
            self.push_screen(Form(rows))

    Bare().run()


def run_console(argv: list[str]) -> None:
    """`--console AGE_SECONDS WATCHDESK_ARGS…`: the console with its clock set back by AGE (as
    `_launch.py` does): a desk copy looks as if it had just been made."""
    from datetime import UTC, datetime, timedelta

    import watchdesk.startup as startup
    from watchdesk import cli

    offset = timedelta(seconds=float(argv[0]))
    if offset:
        startup.default_clock = lambda: datetime.now(UTC) - offset
    sys.exit(cli.main(argv[1:]))


def desk_age(db: Path, now: str | None) -> float:
    """Seconds since the instant the desk stands at (`--now`, its sidecar, its last audit)."""
    import json
    import sqlite3
    from datetime import UTC, datetime

    if now is None and db.with_suffix(".json").exists():
        now = json.loads(db.with_suffix(".json").read_text())["now"]
    if now is None:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as con:
            now = con.execute("SELECT max(at) FROM audit").fetchone()[0]
    return (datetime.now(UTC) - datetime.fromisoformat(now)).total_seconds()


def on_duty(db: Path, age: float) -> str:
    """The duty chief (else anyone) of the shift on duty at the desk's instant."""
    import sqlite3
    from datetime import UTC, datetime, timedelta

    at = (datetime.now(UTC) - timedelta(seconds=age)).isoformat(timespec="seconds")
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as con:
        row = con.execute(
            "SELECT o.name FROM shifts s JOIN assignments a ON a.shift_id = s.id"
            " JOIN officers o ON o.id = a.officer_id WHERE s.starts_at <= ? AND s.ends_at > ?"
            " ORDER BY a.role != 'chief' LIMIT 1",
            (at, at),
        ).fetchone()
    if row is None:
        raise SystemExit(f"{db}: nobody on duty at {at}; say who opens the console (--as)")
    return str(row[0])


def count_widgets(keys: list[str]) -> None:
    """`--count`: the widgets on each key's screen, on a demo desk, with a Pilot (what SCREENS
    says; paste the printed lines into it)."""
    import asyncio
    import tempfile

    from watchdesk.app import make_app
    from watchdesk.config import Settings
    from watchdesk.demo import build_demo
    from watchdesk.i18n import set_language

    async def run() -> None:
        set_language("en")
        with tempfile.TemporaryDirectory() as tmp:
            app = make_app(build_demo(Path(tmp) / "demo.db"), settings=Settings(), actor="赵磊")
            async with app.run_test(size=(140, 45)) as pilot:
                while not app.loads:
                    await pilot.pause(0.1)
                await pilot.pause(0.5)
                home = app.screen
                for k in keys:
                    await pilot.press(PILOT_KEY.get(k, k))
                    for _ in range(50):
                        await pilot.pause(0.05)
                        if app.screen is not home:
                            break
                    await pilot.pause(0.5)  # filled in
                    n = sum(1 for _ in app.screen.walk_children(with_self=False))
                    what, _, sent = SCREENS[k]
                    print(f"    {k!r}: ({what!r}, {n}, {sent!r}),  # {type(app.screen).__name__}")
                    for _ in range(4):
                        if app.screen is home:
                            break
                        await pilot.press("escape")
                        await pilot.pause(0.3)

    asyncio.run(run())


def masked(term: Term) -> str:
    return re.sub(r"\d", "0", term.text())


def settle(term: Term, start: str) -> tuple[float, str]:
    """Read until the (masked) screen differs from `start` and then has not changed for QUIET
    seconds; returns the time of the read that made the last change, and the screen."""
    shown, changed = masked(term), time.perf_counter()
    began = changed
    while True:
        if term.pump(0.02):
            continue  # read all there is first: the emulator is slow
        for when, text in term.feed():
            now = re.sub(r"\d", "0", text)
            if now != shown:
                shown, changed = now, when
        if shown != start and time.perf_counter() - changed >= QUIET:
            return changed, shown
        if time.perf_counter() - began > 20:
            raise SystemExit(f"nothing changed or never settled:\n{term.text()}")


def lines_apart(a: str, b: str) -> int:
    return sum(x != y for x, y in zip(a.split("\n"), b.split("\n"), strict=True))


def one_key(term: Term, keys: bytes, home: str) -> tuple[float, float, str]:
    """The time from the key to its screen, the CPU time the process spent meanwhile (until it
    settled), and the first screen as it is back (a count on
    it may have changed meanwhile: the first screen is back when at most two lines differ and
    the screen has settled)."""
    while term.pump(0):  # what it wrote while the other app was measured (the clocks)
        pass
    cpu0 = term.cpu_seconds()
    t0 = term.send(keys)
    done, opened = settle(term, home)
    cpu = term.cpu_seconds() - cpu0
    for _ in range(4):  # back to the first screen
        term.send(ESC)
        deadline = time.perf_counter() + 3
        while time.perf_counter() < deadline and masked(term) != home:
            term.pump(0.02)
        if masked(term) == home:
            break
        term.drain(QUIET)
        if lines_apart(masked(term), home) <= 2 < lines_apart(opened, home):
            break
    else:
        diff = [
            f"{i:2} {a!r}\n   {b!r}"
            for i, (a, b) in enumerate(zip(home.split("\n"), masked(term).split("\n"), strict=True))
            if a != b
        ]
        raise SystemExit(
            f"{keys!r}: Escape does not lead back to the first screen:\n" + "\n".join(diff)
        )
    term.drain(QUIET)  # the first screen settled again
    return done - t0, cpu, masked(term)


def p95(xs: list[float]) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, round(0.95 * (len(xs) - 1)))]


def nearest_bare(widgets: int) -> str:
    return min(BARE_WIDGETS, key=lambda k: abs(BARE_WIDGETS[k] - widgets))


def baseline(key: str) -> str:
    """The bare app's key a console key is compared with."""
    return "palette" if key == "ctrl+p" else nearest_bare(SCREENS[key][1])


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--bare-app", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--db", type=Path, help="a desk to copy and open (default: a new demo desk)")
    p.add_argument(
        "--as",
        dest="actor",
        help="who opens the console (default: 赵磊 on the demo desk, a --db desk's chief on duty)",
    )
    p.add_argument("--keys", default=",".join(SCREENS), help="comma-separated, as in SCREENS")
    p.add_argument("--runs", type=int, default=15)
    p.add_argument("--busy", action="store_true", help="keep one core busy while measuring")
    p.add_argument("--other", type=Path, metavar="TREE", help="also this checkout's console")
    p.add_argument("--now", help="the instant a --db desk stands at (ISO; default: its own)")
    p.add_argument("--count", action="store_true", help="count each screen's widgets, print")
    p.add_argument("--json", type=Path, help="also write the times here (bench/suite.py)")
    if argv is None and sys.argv[1:2] == ["--console"]:
        run_console(sys.argv[2:])
    a = p.parse_args(argv)
    if a.bare_app:
        bare_app()
        return 0
    keys = [k for k in a.keys.split(",") if k]
    unknown = [k for k in keys if k not in SCREENS]
    if unknown:
        p.error(f"--keys: not a key of the first screen here: {', '.join(unknown)}")
    if a.count:
        count_widgets(keys)
        return 0
    age = desk_age(a.db, a.now) if a.db else 0.0
    a.actor = a.actor or (on_duty(a.db, age) if a.db else "赵磊")
    bare_keys = sorted({baseline(k) for k in keys})
    trees = {"this tree": Path(__file__).resolve().parents[1]}
    if a.other:
        trees[f"other {a.other.name}"] = a.other.resolve()
    times: dict[str, dict[str, list[float]]] = {name: {k: [] for k in keys} for name in trees}
    bare_times: dict[str, list[float]] = {k: [] for k in bare_keys}
    cpus: dict[str, dict[str, list[float]]] = {name: {k: [] for k in keys} for name in trees}
    bare_cpus: dict[str, list[float]] = {k: [] for k in bare_keys}
    with tempfile.TemporaryDirectory(prefix="keys-") as tmp:
        desks = {name: Path(tmp) / f"desk{i}.db" for i, name in enumerate(trees)}
        for name, desk in desks.items():
            wd = [sys.executable, "-m", "watchdesk", "--lang", "en", "--db", str(desk)]
            env = env_for_console(trees[name])
            if a.db is None:
                subprocess.run(
                    [*wd, "demo", "--no-ui"],
                    check=True,
                    capture_output=True,
                    env=env,
                    cwd=trees[name],
                )
            else:
                shutil.copyfile(a.db, desk)
                subprocess.run(
                    [*wd, "backup"], check=True, capture_output=True, env=env, cwd=trees[name]
                )
        busy = busy_core() if a.busy else None
        terms: dict[str, Term] = {}
        try:
            bare = Term([sys.executable, __file__, "--bare-app"], env_for_console())
            bare.wait_complete(["first screen"])
            for name, desk in desks.items():
                cmd = watchdesk_cmd(desk, a.actor)
                cmd[1:3] = [__file__, "--console", str(age)]  # for `-m watchdesk`: the clock
                terms[name] = Term(cmd, env_for_console(trees[name]))
                terms[name].wait_complete(["Countdown"])
            homes: dict[str, str] = {}
            for name, console in terms.items():
                console.drain(6)  # past the first checkpoint, the font check, the backup check
                deadline = time.perf_counter() + 30
                while "▌" in console.text() and time.perf_counter() < deadline:
                    console.drain(0.5)  # a notice (a toast) still up: wait until it has gone
                homes[name] = masked(console)
            bare_home = masked(bare)
            for i in range(a.runs + 1):  # the first round warms up (imports)
                for k in bare_keys:
                    took, cpu, bare_home = one_key(bare, BARE_SEND.get(k, k.encode()), bare_home)
                    if i:
                        bare_times[k].append(took)
                        bare_cpus[k].append(cpu)
                for k in keys:
                    for name, console in terms.items():
                        took, cpu, homes[name] = one_key(console, SCREENS[k][2], homes[name])
                        if i:
                            times[name][k].append(took)
                            cpus[name][k].append(cpu)
        finally:
            for name, term in [*terms.items(), *([("bare", bare)] if "bare" in locals() else [])]:
                if term.orphans:
                    print(f"{name}: {term.orphans} orphaned halves of wide characters seen")
                term.close()
            if busy:
                busy.kill()
    load = ", one core busy" if a.busy else ""
    avg = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    ms = lambda x: f"{x * 1000:.0f} ms"  # noqa: E731
    print(f"{a.runs} runs{load}; load average {avg} (1/5/15 min) at the end")
    print(
        "| key | opens | widgets | p50 | p95 | max | CPU p50 | bare p95 | bare CPU p50 | × bare |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for k in bare_keys:
        ts = bare_times[k]
        print(
            f"| bare {k} | bare screen | {BARE_SHOWN[k]} | {ms(statistics.median(ts))}"
            f" | {ms(p95(ts))} | {ms(max(ts))} | {ms(statistics.median(bare_cpus[k]))} | | | |"
        )
    for k in keys:
        what, widgets, _ = SCREENS[k]
        b = baseline(k)
        base = p95(bare_times[b])
        for name in trees:
            ts = times[name][k]
            who = f" ({name})" if a.other else ""
            print(
                f"| `{k}`{who} | {what} | {widgets} | {ms(statistics.median(ts))}"
                f" | {ms(p95(ts))} | {ms(max(ts))} | {ms(statistics.median(cpus[name][k]))}"
                f" | {ms(base)} | {ms(statistics.median(bare_cpus[b]))}"
                f" | **{p95(ts) / base:.2f}** |"
            )
    if a.json:  # the suite's record: bench/results.py renders RESULTS.md from it
        import json

        record = {
            "runs": a.runs,
            "busy": a.busy,
            "db": str(a.db) if a.db else None,
            "screens": {k: [SCREENS[k][0], SCREENS[k][1], baseline(k)] for k in keys},
            "bare_widgets": BARE_SHOWN,
        }
        times_cpu = {"times": times, "cpus": cpus, "bare_times": bare_times, "bare_cpus": bare_cpus}
        a.json.write_text(json.dumps({**record, **times_cpu}, indent=1, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
