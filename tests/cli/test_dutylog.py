"""`watchdesk log add|handle|list`: the duty log from the command line, as the console's `l` screen
and `i` key keep it (issue 13). What was stored is read back through the store; bad input exits 2
with one line naming the option, and writes nothing."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from tests.helpers import TZ
from watchdesk.cli import main
from watchdesk.models.dutylog import LogKind
from watchdesk.models.incident import IncidentFacts
from watchdesk.store.desk import Store


@pytest.fixture
def desk(tmp_path):
    path = tmp_path / "desk.db"
    assert main(["init", "--db", str(path)]) == 0
    return path


def open_store(path) -> Store:
    return Store.open(path, tz=TZ, actor="fixture")


@pytest.fixture
def inc(desk):
    s = open_store(desk)
    try:
        now = datetime.now(UTC)
        facts = IncidentFacts(
            received_at=now - timedelta(minutes=10),
            place="城关镇东街",
            category="accident",
            subtype="fire",
            description="商铺起火",
        )
        return s.incidents.add(facts).id
    finally:
        s.close()


def entries(path):
    s = open_store(path)
    try:
        return s.dutylog.list()
    finally:
        s.close()


def audit_rows(path) -> int:
    s = open_store(path)
    try:
        return s.db.execute("SELECT count(*) FROM audit").fetchone()[0]
    finally:
        s.close()


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_log_add_a_call(desk, capsys):
    at = (datetime.now(UTC) - timedelta(minutes=5)).replace(second=0, microsecond=0)
    code, out, err = run(
        capsys,
        "log", "add", "--kind", "来电", "--counterpart", "13800001111", "--content", "东街有烟",
        "--at", at.astimezone(TZ).strftime("%Y-%m-%d %H:%M"), "--json", "--db", desk,
    )  # fmt: skip
    assert code == 0, err
    (entry,) = entries(desk)
    assert (entry.kind, entry.counterpart, entry.content, entry.at, entry.by_whom) == (
        LogKind.call_in,
        "13800001111",
        "东街有烟",
        at,
        "tests",
    )
    assert entry.incident_id is None
    assert json.loads(out)["id"] == entry.id


def test_log_add_an_instruction_on_an_incident_then_what_was_done(desk, inc, capsys):
    code, out, err = run(
        capsys,
        "log", "add", "--kind", "instruction", "--content", "全力救治伤员", "--incident", inc,
        "--counterpart", "王建国", "--db", desk,
    )  # fmt: skip
    assert code == 0, err
    entry_id = json.loads(out)["id"]
    code, out, err = run(
        capsys, "log", "handle", entry_id, "--handling", "已转达现场指挥部", "--db", desk
    )
    assert code == 0, err
    (entry,) = entries(desk)
    assert (entry.kind, entry.incident_id, entry.handling) == (
        LogKind.instruction,
        inc,
        "已转达现场指挥部",
    )
    code, out, _ = run(capsys, "log", "list", "--incident", inc, "--json", "--db", desk)
    assert code == 0 and [e["id"] for e in json.loads(out)] == [entry_id]


FUTURE = "2099-01-01 10:00"
BAD = [
    ("unknown-kind", ["add", "--kind", "传真", "--content", "x"], "--kind: no such kind"),
    ("verification", ["add", "--kind", "核报要求", "--content", "x"], "incident verify-request"),
    ("blank-content", ["add", "--kind", "note", "--content", "  "], "--content: must not be"),
    ("long-content", ["add", "--kind", "note", "--content", "字" * 4001], "--content:"),
    ("future", ["add", "--kind", "note", "--content", "x", "--at", FUTURE], "--at: is in the"),
    ("bad-at", ["add", "--kind", "note", "--content", "x", "--at", "下午"], "--at:"),
    (
        "unknown-incident",
        ["add", "--kind", "note", "--content", "x", "--incident", "999"],
        "--incident: no incident #999",
    ),
    (
        "two-line-counterpart",
        ["add", "--kind", "call_in", "--content", "x", "--counterpart", "a\nb"],
        "--counterpart: must be one line",
    ),
    ("unknown-entry", ["handle", "999", "--handling", "x"], "ID: no duty-log entry #999"),
    ("blank-handling", ["handle", "{entry}", "--handling", " "], "--handling: must not be"),
]


@pytest.mark.parametrize(("argv", "message"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_input_exits_2_and_writes_nothing(desk, inc, capsys, argv, message):
    code, out, _ = run(
        capsys, "log", "add", "--kind", "note", "--content", "先有一条", "--db", desk
    )
    assert code == 0
    entry = json.loads(out)["id"]
    before = (entries(desk), audit_rows(desk))
    argv = [a.replace("{entry}", str(entry)) for a in argv]
    code, out, err = run(capsys, "log", *argv, "--db", desk)
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and message in err, err
    assert (entries(desk), audit_rows(desk)) == before


def test_bad_kind_in_chinese(desk, capsys):
    code, _, err = run(
        capsys, "--lang", "zh", "log", "add", "--kind", "传真", "--content", "x", "--db", desk
    )
    assert code == 2 and "没有日志类别" in err


def test_a_bare_time_of_day_is_the_last_one_past(desk, capsys):
    """A call is logged after it came: `--at 23:50` typed at 00:10 is last night's 23:50."""
    later = (datetime.now(UTC) + timedelta(hours=2)).replace(second=0, microsecond=0)
    code, _, err = run(
        capsys, "log", "add", "--kind", "call_in", "--content", "x",
        "--at", later.astimezone(TZ).strftime("%H:%M"), "--db", desk,
    )  # fmt: skip
    assert code == 0, err
    (entry,) = entries(desk)
    assert entry.at == later - timedelta(days=1)
