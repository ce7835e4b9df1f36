"""Issue 13 on a desk: a raised grade, an incident marked sensitive and a corrected occurrence
time re-time the running clocks and leave the reported ones alone; the pack's grading decides
per class (missing persons, no suggestion)."""

from datetime import timedelta

import pytest

from tests.helpers import TZ, facts
from watchdesk.models.incident import DeadlineStatus, Grade, ReportKind
from watchdesk.store.desk import Store

P, W, F = ReportKind.phone, ReportKind.written, ReportKind.followup


@pytest.fixture
def henan(tmp_path, clock):
    s = Store.open(tmp_path / "henan.db", clock=clock, actor="测试员", tz=TZ, rule_pack="henan")
    yield s
    s.close()


def clocks(store, incident_id):
    return {d.kind: d for d in store.incidents.deadlines(incident_id)}


def test_raise_retimes_running_written_clock_henan(henan, clock):
    occurred = clock() - timedelta(minutes=10)
    inc = henan.incidents.add(facts(clock, dead=3, occurred_at=occurred))
    assert inc.grade == Grade.III
    assert clocks(henan, inc.id)[W].due_at == occurred + timedelta(hours=1)
    clock.advance(minutes=5)
    res = henan.figures.update(inc.id, {"dead": 10}, source="现场指挥部")
    assert res.raised and res.new_grade == Grade.II
    now = clocks(henan, inc.id)
    assert now[W].due_at == occurred + timedelta(minutes=35)  # not 1 h
    assert now[W].rule_id == "written-major" and "35分钟" in now[W].source
    assert [d.kind for d in res.retimed] == [W] and now[W].id == res.retimed[0].id
    assert now[P].due_at == occurred + timedelta(minutes=15)
    assert henan.check().ok


def test_raise_leaves_a_reported_clock_as_it_was(store, clock):
    occurred = clock() - timedelta(minutes=10)
    inc = store.incidents.add(facts(clock, dead=2, occurred_at=occurred))
    clock.advance(minutes=30)
    store.incidents.record_report(inc.id, W, to_whom="市应急局")
    before = clocks(store, inc.id)[W]
    assert before.status == DeadlineStatus.done
    clock.advance(minutes=5)
    res = store.figures.update(inc.id, {"dead": 10}, source="核实")
    after = {(d.kind, d.status): d for d in store.incidents.deadlines(inc.id)}
    assert after[(W, DeadlineStatus.done)] == before  # due, rule, done time: untouched
    assert (W, DeadlineStatus.running) not in after  # not started again
    assert {d.kind for d in res.added} == {P}
    # the daily follow-up becomes twice a day (12 h from receipt)
    assert after[(F, DeadlineStatus.running)].due_at == inc.received_at + timedelta(hours=12)
    assert {d.kind for d in res.retimed} == {F}


def test_marked_sensitive_retimes_henan_written_clock(henan, clock):
    occurred = clock() - timedelta(minutes=10)
    inc = henan.incidents.add(facts(clock, dead=1, occurred_at=occurred))
    assert clocks(henan, inc.id)[W].due_at == occurred + timedelta(hours=6)
    edited = inc.model_copy(update={"sensitive": True})
    henan.incidents.update(inc.id, edited, expected_version=inc.version)
    now = clocks(henan, inc.id)
    assert now[W].due_at == occurred + timedelta(minutes=35) and now[W].status == "running"
    assert now[P].due_at == occurred + timedelta(minutes=15)
    assert len([d for d in henan.incidents.deadlines(inc.id) if d.kind == W]) == 1
    assert henan.check().ok


def test_occurrence_edit_retimes_running_clocks_not_reported_ones(store, clock):
    inc = store.incidents.add(facts(clock, dead=10))  # occurrence unknown: counted from receipt
    got = clocks(store, inc.id)
    assert got[P].due_at == inc.received_at + timedelta(minutes=30)
    clock.advance(minutes=3)
    store.incidents.record_report(inc.id, P, to_whom="市应急局")
    phone = clocks(store, inc.id)[P]
    occurred = inc.received_at - timedelta(minutes=20)
    cur = store.incidents.get(inc.id)
    store.incidents.update(
        inc.id, cur.model_copy(update={"occurred_at": occurred}), expected_version=cur.version
    )
    now = clocks(store, inc.id)
    assert now[W].due_at == occurred + timedelta(hours=1)  # re-counted from the occurrence
    assert now[P] == phone  # reported: stays as it was
    assert now[F].due_at == got[F].due_at  # follow-ups count from receipt
    # corrected again, later: the running clock follows
    cur = store.incidents.get(inc.id)
    later = inc.received_at - timedelta(minutes=5)
    store.incidents.update(
        inc.id, cur.model_copy(update={"occurred_at": later}), expected_version=cur.version
    )
    assert clocks(store, inc.id)[W].due_at == later + timedelta(hours=1)
    assert store.check().ok


def test_landslide_with_missing_is_graded_with_clocks(store, clock):
    inc = store.incidents.add(
        facts(clock, category="natural", subtype="geological", description="山体滑坡", missing=12)
    )
    assert inc.grade == Grade.II and inc.grade_suggested == Grade.II
    assert {P, W, F} <= set(clocks(store, inc.id))


def test_missing_raise_the_grade_of_a_natural_disaster_by_figures(store, clock):
    inc = store.incidents.add(
        facts(clock, category="natural", subtype="flood_drought", description="山洪", dead=10)
    )
    assert inc.grade == Grade.II
    res = store.figures.update(inc.id, {"missing": 20}, source="乡政府")
    assert res.new_grade == Grade.I and res.raised


def test_unthresholded_class_is_not_graded_by_s1(store, clock):
    kw = dict(category="social_security", subtype="mass_incident", description="群体性事件")
    inc = store.incidents.add(facts(clock, dead=12, **kw))
    assert inc.grade == Grade.IV and inc.grade_suggested == Grade.IV  # not 重大 by S1
    set_by_officer = store.incidents.add(facts(clock, dead=12, grade=Grade.II, **kw))
    assert set_by_officer.grade == Grade.II and set_by_officer.grade_suggested == Grade.II
    # the figures leave an officer's grade alone there: no suggestion, nothing to confirm
    res = store.figures.update(set_by_officer.id, {"dead": 0}, source="核实")
    assert res.new_grade == Grade.II and not res.needs_confirmation and not res.raised
    res = store.figures.update(inc.id, {"dead": 40}, source="核实")
    assert res.new_grade == Grade.IV and not res.raised


def test_exact_loss_on_a_desk(store, clock):
    from watchdesk.rules.intake import _int

    inc = store.incidents.add(facts(clock, direct_loss=_int("direct_loss", "4999.99999万")))
    assert inc.direct_loss == 49_999_999 and inc.grade == Grade.III
