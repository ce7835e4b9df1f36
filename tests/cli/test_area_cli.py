"""`watchdesk area …` and the area of `incident add` (issue 15): tables in the UI language, JSON
on request, bad input refused with exit 2 and nothing written."""

from __future__ import annotations

import json
import sqlite3

import pytest

from watchdesk.cli import main


@pytest.fixture
def desk(tmp_path):
    path = tmp_path / "desk.db"
    assert main(["init", "--db", str(path)]) == 0
    return path


def run(capsys, *argv):
    try:
        code = main([str(a) for a in argv])
    except SystemExit as e:
        code = int(e.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def count(path, table) -> int:
    con = sqlite3.connect(path)
    try:
        return con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    finally:
        con.close()


def add_incident(capsys, desk, tmp_path, **fields):
    f = tmp_path / "inc.json"
    data = {"place": "城关镇东街", "category": "火灾", "description": "商铺起火"} | fields
    f.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return run(capsys, "incident", "add", "--json", f, "--db", desk)


def test_areas_are_added_and_listed(desk, capsys):
    code, out, _ = run(capsys, "area", "add", "青山铺镇", "--code", "430121101", "--db", desk)
    assert code == 0 and json.loads(out)["name"] == "青山铺镇"
    assert run(capsys, "area", "add", "湘江县", "--kind", "district", "--db", desk)[0] == 0
    code, out, _ = run(capsys, "area", "list", "--db", desk, "--lang", "zh")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["#", "辖区", "区划代码", "类型"]
    assert "青山铺镇" in lines[2] and "430121101" in lines[2] and "乡镇/街道" in lines[2]
    code, out, _ = run(capsys, "area", "list", "--json", "--db", desk)
    assert [a["name"] for a in json.loads(out)] == ["青山铺镇", "湘江县"]


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["area", "add", "白沙乡", "--code", "4301x"], "code"),
        (["area", "add", "青山铺镇"], "name"),
    ],
)
def test_a_bad_area_is_refused_and_nothing_written(desk, capsys, args, field):
    run(capsys, "area", "add", "青山铺镇", "--db", desk)
    audit = count(desk, "audit")
    code, out, err = run(capsys, *args, "--db", desk)
    assert code == 2 and out == ""
    assert field in err
    assert count(desk, "areas") == 1 and count(desk, "audit") == audit


def test_incident_add_takes_an_area_by_name_or_pinyin(desk, tmp_path, capsys):
    run(capsys, "area", "add", "城关镇", "--db", desk)
    code, out, _ = add_incident(capsys, desk, tmp_path, area="cgz")
    assert code == 0
    inc = json.loads(out)
    assert (inc["area"], inc["area_id"]) == ("城关镇", 1)
    code, out, err = add_incident(capsys, desk, tmp_path, area="南山镇")
    assert code == 2 and "area" in err and "南山镇" in err
    assert count(desk, "incidents") == 1


def test_areas_come_from_the_directory(desk, tmp_path, capsys):
    f = tmp_path / "units.csv"
    f.write_text(
        "名称,类型,值班室类别\n青山铺镇值班室,值班室,乡镇街道\n湘江县值班室,值班室,区县\n"
        "县水利局值班室,值班室,部门\n",
        encoding="utf-8",
    )
    assert run(capsys, "directory", "import", f, "--db", desk)[0] == 0
    code, out, _ = run(capsys, "area", "import-from-directory", "--dry-run", "--db", desk)
    assert code == 0 and sorted(json.loads(out)["created"]) == ["湘江县", "青山铺镇"]
    assert count(desk, "areas") == 0
    code, out, _ = run(capsys, "area", "import-from-directory", "--db", desk)
    assert code == 0 and count(desk, "areas") == 2


def test_propose_prints_a_table_and_apply_writes_it(desk, tmp_path, capsys):
    for place in ("青山铺镇水库下游", "G107国道K1532处"):
        assert add_incident(capsys, desk, tmp_path, place=place)[0] == 0
    run(capsys, "area", "add", "青山铺镇", "--db", desk)
    code, out, _ = run(capsys, "area", "propose", "--db", desk, "--lang", "zh")
    assert code == 0
    assert out.splitlines()[0].split() == ["事件", "事发地点", "辖区"]
    assert "#1" in out and "青山铺镇水库下游" in out and "G107" not in out
    assert "--apply" in out
    con = sqlite3.connect(desk)
    assert con.execute("SELECT area_id FROM incidents WHERE id = 1").fetchone() == (None,)
    code, out, _ = run(capsys, "area", "propose", "--apply", "--json", "--db", desk)
    assert code == 0 and json.loads(out)["applied"] == 1
    assert con.execute("SELECT area_id, version FROM incidents WHERE id = 1").fetchone() == (1, 2)
    con.close()
    code, out, _ = run(capsys, "area", "propose", "--db", desk)
    assert code == 0 and "No incident" in out
    assert run(capsys, "check", "--db", desk)[0] == 0
