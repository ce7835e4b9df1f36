"""Pydantic types of the take-over (接班签到) and the leader-on-duty check (带班领导在岗核查).

Kept apart from roster_models so that the console's first screen, which shows them, does not
build the roster planner's types at start-up; roster_models re-exports them.
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Optional

from .models import BaseModel  # schemas built on first use (start-up time)


# -- take-over and the leader check ------------------------------------------------------------
class SignKind(str, Enum):
    sign_in = "in"
    sign_out = "out"


class SignEvent(BaseModel):
    id: int
    shift_id: int
    officer_id: int
    officer_name: str = ""
    kind: SignKind
    at: datetime
    note: str = ""
    recorded_by: str = ""


class SigninStatus(BaseModel):
    shift_id: int
    taken_over: bool = False  # someone on the shift (not standby) has signed in
    handed_over: bool = False  # everyone who signed in has signed out
    signed_in: list[SignEvent] = []
    signed_out: list[SignEvent] = []
    missing: list[str] = []  # names on the shift (not standby) who have not signed in


class CheckKind(str, Enum):
    start = "start"
    fixed = "fixed"
    random = "random"
    adhoc = "adhoc"


class CheckMethod(str, Enum):
    in_person = "in_person"
    phone = "phone"
    video = "video"


class CheckOutcome(str, Enum):
    present = "present"  # 在岗
    absent = "absent"  # 不在岗
    unreachable = "unreachable"  # 联系不上


class ScheduledCheck(BaseModel):
    shift_id: int
    due_at: datetime
    kind: CheckKind


class CheckRecord(BaseModel):
    id: int
    shift_id: int
    due_at: datetime
    kind: CheckKind
    method: CheckMethod
    result: CheckOutcome
    at: datetime
    note: str = ""
    leader_name: str = ""
    recorded_by: str = ""


class CheckStatus(str, Enum):
    upcoming = "upcoming"
    due = "due"  # past due, within the grace
    escalated = "escalated"  # past due + N minutes, not confirmed
    confirmed = "confirmed"
    failed = "failed"  # recorded, but not a confirmation (absent, unreachable, not in person)


class CheckState(BaseModel):
    """A scheduled check and what was recorded for it (latest record wins)."""

    shift_id: int
    due_at: datetime
    kind: CheckKind
    status: CheckStatus
    escalate_at: datetime
    in_person_required: bool = False
    record: Optional[CheckRecord] = None
    history: list[CheckRecord] = []


class Escalation(BaseModel):
    active: bool = False
    checks: list[CheckState] = []  # the escalated ones, oldest first
    since: Optional[datetime] = None


class DutyStatus(BaseModel):
    """What the on-duty banner needs beyond the shift itself, read in one go."""

    shift_id: int | None = None
    signin: SigninStatus | None = None
    checks: list[CheckState] = []
    escalation: Escalation = Escalation()
    problems_ahead: int = 0  # gaps/violations in the next 48 h not marked intentional
