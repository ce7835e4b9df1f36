"""`watchdesk roster …`, `signin`, `leader-check`, and the duty block of `now --json`."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.helpers import TZ
from tests.roster.fixtures import people
from watchdesk.cli import main
from watchdesk.models.roster import Role
from watchdesk.store.desk import Store

CSV = (
    "日期,开始,结束,班次,角色,姓名,电话,备注\r\n"
    "2026-12-01,08:30,08:30,24h,带班领导,王建国,13900000001,\r\n"
    "2026-12-01,08:30,08:30,24h,值班员,周文博,,\r\n"
    "2026-12-02,08:30,08:30,24h,带班领导,李红梅,,\r\n"
    "2026-12-02,08:30,08:30,24h,值班员,吴晓燕,,国庆值班\r\n"
)


@pytest.fixture
def desk(tmp_path):
    path = tmp_path / "desk.db"
    assert main(["init", "--db", str(path)]) == 0
    return path


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def count(path, table):
    s = Store.open(path)
    try:
        return s.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    finally:
        s.close()


def test_import_export_round_trip(desk, tmp_path, capsys):
    f = tmp_path / "排班.csv"
    f.write_bytes(CSV.encode("utf-8-sig"))
    code, out, err = run(capsys, "roster", "import", f, "--db", desk)
    assert code == 2 and "no officer named '王建国'" in err and count(desk, "shifts") == 0
    code, out, err = run(capsys, "roster", "import", f, "--add-officers", "--db", desk)
    assert code == 0, err
    res = json.loads(out)
    assert res["assigned"] == 4 and res["shifts_created"] == 2 and len(res["officers_added"]) == 4
    out_csv = tmp_path / "out.csv"
    code, _, err = run(
        capsys,
        "roster",
        "export",
        "--from",
        "2026-12-01",
        "--to",
        "2026-12-02",
        "--output",
        out_csv,
        "--lang",
        "zh",
        "--db",
        desk,
    )
    assert code == 0, err
    data = out_csv.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and "带班领导,王建国,13900000001".encode() in data
    for fmt in ("xlsx", "ics"):
        target = tmp_path / f"out.{fmt}"
        code, _, err = run(
            capsys,
            "roster",
            "export",
            "--from",
            "2026-12-01",
            "--to",
            "2026-12-02",
            "--output",
            target,
            "--db",
            desk,
        )
        assert code == 0 and target.stat().st_size > 100, err
    code, out, _ = run(capsys, "roster", "import", tmp_path / "out.xlsx", "--db", desk)
    assert code == 0 and json.loads(out)["unchanged"] == 4
    code, out, _ = run(
        capsys,
        "roster",
        "export",
        "--format",
        "ics",
        "--officer",
        "周文博",
        "--from",
        "2026-12-01",
        "--to",
        "2026-12-02",
        "--db",
        desk,
    )
    assert code == 0 and out.count("BEGIN:VEVENT") == 1


def test_bad_import_lists_every_row_and_writes_nothing(desk, tmp_path, capsys):
    f = tmp_path / "bad.csv"
    f.write_text(
        "date,start,end,role,name\n2026-12-01,08:30,08:30,boss,王建国\n"
        "2026-12-01,8点半,08:30,leader,王建国\n2026-12-02,08:30,08:30,leader,\n",
        encoding="utf-8",
    )
    before = count(desk, "audit")
    code, out, err = run(capsys, "roster", "import", f, "--add-officers", "--db", desk)
    assert code == 2 and out == ""
    lines = err.strip().splitlines()
    assert lines[0] == f"watchdesk: {f}: 3 bad row(s); nothing was imported"
    assert [ln.split(":")[0].strip() for ln in lines[1:]] == ["row 2", "row 3", "row 4"]
    assert count(desk, "audit") == before
    code, _, err = run(capsys, "roster", "import", tmp_path / "nope.csv", "--db", desk)
    assert code == 2 and len(err.strip().splitlines()) == 1


def test_names_not_on_the_desk_are_listed_never_added_silently(desk, tmp_path, capsys):
    s = Store.open(desk, actor="tests")
    people(s)  # 王建国, 李红梅 … are on the desk; 吴晓燕 is too
    s.close()
    f = tmp_path / "排班.csv"
    f.write_bytes(
        (
            CSV
            + "2026-12-03,08:30,08:30,24h,值班员,新人甲,,\r\n"
            + "2026-12-03,08:30,08:30,24h,厨师,周文博,,\r\n"
            + "2026-12-04,08:30,08:30,24h,值班员,新人甲,,\r\n"
        ).encode("utf-8-sig")
    )
    before = count(desk, "audit")
    code, out, err = run(capsys, "roster", "import", f, "--db", desk)
    assert code == 2 and out == ""
    lines = err.strip().splitlines()
    assert lines[0] == (
        f"watchdesk: {f}: 1 name(s) not on the desk and 1 bad row(s); nothing was imported"
    )
    assert lines[1].startswith("  row 7: role:")
    assert lines[2] == "  no officer named '新人甲': rows 6, 8"
    assert "watchdesk officer add NAME" in lines[3] and "--add-officers" in lines[3]
    assert count(desk, "audit") == before
    code, out, err = run(capsys, "roster", "import", f, "--add-officers", "--db", desk)
    assert code == 2 and "no officer named" not in err and "row 7: role:" in err
    assert count(desk, "audit") == before


def test_the_office_layout_one_row_per_day(desk, tmp_path, capsys):
    """The example in docs/examples: a week, one row per day, names in the role columns."""
    s = Store.open(desk, actor="tests")
    people(s)
    s.close()
    example = Path(__file__).resolve().parents[2] / "docs" / "examples" / "roster-by-day.csv"
    code, out, err = run(capsys, "roster", "import", example, "--db", desk)
    assert code == 2 and "nothing was imported" in err
    missing = [ln for ln in err.splitlines() if ln.startswith("  no officer named")]
    code, out, err = run(capsys, "roster", "import", example, "--add-officers", "--db", desk)
    assert code == 0, err
    res = json.loads(out)
    assert res["shifts_created"] == 7 and len(res["officers_added"]) == len(missing)
    assert res["assigned"] == 7 * 5  # a leader, a chief, two officers and a standby a day
    code, out, _ = run(
        capsys, "roster", "show", "--from", "2026-12-19", "--to", "2026-12-19", "--db", desk
    )
    day = next(r for r in json.loads(out)["shifts"] if r["day"]["day"] == "2026-12-19")
    assert day["shift"]["starts_at"] == "2026-12-19T00:30:00Z"  # 08:30 in Shanghai
    names = {a["officer_name"] for a in day["assignments"]}
    assert names == {"王建国", "孙丽娜", "吴晓燕", "郑浩然", "冯雪"}
    xlsx = example.with_suffix(".xlsx")
    code, out, err = run(capsys, "roster", "import", xlsx, "--dry-run", "--db", desk)
    assert code == 0 and json.loads(out)["unchanged"] == 35, err


def test_generate_problems_hours(desk, capsys):
    s = Store.open(desk)
    people(s)
    s.close()
    code, out, err = run(
        capsys,
        "roster",
        "generate",
        "--from",
        "2026-09-28",
        "--to",
        "2026-10-11",
        "--mode",
        "split",
        "--leaders",
        "王建国,李红梅",
        "--rest-leaders",
        "张志强",
        "--officers",
        "周文博，吴晓燕、郑浩然",
        "--chiefs",
        "赵磊 孙丽娜",
        "--db",
        desk,
    )
    assert code == 0, err
    res = json.loads(out)
    assert res["shifts_created"] == 14 and res["kept_manual"] == []
    code, out, _ = run(
        capsys, "roster", "show", "--from", "2026-10-01", "--to", "2026-10-01", "--db", desk
    )
    page = json.loads(out)
    holiday = next(r for r in page["shifts"] if r["day"]["day"] == "2026-10-01")
    assert holiday["sensitive"] and holiday["day"]["kind"] == "holiday"
    leaders = [p["officer_name"] for p in holiday["assignments"] if p["role"] == "leader"]
    assert leaders == ["张志强"]
    assert len([p for p in holiday["assignments"] if p["role"] == "officer"]) == 2
    # 张志强 holds every rest day of the golden week: far too many in a row.
    code, out, _ = run(
        capsys,
        "roster",
        "problems",
        "--from",
        "2026-09-28",
        "--to",
        "2026-10-11",
        "--check",
        "--db",
        desk,
    )
    probs = json.loads(out)
    assert code == 1 and any(
        p["problem"] == "consecutive" and p["officer_name"] == "张志强" for p in probs
    )
    key = probs[0]["key"]
    code, _, err = run(capsys, "roster", "ack", key, "--db", desk)
    assert code == 2 and "reason" in err
    code, _, _ = run(capsys, "roster", "ack", key, "--reason", "节日领导带班安排", "--db", desk)
    assert code == 0
    code, out, _ = run(
        capsys, "roster", "problems", "--from", "2026-09-28", "--to", "2026-10-11", "--db", desk
    )
    assert key not in {p["key"] for p in json.loads(out)}
    code, out, _ = run(
        capsys, "roster", "hours", "--from", "2026-10-01", "--to", "2026-10-07", "--db", desk
    )
    hours = {p["name"]: p for p in json.loads(out)["people"]}
    assert hours["张志强"]["holiday_hours"] > 100
    code, _, err = run(
        capsys,
        "roster",
        "generate",
        "--from",
        "2026-10-12",
        "--to",
        "2026-10-13",
        "--leaders",
        "无名氏",
        "--db",
        desk,
    )
    assert code == 2 and "leaders" in err and "无名氏" in err
    code, _, err = run(
        capsys,
        "roster",
        "generate",
        "--from",
        "2026-10-13",
        "--to",
        "2026-10-12",
        "--leaders",
        "王建国",
        "--db",
        desk,
    )
    assert code == 2 and len(err.strip().splitlines()) == 1


def test_swap_and_substitute_by_cli(desk, capsys):
    s = Store.open(desk, tz=TZ)
    ids = people(s)
    start = datetime(2026, 12, 1, 8, 30, tzinfo=TZ)
    a = s.roster.add_shift(
        start,
        start + timedelta(days=1),
        people=[(ids["王建国"], Role.leader), (ids["周文博"], Role.officer)],
    )
    b = s.roster.add_shift(
        start + timedelta(days=1),
        start + timedelta(days=2),
        people=[(ids["李红梅"], Role.leader), (ids["吴晓燕"], Role.officer)],
    )
    s.close()
    oa, ob = a.assignments[1].id, b.assignments[1].id
    with pytest.raises(SystemExit) as e:  # argparse: --approver is required
        run(capsys, "roster", "swap", oa, ob, "--reason", "调休", "--db", desk)
    assert e.value.code == 2
    code, out, err = run(
        capsys, "roster", "swap", oa, ob, "--reason", "调休", "--approver", "王建国", "--db", desk
    )
    assert code == 0, err
    code, out, err = run(
        capsys,
        "roster",
        "substitute",
        a.assignments[0].id,
        "--by",
        "张志强",
        "--from",
        "20:00",
        "--to",
        "08:00",
        "--reason",
        "市里开会",
        "--approver",
        "局长",
        "--db",
        desk,
    )
    assert code == 0, err
    sub = json.loads(out)
    assert sub["starts_at"].startswith("2026-12-01T12:00") and sub["covers_id"]
    assert sub["ends_at"].startswith("2026-12-02T00:00")
    code, _, _ = run(capsys, "check", "--db", desk)
    assert code == 0


def test_signin_leader_check_and_now(desk, capsys):
    s = Store.open(desk, tz=TZ)
    ids = people(s)
    now = datetime.now(UTC)
    s.roster.add_shift(
        now - timedelta(hours=2),
        now + timedelta(hours=10),
        people=[(ids["王建国"], Role.leader), (ids["周文博"], Role.officer)],
    )
    s.close()
    code, out, _ = run(capsys, "leader-check", "--check", "--db", desk)
    data = json.loads(out)
    assert code == 1 and data["leader_check"]["escalated"]  # the start check is 2 h overdue
    code, _, err = run(capsys, "signin", "马晓东", "--db", desk)
    assert code == 2 and "not on this shift" in err
    code, out, err = run(capsys, "signin", "周文博", "--db", desk)
    assert code == 0 and json.loads(out)["taken_over"], err
    # The start check, and (the test runs at the real time of day) a night spot check at 22:00,
    # 00:00 or 06:00 that the last two hours may hold: each recording takes the oldest one due.
    for _ in range(3):
        code, out, _ = run(
            capsys,
            "leader-check",
            "--record",
            "--method",
            "in_person",
            "--note",
            "在指挥中心",
            "--check",
            "--db",
            desk,
        )
        if code == 0:
            break
    assert code == 0 and not json.loads(out)["leader_check"]["escalated"]
    code, out, _ = run(capsys, "now", "--json", "--db", desk)
    duty = json.loads(out)["duty"]
    assert duty["signin"]["taken_over"] and not duty["leader_check"]["escalated"]
    code, out, _ = run(capsys, "signin", "周文博", "--out", "--db", desk)
    assert code == 0 and json.loads(out)["handed_over"]


def test_sensitive_leave_and_config(desk, tmp_path, capsys):
    s = Store.open(desk)
    people(s)
    s.close()
    code, out, _ = run(
        capsys,
        "roster",
        "sensitive",
        "两会",
        "--from",
        "2027-03-04",
        "--to",
        "2027-03-11",
        "--db",
        desk,
    )
    assert code == 0 and json.loads(out)[0]["name"] == "两会"
    code, _, err = run(capsys, "roster", "sensitive", "汛期", "--from", "2027-06-01", "--db", desk)
    assert code == 2
    code, out, _ = run(
        capsys,
        "roster",
        "leave",
        "周文博",
        "--from",
        "2027-03-01",
        "--to",
        "2027-03-05",
        "--reason",
        "年休假",
        "--db",
        desk,
    )
    assert code == 0 and json.loads(out)[0]["officer_name"] == "周文博"
    code, out, _ = run(capsys, "roster", "config", "--db", desk)
    cfg = json.loads(out)
    cfg["pattern"] = "day-night"
    cfg["checks"]["fixed"] = ["22:00", "03:00"]
    f = tmp_path / "cfg.json"
    f.write_text(json.dumps(cfg), encoding="utf-8")
    code, out, _ = run(capsys, "roster", "config", "--set", f, "--db", desk)
    assert code == 0 and json.loads(out)["checks"]["fixed"] == ["22:00", "03:00"]
    cfg["pattern"] = "no-such"
    f.write_text(json.dumps(cfg), encoding="utf-8")
    code, _, err = run(capsys, "roster", "config", "--set", f, "--db", desk)
    assert code == 2 and "no-such" in err and len(err.strip().splitlines()) == 1
