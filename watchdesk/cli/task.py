"""`watchdesk task …`: passing on and following up (传、跟) as JSON — tasks given to units from
an incident, a duty-log entry or a warning; their steps (acknowledged, on scene, fed back), the
calls chasing a late one (督办), cancelling one; notices from above (上级来文 / 预警通知) with
their own clocks; the first receiver of an incident (首接负责制); a roll-call of the units
dispatched to an incident. The console's `a` (dispatch) and `b` (tasks) keys do the same."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from watchdesk.cli.base import (
    EXIT_OK,
    Commands,
    Ctx,
    Listing,
    emit,
    fields_as_options,
    json_flag,
    sql_int,
    when,
)
from watchdesk.errors import InputError
from watchdesk.i18n import t

if TYPE_CHECKING:
    from watchdesk.models.dispatch import Task
    from watchdesk.store.desk import Store

CHANNELS = {
    "phone": ("电话",),
    "fax": ("传真",),
    "sms": ("短信",),
    "system": ("系统",),
}
KINDS = {"dispatch": ("派出", "派出联动"), "instruction": ("传达", "指令", "批示")}
OPTIONS = {
    "issued_at": "--at",
    "at": "--at",
    "units": "--unit",
    "unit": "--unit",
    "instruction": "--text",
    "note": "--text",
    "outcome": "--outcome",
    "reason": "--reason",
    "content": "--content",
    "from": "--from",
    "to": "--to",
    "incident_id": "--incident",
    "task": "ID",
    "step": "--step",
}

TASK_JSON = """\
prints the task(s): {"id", "kind", "incident_id", "log_entry_id", "parent_id", "warning_id",
"unit_id", "unit_name", "instruction", "channel", "passed_by", "issued_at", "urban", "status",
"cancel_reason", "clocks": [{"step", "due_at", "rule", "source", "done_at", "late_seconds",
"note"}], "chases": [{"at", "outcome", "by_whom"}]}; late_seconds > 0 is late, 0 or less on
time (exactly on the clock is on time)"""


def _pick(option: str, text: str | None, choices: Mapping[str, tuple[str, ...]], key: str) -> str:
    value = (text or "").strip().lower()
    for code, words in choices.items():
        if value == code or value in words:
            return code
    raise InputError(option, t(key, value=repr(text)))


def _unit_ids(s: Store, values: list[str] | None) -> list[int]:
    """--unit: an id or a unit's exact name, repeated."""
    out = []
    for v in values or []:
        v = v.strip()
        if v.isdigit():
            out.append(int(v))
            continue
        u = s.directory.find(v)
        if u is None or u.id is None:
            raise InputError("--unit", t("err.unit.not_found", id=v))
        out.append(u.id)
    return out


def _json(task: Task) -> dict[str, Any]:
    d = task.model_dump(mode="json")
    d["next_step"] = nxt.step.value if (nxt := task.next_clock()) else None
    d["chased"] = len(task.chases)
    return d


def _emit(tasks: Task | list[Task]) -> None:
    emit([_json(x) for x in tasks] if isinstance(tasks, list) else _json(tasks))


def cmd_task_add(ctx: Ctx) -> int:
    from pydantic import ValidationError

    from watchdesk.cli.base import invalid
    from watchdesk.models.dispatch import Channel, TaskInput
    from watchdesk.rules.dispatch import TaskKind

    a = ctx.args
    sources = [x for x in (a.incident, a.log, a.warning, a.notice) if x is not None]
    if len(sources) != 1:
        raise InputError("--incident", t("err.dispatch.one_source"))
    channel = _pick("--channel", a.channel, CHANNELS, "err.dispatch.channel")
    kind = _pick("--kind", a.kind, KINDS, "err.dispatch.kind")
    at = when(ctx, "at", a.at, past=True)
    with ctx.store() as s, fields_as_options(OPTIONS):
        incident = a.incident
        if a.log is not None and incident is None:
            incident = s.dutylog.get(a.log).incident_id
        try:
            inp = TaskInput(
                kind=TaskKind(kind),
                incident_id=incident,
                log_entry_id=a.log,
                warning_id=a.warning,
                unit_ids=_unit_ids(s, a.unit),
                instruction=a.text,
                channel=Channel(channel),
                passed_by=a.by or "",
                issued_at=at or s.now(),
                urban=a.urban,
            )
        except ValidationError as e:
            bad = invalid(e, prefix="--")
            raise InputError(
                OPTIONS.get(bad.field.removeprefix("--"), bad.field),
                bad.problem.removeprefix("Value error, "),
            ) from None
        if a.notice is not None:
            _emit(s.dispatch.pass_on(a.notice, inp))
        else:
            _emit(s.dispatch.add(inp))
    return EXIT_OK


def cmd_task_list(ctx: Ctx) -> int:
    a = ctx.args
    with ctx.store() as s:
        _emit(s.dispatch.list(incident_id=a.incident, open_only=a.open, limit=a.limit))
    return EXIT_OK


def cmd_task_show(ctx: Ctx) -> int:
    with ctx.store() as s, fields_as_options(OPTIONS):
        _emit(s.dispatch.get(ctx.args.id))
    return EXIT_OK


def _record(ctx: Ctx, step: str | None) -> int:
    a = ctx.args
    at = when(ctx, "at", a.at, past=True)
    with ctx.store() as s, fields_as_options(OPTIONS):
        _emit(s.dispatch.record(a.id, step or a.step, at, getattr(a, "text", None) or ""))
    return EXIT_OK


def cmd_task_ack(ctx: Ctx) -> int:
    return _record(ctx, "ack")


def cmd_task_arrive(ctx: Ctx) -> int:
    return _record(ctx, "arrive")


def cmd_task_feedback(ctx: Ctx) -> int:
    return _record(ctx, "feedback")


def cmd_task_step(ctx: Ctx) -> int:
    return _record(ctx, None)


def cmd_task_chase(ctx: Ctx) -> int:
    a = ctx.args
    at = when(ctx, "at", a.at, past=True)
    with ctx.store() as s, fields_as_options(OPTIONS):
        _emit(s.dispatch.chase(a.id, a.outcome, at))
    return EXIT_OK


def cmd_task_cancel(ctx: Ctx) -> int:
    a = ctx.args
    with ctx.store() as s, fields_as_options(OPTIONS):
        _emit(s.dispatch.cancel(a.id, a.reason))
    return EXIT_OK


def cmd_task_notice(ctx: Ctx) -> int:
    a = ctx.args
    at = when(ctx, "at", a.at, past=True)
    with ctx.store() as s, fields_as_options(OPTIONS):
        _emit(
            s.dispatch.add_notice(
                a.content, a.from_, at or s.now(), warning_id=a.warning, incident_id=a.incident
            )
        )
    return EXIT_OK


def cmd_task_first(ctx: Ctx) -> int:
    a = ctx.args
    at = when(ctx, "at", a.at, past=True)
    if bool(a.unit) == bool(a.to):
        raise InputError("--unit", t("err.dispatch.first_unit"))
    with ctx.store() as s, fields_as_options(OPTIONS):
        if a.unit:
            ids = _unit_ids(s, [a.unit]) if a.unit.strip().isdigit() else []
            fr = s.dispatch.set_first_receiver(
                a.id,
                unit_id=ids[0] if ids else None,
                unit_name="" if ids else a.unit,
                at=at,
                note=a.note or "",
            )
        else:
            ids = _unit_ids(s, [a.to]) if a.to.strip().isdigit() else []
            fr = s.dispatch.hand_over_first(
                a.id,
                to_unit_id=ids[0] if ids else None,
                to_name="" if ids else a.to,
                at=at,
                note=a.note or "",
            )
        emit(fr.model_dump(mode="json"))
    return EXIT_OK


def cmd_task_rollcall(ctx: Ctx) -> int:
    with ctx.store() as s, fields_as_options(OPTIONS):
        rep = s.dispatch.start_rollcall(ctx.args.incident)
        d = rep.model_dump(mode="json")
        d["summary"]["rate"] = rep.summary.rate
        emit(d)
    return EXIT_OK


def register(commands: Commands) -> None:
    task = commands.group(
        "task",
        "passing on and following up (传、跟): tasks given to units, their steps, chasing (督办), "
        "notices from above, first receivers (首接)",
    )
    p = task.add(
        "add",
        cmd_task_add,
        "dispatch units or pass an instruction on: one task per unit, each with its clocks",
    )
    p.formatter_class = Listing
    p.epilog = TASK_JSON
    p.add_argument("--incident", type=sql_int, metavar="ID", help="from an incident")
    p.add_argument("--log", type=sql_int, metavar="ID", help="from a duty-log entry (a 批示)")
    p.add_argument(
        "--warning",
        type=sql_int,
        metavar="ID",
        help="from a warning: without --unit, to the duty rooms in its area",
    )
    p.add_argument(
        "--notice", type=sql_int, metavar="ID", help="pass a notice from above on (its 传达 clock)"
    )
    p.add_argument(
        "--unit", action="append", metavar="ID|NAME", help="a unit of the directory (repeat)"
    )
    p.add_argument("--text", required=True, metavar="TEXT", help="the instruction passed on")
    p.add_argument(
        "--channel", default="phone", metavar="phone|fax|sms|system", help="how (default: phone)"
    )
    p.add_argument(
        "--kind",
        default="dispatch",
        metavar="dispatch|instruction",
        help="dispatch: to the scene (an on-scene clock); instruction: acknowledged and fed back",
    )
    p.add_argument("--by", metavar="NAME", help="who passed it on (default: whoever is acting)")
    p.add_argument("--at", metavar="TIME", help="when it was given (default: now)")
    g = p.add_mutually_exclusive_group()
    g.add_argument(
        "--urban",
        dest="urban",
        action="store_const",
        const=True,
        default=None,
        help="the central urban area (default: from the incident's area and the pack)",
    )
    g.add_argument("--not-urban", dest="urban", action="store_const", const=False)
    json_flag(p)

    p = task.add("list", cmd_task_list, "list tasks as JSON (oldest first)")
    p.add_argument("--incident", type=sql_int, metavar="ID", help="the tasks of one incident")
    p.add_argument("--open", action="store_true", help="open tasks only")
    p.add_argument("--limit", type=sql_int, default=500)
    json_flag(p)

    p = task.add("show", cmd_task_show, "one task with its clocks and chases")
    p.add_argument("id", type=sql_int, metavar="ID")
    json_flag(p)

    for name, func, help_ in (
        ("ack", cmd_task_ack, "record that the unit acknowledged (接收)"),
        ("arrive", cmd_task_arrive, "record that the unit is on scene (到场)"),
        ("feedback", cmd_task_feedback, "record the unit's feedback (反馈; --text required)"),
    ):
        p = task.add(name, func, help_)
        p.add_argument("id", type=sql_int, metavar="ID")
        p.add_argument("--at", metavar="TIME", help="when (default: now)")
        p.add_argument("--text", metavar="TEXT", help="a note; for feedback, what it said")
        json_flag(p)

    p = task.add("step", cmd_task_step, "record a step by name (a notice: leader, pass, receipt)")
    p.add_argument("id", type=sql_int, metavar="ID")
    p.add_argument(
        "--step",
        metavar="STEP",
        help="ack, arrive, feedback, leader, pass, receipt (default: the next one)",
    )
    p.add_argument("--at", metavar="TIME", help="when (default: now)")
    p.add_argument("--text", metavar="TEXT", help="a note")
    json_flag(p)

    p = task.add("chase", cmd_task_chase, "record a call chasing a task past its clock (督办)")
    p.add_argument("id", type=sql_int, metavar="ID")
    p.add_argument("--outcome", required=True, metavar="TEXT", help="what the call gave")
    p.add_argument("--at", metavar="TIME", help="when (default: now)")
    json_flag(p)

    p = task.add("cancel", cmd_task_cancel, "cancel a task given by mistake (kept, struck)")
    p.add_argument("id", type=sql_int, metavar="ID")
    p.add_argument("--reason", required=True, metavar="TEXT")
    json_flag(p)

    p = task.add(
        "notice",
        cmd_task_notice,
        "log a notice or warning from above (上级来文) with its clocks: leader, pass on, receipt",
    )
    p.add_argument("--from", dest="from_", required=True, metavar="OFFICE", help="who sent it")
    p.add_argument("--content", required=True, metavar="TEXT", help="what it says")
    p.add_argument("--at", metavar="TIME", help="when it was received (default: now)")
    p.add_argument("--warning", type=sql_int, metavar="ID", help="the warning it is about")
    p.add_argument("--incident", type=sql_int, metavar="ID", help="the incident it is about")
    json_flag(p)

    p = task.add(
        "first",
        cmd_task_first,
        "首接负责制: the unit that received an incident first (--unit), or its handover (--to)",
    )
    p.add_argument("id", type=sql_int, metavar="INCIDENT")
    p.add_argument("--unit", metavar="ID|NAME", help="the first receiving unit")
    p.add_argument("--to", metavar="ID|NAME", help="the unit it handed over to")
    p.add_argument("--at", metavar="TIME", help="when (default: now)")
    p.add_argument("--note", metavar="TEXT")
    json_flag(p)

    p = task.add(
        "rollcall",
        cmd_task_rollcall,
        "start a roll-call round of the units dispatched to an incident",
    )
    p.add_argument("--incident", type=sql_int, required=True, metavar="ID")
    json_flag(p)
