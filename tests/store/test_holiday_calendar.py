"""Issue 13 on a desk: the holiday calendar's disk cache carries the holiday periods and whether
a year is official; the roster page flags a year without its arrangement; a weekend day of a
holiday period raises the floor and asks for the leader in person."""

import json
from datetime import date, datetime, timedelta

from tests.helpers import TZ
from watchdesk.models.roster import Role
from watchdesk.rules.roster import DayKind, official_range
from watchdesk.store.roster import holidays


def test_cache_carries_periods_and_official_flag(tmp_path, monkeypatch):
    monkeypatch.setenv("WATCHDESK_CACHE", str(tmp_path))
    holidays.cached_year.cache_clear()
    data = holidays.cached_year(2025, "zh")
    assert data.official and data.holidays[date(2025, 10, 4)] == "国庆节"
    entry = json.loads(holidays._cache_file().read_text(encoding="utf-8"))["2025:zh"]
    assert entry["official"] is True and entry["holidays"]["2025-10-05"] == "国庆节"
    holidays.cached_year.cache_clear()
    assert holidays.cached_year(2025, "zh") == data  # read back from the file
    holidays.cached_year.cache_clear()


def test_an_old_cache_entry_is_rebuilt(tmp_path, monkeypatch):
    monkeypatch.setenv("WATCHDESK_CACHE", str(tmp_path))
    holidays.cached_year.cache_clear()
    path = holidays._cache_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    # written by a watchdesk before issue 13: no weekend days of the period, no `official`
    old = {"2025:zh": {"holidays": {"2025-10-01": "国庆节"}, "workdays": []}}
    path.write_text(json.dumps(old), encoding="utf-8")
    data = holidays.cached_year(2025, "zh")
    assert date(2025, 10, 4) in data.holidays and data.official
    holidays.cached_year.cache_clear()


def test_roster_page_flags_an_unofficial_year(store):
    hi = official_range()[1]
    page = store.roster.page(datetime(hi, 12, 28, tzinfo=TZ), datetime(hi + 1, 1, 4, tzinfo=TZ))
    assert page.calendar_unconfirmed == [hi + 1]
    page = store.roster.page(datetime(2026, 11, 16, tzinfo=TZ), datetime(2026, 11, 23, tzinfo=TZ))
    assert page.calendar_unconfirmed == []


def test_holiday_weekend_raises_floor_and_wants_leader_in_person(store):
    start = datetime(2025, 10, 4, 8, 30, tzinfo=TZ)  # Saturday inside 国庆
    view = store.roster.add_shift(start, start + timedelta(hours=24), "24h")
    page = store.roster.page(start, start + timedelta(hours=24))
    (rs,) = page.shifts
    assert rs.day.kind == DayKind.holiday and rs.sensitive
    assert rs.floor.get(Role.officer, 0) >= 2  # 双人双岗
    assert store.roster.checks(view.shift.id, start)[0].in_person_required
