"""The countdown board: every running clock, soonest first, ticking with the app's `now`."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from rich.text import Text

from watchdesk.i18n import t
from watchdesk.i18n.labels import grade_label, kind_label
from watchdesk.models.dispatch import TaskBoardRow
from watchdesk.models.incident import BoardRow
from watchdesk.text.timefmt import ClockState, clock_state, countdown, fmt_hm
from watchdesk.widgets.fixed_table import FixedTable, cell_text

if TYPE_CHECKING:
    from textual import getters

    from watchdesk.app import WatchdeskApp


def task_cells(r: TaskBoardRow) -> tuple[str, str]:
    """A task's row (store/dispatch.py): the unit and its incident, and the step it waits for."""
    chased = t("dispatch.board.chased", n=r.chases) if r.chases else ""
    where = f"#{r.incident_id} " if r.incident_id else ""
    return f"{where}{r.unit_name}{chased}", t(f"dispatch.board.{r.step.value}")


class CountdownBoard(FixedTable):
    """Recomputes only the time-left cells on a tick: no database work, no row rebuilds."""

    if TYPE_CHECKING:
        app = getters.app(WatchdeskApp)

    DEFAULT_CSS = """
    CountdownBoard { height: 1fr; }
    """

    def __init__(self, *, amber_minutes: int = 10, **kwargs):
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        self.amber_minutes = amber_minutes
        self.rows_data: list[BoardRow] = []
        self._states: dict[int, ClockState] = {}
        # what each row's time-left cell shows (the countdown and the clock's state), by row key
        self._shown: dict[str, tuple[str, ClockState]] = {}
        self._styles = {
            ClockState.ok: "",
            ClockState.amber: "bold black on #e8a300",
            ClockState.overdue: "bold white on #c62828",
        }

    def on_mount(self) -> None:
        self.add_column(Text(t("board.incident")), key="incident", width=32)
        self.add_column(Text(t("board.grade")), key="grade", width=8)
        self.add_column(Text(t("board.kind")), key="kind", width=14)
        self.add_column(Text(t("board.due")), key="due", width=12)
        # wide enough for a whole "超时 12d 18:05" / "OVER 12d 18:05" (tests/ui/test_narrow.py)
        self.add_column(Text(t("board.left")), key="left", width=15)
        variables = self.app.get_css_variables()
        warn, err = variables.get("warning"), variables.get("error")
        if warn and err:
            self._styles[ClockState.amber] = f"bold black on {warn}"
            self._styles[ClockState.overdue] = f"bold white on {err}"
        self.watch(self.app, "now", self.tick, init=False)

    def _left(self, row: BoardRow, now: datetime) -> tuple[str, ClockState]:
        return countdown(row.due_at, now), clock_state(row.due_at, now, self.amber_minutes)

    def _left_cell(self, text: str, state: ClockState) -> Text:
        if state == ClockState.overdue:
            text = t("board.overdue", time=text.lstrip("+"))
        return Text(text, style=self._styles[state], justify="right", no_wrap=True)

    def selected_row(self) -> BoardRow | None:
        """The clock under the cursor."""
        if self.row_count and 0 <= self.cursor_row < len(self.rows_data):
            return self.rows_data[self.cursor_row]
        return None

    def select_incident(self, incident_id: int) -> bool:
        """Put the cursor on the incident's next clock (the soonest due); False when it has no
        running clock."""
        for i, r in enumerate(self.rows_data):
            if r.incident_id == incident_id:
                self.move_cursor(row=i)
                return True
        return False

    def set_rows(self, rows: list[BoardRow], now: datetime) -> bool:
        """Replace the clocks (after a data refresh). The cursor stays on the same clock; when
        that clock is gone (a report closed it), on the same incident's next clock. False when
        the incident under the cursor has no clock left (the cursor is then on the first)."""
        was = self.selected_row()
        self.rows_data = rows
        self.clear()
        self._shown = {}
        tz = self.app.settings.tz
        for r in rows:
            left = self._left(r, now)
            state = left[1]
            # A clock seen for the first time already overdue does not ring: the bell marks the
            # moment a deadline passes while someone is watching.
            self._states.setdefault(r.deadline_id, state)
            # Text, not str: a DataTable reads a str as markup ("[" in a place name would be
            # taken for a style), and parsing it costs time on every draw.
            head, what = task_cells(r) if isinstance(r, TaskBoardRow) else (None, None)
            self.add_row(
                cell_text(head or f"#{r.incident_id} {r.incident_headline}"),
                cell_text("" if head and not r.incident_id else grade_label(r.grade, short=True)),
                cell_text(what or kind_label(r.kind, r.seq)),
                cell_text(fmt_hm(r.due_at, tz, now)),
                self._left_cell(*left),
                key=str(r.deadline_id),
            )
            self._shown[str(r.deadline_id)] = left
        self.size_now()
        if was is None:
            return True
        for i, r in enumerate(rows):
            if r.deadline_id == was.deadline_id:
                self.move_cursor(row=i)
                return True
        return self.select_incident(was.incident_id)

    def tick(self, now: datetime) -> None:
        """Only the cells whose text or colour changed are made and updated (and repainted:
        FixedTable): a clock days away changes once a minute."""
        rang = False
        changed = []
        for r in self.rows_data:
            left = self._left(r, now)
            state = left[1]
            before = self._states.get(r.deadline_id)
            if state == ClockState.overdue and before != ClockState.overdue and not rang:
                self.app.bell()
                rang = True
            self._states[r.deadline_id] = state
            key = str(r.deadline_id)
            if self._shown.get(key) == left:
                continue
            self._shown[key] = left
            changed.append((key, "left", self._left_cell(*left)))
        self.update_cells(changed)

    def state_of(self, deadline_id: int) -> ClockState | None:
        return self._states.get(deadline_id)
