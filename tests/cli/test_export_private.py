"""`watchdesk export --output` and the other files the command line writes are readable by their
owner only (mode 0600), and the desk export holds no PIN hash, no salt and no PIN tries."""

from __future__ import annotations

import json
import os
import sqlite3
from datetime import datetime

import pytest

from tests.handover.test_sheet import night_roster
from tests.helpers import TZ, FakeClock
from watchdesk.cli import main
from watchdesk.errors import InputError
from watchdesk.store.desk import Store


@pytest.fixture
def desk(tmp_path, monkeypatch):
    monkeypatch.setenv("WATCHDESK_CONFIG", str(tmp_path / "none.toml"))
    path = tmp_path / "desk.db"
    s = Store.open(path, clock=FakeClock(datetime(2026, 11, 22, 21, 0, tzinfo=TZ)), tz=TZ)
    night_roster(s)
    oid = s.officers.find("孙丽娜")[0].id
    s.officers.set_pin(oid, "2468")
    with pytest.raises(InputError):
        s.officers.verify_pin(oid, "9999")  # one wrong try, recorded in pin_attempts
    s.close()
    return path


def test_the_export_is_private_and_has_no_pin_data(desk, tmp_path):
    old = os.umask(0o022)  # whatever the umask, the file is 0600
    try:
        out = tmp_path / "export.json"
        assert main(["export", "--db", str(desk), "--output", str(out)]) == 0
    finally:
        os.umask(old)
    assert out.stat().st_mode & 0o777 == 0o600
    text = out.read_text(encoding="utf-8")
    with sqlite3.connect(desk) as db:
        secrets = [v for row in db.execute("SELECT salt, hash FROM officer_pins") for v in row]
        assert db.execute("SELECT count(*) FROM pin_attempts").fetchone()[0] >= 1
    assert secrets and all(v and v not in text for v in secrets)
    data = json.loads(text)
    assert "pin_attempts" not in data
    assert [set(r) for r in data["officer_pins"]] == [{"id", "officer_id", "pin_set"}]
    for rows in data.values():
        for row in rows if isinstance(rows, list) else []:
            assert not {"salt", "hash", "pin", "pin_hash"} & set(row)


def test_an_existing_file_becomes_private_when_overwritten(desk, tmp_path):
    out = tmp_path / "export.json"
    out.write_text("old", encoding="utf-8")
    out.chmod(0o644)
    assert main(["export", "--db", str(desk), "--output", str(out)]) == 0
    assert out.stat().st_mode & 0o777 == 0o600 and out.read_text(encoding="utf-8") != "old"


def test_the_handover_sheet_written_by_the_cli_is_private(desk, tmp_path):
    for fmt in ("txt", "md", "pdf"):
        out = tmp_path / f"h.{fmt}"
        code = main(
            ["handover", "--db", str(desk), "--at", "2026-11-22 21:00", "--format", fmt]
            + ["--output", str(out)]
        )
        assert code == 0 and out.stat().st_mode & 0o777 == 0o600
