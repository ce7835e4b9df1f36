"""The duty log's keys for issue 16: `N` logs a notice from above with its clocks, `t` passes the
selected entry on to units (one task each)."""

from __future__ import annotations

from datetime import datetime

from tests.dispatch.test_pilot import _type
from tests.helpers import TZ, FakeClock, settle
from watchdesk.app import make_app
from watchdesk.config import Settings
from watchdesk.models.directory import Unit
from watchdesk.screens.dialogs import FormDialog
from watchdesk.screens.dispatch import DispatchForm
from watchdesk.screens.dutylog import DutyLogScreen
from watchdesk.store.desk import Store


async def test_a_notice_logged_and_passed_on_from_the_duty_log(tmp_path):
    clock = FakeClock(datetime(2026, 11, 23, 9, 0, tzinfo=TZ))
    db = tmp_path / "desk.db"
    s = Store.open(db, clock=clock, tz=TZ)
    s.directory.add_unit(Unit(name="县水利局", level=1))
    s.close()
    app = make_app(db, settings=Settings(), clock=clock, poll=False, actor="孙丽娜")
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(pilot, lambda: app.loads >= 1)
        app.push_screen(DutyLogScreen())
        await settle(pilot, lambda: isinstance(app.screen, DutyLogScreen), workers=True)
        log = app.screen
        await pilot.press("N")
        await settle(pilot, lambda: isinstance(app.screen, FormDialog))
        form = app.screen
        form.query_one("#f-from").value = "市应急管理局"
        form.query_one("#f-content").value = "关于做好强降雨防范工作的紧急通知"
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: app.screen is log, workers=True)
        s = Store.open(db, clock=clock, tz=TZ)
        try:
            [notice] = s.dispatch.list()
            assert notice.kind.value == "notice" and "强降雨" in notice.instruction
            entry = s.dutylog.list()[0]
            assert "强降雨" in entry.content
        finally:
            s.close()
        # Pass it on: t on the entry, pick the unit, save.
        await settle(pilot, lambda: bool(log.entries), workers=True)
        await pilot.press("t")
        await settle(pilot, lambda: isinstance(app.screen, DispatchForm), workers=True)
        dsp = app.screen
        want = dsp.searches + 3
        await _type(pilot, "slj")
        await settle(pilot, lambda: dsp.searches >= want, workers=True)
        await pilot.press("enter")
        await settle(pilot, lambda: len(dsp.chosen) == 1)
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: app.screen is log, workers=True)
    s = Store.open(db, clock=clock, tz=TZ)
    try:
        tasks = s.dispatch.list()
        assert any(x.unit_name == "县水利局" for x in tasks)
    finally:
        s.close()


async def test_t_on_the_warnings_board_passes_a_warning_to_its_areas_duty_rooms(tmp_path):
    from tests.directory.fixtures import seed
    from tests.directory.test_warnings import issue
    from watchdesk.screens.warning import WarningsScreen

    clock = FakeClock(datetime(2026, 11, 23, 9, 0, tzinfo=TZ))
    db = tmp_path / "desk.db"
    s = Store.open(db, clock=clock, tz=TZ)
    seed(s)
    w = issue(s, clock, area="全县")
    rooms = s.dispatch.area_units(w.id)
    s.close()
    assert rooms
    app = make_app(db, settings=Settings(), clock=clock, poll=False, actor="孙丽娜")
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(pilot, lambda: app.loads >= 1)
        app.push_screen(WarningsScreen())
        await settle(pilot, lambda: isinstance(app.screen, WarningsScreen), workers=True)
        board = app.screen
        await settle(pilot, lambda: bool(board.items), workers=True)
        await pilot.press("t")
        await settle(pilot, lambda: isinstance(app.screen, DispatchForm), workers=True)
        form = app.screen
        assert [u for u, _ in form.chosen] == rooms
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: app.screen is board, workers=True)
    s = Store.open(db, clock=clock, tz=TZ)
    try:
        tasks = s.dispatch.list()
        assert sorted(x.unit_id for x in tasks) == sorted(rooms)
        assert all(x.warning_id == w.id for x in tasks)
    finally:
        s.close()
