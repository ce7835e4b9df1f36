"""`watchdesk area list|add|import-from-directory|propose`: the desk's areas (townships,
districts) and the area of the incidents of before."""

from __future__ import annotations

import sys

from rich.cells import cell_len

from watchdesk.cli.base import EXIT_OK, Commands, Ctx, emit, json_flag
from watchdesk.i18n import t


def _table(headers: list[str], rows: list[list[str]]) -> str:
    """Columns padded by display width (a Chinese character takes two cells)."""
    widths = [cell_len(h) for h in headers]
    for r in rows:
        widths = [max(w, cell_len(c)) for w, c in zip(widths, r, strict=True)]

    def line(cells: list[str]) -> str:
        return "  ".join(c + " " * (w - cell_len(c)) for c, w in zip(cells, widths)).rstrip()

    return "\n".join([line(headers), line(["-" * w for w in widths]), *map(line, rows)])


def cmd_area_list(ctx: Ctx) -> int:
    a = ctx.args
    with ctx.store() as s:
        areas = s.areas.list(active_only=not a.inactive)
    if a.json:
        emit(areas)
        return EXIT_OK
    if not areas:
        print(t("area.picker.none"))
        return EXIT_OK
    rows = [
        [str(x.id), x.name, x.code, t(f"area.kind.{x.kind.value}") + ("" if x.active else " ×")]
        for x in areas
    ]
    print(_table(["#", t("area.col.name"), t("area.col.code"), t("area.col.kind")], rows))
    return EXIT_OK


def cmd_area_add(ctx: Ctx) -> int:
    from watchdesk.store.area import area_input

    a = ctx.args
    area = area_input(name=a.name, code=a.code or "", kind=a.kind)
    with ctx.store() as s:
        emit(s.areas.add(area))
    return EXIT_OK


def cmd_area_import(ctx: Ctx) -> int:
    with ctx.store() as s:
        if ctx.args.dry_run:
            ctx.act_for_dry_run(s)
        emit(s.areas.import_from_directory(dry_run=ctx.args.dry_run))
    return EXIT_OK


def cmd_area_propose(ctx: Ctx) -> int:
    a = ctx.args
    with ctx.store() as s:
        proposals = s.areas.propose()
        applied = s.areas.apply(proposals) if a.apply and proposals else 0
    if a.json:
        emit({"proposals": proposals, "applied": applied})
        return EXIT_OK
    if not proposals:
        print(t("area.propose.none"))
        return EXIT_OK
    rows = [[f"#{p.incident_id}", p.place, p.area] for p in proposals]
    print(_table([t("area.col.incident"), t("area.col.place"), t("area.col.name")], rows))
    print(t("area.propose.count", n=len(proposals)))
    print(t("area.propose.applied", n=applied) if a.apply else t("area.propose.hint"))
    sys.stdout.flush()
    return EXIT_OK


def register(commands: Commands) -> None:
    g = commands.group(
        "area", "the desk's areas (townships, districts): list, add, import, propose"
    )
    p = g.add("list", cmd_area_list, "list the desk's areas (a table; --json for JSON)")
    p.add_argument("--json", action="store_true", help="JSON output")
    p.add_argument("--inactive", action="store_true", help="include inactive areas")
    p = g.add("add", cmd_area_add, "add an area; prints it as JSON")
    p.add_argument("name", help="its name, e.g. 青山铺镇")
    p.add_argument("--code", help="its 行政区划代码 (6, 9 or 12 digits), where known")
    p.add_argument(
        "--kind", choices=["township", "district", "other"], default="township", help="its kind"
    )
    json_flag(p)
    p = g.add(
        "import-from-directory",
        cmd_area_import,
        "an area for each active duty room of type district or township that is not one yet "
        "(青山铺镇值班室 → 青山铺镇); prints the names created and those already there",
    )
    p.add_argument("--dry-run", action="store_true", help="count, write nothing")
    json_flag(p)
    p = g.add(
        "propose",
        cmd_area_propose,
        "propose an area for each incident without one whose place starts with an area's "
        "name (a table); --apply writes them in one audited transaction",
    )
    p.add_argument("--apply", action="store_true", help="write the proposed areas")
    p.add_argument("--json", action="store_true", help="JSON output")
