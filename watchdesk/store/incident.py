"""Incidents, their report events and their clocks."""

from __future__ import annotations

import builtins
from collections.abc import Iterable
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING

from watchdesk.errors import InputError, NotFound, StaleVersion, msg_of
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
from watchdesk.rules.grading import suggest
from watchdesk.store.correction import not_struck
from watchdesk.store.db import from_db, from_db_not_null, to_db
from watchdesk.text.fulltext import grams, incident_text

if TYPE_CHECKING:
    from watchdesk.models.correction import DuplicateMark, PossibleDuplicate
    from watchdesk.rules.deadlines import ClockSpec
    from watchdesk.store.desk import Store


_TIME_FIELDS = {"received_at", "occurred_at", "created_at", "updated_at"}
# An incident with the one it was merged into, if it was marked a duplicate (m12_corrections).
_SELECT = (
    "SELECT *, (SELECT of_id FROM duplicates WHERE duplicates.incident_id = incidents.id)"
    " AS merged_into, (SELECT name FROM areas WHERE areas.id = incidents.area_id) AS area"
    " FROM incidents"
)
_NOT_MERGED = "NOT EXISTS (SELECT 1 FROM duplicates WHERE duplicates.incident_id = incidents.id)"
DUPLICATE_WINDOW = timedelta(hours=2)  # the default; `duplicate_window_minutes` in the config
_BOOL_FIELDS = {"sensitive"}


def _incident(row: dict) -> Incident:
    d = dict(row)
    for k in _TIME_FIELDS:
        d[k] = from_db(d.get(k))
    for k in _BOOL_FIELDS:
        d[k] = bool(d[k])
    d["area"] = d.get("area") or ""  # no area: none named (m15_areas_and_views)
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
        raise InputError("received_at", "err.time.future")
    if facts.occurred_at is not None:
        if facts.occurred_at > now + slack:
            raise InputError("occurred_at", "err.time.future")
        if facts.occurred_at > facts.received_at:
            raise InputError("occurred_at", "err.incident.occurred_after_received")
    try:
        categories.validate(facts.category, facts.subtype)
    except ValueError as e:
        msg = msg_of(e)
        raise InputError(
            "subtype" if msg.key == "err.category.unknown_subtype" else "category", msg
        ) from e


def _not_open(status: IncidentStatus) -> str:
    """Why an incident that is not open takes no more reports: its status's message key."""
    return "err.incident.voided" if status == IncidentStatus.voided else "err.incident.closed"


class IncidentRepo:
    def __init__(self, store: Store):
        self.s = store

    # -- reads ----------------------------------------------------------------------------------
    def get(self, incident_id: int) -> Incident:
        rows = list(self.s.db.query(f"{_SELECT} WHERE id = ?", [incident_id]))
        if not rows:
            raise NotFound("err.incident.not_found", id=incident_id)
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
        merged: bool = False,
    ) -> builtins.list[Incident]:
        """`merged`: with the incidents marked a duplicate of another (left out: each counts
        once, in the incident it was merged into)."""
        where: builtins.list[str] = [] if merged else [_NOT_MERGED]
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
        sql = _SELECT
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

    def reports(self, incident_id: int, *, struck: bool = False) -> builtins.list[ReportEvent]:
        """`struck`: with the reports struck through (store/correction.py), left out otherwise."""
        live = "" if struck else f" AND {not_struck('report', 'reports.id')}"
        return [
            _report(r)
            for r in self.s.db.query(
                f"SELECT * FROM reports WHERE incident_id = ?{live} ORDER BY at, id", [incident_id]
            )
        ]

    def last_addressee(self, kind: ReportKind) -> str:
        """Whom this desk last reported a report of this kind to (the latest made with an
        addressee), or "" when it never has."""
        row = self.s.db.execute(
            "SELECT to_whom FROM reports WHERE kind = ? AND to_whom != '' "
            "ORDER BY at DESC, id DESC LIMIT 1",
            [ReportKind(kind).value],
        ).fetchone()
        return row[0] if row else ""

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

    def _retime_clocks(self, pairs: Iterable[tuple[Deadline, ClockSpec]]) -> None:
        """Move running clocks to the due time (and rule) of their new spec."""
        for d, c in pairs:
            self.s.auditor.update(
                "deadlines",
                d.id,
                {
                    "due_at": to_db(c.due_at),
                    "rule_id": c.rule_id,
                    "pack_id": c.pack_id,
                    "source": c.source,
                },
            )

    def _with_area(self, facts: IncidentFacts, current: Incident | None = None) -> IncidentFacts:
        """`facts` with its area looked up: the name typed (or 行政区划代码, or pinyin naming one
        area) wins over an id; an id alone must be an area's. An edit keeps the incident's own
        area under its name even if the area was deactivated since. InputError at `area`."""
        name = facts.area.strip()
        if current is not None and name and name == current.area:
            return facts.model_copy(update={"area": name, "area_id": current.area_id})
        if name:
            a = self.s.areas.resolve(name)
        elif facts.area_id is not None:
            try:
                a = self.s.areas.get(facts.area_id)
            except NotFound:
                raise InputError("area", "err.area.not_found", id=facts.area_id) from None
        else:
            return facts.model_copy(update={"area": "", "area_id": None})
        return facts.model_copy(update={"area": a.name, "area_id": a.id})

    def add(self, facts: IncidentFacts) -> Incident:
        from watchdesk.rules.deadlines import initial_clocks

        now = self.s.now()
        check_facts(facts, now)
        facts = self._with_area(facts)
        # No suggestion where the pack names no thresholds for the class: the officer's grade,
        # else 一般 (the figures never raise it then).
        suggested = suggest(
            self.s.pack,
            facts.category,
            facts.subtype,
            dead=facts.dead,
            seriously_injured=facts.seriously_injured,
            direct_loss=facts.direct_loss,
            missing=facts.missing,
        ).grade
        grade = facts.grade or suggested or Grade.IV
        suggested = suggested or grade
        row = facts.model_dump(mode="python", exclude={"area"})  # the area by its id
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
        from watchdesk.store.search import TAGS_SQL  # here: not loaded at start-up for this

        row = next(iter(self.s.db.query("SELECT * FROM incidents WHERE id = ?", [incident_id])))
        uni, bi = grams(incident_text(row))
        self.s.db.execute("DELETE FROM incidents_fts WHERE rowid = ?", [incident_id])
        self.s.db.execute(  # `tag`: the filter values as tokens (m21, search.TAGS_SQL)
            "INSERT INTO incidents_fts (rowid, uni, bi, tag)"
            f" SELECT i.id, ?, ?, {TAGS_SQL.format(r='i')} FROM incidents i WHERE i.id = ?",
            [uni, bi, incident_id],
        )

    # Fields an edit may change (figures go through update_figures, status through reports/void).
    EDITABLE = (
        "received_at",
        "occurred_at",
        "place",
        "area",  # by name here (and in the merge dialog); saved as area_id
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
        from watchdesk.rules.deadlines import retime_for_anchors, tighten

        now = self.s.now()
        check_facts(facts, now)
        with self.s.write():
            current = self.get(incident_id)
            if current.version != expected_version:
                raise StaleVersion(incident_id, expected_version, current.version)
            if current.status == IncidentStatus.voided:
                raise InputError("id", "err.incident.voided", id=incident_id)
            facts = self._with_area(facts, current)
            new = facts.model_dump(mode="python", include=set(self.EDITABLE))
            changes: dict[str, object] = {}
            for k, v in new.items():
                if k == "area":
                    if facts.area_id != current.area_id:
                        changes["area_id"] = facts.area_id
                    continue
                if getattr(current, k) != v:
                    changes[k] = (
                        to_db(v) if k in _TIME_FIELDS else (int(v) if k in _BOOL_FIELDS else v)
                    )
            if not changes:
                return current
            changes.update(version=current.version + 1, updated_at=to_db(now))
            self.s.auditor.update("incidents", incident_id, changes)
            made = [(r.kind, r.seq, r.at) for r in self.reports(incident_id)]
            if "occurred_at" in changes or "received_at" in changes:
                # Running clocks counted from the corrected time are counted again from it.
                self._retime_clocks(
                    retime_for_anchors(
                        self.s.pack,
                        clocks=self.deadlines(incident_id),
                        occurred_at=facts.occurred_at,
                        received_at=facts.received_at,
                        tz=self.s.tz,
                        followups_made=sum(1 for k, _, _ in made if k == ReportKind.followup),
                    )
                )
            marked = "sensitive" in changes and facts.sensitive
            if marked or "occurred_at" in changes or "received_at" in changes:
                # Marked sensitive: the sensitive rules' clocks start, and running clocks move
                # earlier where those rules are due sooner (reported clocks stay as they were).
                plan = tighten(
                    self.s.pack,
                    grade=current.grade,
                    sensitive=facts.sensitive,
                    occurred_at=facts.occurred_at,
                    received_at=facts.received_at,
                    tz=self.s.tz,
                    clocks=self.deadlines(incident_id),
                    reports=made,
                )
                if marked:
                    self._insert_clocks(incident_id, plan.added)
                self._retime_clocks(plan.retimed)
            self._index(incident_id)
        return self.get(incident_id)

    def void(self, incident_id: int, reason: str) -> Incident:
        if not reason.strip():
            raise InputError("reason", "err.incident.void_reason")
        with self.s.write():
            inc = self.get(incident_id)
            if inc.status == IncidentStatus.voided:
                raise InputError("id", "err.incident.already_voided", id=incident_id)
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
            raise InputError("from_whom", "err.incident.verify_from")
        if at > now + timedelta(minutes=2):
            raise InputError("at", "err.time.future")
        due = verification_due(self.s.pack, at, due_at)
        if due <= at:
            raise InputError("due_at", "err.incident.due_after_request")
        with self.s.write():
            inc = self.get(incident_id)
            if inc.status != IncidentStatus.open:
                raise InputError("id", _not_open(inc.status), id=incident_id)
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
            raise InputError("at", "err.time.future")
        with self.s.write():
            inc = self.get(incident_id)
            if inc.status != IncidentStatus.open:
                raise InputError("id", _not_open(inc.status), id=incident_id)
            if at < (inc.occurred_at or inc.received_at):
                raise InputError("at", "err.incident.before_occurred")
            running = [
                d
                for d in self.deadlines(incident_id)
                if d.status == DeadlineStatus.running and d.kind == kind
            ]
            clock = running[0] if running else None
            if kind == ReportKind.verification and clock is None:
                # A verification answer (核报) answers a request: none waits, nothing to answer.
                raise InputError("kind", "err.report.no_request_waiting", id=incident_id)
            seq = 0
            if kind == ReportKind.followup:
                prev = self.s.db.execute(
                    "SELECT COALESCE(MAX(seq), 0) FROM reports WHERE incident_id = ? AND kind = ?"
                    f" AND {not_struck('report', 'reports.id')}",  # a struck one is made again
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

    # -- duplicates (重复来电) ---------------------------------------------------------------------
    def possible_duplicates(
        self, incident_id: int, window: timedelta = DUPLICATE_WINDOW
    ) -> builtins.list[PossibleDuplicate]:
        """Other incidents received within `window` of this one that look like the same event:
        the same category and place, or the same caller (phone, or name and unit). Voided ones
        and those already merged into another are left out; none for a merged incident."""
        from watchdesk.models.correction import PossibleDuplicate

        inc = self.get(incident_id)
        if inc.merged_into is not None or inc.status == IncidentStatus.voided:
            return []
        rows = self.s.db.query(
            f"{_SELECT} WHERE received_at >= ? AND received_at <= ? AND id <> ?"
            f" AND status <> 'voided' AND {_NOT_MERGED} ORDER BY received_at, id",
            [to_db(inc.received_at - window), to_db(inc.received_at + window), incident_id],
        )
        out = []
        for other in (_incident(r) for r in rows):
            why = []
            if other.category == inc.category and _same_place(other.place, inc.place):
                why.append("place")
            if _same_caller(other, inc):
                why.append("caller")
            if why:
                out.append(
                    PossibleDuplicate(
                        incident_id=other.id,
                        received_at=other.received_at,
                        headline=other.headline,
                        place=other.place,
                        why=why,
                    )
                )
        return out

    def duplicate_mark(self, incident_id: int) -> DuplicateMark | None:
        """How this incident was marked a duplicate (None when it was not)."""
        from watchdesk.models.correction import DuplicateMark

        rows = list(
            self.s.db.query("SELECT * FROM duplicates WHERE incident_id = ?", [incident_id])
        )
        return (
            DuplicateMark.model_validate(rows[0] | {"at": from_db(rows[0]["at"])}) if rows else None
        )

    def duplicates_of(self, incident_id: int) -> builtins.list[DuplicateMark]:
        """The incidents merged into this one, oldest mark first."""
        from watchdesk.models.correction import DuplicateMark

        return [
            DuplicateMark.model_validate(r | {"at": from_db(r["at"])})
            for r in self.s.db.query(
                "SELECT * FROM duplicates WHERE of_id = ? ORDER BY id", [incident_id]
            )
        ]

    def mark_duplicate(self, incident_id: int, of_id: int, reason: str) -> Incident:
        """Mark `incident_id` a duplicate of `of_id` (merged into it), for `reason`: its running
        clocks end ("merged into #of") and it counts once, in `of_id`, in every list and total.
        One audited transaction; nothing is deleted."""
        reason = (reason or "").strip()
        if not reason:
            raise InputError("reason", "dup.err.reason")
        if len(reason) > 1000:
            raise InputError("reason", "corr.err.reason_long", limit=1000)
        if of_id == incident_id:
            raise InputError("of", "dup.err.self", id=incident_id)
        with self.s.write():
            inc = self.get(incident_id)
            try:
                master = self.get(of_id)
            except NotFound:
                raise InputError("of", "dup.err.no_incident", id=of_id) from None
            if inc.merged_into is not None:
                raise InputError("id", "dup.err.already", id=inc.id, of=inc.merged_into)
            if inc.status == IncidentStatus.voided:
                raise InputError("id", "dup.err.voided", id=inc.id)
            if master.status == IncidentStatus.voided:
                raise InputError("of", "dup.err.voided", id=master.id)
            if master.merged_into is not None:
                raise InputError(
                    "of", "dup.err.chain", of=master.id, to=master.merged_into, id=inc.id
                )
            theirs = self.duplicates_of(inc.id)
            if theirs:
                ids = ", ".join(f"#{d.incident_id}" for d in theirs)
                raise InputError("id", "dup.err.has_duplicates", id=inc.id, ids=ids)
            now = self.s.now()
            self.s.auditor.insert(
                "duplicates",
                {
                    "incident_id": inc.id,
                    "of_id": master.id,
                    "reason": reason,
                    "at": to_db(now),
                    "by_whom": self.s.actor,
                },
            )
            self._drop_running(inc.id, None)
            self.s.auditor.update(
                "incidents",
                inc.id,
                {
                    "status": IncidentStatus.closed.value,
                    "version": inc.version + 1,
                    "updated_at": to_db(now),
                },
            )
        return self.get(incident_id)


def _same_place(a: str, b: str) -> bool:
    return "".join(a.split()).lower() == "".join(b.split()).lower() != ""


def _same_caller(a: Incident, b: Incident) -> bool:
    pa = "".join(c for c in a.caller_phone if c.isdigit())
    pb = "".join(c for c in b.caller_phone if c.isdigit())
    if len(pa) >= 5 and pa == pb:
        return True
    return bool(a.caller_name and a.caller_unit) and (a.caller_name, a.caller_unit) == (
        b.caller_name,
        b.caller_unit,
    )
