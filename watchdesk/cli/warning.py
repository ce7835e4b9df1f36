"""`watchdesk warning types|issue|change|lift|list|show`: early warnings (预警信号) and their
history, as JSON."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from watchdesk.cli.base import EXIT_OK, Commands, Ctx, emit, invalid, json_flag, sql_int, when
from watchdesk.errors import InputError

if TYPE_CHECKING:
    from watchdesk.models.warning import EarlyWarning
    from watchdesk.rules.warning import Level
    from watchdesk.store.desk import Store


def _level(text: str) -> Level:
    from watchdesk.rules.warning import parse_level

    try:
        return parse_level(text)
    except ValueError as e:
        raise InputError("--level", str(e)) from None


def warning_json(s: Store, w: EarlyWarning) -> dict[str, Any]:
    d = w.model_dump(mode="json")
    d["title_zh"] = w.title("zh")
    d["title_en"] = w.title("en")
    d["colour"] = w.colour.code
    d["history"] = [e.model_dump(mode="json") for e in s.warnings.history(w.id)]
    return d


def cmd_warning_types(ctx: Ctx) -> int:
    from watchdesk.rules.warning import COLOURS, SIGNAL_TYPES

    emit(
        [
            {
                "code": k.code,
                "zh": k.zh,
                "en": k.en,
                "group": k.group,
                "levels": [{"level": x.value, "colour": COLOURS[x].code} for x in k.levels],
                "source": k.source,
                "confidence": k.confidence,
            }
            for k in SIGNAL_TYPES.values()
        ]
    )
    return EXIT_OK


def cmd_warning_issue(ctx: Ctx) -> int:
    from pydantic import ValidationError

    from watchdesk.models.warning import WarningInput
    from watchdesk.rules.warning import signal_type

    a = ctx.args
    try:
        kind = signal_type(a.kind).code
    except ValueError as e:
        raise InputError("--kind", str(e)) from None
    level = _level(a.level)
    with ctx.store() as s:
        try:
            w = WarningInput(
                kind=kind,
                level=level,
                area=a.area,
                issuer=a.issuer,
                issued_at=when(ctx, "at", a.at) or s.now(),
                measures=a.measures,
                note=a.note,
            )
        except ValidationError as e:
            raise invalid(e, prefix="--") from None
        emit(warning_json(s, s.warnings.issue(w)))
    return EXIT_OK


def cmd_warning_change(ctx: Ctx) -> int:
    a = ctx.args
    level = _level(a.level)
    at = when(ctx, "at", a.at)
    with ctx.store() as s:
        w = s.warnings.change(
            a.id, level, at=at, issuer=a.issuer, area=a.area, measures=a.measures, note=a.note
        )
        emit(warning_json(s, w))
    return EXIT_OK


def cmd_warning_lift(ctx: Ctx) -> int:
    a = ctx.args
    at = when(ctx, "at", a.at)
    with ctx.store() as s:
        emit(warning_json(s, s.warnings.lift(a.id, at=at, note=a.note)))
    return EXIT_OK


def cmd_warning_list(ctx: Ctx) -> int:
    a = ctx.args
    at = when(ctx, "at", a.at)
    with ctx.store() as s:
        items = s.warnings.list(include_lifted=True) if a.all else s.warnings.in_force(at)
        emit([warning_json(s, w) for w in items])
    return EXIT_OK


def cmd_warning_show(ctx: Ctx) -> int:
    with ctx.store() as s:
        emit(warning_json(s, s.warnings.get(ctx.args.id)))
    return EXIT_OK


def register(commands: Commands) -> None:
    w = commands.group("warning", "early warnings: issue, change level, lift, list")
    p = w.add("types", cmd_warning_types, "the warning kinds, the levels each has, and sources")
    json_flag(p)
    p = w.add("issue", cmd_warning_issue, "record an issued warning")
    p.add_argument("--kind", required=True, help="e.g. rainstorm or 暴雨 (see `warning types`)")
    p.add_argument("--level", required=True, help="I–IV, 1–4, red/orange/yellow/blue, 红色…")
    p.add_argument("--area", required=True)
    p.add_argument("--issuer", required=True)
    p.add_argument("--at", help="issue time (default now; naive times are in the desk's zone)")
    p.add_argument("--measures", default="")
    p.add_argument("--note", default="")
    json_flag(p)
    p = w.add("change", cmd_warning_change, "re-issue a warning at a new level (history kept)")
    p.add_argument("id", type=sql_int)
    p.add_argument("--level", required=True)
    p.add_argument("--at")
    p.add_argument("--issuer")
    p.add_argument("--area")
    p.add_argument("--measures")
    p.add_argument("--note", default="")
    json_flag(p)
    p = w.add("lift", cmd_warning_lift, "lift a warning (it cannot be changed afterwards)")
    p.add_argument("id", type=sql_int)
    p.add_argument("--at")
    p.add_argument("--note", default="")
    json_flag(p)
    p = w.add("list", cmd_warning_list, "warnings in force (most severe first), or --all")
    json_flag(p)
    p.add_argument("--all", action="store_true", help="include lifted warnings")
    p.add_argument("--at", help="in force at this time instead of now")
    p = w.add("show", cmd_warning_show, "one warning with its history")
    p.add_argument("id", type=sql_int)
    json_flag(p)
