"""The one reading of a typed day and of a bare time inside a shift (pure: text/timefmt.py)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from watchdesk.text.timefmt import parse_date, parse_time_in_shift

TZ = ZoneInfo("Asia/Shanghai")
NIGHT = datetime(2026, 11, 22, 20, 0, tzinfo=TZ)  # 20:00–08:00, across midnight
DAY = datetime(2026, 11, 22, 8, 30, tzinfo=TZ)  # 08:30–08:30 next day (a 24-hour shift)


@pytest.mark.parametrize(
    "start, text, want",
    [
        (NIGHT, "20:00", datetime(2026, 11, 22, 20, 0, tzinfo=TZ)),  # the start itself
        (NIGHT, "19:59", datetime(2026, 11, 23, 19, 59, tzinfo=TZ)),  # a minute before: next day
        (NIGHT, "23:59", datetime(2026, 11, 22, 23, 59, tzinfo=TZ)),
        (NIGHT, "00:00", datetime(2026, 11, 23, 0, 0, tzinfo=TZ)),  # midnight: the morning after
        (NIGHT, "07:30", datetime(2026, 11, 23, 7, 30, tzinfo=TZ)),
        (NIGHT, " 7:30 ", datetime(2026, 11, 23, 7, 30, tzinfo=TZ)),
        (DAY, "08:30", datetime(2026, 11, 22, 8, 30, tzinfo=TZ)),
        (DAY, "08:29", datetime(2026, 11, 23, 8, 29, tzinfo=TZ)),
        # A day given with the time is taken as written, even before the start.
        (NIGHT, "2026-11-22 07:30", datetime(2026, 11, 22, 7, 30, tzinfo=TZ)),
        (NIGHT, "11-23 07:30", datetime(2026, 11, 23, 7, 30, tzinfo=TZ)),
    ],
)
def test_a_bare_time_is_the_one_inside_the_shift(start, text, want):
    got = parse_time_in_shift(text, TZ, start)
    assert got == want and got.tzinfo is not None


def test_the_start_is_read_in_the_desk_zone():
    start_utc = NIGHT.astimezone(ZoneInfo("UTC"))  # 12:00 UTC: the same instant
    assert parse_time_in_shift("07:30", TZ, start_utc) == NIGHT + timedelta(hours=11, minutes=30)


@pytest.mark.parametrize("text", ["", "  ", "25:00", "soon"])
def test_a_bad_time_in_a_shift_is_a_value_error(text):
    with pytest.raises(ValueError):
        parse_time_in_shift(text, TZ, NIGHT)


@pytest.mark.parametrize(
    "text, want",
    [
        ("2026-11-22", date(2026, 11, 22)),
        (" 2026-11-22 ", date(2026, 11, 22)),
        ("20261122", date(2026, 11, 22)),  # ISO 8601 basic
        ("2026-W47-7", date(2026, 11, 22)),  # ISO week date
        ("2026/11/22", date(2026, 11, 22)),
        ("2026.11.22", date(2026, 11, 22)),
        ("2026-1-5", date(2026, 1, 5)),
        ("2026年11月22日", date(2026, 11, 22)),
        ("2026-11-22 08:30:00", date(2026, 11, 22)),  # a spreadsheet cell's time is dropped
        ("2028-02-29", date(2028, 2, 29)),  # leap day
        ("0001-01-01", date(1, 1, 1)),
        ("9999-12-31", date(9999, 12, 31)),
    ],
)
def test_a_day(text, want):
    assert parse_date(text) == want


@pytest.mark.parametrize(
    "text",
    [
        "",
        "2026-11",
        "2026-11-31",
        "2026-02-29",
        "2026-13-01",
        "2026-00-10",
        "11/22",
        "tomorrow",
        "2026-11-22-1",
        "10000-01-01",
    ],
)
def test_not_a_day_is_a_value_error_naming_the_format_and_the_text(text):
    with pytest.raises(ValueError) as e:
        parse_date(text)
    assert str(e.value) == f"not a date (YYYY-MM-DD): {text.strip()!r}"
