"""Run inside a private mount namespace (see test_desk_file.py): desks on a tmpfs that is then
remounted read-only, and on a tmpfs that is full. Prints one JSON object of what was seen.

Root ignores file permissions, so `chmod` cannot make a desk read-only for the test suite (it
runs as root); a read-only mount stops root too."""

from __future__ import annotations

import contextlib
import errno
import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.helpers import TZ, FakeClock, facts
from watchdesk.cli import main
from watchdesk.errors import StoreError
from watchdesk.store.desk import Store


def _mount(where: Path, size: str) -> None:
    where.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(where)], check=True
    )


def _run(*argv: str) -> dict[str, Any]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return {"code": code, "out": out.getvalue(), "err": err.getvalue()}


def _seed(desk: Path) -> int:
    from datetime import datetime

    clock = FakeClock(datetime(2026, 11, 22, 14, 29, tzinfo=TZ))
    s = Store.open(desk, clock=clock, tz=TZ)
    try:
        return s.incidents.add(facts(clock)).id
    finally:
        s.close()


def _try_store(desk: Path) -> dict[str, Any]:
    try:
        s = Store.open(desk, create=False)
    except StoreError as e:
        return {"opened": False, "error": str(e)}
    try:
        seen = [r[0] for r in s.db.execute("SELECT id FROM incidents")]
        try:
            s.set_meta("probe", "x")
            wrote = None
        except StoreError as e:
            wrote = str(e)
        return {"opened": True, "read_only": s.read_only, "incidents": seen, "write_error": wrote}
    finally:
        s.close()


def main_(root: str) -> dict[str, Any]:
    base = Path(root)
    out: dict[str, Any] = {}
    inc = base / "inc.json"
    inc.write_text(
        json.dumps({"place": "城关镇", "category": "火灾", "description": "商铺起火"}),
        encoding="utf-8",
    )

    # 1. A cleanly closed desk on a mount made read-only: no -wal, no -shm, none can be made.
    ro = base / "ro"
    _mount(ro, "8m")
    clean = ro / "clean" / "desk.db"
    clean.parent.mkdir()
    first = _seed(clean)
    # 2. A desk copied with its write-ahead log and -shm (a console was open): saves in the WAL.
    dirty = ro / "dirty" / "desk.db"
    dirty.parent.mkdir()
    _seed(dirty)
    writer = sqlite3.connect(dirty)
    writer.execute("PRAGMA wal_autocheckpoint = 0")
    writer.execute("UPDATE incidents SET place = '在日志里' WHERE id = 1")
    writer.commit()
    copy = ro / "copy" / "desk.db"
    copy.parent.mkdir()
    for side in ("", "-wal", "-shm"):
        shutil.copy(str(dirty) + side, str(copy) + side)
    # 3. The same without its -shm: the saves in the WAL cannot be read without writing one.
    no_shm = ro / "noshm" / "desk.db"
    no_shm.parent.mkdir()
    for side in ("", "-wal"):
        shutil.copy(str(dirty) + side, str(no_shm) + side)
    writer.close()
    subprocess.run(["mount", "-o", "remount,ro", str(ro)], check=True)
    before = {p: p.read_bytes() for p in (clean, copy, no_shm)}

    out["clean"] = _try_store(clean)
    out["clean_first"] = first
    out["clean_now"] = _run("now", "--db", str(clean))
    out["clean_list"] = _run("incident", "list", "--db", str(clean))
    out["clean_add"] = _run("incident", "add", "--json", str(inc), "--db", str(clean))
    out["clean_add_zh"] = _run(
        "incident", "add", "--json", str(inc), "--db", str(clean), "--lang", "zh"
    )
    out["copy"] = _try_store(copy)
    with sqlite3.connect(f"file:{copy}?mode=ro", uri=True) as c:
        out["copy_place"] = c.execute("SELECT place FROM incidents WHERE id = 1").fetchone()[0]
    out["no_shm"] = _try_store(no_shm)
    out["no_shm_now"] = _run("now", "--db", str(no_shm))
    out["unchanged"] = all(p.read_bytes() == b for p, b in before.items())
    out["files"] = sorted(str(p.relative_to(ro)) for p in ro.rglob("*") if p.is_file())

    # 4. A full disk: the -shm cannot be made, the desk is still read.
    full = base / "full"
    _mount(full, "2m")
    desk = full / "desk.db"
    _seed(desk)
    filler = full / "filler"
    with open(filler, "wb") as f:
        try:
            while True:
                f.write(b"\0" * 65536)
                f.flush()
        except OSError as e:
            assert e.errno == errno.ENOSPC
    out["full"] = _try_store(desk)
    out["full_now"] = _run("now", "--db", str(desk))
    out["full_add"] = _run("incident", "add", "--json", str(inc), "--db", str(desk))
    filler.unlink()
    out["full_after"] = _try_store(desk)
    return out


if __name__ == "__main__":
    os.environ.setdefault("WATCHDESK_ACTOR", "tests")
    os.environ.setdefault("WATCHDESK_INTEGRATIONS", "tests")
    sys.stdout.write(json.dumps(main_(sys.argv[1]), ensure_ascii=False) + "\n")
