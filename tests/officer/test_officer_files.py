"""Officer files (files/officer.py + store.officers.import_rows): CSV with a BOM and .xlsx, Chinese
or English headers, every bad row by number and nothing written; every file the desk writes is
mode 0600."""

from __future__ import annotations

import os
import stat
from datetime import datetime

import pytest

from tests.helpers import TZ
from watchdesk.files import officer as officer_io
from watchdesk.files import roster as roster_io
from watchdesk.files.directory import export_units
from watchdesk.files.drafts import save_draft
from watchdesk.files.output import write_private
from watchdesk.models.directory import UnitRecord
from watchdesk.models.officer import Officer
from watchdesk.models.roster import Role, RosterRow
from watchdesk.store.officer import OfficerImportError

CSV = (
    "姓名,职务,电话,可任角色,管理员,在岗\n"
    "王建国,局长,13973100100,带班领导,否,是\n"
    "赵磊,值班长,13973100200,值班长、值班员,,\n"
    "欧阳明,办公室主任,13973100001,,是,是\n"
    "王伟,科员,13900000001,值班员/备勤,否,是\n"
    "王伟,副局长,13900000002,leader,否,是\n"
)


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def audit_count(store) -> int:
    return store.db.execute("SELECT count(*) FROM audit").fetchone()[0]


def test_csv_import_creates_then_updates_and_twice_changes_nothing(store):
    rows, errors = officer_io.read_csv(CSV.encode("utf-8-sig"))
    assert errors == []
    assert [r.row for r in rows] == [2, 3, 4, 5, 6]
    assert rows[1].roles == [Role.chief, Role.officer] and rows[1].active and not rows[1].admin
    assert rows[2].roles == [] and rows[2].admin
    res = store.officers.import_rows(rows)
    assert (res.created, res.updated, res.unchanged) == (5, 0, 0)
    wang = store.officers.find("王伟")
    assert {(o.title, o.phone) for o in wang} == {
        ("科员", "13900000001"),
        ("副局长", "13900000002"),
    }
    assert store.officers.resolve("欧阳明").admin
    again = store.officers.import_rows(rows)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 5)
    # A changed title updates the one 王伟 the phone names.
    changed = CSV.replace("王伟,科员,13900000001", "王伟,副科长,13900000001")
    rows, _ = officer_io.read_csv(changed.encode("utf-8-sig"))
    res = store.officers.import_rows(rows)
    assert (res.created, res.updated, res.unchanged) == (0, 1, 4)
    assert store.officers.resolve("王伟", phone="13900000001").title == "副科长"
    assert store.check().ok


def test_english_headers_and_xlsx_round_trip(store, tmp_path):
    text = (
        'name,title,phone,roles,admin,active\n赵磊,duty chief,13973100200,"chief, officer",no,yes\n'
    )
    rows, errors = officer_io.read_csv(text.encode())
    assert errors == [] and rows[0].roles == [Role.chief, Role.officer]
    store.officers.import_rows(rows)
    store.officers.add(
        Officer(name="欧阳明", title="办公室主任", phone="0731-84520001", admin=True)
    )
    path = tmp_path / "officers.xlsx"
    assert officer_io.write_file(path, store.officers.list(active_only=False)) == 2
    assert mode(path) == 0o600
    back, errors = officer_io.read_file(path)
    assert errors == []
    assert [(r.name, r.phone, r.roles, r.admin) for r in back] == [
        ("赵磊", "13973100200", [Role.chief, Role.officer], False),
        ("欧阳明", "0731-84520001", [], True),  # the leading zero kept: a text cell
    ]
    csv_path = tmp_path / "officers.csv"
    officer_io.write_file(csv_path, store.officers.list())
    data = csv_path.read_bytes()
    assert data.startswith(
        b"\xef\xbb\xbf"
    ) and "姓名,职务,电话,可任角色,管理员,在岗" in data.decode("utf-8-sig")
    assert mode(csv_path) == 0o600
    res = store.officers.import_rows(officer_io.read_file(csv_path)[0])
    assert res.unchanged == 2


def test_every_bad_row_is_reported_and_nothing_is_written(store):
    store.officers.add(Officer(name="王伟", title="科员", phone="13900000001"))
    store.officers.add(Officer(name="王伟", title="副局长", phone="13900000002"))
    before = audit_count(store)
    text = (
        "姓名,职务,电话,可任角色,管理员,在岗\n"
        "赵磊,值班长,13973100200,值班长,否,是\n"  # 2: good
        ",科员,,,,\n"  # 3: no name
        "周文博,科员,电话,,,\n"  # 4: bad phone
        "吴晓燕,科员,,组长,,\n"  # 5: unknown role
        "郑浩然,科员,,,也许,\n"  # 6: admin neither yes nor no
        ",,,,,\n"  # 7: blank: not a row
        "王伟,,,,,\n"  # 8: two 王伟 on the desk: which?
        "赵磊,值班长,13973100200,,,\n"  # 9: the same as row 2
        "冯雪,科员,,,,否\n"  # 10: good (an inactive officer)
    )
    rows, errors = officer_io.read_csv(text.encode("utf-8-sig"))
    assert [(e.row, e.field) for e in errors] == [
        (3, "name"),
        (4, "phone"),
        (5, "roles"),
        (6, "admin"),
        (9, "name"),
    ]
    with pytest.raises(OfficerImportError) as e:
        store.officers.import_rows(rows, errors=errors)
    got = [(x.row, x.field) for x in e.value.errors]
    assert got == [(3, "name"), (4, "phone"), (5, "roles"), (6, "admin"), (8, "name"), (9, "name")]
    msg = str(e.value.errors[4])
    assert "row 8" in msg and "13900000001" in msg and "13900000002" in msg
    assert audit_count(store) == before


def test_a_name_twice_in_the_file_needs_a_phone_each(store):
    text = "姓名,电话\n王伟,13900000001\n王伟,\n李娜,\n李娜,\n"
    rows, errors = officer_io.read_csv(text.encode())
    assert [(e.row, e.field) for e in errors] == [(5, "name")]  # the same name and phone twice
    with pytest.raises(OfficerImportError) as e:
        store.officers.import_rows(rows, errors=errors)
    # Row 2's 王伟 has a phone, row 3's not; row 5 (李娜 again, no phone) was refused already.
    assert [(x.row, x.field) for x in e.value.errors] == [(3, "phone"), (5, "name")]


def test_the_file_as_a_whole(tmp_path):
    with pytest.raises(officer_io.OfficerFileError, match="姓名"):
        officer_io.read_csv("职务,电话\n科员,1390000\n".encode())
    with pytest.raises(officer_io.OfficerFileError, match="empty"):
        officer_io.read_csv(b"")
    with pytest.raises(officer_io.OfficerFileError, match="unknown format"):
        officer_io.read_file(tmp_path / "officers.txt")
    rows, errors = officer_io.read_csv("姓名,手机\n赵磊,13973100200\n".encode("gb18030"))
    assert errors == [] and rows[0].phone == "13973100200"


def test_every_file_the_desk_writes_is_private(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    old = os.umask(0o022)  # files would be 0644 by default
    try:
        roster_csv = roster_io.write_file(
            out / "roster.csv",
            [
                RosterRow(
                    starts_at=datetime(2026, 12, 1, 8, 30, tzinfo=TZ),
                    ends_at=datetime(2026, 12, 2, 8, 30, tzinfo=TZ),
                    role=Role.leader,
                    name="王建国",
                )
            ],
            TZ,
        )
        units = [UnitRecord(name="县气象局", level=1, duty_phone="0731-84524121")]
        export_units(units, out / "units.csv")
        export_units(units, out / "units.xlsx")
        save_draft(out / "draft.json", {"values": {}})
        # An existing file readable by others becomes private when written over.
        loose = out / "loose.csv"
        loose.write_text("x")
        os.chmod(loose, 0o644)
        write_private(loose, "姓名\n")
    finally:
        os.umask(old)
    for p in (roster_csv, out / "units.csv", out / "units.xlsx", out / "draft.json"):
        assert mode(p) == 0o600, p
    assert mode(loose) == 0o600 and loose.read_text(encoding="utf-8") == "姓名\n"
    assert sorted(p.name for p in out.iterdir()) == [
        "draft.json",
        "loose.csv",
        "roster.csv",
        "units.csv",
        "units.xlsx",
    ]  # no temporary file left behind
