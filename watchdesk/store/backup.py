"""Online backups of the desk: taken, rotated, verified and restored with SQLite's backup API.

A backup is a single self-contained SQLite file (rollback-journal mode, no -wal beside it) in
`<desk folder>/backups/<desk stem>/` unless another folder is given, named
`<stem>-<UTC time>-<reason>.db`, readable by its owner only and fsynced before it gets its name.
The backup API copies a consistent snapshot while other processes keep writing (WAL readers do
not block writers), and restoring through it is one transaction on the live file: consoles that
have the desk open simply see the restored content at their next read, and a restore that is
interrupted leaves the desk as it was.

Every new backup is `quick_check`ed before it counts: a desk that has gone bad must not push its
last good backups out of the rotation. Never imports textual.
"""

from __future__ import annotations

import contextlib
import glob
import json
import os
import re
import shutil
import sqlite3
import time
import urllib.parse
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from watchdesk.errors import StoreError, os_msg
from watchdesk.models.audit import ChainHead
from watchdesk.store.audit import CheckResult
from watchdesk.store.db import (
    BUSY_TIMEOUT_MS,
    WRITE_RETRY_SECONDS,
    DeskBusy,
    DeskDamaged,
    DeskDb,
    DeskReadOnly,
    DeskUnavailable,
    explain,
)

REASONS = ("handover", "daily", "manual", "pre-restore")
DAMAGED = "damaged"  # a desk file set aside by `restore`; listed, never restored from silently
# How many backups of each reason to keep (newest first). Each backup is a full copy of the desk.
DEFAULT_KEEP: dict[str, int] = {
    "handover": 14,
    "daily": 14,
    "manual": 10,
    "pre-restore": 5,
    DAMAGED: 3,
}
DAILY_EVERY = timedelta(hours=24)

_STAMP = "%Y%m%dT%H%M%SZ"
_NAME = re.compile(r"^(?P<stem>.+)-(?P<ts>\d{8}T\d{6}Z)-(?P<reason>[a-z-]+?)(?:-(?P<n>\d+))?\.db$")


class BackupError(StoreError):
    """A backup could not be taken, verified or restored; the message says what to do."""


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    reason: str
    taken_at: datetime  # UTC, from the file name
    seq: int = 0  # several backups in one second: 0, 2, 3, …
    size: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "name": self.path.name,
            "reason": self.reason,
            "taken_at": self.taken_at.isoformat(),
            "size": self.size,
        }


@dataclass
class RestoreResult:
    backup: Path
    db_path: Path
    pre_restore: BackupInfo | None  # the desk as it was, when it could be read
    set_aside: list[Path] = field(default_factory=list)  # damaged or stray files moved away
    check: CheckResult = field(default_factory=CheckResult)

    def to_json(self) -> dict[str, Any]:
        return {
            "restored_from": str(self.backup),
            "db": str(self.db_path),
            "pre_restore": self.pre_restore.to_json() if self.pre_restore else None,
            "set_aside": [str(p) for p in self.set_aside],
            "check": {
                "ok": self.check.ok,
                "integrity": self.check.integrity,
                "audit_entries": self.check.audit_entries,
                "problems": self.check.problems,
            },
        }


# -- where backups live --------------------------------------------------------------------------
def desk_path_of(source: Any) -> Path:
    """The desk file behind a path, a Store, or a Database opened by `db.connect`."""
    if isinstance(source, (str, os.PathLike)):
        return Path(source)
    db = getattr(source, "db", source)
    path = getattr(db, "desk_path", None)
    if path is None and isinstance(db, (DeskDb, Database)):
        rows = db.execute("PRAGMA database_list").fetchall()
        path = next((r[2] for r in rows if r[1] == "main" and r[2]), None)
    if not path:
        raise BackupError("err.backup.no_file")
    return Path(path)


def backup_dir(db_path: str | Path, directory: str | Path | None = None) -> Path:
    """`directory` if given, else `<desk folder>/backups/<desk stem>/`."""
    p = Path(db_path)
    return Path(directory) if directory else p.parent / "backups" / p.stem


def _parse(path: Path, stem: str) -> BackupInfo | None:
    m = _NAME.match(path.name)
    if not m or m["stem"] != stem or m["reason"] not in (*REASONS, DAMAGED):
        return None
    at = datetime.strptime(m["ts"], _STAMP).replace(tzinfo=UTC)
    try:
        size = path.stat().st_size
    except OSError:
        return None
    return BackupInfo(path, m["reason"], at, int(m["n"] or 0), size)


def list_backups(
    db_path: str | Path, directory: str | Path | None = None, *, reason: str | None = None
) -> list[BackupInfo]:
    """This desk's backups, newest first (optionally of one reason)."""
    d = backup_dir(db_path, directory)
    stem = Path(db_path).stem
    try:
        names = list(d.iterdir())
    except FileNotFoundError:
        return []
    except OSError as e:
        raise BackupError("err.backup.folder_unreadable", folder=d, why=os_msg(e)) from e
    out = [
        b for b in (_parse(p, stem) for p in names) if b and (reason is None or b.reason == reason)
    ]
    return sorted(out, key=lambda b: (b.taken_at, b.seq, _mtime(b.path)), reverse=True)


def _mtime(p: Path) -> int:
    """Orders backups of one second (file names have whole seconds)."""
    try:
        return p.stat().st_mtime_ns
    except OSError:
        return 0


def _keep_for(keep: int | Mapping[str, int] | None, reason: str) -> int:
    if isinstance(keep, int):
        n = keep
    else:
        n = {**DEFAULT_KEEP, **(keep or {})}.get(reason, DEFAULT_KEEP["manual"])
    return max(1, int(n))


def rotate(
    db_path: str | Path,
    directory: str | Path | None = None,
    *,
    keep: int | Mapping[str, int] | None = None,
    reasons: Iterable[str] = (*REASONS, DAMAGED),
) -> list[Path]:
    """Delete all but the newest `keep` backups of each reason (an int applies to every reason;
    a mapping overrides DEFAULT_KEEP). Returns what was deleted."""
    removed: list[Path] = []
    all_ = list_backups(db_path, directory)
    for reason in reasons:
        mine = [b for b in all_ if b.reason == reason]
        for b in mine[_keep_for(keep, reason) :]:
            with contextlib.suppress(FileNotFoundError):
                b.path.unlink()
                removed.append(b.path)
            for side in ("-wal", "-shm"):  # beside a desk file that was set aside
                with contextlib.suppress(FileNotFoundError):
                    Path(str(b.path) + side).unlink()
    _sweep_parts(backup_dir(db_path, directory))
    return removed


def _sweep_parts(d: Path) -> None:
    """Half-written copies (`.….part`) left by a backup or restore that was killed: removed as
    soon as the process that wrote them is gone (its pid is in the name)."""
    from watchdesk.store.replica import _pid_alive, _pid_in

    with contextlib.suppress(OSError):
        for p in d.glob(".*.part*"):
            pid = _pid_in(p.name)
            if pid is None or pid == os.getpid() or _pid_alive(pid):
                continue
            with contextlib.suppress(OSError):
                p.unlink()


def sweep(db_path: str | Path, directory: str | Path | None = None) -> None:
    """At start (console, `watchdesk backup`): remove what a killed backup left behind."""
    _sweep_parts(backup_dir(db_path, directory))


def rotate_points(
    db_path: str | Path,
    directory: str | Path | None = None,
    *,
    keep: int | Mapping[str, int] | None = None,
    reasons: Iterable[str] = REASONS,
) -> list[Path]:
    """Delete all but the newest `keep` restore-point records of each reason (Litestream's own
    retention removes what the replica no longer needs)."""
    from watchdesk.store.replica import list_points

    removed: list[Path] = []
    points = list_points(db_path, directory)
    for reason in reasons:
        for pt in [p for p in points if p.reason == reason][_keep_for(keep, reason) :]:
            with contextlib.suppress(FileNotFoundError):
                pt.path.unlink()
                removed.append(pt.path)
    return removed


def recorded_heads(
    db_path: str | Path, directory: str | Path | None = None
) -> list[tuple[str, ChainHead, Path | None]]:
    """The audit chain heads this desk's backups recorded: each restore point's record (no file
    of its own: None), and each full copy's newest entry (the copy is the record)."""
    from watchdesk.store.replica import chain_head_of, list_points

    done = restores(db_path, directory)
    out: list[tuple[str, ChainHead, Path | None]] = [
        (pt.name, pt.head, None)
        for pt in list_points(db_path, directory)
        if pt.head is not None and not superseded(pt.taken_at, pt.head, done)
    ]
    for b in list_backups(db_path, directory):
        if b.reason == DAMAGED:
            continue
        head = chain_head_of(b.path)
        if head is not None and not superseded(b.taken_at, head, done):
            out.append((b.path.name, head, b.path))
    return out


def due_daily(
    db_path: str | Path,
    directory: str | Path | None = None,
    *,
    now: datetime | None = None,
    every: timedelta = DAILY_EVERY,
) -> bool:
    """True when no daily backup (a restore point or a full copy) is younger than `every`."""
    from watchdesk.store.replica import list_points

    now = now or datetime.now(UTC)
    times = [b.taken_at for b in list_backups(db_path, directory, reason="daily")]
    times += [p.taken_at for p in list_points(db_path, directory, reason="daily")]
    return not times or now - max(times) >= every


# -- low-level copying ---------------------------------------------------------------------------
def _uri(path: Path, mode: str) -> str:
    return f"file:{urllib.parse.quote(str(path.resolve()))}?mode={mode}"


def _fsync(path: Path, *, directory: bool = False) -> None:
    fd = os.open(path, os.O_RDONLY | (os.O_DIRECTORY if directory else 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _copy(src: sqlite3.Connection, dst: sqlite3.Connection, wait: float) -> None:
    """All pages in one step (one consistent snapshot, one transaction on the destination).
    Python retries a busy step for ever; the progress callback bounds that wait."""
    deadline = time.monotonic() + wait

    def progress(status: int, remaining: int, total: int) -> None:
        if status in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) and time.monotonic() > deadline:
            raise DeskBusy("err.backup.busy")

    src.backup(dst, pages=-1, progress=progress, sleep=0.05)


def _open_source(path: Path) -> sqlite3.Connection:
    from watchdesk.store.db import _empty

    if not path.exists():
        raise DeskUnavailable("err.backup.no_desk", path=path)
    if _empty(path):  # SQLite would copy it as an empty database and rotate good backups away
        raise DeskDamaged("err.backup.empty_desk", path=path)
    try:
        try:
            conn = sqlite3.connect(_uri(path, "rw"), uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.OperationalError as e:
            if "readonly" not in str(e) and "unable to open" not in str(e):
                raise
            # A desk we may only read can still be copied.
            conn = sqlite3.connect(_uri(path, "ro"), uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.Error as e:
        raise (
            explain(e, path) or DeskUnavailable("err.backup.unreadable", path=path, error=e)
        ) from e
    return conn


def _quick_check(conn: sqlite3.Connection) -> str:
    """ "ok", or SQLite's findings on one line."""
    try:
        rows = conn.execute("PRAGMA quick_check").fetchall()
    except sqlite3.DatabaseError as e:
        return str(e)
    return " ".join("; ".join(r[0] for r in rows).split())


def _new_name(d: Path, stem: str, reason: str, at: datetime) -> Path:
    base = f"{stem}-{at.astimezone(UTC).strftime(_STAMP)}-{reason}"
    p, n = d / f"{base}.db", 1
    while p.exists():
        n += 1
        p = d / f"{base}-{n}.db"
    return p


def _publish(tmp: Path, d: Path, stem: str, reason: str, at: datetime) -> Path:
    """Give the finished copy its name without replacing a backup taken in the same second."""
    while True:
        final = _new_name(d, stem, reason, at)
        try:
            os.link(tmp, final)
        except FileExistsError:
            continue
        except OSError:  # no hard links on this file system
            os.replace(tmp, final)
        _fsync(d, directory=True)
        return final


def _make_dir(d: Path) -> None:
    try:
        d.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as e:
        raise BackupError("err.backup.cannot_mkdir", folder=d, why=os_msg(e)) from e


def _write_failure(e: BaseException, where: Path) -> BackupError:
    why = os_msg(e) if isinstance(e, OSError) else str(e)
    return BackupError("err.backup.cannot_write", where=where, why=why)


# -- taking ------------------------------------------------------------------------------------
def take(
    source: Any,
    *,
    reason: str = "manual",
    directory: str | Path | None = None,
    keep: int | Mapping[str, int] | None = None,
    now: datetime | None = None,
    check: bool = True,
) -> BackupInfo:
    """Back the desk up now and rotate that reason's backups. `source` is the desk's path, a
    Store or its Database (the copy uses a connection of its own, so call it from any thread).
    With `check` (the default) the copy must pass `PRAGMA quick_check`; a copy that fails is
    kept as `…-damaged.db` beside the others and BackupError is raised, so the desk's damage is
    noticed and the older good backups are not rotated away."""
    if reason not in REASONS:
        raise ValueError(f"reason must be one of {', '.join(REASONS)} (got {reason!r})")
    db_path = desk_path_of(source)
    d = backup_dir(db_path, directory)
    now = now or datetime.now(UTC)
    try:
        src = _open_source(db_path)
    except DeskDamaged as e:
        from watchdesk.store.db import _empty

        if _empty(db_path):  # nothing to keep
            raise
        _keep_damaged(db_path, d, directory, keep, now, e)
    try:
        _make_dir(d)
        tmp = d / f".{db_path.stem}-{reason}.{os.getpid()}.{time.monotonic_ns()}.part"
        try:
            fd = os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
            os.close(fd)
        except OSError as e:
            raise _write_failure(e, d) from e
        try:
            dst = sqlite3.connect(str(tmp))
            try:
                _copy(src, dst, WRITE_RETRY_SECONDS)
                # A standalone file: no -wal to forget when it is copied elsewhere.
                dst.execute("PRAGMA journal_mode = DELETE").fetchone()
                verdict = _quick_check(dst) if check else "ok"
            finally:
                dst.close()
            _fsync(tmp)
            if verdict != "ok":
                bad = _publish(tmp, d, db_path.stem, DAMAGED, now)
                rotate(db_path, directory, keep=keep, reasons=[DAMAGED])
                raise BackupError(
                    "err.backup.damaged", path=db_path, error=verdict[:200], kept=bad.name
                )
            final = _publish(tmp, d, db_path.stem, reason, now)
        except DeskBusy:
            raise
        except sqlite3.Error as e:
            msg = str(e).lower()
            if "malformed" in msg or "not a database" in msg:
                raise (explain(e, db_path) or BackupError(str(e))) from e
            raise _write_failure(e, d) from e
        except OSError as e:
            raise _write_failure(e, d) from e
        finally:
            with contextlib.suppress(OSError):
                tmp.unlink()
            for side in ("-journal", "-wal", "-shm"):
                with contextlib.suppress(OSError):
                    Path(str(tmp) + side).unlink()
    finally:
        src.close()
    info = _parse(final, db_path.stem)
    assert info is not None
    rotate(db_path, directory, keep=keep, reasons=[reason])
    return info


def _keep_damaged(
    db_path: Path,
    d: Path,
    directory: str | Path | None,
    keep: int | Mapping[str, int] | None,
    now: datetime,
    e: DeskDamaged,
) -> None:
    """A desk damaged where SQLite cannot even read its schema: its bytes are kept as
    `…-damaged.db`, like a copy that fails its check, and BackupError is raised; the good backups
    are left alone."""
    _make_dir(d)
    tmp = d / f".{db_path.stem}-{DAMAGED}.{os.getpid()}.{time.monotonic_ns()}.part"
    try:
        fd = os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        with os.fdopen(fd, "wb") as out, open(db_path, "rb") as f:
            shutil.copyfileobj(f, out)
        _fsync(tmp)
        bad = _publish(tmp, d, db_path.stem, DAMAGED, now)
    except OSError as x:
        raise _write_failure(x, d) from x
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()
    rotate(db_path, directory, keep=keep, reasons=[DAMAGED])
    raise BackupError("err.backup.damaged_bytes", path=db_path, error=e, kept=bad.name) from e


# -- verifying ---------------------------------------------------------------------------------
def verify(path: str | Path) -> CheckResult:
    """`PRAGMA integrity_check` plus the audit chain (watchdesk.store.audit.verify) of a backup
    (or any desk file), opened read-only. Problems are in the result, never raised."""
    from watchdesk.store.audit import verify as audit_verify

    p = Path(path)
    if not p.is_file():
        return CheckResult(integrity="missing", problems=[f"no file at {p}"])
    try:
        conn = sqlite3.connect(_uri(p, "ro"), uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
    except sqlite3.Error as e:
        return CheckResult(integrity=str(e), problems=[f"{p} cannot be opened: {e}"])
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "audit" not in tables:
            return CheckResult(
                integrity="ok", problems=[f"{p} is not a watchdesk desk (it has no audit log)"]
            )
        return audit_verify(DeskDb(conn, p))
    except sqlite3.DatabaseError as e:
        return CheckResult(integrity=str(e), problems=[f"{p} is damaged: {e}"])
    finally:
        conn.close()


# -- restoring ---------------------------------------------------------------------------------
def find(name: str | Path, db_path: str | Path, directory: str | Path | None = None) -> Path:
    """A backup given as a path, or as a file name in the desk's backup folder."""
    p = Path(name)
    if p.is_file():
        return p
    q = backup_dir(db_path, directory) / p.name
    if p.parent == Path(".") and q.is_file():
        return q
    raise BackupError("err.backup.not_found", path=p)


def _state(path: Path) -> str:
    """What is at the desk path now: missing, unreadable (not a database, emptied), damaged
    (a database whose quick_check fails) or ok."""
    from watchdesk.store.db import _empty

    if not path.exists():
        return "missing"
    if not os.access(path, os.R_OK | os.W_OK) or not os.access(path.parent, os.W_OK):
        raise DeskReadOnly("err.backup.restore_read_only", path=path)
    if _empty(path):
        return "unreadable"
    try:
        conn = sqlite3.connect(_uri(path, "rw"), uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.Error as e:
        fault = explain(e, path)
        if isinstance(fault, DeskDamaged):
            return "unreadable"
        raise (fault or DeskUnavailable("err.backup.cannot_open", path=path, error=e)) from e
    try:
        return "ok" if _quick_check(conn) == "ok" else "damaged"
    finally:
        conn.close()


def _set_aside(db_path: Path, d: Path, now: datetime, *, move: bool) -> list[Path]:
    """Keep the desk file as it is now (and any -wal beside it) in the backup folder as
    `…-damaged.db`. With `move` the files leave the desk's folder: a stray -wal must never be
    replayed into the restored file."""
    moved: list[Path] = []
    _make_dir(d)
    target = _new_name(d, db_path.stem, DAMAGED, now)
    try:
        for side in ("", "-wal", "-shm"):
            src = Path(str(db_path) + side)
            if not src.exists():
                continue
            dest = Path(str(target) + side)
            if move:
                try:
                    os.replace(src, dest)
                except OSError:  # another file system: copy, then remove
                    shutil.copy2(src, dest)
                    src.unlink()
            elif side != "-shm":
                shutil.copy2(src, dest)
            else:
                continue
            os.chmod(dest, 0o600)
            moved.append(dest)
        if moved:
            _fsync(d, directory=True)
            _fsync(db_path.parent, directory=True)
    except OSError as e:
        raise _write_failure(e, d) from e
    return moved


def restore(
    backup: str | Path,
    db_path: str | Path,
    *,
    directory: str | Path | None = None,
    keep: int | Mapping[str, int] | None = None,
    now: datetime | None = None,
) -> RestoreResult:
    """Replace the desk at `db_path` with `backup`.

    1. The backup must pass `verify` (integrity and audit chain), else nothing is touched.
    2. The current desk is kept: a readable one as a `pre-restore` backup, a damaged or
       unreadable one as a `…-damaged.db` copy in the backup folder.
    3. A desk that is still a database is overwritten through the backup API in one
       transaction, so consoles that have it open are safe and an interrupted restore changes
       nothing. A missing or unreadable file is replaced by a fsynced copy renamed into place
       (close every console first in that case).
    """
    src_path = Path(backup)
    db_path = Path(db_path)
    now = now or datetime.now(UTC)
    d = backup_dir(db_path, directory)
    if db_path.exists() and src_path.resolve() == db_path.resolve():
        raise BackupError("err.backup.is_the_desk", path=src_path)
    res = verify(src_path)
    if not res.ok:
        first = res.problems[0] if res.problems else f"integrity_check: {res.integrity[:200]}"
        raise BackupError("err.backup.failed_check", path=src_path, problem=first)
    check_anchors(src_path, db_path, directory)
    result = RestoreResult(backup=src_path, db_path=db_path, pre_restore=None)
    state = _state(db_path)
    if state == "ok":
        try:
            result.pre_restore = take(
                db_path, reason="pre-restore", directory=directory, keep=keep, now=now
            )
        except BackupError as e:
            raise BackupError("err.backup.pre_restore", error=e) from e
        _restore_live(src_path, db_path)
    elif state == "damaged":
        result.set_aside = _set_aside(db_path, d, now, move=False)
        try:
            _restore_live(src_path, db_path)
        except DeskDamaged:  # not even the header can be written through SQLite
            result.set_aside += _set_aside(db_path, d, now, move=True)
            _restore_fresh(src_path, db_path)
    else:
        result.set_aside = _set_aside(db_path, d, now, move=True)
        _restore_fresh(src_path, db_path)
    rotate(db_path, directory, keep=keep, reasons=[DAMAGED])
    result.check = verify(db_path)
    _record_restore(d, db_path.stem, now, src_path)
    return result


# -- restores on record: a deliberate step back in history ------------------------------------
RESTORED_SUFFIX = ".restored.json"


def _record_restore(d: Path, stem: str, at: datetime, source: Path) -> None:
    """Write down, beside the backups, that the desk was put back to the chain head of
    `source` at `at`. Backups taken before this restore that hold later history are anchors of
    a history the office abandoned on purpose: `recorded_heads` sets them aside instead of
    reporting every later `check` as a rewrite. The record is only as strong as the backup
    folder it sits in, as those backups themselves are."""
    from watchdesk.store.replica import chain_head_of

    head = chain_head_of(source)
    if head is None:
        return
    path = d / f"{stem}-{at.strftime(_STAMP)}{RESTORED_SUFFIX}"
    body = json.dumps(
        {"at": at.isoformat(), "head": head.model_dump(), "from": source.name},
        ensure_ascii=False,
    )
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(body)
            f.flush()
            os.fsync(f.fileno())
        _fsync(d, directory=True)
    except OSError as e:
        raise _write_failure(e, path) from e


def restores(
    db_path: str | Path, directory: str | Path | None = None
) -> list[tuple[datetime, ChainHead]]:
    """(when, head the desk was put back to) of each recorded restore of this desk, oldest
    first; unreadable records are skipped (they only ever set anchors aside)."""
    d = backup_dir(db_path, directory)
    stem = Path(db_path).stem
    out = []
    try:
        names = sorted(d.glob(f"{glob.escape(stem)}-*{RESTORED_SUFFIX}"))
    except OSError:
        return []
    for path in names:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            out.append((datetime.fromisoformat(data["at"]), ChainHead(**data["head"])))
        except (OSError, ValueError, KeyError, TypeError):
            continue
    return sorted(out, key=lambda r: r[0])


def superseded(taken_at: datetime, head: ChainHead, done: list[tuple[datetime, ChainHead]]) -> bool:
    """True when a restore after `taken_at` put the desk back before `head`: that backup holds
    history the office stepped back from on purpose."""
    return any(taken_at < at and head.seq > back.seq for at, back in done)


def check_anchors(candidate: Path, db_path: Path, directory: str | Path | None) -> None:
    """The one call site of the anchors check (issue 18): a candidate whose audit chain does
    not hold the heads recorded since (frozen sheets, other backups) is refused before anything
    is touched. `store.anchors` raises its own worded error."""
    from watchdesk.store import anchors

    verify_candidate = getattr(anchors, "verify_restore_candidate", None)
    if verify_candidate is not None:
        verify_candidate(candidate, db_path, directory, chain_verified=True)


def restore_point(
    point: Any,
    db_path: str | Path,
    *,
    directory: str | Path | None = None,
    keep: int | Mapping[str, int] | None = None,
    now: datetime | None = None,
) -> RestoreResult:
    """Replace the desk with the desk as it stood at a restore point (a
    `replica.RestorePoint`) or at a time (a datetime): rebuilt from the replica into a new
    file in the backup folder, then restored like a full copy (verified, anchors, pre-restore
    copy), and the file removed."""
    from watchdesk.store import replica

    db_path = Path(db_path)
    lay = replica.layout(db_path, directory)
    _sweep_parts(lay.folder)
    if isinstance(point, datetime):
        cand, _ = replica.restore_candidate(lay, when=point)
    else:
        cand, _ = replica.restore_candidate(lay, txid=point.txid)
    try:
        if not isinstance(point, datetime) and point.head is not None:
            got = replica.chain_head_of(cand)
            if got is None or got.seq < point.head.seq:
                raise BackupError(
                    "backup.point.short",
                    name=point.name,
                    want=point.head.short,
                    got=got.short if got else "-",
                )
        result = restore(cand, db_path, directory=directory, keep=keep, now=now)
        result.backup = Path(point.name if not isinstance(point, datetime) else point.isoformat())
        return result
    finally:
        replica.remove_candidate(cand)


def _restore_live(src_path: Path, db_path: Path) -> None:
    src = sqlite3.connect(_uri(src_path, "ro"), uri=True)
    try:
        dst = sqlite3.connect(str(db_path), timeout=1.0)
        try:
            dst.execute("PRAGMA synchronous = FULL")
            _copy(src, dst, WRITE_RETRY_SECONDS)
        except sqlite3.Error as e:
            raise (explain(e, db_path) or BackupError("err.backup.restore_failed", error=e)) from e
        finally:
            dst.close()
    finally:
        src.close()


def _restore_fresh(src_path: Path, db_path: Path) -> None:
    tmp = db_path.parent / f".{db_path.name}.restore.{os.getpid()}.part"
    try:
        db_path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        os.close(fd)
        src = sqlite3.connect(_uri(src_path, "ro"), uri=True)
        try:
            dst = sqlite3.connect(str(tmp))
            try:
                _copy(src, dst, WRITE_RETRY_SECONDS)
                dst.execute("PRAGMA journal_mode = WAL").fetchone()
            finally:
                dst.close()
        finally:
            src.close()
        _fsync(tmp)
        os.replace(tmp, db_path)
        _fsync(db_path.parent, directory=True)
    except (OSError, sqlite3.Error) as e:
        raise _write_failure(e, db_path.parent) from e
    finally:
        for side in ("", "-journal", "-wal", "-shm"):
            with contextlib.suppress(OSError):
                Path(str(tmp) + side).unlink()
