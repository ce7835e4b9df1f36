"""Helpers shared by the tests (importable as tests.helpers)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from watchdesk.models.incident import IncidentFacts
from watchdesk.models.officer import Officer
from watchdesk.models.roster import Role
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


async def settle(
    pilot,
    cond=lambda: True,
    n: int = 2000,
    *,
    what: str = "condition",
    workers: bool = False,
    delay: float | None = None,
) -> None:
    """The one way tests wait: let the app run until `cond()` holds (at most `n` pauses), never
    a fixed time. `workers`: let running workers finish before each look (not while a worker
    waits on a dialog the test has yet to answer); `delay`: pause in real time (for timers)."""
    for _ in range(n):
        if workers:
            await pilot.app.workers.wait_for_complete()
        await pilot.pause(delay)
        if cond():
            return
    raise AssertionError(f"timed out waiting for {what}")


class Notices:
    """The notices an app shows (toasts), as the officer reads them: `notices = Notices(app)`,
    then `notices.texts` and `notices.errors` (each "title: message")."""

    def __init__(self, app):
        self.shown: list[tuple[str, str, str]] = []  # (severity, title, message)
        real = app.notify

        def notify(message, *, title="", severity="information", **kw):
            self.shown.append((str(severity), str(title), str(message)))
            return real(message, title=title, severity=severity, **kw)

        app.notify = notify

    @property
    def texts(self) -> list[str]:
        return [f"{title}: {message}" if title else message for _, title, message in self.shown]

    @property
    def errors(self) -> list[str]:
        return [f"{t}: {m}" if t else m for sev, t, m in self.shown if sev == "error"]
