"""Officers, shifts and assignments; who is on duty now and next."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Iterable

from ..models import Assignment, Officer, Role, Shift, ShiftView
from .db import from_db, to_db
from .incidents import InputError

if TYPE_CHECKING:
    from .desk import Store

ROLE_ORDER = {Role.leader: 0, Role.chief: 1, Role.officer: 2, Role.standby: 3}


def _shift(row: dict) -> Shift:
    return Shift(id=row["id"], starts_at=from_db(row["starts_at"]), ends_at=from_db(row["ends_at"]),
                 label=row["label"])


class RosterRepo:
    def __init__(self, store: "Store"):
        self.s = store

    def add_officer(self, officer: Officer) -> Officer:
        with self.s.write():
            oid = self.s.auditor.insert("officers", officer.model_dump(exclude={"id"}) | {
                "active": int(officer.active)})
        return officer.model_copy(update={"id": oid})

    def officers(self, active_only: bool = True) -> list[Officer]:
        sql = "SELECT * FROM officers" + (" WHERE active = 1" if active_only else "") + " ORDER BY id"
        return [Officer(**(r | {"active": bool(r["active"])})) for r in self.s.db.query(sql)]

    def add_shift(self, starts_at: datetime, ends_at: datetime, label: str = "",
                  people: Iterable[tuple[int, Role]] = ()) -> ShiftView:
        if ends_at <= starts_at:
            raise InputError("ends_at", "a shift must end after it starts")
        with self.s.write():
            overlap = self.s.db.execute(
                "SELECT id FROM shifts WHERE starts_at < ? AND ends_at > ? LIMIT 1",
                [to_db(ends_at), to_db(starts_at)]).fetchone()
            if overlap:
                raise InputError("starts_at", f"overlaps shift #{overlap[0]}")
            sid = self.s.auditor.insert("shifts", {"starts_at": to_db(starts_at),
                                                   "ends_at": to_db(ends_at), "label": label})
            for officer_id, role in people:
                self.s.auditor.insert("assignments", {"shift_id": sid, "officer_id": officer_id,
                                                      "role": Role(role).value, "note": ""})
        view = self.view(sid)
        assert view is not None
        return view

    def view(self, shift_id: int) -> ShiftView | None:
        rows = list(self.s.db.query("SELECT * FROM shifts WHERE id = ?", [shift_id]))
        if not rows:
            return None
        people = [
            Assignment(id=r["id"], shift_id=r["shift_id"], officer_id=r["officer_id"],
                       role=r["role"], note=r["note"], officer_name=r["name"])
            for r in self.s.db.query(
                "SELECT a.*, o.name FROM assignments a JOIN officers o ON o.id = a.officer_id"
                " WHERE a.shift_id = ? ORDER BY a.id", [shift_id])
        ]
        people.sort(key=lambda a: ROLE_ORDER[a.role])
        return ShiftView(shift=_shift(rows[0]), assignments=people)

    def on_duty(self, at: datetime | None = None) -> ShiftView | None:
        at = at or self.s.now()
        row = self.s.db.execute(
            "SELECT id FROM shifts WHERE starts_at <= ? AND ends_at > ?"
            " ORDER BY starts_at DESC LIMIT 1", [to_db(at), to_db(at)]).fetchone()
        return self.view(row[0]) if row else None

    def next_shift(self, at: datetime | None = None) -> ShiftView | None:
        at = at or self.s.now()
        row = self.s.db.execute(
            "SELECT id FROM shifts WHERE starts_at > ? ORDER BY starts_at LIMIT 1",
            [to_db(at)]).fetchone()
        return self.view(row[0]) if row else None
