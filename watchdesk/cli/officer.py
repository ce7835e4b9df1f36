"""`watchdesk officer …`: the desk's people (值班人员) — add, edit, list, show, deactivate, activate,
import, export — and their PINs (`officer pin set|change|reset`).

An officer is named by NAME; two of one name are told apart by `--title` or `--phone` (the message
lists each one's title and phone), or named by id as `#ID`. Officers are never deleted: one who
leaves is deactivated and stays in history. `edit` sets values with `--set-name`, `--set-title` …
so that `--title`/`--phone` keep telling officers apart.

PINs never go through JSON and never into a file. Each is read from a prompt without echo when
stdin is a terminal, else from its option (`--pin`, `--new-pin`; `-` reads a line of stdin), else
one a line from stdin (`pin change`: the old PIN, then the new one). Setting or changing a PIN acts
as that officer unless --as names someone; resetting one needs --as an administrator.
"""

from __future__ import annotations

import re
import sys
from typing import TYPE_CHECKING, Any, Literal

from watchdesk.cli.base import (
    EXIT_OK,
    Commands,
    Ctx,
    PinInput,
    UserError,
    emit,
    invalid,
    json_flag,
    write_output,
)
from watchdesk.errors import InputError

if TYPE_CHECKING:
    from watchdesk.models.officer import Officer
    from watchdesk.models.roster import Role
    from watchdesk.store.desk import Store

State = Literal["active", "inactive", "any"]


# -- JSON -----------------------------------------------------------------------------------------
def officer_json(store: Store, o: Officer) -> dict[str, Any]:
    """The officer as the desk has them, with whether a PIN is set (never the PIN or its hash)."""
    assert o.id is not None  # read from the desk
    return o.model_dump(mode="json") | {"label": o.label(), "pin_set": store.officers.has_pin(o.id)}


# -- naming an officer ----------------------------------------------------------------------------
def _digits(phone: str | None) -> str:
    return "".join(c for c in phone or "" if c.isdigit())


def _matches(o: Officer, title: str | None, phone: str | None) -> bool:
    if title and title.strip() and o.title != title.strip():
        return False
    return not (phone and phone.strip() and _digits(o.phone) != _digits(phone))


def pick(
    store: Store,
    who: str,
    title: str | None = None,
    phone: str | None = None,
    *,
    state: State = "active",
    field: str = "name",
) -> Officer:
    """The one officer `who` names (a name, told apart by title or phone; or `#ID`): an active one
    (as `OfficerRepo.resolve`), a deactivated one, or either (an active one first)."""
    who = who.strip()
    if m := re.fullmatch(r"#(\d+)", who):
        try:
            o = store.officers.get(int(m[1]))
        except InputError as e:
            raise InputError(field, e.problem) from None
        if state == "active" and not o.active:
            raise InputError(field, "clitext.officer.deactivated", who=o.label())
        if state == "inactive" and o.active:
            raise InputError(field, "clitext.officer.active", who=o.label())
        return o
    if state == "active":
        return store.officers.resolve(who, title=title, phone=phone, field=field)
    if not who:
        raise InputError(field, "clitext.officer.give_name")
    everyone = store.officers.find(who)
    found = [o for o in everyone if _matches(o, title, phone)]
    if state == "inactive":
        pool = [o for o in found if not o.active]
    else:
        pool = [o for o in found if o.active] or found
    if len(pool) == 1:
        return pool[0]
    if len(pool) > 1:
        listed = "; ".join(f"#{o.id} {o.label()}" for o in pool)
        raise InputError(
            field, "clitext.officer.ambiguous", n=len(pool), name=repr(who), listed=listed
        )
    if state == "inactive" and found:
        raise InputError(field, "clitext.officer.active", who=found[0].label())
    if everyone and (title or phone):
        raise InputError(field, "clitext.officer.unknown_with", name=repr(who))
    raise InputError(field, "clitext.officer.unknown", name=repr(who))


def _who(p: Any) -> None:
    p.add_argument("name", metavar="NAME", help="the officer's name, or #ID")
    p.add_argument("--title", help="tells two officers of one name apart")
    p.add_argument("--phone", help="tells two officers of one name apart")


def _roles(text: str | None, option: str) -> list[Role] | None:
    if text is None:
        return None
    from watchdesk.files.officer import parse_roles

    try:
        return parse_roles(text)
    except ValueError as e:
        raise InputError(option, "clitext.officer.roles", problem=e) from None


def _no_twin(
    store: Store, name: str, title: str, phone: str, *, besides: int | None = None
) -> None:
    """Refuse a second active officer of the same name, title and phone: nothing would tell the
    two apart."""
    for o in store.officers.find(name):
        if o.id != besides and o.active and o.title == title.strip():
            if _digits(o.phone) == _digits(phone):
                raise InputError("name", "clitext.officer.twin", who=o.label())


# -- the officers ---------------------------------------------------------------------------------
def cmd_officer_add(ctx: Ctx) -> int:
    from pydantic import ValidationError

    from watchdesk.models.officer import Officer

    a = ctx.args
    name = a.name.strip()
    if not name:
        raise InputError("name", "cli.text.blank")
    roles = _roles(a.roles, "--roles") or []
    try:
        new = Officer(
            name=name,
            title=a.title or "",
            phone=a.phone or "",
            unit=a.unit or "",
            roles=roles,
            admin=a.admin,
        )
    except ValidationError as e:
        raise invalid(e, default="officer") from None
    with ctx.store() as s:
        _no_twin(s, name, new.title, new.phone)
        emit(officer_json(s, s.officers.add(new)))
    return EXIT_OK


def cmd_officer_edit(ctx: Ctx) -> int:
    a = ctx.args
    roles = _roles(a.set_roles, "--set-roles")
    changes = (a.set_name, a.set_title, a.set_phone, a.set_unit, roles, a.admin)
    if all(c is None for c in changes):
        from watchdesk.i18n import t

        raise UserError(t("clitext.officer.nothing_to_change"))
    with ctx.store() as s:
        o = pick(s, a.name, a.title, a.phone, state="any")
        assert o.id is not None
        _no_twin(
            s,
            a.set_name if a.set_name is not None else o.name,
            a.set_title if a.set_title is not None else o.title,
            a.set_phone if a.set_phone is not None else o.phone,
            besides=o.id,
        )
        new = s.officers.edit(
            o.id,
            name=a.set_name,
            title=a.set_title,
            phone=a.set_phone,
            unit=a.set_unit,
            roles=roles,
            admin=a.admin,
        )
        emit(officer_json(s, new))
    return EXIT_OK


def cmd_officer_list(ctx: Ctx) -> int:
    with ctx.store() as s:
        emit([officer_json(s, o) for o in s.officers.list(active_only=not ctx.args.all)])
    return EXIT_OK


def cmd_officer_show(ctx: Ctx) -> int:
    a = ctx.args
    with ctx.store() as s:
        o = pick(s, a.name, a.title, a.phone, state="any")
        assert o.id is not None
        out = officer_json(s, o)
        out["pin"] = s.officers.pin_status(o.id).model_dump(mode="json")
        emit(out)
    return EXIT_OK


def cmd_officer_active(ctx: Ctx) -> int:
    """deactivate / activate: the officer stays in history either way."""
    a = ctx.args
    with ctx.store() as s:
        o = pick(s, a.name, a.title, a.phone, state="inactive" if a.activate else "active")
        assert o.id is not None
        if a.activate:
            _no_twin(s, o.name, o.title, o.phone, besides=o.id)
        emit(officer_json(s, s.officers.edit(o.id, active=a.activate)))
    return EXIT_OK


def cmd_officer_import(ctx: Ctx) -> int:
    from watchdesk.files.officer import OfficerFileError, read_file
    from watchdesk.store.officer import OfficerImportError

    a = ctx.args
    try:
        rows, errors = read_file(a.file, a.format)
    except OfficerFileError as e:
        text = str(e)
        raise UserError(text if text.startswith(str(a.file)) else f"{a.file}: {text}") from None
    with ctx.store() as s:
        if a.dry_run:
            ctx.act_for_dry_run(s)
        try:
            res = s.officers.import_rows(rows, dry_run=a.dry_run, errors=errors)
        except OfficerImportError as e:
            from watchdesk.i18n import t

            lines = [t("clitext.import.bad_rows", file=a.file, n=len(e.errors))]
            raise UserError("\n".join(lines + [f"  {err}" for err in e.errors])) from None
        emit(res)
    return EXIT_OK


def cmd_officer_export(ctx: Ctx) -> int:
    from watchdesk.files.officer import OfficerFileError, format_of, write_csv, write_xlsx
    from watchdesk.i18n import language, t

    a = ctx.args
    to_file = bool(a.output) and a.output != "-"
    try:
        fmt = format_of(a.output if to_file else f"x.{a.format or 'csv'}", a.format)
    except OfficerFileError as e:
        option = "--format" if a.format else "--output"
        raise UserError(t("clitext.officer.option_problem", option=option, problem=e)) from None
    with ctx.store() as s:
        people = s.officers.list(active_only=a.active)
    data = (write_csv if fmt == "csv" else write_xlsx)(people, language())
    if to_file:
        write_output(a.output, data)  # mode 0600: names and phone numbers
        print(t("clitext.officer.exported", n=len(people), path=a.output), file=sys.stderr)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    return EXIT_OK


# -- PINs -----------------------------------------------------------------------------------------
def _pin_json(store: Store, o: Officer) -> dict[str, Any]:
    assert o.id is not None
    return {
        "officer": officer_json(store, o),
        "pin": store.officers.pin_status(o.id).model_dump(mode="json"),
    }


def cmd_pin_set(ctx: Ctx) -> int:
    from watchdesk.i18n import t

    a = ctx.args
    pins = PinInput()
    with ctx.store() as s:
        o = pick(s, a.name, a.title, a.phone)
        assert o.id is not None
        ctx.act_as_if_unnamed(s, o)
        if s.officers.has_pin(o.id):  # said before asking for a PIN that cannot be used
            raise InputError("pin", "clitext.officer.has_pin", name=o.name)
        prompt = t("clitext.pin.prompt_new", name=o.name)
        pin = pins.read(a.pin, prompt, "--pin", confirm=True)
        s.officers.set_pin(o.id, pin)
        emit(_pin_json(s, o))
    return EXIT_OK


def cmd_pin_change(ctx: Ctx) -> int:
    from watchdesk.i18n import t

    a = ctx.args
    pins = PinInput()
    with ctx.store() as s:
        o = pick(s, a.name, a.title, a.phone)
        assert o.id is not None
        ctx.act_as_if_unnamed(s, o)
        old = pins.read(a.pin, t("clitext.pin.prompt_current", name=o.name), "--pin")
        prompt = t("clitext.pin.prompt_new", name=o.name)
        new = pins.read(a.new_pin, prompt, "--new-pin", confirm=True)
        s.officers.change_pin(o.id, old, new)
        emit(_pin_json(s, o))
    return EXIT_OK


def cmd_pin_reset(ctx: Ctx) -> int:
    from watchdesk.cli.acting import given_name
    from watchdesk.i18n import t

    a = ctx.args
    pins = PinInput()
    if given_name(a) is None:
        raise UserError(t("clitext.officer.reset_needs_as"))
    with ctx.store() as s:
        o = pick(s, a.name, a.title, a.phone, state="any")
        assert o.id is not None
        actor = ctx.acting(s)
        if actor.officer_id is None:
            raise InputError("--as", "clitext.officer.not_an_officer", name=actor.name)
        admin = s.officers.get(actor.officer_id)
        if not admin.admin:
            raise InputError("--as", "clitext.officer.not_admin", who=admin.label())
        by_pin = None
        if s.officers.has_pin(actor.officer_id) and admin.id != o.id:
            by_pin = pins.read(a.pin, t("clitext.pin.prompt_admin", name=admin.name), "--pin")
        s.officers.reset_pin(o.id, admin, by_pin=by_pin)
        emit(_pin_json(s, o))
    return EXIT_OK


# -- registration ---------------------------------------------------------------------------------
def register(commands: Commands) -> None:
    g = commands.group(
        "officer",
        "the desk's people (值班人员): add, edit, list, show, deactivate, activate, import, "
        "export, PINs",
        description="the desk's people (值班人员) and their PINs",
    )
    p = g.add(
        "add", cmd_officer_add, "add an officer; two of one name need a different title or phone"
    )
    p.add_argument("name", metavar="NAME")
    p.add_argument("--title", help="职务, e.g. 值班长")
    p.add_argument("--phone")
    p.add_argument("--unit", help="their unit, e.g. 县应急管理局")
    p.add_argument(
        "--roles",
        metavar="ROLES",
        help="the roles they may take, comma-separated: leader, chief, officer, standby "
        "(带班领导、值班长、值班员、备勤); default: any",
    )
    p.add_argument(
        "--admin", action="store_true", help="an administrator (resets PINs, acts outside a shift)"
    )
    json_flag(p)

    p = g.add(
        "edit", cmd_officer_edit, "change an officer's name, title, phone, unit, roles or admin"
    )
    _who(p)
    p.add_argument("--set-name", metavar="NAME")
    p.add_argument("--set-title", metavar="TITLE")
    p.add_argument("--set-phone", metavar="PHONE")
    p.add_argument("--set-unit", metavar="UNIT")
    p.add_argument("--set-roles", metavar="ROLES", help="comma-separated; empty: any role")
    admin = p.add_mutually_exclusive_group()
    admin.add_argument("--admin", dest="admin", action="store_const", const=True, default=None)
    admin.add_argument("--no-admin", dest="admin", action="store_const", const=False)
    json_flag(p)

    p = g.add("list", cmd_officer_list, "the desk's officers as JSON (no PINs)")
    p.add_argument("--all", action="store_true", help="with the deactivated ones")
    json_flag(p)

    p = g.add("show", cmd_officer_show, "one officer as JSON, with the state of their PIN")
    _who(p)
    json_flag(p)

    p = g.add(
        "deactivate",
        cmd_officer_active,
        "deactivate an officer (they stay in history; --as refuses them)",
    )
    p.set_defaults(activate=False)
    _who(p)
    p = g.add("activate", cmd_officer_active, "reactivate a deactivated officer")
    p.set_defaults(activate=True)
    _who(p)

    p = g.add(
        "import",
        cmd_officer_import,
        "import officers from CSV (UTF-8 with BOM or GB18030) or .xlsx; every row is checked "
        "and nothing is written if any is bad",
    )
    p.add_argument("file", help="the file; its extension names the format")
    p.add_argument("--format", choices=["csv", "xlsx"], help="override the extension")
    p.add_argument("--dry-run", action="store_true", help="check and count, write nothing")
    p = g.add(
        "export",
        cmd_officer_export,
        "export the officers as CSV (UTF-8 with BOM) or .xlsx (mode 0600; no PIN data)",
    )
    p.add_argument("--output", metavar="FILE", help="write to FILE (default: stdout)")
    p.add_argument(
        "--format", choices=["csv", "xlsx"], help="default: from --output's extension, else csv"
    )
    p.add_argument("--active", action="store_true", help="only the active officers")

    pin = g.group(
        "pin",
        "an officer's PIN: set the first one, change it, or reset it (an administrator)",
    )
    p = pin.add(
        "set",
        cmd_pin_set,
        "set an officer's first PIN (4–12 digits), or the first after a reset",
    )
    _who(p)
    p.add_argument("--pin", help="the new PIN (default: asked at a terminal, else stdin; -: stdin)")
    p = pin.add("change", cmd_pin_change, "change an officer's PIN, given the current one")
    _who(p)
    p.add_argument("--pin", help="the current PIN (default: asked, else the first line of stdin)")
    p.add_argument("--new-pin", help="the new PIN (default: asked, else the next line of stdin)")
    p = pin.add(
        "reset",
        cmd_pin_reset,
        "clear an officer's PIN (forgotten, locked) so they set a new one; --as an administrator",
    )
    _who(p)
    p.add_argument(
        "--pin", help="the administrator's own PIN, when they have one (default: asked, else stdin)"
    )
