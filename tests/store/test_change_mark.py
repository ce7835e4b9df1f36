"""The console reloads only when another connection changed records (issue 19: idle cost).

Its own maintenance (full-text merge steps, WAL checkpoints, on a connection of their own) and
Litestream's bookkeeping also move `PRAGMA data_version`; `Store.change_mark` tells them apart by
the audit head. Counts and marks, not timings."""

from __future__ import annotations

import sqlite3

import pytest

from tests.helpers import TZ, facts
from tests.store.test_saves_never_merge import put_behind
from watchdesk.client import DeskClient
from watchdesk.store.desk import Store


@pytest.fixture
def client(db_path, clock):
    Store.open(db_path, clock=clock, tz=TZ).close()  # made and migrated
    c = DeskClient(db_path, clock=clock, actor="测试员", tz=TZ, autocheckpoint=False)
    c.call_sync(lambda s: s.data_version())  # opened on its DB thread, as the console does
    yield c
    if not c.closed:
        c.close()


def mark(client: DeskClient, last: tuple[int, int] | None = None) -> tuple[int, int]:
    return client.call_sync(lambda s: s.change_mark(last))


def test_maintenance_commits_move_data_version_but_not_the_mark(client, db_path, clock):
    put_behind(client.call_sync(lambda s: s), clock, 30)
    before = mark(client)
    steps = 0
    while client.maintain_now() and steps < 100:  # merge steps, each with a checkpoint
        steps += 1
    assert steps >= 1
    after = mark(client, before)
    assert after[0] != before[0]  # the merge steps did commit (what made the console reload)
    assert after[1] == before[1]  # ... but changed no record


def test_a_write_at_the_same_moment_as_a_merge_step_is_seen(client, db_path, clock):
    put_behind(client.call_sync(lambda s: s), clock, 30)
    other = Store.open(db_path, clock=clock, tz=TZ)
    try:
        before = mark(client)
        assert client.maintain_now()  # a merge step commits ...
        other.incidents.add(facts(clock, description="同时保存"))  # ... and so does a save
        client.maintain_now()
        assert mark(client, before)[1] != before[1]
    finally:
        other.close()


def test_a_write_from_another_connection_moves_the_mark(client, db_path, clock):
    before = mark(client)
    other = Store.open(db_path, clock=clock, tz=TZ)
    try:
        other.incidents.add(facts(clock))
    finally:
        other.close()
    after = mark(client, before)
    assert after[0] != before[0] and after[1] != before[1]
    assert mark(client, after) == after  # unchanged since: the head is not read again


def test_litestreams_own_tables_do_not_move_the_mark(client, db_path):
    before = mark(client)
    db = sqlite3.connect(db_path)
    with db:  # what Litestream writes into the desk it replicates
        db.execute("CREATE TABLE IF NOT EXISTS _litestream_seq (id INTEGER PRIMARY KEY, seq)")
        db.execute("CREATE TABLE IF NOT EXISTS _litestream_lock (id INTEGER)")
    with db:
        db.execute("INSERT OR REPLACE INTO _litestream_seq VALUES (1, 7)")
    db.close()
    after = mark(client, before)
    assert after[0] != before[0] and after[1] == before[1]
