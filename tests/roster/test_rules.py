"""Pure roster rules: the calendar, rotations, floors and gaps, the leader-check schedule and its
escalation, hours on duty. No database, no app."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.helpers import TZ
from watchdesk.models.roster import (
    CheckConfig,
    CheckKind,
    CheckMethod,
    CheckOutcome,
    CheckRecord,
    CheckStatus,
    DayKind,
    Leave,
    Problem,
    Role,
    RosterAssignment,
    RosterConfig,
    RosterShift,
    RotationMode,
    RotationSpec,
    SensitivePeriod,
    Shift,
)
from watchdesk.rules import roster as rules

CAL = rules.ChinaCalendar("zh")
LEAD, CHIEF, OFF = [1, 2, 3], [4, 5], [6, 7, 8, 9, 10]


def at(y, m, d, hh=0, mm=0, ss=0):
    return datetime(y, m, d, hh, mm, ss, tzinfo=TZ)


def plan(start, end, cfg=None, cal=CAL, leave=(), **kw):
    lists = kw.pop("lists", {Role.leader: LEAD, Role.chief: CHIEF, Role.officer: OFF})
    spec = RotationSpec(start=start, end=end, lists=lists, **kw)
    return rules.plan_rotation(spec, cfg or RosterConfig(), cal, TZ, leave)


def ids(p, role):
    return [oid for r, oid in p.people if r == role]


# -- the calendar ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "day, kind",
    [
        (date(2026, 1, 1), DayKind.holiday),  # 元旦
        (date(2026, 1, 2), DayKind.holiday),  # a Friday given as rest (调休)
        (date(2026, 1, 4), DayKind.makeup),  # a Sunday worked in exchange
        (date(2026, 2, 14), DayKind.makeup),  # Saturday before the Spring Festival
        (date(2026, 10, 6), DayKind.holiday),  # Tuesday inside the National Day week
        (date(2026, 10, 10), DayKind.makeup),
        (date(2026, 11, 22), DayKind.weekend),
        (date(2026, 11, 23), DayKind.workday),
    ],
)
def test_calendar_holidays_and_makeup_workdays(day, kind):
    assert CAL.kind(day)[0] == kind


def test_holiday_names_and_sensitive_days():
    assert "国庆节" in CAL.kind(date(2026, 10, 1))[1]
    periods = [SensitivePeriod(name="两会", starts_on=date(2026, 3, 4), ends_on=date(2026, 3, 11))]
    cal = rules.ChinaCalendar("zh", periods)
    assert cal.sensitive_names(date(2026, 3, 4)) == ["两会"]
    assert cal.sensitive_names(date(2026, 3, 12)) == []
    assert cal.sensitive_names(date(2026, 10, 1))  # a public holiday
    plain = rules.ChinaCalendar("zh", holidays_sensitive=False)
    assert plain.sensitive_names(date(2026, 10, 1)) == []


# -- rotations ---------------------------------------------------------------------------------
def test_daily_rotation_runs_across_a_month_end():
    shifts = plan(date(2026, 3, 27), date(2026, 4, 3))
    assert [ids(p, Role.leader)[0] for p in shifts] == [1, 2, 3, 1, 2, 3, 1, 2]
    assert [p.day for p in shifts][4:6] == [date(2026, 3, 31), date(2026, 4, 1)]
    assert shifts[4].starts_at == at(2026, 3, 31, 8, 30)
    assert shifts[4].ends_at == at(2026, 4, 1, 8, 30)
    assert [ids(p, Role.chief)[0] for p in shifts] == [4, 5, 4, 5, 4, 5, 4, 5]


def test_split_rotation_uses_the_rest_list_on_holidays_and_the_work_list_on_makeup_days():
    rest = {Role.leader: [21, 22]}
    shifts = plan(
        date(2026, 9, 30), date(2026, 10, 11), mode=RotationMode.workday_split, rest_lists=rest
    )
    by_day = {p.day: ids(p, Role.leader)[0] for p in shifts}
    for d in range(1, 8):  # 10-01..10-07: holidays, weekdays included
        assert by_day[date(2026, 10, d)] in (21, 22)
    assert by_day[date(2026, 10, 10)] in LEAD  # Saturday, a make-up workday
    assert by_day[date(2026, 10, 11)] in (21, 22)  # Sunday
    assert by_day[date(2026, 9, 30)] in LEAD
    # Each list keeps its own order across the break.
    assert [
        by_day[date(2026, 9, 30)],
        by_day[date(2026, 10, 8)],
        by_day[date(2026, 10, 9)],
        by_day[date(2026, 10, 10)],
    ] == [1, 2, 3, 1]
    assert [by_day[date(2026, 10, d)] for d in (1, 2, 3, 4, 5, 6, 7, 11)] == [
        21,
        22,
        21,
        22,
        21,
        22,
        21,
        22,
    ]


def test_split_rotation_new_year_makeup_sunday():
    shifts = plan(
        date(2026, 1, 1),
        date(2026, 1, 5),
        mode=RotationMode.workday_split,
        rest_lists={Role.leader: [21]},
    )
    by_day = {p.day: ids(p, Role.leader)[0] for p in shifts}
    assert by_day[date(2026, 1, 1)] == 21 and by_day[date(2026, 1, 2)] == 21
    assert by_day[date(2026, 1, 3)] == 21  # Saturday
    assert by_day[date(2026, 1, 4)] == 1  # Sunday worked: the workday list
    assert by_day[date(2026, 1, 5)] == 2


def test_every_n_days_with_day_and_night_shifts():
    cfg = RosterConfig(pattern="day-night")
    shifts = plan(
        date(2026, 11, 16),
        date(2026, 11, 21),
        cfg,
        every=2,
        mode=RotationMode.every,
        lists={Role.officer: [6, 7, 8, 9]},
    )
    assert len(shifts) == 12
    assert shifts[0].starts_at == at(2026, 11, 16, 8)
    assert shifts[1].starts_at == at(2026, 11, 16, 20)
    assert shifts[1].ends_at == at(2026, 11, 17, 8)
    got = [ids(p, Role.officer)[0] for p in shifts]
    # day/night of a two-day turn keep their people; the next turn takes the next two.
    assert got == [6, 7, 6, 7, 8, 9, 8, 9, 6, 7, 6, 7]


def test_a_person_on_leave_is_passed_over():
    leave = [Leave(officer_id=2, starts_at=at(2026, 11, 17), ends_at=at(2026, 11, 18, 12))]
    shifts = plan(date(2026, 11, 16), date(2026, 11, 19), leave=leave)
    assert [ids(p, Role.leader)[0] for p in shifts] == [1, 3, 1, 2]


def test_sensitive_days_raise_the_officer_floor_in_the_plan():
    periods = [
        SensitivePeriod(name="汛期会商", starts_on=date(2026, 6, 2), ends_on=date(2026, 6, 2))
    ]
    cal = rules.ChinaCalendar("zh", periods)
    shifts = plan(date(2026, 6, 1), date(2026, 6, 3), cal=cal)
    assert [len(ids(p, Role.officer)) for p in shifts] == [1, 2, 1]
    assert [p.sensitive for p in shifts] == [False, True, False]
    holiday = plan(date(2026, 10, 1), date(2026, 10, 1))[0]
    assert len(ids(holiday, Role.officer)) == 2 and holiday.sensitive


def test_short_lists_are_reported():
    cfg = RosterConfig()
    leave = [Leave(officer_id=6, starts_at=at(2026, 10, 1), ends_at=at(2026, 10, 3))]
    p = plan(
        date(2026, 10, 1),
        date(2026, 10, 1),
        cfg,
        leave=leave,
        lists={Role.leader: [1], Role.officer: [6, 7]},
    )[0]
    assert ids(p, Role.officer) == [7] and p.short == {Role.officer: 1}


def test_pattern_shifts_meet_by_the_wall_clock_across_dst():
    ny = ZoneInfo("America/New_York")
    slots = RosterConfig().slots()
    rows = rules.pattern_shifts(date(2026, 3, 7), date(2026, 3, 9), slots, ny)
    for (_, _, _, e, _), (_, _, s, _, _) in zip(rows, rows[1:]):
        assert e == s  # no gap, no overlap
    s, e = rows[0][2], rows[0][3]
    assert e.astimezone(ny).hour == 8 and e.astimezone(ny).minute == 30
    assert e.astimezone(ZoneInfo("UTC")) - s.astimezone(ZoneInfo("UTC")) == timedelta(hours=23)


# -- floors, gaps, violations ------------------------------------------------------------------
def rshift(sid, start, hours=24, people=(), sensitive=False, cfg=None):
    cfg = cfg or RosterConfig()
    sh = Shift(id=sid, starts_at=start, ends_at=start + timedelta(hours=hours))
    assigns = [
        RosterAssignment(
            id=sid * 100 + i, shift_id=sid, officer_id=oid, role=role, officer_name=f"人{oid}"
        )
        for i, (role, oid) in enumerate(people)
    ]
    return RosterShift(
        shift=sh,
        day=CAL.info(start.date()),
        assignments=assigns,
        sensitive=sensitive,
        floor=cfg.floor(sensitive),
    )


def test_no_leader_and_below_floor_in_a_sensitive_period():
    rs = rshift(1, at(2026, 10, 1, 8, 30), people=[(Role.officer, 6)], sensitive=True)
    probs = {v.problem: v for v in rules.shift_problems(rs, [])}
    assert set(probs) == {Problem.no_leader, Problem.below_floor}
    assert probs[Problem.below_floor].role == Role.officer
    assert (probs[Problem.below_floor].have, probs[Problem.below_floor].need) == (1, 2)
    ok = rshift(
        2,
        at(2026, 10, 2, 8, 30),
        people=[(Role.leader, 1), (Role.officer, 6), (Role.officer, 7)],
        sensitive=True,
    )
    assert rules.shift_problems(ok, []) == []
    normal = rshift(3, at(2026, 11, 2, 8, 30), people=[(Role.leader, 1), (Role.officer, 6)])
    assert rules.shift_problems(normal, []) == []


def test_leave_is_a_violation_unless_a_substitute_covers_it():
    rs = rshift(1, at(2026, 11, 2, 8, 30), people=[(Role.leader, 1), (Role.officer, 6)])
    leave = [Leave(officer_id=6, starts_at=at(2026, 11, 2, 14), ends_at=at(2026, 11, 2, 18))]
    assert [v.problem for v in rules.shift_problems(rs, leave)] == [Problem.on_leave]
    sub = RosterAssignment(
        id=999,
        shift_id=1,
        officer_id=7,
        role=Role.officer,
        officer_name="人7",
        starts_at=at(2026, 11, 2, 13),
        ends_at=at(2026, 11, 2, 20),
        covers_id=rs.assignments[1].id,
    )
    rs.assignments.append(sub)
    assert rules.shift_problems(rs, leave) == []


def test_consecutive_shifts_over_the_limit():
    s = at(2026, 11, 2, 8, 30)
    rows = [
        rshift(k + 1, s + timedelta(days=k), people=[(Role.leader, k + 1), (Role.officer, 6)])
        for k in range(4)
    ]
    vs = rules.consecutive_problems(rows, 2)
    assert [(v.shift_id, v.officer_id, v.have) for v in vs] == [(3, 6, 3), (4, 6, 4)]
    # A day off breaks the run.
    rows[2] = rshift(3, s + timedelta(days=2), people=[(Role.leader, 9), (Role.officer, 7)])
    assert rules.consecutive_problems(rows, 2) == []


def test_uncovered_periods():
    rows = [rshift(1, at(2026, 11, 2, 8, 30)), rshift(2, at(2026, 11, 3, 12, 0))]
    gaps = rules.uncovered(rows, at(2026, 11, 2), at(2026, 11, 5))
    assert [(g.starts_at, g.ends_at) for g in gaps] == [
        (at(2026, 11, 2), at(2026, 11, 2, 8, 30)),
        (at(2026, 11, 3, 8, 30), at(2026, 11, 3, 12)),
        (at(2026, 11, 4, 12), at(2026, 11, 5)),
    ]
    assert len({g.key for g in gaps}) == 3


# -- the leader check --------------------------------------------------------------------------
def test_check_schedule_of_a_24h_shift():
    cfg = CheckConfig(fixed=["22:00"], random_windows=[("00:00", "06:00")])
    sched = rules.check_schedule(7, at(2026, 11, 22, 8, 30), at(2026, 11, 23, 8, 30), cfg, TZ)
    kinds = [c.kind for c in sched]
    assert kinds == [CheckKind.start, CheckKind.fixed, CheckKind.random]
    assert sched[0].due_at == at(2026, 11, 22, 8, 30)
    assert sched[1].due_at == at(2026, 11, 22, 22)
    assert at(2026, 11, 23, 0) <= sched[2].due_at < at(2026, 11, 23, 6)
    # Reproducible: the same shift always gets the same random time; other shifts vary.
    again = rules.check_schedule(7, at(2026, 11, 22, 8, 30), at(2026, 11, 23, 8, 30), cfg, TZ)
    assert again == sched
    others = {
        rules.check_schedule(k, at(2026, 11, 22, 8, 30), at(2026, 11, 23, 8, 30), cfg, TZ)[2].due_at
        for k in range(20)
    }
    assert len(others) > 5


def test_check_schedule_of_day_and_night_shifts():
    cfg = CheckConfig(fixed=["22:00"], random_windows=[("23:00", "02:00")])
    day = rules.check_schedule(1, at(2026, 11, 22, 8), at(2026, 11, 22, 20), cfg, TZ)
    assert [c.kind for c in day] == [CheckKind.start]
    night = rules.check_schedule(2, at(2026, 11, 22, 20), at(2026, 11, 23, 8), cfg, TZ)
    assert [c.kind for c in night] == [CheckKind.start, CheckKind.fixed, CheckKind.random]
    assert at(2026, 11, 22, 23) <= night[2].due_at < at(2026, 11, 23, 2)


def record(due, method=CheckMethod.phone, result=CheckOutcome.present, at_=None, rid=1):
    return CheckRecord(
        id=rid,
        shift_id=1,
        due_at=due,
        kind=CheckKind.fixed,
        method=method,
        result=result,
        at=at_ or due,
    )


@pytest.mark.parametrize(
    "offset, status",
    [
        (timedelta(seconds=-1), CheckStatus.upcoming),
        (timedelta(0), CheckStatus.due),
        (timedelta(minutes=14, seconds=59), CheckStatus.due),
        (timedelta(minutes=15), CheckStatus.escalated),
    ],
)
def test_escalation_is_a_function_of_checks_and_now(offset, status):
    due = at(2026, 11, 22, 22)
    sched = rules.check_schedule(
        1,
        at(2026, 11, 22, 20),
        at(2026, 11, 23, 8),
        CheckConfig(at_start=False, random_windows=[]),
        TZ,
    )
    states = rules.check_states(sched, [], due + offset, 15)
    assert states[0].status == status
    esc = rules.escalation(states, due + offset)
    assert esc.active == (status == CheckStatus.escalated)
    # The same cached states, judged at a later `now`, escalate without a reload.
    assert rules.escalation(states, due + timedelta(minutes=15)).active


def test_a_confirmation_resolves_and_a_non_confirmation_still_escalates():
    due = at(2026, 11, 22, 22)
    sched = rules.check_schedule(
        1,
        at(2026, 11, 22, 20),
        at(2026, 11, 23, 8),
        CheckConfig(at_start=False, random_windows=[]),
        TZ,
    )
    late = due + timedelta(minutes=30)
    ok = rules.check_states(sched, [record(due, at_=late)], late, 15)
    assert ok[0].status == CheckStatus.confirmed and not rules.escalation(ok, late).active
    absent = rules.check_states(
        sched, [record(due, result=CheckOutcome.absent)], due + timedelta(minutes=1), 15
    )
    assert absent[0].status == CheckStatus.failed
    assert rules.escalation(absent, due + timedelta(minutes=15)).active
    # In a sensitive period only "in person" confirms.
    phone = rules.check_states(sched, [record(due)], due, 15, in_person_required=True)
    assert phone[0].status == CheckStatus.failed
    seen = rules.check_states(
        sched,
        [record(due), record(due, CheckMethod.in_person, rid=2, at_=due + timedelta(minutes=5))],
        due + timedelta(minutes=20),
        15,
        in_person_required=True,
    )
    assert seen[0].status == CheckStatus.confirmed and len(seen[0].history) == 2


def test_adhoc_records_are_kept_as_checks():
    states = rules.check_states([], [record(at(2026, 11, 22, 3))], at(2026, 11, 22, 4), 15)
    assert len(states) == 1 and states[0].status == CheckStatus.confirmed


# -- hours -------------------------------------------------------------------------------------
def test_hours_split_by_night_holiday_and_substitution():
    rs = rshift(1, at(2026, 10, 1, 8, 30), people=[(Role.leader, 1), (Role.officer, 6)])
    sub = RosterAssignment(
        id=999,
        shift_id=1,
        officer_id=7,
        role=Role.officer,
        officer_name="人7",
        starts_at=at(2026, 10, 1, 14),
        ends_at=at(2026, 10, 1, 20),
        covers_id=rs.assignments[1].id,
    )
    rs.assignments.append(sub)
    rows = {
        r.officer_id: r for r in rules.hours_report([rs], at(2026, 10, 1), at(2026, 10, 3), CAL, TZ)
    }
    assert rows[1].hours == 24 and rows[1].shifts == 1
    assert rows[1].night_hours == 8  # 22:00–06:00
    assert rows[1].holiday_hours == 24  # 10-01 and 10-02 are both holidays
    assert rows[6].hours == 18 and rows[7].hours == 6
    assert rows[7].shifts == 0  # a part-shift substitute is not counted as a shift
    clipped = {
        r.officer_id: r for r in rules.hours_report([rs], at(2026, 10, 1), at(2026, 10, 2), CAL, TZ)
    }
    assert clipped[1].hours == 15.5
