"""Officers, shifts and assignments; who is on duty now and next; the roster grid, its gaps and
violations; changes with reason and approver; intentional gaps, sensitive periods and leave.

Two parts RosterRepo owns do the rest: `rotation` (plan.py: rotations, import and export, hours)
and `duty` (checks.py: sign-in and the leader-on-duty check). Each is given this RosterRepo and
reads and writes through it; RosterRepo delegates their public methods, so callers only know
`store.roster`. The underscored row helpers here (`_shifts`, `_assignments`, `_set_ext`,
`_insert_assignment`, `_record_change`) are the roster package's own seam, used by both parts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from watchdesk.errors import InputError, Msg, NotFound
from watchdesk.models.base import RowProblem, saved_id
from watchdesk.models.officer import Officer
from watchdesk.models.roster import (
    Assignment,
    ChangeKind,
    CheckMethod,
    CheckOutcome,
    CheckRecord,
    CheckState,
    DutyStatus,
    Escalation,
    GenerateResult,
    HoursRow,
    ImportResult,
    Leave,
    PlannedShift,
    Role,
    RosterAssignment,
    RosterChange,
    RosterConfig,
    RosterPage,
    RosterRow,
    RosterShift,
    RotationSpec,
    ScheduledCheck,
    SensitivePeriod,
    Shift,
    ShiftView,
    SignEvent,
    SigninStatus,
    Source,
    Violation,
)
from watchdesk.rules import roster as rules
from watchdesk.store.db import from_db, from_db_not_null, to_db
from watchdesk.store.roster.checks import DutyChecks
from watchdesk.store.roster.plan import RosterPlanning

if TYPE_CHECKING:
    from watchdesk.store.desk import Store

ROLE_ORDER = {Role.leader: 0, Role.chief: 1, Role.officer: 2, Role.standby: 3}
CONFIG_KEY = "roster.config"


def _shift(row: dict) -> Shift:
    return Shift(
        id=row["id"],
        starts_at=from_db_not_null(row["starts_at"]),
        ends_at=from_db_not_null(row["ends_at"]),
        label=row["label"],
    )


def _need(value: str, field: str, key: str) -> str:
    """`value` trimmed; InputError(field, key) when it is empty."""
    if not value or not value.strip():
        raise InputError(field, key)
    return value.strip()


_ACTIVE = "COALESCE(x.status, 'active') = 'active'"
_ASSIGN_SQL = (
    "SELECT a.id, a.shift_id, a.officer_id, a.role, a.note, o.name, x.source, x.starts_at AS xs,"
    " x.ends_at AS xe, x.covers_id, x.change_id FROM assignments a"
    " JOIN officers o ON o.id = a.officer_id"
    " LEFT JOIN roster_assignment_ext x ON x.assignment_id = a.id"
)
_CHANGE_SQL = (
    "SELECT c.*, o1.name AS n1, o2.name AS n2 FROM roster_changes c"
    " LEFT JOIN officers o1 ON o1.id = c.officer_id"
    " LEFT JOIN officers o2 ON o2.id = c.other_officer_id"
)


def _change(r: dict) -> RosterChange:
    return RosterChange(
        id=r["id"],
        at=from_db_not_null(r["at"]),
        actor=r["actor"],
        kind=r["kind"],
        shift_id=r["shift_id"],
        other_shift_id=r["other_shift_id"],
        role=r["role"],
        officer_name=r["n1"] or "",
        other_officer_name=r["n2"] or "",
        starts_at=from_db(r["starts_at"]),
        ends_at=from_db(r["ends_at"]),
        reason=r["reason"],
        approver=r["approver"],
    )


class RosterImportError(InputError):
    """Bad rows in an import file: every one of them, by row number. Nothing was written."""

    def __init__(self, errors: list[RowProblem]):
        self.errors = errors
        super().__init__("rows", "err.import.refused", n=len(errors))


class RosterRepo:
    def __init__(self, store: Store):
        self.s = store
        self.duty = DutyChecks(self)
        self.rotation = RosterPlanning(self)

    # -- sign-in and the leader-on-duty check (DutyChecks) ---------------------------------------
    def signin_status(self, shift_id: int) -> SigninStatus:
        return self.duty.signin_status(shift_id)

    def sign_in(
        self, shift_id: int, officer_id: int, *, at: datetime | None = None, note: str = ""
    ) -> SignEvent:
        return self.duty.sign_in(shift_id, officer_id, at=at, note=note)

    def sign_out(
        self, shift_id: int, officer_id: int, *, at: datetime | None = None, note: str = ""
    ) -> SignEvent:
        return self.duty.sign_out(shift_id, officer_id, at=at, note=note)

    def check_schedule(self, shift_id: int) -> list[ScheduledCheck]:
        return self.duty.check_schedule(shift_id)

    def check_records(self, shift_id: int) -> list[CheckRecord]:
        return self.duty.check_records(shift_id)

    def checks(self, shift_id: int, now: datetime | None = None) -> list[CheckState]:
        return self.duty.checks(shift_id, now)

    def pending_checks(self, now: datetime | None = None) -> list[CheckState]:
        return self.duty.pending_checks(now)

    def escalation(self, now: datetime | None = None) -> Escalation:
        return self.duty.escalation(now)

    def record_check(
        self,
        shift_id: int,
        *,
        method: CheckMethod | str,
        result: CheckOutcome | str,
        due_at: datetime | None = None,
        at: datetime | None = None,
        note: str = "",
        leader_id: int | None = None,
    ) -> CheckState:
        return self.duty.record_check(
            shift_id,
            method=method,
            result=result,
            due_at=due_at,
            at=at,
            note=note,
            leader_id=leader_id,
        )

    def duty_status(self, now: datetime | None = None) -> DutyStatus:
        return self.duty.duty_status(now)

    # -- rotations, import and export, hours (RosterPlanning) ------------------------------------
    def plan(self, spec: RotationSpec) -> list[PlannedShift]:
        return self.rotation.plan(spec)

    def generate(self, spec: RotationSpec, *, dry_run: bool = False) -> GenerateResult:
        return self.rotation.generate(spec, dry_run=dry_run)

    def import_rows(
        self,
        rows: Sequence[RosterRow],
        *,
        add_officers: bool = False,
        dry_run: bool = False,
        reason: str = "",
        errors: Sequence[RowProblem] = (),
    ) -> ImportResult:
        return self.rotation.import_rows(
            rows, add_officers=add_officers, dry_run=dry_run, reason=reason, errors=errors
        )

    def unknown_names(self, rows: Sequence[RosterRow]) -> dict[str, list[int]]:
        return self.rotation.unknown_names(rows)

    def export_rows(
        self,
        start: datetime,
        end: datetime,
        officer_id: int | None = None,
        *,
        calendar: bool = False,
    ) -> list[RosterRow]:
        return self.rotation.export_rows(start, end, officer_id, calendar=calendar)

    def calendar_key(self) -> str:
        """What tells this desk's calendar events from another desk's (their UIDs): the hash of
        the desk's first audit entry, made when the desk was, never changed."""
        row = self.s.db.execute("SELECT hash FROM audit ORDER BY id LIMIT 1").fetchone()
        return (row[0] if row else "0" * 64)[:16]

    def hours(self, start: datetime, end: datetime) -> list[HoursRow]:
        return self.rotation.hours(start, end)

    # -- configuration --------------------------------------------------------------------------
    def config(self) -> RosterConfig:
        raw = self.s.get_meta(CONFIG_KEY)
        return RosterConfig.model_validate_json(raw) if raw else RosterConfig()

    def set_config(self, cfg: RosterConfig) -> RosterConfig:
        self.s.set_meta(CONFIG_KEY, cfg.model_dump_json())
        return cfg

    def calendar(self) -> rules.ChinaCalendar:
        from watchdesk.i18n import language
        from watchdesk.store.roster.holidays import cached_year

        return rules.ChinaCalendar(
            language(),
            self.sensitive_periods(),
            self.config().holidays_sensitive,
            source=cached_year,
        )

    # -- officers (store.officers; kept here for the roster's callers) ----------------------------
    def add_officer(self, officer: Officer) -> Officer:
        return self.s.officers.add(officer)

    def officers(self, active_only: bool = True) -> list[Officer]:
        return self.s.officers.list(active_only=active_only)

    def officer(self, officer_id: int) -> Officer:
        return self.s.officers.get(officer_id)

    def officer_by_name(self, name: str, field: str = "name") -> Officer:
        """The one active officer of that name (see OfficerRepo.resolve)."""
        return self.s.officers.resolve(name, field=field)

    def _check_role(self, officer: Officer, role: Role, field: str = "officer") -> None:
        """An officer takes only the roles they may take (none listed: any)."""
        if not officer.may_take(role):
            from watchdesk.i18n.labels import role_label

            may = "、".join(role_label(r) for r in officer.roles)
            raise InputError(
                field, "err.roster.role", who=officer.name, role=Msg(f"role.{role.value}"), may=may
            )

    # -- shifts and the views the rest of the app uses ------------------------------------------
    def add_shift(
        self,
        starts_at: datetime,
        ends_at: datetime,
        label: str = "",
        people: Iterable[tuple[int, Role]] = (),
    ) -> ShiftView:
        if ends_at <= starts_at:
            raise InputError("ends_at", "err.roster.shift_order")
        with self.s.write():
            sid = self._insert_shift(starts_at, ends_at, label)
            for officer_id, role in people:
                self.s.auditor.insert(
                    "assignments",
                    {
                        "shift_id": sid,
                        "officer_id": officer_id,
                        "role": Role(role).value,
                        "note": "",
                    },
                )
        view = self.view(sid)
        assert view is not None
        return view

    def _insert_shift(self, starts_at: datetime, ends_at: datetime, label: str) -> int:
        overlap = self.s.db.execute(
            "SELECT id FROM shifts WHERE starts_at < ? AND ends_at > ? LIMIT 1",
            [to_db(ends_at), to_db(starts_at)],
        ).fetchone()
        if overlap:
            raise InputError("starts_at", "err.roster.overlap", id=overlap[0])
        return self.s.auditor.insert(
            "shifts", {"starts_at": to_db(starts_at), "ends_at": to_db(ends_at), "label": label}
        )

    def shift(self, shift_id: int) -> Shift:
        rows = list(self.s.db.query("SELECT * FROM shifts WHERE id = ?", [shift_id]))
        if not rows:
            raise NotFound("err.shift.not_found", id=shift_id)
        return _shift(rows[0])

    def view(self, shift_id: int) -> ShiftView | None:
        rows = list(self.s.db.query("SELECT * FROM shifts WHERE id = ?", [shift_id]))
        if not rows:
            return None
        people = [
            Assignment(
                id=a.id,
                shift_id=a.shift_id,
                officer_id=a.officer_id,
                role=a.role,
                note=a.note,
                officer_name=a.officer_name,
            )
            for a in self._assignments([shift_id]).get(shift_id, [])
        ]
        return ShiftView(shift=_shift(rows[0]), assignments=people)

    def on_duty(self, at: datetime | None = None) -> ShiftView | None:
        at = at or self.s.now()
        row = self.s.db.execute(
            "SELECT id FROM shifts WHERE starts_at <= ? AND ends_at > ?"
            " ORDER BY starts_at DESC LIMIT 1",
            [to_db(at), to_db(at)],
        ).fetchone()
        return self.view(row[0]) if row else None

    def next_shift(self, at: datetime | None = None) -> ShiftView | None:
        at = at or self.s.now()
        row = self.s.db.execute(
            "SELECT id FROM shifts WHERE starts_at > ? ORDER BY starts_at LIMIT 1", [to_db(at)]
        ).fetchone()
        return self.view(row[0]) if row else None

    # -- reading the roster ---------------------------------------------------------------------
    def _shifts(self, start: datetime, end: datetime) -> list[Shift]:
        return [
            _shift(r)
            for r in self.s.db.query(
                "SELECT * FROM shifts WHERE starts_at < ? AND ends_at > ? ORDER BY starts_at",
                [to_db(end), to_db(start)],
            )
        ]

    def _assignments(self, shift_ids: Sequence[int]) -> dict[int, list[RosterAssignment]]:
        out: dict[int, list[RosterAssignment]] = defaultdict(list)
        if not shift_ids:
            return out
        changes = self._changes_for(shift_ids)
        for chunk in _chunks(list(shift_ids), 500):
            marks = ",".join("?" * len(chunk))
            for r in self.s.db.query(
                f"{_ASSIGN_SQL} WHERE a.shift_id IN ({marks}) AND {_ACTIVE} ORDER BY a.id", chunk
            ):
                out[r["shift_id"]].append(
                    RosterAssignment(
                        id=r["id"],
                        shift_id=r["shift_id"],
                        officer_id=r["officer_id"],
                        role=r["role"],
                        note=r["note"],
                        officer_name=r["name"],
                        source=r["source"] or Source.manual,
                        starts_at=from_db(r["xs"]),
                        ends_at=from_db(r["xe"]),
                        covers_id=r["covers_id"],
                        change=changes.get(r["change_id"]) if r["change_id"] else None,
                    )
                )
        for people in out.values():
            people.sort(key=lambda a: (ROLE_ORDER[a.role], a.covers_id is not None, a.id or 0))
        return out

    def _changes_for(self, shift_ids: Sequence[int]) -> dict[int, RosterChange]:
        out: dict[int, RosterChange] = {}
        for chunk in _chunks(list(shift_ids), 400):
            marks = ",".join("?" * len(chunk))
            for r in self.s.db.query(
                f"{_CHANGE_SQL} WHERE c.shift_id IN ({marks}) OR c.other_shift_id IN ({marks})",
                chunk + chunk,
            ):
                out[r["id"]] = _change(r)
        return out

    def changes(self, shift_id: int) -> list[RosterChange]:
        """Every change to a shift, newest first: who changed what, why, approved by whom."""
        return [
            _change(r)
            for r in self.s.db.query(
                f"{_CHANGE_SQL} WHERE c.shift_id = ? OR c.other_shift_id = ? ORDER BY c.id DESC",
                [shift_id, shift_id],
            )
        ]

    def page(self, start: datetime, end: datetime) -> RosterPage:
        """The grid for [start, end): each shift with its people, day kind, floor, sign-ins, last
        change and problems; plus the periods no shift covers. Runs of consecutive shifts are
        judged with a few days either side, so the page edge does not hide them."""
        cfg = self.config()
        cal = self.calendar()
        margin = timedelta(days=2 * cfg.max_consecutive + 2)
        shifts = self._shifts(start - margin, end + margin)
        people = self._assignments([s.id for s in shifts if s.id is not None])
        signed = self.duty.signed_in_names([s.id for s in shifts if s.id is not None])
        leave = self.leave_between(start - margin, end + margin)
        acks = self.acks()
        rows: list[RosterShift] = []
        for sh in shifts:
            day = cal.info(sh.starts_at.astimezone(self.s.tz).date())
            sensitive = bool(day.sensitive)
            mine = people.get(sh.id or 0, [])
            changes = [a.change for a in mine if a.change is not None]
            rows.append(
                RosterShift(
                    shift=sh,
                    day=day,
                    assignments=mine,
                    sensitive=sensitive,
                    floor=cfg.floor(sensitive),
                    signed_in=signed.get(sh.id, []),
                    last_change=max(changes, key=lambda c: c.id, default=None),
                )
            )
        last = self._last_changes([r.shift.id for r in rows])
        for r in rows:
            lc = last.get(r.shift.id)
            if lc is not None and (r.last_change is None or lc.id > r.last_change.id):
                r.last_change = lc
        problems: list[Violation] = []
        by_shift: dict[int, list[Violation]] = defaultdict(list)
        in_page = [r for r in rows if r.shift.starts_at < end and r.shift.ends_at > start]
        for r in in_page:
            for v in rules.shift_problems(r, leave):
                by_shift[r.shift.id].append(v)
        page_ids = {r.shift.id for r in in_page}
        for v in rules.consecutive_problems(rows, cfg.max_consecutive):
            if v.shift_id in page_ids:
                by_shift[v.shift_id].append(v)
        for r in in_page:
            r.problems = [_acked(v, acks) for v in by_shift.get(r.shift.id, [])]
            problems += r.problems
        problems += [_acked(v, acks) for v in rules.uncovered(in_page, start, end)]
        problems.sort(key=lambda v: (v.starts_at, v.key))
        last_day = (end - timedelta(microseconds=1)).astimezone(self.s.tz).date()
        return RosterPage(
            start=start,
            end=end,
            shifts=in_page,
            problems=problems,
            calendar_unconfirmed=cal.unconfirmed_years(
                start.astimezone(self.s.tz).date(), last_day
            ),
        )

    def _last_changes(self, shift_ids: Sequence[int]) -> dict[int, RosterChange]:
        out: dict[int, RosterChange] = {}
        for _, c in sorted(self._changes_for(shift_ids).items()):
            for sid in (c.shift_id, c.other_shift_id):
                if sid is not None:
                    out[sid] = c
        return out

    def problems(
        self, start: datetime, end: datetime, *, include_acknowledged: bool = False
    ) -> list[Violation]:
        return [
            v for v in self.page(start, end).problems if include_acknowledged or not v.acknowledged
        ]

    def upcoming_problems(self, now: datetime | None = None, hours: int = 48) -> list[Violation]:
        """Gaps and violations of the current shift and those starting within `hours`, not
        marked intentional: what the console lists before a shift starts."""
        now = now or self.s.now()
        return self.problems(now, now + timedelta(hours=hours))

    # -- changes --------------------------------------------------------------------------------
    def _record_change(
        self,
        kind: ChangeKind,
        *,
        shift_id: int | None = None,
        other_shift_id: int | None = None,
        role: Role | None = None,
        officer_id: int | None = None,
        other_officer_id: int | None = None,
        starts_at: datetime | None = None,
        ends_at: datetime | None = None,
        reason: str = "",
        approver: str = "",
    ) -> int:
        return self.s.auditor.insert(
            "roster_changes",
            {
                "at": to_db(self.s.now()),
                "actor": self.s.actor,
                "kind": kind.value,
                "shift_id": shift_id,
                "other_shift_id": other_shift_id,
                "role": role.value if role else None,
                "officer_id": officer_id,
                "other_officer_id": other_officer_id,
                "starts_at": to_db(starts_at),
                "ends_at": to_db(ends_at),
                "reason": reason,
                "approver": approver,
            },
        )

    def _set_ext(self, assignment_id: int, **fields) -> None:
        row = self.s.db.execute(
            "SELECT id FROM roster_assignment_ext WHERE assignment_id = ?", [assignment_id]
        ).fetchone()
        if row:
            self.s.auditor.update("roster_assignment_ext", row[0], fields)
        else:
            self.s.auditor.insert(
                "roster_assignment_ext", {"assignment_id": assignment_id} | fields
            )

    def assignment(self, assignment_id: int) -> RosterAssignment:
        row = self.s.db.execute(
            "SELECT shift_id FROM assignments WHERE id = ?", [assignment_id]
        ).fetchone()
        if row:
            for a in self._assignments([row[0]]).get(row[0], []):
                if a.id == assignment_id:
                    return a
        raise InputError("assignment", "err.roster.no_assignment", id=assignment_id)

    def _check_free(self, shift_id: int, officer_id: int, ignore: Sequence[int] = ()) -> None:
        for a in self._assignments([shift_id]).get(shift_id, []):
            if a.officer_id == officer_id and a.id not in ignore:
                raise InputError(
                    "officer",
                    "err.roster.already_on",
                    name=a.officer_name,
                    role=Msg(f"role.{Role(a.role).value}"),
                )

    def _insert_assignment(
        self,
        shift_id: int,
        officer_id: int,
        role: Role,
        source: Source,
        change_id: int,
        note: str = "",
        starts_at: datetime | None = None,
        ends_at: datetime | None = None,
        covers_id: int | None = None,
    ) -> int:
        aid = self.s.auditor.insert(
            "assignments",
            {"shift_id": shift_id, "officer_id": officer_id, "role": role.value, "note": note},
        )
        self.s.auditor.insert(
            "roster_assignment_ext",
            {
                "assignment_id": aid,
                "status": "active",
                "source": source.value,
                "starts_at": to_db(starts_at),
                "ends_at": to_db(ends_at),
                "covers_id": covers_id,
                "change_id": change_id,
            },
        )
        return aid

    def assign(
        self, shift_id: int, officer_id: int, role: Role, *, reason: str = "", approver: str = ""
    ) -> RosterAssignment:
        """Put someone on a shift. Filling a slot is planning, so reason and approver are
        optional here; every other change asks for both."""
        role = Role(role)
        with self.s.write():
            self.shift(shift_id)
            off = self.officer(officer_id)
            if not off.active:
                raise InputError("officer", "err.roster.inactive", name=off.name)
            self._check_role(off, role)
            self._check_free(shift_id, officer_id)
            cid = self._record_change(
                ChangeKind.assign,
                shift_id=shift_id,
                role=role,
                officer_id=officer_id,
                reason=reason.strip(),
                approver=approver.strip(),
            )
            aid = self._insert_assignment(shift_id, officer_id, role, Source.manual, cid)
        return self.assignment(aid)

    def remove(self, assignment_id: int, *, reason: str, approver: str) -> None:
        reason, approver = (
            _need(reason, "reason", "err.roster.reason_required"),
            _need(approver, "approver", "err.roster.approver_required"),
        )
        with self.s.write():
            a = self.assignment(assignment_id)
            cid = self._record_change(
                ChangeKind.remove,
                shift_id=a.shift_id,
                role=a.role,
                officer_id=a.officer_id,
                reason=reason,
                approver=approver,
            )
            self._set_ext(assignment_id, status="removed", change_id=cid)
            for c in self._assignments([a.shift_id]).get(a.shift_id, []):
                if c.covers_id == assignment_id:
                    self._set_ext(saved_id(c.id), status="removed", change_id=cid)

    def replace(
        self,
        assignment_id: int,
        officer_id: int,
        *,
        reason: str,
        approver: str,
        kind: ChangeKind = ChangeKind.replaced,
    ) -> RosterAssignment:
        reason, approver = (
            _need(reason, "reason", "err.roster.reason_required"),
            _need(approver, "approver", "err.roster.approver_required"),
        )
        with self.s.write():
            a = self.assignment(assignment_id)
            if a.officer_id == officer_id:
                raise InputError("officer", "err.roster.same_place", name=a.officer_name)
            off = self.officer(officer_id)
            if not off.active:
                raise InputError("officer", "err.roster.inactive", name=off.name)
            self._check_role(off, a.role)
            self._check_free(a.shift_id, officer_id, ignore=[assignment_id])
            cid = self._record_change(
                kind,
                shift_id=a.shift_id,
                role=a.role,
                officer_id=a.officer_id,
                other_officer_id=officer_id,
                reason=reason,
                approver=approver,
            )
            self.s.auditor.update("assignments", assignment_id, {"officer_id": officer_id})
            src = Source.substitute if kind == ChangeKind.substitute else Source.manual
            self._set_ext(assignment_id, source=src.value, change_id=cid)
        return self.assignment(assignment_id)

    def swap(
        self, first_id: int, second_id: int, *, reason: str, approver: str
    ) -> tuple[RosterAssignment, RosterAssignment]:
        """Two assignments exchange their people (the same shift or two shifts)."""
        reason, approver = (
            _need(reason, "reason", "err.roster.reason_required"),
            _need(approver, "approver", "err.roster.approver_required"),
        )
        if first_id == second_id:
            raise InputError("assignment", "err.roster.swap_same")
        with self.s.write():
            a, b = self.assignment(first_id), self.assignment(second_id)
            if a.officer_id == b.officer_id:
                raise InputError("assignment", "err.roster.swap_one_person", name=a.officer_name)
            self._check_role(self.officer(b.officer_id), a.role, "assignment")
            self._check_role(self.officer(a.officer_id), b.role, "assignment")
            if a.shift_id != b.shift_id:
                self._check_free(b.shift_id, a.officer_id, ignore=[second_id])
                self._check_free(a.shift_id, b.officer_id, ignore=[first_id])
            cid = self._record_change(
                ChangeKind.swap,
                shift_id=a.shift_id,
                other_shift_id=b.shift_id,
                role=a.role,
                officer_id=a.officer_id,
                other_officer_id=b.officer_id,
                reason=reason,
                approver=approver,
            )
            self.s.auditor.update("assignments", first_id, {"officer_id": b.officer_id})
            self.s.auditor.update("assignments", second_id, {"officer_id": a.officer_id})
            self._set_ext(first_id, source=Source.swap.value, change_id=cid)
            self._set_ext(second_id, source=Source.swap.value, change_id=cid)
        return self.assignment(first_id), self.assignment(second_id)

    def substitute(
        self,
        assignment_id: int,
        officer_id: int,
        *,
        reason: str,
        approver: str,
        starts_at: datetime | None = None,
        ends_at: datetime | None = None,
    ) -> RosterAssignment:
        """代班 / 替班: someone stands in for the whole shift (the place changes hands) or for part
        of it (the original stays on the roster; the substitute covers [starts_at, ends_at))."""
        reason, approver = (
            _need(reason, "reason", "err.roster.reason_required"),
            _need(approver, "approver", "err.roster.approver_required"),
        )
        a = self.assignment(assignment_id)
        sh = self.shift(a.shift_id)
        s, e = starts_at or sh.starts_at, ends_at or sh.ends_at
        if s == sh.starts_at and e == sh.ends_at:
            return self.replace(
                assignment_id,
                officer_id,
                reason=reason,
                approver=approver,
                kind=ChangeKind.substitute,
            )
        if not (sh.starts_at <= s < e <= sh.ends_at):
            raise InputError(
                "starts_at" if s >= e or s < sh.starts_at else "ends_at",
                "err.roster.part_outside",
            )
        if a.covers_id is not None:
            raise InputError("assignment", "err.roster.already_substitution")
        with self.s.write():
            off = self.officer(officer_id)
            if off.id == a.officer_id:
                raise InputError("officer", "err.roster.self_substitute", name=off.name)
            if not off.active:
                raise InputError("officer", "err.roster.inactive", name=off.name)
            self._check_role(off, a.role)
            self._check_free(a.shift_id, officer_id)
            cid = self._record_change(
                ChangeKind.substitute,
                shift_id=a.shift_id,
                role=a.role,
                officer_id=a.officer_id,
                other_officer_id=officer_id,
                starts_at=s,
                ends_at=e,
                reason=reason,
                approver=approver,
            )
            tz = self.s.tz
            note = f"代 {a.officer_name} {s.astimezone(tz):%H:%M}–{e.astimezone(tz):%H:%M}"
            aid = self._insert_assignment(
                a.shift_id,
                officer_id,
                a.role,
                Source.substitute,
                cid,
                note=note,
                starts_at=s,
                ends_at=e,
                covers_id=a.id,
            )
        return self.assignment(aid)

    # -- intentional gaps -----------------------------------------------------------------------
    def acks(self) -> dict[str, tuple[str, str]]:
        return {
            r["key"]: (r["reason"], r["by_whom"])
            for r in self.s.db.query(
                "SELECT key, reason, by_whom FROM roster_acks WHERE active = 1 ORDER BY id"
            )
        }

    def acknowledge(self, key: str, reason: str) -> None:
        """Mark a gap or violation intentional, with a reason: it stops warning."""
        reason = _need(reason, "reason", "err.roster.reason_required")
        key = _need(key, "key", "err.roster.key_required")
        shift_id = int(key.split(":")[0]) if key.split(":")[0].isdigit() else None
        with self.s.write():
            for (aid,) in self.s.db.execute(
                "SELECT id FROM roster_acks WHERE key = ? AND active = 1", [key]
            ).fetchall():
                self.s.auditor.update("roster_acks", aid, {"active": 0})
            self.s.auditor.insert(
                "roster_acks",
                {
                    "key": key,
                    "reason": reason,
                    "by_whom": self.s.actor,
                    "at": to_db(self.s.now()),
                    "active": 1,
                },
            )
            self._record_change(ChangeKind.acknowledge, shift_id=shift_id, reason=reason)

    def unacknowledge(self, key: str) -> None:
        with self.s.write():
            for (aid,) in self.s.db.execute(
                "SELECT id FROM roster_acks WHERE key = ? AND active = 1", [key]
            ).fetchall():
                self.s.auditor.update("roster_acks", aid, {"active": 0})

    # -- sensitive periods and leave ------------------------------------------------------------
    def sensitive_periods(self) -> list[SensitivePeriod]:
        return [
            SensitivePeriod(
                id=r["id"],
                name=r["name"],
                starts_on=r["starts_on"],
                ends_on=r["ends_on"],
                note=r["note"],
            )
            for r in self.s.db.query(
                "SELECT * FROM roster_sensitive WHERE active = 1 ORDER BY starts_on, id"
            )
        ]

    def add_sensitive_period(
        self, name: str, starts_on: date, ends_on: date, note: str = ""
    ) -> SensitivePeriod:
        if ends_on < starts_on:
            raise InputError("ends_on", "err.time.before_start")
        name = _need(name, "name", "err.roster.name_required")
        with self.s.write():
            pid = self.s.auditor.insert(
                "roster_sensitive",
                {
                    "name": name,
                    "starts_on": starts_on.isoformat(),
                    "ends_on": ends_on.isoformat(),
                    "note": note,
                    "active": 1,
                },
            )
        return SensitivePeriod(id=pid, name=name, starts_on=starts_on, ends_on=ends_on, note=note)

    def end_sensitive_period(self, period_id: int) -> None:
        with self.s.write():
            self.s.auditor.update("roster_sensitive", period_id, {"active": 0})

    def add_leave(
        self, officer_id: int, starts_at: datetime, ends_at: datetime, reason: str = ""
    ) -> Leave:
        if ends_at <= starts_at:
            raise InputError("ends_at", "err.roster.leave_order")
        with self.s.write():
            off = self.officer(officer_id)
            lid = self.s.auditor.insert(
                "roster_leave",
                {
                    "officer_id": officer_id,
                    "starts_at": to_db(starts_at),
                    "ends_at": to_db(ends_at),
                    "reason": reason,
                    "active": 1,
                },
            )
        return Leave(
            id=lid,
            officer_id=officer_id,
            officer_name=off.name,
            starts_at=starts_at,
            ends_at=ends_at,
            reason=reason,
        )

    def cancel_leave(self, leave_id: int) -> None:
        with self.s.write():
            self.s.auditor.update("roster_leave", leave_id, {"active": 0})

    def leave_between(self, start: datetime, end: datetime) -> list[Leave]:
        return [
            Leave(
                id=r["id"],
                officer_id=r["officer_id"],
                officer_name=r["name"],
                starts_at=from_db_not_null(r["starts_at"]),
                ends_at=from_db_not_null(r["ends_at"]),
                reason=r["reason"],
            )
            for r in self.s.db.query(
                "SELECT l.*, o.name FROM roster_leave l JOIN officers o ON o.id = l.officer_id"
                " WHERE l.active = 1 AND l.starts_at < ? AND l.ends_at > ?"
                " ORDER BY l.starts_at",
                [to_db(end), to_db(start)],
            )
        ]


def _acked(v: Violation, acks: dict[str, tuple[str, str]]) -> Violation:
    if v.key in acks:
        reason, by = acks[v.key]
        return v.model_copy(update={"acknowledged": True, "ack_reason": reason, "ack_by": by})
    return v


def _chunks(items: list, n: int) -> Iterable[list]:
    for i in range(0, len(items), n):
        yield items[i : i + n]
