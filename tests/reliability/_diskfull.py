"""Run inside a private mount namespace on a tiny tmpfs (see test_faults.py): fill the disk,
save until SQLite reports it full, then free space and save again. Prints one JSON object."""

from __future__ import annotations

import errno
import json
import os
import sys
from pathlib import Path

from tests.reliability._workers import incident_json, run_main
from watchdesk.store.desk import Store


def main(root: str) -> dict:
    d = Path(root)
    desk, inp = d / "desk.db", d / "inc.json"
    inp.write_text(incident_json(), encoding="utf-8")
    assert run_main(["init", "--db", str(desk)])["code"] == 0
    acked: list[int] = []
    for _ in range(3):
        res = run_main(["incident", "add", "--json", str(inp), "--db", str(desk)])
        assert res["code"] == 0, res
        acked.append(json.loads(res["out"])["id"])
    first_backup = run_main(["backup", "--full", "--db", str(desk), "--json"])
    assert first_backup["code"] == 0, first_backup
    filler = d / "filler"
    with open(filler, "wb") as f:  # fill the disk to the last byte, then give back a little
        chunk = b"\0" * 65536
        try:
            while True:
                f.write(chunk)
                f.flush()
        except OSError as e:
            assert e.errno == errno.ENOSPC
    os.truncate(filler, max(0, filler.stat().st_size - 48 * 1024))
    failure = None
    for _ in range(200):
        res = run_main(["incident", "add", "--json", str(inp), "--db", str(desk)])
        if res["code"] != 0:
            failure = res
            break
        acked.append(json.loads(res["out"])["id"])
    backup_when_full = run_main(["backup", "--full", "--db", str(desk)])
    leftovers = sorted(p.name for p in (d / "backups" / "desk").iterdir())
    s = Store.open(desk, migrate=False)
    try:
        res_check = s.check()
        present = {r[0] for r in s.db.execute("SELECT id FROM incidents")}
    finally:
        s.close()
    filler.unlink()
    again = run_main(["incident", "add", "--json", str(inp), "--db", str(desk)])
    backup_after = run_main(["backup", "--full", "--db", str(desk)])
    return {
        "acked": acked,
        "failure": failure,
        "check_ok": res_check.ok,
        "present": sorted(present),
        "backup_when_full": backup_when_full,
        "leftovers": leftovers,
        "again": again["code"],
        "backup_after": backup_after,
        "input_unchanged": inp.read_text(encoding="utf-8") == incident_json(),
    }


if __name__ == "__main__":
    sys.stdout.write(json.dumps(main(sys.argv[1]), ensure_ascii=False) + "\n")
