"""Opening the desk database: pragmas, file permissions, and the one way to write.

Every write is one `BEGIN IMMEDIATE … COMMIT` transaction with `synchronous=FULL` in WAL mode, so a
save that returned is on disk. Writers from several processes queue on SQLite's lock; we wait a
bounded time and then raise `DeskBusy`, which the UI and CLI turn into a clear message.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

from sqlite_utils import Database

BUSY_TIMEOUT_MS = 5000
WRITE_RETRY_SECONDS = 15.0


class StoreError(Exception):
    """A problem a user can act on; its message is meant for them."""


class DeskBusy(StoreError):
    pass


class DeskUnavailable(StoreError):
    pass


def to_db(dt: datetime | None) -> str | None:
    """Instants are stored as UTC ISO-8601 text of one fixed shape, so text order is time order."""
    if dt is None:
        return None
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise ValueError("naive datetime reached the store")
    return dt.astimezone(timezone.utc).isoformat(timespec="seconds")


def from_db(s: str | None) -> datetime | None:
    if s is None or s == "":
        return None
    return datetime.fromisoformat(s)


def _create_private(path: Path) -> None:
    """Create the file readable by its owner only before SQLite opens it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        os.close(fd)


def connect(path: str | Path, *, create: bool = True, readonly: bool = False) -> Database:
    """Open (and with `create`, make) the desk file with the pragmas every connection needs."""
    p = Path(path)
    if not p.exists():
        if not create:
            raise DeskUnavailable(f"no desk database at {p} (run `watchdesk init` or `watchdesk demo`)")
        try:
            _create_private(p)
        except OSError as e:
            raise DeskUnavailable(f"cannot create the desk database at {p}: {e.strerror}") from e
    try:
        if readonly:
            conn = sqlite3.connect(f"file:{p}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000,
                                   check_same_thread=False)
        else:
            conn = sqlite3.connect(str(p), timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
        db = Database(conn)
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        if not readonly:
            mode = db.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if mode.lower() != "wal":
                raise DeskUnavailable(f"cannot switch {p} to WAL mode (got {mode})")
        db.execute("PRAGMA synchronous = FULL")
        db.execute("PRAGMA foreign_keys = ON")
        # A cheap read proves the file is a database before anyone trusts it.
        db.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError as e:
        raise DeskUnavailable(f"{p} is not a usable desk database: {e}") from e
    for side in ("-wal", "-shm"):
        with contextlib.suppress(OSError):
            os.chmod(str(p) + side, 0o600)
    return db


@contextlib.contextmanager
def write_txn(db: Database, *, retry_seconds: float = WRITE_RETRY_SECONDS) -> Iterator[Database]:
    """One write transaction. Takes the write lock up front (BEGIN IMMEDIATE) so two writers never
    deadlock on a lock upgrade; waits up to `retry_seconds` for another writer, then gives up
    cleanly. Anything raised inside rolls the whole transaction back."""
    conn = db.conn
    if conn.in_transaction:
        # Nested use joins the outer transaction.
        yield db
        return
    deadline = time.monotonic() + retry_seconds
    while True:
        try:
            conn.execute("BEGIN IMMEDIATE")
            break
        except sqlite3.OperationalError as e:
            if "locked" not in str(e) and "busy" not in str(e):
                raise
            if time.monotonic() >= deadline:
                raise DeskBusy(
                    "the desk database is busy with another writer; nothing was saved, try again"
                ) from e
            time.sleep(0.05)
    try:
        yield db
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    else:
        try:
            conn.execute("COMMIT")
        except sqlite3.OperationalError as e:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            if "full" in str(e).lower():
                raise StoreError("the disk is full; nothing was saved") from e
            raise
