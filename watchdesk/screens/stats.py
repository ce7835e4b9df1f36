"""Statistics (统计, issue 15): the numbers an office is judged by, for a period in the desk's
local time, with charts. `t` on the first screen opens it; the same figures as `watchdesk stats`.

- The period: this month at first; `[` / `]` the previous / next one; `1`–`5` the day, week,
  month, quarter or year around the period's first day; `p` any period, or from–to.
- Charts (widgets/stats_charts.py): incidents per month by grade and our on-time rate per month
  over the months of the period, or the twelve months up to its end for a shorter one; units
  ranked by late and missed reports.
- Tables: our own timeliness per report kind; every late and missed report (Enter opens its
  incident); subordinate units' timeliness and scores; what happened (category, grade, month,
  同比 / 环比); the desk itself (roll-call, leader checks, hours); units dispatched and passed
  instructions (issue 16: each step acknowledged / on scene / fed back on time, late or missed,
  and chases). The rows are built by report/stats_rows.py, as for `watchdesk stats` and the
  monthly report.

Every figure is read on the console's database thread (`app.client.call`, `StatsRepo`), in two
reads: the period's figures, then the charts' months. A read a newer period has overtaken is
skipped before it starts, so stepping through a year with `[` never queues a year of work, and
the keys stay live while a read runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from typing import TYPE_CHECKING, Any

from rich import box
from rich.cells import cell_len
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import DataTable, Label, Static

from watchdesk.errors import BadValue, InputError
from watchdesk.i18n import t
from watchdesk.i18n.labels import duration
from watchdesk.models.stats import LateItem, MonthCount, Period, PeriodKind, Stats
from watchdesk.report import stats_rows as rows_
from watchdesk.report.stats_rows import hm as _hm
from watchdesk.screens.base import WatchdeskScreen
from watchdesk.screens.dialogs import Field, FormDialog
from watchdesk.text.period import calendar_period, custom_period, months, parse_period, shifted
from watchdesk.widgets import localize_bindings
from watchdesk.widgets.fixed_table import FixedTable, cell_text
from watchdesk.widgets.footer import KeyFooter
from watchdesk.widgets.header import DeskHeader
from watchdesk.widgets.stats_charts import MonthBars, RankedBars, RateLine, grade_legend

if TYPE_CHECKING:
    from watchdesk.store.desk import Store

TREND_MONTHS = 12  # a period shorter than this is charted over the twelve months up to its end
KINDS = (PeriodKind.day, PeriodKind.week, PeriodKind.month, PeriodKind.quarter, PeriodKind.year)


# -- words and numbers ---------------------------------------------------------------------------
def period_name(p: Period, tz: tzinfo) -> str:
    """The period as a person says it: `2026年11月`, `November 2026`, `2026-W47` …"""
    first = p.start.astimezone(tz).date()
    if p.kind == PeriodKind.custom:
        return p.label
    if p.kind == PeriodKind.week:
        y, w, _ = first.isocalendar()
        return t("statsui.name.week", year=y, week=w, label=p.label)
    q = (first.month - 1) // 3 + 1
    return t(
        f"statsui.name.{p.kind.value}",
        year=first.year,
        month=first.month,
        day=first.day,
        quarter=q,
        month_name=first.strftime("%B"),
    )


def around(kind: PeriodKind, anchor: date, tz: tzinfo) -> Period:
    """The day / week / month / quarter / year that holds `anchor`."""
    if kind == PeriodKind.day:
        first = anchor
    elif kind == PeriodKind.week:
        first = anchor - timedelta(days=anchor.weekday())
    elif kind == PeriodKind.month:
        first = anchor.replace(day=1)
    elif kind == PeriodKind.quarter:
        first = date(anchor.year, 3 * ((anchor.month - 1) // 3) + 1, 1)
    else:
        first = date(anchor.year, 1, 1)
    return calendar_period(kind, first, tz)


def trend_window(p: Period, tz: tzinfo) -> Period:
    """The months the charts show: the period's own when it touches twelve or more, else the
    twelve local months up to the one the period ends in."""
    touched = months(p, tz)
    if len(touched) >= TREND_MONTHS:
        return p
    last = (p.end - timedelta(microseconds=1)).astimezone(tz).date().replace(day=1)
    m = last.month - 1 - (TREND_MONTHS - 1)
    first = date(last.year + m // 12, m % 12 + 1, 1)
    start = calendar_period(PeriodKind.month, first, tz).start
    end = calendar_period(PeriodKind.month, last, tz).end
    return custom_period(start, end, tz)


@dataclass
class Trend:
    window: Period
    by_month: list[MonthCount]
    rates: list[tuple[str, float | None]]  # the on-time rate of each month


def read_trend(s: Store, window: Period, now: datetime) -> Trend:
    """On the database thread: incidents per month by grade and the on-time rate per month."""
    by_month, rates = s.stats.trend(window, now)
    return Trend(window=window, by_month=by_month, rates=rates)


def _table(tb: rows_.Table) -> Table:
    """A table of `report/stats_rows.py` as a Rich table: widths in terminal cells (a Chinese
    character is two), numbers right-aligned."""
    headers, rows, right = tb.headers, tb.texts(long_dates=True), tb.right
    table = Table(
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        collapse_padding=True,
        header_style="bold",
        show_edge=False,
    )
    # The first column (a unit, a name) keeps its width; a narrow screen wraps the headers of
    # the number columns instead.
    first = max([cell_len(headers[0]), *(cell_len(r[0]) for r in rows)]) if headers else 0
    for i, h in enumerate(headers):
        table.add_column(
            h,
            justify="right" if i in right else "left",
            min_width=min(first, 24) if i == 0 else None,
        )
    for r in rows:
        table.add_row(*(Text(c) for c in r))
    return table


# -- the screen ----------------------------------------------------------------------------------
class StatsScreen(WatchdeskScreen):
    BINDINGS = [
        Binding("escape", "app.pop_screen", "key.back", id="stats-back"),
        Binding("enter", "open_incident", "key.open", id="stats-open"),
        Binding(
            "left_square_bracket", "step(1)", "key.stats.prev", key_display="[", id="stats-prev"
        ),
        Binding(
            "right_square_bracket", "step(-1)", "key.stats.next", key_display="]", id="stats-next"
        ),
        Binding("p", "pick", "key.stats.pick", id="stats-pick"),
        Binding("1", "kind('day')", "key.stats.day", show=False, id="stats-day"),
        Binding("2", "kind('week')", "key.stats.week", show=False, id="stats-week"),
        Binding("3", "kind('month')", "key.stats.month", show=False, id="stats-month"),
        Binding("4", "kind('quarter')", "key.stats.quarter", show=False, id="stats-quarter"),
        Binding("5", "kind('year')", "key.stats.year", show=False, id="stats-year"),
        Binding("r", "reload", "key.reload", show=False, id="stats-reload"),
    ]

    def __init__(self, period: Period | None = None) -> None:
        super().__init__()
        localize_bindings(self)
        self.period: Period | None = period
        self.stats: Stats | None = None
        self.trend: Trend | None = None
        self.items: list[LateItem] = []
        self.loading = False
        self._gen = 0  # bumped by each new period: a read overtaken by a newer one is skipped

    def compose(self) -> ComposeResult:
        yield DeskHeader()
        yield Static("", id="stats-period")
        with VerticalScroll(id="stats-body"):
            with Horizontal(id="stats-charts"):
                with Vertical(classes="stats-chart"):
                    yield Label("", classes="section-title", id="stats-bars-title")
                    yield Static(grade_legend(), id="stats-legend")
                    yield MonthBars(id="stats-bars")
                with Vertical(classes="stats-chart"):
                    yield Label("", classes="section-title", id="stats-rate-title")
                    yield Static(Text(" "), id="stats-rate-note")
                    yield RateLine(id="stats-rate")
            yield Label(t("stats.own.title"), classes="section-title stats-section")
            yield Static("", id="stats-own", classes="stats-block")
            yield Label(
                t("stats.own.items"), classes="section-title stats-section", id="stats-items-title"
            )
            yield FixedTable(id="stats-items", cursor_type="row", zebra_stripes=True)
            yield Label(t("stats.sub.title"), classes="section-title stats-section")
            yield Static("", id="stats-sub", classes="stats-block")
            yield Label(t("statsui.rank.title"), classes="section-title stats-section")
            yield RankedBars(id="stats-rank")
            yield Label(t("stats.what.title"), classes="section-title stats-section")
            yield Static("", id="stats-what", classes="stats-block")
            yield Label(t("stats.desk.title"), classes="section-title stats-section")
            yield Static("", id="stats-desk", classes="stats-block")
            yield Label(t("stats.dispatch.title"), classes="section-title stats-section")
            yield Static("", id="stats-dispatch", classes="stats-block")
        yield KeyFooter(compact=True, show_command_palette=False)

    DEFAULT_CSS = """
    StatsScreen #stats-period {
        height: auto;
        padding: 0 1;
        background: $panel;
        text-style: bold;
    }
    StatsScreen #stats-charts {
        height: 45%;
        min-height: 10;
        max-height: 18;
    }
    StatsScreen .stats-chart {
        width: 1fr;
        height: 100%;
    }
    StatsScreen #stats-legend, StatsScreen #stats-rate-note {
        height: 1;
        padding: 0 1;
        color: $text-muted;
    }
    StatsScreen .stats-block {
        height: auto;
        padding: 0 1;
    }
    StatsScreen .stats-section {
        margin-top: 1;
    }
    StatsScreen #stats-items {
        height: auto;
        max-height: 14;
        margin: 0 1;
    }
    """

    ITEM_COLUMNS = (("incident", 0), ("kind", 14), ("due", 16), ("outcome", 7), ("late", 10))

    def _item_widths(self, width: int) -> list[int]:
        """The late list's columns in cells at a screen `width`: the fixed ones, then the
        incident and who answers for it sharing what is left (each column pads 1 cell a side)."""
        fixed = [w for _, w in self.ITEM_COLUMNS[1:]]
        rest = max(24, width - 4 - 2 * 6 - sum(fixed) - 2)
        incident = max(14, rest * 11 // 20)
        return [incident, *fixed, max(10, rest - incident)]

    def on_mount(self) -> None:
        table = self.query_one("#stats-items", FixedTable)
        keys = [k for k, _ in self.ITEM_COLUMNS] + ["who"]
        for key, width in zip(keys, self._item_widths(self.app.size.width)):
            table.add_column(Text(t(f"stats.item.h.{key}")), key=key, width=width)
        if self.period is None:
            tz = self.app.settings.tz
            today = self.app.clock().astimezone(tz).date()
            self.period = around(PeriodKind.month, today, tz)
        self.load()

    def on_resize(self) -> None:
        table = self.query_one("#stats-items", FixedTable)
        for col, width in zip(table.columns.values(), self._item_widths(self.size.width)):
            col.width = width
        table.refresh(layout=True)

    # -- reading ---------------------------------------------------------------------------------
    def set_period(self, period: Period) -> None:
        self.period = period
        self.load()

    def load(self) -> None:
        self._gen += 1
        self.loading = True
        self._show_period()
        self.run_read(self._load, group="stats-load")

    async def _load(self) -> None:
        period, gen = self.period, self._gen
        assert period is not None
        tz = self.app.settings.tz

        settings = self.app.settings

        def figures(s: Store) -> Stats | None:
            from watchdesk.store.stats import rules_from_settings

            if gen != self._gen:  # a newer period was asked for while this waited its turn
                return None
            return s.stats.compute(period, rules=rules_from_settings(settings, s.pack))

        st = await self.app.client.call(figures)
        if st is None or gen != self._gen:
            return
        self.stats = st
        self._show(st)
        window = trend_window(period, tz)

        def trend(s: Store) -> Trend | None:
            if gen != self._gen:
                return None
            return read_trend(s, window, st.computed_at)

        tr = await self.app.client.call(trend)
        if tr is None or gen != self._gen:
            return
        self.trend = tr
        self.loading = False
        self._show_trend(tr)
        self._show_period()

    # -- showing ---------------------------------------------------------------------------------
    def _show_period(self) -> None:
        p = self.period
        if p is None:
            return
        tz = self.app.settings.tz
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(t("statsui.period", name=period_name(p, tz)))
        text.append("  ")
        text.append(t("statsui.span", start=_hm(p.start, tz), end=_hm(p.end, tz)), style="not bold")
        if self.loading:
            text.append("  " + t("statsui.loading"), style="italic not bold")
        self.query_one("#stats-period", Static).update(text)

    def _show(self, st: Stats) -> None:
        tz = self.app.settings.tz
        self.query_one("#stats-own", Static).update(self._own(st))
        self._items(st, tz)
        self.query_one("#stats-sub", Static).update(self._sub(st))
        subs = st.subordinates.units
        self.query_one(RankedBars).set_units(subs, [duration(u.delay_worst_seconds) for u in subs])
        self.query_one("#stats-what", Static).update(self._what(st))
        self.query_one("#stats-desk", Static).update(self._desk(st))
        self.query_one("#stats-dispatch", Static).update(self._dispatch(st))

    def _show_trend(self, tr: Trend) -> None:
        tz = self.app.settings.tz
        first = tr.window.start.astimezone(tz).strftime("%Y-%m")
        last = (tr.window.end - timedelta(microseconds=1)).astimezone(tz).strftime("%Y-%m")
        span = first if first == last else f"{first} – {last}"
        self.query_one("#stats-bars-title", Label).update(t("statsui.chart.bars", span=span))
        self.query_one("#stats-rate-title", Label).update(t("statsui.chart.rate", span=span))
        counted = [r for _, r in tr.rates if r is not None]
        note = t("statsui.chart.rate_none") if not counted else t("statsui.chart.rate_note")
        self.query_one("#stats-rate-note", Static).update(Text(note, no_wrap=True))
        self.query_one(MonthBars).set_months(tr.by_month)
        self.query_one(RateLine).set_points(tr.rates)

    def _own(self, st: Stats) -> RenderableType:
        return _table(rows_.own_kinds(st))

    def _items(self, st: Stats, tz: tzinfo) -> None:
        table = self.query_one("#stats-items", FixedTable)
        was = table.cursor_row if table.row_count else 0
        table.clear()
        self.items = list(st.own.items)
        for i, cells in zip(self.items, rows_.own_items(st, tz).texts(long_dates=True)):
            row = [cell_text(c) for c in cells]
            row[3].stylize("red" if i.outcome.value == "missed" else "yellow")  # the outcome
            table.add_row(*row, key=str(i.deadline_id))
        table.size_now()
        table.display = bool(self.items)
        if self.items:
            table.move_cursor(row=min(was, len(self.items) - 1))
            if self.focused is None:  # the first figures shown: ↑ ↓ pick a late report
                table.focus()
        title = (
            t("statsui.items_n", title=t("stats.own.items"), n=len(self.items))
            if self.items
            else t("statsui.items_none", title=t("stats.own.items"))
        )
        self.query_one("#stats-items-title", Label).update(title)

    def _sub(self, st: Stats) -> RenderableType:
        units = rows_.units(st)
        rules = Text(units.note, style="dim")
        if not units.rows:
            return Group(rules, Text(t("stats.none")))
        return Group(rules, _table(units))

    def _what(self, st: Stats) -> RenderableType:
        lines: list[RenderableType] = [Text(line) for line in rows_.happened_lines(st)]
        cats = rows_.categories(st)
        if not cats.rows:
            cats.rows = [[t("stats.none"), 0]]
        side = Table.grid(padding=(0, 4))
        side.add_row(_table(cats), _table(rows_.grades(st)))
        lines += [Text(""), side, Text(""), _table(rows_.months(st))]
        return Group(*lines)

    def _desk(self, st: Stats) -> RenderableType:
        out: list[RenderableType] = [Text(rows_.rollcall_line(st))]
        absent = rows_.rollcall(st)
        if absent.rows:
            out.append(_table(absent))
        out.append(Text(rows_.checks_line(st)))
        hours = rows_.hours(st)
        if hours.rows:
            out += [Text(""), Text(hours.title, style="bold"), _table(hours)]
        return Group(*out)

    def _dispatch(self, st: Stats) -> RenderableType:
        """Units dispatched and passed instructions (issue 16): each step per unit."""
        tasks = rows_.dispatch(st)
        if not tasks.rows:
            return Text(t("stats.none"))
        return Group(_table(tasks), Text(tasks.note, style="dim"))

    # -- keys ------------------------------------------------------------------------------------
    def action_step(self, back: int) -> None:
        if self.period is None:
            return
        self.set_period(shifted(self.period, self.app.settings.tz, back=back))

    def action_kind(self, kind: str) -> None:
        if self.period is None:
            return
        tz = self.app.settings.tz
        now = self.app.clock()
        p = self.period
        # the day the officer is looking at: today while it is in the period, else its first
        anchor = (now if p.start <= now < p.end else p.start).astimezone(tz).date()
        self.set_period(around(PeriodKind(kind), anchor, tz))

    def action_reload(self) -> None:
        self.load()

    def selected_item(self) -> LateItem | None:
        table = self.query_one("#stats-items", FixedTable)
        if not self.items or not table.row_count or table.cursor_row >= len(self.items):
            return None
        return self.items[table.cursor_row]

    def action_open_incident(self) -> None:
        item = self.selected_item()
        if item is not None:
            from watchdesk.screens.incident import IncidentScreen

            self.app.push_screen(IncidentScreen(item.incident_id))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open_incident()

    def action_pick(self) -> None:
        p = self.period
        tz = self.app.settings.tz
        custom = p is not None and p.kind == PeriodKind.custom
        fmt = "%Y-%m-%d %H:%M"

        async def submit(v: dict[str, Any]) -> Period:
            return pick_period(v, tz)

        def picked(result: Any) -> None:
            if isinstance(result, Period):
                self.set_period(result)

        self.app.push_screen(
            FormDialog(
                t("statsui.pick.title"),
                [
                    Field(
                        "period",
                        t("statsui.pick.period"),
                        "" if custom or p is None else p.label,
                        placeholder="2026-11 / 2026-W47 / 2026-Q4 / 2026 / 2026-11-22",
                    ),
                    Field(
                        "from",
                        t("statsui.pick.from"),
                        p.start.astimezone(tz).strftime(fmt) if custom and p else "",
                        placeholder="2026-11-01",
                    ),
                    Field(
                        "to",
                        t("statsui.pick.to"),
                        p.end.astimezone(tz).strftime(fmt) if custom and p else "",
                        placeholder="2026-11-16",
                    ),
                ],
                submit,
                note=t("statsui.pick.note"),
            ),
            picked,
        )


def pick_period(values: dict[str, Any], tz: tzinfo) -> Period:
    """The picker's fields as a period: from–to when either is typed, else the period typed.
    Bad input: InputError at the field (the dialog keeps what was typed)."""
    from watchdesk.text.timefmt import parse_time

    start_text = str(values.get("from", "")).strip()
    end_text = str(values.get("to", "")).strip()
    if start_text or end_text:
        ends: list[datetime] = []
        for name, text in (("from", start_text), ("to", end_text)):
            if not text:
                raise InputError(name, "statsui.err.both")
            try:
                ends.append(parse_time(text, tz))
            except BadValue as e:
                raise InputError(name, e.msg) from None
            except ValueError:
                raise InputError(name, "err.time.not_a_time", text=repr(text)) from None
        try:
            return custom_period(ends[0], ends[1], tz)
        except BadValue as e:
            raise InputError("to", e.msg) from None
    try:
        return parse_period(str(values.get("period", "")), tz)
    except BadValue as e:
        raise InputError("period", e.msg) from None
