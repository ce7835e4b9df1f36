"""The directory: linkage units and subordinate duty rooms, searched as you type."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Input, Label, Static

from watchdesk.files.directory import ImportRefused, export_units, read_units
from watchdesk.i18n import t
from watchdesk.i18n.labels import method_label, outcome_label, unit_class
from watchdesk.models.directory import UnitRecord
from watchdesk.models.rollcall import UnitCheck
from watchdesk.screens.base import WatchdeskScreen
from watchdesk.screens.directory_forms import PathScreen, UnitFormScreen
from watchdesk.screens.directory_picker import HitsTable
from watchdesk.text.timefmt import fmt_hm
from watchdesk.widgets import localize_bindings
from watchdesk.widgets.footer import KeyFooter
from watchdesk.widgets.header import DeskHeader


class DirectoryScreen(WatchdeskScreen):
    DEFAULT_CSS = """
    DirectoryScreen #dir-body { height: 1fr; }
    DirectoryScreen #dir-hits { width: 3fr; height: 1fr; }
    DirectoryScreen #dir-detail-box { width: 2fr; border-left: solid $primary; padding: 0 1; }
    """
    BINDINGS = [
        Binding("escape", "back", "key.dir.back", id="dir-back"),
        Binding("slash", "focus_search", "key.dir.search", id="dir-search"),
        Binding("a", "new", "key.dir.new", id="dir-new"),
        Binding("e", "edit", "key.dir.edit", id="dir-edit"),
        Binding("d", "toggle_active", "key.dir.active", id="dir-active"),
        Binding("v", "toggle_inactive", "key.dir.show_inactive", id="dir-show-inactive"),
        Binding("i", "import", "key.dir.import", id="dir-import"),
        Binding("x", "export", "key.dir.export", id="dir-export"),
    ]

    def __init__(self, query: str = "") -> None:
        super().__init__()
        localize_bindings(self)
        self.initial = query
        self.include_inactive = False
        self.unit: UnitRecord | None = None
        self.history: list[UnitCheck] = []
        self.searches = 0  # completed searches (tests wait on them)

    def compose(self) -> ComposeResult:
        yield DeskHeader(show_clock=False)
        yield Input(self.initial, placeholder=t("dir.search.placeholder"), id="dir-query")
        with Horizontal(id="dir-body"):
            yield HitsTable(id="dir-hits")
            with Vertical(id="dir-detail-box"):
                yield Label(t("dir.detail.title"), classes="section-title")
                yield Static("", id="dir-detail")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#dir-query", Input).focus()
        self.search()

    # -- searching ------------------------------------------------------------------------------
    @on(Input.Changed, "#dir-query")
    def _changed(self) -> None:
        self.search()

    @on(Input.Submitted, "#dir-query")
    def _submitted(self) -> None:
        self.query_one(HitsTable).focus()

    def search(self) -> None:
        text = self.query_one("#dir-query", Input).value
        self.run_read(lambda: self._search(text), group="dir-search")

    async def _search(self, text: str) -> None:
        inactive = self.include_inactive
        hits = await self.app.client.call(
            lambda s: s.directory.search(text, limit=500, include_inactive=inactive)
        )
        self.query_one(HitsTable).set_hits(hits)
        self.searches += 1
        if not hits:
            self._show(None, [])

    def action_focus_search(self) -> None:
        self.query_one("#dir-query", Input).focus()

    # -- the selected unit ----------------------------------------------------------------------
    @on(DataTable.RowHighlighted, "#dir-hits")
    def _highlighted(self) -> None:
        hit = self.query_one(HitsTable).current
        if hit is not None:
            uid = hit.unit_id
            self.run_read(lambda: self._detail(uid), group="dir-detail")

    async def _detail(self, unit_id: int) -> None:
        unit, history = await self.app.client.call(
            lambda s: (s.directory.get(unit_id), s.rollcall.unit_history(unit_id, limit=8))
        )
        self._show(unit, history)

    def _show(self, unit: UnitRecord | None, history: list[UnitCheck]) -> None:
        self.unit, self.history = unit, history
        box = self.query_one("#dir-detail", Static)
        if unit is None:
            box.update(Text(t("dir.none_found"), style="dim"))
            return
        tz = self.app.settings.tz
        now = self.app.clock()
        out = Text()
        out.append(unit.name + "\n", style="bold")
        out.append(unit_class(unit.kind, unit.level, unit.room_type), style="dim")
        if not unit.active:
            out.append("  " + t("dir.inactive"), style="bold reverse")
        out.append("\n")
        for key in ("duty_phone", "backup_phone", "fax", "area"):
            value = getattr(unit, key)
            if value:
                out.append(f"{t('dir.field.' + key)}: ", style="dim")
                out.append(value + "\n", style="bold" if key == "duty_phone" else "")
        if unit.contacts:
            out.append("\n" + t("dir.field.contacts") + "\n", style="dim")
            for c in unit.contacts:
                out.append(f"  {c.name}  {c.role}  {c.phone}\n")
        if unit.notes:
            out.append("\n" + unit.notes + "\n")
        out.append("\n" + t("dir.history") + "\n", style="dim")
        if not history:
            out.append("  " + t("dir.history.none") + "\n", style="dim")
        for h in history:
            e = h.entry
            when = fmt_hm(e.called_at, tz, now) if e.called_at else ""
            good = e.outcome is not None and e.outcome.value == "on_post"
            out.append(f"  {when}  {method_label(h.method)}  ")
            out.append(outcome_label(e.outcome), style="" if good else "bold red")
            if e.answered_by:
                out.append(f"  {e.answered_by}")
            out.append("\n")
        box.update(out)

    # -- actions --------------------------------------------------------------------------------
    def action_back(self) -> None:
        self.app.pop_screen()

    def action_toggle_inactive(self) -> None:
        self.include_inactive = not self.include_inactive
        self.search()

    def action_new(self) -> None:
        self.app.push_screen(UnitFormScreen(), self._saved)

    def action_edit(self) -> None:
        if self.unit is not None:
            self.app.push_screen(UnitFormScreen(self.unit), self._saved)

    def _saved(self, unit: UnitRecord | None) -> None:
        if unit is not None:
            self.notify(t("dir.saved", name=unit.name))
            self.search()

    def action_toggle_active(self) -> None:
        if self.unit is None or self.unit.id is None:
            return
        uid, active = self.unit.id, not self.unit.active

        async def go() -> None:
            unit = await self.app.client.call(lambda s: s.directory.set_active(uid, active))
            self.notify(t("dir.activated" if unit.active else "dir.deactivated", name=unit.name))
            self.search()

        self.run_write(go, group="dir-write")

    def action_export(self) -> None:
        self.app.push_screen(
            PathScreen(t("dir.export.title"), "联动单位通讯录.xlsx"), self._export_to
        )

    def _export_to(self, path: str | None) -> None:
        if not path:
            return

        async def go() -> None:
            units = await self.app.client.call(lambda s: s.directory.units())
            try:
                n = await self._in_thread(lambda: export_units(units, Path(path).expanduser()))
            except (OSError, ValueError) as e:
                self.notify(str(e), severity="error", timeout=10)
                return
            self.notify(t("dir.exported", n=n, path=path))

        self.run_read(go, group="dir-io", exclusive=False)

    def action_import(self) -> None:
        self.app.push_screen(PathScreen(t("dir.import.title")), self._import_from)

    def _import_from(self, path: str | None) -> None:
        if not path:
            return

        async def go() -> None:
            try:
                units = await self._in_thread(lambda: read_units(Path(path).expanduser()))
            except ImportRefused as e:
                lines = "\n".join(str(p) for p in e.problems[:8])
                self.notify(
                    t("dir.import.refused", n=len(e.problems)) + "\n" + lines,
                    severity="error",
                    timeout=20,
                )
                return
            except (OSError, ValueError) as e:
                self.notify(str(e), severity="error", timeout=10)
                return
            res = await self.app.client.call(lambda s: s.directory.import_units(units))
            self.notify(
                t("dir.imported", created=res.created, updated=res.updated, unchanged=res.unchanged)
            )
            self.search()

        self.run_write(go, group="dir-io")

    async def _in_thread(self, fn):
        """File I/O off the event loop (not on the database thread: it needs no connection)."""
        import asyncio

        return await asyncio.get_running_loop().run_in_executor(None, fn)
