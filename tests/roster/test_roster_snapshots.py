"""SVG snapshots of the roster screen at 140x45 with a fixed clock (update with
--snapshot-update). The desk is built here, not from the demo, so other areas' demo changes do not
move these pictures."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from tests.helpers import TZ, FakeClock, painted, settle
from tests.roster.fixtures import fortnight
from watchdesk.app import make_app
from watchdesk.config import Settings
from watchdesk.i18n import set_language
from watchdesk.models.roster import Role
from watchdesk.screens.roster.screen import RosterScreen
from watchdesk.store.desk import Store

NOW = datetime(2026, 11, 22, 14, 29, 0, tzinfo=TZ)


def build(path) -> None:
    clock = FakeClock(NOW)
    s = Store.open(path, clock=clock, actor="赵磊", tz=TZ)
    try:
        ids = fortnight(s)
        s.roster.add_sensitive_period("冬季森林防火", date(2026, 11, 25), date(2026, 11, 26))
        cur = s.roster.on_duty()
        officer = next(a for a in cur.assignments if a.role == Role.officer)
        s.roster.sign_in(
            cur.shift.id, officer.officer_id, at=datetime(2026, 11, 22, 8, 24, tzinfo=TZ)
        )
        s.roster.record_check(
            cur.shift.id,
            method="in_person",
            result="present",
            at=datetime(2026, 11, 22, 8, 40, tzinfo=TZ),
            note="在指挥中心",
        )
        page = s.roster.page(datetime(2026, 11, 16, tzinfo=TZ), datetime(2026, 11, 30, tzinfo=TZ))
        by_day = {r.shift.starts_at.day: r for r in page.shifts}
        a = by_day[20].people(Role.officer)[0]
        b = by_day[21].people(Role.officer)[0]
        s.roster.swap(a.id, b.id, reason="家中有事", approver="王建国")
        lead = by_day[24].people(Role.leader)[0]
        s.roster.remove(lead.id, reason="市里开会", approver="王建国")
        off = by_day[18].people(Role.officer)[0]
        s.roster.substitute(
            off.id,
            ids["马晓东"],
            reason="上午就医",
            approver="李红梅",
            starts_at=datetime(2026, 11, 18, 9, tzinfo=TZ),
            ends_at=datetime(2026, 11, 18, 12, tzinfo=TZ),
        )
        s.roster.add_leave(
            ids["冯雪"],
            datetime(2026, 11, 29, tzinfo=TZ),
            datetime(2026, 12, 1, tzinfo=TZ),
            "年休假",
        )
    finally:
        s.close()


@pytest.fixture
def roster_app(tmp_path):
    def make(lang: str, view: str):
        set_language(lang)
        path = tmp_path / f"roster-{lang}.db"
        build(path)
        app = make_app(path, settings=Settings(), clock=FakeClock(NOW), poll=False)
        app.bell = lambda: None
        return app, view

    return make


def _open(view: str):
    async def run_before(pilot):
        scr = RosterScreen(view=view)
        await pilot.app.push_screen(scr)
        await settle(pilot, lambda: scr.loads, what="the roster")
        await pilot.app.workers.wait_for_complete()
        await pilot.wait_for_scheduled_animations()
        await painted(pilot)

    return run_before


@pytest.mark.parametrize("lang, view", [("zh", "week"), ("en", "month")])
def test_roster_screen(snap_compare, roster_app, lang, view):
    app, view = roster_app(lang, view)
    assert snap_compare(app, terminal_size=(140, 45), run_before=_open(view))
