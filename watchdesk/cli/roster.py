"""The duty roster: `watchdesk roster …` (show, problems, import, export, generate, hours, swap,
substitute, remove, ack, sensitive, leave, config), who is on duty (`now`, `next`), the take-over
sign-in (`signin`) and the leader-on-duty check (`leader-check`)."""

from __future__ import annotations

import argparse
import re
import sys
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from watchdesk.cli.base import (
    EXIT_FAIL,
    EXIT_OK,
    Commands,
    Ctx,
    UserError,
    day,
    emit,
    invalid,
    json_flag,
    read_json,
    sql_int,
    time_in_shift,
    when,
    write_output,
)
from watchdesk.errors import InputError

if TYPE_CHECKING:
    from watchdesk.models.base import RowProblem
    from watchdesk.models.roster import ShiftView
    from watchdesk.store.desk import Store


# -- JSON -------------------------------------------------------------------------------------
def shift_json(view: ShiftView | None) -> dict[str, Any] | None:
    if view is None:
        return None
    return {
        "shift_id": view.shift.id,
        "starts_at": view.shift.starts_at.isoformat(),
        "ends_at": view.shift.ends_at.isoformat(),
        "label": view.shift.label,
        "people": [
            {"role": a.role.value, "name": a.officer_name, "officer_id": a.officer_id}
            for a in view.assignments
        ],
    }


def duty_json(store: Store, now: datetime) -> dict[str, Any]:
    d = store.roster.duty_status(now)
    since = d.escalation.since
    return {
        "shift_id": d.shift_id,
        "signin": d.signin.model_dump(mode="json") if d.signin else None,
        "leader_check": {
            "escalated": d.escalation.active,
            "since": since.isoformat() if since else None,
            "checks": [c.model_dump(mode="json", exclude={"history"}) for c in d.checks],
        },
        "problems_ahead": d.problems_ahead,
    }


# -- arguments --------------------------------------------------------------------------------
def _range(ctx: Ctx, store: Store, *, days: int = 7) -> tuple[datetime, datetime]:
    """--from/--to as inclusive dates in the desk zone; default: today and the next days."""
    today = store.now().astimezone(store.tz).date()
    first = day("from", getattr(ctx.args, "from_", None), today)
    last = day("to", getattr(ctx.args, "to", None), first + timedelta(days=days - 1))
    if last < first:
        from watchdesk.i18n import t

        raise UserError(t("clitext.roster.to_before_from"))
    return (
        datetime.combine(first, time(0), tzinfo=store.tz),
        datetime.combine(last + timedelta(days=1), time(0), tzinfo=store.tz),
    )


def _officer(store: Store, name: str, field: str) -> int:
    """The id of the active officer of that name (an unknown name is bad input in `field`)."""
    oid = store.roster.officer_by_name(name, field).id
    assert oid is not None  # read from the desk: numbered
    return oid


def _ids(store: Store, field: str, text: str | None) -> list[int]:
    """Officers named in a comma-separated list (Chinese commas and 、 too), in order."""
    return [
        _officer(store, n, field) for n in re.split(r"[,，、;；\s]+", (text or "").strip()) if n
    ]


# -- who is on duty ---------------------------------------------------------------------------
def cmd_now(ctx: Ctx) -> int:
    with ctx.store() as s:
        now = s.now()
        emit(
            {
                "at": now.isoformat(),
                "now": shift_json(s.roster.on_duty(now)),
                "next": shift_json(s.roster.next_shift(now)),
                "duty": duty_json(s, now),
            }
        )
    return EXIT_OK


def cmd_next(ctx: Ctx) -> int:
    with ctx.store() as s:
        emit(shift_json(s.roster.next_shift(s.now())))
    return EXIT_OK


# -- the roster -------------------------------------------------------------------------------
def calendar_warning(years: list[int]) -> None:
    """Say on stderr that the holidays of `years` are an estimate (no official arrangement yet)."""
    if years:
        from watchdesk.i18n import t

        print(
            "watchdesk: " + t("calendar.unconfirmed", years=", ".join(map(str, years))),
            file=sys.stderr,
        )


def cmd_roster_show(ctx: Ctx) -> int:
    with ctx.store() as s:
        start, end = _range(ctx, s)
        page = s.roster.page(start, end)
        emit(page.model_dump(mode="json"))
    calendar_warning(page.calendar_unconfirmed)
    return EXIT_OK


def cmd_roster_problems(ctx: Ctx) -> int:
    with ctx.store() as s:
        if getattr(ctx.args, "from_", None) is None and ctx.args.to is None:
            now = s.now()
            try:
                start, end = now, now + timedelta(hours=ctx.args.hours)
            except OverflowError:
                from watchdesk.i18n import t

                raise InputError("--hours", t("input.too_far", value=ctx.args.hours)) from None
        else:
            start, end = _range(ctx, s)
        items = s.roster.problems(start, end, include_acknowledged=ctx.args.all)
        emit([v.model_dump(mode="json") for v in items])
    open_ = [v for v in items if not v.acknowledged]
    return EXIT_FAIL if ctx.args.check and open_ else EXIT_OK


def cmd_roster_import(ctx: Ctx) -> int:
    from watchdesk.files.roster import RosterFileError, read_file
    from watchdesk.store.roster.repo import RosterImportError

    a = ctx.args
    with ctx.store() as s:
        try:
            rows, errors = read_file(
                a.file,
                s.tz,
                a.format,
                slots=s.roster.config().slots(),  # the office layout: a day's shift
                today=s.now().astimezone(s.tz).date(),  # 12月1日: the year nearest today
            )
        except RosterFileError as e:
            text = str(e)
            raise UserError(text if text.startswith(str(a.file)) else f"{a.file}: {text}") from None
        unknown = {} if a.add_officers else s.roster.unknown_names(rows)
        if a.dry_run:
            ctx.act_for_dry_run(s)
        try:
            res = s.roster.import_rows(
                rows,
                add_officers=a.add_officers,
                dry_run=a.dry_run,
                reason=a.reason or f"import {Path(a.file).name}",
                errors=errors,
            )
        except RosterImportError as e:
            raise UserError(_import_refusal(a.file, e.errors, unknown)) from None
        emit(res)
    return EXIT_OK


def _import_refusal(file: str, errors: list[RowProblem], unknown: dict[str, list[int]]) -> str:
    """The refused import: the file, every bad row, and the names the desk does not know (never
    added unless asked: `--add-officers`, or `watchdesk officer add` first)."""
    from watchdesk.i18n import t

    if not unknown:
        lines = [t("clitext.import.bad_rows", file=file, n=len(errors))]
        return "\n".join(lines + [f"  {err}" for err in errors])
    rows = {r for found in unknown.values() for r in found}
    said = {t("err.roster.row_unknown", name=name) for name in unknown}
    other = [e for e in errors if not (e.row in rows and e.field == "name" and e.problem in said)]
    n = len(unknown)
    if other:
        head = t("clitext.import.unknown_names_and_rows", file=file, n=n, bad=len(other))
    else:
        head = t("clitext.import.unknown_names", file=file, n=n)
    lines = [head] + [f"  {err}" for err in other]
    for name, at in unknown.items():
        key = (
            "clitext.import.unknown_name_rows" if len(at) > 1 else "clitext.import.unknown_name_row"
        )
        lines.append("  " + t(key, name=repr(name), rows=", ".join(map(str, at))))
    lines.append("  " + t("clitext.import.add_them"))
    return "\n".join(lines)


def _month(ctx: Ctx, store: Store) -> tuple[int, int]:
    """--month YYYY-MM (default: --from's month, else this month)."""
    from watchdesk.i18n import t

    a = ctx.args
    if a.month:
        m = re.fullmatch(r"\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?\s*", a.month)
        if m is None or not 1 <= int(m[2]) <= 12:
            raise InputError("--month", t("files.bad_month", value=a.month))
        return int(m[1]), int(m[2])
    first = day("from", getattr(a, "from_", None), store.now().astimezone(store.tz).date())
    return first.year, first.month


def _export_chart(ctx: Ctx, to_file: bool) -> bytes:
    """The wall chart (--chart): the month's date × role grid as .xlsx or A4 landscape PDF."""
    from watchdesk.files import wallchart
    from watchdesk.i18n import language, t
    from watchdesk.models.roster import DayKind

    a = ctx.args
    fmt = (a.format or (Path(a.output).suffix.lstrip(".") if to_file else "") or "xlsx").lower()
    if fmt not in ("xlsx", "pdf"):
        raise InputError("--format", t("files.chart_format", fmt=fmt))
    with ctx.store() as s:
        year, month = _month(ctx, s)
        start, end = wallchart.month_span(year, month, s.tz)
        cal = s.roster.calendar()
        rest = []
        d = start.date()
        while d < end.date():
            if cal.info(d).kind in (DayKind.weekend, DayKind.holiday):
                rest.append(d)
            d += timedelta(days=1)
        chart = wallchart.build(
            s.roster.export_rows(start, end),
            year,
            month,
            s.tz,
            lang=language(),
            desk=ctx.settings.desk_name,
            rest_days=rest,
        )
        printed = f"{s.now().astimezone(s.tz):%Y-%m-%d %H:%M}"
    if fmt == "xlsx":
        return wallchart.write_xlsx(chart)
    from watchdesk.report.wallchart import render_chart_pdf

    return render_chart_pdf(
        chart.title,
        chart.header,
        chart.text_rows(),
        rest=chart.rest,
        footer=t("files.chart.printed", at=printed),
        font_path=ctx.settings.pdf_font,
    )


def cmd_roster_export(ctx: Ctx) -> int:
    from watchdesk.files.roster import RosterFileError, format_of, write_rows
    from watchdesk.i18n import language, t

    a = ctx.args
    to_file = bool(a.output) and a.output != "-"
    if a.chart:
        data = _export_chart(ctx, to_file)
        if to_file:
            write_output(a.output, data)
        else:
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
        return EXIT_OK
    if a.format == "pdf" or (to_file and Path(a.output).suffix.lower() == ".pdf"):
        raise InputError("--format", t("files.format_needs_chart", fmt="pdf"))
    try:
        fmt = format_of(a.output if to_file else f"x.{a.format or 'csv'}", a.format)
    except RosterFileError as e:
        raise UserError(str(e)) from None
    with ctx.store() as s:
        if a.month:
            from watchdesk.files.wallchart import month_span

            start, end = month_span(*_month(ctx, s), s.tz)
        else:
            start, end = _range(ctx, s, days=31)
        oid = _officer(s, a.officer, "officer") if a.officer else None
        ics = fmt == "ics"
        rows = s.roster.export_rows(start, end, oid, calendar=ics)
        desk = ctx.settings.desk_name or t("files.calname_default")
        if a.officer:  # the calendar named after the desk, and the officer's own after them
            calname = t("files.calname_officer", desk=desk, name=a.officer)
        else:
            calname = t("files.calname", desk=desk)
        data = write_rows(
            rows,
            fmt,
            s.tz,
            language(),
            calname=calname,
            stamp=s.now(),
            desk_key=s.roster.calendar_key() if ics else "",
        )
    if to_file:
        write_output(a.output, data)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    return EXIT_OK


def cmd_roster_generate(ctx: Ctx) -> int:
    from pydantic import ValidationError

    from watchdesk.models.roster import Role, RotationSpec

    a = ctx.args
    with ctx.store() as s:
        lists = {
            Role.leader: _ids(s, "leaders", a.leaders),
            Role.chief: _ids(s, "chiefs", a.chiefs),
            Role.officer: _ids(s, "officers", a.officers),
            Role.standby: _ids(s, "standby", a.standby),
        }
        rest = {
            Role.leader: _ids(s, "rest-leaders", a.rest_leaders),
            Role.officer: _ids(s, "rest-officers", a.rest_officers),
        }
        try:
            spec = RotationSpec(
                start=day("from", a.from_),
                end=day("to", a.to),
                mode=a.mode,
                every=a.every,
                pattern=a.pattern or "",
                lists={r: v for r, v in lists.items() if v},
                rest_lists={r: v for r, v in rest.items() if v},
            )
        except ValidationError as e:
            raise invalid(e, default="lists") from None
        if a.dry_run:
            ctx.act_for_dry_run(s)
        emit(s.roster.generate(spec, dry_run=a.dry_run))
    return EXIT_OK


def cmd_roster_hours(ctx: Ctx) -> int:
    from watchdesk.i18n import language, t

    a = ctx.args
    to_file = bool(a.output) and a.output != "-"
    fmt = (a.format or (Path(a.output).suffix.lstrip(".") if to_file else "") or "json").lower()
    if fmt not in ("json", "csv", "xlsx"):
        raise InputError("--format", t("files.hours_format", fmt=fmt))
    with ctx.store() as s:
        if a.month:
            from watchdesk.files.wallchart import month_span

            start, end = month_span(*_month(ctx, s), s.tz)
        else:
            start, end = _range(ctx, s, days=31)
        unconfirmed = s.roster.calendar().unconfirmed_years(
            start.date(), (end - timedelta(days=1)).date()
        )
        people = s.roster.hours(start, end)
    if fmt == "json" and not to_file:
        emit(
            {
                "from": start.isoformat(),
                "to": end.isoformat(),
                "people": [r.model_dump(mode="json") for r in people],
                "calendar_unconfirmed": unconfirmed,
            }
        )
    else:
        from watchdesk.files import hours

        if fmt == "json":
            import json

            data: bytes = json.dumps(
                {
                    "from": start.isoformat(),
                    "to": end.isoformat(),
                    "people": [r.model_dump(mode="json") for r in people],
                    "calendar_unconfirmed": unconfirmed,
                },
                ensure_ascii=False,
                indent=2,
            ).encode("utf-8")
        elif fmt == "csv":
            data = hours.write_csv(people, language())
        else:
            data = hours.write_xlsx(people, language())
        if to_file:
            write_output(a.output, data)
        else:
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
    calendar_warning(unconfirmed)
    return EXIT_OK


def cmd_roster_change(ctx: Ctx) -> int:
    """swap / substitute / remove: one change with a reason and an approver."""
    a = ctx.args
    out: Any
    with ctx.store() as s:
        if a.change == "swap":
            out = s.roster.swap(a.first, a.second, reason=a.reason, approver=a.approver)
        elif a.change == "remove":
            s.roster.remove(a.assignment, reason=a.reason, approver=a.approver)
            out = {"removed": a.assignment}
        else:
            sh = s.roster.shift(s.roster.assignment(a.assignment).shift_id)
            start = time_in_shift(ctx, "from", a.from_, sh)
            end = time_in_shift(ctx, "to", a.to, sh)
            by = _officer(s, a.by, "by")
            out = s.roster.substitute(
                a.assignment, by, reason=a.reason, approver=a.approver, starts_at=start, ends_at=end
            )
        emit(out)
    return EXIT_OK


def cmd_roster_ack(ctx: Ctx) -> int:
    with ctx.store() as s:
        if ctx.args.undo:
            s.roster.unacknowledge(ctx.args.key)
        else:
            s.roster.acknowledge(ctx.args.key, ctx.args.reason or "")
        emit({"key": ctx.args.key, "acknowledged": not ctx.args.undo})
    return EXIT_OK


def cmd_roster_sensitive(ctx: Ctx) -> int:
    a = ctx.args
    with ctx.store() as s:
        if a.name:
            if not a.from_ or not a.to:
                from watchdesk.i18n import t

                raise UserError(t("clitext.roster.sensitive_needs_range"))
            s.roster.add_sensitive_period(
                a.name, day("from", a.from_), day("to", a.to), a.note or ""
            )
        emit([p.model_dump(mode="json") for p in s.roster.sensitive_periods()])
    return EXIT_OK


def cmd_roster_leave(ctx: Ctx) -> int:
    a = ctx.args
    with ctx.store() as s:
        if a.name:
            if not a.from_ or not a.to:
                from watchdesk.i18n import t

                raise UserError(t("clitext.roster.leave_needs_range"))
            start, end = when(ctx, "from", a.from_), when(ctx, "to", a.to)
            assert start is not None and end is not None  # both given
            oid = _officer(s, a.name, "name")
            s.roster.add_leave(oid, start, end, a.reason or "")
        else:
            start, end = _range(ctx, s, days=62)
        emit([lv.model_dump(mode="json") for lv in s.roster.leave_between(start, end)])
    return EXIT_OK


def cmd_roster_config(ctx: Ctx) -> int:
    from pydantic import ValidationError

    from watchdesk.models.roster import RosterConfig

    with ctx.store() as s:
        if ctx.args.set:
            try:
                cfg = RosterConfig.model_validate(read_json(ctx.args.set))
            except ValidationError as e:
                raise invalid(e, default="config") from None
            s.roster.set_config(cfg)
        emit(s.roster.config().model_dump(mode="json"))
    return EXIT_OK


# -- take-over sign-in and the leader-on-duty check -------------------------------------------
def cmd_signin(ctx: Ctx) -> int:
    a = ctx.args
    with ctx.store() as s:
        now = s.now()
        at = when(ctx, "at", a.at) if a.at else None
        sid = a.shift
        if sid is None:
            view = s.roster.on_duty(at or now)
            if view is None and not a.out:
                view = s.roster.next_shift(at or now)
            if view is None:
                from watchdesk.i18n import t

                raise UserError(t("clitext.roster.no_shift"))
            sid = view.shift.id
        oid = _officer(s, a.name, "name")
        fn = s.roster.sign_out if a.out else s.roster.sign_in
        fn(sid, oid, at=at, note=a.note or "")
        emit(s.roster.signin_status(sid))
    return EXIT_OK


def cmd_leader_check(ctx: Ctx) -> int:
    from contextlib import nullcontext

    from watchdesk.i18n import t

    a = ctx.args
    with ctx.store() as s:
        now = s.now()
        # Recording: the record and the answer printed are one transaction (a failure saves
        # nothing, so running the command again never records twice).
        with s.write() if a.record else nullcontext():
            if a.record:
                view = s.roster.on_duty(now) if a.shift is None else None
                sid = a.shift if a.shift is not None else (view.shift.id if view else None)
                if sid is None:
                    raise UserError(t("input.no_shift_now"))
                at = when(ctx, "at", a.at) if a.at else None
                s.roster.record_check(
                    sid, method=a.method, result=a.result, at=at, note=a.note or ""
                )
            out = duty_json(s, now)
            if a.shift is not None:
                out["checks"] = [c.model_dump(mode="json") for c in s.roster.checks(a.shift, now)]
        emit(out)
    return EXIT_FAIL if a.check and out["leader_check"]["escalated"] else EXIT_OK


# -- registration -----------------------------------------------------------------------------
def _span(p: argparse.ArgumentParser, what: str) -> None:
    p.add_argument("--from", dest="from_", metavar="DATE", help=f"first day (default: {what})")
    p.add_argument("--to", metavar="DATE", help="last day, inclusive")


def register(commands: Commands) -> None:
    p = commands.add("now", cmd_now, "who is on duty now and next")
    json_flag(p)
    p = commands.add("next", cmd_next, "the next shift")
    json_flag(p)

    rs = commands.group(
        "roster",
        "the duty roster: show, problems, import, export, generate, hours, swap, substitute, "
        "remove, ack, sensitive, leave, config",
        description="the duty roster",
    )
    p = rs.add(
        "show", cmd_roster_show, "shifts with people, day kinds, problems and last changes as JSON"
    )
    _span(p, "today; a week")
    json_flag(p)
    p = rs.add(
        "problems",
        cmd_roster_problems,
        "gaps and violations (no leader, below the floor, "
        "too many consecutive shifts, on leave, no shift) as JSON",
    )
    _span(p, "now; --hours ahead")
    p.add_argument("--hours", type=int, default=48, help="look this far ahead (default 48)")
    p.add_argument("--all", action="store_true", help="include those marked intentional")
    p.add_argument("--check", action="store_true", help="exit 1 when any problem is open")
    json_flag(p)
    p = rs.add(
        "import",
        cmd_roster_import,
        "import assignments from CSV (UTF-8 with BOM or GB18030), .xlsx or .ics, one row per "
        "assignment or the office's one row per day; all rows or none",
    )
    p.add_argument("file", help="the file; its extension names the format")
    p.add_argument("--format", choices=["csv", "xlsx", "ics"], help="override the extension")
    p.add_argument(
        "--add-officers",
        action="store_true",
        help="add the names the desk does not know as new officers (else they are listed and "
        "nothing is imported)",
    )
    p.add_argument("--dry-run", action="store_true", help="check and count, write nothing")
    p.add_argument("--reason", help="reason recorded with the change")
    p = rs.add(
        "export",
        cmd_roster_export,
        "export assignments as CSV (UTF-8 with BOM), .xlsx or iCalendar; --chart: the month's "
        "wall chart (date × role) as .xlsx or A4 landscape PDF",
    )
    _span(p, "today; 31 days")
    p.add_argument("--month", metavar="YYYY-MM", help="the whole month (instead of --from/--to)")
    p.add_argument(
        "--format",
        choices=["csv", "xlsx", "ics", "pdf"],
        help="default: from --output's extension, else csv (--chart: xlsx); pdf: --chart only",
    )
    p.add_argument("--output", metavar="FILE", help="write to FILE (default: stdout)")
    p.add_argument("--officer", metavar="NAME", help="only this person's shifts")
    p.add_argument(
        "--chart",
        action="store_true",
        help="the wall chart: a row per day, a column per role, for --month (default: this month)",
    )
    p = rs.add(
        "generate",
        cmd_roster_generate,
        "generate a rotation from ordered lists; never overwrites manual changes (they are listed)",
    )
    p.add_argument("--from", dest="from_", metavar="DATE", required=True, help="first day")
    p.add_argument("--to", metavar="DATE", required=True, help="last day, inclusive")
    p.add_argument(
        "--mode",
        choices=["daily", "every", "split"],
        default="daily",
        help="daily; every N days; split: workdays and rest days (holidays, 调休) "
        "from separate lists",
    )
    p.add_argument("--every", type=int, default=1, metavar="N", help="days per turn (--mode every)")
    p.add_argument("--pattern", help="shift pattern name (default: the configured one)")
    for flag, what in (
        ("leaders", "leaders on duty"),
        ("chiefs", "duty chiefs"),
        ("officers", "duty officers"),
        ("standby", "standby"),
        ("rest-leaders", "rest-day leaders (split)"),
        ("rest-officers", "rest-day officers (split)"),
    ):
        p.add_argument(f"--{flag}", metavar="NAMES", help=f"{what}, in order, comma-separated")
    p.add_argument("--dry-run", action="store_true", help="report what would change")
    p = rs.add(
        "hours",
        cmd_roster_hours,
        "hours on duty per person (rest-day, holiday and night hours apart) as JSON, CSV or .xlsx",
    )
    _span(p, "today; 31 days")
    p.add_argument("--month", metavar="YYYY-MM", help="the whole month (instead of --from/--to)")
    p.add_argument(
        "--format",
        choices=["json", "csv", "xlsx"],
        help="default: from --output's extension, else json",
    )
    p.add_argument("--output", metavar="FILE", help="write to FILE (default: stdout)")
    json_flag(p)
    p = rs.add("swap", cmd_roster_change, "swap the people of two assignments")
    p.set_defaults(change="swap")
    p.add_argument("first", type=sql_int, help="assignment id")
    p.add_argument("second", type=sql_int, help="assignment id")
    p.add_argument("--reason", required=True)
    p.add_argument("--approver", required=True)
    p = rs.add(
        "substitute",
        cmd_roster_change,
        "a substitute (代班/替班) for a whole assignment or part of it",
    )
    p.set_defaults(change="substitute")
    p.add_argument("assignment", type=sql_int, help="assignment id")
    p.add_argument("--by", required=True, metavar="NAME", help="the substitute")
    p.add_argument("--from", dest="from_", metavar="TIME", help="part of the shift: from")
    p.add_argument("--to", metavar="TIME", help="part of the shift: to")
    p.add_argument("--reason", required=True)
    p.add_argument("--approver", required=True)
    p = rs.add("remove", cmd_roster_change, "take someone off a shift")
    p.set_defaults(change="remove")
    p.add_argument("assignment", type=sql_int, help="assignment id")
    p.add_argument("--reason", required=True)
    p.add_argument("--approver", required=True)
    p = rs.add("ack", cmd_roster_ack, "mark a problem intentional (key from `roster problems`)")
    p.add_argument("key")
    p.add_argument("--reason", help="why (required unless --undo)")
    p.add_argument("--undo", action="store_true", help="withdraw the mark")
    p = rs.add("sensitive", cmd_roster_sensitive, "list sensitive periods, or add one with NAME")
    p.add_argument("name", nargs="?", help="e.g. 两会, 汛期")
    p.add_argument("--from", dest="from_", metavar="DATE")
    p.add_argument("--to", metavar="DATE")
    p.add_argument("--note")
    p = rs.add("leave", cmd_roster_leave, "list leave, or add leave for NAME")
    p.add_argument("name", nargs="?")
    p.add_argument("--from", dest="from_", metavar="TIME")
    p.add_argument("--to", metavar="TIME")
    p.add_argument("--reason")
    p = rs.add(
        "config",
        cmd_roster_config,
        "show the roster rules (patterns, floors, checks) or replace them",
    )
    p.add_argument("--set", metavar="FILE|-", help="a JSON object of the rules")

    p = commands.add(
        "signin",
        cmd_signin,
        "接班签到: sign NAME in on the current (or next) shift; --out signs out at handover",
    )
    p.add_argument("name")
    p.add_argument("--out", action="store_true", help="sign out (交班)")
    p.add_argument("--shift", type=sql_int, metavar="ID")
    p.add_argument("--at", metavar="TIME", help="default: now")
    p.add_argument("--note")
    p = commands.add(
        "leader-check",
        cmd_leader_check,
        "the leader-on-duty checks of the current shift; --record one (method, result)",
    )
    p.add_argument("--record", action="store_true", help="record a check")
    p.add_argument("--method", choices=["in_person", "phone", "video"], default="phone")
    p.add_argument("--result", choices=["present", "absent", "unreachable"], default="present")
    p.add_argument("--at", metavar="TIME", help="default: now")
    p.add_argument("--note")
    p.add_argument("--shift", type=sql_int, metavar="ID", help="another shift (its full history)")
    p.add_argument("--check", action="store_true", help="exit 1 while a check is escalated")
    json_flag(p)
