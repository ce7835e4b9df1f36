"""A signed report's frozen .docx opened by LibreOffice (headless, as an office would open it in
WPS or Word): converted to PDF, read back with `pdftotext -layout` and `-bbox`. Beside the text
checks of `test_paper.py` (a `Paper` rendered directly), this one takes the .docx the store froze
when the report was signed and checks where the layout's parts land on the page: the header
block at the top of page one, the title under it, the body, and the foot (版记: 报/送/抄送 and the
印发 line) below the body at the bottom of the last page (GB/T 9704-2012 §7.3), for a report of
one page and for one that runs onto a second.

Needs `soffice` (Debian's libreoffice-writer-nogui, which `.ci/run` installs) and poppler-utils;
skipped where they are absent, failed on CI. About 5–10 s: marked `slow`."""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

import pytest

from tests.report import cases
from tests.report.test_paper import _flat, _in_order, _pdftotext, _soffice_pdf, _tool
from watchdesk.models.incident import ReportKind
from watchdesk.models.officer import Actor, ActorKind, Officer
from watchdesk.models.roster import Role
from watchdesk.report.written_pdf import font_problem
from watchdesk.store.desk import Store
from watchdesk.store.signoff import Distribution

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(font_problem() is not None, reason="no CJK TrueType font"),
]

SEND = ["县委办公室", "县政府办公室"]
COPY = ["县公安局", "县卫生健康局", "县交通运输局", "县消防救援大队"]
FOOT = [
    f"报：{cases.CITY}。",
    "送：县委办公室，县政府办公室。",
    "抄送：县公安局，县卫生健康局，县交通运输局，县消防救援大队。",
    "湘江县应急管理局总值班室",
    "2026年11月22日印发",
]
PT_PER_MM = 72 / 25.4
A4_H = 297 * PT_PER_MM
TEXT_BOTTOM = A4_H - 35 * PT_PER_MM  # the text block's lower edge (bottom margin 35 mm)


def _as(store: Store, name: str, roles: list[Role]) -> None:
    o = store.officers.add(Officer(name=name, roles=roles))
    store.act_as(Actor(name=o.name, officer_id=o.id, kind=ActorKind.officer))


def _signed_docx(store: Store, clock, *, body: str | None = None) -> bytes:
    """The major road accident's first written report, through the chain, as the store froze
    it; `body`: the officer's edited text instead of the draft's."""
    inc, moments = cases.major_road(store, clock)
    clock.set(moments["written"])
    _as(store, "孙丽娜", [Role.chief, Role.officer])
    rep = store.written.create(inc, ReportKind.written)
    if body is not None:
        rep = store.written.edit(rep.id, title=rep.title, body=body, version=rep.version)
    rep = store.written.set_distribution(
        rep.id,
        Distribution(report_to=[cases.CITY], send_to=SEND, copy_to=COPY),
        version=rep.version,
    )
    store.written.sign(rep.id, "drafted")
    _as(store, "赵磊", [Role.chief, Role.officer])
    store.written.sign(rep.id, "checked")
    _as(store, "王建国", [Role.leader])
    store.written.sign(rep.id, "signed")
    return store.written.frozen(rep.id).docx


@dataclass
class Line:
    page: int
    top: float  # points from the top of the page
    bottom: float
    text: str


def _lines(pdf: Path) -> list[Line]:
    """Every line of text with its page and vertical position (`pdftotext -bbox-layout`)."""
    tool = _tool("pdftotext", "poppler-utils")
    html = subprocess.run(
        [tool, "-bbox-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    root = ElementTree.fromstring(re.sub(r'\sxmlns="[^"]+"', "", html, count=1))
    out = []
    for n, page in enumerate(root.iter("page"), 1):
        for line in page.iter("line"):
            words = "".join(w.text or "" for w in line.iter("word"))
            out.append(Line(n, float(line.get("yMin", 0)), float(line.get("yMax", 0)), words))
    return out


def _find(lines: list[Line], text: str) -> Line:
    found = [ln for ln in lines if text in ln.text]
    assert found, f"{text!r} not on any line: {[ln.text for ln in lines]}"
    return found[0]


def _check_layout(lines: list[Line], pages: int, last_body: str) -> None:
    assert max(ln.page for ln in lines) == pages, [(ln.page, ln.text) for ln in lines]
    # the header block on page one, top down: the red title, 期号 and 签发人 on one line, the
    # issuing unit and the date on the next, then the report's title
    head = _find(lines, "值班信息")
    number = _find(lines, "〔2026〕第1期")
    unit = _find(lines, "湘江县应急管理局总值班室编")
    title = _find(lines, "G107国道K1532处发生一起道路交通事故")
    assert head.page == number.page == unit.page == title.page == 1
    signer, dated = _find(lines, "签发人：王建国"), _find(lines, "2026年11月22日")
    assert abs(signer.top - number.top) < 2 and abs(dated.top - unit.top) < 2  # same lines
    assert head.bottom < number.top < unit.top < title.top
    assert head.top < 37 * PT_PER_MM + 20  # at the top of the text block
    # the body, then the foot: 报, 送, 抄送 and the 印发 line, in that order, on the last page
    body = _find(lines, last_body)
    foot = [
        _find(lines, f"报：{cases.CITY}。"),
        _find(lines, "送：县委办公室，县政府办公室。"),
        _find(lines, "抄送：县公安局，县卫生健康局，县交通运输局，"),
        _find(lines, "2026年11月22日印发"),
    ]
    assert {f.page for f in foot} == {pages}, [(f.page, f.text) for f in foot]
    assert all(a.bottom <= b.top + 1 for a, b in zip(foot, foot[1:], strict=False))
    assert (body.page, body.bottom) < (pages, foot[0].top)
    # …at the bottom of the page: the 印发 line ends at the text block's lower edge (a line's
    # height of slack), not right after the body
    issued = foot[-1]
    assert TEXT_BOTTOM - 40 < issued.bottom <= TEXT_BOTTOM + 6, (issued, TEXT_BOTTOM)
    # nothing of the body between the foot's lines or under them: only the foot's own words
    # and the page number
    words = "".join(FOOT)
    below = [ln for ln in lines if ln.page == pages and ln.top > foot[0].top - 1]
    assert all(ln.text in words or re.fullmatch(r"—\d+—", ln.text) for ln in below), below


def test_signed_docx_in_libreoffice_one_page(store, clock, tmp_path):
    short = (
        "11月22日14时10分许，G107国道K1532处一辆载有45人的大型客车侧翻。\n"
        "截至15时，事故已造成11人死亡、20人受伤。\n"
        "我们将密切关注事态进展，及时续报。"
    )
    source = tmp_path / "report.docx"
    source.write_bytes(_signed_docx(store, clock, body=short))
    pdf = _soffice_pdf(source, tmp_path)
    _check_layout(_lines(pdf), pages=1, last_body="及时续报")
    _look(pdf, tmp_path)


def test_signed_docx_in_libreoffice_two_pages(store, clock, tmp_path):
    source = tmp_path / "report.docx"
    source.write_bytes(_signed_docx(store, clock))
    pdf = _soffice_pdf(source, tmp_path)
    text = _pdftotext(pdf)
    flat = _flat(text)
    _in_order(flat, ["值班信息", "〔2026〕第1期", "签发人：王建国", "G107国道", "【待核实："])
    _check_layout(_lines(pdf), pages=2, last_body="及时续报")
    # page numbers — 1 — and — 2 —
    pages = text.split("\f")
    assert re.search(r"—\s*1\s*—", pages[0]) and re.search(r"—\s*2\s*—", pages[1])
    _look(pdf, tmp_path)


def _look(pdf: Path, tmp_path: Path) -> None:
    """The page at 60 dpi: Chinese drawn as Chinese (LibreOffice found a CJK font for the
    document's 仿宋_GB2312 / 方正小标宋简体), i.e. dark strokes in the body, red in the header."""
    from PIL import Image

    tool = _tool("pdftoppm", "poppler-utils")
    subprocess.run([tool, "-png", "-r", "60", str(pdf), str(tmp_path / "page")], check=True)
    for png in sorted(tmp_path.glob("page*.png")):
        image = Image.open(png).convert("RGB")
        px = image.tobytes()
        dark = sum(1 for i in range(0, len(px), 3) if px[i] < 100 and px[i + 1] < 100)
        assert dark > 500, png
    # pdffonts: the fonts LibreOffice chose are CJK ones, embedded
    fonts = subprocess.run(
        [_tool("pdffonts", "poppler-utils"), str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    assert re.search(r"WenQuanYi|CJK|Ming|Droid", fonts), fonts
