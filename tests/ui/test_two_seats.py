"""Several seats: two consoles on one database file see each other's changes within two
seconds (each polls SQLite's data_version once a second)."""

from __future__ import annotations

import time

from tests.helpers import roster_today, settle
from watchdesk.app import make_app
from watchdesk.config import Settings
from watchdesk.screens.intake import IncidentForm


async def test_two_consoles_see_each_other_within_two_seconds(db_path, clock, store):
    roster_today(store, clock)
    a = make_app(db_path, settings=Settings(), clock=clock, poll=True, actor="张三")
    b = make_app(db_path, settings=Settings(), clock=clock, poll=True, actor="李四")
    async with a.run_test(size=(140, 45)) as pa, b.run_test(size=(140, 45)) as pb:
        await settle(pa, lambda: a.loads >= 1)
        await settle(pb, lambda: b.loads >= 1)
        # A logs an incident with the keys an officer presses.
        await pa.press("n")
        await settle(pa, lambda: isinstance(a.screen, IncidentForm))
        form = a.screen
        form.query_one("#f-place").value = "东坡街道建设路"
        form.query_one("#f-category").value = "火灾"
        form.query_one("#f-description").value = "商铺起火"
        await pa.press("ctrl+s")
        await settle(pa, lambda: not isinstance(a.screen, IncidentForm))
        saved_at = time.monotonic()
        # B shows it without anyone touching B.
        while not (b.dashboard and b.dashboard.today):
            await pb.pause(0.05)
            assert time.monotonic() - saved_at < 2.0, "B did not see A's incident within 2 s"
        seen_b = time.monotonic() - saved_at
        assert b.dashboard.today[0].place == "东坡街道建设路"
        # And the other way round: B voids it, and A sees the change.
        inc_id = b.dashboard.today[0].id
        await b.client.call(lambda s: s.incidents.void(inc_id, "重复报告"))
        b.after_write()
        t0 = time.monotonic()
        while not (
            a.dashboard and a.dashboard.today and a.dashboard.today[0].status.value == "voided"
        ):
            await pa.pause(0.05)
            assert time.monotonic() - t0 < 2.0, "A did not see B's change within 2 s"
    assert seen_b < 2.0
