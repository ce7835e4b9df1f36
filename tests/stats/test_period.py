"""Periods in desk-local time (text/period.py)."""

from __future__ import annotations

from datetime import datetime

import pytest

from tests.helpers import TZ
from watchdesk.errors import BadValue
from watchdesk.models.stats import PeriodKind
from watchdesk.text.period import custom_period, months, parse_month, parse_period, shifted


def at(*a: int) -> datetime:
    return datetime(*a, tzinfo=TZ)


@pytest.mark.parametrize(
    ("text", "kind", "start", "end"),
    [
        ("2026-11", PeriodKind.month, at(2026, 11, 1), at(2026, 12, 1)),
        ("2026年11月", PeriodKind.month, at(2026, 11, 1), at(2026, 12, 1)),
        ("2026-12", PeriodKind.month, at(2026, 12, 1), at(2027, 1, 1)),
        ("2026-W47", PeriodKind.week, at(2026, 11, 16), at(2026, 11, 23)),
        ("2026-Q4", PeriodKind.quarter, at(2026, 10, 1), at(2027, 1, 1)),
        ("2026", PeriodKind.year, at(2026, 1, 1), at(2027, 1, 1)),
        ("2026-11-22", PeriodKind.day, at(2026, 11, 22), at(2026, 11, 23)),
    ],
)
def test_parse(text, kind, start, end):
    p = parse_period(text, TZ)
    assert (p.kind, p.start, p.end) == (kind, start, end)


def test_month_starts_at_local_midnight():
    p = parse_month("2026-11", TZ)
    # 00:30 Beijing on the 1st is 16:30 UTC the day before, and inside the month
    received = at(2026, 11, 1, 0, 30)
    assert p.start <= received < p.end
    assert p.start.astimezone(TZ).hour == 0 and p.start.utcoffset().total_seconds() == 8 * 3600


@pytest.mark.parametrize("text", ["2026-13", "2026-W60", "2026-Q5", "next month", "", "0000"])
def test_bad_periods(text):
    with pytest.raises(BadValue):
        parse_period(text, TZ)


def test_shifted():
    nov = parse_period("2026-11", TZ)
    assert shifted(nov, TZ, years=1).label == "2025-11"
    assert shifted(nov, TZ, back=1).label == "2026-10"
    assert shifted(parse_period("2026-Q1", TZ), TZ, back=1).label == "2025-Q4"
    assert shifted(parse_period("2026-W01", TZ), TZ, back=1).label == "2025-W52"
    assert shifted(parse_period("2024-02-29", TZ), TZ, years=1).label == "2023-02-28"
    c = custom_period(at(2026, 11, 10), at(2026, 11, 20), TZ)
    prev = shifted(c, TZ, back=1)
    assert (prev.start, prev.end) == (at(2026, 10, 31), at(2026, 11, 10))


def test_custom_needs_order():
    with pytest.raises(BadValue):
        custom_period(at(2026, 11, 2), at(2026, 11, 1), TZ)


def test_months():
    c = custom_period(at(2026, 11, 20), at(2027, 1, 5), TZ)
    assert [(m, a, b) for m, a, b in months(c, TZ)] == [
        ("2026-11", at(2026, 11, 20), at(2026, 12, 1)),
        ("2026-12", at(2026, 12, 1), at(2027, 1, 1)),
        ("2027-01", at(2027, 1, 1), at(2027, 1, 5)),
    ]
