"""Append-only, hash-chained change log, written in the same transaction as the change.

Each entry's hash covers its own fields (who acted: the name, and since m11_people the OS login,
the seat and the officer's id when known) and the previous entry's hash. `verify()` walks the chain
(an edited or deleted entry breaks it) and then compares every audited table with the latest
after-image the log holds for each row (a row edited, inserted or deleted behind the
application's back no longer matches).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from watchdesk.models.base import clean_row
from watchdesk.models.officer import Actor, ActorKind
from watchdesk.store.db import to_db

if TYPE_CHECKING:
    from watchdesk.store.db import DeskDb as Database

GENESIS = "0" * 64
WHO_COLUMNS = ("os_user", "seat", "officer_id")  # added by m11_people


def _has_who_columns(db: Database) -> bool:
    cols = {r[1] for r in db.execute("PRAGMA table_info(audit)").fetchall()}
    return all(c in cols for c in WHO_COLUMNS)


def canonical(obj: Any) -> str:
    # default=repr: a value no application write produces (a BLOB put in by hand) still hashes
    return json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=repr)


def _entry_hash(
    prev_hash: str,
    at: str,
    actor: str,
    table: str,
    row_id: int,
    action: str,
    before: str | None,
    after: str | None,
    os_user: str | None = None,
    seat: str | None = None,
    officer_id: int | None = None,
) -> str:
    """The entry's hash. Who acted beyond the name (os_user, seat, officer_id: columns since
    m11_people) is hashed only when recorded, so every entry written before keeps its hash."""
    fields: list[Any] = [prev_hash, at, actor, table, row_id, action, before, after]
    who = {
        k: v
        for k, v in (("os_user", os_user), ("seat", seat), ("officer_id", officer_id))
        if v is not None
    }
    if who:
        fields.append(who)
    payload = canonical(fields)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def row_digest(row: dict) -> str:
    return hashlib.sha256(canonical(row).encode("utf-8")).hexdigest()


class Auditor:
    """Writes rows together with their audit entries. Call only inside a write transaction."""

    def __init__(
        self, db: Database, clock: Callable[[], datetime], actor: Callable[[], str | Actor]
    ):
        self.db = db
        self.clock = clock
        self.actor = actor  # a plain name (migrations, older callers) or the acting Actor
        self._who_columns: bool | None = None  # whether audit has os_user, seat, officer_id

    def _fetch(self, table: str, row_id: int) -> dict:
        cur = self.db.execute(f"SELECT * FROM [{table}] WHERE id = ?", [row_id])
        cols = [d[0] for d in cur.description]
        row = cur.fetchone()
        return dict(zip(cols, row)) if row else {}

    def _append(
        self, table: str, row_id: int, action: str, before: dict | None, after: dict | None
    ) -> None:
        assert self.db.conn.in_transaction, "audited writes must run inside write_txn"
        last = self.db.execute("SELECT hash FROM audit ORDER BY id DESC LIMIT 1").fetchone()
        prev = last[0] if last else GENESIS
        at = to_db(self.clock())
        who = self.actor()
        if isinstance(who, str):
            actor, os_user, seat, officer_id = who, None, None, None
        else:
            actor, os_user, seat = who.name, who.os_user, who.seat
            officer_id = who.officer_id if who.kind == ActorKind.officer else None
        if self._who_columns is None:
            self._who_columns = _has_who_columns(self.db)
        if not self._who_columns:  # a desk before m11 (its migrations are writing)
            os_user = seat = officer_id = None
        b = canonical(before) if before is not None else None
        a = canonical(after) if after is not None else None
        h = _entry_hash(prev, at, actor, table, row_id, action, b, a, os_user, seat, officer_id)
        if self._who_columns:
            self.db.execute(
                "INSERT INTO audit (at, actor, table_name, row_id, action, before, after,"
                " prev_hash, hash, os_user, seat, officer_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                [at, actor, table, row_id, action, b, a, prev, h, os_user, seat, officer_id],
            )
        else:
            self.db.execute(
                "INSERT INTO audit (at, actor, table_name, row_id, action, before, after,"
                " prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?)",
                [at, actor, table, row_id, action, b, a, prev, h],
            )

    def insert(self, table: str, row: dict) -> int:
        row = clean_row(row)  # no control characters in the desk, whoever wrote (models/base)
        cols = list(row)
        cur = self.db.execute(
            f"INSERT INTO [{table}] ({', '.join(f'[{c}]' for c in cols)}) "
            f"VALUES ({', '.join('?' for _ in cols)})",
            [row[c] for c in cols],
        )
        assert cur.lastrowid is not None  # an INSERT always sets it
        row_id = int(cur.lastrowid)
        self._append(table, row_id, "insert", None, self._fetch(table, row_id))
        return row_id

    def update(self, table: str, row_id: int, changes: dict) -> dict:
        before = self._fetch(table, row_id)
        if not before:
            raise KeyError(f"{table} #{row_id} does not exist")
        changes = clean_row(changes)
        if changes:
            sets = ", ".join(f"[{c}] = ?" for c in changes)
            self.db.execute(
                f"UPDATE [{table}] SET {sets} WHERE id = ?", [*changes.values(), row_id]
            )
        after = self._fetch(table, row_id)
        self._append(table, row_id, "update", before, after)
        return after


@dataclass
class CheckResult:
    integrity: str = "ok"
    audit_entries: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.integrity == "ok" and not self.problems


def _latest_after_images(db: Database, table: str) -> Iterator[tuple[int, int, str | None]]:
    """(row_id, entry id, after-image text) of the latest audit entry of each row of `table`, in
    row_id order. An entry whose row_id was edited into something that is not a row id matches
    no row (the chain walk reports it as altered)."""
    look = db.conn.cursor()
    for row_id, eid in db.conn.execute(
        "SELECT row_id, max(id) FROM audit WHERE table_name = ? AND typeof(row_id) = 'integer'"
        " GROUP BY row_id ORDER BY row_id",
        [table],
    ):
        (after,) = look.execute("SELECT after FROM audit WHERE id = ?", [eid]).fetchone()
        yield row_id, eid, after


def _digest_of(problem: Callable[[str], None], entry: tuple) -> str | None:
    """The digest of an entry's after-image; None for a deletion; "unreadable" (matching no row)
    for one edited by hand into something that is not JSON."""
    _, eid, after = entry
    if after is None:
        return None
    try:
        return row_digest(json.loads(after))
    except (TypeError, ValueError):
        problem(f"audit entry {eid} was altered (its after-image is not JSON)")
        return "unreadable"


def _deleted(problem: Callable[[str], None], table: str, entry: tuple) -> None:
    """A row the log knows and the table no longer has: deleted behind the log's back, unless
    the log's own last word on it was its deletion."""
    if _digest_of(problem, entry) is not None:
        problem(f"{table} #{entry[0]} is in the audit log but missing from the table (deleted)")


def verify(db: Database, *, max_problems: int = 50) -> CheckResult:
    """Integrity check plus the audit chain and the row-versus-log comparison."""
    from watchdesk.store.migrations import AUDITED_TABLES

    res = CheckResult()
    try:
        rows = db.execute("PRAGMA integrity_check").fetchall()
    except sqlite3.DatabaseError as e:  # too damaged even to list the damage
        rows = [(str(e),)]
    res.integrity = "; ".join(r[0] for r in rows)
    if res.integrity != "ok":  # reading on could fail anywhere; the file needs restoring anyway
        res.problems.append(
            "the audit chain was not checked: the file is damaged (restore the "
            "last good backup: `watchdesk backup --list`, `watchdesk restore`)"
        )
        return res

    def problem(msg: str) -> None:
        if len(res.problems) < max_problems:
            res.problems.append(msg)

    # The schema first: a planted trigger changes rows before their after-image is read (the
    # log then agrees with them) and a dropped guard is no row at all (store/schema.py).
    from watchdesk.store.schema import schema_problems

    for msg in schema_problems(db):
        problem(str(msg))

    prev = GENESIS
    expected_id = 1
    # A desk (or a backup) from before m11_people has no os_user, seat, officer_id columns.
    who = ", ".join(WHO_COLUMNS) if _has_who_columns(db) else "NULL, NULL, NULL"
    for (
        eid,
        at,
        actor,
        table,
        row_id,
        action,
        before,
        after,
        prev_hash,
        h,
        os_user,
        seat,
        officer_id,
    ) in db.execute(
        "SELECT id, at, actor, table_name, row_id, action, before, after, prev_hash, hash,"
        f" {who} FROM audit ORDER BY id"
    ):
        res.audit_entries += 1
        if eid != expected_id:
            problem(f"audit entries {expected_id}–{eid - 1} are missing (deleted)")
        expected_id = eid + 1
        if prev_hash != prev:
            problem(f"audit entry {eid} does not follow the previous entry (chain broken)")
        if (
            _entry_hash(
                prev_hash,
                at,
                actor,
                table,
                row_id,
                action,
                before,
                after,
                os_user,
                seat,
                officer_id,
            )
            != h
        ):
            problem(f"audit entry {eid} was altered (hash mismatch)")
        prev = h

    # Each audited table against the latest after-image the log holds for each of its rows:
    # both read in id order and merged, so memory does not grow with the desk (a dict of every
    # row's digest took 1.2 GiB on a ten-year desk). The latest entry per row comes from the
    # audit_row index (table_name, row_id), then by id.
    present = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    for table in AUDITED_TABLES:
        if table not in present:
            continue
        cur = db.execute(f"SELECT * FROM [{table}] ORDER BY id")
        cols = [d[0] for d in cur.description]
        logged = _latest_after_images(db, table)
        entry = next(logged, None)
        for values in cur:
            row = dict(zip(cols, values))
            rid = row["id"]
            while entry is not None and entry[0] < rid:  # logged, no longer in the table
                _deleted(problem, table, entry)
                entry = next(logged, None)
            if entry is None or entry[0] != rid:
                problem(
                    f"{table} #{rid} has no audit entry (written behind the application's back)"
                )
                continue
            want = _digest_of(problem, entry)
            if want != row_digest(row):
                problem(f"{table} #{rid} differs from its last audited state (edited directly)")
            entry = next(logged, None)
        while entry is not None:
            _deleted(problem, table, entry)
            entry = next(logged, None)
    return res
