"""Statistics for a period (issue 15): what `watchdesk stats` prints and the monthly report reads.

Every read is bounded by the period (an index range on a time column: `deadlines_due`,
`incidents_received`, `rollcall_rounds_started`, `shifts_starts`), so neither a month nor a year
grows with the history outside it. Voided incidents and those merged into another (duplicates)
count nowhere.

- **Our own timeliness.** A clock counts in the period it was due. Reported (`done`): on time when
  `rules.deadlines.lateness` of its report is ≤ 0 (a report exactly at the due instant is on
  time), else late, whenever the report came. A struck report reopened its clock
  (store/correction.py), so a clock's state is what the correction says. Still running and past
  due now: missed. Ended by the incident's final report after it was due: missed (never reported).
  Ended otherwise (a lower grade, a struck report's follow-up): no longer owed, not counted.
- **Subordinates' timeliness.** Incidents received in the period whose caller unit is a
  directory unit: the delay from occurrence to our receipt against the limit for the grade;
  beyond `missed_after`: missed (漏报), else late (迟报). Score = late × late_points + missed ×
  missed_points.
- **What happened.** Incidents received in the period, by category, grade and local month, with
  their current figures; 同比 and 环比.
- **The desk itself.** Roll-call rounds started in the period; leader-on-duty checks due in it;
  hours on duty (`rules.roster.hours_report`, as `watchdesk roster hours`).
"""

from __future__ import annotations

import json
import statistics
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from watchdesk.models.base import BaseModel
from watchdesk.models.incident import Grade, ReportKind
from watchdesk.models.roster import CheckOutcome, DayKind, Role, RosterShift
from watchdesk.models.stats import (
    ClockOutcome,
    Comparison,
    Count,
    DeskStats,
    Happened,
    KindTimeliness,
    LateItem,
    LeaderCheckStats,
    MonthCount,
    OwnTimeliness,
    Period,
    PersonHours,
    RollCallStats,
    Stats,
    StepCount,
    SubordinateRules,
    SubordinateTimeliness,
    Totals,
    UnitDispatch,
    UnitLateItem,
    UnitRollCall,
    UnitTimeliness,
    rate,
)
from watchdesk.rules.deadlines import lateness
from watchdesk.store.correction import not_struck
from watchdesk.store.db import from_db, from_db_not_null, to_db
from watchdesk.store.roster.repo import ROLE_ORDER
from watchdesk.text.period import months, shifted

if TYPE_CHECKING:
    from watchdesk.models.roster import Shift
    from watchdesk.rules.rulepack import RulePack
    from watchdesk.store.desk import Store

# Incidents that count: not voided, not merged into another.
COUNTED = (
    "i.status <> 'voided'"
    " AND NOT EXISTS (SELECT 1 FROM duplicates dup WHERE dup.incident_id = i.id)"
)
M = TypeVar("M", bound=BaseModel)
GRADES = {g.value: g for g in Grade}  # a dict look-up, not Grade(...): 5,000 a year
KINDS = {k.value: k for k in ReportKind}
CLOCK_KINDS = (ReportKind.phone, ReportKind.written, ReportKind.followup, ReportKind.verification)
_TALLY = ("on_time", "late", "missed", "pending")

# The main reads, kept here so that tests can check their query plans.
# A report's lateness (rules.deadlines.lateness, stored when it was made) is the ceiling of its
# instant minus the due instant, and `done_at` is that instant cut to the second in the same text,
# so `done_at < due_at` (as text) means on time without reading the report. That is the usual
# case: those clocks are counted by kind in SQL, with the range of their incidents (to take out
# the few that count nowhere), and never come to Python.
ON_TIME = "d.status = 'done' AND coalesce(d.done_at < d.due_at, 0)"
SQL_CLOCKS = f"""
SELECT d.kind, count(*), min(d.incident_id), max(d.incident_id)
FROM deadlines d
WHERE d.due_at >= ? AND d.due_at < ? AND {ON_TIME}
GROUP BY d.kind
"""
# The rest, by id: reported late or at the due second, still running, and those dropped after
# they were due — the incident's final report (not struck) came after the due instant: missed;
# dropped before (or by a lower grade) they are no longer owed and not read.
FINAL_AT = f"""(SELECT min(f.at) FROM reports f WHERE f.incident_id = d.incident_id
                 AND f.kind = 'final' AND {not_struck("report", "f.id")})"""
SQL_CLOCKS_REST = f"""
SELECT d.due_at, d.id
FROM deadlines d
WHERE d.due_at >= ? AND d.due_at < ? AND NOT ({ON_TIME})
  AND (d.status <> 'dropped' OR {FINAL_AT} > d.due_at)
"""
# Of the incidents in an id range, those that count nowhere (voided, merged into another).
SQL_NOT_COUNTED = """
SELECT i.id FROM incidents i WHERE i.status = 'voided' AND i.id BETWEEN ? AND ?
UNION
SELECT dup.incident_id FROM duplicates dup WHERE dup.incident_id BETWEEN ? AND ?
"""
# Their clocks counted on time above, to take back out.
SQL_ON_TIME_NOT_COUNTED = f"""
SELECT d.kind, count(*)
FROM deadlines d
WHERE d.incident_id IN (SELECT value FROM json_each(?)) AND +d.due_at >= ? AND +d.due_at < ?
  AND {ON_TIME}
GROUP BY d.kind
"""
# The rest in full (a few hundred a month).
SQL_CLOCK_DETAILS = f"""
SELECT d.id, d.incident_id, d.kind, d.seq, d.due_at, d.status, d.done_at, r.late_seconds,
       r.by_whom, i.title, substr(i.description, 1, 30), i.grade,
       CASE WHEN d.status = 'dropped' THEN {FINAL_AT} END AS final_at
FROM deadlines d
JOIN incidents i ON i.id = d.incident_id
LEFT JOIN reports r ON r.id = d.report_id
WHERE d.id IN (SELECT value FROM json_each(?)) AND {COUNTED}
"""
# The rest again, for a tally alone (`StatsRepo.trend`): how each went, without the incident
# (those that count nowhere are taken out by id, `SQL_NOT_COUNTED`) nor who was on duty; read
# from deadlines_stats alone, and the reported ones' lateness after (`SQL_LATENESS`).
SQL_CLOCKS_REST_TALLY = f"""
SELECT d.id, d.status, d.due_at, d.done_at, d.incident_id,
       CASE WHEN d.status = 'dropped' THEN {FINAL_AT} END AS final_at
FROM deadlines d
WHERE d.due_at >= ? AND d.due_at < ? AND NOT ({ON_TIME})
  AND (d.status <> 'dropped' OR {FINAL_AT} > d.due_at)
"""
SQL_LATENESS = """
SELECT d.id, r.late_seconds FROM deadlines d JOIN reports r ON r.id = d.report_id
WHERE d.id IN (SELECT value FROM json_each(?))
"""
# The clocks reported on time, all kinds together, with the range of their incidents.
SQL_ON_TIME_COUNT = f"""
SELECT count(*), min(d.incident_id), max(d.incident_id)
FROM deadlines d
WHERE d.due_at >= ? AND d.due_at < ? AND {ON_TIME}
"""
# Delay from occurrence to receipt in whole seconds; the limit of the incident's grade (NULL: none).
# Sorted by (received, id) in Python and the late ones' headlines read after (SQL_HEADLINES):
# so that it reads m19's incidents_stats alone, as SQL_HAPPENED does.
SQL_FROM_UNITS = f"""
SELECT i.received_at, i.id, u.id, u.name, i.grade, i.occurred_at,
       CAST(round((julianday(i.received_at) - julianday(i.occurred_at)) * 86400) AS INTEGER),
       CASE i.grade WHEN 'I' THEN ? WHEN 'II' THEN ? WHEN 'III' THEN ? WHEN 'IV' THEN ? END
FROM incidents i
JOIN units u ON u.name = i.caller_unit
WHERE i.received_at >= ? AND i.received_at < ? AND i.caller_unit <> '' AND {COUNTED}
"""
SQL_HEADLINES = """
SELECT i.id, i.title, substr(i.description, 1, 30) FROM incidents i
WHERE i.id IN (SELECT value FROM json_each(?))
"""
SQL_HAPPENED = f"""
SELECT i.category, i.grade, count(*) AS n, sum(i.dead) AS dead, sum(i.injured) AS injured,
       sum(i.seriously_injured) AS seriously_injured, sum(i.missing) AS missing,
       sum(i.trapped) AS trapped, sum(i.direct_loss) AS direct_loss
FROM incidents i
WHERE i.received_at >= ? AND i.received_at < ? AND {COUNTED}
GROUP BY i.category, i.grade
"""
# A period's totals alone (同比 and 环比): no grouping, so no sort of the period's incidents.
SQL_TOTALS = f"""
SELECT count(*) AS n, sum(i.dead) AS dead, sum(i.injured) AS injured,
       sum(i.seriously_injured) AS seriously_injured, sum(i.missing) AS missing,
       sum(i.trapped) AS trapped, sum(i.direct_loss) AS direct_loss
FROM incidents i
WHERE i.received_at >= ? AND i.received_at < ? AND {COUNTED}
"""
FIGURES = ("dead", "injured", "seriously_injured", "missing", "trapped", "direct_loss")
SQL_ROLLCALL = """
SELECT e.unit_id, e.unit_name, e.outcome, r.id AS round_id
FROM rollcall_rounds r
JOIN rollcall_entries e ON e.round_id = r.id
WHERE r.started_at >= ? AND r.started_at < ?
"""
# Dispatch timeliness per unit and step (issue 16): clocks of live tasks due in [start, end).
SQL_DISPATCH = """
SELECT t.unit_id, t.unit_name, c.step,
       SUM(c.done_at IS NOT NULL AND COALESCE(c.late_seconds, 0) <= 0),
       SUM(c.done_at IS NOT NULL AND c.late_seconds > 0),
       SUM(c.done_at IS NULL AND c.due_at <= ?),
       MAX(CASE WHEN c.late_seconds > 0 THEN c.late_seconds END),
       (SELECT count(DISTINCT t2.id) FROM tasks t2 JOIN task_clocks c2 ON c2.task_id = t2.id
         WHERE t2.unit_name = t.unit_name AND t2.status <> 'cancelled'
           AND t2.kind IN ('dispatch', 'instruction')
           AND c2.due_at >= ? AND c2.due_at < ?) AS tasks
FROM task_clocks c JOIN tasks t ON t.id = c.task_id
WHERE c.due_at >= ? AND c.due_at < ? AND t.status <> 'cancelled'
  AND t.kind IN ('dispatch', 'instruction')
GROUP BY t.unit_id, t.unit_name, c.step
"""
SQL_DISPATCH_CHASES = """
SELECT t.unit_id, t.unit_name, count(*)
FROM task_chases h JOIN tasks t ON t.id = h.task_id
WHERE h.at >= ? AND h.at < ? AND t.status <> 'cancelled' AND t.kind IN ('dispatch', 'instruction')
GROUP BY t.unit_id, t.unit_name
"""
SQL_ROUNDS = "SELECT count(*) FROM rollcall_rounds WHERE started_at >= ? AND started_at < ?"
# Shifts never overlap: those starting in the period, and the one running at its start.
SQL_SHIFTS = """
SELECT id, starts_at, ends_at, label FROM shifts WHERE starts_at >= ? AND starts_at < ?
UNION ALL
SELECT * FROM (SELECT id, starts_at, ends_at, label FROM shifts WHERE starts_at < ?
               ORDER BY starts_at DESC LIMIT 1) WHERE ends_at > ?
"""
# The shifts' people, as `RosterRepo._assignments` reads them (active ones, with the part of the
# shift and whom they stand in for), without the changes nor a model each (a year: 1,800).
SQL_PEOPLE = """
SELECT a.shift_id, a.id, a.officer_id, o.name, a.role, x.starts_at, x.ends_at, x.covers_id
FROM assignments a
JOIN officers o ON o.id = a.officer_id
LEFT JOIN roster_assignment_ext x ON x.assignment_id = a.id
WHERE a.shift_id IN (SELECT value FROM json_each(?)) AND coalesce(x.status, 'active') = 'active'
"""
# What the count needs of each record (not the whole record: a year holds about 1,100).
SQL_CHECKS = f"""
SELECT c.shift_id, c.at, c.id, c.due_at, c.result FROM leader_checks c
WHERE c.shift_id IN ({{marks}}) AND {not_struck("check", "c.id")}
ORDER BY c.at, c.id
"""


class Duty(NamedTuple):
    """An assignment as the statistics read it: the fields of `RosterAssignment` that who was on
    duty (`_present`) and `rules.roster.hours_report` use, under the same names."""

    id: int
    officer_id: int
    officer_name: str
    role: Role
    starts_at: datetime | None  # None: from the shift's start
    ends_at: datetime | None  # None: to the shift's end
    covers_id: int | None  # the assignment it substitutes for


def default_limits(pack: RulePack) -> dict[Grade, int]:
    """The pack's phone limit per grade (non-sensitive), else its written one: seconds."""
    out: dict[Grade, int] = {}
    for g in Grade:
        for kind in (ReportKind.phone, ReportKind.written):
            within = [r.within for r in pack.rules_for(kind, g, False) if r.within is not None]
            if within:
                out[g] = int(min(within).total_seconds())
                break
    return out


def rules_from_settings(settings: Any, pack: RulePack) -> SubordinateRules:
    """How subordinates are judged on this desk: the config's `stats_*` settings
    (watchdesk.config.Settings) over the pack's limits. A bad value is the config's problem
    (BadValue naming the setting)."""
    from watchdesk.errors import BadValue
    from watchdesk.rules.rulepack import parse_duration

    limits = {g.value: v for g, v in default_limits(pack).items()}
    for grade, text in settings.stats_limits.items():
        try:
            g = Grade(str(grade).strip().upper())
        except ValueError:
            raise BadValue("stats.err.limit", text=f"{grade}={text}") from None
        limits[g.value] = int(parse_duration(text).total_seconds())
    return SubordinateRules.model_validate(
        {
            "limits_seconds": limits,
            "missed_after_seconds": int(
                parse_duration(settings.stats_missed_after).total_seconds()
            ),
            "late_points": settings.stats_late_points,
            "missed_points": settings.stats_missed_points,
        }
    )


def _p90(values: Sequence[int]) -> int | None:
    """Nearest-rank 90th percentile."""
    if not values:
        return None
    ordered = sorted(values)
    k = -(-9 * len(ordered) // 10)  # ceil(0.9 n)
    return ordered[k - 1]


def _median(values: Sequence[int]) -> float | None:
    return float(statistics.median(values)) if values else None


class StatsRepo:
    def __init__(self, store: Store):
        self.s = store
        # Within one `compute`: the period's shifts and their people, read once for the late
        # clocks' officers on duty, the leader checks and the hours.
        self._memo: dict[tuple[Any, ...], Any] | None = None

    # -- the whole --------------------------------------------------------------------------------
    def compute(
        self,
        period: Period,
        *,
        rules: SubordinateRules | None = None,
        now: datetime | None = None,
    ) -> Stats:
        now = now or self.s.now()
        if rules is None:
            rules = SubordinateRules()
        if not rules.limits_seconds:
            rules = rules.model_copy(update={"limits_seconds": default_limits(self.s.pack)})
        self._memo = {}
        try:
            return Stats(
                period=period,
                computed_at=now,
                timezone=str(self.s.tz),
                own=self.own(period, now),
                subordinates=self.subordinates(period, rules),
                happened=self.happened(period),
                desk=DeskStats(
                    rollcall=self.rollcall(period),
                    leader_checks=self.leader_checks(period, now),
                    hours=self.hours(period),
                ),
                dispatch=self.dispatch(period, now),
            )
        finally:
            self._memo = None

    def _people(self, shifts: list[Shift]) -> dict[int, list[Duty]]:
        """The people of `shifts` (the active assignments, as `RosterRepo._assignments` reads
        them and in its order: leader first), by shift id: one read, as plain tuples."""
        ids = [s.id for s in shifts if s.id is not None]
        key = ("people", *ids)
        if self._memo is not None and key in self._memo:
            return self._memo[key]
        people: dict[int, list[Duty]] = defaultdict(list)
        roles = {r.value: r for r in Role}
        for shift_id, aid, oid, name, role, xs, xe, covers in self.s.db.execute(
            SQL_PEOPLE, [json.dumps(ids)]
        ):
            people[shift_id].append(
                Duty(aid, oid, name, roles[role], from_db(xs), from_db(xe), covers)
            )
        for mine in people.values():
            mine.sort(key=lambda a: (ROLE_ORDER[a.role], a.covers_id is not None, a.id))
        if self._memo is not None:
            self._memo[key] = people
        return people

    # -- our own timeliness -----------------------------------------------------------------------
    def own(self, period: Period, now: datetime) -> OwnTimeliness:
        args = [to_db(period.start), to_db(period.end)]
        counts = {k.value: dict.fromkeys(_TALLY, 0) for k in CLOCK_KINDS}
        lates: dict[str, list[int]] = defaultdict(list)
        ends: list[int] = []  # the incidents' lowest and highest id, by kind
        for kind, n, a, b in self.s.db.execute(SQL_CLOCKS, args):
            counts.setdefault(kind, dict.fromkeys(_TALLY, 0))["on_time"] += n
            ends += (a, b)
        skip = self._not_counted(min(ends), max(ends)) if ends else []
        if skip:
            for kind, n in self.s.db.execute(SQL_ON_TIME_NOT_COUNTED, [json.dumps(skip), *args]):
                counts[kind]["on_time"] -= n
        # By (due_at, id), sorted here: ORDER BY would lead SQLite to the due-time index that
        # has that order but not the columns (m19's deadlines_stats has them).
        rest = [r[1] for r in sorted(self.s.db.execute(SQL_CLOCKS_REST, args).fetchall())]
        details = {
            r[0]: r for r in self.s.db.execute(SQL_CLOCK_DETAILS, [json.dumps(rest)])
        }  # without the incidents that count nowhere
        found = []  # the late and missed clocks: (outcome, late seconds, reported at, row)
        for did in rest:
            row = details.get(did)
            if row is None:
                continue
            kind = row[2]
            tally = counts.setdefault(kind, dict.fromkeys(_TALLY, 0))
            judged = _judge(row[5], row[4], row[6], row[7], row[12], now)
            if judged is None:  # no longer owed
                continue
            outcome, late, due, reported_at = judged
            if outcome is None:
                tally["pending"] += 1
                continue
            tally[outcome.value] += 1
            if outcome == ClockOutcome.on_time:
                continue
            assert late is not None and due is not None  # late or missed: both known
            if outcome == ClockOutcome.late:
                lates[kind].append(late)
            found.append((outcome, late, due, reported_at, row))
        on_duty = self._on_duty([x[2] for x in found], period)
        items = [
            _read(  # read from the desk: clean and valid already
                LateItem,
                outcome=outcome,
                incident_id=row[1],
                headline=row[9] or row[10],
                grade=GRADES[row[11]],
                kind=KINDS[row[2]],
                seq=row[3],
                deadline_id=row[0],
                due_at=due,
                reported_at=reported_at,
                late_seconds=late,
                reporter=(row[8] or "") if outcome == ClockOutcome.late else "",
                on_duty=names,
            )
            for (outcome, late, due, reported_at, row), names in zip(found, on_duty)
        ]
        for k in [k for k, c in counts.items() if k not in CLOCK_KINDS and not any(c.values())]:
            del counts[k]  # only clocks of incidents that count nowhere
        by_kind = [
            self._late_figures(KindTimeliness.model_validate({"kind": k, **c}), lates.get(k, []))
            for k, c in counts.items()
        ]
        total = self._late_figures(
            KindTimeliness.model_validate({f: sum(c[f] for c in counts.values()) for f in _TALLY}),
            [x for v in lates.values() for x in v],
        )
        return OwnTimeliness(total=total, by_kind=by_kind, items=items)

    def _not_counted(self, lo: int, hi: int) -> list[int]:
        """The incidents with ids in [lo, hi] that count nowhere (voided, or merged into another):
        a few in a year; read through `incidents_status` and the duplicates' own index."""
        return sorted(r[0] for r in self.s.db.execute(SQL_NOT_COUNTED, [lo, hi, lo, hi]))

    @staticmethod
    def _late_figures(tally: KindTimeliness, lates: list[int]) -> KindTimeliness:
        tally.late_median_seconds = _median(lates)
        tally.late_p90_seconds = _p90(lates)
        tally.late_worst_seconds = max(lates) if lates else None
        return tally

    def _on_duty(self, instants: list[datetime], period: Period) -> list[list[str]]:
        """Who was on duty at each of `instants` (leader first): the late and missed clocks' due
        times, in the period. Its shifts hold them (the one running at an instant is the last to
        start before it, if it has not ended); the people on duty only change where someone's
        part of a shift starts or ends, so they are worked out once for each such stretch."""
        if not instants:
            return []
        shifts = self._shifts(period.start, period.end)  # by start; they never overlap
        people = self._people(shifts)
        starts = [sh.starts_at for sh in shifts]
        edges: dict[int, list[datetime]] = {}  # by shift: where someone's part starts or ends
        names: dict[tuple[int, int], list[str]] = {}  # by (shift, stretch)
        out: list[list[str]] = []
        for at in instants:
            k = bisect_right(starts, at) - 1
            if k < 0 or at >= shifts[k].ends_at:
                out.append([])
                continue
            sh = shifts[k]
            mine = people.get(sh.id or 0, [])
            if k not in edges:
                edges[k] = sorted({t for a in mine for t in (a.starts_at, a.ends_at) if t})
            key = (k, bisect_right(edges[k], at))
            if key not in names:
                names[key] = _present(mine, sh, at)
            out.append(list(names[key]))
        return out

    # -- subordinates -----------------------------------------------------------------------------
    def subordinates(self, period: Period, rules: SubordinateRules) -> SubordinateTimeliness:
        limits = [rules.limits_seconds.get(g) for g in Grade]
        args = [*limits, to_db(period.start), to_db(period.end)]
        units: dict[int, dict[str, Any]] = {}
        delays: dict[int, list[int]] = defaultdict(list)
        late: list[dict[str, Any]] = []
        for row in sorted(self.s.db.execute(SQL_FROM_UNITS, args).fetchall()):
            received_s, inc_id, unit_id, name, grade, occurred_s, delay, limit = row
            u = units.get(unit_id)
            if u is None:  # not setdefault: a new dict for each of 19,000 rows a year
                u = units[unit_id] = {"unit_id": unit_id, "unit": name, "incidents": 0}
                u.update(dict.fromkeys(("on_time", "late", "missed", "unknown"), 0))
            u["incidents"] += 1
            if delay is None or limit is None:  # occurrence unknown, or no limit for the grade
                u["unknown"] += 1
                continue
            delays[unit_id].append(delay)
            if delay <= limit:
                u["on_time"] += 1
                continue
            outcome = (
                ClockOutcome.missed if delay > rules.missed_after_seconds else ClockOutcome.late
            )
            u[outcome.value] += 1
            late.append(
                {
                    "outcome": outcome,
                    "unit": name,
                    "incident_id": inc_id,
                    "grade": grade,
                    "occurred_at": from_db_not_null(occurred_s),
                    "received_at": from_db_not_null(received_s),
                    "delay_seconds": delay,
                    "limit_seconds": limit,
                }
            )
        heads: dict[int, str] = {}
        if late:
            ids = json.dumps([x["incident_id"] for x in late])
            heads = {r[0]: r[1] or r[2] for r in self.s.db.execute(SQL_HEADLINES, [ids])}
        items = [UnitLateItem(headline=heads.get(x["incident_id"], ""), **x) for x in late]
        out = []
        for unit_id, u in units.items():
            d = delays.get(unit_id, [])
            score = u["late"] * rules.late_points + u["missed"] * rules.missed_points
            out.append(
                UnitTimeliness(
                    **u,
                    delay_median_seconds=_median(d),
                    delay_worst_seconds=max(d) if d else None,
                    score=score + 0.0,  # never -0.0
                )
            )
        ranked = sorted(out, key=lambda u: (-u.missed, -u.late, u.score, u.unit))
        return SubordinateTimeliness(rules=rules, units=ranked, items=items)

    # -- what happened ----------------------------------------------------------------------------
    def _totals(
        self, spans: list[tuple[str, datetime, datetime]]
    ) -> tuple[Totals, dict[str, int], dict[str, int], list[dict[str, int]]]:
        """The totals of the period whose local months are `spans` (they cover it), by category
        and by grade, and by grade in each month: `SQL_HAPPENED` once a month. A year's twelve
        reads cost less than one grouped by month as well (its incidents sorted by month,
        category and grade: 47 → 30 ms CPU; bench/README.md finding 11)."""
        totals = Totals()
        by_cat: dict[str, int] = defaultdict(int)
        by_grade: dict[str, int] = defaultdict(int)
        per_span: list[dict[str, int]] = []
        for _label, a, b in spans:
            grades: dict[str, int] = defaultdict(int)
            for r in self.s.db.query(SQL_HAPPENED, [to_db(a), to_db(b)]):
                totals.incidents += r["n"]
                for f in FIGURES:
                    setattr(totals, f, getattr(totals, f) + (r[f] or 0))
                by_cat[r["category"]] += r["n"]
                by_grade[r["grade"]] += r["n"]
                grades[r["grade"]] += r["n"]
            per_span.append(grades)
        return totals, by_cat, by_grade, per_span

    def happened(self, period: Period) -> Happened:
        tz = self.s.tz
        spans = months(period, tz)
        totals, by_cat, by_grade, per_span = self._totals(spans)
        yoy, prev = shifted(period, tz, years=1), shifted(period, tz, back=1)
        then_yoy, then_prev = self._two_totals(yoy, prev)
        by_month = _by_month(spans, per_span)
        return Happened(
            totals=totals,
            by_category=[
                Count(key=k, incidents=n)
                for k, n in sorted(by_cat.items(), key=lambda kv: (-kv[1], kv[0]))
            ],
            by_grade=[Count(key=g.value, incidents=by_grade.get(g.value, 0)) for g in Grade],
            by_month=by_month,
            year_on_year=self._compare(totals, yoy, then_yoy),
            previous=self._compare(totals, prev, then_prev),
        )

    # -- the charts' months -------------------------------------------------------------------------
    def trend(
        self, window: Period, now: datetime
    ) -> tuple[list[MonthCount], list[tuple[str, float | None]]]:
        """What the statistics screen's charts show for the local months of `window`: the
        incidents of each by grade (`happened(window).by_month`) and our own on-time rate of
        each (`own(month, now).total.on_time_rate`), counted as those are but without what the
        charts do not show (同比/环比, the late clocks' list and who was on duty, by kind): a
        year's charts read each clock once, through the due-time index."""
        spans = months(window, self.s.tz)
        *_, per_span = self._totals(spans)
        rates = [(label, self._on_time_rate(a, b, now)) for label, a, b in spans]
        return _by_month(spans, per_span), rates

    def _on_time_rate(self, start: datetime, end: datetime, now: datetime) -> float | None:
        """`own(start–end, now).total.on_time_rate`, from the tallies alone."""
        args = [to_db(start), to_db(end)]
        on_time, lo, hi = self.s.db.execute(SQL_ON_TIME_COUNT, args).fetchone()
        skip = self._not_counted(lo, hi) if on_time else []
        if skip:
            for _kind, n in self.s.db.execute(SQL_ON_TIME_NOT_COUNTED, [json.dumps(skip), *args]):
                on_time -= n
        rows = self.s.db.execute(SQL_CLOCKS_REST_TALLY, args).fetchall()
        skip_rest: set[int] = set()  # the incidents that count nowhere, in the rows' id range
        late_of: dict[int, int | None] = {}  # the reported clocks': their report's
        if rows:
            ids = [r[4] for r in rows]
            skip_rest = set(self._not_counted(min(ids), max(ids)))
            done = json.dumps([r[0] for r in rows if r[1] == "done"])
            late_of = dict(self.s.db.execute(SQL_LATENESS, [done]).fetchall())
        late = missed = 0
        for did, status, due_s, done_s, incident_id, final_s in rows:
            if incident_id in skip_rest:
                continue
            late_s = late_of.get(did)
            if status == "done" and late_s is not None:  # as `_judge`, without reading times
                if late_s <= 0:
                    on_time += 1
                elif done_s:
                    late += 1
                continue
            judged = _judge(status, due_s, done_s, late_s, final_s, now)
            if judged is None or judged[0] is None:
                continue
            if judged[0] == ClockOutcome.on_time:
                on_time += 1
            elif judged[0] == ClockOutcome.late:
                late += 1
            else:
                missed += 1
        return rate(on_time, on_time + late + missed)

    def _two_totals(self, a: Period, b: Period) -> tuple[Totals, Totals]:
        """The totals of `a` and of `b` (`SQL_TOTALS`): one read when they are the same period
        (a year's 同比 and 环比)."""
        ta = self._plain_totals(a)
        if (a.start, a.end) == (b.start, b.end):
            return ta, ta.model_copy()
        return ta, self._plain_totals(b)

    def _plain_totals(self, period: Period) -> Totals:
        r = next(self.s.db.query(SQL_TOTALS, [to_db(period.start), to_db(period.end)]))
        return Totals(incidents=r["n"], **{f: r[f] or 0 for f in FIGURES})

    def _compare(self, now: Totals, other: Period, then: Totals) -> Comparison:
        change = now.incidents - then.incidents
        return Comparison(
            period=other, totals=then, change=change, change_rate=rate(change, then.incidents)
        )

    # -- the desk itself --------------------------------------------------------------------------
    def dispatch(self, period: Period, now: datetime) -> list[UnitDispatch]:
        """Dispatch and feedback timeliness per unit (issue 16): the clocks of the tasks given to
        units (not notices, not cancelled ones) due in the period — done by their due moment
        (or implied by a later step) on time, after it late, not done by the period's end (or
        now, in a running period) missed; and the chasing calls. One grouped read."""
        cut = min(now, period.end)
        start, end = to_db(period.start), to_db(period.end)
        args = [to_db(cut), start, end, start, end]
        units: dict[tuple[int | None, str], UnitDispatch] = {}
        for uid, name, step, on_time, late, missed, worst, tasks in self.s.db.execute(
            SQL_DISPATCH, args
        ):
            u = units.setdefault((uid, name), UnitDispatch(unit_id=uid, unit=name))
            u.tasks = max(u.tasks, tasks)
            if step in ("ack", "arrive", "feedback"):
                setattr(
                    u,
                    step,
                    StepCount(
                        on_time=on_time or 0,
                        late=late or 0,
                        missed=missed or 0,
                        worst_late_seconds=worst,
                    ),
                )
        for uid, name, n in self.s.db.execute(SQL_DISPATCH_CHASES, [start, end]):
            if (uid, name) in units:
                units[(uid, name)].chases = n
        return sorted(units.values(), key=lambda u: (-u.missed, -u.late, u.unit))

    def rollcall(self, period: Period) -> RollCallStats:
        args = [to_db(period.start), to_db(period.end)]
        out = RollCallStats(rounds=self.s.db.execute(SQL_ROUNDS, args).fetchone()[0])
        tally: dict[int, list[Any]] = {}  # unit id -> [name (the last read), checked, on post]
        for unit_id, unit_name, outcome, _ in self.s.db.execute(SQL_ROLLCALL, args):
            if outcome is None:  # not reached, or its outcome struck: outside the rate
                continue
            t = tally.get(unit_id)
            if t is None:
                t = tally[unit_id] = [unit_name, 0, 0]
            t[0] = unit_name
            t[1] += 1
            t[2] += outcome == "on_post"
        units = [
            UnitRollCall(unit_id=uid, unit=name, checked=checked, on_post=on_post)
            for uid, (name, checked, on_post) in tally.items()
        ]
        out.units = sorted(units, key=lambda u: (u.unit, u.unit_id))
        out.checked = sum(u.checked for u in out.units)
        out.on_post = sum(u.on_post for u in out.units)
        out.most_absent = sorted(
            (u for u in out.units if u.absent), key=lambda u: (-u.absent, u.rate or 0.0, u.unit)
        )
        return out

    def _shifts(self, start: datetime, end: datetime) -> list[Shift]:
        from watchdesk.models.roster import Shift

        a, b = to_db(start), to_db(end)
        key = ("shifts", a, b)
        if self._memo is not None and key in self._memo:
            return self._memo[key]
        out = sorted(
            (
                Shift(
                    id=r["id"],
                    starts_at=from_db_not_null(r["starts_at"]),
                    ends_at=from_db_not_null(r["ends_at"]),
                    label=r["label"],
                )
                for r in self.s.db.query(SQL_SHIFTS, [a, b, a, a])
            ),
            key=lambda s: s.starts_at,
        )
        if self._memo is not None:
            self._memo[key] = out
        return out

    def leader_checks(self, period: Period, now: datetime) -> LeaderCheckStats:
        from watchdesk.rules import roster as rr

        out = LeaderCheckStats()
        shifts = self._shifts(period.start, period.end)
        if not shifts:
            return out
        cfg = self.s.roster.config().checks
        tz = self.s.tz
        ids = [s.id for s in shifts if s.id is not None]
        records: dict[int, list[tuple[datetime, int, datetime, str]]] = defaultdict(list)
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            sql = SQL_CHECKS.format(marks=",".join("?" * len(chunk)))
            for shift_id, at_s, rid, due_s, result in self.s.db.execute(sql, chunk):
                records[shift_id].append(
                    (from_db_not_null(at_s), rid, from_db_not_null(due_s), result)
                )
        grace = timedelta(minutes=cfg.escalate_after_minutes)
        due = on_time = late = missed = pending = absences = 0
        for sh in shifts:
            assert sh.id is not None
            # As `rules.roster.check_states` joins them (by due time, the latest record wins;
            # records for a time not in the schedule are checks of their own), without building
            # each check's state: only its due time and records count here.
            by_due: dict[datetime, list[tuple[datetime, int, datetime, str]]] = defaultdict(list)
            for rec in sorted(records.get(sh.id, [])):  # by (at, id)
                by_due[rec[2]].append(rec)
            dues = {c.due_at for c in rr.check_schedule(sh.id, sh.starts_at, sh.ends_at, cfg, tz)}
            dues.update(by_due)
            for at in dues:
                if not period.start <= at < period.end:
                    continue
                due += 1
                history = by_due.get(at)
                if history:
                    if history[0][0] <= at + grace:  # the first record, by (at, id)
                        on_time += 1
                    else:
                        late += 1
                    if history[-1][3] != CheckOutcome.present.value:
                        absences += 1
                elif now >= at + grace:
                    missed += 1
                else:
                    pending += 1
        return LeaderCheckStats(
            due=due, on_time=on_time, late=late, missed=missed, pending=pending, absences=absences
        )

    def hours(self, period: Period) -> list[PersonHours]:
        from watchdesk.rules import roster as rr

        shifts = self._shifts(period.start, period.end)
        if not shifts:
            return []
        people = self._people(shifts)
        cal = self.s.roster.calendar()
        tz = self.s.tz
        rows = [
            RosterShift.model_construct(  # read from the desk: valid already
                shift=s,
                day=cal.info(s.starts_at.astimezone(tz).date()),
                assignments=people.get(s.id or 0, []),
            )
            for s in shifts
        ]
        holiday_shifts: dict[int, int] = defaultdict(int)
        for rs in rows:
            s = rs.shift
            a, b = max(s.starts_at, period.start), min(s.ends_at, period.end)
            if a >= b:
                continue
            first, last = a.astimezone(tz).date(), (b - timedelta(seconds=1)).astimezone(tz).date()
            days = [first + timedelta(days=k) for k in range((last - first).days + 1)]
            if any(cal.kind(d)[0] == DayKind.holiday for d in days):
                for who in {x.officer_id for x in rs.assignments if x.covers_id is None}:
                    holiday_shifts[who] += 1
        return [
            PersonHours(
                officer_id=h.officer_id,
                name=h.name,
                shifts=h.shifts,
                hours=h.hours,
                night_hours=h.night_hours,
                rest_day_hours=h.rest_day_hours,
                holiday_hours=h.holiday_hours,
                holiday_shifts=holiday_shifts.get(h.officer_id, 0),
            )
            for h in rr.hours_report(rows, period.start, period.end, cal, tz)
        ]


def _by_month(
    spans: list[tuple[str, datetime, datetime]], per_span: list[dict[str, int]]
) -> list[MonthCount]:
    """The incidents of each month by grade, from `StatsRepo._totals`."""
    return [
        MonthCount(
            month=label,
            incidents=sum(grades.values()),
            by_grade={Grade(g): grades.get(g.value, 0) for g in Grade},
        )
        for (label, _a, _b), grades in zip(spans, per_span, strict=True)
    ]


def _judge(
    status: str,
    due_s: str,
    done_s: str | None,
    late: int | None,
    final_s: str | None,
    now: datetime,
) -> tuple[ClockOutcome | None, int | None, datetime | None, datetime | None] | None:
    """How a clock not counted on time in SQL went (`StatsRepo.own`, `StatsRepo.trend`):
    (outcome, late seconds, due, reported at); outcome None for a clock still running and not
    due yet (pending); None for one no longer owed (dropped before it fell due, or by a lower
    grade). `final_s`: the incident's final report's time, read for a dropped clock only."""
    if status == "done" and late is not None and late <= 0:
        return ClockOutcome.on_time, late, None, None
    due = from_db_not_null(due_s)
    if status == "done" and done_s:
        reported_at = from_db_not_null(done_s)
        if late is None:  # a report made before its lateness was stored
            late = lateness(due, reported_at)
        return (ClockOutcome.late if late > 0 else ClockOutcome.on_time), late, due, reported_at
    if status == "running":
        if due >= now:
            return None, None, due, None
        return ClockOutcome.missed, lateness(due, now), due, None
    if final_s and (final := from_db_not_null(final_s)) > due:  # the final report's time
        return ClockOutcome.missed, lateness(due, final), due, None
    return None


def _read(cls: type[M], **values: Any) -> M:
    """`cls.model_construct(**values)` for values read from the desk, given for every field, in
    a tenth of the time: a year lists ~4,700 late and missed clocks, and pydantic's
    `model_construct` (which fills defaults and checks aliases field by field) took 10 µs each,
    ~40 ms of a year's 500 (bench/README.md finding 11)."""
    obj = cls.__new__(cls)
    object.__setattr__(obj, "__dict__", values)
    object.__setattr__(obj, "__pydantic_fields_set__", set(values))
    object.__setattr__(obj, "__pydantic_extra__", None)
    object.__setattr__(obj, "__pydantic_private__", None)
    return obj


def _present(people: list[Duty], sh: Shift, at: datetime) -> list[str]:
    """The names on duty at `at` (not standby; a part covered by a substitute goes to them)."""
    out: list[str] = []

    def covers(a: Duty) -> bool:
        return (a.starts_at or sh.starts_at) <= at < (a.ends_at or sh.ends_at)

    for a in people:
        if a.role.value == "standby" or not covers(a):
            continue
        if any(c.covers_id == a.id and covers(c) for c in people):
            continue
        if a.officer_name not in out:
            out.append(a.officer_name)
    return out
