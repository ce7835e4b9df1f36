"""`watchdesk incident add|list|show|void|report|figures|verify-request`: incidents as JSON, with
their deadline clocks and reports; and what the console's lifecycle keys record (a report made,
new figures, a verification requested), so that a phone recorder, an SMS gateway, another desk or
a test script can feed the desk. Each write is one transaction, made as whoever is acting (`--as`);
bad input is one line naming the field or option, exit 2, nothing written."""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING, Any

from watchdesk.cli.base import (
    EXIT_OK,
    Commands,
    Ctx,
    Listing,
    UserError,
    emit,
    fields_as_options,
    json_flag,
    one_line,
    read_json,
    sql_int,
    when,
)
from watchdesk.errors import InputError
from watchdesk.i18n import t

if TYPE_CHECKING:
    from watchdesk.models.incident import FigureStatus, Grade, Incident, ReportKind
    from watchdesk.store.desk import Store


# -- the fields a JSON object may carry, with their meaning (shown by --help) -----------------
INCIDENT_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("place", "事发地点", "where it happened (required)"),
    (
        "category",
        "事件类型",
        "event type: a code (accident), a Chinese or English name, or an alias such as 车祸 "
        "(required)",
    ),
    ("description", "事件情况", "what happened (required)"),
    ("subtype", "子类", "the subtype, if the category does not name it (火灾, 交通事故 …)"),
    ("title", "标题", "a short headline"),
    ("received_at", "接报时间", "when the desk received it (default: now)"),
    ("occurred_at", "事发时间", "when it happened, if known; deadlines count from it"),
    ("source", "信息来源", "where the information came from"),
    (
        "area",
        "所属辖区",
        "the desk's area (township, district): its name, 行政区划代码 or pinyin "
        "(watchdesk area list)",
    ),
    ("dead", "死亡", "people dead: a whole number (counts toward the suggested grade)"),
    ("injured", "受伤", "people injured"),
    (
        "seriously_injured",
        "重伤",
        "people seriously injured, acute industrial poisoning included (counts toward the suggested grade)",
    ),
    ("trapped", "被困", "people trapped"),
    ("missing", "失联", "people missing"),
    (
        "direct_loss",
        "直接经济损失",
        'direct economic loss in yuan (元); text such as "1200万" is read too (counts toward the suggested grade)',
    ),
    ("scope", "影响范围", "the scope of its impact"),
    ("trend", "发展趋势", "how it is developing"),
    ("measures", "已采取措施", "measures taken so far"),
    ("caller_unit", "来电单位", "the caller's unit"),
    ("caller_name", "来电人", "the caller's name"),
    ("caller_title", "职务", "the caller's title"),
    ("caller_phone", "联系电话", "the caller's phone: digits, spaces, + - and brackets"),
    ("recorder", "记录人", "who took the call"),
    ("sensitive", "敏感", "true or false: report at once whatever the grade"),
    (
        "grade",
        "等级",
        "the grade instead of the one the figures suggest: 特别重大 重大 较大 一般, or I II III IV",
    ),
)
FIGURE_NAMES = ("dead", "injured", "seriously_injured", "trapped", "missing", "direct_loss")
FIGURE_HELP = tuple(f for f in INCIDENT_FIELDS if f[0] in FIGURE_NAMES)
FIGURE_META: tuple[tuple[str, str, str], ...] = (
    ("source", "来源", "where the new figures come from (required)"),
    ("status", "状态", "updated (更新, the default) or verified (核实)"),
    ("at", "截至时间", "the time the figures are as of (default: now)"),
    ("note", "备注", "a note"),
    (
        "accept_lower",
        "确认降级",
        "true: when the figures suggest a lower grade, lower it (and drop the clocks it does not "
        "need); as --accept-lower",
    ),
)
PEOPLE_MAX = 1_000_000  # as IncidentFacts takes
NAME_MAX = 100  # to whom, from whom (a counterpart of the duty log)
BY_MAX = 40  # by whom (a recorder)
CONTENT_MAX = 4000


def fields_help(title: str, fields: tuple[tuple[str, str, str], ...]) -> str:
    """`title`, then a line per field: its name, its Chinese name and its meaning (wrapped)."""
    import textwrap

    width = max(len(name) for name, _, _ in fields) + 2
    lines = [title]
    for name, zh, meaning in fields:
        first = f"  {name:<{width}}{zh} — {meaning}"
        lines += textwrap.wrap(first, 90, subsequent_indent=" " * (width + 4))
    return "\n".join(lines)


def _printable_name(name: str) -> str:
    """A JSON key as a message names it: quoted when it would not show as itself on one line."""
    return name if name and name.isprintable() and name.strip() == name else repr(name)


# -- values by name: grades, report kinds, figure statuses --------------------------------------
def _grade_words() -> dict[str, Grade]:
    from watchdesk.models.incident import Grade
    from watchdesk.rules.grading import GRADE_NAMES

    roman = {Grade.I: "Ⅰ", Grade.II: "Ⅱ", Grade.III: "Ⅲ", Grade.IV: "Ⅳ"}
    out: dict[str, Grade] = {}
    for g, (zh, en) in GRADE_NAMES.items():
        for word in (g.value, roman[g], zh, en, f"{zh}({roman[g]}级)", f"{zh}({g.value}级)"):
            out[word.lower()] = g
            out[word.lower() + "级"] = g
    return out


def parse_grade(value: object) -> Grade | None:
    """A grade by its Roman numeral (II, Ⅱ, II级), its Chinese name (重大) or its English one
    (major); None when it is none of these."""
    if not isinstance(value, str):
        return None
    key = "".join(value.split()).lower().replace("（", "(").replace("）", ")")
    return _grade_words().get(key)


def grade_problem(value: object) -> str:
    shown = repr(value)
    return t("cli.grade.unknown", value=shown if len(shown) <= 40 else shown[:39] + "…")


def _grade_option(text: str) -> Grade:
    """`type=` of --grade: I–IV or a grade's name."""
    g = parse_grade(text)
    if g is None:
        raise argparse.ArgumentTypeError(grade_problem(text))
    return g


_KIND_WORDS = {
    "phone": ("电话", "电话报告"),
    "written": ("书面", "书面报告"),
    "followup": ("follow-up", "续报"),
    "verification": ("核报", "核报已报"),
    "final": ("终报",),
}


def report_kind(text: str) -> ReportKind:
    from watchdesk.models.incident import ReportKind

    key = text.strip().lower()
    for code, words in _KIND_WORDS.items():
        if key == code or key in words:
            return ReportKind(code)
    raise InputError("--kind", t("cli.report.kind_unknown", value=repr(text)))


def figure_status(value: object) -> FigureStatus:
    from watchdesk.models.incident import FigureStatus

    words = {"updated": ("更新", "续报更新"), "verified": ("核实", "已核实")}
    key = value.strip().lower() if isinstance(value, str) else None
    for code, zh in words.items():
        if key == code or key in zh:
            return FigureStatus(code)
    raise InputError("status", t("cli.figures.status_unknown"))


# -- reading -----------------------------------------------------------------------------------
def incident_json(store: Store, inc: Incident) -> dict[str, Any]:
    d = inc.model_dump(mode="json")
    d["deadlines"] = [x.model_dump(mode="json") for x in store.incidents.deadlines(inc.id)]
    d["reports"] = [x.model_dump(mode="json") for x in store.incidents.reports(inc.id)]
    return d


def facts_json(data: Any) -> Any:
    """An incident's JSON object with its grade by name (重大, Ⅱ级) read as I–IV."""
    if not isinstance(data, Mapping) or data.get("grade") in (None, ""):
        return data
    g = parse_grade(data["grade"])
    if g is None:
        raise InputError("grade", grade_problem(data["grade"]))
    return {**data, "grade": g.value}


def figures_from_json(
    data: Any, *, now: datetime, tz: tzinfo
) -> tuple[dict[str, int], dict[str, Any]]:
    """The figures of `incident figures --json` (only those given: the others stay) and the
    rest of the object (source, status, at, note, accept_lower)."""
    from watchdesk.rules.intake import _bool, _int
    from watchdesk.text.timefmt import parse_past_time

    if not isinstance(data, Mapping):
        raise InputError("--json", t("cli.figures.not_object"))
    known = set(FIGURE_NAMES) | {m[0] for m in FIGURE_META}
    unknown = sorted(set(data) - known)
    if unknown:
        raise InputError(
            _printable_name(unknown[0]),
            t(
                "cli.figures.unknown_field",
                fields=", ".join(f[0] for f in FIGURE_HELP + FIGURE_META),
            ),
        )
    figures: dict[str, int] = {}
    for f in FIGURE_NAMES:
        v = data.get(f)
        if v is None:
            continue
        if not isinstance(v, (int, float, str)):
            raise InputError(f, t("cli.figures.not_number"))
        n = _int(f, v)
        if f != "direct_loss" and n > PEOPLE_MAX:
            raise InputError(f, t("cli.figures.too_large", limit=f"{PEOPLE_MAX:,}"))
        figures[f] = n
    rest: dict[str, Any] = {}
    for f in ("source", "note"):
        v = data.get(f)
        if v is None:
            continue
        if not isinstance(v, str):
            raise InputError(f, t("cli.text.not_text"))
        rest[f] = v.strip()
    if len(rest.get("source", "")) > NAME_MAX:
        raise InputError("source", t("cli.text.too_long", limit=NAME_MAX))
    if len(rest.get("note", "")) > CONTENT_MAX:
        raise InputError("note", t("cli.text.too_long", limit=CONTENT_MAX))
    if data.get("status") not in (None, ""):
        rest["status"] = figure_status(data["status"])
    if data.get("at") not in (None, ""):
        if not isinstance(data["at"], str):
            raise InputError("at", t("cli.time.not_text"))
        try:
            rest["at"] = parse_past_time(data["at"], tz, now=now)
        except ValueError as e:
            raise InputError("at", str(e)) from None
    if data.get("accept_lower") is not None:
        rest["accept_lower"] = _bool("accept_lower", data["accept_lower"])
    return figures, rest


def _report_to(ctx: Ctx, s: Store) -> str:
    """The office reports go to by default: the configuration's, else the desk's."""
    return ctx.settings.report_to or s.settings.get().report_to


def _open_incident(s: Store, incident_id: int) -> Incident:
    """The incident, which must still be open (reports, figures and requests are recorded only
    on an open incident)."""
    from watchdesk.models.incident import IncidentStatus

    inc = s.incidents.get(incident_id)
    if inc.status == IncidentStatus.closed:
        raise InputError("ID", t("cli.incident.closed", id=incident_id))
    if inc.status == IncidentStatus.voided:
        raise InputError("ID", t("cli.incident.voided", id=incident_id))
    return inc


def _not_before(inc: Incident, at: datetime | None, field: str) -> None:
    if at is not None and at < (inc.occurred_at or inc.received_at):
        raise InputError(field, t("cli.time.before_incident"))


def cmd_incident_add(ctx: Ctx) -> int:
    from watchdesk.rules.intake import facts_from_mapping

    data = facts_json(read_json(ctx.args.json))
    with ctx.store() as s:
        facts = facts_from_mapping(data, now=s.now(), tz=s.tz)
        emit(incident_json(s, s.incidents.add(facts)))
    return EXIT_OK


def cmd_incident_list(ctx: Ctx) -> int:
    from watchdesk.models.incident import IncidentStatus

    a = ctx.args
    try:
        status = IncidentStatus(a.status) if a.status else None
    except ValueError as e:
        raise UserError(str(e)) from None
    since, until = when(ctx, "since", a.since), when(ctx, "until", a.until)
    with ctx.store() as s:
        items = s.incidents.list(
            since=since,
            until=until,
            status=status,
            grade=a.grade,
            category=a.category,
            limit=a.limit,
        )
        emit([i.model_dump(mode="json") for i in items])
    return EXIT_OK


def cmd_incident_show(ctx: Ctx) -> int:
    """The incident, its clocks and reports, and its whole timeline (written reports' drafting,
    sign-off and sending, figures, duty-log entries, corrections) with who and when."""
    with ctx.store() as s:
        inc = s.incidents.get(ctx.args.id)
        out = incident_json(s, inc)
        out["timeline"] = [x.model_dump(mode="json") for x in s.timeline(inc.id)]
        out["written_reports"] = [
            r.model_dump(mode="json", exclude={"body"}) for r in s.written.list(inc.id)
        ]
        emit(out)
    return EXIT_OK


def cmd_incident_void(ctx: Ctx) -> int:
    with ctx.store() as s:
        emit(incident_json(s, s.incidents.void(ctx.args.id, ctx.args.reason)))
    return EXIT_OK


def _content(option: str, value: str | None) -> str:
    text = (value or "").strip()
    if len(text) > CONTENT_MAX:
        raise InputError(option, t("cli.text.too_long", limit=CONTENT_MAX))
    return text


def cmd_incident_report(ctx: Ctx) -> int:
    """A report made (the console's p w f k e): closes its clock, on time or late."""
    from watchdesk.models.incident import DeadlineStatus, ReportKind

    a = ctx.args
    kind = report_kind(a.kind)
    to_whom, by_whom = one_line("--to", a.to, NAME_MAX), one_line("--by", a.by, BY_MAX)
    content = _content("--content", a.content)
    at = when(ctx, "at", a.at, past=True)
    with ctx.store() as s:
        with fields_as_options({"at": "--at", "id": "ID"}), s.write():
            inc = _open_incident(s, a.id)
            _not_before(inc, at, "--at")
            if kind == ReportKind.verification and not any(
                d.kind == ReportKind.verification and d.status == DeadlineStatus.running
                for d in s.incidents.deadlines(inc.id)
            ):
                raise InputError("--kind", t("cli.report.no_request", id=inc.id))
            report = s.incidents.record_report(
                inc.id,
                kind,
                at=at,
                to_whom=_report_to(ctx, s) if to_whom is None else to_whom,
                by_whom=by_whom or "",
                content=content,
            )
        emit({"report": report, "incident": incident_json(s, s.incidents.get(inc.id))})
    return EXIT_OK


def cmd_incident_figures(ctx: Ctx) -> int:
    """New figures (the console's u): a new version; the grade is re-evaluated."""
    a = ctx.args
    data = read_json(a.json)
    with ctx.store() as s:
        figures, rest = figures_from_json(data, now=s.now(), tz=s.tz)
        accept_lower = a.accept_lower or rest.pop("accept_lower", False)
        with fields_as_options({"id": "ID"}), s.write():
            inc = _open_incident(s, a.id)
            _not_before(inc, rest.get("at"), "at")
            result = s.figures.update(
                inc.id, figures, source=rest.pop("source", ""), accept_lower=accept_lower, **rest
            )
            version = max(s.figures.history(inc.id), key=lambda v: v.id)
        emit(
            {
                "figures": version,
                "regrade": result,
                "incident": incident_json(s, s.incidents.get(inc.id)),
            }
        )
    return EXIT_OK


def cmd_incident_verify_request(ctx: Ctx) -> int:
    """A higher office asks for verification (核报; the console's v): logged, and its clock
    started."""
    from watchdesk.models.dutylog import LogKind

    a = ctx.args
    from_whom = one_line("--from", a.from_whom, NAME_MAX)
    content = _content("--content", a.content)
    at, due = when(ctx, "at", a.at, past=True), when(ctx, "due", a.due)
    names = {"at": "--at", "due_at": "--due", "from_whom": "--from", "id": "ID"}
    with ctx.store() as s:
        with fields_as_options(names), s.write():
            inc = _open_incident(s, a.id)
            _not_before(inc, at, "--at")
            clock = s.incidents.request_verification(
                inc.id,
                from_whom=_report_to(ctx, s) if from_whom is None else from_whom,
                content=content,
                at=at,
                due_at=due,
            )
            entries = s.dutylog.list(kind=LogKind.verification_request, incident_id=inc.id)
            entry = max(entries, key=lambda e: e.id or 0)
        emit(
            {
                "deadline": clock,
                "log_entry": entry,
                "incident": incident_json(s, s.incidents.get(inc.id)),
            }
        )
    return EXIT_OK


FIGURES_PRINTS = """\
e.g. {"dead": 2, "injured": 5, "direct_loss": "300万", "source": "县消防救援大队"}

prints: {"figures": the version recorded, "regrade": the grade before and after, the clocks
added or dropped, needs_confirmation (a lower grade was suggested and not accepted: the grade
stays; --accept-lower lowers it), "incident": the incident with its clocks and reports}"""

REPORT_KINDS_HELP = """\
kinds:
  phone         电话报告 — the phone report
  written       书面报告 — the written report
  followup      续报 — a follow-up, numbered by itself (续报一, 续报二 …); starts the next
                follow-up's clock
  verification  核报 — the answer to a verification request (record the request first with
                `incident verify-request`)
  final         终报 — the final report: ends every remaining clock and closes the incident
The kind may also be given by its Chinese name (电话, 书面, 续报, 核报, 终报).

prints: {"report": the report recorded (late_seconds: > 0 late, <= 0 on time, null: it had no
clock), "incident": the incident with its clocks and reports}"""


def register(commands: Commands) -> None:
    inc = commands.group(
        "incident",
        "add, list, show or void incidents; record reports, new figures and verification requests",
    )
    p = inc.add(
        "add",
        cmd_incident_add,
        "add an incident from a JSON object; prints it with its suggested grade and deadlines",
    )
    p.formatter_class = Listing
    p.epilog = fields_help("fields of the JSON object (others are refused):", INCIDENT_FIELDS)
    p.add_argument("--json", required=True, metavar="FILE|-", help="JSON file, or - for stdin")
    p = inc.add("list", cmd_incident_list, "list incidents as JSON (newest first)")
    json_flag(p)
    p.add_argument("--since", help="received at or after (e.g. 2026-11-01 or '2026-11-22 08:30')")
    p.add_argument("--until", help="received before")
    p.add_argument("--status", choices=["open", "closed", "voided"])
    p.add_argument(
        "--grade",
        type=_grade_option,
        metavar="I|II|III|IV",
        help="the grade: I, II, III, IV or its name (特别重大, 重大, 较大, 一般)",
    )
    p.add_argument("--category", help="category code, e.g. accident")
    p.add_argument("--limit", type=sql_int, default=200)
    p = inc.add("show", cmd_incident_show, "show one incident with its clocks and reports")
    p.add_argument("id", type=sql_int)
    json_flag(p)
    p = inc.add("void", cmd_incident_void, "void an incident (incidents are never deleted)")
    p.add_argument("id", type=sql_int)
    p.add_argument("--reason", required=True)

    p = inc.add(
        "report",
        cmd_incident_report,
        "record a report made on an incident (电话报告, 书面报告, 续报, 核报, 终报): closes its "
        "clock, on time or late",
    )
    p.formatter_class = Listing
    p.epilog = REPORT_KINDS_HELP
    p.add_argument("id", type=sql_int, metavar="ID", help="the incident")
    p.add_argument(
        "--kind",
        required=True,
        metavar="phone|written|followup|verification|final",
        help="what kind of report (see below)",
    )
    p.add_argument(
        "--at", metavar="TIME", help="when it was made (default: now; not before the incident)"
    )
    p.add_argument(
        "--to",
        metavar="WHOM",
        help="to whom (default: report_to of the config, else of the desk)",
    )
    p.add_argument("--by", metavar="NAME", help="made by (default: whoever is acting)")
    p.add_argument("--content", metavar="TEXT", help="what was reported")
    json_flag(p)

    p = inc.add(
        "figures",
        cmd_incident_figures,
        "record new figures (dead, injured … loss) from a JSON object: a new version, never an "
        "overwrite; the grade is re-evaluated (a raised grade starts its clocks at once)",
    )
    p.formatter_class = Listing
    p.epilog = "\n\n".join(
        [
            fields_help("figures (those left out keep their value):", FIGURE_HELP),
            fields_help("and:", FIGURE_META),
            FIGURES_PRINTS,
        ]
    )
    p.add_argument("id", type=sql_int, metavar="ID", help="the incident")
    p.add_argument("--json", required=True, metavar="FILE|-", help="JSON file, or - for stdin")
    p.add_argument(
        "--accept-lower",
        action="store_true",
        help="when the figures suggest a lower grade, lower it (the console asks first)",
    )

    p = inc.add(
        "verify-request",
        cmd_incident_verify_request,
        "record that a higher office asked for verification (核报要求): logged, and its clock "
        "started; answer it with `incident report ID --kind verification`",
    )
    p.add_argument("id", type=sql_int, metavar="ID", help="the incident")
    p.add_argument(
        "--from",
        dest="from_whom",
        metavar="WHO",
        help="who asked (default: report_to of the config, else of the desk)",
    )
    p.add_argument("--at", metavar="TIME", help="when they asked (default: now)")
    p.add_argument(
        "--due",
        metavar="TIME",
        help="when the answer is due (default: the rule pack's, 60 minutes in the shipped packs)",
    )
    p.add_argument("--content", metavar="TEXT", help="what is to be verified")
    json_flag(p)
