"""The console's maintenance (full-text merging, the WAL checkpoint) runs on a thread and a
connection of its own, never on the DB thread its saves and reads go through (issue 19: saves
never stall). Ordering and counts, not wall-clock thresholds."""

from __future__ import annotations

import sqlite3
import threading

import pytest

from tests.helpers import TZ, facts
from tests.store.test_saves_never_merge import put_behind
from watchdesk.client import DeskClient
from watchdesk.store.desk import Store

WAIT = 30  # seconds: only ever reached when something is broken (instead of hanging)


@pytest.fixture
def client(db_path, clock):
    Store.open(db_path, clock=clock, tz=TZ).close()  # made and migrated
    c = DeskClient(db_path, clock=clock, actor="测试员", tz=TZ, autocheckpoint=False)
    c.call_sync(lambda s: s.data_version())  # opened on its DB thread, as the console does
    yield c
    if not c.closed:
        c.close()


def fts_rows(s: Store) -> int:
    return s.db.execute("SELECT count(*) FROM incidents_fts_data").fetchone()[0]


def upkeep_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("watchdesk-upkeep")]


def test_saves_and_reads_are_not_queued_behind_a_checkpoint(client, clock):
    """A WAL checkpoint under way on the maintenance thread (held there until the saves are
    done) does not hold the DB thread: saves and reads complete meanwhile."""
    client.maintain_now()  # the maintenance connection is open
    upkeep = client._upkeep
    assert upkeep is not None
    started, release = threading.Event(), threading.Event()
    real = upkeep.checkpoint_wal

    def held_checkpoint() -> tuple[int, int, int]:
        started.set()
        assert release.wait(WAIT)
        return real()

    upkeep.checkpoint_wal = held_checkpoint
    step = client._upkeep_pool.submit(client.maintain_now)
    assert started.wait(WAIT)
    saved = [
        client.submit(lambda s, k=k: s.incidents.add(facts(clock, description=f"第{k}号火灾")))
        for k in range(5)
    ]
    ids = [f.result(timeout=WAIT).id for f in saved]
    assert client.submit(lambda s: s.incidents.get(ids[-1])).result(timeout=WAIT) is not None
    assert not step.done()  # the checkpoint was still under way the whole time
    release.set()
    step.result(timeout=WAIT)
    # Every save is committed, and the checkpoint that ran afterwards copied them back.
    busy, log, done = upkeep.checkpoint_wal()
    assert busy == 0 and done == log


def test_a_checkpoint_takes_no_lock_a_save_needs(client, clock):
    """PASSIVE: with a save's transaction open (the write lock held) on the DB thread's
    connection, the maintenance connection's checkpoint runs and returns instead of waiting."""
    client.maintain_now()
    upkeep = client._upkeep
    assert upkeep is not None
    client.call_sync(lambda s: s.incidents.add(facts(clock)))
    inside, finish = threading.Event(), threading.Event()

    def slow_save(s: Store) -> int:
        with s.write():
            s.db.execute("INSERT INTO meta(key, value) VALUES ('t', 'v')")
            inside.set()
            assert finish.wait(WAIT)
        return 1

    save = client.submit(slow_save)
    assert inside.wait(WAIT)
    busy, log, done = upkeep.checkpoint_wal()  # would raise or hang if it needed the lock
    assert busy == 0 and log > 0 and done == log  # the earlier save copied back meanwhile
    assert not save.done()
    finish.set()
    assert save.result(timeout=WAIT) == 1


def test_a_save_that_begins_at_the_end_of_a_step_does_not_wait_for_its_commit(client, clock):
    """A merge step holds the write lock on the maintenance connection. A save that begins
    while the step is between statements waits (busy_timeout) only until the step checks for
    it: then the step is rolled back instead of committed (no fsync to wait for), and the save
    goes in."""
    put_behind(client.call_sync(lambda s: s), clock, 30)
    client.maintain_now(merge=False)
    upkeep = client._upkeep
    assert upkeep is not None
    order: list[str] = []
    in_step, end_step = threading.Event(), threading.Event()
    real = upkeep._merge_step
    segments = client.call_sync(lambda s: fts_rows(s))

    def held_step(pages: int, budget: float = 0.0, aside=None) -> bool:
        worked = real(pages, budget, aside)
        in_step.set()
        assert end_step.wait(WAIT)
        order.append("step ended")
        return worked

    upkeep._merge_step = held_step
    step = client._upkeep_pool.submit(client.maintain_now)
    assert in_step.wait(WAIT)

    def save(s: Store) -> int:
        inc = s.incidents.add(facts(clock, description="火灾"))
        order.append("saved")
        return inc.id

    saved = client.submit(save)
    while not client._saving:  # the save has begun and waits for the lock
        assert not saved.done()
    assert not saved.done()  # the write lock is the step's until it ends
    end_step.set()
    assert step.result(timeout=WAIT) is True  # stepped aside: merging left for next time
    assert saved.result(timeout=WAIT) > 0
    assert order == ["step ended", "saved"]
    assert client.call_sync(lambda s: fts_rows(s)) == segments + 1  # the save's; not the step's
    upkeep._merge_step = real

    # The other way round: a save holding the lock makes a merge step give up at once.
    inside, finish = threading.Event(), threading.Event()

    def slow_save(s: Store) -> None:
        with s.write():
            s.db.execute("INSERT INTO meta(key, value) VALUES ('u', 'v')")
            inside.set()
            assert finish.wait(WAIT)

    held = client.submit(slow_save)
    assert inside.wait(WAIT)
    changes = upkeep.db.conn.total_changes
    assert upkeep.merge_step() is True  # "come back soon", having merged nothing
    assert upkeep.db.conn.total_changes == changes
    finish.set()
    held.result(timeout=WAIT)


def test_the_maintenance_connection_is_as_durable_as_every_other(client):
    client.maintain_now()
    db = client._upkeep.db
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert db.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 0


async def test_the_console_step_catches_up_off_the_db_thread(client, clock):
    put_behind(client.call_sync(lambda s: s), clock, 40)
    db_thread = client.call_sync(lambda s: threading.get_ident())
    seen: set[int] = set()
    upkeep_step = Store.merge_step

    def spy(self: Store, *a, **kw) -> bool:
        seen.add(threading.get_ident())
        return upkeep_step(self, *a, **kw)

    Store.merge_step = spy  # type: ignore[method-assign]
    try:
        steps = 0
        while await client.maintain():
            steps += 1
            assert steps < 500
    finally:
        Store.merge_step = upkeep_step  # type: ignore[method-assign]
    assert steps >= 1 and db_thread not in seen and len(seen) == 1
    hits = client.call_sync(lambda s: s.search.search("仓库起火", limit=100, include_log=False))
    assert len(hits) == 40


def test_quit_stops_the_maintenance_thread_and_closes_its_connection(client):
    client._upkeep_pool.submit(client.maintain_now).result(timeout=WAIT)
    upkeep = client._upkeep
    assert upkeep is not None and upkeep_threads()
    client.close()
    assert not [t for t in upkeep_threads() if t.is_alive()]
    with pytest.raises(sqlite3.ProgrammingError):
        upkeep.db.execute("SELECT 1")
    assert client.maintain_now() is False  # a timer firing during shutdown does nothing


def test_quit_interrupts_a_merge_step_under_way(client, clock):
    """Quitting in the middle of a merge step stops it (rolled back: nothing lost, the next
    console merges again) instead of waiting for it to finish."""
    put_behind(client.call_sync(lambda s: s), clock, 30)
    client.maintain_now(merge=False)
    upkeep = client._upkeep
    assert upkeep is not None
    in_step = threading.Event()
    closing = threading.Event()

    def progress() -> int:  # called inside SQLite while the merge runs
        in_step.set()
        closing.wait(WAIT)
        return 0

    real_interrupt = upkeep.interrupt

    def interrupt() -> None:
        real_interrupt()
        closing.set()  # the merge statement goes on only once it was told to stop

    upkeep.interrupt = interrupt
    upkeep.db.conn.set_progress_handler(progress, 100)
    step = client._upkeep_pool.submit(lambda: upkeep.merge_step(budget=3600))
    assert in_step.wait(WAIT)
    closer = threading.Thread(target=client.close)
    closer.start()
    closer.join(WAIT)
    assert not closer.is_alive()
    assert step.result(timeout=WAIT) is True  # rolled back: merging is left for next time
    s = Store.open(client.path, tz=TZ)
    try:
        assert s.check().ok
        assert len(s.search.search("仓库起火", limit=100, include_log=False)) == 30
    finally:
        s.close()


def test_a_save_that_begins_during_a_merge_slice_waits_for_that_slice_only(client, clock):
    """A save beginning while a merge slice runs (held inside SQLite here) waits for that slice
    to end, no more: the step then rolls back (nothing of it written) and the save commits."""
    put_behind(client.call_sync(lambda s: s), clock, 30)
    client.maintain_now(merge=False)
    upkeep = client._upkeep
    assert upkeep is not None
    in_statement = threading.Event()
    slices = []

    def progress() -> int:  # inside SQLite, while a merge statement runs
        in_statement.set()
        while not client._saving:  # the save has begun
            pass
        return 0

    real = upkeep._merge_step

    def counted(pages: int, budget: float = 0.0, aside=None) -> bool:
        def counting_aside() -> bool:
            slices.append(1)
            return bool(aside and aside())

        return real(pages, budget, counting_aside)

    upkeep._merge_step = counted
    before = client.call_sync(lambda s: fts_rows(s))
    upkeep.db.conn.set_progress_handler(progress, 50)
    step = client._upkeep_pool.submit(lambda: upkeep.merge_step(budget=3600))
    assert in_statement.wait(WAIT)
    saved = client.submit(lambda s: s.incidents.add(facts(clock, description="火灾")))
    assert step.result(timeout=WAIT) is True  # stepped aside
    assert saved.result(timeout=WAIT).id > 0
    upkeep.db.conn.set_progress_handler(None, 0)
    assert len(slices) == 2  # checked before the first slice, and stopped before the second
    assert client.call_sync(lambda s: fts_rows(s)) == before + 1  # the save's own segment


def test_a_flood_of_saves_cannot_starve_the_merging(client, clock):
    """A step steps aside while a save is under way, but never more than MAX_ASIDE_IN_A_ROW
    times in a row: then one step runs to its end."""
    from watchdesk.store.desk import MAX_ASIDE_IN_A_ROW

    put_behind(client.call_sync(lambda s: s), clock, 30)
    client.maintain_now(merge=False)
    upkeep = client._upkeep
    assert upkeep is not None
    upkeep.step_aside = lambda: True  # a save under way at every step
    wrote, said = [], []
    for _ in range(MAX_ASIDE_IN_A_ROW + 2):
        n = upkeep.db.conn.total_changes
        said.append(upkeep.merge_step())
        wrote.append(upkeep.db.conn.total_changes - n > 0)
    # Stepped aside (saying "come back soon") three times, then merged, then aside again.
    assert wrote == [False] * MAX_ASIDE_IN_A_ROW + [True, False]
    assert said[:MAX_ASIDE_IN_A_ROW] == [True] * MAX_ASIDE_IN_A_ROW and said[-1] is True
