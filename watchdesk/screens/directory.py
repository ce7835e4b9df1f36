"""The directory: linkage units and subordinate duty rooms, searched as you type."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Input, Label, Static

from watchdesk.files.directory import ImportRefused, export_units, read_directory
from watchdesk.i18n import t
from watchdesk.i18n.labels import method_label, outcome_label, unit_class
from watchdesk.models.directory import Filing, FilingState, SearchHit, UnitFiling, UnitRecord
from watchdesk.models.rollcall import UnitCheck
from watchdesk.screens.base import WatchdeskScreen
from watchdesk.screens.directory_forms import FilingFormScreen, PathScreen, UnitFormScreen
from watchdesk.screens.directory_picker import HitsTable
from watchdesk.text.timefmt import fmt_hm
from watchdesk.widgets import localize_bindings
from watchdesk.widgets.fixed_table import cell_text
from watchdesk.widgets.footer import KeyFooter
from watchdesk.widgets.header import DeskHeader

FILING_STYLE = {  # the 备案 column and the detail's filing line, by state
    FilingState.ok: "",
    FilingState.stale: "bold #e8a300",
    FilingState.overdue: "bold red",
    FilingState.never: "bold red",
    FilingState.none: "dim",
}


def filing_cell(f: UnitFiling | None) -> Text:
    """The 备案 cell of a unit: the day of its latest filing (amber when stale, red when
    overdue), 未备案 in red for a unit that must file and never did, — for one that need not."""
    if f is None:
        return cell_text("")
    if f.last is None:
        text = t("filing.never") if f.state == FilingState.never else "—"
    else:
        text = f.last.filed_on.isoformat()
    cell = cell_text(text)
    cell.stylize(FILING_STYLE[f.state])
    return cell


def filing_lines(f: UnitFiling | None, history: list[Filing], interval: int) -> Text:
    """The detail's 备案 section: the latest filing, its state and what was filed."""
    out = Text()
    out.append(t("filing.section") + "\n", style="dim")
    if f is None or f.last is None:
        key = "filing.detail.never" if f is not None and f.required else "filing.detail.none"
        out.append("  " + t(key) + "\n", style=FILING_STYLE[f.state] if f else "dim")
        return out
    last = f.last
    state = t(f"filing.state.{f.state.value}", days=f.age_days, interval=interval)
    out.append(f"  {last.filed_on.isoformat()}  ")
    out.append(state + "\n", style=FILING_STYLE[f.state])
    if last.duty_phones:
        out.append(f"  {t('filing.field.duty_phones')}: ", style="dim")
        out.append("、".join(last.duty_phones) + "\n")
    count = last.count
    if last.staff or count is not None:
        out.append(f"  {t('filing.field.staff')}: ", style="dim")
        names = last.staff.replace("\n", "、")
        out.append((names + "  " if names else "") + t("filing.people", n=count or 0) + "\n")
    out.append(
        "  " + t("filing.recorded", who=last.recorded_by, n=len(history)) + "\n", style="dim"
    )
    return out


class DirectoryHits(HitsTable):
    """The directory's search results with a 备案 column after the unit (on unit rows)."""

    filings: dict[int, UnitFiling] = {}

    def set_filing_hits(
        self, hits: list[SearchHit], filings: dict[int, UnitFiling], *, keep: bool = False
    ) -> None:
        """The rows; `keep`: the unit under the cursor stays under it (a filing just saved)."""
        if "filing" not in self.columns:  # the picker's columns, with 备案 second
            self.clear(columns=True)
            for key, label, width in (
                ("unit", t("dir.col.unit"), 24),
                ("filing", t("filing.col"), 10),
                ("class", t("dir.col.class"), 14),
                ("contact", t("dir.col.contact"), 8),
                ("role", t("dir.col.role"), 10),
                ("phone", t("dir.col.phone"), 16),
            ):
                self.add_column(label, key=key, width=width)
        self.filings = filings
        was = self.current if keep else None
        self.hits = hits
        self.clear()
        for i, h in enumerate(hits):
            name = h.unit_name if h.active else f"{h.unit_name} {t('dir.inactive')}"
            self.add_row(
                cell_text(name),
                filing_cell(filings.get(h.unit_id) if h.contact_id is None else None),
                *(
                    cell_text(v)
                    for v in (
                        unit_class(h.kind, h.level, h.room_type),
                        h.contact_name,
                        h.role,
                        h.phone or h.duty_phone,
                    )
                ),
                key=str(i),
            )
        self.size_now()
        if was is not None:
            for i, h in enumerate(hits):
                if (h.unit_id, h.contact_id) == (was.unit_id, was.contact_id):
                    self.move_cursor(row=i)
                    break


class DirectoryScreen(WatchdeskScreen):
    DEFAULT_CSS = """
    DirectoryScreen #dir-body { height: 1fr; }
    DirectoryScreen #dir-hits { width: 2fr; height: 1fr; }
    DirectoryScreen #dir-detail-box { width: 1fr; border-left: solid $primary; padding: 0 1; }
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
        Binding("b", "filing", "key.dir.filing", id="dir-filing"),
    ]

    def __init__(self, query: str = "") -> None:
        super().__init__()
        localize_bindings(self)
        self.initial = query
        self.include_inactive = False
        self.unit: UnitRecord | None = None
        self.history: list[UnitCheck] = []
        self.filing: UnitFiling | None = None
        self.filing_history: list[Filing] = []
        self.keep_selection = False  # the next search keeps the cursor's unit (a filing saved)
        self.searches = 0  # completed searches (tests wait on them)

    def compose(self) -> ComposeResult:
        yield DeskHeader(show_clock=False)
        yield Input(self.initial, placeholder=t("dir.search.placeholder"), id="dir-query")
        with Horizontal(id="dir-body"):
            yield DirectoryHits(id="dir-hits")
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
        interval = self.app.settings.filing_interval_days
        hits, filings = await self.app.client.call(
            lambda s: (
                s.directory.search(text, limit=500, include_inactive=inactive),
                s.directory.filings.statuses(interval, include_inactive=True),
            )
        )
        keep, self.keep_selection = self.keep_selection, False
        self.query_one(DirectoryHits).set_filing_hits(
            hits, {f.unit_id: f for f in filings}, keep=keep
        )
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
        interval = self.app.settings.filing_interval_days

        def read(s):
            unit = s.directory.get(unit_id)
            filing = s.directory.filings.status([unit], interval)[0]
            return (
                unit,
                s.rollcall.unit_history(unit_id, limit=8),
                filing,
                s.directory.filings.history(unit_id),
            )

        unit, history, filing, filings = await self.app.client.call(read)
        self.filing, self.filing_history = filing, filings
        self._show(unit, history)

    def _show(self, unit: UnitRecord | None, history: list[UnitCheck]) -> None:
        self.unit, self.history = unit, history
        if unit is None or (self.filing is not None and self.filing.unit_id != unit.id):
            self.filing, self.filing_history = None, []
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
        out.append("\n")
        out.append_text(
            filing_lines(self.filing, self.filing_history, self.app.settings.filing_interval_days)
        )
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

    def action_filing(self) -> None:
        """Record a filing (备案) of the selected unit's duty phone and duty staff."""
        if self.unit is None or self.unit.id is None:
            return
        today: date = self.app.clock().astimezone(self.app.settings.tz).date()
        last = self.filing.last if self.filing is not None else None
        self.app.push_screen(FilingFormScreen(self.unit, today, last), self._filed)

    def _filed(self, filing: Filing | None) -> None:
        if filing is not None:
            self.notify(t("filing.saved", name=filing.unit_name, day=filing.filed_on.isoformat()))
            self.keep_selection = True
            self.search()
            uid = filing.unit_id
            self.run_read(lambda: self._detail(uid), group="dir-detail")

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
                units, filings = await self._in_thread(
                    lambda: read_directory(Path(path).expanduser())
                )
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
            res = await self.app.client.call(
                lambda s: s.directory.import_units(units, filings=filings)
            )
            msg = t(
                "dir.imported", created=res.created, updated=res.updated, unchanged=res.unchanged
            )
            if res.filings:
                msg += t("filing.imported", n=res.filings)
            self.notify(msg)
            self.search()

        self.run_write(go, group="dir-io")

    async def _in_thread(self, fn):
        """File I/O off the event loop (not on the database thread: it needs no connection)."""
        import asyncio

        return await asyncio.get_running_loop().run_in_executor(None, fn)
