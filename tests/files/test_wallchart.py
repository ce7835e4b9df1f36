"""The wall chart (值班挂图: the month's date × role grid, .xlsx and A4 landscape PDF) and `roster
hours` as .xlsx / CSV (issue 17), through the command line."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
from datetime import date

import pytest

from tests.helpers import TZ
from tests.roster.fixtures import fortnight
from watchdesk.cli import main
from watchdesk.store.desk import Store


@pytest.fixture
def desk(db_path):
    s = Store.open(db_path, tz=TZ)
    try:
        fortnight(s)
        s.settings.update(desk_name="湘江县应急管理局总值班室")
    finally:
        s.close()
    return db_path


def run(capsys, *argv):
    code = main(["--lang", "zh", *[str(a) for a in argv]])
    out, err = capsys.readouterr()
    return code, out, err


def test_wall_chart_xlsx_is_the_date_by_role_grid(desk, tmp_path, capsys):
    from openpyxl import load_workbook

    out = tmp_path / "chart.xlsx"
    code, _, err = run(capsys, "roster", "export", "--db", desk, "--chart", "--month", "2026-11",
                       "--output", out)  # fmt: skip
    assert code == 0, err
    ws = load_workbook(out).active
    header = [c.value for c in ws[1]]
    assert header == ["日期", "星期", "带班领导", "值班长", "值班员", "备注"]
    assert ws.max_row == 31  # a row per day of November, and the header
    assert ws.freeze_panes == "A2" and ws.page_setup.orientation == "landscape"
    by_day = {r[0].value.date(): [c.value for c in r] for r in ws.iter_rows(min_row=2)}
    assert by_day[date(2026, 11, 16)][1] == "星期一"
    assert by_day[date(2026, 11, 16)][2] == "王建国"  # the fortnight's first leader
    assert by_day[date(2026, 11, 1)][2] is None  # before the fortnight: an empty row
    assert ws["A2"].is_date


def test_wall_chart_pdf_is_a4_landscape_with_the_names(desk, tmp_path, capsys):
    pypdf = pytest.importorskip("pypdf")
    out = tmp_path / "chart.pdf"
    code, _, err = run(capsys, "roster", "export", "--db", desk, "--chart", "--month", "2026-11",
                       "--output", out)  # fmt: skip
    assert code == 0, err
    reader = pypdf.PdfReader(str(out))
    box = reader.pages[0].mediabox
    assert float(box.width) > float(box.height)  # landscape
    assert round(float(box.width)) == 842 and round(float(box.height)) == 595  # A4
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert "2026年11月值班表" in text and "王建国" in text and "带班领导" in text
    if shutil.which("pdffonts"):
        fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True).stdout
        cjk = [line for line in fonts.splitlines() if "CJK" in line or "WenQuanYi" in line]
        assert all(" yes " in line for line in cjk)


def test_a_chart_is_xlsx_or_pdf_and_pdf_is_a_chart(desk, tmp_path, capsys):
    code, _, err = run(capsys, "roster", "export", "--db", desk, "--chart", "--output",
                       tmp_path / "c.csv")  # fmt: skip
    assert code == 2 and "值班挂图" in err
    code, _, err = run(capsys, "roster", "export", "--db", desk, "--output", tmp_path / "r.pdf")
    assert code == 2 and "--chart" in err
    code, _, err = run(capsys, "roster", "export", "--db", desk, "--chart", "--month", "2026-13")
    assert code == 2 and "2026-13" in err and "不是月份" in err


def test_roster_hours_as_csv_and_xlsx(desk, tmp_path, capsys):
    from openpyxl import load_workbook

    span = ("--from", "2026-11-16", "--to", "2026-11-29")
    code, out, _ = run(capsys, "roster", "hours", "--db", desk, *span, "--json")
    people = {p["name"]: p for p in __import__("json").loads(out)["people"]}
    code, out, err = run(capsys, "roster", "hours", "--db", desk, *span, "--format", "csv")
    assert code == 0, err
    rows = list(csv.reader(io.StringIO(out.lstrip("\ufeff"))))
    assert rows[0][:3] == ["姓名", "班次数", "总时长（小时）"]
    got = {r[0]: r for r in rows[1:]}
    assert set(got) == set(people)
    assert float(got["王建国"][2]) == people["王建国"]["hours"]
    path = tmp_path / "hours.xlsx"
    code, _, err = run(capsys, "roster", "hours", "--db", desk, *span, "--output", path)
    assert code == 0, err
    ws = load_workbook(path).active
    assert ws["A1"].value == "姓名" and ws["A1"].font.b and ws.freeze_panes == "A2"
    values = {r[0].value: r for r in ws.iter_rows(min_row=2)}
    assert values["王建国"][2].data_type == "n"  # a number: the sheet adds it up
    assert values["王建国"][2].value == people["王建国"]["hours"]
    code, _, err = run(capsys, "roster", "hours", "--db", desk, "--output", tmp_path / "h.pdf")
    assert code == 2 and ".csv" in err


def test_a_day_of_two_shifts_and_a_part_substitute():
    from datetime import datetime

    from watchdesk.files import wallchart
    from watchdesk.i18n import using
    from watchdesk.models.roster import Role, RosterRow

    def row(h, hours, role, name, label, note="", start=None, end=None):
        s = datetime(2026, 12, 1, h, tzinfo=TZ)
        e = s + __import__("datetime").timedelta(hours=hours)
        return RosterRow(starts_at=start or s, ends_at=end or e, label=label, role=role,
                         name=name, note=note)  # fmt: skip

    rows = [
        row(8, 12, Role.leader, "王建国", "day"),
        row(8, 12, Role.officer, "周文博", "day"),
        row(8, 12, Role.officer, "吴晓燕", "day"),
        row(20, 12, Role.officer, "郑浩然", "night"),
        row(
            8, 12, Role.officer, "冯雪", "day", note="代 周文博 14:00–18:00",
            start=datetime(2026, 12, 1, 14, tzinfo=TZ), end=datetime(2026, 12, 1, 18, tzinfo=TZ),
        ),
    ]  # fmt: skip
    with using("zh"):
        chart = wallchart.build(rows, 2026, 12, TZ, lang="zh", desk="总值班室")
    assert chart.header == ["日期", "星期", "班次", "带班领导", "值班员", "备注"]
    assert chart.rows[0][1:] == [
        "星期二",
        "白班",
        "王建国",
        "周文博、吴晓燕",
        "冯雪 代 周文博 14:00–18:00",
    ]
    assert chart.rows[1][1:] == ["星期二", "夜班", "", "郑浩然", ""]
    assert len(chart.rows) == 32  # 31 days, the first with two shifts
    assert chart.title == "总值班室2026年12月值班表"
    with using("en"):
        chart = wallchart.build(rows, 2026, 12, TZ, lang="en", desk="Duty room")
    assert chart.header[:4] == ["date", "day", "shift", "leader"]
    assert (
        chart.rows[0][1:3] == ["Tue", "day"]
        and chart.title == "Duty room duty roster, December 2026"
    )
