"""Pure time formatting and countdown maths. Every function takes `now`; none reads the clock."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, tzinfo
from enum import Enum

from watchdesk.errors import BadValue


class ClockState(str, Enum):
    ok = "ok"
    amber = "amber"
    overdue = "overdue"


def remaining_seconds(due: datetime, now: datetime) -> int:
    """Whole seconds left (negative once overdue). Floors, so 0.5 s left shows as 0 s."""
    delta = (due - now).total_seconds()
    return int(delta // 1)


def clock_state(due: datetime, now: datetime, amber_minutes: int) -> ClockState:
    """Overdue from the due instant on: a clock with one second left is overdue one second
    later (a report made at that very instant still counts as on time: `rules.lateness`)."""
    if now >= due:
        return ClockState.overdue
    if (due - now).total_seconds() <= amber_minutes * 60:
        return ClockState.amber
    return ClockState.ok


def hms(seconds: int) -> str:
    """`mm:ss` under an hour, `1h02m` under a day, `Nd hh:mm` beyond (minutes rounded down):
    seconds only when a deadline is near, so a clock an hour or more away (or overdue by
    that much) changes once a minute, not every second (issue 19: idle redraws). The hours
    carry their unit so `11h02m` can never be read as the `11:02` of eleven minutes beside
    it in the same column."""
    seconds = abs(seconds)
    d, rem = divmod(seconds, 86400)
    h, rem = divmod(rem, 3600)
    m, s = divmod(rem, 60)
    if d:
        return f"{d}d {h:02d}:{m:02d}"
    if h:
        return f"{h}h{m:02d}m"
    return f"{m:02d}:{s:02d}"


def countdown(due: datetime, now: datetime) -> str:
    """`29:59` while running (rounded up: `00:01` means at most one second is left); `+05:12`
    (overdue by, rounded down) from the due instant on."""
    delta = (due - now).total_seconds()
    if delta > 0:
        return hms(-int(-delta // 1))  # ceil
    return "+" + hms(int(-delta // 1))


def local(dt: datetime, tz: tzinfo) -> datetime:
    return dt.astimezone(tz)


def fmt_hm(dt: datetime, tz: tzinfo, now: datetime | None = None) -> str:
    """`HH:MM` for today in the desk zone, `MM-DD HH:MM` for other days."""
    ld = dt.astimezone(tz)
    if now is not None and ld.date() == now.astimezone(tz).date():
        return ld.strftime("%H:%M")
    return ld.strftime("%m-%d %H:%M")


def fmt_span(start: datetime, end: datetime, tz: tzinfo, now: datetime | None = None) -> str:
    """A span such as a shift, never read as empty: the start as `fmt_hm` (its date unless it
    is today), the end with its date when it falls on another day than the start.
    `12-03 08:30–12-04 08:30` (a 24-hour shift that began yesterday), `20:00–12-05 08:00` (a
    night shift beginning today), `08:30–17:30` (today's day shift)."""
    e = end.astimezone(tz)
    shown = f"{e:%H:%M}" if e.date() == start.astimezone(tz).date() else f"{e:%m-%d %H:%M}"
    return f"{fmt_hm(start, tz, now)}–{shown}"


def fmt_clock_span(start: datetime, end: datetime, tz: tzinfo) -> str:
    """A span on a line that already names its day (a roster row): the clock times only, the
    end marked `+1` (`+2` …) when it falls on a later day: `08:30–08:30+1` for a 24-hour shift,
    `08:30–17:30` for a day shift."""
    s, e = start.astimezone(tz), end.astimezone(tz)
    days = (e.date() - s.date()).days
    return f"{s:%H:%M}–{e:%H:%M}" + (f"+{days}" if days > 0 else "")


def fmt_full(dt: datetime | None, tz: tzinfo) -> str:
    return "" if dt is None else dt.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S")


def parse_time(text: str, tz: tzinfo, *, now: datetime | None = None) -> datetime:
    """Parse a user's time. Naive input is in the desk zone; a bare `HH:MM` is today (desk zone).
    Raises ValueError with a message fit for the user."""
    text = text.strip()
    if not text:
        raise BadValue("err.time.empty")
    default = (now.astimezone(tz) if now else datetime.now(tz)).replace(
        hour=0, minute=0, second=0, microsecond=0, tzinfo=None
    )
    try:
        from dateutil import parser as dtparser  # only when someone types a time

        dt = dtparser.parse(text, default=default)
    except (ValueError, OverflowError) as e:
        raise BadValue("err.time.not_a_time", text=repr(text)) from e
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=tz)
    return dt


_PAST_CLOCK = re.compile(r"^(昨天?|前天)?\s*(\d{1,2})[:：](\d{2})(?:[:：](\d{2}))?$")
_DAYS_BACK = {"昨": 1, "昨天": 1, "前天": 2}


def past_clock_time(
    hour: int,
    minute: int,
    tz: tzinfo,
    *,
    now: datetime,
    days_back: int | None = None,
    second: int = 0,
) -> datetime:
    """`hour:minute` in the desk zone as the most recent such moment that is not in the future
    (`23:00` at 02:10 is yesterday's 23:00), or, with `days_back`, that time on the day so many
    days before today (昨 = 1, 前天 = 2). Raises ValueError for a time of day that does not
    exist (`25:99`)."""
    if not (0 <= hour <= 23 and 0 <= minute <= 59 and 0 <= second <= 59):
        raise BadValue("err.time.not_a_time", text=f"'{hour:02d}:{minute:02d}'")
    today = now.astimezone(tz).date()
    at = datetime.combine(today, time(hour, minute, second), tzinfo=tz)
    if days_back is not None:
        return at - timedelta(days=days_back)
    if at > now:
        at -= timedelta(days=1)
    return at


def parse_past_time(text: str, tz: tzinfo, *, now: datetime) -> datetime:
    """A user's time for something that has already happened (when it occurred, was received,
    was reported). As `parse_time`, except that a bare `HH:MM` is the most recent such moment
    that is not in the future (`23:00` typed at 02:10 is yesterday's 23:00), and `昨HH:MM`,
    `昨天HH:MM`, `前天HH:MM` are yesterday's and the day before's. Raises ValueError with a
    message fit for the user."""
    shown = text.strip()
    m = _PAST_CLOCK.match(shown)
    if m is None:
        return parse_time(shown, tz, now=now)
    hour, minute, second = int(m.group(2)), int(m.group(3)), int(m.group(4) or 0)
    if not (0 <= hour <= 23 and 0 <= minute <= 59 and 0 <= second <= 59):
        raise BadValue("err.time.not_a_time", text=repr(shown))
    days_back = _DAYS_BACK.get(m.group(1) or "")
    return past_clock_time(hour, minute, tz, now=now, days_back=days_back, second=second)


def parse_time_in_shift(text: str, tz: tzinfo, starts_at: datetime) -> datetime:
    """A user's time for something during the shift that starts at `starts_at`: `parse_time`
    read from the shift's start day, except that a bare `HH:MM` earlier than the start is the
    next day's (a night shift crosses midnight: `07:30` in 20:00–08:00 is the morning after).
    Raises ValueError with a message fit for the user."""
    dt = parse_time(text, tz, now=starts_at)
    if len(text.strip()) <= 5 and dt < starts_at:
        dt += timedelta(days=1)
    return dt


def parse_date(text: str) -> date:
    """A user's calendar day: `2026-11-22`, `2026/11/22`, `2026.11.22`, `2026年11月22日` (any
    time after a space is ignored, as a spreadsheet's date cell may carry one), or any other
    ISO 8601 date (`20261122`). Raises ValueError with a message fit for the user."""
    shown = text.strip()
    try:
        return date.fromisoformat(shown)
    except ValueError:
        pass
    norm = shown.replace("/", "-").replace(".", "-").rstrip("日")
    parts = norm.replace("年", "-").replace("月", "-").split(" ")[0].split("-")
    try:
        if len(parts) == 3:
            return date(int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError:
        pass
    raise BadValue("err.time.not_a_date", text=repr(shown))
