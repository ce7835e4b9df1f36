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
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, overload

from watchdesk.errors import StoreError

if TYPE_CHECKING:
    from sqlite_utils import Database

BUSY_TIMEOUT_MS = 5000
CACHE_KIB = -32768  # 32 MiB page cache per connection (negative: KiB)
WRITE_RETRY_SECONDS = 15.0


class DeskBusy(StoreError):
    pass


class DeskUnavailable(StoreError):
    pass


class DeskReadOnly(StoreError):
    """The file or its folder cannot be written (permissions, a read-only mount)."""


class DeskFull(StoreError):
    """The disk (or a file-size limit) refused the write."""


class DeskDamaged(DeskUnavailable):
    """The file is not a database any more, or part of it is unreadable: restore a backup."""


def explain(e: BaseException, path: str | Path | None) -> StoreError | None:
    """A user-facing StoreError for an SQLite failure that is about the file (busy, read-only,
    full, damaged, unopenable), naming the file and what to do; None for anything else (a bug).
    "database is locked" never reaches a user in SQLite's words."""
    if isinstance(e, StoreError):
        return e
    if not isinstance(e, sqlite3.Error):
        return None
    msg = str(e).lower()
    p = Path(path) if path else Path("the desk database")
    if "locked" in msg or "busy" in msg:
        return DeskBusy(
            f"the desk database {p} is busy with another writer; nothing was saved, try again"
        )
    if "readonly" in msg or "read-only" in msg:
        return DeskReadOnly(
            f"cannot write to {p}: the file or its folder is read-only; nothing was saved (this "
            f"user needs write access to both: SQLite also writes {p.name}-wal and {p.name}-shm "
            f"beside it)"
        )
    if "disk is full" in msg:
        return DeskFull(
            f"the disk holding {p} is full; nothing was saved (free some space, "
            f"e.g. check `df -h {p.parent}`, then save again)"
        )
    if "disk i/o error" in msg:
        return DeskFull(
            f"could not write {p} (disk I/O error: the disk is full, over a size "
            f"limit or failing); nothing was saved (check `df -h {p.parent}`, then "
            f"save again)"
        )
    if "malformed" in msg or "not a database" in msg or "corrupt" in msg:
        return DeskDamaged(
            f"{p} is not a usable desk database ({e}); restore the last good "
            f"backup: "
            f"`watchdesk backup --list`, then `watchdesk restore BACKUP --yes`"
        )
    if "unable to open" in msg:
        return DeskUnavailable(
            f"cannot open {p}: check that it, its folder and any "
            f"{p.name}-wal and {p.name}-shm beside it exist and that this "
            f"user may read and write them"
        )
    return None


@overload
def to_db(dt: datetime) -> str: ...
@overload
def to_db(dt: None) -> None: ...
@overload
def to_db(dt: datetime | None) -> str | None: ...
def to_db(dt: datetime | None) -> str | None:
    """Instants are stored as UTC ISO-8601 text of one fixed shape, so text order is time order."""
    if dt is None:
        return None
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise ValueError("naive datetime reached the store")
    return dt.astimezone(UTC).isoformat(timespec="seconds")


def from_db(s: str | None) -> datetime | None:
    if s is None or s == "":
        return None
    return datetime.fromisoformat(s)


def from_db_not_null(s: str) -> datetime:
    """`from_db` for a NOT NULL column: an instant, never None (an empty text is a ValueError)."""
    dt = from_db(s)
    if dt is None:
        raise ValueError("an empty instant in a NOT NULL column")
    return dt


def _create_private(path: Path) -> None:
    """Create the file readable by its owner only before SQLite opens it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        try:
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        except FileExistsError:  # another process created it a moment ago
            return
        os.close(fd)


_TXN_KEYWORDS = {"BEGIN", "COMMIT", "END", "ROLLBACK", "SAVEPOINT", "RELEASE"}


def _first_keyword(sql: str) -> str:
    """The statement's first keyword, upper-cased, past blanks, `;`, a BOM and comments (as
    sqlite-utils reads it)."""
    i, n = 0, len(sql)
    while i < n:
        if sql[i].isspace() or sql[i] in (";", "\ufeff"):
            i += 1
        elif sql.startswith("--", i):
            newline = sql.find("\n", i)
            if newline == -1:
                return ""
            i = newline + 1
        elif sql.startswith("/*", i):
            end = sql.find("*/", i + 2)
            if end == -1:
                return ""
            i = end + 2
        else:
            break
    j = i
    while j < n and (sql[j].isalpha() or sql[j] == "_"):
        j += 1
    return sql[i:j].upper()


class DeskDb:
    """The desk's open connection, used as a sqlite-utils `Database`.

    `execute` and `query` (all that reads and audited writes need) run on the sqlite3 connection
    here, with sqlite-utils' transaction rules (`execute`: a statement that opens a transaction of
    its own is committed, or rolled back when it fails, so a stray write outside `write_txn` can
    never leave a transaction open that would swallow the next saves; `query`: rows as dicts, for
    SELECTs); everything else sqlite-utils offers (tables, `Migrations`, introspection) goes to a
    `sqlite_utils.Database` on the same connection, made the first time it is asked for.
    Importing sqlite-utils costs ~35 ms, which the console's first screen does not wait for: it
    only reads. tests/store/test_startup_path.py holds both to the same behaviour."""

    def __init__(self, conn: sqlite3.Connection, path: Path | None = None):
        self.conn = conn
        self.desk_path = path

    def execute(self, sql: str, parameters: Sequence | dict | None = None) -> sqlite3.Cursor:
        was_in_transaction = self.conn.in_transaction
        try:
            if parameters is not None:
                cursor = self.conn.execute(sql, parameters)
            else:
                cursor = self.conn.execute(sql)
        except Exception:
            if not was_in_transaction and self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise
        if (
            not was_in_transaction
            and self.conn.in_transaction
            and cursor.description is None
            and _first_keyword(sql) not in _TXN_KEYWORDS
        ):
            self.conn.execute("COMMIT")
        return cursor

    def query(self, sql: str, params: Sequence | dict | None = None) -> Iterator[dict]:
        if _first_keyword(sql) not in ("SELECT", "WITH", "VALUES"):
            raise ValueError("query() is for SELECTs; use execute() for other statements")
        cursor = self.conn.execute(sql, params or ())
        keys = [d[0] for d in cursor.description]
        return (dict(zip(keys, row)) for row in cursor)

    @cached_property
    def utils(self) -> Database:
        """The sqlite-utils Database on this connection. No sqlite-utils plugins: nothing from
        site-packages gets to hook the desk's connection."""
        from sqlite_utils import Database

        return Database(self.conn, execute_plugins=False)

    def __getitem__(self, name: str) -> Any:
        return self.utils[name]

    def __getattr__(self, name: str) -> Any:  # table_names(), schema, ... from sqlite-utils
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self.utils, name)

    def close(self) -> None:
        self.conn.close()


def connect(path: str | Path, *, create: bool = True, readonly: bool = False) -> DeskDb:
    """Open (and with `create`, make) the desk file with the pragmas every connection needs."""
    p = Path(path)
    if not p.exists():
        if not create:
            raise DeskUnavailable(
                f"no desk database at {p} (run `watchdesk init` or `watchdesk demo`)"
            )
        try:
            _create_private(p)
        except OSError as e:
            raise DeskUnavailable(f"cannot create the desk database at {p}: {e.strerror}") from e
    elif not create and _empty(p):
        # SQLite would take an emptied file for a new database and the desk would silently
        # start again from nothing.
        raise DeskDamaged(
            f"{p} is not a usable desk database (it is empty, 0 bytes); restore "
            f"the last good backup: `watchdesk backup --list`, then "
            f"`watchdesk restore BACKUP --yes`"
        )
    try:
        if readonly:
            conn = sqlite3.connect(
                f"file:{p}?mode=ro",
                uri=True,
                timeout=BUSY_TIMEOUT_MS / 1000,
                check_same_thread=False,
            )
        else:
            conn = sqlite3.connect(str(p), timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
        db = DeskDb(conn, p)
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        deadline = time.monotonic() + WRITE_RETRY_SECONDS
        while True:
            # Switching a new file to WAL needs a moment of exclusive access: when several
            # processes open the desk at once (or one is migrating it), wait within the bound.
            try:
                if not readonly:
                    mode = db.execute("PRAGMA journal_mode = WAL").fetchone()[0]
                    if mode.lower() != "wal":
                        raise DeskUnavailable(f"cannot switch {p} to WAL mode (got {mode})")
                db.execute("PRAGMA synchronous = FULL")
                db.execute("PRAGMA foreign_keys = ON")
                db.execute("PRAGMA recursive_triggers = ON")  # as sqlite-utils' Database sets it
                # A save touches a dozen B-tree paths (rows, indexes, full-text, audit); on a desk
                # of years, the default 2 MB page cache re-reads them from the OS on every save.
                db.execute(f"PRAGMA cache_size = {CACHE_KIB}")
                # A cheap read proves the file is a database before anyone trusts it.
                db.execute("SELECT count(*) FROM sqlite_master").fetchone()
                break
            except sqlite3.OperationalError as e:
                msg = str(e).lower()
                if ("locked" not in msg and "busy" not in msg) or time.monotonic() >= deadline:
                    raise
                time.sleep(0.05)
    except sqlite3.Error as e:
        raise (explain(e, p) or DeskUnavailable(f"{p} is not a usable desk database: {e}")) from e
    for side in ("-wal", "-shm"):
        with contextlib.suppress(OSError):
            os.chmod(str(p) + side, 0o600)
    return db


@contextlib.contextmanager
def write_txn(db: DeskDb, *, retry_seconds: float = WRITE_RETRY_SECONDS) -> Iterator[DeskDb]:
    """One write transaction. Takes the write lock up front (BEGIN IMMEDIATE) so two writers never
    deadlock on a lock upgrade; waits up to `retry_seconds` for another writer, then gives up
    cleanly. Anything raised inside rolls the whole transaction back; a failure of the file
    itself (read-only, disk full, damaged) becomes a StoreError naming the file."""
    conn = db.conn
    if conn.in_transaction:
        # Nested use joins the outer transaction.
        yield db
        return
    path = getattr(db, "desk_path", None)
    deadline = time.monotonic() + retry_seconds
    while True:
        try:
            conn.execute("BEGIN IMMEDIATE")
            break
        except sqlite3.OperationalError as e:
            if "locked" not in str(e) and "busy" not in str(e):
                fault = explain(e, path)
                if fault is None:
                    raise
                raise fault from e
            if time.monotonic() >= deadline:
                raise DeskBusy(
                    "the desk database is busy with another writer; nothing was saved, try again"
                ) from e
            time.sleep(0.05)
    try:
        yield db
        conn.execute("COMMIT")
    except BaseException as e:
        if conn.in_transaction:
            with contextlib.suppress(sqlite3.Error):  # keep the first error, not the rollback's
                conn.execute("ROLLBACK")
        if isinstance(e, sqlite3.Error) and not isinstance(e, sqlite3.IntegrityError):
            fault = explain(e, path)
            if fault is not None:
                raise fault from e
        raise


def _empty(p: Path) -> bool:
    """A zero-byte file with no write-ahead log beside it: no database at all."""
    try:
        if p.stat().st_size:
            return False
        wal = Path(str(p) + "-wal")
        return not wal.exists() or wal.stat().st_size == 0
    except OSError:
        return False
