"""Command line: opens the console, or runs a scriptable command with JSON on stdout.

Exit status: 0 success, 1 a check failed or the desk is unavailable, 2 bad input (one line on
stderr naming the field and the problem; nothing written). No traceback reaches a user unless
WATCHDESK_DEBUG is set.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import datetime
from pathlib import Path
from typing import Any, Callable, NoReturn

from . import __version__
from .config import ConfigError, Settings, default_db_path, load_settings
from .i18n import set_language

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
            cfg = Path(self.args.config) if getattr(self.args, "config", None) else None
            try:
                self._settings = load_settings(cfg, language=getattr(self.args, "lang", None))
            except ConfigError as e:
                raise UserError(str(e)) from None
        return self._settings

    @property
    def db_path(self) -> Path:
        db = getattr(self.args, "db", None)
        return Path(db) if db else default_db_path()

    def open_store(self, *, create: bool = False):
        from .store import Store

        s = self.settings
        return Store.open(self.db_path, create=create, tz=s.tz, rule_pack=s.rule_pack,
                          actor=os.environ.get("WATCHDESK_ACTOR") or _login())


def _login() -> str:
    try:
        return os.getlogin()
    except OSError:
        return os.environ.get("USER", "cli")


# -- commands ---------------------------------------------------------------------------------
def cmd_ui(ctx: Ctx) -> int:
    from .app import make_app

    if not ctx.db_path.exists():
        raise UserError(f"no desk database at {ctx.db_path}; create one with `watchdesk init` "
                        f"or try `watchdesk demo`", EXIT_FAIL)
    store = ctx.open_store()  # migrate and validate up front, before the screen takes over
    store.close()
    make_app(ctx.db_path, settings=ctx.settings, actor=_login()).run()
    return EXIT_OK


def cmd_init(ctx: Ctx) -> int:
    existed = ctx.db_path.exists()
    store = ctx.open_store(create=True)
    store.close()
    print(f"{'opened existing' if existed else 'created'} desk at {ctx.db_path}", file=sys.stderr)
    return EXIT_OK


def cmd_demo(ctx: Ctx) -> int:
    from .demo import build_demo, default_demo_path

    path = Path(ctx.args.db) if ctx.args.db else default_demo_path()
    build_demo(path, settings=ctx.settings, force=ctx.args.force)
    if ctx.args.no_ui:
        print(f"demo desk written to {path}", file=sys.stderr)
        return EXIT_OK
    from .app import make_app

    make_app(path, settings=ctx.settings, actor=_login()).run()
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
        raise UserError(f"--json {src}: not valid JSON (line {e.lineno}, column {e.colno}: "
                        f"{e.msg})") from None


def incident_json(store, inc) -> dict:
    d = inc.model_dump(mode="json")
    d["deadlines"] = [x.model_dump(mode="json") for x in store.incidents.deadlines(inc.id)]
    d["reports"] = [x.model_dump(mode="json") for x in store.incidents.reports(inc.id)]
    return d


def cmd_incident_add(ctx: Ctx) -> int:
    from .intake import facts_from_mapping

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
    from .timefmt import parse_time

    try:
        return parse_time(value, ctx.settings.tz)
    except ValueError as e:
        raise UserError(f"--{name}: {e}") from None


def cmd_incident_list(ctx: Ctx) -> int:
    from .models import Grade, IncidentStatus

    a = ctx.args
    try:
        status = IncidentStatus(a.status) if a.status else None
        grade = Grade(a.grade) if a.grade else None
    except ValueError as e:
        raise UserError(str(e)) from None
    since, until = _parse_when(ctx, "since", a.since), _parse_when(ctx, "until", a.until)
    store = ctx.open_store()
    try:
        items = store.incidents.list(since=since, until=until, status=status, grade=grade,
                                     category=a.category, limit=a.limit)
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
        "people": [{"role": a.role.value, "name": a.officer_name, "officer_id": a.officer_id}
                   for a in view.assignments],
    }


def cmd_now(ctx: Ctx) -> int:
    store = ctx.open_store()
    try:
        now = store.now()
        emit({"at": now.isoformat(), "now": _shift_json(store.roster.on_duty(now)),
              "next": _shift_json(store.roster.next_shift(now))})
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
    out = {"ok": res.ok, "integrity": res.integrity, "audit_entries": res.audit_entries,
           "problems": res.problems}
    if ctx.args.json:
        emit(out)
    else:
        print(f"integrity_check: {res.integrity}")
        print(f"audit chain: {res.audit_entries} entries, "
              f"{'verified' if not res.problems else f'{len(res.problems)} problem(s)'}")
        for p in res.problems:
            print(f"  - {p}")
    return EXIT_OK if res.ok else EXIT_FAIL


# -- parser -----------------------------------------------------------------------------------
def build_parser() -> Parser:
    common = Parser(add_help=False)
    common.add_argument("--db", metavar="PATH", default=argparse.SUPPRESS,
                        help="desk database (default: $WATCHDESK_DB, else the user data dir)")
    common.add_argument("--lang", choices=["zh", "en"], default=argparse.SUPPRESS,
                        help="interface language (default: from the locale)")
    common.add_argument("--config", metavar="FILE", default=argparse.SUPPRESS,
                        help="config file (default: $WATCHDESK_CONFIG, else the user config dir)")

    p = Parser(prog="watchdesk", parents=[common],
               description="Keyboard-first console for a 24/7 emergency-management watch desk. "
                           "Without a command, opens the console.")
    p.add_argument("--version", action="version", version=f"watchdesk {__version__}")
    p.set_defaults(func=cmd_ui)
    sub = p.add_subparsers(title="commands", metavar="COMMAND", parser_class=Parser)

    def add(name: str, func: Callable[[Ctx], int], help: str, parent=sub) -> Parser:
        sp = parent.add_parser(name, parents=[common], help=help, description=help)
        sp.set_defaults(func=func)
        return sp

    add("init", cmd_init, "create an empty desk database (or migrate an existing one)")
    d = add("demo", cmd_demo, "write a demo desk with realistic Chinese data and open it")
    d.add_argument("--no-ui", action="store_true", help="only write the file")
    d.add_argument("--force", action="store_true",
                   help="overwrite the file even if it is not a demo desk")

    inc = sub.add_parser("incident", help="add, list, show or void incidents",
                         description="add, list, show or void incidents")
    inc_sub = inc.add_subparsers(title="incident commands", metavar="ACTION", parser_class=Parser)
    inc.set_defaults(func=lambda ctx: (inc.print_help(), EXIT_INPUT)[1])
    a = add("add", cmd_incident_add, "add an incident from a JSON object; prints it with its "
            "suggested grade and deadlines", inc_sub)
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
    ck = add("check", cmd_check, "integrity check and audit-chain verification "
             "(exit 1 when either fails)")
    ck.add_argument("--json", action="store_true")
    return p


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
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
        from .store import DeskUnavailable, InputError, NotFound, StoreError

        if isinstance(e, InputError):
            print(f"watchdesk: {e.field}: {e.problem}", file=sys.stderr)
            return EXIT_INPUT
        if isinstance(e, NotFound):
            print(f"watchdesk: {e}", file=sys.stderr)
            return EXIT_INPUT
        if isinstance(e, (DeskUnavailable, StoreError)):
            print(f"watchdesk: {e}", file=sys.stderr)
            return EXIT_FAIL
        print(f"watchdesk: unexpected error: {type(e).__name__}: {e} "
              f"(set WATCHDESK_DEBUG=1 for details)", file=sys.stderr)
        return EXIT_FAIL


if __name__ == "__main__":
    sys.exit(main())
