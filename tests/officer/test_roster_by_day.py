"""The office's roster layout (a row per day, a column per role) next to the per-assignment one:
told apart by the header; dates in the forms offices type; unknown names reported by row, never
added silently; the example files in docs/examples import."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from tests.helpers import TZ
from watchdesk.files import roster as roster_io
from watchdesk.models.officer import Officer
from watchdesk.models.roster import Role, ShiftSlot
from watchdesk.store.roster.repo import RosterImportError

EXAMPLES = Path(__file__).parents[2] / "docs" / "examples"
LEADERS = ["王建国", "李红梅", "张志强", "刘海涛", "陈立新"]
CHIEFS = ["赵磊", "孙丽娜"]
STAFF = [
    "周文博",
    "吴晓燕",
    "郑浩然",
    "冯雪",
    "何俊杰",
    "马晓东",
    "高婷婷",
    "林志远",
    "黄思琪",
    "徐明亮",
]


def at(d, hh=8, mm=30):
    return datetime(2026, 12, d, hh, mm, tzinfo=TZ)


def people(store) -> None:
    for names, roles in (
        (LEADERS, [Role.leader]),
        (CHIEFS, [Role.chief, Role.officer]),
        (STAFF, [Role.officer, Role.standby]),
    ):
        for n in names:
            store.officers.add(Officer(name=n, roles=roles))


def read(text: str, **kw):
    return roster_io.read_csv(text.encode("utf-8-sig"), TZ, **kw)


@pytest.mark.parametrize("name", ["roster-by-day.csv", "roster-by-day.xlsx"])
def test_the_example_files_import(store, name):
    people(store)
    rows, errors = roster_io.read_file(EXAMPLES / name, TZ, today=date(2026, 11, 30))
    assert errors == []
    assert len({(r.starts_at, r.ends_at) for r in rows}) == 7
    first = [r for r in rows if r.row == 2]
    assert {(r.role, r.name) for r in first} == {
        (Role.leader, "王建国"),
        (Role.chief, "赵磊"),
        (Role.officer, "周文博"),
        (Role.officer, "吴晓燕"),
        (Role.standby, "郑浩然"),
    }
    assert all((r.starts_at, r.ends_at) == (at(14), at(15)) for r in first)
    assert store.roster.unknown_names(rows) == {}
    res = store.roster.import_rows(rows, reason=f"import {name}")
    assert res.shifts_created == 7 and res.assigned == len(rows) == 7 * 5
    view = store.roster.on_duty(at(19, 12))
    assert view is not None and view.names(Role.officer) == ["吴晓燕", "郑浩然"]
    assert [r.note for r in rows if r.row == 8][0] == "周末"
    assert store.check().ok


def test_the_per_assignment_layout_is_still_read(store):
    rows, errors = read(
        "日期,开始,结束,班次,角色,姓名\n2026-12-01,08:30,08:30,24h,带班领导,王建国\n"
    )
    assert errors == [] and [(r.role, r.name, r.starts_at) for r in rows] == [
        (Role.leader, "王建国", at(1))
    ]


def test_names_in_a_cell_and_role_columns_in_english(store):
    text = (
        "date,leader,chief,officer,officer 2,standby\n"
        "2026-12-01,王建国,赵磊,周文博、吴晓燕，郑浩然,冯雪 何俊杰/马晓东,高婷婷;林志远\n"
    )
    rows, errors = read(text)
    assert errors == []
    assert [r.name for r in rows if r.role == Role.officer] == [
        "周文博",
        "吴晓燕",
        "郑浩然",
        "冯雪",
        "何俊杰",
        "马晓东",
    ]
    assert [r.name for r in rows if r.role == Role.standby] == ["高婷婷", "林志远"]


@pytest.mark.parametrize(
    "cell, want",
    [
        ("2026-12-01", date(2026, 12, 1)),
        ("2026/12/1", date(2026, 12, 1)),
        ("2026.12.1", date(2026, 12, 1)),
        ("2026年12月1日", date(2026, 12, 1)),
        ("12月1日", date(2026, 12, 1)),
        ("12月1号", date(2026, 12, 1)),
        ("12月1日（周二）", date(2026, 12, 1)),
        ("46357", date(2026, 12, 1)),  # an Excel date cell saved as its number
    ],
)
def test_date_forms(cell, want):
    rows, errors = read(f"日期,带班领导\n{cell},王建国\n", today=date(2026, 11, 20))
    assert errors == []
    assert rows[0].starts_at == datetime.combine(want, datetime.min.time(), TZ).replace(
        hour=8, minute=30
    )


def test_the_year_of_a_date_without_one():
    # From the file's other dates: a roster across the new year.
    text = "日期,带班领导\n2026-12-30,王建国\n12月31日,李红梅\n1月1日,张志强\n"
    rows, errors = read(text, today=date(2030, 6, 1))
    assert errors == []
    assert [r.starts_at.date() for r in rows] == [
        date(2026, 12, 30),
        date(2026, 12, 31),
        date(2027, 1, 1),
    ]
    # No full date in the file: the year that puts the day nearest today.
    rows, _ = read("日期,带班领导\n1月2日,王建国\n", today=date(2026, 12, 20))
    assert rows[0].starts_at.date() == date(2027, 1, 2)
    rows, _ = read("日期,带班领导\n11月30日,王建国\n", today=date(2026, 12, 20))
    assert rows[0].starts_at.date() == date(2026, 11, 30)


def test_shifts_of_a_day_night_pattern_by_label_or_times():
    slots = [
        ShiftSlot(start="08:00", hours=12, label="白班"),
        ShiftSlot(start="20:00", hours=12, label="夜班"),
    ]
    text = (
        "日期,班次,开始,结束,带班领导,值班员\n"
        "12月1日,白班,,,王建国,周文博\n"  # 2
        "12月1日,夜班,,,李红梅,吴晓燕\n"  # 3
        "12月2日,,09:00,17:00,王建国,郑浩然\n"  # 4: times given
        "12月2日,,,,王建国,冯雪\n"  # 5: which shift?
        "12月3日,中班,,,王建国,冯雪\n"  # 6: no such shift
        "13月3日,白班,,,王建国,冯雪\n"  # 7: no such date
        ",白班,,,王建国,冯雪\n"  # 8: no date
        "12月4日,白班,25:00,,王建国,冯雪\n"  # 9: no such time
    )
    rows, errors = read(text, slots=slots, today=date(2026, 11, 30))
    assert [(e.row, e.field) for e in errors] == [
        (5, "label"),
        (6, "label"),
        (7, "date"),
        (8, "date"),
        (9, "start"),
    ]
    spans = {r.row: (r.starts_at, r.ends_at, r.label) for r in rows}
    assert spans[2] == (at(1, 8, 0), at(1, 20, 0), "白班")
    assert spans[3] == (at(1, 20, 0), at(2, 8, 0), "夜班")
    assert spans[4][:2] == (at(2, 9, 0), at(2, 17, 0))


def test_unknown_names_are_reported_by_row_and_never_added(store):
    people(store)
    text = (
        "日期,带班领导,值班员\n"
        "2026-12-01,王建国,周文博、钱七\n"
        "2026-12-02,孙八,钱七\n"
        "2026-12-03,李红梅,吴晓燕\n"
    )
    rows, errors = read(text)
    assert errors == []
    assert store.roster.unknown_names(rows) == {"钱七": [2, 3], "孙八": [3]}
    before = store.db.execute("SELECT count(*) FROM audit").fetchone()[0]
    with pytest.raises(RosterImportError) as e:
        store.roster.import_rows(rows)
    assert [(x.row, x.problem.split(" (")[0]) for x in e.value.errors] == [
        (2, "no officer named '钱七'"),
        (3, "no officer named '孙八'"),
        (3, "no officer named '钱七'"),
    ]
    assert store.db.execute("SELECT count(*) FROM audit").fetchone()[0] == before
    # Once the user chose to add them, the file imports.
    for name in store.roster.unknown_names(rows):
        store.officers.add(Officer(name=name))
    res = store.roster.import_rows(rows)
    assert res.assigned == 7 and res.officers_added == []


def test_a_role_an_officer_may_not_take_is_a_bad_row(store):
    people(store)
    rows, errors = read("日期,带班领导,值班员\n2026-12-01,周文博,王建国\n")
    assert errors == []
    with pytest.raises(RosterImportError) as e:
        store.roster.import_rows(rows)
    assert [(x.row, x.field) for x in e.value.errors] == [(2, "role"), (2, "role")]
    assert "周文博 may not be" in e.value.errors[0].problem
