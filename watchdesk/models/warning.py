"""Early warnings (预警): four colours, levels IV–I, issued, changed and lifted."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

from pydantic import Field, field_validator

from watchdesk.errors import BadValue
from watchdesk.models.base import BaseModel, _aware
from watchdesk.rules.warning import COLOURS, Colour, Level, SignalType, signal_type, title


# -- warnings -------------------------------------------------------------------------------------
class WarningStatus(str, Enum):
    in_force = "in_force"
    lifted = "lifted"


class WarningInput(BaseModel):
    """What issuing a warning needs (《突发事件应对法》Art.64 content: kind, level, area, issuer,
    issue time, measures)."""

    kind: str = Field(min_length=1)  # a SignalType code
    level: Level
    area: str = Field(min_length=1, max_length=200)
    issuer: str = Field(min_length=1, max_length=100)
    issued_at: datetime
    measures: str = Field(default="", max_length=2000)
    note: str = Field(default="", max_length=1000)

    _v_aware = field_validator("issued_at")(_aware)

    @field_validator("kind")
    @classmethod
    def _kind(cls, v: str) -> str:
        return signal_type(v).code

    @field_validator("area", "issuer")
    @classmethod
    def _blank(cls, v: str) -> str:
        if not v.strip():
            raise BadValue("err.text.blank")
        return v.strip()


class EarlyWarning(BaseModel):
    id: int
    kind: str
    level: Level
    area: str
    issuer: str
    issued_at: datetime  # first issued
    level_since: datetime  # when the current level was (re-)issued
    measures: str = ""
    status: WarningStatus = WarningStatus.in_force
    lifted_at: datetime | None = None
    version: int = 1
    created_at: datetime
    updated_at: datetime

    _v_aware = field_validator("issued_at", "level_since", "lifted_at", "created_at", "updated_at")(
        _aware
    )

    @property
    def signal(self) -> SignalType:
        return signal_type(self.kind)

    def title(self, lang: str) -> str:
        return title(self.signal, self.level, lang)

    @property
    def colour(self) -> Colour:
        return COLOURS[self.level]


class WarningEvent(BaseModel):
    """One step of a warning's history: issue, change (re-issue at a new level) or lift."""

    id: int
    warning_id: int
    action: str  # issue / change / lift
    at: datetime
    level: Level | None = None
    from_level: Level | None = None
    issuer: str = ""
    area: str = ""
    measures: str = ""
    note: str = ""
    by_whom: str = ""

    _v_aware = field_validator("at")(_aware)
