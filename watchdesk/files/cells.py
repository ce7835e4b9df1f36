"""Cells of the spreadsheets the desk writes and reads: text stays text.

**CSV.** A cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return is a formula to
Excel, WPS and LibreOffice (CSV injection, OWASP). Such a cell is written with a leading
apostrophe (`'=1+1 备用线路`), OWASP's recommendation: it is the character spreadsheet users know
as "this is text", it keeps the rest of the cell exactly as it was (a tab prefix would be eaten as
whitespace by some readers), and a program that opens the file shows the text instead of
evaluating it. On the way back in exactly that apostrophe is taken off again (`unescape`), so the
round trip keeps every character, a real leading `=` or `-` (an extension `-8021`) included.

So that taking it off is never wrong, a text that itself begins with an apostrophe followed by one
of those characters or by another apostrophe (`'=x`, `''`) gets one more apostrophe too, in CSV
and in .xlsx alike; any other apostrophe (`'abc`) is left alone both ways.

**.xlsx.** Strings are written as strings (`data_type = "s"`): openpyxl would otherwise store any
text beginning with `=` as a live formula. Dates and times are real date cells with number formats.
No textual here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time
from typing import Any

from watchdesk.errors import Msg
from watchdesk.models.directory import phone_problem

TRIGGERS = frozenset("=+-@\t\r")
DATE_FORMAT = "yyyy-mm-dd"
TIME_FORMAT = "hh:mm"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"


def _looks_escaped(text: str) -> bool:
    return len(text) >= 2 and text[0] == "'" and (text[1] in TRIGGERS or text[1] == "'")


def escape_csv(value: Any) -> Any:
    """A CSV cell as a spreadsheet program will not evaluate it (see the module)."""
    if isinstance(value, str) and value and (value[0] in TRIGGERS or _looks_escaped(value)):
        return "'" + value
    return value


def protect_xlsx(value: Any) -> Any:
    """An .xlsx string cell: only what `unescape` would take for an escape is protected."""
    if isinstance(value, str) and _looks_escaped(value):
        return "'" + value
    return value


def unescape(value: Any) -> Any:
    """Take off the apostrophe `escape_csv` / `protect_xlsx` added (a cell read back)."""
    if isinstance(value, str) and _looks_escaped(value):
        return value[1:]
    return value


def unescape_rows(table: Iterable[Sequence[Any]]) -> Iterable[list[Any]]:
    for row in table:
        yield [unescape(v) for v in row]


def csv_rows(rows: Iterable[Sequence[Any]]) -> list[list[Any]]:
    return [[escape_csv(v) for v in row] for row in rows]


def put(ws: Any, row: int, col: int, value: Any, number_format: str | None = None) -> Any:
    """Write one cell: text as text (never a formula), dates and numbers as themselves."""
    cell = ws.cell(row=row, column=col)
    if value is None or value == "":
        return cell
    if isinstance(value, str):
        cell.value = protect_xlsx(value)
        cell.data_type = "s"  # after the value: openpyxl guesses "f" for a leading "="
        cell.number_format = "@"
    else:
        cell.value = value
        if number_format:
            cell.number_format = number_format
        elif isinstance(value, datetime):
            cell.number_format = DATETIME_FORMAT
        elif isinstance(value, date):
            cell.number_format = DATE_FORMAT
        elif isinstance(value, time):
            cell.number_format = TIME_FORMAT
    return cell


def write_sheet(
    ws: Any,
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    widths: Sequence[int] | None = None,
) -> None:
    """A header row in bold, frozen, then the rows (`put`), and column widths from the content
    (the width of Chinese counted double) unless given."""
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from rich.cells import cell_len

    bold = Font(bold=True)
    seen = [cell_len(str(h)) for h in header]
    for c, h in enumerate(header, start=1):
        put(ws, 1, c, h).font = bold
    for r, values in enumerate(rows, start=2):
        for c, v in enumerate(values, start=1):
            put(ws, r, c, v)
            if c > len(seen):
                seen.append(0)
            seen[c - 1] = max(seen[c - 1], _shown_width(v))
    for i, w in enumerate(widths or seen, start=1):
        ws.column_dimensions[get_column_letter(i)].width = min(w, 60) + 2
    ws.freeze_panes = "A2"


def _shown_width(v: Any) -> int:
    from rich.cells import cell_len

    if isinstance(v, datetime):
        return 16
    if isinstance(v, date):
        return 10
    if isinstance(v, time):
        return 5
    return max((cell_len(line) for line in str(v).splitlines()), default=0)


def cell_text(v: Any) -> str:
    """A cell read back as text: a whole number typed into a number cell without its ".0"."""
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


_SCIENTIFIC = re.compile(r"^\s*\d+(?:\.\d+)?[eE][+-]?\d+\s*$")


def phone_msg(value: str) -> Msg | None:
    """Why `value` is not a phone number, saying so when Excel turned it into a number in
    scientific notation (1.39073E+10: the digits after the sixth are lost)."""
    if _SCIENTIFIC.match(value or ""):
        return Msg("files.phone_scientific", value=value.strip())
    p = phone_problem(value)
    if p is not None:
        return Msg("err.file.value_problem", value=repr(value), problem=p)
    return None
