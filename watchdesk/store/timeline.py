"""One timeline of everything that happened to an incident, with who and when.

Each report, figure version and duty-log entry names its record (`ref`, `report:17`: what a
correction names); one struck through (store/correction.py) stays in the timeline with its
correction. A duplicate merged into this incident, or the one this was merged into, has a line
of its own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from watchdesk.models.incident import FIGURE_FIELDS, TimelineItem

if TYPE_CHECKING:
    from watchdesk.store.desk import Store


def timeline(store: Store, incident_id: int) -> list[TimelineItem]:
    """Raw items (kind codes and data); the screen puts them into words."""
    from watchdesk.store.correction import of_incident

    inc = store.incidents.get(incident_id)
    struck = of_incident(store, incident_id)
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
    for r in store.incidents.reports(incident_id, struck=True):
        ref = f"report:{r.id}"
        items.append(
            TimelineItem(
                at=r.at,
                kind=f"report.{r.kind.value}",
                title=r.to_whom,
                detail=r.content,
                who=r.by_whom,
                data={"seq": r.seq, "late_seconds": r.late_seconds},
                ref=ref,
                correction=struck.get(ref),
            )
        )
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
    items.sort(key=lambda x: x.at)
    return items
