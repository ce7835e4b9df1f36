"""The roster as a calendar for phones (issue 17): an assignment keeps its UID across a swap or a
substitute, a changed one comes with a higher SEQUENCE, a removed one CANCELLED, DTSTAMP is the
time of the export, the calendar is named after the desk (and the officer), shift labels are in
the UI language. Read with vobject, an independent iCalendar parser."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.helpers import TZ
from tests.roster.fixtures import fortnight
from watchdesk.cli import main
from watchdesk.files import roster as roster_io
from watchdesk.i18n import using
from watchdesk.models.roster import Role

vobject = pytest.importorskip("vobject")


def at(y, m, d, hh=0, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=TZ)


START, END = at(2026, 11, 22), at(2026, 11, 25)


def events(data: bytes) -> dict[str, dict]:
    cal = vobject.readOne(data.decode("utf-8"))
    out = {}
    for ev in cal.vevent_list:
        out[ev.uid.value] = {
            "summary": ev.summary.value,
            "seq": int(ev.sequence.value),
            "status": ev.status.value,
            "stamp": ev.dtstamp.value,
            "start": ev.dtstart.value,
            "description": ev.description.value if hasattr(ev, "description") else "",
        }
    return out


def export(store, officer_id=None, stamp=None, calname="desk") -> bytes:
    rows = store.roster.export_rows(START, END, officer_id, calendar=True)
    return roster_io.write_ics(
        rows, TZ, "zh", calname, stamp=stamp or store.now(), desk_key=store.roster.calendar_key()
    )


def test_a_swap_keeps_the_uids_and_raises_the_sequence(store):
    fortnight(store)
    before = events(export(store))
    officers = [
        a for a in store.roster.page(START, END).shifts[0].assignments if a.role == Role.officer
    ]
    other = [
        a for a in store.roster.page(START, END).shifts[1].assignments if a.role == Role.officer
    ]
    a, b = officers[0], other[0]
    store.roster.swap(a.id, b.id, reason="家中有事", approver="王建国")
    after = events(export(store))
    assert set(after) == set(before)  # the same events: a phone updates them in place
    changed = {u for u in after if after[u]["summary"] != before[u]["summary"]}
    assert len(changed) == 2
    for u in changed:
        assert after[u]["seq"] > before[u]["seq"]
        assert after[u]["status"] == "CONFIRMED"
    for u in set(after) - changed:
        assert after[u]["seq"] == before[u]["seq"]


def test_a_whole_shift_substitute_keeps_the_uid(store):
    ids = fortnight(store)
    shift = store.roster.page(START, END).shifts[0]
    a = next(x for x in shift.assignments if x.role == Role.officer)
    free = next(
        n
        for n in ("周文博", "吴晓燕", "郑浩然", "冯雪", "何俊杰")
        if all(x.officer_name != n for x in shift.assignments)
    )
    before = events(export(store))
    store.roster.substitute(a.id, ids[free], reason="病假", approver="王建国")
    after = events(export(store))
    assert set(after) == set(before)
    uid = next(u for u in after if f"assignment-{a.id}-" in u)
    assert free in after[uid]["summary"] and after[uid]["seq"] > before[uid]["seq"]


def test_a_removed_assignment_is_cancelled(store):
    fortnight(store)
    a = store.roster.page(START, END).shifts[0].assignments[-1]
    before = events(export(store))
    store.roster.remove(a.id, reason="取消", approver="王建国")
    after = events(export(store))
    uid = next(u for u in after if f"assignment-{a.id}-" in u)
    assert after[uid]["status"] == "CANCELLED" and after[uid]["seq"] > before[uid]["seq"]
    # Importing the calendar does not bring the removed one back.
    rows, errors = roster_io.read_ics(export(store), TZ)
    assert errors == [] and len(rows) == len(after) - 1


def test_an_officer_calendar_cancels_what_a_swap_gave_away(store):
    fortnight(store)
    page = store.roster.page(START, END)
    a = next(x for x in page.shifts[0].assignments if x.role == Role.officer)
    b = next(
        x
        for x in page.shifts[1].assignments
        if x.role == Role.officer and x.officer_id != a.officer_id
    )
    mine_before = events(export(store, a.officer_id))
    uid = next(u for u in mine_before if f"assignment-{a.id}-" in u)
    store.roster.swap(a.id, b.id, reason="调班", approver="王建国")
    mine = events(export(store, a.officer_id))
    assert mine[uid]["status"] == "CANCELLED" and mine[uid]["seq"] > mine_before[uid]["seq"]
    new = next(u for u in mine if f"assignment-{b.id}-" in u)
    assert mine[new]["status"] == "CONFIRMED"
    theirs = events(export(store, b.officer_id))
    assert theirs[uid]["status"] == "CONFIRMED"


def test_dtstamp_is_the_export_time_and_the_uid_names_the_desk(store, tmp_path, clock):
    from watchdesk.store.desk import Store

    fortnight(store)
    stamp = datetime(2026, 11, 22, 6, 29, 0, tzinfo=UTC)
    evs = events(export(store, stamp=stamp))
    assert {e["stamp"] for e in evs.values()} == {stamp}
    other = Store.open(tmp_path / "other.db", clock=clock, actor="t", tz=TZ)
    try:
        fortnight(other)
        assert not set(events(export(other))) & set(evs)  # two desks never share a UID
    finally:
        other.close()


def test_the_cli_names_the_calendar_and_labels_the_shift(db_path, tmp_path, capsys):
    from watchdesk.store.desk import Store

    s = Store.open(db_path, tz=TZ)
    try:
        fortnight(s)
        s.settings.update(desk_name="湘江县应急管理局总值班室")
    finally:
        s.close()
    out = tmp_path / "z.ics"
    with using("zh"):
        code = main(
            [
                "--lang", "zh", "roster", "export", "--db", str(db_path), "--from", "2026-11-22",
                "--to", "2026-11-24", "--officer", "赵磊", "--output", str(out),
            ]
        )  # fmt: skip
    capsys.readouterr()
    assert code == 0
    cal = vobject.readOne(out.read_text("utf-8"))
    assert cal.x_wr_calname.value == "湘江县应急管理局总值班室 值班表 · 赵磊"
    descriptions = [ev.description.value for ev in cal.vevent_list]
    assert descriptions and all(d.startswith("24小时班") for d in descriptions)
    assert all("24h" not in d for d in descriptions)
    stamps = {ev.dtstamp.value for ev in cal.vevent_list}
    assert len(stamps) == 1  # the export's time, the same for every event


def test_removing_an_assignment_made_with_its_shift_raises_the_sequence(store):
    from tests.roster.fixtures import people

    ids = people(store)
    view = store.roster.add_shift(
        at(2026, 11, 23, 8, 30), at(2026, 11, 24, 8, 30), "24h",
        [(ids["王建国"], Role.leader), (ids["周文博"], Role.officer)],
    )  # fmt: skip
    before = events(export(store))
    assert {e["seq"] for e in before.values()} == {0}
    gone = view.assignments[-1]
    store.roster.remove(gone.id, reason="取消", approver="王建国")
    after = events(export(store))
    uid = next(u for u in after if f"assignment-{gone.id}-" in u)
    assert after[uid]["status"] == "CANCELLED" and after[uid]["seq"] == 1
