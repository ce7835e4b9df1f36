"""The report on paper: the Paper built from a draft and sign-off data, the A4 PDF in the GB/T 9704
layout (read back with poppler), the .docx (read back with python-docx, and converted by
LibreOffice headless then read with pdftotext), the plain text (golden), and printing via CUPS.

After a deliberate change of the text layout: `WATCHDESK_UPDATE_GOLDEN=1 python -m pytest
tests/report/test_paper.py`, then read the changed golden file before keeping it."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
import zipfile
from datetime import date
from pathlib import Path

import pytest

from tests.handover.test_printing import cups  # noqa: F401 (the fixture: a real CUPS server)
from tests.report import cases
from tests.report.test_drafts import _golden
from watchdesk.errors import InputError
from watchdesk.i18n import set_language
from watchdesk.models.incident import ReportKind
from watchdesk.models.report import Draft, Paper
from watchdesk.report import written_pdf
from watchdesk.report.written import draft
from watchdesk.report.written_docx import render_docx
from watchdesk.report.written_paper import paper, serial_text
from watchdesk.report.written_pdf import PaperFontError, missing_glyphs, render_pdf
from watchdesk.report.written_text import PaperPrintError, print_paper, render_text

SEND = ["县委办公室", "县政府办公室"]
COPY = "县公安局、县卫生健康局、县交通运输局、县消防救援大队"
NOTE = "联系人：孙丽娜，电话：0731-84521100"
FIRST = "11月22日14时10分许，G107国道K1532处发生一起道路交通事故。"
LAST = "我们将密切关注事态进展，及时续报。"


def _tool(name: str, package: str) -> str:
    path = shutil.which(name)
    if path is None:
        if os.environ.get("CI"):
            pytest.fail(f"CI must install {package} (see .ci/run)")
        pytest.skip(f"{name} is not installed ({package})")
    return path


def _drawn(store, clock) -> Draft:
    inc, moments = cases.major_road(store, clock)
    return draft(store, inc, ReportKind.written, now=moments["written"])


def _signed(store, clock) -> Paper:
    return paper(
        _drawn(store, clock),
        tz=store.tz,
        serial=(2026, 37),
        signer="王建国",
        send_to=SEND,
        copy_to=COPY,
        note=NOTE,
    )


@pytest.fixture
def signed(store, clock) -> Paper:
    return _signed(store, clock)


@pytest.fixture
def unsigned(store, clock) -> Paper:
    return paper(_drawn(store, clock), tz=store.tz)


def _in_order(text: str, parts: list[str]) -> None:
    """Each part found after the one before it."""
    at = 0
    for part in parts:
        found = text.find(part, at)
        assert found >= 0, f"{part!r} missing or out of order after position {at}:\n{text}"
        at = found + len(part)


def _flat(text: str) -> str:
    """pdftotext's text without its layout: no spaces, no line breaks."""
    return re.sub(r"\s+", "", text)


def _pdftotext(pdf: Path) -> str:
    tool = _tool("pdftotext", "poppler-utils")
    return subprocess.run(
        [tool, "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


# -- the paper ------------------------------------------------------------------------------------
def test_paper_from_a_draft_and_sign_off(signed):
    assert signed.desk_name == "湘江县应急管理局总值班室"
    assert (signed.heading, signed.serial, signed.signer) == (
        "值班信息",
        "〔2026〕第37期",
        "王建国",
    )
    assert signed.title.startswith("G107国道K1532处发生一起道路交通事故")
    assert signed.paragraphs[0] == FIRST + signed.paragraphs[0][len(FIRST) :]
    assert signed.paragraphs[-1] == LAST
    # 报 defaults to the desk's report_to; a text list is split at 、
    assert signed.report_to == [cases.CITY]
    assert signed.send_to == SEND
    assert signed.copy_to == ["县公安局", "县卫生健康局", "县交通运输局", "县消防救援大队"]
    assert (signed.issued, signed.date_text) == (date(2026, 11, 22), "2026年11月22日")
    assert signed.kind == ReportKind.written and not signed.is_draft


def test_an_unsigned_draft_prints_draft_instead_of_a_number(unsigned):
    assert unsigned.serial is None and unsigned.signer is None and unsigned.is_draft
    assert unsigned.serial_text == "【草稿】"
    text = render_text(unsigned)
    assert "【草稿】" in text and "签发人" not in text and "〔" not in text


def test_serial_numbers_use_hexagonal_brackets(store, clock):
    assert serial_text(2026, 37) == "〔2026〕第37期"
    d = _drawn(store, clock)
    for typed in (
        "〔2026〕第37期",
        "(2026)第37期",
        "【2026】第37期",
        "[2026]第37期",
        "（2026）第37期",
    ):
        assert paper(d, serial=typed).serial == "〔2026〕第37期"
    assert paper(d, serial="  ").serial is None
    with pytest.raises(InputError, match="serial"):
        serial_text(2026, 0)
    # a desk's own heading and date, the names given once each
    own = paper(d, heading="要情快报", issued=date(2026, 11, 23), send_to="甲、乙，甲；丙\n")
    assert (own.heading, own.date_text, own.send_to) == (
        "要情快报",
        "2026年11月23日",
        ["甲", "乙", "丙"],
    )
    assert paper(d, report_to=[]).report_to == []  # none, rather than the desk's default


def test_the_paper_is_chinese_whatever_the_console_speaks(store, clock):
    set_language("en")
    en = render_text(_signed(store, clock))
    assert "值班信息" in en and "签发人：王建国" in en and "印发" in en


# -- plain text -----------------------------------------------------------------------------------
def test_text_golden(signed):
    text = render_text(signed)
    _golden("paper_major_road", text)
    lines = text.splitlines()
    assert lines[:3] == [
        "值班信息",
        "〔2026〕第37期\u3000\u3000签发人：王建国",
        "湘江县应急管理局总值班室 编\u3000\u30002026年11月22日",
    ]
    assert lines[-1] == "湘江县应急管理局总值班室\u3000\u30002026年11月22日印发"
    assert f"\u3000\u3000{FIRST}" in text
    assert (
        f"报：{cases.CITY}。" in lines
        and "抄送：县公安局，县卫生健康局，县交通运输局，县消防救援大队。" in lines
    )


# -- the PDF --------------------------------------------------------------------------------------
def test_pdf_layout_read_back_with_poppler(signed, tmp_path):
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(render_pdf(signed))
    text = _pdftotext(pdf)
    flat = _flat(text)
    _in_order(
        flat,
        [
            "值班信息",
            "〔2026〕第37期",
            "签发人：王建国",
            "湘江县应急管理局总值班室编",
            "2026年11月22日",
            "G107国道K1532处发生一起道路交通事故",
            "造成11人死亡20人受伤3人被困",
            _flat(FIRST),
            LAST,
            f"（{NOTE}）",
            f"报：{cases.CITY}。",
            "送：县委办公室，县政府办公室。",
            "抄送：县公安局，县卫生健康局，县交通运输局，县消防救援大队。",
            "湘江县应急管理局总值班室2026年11月22日印发",
        ],
    )
    # the title breaks at its space, not inside a word
    assert re.search(r"交通事故\s*\n\s*造成11人死亡", text)
    # page numbers — 1 — and — 2 —, the foot on the last page
    pages = text.split("\f")
    assert re.search(r"—\s*1\s*—", pages[0]) and re.search(r"—\s*2\s*—", pages[1])
    assert "印发" in pages[1] and "印发" not in pages[0]
    # the fonts are embedded, all of them, and one is the CJK font
    fonts = subprocess.run(
        [_tool("pdffonts", "poppler-utils"), str(pdf)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    assert fonts and all(re.search(r"\byes\s+yes\s+yes\b", f) for f in fonts), fonts
    assert any("WenQuanYi" in f or "CJK" in f or "Ming" in f for f in fonts), fonts
    # A4, and the document's title in its metadata
    info = subprocess.run(
        [_tool("pdfinfo", "poppler-utils"), str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    assert "595.276 x 841.89 pts (A4)" in info and "Title:" in info and "G107" in info


def test_pdf_draft_prints_draft_and_no_signer(unsigned, tmp_path):
    pdf = tmp_path / "draft.pdf"
    pdf.write_bytes(render_pdf(unsigned))
    flat = _flat(_pdftotext(pdf))
    _in_order(flat, ["值班信息", "【草稿】", "湘江县应急管理局总值班室编", "G107国道"])
    assert "签发人" not in flat and "〔" not in flat
    # no 送/抄送 given: the foot has 报 (the desk's default) and the 印发 line only
    assert f"报：{cases.CITY}。" in flat and "抄送" not in flat


def test_pdf_is_the_same_bytes_every_time(signed):
    first = render_pdf(signed)
    assert render_pdf(signed) == first
    assert b"CreationDate" not in first or b"D:20000101000000" in first
    # in another process too (nothing of this process's state in the bytes)
    code = (
        "import sys; from watchdesk.models.report import Paper; "
        "from watchdesk.report.written_pdf import render_pdf; "
        "sys.stdout.buffer.write(render_pdf(Paper.model_validate_json(sys.stdin.read())))"
    )
    other = subprocess.run(
        [sys.executable, "-c", code],
        input=signed.model_dump_json().encode(),
        capture_output=True,
        check=True,
        timeout=120,
    ).stdout
    assert other == first
    # and a different report gives different bytes
    assert render_pdf(signed.model_copy(update={"signer": "李志强"})) != first


def test_pdf_page_looks_like_an_office_document(signed, tmp_path):
    """Rendered at 60 dpi: red in the header block (title and rule) and nowhere in the body."""
    from PIL import Image

    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(render_pdf(signed))
    tool = _tool("pdftoppm", "poppler-utils")
    subprocess.run(
        [tool, "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")],
        check=True,
    )
    image = Image.open(next(tmp_path.glob("page*.png"))).convert("RGB")
    width, height = image.size
    assert abs(width / height - 210 / 297) < 0.01

    def red(box: tuple[int, int, int, int]) -> int:
        px = image.crop(box).tobytes()
        return sum(
            1 for i in range(0, len(px), 3) if px[i] > 180 and px[i + 1] < 90 and px[i + 2] < 90
        )

    header = (0, 0, width, int(height * 0.30))
    body = (0, int(height * 0.36), width, height)
    assert red(header) > 200 and red(body) == 0


def test_no_cjk_font_is_an_error_that_says_what_to_install(signed, monkeypatch):
    monkeypatch.setattr(written_pdf, "CANDIDATES", [("/nonexistent/font.ttc", 0)])
    written_pdf.installed_font.cache_clear()
    try:
        set_language("zh")
        with pytest.raises(PaperFontError, match="fonts-wqy-zenhei") as e:
            render_pdf(signed)
        assert "方框" in str(e.value)
        assert written_pdf.font_problem() == str(e.value)
        set_language("en")
        with pytest.raises(PaperFontError, match="boxes"):
            render_pdf(signed)
    finally:
        monkeypatch.undo()
        written_pdf.installed_font.cache_clear()
    assert written_pdf.font_problem() is None


def test_a_font_file_that_cannot_be_used_is_named(signed, tmp_path):
    with pytest.raises(PaperFontError, match="not found") as e:
        render_pdf(signed, font_path=str(tmp_path / "nope.ttf"))
    assert e.value.path == str(tmp_path / "nope.ttf")
    bad = tmp_path / "bad.ttf"
    bad.write_bytes(b"not a font")
    with pytest.raises(PaperFontError, match="cannot be embedded"):
        render_pdf(signed, font_path=str(bad))
    latin = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    if latin.exists():
        with pytest.raises(PaperFontError, match="no Chinese characters"):
            render_pdf(signed, fonts={"body": str(latin)})
    with pytest.raises(PaperFontError, match="unknown font role"):
        render_pdf(signed, fonts={"heading": str(bad)})


def test_characters_the_font_lacks_are_listed(signed):
    assert missing_glyphs(signed) == ""
    odd = signed.model_copy(update={"paragraphs": [*signed.paragraphs, "设备：正常✓ 故障✗"]})
    assert missing_glyphs(odd) == "✓✗"


# -- the .docx ------------------------------------------------------------------------------------
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def test_docx_structure_fonts_and_page(signed):
    import docx

    data = render_docx(signed)
    doc = docx.Document(io.BytesIO(data))
    s = doc.sections[0]
    assert (round(s.page_width.mm), round(s.page_height.mm)) == (210, 297)
    margins = (s.top_margin, s.bottom_margin, s.left_margin, s.right_margin)
    assert [round(m.mm) for m in margins] == [37, 35, 28, 26]
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == "值班信息" and texts[1] == "〔2026〕第37期\t签发人：王建国"
    body = next(p for p in doc.paragraphs if p.text.startswith(FIRST))
    run = body.runs[0]
    fonts = run._r.rPr.find(f"{W}rFonts")
    assert fonts.get(f"{W}eastAsia") == "仿宋_GB2312" and run.font.size.pt == 16
    assert body.paragraph_format.first_line_indent.pt == 32
    assert body.paragraph_format.line_spacing.pt == pytest.approx(28.95)
    title = next(p for p in doc.paragraphs if p.text.startswith("G107"))
    assert title.runs[0]._r.rPr.find(f"{W}rFonts").get(f"{W}eastAsia") == "方正小标宋简体"
    assert title.runs[0].font.size.pt == 22
    signer = doc.paragraphs[1].runs[-1]
    assert signer.text == "王建国"
    assert signer._r.rPr.find(f"{W}rFonts").get(f"{W}eastAsia") == "楷体_GB2312"
    head = doc.paragraphs[0].runs[0]
    assert str(head.font.color.rgb) == "E60000"
    # the foot: one table of 报/送/抄送 and the 印发 line
    cells = [row.cells[0].text for row in doc.tables[0].rows]
    assert cells == [
        f"报：{cases.CITY}。",
        "送：县委办公室，县政府办公室。",
        "抄送：县公安局，县卫生健康局，县交通运输局，县消防救援大队。",
        "湘江县应急管理局总值班室\t2026年11月22日印发",
    ]
    # the font table names the fallbacks a plain Windows has
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        table = z.read("word/fontTable.xml").decode()
        assert re.search(r'w:name="仿宋_GB2312"><w:altName w:val="仿宋"/>', table)
        assert re.search(r'w:name="方正小标宋简体"><w:altName w:val="黑体"/>', table)
        names = z.namelist()
        assert "docProps/thumbnail.jpeg" not in names
        assert "thumbnail" not in z.read("_rels/.rels").decode()
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        footers = [z.read(n).decode() for n in names if n.startswith("word/footer")]
        assert len(footers) == 2 and all("PAGE" in f and "— " in f for f in footers)
    assert doc.core_properties.created.date() == date(2026, 11, 22)
    assert doc.settings.odd_and_even_pages_header_footer


def test_docx_is_the_same_bytes_every_time(signed):
    assert render_docx(signed) == render_docx(signed)
    assert render_docx(signed) != render_docx(signed.model_copy(update={"signer": "李志强"}))


def _soffice_pdf(docx_file: Path, tmp_path: Path) -> Path:
    soffice = _tool("soffice", "libreoffice-writer-nogui")
    profile = tmp_path / "lo-profile"  # its own profile: other LibreOffice runs do not collide
    out = tmp_path / "lo"
    p = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            str(docx_file),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    pdf = out / (docx_file.stem + ".pdf")
    assert pdf.exists(), (
        f"LibreOffice did not convert the .docx (is libreoffice-writer-nogui installed?): "
        f"{p.stdout}{p.stderr}"
    )
    return pdf


def test_docx_through_libreoffice(signed, tmp_path):
    source = tmp_path / "report.docx"
    source.write_bytes(render_docx(signed))
    text = _pdftotext(_soffice_pdf(source, tmp_path))
    flat = _flat(text)
    _in_order(
        flat,
        [
            "值班信息",
            "〔2026〕第37期",
            "签发人：王建国",
            "湘江县应急管理局总值班室编",
            "2026年11月22日",
            "G107国道K1532处发生一起道路交通事故",
            "造成11人死亡20人受伤3人被困",
            _flat(FIRST),
            "【待核实：事发单位】",
            LAST,
            f"（{NOTE}）",
            f"报：{cases.CITY}。",
            "送：县委办公室，县政府办公室。",
            "抄送：县公安局，县卫生健康局，县交通运输局，县消防救援大队。",
            "湘江县应急管理局总值班室2026年11月22日印发",
        ],
    )
    assert re.search(r"—\s*1\s*—", text)
    # every paragraph of the body is there, whole
    for para in signed.paragraphs:
        assert _flat(para) in flat


def test_docx_draft_through_libreoffice(unsigned, tmp_path):
    source = tmp_path / "draft.docx"
    source.write_bytes(render_docx(unsigned))
    flat = _flat(_pdftotext(_soffice_pdf(source, tmp_path)))
    _in_order(flat, ["值班信息", "【草稿】", "G107国道", f"报：{cases.CITY}。", "印发"])
    assert "签发人" not in flat


# -- printing -------------------------------------------------------------------------------------
def test_print_the_report_through_cups(cups, signed, tmp_path):  # noqa: F811
    job, path = print_paper(signed, "desk", folder=tmp_path)
    assert job and path.parent == tmp_path and path.suffix == ".pdf"
    assert (path.stat().st_mode & 0o777) == 0o600
    assert cups.got.wait(30), "the printer received nothing"
    assert cups.jobs[0] == path.read_bytes() == render_pdf(signed)
    cups.got.clear()
    print_paper(signed, "desk", fmt="txt", folder=tmp_path)
    assert cups.got.wait(30)
    assert cups.jobs[-1].decode("utf-8") == render_text(signed)


def test_printing_that_fails_keeps_the_file_and_says_where(signed, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    with pytest.raises(PaperPrintError) as e:
        print_paper(signed, None, folder=tmp_path)
    assert "lp" in str(e.value) and str(e.value.path) in str(e.value)
    assert e.value.path.read_bytes() == render_pdf(signed)
