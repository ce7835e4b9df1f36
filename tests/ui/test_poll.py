"""The console's 1 s poll reloads the dashboard for another connection's records, not for its
own maintenance commits (issue 19: an idle console redrew everything every second while
full-text merging was behind). Counts, not timings."""

from __future__ import annotations

from tests.helpers import TZ, facts, roster_today, settle
from tests.store.test_saves_never_merge import put_behind
from watchdesk.app import make_app
from watchdesk.config import Settings
from watchdesk.store.desk import Store


async def test_maintenance_does_not_reload_and_another_seats_write_does(
    db_path, clock, store, monkeypatch
):
    roster_today(store, clock)
    app = make_app(db_path, settings=Settings(), clock=clock, poll=False)

    async def by_hand() -> None:  # the maintenance steps are the test's, not the timer's
        pass

    monkeypatch.setattr(app, "_checkpoint", by_hand)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(pilot, lambda: app.loads >= 1, what="the dashboard", workers=True)
        put_behind(app.client.call_sync(lambda s: s), clock, 30)  # as a bulk load leaves it
        app.reload()
        await settle(pilot, lambda: app.loads >= 2, what="the dashboard", workers=True)
        await pilot.pause()
        loads = app.loads
        version = app.client.call_sync(lambda s: s.data_version())
        steps = 0
        while await app.client.maintain() and steps < 50:  # merge steps, then checkpoints
            steps += 1
            await app.poll_once()
        await app.poll_once()
        assert steps >= 1
        assert app.client.call_sync(lambda s: s.data_version()) != version  # they committed
        await pilot.pause()
        assert (app.polled_reloads, app.loads) == (0, loads)

        other = Store.open(db_path, clock=clock, tz=TZ)
        try:
            other.incidents.add(facts(clock, place="河西街道"))
        finally:
            other.close()
        await app.poll_once()
        await settle(pilot, lambda: app.loads > loads, what="the reload", workers=True)
        assert app.polled_reloads == 1


async def test_the_poll_rides_on_the_tick(db_path, clock, store, monkeypatch):
    """No timer of its own re-armed each second: the tick starts it, one at a time."""
    roster_today(store, clock)
    app = make_app(db_path, settings=Settings(), clock=clock)
    polls = []

    async def counted() -> None:
        polls.append(1)

    monkeypatch.setattr(app, "poll_once", counted)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(pilot, lambda: app.loads >= 1, what="the dashboard", workers=True)
        timers = len(app._timers)
        app.tick()
        app.tick()
        await pilot.pause()
        assert polls and len(polls) <= 2
        assert len(app._timers) == timers
