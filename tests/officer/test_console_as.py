"""`watchdesk --as NAME` opens the console as that officer (issue 12): one on the shift on duty or
an administrator, asked for their PIN where the desk requires PINs; anyone else is refused before
the screen starts, in the UI language (exit 2). On the command line, --as and WATCHDESK_ACTOR
refuse a deactivated officer. And after the first-run setup adds people, the console asks who
is at the keyboard."""

from __future__ import annotations

from datetime import datetime

import pytest

from tests.helpers import TZ, FakeClock, roster_today, settle
from watchdesk import cli
from watchdesk.app import WatchdeskApp
from watchdesk.models.officer import ActorKind, Officer
from watchdesk.screens.seat import SeatDialog
from watchdesk.store.desk import Store

INCIDENT = '{"place": "城关镇", "category": "火灾", "description": "商铺起火"}'


@pytest.fixture
def desk(tmp_path, monkeypatch):
    """Today's shift (王建国 leads, 赵磊 chief, 周文博), 李红梅 on the days either side, the
    administrator 欧阳明, and 钱七, deactivated. The real clock: the console reads it too."""
    monkeypatch.setenv("WATCHDESK_CONFIG", str(tmp_path / "none.toml"))
    path = tmp_path / "desk.db"
    s = Store.open(path, actor="tests")
    try:
        roster_today(s, FakeClock(datetime.now(TZ)))
        s.officers.add(Officer(name="欧阳明", title="办公室主任", admin=True))
        gone = s.officers.add(Officer(name="钱七", title="科员"))  # #6
        s.officers.edit(gone.id or 0, active=False)
        s.officers.set_pin(s.officers.resolve("赵磊").id or 0, "1357")
    finally:
        s.close()
    return path


@pytest.fixture
def started(monkeypatch):
    """`watchdesk` builds the console and runs it: here it is kept, not run, for the pilot."""
    apps: list[WatchdeskApp] = []
    monkeypatch.setattr(WatchdeskApp, "run", lambda self, *a, **kw: apps.append(self))
    return apps


def run(capsys, *argv):
    code = cli.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def with_pins(tmp_path):
    cfg = tmp_path / "pins.toml"
    cfg.write_text("handover_pin = true\n", encoding="utf-8")
    return cfg


async def test_as_an_officer_on_duty_the_console_opens_as_them(desk, started, capsys):
    code, _, err = run(capsys, "--as", "赵磊", "--db", desk)
    assert code == 0, err
    [app] = started
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(pilot, lambda: app.loads >= 1, what="the dashboard", workers=True)
        await pilot.pause()
        assert not isinstance(app.screen, SeatDialog)  # nobody asked
        assert (app.officer.name, app.officer.kind) == ("赵磊", ActorKind.officer)
        assert app.sub_title.endswith("赵磊")
        acting = await app.client.call(lambda s: s.acting)
        assert acting.name == "赵磊" and acting.officer_id == app.officer.officer_id


async def test_as_an_administrator_off_shift_too(desk, started, capsys):
    code, _, err = run(capsys, "--as", "欧阳明", "--db", desk)
    assert code == 0, err
    [app] = started
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(pilot, lambda: app.officer.name == "欧阳明", what="the officer", workers=True)
        assert not isinstance(app.screen, SeatDialog)


async def test_with_pins_the_named_officer_is_proposed_and_asked_for_the_pin(
    desk, started, capsys, tmp_path
):
    code, _, err = run(capsys, "--as", "赵磊", "--config", with_pins(tmp_path), "--db", desk)
    assert code == 0, err
    [app] = started
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(pilot, lambda: isinstance(app.screen, SeatDialog), what="the question")
        dialog = app.screen
        assert isinstance(dialog, SeatDialog)
        chosen = dialog.chosen()
        assert chosen is not None and chosen.name == "赵磊"
        assert app.officer.kind != ActorKind.officer  # not yet: the PIN first
        await pilot.press("enter", *"0000", "enter")  # a wrong PIN: refused, nothing switched
        await settle(
            pilot,
            lambda: str(dialog.query_one("#e-pin").render()).strip(),
            what="the refusal",
            workers=True,
        )
        assert app.officer.kind != ActorKind.officer
        await pilot.press(*"1357", "enter")
        await settle(pilot, lambda: app.officer.name == "赵磊", what="the officer", workers=True)
        assert not isinstance(app.screen, SeatDialog)


@pytest.mark.parametrize(
    "name, lang, message",
    [
        (
            "李红梅",
            "en",
            "watchdesk: --as '李红梅': 李红梅 is not on the shift on duty and is not an "
            "administrator of the desk, so may not act now; the console was not opened\n",
        ),
        (
            "李红梅",
            "zh",
            "watchdesk: --as '李红梅'：李红梅 不在当前值班班次，也不是值班室管理员，"
            "现在不能操作；控制台未打开\n",
        ),
        ("钱七", "en", "watchdesk: --as '钱七': 钱七 (科员) is deactivated; reactivate them"),
        ("钱七", "zh", "watchdesk: --as '钱七'：钱七 (科员) 已停用"),
        ("张三", "en", "watchdesk: --as '张三': no officer named '张三' on this desk"),
        ("张三", "zh", "watchdesk: --as '张三'：本值班室没有名为 '张三' 的值班人员"),
        ("tests", "en", "watchdesk: --as 'tests': the console is for an officer of the desk"),
    ],
)
def test_anyone_else_is_refused_before_the_console_starts(
    desk, started, capsys, name, lang, message
):
    code, out, err = run(capsys, "--as", name, "--lang", lang, "--db", desk)
    assert code == 2 and out == "" and err.startswith(message) and err.count("\n") == 1
    assert started == []  # the console was not started


def test_the_command_line_refuses_a_deactivated_officer(desk, capsys, monkeypatch, tmp_path):
    inc = tmp_path / "inc.json"
    inc.write_text(INCIDENT, encoding="utf-8")

    def incidents() -> int:
        s = Store.open(desk)
        try:
            return s.db.execute("SELECT count(*) FROM incidents").fetchone()[0]
        finally:
            s.close()

    argv = ["incident", "add", "--json", inc, "--db", desk]
    code, out, err = run(capsys, "--as", "钱七", *argv)
    assert code == 2 and out == ""
    assert err == (
        "watchdesk: --as '钱七': 钱七 (科员) is deactivated; reactivate them or choose "
        "someone else\n"
    )
    monkeypatch.setenv("WATCHDESK_ACTOR", "钱七")
    code, _, err = run(capsys, *argv)
    assert code == 2 and err.startswith(
        "watchdesk: WATCHDESK_ACTOR '钱七': 钱七 (科员) is deactivated"
    )
    code, _, err = run(capsys, "--lang", "zh", *argv)
    assert code == 2 and err.startswith("watchdesk: WATCHDESK_ACTOR '钱七'：钱七 (科员) 已停用")
    code, _, err = run(capsys, "--as", "#6", *argv)  # by id: the same
    assert code == 2 and err.startswith("watchdesk: --as '#6': 钱七 (科员) is deactivated")
    assert incidents() == 0
    code, _, err = run(capsys, "--as", "赵磊", *argv)
    assert code == 0, err
    assert incidents() == 1


async def test_after_the_setup_adds_people_the_console_asks_who_is_at_the_keyboard(
    tmp_path, started, capsys, monkeypatch
):
    from watchdesk.screens.setup import SetupWizard

    monkeypatch.setenv("WATCHDESK_CONFIG", str(tmp_path / "none.toml"))
    db = tmp_path / "new.db"
    assert cli.main(["init", "--db", str(db)]) == 0
    code, _, err = run(capsys, "--db", db)
    assert code == 0, err
    [app] = started
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(
            pilot,
            lambda: isinstance(app.screen, SetupWizard) and app.screen.state is not None,
            what="the setup",
            workers=True,
        )
        wiz = app.screen
        assert isinstance(wiz, SetupWizard)
        for n, key in enumerate(["ctrl+n", "ctrl+s", "ctrl+s", "ctrl+s"]):
            await pilot.press(key)  # the desk's name skipped; the zone, pack, shifts as offered
            await settle(pilot, lambda n=n: wiz.step == n + 1 and wiz.state is not None)
        await pilot.press(*"王建国,局长,13907310001,带班领导", "enter")
        await pilot.press(*"赵磊,科长,13907310002,值班长", "ctrl+s")
        await settle(pilot, lambda: wiz.step == 5 and wiz.state is not None, what="rotation")
        await pilot.press("ctrl+s")  # a rotation from today: a shift on duty now
        await settle(pilot, lambda: isinstance(app.screen, SeatDialog), what="the question")
        assert app.officer.kind != ActorKind.officer
        await pilot.press("enter")
        await settle(
            pilot, lambda: app.officer.kind == ActorKind.officer, what="the officer", workers=True
        )
        assert app.officer.name in ("王建国", "赵磊")
