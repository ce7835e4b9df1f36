"""The leader-on-duty check as pure functions of (checks, now): status, escalation, what is due.

Kept apart from rules.roster (calendars, rotations, staffing) so that the first screen, which
recomputes these every tick, loads only them; rules.roster re-exports them.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from typing import Sequence

from ..duty_models import (
    CheckMethod,
    CheckOutcome,
    CheckRecord,
    CheckState,
    CheckStatus,
    Escalation,
    ScheduledCheck,
)


def confirms(rec: CheckRecord, in_person_required: bool) -> bool:
    return rec.result == CheckOutcome.present and (
        not in_person_required or rec.method == CheckMethod.in_person)


def status_at(state: CheckState, now: datetime) -> CheckStatus:
    """The status of a check at `now`. Confirmed ends it; otherwise it escalates N minutes after
    it was due, whatever was recorded (an absent leader escalates too)."""
    rec = state.record
    if rec is not None and confirms(rec, state.in_person_required):
        return CheckStatus.confirmed
    if now >= state.escalate_at:
        return CheckStatus.escalated
    if rec is not None:
        return CheckStatus.failed
    if now >= state.due_at:
        return CheckStatus.due
    return CheckStatus.upcoming


def check_states(schedule: Sequence[ScheduledCheck], records: Sequence[CheckRecord],
                 now: datetime, escalate_after_minutes: int, in_person_required: bool = False
                 ) -> list[CheckState]:
    """Join the schedule with what was recorded (by shift and due time; the latest record wins).
    Records for a time not in the schedule (ad-hoc checks, or a schedule changed since) are
    kept as their own entries, so nothing recorded ever drops out of the handover."""
    by_due: dict[tuple[int, datetime], list[CheckRecord]] = defaultdict(list)
    for r in sorted(records, key=lambda r: (r.at, r.id)):
        by_due[(r.shift_id, r.due_at)].append(r)
    items = [(c.shift_id, c.due_at, c.kind) for c in schedule]
    known = {(s, d) for s, d, _ in items}
    for (sid, due), recs in by_due.items():
        if (sid, due) not in known:
            items.append((sid, due, recs[-1].kind))
    out = []
    grace = timedelta(minutes=escalate_after_minutes)
    for sid, due, kind in sorted(items, key=lambda x: x[1]):
        hist = by_due.get((sid, due), [])
        st = CheckState(shift_id=sid, due_at=due, kind=kind, status=CheckStatus.upcoming,
                        escalate_at=due + grace, in_person_required=in_person_required,
                        record=hist[-1] if hist else None, history=hist)
        st.status = status_at(st, now)
        out.append(st)
    return out


def escalation(checks: Sequence[CheckState], now: datetime) -> Escalation:
    """Pure function of (checks, now): the checks past their escalation time and not confirmed.
    The app calls it every tick on cached checks: red banner and bell while `active`."""
    late = []
    for c in checks:
        st = status_at(c, now)
        if st == CheckStatus.escalated:
            late.append(c.model_copy(update={"status": st}))
    late.sort(key=lambda c: c.escalate_at)
    return Escalation(active=bool(late), checks=late, since=late[0].escalate_at if late else None)


def next_due(checks: Sequence[CheckState], now: datetime) -> CheckState | None:
    """The check the officer should act on now (due or escalated, oldest first), else None."""
    for c in sorted(checks, key=lambda c: c.due_at):
        if status_at(c, now) in (CheckStatus.due, CheckStatus.escalated, CheckStatus.failed):
            return c
    return None
