"""The first-run setup of an empty desk, driven by keys: each step written when confirmed, every
step skippable, abandoning keeps the steps saved and nothing of the current one."""

from __future__ import annotations

import json

import pytest
from textual.widgets import Static

from tests.helpers import settle
from watchdesk import cli
from watchdesk.app import make_app
from watchdesk.config import Settings
from watchdesk.screens.dialogs import ConfirmDialog
from watchdesk.screens.setup import SetupWizard
from watchdesk.store.desk import Store


def new_desk(tmp_path):
    db = tmp_path / "desk.db"
    assert cli.main(["init", "--db", str(db)]) == 0
    return db


def console(db, **kw):
    """The console on the desk, offering the setup as `watchdesk` does (startup.open_console)."""
    app = make_app(db, settings=Settings(), poll=False, **kw)
    app.offer_setup = True
    return app


async def wizard(app, pilot) -> SetupWizard:
    await settle(
        pilot,
        lambda: isinstance(app.screen, SetupWizard) and app.screen.state is not None,
        what="the setup",
        workers=True,
    )
    wiz = app.screen
    assert isinstance(wiz, SetupWizard)
    return wiz


async def at_step(pilot, wiz: SetupWizard, n: int) -> None:
    await settle(pilot, lambda: wiz.step == n and wiz.state is not None, what=f"step {n + 1}")


async def test_first_run_setup_by_keys_ends_with_a_shift_on_duty(tmp_path, capsys):
    db = new_desk(tmp_path)
    app = console(db)  # the real clock: `watchdesk now` reads the desk at the same time
    async with app.run_test(size=(140, 45)) as pilot:
        wiz = await wizard(app, pilot)
        await pilot.press(*"湘江县应急管理局总值班室", "enter", *"市应急管理局总值班室", "enter")
        await at_step(pilot, wiz, 1)
        await pilot.press("enter")  # the time zone as offered (Asia/Shanghai)
        await at_step(pilot, wiz, 2)
        await pilot.press("ctrl+s")  # the rule pack as offered (national)
        await at_step(pilot, wiz, 3)
        await pilot.press("ctrl+s")  # one 24-hour shift from 08:30; a leader and an officer
        await at_step(pilot, wiz, 4)
        # (The pilot cannot type the full-width comma "，" a Chinese keyboard types: the ASCII one.)
        await pilot.press(*"王建国,局长,13907310001,带班领导", "enter")
        await pilot.press(*"赵磊,科长,13907310002,值班长", "enter")
        await pilot.press(*"周文博,科员,13907310003,值班员", "ctrl+s")
        await at_step(pilot, wiz, 5)
        await pilot.press("ctrl+s")  # from the day on duty now, four weeks, the lists as filled
        await settle(pilot, lambda: app.screen is not wiz, what="the end", workers=True)
        assert wiz.done == dict.fromkeys(wiz.done, "saved") and len(wiz.done) == 6
        assert app.sub_title == "湘江县应急管理局总值班室"
    capsys.readouterr()
    assert cli.main(["now", "--json", "--db", str(db)]) == 0
    now = json.loads(capsys.readouterr().out)["now"]
    assert {(p["role"], p["name"]) for p in now["people"]} == {
        ("leader", "王建国"),
        ("chief", "赵磊"),
        ("officer", "周文博"),
    }
    s = Store.open(db)
    try:
        assert s.settings.get().desk_name == "湘江县应急管理局总值班室"
        assert s.settings.get().report_to == "市应急管理局总值班室"
        assert [o.admin for o in s.officers.list()] == [True, False, False]  # the first
        assert not s.settings.needs_setup() and s.check().ok
    finally:
        s.close()


async def test_a_bad_line_writes_no_one_and_skips_are_allowed(tmp_path):
    db = new_desk(tmp_path)
    app = console(db)
    async with app.run_test(size=(140, 45)) as pilot:
        wiz = await wizard(app, pilot)
        for n in range(4):
            await pilot.press("ctrl+n")
            await at_step(pilot, wiz, n + 1)
        await pilot.press(*"王建国,局长,13907310001,带班领导", "enter")
        await pilot.press(*"王伟,科员,call me", "ctrl+s")
        error = wiz.query_one("#e-people", Static)
        await settle(pilot, lambda: str(error.render()), what="the refusal", workers=True)
        assert "row 2 · Phone" in str(error.render()) and wiz.step == 4
        s = Store.open(db)
        assert s.officers.list(active_only=False) == []
        s.close()
        await pilot.press("ctrl+n", "ctrl+n")
        await settle(pilot, lambda: app.screen is not wiz, what="the end", workers=True)
        assert set(wiz.done.values()) == {"skipped"}
    s = Store.open(db)
    try:  # set up, though empty: not offered again
        assert s.settings.is_empty() and not s.settings.needs_setup()
        assert s.settings.get().desk_name == ""
    finally:
        s.close()


async def test_abandoning_keeps_the_steps_saved(tmp_path):
    db = new_desk(tmp_path)
    app = console(db)
    async with app.run_test(size=(140, 45)) as pilot:
        wiz = await wizard(app, pilot)
        await pilot.press(*"湘江县应急管理局总值班室", "enter", "enter")
        await at_step(pilot, wiz, 1)
        await pilot.press("ctrl+a", "ctrl+k", *"Mars/Olympus", "enter")  # refused, not written
        await settle(
            pilot,
            lambda: str(wiz.query_one("#e-timezone", Static).render()),
            what="the refusal",
            workers=True,
        )
        assert "unknown time zone" in str(wiz.query_one("#e-timezone", Static).render())
        await pilot.press("escape")
        await settle(pilot, lambda: isinstance(app.screen, ConfirmDialog), what="the question")
        await pilot.press("n")  # not yet
        await settle(pilot, lambda: app.screen is wiz)
        await pilot.press("escape")
        await settle(pilot, lambda: isinstance(app.screen, ConfirmDialog), what="the question")
        await pilot.press("y")
        await settle(pilot, lambda: not isinstance(app.screen, (SetupWizard, ConfirmDialog)))
    s = Store.open(db)
    try:
        ds = s.settings.get()
        assert (ds.desk_name, ds.timezone) == ("湘江县应急管理局总值班室", "")
        assert s.settings.needs_setup()  # still empty and never finished: offered next time
    finally:
        s.close()
    app = console(db)
    async with app.run_test(size=(140, 45)) as pilot:
        wiz = await wizard(app, pilot)
        assert wiz.query_one("#f-desk_name").value == "湘江县应急管理局总值班室"


async def test_not_offered_on_a_desk_with_people(db_path, store, clock):
    from tests.helpers import roster_today

    roster_today(store, clock)
    app = console(db_path, clock=clock)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(pilot, lambda: app.loads >= 1, what="the dashboard", workers=True)
        await pilot.pause()
        assert not isinstance(app.screen, SetupWizard)
        assert not store.settings.needs_setup()


# -- the desk's settings in the database (store.settings) and the settings screen (`s`) ---------
def test_desk_settings_all_checked_first_then_written_audited(store):
    from watchdesk.errors import InputError

    audited = "SELECT count(*) FROM audit WHERE table_name = 'meta'"
    before = store.db.execute(audited).fetchone()[0]
    with pytest.raises(InputError) as e:
        store.settings.update(desk_name="湘江县应急管理局总值班室", timezone="Mars/Olympus")
    assert e.value.field == "timezone"
    assert store.settings.get().desk_name == ""  # nothing of the change was written
    with pytest.raises(InputError) as e:
        store.settings.update(rule_pack="nowhere")
    assert e.value.field == "rule_pack"
    ds = store.settings.update(
        desk_name=" 湘江县应急管理局总值班室 ", timezone="Asia/Urumqi", rule_pack="henan"
    )
    assert (ds.desk_name, ds.timezone, ds.rule_pack) == (
        "湘江县应急管理局总值班室",
        "Asia/Urumqi",
        "henan",
    )
    assert str(store.tz) == "Asia/Urumqi" and store.pack.id == "henan"  # from now on
    assert store.db.execute(audited).fetchone()[0] == before + 3
    store.settings.update(desk_name="湘江县应急管理局总值班室")  # unchanged: nothing written
    assert store.db.execute(audited).fetchone()[0] == before + 3
    assert store.check().ok


def test_a_new_desk_needs_setup_until_finished_or_used(store):
    assert store.settings.is_empty() and store.settings.needs_setup()
    store.settings.finish_setup()
    assert store.settings.is_empty() and not store.settings.needs_setup()


async def settings_form(app, pilot):
    from watchdesk.screens.dialogs import FormDialog

    await settle(pilot, lambda: isinstance(app.screen, FormDialog), what="a form")
    return app.screen


def error_text(f, name: str) -> str:
    return str(f.query_one(f"#e-{name}").render())


async def test_settings_screen_changes_go_through_the_store(db_path, store, clock):
    from datetime import timedelta

    from tests.helpers import roster_today
    from watchdesk.models.roster import Role
    from watchdesk.screens.settings import SettingsScreen

    roster_today(store, clock)
    app = make_app(db_path, settings=Settings(), clock=clock, poll=False)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(pilot, lambda: app.loads >= 1, what="the dashboard", workers=True)
        await pilot.press("s")
        await settle(pilot, lambda: isinstance(app.screen, SettingsScreen), what="settings")
        scr = app.screen
        await settle(pilot, lambda: scr.loads >= 1, what="the settings", workers=True)

        # The desk: a bad time zone is refused at its field; then saved, and shown at once.
        await pilot.press("e")
        f = await settings_form(app, pilot)
        await pilot.press(*"湘江县应急管理局总值班室", "tab", "tab", *"Mars/Olympus", "ctrl+s")
        await settle(pilot, lambda: error_text(f, "timezone"), what="the refusal", workers=True)
        assert store.settings.get().desk_name == ""
        f.query_one("#f-timezone").value = ""
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: scr.loads >= 2, what="the settings again", workers=True)
        assert store.settings.get().desk_name == "湘江县应急管理局总值班室"
        assert app.sub_title == "湘江县应急管理局总值班室"

        # Shifts and minimums: out of range refused; two officers a shift saved.
        await pilot.press("down", "e")
        f = await settings_form(app, pilot)
        f.query_one("#f-min_officer").value = "25"
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: error_text(f, "min_officer"), what="the refusal", workers=True)
        assert "0 to 20" in error_text(f, "min_officer")
        f.query_one("#f-min_officer").value = "2"
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: scr.loads >= 3, what="the settings again", workers=True)
        assert store.roster.config().minimums[Role.officer] == 2

        # Sensitive periods: added, listed, ended (asked first).
        await pilot.press("down", "down", "a")
        f = await settings_form(app, pilot)
        await pilot.press(*"汛期", "tab")
        f.query_one("#f-ends_on").value = "2026-12-31"
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: scr.loads >= 4, what="the settings again", workers=True)
        [p] = store.roster.sensitive_periods()
        assert (p.name, str(p.starts_on), str(p.ends_on)) == ("汛期", "2026-11-22", "2026-12-31")
        await pilot.press("x")
        await settle(pilot, lambda: isinstance(app.screen, ConfirmDialog), what="the question")
        await pilot.press("y")
        await settle(pilot, lambda: scr.loads >= 5, what="the settings again", workers=True)
        assert store.roster.sensitive_periods() == []

        # Leave: an officer picked from the desk's, the times in the desk's zone.
        await pilot.press("down", "a")
        f = await settings_form(app, pilot)
        await pilot.press("tab", "tab", "tab", *"年休假", "ctrl+s")
        await settle(pilot, lambda: scr.loads >= 6, what="the settings again", workers=True)
        [lv] = store.roster.leave_between(clock() - timedelta(days=2), clock() + timedelta(days=2))
        assert (lv.officer_name, lv.reason) == ("王建国", "年休假")
    assert store.check().ok
