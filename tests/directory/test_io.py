"""Directory import and export: CSV with BOM, .xlsx, every bad row reported, all or nothing."""

from __future__ import annotations

import json

import pytest

from tests.directory.fixtures import seed
from watchdesk.cli import main
from watchdesk.files.directory import ImportRefused, export_units, read_units
from watchdesk.store.desk import Store

HEADER = "名称,类型,级别,值班室类别,区域,值班电话,备用电话,传真,备注,启用,联系人1,职务1,电话1\n"
GOOD = HEADER + (
    "县气象局,联动单位,一级,,,0731-84524121,,0731-84524129,,是,罗佳,首席预报员,13807310006\n"
    "白沙乡值班室,值班室,,乡镇街道,白沙乡,0731-84511004,,,,是,,,\n"
    "\n"
    "县红十字会,linkage,3,,,0731-84520301,,,,,朱琳,秘书长,13807310011\n"
)
BAD = HEADER + (
    "县气象局,联动单位,一级,,,0731-84524121,,,,是,,,\n"
    "县教育局,联动单位,四级,,,0731-8452ABCD,,,,是,,,\n"
    ",值班室,,乡村,,0731-84511004,,,,是,,,\n"
    "县气象局,联动单位,2,,,0731-84524122,,,,是,,,\n"
    "县民政局,联动单位,2,,,0731-84524123,,,,也许,张三,科长,1380731xxxx\n"
)


def write(tmp_path, name, text, encoding="utf-8-sig"):
    p = tmp_path / name
    p.write_bytes(text.encode(encoding))
    return p


def counts(store):
    return tuple(
        store.db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
        for t in ("units", "contacts", "audit")
    )


def test_good_csv_imports_in_one_go(store, tmp_path):
    units = read_units(write(tmp_path, "ok.csv", GOOD))
    res = store.directory.import_units(units)
    assert (res.created, res.updated, res.rows) == (3, 0, 3)
    room = store.directory.find("白沙乡值班室")
    assert room.kind == "duty_room" and room.room_type == "township" and room.level is None
    assert store.directory.find("县气象局").contacts[0].name == "罗佳"
    # The same file again changes nothing.
    res = store.directory.import_units(read_units(write(tmp_path, "ok.csv", GOOD)))
    assert (res.created, res.updated, res.unchanged) == (0, 0, 3)
    assert store.check().ok


def test_bad_file_reports_every_bad_row_by_number_and_writes_nothing(store, tmp_path):
    seed(store)
    before = counts(store)
    with pytest.raises(ImportRefused) as e:
        read_units(write(tmp_path, "bad.csv", BAD))
    got = {(p.row, p.field) for p in e.value.problems}
    assert {
        (3, "level"),
        (3, "duty_phone"),
        (4, "name"),
        (4, "room_type"),
        (5, "name"),
        (6, "active"),
        (6, "电话1"),
    } <= got
    assert 2 not in {p.row for p in e.value.problems}
    assert counts(store) == before


def test_gb18030_csv_from_excel_on_windows_is_read(tmp_path):
    units = read_units(write(tmp_path, "gbk.csv", GOOD.replace("\n", "\r\n"), "gb18030"))
    assert [u.name for u in units] == ["县气象局", "白沙乡值班室", "县红十字会"]


def test_unknown_column_and_empty_file_are_refused(tmp_path):
    with pytest.raises(ImportRefused, match="unknown column"):
        read_units(write(tmp_path, "x.csv", "名称,颜色\n县气象局,红\n"))
    with pytest.raises(ImportRefused, match="empty"):
        read_units(write(tmp_path, "e.csv", ""))


@pytest.mark.parametrize("ext", ["csv", "xlsx"])
def test_export_round_trip(store, tmp_path, ext):
    seed(store)
    path = tmp_path / f"通讯录.{ext}"
    n = export_units(store.directory.units(), path)
    assert n == 9
    if ext == "csv":
        raw = path.read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf") and "县公安局指挥中心".encode() in raw
    units = read_units(path)
    by = {u.name: u for u in units}
    assert by["县公安局指挥中心"].duty_phone == "0731-84521110"  # leading zero kept
    assert by["县公安局指挥中心"].contacts[0].phone == "13807310001"
    assert by["青山铺镇值班室"].room_type == "township"
    res = store.directory.import_units(units)
    assert (res.created, res.updated, res.unchanged) == (0, 0, 9)


def test_import_updates_known_units_by_name(store, tmp_path):
    seed(store)
    text = HEADER + "县公安局指挥中心,联动单位,1,,,0731-84521199,,,,是,刘强,值班长,13807310001\n"
    res = store.directory.import_units(read_units(write(tmp_path, "u.csv", text)))
    assert (res.created, res.updated) == (0, 1)
    assert store.directory.find("县公安局指挥中心").duty_phone == "0731-84521199"


def test_cli_import_export_search(tmp_path, capsys):
    db = str(tmp_path / "desk.db")
    assert main(["init", "--db", db]) == 0
    capsys.readouterr()
    bad = write(tmp_path, "bad.csv", BAD)
    assert main(["directory", "import", str(bad), "--db", db]) == 2
    out, err = capsys.readouterr()
    assert out == "" and len(err.strip().splitlines()) == 1 and "row 3" in err
    s = Store.open(db)
    assert counts(s) == (0, 0, 0)
    s.close()
    assert (
        main(["directory", "import", str(write(tmp_path, "ok.csv", GOOD)), "--dry-run", "--db", db])
        == 0
    )
    assert json.loads(capsys.readouterr().out)["created"] == 3
    s = Store.open(db)
    assert counts(s) == (0, 0, 0)
    s.close()
    assert main(["directory", "import", str(tmp_path / "ok.csv"), "--db", db]) == 0
    capsys.readouterr()
    assert main(["directory", "search", "qxj", "--json", "--db", db]) == 0
    hits = json.loads(capsys.readouterr().out)
    assert hits[0]["unit_name"] == "县气象局"
    out_path = tmp_path / "out.xlsx"
    assert main(["directory", "export", str(out_path), "--db", db]) == 0
    assert json.loads(capsys.readouterr().out)["exported"] == 3 and out_path.exists()
    assert main(["directory", "export", str(tmp_path / "out.txt"), "--db", db]) == 2


def test_bad_xlsx_rows_are_reported_and_a_non_workbook_is_refused(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["名称", "级别", "值班电话"])
    ws.append(["县气象局", 1, "0731-84524121"])
    ws.append(["县教育局", 2, "电话待补"])
    path = tmp_path / "units.xlsx"
    wb.save(path)
    with pytest.raises(ImportRefused) as e:
        read_units(path)
    assert [(p.row, p.field) for p in e.value.problems] == [(3, "duty_phone")]
    fake = tmp_path / "fake.xlsx"
    fake.write_text("not a workbook", encoding="utf-8")
    with pytest.raises(ValueError, match="not a readable"):
        read_units(fake)
