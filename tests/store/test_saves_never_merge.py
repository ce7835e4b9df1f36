"""Saves never stall on a desk whose full-text index is behind (issue 19): a save writes its own
rows only, never FTS5's crisis merge of a backlog; the maintenance catches up in small steps."""

from __future__ import annotations

import pytest

from tests.helpers import TZ, facts
from watchdesk.store.desk import FTS_TABLES, MERGE_SLICE_PAGES, Store
from watchdesk.store.search import fts_levels


def fts_config(store: Store, table: str) -> dict[str, int]:
    return {k: v for k, v in store.db.execute(f"SELECT k, v FROM {table}_config")}


def rows_written(store: Store, run) -> int:
    before = store.db.conn.total_changes
    run()
    return store.db.conn.total_changes - before


@pytest.fixture
def console(db_path, clock):
    """The desk as the console opens it: no inline WAL checkpoint, maintenance from a timer."""
    s = Store.open(db_path, clock=clock, actor="测试员", tz=TZ, autocheckpoint=False)
    yield s
    s.close()


def put_behind(store: Store, clock, segments: int) -> None:
    """`segments` unmerged full-text segments on level 0, as a bulk load or months of saves
    with no console open leave them (FTS5's crisis merge held off while they are made)."""
    with store.write():
        store.db.execute(
            "INSERT INTO incidents_fts(incidents_fts, rank) VALUES('crisismerge', 1999)"
        )
    for k in range(segments):
        store.incidents.add(facts(clock, description=f"第{k}号仓库起火"))
    with store.write():
        store.db.execute("INSERT INTO incidents_fts(incidents_fts, rank) VALUES('crisismerge', 64)")
    assert len(fts_levels(store.db, "incidents_fts")[0]) >= segments


def test_the_full_text_tables_merge_off_the_save_path(console):
    for table in FTS_TABLES:
        cfg = fts_config(console, table)
        assert cfg.get("automerge") == 0, table
        assert cfg.get("crisismerge") == 64, table


def test_a_save_on_a_desk_far_behind_writes_only_its_own_rows(console, clock):
    put_behind(console, clock, 40)
    own = [
        rows_written(console, lambda: console.incidents.add(facts(clock, description="火灾")))
        for _ in range(20)
    ]
    assert max(own) - min(own) <= 2, own  # no save paid for merging the 40 segments
    # What it would have paid as before m20 (crisismerge 16): the whole level merged inside it.
    with console.write():
        console.db.execute(
            "INSERT INTO incidents_fts(incidents_fts, rank) VALUES('crisismerge', 16)"
        )
    paid = rows_written(console, lambda: console.incidents.add(facts(clock, description="火灾")))
    assert paid > max(own) + 40


def test_maintenance_catches_up_in_bounded_steps(console, clock):
    put_behind(console, clock, 60)
    before = sum(len(level) for level in fts_levels(console.db, "incidents_fts"))
    steps, largest = 0, 0
    while True:
        n = console.db.conn.total_changes
        more = console.checkpoint(budget=0.0)  # one slice a table
        largest = max(largest, console.db.conn.total_changes - n)
        if not more:
            break
        steps += 1
        assert steps < 200
    after = sum(len(level) for level in fts_levels(console.db, "incidents_fts"))
    assert after < before and after <= 3
    # A step writes about a slice of pages per table (and deletes what it merged), never the
    # whole backlog at once.
    assert largest <= len(FTS_TABLES) * 4 * MERGE_SLICE_PAGES
    hits = console.search.search("仓库起火", limit=100, include_log=False)
    assert len(hits) == 60
