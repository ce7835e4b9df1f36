"""The roll-call screen's tallies in one read (`RollCallRepo.summaries`) and the handover's rounds
(`rounds_between`) are what reading each round (`report`) gives: outcomes, answer times, units
not reached, a struck outcome."""

from __future__ import annotations

from datetime import timedelta

from tests.directory.fixtures import seed
from watchdesk.store.correction import correct


def test_summaries_and_rounds_between_are_each_rounds_report(store, clock):
    seed(store)
    start = clock()
    first = store.rollcall.start("townships", label="早点名")
    r1 = first.round.id
    store.rollcall.record(r1, first.entries[0].seq, "on_post", answered_by="张三", answer_seconds=7)
    store.rollcall.record(r1, first.entries[1].seq, "busy")
    store.rollcall.record(
        r1, first.entries[2].seq, "leader_absent", answered_by="李四", answer_seconds=20
    )
    store.rollcall.finish(r1)
    clock.advance(minutes=30)
    second = store.rollcall.start("duty_rooms", method="video")
    r2 = second.round.id
    store.rollcall.record(
        r2, second.entries[0].seq, "not_on_duty", answered_by="保安", answer_seconds=12
    )
    store.rollcall.record(r2, second.entries[1].seq, "on_post", answered_by="王五")  # no time
    store.rollcall.finish(r2)  # the rest never reached
    clock.advance(minutes=30)
    empty = store.rollcall.start("level1").round.id  # nothing recorded yet
    correct(store, f"rollcall:{first.entries[1].id}", "号码拨错")  # busy struck: not checked

    ids = [empty, r2, r1]
    tallies = store.rollcall.summaries(ids)
    assert list(tallies) == ids
    for rid in ids:
        assert tallies[rid] == store.rollcall.report(rid).summary
    assert (tallies[r1].checked, tallies[r1].total, tallies[r1].mean_answer_seconds) == (2, 3, 13.5)
    assert tallies[r2].not_checked == 2 and tallies[r2].mean_answer_seconds == 12.0
    assert tallies[empty].checked == 0 and tallies[empty].rate is None
    assert store.rollcall.summaries([]) == {}

    rounds = store.rollcall.rounds_between(start, clock() + timedelta(seconds=1))
    assert rounds == [store.rollcall.report(rid) for rid in (r1, r2, empty)]
    assert store.rollcall.rounds_between(start - timedelta(days=1), start) == []
