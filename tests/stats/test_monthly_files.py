"""The monthly duty report (值班工作月报) as files: the PDF read back with poppler (text, fonts
embedded, nothing outside the text block), the .xlsx and the .docx converted by LibreOffice
headless and read back (`slow`; skipped only where soffice is absent, failed on CI).

The figures are the November desk of `conftest.py`, worked out by hand in `test_stats.py`: 12 clocks
due, 5 on time, 4 late, 3 missed (41.7%); 7 incidents (重大 1, 较大 1, 一般 5), 4 dead, 2
injured, 1 missing, 500,000 yuan; 白沙乡值班室 one late and one missed (−4).
"""

from __future__ import annotations

import csv
import os
import re
import shutil
import stat
import subprocess
import zipfile
from datetime import datetime
from pathlib import Path

import pytest

from tests.helpers import TZ
from watchdesk.cli import main
from watchdesk.i18n import using
from watchdesk.report import monthly
from watchdesk.text.period import parse_month, shifted


def _tool(name: str, package: str) -> str:
    path = shutil.which(name)
    if path is None:
        if os.environ.get("CI"):
            pytest.fail(f"CI must install {package} (see .ci/run)")
        pytest.skip(f"{name} is not installed ({package})")
    return path


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _report(desk, lang: str = "zh") -> monthly.Monthly:
    s = desk.store
    p = parse_month("2026-11", TZ)
    st = s.stats.compute(p)
    trend = [s.stats.compute(shifted(p, TZ, back=b)) for b in monthly.trend_periods()]
    return monthly.build(
        st, TZ, trend=trend, desk_name="城关区总值班室", serial="〔2026〕第11期", lang=lang
    )


def _write(capsys, desk, tmp_path: Path, fmt: str, *extra: str) -> Path:
    out = tmp_path / f"monthly.{fmt}"
    argv = ["stats", "--month", "2026-11", "--format", fmt, "-o", str(out), "--serial", "11"]
    code = main([*argv, *extra, "--lang", "zh", "--db", str(desk.path)])
    _, err = capsys.readouterr()
    assert code == 0, err
    assert str(out) in err
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    return out


# -- what the three files share -------------------------------------------------------------------
def test_summary_is_worded_from_the_figures(desk):
    doc = _report(desk)
    text = "".join(doc.summary)
    assert text.startswith("2026年11月共接报各类突发事件7起，其中重大1起、较大1起、一般5起")
    assert "造成4人死亡、2人受伤、1人失踪，直接经济损失50万元" in text
    assert "环比增加6起（600.0%）" in text
    assert "应报告12件，按时报告5件，迟报4件，漏报3件，按时率41.7%，迟报最长11小时" in text
    assert "白沙乡值班室迟报1起、漏报1起，得分-4" in text
    assert "在岗率50.0%" in text and "漏查1次" in text
    assert (doc.heading, doc.title, doc.issuer) == (
        "值班工作月报",
        "2026年11月值班工作情况",
        "城关区总值班室编",
    )
    en = "".join(_report(desk, "en").summary)
    assert "12 due, 5 on time, 4 late, 3 missed, on-time rate 41.7%" in en


def test_tables_keep_typed_values(desk):
    tables = {t.key: t for t in _report(desk).tables()}
    total = tables["own_kinds"].rows[-1]
    assert total[:7] == ["合计", 12, 5, 4, 3, 0, pytest.approx(5 / 12, abs=1e-4)]
    # E: the written report due 11-30 22:00 local, made 12-01 09:00: 11 h late
    e = next(r for r in tables["own_items"].rows if r[3] == datetime(2026, 11, 30, 22, 0))
    assert (e[4], e[5], e[6]) == (datetime(2026, 12, 1, 9, 0), "迟报", 11 * 3600)
    assert tables["units"].rows[0][0] == "白沙乡值班室" and tables["units"].rows[0][-1] == -4
    trend = tables["own_trend"].rows
    assert [r[0] for r in trend] == ["6月", "7月", "8月", "9月", "10月", "11月"]
    assert trend[0][-1] is None and trend[-1][1:5] == [12, 5, 4, 3]  # nothing due: no rate
    assert tables["grade_trend"].rows[-1] == ["11月", 0, 1, 1, 5, 7]
    with using("zh"):
        assert monthly.cell_text(11 * 3600, monthly.SECONDS) == "11小时"
        assert monthly.cell_text(-4.0, monthly.NUMBER) == "-4"
        assert monthly.cell_text(None, monthly.RATE) == "—"


def test_format_needs_output_and_a_good_serial(capsys, desk):
    code = main(["stats", "--month", "2026-11", "--format", "pdf", "--db", str(desk.path)])
    _, err = capsys.readouterr()
    assert code == 2 and "--format" in err and "-o" in err
    with pytest.raises(SystemExit) as e:
        main(["stats", "--format", "pdf", "-o", "x.pdf", "--serial", "first"])
    assert e.value.code == 2
    assert "first" in capsys.readouterr().err


def test_text_stays_text_in_the_workbook():
    from openpyxl import load_workbook

    from watchdesk.files.stats_xlsx import workbook

    table = monthly.Table(
        "units",
        "表4 [单位]",
        [monthly.Column("单位"), monthly.Column("迟报", monthly.COUNT)],
        [['=HYPERLINK("http://x")', 1], ["+1", 2]],
    )
    data = workbook([table], title="月报", header=["值班工作月报"], summary=["=1+1"])
    import io

    wb = load_workbook(io.BytesIO(data))
    ws = wb["表4  单位"]
    assert ws["A2"].data_type == "s" and ws["A2"].value == '=HYPERLINK("http://x")'
    assert ws["A3"].value == "+1" and ws["B3"].value == 2 and ws["B3"].number_format == "0"
    assert wb["月报"]["A4"].value == "=1+1" and wb["月报"]["A4"].data_type == "s"


# -- the PDF ----------------------------------------------------------------------------------------
def test_pdf_text_fonts_and_page(capsys, desk, tmp_path):
    pdf = _write(capsys, desk, tmp_path, "pdf")
    text = subprocess.run(
        [_tool("pdftotext", "poppler-utils"), str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    flat = _flat(text)
    for words in (
        "值班工作月报",
        "〔2026〕第11期",
        "2026年11月值班工作情况",
        "一、总体情况",
        "按时报告5件，迟报4件，漏报3件，按时率41.7%",
        "二、信息报送及时性",
        "表1各类报告及时性",
        "表3迟报、漏报清单",
        "表4下级单位报送及时性与得分",
        "白沙乡值班室",
        "表6同比、环比",
        "表11点名在岗率",
        "图1按时报告率",
        "图2下级单位迟报、漏报排名",
        "图3各等级事件起数",
        "11-3022:00",  # E's due time
        "—1—",
    ):
        assert words in flat, words
    fonts = subprocess.run(
        [_tool("pdffonts", "poppler-utils"), str(pdf)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    assert fonts and all(re.search(r"\byes\s+yes\s+yes\b", f) for f in fonts), fonts
    assert any("WenQuanYi" in f or "CJK" in f or "Ming" in f for f in fonts), fonts
    # nothing outside the text block (156 mm from 28 mm): tables and charts fit the page
    bbox = subprocess.run(
        [_tool("pdftotext", "poppler-utils"), "-bbox", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    right = max(float(x) for x in re.findall(r'xMax="([\d.]+)"', bbox))
    left = min(float(x) for x in re.findall(r'xMin="([\d.]+)"', bbox))
    mm = 72 / 25.4
    assert left >= 28 * mm - 1 and right <= (28 + 156) * mm + 1, (left, right)


# -- LibreOffice reads the .xlsx and the .docx ------------------------------------------------------
def _soffice(src: Path, tmp_path: Path, target: str) -> Path:
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("soffice is not installed (libreoffice-calc-nogui, libreoffice-writer-nogui)")
    out = tmp_path / "lo"
    p = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={(tmp_path / 'lo-profile').as_uri()}",
            "--headless",
            "--convert-to",
            target,
            "--outdir",
            str(out),
            str(src),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert out.is_dir() and any(out.iterdir()), p.stdout + p.stderr
    return out


@pytest.mark.slow
def test_xlsx_read_back_by_libreoffice(capsys, desk, tmp_path):
    from openpyxl import load_workbook

    xlsx = _write(capsys, desk, tmp_path, "xlsx")
    # openpyxl: real dates, durations and numbers, formats, frozen bold headers, native charts
    wb = load_workbook(xlsx)
    names = wb.sheetnames
    assert names[0] == "2026年11月值班工作情况" and "表1 各类报告及时性" in names
    items = wb["表3 迟报、漏报清单"]
    assert items.freeze_panes == "A2" and items["A1"].font.b
    due = [c.value for c in items["D"][1:]]
    assert datetime(2026, 11, 30, 22, 0) in due and items["D2"].number_format == "yyyy-mm-dd hh:mm"
    assert items["G2"].number_format == "[h]:mm"
    kinds = wb["表1 各类报告及时性"]
    assert [c.value for c in kinds[6]][:6] == ["合计", 12, 5, 4, 3, 0]
    assert kinds["G6"].number_format == "0.0%"
    assert kinds.column_dimensions["A"].width >= 10  # 报告类型: four Chinese characters
    charted = [ws.title for ws in wb.worksheets if ws._charts]
    assert charted == ["表2 按时报告率走势", "表4 下级单位报送及时性与得分", "表8 各等级事件走势"]
    with zipfile.ZipFile(xlsx) as z:
        charts = [n for n in z.namelist() if n.startswith("xl/charts/chart")]
        kinds_of = [re.findall(rb"<(?:c:)?(barChart|lineChart)>", z.read(n)) for n in charts]
        assert sorted(kinds_of) == [[b"barChart"], [b"barChart"], [b"lineChart"]]

    # LibreOffice: every sheet as CSV, raw values (a date comes back as a date, re-formatted)
    out = _soffice(
        xlsx,
        tmp_path,
        "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1",
    )

    def sheet(name: str) -> list[list[str]]:
        path = out / f"{xlsx.stem}-{name}.csv"
        assert path.exists(), sorted(p.name for p in out.iterdir())
        with open(path, encoding="utf-8", newline="") as f:
            return list(csv.reader(f))

    kinds_csv = sheet("表1 各类报告及时性")
    assert kinds_csv[0][:3] == ["报告类型", "应报", "按时"]
    assert kinds_csv[5][:7] == ["合计", "12", "5", "4", "3", "0", "41.67%"]
    e = next(r for r in sheet("表3 迟报、漏报清单") if r[3].startswith("2026-11-30"))
    assert (e[3], e[4], e[5]) == ("2026-11-30 22:00:00", "2026-12-01 09:00:00", "迟报")
    units = sheet("表4 下级单位报送及时性与得分")
    assert units[1][:7] == ["白沙乡值班室", "2", "0", "1", "1", "0", "0%"] and units[1][8] == "-4"
    assert sheet("表8 各等级事件走势")[-1] == ["11月", "0", "1", "1", "5", "7"]
    summary = sheet("2026年11月值班工作情况")
    assert any("按时率41.7%" in r[0] for r in summary if r)


@pytest.mark.slow
def test_docx_read_back_by_libreoffice(capsys, desk, tmp_path):
    from watchdesk.report.monthly_charts import drawing, png

    docx = _write(capsys, desk, tmp_path, "docx")
    pdf = _soffice(docx, tmp_path, "pdf") / "monthly.pdf"
    text = _flat(
        subprocess.run(
            [_tool("pdftotext", "poppler-utils"), str(pdf), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    for words in (
        "值班工作月报",
        "〔2026〕第11期",
        "2026年11月值班工作情况",
        "按时报告5件，迟报4件，漏报3件，按时率41.7%",
        "表1各类报告及时性",
        "白沙乡值班室",
        "41.7%",
        "表13值班时长",
    ):
        assert words in text, words
    info = subprocess.run(
        [_tool("pdfinfo", "poppler-utils"), str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    assert re.search(r"Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)", info), info
    # the charts: pictures where reportlab renders PNG here, else the tables say where they are
    tables = {t.key: t for t in _report(desk).tables()}
    chart = drawing(tables["own_trend"], "Helvetica", 400)
    assert chart is not None
    can_png = png(chart) is not None
    with zipfile.ZipFile(docx) as z:
        media = [n for n in z.namelist() if n.startswith("word/media/")]
    if can_png:
        assert len(media) == 3
    else:
        assert not media and "图1按时报告率：本机未能生成图片，数据见上表" in text
