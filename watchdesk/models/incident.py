"""Incidents and what hangs off them: grades, report clocks (deadlines), reports,
figure versions, holds, the timeline and search hits.

Instants are always timezone-aware. The store keeps them in UTC; the UI shows them in the desk's zone.
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum

from pydantic import Field, field_validator

from watchdesk.errors import BadValue
from watchdesk.models.base import BaseModel, _aware
from watchdesk.models.correction import Correction


class Grade(str, Enum):
    """Event grade (事件等级). I is the most severe; values sort from I to IV by `rank`."""

    I = "I"  # 特别重大 especially major
    II = "II"  # 重大 major
    III = "III"  # 较大 relatively major
    IV = "IV"  # 一般 ordinary

    @property
    def rank(self) -> int:
        """1 for I (most severe) … 4 for IV."""
        return ("I", "II", "III", "IV").index(self.value) + 1

    def at_least(self, other: Grade) -> bool:
        """True when this grade is as severe as `other` or more."""
        return self.rank <= other.rank


class IncidentStatus(str, Enum):
    open = "open"
    closed = "closed"  # final report made
    voided = "voided"


class ReportKind(str, Enum):
    phone = "phone"  # 电话报告
    written = "written"  # 书面报告
    followup = "followup"  # 续报
    verification = "verification"  # 核报 (answer to a verification request)
    final = "final"  # 终报


class DeadlineStatus(str, Enum):
    running = "running"
    done = "done"
    dropped = "dropped"


class IncidentFacts(BaseModel):
    """What the intake form (or a JSON file) knows about an incident: the report elements of
    reporting-rules.md §3. Only place, category and a short description are required at first
    ("report what is known first")."""

    received_at: datetime
    occurred_at: datetime | None = None
    place: str = Field(min_length=1, max_length=200)
    # The area (乡镇/街道/区, store/area.py): its id, or its name (or 行政区划代码) to be looked up
    # when saved; read back, both. None and "": no area (the free-text place still says where).
    area_id: int | None = None
    area: str = Field(default="", max_length=40)
    source: str = Field(default="", max_length=100)
    category: str = Field(min_length=1, max_length=40)
    subtype: str = Field(default="", max_length=40)
    title: str = Field(default="", max_length=120)
    description: str = Field(min_length=1, max_length=4000)
    dead: int = Field(default=0, ge=0, le=1_000_000)
    injured: int = Field(default=0, ge=0, le=1_000_000)
    seriously_injured: int = Field(default=0, ge=0, le=1_000_000)
    trapped: int = Field(default=0, ge=0, le=1_000_000)
    missing: int = Field(default=0, ge=0, le=1_000_000)
    direct_loss: int = Field(default=0, ge=0, description="direct economic loss, yuan (元)")
    scope: str = Field(default="", max_length=1000)
    trend: str = Field(default="", max_length=1000)
    measures: str = Field(default="", max_length=2000)
    caller_unit: str = Field(default="", max_length=100)
    caller_name: str = Field(default="", max_length=40)
    caller_title: str = Field(default="", max_length=40)
    caller_phone: str = Field(default="", max_length=40)
    recorder: str = Field(default="", max_length=40)
    sensitive: bool = False
    grade: Grade | None = None  # an explicit grade; None means "use the suggestion"

    _aware_times = field_validator("received_at", "occurred_at")(_aware)

    @field_validator("place", "category", "description")
    @classmethod
    def _not_blank(cls, v: str) -> str:
        if not v.strip():
            raise BadValue("err.text.blank")
        return v.strip()

    @field_validator("caller_phone")
    @classmethod
    def _phone(cls, v: str) -> str:
        v = v.strip()
        if v and not all(c.isdigit() or c in "+-() " for c in v):
            raise BadValue("err.phone.chars")
        return v


class Incident(IncidentFacts):
    id: int
    grade: Grade  # the grade in force
    grade_suggested: Grade
    status: IncidentStatus = IncidentStatus.open
    void_reason: str = ""
    version: int = 1
    created_at: datetime
    updated_at: datetime
    merged_into: int | None = None  # marked a duplicate of that incident (store/correction.py)

    @property
    def headline(self) -> str:
        return self.title or self.description[:30]


class ReportEvent(BaseModel):
    id: int  # read from the store only: always numbered
    incident_id: int
    kind: ReportKind
    seq: int = 0  # follow-up number (续报一 = 1)
    at: datetime
    to_whom: str = ""
    by_whom: str = ""
    content: str = ""
    deadline_id: int | None = None
    late_seconds: int | None = None  # None: no clock; <=0 on time; >0 late

    _aware_at = field_validator("at")(_aware)


class Deadline(BaseModel):
    id: int  # read from the store only: always numbered
    incident_id: int
    kind: ReportKind
    seq: int = 0
    due_at: datetime
    status: DeadlineStatus = DeadlineStatus.running
    rule_id: str = ""
    pack_id: str = ""
    source: str = ""
    done_at: datetime | None = None
    report_id: int | None = None

    _aware_due = field_validator("due_at", "done_at")(_aware)


class BoardRow(BaseModel):
    """A running clock as the countdown board needs it (deadline + incident headline)."""

    deadline_id: int
    incident_id: int
    incident_headline: str
    grade: Grade
    kind: ReportKind
    seq: int = 0
    due_at: datetime


class FigureStatus(str, Enum):
    initial = "initial"  # 初报
    updated = "updated"  # 续报更新
    verified = "verified"  # 核实


FIGURE_FIELDS = ("dead", "injured", "seriously_injured", "trapped", "missing", "direct_loss")


class FigureVersion(BaseModel):
    """One version of an incident's figures. Figures are never overwritten: each change adds one."""

    id: int  # read from the store only: always numbered
    incident_id: int
    at: datetime
    dead: int = Field(default=0, ge=0)
    injured: int = Field(default=0, ge=0)
    seriously_injured: int = Field(default=0, ge=0)
    trapped: int = Field(default=0, ge=0)
    missing: int = Field(default=0, ge=0)
    direct_loss: int = Field(default=0, ge=0)
    source: str = ""
    status: FigureStatus = FigureStatus.initial
    by_whom: str = ""
    note: str = ""


class Hold(BaseModel):
    """Who is editing an incident right now. Expires on its own."""

    incident_id: int
    holder: str
    seat: str = ""
    acquired_at: datetime
    expires_at: datetime


class TimelineItem(BaseModel):
    at: datetime
    # received / report / figures / log / voided / clock / merged / duplicate / written.* (a
    # written report drafted, signed off, sent back, signed with its serial, sent: store/timeline)
    kind: str
    title: str = ""
    detail: str = ""
    who: str = ""
    data: dict = {}
    ref: str = ""  # the record it shows, `report:17` (what a correction names); "" for none
    correction: Correction | None = None  # struck through: who, when, why


class RegradeResult(BaseModel):
    old_grade: Grade
    new_grade: Grade
    suggested: Grade
    added: list[Deadline] = []
    dropped: list[Deadline] = []
    retimed: list[Deadline] = []  # running clocks moved earlier by the stricter rule
    needs_confirmation: bool = False  # a lower grade was suggested and not accepted

    @property
    def raised(self) -> bool:
        return self.new_grade.rank < self.old_grade.rank


class SearchHit(BaseModel):
    kind: str  # incident / log / report (a written report: `id` is the report's)
    id: int
    at: datetime
    title: str
    snippet: str = ""
    grade: Grade | None = None
    status: str = ""
    incident_id: int | None = None  # the incident a report hit opens
