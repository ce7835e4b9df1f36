"""The demo desk always opens with live clocks, whatever the time of day it is built."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from tests.helpers import TZ, FakeClock
from watchdesk.demo import build_demo
from watchdesk.errors import StoreError
from watchdesk.models.incident import DeadlineStatus, Grade, IncidentStatus, ReportKind
from watchdesk.store.desk import Store


@pytest.mark.parametrize("hour, minute", [(14, 29), (0, 5), (8, 20), (8, 40), (23, 59)])
def test_demo_has_running_overdue_and_fully_reported(tmp_path, hour, minute):
    now = datetime(2026, 11, 22, hour, minute, tzinfo=TZ)
    path = build_demo(tmp_path / "demo.db", now=now)
    s = Store.open(path, clock=FakeClock(now), tz=TZ)
    try:
        clocks = s.incidents.running_clocks()
        assert any(
            c.kind == ReportKind.phone and c.grade.at_least(Grade.II) and c.due_at > now
            for c in clocks
        ), "a major incident's phone clock is running"
        assert any(c.due_at < now for c in clocks), "one clock is overdue"
        closed = s.incidents.list(status=IncidentStatus.closed, limit=1000)
        assert any(
            {ReportKind.phone, ReportKind.written, ReportKind.final}
            <= {r.kind for r in s.incidents.reports(i.id)}
            for i in closed
            if i.grade.at_least(Grade.II)
        )
        assert all(
            d.status != DeadlineStatus.running for i in closed for d in s.incidents.deadlines(i.id)
        )
        view = s.roster.on_duty(now)
        assert view is not None and view.names(view.assignments[0].role)
        assert s.roster.next_shift(now) is not None
        assert len(s.directory.units()) >= 12
        # Roughly a month of roster.
        n = s.db.execute("SELECT count(*) FROM shifts").fetchone()[0]
        assert 28 <= n <= 35
        assert s.check().ok
        cats = {r[0] for r in s.db.execute("SELECT DISTINCT category FROM incidents")}
        assert len(cats) >= 3
        grades = {r[0] for r in s.db.execute("SELECT DISTINCT grade FROM incidents")}
        assert len(grades) >= 3
    finally:
        s.close()


def test_demo_refuses_to_overwrite_a_real_desk(tmp_path):
    real = tmp_path / "desk.db"
    Store.open(real).close()
    with pytest.raises(StoreError, match="not a demo desk"):
        build_demo(real)
    build_demo(real, force=True)
    # A demo desk may be rebuilt freely.
    build_demo(real, now=datetime.now(TZ) - timedelta(minutes=1))
