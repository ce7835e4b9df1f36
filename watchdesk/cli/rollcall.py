"""`watchdesk rollcall …`: roll-call rounds of the duty rooms (查岗) and the checks made on this
desk by higher offices (`rollcall higher add|list`), as JSON."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from watchdesk.cli.base import EXIT_OK, Commands, Ctx, emit, invalid, json_flag, sql_int, when

if TYPE_CHECKING:
    from watchdesk.models.rollcall import RoundReport
    from watchdesk.store.desk import Store


def _round_json(rep: RoundReport) -> dict[str, Any]:
    d = rep.model_dump(mode="json")
    d["summary"]["on_post"] = rep.summary.on_post
    d["summary"]["rate"] = rep.summary.rate
    return d


def _period(ctx: Ctx, s: Store) -> tuple[datetime, datetime]:
    """--since/--until; default: the 30 days up to tomorrow."""
    end = when(ctx, "until", ctx.args.until) or s.now() + timedelta(days=1)
    start = when(ctx, "since", ctx.args.since) or end - timedelta(days=30)
    return start, end


def cmd_rollcall_list(ctx: Ctx) -> int:
    with ctx.store() as s:
        emit([_round_json(r) for r in s.rollcall.rounds_between(*_period(ctx, s))])
    return EXIT_OK


def cmd_rollcall_show(ctx: Ctx) -> int:
    with ctx.store() as s:
        emit(_round_json(s.rollcall.report(ctx.args.id)))
    return EXIT_OK


def cmd_rollcall_start(ctx: Ctx) -> int:
    a = ctx.args
    with ctx.store() as s:
        rep = s.rollcall.start(a.set, unit_ids=a.unit or None, method=a.method, label=a.label)
        emit(_round_json(rep))
    return EXIT_OK


def cmd_rollcall_record(ctx: Ctx) -> int:
    a = ctx.args
    with ctx.store() as s:
        rep = s.rollcall.record(
            a.id, a.seq, a.outcome, answered_by=a.by, answer_seconds=a.seconds, note=a.note
        )
        emit(_round_json(rep))
    return EXIT_OK


def cmd_rollcall_step(ctx: Ctx) -> int:
    a = ctx.args
    with ctx.store() as s:
        getattr(s.rollcall, a.step)(a.id)
        emit(_round_json(s.rollcall.report(a.id)))
    return EXIT_OK


def cmd_rollcall_higher_add(ctx: Ctx) -> int:
    from pydantic import ValidationError

    from watchdesk.models.rollcall import HigherCheckInput

    a = ctx.args
    with ctx.store() as s:
        try:
            c = HigherCheckInput(
                at=when(ctx, "at", a.at) or s.now(),
                checker=a.checker,
                method=a.method,
                answered_by=a.answered_by,
                leader_present=not a.leader_absent,
                result=a.result,
                note=a.note,
            )
        except ValidationError as e:
            raise invalid(e, prefix="--") from None
        emit(s.rollcall.log_higher_check(c))
    return EXIT_OK


def cmd_rollcall_higher_list(ctx: Ctx) -> int:
    with ctx.store() as s:
        emit(s.rollcall.higher_checks_between(*_period(ctx, s)))
    return EXIT_OK


def register(commands: Commands) -> None:
    r = commands.group("rollcall", "roll-call rounds of duty rooms, and checks by higher offices")
    p = r.add(
        "list",
        cmd_rollcall_list,
        "rounds started in a period (default: last 30 days) with their on-post rates",
    )
    json_flag(p)
    p.add_argument("--since")
    p.add_argument("--until")
    p = r.add("show", cmd_rollcall_show, "one round with every unit's outcome")
    p.add_argument("id", type=sql_int)
    json_flag(p)
    p = r.add("start", cmd_rollcall_start, "start a round over a set of units")
    p.add_argument(
        "--set",
        required=True,
        choices=[
            "level1",
            "level2",
            "level3",
            "linkage",
            "townships",
            "districts",
            "departments",
            "duty_rooms",
            "custom",
        ],
    )
    p.add_argument("--unit", type=sql_int, action="append", help="unit id (custom set; repeat)")
    p.add_argument("--method", choices=["phone", "video"], default="phone")
    p.add_argument("--label", default="")
    json_flag(p)
    p = r.add("record", cmd_rollcall_record, "record the outcome for unit number SEQ of a round")
    p.add_argument("id", type=sql_int)
    p.add_argument("seq", type=sql_int)
    p.add_argument(
        "outcome", choices=["on_post", "no_answer", "busy", "not_on_duty", "leader_absent"]
    )
    p.add_argument("--by", default="", help="who answered")
    p.add_argument("--seconds", type=sql_int, help="seconds to answer")
    p.add_argument("--note", default="")
    json_flag(p)
    for step, text in (
        ("pause", "pause a round"),
        ("resume", "resume a paused round"),
        ("finish", "finish a round and tally its on-post rate"),
    ):
        p = r.add(step, cmd_rollcall_step, text)
        p.add_argument("id", type=sql_int)
        p.set_defaults(step=step)
        json_flag(p)
    h = r.add("higher", None, "checks made on this desk by higher offices")
    hs = r.under(h, "higher")
    p = hs.add("add", cmd_rollcall_higher_add, "log a check by a higher office (上级查岗)")
    p.add_argument("--checker", required=True, help="office and person who checked")
    p.add_argument("--method", choices=["phone", "video", "onsite"], default="phone")
    p.add_argument("--answered-by", default="")
    p.add_argument("--leader-absent", action="store_true", help="the leader on duty was absent")
    p.add_argument("--result", choices=["passed", "problem"], default="passed")
    p.add_argument("--at")
    p.add_argument("--note", default="")
    json_flag(p)
    p = hs.add("list", cmd_rollcall_higher_list, "checks by higher offices in a period")
    json_flag(p)
    p.add_argument("--since")
    p.add_argument("--until")
