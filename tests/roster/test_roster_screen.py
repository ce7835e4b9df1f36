"""Pilot tests of the roster screen: keys in, stored rows out; the clock is injected."""

from __future__ import annotations

from datetime import datetime

import pytest

from tests.helpers import TZ, settle
from tests.roster.fixtures import fortnight
from watchdesk.app import make_app
from watchdesk.config import Settings
from watchdesk.models.roster import Role
from watchdesk.screens.dialogs import ConfirmDialog, FormDialog
from watchdesk.screens.roster.grid import COLUMNS, RosterGrid
from watchdesk.screens.roster.modals import PickOfficerModal
from watchdesk.screens.roster.screen import RosterScreen
from watchdesk.widgets.leader_check import LeaderCheckBar


def at(y, m, d, hh=0, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=TZ)


@pytest.fixture
def roster_app(db_path, clock, store):
    ids = fortnight(store)
    app = make_app(db_path, settings=Settings(), clock=clock, poll=False)
    app.ids = ids
    return app


async def open_roster(app, pilot) -> RosterScreen:
    scr = RosterScreen()
    await app.push_screen(scr)
    await settle(pilot, lambda: scr.loads >= 1, what="the roster")
    return scr


async def reloaded(pilot, scr, n):
    await settle(
        pilot,
        lambda: scr.loads >= n and not isinstance(pilot.app.screen, (FormDialog, PickOfficerModal)),
        what="a reload",
    )


def goto(scr, day: int, role: Role):
    grid = scr.query_one(RosterGrid)
    row = next(
        i for i, r in enumerate(grid.rows_data) if r.shift.starts_at == at(2026, 11, day, 8, 30)
    )
    grid.move_cursor(row=row, column=COLUMNS.index(role.value), animate=False)
    return grid.rows_data[row]


def cell_text(scr, day: int, role: Role) -> str:
    grid = scr.query_one(RosterGrid)
    rs = next(r for r in grid.rows_data if r.shift.starts_at == at(2026, 11, day, 8, 30))
    return str(grid.get_cell(str(rs.shift.id), role.value))


async def test_the_grid_opens_on_the_current_shift(roster_app, store):
    async with roster_app.run_test(size=(140, 45)) as pilot:
        scr = await open_roster(roster_app, pilot)
        grid = scr.query_one(RosterGrid)
        assert len(grid.rows_data) == 7  # Monday 11-16 to Sunday 11-22
        assert grid.current_shift().shift.starts_at == at(2026, 11, 22, 8, 30)
        assert "王建国" in cell_text(scr, 22, Role.leader)
        await pilot.press("w")
        await settle(pilot, lambda: scr.loads >= 2)
        assert len(grid.rows_data) == 14 and scr.view == "month"
        await pilot.press("right_square_bracket")
        await settle(pilot, lambda: scr.loads >= 3)
        assert grid.rows_data == [] and scr.page.problems[0].problem.value == "uncovered"
        await pilot.press("t")
        await settle(pilot, lambda: scr.loads >= 4)
        assert len(grid.rows_data) == 14


async def test_enter_on_a_cell_assigns_by_pinyin_initials(roster_app, store):
    async with roster_app.run_test(size=(140, 45)) as pilot:
        scr = await open_roster(roster_app, pilot)
        await pilot.press("right", "right", "right", "right", "right")  # to the standby column
        assert scr.query_one(RosterGrid).current_role() == Role.standby
        await pilot.press("enter")
        await settle(pilot, lambda: isinstance(roster_app.screen, PickOfficerModal))
        await pilot.press("m", "x", "d", "enter")  # 马晓东
        await reloaded(pilot, scr, 2)
        view = store.roster.on_duty()
        assert view.names(Role.standby) == ["马晓东"]
        assert "马晓东" in cell_text(scr, 22, Role.standby)


async def test_swap_two_cells_with_reason_and_approver(roster_app, store):
    async with roster_app.run_test(size=(140, 45)) as pilot:
        scr = await open_roster(roster_app, pilot)
        first = goto(scr, 21, Role.officer).people(Role.officer)[0].officer_name
        await pilot.press("s")
        second = goto(scr, 22, Role.officer).people(Role.officer)[0].officer_name
        await pilot.press("s")
        await settle(pilot, lambda: isinstance(roster_app.screen, FormDialog))
        await pilot.press(*"病假", "tab", *"王建国", "enter")
        await reloaded(pilot, scr, 2)
        assert store.roster.on_duty().names(Role.officer) == [first]
        assert second in cell_text(scr, 21, Role.officer)
        grid = scr.query_one(RosterGrid)
        rs = grid.current_shift()
        change = str(grid.get_cell(str(rs.shift.id), "change"))
        assert change.startswith("✎swapped") and "病假" in change
        detail = str(scr.query_one("#roster-detail").render())
        assert "病假" in detail and "approved: 王建国" in detail and "duty" in detail
        assert store.check().ok


async def test_refused_change_keeps_what_was_typed(roster_app, store):
    before = store.db.execute("SELECT count(*) FROM audit").fetchone()[0]
    async with roster_app.run_test(size=(140, 45)) as pilot:
        scr = await open_roster(roster_app, pilot)
        goto(scr, 22, Role.officer)
        await pilot.press("x")
        await settle(pilot, lambda: isinstance(roster_app.screen, FormDialog))
        modal = roster_app.screen
        await pilot.press(*"病假", "enter")  # to the approver field
        await pilot.press("enter")  # save with no approver
        await settle(pilot, lambda: str(modal.query_one("#e-approver").render()), workers=True)
        assert isinstance(roster_app.screen, FormDialog)
        error = str(modal.query_one("#e-approver").render())
        assert "Approver" in error and "required" in error
        assert modal.values()["reason"] == "病假"
        await pilot.press("escape")  # something was typed: it asks first
        await pilot.pause()
        assert not isinstance(roster_app.screen, FormDialog)
        assert isinstance(roster_app.screen, ConfirmDialog)
        await pilot.press("y")
        await settle(pilot, lambda: roster_app.screen is scr, what="the form thrown away")
    assert store.db.execute("SELECT count(*) FROM audit").fetchone()[0] == before


async def test_mark_a_gap_intentional(roster_app, store, clock):
    rs = store.roster.on_duty()
    nxt = store.roster.next_shift()
    leader = next(a for a in nxt.assignments if a.role == Role.leader)
    store.roster.remove(leader.id, reason="领导外出", approver="局长")
    async with roster_app.run_test(size=(140, 45)) as pilot:
        scr = RosterScreen(view="month")
        await roster_app.push_screen(scr)
        await settle(pilot, lambda: scr.loads >= 1)
        assert "MISSING 1" in cell_text(scr, 23, Role.leader)
        goto(scr, 23, Role.leader)
        await pilot.press("i")
        await settle(pilot, lambda: isinstance(roster_app.screen, FormDialog))
        await pilot.press(*"由分管副局长电话带班", "enter")
        await reloaded(pilot, scr, 2)
        assert "intended" in cell_text(scr, 23, Role.leader)
        assert not any(v.problem.value == "no_leader" for v in store.roster.upcoming_problems())
    assert rs is not None


async def test_leader_check_escalates_rings_and_is_resolved(roster_app, store, clock):
    async with roster_app.run_test(size=(140, 45)) as pilot:
        bells = []
        roster_app.bell = lambda: bells.append(clock())
        scr = await open_roster(roster_app, pilot)
        bar = scr.query_one(LeaderCheckBar)
        assert bar.escalated and "OVERDUE" in bar.last_text.plain  # 08:30 check, now 14:29
        assert len(bells) == 1
        roster_app.tick()  # a second later: no new bell yet
        await pilot.pause()
        assert len(bells) == 1
        await pilot.press("c")
        await settle(pilot, lambda: isinstance(roster_app.screen, FormDialog))
        await pilot.press("ctrl+s")
        await reloaded(pilot, scr, 2)
        assert not bar.escalated
        assert "Next leader check 22:00" in bar.last_text.plain
        clock.set(at(2026, 11, 22, 22, 14))
        roster_app.tick()
        await pilot.pause()
        assert not bar.escalated and "Confirm the leader" in bar.last_text.plain
        clock.set(at(2026, 11, 22, 22, 15))
        roster_app.tick()  # no reload: the cached checks turn red on the clock alone
        await pilot.pause()
        assert bar.escalated and len(bells) == 2
        clock.advance(seconds=60)
        roster_app.tick()
        await pilot.pause()
        assert len(bells) == 3  # rings again each minute until resolved
    recs = store.roster.check_records(store.roster.on_duty(at(2026, 11, 22, 12)).shift.id)
    assert len(recs) == 1 and recs[0].method.value == "in_person"


async def test_sign_in_from_the_grid(roster_app, store):
    async with roster_app.run_test(size=(140, 45)) as pilot:
        scr = await open_roster(roster_app, pilot)
        rs = goto(scr, 22, Role.officer)
        name = rs.people(Role.officer)[0].officer_name
        await pilot.press("u")
        await settle(pilot, lambda: isinstance(roster_app.screen, PickOfficerModal))
        modal = roster_app.screen
        assert {o.name for o in modal.officers} == {a.officer_name for a in rs.assignments}
        await pilot.press(*name, "enter")
        await reloaded(pilot, scr, 2)
        assert store.roster.signin_status(rs.shift.id).taken_over
        assert "Taken over" in scr.query_one(LeaderCheckBar).last_text.plain
        grid = scr.query_one(RosterGrid)
        assert name in str(grid.get_cell(str(rs.shift.id), "signin"))
