"""Written reports on the handover sheet (issue 14): those sent during the shift with their serial
number, kind, title and on time / late (or sent without the sign-off chain); those not sent yet
handed over as pending, with the step they wait for and who drafted them. A sheet with none
prints as before; a frozen sheet never changes."""

from __future__ import annotations

import io
from datetime import datetime, timedelta

import pytest
from rich.cells import cell_len

from tests.helpers import TZ, FakeClock, facts
from watchdesk.models.incident import ReportKind
from watchdesk.models.officer import Actor, ActorKind, Officer
from watchdesk.models.roster import Role
from watchdesk.report.handover import render_markdown, render_text, sections
from watchdesk.report.written_pdf import font_problem
from watchdesk.store.desk import Store

needs_font = pytest.mark.skipif(font_problem() is not None, reason="no CJK TrueType font")


def _as(store: Store, name: str) -> None:
    o = store.officers.resolve(name)
    store.act_as(Actor(name=o.name, officer_id=o.id, kind=ActorKind.officer))


def _chain(store: Store, rid: int) -> None:
    for who, step in (("孙丽娜", "drafted"), ("赵磊", "checked"), ("李红梅", "signed")):
        _as(store, who)
        store.written.sign(rid, step)
    _as(store, "孙丽娜")


@pytest.fixture
def night(tmp_path):
    """The night shift 20:00–08:00: a fire at 20:30 (10 dead: a written report due in the hour);
    report #1 signed off and sent by fax on time, #2 (a follow-up) waiting for 审核, #3 signed and
    not sent; a landslide whose written report went without the chain, late."""
    clock = FakeClock(datetime(2026, 11, 22, 19, 0, tzinfo=TZ))
    s = Store.open(tmp_path / "d.db", clock=clock, tz=TZ, actor="fixture")
    ids = {}
    for name, roles in (
        ("王建国", [Role.leader]),
        ("赵磊", [Role.chief, Role.officer]),
        ("李红梅", [Role.leader]),
        ("孙丽娜", [Role.chief, Role.officer]),
    ):
        o = s.officers.add(Officer(name=name, roles=roles))
        ids[name] = o.id
    day = datetime(2026, 11, 22, 8, 0, tzinfo=TZ)
    s.roster.add_shift(
        day,
        day + timedelta(hours=12),
        "白班",
        [(ids["王建国"], Role.leader), (ids["赵磊"], Role.chief)],
    )
    night_id = s.roster.add_shift(
        day + timedelta(hours=12),
        day + timedelta(hours=24),
        "夜班",
        [(ids["李红梅"], Role.leader), (ids["孙丽娜"], Role.chief)],
    ).shift.id
    clock.set(datetime(2026, 11, 22, 20, 30, tzinfo=TZ))
    fire = s.incidents.add(
        facts(clock, dead=10, occurred_at=clock() - timedelta(minutes=10), description="居民楼火灾")
    ).id
    _as(s, "孙丽娜")
    clock.set(datetime(2026, 11, 22, 20, 50, tzinfo=TZ))
    first = s.written.create(fire, ReportKind.written)
    _chain(s, first.id)
    clock.set(datetime(2026, 11, 22, 21, 5, tzinfo=TZ))
    first = s.written.send(first.id, via="fax")
    clock.set(datetime(2026, 11, 22, 23, 0, tzinfo=TZ))
    follow = s.written.create(fire, ReportKind.followup, seq=1)
    s.written.sign(follow.id, "drafted")
    clock.set(datetime(2026, 11, 23, 1, 0, tzinfo=TZ))
    final = s.written.create(fire, ReportKind.final)
    _chain(s, final.id)
    slide = s.incidents.add(
        facts(
            clock,
            category="natural",
            subtype="geological",
            place="青山铺镇石桥村",
            description="山体滑坡，3人死亡",
            dead=3,
        )
    ).id
    quick = s.written.create(slide, ReportKind.written)
    clock.set(datetime(2026, 11, 23, 4, 30, tzinfo=TZ))  # 3½ hours on: late
    quick = s.written.send(quick.id, via="政务网", without_chain=True)
    # A draft on an incident voided since: nothing to hand over.
    wrong = s.incidents.add(facts(clock, description="误报"))
    s.written.create(wrong.id, ReportKind.phone)
    s.incidents.void(wrong.id, "误报")
    clock.set(datetime(2026, 11, 23, 7, 30, tzinfo=TZ))
    yield s, night_id, {"first": first, "follow": follow, "final": final, "quick": quick}
    s.close()


@needs_font
def test_compiled_sent_and_pending(night):
    s, night_id, r = night
    sheet = s.handover.compile(night_id)
    assert [w.id for w in sheet.written] == [r["first"].id, r["quick"].id]
    first, quick = sheet.written
    assert first.serial == "〔2026〕第1期" and first.sent_via == "fax"
    assert first.late_seconds is not None and first.late_seconds <= 0
    assert not first.without_chain
    assert quick.without_chain and quick.serial is None and quick.late_seconds > 0
    pending = {p.id: p for p in sheet.pending_reports}
    assert set(pending) == {r["follow"].id, r["final"].id}
    assert pending[r["follow"].id].next_step == "checked"
    assert pending[r["follow"].id].drafted_by == "孙丽娜"
    assert pending[r["final"].id].status == "signed" and pending[r["final"].id].serial


@needs_font
def test_the_sheet_in_chinese(night):
    s, night_id, r = night
    text = render_text(s.handover.compile(night_id), tz=TZ, width=160, lang="zh")
    assert "四、本班报出的书面报告" in text and "十二、移交待办事项" in text
    written = text.split("四、本班报出的书面报告")[1].split("五、")[0]
    assert f"21:05 〔2026〕第1期 #1 书面报告《{r['first'].title}》 —— 传真，按时" in written
    assert "！11-23 04:30 （无编号） #2 书面报告" in written
    assert "政务网，迟报 1 小时 30 分钟，【未经审签报出】" in written
    pending = text.split("十二、移交待办事项")[1]
    assert "尚未报出的书面报告（2 份）：" in pending
    assert f"#1 续报一《{r['follow'].title}》 —— 待审核（拟稿：孙丽娜）" in pending
    assert "已签发 〔2026〕第2期，待报出（拟稿：孙丽娜）" in pending
    assert "误报" not in pending
    for width in (40, 64):
        narrow = render_text(s.handover.compile(night_id), tz=TZ, width=width, lang="zh")
        assert max(cell_len(line) for line in narrow.splitlines()) <= width


@needs_font
def test_the_sheet_in_english_markdown_and_pdf(night):
    from pypdf import PdfReader

    from watchdesk.report.pdf import render_pdf

    s, night_id, r = night
    sheet = s.handover.compile(night_id)
    en = render_text(sheet, tz=TZ, width=160, lang="en")
    assert "4. Written reports sent this shift" in en
    assert "fax, on time" in en and "late by 1 h 30 min" in en and "[sent without sign-off]" in en
    assert "Written reports not sent yet (2):" in en and "waiting for: checked (审核)" in en
    md = render_markdown(sheet, tz=TZ, lang="zh")
    assert "## 四、本班报出的书面报告" in md and "  - #1 续报一" in md
    pdf = render_pdf(sheet, tz=TZ, lang="zh")
    flat = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).replace("\n", "")
    assert "本班报出的书面报告" in flat and "〔2026〕第1期" in flat and "待审核" in flat


def test_a_sheet_without_written_reports_is_as_before(tmp_path):
    clock = FakeClock(datetime(2026, 11, 22, 19, 0, tzinfo=TZ))
    s = Store.open(tmp_path / "d.db", clock=clock, tz=TZ, actor="赵磊")
    try:
        a = s.roster.add_officer(Officer(name="孙丽娜"))
        start = datetime(2026, 11, 22, 20, 0, tzinfo=TZ)
        sid = s.roster.add_shift(start, start + timedelta(hours=12), "夜班", [(a.id, Role.chief)])
        sheet = s.handover.compile(sid.shift.id)
        assert sheet.written == [] and sheet.pending_reports == []
        titles = [title for title, _ in sections(sheet, TZ)]
        assert len(titles) == 11 and "本班报出的书面报告" not in "".join(titles)
    finally:
        s.close()


@needs_font
def test_a_frozen_sheet_keeps_what_it_printed(night):
    s, night_id, r = night
    nxt = s.roster.add_shift(
        datetime(2026, 11, 23, 8, 0, tzinfo=TZ),
        datetime(2026, 11, 23, 20, 0, tzinfo=TZ),
        "白班",
        [(s.officers.resolve("赵磊").id, Role.chief)],
    )
    s.roster.sign_in(nxt.shift.id, s.officers.resolve("赵磊").id)
    s.handover.sign(night_id, "outgoing", "孙丽娜")
    s.handover.sign(night_id, "incoming", "赵磊", lang="zh", width=80)
    first = s.handover.frozen(night_id)
    assert "待审核" in first.text and len(first.sheet.pending_reports) == 2
    # The follow-up goes on: the frozen sheet still hands it over as it was.
    for who, step in (("赵磊", "checked"), ("李红梅", "signed")):
        _as(s, who)
        s.written.sign(r["follow"].id, step)
    s.written.send(r["follow"].id, via="fax")
    again = s.handover.frozen(night_id)
    assert (again.text, again.markdown, again.sheet) == (first.text, first.markdown, first.sheet)
    assert s.check().ok


@needs_font
def test_a_correction_names_what_it_corrects_and_closes_no_clock(night):
    s, night_id, r = night
    fix = s.written.create(r["quick"].incident_id, ReportKind.written, corrects=r["quick"].id)
    _chain(s, fix.id)
    s.written.send(fix.id, via="email")
    sheet = s.handover.compile(night_id)
    line = next(w for w in sheet.written if w.id == fix.id)
    assert line.corrects == f"#{r['quick'].id}" and line.late_seconds is None
    text = render_text(sheet, tz=TZ, width=160, lang="zh")
    assert f"〔2026〕第3期 #2 书面报告《{fix.title}》 —— 电子邮件，更正报告 #4，不计时限" in text
    assert fix.id not in {p.id for p in sheet.pending_reports}
