"""The desk's areas (辖区): the townships and districts incidents happen in, each with its
行政区划代码 where known. An incident names one (`area_id`); the free-text place stays."""

from __future__ import annotations

from enum import Enum

from pydantic import Field, field_validator

from watchdesk.errors import BadValue
from watchdesk.models.base import BaseModel


class AreaKind(str, Enum):
    district = "district"  # 区/县
    township = "township"  # 乡镇/街道
    other = "other"  # 园区、开发区 …


class AreaInput(BaseModel):
    """An area as typed (CLI, import): the name required, the code (行政区划代码) optional."""

    name: str = Field(min_length=1, max_length=40)
    code: str = Field(default="", max_length=12)
    kind: AreaKind = AreaKind.township
    unit_id: int | None = None  # the duty room it came from (`area import-from-directory`)

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        v = v.strip()
        if not v:
            raise BadValue("err.text.blank")
        return v

    @field_validator("code")
    @classmethod
    def _code(cls, v: str) -> str:
        v = v.strip()
        if v and (not v.isascii() or not v.isdigit() or len(v) not in (6, 9, 12)):
            raise BadValue("err.area.code", value=v)
        return v


class Area(AreaInput):
    id: int
    active: bool = True
    pinyin: str = ""  # full pinyin and initials, space-separated (what a search matches)


class AreaProposal(BaseModel):
    """An incident without an area whose place starts with an area's name."""

    incident_id: int
    place: str
    area_id: int
    area: str


class AreaImport(BaseModel):
    created: list[str] = []
    unchanged: list[str] = []
