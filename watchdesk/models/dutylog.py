"""The duty log (值班日志)."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

from pydantic import Field, field_validator

from watchdesk.errors import BadValue
from watchdesk.models.base import BaseModel, _aware


class LogKind(str, Enum):
    call_in = "call_in"  # 来电
    doc_in = "doc_in"  # 来文
    instruction = "instruction"  # 领导批示
    action = "action"  # 落实 / 处置情况
    note = "note"  # 备注
    verification_request = "verification_request"  # 核报要求


class LogEntry(BaseModel):
    """A duty-log entry (值班日志): calls and documents received, leader instructions and what was
    done about them, notes. May be linked to an incident."""

    id: int | None = None
    at: datetime
    kind: LogKind
    incident_id: int | None = None
    counterpart: str = Field(default="", max_length=100)  # from whom / to whom
    content: str = Field(min_length=1, max_length=4000)
    handling: str = Field(default="", max_length=2000)  # what was done about it
    by_whom: str = ""
    created_at: datetime | None = None

    _aware_at = field_validator("at")(_aware)

    @field_validator("content")
    @classmethod
    def _content(cls, v: str) -> str:
        if not v.strip():
            raise BadValue("err.text.blank")
        return v.strip()
