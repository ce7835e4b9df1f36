"""Roll-calls of duty rooms (电话查岗 / 视频点名) and checks made on us by higher offices."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

from pydantic import Field, field_validator

from watchdesk.models.base import BaseModel, _aware


# -- roll-call ------------------------------------------------------------------------------------
class Outcome(str, Enum):
    """What a check of a duty room found (查岗结果)."""

    on_post = "on_post"  # 接听且在岗: answered, duty officer on post
    no_answer = "no_answer"  # 无人接听
    busy = "busy"  # 占线
    not_on_duty = "not_on_duty"  # 非值班人员接听: answered by someone not on the duty roster
    leader_absent = "leader_absent"  # 带班领导不在岗: leader on duty absent

    @property
    def answered(self) -> bool:
        return self in (Outcome.on_post, Outcome.not_on_duty, Outcome.leader_absent)


class RoundSet(str, Enum):
    """Which units a round checks."""

    level1 = "level1"  # 一级联动单位
    level2 = "level2"
    level3 = "level3"
    linkage = "linkage"  # all linkage units
    townships = "townships"  # 乡镇/街道值班室
    districts = "districts"
    departments = "departments"
    duty_rooms = "duty_rooms"  # every subordinate duty room
    custom = "custom"  # chosen one by one


class CheckMethod(str, Enum):
    phone = "phone"  # 电话查岗
    video = "video"  # 视频点名
    onsite = "onsite"  # 实地检查 (higher checks only)


class RoundStatus(str, Enum):
    running = "running"
    paused = "paused"
    finished = "finished"


class RollCallEntry(BaseModel):
    id: int
    round_id: int
    seq: int  # 1-based position in the round
    unit_id: int
    unit_name: str  # as it was when the round started
    phone: str  # the number that was to be called
    outcome: Outcome | None = None  # None: not checked yet
    answered_by: str = ""
    answer_seconds: int | None = None
    called_at: datetime | None = None
    attempts: int = 0
    note: str = ""

    _v_aware = field_validator("called_at")(_aware)


class RoundSummary(BaseModel):
    """Tally of a round. See `rate` for the precise definition of 在岗率."""

    total: int = 0
    checked: int = 0
    not_checked: int = 0
    counts: dict[Outcome, int] = {}
    mean_answer_seconds: float | None = None

    @property
    def on_post(self) -> int:
        return self.counts.get(Outcome.on_post, 0)

    @property
    def rate(self) -> float | None:
        """在岗率 (on-post rate) = units found "answered and on post" ÷ units checked.

        A unit counts as checked once an outcome is recorded for it; its last recorded outcome
        counts (a busy line called back and answered on post is on post). No answer, busy,
        answered by someone not on duty and leader on duty absent are all *not* on post. Units the
        round never reached (ended early) are listed as not checked and left out of the
        denominator. None when nothing was checked."""
        return self.on_post / self.checked if self.checked else None

    def rate_text(self) -> str:
        r = self.rate
        return "—" if r is None else f"{r * 100:.1f}%"


class RollCallRound(BaseModel):
    id: int
    label: str = ""
    set_kind: RoundSet
    method: CheckMethod
    status: RoundStatus
    started_at: datetime
    finished_at: datetime | None = None
    position: int = 1  # the seq the runner stands on (persisted, for resume)
    started_by: str = ""
    note: str = ""
    updated_at: datetime

    _v_aware = field_validator("started_at", "finished_at", "updated_at")(_aware)


class RoundReport(BaseModel):
    """A round with its entries and tally: what the handover and the history show."""

    round: RollCallRound
    entries: list[RollCallEntry] = []
    summary: RoundSummary = RoundSummary()


class UnitCheck(BaseModel):
    """One line of a unit's check history."""

    entry: RollCallEntry
    round_id: int
    method: CheckMethod
    round_started_at: datetime


class HigherCheckResult(str, Enum):
    passed = "passed"  # 在岗在位
    problem = "problem"  # 发现问题


class HigherCheckInput(BaseModel):
    """A check made on us by a higher office (上级查岗)."""

    at: datetime
    checker: str = Field(min_length=1, max_length=100)  # who checked: office and person
    method: CheckMethod
    answered_by: str = Field(default="", max_length=40)
    leader_present: bool = True
    result: HigherCheckResult = HigherCheckResult.passed
    note: str = Field(default="", max_length=1000)

    _v_aware = field_validator("at")(_aware)


class HigherCheck(HigherCheckInput):
    id: int
    recorded_by: str = ""
    created_at: datetime
