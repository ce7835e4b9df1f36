"""Pilot tests: the first screen's cursor stays with the incident the officer is working on
(issue 13). A report closes the clock under the cursor: the cursor goes to that incident's next
clock (so the next `w` is for the same incident), or to its row in today's list when it has no
clock left; a newly saved incident becomes the selected one."""

from __future__ import annotations

from datetime import timedelta

from textual.widgets import Label

from tests.helpers import facts, settle
from watchdesk.app import make_app
from watchdesk.config import Settings
from watchdesk.models.incident import DeadlineStatus, ReportKind
from watchdesk.screens.dialogs import ConfirmDialog, FormDialog
from watchdesk.screens.intake import IncidentForm
from watchdesk.screens.quickline import QuickConfirm, QuickLine
from watchdesk.widgets.board import CountdownBoard


def app_for(db_path, clock):
    return make_app(db_path, settings=Settings(), clock=clock, poll=False, actor="周文博")


async def ready(app, pilot):
    await settle(pilot, lambda: app.loads >= 1 and app.screen.query(CountdownBoard))
    return app.get_screen_main()


async def report(app, pilot, key: str) -> str:
    """Press a report key, save the dialog as it opens; returns the dialog's title."""
    loads = app.loads
    await pilot.press(key)
    if key == "p":  # the phone report's read-out card first; p there records it
        await settle(pilot, lambda: app.screen.__class__.__name__ == "PhoneCard")
        await pilot.press("p")
    await settle(pilot, lambda: isinstance(app.screen, FormDialog), what="the report form")
    title = str(app.screen.query_one(".dialog-title", Label).render())
    await pilot.press("ctrl+s")
    await settle(pilot, lambda: not isinstance(app.screen, FormDialog), what="the save")
    await settle(pilot, lambda: app.loads > loads, what="the reload", workers=True)
    return title


async def test_the_cursor_stays_with_the_incident_after_p_and_W(db_path, clock, store):
    first = store.incidents.add(
        facts(clock, received_at=clock() - timedelta(minutes=10), dead=10, place="老街")
    )
    second = store.incidents.add(facts(clock, dead=10, place="新街", description="厂房起火"))
    app = app_for(db_path, clock)
    async with app.run_test(size=(140, 45)) as pilot:
        main = await ready(app, pilot)
        board = main.query_one(CountdownBoard)
        await settle(pilot, lambda: board.row_count >= 4, what="the clocks")
        # The board, soonest first: #1 phone, #2 phone, #1 written, #2 written ...
        board.focus()
        await pilot.press("down")  # the officer goes to #2's phone clock
        assert board.selected_row().incident_id == second.id
        assert board.selected_row().kind == ReportKind.phone

        title = await report(app, pilot, "p")
        assert f"#{second.id}" in title
        # The phone clock is closed: the cursor is on #2's next clock, not on #1.
        assert main.selected_incident_id() == second.id
        assert board.selected_row().kind == ReportKind.written

        title = await report(app, pilot, "W")  # a written report sent by other means
        assert f"#{second.id}" in title and f"#{first.id}" not in title
        assert main.selected_incident_id() == second.id
        done = {d.kind for d in store.incidents.deadlines(second.id) if d.status.value == "done"}
        assert done == {ReportKind.phone, ReportKind.written}
        assert all(d.status == DeadlineStatus.running for d in store.incidents.deadlines(first.id))

        # The final report ends #2's last clocks: its row in today's list is selected.
        loads = app.loads
        await pilot.press("e")
        await settle(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("y")
        await settle(pilot, lambda: isinstance(app.screen, FormDialog))
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: app.loads > loads, what="the reload", workers=True)
        await settle(pilot, lambda: app.screen is main)
        assert main.focused is main.query_one("#today")
        assert main.selected_incident_id() == second.id


async def test_a_newly_saved_incident_is_selected(db_path, clock, store):
    for place in ("老街", "北街"):  # two incidents on the board already, due sooner
        store.incidents.add(
            facts(clock, received_at=clock() - timedelta(minutes=20), dead=10, place=place)
        )
    app = app_for(db_path, clock)
    async with app.run_test(size=(140, 45)) as pilot:
        main = await ready(app, pilot)
        await settle(pilot, lambda: main.query_one(CountdownBoard).row_count >= 4)
        # From the form: a grade II incident (on the board).
        await pilot.press("n")
        await settle(pilot, lambda: isinstance(app.screen, IncidentForm))
        form = app.screen
        form.query_one("#f-place").value = "城关镇东街"
        form.query_one("#f-category").value = "火灾"
        form.query_one("#f-description").value = "商铺起火"
        form.query_one("#f-dead").value = "10"
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: app.screen is main, what="the form's save")
        [new] = [i for i in store.incidents.list() if i.place == "城关镇东街"]
        await settle(pilot, lambda: main.selected_incident_id() == new.id, what="the selection")
        await pilot.press("tab")  # today's list has it under its cursor too
        assert main.focused is main.query_one("#today")
        assert main.selected_incident_id() == new.id

        # From the line: a minor incident (its row in today's list, or its clock).
        await pilot.press("colon")
        await settle(pilot, lambda: isinstance(app.screen, QuickLine))
        await pilot.press(*"车祸 @东坡街道 伤1", "enter")
        await settle(pilot, lambda: isinstance(app.screen, QuickConfirm))
        await pilot.press("enter")
        await settle(pilot, lambda: app.screen is main, what="the line's save")
        [minor] = [i for i in store.incidents.list() if i.place == "东坡街道"]
        await settle(pilot, lambda: main.selected_incident_id() == minor.id, what="selected")
        # The next key acts on it.
        await pilot.press("i")
        await settle(pilot, lambda: isinstance(app.screen, FormDialog))
        assert app.screen.query_one("#f-incident_id").value == str(minor.id)
