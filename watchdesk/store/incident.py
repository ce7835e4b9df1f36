"""Incidents, their report events and their clocks."""

from __future__ import annotations

import builtins
from collections.abc import Iterable
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING

from watchdesk.errors import InputError, NotFound, StaleVersion
from watchdesk.models.incident import (
    FIGURE_FIELDS,
    BoardRow,
    Deadline,
    DeadlineStatus,
    Grade,
    Incident,
    IncidentFacts,
    IncidentStatus,
    ReportEvent,
    ReportKind,
)
from watchdesk.rules import categories
from watchdesk.rules.grading import suggest_grade
from watchdesk.store.db import from_db, from_db_not_null, to_db
from watchdesk.text.fulltext import grams, incident_text

if TYPE_CHECKING:
    from watchdesk.rules.deadlines import ClockSpec
    from watchdesk.store.desk import Store


_TIME_FIELDS = {"received_at", "occurred_at", "created_at", "updated_at"}
_BOOL_FIELDS = {"sensitive"}


def _incident(row: dict) -> Incident:
    d = dict(row)
    for k in _TIME_FIELDS:
        d[k] = from_db(d.get(k))
    for k in _BOOL_FIELDS:
        d[k] = bool(d[k])
    return Incident.model_validate(d)


def _deadline(row: dict) -> Deadline:
    d = dict(row)
    d["due_at"] = from_db(d["due_at"])
    d["done_at"] = from_db(d.get("done_at"))
    return Deadline.model_validate(d)


def _report(row: dict) -> ReportEvent:
    d = dict(row)
    d["at"] = from_db(d["at"])
    d.pop("created_at", None)
    return ReportEvent.model_validate(d)


def check_facts(facts: IncidentFacts, now: datetime) -> None:
    """Cross-field checks that a pydantic field validator cannot make alone."""
    slack = timedelta(minutes=2)  # clocks of two machines on one desk may differ a little
    if facts.received_at > now + slack:
        raise InputError("received_at", "is in the future")
    if facts.occurred_at is not None:
        if facts.occurred_at > now + slack:
            raise InputError("occurred_at", "is in the future")
        if facts.occurred_at > facts.received_at:
            raise InputError("occurred_at", "is after the time the report was received")
    try:
        categories.validate(facts.category, facts.subtype)
    except ValueError as e:
        raise InputError("category" if "categor" in str(e) else "subtype", str(e)) from e


class IncidentRepo:
    def __init__(self, store: Store):
        self.s = store

    # -- reads ----------------------------------------------------------------------------------
    def get(self, incident_id: int) -> Incident:
        rows = list(self.s.db.query("SELECT * FROM incidents WHERE id = ?", [incident_id]))
        if not rows:
            raise NotFound(f"no incident #{incident_id}")
        return _incident(rows[0])

    def list(
        self,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
        status: IncidentStatus | None = None,
        grade: Grade | None = None,
        category: str | None = None,
        limit: int = 200,
        newest_first: bool = True,
    ) -> builtins.list[Incident]:
        where: builtins.list[str] = []
        args: builtins.list[object] = []
        if since is not None:
            where.append("received_at >= ?")
            args.append(to_db(since))
        if until is not None:
            where.append("received_at < ?")
            args.append(to_db(until))
        if status is not None:
            where.append("status = ?")
            args.append(status.value)
        if grade is not None:
            where.append("grade = ?")
            args.append(grade.value)
        if category is not None:
            where.append("category = ?")
            args.append(category)
        sql = "SELECT * FROM incidents"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += f" ORDER BY received_at {'DESC' if newest_first else 'ASC'}, id LIMIT ?"
        args.append(limit)
        return [_incident(r) for r in self.s.db.query(sql, args)]

    def today(self, now: datetime | None = None) -> builtins.list[Incident]:
        """Incidents received since local midnight in the desk's zone."""
        now = now or self.s.now()
        local = now.astimezone(self.s.tz)
        midnight = datetime.combine(local.date(), time(0), tzinfo=self.s.tz)
        return self.list(since=midnight, limit=500)

    def deadlines(self, incident_id: int) -> builtins.list[Deadline]:
        return [
            _deadline(r)
            for r in self.s.db.query(
                "SELECT * FROM deadlines WHERE incident_id = ? ORDER BY due_at, id", [incident_id]
            )
        ]

    def reports(self, incident_id: int) -> builtins.list[ReportEvent]:
        return [
            _report(r)
            for r in self.s.db.query(
                "SELECT * FROM reports WHERE incident_id = ? ORDER BY at, id", [incident_id]
            )
        ]

    def running_clocks(self) -> builtins.list[BoardRow]:
        """Every running clock, soonest first: what the countdown board shows."""
        rows = self.s.db.query(
            """SELECT d.id AS deadline_id, d.incident_id, d.kind, d.seq, d.due_at,
                      i.title, i.description, i.grade
               FROM deadlines d JOIN incidents i ON i.id = d.incident_id
               WHERE d.status = 'running' ORDER BY d.due_at, d.id"""
        )
        out = []
        for r in rows:
            headline = r["title"] or r["description"][:30]
            out.append(
                BoardRow(
                    deadline_id=r["deadline_id"],
                    incident_id=r["incident_id"],
                    incident_headline=headline,
                    grade=r["grade"],
                    kind=r["kind"],
                    seq=r["seq"],
                    due_at=from_db_not_null(r["due_at"]),
                )
            )
        return out

    # -- writes ---------------------------------------------------------------------------------
    def _insert_clocks(self, incident_id: int, specs: Iterable[ClockSpec]) -> None:
        for c in specs:
            self.s.auditor.insert(
                "deadlines",
                {
                    "incident_id": incident_id,
                    "kind": c.kind.value,
                    "seq": c.seq,
                    "due_at": to_db(c.due_at),
                    "status": "running",
                    "rule_id": c.rule_id,
                    "pack_id": c.pack_id,
                    "source": c.source,
                },
            )

    def add(self, facts: IncidentFacts) -> Incident:
        from watchdesk.rules.deadlines import initial_clocks

        now = self.s.now()
        check_facts(facts, now)
        suggested = suggest_grade(facts.dead, facts.seriously_injured, facts.direct_loss)
        grade = facts.grade or suggested
        row = facts.model_dump(mode="python")
        row.update(
            received_at=to_db(facts.received_at),
            occurred_at=to_db(facts.occurred_at),
            sensitive=int(facts.sensitive),
            grade=grade.value,
            grade_suggested=suggested.value,
            status="open",
            void_reason="",
            version=1,
            created_at=to_db(now),
            updated_at=to_db(now),
        )
        specs = initial_clocks(
            self.s.pack,
            grade=grade,
            sensitive=facts.sensitive,
            occurred_at=facts.occurred_at,
            received_at=facts.received_at,
            tz=self.s.tz,
        )
        with self.s.write():
            incident_id = self.s.auditor.insert("incidents", row)
            self._insert_clocks(incident_id, specs)
            self.s.auditor.insert(
                "figures",
                {
                    "incident_id": incident_id,
                    "at": to_db(facts.received_at),
                    **{f: getattr(facts, f) for f in FIGURE_FIELDS},
                    "source": facts.source or facts.caller_unit,
                    "status": "initial",
                    "by_whom": facts.recorder or self.s.actor,
                    "note": "",
                },
            )
            self._index(incident_id)
        return self.get(incident_id)

    def _index(self, incident_id: int) -> None:
        """Keep the full-text row in step with the incident, in the same transaction."""
        row = next(iter(self.s.db.query("SELECT * FROM incidents WHERE id = ?", [incident_id])))
        uni, bi = grams(incident_text(row))
        self.s.db.execute("DELETE FROM incidents_fts WHERE rowid = ?", [incident_id])
        self.s.db.execute(
            "INSERT INTO incidents_fts (rowid, uni, bi) VALUES (?,?,?)", [incident_id, uni, bi]
        )

    # Fields an edit may change (figures go through update_figures, status through reports/void).
    EDITABLE = (
        "received_at",
        "occurred_at",
        "place",
        "source",
        "category",
        "subtype",
        "title",
        "description",
        "scope",
        "trend",
        "measures",
        "caller_unit",
        "caller_name",
        "caller_title",
        "caller_phone",
        "recorder",
        "sensitive",
    )

    def update(self, incident_id: int, facts: IncidentFacts, *, expected_version: int) -> Incident:
        """Save an edit made on a copy read at `expected_version`. Refused with StaleVersion if
        anyone saved in between: nothing is overwritten silently."""
        from watchdesk.rules.deadlines import initial_clocks

        now = self.s.now()
        check_facts(facts, now)
        with self.s.write():
            current = self.get(incident_id)
            if current.version != expected_version:
                raise StaleVersion(incident_id, expected_version, current.version)
            if current.status == IncidentStatus.voided:
                raise InputError("id", f"incident #{incident_id} is voided")
            new = facts.model_dump(mode="python", include=set(self.EDITABLE))
            changes = {}
            for k, v in new.items():
                if getattr(current, k) != v:
                    changes[k] = (
                        to_db(v) if k in _TIME_FIELDS else (int(v) if k in _BOOL_FIELDS else v)
                    )
            if not changes:
                return current
            changes.update(version=current.version + 1, updated_at=to_db(now))
            self.s.auditor.update("incidents", incident_id, changes)
            if "sensitive" in changes and facts.sensitive:
                have = {d.kind for d in self.deadlines(incident_id)}
                extra = [
                    c
                    for c in initial_clocks(
                        self.s.pack,
                        grade=current.grade,
                        sensitive=True,
                        occurred_at=facts.occurred_at,
                        received_at=facts.received_at,
                        tz=self.s.tz,
                    )
                    if c.kind not in have
                ]
                self._insert_clocks(incident_id, extra)
            self._index(incident_id)
        return self.get(incident_id)

    def void(self, incident_id: int, reason: str) -> Incident:
        if not reason.strip():
            raise InputError("reason", "a voided incident needs a reason")
        with self.s.write():
            inc = self.get(incident_id)
            if inc.status == IncidentStatus.voided:
                raise InputError("id", f"incident #{incident_id} is already voided")
            self.s.auditor.update(
                "incidents",
                incident_id,
                {
                    "status": "voided",
                    "void_reason": reason.strip(),
                    "version": inc.version + 1,
                    "updated_at": to_db(self.s.now()),
                },
            )
            self._drop_running(incident_id, None)
        return self.get(incident_id)

    def request_verification(
        self,
        incident_id: int,
        *,
        from_whom: str,
        content: str = "",
        at: datetime | None = None,
        due_at: datetime | None = None,
    ) -> Deadline:
        """A higher office asks us to verify (核报): log the request and start its clock (due when
        they said, else the pack's default). Answering is `record_report(kind=verification)`."""
        from watchdesk.models.dutylog import LogEntry, LogKind
        from watchdesk.rules.deadlines import ClockSpec, verification_due

        now = self.s.now()
        at = at or now
        if not from_whom.strip():
            raise InputError("from_whom", "say who asked for the verification")
        if at > now + timedelta(minutes=2):
            raise InputError("at", "is in the future")
        due = verification_due(self.s.pack, at, due_at)
        if due <= at:
            raise InputError("due_at", "must be after the request")
        with self.s.write():
            inc = self.get(incident_id)
            if inc.status != IncidentStatus.open:
                raise InputError("id", f"incident #{incident_id} is {inc.status.value}")
            seq = (
                1
                + self.s.db.execute(
                    "SELECT count(*) FROM deadlines WHERE incident_id = ? AND kind = 'verification'",
                    [incident_id],
                ).fetchone()[0]
            )
            self.s.dutylog.add(
                LogEntry(
                    at=at,
                    kind=LogKind.verification_request,
                    incident_id=incident_id,
                    counterpart=from_whom.strip(),
                    content=content.strip() or "要求核报",
                )
            )
            self._insert_clocks(
                incident_id,
                [
                    ClockSpec(
                        kind=ReportKind.verification,
                        seq=seq,
                        due_at=due,
                        rule_id="verification-request",
                        pack_id=self.s.pack.id,
                        source=f"核报要求: {from_whom.strip()}",
                    )
                ],
            )
        return max(
            (d for d in self.deadlines(incident_id) if d.kind == ReportKind.verification),
            key=lambda d: d.id or 0,
        )

    def _drop_running(self, incident_id: int, kinds: set[ReportKind] | None) -> None:
        for d in self.deadlines(incident_id):
            if d.status == DeadlineStatus.running and (kinds is None or d.kind in kinds):
                self.s.auditor.update("deadlines", d.id, {"status": "dropped"})

    def record_report(
        self,
        incident_id: int,
        kind: ReportKind,
        *,
        at: datetime | None = None,
        to_whom: str = "",
        by_whom: str = "",
        content: str = "",
    ) -> ReportEvent:
        """Record a report made. Closes the matching running clock (on time or late by how much),
        opens the next follow-up clock, and a final report ends every remaining clock."""
        from watchdesk.rules.deadlines import lateness, next_followup

        now = self.s.now()
        at = at or now
        if at > now + timedelta(minutes=2):
            raise InputError("at", "is in the future")
        with self.s.write():
            inc = self.get(incident_id)
            if inc.status != IncidentStatus.open:
                raise InputError("id", f"incident #{incident_id} is {inc.status.value}")
            if at < (inc.occurred_at or inc.received_at):
                raise InputError("at", "is before the incident happened")
            running = [
                d
                for d in self.deadlines(incident_id)
                if d.status == DeadlineStatus.running and d.kind == kind
            ]
            clock = running[0] if running else None
            seq = 0
            if kind == ReportKind.followup:
                prev = self.s.db.execute(
                    "SELECT COALESCE(MAX(seq), 0) FROM reports WHERE incident_id = ? AND kind = ?",
                    [incident_id, kind.value],
                ).fetchone()[0]
                seq = prev + 1
            late = lateness(clock.due_at, at) if clock else None
            report_id = self.s.auditor.insert(
                "reports",
                {
                    "incident_id": incident_id,
                    "kind": kind.value,
                    "seq": seq,
                    "at": to_db(at),
                    "to_whom": to_whom,
                    "by_whom": by_whom or self.s.actor,
                    "content": content,
                    "deadline_id": clock.id if clock else None,
                    "late_seconds": late,
                    "created_at": to_db(now),
                },
            )
            if clock:
                self.s.auditor.update(
                    "deadlines",
                    clock.id,
                    {"status": "done", "done_at": to_db(at), "report_id": report_id},
                )
            if kind == ReportKind.followup:
                nxt = next_followup(
                    self.s.pack,
                    grade=inc.grade,
                    sensitive=inc.sensitive,
                    after=at,
                    seq=seq + 1,
                    tz=self.s.tz,
                )
                if nxt:
                    self._insert_clocks(incident_id, [nxt])
            if kind == ReportKind.final:
                self._drop_running(incident_id, None)
                self.s.auditor.update(
                    "incidents",
                    incident_id,
                    {"status": "closed", "version": inc.version + 1, "updated_at": to_db(now)},
                )
        return _report(
            next(iter(self.s.db.query("SELECT * FROM reports WHERE id = ?", [report_id])))
        )
