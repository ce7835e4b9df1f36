"""The statistics screen (issue 15) on the fixture desk of tests/stats/conftest.py, whose November
figures are worked out by hand there: opened with `t` from the first screen, the figures it
shows, changing the period, and a late report followed to its incident."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from tests.helpers import TZ, FakeClock, settle
from tests.stats.conftest import NOW, build
from watchdesk.app import make_app
from watchdesk.config import Settings
from watchdesk.models.incident import Grade, ReportKind
from watchdesk.models.stats import PeriodKind
from watchdesk.store.desk import Store


@pytest.fixture
def stats_desk(tmp_path):
    clock = FakeClock(NOW)
    path = tmp_path / "desk.db"
    s = Store.open(path, clock=clock, actor="测试员", tz=TZ)
    ids = build(s, clock)
    s.close()
    clock.set(NOW)
    return path, clock, ids


def shown(screen, selector: str) -> str:
    """What a Static shows, as plain text (wide enough that nothing wraps)."""
    out = io.StringIO()
    Console(file=out, width=300, color_system=None).print(screen.query_one(selector).content)
    return out.getvalue()


def loaded(app) -> bool:
    from watchdesk.screens.stats import StatsScreen

    screen = app.screen
    return isinstance(screen, StatsScreen) and not screen.loading and screen.trend is not None


async def open_stats(pilot):
    await settle(pilot, lambda: pilot.app.loads >= 1, what="the first screen")
    await pilot.press("t")
    await settle(pilot, lambda: loaded(pilot.app), what="the statistics")
    return pilot.app.screen


async def test_opens_with_t_on_this_month_then_steps_to_november(stats_desk):
    path, clock, ids = stats_desk
    app = make_app(path, settings=Settings(), clock=clock, poll=False)
    async with app.run_test(size=(140, 45)) as pilot:
        screen = await open_stats(pilot)
        assert screen.period.label == "2026-12"  # "now" is 12-10: this month
        assert screen.stats.happened.totals.incidents == 1  # C only

        await pilot.press("left_square_bracket")  # the previous month
        await settle(pilot, lambda: loaded(app) and screen.period.label == "2026-11")
        st = screen.stats
        # our own timeliness, as worked out in tests/stats: 5 on time, 4 late, 3 missed
        own = shown(screen, "#stats-own")
        total = next(line for line in own.splitlines() if line.strip().startswith("Total"))
        assert total.split()[1:5] == ["5", "4", "3", "0"]
        assert "41.7%" in total  # 5 of 12
        assert "11h" in total  # the worst: E, reported 11 hours late
        # every late and missed report, one row each, by due time
        table = screen.query_one("#stats-items")
        assert table.row_count == 7
        assert [i.incident_id for i in screen.items] == [
            ids["A"], ids["B"], ids["B"], ids["B"], ids["F"], ids["G"], ids["E"]
        ]  # fmt: skip
        # subordinate units: 白沙乡 late once (B) and missed once (H): −1 −3
        sub = shown(screen, "#stats-sub")
        village = next(line for line in sub.splitlines() if "白沙乡值班室" in line)
        assert village.split()[-1] == "-4"
        what = shown(screen, "#stats-what")
        assert "7 incidents; dead 4, injured 2, missing 1" in what  # A B H I F G E
        assert st.happened.totals.incidents == 7
        desk = shown(screen, "#stats-desk")
        assert "50.0%" in desk  # roll-calls: 2 of 4 units on post

        # the charts: twelve months up to November; November by grade, its on-time rate
        assert [m.month for m in screen.trend.by_month][-2:] == ["2026-10", "2026-11"]
        nov = screen.trend.by_month[-1]
        assert (nov.incidents, nov.by_grade.get(Grade.II), nov.by_grade.get(Grade.IV)) == (7, 1, 5)
        assert screen.trend.rates[-1] == ("2026-11", round(5 / 12, 4))

        # the period picker's quick keys: the quarter, then the year holding the period
        await pilot.press("4")
        await settle(pilot, lambda: loaded(app) and screen.period.kind == PeriodKind.quarter)
        assert screen.period.label == "2026-Q4"
        await pilot.press("5")
        await settle(pilot, lambda: loaded(app) and screen.period.kind == PeriodKind.year)
        assert screen.period.label == "2026"
        assert len(screen.trend.by_month) == 12


async def test_period_picker_takes_from_to_and_refuses_bad_input(stats_desk):
    from watchdesk.screens.dialogs import FormDialog

    path, clock, ids = stats_desk
    app = make_app(path, settings=Settings(), clock=clock, poll=False)
    async with app.run_test(size=(140, 45)) as pilot:
        screen = await open_stats(pilot)
        await pilot.press("p")
        await settle(pilot, lambda: isinstance(app.screen, FormDialog))
        dialog = app.screen
        dialog.query_one("#f-period").value = "2026-13"
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: "2026-13" in str(dialog.query_one("#e-period").content))
        assert app.screen is dialog  # still open, what was typed kept
        assert dialog.query_one("#f-period").value == "2026-13"
        dialog.query_one("#f-from").value = "2026-11-10"
        dialog.query_one("#f-to").value = "2026-11-11"
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: app.screen is screen and loaded(app))
        assert screen.period.kind == PeriodKind.custom
        # B's phone (late) and written (missed) fell due on 11-10
        assert [(i.incident_id, i.kind) for i in screen.items] == [
            (ids["B"], ReportKind.phone),
            (ids["B"], ReportKind.written),
        ]


async def test_enter_on_a_late_report_opens_its_incident(stats_desk):
    from watchdesk.screens.incident import IncidentScreen

    path, clock, ids = stats_desk
    app = make_app(path, settings=Settings(), clock=clock, poll=False)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_stats(pilot)
        await pilot.press("left_square_bracket")
        await settle(pilot, lambda: loaded(app) and screen.period.label == "2026-11")
        table = screen.query_one("#stats-items")
        table.focus()
        await pilot.press("down")  # the second: B's late phone report, made by 孙丽娜
        assert screen.selected_item().reporter == "孙丽娜"
        await pilot.press("enter")
        await settle(pilot, lambda: isinstance(app.screen, IncidentScreen))
        assert app.screen.incident_id == ids["B"]
        await settle(pilot, lambda: app.screen.incident is not None)
        await pilot.press("escape")
        await settle(pilot, lambda: app.screen is screen)
        assert screen.period.label == "2026-11"  # back where the officer was


async def test_keys_stay_live_while_the_desk_is_busy(stats_desk, monkeypatch):
    """While the database thread is busy the keys still act, and stepping through five years
    queues no work: a read overtaken by a newer period is skipped before it starts, and the
    screen ends on the last period asked for, with its figures (zeros, not errors)."""
    import threading

    from watchdesk.store.stats import StatsRepo

    counted: list[str] = []
    real = StatsRepo.compute

    def compute(self, period, **kw):
        counted.append(period.label)
        return real(self, period, **kw)

    monkeypatch.setattr(StatsRepo, "compute", compute)
    path, clock, ids = stats_desk
    app = make_app(path, settings=Settings(), clock=clock, poll=False)
    async with app.run_test(size=(140, 45)) as pilot:
        screen = await open_stats(pilot)
        counted.clear()
        busy = threading.Event()
        held = app.client.submit(lambda s: busy.wait(30))  # the desk's thread, busy
        await pilot.press("5")
        for _ in range(5):
            await pilot.press("left_square_bracket")
        assert screen.period.label == "2021" and screen.loading  # the keys acted
        busy.set()
        held.result(timeout=30)
        await settle(pilot, lambda: loaded(app), workers=True)
        assert counted == ["2021"]  # the five overtaken reads never ran
        assert screen.stats.period.label == "2021"
        assert screen.stats.happened.totals.incidents == 0
