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
import urllib.parse
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, overload

from watchdesk.errors import InputError, Msg, StoreError

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


class NotADesk(StoreError):
    """An SQLite database of something else (its tables are not a watchdesk desk's)."""


def foreign_tables(db: DeskDb) -> list[str]:
    """The tables of a database that is not a watchdesk desk (none recorded as ours in
    `_sqlite_migrations`); [] for a desk, or for a database with no tables at all."""
    from watchdesk.store.stamp import LEGACY_NAMES

    tables = [
        r[0]
        for r in db.conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            " ORDER BY name"
        )
    ]
    if not tables:
        return []
    ours = {"watchdesk"} | {s for s, _ in LEGACY_NAMES}
    if "_sqlite_migrations" in tables:
        try:
            sets = {r[0] for r in db.conn.execute("SELECT migration_set FROM _sqlite_migrations")}
        except sqlite3.Error:
            sets = set()
        if sets & ours:
            return []
    return tables


def refuse_foreign(db: DeskDb, p: Path | None) -> None:
    tables = foreign_tables(db)
    if tables:
        shown = ", ".join(tables[:6]) + (" …" if len(tables) > 6 else "")
        raise NotADesk("desk.not_a_desk", path=p, tables=shown)


def explain(e: BaseException, path: str | Path | None) -> StoreError | None:
    """A user-facing StoreError for an SQLite failure that is about the file (busy, read-only,
    full, damaged, unopenable), naming the file and what to do; None for anything else (a bug).
    "database is locked" never reaches a user in SQLite's words. In the UI language."""
    from watchdesk.i18n import t

    if isinstance(e, StoreError):
        return e
    if not isinstance(e, sqlite3.Error):
        return None
    msg = str(e).lower()
    p = Path(path) if path else Path(t("desk.the_database"))
    where = dict(path=p, name=p.name, folder=p.parent)
    if "locked" in msg or "busy" in msg:
        return DeskBusy(_busy(Path(path) if path else None))
    if "readonly" in msg or "read-only" in msg:
        return DeskReadOnly("desk.read_only", **where)
    if "disk is full" in msg:
        return DeskFull("desk.full", **where)
    if "disk i/o error" in msg:
        return DeskFull("desk.io_error", **where)
    if "malformed" in msg or "not a database" in msg or "corrupt" in msg:
        return DeskDamaged("desk.damaged", error=e, **where)
    if "unable to open" in msg:
        return DeskUnavailable("desk.cannot_open", **where)
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


SQLITE_MAX = 2**63 - 1


def _too_large(parameters: Sequence | dict | None) -> InputError:
    """A whole number beyond SQLite's 64 bits given to look something up or to save (an id typed
    with twenty digits): bad input, never a crash, wherever it came from."""

    values = parameters.values() if isinstance(parameters, dict) else parameters or ()
    big = next((v for v in values if isinstance(v, int) and abs(v) > SQLITE_MAX), None)
    return InputError("number", "input.too_large", value=big, max=SQLITE_MAX)


class DeskDb:
    """The desk's open connection, used as a sqlite-utils `Database`.

    `execute` and `query` (all that reads and audited writes need) run on the sqlite3 connection
    here, with sqlite-utils' transaction rules (`execute`: a statement that opens a transaction of
    its own is committed, or rolled back when it fails, so a stray write outside `write_txn` can
    never leave a transaction open that would swallow the next saves; `query`: rows as dicts, for
    SELECTs); everything else sqlite-utils offers (tables, `Migrations`, introspection) goes to a
    `sqlite_utils.Database` on the same connection, made the first time it is asked for (every
    opening asks, for the migration check). tests/store/test_startup_path.py holds both to the
    same behaviour."""

    def __init__(self, conn: sqlite3.Connection, path: Path | None = None):
        self.conn = conn
        self.desk_path = path
        # Opened for reading only (see `connect`): what to tell a user, and why in a few words.
        self.read_only: str | None = None
        self.read_only_why: str = ""
        # Told True when a write starts waiting for another writer's lock, False when that
        # wait ends (the console shows it: `client.DeskClient`). None: no one listens.
        self.on_wait: Callable[[bool], None] | None = None
        # Told True before a write transaction begins, False when it ended (committed or not):
        # the console's maintenance steps aside for a save (`client.DeskClient`).
        self.on_write: Callable[[bool], None] | None = None

    def execute(self, sql: str, parameters: Sequence | dict | None = None) -> sqlite3.Cursor:
        was_in_transaction = self.conn.in_transaction
        try:
            if parameters is not None:
                cursor = self.conn.execute(sql, parameters)
            else:
                cursor = self.conn.execute(sql)
        except Exception as e:
            if not was_in_transaction and self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            if isinstance(e, OverflowError):
                raise _too_large(parameters) from None
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
        try:
            cursor = self.conn.execute(sql, params or ())
        except OverflowError:
            raise _too_large(params) from None
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


def _uri(p: Path, query: str) -> str:
    return f"file:{urllib.parse.quote(str(p.absolute()))}?{query}"


def _open(p: Path, target: str, *, uri: bool, readonly: bool, new: bool = False) -> DeskDb:
    """One connection with the pragmas every connection needs; raises sqlite3.Error. A file that
    is not `new` and not in WAL mode yet is first checked to be a desk: switching another
    program's database to WAL would change its file."""
    conn = sqlite3.connect(target, uri=uri, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
    try:
        db = DeskDb(conn, p)
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        if not readonly and not new:
            if db.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                refuse_foreign(db, p)
        deadline = time.monotonic() + WRITE_RETRY_SECONDS
        while True:
            # Switching a new file to WAL needs a moment of exclusive access: when several
            # processes open the desk at once (or one is migrating it), wait within the bound.
            try:
                if not readonly:
                    mode = db.execute("PRAGMA journal_mode = WAL").fetchone()[0]
                    if mode.lower() != "wal":
                        raise DeskUnavailable("desk.not_wal", path=p, mode=mode)
                db.execute("PRAGMA synchronous = FULL")
                db.execute("PRAGMA foreign_keys = ON")
                db.execute("PRAGMA recursive_triggers = ON")  # as sqlite-utils' Database sets it
                # A save touches a dozen B-tree paths (rows, indexes, full-text, audit); on a desk
                # of years, the default 2 MB page cache re-reads them from the OS on every save.
                db.execute(f"PRAGMA cache_size = {CACHE_KIB}")
                # A cheap read proves the file is a database before anyone trusts it.
                db.execute("SELECT count(*) FROM sqlite_master").fetchone()
                return db
            except sqlite3.OperationalError as e:
                msg = str(e).lower()
                if ("locked" not in msg and "busy" not in msg) or time.monotonic() >= deadline:
                    raise
                time.sleep(0.05)
    except BaseException:
        conn.close()
        raise


def _read_only_fallback(p: Path, fault: StoreError) -> DeskDb:
    """The desk opened for reading only, after opening it to write failed with `fault` (a
    read-only file, folder or mount, or a full disk: SQLite could not make `-shm` or `-wal`).

    First `mode=ro`, which reads the write-ahead log through an existing `-shm` (or one it may
    still create). Failing that, `immutable=1`, which reads the database file alone, without any
    lock or `-shm`, and so is used only when no write-ahead log holds saves beside it: otherwise
    those saves would be silently missing from what is shown. Raises `fault` (or a clearer
    StoreError) when neither works."""
    from watchdesk.i18n import t

    why = t("desk.why.full") if isinstance(fault, DeskFull) else t("desk.why.read_only")
    try:
        db = _open(p, _uri(p, "mode=ro"), uri=True, readonly=True)
    except sqlite3.Error:
        wal = Path(str(p) + "-wal")
        try:
            saves_in_wal = wal.exists() and wal.stat().st_size > 0
        except OSError:
            saves_in_wal = True
        if saves_in_wal:
            raise DeskUnavailable("desk.read_only_wal", path=p, name=p.name, why=why) from None
        try:
            db = _open(p, _uri(p, "mode=ro&immutable=1"), uri=True, readonly=True)
        except sqlite3.Error:
            raise fault from None
    db.read_only = t("desk.opened_read_only", path=p, why=why)
    db.read_only_why = why
    return db


def connect(
    path: str | Path, *, create: bool = True, readonly: bool = False, fallback: bool = True
) -> DeskDb:
    """Open (and with `create`, make) the desk file with the pragmas every connection needs.

    A desk that cannot be opened for writing because its file, folder or mount is read-only or
    its disk is full is opened for reading (`fallback`, see `_read_only_fallback`): the board
    stays readable, `db.read_only` says why nothing can be saved, and `write_txn` refuses every
    write with that reason."""
    from watchdesk.i18n import t

    p = Path(path)
    new = not p.exists() or is_empty(p)
    if not p.exists():
        if not create:
            raise DeskUnavailable("desk.missing", path=p)
        try:
            _create_private(p)
        except OSError as e:
            raise DeskUnavailable("desk.cannot_create", path=p, why=e.strerror) from e
    elif not create and is_empty(p):
        # SQLite would take an emptied file for a new database and the desk would silently
        # start again from nothing.
        raise DeskDamaged("desk.empty", path=p)
    try:
        if readonly:
            db = _open(p, _uri(p, "mode=ro"), uri=True, readonly=True)
        else:
            db = _open(p, str(p), uri=False, readonly=False, new=new)
    except (sqlite3.Error, DeskUnavailable) as e:
        fault = (
            e
            if isinstance(e, StoreError)
            else explain(e, p) or DeskUnavailable("desk.unusable", path=p, error=e)
        )
        if isinstance(fault, DeskDamaged) and "not a database" in str(e).lower():
            # Maybe the desk, damaged; maybe some other file named by mistake.
            fault = DeskDamaged("desk.not_sqlite", path=p, error=e)
        if (
            readonly
            or not fallback
            or isinstance(fault, DeskDamaged | DeskBusy)
            or not isinstance(fault, DeskReadOnly | DeskFull | DeskUnavailable)
            or is_empty(p)
        ):
            raise fault from e
        db = _read_only_fallback(p, fault)
    if db.read_only is None and not readonly and not os.access(p, os.W_OK):
        # Opened, but SQLite could only do so for reading (a read-only mount with the -wal and
        # -shm of an earlier session beside the file; a file this user may not write).
        why = t("desk.why.read_only")
        db.read_only, db.read_only_why = t("desk.opened_read_only", path=p, why=why), why
    for side in ("-wal", "-shm"):
        with contextlib.suppress(OSError):
            os.chmod(str(p) + side, 0o600)
    return db


QUICK_BUSY_MS = 150  # with someone listening, how soon a wait for the lock is announced


@contextlib.contextmanager
def write_txn(
    db: DeskDb, *, retry_seconds: float | None = None, quiet: bool = False, patient: bool = True
) -> Iterator[DeskDb]:
    """One write transaction. Takes the write lock up front (BEGIN IMMEDIATE) so two writers never
    deadlock on a lock upgrade; waits up to `retry_seconds` for another writer, then gives up
    cleanly (`retry_seconds`, default WRITE_RETRY_SECONDS). Anything raised inside rolls the
    whole transaction back; a failure of the file itself (read-only, disk full, damaged) becomes
    a StoreError naming the file.

    A desk opened read-only (`connect`) refuses at once, saying why. While it waits for another
    writer, `db.on_wait` hears True, then False when the wait ends (saved or given up), so the
    console can show that it is waiting the whole time; `quiet` (maintenance no one asked for)
    keeps that to itself. Not `patient` (maintenance on the console's DB thread): another
    writer's lock gives up at once (DeskBusy) instead of holding the thread, and the saves queued
    behind it, for seconds."""
    conn = db.conn
    if conn.in_transaction:
        # Nested use joins the outer transaction.
        yield db
        return
    path = getattr(db, "desk_path", None)
    if getattr(db, "read_only", None):
        raise DeskReadOnly(
            "desk.write_refused", path=path or "", why=getattr(db, "read_only_why", "")
        )
    listener = None if quiet else getattr(db, "on_wait", None)
    if not patient:
        retry_seconds = 0.0
    deadline = time.monotonic() + (WRITE_RETRY_SECONDS if retry_seconds is None else retry_seconds)
    waiting = False
    quick = listener is not None or not patient
    writing = getattr(db, "on_write", None)
    if writing is not None:
        _tell(writing, True)
    try:
        if quick:  # the first try is short: a wait is announced at once, or not waited at all
            conn.execute(f"PRAGMA busy_timeout = {QUICK_BUSY_MS if patient else 0}")
        try:
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
                        raise DeskBusy(_busy(path)) from e
                    if listener is not None and not waiting:
                        waiting = True
                        _tell(listener, True)
                    time.sleep(0.05)
        finally:
            if quick:
                conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
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
    finally:
        if waiting:  # saved or not: the wait is over
            _tell(listener, False)  # type: ignore[arg-type]
        if writing is not None:
            _tell(writing, False)


def _busy(path: Path | None) -> Msg:
    from watchdesk.i18n import t

    p = path or Path(t("desk.the_database"))
    return Msg("desk.busy", path=p, name=p.name, folder=p.parent)


def _tell(listener: Callable[[bool], None], waiting: bool) -> None:
    """A listener's failure (a console shutting down) never fails the save."""
    with contextlib.suppress(Exception):
        listener(waiting)


def is_empty(p: Path) -> bool:
    """A zero-byte file with no write-ahead log beside it: no database at all."""
    try:
        if p.stat().st_size:
            return False
        wal = Path(str(p) + "-wal")
        return not wal.exists() or wal.stat().st_size == 0
    except OSError:
        return False


_empty = is_empty  # the name store.backup knows it by
