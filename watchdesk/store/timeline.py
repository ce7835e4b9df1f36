"""One timeline of everything that happened to an incident, with who and when."""

from __future__ import annotations

from typing import TYPE_CHECKING

from watchdesk.models.incident import FIGURE_FIELDS, TimelineItem

if TYPE_CHECKING:
    from watchdesk.store.desk import Store


def timeline(store: Store, incident_id: int) -> list[TimelineItem]:
    """Raw items (kind codes and data); the screen puts them into words."""
    inc = store.incidents.get(incident_id)
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
    for r in store.incidents.reports(incident_id):
        items.append(
            TimelineItem(
                at=r.at,
                kind=f"report.{r.kind.value}",
                title=r.to_whom,
                detail=r.content,
                who=r.by_whom,
                data={"seq": r.seq, "late_seconds": r.late_seconds},
            )
        )
    for i, f in enumerate(store.figures.history(incident_id)):
        if i == 0 and f.status.value == "initial":
            continue  # the initial figures are part of "received"
        items.append(
            TimelineItem(
                at=f.at,
                kind=f"figures.{f.status.value}",
                title=f.source,
                detail=f.note,
                who=f.by_whom,
                data={k: getattr(f, k) for k in FIGURE_FIELDS},
            )
        )
    for e in store.dutylog.list(incident_id=incident_id, limit=10_000):
        items.append(
            TimelineItem(
                at=e.at,
                kind=f"log.{e.kind.value}",
                title=e.counterpart,
                detail=e.content + (f" → {e.handling}" if e.handling else ""),
                who=e.by_whom,
            )
        )
    if inc.status.value == "voided":
        items.append(TimelineItem(at=inc.updated_at, kind="voided", title=inc.void_reason))
    items.sort(key=lambda x: x.at)
    return items
