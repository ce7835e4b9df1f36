"""The sheet's line breaks (issue 13): never inside a word or a number, never an opening bracket
at a line end or a closing one (or a punctuation mark) at a line start (禁则), nothing lost, no
line too wide; an overdue clock shown as overdue, by how long, everywhere it appears; a late
leader-on-duty check shown with how late it was."""

from __future__ import annotations

import io
from datetime import datetime, timedelta

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from rich.cells import cell_len

from tests.helpers import TZ, roster_today
from watchdesk.i18n import set_language
from watchdesk.models.handover import HandoverSheet, SheetClock, SheetIncident, SheetLine
from watchdesk.models.incident import DeadlineStatus, Grade, IncidentStatus, ReportKind
from watchdesk.report.handover import check_time, duration, render_markdown, render_text
from watchdesk.report.textfmt import break_spans, wrap_cells

# What the rules say, written out here independently of the code under test.
OPEN = set("（【(《“‘「『〈〔［｛[{")
CLOSE = set("）】)》”’」』〉〕］｝]}。，、；：！？,.;:!?…")
PARAGRAPH = "\n"


def is_word(ch: str) -> bool:
    """A letter, digit or sign of a Latin word or number (`G107`, `K1532+900`, `18:45`)."""
    return not ch.isspace() and cell_len(ch) == 1


def may_break(text: str, i: int, j: int) -> bool:
    """May a line end after text[i] and the next start at text[j] (only spaces between)?"""
    a, b = text[i], text[j]
    if a in OPEN or b in CLOSE:
        return False
    return j > i + 1 or not (is_word(a) and is_word(b))


def widest_piece(text: str, measure=cell_len) -> float:
    """The widest stretch the rules never break inside."""
    widest, start, prev = 0.0, 0, -1
    for j, ch in enumerate(text):
        if ch == PARAGRAPH:
            if prev >= 0:
                widest = max(widest, measure(text[start : prev + 1]))
            start, prev = j + 1, -1
            continue
        if ch.isspace():
            continue
        if prev >= 0 and may_break(text, prev, j):
            widest = max(widest, measure(text[start : prev + 1]))
            start = j
        prev = j
    if prev >= 0:
        widest = max(widest, measure(text[start : prev + 1]))
    return widest


def check_lines(text: str, lines: list[str]) -> None:
    """Every line is a piece of `text` in order with only spaces (or a paragraph break) between
    them, so nothing is lost, and every break is one the rules allow."""
    pos, placed = 0, []
    for line in lines:
        body = line.strip()
        if not body:
            continue
        i = text.find(body, pos)
        assert i >= 0 and not text[pos:i].strip(), f"text lost before {line!r}: {text[pos:i]!r}"
        placed.append((i, i + len(body)))
        pos = i + len(body)
    assert not text[pos:].strip(), f"text lost at the end: {text[pos:]!r}"
    for (_, end), (start, _) in zip(placed, placed[1:], strict=False):
        if PARAGRAPH in text[end:start]:
            continue
        a, b = text[end - 1], text[start]
        assert a not in OPEN, f"opening {a!r} at a line end: {text[:end]!r}"
        assert b not in CLOSE, f"{b!r} at a line start: {text[start:]!r}"
        assert may_break(text, end - 1, start), f"word broken: {text[end - 4 : start + 4]!r}"


CJK = st.text(
    alphabet="值班交接记录事件报告处置国道山体滑坡被困人员乡镇应急管理局", min_size=1, max_size=6
)
WORDS = st.sampled_from(
    ["G107", "K1532+900", "0731-84511003", "18:45", "12-03", "32,000,000", "II", "due", "OK"]
) | st.from_regex(r"[A-Za-z0-9]{1,8}", fullmatch=True)
MARKS = st.sampled_from(list("（【(《“）】)》”。，、；：！？"))
SPACES = st.sampled_from([" ", "  "])
TEXT = st.lists(st.one_of(CJK, WORDS, MARKS, SPACES, st.just(PARAGRAPH)), max_size=40).map("".join)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(text=TEXT, width=st.integers(16, 100), indent=st.sampled_from([0, 2, 4]))
def test_wrapping_keeps_words_and_brackets_whole(text, width, indent):
    assume(widest_piece(text) <= width - indent)
    lines = wrap_cells(text, width, indent=indent)
    assert all(cell_len(line) <= width for line in lines)
    check_lines(text, lines)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(text=TEXT, width=st.floats(120, 480))
def test_the_pdf_breaks_by_the_same_rules_in_its_font(text, width):
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from watchdesk.report.pdf import cjk_font

    font, _ = cjk_font()

    def measure(s: str) -> float:
        return stringWidth(s, font, 10.5)

    assume(widest_piece(text, measure) <= width)
    spans = break_spans(text, width, measure=measure)
    lines = [text[sp.start : sp.end] for sp in spans]
    assert all(measure(line.rstrip()) <= width for line in lines)
    check_lines(text, lines)


@pytest.mark.parametrize("width", range(20, 61))
def test_road_numbers_phone_numbers_and_times_stay_whole(width):
    text = (
        "  #13 12-03 19:17 重大 道路交通事故 G107国道K1532+900处客车侧翻（联系电话"
        "0731-84511003，18:45 前续报）【敏感】 [处置中]"
    )
    lines = wrap_cells(text, width, indent=4)
    check_lines(text, lines)
    flat = "\n".join(lines)
    for whole in ("G107", "K1532+900", "0731-84511003", "18:45", "12-03 19:17"):
        assert whole in flat, (whole, lines)
    if width >= 24:  # a short bracketed tag (up to a third of the line) is kept together
        assert "【敏感】" in flat and "[处置中]" in flat, lines


def test_a_word_wider_than_the_line_is_still_cut_and_nothing_lost():
    text = "备注：" + "x" * 50 + "。"
    lines = wrap_cells(text, 20, indent=2)
    assert all(cell_len(line) <= 20 for line in lines)
    assert "".join(line.strip() for line in lines) == text


def sheet_with_an_overdue_clock() -> HandoverSheet:
    start = datetime(2026, 12, 3, 8, 30, tzinfo=TZ)
    now = datetime(2026, 12, 3, 19, 30, tzinfo=TZ)
    written = SheetClock(
        incident_id=12,
        headline="青山铺镇河段群众被困",
        kind=ReportKind.written,
        due_at=now - timedelta(hours=1, minutes=5),
        status=DeadlineStatus.running,
    )
    verify = written.model_copy(
        update={"kind": ReportKind.verification, "due_at": now + timedelta(minutes=20)}
    )
    return HandoverSheet(
        shift_id=1,
        shift_start=start,
        shift_end=start + timedelta(days=1),
        compiled_at=now,
        incidents=[
            SheetIncident(
                id=12,
                received_at=now - timedelta(hours=2),
                headline="青山铺镇河段群众被困",
                place="青山铺镇水库下游河段",
                category="natural",
                grade=Grade.IV,
                status=IncidentStatus.open,
                clocks=[written, verify],
            )
        ],
        running=[written, verify],
    )


@pytest.mark.parametrize(
    ("lang", "overdue", "running"),
    [("zh", "已超时 1 小时 5 分钟", "计时中"), ("en", "OVERDUE by 1 h 5 min", "running")],
)
def test_an_overdue_clock_is_overdue_in_every_section(lang, overdue, running):
    sheet = sheet_with_an_overdue_clock()
    text = render_text(sheet, tz=TZ, width=132, lang=lang)
    incidents, clocks = text.split("\n\n")[2:4]  # sections 3 and 4
    [written_line] = [x for x in incidents.splitlines() if "12-03 18:25" in x]
    assert overdue in written_line and running not in written_line
    assert any(overdue in x for x in clocks.splitlines() if "18:25" in x)
    assert sum(overdue in x for x in text.splitlines()) == 2
    assert sum(running in x for x in incidents.splitlines()) == 1  # the verification: not yet
    assert render_markdown(sheet, tz=TZ, lang=lang).count(overdue) == 2


def test_the_pdf_shows_overdue_and_keeps_words_whole():
    from pypdf import PdfReader

    from watchdesk.report.pdf import render_pdf

    sheet = sheet_with_an_overdue_clock()
    sheet.log = [
        SheetLine(
            at=sheet.compiled_at,
            kind="log.kind.call_in",
            text="县交警大队：G107国道K1532+900处客车侧翻（联系电话0731-84511003，18:45 前"
            "续报）" * 3,
        )
    ]
    pdf = render_pdf(sheet, tz=TZ, lang="zh")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert text.count("已超时 1 小时 5 分钟") == 2
    lines = [x.strip() for x in text.splitlines() if x.strip()]
    assert sum("K1532+900" in x for x in lines) == 3
    assert sum("0731-84511003" in x for x in lines) == 3
    assert not [x for x in lines if x[-1] in OPEN or x[0] in CLOSE]


@pytest.mark.parametrize(
    ("seconds", "zh", "en"),
    [
        (1, "1 分钟", "1 min"),
        (17 * 60, "17 分钟", "17 min"),
        (3600, "1 小时", "1 h"),
        (3600 + 5 * 60 + 1, "1 小时 6 分钟", "1 h 6 min"),
        (26 * 3600, "1 天 2 小时", "1 d 2 h"),
    ],
)
def test_durations(seconds, zh, en):
    set_language("zh")
    assert duration(seconds) == zh
    set_language("en")
    assert duration(seconds) == en


def test_a_late_check_says_when_it_was_due_and_how_late():
    due = datetime(2026, 12, 3, 22, 0, tzinfo=TZ)
    set_language("zh")
    assert check_time(due, due + timedelta(minutes=17, seconds=40), TZ) == (
        "22:00 应查，22:17 核查（迟 17 分钟）"
    )
    assert check_time(due, due + timedelta(seconds=30), TZ) == "22:00"  # within the minute
    assert check_time(due, due - timedelta(minutes=3), TZ) == "21:57"
    set_language("en")
    assert check_time(due, due + timedelta(minutes=17), TZ) == (
        "due 22:00, checked 22:17 (17 min late)"
    )


def test_the_sheet_shows_a_late_take_over_check(store, clock):
    roster_today(store, clock)  # today's shift from 08:30
    sid = store.roster.on_duty(clock()).shift.id
    clock.set(datetime(2026, 11, 22, 8, 47, tzinfo=TZ))
    store.actor = "赵磊"
    store.roster.record_check(sid, method="phone", result="present")
    clock.set(datetime(2026, 11, 22, 14, 29, tzinfo=TZ))
    set_language("zh")
    text = render_text(store.handover.compile(sid), tz=TZ, width=100, lang="zh")
    checks = text.split("\n\n")[1]
    assert "08:30 应查，08:47 核查（迟 17 分钟）" in checks, checks
