"""The desk's people (值班人员) and who is acting: officers with the roles they may take and whether
they administer the desk; the actor every write is recorded under; PIN state; officer files' rows.

A deactivated officer stays in history (shifts, sign-ins, signatures keep pointing at them).
"""

from __future__ import annotations

import json
from datetime import datetime
from enum import Enum

from pydantic import ConfigDict, Field, field_validator

from watchdesk.models.base import BaseModel
from watchdesk.models.roster import Role


class Officer(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int | None = None
    name: str = Field(min_length=1, max_length=40)
    phone: str = ""
    title: str = ""
    unit: str = ""
    active: bool = True
    roles: list[Role] = []  # the roles this officer may take on the roster; empty: any
    admin: bool = False  # may reset others' PINs and act outside their shift

    @field_validator("roles", mode="before")
    @classmethod
    def _roles_as_stored(cls, v: object) -> object:
        """A desk row keeps the roles as JSON text (`["leader"]`): `Officer(**row)` reads it."""
        return json.loads(v) if isinstance(v, str) else v

    def may_take(self, role: Role) -> bool:
        return not self.roles or Role(role) in self.roles

    def label(self) -> str:
        """The name with what tells two officers of one name apart: `王伟 (科员, 13900000001)`."""
        extra = ", ".join(x for x in (self.title, self.phone) if x)
        return f"{self.name} ({extra})" if extra else f"{self.name} (#{self.id})"


class ActorKind(str, Enum):
    officer = "officer"  # a person of the desk, named by `--as` or picked at the console
    integration = (
        "integration"  # a system declared in the config (`integrations`), e.g. an SMS gateway
    )
    system = "system"  # anything else: a plain name given at open, migrations, the demo


class Actor(BaseModel):
    """Who is at the keyboard for the writes that follow. Every write records `name` (as the
    records always did); the audit log also records `os_user`, `seat` and, for an officer,
    `officer_id`."""

    name: str = Field(min_length=1, max_length=80)
    officer_id: int | None = None
    kind: ActorKind = ActorKind.system
    os_user: str | None = None  # the operating-system login
    seat: str | None = None  # the terminal or the browser tab


class PinStatus(BaseModel):
    """An officer's PIN as the desk sees it now (no hash, no salt)."""

    officer_id: int
    has_pin: bool = False
    failures: int = 0  # wrong PINs since the last right one, within the window
    tries_left: int = 0  # before the lock
    wait_until: datetime | None = None  # slowed down: no try before this
    locked_until: datetime | None = None  # locked: no try before this


# -- import / export -----------------------------------------------------------------------------
class OfficerRow(BaseModel):
    """One officer as a file row (姓名 职务 电话 可任角色 管理员 在岗)."""

    row: int = 0  # row number in the file (1-based, header included)
    name: str = Field(min_length=1, max_length=40)
    title: str = ""
    phone: str = ""
    roles: list[Role] = []
    admin: bool = False
    active: bool = True


class OfficerImportResult(BaseModel):
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    dry_run: bool = False
