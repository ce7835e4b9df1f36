"""The desk's officers as a file: CSV (UTF-8 with a BOM, so Excel and WPS open the Chinese intact;
GB18030 accepted on the way in) and .xlsx. Pure of textual; the store does the writing.

One row per officer. Columns (Chinese headers on export; Chinese or English accepted on import):

    姓名 name · 职务 title · 电话 phone · 可任角色 roles (带班领导、值班长、值班员、备勤 or leader,
    chief, officer, standby, several in a cell; empty: any) · 管理员 admin (是/否) · 在岗 active
    (是/否; empty: 是)

Reading checks every row and returns every problem by its spreadsheet row number (the header is
row 1); `OfficerRepo.import_rows` adds the desk's own checks and writes nothing if any row is
bad. Files written are mode 0600.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from watchdesk.errors import BadValue, Msg, msg_of, os_msg
from watchdesk.files.cells import csv_rows, phone_msg, unescape, write_sheet
from watchdesk.files.directory import BOOL_WORDS
from watchdesk.files.output import write_private
from watchdesk.files.roster import ROLE_OUT, parse_role
from watchdesk.models.base import RowProblem
from watchdesk.models.officer import Officer, OfficerRow
from watchdesk.models.roster import Role

COLUMNS = [  # (field, Chinese header, English header)
    ("name", "姓名", "name"),
    ("title", "职务", "title"),
    ("phone", "电话", "phone"),
    ("roles", "可任角色", "roles"),
    ("admin", "管理员", "admin"),
    ("active", "在岗", "active"),
]
_ALIASES = {h.lower(): f for f, zh, en in COLUMNS for h in (zh, en)}
_ALIASES.update(
    {
        "职位": "title",
        "联系电话": "phone",
        "手机": "phone",
        "手机号": "phone",
        "角色": "roles",
        "可任岗位": "roles",
        "是否管理员": "admin",
        "administrator": "admin",
        "是否在岗": "active",
        "启用": "active",
    }
)
_ANY = {"", "任意", "全部", "不限", "any", "all"}
_SEPARATORS = re.compile(r"[、，,/／;；\s\u3000]+")
FORMATS = ("csv", "xlsx")


class OfficerFileError(BadValue):
    """The file as a whole cannot be read (not the format, no header...)."""


def format_of(path: str | Path, explicit: str | None = None) -> str:
    fmt = (explicit or Path(path).suffix.lstrip(".")).lower()
    if fmt not in FORMATS:
        raise OfficerFileError("err.file.officer_format", path=path, fmt=repr(fmt or "(none)"))
    return fmt


# -- reading -------------------------------------------------------------------------------------
def _text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))  # a phone number typed into a number cell
    return str(unescape(v)).strip()


def parse_roles(text: str) -> list[Role]:
    """带班领导、值班长 / leader, chief … ; empty (or 任意) is any role. ValueError otherwise."""
    if text.strip().lower() in _ANY:
        return []
    out: list[Role] = []
    for word in _SEPARATORS.split(text.strip()):
        if word and (r := parse_role(word)) not in out:
            out.append(r)
    return out


def _flag(text: str, default: bool) -> bool | None:
    if not text.strip():
        return default
    return BOOL_WORDS.get(text.strip().lower())


def read_table(table: Iterable[Sequence[Any]]) -> tuple[list[OfficerRow], list[RowProblem]]:
    it = iter(table)
    try:
        header = next(it)
    except StopIteration:
        raise OfficerFileError("err.file.empty") from None
    cols: dict[str, int] = {}
    for i, h in enumerate(header):
        key = _text(h).lstrip("\ufeff").lower()
        if key in _ALIASES and _ALIASES[key] not in cols:
            cols[_ALIASES[key]] = i
    if "name" not in cols:
        raise OfficerFileError(
            "err.file.officer_header",
            zh=",".join(zh for _, zh, _ in COLUMNS),
            en=",".join(en for _, _, en in COLUMNS),
        )
    rows: list[OfficerRow] = []
    errors: list[RowProblem] = []
    first: dict[tuple[str, str], int] = {}
    for n, values in enumerate(it, start=2):
        v = {f: _text(values[i]) if i < len(values) else "" for f, i in cols.items()}
        if not any(v.values()):
            continue  # blank lines are not rows
        before = len(errors)

        def bad(field: str, problem: Msg, n: int = n) -> None:
            errors.append(RowProblem(row=n, field=field, problem=str(problem)))

        name = v.get("name", "")
        if not name:
            bad("name", Msg("err.file.empty_cell"))
        elif len(name) > 40:
            bad("name", Msg("err.file.longer", n=40))
        phone = v.get("phone", "")
        problem = phone_msg(phone)
        if problem:
            bad("phone", problem)
        try:
            roles = parse_roles(v.get("roles", ""))
        except ValueError as e:
            bad("roles", msg_of(e))
            roles = []
        admin = _flag(v.get("admin", ""), False)
        if admin is None:
            bad("admin", Msg("err.file.yes_no", value=repr(v["admin"])))
        active = _flag(v.get("active", ""), True)
        if active is None:
            bad("active", Msg("err.file.yes_no", value=repr(v["active"])))
        same = (name, "".join(c for c in phone if c.isdigit()))
        if name and same in first:
            bad("name", Msg("err.file.row_twice", name=name, row=first[same]))
        elif name:
            first[same] = n
        if len(errors) > before or admin is None or active is None:
            continue
        rows.append(
            OfficerRow(
                row=n,
                name=name,
                title=v.get("title", ""),
                phone=phone,
                roles=roles,
                admin=admin,
                active=active,
            )
        )
    return rows, errors


def read_csv(data: bytes) -> tuple[list[OfficerRow], list[RowProblem]]:
    for enc in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes nearly anything
        raise OfficerFileError("err.file.encoding")
    return read_table(csv.reader(io.StringIO(text, newline="")))


def read_xlsx(data: bytes) -> tuple[list[OfficerRow], list[RowProblem]]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises many kinds for a file that is not a workbook
        raise OfficerFileError("err.file.not_xlsx", kind=type(e).__name__) from None
    try:
        return read_table(wb.worksheets[0].iter_rows(values_only=True))
    finally:
        wb.close()


def read_file(
    path: str | Path, fmt: str | None = None
) -> tuple[list[OfficerRow], list[RowProblem]]:
    """The file's rows and every problem by row number (then `store.officers.import_rows(rows,
    errors=problems)` checks against the desk and writes all or nothing)."""
    p = Path(path)
    fmt = format_of(p, fmt)
    try:
        data = p.read_bytes()
    except OSError as e:
        raise OfficerFileError("err.file.unreadable", path=p, why=os_msg(e)) from None
    return read_csv(data) if fmt == "csv" else read_xlsx(data)


# -- writing -------------------------------------------------------------------------------------
def table(officers: Iterable[Officer], lang: str = "zh") -> list[list[str]]:
    yes, no = ("是", "否") if lang == "zh" else ("yes", "no")
    roles_out = ROLE_OUT.get(lang, ROLE_OUT["zh"])
    sep = "、" if lang == "zh" else ", "
    out = [[zh if lang == "zh" else en for _, zh, en in COLUMNS]]
    for o in officers:
        out.append(
            [
                o.name,
                o.title,
                o.phone,
                sep.join(roles_out[r] for r in o.roles),
                yes if o.admin else no,
                yes if o.active else no,
            ]
        )
    return out


def write_csv(officers: Iterable[Officer], lang: str = "zh") -> bytes:
    buf = io.StringIO(newline="")
    csv.writer(buf, lineterminator="\r\n").writerows(csv_rows(table(officers, lang)))
    return buf.getvalue().encode("utf-8-sig")


def write_xlsx(officers: Iterable[Officer], lang: str = "zh") -> bytes:
    from openpyxl import Workbook

    rows = table(officers, lang)
    wb = Workbook()
    ws = wb.active
    ws.title = "值班人员" if lang == "zh" else "officers"
    # text as text: 0731-… keeps its leading zero, =… is no formula (files.cells)
    write_sheet(ws, rows[0], rows[1:])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def write_file(
    path: str | Path, officers: Iterable[Officer], fmt: str | None = None, lang: str = "zh"
) -> int:
    """Write `.csv` or `.xlsx` (by `fmt`, else the extension), mode 0600; returns the count."""
    officers = list(officers)
    fmt = format_of(path, fmt)
    data = write_csv(officers, lang) if fmt == "csv" else write_xlsx(officers, lang)
    write_private(path, data)
    return len(officers)
