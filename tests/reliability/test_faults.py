"""Faults of the desk file: read-only, disk full, missing, corrupt.

For each: the CLI says what is wrong in one line (no traceback) naming the file, nothing already
saved is lost, the input file the user gave is untouched, and there is a way back (fix the
cause and save again, or `watchdesk restore` a backup) that is exercised end to end.
"""

from __future__ import annotations

import json
import os
import random
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tests.reliability._workers import (
    FORK,
    NOBODY,
    Acks,
    drain,
    in_child,
    incident_json,
    is_root,
    one_line_error,
    read_until,
    run_main,
    seed_desk,
    writer_main,
)
from watchdesk.store import backup as backups

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def world(monkeypatch):
    """A folder outside pytest's private tmp tree, so an unprivileged child can reach it."""
    d = Path(tempfile.mkdtemp(prefix="watchdesk-faults-"))
    os.chmod(d, 0o755)
    monkeypatch.setenv("WATCHDESK_CONFIG", str(d / "no-config.toml"))
    yield d
    shutil.rmtree(d, ignore_errors=True)


def _incidents(db: Path) -> set[int]:
    conn = sqlite3.connect(db)  # read-write: a read-only one would leave root's -shm behind
    try:
        return {r[0] for r in conn.execute("SELECT id FROM incidents")}
    finally:
        conn.close()


def _desk_ok(db: Path) -> None:
    res = backups.verify(db)
    assert res.ok, (res.integrity, res.problems[:3])


def _input(d: Path) -> tuple[Path, bytes]:
    inp = d / "inc.json"
    inp.write_text(incident_json(), encoding="utf-8")
    os.chmod(inp, 0o644)
    return inp, inp.read_bytes()


def _warm_up(scratch: Path, inp: Path):
    """Run every command once before privileges are dropped: the unprivileged child cannot
    import modules from a root-only virtualenv."""

    def setup() -> None:
        db = scratch / "warm.db"
        assert run_main(["init", "--db", str(db)])["code"] == 0
        for argv in (
            ["incident", "add", "--json", str(inp)],
            ["incident", "list"],
            ["check"],
            ["backup", "--full", "--dir", str(scratch / "b")],
        ):
            run_main([*argv, "--db", str(db)])

    return setup


# -- read-only ---------------------------------------------------------------------------------
@pytest.mark.parametrize("what", ["file", "folder"])
def test_read_only_desk(world, what):
    desk = world / "desk" / "desk.db"
    desk.parent.mkdir()
    seed_desk(desk)
    before = _incidents(desk)
    inp, inp_bytes = _input(world)
    scratch = world / "scratch"
    scratch.mkdir(mode=0o777)
    os.chmod(scratch, 0o777)
    root = is_root()
    owner = NOBODY if root else os.getuid()
    if what == "file":  # the folder is writable, the file is not
        os.chown(desk.parent, owner, owner)
        os.chown(desk, owner, owner)
        os.chmod(desk, 0o444)
    else:  # the file is writable, its folder is not (no room for -wal and -shm)
        os.chown(desk, owner, owner)
        os.chmod(desk, 0o644)
        os.chmod(desk.parent, 0o755 if root else 0o555)

    def attempt() -> dict:
        out = {
            "add": run_main(["incident", "add", "--json", str(inp), "--db", str(desk)]),
            "list": run_main(["incident", "list", "--db", str(desk)]),
        }
        out["backup"] = run_main(
            ["backup", "--full", "--db", str(desk), "--dir", str(scratch / "bk")]
        )
        return out

    res = in_child(attempt, as_nobody=root, setup=_warm_up(scratch, inp), timeout=60)
    assert res["add"]["code"] == 1
    line = one_line_error(res["add"])
    assert str(desk) in line and "read-only" in line and "nothing was saved" in line, line
    if what == "file":
        assert res["list"]["code"] == 0  # reading still works
        assert res["backup"]["code"] == 0, res["backup"]["err"]  # and the data can be copied out
    else:  # no -shm can be made beside it: read without one (issue 13), writes refused
        assert res["list"]["code"] == 0, res["list"]["err"]
        assert "open read-only" in res["list"]["err"]
    assert inp.read_bytes() == inp_bytes
    if not root:
        os.chmod(desk.parent, 0o755)
    assert _incidents(desk) == before
    # The way back: give the user write access, then the same command saves.
    if what == "file":
        os.chmod(desk, 0o644)
    else:
        os.chown(desk.parent, owner, owner)
    again = in_child(
        run_main,
        ["incident", "add", "--json", str(inp), "--db", str(desk)],
        as_nobody=root,
        setup=_warm_up(scratch, inp),
        timeout=60,
    )
    assert again["code"] == 0, again["err"]
    assert len(_incidents(desk)) == len(before) + 1
    _desk_ok(desk)


# -- disk full ---------------------------------------------------------------------------------
def _fill_under_limit(desk: str, inp: str, limit: int) -> dict:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    acked = []
    for _ in range(500):
        res = run_main(["incident", "add", "--json", inp, "--db", desk])
        if res["code"]:
            return {"acked": acked, "failure": res}
        acked.append(json.loads(res["out"])["id"])
    return {"acked": acked, "failure": None}


def test_disk_full_by_file_size_limit(tmp_path):
    """RLIMIT_FSIZE in a child: the write-ahead log cannot grow (SQLite sees EFBIG, 'disk I/O
    error'); works without privileges."""
    desk = tmp_path / "desk.db"
    seed_desk(desk)
    before = _incidents(desk)
    inp, inp_bytes = _input(tmp_path)
    limit = desk.stat().st_size + 200 * 1024
    res = in_child(
        _fill_under_limit, str(desk), str(inp), limit, setup=_warm_up(tmp_path, inp), timeout=120
    )
    assert res["failure"] is not None and res["acked"], "the limit was never reached"
    assert res["failure"]["code"] == 1
    line = one_line_error(res["failure"])
    assert str(desk) in line and "nothing was saved" in line and "df -h" in line, line
    assert inp.read_bytes() == inp_bytes
    _desk_ok(desk)
    assert _incidents(desk) >= before | set(res["acked"])
    again = run_main(["incident", "add", "--json", str(inp), "--db", str(desk)])
    assert again["code"] == 0, again["err"]  # space again: the same input saves


def test_backup_to_a_full_disk_leaves_no_partial_file(tmp_path):
    desk = tmp_path / "desk.db"
    seed_desk(desk, incidents=20)
    inp, _ = _input(tmp_path)
    out = tmp_path / "bk"

    def backup_under_limit() -> dict:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, 64 * 1024))
        return run_main(["backup", "--full", "--db", str(desk), "--dir", str(out)])

    before = desk.read_bytes()
    res = in_child(backup_under_limit, setup=_warm_up(tmp_path, inp), timeout=60)
    assert res["code"] == 1
    line = one_line_error(res)
    assert "cannot write the backup" in line and "the desk itself is unchanged" in line, line
    assert list(out.iterdir()) == []
    assert desk.read_bytes() == before


def test_disk_full_on_a_tiny_tmpfs():
    """A real ENOSPC ('database or disk is full') on a 2 MB tmpfs mounted in a private mount
    namespace; skipped where mounting is not allowed."""
    if not shutil.which("unshare"):
        pytest.skip("no unshare(1)")
    mnt = Path(tempfile.mkdtemp(prefix="watchdesk-tmpfs-"))
    try:
        script = (
            'mount -t tmpfs -o size=2m,mode=0755 tmpfs "$1" 2>/dev/null || exit 77; '
            'exec "$2" -m tests.reliability._diskfull "$1"'
        )
        proc = subprocess.run(
            [
                "unshare",
                "-m",
                "--propagation",
                "private",
                "sh",
                "-c",
                script,
                "sh",
                str(mnt),
                sys.executable,
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
            env={**os.environ, "WATCHDESK_CONFIG": str(mnt / "none.toml")},
        )
    finally:
        shutil.rmtree(mnt, ignore_errors=True)
    if proc.returncode in (1, 77) and not proc.stdout:
        pytest.skip(f"cannot mount a tmpfs here: {proc.stderr.strip()[:200]}")
    assert proc.returncode == 0, proc.stderr
    res = json.loads(proc.stdout)
    assert res["failure"] is not None, "the disk never filled"
    line = one_line_error(res["failure"])
    assert "full" in line and "nothing was saved" in line, line
    assert res["check_ok"] and set(res["acked"]) <= set(res["present"])
    assert res["input_unchanged"]
    bline = one_line_error(res["backup_when_full"])
    assert "cannot write the backup" in bline, bline
    assert not [n for n in res["leftovers"] if n.startswith(".")], res["leftovers"]
    assert res["again"] == 0  # space freed: the same input saves
    assert res["backup_after"]["code"] == 0, res["backup_after"]["err"]


# -- missing -----------------------------------------------------------------------------------
def test_missing_desk_and_the_way_back(tmp_path):
    desk = tmp_path / "desk.db"
    seed_desk(desk)
    saved = _incidents(desk)
    assert run_main(["backup", "--full", "--db", str(desk)])["code"] == 0
    inp, inp_bytes = _input(tmp_path)
    desk.unlink()
    res = run_main(["incident", "add", "--json", str(inp), "--db", str(desk)])
    assert res["code"] == 1
    line = one_line_error(res)
    assert f"no desk database at {desk}" in line
    assert not desk.exists()  # nothing was created in its place
    assert inp.read_bytes() == inp_bytes
    listed = json.loads(run_main(["backup", "--list", "--json", "--db", str(desk)])["out"])
    assert len(listed) == 1
    res = run_main(["restore", listed[0]["name"], "--yes", "--json", "--db", str(desk)])
    assert res["code"] == 0, res["err"]
    assert json.loads(res["out"])["check"]["ok"]
    assert _incidents(desk) == saved
    assert run_main(["incident", "add", "--json", str(inp), "--db", str(desk)])["code"] == 0


def test_a_stray_wal_is_never_replayed_into_a_restored_desk(tmp_path):
    """The desk file was lost but the write-ahead log of a killed writer is still beside it:
    the restore sets it aside, and the restored desk is exactly the backup."""
    desk = tmp_path / "desk.db"
    seed_desk(desk)
    b = backups.take(desk)
    r, w = os.pipe()
    p = FORK.Process(target=writer_main, args=(str(desk), w, 5, "lost"))
    p.start()
    os.close(w)
    acks = Acks()
    read_until(r, acks, count=5)
    os.kill(p.pid, signal.SIGKILL)
    p.join(10)
    drain(r, acks)
    os.close(r)
    wal = Path(str(desk) + "-wal")
    assert wal.exists() and wal.stat().st_size > 0
    desk.unlink()
    res = backups.restore(b.path, desk)
    assert res.check.ok
    assert any(str(x).endswith("-damaged.db-wal") for x in res.set_aside)
    want = backups.verify(b.path).audit_entries
    assert res.check.audit_entries == want


# -- corrupt -----------------------------------------------------------------------------------
def _corrupt(desk: Path, how: str) -> None:
    size = desk.stat().st_size
    rnd = random.Random(how)
    if how == "garbage":
        desk.write_bytes(rnd.randbytes(size))
    elif how == "truncated":
        os.truncate(desk, size // 2)
    elif how == "emptied":
        os.truncate(desk, 0)
    elif how == "damaged-middle":
        with open(desk, "r+b") as f:
            f.seek(size // 2)
            f.write(rnd.randbytes(16 * 1024))
    else:  # pragma: no cover
        raise ValueError(how)


@pytest.mark.parametrize("how", ["garbage", "truncated", "emptied", "damaged-middle"])
def test_corrupt_desk_and_the_way_back(tmp_path, how):
    desk = tmp_path / "desk.db"
    seed_desk(desk, incidents=60)
    inp, inp_bytes = _input(tmp_path)
    res = run_main(["backup", "--full", "--db", str(desk), "--json"])
    assert res["code"] == 0
    backup_name = json.loads(res["out"])["name"]
    in_backup = _incidents(desk)
    for _ in range(2):  # saved after the backup: kept in the damaged copy that is set aside
        assert run_main(["incident", "add", "--json", str(inp), "--db", str(desk)])["code"] == 0
    _corrupt(desk, how)

    check = run_main(["check", "--db", str(desk)])
    assert check["code"] == 1
    opens = how == "damaged-middle" and not check["err"].strip()
    if opens:  # the damage missed the pages opening reads: `check` reports it on stdout
        assert "restore" in check["out"], check
    else:  # (where 16 KiB of garbage lands depends on the desk's layout: it may hit those)
        line = one_line_error(check)
        assert str(desk) in line and "not a usable desk database" in line, line
        assert "watchdesk restore" in line, line
        add = run_main(["incident", "add", "--json", str(inp), "--db", str(desk)])
        assert add["code"] == 1 and one_line_error(add) == line
    backup = run_main(["backup", "--full", "--db", str(desk)])
    assert backup["code"] == 1  # a damaged desk never pushes good backups out of the rotation
    one_line_error(backup)
    assert [b.path.name for b in backups.list_backups(desk, reason="manual")] == [backup_name]
    assert inp.read_bytes() == inp_bytes

    res = run_main(["restore", backup_name, "--yes", "--json", "--db", str(desk)])
    assert res["code"] == 0, res["err"]
    out = json.loads(res["out"])
    assert out["check"]["ok"] and out["pre_restore"] is None
    assert out["set_aside"] and all(Path(p).exists() for p in out["set_aside"])
    assert _incidents(desk) == in_backup
    _desk_ok(desk)
    again = run_main(["incident", "add", "--json", str(inp), "--db", str(desk)])
    assert again["code"] == 0, again["err"]  # what was typed is saved again from the file
