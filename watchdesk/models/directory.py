"""The directory of linkage units (联动单位) and duty rooms, with their contacts."""

from __future__ import annotations

import re
from datetime import date, datetime
from enum import Enum

from pydantic import Field

from watchdesk.errors import Msg
from watchdesk.models.base import BaseModel


class Contact(BaseModel):
    id: int | None = None
    unit_id: int | None = None
    name: str = Field(min_length=1, max_length=40)
    role: str = ""
    phone: str = ""


class Unit(BaseModel):
    """A linkage unit (联动单位, level 1–3) or a subordinate duty room (值班室)."""

    id: int | None = None
    name: str = Field(min_length=1, max_length=100)
    kind: str = Field(default="linkage", pattern="^(linkage|duty_room)$")
    level: int | None = Field(default=None, ge=1, le=3)
    area: str = ""
    duty_phone: str = ""
    backup_phone: str = ""
    fax: str = ""
    notes: str = ""
    active: bool = True
    contacts: list[Contact] = []


PHONE_CHARS = frozenset("0123456789+-() ")


def phone_problem(value: str) -> Msg | None:
    """Why `value` is not a phone number we can dial, or None. Empty is allowed (not known)."""
    v = (value or "").strip()
    if not v:
        return None
    if not all(c in PHONE_CHARS for c in v):
        return Msg("err.phone.chars")
    if sum(c.isdigit() for c in v) < 3:
        return Msg("err.phone.digits")
    if len(v) > 40:
        return Msg("err.phone.long")
    return None


# -- directory ------------------------------------------------------------------------------------
class RoomType(str, Enum):
    """What kind of subordinate duty room (值班室) a `duty_room` unit is."""

    district = "district"  # 区/县
    township = "township"  # 乡镇/街道
    department = "department"  # 部门


class UnitRecord(Unit):
    """A unit as the directory keeps it. `room_type` is set for duty rooms only."""

    room_type: str = Field(default="", pattern="^(|district|township|department)$")


class SearchHit(BaseModel):
    """One line of a directory search: a unit, or one of its contacts."""

    unit_id: int
    unit_name: str
    kind: str
    level: int | None = None
    room_type: str = ""
    active: bool = True
    duty_phone: str = ""
    contact_id: int | None = None
    contact_name: str = ""
    role: str = ""
    phone: str = ""  # the number to call for this hit: the contact's, else the duty phone
    score: int = 0  # 0 best (see search_text.score)

    def as_caller(self) -> PickedCaller:
        return PickedCaller(
            unit=self.unit_name,
            name=self.contact_name,
            title=self.role,
            phone=self.phone or self.duty_phone,
            unit_id=self.unit_id,
            contact_id=self.contact_id,
        )


class PickedCaller(BaseModel):
    """What `UnitPickerScreen` dismisses with: fills the intake form's caller fields."""

    unit: str
    name: str = ""
    title: str = ""
    phone: str = ""
    unit_id: int | None = None
    contact_id: int | None = None


class ImportResult(BaseModel):
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rows: int = 0
    filings: int = 0  # filings (备案) recorded from the file's 备案日期 column


# -- filings (备案) --------------------------------------------------------------------------------
# First-level linkage units file their duty phone and duty-staff list with the centre regularly
# (seed 004: 定期将值班电话和值班人员名单报社会应急联动指挥中心备案). A filing older than the
# desk's `filing_interval_days` is stale; none at all, never filed.
class FilingState(str, Enum):
    ok = "ok"  # filed within the interval
    stale = "stale"  # older than the interval (amber)
    overdue = "overdue"  # older than twice the interval (red)
    never = "never"  # required, never filed (red)
    none = "none"  # not required and never filed: nothing to say


FILING_SOURCES = ("desk", "import", "cli")
STAFF_SEPARATORS = re.compile(r"[\n,，、;；]+")


def staff_names(text: str) -> list[str]:
    """The names of a duty-staff list: one a line, or separated by commas, 、 or semicolons."""
    return [p.strip() for p in STAFF_SEPARATORS.split(text or "") if p.strip()]


def filing_required(kind: str, level: int | None, active: bool) -> bool:
    """Whether a unit must file (seed 004: the active first-level linkage units)."""
    return active and kind == "linkage" and level == 1


def filing_age(filed_on: date, today: date) -> int:
    """Whole days since the filing (0 on the day itself)."""
    return (today - filed_on).days


def filing_state(
    filed_on: date | None, today: date, interval_days: int, *, required: bool = True
) -> FilingState:
    """A filing exactly `interval_days` old is still current; one day more is stale; more than
    twice the interval, overdue. A unit that must file and never did: never."""
    if filed_on is None:
        return FilingState.never if required else FilingState.none
    age = filing_age(filed_on, today)
    if age <= interval_days:
        return FilingState.ok
    if age <= 2 * interval_days:
        return FilingState.stale
    return FilingState.overdue


def filing_warns(state: FilingState) -> bool:
    return state in (FilingState.stale, FilingState.overdue, FilingState.never)


def stale_count(last: list[date | None], today: date, interval_days: int) -> int:
    """How many of the required units' latest filings (None: never filed) warn."""
    return sum(filing_warns(filing_state(d, today, interval_days)) for d in last)


class FilingInput(BaseModel):
    """What a unit filed: the day, its duty phone(s) and its duty-staff list (the names as text,
    and/or a head count when only the count is known)."""

    filed_on: date
    duty_phones: list[str] = Field(default_factory=list, max_length=10)
    staff: str = Field(default="", max_length=4000)
    staff_count: int | None = Field(default=None, ge=0, le=10000)
    note: str = Field(default="", max_length=500)

    @property
    def count(self) -> int | None:
        """The head count given, else the names in the list, else None (not known)."""
        if self.staff_count is not None:
            return self.staff_count
        n = len(staff_names(self.staff))
        return n or None


class Filing(FilingInput):
    """A filing as the desk keeps it (`unit_filings`; never changed nor deleted)."""

    id: int
    unit_id: int
    unit_name: str = ""
    source: str = "desk"
    recorded_at: datetime
    recorded_by: str


class UnitFiling(BaseModel):
    """One unit's filing status on a day."""

    unit_id: int
    unit_name: str
    kind: str
    level: int | None = None
    required: bool
    state: FilingState
    last: Filing | None = None
    age_days: int | None = None
    due_on: date | None = None  # the last day the latest filing is current


class FilingRow(BaseModel):
    """A filing read from a directory file, for the unit of that row (matched by name)."""

    row: int
    unit_name: str
    filing: FilingInput
