"""Pure roster rules: the calendar (China's holidays and make-up workdays), shifts from a pattern,
rotations (python-dateutil's rrule), staffing floors and gaps, the leader-check schedule and its
escalation, and hours on duty. Every function takes its inputs (and `now`); none reads a clock or
the database, and none imports textual.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import lru_cache
from typing import NamedTuple

# The leader check's pure functions (rules.duty), re-exported: callers import them from here.
from watchdesk.models.roster import (
    ROLES,
    CheckConfig,
    CheckKind,
    CheckMethod,
    CheckOutcome,
    CheckRecord,
    CheckState,
    CheckStatus,
    DayInfo,
    DayKind,
    Escalation,
    HoursRow,
    Leave,
    PlannedShift,
    Problem,
    Role,
    RosterConfig,
    RosterShift,
    RotationMode,
    RotationSpec,
    ScheduledCheck,
    SensitivePeriod,
    ShiftSlot,
    Violation,
)

UTC = UTC


# -- calendar ----------------------------------------------------------------------------------
class YearData(NamedTuple):
    """One year of China's calendar: holiday names by date (every day of each public-holiday
    period, see `holiday_periods`), the make-up workdays (调休), and whether the year's official
    arrangement (国务院办公厅 notice) is in the data or the dates are only the package's estimate."""

    holidays: dict[date, str]
    workdays: frozenset[date]
    official: bool = True


def official_range() -> tuple[int, int]:
    """The years whose 国务院办公厅 holiday arrangement the installed `holidays` package carries
    (it was checked against the notices from 2001; its China calendar lists each notice's 调休
    by year). (0, -1) when that cannot be told: then no year counts as official."""
    try:
        from holidays.countries.china import ChinaStaticHolidays

        years = [y for y in ChinaStaticHolidays.special_public_holidays if isinstance(y, int)]
        return (2001, max(years)) if years else (0, -1)
    except (ImportError, AttributeError, TypeError):  # pragma: no cover - a changed package
        return (0, -1)


def _period_name(names: Sequence[str]) -> str:
    """The holiday a period is named after: its most frequent festival name, leaving out the
    moved rest days ('休息日（由 2025-09-28 调休）') and the '（补假）' notes."""
    import re
    from collections import Counter

    bases = [
        re.split(r"[（(]", n.split("; ")[0])[0].strip()
        for n in names
        if not any(ch.isdigit() for ch in n)
    ]
    bases = [b for b in bases if b]
    return Counter(bases).most_common(1)[0][0] if bases else (names[0] if names else "")


def holiday_periods(holidays: dict[date, str], workdays: frozenset[date]) -> dict[date, str]:
    """`holidays` with the weekend days inside or beside each public-holiday period added, named
    after the period: the State Council's arrangement counts them in the holiday (国庆 2025:
    10月1日至8日放假调休，共8天, 10-04 and 10-05 a weekend; 春节 2026: 2月15日至23日, 02-15,
    02-21 and 02-22 weekends). A period is a run of rest days (holidays and weekend days that are
    not make-up workdays) holding at least one holiday."""
    out = dict(holidays)
    added: set[date] = set()
    for d in sorted(holidays):
        for step in (-1, 1):
            x = d + timedelta(days=step)
            while x.weekday() >= 5 and x not in workdays and x not in out:
                out[x] = ""
                added.add(x)
                x += timedelta(days=step)
    if not added:
        return out
    runs: list[list[date]] = []
    for day in sorted(out):
        if runs and day - runs[-1][-1] == timedelta(days=1):
            runs[-1].append(day)
        else:
            runs.append([day])
    for run in runs:
        if added.intersection(run):
            name = _period_name([out[x] for x in run if x not in added])
            for x in run:
                if x in added:
                    out[x] = name
    return out


def holidays_year(year: int, lang: str) -> YearData:
    """From the maintained `holidays` package (its China calendar: 法定节假日 and 调休), with the
    weekend days of each holiday period (`holiday_periods`; the neighbouring years are read so a
    period across New Year is whole), and whether the year's arrangement is official."""
    import holidays

    cal = holidays.China(
        years=(year - 1, year, year + 1), language="zh_CN" if lang == "zh" else "en_US"
    )
    workdays = frozenset(cal.weekend_workdays)
    every = holiday_periods({d: "; ".join(cal.get_list(d)) for d in cal}, workdays)
    lo, hi = official_range()
    return YearData({d: n for d, n in every.items() if d.year == year}, workdays, lo <= year <= hi)


_default_source = lru_cache(maxsize=64)(holidays_year)


class ChinaCalendar:
    """China's public holidays and 调休 from the `holidays` package: a holiday (or a rest day moved
    by 调休) is a rest day even on a weekday; a make-up workday (`weekend_workdays`) is a workday
    even on a weekend. `source` gives a year's data (default: the package, cached in memory; the
    store passes one cached on disk, because importing the package costs ~0.2 s at start-up)."""

    def __init__(
        self,
        lang: str = "zh",
        periods: Sequence[SensitivePeriod] = (),
        holidays_sensitive: bool = True,
        source: Callable[[int, str], YearData] | None = None,
    ):
        self.lang = lang
        self.periods = list(periods)
        self.holidays_sensitive = holidays_sensitive
        self.source = source or _default_source

    def _year(self, year: int) -> YearData:
        return self.source(year, self.lang)

    def kind(self, d: date) -> tuple[DayKind, str]:
        data = self._year(d.year)
        if d in data.holidays:
            return DayKind.holiday, data.holidays[d]
        if d in data.workdays:
            return DayKind.makeup, ""
        return (DayKind.weekend if d.weekday() >= 5 else DayKind.workday), ""

    def is_rest(self, d: date) -> bool:
        return self.kind(d)[0] in (DayKind.weekend, DayKind.holiday)

    def sensitive_names(self, d: date) -> list[str]:
        names = [p.name for p in self.periods if p.covers(d)]
        if self.holidays_sensitive:
            k, name = self.kind(d)
            if k == DayKind.holiday:
                names.append(name.split("; ")[0])
        return names

    def info(self, d: date) -> DayInfo:
        k, name = self.kind(d)
        return DayInfo(day=d, kind=k, name=name, sensitive=self.sensitive_names(d))

    def makeup_days(self, start: date, end: date) -> list[date]:
        out: list[date] = []
        for y in range(start.year, end.year + 1):
            out += [d for d in self._year(y).workdays if start <= d <= end]
        return sorted(set(out))

    def holiday_days(self, start: date, end: date) -> list[date]:
        out: list[date] = []
        for y in range(start.year, end.year + 1):
            out += [d for d in self._year(y).holidays if start <= d <= end]
        return sorted(set(out))

    def unconfirmed_years(self, start: date, end: date) -> list[int]:
        """The years in [start, end] whose official holiday arrangement (国务院办公厅通知) is not in
        the data: their holidays are the package's estimate and the 调休 workdays are unknown."""
        return [y for y in range(start.year, end.year + 1) if not self._year(y).official]


# -- shifts from a pattern ---------------------------------------------------------------------
def local_at(d: date, t: time, tz: tzinfo) -> datetime:
    return datetime.combine(d, t, tzinfo=tz)


def shift_times(d: date, slot: ShiftSlot, tz: tzinfo) -> tuple[datetime, datetime]:
    """A slot's start on local day `d` and its end by the wall clock, so that a pattern's shifts
    meet exactly even on a day the clocks change (that shift is an hour longer or shorter)."""
    naive = datetime.combine(d, slot.start_time)
    return naive.replace(tzinfo=tz), (naive + slot.duration).replace(tzinfo=tz)


def pattern_shifts(
    start: date, end: date, slots: Sequence[ShiftSlot], tz: tzinfo
) -> list[tuple[date, int, datetime, datetime, str]]:
    """(day, slot index, starts_at, ends_at, label) for every slot of every day in [start, end]."""
    out = []
    d = start
    while d <= end:
        for i, slot in enumerate(slots):
            s, e = shift_times(d, slot, tz)
            out.append((d, i, s, e, slot.label))
        d += timedelta(days=1)
    return out


# -- rotations ---------------------------------------------------------------------------------
def _dt(d: date) -> datetime:
    return datetime(d.year, d.month, d.day)


def rotation_turns(spec: RotationSpec, cal: ChinaCalendar) -> dict[date, tuple[str, int]]:
    """For each day: which list it takes from ("work" or "rest") and its turn number in that
    list. Built with rrule/rruleset so the calendar's exceptions are explicit: in split mode,
    workdays are Mon–Fri plus make-up workdays (rdate) minus holidays (exdate), and rest days the
    converse. In `every` mode a turn lasts N days."""
    from dateutil.rrule import DAILY, FR, MO, SA, SU, TH, TU, WE, rrule, rruleset

    start, until = _dt(spec.start), _dt(spec.end)
    out: dict[date, tuple[str, int]] = {}
    if spec.mode == RotationMode.workday_split:
        makeups = cal.makeup_days(spec.start, spec.end)
        rests = cal.holiday_days(spec.start, spec.end)
        work = rruleset()
        work.rrule(rrule(DAILY, dtstart=start, until=until, byweekday=(MO, TU, WE, TH, FR)))
        rest = rruleset()
        rest.rrule(rrule(DAILY, dtstart=start, until=until, byweekday=(SA, SU)))
        for d in makeups:
            work.rdate(_dt(d))
            rest.exdate(_dt(d))
        for d in rests:
            work.exdate(_dt(d))
            rest.rdate(_dt(d))
        for name, rs in (("work", work), ("rest", rest)):
            for n, dt in enumerate(rs):
                out[dt.date()] = (name, n)
        return out
    interval = spec.every if spec.mode == RotationMode.every else 1
    changes = list(rrule(DAILY, dtstart=start, until=until, interval=interval))
    turn = -1
    nxt = 0
    for dt in rrule(DAILY, dtstart=start, until=until):
        if nxt < len(changes) and dt == changes[nxt]:
            turn += 1
            nxt += 1
        out[dt.date()] = ("work", turn)
    return out


def _on_leave(
    leave_by: dict[int, list[tuple[datetime, datetime]]], oid: int, s: datetime, e: datetime
) -> bool:
    return any(a < e and b > s for a, b in leave_by.get(oid, ()))


def _take(
    lst: Sequence[int],
    n: int,
    pos: int,
    avoid: set[int],
    leave_by: dict[int, list[tuple[datetime, datetime]]],
    s: datetime,
    e: datetime,
) -> tuple[list[int], int]:
    """The next `n` people of `lst` from `pos` who are free for [s, e), and the new position."""
    got: list[int] = []
    for _ in range(len(lst)):
        if len(got) == n:
            break
        oid = lst[pos % len(lst)]
        pos += 1
        if oid in avoid or oid in got or _on_leave(leave_by, oid, s, e):
            continue
        got.append(oid)
    return got, pos


def plan_rotation(
    spec: RotationSpec,
    cfg: RosterConfig,
    cal: ChinaCalendar,
    tz: tzinfo,
    leave: Sequence[Leave] = (),
) -> list[PlannedShift]:
    """The shifts and people a rotation asks for. Each role takes as many people per shift as the
    floor asks (raised in sensitive periods; at least one when a list is given), walking its list
    in order. A person on leave loses that turn and the list carries on with the next one. In
    `every` mode the people of each shift of the day hold it for N days."""
    slots = cfg.slots(spec.pattern or None)
    turns = rotation_turns(spec, cal)
    leave_by: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)
    for lv in leave:
        leave_by[lv.officer_id].append((lv.starts_at, lv.ends_at))
    ptr: dict[tuple[str, Role], int] = {}
    held: dict[tuple[int, Role], tuple[int, list[int]]] = {}
    out: list[PlannedShift] = []
    sensitive_day: dict[date, bool] = {}
    for d, i, s, e, label in pattern_shifts(spec.start, spec.end, slots, tz):
        which, turn = turns[d]
        if d not in sensitive_day:
            sensitive_day[d] = bool(cal.sensitive_names(d))
        sensitive = sensitive_day[d]
        floor = cfg.floor(sensitive)
        people: list[tuple[Role, int]] = []
        chosen: set[int] = set()
        short: dict[Role, int] = {}
        for role in ROLES:
            lst = spec.lists.get(role, [])
            if which == "rest" and spec.rest_lists.get(role):
                lst = spec.rest_lists[role]
            if not lst:
                continue
            count = min(max(floor.get(role, 0), 1), len(lst))
            pkey = (which if which == "rest" and spec.rest_lists.get(role) else "work", role)
            pos = ptr.get(pkey, spec.offsets.get(role, 0))

            if spec.mode == RotationMode.every:
                hturn, hpeople = held.get((i, role), (-1, []))
                if hturn != turn:
                    hpeople, pos = _take(lst, count, pos, chosen, leave_by, s, e)
                else:
                    hpeople = [
                        o for o in hpeople if o not in chosen and not _on_leave(leave_by, o, s, e)
                    ][:count]
                    if len(hpeople) < count:
                        more, pos = _take(
                            lst, count - len(hpeople), pos, chosen | set(hpeople), leave_by, s, e
                        )
                        hpeople += more
                held[(i, role)] = (turn, hpeople)
                picks = hpeople
            else:
                picks, pos = _take(lst, count, pos, chosen, leave_by, s, e)
            ptr[pkey] = pos
            for oid in picks:
                chosen.add(oid)
                people.append((role, oid))
            if len(picks) < count:
                short[role] = count - len(picks)
        out.append(
            PlannedShift(
                starts_at=s,
                ends_at=e,
                label=label,
                day=d,
                sensitive=sensitive,
                people=people,
                short=short,
            )
        )
    return out


# -- floors, gaps and violations ---------------------------------------------------------------
def vkey(
    problem: Problem,
    shift_id: int | None,
    role: Role | None = None,
    officer_id: int | None = None,
    at: datetime | None = None,
) -> str:
    if problem == Problem.uncovered and at is not None:
        return f"uncovered:{at.astimezone(UTC).isoformat(timespec='seconds')}"
    return f"{shift_id}:{problem.value}:{role.value if role else ''}:{officer_id or ''}"


def shift_problems(rs: RosterShift, leave: Sequence[Leave]) -> list[Violation]:
    """Floors, the leader, duplicates and leave for one shift (consecutive runs need the
    neighbours: see `consecutive_problems`)."""
    out: list[Violation] = []
    sh = rs.shift
    base: dict = dict(
        shift_id=sh.id, starts_at=sh.starts_at, ends_at=sh.ends_at, sensitive=rs.sensitive
    )
    main = [a for a in rs.assignments if a.covers_id is None]
    for role in ROLES:
        need = rs.floor.get(role, 0)
        have = sum(1 for a in main if a.role == role)
        if have >= need:
            continue
        if role == Role.leader:
            out.append(
                Violation(
                    key=vkey(Problem.no_leader, sh.id),
                    problem=Problem.no_leader,
                    role=role,
                    have=have,
                    need=need,
                    **base,
                )
            )
        else:
            out.append(
                Violation(
                    key=vkey(Problem.below_floor, sh.id, role),
                    problem=Problem.below_floor,
                    role=role,
                    have=have,
                    need=need,
                    **base,
                )
            )
    seen: dict[int, int] = {}
    for a in main:
        seen[a.officer_id] = seen.get(a.officer_id, 0) + 1
        if seen[a.officer_id] == 2:
            out.append(
                Violation(
                    key=vkey(Problem.duplicate, sh.id, None, a.officer_id),
                    problem=Problem.duplicate,
                    officer_id=a.officer_id,
                    officer_name=a.officer_name,
                    role=a.role,
                    **base,
                )
            )
    for a in main:
        s = a.starts_at or sh.starts_at
        e = a.ends_at or sh.ends_at
        spans = [(lv.starts_at, lv.ends_at) for lv in leave if lv.officer_id == a.officer_id]
        for ls, le in spans:
            lo, hi = max(ls, s), min(le, e)
            if lo >= hi:
                continue
            covers = sorted(
                (c.starts_at or sh.starts_at, c.ends_at or sh.ends_at)
                for c in rs.assignments
                if c.covers_id == a.id
            )
            if _covered(lo, hi, covers):
                continue
            out.append(
                Violation(
                    key=vkey(Problem.on_leave, sh.id, a.role, a.officer_id),
                    problem=Problem.on_leave,
                    role=a.role,
                    officer_id=a.officer_id,
                    officer_name=a.officer_name,
                    **base,
                )
            )
            break
    return out


def _covered(lo: datetime, hi: datetime, spans: Iterable[tuple[datetime, datetime]]) -> bool:
    at = lo
    for s, e in sorted(spans):
        if s > at:
            return False
        at = max(at, e)
        if at >= hi:
            return True
    return at >= hi


def consecutive_problems(shifts: Sequence[RosterShift], max_run: int) -> list[Violation]:
    """A person on more than `max_run` back-to-back shifts (one ends when the next starts).
    Flags the shift where the run goes over the limit and every one after it in the run."""
    by_person: dict[int, list[tuple[RosterShift, str, Role]]] = defaultdict(list)
    for rs in shifts:
        for a in rs.assignments:
            if a.covers_id is None and a.role != Role.standby:
                by_person[a.officer_id].append((rs, a.officer_name, a.role))
    out: list[Violation] = []
    for oid, items in by_person.items():
        items.sort(key=lambda x: x[0].shift.starts_at)
        run = 0
        prev_end: datetime | None = None
        prev_id: int | None = None
        for rs, name, role in items:
            if rs.shift.id == prev_id:
                continue
            if prev_end is not None and rs.shift.starts_at <= prev_end:
                run += 1
            else:
                run = 1
            prev_end, prev_id = rs.shift.ends_at, rs.shift.id
            if run > max_run:
                sh = rs.shift
                out.append(
                    Violation(
                        key=vkey(Problem.consecutive, sh.id, None, oid),
                        problem=Problem.consecutive,
                        shift_id=sh.id,
                        starts_at=sh.starts_at,
                        ends_at=sh.ends_at,
                        role=role,
                        officer_id=oid,
                        officer_name=name,
                        have=run,
                        need=max_run,
                        sensitive=rs.sensitive,
                    )
                )
    return out


def uncovered(shifts: Sequence[RosterShift], start: datetime, end: datetime) -> list[Violation]:
    """Periods in [start, end) that no shift covers: the desk would be unstaffed."""
    out: list[Violation] = []
    at = start
    for rs in sorted(shifts, key=lambda r: r.shift.starts_at):
        s, e = rs.shift.starts_at, rs.shift.ends_at
        if s > at and at < end:
            hi = min(s, end)
            out.append(
                Violation(
                    key=vkey(Problem.uncovered, None, at=at),
                    problem=Problem.uncovered,
                    starts_at=at,
                    ends_at=hi,
                )
            )
        at = max(at, e)
    if at < end:
        out.append(
            Violation(
                key=vkey(Problem.uncovered, None, at=at),
                problem=Problem.uncovered,
                starts_at=at,
                ends_at=end,
            )
        )
    return out


# -- the leader-on-duty check ------------------------------------------------------------------
def check_schedule(
    shift_id: int, starts_at: datetime, ends_at: datetime, cfg: CheckConfig, tz: tzinfo
) -> list[ScheduledCheck]:
    """Checks due in a shift: at its start, at fixed times of day, and at one random time in each
    window. The random time is seeded by the shift id and the window, so every terminal, the CLI
    and a restart all agree on it, and a test can predict it."""
    out: dict[datetime, CheckKind] = {}
    if cfg.at_start:
        out[starts_at] = CheckKind.start
    first = starts_at.astimezone(tz).date() - timedelta(days=1)
    last = ends_at.astimezone(tz).date()
    days = [first + timedelta(days=k) for k in range((last - first).days + 1)]
    for hhmm in cfg.fixed:
        t = time.fromisoformat(hhmm)
        for d in days:
            at = local_at(d, t, tz)
            if starts_at <= at < ends_at:
                out.setdefault(at, CheckKind.fixed)
    for a, b in cfg.random_windows:
        ta, tb = time.fromisoformat(a), time.fromisoformat(b)
        for d in days:
            ws = local_at(d, ta, tz)
            we = local_at(d if tb > ta else d + timedelta(days=1), tb, tz)
            lo, hi = max(ws, starts_at), min(we, ends_at)
            minutes = int((hi - lo).total_seconds() // 60)
            if minutes <= 0:
                continue
            rnd = random.Random(f"watchdesk-check:{shift_id}:{ws.astimezone(UTC).isoformat()}")
            at = lo + timedelta(minutes=rnd.randrange(minutes))
            out.setdefault(at, CheckKind.random)
    return [ScheduledCheck(shift_id=shift_id, due_at=at, kind=k) for at, k in sorted(out.items())]


# -- hours on duty -----------------------------------------------------------------------------
NIGHT_START, NIGHT_END = time(22, 0), time(6, 0)


def _boundaries(lo: datetime, hi: datetime, tz: tzinfo) -> list[datetime]:
    """lo, every local midnight / 06:00 / 22:00 strictly inside, hi."""
    pts = {lo, hi}
    d, last = lo.astimezone(tz).date(), hi.astimezone(tz).date()
    while d <= last:
        for t in (time(0), NIGHT_END, NIGHT_START):
            at = local_at(d, t, tz)
            if lo < at < hi:
                pts.add(at)
        d += timedelta(days=1)
    return sorted(pts)


def _subtract(
    lo: datetime, hi: datetime, cuts: Sequence[tuple[datetime, datetime]]
) -> list[tuple[datetime, datetime]]:
    parts = [(lo, hi)]
    for cs, ce in cuts:
        nxt = []
        for a, b in parts:
            if ce <= a or cs >= b:
                nxt.append((a, b))
                continue
            if cs > a:
                nxt.append((a, cs))
            if ce < b:
                nxt.append((ce, b))
        parts = nxt
    return parts


def hours_report(
    shifts: Sequence[RosterShift], start: datetime, end: datetime, cal: ChinaCalendar, tz: tzinfo
) -> list[HoursRow]:
    """Hours on duty per person within [start, end): the part of each assignment inside the range,
    less the parts a substitute covered; split into rest-day, holiday and night hours (22–06).

    Each hour counts by the local day it falls on. Holiday hours are the hours on any day of a
    public-holiday period as the State Council's notice gives it (`holiday_periods`: the statutory
    days, the rest days moved by 调休 and the weekend days of the period); a make-up workday is
    not one. Rest-day hours are the holiday hours plus those on ordinary weekends."""
    rows: dict[int, HoursRow] = {}
    counted: set[tuple[int, int]] = set()
    # The people of a shift mostly stand the same hours: each stretch is cut once (statistics of
    # a year: 1,800 assignments, 370 stretches; bench/README.md finding 11).
    cut: dict[tuple[datetime, datetime], list[tuple[float, DayKind, bool]]] = {}
    sums: dict[int, list[float]] = {}  # hours, rest-day, holiday, night: set on the rows at the end
    for rs in shifts:
        sh = rs.shift
        for a in rs.assignments:
            s = max(a.starts_at or sh.starts_at, start)
            e = min(a.ends_at or sh.ends_at, end)
            if s >= e:
                continue
            cuts = [
                (c.starts_at or sh.starts_at, c.ends_at or sh.ends_at)
                for c in rs.assignments
                if c.covers_id == a.id
            ]
            row = rows.get(a.officer_id)
            if row is None:  # not setdefault: a row is validated, once a person (a year: 60)
                row = rows[a.officer_id] = HoursRow(officer_id=a.officer_id, name=a.officer_name)
            if (a.officer_id, sh.id or 0) not in counted and a.covers_id is None:
                counted.add((a.officer_id, sh.id or 0))
                row.shifts += 1
            for lo, hi in _subtract(s, e, cuts):
                pieces = cut.get((lo, hi))
                if pieces is None:
                    pts = _boundaries(lo, hi, tz)
                    pieces = cut[(lo, hi)] = []
                    for p, q in zip(pts, pts[1:]):
                        local = p.astimezone(tz)
                        lt = local.time()
                        pieces.append(
                            (
                                (q - p).total_seconds() / 3600,
                                cal.kind(local.date())[0],
                                lt >= NIGHT_START or lt < NIGHT_END,
                            )
                        )
                acc = sums.setdefault(a.officer_id, [0.0, 0.0, 0.0, 0.0])
                for h, kind, night in pieces:
                    acc[0] += h
                    row.by_role[a.role] = row.by_role.get(a.role, 0.0) + h
                    if kind in (DayKind.weekend, DayKind.holiday):
                        acc[1] += h
                    if kind == DayKind.holiday:
                        acc[2] += h
                    if night:
                        acc[3] += h
    for oid, (total, rest_day, holiday, at_night) in sums.items():
        r = rows[oid]
        r.hours, r.rest_day_hours, r.holiday_hours, r.night_hours = (
            total,
            rest_day,
            holiday,
            at_night,
        )
    out = sorted(rows.values(), key=lambda r: (-r.hours, r.name))
    for r in out:
        r.hours = round(r.hours, 2)
        r.rest_day_hours = round(r.rest_day_hours, 2)
        r.holiday_hours = round(r.holiday_hours, 2)
        r.night_hours = round(r.night_hours, 2)
        r.by_role = {k: round(v, 2) for k, v in r.by_role.items()}
    return out


# ---- The leader-on-duty check (带班领导在岗核查) ----


def confirms(rec: CheckRecord, in_person_required: bool) -> bool:
    return rec.result == CheckOutcome.present and (
        not in_person_required or rec.method == CheckMethod.in_person
    )


def status_at(state: CheckState, now: datetime) -> CheckStatus:
    """The status of a check at `now`. Confirmed ends it; otherwise it escalates N minutes after
    it was due, whatever was recorded (an absent leader escalates too)."""
    rec = state.record
    if rec is not None and confirms(rec, state.in_person_required):
        return CheckStatus.confirmed
    if now >= state.escalate_at:
        return CheckStatus.escalated
    if rec is not None:
        return CheckStatus.failed
    if now >= state.due_at:
        return CheckStatus.due
    return CheckStatus.upcoming


def check_states(
    schedule: Sequence[ScheduledCheck],
    records: Sequence[CheckRecord],
    now: datetime,
    escalate_after_minutes: int,
    in_person_required: bool = False,
) -> list[CheckState]:
    """Join the schedule with what was recorded (by shift and due time; the latest record wins).
    Records for a time not in the schedule (ad-hoc checks, or a schedule changed since) are
    kept as their own entries, so nothing recorded ever drops out of the handover."""
    by_due: dict[tuple[int, datetime], list[CheckRecord]] = defaultdict(list)
    for r in sorted(records, key=lambda r: (r.at, r.id)):
        by_due[(r.shift_id, r.due_at)].append(r)
    items = [(c.shift_id, c.due_at, c.kind) for c in schedule]
    known = {(s, d) for s, d, _ in items}
    for (sid, due), recs in by_due.items():
        if (sid, due) not in known:
            items.append((sid, due, recs[-1].kind))
    out = []
    grace = timedelta(minutes=escalate_after_minutes)
    for sid, due, kind in sorted(items, key=lambda x: x[1]):
        hist = by_due.get((sid, due), [])
        st = CheckState(
            shift_id=sid,
            due_at=due,
            kind=kind,
            status=CheckStatus.upcoming,
            escalate_at=due + grace,
            in_person_required=in_person_required,
            record=hist[-1] if hist else None,
            history=hist,
        )
        st.status = status_at(st, now)
        out.append(st)
    return out


def escalation(checks: Sequence[CheckState], now: datetime) -> Escalation:
    """Pure function of (checks, now): the checks past their escalation time and not confirmed.
    The app calls it every tick on cached checks: red banner and bell while `active`."""
    late = []
    for c in checks:
        st = status_at(c, now)
        if st == CheckStatus.escalated:
            late.append(c.model_copy(update={"status": st}))
    late.sort(key=lambda c: c.escalate_at)
    return Escalation(active=bool(late), checks=late, since=late[0].escalate_at if late else None)


def next_due(checks: Sequence[CheckState], now: datetime) -> CheckState | None:
    """The check the officer should act on now (due or escalated, oldest first), else None."""
    for c in sorted(checks, key=lambda c: c.due_at):
        if status_at(c, now) in (CheckStatus.due, CheckStatus.escalated, CheckStatus.failed):
            return c
    return None
