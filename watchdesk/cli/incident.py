"""`watchdesk incident add|list|show|void`: incidents as JSON, with their deadline clocks and
reports."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from watchdesk.cli.base import (
    EXIT_OK,
    Commands,
    Ctx,
    UserError,
    emit,
    json_flag,
    read_json,
    sql_int,
    when,
)

if TYPE_CHECKING:
    from watchdesk.models.incident import Incident
    from watchdesk.store.desk import Store


def incident_json(store: Store, inc: Incident) -> dict[str, Any]:
    d = inc.model_dump(mode="json")
    d["deadlines"] = [x.model_dump(mode="json") for x in store.incidents.deadlines(inc.id)]
    d["reports"] = [x.model_dump(mode="json") for x in store.incidents.reports(inc.id)]
    return d


def cmd_incident_add(ctx: Ctx) -> int:
    from watchdesk.rules.intake import facts_from_mapping

    data = read_json(ctx.args.json)
    with ctx.store() as s:
        facts = facts_from_mapping(data, now=s.now(), tz=s.tz)
        emit(incident_json(s, s.incidents.add(facts)))
    return EXIT_OK


def cmd_incident_list(ctx: Ctx) -> int:
    from watchdesk.models.incident import Grade, IncidentStatus

    a = ctx.args
    try:
        status = IncidentStatus(a.status) if a.status else None
        grade = Grade(a.grade) if a.grade else None
    except ValueError as e:
        raise UserError(str(e)) from None
    since, until = when(ctx, "since", a.since), when(ctx, "until", a.until)
    with ctx.store() as s:
        items = s.incidents.list(
            since=since, until=until, status=status, grade=grade, category=a.category, limit=a.limit
        )
        emit([i.model_dump(mode="json") for i in items])
    return EXIT_OK


def cmd_incident_show(ctx: Ctx) -> int:
    with ctx.store() as s:
        emit(incident_json(s, s.incidents.get(ctx.args.id)))
    return EXIT_OK


def cmd_incident_void(ctx: Ctx) -> int:
    with ctx.store() as s:
        emit(incident_json(s, s.incidents.void(ctx.args.id, ctx.args.reason)))
    return EXIT_OK


def register(commands: Commands) -> None:
    inc = commands.group("incident", "add, list, show or void incidents")
    p = inc.add(
        "add",
        cmd_incident_add,
        "add an incident from a JSON object; prints it with its suggested grade and deadlines",
    )
    p.add_argument("--json", required=True, metavar="FILE|-", help="JSON file, or - for stdin")
    p = inc.add("list", cmd_incident_list, "list incidents as JSON (newest first)")
    json_flag(p)
    p.add_argument("--since", help="received at or after (e.g. 2026-11-01 or '2026-11-22 08:30')")
    p.add_argument("--until", help="received before")
    p.add_argument("--status", choices=["open", "closed", "voided"])
    p.add_argument("--grade", choices=["I", "II", "III", "IV"])
    p.add_argument("--category", help="category code, e.g. accident")
    p.add_argument("--limit", type=sql_int, default=200)
    p = inc.add("show", cmd_incident_show, "show one incident with its clocks and reports")
    p.add_argument("id", type=sql_int)
    json_flag(p)
    p = inc.add("void", cmd_incident_void, "void an incident (incidents are never deleted)")
    p.add_argument("id", type=sql_int)
    p.add_argument("--reason", required=True)
