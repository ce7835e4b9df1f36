"""Finding things: filters plus Chinese full-text over incidents and duty-log entries."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from watchdesk.models.dutylog import LogKind
from watchdesk.models.incident import Grade, IncidentStatus, SearchHit
from watchdesk.store.db import from_db_not_null, to_db
from watchdesk.text.fulltext import match_query

if TYPE_CHECKING:
    from watchdesk.store.desk import Store


class SearchRepo:
    def __init__(self, store: Store):
        self.s = store

    def search(
        self,
        query: str = "",
        *,
        since: datetime | None = None,
        until: datetime | None = None,
        grade: Grade | None = None,
        category: str | None = None,
        status: IncidentStatus | None = None,
        include_log: bool = True,
        limit: int = 50,
    ) -> list[SearchHit]:
        """Newest first. With no query, the filters alone list incidents."""
        match = match_query(query) if query.strip() else None
        if query.strip() and match is None:
            return []
        where, args = [], []
        if since is not None:
            where.append("i.received_at >= ?")
            args.append(to_db(since))
        if until is not None:
            where.append("i.received_at < ?")
            args.append(to_db(until))
        if grade is not None:
            where.append("i.grade = ?")
            args.append(Grade(grade).value)
        if category:
            where.append("i.category = ?")
            args.append(category)
        if status is not None:
            where.append("i.status = ?")
            args.append(IncidentStatus(status).value)
        cond = (" AND " + " AND ".join(where)) if where else ""
        if match:
            # The full-text index is walked newest first; with a date range, start the walk at
            # the range's first id, or a narrow range would walk back to year one (the ids follow
            # the order of entry, and INDEXED BY makes SQLite find that id from the index).
            bound, bargs = "", []
            if since is not None:
                bound = (
                    " AND f.rowid >= (SELECT coalesce(min(id), 0) FROM incidents"
                    " INDEXED BY incidents_received WHERE received_at >= ?)"
                )
                bargs = [to_db(since)]
            sql = (
                "SELECT i.id, i.received_at, i.title, i.description, i.place, i.grade, i.status"
                " FROM incidents_fts f JOIN incidents i ON i.id = f.rowid"
                f" WHERE incidents_fts MATCH ?{bound}{cond} ORDER BY f.rowid DESC LIMIT ?"
            )
            rows = self.s.db.execute(sql, [match, *bargs, *args, limit]).fetchall()
        else:
            sql = (
                "SELECT i.id, i.received_at, i.title, i.description, i.place, i.grade, i.status"
                f" FROM incidents i WHERE 1=1{cond} ORDER BY i.received_at DESC, i.id DESC"
                " LIMIT ?"
            )
            rows = self.s.db.execute(sql, [*args, limit]).fetchall()
        hits = [
            SearchHit(
                kind="incident",
                id=r[0],
                at=from_db_not_null(r[1]),
                title=r[2] or r[3][:30],
                snippet=f"{r[4]} · {r[3]}",
                grade=r[5],
                status=r[6],
            )
            for r in rows
        ]
        incident_only_filters = grade is not None or category or status is not None
        if match and include_log and not incident_only_filters:
            lw, la = [], []
            if since is not None:
                lw.append("l.at >= ?")
                la.append(to_db(since))
            if until is not None:
                lw.append("l.at < ?")
                la.append(to_db(until))
            lcond = (" AND " + " AND ".join(lw)) if lw else ""
            if since is not None:
                lcond = (
                    " AND f.rowid >= (SELECT coalesce(min(id), 0) FROM log_entries"
                    " INDEXED BY log_at WHERE at >= ?)"
                ) + lcond
                la.insert(0, to_db(since))
            for r in self.s.db.execute(
                "SELECT l.id, l.at, l.kind, l.content, l.counterpart, l.incident_id"
                " FROM log_fts f JOIN log_entries l ON l.id = f.rowid"
                f" WHERE log_fts MATCH ?{lcond} ORDER BY f.rowid DESC LIMIT ?",
                [match, *la, limit],
            ):
                hits.append(
                    SearchHit(
                        kind="log",
                        id=r[0],
                        at=from_db_not_null(r[1]),
                        title=r[3][:30],
                        snippet=f"{r[4]} · {r[3]}",
                        status=LogKind(r[2]).value,
                    )
                )
            hits.sort(key=lambda h: h.at, reverse=True)
            hits = hits[:limit]
        return hits
