"""The monthly duty report (值班工作月报, issue 15): what the PDF (`monthly_pdf`), the .docx
(`monthly_docx`) and the .xlsx workbook (`watchdesk.files.stats_xlsx`) show, built once from the
statistics (`models/stats.py`) so the three agree.

A `Monthly` is the header (the desk, 值班工作月报, the optional 〔2026〕第N期, the period and the
date), a summary worded from the figures, and sections of `Table`s. A table's cells are typed
values (counts, rates, seconds, local datetimes without a zone, text) with each column's kind, so
the paper prints them as text (`cell_text`) and the workbook keeps real numbers and dates. A table
may name a `Chart` drawn from its own columns: bars, stacked bars, a line, ranked horizontal bars.

Words come from the catalogs (`i18n/*.monthly.toml`) in the language the caller chooses; the
renderers take the `Monthly` as it is. Nothing here reads the desk or the clock.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo
from typing import Any

from watchdesk.i18n import t, using
from watchdesk.i18n.labels import category_label, grade_label, kind_label
from watchdesk.i18n.labels import duration as _shared_duration
from watchdesk.models.incident import Grade
from watchdesk.models.stats import Comparison, PeriodKind, Stats, rate

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
GRADES = (Grade.I, Grade.II, Grade.III, Grade.IV)


@dataclass(frozen=True)
class Column:
    title: str
    kind: str = TEXT


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


@dataclass
class Section:
    title: str
    tables: list[Table] = field(default_factory=list)


@dataclass
class Monthly:
    lang: str
    heading: str  # 值班工作月报
    desk_name: str
    serial: str  # 〔2026〕第3期, or ""
    period_text: str  # 2026年11月
    title: str  # 2026年11月值班工作情况
    date_text: str  # the day the figures were computed
    issuer: str  # 某某总值班室 编
    summary: list[str]
    sections: list[Section]
    empty: str  # what an empty table says

    def tables(self) -> list[Table]:
        return [tb for s in self.sections for tb in s.tables]


# -- cells as text -------------------------------------------------------------------------------
duration_text = _shared_duration  # the one wording: watchdesk.i18n.labels.duration


def percent(r: float | None, *, signed: bool = False) -> str:
    if r is None:
        return "—"
    text = f"{r * 100:.1f}%"
    return f"+{text}" if signed and r > 0 else text


def cell_text(value: Any, kind: str) -> str:
    """A cell as the paper prints it; None is a dash."""
    if value is None:
        return "—"
    if kind == RATE:
        return percent(value)
    if kind == CHANGE:
        return percent(value, signed=True)
    if kind == SECONDS:
        return duration_text(value)
    if kind == DATETIME and isinstance(value, datetime):
        return value.strftime("%m-%d %H:%M")
    if kind == NUMBER and isinstance(value, float):
        return f"{value:g}"
    return str(value)


# -- the words ----------------------------------------------------------------------------------
def period_text(st: Stats, tz: tzinfo) -> str:
    p = st.period
    first = p.start.astimezone(tz)
    if p.kind == PeriodKind.month:
        return t("monthly.period.month", year=first.year, month=first.month)
    if p.kind == PeriodKind.year:
        return t("monthly.period.year", year=first.year)
    if p.kind == PeriodKind.quarter:
        return t("monthly.period.quarter", year=first.year, q=(first.month - 1) // 3 + 1)
    return p.label


def short_period(st: Stats, tz: tzinfo) -> str:
    """A trend chart's category: `11月` / `2026-11` for a month, else the label."""
    p = st.period
    if p.kind == PeriodKind.month:
        first = p.start.astimezone(tz)
        return t("monthly.period.short_month", year=first.year, month=first.month)
    return p.label


def _day_text(dt: datetime, tz: tzinfo) -> str:
    d = dt.astimezone(tz)
    return t("monthly.date", year=d.year, month=d.month, day=d.day)


def _num(n: float) -> str:
    return f"{n:,.2f}".rstrip("0").rstrip(".")


def _change_words(c: Comparison | None, key: str) -> str:
    if c is None:
        return ""
    if c.change == 0:
        return t(f"monthly.sum.{key}_flat", n=c.totals.incidents)
    word = "up" if c.change > 0 else "down"
    extra = "" if c.change_rate is None else t("monthly.sum.rate", rate=percent(abs(c.change_rate)))
    return t(f"monthly.sum.{key}_{word}", n=abs(c.change), extra=extra)


def summary(st: Stats, tz: tzinfo) -> list[str]:
    """The summary paragraphs, worded from the figures (zeros said plainly, no errors)."""
    sep = t("stats.sep")
    out = []
    # what happened
    h = st.happened
    tot = h.totals
    when = period_text(st, tz)
    if tot.incidents:
        grades = sep.join(
            t("monthly.sum.grade", grade=grade_label(c.key, short=True), n=c.incidents)
            for c in h.by_grade
            if c.incidents
        )
        text = t("monthly.sum.incidents", period=when, n=tot.incidents, grades=grades)
        harm = []
        for key in ("dead", "injured", "missing"):
            n = getattr(tot, key)
            if n:
                harm.append(t(f"monthly.sum.{key}", n=n))
        if harm:
            text += t("monthly.sum.harm", items=sep.join(harm))
        if tot.direct_loss:
            text += t("monthly.sum.loss", wan=_num(tot.direct_loss / 10000))
    else:
        text = t("monthly.sum.no_incidents", period=when)
    changes = [w for w in (_change_words(h.year_on_year, "yoy"), _change_words(h.previous, "mom"))]
    changes = [w for w in changes if w]
    if changes:
        text += t("monthly.sum.changes", items=t("monthly.sum.clause_sep").join(changes))
    out.append(text + t("monthly.sum.end"))

    # our own reports
    own = st.own.total
    text = t(
        "monthly.sum.own",
        counted=own.counted,
        on_time=own.on_time,
        late=own.late,
        missed=own.missed,
        rate=percent(own.on_time_rate),
    )
    if own.late_worst_seconds:
        text += t("monthly.sum.own_worst", worst=duration_text(own.late_worst_seconds))
    if own.pending:
        text += t("monthly.sum.pending", n=own.pending)
    out.append(text + t("monthly.sum.end"))

    # subordinates
    sub = st.subordinates
    if sub.units:
        late = sum(u.late for u in sub.units)
        missed = sum(u.missed for u in sub.units)
        text = t(
            "monthly.sum.sub",
            units=len(sub.units),
            n=sum(u.incidents for u in sub.units),
            on_time=sum(u.on_time for u in sub.units),
            late=late,
            missed=missed,
        )
        worst = sub.units[0]
        if worst.late or worst.missed:
            text += t(
                "monthly.sum.sub_worst",
                unit=worst.unit,
                late=worst.late,
                missed=worst.missed,
                score=f"{worst.score:g}",
            )
        out.append(text + t("monthly.sum.end"))

    # the desk
    d = st.desk
    rc, lc = d.rollcall, d.leader_checks
    text = t(
        "monthly.sum.rollcall",
        rounds=rc.rounds,
        checked=rc.checked,
        on_post=rc.on_post,
        rate=percent(rc.rate),
    )
    text += t(
        "monthly.sum.checks",
        due=lc.due,
        on_time=lc.on_time,
        late=lc.late,
        missed=lc.missed,
        absences=lc.absences,
    )
    if d.hours:
        text += t(
            "monthly.sum.hours",
            people=len(d.hours),
            hours=_num(sum(x.hours for x in d.hours)),
        )
    out.append(text + t("monthly.sum.end"))
    return out


# -- the tables ---------------------------------------------------------------------------------
def _cols(*spec: tuple[str, str]) -> list[Column]:
    return [Column(t(f"monthly.col.{key}"), kind) for key, kind in spec]


def _local(dt: datetime | None, tz: tzinfo) -> datetime | None:
    """A local wall-clock time without a zone (a spreadsheet has none)."""
    return None if dt is None else dt.astimezone(tz).replace(tzinfo=None)


def _own_tables(st: Stats, trend: Sequence[Stats], tz: tzinfo) -> Section:
    own = st.own
    kinds = Table(
        "own_kinds",
        t("monthly.table.own_kinds"),
        _cols(
            ("kind", TEXT),
            ("counted", COUNT),
            ("on_time", COUNT),
            ("late", COUNT),
            ("missed", COUNT),
            ("pending", COUNT),
            ("rate", RATE),
            ("median", SECONDS),
            ("p90", SECONDS),
            ("worst", SECONDS),
        ),
        [
            [
                kind_label(k.kind) if k.kind else t("stats.total"),
                k.counted,
                k.on_time,
                k.late,
                k.missed,
                k.pending,
                k.on_time_rate,
                k.late_median_seconds,
                k.late_p90_seconds,
                k.late_worst_seconds,
            ]
            for k in [*own.by_kind, own.total]
        ],
    )
    rates = Table(
        "own_trend",
        t("monthly.table.own_trend"),
        _cols(
            ("period", TEXT),
            ("counted", COUNT),
            ("on_time", COUNT),
            ("late", COUNT),
            ("missed", COUNT),
            ("rate", RATE),
        ),
        [
            [
                short_period(s, tz),
                s.own.total.counted,
                s.own.total.on_time,
                s.own.total.late,
                s.own.total.missed,
                s.own.total.on_time_rate,
            ]
            for s in trend
        ],
        chart=Chart("line", t("monthly.chart.rate"), 0, (5,)),
    )
    items = Table(
        "own_items",
        t("monthly.table.own_items"),
        _cols(
            ("incident", TEXT),
            ("grade", TEXT),
            ("report", TEXT),
            ("due", DATETIME),
            ("reported", DATETIME),
            ("outcome", TEXT),
            ("how_late", SECONDS),
            ("who", TEXT),
        ),
        [
            [
                f"#{i.incident_id} {i.headline}",
                grade_label(i.grade, short=True),
                kind_label(i.kind, i.seq),
                _local(i.due_at, tz),
                _local(i.reported_at, tz),
                t(f"stats.outcome.{i.outcome.value}"),
                i.late_seconds,
                i.reporter or t("stats.on_duty", names=t("stats.sep").join(i.on_duty) or "—"),
            ]
            for i in own.items
        ],
    )
    return Section(t("monthly.section.own"), [kinds, rates, items])


def _sub_tables(st: Stats, tz: tzinfo) -> Section:
    sub = st.subordinates
    limits = t("stats.sep").join(
        f"{grade_label(g, short=True)} {duration_text(v)}"
        for g, v in sorted(sub.rules.limits_seconds.items(), key=lambda kv: kv[0].rank)
    )
    note = t(
        "monthly.sub.rules",
        limits=limits or "—",
        missed=duration_text(sub.rules.missed_after_seconds),
        late_points=f"{sub.rules.late_points:g}",
        missed_points=f"{sub.rules.missed_points:g}",
    )
    units = Table(
        "units",
        t("monthly.table.units"),
        _cols(
            ("unit", TEXT),
            ("incidents", COUNT),
            ("on_time", COUNT),
            ("late", COUNT),
            ("missed", COUNT),
            ("unknown", COUNT),
            ("rate", RATE),
            ("worst_delay", SECONDS),
            ("score", NUMBER),
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
            for u in sub.units
        ],
        chart=Chart("barh", t("monthly.chart.units"), 0, (3, 4)),
        note=note,
    )
    items = Table(
        "unit_items",
        t("monthly.table.unit_items"),
        _cols(
            ("unit", TEXT),
            ("incident", TEXT),
            ("grade", TEXT),
            ("occurred", DATETIME),
            ("received", DATETIME),
            ("delay", SECONDS),
            ("limit", SECONDS),
            ("outcome", TEXT),
        ),
        [
            [
                i.unit,
                f"#{i.incident_id} {i.headline}",
                grade_label(i.grade, short=True),
                _local(i.occurred_at, tz),
                _local(i.received_at, tz),
                i.delay_seconds,
                i.limit_seconds,
                t(f"stats.outcome.{i.outcome.value}"),
            ]
            for i in sub.items
        ],
    )
    return Section(t("monthly.section.sub"), [units, items])


def _happened_tables(st: Stats, trend: Sequence[Stats], tz: tzinfo) -> Section:
    h = st.happened
    yoy, mom = h.year_on_year, h.previous
    rows = []
    for key in ("incidents", "dead", "injured", "missing", "direct_loss"):
        now = getattr(h.totals, key)
        row: list[Any] = [t(f"monthly.row.{key}"), now]
        for c in (yoy, mom):
            then = getattr(c.totals, key) if c else None
            row += [then, None if then is None else rate(now - then, then)]
        rows.append(row)
    compare = Table(
        "compare",
        t("monthly.table.compare"),
        [
            Column(t("monthly.col.item")),
            Column(t("monthly.col.now"), COUNT),
            Column(t("monthly.col.yoy_then"), COUNT),
            Column(t("monthly.col.yoy"), CHANGE),
            Column(t("monthly.col.mom_then"), COUNT),
            Column(t("monthly.col.mom"), CHANGE),
        ],
        rows,
        note=t(
            "monthly.compare.note",
            yoy=yoy.period.label if yoy else "—",
            mom=mom.period.label if mom else "—",
        ),
    )
    n = h.totals.incidents
    grades = Table(
        "grades",
        t("monthly.table.grades"),
        _cols(("grade", TEXT), ("incidents", COUNT), ("share", RATE)),
        [[grade_label(c.key, short=True), c.incidents, rate(c.incidents, n)] for c in h.by_grade],
    )
    by_grade_trend = Table(
        "grade_trend",
        t("monthly.table.grade_trend"),
        [
            Column(t("monthly.col.period")),
            *(Column(grade_label(g, short=True), COUNT) for g in GRADES),
            Column(t("monthly.col.incidents"), COUNT),
        ],
        [
            [
                short_period(s, tz),
                *(
                    next((c.incidents for c in s.happened.by_grade if c.key == g), 0)
                    for g in GRADES
                ),
                s.happened.totals.incidents,
            ]
            for s in trend
        ],
        chart=Chart("stacked", t("monthly.chart.grades"), 0, (1, 2, 3, 4)),
    )
    cats = Table(
        "categories",
        t("monthly.table.categories"),
        _cols(("category", TEXT), ("incidents", COUNT), ("share", RATE)),
        [[category_label(c.key), c.incidents, rate(c.incidents, n)] for c in h.by_category],
    )
    months = Table(
        "months",
        t("monthly.table.months"),
        [
            Column(t("monthly.col.month")),
            Column(t("monthly.col.incidents"), COUNT),
            *(Column(grade_label(g, short=True), COUNT) for g in GRADES),
        ],
        [[m.month, m.incidents, *(m.by_grade.get(g, 0) for g in GRADES)] for m in h.by_month],
    )
    return Section(t("monthly.section.happened"), [compare, grades, by_grade_trend, cats, months])


def _desk_tables(st: Stats) -> Section:
    d = st.desk
    rc = d.rollcall
    rollcall = Table(
        "rollcall",
        t("monthly.table.rollcall"),
        _cols(
            ("unit", TEXT),
            ("checked", COUNT),
            ("on_post", COUNT),
            ("absent", COUNT),
            ("on_post_rate", RATE),
        ),
        [[u.unit, u.checked, u.on_post, u.absent, u.rate] for u in rc.units]
        + ([[t("stats.total"), rc.checked, rc.on_post, rc.checked - rc.on_post, rc.rate]]),
        note=t("monthly.rollcall.note", rounds=rc.rounds),
    )
    lc = d.leader_checks
    checks = Table(
        "leader_checks",
        t("monthly.table.leader_checks"),
        _cols(
            ("due_checks", COUNT),
            ("on_time", COUNT),
            ("late_check", COUNT),
            ("missed_check", COUNT),
            ("pending", COUNT),
            ("absences", COUNT),
            ("rate", RATE),
        ),
        [[lc.due, lc.on_time, lc.late, lc.missed, lc.pending, lc.absences, lc.on_time_rate]],
    )
    hours = Table(
        "hours",
        t("monthly.table.hours"),
        _cols(
            ("name", TEXT),
            ("shifts", COUNT),
            ("hours", NUMBER),
            ("night", NUMBER),
            ("rest", NUMBER),
            ("holiday", NUMBER),
            ("holiday_shifts", COUNT),
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
            for x in d.hours
        ],
    )
    return Section(t("monthly.section.desk"), [rollcall, checks, hours])


def build(
    st: Stats,
    tz: tzinfo,
    *,
    trend: Sequence[Stats] = (),
    desk_name: str = "",
    serial: str = "",
    lang: str | None = None,
) -> Monthly:
    """The report of `st`. `trend`: the statistics of the periods before it, oldest first (the
    charts' months); `st` itself is added at the end when it is not there."""
    series = list(trend)
    if not series or series[-1].period != st.period:
        series.append(st)
    with using(lang) as chosen:
        when = period_text(st, tz)
        desk = desk_name.strip()
        numbered = [
            Section(f"{t('monthly.num.' + str(i))}{s.title}", s.tables)
            for i, s in enumerate(
                [
                    _own_tables(st, series, tz),
                    _sub_tables(st, tz),
                    _happened_tables(st, series, tz),
                    _desk_tables(st),
                ],
                start=2,
            )
        ]
        sections = [Section(t("monthly.num.1") + t("monthly.section.summary")), *numbered]
        return Monthly(
            lang=chosen,
            heading=t("monthly.heading"),
            desk_name=desk,
            serial=serial,
            period_text=when,
            title=t("monthly.title", period=when),
            date_text=_day_text(st.computed_at, tz),
            issuer=t("monthly.issuer", desk=desk) if desk else "",
            summary=summary(st, tz),
            sections=sections,
            empty=t("stats.none"),
        )


def trend_periods(n: int = 6) -> list[int]:
    """How many periods back each trend entry is, oldest first (5 … 1; the period itself is 0)."""
    return list(range(n - 1, 0, -1))


def seconds_to_delta(seconds: float | int | None) -> timedelta | None:
    return None if seconds is None else timedelta(seconds=int(round(seconds)))
