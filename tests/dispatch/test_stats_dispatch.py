"""Dispatch and feedback timeliness per unit in the statistics (issue 16 + 15), counted by hand:
three units dispatched at 06:00 to an urban incident (on scene within 15 min, acknowledged within
5, fed back within an hour — the national pack's [dispatch])."""

from __future__ import annotations

from datetime import datetime, timedelta

from tests.helpers import TZ, FakeClock, facts
from watchdesk.models.directory import Unit
from watchdesk.models.dispatch import TaskInput
from watchdesk.store.desk import Store
from watchdesk.text.period import parse_month


def test_each_units_steps_on_time_late_missed_and_chases(tmp_path):
    t0 = datetime(2026, 11, 23, 6, 0, tzinfo=TZ)
    clock = FakeClock(t0)
    s = Store.open(tmp_path / "desk.db", clock=clock, tz=TZ)
    try:
        ids = {
            name: s.directory.add_unit(Unit(name=name, level=1)).id
            for name in ("县公安局指挥中心", "县消防救援大队", "县卫生健康局")
        }
        inc = s.incidents.add(facts(clock))
        tasks = s.dispatch.add(
            TaskInput(
                incident_id=inc.id,
                unit_ids=list(ids.values()),
                instruction="立即赶赴现场",
                issued_at=t0,
                urban=True,
            )
        )
        by_unit = {x.unit_name: x for x in tasks}
        police, fire, health = (by_unit[n] for n in ids)
        # Police: acknowledged at 06:03 (on time), on scene at 06:15 exactly (on time).
        clock.set(t0 + timedelta(minutes=3))
        s.dispatch.record(police.id, "ack", at=clock())
        clock.set(t0 + timedelta(minutes=15))
        s.dispatch.record(police.id, "arrive", at=clock())
        # Fire: on scene at 06:22 (7 min late; its acknowledgement implied, no lateness).
        clock.set(t0 + timedelta(minutes=22))
        s.dispatch.record(fire.id, "arrive", at=clock())
        # Health: nothing; chased twice.
        clock.set(t0 + timedelta(minutes=20))
        s.dispatch.chase(health.id, "电话催促，称车辆已出发")
        clock.set(t0 + timedelta(minutes=40))
        s.dispatch.chase(health.id, "再次催促")
        # At 06:45: acknowledgements (due 06:05) and arrivals (due 06:15) are due; feedback
        # (due 07:00) is not.
        clock.set(t0 + timedelta(minutes=45))
        st = s.stats.compute(parse_month("2026-11", TZ))
    finally:
        s.close()
    got = {u.unit: u for u in st.dispatch}
    p, f, h = got["县公安局指挥中心"], got["县消防救援大队"], got["县卫生健康局"]
    assert (p.tasks, f.tasks, h.tasks) == (1, 1, 1)
    assert (p.ack.on_time, p.ack.late, p.ack.missed) == (1, 0, 0)
    assert (p.arrive.on_time, p.arrive.late, p.arrive.missed) == (1, 0, 0)  # exactly 15:00
    assert (f.ack.on_time, f.ack.late, f.ack.missed) == (1, 0, 0)  # implied by the arrival
    assert (f.arrive.on_time, f.arrive.late, f.arrive.missed) == (0, 1, 0)
    assert f.arrive.worst_late_seconds == 7 * 60
    assert (h.ack.missed, h.arrive.missed, h.feedback.missed) == (1, 1, 0)
    assert (p.chases, f.chases, h.chases) == (0, 0, 2)
    # Ranked: missed first, then late.
    assert [u.unit for u in st.dispatch] == ["县卫生健康局", "县消防救援大队", "县公安局指挥中心"]


def test_no_tasks_gives_an_empty_list(store, clock):
    assert store.stats.compute(parse_month("2026-11", TZ)).dispatch == []
