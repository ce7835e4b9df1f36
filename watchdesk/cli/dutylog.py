"""`watchdesk log add|handle|list`: the duty log (值班日志) — calls and documents received, leader
instructions, what was done about them, notes — as the console's `l` screen and `i` key keep it,
so that a phone recorder or an SMS gateway can write to it. The command is `log` (the console's
name for it); the noun, here as in every room, is `dutylog`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from watchdesk.cli.base import (
    EXIT_OK,
    Commands,
    Ctx,
    Listing,
    emit,
    fields_as_options,
    invalid,
    json_flag,
    one_line,
    sql_int,
    when,
)
from watchdesk.errors import InputError
from watchdesk.i18n import t

if TYPE_CHECKING:
    from watchdesk.models.dutylog import LogKind

# The kinds an entry is added as (a verification request is `incident verify-request`: it starts
# a clock), with their Chinese names, which --kind takes too.
KINDS: dict[str, tuple[str, ...]] = {
    "call_in": ("来电",),
    "doc_in": ("来文",),
    "instruction": ("领导批示", "批示"),
    "action": ("落实情况", "处置情况", "落实"),
    "note": ("备注",),
}
KINDS_HELP = """\
kinds:
  call_in      来电 — a call received
  doc_in       来文 — a document received
  instruction  领导批示 — a leader's instruction
  action       落实情况 — what was done
  note         备注 — a note
(a verification request, 核报要求, is `watchdesk incident verify-request`: it starts a clock)

prints the entry recorded: {"id", "at", "kind", "incident_id", "counterpart", "content",
"handling", "by_whom" (whoever is acting), "created_at"}"""
COUNTERPART_MAX = 100
HANDLING_MAX = 2000


def log_kind(text: str, option: str = "--kind") -> LogKind:
    from watchdesk.models.dutylog import LogKind

    key = text.strip().lower()
    for code, words in KINDS.items():
        if key == code or key in words:
            return LogKind(code)
    if key in ("verification_request", "核报要求"):
        raise InputError(option, t("cli.log.use_verify_request"))
    raise InputError(option, t("cli.log.kind_unknown", value=repr(text)))


def cmd_log_add(ctx: Ctx) -> int:
    from pydantic import ValidationError

    from watchdesk.models.dutylog import LogEntry

    a = ctx.args
    kind = log_kind(a.kind)
    counterpart = one_line("--counterpart", a.counterpart, COUNTERPART_MAX) or ""
    handling = (a.handling or "").strip()
    if len(handling) > HANDLING_MAX:
        raise InputError("--handling", t("cli.text.too_long", limit=HANDLING_MAX))
    at = when(ctx, "at", a.at, past=True)
    with ctx.store() as s:
        try:
            entry = LogEntry(
                at=at or s.now(),
                kind=kind,
                incident_id=a.incident,
                counterpart=counterpart,
                content=a.content,
                handling=handling,
            )
        except ValidationError as e:
            bad = invalid(e, prefix="--")
            raise InputError(bad.field, bad.problem.removeprefix("Value error, ")) from None
        with fields_as_options({"at": "--at", "incident_id": "--incident"}):
            emit(s.dutylog.add(entry))
    return EXIT_OK


def cmd_log_handle(ctx: Ctx) -> int:
    a = ctx.args
    if len(a.handling.strip()) > HANDLING_MAX:
        raise InputError("--handling", t("cli.text.too_long", limit=HANDLING_MAX))
    with ctx.store() as s:
        with fields_as_options({"handling": "--handling"}), s.write():
            try:
                s.dutylog.get(a.id)
            except InputError:
                raise InputError("ID", t("cli.log.no_entry", id=a.id)) from None
            entry = s.dutylog.set_handling(a.id, a.handling)
        emit(entry)
    return EXIT_OK


def cmd_log_list(ctx: Ctx) -> int:
    a = ctx.args
    kind = None
    if a.kind:
        from watchdesk.models.dutylog import LogKind

        key = a.kind.strip().lower()
        kind = (
            LogKind.verification_request
            if key in ("verification_request", "核报要求")
            else log_kind(a.kind)
        )
    since, until = when(ctx, "since", a.since), when(ctx, "until", a.until)
    with ctx.store() as s:
        emit(
            s.dutylog.list(
                since=since, until=until, kind=kind, incident_id=a.incident, limit=a.limit
            )
        )
    return EXIT_OK


def register(commands: Commands) -> None:
    log = commands.group(
        "log", "the duty log (值班日志): add an entry, record what was done, list entries"
    )
    p = log.add(
        "add",
        cmd_log_add,
        "add a duty-log entry (来电, 来文, 领导批示, 落实情况, 备注), on its own or on an incident",
    )
    p.formatter_class = Listing
    p.epilog = KINDS_HELP
    p.add_argument(
        "--kind",
        required=True,
        metavar="call_in|doc_in|instruction|action|note",
        help="what kind of entry (see below; or its Chinese name)",
    )
    p.add_argument("--content", required=True, metavar="TEXT", help="what was said or written")
    p.add_argument("--at", metavar="TIME", help="when (default: now)")
    p.add_argument(
        "--counterpart", metavar="WHO", help="from whom or to whom (a unit, a person, a phone)"
    )
    p.add_argument("--handling", metavar="TEXT", help="what was done about it (落实情况)")
    p.add_argument("--incident", type=sql_int, metavar="ID", help="the incident the entry is about")
    json_flag(p)
    p = log.add(
        "handle", cmd_log_handle, "record what was done about an entry (落实情况; the console's h)"
    )
    p.add_argument("id", type=sql_int, metavar="ID", help="the entry")
    p.add_argument("--handling", required=True, metavar="TEXT", help="what was done")
    json_flag(p)
    p = log.add("list", cmd_log_list, "list duty-log entries as JSON (newest first)")
    p.add_argument("--since", metavar="TIME", help="at or after (e.g. 2026-11-01)")
    p.add_argument("--until", metavar="TIME", help="before")
    p.add_argument("--kind", metavar="KIND", help="one kind (call_in … note, verification_request)")
    p.add_argument("--incident", type=sql_int, metavar="ID", help="entries on one incident")
    p.add_argument("--limit", type=sql_int, default=500)
    json_flag(p)
