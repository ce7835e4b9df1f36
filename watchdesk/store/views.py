"""What the desk file keeps for analysts who read it with SQL (`sqlite3`, `datasette desk.db`):
the desk's time zone as a UTC offset (`desk_tz`, one row), which the views of m15_areas_and_views
(`v_incidents`, `v_reports`, `v_late_reports`) use to turn the stored UTC instants into local
dates and months.

SQLite knows no time zones, only fixed offsets (`datetime(x, '+480 minutes')`). The row holds the
zone's name, its *standard* UTC offset and whether the zone has daylight-saving time. That is
exact for Asia/Shanghai (and every zone without DST since 1991); in a zone with DST the views'
local times are an hour early in summer (the Python side, `watchdesk stats`, uses the full zone
rules). `desk_tz` is derived from the desk's `timezone` setting and rewritten when it changes
(`SettingsRepo.update`); like the full-text tables it is not in the audit chain.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_ZONE = "Asia/Shanghai"  # the store's default (Store.open)


def zone_offset(zone: str, year: int | None = None) -> tuple[int, bool]:
    """(standard UTC offset in minutes, whether the zone has DST in `year`) for an IANA zone."""
    tz = ZoneInfo(zone)
    year = year or datetime.now(UTC).year
    probes = [datetime(year, m, 15, 12, tzinfo=UTC).astimezone(tz) for m in range(1, 13)]
    offsets = {p.utcoffset() or timedelta(0) for p in probes}
    standard = min((p.utcoffset() or timedelta(0)) - (p.dst() or timedelta(0)) for p in probes)
    return int(standard.total_seconds() // 60), len(offsets) > 1


def set_desk_tz(db: Any, zone: str) -> None:
    """Write the one `desk_tz` row for `zone` (an unknown zone: the default). Call inside a
    write transaction, on a desk that has the table (m15 or later)."""
    try:
        minutes, dst = zone_offset(zone)
    except (ZoneInfoNotFoundError, ValueError):
        zone = DEFAULT_ZONE
        minutes, dst = zone_offset(zone)
    db.execute(
        "INSERT INTO desk_tz (id, zone, utc_offset_minutes, has_dst) VALUES (1, ?, ?, ?)"
        " ON CONFLICT(id) DO UPDATE SET zone = excluded.zone,"
        " utc_offset_minutes = excluded.utc_offset_minutes, has_dst = excluded.has_dst",
        [zone, minutes, int(dst)],
    )
