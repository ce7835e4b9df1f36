"""`watchdesk directory list|search|import|export`: the linkage units and duty rooms, as JSON."""

from __future__ import annotations

from pathlib import Path

from watchdesk.cli.base import EXIT_OK, Commands, Ctx, emit, json_flag, sql_int
from watchdesk.errors import InputError


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
    from watchdesk.files.directory import read_units

    path = Path(ctx.args.file)
    if not path.is_file():
        raise InputError(str(path), "no such file")
    try:
        units = read_units(path)
    except ValueError as e:  # ImportRefused (bad rows) among them
        raise InputError(str(path), str(e)) from None
    with ctx.store() as s:
        if ctx.args.dry_run:
            ctx.act_for_dry_run(s)
        emit(s.directory.import_units(units, dry_run=ctx.args.dry_run))
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
