"""Cheap guards for the time from a key to its screen (issue 19, bench/keys.py measures it): the
work a screen does before it can show stays bounded by what fits on the screen, not by how long
the desk's history is."""

from __future__ import annotations

from datetime import datetime

import pytest
from rich.table import Table
from textual.app import App, ComposeResult

from tests.helpers import TZ, FakeClock, painted, settle
from watchdesk.app import make_app
from watchdesk.config import Settings
from watchdesk.demo import build_demo
from watchdesk.i18n import set_language
from watchdesk.screens.handover import SheetView
from watchdesk.screens.help import HelpScreen
from watchdesk.screens.warning import WarningsScreen

NOW = datetime(2026, 11, 22, 14, 29, 0, tzinfo=TZ)


@pytest.fixture
def demo(tmp_path):
    set_language("en")
    path = build_demo(tmp_path / "demo.db", now=NOW)
    return make_app(path, settings=Settings(), clock=FakeClock(NOW), poll=False, actor="赵磊")


async def test_a_long_handover_sheet_is_drawn_a_screenful_at_a_time():
    """A day's sheet on a busy desk is over a thousand lines: only the lines on the screen are
    drawn (a Static laid the whole sheet out on the UI thread before the screen showed)."""
    drawn: list[int] = []

    class Probe(SheetView):
        def render_line(self, y):
            drawn.append(y)
            return super().render_line(y)

    class Sheet(App[None]):
        def compose(self) -> ComposeResult:
            yield Probe(id="sheet")

    app = Sheet()
    async with app.run_test(size=(100, 30)) as pilot:
        view = app.query_one(Probe)
        view.show("\n".join(f"line {i:05}" for i in range(20_000)))
        await painted(pilot)
        assert view.virtual_size.height == 20_000
        assert 0 < len(drawn) < 2_000  # screenfuls (each look redraws one), not the sheet
        drawn.clear()
        await pilot.press("end")
        await painted(pilot)
        assert view.scroll_offset.y == 20_000 - view.scrollable_content_region.height
        assert len(drawn) < 2_000
        assert view.text.endswith("line 19999")


async def test_help_lays_its_key_tables_out_once(demo, monkeypatch):
    """? : each table of keys is laid out by Rich once for its width (as a Static it was laid out
    again for every measurement and paint: about fifteen times as the dialog opened)."""
    laid = 0
    rich_console = Table.__rich_console__

    def counted(self, console, options):
        nonlocal laid
        laid += 1
        yield from rich_console(self, console, options)

    async with demo.run_test(size=(140, 45)) as pilot:
        await settle(pilot, lambda: demo.loads, what="the dashboard")
        monkeypatch.setattr(Table, "__rich_console__", counted)
        await pilot.press("question_mark")
        await settle(pilot, lambda: isinstance(demo.screen, HelpScreen))
        await painted(pilot)
        assert demo.screen.lines()  # it shows keys
        assert laid <= 2 * 2  # two sections, at most one width change each


async def test_the_warnings_board_opens_with_one_read(demo):
    """y: the list and the history of the warning under the cursor come in one read, and are
    shown in one go (not the list, then a second read for the detail pane)."""
    async with demo.run_test(size=(140, 45)) as pilot:
        await settle(pilot, lambda: demo.loads, what="the dashboard")
        calls: list[str] = []
        real = demo.client.call

        async def counted(fn):
            calls.append(getattr(fn, "__qualname__", ""))
            return await real(fn)

        demo.client.call = counted  # type: ignore[method-assign]
        await pilot.press("y")
        await settle(pilot, lambda: isinstance(demo.screen, WarningsScreen) and demo.screen.loads)
        await painted(pilot)
        screen = demo.screen
        assert isinstance(screen, WarningsScreen)
        assert [c for c in calls if c.startswith("WarningsScreen")] == [
            "WarningsScreen._load.<locals>.read"
        ]
        assert screen.current is not None and screen._shown is screen.current
        await pilot.press("down")  # another warning: its history is read then
        await settle(pilot, lambda: screen._shown is screen.current)
