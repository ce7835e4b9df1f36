"""`watchdesk task …`: JSON out, exit 2 with one clear line on bad input, nothing half-written."""

from __future__ import annotations

import json

import pytest

from tests.helpers import facts
from watchdesk.cli import main
from watchdesk.models.directory import Unit
from watchdesk.store.desk import Store


@pytest.fixture
def desk(tmp_path, clock):
    db = str(tmp_path / "desk.db")
    s = Store.open(db, actor="测试员", clock=clock)
    for name in ("县公安局指挥中心", "县消防救援大队", "县卫生健康局", "青山铺镇值班室"):
        s.directory.add_unit(Unit(name=name, level=1))
    inc = s.incidents.add(facts(clock, received_at=s.now()))
    s.close()
    return db, inc.id


def _run(capsys, db, *argv):
    code = main([*argv, "--db", db, "--lang", "en"])
    out, err = capsys.readouterr()
    return code, (json.loads(out) if out.strip() else None), err


def test_add_show_record_chase_cancel(desk, capsys):
    db, inc = desk
    code, tasks, _ = _run(
        capsys,
        db,
        "task",
        "add",
        "--incident",
        str(inc),
        "--unit",
        "1",
        "--unit",
        "县消防救援大队",
        "--unit",
        "3",
        "--text",
        "立即赶赴现场",
        "--channel",
        "电话",
    )
    assert code == 0 and [t["unit_name"] for t in tasks] == [
        "县公安局指挥中心",
        "县消防救援大队",
        "县卫生健康局",
    ]
    assert tasks[0]["next_step"] == "ack" and tasks[0]["clocks"][1]["rule"] == "rapid"
    tid = str(tasks[0]["id"])
    code, task, _ = _run(capsys, db, "task", "arrive", tid)
    assert code == 0 and task["next_step"] == "feedback"
    code, task, _ = _run(capsys, db, "task", "feedback", tid, "--text", "现场已控制")
    assert code == 0 and task["status"] == "done"
    code, task, _ = _run(capsys, db, "task", "cancel", str(tasks[2]["id"]), "--reason", "派错")
    assert task["status"] == "cancelled"
    code, listed, _ = _run(capsys, db, "task", "list", "--open")
    assert [t["unit_name"] for t in listed] == ["县消防救援大队"]
    code, task, _ = _run(capsys, db, "task", "show", str(tasks[1]["id"]))
    assert code == 0 and task["chased"] == 0


@pytest.mark.parametrize(
    ("argv", "where"),
    [
        (["task", "add", "--text", "x", "--unit", "1"], "--incident"),
        (["task", "add", "--incident", "1", "--text", "x"], "--unit"),
        (["task", "add", "--incident", "1", "--text", "x", "--unit", "99"], "--unit"),
        (
            ["task", "add", "--incident", "1", "--text", "x", "--unit", "1", "--channel", "鸽子"],
            "--channel",
        ),
        (["task", "add", "--incident", "1", "--text", " ", "--unit", "1"], "--text"),
        (["task", "show", "42"], "ID"),
        (["task", "chase", "42", "--outcome", "x"], "ID"),
        (["task", "step", "1", "--step", "fly"], "--step"),
    ],
)
def test_bad_input_exits_2_with_one_line(desk, capsys, argv, where):
    db, _ = desk
    if argv[1] in ("chase", "step"):
        _run(capsys, db, "task", "add", "--incident", "1", "--unit", "1", "--text", "x")
    code, out, err = _run(capsys, db, *argv)
    assert code == 2 and out is None and len(err.strip().splitlines()) == 1
    assert where in err, err
    if argv[1] == "add":
        assert _run(capsys, db, "task", "list")[1] == []


def test_chase_only_when_late(desk, capsys):
    db, inc = desk
    _run(
        capsys,
        db,
        "task",
        "add",
        "--incident",
        str(inc),
        "--unit",
        "1",
        "--text",
        "x",
        "--at",
        "2026-11-22 14:00",
    )
    code, task, _ = _run(
        capsys, db, "task", "chase", "1", "--outcome", "已催", "--at", "2026-11-22 14:20"
    )
    assert code == 0 and task["chased"] == 1 and task["chases"][0]["step"] == "ack"


def test_notice_with_its_clocks_passed_on(desk, capsys):
    db, _ = desk
    code, notice, _ = _run(
        capsys, db, "task", "notice", "--from", "市应急管理局", "--content", "暴雨预警通知"
    )
    assert code == 0 and [c["step"] for c in notice["clocks"]] == ["leader", "pass", "receipt"]
    nid = str(notice["id"])
    assert _run(capsys, db, "task", "step", nid, "--step", "leader")[0] == 0
    code, given, _ = _run(
        capsys,
        db,
        "task",
        "add",
        "--notice",
        nid,
        "--unit",
        "青山铺镇值班室",
        "--text",
        "转发预警",
        "--kind",
        "instruction",
    )
    assert code == 0 and given[0]["parent_id"] == notice["id"]
    code, notice, _ = _run(capsys, db, "task", "show", nid)
    assert notice["next_step"] == "receipt"


def test_first_receiver_and_rollcall(desk, capsys):
    db, inc = desk
    code, fr, _ = _run(capsys, db, "task", "first", str(inc), "--unit", "县公安局指挥中心")
    assert code == 0 and fr["unit_id"] is None or fr["unit_name"] == "县公安局指挥中心"
    code, fr, _ = _run(capsys, db, "task", "first", str(inc), "--to", "2", "--note", "移交")
    assert code == 0 and fr["handed_to"] == "县消防救援大队"
    code, _, err = _run(capsys, db, "task", "rollcall", "--incident", str(inc))
    assert code == 2 and "no units dispatched" in err
    _run(
        capsys,
        db,
        "task",
        "add",
        "--incident",
        str(inc),
        "--unit",
        "1",
        "--unit",
        "2",
        "--text",
        "x",
    )
    code, rep, _ = _run(capsys, db, "task", "rollcall", "--incident", str(inc))
    assert code == 0 and [e["unit_name"] for e in rep["entries"]] == [
        "县公安局指挥中心",
        "县消防救援大队",
    ]
