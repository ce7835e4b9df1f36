"""The wall chart (值班挂图): a month of the roster as the date × role grid offices pin up — a row per
day (a row per shift where a day has several), a column per role, the names of a cell joined by
、 — as .xlsx here, and as an A4 landscape PDF by `watchdesk.report.wallchart` from the same grid.

The grid's header is the office layout the roster import reads (日期 and a column per role), and
its dates are date cells. A part of a shift someone stands in for goes in the 备注 column
("郑浩然 代 王建国 14:00–18:00"). No textual here.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from typing import Any

from watchdesk.files.cells import write_sheet
from watchdesk.files.roster import ROLE_OUT, slot_label, substitute_of
from watchdesk.i18n import t
from watchdesk.models.roster import Role, RosterRow

ROLE_ORDER = (Role.leader, Role.chief, Role.officer, Role.standby)
MONTH_NAMES = (
    "January February March April May June July August September October November December"
).split()


@dataclass
class WallChart:
    title: str
    sheet: str
    header: list[str]
    rows: list[list[Any]]  # the first cell of each is its date (a `date`)
    rest: set[int] = field(default_factory=set)  # indexes of rows on rest days (shaded)

    def text_rows(self) -> list[list[str]]:
        """The rows as printed: the date as 12月1日 (1/12 in English)."""
        out = []
        for r in self.rows:
            d: date = r[0]
            out.append(
                [t("files.chart.date_fmt", month=d.month, day=d.day)] + [str(c) for c in r[1:]]
            )
        return out


def month_span(year: int, month: int, tz: tzinfo) -> tuple[datetime, datetime]:
    """The month as [first day 00:00, first day of the next month 00:00) in the desk's zone."""
    first = date(year, month, 1)
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    return (
        datetime.combine(first, datetime.min.time(), tzinfo=tz),
        datetime.combine(nxt, datetime.min.time(), tzinfo=tz),
    )


def _weekday(d: date) -> str:
    names = t("files.chart.weekdays")
    days = names.split() if " " in names else list(names)
    return t("files.chart.weekday_fmt", day=days[d.weekday()])


def build(
    rows: Sequence[RosterRow],
    year: int,
    month: int,
    tz: tzinfo,
    *,
    lang: str = "zh",
    desk: str = "",
    rest_days: Iterable[date] = (),
) -> WallChart:
    """The month's grid from the rows `RosterRepo.export_rows` gives for it. `rest_days`:
    weekends and holidays (shaded on paper)."""
    roles_out = ROLE_OUT.get(lang, ROLE_OUT["zh"])
    first, nxt = month_span(year, month, tz)
    whole = [r for r in rows if substitute_of(r.note) is None]
    spans: dict[tuple[datetime, datetime], dict[str, Any]] = {}
    for r in sorted(whole, key=lambda r: (r.starts_at, r.ends_at)):
        sp = spans.setdefault(
            (r.starts_at, r.ends_at),
            {"label": r.label, "names": {role: [] for role in ROLE_ORDER}, "notes": []},
        )
        if r.name not in sp["names"][r.role]:
            sp["names"][r.role].append(r.name)
        if r.note and r.note not in sp["notes"]:
            sp["notes"].append(r.note)
    for r in rows:
        whom = substitute_of(r.note)
        if whom is None:
            continue
        around = [k for k in spans if k[0] <= r.starts_at and r.ends_at <= k[1]]
        hours = f"{r.starts_at.astimezone(tz):%H:%M}–{r.ends_at.astimezone(tz):%H:%M}"
        text = t("files.chart.stands_in", name=r.name, whom=whom, hours=hours)
        if around:
            spans[max(around)]["notes"].append(text)
        else:  # its shift is outside the month's rows: a span of its own
            spans.setdefault(
                (r.starts_at, r.ends_at),
                {"label": r.label, "names": {role: [] for role in ROLE_ORDER}, "notes": [text]},
            )
    used = [
        role
        for role in ROLE_ORDER
        if role in (Role.leader, Role.officer) or any(sp["names"][role] for sp in spans.values())
    ]
    by_day: dict[date, list[tuple[tuple[datetime, datetime], dict[str, Any]]]] = {}
    for k, sp in sorted(spans.items()):
        by_day.setdefault(k[0].astimezone(tz).date(), []).append((k, sp))
    labels = {sp["label"] for sp in spans.values()}
    with_shift = len(labels) > 1 or any(len(v) > 1 for v in by_day.values())
    header = [t("files.chart.date"), t("files.chart.weekday")]
    if with_shift:
        header.append(t("files.chart.shift"))
    header += [roles_out[role] for role in used] + [t("files.chart.note")]
    rest = set(rest_days)
    out: list[list[Any]] = []
    rest_rows: set[int] = set()
    d = first.date()
    while d < nxt.date():
        day_spans: list[dict[str, Any] | None] = [x for _, x in by_day.get(d, [])] or [None]
        for cell in day_spans:
            row: list[Any] = [d, _weekday(d)]
            if with_shift:
                row.append(slot_label(cell["label"], lang) if cell else "")
            for role in used:
                row.append("、".join(cell["names"][role]) if cell else "")
            row.append("；".join(cell["notes"]) if cell else "")
            if d in rest:
                rest_rows.add(len(out))
            out.append(row)
        d += timedelta(days=1)
    month_name = MONTH_NAMES[month - 1]
    title = t("files.chart.title", desk=desk, year=year, month=month, month_name=month_name)
    sheet = t("files.chart.sheet", year=year, month=month)
    return WallChart(title=title.strip(), sheet=sheet, header=header, rows=out, rest=rest_rows)


def write_xlsx(chart: WallChart) -> bytes:
    """The grid as a workbook: a bold frozen header, date cells, rest days shaded, set up to print
    on A4 landscape, one page wide, the title in the page header."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, PatternFill
    from openpyxl.worksheet.page import PageMargins

    wb = Workbook()
    ws = wb.active
    ws.title = chart.sheet[:31]
    write_sheet(ws, chart.header, chart.rows)
    shade = PatternFill("solid", fgColor="EEEEEE")
    wrap = Alignment(wrap_text=True, vertical="top")
    for i, _ in enumerate(chart.rows):
        for c in ws[i + 2]:
            c.alignment = wrap
            if i in chart.rest:
                c.fill = shade
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"
    ws.page_margins = PageMargins(left=0.4, right=0.4, top=0.6, bottom=0.5)
    ws.oddHeader.center.text = chart.title
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
