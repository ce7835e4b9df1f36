"""Linkage units and duty rooms with their contacts."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..models import Contact, Unit

if TYPE_CHECKING:
    from .desk import Store


class DirectoryRepo:
    def __init__(self, store: "Store"):
        self.s = store

    def add_unit(self, unit: Unit) -> Unit:
        with self.s.write():
            uid = self.s.auditor.insert("units", unit.model_dump(exclude={"id", "contacts"}) | {
                "active": int(unit.active)})
            for c in unit.contacts:
                self.s.auditor.insert("contacts", c.model_dump(exclude={"id"}) | {"unit_id": uid})
        return self.get(uid)

    def get(self, unit_id: int) -> Unit:
        row = next(iter(self.s.db.query("SELECT * FROM units WHERE id = ?", [unit_id])))
        contacts = [Contact(**r) for r in self.s.db.query(
            "SELECT * FROM contacts WHERE unit_id = ? ORDER BY id", [unit_id])]
        return Unit(**(row | {"active": bool(row["active"])}), contacts=contacts)

    def units(self) -> list[Unit]:
        ids = [r[0] for r in self.s.db.execute("SELECT id FROM units ORDER BY kind, level, id")]
        return [self.get(i) for i in ids]
