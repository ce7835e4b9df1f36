"""The wall chart (值班挂图) on A4 landscape: the month's date × role grid that
`watchdesk.files.wallchart` builds, as a table with its header on every page, rest days shaded,
the Chinese in the CJK font of the handover sheet (`watchdesk.report.pdf.cjk_font`, embedded when
one is installed). Plain lists in, bytes out; no textual here.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from watchdesk.i18n import t
from watchdesk.report.pdf import cjk_font


def render_chart_pdf(
    title: str,
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    rest: set[int] | frozenset[int] = frozenset(),
    footer: str = "",
    font_path: str | None = None,
) -> bytes:
    """A4 landscape: the title, then the grid (its header repeated on every page)."""
    font, _ = cjk_font(font_path)
    page = landscape(A4)
    margin = 12 * mm
    cell = ParagraphStyle("cell", fontName=font, fontSize=9, leading=11, wordWrap="CJK")
    head = ParagraphStyle("head", parent=cell, fontSize=10, leading=12)
    big = ParagraphStyle("title", fontName=font, fontSize=16, leading=20, alignment=1)

    def para(text: str, style: ParagraphStyle) -> Paragraph:
        return Paragraph(escape(text).replace("\n", "<br/>"), style)

    data = [[para(h, head) for h in header]]
    data += [[para(c, cell) for c in r] for r in rows]
    width = page[0] - 2 * margin
    # date and weekday narrow; the names share the rest, the note a wider share
    fixed = [22 * mm, 18 * mm]
    n_rest = len(header) - len(fixed)
    weights = [1.0] * (n_rest - 1) + [1.6]
    unit = (width - sum(fixed)) / sum(weights)
    widths = fixed + [w * unit for w in weights]
    table = Table(data, colWidths=widths, repeatRows=1)
    style = [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#DDDDDD")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    for i in rest:
        style.append(("BACKGROUND", (0, i + 1), (-1, i + 1), colors.HexColor("#EEEEEE")))
    table.setStyle(TableStyle(style))

    def foot(canvas, doc) -> None:  # noqa: ANN001 (reportlab's callback)
        canvas.saveState()
        canvas.setFont(font, 8)
        canvas.drawString(margin, 7 * mm, footer)
        canvas.drawRightString(page[0] - margin, 7 * mm, t("files.chart.page", page=doc.page))
        canvas.restoreState()

    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=page,
        leftMargin=margin,
        rightMargin=margin,
        topMargin=10 * mm,
        bottomMargin=12 * mm,
        title=title,
        author="watchdesk",
    )
    doc.build([para(title, big), Spacer(1, 4 * mm), table], onFirstPage=foot, onLaterPages=foot)
    return buf.getvalue()
