"""The duty log (值班日志): calls and documents received, leader instructions, actions, notes."""

from __future__ import annotations

import builtins
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from watchdesk.errors import InputError
from watchdesk.models.dutylog import LogEntry, LogKind
from watchdesk.store.db import from_db, to_db
from watchdesk.text.fulltext import grams, log_text

if TYPE_CHECKING:
    from watchdesk.store.desk import Store


def _entry(row: dict) -> LogEntry:
    return LogEntry.model_validate(
        row | {"at": from_db(row["at"]), "created_at": from_db(row["created_at"])}
    )


class DutyLogRepo:
    def __init__(self, store: Store):
        self.s = store

    def add(self, entry: LogEntry) -> LogEntry:
        now = self.s.now()
        if entry.at > now + timedelta(minutes=2):
            raise InputError("at", "err.time.future")
        with self.s.write():
            if entry.incident_id is not None:
                exists = self.s.db.execute(
                    "SELECT 1 FROM incidents WHERE id = ?", [entry.incident_id]
                ).fetchone()
                if not exists:
                    raise InputError("incident_id", "err.incident.not_found", id=entry.incident_id)
            row = entry.model_dump(mode="python", exclude={"id", "created_at"})
            row.update(
                at=to_db(entry.at),
                kind=LogKind(entry.kind).value,
                by_whom=entry.by_whom or self.s.actor,
                created_at=to_db(now),
            )
            entry_id = self.s.auditor.insert("log_entries", row)
            self._index(entry_id)
        return self.get(entry_id)

    def set_handling(self, entry_id: int, handling: str) -> LogEntry:
        """Record what was done about an entry (落实情况)."""
        if not handling.strip():
            raise InputError("handling", "err.text.blank")
        with self.s.write():
            self.get(entry_id)
            self.s.auditor.update("log_entries", entry_id, {"handling": handling.strip()})
            self._index(entry_id)
        return self.get(entry_id)

    def _index(self, entry_id: int) -> None:
        row = next(iter(self.s.db.query("SELECT * FROM log_entries WHERE id = ?", [entry_id])))
        uni, bi = grams(log_text(row))
        self.s.db.execute("DELETE FROM log_fts WHERE rowid = ?", [entry_id])
        self.s.db.execute(
            "INSERT INTO log_fts (rowid, uni, bi) VALUES (?,?,?)", [entry_id, uni, bi]
        )

    def get(self, entry_id: int) -> LogEntry:
        rows = list(self.s.db.query("SELECT * FROM log_entries WHERE id = ?", [entry_id]))
        if not rows:
            raise InputError("id", "err.dutylog.not_found", id=entry_id)
        return _entry(rows[0])

    def list(
        self,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
        kind: LogKind | None = None,
        incident_id: int | None = None,
        limit: int = 500,
        struck: bool = False,
    ) -> builtins.list[LogEntry]:
        """`struck`: with the entries struck through (store/correction.py), left out otherwise."""
        from watchdesk.store.correction import not_struck

        where: builtins.list[str] = [] if struck else [not_struck("log", "log_entries.id")]
        args: builtins.list[object] = []
        if since is not None:
            where.append("at >= ?")
            args.append(to_db(since))
        if until is not None:
            where.append("at < ?")
            args.append(to_db(until))
        if kind is not None:
            where.append("kind = ?")
            args.append(LogKind(kind).value)
        if incident_id is not None:
            where.append("incident_id = ?")
            args.append(incident_id)
        sql = "SELECT * FROM log_entries"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY at DESC, id DESC LIMIT ?"
        return [_entry(r) for r in self.s.db.query(sql, [*args, limit])]
