"""The statistics as tables (issue 15, 16): one builder of rows for the three places that show
them — `watchdesk stats` (cli/stats.py), the statistics screen (screens/stats.py) and the
monthly duty report (report/monthly.py, then its PDF, .docx and .xlsx).

A `Table` holds typed cells (counts, rates, seconds, local datetimes without a zone, text) and
each column's kind, so the paper and the terminal print them as text (`cell_text`) and the
workbook keeps real numbers and dates. Each builder takes `paper`: the monthly report's columns and
wording (`monthly.col.*`, every figure a column of its own) or the terminal's (`stats.*.h.*`,
shorter). Words come from the catalogs in the language in use; nothing here reads the desk.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from watchdesk.i18n import t
from watchdesk.i18n.labels import category_label, grade_label, kind_label
from watchdesk.i18n.labels import duration as _shared_duration
from watchdesk.models.incident import Grade
from watchdesk.models.stats import Stats, StepCount, UnitRollCall, rate

# the kinds of a column: how a cell is printed, and its number format in the workbook
TEXT, COUNT, RATE, CHANGE, SECONDS, DATETIME, NUMBER = (
    "text",
    "count",
    "rate",
    "change",
    "seconds",
    "datetime",
    "number",
)
STEPS = "steps"  # on time/late/missed in one cell (the terminal's dispatch table): text, right
GRADES = (Grade.I, Grade.II, Grade.III, Grade.IV)
STEP_NAMES = ("ack", "arrive", "feedback")


@dataclass(frozen=True)
class Column:
    title: str
    kind: str = TEXT

    @property
    def right(self) -> bool:
        """Numbers are right-aligned; text and times are not."""
        return self.kind not in (TEXT, DATETIME)


@dataclass(frozen=True)
class Chart:
    """A chart of a table's columns: `values` (column indexes) against `category` (the row
    labels). kind: bar, stacked, line (a rate), barh (ranked, stacked, worst at the top)."""

    kind: str
    title: str
    category: int
    values: tuple[int, ...]


@dataclass
class Table:
    key: str  # stable name (tests, the workbook's order)
    title: str
    columns: list[Column]
    rows: list[list[Any]]
    chart: Chart | None = None
    note: str = ""

    @property
    def headers(self) -> list[str]:
        return [c.title for c in self.columns]

    @property
    def right(self) -> set[int]:
        return {i for i, c in enumerate(self.columns) if c.right}

    def texts(self, *, long_dates: bool = False) -> list[list[str]]:
        """Every row's cells as text (`cell_text`)."""
        kinds = [c.kind for c in self.columns]
        return [
            [cell_text(v, k, long_dates=long_dates) for v, k in zip(row, kinds)]
            for row in self.rows
        ]


# -- cells as text -------------------------------------------------------------------------------
duration_text = _shared_duration  # the one wording: watchdesk.i18n.labels.duration


def percent(r: float | None, *, signed: bool = False) -> str:
    if r is None:
        return "—"
    text = f"{r * 100:.1f}%"
    return f"+{text}" if signed and r > 0 else text


def signed(n: int) -> str:
    return f"+{n}" if n > 0 else str(n)


def hm(dt: datetime, tz: tzinfo) -> str:
    """An instant as the desk's local date and time, to the minute."""
    return dt.astimezone(tz).strftime("%Y-%m-%d %H:%M")


def local(dt: datetime | None, tz: tzinfo) -> datetime | None:
    """A local wall-clock time without a zone (a spreadsheet has none)."""
    return None if dt is None else dt.astimezone(tz).replace(tzinfo=None)


def cell_text(value: Any, kind: str, *, long_dates: bool = False) -> str:
    """A cell as the paper (or, `long_dates`, the terminal: with the year) prints it; None is a
    dash."""
    if value is None:
        return "—"
    if kind == RATE:
        return percent(value)
    if kind == CHANGE:
        return percent(value, signed=True)
    if kind == SECONDS:
        return duration_text(value)
    if kind == DATETIME and isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M" if long_dates else "%m-%d %H:%M")
    if kind == NUMBER and isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _cols(paper: bool, *spec: tuple[str, str, str]) -> list[Column]:
    """Columns from (terminal key, paper key, kind); a key "" leaves the column out there."""
    return [Column(t(pk if paper else sk), kind) for sk, pk, kind in spec if (pk if paper else sk)]


def _pick(paper: bool, row: list[tuple[Any, bool, bool]]) -> list[Any]:
    """A row's cells (value, on the terminal, on paper) for one of the two."""
    return [v for v, term, pap in row if (pap if paper else term)]


# -- sentences ----------------------------------------------------------------------------------
def who(item: Any) -> str:
    """Who answers for a late or missed report: the reporter, else the people on duty."""
    return item.reporter or t("stats.on_duty", names=t("stats.sep").join(item.on_duty) or "—")


def sub_rules(st: Stats, *, paper: bool = False) -> str:
    """How subordinate units are judged: limits per grade, when late is missed, the points."""
    rules = st.subordinates.rules
    limits = t("stats.sep").join(
        f"{grade_label(g, short=True)} {duration_text(v)}"
        for g, v in sorted(rules.limits_seconds.items(), key=lambda kv: kv[0].rank)
    )
    return t(
        "monthly.sub.rules" if paper else "stats.sub.rules",
        limits=limits or "—",
        missed=duration_text(rules.missed_after_seconds),
        late_points=f"{rules.late_points:g}",
        missed_points=f"{rules.missed_points:g}",
    )


def happened_lines(st: Stats) -> list[str]:
    """The totals, then 同比 and 环比 where there is such a period."""
    h = st.happened
    tot = h.totals
    out = [
        t(
            "stats.what.totals",
            n=tot.incidents,
            dead=tot.dead,
            injured=tot.injured,
            missing=tot.missing,
            loss=f"{tot.direct_loss:,}",
        )
    ]
    for key, cmp_ in (("yoy", h.year_on_year), ("mom", h.previous)):
        if cmp_ is not None:
            out.append(
                t(
                    f"stats.what.{key}",
                    label=cmp_.period.label,
                    n=cmp_.totals.incidents,
                    change=signed(cmp_.change),
                    rate=percent(cmp_.change_rate),
                )
            )
    return out


def rollcall_line(st: Stats) -> str:
    rc = st.desk.rollcall
    return t(
        "stats.desk.rollcall",
        rounds=rc.rounds,
        checked=rc.checked,
        on_post=rc.on_post,
        rate=percent(rc.rate),
    )


def checks_line(st: Stats) -> str:
    lc = st.desk.leader_checks
    return t(
        "stats.desk.checks",
        due=lc.due,
        on_time=lc.on_time,
        late=lc.late,
        missed=lc.missed,
        pending=lc.pending,
        absences=lc.absences,
        rate=percent(lc.on_time_rate),
    )


# -- our own timeliness ---------------------------------------------------------------------------
def own_kinds(st: Stats, *, paper: bool = False) -> Table:
    """Per report kind, then the total: on time, late, missed, pending, rate, lateness."""
    own = st.own
    return Table(
        "own_kinds",
        t("monthly.table.own_kinds") if paper else t("stats.own.title"),
        _cols(
            paper,
            ("stats.own.h.kind", "monthly.col.kind", TEXT),
            ("", "monthly.col.counted", COUNT),
            ("stats.own.h.on_time", "monthly.col.on_time", COUNT),
            ("stats.own.h.late", "monthly.col.late", COUNT),
            ("stats.own.h.missed", "monthly.col.missed", COUNT),
            ("stats.own.h.pending", "monthly.col.pending", COUNT),
            ("stats.own.h.rate", "monthly.col.rate", RATE),
            ("stats.own.h.median", "monthly.col.median", SECONDS),
            ("stats.own.h.p90", "monthly.col.p90", SECONDS),
            ("stats.own.h.worst", "monthly.col.worst", SECONDS),
        ),
        [
            _pick(
                paper,
                [
                    (kind_label(k.kind) if k.kind else t("stats.total"), True, True),
                    (k.counted, False, True),
                    (k.on_time, True, True),
                    (k.late, True, True),
                    (k.missed, True, True),
                    (k.pending, True, True),
                    (k.on_time_rate, True, True),
                    (k.late_median_seconds, True, True),
                    (k.late_p90_seconds, True, True),
                    (k.late_worst_seconds, True, True),
                ],
            )
            for k in [*own.by_kind, own.total]
        ],
    )


def own_items(st: Stats, tz: tzinfo, *, paper: bool = False) -> Table:
    """Every late and missed report: the incident, the report, when due, how late, who."""
    return Table(
        "own_items",
        t("monthly.table.own_items") if paper else t("stats.own.items"),
        _cols(
            paper,
            ("stats.item.h.incident", "monthly.col.incident", TEXT),
            ("", "monthly.col.grade", TEXT),
            ("stats.item.h.kind", "monthly.col.report", TEXT),
            ("stats.item.h.due", "monthly.col.due", DATETIME),
            ("", "monthly.col.reported", DATETIME),
            ("stats.item.h.outcome", "monthly.col.outcome", TEXT),
            ("stats.item.h.late", "monthly.col.how_late", SECONDS),
            ("stats.item.h.who", "monthly.col.who", TEXT),
        ),
        [
            _pick(
                paper,
                [
                    (f"#{i.incident_id} {i.headline}", True, True),
                    (grade_label(i.grade, short=True), False, True),
                    (kind_label(i.kind, i.seq), True, True),
                    (local(i.due_at, tz), True, True),
                    (local(i.reported_at, tz), False, True),
                    (t(f"stats.outcome.{i.outcome.value}"), True, True),
                    (i.late_seconds, True, True),
                    (who(i), True, True),
                ],
            )
            for i in st.own.items
        ],
    )


# -- our subordinates ---------------------------------------------------------------------------
def units(st: Stats, *, paper: bool = False) -> Table:
    """Each subordinate unit: incidents, on time / late / missed, rate, worst delay, score."""
    return Table(
        "units",
        t("monthly.table.units") if paper else t("stats.sub.title"),
        _cols(
            paper,
            ("stats.sub.h.unit", "monthly.col.unit", TEXT),
            ("stats.sub.h.incidents", "monthly.col.incidents", COUNT),
            ("stats.sub.h.on_time", "monthly.col.on_time", COUNT),
            ("stats.sub.h.late", "monthly.col.late", COUNT),
            ("stats.sub.h.missed", "monthly.col.missed", COUNT),
            ("stats.sub.h.unknown", "monthly.col.unknown", COUNT),
            ("stats.sub.h.rate", "monthly.col.rate", RATE),
            ("stats.sub.h.worst", "monthly.col.worst_delay", SECONDS),
            ("stats.sub.h.score", "monthly.col.score", NUMBER),
        ),
        [
            [
                u.unit,
                u.incidents,
                u.on_time,
                u.late,
                u.missed,
                u.unknown,
                u.on_time_rate,
                u.delay_worst_seconds,
                float(u.score),
            ]
            for u in st.subordinates.units
        ],
        chart=Chart("barh", t("monthly.chart.units"), 0, (3, 4)) if paper else None,
        note=sub_rules(st, paper=paper),
    )


# -- what happened ------------------------------------------------------------------------------
def categories(st: Stats, *, paper: bool = False) -> Table:
    h = st.happened
    n = h.totals.incidents
    return Table(
        "categories",
        t("monthly.table.categories") if paper else "",
        _cols(
            paper,
            ("stats.what.h.category", "monthly.col.category", TEXT),
            ("stats.what.h.incidents", "monthly.col.incidents", COUNT),
            ("", "monthly.col.share", RATE),
        ),
        [
            _pick(
                paper,
                [
                    (category_label(c.key), True, True),
                    (c.incidents, True, True),
                    (rate(c.incidents, n), False, True),
                ],
            )
            for c in h.by_category
        ],
    )


def grades(st: Stats, *, paper: bool = False) -> Table:
    h = st.happened
    n = h.totals.incidents
    return Table(
        "grades",
        t("monthly.table.grades") if paper else "",
        _cols(
            paper,
            ("statsui.h.grade", "monthly.col.grade", TEXT),
            ("stats.what.h.incidents", "monthly.col.incidents", COUNT),
            ("", "monthly.col.share", RATE),
        ),
        [
            _pick(
                paper,
                [
                    (grade_label(c.key, short=paper), True, True),
                    (c.incidents, True, True),
                    (rate(c.incidents, n), False, True),
                ],
            )
            for c in h.by_grade
        ],
    )


def months(st: Stats, *, paper: bool = False) -> Table:
    """Every local month the period touches: incidents, then by grade."""
    return Table(
        "months",
        t("monthly.table.months") if paper else "",
        [
            Column(t("monthly.col.month" if paper else "stats.what.h.month")),
            Column(t("monthly.col.incidents" if paper else "stats.what.h.incidents"), COUNT),
            *(Column(grade_label(g, short=True), COUNT) for g in GRADES),
        ],
        [
            [m.month, m.incidents, *(m.by_grade.get(g, 0) for g in GRADES)]
            for m in st.happened.by_month
        ],
    )


# -- the desk itself ----------------------------------------------------------------------------
def rollcall(st: Stats, *, paper: bool = False) -> Table:
    """Paper: every unit called and the total; the terminal: the units most often absent."""
    rc = st.desk.rollcall
    rows: list[UnitRollCall] = rc.units if paper else rc.most_absent
    table = Table(
        "rollcall",
        t("monthly.table.rollcall") if paper else "",
        _cols(
            paper,
            ("stats.rc.h.unit", "monthly.col.unit", TEXT),
            ("stats.rc.h.checked", "monthly.col.checked", COUNT),
            ("", "monthly.col.on_post", COUNT),
            ("stats.rc.h.absent", "monthly.col.absent", COUNT),
            ("stats.rc.h.rate", "monthly.col.on_post_rate", RATE),
        ),
        [
            _pick(
                paper,
                [
                    (u.unit, True, True),
                    (u.checked, True, True),
                    (u.on_post, False, True),
                    (u.absent, True, True),
                    (u.rate, True, True),
                ],
            )
            for u in rows
        ],
        note=t("monthly.rollcall.note", rounds=rc.rounds) if paper else "",
    )
    if paper:
        table.rows.append(
            [t("stats.total"), rc.checked, rc.on_post, rc.checked - rc.on_post, rc.rate]
        )
    return table


def hours(st: Stats, *, paper: bool = False) -> Table:
    """Hours on duty per person: shifts, hours, night, rest day, holiday, holiday shifts."""
    keys = ("name", "shifts", "hours", "night", "rest", "holiday", "holiday_shifts")
    kinds = (TEXT, COUNT, NUMBER, NUMBER, NUMBER, NUMBER, COUNT)
    return Table(
        "hours",
        t("monthly.table.hours") if paper else t("statsui.hours"),
        _cols(
            paper, *((f"stats.hours.h.{k}", f"monthly.col.{k}", kd) for k, kd in zip(keys, kinds))
        ),
        [
            [
                x.name,
                x.shifts,
                float(x.hours),
                float(x.night_hours),
                float(x.rest_day_hours),
                float(x.holiday_hours),
                x.holiday_shifts,
            ]
            for x in st.desk.hours
        ],
    )


# -- units dispatched and passed instructions (issue 16) -----------------------------------------
def _steps(c: StepCount) -> str:
    return f"{c.on_time}/{c.late}/{c.missed}"


def dispatch(st: Stats, *, paper: bool = False) -> Table:
    """Per unit: its tasks, each step (接收 / 到场 / 反馈) on time, late and missed, the worst
    lateness of any step and the chases (督办). On paper each count is a column of its own (real
    numbers in the workbook); the terminal puts a step's three counts in one cell."""
    heads = [Column(t("monthly.col.unit" if paper else "stats.dispatch.h.unit"))]
    heads.append(Column(t("monthly.col.tasks" if paper else "stats.dispatch.h.tasks"), COUNT))
    for step in STEP_NAMES:
        if paper:
            heads += [
                Column(t(f"monthly.col.{step}_{o}"), COUNT) for o in ("on_time", "late", "missed")
            ]
        else:
            heads.append(Column(t(f"stats.dispatch.h.{step}"), STEPS))
    heads.append(
        Column(t("monthly.col.worst_late" if paper else "stats.dispatch.h.worst"), SECONDS)
    )
    heads.append(Column(t("monthly.col.chases" if paper else "stats.dispatch.h.chases"), COUNT))
    rows: list[list[Any]] = []
    for u in st.dispatch:
        steps = (u.ack, u.arrive, u.feedback)
        row: list[Any] = [u.unit, u.tasks]
        for c in steps:
            row += [c.on_time, c.late, c.missed] if paper else [_steps(c)]
        row.append(max((c.worst_late_seconds or 0 for c in steps), default=0) or None)
        row.append(u.chases)
        rows.append(row)
    return Table(
        "dispatch",
        t("monthly.table.dispatch") if paper else t("stats.dispatch.title"),
        heads,
        rows,
        note=t("monthly.dispatch.note") if paper else t("stats.dispatch.legend"),
    )


def dispatch_totals(st: Stats) -> dict[str, int]:
    """All units' steps added up (the monthly summary's sentence)."""
    out = {"units": len(st.dispatch), "tasks": sum(u.tasks for u in st.dispatch)}
    for step in STEP_NAMES:
        for o in ("on_time", "late", "missed"):
            out[f"{step}_{o}"] = sum(getattr(getattr(u, step), o) for u in st.dispatch)
    out["chases"] = sum(u.chases for u in st.dispatch)
    return out
