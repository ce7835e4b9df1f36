"""The analysts' views (m15_areas_and_views): local dates in the desk's zone, Chinese labels,
reports with lateness, late reports; the zone kept in `desk_tz` and following the desk's
setting."""

from __future__ import annotations

from datetime import datetime, timedelta

from tests.helpers import TZ, FakeClock, facts
from watchdesk.models.area import AreaInput
from watchdesk.models.incident import ReportKind
from watchdesk.store.views import zone_offset


def rows(store, sql, args=()):
    cur = store.db.execute(sql, list(args))
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r)) for r in cur.fetchall()]


def test_the_desk_keeps_its_zone_as_an_offset(store):
    assert rows(store, "SELECT zone, utc_offset_minutes, has_dst FROM desk_tz") == [
        {"zone": "Asia/Shanghai", "utc_offset_minutes": 480, "has_dst": 0}
    ]
    store.settings.update(timezone="Asia/Kolkata")
    assert rows(store, "SELECT zone, utc_offset_minutes FROM desk_tz") == [
        {"zone": "Asia/Kolkata", "utc_offset_minutes": 330}
    ]
    store.settings.update(timezone="")  # not set on the desk: the default
    assert rows(store, "SELECT zone FROM desk_tz") == [{"zone": "Asia/Shanghai"}]
    assert zone_offset("Europe/Berlin") == (
        60,
        True,
    )  # its standard offset; DST: a documented limit
    assert store.check().ok


def test_an_incident_at_half_past_midnight_on_the_first_is_in_that_month(store):
    # 00:30 Beijing time on 1 December is 16:30 UTC on 30 November.
    at = datetime(2026, 12, 1, 0, 30, tzinfo=TZ)
    store.clock = FakeClock(at + timedelta(minutes=5))
    store.areas.add(AreaInput(name="城关镇", code="430121100"))
    inc = store.incidents.add(
        facts(store.clock, received_at=at, occurred_at=at - timedelta(minutes=10), area="城关镇")
    )
    assert (
        store.db.execute("SELECT received_at FROM incidents")
        .fetchone()[0]
        .startswith("2026-11-30T16:30")
    )
    [v] = rows(store, "SELECT * FROM v_incidents WHERE id = ?", [inc.id])
    assert v["received_local"] == "2026-12-01 00:30:00"
    assert (v["received_date"], v["received_month"], v["received_year"]) == (
        "2026-12-01",
        "2026-12",
        2026,
    )
    assert v["occurred_local"] == "2026-12-01 00:20:00"
    assert (v["grade_label"], v["category_label"], v["subtype_label"]) == (
        "一般",
        "事故灾难",
        "火灾",
    )
    assert (v["area"], v["area_code"], v["status_label"], v["counted"]) == (
        "城关镇",
        "430121100",
        "处置中",
        1,
    )


def test_reports_with_lateness_and_the_late_list(store, clock):
    inc = store.incidents.add(facts(clock, occurred_at=clock() - timedelta(minutes=5)))
    clocks = {d.kind: d for d in store.incidents.deadlines(inc.id)}
    written = clocks[ReportKind.written]
    # Exactly at the due instant is on time.
    clock.set(written.due_at)
    store.incidents.record_report(inc.id, ReportKind.written, at=written.due_at)
    followup = next(d for d in store.incidents.deadlines(inc.id) if d.kind == ReportKind.followup)
    late_at = followup.due_at + timedelta(minutes=7, seconds=30)
    clock.set(late_at)
    store.incidents.record_report(inc.id, ReportKind.followup, at=late_at, by_whom="周文博")
    got = rows(
        store,
        "SELECT kind, kind_label, seq, late_seconds, late_minutes, late, timeliness, struck"
        " FROM v_reports ORDER BY id",
    )
    assert got == [
        {
            "kind": "written",
            "kind_label": "书面报告",
            "seq": 0,
            "late_seconds": 0,
            "late_minutes": 0.0,
            "late": 0,
            "timeliness": "按时",
            "struck": 0,
        },
        {
            "kind": "followup",
            "kind_label": "续报",
            "seq": 1,
            "late_seconds": 450,
            "late_minutes": 7.5,
            "late": 1,
            "timeliness": "迟报",
            "struck": 0,
        },
    ]
    [late] = rows(store, "SELECT * FROM v_late_reports")
    assert (late["by_whom"], late["incident_title"] or "", late["grade_label"]) == (
        "周文博",
        "",
        "一般",
    )
    assert late["due_local"] == followup.due_at.astimezone(TZ).strftime("%Y-%m-%d %H:%M:%S")
    # A voided incident's reports count nowhere.
    store.incidents.void(inc.id, "误报")
    assert rows(store, "SELECT * FROM v_late_reports") == []
    assert rows(store, "SELECT counted FROM v_incidents") == [{"counted": 0}]


def test_a_struck_late_report_is_not_late(store, clock):
    inc = store.incidents.add(facts(clock, occurred_at=clock() - timedelta(minutes=5)))
    written = next(d for d in store.incidents.deadlines(inc.id) if d.kind == ReportKind.written)
    at = written.due_at + timedelta(minutes=3)
    clock.set(at)
    rep = store.incidents.record_report(inc.id, ReportKind.written, at=at)
    assert len(rows(store, "SELECT * FROM v_late_reports")) == 1
    from watchdesk.store.correction import correct

    correct(store, f"report:{rep.id}", "记错了时间")
    assert rows(store, "SELECT struck FROM v_reports") == [{"struck": 1}]
    assert rows(store, "SELECT * FROM v_late_reports") == []


def test_the_label_tables_cover_every_code(store):
    from watchdesk.rules.categories import CATEGORIES

    grades = rows(store, "SELECT code, zh FROM grade_labels ORDER BY rank")
    assert [g["zh"] for g in grades] == ["特别重大", "重大", "较大", "一般"]
    kinds = {r["code"] for r in rows(store, "SELECT code FROM report_kind_labels")}
    assert kinds == {k.value for k in ReportKind}
    cats = {(r["category"], r["subtype"]) for r in rows(store, "SELECT * FROM category_labels")}
    for c in CATEGORIES:
        assert (c.code, "") in cats
        assert all((c.code, s.code) in cats for s in c.subtypes)


def test_the_views_can_be_replaced_by_a_later_migration(store, clock):
    """Views hold no data: dropped and created again in one transaction, as a later migration
    replacing them does, they answer as before."""
    from watchdesk.store.migrations import _VIEWS_15, _run_script

    store.incidents.add(facts(clock))
    before = rows(store, "SELECT * FROM v_incidents")
    with store.write():
        _run_script(store.db.utils, _VIEWS_15)
    assert rows(store, "SELECT * FROM v_incidents") == before
    assert store.check().ok
