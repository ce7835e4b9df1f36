"""SVG snapshots of the directory, the roll-call runner and the warnings board (140×45, fixed
clock, Chinese). Update with `pytest --snapshot-update tests/directory/test_snapshots.py`."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from tests.directory.fixtures import seed
from tests.helpers import TZ, FakeClock, painted, settle
from watchdesk.app import make_app
from watchdesk.config import Settings
from watchdesk.i18n import set_language
from watchdesk.models.warning import WarningInput
from watchdesk.rules.warning import Level
from watchdesk.screens.directory import DirectoryScreen
from watchdesk.screens.rollcall_run import RollCallRunScreen
from watchdesk.screens.warning import WarningsScreen
from watchdesk.store.desk import Store

NOW = datetime(2026, 11, 22, 14, 29, 0, tzinfo=TZ)


@pytest.fixture
def desk(tmp_path):
    set_language("zh")
    path = tmp_path / "desk.db"
    clock = FakeClock(NOW - timedelta(hours=6))
    s = Store.open(path, clock=clock, tz=TZ, actor="赵磊")
    seed(s)
    w = s.warnings.issue(
        WarningInput(
            kind="rainstorm",
            level=Level.III,
            area="全县",
            issuer="县气象台",
            issued_at=clock(),
            measures="巡查山塘水库和地质灾害隐患点",
        )
    )
    clock.advance(hours=2)
    s.warnings.change(w.id, Level.II, note="未来6小时降雨将加强")
    s.warnings.issue(
        WarningInput(
            kind="hail", level=Level.II, area="青山铺镇", issuer="县气象台", issued_at=clock()
        )
    )
    g = s.warnings.issue(
        WarningInput(kind="gale", level=Level.IV, area="城区", issuer="县气象台", issued_at=clock())
    )
    clock.advance(hours=1)
    s.warnings.lift(g.id)
    clock.set(NOW - timedelta(minutes=10))
    rid = s.rollcall.start("townships", label="汛期电话查岗").round.id
    clock.advance(minutes=2)
    s.rollcall.record(rid, 1, "on_post", answered_by="张伟", answer_seconds=6)
    clock.advance(minutes=2)
    s.rollcall.record(rid, 2, "no_answer")
    s.close()
    return path, rid


async def _ready(pilot, ready):
    await settle(pilot, lambda: ready(pilot.app.screen), what="the screen's data", workers=True)
    await painted(pilot)


def _app(path):
    return make_app(path, settings=Settings(), clock=FakeClock(NOW), poll=False)


def test_directory_screen(snap_compare, desk):
    path, _ = desk

    async def run_before(pilot):
        pilot.app.push_screen(DirectoryScreen("gaj"))
        await _ready(pilot, lambda s: getattr(s, "unit", None) is not None)
        from textual.widgets import Input

        for field in pilot.app.screen.query(Input):  # a blinking cursor: one picture each run
            field.cursor_blink = False
        await pilot.pause()

    assert snap_compare(_app(path), terminal_size=(140, 45), run_before=run_before)


def test_rollcall_runner(snap_compare, desk):
    path, rid = desk

    async def run_before(pilot):
        pilot.app.push_screen(RollCallRunScreen(rid))
        await _ready(pilot, lambda s: getattr(s, "report", None) is not None)

    assert snap_compare(_app(path), terminal_size=(140, 45), run_before=run_before)


def test_warnings_board(snap_compare, desk):
    path, _ = desk

    async def run_before(pilot):
        pilot.app.push_screen(WarningsScreen())

        def ready(s):
            return (
                getattr(s, "loads", 0)
                and "预警详情" in str(s.query_one("#warn-detail").render())
                or (getattr(s, "loads", 0) and len(str(s.query_one("#warn-detail").render())) > 20)
            )

        await _ready(pilot, ready)

    assert snap_compare(_app(path), terminal_size=(140, 45), run_before=run_before)
