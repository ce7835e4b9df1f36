"""The duty log (值班日志): calls and documents received, leader instructions and what was done."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Label

from watchdesk.i18n import t
from watchdesk.models.dutylog import LogEntry
from watchdesk.screens.base import WatchdeskScreen
from watchdesk.screens.dialogs import Field, FormDialog
from watchdesk.screens.incident_actions import open_log_dialog
from watchdesk.text.timefmt import fmt_full
from watchdesk.widgets import localize_bindings
from watchdesk.widgets.footer import KeyFooter
from watchdesk.widgets.header import DeskHeader


class DutyLogScreen(WatchdeskScreen):
    BINDINGS = [
        Binding("escape", "app.pop_screen", "key.back", id="log-back"),
        Binding("a", "add", "key.log_add", id="log-add"),
        Binding("h", "handle", "key.log_handle", id="log-handle"),
        Binding("t", "pass_on", "key.log_pass_on", id="log-pass-on"),
        Binding("N", "notice", "key.log_notice", id="log-notice"),
        Binding("enter", "open_incident", "key.open", id="log-open"),
        Binding("[", "day(-1)", "key.prev_day", id="log-prev-day"),
        Binding("]", "day(1)", "key.next_day", id="log-next-day"),
    ]

    def __init__(self) -> None:
        super().__init__()
        localize_bindings(self)
        self.entries: list[LogEntry] = []
        self.day_offset = 0

    def compose(self) -> ComposeResult:
        yield DeskHeader()
        yield Label("", classes="section-title", id="log-title")
        yield DataTable(id="log", cursor_type="row", zebra_stripes=True)
        yield KeyFooter(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns(
            t("log.at"),
            t("log.kind"),
            t("log.counterpart"),
            t("log.content"),
            t("log.handling"),
            t("log.incident"),
            t("incident.who"),
        )
        self.reload()

    def on_screen_resume(self) -> None:
        self.reload()

    def _range(self) -> tuple[datetime, datetime]:
        tz = self.app.settings.tz
        day = self.app.clock().astimezone(tz).date() + timedelta(days=self.day_offset)
        start = datetime.combine(day, time(0), tzinfo=tz)
        return start, start + timedelta(days=1)

    def reload(self) -> None:
        self.run_read(self._load, group="log-load")

    async def _load(self) -> None:
        since, until = self._range()
        self.entries = await self.app.client.call(
            lambda s: s.dutylog.list(since=since, until=until)
        )
        tz = self.app.settings.tz
        self.query_one("#log-title", Label).update(
            t("log.screen_title", day=since.strftime("%Y-%m-%d"), n=len(self.entries))
        )
        table = self.query_one(DataTable)
        table.clear()
        for e in self.entries:
            table.add_row(
                fmt_full(e.at, tz)[11:16],
                t(f"log.kind.{e.kind.value}"),
                e.counterpart,
                e.content,
                e.handling or ("—" if e.kind.value in ("note", "action") else t("log.pending")),
                f"#{e.incident_id}" if e.incident_id else "",
                e.by_whom,
                key=str(e.id),
            )

    def _selected(self) -> LogEntry | None:
        table = self.query_one(DataTable)
        if not self.entries or table.cursor_row >= len(self.entries):
            return None
        return self.entries[table.cursor_row]

    def action_add(self) -> None:
        open_log_dialog(self.app)

    def action_day(self, step: int) -> None:
        self.day_offset = min(0, self.day_offset + step)
        self.reload()

    def action_pass_on(self) -> None:
        """Pass the selected entry (a leader's instruction, a notice) on to units: one task each,
        on the clock (screens/dispatch.py)."""
        from watchdesk.screens.dispatch import DispatchForm

        entry = self._selected()
        if entry is None or entry.id is None:
            return
        self.app.push_screen(
            DispatchForm(log_entry_id=entry.id, incident_id=None, instruction=entry.content),
            lambda done: self.reload() if done else None,
        )

    def action_notice(self) -> None:
        """A notice or warning received from above (上级来文 / 预警通知): logged with its clocks —
        tell the leader on duty, pass it on, return the receipt (the rule pack's [dispatch])."""
        from watchdesk.screens.dialogs import Field, FormDialog
        from watchdesk.text.timefmt import fmt_full, parse_past_time

        app = self.app
        tz = app.settings.tz
        fields = [
            Field("at", t("report.at"), fmt_full(app.clock(), tz)),
            Field("from", t("log.notice.from"), ""),
            Field("content", t("log.notice.content"), "", wide=True),
        ]

        async def submit(v):
            from watchdesk.errors import InputError

            try:
                at = parse_past_time(v["at"], tz, now=app.clock())
            except ValueError as e:
                raise InputError("at", str(e)) from None
            task = await app.client.call(
                lambda s: s.dispatch.add_notice(v["content"], v["from"], at, received_by=app.actor)
            )
            app.after_write(t("log.notice.saved"))
            self.reload()
            return task

        app.push_screen(FormDialog(t("log.notice.title"), fields, submit))

    def action_handle(self) -> None:
        entry = self._selected()
        if entry is None or entry.id is None:
            return
        app, eid = self.app, entry.id

        async def submit(v):
            saved = await app.client.call(lambda s: s.dutylog.set_handling(eid, v["handling"]))
            app.after_write(t("log.saved"))
            return saved

        app.push_screen(
            FormDialog(
                t("log.handle_title"),
                [
                    Field("content", t("log.content"), entry.content, kind="static"),
                    Field("handling", t("log.handling"), entry.handling, wide=True),
                ],
                submit,
            ),
            lambda _: self.reload(),
        )

    def action_open_incident(self) -> None:
        entry = self._selected()
        if entry and entry.incident_id:
            from watchdesk.screens.incident import IncidentScreen

            self.app.push_screen(IncidentScreen(entry.incident_id))
