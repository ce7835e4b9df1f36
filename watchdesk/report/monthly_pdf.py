"""The monthly duty report (值班工作月报) as an A4 PDF (reportlab), on the written report's page
(GB/T 9704-2012: text block 156 mm × 225 mm, 37 mm from the top, 28 mm from the left; see
`written_pdf`): the header block (the heading in red, the 期号, the issuing desk and the date, a
red rule), the title, the summary in the body size (3号) with two characters' indent, then each
section's tables in 5号 with their charts (reportlab.graphics) under them; page numbers "— 1 —",
right on odd pages and left on even ones.

The fonts are the written report's (`written_pdf.fonts_for`: the desk's `pdf_font`, else the
installed CJK TrueType font), always embedded; without one, `PaperFontError` says what to install.
Column widths come from the cells' printed widths, shrunk to the text block: long texts wrap in
their cell, numbers never do.
"""

from __future__ import annotations

import io
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from watchdesk.report import monthly as m
from watchdesk.report.monthly_charts import drawing
from watchdesk.report.pdf_page import build, page_number_foot, text_block_doc
from watchdesk.report.textfmt import break_spans
from watchdesk.report.written_pdf import (
    BODY_SIZE,
    BOTTOM,
    HEADER_SIZE,
    HEIGHT,
    LEADING,
    LEFT,
    PAGE_H,
    PAGE_NO_SIZE,
    PAGE_W,
    RED,
    TITLE_LEADING,
    TITLE_SIZE,
    TOP,
    WIDTH,
    fonts_for,
)

TABLE_SIZE = 9.0  # 小五, so that eight columns fit 156 mm
TABLE_LEADING = 12.0
PAD = 3.0
HEAD_BG = colors.HexColor("#f2f2f2")
NUMERIC = {m.COUNT, m.RATE, m.CHANGE, m.SECONDS, m.NUMBER}


class _Line(Flowable):
    """One line: text at the left, the centre and the right (the header block)."""

    def __init__(self, font: str, size: float, height: float, **parts: Any):
        super().__init__()
        self.font, self.size, self.height = font, size, height
        self.left = parts.get("left", "")
        self.centre = parts.get("centre", "")
        self.right = parts.get("right", "")
        self.color = parts.get("color", colors.black)
        self.char_space = parts.get("char_space", 0.0)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        self.width = availWidth
        return availWidth, self.height

    def draw(self) -> None:
        c = self.canv
        c.setFillColor(self.color)
        c.setFont(self.font, self.size)
        y = (self.height - self.size) / 2 + self.size * 0.12
        if self.left:
            c.drawString(0, y, self.left)
        if self.centre:
            c.drawCentredString(self.width / 2, y, self.centre, charSpace=self.char_space)
        if self.right:
            c.drawRightString(self.width, y, self.right)


class _Rule(Flowable):
    def __init__(self, thickness: float, color: Any, space: float):
        super().__init__()
        self.thickness, self.color, self.space = thickness, color, space

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        self.width = availWidth
        return availWidth, self.space + self.thickness

    def draw(self) -> None:
        self.canv.setStrokeColor(self.color)
        self.canv.setLineWidth(self.thickness)
        self.canv.line(0, self.thickness / 2, self.width, self.thickness / 2)


def _widths(table: m.Table, texts: list[list[str]], font: str) -> list[float]:
    """Each column as wide as its widest cell (a header may wrap at its own width), the text
    columns shrunk to what the numbers leave of the text block."""

    def w(s: str, size: float = TABLE_SIZE) -> float:
        return pdfmetrics.stringWidth(s, font, size) + 2 * PAD + 1

    n = len(table.columns)
    natural = []
    for i, col in enumerate(table.columns):
        cells = [row[i] for row in texts]
        head = w(col.title)
        widest = max((w(c) for c in cells), default=0)
        if col.kind in NUMERIC or col.kind == m.DATETIME:
            # a header wraps onto two lines rather than widen a column of short numbers:
            # a Chinese one anywhere, an English one between words
            if col.title.isascii():
                least = max(w(word) for word in col.title.split() or [""])
            else:
                least = max(w(col.title[: (len(col.title) + 1) // 2]), w("汉字"))
            natural.append(max(widest, min(head, least)))
        else:
            natural.append(max(widest, min(head, 60)))
    total = sum(natural)
    if total <= WIDTH:  # as wide as the text block, as offices set their tables
        return [x * WIDTH / total for x in natural]
    # the long texts give way; numbers and short texts (a grade, an outcome) keep their width
    short = w("汉字汉字汉")
    texts_i = [i for i in range(n) if table.columns[i].kind == m.TEXT and natural[i] > short]
    rest = WIDTH - sum(natural[i] for i in range(n) if i not in texts_i)
    if rest > 30 * len(texts_i) and texts_i:
        want = sum(natural[i] for i in texts_i)
        return [natural[i] * rest / want if i in texts_i else natural[i] for i in range(n)]
    scale = WIDTH / total
    return [x * scale for x in natural]


def _table(table: m.Table, font: str, empty: str) -> list[Flowable]:
    head = ParagraphStyle(
        "th",
        fontName=font,
        fontSize=TABLE_SIZE,
        leading=TABLE_LEADING,
        alignment=TA_CENTER,
        wordWrap="CJK",
    )
    if all(c.title.isascii() for c in table.columns):  # English: break between words only
        head = ParagraphStyle("th-en", parent=head, wordWrap=None)
    left = ParagraphStyle("td", parent=head, alignment=0, wordWrap="CJK")
    right = ParagraphStyle("tdr", parent=left, alignment=TA_RIGHT)
    caption = ParagraphStyle(
        "cap",
        parent=left,
        alignment=TA_CENTER,
        fontSize=10.5,
        leading=15,
        spaceBefore=6,
        spaceAfter=3,
    )
    note = ParagraphStyle("note", parent=left, textColor=colors.HexColor("#444444"), spaceBefore=2)
    out: list[Flowable] = [Paragraph(escape(table.title), caption)]
    if not table.rows:
        out.append(Paragraph(escape(empty), ParagraphStyle("empty", parent=head)))
        return [KeepTogether(out)]
    texts = [[m.cell_text(v, c.kind) for v, c in zip(row, table.columns)] for row in table.rows]
    widths = _widths(table, texts, font)
    data: list[list[Any]] = [[Paragraph(escape(c.title), head) for c in table.columns]]
    for row in texts:
        data.append(
            [
                Paragraph(escape(v), right if c.kind in NUMERIC else left)
                for v, c in zip(row, table.columns)
            ]
        )
    t = Table(data, colWidths=widths, repeatRows=1, hAlign="CENTER")
    t.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), font, TABLE_SIZE),  # else Helvetica, not embedded
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("BACKGROUND", (0, 0), (-1, 0), HEAD_BG),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (-1, -1), PAD),
                ("RIGHTPADDING", (0, 0), (-1, -1), PAD),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    if len(table.rows) <= 12:
        out.append(t)
        if table.note:
            out.append(Paragraph(escape(table.note), note))
        return [KeepTogether(out)]
    out = [CondPageBreak(60 * mm), *out, t]
    if table.note:
        out.append(Paragraph(escape(table.note), note))
    return out


def _summary(text: str, style: ParagraphStyle) -> Paragraph:
    """A paragraph broken into lines by the house's rules (`textfmt.break_spans`: no number cut,
    no punctuation at a line's start), inside the text block: reportlab's own CJK wrapping lets
    a closing mark hang out into the margin."""
    indent = style.firstLineIndent
    spans = break_spans(
        text,
        WIDTH - indent - 0.5,
        indent=-indent,
        measure=lambda x: pdfmetrics.stringWidth(x, style.fontName, style.fontSize),
    )
    return Paragraph("<br/>".join(escape(text[sp.start : sp.end]) for sp in spans), style)


def _story(doc: m.Monthly, font: str) -> list[Flowable]:
    body = ParagraphStyle(
        "body",
        fontName=font,
        fontSize=BODY_SIZE,
        leading=LEADING,
        firstLineIndent=2 * BODY_SIZE,
        alignment=TA_LEFT,
        wordWrap="CJK",
    )
    title = ParagraphStyle(
        "title",
        fontName=font,
        fontSize=TITLE_SIZE,
        leading=TITLE_LEADING,
        alignment=TA_CENTER,
        wordWrap="CJK",
    )
    heading = ParagraphStyle(
        "h1", parent=body, firstLineIndent=2 * BODY_SIZE, alignment=0, spaceBefore=4, keepWithNext=1
    )
    story: list[Flowable] = []
    # the header block: the heading in red, fitted to the width and spread when short
    spread = 0.4 if len(doc.heading) <= 6 else 0.0
    natural = pdfmetrics.stringWidth(doc.heading, font, 1) + spread * (len(doc.heading) - 1)
    size = min(HEADER_SIZE, WIDTH * 0.96 / max(natural, 1))
    story.append(
        _Line(
            font, size, HEADER_SIZE * 1.5, centre=doc.heading, color=RED, char_space=spread * size
        )
    )
    story.append(Spacer(1, 4 * mm))
    if doc.serial:
        story.append(_Line(font, BODY_SIZE, LEADING, centre=doc.serial))
    story.append(_Line(font, BODY_SIZE, LEADING, left=doc.issuer, right=doc.date_text))
    story.append(_Rule(0.5 * mm, RED, 2 * mm))
    story.append(Spacer(1, LEADING - TITLE_LEADING / 2))
    story.append(Paragraph(escape(doc.title), title))
    story.append(Spacer(1, LEADING / 2))
    for section in doc.sections:
        story.append(CondPageBreak(50 * mm))
        story.append(Paragraph(escape(section.title), heading))
        if section is doc.sections[0]:
            story += [_summary(p, body) for p in doc.summary]
        for table in section.tables:
            story += _table(table, font, doc.empty)
            d = drawing(table, font, WIDTH)
            if d is not None:
                story.append(Spacer(1, 2 * mm))
                story.append(d)
    return story


def render_pdf(doc: m.Monthly, *, font_path: str | None = None) -> bytes:
    """The report as A4 PDF bytes (the same report gives the same bytes). Raises
    `PaperFontError` when no embeddable CJK TrueType font is there."""
    from watchdesk.i18n import t, using

    font = fonts_for(font_path)["body"]
    with using(doc.lang):
        page_label = t("monthly.page", n="{n}")
        story = _story(doc, font)  # durations worded in the report's language
    buf = io.BytesIO()
    pdf = text_block_doc(
        buf,
        left=LEFT,
        top=TOP,
        width=WIDTH,
        height=HEIGHT,
        pagesize=(PAGE_W, PAGE_H),
        title=doc.title,
        author=doc.desk_name,
        subject=doc.heading,
        creator="watchdesk",
        producer="watchdesk",
        initialFontName=font,
    )
    y = BOTTOM - 7 * mm - PAGE_NO_SIZE * 0.85  # the written report's — 1 —
    foot = page_number_foot(
        font, PAGE_NO_SIZE, page_label, y=y, left=LEFT, width=WIDTH, inset=PAGE_NO_SIZE, outer=True
    )
    build(pdf, story, foot)
    return buf.getvalue()
