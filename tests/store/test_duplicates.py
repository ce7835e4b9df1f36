"""Duplicate calls (重复来电, issue 13): flagged when they look like one already logged; one marked
a duplicate of another ends its clocks ("merged into #N") and counts once everywhere."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.helpers import facts, roster_today
from watchdesk.errors import InputError
from watchdesk.models.incident import DeadlineStatus, IncidentStatus


def test_possible_duplicates_by_place_or_caller_within_the_window(store, clock):
    first = store.incidents.add(facts(clock, caller_phone="138 0731 0001", caller_name="刘强"))
    clock.advance(minutes=30)
    same_place = store.incidents.add(facts(clock, place=" 城关镇 东街", description="又一个来电"))
    other_place = store.incidents.add(facts(clock, place="青山铺镇", description="另一处起火"))
    same_caller = store.incidents.add(
        facts(
            clock,
            category="natural",
            subtype="geological",
            place="白沙乡",
            caller_phone="13807310001",
        )
    )
    other_kind = store.incidents.add(
        facts(clock, category="natural", subtype="geological", place="城关镇东街")
    )

    def possible(inc, **kw):
        return {p.incident_id: p.why for p in store.incidents.possible_duplicates(inc.id, **kw)}

    assert possible(same_place) == {first.id: ["place"]}
    assert possible(same_caller) == {first.id: ["caller"]}
    assert possible(first) == {same_place.id: ["place"], same_caller.id: ["caller"]}
    assert possible(other_place) == {}
    assert first.id not in possible(other_kind)
    # The window: configurable; two hours by default.
    assert possible(same_place, window=timedelta(minutes=10)) == {}
    clock.advance(hours=3)
    late = store.incidents.add(facts(clock, description="三小时后"))
    assert possible(late) == {}
    assert first.id in possible(late, window=timedelta(hours=4))


def test_a_duplicate_ends_its_clocks_and_counts_once(store, clock):
    roster_today(store, clock)
    store.actor = "赵磊"
    master = store.incidents.add(facts(clock, dead=10))
    clock.advance(minutes=10)
    dup = store.incidents.add(facts(clock, dead=10, description="同一火灾的第二个来电"))
    assert [p.incident_id for p in store.incidents.possible_duplicates(dup.id)] == [master.id]
    assert len(store.incidents.today()) == 2
    running = len(store.incidents.running_clocks())

    merged = store.incidents.mark_duplicate(dup.id, master.id, "同一火灾")
    assert merged.merged_into == master.id and merged.status == IncidentStatus.closed
    assert all(d.status == DeadlineStatus.dropped for d in store.incidents.deadlines(dup.id))
    assert len(store.incidents.running_clocks()) == running // 2
    # Counts once: in today's list, in every listing, and the board.
    assert [i.id for i in store.incidents.today()] == [master.id]
    assert [i.id for i in store.incidents.list()] == [master.id]
    assert {i.id for i in store.incidents.list(merged=True)} == {master.id, dup.id}
    assert store.dashboard().today == store.incidents.today()
    assert store.incidents.possible_duplicates(master.id) == []
    mark = store.incidents.duplicate_mark(dup.id)
    assert (mark.of_id, mark.reason, mark.by_whom) == (master.id, "同一火灾", "赵磊")
    assert [d.incident_id for d in store.incidents.duplicates_of(master.id)] == [dup.id]
    # Both timelines say so.
    assert [i.kind for i in store.timeline(dup.id)][-1] == "merged"
    assert "duplicate" in [i.kind for i in store.timeline(master.id)]
    # The handover sheet: under the incident it was merged into, once.
    from watchdesk.report.handover import render_text

    sid = store.roster.on_duty(clock()).shift.id
    text = render_text(store.handover.compile(sid), tz=store.tz, width=200)
    assert text.count(f"#{dup.id} ") == 1 and "merged into this one" in text
    # No reports or figures on a merged incident.
    with pytest.raises(InputError):
        store.incidents.record_report(dup.id, "phone")
    assert store.check().ok


def test_bad_duplicate_marks_write_nothing(store, clock):
    a = store.incidents.add(facts(clock))
    b = store.incidents.add(facts(clock))
    c = store.incidents.add(facts(clock))
    voided = store.incidents.add(facts(clock))
    store.incidents.void(voided.id, "录错")
    store.incidents.mark_duplicate(b.id, a.id, "同一事件")
    before = store.db.execute("SELECT count(*) FROM audit").fetchone()[0]
    cases = [
        (c.id, a.id, "", "reason"),
        (c.id, a.id, "   ", "reason"),
        (c.id, c.id, "x", "of"),
        (c.id, 999, "x", "of"),
        (b.id, a.id, "x", "id"),  # already merged
        (c.id, b.id, "x", "of"),  # b is itself merged into a
        (a.id, c.id, "x", "id"),  # a has duplicates merged into it
        (voided.id, a.id, "x", "id"),
        (c.id, voided.id, "x", "of"),
    ]
    for inc_id, of_id, reason, field in cases:
        with pytest.raises(InputError) as e:
            store.incidents.mark_duplicate(inc_id, of_id, reason)
        assert e.value.field == field, (inc_id, of_id, reason)
    assert store.db.execute("SELECT count(*) FROM audit").fetchone()[0] == before


def test_the_migration_adds_the_tables_to_an_existing_desk(store, clock, db_path):
    """m12_corrections on a desk made before it: new tables only, nothing rewritten."""
    from watchdesk.store.desk import Store
    from watchdesk.store.stamp import SCHEMA_STAMP

    store.incidents.add(facts(clock))
    with store.write():
        store.db.execute("DROP TABLE corrections")
        store.db.execute("DROP TABLE duplicates")
        store.db.execute("DELETE FROM _sqlite_migrations WHERE name = 'm12_corrections'")
    store.db.execute("PRAGMA user_version = 11")
    audit = store.db.execute("SELECT count(*) FROM audit").fetchone()[0]
    store.close()
    s = Store.open(db_path, clock=clock, tz=store.tz)
    try:
        assert s.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_STAMP
        assert s.db.execute("SELECT count(*) FROM corrections").fetchone()[0] == 0
        assert s.db.execute("SELECT count(*) FROM audit").fetchone()[0] == audit
        assert [i.merged_into for i in s.incidents.list()] == [None]
        assert s.check().ok
    finally:
        s.close()
