"""The screen base: a worker that fails inside a screen is a notice in the UI language (a failed
write says nothing was saved), never silence; and every form asks before Esc throws typed text
away (and closes at once when nothing was typed)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tests.directory.fixtures import seed
from tests.helpers import Notices, settle
from tests.roster.fixtures import fortnight
from watchdesk.app import make_app
from watchdesk.config import Settings
from watchdesk.i18n import set_language
from watchdesk.screens.dialogs import ConfirmDialog, FormDialog
from watchdesk.screens.directory import DirectoryScreen
from watchdesk.screens.roster.screen import RosterScreen
from watchdesk.screens.warning import WarningsScreen
from watchdesk.screens.warning_forms import IssueWarningScreen


class Failing:
    """The app's desk calls fail with `error` while `on` is set."""

    def __init__(self, app, error: Exception):
        self.on, self.error, real = False, error, app.client.call

        async def call(fn):
            if self.on:
                raise self.error
            return await real(fn)

        app.client.call = call


async def open_directory(app, pilot) -> DirectoryScreen:
    screen = DirectoryScreen("gaj")
    app.push_screen(screen)
    await settle(pilot, lambda: screen.unit is not None, what="the unit", workers=True)
    await pilot.press("enter")  # from the search box to the list, where the keys are
    return screen


async def test_a_failed_read_is_a_notice_and_the_console_lives_on(db_path, clock, store):
    seed(store)
    app = make_app(db_path, settings=Settings(), clock=clock, poll=False)
    notices = Notices(app)
    desk = Failing(app, RuntimeError("the disk fell off"))
    async with app.run_test(size=(140, 45)) as pilot:
        screen = await open_directory(app, pilot)
        searches = screen.searches
        desk.on = True
        await pilot.press("v")  # show inactive units too: a new search, which fails
        await settle(pilot, lambda: notices.errors, what="the notice", workers=True)
        assert notices.errors == ["Error: RuntimeError: the disk fell off"]
        assert app.screen is screen and app.is_running and screen.searches == searches
        desk.on = False
        await pilot.press("v")
        await settle(
            pilot, lambda: screen.searches > searches, what="the next search", workers=True
        )
        assert len(notices.errors) == 1


async def test_a_failed_write_says_nothing_was_saved(db_path, clock, store):
    """The issue's case: toggling a unit's active flag failed without a word."""
    ids = seed(store)
    app = make_app(db_path, settings=Settings(), clock=clock, poll=False)
    notices = Notices(app)
    desk = Failing(app, sqlite3.OperationalError("database is locked"))
    async with app.run_test(size=(140, 45)) as pilot:
        screen = await open_directory(app, pilot)
        unit_id = screen.unit.id
        desk.on = True
        await pilot.press("d")  # deactivate
        await settle(pilot, lambda: notices.errors, what="the notice", workers=True)
        (notice,) = notices.errors
        assert notice.startswith("Error: nothing was saved: ")
        assert "busy with another writer" in notice  # the desk's own words, not SQLite's
        assert app.screen is screen
    assert unit_id in ids.values() and store.directory.get(unit_id).active


async def test_the_notice_is_in_the_ui_language(db_path, clock, store):
    seed(store)
    set_language("zh")
    app = make_app(db_path, settings=Settings(), clock=clock, poll=False)
    notices = Notices(app)
    desk = Failing(app, RuntimeError("boom"))
    async with app.run_test(size=(140, 45)) as pilot:
        await open_directory(app, pilot)
        desk.on = True
        await pilot.press("d")
        await settle(pilot, lambda: notices.errors, what="the notice", workers=True)
    assert notices.errors == ["出错：未保存任何内容: RuntimeError: boom"]


async def test_a_failed_form_save_keeps_the_form_open(db_path, clock, store):
    app = make_app(db_path, settings=Settings(), clock=clock, poll=False)
    notices = Notices(app)
    desk = Failing(app, RuntimeError("boom"))
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(pilot, lambda: app.loads >= 1)
        await pilot.press("l", "a")  # the duty log, then a new entry
        await settle(pilot, lambda: isinstance(app.screen, FormDialog))
        form = app.screen
        form.query_one("#f-content").value = "县气象台来电"
        desk.on = True
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: notices.errors, what="the notice", workers=True)
        assert notices.errors == ["Error: nothing was saved: RuntimeError: boom"]
        assert app.screen is form and form.values()["content"] == "县气象台来电"
    assert store.dutylog.list() == []


async def test_esc_on_a_roster_form_asks_only_when_something_was_typed(db_path, clock, store):
    fortnight(store)
    app = make_app(db_path, settings=Settings(), clock=clock, poll=False)
    async with app.run_test(size=(140, 45)) as pilot:
        scr = RosterScreen()
        await app.push_screen(scr)
        await settle(pilot, lambda: scr.loads >= 1, what="the roster")
        # Nothing typed: Esc closes at once.
        await pilot.press("p")  # generate a rotation: a form with its defaults filled in
        await settle(pilot, lambda: isinstance(app.screen, FormDialog))
        await pilot.press("escape")
        await settle(pilot, lambda: app.screen is scr, what="the form closed")
        # Something typed: Esc asks; No keeps it, Yes throws it away.
        await pilot.press("p")
        await settle(pilot, lambda: isinstance(app.screen, FormDialog))
        form = app.screen
        form.query_one("#f-leader").focus()
        await pilot.press(*"王建国")
        await pilot.press("escape")
        await settle(pilot, lambda: isinstance(app.screen, ConfirmDialog), what="the question")
        await pilot.press("n")
        await settle(pilot, lambda: app.screen is form)
        assert form.values()["leader"] == "王建国"
        await pilot.press("escape")
        await settle(pilot, lambda: isinstance(app.screen, ConfirmDialog), what="the question")
        await pilot.press("y")
        await settle(pilot, lambda: app.screen is scr, what="the form thrown away")


async def test_esc_on_a_hand_laid_form_asks_the_same_way(db_path, clock, store):
    app = make_app(db_path, settings=Settings(), clock=clock, poll=False)
    async with app.run_test(size=(140, 45)) as pilot:
        board = WarningsScreen()
        app.push_screen(board)
        await settle(pilot, lambda: board.loads >= 1, what="the board", workers=True)
        await pilot.press("i")
        await settle(pilot, lambda: isinstance(app.screen, IssueWarningScreen))
        await pilot.press("escape")
        await settle(pilot, lambda: app.screen is board, what="closed at once")
        await pilot.press("i")
        await settle(pilot, lambda: isinstance(app.screen, IssueWarningScreen))
        app.screen.query_one("#w-area").focus()
        await pilot.press(*"青山铺镇", "escape")
        await settle(pilot, lambda: isinstance(app.screen, ConfirmDialog), what="the question")
        await pilot.press("y")
        await settle(pilot, lambda: app.screen is board)
    assert store.warnings.list(include_lifted=True) == []


def test_screens_start_workers_as_reads_or_writes_and_hold_no_sql():
    """Every worker in a screen says whether it writes (`run_read` / `run_write`, see
    watchdesk.screens.base), and SQL stays in the store."""
    root = Path(__file__).resolve().parents[2] / "watchdesk"
    for path in [*root.glob("screens/**/*.py"), *root.glob("widgets/*.py")]:
        text = path.read_text("utf-8")
        if path.name != "console.py":
            assert "run_worker(" not in text, path
        for word in ("SELECT ", "INSERT ", "UPDATE ", "DELETE ", ".execute(", "sqlite3"):
            assert word not in text, (path, word)
