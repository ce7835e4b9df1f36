"""The desk's own settings in the console (issue 12): the time zone and rule pack saved from the
settings screen or the setup apply every time the desk is opened, below a flag or the
environment and above the config file; the settings screen says where a value in use comes
from, and when one saved there is overridden here, so that a change is never silently ignored."""

from __future__ import annotations

import pytest
from textual.widgets import Static

from tests.helpers import Notices, facts, roster_today, settle
from watchdesk.config import ConfigError, load_settings
from watchdesk.models.incident import ReportKind
from watchdesk.screens.dialogs import FormDialog
from watchdesk.screens.settings import SettingsScreen
from watchdesk.startup import open_console


@pytest.fixture
def clean_env(tmp_path, monkeypatch):
    monkeypatch.delenv("WATCHDESK_TZ", raising=False)
    monkeypatch.delenv("WATCHDESK_RULE_PACK", raising=False)
    return tmp_path / "none.toml"


def opened(db_path, clock, cfg):
    """As `watchdesk` opens the console (the officer already known: no question)."""
    from watchdesk.models.officer import Actor

    return open_console(
        db_path, settings=load_settings(cfg), actor=Actor(name="tests"), clock=clock
    )


async def phone_minutes(app, clock) -> float:
    """A major incident saved through the console's store: minutes to its phone clock."""

    def add(s):
        inc = s.incidents.add(facts(clock, dead=10))
        return [d for d in s.incidents.deadlines(inc.id) if d.kind == ReportKind.phone]

    [phone] = await app.client.call(add)
    return (phone.due_at - clock()).total_seconds() / 60


async def settings_screen(app, pilot) -> SettingsScreen:
    await settle(pilot, lambda: app.loads >= 1, what="the dashboard", workers=True)
    await pilot.press("s")
    await settle(pilot, lambda: isinstance(app.screen, SettingsScreen), what="settings")
    scr = app.screen
    assert isinstance(scr, SettingsScreen)
    await settle(pilot, lambda: scr.loads >= 1, what="the settings", workers=True)
    return scr


def shown(scr: SettingsScreen) -> dict[str, str]:
    assert scr.data is not None
    return {key: cells[1] for key, cells in scr._rows()[1]}


async def test_saved_on_the_desk_applies_when_it_is_opened_again(
    db_path, store, clock, clean_env, monkeypatch
):
    roster_today(store, clock)
    app = opened(db_path, clock, clean_env)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(pilot, lambda: app.loads >= 1, what="the dashboard", workers=True)
        assert str(app.settings.tz) == "Asia/Shanghai"
        assert await phone_minutes(app, clock) == 30  # national
    store.settings.update(timezone="Asia/Urumqi", rule_pack="henan")  # as the settings screen
    app = opened(db_path, clock, clean_env)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(pilot, lambda: app.loads >= 1, what="the dashboard", workers=True)
        assert str(app.settings.tz) == "Asia/Urumqi"
        assert str(await app.client.call(lambda s: s.tz)) == "Asia/Urumqi"
        assert await phone_minutes(app, clock) == 15  # henan
        scr = await settings_screen(app, pilot)
        assert shown(scr)["timezone"] == "Asia/Urumqi"
    # The environment is stronger: the screen says so, and what the desk keeps.
    monkeypatch.setenv("WATCHDESK_TZ", "Asia/Shanghai")
    app = opened(db_path, clock, clean_env)
    async with app.run_test(size=(140, 45)) as pilot:
        scr = await settings_screen(app, pilot)
        assert str(app.settings.tz) == "Asia/Shanghai"
        assert shown(scr)["timezone"] == "Asia/Shanghai · WATCHDESK_TZ (the desk's: Asia/Urumqi)"
        hint = str(scr.query_one("#settings-hint", Static).render())
        assert "Time zone: WATCHDESK_TZ sets Asia/Shanghai in this console" in hint
        assert "Asia/Urumqi, applies wherever WATCHDESK_TZ is not set" in hint


async def test_a_change_overridden_here_is_saved_and_said(
    db_path, store, clock, clean_env, monkeypatch
):
    roster_today(store, clock)
    cfg = clean_env.with_name("watchdesk.toml")
    cfg.write_text('report_to = "市应急管理局总值班室"\n', encoding="utf-8")
    monkeypatch.setenv("WATCHDESK_RULE_PACK", "national")
    app = opened(db_path, clock, cfg)
    notices = Notices(app)
    async with app.run_test(size=(140, 45)) as pilot:
        scr = await settings_screen(app, pilot)
        rows = shown(scr)
        assert rows["report_to"] == "市应急管理局总值班室 · config file"
        assert rows["rule_pack"].endswith("(national) · WATCHDESK_RULE_PACK")
        assert rows["timezone"] == "Asia/Shanghai · default"
        await pilot.press("tab", "e")
        await settle(pilot, lambda: isinstance(app.screen, FormDialog), what="the form")
        form = app.screen
        assert "WATCHDESK_RULE_PACK sets national" in str(form.query_one(".dialog-note").render())
        form.query_one("#f-rule_pack").value = "henan"
        form.query_one("#f-timezone").value = "Asia/Urumqi"
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: scr.loads >= 2, what="the settings again", workers=True)
        assert (store.settings.get().rule_pack, store.settings.get().timezone) == (
            "henan",
            "Asia/Urumqi",
        )
        # The zone applies at once; the pack stays the environment's, and the officer is told.
        assert str(app.settings.tz) == "Asia/Urumqi"
        assert app.settings.rule_pack == "national"
        assert await app.client.call(lambda s: (str(s.tz), s.pack.id)) == (
            "Asia/Urumqi",
            "national",
        )
        warned = [m for sev, _, m in notices.shown if sev == "warning"]
        assert warned and "Saved on the desk, but not in use in this console" in warned[-1]
        assert "WATCHDESK_RULE_PACK sets national" in warned[-1]
        assert shown(scr)["timezone"] == "Asia/Urumqi"
        # Emptied on the desk: the default again, at once.
        await pilot.press("e")
        await settle(pilot, lambda: isinstance(app.screen, FormDialog), what="the form")
        app.screen.query_one("#f-timezone").value = ""
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: scr.loads >= 3, what="the settings again", workers=True)
        assert str(app.settings.tz) == "Asia/Shanghai"
        assert str(await app.client.call(lambda s: s.tz)) == "Asia/Shanghai"


def test_a_pack_that_cannot_be_used_stops_the_console_before_it_starts(
    db_path, store, clock, clean_env, tmp_path
):
    pack = tmp_path / "mine.toml"
    from importlib.resources import files

    pack.write_text(
        files("watchdesk.rules").joinpath("packs/henan.toml").read_text(encoding="utf-8"),
        encoding="utf-8",
    )
    store.settings.update(rule_pack=str(pack))
    pack.unlink()
    with pytest.raises(ConfigError, match=r"rule pack '.*mine\.toml' \(chosen by the desk"):
        opened(db_path, clock, clean_env)
