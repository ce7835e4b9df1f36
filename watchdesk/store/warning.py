"""The warnings board: early warnings issued, changed (re-issued at a new level) and lifted.

A warning is one row holding its current state, and one `warning_events` row per step (issue,
change, lift) holding its history; both are written in one audited transaction. A lifted warning
is closed: changing or lifting it again is refused.
"""

from __future__ import annotations

import builtins
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from watchdesk.errors import InputError, NotFound, msg_of
from watchdesk.models.warning import EarlyWarning, WarningEvent, WarningInput, WarningStatus
from watchdesk.rules.warning import Level, check_level, signal_type
from watchdesk.store.db import from_db, to_db

if TYPE_CHECKING:
    from watchdesk.store.desk import Store

SLACK = timedelta(minutes=2)  # two machines on one desk may disagree a little about the time


def _warning(row: dict) -> EarlyWarning:
    d = dict(row)
    for k in ("issued_at", "level_since", "lifted_at", "created_at", "updated_at"):
        d[k] = from_db(d.get(k))
    return EarlyWarning.model_validate(d)


def _event(row: dict) -> WarningEvent:
    d = dict(row)
    d["at"] = from_db(d["at"])
    d.pop("created_at", None)
    return WarningEvent.model_validate(d)


def _level(value: Level | str) -> Level:
    if isinstance(value, Level):
        return value
    from watchdesk.rules.warning import parse_level

    try:
        return parse_level(value)
    except ValueError as e:
        raise InputError("level", msg_of(e)) from None


class WarningRepo:
    def __init__(self, store: Store):
        self.s = store

    # -- reads ----------------------------------------------------------------------------------
    def get(self, warning_id: int) -> EarlyWarning:
        rows = list(self.s.db.query("SELECT * FROM warnings WHERE id = ?", [warning_id]))
        if not rows:
            raise NotFound("err.warning.not_found", id=warning_id)
        return _warning(rows[0])

    def in_force(self, now: datetime | None = None) -> list[EarlyWarning]:
        """Warnings in force at `now`: issued by then and not lifted by then. Most severe first,
        then the most recently (re-)issued. (The level shown is the current one.)"""
        now = now or self.s.now()
        t = to_db(now)
        rows = self.s.db.query(
            "SELECT * FROM warnings WHERE issued_at <= ? AND (lifted_at IS NULL OR lifted_at > ?)",
            [t, t],
        )
        items = [_warning(r) for r in rows]
        items.sort(key=lambda w: (w.level.rank, -w.level_since.timestamp(), w.id))
        return items

    def list(self, *, include_lifted: bool = True, limit: int = 200) -> builtins.list[EarlyWarning]:
        """In-force warnings first (most severe first), then lifted ones, latest lifted first."""
        live = [
            _warning(r) for r in self.s.db.query("SELECT * FROM warnings WHERE status = 'in_force'")
        ]
        live.sort(key=lambda w: (w.level.rank, -w.level_since.timestamp(), w.id))
        if not include_lifted:
            return live[:limit]
        lifted = [
            _warning(r)
            for r in self.s.db.query(
                "SELECT * FROM warnings WHERE status = 'lifted' ORDER BY lifted_at DESC, id DESC "
                "LIMIT ?",
                [limit],
            )
        ]
        return (live + lifted)[:limit]

    def history(self, warning_id: int) -> builtins.list[WarningEvent]:
        return [
            _event(r)
            for r in self.s.db.query(
                "SELECT * FROM warning_events WHERE warning_id = ? ORDER BY at, id", [warning_id]
            )
        ]

    def events_between(self, start: datetime, end: datetime) -> builtins.list[WarningEvent]:
        """Every issue / change / lift in [start, end): for the handover."""
        return [
            _event(r)
            for r in self.s.db.query(
                "SELECT * FROM warning_events WHERE at >= ? AND at < ? ORDER BY at, id",
                [to_db(start), to_db(end)],
            )
        ]

    # -- writes ---------------------------------------------------------------------------------
    def _when(self, at: datetime | None, field: str) -> datetime:
        now = self.s.now()
        at = at or now
        if at.tzinfo is None or at.utcoffset() is None:
            raise InputError(field, "err.time.naive")
        if at > now + SLACK:
            raise InputError(field, "err.time.future")
        return at

    def _event(self, warning_id: int, action: str, at: datetime, **kw) -> None:
        self.s.auditor.insert(
            "warning_events",
            {
                "warning_id": warning_id,
                "action": action,
                "at": to_db(at),
                "level": kw.get("level"),
                "from_level": kw.get("from_level"),
                "issuer": kw.get("issuer", ""),
                "area": kw.get("area", ""),
                "measures": kw.get("measures", ""),
                "note": kw.get("note", ""),
                "by_whom": self.s.actor,
                "created_at": to_db(self.s.now()),
            },
        )

    def issue(self, w: WarningInput) -> EarlyWarning:
        kind = signal_type(w.kind)
        try:
            check_level(kind, w.level)
        except ValueError as e:
            raise InputError("level", msg_of(e)) from None
        at = self._when(w.issued_at, "issued_at")
        now = self.s.now()
        with self.s.write():
            wid = self.s.auditor.insert(
                "warnings",
                {
                    "kind": kind.code,
                    "level": w.level.value,
                    "area": w.area,
                    "issuer": w.issuer,
                    "issued_at": to_db(at),
                    "level_since": to_db(at),
                    "measures": w.measures.strip(),
                    "status": WarningStatus.in_force.value,
                    "lifted_at": None,
                    "version": 1,
                    "created_at": to_db(now),
                    "updated_at": to_db(now),
                },
            )
            self._event(
                wid,
                "issue",
                at,
                level=w.level.value,
                issuer=w.issuer,
                area=w.area,
                measures=w.measures.strip(),
                note=w.note.strip(),
            )
        return self.get(wid)

    def _live(self, warning_id: int, version: int | None) -> EarlyWarning:
        cur = self.get(warning_id)
        if cur.status == WarningStatus.lifted:
            raise InputError("id", "err.warning.lifted", id=warning_id)
        if version is not None and version != cur.version:
            raise InputError(
                "version", "err.warning.stale", id=warning_id, actual=cur.version, expected=version
            )
        return cur

    def change(
        self,
        warning_id: int,
        level: Level | str,
        *,
        at: datetime | None = None,
        issuer: str | None = None,
        area: str | None = None,
        measures: str | None = None,
        note: str = "",
        version: int | None = None,
    ) -> EarlyWarning:
        """Re-issue at a new level (升级/降级); the history keeps every level it had."""
        level = _level(level)
        at = self._when(at, "at")
        with self.s.write():
            cur = self._live(warning_id, version)
            if level == cur.level:
                raise InputError(
                    "level", "err.warning.same_level", id=warning_id, level=level.value
                )
            try:
                check_level(cur.signal, level)
            except ValueError as e:
                raise InputError("level", msg_of(e)) from None
            if at < cur.level_since:
                raise InputError("at", "err.warning.before_level")
            issuer = (issuer if issuer is not None else cur.issuer).strip()
            area = (area if area is not None else cur.area).strip()
            measures = (measures if measures is not None else cur.measures).strip()
            if not issuer:
                raise InputError("issuer", "err.text.blank")
            if not area:
                raise InputError("area", "err.text.blank")
            self.s.auditor.update(
                "warnings",
                warning_id,
                {
                    "level": level.value,
                    "level_since": to_db(at),
                    "issuer": issuer,
                    "area": area,
                    "measures": measures,
                    "version": cur.version + 1,
                    "updated_at": to_db(self.s.now()),
                },
            )
            self._event(
                warning_id,
                "change",
                at,
                level=level.value,
                from_level=cur.level.value,
                issuer=issuer,
                area=area,
                measures=measures,
                note=note.strip(),
            )
        return self.get(warning_id)

    def lift(
        self,
        warning_id: int,
        *,
        at: datetime | None = None,
        note: str = "",
        version: int | None = None,
    ) -> EarlyWarning:
        """End the warning (解除). A lifted warning cannot be changed or lifted again."""
        at = self._when(at, "at")
        with self.s.write():
            cur = self._live(warning_id, version)
            if at < cur.level_since:
                raise InputError("at", "err.warning.before_level")
            self.s.auditor.update(
                "warnings",
                warning_id,
                {
                    "status": WarningStatus.lifted.value,
                    "lifted_at": to_db(at),
                    "version": cur.version + 1,
                    "updated_at": to_db(self.s.now()),
                },
            )
            self._event(
                warning_id,
                "lift",
                at,
                from_level=cur.level.value,
                issuer=cur.issuer,
                area=cur.area,
                note=note.strip(),
            )
        return self.get(warning_id)
