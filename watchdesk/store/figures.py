"""Versioned figures (dead / injured / trapped / missing / loss) and re-grading.

Figures are never overwritten: each change is a new version with its time, source and status
(initial, updated, verified). The incident row carries the latest figures for listing; the grade
is re-evaluated on every change, by the thresholds the rule pack names for the incident's class
(`rules.grading.suggest`; none for some classes: then the figures leave the grade alone). A raised
grade adds the clocks it requires at once and moves running clocks earlier where the higher grade's
rule is due sooner (`rules.deadlines.tighten`; a clock already reported is left alone); a lowered
one changes nothing until the officer accepts it (then the clocks the lower grade does not require
are dropped).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from watchdesk.errors import InputError, StaleVersion
from watchdesk.models.incident import (
    FIGURE_FIELDS,
    Deadline,
    DeadlineStatus,
    FigureStatus,
    FigureVersion,
    Grade,
    Incident,
    IncidentStatus,
    RegradeResult,
)
from watchdesk.rules.deadlines import initial_clocks, tighten
from watchdesk.rules.grading import suggest
from watchdesk.store.db import from_db, to_db

if TYPE_CHECKING:
    from watchdesk.store.desk import Store


def _figure(row: dict) -> FigureVersion:
    return FigureVersion.model_validate(row | {"at": from_db(row["at"])})


class FigureRepo:
    def __init__(self, store: Store):
        self.s = store

    def _suggest(self, inc: Incident, merged: dict[str, int]) -> Grade:
        """The grade the figures suggest; the grade in force when the pack names no thresholds
        for the incident's class (or they grade no lower): the officer sets it."""
        g = suggest(
            self.s.pack,
            inc.category,
            inc.subtype,
            dead=merged["dead"],
            seriously_injured=merged["seriously_injured"],
            direct_loss=merged["direct_loss"],
            missing=merged["missing"],
        ).grade
        return inc.grade if g is None else g

    def history(self, incident_id: int, *, struck: bool = False) -> list[FigureVersion]:
        """`struck`: with the versions struck through (store/correction.py), left out otherwise."""
        from watchdesk.store.correction import not_struck

        live = "" if struck else f" AND {not_struck('figures', 'figures.id')}"
        return [
            _figure(r)
            for r in self.s.db.query(
                f"SELECT * FROM figures WHERE incident_id = ?{live} ORDER BY at, id", [incident_id]
            )
        ]

    def preview(self, incident_id: int, figures: dict[str, int]) -> RegradeResult:
        """What a change of figures would do to the grade, without writing anything."""
        inc = self.s.incidents.get(incident_id)
        merged = {f: figures.get(f, getattr(inc, f)) for f in FIGURE_FIELDS}
        suggested = self._suggest(inc, merged)
        lower = suggested.rank > inc.grade.rank
        return RegradeResult(
            old_grade=inc.grade,
            new_grade=inc.grade if lower else suggested,
            suggested=suggested,
            needs_confirmation=lower,
        )

    def update(
        self,
        incident_id: int,
        figures: dict[str, int],
        *,
        source: str,
        status: FigureStatus = FigureStatus.updated,
        at: datetime | None = None,
        expected_version: int | None = None,
        accept_lower: bool = False,
        note: str = "",
    ) -> RegradeResult:
        now = self.s.now()
        at = at or now
        if at > now + timedelta(minutes=2):
            raise InputError("at", "err.time.future")
        for f, v in figures.items():
            if f not in FIGURE_FIELDS:
                raise InputError(f, "err.figures.not_a_figure")
            if isinstance(v, bool) or not isinstance(v, int):
                raise InputError(f, "err.number.whole")
            if v < 0:
                raise InputError(f, "err.number.negative")
        if not source.strip():
            raise InputError("source", "err.figures.source")
        with self.s.write():
            inc = self.s.incidents.get(incident_id)
            if expected_version is not None and inc.version != expected_version:
                raise StaleVersion(incident_id, expected_version, inc.version)
            if inc.status != IncidentStatus.open:
                raise InputError(
                    "id",
                    "err.incident.voided"
                    if inc.status == IncidentStatus.voided
                    else "err.incident.closed",
                    id=incident_id,
                )
            merged = {f: figures.get(f, getattr(inc, f)) for f in FIGURE_FIELDS}
            suggested = self._suggest(inc, merged)
            old = inc.grade
            lower = suggested.rank > old.rank
            new = suggested if (not lower or accept_lower) else old
            self.s.auditor.insert(
                "figures",
                {
                    "incident_id": incident_id,
                    "at": to_db(at),
                    **merged,
                    "source": source.strip(),
                    "status": FigureStatus(status).value,
                    "by_whom": self.s.actor,
                    "note": note,
                },
            )
            self.s.auditor.update(
                "incidents",
                incident_id,
                {
                    **merged,
                    "grade": new.value,
                    "grade_suggested": suggested.value,
                    "version": inc.version + 1,
                    "updated_at": to_db(now),
                },
            )
            added: list[Deadline] = []
            dropped: list[Deadline] = []
            retimed: list[Deadline] = []
            existing = self.s.incidents.deadlines(incident_id)
            if new.rank < old.rank:
                plan = tighten(
                    self.s.pack,
                    grade=new,
                    sensitive=inc.sensitive,
                    occurred_at=inc.occurred_at,
                    received_at=inc.received_at,
                    tz=self.s.tz,
                    clocks=existing,
                    reports=[(r.kind, r.seq, r.at) for r in self.s.incidents.reports(incident_id)],
                )
                before = {d.id for d in existing}
                self.s.incidents._insert_clocks(incident_id, plan.added)
                self.s.incidents._retime_clocks(plan.retimed)
                moved = {d.id for d, _ in plan.retimed}
                now_clocks = self.s.incidents.deadlines(incident_id)
                added = [d for d in now_clocks if d.id not in before]
                retimed = [d for d in now_clocks if d.id in moved]
            elif new.rank > old.rank:
                needed = {
                    c.kind
                    for c in initial_clocks(
                        self.s.pack,
                        grade=new,
                        sensitive=inc.sensitive,
                        occurred_at=inc.occurred_at,
                        received_at=inc.received_at,
                        tz=self.s.tz,
                    )
                }
                for d in existing:
                    if d.status == DeadlineStatus.running and d.kind not in needed:
                        self.s.auditor.update("deadlines", d.id, {"status": "dropped"})
                        dropped.append(d)
        return RegradeResult(
            old_grade=old,
            new_grade=new,
            suggested=suggested,
            added=added,
            dropped=dropped,
            retimed=retimed,
            needs_confirmation=lower and not accept_lower,
        )
