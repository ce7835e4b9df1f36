"""Roster files: CSV with a BOM (and GB18030 from WPS), .xlsx, iCalendar; good files round-trip,
bad files report every bad row by number and write nothing."""

from __future__ import annotations

import io
from datetime import datetime

import pytest

from tests.helpers import TZ
from tests.roster.fixtures import fortnight
from watchdesk.files import roster as roster_io
from watchdesk.models.roster import Role
from watchdesk.store.desk import Store
from watchdesk.store.roster.repo import RosterImportError


def at(y, m, d, hh=0, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=TZ)


def count(store, table):
    return store.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def rows_of(store, start=None, end=None):
    return store.roster.export_rows(start or at(2026, 11, 16), end or at(2026, 11, 30))


def key(rows):
    return sorted((r.starts_at, r.ends_at, r.role, r.name) for r in rows)


@pytest.fixture
def other(tmp_path, clock):
    s = Store.open(tmp_path / "other.db", clock=clock, actor="导入员", tz=TZ)
    yield s
    s.close()


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "ics"])
def test_round_trip_into_an_empty_desk(store, other, fmt):
    fortnight(store)
    rows = rows_of(store)
    data = roster_io.write_rows(rows, fmt, TZ, "zh")
    got, errors = {
        "csv": roster_io.read_csv,
        "xlsx": roster_io.read_xlsx,
        "ics": roster_io.read_ics,
    }[fmt](data, TZ)
    assert errors == []
    assert key(got) == key(rows)
    res = other.roster.import_rows(got, add_officers=True)
    assert res.shifts_created == 14 and res.assigned == len(rows)
    assert key(rows_of(other)) == key(rows)
    assert other.check().ok
    # The same file again changes nothing.
    again = other.roster.import_rows(got)
    assert again.assigned == 0 and again.unchanged == len(rows)


def test_csv_has_a_bom_and_chinese_headers(store):
    fortnight(store)
    data = roster_io.write_csv(rows_of(store), TZ, "zh")
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert text.splitlines()[0] == "日期,开始,结束,班次,角色,姓名,电话,备注"
    assert "带班领导,王建国" in text
    assert "\r\n" in text


def test_gb18030_csv_from_wps_is_read(store):
    text = (
        "日期,开始,结束,角色,姓名\r\n2026-12-01,08:30,08:30,带班领导,王建国\r\n"
        "2026-12-01,08:30,08:30,值班员,周文博\r\n"
    )
    rows, errors = roster_io.read_csv(text.encode("gb18030"), TZ)
    assert errors == [] and [r.name for r in rows] == ["王建国", "周文博"]
    assert rows[0].ends_at == at(2026, 12, 2, 8, 30)  # 08:30–08:30 ends the next day
    assert rows[0].role == Role.leader


def test_night_shift_and_long_shift_times():
    text = (
        "date,start,end,role,name\n2026-12-01,20:00,08:00,officer,周文博\n"
        "2026-12-01,08:00,2026-12-03 08:00,leader,王建国\n2026/12/05,8:00,20:00,值班长,赵磊\n"
    )
    rows, errors = roster_io.read_csv(text.encode(), TZ)
    assert errors == []
    assert rows[0].ends_at == at(2026, 12, 2, 8)
    assert rows[1].ends_at == at(2026, 12, 3, 8)
    assert rows[2].starts_at == at(2026, 12, 5, 8) and rows[2].role == Role.chief


def test_bad_file_reports_every_bad_row_and_writes_nothing(store):
    fortnight(store)
    before = {t: count(store, t) for t in ("shifts", "assignments", "audit", "officers")}
    text = (
        "日期,开始,结束,班次,角色,姓名\n"
        "2026-12-01,08:30,08:30,24h,带班领导,王建国\n"  # 2: good
        "2026-12-01,08:30,08:30,24h,组长,周文博\n"  # 3: unknown role
        "2026-13-01,08:30,08:30,24h,值班员,周文博\n"  # 4: bad date
        ",,,,,\n"  # 5: blank: not a row
        "2026-12-02,08:30,08:30,24h,值班员,\n"  # 6: no name
        "2026-12-02,08:30,08:30,24h,值班员,无此人\n"  # 7: unknown person
        "2026-11-20,09:00,12:00,,值班员,周文博\n"  # 8: overlaps an existing shift
        "2026-12-01,08:30,08:30,24h,带班领导,王建国\n"  # 9: duplicate of row 2
        "2026-12-01,20:00,21:00,,值班员,吴晓燕\n"
    )  # 10: overlaps row 2's shift
    rows, errors = roster_io.read_csv(text.encode("utf-8-sig"), TZ)
    assert [(e.row, e.field) for e in errors] == [(3, "role"), (4, "date"), (6, "name")]
    with pytest.raises(RosterImportError) as e:
        store.roster.import_rows(rows, errors=errors)
    got = [(x.row, x.field) for x in e.value.errors]
    assert got == [
        (3, "role"),
        (4, "date"),
        (6, "name"),
        (7, "name"),
        (8, "start"),
        (9, "name"),
        (10, "start"),
    ]
    assert "row 7: name: no officer named '无此人'" in [str(x) for x in e.value.errors][3]
    assert {t: count(store, t) for t in before} == before


def test_missing_header_is_one_clear_error():
    with pytest.raises(roster_io.RosterFileError, match="lacks role, name"):
        roster_io.read_csv("日期,开始,结束\n2026-12-01,08:30,08:30\n".encode(), TZ)
    with pytest.raises(roster_io.RosterFileError, match="empty"):
        roster_io.read_csv(b"", TZ)
    with pytest.raises(roster_io.RosterFileError, match="xlsx"):
        roster_io.read_xlsx(b"not a zip", TZ)
    with pytest.raises(roster_io.RosterFileError):
        roster_io.format_of("roster.txt")


def test_xlsx_opens_with_chinese_and_dates(store):
    from openpyxl import load_workbook

    fortnight(store)
    wb = load_workbook(io.BytesIO(roster_io.write_xlsx(rows_of(store), TZ, "zh")))
    ws = wb.active
    assert ws.title == "值班表"
    assert [c.value for c in ws[1]][:6] == ["日期", "开始", "结束", "班次", "角色", "姓名"]
    assert ws["E2"].value == "带班领导" and ws["F2"].value == "王建国"


def test_ics_events_carry_the_zone_and_stable_uids(store):
    import icalendar

    fortnight(store)
    rows = rows_of(store, at(2026, 11, 22, 9), at(2026, 11, 23))
    stamp = store.now()  # DTSTAMP: the time of the export
    a = roster_io.write_ics(rows, TZ, stamp=stamp)
    assert a == roster_io.write_ics(rows, TZ, stamp=stamp)  # reproducible
    cal = icalendar.Calendar.from_ical(a)
    ev = next(iter(cal.walk("VEVENT")))
    assert ev.decoded("DTSTART") == at(2026, 11, 22, 8, 30)
    assert "带班领导 · " in str(ev["SUMMARY"])
    assert cal.walk("VTIMEZONE")
