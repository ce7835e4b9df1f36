"""The handover sheet on A4 with the Chinese rendered (reportlab).

The font comes from a maintained package: a TrueType CJK font found on the system (Debian's
fonts-wqy-zenhei, fonts-wqy-microhei or fonts-arphic-uming; or `pdf_font` in the config), embedded
as a subset so the PDF shows the same everywhere. Without one, reportlab's built-in Adobe CID font
STSong-Light is used (not embedded: the viewer must supply it) and `cjk_font`'s warning says so.

`cjk_font` and `register_ttf` are the one place fonts are found and registered, for the handover
sheet and for the written report (`written_pdf`, which refuses to print without a TrueType font
instead of falling back). Each font file is registered under its own name, so the handover's font
and a report's fonts per role live side by side in one process.
"""

from __future__ import annotations

import hashlib
import io
from datetime import tzinfo
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from watchdesk.i18n import t, using
from watchdesk.models.audit import SHORT_HASH
from watchdesk.models.handover import HandoverSheet
from watchdesk.report.handover import Struck, header_lines, signature_lines
from watchdesk.report.handover_tables import Grid, blocks
from watchdesk.report.pdf_page import build, diagonal_mark, text_block_doc
from watchdesk.report.textfmt import break_spans

CANDIDATES = [
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/truetype/arphic/uming.ttc", 0),
    ("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf", 0),
]


FALLBACK = "STSong-Light"  # reportlab's Adobe CID font: not embedded, the viewer supplies it


@cache
def register_ttf(path: str, index: int = 0) -> str:
    """The registered name of the TrueType font `path` (face `index` of a .ttc), registered once
    under a name of its own. Raises what reportlab raises for a font it cannot embed (CFF
    outlines, a damaged or missing file)."""
    name = "WatchdeskCJK-" + hashlib.sha1(f"{path}#{index}".encode()).hexdigest()[:10]
    pdfmetrics.registerFont(TTFont(name, path, subfontIndex=index))
    return name


@cache
def _find(path: str | None, candidates: tuple[tuple[str, int], ...] | None) -> str | None:
    tries = [(path, 0)] if path else []
    tries += CANDIDATES if candidates is None else candidates
    for p, index in tries:
        if p and Path(p).is_file():
            try:
                return register_ttf(p, index)
            except Exception:  # a font reportlab cannot embed (e.g. CFF outlines)
                continue
    pdfmetrics.registerFont(UnicodeCIDFont(FALLBACK))
    return None


def cjk_font(
    path: str | None = None, *, candidates: tuple[tuple[str, int], ...] | None = None
) -> tuple[str, str | None]:
    """(registered font name, warning or None): the font at `path` (the config's `pdf_font`) if
    it can be embedded, else the first of `candidates` (default `CANDIDATES`) installed, else
    STSong-Light with a warning, in the UI language, saying what to install."""
    name = _find(path, candidates)
    if name is not None:
        return name, None
    return FALLBACK, t("paper.font.fallback", font=FALLBACK)


def font_file(name: str) -> str:
    """What a font `cjk_font` returned is, as a record of a rendering names it: the TrueType
    file it was registered from, else the name itself (STSong-Light, not embedded)."""
    face = getattr(pdfmetrics.getFont(name), "face", None)
    return str(getattr(face, "filename", "") or name)


# A character the font has no glyph for would print as an empty box, so that a working and a
# broken piece of equipment look alike: the marks print as what they mean, anything else as its
# code point, saying that it is missing.
STAND_INS = {
    "✓": "pdf.glyph.ok",
    "✔": "pdf.glyph.ok",
    "✗": "pdf.glyph.fault",
    "✘": "pdf.glyph.fault",
}


def missing_glyphs(text: str, font: str) -> set[str]:
    """The characters of `text` the registered font `font` has no glyph for (white space aside).
    Empty for a CID font such as STSong-Light: the viewer supplies its glyphs."""
    cmap = getattr(getattr(pdfmetrics.getFont(font), "face", None), "charToGlyph", None)
    if not cmap:
        return set()
    return {c for c in set(text) if not c.isspace() and ord(c) not in cmap}


def covered(text: str, font: str) -> str:
    """`text` with every character `font` lacks replaced (see STAND_INS), in the UI language."""
    missing = missing_glyphs(text, font)
    if not missing:
        return text

    def stand_in(c: str) -> str:
        key = STAND_INS.get(c)
        return t(key) if key else t("pdf.glyph.missing", code=f"U+{ord(c):04X}")

    return "".join(stand_in(c) if c in missing else c for c in text)


def _covered_line(line: str, font: str) -> str:
    """A line of the sheet in what `font` can print (a struck line stays struck)."""
    if isinstance(line, Struck):
        indent = line[: len(line) - len(line.lstrip(" "))]
        return Struck(covered(line.record, font), covered(line.note, font), indent)
    return covered(line, font)


def _plain(line: str) -> tuple[str, int]:
    """A line's text, and how many of its first characters are struck through (更正)."""
    if isinstance(line, Struck):
        record = line.record.strip()
        return f"{record} {line.tag} {line.note}", len(record)
    return line.strip(), 0


def _markup(line: str, start: int = 0, end: int | None = None) -> str:
    """The line's text[start:end] as reportlab markup; a struck record in <strike>."""
    text, struck = _plain(line)
    end = len(text) if end is None else end
    cut = min(max(struck, start), end)
    done, rest = escape(text[start:cut].strip()), escape(text[cut:end].rstrip())
    return ((f"<strike>{done}</strike>" if done else "") + rest).replace("\n", "<br/>")


class _Lines(Paragraph):
    """A line of the sheet as a paragraph broken into lines by the sheet's own rules
    (`break_spans`: whole words and numbers, no bracket or punctuation on the wrong side of a
    break), measured in its font at the width the page gives it, then set line by line.
    reportlab's own CJK wrapping cuts `G107` and leaves 【 at a line end."""

    def __init__(self, line: str | None, style: ParagraphStyle, **kw) -> None:
        # line is None for the halves reportlab makes when it splits one across pages
        super().__init__(None if line is None else _markup(line), style, **kw)
        self._line, self._width = line, -1.0
        self.texts: list[str] = []

    def wrap(self, availWidth, availHeight):  # noqa: N803 (reportlab's names)
        if self._line is not None and self._width != availWidth:
            st = self.style
            spans = break_spans(  # the first line may hang out by -firstLineIndent
                _plain(self._line)[0],
                availWidth - st.leftIndent - st.firstLineIndent - st.rightIndent - 0.5,
                indent=-st.firstLineIndent,
                measure=lambda s: pdfmetrics.stringWidth(s, st.fontName, st.fontSize),
            )
            plain = _plain(self._line)[0]
            self.texts = [plain[sp.start : sp.end].strip() for sp in spans]  # as set, line by line
            lines = [_markup(self._line, sp.start, sp.end) for sp in spans]
            Paragraph.__init__(self, "<br/>".join(lines), st, self.bulletText)
            self._width = availWidth
        return super().wrap(availWidth, availHeight)


# -- the sheet on paper ---------------------------------------------------------------------------
MARGIN_X, MARGIN_TOP, MARGIN_BOTTOM = 20 * mm, 15 * mm, 22 * mm  # the foot lives in the bottom
TEXT_W = A4[0] - 2 * MARGIN_X
TEXT_H = A4[1] - MARGIN_TOP - MARGIN_BOTTOM
FOOT_SIZE = 8.5
GREY = colors.HexColor("#444444")


class _KeepHeading(CondPageBreak):
    """A heading never ends a page: a new page starts before it unless the heading and the
    start of what follows it (the table's header and first row, or a paragraph's first lines)
    fit in what is left of this one."""

    def __init__(self, heading: Flowable, following: Flowable) -> None:
        super().__init__(0)
        self.heading, self.following = heading, following

    def wrap(self, availWidth, availHeight):  # noqa: N803 (reportlab's names)
        _, h = self.heading.wrap(availWidth, availHeight)
        h += self.heading.getSpaceBefore() + self.heading.getSpaceAfter()
        _, fh = self.following.wrap(availWidth, 10_000)
        if isinstance(self.following, Table):
            fh = sum(self.following._rowHeights[:2])  # the header row and the first record
        else:
            fh = min(fh, 3 * getattr(getattr(self.following, "style", None), "leading", 15))
        self.height = h + fh + 2
        return super().wrap(availWidth, availHeight)


class _TableTail(Flowable):
    """A table's last rows, kept with the signatures after them: set under the rest of their
    table as they are, or, when they start a page, under the table's header row again."""

    def __init__(self, with_header: Table, bare: Table) -> None:
        super().__init__()
        self.with_header, self.bare = with_header, bare
        self._shown = bare

    def _pick(self) -> Table:
        frame = getattr(self, "_frame", None)
        return self.with_header if getattr(frame, "_atTop", 0) else self.bare

    def wrap(self, availWidth, availHeight):  # noqa: N803 (reportlab's names)
        self._shown = self._pick()
        self.width, self.height = self._shown.wrapOn(self.canv, availWidth, availHeight)
        return self.width, self.height

    def split(self, availWidth, availHeight):  # noqa: N803 (reportlab's names)
        return self._pick().splitOn(self.canv, availWidth, availHeight)

    def drawOn(self, canvas, x, y, _sW=0):  # noqa: N802, N803 (reportlab's names)
        self._shown.drawOn(canvas, x, y, _sW)


TAIL = 2  # the records (a table's rows, or lines) that go over to the signatures' page with them


def _widths(grid: Grid, head: ParagraphStyle, cell: ParagraphStyle, width: float) -> list[float]:
    """Each column's width: a column of weight 0 as wide as its widest line (times, grades,
    names: never wrapped, up to a third of the table), the rest of the width shared among the
    others by their weights."""
    pad = 6 + 5  # the cell's left and right padding, and some air

    def w(text: str, style: ParagraphStyle) -> float:  # as printed: with its stand-ins
        shown = _plain(_covered_line(text, style.fontName))[0]
        return pdfmetrics.stringWidth(shown, style.fontName, style.fontSize) + pad

    natural = []
    for i, (title, weight) in enumerate(zip(grid.columns, grid.widths, strict=True)):
        if weight:
            natural.append(0.0)
            continue
        lines = [x for row in grid.rows if len(row) > 1 for x in row[i]]
        widest = max([w(title, head), *(w(x, cell) for x in lines)])
        natural.append(min(max(widest, 12 * mm), width / 3))
    flexible = sum(grid.widths)
    rest = width - sum(natural)
    if not flexible or rest < 20 * mm * sum(1 for x in grid.widths if x):
        scale = width / (sum(natural) + (20 * mm if flexible else 0) * len(grid.widths))
        natural = [x * scale for x in natural]
        rest = width - sum(natural)
    return [
        x if not weight else rest * weight / flexible
        for x, weight in zip(natural, grid.widths, strict=True)
    ]


def _table(
    grid: Grid,
    para,
    head: ParagraphStyle,
    cell: ParagraphStyle,
    width: float,
    *,
    widths: list[float] | None = None,
    header: bool = True,
) -> Table:
    """A section's records as a table: the header row repeated on every page it runs onto, each
    cell's lines broken by the sheet's rules at the cell's width. `widths`: the columns' widths
    (default: measured from `grid`); `header=False`: the rows alone (a table's last rows, set
    under the rest of it)."""
    n = len(grid.columns)
    widths = widths or _widths(grid, head, cell, width)
    data: list[list] = [[para(c, head) for c in grid.columns]] if header else []
    style: list[tuple] = []
    for r, row in enumerate(grid.rows, len(data)):
        cells = [[para(x, cell) for x in c if x.strip()] or "" for c in row]
        if len(row) == 1 and n > 1:
            cells += [""] * (n - 1)
            style.append(("SPAN", (0, r), (-1, r)))
        data.append(cells)
    if header:
        style.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")))
    table = Table(data, colWidths=widths, repeatRows=1 if header else 0, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#777777")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 3),
                ("RIGHTPADDING", (0, 0), (-1, -1), 3),
                ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
                *style,
            ]
        )
    )
    return table


def render_pdf(
    sheet: HandoverSheet,
    *,
    tz: tzinfo,
    lang: str | None = None,
    font_path: str | None = None,
    draft: bool = False,
    sha256: str | None = None,
) -> bytes:
    """The sheet on A4: the sections' records in tables (their header rows repeated across
    pages), no heading left at a page's foot, and on every page a foot with the desk, the shift
    and 第 N 页 共 M 页. `draft`: not signed yet, marked 草稿 across every page and in the foot;
    `sha256`: the frozen content's hash (sheet_sha256), shown in short form in a frozen sheet's
    foot. The audit chain's head, when the sheet carries one (`sheet.chain_head`), is printed
    with the signatures (`signature_lines`)."""
    font, _warning = cjk_font(font_path)
    base = ParagraphStyle("base", fontName=font, fontSize=10.5, leading=15, wordWrap="CJK")
    title = ParagraphStyle("title", parent=base, fontSize=18, leading=24, alignment=1, spaceAfter=4)
    sub = ParagraphStyle("sub", parent=base, alignment=1, textColor=colors.HexColor("#333333"))
    h2 = ParagraphStyle(
        "h2",
        parent=base,
        fontSize=12.5,
        leading=17,
        spaceBefore=5,
        spaceAfter=2,
        textColor=colors.HexColor("#8b0000"),
    )
    item = ParagraphStyle("item", parent=base, leftIndent=4 * mm, leading=14)
    head = ParagraphStyle("th", parent=base, fontSize=9, leading=12, alignment=1)
    cell = ParagraphStyle("td", parent=base, fontSize=9, leading=12.5)
    sig = ParagraphStyle("sig", parent=base, fontSize=11.5, leading=20, spaceBefore=3)
    story: list[Flowable] = []
    with using(lang):

        def para(line: str, style: ParagraphStyle) -> _Lines:
            return _Lines(_covered_line(line, font), style)

        top = header_lines(sheet, tz)
        story.append(para(top[0], title))
        for h in top[1:]:
            story.append(para(h, sub))
        story.append(Spacer(1, 2 * mm))
        sections = blocks(sheet, tz)
        signatures = [Spacer(1, 4 * mm), *(para(s, sig) for s in signature_lines(sheet, tz))]
        for n, (name, block) in enumerate(sections, 1):
            heading = para(f"{t('ho.num.' + str(n))}{t('ho.sep')}{name}", h2)
            body: list[Flowable]
            kept: list[Flowable] = []  # the last section's end, on the signatures' page
            last = n == len(sections)
            if isinstance(block, Grid):
                widths = _widths(block, head, cell, TEXT_W)
                after = [para(x, item) for x in block.after]

                def table(rows: list, header: bool = True, grid: Grid = block, w=widths) -> Table:
                    return _table(
                        grid._replace(rows=rows),
                        para,
                        head,
                        cell,
                        TEXT_W,
                        widths=w,
                        header=header,
                    )

                if not last:
                    body = [table(block.rows), *after]
                elif len(block.rows) <= TAIL:  # a short table goes over whole, with its heading
                    body, kept = [], [table(block.rows), *after]
                else:  # its last rows go over, under its header again if they start a page
                    end = block.rows[-TAIL:]
                    body = [table(block.rows[:-TAIL])]
                    kept = [_TableTail(table(end), table(end, header=False)), *after]
            else:
                body = [para(x, item) for x in block]
                if last:
                    cut = 0 if len(body) <= TAIL + 1 else len(body) - TAIL
                    body, kept = body[:cut], body[cut:]
            if body:
                story += [_KeepHeading(heading, body[0]), heading, *body]
                if last:
                    story.append(KeepTogether([*kept, *signatures]))
            else:  # the whole section goes with the signatures, never they alone on a page
                story.append(KeepTogether([heading, *kept, *signatures]))

        desk_shift = t("hop.foot_sep").join(x for x in (sheet.desk_name, top[-2]) if x)
        page_label = t("hop.page", n="{n}", total="{total}")
        if draft:
            second = t("hop.draft_foot")
        elif sha256:
            second = t("hop.sha", short=sha256[:SHORT_HASH])
        else:
            second = ""
        desk_shift, second = covered(desk_shift, font), covered(second, font)

        def foot(canvas, n: int, total: int) -> None:
            y = MARGIN_BOTTOM - 7 * mm
            canvas.saveState()
            canvas.setStrokeColor(colors.HexColor("#999999"))
            canvas.setLineWidth(0.4)
            canvas.line(MARGIN_X, y + FOOT_SIZE + 2, MARGIN_X + TEXT_W, y + FOOT_SIZE + 2)
            canvas.setFont(font, FOOT_SIZE)
            canvas.setFillColor(GREY)
            canvas.drawString(MARGIN_X, y, desk_shift)
            label = page_label.replace("{n}", str(n)).replace("{total}", str(total))
            canvas.drawRightString(MARGIN_X + TEXT_W, y, label)
            if second:
                canvas.drawString(MARGIN_X, y - FOOT_SIZE - 3, second)
            canvas.restoreState()

        buf = io.BytesIO()
        doc = text_block_doc(
            buf,
            left=MARGIN_X,
            top=MARGIN_TOP,
            width=TEXT_W,
            height=TEXT_H,
            on_page=diagonal_mark(covered(t("hop.draft"), font), font) if draft else None,
            title=top[0],
            author="watchdesk",
            initialFontName=font,
        )
        build(doc, story, foot)
    return buf.getvalue()
