"""Spreadsheets offices can trust (issue 17): text stays text in CSV and .xlsx (no formula
injection, an exact round trip through watchdesk's own reader), real dates in the roster .xlsx, the
directory .xlsx laid out like the roster's, a change only to 备注 imported, Excel-mangled phone
numbers refused. Cell types are read with python-calamine, an independent reader."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, time

import pytest

from tests.helpers import TZ
from tests.roster.fixtures import fortnight, people
from watchdesk.files import cells
from watchdesk.files import directory as dir_io
from watchdesk.files import officer as officer_io
from watchdesk.files import roster as roster_io
from watchdesk.i18n import using
from watchdesk.models.directory import Contact, UnitRecord
from watchdesk.models.officer import Officer
from watchdesk.models.roster import Role, RosterRow

TRICKY = [
    "=1+1 备用线路",
    "=cmd|' /C calc'!A0",
    "-8021",
    "+86 139 0731 0000",
    "@SUM(A1)",
    "'=x",
    "''",
    "'abc",
    "'",
    "plain 文本",
    "",
]


def at(y, m, d, hh=0, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=TZ)


@pytest.mark.parametrize("text", TRICKY + ["\tq", "\rq", "'\tq"])
def test_escape_and_unescape_are_exact_inverses(text):
    out = cells.escape_csv(text)
    assert cells.unescape(out) == text
    assert cells.unescape(cells.protect_xlsx(text)) == text
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        assert out == "'" + text  # a spreadsheet shows it as text


def unit(notes: str, phone: str = "0731-8888", contact_phone: str = "-8021") -> UnitRecord:
    return UnitRecord(
        name="县水利局",
        kind="linkage",
        level=1,
        duty_phone=phone,
        notes=notes,
        contacts=[Contact(name="=张三", role="@值班", phone=contact_phone)],
    )


def test_directory_csv_escapes_formulas_and_reads_back_exactly(tmp_path):
    path = tmp_path / "units.csv"
    dir_io.export_units(
        [unit("=1+1 备用线路"), unit("=cmd|' /C calc'!A0").model_copy(update={"name": "县气象局"})],
        path,
    )
    raw = path.read_bytes().decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(raw, newline="")))
    cells_out = [c for row in table for c in row]
    assert "'=1+1 备用线路" in cells_out and "'=cmd|' /C calc'!A0" in cells_out
    assert not any(c[:1] in "=+-@" for c in cells_out if c)  # nothing a spreadsheet evaluates
    back = dir_io.read_units(path)
    assert back[0].notes == "=1+1 备用线路"
    assert back[1].notes == "=cmd|' /C calc'!A0"
    assert back[0].contacts[0].name == "=张三" and back[0].contacts[0].phone == "-8021"
    assert back[0].contacts[0].role == "@值班"


def test_directory_xlsx_stores_text_as_text_and_reads_back_exactly(tmp_path):
    from openpyxl import load_workbook
    from python_calamine import CalamineWorkbook

    path = tmp_path / "units.xlsx"
    dir_io.export_units([unit("=1+1 备用线路")], path)
    ws = load_workbook(path).active
    note = ws.cell(row=2, column=9)
    assert note.value == "=1+1 备用线路" and note.data_type == "s"  # not a live formula
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    assert rows[1][8] == "=1+1 备用线路"
    assert rows[1][5] == "0731-8888"  # text: the leading zero kept
    back = dir_io.read_units(path)[0]
    assert back.notes == "=1+1 备用线路" and back.contacts[0].phone == "-8021"


def test_directory_xlsx_has_a_bold_frozen_header_and_widths(tmp_path):
    from openpyxl import load_workbook

    path = tmp_path / "units.xlsx"
    dir_io.export_units([unit("一条很长很长很长很长的备注，说明备用线路怎么用")], path)
    ws = load_workbook(path).active
    assert ws.freeze_panes == "A2"
    assert all(c.font.b for c in ws[1] if c.value)
    assert ws.column_dimensions["I"].width > 30  # the long note's column
    assert ws.column_dimensions["B"].width >= 6


def test_officer_files_keep_formula_like_text(tmp_path):
    from python_calamine import CalamineWorkbook

    o = Officer(id=1, name="周文博", title="=科员", phone="-8021")
    data = officer_io.write_csv([o])
    assert "'=科员" in data.decode("utf-8-sig") and "'-8021" in data.decode("utf-8-sig")
    rows, errors = officer_io.read_csv(data)
    assert errors == [] and (rows[0].title, rows[0].phone) == ("=科员", "-8021")
    xlsx = officer_io.write_xlsx([o])
    (tmp_path / "o.xlsx").write_bytes(xlsx)
    got = CalamineWorkbook.from_path(str(tmp_path / "o.xlsx")).get_sheet_by_index(0).to_python()
    assert got[1][1] == "=科员"
    rows, errors = officer_io.read_xlsx(xlsx)
    assert errors == [] and rows[0].title == "=科员"


def _row(note: str, phone: str = "", **kw) -> RosterRow:
    return RosterRow(
        row=2,
        starts_at=kw.get("s", at(2026, 12, 1, 8, 30)),
        ends_at=kw.get("e", at(2026, 12, 2, 8, 30)),
        label=kw.get("label", "24h"),
        role=Role.officer,
        name="周文博",
        phone=phone,
        note=note,
    )


@pytest.mark.parametrize("note", TRICKY)
def test_roster_csv_and_xlsx_round_trip_every_character(note):
    rows = [_row(note, "-8021")]
    for write, read in (
        (roster_io.write_csv, roster_io.read_csv),
        (roster_io.write_xlsx, roster_io.read_xlsx),
    ):
        got, errors = read(write(rows, TZ, "zh"), TZ)
        assert errors == []
        assert (got[0].note, got[0].phone) == (note.strip(), "-8021")


def test_roster_csv_cells_are_escaped():
    data = roster_io.write_csv([_row("=1+1 备用线路", "+86 13907310000")], TZ, "zh")
    line = data.decode("utf-8-sig").splitlines()[1]
    assert "'=1+1 备用线路" in line and "'+86 13907310000" in line


def test_roster_xlsx_has_real_dates_and_times():
    from python_calamine import CalamineWorkbook

    long = _row("", s=at(2026, 12, 1, 8, 30), e=at(2026, 12, 3, 8, 30))
    data = roster_io.write_xlsx([_row("=1+1"), long], TZ, "zh")
    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(data)).active
    assert ws["A2"].is_date and ws["A2"].number_format == "yyyy-mm-dd"
    assert ws["B2"].value == time(8, 30) and ws["B2"].number_format == "hh:mm"
    assert ws["C3"].value == datetime(2026, 12, 3, 8, 30)
    assert ws["H2"].data_type == "s"
    wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
    got = wb.get_sheet_by_index(0).to_python()
    assert isinstance(got[1][0], date) and got[1][0] == date(2026, 12, 1)
    assert got[1][1] == time(8, 30)
    assert got[1][7] == "=1+1"
    # And it reads back into the same assignment.
    back, errors = roster_io.read_xlsx(data, TZ)
    assert errors == [] and [(r.starts_at, r.ends_at) for r in back] == [
        (at(2026, 12, 1, 8, 30), at(2026, 12, 2, 8, 30)),
        (at(2026, 12, 1, 8, 30), at(2026, 12, 3, 8, 30)),
    ]


def test_shift_labels_are_in_the_ui_language_and_read_back(store):
    with using("zh"):
        data = roster_io.write_csv([_row("", label="day"), _row("", label="24h")], TZ, "zh")
        text = data.decode("utf-8-sig")
        assert ",白班," in text and ",24小时班," in text and ",day," not in text
        got, errors = roster_io.read_csv(data, TZ)
    assert errors == [] and [r.label for r in got] == ["day", "24h"]


def test_a_change_only_to_the_note_is_imported(store):
    fortnight(store)
    rows = store.roster.export_rows(at(2026, 11, 16), at(2026, 11, 17, 9))
    data = roster_io.write_csv(rows, TZ, "zh")
    # change the note of the first assignment only
    lines = data.decode("utf-8-sig").split("\r\n")
    first = lines[1].split(",")
    first[-1] = "=1+1 备用线路"
    lines[1] = ",".join(cells.escape_csv(c) if i == 7 else c for i, c in enumerate(first))
    got, errors = roster_io.read_csv("\r\n".join(lines).encode("utf-8-sig"), TZ)
    assert errors == []
    res = store.roster.import_rows(got)
    assert res.notes_changed == 1 and res.assigned == 0 and res.unchanged == len(rows) - 1
    after = store.roster.export_rows(at(2026, 11, 16), at(2026, 11, 17, 9))
    assert after[0].note == "=1+1 备用线路"
    assert store.check().ok
    # A file without a 备注 column leaves the notes as they are.
    bare = "日期,开始,结束,角色,姓名\r\n" + "".join(
        f"{r.starts_at.astimezone(TZ):%Y-%m-%d,%H:%M},{r.ends_at.astimezone(TZ):%H:%M},"
        f"{roster_io.ROLE_OUT['zh'][r.role]},{r.name}\r\n"
        for r in rows
    )
    got, errors = roster_io.read_csv(bare.encode("utf-8"), TZ)
    assert errors == []
    res = store.roster.import_rows(got)
    assert res.notes_changed == 0 and res.unchanged == len(rows)
    assert store.roster.export_rows(at(2026, 11, 16), at(2026, 11, 17, 9))[0].note == (
        "=1+1 备用线路"
    )


def test_roster_import_refuses_an_excel_mangled_phone(store):
    people(store)
    data = (
        "日期,开始,结束,班次,角色,姓名,电话,备注\r\n"
        "2026-12-01,08:30,08:30,24h,值班员,周文博,1.39073E+10,\r\n"
        "2026-12-01,08:30,08:30,24h,带班领导,王建国,139 0731 0000,\r\n"
    ).encode("utf-8-sig")
    with using("zh"):
        rows, errors = roster_io.read_csv(data, TZ)
        assert [(e.row, e.field) for e in errors] == [(2, "phone")]
        said = str(errors[0])
    assert "第 2 行" in said and "电话" in said and "1.39073E+10" in said and "科学计数法" in said
    assert [r.name for r in rows] == ["王建国"]


def test_directory_import_says_what_excel_did_to_a_phone(tmp_path):
    path = tmp_path / "units.csv"
    path.write_text("名称,类型,级别,值班电话\n县水利局,联动单位,1,1.39073E+10\n", "utf-8-sig")
    with pytest.raises(dir_io.ImportRefused) as e:
        dir_io.read_units(path)
    p = e.value.problems[0]
    assert (p.row, p.field) == (2, "duty_phone") and "scientific" in p.problem
