"""The roster screen: a week or a month of shifts, edited from the keyboard; gaps and violations
marked in place and listed; take-over sign-in and the leader-on-duty check of the current shift.

Every read and write goes through `self.app.client.call(...)`; the forms that change things are in
`roster_forms.py`.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Label

from watchdesk.i18n import t
from watchdesk.i18n.labels import role_label
from watchdesk.models.officer import Officer
from watchdesk.models.roster import (
    DutyStatus,
    Role,
    RosterPage,
    RosterShift,
    Violation,
)
from watchdesk.screens.base import WatchdeskScreen
from watchdesk.screens.roster import forms
from watchdesk.screens.roster.grid import (
    STYLE_ACK,
    RosterGrid,
    change_text,
    period,
    problem_label,
    shift_period,
)
from watchdesk.widgets import localize_bindings
from watchdesk.widgets.footer import KeyFooter
from watchdesk.widgets.header import DeskHeader
from watchdesk.widgets.leader_check import LeaderCheckBar


class RosterScreen(WatchdeskScreen):
    CSS_PATH = "roster.tcss"
    BINDINGS = [
        Binding("escape", "close", "key.roster.back", id="roster-back"),
        Binding("a", "assign", "key.roster.assign", id="roster-assign"),
        Binding("r", "replace", "key.roster.replace", id="roster-replace"),
        Binding("b", "substitute", "key.roster.substitute", id="roster-substitute"),
        Binding("x", "remove", "key.roster.remove", id="roster-remove"),
        Binding("s", "swap", "key.roster.swap", id="roster-swap"),
        Binding("i", "intentional", "key.roster.intentional", id="roster-intentional"),
        Binding("u", "sign_in", "key.roster.sign_in", id="roster-sign-in"),
        Binding("o", "sign_out", "key.roster.sign_out", id="roster-sign-out"),
        Binding("c", "leader_check", "key.roster.check", id="roster-check"),
        Binding("p", "generate", "key.roster.generate", id="roster-generate"),
        Binding("w", "toggle_view", "key.roster.view", id="roster-view"),
        Binding("left_square_bracket", "step(-1)", "key.roster.prev", id="roster-prev"),
        Binding("right_square_bracket", "step(1)", "key.roster.next", id="roster-next"),
        Binding("t", "today", "key.roster.today", id="roster-today"),
    ]

    def __init__(self, view: str = "week", anchor: date | None = None) -> None:
        super().__init__()
        localize_bindings(self)
        self.view = view
        self.anchor_day = anchor
        self.page: RosterPage | None = None
        self.duty: DutyStatus | None = None
        self.officers: list[Officer] = []
        self.swap_from: tuple[RosterShift, Role] | None = None
        self.loads = 0  # completed loads (tests wait on it)

    # -- layout ---------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield DeskHeader(show_clock=False)
        yield LeaderCheckBar(id="leader-check")
        yield Label("", id="roster-title", classes="section-title")
        yield RosterGrid(id="roster-grid")
        yield Label("", id="roster-detail")
        with Vertical(id="roster-problems-box"):
            yield Label(
                t("roster.problems.title"), id="roster-problems-title", classes="section-title"
            )
            yield DataTable(id="roster-problems", cursor_type="row", zebra_stripes=True)
        yield KeyFooter()

    def on_mount(self) -> None:
        table = self.query_one("#roster-problems", DataTable)
        for key, width in (("when", 23), ("what", 40), ("status", 60)):
            table.add_column(t(f"roster.problems.{key}"), key=key, width=width)
        if self.anchor_day is None:
            self.anchor_day = self.app.clock().astimezone(self.tz).date()
        self.query_one(RosterGrid).focus()
        self.reload()

    @property
    def tz(self):
        return self.app.settings.tz

    def now(self) -> datetime:
        return self.app.clock()

    # -- data -----------------------------------------------------------------------------------
    def bounds(self) -> tuple[datetime, datetime]:
        assert self.anchor_day is not None
        first, last = period(self.anchor_day, self.view)
        return (
            datetime.combine(first, time(0), tzinfo=self.tz),
            datetime.combine(last + timedelta(days=1), time(0), tzinfo=self.tz),
        )

    def reload(self) -> None:
        self.run_read(self._load, group="roster")

    def refresh_data(self) -> None:
        """For the app to call when another process wrote (PRAGMA data_version changed)."""
        self.reload()

    async def _load(self) -> None:
        start, end = self.bounds()
        now = self.now()
        page, duty, officers = await self.app.client.call(
            lambda s: (s.roster.page(start, end), s.roster.duty_status(now), s.roster.officers())
        )
        self.page, self.duty, self.officers = page, duty, officers
        self.show()
        self.loads += 1

    def show(self) -> None:
        if self.page is None:
            return
        now = self.now()
        page = self.page
        grid = self.query_one(RosterGrid)
        grid.show(page, now, self.tz)
        self.show_detail()
        self.query_one(LeaderCheckBar).set_status(self.duty, now)
        first, last = period(self.anchor_day or now.date(), self.view)
        open_ = [v for v in page.problems if not v.acknowledged]
        title = Text(
            t(
                f"roster.title.{self.view}",
                first=first.strftime("%Y-%m-%d"),
                last=last.strftime("%m-%d"),
                month=first.strftime("%Y-%m"),
            ),
            style="bold",
        )
        title.append("   ")
        if open_:
            title.append(t("roster.title.problems", n=len(open_)), style="bold red")
        else:
            title.append(t("roster.title.no_problems"), style="green")
        if len(open_) != len(page.problems):
            title.append(
                "  " + t("roster.title.acked", n=len(page.problems) - len(open_)), style=STYLE_ACK
            )
        if page.calendar_unconfirmed:  # before the legend: narrow terminals cut the line's end
            years = ", ".join(map(str, page.calendar_unconfirmed))
            title.append("   " + t("calendar.unconfirmed_short", years=years), style="bold yellow")
        title.append("   " + t("roster.legend"), style="dim")
        self.query_one("#roster-title", Label).update(title)
        table = self.query_one("#roster-problems", DataTable)
        table.clear()
        for i, v in enumerate(page.problems):
            table.add_row(self._when(v), problem_label(v), self._status(v), key=str(i))
        self.query_one("#roster-problems-title", Label).update(
            t("roster.problems.title_n", n=len(open_), total=len(page.problems))
        )

    def _when(self, v: Violation) -> str:
        s = v.starts_at.astimezone(self.tz).strftime("%m-%d %H:%M")
        if v.shift_id is None:
            return f"{s}–{v.ends_at.astimezone(self.tz):%m-%d %H:%M}"
        return s

    @staticmethod
    def _status(v: Violation) -> Text:
        if v.acknowledged:
            return Text(
                t("roster.problems.acked", reason=v.ack_reason, by=v.ack_by), style=STYLE_ACK
            )
        return Text(t("roster.problems.open"), style="bold red")

    # -- navigation -----------------------------------------------------------------------------
    def action_close(self) -> None:
        self.app.pop_screen()

    def action_toggle_view(self) -> None:
        self.view = "month" if self.view == "week" else "week"
        self.reload()

    def action_step(self, step: int) -> None:
        assert self.anchor_day is not None
        self.anchor_day = shift_period(self.anchor_day, self.view, step)
        self.reload()

    def action_today(self) -> None:
        self.anchor_day = self.now().astimezone(self.tz).date()
        self.reload()

    def on_data_table_cell_selected(self, event: DataTable.CellSelected) -> None:
        if isinstance(event.data_table, RosterGrid):
            event.stop()
            self.action_assign()

    def on_data_table_cell_highlighted(self, event: DataTable.CellHighlighted) -> None:
        if isinstance(event.data_table, RosterGrid):
            self.show_detail()

    def show_detail(self) -> None:
        """The highlighted shift in full: its latest change (what, why, approved by, who, when)
        and its problems, which the grid's cells can only abbreviate."""
        rs = self.query_one(RosterGrid).current_shift()
        line = Text()
        if rs is not None:
            s, e = rs.shift.starts_at.astimezone(self.tz), rs.shift.ends_at.astimezone(self.tz)
            line.append(f"{s:%m-%d %H:%M}–{e:%m-%d %H:%M}", style="bold")
            if rs.day.name or rs.day.sensitive:
                line.append(
                    "  " + " ".join(filter(None, [rs.day.name, *rs.day.sensitive])), style="magenta"
                )
            if rs.last_change is not None:
                line.append("   " + t("roster.detail.change") + " ")
                line.append_text(change_text(rs.last_change, self.tz, 200))
            for v in rs.problems:
                line.append(
                    "   " + problem_label(v), style=STYLE_ACK if v.acknowledged else "bold red"
                )
        self.query_one("#roster-detail", Label).update(line)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.data_table.id == "roster-problems" and self.page is not None:
            event.stop()
            v = self.page.problems[int(event.row_key.value or 0)]
            grid = self.query_one(RosterGrid)
            grid.goto(v.shift_id, v.role)
            grid.focus()

    # -- the selection --------------------------------------------------------------------------
    def selected(self) -> tuple[RosterShift | None, object]:
        grid = self.query_one(RosterGrid)
        return grid.current_shift(), grid.current_role()

    def selected_problem(self) -> Violation | None:
        """The problem row under the cursor when the list has focus, else the cell's problem."""
        if self.page is None:
            return None
        table = self.query_one("#roster-problems", DataTable)
        if table.has_focus and table.row_count:
            return self.page.problems[table.cursor_row]
        rs, role = self.selected()
        if rs is None:
            return None
        for v in rs.problems:
            if role is not None and v.role == role:
                return v
        return rs.problems[0] if rs.problems else None

    def after_write(self, result: object) -> None:
        if result:
            self.reload()

    def tell(self, key: str, **kw) -> None:
        self.notify(t(key, **kw), severity="warning", timeout=6)

    # -- actions (the forms live in roster_forms) -----------------------------------------------
    def action_assign(self) -> None:
        forms.assign(self)

    def action_replace(self) -> None:
        forms.replace(self)

    def action_substitute(self) -> None:
        forms.substitute(self)

    def action_remove(self) -> None:
        forms.remove(self)

    def action_swap(self) -> None:
        forms.swap(self)

    def action_intentional(self) -> None:
        forms.intentional(self)

    def action_sign_in(self) -> None:
        forms.sign(self, out=False)

    def action_sign_out(self) -> None:
        forms.sign(self, out=True)

    def action_leader_check(self) -> None:
        forms.leader_check(self)

    def action_generate(self) -> None:
        forms.generate(self)

    def role_text(self, role) -> str:
        return role_label(role)
