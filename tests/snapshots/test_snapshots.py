"""SVG snapshots of each screen at a fixed size and a fixed clock (update with --snapshot-update)."""

from __future__ import annotations

from datetime import datetime

import pytest

from tests.helpers import TZ, FakeClock, painted, settle
from watchdesk.app import make_app
from watchdesk.config import Settings
from watchdesk.demo import build_demo
from watchdesk.i18n import set_language

NOW = datetime(2026, 11, 22, 14, 29, 0, tzinfo=TZ)


@pytest.fixture
def demo_app(tmp_path):
    """The demo desk with 赵磊 (the duty chief) at the keyboard, as the header shows."""

    def make(lang: str, **kw):
        set_language(lang)
        path = build_demo(tmp_path / f"demo-{lang}.db", now=NOW)
        kw.setdefault("actor", "赵磊")
        return make_app(path, settings=Settings(), clock=FakeClock(NOW), poll=False, **kw)

    return make


async def _loaded(pilot):
    await settle(pilot, lambda: pilot.app.loads, what="the dashboard")
    await painted(pilot)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_main_screen(snap_compare, demo_app, lang):
    assert snap_compare(demo_app(lang), terminal_size=(140, 45), run_before=_loaded)


def test_intake_form(snap_compare, demo_app):
    async def run_before(pilot):
        await _loaded(pilot)
        await pilot.press("n")
        for ch in "城关镇东街":
            await pilot.press(ch)
        # the typed field's cursor blinks: hold it still so every run takes the same picture
        from textual.widgets import Input

        for field in pilot.app.screen.query(Input):
            field.cursor_blink = False
        await painted(pilot)

    assert snap_compare(demo_app("zh"), terminal_size=(140, 45), run_before=run_before)


def test_incident_detail(snap_compare, demo_app):
    async def run_before(pilot):
        await _loaded(pilot)
        await pilot.press("enter")  # the first clock on the board: the overdue flood incident
        await settle(pilot, lambda: getattr(pilot.app.screen, "incident", None) is not None)
        await painted(pilot)

    assert snap_compare(demo_app("zh"), terminal_size=(140, 45), run_before=run_before)


def test_handover_screen(snap_compare, demo_app):
    async def run_before(pilot):
        await _loaded(pilot)
        await pilot.press("j")
        await settle(pilot, lambda: getattr(pilot.app.screen, "text", ""))
        await painted(pilot)

    assert snap_compare(demo_app("zh"), terminal_size=(140, 45), run_before=run_before)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_who_is_at_the_keyboard(snap_compare, demo_app, lang):
    """The question the console asks when it starts (the signed-in duty chief proposed)."""
    from watchdesk.screens.seat import SeatDialog

    async def run_before(pilot):
        await _loaded(pilot)
        await settle(pilot, lambda: isinstance(pilot.app.screen, SeatDialog), what="the question")
        await painted(pilot)

    app = demo_app(lang, actor="", ask_officer=True)
    assert snap_compare(app, terminal_size=(140, 45), run_before=run_before)
