"""The handover sheet (交接班), as compiled and as frozen at the second signature."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from watchdesk.models.audit import ChainHead
from watchdesk.models.base import BaseModel
from watchdesk.models.incident import DeadlineStatus, Grade, IncidentStatus, ReportKind
from watchdesk.models.roster import Role


class SheetPerson(BaseModel):
    role: Role
    name: str
    signed_in_at: datetime | None = None
    signed_out_at: datetime | None = None
    note: str = ""  # e.g. a substitution (代班)


class SheetClock(BaseModel):
    incident_id: int
    headline: str
    kind: ReportKind
    seq: int = 0
    due_at: datetime
    status: DeadlineStatus
    done_at: datetime | None = None
    late_seconds: int | None = None  # for done clocks: >0 late, <=0 on time


class SheetIncident(BaseModel):
    id: int
    received_at: datetime
    headline: str
    place: str
    category: str
    subtype: str = ""
    grade: Grade
    status: IncidentStatus
    sensitive: bool = False
    figures: dict[str, int] = {}
    clocks: list[SheetClock] = []
    merged_into: int | None = None  # marked a duplicate of that incident (store/correction.py)
    struck: list[SheetLine] = []  # its reports and figure versions struck through


class SheetLine(BaseModel):
    """A generic row for the sections other areas contribute (checks, roll-calls, warnings)."""

    at: datetime | None = None
    kind: str = ""  # a catalog key the renderers show in brackets, e.g. log.kind.call_in
    text: str
    detail: str = ""
    flag: str = ""  # "", "warn" or "bad": how the renderers emphasise it
    struck: str = ""  # struck through (更正): who, when and why; the renderers strike the text


class SheetReport(BaseModel):
    """A written report (store/signoff.py) on the sheet: sent during the shift, or not sent yet
    (handed over as pending: waiting for a sign-off step, or signed and waiting to go)."""

    id: int
    incident_id: int
    kind: ReportKind
    seq: int = 0
    title: str
    serial: str | None = None  # 〔2026〕第37期, once signed
    status: str  # draft / signoff / signed / sent
    drafted_by: str = ""
    created_at: datetime
    next_step: str | None = None  # the sign-off step it waits for (拟稿/审核/签发 as codes)
    sent_at: datetime | None = None
    sent_via: str | None = None  # fax / gov / email / other
    without_chain: bool = False  # sent before its sign-off chain was done
    late_seconds: int | None = None  # the clock it closed: >0 late, <=0 on time; None: none
    corrects: str = ""  # the report a correction (更正) corrects: "#12 〔2026〕第37期"
    struck: str = ""  # the report that closed its clock was struck through: who, when, why


class EquipmentItem(BaseModel):
    key: str  # phone / fax / video / network / …
    ok: bool = True
    note: str = ""


class PendingItem(BaseModel):
    matter: str = Field(min_length=1, max_length=500)
    owner: str = Field(min_length=1, max_length=40)


class Signature(BaseModel):
    name: str
    at: datetime


class HandoverSheet(BaseModel):
    """Everything a handover carries, compiled from the shift's own records. Frozen (as JSON,
    rendered text and PDF, with hashes) once both officers have signed."""

    desk_name: str = ""
    shift_id: int
    shift_start: datetime
    shift_end: datetime
    next_start: datetime | None = None
    next_end: datetime | None = None
    compiled_at: datetime
    people: list[SheetPerson] = []
    leader_checks: list[SheetLine] = []
    incidents: list[SheetIncident] = []
    running: list[SheetClock] = []
    due_next: list[SheetClock] = []
    log: list[SheetLine] = []
    rollcalls: list[SheetLine] = []
    on_post_rate: float | None = None
    warnings: list[SheetLine] = []
    struck_people: list[SheetLine] = []  # sign-ins struck through (更正)
    struck_incidents: list[SheetLine] = []  # struck reports of incidents not on the sheet
    written: list[SheetReport] = []  # written reports sent during the shift (issue 14)
    pending_reports: list[SheetReport] = []  # written reports not sent yet: handed over
    equipment: list[EquipmentItem] = []
    notes: str = ""
    pending: list[PendingItem] = []
    pending_tasks: list[PendingItem] = []  # open tasks given to units (store/dispatch.py)
    outgoing: Signature | None = None
    incoming: Signature | None = None
    # The audit chain's head when the sheet was frozen (issue 18's anchor); None on a draft.
    chain_head: ChainHead | None = None
