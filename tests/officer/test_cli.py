"""`watchdesk officer …` from the command line: adding, two of one name told apart, editing,
deactivating, importing (all or nothing), exporting (no PIN data, mode 0600) and PINs (set,
change, wrong, slowed, locked, reset by an administrator only)."""

from __future__ import annotations

import io
import json
import os
import re
import stat
import sys
from datetime import datetime, timedelta

import pytest

from tests.helpers import TZ, FakeClock
from watchdesk.cli import main
from watchdesk.errors import InputError
from watchdesk.store.desk import Store


@pytest.fixture
def desk(tmp_path):
    path = tmp_path / "desk.db"
    assert main(["init", "--db", str(path)]) == 0
    return path


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def ok(capsys, *argv):
    code, out, err = run(capsys, *argv)
    assert code == 0, err
    return json.loads(out) if out.strip() else None


def refused(capsys, *argv) -> str:
    """The one line of a command that exits 2 and prints nothing on stdout."""
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == "", err
    assert err.count("\n") == 1, err
    return err


def count(path, table):
    s = Store.open(path)
    try:
        return s.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    finally:
        s.close()


def people(capsys, desk):
    """欧阳明 (administrator), two 王伟 and 孙丽娜."""
    db = ("--db", desk)
    ok(capsys, "officer", "add", "欧阳明", "--title", "办公室主任", "--phone", "13973100001",
       "--admin", *db)  # fmt: skip
    ok(capsys, "officer", "add", "王伟", "--title", "科员", "--phone", "13900000001", *db)
    ok(capsys, "officer", "add", "王伟", "--title", "副科长", "--phone", "13900000002",
       "--roles", "值班长、值班员", *db)  # fmt: skip
    ok(capsys, "officer", "add", "孙丽娜", "--title", "值班长", "--roles", "chief,officer", *db)


def test_add_list_show(desk, capsys):
    people(capsys, desk)
    listed = ok(capsys, "officer", "list", "--json", "--db", desk)
    assert [o["name"] for o in listed] == ["欧阳明", "王伟", "王伟", "孙丽娜"]
    assert listed[0]["admin"] and not listed[1]["admin"]
    assert listed[2]["roles"] == ["chief", "officer"] and listed[1]["roles"] == []
    assert all(o["pin_set"] is False for o in listed)
    assert all("hash" not in o and "salt" not in o for o in listed)
    shown = ok(capsys, "officer", "show", "孙丽娜", "--db", desk)
    assert shown["pin"]["has_pin"] is False and shown["pin"]["tries_left"] == 5


def test_two_officers_of_one_name_are_told_apart(desk, capsys):
    people(capsys, desk)
    err = refused(capsys, "officer", "show", "王伟", "--db", desk)
    assert "2 officers are named '王伟'" in err
    assert "王伟 (科员, 13900000001)" in err and "王伟 (副科长, 13900000002)" in err
    assert ok(capsys, "officer", "show", "王伟", "--title", "副科长", "--db", desk)["id"] == 3
    assert (
        ok(capsys, "officer", "show", "王伟", "--phone", "139-0000-0001", "--db", desk)["id"] == 2
    )
    assert ok(capsys, "officer", "show", "#3", "--db", desk)["title"] == "副科长"
    err = refused(capsys, "officer", "show", "王伟", "--title", "局长", "--db", desk)
    assert "no officer named '王伟' with that title or phone" in err
    assert "no officer named '李四'" in refused(capsys, "officer", "show", "李四", "--db", desk)
    # A third 王伟 nothing would tell apart from the first is refused; a new phone is fine.
    before = count(desk, "officers")
    err = refused(
        capsys, "officer", "add", "王伟", "--title", "科员", "--phone", "13900000001", "--db", desk
    )
    assert err.startswith("watchdesk: name: 王伟 (科员, 13900000001) is on the desk already")
    assert count(desk, "officers") == before
    ok(capsys, "officer", "add", "王伟", "--title", "科员", "--phone", "13900000003", "--db", desk)


def test_edit(desk, capsys):
    people(capsys, desk)
    o = ok(
        capsys, "officer", "edit", "王伟", "--phone", "13900000001",
        "--set-phone", "13900000011", "--set-roles", "officer,standby", "--db", desk,
    )  # fmt: skip
    assert (o["id"], o["phone"], o["roles"]) == (2, "13900000011", ["officer", "standby"])
    o = ok(capsys, "officer", "edit", "孙丽娜", "--admin", "--set-title", "副主任", "--db", desk)
    assert o["admin"] and o["title"] == "副主任"
    ok(capsys, "officer", "edit", "孙丽娜", "--no-admin", "--db", desk)
    assert "nothing to change" in refused(capsys, "officer", "edit", "孙丽娜", "--db", desk)
    err = refused(capsys, "officer", "edit", "欧阳明", "--no-admin", "--db", desk)
    assert "only administrator" in err
    err = refused(capsys, "officer", "edit", "孙丽娜", "--set-phone", "无", "--db", desk)
    assert err.startswith("watchdesk: phone:")
    err = refused(capsys, "officer", "edit", "孙丽娜", "--set-roles", "boss", "--db", desk)
    assert "--set-roles" in err
    # Renamed into a twin of the other 王伟: refused.
    err = refused(
        capsys, "officer", "edit", "#3", "--set-title", "科员", "--set-phone", "13900000011",
        "--db", desk,
    )  # fmt: skip
    assert "is on the desk already" in err


def test_deactivated_officers_stay_and_cannot_act(desk, tmp_path, capsys):
    people(capsys, desk)
    inc = tmp_path / "inc.json"
    inc.write_text('{"place": "城关镇", "category": "火灾", "description": "商铺起火"}', "utf-8")
    assert ok(capsys, "--as", "孙丽娜", "incident", "add", "--json", inc, "--db", desk)["id"]
    o = ok(capsys, "officer", "deactivate", "孙丽娜", "--db", desk)
    assert o["active"] is False
    before = count(desk, "incidents")
    err = refused(capsys, "--as", "孙丽娜", "incident", "add", "--json", inc, "--db", desk)
    assert err.startswith("watchdesk: --as '孙丽娜': 孙丽娜 (值班长) is deactivated")
    assert count(desk, "incidents") == before
    names = [o["name"] for o in ok(capsys, "officer", "list", "--db", desk)]
    assert "孙丽娜" not in names
    everyone = ok(capsys, "officer", "list", "--all", "--db", desk)
    assert [o["active"] for o in everyone if o["name"] == "孙丽娜"] == [False]
    # The incident she recorded still says so.
    s = Store.open(desk)
    try:
        assert s.db.execute("SELECT count(*) FROM audit WHERE actor = '孙丽娜'").fetchone()[0] > 0
    finally:
        s.close()
    assert "is deactivated" in refused(capsys, "officer", "deactivate", "孙丽娜", "--db", desk)
    assert ok(capsys, "officer", "activate", "孙丽娜", "--db", desk)["active"] is True
    assert "is active" in refused(capsys, "officer", "activate", "孙丽娜", "--db", desk)
    assert ok(capsys, "--as", "孙丽娜", "incident", "add", "--json", inc, "--db", desk)["id"]


OFFICERS_CSV = (
    "姓名,职务,电话,可任角色,管理员,在岗\r\n"
    "王建国,局长,13900000001,带班领导,否,是\r\n"
    "赵磊,值班长,13900000002,值班长、值班员,是,是\r\n"
    "周文博,科员,13900000003,,否,\r\n"
)


def test_import_all_or_nothing(desk, tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(
        (OFFICERS_CSV + "吴晓燕,科员,12,值班员,否,是\r\n冯雪,科员,,boss,否,是\r\n").encode(
            "utf-8-sig"
        )
    )
    before = (count(desk, "officers"), count(desk, "audit"))
    code, out, err = run(capsys, "officer", "import", bad, "--db", desk)
    assert code == 2 and out == ""
    lines = err.strip().splitlines()
    assert lines[0] == f"watchdesk: {bad}: 2 bad row(s); nothing was imported"
    assert [ln.split(":")[0].strip() for ln in lines[1:]] == ["row 5", "row 6"]
    assert (count(desk, "officers"), count(desk, "audit")) == before

    good = tmp_path / "officers.csv"
    good.write_bytes(OFFICERS_CSV.encode("utf-8-sig"))
    dry = ok(capsys, "officer", "import", good, "--dry-run", "--db", desk)
    assert dry["created"] == 3 and dry["dry_run"] and count(desk, "officers") == 0
    assert ok(capsys, "officer", "import", good, "--db", desk)["created"] == 3
    again = ok(capsys, "officer", "import", good, "--db", desk)
    assert (again["created"], again["unchanged"]) == (0, 3)
    listed = {o["name"]: o for o in ok(capsys, "officer", "list", "--db", desk)}
    assert listed["赵磊"]["admin"] and listed["赵磊"]["roles"] == ["chief", "officer"]
    err = refused(capsys, "officer", "import", tmp_path / "none.csv", "--db", desk)
    assert "none.csv" in err
    err = refused(capsys, "officer", "import", tmp_path / "x.txt", "--db", desk)
    assert "x.txt" in err


def test_export_has_no_pin_data_and_is_private(desk, tmp_path, capsys):
    people(capsys, desk)
    ok(capsys, "officer", "pin", "set", "孙丽娜", "--pin", "2468", "--db", desk)
    umask = os.umask(0)  # nothing of ours may rely on the umask
    try:
        for name in ("officers.csv", "officers.xlsx"):
            target = tmp_path / name
            target.write_text("old", "utf-8")
            target.chmod(0o644)  # an older file of the same name: replaced, and private
            code, out, err = run(
                capsys, "officer", "export", "--output", target, "--lang", "zh", "--db", desk
            )
            assert code == 0 and out == "", err
            assert stat.S_IMODE(target.stat().st_mode) == 0o600
    finally:
        os.umask(umask)
    data = (tmp_path / "officers.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert text.splitlines()[0] == "姓名,职务,电话,可任角色,管理员,在岗"
    assert "孙丽娜,值班长,,值班长、值班员,否,是" in text
    assert "2468" not in text
    s = Store.open(desk)
    try:
        salt, digest = s.db.execute("SELECT salt, hash FROM officer_pins").fetchone()
    finally:
        s.close()
    assert salt not in text and digest not in text
    code, out, _ = run(capsys, "officer", "export", "--format", "csv", "--active", "--db", desk)
    assert code == 0 and out.count("\n") == 5  # the header and four officers
    # And the export of the whole desk says whose PIN is set, never the hash.
    whole = tmp_path / "desk.json"
    code, _, err = run(capsys, "export", "--output", whole, "--db", desk)
    assert code == 0, err
    assert stat.S_IMODE(whole.stat().st_mode) == 0o600
    assert digest not in whole.read_text("utf-8") and salt not in whole.read_text("utf-8")
    assert json.loads(whole.read_text("utf-8"))["officer_pins"][0]["pin_set"] is True


def test_pins_set_change_wrong_and_slowed(desk, capsys, monkeypatch):
    people(capsys, desk)
    db = ("--db", desk)
    st = ok(capsys, "officer", "pin", "set", "孙丽娜", "--pin", "2468", *db)
    assert st["pin"]["has_pin"] is True and st["officer"]["pin_set"] is True
    assert "already has a PIN" in refused(
        capsys, "officer", "pin", "set", "孙丽娜", "--pin", "1357", *db
    )
    err = refused(capsys, "officer", "pin", "set", "王伟", "--title", "科员", "--pin", "1234", *db)
    assert "consecutive digits" in err
    # No PIN given and nothing on stdin: said, nothing written.
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    err = refused(capsys, "officer", "pin", "set", "欧阳明", *db)
    assert err.startswith("watchdesk: --pin: no PIN given")
    # In a script the PINs come from stdin, one a line.
    monkeypatch.setattr(sys, "stdin", io.StringIO("2468\n8642\n"))
    ok(capsys, "officer", "pin", "change", "孙丽娜", *db)
    monkeypatch.setattr(sys, "stdin", io.StringIO("8642\n"))
    ok(capsys, "officer", "pin", "change", "孙丽娜", "--pin", "-", "--new-pin", "9753", *db)
    # Wrong PINs: counted, then slowed down.
    msgs = [
        refused(
            capsys, "officer", "pin", "change", "孙丽娜", "--pin", "0000", "--new-pin", "2580", *db
        )
        for _ in range(4)
    ]
    assert msgs[0] == "watchdesk: pin: wrong PIN; 4 tries left\n"
    assert msgs[1] == "watchdesk: pin: wrong PIN; 3 tries left\n"
    assert msgs[2] == "watchdesk: pin: wrong PIN; 2 tries left; wait 30 s before the next try\n"
    assert msgs[3].startswith("watchdesk: pin: 3 wrong PINs: wait ")
    shown = ok(capsys, "officer", "show", "孙丽娜", *db)
    assert shown["pin"]["failures"] == 3 and shown["pin"]["wait_until"]


def test_locked_out_says_for_how_long(desk, capsys):
    people(capsys, desk)
    ok(capsys, "officer", "pin", "set", "孙丽娜", "--pin", "2468", "--db", desk)
    # Five wrong PINs, 31 s apart, the last a minute ago (the store's clock, stepped).
    clock = FakeClock(datetime.now(TZ) - timedelta(seconds=4 * 31 + 60))
    s = Store.open(desk, clock=clock, actor="tests")
    try:
        for _ in range(5):
            with pytest.raises(InputError):
                s.officers.verify_pin(4, "0000")
            clock.advance(seconds=31)
    finally:
        s.close()
    err = refused(
        capsys, "officer", "pin", "change", "孙丽娜", "--pin", "2468", "--new-pin", "8642",
        "--db", desk,
    )  # fmt: skip
    # The lock was set about 60 s ago by the fake clock; the CLI reads the real clock, so a
    # loaded machine may have taken a second more.
    assert re.match(r"watchdesk: pin: locked for (4 min|3 min 5\d s)", err), err
    assert err.rstrip().endswith("after 5 wrong PINs")


def test_only_an_administrator_resets_a_pin(desk, capsys, monkeypatch):
    people(capsys, desk)
    db = ("--db", desk)
    ok(capsys, "officer", "pin", "set", "孙丽娜", "--pin", "2468", *db)
    ok(capsys, "officer", "pin", "set", "欧阳明", "--pin", "1357", *db)
    # The test suite acts as the integration `tests`: not an officer.
    err = refused(capsys, "officer", "pin", "reset", "孙丽娜", *db)
    assert "tests is not an officer" in err
    monkeypatch.delenv("WATCHDESK_ACTOR")
    err = refused(capsys, "officer", "pin", "reset", "孙丽娜", *db)
    assert err.startswith("watchdesk: --as: a PIN is reset by an administrator")
    err = refused(capsys, "--as", "王伟", "officer", "pin", "reset", "孙丽娜", *db)
    assert "2 officers are named '王伟'" in err and "#2" in err and "#3" in err
    err = refused(capsys, "--as", "#2", "officer", "pin", "reset", "孙丽娜", *db)
    assert "王伟 (科员, 13900000001) is not an administrator" in err
    err = refused(
        capsys, "--as", "欧阳明", "officer", "pin", "reset", "孙丽娜", "--pin", "9999", *db
    )
    assert "wrong PIN" in err
    st = ok(capsys, "--as", "欧阳明", "officer", "pin", "reset", "孙丽娜", "--pin", "1357", *db)
    assert st["pin"]["has_pin"] is False
    # She sets a new one, as herself (no --as needed for her own PIN).
    ok(capsys, "officer", "pin", "set", "孙丽娜", "--pin", "8642", *db)
    s = Store.open(desk)
    try:
        who = s.db.execute(
            "SELECT actor, officer_id FROM audit WHERE table_name = 'officer_pins' ORDER BY id"
        ).fetchall()
    finally:
        s.close()
    assert [tuple(r) for r in who][-2:] == [("欧阳明", 1), ("孙丽娜", 4)]


def test_at_a_terminal_pins_are_asked_without_echo(desk, capsys, monkeypatch):
    import getpass

    people(capsys, desk)
    typed: list[str] = []
    prompts: list[str] = []

    def ask(prompt: str = "") -> str:
        prompts.append(prompt)
        return typed.pop(0)

    monkeypatch.setattr("watchdesk.cli.base._isatty", lambda: True)
    monkeypatch.setattr(getpass, "getpass", ask)
    typed[:] = ["2468", "2486"]
    err = refused(capsys, "officer", "pin", "set", "孙丽娜", "--db", desk)
    assert "the two entries differ" in err
    typed[:] = ["2468", "2468"]
    assert ok(capsys, "officer", "pin", "set", "孙丽娜", "--db", desk)["pin"]["has_pin"]
    assert prompts[-2:] == ["New PIN for 孙丽娜: ", "Again: "]
    typed[:] = ["2468", "8642", "8642"]
    ok(capsys, "officer", "pin", "change", "孙丽娜", "--db", desk)
    assert prompts[-3] == "Current PIN of 孙丽娜: " and not typed
