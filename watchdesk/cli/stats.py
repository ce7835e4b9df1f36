"""`watchdesk stats`: the numbers an office is judged by (issue 15), for a period in the desk's
local time: our own timeliness, our subordinates', what happened, and the desk itself.

Tables in the UI language, widths in terminal cells; `--json`: every figure (models/stats.py).
The counting is `StatsRepo` in store/stats.py; periods are parsed in text/period.py.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from watchdesk.cli.base import EXIT_OK, Commands, Ctx, emit, json_flag, when
from watchdesk.errors import BadValue, InputError
from watchdesk.i18n import t

if TYPE_CHECKING:
    from datetime import tzinfo

    from watchdesk.models.stats import Period, Stats, SubordinateRules
    from watchdesk.report.stats_rows import Table
    from watchdesk.store.desk import Store


# -- arguments ----------------------------------------------------------------------------------
def _period(ctx: Ctx, s: Store) -> Period:
    from watchdesk.models.stats import PeriodKind
    from watchdesk.text.period import calendar_period, custom_period, parse_month, parse_period

    a = ctx.args
    tz = s.tz
    if a.to is not None and a.from_ is None:
        raise InputError("--to", "stats.err.from_to")
    try:
        if a.month is not None:
            return parse_month(a.month, tz)
    except BadValue as e:
        raise InputError("--month", e.msg) from None
    try:
        if a.period is not None:
            return parse_period(a.period, tz)
    except BadValue as e:
        raise InputError("--period", e.msg) from None
    if a.from_ is not None:
        if a.to is None:
            raise InputError("--to", "stats.err.from_to")
        start = when(ctx, "from", a.from_)
        end = when(ctx, "to", a.to)
        assert start is not None and end is not None
        try:
            return custom_period(start, end, tz)
        except BadValue as e:
            raise InputError("--to", e.msg) from None
    today = s.now().astimezone(tz).date()
    return calendar_period(PeriodKind.month, today.replace(day=1), tz)


def _limits(values: list[str] | None, option: str = "--limit") -> dict[str, int]:
    from watchdesk.models.incident import Grade
    from watchdesk.rules.rulepack import parse_duration

    out: dict[str, int] = {}
    for item in values or []:
        grade, sep, duration = item.partition("=")
        try:
            g = Grade(grade.strip().upper())
        except ValueError:
            raise InputError(option, "stats.err.limit", text=item) from None
        if not sep:
            raise InputError(option, "stats.err.limit", text=item)
        try:
            out[g.value] = int(parse_duration(duration).total_seconds())
        except BadValue as e:
            raise InputError(option, e.msg) from None
    return out


def _rules(ctx: Ctx, s: Store) -> SubordinateRules:
    from watchdesk.models.stats import SubordinateRules
    from watchdesk.rules.rulepack import parse_duration
    from watchdesk.store.stats import default_limits

    a = ctx.args
    conf = ctx.settings
    limits: dict[str, int] = {g.value: v for g, v in default_limits(s.pack).items()}
    # The desk's config first (stats_* settings), then the command's options.
    limits.update(_limits([f"{g}={v}" for g, v in conf.stats_limits.items()], "stats_limits"))
    limits.update(_limits(a.limit))
    given = a.missed_after if a.missed_after is not None else conf.stats_missed_after
    option = "--missed-after" if a.missed_after is not None else "stats_missed_after"
    try:
        missed_after = int(parse_duration(given).total_seconds())
    except BadValue as e:
        raise InputError(option, e.msg) from None
    return SubordinateRules.model_validate(
        {
            "limits_seconds": limits,
            "missed_after_seconds": missed_after,
            "late_points": conf.stats_late_points if a.late_points is None else a.late_points,
            "missed_points": (
                conf.stats_missed_points if a.missed_points is None else a.missed_points
            ),
        }
    )


def _points(text: str) -> float:
    import argparse
    import math

    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(t("stats.err.points", text=text)) from None
    if not math.isfinite(v) or abs(v) > 1000:
        raise argparse.ArgumentTypeError(t("stats.err.points", text=text))
    return v


# -- the command --------------------------------------------------------------------------------
def cmd_stats(ctx: Ctx) -> int:
    with ctx.store() as s:
        period = _period(ctx, s)
        rules = _rules(ctx, s)
        st = s.stats.compute(period, rules=rules)
        fmt = ctx.args.format
        if fmt:
            _write_report(ctx, s, st, rules, fmt)
        if ctx.args.json:
            emit(st.model_dump(mode="json"))
        elif not fmt:
            print(render(st, s.tz), end="")
    return EXIT_OK


# -- the monthly duty report (值班工作月报) as a file ------------------------------------------
FORMATS = ("pdf", "docx", "xlsx")


def _serial(text: str) -> int:
    import argparse

    try:
        n = int(text)
    except ValueError:
        n = 0
    if not 1 <= n <= 9999:
        raise argparse.ArgumentTypeError(t("monthly.cli.serial", text=text))
    return n


def _write_report(ctx: Ctx, s: Store, st: Stats, rules: SubordinateRules, fmt: str) -> None:
    """The report of `st` in `fmt` to -o FILE (mode 0600): the six periods up to this one for
    the charts, the desk's name and the optional 期号 in the header."""
    import sys

    from watchdesk.cli.base import write_output
    from watchdesk.i18n import language
    from watchdesk.report import monthly
    from watchdesk.report.written_paper import serial_text
    from watchdesk.text.period import shifted

    a = ctx.args
    if not a.output:
        raise InputError("--format", t("monthly.cli.needs_output", format=fmt.upper()))
    trend = [
        s.stats.compute(shifted(st.period, s.tz, back=b), rules=rules)
        for b in monthly.trend_periods()
    ]
    year = st.period.start.astimezone(s.tz).year
    doc = monthly.build(
        st,
        s.tz,
        trend=trend,
        desk_name=ctx.settings.desk_name,
        serial=serial_text(year, a.serial) if a.serial else "",
        lang=language(),
    )
    data: bytes
    if fmt == "pdf":
        from watchdesk.report.monthly_pdf import render_pdf

        data = render_pdf(doc, font_path=ctx.settings.pdf_font)
    elif fmt == "docx":
        from watchdesk.report.monthly_docx import render_docx

        data = render_docx(doc, font_path=ctx.settings.pdf_font)
    else:
        from watchdesk.files.stats_xlsx import workbook

        data = workbook(
            doc.tables(),
            title=doc.title,
            header=[doc.heading, doc.serial, doc.issuer, doc.date_text],
            summary=doc.summary,
        )
    write_output(a.output, data, "-o")
    print(t("monthly.cli.written", format=fmt.upper(), path=a.output), file=sys.stderr)


def register(commands: Commands) -> None:
    p = commands.add(
        "stats",
        cmd_stats,
        "timeliness and activity statistics for a period (default: this month, desk-local)",
    )
    which = p.add_mutually_exclusive_group()
    which.add_argument("--month", metavar="YYYY-MM", help="a month (2026-11)")
    which.add_argument(
        "--period",
        metavar="PERIOD",
        help="a day (2026-11-22), ISO week (2026-W47), month (2026-11), quarter (2026-Q4) "
        "or year (2026)",
    )
    which.add_argument("--from", dest="from_", metavar="TIME", help="start (with --to)")
    p.add_argument("--to", metavar="TIME", help="end, not included (with --from)")
    p.add_argument(
        "--limit",
        action="append",
        metavar="GRADE=DURATION",
        help="subordinates' limit from occurrence to receipt for a grade, e.g. III=1h "
        "(repeat; default: the rule pack's phone limit, else its written one)",
    )
    p.add_argument(
        "--missed-after",
        metavar="DURATION",
        help="a subordinate's report later than this counts as missed (漏报), default 24h",
    )
    p.add_argument(
        "--late-points", type=_points, help="points per late report (default: the config's, -1)"
    )
    p.add_argument(
        "--missed-points",
        type=_points,
        help="points per missed report (default: the config's, -3)",
    )
    p.add_argument(
        "--format",
        choices=FORMATS,
        help="write the monthly duty report (值班工作月报) as a PDF, .docx or .xlsx (with -o)",
    )
    p.add_argument("-o", "--output", metavar="FILE", help="the file --format writes (mode 0600)")
    p.add_argument(
        "--serial",
        type=_serial,
        metavar="N",
        help="the report's issue number, printed as 〔year〕第N期 (optional)",
    )
    json_flag(p)
    p.set_defaults(json=False)


# -- the tables ---------------------------------------------------------------------------------
def table(headers: list[str], rows: list[list[str]], right: set[int] | None = None) -> list[str]:
    """Columns as wide as their widest cell, in terminal cells (a Chinese character takes two);
    the columns in `right` right-aligned (numbers)."""
    from rich.cells import cell_len

    right = right or set()
    widths = [cell_len(h) for h in headers]
    for r in rows:
        widths = [max(w, cell_len(c)) for w, c in zip(widths, r)]

    def line(cells: list[str]) -> str:
        out = []
        for i, (c, w) in enumerate(zip(cells, widths)):
            pad = " " * (w - cell_len(c))
            out.append(pad + c if i in right else c + pad)
        return "  ".join(out).rstrip()

    rule = "  ".join("─" * w for w in widths)
    return [line(headers), rule, *(line(r) for r in rows)]


def _table(tb: Table, *, title: bool = False) -> list[str]:
    """A table of `report/stats_rows.py` as lines: numbers right-aligned, dates with the year."""
    return ([tb.title] if title else []) + table(tb.headers, tb.texts(long_dates=True), tb.right)


def render(st: Stats, tz: tzinfo) -> str:
    from watchdesk.report import stats_rows as rows

    out: list[str] = []
    p = st.period
    out.append(
        t(
            "stats.title",
            label=p.label,
            start=rows.hm(p.start, tz),
            end=rows.hm(p.end, tz),
            tz=st.timezone,
        )
    )
    out.append("")

    # 1. our own timeliness
    out += _table(rows.own_kinds(st), title=True)
    out.append("")
    if st.own.items:
        out += _table(rows.own_items(st, tz), title=True)
        out.append("")

    # 2. subordinates
    units = rows.units(st)
    out += [units.title, units.note]
    out += _table(units) if units.rows else [t("stats.none")]
    out.append("")

    # 3. what happened
    out.append(t("stats.what.title"))
    out += rows.happened_lines(st)
    out.append("")
    cats = rows.categories(st)
    if cats.rows:
        out += _table(cats)
        out.append("")
    out += _table(rows.months(st))
    out.append("")

    # 4. the desk itself
    out += [t("stats.desk.title"), rows.rollcall_line(st)]
    absent = rows.rollcall(st)
    if absent.rows:
        out += _table(absent)
        out.append("")
    out += [rows.checks_line(st), ""]
    hours = rows.hours(st)
    if hours.rows:
        out += _table(hours)
        out.append("")

    # 5. units dispatched and passed instructions (issue 16)
    tasks = rows.dispatch(st)
    out.append(tasks.title)
    if not tasks.rows:
        out.append(t("stats.none"))
    else:
        out += _table(tasks)
        out.append(tasks.note)
    out.append("")
    return "\n".join(out) + "\n"
