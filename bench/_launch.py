"""One measured start of a console, run in a fresh process by `startup.py`.

    python bench/_launch.py bare
    python bench/_launch.py watchdesk DB

Builds the app, runs it headless at 140x45 and exits right after the first screen is painted with
its data: at once for the bare app (Header, DataTable, Footer), after the first dashboard load for
watchdesk (`app.loads >= 1`). The watchdesk path does what `watchdesk --db DB` does before the
screen takes over (settings, open and migrate-check the store) with the same imports.
Prints one JSON line of in-process phase times (seconds since this script started running).
"""

import time

T0 = time.perf_counter()

import json
import sys

SIZE = (140, 45)
marks: dict[str, float] = {}


def mark(name: str) -> None:
    marks.setdefault(name, round(time.perf_counter() - T0, 4))


def bare():
    from textual.app import App
    from textual.widgets import DataTable, Footer, Header

    mark("imported")

    class Bare(App):
        def compose(self):
            yield Header()
            yield DataTable()
            yield Footer()

    return Bare(), lambda app: True


def watchdesk(db: str):
    import watchdesk.__main__  # noqa: F401  (the CLI's own import cost)
    from watchdesk.app import make_app
    from watchdesk.config import load_settings
    from watchdesk.store import Store

    mark("imported")
    settings = load_settings()
    Store.open(db, create=False, tz=settings.tz, rule_pack=settings.rule_pack).close()
    mark("store_checked")
    return make_app(db, settings=settings, actor="bench"), lambda app: app.loads >= 1


async def auto_pilot(pilot) -> None:
    app = pilot.app
    mark("ready")

    def check() -> None:
        if ready(app):
            mark("loaded")
            timer.stop()
            app.call_after_refresh(painted)

    def painted() -> None:
        mark("painted")
        marks["painted_epoch"] = time.time()  # for the parent: spawn → first paint
        app.exit()

    timer = app.set_interval(0.01, check)
    check()


if __name__ == "__main__":
    mode = sys.argv[1]
    app, ready = bare() if mode == "bare" else watchdesk(sys.argv[2])
    app.run(headless=True, size=SIZE, auto_pilot=auto_pilot)
    mark("exited")
    if "painted" not in marks:
        sys.exit(f"{mode}: exited before the first screen was painted")
    print(json.dumps(marks))
