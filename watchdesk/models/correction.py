"""Corrections (更正) and duplicate incidents (重复来电).

A record made by mistake is struck through, as on a paper log, never deleted: it stays visible,
struck, with who corrected it, when and why, and every list and total leaves it out. A record is
named by its kind and id, `report:17` (`RecordRef`).
"""

from __future__ import annotations

import re
from datetime import datetime
from enum import Enum
from typing import Any

from pydantic import field_validator

from watchdesk.models.base import BaseModel, _aware


class RecordKind(str, Enum):
    report = "report"  # a report made (电话报告, 书面报告, 续报, 核报, 终报): `reports`
    figures = "figures"  # a figure version: `figures`
    log = "log"  # a duty-log entry: `log_entries`
    rollcall = "rollcall"  # a roll-call outcome: `rollcall_entries`
    check = "check"  # a leader-on-duty check recorded: `leader_checks`
    signin = "signin"  # a sign-in or sign-out: `duty_signins`


# The table each kind of record lives in.
TABLES: dict[RecordKind, str] = {
    RecordKind.report: "reports",
    RecordKind.figures: "figures",
    RecordKind.log: "log_entries",
    RecordKind.rollcall: "rollcall_entries",
    RecordKind.check: "leader_checks",
    RecordKind.signin: "duty_signins",
}

_REF = re.compile(r"^\s*([A-Za-z_]+)\s*[:：]\s*#?\s*(\d{1,18})\s*$")


class RecordRef(BaseModel):
    """`kind:id`, e.g. `report:17`, `figures:5`, `log:88`, `rollcall:3`, `check:9`, `signin:4`."""

    kind: RecordKind
    id: int

    @classmethod
    def parse(cls, text: str) -> RecordRef:
        """Raises ValueError (an English problem) for anything that is not `kind:id`."""
        m = _REF.match(text or "")
        kinds = ", ".join(k.value for k in RecordKind)
        if not m:
            raise ValueError(
                f"not a record reference: {text.strip()!r} (kind:id, kind one of {kinds})"
            )
        try:
            kind = RecordKind(m.group(1).lower())
        except ValueError:
            raise ValueError(f"unknown kind of record {m.group(1)!r} (one of {kinds})") from None
        return cls(kind=kind, id=int(m.group(2)))

    def __str__(self) -> str:
        return f"{self.kind.value}:{self.id}"


class Correction(BaseModel):
    """A record struck through: what it said (`record`, as it stood), who struck it, when, why."""

    id: int
    kind: RecordKind
    record_id: int
    incident_id: int | None = None
    shift_id: int | None = None
    record_at: datetime | None = None  # the struck record's own time
    record: dict[str, Any] = {}
    reason: str
    at: datetime  # when it was struck
    by_whom: str

    _aware_times = field_validator("record_at", "at")(_aware)

    @property
    def ref(self) -> str:
        return f"{self.kind.value}:{self.record_id}"


class CorrectionResult(BaseModel):
    """What a correction did: the correction, and the clocks it ran again or ended."""

    correction: Correction
    reopened: list[int] = []  # deadline ids running again, with their original due time
    dropped: list[int] = []  # deadline ids ended (a clock the struck record had started)
    incident_reopened: bool = False  # a final report struck: the incident is open again
    figures_now: int | None = None  # the figure version current again (figures)


class DuplicateMark(BaseModel):
    """An incident marked a duplicate of another (merged into it): it counts once."""

    id: int
    incident_id: int
    of_id: int
    reason: str
    at: datetime
    by_whom: str

    _aware_at = field_validator("at")(_aware)


class PossibleDuplicate(BaseModel):
    """Another incident within the window that looks like the same event (可能重复)."""

    incident_id: int
    received_at: datetime
    headline: str
    place: str
    why: list[str]  # "place" (same category and place) and/or "caller" (the same caller)

    _aware_at = field_validator("received_at")(_aware)
