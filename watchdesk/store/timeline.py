"""One timeline of everything that happened to an incident, with who and when.

Each report, figure version and duty-log entry names its record (`ref`, `report:17`: what a
correction names); one struck through (store/correction.py) stays in the timeline with its
correction. A duplicate merged into this incident, or the one this was merged into, has a line
of its own.

Written reports (store/signoff.py) show as they went: drafted, each sign-off step (signed, or
sent back with the reason), signed (签发, with its serial number). Sending one closed its clock
through a report, already on the timeline: that line says how it went (and whether without the
sign-off chain) instead of a second line saying the same. A correction (更正), which closes no
clock, has a "sent" line of its own naming the report it corrects. These lines are worded in the
current language (`title` and `detail`), their codes in `data`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from watchdesk.i18n import t
from watchdesk.i18n.labels import kind_label
from watchdesk.models.incident import FIGURE_FIELDS, TimelineItem

if TYPE_CHECKING:
    from watchdesk.store.desk import Store
    from watchdesk.store.signoff import WrittenReport


def timeline(store: Store, incident_id: int) -> list[TimelineItem]:
    """Raw items (kind codes and data); the screen puts them into words."""
    from watchdesk.store.correction import of_incident

    inc = store.incidents.get(incident_id)
    struck = of_incident(store, incident_id)
    written = store.written.list(incident_id)
    by_event = {w.report_id: w for w in written if w.report_id is not None}
    items = [
        TimelineItem(
            at=inc.received_at,
            kind="received",
            title=inc.headline,
            detail=f"{inc.caller_unit} {inc.caller_name}".strip(),
            who=inc.recorder,
        )
    ]
    if inc.occurred_at:
        items.append(TimelineItem(at=inc.occurred_at, kind="occurred", title=inc.place))
    reports = store.incidents.reports(incident_id, struck=True)
    for r in reports:
        ref = f"report:{r.id}"
        w = by_event.get(r.id)
        data: dict = {"seq": r.seq, "late_seconds": r.late_seconds}
        if w is not None:
            data |= _written_data(w)
        items.append(
            TimelineItem(
                at=r.at,
                kind=f"report.{r.kind.value}",
                title=r.to_whom,
                detail=r.content if w is None else _sent_detail(w),
                who=r.by_whom,
                data=data,
                ref=ref,
                correction=struck.get(ref),
            )
        )
    items += _written(written, {r.id for r in reports})
    for i, f in enumerate(store.figures.history(incident_id, struck=True)):
        ref = f"figures:{f.id}"
        if i == 0 and f.status.value == "initial" and ref not in struck:
            continue  # the initial figures are part of "received"
        items.append(
            TimelineItem(
                at=f.at,
                kind=f"figures.{f.status.value}",
                title=f.source,
                detail=f.note,
                who=f.by_whom,
                data={k: getattr(f, k) for k in FIGURE_FIELDS},
                ref=ref,
                correction=struck.get(ref),
            )
        )
    for e in store.dutylog.list(incident_id=incident_id, limit=10_000, struck=True):
        ref = f"log:{e.id}"
        items.append(
            TimelineItem(
                at=e.at,
                kind=f"log.{e.kind.value}",
                title=e.counterpart,
                detail=e.content + (f" → {e.handling}" if e.handling else ""),
                who=e.by_whom,
                ref=ref,
                correction=struck.get(ref),
            )
        )
    mark = store.incidents.duplicate_mark(incident_id)
    if mark is not None:
        items.append(
            TimelineItem(
                at=mark.at,
                kind="merged",
                title=f"#{mark.of_id}",
                detail=mark.reason,
                who=mark.by_whom,
                data={"of": mark.of_id},
            )
        )
    for d in store.incidents.duplicates_of(incident_id):
        items.append(
            TimelineItem(
                at=d.at,
                kind="duplicate",
                title=f"#{d.incident_id}",
                detail=d.reason,
                who=d.by_whom,
                data={"id": d.incident_id},
            )
        )
    if inc.status.value == "voided":
        items.append(TimelineItem(at=inc.updated_at, kind="voided", title=inc.void_reason))
    items += store.dispatch.timeline_items(incident_id)  # tasks given to units (传、跟)
    items.sort(key=lambda x: x.at)
    return items


def _name(w: WrittenReport) -> str:
    """#12 书面报告 / #12 续报一: the report as the officer finds it (`report show 12`)."""
    return f"#{w.id} {kind_label(w.kind, w.seq)}"


def _written_data(w: WrittenReport, **more: object) -> dict:
    return {
        "written_id": w.id,
        "written_kind": w.kind.value,
        "written_seq": w.seq,
        "serial": w.serial,
        "corrects": w.corrects_id,
        **more,
    }


def _corrects(w: WrittenReport, by_id: dict[int, WrittenReport]) -> str:
    if w.corrects_id is None:
        return ""
    old = by_id.get(w.corrects_id)
    serial = f" {old.serial}" if old is not None and old.serial else ""
    return t("tlr.corrects", id=w.corrects_id, serial=serial)


def _sent_detail(w: WrittenReport) -> str:
    """The report that closed the clock, as sent: its serial number, how it went and which
    written report it was (its title is on that report's drafted line), and whether it went
    without the sign-off chain. Short, so that on time / late after it stays in view."""
    via = t(f"rep.via.{w.sent_via}") if w.sent_via else ""
    how = t("tlr.sent_how", via=via, id=w.id) if via else f" #{w.id}"
    mark = t("tlr.without_chain") if w.sent_without_chain else ""
    return f"{mark}{w.serial or ''}{how}".strip()


def _written(written: list[WrittenReport], events: set[int]) -> list[TimelineItem]:
    """The lines of the written reports: drafted, each step, signed, and sent where no report
    line already says so (a correction; a report whose record is gone)."""
    by_id = {w.id: w for w in written}
    out: list[TimelineItem] = []
    for w in written:
        corrects = _corrects(w, by_id)
        missing = t("tlr.missing", labels="、".join(w.missing)) if w.missing else ""
        out.append(
            TimelineItem(
                at=w.created_at,
                kind="written.drafted",
                title=_name(w),
                detail=" ".join(x for x in (corrects, f"《{w.title}》", missing) if x),
                who=w.drafted_by,
                data=_written_data(w, missing=w.missing),
            )
        )
        for st in w.steps:
            step = t(f"rep.step.{st.step}")
            if st.action == "returned":
                kind, detail = "written.returned", t("tlr.returned", step=step, reason=st.reason)
            elif st.step == "signed" and w.serial:
                kind, detail = "written.issued", w.serial
            else:
                kind, detail = "written.signed", t("tlr.signed", step=step)
            out.append(
                TimelineItem(
                    at=st.at,
                    kind=kind,
                    title=_name(w),
                    detail=detail,
                    who=st.officer_name,
                    data=_written_data(w, step=st.step, round=st.round, reason=st.reason),
                )
            )
        if w.status == "sent" and w.sent_at and (w.report_id is None or w.report_id not in events):
            via = t(f"rep.via.{w.sent_via}") if w.sent_via else ""
            parts = [
                t("tlr.without_chain") if w.sent_without_chain else "",
                w.serial or "",  # the title is on the drafted line
                t("tlr.via", via=via) if via else "",
                w.sent_note,
                corrects,
            ]
            out.append(
                TimelineItem(
                    at=w.sent_at,
                    kind="written.sent",
                    title=_name(w),
                    detail=" ".join(x for x in parts if x),
                    data=_written_data(w, via=w.sent_via, without_chain=w.sent_without_chain),
                )
            )
    return out
