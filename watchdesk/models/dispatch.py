"""Tasks given to units (传、跟): a linkage unit dispatched, an instruction passed on, a notice
from above received; their clocks, the calls chasing them (督办), and the first receiver of an
incident (首接负责制). The clocks' rules are in rules/dispatch.py, the saving in store/dispatch.py."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

from pydantic import Field, field_validator

from watchdesk.errors import BadValue
from watchdesk.models.base import BaseModel, _aware
from watchdesk.models.incident import BoardRow
from watchdesk.rules.dispatch import Step, TaskKind

__all__ = [
    "IMPLIED",
    "Channel",
    "Chase",
    "FirstReceiver",
    "Step",
    "Task",
    "TaskBoardRow",
    "TaskClock",
    "TaskInput",
    "TaskKind",
]


IMPLIED = "implied"  # the note of an acknowledgement closed by a later step


class Channel(str, Enum):
    phone = "phone"  # 电话
    fax = "fax"  # 传真
    sms = "sms"  # 短信
    system = "system"  # 系统


class TaskInput(BaseModel):
    """What the dispatch form and `task add` give: one instruction to several units."""

    kind: TaskKind = TaskKind.dispatch
    incident_id: int | None = None
    log_entry_id: int | None = None
    warning_id: int | None = None
    unit_ids: list[int] = []
    instruction: str = Field(min_length=1, max_length=2000)
    channel: Channel = Channel.phone
    passed_by: str = Field(default="", max_length=40)
    issued_at: datetime
    urban: bool | None = None  # None: from the incident's area (rules.dispatch.is_urban)

    _aware_at = field_validator("issued_at")(_aware)

    @field_validator("instruction")
    @classmethod
    def _text(cls, v: str) -> str:
        if not v.strip():
            raise BadValue("err.text.blank")
        return v.strip()


class TaskClock(BaseModel):
    id: int
    task_id: int
    step: Step
    due_at: datetime
    rule: str = ""
    source: str = ""
    done_at: datetime | None = None
    late_seconds: int | None = None
    note: str = ""
    by_whom: str = ""

    @property
    def late(self) -> bool:
        return self.late_seconds is not None and self.late_seconds > 0


class Chase(BaseModel):
    id: int
    task_id: int
    step: str = ""
    at: datetime
    outcome: str
    by_whom: str


class Task(BaseModel):
    id: int
    kind: TaskKind
    incident_id: int | None = None
    log_entry_id: int | None = None
    parent_id: int | None = None
    warning_id: int | None = None
    unit_id: int | None = None
    unit_name: str = ""
    instruction: str
    channel: Channel
    passed_by: str
    issued_at: datetime
    urban: bool = False
    pack_id: str = ""
    status: str = "open"  # open / done / cancelled
    cancel_reason: str = ""
    created_at: datetime
    by_whom: str
    clocks: list[TaskClock] = []
    chases: list[Chase] = []

    def next_clock(self) -> TaskClock | None:
        """The earliest clock not done yet (what the board shows)."""
        todo = [c for c in self.clocks if c.done_at is None]
        return min(todo, key=lambda c: (c.due_at, c.id)) if todo else None

    def clock(self, step: Step | str) -> TaskClock | None:
        return next((c for c in self.clocks if c.step.value == Step(step).value), None)

    @property
    def last_chase(self) -> Chase | None:
        return self.chases[-1] if self.chases else None


class TaskBoardRow(BoardRow):
    """A task's next clock on the countdown board. `deadline_id` is the task's id negated, so
    it never meets a report clock's id (the board keys its rows by it)."""

    task_id: int
    step: Step
    unit_name: str = ""
    chases: int = 0


class FirstReceiver(BaseModel):
    """首接负责制: which unit received the incident first, and when and to whom it handed over."""

    id: int
    incident_id: int
    unit_id: int | None = None
    unit_name: str
    received_at: datetime
    handed_at: datetime | None = None
    handed_to: str = ""
    handed_to_unit_id: int | None = None
    note: str = ""
    by_whom: str = ""
