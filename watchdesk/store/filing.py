"""The directory's filings (备案): a unit's duty phone(s) and duty-staff list as filed with the
desk, and whether the latest is stale.

Seed 004: first-level linkage units file their duty phone and duty-staff list with the centre
regularly. Every filing is kept (`unit_filings`, never changed nor deleted; each one an audited
insert); the latest per unit (by the day filed, then the order recorded) is the one that counts.
How old it may be is the desk's `filing_interval_days` (config.py), passed in by the caller: the
store does not read settings. The pure rule is `filing_state` in models/directory.py.
"""

from __future__ import annotations

import json
from datetime import date
from typing import TYPE_CHECKING

from pydantic import ValidationError

from watchdesk.errors import InputError, NotFound
from watchdesk.models.directory import (
    FILING_SOURCES,
    Filing,
    FilingInput,
    FilingRow,
    UnitFiling,
    UnitRecord,
    filing_age,
    filing_required,
    filing_state,
    filing_warns,
    phone_problem,
)
from watchdesk.store.db import from_db_not_null, to_db

if TYPE_CHECKING:
    from watchdesk.store.db import DeskDb
    from watchdesk.store.desk import Store

_COLUMNS = (
    "f.id, f.unit_id, u.name AS unit_name, f.filed_on, f.duty_phones, f.staff, f.staff_count,"
    " f.note, f.source, f.recorded_at, f.recorded_by"
)


def _filing(row: dict) -> Filing:
    d = dict(row)
    d["filed_on"] = date.fromisoformat(d["filed_on"])
    d["duty_phones"] = json.loads(d["duty_phones"] or "[]")
    d["recorded_at"] = from_db_not_null(d["recorded_at"])
    return Filing.model_validate(d)


def check_filing(filing: FilingInput, today: date, prefix: str = "") -> FilingInput:
    """A cleaned copy, or InputError naming the field: phones that can be dialled, no day after
    today (a filing is something that happened)."""
    try:
        f = FilingInput.model_validate(filing.model_dump())
    except ValidationError as e:
        from watchdesk.store.directory import input_error

        raise input_error(e, prefix) from None
    phones = [p.strip() for p in f.duty_phones if p.strip()]
    for i, p in enumerate(phones, start=1):
        problem = phone_problem(p)
        if problem:
            raise InputError(f"{prefix}duty_phones[{i}]", problem)
    f.duty_phones = list(dict.fromkeys(phones))
    f.staff = f.staff.strip()
    f.note = f.note.strip()
    if f.filed_on > today:
        raise InputError(
            f"{prefix}filed_on", "err.filing.future", day=f.filed_on.isoformat(), today=today
        )
    return f


def required_last(db: DeskDb) -> list[date | None]:
    """The day of the latest filing of each unit that must file (None: never filed); the first
    screen counts the stale ones with the desk's interval (`stale_count`). One small read (the
    dashboard's), without the directory's search machinery."""
    rows = db.execute(
        "SELECT (SELECT max(f.filed_on) FROM unit_filings f WHERE f.unit_id = u.id)"
        " FROM units u WHERE u.active = 1 AND u.kind = 'linkage' AND u.level = 1"
        " ORDER BY u.id"
    ).fetchall()
    return [date.fromisoformat(r[0]) if r[0] else None for r in rows]


class FilingRepo:
    def __init__(self, store: Store):
        self.s = store

    def today(self) -> date:
        return self.s.now().astimezone(self.s.tz).date()

    # -- reads ----------------------------------------------------------------------------------
    def get(self, filing_id: int) -> Filing:
        rows = list(
            self.s.db.query(
                f"SELECT {_COLUMNS} FROM unit_filings f JOIN units u ON u.id = f.unit_id"
                " WHERE f.id = ?",
                [filing_id],
            )
        )
        if not rows:
            raise NotFound("err.filing.not_found", id=filing_id)
        return _filing(rows[0])

    def history(self, unit_id: int | None = None, *, limit: int | None = None) -> list[Filing]:
        """Filings newest first (by the day filed, then the order recorded); of one unit or all."""
        sql = f"SELECT {_COLUMNS} FROM unit_filings f JOIN units u ON u.id = f.unit_id"
        args: list = []
        if unit_id is not None:
            sql += " WHERE f.unit_id = ?"
            args.append(unit_id)
        sql += " ORDER BY f.filed_on DESC, f.id DESC"
        if limit is not None:
            sql += " LIMIT ?"
            args.append(limit)
        return [_filing(r) for r in self.s.db.query(sql, args)]

    def latest(self) -> dict[int, Filing]:
        """Each unit's latest filing, by unit id (units that never filed are absent)."""
        rows = self.s.db.query(
            f"SELECT {_COLUMNS} FROM unit_filings f JOIN units u ON u.id = f.unit_id"
            " WHERE f.id = (SELECT g.id FROM unit_filings g WHERE g.unit_id = f.unit_id"
            " ORDER BY g.filed_on DESC, g.id DESC LIMIT 1)"
        )
        return {r["unit_id"]: _filing(r) for r in rows}

    def status(
        self, units: list[UnitRecord], interval_days: int, today: date | None = None
    ) -> list[UnitFiling]:
        """The filing status of each of `units` on `today` (default: the desk's today)."""
        today = today or self.today()
        latest = self.latest()
        out = []
        for u in units:
            assert u.id is not None
            last = latest.get(u.id)
            required = filing_required(u.kind, u.level, u.active)
            out.append(
                UnitFiling(
                    unit_id=u.id,
                    unit_name=u.name,
                    kind=u.kind,
                    level=u.level,
                    required=required,
                    state=filing_state(
                        last.filed_on if last else None, today, interval_days, required=required
                    ),
                    last=last,
                    age_days=filing_age(last.filed_on, today) if last else None,
                    due_on=(
                        date.fromordinal(last.filed_on.toordinal() + interval_days)
                        if last
                        else None
                    ),
                )
            )
        return out

    def statuses(
        self, interval_days: int, today: date | None = None, *, include_inactive: bool = False
    ) -> list[UnitFiling]:
        """Every unit's filing status, in directory order."""
        units = self.s.directory.units(active_only=not include_inactive)
        return self.status(units, interval_days, today)

    def stale(self, interval_days: int, today: date | None = None) -> list[UnitFiling]:
        """The active units whose filing warns: stale, overdue, or required and never filed. A
        unit not required to file that has filed is held to the same interval."""
        return [
            f
            for f in self.statuses(interval_days, today)
            if filing_warns(f.state) and (f.required or f.last is not None)
        ]

    def required_last(self) -> list[date | None]:
        return required_last(self.s.db)

    # -- writes ---------------------------------------------------------------------------------
    def _insert(self, unit_id: int, f: FilingInput, source: str) -> int:
        assert source in FILING_SOURCES
        return self.s.auditor.insert(
            "unit_filings",
            {
                "unit_id": unit_id,
                "filed_on": f.filed_on.isoformat(),
                "duty_phones": json.dumps(f.duty_phones, ensure_ascii=False),
                "staff": f.staff,
                "staff_count": f.count,
                "note": f.note,
                "source": source,
                "recorded_at": to_db(self.s.now()),
                "recorded_by": self.s.actor,
            },
        )

    def record(self, unit_id: int, filing: FilingInput, *, source: str = "desk") -> Filing:
        """Record a filing of unit `unit_id` (one audited transaction); InputError naming the
        field for a bad one, NotFound for no such unit. The unit's own phones are not changed."""
        f = check_filing(filing, self.today())
        with self.s.write():
            self.s.directory.get(unit_id)
            fid = self._insert(unit_id, f, source)
        return self.get(fid)

    def import_rows(self, rows: list[FilingRow]) -> int:
        """Inside the directory import's transaction: record each row's filing for the unit of
        that name, unless the unit's filings already hold the same one (importing a file twice
        records nothing new). Returns how many were recorded."""
        today = self.today()
        n = 0
        for r in rows:
            f = check_filing(r.filing, today, prefix=f"row {r.row}: ")
            row = self.s.db.execute(
                "SELECT id FROM units WHERE name = ?", [r.unit_name.strip()]
            ).fetchone()
            if row is None:  # the import just made it, or it names no unit: the caller checked
                raise NotFound("err.unit.not_found", id=r.unit_name)
            same = self.s.db.execute(
                "SELECT 1 FROM unit_filings WHERE unit_id = ? AND filed_on = ?"
                " AND duty_phones = ? AND staff = ?",
                [
                    row[0],
                    f.filed_on.isoformat(),
                    json.dumps(f.duty_phones, ensure_ascii=False),
                    f.staff,
                ],
            ).fetchone()
            if same:
                continue
            self._insert(int(row[0]), f, "import")
            n += 1
        return n
