"""Figures versioning and re-grading, verification, the duty log, holds and stale saves, search."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.helpers import TZ, facts
from watchdesk.errors import InputError, StaleVersion
from watchdesk.models.dutylog import LogEntry, LogKind
from watchdesk.models.incident import DeadlineStatus, FigureStatus, Grade, ReportKind
from watchdesk.store.desk import Store
from watchdesk.store.holds import Held


def running(store, inc_id):
    return {
        (d.kind, d.seq)
        for d in store.incidents.deadlines(inc_id)
        if d.status == DeadlineStatus.running
    }


def test_figures_are_versioned_never_overwritten(store, clock):
    inc = store.incidents.add(facts(clock, dead=1, injured=3, source="110"))
    clock.advance(minutes=20)
    store.figures.update(inc.id, {"dead": 2, "injured": 5}, source="县卫健局")
    clock.advance(minutes=30)
    store.figures.update(inc.id, {"dead": 2}, source="市核报", status=FigureStatus.verified)
    hist = store.figures.history(inc.id)
    assert [(h.dead, h.injured, h.status.value, h.source) for h in hist] == [
        (1, 3, "initial", "110"),
        (2, 5, "updated", "县卫健局"),
        (2, 5, "verified", "市核报"),
    ]
    assert hist[1].at == hist[0].at + timedelta(minutes=20)
    inc = store.incidents.get(inc.id)
    assert (inc.dead, inc.injured) == (2, 5)
    assert store.check().ok


def test_raised_grade_adds_clocks(store, clock):
    inc = store.incidents.add(facts(clock, dead=2, occurred_at=clock() - timedelta(minutes=10)))
    assert inc.grade == Grade.IV
    assert (ReportKind.phone, 0) not in running(store, inc.id)
    clock.advance(minutes=5)
    res = store.figures.update(inc.id, {"dead": 10}, source="现场指挥部")
    assert res.raised and res.new_grade == Grade.II
    kinds = {d.kind for d in res.added}
    assert ReportKind.phone in kinds
    phone = [d for d in res.added if d.kind == ReportKind.phone][0]
    # Counted from the occurrence, not from the re-grade.
    assert phone.due_at == clock() - timedelta(minutes=15) + timedelta(minutes=30)
    # 一般 already had a written clock (S1: 2 h from receipt): 重大's 1 h from occurrence re-times it.
    (written,) = [d for d in res.retimed if d.kind == ReportKind.written]
    assert written.due_at == clock() - timedelta(minutes=15) + timedelta(hours=1)
    assert written.rule_id == "written-major"
    assert store.incidents.get(inc.id).grade == Grade.II


def test_lowered_grade_asks_before_dropping(store, clock):
    inc = store.incidents.add(facts(clock, dead=10))
    before = running(store, inc.id)
    res = store.figures.update(inc.id, {"dead": 1}, source="核实")
    assert res.needs_confirmation and res.new_grade == Grade.II and res.suggested == Grade.IV
    assert running(store, inc.id) == before  # nothing dropped without consent
    assert store.incidents.get(inc.id).grade == Grade.II
    res = store.figures.update(inc.id, {"dead": 1}, source="核实", accept_lower=True)
    assert not res.needs_confirmation and res.new_grade == Grade.IV
    # 一般 needs a written report too (S1: 2 h), so only the phone clock goes.
    assert {d.kind for d in res.dropped} == {ReportKind.phone}
    assert (ReportKind.phone, 0) not in running(store, inc.id)


def test_bad_figures_write_nothing(store, clock):
    inc = store.incidents.add(facts(clock))
    n = store.db.execute("SELECT count(*) FROM figures").fetchone()[0]
    for figs, field in (({"dead": -1}, "dead"), ({"dead": "3"}, "dead"), ({"colour": 1}, "colour")):
        with pytest.raises(InputError) as e:
            store.figures.update(inc.id, figs, source="x")
        assert e.value.field == field
    with pytest.raises(InputError):
        store.figures.update(inc.id, {"dead": 1}, source=" ")
    assert store.db.execute("SELECT count(*) FROM figures").fetchone()[0] == n


def test_verification_request_and_answer(store, clock):
    inc = store.incidents.add(facts(clock))
    d = store.incidents.request_verification(
        inc.id, from_whom="市应急局总值班室", due_at=clock() + timedelta(minutes=40)
    )
    assert d.kind == ReportKind.verification and d.status == DeadlineStatus.running
    assert store.dutylog.list(incident_id=inc.id)[0].kind == LogKind.verification_request
    clock.advance(minutes=45)
    rep = store.incidents.record_report(
        inc.id, ReportKind.verification, to_whom="市应急局", content="经核实，1人轻伤"
    )
    assert rep.late_seconds == 5 * 60
    with pytest.raises(InputError):
        store.incidents.request_verification(inc.id, from_whom="")


def test_duty_log_and_timeline(store, clock):
    inc = store.incidents.add(facts(clock, dead=10))
    clock.advance(minutes=5)
    store.dutylog.add(
        LogEntry(
            at=clock(),
            kind=LogKind.instruction,
            incident_id=inc.id,
            counterpart="王建国",
            content="立即组织救援，做好伤员救治",
        )
    )
    clock.advance(minutes=5)
    store.incidents.record_report(inc.id, ReportKind.phone, to_whom="市应急局")
    entry = store.dutylog.add(
        LogEntry(at=clock(), kind=LogKind.call_in, counterpart="县气象局", content="暴雨黄色预警")
    )
    store.dutylog.set_handling(entry.id, "已转发各乡镇")
    kinds = [i.kind for i in store.timeline(inc.id)]
    assert kinds == ["received", "log.instruction", "report.phone"]
    with pytest.raises(InputError):
        store.dutylog.add(
            LogEntry(at=clock() + timedelta(hours=1), kind=LogKind.note, content="未来")
        )


def test_search_in_chinese(store, clock):
    a = store.incidents.add(facts(clock, place="城关镇东街", description="居民楼火灾，3人被困"))
    b = store.incidents.add(
        facts(
            clock,
            category="natural",
            subtype="geological",
            place="青山铺镇石桥村",
            description="山体滑坡掩埋村道",
        )
    )
    store.dutylog.add(
        LogEntry(
            at=clock(),
            kind=LogKind.call_in,
            counterpart="县气象局",
            content="发布暴雨橙色预警，注意防范滑坡",
        )
    )

    def ids(q, **kw):
        return [(h.kind, h.id) for h in store.search.search(q, **kw)]

    assert ids("火灾") == [("incident", a.id)]
    assert ids("城关镇") == [("incident", a.id)]
    assert ids("关镇东") == [("incident", a.id)]
    assert ids("火") == [("incident", a.id)]
    assert ("incident", b.id) in ids("滑坡") and any(k == "log" for k, _ in ids("滑坡"))
    assert ids("滑坡", category="natural") == [("incident", b.id)]
    assert ids("东街 火灾") == [("incident", a.id)]
    assert ids("镇东街火") == []  # not a phrase that occurs
    assert ids("关东") == []
    assert ids("!!!") == []
    # An edit re-indexes.
    inc = store.incidents.get(a.id)
    store.incidents.update(
        a.id, inc.model_copy(update={"description": "仓库起火"}), expected_version=inc.version
    )
    assert ids("居民楼") == [] and ids("仓库") == [("incident", a.id)]


def test_stale_save_is_refused(db_path, clock, store):
    inc = store.incidents.add(facts(clock))
    other = Store.open(db_path, clock=clock, tz=TZ, actor="李四")
    try:
        mine = inc.model_copy(update={"place": "东坡街道"})
        theirs = other.incidents.get(inc.id).model_copy(update={"description": "已扑灭"})
        other.incidents.update(inc.id, theirs, expected_version=inc.version)
        with pytest.raises(StaleVersion) as e:
            store.incidents.update(inc.id, mine, expected_version=inc.version)
        assert e.value.actual == inc.version + 1
        assert store.incidents.get(inc.id).place == "城关镇东街"
    finally:
        other.close()


def test_holds_show_holder_and_expire(db_path, clock, store):
    inc = store.incidents.add(facts(clock))
    other = Store.open(db_path, clock=clock, tz=TZ)
    try:
        store.holds.acquire(inc.id, "张三", seat="tty1")
        with pytest.raises(Held) as e:
            other.holds.acquire(inc.id, "李四", seat="tty2")
        assert "张三" in str(e.value)
        assert other.holds.current(inc.id).holder == "张三"
        clock.advance(seconds=121)
        assert other.holds.current(inc.id) is None
        assert other.holds.acquire(inc.id, "李四", seat="tty2").holder == "李四"
        other.holds.release(inc.id, "李四", seat="tty2")
        assert store.holds.current(inc.id) is None
    finally:
        other.close()


def test_search_with_a_date_range_finds_backdated_entries(store, clock):
    """The date bound on the full-text walk must never drop a match: an incident entered late
    (higher id) with an early received time is still found, and one before the range is not."""
    old = store.incidents.add(
        facts(clock, received_at=clock() - timedelta(days=40), description="旧仓库起火")
    )
    new = store.incidents.add(facts(clock, description="新仓库起火"))
    backdated = store.incidents.add(
        facts(clock, received_at=clock() - timedelta(days=3), description="补录仓库起火")
    )
    hits = {h.id for h in store.search.search("仓库", since=clock() - timedelta(days=7))}
    assert hits == {new.id, backdated.id}
    assert old.id in {h.id for h in store.search.search("仓库")}


def test_maintenance_checkpoint_keeps_search_whole(store, clock):
    """Full-text merging runs from the console's timer, not inside saves: after many saves and
    a maintenance step, every incident is still found exactly once."""
    ids = [store.incidents.add(facts(clock, description=f"第{i}号仓库起火")).id for i in range(60)]
    store.checkpoint(merge_pages=50)
    store.checkpoint()
    hits = [h.id for h in store.search.search("仓库起火", limit=100)]
    assert sorted(hits) == sorted(ids)
    assert store.check().ok


def test_maintenance_says_whether_merging_is_left_and_catches_up(store, clock):
    """Each save adds a full-text segment (automerge is off); a maintenance step reports that it
    found merging to do until the index is merged, then that it did not."""
    for i in range(40):
        store.incidents.add(facts(clock, description=f"第{i}号仓库起火"))
    steps = 0
    while store.checkpoint(merge_pages=4):
        steps += 1
        assert steps < 500
    assert steps >= 1
    assert store.checkpoint() is False


def test_command_line_writes_keep_the_index_merged(db_path, clock):
    """A desk fed only by scripts (`watchdesk incident add`, no console running): each store
    that wrote takes a merge step when it closes, so no backlog builds up for a save to pay."""
    from watchdesk.store.desk import Store

    def backlog_after(stores_take_a_step: bool) -> int:
        for i in range(40):
            s = Store.open(
                db_path, clock=clock, actor="脚本", tz=TZ, autocheckpoint=stores_take_a_step
            )
            s.incidents.add(facts(clock, description=f"第{i}号仓库起火"))
            s.close()
        s = Store.open(db_path, clock=clock, tz=TZ, autocheckpoint=False)
        steps = 0
        while s.checkpoint(merge_pages=4):
            steps += 1
        s.close()
        return steps

    # Stores with a console's timer behind them (autocheckpoint=False) leave the merging to it.
    assert backlog_after(stores_take_a_step=False) > 0
    assert backlog_after(stores_take_a_step=True) == 0


async def test_console_maintenance_comes_back_sooner_while_merging_is_behind(db_path, clock, store):
    from watchdesk import app as app_module
    from watchdesk.app import make_app
    from watchdesk.config import Settings

    app = make_app(db_path, settings=Settings(), clock=clock, poll=False)
    async with app.run_test(size=(140, 45)):
        delays = []
        app.set_timer = lambda delay, callback, **kw: delays.append(delay)
        for more in (True, False):

            async def maintain(more=more, **kw):
                return more

            app.client.maintain = maintain
            await app._checkpoint()
        assert delays == [app_module.CATCH_UP_SECONDS, app_module.CHECKPOINT_SECONDS]


def test_a_verification_answer_without_a_request_is_refused_by_the_store(store, clock):
    """The store refuses it (not only the CLI): the console's k gets the same message."""
    from watchdesk.errors import InputError

    inc = store.incidents.add(facts(clock, dead=1))
    with pytest.raises(InputError) as e:
        store.incidents.record_report(inc.id, ReportKind.verification, content="经核实")
    assert e.value.field == "kind" and e.value.msg.key == "err.report.no_request_waiting"
    assert store.incidents.reports(inc.id) == []
