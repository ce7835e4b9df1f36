"""Hours on duty (`roster hours`) as a file: CSV (UTF-8 with a BOM) or .xlsx, a row per person —
name, shifts, hours, rest-day, holiday and night hours, then the hours in each role — numbers as
numbers, so a spreadsheet adds them up. No textual here.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from watchdesk.files.cells import csv_rows, write_sheet
from watchdesk.files.roster import ROLE_OUT
from watchdesk.i18n import t
from watchdesk.models.roster import HoursRow, Role

FORMATS = ("csv", "xlsx", "json")
ROLES = (Role.leader, Role.chief, Role.officer, Role.standby)


def table(people: Sequence[HoursRow], lang: str = "zh") -> tuple[list[str], list[list[Any]]]:
    roles = [r for r in ROLES if any(p.by_role.get(r) for p in people)]
    names = ROLE_OUT.get(lang, ROLE_OUT["zh"])
    header = [
        t("files.hours.name"),
        t("files.hours.shifts"),
        t("files.hours.hours"),
        t("files.hours.rest_day"),
        t("files.hours.holiday"),
        t("files.hours.night"),
    ] + [t("files.hours.role", role=names[r]) for r in roles]
    rows: list[list[Any]] = []
    for p in people:
        rows.append(
            [
                p.name,
                p.shifts,
                round(p.hours, 2),
                round(p.rest_day_hours, 2),
                round(p.holiday_hours, 2),
                round(p.night_hours, 2),
            ]
            + [round(p.by_role.get(r, 0.0), 2) for r in roles]
        )
    return header, rows


def _number(v: Any) -> Any:
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


def write_csv(people: Sequence[HoursRow], lang: str = "zh") -> bytes:
    header, rows = table(people, lang)
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(header)
    w.writerows(csv_rows([[_number(v) for v in r] for r in rows]))
    return buf.getvalue().encode("utf-8-sig")


def write_xlsx(people: Sequence[HoursRow], lang: str = "zh") -> bytes:
    from openpyxl import Workbook

    header, rows = table(people, lang)
    wb = Workbook()
    ws = wb.active
    ws.title = t("files.hours.sheet")[:31]
    write_sheet(ws, header, rows)
    for row in ws.iter_rows(min_row=2, min_col=3):
        for c in row:
            c.number_format = "0.0#"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
