"""Who is acting on the command line (`--as NAME`, `WATCHDESK_ACTOR`): an officer of the desk or a
declared integration; anything else exits 2 and writes nothing; writes without a name are refused
once the desk has officers, and made as `setup` before; reads need no name. And every file a
command writes is mode 0600."""

from __future__ import annotations

import json
import os
import stat
from datetime import datetime

import pytest

from tests.helpers import TZ, FakeClock, roster_today
from watchdesk.cli import main
from watchdesk.store.desk import Store

INCIDENT = '{"place": "城关镇", "category": "火灾", "description": "商铺起火"}'


@pytest.fixture
def nobody(monkeypatch):
    """No name given: neither --as nor WATCHDESK_ACTOR (the suite's default is `tests`)."""
    monkeypatch.delenv("WATCHDESK_ACTOR", raising=False)


@pytest.fixture
def desk(tmp_path):
    path = tmp_path / "desk.db"
    assert main(["init", "--db", str(path)]) == 0
    return path


@pytest.fixture
def inc(tmp_path):
    f = tmp_path / "inc.json"
    f.write_text(INCIDENT, encoding="utf-8")
    return f


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def audit(path, n=1):
    """The last `n` audit entries' (actor, os_user, seat, officer_id), newest last."""
    s = Store.open(path)
    try:
        rows = s.db.execute(
            "SELECT actor, os_user, seat, officer_id FROM audit ORDER BY id DESC LIMIT ?", [n]
        ).fetchall()
    finally:
        s.close()
    return [tuple(r) for r in reversed(rows)]


def count(path, table="audit"):
    s = Store.open(path)
    try:
        return s.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    finally:
        s.close()


def add(capsys, desk, name, *more):
    code, _, err = run(capsys, "officer", "add", name, *more, "--db", desk)
    assert code == 0, err


def test_a_new_desk_is_set_up_as_setup_then_needs_a_name(desk, inc, capsys, nobody):
    add(capsys, desk, "欧阳明", "--title", "办公室主任", "--admin")
    assert audit(desk)[0][0] == "setup"
    before = count(desk)
    code, out, err = run(capsys, "officer", "add", "赵磊", "--db", desk)
    assert code == 2 and out == ""
    assert err == (
        "watchdesk: who is acting? pass --as NAME or set WATCHDESK_ACTOR (an officer of the "
        "desk, or an integration declared in the config); nothing was written\n"
    )
    code, _, err = run(capsys, "incident", "add", "--json", inc, "--db", desk)
    assert code == 2 and "who is acting?" in err
    assert count(desk) == before
    # Reading needs no name.
    for argv in (["now", "--json"], ["officer", "list"], ["incident", "list", "--json"]):
        code, _, err = run(capsys, *argv, "--db", desk)
        assert code == 0, err
    # A dry run writes nothing, so it needs no name either.
    roster = inc.with_name("r.csv")
    roster.write_text("日期,带班领导\n2026-12-14,欧阳明\n", encoding="utf-8")
    code, out, err = run(capsys, "roster", "import", roster, "--dry-run", "--db", desk)
    assert code == 0 and json.loads(out)["assigned"] == 1, err
    assert count(desk) == before
    # Named, the write goes through and says who, where and as which officer.
    code, _, err = run(capsys, "--as", "欧阳明", "officer", "add", "赵磊", "--db", desk)
    assert code == 0, err
    actor, os_user, seat, officer_id = audit(desk)[0]
    assert (actor, officer_id) == ("欧阳明", 1)
    assert os_user and seat and seat.startswith("cli:")


def test_the_environment_names_the_actor_and_as_wins(desk, inc, capsys, monkeypatch):
    add(capsys, desk, "欧阳明", "--admin")
    add(capsys, desk, "赵磊")
    monkeypatch.setenv("WATCHDESK_ACTOR", "赵磊")
    monkeypatch.setenv("WATCHDESK_SEAT", "web:7")
    code, _, err = run(capsys, "incident", "add", "--json", inc, "--db", desk)
    assert code == 0, err
    assert audit(desk)[-1][0] == "赵磊" and audit(desk)[-1][2:] == ("web:7", 2)
    code, _, err = run(capsys, "incident", "add", "--json", inc, "--as", "欧阳明", "--db", desk)
    assert code == 0, err
    assert audit(desk)[-1][0] == "欧阳明"
    monkeypatch.setenv("WATCHDESK_ACTOR", "无此人")
    code, _, err = run(capsys, "incident", "add", "--json", inc, "--db", desk)
    assert code == 2 and err.startswith("watchdesk: WATCHDESK_ACTOR '无此人': no officer named")


def test_an_unknown_name_is_refused_and_nothing_written(desk, inc, capsys):
    add(capsys, desk, "赵磊")
    before = count(desk)
    code, out, err = run(capsys, "--as", "张三", "incident", "add", "--json", inc, "--db", desk)
    assert code == 2 and out == "" and err.count("\n") == 1
    assert err == (
        "watchdesk: --as '张三': no officer named '张三' on this desk and no such integration "
        "(integrations: tests)\n"
    )
    assert count(desk) == before and count(desk, "incidents") == 0
    code, _, err = run(capsys, "--as", "", "incident", "add", "--json", inc, "--db", desk)
    assert code == 2 and "--as" in err
    code, _, err = run(capsys, "--as", "#99", "incident", "add", "--json", inc, "--db", desk)
    assert code == 2 and "no officer #99" in err


def test_two_officers_of_one_name_act_by_id(desk, inc, capsys):
    add(capsys, desk, "王伟", "--title", "科员")
    add(capsys, desk, "王伟", "--title", "副科长")
    code, _, err = run(capsys, "--as", "王伟", "incident", "add", "--json", inc, "--db", desk)
    assert code == 2 and err.count("\n") == 1
    assert "2 officers are named '王伟': #1 王伟 (科员); #2 王伟 (副科长)" in err
    assert "--as=#ID" in err
    code, _, err = run(capsys, "--as", "#2", "incident", "add", "--json", inc, "--db", desk)
    assert code == 0, err
    assert audit(desk)[-1][0] == "王伟" and audit(desk)[-1][3] == 2


def test_integrations_are_declared_in_the_config(desk, inc, tmp_path, capsys, monkeypatch):
    add(capsys, desk, "赵磊")
    monkeypatch.delenv("WATCHDESK_INTEGRATIONS")
    cfg = tmp_path / "watchdesk.toml"
    cfg.write_text('integrations = ["sms-gateway"]\n', encoding="utf-8")
    argv = ["incident", "add", "--json", inc, "--db", desk, "--config", cfg]
    code, _, err = run(capsys, "--as", "sms-gateway", *argv)
    assert code == 0, err
    actor, _, _, officer_id = audit(desk)[-1]
    assert (actor, officer_id) == ("sms-gateway", None)
    before = count(desk)
    code, _, err = run(capsys, "--as", "fax-gateway", *argv)
    assert code == 2 and "no such integration (integrations: sms-gateway)" in err
    # The suite's own integration is not declared by that config.
    code, _, err = run(capsys, "--as", "tests", *argv)
    assert code == 2 and "no such integration" in err
    assert count(desk) == before


def test_handover_signatures_go_through_the_shift_checks(desk, capsys):
    s = Store.open(desk, actor="tests")
    try:
        roster_today(s, FakeClock(datetime.now(TZ)))
    finally:
        s.close()
    code, out, err = run(capsys, "handover", "sign", "outgoing", "李红梅", "--db", desk)
    assert code == 2 and out == "" and err.count("\n") == 1
    assert "name: 李红梅 is not on shift" in err and "the outgoing shift (on it: " in err
    code, _, err = run(capsys, "handover", "sign", "incoming", "赵磊", "--db", desk)
    assert code == 1 and "no incoming officer has signed in for the next shift" in err
    code, out, err = run(capsys, "handover", "sign", "outgoing", "赵磊", "--db", desk)
    assert code == 0 and json.loads(out)["outgoing"]["name"] == "赵磊", err


def test_every_file_a_command_writes_is_private(desk, tmp_path, capsys):
    s = Store.open(desk, actor="tests")
    try:
        roster_today(s, FakeClock(datetime.now(TZ)))
    finally:
        s.close()
    targets = {
        "export": ["export", "--output", tmp_path / "desk.json"],
        "roster csv": ["roster", "export", "--output", tmp_path / "roster.csv"],
        "roster xlsx": ["roster", "export", "--output", tmp_path / "roster.xlsx"],
        "roster ics": ["roster", "export", "--output", tmp_path / "roster.ics"],
        "directory": ["directory", "export", tmp_path / "units.xlsx"],
        "officers": ["officer", "export", "--output", tmp_path / "officers.csv"],
        "handover": ["handover", "--output", tmp_path / "handover.txt"],
        "handover md": ["handover", "--format", "md", "--output", tmp_path / "handover.md"],
    }
    umask = os.umask(0o000)
    try:
        for what, argv in targets.items():
            code, _, err = run(capsys, *argv, "--db", desk)
            assert code == 0, f"{what}: {err}"
    finally:
        os.umask(umask)
    modes = {
        what: oct(stat.S_IMODE(os.stat(next(a for a in argv if hasattr(a, "stat"))).st_mode))
        for what, argv in targets.items()
    }
    assert modes == dict.fromkeys(targets, "0o600")
