"""Roster files: CSV (UTF-8 with a BOM, so Excel and WPS show the Chinese; GB18030 accepted on the
way in, as WPS saves it), .xlsx (openpyxl) and iCalendar (icalendar) for phones and calendar apps.

One row per assignment: date, start, end, shift label, role, name, phone, note. Reading checks
every row and returns every problem by row number; the store writes nothing unless all are good.
No textual here.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta, tzinfo
from pathlib import Path
from typing import Any

from watchdesk.models.base import RowProblem
from watchdesk.models.roster import Role, RosterRow
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


class RosterFileError(ValueError):
    """The file as a whole cannot be read (not the format, no header...)."""


def format_of(path: str | Path, explicit: str | None = None) -> str:
    fmt = (explicit or Path(path).suffix.lstrip(".")).lower()
    if fmt in ("ical", "ifb", "icalendar"):
        fmt = "ics"
    if fmt not in FORMATS:
        raise RosterFileError(
            f"{path}: unknown format {fmt or '(none)'!r}; use .csv, .xlsx or .ics (or --format)"
        )
    return fmt


# -- parsing cells -----------------------------------------------------------------------------
def _date(v: Any) -> date:
    if isinstance(v, datetime):
        return v.date()
    if isinstance(v, date):
        return v
    return parse_date(str(v))


def _time(v: Any) -> time | datetime:
    """A time of day, or a full local date and time (for shifts longer than a day)."""
    if isinstance(v, datetime):
        return v
    if isinstance(v, time):
        return v
    text = str(v).strip().replace("：", ":")
    if " " in text or "T" in text:
        try:
            return datetime.fromisoformat(text.replace("/", "-"))
        except ValueError:
            raise ValueError(f"not a date and time: {text!r}") from None
    try:
        if text in ("24:00", "24:00:00"):
            return time(0)
        return time.fromisoformat(text if len(text) != 4 else "0" + text)
    except ValueError:
        raise ValueError(f"not a time (HH:MM): {text!r}") from None


def _role(v: Any) -> Role:
    text = str(v or "").strip()
    role = _ROLE_ALIASES.get(text.lower())
    if role is None:
        raise ValueError(
            f"unknown role {text!r} (带班领导, 值班长, 值班员, 备勤 or leader, chief, "
            f"officer, standby)"
        )
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

        def err(field: str, problem: str, n: int = n) -> None:
            nonlocal bad
            bad = True
            errors.append(RowProblem(row=n, field=field, problem=problem))

        for f in REQUIRED:
            if rec.get(f) is None or str(rec.get(f)).strip() == "":
                err(f, "is empty")
        if bad:
            continue
        parsed: dict[str, Any] = {}
        for f, parse in (("date", _date), ("start", _time), ("end", _time), ("role", _role)):
            try:
                parsed[f] = parse(rec[f])
            except ValueError as x:
                err(f, str(x))
        day, start, end, role = (parsed.get(f) for f in ("date", "start", "end", "role"))
        name = str(rec["name"]).strip()
        if len(name) > 40:
            err("name", "is longer than 40 characters")
        if bad or day is None or start is None or end is None or role is None:
            continue
        begins = _aware(start, day, tz)
        ends = _aware(end, day, tz)
        if isinstance(end, time) and ends <= begins:
            ends += timedelta(days=1)  # 20:00–08:00, 08:30–08:30: ends the next day
        rows.append(
            RosterRow(
                row=n,
                starts_at=begins,
                ends_at=ends,
                label=str(rec.get("label") or ""),
                role=role,
                name=name,
                phone=str(rec.get("phone") or "").strip(),
                note=str(rec.get("note") or "").strip(),
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
            f"the header row lacks {', '.join(missing)} (expected: "
            f"{','.join(HEADERS['zh'])} or {','.join(HEADERS['en'])})"
        )
    return out


def _records(table: Iterable[Sequence[Any]]) -> list[tuple[int, dict[str, Any]]]:
    it = iter(table)
    try:
        header = next(it)
    except StopIteration:
        raise RosterFileError("the file is empty") from None
    cols = _header_map(header)
    out = []
    for n, values in enumerate(it, start=2):
        if not any(str(v).strip() for v in values if v is not None):
            continue  # blank lines are not rows
        out.append((n, {f: values[i] if i < len(values) else None for i, f in cols.items()}))
    return out


def read_csv(data: bytes, tz: tzinfo) -> tuple[list[RosterRow], list[RowProblem]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            raise RosterFileError("not UTF-8 or GB18030 text") from None
    return rows_from_records(_records(csv.reader(io.StringIO(text, newline=""))), tz)


def read_xlsx(data: bytes, tz: tzinfo) -> tuple[list[RosterRow], list[RowProblem]]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises many kinds for a file that is not a workbook
        raise RosterFileError(f"not an .xlsx workbook ({type(e).__name__})") from None
    ws = wb.worksheets[0]
    return rows_from_records(_records(ws.iter_rows(values_only=True)), tz)


def read_ics(data: bytes, tz: tzinfo) -> tuple[list[RosterRow], list[RowProblem]]:
    """Events as written by `write_ics` (role and name in X-WATCHDESK-ROLE / -NAME, or a
    SUMMARY of "role · name"); "row" numbers are event numbers."""
    import icalendar

    try:
        cal = icalendar.Calendar.from_ical(data)
    except Exception as e:
        raise RosterFileError(f"not an iCalendar file ({e})") from None
    rows: list[RosterRow] = []
    errors: list[RowProblem] = []
    for n, ev in enumerate(cal.walk("VEVENT"), start=1):
        role_v = ev.get("X-WATCHDESK-ROLE")
        name_v = ev.get("X-WATCHDESK-NAME")
        summary = str(ev.get("SUMMARY", ""))
        if (role_v is None or name_v is None) and "·" in summary:
            role_v, name_v = (p.strip() for p in summary.split("·", 1))
        try:
            begins, ends = ev.decoded("DTSTART"), ev.decoded("DTEND")
        except KeyError:
            errors.append(RowProblem(row=n, field="start", problem="event without DTSTART/DTEND"))
            continue
        if not isinstance(begins, datetime) or not isinstance(ends, datetime):
            errors.append(
                RowProblem(row=n, field="start", problem="an all-day event is not a shift")
            )
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
    path: str | Path, tz: tzinfo, fmt: str | None = None
) -> tuple[list[RosterRow], list[RowProblem]]:
    p = Path(path)
    fmt = format_of(p, fmt)
    try:
        data = p.read_bytes()
    except OSError as e:
        raise RosterFileError(f"{p}: {e.strerror}") from None
    return {"csv": read_csv, "xlsx": read_xlsx, "ics": read_ics}[fmt](data, tz)


# -- writing -----------------------------------------------------------------------------------
def _out_row(r: RosterRow, tz: tzinfo, lang: str) -> list[Any]:
    s, e = r.starts_at.astimezone(tz), r.ends_at.astimezone(tz)
    end = e.strftime("%H:%M") if e - s <= timedelta(days=1) else e.strftime("%Y-%m-%d %H:%M")
    return [
        s.date().isoformat(),
        s.strftime("%H:%M"),
        end,
        r.label,
        ROLE_OUT.get(lang, ROLE_OUT["zh"])[r.role],
        r.name,
        r.phone,
        r.note,
    ]


def write_csv(rows: Sequence[RosterRow], tz: tzinfo, lang: str = "zh") -> bytes:
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(HEADERS.get(lang, HEADERS["zh"]))
    for r in rows:
        w.writerow(_out_row(r, tz, lang))
    return buf.getvalue().encode("utf-8-sig")


def write_xlsx(rows: Sequence[RosterRow], tz: tzinfo, lang: str = "zh") -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from rich.cells import cell_len

    wb = Workbook()
    ws = wb.active
    ws.title = "值班表" if lang == "zh" else "roster"
    ws.append(list(HEADERS.get(lang, HEADERS["zh"])))
    for c in ws[1]:
        c.font = Font(bold=True)
    widths = [cell_len(h) for h in HEADERS.get(lang, HEADERS["zh"])]
    for r in rows:
        values = _out_row(r, tz, lang)
        ws.append(values)
        widths = [max(w, cell_len(str(v))) for w, v in zip(widths, values)]
    for i, w in enumerate(widths):
        ws.column_dimensions[chr(ord("A") + i)].width = w + 2
    ws.freeze_panes = "A2"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def write_ics(
    rows: Sequence[RosterRow], tz: tzinfo, lang: str = "zh", calname: str = "watchdesk"
) -> bytes:
    import icalendar

    cal = icalendar.Calendar()
    cal.add("prodid", "-//watchdesk//roster//ZH")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", calname)
    roles = ROLE_OUT.get(lang, ROLE_OUT["zh"])
    for r in rows:
        ev = icalendar.Event()
        ident = f"{r.starts_at.isoformat()}|{r.ends_at.isoformat()}|{r.role.value}|{r.name}"
        ev.add("uid", hashlib.sha1(ident.encode("utf-8")).hexdigest() + "@watchdesk")
        ev.add("summary", f"{roles[r.role]} · {r.name}")
        ev.add("dtstart", r.starts_at.astimezone(tz))
        ev.add("dtend", r.ends_at.astimezone(tz))
        ev.add("dtstamp", r.starts_at.astimezone(tz))  # stable output: the file is reproducible
        if r.note or r.phone:
            ev.add("description", "\n".join(x for x in (r.note, r.phone) if x))
        if r.note:
            ev.add("x-watchdesk-note", r.note)
        ev.add("x-watchdesk-role", r.role.value)
        ev.add("x-watchdesk-name", r.name)
        if r.label:
            ev.add("x-watchdesk-shift", r.label)
        cal.add_component(ev)
    cal.add_missing_timezones()
    return cal.to_ical()


def write_rows(rows: Sequence[RosterRow], fmt: str, tz: tzinfo, lang: str = "zh") -> bytes:
    return {"csv": write_csv, "xlsx": write_xlsx, "ics": write_ics}[fmt](rows, tz, lang)
