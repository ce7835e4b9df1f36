"""The report as a Word document (.docx, python-docx), for offices that finish and file documents in
WPS and Word: the same structure as the PDF (`written_pdf`), in GB/T 9704-2012's page.

- A4, margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm (text block 156 mm × 225 mm), and
  the document grid offices' templates use (22 lines of 28 characters: linePitch 579,
  charSpace -842), body lines exactly 28.95 pt apart.
- Fonts by role, each set for East Asian text (w:eastAsia on w:rFonts, hint eastAsia): the body in
  仿宋_GB2312, the header and the title in 方正小标宋简体, the 签发人's name in 楷体_GB2312, page
  numbers in 宋体. The font table names the fallback a machine without them uses (w:altName:
  仿宋, 黑体, 楷体), so Word and WPS on a plain Windows still show the right kind of type.
- The header block (red title, 期号 and 签发人, issuing unit and date, a red rule), the title two
  lines under the rule, the body indented two characters, the 附注, and the foot (报/送/抄送 and
  the 印发 line between rules) in a frame anchored at the bottom of the last page's text block.
- Page numbers "— 1 —" in the footer, right on odd pages and left on even ones.

The same paper gives the same bytes: core properties dated by the paper's date, the zip's entries
in a fixed order with a fixed timestamp, and the template's thumbnail (another document's picture)
left out.
"""

from __future__ import annotations

import io
import unicodedata
import zipfile
from datetime import UTC, datetime, time
from typing import Any

from docx import Document
from docx.enum.section import WD_SECTION_START
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor, Twips
from lxml import etree

from watchdesk.models.report import Paper
from watchdesk.report.written_paper import foot_line

BODY_FONT = "仿宋_GB2312"
TITLE_FONT = "方正小标宋简体"
SIGNER_FONT = "楷体_GB2312"
NUMBER_FONT = "宋体"
# the font table's fallbacks, and each font's character set (86: GB2312) and family
FALLBACK = {
    BODY_FONT: ("仿宋", "modern", "fixed"),
    TITLE_FONT: ("黑体", "script", "variable"),
    SIGNER_FONT: ("楷体", "modern", "fixed"),
    NUMBER_FONT: ("SimSun", "auto", "variable"),
}

RED = RGBColor(0xE6, 0x00, 0x00)
WIDTH_MM, LEFT_MM, TOP_MM, BOTTOM_MM = 156, 28, 37, 35
BODY_PT, TITLE_PT, HEADER_PT, FOOT_PT = 16, 22, 42, 14
LINE_TWIPS = 579  # 28.95 pt: 22 lines in 225 mm
# 3号 characters a quarter point closer: 28 of them to the 156 mm line, as the standard counts
# (Word's document grid would do it too, but LibreOffice then gives each character two cells)
BODY_SPACING_PT = -0.25
TITLE_LINE_PT = 33
FIXED = datetime(1980, 1, 1, 0, 0, 0)  # the zip's timestamp for every entry


# -- low-level: elements in the order the schema wants (Word refuses a file out of order) ------
RPR = (
    "w:rStyle w:rFonts w:b w:bCs w:i w:iCs w:caps w:smallCaps w:strike w:dstrike w:outline "
    "w:shadow w:emboss w:imprint w:noProof w:snapToGrid w:vanish w:webHidden w:color w:spacing "
    "w:w w:kern w:position w:sz w:szCs w:highlight w:u w:effect w:bdr w:shd w:fitText "
    "w:vertAlign w:rtl w:cs w:em w:lang w:eastAsianLayout w:specVanish w:oMath"
).split()
PPR = (
    "w:pStyle w:keepNext w:keepLines w:pageBreakBefore w:framePr w:widowControl w:numPr "
    "w:suppressLineNumbers w:pBdr w:shd w:tabs w:suppressAutoHyphens w:kinsoku w:wordWrap "
    "w:overflowPunct w:topLinePunct w:autoSpaceDE w:autoSpaceDN w:bidi w:adjustRightInd "
    "w:snapToGrid w:spacing w:ind w:contextualSpacing w:mirrorIndents w:suppressOverlap w:jc "
    "w:textDirection w:textAlignment w:textboxTightWrap w:outlineLvl w:divId w:cnfStyle w:rPr "
    "w:sectPr w:pPrChange"
).split()


def _put(parent: Any, tag: str, seq: list[str], **attrs: str) -> Any:
    """Replace `parent`'s `tag` child by a new one with `attrs`, placed where `seq` says."""
    for old in parent.findall(qn(tag)):
        parent.remove(old)
    el = OxmlElement(tag)
    for k, v in attrs.items():
        el.set(qn(f"w:{k}"), v)
    later = seq[seq.index(tag) + 1 :]
    parent.insert_element_before(el, *later)
    return el


def _rfonts(rpr: Any, name: str) -> None:
    rf = _put(rpr, "w:rFonts", RPR)
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
    spacing_pt: float = 0,
) -> Any:
    r = p.add_run(text)
    rpr = r._r.get_or_add_rPr()
    _rfonts(rpr, font)
    r.font.size = Pt(size)
    if color is not None:
        r.font.color.rgb = color
    _put(rpr, "w:spacing", RPR, val=str(round(spacing_pt * 20)))
    return r


def _border(p: Any, **sides: tuple[float, str]) -> None:
    """Paragraph borders: side=(width in pt, colour hex)."""
    ppr = p._p.get_or_add_pPr()
    bdr = _put(ppr, "w:pBdr", PPR)
    for side in ("top", "left", "bottom", "right"):
        if side in sides:
            width, color = sides[side]
            b = OxmlElement(f"w:{side}")
            for k, v in (("val", "single"), ("sz", str(round(width * 8))), ("space", "1")):
                b.set(qn(f"w:{k}"), v)
            b.set(qn("w:color"), color)
            bdr.append(b)


def _format(
    p: Any,
    *,
    align: Any = None,
    line_pt: float | None = None,
    before_pt: float = 0,
    after_pt: float = 0,
    left_pt: float = 0,
    right_pt: float = 0,
    first_pt: float = 0,
    first_chars: int = 0,
) -> None:
    f = p.paragraph_format
    ppr = p._p.get_or_add_pPr()
    for tag in ("w:autoSpaceDE", "w:autoSpaceDN"):  # as in Normal: LibreOffice reads it here
        _put(ppr, tag, PPR, val="0")
    if align is not None:
        f.alignment = align
    if line_pt is not None:
        f.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        f.line_spacing = Pt(line_pt)
    f.space_before = Pt(before_pt)
    f.space_after = Pt(after_pt)
    f.left_indent = Pt(left_pt) if left_pt else None
    f.right_indent = Pt(right_pt) if right_pt else None
    if first_pt:
        f.first_line_indent = Pt(first_pt)
    if first_chars:
        ind = p._p.get_or_add_pPr().get_or_add_ind()
        ind.set(qn("w:firstLineChars"), str(first_chars * 100))


def _em(text: str) -> float:
    """The width of `text` in ems: full-width characters one, others a half."""
    return sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.5 for ch in text)


def _title_lines(title: str) -> list[str]:
    """As in the PDF: a title too long for a line breaks at its spaces."""
    per_line = WIDTH_MM / (TITLE_PT * 25.4 / 72)
    words = title.split()
    if _em(title) <= per_line or len(words) < 2:
        return [title]
    lines: list[str] = []
    for w in words:
        if lines and _em(f"{lines[-1]} {w}") <= per_line:
            lines[-1] = f"{lines[-1]} {w}"
        else:
            lines.append(w)
    return lines


def _page_number(p: Any) -> None:
    """— PAGE — as a field Word and LibreOffice update."""
    _run(p, "— ", NUMBER_FONT, FOOT_PT)
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1")):
        r = _run(p, "", NUMBER_FONT, FOOT_PT)
        if kind:
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), kind)
            r._r.append(fld)
        elif text == " PAGE ":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            r._r.append(instr)
        else:
            r.text = text
    end = _run(p, "", NUMBER_FONT, FOOT_PT)
    fld = OxmlElement("w:fldChar")
    fld.set(qn("w:fldCharType"), "end")
    end._r.append(fld)
    _run(p, " —", NUMBER_FONT, FOOT_PT)


def _setup(doc: Any, paper: Paper) -> None:
    s = doc.sections[0]
    s.start_type = WD_SECTION_START.NEW_PAGE
    s.page_width, s.page_height = Mm(210), Mm(297)
    s.top_margin, s.bottom_margin = Mm(TOP_MM), Mm(BOTTOM_MM)
    s.left_margin, s.right_margin = Mm(LEFT_MM), Mm(210 - LEFT_MM - WIDTH_MM)
    s.header_distance, s.footer_distance = Mm(15), Mm(21)
    grid = s._sectPr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        s._sectPr.append(grid)
    grid.set(qn("w:linePitch"), str(LINE_TWIPS))  # no grid to snap to: the lines are exact

    # Normal: the body font, 3号, Chinese; the defaults lose their theme fonts (which would win)
    normal = doc.styles["Normal"]
    rpr = normal.element.get_or_add_rPr()
    _rfonts(rpr, BODY_FONT)
    normal.font.size = Pt(BODY_PT)
    _put(rpr, "w:spacing", RPR, val=str(round(BODY_SPACING_PT * 20)))
    _put(rpr, "w:lang", RPR, val="en-US", eastAsia="zh-CN")
    pf = normal.paragraph_format
    pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.line_spacing = Twips(LINE_TWIPS)
    pf.space_before = pf.space_after = Pt(0)
    # no extra space between Chinese and Latin text or digits: 11月22日, as the PDF prints it
    ppr = normal.element.get_or_add_pPr()
    for tag in ("w:autoSpaceDE", "w:autoSpaceDN"):
        _put(ppr, tag, PPR, val="0")
    # the defaults: the body font at 3号 (the document grid's pitch is counted from their size),
    # without their theme fonts (which would win over the named ones)
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    rpr_default = (
        defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}") if defaults is not None else None
    )
    if rpr_default is not None:
        _rfonts(rpr_default, BODY_FONT)
        _put(rpr_default, "w:sz", RPR, val=str(2 * BODY_PT))
        _put(rpr_default, "w:szCs", RPR, val=str(2 * BODY_PT))
        _put(rpr_default, "w:lang", RPR, val="en-US", eastAsia="zh-CN")
    lang = doc.settings.element.find(qn("w:themeFontLang"))
    if lang is not None:
        lang.set(qn("w:eastAsia"), "zh-CN")

    # page numbers: odd pages at the right, even ones at the left, one character in
    doc.settings.odd_and_even_pages_header_footer = True
    for footer, align in (
        (s.footer, WD_ALIGN_PARAGRAPH.RIGHT),
        (s.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
    ):
        footer.is_linked_to_previous = False
        p = footer.paragraphs[0]
        inset = FOOT_PT
        _format(
            p,
            align=align,
            left_pt=inset if align == WD_ALIGN_PARAGRAPH.LEFT else 0,
            right_pt=inset if align == WD_ALIGN_PARAGRAPH.RIGHT else 0,
        )
        _page_number(p)

    cp = doc.core_properties
    when = datetime.combine(paper.issued, time(), tzinfo=UTC)
    cp.title = paper.title
    cp.author = paper.desk_name
    cp.last_modified_by = paper.desk_name
    cp.subject = paper.serial_text
    cp.comments = ""
    cp.keywords = ""
    cp.category = paper.kind.value
    cp.created = when
    cp.modified = when
    cp.last_printed = when
    cp.revision = 1


def _tab(p: Any, at_pt: float) -> None:
    p.paragraph_format.tab_stops.add_tab_stop(Pt(at_pt), WD_TAB_ALIGNMENT.RIGHT)


def _body(doc: Any, paper: Paper) -> None:
    width_pt = WIDTH_MM * 72 / 25.4
    # the header: the desk's title in red, spread out when short and fitted to the width
    heading = paper.heading
    spread = 0.6 if len(heading) <= 4 else 0.25 if len(heading) <= 6 else 0.0
    natural = _em(heading) + spread * len(heading)
    size = min(HEADER_PT, int(width_pt * 0.96 / max(natural, 1) * 2) / 2)
    p = doc.paragraphs[0] if doc.paragraphs else doc.add_paragraph()
    _format(p, align=WD_ALIGN_PARAGRAPH.CENTER, after_pt=12)
    _run(p, heading, TITLE_FONT, size, color=RED, spacing_pt=spread * size)
    # 期号 (or 【草稿】) and 签发人
    p = doc.add_paragraph()
    if paper.signer:
        _format(p, line_pt=LINE_TWIPS / 20, left_pt=BODY_PT)
        _tab(p, width_pt - BODY_PT)
        _run(p, f"{paper.serial_text}\t签发人：", BODY_FONT, BODY_PT)
        _run(p, paper.signer, SIGNER_FONT, BODY_PT)
    else:
        _format(p, align=WD_ALIGN_PARAGRAPH.CENTER, line_pt=LINE_TWIPS / 20)
        _run(p, paper.serial_text, BODY_FONT, BODY_PT)
    # the issuing unit and the date, the red rule under them
    p = doc.add_paragraph()
    _format(p, line_pt=LINE_TWIPS / 20)
    _tab(p, width_pt)
    unit = f"{paper.desk_name} 编" if paper.desk_name else ""
    _run(p, f"{unit}\t{paper.date_text}", BODY_FONT, BODY_PT)
    _border(p, bottom=(1.5, "E60000"))

    # the title on the third line under the rule, a blank line, the body
    lines = _title_lines(paper.title)
    p = doc.add_paragraph()
    _format(
        p, align=WD_ALIGN_PARAGRAPH.CENTER, line_pt=TITLE_LINE_PT, before_pt=2 * LINE_TWIPS / 20
    )
    for i, line in enumerate(lines):
        r = _run(p, line, TITLE_FONT, TITLE_PT)
        if i < len(lines) - 1:
            r.add_break()
    p = doc.add_paragraph()
    _format(p, line_pt=LINE_TWIPS / 20)
    for text in paper.paragraphs:
        p = doc.add_paragraph()
        _format(
            p,
            align=WD_ALIGN_PARAGRAPH.JUSTIFY,
            line_pt=LINE_TWIPS / 20,
            first_pt=2 * BODY_PT,
            first_chars=2,
        )
        _run(p, text, BODY_FONT, BODY_PT, spacing_pt=BODY_SPACING_PT)
    if paper.note:
        doc.add_paragraph()
        p = doc.add_paragraph()
        _format(p, line_pt=LINE_TWIPS / 20, first_pt=2 * BODY_PT, first_chars=2)
        _run(p, f"（{paper.note}）", BODY_FONT, BODY_PT, spacing_pt=BODY_SPACING_PT)

    _foot(doc, paper, width_pt)


def _el(tag: str, **attrs: str) -> Any:
    el = OxmlElement(tag)
    for k, v in attrs.items():
        el.set(qn(f"w:{k}"), v)
    return el


def _foot(doc: Any, paper: Paper, width_pt: float) -> None:
    """The foot (版记): 报/送/抄送 and the 印发 line, in a one-column table as wide as the text
    block with a thick rule above and below and a thin one over the 印发 line. The table floats
    to the bottom of the text block (w:tblpPr, tblpYSpec bottom), the body flowing above it, on
    the page of its anchor (the paragraph after it), i.e. the last page, or a page of its own
    when the body leaves no room. Placed horizontally from the page's edge (horzAnchor page, at
    the left margin) rather than centred in the margins: LibreOffice makes a table as wide as
    the text block a floating frame only then, and otherwise shows it right after the body."""
    rows = [(label, foot_line(label, names)) for label, names in paper.distribution]
    doc.add_paragraph()  # a blank line between the body and the foot where it follows the body
    table = doc.add_table(rows=len(rows) + 1, cols=1)
    twips = str(round(width_pt * 20))
    tbl_pr = table._tbl.tblPr
    for child in list(tbl_pr):
        tbl_pr.remove(child)
    tbl_pr.append(
        _el(
            "w:tblpPr",
            leftFromText="0",
            rightFromText="0",
            topFromText="0",
            bottomFromText="0",
            vertAnchor="margin",
            horzAnchor="page",
            tblpX=str(round(LEFT_MM * 72 / 25.4 * 20)),
            tblpYSpec="bottom",
        )
    )
    tbl_pr.append(_el("w:tblW", w=twips, type="dxa"))
    tbl_pr.append(_el("w:tblInd", w="0", type="dxa"))
    borders = _el("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        thick = side in ("top", "bottom")
        borders.append(
            _el(f"w:{side}", val="single" if thick else "nil", sz="8", space="0", color="000000")
            if thick
            else _el(f"w:{side}", val="nil")
        )
    tbl_pr.append(borders)
    tbl_pr.append(_el("w:tblLayout", type="fixed"))
    margins = _el("w:tblCellMar")
    for side in ("top", "left", "bottom", "right"):
        margins.append(_el(f"w:{side}", w="0", type="dxa"))
    tbl_pr.append(margins)
    for col in table._tbl.tblGrid:
        col.set(qn("w:w"), twips)

    for i, row in enumerate(table.rows):
        row._tr.get_or_add_trPr().append(_el("w:cantSplit"))  # the foot stays in one piece
        cell = row.cells[0]
        cell.width = Twips(int(twips))
        p = cell.paragraphs[0]
        p.paragraph_format.keep_with_next = i < len(rows)
        if i < len(rows):
            label, text = rows[i]
            hang = _em(f"{label}：") * FOOT_PT
            _format(p, line_pt=24, left_pt=FOOT_PT + hang, right_pt=FOOT_PT, first_pt=-hang)
            _run(p, text, BODY_FONT, FOOT_PT)
            if i == len(rows) - 1:  # the thin rule over the 印发 line
                tc_pr = cell._tc.get_or_add_tcPr()
                tc_borders = _el("w:tcBorders")
                tc_borders.append(_el("w:bottom", val="single", sz="6", space="0", color="000000"))
                tc_pr.append(tc_borders)
        else:
            _format(p, line_pt=24, left_pt=FOOT_PT, right_pt=FOOT_PT)
            _tab(p, width_pt - FOOT_PT)
            _run(p, f"{paper.desk_name}\t{paper.date_text}印发", BODY_FONT, FOOT_PT)
    # the table's anchor: a paragraph after it, a point high so that it never takes a page
    p = doc.add_paragraph()
    _format(p, line_pt=1)
    _run(p, "", BODY_FONT, 1)


_FONT_TABLE = "word/fontTable.xml"
_THUMBNAIL = "docProps/thumbnail.jpeg"
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _font_table(xml: bytes) -> bytes:
    """The font table with the report's fonts and their fallbacks (w:altName)."""
    root = etree.fromstring(xml)
    w = f"{{{_W}}}"
    for name, (alt, family, pitch) in FALLBACK.items():
        for old in root.findall(f"{w}font"):
            if old.get(f"{w}name") == name:
                root.remove(old)
        font = etree.SubElement(root, f"{w}font")
        font.set(f"{w}name", name)
        for tag, value in (
            ("altName", alt),
            ("charset", "86"),
            ("family", family),
            ("pitch", pitch),
        ):
            etree.SubElement(font, f"{w}{tag}").set(f"{w}val", value)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _without_thumbnail(rels: bytes) -> bytes:
    root = etree.fromstring(rels)
    for rel in list(root):
        if rel.get("Target", "").lstrip("/") == _THUMBNAIL:
            root.remove(rel)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _deterministic(data: bytes) -> bytes:
    """The package again, entry by entry in the same order, each with a fixed timestamp; the font
    table completed and the template's thumbnail left out."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            if info.filename == _THUMBNAIL:
                continue
            blob = src.read(info)
            if info.filename == _FONT_TABLE:
                blob = _font_table(blob)
            elif info.filename == "_rels/.rels":
                blob = _without_thumbnail(blob)
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, blob)
    return out.getvalue()


def render_docx(paper: Paper) -> bytes:
    """The report as .docx bytes; the same paper gives the same bytes."""
    doc = Document()
    _setup(doc, paper)
    _body(doc, paper)
    buf = io.BytesIO()
    doc.save(buf)
    return _deterministic(buf.getvalue())
