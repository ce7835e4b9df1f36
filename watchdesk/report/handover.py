"""The handover sheet (交接班记录) as plain text for a line printer, Markdown, and an A4 PDF.

Pure renderers of a HandoverSheet: the same sheet gives the same bytes, so a frozen sheet can be
reprinted identically. Text widths are terminal cells (Chinese takes two), so no line of the text
output is wider than the configured width.
"""

from __future__ import annotations

from datetime import datetime, tzinfo

from watchdesk.i18n import t, using
from watchdesk.i18n.labels import category_label, grade_label, kind_label, role_label, status_label
from watchdesk.models.handover import HandoverSheet, SheetClock, SheetLine, Signature
from watchdesk.models.incident import DeadlineStatus
from watchdesk.report.textfmt import rule, wrap_cells

SECTIONS = (
    "people",
    "checks",
    "incidents",
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


def clock_state(c: SheetClock, tz: tzinfo) -> str:
    if c.status == DeadlineStatus.done:
        if c.late_seconds is not None and c.late_seconds > 0:
            return t("ho.late", minutes=(c.late_seconds + 59) // 60, at=_hm(c.done_at, tz))
        return t("ho.on_time", at=_hm(c.done_at, tz))
    if c.status == DeadlineStatus.dropped:
        return t("ho.dropped")
    return t("ho.running", due=_hm(c.due_at, tz))


def sections(sheet: HandoverSheet, tz: tzinfo) -> list[tuple[str, list[str]]]:
    """(title, lines) per section, in the current language: what every renderer prints."""
    out: list[tuple[str, list[str]]] = []
    ppl = []
    for p in sheet.people:
        line = f"{role_label(p.role)}：{p.name}"
        line += (
            "  " + t("ho.signed_in", at=_hm(p.signed_in_at, tz))
            if p.signed_in_at
            else ("  " + t("ho.not_signed_in"))
        )
        if p.signed_out_at:
            line += "  " + t("ho.signed_out", at=_hm(p.signed_out_at, tz))
        if p.note:
            line += f"  （{p.note}）"
        ppl.append(line)
    out.append((t("ho.s.people"), ppl or [t("ho.none")]))
    out.append((t("ho.s.checks"), [_line(x, tz) for x in sheet.leader_checks] or [t("ho.none")]))
    inc_lines = []
    for i in sheet.incidents:
        head = (
            f"#{i.id} {_hm(i.received_at, tz)} {grade_label(i.grade, short=True)} "
            f"{category_label(i.category, i.subtype)} {i.place} {i.headline}"
        )
        if i.sensitive:
            head += " " + t("ho.sensitive")
        head += f" [{status_label(i.status.value)}]"
        inc_lines.append(head)
        if i.figures:
            inc_lines.append(
                "    " + " ".join(f"{t('fig.' + k)}{v:,}" for k, v in i.figures.items())
            )
        for c in i.clocks:
            inc_lines.append(f"    {kind_label(c.kind, c.seq)}：{clock_state(c, tz)}")
    out.append((t("ho.s.incidents"), inc_lines or [t("ho.none")]))
    out.append(
        (
            t("ho.s.running"),
            [
                f"#{c.incident_id} {c.headline} {kind_label(c.kind, c.seq)} {t('ho.due', due=_fmt(c.due_at, tz))}"
                + (" " + t("ho.overdue") if c.due_at < sheet.compiled_at else "")
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
                + (f"：{e.note}" if e.note else "")
                for e in sheet.equipment
            ]
            or [t("ho.none")],
        )
    )
    out.append((t("ho.s.notes"), [sheet.notes] if sheet.notes.strip() else [t("ho.none")]))
    out.append(
        (
            t("ho.s.pending"),
            [
                f"{k}. {p.matter}（{t('ho.owner')}：{p.owner}）"
                for k, p in enumerate(sheet.pending, 1)
            ]
            or [t("ho.none")],
        )
    )
    return out


def _line(x: SheetLine, tz: tzinfo) -> str:
    s = (f"{_hm(x.at, tz)} " if x.at else "") + (f"[{t(x.kind)}] " if x.kind else "") + x.text
    if x.detail:
        s += f" —— {x.detail}"
    if x.flag == "bad":
        s = "！" + s
    return s


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

    return [
        t("ho.outgoing_sig", sig=sig(sheet.outgoing)),
        t("ho.incoming_sig", sig=sig(sheet.incoming)),
    ]


def render_text(
    sheet: HandoverSheet, *, tz: tzinfo, width: int = 80, lang: str | None = None
) -> str:
    """Plain text, every line at most `width` terminal cells wide."""
    with using(lang):
        out: list[str] = []
        for h in header_lines(sheet, tz):
            out.extend(wrap_cells(h, width))
        out.append(rule(width, "="))
        for n, (title, lines) in enumerate(sections(sheet, tz), 1):
            out.extend(wrap_cells(f"{t('ho.num.' + str(n))}{t('ho.sep')}{title}", width))
            for line in lines:
                out.extend(wrap_cells("  " + line, width, indent=4))
            out.append("")
        out.append(rule(width, "-"))
        for s in signature_lines(sheet, tz):
            out.extend(wrap_cells(s, width))
        return "\n".join(out) + "\n"


def render_markdown(sheet: HandoverSheet, *, tz: tzinfo, lang: str | None = None) -> str:
    with using(lang):
        head = header_lines(sheet, tz)
        out = [f"# {head[0]}", "", *[f"**{h}**  " for h in head[1:]], ""]
        for n, (title, lines) in enumerate(sections(sheet, tz), 1):
            out += [f"## {t('ho.num.' + str(n))}{t('ho.sep')}{title}", ""]
            out += [
                f"- {line.strip()}" if not line.startswith("    ") else f"  - {line.strip()}"
                for line in lines
            ]
            out.append("")
        out += ["---", "", *[f"{s}  " for s in signature_lines(sheet, tz)], ""]
        return "\n".join(out)
