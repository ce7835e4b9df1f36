"""Compiling the handover sheet and rendering it: text widths in cells, Markdown, PDF."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from rich.cells import cell_len

from tests.helpers import TZ, FakeClock, facts
from watchdesk.models.dutylog import LogEntry, LogKind
from watchdesk.models.incident import ReportKind
from watchdesk.models.officer import Officer
from watchdesk.models.roster import Role
from watchdesk.report.handover import render_markdown, render_text
from watchdesk.report.pdf import render_pdf
from watchdesk.store.desk import Store


def night_roster(store: Store) -> tuple[int, int]:
    """Two 12-hour shifts: day 08:00–20:00 and night 20:00–08:00 (crosses midnight)."""
    a = store.roster.add_officer(Officer(name="王建国"))
    b = store.roster.add_officer(Officer(name="赵磊"))
    c = store.roster.add_officer(Officer(name="李红梅"))
    d = store.roster.add_officer(Officer(name="孙丽娜"))
    day = datetime(2026, 11, 22, 8, 0, tzinfo=TZ)
    store.roster.add_shift(
        day, day + timedelta(hours=12), "白班", [(a.id, Role.leader), (b.id, Role.officer)]
    )
    s2 = store.roster.add_shift(
        day + timedelta(hours=12),
        day + timedelta(hours=24),
        "夜班",
        [(c.id, Role.leader), (d.id, Role.officer)],
    )
    s3 = store.roster.add_shift(
        day + timedelta(hours=24),
        day + timedelta(hours=36),
        "白班",
        [(a.id, Role.leader), (b.id, Role.officer)],
    )
    return s2.shift.id, s3.shift.id


@pytest.fixture
def night(tmp_path):
    clock = FakeClock(datetime(2026, 11, 22, 19, 0, tzinfo=TZ))
    s = Store.open(tmp_path / "d.db", clock=clock, tz=TZ, actor="赵磊")
    night_id, next_id = night_roster(s)
    # Received before the night shift, with its written-report clock due inside it.
    early = s.incidents.add(
        facts(
            clock,
            dead=10,
            place="城关镇东街",
            occurred_at=clock() - timedelta(minutes=40),
            description="居民楼火灾，造成10人死亡",
        )
    )
    clock.set(datetime(2026, 11, 22, 23, 30, tzinfo=TZ))
    late = s.incidents.add(
        facts(
            clock,
            category="natural",
            subtype="geological",
            place="青山铺镇石桥村",
            description="山体滑坡掩埋村道，2人被困",
            trapped=2,
            sensitive=True,
        )
    )
    clock.set(datetime(2026, 11, 23, 0, 20, tzinfo=TZ))  # after midnight
    s.incidents.record_report(late.id, ReportKind.phone, to_whom="市应急管理局")
    s.dutylog.add(
        LogEntry(
            at=clock(),
            kind=LogKind.instruction,
            incident_id=late.id,
            counterpart="李红梅",
            content="组织力量搜救被困人员，每两小时续报一次",
        )
    )
    clock.set(datetime(2026, 11, 23, 7, 30, tzinfo=TZ))
    yield s, clock, night_id, next_id, early, late
    s.close()


def test_compile_tricky_cases(night):
    s, clock, night_id, _next, early, late = night
    sheet = s.handover.compile(night_id)
    ids = [i.id for i in sheet.incidents]
    assert early.id in ids, "received before the shift, clock due inside it"
    assert late.id in ids, "received during the shift (which crosses midnight)"
    early_sheet = [i for i in sheet.incidents if i.id == early.id][0]
    written = [c for c in early_sheet.clocks if c.kind == ReportKind.written][0]
    assert written.status.value == "running"
    late_sheet = [i for i in sheet.incidents if i.id == late.id][0]
    phone = [c for c in late_sheet.clocks if c.kind == ReportKind.phone][0]
    assert phone.status.value == "done" and phone.late_seconds > 0  # 50 min after receipt
    assert {c.incident_id for c in sheet.running} >= {early.id, late.id}
    assert any(c.kind == ReportKind.followup for c in sheet.due_next)
    assert [p.name for p in sheet.people] == ["李红梅", "孙丽娜"]
    assert any("每两小时续报" in x.text for x in sheet.log)


@pytest.mark.parametrize("width", [40, 64, 80, 132])
def test_text_never_wider_than_the_width(night, width):
    s, clock, night_id, *_ = night
    s.handover.add_pending(
        night_id, "继续跟踪石桥村滑坡被困人员搜救进展，随时续报市应急管理局总值班室", "孙丽娜"
    )
    s.handover.set_notes(night_id, "夜间降雨持续，各乡镇值班室已提醒加强巡查。" * 5)
    text = render_text(s.handover.compile(night_id), tz=TZ, width=width, lang="zh")
    lines = text.splitlines()
    assert max(cell_len(line) for line in lines) <= width
    assert "交接班记录" in text and "石桥村" in text and "孙丽娜" in text
    assert any(cell_len(line) > len(line) for line in lines), "contains Chinese"


def test_markdown_and_english(night):
    s, clock, night_id, *_ = night
    sheet = s.handover.compile(night_id)
    md = render_markdown(sheet, tz=TZ, lang="zh")
    assert md.startswith("# 值班交接班记录") and "## 三、本班接报事件及报告情况" in md
    en = render_text(sheet, tz=TZ, width=80, lang="en")
    assert "Duty handover sheet" in en and "Incidents received" in en


def test_pdf_contains_the_chinese_text(night):
    """Extract the text back out of the PDF (pypdf reads the font's ToUnicode map: what a
    viewer can copy is what it shows) and check the embedded CJK font."""
    import io

    from pypdf import PdfReader

    s, clock, night_id, *_ = night
    pdf = render_pdf(s.handover.compile(night_id), tz=TZ, lang="zh")
    assert pdf.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(pdf))
    text = "".join(page.extract_text() for page in reader.pages)
    assert "值班交接班记录" in text and "青山铺镇石桥村" in text and "李红梅" in text
    fonts = {f["/BaseFont"] for page in reader.pages for f in page["/Resources"]["/Font"].values()}
    from watchdesk.report.pdf import cjk_font

    name, warning = cjk_font()
    if warning is None:  # a TrueType CJK font is installed: it must be embedded
        assert any("WenQuanYi" in str(f) or "+" in str(f) for f in fonts), fonts


def test_pdf_is_deterministic(night):
    s, clock, night_id, *_ = night
    sheet = s.handover.compile(night_id)
    assert render_pdf(sheet, tz=TZ, lang="zh") == render_pdf(sheet, tz=TZ, lang="zh")


def test_draft_edits_and_bad_input(night):
    s, clock, night_id, *_ = night
    from watchdesk.errors import InputError

    with pytest.raises(InputError) as e:
        s.handover.add_pending(night_id, "核实失联人员", " ")
    assert e.value.field == "owner"
    rec = s.handover.add_pending(night_id, "核实失联人员", "孙丽娜")
    assert [p.owner for p in rec.pending] == ["孙丽娜"]
    rec = s.handover.remove_pending(night_id, 0)
    assert rec.pending == []
    assert s.check().ok
