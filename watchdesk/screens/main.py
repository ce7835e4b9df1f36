"""The first screen: who is on duty, the countdown board, today's incidents."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.coordinate import Coordinate
from textual.widgets import DataTable, Label
from textual.widgets.data_table import RowDoesNotExist

from watchdesk.i18n import t
from watchdesk.i18n.labels import category_label, grade_label, status_label
from watchdesk.models.dashboard import Dashboard
from watchdesk.models.incident import Incident
from watchdesk.screens.incident_actions import LIFECYCLE_BINDINGS, IncidentActions
from watchdesk.text.timefmt import fmt_hm
from watchdesk.widgets import localize_bindings
from watchdesk.widgets.banner import OnDutyBanner
from watchdesk.widgets.board import CountdownBoard
from watchdesk.widgets.fixed_table import FixedTable, cell_text
from watchdesk.widgets.footer import KeyFooter
from watchdesk.widgets.header import DeskHeader
from watchdesk.widgets.keylegend import KeyLegend
from watchdesk.widgets.leader_check import LeaderCheckBar
from watchdesk.widgets.warnings_strip import WarningsStrip

FOLLOW_LOADS = 3  # loads to wait for an incident followed to show (a load may have been under way)


def casualty_text(inc: Incident) -> str:
    parts = []
    for key in ("dead", "injured", "trapped", "missing"):
        n = getattr(inc, key)
        if n:
            parts.append(f"{t('fig.' + key + '.short')}{n}")
    return " ".join(parts) or "—"


class MainScreen(IncidentActions):
    BINDINGS = [
        Binding("enter", "open_incident", "key.open", id="incident-open"),
        *LIFECYCLE_BINDINGS,
        Binding("r", "app.reload", "key.reload", show=False, id="reload"),
        Binding("o", "people", "key.people.open", show=False, id="people"),
        Binding("s", "settings", "key.settings.open", show=False, id="settings"),
        Binding("t", "stats", "key.stats.open", show=False, id="stats"),
        Binding("b", "task_step", "key.task_step", id="task-step"),
    ]

    def __init__(self) -> None:
        super().__init__()
        localize_bindings(self)

    def compose(self) -> ComposeResult:
        yield DeskHeader(show_clock=False)
        yield OnDutyBanner(id="banner")
        yield LeaderCheckBar(id="leader-check")
        yield WarningsStrip(id="warnings-strip")
        with Vertical(id="board-box"):
            yield Label(t("board.title"), classes="section-title", id="board-title")
            yield CountdownBoard(
                amber_minutes=self.app.settings.amber_minutes,
                id="board",
            )
        with Vertical(id="today-box"):
            yield Label(t("today.title"), classes="section-title", id="today-title")
            yield FixedTable(id="today", cursor_type="row", zebra_stripes=True)
        yield KeyLegend(id="key-legend")
        yield KeyFooter(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        table = self.query_one("#today", FixedTable)
        # Fixed widths (cells): the list does not jump as incidents come in.
        for key, width in (
            ("received", 11),
            ("grade", 8),
            ("category", 14),
            ("place", 22),
            ("summary", 26),
            ("casualties", 16),
            ("status", 8),
        ):
            table.add_column(Text(t(f"today.{key}")), key=key, width=width)  # Text: no markup
        self.ready = True
        dash = self.app.dashboard or self.app.first_load_if_done()
        if dash is not None:  # the first load finished before this screen was ready
            self.show(dash, self.app.clock())

    ready = False

    def show(self, dash: Dashboard, now: datetime) -> None:
        if not self.ready or not self.query_one(CountdownBoard).columns:
            return
        tz = self.app.settings.tz
        self.query_one(OnDutyBanner).set_duty(dash.current, dash.upcoming, now)
        self.query_one(LeaderCheckBar).set_status(dash.duty, now, dash.filings_last)
        self.query_one(WarningsStrip).set_warnings(dash.warnings)
        board = self.query_one(CountdownBoard)
        table = self.query_one("#today", FixedTable)
        was = board.selected_row() if self.focused is board else None
        on_list = self._today_id()
        kept = board.set_rows(dash.clocks, now)
        self.query_one("#board-title", Label).update(
            t("board.title_n", n=len(dash.clocks)) if dash.clocks else t("board.title_empty")
        )
        table.clear()
        for inc in dash.today:
            status = cell_text(status_label(inc.status.value))
            if inc.status.value == "voided":
                status.stylize("strike dim")
            table.add_row(  # Text, not str: see CountdownBoard.set_rows
                cell_text(fmt_hm(inc.received_at, tz, now)),
                cell_text(grade_label(inc.grade, short=True)),
                cell_text(category_label(inc.category, inc.subtype)),
                cell_text(inc.place),
                cell_text(inc.headline),
                cell_text(casualty_text(inc)),
                status,
                key=str(inc.id),
            )
        table.size_now()
        self.query_one("#today-title", Label).update(t("today.title_n", n=len(dash.today)))
        if on_list is not None:
            self._select_today(on_list)
        if self._follow is not None:  # a report made or an incident saved here
            self._follow_loads += 1
            if self._select(self._follow) or self._follow_loads >= FOLLOW_LOADS:
                self._follow = None
        elif was is not None and not kept:
            # The clock under the cursor was its incident's last: the incident's row in today's
            # list (the officer was working on it).
            self._select(was.incident_id)

    # -- the selected incident -------------------------------------------------------------------
    _follow: int | None = None
    _follow_loads = 0

    def follow(self, incident_id: int) -> None:
        """The officer is working on this incident (a report was just recorded, or it was just
        saved): once the data shows it (the reload after the write), the cursor goes to its next
        clock on the board, else to its row in today's list."""
        self._follow, self._follow_loads = incident_id, 0

    def _today_id(self) -> int | None:
        table = self.query_one("#today", FixedTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(Coordinate(table.cursor_row, 0)).row_key.value
        return int(key) if key else None

    def _select_today(self, incident_id: int) -> bool:
        table = self.query_one("#today", FixedTable)
        try:
            row = table.get_row_index(str(incident_id))
        except RowDoesNotExist:
            return False
        table.move_cursor(row=row)
        return True

    def _select(self, incident_id: int) -> bool:
        """Put the cursor on the incident: its row in today's list while that list has the focus
        (and the row), else its next clock on the board, else its row in today's list (which
        then takes the focus). Both cursors go to it where they can, so `tab` finds it too.
        False when neither shows it."""
        board = self.query_one(CountdownBoard)
        table = self.query_one("#today", FixedTable)
        in_list = self._select_today(incident_id)
        if self.focused is table and in_list:
            board.select_incident(incident_id)
            return True
        if board.select_incident(incident_id):
            if self.focused is table:
                board.focus()
            return True
        if in_list:
            table.focus()
            return True
        return False

    def selected_incident_id(self) -> int | None:
        """The incident under the cursor of the focused table (the board or today's list)."""
        focused = self.focused
        board = self.query_one(CountdownBoard)
        table = self.query_one("#today", FixedTable)
        if focused is table and table.row_count:
            key = table.coordinate_to_cell_key(Coordinate(table.cursor_row, 0)).row_key.value
            return int(key) if key else None
        if board.rows_data and board.cursor_row < len(board.rows_data):
            return board.rows_data[board.cursor_row].incident_id or None  # 0: a notice's task
        if table.row_count:
            key = table.coordinate_to_cell_key(Coordinate(table.cursor_row, 0)).row_key.value
            return int(key) if key else None
        return None

    def action_task_step(self) -> None:
        """`b`: a task's row on the board records its next step; else the incident's tasks."""
        from watchdesk.models.dispatch import TaskBoardRow
        from watchdesk.screens.dispatch import TasksScreen, open_task_step

        row = self.query_one(CountdownBoard).selected_row()
        if self.focused is self.query_one(CountdownBoard) and isinstance(row, TaskBoardRow):
            open_task_step(self.app, row.task_id)
            return
        inc_id = self.selected_incident_id()
        if inc_id is not None:
            self.app.push_screen(TasksScreen(inc_id))

    def action_open_incident(self) -> None:
        from watchdesk.screens.incident import IncidentScreen

        row = self.query_one(CountdownBoard).selected_row()
        if (
            self.focused is self.query_one(CountdownBoard)
            and row is not None
            and not row.incident_id
        ):
            self.action_task_step()  # a notice's task: no incident to open
            return
        inc_id = self.selected_incident_id()
        if inc_id is not None:
            self.app.push_screen(IncidentScreen(inc_id))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open_incident()

    # -- people and settings ---------------------------------------------------------------------
    def action_people(self) -> None:
        from watchdesk.screens.officer import PeopleScreen

        self.app.push_screen(PeopleScreen())

    def action_settings(self) -> None:
        from watchdesk.screens.settings import SettingsScreen

        self.app.push_screen(SettingsScreen())

    def action_stats(self) -> None:
        from watchdesk.screens.stats import StatsScreen

        self.app.push_screen(StatsScreen())
