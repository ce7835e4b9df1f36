"""Pilot tests of the first screen, with an injected clock."""

from __future__ import annotations

from datetime import timedelta

from tests.helpers import TZ, facts, roster_today, settle
from watchdesk.app import make_app
from watchdesk.config import Settings
from watchdesk.models.incident import ReportKind
from watchdesk.models.roster import Role
from watchdesk.store.desk import Store
from watchdesk.text.timefmt import ClockState
from watchdesk.widgets.banner import OnDutyBanner
from watchdesk.widgets.board import CountdownBoard


def left_text(board: CountdownBoard, deadline_id: int) -> str:
    return str(board.get_cell(str(deadline_id), "left"))


async def test_clock_with_one_second_left_goes_overdue_on_next_tick(db_path, clock, store):
    roster_today(store, clock)
    # The leader is confirmed on post: the only bell here is the countdown board's.
    store.roster.record_check(store.roster.on_duty().shift.id, method="in_person", result="present")
    inc = store.incidents.add(facts(clock, dead=10, occurred_at=clock() - timedelta(minutes=30)))
    phone = [d for d in store.incidents.deadlines(inc.id) if d.kind == ReportKind.phone][0]
    # Stand at one second before the phone report is due.
    clock.set(phone.due_at - timedelta(seconds=1))
    app = make_app(db_path, settings=Settings(), clock=clock, poll=False)
    bells = []
    async with app.run_test(size=(140, 45)) as pilot:
        app.bell = lambda: bells.append(clock())
        await settle(pilot, lambda: app.loads >= 1, what="the dashboard", workers=True)
        board = app.screen.query_one(CountdownBoard)
        assert board.rows_data[0].deadline_id == phone.id  # soonest first
        assert left_text(board, phone.id) == "00:01"
        assert board.state_of(phone.id) == ClockState.amber
        clock.advance(seconds=1)  # the next tick: the due instant
        app.tick()
        await pilot.pause()
        assert left_text(board, phone.id) == "OVER 00:00"
        assert board.state_of(phone.id) == ClockState.overdue
        assert len(bells) == 1
        clock.advance(seconds=1)
        app.tick()
        await pilot.pause()
        assert left_text(board, phone.id) == "OVER 00:01"
        clock.advance(seconds=1)
        app.tick()
        await pilot.pause()
        assert len(bells) == 1  # rings once, not every second


async def test_banner_shows_leader_and_next(db_path, clock, store):
    roster_today(store, clock)
    app = make_app(db_path, settings=Settings(), clock=clock, poll=False)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(pilot, lambda: app.loads >= 1, what="the dashboard", workers=True)
        banner = app.screen.query_one(OnDutyBanner)
        text = banner.last_text.plain
        assert "王建国" in text and "李红梅" in text
        assert "Leader on duty" in text


async def test_refreshes_when_another_process_writes(db_path, clock, store):
    roster_today(store, clock)
    app = make_app(db_path, settings=Settings(), clock=clock, poll=True)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(pilot, lambda: app.loads >= 1, what="the dashboard", workers=True)
        assert app.dashboard.today == []
        # Another connection (another process, as far as SQLite is concerned) writes.
        other = Store.open(db_path, clock=clock, tz=TZ)
        other.incidents.add(facts(clock, description="另一终端录入"))
        other.close()
        await settle(pilot, lambda: app.dashboard.today, n=100, delay=0.05)
        assert [i.description for i in app.dashboard.today] == ["另一终端录入"]
        table = app.screen.query_one("#today")
        assert table.row_count == 1


async def test_shift_change_reloads_banner(db_path, clock, store):
    roster_today(store, clock)
    app = make_app(db_path, settings=Settings(), clock=clock, poll=False)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(pilot, lambda: app.loads >= 1, what="the dashboard", workers=True)
        first = app.dashboard.current.shift.id
        clock.set(app.dashboard.current.shift.ends_at + timedelta(seconds=1))
        app.tick()
        await settle(pilot, lambda: app.loads >= 2, what="the dashboard", workers=True)
        assert app.dashboard.current.shift.id != first


async def test_midnight_empties_today_and_keeps_clocks(db_path, clock, store):
    """Correct across a day change: today's list follows the desk's local day, the clocks stay."""
    clock.set(clock().replace(hour=23, minute=50))
    roster_today(store, clock)
    inc = store.incidents.add(facts(clock, dead=10))
    app = make_app(db_path, settings=Settings(), clock=clock, poll=False)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(pilot, lambda: app.loads >= 1, what="the dashboard", workers=True)
        assert [i.id for i in app.dashboard.today] == [inc.id]
        clock.advance(minutes=15)  # 00:05 the next day
        app.tick()
        await settle(pilot, lambda: app.loads >= 2, what="the dashboard", workers=True)
        assert app.dashboard.today == []
        board = app.screen.query_one(CountdownBoard)
        assert {r.incident_id for r in board.rows_data} == {inc.id}


async def test_amber_threshold_is_configurable(db_path, clock, store):
    inc = store.incidents.add(facts(clock, dead=10))  # phone due in 30 minutes
    phone = [d for d in store.incidents.deadlines(inc.id) if d.kind == ReportKind.phone][0]
    app = make_app(db_path, settings=Settings(amber_minutes=45), clock=clock, poll=False)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(pilot, lambda: app.loads >= 1, what="the dashboard", workers=True)
        assert app.screen.query_one(CountdownBoard).state_of(phone.id) == ClockState.amber
    app = make_app(db_path, settings=Settings(amber_minutes=10), clock=clock, poll=False)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(pilot, lambda: app.loads >= 1, what="the dashboard", workers=True)
        assert app.screen.query_one(CountdownBoard).state_of(phone.id) == ClockState.ok


async def test_console_opened_as_the_cli_opens_it(db_path, clock, store):
    """`watchdesk` opens the console through startup.open_console: the desk is opened, and the
    first screen read on the DB thread while the UI is imported. The screen shows what the desk
    holds, and another seat's later save still reaches it."""
    from watchdesk.screens.seat import SeatDialog
    from watchdesk.startup import open_console

    roster_today(store, clock)
    inc = store.incidents.add(facts(clock, dead=10))
    for _ in range(2):  # twice: the first run's save is voided, the second opens the same desk
        app = open_console(db_path, settings=Settings(), actor="duty", clock=clock)
        async with app.run_test(size=(140, 45)) as pilot:
            await settle(pilot, lambda: pilot.app.loads >= 1, what="the dashboard", workers=True)
            # It asks who is at the keyboard (the duty chief is proposed); Enter accepts.
            await settle(
                pilot, lambda: isinstance(pilot.app.screen, SeatDialog), what="the question"
            )
            await pilot.press("enter")
            await settle(pilot, lambda: pilot.app.officer.name == "赵磊", what="the officer")
            board = app.screen.query_one(CountdownBoard)
            assert {r.incident_id for r in board.rows_data} == {inc.id}
            assert app.dashboard.current.names(Role.leader) == ["王建国"]
            later = store.incidents.add(facts(clock, place="河西街道", dead=11))
            await app.poll_once()  # the 1-second poll, run now
            await settle(pilot, lambda: pilot.app.loads >= 2, what="the dashboard", workers=True)
            assert {r.incident_id for r in board.rows_data} == {inc.id, later.id}
        store.incidents.void(later.id, "test")


async def test_console_open_fails_cleanly_on_a_missing_desk(tmp_path):
    import pytest

    from watchdesk.errors import StoreError
    from watchdesk.startup import open_console

    with pytest.raises(StoreError):
        open_console(tmp_path / "none.db", settings=Settings(), actor="duty")
    assert not (tmp_path / "none.db").exists()


async def test_each_screen_key_opens_its_screen(db_path, clock, store):
    """d directory, g roll-call, y warnings, z roster, j handover, l duty log, / search; Esc
    comes back to the first screen each time."""
    from watchdesk.screens.directory import DirectoryScreen
    from watchdesk.screens.dutylog import DutyLogScreen
    from watchdesk.screens.handover import HandoverScreen
    from watchdesk.screens.rollcall import RollCallScreen
    from watchdesk.screens.roster.screen import RosterScreen
    from watchdesk.screens.search import SearchScreen
    from watchdesk.screens.warning import WarningsScreen

    roster_today(store, clock)
    app = make_app(db_path, settings=Settings(), clock=clock, poll=False)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(pilot, lambda: app.loads >= 1, what="the dashboard", workers=True)
        first = app.screen
        for key, cls in (
            ("d", DirectoryScreen),
            ("g", RollCallScreen),
            ("y", WarningsScreen),
            ("z", RosterScreen),
            ("j", HandoverScreen),
            ("l", DutyLogScreen),
            ("slash", SearchScreen),
        ):
            await pilot.press(key)
            await settle(pilot, lambda cls=cls: isinstance(app.screen, cls), what=cls.__name__)
            await pilot.press("escape")
            await settle(pilot, lambda: app.screen is first, what=f"back from {cls.__name__}")
