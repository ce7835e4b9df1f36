"""One incident: its elements, its clocks, its figures' history and one timeline of everything.

`s` strikes through (更正) the report, figure version or duty-log entry selected in the timeline,
with a reason (store/correction.py); `m` marks the incident a duplicate of another (重复来电).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from rich.markup import escape
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import DataTable, Label, Static

from watchdesk.errors import InputError
from watchdesk.i18n import t
from watchdesk.i18n.labels import category_label, grade_label, kind_label, status_label
from watchdesk.models.correction import Correction, DuplicateMark, PossibleDuplicate
from watchdesk.models.incident import FIGURE_FIELDS, Deadline, Hold, Incident, TimelineItem
from watchdesk.screens.dialogs import Field, FormDialog
from watchdesk.screens.incident_actions import LIFECYCLE_BINDINGS, IncidentActions
from watchdesk.text.timefmt import ClockState, clock_state, countdown, fmt_full, fmt_hm
from watchdesk.widgets import localize_bindings
from watchdesk.widgets.footer import KeyFooter
from watchdesk.widgets.header import DeskHeader


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


def correction_note(c: Correction, tz) -> str:
    """ "更正：赵磊 12-03 03:12 原因", in the UI language."""
    from watchdesk.store.correction import note

    return note(c, tz)


def duplicate_flags(
    inc: Incident, possible: list[PossibleDuplicate], theirs: list[DuplicateMark]
) -> Text:
    """ "已并入 #15", "可能与 #15 重复", "重复来电：#16" for the incident's head."""
    out = Text()
    if inc.merged_into is None and possible:  # merged: the head says so
        ids = "、".join(f"#{p.incident_id}" for p in possible)
        out.append("  " + t("dup.ui.possible", ids=ids), style="bold black on yellow")
    if theirs:
        ids = "、".join(f"#{d.incident_id}" for d in theirs)
        out.append("  " + t("dup.ui.has", ids=ids), style="dim")
    return out


async def duplicate_notice(app: Any, incident_id: int) -> str:
    """At intake, for a call just saved: a line "可能与 #15 重复 …" when it looks like one
    already logged (store.incident.possible_duplicates), else ""."""
    minutes = app.settings.duplicate_window_minutes
    window = timedelta(minutes=minutes)
    possible = await app.client.call(lambda s: s.incidents.possible_duplicates(incident_id, window))
    if not possible:
        return ""
    ids = "、".join(f"#{p.incident_id}" for p in possible)
    return "\n" + t("dup.intake", ids=ids, window=minutes)


class IncidentScreen(IncidentActions):
    BINDINGS = [
        Binding("escape", "app.pop_screen", "key.back", id="incident-back"),
        Binding("ctrl+e", "edit", "key.edit", id="incident-edit"),
        *LIFECYCLE_BINDINGS,
        Binding("s", "correct", "key.correct", id="incident-correct"),
        Binding("m", "duplicate", "key.duplicate", show=False, id="incident-duplicate"),
        Binding("a", "dispatch", "key.dispatch", id="dispatch"),
        Binding("b", "tasks", "key.tasks", id="tasks"),
    ]

    def __init__(self, incident_id: int):
        super().__init__()
        localize_bindings(self)
        self.incident_id = incident_id
        self.incident: Incident | None = None
        self.clocks: list[Deadline] = []
        self.items: list[TimelineItem] = []  # the timeline's rows, in order
        self.possible: list[PossibleDuplicate] = []

    def selected_incident_id(self) -> int | None:
        return self.incident_id

    def compose(self) -> ComposeResult:
        yield DeskHeader()
        with VerticalScroll(id="incident"):
            yield Static(id="incident-head")
            yield Static(id="incident-dup")
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

        window = timedelta(minutes=self.app.settings.duplicate_window_minutes)

        def read(s):
            from watchdesk.store.correction import of_incident

            return (
                s.incidents.get(inc_id),
                s.incidents.deadlines(inc_id),
                s.figures.history(inc_id, struck=True),
                s.timeline(inc_id),
                s.holds.current(inc_id),
                of_incident(s, inc_id),
                s.incidents.possible_duplicates(inc_id, window),
                s.incidents.duplicates_of(inc_id),
            )

        inc, clocks, figures, items, hold, struck, possible, theirs = await self.app.client.call(
            read
        )
        self.incident = inc
        self.possible = possible
        self._show(inc, clocks, figures, items, hold, struck)
        flags = duplicate_flags(inc, possible, theirs)
        dup = self.query_one("#incident-dup", Static)
        dup.update(flags)
        dup.display = bool(flags.plain)

    def _show(
        self,
        inc: Incident,
        clocks: list[Deadline],
        figures,
        items,
        hold: Hold | None,
        struck: dict[str, Correction] | None = None,
    ) -> None:
        struck = struck or {}
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
        if inc.merged_into is not None:  # its status is "closed": say why
            head.append("   " + t("dup.ui.merged_into", id=inc.merged_into), style="bold reverse")
        else:
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
            corr = struck.get(f"figures:{f.id}")
            style = "strike dim" if corr else ""
            ft.add_row(
                Text(fmt_full(f.at, tz), style=style),
                *(Text(f"{getattr(f, k):,}", style=style) for k in FIGURE_FIELDS),
                Text(t(f"fig.status.{f.status.value}"), style=style),
                Text(f.source, style=style),
                Text(f.by_whom, style=style),
            )
        tl = self.query_one("#incident-timeline", DataTable)
        row = tl.cursor_row  # kept across a reload (a correction just saved, say)
        tl.clear()
        self.items = list(items)
        for n, item in enumerate(self.items):
            what, detail = timeline_text(item)
            if item.correction is None:
                tl.add_row(fmt_full(item.at, tz), what, detail, item.who, key=str(n))
                continue
            cell = Text()  # the record struck, the note that says why not
            cell.append(detail, style="strike dim")
            cell.append("\n" + correction_note(item.correction, tz), style="bold")
            tl.add_row(
                Text(fmt_full(item.at, tz), style="strike dim"),
                Text(what, style="strike dim"),
                cell,
                Text(item.who, style="strike dim"),
                key=str(n),
                height=None,
            )
        if 0 < row < len(self.items):
            tl.move_cursor(row=row)

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
        if self.incident is not None and self.incident.merged_into is not None:
            return Text(t("dup.ui.merged_into", id=self.incident.merged_into), style="dim")
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

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """Enter on a written report's line of the timeline opens that report."""
        if event.data_table.id != "incident-timeline":
            return
        item = self.selected_item()
        written_id = item.data.get("written_id") if item is not None else None
        if isinstance(written_id, int):
            from watchdesk.screens.report import ReportScreen

            self.app.push_screen(ReportScreen(written_id), lambda _: self.reload())

    # -- corrections (更正) and duplicates (重复来电) ---------------------------------------------
    def selected_item(self) -> TimelineItem | None:
        tl = self.query_one("#incident-timeline", DataTable)
        if not tl.row_count or not 0 <= tl.cursor_row < len(self.items):
            return None
        return self.items[tl.cursor_row]

    def action_correct(self) -> None:
        """Strike the record selected in the timeline through, with a reason."""
        tl = self.query_one("#incident-timeline", DataTable)
        if self.focused is not tl:  # first to the timeline, where the record is chosen
            tl.focus()
            tl.scroll_visible()
            self.notify(t("corr.ui.pick"))
            return
        item = self.selected_item()
        if item is None or not item.ref:
            self.notify(t("corr.ui.pick"), severity="warning")
            return
        if item.correction is not None:
            self.notify(t("corr.err.already", ref=item.ref), severity="warning")
            return
        app = self.app
        tz = app.settings.tz
        what, detail = timeline_text(item)
        ref = item.ref
        explain = t(f"corr.ui.explain.{ref.split(':', 1)[0]}")

        async def submit(v: dict[str, Any]):
            from watchdesk.store.correction import correct

            reason = v["reason"].strip()
            if not reason:
                raise InputError("reason", t("corr.err.reason"))
            res = await app.client.call(lambda s: correct(s, ref, reason))
            msg = t("corr.ui.done", what=what)
            if res.reopened:
                msg += " " + t("corr.ui.reopened", n=len(res.reopened))
            if res.dropped:
                msg += " " + t("corr.ui.dropped", n=len(res.dropped))
            if res.incident_reopened:
                msg += " " + t("corr.ui.incident_reopened")
            app.after_write(msg, warn=bool(res.reopened))
            return res

        app.push_screen(
            FormDialog(
                t("corr.ui.title", ref=ref),
                [
                    Field(
                        "record",
                        t("corr.ui.record"),
                        escape(f"{fmt_full(item.at, tz)}  {what}  {detail}"[:200]),
                        kind="static",
                    ),
                    Field("reason", t("corr.ui.reason"), "", wide=True),
                ],
                submit,
                note=explain,
            )
        )

    def action_dispatch(self) -> None:
        """Dispatch units / pass an instruction on (screens/dispatch.py)."""
        from watchdesk.screens.dispatch import open_dispatch

        open_dispatch(self.app, self.incident_id, self.reload)

    def action_tasks(self) -> None:
        """The incident's tasks: record a step, chase, cancel, roll-call (screens/dispatch.py)."""
        from watchdesk.screens.dispatch import TasksScreen

        self.app.push_screen(TasksScreen(self.incident_id))

    def action_duplicate(self) -> None:
        """Mark this incident a duplicate of another (merged into it)."""
        inc = self.incident
        if inc is None:
            return
        if inc.merged_into is not None:
            self.notify(t("dup.err.already", id=inc.id, of=inc.merged_into), severity="warning")
            return
        app = self.app
        first = str(self.possible[0].incident_id) if self.possible else ""
        note = t("dup.ui.explain")
        if self.possible:
            note += "\n" + t(
                "dup.ui.possible", ids="、".join(f"#{p.incident_id}" for p in self.possible)
            )
        inc_id = inc.id

        async def submit(v: dict[str, Any]):
            text = v["of"].strip().lstrip("#")
            if not text.isdigit():
                raise InputError("of", t("dup.err.of"))
            of_id, reason = int(text), v["reason"]
            merged = await app.client.call(
                lambda s: s.incidents.mark_duplicate(inc_id, of_id, reason)
            )
            app.after_write(t("dup.ui.done", id=merged.id, of=of_id))
            return merged

        app.push_screen(
            FormDialog(
                t("dup.ui.title", id=inc_id),
                [
                    Field("of", t("dup.ui.of"), first, placeholder="15"),
                    Field("reason", t("dup.ui.reason"), "", wide=True),
                ],
                submit,
                note=note,
            )
        )
