"""Pilot test of issue 16: dispatch three units from an incident, record one arrival on time and
one late, chase the third, hand over with the open task on the sheet."""

from __future__ import annotations

from datetime import datetime, timedelta

from textual.widgets import Input, Select

from tests.handover.test_sheet import night_roster
from tests.helpers import TZ, FakeClock, facts, settle
from watchdesk.app import make_app
from watchdesk.config import Settings
from watchdesk.models.directory import Unit
from watchdesk.models.dispatch import TaskBoardRow
from watchdesk.models.dutylog import LogEntry
from watchdesk.rules.dispatch import Step
from watchdesk.screens.dialogs import FormDialog
from watchdesk.screens.dispatch import DispatchForm, TasksScreen
from watchdesk.screens.handover import HandoverScreen
from watchdesk.screens.incident import IncidentScreen
from watchdesk.store.desk import Store
from watchdesk.widgets.board import CountdownBoard
from watchdesk.widgets.fixed_table import FixedTable


async def _type(pilot, text: str) -> None:
    for ch in text:
        await pilot.press(ch)


async def test_dispatch_arrive_late_chase_and_hand_over(tmp_path):
    clock = FakeClock(datetime(2026, 11, 23, 6, 0, tzinfo=TZ))  # the night shift, 20:00–08:00
    db = tmp_path / "desk.db"
    s = Store.open(db, clock=clock, tz=TZ)
    night_roster(s)
    for name in ("县公安局指挥中心", "县消防救援大队", "县卫生健康局"):
        s.directory.add_unit(Unit(name=name, level=1))
    inc = s.incidents.add(facts(clock))  # 城关镇东街: the central urban area
    s.dutylog.add(
        LogEntry(
            at=clock(),
            kind="instruction",
            incident_id=inc.id,
            counterpart="李红梅",
            content="公安、消防、卫健立即赶赴现场",
        )
    )
    app = make_app(db, settings=Settings(), clock=clock, poll=False, actor="孙丽娜")
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(pilot, lambda: app.loads >= 1)
        app.push_screen(IncidentScreen(inc.id))
        await settle(pilot, lambda: isinstance(app.screen, IncidentScreen), workers=True)
        await pilot.press("a")
        await settle(pilot, lambda: isinstance(app.screen, DispatchForm), workers=True)
        form = app.screen
        # pre-filled from the leader's instruction; urban from the incident's place
        assert form.query_one("#dsp-instruction", Input).value == "公安、消防、卫健立即赶赴现场"
        for initials in ("gaj", "xf", "wsj"):  # pinyin initials, Enter adds the unit
            want = form.searches + len(initials)  # one search per keystroke
            await _type(pilot, initials)
            await settle(pilot, lambda w=want: form.searches >= w, workers=True)
            await pilot.press("enter")
        assert [n for _, n in form.chosen] == ["县公安局指挥中心", "县消防救援大队", "县卫生健康局"]
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: isinstance(app.screen, IncidentScreen), workers=True)
        police, fire, health = s.dispatch.list(incident_id=inc.id)
        assert police.urban and police.clock(Step.arrive).due_at == clock() + timedelta(minutes=15)
        assert health.clock(Step.arrive).due_at == clock() + timedelta(minutes=30)

        await pilot.press("b")
        await settle(pilot, lambda: isinstance(app.screen, TasksScreen) and app.screen.tasks)
        table = app.screen.query_one("#tasks-table", FixedTable)
        # The fire brigade on scene after 12 minutes: on time.
        clock.advance(minutes=12)
        table.move_cursor(row=1)
        await pilot.press("enter")
        await settle(pilot, lambda: isinstance(app.screen, FormDialog))
        app.screen.query_one("#f-step", Select).value = "arrive"
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: s.dispatch.get(fire.id).clock(Step.arrive).done_at)
        # The police after 20 minutes: 5 minutes late.
        clock.advance(minutes=8)
        await settle(pilot, lambda: isinstance(app.screen, TasksScreen))
        table.move_cursor(row=0)
        await pilot.press("enter")
        await settle(pilot, lambda: isinstance(app.screen, FormDialog))
        app.screen.query_one("#f-step", Select).value = "arrive"
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: s.dispatch.get(police.id).clock(Step.arrive).done_at)
        assert s.dispatch.get(fire.id).clock(Step.arrive).late_seconds <= 0
        assert s.dispatch.get(police.id).clock(Step.arrive).late_seconds == 5 * 60
        # The health bureau is not there after 35 minutes: chased.
        clock.advance(minutes=15)
        await settle(pilot, lambda: isinstance(app.screen, TasksScreen))
        table.move_cursor(row=2)
        await pilot.press("h")
        await settle(pilot, lambda: isinstance(app.screen, FormDialog))
        await pilot.press("tab")
        await _type(pilot, "称救护车已出发")
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: s.dispatch.get(health.id).chases)
        await settle(
            pilot, lambda: isinstance(app.screen, TasksScreen) and app.screen.tasks[2].chases
        )
        assert "1" in str(table.get_row_at(2)[5])  # chased once, and when

        # On the countdown board, the open task's row; then the handover.
        await pilot.press("escape")
        await pilot.press("escape")
        await settle(pilot, lambda: app.screen.query(CountdownBoard), workers=True)
        board = app.screen.query_one(CountdownBoard)
        await settle(
            pilot,
            lambda: any(
                isinstance(r, TaskBoardRow) and r.task_id == health.id and r.chases == 1
                for r in board.rows_data
            ),
            workers=True,
        )
        await pilot.press("j")
        await settle(pilot, lambda: isinstance(app.screen, HandoverScreen) and app.screen.text)
        text = app.screen.text
        assert "县卫生健康局" in text and "孙丽娜" in text
    s.close()
