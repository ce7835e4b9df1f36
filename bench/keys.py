"""Key to painted screen: how long each key of the first screen takes to show what it opens.

    python bench/keys.py [--keys n,:,enter] [--runs 15] [--busy] [--db DESK --as NAME]
    python bench/keys.py --other OLD_TREE ...     # before/after: another checkout, same run

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
Pilot). Target (issue 19): p95 within 1.5x the bare push and under 100 ms on a quiet machine.
"""

from __future__ import annotations

import argparse
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
}
# the bare app's screens: key -> rows of (label, input, error label)
BARE = {"1": 1, "2": 4, "3": 9, "4": 36}
BARE_WIDGETS = {"1": 10, "2": 20, "3": 35, "4": 117}


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


def one_key(term: Term, keys: bytes, home: str) -> tuple[float, str]:
    """The time from the key to its screen, and the first screen as it is back (a count on
    it may have changed meanwhile: the first screen is back when at most two lines differ and
    the screen has settled)."""
    while term.pump(0):  # what it wrote while the other app was measured (the clocks)
        pass
    t0 = term.send(keys)
    done, opened = settle(term, home)
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
    return done - t0, masked(term)


def p95(xs: list[float]) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, round(0.95 * (len(xs) - 1)))]


def nearest_bare(widgets: int) -> str:
    return min(BARE_WIDGETS, key=lambda k: abs(BARE_WIDGETS[k] - widgets))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--bare-app", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--db", type=Path, help="a desk to copy and open (default: a new demo desk)")
    p.add_argument("--as", dest="actor", default="赵磊", help="who opens the console")
    p.add_argument("--keys", default=",".join(SCREENS), help="comma-separated, as in SCREENS")
    p.add_argument("--runs", type=int, default=15)
    p.add_argument("--busy", action="store_true", help="keep one core busy while measuring")
    p.add_argument("--other", type=Path, metavar="TREE", help="also this checkout's console")
    a = p.parse_args(argv)
    if a.bare_app:
        bare_app()
        return 0
    keys = [k for k in a.keys.split(",") if k]
    unknown = [k for k in keys if k not in SCREENS]
    if unknown:
        p.error(f"--keys: not a key of the first screen here: {', '.join(unknown)}")
    bare_keys = sorted({nearest_bare(SCREENS[k][1]) for k in keys})
    trees = {"this tree": Path(__file__).resolve().parents[1]}
    if a.other:
        trees[f"other {a.other.name}"] = a.other.resolve()
    times: dict[str, dict[str, list[float]]] = {name: {k: [] for k in keys} for name in trees}
    bare_times: dict[str, list[float]] = {k: [] for k in bare_keys}
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
                terms[name] = Term(watchdesk_cmd(desk, a.actor), env_for_console(trees[name]))
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
                    took, bare_home = one_key(bare, k.encode(), bare_home)
                    if i:
                        bare_times[k].append(took)
                for k in keys:
                    for name, console in terms.items():
                        took, homes[name] = one_key(console, SCREENS[k][2], homes[name])
                        if i:
                            times[name][k].append(took)
        finally:
            for name, term in [*terms.items(), *([("bare", bare)] if "bare" in locals() else [])]:
                if term.orphans:
                    print(f"{name}: {term.orphans} orphaned halves of wide characters seen")
                term.close()
            if busy:
                busy.kill()
    load = ", one core busy" if a.busy else ""
    print(f"| key | opens | widgets | p50 | p95 | max | bare p95 | × bare |  ({a.runs} runs{load})")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for k in bare_keys:
        ts = bare_times[k]
        print(
            f"| bare {k} | bare screen | {BARE_WIDGETS[k]} | {statistics.median(ts) * 1000:.0f} ms"
            f" | {p95(ts) * 1000:.0f} ms | {max(ts) * 1000:.0f} ms | | |"
        )
    for k in keys:
        what, widgets, _ = SCREENS[k]
        base = p95(bare_times[nearest_bare(widgets)])
        for name in trees:
            ts = times[name][k]
            who = f" ({name})" if a.other else ""
            print(
                f"| `{k}`{who} | {what} | {widgets} | {statistics.median(ts) * 1000:.0f} ms"
                f" | {p95(ts) * 1000:.0f} ms | {max(ts) * 1000:.0f} ms | {base * 1000:.0f} ms"
                f" | **{p95(ts) / base:.2f}** |"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
