"""The page every PDF of watchdesk is set on (reportlab): one text block (a frame) on the page,
a foot drawn on every page that knows the page count (第 N 页 共 M 页), and an optional light
diagonal mark across each page (草稿 on a draft).

`text_block_doc` makes the document (invariant: the same story gives the same bytes) and
`build` lays the story out and draws `foot(canvas, page, pages)` on each page once the count
is known: a canvas that keeps its pages until the end (reportlab's "page N of M" recipe), so
one pass is enough.

The handover sheet (`report.pdf`), the written report (`written_pdf`) and the monthly duty report
(`monthly_pdf`) share this page; each says only where its text block is and what its foot shows.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate

Foot = Callable[[Any, int, int], None]  # (canvas, page number, page count)


def text_block_doc(
    buf: io.BytesIO,
    *,
    left: float,
    top: float,
    width: float,
    height: float,
    pagesize: tuple[float, float] = A4,
    on_page: Callable[[Any, Any], None] | None = None,
    **meta: Any,
) -> BaseDocTemplate:
    """A document on `pagesize` with one frame, the text block, `left` from the left edge and
    `top` from the top, no padding. `on_page(canvas, doc)` draws under each page's text (a
    watermark); `meta`: title, author, subject, creator, initialFontName, …"""
    page_w, page_h = pagesize
    bottom = page_h - top - height
    doc = BaseDocTemplate(
        buf,
        pagesize=pagesize,
        leftMargin=left,
        rightMargin=page_w - left - width,
        topMargin=top,
        bottomMargin=bottom,
        invariant=1,
        **meta,
    )
    frame = Frame(
        left,
        bottom,
        width,
        height,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        id="text",
    )
    kw: dict[str, Any] = {"onPage": on_page} if on_page else {}
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame], **kw)])
    return doc


def _counting_canvas(foot: Foot) -> type[Canvas]:
    class Counting(Canvas):
        """Keeps each page until `save`, then draws the foot on each with the page count."""

        def __init__(self, *args: Any, **kw: Any) -> None:
            super().__init__(*args, **kw)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:  # noqa: N802 (reportlab's name)
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                foot(self, self._pageNumber, total)
                Canvas.showPage(self)
            Canvas.save(self)

    return Counting


def build(doc: BaseDocTemplate, story: Sequence[Flowable], foot: Foot) -> None:
    """Lay `story` out in `doc` and draw `foot` on every page, knowing how many there are."""
    doc.build(list(story), canvasmaker=_counting_canvas(foot))


def page_number_foot(
    font: str,
    size: float,
    label: str,
    *,
    y: float,
    left: float,
    width: float,
    inset: float = 0,
    outer: bool = False,
    color: Any = colors.black,
) -> Foot:
    """A foot that is the page number alone: `label` with {n} (and {total}) filled in, centred
    on the text block, or (`outer`) at its right on odd pages and its left on even ones, `inset`
    in from the edge (GB/T 9704's — 1 —)."""

    def draw(canvas: Any, n: int, total: int) -> None:
        text = label.replace("{n}", str(n)).replace("{total}", str(total))
        canvas.saveState()
        canvas.setFont(font, size)
        canvas.setFillColor(color)
        if not outer:
            canvas.drawCentredString(left + width / 2, y, text)
        elif n % 2:
            canvas.drawRightString(left + width - inset, y, text)
        else:
            canvas.drawString(left + inset, y, text)
        canvas.restoreState()

    return draw


def diagonal_mark(
    text: str, font: str, *, pagesize: tuple[float, float] = A4, size: float = 110
) -> Callable[[Any, Any], None]:
    """An `on_page` that writes `text` (草稿) large, light grey and diagonal across the page,
    under the page's text, so that it cannot be cut off or covered."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    page_w, page_h = pagesize
    fit = 0.8 * (page_w**2 + page_h**2) ** 0.5 / max(stringWidth(text, font, 1), 1)
    size = min(size, fit)

    def draw(canvas: Any, _doc: Any) -> None:
        canvas.saveState()
        canvas.setFillColor(colors.Color(0.55, 0.55, 0.55), alpha=0.22)
        canvas.setFont(font, size)
        canvas.translate(page_w / 2, page_h / 2)
        canvas.rotate(54.7)  # along the A4 page's diagonal
        canvas.drawCentredString(0, -size * 0.35, text)
        canvas.restoreState()

    return draw
