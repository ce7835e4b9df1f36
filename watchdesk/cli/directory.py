"""CLI commands of the outward side: `directory`, `warning`, `rollcall`. JSON on stdout.

Registered from `watchdesk.__main__.build_parser`. Bad input raises the store's `InputError`, which
`main()` prints as one line (`watchdesk: field: problem`) with exit status 2; nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

EXIT_OK, EXIT_INPUT = 0, 2


def _emit(obj: Any) -> None:
    from watchdesk.cli import emit

    emit(obj)


def _bad(field: str, problem: str):
    from watchdesk.errors import InputError

    return InputError(field, problem)


def _when(ctx, name: str, value: str | None) -> datetime | None:
    if value is None:
        return None
    from watchdesk.text.timefmt import parse_time

    try:
        return parse_time(value, ctx.settings.tz)
    except ValueError as e:
        raise _bad(f"--{name}", str(e)) from None


def _with_store(ctx, fn: Callable) -> int:
    store = ctx.open_store()
    try:
        out = fn(store)
    finally:
        store.close()
    if out is not None:
        _emit(out)
    return EXIT_OK


# -- directory ------------------------------------------------------------------------------------
def cmd_directory_list(ctx) -> int:
    a = ctx.args
    return _with_store(
        ctx, lambda s: s.directory.units(kind=a.kind, level=a.level, active_only=not a.inactive)
    )


def cmd_directory_search(ctx) -> int:
    a = ctx.args
    return _with_store(
        ctx, lambda s: s.directory.search(a.query, limit=a.limit, include_inactive=a.inactive)
    )


def cmd_directory_import(ctx) -> int:
    from watchdesk.files.directory import ImportRefused, read_units

    path = Path(ctx.args.file)
    if not path.is_file():
        raise _bad(str(path), "no such file")
    try:
        units = read_units(path)
    except ImportRefused as e:
        raise _bad(str(path), str(e)) from None
    except ValueError as e:
        raise _bad(str(path), str(e)) from None
    return _with_store(ctx, lambda s: s.directory.import_units(units, dry_run=ctx.args.dry_run))


def cmd_directory_export(ctx) -> int:
    from watchdesk.files.directory import export_units, file_format

    path = Path(ctx.args.file)
    try:
        file_format(path)
    except ValueError as e:
        raise _bad("file", str(e)) from None

    def run(s):
        try:
            n = export_units(s.directory.units(), path)
        except OSError as e:
            raise _bad(str(path), e.strerror or str(e)) from None
        return {"exported": n, "file": str(path)}

    return _with_store(ctx, run)


# -- warnings -------------------------------------------------------------------------------------
def _level(text: str):
    from watchdesk.rules.warning import parse_level

    try:
        return parse_level(text)
    except ValueError as e:
        raise _bad("--level", str(e)) from None


def _warning_json(s, w) -> dict:
    d = w.model_dump(mode="json")
    d["title_zh"] = w.title("zh")
    d["title_en"] = w.title("en")
    d["colour"] = w.colour.code
    d["history"] = [e.model_dump(mode="json") for e in s.warnings.history(w.id)]
    return d


def cmd_warning_types(ctx) -> int:
    from watchdesk.rules.warning import COLOURS, SIGNAL_TYPES

    _emit(
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


def cmd_warning_issue(ctx) -> int:
    from pydantic import ValidationError

    from watchdesk.models.warning import WarningInput
    from watchdesk.rules.warning import signal_type

    a = ctx.args
    try:
        kind = signal_type(a.kind).code
    except ValueError as e:
        raise _bad("--kind", str(e)) from None
    level = _level(a.level)

    def run(s):
        try:
            w = WarningInput(
                kind=kind,
                level=level,
                area=a.area,
                issuer=a.issuer,
                issued_at=_when(ctx, "at", a.at) or s.now(),
                measures=a.measures,
                note=a.note,
            )
        except ValidationError as e:
            err = e.errors()[0]
            raise _bad("--" + ".".join(str(x) for x in err["loc"]), err["msg"]) from None
        return _warning_json(s, s.warnings.issue(w))

    return _with_store(ctx, run)


def cmd_warning_change(ctx) -> int:
    a = ctx.args
    level = _level(a.level)
    at = _when(ctx, "at", a.at)
    return _with_store(
        ctx,
        lambda s: _warning_json(
            s,
            s.warnings.change(
                a.id, level, at=at, issuer=a.issuer, area=a.area, measures=a.measures, note=a.note
            ),
        ),
    )


def cmd_warning_lift(ctx) -> int:
    a = ctx.args
    at = _when(ctx, "at", a.at)
    return _with_store(ctx, lambda s: _warning_json(s, s.warnings.lift(a.id, at=at, note=a.note)))


def cmd_warning_list(ctx) -> int:
    a = ctx.args
    at = _when(ctx, "at", a.at)

    def run(s):
        items = s.warnings.list(include_lifted=True) if a.all else s.warnings.in_force(at)
        return [_warning_json(s, w) for w in items]

    return _with_store(ctx, run)


def cmd_warning_show(ctx) -> int:
    return _with_store(ctx, lambda s: _warning_json(s, s.warnings.get(ctx.args.id)))


# -- roll-call ------------------------------------------------------------------------------------
def _round_json(rep) -> dict:
    d = rep.model_dump(mode="json")
    d["summary"]["on_post"] = rep.summary.on_post
    d["summary"]["rate"] = rep.summary.rate
    return d


def cmd_rollcall_list(ctx) -> int:
    a = ctx.args

    def run(s):
        end = _when(ctx, "until", a.until) or s.now() + timedelta(days=1)
        start = _when(ctx, "since", a.since) or end - timedelta(days=30)
        return [_round_json(r) for r in s.rollcall.rounds_between(start, end)]

    return _with_store(ctx, run)


def cmd_rollcall_show(ctx) -> int:
    return _with_store(ctx, lambda s: _round_json(s.rollcall.report(ctx.args.id)))


def cmd_rollcall_start(ctx) -> int:
    a = ctx.args
    return _with_store(
        ctx,
        lambda s: _round_json(
            s.rollcall.start(a.set, unit_ids=a.unit or None, method=a.method, label=a.label)
        ),
    )


def cmd_rollcall_record(ctx) -> int:
    a = ctx.args
    return _with_store(
        ctx,
        lambda s: _round_json(
            s.rollcall.record(
                a.id, a.seq, a.outcome, answered_by=a.by, answer_seconds=a.seconds, note=a.note
            )
        ),
    )


def cmd_rollcall_step(ctx) -> int:
    a = ctx.args

    def run(s):
        getattr(s.rollcall, a.step)(a.id)
        return _round_json(s.rollcall.report(a.id))

    return _with_store(ctx, run)


def cmd_rollcall_higher_add(ctx) -> int:
    from pydantic import ValidationError

    from watchdesk.models.rollcall import HigherCheckInput

    a = ctx.args

    def run(s):
        try:
            c = HigherCheckInput(
                at=_when(ctx, "at", a.at) or s.now(),
                checker=a.checker,
                method=a.method,
                answered_by=a.answered_by,
                leader_present=not a.leader_absent,
                result=a.result,
                note=a.note,
            )
        except ValidationError as e:
            err = e.errors()[0]
            raise _bad("--" + ".".join(str(x) for x in err["loc"]), err["msg"]) from None
        return s.rollcall.log_higher_check(c)

    return _with_store(ctx, run)


def cmd_rollcall_higher_list(ctx) -> int:
    a = ctx.args

    def run(s):
        end = _when(ctx, "until", a.until) or s.now() + timedelta(days=1)
        start = _when(ctx, "since", a.since) or end - timedelta(days=30)
        return s.rollcall.higher_checks_between(start, end)

    return _with_store(ctx, run)


# -- parser ---------------------------------------------------------------------------------------
def register(sub, add) -> None:
    """Add `directory`, `warning` and `rollcall` to the top-level subparsers. `add(name, func,
    help, parent)` is build_parser's helper (it adds --db/--lang/--config)."""

    def group(name: str, help: str):
        g = sub.add_parser(name, help=help, description=help)
        gs = g.add_subparsers(title=f"{name} commands", metavar="ACTION", parser_class=type(g))
        g.set_defaults(func=lambda ctx: (g.print_help(), EXIT_INPUT)[1])
        return gs

    def json_flag(p):
        p.add_argument("--json", action="store_true", help="JSON output (the only format)")

    d = group("directory", "linkage units and duty rooms: list, search, import, export")
    p = add("list", cmd_directory_list, "list units with their contacts as JSON", d)
    json_flag(p)
    p.add_argument("--kind", choices=["linkage", "duty_room"])
    p.add_argument("--level", type=int, choices=[1, 2, 3])
    p.add_argument("--inactive", action="store_true", help="include inactive units")
    p = add(
        "search",
        cmd_directory_search,
        "search by name, full pinyin, pinyin initials (gaj finds 公安局) or phone digits",
        d,
    )
    p.add_argument("query")
    json_flag(p)
    p.add_argument("--limit", type=int, default=20)
    p.add_argument("--inactive", action="store_true", help="include inactive units")
    p = add(
        "import",
        cmd_directory_import,
        "import units from .csv (UTF-8, BOM optional; "
        "GB18030 accepted) or .xlsx; every row is checked and nothing is written if any is "
        "bad; units are matched by name",
        d,
    )
    p.add_argument("file")
    p.add_argument("--dry-run", action="store_true", help="check and count, write nothing")
    p = add(
        "export",
        cmd_directory_export,
        "export every unit to .csv (UTF-8 with BOM, opens "
        "in Excel/WPS) or .xlsx, chosen by the file's extension",
        d,
    )
    p.add_argument("file")

    w = group("warning", "early warnings: issue, change level, lift, list")
    p = add("types", cmd_warning_types, "the warning kinds, the levels each has, and sources", w)
    json_flag(p)
    p = add("issue", cmd_warning_issue, "record an issued warning", w)
    p.add_argument("--kind", required=True, help="e.g. rainstorm or 暴雨 (see `warning types`)")
    p.add_argument("--level", required=True, help="I–IV, 1–4, red/orange/yellow/blue, 红色…")
    p.add_argument("--area", required=True)
    p.add_argument("--issuer", required=True)
    p.add_argument("--at", help="issue time (default now; naive times are in the desk's zone)")
    p.add_argument("--measures", default="")
    p.add_argument("--note", default="")
    json_flag(p)
    p = add("change", cmd_warning_change, "re-issue a warning at a new level (history kept)", w)
    p.add_argument("id", type=int)
    p.add_argument("--level", required=True)
    p.add_argument("--at")
    p.add_argument("--issuer")
    p.add_argument("--area")
    p.add_argument("--measures")
    p.add_argument("--note", default="")
    json_flag(p)
    p = add("lift", cmd_warning_lift, "lift a warning (it cannot be changed afterwards)", w)
    p.add_argument("id", type=int)
    p.add_argument("--at")
    p.add_argument("--note", default="")
    json_flag(p)
    p = add("list", cmd_warning_list, "warnings in force (most severe first), or --all", w)
    json_flag(p)
    p.add_argument("--all", action="store_true", help="include lifted warnings")
    p.add_argument("--at", help="in force at this time instead of now")
    p = add("show", cmd_warning_show, "one warning with its history", w)
    p.add_argument("id", type=int)
    json_flag(p)

    r = group("rollcall", "roll-call rounds of duty rooms, and checks by higher offices")
    p = add(
        "list",
        cmd_rollcall_list,
        "rounds started in a period (default: last 30 days) with their on-post rates",
        r,
    )
    json_flag(p)
    p.add_argument("--since")
    p.add_argument("--until")
    p = add("show", cmd_rollcall_show, "one round with every unit's outcome", r)
    p.add_argument("id", type=int)
    json_flag(p)
    p = add("start", cmd_rollcall_start, "start a round over a set of units", r)
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
    p.add_argument("--unit", type=int, action="append", help="unit id (custom set; repeat)")
    p.add_argument("--method", choices=["phone", "video"], default="phone")
    p.add_argument("--label", default="")
    json_flag(p)
    p = add("record", cmd_rollcall_record, "record the outcome for unit number SEQ of a round", r)
    p.add_argument("id", type=int)
    p.add_argument("seq", type=int)
    p.add_argument(
        "outcome", choices=["on_post", "no_answer", "busy", "not_on_duty", "leader_absent"]
    )
    p.add_argument("--by", default="", help="who answered")
    p.add_argument("--seconds", type=int, help="seconds to answer")
    p.add_argument("--note", default="")
    json_flag(p)
    for step, text in (
        ("pause", "pause a round"),
        ("resume", "resume a paused round"),
        ("finish", "finish a round and tally its on-post rate"),
    ):
        p = add(step, cmd_rollcall_step, text, r)
        p.add_argument("id", type=int)
        p.set_defaults(step=step)
        json_flag(p)
    h = add("higher", lambda ctx: EXIT_INPUT, "checks made on this desk by higher offices", r)
    hs = h.add_subparsers(title="higher commands", metavar="ACTION", parser_class=type(h))
    h.set_defaults(func=lambda ctx: (h.print_help(), EXIT_INPUT)[1])
    p = add("add", cmd_rollcall_higher_add, "log a check by a higher office (上级查岗)", hs)
    p.add_argument("--checker", required=True, help="office and person who checked")
    p.add_argument("--method", choices=["phone", "video", "onsite"], default="phone")
    p.add_argument("--answered-by", default="")
    p.add_argument("--leader-absent", action="store_true", help="the leader on duty was absent")
    p.add_argument("--result", choices=["passed", "problem"], default="passed")
    p.add_argument("--at")
    p.add_argument("--note", default="")
    json_flag(p)
    p = add("list", cmd_rollcall_higher_list, "checks by higher offices in a period", hs)
    json_flag(p)
    p.add_argument("--since")
    p.add_argument("--until")
