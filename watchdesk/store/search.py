"""Finding things: filters plus Chinese full-text over incidents, duty-log entries and written
reports (issue 14: a report is found by its title and text; the incident filters apply to the
report's incident, the date range to when it was sent, or drafted if not sent yet)."""

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
        include_reports: bool = True,
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
        of_incident, of_args = [], []  # the filters on the incident itself (not its date)
        if grade is not None:
            of_incident.append("i.grade = ?")
            of_args.append(Grade(grade).value)
        if category:
            of_incident.append("i.category = ?")
            of_args.append(category)
        if status is not None:
            of_incident.append("i.status = ?")
            of_args.append(IncidentStatus(status).value)
        where += of_incident
        args += of_args
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
        mixed = False  # hits of more than one table: put in time order
        if match and include_log and not incident_only_filters:
            mixed = True
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
        if match and include_reports:
            reports = self._reports(query, match, of_incident, of_args, since, until, limit)
            hits += reports
            mixed = mixed or bool(reports)
        if mixed:
            hits.sort(key=lambda h: h.at, reverse=True)
            hits = hits[:limit]
        return hits

    def _reports(
        self,
        query: str,
        match: str,
        of_incident: list[str],
        of_args: list,
        since: datetime | None,
        until: datetime | None,
        limit: int,
    ) -> list[SearchHit]:
        """Written reports whose title or text match (written_reports_fts, kept by
        ReportRepo._index), newest first. `of_incident`: the grade, category and status filters
        (on the report's incident, alias i); the date range is on the report: when it was sent,
        or drafted while not sent."""
        when = "coalesce(w.sent_at, w.created_at)"
        where, args = list(of_incident), list(of_args)
        if since is not None:
            where.append(f"{when} >= ?")
            args.append(to_db(since))
        if until is not None:
            where.append(f"{when} < ?")
            args.append(to_db(until))
        cond = "".join(f" AND {c}" for c in where)
        rows = self.s.db.execute(
            f"SELECT w.id, {when}, w.title, w.body, w.kind, w.seq, w.status, w.serial_year,"
            " w.serial_no, w.incident_id, i.grade"
            " FROM written_reports_fts f JOIN written_reports w ON w.id = f.rowid"
            " JOIN incidents i ON i.id = w.incident_id"
            f" WHERE written_reports_fts MATCH ?{cond} ORDER BY f.rowid DESC LIMIT ?",
            [match, *args, limit],
        ).fetchall()
        from watchdesk.i18n.labels import kind_label
        from watchdesk.report.written_paper import serial_text

        hits = []
        for r in rows:
            serial = serial_text(r[7], r[8]) if r[8] is not None else ""
            head = " ".join(x for x in (serial, kind_label(r[4], r[5])) if x)
            hits.append(
                SearchHit(
                    kind="report",
                    id=r[0],
                    at=from_db_not_null(r[1]),
                    title=r[2],
                    snippet=f"{head} · {around(r[3], query)}",
                    grade=r[10],
                    status=r[6],
                    incident_id=r[9],
                )
            )
        return hits


def around(text: str, query: str, before: int = 8, width: int = 80) -> str:
    """The part of `text` where the query's first word is (the start if it is not there), on
    one line: what a hit shows of a long report."""
    import unicodedata

    from watchdesk.text.fulltext import _runs

    flat = " ".join(text.split())
    low, where = "", []  # the text as the index reads it, and each character's place in `flat`
    for n, ch in enumerate(flat):
        norm = unicodedata.normalize("NFKC", ch).lower()
        low += norm
        where += [n] * len(norm)
    pos = next((p for p in (low.find(run) for run in _runs(query)) if p >= 0), -1)
    start = max(0, where[pos] - before) if pos >= 0 else 0
    return ("…" if start else "") + flat[start : start + width]
