"""The handover sheet's sections as tables, for the PDF: each list of records with the same
fields (people on duty, incidents, clocks, the log, roll-calls, equipment, pending matters) is a
grid of columns; the notes stay text. Same sections, same order and the same wording as
`handover.sections` (which the text and Markdown renderers print), in the current language.

A cell is a list of lines (each a str, or a `Struck` line, struck through on paper); a row of
one cell is a line across the whole table (a struck record, a sub-heading).
"""

from __future__ import annotations

from datetime import tzinfo
from typing import NamedTuple

from watchdesk.i18n import t
from watchdesk.i18n.labels import category_label, grade_label, kind_label, role_label, status_label
from watchdesk.models.handover import HandoverSheet, SheetClock, SheetLine, SheetReport
from watchdesk.models.incident import DeadlineStatus
from watchdesk.report.handover import (
    Struck,
    _hm,
    _line,
    _report_name,
    clock_state,
    overdue,
    pending_line,
    written_how,
    written_line,
)

Cell = list[str]


class Grid(NamedTuple):
    columns: list[str]  # the header row
    widths: list[float]  # each column's share of the width; 0: as wide as its widest line
    rows: list[list[Cell]]  # a row of one cell spans every column
    after: list[str] = []  # lines under the table (the on-post rate)


Block = Grid | list[str]


def _col(key: str) -> str:
    return t("hop.col." + key)


def _lines_grid(items: list[SheetLine], tz: tzinfo, after: list[str] | None = None) -> Block:
    """Records of the generic kind (time, type, text, details): only the columns some record
    fills; a struck record as a line across the table."""
    if not items:
        return after or [t("ho.none")]
    live = [x for x in items if not x.struck]
    cols: list[tuple[str, float]] = []
    if any(x.at for x in live):
        cols.append(("at", 0))
    if any(x.kind for x in live):
        cols.append(("kind", 0))
    cols.append(("text", 5.0))
    if any(x.detail for x in live):
        cols.append(("detail", 2.4))
    rows: list[list[Cell]] = []
    for x in items:
        if x.struck:
            rows.append([[_line(x, tz)]])
            continue
        cells = {
            "at": [_hm(x.at, tz)],
            "kind": [t(x.kind) if x.kind else ""],
            "text": [("！" if x.flag == "bad" else "") + x.text],
            "detail": [x.detail],
        }
        rows.append([cells[c] for c, _ in cols])
    return Grid([_col(c) for c, _ in cols], [w for _, w in cols], rows, after or [])


def _people(sheet: HandoverSheet, tz: tzinfo) -> Block:
    if not sheet.people and not sheet.struck_people:
        return [t("ho.none")]
    rows: list[list[Cell]] = []
    for p in sheet.people:
        rows.append(
            [
                [role_label(p.role)],
                [p.name],
                [_hm(p.signed_in_at, tz) if p.signed_in_at else t("ho.not_signed_in")],
                [_hm(p.signed_out_at, tz)],
                [p.note],
            ]
        )
    rows += [[[_line(x, tz)]] for x in sheet.struck_people]
    cols = ["role", "name", "signin", "signout", "note"]
    return Grid([_col(c) for c in cols], [0, 0, 0, 0, 1], rows)


def _state(c: SheetClock, sheet: HandoverSheet, tz: tzinfo, merged_into: int | None) -> Cell:
    """A clock's state as lines: an overdue one's mark on a line of its own, then its due time."""
    if merged_into is not None and c.status == DeadlineStatus.dropped:
        return [t("corr.merged_into", id=merged_into)]
    if c.status == DeadlineStatus.running and (late := overdue(c, sheet.compiled_at)):
        return [t("ho.due", due=_hm(c.due_at, tz)), late]
    return [clock_state(c, tz, sheet.compiled_at)]


def _incidents(sheet: HandoverSheet, tz: tzinfo) -> Block:
    """One row per incident: its number, when received, grade, type, place and what (with its
    figures and the duplicates merged into it), status, and its clocks (report: state)."""
    on_sheet = {i.id for i in sheet.incidents}
    merged: dict[int, list[str]] = {}
    for i in sheet.incidents:
        if i.merged_into is not None and i.merged_into in on_sheet:
            merged.setdefault(i.merged_into, []).append(
                t("corr.merged_line", id=i.id, at=_hm(i.received_at, tz), what=i.headline)
            )
    rows: list[list[Cell]] = []
    for i in sheet.incidents:
        if i.merged_into is not None and i.merged_into in on_sheet:
            continue
        what = f"{i.place} {i.headline}" + (" " + t("ho.sensitive") if i.sensitive else "")
        what_cell = [what]
        if i.figures:
            what_cell.append(
                " ".join(
                    t("ho.figure", label=t("fig." + k), n=f"{v:,}") for k, v in i.figures.items()
                )
            )
        what_cell += merged.get(i.id, [])
        status = (
            t("corr.merged_into", id=i.merged_into)
            if i.merged_into is not None
            else status_label(i.status.value)
        )
        reports: Cell = []
        for c in i.clocks:
            state = _state(c, sheet, tz, i.merged_into)
            reports.append(f"{kind_label(c.kind, c.seq)}{t('ho.colon')}{state[0]}")
            reports += state[1:]
        reports += [_line(x, tz) for x in i.struck]
        rows.append(
            [
                [f"#{i.id}"],
                [_hm(i.received_at, tz)],
                [grade_label(i.grade, short=True)],
                [category_label(i.category, i.subtype)],
                what_cell,
                [status],
                reports,
            ]
        )
    rows += [[[_line(x, tz)]] for x in sheet.struck_incidents]
    if not rows:
        return [t("ho.none")]
    cols = ["id", "received", "grade", "category", "what", "status", "reports"]
    return Grid([_col(c) for c in cols], [0, 0, 0, 1.6, 4.0, 0, 4.4], rows)


def _written(reports: list[SheetReport], tz: tzinfo) -> Block:
    rows: list[list[Cell]] = []
    for r in reports:
        if r.struck:
            rows.append([[written_line(r, tz)]])
            continue
        how = written_how(r)
        rows.append(
            [
                [_hm(r.sent_at, tz)],
                [r.serial or t("rv.ho.no_serial")],
                [("！" if r.without_chain else "") + _report_name(r)],
                [t("rv.ho.list_sep").join(how)],
            ]
        )
    cols = ["sent", "serial", "report", "how"]
    return Grid([_col(c) for c in cols], [0, 0, 4.4, 3.0], rows)


def _clocks(clocks: list[SheetClock], sheet: HandoverSheet, tz: tzinfo) -> Block:
    if not clocks:
        return [t("ho.none")]
    lates = [overdue(c, sheet.compiled_at) for c in clocks]
    cols: list[tuple[str, float]] = [("incident", 1), ("kind", 0), ("due", 0)]
    if any(lates):
        cols.append(("overdue", 0))
    rows: list[list[Cell]] = []
    for c, late in zip(clocks, lates, strict=True):
        row = [
            [f"#{c.incident_id} {c.headline}"],
            [kind_label(c.kind, c.seq)],
            [_hm(c.due_at, tz)],
        ]
        if len(cols) > 3:
            row.append([late])
        rows.append(row)
    return Grid([_col(c) for c, _ in cols], [w for _, w in cols], rows)


def _equipment(sheet: HandoverSheet) -> Block:
    if not sheet.equipment:
        return [t("ho.none")]
    rows: list[list[Cell]] = []
    for e in sheet.equipment:
        name = t("ho.eq." + e.key)
        rows.append(
            [[name if name != "ho.eq." + e.key else e.key], [f"[{'✓' if e.ok else '✗'}]"], [e.note]]
        )
    cols = ["item", "state", "note"]
    return Grid([_col(c) for c in cols], [0, 0, 1], rows)


def _pending(sheet: HandoverSheet) -> Block:
    rows: list[list[Cell]] = [
        [[f"{k}"], [p.matter], [p.owner]] for k, p in enumerate(sheet.pending, 1)
    ]
    if sheet.pending_reports:  # not numbered: the numbers are those `d` drops
        rows.append([[t("rv.ho.pending_head", n=len(sheet.pending_reports))]])
        rows += [[[""], [pending_line(r)], [r.drafted_by]] for r in sheet.pending_reports]
    rows += [[["·"], [p.matter], [p.owner]] for p in sheet.pending_tasks]
    if not rows:
        return [t("ho.none")]
    cols = ["seq", "matter", "owner"]
    return Grid([_col(c) for c in cols], [0, 1, 0], rows)


def blocks(sheet: HandoverSheet, tz: tzinfo) -> list[tuple[str, Block]]:
    """(title, table or lines) per section, in the order and with the titles of `sections`."""
    rate = (
        [t("ho.on_post_rate", rate=f"{sheet.on_post_rate * 100:.1f}%")]
        if sheet.on_post_rate is not None
        else []
    )
    out: list[tuple[str, Block]] = [
        (t("ho.s.people"), _people(sheet, tz)),
        (t("ho.s.checks"), _lines_grid(sheet.leader_checks, tz)),
        (t("ho.s.incidents"), _incidents(sheet, tz)),
    ]
    if sheet.written:
        out.append((t("rv.ho.s.written"), _written(sheet.written, tz)))
    out += [
        (t("ho.s.running"), _clocks(sheet.running, sheet, tz)),
        (t("ho.s.due_next"), _clocks(sheet.due_next, sheet, tz)),
        (t("ho.s.log"), _lines_grid(sheet.log, tz)),
        (t("ho.s.rollcalls"), _lines_grid(sheet.rollcalls, tz, rate)),
        (t("ho.s.warnings"), _lines_grid(sheet.warnings, tz)),
        (t("ho.s.equipment"), _equipment(sheet)),
        (t("ho.s.notes"), [sheet.notes] if sheet.notes.strip() else [t("ho.none")]),
        (t("ho.s.pending"), _pending(sheet)),
    ]
    return out


__all__ = ["Block", "Cell", "Grid", "Struck", "blocks"]
