"""Linkage units (联动单位) and subordinate duty rooms with their contacts, and searching them.

Units and contacts are never deleted (the audit log has no delete): a unit is made inactive, a
contact dropped from a unit is kept with `active = 0`. Unit names are unique, so an import can match
rows to units by name.

Search runs over an in-memory index of every unit and contact (name, pinyin readings, phone
digits). The directory is small (hundreds of units); the index is rebuilt when this connection
writes or when another connection changed records (Store.change_mark), and the pinyin of a name is
cached, so a rebuild is one read of two small tables.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pydantic import ValidationError

from watchdesk.errors import InputError, NotFound
from watchdesk.i18n import validation_msg
from watchdesk.models.base import saved_id
from watchdesk.models.directory import (
    Contact,
    FilingRow,
    ImportResult,
    SearchHit,
    Unit,
    UnitRecord,
    phone_problem,
)
from watchdesk.text import pinyin as search_text

if TYPE_CHECKING:
    from watchdesk.store.desk import Store
    from watchdesk.store.filing import FilingRepo

UNIT_FIELDS = (
    "name",
    "kind",
    "level",
    "room_type",
    "area",
    "duty_phone",
    "backup_phone",
    "fax",
    "notes",
    "active",
)
PHONE_FIELDS = ("duty_phone", "backup_phone", "fax")


def input_error(e: ValidationError, prefix: str = "") -> InputError:
    """The first problem of a pydantic error as an InputError naming the field."""
    err = e.errors()[0]
    field = ".".join(str(x) for x in err.get("loc", ())) or "input"
    return InputError(prefix + field, validation_msg(err))


def check_unit(unit: UnitRecord) -> UnitRecord:
    """Domain checks a field validator cannot make alone; returns a cleaned copy."""
    u = unit.model_copy(deep=True)
    u.name = u.name.strip()
    if not u.name:
        raise InputError("name", "err.text.blank")
    for f in PHONE_FIELDS:
        setattr(u, f, getattr(u, f).strip())
        problem = phone_problem(getattr(u, f))
        if problem:
            raise InputError(f, problem)
    if u.kind == "linkage":
        if u.level is None:
            raise InputError("level", "err.unit.linkage_level")
        if u.room_type:
            raise InputError("room_type", "err.unit.room_type")
    else:
        if u.level is not None:
            raise InputError("level", "err.unit.room_level")
    seen: set[str] = set()
    for i, c in enumerate(u.contacts, start=1):
        c.name, c.role, c.phone = c.name.strip(), c.role.strip(), c.phone.strip()
        if not c.name:
            raise InputError(f"contacts[{i}].name", "err.text.blank")
        problem = phone_problem(c.phone)
        if problem:
            raise InputError(f"contacts[{i}].phone", problem)
        if c.name in seen:
            raise InputError(f"contacts[{i}].name", "err.unit.contact_twice", name=c.name)
        seen.add(c.name)
    return u


def as_record(unit: Unit) -> UnitRecord:
    if isinstance(unit, UnitRecord):
        return unit
    try:
        return UnitRecord.model_validate(unit.model_dump())
    except ValidationError as e:
        raise input_error(e) from None


@dataclass(frozen=True)
class _Entry:
    unit: UnitRecord
    contact: Contact | None
    key: search_text.Key


class DirectoryRepo:
    def __init__(self, store: Store):
        self.s = store
        self._writes = 0
        self._index: list[_Entry] = []
        self._index_version: tuple[int, int] | None = None  # (audit head, self._writes)
        self._mark: tuple[int, int] | None = None  # Store.change_mark when the index was checked
        self._filings: FilingRepo | None = None

    @property
    def filings(self) -> FilingRepo:
        """The units' filings (备案) of duty phone and duty staff: store/filing.py."""
        if self._filings is None:
            from watchdesk.store.filing import FilingRepo

            self._filings = FilingRepo(self.s)
        return self._filings

    # -- reads ----------------------------------------------------------------------------------
    def _unit(self, row: dict, contacts: list[Contact]) -> UnitRecord:
        d = {k: row[k] for k in ("id", *UNIT_FIELDS)}
        d["active"] = bool(d["active"])
        return UnitRecord(**d, contacts=contacts)

    def _contacts(self, unit_ids: Iterable[int] | None = None) -> dict[int, list[Contact]]:
        sql = "SELECT id, unit_id, name, role, phone FROM contacts WHERE active = 1"
        args: list = []
        if unit_ids is not None:
            ids = list(unit_ids)
            sql += f" AND unit_id IN ({', '.join('?' for _ in ids)})"
            args = ids
        out: dict[int, list[Contact]] = {}
        for r in self.s.db.query(sql + " ORDER BY unit_id, id", args):
            out.setdefault(r["unit_id"], []).append(Contact(**r))
        return out

    def get(self, unit_id: int) -> UnitRecord:
        rows = list(self.s.db.query("SELECT * FROM units WHERE id = ?", [unit_id]))
        if not rows:
            raise NotFound("err.unit.not_found", id=unit_id)
        return self._unit(rows[0], self._contacts([unit_id]).get(unit_id, []))

    def find(self, name: str) -> UnitRecord | None:
        """The unit with exactly this name (active or not)."""
        rows = list(self.s.db.query("SELECT * FROM units WHERE name = ?", [name.strip()]))
        return (
            self._unit(rows[0], self._contacts([rows[0]["id"]]).get(rows[0]["id"], []))
            if rows
            else None
        )

    def units(
        self,
        *,
        kind: str | None = None,
        level: int | None = None,
        room_type: str | None = None,
        active_only: bool = False,
    ) -> list[UnitRecord]:
        """Units in directory order: linkage units by level, then duty rooms; by id within."""
        where, args = [], []
        for col, val in (("kind", kind), ("level", level), ("room_type", room_type)):
            if val is not None:
                where.append(f"{col} = ?")
                args.append(val)
        if active_only:
            where.append("active = 1")
        sql = "SELECT * FROM units" + (" WHERE " + " AND ".join(where) if where else "")
        rows = list(
            self.s.db.query(sql + " ORDER BY kind = 'duty_room', level, room_type, id", args)
        )
        contacts = self._contacts()
        return [self._unit(r, contacts.get(r["id"], [])) for r in rows]

    # -- search ---------------------------------------------------------------------------------
    def _ensure_index(self) -> list[_Entry]:
        # Another connection's records (not a maintenance merge step or checkpoint, which also
        # move data_version: Store.change_mark), or this one's writes.
        self._mark = self.s.change_mark(self._mark)
        version = (self._mark[1], self._writes)
        if version != self._index_version:
            entries: list[_Entry] = []
            for u in self.units():
                phones = tuple(p for p in (u.duty_phone, u.backup_phone, u.fax) if p)
                entries.append(_Entry(u, None, search_text.Key.of(u.name, phones)))
                for c in u.contacts:
                    entries.append(_Entry(u, c, search_text.Key.of(c.name, (c.phone,))))
            self._index, self._index_version = entries, version
        return self._index

    def search(
        self, query: str, *, limit: int = 50, include_inactive: bool = False
    ) -> list[SearchHit]:
        """Units and contacts matching `query` by name, full pinyin, pinyin initials (`gaj` →
        公安局; every reading of a polyphonic character counts) or digits of a phone number.
        Best matches first: exact, then prefix, then inside the name, then phone digits; level 1
        before 2 before 3. A unit found by its name brings its contacts along (right after it),
        so a caller can be picked by the unit's name. An empty query lists every unit."""
        q = search_text.normalise_query(query)
        hits: list[tuple[tuple, SearchHit]] = []
        unit_scores: dict[int, int] = {}  # a matching unit brings its contacts along
        for e in self._ensure_index():
            u = e.unit
            if not u.active and not include_inactive:
                continue
            if q:
                sc = search_text.score(q, e.key)
                if sc is None and e.contact is not None and q in e.contact.role.lower():
                    sc = 2
                if e.contact is None and sc is not None and sc <= 2:
                    unit_scores[saved_id(u.id)] = sc
                elif e.contact is not None and u.id in unit_scores:
                    sc = min(sc, unit_scores[u.id]) if sc is not None else unit_scores[u.id]
                if sc is None:
                    continue
            else:
                if e.contact is not None:
                    continue
                sc = 0
            c = e.contact
            hit = SearchHit(
                unit_id=saved_id(u.id),
                unit_name=u.name,
                kind=u.kind,
                level=u.level,
                room_type=u.room_type,
                active=u.active,
                duty_phone=u.duty_phone,
                contact_id=c.id if c else None,
                contact_name=c.name if c else "",
                role=c.role if c else "",
                phone=(c.phone if c else u.duty_phone),
                score=sc,
            )
            # A unit's contacts follow it; contacts found on their own rank by their own score.
            order = (sc, u.kind != "linkage", u.level or 9, u.id, c is not None, c.id if c else 0)
            hits.append((order, hit))
        hits.sort(key=lambda x: x[0])
        return [h for _, h in hits[:limit]]

    # -- writes ---------------------------------------------------------------------------------
    def _check_name_free(self, name: str, unit_id: int | None) -> None:
        row = self.s.db.execute("SELECT id FROM units WHERE name = ?", [name]).fetchone()
        if row and row[0] != unit_id:
            raise InputError("name", "err.unit.name_taken", name=name, id=row[0])

    def _row(self, u: UnitRecord) -> dict:
        d = u.model_dump(include=set(UNIT_FIELDS))
        d["active"] = int(u.active)
        return d

    def _insert(self, u: UnitRecord) -> int:
        self._check_name_free(u.name, None)
        uid = self.s.auditor.insert("units", self._row(u))
        for c in u.contacts:
            self.s.auditor.insert(
                "contacts",
                {"unit_id": uid, "name": c.name, "role": c.role, "phone": c.phone, "active": 1},
            )
        return uid

    def _update(self, unit_id: int, u: UnitRecord) -> bool:
        """Write the differences; True when anything changed."""
        old = self.get(unit_id)
        self._check_name_free(u.name, unit_id)
        changed = False
        row, old_row = self._row(u), self._row(old)
        diff = {k: v for k, v in row.items() if old_row[k] != v}
        if diff:
            self.s.auditor.update("units", unit_id, diff)
            changed = True
        # Contacts: matched by id when the caller kept it, else by name; the rest retire.
        by_id = {c.id: c for c in old.contacts}
        by_name = {c.name: c for c in old.contacts}
        kept: set[int] = set()
        for c in u.contacts:
            prev = by_id.get(c.id) if c.id is not None else None
            if prev is None:
                cand = by_name.get(c.name)
                prev = cand if cand is not None and cand.id not in kept else None
            if prev is None or prev.id in kept:
                self.s.auditor.insert(
                    "contacts",
                    {
                        "unit_id": unit_id,
                        "name": c.name,
                        "role": c.role,
                        "phone": c.phone,
                        "active": 1,
                    },
                )
                changed = True
                continue
            kept.add(saved_id(prev.id))
            cdiff = {
                k: getattr(c, k)
                for k in ("name", "role", "phone")
                if getattr(prev, k) != getattr(c, k)
            }
            if cdiff:
                self.s.auditor.update("contacts", saved_id(prev.id), cdiff)
                changed = True
        for c in old.contacts:
            if c.id not in kept:
                self.s.auditor.update("contacts", saved_id(c.id), {"active": 0})
                changed = True
        return changed

    def add_unit(self, unit: Unit) -> UnitRecord:
        u = check_unit(as_record(unit))
        try:
            with self.s.write():
                uid = self._insert(u)
        finally:
            self._writes += 1
        return self.get(uid)

    def update_unit(self, unit_id: int, unit: Unit) -> UnitRecord:
        """Replace a unit's fields and contact list with `unit`'s (audited, one transaction)."""
        u = check_unit(as_record(unit))
        try:
            with self.s.write():
                self.get(unit_id)
                self._update(unit_id, u)
        finally:
            self._writes += 1
        return self.get(unit_id)

    def set_active(self, unit_id: int, active: bool) -> UnitRecord:
        try:
            with self.s.write():
                if self.get(unit_id).active != active:
                    self.s.auditor.update("units", unit_id, {"active": int(active)})
        finally:
            self._writes += 1
        return self.get(unit_id)

    def import_units(
        self,
        units: list[UnitRecord],
        *,
        dry_run: bool = False,
        filings: list[FilingRow] | None = None,
    ) -> ImportResult:
        """Create or update units by name, all in one transaction. The caller has validated every
        row (see directory_io); this re-checks and refuses the whole batch on the first problem.
        `filings` (rows with a 备案日期) are recorded in the same transaction, after the units."""
        checked = [check_unit(u) for u in units]
        names = [u.name for u in checked]
        dupes = {n for n in names if names.count(n) > 1}
        if dupes:
            raise InputError("name", "err.unit.name_twice", name=sorted(dupes)[0])
        res = ImportResult(rows=len(checked))
        try:
            with self.s.write():
                for u in checked:
                    old = self.find(u.name)
                    if old is None:
                        self._insert(u)
                        res.created += 1
                    elif self._update(saved_id(old.id), u):
                        res.updated += 1
                    else:
                        res.unchanged += 1
                if filings:
                    res.filings = self.filings.import_rows(filings)
                if dry_run:
                    raise _DryRun
        except _DryRun:
            pass
        finally:
            self._writes += 1
        return res


class _DryRun(Exception):
    """Rolls an import back after counting what it would do."""
