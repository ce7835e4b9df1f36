"""Start-up as a person sees it: a real terminal, from the command to a complete first screen.

    python bench/startup_pty.py --db bench/out/desk-1y.db [--runs 10] [--busy]
    python bench/startup_pty.py --db bench/out/desk-1y.db --other OLD_TREE OLD_DB   # before/after

Each run starts the command in a fresh pseudo-terminal of 140x45 (TERM=xterm-256color) and feeds
everything it writes into a terminal emulator (pyte). The start-up time is from just before the
process is spawned until the last byte of output before the screen has shown every marker and
then stayed unchanged for QUIET seconds: the moment the first screen is complete, not an internal
timestamp. Output that only changes digits (the console's clocks and countdowns tick every
second) after the screen is complete does not move that moment: it is the first output after
which the screen, digits masked, stayed what it finally was. Beside it, the CPU time the process (all its threads) had used by then, read from
/proc as each output arrives: steadier than wall time when the machine is busy. The process is then killed (nothing is written at start-up before the daily backup and
the first checkpoint, which wait for seconds).

Subjects, alternating in one run after a warm-up each (the two trees swapping places every round):
a bare Textual app (Header, DataTable, Footer) run by this script in the terminal (`--bare-app`),
then `python -m watchdesk --db DB` as typed (English UI, the console asking who is at the
keyboard), with `--as` when `--as` is given so the console opens straight on the board, and
optionally the same command from another checkout (`--other TREE DB`, run with PYTHONPATH=TREE) for
a before/after comparison in the same run. `--busy` keeps one core busy (`while True: pass`) for
the whole run, as the house issue asks.
Only ratios against the bare app of the same run are meant to be compared.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import os
import pty
import re
import select
import signal
import statistics
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

COLS, ROWS = 140, 45
QUIET = 0.3  # seconds without output after every marker is shown: the screen is complete
TIMEOUT = 30.0
HERE = Path(__file__).resolve().parent


def bare_app() -> None:
    from textual.app import App
    from textual.widgets import DataTable, Footer, Header

    class Bare(App[None]):
        TITLE = "bare"

        def compose(self):  # type: ignore[no-untyped-def]
            yield Header()
            yield DataTable()
            yield Footer()

    Bare().run()


def screen_text(screen: object) -> str:
    return "\n".join(screen.display)  # type: ignore[attr-defined]


def ticking(text: str) -> str:
    """The screen with its digits masked: a clock or countdown ticking on a complete screen
    does not make it incomplete (the console's counters change every second)."""
    return re.sub(r"\d", "#", text)


def cpu_seconds(pid: int) -> float:
    """CPU time the process has used so far, all its threads (Linux: each thread's schedstat, in
    ns; steadier than wall time on a busy machine); 0.0 where /proc cannot tell."""
    total = 0
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with contextlib.suppress(OSError, ValueError, IndexError):
                with open(f"/proc/{pid}/task/{task}/schedstat") as f:
                    total += int(f.read().split()[0])
    except OSError:
        return 0.0
    return total / 1e9


def run_once(cmd: list[str], env: dict[str, str], markers: list[str]) -> tuple[float, float, str]:
    """Run in the folder of env's PYTHONPATH (if any): `python -m` puts the working folder first
    on sys.path, ahead of PYTHONPATH. Returns the wall time to the complete screen, the CPU time
    the process had used by its last output then (read as each output arrives), and the screen."""
    import pyte

    screen = pyte.Screen(COLS, ROWS)
    stream = pyte.ByteStream(screen)
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        cmd,
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        cwd=env.get("PYTHONPATH") or None,
        start_new_session=True,
    )
    os.close(slave)
    last = t0
    seen: list[tuple[float, float, str]] = []  # after each output: when, CPU used, screen
    try:
        while True:
            now = time.perf_counter()
            if now - t0 > TIMEOUT:
                raise SystemExit(
                    f"{' '.join(cmd)}: no complete screen in {TIMEOUT:.0f} s:\n"
                    + screen_text(screen)
                )
            ready, _, _ = select.select([master], [], [], QUIET / 3)
            if ready:
                try:
                    data = os.read(master, 65536)
                except OSError:
                    data = b""
                if not data:
                    raise SystemExit(f"{' '.join(cmd)} exited:\n" + screen_text(screen))
                last = time.perf_counter()
                cpu = cpu_seconds(proc.pid)
                stream.feed(data)
                seen.append((last, cpu, ticking(screen_text(screen))))
                # answer the terminal queries Textual sends at start (device attributes, cursor)
                if b"\x1b[c" in data or b"\x1b[0c" in data:
                    os.write(master, b"\x1b[?62;22c")
                continue
            text = screen_text(screen)
            if all(m in text for m in markers) and time.perf_counter() - last >= QUIET:
                # complete: the first output after which only ticking digits changed
                final = ticking(text)
                at, cpu_at = last, seen[-1][1]
                for when, used, shown in reversed(seen):
                    if shown != final:
                        break
                    at, cpu_at = when, used
                return at - t0, cpu_at, text
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait()
        os.close(master)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--bare-app", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--db", type=Path, help="the desk to open")
    p.add_argument("--runs", type=int, default=10)
    p.add_argument("--as", dest="actor", help="open as this officer (no question at start)")
    p.add_argument("--other", nargs=2, metavar=("TREE", "DB"), help="another checkout and desk")
    p.add_argument("--busy", action="store_true", help="keep one core busy while measuring")
    p.add_argument("--show", action="store_true", help="print each subject's first screen once")
    p.add_argument("--json", type=Path, help="also write the times here (bench/suite.py)")
    a = p.parse_args(argv)
    if a.bare_app:
        bare_app()
        return 0
    if a.db is None or not a.db.exists():
        p.error("--db: no desk there; make one with `python bench/desks.py --years 1`")
    env = dict(os.environ, TERM="xterm-256color", LANG="C.UTF-8", LC_ALL="C.UTF-8")
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.pop("WATCHDESK_ACTOR", None)
    me = Path(__file__).resolve().parents[1]
    wd = [sys.executable, "-m", "watchdesk", "--lang", "en", "--db"]
    as_ = ["--as", a.actor] if a.actor else []  # both trees alike
    subjects: list[tuple[str, list[str], dict[str, str], list[str]]] = [
        ("bare Textual app", [sys.executable, __file__, "--bare-app"], env, ["palette"]),
    ]
    if a.other:
        tree, db = a.other
        subjects.append(
            (
                f"other {Path(tree).name}",
                [*wd, str(Path(db).resolve()), *as_],
                dict(env, PYTHONPATH=str(Path(tree).resolve())),
                ["Countdown"],
            )
        )
    mine = [*wd, str(a.db.resolve()), *as_]
    subjects.append(("this tree", mine, dict(env, PYTHONPATH=str(me)), ["Countdown"]))
    import compileall

    for _, _, e, _ in subjects:
        for root in filter(None, [e.get("PYTHONPATH")]):
            compileall.compile_dir(Path(root) / "watchdesk", quiet=1)
    busy = subprocess.Popen([sys.executable, "-c", "while True: pass"]) if a.busy else None
    times: dict[str, list[float]] = {s[0]: [] for s in subjects}
    cpus: dict[str, list[float]] = {s[0]: [] for s in subjects}
    try:
        for i in range(a.runs + 1):
            # the trees swap places every round (the bare app first always): neither gains from
            # coming right after the bare app (page cache, the busy core's phase)
            order = subjects if i % 2 else [subjects[0], *reversed(subjects[1:])]
            for name, cmd, e, markers in order:
                took, cpu, text = run_once(cmd, e, markers)
                if i == 0 and a.show:
                    print(f"--- {name}\n{text}\n")
                if i:
                    times[name].append(took)
                    cpus[name].append(cpu)
    finally:
        if busy:
            busy.kill()
    base = statistics.median(times[subjects[0][0]])
    cpu_base = statistics.median(cpus[subjects[0][0]]) or float("nan")
    print(
        f"| subject | complete first screen: median | min | max | × bare | CPU to it: median "
        f"| × bare |  ({a.runs} runs{', one core busy' if a.busy else ''}, "
        f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())})"
    )
    for name, ts in times.items():
        med = statistics.median(ts)
        cpu = statistics.median(cpus[name])
        print(
            f"| {name} | {med * 1000:.0f} ms | {min(ts) * 1000:.0f} | {max(ts) * 1000:.0f} "
            f"| **{med / base:.2f}** | {cpu * 1000:.0f} ms | **{cpu / cpu_base:.2f}** |"
        )
    if a.json:  # the suite's record: bench/results.py renders RESULTS.md from it
        import json

        record = {"runs": a.runs, "busy": a.busy, "db": str(a.db), "baseline": subjects[0][0]}
        record |= {"times": times, "cpu": cpus}
        a.json.write_text(json.dumps(record, indent=1, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
