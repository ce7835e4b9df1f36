"""One measured start of a console, run in a fresh process by `startup.py`.

    python bench/_launch.py bare
    python bench/_launch.py watchdesk DB [AGE_SECONDS]

Builds the app, runs it headless at 140x45 and exits right after the first screen is painted with
its data: at once for the bare app (Header, DataTable, Footer), after the first dashboard load for
watchdesk (`app.first_load_done`, then the next refresh). The watchdesk path does what
`watchdesk --db DB` does (watchdesk.cli.main: the garbage collector off until the first screen
is drawn, settings, `startup.open_console`: the desk opened and checked, the first screen read on
the DB thread while the UI is imported) with the same imports.
AGE_SECONDS: run the app with its clock set back by that much (the desk's age), so a desk made
hours ago looks as if it had just been made (`desks.desk_clock`).
Prints one JSON line of in-process phase times (seconds since this script started running) and
the process's peak resident memory (KiB) after it exited the app (`peak_rss_kib`).
"""

import time

T0 = time.perf_counter()

import json
import sys

SIZE = (140, 45)
marks: dict[str, float] = {}


def mark(name: str) -> None:
    marks.setdefault(name, round(time.perf_counter() - T0, 4))


ready = None  # set by bare() / watchdesk(): awaited by auto_pilot before the paint is timed


def bare():
    from textual.app import App
    from textual.widgets import DataTable, Footer, Header

    mark("imported")

    class Bare(App):
        def compose(self):
            yield Header()
            yield DataTable()
            yield Footer()

    async def ready(app) -> None:  # the bare app has nothing to load
        return None

    return Bare(), ready


def watchdesk(db: str, age: float = 0.0):
    """`watchdesk --db DB` itself: `watchdesk.__main__.main` (argument parsing, the garbage
    collector off until the first screen is drawn, settings, language, `cmd_ui`, then
    `startup.open_console`: the desk opened and checked, and the first screen read on the DB
    thread while the UI is imported). The only differences: the app found by `open_console` runs headless at SIZE with
    this launcher's auto-pilot, and with AGE the console's clock is set back. Returns a callable
    that runs it all (and returns main's exit status)."""
    import functools

    import watchdesk.startup as console
    from watchdesk import cli

    real = console.open_console
    if age:  # the console's own clock, set back
        from datetime import UTC, datetime, timedelta

        offset = timedelta(seconds=age)
        console.default_clock = lambda: datetime.now(UTC) - offset

    def open_console(*args, **kwargs):
        app = real(*args, **kwargs)
        mark("imported")  # and the desk opened: the UI's imports overlap the reading
        app.run = functools.partial(app.run, headless=True, size=SIZE, auto_pilot=auto_pilot)
        return app

    console.open_console = open_console  # cmd_ui imports it from the module when it runs

    async def ready(app) -> None:
        await app.first_load_done.wait()

    return (lambda: cli.main(["--db", db])), ready


def peak_rss_kib() -> int:
    """This process's peak resident memory. `VmHWM` is the high-water mark of the address space
    the process has had since it started this program; `ru_maxrss` would be the same, except
    that Linux carries it over `execve` from the parent (a big parent, such as the suite after
    it generated a desk, would show through)."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


async def auto_pilot(pilot) -> None:
    app = pilot.app
    mark("ready")
    await ready(app)
    mark("loaded")

    def painted() -> None:
        mark("painted")
        marks["painted_epoch"] = time.time()  # for the parent: spawn → first paint
        app.exit()

    app.call_after_refresh(painted)


if __name__ == "__main__":
    mode = sys.argv[1]
    if mode == "bare":
        app, ready = bare()
        app.run(headless=True, size=SIZE, auto_pilot=auto_pilot)
    else:
        run, ready = watchdesk(sys.argv[2], float(sys.argv[3]) if len(sys.argv) > 3 else 0.0)
        if run() != 0:
            sys.exit(f"{mode}: watchdesk exited with an error")
    mark("exited")
    marks["maxrss_kib"] = peak_rss_kib()
    if "painted" not in marks:
        sys.exit(f"{mode}: exited before the first screen was painted")
    print(json.dumps(marks))
