"""Pickers over the directory, for forms that need a caller or a unit.

    caller = await self.app.push_screen_wait(UnitPickerScreen("gaj"))   # in a worker
    self.app.push_screen(UnitPickerScreen(), callback=self.fill_caller)  # or with a callback

`UnitPickerScreen` searches units and their contacts as you type — by name, full pinyin, pinyin
initials (`gaj` → 公安局) or digits of a phone number — and dismisses with a `PickedCaller`
(`unit`, `name`, `title`, `phone`, plus `unit_id` / `contact_id`) or with None on Esc. A unit
picked without a contact gives its duty phone and leaves name and title empty.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Label

from watchdesk.i18n import t
from watchdesk.i18n.labels import unit_class
from watchdesk.models.directory import PickedCaller, SearchHit
from watchdesk.screens.base import WatchdeskModal
from watchdesk.widgets import localize_bindings
from watchdesk.widgets.fixed_table import FixedTable, cell_text


class HitsTable(FixedTable):
    """Directory search results; `hits` holds the models behind the rows."""

    def __init__(self, **kwargs):
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        self.hits: list[SearchHit] = []

    def on_mount(self) -> None:
        # Fixed widths (cells): columns do not jump as results change while typing.
        for key, width in (
            ("unit", 24),
            ("class", 14),
            ("contact", 8),
            ("role", 10),
            ("phone", 16),
        ):
            self.add_column(t(f"dir.col.{key}"), key=key, width=width)

    def set_hits(self, hits: list[SearchHit]) -> None:
        self.hits = hits
        self.clear()
        for i, h in enumerate(hits):
            name = h.unit_name if h.active else f"{h.unit_name} {t('dir.inactive')}"
            self.add_row(
                *(
                    cell_text(v)
                    for v in (
                        name,
                        unit_class(h.kind, h.level, h.room_type),
                        h.contact_name,
                        h.role,
                        h.phone or h.duty_phone,
                    )
                ),
                key=str(i),
            )
        self.size_now()

    @property
    def current(self) -> SearchHit | None:
        if not self.hits or self.cursor_row < 0 or self.cursor_row >= len(self.hits):
            return None
        return self.hits[self.cursor_row]


class UnitPickerScreen(WatchdeskModal[PickedCaller | None]):
    DEFAULT_CSS = """
    UnitPickerScreen { align: center middle; }
    UnitPickerScreen > Vertical {
        width: 100; max-width: 95%; height: 24; border: thick $primary; background: $surface;
        padding: 0 1;
    }
    UnitPickerScreen HitsTable { height: 1fr; }
    """
    BINDINGS = [
        Binding("escape", "cancel", "key.dir.cancel", id="picker-cancel"),
        Binding("enter", "pick", "key.dir.pick", id="picker-pick", priority=True),
        Binding("down", "move(1)", "key.dir.down", id="picker-down", show=False),
        Binding("up", "move(-1)", "key.dir.up", id="picker-up", show=False),
    ]

    def __init__(self, query: str = "", *, limit: int = 50, title: str | None = None) -> None:
        super().__init__()
        localize_bindings(self)
        self.initial = query
        self.limit = limit
        self.picker_title = title or t("picker.title")  # default: choosing a caller
        self.searches = 0  # completed searches (tests wait on it)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.picker_title, classes="section-title")
            yield Input(
                value=self.initial, placeholder=t("dir.search.placeholder"), id="picker-query"
            )
            yield HitsTable(id="picker-hits")

    def on_mount(self) -> None:
        self.query_one("#picker-query", Input).focus()
        self.search(self.initial)

    def on_input_changed(self, event: Input.Changed) -> None:
        self.search(event.value)

    def search(self, text: str) -> None:
        """One exclusive worker per keystroke: a newer query cancels the older one."""
        self.run_read(lambda: self._search(text), group="picker-search")

    async def _search(self, text: str) -> None:
        limit = self.limit
        hits = await self.app.client.call(lambda s: s.directory.search(text, limit=limit))
        self.query_one(HitsTable).set_hits(hits)
        self.searches += 1

    def action_move(self, step: int) -> None:
        table = self.query_one(HitsTable)
        if table.row_count:
            table.move_cursor(row=max(0, min(table.row_count - 1, table.cursor_row + step)))

    def action_pick(self) -> None:
        hit = self.query_one(HitsTable).current
        if hit is not None:
            self.dismiss(hit.as_caller())

    def action_cancel(self) -> None:
        self.dismiss(None)
