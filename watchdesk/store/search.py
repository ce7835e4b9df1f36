"""Finding things: filters plus Chinese full-text over incidents, duty-log entries and written
reports (issue 14: a report is found by its title and text; the incident filters apply to the
report's incident, the date range to when it was sent, or drafted if not sent yet)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from watchdesk.models.dutylog import LogKind
from watchdesk.models.incident import Grade, IncidentStatus, SearchHit
from watchdesk.store.db import from_db_not_null, to_db
from watchdesk.text.fulltext import match_query

if TYPE_CHECKING:
    from watchdesk.store.db import DeskDb
    from watchdesk.store.desk import Store

# With a date range the full-text matches are read newest first, a batch at a time, and their
# dates checked in one query: WALK_FIRST at first, four times as many each time after, up to
# WALK_BATCH.
WALK_FIRST = 100
WALK_BATCH = 6400
# m21: the filter values of an incident as the tokens of its full-text row's `tag` column (the
# SQL that writes them, from the incident's row `{r}`; migrations.M21_TAGS is the same text).
TAGS_SQL = (
    "'k' || lower(hex({r}.category)) || ' g' || lower(hex({r}.grade))"
    " || ' s' || lower(hex({r}.status)) || iif({r}.area_id IS NULL, '', ' p' || {r}.area_id)"
    " || ' m' || substr({r}.received_at, 1, 4) || substr({r}.received_at, 6, 2)"
    " || ' y' || substr({r}.received_at, 1, 4)"
)
_TAG_PREFIX = {"category": "k", "grade": "g", "status": "s"}


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
        area_id: int | None = None,
        include_log: bool = True,
        include_reports: bool = True,
        limit: int = 50,
    ) -> list[SearchHit]:
        """Newest first. With no query, the filters alone list incidents."""
        match = match_query(query) if query.strip() else None
        if query.strip() and match is None:
            return []
        where: list[str] = []
        args: list[object] = []
        if since is not None:
            where.append("i.received_at >= ?")
            args.append(to_db(since))
        if until is not None:
            where.append("i.received_at < ?")
            args.append(to_db(until))
        of_incident: list[str] = []  # the filters on the incident itself (not its date)
        of_args: list[object] = []
        filters: list[tuple[str, object]] = []  # (column, value): each has an index of its own
        if grade is not None:
            filters.append(("grade", Grade(grade).value))
        if category:
            filters.append(("category", category))
        if status is not None:
            filters.append(("status", IncidentStatus(status).value))
        if area_id is not None:
            filters.append(("area_id", area_id))
        for col, value in filters:
            of_incident.append(f"i.{col} = ?")
            of_args.append(value)
        where += of_incident
        args += of_args
        cond = (" AND " + " AND ".join(where)) if where else ""
        if match:
            ids = self._matching(match, where, args, filters, since, until, limit)
            rows = []
            if ids:
                by_id = {
                    r[0]: r
                    for r in self.s.db.execute(
                        "SELECT i.id, i.received_at, i.title, i.description, i.place, i.grade,"
                        " i.status FROM incidents i WHERE i.id IN"
                        f" ({','.join('?' * len(ids))})",
                        ids,
                    )
                }
                rows = [by_id[i] for i in ids if i in by_id]
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
        incident_only_filters = bool(filters)
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

    def _matching(
        self,
        match: str,
        where: list[str],
        args: list,
        filters: list[tuple[str, object]],
        since: datetime | None,
        until: datetime | None,
        limit: int,
    ) -> list[int]:
        """The ids of the incidents that match `match` and the filters, newest (highest id) first.

        The grade, category, status and area are tokens of the full-text row's `tag` column
        (m21), so FTS5 intersects them with the words, skipping through each doclist with its
        doclist index: the search reads what the words and the filter have in common, not every
        match of the words. A date range is its months as tokens too (whole years as a year's
        token: `periods`), so the index reads only the range's months, however old; the dates
        within the first and last month are then checked in `incidents_filters`, a batch of
        matches at a time. Nothing is read in proportion to the history."""
        db = self.s.db
        terms = [match, *(f'tag:"{tag_token(col, value)}"' for col, value in filters)]
        if since is not None or until is not None:
            first, last = db.execute(  # the desk's first and last, each from the index's end
                "SELECT (SELECT min(received_at) FROM incidents),"
                " (SELECT max(received_at) FROM incidents)"
            ).fetchone()
            if first is None:
                return []
            a = max(first, to_db(since)) if since is not None else first
            b = min(last, to_db(until - timedelta(seconds=1))) if until is not None else last
            if a > b:
                return []
            terms.append("(" + " OR ".join(f'tag:"{p}"' for p in periods(a, b)) + ")")
        full = " AND ".join(terms)
        if since is None and until is None:
            return [
                r[0]
                for r in db.execute(
                    "SELECT rowid FROM incidents_fts WHERE incidents_fts MATCH ?"
                    " ORDER BY rowid DESC LIMIT ?",
                    [full, limit],
                )
            ]
        # The dates within the first and last months: checked, a batch of matches at a time.
        cond = "".join(f" AND {c}" for c in where)
        found: list[int] = []
        upper: int | None = None
        size = WALK_FIRST
        while len(found) < limit:
            below = " AND rowid < ?" if upper is not None else ""
            batch = [
                r[0]
                for r in db.execute(
                    f"SELECT rowid FROM incidents_fts WHERE incidents_fts MATCH ?{below}"
                    " ORDER BY rowid DESC LIMIT ?",
                    [full, *([upper] if upper is not None else []), size],
                )
            ]
            if not batch:
                break
            found += [
                r[0]
                for r in db.execute(
                    "SELECT i.id FROM incidents i INDEXED BY incidents_filters WHERE i.id IN"
                    f" (SELECT value FROM json_each(?)){cond} ORDER BY i.id DESC",
                    [json.dumps(batch), *args],
                )
            ]
            if len(batch) < size:
                break
            upper = batch[-1]
            size = min(size * 4, WALK_BATCH)
        return found[:limit]

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


def tag_token(column: str, value: object) -> str:
    """The `tag` token of an incident's filter value (as TAGS_SQL writes it): `k`, `g`, `s` and
    the value's UTF-8 in hex for a category, grade and status, `p` and the id for an area.
    Letters and digits only: one token for FTS5, and no word a person types is looked up in
    this column (match_query names `uni` or `bi` in every term)."""
    if column == "area_id":
        return f"p{int(str(value))}"
    return _TAG_PREFIX[column] + str(value).encode().hex()


def periods(first: str, last: str) -> list[str]:
    """The `tag` tokens of the months from the one of `first` to the one of `last` (stored
    instants, UTC): a year's token for each whole year among them (`y` + yyyy), the months'
    (`m` + yyyymm) for the rest: at most 22 months and a token a year."""
    y, m = int(first[:4]), int(first[5:7])
    end = (int(last[:4]), int(last[5:7]))
    out: list[str] = []
    while (y, m) <= end:
        if m == 1 and (y, 12) <= end:
            out.append(f"y{y:04d}")
            y += 1
            continue
        out.append(f"m{y:04d}{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def fts_levels(db: DeskDb, table: str) -> list[list[int]]:
    """The segments of an FTS5 table's index, level by level: each segment's size in leaf
    pages (read from the structure record, `<table>_data` row 10, as fts5_index.c writes it).
    What merging has left to do: FTS5 merges a level's segments into one on the next level; a
    level holding `crisismerge` of them is merged whole inside the write that adds the last."""
    row = db.execute(f"SELECT block FROM {table}_data WHERE id = 10").fetchone()
    if row is None:
        return []
    data = bytes(row[0])
    pos = 4  # the cookie

    def varint() -> int:
        nonlocal pos
        value = 0
        for k in range(9):
            byte = data[pos]
            pos += 1
            if k == 8:
                return (value << 8) | byte
            value = (value << 7) | (byte & 0x7F)
            if not byte & 0x80:
                break
        return value

    v2 = data[4:8] == b"\xff\x00\x00\x01"  # SQLite 3.45 and later (tombstones, origins)
    if v2:
        pos = 8
    levels: list[list[int]] = []
    n_levels = varint()
    varint()  # segments in all
    varint()  # write counter
    if v2:
        varint()  # origin counter
    for _ in range(n_levels):
        varint()  # segments of the level being merged into the next
        segments = []
        for _ in range(varint()):
            varint()  # segment id
            first, last = varint(), varint()
            segments.append(last - first + 1)
            if v2:
                for _ in range(5):
                    varint()
        levels.append(segments)
    return levels
