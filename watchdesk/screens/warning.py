"""The warnings board: warnings in force (most severe first) and lifted ones, with history."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Label, Static

from watchdesk.i18n import t
from watchdesk.i18n.labels import level_label, swatch, warning_title
from watchdesk.models.warning import EarlyWarning, WarningEvent, WarningStatus
from watchdesk.screens.base import WatchdeskScreen
from watchdesk.screens.warning_forms import (
    ChangeWarningScreen,
    IssueWarningScreen,
    LiftWarningScreen,
)
from watchdesk.text.timefmt import fmt_hm
from watchdesk.widgets import localize_bindings
from watchdesk.widgets.footer import KeyFooter
from watchdesk.widgets.header import DeskHeader


class WarningsScreen(WatchdeskScreen):
    DEFAULT_CSS = """
    WarningsScreen #warn-body { height: 1fr; }
    WarningsScreen #warn-table-box { width: 3fr; }
    WarningsScreen #warn-table { height: 1fr; }
    WarningsScreen #warn-detail-box { width: 2fr; border-left: solid $primary; padding: 0 1; }
    """
    BINDINGS = [
        Binding("escape", "back", "key.dir.back", id="warn-back"),
        Binding("i", "issue", "key.warn.issue", id="warn-issue"),
        Binding("c", "change", "key.warn.change", id="warn-change"),
        Binding("x", "lift", "key.warn.lift", id="warn-lift"),
        Binding("v", "toggle_lifted", "key.warn.show_lifted", id="warn-show-lifted"),
        Binding("t", "pass_on", "key.warn.pass_on", id="warn-pass-on"),
    ]

    def __init__(self) -> None:
        super().__init__()
        localize_bindings(self)
        self.show_lifted = True
        self.items: list[EarlyWarning] = []
        self.loads = 0  # completed loads (tests wait on it)

    def compose(self) -> ComposeResult:
        yield DeskHeader(show_clock=False)
        with Horizontal(id="warn-body"):
            with Vertical(id="warn-table-box"):
                yield Label(t("warn.board.title"), classes="section-title", id="warn-title")
                yield DataTable(id="warn-table", cursor_type="row", zebra_stripes=True)
            with Vertical(id="warn-detail-box"):
                yield Label(t("warn.history"), classes="section-title")
                yield Static("", id="warn-detail")
        yield KeyFooter()

    def on_mount(self) -> None:
        table = self.query_one("#warn-table", DataTable)
        # The status comes second so that a narrow terminal never hides it: a lifted warning
        # must not look like one in force.
        for key, width in (
            ("level", 4),
            ("status", 6),
            ("title", 18),
            ("area", 18),
            ("since", 12),
            ("issuer", 24),
        ):
            table.add_column(t(f"warn.col.{key}"), key=key, width=width)
        table.focus()
        self.reload()

    def reload(self) -> None:
        self.run_read(self._load, group="warn-load")

    async def _load(self) -> None:
        lifted = self.show_lifted
        keep = self.current.id if self.current else None

        def read(s):  # the list and the history of the row the cursor lands on: one paint
            items = s.warnings.list(include_lifted=lifted)
            on = next((w for w in items if w.id == keep), items[0] if items else None)
            return items, on, (s.warnings.history(on.id) if on else [])

        self.items, on, events = await self.app.client.call(read)
        tz = self.app.settings.tz
        now = self.app.clock()
        table = self.query_one("#warn-table", DataTable)
        table.clear()
        live = 0
        for w in self.items:
            in_force = w.status == WarningStatus.in_force
            live += in_force
            status = Text(
                t(f"warn.status.{w.status.value}"), style="bold" if in_force else "dim strike"
            )
            table.add_row(
                swatch(w.level, w.level.colour.roman)
                if in_force
                else Text(f" {w.level.colour.roman} ", style="dim"),
                status,
                warning_title(w) if in_force else Text(warning_title(w), style="dim strike"),
                w.area,
                fmt_hm(w.level_since, tz, now),
                w.issuer,
                key=str(w.id),
            )
        self.query_one("#warn-title", Label).update(t("warn.board.title_n", n=live))
        for i, w in enumerate(self.items):
            if w.id == keep:
                table.move_cursor(row=i)
        if on is not None:
            self._show(on, events)
        else:
            self.query_one("#warn-detail", Static).update(Text(t("warn.none"), style="dim"))
        self.loads += 1

    @property
    def current(self) -> EarlyWarning | None:
        table = self.query_one("#warn-table", DataTable)
        if not self.items or not 0 <= table.cursor_row < len(self.items):
            return None
        return self.items[table.cursor_row]

    @on(DataTable.RowHighlighted, "#warn-table")
    def _highlighted(self) -> None:
        w = self.current
        if w is None or w is self._shown:  # shown with the list it came in
            return
        wid = w.id

        async def go() -> None:
            events = await self.app.client.call(lambda s: s.warnings.history(wid))
            self._show(w, events)

        self.run_read(go, group="warn-detail")

    _shown: EarlyWarning | None = None  # the warning in the detail pane

    def _show(self, w: EarlyWarning, events: list[WarningEvent]) -> None:
        self._shown = w
        tz = self.app.settings.tz
        out = Text()
        out.append_text(swatch(w.level))
        out.append(f" {warning_title(w)}\n", style="bold")
        out.append(f"{t('warn.field.area')}: {w.area}\n{t('warn.field.issuer')}: {w.issuer}\n")
        if w.measures:
            out.append(f"{t('warn.field.measures')}: {w.measures}\n")
        out.append(f"\n{w.signal.source}\n", style="dim")
        out.append("\n")
        for e in events:
            when = e.at.astimezone(tz).strftime("%m-%d %H:%M")
            out.append(f"{when}  ", style="dim")
            out.append(t(f"warn.action.{e.action}"), style="bold")
            if e.action == "change" and e.from_level and e.level:
                out.append(f"  {level_label(e.from_level)} → {level_label(e.level)}")
            elif e.level:
                out.append(f"  {level_label(e.level)}")
            if e.by_whom:
                out.append(f"  {e.by_whom}", style="dim")
            if e.note:
                out.append(f"\n    {e.note}")
            out.append("\n")
        self.query_one("#warn-detail", Static).update(out)

    # -- actions --------------------------------------------------------------------------------
    def _done(self, key: str):
        def after(w: EarlyWarning | None) -> None:
            if w is not None:
                self.notify(t(key, title=warning_title(w)))
                self.reload()

        return after

    def action_issue(self) -> None:
        self.app.push_screen(IssueWarningScreen(), self._done("warn.issued"))

    def _in_force(self):
        """The selected warning if it can still be changed or lifted (a lifted one cannot)."""
        w = self.current
        if w is not None and w.status == WarningStatus.lifted:
            self.notify(t("warn.is_lifted"), severity="warning")
            return None
        return w

    def action_change(self) -> None:
        w = self._in_force()
        if w is not None:
            self.app.push_screen(ChangeWarningScreen(w), self._done("warn.changed"))

    def action_lift(self) -> None:
        w = self._in_force()
        if w is not None:
            self.app.push_screen(LiftWarningScreen(w), self._done("warn.lifted"))

    def action_pass_on(self) -> None:
        """Pass the warning on to the duty rooms of its area (issue 16): the dispatch form with
        those units chosen and the warning's text, one task each on the clock."""
        from watchdesk.screens.dispatch import DispatchForm

        w = self.current
        if w is None:
            return
        app, wid = self.app, w.id
        text = f"{warning_title(w)}（{w.area}）" + (f"：{w.measures}" if w.measures else "")

        async def go() -> None:
            def units(s) -> list[tuple[int, str]]:
                return [(u, s.directory.get(u).name) for u in s.dispatch.area_units(wid)]

            chosen = await app.client.call(units)
            app.push_screen(
                DispatchForm(warning_id=wid, instruction=text, units=chosen),
                lambda done: self.reload() if done else None,
            )

        self.run_read(go, group="warn-pass-on")

    def action_toggle_lifted(self) -> None:
        self.show_lifted = not self.show_lifted
        self.reload()

    def action_back(self) -> None:
        self.app.pop_screen()
