"""FixedTable skips DataTable's cell measuring for fixed-width columns: it must size, scroll and
draw exactly as a DataTable does, and hand anything else back to DataTable."""

from __future__ import annotations

from rich.text import Text
from textual.app import App
from textual.widgets import DataTable

from watchdesk.widgets.fixed_table import FixedTable

ROWS = [(f"#{i} 城关镇东街居民楼起火 [已控制]", "较大", f"续报{i}", "14:3{0}".format(i % 10))
        for i in range(60)]


class Pair(App):
    CSS = "DataTable { height: 12; width: 70; }"

    def __init__(self, auto: bool = False):
        super().__init__()
        self.auto = auto

    def compose(self):
        yield DataTable(id="plain")
        yield FixedTable(id="fixed")

    def on_mount(self) -> None:
        for table in self.query(DataTable):
            for key, width in (("a", 30), ("b", 6), ("c", 10), ("d", 8)):
                table.add_column(key, key=key, width=None if (self.auto and key == "c") else width)
            for i, row in enumerate(ROWS):
                table.add_row(*(Text(c) for c in row), key=str(i))


def _lines(table: DataTable) -> list[str]:
    return [strip.text for strip in (table.render_line(y) for y in range(table.size.height))]


async def test_fixed_table_draws_and_sizes_like_a_datatable():
    app = Pair()
    async with app.run_test(size=(80, 30)) as pilot:
        await pilot.pause()
        plain, fixed = app.query_one("#plain", DataTable), app.query_one("#fixed", FixedTable)
        assert fixed.virtual_size == plain.virtual_size
        assert _lines(fixed) == _lines(plain)
        for table in (plain, fixed):
            table.update_cell("5", "c", Text("一个很长很长的续报内容"))
            table.move_cursor(row=40)
        await pilot.pause()
        assert fixed.virtual_size == plain.virtual_size
        assert fixed.scroll_offset == plain.scroll_offset
        assert _lines(fixed) == _lines(plain)


async def test_an_auto_width_column_is_measured_as_usual():
    app = Pair(auto=True)
    async with app.run_test(size=(80, 30)) as pilot:
        await pilot.pause()
        plain, fixed = app.query_one("#plain", DataTable), app.query_one("#fixed", FixedTable)
        assert fixed.columns["c"].content_width == plain.columns["c"].content_width > 0
        assert fixed.virtual_size == plain.virtual_size
        assert _lines(fixed) == _lines(plain)
