"""Written reports on the incident's timeline (issue 14): drafted, each sign-off step (signed or
sent back with the reason), signed with its serial, sent (on the report line that closed the
clock, not a second line), sent without the chain marked, a correction naming the one it
corrects, and a struck report still struck."""

from __future__ import annotations

import pytest

from tests.report import cases
from watchdesk.i18n import using
from watchdesk.models.incident import ReportKind
from watchdesk.models.officer import Actor, ActorKind, Officer
from watchdesk.models.roster import Role
from watchdesk.report.written_pdf import font_problem
from watchdesk.store.correction import correct
from watchdesk.store.desk import Store
from watchdesk.store.signoff import SignoffPolicy

needs_font = pytest.mark.skipif(font_problem() is not None, reason="no CJK TrueType font")


def _as(store: Store, name: str) -> None:
    o = store.officers.resolve(name)
    store.act_as(Actor(name=o.name, officer_id=o.id, kind=ActorKind.officer))


@pytest.fixture
def desk(store, clock):
    for name, roles in (
        ("孙丽娜", [Role.chief, Role.officer]),
        ("赵磊", [Role.chief, Role.officer]),
        ("王建国", [Role.leader]),
    ):
        store.officers.add(Officer(name=name, roles=roles))
    inc, moments = cases.major_road(store, clock)
    clock.set(moments["written"])
    _as(store, "孙丽娜")
    return store, clock, inc


def _written(items):
    return [i for i in items if i.kind.startswith("written.") or i.data.get("written_id")]


@needs_font
def test_drafted_steps_signed_and_sent_once(desk):
    store, clock, inc = desk
    rep = store.written.create(inc, ReportKind.written)
    clock.advance(minutes=2)
    store.written.sign(rep.id, "drafted")
    _as(store, "赵磊")
    clock.advance(minutes=2)
    store.written.back(rep.id, "伤亡人数与医院口径不一致")
    _as(store, "孙丽娜")
    clock.advance(minutes=2)
    store.written.sign(rep.id, "drafted")
    _as(store, "赵磊")
    store.written.sign(rep.id, "checked")
    _as(store, "王建国")
    clock.advance(minutes=2)
    signed = store.written.sign(rep.id, "signed")
    _as(store, "孙丽娜")
    clock.advance(minutes=2)
    sent = store.written.send(rep.id, via="fax")

    with using("zh"):
        items = _written(store.timeline(inc))
    kinds = [i.kind for i in items]
    assert kinds == [
        "written.drafted",
        "written.signed",
        "written.returned",
        "written.signed",
        "written.signed",
        "written.issued",
        "report.written",
    ]
    drafted, first, back, *_rest, issued, report = items
    assert drafted.who == "孙丽娜" and f"#{rep.id} 书面报告" in drafted.title
    assert f"《{rep.title}》" in drafted.detail
    assert first.detail == "拟稿：已签" and first.who == "孙丽娜"
    assert back.detail == "审核退回：伤亡人数与医院口径不一致" and back.who == "赵磊"
    assert issued.detail == signed.serial == "〔2026〕第1期" and issued.who == "王建国"
    # Sending closed the written-report clock: one line, the report's, saying how it went.
    assert report.ref == f"report:{sent.report_id}" and report.data["written_id"] == rep.id
    assert report.data["late_seconds"] <= 0
    assert "〔2026〕第1期" in report.detail and "传真报出" in report.detail
    assert f"报告 #{rep.id}" in report.detail and "未经审签" not in report.detail
    assert not any(i.kind == "written.sent" for i in items)
    assert all(i.at <= report.at for i in items)

    with using("en"):
        en = _written(store.timeline(inc))
    assert en[2].detail == "sent back at checked (审核): 伤亡人数与医院口径不一致"
    assert "sent by fax" in en[-1].detail


def test_sent_without_the_chain_is_marked(desk):
    store, clock, inc = desk
    rep = store.written.create(inc, ReportKind.written)
    clock.advance(minutes=80)  # after its clock (60 min from occurrence)
    store.written.send(rep.id, via="政务网", without_chain=True)
    with using("zh"):
        items = _written(store.timeline(inc))
    assert [i.kind for i in items] == ["written.drafted", "report.written"]
    line = items[-1]
    assert line.detail.startswith("【未经审签报出】") and "政务网报出" in line.detail
    assert line.data["late_seconds"] > 0  # the screen adds 迟报 N 分钟 from this


@needs_font
def test_a_correction_names_the_report_it_corrects(desk):
    store, clock, inc = desk
    rep = store.written.create(inc, ReportKind.written)
    store.written.send(rep.id, via="fax", without_chain=True)
    clock.advance(minutes=30)
    fix = store.written.create(inc, ReportKind.written, corrects=rep.id)
    store.written.sign(fix.id, "drafted")
    _as(store, "赵磊")
    store.written.sign(fix.id, "checked")
    _as(store, "王建国")
    fix = store.written.sign(fix.id, "signed")
    _as(store, "孙丽娜")
    clock.advance(minutes=5)
    store.written.send(fix.id, via="email", note="发至 sjzbs@example.cn")
    with using("zh"):
        items = _written(store.timeline(inc))
    drafted = [i for i in items if i.kind == "written.drafted" and i.data["written_id"] == fix.id]
    assert f"更正报告 #{rep.id}" in drafted[0].detail
    # A correction closes no clock: its sending is a line of its own, naming what it corrects.
    sent = [i for i in items if i.kind == "written.sent"]
    assert len(sent) == 1 and sent[0].data["written_id"] == fix.id
    assert fix.serial in sent[0].detail and f"更正报告 #{rep.id}" in sent[0].detail
    assert "经电子邮件报出" in sent[0].detail and "sjzbs@example.cn" in sent[0].detail
    # Only the first report closed the clock.
    assert [i.kind for i in items].count("report.written") == 1


def test_a_struck_report_stays_struck_with_its_written_report(desk):
    store, clock, inc = desk
    rep = store.written.create(inc, ReportKind.written, policy=SignoffPolicy(required=False))
    sent = store.written.send(rep.id, via="fax", policy=SignoffPolicy(required=False))
    clock.advance(minutes=3)
    correct(store, f"report:{sent.report_id}", "报错了事件")
    items = _written(store.timeline(inc))
    line = next(i for i in items if i.ref == f"report:{sent.report_id}")
    assert line.correction is not None and line.correction.reason == "报错了事件"
    assert line.data["written_id"] == rep.id


def test_no_written_reports_no_lines(desk):
    store, _clock, inc = desk
    assert _written(store.timeline(inc)) == []
