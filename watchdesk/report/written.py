"""The report itself, drafted (issue 14): the phone report's read-out card (电话报告), the first
written report (首报/书面报告), follow-ups (续报一、二…), the answer to a verification request (核报)
and the final report (终报), drawn from what the desk holds.

Two halves:

- `compose` (pure): the incident, its figure versions, its reports and its duty-log entries become a
  *context*: plain JSON data in Chinese (times as 11月22日14时10分, money as 3200万元, casualties as
  11人死亡、20人受伤), with every required element that is still unknown replaced by its mark
  (【待核实：事发单位】, `watchdesk.rules.report_elements`). The context has the same shape for every
  incident: nothing in it is None, lists may be empty.
- the templates (data): one Jinja2 file per kind, `<kind>.txt.j2`, with a `title` and a `body`
  block, in `watchdesk/rules/packs/templates/<pack>/` (else `default/`); a desk's own folder comes
  first, file by file. They run in a sandbox with strict undefined: a template with a syntax error,
  an unknown filter or an unknown field is refused when it is loaded (`TemplateError`, naming the
  file, the line and the problem), because loading renders it against a complete and a sparse
  sample context and checks every field it names.

`draft` reads the desk through its repositories in eight small queries (the incident, its figure
versions, reports and duty-log entries, the desk's settings; a verification answer adds its clocks),
composes and renders: about 30 ms for an incident with 50 figure versions and 200 log entries.
"""

from __future__ import annotations

import os
import re
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from decimal import ROUND_HALF_UP, Decimal
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
from jinja2 import nodes
from jinja2.sandbox import SandboxedEnvironment

import watchdesk.rules
from watchdesk.errors import InputError, Msg, StoreError
from watchdesk.i18n.labels import cn_number
from watchdesk.models.dutylog import LogEntry, LogKind
from watchdesk.models.incident import (
    Deadline,
    FigureStatus,
    FigureVersion,
    Grade,
    Incident,
    ReportEvent,
    ReportKind,
)
from watchdesk.models.report import Draft, DraftElement
from watchdesk.rules import categories
from watchdesk.rules.report_elements import BY_KEY, ELEMENTS, KIND_ZH, mark, required

if TYPE_CHECKING:
    from watchdesk.store.desk import Store

TEMPLATES = Path(watchdesk.rules.__file__).parent / "packs" / "templates"
DEFAULT = "default"
SUFFIX = ".txt.j2"
BLOCKS = ("title", "body")


class TemplateError(StoreError):
    """A report template that cannot be used: names the file, the line and the problem."""

    def __init__(self, file: str | Path, line: int | None, problem: str | Msg):
        if line:
            super().__init__("err.template.line", file=str(file), line=line, problem=problem)
        else:
            super().__init__("err.template.file", file=str(file), problem=problem)
        self.file = str(file)
        self.line = line
        self.problem = str(problem)


# -- Chinese forms of times, money and casualties ---------------------------------------------
def when(
    dt: datetime, now: datetime, tz: tzinfo, *, date: bool = False, about: bool = False
) -> str:
    """14时29分 on the day of `now` (8时 on the hour), else 11月21日14时29分 (with the year when it
    differs); `date`: always with the day; `about`: 许 after it (the time of occurrence)."""
    local, ref = dt.astimezone(tz), now.astimezone(tz)
    hm = f"{local.hour}时" + (f"{local.minute}分" if local.minute else "")
    if about:
        hm += "许"
    if not date and local.date() == ref.date():
        return hm
    day = f"{local.month}月{local.day}日"
    if local.year != ref.year:
        day = f"{local.year}年{day}"
    return day + hm


def money(yuan: int) -> str:
    """32000000 → 3200万元; 150000000 → 1.5亿元; 8000 → 8000元."""

    def short(value: Decimal) -> str:
        text = str(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
        return text.rstrip("0").rstrip(".")

    if yuan >= 100_000_000:
        return short(Decimal(yuan) / 100_000_000) + "亿元"
    if yuan >= 10_000:
        return short(Decimal(yuan) / 10_000) + "万元"
    return f"{yuan}元"


_PEOPLE = (
    ("dead", "死亡"),
    ("injured", "受伤"),
    ("seriously_injured", "重伤"),
    ("trapped", "被困"),
    ("missing", "失联"),
)


def casualties(f: FigureVersion) -> str:
    """11人死亡、20人受伤（其中6人重伤）、3人被困、1人失联; "" when nobody."""
    parts = []
    if f.dead:
        parts.append(f"{f.dead}人死亡")
    serious_within = 0 < f.seriously_injured <= f.injured
    if f.injured:
        parts.append(
            f"{f.injured}人受伤"
            + (f"（其中{f.seriously_injured}人重伤）" if serious_within else "")
        )
    if f.seriously_injured and not serious_within:
        parts.append(f"{f.seriously_injured}人重伤")
    if f.trapped:
        parts.append(f"{f.trapped}人被困")
    if f.missing:
        parts.append(f"{f.missing}人失联")
    return "、".join(parts)


def casualties_short(f: FigureVersion) -> str:
    """For a title: 11人死亡20人受伤3人被困."""
    out = ""
    for field, word in _PEOPLE:
        n = getattr(f, field)
        if field == "seriously_injured" and f.injured:
            continue
        if n:
            out += f"{n}人{word}"
    return out


def changes(before: FigureVersion, after: FigureVersion) -> list[str]:
    """死亡人数由11人增至13人 …: what differs between two versions of the figures."""
    out = []
    for field, word in _PEOPLE:
        a, b = getattr(before, field), getattr(after, field)
        if a != b:
            out.append(f"{word}人数由{a}人{'增至' if b > a else '减至'}{b}人")
    a, b = before.direct_loss, after.direct_loss
    if a != b:
        out.append(
            f"直接经济损失初步核算为{money(b)}"
            if a == 0
            else f"直接经济损失由{money(a)}调整为{money(b)}"
        )
    return out


_END = "。；;，,.、 \n"


def clause(text: str) -> str:
    """A text to go inside a sentence: without its closing punctuation."""
    return text.strip().rstrip(_END).strip()


def sentence(text: str) -> str:
    """A text as a whole sentence: ends with 。 (or its own ！？…)."""
    text = text.strip()
    if not text:
        return ""
    if text.endswith(("。", "！", "？", "…", "”")):
        return text
    return clause(text) + "。"


def _who(text: str) -> str:
    """县消防救援大队现场报告 → 县消防救援大队 (the sentence says 据…报告 or 经…核实 itself)."""
    text = clause(text)
    for tail in ("现场报告", "报告", "来电", "反映", "报警", "核实", "核查"):
        if text.endswith(tail) and len(text) > len(tail):
            return text[: -len(tail)]
    return text


_ROMAN = {Grade.I: "Ⅰ级", Grade.II: "Ⅱ级", Grade.III: "Ⅲ级", Grade.IV: "Ⅳ级"}
_GRADE_ZH = {Grade.I: "特别重大", Grade.II: "重大", Grade.III: "较大", Grade.IV: "一般"}
_FIG_STATUS = {
    FigureStatus.initial: "接报",
    FigureStatus.updated: "更新",
    FigureStatus.verified: "核实",
}
# duty-log entries that are part of a report: measures and progress (落实/处置情况), leaders'
# instructions (批示), calls about the incident (来电). Notes and documents are the desk's own.
_ITEM_KINDS = {
    LogKind.action: "action",
    LogKind.instruction: "instruction",
    LogKind.call_in: "call_in",
}


def kind_name(kind: ReportKind, seq: int = 0) -> str:
    """电话报告 … 续报一 …: always Chinese (a report goes to an office, whatever the UI says)."""
    if kind == ReportKind.followup and seq:
        return f"续报{cn_number(seq)}"
    return KIND_ZH[kind]


# -- the context ------------------------------------------------------------------------------
@dataclass
class Held:
    """What the desk holds about one incident, as `draft` reads it."""

    incident: Incident
    figures: list[FigureVersion]  # oldest first
    reports: list[ReportEvent]  # oldest first
    log: list[LogEntry]  # any order
    deadlines: list[Deadline]
    desk_name: str = ""
    report_to: str = ""
    drafter: str = ""


def _empty_figures(incident_id: int, at: datetime) -> FigureVersion:
    return FigureVersion(id=0, incident_id=incident_id, at=at)


def compose(
    held: Held, kind: ReportKind | str, *, now: datetime, tz: tzinfo, seq: int | None = None
) -> tuple[dict[str, Any], list[DraftElement], int]:
    """The template's context, the elements (required, known, missing) and the report's number
    (the follow-up's, or which verification request is answered). Only what happened by `now`
    counts."""
    kind = ReportKind(kind)
    inc = held.incident

    # A report about an incident of an earlier day dates every time it gives (9时 after
    # 11月21日8时30分 would read as the 21st).
    local_now = now.astimezone(tz)
    start = (inc.occurred_at or inc.received_at).astimezone(tz).date()
    dated = start != local_now.date()

    def at(dt: datetime, *, date: bool = False, about: bool = False) -> str:
        return when(dt, now, tz, date=date or dated, about=about)

    figs = [f for f in held.figures if f.at <= now] or [_empty_figures(inc.id, inc.received_at)]
    reports = sorted((r for r in held.reports if r.at <= now), key=lambda r: (r.at, r.id))
    log = sorted((e for e in held.log if e.at <= now), key=lambda e: (e.at, e.id or 0))

    # which report this is, and the one before it
    if seq is None:
        if kind == ReportKind.followup:
            seq = 1 + max((r.seq for r in reports if r.kind == kind), default=0)
        elif kind == ReportKind.verification:
            seq = sum(1 for e in log if e.kind == LogKind.verification_request)
        else:
            seq = 0
    seq = max(seq, 0)
    redrawn = next((r for r in reports if r.kind == kind and r.seq == seq), None)
    if redrawn is not None and kind != ReportKind.verification:
        reports = [r for r in reports if (r.at, r.id) < (redrawn.at, redrawn.id)]
    previous = reports[-1] if reports else None

    def figures_at(dt: datetime) -> FigureVersion:
        return next((f for f in reversed(figs) if f.at <= dt), figs[0])

    def fig(f: FigureVersion, label: str = "") -> dict[str, Any]:
        return {
            "as_of": at(f.at),
            "text": casualties(f),
            "short": casualties_short(f),
            "any": any(getattr(f, k) for k, _ in _PEOPLE),
            "loss": money(f.direct_loss) if f.direct_loss else "",
            "dead": f.dead,
            "injured": f.injured,
            "seriously_injured": f.seriously_injured,
            "trapped": f.trapped,
            "missing": f.missing,
            "direct_loss": f.direct_loss,
            "source": _who(f.source),
            "status": _FIG_STATUS.get(f.status, ""),
            "verified": f.status == FigureStatus.verified,
            "note": clause(f.note),
            "label": label,
        }

    latest = figs[-1]

    # the timeline: progress, measures, instructions, calls, new figures (with what they said)
    def item(dt: datetime, kind_: str, who: str, content: str, handling: str = "") -> dict:
        return {
            "at": at(dt),
            "kind": kind_,
            "who": who,
            "content": clause(content),
            "handling": clause(handling),
            "new": previous is None or dt > previous.at,
        }

    timeline_src: list[tuple[datetime, int, dict]] = []
    for i, f in enumerate(figs):
        if i == 0:
            continue  # the first figures are the incident's own
        d = item(f.at, "figures", _who(f.source), f.note)
        d["figures"] = casualties(f)
        timeline_src.append((f.at, 0, d))
    for e in log:
        k = _ITEM_KINDS.get(e.kind)
        if k is None:
            continue
        who = e.counterpart.strip() or ("领导" if k == "instruction" else "")
        if k == "call_in":
            who = _who(who) or "来电"
        d = item(e.at, k, who, e.content, e.handling)
        d["figures"] = ""
        timeline_src.append((e.at, 1, d))
    timeline_src.sort(key=lambda x: (x[0], x[1]))
    timeline = [d for _, _, d in timeline_src]

    # the incident's elements
    try:
        cat = categories.category(inc.category)
        cat_zh, graded = cat.zh, cat.graded
    except ValueError:
        cat_zh, graded = inc.category, True
    try:
        type_zh = categories.subtype(inc.subtype).zh if inc.subtype else cat_zh
    except ValueError:
        type_zh = inc.subtype
    event = ("一起" if type_zh.endswith(("事故", "事件", "火灾", "案件", "疫情")) else "") + type_zh
    unit = str(getattr(inc, "unit", "") or "")  # the desk holds no 事发单位 yet: always unknown
    src_unit = inc.caller_unit.strip() or _who(inc.source)
    person = inc.caller_title.strip() + inc.caller_name.strip()
    source = src_unit + (person if person and person not in src_unit else "")
    actions = [d for d in timeline if d["kind"] == "action"]
    measures = clause(inc.measures)

    # the verification request answered (核报)
    requests = [e for e in log if e.kind == LogKind.verification_request]
    request = None
    if kind == ReportKind.verification and seq:
        if seq > len(requests):
            raise InputError("seq", "err.report.no_request", id=inc.id, seq=seq)
        request = requests[seq - 1]
    verification = _verification(held, request, seq, reports, figs, fig, at, timeline_src)

    # what is known of each element, and which required ones are still unknown
    known = {
        "reporting_unit": held.desk_name,
        "unit": unit,
        "type": type_zh,
        "occurred_at": at(inc.occurred_at, date=True, about=True) if inc.occurred_at else "",
        "place": inc.place,
        "casualties": casualties(latest) or "暂无人员伤亡",
        "course": sentence(inc.description),
        "direct_loss": money(latest.direct_loss) if latest.direct_loss else "",
        "measures": measures or "；".join(a["content"] for a in actions),
        "source": source,
        "verification_request": (
            f"{verification['at']}{verification['by']}：{verification['content']}"
            if verification["requested"]
            else ""
        ),
        "verification_result": (
            f"{verification['result']['as_of']}{verification['result']['source']}"
            if verification["result"]["found"]
            else ""
        ),
    }
    needed = {e.key for e in required(kind, inc.category)}
    missing = [e.key for e in ELEMENTS if e.key in needed and not known[e.key]]
    marks = {k: mark(k) for k in missing}

    def value(key: str, text: str | None = None) -> str:
        return marks.get(key, known[key] if text is None else text)

    elements = [
        DraftElement(
            key=e.key,
            label=e.zh,
            value=known[e.key],
            required=e.key in needed,
            missing=e.key in marks,
        )
        for e in ELEMENTS
    ]
    if "verification_request" in marks:
        verification.update(at=marks["verification_request"], by="", content="")
    if "verification_result" in marks:
        verification["result"]["source"] = marks["verification_result"]

    label = kind_name(kind, seq)
    latest_fig = fig(latest)
    latest_fig["loss"] = value("direct_loss", latest_fig["loss"])
    prev_figs = figures_at(previous.at) if previous else None
    context: dict[str, Any] = {
        "kind": kind.value,
        "kind_label": label,
        "seq": seq,
        "title_suffix": "" if kind in (ReportKind.phone, ReportKind.written) else f"（{label}）",
        "now": at(now, date=True),
        "today": f"{local_now.year}年{local_now.month}月{local_now.day}日",
        "desk": {
            "name": value("reporting_unit"),
            "report_to": held.report_to,
            "drafter": held.drafter,
        },
        "incident": {
            "id": inc.id,
            "title": inc.title,
            "place": inc.place,
            "category": cat_zh,
            "type": type_zh,
            "event": event,
            "noun": {"accident": "事故", "natural": "灾害"}.get(inc.category, "事件"),
            "graded": graded,
            "grade": _GRADE_ZH[inc.grade],
            "grade_text": f"{_GRADE_ZH[inc.grade]}（{_ROMAN[inc.grade]}）",
            "occurred": value("occurred_at"),
            "received": at(inc.received_at),
            "unit": value("unit"),
            "source": value("source"),
            "caller": {
                "unit": inc.caller_unit,
                "name": inc.caller_name,
                "title": inc.caller_title,
                "phone": inc.caller_phone,
            },
            "description": sentence(inc.description),
            "scope": clause(inc.scope),
            "trend": clause(inc.trend),
            "measures": value("measures", measures),
            "sensitive": inc.sensitive,
            "closed": inc.status.value == "closed",
        },
        "figures": latest_fig,
        "title_casualties": (
            f"造成{casualties_short(latest)}" if casualties_short(latest) else "暂无人员伤亡"
        ),
        "first": fig(figs[0], "首次接报"),
        "history": [
            fig(f, "首次接报" if i == 0 else _FIG_STATUS[f.status]) for i, f in enumerate(figs)
        ],
        "previous": {
            "found": previous is not None,
            "label": kind_name(previous.kind, previous.seq) if previous else "",
            "at": at(previous.at) if previous else "",
            "to_whom": previous.to_whom if previous else "",
            "figures": fig(prev_figs) if prev_figs else fig(_empty_figures(inc.id, now)),
        },
        "changes": changes(prev_figs, latest) if prev_figs else [],
        "timeline": timeline,
        "since": [d for d in timeline if d["new"]],
        "actions": actions,
        "instructions": [d for d in timeline if d["kind"] == "instruction"],
        "verification": verification,
        "reports": [
            {"label": kind_name(r.kind, r.seq), "at": at(r.at), "to_whom": r.to_whom}
            for r in reports
        ],
        # the required elements still unknown: {key, label, mark}, and their marks alone
        "missing": [{"key": k, "label": BY_KEY[k].zh, "mark": marks[k]} for k in missing],
        "marks": [marks[k] for k in missing],
    }
    return context, elements, seq


def _verification(
    held: Held,
    request: LogEntry | None,
    seq: int,
    reports: list[ReportEvent],
    figs: list[FigureVersion],
    fig: Callable[[FigureVersion], dict[str, Any]],
    at: Callable[[datetime], str],
    timeline_src: list[tuple[datetime, int, dict]],
) -> dict[str, Any]:
    """The request (who asked, when, what), the figures found after it (verified or reported),
    the report they are compared with and what changed."""
    none = _empty_figures(held.incident.id, held.incident.received_at)
    out: dict[str, Any] = {
        "requested": request is not None,
        "at": "",
        "by": "",
        "content": "",
        "due": "",
        "result": {**fig(none), "found": False},
        "compared": {"found": False, "label": "", "at": "", "figures": fig(none)},
        "changes": [],
        "since": [],
    }
    if request is None:
        return out
    content = clause(request.content)
    out.update(
        at=at(request.at),
        by=request.counterpart.strip(),
        content="" if content in ("要求核报", "核报") else content,
    )
    clock = next(
        (d for d in held.deadlines if d.kind == ReportKind.verification and d.seq == seq), None
    )
    if clock is not None:
        out["due"] = at(clock.due_at)
    before = next((f for f in reversed(figs) if f.at <= request.at), figs[0])
    after = [f for f in figs if f.at > request.at]
    earlier = [r for r in reports if r.at <= request.at]
    if earlier:
        r = earlier[-1]
        before = next((f for f in reversed(figs) if f.at <= r.at), figs[0])
        out["compared"] = {
            "found": True,
            "label": kind_name(r.kind, r.seq),
            "at": at(r.at),
            "figures": fig(before),
        }
    if after:
        result = after[-1]
        out["result"] = {**fig(result), "found": True}
        out["changes"] = changes(before, result)
    out["since"] = [d for t, _, d in timeline_src if t > request.at]
    return out


# -- templates ----------------------------------------------------------------------------------
def template_dirs(pack: str = DEFAULT, override: str | Path | None = None) -> tuple[Path, ...]:
    """Where a kind's template is looked for, first match wins: the desk's folder, the pack's,
    the default."""
    dirs: list[Path] = []
    if override is not None:
        folder = Path(override).expanduser()
        if not folder.is_dir():
            raise TemplateError(folder, None, Msg("err.template.no_folder"))
        dirs.append(folder.resolve())
    name = Path(pack).stem if pack else DEFAULT
    if name != DEFAULT and re.fullmatch(r"[A-Za-z0-9_-]+", name) and (TEMPLATES / name).is_dir():
        dirs.append(TEMPLATES / name)
    dirs.append(TEMPLATES / DEFAULT)
    return tuple(dirs)


@lru_cache(maxsize=16)
def _environment(dirs: tuple[Path, ...], signature: tuple) -> SandboxedEnvironment:
    """One environment per folders and their files' state: an edited template is compiled
    afresh even when its modification time did not move (Jinja's own check is by the second)."""
    env = SandboxedEnvironment(
        loader=jinja2.FileSystemLoader([str(d) for d in dirs], encoding="utf-8"),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        trim_blocks=False,  # a line of the body is a paragraph: {% if %}…{% endif %} keeps its line
        lstrip_blocks=True,
        keep_trailing_newline=False,
        auto_reload=False,
    )
    env.filters["cn_number"] = cn_number
    return env


def _signature(dirs: tuple[Path, ...]) -> tuple:
    out = []
    for d in dirs:
        with os.scandir(d) as it:
            for e in it:
                if e.name.endswith(".j2"):
                    st = e.stat()
                    out.append((e.path, st.st_mtime_ns, st.st_size))
    return tuple(sorted(out))


_loaded: dict[tuple[ReportKind, tuple[Path, ...]], tuple[tuple, jinja2.Template]] = {}


def load_template(
    kind: ReportKind | str, *, pack: str = DEFAULT, override: str | Path | None = None
) -> jinja2.Template:
    """The kind's template, checked: compiled, every field it names known, rendered once against
    a complete and a sparse sample. Refused with TemplateError (file, line, problem). Kept until
    one of its folder's templates changes."""
    kind = ReportKind(kind)
    dirs = template_dirs(pack, override)
    sig = _signature(dirs)
    hit = _loaded.get((kind, dirs))
    if hit is not None and hit[0] == sig:
        return hit[1]
    env = _environment(dirs, sig)
    name = kind.value + SUFFIX
    try:
        tmpl = env.get_template(name)
    except jinja2.TemplateNotFound:
        raise TemplateError(dirs[0] / name, None, Msg("err.template.no_template")) from None
    except jinja2.TemplateSyntaxError as e:
        raise TemplateError(e.filename or name, e.lineno, e.message or str(e)) from None
    for block in BLOCKS:
        if block not in tmpl.blocks:
            raise TemplateError(
                tmpl.filename or name, None, Msg("err.template.no_block", block=block)
            )
    for full in (True, False):
        ctx = sample_context(kind, full=full)
        _check_fields(env, tmpl, ctx)
        _render(tmpl, ctx)
    _loaded[(kind, dirs)] = (sig, tmpl)
    return tmpl


def check_templates(*, pack: str = DEFAULT, override: str | Path | None = None) -> None:
    """Every kind's template loads (raises TemplateError for the first that does not)."""
    for kind in ReportKind:
        load_template(kind, pack=pack, override=override)


def _render(tmpl: jinja2.Template, ctx: dict[str, Any]) -> tuple[str, str]:
    """(title, body): the title on one line; the body one paragraph a line, blank lines dropped."""
    out: dict[str, str] = {}

    def capture(name: str, render: Callable) -> Callable:
        def block(context: Any) -> Iterator[str]:
            out[name] = "".join(render(context))
            yield ""

        return block

    try:
        c = tmpl.new_context(ctx)
        renders = {name: c.blocks[name][0] for name in BLOCKS}
        for name, render in renders.items():
            c.blocks[name][0] = capture(name, render)
        # One pass over the whole template: its imports (the macros) run, each block is kept.
        for _ in tmpl.root_render_func(c):
            pass
        for name, render in renders.items():
            if name not in out:  # a block the template's own flow did not reach
                out[name] = "".join(render(c))
        title, body = out["title"], out["body"]
    except jinja2.TemplateError as e:
        raise _located(e, tmpl) from None
    except Exception as e:  # a sandboxed template can still divide by zero
        raise _located(e, tmpl) from None
    title = "".join(line.strip() for line in title.splitlines())
    lines = [line.rstrip() for line in body.splitlines()]
    return title, "\n".join(line for line in lines if line.strip())


def _located(e: BaseException, tmpl: jinja2.Template) -> TemplateError:
    """The error being handled, at its line in the template (called inside `except`)."""
    from jinja2.debug import rewrite_traceback_stack

    e = rewrite_traceback_stack(source=None)
    frames = [f for f in traceback.extract_tb(e.__traceback__) if f.filename.endswith(".j2")]
    file, line = (frames[-1].filename, frames[-1].lineno) if frames else (tmpl.filename, None)
    problem: str | Msg = str(e) or type(e).__name__
    if isinstance(e, jinja2.UndefinedError):
        problem = Msg("err.template.undefined", problem=problem)
    return TemplateError(file or tmpl.name or "", line, problem)


_DICT_METHODS = frozenset(dir(dict))


def _check_fields(env: SandboxedEnvironment, tmpl: jinja2.Template, ctx: dict[str, Any]) -> None:
    """Every field a template (and the templates it imports) names must be in the context, also
    in branches the samples do not reach: `incident.unitt` is refused with its line."""
    seen: set[str] = set()
    todo = [tmpl.name or ""]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        source, filename, _ = env.loader.get_source(env, name)  # type: ignore[union-attr]
        ast = env.parse(source, name, filename)
        local: set[str] = {*env.globals, "loop", "caller", "varargs", "kwargs"}
        for macro in ast.find_all(nodes.Macro):
            local.add(macro.name)
            local.update(a.name for a in macro.args)
        for call in ast.find_all(nodes.CallBlock):
            local.update(a.name for a in call.args)
        for imp in ast.find_all(nodes.Import):
            local.add(imp.target)
            if isinstance(imp.template, nodes.Const):
                todo.append(imp.template.value)
        for frm in ast.find_all(nodes.FromImport):
            local.update(x if isinstance(x, str) else x[-1] for x in frm.names)
            if isinstance(frm.template, nodes.Const):
                todo.append(frm.template.value)
        names = list(ast.find_all(nodes.Name))
        local.update(v.name for v in names if v.ctx in ("store", "param"))
        for v in names:
            if v.ctx == "load" and v.name not in local and v.name not in ctx:
                raise TemplateError(
                    filename or name, v.lineno, Msg("err.template.unknown_field", name=repr(v.name))
                )
        for n in ast.find_all((nodes.Getattr, nodes.Getitem)):
            path: list[str] = []
            node: nodes.Node = n
            while isinstance(node, (nodes.Getattr, nodes.Getitem)):
                if isinstance(node, nodes.Getattr):
                    path.append(node.attr)
                elif isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
                    path.append(node.arg.value)
                else:
                    path = []
                    break
                node = node.node
            if not path or not isinstance(node, nodes.Name) or node.name in local:
                continue
            value: Any = ctx.get(node.name)
            dotted = node.name
            for key in reversed(path):
                if not isinstance(value, dict):
                    break
                dotted += f".{key}"
                if key not in value:
                    if key in _DICT_METHODS:
                        break
                    raise TemplateError(
                        filename or name,
                        n.lineno,
                        Msg("err.template.unknown_field", name=repr(dotted)),
                    )
                value = value[key]


# -- the sample a template is checked against -------------------------------------------------
@cache
def _samples() -> tuple[Held, Held, datetime]:
    from zoneinfo import ZoneInfo

    tz = ZoneInfo("Asia/Shanghai")
    t0 = datetime(2026, 1, 5, 14, 10, tzinfo=tz)

    def m(minutes: int) -> datetime:
        return t0 + timedelta(minutes=minutes)

    inc = Incident(
        id=1,
        received_at=m(19),
        occurred_at=t0,
        place="样例县样例路",
        source="样例县公安局指挥中心",
        category="accident",
        subtype="road_traffic",
        title="样例事故",
        description="一辆客车侧翻。",
        dead=1,
        injured=3,
        seriously_injured=1,
        trapped=1,
        missing=1,
        direct_loss=100_000,
        scope="道路双向",
        trend="伤亡人数可能上升",
        measures="公安、消防已到场",
        caller_unit="样例县公安局指挥中心",
        caller_name="张三",
        caller_title="值班长",
        caller_phone="0000-0000000",
        recorder="李四",
        sensitive=True,
        grade=Grade.III,
        grade_suggested=Grade.III,
        created_at=m(19),
        updated_at=m(19),
    )
    full = Held(
        incident=inc,
        figures=[
            FigureVersion(id=1, incident_id=1, at=m(19), dead=1, injured=3, source="指挥中心"),
            FigureVersion(
                id=2,
                incident_id=1,
                at=m(60),
                dead=2,
                injured=4,
                direct_loss=200_000,
                source="县医院报告",
                status=FigureStatus.updated,
                note="一名重伤员经抢救无效死亡",
            ),
            FigureVersion(
                id=3,
                incident_id=1,
                at=m(100),
                dead=2,
                injured=5,
                missing=0,
                direct_loss=200_000,
                source="县应急局核实",
                status=FigureStatus.verified,
                note="失联人员已找到",
            ),
        ],
        reports=[
            ReportEvent(id=1, incident_id=1, kind=ReportKind.phone, at=m(25), to_whom="市局"),
            ReportEvent(id=2, incident_id=1, kind=ReportKind.written, at=m(50), to_whom="市局"),
            ReportEvent(id=3, incident_id=1, kind=ReportKind.followup, seq=1, at=m(70)),
        ],
        log=[
            LogEntry(
                id=1, at=m(30), kind=LogKind.action, content="交警封闭现场", handling="已分流"
            ),
            LogEntry(
                id=2, at=m(40), kind=LogKind.instruction, counterpart="王局长", content="全力救治"
            ),
            LogEntry(
                id=3, at=m(55), kind=LogKind.call_in, counterpart="县医院", content="收治伤员"
            ),
            LogEntry(
                id=4,
                at=m(80),
                kind=LogKind.verification_request,
                counterpart="市局",
                content="核实死亡人数",
            ),
            LogEntry(id=5, at=m(90), kind=LogKind.action, content="县领导到场指挥"),
        ],
        deadlines=[
            Deadline(id=1, incident_id=1, kind=ReportKind.verification, seq=1, due_at=m(110)),
        ],
        desk_name="样例县应急管理局总值班室",
        report_to="样例市应急管理局总值班室",
        drafter="李四",
    )
    sparse_inc = inc.model_copy(
        update=dict(
            occurred_at=None,
            source="",
            category="natural",
            subtype="",
            title="",
            dead=0,
            injured=0,
            seriously_injured=0,
            trapped=0,
            missing=0,
            direct_loss=0,
            scope="",
            trend="",
            measures="",
            caller_unit="",
            caller_name="",
            caller_title="",
            caller_phone="",
            recorder="",
            sensitive=False,
        )
    )
    sparse = Held(incident=sparse_inc, figures=[], reports=[], log=[], deadlines=[])
    return full, sparse, m(120)


def sample_context(kind: ReportKind | str, *, full: bool = True) -> dict[str, Any]:
    """A context with everything (`full`) or next to nothing in it: what a template is checked
    against when it is loaded."""
    f, s, now = _samples()
    ctx, _, _ = compose(f if full else s, ReportKind(kind), now=now, tz=now.tzinfo or UTC)
    return ctx


# -- drafting -----------------------------------------------------------------------------------
def draft(
    store: Store,
    incident_id: int,
    kind: ReportKind | str,
    *,
    now: datetime,
    seq: int | None = None,
    templates_dir: str | Path | None = None,
    desk_name: str = "",
    report_to: str = "",
) -> Draft:
    """Draft a report of `kind` on the incident from what the desk holds at `now`. `seq`: the
    follow-up's number (default: the next one) or which verification request is answered (default:
    the latest). `templates_dir`: the desk's own template folder, file by file before the pack's.
    `desk_name`, `report_to`: the configuration's values, which come before the desk's."""
    kind = ReportKind(kind)
    tmpl = load_template(kind, pack=store.rule_pack_id, override=templates_dir)
    inc = store.incidents.get(incident_id)
    settings = store.settings.get()
    acting = store.acting
    held = Held(
        incident=inc,
        figures=store.figures.history(incident_id),
        reports=store.incidents.reports(incident_id),
        log=store.dutylog.list(incident_id=incident_id, limit=1_000_000),
        deadlines=store.incidents.deadlines(incident_id) if kind == ReportKind.verification else [],
        desk_name=desk_name or settings.desk_name,
        report_to=report_to or settings.report_to,
        drafter=acting.name if acting.kind.value == "officer" else "",
    )
    context, elements, number = compose(held, kind, now=now, tz=store.tz, seq=seq)
    title, body = _render(tmpl, context)
    return Draft(
        incident_id=incident_id,
        kind=kind,
        seq=number,
        title=title,
        body=body,
        missing=[e.key for e in elements if e.missing],
        elements=elements,
        context=context,
        template=tmpl.filename or tmpl.name or "",
        drawn_at=now,
    )
