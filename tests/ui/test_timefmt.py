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
        (timedelta(hours=-2, minutes=-3, seconds=-4), "+2:03:04", ClockState.overdue),
        (timedelta(days=1, hours=2), "1d 02:00", ClockState.ok),
    ],
)
def test_countdown_and_state(before, text, state):
    now = DUE - before
    assert countdown(DUE, now) == text
    assert clock_state(DUE, now, amber_minutes=10) == state


def test_hms():
    assert hms(0) == "00:00" and hms(59) == "00:59" and hms(3600) == "1:00:00"


def test_parse_time_naive_is_desk_zone_and_bare_time_is_today():
    from zoneinfo import ZoneInfo

    tz = ZoneInfo("Asia/Shanghai")
    now = datetime(2026, 11, 22, 0, 10, tzinfo=tz)  # still the 21st in UTC
    assert parse_time("14:05", tz, now=now) == datetime(2026, 11, 22, 14, 5, tzinfo=tz)
    assert parse_time("2026-11-01 08:30", tz, now=now).utcoffset() == timedelta(hours=8)
    with pytest.raises(ValueError):
        parse_time("明天", tz, now=now)
