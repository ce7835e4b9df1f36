"""A console save that waits for another program's write lock says so, the whole time it waits:
a bar across the top of the screen (in the UI language) from the moment the wait starts until
the save goes through or gives up (issue 13, item 9)."""

from __future__ import annotations

import sqlite3

from tests.helpers import Notices, settle
from watchdesk.app import make_app
from watchdesk.config import Settings
from watchdesk.i18n import set_language, t
from watchdesk.screens.base import waiting_text
from watchdesk.screens.intake import IncidentForm
from watchdesk.store import db as deskdb


def _incidents(db_path) -> int:
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute("SELECT count(*) FROM incidents").fetchone()[0]
    finally:
        conn.close()


def _bar(app) -> str | None:
    bars = app.screen.query("#desk-waiting")
    return str(bars.first().render()) if bars else None


async def _fill_incident(app, pilot) -> IncidentForm:
    await pilot.press("n")
    await settle(pilot, lambda: isinstance(app.screen, IncidentForm))
    form = app.screen
    form.query_one("#f-place").value = "东坡街道"
    form.query_one("#f-category").value = "火灾"
    form.query_one("#f-description").value = "厨房起火"
    return form


async def test_a_save_waiting_for_another_writer_shows_it_until_it_goes_through(
    db_path, clock, store
):
    app = make_app(db_path, settings=Settings(), clock=clock, poll=False)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(pilot, lambda: app.loads >= 1)
        form = await _fill_incident(app, pilot)
        other = sqlite3.connect(db_path, timeout=0, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")  # another program is writing, and takes its time
        try:
            await pilot.press("ctrl+s")  # the save waits in a worker: the console stays live
            await settle(pilot, lambda: _bar(app) is not None, what="the waiting bar", delay=0.02)
            assert _bar(app) == waiting_text()
            assert "Waiting for the database" in waiting_text()
            # The whole time: still shown while the other writer holds on, nothing saved yet.
            for _ in range(8):
                await pilot.pause(0.1)
                assert _bar(app) == waiting_text() and app.screen is form
            assert app.client.waiting
        finally:
            other.execute("COMMIT")
            other.close()
        await settle(pilot, lambda: not isinstance(app.screen, IncidentForm), delay=0.02)
        await settle(pilot, lambda: _bar(app) is None, what="the bar to go", delay=0.02)
        assert not app.client.waiting
        assert _incidents(db_path) == 1


async def test_a_save_that_gives_up_waiting_says_so_and_keeps_the_form(
    db_path, clock, store, monkeypatch
):
    monkeypatch.setattr(deskdb, "WRITE_RETRY_SECONDS", 1.0)
    app = make_app(db_path, settings=Settings(), clock=clock, poll=False)
    notices = Notices(app)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(pilot, lambda: app.loads >= 1)
        form = await _fill_incident(app, pilot)
        other = sqlite3.connect(db_path, timeout=0, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        try:
            await pilot.press("ctrl+s")
            await settle(pilot, lambda: _bar(app) is not None, what="the waiting bar", delay=0.02)
            await settle(pilot, lambda: notices.errors, what="the busy notice", delay=0.05)
        finally:
            other.execute("ROLLBACK")
            other.close()
        assert any(
            "busy with another writer" in e and "nothing was saved" in e for e in notices.errors
        )
        await settle(pilot, lambda: _bar(app) is None, what="the bar to go", delay=0.02)
        assert app.screen is form and form.query_one("#f-place").value == "东坡街道"
        assert _incidents(db_path) == 0


def test_the_waiting_notice_is_in_the_ui_language():
    set_language("zh")
    try:
        assert waiting_text().startswith("正在等待数据库")
        assert t("desk.waiting", seconds=15) != t("desk.waiting", seconds=15).encode().decode(
            "ascii", "ignore"
        )
    finally:
        set_language("en")


def test_maintenance_never_waits_for_another_writer(store):
    """The console's merge/checkpoint step runs on the DB thread, in front of saves: with another
    program holding the write lock it gives up at once (and asks to come back soon) instead of
    holding the thread, and the officer's save behind it, for seconds."""
    import time

    other = sqlite3.connect(store.db.desk_path, timeout=0, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        started = time.monotonic()
        assert store.checkpoint() is True
        assert time.monotonic() - started < 0.5
    finally:
        other.execute("ROLLBACK")
        other.close()
