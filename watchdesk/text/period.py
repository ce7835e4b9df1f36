"""Periods a user names for statistics, in the desk's local time: a day (`2026-11-22`), an ISO
week (`2026-W47`), a month (`2026-11`), a quarter (`2026-Q4`), a year (`2026`), or from–to.

A period is [start, end): a month starts at local midnight on its 1st, so an incident received at
00:30 Beijing time on the 1st (16:30 UTC the day before) belongs to it. `shifted` gives the period
a year earlier (同比) and the one before (环比). Pure: nothing here reads the clock.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, tzinfo

from watchdesk.errors import BadValue
from watchdesk.models.stats import Period, PeriodKind

_MONTH = re.compile(r"(\d{4})[-/.年](\d{1,2})月?")
_WEEK = re.compile(r"(\d{4})-?[Ww](\d{1,2})")
_QUARTER = re.compile(r"(\d{4})-?[Qq]([1-4])")
_YEAR = re.compile(r"(\d{4})年?")
FIRST_YEAR, LAST_YEAR = 1970, 9998


def midnight(d: date, tz: tzinfo) -> datetime:
    """Local midnight of `d` in `tz`, as an aware instant."""
    return datetime.combine(d, time(0), tzinfo=tz)


def _year(text: str, y: int) -> int:
    if not FIRST_YEAR <= y <= LAST_YEAR:
        raise BadValue("stats.err.year", text=text, first=FIRST_YEAR, last=LAST_YEAR)
    return y


def _add_months(d: date, n: int) -> date:
    m = d.month - 1 + n
    return date(d.year + m // 12, m % 12 + 1, 1)


def _days(kind: PeriodKind, first: date, tz: tzinfo, label: str) -> Period:
    if kind == PeriodKind.day:
        last = first + timedelta(days=1)
    elif kind == PeriodKind.week:
        last = first + timedelta(days=7)
    elif kind == PeriodKind.month:
        last = _add_months(first, 1)
    elif kind == PeriodKind.quarter:
        last = _add_months(first, 3)
    else:
        last = date(first.year + 1, 1, 1)
    return Period(kind=kind, start=midnight(first, tz), end=midnight(last, tz), label=label)


def _label(kind: PeriodKind, first: date) -> str:
    if kind == PeriodKind.day:
        return first.isoformat()
    if kind == PeriodKind.week:
        y, w, _ = first.isocalendar()
        return f"{y}-W{w:02d}"
    if kind == PeriodKind.month:
        return f"{first.year}-{first.month:02d}"
    if kind == PeriodKind.quarter:
        return f"{first.year}-Q{(first.month - 1) // 3 + 1}"
    return str(first.year)


def calendar_period(kind: PeriodKind, first: date, tz: tzinfo) -> Period:
    """The day / week / month / quarter / year that starts on `first`."""
    return _days(kind, first, tz, _label(kind, first))


def parse_period(text: str, tz: tzinfo) -> Period:
    """`2026-11-22`, `2026-W47`, `2026-11`, `2026-Q4`, `2026` (also `2026年11月`, `2026/11`)."""
    shown = (text or "").strip()
    if m := _WEEK.fullmatch(shown):
        y, w = _year(shown, int(m[1])), int(m[2])
        try:
            first = date.fromisocalendar(y, w, 1)
        except ValueError:
            raise BadValue("stats.err.week", text=shown) from None
        return calendar_period(PeriodKind.week, first, tz)
    if m := _QUARTER.fullmatch(shown):
        y, q = _year(shown, int(m[1])), int(m[2])
        return calendar_period(PeriodKind.quarter, date(y, 3 * q - 2, 1), tz)
    if m := _MONTH.fullmatch(shown):
        y, mo = _year(shown, int(m[1])), int(m[2])
        if not 1 <= mo <= 12:
            raise BadValue("stats.err.month", text=shown)
        return calendar_period(PeriodKind.month, date(y, mo, 1), tz)
    if m := _YEAR.fullmatch(shown):
        return calendar_period(PeriodKind.year, date(_year(shown, int(m[1])), 1, 1), tz)
    from watchdesk.text.timefmt import parse_date

    try:
        d = parse_date(shown)
    except ValueError:
        raise BadValue("stats.err.period", text=shown) from None
    _year(shown, d.year)
    return calendar_period(PeriodKind.day, d, tz)


def parse_month(text: str, tz: tzinfo) -> Period:
    """A month only (`2026-11`, `2026年11月`)."""
    shown = (text or "").strip()
    m = _MONTH.fullmatch(shown)
    if not m:
        raise BadValue("stats.err.month", text=shown)
    y, mo = _year(shown, int(m[1])), int(m[2])
    if not 1 <= mo <= 12:
        raise BadValue("stats.err.month", text=shown)
    return calendar_period(PeriodKind.month, date(y, mo, 1), tz)


def custom_period(start: datetime, end: datetime, tz: tzinfo) -> Period:
    """From `start` up to `end` (not included)."""
    if end <= start:
        raise BadValue("stats.err.order")
    a, b = start.astimezone(tz), end.astimezone(tz)
    fmt = "%Y-%m-%d" if a.time() == b.time() == time(0) else "%Y-%m-%d %H:%M"
    return Period(
        kind=PeriodKind.custom,
        start=start,
        end=end,
        label=f"{a.strftime(fmt)} – {b.strftime(fmt)}",
    )


def shifted(p: Period, tz: tzinfo, *, years: int = 0, back: int = 0) -> Period:
    """The period `years` years earlier (同比: years=1), or `back` periods earlier (环比: back=1:
    the previous calendar unit, or for from–to the same length right before)."""
    if p.kind == PeriodKind.custom:
        if years:
            a, b = p.start.astimezone(tz), p.end.astimezone(tz)
            return custom_period(_minus_years(a, years), _minus_years(b, years), tz)
        span = p.end - p.start
        return custom_period(p.start - span * back, p.end - span * back, tz)
    first = p.start.astimezone(tz).date()
    if years:
        if p.kind == PeriodKind.week:
            y, w, _ = first.isocalendar()
            try:
                first = date.fromisocalendar(y - years, w, 1)
            except ValueError:  # week 53 in a year that has 52
                first = date.fromisocalendar(y - years, 52, 1)
        else:
            first = _minus_years_date(first, years)
    if back:
        if p.kind == PeriodKind.day:
            first -= timedelta(days=back)
        elif p.kind == PeriodKind.week:
            first -= timedelta(days=7 * back)
        elif p.kind == PeriodKind.month:
            first = _add_months(first, -back)
        elif p.kind == PeriodKind.quarter:
            first = _add_months(first, -3 * back)
        else:
            first = date(first.year - back, 1, 1)
    return calendar_period(p.kind, first, tz)


def _minus_years_date(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year - years)
    except ValueError:  # 29 February
        return d.replace(year=d.year - years, day=28)


def _minus_years(dt: datetime, years: int) -> datetime:
    return datetime.combine(_minus_years_date(dt.date(), years), dt.timetz())


def months(p: Period, tz: tzinfo) -> list[tuple[str, datetime, datetime]]:
    """Every local month the period touches: (YYYY-MM, start, end), each cut to the period."""
    out = []
    first = p.start.astimezone(tz).date().replace(day=1)
    while True:
        a = midnight(first, tz)
        if a >= p.end:
            break
        nxt = _add_months(first, 1)
        b = midnight(nxt, tz)
        out.append((f"{first.year}-{first.month:02d}", max(a, p.start), min(b, p.end)))
        first = nxt
    return out
