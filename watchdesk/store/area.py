"""The desk's areas (辖区, m15_areas_and_views): townships and districts, added one by one or
taken from the directory's duty rooms of type district / township; never deleted (deactivated).

An incident names its area by id (`incidents.area_id`). `resolve` turns what a person typed (a
name, a 行政区划代码, or pinyin that matches one area only) into the area; `infer` finds the area
a free-text place starts with (`@青山铺镇水库下游` → 青山铺镇), for the one-line intake and for
`propose`, which suggests areas for the incidents of before (`apply` writes them, one audited
transaction).
"""

from __future__ import annotations

import builtins
from typing import TYPE_CHECKING

from pydantic import ValidationError

from watchdesk.errors import InputError, NotFound, validation_msg
from watchdesk.models.area import Area, AreaImport, AreaInput, AreaKind, AreaProposal
from watchdesk.store.db import to_db
from watchdesk.text import pinyin as search_text
from watchdesk.text.area import area_name_from_unit, area_of_place

if TYPE_CHECKING:
    from watchdesk.store.desk import Store


def _area(row: dict) -> Area:
    d = dict(row)
    d["active"] = bool(d["active"])
    return Area.model_validate(d)


def area_input(**data: object) -> AreaInput:
    """An AreaInput, or InputError naming the field that is wrong."""
    try:
        return AreaInput.model_validate(data)
    except ValidationError as e:
        err = e.errors()[0]
        field = ".".join(str(p) for p in err["loc"]) or "area"
        raise InputError(field, validation_msg(err)) from None


def pinyin_of(name: str) -> str:
    """Full pinyin and initials (`qingshanpuzhen qspz`), what a search of areas matches."""
    keys = search_text.pinyin_keys(name, limit=4)
    return " ".join(dict.fromkeys(keys))


class AreaRepo:
    def __init__(self, store: Store):
        self.s = store

    # -- reads ----------------------------------------------------------------------------------
    def list(self, *, active_only: bool = True) -> builtins.list[Area]:
        where = " WHERE active = 1" if active_only else ""
        return [_area(r) for r in self.s.db.query(f"SELECT * FROM areas{where} ORDER BY id")]

    def get(self, area_id: int) -> Area:
        rows = list(self.s.db.query("SELECT * FROM areas WHERE id = ?", [area_id]))
        if not rows:
            raise NotFound("err.area.not_found", id=area_id)
        return _area(rows[0])

    def search(self, query: str, *, limit: int = 20) -> builtins.list[Area]:
        """Active areas matching `query` by name, 行政区划代码, full pinyin or initials (`qsp`
        → 青山铺镇), best first; every active area for an empty query."""
        areas = self.list()
        q = search_text.normalise_query(query)
        if not q:
            return areas[:limit]
        scored: builtins.list[tuple[int, int, Area]] = []
        for a in areas:
            sc = search_text.score(q, search_text.Key.of(a.name))
            if sc is None and a.code and q.isdigit() and a.code.startswith(q):
                sc = 3
            if sc is not None:
                scored.append((sc, a.id, a))
        return [a for _, _, a in sorted(scored, key=lambda x: (x[0], x[1]))][:limit]

    def resolve(self, text: str, *, field: str = "area") -> Area:
        """The active area `text` names: its exact name, its code, or a search that finds one
        area only. InputError (at `field`) when it names none or several."""
        text = text.strip()
        areas = self.list()
        for a in areas:
            if text in (a.name, a.code) and text:
                return a
        hits = self.search(text) if text else []
        exact = [a for a in hits if search_text.normalise_query(text) == a.name]
        if len(hits) == 1 or len(exact) == 1:
            return (exact or hits)[0]
        if hits:
            raise InputError(
                field, "err.area.ambiguous", text=text, names="、".join(a.name for a in hits[:5])
            )
        raise InputError(field, "err.area.unknown", text=text)

    def infer(self, place: str) -> Area | None:
        """The active area `place` starts with (the longest name wins), or None."""
        areas = self.list()
        name = area_of_place(place, [a.name for a in areas])
        return next((a for a in areas if a.name == name), None) if name else None

    def propose(self) -> builtins.list[AreaProposal]:
        """For each live incident without an area whose place starts with an area's name: that
        area. Voided incidents are left as they are."""
        areas = self.list()
        names = [a.name for a in areas]
        by_name = {a.name: a for a in areas}
        out = []
        for row in self.s.db.query(
            "SELECT id, place FROM incidents WHERE area_id IS NULL AND status <> 'voided'"
            " ORDER BY id"
        ):
            name = area_of_place(row["place"], names)
            if name:
                a = by_name[name]
                out.append(
                    AreaProposal(incident_id=row["id"], place=row["place"], area_id=a.id, area=name)
                )
        return out

    # -- writes ---------------------------------------------------------------------------------
    def _check_free(self, a: AreaInput, area_id: int | None = None) -> None:
        row = self.s.db.execute(
            "SELECT id FROM areas WHERE name = ? AND id IS NOT ?", [a.name, area_id]
        ).fetchone()
        if row:
            raise InputError("name", "err.area.name_taken", name=a.name)
        if a.code:
            row = self.s.db.execute(
                "SELECT name FROM areas WHERE code = ? AND id IS NOT ?", [a.code, area_id]
            ).fetchone()
            if row:
                raise InputError("code", "err.area.code_taken", code=a.code, name=row[0])

    def _insert(self, a: AreaInput) -> int:
        return self.s.auditor.insert(
            "areas",
            {
                "name": a.name,
                "code": a.code,
                "kind": a.kind.value,
                "active": 1,
                "pinyin": pinyin_of(a.name),
                "unit_id": a.unit_id,
            },
        )

    def add(self, a: AreaInput) -> Area:
        with self.s.write():
            self._check_free(a)
            area_id = self._insert(a)
        return self.get(area_id)

    def set_active(self, area_id: int, active: bool) -> Area:
        with self.s.write():
            self.get(area_id)
            self.s.auditor.update("areas", area_id, {"active": int(active)})
        return self.get(area_id)

    def import_from_directory(self, *, dry_run: bool = False) -> AreaImport:
        """An area for each active duty room of type district or township not yet an area
        (named by the room's name without 值班室 / 应急办 …: 青山铺镇值班室 → 青山铺镇)."""
        out = AreaImport()
        try:
            with self.s.write():
                have = {a.name for a in self.list(active_only=False)}
                for u in self.s.directory.units(kind="duty_room", active_only=True):
                    if u.room_type not in ("district", "township"):
                        continue
                    name = area_name_from_unit(u.name, u.area)
                    if not name:
                        continue
                    if name in have:
                        out.unchanged.append(name)
                        continue
                    kind = AreaKind(u.room_type).value
                    self._insert(area_input(name=name, kind=kind, unit_id=u.id))
                    have.add(name)
                    out.created.append(name)
                if dry_run:
                    raise _DryRun
        except _DryRun:
            pass
        return out

    def set_area(self, incident_ids: dict[int, int]) -> int:
        """Give incidents their areas ({incident id: area id}), in one audited transaction;
        each incident's version goes up (an open edit form then merges). Returns how many."""
        n = 0
        with self.s.write():
            for incident_id, area_id in incident_ids.items():
                self.get(area_id)
                row = self.s.db.execute(
                    "SELECT version, area_id FROM incidents WHERE id = ?", [incident_id]
                ).fetchone()
                if row is None:
                    raise NotFound("err.incident.not_found", id=incident_id)
                if row[1] == area_id:
                    continue
                self.s.auditor.update(
                    "incidents",
                    incident_id,
                    {"area_id": area_id, "version": row[0] + 1, "updated_at": to_db(self.s.now())},
                )
                n += 1
        return n

    def apply(self, proposals: builtins.list[AreaProposal]) -> int:
        return self.set_area({p.incident_id: p.area_id for p in proposals})


class _DryRun(Exception):
    pass
