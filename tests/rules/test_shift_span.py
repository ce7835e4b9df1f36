"""A shift's span as the console shows it (pure: text/timefmt.py): a 24-hour shift never reads
as `08:30–08:30`, an empty span; the end's day is shown when it is not the start's."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from watchdesk.text.timefmt import fmt_clock_span, fmt_span

TZ = ZoneInfo("Asia/Shanghai")
UTC = ZoneInfo("UTC")


def at(d: int, h: int, m: int = 0) -> datetime:
    return datetime(2026, 12, d, h, m, tzinfo=TZ)


NOW = at(4, 3, 54)  # in the small hours: yesterday's 24-hour shift is on duty


@pytest.mark.parametrize(
    "start, end, want",
    [
        (at(3, 8, 30), at(4, 8, 30), "12-03 08:30–12-04 08:30"),  # on duty, began yesterday
        (at(4, 8, 30), at(5, 8, 30), "08:30–12-05 08:30"),  # next, begins today
        (at(4, 20), at(5, 8), "20:00–12-05 08:00"),  # a night shift beginning today
        (at(4, 8, 30), at(4, 17, 30), "08:30–17:30"),  # today's day shift
        (at(2, 8, 30), at(2, 17, 30), "12-02 08:30–17:30"),  # a day shift of another day
        (at(3, 20), at(4, 8), "12-03 20:00–12-04 08:00"),  # last night's, ending today
    ],
)
def test_a_span_shows_the_end_s_day_when_it_is_another(start, end, want):
    assert fmt_span(start, end, TZ, NOW) == want
    # the same instants given in another zone read the same in the desk's
    assert fmt_span(start.astimezone(UTC), end.astimezone(UTC), TZ, NOW) == want


def test_a_24_hour_shift_is_never_shown_as_an_empty_span():
    for hours in range(0, 48):
        start = at(3, 8, 30) + timedelta(hours=hours)
        end = start + timedelta(days=1)
        for now in (start, end, NOW, None):
            text = fmt_span(start, end, TZ, now)
            first, last = text.split("–")
            assert first != last, text


@pytest.mark.parametrize(
    "start, end, want",
    [
        (at(3, 8, 30), at(4, 8, 30), "08:30–08:30+1"),  # a roster row names its day
        (at(3, 8, 30), at(3, 17, 30), "08:30–17:30"),
        (at(3, 20), at(4, 8), "20:00–08:00+1"),
        (at(3, 8), at(5, 8), "08:00–08:00+2"),
    ],
)
def test_a_row_s_clock_span_marks_a_later_day(start, end, want):
    assert fmt_clock_span(start, end, TZ) == want
