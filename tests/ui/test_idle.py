"""An idle console redraws only what its clocks change (issue 19: idle cost).

A tick repaints the countdown cells and the changed part of the banner and the leader-check
bar, never the whole screen; the terminal then gets only those cells (widgets/chops.py), and
what it shows is the same as with Textual's own way of writing an update."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pyte
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual._compositor import ChopsUpdate, Compositor
from textual.app import App
from textual.strip import Strip

from tests.helpers import facts, roster_today, settle
from watchdesk.app import make_app
from watchdesk.config import Settings
from watchdesk.widgets import chops
from watchdesk.widgets.board import CountdownBoard
from watchdesk.widgets.fixed_table import FixedTable, cell_text
from watchdesk.widgets.textline import changed_cells


async def test_a_tick_repaints_only_what_the_clocks_changed(db_path, clock, store, monkeypatch):
    roster_today(store, clock)
    for i in range(3):
        # 30 minutes left on the 2-hour clocks (mm:ss), 22 h 30 on the 24-hour ones (h:mm)
        store.incidents.add(facts(clock, dead=3 + i, received_at=clock() - timedelta(minutes=90)))
    app = make_app(db_path, settings=Settings(), clock=clock, poll=False)
    painted: list[str | list] = []

    def partial(self):
        painted.append(sorted(self._dirty_regions))
        return real_partial(self)

    def full(self, simplify: bool = False):
        painted.append("full")
        return real_full(self, simplify)

    real_partial, real_full = Compositor.render_partial_update, Compositor.render_full_update
    monkeypatch.setattr(Compositor, "render_partial_update", partial)
    monkeypatch.setattr(Compositor, "render_full_update", full)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(pilot, lambda: app.loads >= 1, what="the dashboard", workers=True)
        await pilot.pause()
        board = app.screen.query_one(CountdownBoard)
        assert len(board.rows_data) >= 3
        # A first tick: the board drawn once more after its first load (what start-up left to
        # draw); every idle tick after it repaints only the countdown cells (checked below).
        clock.advance(seconds=1)
        app.tick()
        await pilot.pause()
        before = [str(board.get_cell(str(r.deadline_id), "left")) for r in board.rows_data]
        painted.clear()
        clock.advance(seconds=1)
        app.tick()
        await pilot.pause()
        await pilot.pause()
        after = [str(board.get_cell(str(r.deadline_id), "left")) for r in board.rows_data]
        assert after != before
        assert painted and "full" not in painted
        regions = [r for update in painted for r in update]
        assert all(r.height == 1 for r in regions), regions
        left = board.region.x + sum(c.get_render_width(board) for c in board.ordered_columns[:-1])
        in_board = [r for r in regions if board.region.contains_region(r)]
        # one per clock that shows seconds (under an hour left), each its own cell; the clocks
        # an hour or more away show h:mm and are not drawn again this second
        changed = sum(a != b for a, b in zip(after, before, strict=True))
        assert 0 < changed < len(board.rows_data), after
        assert len(in_board) == changed
        assert all(r.x >= left for r in in_board)
        # the rest: the banner's and the leader-check bar's changed text, not whole lines
        assert sum(r.width for r in regions if r not in in_board) < 140


async def test_an_idle_tick_draws_each_change_once_and_runs_one_clock(
    db_path, clock, store, monkeypatch
):
    """What a tick costs, counted rather than timed: no board row is drawn again from all its
    cells (a countdown cell is drawn into the row as it was), each changed cell is drawn once,
    each text bar whose text changed is laid out once (not again when it is painted), and the
    only repeating timer anywhere on the screen is the app's one clock."""
    from textual.visual import Visual
    from textual.widgets import DataTable

    from watchdesk.widgets.textline import TextLine

    roster_today(store, clock)
    for i in range(3):
        # 30 minutes left on the 2-hour clocks (mm:ss), 22 h 30 on the 24-hour ones (h:mm)
        store.incidents.add(facts(clock, dead=3 + i, received_at=clock() - timedelta(minutes=90)))
    app = make_app(db_path, settings=Settings(), clock=clock, poll=False)
    rows: list[int] = []
    cells: list[int] = []
    laid_out: list[str] = []  # by widget
    real_row, real_cell = DataTable._render_line_in_row, DataTable._render_cell
    real_strips = Visual.to_strips

    def draw_row(self, *args, **kwargs):
        rows.append(1)
        return real_row(self, *args, **kwargs)

    def draw_cell(self, row_index, *args, **kwargs):
        if row_index >= 0:
            cells.append(row_index)
        return real_cell(self, row_index, *args, **kwargs)

    def to_strips(widget, *args, **kwargs):
        if isinstance(widget, TextLine):
            laid_out.append(widget.id or "")
        return real_strips(widget, *args, **kwargs)

    async with app.run_test(size=(140, 45)) as pilot:
        await settle(pilot, lambda: app.loads >= 1, what="the dashboard", workers=True)
        await pilot.pause()
        board = app.screen.query_one(CountdownBoard)
        assert len(board.rows_data) >= 3
        for _ in range(2):  # what start-up left to draw
            clock.advance(seconds=1)
            app.tick()
            await pilot.pause()
        monkeypatch.setattr(DataTable, "_render_line_in_row", draw_row)
        monkeypatch.setattr(DataTable, "_render_cell", draw_cell)
        monkeypatch.setattr(Visual, "to_strips", staticmethod(to_strips))
        ticks = 5
        for _ in range(ticks):
            clock.advance(seconds=1)
            app.tick()
            await pilot.pause()
            await pilot.pause()
        assert rows == []
        near = [r for r in board.rows_data if r.due_at - clock() < timedelta(hours=1)]
        assert 0 < len(near) < len(board.rows_data)
        assert len(cells) == ticks * len(near)  # only the clocks that show seconds
        # the banner's "ends in" and the leader-check bar show h:mm here (an hour or more
        # away): laid out when their minute turns, at most once a tick
        assert all(n <= ticks for n in Counter(laid_out).values()), laid_out
        repeating = {
            (timer.name, timer._interval)
            for node in (app, *app.screen_stack, *app.screen.walk_children())
            for timer in node._timers
            if timer._repeat is None and timer.name != "screen_update"  # Textual's frames
        }
        assert repeating == {("tick", 1)}


def test_changed_cells_of_a_line():
    def strip(*parts: str) -> Strip:
        return Strip([Segment(p, Style(bold=i % 2 == 1)) for i, p in enumerate(parts)])

    assert changed_cells(strip("值班 ", "7:42:56"), strip("值班 ", "7:42:56")) is None
    assert changed_cells(strip("值班 ", "7:42:56", " end"), strip("值班 ", "7:42:55", " end")) == (
        5,
        12,
    )
    # a shorter line clears what the longer one had drawn
    assert changed_cells(strip("值班 ", "10:00:00"), strip("值班 ", "9:59:59")) == (5, 13)


class Ticking(App):
    def compose(self):
        yield FixedTable(id="t", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        table = self.query_one(FixedTable)
        for key, width in (("a", 36), ("b", 6), ("left", 10)):
            table.add_column(key, key=key, width=width)
        for i in range(8):
            table.add_row(
                cell_text(f"#{i} 城关镇东街居民楼起火"),
                cell_text("较大"),
                cell_text("0:00"),
                key=str(i),
            )


async def test_partial_updates_show_the_same_screen_as_textuals_own(monkeypatch):
    """The same updates written Textual's way and ours, replayed in a terminal emulator."""
    updates: list[ChopsUpdate] = []
    first: list = []

    def display(self, screen, renderable) -> None:
        if isinstance(renderable, ChopsUpdate):
            updates.append(renderable)
        elif renderable is not None and not first:
            first.append(renderable)

    monkeypatch.setattr(App, "_display", display)
    app = Ticking()
    async with app.run_test(size=(60, 12)) as pilot:
        await pilot.pause()
        first.clear()
        app.screen._compositor._dirty_regions.add(app.screen.region)
        app.screen._refresh_layout(app.size)  # a full update: the screen to start from
        table = app.query_one(FixedTable)
        for n in range(1, 4):
            for i in range(8):
                table.update_cell(str(i), "left", Text(f"{n}:{i:02}", style="bold"))
            await pilot.pause()
        await pilot.pause()
    assert first and updates
    console = Console(width=60, height=12, color_system="truecolor", force_terminal=True)
    screens = []
    try:
        for install in (chops.uninstall, chops.install):
            install()
            screen = pyte.Screen(60, 12)
            stream = pyte.ByteStream(screen)
            stream.feed(first[0].render_segments(console).encode())
            sizes = 0
            for update in updates:
                out = update.render_segments(console)
                sizes += len(out)
                stream.feed(out.encode())
            screens.append((screen.display, sizes))
    finally:
        chops.uninstall()
    (textual, textual_bytes), (ours, our_bytes) = screens
    assert ours == textual
    assert any("3:07" in line for line in ours)
    assert our_bytes < textual_bytes * 0.6
