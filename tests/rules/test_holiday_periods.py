"""Issue 13: weekend days inside a public-holiday period are holidays (双人双岗 and the in-person
leader check hold on them); holiday hours follow one definition; a year without its official
arrangement is flagged."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from watchdesk.models.roster import (
    DayKind,
    Role,
    RosterAssignment,
    RosterConfig,
    RosterShift,
    Shift,
)
from watchdesk.rules.roster import (
    ChinaCalendar,
    YearData,
    holiday_periods,
    holidays_year,
    hours_report,
    official_range,
)

TZ = ZoneInfo("Asia/Shanghai")
D = date


@pytest.mark.parametrize(
    "day, name",
    [
        (D(2025, 10, 4), "国庆节"),  # Sat inside 10-01 … 10-08
        (D(2025, 10, 5), "国庆节"),
        (D(2026, 2, 21), "春节"),  # Sat inside 02-15 … 02-23
        (D(2026, 2, 22), "春节"),
        (D(2026, 2, 15), "春节"),  # Sun before 除夕: the notice's first day
        (D(2025, 2, 1), "春节"),
        (D(2025, 5, 3), "劳动节"),
        (D(2025, 4, 5), "清明节"),  # the weekend after a Friday holiday (4月4日至6日)
        (D(2022, 12, 31), "元旦"),  # 2022-12-31 … 2023-01-02: across New Year
    ],
)
def test_weekend_days_of_a_holiday_period_are_holidays(day, name):
    assert day.weekday() >= 5
    cal = ChinaCalendar("zh")
    assert cal.kind(day) == (DayKind.holiday, name)
    assert cal.is_rest(day)
    assert cal.sensitive_names(day) == [name]  # so the floor is raised and the leader in person


@pytest.mark.parametrize(
    "day, kind",
    [
        (D(2026, 2, 14), DayKind.makeup),  # Sat worked (调休上班): never a holiday
        (D(2025, 9, 28), DayKind.makeup),
        (D(2025, 10, 11), DayKind.makeup),
        (D(2025, 10, 12), DayKind.weekend),  # the weekend after the period: plain weekend
        (D(2025, 9, 27), DayKind.weekend),  # before a make-up workday: not in the period
        (D(2026, 3, 1), DayKind.weekend),  # after the make-up Saturday 02-28
        (D(2025, 10, 9), DayKind.workday),
    ],
)
def test_the_period_ends_at_a_workday(day, kind):
    assert ChinaCalendar("zh").kind(day)[0] == kind


def test_holiday_periods_pure():
    # Fri holiday, then a weekend, then a Mon moved rest day; the next Sat is a make-up day.
    fri, sat, sun, mon = D(2030, 1, 4), D(2030, 1, 5), D(2030, 1, 6), D(2030, 1, 7)
    hol = {fri: "节日", mon: "休息日（由 2030-01-12 调休）"}
    out = holiday_periods(hol, frozenset({D(2030, 1, 12)}))
    assert out == {**hol, sat: "节日", sun: "节日"}
    # weekend before a Monday holiday belongs to it too; a make-up Saturday stops it
    hol = {D(2030, 1, 14): "节日"}
    assert holiday_periods(hol, frozenset({D(2030, 1, 12)})) == {**hol, D(2030, 1, 13): "节日"}
    assert holiday_periods({}, frozenset()) == {}


def test_english_names_follow_the_period():
    cal = ChinaCalendar("en")
    assert cal.kind(D(2025, 10, 4)) == (DayKind.holiday, "National Day")


def test_unofficial_year_is_flagged():
    lo, hi = official_range()
    assert lo == 2001 and hi >= 2026
    assert holidays_year(2026, "zh").official
    assert not holidays_year(hi + 1, "zh").official
    cal = ChinaCalendar("zh")
    assert cal.unconfirmed_years(D(2026, 12, 1), D(hi + 1, 1, 31)) == [hi + 1]
    assert cal.unconfirmed_years(D(2025, 1, 1), D(2026, 12, 31)) == []


def test_custom_sources_are_official_by_default():
    cal = ChinaCalendar("zh", source=lambda y, lang: YearData({}, frozenset()))
    assert cal.unconfirmed_years(D(2030, 1, 1), D(2031, 1, 1)) == []


def _shift(sid: int, start: datetime, hours: int) -> RosterShift:
    sh = Shift(id=sid, starts_at=start, ends_at=start + timedelta(hours=hours), label="24h")
    cal = ChinaCalendar("zh")
    return RosterShift(
        shift=sh,
        day=cal.info(start.date()),
        assignments=[
            RosterAssignment(
                id=sid, shift_id=sid, officer_id=1, officer_name="赵磊", role=Role.officer
            )
        ],
    )


def test_holiday_hours_count_the_weekend_days_of_the_period():
    cal = ChinaCalendar("zh")
    # 10-03 (Fri, statutory) 08:30 → 10-06 (Mon, 中秋) 08:30 → 10-09 (Thu, workday) 08:30
    start = datetime(2025, 10, 3, 8, 30, tzinfo=TZ)
    shifts = [_shift(1, start, 72), _shift(2, start + timedelta(hours=72), 72)]
    (row,) = hours_report(shifts, start, start + timedelta(days=7), cal, TZ)
    assert row.hours == 144
    # every hour of 10-03 … 10-08 is a holiday hour; 10-09 00:00-08:30 is a workday
    assert row.holiday_hours == 144 - 8.5
    assert row.rest_day_hours == row.holiday_hours


def test_floor_raised_on_holiday_weekend():
    cfg = RosterConfig()
    cal = ChinaCalendar("zh")
    assert cfg.floor(bool(cal.sensitive_names(D(2025, 10, 4)))) == cfg.floor(True)
    assert cfg.floor(True) != cfg.floor(False)
