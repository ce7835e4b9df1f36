"""Countdown maths at the boundaries (pure)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from watchdesk.text.timefmt import ClockState, clock_state, countdown, hms, parse_time

DUE = datetime(2026, 11, 22, 6, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    "before, text, state",
    [
        (timedelta(minutes=30), "30:00", ClockState.ok),
        (timedelta(minutes=10, seconds=1), "10:01", ClockState.ok),
        (timedelta(minutes=10), "10:00", ClockState.amber),
        (timedelta(seconds=1), "00:01", ClockState.amber),
        (timedelta(milliseconds=500), "00:01", ClockState.amber),  # rounded up while running
        (timedelta(0), "+00:00", ClockState.overdue),  # overdue from the due instant
        (timedelta(seconds=-1), "+00:01", ClockState.overdue),
        (timedelta(seconds=-1.5), "+00:01", ClockState.overdue),
        (
            timedelta(hours=-2, minutes=-3, seconds=-4),
            "+2h03m",
            ClockState.overdue,
        ),  # hours carry their unit
        (timedelta(hours=1, seconds=1), "1h00m", ClockState.ok),  # seconds under an hour only
        (timedelta(hours=1), "1h00m", ClockState.ok),
        (timedelta(minutes=59, seconds=59), "59:59", ClockState.ok),
        (timedelta(days=1, hours=2), "1d 02:00", ClockState.ok),
    ],
)
def test_countdown_and_state(before, text, state):
    now = DUE - before
    assert countdown(DUE, now) == text
    assert clock_state(DUE, now, amber_minutes=10) == state


def test_hms():
    assert hms(0) == "00:00" and hms(59) == "00:59" and hms(3599) == "59:59"
    # seconds only under an hour: `1h02m` beyond it (minutes rounded down), `Nd hh:mm` past a day
    assert hms(3600) == "1h00m" and hms(3659) == "1h00m" and hms(3660) == "1h01m"
    assert hms(86399) == "23h59m" and hms(86400) == "1d 00:00" and hms(-3725) == "1h02m"
    # an hour-long time never reads like the minutes and seconds beside it in a column
    assert ":" not in hms(11 * 3600 + 120)


def test_parse_time_naive_is_desk_zone_and_bare_time_is_today():
    from zoneinfo import ZoneInfo

    tz = ZoneInfo("Asia/Shanghai")
    now = datetime(2026, 11, 22, 0, 10, tzinfo=tz)  # still the 21st in UTC
    assert parse_time("14:05", tz, now=now) == datetime(2026, 11, 22, 14, 5, tzinfo=tz)
    assert parse_time("2026-11-01 08:30", tz, now=now).utcoffset() == timedelta(hours=8)
    with pytest.raises(ValueError):
        parse_time("明天", tz, now=now)
