"""Issue 13 on the roster: a leader-on-duty check recorded at a "now" with microseconds (after the
last check that was due) is recorded once, in one transaction with the answer; and a roster
exported after a part-shift substitute imports again as it was."""

from __future__ import annotations

from datetime import datetime

import pytest

from tests.helpers import TZ, FakeClock
from tests.roster.fixtures import fortnight
from watchdesk.files import roster as roster_io
from watchdesk.models.roster import CheckKind, CheckStatus, Role
from watchdesk.store.desk import Store
from watchdesk.store.roster.checks import DutyChecks
from watchdesk.store.roster.repo import RosterImportError


def at(y, m, d, hh=0, mm=0, ss=0, us=0):
    return datetime(y, m, d, hh, mm, ss, us, tzinfo=TZ)


def count(store, table):
    return store.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


# -- 1. the leader-on-duty check -------------------------------------------------------------------
@pytest.fixture
def late(tmp_path):
    """A desk whose clock reads late in a shift, after every scheduled check, with microseconds
    (as datetime.now() does)."""
    clock = FakeClock(at(2026, 11, 23, 23, 59, 58, 765432))
    s = Store.open(tmp_path / "late.db", clock=clock, actor="测试员", tz=TZ)
    fortnight(s)
    yield s
    s.close()


def test_an_ad_hoc_check_at_a_now_with_microseconds_is_recorded_once(late):
    view = late.roster.on_duty()
    assert view is not None
    sid = view.shift.id
    before = count(late, "leader_checks")
    kinds = []
    for n in range(1, 8):  # the checks still open are answered first, then each is ad hoc
        state = late.roster.record_check(sid, method="phone", result="present")
        assert state.status == CheckStatus.confirmed and state.record is not None
        assert count(late, "leader_checks") == before + n  # once, never twice
        kinds.append(state.kind)
        if state.kind == CheckKind.adhoc:
            assert state.due_at == late.now().replace(microsecond=0)
            late.clock.advance(seconds=1)
    assert kinds[-2:] == [CheckKind.adhoc, CheckKind.adhoc]
    assert late.check().ok


def test_a_check_whose_answer_cannot_be_read_back_saves_nothing(late, monkeypatch):
    sid = late.roster.on_duty().shift.id
    before, audit = count(late, "leader_checks"), count(late, "audit")
    calls = {"n": 0}
    real = DutyChecks.checks

    def failing(self, shift_id, now=None):
        calls["n"] += 1
        if calls["n"] == 2:  # the read-back, after the record was written
            raise RuntimeError("the disk fell off")
        return real(self, shift_id, now)

    monkeypatch.setattr(DutyChecks, "checks", failing)
    with pytest.raises(RuntimeError):
        late.roster.record_check(sid, method="phone", result="present")
    assert count(late, "leader_checks") == before and count(late, "audit") == audit


# -- 10. export, then import, after a part-shift substitute -----------------------------------------
@pytest.fixture
def clock():
    return FakeClock(at(2026, 11, 22, 14, 29))


def _with_substitute(store: Store) -> list:
    ids = fortnight(store)
    shift = store.roster.on_duty(at(2026, 11, 23, 12)).shift
    a = next(x for x in store.roster.view(shift.id).assignments if x.role == Role.officer)
    store.roster.substitute(
        a.id,
        ids["何俊杰"] if a.officer_name != "何俊杰" else ids["冯雪"],
        reason="上午就医",
        approver="李红梅",
        starts_at=at(2026, 11, 23, 9),
        ends_at=at(2026, 11, 23, 13),
    )
    return store.roster.export_rows(at(2026, 11, 16), at(2026, 11, 30))


def _key(rows):
    return sorted((r.starts_at, r.ends_at, r.role, r.name, r.note) for r in rows)


READERS = {"csv": roster_io.read_csv, "xlsx": roster_io.read_xlsx, "ics": roster_io.read_ics}


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "ics"])
def test_a_part_shift_substitute_round_trips(store, tmp_path, clock, fmt):
    rows = _with_substitute(store)
    part = [r for r in rows if r.note.startswith("代")]
    assert len(part) == 1 and part[0].starts_at == at(2026, 11, 23, 9)
    got, errors = READERS[fmt](roster_io.write_rows(rows, fmt, TZ, "zh"), TZ)
    assert errors == []
    # Into the same desk: nothing to do, nothing refused.
    audit = count(store, "audit")
    res = store.roster.import_rows(got)
    assert res.assigned == 0 and res.unchanged == len(rows)
    assert count(store, "audit") == audit + 1  # the import's change record only
    # Into an empty desk: the same roster, the substitute still standing in for the same person.
    other = Store.open(tmp_path / "other.db", clock=clock, actor="导入员", tz=TZ)
    try:
        res = other.roster.import_rows(got, add_officers=True)
        assert res.assigned == len(rows)
        back = other.roster.export_rows(at(2026, 11, 16), at(2026, 11, 30))
        assert _key(back) == _key(rows)
        day = (at(2026, 11, 23, 8, 30), at(2026, 11, 24, 8, 30))
        hours = {h.name: h.hours for h in other.roster.hours(*day)}
        assert hours == {h.name: h.hours for h in store.roster.hours(*day)}
        page = other.roster.page(at(2026, 11, 23, 12), at(2026, 11, 23, 13))
        [sub] = [a for rs in page.shifts for a in rs.assignments if a.starts_at is not None]
        covered = next(a for rs in page.shifts for a in rs.assignments if a.id == sub.covers_id)
        assert sub.note == f"代 {covered.officer_name} 09:00–13:00"
        again = other.roster.import_rows(got)
        assert again.assigned == 0 and again.unchanged == len(rows)
        assert other.check().ok
    finally:
        other.close()


def test_a_part_of_a_shift_standing_in_for_no_one_on_it_is_refused(store):
    rows = _with_substitute(store)
    bad = [
        r.model_copy(update={"note": "代 不在班上的人 09:00–13:00"})
        if r.note.startswith("代")
        else r
        for r in rows
    ]
    with pytest.raises(RosterImportError) as e:
        store.roster.import_rows(bad)
    assert any(p.field == "note" and "不在班上的人" in p.problem for p in e.value.errors)


def test_a_row_overlapping_a_shift_without_a_substitute_note_is_still_refused(store):
    rows = _with_substitute(store)
    bad = [r.model_copy(update={"note": ""}) if r.note.startswith("代") else r for r in rows]
    with pytest.raises(RosterImportError) as e:
        store.roster.import_rows(bad)
    assert any("overlaps" in p.problem for p in e.value.errors)


def test_substitute_of_reads_the_note_the_store_writes():
    assert roster_io.substitute_of("代 郑浩然 14:00–18:00") == "郑浩然"
    assert roster_io.substitute_of("代郑浩然") == "郑浩然"
    assert roster_io.substitute_of("代 Li Lei 14:00-18:00") == "Li Lei"
    assert roster_io.substitute_of("病假") is None and roster_io.substitute_of("") is None
