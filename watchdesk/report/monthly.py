"""The monthly duty report (值班工作月报, issue 15): what the PDF (`monthly_pdf`), the .docx
(`monthly_docx`) and the .xlsx workbook (`watchdesk.files.stats_xlsx`) show, built once from the
statistics (`models/stats.py`) so the three agree; the tables the console shows too come from
`stats_rows`, the one builder of rows.

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
from watchdesk.i18n.labels import grade_label
from watchdesk.models.stats import Comparison, PeriodKind, Stats, rate
from watchdesk.report import stats_rows as rows_
from watchdesk.report.stats_rows import (  # noqa: F401  (the renderers and tests use them here)
    CHANGE,
    COUNT,
    DATETIME,
    GRADES,
    NUMBER,
    RATE,
    SECONDS,
    TEXT,
    Chart,
    Column,
    Table,
    cell_text,
    duration_text,
    percent,
)


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

    # units dispatched and passed instructions (issue 16)
    if st.dispatch:
        out.append(t("monthly.sum.dispatch", **rows_.dispatch_totals(st)) + t("monthly.sum.end"))
    return out


# -- the tables ---------------------------------------------------------------------------------
def _cols(*spec: tuple[str, str]) -> list[Column]:
    return [Column(t(f"monthly.col.{key}"), kind) for key, kind in spec]


def _own_tables(st: Stats, trend: Sequence[Stats], tz: tzinfo) -> Section:
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
    return Section(
        t("monthly.section.own"),
        [rows_.own_kinds(st, paper=True), rates, rows_.own_items(st, tz, paper=True)],
    )


def _sub_tables(st: Stats, tz: tzinfo) -> Section:
    sub = st.subordinates
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
                rows_.local(i.occurred_at, tz),
                rows_.local(i.received_at, tz),
                i.delay_seconds,
                i.limit_seconds,
                t(f"stats.outcome.{i.outcome.value}"),
            ]
            for i in sub.items
        ],
    )
    return Section(t("monthly.section.sub"), [rows_.units(st, paper=True), items])


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
    return Section(
        t("monthly.section.happened"),
        [
            compare,
            rows_.grades(st, paper=True),
            by_grade_trend,
            rows_.categories(st, paper=True),
            rows_.months(st, paper=True),
        ],
    )


def _desk_tables(st: Stats) -> Section:
    lc = st.desk.leader_checks
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
    return Section(
        t("monthly.section.desk"),
        [rows_.rollcall(st, paper=True), checks, rows_.hours(st, paper=True)],
    )


def _dispatch_tables(st: Stats) -> Section:
    """Units dispatched and passed instructions (issue 16): each step's timeliness per unit."""
    return Section(t("monthly.section.dispatch"), [rows_.dispatch(st, paper=True)])


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
                    _dispatch_tables(st),
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
