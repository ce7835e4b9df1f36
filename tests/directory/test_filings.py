"""The directory's filings (备案, issue 16; seed 004): first-level units file their duty phone and
duty-staff list; a filing older than `filing_interval_days` warns in the directory and on the
first screen. The store (the boundary: exactly the interval is current, one day more is stale),
the command line, the import's optional columns, and a Pilot test from the directory screen."""

from __future__ import annotations

import csv
import json
import sqlite3
from datetime import date, timedelta

import pytest

from tests.directory.fixtures import seed
from tests.helpers import settle
from watchdesk.app import make_app
from watchdesk.cli import main
from watchdesk.config import Settings
from watchdesk.errors import InputError
from watchdesk.files.directory import parse_directory, parse_rows
from watchdesk.i18n import t
from watchdesk.models.directory import (
    FilingInput,
    FilingState,
    filing_state,
    staff_names,
    stale_count,
)
from watchdesk.screens.directory import DirectoryScreen
from watchdesk.screens.directory_forms import FilingFormScreen
from watchdesk.screens.main import MainScreen
from watchdesk.store.desk import Store
from watchdesk.widgets.leader_check import LeaderCheckBar

TODAY = date(2026, 11, 22)  # the conftest clock's day (14:29 in Shanghai)


# -- the rule ---------------------------------------------------------------------------------------
def test_stale_at_the_boundary():
    assert filing_state(TODAY - timedelta(days=31), TODAY, 31) == FilingState.ok
    assert filing_state(TODAY - timedelta(days=32), TODAY, 31) == FilingState.stale
    assert filing_state(TODAY - timedelta(days=62), TODAY, 31) == FilingState.stale
    assert filing_state(TODAY - timedelta(days=63), TODAY, 31) == FilingState.overdue
    assert filing_state(TODAY, TODAY, 31) == FilingState.ok
    assert filing_state(None, TODAY, 31) == FilingState.never
    assert filing_state(None, TODAY, 31, required=False) == FilingState.none
    assert filing_state(TODAY - timedelta(days=8), TODAY, 7) == FilingState.stale
    last = [TODAY - timedelta(days=31), TODAY - timedelta(days=32), None]
    assert stale_count(last, TODAY, 31) == 2
    assert staff_names("张伟、李娜, 王涛\n赵磊；") == ["张伟", "李娜", "王涛", "赵磊"]
    assert FilingInput(filed_on=TODAY, staff="张伟、李娜").count == 2
    assert FilingInput(filed_on=TODAY, staff="张伟", staff_count=6).count == 6
    assert FilingInput(filed_on=TODAY).count is None


# -- the store --------------------------------------------------------------------------------------
def test_store_stale_boundary_and_history(store):
    ids = seed(store)
    police, fire, cq = ids["县公安局指挥中心"], ids["县消防救援大队"], ids["重庆市应急管理局"]
    bank = ids["中国工商银行县支行"]
    f = store.directory.filings
    assert f.today() == TODAY
    first = f.record(police, FilingInput(filed_on=TODAY - timedelta(days=60), staff="刘强"))
    assert first.recorded_by == "测试员" and first.source == "desk"
    assert first.duty_phones == [] and first.staff_count == 1
    f.record(
        police,
        FilingInput(
            filed_on=TODAY - timedelta(days=31),
            duty_phones=["0731-84521110", " 0731-84521111 ", "0731-84521110"],
            staff="刘强、陈伟、李娜",
        ),
    )
    f.record(fire, FilingInput(filed_on=TODAY - timedelta(days=32), staff_count=5))
    f.record(bank, FilingInput(filed_on=TODAY - timedelta(days=100)))  # level 2: of its own accord

    by = {s.unit_name: s for s in f.statuses(31)}
    assert by["县公安局指挥中心"].state == FilingState.ok  # exactly the interval: current
    assert by["县公安局指挥中心"].last.duty_phones == ["0731-84521110", "0731-84521111"]
    assert by["县公安局指挥中心"].age_days == 31
    assert by["县公安局指挥中心"].due_on == TODAY
    assert by["县消防救援大队"].state == FilingState.stale  # one day more: stale
    assert by["县消防救援大队"].last.staff_count == 5
    assert by["重庆市应急管理局"].state == FilingState.never
    assert by["中国工商银行县支行"].state == FilingState.overdue
    assert not by["中国工商银行县支行"].required
    assert by["城关镇值班室"].state == FilingState.none
    stale = [s.unit_name for s in f.stale(31)]
    assert stale == ["县消防救援大队", "重庆市应急管理局", "中国工商银行县支行"]
    assert [s.unit_name for s in f.stale(31, TODAY - timedelta(days=1))] == [
        "重庆市应急管理局",
        "中国工商银行县支行",
    ]
    # the first screen's count: the three level-1 units (police current, fire stale, 重庆 never)
    assert store.dashboard().filings_last == [
        TODAY - timedelta(days=31),
        TODAY - timedelta(32),
        None,
    ]
    assert stale_count(store.dashboard().filings_last, TODAY, 31) == 2
    # the whole history is kept, newest first
    assert [x.filed_on for x in f.history(police)] == [
        TODAY - timedelta(days=31),
        TODAY - timedelta(days=60),
    ]
    assert len(f.history()) == 4
    # never changed nor deleted, and every filing is in the audit chain
    for sql in ("UPDATE unit_filings SET staff = 'x'", "DELETE FROM unit_filings"):
        with pytest.raises(sqlite3.IntegrityError):
            store.db.execute(sql)
    assert store.check().ok
    audited = store.db.execute(
        "SELECT count(*) FROM audit WHERE table_name = 'unit_filings' AND action = 'insert'"
    ).fetchone()[0]
    assert audited == 4
    del cq


def test_store_refuses_bad_filings(store):
    ids = seed(store)
    f = store.directory.filings
    police = ids["县公安局指挥中心"]
    with pytest.raises(InputError) as e:
        f.record(police, FilingInput(filed_on=TODAY + timedelta(days=1)))
    assert e.value.field == "filed_on"
    with pytest.raises(InputError) as e:
        f.record(police, FilingInput(filed_on=TODAY, duty_phones=["0731-8452", "值班室"]))
    assert e.value.field == "duty_phones[2]"
    with pytest.raises(Exception, match="999"):
        f.record(999, FilingInput(filed_on=TODAY))
    assert f.history() == []


# -- the command line -------------------------------------------------------------------------------
def test_filing_commands(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("WATCHDESK_TZ", "Asia/Shanghai")
    db = str(tmp_path / "desk.db")
    s = Store.open(db, actor="测试员")
    ids = seed(s)
    today = s.directory.filings.today()
    s.close()

    def run(*argv):
        code = main([*argv, "--db", db])
        out, err = capsys.readouterr()
        return code, (json.loads(out) if out.strip() else None), err

    old = (today - timedelta(days=40)).isoformat()
    code, f, err = run(
        "directory", "filing", "add", "县公安局指挥中心", "--date", old, "--staff", "刘强、陈伟"
    )
    assert code == 0, err
    assert f["duty_phones"] == ["0731-84521110"]  # the unit's duty phone by default
    assert (f["staff_count"], f["source"], f["recorded_by"]) == (2, "cli", "tests")
    code, f, err = run(
        "directory",
        "filing",
        "add",
        str(ids["县消防救援大队"]),
        "--phone",
        "0731-84526119",
        "--phone",
        "13807310002",
        "--staff-count",
        "6",
    )
    assert code == 0 and f["filed_on"] == today.isoformat() and f["staff_count"] == 6
    assert f["duty_phones"] == ["0731-84526119", "13807310002"]

    code, stale, _ = run("directory", "filing", "stale", "--json")
    assert code == 0
    assert [(x["unit_name"], x["state"]) for x in stale] == [
        ("县公安局指挥中心", "stale"),
        ("重庆市应急管理局", "never"),
    ]
    code, stale, _ = run("directory", "filing", "stale", "--days", "40")
    assert [x["unit_name"] for x in stale] == ["重庆市应急管理局"]  # exactly 40 days: current
    code, every, _ = run("directory", "filing", "stale", "--all")
    assert len(every) == 9
    code, listed, _ = run("directory", "filing", "list", "--unit", "县公安局指挥中心")
    assert [x["filed_on"] for x in listed] == [old]
    assert len(run("directory", "filing", "list")[1]) == 2

    # bad input: exit 2, one line naming the option, nothing written
    for argv, where in (
        (("县公安局指挥中心", "--date", "2099-01-01"), "--date"),
        (("县公安局指挥中心", "--date", "明天"), "--date"),
        (("县公安局指挥中心", "--phone", "值班室"), "--phone"),
        (("县公安局指挥中心", "--staff-count", "-1"), "--staff_count"),
        (("没有的单位",), "unit"),
    ):
        code, out, err = run("directory", "filing", "add", *argv)
        assert code == 2 and out is None, (argv, err)
        assert where in err and len(err.strip().splitlines()) == 1, err
    code, _, err = run("directory", "filing", "stale", "--days", "0")
    assert code == 2 and "--days" in err
    code, _, err = run("directory", "filing", "list", "--unit", "没有的单位")
    assert code == 2 and "--unit" in err
    assert len(run("directory", "filing", "list")[1]) == 2


def test_interval_from_the_config_file(tmp_path, capsys):
    db = str(tmp_path / "desk.db")
    s = Store.open(db, actor="测试员")
    ids = seed(s)
    s.directory.filings.record(
        ids["县公安局指挥中心"],
        FilingInput(filed_on=s.directory.filings.today() - timedelta(days=10)),
    )
    s.close()
    cfg = tmp_path / "watchdesk.toml"
    cfg.write_text("filing_interval_days = 7\n", encoding="utf-8")
    assert main(["directory", "filing", "stale", "--db", db, "--config", str(cfg)]) == 0
    names = [x["unit_name"] for x in json.loads(capsys.readouterr().out)]
    assert "县公安局指挥中心" in names
    cfg.write_text("filing_interval_days = 0\n", encoding="utf-8")
    assert main(["directory", "filing", "stale", "--db", db, "--config", str(cfg)]) == 2
    assert "filing_interval_days" in capsys.readouterr().err


# -- the import ---------------------------------------------------------------------------------------
def _csv(path, rows):
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


HEADER = ["名称", "类型", "级别", "值班电话"]


def test_import_with_filing_columns(tmp_path, store, capsys):
    ids = seed(store)
    rows = [
        [*HEADER, "备案日期", "值班人员"],
        ["县公安局指挥中心", "联动单位", "一级", "0731-84521110", "2026/11/01", "刘强、陈伟"],
        ["县消防救援大队", "联动单位", "一级", "0731-84526119", "", ""],
        ["县气象局", "联动单位", "一级", "0731-84524121", "2026年11月20日", "罗佳\n徐明"],
    ]
    units, filings = parse_directory(rows)
    assert [u.name for u in units] == ["县公安局指挥中心", "县消防救援大队", "县气象局"]
    assert [(f.row, f.unit_name, f.filing.filed_on) for f in filings] == [
        (2, "县公安局指挥中心", date(2026, 11, 1)),
        (4, "县气象局", date(2026, 11, 20)),
    ]
    res = store.directory.import_units(units, filings=filings)
    assert (res.created, res.filings) == (1, 2)
    by = {s.unit_name: s for s in store.directory.filings.statuses(31)}
    assert by["县公安局指挥中心"].last.duty_phones == ["0731-84521110"]
    assert by["县公安局指挥中心"].last.source == "import"
    assert by["县气象局"].last.count == 2
    assert by["县消防救援大队"].state == FilingState.never
    # the same file again records nothing new; a dry run nothing at all
    assert store.directory.import_units(units, filings=filings).filings == 0
    assert len(store.directory.filings.history()) == 2
    rows[1][4] = "2026-11-21"
    units, filings = parse_directory(rows)
    assert store.directory.import_units(units, filings=filings, dry_run=True).filings == 1
    assert len(store.directory.filings.history()) == 2
    del ids


def test_import_filing_columns_checked(tmp_path):
    from watchdesk.files.directory import ImportRefused

    rows = [
        [*HEADER, "filed_on", "duty_staff"],
        ["县公安局指挥中心", "联动单位", "一级", "0731-84521110", "yesterday", ""],
        ["县消防救援大队", "联动单位", "一级", "0731-84526119", "", "彭勇"],
    ]
    with pytest.raises(ImportRefused) as e:
        parse_directory(rows)
    assert [(p.row, p.field) for p in e.value.problems] == [(2, "filed_on"), (3, "filed_on")]


def test_import_without_filing_columns_unchanged(tmp_path, store, capsys):
    seed(store)
    rows = [HEADER, ["县公安局指挥中心", "联动单位", "一级", "0731-84521110"]]
    units, filings = parse_directory(rows)
    assert filings == [] and parse_rows(rows) == units
    res = store.directory.import_units(units)
    assert (res.created, res.updated, res.filings) == (0, 1, 0)  # its contact retired
    store.close()
    path = _csv(tmp_path / "units.csv", rows)
    db = str(tmp_path / "desk.db")
    assert main(["directory", "import", str(path), "--db", db]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out == {"created": 0, "updated": 0, "unchanged": 1, "rows": 1, "filings": 0}
    path = _csv(
        tmp_path / "filed.csv",
        [
            [*HEADER, "备案日期"],
            ["县公安局指挥中心", "联动单位", "一级", "0731-84521110", "2026-11-02"],
        ],
    )
    assert main(["directory", "import", str(path), "--db", db]) == 0
    assert json.loads(capsys.readouterr().out)["filings"] == 1


# -- the screens --------------------------------------------------------------------------------------
async def test_filing_from_the_directory_screen_and_the_first_screen(db_path, clock, store):
    ids = seed(store)
    store.directory.filings.record(
        ids["县消防救援大队"], FilingInput(filed_on=TODAY - timedelta(days=40))
    )
    app = make_app(db_path, settings=Settings(), clock=clock, poll=False)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(pilot, lambda: isinstance(app.screen, MainScreen), what="the first screen")
        bar = app.screen.query_one(LeaderCheckBar)
        # three level-1 units: none current (公安 and 重庆 never filed, 消防 stale)
        await settle(
            pilot,
            lambda: t("filing.main.stale", n=3) in bar.last_text.plain,
            n=200,
            what="the line",
        )

        screen = DirectoryScreen()
        app.push_screen(screen)
        await settle(pilot, lambda: screen.searches >= 1, what="the directory", workers=True)
        table = screen.query_one("#dir-hits")
        col = list(table.columns).index("filing")
        cells = {h.unit_name: table.get_row_at(i)[col] for i, h in enumerate(table.hits)}
        assert cells["县公安局指挥中心"].plain == t("filing.never")
        assert "red" in str(cells["县公安局指挥中心"].spans[0].style)
        assert cells["县消防救援大队"].plain == (TODAY - timedelta(days=40)).isoformat()
        assert "#e8a300" in str(cells["县消防救援大队"].spans[0].style)
        assert cells["城关镇值班室"].plain == "—"

        await pilot.press("enter")  # to the list; the first unit, 县公安局指挥中心
        await settle(
            pilot,
            lambda: screen.unit is not None and screen.unit.name == "县公安局指挥中心",
            what="the detail",
            workers=True,
        )
        assert t("filing.detail.never") in str(screen.query_one("#dir-detail").render())
        await pilot.press("b")
        await settle(pilot, lambda: isinstance(app.screen, FilingFormScreen), what="the form")
        form = app.screen
        assert form.query_one("#fl-filed_on").value == TODAY.isoformat()
        assert form.query_one("#fl-phones").value == "0731-84521110"
        # a day in the future is refused, naming the field; what was typed is kept
        form.query_one("#fl-filed_on").value = "2026-12-01"
        form.query_one("#fl-staff").text = "刘强、陈伟、李娜"
        await pilot.press("ctrl+s")
        await settle(
            pilot,
            lambda: t("filing.field.filed_on") in str(form.query_one("#filing-error").render()),
            what="the refusal",
            workers=True,
        )
        assert form.query_one("#fl-staff").text == "刘强、陈伟、李娜"
        form.query_one("#fl-filed_on").value = "2026-11-20"
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: app.screen is screen, what="the save", workers=True)
        await settle(
            pilot,
            lambda: "2026-11-20" in str(screen.query_one("#dir-detail").render()),
            what="the detail updated",
            workers=True,
        )
        assert screen.unit.name == "县公安局指挥中心"  # the cursor stayed on the unit
        cell = table.get_row_at(table.cursor_row)[col]
        assert cell.plain == "2026-11-20"
        saved = app.client.call_sync(lambda s: s.directory.filings.history(ids["县公安局指挥中心"]))
        assert [(f.filed_on, f.count, f.duty_phones) for f in saved] == [
            (date(2026, 11, 20), 3, ["0731-84521110"])
        ]
        assert saved[0].recorded_by

        await pilot.press("escape")
        await settle(pilot, lambda: isinstance(app.screen, MainScreen), what="back")
        app.action_reload()
        await settle(
            pilot,
            lambda: (
                t("filing.main.stale", n=2) in app.screen.query_one(LeaderCheckBar).last_text.plain
            ),
            what="the line after the filing",
            workers=True,
        )
