"""What opening the console relies on: the schema stamp, sqlite-utils loaded on first need, the
first screen read on the DB thread."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import TZ, facts, roster_today
from watchdesk.errors import StoreError
from watchdesk.store import migrations
from watchdesk.store.desk import Store, _stamp
from watchdesk.store.stamp import SCHEMA_STAMP

ROOT = Path(__file__).resolve().parents[2]


def _python(code: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    return subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )


def test_schema_stamp_counts_every_migration():
    migrations.check_stamp()  # raises when a migration was added without raising the stamp


def test_a_new_desk_is_stamped_and_an_old_one_is_stamped_on_open(db_path, clock):
    s = Store.open(db_path, clock=clock, tz=TZ)
    assert _stamp(s.db) == SCHEMA_STAMP
    s.db.execute("PRAGMA user_version = 0")  # a desk made before stamps
    s.close()
    s = Store.open(db_path, clock=clock, tz=TZ)
    assert _stamp(s.db) == SCHEMA_STAMP
    assert migrations.pending(s.db) == []
    s.close()


def test_a_stamp_mismatch_takes_the_full_migration_check(db_path, clock):
    s = Store.open(db_path, clock=clock, tz=TZ)
    # A desk from before the newest migration (its index missing, its record gone) and before
    # stamps: only the full check can notice what it lacks.
    with s.write():
        s.db.execute("DELETE FROM _sqlite_migrations WHERE name = 'm09_deadlines_due'")
        s.db.execute("DROP INDEX deadlines_due")
    s.db.execute("PRAGMA user_version = 0")
    s.close()
    raw = sqlite3.connect(db_path)
    assert raw.execute("PRAGMA user_version").fetchone()[0] == 0  # the changes were saved
    assert not raw.execute("SELECT 1 FROM sqlite_master WHERE name = 'deadlines_due'").fetchone()
    raw.close()
    s = Store.open(db_path, clock=clock, tz=TZ)
    assert s.db.execute("SELECT 1 FROM sqlite_master WHERE name = 'deadlines_due'").fetchone()
    assert _stamp(s.db) == SCHEMA_STAMP
    assert migrations.pending(s.db) == []
    s.close()


def test_a_write_outside_a_transaction_is_committed_as_sqlite_utils_does(store, db_path):
    """DeskDb.execute keeps sqlite-utils' rule: a statement that opens a transaction of its own
    is committed (a failed one rolled back), so it cannot leave a transaction open that would
    swallow the next saves."""
    from sqlite_utils import Database

    for db in (store.db, Database(sqlite3.connect(db_path))):
        db.execute("INSERT INTO meta (key, value) VALUES (?, ?)", [f"k{id(db)}", "v"])
        assert not db.conn.in_transaction
        with pytest.raises(sqlite3.IntegrityError):
            db.execute("INSERT INTO meta (key, value) VALUES (?, ?)", [f"k{id(db)}", "v"])
        assert not db.conn.in_transaction
    assert store.db.execute("PRAGMA recursive_triggers").fetchone()[0] == 1
    assert list(store.db.query("SELECT 1 AS a UNION SELECT 2 ORDER BY a")) == [{"a": 1}, {"a": 2}]
    with pytest.raises(ValueError):
        list(store.db.query("DELETE FROM meta"))


def test_a_stamped_desk_recording_a_migration_this_code_does_not_know_is_refused(tmp_path):
    """Only a desk recording exactly this version's migrations skips the full check: a desk
    stamped as this version but recording a newer watchdesk's migration is refused as newer
    (issue 11's stamp-only shortcut would have opened it)."""
    path = tmp_path / "desk.db"
    Store.open(path, tz=TZ).close()
    conn = sqlite3.connect(path)
    conn.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at)"
        " VALUES ('watchdesk', 'm99_from_the_future', '2027-01-01T00:00:00')"
    )
    conn.commit()
    conn.close()
    with pytest.raises(StoreError) as e:
        Store.open(path, tz=TZ, create=False)
    assert e.value.msg.key == "desk.too_new" and "m99_from_the_future" in str(e.value)


def test_an_up_to_date_desk_opens_without_sqlite_utils_or_the_migrations(db_path):
    """Issue 19: a desk stamped as this version and recording exactly its migrations opens on a
    read of the stamp and the records, without loading sqlite-utils (click, dateutil, pluggy)
    nor the migrations module; the first opening (it migrates) loads them."""
    probe = (
        "import sys\n"
        "from watchdesk.store.desk import Store\n"
        f"Store.open({str(db_path)!r}, tz='Asia/Shanghai').close()\n"
        "print(sorted(m for m in ('sqlite_utils', 'click', 'dateutil', 'pluggy',"
        " 'watchdesk.store.migrations') if m in sys.modules))\n"
    )
    first = _python(probe)
    assert first.returncode == 0, first.stderr
    assert "sqlite_utils" in first.stdout  # a new desk: migrated
    again = _python(probe)
    assert again.returncode == 0, again.stderr
    assert again.stdout.strip() == "[]"


def test_a_stamped_desk_lacking_a_migration_record_takes_the_full_check(db_path, clock):
    """The stamp alone is not enough: a desk stamped as this version whose records lack one
    migration (a restored or hand-edited file) has it found pending and applied."""
    s = Store.open(db_path, clock=clock, tz=TZ)
    with s.write():
        s.db.execute("DELETE FROM _sqlite_migrations WHERE name = 'm09_deadlines_due'")
        s.db.execute("DROP INDEX deadlines_due")
    assert _stamp(s.db) == SCHEMA_STAMP
    s.close()
    s = Store.open(db_path, clock=clock, tz=TZ)
    assert s.db.execute("SELECT 1 FROM sqlite_master WHERE name = 'deadlines_due'").fetchone()
    assert migrations.pending(s.db) == []
    s.close()


def test_the_stamp_lists_every_migration_by_name():
    from sqlite_utils import Database

    from watchdesk.store.stamp import MIGRATION_NAMES

    names = tuple(m.name for m in migrations.migrations.pending(Database(memory=True)))
    assert names == MIGRATION_NAMES and len(names) == SCHEMA_STAMP


def test_sqlite_utils_is_there_when_asked_for(store):
    assert "incidents" in store.db.table_names()  # sqlite-utils' Database, built on demand
    assert store.db["incidents"].exists()
    rows = list(store.db.query("SELECT 1 AS one"))
    assert rows == [{"one": 1}]


def test_console_sees_a_write_made_after_the_first_screen_was_read(db_path, clock):
    """The console's connection reads its change mark before the first screen: a write that
    lands after that point moves it, so the console's poll reloads."""
    from watchdesk.client import DeskClient, start_first_load

    s = Store.open(db_path, clock=clock, actor="测试员", tz=TZ)
    roster_today(s, clock)
    client = DeskClient(db_path, clock=clock, actor="console", tz=TZ)
    try:
        now, dash, version = start_first_load(client, clock).result(timeout=30)
        assert dash.today == []
        s.incidents.add(facts(clock))  # another seat saves after the snapshot
        assert client.call_sync(lambda st: st.change_mark(version))[1] != version[1]
    finally:
        client.close()
        s.close()


def test_a_desk_that_fails_to_open_is_not_opened_again_per_call(tmp_path, monkeypatch):
    from watchdesk.client import DeskClient
    from watchdesk.errors import StoreError
    from watchdesk.store import desk

    opened = []
    real = desk.Store.open.__func__

    def counting(cls, *args, **kwargs):
        opened.append(1)
        return real(cls, *args, **kwargs)

    monkeypatch.setattr(desk.Store, "open", classmethod(counting))
    client = DeskClient(tmp_path / "none.db", create=False)
    try:
        for _ in range(3):
            with pytest.raises(StoreError):
                client.call_sync(lambda s: s.data_version())
    finally:
        client.close()
    assert opened == [1]
