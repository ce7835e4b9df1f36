"""FixedTable skips DataTable's cell measuring for fixed-width columns: it must size, scroll and
draw exactly as a DataTable does, and hand anything else back to DataTable."""

from __future__ import annotations

from rich.text import Text
from textual.app import App
from textual.widgets import DataTable

from tests.helpers import settle
from watchdesk.widgets.fixed_table import FixedTable

ROWS = [
    (f"#{i} 城关镇东街居民楼起火 [已控制]", "较大", f"续报{i}", f"14:3{i % 10}") for i in range(60)
]


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


async def test_key_footer_rebuilds_once_per_burst_and_shows_the_keys():
    from textual.binding import Binding
    from textual.widgets import Footer
    from textual.widgets._footer import FooterKey

    from watchdesk.widgets.footer import KeyFooter

    class Keys(App):
        BINDINGS = [Binding("p", "phone", "phone"), Binding("w", "written", "written")]
        dim = False  # "written" shown but unavailable (dimmed): a change the footer must draw

        def compose(self):
            yield DataTable()
            yield KeyFooter(id="ours")

        def check_action(self, action, parameters):
            return None if self.dim and action == "written" else True

    app = Keys()
    async with app.run_test(size=(80, 10)) as pilot:
        await pilot.pause()
        footer = app.query_one("#ours", KeyFooter)
        assert isinstance(footer, Footer)
        keys = {k.description for k in footer.query(FooterKey)}
        assert {"phone", "written"} <= keys
        rebuilds = []
        real = Footer.recompose

        async def counted(self):
            rebuilds.append(1)
            return await real(self)

        KeyFooter.recompose = counted
        try:
            app.dim = True  # something to redraw: a burst changing nothing redraws nothing
            for _ in range(3):  # one burst: e.g. mounted, focus given, keymap applied
                app.screen.refresh_bindings()
            await settle(
                pilot,
                lambda: rebuilds and {k.description for k in footer.query(FooterKey)} == keys,
                n=50,
                delay=0.01,
            )
        finally:
            del KeyFooter.recompose
        assert rebuilds == [1]
        assert {k.description for k in footer.query(FooterKey)} == keys


async def test_key_footer_recovers_when_a_modal_closes_at_once():
    """A rebuild scheduled while a modal opens is dropped if the modal goes away before its
    first refresh (an edit form that finds the incident held by another seat): the footer must
    still follow later changes, as Textual's does."""
    from textual.binding import Binding
    from textual.screen import ModalScreen, Screen
    from textual.widgets import Label
    from textual.widgets._footer import FooterKey

    from watchdesk.widgets.footer import KeyFooter

    class Gone(ModalScreen):
        def compose(self):
            yield Label("held by another seat")

        def on_mount(self) -> None:
            self.dismiss()

    class Desk(Screen):
        BINDINGS = [
            Binding("p", "phone", "phone"),
            Binding("o", "open", "open"),
            Binding("t", "arm", "arm"),
        ]
        armed = False

        def compose(self):
            yield Label("desk")
            yield KeyFooter(id="f")

        def check_action(self, action, parameters):
            return self.armed if action == "phone" else True

        def action_open(self) -> None:
            self.app.push_screen(Gone())

        def action_arm(self) -> None:
            self.armed = True
            self.refresh_bindings()

    class Console(App):
        def on_mount(self) -> None:
            self.push_screen(Desk())

    app = Console()
    async with app.run_test(size=(80, 10)) as pilot:
        await pilot.pause()
        desk = app.screen
        footer = desk.query_one("#f", KeyFooter)
        await pilot.press("o")
        await pilot.pause(0.2)
        assert app.screen is desk
        await pilot.press("t")  # "phone" becomes available: the footer must show it
        await settle(
            pilot,
            lambda: "phone" in {k.description for k in footer.query(FooterKey)},
            n=50,
            delay=0.01,
        )
        assert "phone" in {k.description for k in footer.query(FooterKey)}


async def test_updated_cells_are_drawn_into_the_row_as_a_datatable_draws_it():
    """A row whose cells only changed is drawn from its last line with the new cells put in:
    the same segments (text and styles) as a DataTable drawing the whole row, under the row
    cursor, on striped rows, and after a change that is not a cell's."""

    class Striped(Pair):
        def on_mount(self) -> None:  # after Pair's (Textual runs each class's handler)
            for table in self.query(DataTable):
                table.zebra_stripes = True
                table.cursor_type = "row"

    def segments(table: DataTable) -> list[list]:
        return [list(table.render_line(y)) for y in range(table.size.height)]

    app = Striped()
    async with app.run_test(size=(80, 30)) as pilot:
        app.set_focus(None)  # the first table would be drawn focused
        await pilot.pause()
        plain, fixed = app.query_one("#plain", DataTable), app.query_one("#fixed", FixedTable)
        assert segments(fixed) == segments(plain)
        for n in range(3):
            for table in (plain, fixed):
                for row in (0, 1, 2, 5):
                    style = "bold white on red" if (row + n) % 2 else ""
                    table.update_cell(str(row), "d", Text(f"{n}:0{row}", style=style))
                table.update_cell("1", "a", Text(f"改了 {n} 次 [!]"))
            await pilot.pause()
            assert segments(fixed) == segments(plain)
        for table in (plain, fixed):
            table.move_cursor(row=2)
            table.update_cell("2", "d", Text("9:99"))
        await pilot.pause()
        assert segments(fixed) == segments(plain)
        for table in (plain, fixed):
            table.add_row(*(Text(c) for c in ROWS[0]), key="new")
            table.update_cell("3", "b", Text("特大"))
        await pilot.pause()
        assert segments(fixed) == segments(plain)
