"""Statistics for a period (issue 15, "accountability in numbers"): our own timeliness, our
subordinates' timeliness, what happened, and the desk itself. Built by `store/stats.py`; every
figure here is what `watchdesk stats --json` prints.

Times are instants (UTC-aware); a period is [start, end) in the desk's zone. Durations are whole
seconds. A rate is None where there was nothing to count (zeros, not errors).
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum

from pydantic import Field, computed_field, field_validator

from watchdesk.models.base import BaseModel, _aware
from watchdesk.models.incident import Grade, ReportKind


class PeriodKind(str, Enum):
    day = "day"
    week = "week"  # ISO week, Monday to Monday
    month = "month"
    quarter = "quarter"
    year = "year"
    custom = "custom"  # --from … --to …


class Period(BaseModel):
    """[start, end) in the desk's zone; `label`: how a user wrote it (`2026-11`, `2026-W47`)."""

    kind: PeriodKind
    start: datetime
    end: datetime
    label: str

    _aware_times = field_validator("start", "end")(_aware)


def rate(part: int, whole: int) -> float | None:
    """part ÷ whole rounded to four places; None for nothing counted."""
    return round(part / whole, 4) if whole else None


# -- our own timeliness -------------------------------------------------------------------------
class ClockOutcome(str, Enum):
    on_time = "on_time"
    late = "late"
    missed = "missed"  # never reported, still running past due (or ended by the final report)


class KindTimeliness(BaseModel):
    """One report kind's clocks due in the period (all kinds together for `kind` None)."""

    kind: ReportKind | None = None
    on_time: int = 0
    late: int = 0
    missed: int = 0
    pending: int = 0  # due in the period but not yet: running, due after now (not in the rate)
    late_median_seconds: float | None = None  # of the late reports
    late_p90_seconds: int | None = None  # nearest rank
    late_worst_seconds: int | None = None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def counted(self) -> int:
        return self.on_time + self.late + self.missed

    @computed_field  # type: ignore[prop-decorator]
    @property
    def on_time_rate(self) -> float | None:
        return rate(self.on_time, self.counted)


class LateItem(BaseModel):
    """A clock reported late, or missed: with the incident, when it was due, how late (a missed
    one: how long overdue now) and who answers for it."""

    outcome: ClockOutcome
    incident_id: int
    headline: str
    grade: Grade
    kind: ReportKind
    seq: int = 0
    deadline_id: int
    due_at: datetime
    reported_at: datetime | None = None
    late_seconds: int
    reporter: str = ""  # who made the report (by_whom); "" for a missed one
    on_duty: list[str] = []  # the people on duty when it fell due (leader first)

    _aware_times = field_validator("due_at", "reported_at")(_aware)


class OwnTimeliness(BaseModel):
    total: KindTimeliness = KindTimeliness()
    by_kind: list[KindTimeliness] = []
    items: list[LateItem] = []  # every late and missed clock, by due time


# -- our subordinates' timeliness ---------------------------------------------------------------
class SubordinateRules(BaseModel):
    """How subordinate units are judged: the limit from occurrence to our receipt per grade
    (default: the rule pack's phone limit, else its written one), when a report counts as
    missed (漏报) rather than late (迟报), and the points of each (Baoji: −1, −3)."""

    limits_seconds: dict[Grade, int] = {}
    missed_after_seconds: int = Field(default=24 * 3600, gt=0)
    late_points: float = -1.0
    missed_points: float = -3.0


class UnitTimeliness(BaseModel):
    unit_id: int
    unit: str
    incidents: int = 0
    on_time: int = 0
    late: int = 0
    missed: int = 0
    unknown: int = 0  # occurrence time unknown, or no limit for the grade: not judged
    delay_median_seconds: float | None = None
    delay_worst_seconds: int | None = None
    score: float = 0.0

    @computed_field  # type: ignore[prop-decorator]
    @property
    def on_time_rate(self) -> float | None:
        return rate(self.on_time, self.on_time + self.late + self.missed)


class UnitLateItem(BaseModel):
    outcome: ClockOutcome
    unit: str
    incident_id: int
    headline: str
    grade: Grade
    occurred_at: datetime
    received_at: datetime
    delay_seconds: int
    limit_seconds: int

    _aware_times = field_validator("occurred_at", "received_at")(_aware)


class SubordinateTimeliness(BaseModel):
    rules: SubordinateRules
    units: list[UnitTimeliness] = []  # worst first: missed, then late, then score
    items: list[UnitLateItem] = []


# -- what happened ------------------------------------------------------------------------------
class Totals(BaseModel):
    incidents: int = 0
    dead: int = 0
    injured: int = 0
    seriously_injured: int = 0
    missing: int = 0
    trapped: int = 0
    direct_loss: int = 0  # yuan


class Count(BaseModel):
    key: str  # a category code, a grade, a month (YYYY-MM)
    incidents: int = 0


class MonthCount(BaseModel):
    month: str  # YYYY-MM, the desk's local month
    incidents: int = 0
    by_grade: dict[Grade, int] = {}


class Comparison(BaseModel):
    """The same figures for another period, and the change to this one (None: nothing then)."""

    period: Period
    totals: Totals
    change: int = 0  # incidents now − then
    change_rate: float | None = None  # change ÷ then


class Happened(BaseModel):
    totals: Totals = Totals()
    by_category: list[Count] = []  # most first
    by_grade: list[Count] = []  # I … IV, all four
    by_month: list[MonthCount] = []  # every local month the period touches
    year_on_year: Comparison | None = None  # 同比
    previous: Comparison | None = None  # 环比


# -- the desk itself ----------------------------------------------------------------------------
class UnitRollCall(BaseModel):
    unit_id: int
    unit: str
    checked: int = 0
    on_post: int = 0

    @computed_field  # type: ignore[prop-decorator]
    @property
    def absent(self) -> int:
        return self.checked - self.on_post

    @computed_field  # type: ignore[prop-decorator]
    @property
    def rate(self) -> float | None:
        return rate(self.on_post, self.checked)


class RollCallStats(BaseModel):
    rounds: int = 0
    checked: int = 0
    on_post: int = 0
    units: list[UnitRollCall] = []  # by name
    most_absent: list[UnitRollCall] = []  # units absent at least once, most first

    @computed_field  # type: ignore[prop-decorator]
    @property
    def rate(self) -> float | None:
        return rate(self.on_post, self.checked)


class LeaderCheckStats(BaseModel):
    """Leader-on-duty checks due in the period: done within the grace (on time), after it
    (late), never (missed, once the grace has passed), and the absences they found."""

    due: int = 0
    on_time: int = 0
    late: int = 0
    missed: int = 0
    pending: int = 0
    absences: int = 0  # checks whose outcome was absent or unreachable

    @computed_field  # type: ignore[prop-decorator]
    @property
    def on_time_rate(self) -> float | None:
        return rate(self.on_time, self.on_time + self.late + self.missed)


class PersonHours(BaseModel):
    officer_id: int
    name: str
    shifts: int = 0
    hours: float = 0.0
    night_hours: float = 0.0
    rest_day_hours: float = 0.0
    holiday_hours: float = 0.0
    holiday_shifts: int = 0  # shifts with any hour on a public-holiday day


class DeskStats(BaseModel):
    rollcall: RollCallStats = RollCallStats()
    leader_checks: LeaderCheckStats = LeaderCheckStats()
    hours: list[PersonHours] = []


class StepCount(BaseModel):
    """One step of the tasks given to a unit (接收 / 到场 / 反馈), by its clocks due in the period."""

    on_time: int = 0
    late: int = 0
    missed: int = 0  # past due (at the period's end or now) and not done
    worst_late_seconds: int | None = None


class UnitDispatch(BaseModel):
    """A unit's tasks (dispatched or passed an instruction, issue 16) judged on their clocks."""

    unit_id: int | None = None
    unit: str
    tasks: int = 0
    ack: StepCount = StepCount()  # 接收
    arrive: StepCount = StepCount()  # 到场
    feedback: StepCount = StepCount()  # 反馈
    chases: int = 0  # 督办 calls

    @property
    def late(self) -> int:
        return self.ack.late + self.arrive.late + self.feedback.late

    @property
    def missed(self) -> int:
        return self.ack.missed + self.arrive.missed + self.feedback.missed


class Stats(BaseModel):
    period: Period
    computed_at: datetime
    timezone: str
    own: OwnTimeliness
    subordinates: SubordinateTimeliness
    happened: Happened
    desk: DeskStats
    dispatch: list[UnitDispatch] = []  # units ranked by missed, then late

    _aware_at = field_validator("computed_at")(_aware)
