"""The statistics as an .xlsx workbook (openpyxl, issue 15): a first sheet with the report's header
and summary, then one sheet per table of the monthly duty report (`watchdesk.report.monthly`,
handed over by the caller: files and report are separate rooms, so the tables come in by their
shape, `TableLike`).

Cells keep what they are: counts are numbers (format `0`), rates numbers in a percent format,
durations Excel durations (`[h]:mm`), times real date-times in the desk's local time (a workbook
has no zones), texts always text (`cells.put`: a unit named "=x" never becomes a formula). The
header row is bold and frozen, columns are as wide as their content (Chinese counted double),
and a table that has a chart gets a native one (bars, stacked bars, a line, ranked bars) beside
it, which Excel, WPS and LibreOffice draw themselves.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, Protocol

from watchdesk.files.cells import DATETIME_FORMAT, put

FORMATS = {
    "count": "0",
    "rate": "0.0%",
    "change": "+0.0%;-0.0%;0.0%",
    "seconds": "[h]:mm",
    "datetime": DATETIME_FORMAT,
    "number": "0.0",
}
_BAD_SHEET = re.compile(r"[\[\]:*?/\\]")
FIXED = datetime(2000, 1, 1)


class ColumnLike(Protocol):
    @property
    def title(self) -> str: ...
    @property
    def kind(self) -> str: ...  # text count rate change seconds datetime number


class ChartLike(Protocol):
    @property
    def kind(self) -> str: ...  # bar stacked line barh
    @property
    def title(self) -> str: ...
    @property
    def category(self) -> int: ...
    @property
    def values(self) -> tuple[int, ...]: ...


class TableLike(Protocol):
    @property
    def title(self) -> str: ...
    @property
    def columns(self) -> Sequence[ColumnLike]: ...
    @property
    def rows(self) -> Sequence[Sequence[Any]]: ...
    @property
    def chart(self) -> ChartLike | None: ...
    @property
    def note(self) -> str: ...


def _value(v: Any, kind: str) -> Any:
    if v is None:
        return None
    if kind == "seconds":
        return timedelta(seconds=int(round(v)))
    return v


def _width(v: Any, kind: str) -> int:
    from rich.cells import cell_len

    if v is None:
        return 1
    if kind == "datetime":
        return 16
    if kind in ("rate", "change"):
        return 7
    if kind == "seconds":
        return 7
    return max((cell_len(line) for line in str(v).splitlines()), default=0)


def sheet_name(title: str, taken: set[str]) -> str:
    """A sheet's name from a table's title: no [ ] : * ? / \\, at most 31 characters, unique."""
    base = _BAD_SHEET.sub(" ", title).strip()[:31] or "Sheet"
    name, n = base, 2
    while name.lower() in taken:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(name.lower())
    return name


def _chart(ws: Any, table: TableLike, chart: ChartLike) -> None:
    from openpyxl.chart import BarChart, LineChart, Reference

    n = len(table.rows)
    c: Any
    if chart.kind == "line":
        c = LineChart()
        c.y_axis.number_format = "0%"
        c.y_axis.scaling.min = 0
        c.y_axis.scaling.max = 1
    else:
        c = BarChart()
        c.type = "bar" if chart.kind == "barh" else "col"
        if chart.kind in ("stacked", "barh"):
            c.grouping = "stacked"
            c.overlap = 100
        if chart.kind == "barh":
            c.x_axis.scaling.orientation = "maxMin"  # the worst, the first row, at the top
        c.y_axis.majorUnit = 1 if n <= 10 else None
    c.title = chart.title
    c.style = 10
    c.height, c.width = 7.5, max(14.0, 1.6 * n + 6)
    c.x_axis.delete = False  # openpyxl hides the axes otherwise (Excel honours it)
    c.y_axis.delete = False
    for col in chart.values:
        data = Reference(ws, min_col=col + 1, min_row=1, max_row=n + 1)
        c.add_data(data, titles_from_data=True)
    cats = Reference(ws, min_col=chart.category + 1, min_row=2, max_row=n + 1)
    c.set_categories(cats)
    from openpyxl.utils import get_column_letter

    ws.add_chart(c, f"{get_column_letter(len(table.columns) + 2)}2")


def _table_sheet(ws: Any, table: TableLike) -> None:
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter
    from rich.cells import cell_len

    bold = Font(bold=True)
    widths = [cell_len(c.title) for c in table.columns]
    for c, col in enumerate(table.columns, start=1):
        cell = put(ws, 1, c, col.title)
        cell.font = bold
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=False)
    for r, row in enumerate(table.rows, start=2):
        for c, (v, col) in enumerate(zip(row, table.columns), start=1):
            value = _value(v, col.kind)
            if isinstance(value, str):
                put(ws, r, c, value)
            elif value is not None:
                put(ws, r, c, value, FORMATS.get(col.kind))
            widths[c - 1] = max(widths[c - 1], _width(v, col.kind))
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = min(w, 60) + 2
    ws.freeze_panes = "A2"
    if table.note:
        put(ws, len(table.rows) + 3, 1, table.note)
    if table.chart is not None and table.rows:
        _chart(ws, table, table.chart)


def workbook(
    tables: Sequence[TableLike], *, title: str, header: Sequence[str], summary: Sequence[str]
) -> bytes:
    """The workbook's bytes: a sheet `title` with the `header` lines (desk, period, date) and
    the `summary` paragraphs, then a sheet per table."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    first = wb.active
    assert first is not None
    taken: set[str] = set()
    first.title = sheet_name(title, taken)
    put(first, 1, 1, title).font = Font(bold=True, size=14)
    row = 2
    for line in header:
        if line:
            put(first, row, 1, line)
            row += 1
    row += 1
    for p in summary:
        cell = put(first, row, 1, p)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        first.row_dimensions[row].height = 15 * (1 + len(p) // 45)
        row += 1
    first.column_dimensions["A"].width = 100
    for table in tables:
        _table_sheet(wb.create_sheet(sheet_name(table.title, taken)), table)
    props = wb.properties
    props.title = title
    props.creator = props.lastModifiedBy = "watchdesk"
    props.created = props.modified = FIXED
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
