"""What the first screen shows, read in one go."""

from __future__ import annotations

from typing import Optional

from watchdesk.models.base import BaseModel
from watchdesk.models.incident import BoardRow, Incident
from watchdesk.models.roster import DutyStatus, ShiftView
from watchdesk.models.warning import EarlyWarning


class Dashboard(BaseModel):
    """Everything the first screen shows, read in one go."""

    current: Optional[ShiftView] = None
    upcoming: Optional[ShiftView] = None
    clocks: list[BoardRow] = []
    today: list[Incident] = []
    warnings: list[EarlyWarning] = []  # warnings in force
    duty: Optional[DutyStatus] = None  # sign-in and leader checks
