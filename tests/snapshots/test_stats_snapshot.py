"""SVG snapshot of the statistics screen with its charts (issue 15): the fixture desk of
tests/stats/conftest.py, November 2026, at a fixed clock (update with --snapshot-update)."""

from __future__ import annotations

from tests.helpers import TZ, FakeClock, painted, settle
from tests.stats.conftest import NOW, build
from watchdesk.app import make_app
from watchdesk.config import Settings
from watchdesk.i18n import set_language
from watchdesk.store.desk import Store


def test_stats_screen(snap_compare, tmp_path):
    set_language("zh")
    clock = FakeClock(NOW)
    path = tmp_path / "desk.db"
    s = Store.open(path, clock=clock, actor="测试员", tz=TZ)
    build(s, clock)
    s.close()
    clock.set(NOW)
    app = make_app(path, settings=Settings(), clock=clock, poll=False)

    async def run_before(pilot):
        from watchdesk.screens.stats import StatsScreen

        def loaded() -> bool:
            screen = pilot.app.screen
            return (
                isinstance(screen, StatsScreen)
                and screen.period.label == "2026-11"
                and not screen.loading
            )

        await settle(pilot, lambda: pilot.app.loads >= 1, what="the first screen")
        await pilot.press("t")
        await settle(pilot, lambda: isinstance(pilot.app.screen, StatsScreen))
        await pilot.press("left_square_bracket")  # November: the month worked out by hand
        await settle(pilot, loaded, what="November's statistics")
        await painted(pilot)

    assert snap_compare(app, terminal_size=(140, 45), run_before=run_before)
