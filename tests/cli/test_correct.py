"""`watchdesk correct RECORD --reason …`, `corrections` and `duplicate ID` (issue 13): JSON out,
one transaction as the acting officer; every bad input exits 2 with one line and writes nothing."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from tests.helpers import TZ
from watchdesk.cli import main
from watchdesk.models.incident import IncidentFacts, ReportKind
from watchdesk.models.officer import Officer
from watchdesk.store.desk import Store


@pytest.fixture
def desk(tmp_path):
    path = tmp_path / "desk.db"
    assert main(["init", "--db", str(path)]) == 0
    s = Store.open(path, tz=TZ, actor="fixture")
    try:
        s.roster.add_officer(Officer(name="赵磊"))
    finally:
        s.close()
    return path


def add_incident(path, *, minutes_ago=20, **kw) -> int:
    now = datetime.now(UTC)
    base = dict(
        received_at=now - timedelta(minutes=minutes_ago),
        place="城关镇东街",
        category="accident",
        subtype="fire",
        description="居民楼起火",
        dead=10,
    )
    s = Store.open(path, tz=TZ, actor="fixture")
    try:
        return s.incidents.add(IncidentFacts(**(base | kw))).id
    finally:
        s.close()


def run(capsys, desk, *argv):
    try:
        code = main([*argv, "--db", str(desk)])
    except SystemExit as e:  # argparse's own errors (a missing or malformed option)
        code = e.code
    out, err = capsys.readouterr()
    return code, out, err


def state(desk) -> tuple[int, int, int]:
    s = Store.open(desk, tz=TZ)
    try:
        return tuple(
            s.db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("audit", "corrections", "duplicates")
        )
    finally:
        s.close()


def test_correct_a_report_as_the_acting_officer(desk, capsys):
    inc = add_incident(desk)
    code, out, err = run(
        capsys, desk, "incident", "report", str(inc), "--kind", "phone", "--to", "市局", "--json"
    )
    assert code == 0, err
    rep = json.loads(out)["report"]
    code, out, err = run(
        capsys, desk, "correct", f"report:{rep['id']}", "--reason", "误录", "--as", "赵磊", "--json"
    )
    assert code == 0, err
    data = json.loads(out)
    c = data["correction"]
    assert (c["ref"], c["reason"], c["by_whom"], c["incident_id"]) == (
        f"report:{rep['id']}",
        "误录",
        "赵磊",
        inc,
    )
    assert "corrected by 赵磊" in c["note"] and "Phone report" in c["text"]
    [clock] = data["reopened"]
    assert clock["kind"] == "phone" and clock["status"] == "running"
    assert clock["id"] == rep["deadline_id"]
    assert data["incident"]["reports"] == []  # struck: left out of the list
    s = Store.open(desk, tz=TZ)
    try:
        phone = [d for d in s.incidents.deadlines(inc) if d.kind == ReportKind.phone][0]
        assert phone.status.value == "running" and phone.report_id is None
        actor = s.db.execute("SELECT actor FROM audit WHERE table_name = 'corrections'").fetchone()[
            0
        ]
        assert actor == "赵磊"
    finally:
        s.close()
    code, out, err = run(capsys, desk, "corrections", "--incident", str(inc), "--json")
    assert code == 0 and [x["ref"] for x in json.loads(out)] == [f"report:{rep['id']}"]


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["correct", "report:999", "--reason", "x"], "no record report:999"),
        (["correct", "report:1", "--reason", "again"], "RECORD: report:1 is already corrected"),
        (["correct", "log:1", "--reason", ""], "--reason: a correction needs a reason"),
        (["correct", "log:1", "--reason", "   "], "--reason: a correction needs a reason"),
        (["correct", "memo:1", "--reason", "x"], "RECORD: not a record reference"),
        (["correct", "report", "--reason", "x"], "RECORD: not a record reference"),
        (["correct", "report:1"], "--reason"),
        (["correct", "log:1", "--reason", "x", "--as", "无名氏"], "无名氏"),
    ],
)
def test_bad_input_exits_2_and_writes_nothing(desk, capsys, argv, needle):
    inc = add_incident(desk)
    s = Store.open(desk, tz=TZ, actor="fixture")
    try:
        rep = s.incidents.record_report(inc, ReportKind.phone)
        from watchdesk.models.dutylog import LogEntry, LogKind

        s.dutylog.add(LogEntry(at=s.now(), kind=LogKind.note, content="备注"))
        from watchdesk.store.correction import correct

        correct(s, f"report:{rep.id}", "误录")
    finally:
        s.close()
    before = state(desk)
    code, out, err = run(capsys, desk, *argv)
    assert code == 2
    assert needle in err and len(err.strip().splitlines()) == 1
    assert out == ""
    assert state(desk) == before


def test_the_errors_are_in_the_ui_language(desk, capsys):
    code, _, err = run(capsys, desk, "--lang", "zh", "correct", "report:9", "--reason", "x")
    assert code == 2 and "没有记录 report:9" in err
    code, _, err = run(capsys, desk, "--lang", "zh", "correct", "report:9", "--reason", " ")
    assert code == 2 and "更正须注明原因" in err


def test_duplicate_lists_possible_ones_then_marks(desk, capsys):
    first = add_incident(desk, minutes_ago=40)
    second = add_incident(desk, minutes_ago=10, description="同一火灾的第二个来电")
    code, out, err = run(capsys, desk, "duplicate", str(second), "--json")
    assert code == 0, err
    data = json.loads(out)
    assert [(p["incident_id"], p["why"]) for p in data["possible"]] == [(first, ["place"])]
    assert data["window_minutes"] == 120
    code, out, _ = run(capsys, desk, "duplicate", str(second), "--window", "5", "--json")
    assert json.loads(out)["possible"] == []
    code, out, err = run(
        capsys,
        desk,
        "duplicate",
        str(second),
        "--of",
        str(first),
        "--reason",
        "同一火灾",
        "--as",
        "赵磊",
        "--json",
    )
    assert code == 0, err
    data = json.loads(out)
    assert data["incident"]["merged_into"] == first and data["duplicate"]["by_whom"] == "赵磊"
    assert all(d["status"] == "dropped" for d in data["incident"]["deadlines"])
    code, out, _ = run(capsys, desk, "incident", "list", "--json")
    assert [i["id"] for i in json.loads(out)] == [first]


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["--of", "{first}"], "--reason"),
        (["--reason", "x"], "--reason"),
        (["--of", "{second}", "--reason", "x"], "--of"),
        (["--of", "999", "--reason", "x"], "--of: no incident #999"),
        (["--of", "{first}", "--reason", " "], "--reason"),
        (["--window", "-1"], "--window"),
    ],
)
def test_bad_duplicate_input_exits_2(desk, capsys, argv, needle):
    first = add_incident(desk, minutes_ago=40)
    second = add_incident(desk, minutes_ago=10)
    before = state(desk)
    argv = [a.format(first=first, second=second) for a in argv]
    code, out, err = run(capsys, desk, "duplicate", str(second), *argv)
    assert code == 2 and needle in err and out == ""
    assert state(desk) == before
    code, _, err = run(capsys, desk, "duplicate", "999")
    assert code == 2 and "no incident #999" in err
