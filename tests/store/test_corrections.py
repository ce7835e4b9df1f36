"""Corrections (更正, issue 13): a record made by mistake is struck through, never deleted; what it
set in motion is undone in the same transaction, and every list and total leaves it out."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.directory.fixtures import seed
from tests.helpers import facts, roster_today
from watchdesk.errors import InputError, NotFound
from watchdesk.models.correction import RecordKind, RecordRef
from watchdesk.models.dutylog import LogEntry, LogKind
from watchdesk.models.incident import DeadlineStatus, Grade, IncidentStatus, ReportKind
from watchdesk.models.roster import CheckStatus
from watchdesk.store.correction import between, correct, describe, note, of_incident


def counts(store) -> tuple[int, int]:
    db = store.db
    return (
        db.execute("SELECT count(*) FROM corrections").fetchone()[0],
        db.execute("SELECT count(*) FROM audit").fetchone()[0],
    )


def clock_of(store, inc_id, kind, seq=0):
    return next(d for d in store.incidents.deadlines(inc_id) if d.kind == kind and d.seq == seq)


@pytest.fixture
def major(store, clock):
    """A major incident (10 dead): phone, written and follow-up #1 clocks running."""
    store.actor = "赵磊"
    return store.incidents.add(facts(clock, dead=10))


def test_a_struck_report_runs_its_clock_again_with_its_original_due_time(store, clock, major):
    phone = clock_of(store, major.id, ReportKind.phone)
    clock.advance(minutes=10)
    rep = store.incidents.record_report(major.id, ReportKind.phone, to_whom="市应急管理局")
    assert clock_of(store, major.id, ReportKind.phone).status == DeadlineStatus.done
    clock.advance(minutes=50)  # past the phone report's due time
    res = correct(store, f"report:{rep.id}", "误录：电话尚未报出")

    again = clock_of(store, major.id, ReportKind.phone)
    assert res.reopened == [again.id]
    assert again.status == DeadlineStatus.running and again.due_at == phone.due_at
    assert again.due_at < clock()  # overdue at once
    assert again.done_at is None and again.report_id is None
    assert any(r.deadline_id == again.id for r in store.incidents.running_clocks())
    # The report stays, struck; lists leave it out.
    assert store.incidents.reports(major.id) == []
    [kept] = store.incidents.reports(major.id, struck=True)
    assert kept.id == rep.id and kept.to_whom == "市应急管理局"
    c = res.correction
    assert (c.kind, c.record_id, c.incident_id, c.reason, c.by_whom) == (
        RecordKind.report,
        rep.id,
        major.id,
        "误录：电话尚未报出",
        "赵磊",
    )
    assert c.at == clock() and c.record_at == rep.at and c.record["to_whom"] == "市应急管理局"
    # In the timeline, struck with its correction.
    item = next(i for i in store.timeline(major.id) if i.ref == f"report:{rep.id}")
    assert item.correction is not None and item.correction.reason == "误录：电话尚未报出"
    # In the audit log, under who did it; the chain and the tables still match.
    row = store.db.execute(
        "SELECT actor, after FROM audit WHERE table_name = 'corrections' AND action = 'insert'"
    ).fetchone()
    assert row[0] == "赵磊" and "误录：电话尚未报出" in row[1]
    assert store.check().ok
    # The right report is then made: it closes the clock that runs again, late.
    right = store.incidents.record_report(major.id, ReportKind.phone, to_whom="市应急管理局")
    assert right.deadline_id == again.id and right.late_seconds > 0


def test_bad_corrections_write_nothing(store, clock, major):
    rep = store.incidents.record_report(major.id, ReportKind.phone)
    correct(store, RecordRef(kind=RecordKind.report, id=rep.id), "误录")
    before = counts(store)
    with pytest.raises(InputError) as e:
        correct(store, f"report:{rep.id}", "again")
    assert e.value.field == "record" and "already corrected" in e.value.problem
    with pytest.raises(NotFound):
        correct(store, "report:999", "x")
    for reason in ("", "   "):
        with pytest.raises(InputError) as e:
            correct(store, "log:1", reason)
        assert e.value.field == "reason"
    for ref in ("report", "report:x", "memo:3", "17"):
        with pytest.raises(InputError) as e:
            correct(store, ref, "x")
        assert e.value.field == "record"
    assert counts(store) == before


def test_record_references():
    assert RecordRef.parse("report:17") == RecordRef(kind=RecordKind.report, id=17)
    assert str(RecordRef.parse(" Figures：#5 ")) == "figures:5"
    for bad in ("", "report", "report:", "report:-1", "note:3"):
        with pytest.raises(ValueError):
            RecordRef.parse(bad)


def test_a_struck_follow_up_ends_the_next_clock_it_started(store, clock, major):
    clock.advance(hours=1)
    f1 = store.incidents.record_report(major.id, ReportKind.followup)
    assert f1.seq == 1
    nxt = clock_of(store, major.id, ReportKind.followup, 2)
    res = correct(store, f"report:{f1.id}", "续报内容录错了事件")
    assert clock_of(store, major.id, ReportKind.followup, 1).status == DeadlineStatus.running
    assert clock_of(store, major.id, ReportKind.followup, 2).status == DeadlineStatus.dropped
    assert res.dropped == [nxt.id]
    # Made again, it is follow-up #1 again (the struck one does not count).
    again = store.incidents.record_report(major.id, ReportKind.followup)
    assert again.seq == 1
    running = [
        d.seq
        for d in store.incidents.deadlines(major.id)
        if d.kind == ReportKind.followup and d.status == DeadlineStatus.running
    ]
    assert running == [2]


def test_a_struck_final_report_opens_the_incident_and_its_clocks_again(store, clock, major):
    clock.advance(minutes=5)
    store.incidents.record_report(major.id, ReportKind.phone)
    running = {
        d.id for d in store.incidents.deadlines(major.id) if d.status == DeadlineStatus.running
    }
    final = store.incidents.record_report(major.id, ReportKind.final)
    assert store.incidents.get(major.id).status == IncidentStatus.closed
    # Nothing but the final report may be struck on a closed incident.
    phone = store.incidents.reports(major.id)[0]
    with pytest.raises(InputError) as e:
        correct(store, f"report:{phone.id}", "x")
    assert "final report first" in e.value.problem
    res = correct(store, f"report:{final.id}", "终报按错了")
    assert res.incident_reopened and set(res.reopened) == running
    inc = store.incidents.get(major.id)
    assert inc.status == IncidentStatus.open
    assert {
        d.id for d in store.incidents.deadlines(major.id) if d.status == DeadlineStatus.running
    } == running
    assert store.check().ok


def test_a_struck_figure_version_makes_the_previous_one_current(store, clock, major):
    clock.advance(minutes=3)
    store.figures.update(major.id, {"dead": 12, "injured": 4}, source="县医院")
    clock.advance(minutes=3)
    wrong = store.figures.update(major.id, {"dead": 120}, source="县医院")
    assert wrong.new_grade == Grade.I
    versions = store.figures.history(major.id)
    res = correct(store, f"figures:{versions[-1].id}", "多打了一个0")
    inc = store.incidents.get(major.id)
    assert (inc.dead, inc.injured) == (12, 4)
    assert res.figures_now == versions[-2].id
    assert inc.grade_suggested == Grade.II
    assert inc.grade == Grade.I  # a lower grade waits for the officer, as for new figures
    assert [v.id for v in store.figures.history(major.id)] == [v.id for v in versions[:-1]]
    assert len(store.figures.history(major.id, struck=True)) == len(versions)
    # An older version struck: what is current stays.
    clock.advance(minutes=3)
    store.figures.update(major.id, {"dead": 13}, source="县医院")
    res = correct(store, f"figures:{versions[1].id}", "来源有误")
    newest = store.figures.history(major.id)[-1]
    assert res.figures_now == newest.id and store.incidents.get(major.id).dead == 13
    # The only valid version left cannot be struck.
    correct(store, f"figures:{newest.id}", "x")
    assert store.incidents.get(major.id).dead == 10
    with pytest.raises(InputError) as e:
        correct(store, f"figures:{versions[0].id}", "x")
    assert "only figures" in e.value.problem
    assert store.check().ok


def test_a_struck_log_entry_leaves_the_log_and_a_struck_request_its_clock(store, clock, major):
    entry = store.dutylog.add(
        LogEntry(at=clock(), kind=LogKind.call_in, counterpart="县气象局", content="暴雨预警")
    )
    clock.advance(minutes=1)
    clock_ = store.incidents.request_verification(major.id, from_whom="市局")
    request = next(
        e
        for e in store.dutylog.list(incident_id=major.id)
        if e.kind == LogKind.verification_request
    )
    correct(store, f"log:{entry.id}", "记错了来电单位")
    assert [e.id for e in store.dutylog.list()] == [request.id]
    assert len(store.dutylog.list(struck=True)) == 2
    res = correct(store, f"log:{request.id}", "核报要求记错了事件")
    assert res.dropped == [clock_.id]
    assert clock_of(store, major.id, ReportKind.verification, 1).status == DeadlineStatus.dropped
    assert set(of_incident(store, major.id)) == {f"log:{request.id}"}


def test_a_struck_roll_call_outcome_leaves_the_tally_and_is_recorded_anew(store, clock):
    seed(store)
    rep = store.rollcall.start("townships")
    first, second = rep.entries[0], rep.entries[1]
    store.rollcall.record(rep.round.id, first.seq, "no_answer")
    store.rollcall.record(rep.round.id, second.seq, "on_post", answered_by="张三")
    store.rollcall.finish(rep.round.id)
    assert store.rollcall.report(rep.round.id).summary.rate == 0.5
    correct(store, f"rollcall:{first.id}", "号码拨错，实际在岗")
    summ = store.rollcall.report(rep.round.id).summary
    assert (summ.checked, summ.rate) == (1, 1.0)
    with pytest.raises(InputError) as e:
        correct(store, f"rollcall:{first.id}", "x")
    assert "already corrected" in e.value.problem
    # The right outcome is recorded, although the round is finished; then it may be struck again.
    store.rollcall.record(rep.round.id, first.seq, "on_post", answered_by="李四")
    summ = store.rollcall.report(rep.round.id).summary
    assert (summ.checked, summ.on_post) == (2, 2)
    correct(store, f"rollcall:{first.id}", "再次更正")
    with pytest.raises(InputError):  # an unchecked unit in a finished round: still closed
        store.rollcall.record(rep.round.id, rep.entries[2].seq, "busy")
    assert store.check().ok


def test_a_struck_leader_check_is_due_again_and_a_struck_sign_in_undone(store, clock):
    roster_today(store, clock)
    view = store.roster.on_duty(clock())
    sid = view.shift.id
    leader = next(a.officer_id for a in view.assignments if a.role.value == "leader")
    chief = next(a.officer_id for a in view.assignments if a.role.value == "chief")
    state = store.roster.record_check(sid, method="phone", result="present")
    assert state.status == CheckStatus.confirmed
    [rec] = store.roster.check_records(sid)
    correct(store, f"check:{rec.id}", "核查的是另一位领导")
    assert store.roster.check_records(sid) == []
    again = next(c for c in store.roster.checks(sid) if c.due_at == state.due_at)
    assert again.status != CheckStatus.confirmed

    ev = store.roster.sign_in(sid, chief)
    assert store.roster.signin_status(sid).taken_over
    out = store.roster.sign_out(sid, chief)
    with pytest.raises(InputError) as e:
        correct(store, f"signin:{ev.id}", "x")
    assert f"signin:{out.id}" in e.value.problem
    correct(store, f"signin:{out.id}", "签退点错了人")
    correct(store, f"signin:{ev.id}", "签到点错了人")
    st = store.roster.signin_status(sid)
    assert not st.taken_over and st.signed_in == []
    store.roster.sign_in(sid, leader)  # the right record
    assert store.roster.signin_status(sid).taken_over
    assert store.check().ok


def test_the_handover_sheet_shows_struck_records(tmp_path, store, clock):
    from watchdesk.i18n import set_language
    from watchdesk.report.handover import Struck, render_markdown, render_text, sections
    from watchdesk.report.pdf import _markup, render_pdf

    roster_today(store, clock)
    store.actor = "赵磊"
    inc = store.incidents.add(facts(clock, dead=10))
    clock.advance(minutes=5)
    rep = store.incidents.record_report(inc.id, ReportKind.phone, to_whom="市应急管理局")
    entry = store.dutylog.add(
        LogEntry(at=clock(), kind=LogKind.call_in, counterpart="县气象局", content="暴雨预警")
    )
    clock.advance(minutes=5)
    correct(store, f"report:{rep.id}", "误录")
    correct(store, f"log:{entry.id}", "重复登记")
    sid = store.roster.on_duty(clock()).shift.id
    [c1, c2] = between(store, clock() - timedelta(hours=1), clock() + timedelta(hours=1))
    assert {c1.ref, c2.ref} == {f"report:{rep.id}", f"log:{entry.id}"}
    set_language("zh")
    assert note(c1, store.tz) == "赵磊 于 11-22 14:39 更正：误录"
    assert describe(c1, store.tz).startswith(f"#{inc.id} 电话报告 11-22 14:34")
    sheet = store.handover.compile(sid)
    [si] = [i for i in sheet.incidents if i.id == inc.id]
    assert [x.struck for x in si.struck] == ["赵磊 于 11-22 14:39 更正：误录"]
    text = render_text(sheet, tz=store.tz, lang="zh", width=200)
    assert (
        "[已更正] 11-22 14:34 #1 电话报告 → 市应急管理局 —— 赵磊 于 11-22 14:39 更正：误录" in text
    )
    assert (
        "[已更正] 11-22 14:34 [来电] 县气象局：暴雨预警 —— 赵磊 于 11-22 14:39 更正：重复登记"
        in text
    )
    md = render_markdown(sheet, tz=store.tz, lang="zh")
    assert (
        "~~11-22 14:34 [来电] 县气象局：暴雨预警~~ [已更正] 赵磊 于 11-22 14:39 更正：重复登记"
        in md
    )
    struck = [x for _, lines in sections(sheet, store.tz) for x in lines if isinstance(x, Struck)]
    assert len(struck) == 2
    assert _markup(struck[0]).startswith("<strike>")
    assert render_pdf(sheet, tz=store.tz, lang="zh").startswith(b"%PDF")
    set_language("en")
    sheet = store.handover.compile(sid)
    text = render_text(sheet, tz=store.tz, lang="en", width=200)
    assert "[corrected] " in text and "corrected by 赵磊 at 11-22 14:39: 误录" in text


def test_a_sheet_with_nothing_struck_is_what_it_was(store, clock):
    from watchdesk.report.handover import render_text

    roster_today(store, clock)
    store.incidents.add(facts(clock, dead=10))
    sid = store.roster.on_duty(clock()).shift.id
    text = render_text(store.handover.compile(sid), tz=store.tz)
    assert "corrected" not in text and "merged" not in text
