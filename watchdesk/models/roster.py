"""The roster: shifts, assignments, the roster's configuration and changes,
rotations, imports, sign-in and the leader-on-duty check (带班领导在岗核查).

Instants are timezone-aware; times of day (`"08:30"`) are in the desk's zone.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from enum import Enum

from pydantic import Field, field_validator, model_validator

from watchdesk.errors import BadValue, Msg
from watchdesk.models.base import BaseModel, _aware


class Role(str, Enum):
    leader = "leader"  # 带班领导 leader on duty
    chief = "chief"  # 值班长 duty chief
    officer = "officer"  # 值班员 duty officer
    standby = "standby"  # 备勤 standby


class Shift(BaseModel):
    id: int  # shifts exist only in the store: always numbered
    starts_at: datetime
    ends_at: datetime
    label: str = ""

    _aware_start = field_validator("starts_at", "ends_at")(_aware)


class Assignment(BaseModel):
    id: int | None = None
    shift_id: int
    officer_id: int
    role: Role
    note: str = ""
    officer_name: str = ""  # filled by queries that join the officer


class ShiftView(BaseModel):
    """A shift with the people assigned to it, for banners and `watchdesk now`."""

    shift: Shift
    assignments: list[Assignment] = []

    def names(self, role: Role) -> list[str]:
        return [a.officer_name for a in self.assignments if a.role == role]


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
    record: CheckRecord | None = None
    history: list[CheckRecord] = []


class Escalation(BaseModel):
    active: bool = False
    checks: list[CheckState] = []  # the escalated ones, oldest first
    since: datetime | None = None


class DutyStatus(BaseModel):
    """What the on-duty banner needs beyond the shift itself, read in one go."""

    shift_id: int | None = None
    signin: SigninStatus | None = None
    checks: list[CheckState] = []
    escalation: Escalation = Escalation()
    problems_ahead: int = 0  # gaps/violations in the next 48 h not marked intentional


ROLES = (Role.leader, Role.chief, Role.officer, Role.standby)


def _hhmm(v: str) -> str:
    try:
        t = time.fromisoformat(v.strip())
    except ValueError as e:
        raise BadValue("err.roster.hhmm", value=v) from e
    return t.strftime("%H:%M")


# -- configuration -----------------------------------------------------------------------------
class ShiftSlot(BaseModel):
    """One shift of a daily pattern: starts at `start` (desk zone) and lasts `hours`."""

    start: str = "08:30"
    hours: float = Field(default=24, gt=0, le=48)
    label: str = ""

    _t = field_validator("start")(_hhmm)

    @property
    def start_time(self) -> time:
        return time.fromisoformat(self.start)

    @property
    def duration(self) -> timedelta:
        return timedelta(hours=self.hours)


DEFAULT_PATTERNS: dict[str, list[ShiftSlot]] = {
    "24h": [ShiftSlot(start="08:30", hours=24, label="24h")],
    "day-night": [
        ShiftSlot(start="08:00", hours=12, label="day"),
        ShiftSlot(start="20:00", hours=12, label="night"),
    ],
}


class CheckConfig(BaseModel):
    """When the leader-on-duty check is due, and how long before a missed one escalates."""

    at_start: bool = True
    fixed: list[str] = ["22:00"]  # times of day
    random_windows: list[tuple[str, str]] = [("00:00", "06:00")]  # one random time in each
    escalate_after_minutes: int = Field(default=15, ge=1, le=24 * 60)

    @field_validator("fixed")
    @classmethod
    def _fixed(cls, v: list[str]) -> list[str]:
        return [_hhmm(x) for x in v]

    @field_validator("random_windows")
    @classmethod
    def _windows(cls, v: list[tuple[str, str]]) -> list[tuple[str, str]]:
        out = []
        for a, b in v:
            a, b = _hhmm(a), _hhmm(b)
            if a == b:
                raise BadValue("err.roster.empty_window", a=a, b=b)
            out.append((a, b))
        return out


class RosterConfig(BaseModel):
    """The desk's roster rules; stored in `meta` under `roster.config` (audited like any change)."""

    pattern: str = "24h"
    patterns: dict[str, list[ShiftSlot]] = Field(default_factory=lambda: dict(DEFAULT_PATTERNS))
    minimums: dict[Role, int] = Field(
        default_factory=lambda: {Role.leader: 1, Role.chief: 0, Role.officer: 1, Role.standby: 0}
    )
    sensitive_minimums: dict[Role, int] = Field(
        default_factory=lambda: {Role.leader: 1, Role.officer: 2}
    )
    holidays_sensitive: bool = True  # China's public holidays count as sensitive periods
    max_consecutive: int = Field(default=2, ge=1, le=31)  # back-to-back shifts per person
    signin_early_minutes: int = Field(default=60, ge=0, le=24 * 60)
    checks: CheckConfig = Field(default_factory=CheckConfig)

    @model_validator(mode="after")
    def _pattern_known(self) -> RosterConfig:
        if self.pattern not in self.patterns:
            raise BadValue("err.roster.pattern_undefined", value=self.pattern)
        for name, slots in self.patterns.items():
            if not slots:
                raise BadValue("err.roster.pattern_empty", value=name)
        for d in (self.minimums, self.sensitive_minimums):
            for r, n in d.items():
                if n < 0 or n > 20:
                    raise BadValue("err.roster.minimum", role=Msg(f"role.{r.value}"))
        return self

    def slots(self, pattern: str | None = None) -> list[ShiftSlot]:
        return self.patterns[pattern or self.pattern]

    def floor(self, sensitive: bool) -> dict[Role, int]:
        base = {r: self.minimums.get(r, 0) for r in ROLES}
        if sensitive:
            for r, n in self.sensitive_minimums.items():
                base[r] = max(base[r], n)
        return base


# -- calendar ----------------------------------------------------------------------------------
class DayKind(str, Enum):
    workday = "workday"
    weekend = "weekend"
    holiday = "holiday"  # public holiday or a rest day moved by 调休
    makeup = "makeup"  # a weekend day worked in exchange (调休上班)


class DayInfo(BaseModel):
    day: date
    kind: DayKind
    name: str = ""  # holiday name from the calendar
    sensitive: list[str] = []  # names of the sensitive periods covering this day

    @property
    def rest(self) -> bool:
        return self.kind in (DayKind.weekend, DayKind.holiday)


class SensitivePeriod(BaseModel):
    id: int | None = None
    name: str = Field(min_length=1, max_length=60)
    starts_on: date
    ends_on: date
    note: str = ""

    @model_validator(mode="after")
    def _order(self) -> SensitivePeriod:
        if self.ends_on < self.starts_on:
            raise BadValue("err.roster.period_order")
        return self

    def covers(self, d: date) -> bool:
        return self.starts_on <= d <= self.ends_on


class Leave(BaseModel):
    id: int | None = None
    officer_id: int
    officer_name: str = ""
    starts_at: datetime
    ends_at: datetime
    reason: str = ""


# -- assignments, changes, problems ------------------------------------------------------------
class Source(str, Enum):
    manual = "manual"
    rotation = "rotation"
    imported = "import"
    swap = "swap"
    substitute = "substitute"


class ChangeKind(str, Enum):
    assign = "assign"
    remove = "remove"
    replaced = "replace"  # (not `replace`: that would hide str.replace)
    swap = "swap"
    substitute = "substitute"
    generate = "generate"
    imported = "import"
    acknowledge = "acknowledge"


class RosterChange(BaseModel):
    id: int
    at: datetime
    actor: str
    kind: ChangeKind
    shift_id: int | None = None
    other_shift_id: int | None = None
    role: Role | None = None
    officer_name: str = ""
    other_officer_name: str = ""
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    reason: str = ""
    approver: str = ""


class RosterAssignment(Assignment):
    """An assignment with its roster bookkeeping: where it came from, the part of the shift it
    covers (a partial substitution), whom it stands in for, and the last change to it."""

    source: Source = Source.manual
    starts_at: datetime | None = None  # None: from the shift's start
    ends_at: datetime | None = None  # None: to the shift's end
    covers_id: int | None = None  # the assignment this one substitutes for (part of a shift)
    change: RosterChange | None = None


class Problem(str, Enum):
    no_leader = "no_leader"
    below_floor = "below_floor"
    consecutive = "consecutive"
    on_leave = "on_leave"
    duplicate = "duplicate"
    uncovered = "uncovered"


class Violation(BaseModel):
    """A gap or a rule broken. `key` identifies it for acknowledgement (marking it intentional)."""

    key: str
    problem: Problem
    shift_id: int | None = None
    starts_at: datetime
    ends_at: datetime
    role: Role | None = None
    officer_id: int | None = None
    officer_name: str = ""
    have: int = 0
    need: int = 0
    sensitive: bool = False
    acknowledged: bool = False
    ack_reason: str = ""
    ack_by: str = ""


class RosterShift(BaseModel):
    """One row of the roster grid."""

    shift: Shift
    day: DayInfo
    assignments: list[RosterAssignment] = []
    sensitive: bool = False
    floor: dict[Role, int] = {}
    problems: list[Violation] = []
    signed_in: list[str] = []  # names
    last_change: RosterChange | None = None

    def people(self, role: Role) -> list[RosterAssignment]:
        return [a for a in self.assignments if a.role == role]


class RosterPage(BaseModel):
    start: datetime
    end: datetime
    shifts: list[RosterShift] = []
    problems: list[Violation] = []  # including gaps between shifts
    # years of the page whose official holiday arrangement (国务院办公厅通知) is not in the data
    calendar_unconfirmed: list[int] = []


# -- rotation ----------------------------------------------------------------------------------
class RotationMode(str, Enum):
    daily = "daily"  # the next person every day
    every = "every"  # the next person every N days
    workday_split = "split"  # workdays and rest days from separate lists


class RotationSpec(BaseModel):
    start: date
    end: date  # inclusive
    pattern: str = ""  # "" → the configured pattern
    mode: RotationMode = RotationMode.daily
    every: int = Field(default=1, ge=1, le=366)
    lists: dict[Role, list[int]] = {}  # officer ids, in order
    rest_lists: dict[Role, list[int]] = {}  # rest days (weekends, holidays) in split mode
    offsets: dict[Role, int] = {}  # where each list starts

    @model_validator(mode="after")
    def _check(self) -> RotationSpec:
        if self.end < self.start:
            raise BadValue("err.roster.end_before_start")
        if (self.end - self.start).days > 366 * 3:
            raise BadValue("err.roster.three_years")
        if not any(self.lists.values()) and not any(self.rest_lists.values()):
            raise BadValue("err.roster.no_lists")
        return self


class PlannedShift(BaseModel):
    starts_at: datetime
    ends_at: datetime
    label: str
    day: date
    sensitive: bool = False
    people: list[tuple[Role, int]] = []
    short: dict[Role, int] = {}  # how many the lists could not fill (everyone on leave)


class GenerateResult(BaseModel):
    shifts_created: int = 0
    assigned: int = 0
    unchanged: int = 0
    kept_manual: list[str] = []  # "11-22 08:30 officer: 周文博 (swap)"
    conflicts: list[str] = []  # overlapping shifts that were left alone
    short: list[str] = []
    dry_run: bool = False


# -- import / export ---------------------------------------------------------------------------
class RosterRow(BaseModel):
    """One assignment as a file row."""

    row: int = 0  # row number in the file (1-based, header included)
    starts_at: datetime
    ends_at: datetime
    label: str = ""
    role: Role
    name: str
    phone: str = ""
    note: str = ""
    note_given: bool = True  # False: the file has no 备注 column (the note is left as it is)
    # For calendars (`export_rows(..., calendar=True)`): the assignment it is, how often it was
    # changed (the event's SEQUENCE) and whether it is off the roster (STATUS:CANCELLED).
    assignment_id: int | None = None
    sequence: int = 0
    cancelled: bool = False


class ImportResult(BaseModel):
    rows: int = 0
    shifts_created: int = 0
    assigned: int = 0
    notes_changed: int = 0
    unchanged: int = 0
    officers_added: list[str] = []
    dry_run: bool = False


class HoursRow(BaseModel):
    officer_id: int
    name: str
    shifts: int = 0
    hours: float = 0.0
    rest_day_hours: float = 0.0  # weekends and holidays
    holiday_hours: float = 0.0  # days of a public-holiday period (docs/roster.md, hours)
    night_hours: float = 0.0  # 22:00–06:00
    by_role: dict[Role, float] = {}
