"""Finding things: type to search incidents, duty-log entries and written reports in Chinese,
with filters. A report found opens its incident."""

from __future__ import annotations

from datetime import timedelta

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import DataTable, Input, Label, Select

from watchdesk.errors import InputError
from watchdesk.i18n import language, t
from watchdesk.i18n.labels import grade_label, status_label
from watchdesk.models.incident import Grade, IncidentStatus, SearchHit
from watchdesk.rules.categories import CATEGORIES
from watchdesk.screens.base import WatchdeskScreen
from watchdesk.text.timefmt import fmt_full, parse_time
from watchdesk.widgets import localize_bindings
from watchdesk.widgets.footer import KeyFooter
from watchdesk.widgets.header import DeskHeader


def _short(text: str, n: int) -> str:
    """A report's title (a sentence, not a headline) cut to fit beside the text found."""
    return text if len(text) <= n else text[: n - 1] + "…"


def _status(h: SearchHit) -> str:
    """The last column: an incident's status, a log entry's kind, a report's state."""
    if h.kind == "incident":
        return status_label(h.status)
    if h.kind == "report":
        return t(f"rep.status.{h.status}")
    return t(f"log.kind.{h.status}")


class SearchScreen(WatchdeskScreen):
    BINDINGS = [
        Binding("escape", "app.pop_screen", "key.back", id="search-back"),
        Binding("ctrl+o", "open", "key.open", id="search-open"),
    ]

    def __init__(self, query: str = "") -> None:
        super().__init__()
        localize_bindings(self)
        self.initial = query
        self.hits: list[SearchHit] = []

    def compose(self) -> ComposeResult:
        yield DeskHeader()
        yield Input(self.initial, placeholder=t("rv.search.placeholder"), id="q")
        with Horizontal(id="filters"):
            yield Input(placeholder=t("search.since"), id="since", classes="filter")
            yield Input(placeholder=t("search.until"), id="until", classes="filter")
            yield Select(
                [(grade_label(g), g.value) for g in Grade],
                prompt=t("search.grade"),
                id="grade",
                classes="filter",
            )
            yield Select(
                [(c.zh if language() == "zh" else c.en, c.code) for c in CATEGORIES],
                prompt=t("search.category"),
                id="category",
                classes="filter",
            )
            yield Select(
                [(status_label(s.value), s.value) for s in IncidentStatus],
                prompt=t("search.status"),
                id="status",
                classes="filter",
            )
        yield Label("", id="search-info", classes="section-title")
        yield DataTable(id="hits", cursor_type="row", zebra_stripes=True)
        yield KeyFooter(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns(
            t("search.when"),
            t("search.kind"),
            t("today.grade"),
            t("search.title"),
            t("search.snippet"),
            t("today.status"),
        )
        self.query_one("#q", Input).focus()
        self.refresh_results()

    @on(Input.Changed)
    @on(Select.Changed)
    def refresh_results(self, _event=None) -> None:
        # Exclusive: a new keystroke cancels the search still running for the previous one.
        self.run_read(self._search, group="search")

    def _filters(self) -> dict:
        app = self.app
        out: dict = {}
        for name in ("since", "until"):
            text = self.query_one(f"#{name}", Input).value.strip()
            if text:
                try:
                    when = parse_time(text, app.settings.tz, now=app.clock())
                except ValueError as e:
                    raise InputError(name, str(e)) from None
                out[name] = when + (
                    timedelta(days=1) if name == "until" and len(text) <= 10 else timedelta(0)
                )
        for name in ("grade", "category", "status"):
            v = self.query_one(f"#{name}", Select).value
            if v is not Select.NULL and v is not None:
                out[name] = v
        return out

    async def _search(self) -> None:
        info = self.query_one("#search-info", Label)
        try:
            filters = self._filters()
        except InputError as e:
            info.update(t("search.bad_filter", field=t(f"search.{e.field}"), problem=e.problem))
            return
        q = self.query_one("#q", Input).value
        self.hits = await self.app.client.call(lambda s: s.search.search(q, **filters))
        tz = self.app.settings.tz
        table = self.query_one(DataTable)
        table.clear()
        for h in self.hits:
            table.add_row(
                fmt_full(h.at, tz)[:16],
                t(f"search.kind.{h.kind}"),
                grade_label(h.grade, short=True) if h.grade else "",
                _short(h.title, 24) if h.kind == "report" else h.title,
                h.snippet[:60],
                _status(h),
            )
        info.update(t("search.count", n=len(self.hits)))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if self.hits:
            self.query_one(DataTable).focus()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_open()

    def action_open(self) -> None:
        table = self.query_one(DataTable)
        if not self.hits or table.cursor_row >= len(self.hits):
            return
        hit = self.hits[table.cursor_row]
        from watchdesk.screens.incident import IncidentScreen

        if hit.kind == "incident":
            self.app.push_screen(IncidentScreen(hit.id))
        elif hit.kind == "report" and hit.incident_id is not None:
            self.app.push_screen(IncidentScreen(hit.incident_id))
        else:
            self.notify(hit.snippet, timeout=10)
