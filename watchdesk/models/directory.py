"""The directory of linkage units (联动单位) and duty rooms, with their contacts."""

from __future__ import annotations

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
