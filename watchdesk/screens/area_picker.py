"""Picking an area (乡镇/街道/区) for the intake form: searched as you type by name, full pinyin,
pinyin initials (`qsp` → 青山铺镇) or 行政区划代码, as units are in the directory picker.
Dismisses with the `Area` picked, or None on Esc."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Label

from watchdesk.i18n import t
from watchdesk.models.area import Area
from watchdesk.screens.base import WatchdeskModal
from watchdesk.widgets import localize_bindings
from watchdesk.widgets.fixed_table import FixedTable, cell_text


class AreasTable(FixedTable):
    def __init__(self, **kwargs):
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        self.areas: list[Area] = []

    def on_mount(self) -> None:
        for key, width in (("name", 20), ("code", 14), ("kind", 24)):
            self.add_column(t(f"area.col.{key}"), key=key, width=width)

    def set_areas(self, areas: list[Area]) -> None:
        self.areas = areas
        self.clear()
        for i, a in enumerate(areas):
            self.add_row(
                *(cell_text(v) for v in (a.name, a.code, t(f"area.kind.{a.kind.value}"))),
                key=str(i),
            )
        self.size_now()

    @property
    def current(self) -> Area | None:
        if not self.areas or self.cursor_row < 0 or self.cursor_row >= len(self.areas):
            return None
        return self.areas[self.cursor_row]


class AreaPicker(WatchdeskModal[Area | None]):
    DEFAULT_CSS = """
    AreaPicker { align: center middle; }
    AreaPicker > Vertical {
        width: 70; max-width: 95%; height: 20; border: thick $primary; background: $surface;
        padding: 0 1;
    }
    AreaPicker AreasTable { height: 1fr; }
    AreaPicker #area-none { color: $warning; }
    """
    BINDINGS = [
        Binding("escape", "cancel", "key.dir.cancel", id="area-picker-cancel"),
        Binding("enter", "pick", "key.dir.pick", id="area-picker-pick", priority=True),
        Binding("down", "move(1)", "key.dir.down", id="area-picker-down", show=False),
        Binding("up", "move(-1)", "key.dir.up", id="area-picker-up", show=False),
    ]

    def __init__(self, query: str = "") -> None:
        super().__init__()
        localize_bindings(self)
        self.initial = query
        self.searches = 0  # completed searches (tests wait on it)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(t("area.picker.title"), classes="section-title")
            yield Input(
                value=self.initial, placeholder=t("area.picker.placeholder"), id="area-query"
            )
            yield Label("", id="area-none")
            yield AreasTable(id="area-hits")

    def on_mount(self) -> None:
        self.query_one("#area-query", Input).focus()
        self.search(self.initial)

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.search(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_pick()

    def search(self, text: str) -> None:
        self.run_read(lambda: self._search(text), group="area-search")

    async def _search(self, text: str) -> None:
        def read(s):
            return s.areas.search(text, limit=50), bool(s.areas.list())

        hits, any_area = await self.app.client.call(read)
        self.query_one(AreasTable).set_areas(hits)
        self.query_one("#area-none", Label).update("" if any_area else t("area.picker.none"))
        self.searches += 1

    def action_move(self, step: int) -> None:
        table = self.query_one(AreasTable)
        if table.row_count:
            table.move_cursor(row=max(0, min(table.row_count - 1, table.cursor_row + step)))

    def action_pick(self) -> None:
        area = self.query_one(AreasTable).current
        if area is not None:
            self.dismiss(area)

    def action_cancel(self) -> None:
        self.dismiss(None)
