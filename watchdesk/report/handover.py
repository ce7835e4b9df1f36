"""The handover sheet (交接班记录) as plain text for a line printer, Markdown, and an A4 PDF.

Pure renderers of a HandoverSheet: the same sheet gives the same bytes, so a frozen sheet can be
reprinted identically. Text widths are terminal cells (Chinese takes two), so no line of the text
output is wider than the configured width.
"""

from __future__ import annotations

from datetime import datetime, tzinfo

from rich.cells import cell_len

from watchdesk.i18n import t, using
from watchdesk.i18n.labels import category_label, grade_label, kind_label, role_label, status_label
from watchdesk.models.handover import HandoverSheet, SheetClock, SheetLine, SheetReport, Signature
from watchdesk.models.incident import DeadlineStatus
from watchdesk.report.textfmt import _PARAGRAPH, rule, wrap_cells

SECTIONS = (
    "people",
    "checks",
    "incidents",
    "written",  # only on a sheet with written reports sent during the shift
    "running",
    "due_next",
    "log",
    "rollcalls",
    "warnings",
    "equipment",
    "notes",
    "pending",
)


def _fmt(dt: datetime | None, tz: tzinfo) -> str:
    return "" if dt is None else dt.astimezone(tz).strftime("%Y-%m-%d %H:%M")


def _hm(dt: datetime | None, tz: tzinfo) -> str:
    return "" if dt is None else dt.astimezone(tz).strftime("%m-%d %H:%M")


def duration(seconds: float) -> str:
    """How long, in whole minutes rounded up: "17 分钟", "1 小时 5 分钟", "2 天 3 小时"."""
    m = max(1, -(-int(seconds) // 60))
    h, m = divmod(m, 60)
    d, h = divmod(h, 24)
    if d:
        return t("ho.dur.dh", d=d, h=h) if h else t("ho.dur.d", d=d)
    if h:
        return t("ho.dur.hm", h=h, m=m) if m else t("ho.dur.h", h=h)
    return t("ho.dur.m", m=m)


def overdue(c: SheetClock, now: datetime) -> str:
    """The mark of a clock past due and not reported at `now` (【已超时 2 分钟】), else ""."""
    if c.status != DeadlineStatus.running or c.due_at >= now:
        return ""
    return t("ho.overdue_by", late=duration((now - c.due_at).total_seconds()))


def clock_state(c: SheetClock, tz: tzinfo, now: datetime | None = None) -> str:
    """A clock's state on the sheet compiled at `now`: on time, late, dropped, running or
    overdue (by how long)."""
    if c.status == DeadlineStatus.done:
        if c.late_seconds is not None and c.late_seconds > 0:
            return t("ho.late", minutes=(c.late_seconds + 59) // 60, at=_hm(c.done_at, tz))
        return t("ho.on_time", at=_hm(c.done_at, tz))
    if c.status == DeadlineStatus.dropped:
        return t("ho.dropped")
    if now is not None and (late := overdue(c, now)):
        return t("ho.overdue_state", overdue=late, due=_hm(c.due_at, tz))
    return t("ho.running", due=_hm(c.due_at, tz))


def check_time(due: datetime, at: datetime, tz: tzinfo) -> str:
    """When a leader-on-duty check was recorded: "22:17"; if after its due time, also when it
    was due and how late: "22:00 应查，22:17 核查（迟 17 分钟）". Whole minutes, as shown."""
    d = due.astimezone(tz).replace(second=0, microsecond=0)
    a = at.astimezone(tz).replace(second=0, microsecond=0)
    if a <= d:
        return a.strftime("%H:%M")
    late = duration((a - d).total_seconds())
    return t("ho.check.late", due=d.strftime("%H:%M"), at=a.strftime("%H:%M"), late=late)


class Struck(str):
    """A line struck through (更正). As a plain string it is what a line printer shows: the
    "[已更正]" tag, the record, then who corrected it, when and why. `record` and `note` let a
    renderer strike the record itself: ~~…~~ in Markdown, <strike> in the PDF."""

    record: str
    note: str
    tag: str

    def __new__(cls, record: str, note: str, indent: str = "") -> Struck:
        tag = t("corr.tag")
        obj = super().__new__(cls, f"{indent}{tag} {record} —— {note}")
        obj.record, obj.note, obj.tag = record, note, tag
        return obj


def sections(sheet: HandoverSheet, tz: tzinfo) -> list[tuple[str, list[str]]]:
    """(title, lines) per section, in the current language: what every renderer prints."""
    out: list[tuple[str, list[str]]] = []
    ppl = []
    for p in sheet.people:
        line = f"{role_label(p.role)}{t('ho.colon')}{p.name}"
        line += (
            "  " + t("ho.signed_in", at=_hm(p.signed_in_at, tz))
            if p.signed_in_at
            else ("  " + t("ho.not_signed_in"))
        )
        if p.signed_out_at:
            line += "  " + t("ho.signed_out", at=_hm(p.signed_out_at, tz))
        if p.note:
            line += "  " + t("ho.paren", text=p.note)
        ppl.append(line)
    ppl += [_line(x, tz) for x in sheet.struck_people]
    out.append((t("ho.s.people"), ppl or [t("ho.none")]))
    out.append((t("ho.s.checks"), [_line(x, tz) for x in sheet.leader_checks] or [t("ho.none")]))
    inc_lines: list[str] = []
    on_sheet = {i.id for i in sheet.incidents}
    merged: dict[int, list[str]] = {}  # a duplicate under the incident it was merged into
    for i in sheet.incidents:
        if i.merged_into is not None and i.merged_into in on_sheet:
            merged.setdefault(i.merged_into, []).append(
                "    " + t("corr.merged_line", id=i.id, at=_hm(i.received_at, tz), what=i.headline)
            )
    for i in sheet.incidents:
        if i.merged_into is not None and i.merged_into in on_sheet:
            continue
        head = (
            f"#{i.id} {_hm(i.received_at, tz)} {grade_label(i.grade, short=True)} "
            f"{category_label(i.category, i.subtype)} {i.place} {i.headline}"
        )
        if i.sensitive:
            head += " " + t("ho.sensitive")
        if i.merged_into is not None:
            head += f" [{t('corr.merged_into', id=i.merged_into)}]"
        else:
            head += f" [{status_label(i.status.value)}]"
        inc_lines.append(head)
        if i.figures:
            inc_lines.append(
                "    "
                + " ".join(
                    t("ho.figure", label=t("fig." + k), n=f"{v:,}") for k, v in i.figures.items()
                )
            )
        for c in i.clocks:
            state = clock_state(c, tz, sheet.compiled_at)
            if i.merged_into is not None and c.status == DeadlineStatus.dropped:
                state = t("corr.merged_into", id=i.merged_into)
            inc_lines.append(f"    {kind_label(c.kind, c.seq)}{t('ho.colon')}{state}")
        inc_lines += [_line(x, tz, indent="    ") for x in i.struck]
        inc_lines += merged.get(i.id, [])
    inc_lines += [_line(x, tz) for x in sheet.struck_incidents]
    out.append((t("ho.s.incidents"), inc_lines or [t("ho.none")]))
    if sheet.written:  # a sheet from before written reports (issue 14) prints as it did
        out.append((t("rv.ho.s.written"), [written_line(r, tz) for r in sheet.written]))
    out.append(
        (
            t("ho.s.running"),
            [
                f"#{c.incident_id} {c.headline} {kind_label(c.kind, c.seq)} {t('ho.due', due=_fmt(c.due_at, tz))}"
                + (" " + late if (late := overdue(c, sheet.compiled_at)) else "")
                for c in sheet.running
            ]
            or [t("ho.none")],
        )
    )
    out.append(
        (
            t("ho.s.due_next"),
            [
                f"#{c.incident_id} {c.headline} {kind_label(c.kind, c.seq)} {t('ho.due', due=_fmt(c.due_at, tz))}"
                + (" " + late if (late := overdue(c, sheet.compiled_at)) else "")
                for c in sheet.due_next
            ]
            or [t("ho.none")],
        )
    )
    out.append((t("ho.s.log"), [_line(x, tz) for x in sheet.log] or [t("ho.none")]))
    rc = [_line(x, tz) for x in sheet.rollcalls]
    if sheet.on_post_rate is not None:
        rc.append(t("ho.on_post_rate", rate=f"{sheet.on_post_rate * 100:.1f}%"))
    out.append((t("ho.s.rollcalls"), rc or [t("ho.none")]))
    out.append((t("ho.s.warnings"), [_line(x, tz) for x in sheet.warnings] or [t("ho.none")]))
    out.append(
        (
            t("ho.s.equipment"),
            [
                f"[{'✓' if e.ok else '✗'}] {t('ho.eq.' + e.key) if t('ho.eq.' + e.key) != 'ho.eq.' + e.key else e.key}"
                + (f"{t('ho.colon')}{e.note}" if e.note else "")
                for e in sheet.equipment
            ]
            or [t("ho.none")],
        )
    )
    out.append((t("ho.s.notes"), [sheet.notes] if sheet.notes.strip() else [t("ho.none")]))
    pending = [
        f"{k}. {p.matter}" + t("ho.paren", text=f"{t('ho.owner')}{t('ho.colon')}{p.owner}")
        for k, p in enumerate(sheet.pending, 1)
    ]
    if sheet.pending_reports:  # not numbered: the numbers are those `d` drops
        pending.append(t("rv.ho.pending_head", n=len(sheet.pending_reports)))
        pending += ["    " + pending_line(r) for r in sheet.pending_reports]
    # open tasks given to units, with their owners (not numbered either: `d` does not drop them)
    pending += [
        f"· {p.matter}" + t("ho.paren", text=f"{t('ho.owner')}{t('ho.colon')}{p.owner}")
        for p in sheet.pending_tasks
    ]
    out.append((t("ho.s.pending"), pending or [t("ho.none")]))
    return out


def _report_name(r: SheetReport) -> str:
    """#3 续报一《…》: the incident (as the sheet numbers incidents), the kind, the title."""
    return f"#{r.incident_id} {kind_label(r.kind, r.seq)}《{r.title}》"


def written_how(r: SheetReport) -> list[str]:
    """How a sent report went: the channel, then a correction (which closes no clock) or on time
    / late, and "sent without sign-off" when so."""
    how = [t(f"rep.via.{r.sent_via}")] if r.sent_via else []
    if r.corrects:
        how.append(t("rv.ho.corrects", what=r.corrects))
    elif r.late_seconds is not None:
        how.append(
            t("rv.ho.late", late=duration(r.late_seconds))
            if r.late_seconds > 0
            else t("rv.ho.on_time")
        )
    if r.without_chain:
        how.append(t("rv.ho.without_chain"))
    return how


def written_line(r: SheetReport, tz: tzinfo) -> str:
    """A written report sent during the shift: when, its serial number, which, how it went,
    and on time or late (or a correction, which closes no clock; or sent without sign-off)."""
    head = " ".join(x for x in (_hm(r.sent_at, tz), r.serial or t("rv.ho.no_serial")) if x)
    line = f"{head} {_report_name(r)} —— {t('rv.ho.list_sep').join(written_how(r))}"
    if r.struck:
        return Struck(line, r.struck)
    return ("！" if r.without_chain else "") + line


def pending_line(r: SheetReport) -> str:
    """A written report not sent yet: which, what it waits for, and who drafted it."""
    if r.status == "signed":
        wait = t("rv.ho.wait_send_signed", serial=r.serial or "")
    elif r.next_step:
        wait = t("rv.ho.wait_step", step=t(f"rep.step.{r.next_step}"))
    else:
        wait = t("rv.ho.wait_send")
    return f"{_report_name(r)} —— {wait}" + t(
        "ho.paren", text=t("rv.ho.drafted_by", who=r.drafted_by)
    )


def _line(x: SheetLine, tz: tzinfo, indent: str = "") -> str:
    s = (f"{_hm(x.at, tz)} " if x.at else "") + (f"[{t(x.kind)}] " if x.kind else "") + x.text
    if x.detail:
        s += f" —— {x.detail}"
    if x.struck:
        return Struck(s, x.struck, indent)
    if x.flag == "bad":
        s = "！" + s
    return indent + s


def header_lines(sheet: HandoverSheet, tz: tzinfo) -> list[str]:
    lines = [t("ho.title")]
    if sheet.desk_name:
        lines.append(sheet.desk_name)
    lines.append(t("ho.shift", start=_fmt(sheet.shift_start, tz), end=_fmt(sheet.shift_end, tz)))
    lines.append(t("ho.compiled", at=_fmt(sheet.compiled_at, tz)))
    return lines


def signature_lines(sheet: HandoverSheet, tz: tzinfo) -> list[str]:
    def sig(s: Signature | None) -> str:
        return f"{s.name}  {_fmt(s.at, tz)}" if s else "________________"

    lines = [
        t("ho.outgoing_sig", sig=sig(sheet.outgoing)),
        t("ho.incoming_sig", sig=sig(sheet.incoming)),
    ]
    if sheet.chain_head is not None:  # the audit chain's head at freezing, read back by `check`
        lines.append(t("ho.anchor", anchor=sheet.chain_head.short))
    return lines


def _wrap(text: str, width: int, indent: int = 0) -> list[str]:
    """`wrap_cells`, with a line that fits as it is (most of a sheet's) taken at once: a busy
    shift's sheet has over a thousand lines, and breaking each costs ~0.1 ms."""
    if cell_len(text) <= width and _PARAGRAPH.search(text) is None:
        return [text.rstrip()]
    return wrap_cells(text, width, indent=indent)


def render_text(
    sheet: HandoverSheet, *, tz: tzinfo, width: int = 80, lang: str | None = None
) -> str:
    """Plain text, every line at most `width` terminal cells wide."""
    if width < 6:  # a line must hold its indent and a Chinese character
        raise ValueError("width too small")
    with using(lang):
        return _text(sheet, tz, width, sections(sheet, tz))


def _text(sheet: HandoverSheet, tz: tzinfo, width: int, secs: list[tuple[str, list[str]]]) -> str:
    out: list[str] = []
    for h in header_lines(sheet, tz):
        out.extend(_wrap(h, width))
    out.append(rule(width, "="))
    for n, (title, lines) in enumerate(secs, 1):
        out.extend(_wrap(f"{t('ho.num.' + str(n))}{t('ho.sep')}{title}", width))
        for line in lines:
            lead = 2 + len(line) - len(line.lstrip(" "))  # a sub-line's runs on under it
            out.extend(_wrap("  " + line, width, min(lead + 2, width - 2)))
        out.append("")
    out.append(rule(width, "-"))
    for s in signature_lines(sheet, tz):
        out.extend(_wrap(s, width))
    return "\n".join(out) + "\n"


def render_text_markdown(
    sheet: HandoverSheet, *, tz: tzinfo, width: int = 80, lang: str | None = None
) -> tuple[str, str]:
    """`render_text` and `render_markdown` of one sheet, its sections worded once (the
    handover screen shows the one and saves the other)."""
    if width < 6:
        raise ValueError("width too small")
    with using(lang):
        secs = sections(sheet, tz)
        return _text(sheet, tz, width, secs), _markdown(sheet, tz, secs)


def _md(line: str) -> str:
    """A line in Markdown: a struck one as ~~record~~, then the tag and who corrected it."""
    if isinstance(line, Struck):
        return f"~~{line.record.strip()}~~ {line.tag} {line.note}"
    return line.strip()


def render_markdown(sheet: HandoverSheet, *, tz: tzinfo, lang: str | None = None) -> str:
    with using(lang):
        return _markdown(sheet, tz, sections(sheet, tz))


def _markdown(sheet: HandoverSheet, tz: tzinfo, secs: list[tuple[str, list[str]]]) -> str:
    head = header_lines(sheet, tz)
    out = [f"# {head[0]}", "", *[f"**{h}**  " for h in head[1:]], ""]
    for n, (title, lines) in enumerate(secs, 1):
        out += [f"## {t('ho.num.' + str(n))}{t('ho.sep')}{title}", ""]
        out += [
            (f"- {_md(line)}" if not line.startswith("    ") else f"  - {_md(line)}")
            for line in lines
        ]
        out.append("")
    out += ["---", "", *[f"{s}  " for s in signature_lines(sheet, tz)], ""]
    return "\n".join(out)
