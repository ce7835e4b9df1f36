"""What the first screen shows, read in one go."""

from __future__ import annotations

from datetime import date

from watchdesk.models.base import BaseModel
from watchdesk.models.incident import BoardRow, Incident
from watchdesk.models.roster import DutyStatus, ShiftView
from watchdesk.models.warning import EarlyWarning


class Dashboard(BaseModel):
    """Everything the first screen shows, read in one go."""

    current: ShiftView | None = None
    upcoming: ShiftView | None = None
    clocks: list[BoardRow] = []
    today: list[Incident] = []
    warnings: list[EarlyWarning] = []  # warnings in force
    duty: DutyStatus | None = None  # sign-in and leader checks
    # The latest filing (备案) day of each unit that must file, None: never (store/filing.py);
    # the first screen counts the stale ones with the desk's filing_interval_days.
    filings_last: list[date | None] = []
