"""`watchdesk directory list|search|import|export`: the linkage units and duty rooms, as JSON;
`watchdesk directory filing add|list|stale`: their filings (备案) of duty phone and duty staff."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from watchdesk.cli.base import EXIT_OK, Commands, Ctx, day, emit, invalid, json_flag, sql_int
from watchdesk.errors import InputError

if TYPE_CHECKING:
    from watchdesk.models.directory import UnitRecord
    from watchdesk.store.desk import Store


def cmd_directory_list(ctx: Ctx) -> int:
    a = ctx.args
    with ctx.store() as s:
        emit(s.directory.units(kind=a.kind, level=a.level, active_only=not a.inactive))
    return EXIT_OK


def cmd_directory_search(ctx: Ctx) -> int:
    a = ctx.args
    with ctx.store() as s:
        emit(s.directory.search(a.query, limit=a.limit, include_inactive=a.inactive))
    return EXIT_OK


def cmd_directory_import(ctx: Ctx) -> int:
    from watchdesk.files.directory import read_directory

    path = Path(ctx.args.file)
    if not path.is_file():
        raise InputError(str(path), "no such file")
    try:
        units, filings = read_directory(path)  # 备案日期 rows also record a filing (备案)
    except ValueError as e:  # ImportRefused (bad rows) among them
        raise InputError(str(path), str(e)) from None
    with ctx.store() as s:
        if ctx.args.dry_run:
            ctx.act_for_dry_run(s)
        emit(s.directory.import_units(units, dry_run=ctx.args.dry_run, filings=filings))
    return EXIT_OK


def cmd_directory_export(ctx: Ctx) -> int:
    from watchdesk.files.directory import export_units, file_format

    path = Path(ctx.args.file)
    try:
        file_format(path)
    except ValueError as e:
        raise InputError("file", str(e)) from None
    with ctx.store() as s:
        try:
            n = export_units(s.directory.units(), path)
        except OSError as e:
            raise InputError(str(path), e.strerror or str(e)) from None
        emit({"exported": n, "file": str(path)})
    return EXIT_OK


# -- filings (备案) ---------------------------------------------------------------------------------
def _unit(s: Store, ref: str, option: str = "unit") -> UnitRecord:
    """A unit by its id or its exact name; bad input naming `option` when there is none."""
    from watchdesk.errors import NotFound
    from watchdesk.i18n import t

    ref = ref.strip()
    unit = None
    if ref.isdigit() and len(ref) < 16:
        try:
            unit = s.directory.get(int(ref))
        except NotFound:
            unit = None
    if unit is None:
        unit = s.directory.find(ref)
    if unit is None:
        raise InputError(option, t("filing.cli.no_unit", unit=repr(ref)))
    return unit


def _interval(ctx: Ctx) -> int:
    days = ctx.args.days
    if days is None:
        return ctx.settings.filing_interval_days
    if not 1 <= days <= 3660:
        from watchdesk.i18n import t

        raise InputError("--days", t("filing.cli.days", value=days))
    return days


def cmd_filing_add(ctx: Ctx) -> int:
    from pydantic import ValidationError

    from watchdesk.models.directory import FilingInput

    a = ctx.args
    filed_on = day("date", a.date)
    with ctx.store() as s:
        unit = _unit(s, a.unit)
        try:
            filing = FilingInput(
                filed_on=filed_on or s.directory.filings.today(),
                duty_phones=a.phone or ([unit.duty_phone] if unit.duty_phone else []),
                staff=a.staff or "",
                staff_count=a.staff_count,
                note=a.note or "",
            )
        except ValidationError as e:
            raise invalid(e, prefix="--") from None
        assert unit.id is not None
        try:
            emit(s.directory.filings.record(unit.id, filing, source="cli"))
        except InputError as e:
            option = {"filed_on": "--date", "staff": "--staff", "note": "--note"}.get(
                e.field, "--phone" if e.field.startswith("duty_phones") else e.field
            )
            raise InputError(option, e.problem) from None
    return EXIT_OK


def cmd_filing_list(ctx: Ctx) -> int:
    a = ctx.args
    with ctx.store() as s:
        uid = _unit(s, a.unit, "--unit").id if a.unit else None
        emit(s.directory.filings.history(uid, limit=a.limit))
    return EXIT_OK


def cmd_filing_stale(ctx: Ctx) -> int:
    a = ctx.args
    interval = _interval(ctx)
    on = day("on", a.on)
    with ctx.store() as s:
        f = s.directory.filings
        emit(f.statuses(interval, on) if a.all else f.stale(interval, on))
    return EXIT_OK


def register(commands: Commands) -> None:
    d = commands.group("directory", "linkage units and duty rooms: list, search, import, export")
    p = d.add("list", cmd_directory_list, "list units with their contacts as JSON")
    json_flag(p)
    p.add_argument("--kind", choices=["linkage", "duty_room"])
    p.add_argument("--level", type=int, choices=[1, 2, 3])
    p.add_argument("--inactive", action="store_true", help="include inactive units")
    p = d.add(
        "search",
        cmd_directory_search,
        "search by name, full pinyin, pinyin initials (gaj finds 公安局) or phone digits",
    )
    p.add_argument("query")
    json_flag(p)
    p.add_argument("--limit", type=sql_int, default=20)
    p.add_argument("--inactive", action="store_true", help="include inactive units")
    p = d.add(
        "import",
        cmd_directory_import,
        "import units from .csv (UTF-8, BOM optional; "
        "GB18030 accepted) or .xlsx; every row is checked and nothing is written if any is "
        "bad; units are matched by name",
    )
    p.add_argument("file")
    p.add_argument("--dry-run", action="store_true", help="check and count, write nothing")
    p = d.add(
        "export",
        cmd_directory_export,
        "export every unit to .csv (UTF-8 with BOM, opens "
        "in Excel/WPS) or .xlsx, chosen by the file's extension",
    )
    p.add_argument("file")
    f = d.group(
        "filing",
        "filings (备案): when a unit last filed its duty phone and duty-staff list",
    )
    p = f.add(
        "add",
        cmd_filing_add,
        "record a filing of a unit (by id or exact name): the day, the phone(s), the staff list",
    )
    p.add_argument("unit", help="the unit's id or exact name")
    json_flag(p)
    p.add_argument("--date", help="the day it was filed (default: today)")
    p.add_argument(
        "--phone",
        action="append",
        help="a duty phone filed (repeat for several; default: the unit's duty phone)",
    )
    p.add_argument("--staff", help="the duty-staff list: names separated by 、 , ; or newlines")
    p.add_argument("--staff-count", type=sql_int, help="the head count, when only it is known")
    p.add_argument("--note")
    p = f.add("list", cmd_filing_list, "the filings recorded, newest first, as JSON")
    json_flag(p)
    p.add_argument("--unit", help="only this unit's (id or exact name)")
    p.add_argument("--limit", type=sql_int)
    p = f.add(
        "stale",
        cmd_filing_stale,
        "units whose filing is stale (older than filing_interval_days), overdue or missing",
    )
    json_flag(p)
    p.add_argument("--days", type=sql_int, help="the interval in days (default: the setting)")
    p.add_argument("--on", help="the day to judge on (default: today)")
    p.add_argument("--all", action="store_true", help="every unit's filing status")
