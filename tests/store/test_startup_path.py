"""What opening the console relies on: the schema stamp, sqlite-utils loaded on first need, the
first-screen helper process (prefetch) and its fallbacks."""

from __future__ import annotations

import os
import pickle
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import TZ, facts, roster_today
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
        s.db.execute("DELETE FROM _sqlite_migrations WHERE name = 'm002_deadlines_due'")
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


def test_opening_a_stamped_desk_and_reading_the_first_screen_loads_no_sqlite_utils(tmp_path):
    path = tmp_path / "desk.db"
    Store.open(path, tz=TZ).close()
    r = _python(
        "import sys\n"
        "from datetime import datetime, UTC\n"
        "from watchdesk.store.desk import Store\n"
        f"s = Store.open({str(path)!r}, create=False)\n"
        "s.dashboard(datetime.now(UTC))\n"
        "print([m for m in sys.modules if m.startswith('sqlite_utils')])\n"
    )
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "[]"


def test_sqlite_utils_is_there_when_asked_for(store):
    assert "incidents" in store.db.table_names()  # sqlite-utils' Database, built on demand
    assert store.db["incidents"].exists()
    rows = list(store.db.query("SELECT 1 AS one"))
    assert rows == [{"one": 1}]


def test_prefetch_reads_the_dashboard_in_a_helper(db_path, clock):
    from watchdesk import prefetch

    s = Store.open(db_path, clock=clock, actor="测试员", tz=TZ)
    roster_today(s, clock)
    inc = s.incidents.add(facts(clock, dead=12))  # major: phone and written clocks at least
    expected = s.dashboard(clock())
    s.close()
    helper = prefetch.start(db_path, tz=TZ, rule_pack="national", now=clock())
    if helper is None:
        pytest.skip("no fork on this platform: the console reads the desk on its DB thread")
    helper.go()
    got = helper.result()
    assert got is not None
    assert got == expected
    assert len(got.clocks) >= 2 and {c.incident_id for c in got.clocks} == {inc.id}
    with pytest.raises(ChildProcessError):  # reaped: no zombie left behind
        os.waitpid(helper.pid, os.WNOHANG)


def test_prefetch_gives_way_when_the_desk_needs_migrating(db_path, clock):
    from watchdesk import prefetch

    s = Store.open(db_path, clock=clock, tz=TZ)
    s.db.execute("PRAGMA user_version = 1")
    s.close()
    helper = prefetch.start(db_path, tz=TZ, rule_pack="national", now=clock())
    assert helper is not None
    helper.go()
    assert helper.result() is None  # the console's DB thread reads (and migrates) itself


def test_prefetch_on_a_missing_desk_answers_nothing(tmp_path, clock):
    from watchdesk import prefetch

    helper = prefetch.start(tmp_path / "none.db", tz=TZ, rule_pack="national", now=clock())
    helper.go()
    assert helper.result() is None
    assert not (tmp_path / "none.db").exists()  # a read never creates a desk


def test_prefetch_abandoned_kills_and_reaps_the_helper(db_path, clock):
    from watchdesk import prefetch

    Store.open(db_path, clock=clock, tz=TZ).close()
    helper = prefetch.start(db_path, tz=TZ, rule_pack="national", now=clock())
    helper.abandon()  # never told to go: it would wait; it must not be left behind
    with pytest.raises(ChildProcessError):
        os.waitpid(helper.pid, os.WNOHANG)


def test_a_torn_payload_falls_back(db_path, clock):
    from watchdesk.prefetch import Prefetch

    r, w = os.pipe()
    go_r, go_w = os.pipe()
    pid = os.fork()
    if pid == 0:  # a helper that dies half-way through its answer
        os.write(w, pickle.dumps(list(range(1000)))[:100])
        os._exit(0)
    os.close(w)
    os.close(go_r)
    helper = Prefetch(pid, r, go_w)
    helper.go()
    assert helper.result() is None


def test_console_sees_a_write_made_while_the_helper_was_reading(db_path, clock):
    """The console's connection reads data_version before the helper's snapshot: a write that
    lands after that point changes it, so the console's poll reloads."""
    from watchdesk import prefetch
    from watchdesk.client import DeskClient
    from watchdesk.startup import start_first_load

    s = Store.open(db_path, clock=clock, actor="测试员", tz=TZ)
    roster_today(s, clock)
    helper = prefetch.start(db_path, tz=TZ, rule_pack="national", now=clock())
    client = DeskClient(db_path, clock=clock, actor="console", tz=TZ)
    try:
        now, dash, version = start_first_load(client, clock, prefetch=helper).result(timeout=30)
        assert dash.today == []
        s.incidents.add(facts(clock))  # another seat saves after the snapshot
        assert client.call_sync(lambda st: st.data_version()) != version
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


def test_early_helper_loads_the_settings_itself(db_path, clock, tmp_path, monkeypatch):
    """`watchdesk` forks the reader before it has loaded its settings: the helper reads them
    from the same config file and environment (here: another time zone and rule pack)."""
    from watchdesk import prefetch

    s = Store.open(db_path, clock=clock, actor="测试员", tz=TZ)
    roster_today(s, clock)
    s.incidents.add(facts(clock, dead=12))
    s.close()
    cfg = tmp_path / "watchdesk.toml"
    cfg.write_text('timezone = "Asia/Urumqi"\nrule_pack = "henan"\n', encoding="utf-8")
    helper = prefetch.start(db_path, now=clock(), config=cfg)
    helper.go()
    got = helper.result()
    expected = Store.open(db_path, clock=clock, tz="Asia/Urumqi", rule_pack="henan")
    try:
        assert got == expected.dashboard(clock())
    finally:
        expected.close()
    # It does read them: settings the console would refuse, and the helper answers nothing
    # (the console then reports the bad setting itself).
    cfg.write_text('timezone = "Mars/Olympus_Mons"\n', encoding="utf-8")
    helper = prefetch.start(db_path, now=clock(), config=cfg)
    helper.go()
    assert helper.result() is None


def test_cli_reaps_the_early_helper_when_the_console_cannot_start(
    db_path, clock, tmp_path, monkeypatch
):
    import watchdesk.startup as console
    from watchdesk.cli import main

    Store.open(db_path, clock=clock, tz=TZ).close()
    helpers = []
    real = console.early_prefetch

    def recording(*args, **kwargs):
        helpers.append(real(*args, **kwargs))
        return helpers[-1]

    monkeypatch.setattr(console, "early_prefetch", recording)
    bad = tmp_path / "bad.toml"
    bad.write_text("timezone = \n", encoding="utf-8")  # not TOML: the console refuses to start
    assert main(["--db", str(db_path), "--config", str(bad)]) == 2
    assert len(helpers) == 1 and helpers[0] is not None
    with pytest.raises(ChildProcessError):  # reaped
        os.waitpid(helpers[0].pid, os.WNOHANG)


def test_early_helper_reads_in_the_console_language(db_path, clock, tmp_path):
    """Labels the store puts into the dashboard (holiday names, via the calendar) follow the
    language: the helper forked before `set_language` takes the console's."""
    from watchdesk import prefetch
    from watchdesk.i18n import language

    Store.open(db_path, clock=clock, tz=TZ).close()
    out = tmp_path / "lang.txt"
    # The helper's language, observed from inside it: wrap the dashboard read.
    import watchdesk.store.desk as desk_mod

    real = desk_mod.Store.dashboard

    def spy(self, now=None):
        out.write_text(language(), encoding="utf-8")
        return real(self, now)

    desk_mod.Store.dashboard = spy
    try:
        assert language() == "en"
        helper = prefetch.start(db_path, now=clock(), language="zh")
        helper.go()
        assert helper.result() is not None
    finally:
        desk_mod.Store.dashboard = real
    assert out.read_text(encoding="utf-8") == "zh"
    assert language() == "en"  # the console's own language is untouched
