"""Take-over sign-in (接班签到 / 交班) and the leader-on-duty check: a part `RosterRepo` owns
(`store.roster.duty`; `store.roster` delegates its public methods).

Scheduled checks are not stored: they follow from the shift and the configuration (random times
are seeded by the shift id), so every terminal agrees on them without anyone writing. What is
stored is what the officer recorded, each record audited.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from watchdesk.errors import InputError
from watchdesk.models.roster import (
    CheckKind,
    CheckMethod,
    CheckOutcome,
    CheckRecord,
    CheckState,
    CheckStatus,
    DutyStatus,
    Escalation,
    Role,
    ScheduledCheck,
    SignEvent,
    SigninStatus,
    SignKind,
)
from watchdesk.rules import roster as rules
from watchdesk.store.correction import not_struck
from watchdesk.store.db import from_db_not_null, to_db

if TYPE_CHECKING:
    from watchdesk.store.roster.repo import RosterRepo

SLACK = timedelta(minutes=2)  # two machines' clocks on one desk may differ a little


def _sign(r: dict) -> SignEvent:
    return SignEvent(
        id=r["id"],
        shift_id=r["shift_id"],
        officer_id=r["officer_id"],
        officer_name=r["name"],
        kind=r["kind"],
        at=from_db_not_null(r["at"]),
        note=r["note"],
        recorded_by=r["recorded_by"],
    )


def _record(r: dict) -> CheckRecord:
    return CheckRecord(
        id=r["id"],
        shift_id=r["shift_id"],
        due_at=from_db_not_null(r["due_at"]),
        kind=r["kind"],
        method=r["method"],
        result=r["result"],
        at=from_db_not_null(r["at"]),
        note=r["note"],
        leader_name=r["name"] or "",
        recorded_by=r["recorded_by"],
    )


class DutyChecks:
    """Reads shifts, people and the configuration through the roster it belongs to."""

    def __init__(self, roster: RosterRepo):
        self.roster = roster
        self.s = roster.s

    # -- sign-in --------------------------------------------------------------------------------
    def _events(self, shift_ids: Sequence[int]) -> dict[int, list[SignEvent]]:
        out: dict[int, list[SignEvent]] = defaultdict(list)
        if not shift_ids:
            return out
        marks = ",".join("?" * len(shift_ids))
        for r in self.s.db.query(
            "SELECT d.*, o.name FROM duty_signins d JOIN officers o ON o.id = d.officer_id"
            f" WHERE d.shift_id IN ({marks}) AND {not_struck('signin', 'd.id')}"
            " ORDER BY d.at, d.id",
            list(shift_ids),
        ):
            out[r["shift_id"]].append(_sign(r))
        return out

    def signed_in_names(self, shift_ids: Sequence[int]) -> dict[int, list[str]]:
        """Who signed in on each shift (in order, once each)."""
        out: dict[int, list[str]] = {}
        for sid, evs in self._events(list(shift_ids)).items():
            names = [e.officer_name for e in evs if e.kind == SignKind.sign_in]
            out[sid] = list(dict.fromkeys(names))
        return out

    def signin_status(self, shift_id: int) -> SigninStatus:
        """Has the shift been taken over (someone on it, not standby, signed in), and handed
        over (everyone who signed in has signed out)?"""
        evs = self._events([shift_id]).get(shift_id, [])
        last: dict[int, SignEvent] = {}
        ins: dict[int, SignEvent] = {}
        for e in evs:
            last[e.officer_id] = e
            if e.kind == SignKind.sign_in:
                ins.setdefault(e.officer_id, e)
        people = self.roster._assignments([shift_id]).get(shift_id, [])
        duty = {
            a.officer_id: a.officer_name
            for a in people
            if a.role != Role.standby and a.covers_id is None
        }
        outs = [e for e in last.values() if e.kind == SignKind.sign_out]
        return SigninStatus(
            shift_id=shift_id,
            taken_over=any(oid in duty for oid in ins),
            handed_over=bool(ins) and all(e.kind == SignKind.sign_out for e in last.values()),
            signed_in=sorted(ins.values(), key=lambda e: e.at),
            signed_out=outs,
            missing=[n for oid, n in duty.items() if oid not in ins],
        )

    def _sign(
        self, shift_id: int, officer_id: int, kind: SignKind, at: datetime | None, note: str
    ) -> SignEvent:
        now = self.s.now()
        at = at or now
        if at > now + SLACK:
            raise InputError("at", "err.time.future")
        sh = self.roster.shift(shift_id)
        cfg = self.roster.config()
        if kind == SignKind.sign_in:
            if at < sh.starts_at - timedelta(minutes=cfg.signin_early_minutes):
                raise InputError("at", "err.signin.too_early", n=cfg.signin_early_minutes)
            if at >= sh.ends_at:
                raise InputError("at", "err.signin.ended")
        with self.s.write():
            people = self.roster._assignments([shift_id]).get(shift_id, [])
            mine = [a for a in people if a.officer_id == officer_id]
            if not mine:
                off = self.roster.officer(officer_id)
                raise InputError("officer", "err.signin.not_on_shift", name=off.name)
            evs = [
                e for e in self._events([shift_id]).get(shift_id, []) if e.officer_id == officer_id
            ]
            signed_in = bool(evs) and evs[-1].kind == SignKind.sign_in
            if kind == SignKind.sign_in and signed_in:
                raise InputError("officer", "err.signin.already", name=mine[0].officer_name)
            if kind == SignKind.sign_out and not signed_in:
                raise InputError("officer", "err.signin.not_yet", name=mine[0].officer_name)
            eid = self.s.auditor.insert(
                "duty_signins",
                {
                    "shift_id": shift_id,
                    "officer_id": officer_id,
                    "kind": kind.value,
                    "at": to_db(at),
                    "note": note,
                    "recorded_by": self.s.actor,
                },
            )
        return next(e for e in self._events([shift_id])[shift_id] if e.id == eid)

    def sign_in(
        self, shift_id: int, officer_id: int, *, at: datetime | None = None, note: str = ""
    ) -> SignEvent:
        """接班签到: the incoming officer takes over."""
        return self._sign(shift_id, officer_id, SignKind.sign_in, at, note)

    def sign_out(
        self, shift_id: int, officer_id: int, *, at: datetime | None = None, note: str = ""
    ) -> SignEvent:
        """交班: signs out at handover."""
        return self._sign(shift_id, officer_id, SignKind.sign_out, at, note)

    # -- the leader-on-duty check ---------------------------------------------------------------
    def _in_person_required(self, shift_id: int) -> bool:
        sh = self.roster.shift(shift_id)
        cal = self.roster.calendar()
        return bool(cal.sensitive_names(sh.starts_at.astimezone(self.s.tz).date()))

    def check_schedule(self, shift_id: int) -> list[ScheduledCheck]:
        sh = self.roster.shift(shift_id)
        cfg = self.roster.config()
        return rules.check_schedule(shift_id, sh.starts_at, sh.ends_at, cfg.checks, self.s.tz)

    def check_records(self, shift_id: int) -> list[CheckRecord]:
        return [
            _record(r)
            for r in self.s.db.query(
                "SELECT c.*, o.name FROM leader_checks c LEFT JOIN officers o ON o.id = c.leader_id"
                f" WHERE c.shift_id = ? AND {not_struck('check', 'c.id')} ORDER BY c.at, c.id",
                [shift_id],
            )
        ]

    def checks(self, shift_id: int, now: datetime | None = None) -> list[CheckState]:
        """Every check of a shift, scheduled or ad hoc, with its records: for the handover."""
        now = now or self.s.now()
        cfg = self.roster.config()
        return rules.check_states(
            self.check_schedule(shift_id),
            self.check_records(shift_id),
            now,
            cfg.checks.escalate_after_minutes,
            self._in_person_required(shift_id),
        )

    def pending_checks(self, now: datetime | None = None) -> list[CheckState]:
        """The current shift's checks not yet confirmed (upcoming ones included): cache them, and
        call `rules.roster.escalation(checks, now)` on every tick."""
        now = now or self.s.now()
        view = self.roster.on_duty(now)
        if view is None or view.shift.id is None:
            return []
        return [c for c in self.checks(view.shift.id, now) if c.status != CheckStatus.confirmed]

    def escalation(self, now: datetime | None = None) -> Escalation:
        now = now or self.s.now()
        return rules.escalation(self.pending_checks(now), now)

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
        """Record a leader-on-duty check. Without `due_at` it answers the oldest check that is due
        and not confirmed, or else is an ad-hoc check at `at`.

        One transaction: what is due is read under the write lock, the record written, and the
        check it answered read back by the record's id before the commit, so a failure anywhere
        saves nothing (a retry never records twice). Times are kept to the second, as the desk
        stores them."""
        try:
            method = CheckMethod(method)
        except ValueError:
            raise InputError(
                "method",
                "err.check.method",
                value=method,
                known=", ".join(m.value for m in CheckMethod),
            ) from None
        try:
            result = CheckOutcome(result)
        except ValueError:
            raise InputError(
                "result",
                "err.check.result",
                value=result,
                known=", ".join(m.value for m in CheckOutcome),
            ) from None
        now = self.s.now()
        at = (at or now).replace(microsecond=0)
        if due_at is not None:
            due_at = due_at.replace(microsecond=0)
        if at > now + SLACK:
            raise InputError("at", "err.time.future")
        sh = self.roster.shift(shift_id)
        if not (sh.starts_at - SLACK <= at):
            raise InputError("at", "err.check.before_shift")
        with self.s.write():
            states = self.checks(shift_id, now)
            kind = CheckKind.adhoc
            if due_at is None:
                open_ = [
                    c
                    for c in states
                    if c.status != CheckStatus.confirmed and c.due_at <= at + timedelta(minutes=30)
                ]
                if open_:
                    due_at, kind = open_[0].due_at, open_[0].kind
                else:
                    due_at = at
            else:
                match = [c for c in states if c.due_at == due_at]
                if match:
                    kind = match[0].kind
            if leader_id is None:
                view = self.roster.view(shift_id)
                leader_id = (
                    next((a.officer_id for a in view.assignments if a.role == Role.leader), None)
                    if view
                    else None
                )
            rid = self.s.auditor.insert(
                "leader_checks",
                {
                    "shift_id": shift_id,
                    "due_at": to_db(due_at),
                    "kind": kind.value,
                    "method": method.value,
                    "result": result.value,
                    "at": to_db(at),
                    "note": note,
                    "leader_id": leader_id,
                    "recorded_by": self.s.actor,
                },
            )
            answered = [
                c for c in self.checks(shift_id, now) if any(r.id == rid for r in c.history)
            ]
            if not answered:  # cannot happen: the record is read back in its own transaction
                raise RuntimeError(f"leader check #{rid} was not read back; nothing was saved")
        return answered[0]

    def duty_status(self, now: datetime | None = None) -> DutyStatus:
        """One read for the banner: take-over status, open checks, escalation, problems ahead."""
        now = now or self.s.now()
        view = self.roster.on_duty(now)
        ahead = len(self.roster.upcoming_problems(now))
        if view is None or view.shift.id is None:
            return DutyStatus(problems_ahead=ahead)
        checks = self.pending_checks(now)
        return DutyStatus(
            shift_id=view.shift.id,
            signin=self.signin_status(view.shift.id),
            checks=checks,
            escalation=rules.escalation(checks, now),
            problems_ahead=ahead,
        )
