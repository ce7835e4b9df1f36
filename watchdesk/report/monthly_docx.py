"""The monthly duty report (值班工作月报) as a Word document (.docx, python-docx), on the written
report's page (`written_docx`: A4, GB/T 9704-2012 margins, 仿宋_GB2312 for the body with 仿宋 as
the font table's fallback): the header block in red with its rule, the title, the summary in 3号
with two characters' indent, the sections' tables in 5号 with a grid and a repeated header row,
page numbers "— 1 —" in the footer.

The charts: a PNG picture of each (the PDF's reportlab drawing, `monthly_charts.png`) where
reportlab can render bitmaps on this machine (renderPM with rlPyCairo or _renderPM); where it
cannot, the chart's figures are in the table just above it and a line under the table says so.

The same report gives the same bytes (core properties dated by the report, fixed zip entries).
"""

from __future__ import annotations

import io
import unicodedata
import zipfile
from datetime import UTC, datetime
from typing import Any

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from watchdesk.i18n import t, using
from watchdesk.report import monthly as m
from watchdesk.report.monthly_charts import drawing, png
from watchdesk.report.written_docx import PPR, RPR

BODY_FONT = "仿宋_GB2312"
TITLE_FONT = "方正小标宋简体"
HEADING_FONT = "黑体"
TABLE_FONT = "宋体"
RED = RGBColor(0xE6, 0x00, 0x00)
WIDTH_MM, LEFT_MM, TOP_MM, BOTTOM_MM = 156, 28, 37, 35
BODY_PT, TITLE_PT, HEADER_PT, TABLE_PT, FOOT_PT = 16, 22, 36, 9, 14
LINE_PT = 28.95  # 22 lines in 225 mm
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
FIXED = datetime(1980, 1, 1, 0, 0, 0)
NUMERIC = {m.COUNT, m.RATE, m.CHANGE, m.SECONDS, m.NUMBER}


def _insert(parent: Any, el: Any, order: list[str]) -> None:
    """`el` where the schema wants it among `parent`'s children (Word refuses another order)."""
    tag = el.tag.replace(f"{{{_W}}}", "w:")
    parent.insert_element_before(el, *order[order.index(tag) + 1 :])


def _fonts(run: Any, name: str) -> None:
    rpr = run._r.get_or_add_rPr()
    rf = rpr.find(qn("w:rFonts"))
    if rf is None:
        rf = OxmlElement("w:rFonts")
        rpr.insert(0, rf)
    for attr in ("ascii", "hAnsi", "eastAsia", "cs"):
        rf.set(qn(f"w:{attr}"), name)
    rf.set(qn("w:hint"), "eastAsia")


def _run(
    p: Any,
    text: str,
    font: str,
    size: float,
    *,
    color: RGBColor | None = None,
    bold: bool = False,
    spacing: float = 0,
) -> Any:
    r = p.add_run(text)
    _fonts(r, font)
    r.font.size = Pt(size)
    r.font.bold = bold or None
    if color is not None:
        r.font.color.rgb = color
    if spacing:
        sp = OxmlElement("w:spacing")
        sp.set(qn("w:val"), str(round(spacing * 20)))
        _insert(r._r.get_or_add_rPr(), sp, RPR)
    return r


def _para(
    container: Any,
    *,
    align: Any = None,
    line_pt: float | None = None,
    before: float = 0,
    after: float = 0,
    first_chars: int = 0,
) -> Any:
    p = container.add_paragraph()
    f = p.paragraph_format
    if align is not None:
        f.alignment = align
    if line_pt is not None:
        f.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        f.line_spacing = Pt(line_pt)
    f.space_before, f.space_after = Pt(before), Pt(after)
    if first_chars:
        f.first_line_indent = Pt(BODY_PT * first_chars)
        ind = p._p.get_or_add_pPr().get_or_add_ind()
        ind.set(qn("w:firstLineChars"), str(first_chars * 100))
    return p


def _rule(p: Any, color: str = "E60000", width_pt: float = 1.5) -> None:
    ppr = p._p.get_or_add_pPr()
    bdr = OxmlElement("w:pBdr")
    b = OxmlElement("w:bottom")
    for k, v in (("val", "single"), ("sz", str(round(width_pt * 8))), ("space", "1")):
        b.set(qn(f"w:{k}"), v)
    b.set(qn("w:color"), color)
    bdr.append(b)
    _insert(ppr, bdr, PPR)


def _field(p: Any, code: str, shown: str) -> None:
    for kind in ("begin", "instr", "separate", "text", "end"):
        r = _run(p, "", TABLE_FONT, FOOT_PT)
        if kind == "instr":
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = f" {code} "
            r._r.append(el)
        elif kind == "text":
            r.text = shown
        else:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
            r._r.append(el)


def _setup(doc: Any, report: m.Monthly) -> None:
    s = doc.sections[0]
    s.page_width, s.page_height = Mm(210), Mm(297)
    s.top_margin, s.bottom_margin = Mm(TOP_MM), Mm(BOTTOM_MM)
    s.left_margin, s.right_margin = Mm(LEFT_MM), Mm(210 - LEFT_MM - WIDTH_MM)
    s.header_distance, s.footer_distance = Mm(15), Mm(21)
    normal = doc.styles["Normal"]
    rpr = normal.element.get_or_add_rPr()
    rf = OxmlElement("w:rFonts")
    for attr in ("ascii", "hAnsi", "eastAsia", "cs"):
        rf.set(qn(f"w:{attr}"), BODY_FONT)
    for old in rpr.findall(qn("w:rFonts")):
        rpr.remove(old)
    rpr.insert(0, rf)
    normal.font.size = Pt(BODY_PT)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    _insert(rpr, lang, RPR)
    normal.paragraph_format.space_before = normal.paragraph_format.space_after = Pt(0)
    # page numbers: odd pages at the right, even ones at the left
    doc.settings.odd_and_even_pages_header_footer = True
    label = t("monthly.page", n="\0").split("\0")
    for footer, align in (
        (s.footer, WD_ALIGN_PARAGRAPH.RIGHT),
        (s.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
    ):
        footer.is_linked_to_previous = False
        p = footer.paragraphs[0]
        p.paragraph_format.alignment = align
        _run(p, label[0], TABLE_FONT, FOOT_PT)
        _field(p, "PAGE", "1")
        _run(p, label[-1], TABLE_FONT, FOOT_PT)
    cp = doc.core_properties
    cp.title = report.title
    cp.author = cp.last_modified_by = report.desk_name or "watchdesk"
    cp.subject = report.heading
    cp.comments = cp.keywords = ""
    cp.created = cp.modified = cp.last_printed = datetime(2000, 1, 1, tzinfo=UTC)
    cp.revision = 1


def _cell(cell: Any, text: str, *, align: Any, bold: bool = False, shade: str = "") -> None:
    p = cell.paragraphs[0]
    p.paragraph_format.alignment = align
    p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    p.paragraph_format.space_before = p.paragraph_format.space_after = Pt(0)
    _run(p, text, TABLE_FONT, TABLE_PT, bold=bold)
    if shade:
        tcpr = cell._tc.get_or_add_tcPr()
        shd = OxmlElement("w:shd")
        shd.set(qn("w:val"), "clear")
        shd.set(qn("w:color"), "auto")
        shd.set(qn("w:fill"), shade)
        tcpr.append(shd)


def _em(text: str) -> float:
    return sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.6 for ch in text)


def _widths(table: m.Table, texts: list[list[str]]) -> list[float]:
    """Column widths in points, as in the PDF: by the widest cell (a number column's header may
    take two lines), the whole as wide as the text block."""
    pad = 16.0  # the cell margins (0.08 in each side) and some air
    natural = []
    for i, col in enumerate(table.columns):
        widest = max((_em(r[i]) for r in texts), default=0) * TABLE_PT + pad
        head = _em(col.title) * TABLE_PT + pad
        if col.kind == m.TEXT:
            natural.append(max(widest, min(head, 60)))
        else:
            half = max(_em(col.title[: (len(col.title) + 1) // 2]), 2) * TABLE_PT + pad
            natural.append(max(widest, min(head, half)))
    width = WIDTH_MM * 72 / 25.4
    if sum(natural) > width:
        # the long texts give way; numbers and short texts (a grade, an outcome) keep theirs
        short = 5 * TABLE_PT + pad
        give = [c.kind == m.TEXT and w > short for w, c in zip(natural, table.columns)]
        fixed = sum(w for w, g in zip(natural, give) if not g)
        want = sum(w for w, g in zip(natural, give) if g)
        if want and width - fixed > 30:
            k = (width - fixed) / want
            natural = [w * k if g else w for w, g in zip(natural, give)]
    total = sum(natural)
    return [w * width / total for w in natural]


def _table(doc: Any, table: m.Table, empty: str) -> None:
    cap = _para(doc, align=WD_ALIGN_PARAGRAPH.CENTER, before=6, after=3)
    cap.paragraph_format.keep_with_next = True
    _run(cap, table.title, HEADING_FONT, TABLE_PT + 1)
    if not table.rows:
        p = _para(doc, align=WD_ALIGN_PARAGRAPH.CENTER)
        _run(p, empty, TABLE_FONT, TABLE_PT)
        return
    texts = [[m.cell_text(v, c.kind) for v, c in zip(row, table.columns)] for row in table.rows]
    grid = doc.add_table(rows=1 + len(table.rows), cols=len(table.columns))
    grid.style = doc.styles["Table Grid"]
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    grid.autofit = False
    for col, w in zip(grid.columns, _widths(table, texts)):
        col.width = Pt(w)
        for c in col.cells:
            c.width = Pt(w)
    head = grid.rows[0]
    trpr = head._tr.get_or_add_trPr()
    trpr.append(OxmlElement("w:tblHeader"))  # repeated on every page
    for c, col in zip(head.cells, table.columns):
        _cell(c, col.title, align=WD_ALIGN_PARAGRAPH.CENTER, bold=True, shade="F2F2F2")
    for row, values in zip(grid.rows[1:], texts):
        for c, v, col in zip(row.cells, values, table.columns):
            align = WD_ALIGN_PARAGRAPH.RIGHT if col.kind in NUMERIC else WD_ALIGN_PARAGRAPH.LEFT
            _cell(c, v, align=align)
    if table.note:
        p = _para(doc, before=2)
        _run(p, table.note, TABLE_FONT, TABLE_PT)


def _chart(doc: Any, table: m.Table, font: str | None) -> None:
    if table.chart is None or not table.rows:
        return
    picture = None
    if font is not None:
        d = drawing(table, font, WIDTH_MM * 72 / 25.4)
        picture = png(d) if d is not None else None
    p = _para(doc, align=WD_ALIGN_PARAGRAPH.CENTER, before=4)
    if picture is not None:
        p.add_run().add_picture(io.BytesIO(picture), width=Mm(WIDTH_MM))
    else:
        _run(p, t("monthly.chart.as_table", title=table.chart.title), TABLE_FONT, TABLE_PT)


def _body(doc: Any, report: m.Monthly, font: str | None) -> None:
    p = doc.paragraphs[0] if doc.paragraphs else doc.add_paragraph()
    p.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.space_after = Pt(12)
    spread = 0.4 if len(report.heading) <= 6 else 0.0
    _run(p, report.heading, TITLE_FONT, HEADER_PT, color=RED, spacing=spread * HEADER_PT)
    if report.serial:
        p = _para(doc, align=WD_ALIGN_PARAGRAPH.CENTER, line_pt=LINE_PT)
        _run(p, report.serial, BODY_FONT, BODY_PT)
    p = _para(doc, line_pt=LINE_PT)
    width = Mm(WIDTH_MM)
    p.paragraph_format.tab_stops.add_tab_stop(width, alignment=2)  # right
    _run(p, f"{report.issuer}\t{report.date_text}", BODY_FONT, BODY_PT)
    _rule(p)
    p = _para(doc, align=WD_ALIGN_PARAGRAPH.CENTER, before=LINE_PT, after=LINE_PT / 2)
    _run(p, report.title, TITLE_FONT, TITLE_PT)
    for section in report.sections:
        p = _para(doc, line_pt=LINE_PT, first_chars=2, before=4)
        p.paragraph_format.keep_with_next = True
        _run(p, section.title, HEADING_FONT, BODY_PT)
        if section is report.sections[0]:
            for text in report.summary:
                p = _para(doc, line_pt=LINE_PT, first_chars=2, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
                _run(p, text, BODY_FONT, BODY_PT)
        for table in section.tables:
            _table(doc, table, report.empty)
            _chart(doc, table, font)


def _deterministic(data: bytes) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in sorted(src.namelist(), key=lambda n: (n != "[Content_Types].xml", n)):
            info = zipfile.ZipInfo(name, date_time=FIXED.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(info, src.read(name))
    return out.getvalue()


def render_docx(report: m.Monthly, *, font_path: str | None = None) -> bytes:
    """The report as .docx bytes. `font_path`: the font the chart pictures are drawn in (the
    config's `pdf_font`); without a usable CJK font the charts are left to their tables."""
    font: str | None
    try:
        from watchdesk.report.written_pdf import fonts_for

        font = fonts_for(font_path)["body"]
    except Exception:  # PaperFontError: the document itself needs no font file
        font = None
    with using(report.lang):
        doc = Document()
        _setup(doc, report)
        _body(doc, report, font)
        buf = io.BytesIO()
        doc.save(buf)
    return _deterministic(buf.getvalue())
