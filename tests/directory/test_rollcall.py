"""Roll-call rounds: sets, outcomes, pause and resume (across a restart), the on-post rate."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.directory.fixtures import seed
from tests.helpers import TZ
from watchdesk.errors import InputError, NotFound
from watchdesk.models.rollcall import (
    CheckMethod,
    HigherCheckInput,
    HigherCheckResult,
    Outcome,
    RoundStatus,
)
from watchdesk.store.desk import Store


@pytest.fixture
def ids(store):
    return seed(store)


def audit_count(store):
    return store.db.execute("SELECT count(*) FROM audit").fetchone()[0]


def test_sets_snapshot_units_and_numbers(store, ids):
    rep = store.rollcall.start("townships", method="video", label="节前点名")
    assert [e.unit_name for e in rep.entries] == [
        "城关镇值班室",
        "东坡街道值班室",
        "青山铺镇值班室",
    ]
    assert rep.entries[0].phone == "0731-84511001"
    assert rep.round.method == CheckMethod.video and rep.round.position == 1
    assert len(store.rollcall.start("level1").entries) == 3
    assert len(store.rollcall.start("duty_rooms").entries) == 4
    custom = store.rollcall.start(
        "custom", unit_ids=[ids["县水利局值班室"], ids["县公安局指挥中心"]]
    )
    assert [e.unit_name for e in custom.entries] == ["县水利局值班室", "县公安局指挥中心"]


@pytest.mark.parametrize(
    "kwargs, field",
    [
        (dict(set_kind="custom"), "units"),
        (dict(set_kind="custom", unit_ids=[999]), "units"),
        (dict(set_kind="level1", unit_ids=[1]), "units"),
        (dict(set_kind="districts"), "set"),  # no district duty rooms in the directory
        (dict(set_kind="everyone"), "set"),
        (dict(set_kind="level1", method="onsite"), "method"),
    ],
)
def test_bad_rounds_are_refused(store, ids, kwargs, field):
    before = audit_count(store)
    with pytest.raises(InputError) as e:
        store.rollcall.start(kwargs.pop("set_kind"), **kwargs)
    assert e.value.field == field
    assert audit_count(store) == before


def test_round_paused_and_resumed_across_a_restart_and_its_rate(db_path, clock, store, ids):
    rep = store.rollcall.start("level1")
    rid = rep.round.id
    clock.advance(seconds=30)
    rep = store.rollcall.record(rid, 1, Outcome.on_post, answered_by="李明", answer_seconds=6)
    assert rep.round.position == 2
    rep = store.rollcall.record(rid, 2, "busy")
    assert rep.round.position == 3
    store.rollcall.pause(rid)
    with pytest.raises(InputError, match="paused"):
        store.rollcall.record(rid, 3, "on_post", answered_by="张三")
    store.close()

    # The terminal was closed; another session resumes where the round stood.
    again = Store.open(db_path, clock=clock, tz=TZ, actor="接班员")
    try:
        assert [r.id for r in again.rollcall.unfinished()] == [rid]
        assert again.rollcall.get(rid).status == RoundStatus.paused
        again.rollcall.resume(rid)
        rep = again.rollcall.report(rid)
        assert rep.round.position == 3 and rep.summary.checked == 2
        rep = again.rollcall.record(rid, 3, "leader_absent", answered_by="王五", answer_seconds=20)
        # Every unit checked: the runner wraps to the first still-unchecked (none) and stays.
        assert rep.summary.not_checked == 0
        # Call the busy line back: it answers, on post. The last outcome counts.
        again.rollcall.move(rid, 2)
        rep = again.rollcall.record(rid, 2, "on_post", answered_by="赵六", answer_seconds=4)
        assert rep.entries[1].attempts == 2
        sm = rep.summary
        assert (sm.total, sm.checked, sm.on_post) == (3, 3, 2)
        assert sm.rate == pytest.approx(2 / 3) and sm.rate_text() == "66.7%"
        assert sm.mean_answer_seconds == pytest.approx(10)
        done = again.rollcall.finish(rid)
        assert done.round.status == RoundStatus.finished and done.round.finished_at == clock()
        with pytest.raises(InputError, match="finished"):
            again.rollcall.record(rid, 1, "no_answer")
        with pytest.raises(InputError, match="finished"):
            again.rollcall.resume(rid)
        assert again.check().ok
    finally:
        again.close()


def test_units_not_reached_stay_out_of_the_rate(store, ids):
    rid = store.rollcall.start("townships").round.id
    store.rollcall.record(rid, 1, "no_answer")
    rep = store.rollcall.finish(rid)
    assert (rep.summary.checked, rep.summary.not_checked, rep.summary.rate) == (1, 2, 0.0)
    empty = store.rollcall.finish(store.rollcall.start("townships").round.id)
    assert empty.summary.rate is None and empty.summary.rate_text() == "—"


@pytest.mark.parametrize(
    "args, kwargs, field",
    [
        ((1, "asleep"), {}, "outcome"),
        ((1, "on_post"), {}, "answered_by"),
        ((1, "no_answer"), {"answered_by": "张三"}, "answered_by"),
        ((1, "busy"), {"answer_seconds": 3}, "answer_seconds"),
        ((1, "on_post"), {"answered_by": "张三", "answer_seconds": -1}, "answer_seconds"),
        ((9, "no_answer"), {}, "seq"),
    ],
)
def test_bad_outcomes_are_refused_and_nothing_is_written(store, ids, args, kwargs, field):
    rid = store.rollcall.start("townships").round.id
    before = audit_count(store)
    with pytest.raises(InputError) as e:
        store.rollcall.record(rid, *args, **kwargs)
    assert e.value.field == field
    assert audit_count(store) == before


def test_rounds_go_into_history_and_handover(store, clock, ids):
    start = clock()
    rid = store.rollcall.start("level1").round.id
    store.rollcall.record(rid, 1, "not_on_duty", answered_by="保安", answer_seconds=12)
    store.rollcall.finish(rid)
    clock.advance(hours=2)
    rid2 = store.rollcall.start("level1").round.id
    store.rollcall.record(rid2, 1, "on_post", answered_by="刘强", answer_seconds=3)
    hist = store.rollcall.unit_history(ids["县公安局指挥中心"])
    assert [h.entry.outcome for h in hist] == [Outcome.on_post, Outcome.not_on_duty]
    assert hist[0].round_id == rid2
    shift = store.rollcall.rounds_between(start, start + timedelta(hours=1))
    assert [r.round.id for r in shift] == [rid] and shift[0].summary.rate == 0.0
    assert len(store.rollcall.rounds_between(start, start + timedelta(days=1))) == 2
    with pytest.raises(NotFound):
        store.rollcall.get(999)


def test_higher_checks_are_logged(store, clock):
    c = store.rollcall.log_higher_check(
        HigherCheckInput(
            at=clock() - timedelta(minutes=5),
            checker="市应急管理局总值班室 张科长",
            method=CheckMethod.video,
            answered_by="赵磊",
            leader_present=False,
            result=HigherCheckResult.problem,
            note="带班领导在现场处置，电话在岗",
        )
    )
    assert c.recorded_by == "测试员" and not c.leader_present
    got = store.rollcall.higher_checks_between(clock() - timedelta(hours=1), clock())
    assert [x.id for x in got] == [c.id]
    with pytest.raises(InputError):
        store.rollcall.log_higher_check(
            HigherCheckInput(
                at=clock() + timedelta(hours=1), checker="市应急管理局", method=CheckMethod.phone
            )
        )
    assert store.check().ok
