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
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from watchdesk.i18n import t, using
from watchdesk.models.handover import HandoverSheet
from watchdesk.report.handover import Struck, header_lines, sections, signature_lines
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

    def wrap(self, availWidth, availHeight):  # noqa: N803 (reportlab's names)
        if self._line is not None and self._width != availWidth:
            st = self.style
            spans = break_spans(  # the first line may hang out by -firstLineIndent
                _plain(self._line)[0],
                availWidth - st.leftIndent - st.firstLineIndent - st.rightIndent - 0.5,
                indent=-st.firstLineIndent,
                measure=lambda s: pdfmetrics.stringWidth(s, st.fontName, st.fontSize),
            )
            lines = [_markup(self._line, sp.start, sp.end) for sp in spans]
            Paragraph.__init__(self, "<br/>".join(lines), st, self.bulletText)
            self._width = availWidth
        return super().wrap(availWidth, availHeight)


def render_pdf(
    sheet: HandoverSheet,
    *,
    tz: tzinfo,
    lang: str | None = None,
    font_path: str | None = None,
    draft: bool = False,
    sha256: str | None = None,
) -> bytes:
    """The sheet on A4. `draft`: not signed yet (marked 草稿 across every page); `sha256`: the
    frozen content's hash (sheet_sha256), shown in short form on a frozen sheet's pages. The
    audit chain's head, when the sheet carries one (`sheet.chain_head`), is printed too."""
    font, _warning = cjk_font(font_path)
    base = ParagraphStyle("base", fontName=font, fontSize=10.5, leading=15, wordWrap="CJK")
    title = ParagraphStyle("title", parent=base, fontSize=18, leading=24, alignment=1, spaceAfter=4)
    sub = ParagraphStyle("sub", parent=base, alignment=1, textColor=colors.HexColor("#333333"))
    h2 = ParagraphStyle(
        "h2",
        parent=base,
        fontSize=12.5,
        leading=18,
        spaceBefore=8,
        spaceAfter=2,
        textColor=colors.HexColor("#8b0000"),
    )
    item = ParagraphStyle("item", parent=base, leftIndent=10 * mm, firstLineIndent=-4 * mm)
    sub_item = ParagraphStyle(
        "subitem",
        parent=base,
        leftIndent=16 * mm,
        firstLineIndent=-4 * mm,
        fontSize=9.5,
        leading=13,
        textColor=colors.HexColor("#333333"),
    )
    sig = ParagraphStyle("sig", parent=base, fontSize=11.5, leading=22, spaceBefore=4)
    story = []
    with using(lang):

        def para(line: str, style: ParagraphStyle) -> _Lines:
            return _Lines(_covered_line(line, font), style)

        head = header_lines(sheet, tz)
        story.append(para(head[0], title))
        for h in head[1:]:
            story.append(para(h, sub))
        story.append(Spacer(1, 4 * mm))
        for n, (name, lines) in enumerate(sections(sheet, tz), 1):
            story.append(para(f"{t('ho.num.' + str(n))}{t('ho.sep')}{name}", h2))
            for line in lines:
                style = sub_item if line.startswith("    ") else item
                story.append(para(line, style))
        story.append(Spacer(1, 8 * mm))
        for s in signature_lines(sheet, tz):
            story.append(para(s, sig))
        buf = io.BytesIO()
        doc = SimpleDocTemplate(
            buf,
            pagesize=A4,
            leftMargin=20 * mm,
            rightMargin=20 * mm,
            topMargin=18 * mm,
            bottomMargin=18 * mm,
            title=head[0],
            author="watchdesk",
            invariant=1,
        )
        page_label = t("ho.page")

        def footer(canvas, doc_) -> None:
            canvas.saveState()
            canvas.setFont(font, 8.5)
            canvas.drawCentredString(A4[0] / 2, 10 * mm, page_label.format(n=doc_.page))
            canvas.restoreState()

        doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return buf.getvalue()
