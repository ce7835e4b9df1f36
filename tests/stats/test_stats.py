"""StatsRepo on the fixture desk of conftest.py: every expected figure is worked out by hand there
(not by calling the code under test)."""

from __future__ import annotations

import sqlite3

import pytest

from tests.helpers import TZ
from tests.stats.conftest import NOW, _facts, local, seconds
from watchdesk.models.incident import Grade, ReportKind
from watchdesk.models.stats import ClockOutcome, SubordinateRules
from watchdesk.text.period import custom_period, parse_period


@pytest.fixture
def nov(desk):
    return desk.store.stats.compute(parse_period("2026-11", TZ))


def _kind(st, kind):
    return next(k for k in st.own.by_kind if k.kind == kind)


# -- our own timeliness ---------------------------------------------------------------------------
def test_own_counts_per_kind(nov):
    phone = _kind(nov, ReportKind.phone)
    assert (phone.on_time, phone.late, phone.missed) == (0, 1, 0)  # B's phone
    written = _kind(nov, ReportKind.written)
    # on time: J (October's incident, due 11-01), A (exactly at due), H, I; late: F (struck and
    # made again), E (reported in December); missed: B (never), G (ended by the final report)
    assert (written.on_time, written.late, written.missed) == (4, 2, 2)
    follow = _kind(nov, ReportKind.followup)
    assert (follow.on_time, follow.late, follow.missed) == (1, 1, 1)  # B #1; A #1; B #2
    verification = _kind(nov, ReportKind.verification)
    assert (verification.counted, verification.on_time_rate) == (0, None)
    total = nov.own.total
    assert (total.on_time, total.late, total.missed, total.pending) == (5, 4, 3, 0)
    assert total.on_time_rate == round(5 / 12, 4)
    assert written.on_time_rate == 0.5


def test_lateness_median_p90_worst(nov):
    # late: A #1 30 min, B phone 40 min, F 1 h, E 11 h
    late = sorted([seconds(minutes=30), seconds(minutes=40), seconds(hours=1), seconds(hours=11)])
    total = nov.own.total
    assert total.late_median_seconds == (late[1] + late[2]) / 2 == 3000
    assert total.late_p90_seconds == late[3]  # nearest rank: ceil(0.9 × 4) = 4th
    assert total.late_worst_seconds == seconds(hours=11)
    written = _kind(nov, ReportKind.written)
    assert written.late_median_seconds == (seconds(hours=1) + seconds(hours=11)) / 2


def test_late_and_missed_list(desk, nov):
    ids = desk.ids
    got = [(i.incident_id, i.kind, i.seq, i.outcome) for i in nov.own.items]
    assert got == [
        (ids["A"], ReportKind.followup, 1, ClockOutcome.late),
        (ids["B"], ReportKind.phone, 0, ClockOutcome.late),
        (ids["B"], ReportKind.written, 0, ClockOutcome.missed),
        (ids["B"], ReportKind.followup, 2, ClockOutcome.missed),
        (ids["F"], ReportKind.written, 0, ClockOutcome.late),
        (ids["G"], ReportKind.written, 0, ClockOutcome.missed),
        (ids["E"], ReportKind.written, 0, ClockOutcome.late),
    ]
    phone = nov.own.items[1]
    assert phone.reporter == "孙丽娜" and phone.late_seconds == seconds(minutes=40)
    assert phone.due_at == local(11, 10, 7, 30)
    written_b = nov.own.items[2]
    assert written_b.on_duty == ["王建国", "赵磊"]  # the 11-10 08:00 shift: due at its start
    assert written_b.late_seconds == int((NOW - local(11, 10, 8)).total_seconds())
    assert nov.own.items[3].on_duty == ["李红梅", "赵磊"]
    g = nov.own.items[5]
    assert g.late_seconds == seconds(hours=1) and g.reporter == ""
    e = nov.own.items[6]
    assert e.reported_at == local(12, 1, 9) and e.late_seconds == seconds(hours=11)


def test_exactly_at_due_is_on_time(desk, nov):
    assert desk.ids["A"] not in {i.incident_id for i in nov.own.items if i.kind == "written"}


def test_overdue_in_period_reported_after_counts_where_due(desk):
    dec = desk.store.stats.compute(parse_period("2026-12", TZ))
    # December: only C's written report (due 02:30, made 02:30:00); E's belongs to November
    written = _kind(dec, ReportKind.written)
    assert (written.on_time, written.late, written.missed) == (1, 0, 0)
    assert dec.own.items == []


def test_voided_and_duplicate_count_nowhere(desk, nov):
    gone = {desk.ids["V"], desk.ids["M"]}
    assert not gone & {i.incident_id for i in nov.own.items}
    assert not gone & {i.incident_id for i in nov.subordinates.items}
    assert nov.happened.totals.dead == 4  # V's 5 and M's 7 are not there


def test_running_clock_not_yet_due_is_pending(desk):
    s = desk.store
    s.incidents.add(_facts(NOW, grade=Grade.IV))  # written due 14:00
    st = s.stats.compute(parse_period("2026-12", TZ))
    written = _kind(st, ReportKind.written)
    assert (written.on_time, written.pending, written.missed) == (1, 1, 0)
    desk.clock.set(local(12, 10, 14, 0))  # due now: not late yet
    st = s.stats.compute(parse_period("2026-12", TZ))
    assert (_kind(st, ReportKind.written).missed, _kind(st, ReportKind.written).pending) == (0, 1)
    desk.clock.set(local(12, 10, 14, 0).replace(second=1))  # a second past due: missed
    st = s.stats.compute(parse_period("2026-12", TZ))
    assert (_kind(st, ReportKind.written).missed, _kind(st, ReportKind.written).pending) == (1, 0)


# -- subordinates ---------------------------------------------------------------------------------
def test_subordinates_default_rules(desk, nov):
    sub = nov.subordinates
    assert sub.rules.limits_seconds == {
        Grade.I: 1800,
        Grade.II: 1800,  # the national pack's phone limit
        Grade.III: 7200,
        Grade.IV: 7200,  # no phone rule: the written one
    }
    village, town = sub.units  # the worst first
    assert (village.unit, village.incidents, village.late, village.missed) == (
        "白沙乡值班室",
        2,
        1,
        1,
    )
    assert village.score == -1 - 3
    assert village.delay_worst_seconds == seconds(hours=25)
    assert (town.unit, town.incidents, town.on_time, town.unknown, town.score) == (
        "城关镇值班室",
        2,  # A and I (V voided, M a duplicate)
        1,
        1,  # I: occurrence unknown
        0,
    )
    assert town.delay_median_seconds == seconds(minutes=30)
    assert [(i.incident_id, i.outcome) for i in sub.items] == [
        (desk.ids["B"], ClockOutcome.late),
        (desk.ids["H"], ClockOutcome.missed),
    ]


def test_subordinate_scoring_configurable(desk):
    rules = SubordinateRules(
        limits_seconds={Grade.II: seconds(hours=2), Grade.III: seconds(hours=1)},
        missed_after_seconds=seconds(hours=48),
        late_points=-2,
        missed_points=-5,
    )
    st = desk.store.stats.compute(parse_period("2026-11", TZ), rules=rules)
    village = next(u for u in st.subordinates.units if u.unit == "白沙乡值班室")
    # B: 1 h within II's 2 h; H: 25 h, late (not beyond 48 h)
    assert (village.on_time, village.late, village.missed, village.score) == (1, 1, 0, -2)
    town = next(u for u in st.subordinates.units if u.unit == "城关镇值班室")
    assert town.unknown == 2  # no limit for IV given: A is not judged either


# -- what happened --------------------------------------------------------------------------------
def test_happened(desk, nov):
    h = nov.happened
    # A B H I F G E: J is October's (23:59 on the 31st), C December's (00:30 on the 1st)
    t = h.totals
    assert (t.incidents, t.dead, t.injured, t.missing, t.direct_loss) == (7, 4, 2, 1, 500_000)
    assert [(c.key, c.incidents) for c in h.by_category] == [("accident", 6), ("natural", 1)]
    assert [(c.key, c.incidents) for c in h.by_grade] == [
        ("I", 0),
        ("II", 1),
        ("III", 1),
        ("IV", 5),
    ]
    assert [(m.month, m.incidents) for m in h.by_month] == [("2026-11", 7)]
    assert h.previous is not None and h.previous.period.label == "2026-10"
    assert (h.previous.totals.incidents, h.previous.change, h.previous.change_rate) == (1, 6, 6.0)
    assert h.year_on_year is not None and h.year_on_year.period.label == "2025-11"
    assert (h.year_on_year.totals.incidents, h.year_on_year.change_rate) == (0, None)


def test_month_boundary_local_midnight(desk):
    dec = desk.store.stats.compute(parse_period("2026-12", TZ))
    assert dec.happened.totals.incidents == 1  # C, received 16:30 UTC on 11-30
    oct_ = desk.store.stats.compute(parse_period("2026-10", TZ))
    assert oct_.happened.totals.incidents == 1  # J


def test_by_month_over_a_quarter(desk):
    q = desk.store.stats.compute(parse_period("2026-Q4", TZ))
    assert [(m.month, m.incidents) for m in q.happened.by_month] == [
        ("2026-10", 1),
        ("2026-11", 7),
        ("2026-12", 1),
    ]
    assert q.happened.by_month[1].by_grade == {Grade.I: 0, Grade.II: 1, Grade.III: 1, Grade.IV: 5}
    assert q.happened.previous is not None and q.happened.previous.period.label == "2026-Q3"


@pytest.mark.parametrize("window", ["2026-Q4", "2026", "part"])
@pytest.mark.parametrize("now", [NOW, local(11, 10, 12)])
def test_trend_is_each_months_figures(desk, window, now):
    """The statistics screen's charts (`trend`): each month's incidents by grade as `happened`
    counts them, and its on-time rate as `own` gives it, with `now` inside a month too."""
    from watchdesk.models.stats import Period, PeriodKind
    from watchdesk.text.period import months

    s = desk.store
    if window == "part":  # cut inside its first and last months
        p = custom_period(local(10, 15, 6), local(12, 2, 9), TZ)
    else:
        p = parse_period(window, TZ)
    by_month, rates = s.stats.trend(p, now)
    assert by_month == s.stats.happened(p).by_month
    expected = [
        (label, s.stats.own(Period(kind=PeriodKind.month, start=a, end=b, label=label), now))
        for label, a, b in months(p, TZ)
    ]
    assert rates == [(label, own.total.on_time_rate) for label, own in expected]
    assert any(r is not None for _, r in rates)


# -- the desk itself ------------------------------------------------------------------------------
def test_rollcall(nov):
    rc = nov.desk.rollcall
    assert (rc.rounds, rc.checked, rc.on_post, rc.rate) == (2, 4, 2, 0.5)
    assert [(u.unit, u.checked, u.absent) for u in rc.most_absent] == [("白沙乡值班室", 2, 2)]
    town = next(u for u in rc.units if u.unit == "城关镇值班室")
    assert town.rate == 1.0


def test_leader_checks(nov):
    lc = nov.desk.leader_checks
    assert (lc.due, lc.on_time, lc.late, lc.missed, lc.pending, lc.absences) == (3, 1, 1, 1, 0, 1)


def test_hours(nov):
    hours = {h.name: h for h in nov.desk.hours}
    assert hours["赵磊"].hours == 8 + 3 * 24  # 8 h of the October night shift are November's
    assert hours["赵磊"].shifts == 4
    assert hours["王建国"].hours == 48 and hours["李红梅"].hours == 24


def test_holiday_shifts(desk):
    oct_ = desk.store.stats.compute(parse_period("2026-10", TZ))
    zhao = next(h for h in oct_.desk.hours if h.name == "赵磊")
    assert zhao.holiday_shifts == 1  # 10-01, National Day
    assert zhao.holiday_hours >= 15.5  # 10-01 08:30 to midnight at least


# -- empty periods --------------------------------------------------------------------------------
def test_empty_period_gives_zeros(desk):
    st = desk.store.stats.compute(parse_period("2019", TZ))
    assert st.own.total.counted == 0 and st.own.total.on_time_rate is None
    assert all(k.counted == 0 for k in st.own.by_kind)
    assert st.subordinates.units == [] and st.happened.totals.incidents == 0
    assert len(st.happened.by_month) == 12 and all(m.incidents == 0 for m in st.happened.by_month)
    assert st.desk.rollcall.rate is None and st.desk.leader_checks.due == 0
    assert st.desk.hours == []


def test_empty_desk(store):
    st = store.stats.compute(custom_period(local(11, 1, 0), local(11, 2, 0), TZ))
    assert st.own.total.counted == 0 and st.happened.totals.incidents == 0


# -- bounded by the period ------------------------------------------------------------------------
@pytest.mark.parametrize(
    "name",
    [
        "SQL_CLOCKS",
        "SQL_FROM_UNITS",
        "SQL_HAPPENED",
        "SQL_ROLLCALL",
        "SQL_SHIFTS",
        "SQL_ON_TIME_COUNT",
        "SQL_CLOCKS_REST_TALLY",
    ],
)
def test_main_queries_use_a_time_index(desk, name):
    from watchdesk.store import stats

    sql = getattr(stats, name)
    conn = sqlite3.connect(desk.path)
    try:
        args = ["2026-11-01"] * sql.count("?")
        plan = [r[3] for r in conn.execute("EXPLAIN QUERY PLAN " + sql, args)]
    finally:
        conn.close()
    assert not any(p.startswith("SCAN") and "subquery" not in p for p in plan), plan
    first = next(p for p in plan if p.startswith("SEARCH"))
    assert ">?" in first and "<?" in first or name == "SQL_SHIFTS", plan
