"""What opening the console imports before its first screen is complete (issue 19: start-up
within 1.3× a bare Textual app). The console is opened as `watchdesk` opens it
(startup.open_console, the officer question included) in a fresh interpreter, and the modules
loaded at the moment the first screen is drawn with its data (`WatchdeskApp.startup_done`) are
checked: none of the heavy libraries the paperwork needs (reportlab alone is ~150 ms), no screen
but the first one's, no command module but the console's own. A module that the first screen
really needs goes in an allowed set below, with the reason."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Third-party libraries imported only when their feature is used (paper, spreadsheets, calendars,
# pinyin, holidays (cached on disk), the web server, charts).
HEAVY = (
    "reportlab",
    "PIL",
    "openpyxl",
    "docx",
    "lxml",
    "jinja2",
    "icalendar",
    "pypinyin",
    "holidays",
    "textual_serve",
    "aiohttp",
    "textual_plotext",
    "plotext",
    # sqlite-utils and what it brings (~45 ms): only the migration check of a desk that is not
    # up to date, and the features that use it (backups, imports) need it (issue 19)
    "sqlite_utils",
    "click",
    "dateutil",
    "pluggy",
)
ALLOWED = {
    "watchdesk.screens": {
        "watchdesk.screens.base",
        "watchdesk.screens.main",  # the first screen
        "watchdesk.screens.incident_actions",  # the first screen's keys (a mixin of it)
        "watchdesk.screens.dialogs",  # imported by incident_actions
        "watchdesk.screens.seat",  # "who is at the keyboard?", asked as the console opens
    },
    "watchdesk.cli": {"watchdesk.cli.base", "watchdesk.cli.desk", "watchdesk.cli.acting"},
    "watchdesk.files": {"watchdesk.files.drafts", "watchdesk.files.output"},  # intake drafts
    "watchdesk.report": set(),
    "watchdesk.demo": set(),
}

PROBE = """
import asyncio, sys
import watchdesk.cli  # the entry point, as the `watchdesk` command imports it
from watchdesk.cli import acting  # `--as`
from watchdesk.config import Settings
from watchdesk.startup import open_console

async def main():
    app = open_console(sys.argv[1], settings=Settings(), actor="tester")
    seen = []
    done = type(app).startup_done

    def snapshot(self):
        if not seen:
            seen.append(sorted(sys.modules))
        done(self)

    type(app).startup_done = snapshot
    async with app.run_test(size=(140, 45)) as pilot:
        while not seen:
            await pilot.pause(0.05)
    print("\\n".join(seen[0]))

asyncio.run(main())
"""


def loaded_at_first_screen(db: Path) -> set[str]:
    path = os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])
    env = {**os.environ, "PYTHONPATH": path}
    r = subprocess.run(
        [sys.executable, "-c", PROBE, str(db)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-4000:]
    return set(r.stdout.split())


def test_the_first_screen_imports_nothing_it_does_not_show(tmp_path, clock):
    from watchdesk.demo import build_demo

    db = build_demo(tmp_path / "demo.db", now=clock())
    modules = loaded_at_first_screen(db)
    assert {"watchdesk.screens.main", "watchdesk.store.desk", "textual.app"} <= modules
    heavy = sorted(m for m in modules if m.split(".")[0] in HEAVY)
    assert not heavy, f"imported before the first screen: {heavy}"
    # the demo desk is up to date: opened on its stamp and records, not the migration check
    assert "watchdesk.store.migrations" not in modules
    for package, allowed in ALLOWED.items():
        extra = sorted(m for m in modules if m.startswith(f"{package}.") and m not in allowed)
        assert not extra, f"imported before the first screen: {extra}"
