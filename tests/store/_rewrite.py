"""What a determined rewriter with the desk file does (issue 18): the changes `audit.verify` alone
cannot see, because the audit chain is recomputed to match and the guard triggers are put back
exactly as they were (so the schema matches the migrations' too)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from watchdesk.store.audit import GENESIS, _entry_hash, canonical


@contextmanager
def _unguarded(path: Path) -> Iterator[sqlite3.Connection]:
    """The desk with every trigger dropped, put back exactly (same SQL) on the way out."""
    conn = sqlite3.connect(path)
    triggers = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall()
    for name, _ in triggers:
        conn.execute(f"DROP TRIGGER [{name}]")
    conn.execute("PRAGMA foreign_keys = OFF")
    try:
        yield conn
        for _, sql in triggers:
            conn.execute(sql)
        conn.commit()
    finally:
        conn.close()


def _rehash_from(conn: sqlite3.Connection, first: int) -> None:
    """Every entry from `first` on gets the hash of what it now says and follows the one before."""
    row = conn.execute("SELECT hash FROM audit WHERE id < ? ORDER BY id DESC LIMIT 1", [first])
    prev = (row.fetchone() or [GENESIS])[0]
    entries = conn.execute(
        "SELECT id, at, actor, table_name, row_id, action, before, after, os_user, seat,"
        " officer_id FROM audit WHERE id >= ? ORDER BY id",
        [first],
    ).fetchall()
    for eid, at, actor, table, row_id, action, before, after, os_user, seat, oid in entries:
        h = _entry_hash(prev, at, actor, table, row_id, action, before, after, os_user, seat, oid)
        conn.execute("UPDATE audit SET prev_hash = ?, hash = ? WHERE id = ?", [prev, h, eid])
        prev = h


def rewrite_history(path: Path, table: str, row_id: int, changes: dict) -> int:
    """Change a row as if it had always been so: the row, every before- and after-image of it in
    the audit log, and every hash from its first entry on. Returns that first entry's number
    (where history now diverges from any honest copy)."""
    with _unguarded(path) as conn:
        sets = ", ".join(f"[{c}] = ?" for c in changes)
        conn.execute(f"UPDATE [{table}] SET {sets} WHERE id = ?", [*changes.values(), row_id])
        first = None
        for eid, before, after in conn.execute(
            "SELECT id, before, after FROM audit WHERE table_name = ? AND row_id = ? ORDER BY id",
            [table, row_id],
        ).fetchall():
            images = []
            for image in (before, after):
                if image is None:
                    images.append(None)
                    continue
                d = json.loads(image)
                d.update({k: v for k, v in changes.items() if k in d})
                images.append(canonical(d))
            conn.execute("UPDATE audit SET before = ?, after = ? WHERE id = ?", [*images, eid])
            first = eid if first is None else first
        assert first is not None, f"{table} #{row_id} has no audit entry"
        _rehash_from(conn, first)
    return first


def cut_newest(path: Path, keep_upto: int) -> None:
    """Remove every audit entry after `keep_upto` and undo what they did (rows they inserted
    deleted, rows they updated put back as they were), then VACUUM: no trace in the file."""
    with _unguarded(path) as conn:
        undo = conn.execute(
            "SELECT id, table_name, row_id, action, before FROM audit WHERE id > ?"
            " ORDER BY id DESC",
            [keep_upto],
        ).fetchall()
        for _, table, row_id, action, before in undo:
            if action == "insert":
                conn.execute(f"DELETE FROM [{table}] WHERE id = ?", [row_id])
            elif before is not None:
                b = json.loads(before)
                sets = ", ".join(f"[{c}] = ?" for c in b)
                conn.execute(f"UPDATE [{table}] SET {sets} WHERE id = ?", [*b.values(), row_id])
        conn.execute("DELETE FROM audit WHERE id > ?", [keep_upto])
    conn = sqlite3.connect(path)
    try:
        conn.execute("VACUUM")
    finally:
        conn.close()
