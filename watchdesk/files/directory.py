"""Directory import and export: CSV (UTF-8 with a BOM, so Excel and WPS open the Chinese intact)
and .xlsx (openpyxl). Pure of textual; the store does the writing.

One row per unit. Columns (Chinese headers on export; Chinese or English accepted on import):

    名称 name · 类型 kind (联动单位/linkage, 值班室/duty_room) · 级别 level (1–3 / 一级…) ·
    值班室类别 room_type (区县/district, 乡镇街道/township, 部门/department) · 区域 area ·
    值班电话 duty_phone · 备用电话 backup_phone · 传真 fax · 备注 notes · 启用 active (是/否) ·
    then as many contact groups as needed: 联系人1 / 职务1 / 电话1, 联系人2 / 职务2 / 电话2 …

Optional on import, never exported: 备案日期 filed_on and 值班人员 duty_staff. A row with a 备案日期
records a filing (备案) of that unit on that day: its 值班电话 as the phone filed and its 值班人员
(names separated by 、 , ; or line breaks) as the staff list. A file without them imports as before.

Import reads every row, checks every row, and reports every bad row by its spreadsheet row number
(the header is row 1); if any row is bad nothing is written. Units are matched by name: a known
name updates that unit (its contact list becomes the row's), a new name creates one.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from pathlib import Path

from pydantic import ValidationError

from watchdesk.errors import BadValue, Msg, validation_msg
from watchdesk.files.cells import cell_text, csv_rows, phone_msg, unescape, write_sheet
from watchdesk.files.output import write_private
from watchdesk.models.base import RowProblem
from watchdesk.models.directory import Contact, FilingInput, FilingRow, UnitRecord

COLUMNS = [  # (field, Chinese header, English header)
    ("name", "名称", "name"),
    ("kind", "类型", "kind"),
    ("level", "级别", "level"),
    ("room_type", "值班室类别", "room_type"),
    ("area", "区域", "area"),
    ("duty_phone", "值班电话", "duty_phone"),
    ("backup_phone", "备用电话", "backup_phone"),
    ("fax", "传真", "fax"),
    ("notes", "备注", "notes"),
    ("active", "启用", "active"),
]
# Optional, import only (see the module's description): (field, Chinese header, English header).
FILING_COLUMNS = [
    ("filed_on", "备案日期", "filed_on"),
    ("duty_staff", "值班人员", "duty_staff"),
]
CONTACT_PARTS = [
    ("name", "联系人", "contact"),
    ("role", "职务", "role"),
    ("phone", "电话", "phone"),
]

KIND_WORDS = {
    "linkage": "linkage",
    "联动单位": "linkage",
    "联动": "linkage",
    "duty_room": "duty_room",
    "值班室": "duty_room",
    "下级值班室": "duty_room",
}
KIND_LABEL = {"linkage": "联动单位", "duty_room": "值班室"}
ROOM_WORDS = {
    "": "",
    "district": "district",
    "区县": "district",
    "区": "district",
    "县": "district",
    "township": "township",
    "乡镇街道": "township",
    "乡镇": "township",
    "街道": "township",
    "department": "department",
    "部门": "department",
}
ROOM_LABEL = {"": "", "district": "区县", "township": "乡镇街道", "department": "部门"}
LEVEL_WORDS = {
    "": None,
    "1": 1,
    "2": 2,
    "3": 3,
    "一级": 1,
    "二级": 2,
    "三级": 3,
    "一": 1,
    "二": 2,
    "三": 3,
}
BOOL_WORDS = {
    "": True,
    "是": True,
    "否": False,
    "1": True,
    "0": False,
    "true": True,
    "false": False,
    "yes": True,
    "no": False,
    "y": True,
    "n": False,
}


class ImportRefused(ValueError):
    """The file has bad rows; nothing was written. `problems` lists every one."""

    def __init__(self, problems: list[RowProblem]):
        self.problems = problems
        super().__init__(str(self))

    def __str__(self) -> str:
        head = "; ".join(str(p) for p in self.problems[:3])
        if len(self.problems) > 3:
            return str(
                Msg(
                    "err.file.refused_more",
                    n=len(self.problems),
                    head=head,
                    more=len(self.problems) - 3,
                )
            )
        return str(Msg("err.file.refused", n=len(self.problems), head=head))


# -- export ---------------------------------------------------------------------------------------
def _table(units: Iterable[UnitRecord]) -> list[list[str]]:
    units = list(units)
    width = max([2] + [len(u.contacts) for u in units])
    header = [zh for _, zh, _ in COLUMNS]
    for i in range(1, width + 1):
        header += [f"{zh}{i}" for _, zh, _ in CONTACT_PARTS]
    rows = [header]
    for u in units:
        row = [
            u.name,
            KIND_LABEL[u.kind],
            str(u.level or ""),
            ROOM_LABEL.get(u.room_type, ""),
            u.area,
            u.duty_phone,
            u.backup_phone,
            u.fax,
            u.notes,
            "是" if u.active else "否",
        ]
        for c in u.contacts:
            row += [c.name, c.role, c.phone]
        row += [""] * (len(header) - len(row))
        rows.append(row)
    return rows


def export_units(units: Iterable[UnitRecord], path: Path) -> int:
    """Write `.csv` (UTF-8 with BOM) or `.xlsx` by the file's extension, mode 0600; returns the
    unit count."""
    path = Path(path)
    rows = _table(units)
    fmt = file_format(path)
    if fmt == "csv":
        buf = io.StringIO(newline="")
        csv.writer(buf).writerows(csv_rows(rows))  # =, +, -, @ … escaped (files.cells)
        data = buf.getvalue().encode("utf-8-sig")
    else:
        from openpyxl import Workbook

        wb = Workbook()
        ws = wb.active
        ws.title = "联动单位"
        # every cell text (0731-… keeps its leading zero, =… is no formula), a bold frozen
        # header, columns as wide as their content
        write_sheet(ws, rows[0], rows[1:])
        out = io.BytesIO()
        wb.save(out)
        data = out.getvalue()
    write_private(path, data)
    return len(rows) - 1


def file_format(path: Path) -> str:
    ext = Path(path).suffix.lower()
    if ext == ".csv":
        return "csv"
    if ext == ".xlsx":
        return "xlsx"
    raise BadValue("err.file.directory_format", path=path)


# -- import ---------------------------------------------------------------------------------------
def read_rows(path: Path) -> list[list[str]]:
    """Every row as text. CSV is UTF-8 (with or without BOM), else GB18030 (Excel on Chinese
    Windows saves "CSV" in the ANSI code page)."""
    path = Path(path)
    if file_format(path) == "csv":
        data = path.read_bytes()
        for enc in ("utf-8-sig", "gb18030"):
            try:
                text = data.decode(enc)
                break
            except UnicodeDecodeError:
                continue
        else:  # pragma: no cover - gb18030 decodes nearly anything
            raise BadValue("err.file.path_problem", path=path, problem=Msg("err.file.encoding"))
        return [[unescape(c) for c in r] for r in csv.reader(io.StringIO(text, newline=""))]
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises many kinds for a file that is not a workbook
        raise BadValue(
            "err.file.path_problem",
            path=path,
            problem=Msg("err.file.unreadable_xlsx", kind=type(e).__name__),
        ) from None
    ws = wb.worksheets[0]
    out = []
    for r in ws.iter_rows(values_only=True):
        out.append(["" if v is None else unescape(_cell_text(v)) for v in r])
    wb.close()
    return out


def _cell_text(v: object) -> str:
    return cell_text(v)


def _header_map(header: list[str]) -> tuple[dict[str, int], dict[int, dict[str, int]], list[str]]:
    names = {}
    for field, zh, en in COLUMNS + FILING_COLUMNS:
        names[zh] = field
        names[en] = field
    fields: dict[str, int] = {}
    contacts: dict[int, dict[str, int]] = {}
    unknown = []
    for i, h in enumerate(header):
        h = (h or "").strip()
        if not h:
            continue
        if h in names:
            fields[names[h]] = i
            continue
        m = re.fullmatch(r"(联系人|职务|电话|contact|role|phone)\s*(\d+)", h, flags=re.IGNORECASE)
        if m:
            part = {
                "联系人": "name",
                "contact": "name",
                "职务": "role",
                "role": "role",
                "电话": "phone",
                "phone": "phone",
            }[m.group(1).lower()]
            contacts.setdefault(int(m.group(2)), {})[part] = i
            continue
        unknown.append(h)
    return fields, contacts, unknown


def parse_rows(rows: list[list[str]]) -> list[UnitRecord]:
    """Validate every row; raise ImportRefused listing every problem, or return the units."""
    return parse_directory(rows)[0]


def parse_directory(rows: list[list[str]]) -> tuple[list[UnitRecord], list[FilingRow]]:
    """`parse_rows`, with the filings of the rows that have a 备案日期."""
    from watchdesk.text.timefmt import parse_date

    problems: list[RowProblem] = []
    filings: list[FilingRow] = []
    if not rows or not any(c.strip() for c in rows[0]):
        raise ImportRefused([RowProblem(row=1, field="header", problem=str(Msg("err.file.empty")))])
    fields, contact_cols, unknown = _header_map(rows[0])
    if unknown:
        problems.append(
            RowProblem(
                row=1,
                field="header",
                problem=str(Msg("err.file.unknown_columns", columns=", ".join(unknown))),
            )
        )
    if "name" not in fields:
        problems.append(
            RowProblem(row=1, field="header", problem=str(Msg("err.file.directory_header")))
        )
    if problems:
        raise ImportRefused(problems)
    units: list[UnitRecord] = []
    first_row: dict[str, int] = {}
    for n, raw in enumerate(rows[1:], start=2):
        if not any((c or "").strip() for c in raw):
            continue  # blank lines are not rows

        def cell(i: int | None, raw: list[str] = raw) -> str:
            return (raw[i] if i is not None and i < len(raw) else "").strip()

        def bad(field: str, problem: Msg, n: int = n) -> None:
            problems.append(RowProblem(row=n, field=field, problem=str(problem)))

        v = {f: cell(fields.get(f)) for f, _, _ in COLUMNS + FILING_COLUMNS}
        before = len(problems)
        filed_on = None
        if v["filed_on"]:
            try:
                filed_on = parse_date(v["filed_on"])
            except ValueError as e:
                bad("filed_on", Msg("err.file.value_problem", value=repr(v["filed_on"]), problem=e))
        elif v["duty_staff"]:
            bad("filed_on", Msg("err.filing.file_date_needed"))
        kind = KIND_WORDS.get(v["kind"].lower() if v["kind"] else "linkage")
        if kind is None:
            bad("kind", Msg("err.file.unit_kind", value=repr(v["kind"])))
        level = LEVEL_WORDS.get(v["level"], "bad")
        if level == "bad":
            bad("level", Msg("err.file.unit_level", value=repr(v["level"])))
        room = ROOM_WORDS.get(v["room_type"].lower(), None)
        if room is None:
            bad("room_type", Msg("err.file.room_type", value=repr(v["room_type"])))
        active = BOOL_WORDS.get(v["active"].lower(), None)
        if active is None:
            bad("active", Msg("err.file.yes_no", value=repr(v["active"])))
        if not v["name"]:
            bad("name", Msg("err.file.empty_cell"))
        elif v["name"] in first_row:
            bad("name", Msg("err.file.row_twice", name=v["name"], row=first_row[v["name"]]))
        else:
            first_row[v["name"]] = n
        for f in ("duty_phone", "backup_phone", "fax"):
            problem = phone_msg(v[f])
            if problem:
                bad(f, problem)
        if kind == "linkage" and level is None:
            bad("level", Msg("err.unit.linkage_level"))
        if kind == "duty_room" and level not in (None, "bad"):
            bad("level", Msg("err.unit.room_level"))
        if kind == "linkage" and room:
            bad("room_type", Msg("err.unit.room_type"))
        contacts = []
        for i in sorted(contact_cols):
            cols = contact_cols[i]
            c = {part: cell(cols.get(part)) for part in ("name", "role", "phone")}
            if not any(c.values()):
                continue
            if not c["name"]:
                bad(f"联系人{i}", Msg("err.file.contact_name"))
            problem = phone_msg(c["phone"])
            if problem:
                bad(f"电话{i}", problem)
            if c["name"]:
                contacts.append(
                    Contact.model_construct(name=c["name"], role=c["role"], phone=c["phone"])
                )
        if len({c.name for c in contacts}) != len(contacts):
            bad("联系人", Msg("err.file.contact_twice"))
        if (
            len(problems) > before
            or kind is None
            or room is None
            or active is None
            or isinstance(level, str)
        ):  # (the last four are reported above: narrowed for the type checker)
            continue
        try:
            units.append(
                UnitRecord(
                    name=v["name"],
                    kind=kind,
                    level=level,
                    room_type=room,
                    area=v["area"],
                    duty_phone=v["duty_phone"],
                    backup_phone=v["backup_phone"],
                    fax=v["fax"],
                    notes=v["notes"],
                    active=active,
                    contacts=[Contact(name=c.name, role=c.role, phone=c.phone) for c in contacts],
                )
            )
        except ValidationError as e:
            err = e.errors()[0]
            bad(".".join(str(x) for x in err.get("loc", ())) or "row", validation_msg(err))
            continue
        if filed_on is not None:
            try:
                filing = FilingInput(
                    filed_on=filed_on,
                    duty_phones=[v["duty_phone"]] if v["duty_phone"] else [],
                    staff=v["duty_staff"],
                )
            except ValidationError as e:
                err = e.errors()[0]
                bad("duty_staff", validation_msg(err))
                continue
            filings.append(FilingRow(row=n, unit_name=v["name"], filing=filing))
    if problems:
        raise ImportRefused(problems)
    if not units:
        raise ImportRefused(
            [RowProblem(row=2, field="rows", problem=str(Msg("err.file.no_units")))]
        )
    return units, filings


def read_units(path: Path) -> list[UnitRecord]:
    """Read and validate a directory file (nothing is written)."""
    return parse_rows(read_rows(path))


def read_directory(path: Path) -> tuple[list[UnitRecord], list[FilingRow]]:
    """`read_units`, with the filings (备案) of the rows that have a 备案日期."""
    return parse_directory(read_rows(path))
