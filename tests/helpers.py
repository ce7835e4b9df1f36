"""Helpers shared by the tests (importable as tests.helpers)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from watchdesk.models.incident import IncidentFacts
from watchdesk.models.roster import Officer, Role
from watchdesk.store.desk import Store

TZ = ZoneInfo("Asia/Shanghai")


class FakeClock:
    """A clock tests move by hand: `clock.advance(seconds=1)`."""

    def __init__(self, at: datetime):
        self.at = at

    def __call__(self) -> datetime:
        return self.at

    def advance(self, **kw) -> datetime:
        self.at = self.at + timedelta(**kw)
        return self.at

    def set(self, at: datetime) -> None:
        self.at = at


def facts(clock: FakeClock, **kw) -> IncidentFacts:
    base = dict(
        received_at=clock(),
        place="城关镇东街",
        category="accident",
        subtype="fire",
        description="居民楼起火",
    )
    base.update(kw)
    return IncidentFacts(**base)


def roster_today(store: Store, clock: FakeClock) -> None:
    """Yesterday's, today's and tomorrow's 24-hour shifts from 08:30."""
    leader = store.roster.add_officer(Officer(name="王建国", title="局长"))
    chief = store.roster.add_officer(Officer(name="赵磊"))
    off = store.roster.add_officer(Officer(name="周文博"))
    leader2 = store.roster.add_officer(Officer(name="李红梅"))
    local = clock().astimezone(TZ)
    start = local.replace(hour=8, minute=30, second=0, microsecond=0)
    if local < start:
        start -= timedelta(days=1)
    for k, lead in ((-1, leader2), (0, leader), (1, leader2)):
        s = start + timedelta(days=k)
        store.roster.add_shift(
            s,
            s + timedelta(days=1),
            label=f"day{k}",
            people=[(lead.id, Role.leader), (chief.id, Role.chief), (off.id, Role.officer)],
        )


async def painted(pilot, rounds: int = 200) -> None:
    """Wait until the screen has settled: workers done, no DataTable with measurements still
    pending (DataTable sizes rows and columns when idle, which a loaded machine reaches late),
    and two screenshots in a row the same. Snapshots must not depend on the machine's load."""
    from textual.widgets import DataTable

    previous, same = None, 0
    for _ in range(rounds):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause(0.05)  # real time, so idle handlers (DataTable sizing) get to run
        pending = [
            t
            for t in pilot.app.screen.query(DataTable)
            if t._require_update_dimensions or t._new_rows or t._updated_cells
        ]
        if pending:
            same = 0
            continue
        shot = pilot.app.export_screenshot()
        same = same + 1 if shot == previous else 0
        previous = shot
        if same >= 2:
            return
    await pilot.pause()


async def settle(pilot, cond=lambda: True, n: int = 2000) -> None:
    """Let the app run until `cond()` holds (at most `n` pauses)."""
    for _ in range(n):
        await pilot.pause()
        if cond():
            return
    raise AssertionError("condition never met")
