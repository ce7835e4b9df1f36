"""Roster files: CSV (UTF-8 with a BOM, so Excel and WPS show the Chinese; GB18030 accepted on the
way in, as WPS saves it), .xlsx (openpyxl) and iCalendar (icalendar) for phones and calendar apps.

Two layouts are read, told apart by the header:

- one row per assignment: date, start, end, shift label, role, name, phone, note (what
  `write_rows` writes);
- the office's layout: one row per day (or per shift), one column per role (带班领导 / 值班长 /
  值班员 / 备勤, or leader / chief / officer / standby), several names in a cell separated by
  、 ， , / or spaces; 日期 as 2026-12-01, 2026/12/1, 2026年12月1日, 12月1日 (the year from the
  file's other dates, else the one nearest today) or an Excel date. A day's shift is the desk's
  pattern (`slots`): its one shift, or the one a 班次 column names; 开始 / 结束 columns override.

Reading checks every row and returns every problem by row number; the store writes nothing unless
all are good, and adds no one it does not know unless asked (`RosterRepo.unknown_names` lists
them). Files written are mode 0600 (`write_file`). No textual here.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import statistics
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from pathlib import Path
from typing import Any

from watchdesk.errors import BadValue, Msg, msg_of, os_msg
from watchdesk.files.cells import cell_text, csv_rows, phone_msg, unescape_rows, write_sheet
from watchdesk.files.output import write_private
from watchdesk.i18n import t, using
from watchdesk.models.base import RowProblem
from watchdesk.models.roster import DEFAULT_PATTERNS, Role, RosterRow, ShiftSlot
from watchdesk.text.timefmt import parse_date

FIELDS = ("date", "start", "end", "label", "role", "name", "phone", "note")
HEADERS = {
    "zh": ("日期", "开始", "结束", "班次", "角色", "姓名", "电话", "备注"),
    "en": ("date", "start", "end", "shift", "role", "name", "phone", "note"),
}
_HEADER_ALIASES = {h.lower(): f for lang in HEADERS.values() for h, f in zip(lang, FIELDS)}
_HEADER_ALIASES.update(
    {
        "label": "label",
        "开始时间": "start",
        "结束时间": "end",
        "岗位": "role",
        "值班人员": "name",
        "联系电话": "phone",
        "手机": "phone",
    }
)
REQUIRED = ("date", "start", "end", "role", "name")

ROLE_NAMES = {
    Role.leader: ("带班领导", "值班领导", "带班", "领导", "leader on duty"),
    Role.chief: ("值班长", "duty chief", "chief"),
    Role.officer: ("值班员", "值班人员", "duty officer", "officer"),
    Role.standby: ("备勤", "备班", "standby"),
}
_ROLE_ALIASES = {n.lower(): r for r, names in ROLE_NAMES.items() for n in names}
_ROLE_ALIASES.update({r.value: r for r in Role})
ROLE_OUT = {
    "zh": {r: names[0] for r, names in ROLE_NAMES.items()},
    "en": {
        Role.leader: "leader",
        Role.chief: "chief",
        Role.officer: "officer",
        Role.standby: "standby",
    },
}

FORMATS = ("csv", "xlsx", "ics")

# The shift labels of the built-in patterns (`DEFAULT_PATTERNS`): written in the UI language
# (files.slot.*), read back in either language as the label the desk keeps.
SLOT_KEYS = ("24h", "day", "night")
_SLOT_ALIASES = {
    "24h": "24h",
    "24小时": "24h",
    "24小时班": "24h",
    "全天": "24h",
    "day": "day",
    "白班": "day",
    "日班": "day",
    "night": "night",
    "夜班": "night",
}


def slot_label(label: str, lang: str | None = None) -> str:
    """A shift's label as the user reads it: 白班 / 夜班 / 24小时班 in Chinese (in `lang`, else
    the UI language)."""
    if label not in SLOT_KEYS:
        return label
    if lang is None:
        return t(f"files.slot.{label}")
    with using(lang):
        return t(f"files.slot.{label}")


def slot_of(text: str) -> str:
    """The label the desk keeps for a label read from a file (白班 -> day)."""
    return _SLOT_ALIASES.get(text.strip().lower(), text.strip())


# A part of a shift someone stands in for (代班 / 替班) is a row of its own, inside the shift's
# time, whose note names whom it stands in for: "代 郑浩然 14:00–18:00" as the store writes it
# (`RosterRepo.substitute`), or just "代 郑浩然". Import reads it back (`substitute_of`), so a
# roster exported after a part-shift substitute imports again as it was.
_SUBSTITUTE_NOTE = re.compile(r"^\s*代\s*(?P<name>.+?)(?=\s+\d{1,2}[:：]\d{2}|\s*$)")


def substitute_of(note: str) -> str | None:
    """The name a row's note says it stands in for ("代 NAME …"), or None."""
    m = _SUBSTITUTE_NOTE.match(note or "")
    if m is None:
        return None
    name = m["name"].strip()
    return name or None


class RosterFileError(BadValue):
    """The file as a whole cannot be read (not the format, no header...)."""


def format_of(path: str | Path, explicit: str | None = None) -> str:
    fmt = (explicit or Path(path).suffix.lstrip(".")).lower()
    if fmt in ("ical", "ifb", "icalendar"):
        fmt = "ics"
    if fmt not in FORMATS:
        raise RosterFileError("err.file.roster_format", path=path, fmt=repr(fmt or "(none)"))
    return fmt


# -- parsing cells -----------------------------------------------------------------------------
def _date(v: Any) -> date:
    if isinstance(v, datetime):
        return v.date()
    if isinstance(v, date):
        return v
    return parse_date(str(v))


def _whole_second(v: time | datetime) -> Any:
    """A time read from a spreadsheet's fraction of a day, without its float noise."""
    if not v.microsecond:
        return v
    if isinstance(v, datetime):
        return (v + timedelta(microseconds=500_000)).replace(microsecond=0)
    whole = datetime.combine(date(2000, 1, 1), v) + timedelta(microseconds=500_000)
    return whole.time().replace(microsecond=0)


_CLOCK_12H = re.compile(
    r"^(?:(?P<pre>上午|下午)\s*)?(?P<h>\d{1,2}):(?P<m>\d{2})(?::(?P<s>\d{2}))?"
    r"\s*(?P<post>AM|PM|am|pm)?$"
)


def _time(v: Any) -> time | datetime:
    """A time of day, or a full local date and time (for shifts longer than a day)."""
    if isinstance(v, datetime | time):
        return _whole_second(v)
    text = str(v).strip().replace("：", ":")
    m = _CLOCK_12H.match(text)
    if m and (m["pre"] or m["post"]):  # 08:30:00 AM (LibreOffice in English); 下午 2:00
        hh = int(m["h"]) % 12 + (12 if (m["pre"] or m["post"]).upper() in ("PM", "下午") else 0)
        try:
            return time(hh, int(m["m"]), int(m["s"] or 0))
        except ValueError:
            raise BadValue("err.file.not_hhmm", text=repr(text)) from None
    if " " in text or "T" in text:
        try:
            return datetime.fromisoformat(text.replace("/", "-"))
        except ValueError:
            raise BadValue("err.file.not_datetime", text=repr(text)) from None
    try:
        if text in ("24:00", "24:00:00"):
            return time(0)
        return time.fromisoformat(text if len(text) != 4 else "0" + text)
    except ValueError:
        raise BadValue("err.file.not_hhmm", text=repr(text)) from None


def parse_role(v: Any) -> Role:
    text = str(v or "").strip()
    role = _ROLE_ALIASES.get(text.lower())
    if role is None:
        raise BadValue("err.file.role", text=repr(text))
    return role


def _aware(v: time | datetime, day: date, tz: tzinfo) -> datetime:
    if isinstance(v, datetime):
        return v.replace(tzinfo=tz) if v.tzinfo is None else v
    return datetime.combine(day, v, tzinfo=tz)


def rows_from_records(
    records: Iterable[tuple[int, dict[str, Any]]], tz: tzinfo
) -> tuple[list[RosterRow], list[RowProblem]]:
    """Turn (row number, {field: value}) into rows, collecting every error."""
    rows: list[RosterRow] = []
    errors: list[RowProblem] = []
    for n, rec in records:
        bad = False

        def err(field: str, problem: str | Msg, n: int = n) -> None:
            nonlocal bad
            bad = True
            errors.append(RowProblem(row=n, field=field, problem=str(problem)))

        for f in REQUIRED:
            if rec.get(f) is None or str(rec.get(f)).strip() == "":
                err(f, Msg("err.file.empty_cell"))
        if bad:
            continue
        parsed: dict[str, Any] = {}
        for f, parse in (("date", _date), ("start", _time), ("end", _time), ("role", parse_role)):
            try:
                parsed[f] = parse(rec[f])
            except ValueError as x:
                err(f, msg_of(x))
        day, start, end, role = (parsed.get(f) for f in ("date", "start", "end", "role"))
        name = str(rec["name"]).strip()
        if len(name) > 40:
            err("name", Msg("err.file.longer", n=40))
        if bad or day is None or start is None or end is None or role is None:
            continue
        begins = _aware(start, day, tz)
        ends = _aware(end, day, tz)
        if isinstance(end, time) and ends <= begins:
            ends += timedelta(days=1)  # 20:00–08:00, 08:30–08:30: ends the next day
        phone = cell_text(rec.get("phone")).strip()
        problem = phone_msg(phone)
        if problem is not None:
            err("phone", problem)
            continue
        rows.append(
            RosterRow(
                row=n,
                starts_at=begins,
                ends_at=ends,
                label=slot_of(str(rec.get("label") or "")),
                role=role,
                name=name,
                phone=phone,
                note=str(rec.get("note") or "").strip(),
                note_given="note" in rec,
            )
        )
    return rows, errors


def _header_map(header: Sequence[Any]) -> dict[int, str]:
    out: dict[int, str] = {}
    for i, h in enumerate(header):
        key = str(h or "").strip().lstrip("\ufeff").lower()
        if key in _HEADER_ALIASES:
            out[i] = _HEADER_ALIASES[key]
    missing = [f for f in REQUIRED if f not in out.values()]
    if missing:
        raise RosterFileError(
            "err.file.roster_header",
            missing=", ".join(missing),
            zh=",".join(HEADERS["zh"]),
            en=",".join(HEADERS["en"]),
        )
    return out


def _records(
    header: Sequence[Any], body: Iterable[Sequence[Any]]
) -> list[tuple[int, dict[str, Any]]]:
    cols = _header_map(header)
    out = []
    for n, values in enumerate(body, start=2):
        if _blank(values):
            continue  # blank lines are not rows
        out.append((n, {f: values[i] if i < len(values) else None for i, f in cols.items()}))
    return out


def _blank(values: Sequence[Any]) -> bool:
    return not any(str(v).strip() for v in values if v is not None)


def read_table(
    table: Iterable[Sequence[Any]],
    tz: tzinfo,
    *,
    slots: Sequence[ShiftSlot] | None = None,
    today: date | None = None,
) -> tuple[list[RosterRow], list[RowProblem]]:
    """Rows of either layout (told apart by the header row), every problem by row number.
    `slots`: the desk's shift pattern, for the office layout (default: 24 hours from 08:30);
    `today`: for a date without a year when the file has no full date (default: today)."""
    it = iter(table)
    try:
        header = next(it)
    except StopIteration:
        raise RosterFileError("err.file.empty") from None
    if is_by_day(header):
        return read_by_day(header, it, tz, slots=slots, today=today)
    return rows_from_records(_records(header, it), tz)


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return data.decode("gb18030")
        except UnicodeDecodeError:
            raise RosterFileError("err.file.encoding") from None


def read_csv(
    data: bytes,
    tz: tzinfo,
    *,
    slots: Sequence[ShiftSlot] | None = None,
    today: date | None = None,
) -> tuple[list[RosterRow], list[RowProblem]]:
    table = csv.reader(io.StringIO(_decode(data), newline=""))
    return read_table(unescape_rows(table), tz, slots=slots, today=today)


def read_xlsx(
    data: bytes,
    tz: tzinfo,
    *,
    slots: Sequence[ShiftSlot] | None = None,
    today: date | None = None,
) -> tuple[list[RosterRow], list[RowProblem]]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises many kinds for a file that is not a workbook
        raise RosterFileError("err.file.not_xlsx", kind=type(e).__name__) from None
    ws = wb.worksheets[0]
    table = unescape_rows(ws.iter_rows(values_only=True))
    return read_table(table, tz, slots=slots, today=today)


# -- the office's layout: a row per day, a column per role ---------------------------------------
_DAY_FIELDS = {
    "日期": "date",
    "date": "date",
    "day": "date",
    "班次": "label",
    "shift": "label",
    "label": "label",
    "开始": "start",
    "开始时间": "start",
    "start": "start",
    "结束": "end",
    "结束时间": "end",
    "end": "end",
    "备注": "note",
    "note": "note",
}
_ROLE_HEADERS = dict(_ROLE_ALIASES)
_ROLE_HEADERS.update(
    {
        "leaders": Role.leader,
        "chiefs": Role.chief,
        "officers": Role.officer,
        "duty officers": Role.officer,
        "值班人员": Role.officer,
        "备勤人员": Role.standby,
    }
)
NAME_SEPARATORS = re.compile(r"[、，,/／;；\s\u3000]+")
_FULL_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?")
_MONTH_DAY = re.compile(r"^(\d{1,2})\s*(?:月|/|-)\s*(\d{1,2})\s*[日号]?(?:\s|[(（]|$)")


def _key(h: Any) -> str:
    return str(h or "").strip().lstrip("\ufeff").lower()


def _role_header(h: Any) -> Role | None:
    """The role a column is for: 值班员, 值班员1, 值班员（二）... or None."""
    key = re.sub(r"[\s\d()（）一二三四五六七八九十]+$", "", _key(h))
    return _ROLE_HEADERS.get(key) or _ROLE_HEADERS.get(_key(h))


def is_by_day(header: Sequence[Any]) -> bool:
    """The office's layout: a date column and a column per role, and no role or name column."""
    keys = [_key(h) for h in header]
    per_assignment = any(
        _HEADER_ALIASES.get(k) in ("role", "name") and _role_header(k) is None for k in keys
    )
    return (
        not per_assignment
        and any(_DAY_FIELDS.get(k) == "date" for k in keys)
        and any(_role_header(h) is not None for h in header)
    )


def names_in(cell: Any) -> list[str]:
    """The names in one cell: 周文博、吴晓燕 / 周文博，吴晓燕 / 周文博 吴晓燕 …"""
    return [n for n in NAME_SEPARATORS.split(str(cell or "").strip()) if n]


def _excel_serial(v: float) -> date | None:
    """An Excel date cell read as its serial number (days since 1899-12-30)."""
    if 20000 <= v <= 80000 and float(v).is_integer():
        return date(1899, 12, 30) + timedelta(days=int(v))
    return None


def _day_of(v: Any) -> date | tuple[int, int]:
    """A full date, or (month, day) for a date written without its year."""
    if isinstance(v, datetime):
        return v.date()
    if isinstance(v, date):
        return v
    if isinstance(v, int | float) and not isinstance(v, bool):
        d = _excel_serial(float(v))
        if d is not None:
            return d
    text = str(v).strip()
    if text.isascii() and text.isdigit() and len(text) == 5:  # an Excel date saved as a number
        d = _excel_serial(float(text))
        if d is not None:
            return d
    m = _FULL_DATE.match(text)
    if m:
        try:
            return date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            raise BadValue("err.file.not_date", text=repr(text)) from None
    m = _MONTH_DAY.match(text)
    if m:
        month, day = int(m[1]), int(m[2])
        try:
            date(2000, month, day)  # a leap year: 2月29日 may be right in some years
        except ValueError:
            raise BadValue("err.file.not_date", text=repr(text)) from None
        return month, day
    try:
        return parse_date(text)
    except ValueError:
        raise BadValue("err.file.not_date_forms", text=repr(text)) from None


def _with_year(month: int, day: int, ref: date) -> date:
    """The date of that month and day nearest `ref` (a roster of January made in December)."""
    best: date | None = None
    for y in (ref.year - 1, ref.year, ref.year + 1):
        try:
            d = date(y, month, day)
        except ValueError:
            continue
        if best is None or abs((d - ref).days) < abs((best - ref).days):
            best = d
    if best is None:
        raise BadValue("err.file.no_year", month=month, day=day, year=ref.year)
    return best


def read_by_day(
    header: Sequence[Any],
    body: Iterable[Sequence[Any]],
    tz: tzinfo,
    *,
    slots: Sequence[ShiftSlot] | None = None,
    today: date | None = None,
) -> tuple[list[RosterRow], list[RowProblem]]:
    """The office's layout (see the module): one RosterRow per name, numbered by its file row."""
    slots = list(slots or DEFAULT_PATTERNS["24h"])
    fields: dict[int, str] = {}
    roles: dict[int, Role] = {}
    for i, h in enumerate(header):
        f = _DAY_FIELDS.get(_key(h))
        if f is not None:
            fields[i] = f
            continue
        r = _role_header(h)
        if r is not None:
            roles[i] = r
    records: list[tuple[int, dict[str, Any], list[tuple[Role, Any]]]] = []
    for n, values in enumerate(body, start=2):
        if _blank(values):
            continue

        def cell(i: int, values: Sequence[Any] = values) -> Any:
            return values[i] if i < len(values) else None

        rec = {f: cell(i) for i, f in fields.items()}
        records.append((n, rec, [(r, cell(i)) for i, r in roles.items()]))
    rows: list[RosterRow] = []
    errors: list[RowProblem] = []
    days: dict[int, date | tuple[int, int]] = {}
    for n, rec, _ in records:
        v = rec.get("date")
        if v is None or str(v).strip() == "":
            errors.append(RowProblem(row=n, field="date", problem=t("err.file.empty_cell")))
            continue
        try:
            days[n] = _day_of(v)
        except ValueError as e:
            errors.append(RowProblem(row=n, field="date", problem=str(e)))
    full = sorted(d for d in days.values() if isinstance(d, date))
    # A date without its year takes the year that puts it nearest the file's middle date.
    ref = statistics.median_low(full) if full else (today or date.today())
    by_label = {sl.label.lower(): sl for sl in slots if sl.label}
    by_canon = {slot_of(sl.label).lower(): sl for sl in slots if sl.label}
    for n, rec, cells in records:
        if n not in days:
            continue
        bad = False

        def err(field: str, problem: str | Msg, n: int = n) -> None:
            nonlocal bad
            bad = True
            errors.append(RowProblem(row=n, field=field, problem=str(problem)))

        d = days[n]
        try:
            day = d if isinstance(d, date) else _with_year(d[0], d[1], ref)
        except ValueError as e:
            err("date", msg_of(e))
            continue
        label = str(rec.get("label") or "").strip()
        slot: ShiftSlot | None = None
        if label:  # the desk's own label (白班), or a built-in one in either language (day)
            slot = by_label.get(label.lower()) or by_canon.get(slot_of(label).lower())
            label = slot.label if slot is not None else slot_of(label)
        elif len(slots) == 1:
            slot = slots[0]
        start_v, end_v = rec.get("start"), rec.get("end")
        start: time | datetime | None = None
        end: time | datetime | None = None
        for f, v in (("start", start_v), ("end", end_v)):
            if v is not None and str(v).strip():
                try:
                    parsed = _time(v)
                except ValueError as e:
                    err(f, msg_of(e))
                    continue
                if f == "start":
                    start = parsed
                else:
                    end = parsed
        if bad:
            continue
        if start is None and slot is None:
            known = ", ".join(sl.label for sl in slots if sl.label) or "-"
            if label:
                err("label", Msg("err.file.no_slot", label=label, known=known))
            else:
                err("label", Msg("err.file.which_slot", known=known))
            continue
        begins = _aware(
            start if start is not None else slot.start_time if slot else time(0), day, tz
        )
        if end is not None:
            ends = _aware(end, day, tz)
            if isinstance(end, time) and ends <= begins:
                ends += timedelta(days=1)
        elif slot is not None:
            ends = begins + slot.duration
        else:
            err("end", Msg("err.file.give_end"))
            continue
        if ends <= begins:
            err("end", Msg("err.roster.row_end"))
            continue
        note = str(rec.get("note") or "").strip()
        seen: set[tuple[Role, str]] = set()
        for role, value in cells:
            for name in names_in(value):
                if len(name) > 40:
                    err(role.value, Msg("err.file.name_longer", name=name[:12], n=40))
                    continue
                if (role, name) in seen:
                    continue
                seen.add((role, name))
                rows.append(
                    RosterRow(
                        row=n,
                        starts_at=begins,
                        ends_at=ends,
                        label=label or (slot.label if slot else ""),
                        role=role,
                        name=name,
                        note=note,
                        note_given="note" in fields.values(),
                    )
                )
    errors.sort(key=lambda e: e.row)
    return rows, errors


def read_ics(data: bytes, tz: tzinfo) -> tuple[list[RosterRow], list[RowProblem]]:
    """Events as written by `write_ics` (role and name in X-WATCHDESK-ROLE / -NAME, or a
    SUMMARY of "role · name"); "row" numbers are event numbers."""
    import icalendar

    try:
        cal = icalendar.Calendar.from_ical(data)
    except Exception as e:
        raise RosterFileError("err.file.not_ics", error=str(e)) from None
    rows: list[RosterRow] = []
    errors: list[RowProblem] = []
    for n, ev in enumerate(cal.walk("VEVENT"), start=1):
        if str(ev.get("STATUS", "")).upper() == "CANCELLED":
            continue  # off the roster (`write_ics`): nothing to import
        role_v = ev.get("X-WATCHDESK-ROLE")
        name_v = ev.get("X-WATCHDESK-NAME")
        summary = str(ev.get("SUMMARY", ""))
        if (role_v is None or name_v is None) and "·" in summary:
            role_v, name_v = (p.strip() for p in summary.split("·", 1))
        try:
            begins, ends = ev.decoded("DTSTART"), ev.decoded("DTEND")
        except KeyError:
            errors.append(RowProblem(row=n, field="start", problem=t("err.file.ics_times")))
            continue
        if not isinstance(begins, datetime) or not isinstance(ends, datetime):
            errors.append(RowProblem(row=n, field="start", problem=t("err.file.ics_all_day")))
            continue
        begins = begins if begins.tzinfo else begins.replace(tzinfo=tz)
        ends = ends if ends.tzinfo else ends.replace(tzinfo=tz)
        rec = {
            "date": begins.astimezone(tz).date(),
            "start": begins.astimezone(tz),
            "end": ends.astimezone(tz),
            "role": role_v,
            "name": name_v,
            "label": str(ev.get("X-WATCHDESK-SHIFT", "")),
            "note": str(ev.get("X-WATCHDESK-NOTE", "")),
            "phone": "",
        }
        r, errs = rows_from_records([(n, rec)], tz)
        rows += r
        errors += errs
    return rows, errors


def read_file(
    path: str | Path,
    tz: tzinfo,
    fmt: str | None = None,
    *,
    slots: Sequence[ShiftSlot] | None = None,
    today: date | None = None,
) -> tuple[list[RosterRow], list[RowProblem]]:
    """Either layout of CSV or .xlsx (see `read_table`), or iCalendar."""
    p = Path(path)
    fmt = format_of(p, fmt)
    try:
        data = p.read_bytes()
    except OSError as e:
        raise RosterFileError("err.file.unreadable", path=p, why=os_msg(e)) from None
    if fmt == "ics":
        return read_ics(data, tz)
    reader = read_csv if fmt == "csv" else read_xlsx
    return reader(data, tz, slots=slots, today=today)


# -- writing -----------------------------------------------------------------------------------
def _out_row(r: RosterRow, tz: tzinfo, lang: str, *, typed: bool = False) -> list[Any]:
    """The row's cells: text for CSV; real dates and times (local, naive) for .xlsx."""
    s, e = r.starts_at.astimezone(tz), r.ends_at.astimezone(tz)
    long = e - s > timedelta(days=1)
    cells: list[Any]
    if typed:
        end: Any = e.replace(tzinfo=None, second=0, microsecond=0) if long else e.time()
        cells = [s.date(), s.time().replace(second=0, microsecond=0), end]
    else:
        cells = [
            s.date().isoformat(),
            s.strftime("%H:%M"),
            e.strftime("%Y-%m-%d %H:%M") if long else e.strftime("%H:%M"),
        ]
    return cells + [
        slot_label(r.label, lang),
        ROLE_OUT.get(lang, ROLE_OUT["zh"])[r.role],
        r.name,
        r.phone,
        r.note,
    ]


def write_csv(rows: Sequence[RosterRow], tz: tzinfo, lang: str = "zh") -> bytes:
    """UTF-8 with a BOM; a cell that a spreadsheet would evaluate is escaped (`files.cells`)."""
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(HEADERS.get(lang, HEADERS["zh"]))
    w.writerows(csv_rows(_out_row(r, tz, lang) for r in rows))
    return buf.getvalue().encode("utf-8-sig")


def write_xlsx(rows: Sequence[RosterRow], tz: tzinfo, lang: str = "zh") -> bytes:
    """Dates and times as date cells (Excel sorts and computes with them), text as text."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "值班表" if lang == "zh" else "roster"
    header = HEADERS.get(lang, HEADERS["zh"])
    write_sheet(ws, header, (_out_row(r, tz, lang, typed=True) for r in rows))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def event_uid(r: RosterRow, desk_key: str = "") -> str:
    """The event's UID: the assignment's own identity, which a swap or a substitute for the
    whole shift keeps (the row changes hands, not its id); for a row not from a desk, a hash of
    its time, role and name."""
    if r.assignment_id is not None:
        return f"assignment-{r.assignment_id}-{desk_key or 'desk'}@watchdesk"
    ident = f"{r.starts_at.isoformat()}|{r.ends_at.isoformat()}|{r.role.value}|{r.name}"
    return hashlib.sha1(ident.encode("utf-8")).hexdigest() + "@watchdesk"


def write_ics(
    rows: Sequence[RosterRow],
    tz: tzinfo,
    lang: str = "zh",
    calname: str = "watchdesk",
    *,
    stamp: datetime | None = None,
    desk_key: str = "",
) -> bytes:
    """An iCalendar file: an event per assignment, its UID the assignment's (`event_uid`), its
    SEQUENCE how often the assignment changed, a cancelled one STATUS:CANCELLED, DTSTAMP the time
    of the export (`stamp`, default now), the calendar named `calname`."""
    import icalendar

    stamp = (stamp or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    cal = icalendar.Calendar()
    cal.add("prodid", "-//watchdesk//roster//ZH")
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", calname)
    roles = ROLE_OUT.get(lang, ROLE_OUT["zh"])
    for r in rows:
        ev = icalendar.Event()
        ev.add("uid", event_uid(r, desk_key))
        ev.add("summary", f"{roles[r.role]} · {r.name}")
        ev.add("dtstart", r.starts_at.astimezone(tz))
        ev.add("dtend", r.ends_at.astimezone(tz))
        ev.add("dtstamp", stamp)
        ev.add("sequence", r.sequence)
        ev.add("status", "CANCELLED" if r.cancelled else "CONFIRMED")
        lines = [slot_label(r.label, lang), r.note, r.phone]
        if any(lines[1:]) or r.label:
            ev.add("description", "\n".join(x for x in lines if x))
        if r.note:
            ev.add("x-watchdesk-note", r.note)
        ev.add("x-watchdesk-role", r.role.value)
        ev.add("x-watchdesk-name", r.name)
        if r.label:
            ev.add("x-watchdesk-shift", r.label)
        cal.add_component(ev)
    cal.add_missing_timezones()
    return cal.to_ical()


def write_rows(
    rows: Sequence[RosterRow],
    fmt: str,
    tz: tzinfo,
    lang: str = "zh",
    *,
    calname: str = "watchdesk",
    stamp: datetime | None = None,
    desk_key: str = "",
) -> bytes:
    if fmt == "ics":
        return write_ics(rows, tz, lang, calname, stamp=stamp, desk_key=desk_key)
    return {"csv": write_csv, "xlsx": write_xlsx}[fmt](rows, tz, lang)


def write_file(
    path: str | Path,
    rows: Sequence[RosterRow],
    tz: tzinfo,
    fmt: str | None = None,
    lang: str = "zh",
) -> Path:
    """Write the rows to `path` (format by `fmt`, else the extension), mode 0600."""
    return write_private(path, write_rows(rows, format_of(path, fmt), tz, lang))
