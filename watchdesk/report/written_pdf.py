"""The report on A4 as a PDF (reportlab), in the layout of GB/T 9704-2012 《党政机关公文格式》 and
the 简报 form offices use for 值班信息 (/work/shared/domain/written-report.md §2):

- the text block (版心) 156 mm × 225 mm, 37 mm from the top and 28 mm from the left edge;
- the header block (版头): the desk's title in large red type, the 期号 (【草稿】 on an unsigned
  draft) with the 签发人 at the right, the issuing unit (…编) at the left and the date at the
  right, closed by a red rule;
- the title in 2号 (22 pt), centred, on the third line under the rule; a blank line; the body
  in 3号 (16 pt nominal, set at 156 mm / 28 so that a line holds 28 characters) with 22 lines to
  the page and the first line of each paragraph indented two characters; the 附注 in parentheses;
- the foot (版记) at the bottom of the last page: 报/送/抄送 and the 印发 line in 4号 (14 pt)
  between two thick rules, a thin one above the 印发 line;
- page numbers "— 1 —" in 4号, 7 mm under the text block, right on odd pages, left on even.

Fonts are embedded, always: a TrueType CJK font per role (header, title, body), from the desk's
own files or else the first one installed, found and registered by the handover sheet's helper
(`watchdesk.report.pdf.cjk_font`, `register_ttf`: one name per font file, so the fonts of both live
side by side). With none, `PaperFontError` says what to install instead of printing boxes (the
handover falls back to a font the viewer supplies; a report that is signed and filed does not).
The same paper gives the same bytes (reportlab's invariant mode: no creation date, a fixed document
id), so a frozen report reprints byte for byte.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Flowable, Paragraph, Spacer

from watchdesk.errors import StoreError
from watchdesk.i18n import t
from watchdesk.i18n.labels import cn_number
from watchdesk.models.report import Paper
from watchdesk.report.pdf import CANDIDATES, cjk_font, register_ttf
from watchdesk.report.pdf_page import build, page_number_foot, text_block_doc
from watchdesk.report.written_paper import foot_line
from watchdesk.rules.report_elements import KIND_ZH

# -- the page (GB/T 9704-2012 §5.2) ------------------------------------------------------------
PAGE_W, PAGE_H = A4
LEFT = 28 * mm
TOP = 37 * mm
WIDTH = 156 * mm
HEIGHT = 225 * mm
BOTTOM = PAGE_H - TOP - HEIGHT  # 35 mm
LINES, CHARS = 22, 28

RED = colors.Color(0.9, 0, 0)
HEADER_SIZE = 42.0  # 初号
BODY_SIZE = min(16.0, int(WIDTH / CHARS * 100) / 100)  # 3号 on the 28-character grid
LEADING = int(HEIGHT / LINES * 100) / 100  # 28.98: 22 lines fill the text block
TITLE_SIZE = 22.0  # 2号
TITLE_LEADING = 33.0
FOOT_SIZE = 14.0  # 4号
FOOT_LEADING = 24.0
PAGE_NO_SIZE = 14.0
THICK, THIN = 0.35 * mm, 0.25 * mm

ROLES = ("header", "title", "body")


class PaperFontError(StoreError):
    """No embeddable CJK TrueType font: the report would print as boxes. The message says what to
    install or configure; nothing was rendered."""

    def __init__(self, message: str, path: str | None = None):
        super().__init__(message)
        self.path = path


# -- fonts ---------------------------------------------------------------------------------------
def _load(path: str) -> str:
    """A font the desk chose: registered, or a `PaperFontError` naming the file and the problem."""
    if not Path(path).is_file():
        raise PaperFontError(t("paper.font.not_found", path=path), path)
    try:
        name = register_ttf(path, 0)
    except Exception as e:  # CFF outlines (.otf), a damaged file: reportlab cannot embed it
        raise PaperFontError(t("paper.font.unusable", path=path, problem=e), path) from None
    face: Any = pdfmetrics.getFont(name).face
    if not all(ord(ch) in face.charToGlyph for ch in "值班信息"):
        raise PaperFontError(t("paper.font.not_cjk", path=path), path)
    return name


@cache
def installed_font() -> str | None:
    """The registered name of the first installed CJK TrueType font (`CANDIDATES`), None when
    there is none (where the handover would fall back to a font it cannot embed)."""
    name, fallback = cjk_font(candidates=tuple(CANDIDATES))
    return None if fallback else name


def font_problem() -> str | None:
    """None when a CJK TrueType font is installed, else the message to show (start-up, `check`,
    before printing)."""
    return None if installed_font() else t("paper.font.none")


def fonts_for(
    font_path: str | None = None, fonts: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The registered font of each role: `fonts[role]`, else `font_path` (the config's
    `pdf_font`), else the installed one. Raises `PaperFontError`."""
    fonts = fonts or {}
    unknown = sorted(set(fonts) - set(ROLES))
    if unknown:
        raise PaperFontError(t("paper.font.role", role=", ".join(unknown), roles=", ".join(ROLES)))
    out: dict[str, str] = {}
    for role in ROLES:
        chosen = fonts.get(role) or font_path
        if chosen:
            out[role] = _load(chosen)
        else:
            found = installed_font()
            if found is None:
                raise PaperFontError(t("paper.font.none"))
            out[role] = found
    return out


def missing_glyphs(
    paper: Paper, font_path: str | None = None, fonts: Mapping[str, str] | None = None
) -> str:
    """The characters of the paper its fonts cannot draw (each once, in order of appearance):
    they would print as empty boxes. "" when every one is there."""
    chosen = fonts_for(font_path, fonts)

    def has(role: str, ch: str) -> bool:
        face: Any = pdfmetrics.getFont(chosen[role]).face
        return ord(ch) in face.charToGlyph

    texts = {
        "header": [paper.heading],
        "title": [paper.title],
        "body": [
            paper.serial_text,
            paper.signer or "",
            paper.desk_name,
            paper.date_text,
            *paper.paragraphs,
            paper.note,
            *(foot_line(label, names) for label, names in paper.distribution),
            "签发人：编印发（）— 0123456789",
        ],
    }
    out: list[str] = []
    for role, items in texts.items():
        for text in items:
            for ch in text:
                if not ch.isspace() and ch not in out and not has(role, ch):
                    out.append(ch)
    return "".join(out)


# -- flowables -----------------------------------------------------------------------------------
class _Line(Flowable):
    """One line of text with a left, a centre and a right part (the header's lines)."""

    def __init__(
        self,
        font: str,
        size: float,
        *,
        left: str = "",
        centre: str = "",
        right: str = "",
        inset: float = 0,
        color: Any = colors.black,
        char_space: float = 0,
        height: float | None = None,
    ):
        super().__init__()
        self.font, self.size, self.color, self.char_space = font, size, color, char_space
        self.left, self.centre, self.right, self.inset = left, centre, right, inset
        self.height = height or size * 1.25

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width = availWidth
        return availWidth, self.height

    def draw(self) -> None:
        c = self.canv
        c.setFillColor(self.color)
        c.setFont(self.font, self.size)
        y = (self.height - self.size) / 2 + self.size * 0.12  # the glyphs centred in the line
        cs = self.char_space
        if self.left:
            c.drawString(self.inset, y, self.left, charSpace=cs)
        if self.centre:
            c.drawCentredString(self.width / 2, y, self.centre, charSpace=cs)
        if self.right:
            c.drawRightString(self.width - self.inset, y, self.right, charSpace=cs)


class _Rule(Flowable):
    """A rule as wide as the text block, `space` below the line before it."""

    def __init__(self, thickness: float, color: Any, space: float):
        super().__init__()
        self.thickness, self.color, self.space = thickness, color, space

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width = availWidth
        return availWidth, self.space + self.thickness

    def draw(self) -> None:
        c = self.canv
        c.setStrokeColor(self.color)
        c.setLineWidth(self.thickness)
        y = self.thickness / 2
        c.line(0, y, self.width, y)


class _Foot(Flowable):
    """The foot (版记): takes the rest of the last page and draws itself at its bottom, its last
    rule on the text block's lower edge; moves to a new page when the rest is too short."""

    def __init__(self, lines: list[Paragraph], issued: _Line, gap: float):
        super().__init__()
        self.lines, self.issued, self.gap = lines, issued, gap

    def _parts(self, width: float) -> list[tuple[str, Any, float]]:
        parts: list[tuple[str, Any, float]] = [("rule", THICK, 0.0)]
        for p in self.lines:
            _, h = p.wrap(width, 10_000)
            parts.append(("text", p, h))
        parts.append(("rule", THIN if self.lines else 0.0, 0.0))
        parts.append(("text", self.issued, self.issued.wrap(width, 10_000)[1]))
        parts.append(("rule", THICK, 0.0))
        return parts

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width = availWidth
        self.parts = self._parts(availWidth)
        self.needed = self.gap + sum(h for kind, _, h in self.parts if kind == "text")
        return availWidth, max(self.needed, availHeight)

    def draw(self) -> None:
        c = self.canv
        c.setStrokeColor(colors.black)
        y = self.needed - self.gap  # the top of the foot, from the bottom of this flowable
        for kind, what, h in self.parts:
            if kind == "rule":
                if what:
                    c.setLineWidth(what)
                    c.line(0, y, self.width, y)
                continue
            y -= h
            what.drawOn(c, 0, y)


def _title(title: str, font: str) -> str:
    """The title's markup: a title too long for one line breaks at its spaces where it has them
    (G107国道…交通事故 / 造成11人死亡…), not in the middle of a word; parts still too long wrap."""
    words = title.split()
    if pdfmetrics.stringWidth(title, font, TITLE_SIZE) <= WIDTH or len(words) < 2:
        return escape(title)
    lines: list[str] = []
    for w in words:
        joined = f"{lines[-1]} {w}" if lines else w
        if lines and pdfmetrics.stringWidth(joined, font, TITLE_SIZE) <= WIDTH:
            lines[-1] = joined
        else:
            lines.append(w)
    return "<br/>".join(escape(line) for line in lines)


def _story(paper: Paper, f: dict[str, str]) -> list[Flowable]:
    body = ParagraphStyle(
        "body",
        fontName=f["body"],
        fontSize=BODY_SIZE,
        leading=LEADING,
        firstLineIndent=2 * BODY_SIZE,
        alignment=TA_JUSTIFY,
        wordWrap="CJK",
        allowWidows=0,
        allowOrphans=0,
    )
    title = ParagraphStyle(
        "title",
        fontName=f["title"],
        fontSize=TITLE_SIZE,
        leading=TITLE_LEADING,
        alignment=TA_CENTER,
        wordWrap="CJK",
    )
    story: list[Flowable] = []

    # the header block: the desk's title in red, fitted to the width (spread out when short)
    heading = paper.heading
    spread = 0.6 if len(heading) <= 4 else 0.25 if len(heading) <= 6 else 0.0
    natural = pdfmetrics.stringWidth(heading, f["header"], 1) + spread * (len(heading) - 1)
    size = min(HEADER_SIZE, WIDTH * 0.96 / max(natural, 1))
    story.append(
        _Line(
            f["header"],
            size,
            centre=heading,
            color=RED,
            char_space=spread * size,
            height=HEADER_SIZE * 1.5,
        )
    )
    story.append(Spacer(1, 6 * mm))

    def line(**parts: Any) -> _Line:  # a line of the header in the body font
        return _Line(f["body"], BODY_SIZE, height=LEADING, **parts)

    if paper.signer:
        right = f"签发人：{paper.signer}"
        story.append(line(left=paper.serial_text, right=right, inset=BODY_SIZE))
    else:
        story.append(line(centre=paper.serial_text))
    story.append(
        line(left=f"{paper.desk_name} 编" if paper.desk_name else "", right=paper.date_text)
    )
    story.append(_Rule(0.5 * mm, RED, 2 * mm))
    story.append(Spacer(1, 2 * LEADING - TITLE_LEADING / 2))

    # the title, a blank line, the body
    story.append(Paragraph(_title(paper.title, f["title"]), title))
    story.append(Spacer(1, LEADING))
    for p in paper.paragraphs:
        story.append(Paragraph(escape(p), body))
    if paper.note:
        story.append(Spacer(1, LEADING))
        story.append(Paragraph(escape(f"（{paper.note}）"), body))

    # the foot: 报/送/抄送 with the names after the colon aligned, then the 印发 line
    lines = []
    for label, names in paper.distribution:
        hang = pdfmetrics.stringWidth(f"{label}：", f["body"], FOOT_SIZE)
        style = ParagraphStyle(
            f"foot-{label}",
            fontName=f["body"],
            fontSize=FOOT_SIZE,
            leading=FOOT_LEADING,
            leftIndent=FOOT_SIZE + hang,
            firstLineIndent=-hang,
            rightIndent=FOOT_SIZE,
            wordWrap="CJK",
        )
        lines.append(Paragraph(escape(foot_line(label, names)), style))
    issued = _Line(
        f["body"],
        FOOT_SIZE,
        left=paper.desk_name,
        right=f"{paper.date_text}印发",
        inset=FOOT_SIZE,
        height=FOOT_LEADING,
    )
    story.append(_Foot(lines, issued, gap=LEADING))
    return story


def render_pdf(
    paper: Paper, *, font_path: str | None = None, fonts: Mapping[str, str] | None = None
) -> bytes:
    """The report as A4 PDF bytes; the same paper and fonts give the same bytes. `font_path`: one
    TrueType CJK font for everything (the config's `pdf_font`); `fonts`: per role (header, title,
    body). Raises `PaperFontError` when no embeddable CJK font is there."""
    f = fonts_for(font_path, fonts)
    buf = io.BytesIO()
    label = KIND_ZH[paper.kind]
    if paper.kind.value == "followup" and paper.seq:
        label = f"续报{cn_number(paper.seq)}"
    doc = text_block_doc(
        buf,
        left=LEFT,
        top=TOP,
        width=WIDTH,
        height=HEIGHT,
        title=paper.title,
        author=paper.desk_name,
        subject=label,
        creator="watchdesk",
        producer="watchdesk",
        initialFontName=f["body"],
    )
    y = BOTTOM - 7 * mm - PAGE_NO_SIZE * 0.85  # — 1 —, 7 mm under the text block
    foot = page_number_foot(
        f["body"],
        PAGE_NO_SIZE,
        "— {n} —",
        y=y,
        left=LEFT,
        width=WIDTH,
        inset=PAGE_NO_SIZE,
        outer=True,
    )
    build(doc, _story(paper, f), foot)
    return buf.getvalue()
