"""The roster grid: one row per shift, one column per role; gaps and violations marked in place.

The cell texts are pure functions of the page (testable without an app); `RosterGrid` is the
DataTable that shows them and maps the cursor back to (shift, role).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, tzinfo

from rich.cells import cell_len
from rich.text import Text
from textual.widgets import DataTable

from watchdesk.i18n import language, t
from watchdesk.i18n.labels import role_label
from watchdesk.models.roster import (
    ROLES,
    ChangeKind,
    DayKind,
    Problem,
    Role,
    RosterChange,
    RosterPage,
    RosterShift,
    Violation,
)
from watchdesk.text.timefmt import fmt_clock_span

COLUMNS = ("date", "time", *(r.value for r in ROLES), "signin", "problems", "change")
ROLE_COLUMNS = {r.value: r for r in ROLES}
PERSON_PROBLEMS = (Problem.on_leave, Problem.consecutive, Problem.duplicate)
_WEEKDAYS = {"zh": "一二三四五六日", "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")}

STYLE_GAP = "bold white on #c62828"
STYLE_WARN = "bold black on #e8a300"
STYLE_ACK = "dim italic"
STYLE_CHANGED = "underline"


def week_start(d: date) -> date:
    return d - timedelta(days=d.weekday())


def period(anchor: date, view: str) -> tuple[date, date]:
    """[first, last] day of the week (Monday first) or month containing `anchor`."""
    if view == "week":
        first = week_start(anchor)
        return first, first + timedelta(days=6)
    first = anchor.replace(day=1)
    nxt = (first + timedelta(days=32)).replace(day=1)
    return first, nxt - timedelta(days=1)


def shift_period(anchor: date, view: str, step: int) -> date:
    if view == "week":
        return anchor + timedelta(days=7 * step)
    first = anchor.replace(day=1)
    if step > 0:
        return (first + timedelta(days=32)).replace(day=1)
    return (first - timedelta(days=1)).replace(day=1)


def truncate(text: str, width: int) -> str:
    """Cut to `width` terminal cells (Chinese characters take two), with an ellipsis."""
    if cell_len(text) <= width:
        return text
    out = ""
    for ch in text:
        if cell_len(out + ch) > width - 1:
            break
        out += ch
    return out + "…"


def short_time(dt: datetime, tz: tzinfo) -> str:
    """`09` for 09:00, `09:30` otherwise: the grid's cells are narrow."""
    local = dt.astimezone(tz)
    return f"{local:%H}" if local.minute == 0 else f"{local:%H:%M}"


def date_cell(rs: RosterShift, tz: tzinfo, current: bool) -> Text:
    day = rs.day
    wd = _WEEKDAYS["zh" if language() == "zh" else "en"][day.day.weekday()]
    prefix = "周" if language() == "zh" else ""
    text = Text("▶" if current else " ", style="bold")
    text.append(f"{day.day:%m-%d} {prefix}{wd}")
    if day.kind == DayKind.holiday:
        text.append(" " + t("roster.day.holiday"), style="bold red")
    elif day.kind == DayKind.makeup:
        text.append(" " + t("roster.day.makeup"), style="bold blue")
    elif day.kind == DayKind.weekend:
        text.append(" " + t("roster.day.weekend"), style="dim")
    if rs.sensitive:
        text.append(" ★", style="bold magenta")
    return text


def time_cell(rs: RosterShift, tz: tzinfo) -> Text:
    s, e = rs.shift.starts_at.astimezone(tz), rs.shift.ends_at.astimezone(tz)
    label = rs.shift.label
    out = Text(fmt_clock_span(s, e, tz))
    if label and label not in ("24h",):
        out.append(
            " " + t(f"roster.slot.{label}") if label in ("day", "night") else " " + label,
            style="dim",
        )
    return out


def _person_problems(rs: RosterShift) -> dict[int, list[Violation]]:
    out: dict[int, list[Violation]] = {}
    for v in rs.problems:
        if v.problem in PERSON_PROBLEMS and v.officer_id is not None:
            out.setdefault(v.officer_id, []).append(v)
    return out


def role_cell(rs: RosterShift, role: Role, tz: tzinfo) -> Text:
    """Names, a partial substitute after the one they stand in for, a changed place underlined,
    a person with a problem in amber, and the shortfall in red (dim once marked intentional)."""
    sep = "、" if language() == "zh" else ", "
    text = Text()
    flagged = _person_problems(rs)
    people = rs.people(role)
    main = [a for a in people if a.covers_id is None]
    for a in main:
        if text:
            text.append(sep)
        style = ""
        if a.officer_id in flagged and not all(v.acknowledged for v in flagged[a.officer_id]):
            style = STYLE_WARN
        elif a.change is not None and a.change.kind in (
            ChangeKind.swap,
            ChangeKind.replaced,
            ChangeKind.substitute,
        ):
            style = STYLE_CHANGED
        text.append(a.officer_name, style=style)
        for c in people:
            if c.covers_id == a.id and c.starts_at and c.ends_at:
                text.append(
                    f"→{c.officer_name} {short_time(c.starts_at, tz)}–{short_time(c.ends_at, tz)}",
                    style="italic",
                )
    gap = next(
        (
            v
            for v in rs.problems
            if v.role == role and v.problem in (Problem.no_leader, Problem.below_floor)
        ),
        None,
    )
    if gap is not None:
        if text:
            text.append(" ")
        if gap.acknowledged:
            text.append(t("roster.gap_ack", n=gap.need - gap.have), style=STYLE_ACK)
        else:
            text.append(t("roster.gap", n=gap.need - gap.have), style=STYLE_GAP)
    if not text:
        text.append("·", style="dim")
    return text


def signin_cell(rs: RosterShift, now: datetime) -> Text:
    if rs.signed_in:
        return Text("✓ " + "、".join(rs.signed_in), style="green")
    if rs.shift.starts_at <= now < rs.shift.ends_at:
        return Text(t("roster.not_signed_in"), style=STYLE_WARN)
    return Text("")


def problem_label(v: Violation) -> str:
    role = role_label(v.role) if v.role else ""
    return t(
        f"roster.problem.{v.problem.value}",
        role=role,
        name=v.officer_name,
        have=v.have,
        need=v.need,
    )


def problems_cell(rs: RosterShift) -> Text:
    open_ = [v for v in rs.problems if not v.acknowledged]
    if not rs.problems:
        return Text("")
    if not open_:
        return Text(t("roster.problems_acked", n=len(rs.problems)), style=STYLE_ACK)
    return Text(truncate("；".join(problem_label(v) for v in open_), 18), style="bold red")


def change_text(c: RosterChange | None, tz: tzinfo, width: int = 40) -> Text:
    """What changed, why, who approved, who entered it and when:
    `对调 周文博⇄郑浩然 病假 批准:王建国 赵磊 11-20 14:02` (cut to `width` cells)."""
    if c is None:
        return Text("")
    what = t(f"roster.change.{c.kind.value}")
    who = ""
    if c.kind == ChangeKind.swap:
        who = f"{c.officer_name}⇄{c.other_officer_name}"
    elif c.other_officer_name:
        who = f"{c.officer_name}→{c.other_officer_name}"
    elif c.officer_name:
        who = c.officer_name
    parts = [what]
    if who:
        parts.append(who)
    if c.reason:
        parts.append(c.reason)
    if c.approver:
        parts.append(t("roster.approved_by", name=c.approver))
    parts.append(f"{c.actor} {c.at.astimezone(tz):%m-%d %H:%M}")
    return Text(truncate(" ".join(parts), width), style="dim")


def change_short(c: RosterChange | None, width: int = 18) -> Text:
    """The grid's abbreviation of the last change: what, and why (the detail line has it all)."""
    if c is None:
        return Text("")
    text = "✎" + t(f"roster.change.{c.kind.value}")
    if c.reason:
        text += "·" + c.reason
    return Text(truncate(text, width), style="dim")


class RosterGrid(DataTable):
    """Cell cursor over shifts × roles. `shift_at(row)` and `role_at(column)` map the cursor."""

    DEFAULT_CSS = """
    RosterGrid { height: 1fr; }
    """

    def __init__(self, **kwargs):
        super().__init__(cursor_type="cell", zebra_stripes=True, **kwargs)
        self.rows_data: list[RosterShift] = []

    def on_mount(self) -> None:
        widths = {
            "date": 14,
            "time": 13,  # 08:30–08:30+1
            "leader": 10,
            "chief": 8,
            "officer": 22,
            "standby": 8,
            "signin": 10,
            "problems": 18,
            "change": 18,
        }
        for key in COLUMNS:
            self.add_column(t(f"roster.col.{key}"), key=key, width=widths.get(key))

    def show(self, page: RosterPage, now: datetime, tz: tzinfo) -> None:
        row, col = self.cursor_coordinate
        keep = (
            self.rows_data[row].shift.id if self.rows_data and row < len(self.rows_data) else None
        )
        self.rows_data = page.shifts
        self.clear()
        for rs in page.shifts:
            current = rs.shift.starts_at <= now < rs.shift.ends_at
            cells = [
                date_cell(rs, tz, current),
                time_cell(rs, tz),
                *(role_cell(rs, r, tz) for r in ROLES),
                signin_cell(rs, now),
                problems_cell(rs),
                change_short(rs.last_change),
            ]
            for c in cells:  # one line per cell: skips rich's word wrapping, a third of the draw
                c.no_wrap, c.overflow = True, "ellipsis"
            self.add_row(*cells, key=str(rs.shift.id))
        target = next((i for i, rs in enumerate(page.shifts) if rs.shift.id == keep), None)
        if target is None:
            target = next((i for i, rs in enumerate(page.shifts) if rs.shift.ends_at > now), 0)
        if page.shifts:
            self.move_cursor(row=target, column=col, animate=False)

    def current_shift(self) -> RosterShift | None:
        row = self.cursor_coordinate.row
        return self.rows_data[row] if 0 <= row < len(self.rows_data) else None

    def current_role(self) -> Role | None:
        col = self.cursor_coordinate.column
        return ROLE_COLUMNS.get(COLUMNS[col]) if 0 <= col < len(COLUMNS) else None

    def goto(self, shift_id: int | None, role: Role | None = None) -> None:
        for i, rs in enumerate(self.rows_data):
            if rs.shift.id == shift_id:
                col = COLUMNS.index(role.value) if role else self.cursor_coordinate.column
                self.move_cursor(row=i, column=col, animate=False)
                return
