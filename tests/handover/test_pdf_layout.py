"""The handover sheet's pages (issue 17, layout), read back with poppler's pdftotext: the records
in tables (header rows repeated on the pages a table runs onto), 第 N 页 共 M 页 and the shift on
every page, 草稿 across a draft, the frozen content's short SHA-256 on a frozen sheet, no heading
left at a page's foot, no closing bracket at a line's start or opening one at its end."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from tests.helpers import TZ
from watchdesk.i18n import using
from watchdesk.models.audit import ChainHead
from watchdesk.models.handover import (
    EquipmentItem,
    HandoverSheet,
    PendingItem,
    SheetClock,
    SheetIncident,
    SheetLine,
    SheetPerson,
    Signature,
)
from watchdesk.models.incident import DeadlineStatus, Grade, IncidentStatus, ReportKind
from watchdesk.models.roster import Role
from watchdesk.report.pdf import render_pdf

START = datetime(2026, 12, 3, 8, 30, tzinfo=TZ)
NOW = START + timedelta(hours=23, minutes=40)
SHIFT = "班次：2026-12-03 08:30 至 2026-12-04 08:30"
SHA = "3f2a9c81d0b4e5f6" + "a" * 48
OPEN = set("（【(《“‘「『〈〔［｛[{")
CLOSE = set("）】)》”’」』〉〕］｝]}。，、；：！？,.;:!?…")
FOOT = re.compile(r"第\s*\d+\s*页\s*共\s*\d+\s*页|SHA-256|草稿：")
HEADING = re.compile(r"^(?:[一二三四五六七八九十]+、|\d+\. )\S")

needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="needs poppler-utils (pdftotext)"
)


def sheet(incidents: int = 0, log: int = 0) -> HandoverSheet:
    """A shift with `incidents` incidents and `log` log entries (the quiet one: none)."""
    s = HandoverSheet(
        desk_name="湘江县应急管理局总值班室",
        shift_id=7,
        shift_start=START,
        shift_end=START + timedelta(days=1),
        compiled_at=NOW,
        people=[
            SheetPerson(role=Role.leader, name="欧阳明", signed_in_at=START),
            SheetPerson(role=Role.officer, name="赵磊", signed_in_at=START, note="代班"),
        ],
        equipment=[EquipmentItem(key="phone"), EquipmentItem(key="fax", ok=False, note="卡纸")],
        notes="夜间降雨持续，各乡镇值班室已提醒加强巡查。",
        pending=[PendingItem(matter="跟踪城关镇停电抢修进度", owner="赵磊")],
    )
    for i in range(1, incidents + 1):
        at = START + timedelta(minutes=50 * i)
        clocks = [
            SheetClock(
                incident_id=i,
                headline="客车侧翻",
                kind=ReportKind.phone,
                due_at=at + timedelta(minutes=30),
                status=DeadlineStatus.done,
                done_at=at + timedelta(minutes=20),
                late_seconds=-600,
            ),
            SheetClock(
                incident_id=i,
                headline="客车侧翻",
                kind=ReportKind.written,
                due_at=at + timedelta(hours=1),
                status=DeadlineStatus.running,
            ),
        ]
        s.incidents.append(
            SheetIncident(
                id=i,
                received_at=at,
                headline="客车侧翻（联系电话0731-84511003）",
                place="G107国道K1532+900处",
                category="accident",
                subtype="road_traffic",
                grade=Grade.III,
                status=IncidentStatus.open,
                figures={"injured": i},
                clocks=clocks,
            )
        )
        s.running.append(clocks[1])
    s.log = [
        SheetLine(
            at=START + timedelta(minutes=40 * k),
            kind="log.kind.call_in",
            text=f"县交警大队：G107国道K1532+900处客车侧翻（联系电话0731-84511003，18:45 前续报）第{k}条",
        )
        for k in range(log)
    ]
    return s


def pages(pdf: bytes, tmp_path: Path, *, layout: bool = True) -> list[str]:
    path = tmp_path / "sheet.pdf"
    path.write_bytes(pdf)
    args = ["pdftotext", *(["-layout"] if layout else []), str(path), "-"]
    text = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    return [p for p in text.split("\f") if p.strip()]


@needs_poppler
def test_every_page_says_page_n_of_m_and_the_shift(tmp_path):
    out = pages(render_pdf(sheet(25, 20), tz=TZ, lang="zh"), tmp_path)
    assert len(out) >= 3
    for n, page in enumerate(out, 1):
        assert re.search(rf"第\s*{n}\s*页\s*共\s*{len(out)}\s*页", page), page
        assert SHIFT in page and "湘江县应急管理局总值班室" in page
    en = pages(render_pdf(sheet(25, 20), tz=TZ, lang="en"), tmp_path)
    assert all(re.search(rf"Page\s+{n}\s+of\s+{len(en)}\b", p) for n, p in enumerate(en, 1))
    assert all("Shift: 2026-12-03 08:30 to 2026-12-04 08:30" in p for p in en)


@needs_poppler
def test_a_draft_says_draft_on_every_page_and_a_frozen_one_its_hash(tmp_path):
    draft = pages(render_pdf(sheet(25, 20), tz=TZ, lang="zh", draft=True), tmp_path)
    assert len(draft) > 1 and all("草稿" in p for p in draft)
    assert all("SHA-256" not in p for p in draft)
    en = pages(render_pdf(sheet(), tz=TZ, lang="en", draft=True), tmp_path)
    assert all("DRAFT" in p for p in en)

    frozen = sheet(25, 20)
    frozen.outgoing = Signature(name="孙丽娜", at=NOW)
    frozen.incoming = Signature(name="赵磊", at=NOW)
    frozen.chain_head = ChainHead(seq=12345, hash="9e8d7c6b5a41" + "0" * 52)
    signed = pages(render_pdf(frozen, tz=TZ, lang="zh", sha256=SHA), tmp_path)
    assert all("SHA-256 3f2a9c81d0b4…" in p for p in signed)
    assert SHA not in "".join(signed)  # the short form only
    assert all("草稿" not in p for p in signed)
    assert sum("12345:9e8d7c6b5a41" in p for p in signed) == 1  # with the signatures, once
    assert "12345:9e8d7c6b5a41" in signed[-1] and "接班人签字：赵磊" in signed[-1]


@needs_poppler
def test_records_are_in_tables_with_their_header_on_every_page(tmp_path):
    out = pages(render_pdf(sheet(25, 20), tz=TZ, lang="zh"), tmp_path)
    lines = [x for p in out for x in p.splitlines()]
    # a header row: the column titles side by side on one line
    assert any(re.search(r"岗位\s+姓名\s+签到\s+签退\s+备注", x) for x in lines)
    assert any(re.search(r"时间\s+类别\s+内容", x) for x in lines)
    incidents = [n for n, p in enumerate(out) if "#25" in p or "#1 " in p]
    header = re.compile(r"编号\s+接报时间\s+等级\s+类别\s+地点及事由\s+状态\s+报告情况")
    # the incidents run over more than one page, and each of those pages starts with the header
    spread = range(incidents[0], max(n for n, p in enumerate(out) if "12-04 05:20" in p) + 1)
    assert len(spread) > 1
    assert all(header.search(out[n]) for n in spread)
    # a row's fields in its columns: number, time, grade, type on one line
    assert any(re.search(r"#7\s+12-03 14:20\s+较大\s+道路交通", x) for x in lines)
    # the overdue mark whole, on one line, in the incidents and in the running clocks
    assert sum("【已超时 " in x and "】" in x for x in lines) == 2 * 25


def _last_body_line(page: str) -> str:
    """The last line above the foot (the desk and shift, the page number, the hash)."""
    body = [x.strip() for x in page.splitlines() if x.strip() and not FOOT.search(x)]
    return body[-1]


@needs_poppler
@pytest.mark.parametrize("log", range(14, 40, 2))
def test_no_heading_is_left_at_the_foot_of_a_page(tmp_path, log):
    """As the log grows, each section after it reaches a page's foot in turn: its heading moves
    to the next page with the first line of what follows it."""
    out = pages(render_pdf(sheet(2, log), tz=TZ, lang="zh"), tmp_path)
    for page in out[:-1]:
        last = _last_body_line(page)
        assert not HEADING.match(last), (log, last)
    for page in out:  # and every heading has its first record or line under it on its page
        lines = [x.strip() for x in page.splitlines() if x.strip()]
        for i, x in enumerate(lines):
            if HEADING.match(x):
                assert i + 1 < len(lines) and not FOOT.search(lines[i + 1]), (log, x)


def test_cells_break_by_the_chinese_rules():
    """A cell's lines (as set, by `break_spans` in the cell's font and width): no closing
    bracket or punctuation at a line's start, no opening bracket at a line's end, no number cut;
    reportlab's own CJK wrapping would put `）` or `，` at a line start at some of these widths."""
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics

    from tests.handover.test_line_breaks import widest_piece
    from watchdesk.report.pdf import _Lines, cjk_font

    font, _ = cjk_font()
    style = ParagraphStyle("td", fontName=font, fontSize=9, leading=12.5, wordWrap="CJK")
    text = "县交警大队（联系人王某）：G107国道K1532+900处客车侧翻（联系电话0731-84511003，18:45 前续报）。【敏感】「待核实」"

    def measure(s: str) -> float:
        return pdfmetrics.stringWidth(s, font, 9)

    least = widest_piece(text, measure)  # narrower, a piece must be cut where it must
    for width in range(int(least) + 1, 260, 3):
        p = _Lines(text, style)
        p.wrap(width, 1000)
        assert "".join(p.texts).replace(" ", "") == text.replace(" ", "")  # nothing lost
        for a, b in zip(p.texts, p.texts[1:], strict=False):
            assert a[-1] not in OPEN, (width, p.texts)
            assert b[0] not in CLOSE, (width, p.texts)
        flat = "\n".join(p.texts)
        assert "K1532+900" in flat and "0731-84511003" in flat, (width, p.texts)


@needs_poppler
def test_a_quiet_shift_fits_one_page_and_keeps_its_signatures(tmp_path):
    with using("zh"):
        out = pages(render_pdf(sheet(), tz=TZ, lang="zh", draft=True), tmp_path)
    assert len(out) == 1 and re.search(r"第\s*1\s*页\s*共\s*1\s*页", out[0])
    assert "交班人签字" in out[0] and "接班人签字" in out[0]
    assert ("[正常]" in out[0] or "[✓]" in out[0]) and ("[故障]" in out[0] or "[✗]" in out[0])


SIGNED = re.compile(r"^(交班人签字|接班人签字|审计链)")


def _before_signatures(page: str) -> list[str]:
    """The page's lines above the foot that are not the signature block."""
    body = [x.strip() for x in page.splitlines() if x.strip() and not FOOT.search(x)]
    return [x for x in body if not SIGNED.match(x)]


@needs_poppler
@pytest.mark.parametrize("grow", ["log", "pending"])
def test_the_signatures_never_stand_alone_on_a_page(tmp_path, grow):
    """The sheet grows a record at a time (the log, or the pending list, the last section, a
    table) until what comes before the signatures fills a page exactly, then runs onto the next
    one: at every length the signatures share their page with the last records before them
    (under their table's header again when they start the page), never alone on it."""
    from watchdesk.models.handover import PendingItem

    pages_seen: set[int] = set()
    crossed = 0  # lengths at which the last records went over to the signatures' page
    for n in range(0, 30) if grow == "log" else range(14, 26):
        s = sheet(2, n if grow == "log" else 12)
        if grow == "pending":
            s.pending = [
                PendingItem(matter=f"跟踪城关镇停电抢修进度第{k}项", owner="赵磊") for k in range(n)
            ]
        out = pages(render_pdf(s, tz=TZ, lang="zh"), tmp_path)
        pages_seen.add(len(out))
        assert "接班人签字" in out[-1] and "交班人签字" in out[-1], (grow, n)
        for page in out:
            assert _before_signatures(page), (grow, n, page)  # no page of signatures alone
        last = _before_signatures(out[-1])
        if grow == "pending":  # the pending list's last rows, under their header when they lead
            assert f"第{n - 1}项" in out[-1], (n, last)
            if "十一、" not in out[-1]:
                assert re.search(r"序号\s+事项\s+责任人", last[0]), (n, last)
        crossed += len(last) <= 4
    assert len(pages_seen) > 1, pages_seen  # the lengths searched cross a page's foot
    assert crossed, "no length put the signatures at the top of a page's worth of content"
