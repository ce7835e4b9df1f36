"""Finding things: filters plus Chinese full-text over incidents, duty-log entries and written
reports (issue 14: a report is found by its title and text; the incident filters apply to the
report's incident, the date range to when it was sent, or drafted if not sent yet)."""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import TYPE_CHECKING

from watchdesk.models.dutylog import LogKind
from watchdesk.models.incident import Grade, IncidentStatus, SearchHit
from watchdesk.store.db import from_db_not_null, to_db
from watchdesk.text.fulltext import match_query

if TYPE_CHECKING:
    from watchdesk.store.db import DeskDb
    from watchdesk.store.desk import Store

# The full-text walk reads matches newest first, a batch at a time, and checks each batch against
# the filters in one query: WALK_FIRST at first (enough when the filter is common), four times
# as many each time after, up to WALK_BATCH.
WALK_FIRST = 100
WALK_BATCH = 6400
# When the first batch has too few hits: a filter holding at most READ_MAX incidents (below where
# the walk has reached) is read, its incidents' words checked on the index's stored text; one of
# at most SET_MAX is the set the rest of the walk is checked against.
READ_MAX = 300
SET_MAX = 50000
# With several filters, the smallest set (when it holds at most REFINE_MAX incidents) is narrowed
# by the others before choosing between reading it and walking against it.
REFINE_MAX = 5000
# Checking a match in the walk costs about as much as putting four of a filter's incidents in
# the set; the rate of hits in the first batch is a rough guess, so the set is preferred.
SET_PER_MATCH = 10
# Each filter's own index (migrations: incidents_<name> ON incidents(<column>, received_at)).
_INDEX = {"grade": "grade", "category": "category", "status": "status", "area_id": "area"}
# One term of `match_query`: a column and a quoted phrase, a trailing * for a prefix.
_TERM = re.compile(r'^(uni|bi):"([^"]*)"(\*?)$')
_CJK = re.compile(r"^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f ]+$")


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

        Reading the full-text index newest first is cheap (a fraction of a microsecond a match);
        checking each match against a filter is what costs. So: the newest WALK_FIRST matches are
        checked in `incidents_filters` (m20: the filter columns in id order, one narrow read)
        — enough when the filter is common among them. Otherwise the smallest of the filters'
        sets (each counted in its own index, capped) decides: a tiny one (a grade, open, voided)
        is read and its incidents' words checked on the stored text; one of up to SET_MAX
        incidents becomes a set the rest of the walk is checked against in SQLite; only when
        every filter holds most of the desk does the walk go on in growing batches."""
        db = self.s.db
        lo = None  # with a date range: the walk stops at the range's first id
        if since is not None:
            lo = db.execute(
                "SELECT coalesce(min(id), 0) FROM incidents INDEXED BY incidents_received"
                " WHERE received_at >= ?",
                [to_db(since)],
            ).fetchone()[0]
        cond = "".join(f" AND {c}" for c in where)
        found: list[int] = []
        upper: int | None = None
        size = WALK_FIRST
        while len(found) < limit:
            bound, bargs = _bounds(lo, upper)
            batch = [
                r[0]
                for r in db.execute(
                    f"SELECT rowid FROM incidents_fts WHERE incidents_fts MATCH ?{bound}"
                    " ORDER BY rowid DESC LIMIT ?",
                    [match, *bargs, size],
                )
            ]
            if not batch:
                break
            if where:
                found += [
                    r[0]
                    for r in db.execute(
                        "SELECT i.id FROM incidents i INDEXED BY incidents_filters WHERE i.id IN"
                        f" (SELECT value FROM json_each(?)){cond} ORDER BY i.id DESC",
                        [json.dumps(batch), *args],
                    )
                ]
            else:
                found += batch
            if len(batch) < size or len(found) >= limit:
                break
            upper = batch[-1]
            if size == WALK_FIRST and where:  # the filter is rare among these words
                rest = self._through_filter(
                    match,
                    cond,
                    args,
                    filters,
                    since,
                    until,
                    lo,
                    upper,
                    limit - len(found),
                    walk=(limit - len(found)) * WALK_FIRST // len(found) if found else SET_MAX,
                )
                if rest is not None:
                    found += rest
                    break
            size = min(size * 4, WALK_BATCH)
        return found[:limit]

    def _through_filter(
        self,
        match: str,
        cond: str,
        args: list,
        filters: list[tuple[str, object]],
        since: datetime | None,
        until: datetime | None,
        lo: int | None,
        upper: int,
        limit: int,
        walk: int,
    ) -> list[int] | None:
        """The matching incidents below id `upper`, found through the filter that holds the
        fewest incidents there; None when every filter holds more than SET_MAX of them, or
        more than SET_PER_MATCH times `walk`, the matches the walk would likely still read at
        the first batch's rate of hits."""
        db = self.s.db
        dates, dargs = "", []
        if since is not None:
            dates += " AND received_at >= ?"
            dargs.append(to_db(since))
        if until is not None:
            dates += " AND received_at < ?"
            dargs.append(to_db(until))
        ways: list[tuple[str, list]] = [
            (
                f"SELECT id FROM incidents INDEXED BY incidents_{_INDEX[col]} WHERE {col} = ?"
                f"{dates} AND +id < ?",
                [value, *dargs, upper],
            )
            for col, value in filters
        ]
        if dates:
            ways.append(
                (
                    f"SELECT id FROM incidents INDEXED BY incidents_received WHERE {dates[5:]}"
                    " AND +id < ?",
                    [*dargs, upper],
                )
            )
        best: tuple[int, str, list] | None = None
        for sql, wargs in ways:  # each a covering read of the filter's own index
            n = db.execute(
                f"SELECT count(*) FROM ({sql} LIMIT ?)", [*wargs, SET_MAX + 1]
            ).fetchone()[0]
            if best is None or n < best[0]:
                best = (n, sql, wargs)
        if best is None or best[0] > min(SET_MAX, SET_PER_MATCH * walk):
            return None
        n, sql, wargs = best
        if len(ways) > 1 and n <= REFINE_MAX:  # the other filters too, in the narrow index
            sql = (
                f"SELECT i.id FROM incidents i INDEXED BY incidents_filters WHERE i.id IN ({sql})"
                f"{cond}"
            )
            wargs = [*wargs, *args]
            n = db.execute(f"SELECT count(*) FROM ({sql})", wargs).fetchone()[0]
        checks = _stored_checks(match) if n <= READ_MAX else None
        if checks is not None:  # few: read them, check their words on the stored text
            text = "".join(f" AND instr(' ' || c.{col} || ' ', ?) > 0" for col, _ in checks)
            return [
                r[0]
                for r in db.execute(
                    "SELECT i.id FROM incidents i INDEXED BY incidents_filters"
                    " JOIN incidents_fts_content c ON c.id = i.id"
                    f" WHERE i.id IN ({sql}){cond}{text} ORDER BY i.id DESC LIMIT ?",
                    [*wargs, *args, *(needle for _, needle in checks), limit],
                )
            ]
        # The walk goes on, each match checked against the set (`+`: a membership test, not
        # one full-text lookup per member), the other filters in the narrow index.
        bound, bargs = _bounds(lo, upper)
        return [
            r[0]
            for r in db.execute(
                "SELECT f.rowid FROM incidents_fts f"
                " JOIN incidents i INDEXED BY incidents_filters ON i.id = f.rowid"
                f" WHERE incidents_fts MATCH ?{bound.replace('rowid', 'f.rowid')}"
                f" AND +f.rowid IN ({sql}){cond} ORDER BY f.rowid DESC LIMIT ?",
                [match, *bargs, *wargs, *args, limit],
            )
        ]

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


def _stored_checks(match: str) -> list[tuple[str, str]] | None:
    """What `match` (from `match_query`) asks of a row's stored full-text columns, as
    (content column, text to find in ' ' + column + ' '): a unigram is a whole token of `uni`
    (c0), a phrase of bigrams whole consecutive tokens of `bi` (c1), a Latin word the start of a
    token of `uni`. Exact for what the index stores (`grams`: lower case, tokens split by single
    spaces) when the words are ideographs, ASCII letters and digits; None for anything else
    (letters with accents, which the tokenizer folds): those take the full-text walk."""
    out: list[tuple[str, str]] = []
    for part in match.split(" AND "):
        m = _TERM.match(part)
        if m is None:
            return None
        col, phrase, prefix = m.groups()
        if not phrase:
            return None
        if phrase.isascii():
            if not (prefix and col == "uni" and phrase.isalnum()):
                return None
            out.append(("c0", f" {phrase}"))
        elif not prefix and _CJK.match(phrase):
            out.append(("c0" if col == "uni" else "c1", f" {phrase} "))
        else:
            return None
    return out


def _bounds(lo: int | None, upper: int | None) -> tuple[str, list]:
    """The full-text walk's rowid range: from `lo` (the date range's first id) up to, not
    including, `upper` (where the walk has reached)."""
    sql, args = "", []
    if lo is not None:
        sql += " AND rowid >= ?"
        args.append(lo)
    if upper is not None:
        sql += " AND rowid < ?"
        args.append(upper)
    return sql, args


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
