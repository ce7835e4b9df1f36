"""Pilot tests of the report form (issue 13): it opens on its first empty field with the time
already now; 报告对象 is the addressee this desk last used for that kind of report, else the
config's `report_to`; and a second phone report on a clock already closed asks first."""

from __future__ import annotations

from textual.widgets import Input

from tests.helpers import facts, settle
from watchdesk.app import make_app
from watchdesk.config import Settings
from watchdesk.models.incident import ReportKind
from watchdesk.screens.dialogs import ConfirmDialog, FormDialog
from watchdesk.screens.report import PhoneCard
from watchdesk.widgets.board import CountdownBoard


def app_for(db_path, clock, **settings):
    return make_app(db_path, settings=Settings(**settings), clock=clock, poll=False, actor="周文博")


async def phone_card(app, pilot) -> None:
    """`p` shows the phone report's read-out card first; `p` there records the call."""
    await pilot.press("p")
    await settle(pilot, lambda: isinstance(app.screen, PhoneCard), what="the read-out card")
    await pilot.press("p")


async def open_report(app, pilot, key: str) -> FormDialog:
    if key == "p":
        await phone_card(app, pilot)
    else:
        await pilot.press(key)
    await settle(pilot, lambda: isinstance(app.screen, FormDialog), what="the report form")
    form = app.screen
    await settle(pilot, lambda: isinstance(app.focused, Input) and app.focused.id != "f-at")
    return form


async def test_report_form_opens_on_its_first_empty_field_with_the_addressee(db_path, clock, store):
    a = store.incidents.add(facts(clock, dead=10, place="老街"))
    b = store.incidents.add(facts(clock, dead=10, place="新街"))
    app = app_for(db_path, clock, report_to="县应急管理局")
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(pilot, lambda: app.loads >= 1)
        main = app.get_screen_main()
        board = main.query_one(CountdownBoard)
        await settle(pilot, lambda: board.row_count >= 4)
        board.focus()
        assert main.selected_incident_id() == a.id
        # No phone report yet on this desk: the config's report_to; the cursor in the content.
        form = await open_report(app, pilot, "p")
        assert form.query_one("#f-at", Input).value == "2026-11-22 14:29:00"
        assert form.query_one("#f-to_whom", Input).value == "县应急管理局"
        assert app.focused.id == "f-content"
        form.query_one("#f-to_whom", Input).value = "市应急管理局总值班室"
        await pilot.press(*"电话报告火情", "ctrl+s")
        await settle(pilot, lambda: not isinstance(app.screen, FormDialog), workers=True)
        assert store.incidents.reports(a.id)[0].to_whom == "市应急管理局总值班室"

        # The next phone report, for the other incident: to whom the last one went.
        await settle(pilot, lambda: main.selected_incident_id() == a.id)
        board.move_cursor(row=[r.incident_id for r in board.rows_data].index(b.id))
        form = await open_report(app, pilot, "p")
        assert form.query_one("#f-to_whom", Input).value == "市应急管理局总值班室"
        assert app.focused.id == "f-content"
        await pilot.press("escape")
        await settle(pilot, lambda: not isinstance(app.screen, FormDialog))
        # A written report (recorded as sent by other means, W) has its own last addressee:
        # none yet, so the config's.
        form = await open_report(app, pilot, "W")
        assert form.query_one("#f-to_whom", Input).value == "县应急管理局"


async def test_without_any_addressee_the_form_opens_on_it(db_path, clock, store):
    store.incidents.add(facts(clock, dead=10))
    app = app_for(db_path, clock)  # no report_to configured
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(pilot, lambda: app.loads >= 1)
        app.get_screen_main().query_one(CountdownBoard).focus()
        form = await open_report(app, pilot, "p")
        assert form.query_one("#f-to_whom", Input).value == ""
        assert app.focused.id == "f-to_whom"


async def test_a_second_phone_report_on_the_same_clock_asks_first(db_path, clock, store):
    inc = store.incidents.add(facts(clock, dead=10))
    store.incidents.record_report(inc.id, ReportKind.phone, to_whom="市应急管理局总值班室")
    app = app_for(db_path, clock)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(pilot, lambda: app.loads >= 1)
        main = app.get_screen_main()
        main.query_one(CountdownBoard).focus()
        assert main.selected_incident_id() == inc.id  # on its written clock
        await phone_card(app, pilot)
        await settle(pilot, lambda: isinstance(app.screen, ConfirmDialog), what="the question")
        assert "市应急管理局总值班室" in str(app.screen.query_one(".dialog-question").render())
        await pilot.press("n")  # no: nothing opens, nothing is recorded
        await settle(pilot, lambda: app.screen is main)
        assert len(store.incidents.reports(inc.id)) == 1
        await phone_card(app, pilot)
        await settle(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("y")  # yes: the form, and a second phone report when saved
        await settle(pilot, lambda: isinstance(app.screen, FormDialog))
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: app.screen is main, workers=True)
        assert [r.kind for r in store.incidents.reports(inc.id)] == [ReportKind.phone] * 2
        # The written report recorded as sent by other means (W), its clock still running, does
        # not ask.
        await pilot.press("W")
        await settle(pilot, lambda: isinstance(app.screen, (FormDialog, ConfirmDialog)))
        assert isinstance(app.screen, FormDialog)
