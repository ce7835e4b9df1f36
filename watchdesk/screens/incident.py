"""One incident: its elements, its clocks, its figures' history and one timeline of everything."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import DataTable, Header, Label, Static

from watchdesk.i18n import t
from watchdesk.i18n.labels import category_label, grade_label, kind_label, status_label
from watchdesk.models.incident import FIGURE_FIELDS, Deadline, Hold, Incident, TimelineItem
from watchdesk.screens.incident_actions import LIFECYCLE_BINDINGS, IncidentActions
from watchdesk.text.timefmt import ClockState, clock_state, countdown, fmt_full, fmt_hm
from watchdesk.widgets import localize_bindings
from watchdesk.widgets.footer import KeyFooter


def timeline_text(item: TimelineItem) -> tuple[str, str]:
    """(what, detail) in the current language."""
    kind = item.kind
    if kind.startswith("report."):
        what = kind_label(kind.split(".", 1)[1], item.data.get("seq", 0))
        late = item.data.get("late_seconds")
        detail = (f"→ {item.title}  " if item.title else "") + item.detail
        if late is not None:
            detail += "  " + (
                t("timeline.late", minutes=(late + 59) // 60) if late > 0 else t("timeline.on_time")
            )
        return what, detail
    if kind.startswith("figures."):
        figs = " ".join(
            f"{t('fig.' + f + '.short')}{item.data.get(f, 0)}"
            for f in FIGURE_FIELDS
            if f != "direct_loss"
        )
        loss = item.data.get("direct_loss", 0)
        if loss:
            figs += f" {t('fig.direct_loss.short')}{loss:,}"
        return (
            t(f"timeline.{kind}"),
            f"{figs}  ({item.title})" + (f" {item.detail}" if item.detail else ""),
        )
    if kind.startswith("log."):
        return t(f"log.kind.{kind.split('.', 1)[1]}"), (
            f"{item.title}: " if item.title else ""
        ) + item.detail
    return t(f"timeline.{kind}"), " ".join(x for x in (item.title, item.detail) if x)


class IncidentScreen(IncidentActions):
    BINDINGS = [
        Binding("escape", "app.pop_screen", "key.back", id="incident-back"),
        Binding("ctrl+e", "edit", "key.edit", id="incident-edit"),
        *LIFECYCLE_BINDINGS,
    ]

    def __init__(self, incident_id: int):
        super().__init__()
        localize_bindings(self)
        self.incident_id = incident_id
        self.incident: Incident | None = None
        self.clocks: list[Deadline] = []

    def selected_incident_id(self) -> int | None:
        return self.incident_id

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="incident"):
            yield Static(id="incident-head")
            yield Static(id="incident-hold")
            with Horizontal(id="incident-top"):
                yield Static(id="incident-elements")
                with Vertical(id="incident-clocks-box"):
                    yield Label(t("incident.clocks"), classes="section-title")
                    yield DataTable(id="incident-clocks", cursor_type="none")
            yield Label(t("incident.figures"), classes="section-title")
            yield DataTable(id="incident-figures", cursor_type="none")
            yield Label(t("incident.timeline"), classes="section-title")
            yield DataTable(id="incident-timeline", cursor_type="row")
        yield KeyFooter(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        clocks = self.query_one("#incident-clocks", DataTable)
        clocks.add_column(t("board.kind"), key="kind")
        clocks.add_column(t("board.due"), key="due")
        clocks.add_column(t("incident.clock_state"), key="state", width=14)
        clocks.add_column(t("incident.source"), key="source")
        self.watch(self.app, "now", self._tick, init=False)
        self.query_one("#incident-figures", DataTable).add_columns(
            t("fig.at"),
            *(t(f"fig.{f}") for f in FIGURE_FIELDS),
            t("fig.status"),
            t("fig.source"),
            t("incident.who"),
        )
        self.query_one("#incident-timeline", DataTable).add_columns(
            t("timeline.when"), t("timeline.what"), t("timeline.detail"), t("incident.who")
        )
        self.reload()

    def reload(self) -> None:
        self.run_read(self._load, group="incident-load")

    async def _load(self) -> None:
        inc_id = self.incident_id

        def read(s):
            return (
                s.incidents.get(inc_id),
                s.incidents.deadlines(inc_id),
                s.figures.history(inc_id),
                s.timeline(inc_id),
                s.holds.current(inc_id),
            )

        inc, clocks, figures, items, hold = await self.app.client.call(read)
        self.incident = inc
        self._show(inc, clocks, figures, items, hold)

    def _show(
        self, inc: Incident, clocks: list[Deadline], figures, items, hold: Hold | None
    ) -> None:
        tz = self.app.settings.tz
        now = self.app.clock()
        head = Text()
        head.append(f"#{inc.id} ", style="bold")
        head.append(inc.headline, style="bold")
        head.append(
            f"   {grade_label(inc.grade)}", style="bold reverse" if inc.grade.rank <= 2 else "bold"
        )
        if inc.grade != inc.grade_suggested:
            head.append(
                "  " + t("incident.suggested", grade=grade_label(inc.grade_suggested)), style="dim"
            )
        if inc.sensitive:
            head.append("  " + t("incident.sensitive"), style="bold red")
        head.append(f"   {status_label(inc.status.value)}")
        if inc.void_reason:
            head.append(f" ({inc.void_reason})", style="dim")
        self.query_one("#incident-head", Static).update(head)
        self.query_one("#incident-hold", Static).update(
            Text(
                t("incident.held", who=hold.holder, until=fmt_hm(hold.expires_at, tz, now)),
                style="bold black on yellow",
            )
            if hold and (hold.holder, hold.seat) != (self.app.actor, self.app.seat)
            else ""
        )
        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="dim", no_wrap=True)
        grid.add_column()
        rows = [
            ("form.received_at", fmt_full(inc.received_at, tz)),
            ("form.occurred_at", fmt_full(inc.occurred_at, tz) or t("incident.unknown")),
            ("form.place", inc.place),
            ("form.category", category_label(inc.category, inc.subtype)),
            ("form.description", inc.description),
            (
                "incident.figures_now",
                " ".join(
                    f"{t('fig.' + f + '.short')}{getattr(inc, f)}"
                    for f in FIGURE_FIELDS
                    if f != "direct_loss"
                )
                + (f"  {t('fig.direct_loss.short')}{inc.direct_loss:,}" if inc.direct_loss else ""),
            ),
            ("form.scope", inc.scope),
            ("form.trend", inc.trend),
            ("form.measures", inc.measures),
            (
                "incident.caller",
                " ".join(
                    x
                    for x in (inc.caller_unit, inc.caller_name, inc.caller_title, inc.caller_phone)
                    if x
                ),
            ),
            ("form.source", inc.source),
            ("form.recorder", inc.recorder),
        ]
        for key, value in rows:
            if value:
                grid.add_row(t(key), value)
        self.query_one("#incident-elements", Static).update(grid)

        table = self.query_one("#incident-clocks", DataTable)
        table.clear()
        self.clocks = clocks
        for d in clocks:
            table.add_row(
                kind_label(d.kind, d.seq),
                fmt_full(d.due_at, tz),
                self._clock_state(d, now),
                d.source[:40],
                key=str(d.id),
            )
        ft = self.query_one("#incident-figures", DataTable)
        ft.clear()
        for f in figures:
            ft.add_row(
                fmt_full(f.at, tz),
                *(f"{getattr(f, k):,}" for k in FIGURE_FIELDS),
                t(f"fig.status.{f.status.value}"),
                f.source,
                f.by_whom,
            )
        tl = self.query_one("#incident-timeline", DataTable)
        tl.clear()
        for item in items:
            what, detail = timeline_text(item)
            tl.add_row(fmt_full(item.at, tz), what, detail, item.who)

    def _clock_state(self, d: Deadline, now) -> Text:
        tz = self.app.settings.tz
        if d.status.value == "running":
            state = clock_state(d.due_at, now, self.app.settings.amber_minutes)
            text = countdown(d.due_at, now)
            if state == ClockState.overdue:
                return Text(t("board.overdue", time=text.lstrip("+")), style="bold white on red")
            return Text(text, style="bold black on yellow" if state == ClockState.amber else "")
        if d.status.value == "done":
            return Text(
                t("incident.clock_done", at=fmt_hm(d.done_at, tz, now)) if d.done_at else "",
                style="dim",
            )
        return Text(t("incident.clock_dropped"), style="dim strike")

    def _tick(self, now) -> None:
        table = self.query_one("#incident-clocks", DataTable)
        for d in self.clocks:
            if d.status.value == "running":
                table.update_cell(str(d.id), "state", self._clock_state(d, now))

    def action_edit(self) -> None:
        from watchdesk.screens.intake import IncidentForm

        if self.incident is None:
            return
        if self.incident.status.value == "voided":
            self.notify(t("incident.voided_no_edit"), severity="warning")
            return
        self.app.push_screen(IncidentForm(incident=self.incident), lambda _: self.reload())

    def on_screen_resume(self) -> None:
        self.reload()
