"""Tasks on the desk (store/dispatch.py): given, recorded, chased, cancelled, shown elsewhere."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.helpers import facts
from watchdesk.errors import InputError
from watchdesk.models.dispatch import TaskBoardRow, TaskInput
from watchdesk.rules.dispatch import Step, TaskKind


def _dispatch(store, clock, units, inc_id, *names, **kw):
    return store.dispatch.add(
        TaskInput(
            incident_id=inc_id,
            unit_ids=[units[n] for n in names],
            instruction="立即赶赴现场处置",
            issued_at=clock(),
            **kw,
        )
    )


def test_each_unit_gets_its_own_task_and_clocks(store, clock, units):
    inc = store.incidents.add(facts(clock))  # 城关镇东街: the central urban area
    police, health = _dispatch(store, clock, units, inc.id, "县公安局指挥中心", "县卫生健康局")
    assert police.urban and police.passed_by == "测试员"
    assert police.clock(Step.arrive).due_at == clock() + timedelta(minutes=15)
    assert health.clock(Step.arrive).due_at == clock() + timedelta(minutes=30)
    # one duty-log entry says what went to whom: search finds the instruction
    log = store.dutylog.list(incident_id=inc.id)
    assert log[0].content == "立即赶赴现场处置" and "县公安局指挥中心" in log[0].counterpart
    # search finds the instruction passed on (it is duty-log text)
    assert any(h.kind == "log" for h in store.search.search("赶赴现场处置"))


def test_arrival_on_the_dot_is_on_time_a_second_later_is_late(store, clock, units):
    inc = store.incidents.add(facts(clock))
    a, b = _dispatch(store, clock, units, inc.id, "县公安局指挥中心", "县消防救援大队")
    t0 = a.issued_at
    clock.advance(minutes=20)
    a = store.dispatch.record(a.id, Step.arrive, t0 + timedelta(minutes=15))
    b = store.dispatch.record(b.id, "arrive", t0 + timedelta(minutes=15, seconds=1))
    assert a.clock(Step.arrive).late_seconds == 0 and not a.clock(Step.arrive).late
    assert b.clock(Step.arrive).late_seconds == 1 and b.clock(Step.arrive).late
    # the acknowledgement was implied by the arrival: closed, no lateness
    assert a.clock(Step.ack).done_at is not None and a.clock(Step.ack).late_seconds is None
    assert a.next_clock().step == Step.feedback
    with pytest.raises(InputError) as e:
        store.dispatch.record(a.id, "feedback")
    assert e.value.field == "note"
    a = store.dispatch.record(a.id, "feedback", note="已控制现场")
    assert a.status == "done"
    with pytest.raises(InputError):
        store.dispatch.record(a.id, "arrive")


def test_chasing_only_past_the_clock_and_repeated_chases_count(store, clock, units):
    inc = store.incidents.add(facts(clock))
    (task,) = _dispatch(store, clock, units, inc.id, "县卫生健康局")
    with pytest.raises(InputError) as e:
        store.dispatch.chase(task.id, "已电话催办")
    assert "not past" in str(e.value) or "尚未超时" in str(e.value)
    clock.advance(minutes=6)  # the 5-minute acknowledgement is past
    store.dispatch.chase(task.id, "值班员称已转达")
    clock.advance(minutes=30)
    task = store.dispatch.chase(task.id, "再次催办，称车辆已出发")
    assert [c.step for c in task.chases] == ["ack", "ack"]
    assert task.last_chase.outcome == "再次催办，称车辆已出发"
    (row,) = [r for r in store.board_rows() if isinstance(r, TaskBoardRow)]
    assert row.task_id == task.id and row.chases == 2 and row.deadline_id == -task.id


def test_board_merges_tasks_with_report_clocks_soonest_first(store, clock, units):
    inc = store.incidents.add(facts(clock, grade="II"))
    _dispatch(store, clock, units, inc.id, "县公安局指挥中心")
    rows = store.dashboard().clocks
    assert [r.due_at for r in rows] == sorted(r.due_at for r in rows)
    assert any(isinstance(r, TaskBoardRow) for r in rows)
    assert any(not isinstance(r, TaskBoardRow) for r in rows)


def test_cancel_needs_a_reason_and_leaves_the_board(store, clock, units):
    inc = store.incidents.add(facts(clock))
    (task,) = _dispatch(store, clock, units, inc.id, "县公安局指挥中心")
    with pytest.raises(InputError):
        store.dispatch.cancel(task.id, " ")
    task = store.dispatch.cancel(task.id, "派错单位")
    assert task.status == "cancelled" and task.cancel_reason == "派错单位"
    assert not [r for r in store.board_rows() if isinstance(r, TaskBoardRow)]
    assert store.check().ok


def test_bad_input_writes_nothing(store, clock, units):
    inc = store.incidents.add(facts(clock))
    before = store.db.execute("SELECT count(*) FROM tasks").fetchone()[0]
    for bad in (
        dict(unit_ids=[]),
        dict(unit_ids=[units["县公安局指挥中心"], 999]),
        dict(unit_ids=[units["县公安局指挥中心"], units["县公安局指挥中心"]]),
        dict(unit_ids=[units["县公安局指挥中心"]], issued_at=clock() + timedelta(hours=1)),
    ):
        args = dict(incident_id=inc.id, instruction="x", issued_at=clock()) | bad
        with pytest.raises(InputError):
            store.dispatch.add(TaskInput(**args))
    assert store.db.execute("SELECT count(*) FROM tasks").fetchone()[0] == before
    assert not store.dutylog.list(incident_id=inc.id, kind="action")


def test_timeline_and_handover_pending(store, clock, units):
    inc = store.incidents.add(facts(clock))
    a, b = _dispatch(store, clock, units, inc.id, "县公安局指挥中心", "县消防救援大队")
    clock.advance(minutes=20)
    store.dispatch.record(a.id, "arrive", clock() - timedelta(minutes=10))
    store.dispatch.chase(b.id, "称已出发")
    kinds = [i.kind for i in store.timeline(inc.id)]
    assert kinds.count("task.dispatch") == 2 and "task.step.arrive" in kinds
    assert "task.chase" in kinds
    pending = store.dispatch.pending_items()
    assert [p.owner for p in pending] == ["测试员", "测试员"]
    assert any("县消防救援大队" in p.matter for p in pending)


def test_first_receiver_and_its_handover(store, clock, units):
    inc = store.incidents.add(facts(clock))
    with pytest.raises(InputError):
        store.dispatch.hand_over_first(inc.id, to_name="县消防救援大队")
    fr = store.dispatch.set_first_receiver(inc.id, unit_id=units["县公安局指挥中心"])
    assert fr.unit_name == "县公安局指挥中心" and fr.handed_at is None
    clock.advance(minutes=40)
    fr = store.dispatch.hand_over_first(inc.id, to_name="县消防救援大队", note="先期处置完毕")
    assert fr.handed_to == "县消防救援大队" and fr.handed_to_unit_id == units["县消防救援大队"]
    with pytest.raises(InputError):
        store.dispatch.hand_over_first(inc.id, to_name="县卫生健康局")
    kinds = [i.kind for i in store.timeline(inc.id)]
    assert "first.received" in kinds and "first.handed" in kinds


def test_a_notice_with_its_clocks_then_passed_on(store, clock, units):
    t0 = clock()
    notice = store.dispatch.add_notice("市防指：明日有暴雨，请做好防范", "市应急管理局", t0)
    assert notice.kind == TaskKind.notice
    assert [(c.step, c.due_at - t0) for c in notice.clocks] == [
        (Step.leader, timedelta(minutes=10)),
        (Step.pass_on, timedelta(minutes=30)),
        (Step.receipt, timedelta(hours=1)),
    ]
    assert store.dutylog.get(notice.log_entry_id).kind.value == "doc_in"
    clock.advance(minutes=10)
    notice = store.dispatch.record(notice.id, "leader", note="已报告带班领导")
    assert notice.clock(Step.leader).late_seconds == 0
    clock.advance(minutes=25)  # 35 minutes: passed on late
    given = store.dispatch.pass_on(
        notice.id,
        TaskInput(
            kind=TaskKind.instruction,
            unit_ids=[units["青山铺镇值班室"], units["城关镇值班室"]],
            instruction="转发：明日有暴雨",
            issued_at=clock(),
        ),
    )
    assert [t.parent_id for t in given] == [notice.id, notice.id]
    notice = store.dispatch.get(notice.id)
    assert notice.clock(Step.pass_on).late_seconds == 5 * 60
    assert notice.status == "open" and notice.next_clock().step == Step.receipt


def test_a_warning_passes_on_to_the_units_in_its_area(store, clock, units):
    from watchdesk.models.warning import WarningInput

    w = store.warnings.issue(
        WarningInput(
            kind="rainstorm",
            level="II",
            area="青山铺镇、白沙乡",
            issuer="县气象局",
            issued_at=clock(),
        )
    )
    assert store.dispatch.area_units(w.id) == [units["青山铺镇值班室"]]
    tasks = store.dispatch.add(
        TaskInput(
            kind=TaskKind.instruction, warning_id=w.id, instruction="转发预警", issued_at=clock()
        )
    )
    assert [t.unit_name for t in tasks] == ["青山铺镇值班室"]
