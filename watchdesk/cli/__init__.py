"""Command line: opens the console, or runs a scriptable command with JSON on stdout.

Exit status: 0 success, 1 a check failed or the desk is unavailable, 2 bad input (one line on
stderr naming the field and the problem; nothing written). No traceback reaches a user unless
WATCHDESK_DEBUG is set.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from watchdesk import __version__
from watchdesk.i18n import set_language

if TYPE_CHECKING:
    from watchdesk.config import Settings

EXIT_OK, EXIT_FAIL, EXIT_INPUT = 0, 1, 2


class UserError(Exception):
    def __init__(self, message: str, code: int = EXIT_INPUT):
        super().__init__(message)
        self.code = code


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one line, status 2
        self.exit(EXIT_INPUT, f"{self.prog}: error: {message} (see --help)\n")


def _json_default(o: Any) -> Any:
    if isinstance(o, datetime):
        return o.isoformat()
    if hasattr(o, "model_dump"):
        return o.model_dump(mode="json")
    if hasattr(o, "value"):
        return o.value
    raise TypeError(f"cannot serialise {type(o).__name__}")


def emit(obj: Any) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, indent=2, default=_json_default) + "\n")


# -- context ----------------------------------------------------------------------------------
class Ctx:
    def __init__(self, args: argparse.Namespace):
        self.args = args
        self._settings: Settings | None = None

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            from watchdesk.config import ConfigError, load_settings

            cfg = Path(self.args.config) if getattr(self.args, "config", None) else None
            try:
                self._settings = load_settings(cfg, language=getattr(self.args, "lang", None))
            except ConfigError as e:
                raise UserError(str(e)) from None
        return self._settings

    @property
    def db_path(self) -> Path:
        from watchdesk.paths import default_db_path

        db = getattr(self.args, "db", None)
        return Path(db) if db else default_db_path()

    def open_store(self, *, create: bool = False):
        from watchdesk.store.desk import Store

        s = self.settings
        return Store.open(
            self.db_path,
            create=create,
            tz=s.tz,
            rule_pack=s.rule_pack,
            actor=os.environ.get("WATCHDESK_ACTOR") or _login(),
        )


def _login() -> str:
    try:
        return os.getlogin()
    except OSError:
        return os.environ.get("USER", "cli")


# -- commands ---------------------------------------------------------------------------------
def cmd_ui(ctx: Ctx) -> int:
    from watchdesk.startup import open_console

    if not ctx.db_path.exists():
        raise UserError(
            f"no desk database at {ctx.db_path}; create one with `watchdesk init` "
            f"or try `watchdesk demo`",
            EXIT_FAIL,
        )
    open_console(ctx.db_path, settings=ctx.settings, actor=_login()).run()
    return EXIT_OK


def cmd_init(ctx: Ctx) -> int:
    existed = ctx.db_path.exists()
    store = ctx.open_store(create=True)
    store.close()
    print(f"{'opened existing' if existed else 'created'} desk at {ctx.db_path}", file=sys.stderr)
    return EXIT_OK


def cmd_demo(ctx: Ctx) -> int:
    from watchdesk.demo import build_demo, default_demo_path

    db = getattr(ctx.args, "db", None)  # --db is left out of args when not given
    path = Path(db) if db else default_demo_path()
    build_demo(path, settings=ctx.settings, force=ctx.args.force)
    if ctx.args.no_ui:
        print(f"demo desk written to {path}", file=sys.stderr)
        return EXIT_OK
    from watchdesk.startup import open_console

    open_console(path, settings=ctx.settings, actor=_login()).run()
    return EXIT_OK


def _read_json(src: str) -> Any:
    try:
        text = sys.stdin.read() if src == "-" else Path(src).read_text(encoding="utf-8-sig")
    except OSError as e:
        raise UserError(f"--json {src}: {e.strerror}") from None
    except UnicodeDecodeError:
        raise UserError(f"--json {src}: not UTF-8 text") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise UserError(
            f"--json {src}: not valid JSON (line {e.lineno}, column {e.colno}: {e.msg})"
        ) from None


def incident_json(store, inc) -> dict:
    d = inc.model_dump(mode="json")
    d["deadlines"] = [x.model_dump(mode="json") for x in store.incidents.deadlines(inc.id)]
    d["reports"] = [x.model_dump(mode="json") for x in store.incidents.reports(inc.id)]
    return d


def cmd_incident_add(ctx: Ctx) -> int:
    from watchdesk.rules.intake import facts_from_mapping

    data = _read_json(ctx.args.json)
    store = ctx.open_store()
    try:
        facts = facts_from_mapping(data, now=store.now(), tz=store.tz)
        inc = store.incidents.add(facts)
        emit(incident_json(store, inc))
    finally:
        store.close()
    return EXIT_OK


def _parse_when(ctx: Ctx, name: str, value: str | None):
    if value is None:
        return None
    from watchdesk.text.timefmt import parse_time

    try:
        return parse_time(value, ctx.settings.tz)
    except ValueError as e:
        raise UserError(f"--{name}: {e}") from None


def cmd_incident_list(ctx: Ctx) -> int:
    from watchdesk.models.incident import Grade, IncidentStatus

    a = ctx.args
    try:
        status = IncidentStatus(a.status) if a.status else None
        grade = Grade(a.grade) if a.grade else None
    except ValueError as e:
        raise UserError(str(e)) from None
    since, until = _parse_when(ctx, "since", a.since), _parse_when(ctx, "until", a.until)
    store = ctx.open_store()
    try:
        items = store.incidents.list(
            since=since, until=until, status=status, grade=grade, category=a.category, limit=a.limit
        )
        emit([i.model_dump(mode="json") for i in items])
    finally:
        store.close()
    return EXIT_OK


def cmd_incident_show(ctx: Ctx) -> int:
    store = ctx.open_store()
    try:
        emit(incident_json(store, store.incidents.get(ctx.args.id)))
    finally:
        store.close()
    return EXIT_OK


def cmd_incident_void(ctx: Ctx) -> int:
    store = ctx.open_store()
    try:
        emit(incident_json(store, store.incidents.void(ctx.args.id, ctx.args.reason)))
    finally:
        store.close()
    return EXIT_OK


def _shift_json(view) -> dict | None:
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


def cmd_now(ctx: Ctx) -> int:
    store = ctx.open_store()
    try:
        now = store.now()
        emit(
            {
                "at": now.isoformat(),
                "now": _shift_json(store.roster.on_duty(now)),
                "next": _shift_json(store.roster.next_shift(now)),
                "duty": _duty_json(store, now),
            }
        )
    finally:
        store.close()
    return EXIT_OK


def cmd_next(ctx: Ctx) -> int:
    store = ctx.open_store()
    try:
        emit(_shift_json(store.roster.next_shift(store.now())))
    finally:
        store.close()
    return EXIT_OK


def cmd_export(ctx: Ctx) -> int:
    store = ctx.open_store()
    try:
        data = store.export()
    finally:
        store.close()
    text = json.dumps(data, ensure_ascii=False, indent=1, default=_json_default) + "\n"
    if ctx.args.output:
        try:
            Path(ctx.args.output).write_text(text, encoding="utf-8")
        except OSError as e:
            raise UserError(f"--output {ctx.args.output}: {e.strerror}", EXIT_FAIL) from None
    else:
        sys.stdout.write(text)
    return EXIT_OK


def cmd_check(ctx: Ctx) -> int:
    store = ctx.open_store()
    try:
        res = store.check()
    finally:
        store.close()
    out = {
        "ok": res.ok,
        "integrity": res.integrity,
        "audit_entries": res.audit_entries,
        "problems": res.problems,
    }
    if ctx.args.json:
        emit(out)
    else:
        print(f"integrity_check: {res.integrity}")
        print(
            f"audit chain: {res.audit_entries} entries, "
            f"{'verified' if not res.problems else f'{len(res.problems)} problem(s)'}"
        )
        for p in res.problems:
            print(f"  - {p}")
    return EXIT_OK if res.ok else EXIT_FAIL


# -- backups (issue 7): watchdesk backup / restore --------------------------------------------
def _check_json(res) -> dict:
    return {
        "ok": res.ok,
        "integrity": res.integrity,
        "audit_entries": res.audit_entries,
        "problems": res.problems,
    }


def cmd_backup(ctx: Ctx) -> int:
    from watchdesk.store import backup as backups

    a = ctx.args
    if a.list:
        items = backups.list_backups(ctx.db_path, a.dir or ctx.settings.backup_dir)
        if a.json:
            emit([b.to_json() for b in items])
        elif not items:
            print(
                f"no backups of {ctx.db_path} in {backups.backup_dir(ctx.db_path, a.dir or ctx.settings.backup_dir)}",
                file=sys.stderr,
            )
        for b in [] if a.json else items:
            print(f"{b.path}  {b.reason}  {b.taken_at:%Y-%m-%d %H:%M:%S} UTC  {b.size:,} bytes")
        return EXIT_OK
    if a.keep is not None and a.keep < 1:
        raise UserError("--keep: must be at least 1")
    if not ctx.db_path.exists():
        raise UserError(f"no desk database at {ctx.db_path}", EXIT_FAIL)
    info = backups.take(
        ctx.db_path,
        reason=a.reason,
        directory=a.dir or ctx.settings.backup_dir,
        keep=a.keep or ctx.settings.backup_keep,
    )
    out = info.to_json()
    ok = True
    if a.verify:
        res = backups.verify(info.path)
        out["check"], ok = _check_json(res), res.ok
    if a.json:
        emit(out)
    else:
        print(f"backup written to {info.path} ({info.size:,} bytes)")
        if a.verify:
            print(f"verified: {'ok' if ok else '; '.join(out['check']['problems'][:3])}")
    return EXIT_OK if ok else EXIT_FAIL


def cmd_restore(ctx: Ctx) -> int:
    from watchdesk.store import backup as backups

    a = ctx.args
    try:
        src = backups.find(a.backup, ctx.db_path, a.dir or ctx.settings.backup_dir)
    except backups.BackupError as e:
        raise UserError(str(e)) from None
    if not a.yes:
        if not sys.stdin.isatty():
            raise UserError(
                "restore replaces the whole desk: pass --yes to confirm (nothing was changed)"
            )
        print(
            f"Replace the desk {ctx.db_path} with {src}? The current desk is backed up "
            f"first. Type yes to go on: ",
            end="",
            file=sys.stderr,
            flush=True,
        )
        if sys.stdin.readline().strip().lower() not in ("yes", "y", "是"):
            raise UserError("nothing was changed", EXIT_FAIL)
    res = backups.restore(src, ctx.db_path, directory=a.dir or ctx.settings.backup_dir)
    if a.json:
        emit(res.to_json())
    else:
        print(f"restored {ctx.db_path} from {src}")
        if res.pre_restore:
            print(f"the desk as it was is in {res.pre_restore.path}")
        for p in res.set_aside:
            print(f"set aside: {p}")
        print(f"check: {'ok' if res.check.ok else '; '.join(res.check.problems[:3])}")
    return EXIT_OK if res.check.ok else EXIT_FAIL


# -- roster, take-over sign-in and the leader-on-duty check (issue 4) -------------------------
def _day_arg(name: str, value: str | None, default):
    from datetime import date as _date

    if value is None:
        return default
    try:
        return _date.fromisoformat(value.strip())
    except ValueError:
        raise UserError(f"--{name}: not a date (YYYY-MM-DD): {value!r}") from None


def _range(ctx: Ctx, store, *, days: int = 7):
    """--from/--to as inclusive dates in the desk zone; default: today and the next days."""
    from datetime import time as _time
    from datetime import timedelta as _td

    today = store.now().astimezone(store.tz).date()
    first = _day_arg("from", getattr(ctx.args, "from_", None), today)
    last = _day_arg("to", getattr(ctx.args, "to", None), first + _td(days=days - 1))
    if last < first:
        raise UserError("--to: is before --from")
    return (
        datetime.combine(first, _time(0), tzinfo=store.tz),
        datetime.combine(last + _td(days=1), _time(0), tzinfo=store.tz),
    )


def _duty_json(store, now) -> dict:
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


def cmd_roster_show(ctx: Ctx) -> int:
    store = ctx.open_store()
    try:
        start, end = _range(ctx, store)
        emit(store.roster.page(start, end).model_dump(mode="json"))
    finally:
        store.close()
    return EXIT_OK


def cmd_roster_problems(ctx: Ctx) -> int:
    store = ctx.open_store()
    try:
        if getattr(ctx.args, "from_", None) is None and ctx.args.to is None:
            now = store.now()
            from datetime import timedelta as _td

            start, end = now, now + _td(hours=ctx.args.hours)
        else:
            start, end = _range(ctx, store)
        items = store.roster.problems(start, end, include_acknowledged=ctx.args.all)
        emit([v.model_dump(mode="json") for v in items])
    finally:
        store.close()
    open_ = [v for v in items if not v.acknowledged]
    return EXIT_FAIL if ctx.args.check and open_ else EXIT_OK


def cmd_roster_import(ctx: Ctx) -> int:
    from watchdesk.files.roster import RosterFileError, read_file
    from watchdesk.store.roster.repo import RosterImportError

    a = ctx.args
    store = ctx.open_store()
    try:
        try:
            rows, errors = read_file(a.file, store.tz, a.format)
        except RosterFileError as e:
            raise UserError(f"{a.file}: {e}") from None
        try:
            res = store.roster.import_rows(
                rows,
                add_officers=a.add_officers,
                dry_run=a.dry_run,
                reason=a.reason or f"import {Path(a.file).name}",
                errors=errors,
            )
        except RosterImportError as e:
            lines = [f"{a.file}: {len(e.errors)} bad row(s); nothing was imported"]
            raise UserError("\n".join(lines + [f"  {err}" for err in e.errors])) from None
        emit(res)
    finally:
        store.close()
    return EXIT_OK


def cmd_roster_export(ctx: Ctx) -> int:
    from watchdesk.files.roster import RosterFileError, format_of, write_rows
    from watchdesk.i18n import language

    a = ctx.args
    try:
        fmt = format_of(
            a.output if a.output and a.output != "-" else f"x.{a.format or 'csv'}", a.format
        )
    except RosterFileError as e:
        raise UserError(str(e)) from None
    store = ctx.open_store()
    try:
        start, end = _range(ctx, store, days=31)
        oid = store.roster.officer_by_name(a.officer, "officer").id if a.officer else None
        data = write_rows(store.roster.export_rows(start, end, oid), fmt, store.tz, language())
    finally:
        store.close()
    if a.output and a.output != "-":
        try:
            Path(a.output).write_bytes(data)
        except OSError as e:
            raise UserError(f"--output {a.output}: {e.strerror}", EXIT_FAIL) from None
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    return EXIT_OK


def _ids(store, field: str, text: str | None) -> list[int]:
    import re

    return [
        store.roster.officer_by_name(n, field).id
        for n in re.split(r"[,，、;；\s]+", (text or "").strip())
        if n
    ]


def cmd_roster_generate(ctx: Ctx) -> int:
    from pydantic import ValidationError

    from watchdesk.models.roster import Role, RotationSpec

    a = ctx.args
    store = ctx.open_store()
    try:
        lists = {
            Role.leader: _ids(store, "leaders", a.leaders),
            Role.chief: _ids(store, "chiefs", a.chiefs),
            Role.officer: _ids(store, "officers", a.officers),
            Role.standby: _ids(store, "standby", a.standby),
        }
        rest = {
            Role.leader: _ids(store, "rest-leaders", a.rest_leaders),
            Role.officer: _ids(store, "rest-officers", a.rest_officers),
        }
        try:
            spec = RotationSpec(
                start=_day_arg("from", a.from_, None),
                end=_day_arg("to", a.to, None),
                mode=a.mode,
                every=a.every,
                pattern=a.pattern or "",
                lists={r: v for r, v in lists.items() if v},
                rest_lists={r: v for r, v in rest.items() if v},
            )
        except ValidationError as e:
            err = e.errors()[0]
            raise UserError(
                f"{'.'.join(str(p) for p in err['loc']) or 'lists'}: {err['msg']}"
            ) from None
        emit(store.roster.generate(spec, dry_run=a.dry_run))
    finally:
        store.close()
    return EXIT_OK


def cmd_roster_hours(ctx: Ctx) -> int:
    store = ctx.open_store()
    try:
        start, end = _range(ctx, store, days=31)
        emit(
            {
                "from": start.isoformat(),
                "to": end.isoformat(),
                "people": [r.model_dump(mode="json") for r in store.roster.hours(start, end)],
            }
        )
    finally:
        store.close()
    return EXIT_OK


def cmd_roster_change(ctx: Ctx) -> int:
    """swap / substitute / remove: one change with a reason and an approver."""
    a = ctx.args
    store = ctx.open_store()
    try:
        if a.change == "swap":
            out = store.roster.swap(a.first, a.second, reason=a.reason, approver=a.approver)
        elif a.change == "remove":
            store.roster.remove(a.assignment, reason=a.reason, approver=a.approver)
            out = {"removed": a.assignment}
        else:
            sh = store.roster.shift(store.roster.assignment(a.assignment).shift_id)
            start = _in_shift(ctx, "from", a.from_, sh)
            end = _in_shift(ctx, "to", a.to, sh)
            by = store.roster.officer_by_name(a.by, "by").id
            out = store.roster.substitute(
                a.assignment, by, reason=a.reason, approver=a.approver, starts_at=start, ends_at=end
            )
        emit(out)
    finally:
        store.close()
    return EXIT_OK


def _in_shift(ctx: Ctx, name: str, text: str | None, sh):
    """A time given as HH:MM is the one inside the shift (a night shift crosses midnight)."""
    from datetime import timedelta as _td

    from watchdesk.text.timefmt import parse_time

    if not text:
        return None
    try:
        dt = parse_time(text, ctx.settings.tz, now=sh.starts_at)
    except ValueError as e:
        raise UserError(f"--{name}: {e}") from None
    if len(text.strip()) <= 5 and dt < sh.starts_at:
        dt += _td(days=1)
    return dt


def cmd_roster_ack(ctx: Ctx) -> int:
    store = ctx.open_store()
    try:
        if ctx.args.undo:
            store.roster.unacknowledge(ctx.args.key)
        else:
            store.roster.acknowledge(ctx.args.key, ctx.args.reason or "")
        emit({"key": ctx.args.key, "acknowledged": not ctx.args.undo})
    finally:
        store.close()
    return EXIT_OK


def cmd_roster_sensitive(ctx: Ctx) -> int:
    a = ctx.args
    store = ctx.open_store()
    try:
        if a.name:
            if not a.from_ or not a.to:
                raise UserError("--from and --to are required to add a sensitive period")
            store.roster.add_sensitive_period(
                a.name, _day_arg("from", a.from_, None), _day_arg("to", a.to, None), a.note or ""
            )
        emit([p.model_dump(mode="json") for p in store.roster.sensitive_periods()])
    finally:
        store.close()
    return EXIT_OK


def cmd_roster_leave(ctx: Ctx) -> int:
    a = ctx.args
    store = ctx.open_store()
    try:
        if a.name:
            if not a.from_ or not a.to:
                raise UserError("--from and --to are required to add leave")
            start, end = _parse_when(ctx, "from", a.from_), _parse_when(ctx, "to", a.to)
            oid = store.roster.officer_by_name(a.name, "name").id
            store.roster.add_leave(oid, start, end, a.reason or "")
        else:
            start, end = _range(ctx, store, days=62)
        emit([lv.model_dump(mode="json") for lv in store.roster.leave_between(start, end)])
    finally:
        store.close()
    return EXIT_OK


def cmd_roster_config(ctx: Ctx) -> int:
    from pydantic import ValidationError

    from watchdesk.models.roster import RosterConfig

    store = ctx.open_store()
    try:
        if ctx.args.set:
            try:
                cfg = RosterConfig.model_validate(_read_json(ctx.args.set))
            except ValidationError as e:
                err = e.errors()[0]
                raise UserError(
                    f"{'.'.join(str(p) for p in err['loc']) or 'config'}: {err['msg']}"
                ) from None
            store.roster.set_config(cfg)
        emit(store.roster.config().model_dump(mode="json"))
    finally:
        store.close()
    return EXIT_OK


def cmd_signin(ctx: Ctx) -> int:
    a = ctx.args
    store = ctx.open_store()
    try:
        now = store.now()
        at = _parse_when(ctx, "at", a.at) if a.at else None
        sid = a.shift
        if sid is None:
            view = store.roster.on_duty(at or now)
            if view is None and not a.out:
                view = store.roster.next_shift(at or now)
            if view is None:
                raise UserError("no current or next shift; pass --shift ID")
            sid = view.shift.id
        oid = store.roster.officer_by_name(a.name, "name").id
        fn = store.roster.sign_out if a.out else store.roster.sign_in
        fn(sid, oid, at=at, note=a.note or "")
        emit(store.roster.signin_status(sid))
    finally:
        store.close()
    return EXIT_OK


def cmd_leader_check(ctx: Ctx) -> int:
    a = ctx.args
    store = ctx.open_store()
    try:
        now = store.now()
        if a.record:
            view = store.roster.on_duty(now) if a.shift is None else None
            sid = a.shift if a.shift is not None else (view.shift.id if view else None)
            if sid is None:
                raise UserError("no shift on duty now; pass --shift ID")
            at = _parse_when(ctx, "at", a.at) if a.at else None
            store.roster.record_check(
                sid, method=a.method, result=a.result, at=at, note=a.note or ""
            )
        out = _duty_json(store, now)
        if a.shift is not None:
            out["checks"] = [c.model_dump(mode="json") for c in store.roster.checks(a.shift, now)]
        emit(out)
    finally:
        store.close()
    return EXIT_FAIL if a.check and out["leader_check"]["escalated"] else EXIT_OK


def _add_roster_commands(sub, add) -> None:
    """`watchdesk roster …`, `watchdesk signin`, `watchdesk leader-check`."""
    ro = sub.add_parser(
        "roster",
        help="the duty roster: show, problems, import, export, generate, hours, changes",
        description="the duty roster",
    )
    ro.set_defaults(func=lambda ctx: (ro.print_help(), EXIT_INPUT)[1])
    rs = ro.add_subparsers(title="roster commands", metavar="ACTION", parser_class=Parser)

    def span(p, what: str) -> None:
        p.add_argument("--from", dest="from_", metavar="DATE", help=f"first day (default: {what})")
        p.add_argument("--to", metavar="DATE", help="last day, inclusive")

    p = add(
        "show",
        cmd_roster_show,
        "shifts with people, day kinds, problems and last changes as JSON",
        rs,
    )
    span(p, "today; a week")
    p.add_argument("--json", action="store_true", help="JSON output (the only format)")
    p = add(
        "problems",
        cmd_roster_problems,
        "gaps and violations (no leader, below the floor, "
        "too many consecutive shifts, on leave, no shift) as JSON",
        rs,
    )
    span(p, "now; --hours ahead")
    p.add_argument("--hours", type=int, default=48, help="look this far ahead (default 48)")
    p.add_argument("--all", action="store_true", help="include those marked intentional")
    p.add_argument("--check", action="store_true", help="exit 1 when any problem is open")
    p.add_argument("--json", action="store_true", help="JSON output (the only format)")
    p = add(
        "import",
        cmd_roster_import,
        "import assignments from CSV (UTF-8 with BOM or GB18030), .xlsx or .ics; all rows or none",
        rs,
    )
    p.add_argument("file", help="the file; its extension names the format")
    p.add_argument("--format", choices=["csv", "xlsx", "ics"], help="override the extension")
    p.add_argument("--add-officers", action="store_true", help="add unknown names as officers")
    p.add_argument("--dry-run", action="store_true", help="check and count, write nothing")
    p.add_argument("--reason", help="reason recorded with the change")
    p = add(
        "export",
        cmd_roster_export,
        "export assignments as CSV (UTF-8 with BOM), .xlsx or iCalendar",
        rs,
    )
    span(p, "today; 31 days")
    p.add_argument(
        "--format",
        choices=["csv", "xlsx", "ics"],
        help="default: from --output's extension, else csv",
    )
    p.add_argument("--output", metavar="FILE", help="write to FILE (default: stdout)")
    p.add_argument("--officer", metavar="NAME", help="only this person's shifts")
    p = add(
        "generate",
        cmd_roster_generate,
        "generate a rotation from ordered lists; never overwrites manual changes (they are listed)",
        rs,
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
    p = add(
        "hours",
        cmd_roster_hours,
        "hours on duty per person (rest-day, holiday and night hours apart) as JSON",
        rs,
    )
    span(p, "today; 31 days")
    p.add_argument("--json", action="store_true", help="JSON output (the only format)")
    p = add("swap", cmd_roster_change, "swap the people of two assignments", rs)
    p.set_defaults(change="swap")
    p.add_argument("first", type=int, help="assignment id")
    p.add_argument("second", type=int, help="assignment id")
    p.add_argument("--reason", required=True)
    p.add_argument("--approver", required=True)
    p = add(
        "substitute",
        cmd_roster_change,
        "a substitute (代班/替班) for a whole assignment or part of it",
        rs,
    )
    p.set_defaults(change="substitute")
    p.add_argument("assignment", type=int, help="assignment id")
    p.add_argument("--by", required=True, metavar="NAME", help="the substitute")
    p.add_argument("--from", dest="from_", metavar="TIME", help="part of the shift: from")
    p.add_argument("--to", metavar="TIME", help="part of the shift: to")
    p.add_argument("--reason", required=True)
    p.add_argument("--approver", required=True)
    p = add("remove", cmd_roster_change, "take someone off a shift", rs)
    p.set_defaults(change="remove")
    p.add_argument("assignment", type=int, help="assignment id")
    p.add_argument("--reason", required=True)
    p.add_argument("--approver", required=True)
    p = add("ack", cmd_roster_ack, "mark a problem intentional (key from `roster problems`)", rs)
    p.add_argument("key")
    p.add_argument("--reason", help="why (required unless --undo)")
    p.add_argument("--undo", action="store_true", help="withdraw the mark")
    p = add("sensitive", cmd_roster_sensitive, "list sensitive periods, or add one with NAME", rs)
    p.add_argument("name", nargs="?", help="e.g. 两会, 汛期")
    p.add_argument("--from", dest="from_", metavar="DATE")
    p.add_argument("--to", metavar="DATE")
    p.add_argument("--note")
    p = add("leave", cmd_roster_leave, "list leave, or add leave for NAME", rs)
    p.add_argument("name", nargs="?")
    p.add_argument("--from", dest="from_", metavar="TIME")
    p.add_argument("--to", metavar="TIME")
    p.add_argument("--reason")
    p = add(
        "config",
        cmd_roster_config,
        "show the roster rules (patterns, floors, checks) or replace them",
        rs,
    )
    p.add_argument("--set", metavar="FILE|-", help="a JSON object of the rules")

    p = add(
        "signin",
        cmd_signin,
        "接班签到: sign NAME in on the current (or next) shift; --out signs out at handover",
    )
    p.add_argument("name")
    p.add_argument("--out", action="store_true", help="sign out (交班)")
    p.add_argument("--shift", type=int, metavar="ID")
    p.add_argument("--at", metavar="TIME", help="default: now")
    p.add_argument("--note")
    p = add(
        "leader-check",
        cmd_leader_check,
        "the leader-on-duty checks of the current shift; --record one (method, result)",
    )
    p.add_argument("--record", action="store_true", help="record a check")
    p.add_argument("--method", choices=["in_person", "phone", "video"], default="phone")
    p.add_argument("--result", choices=["present", "absent", "unreachable"], default="present")
    p.add_argument("--at", metavar="TIME", help="default: now")
    p.add_argument("--note")
    p.add_argument("--shift", type=int, metavar="ID", help="another shift (its full history)")
    p.add_argument("--check", action="store_true", help="exit 1 while a check is escalated")
    p.add_argument("--json", action="store_true", help="JSON output (the only format)")


# -- parser -----------------------------------------------------------------------------------
def build_parser(*, commands: bool = True) -> Parser:
    """The whole command line. `commands=False`: only the options of the console itself (see
    `parse_args`)."""
    common = Parser(add_help=False)
    common.add_argument(
        "--db",
        metavar="PATH",
        default=argparse.SUPPRESS,
        help="desk database (default: $WATCHDESK_DB, else the user data dir)",
    )
    common.add_argument(
        "--lang",
        choices=["zh", "en"],
        default=argparse.SUPPRESS,
        help="interface language (default: from the locale)",
    )
    common.add_argument(
        "--config",
        metavar="FILE",
        default=argparse.SUPPRESS,
        help="config file (default: $WATCHDESK_CONFIG, else the user config dir)",
    )

    p = Parser(
        prog="watchdesk",
        parents=[common],
        add_help=commands,
        allow_abbrev=commands,
        description="Keyboard-first console for a 24/7 emergency-management watch desk. "
        "Without a command, opens the console.",
    )
    p.add_argument("--version", action="version", version=f"watchdesk {__version__}")
    p.set_defaults(func=cmd_ui)
    if not commands:
        return p
    sub = p.add_subparsers(title="commands", metavar="COMMAND", parser_class=Parser)

    def add(name: str, func: Callable[[Ctx], int], help: str, parent=sub) -> Parser:
        sp = parent.add_parser(name, parents=[common], help=help, description=help)
        sp.set_defaults(func=func)
        return sp

    add("init", cmd_init, "create an empty desk database (or migrate an existing one)")
    d = add("demo", cmd_demo, "write a demo desk with realistic Chinese data and open it")
    d.add_argument("--no-ui", action="store_true", help="only write the file")
    d.add_argument(
        "--force", action="store_true", help="overwrite the file even if it is not a demo desk"
    )

    inc = sub.add_parser(
        "incident",
        help="add, list, show or void incidents",
        description="add, list, show or void incidents",
    )
    inc_sub = inc.add_subparsers(title="incident commands", metavar="ACTION", parser_class=Parser)
    inc.set_defaults(func=lambda ctx: (inc.print_help(), EXIT_INPUT)[1])
    a = add(
        "add",
        cmd_incident_add,
        "add an incident from a JSON object; prints it with its suggested grade and deadlines",
        inc_sub,
    )
    a.add_argument("--json", required=True, metavar="FILE|-", help="JSON file, or - for stdin")
    ls = add("list", cmd_incident_list, "list incidents as JSON (newest first)", inc_sub)
    ls.add_argument("--json", action="store_true", help="JSON output (the only format)")
    ls.add_argument("--since", help="received at or after (e.g. 2026-11-01 or '2026-11-22 08:30')")
    ls.add_argument("--until", help="received before")
    ls.add_argument("--status", choices=["open", "closed", "voided"])
    ls.add_argument("--grade", choices=["I", "II", "III", "IV"])
    ls.add_argument("--category", help="category code, e.g. accident")
    ls.add_argument("--limit", type=int, default=200)
    sh = add("show", cmd_incident_show, "show one incident with its clocks and reports", inc_sub)
    sh.add_argument("id", type=int)
    sh.add_argument("--json", action="store_true", help="JSON output (the only format)")
    vo = add("void", cmd_incident_void, "void an incident (incidents are never deleted)", inc_sub)
    vo.add_argument("id", type=int)
    vo.add_argument("--reason", required=True)

    n = add("now", cmd_now, "who is on duty now and next")
    n.add_argument("--json", action="store_true", help="JSON output (the only format)")
    nx = add("next", cmd_next, "the next shift")
    nx.add_argument("--json", action="store_true", help="JSON output (the only format)")
    ex = add("export", cmd_export, "export the whole desk")
    ex.add_argument("--format", choices=["json"], default="json")
    ex.add_argument("--output", metavar="FILE", help="write to FILE instead of stdout")
    ck = add(
        "check",
        cmd_check,
        "integrity check and audit-chain verification (exit 1 when either fails)",
    )
    ck.add_argument("--json", action="store_true")
    bk = add(
        "backup",
        cmd_backup,
        "take an online backup of the desk now (safe while consoles "
        "are writing), rotate old ones; --list shows them",
    )
    bk.add_argument(
        "--reason",
        choices=["manual", "handover", "daily"],
        default="manual",
        help="recorded in the file name; each reason is rotated on its own (default: manual)",
    )
    bk.add_argument(
        "--dir", metavar="DIR", help="backup folder (default: <desk folder>/backups/<desk name>/)"
    )
    bk.add_argument(
        "--keep",
        type=int,
        metavar="N",
        help="keep the newest N backups of this reason (default: handover 14, daily 14, manual 10)",
    )
    bk.add_argument(
        "--verify",
        action="store_true",
        help="also run the integrity check and "
        "the audit-chain check on the new backup (exit 1 if it fails)",
    )
    bk.add_argument("--list", action="store_true", help="list this desk's backups, newest first")
    bk.add_argument("--json", action="store_true", help="JSON output")
    rs_ = add(
        "restore",
        cmd_restore,
        "replace the desk with a verified backup (the current desk is backed up first)",
    )
    rs_.description = (
        "Replace the desk with a backup. The backup is verified first (integrity and audit "
        "chain); the current desk is backed up (reason pre-restore) or, if damaged, set aside "
        "in the backup folder. Consoles may stay open unless the desk file is missing or "
        "unreadable. Asks for confirmation on a terminal; otherwise refuses without --yes."
    )
    rs_.add_argument(
        "backup",
        metavar="BACKUP",
        help="a backup file, or its name in the backup folder (see `watchdesk backup --list`)",
    )
    rs_.add_argument(
        "--yes", action="store_true", help="do not ask; required when stdin is not a terminal"
    )
    rs_.add_argument(
        "--dir", metavar="DIR", help="backup folder (default: <desk folder>/backups/<desk name>/)"
    )
    rs_.add_argument("--json", action="store_true", help="JSON output")

    # -- directory, warnings, roll-call (issue 6): commands live in cli_directory.py ------------
    from watchdesk.cli.directory import register as register_directory_commands

    register_directory_commands(sub, add)
    _add_roster_commands(sub, add)  # roster, signin, leader-check (issue 4)
    from watchdesk.cli.handover import register as register_handover_commands

    register_handover_commands(sub, add)  # handover (issue 5)
    from watchdesk.cli.serve import register as register_serve

    register_serve(sub, add)  # serve (issue 7)
    return p


def main(argv: list[str] | None = None) -> int:
    # Start-up builds ~100,000 objects that live as long as the process (modules, classes,
    # styles); letting the garbage collector walk them again and again while they are made cost
    # ~35 ms of opening the console. The console turns it back on once its first screen is
    # drawn (WatchdeskApp.startup_done); every other command right after parsing.
    gc.disable()
    try:
        return _main(argv)
    finally:
        gc.enable()


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Building the parsers of all ~60 commands costs ~20 ms (argparse looks up translations on
    disk for every parser), which opening the console does not need to pay: the console's own
    options are parsed first, and only when something is left over (a command, --help, a
    mistake) is the whole command line built and parsed, with its usual help and errors. The
    first parse takes no abbreviations: `backup --ver` is `backup --verify`, not `--version`."""
    args, rest = build_parser(commands=False).parse_known_args(argv)
    if not rest:
        return args
    return build_parser().parse_args(argv)


def _main(argv: list[str] | None) -> int:
    args = parse_args(argv)
    if args.func not in (cmd_ui, cmd_demo) or getattr(args, "no_ui", False):  # not the console
        gc.enable()
    ctx = Ctx(args)
    try:
        set_language(getattr(args, "lang", None) or ctx.settings.language)
        return int(args.func(ctx) or 0)
    except UserError as e:
        print(f"watchdesk: {e}", file=sys.stderr)
        return e.code
    except KeyboardInterrupt:
        return 130
    except Exception as e:  # the last line of defence: one line, no traceback
        if os.environ.get("WATCHDESK_DEBUG"):
            raise
        from watchdesk.errors import InputError, NotFound, StoreError
        from watchdesk.store.db import DeskUnavailable

        if isinstance(e, InputError):
            print(f"watchdesk: {e.field}: {e.problem}", file=sys.stderr)
            return EXIT_INPUT
        if isinstance(e, NotFound):
            print(f"watchdesk: {e}", file=sys.stderr)
            return EXIT_INPUT
        if isinstance(e, (DeskUnavailable, StoreError)):
            print(f"watchdesk: {e}", file=sys.stderr)
            return EXIT_FAIL
        import sqlite3

        from watchdesk.store.db import explain

        if isinstance(e, sqlite3.Error):
            known = explain(e, ctx.db_path)
            if known is not None:
                print(f"watchdesk: {known}", file=sys.stderr)
                return EXIT_FAIL
        print(
            f"watchdesk: unexpected error: {type(e).__name__}: {e} "
            f"(set WATCHDESK_DEBUG=1 for details)",
            file=sys.stderr,
        )
        return EXIT_FAIL


if __name__ == "__main__":
    sys.exit(main())
