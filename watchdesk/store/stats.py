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
from typing import TYPE_CHECKING, Any

from watchdesk.models.incident import Grade, ReportKind
from watchdesk.models.roster import CheckKind, CheckOutcome, CheckRecord, DayKind, RosterShift
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
from watchdesk.store.db import from_db_not_null, to_db
from watchdesk.text.period import months, shifted

if TYPE_CHECKING:
    from watchdesk.models.roster import RosterAssignment, Shift
    from watchdesk.rules.rulepack import RulePack
    from watchdesk.store.desk import Store

# Incidents that count: not voided, not merged into another.
COUNTED = (
    "i.status <> 'voided'"
    " AND NOT EXISTS (SELECT 1 FROM duplicates dup WHERE dup.incident_id = i.id)"
)
CLOCK_KINDS = (ReportKind.phone, ReportKind.written, ReportKind.followup, ReportKind.verification)
_TALLY = ("on_time", "late", "missed", "pending")

# The main reads, kept here so that tests can check their query plans.
# Every clock due in the period, light: most are reported on time and need nothing more. A
# report's lateness (rules.deadlines.lateness, stored when it was made) is the ceiling of its
# instant minus the due instant, and `done_at` is that instant cut to the second in the same
# text, so `done_at < due_at` (as text) means on time without reading the report.
SQL_CLOCKS = """
SELECT d.id, d.incident_id, d.kind, d.status, d.due_at, d.done_at
FROM deadlines d
WHERE d.due_at >= ? AND d.due_at < ?
ORDER BY d.due_at, d.id
"""
# Which of the clocks' incidents count nowhere (voided, merged into another): a scan of their id
# range when the ids are dense, else a look-up of each.
SQL_NOT_COUNTED_RANGE = """
SELECT i.id FROM incidents i WHERE i.id BETWEEN ? AND ?
AND (i.status = 'voided' OR EXISTS (SELECT 1 FROM duplicates dup WHERE dup.incident_id = i.id))
"""
SQL_NOT_COUNTED_IDS = """
SELECT i.id FROM incidents i WHERE i.id IN (SELECT value FROM json_each(?))
AND (i.status = 'voided' OR EXISTS (SELECT 1 FROM duplicates dup WHERE dup.incident_id = i.id))
"""
# Clocks dropped in the period: missed if the incident's final report came after they were due.
SQL_FINALS = f"""
SELECT j.value, (SELECT min(f.at) FROM reports f WHERE f.incident_id = j.value
                 AND f.kind = 'final' AND {not_struck("report", "f.id")})
FROM json_each(?) j
"""
# The rest (reported late or at the due second, still running past due, missed): in full.
SQL_CLOCK_DETAILS = f"""
SELECT d.id, d.incident_id, d.kind, d.seq, d.due_at, d.status, d.done_at, r.late_seconds,
       r.by_whom, i.title, substr(i.description, 1, 30), i.grade,
       CASE WHEN d.status = 'dropped' THEN
         (SELECT min(f.at) FROM reports f WHERE f.incident_id = d.incident_id
            AND f.kind = 'final' AND {not_struck("report", "f.id")}) END AS final_at
FROM deadlines d
JOIN incidents i ON i.id = d.incident_id
LEFT JOIN reports r ON r.id = d.report_id
WHERE d.id IN (SELECT value FROM json_each(?)) AND {COUNTED}
"""
# Delay from occurrence to receipt in whole seconds; the limit of the incident's grade (NULL: none).
SQL_FROM_UNITS = f"""
SELECT u.id, u.name, i.id, i.title, substr(i.description, 1, 30), i.grade, i.occurred_at,
       i.received_at,
       CAST(round((julianday(i.received_at) - julianday(i.occurred_at)) * 86400) AS INTEGER),
       CASE i.grade WHEN 'I' THEN ? WHEN 'II' THEN ? WHEN 'III' THEN ? WHEN 'IV' THEN ? END
FROM incidents i
JOIN units u ON u.name = i.caller_unit
WHERE i.received_at >= ? AND i.received_at < ? AND i.caller_unit <> '' AND {COUNTED}
ORDER BY i.received_at, i.id
"""
SQL_HAPPENED = f"""
SELECT i.category, i.grade, count(*) AS n, sum(i.dead) AS dead, sum(i.injured) AS injured,
       sum(i.seriously_injured) AS seriously_injured, sum(i.missing) AS missing,
       sum(i.trapped) AS trapped, sum(i.direct_loss) AS direct_loss
FROM incidents i
WHERE i.received_at >= ? AND i.received_at < ? AND {COUNTED}
GROUP BY i.category, i.grade
"""
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
SQL_CHECKS = f"""
SELECT c.*, o.name FROM leader_checks c LEFT JOIN officers o ON o.id = c.leader_id
WHERE c.shift_id IN ({{marks}}) AND {not_struck("check", "c.id")}
ORDER BY c.at, c.id
"""


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

    def _people(self, shifts: list[Shift]) -> dict[int, list[RosterAssignment]]:
        ids = [s.id for s in shifts if s.id is not None]
        key = ("people", *ids)
        if self._memo is not None and key in self._memo:
            return self._memo[key]
        people = self.s.roster._assignments(ids)
        if self._memo is not None:
            self._memo[key] = people
        return people

    # -- our own timeliness -----------------------------------------------------------------------
    def own(self, period: Period, now: datetime) -> OwnTimeliness:
        args = [to_db(period.start), to_db(period.end)]
        counts = {k.value: dict.fromkeys(_TALLY, 0) for k in CLOCK_KINDS}
        lates: dict[str, list[int]] = defaultdict(list)
        items: list[LateItem] = []
        clocks = self.s.db.execute(SQL_CLOCKS, args).fetchall()
        skip = self._not_counted({c[1] for c in clocks})
        rest: list[tuple[int, int, str]] = []  # (id, incident, due) in (due_at, id) order
        for did, inc_id, kind, status, due_s, done_s in clocks:
            if inc_id in skip:
                continue
            if kind not in counts:
                counts[kind] = dict.fromkeys(_TALLY, 0)
            if status == "done" and done_s is not None and done_s < due_s:
                counts[kind]["on_time"] += 1  # the usual case, kept quick
            elif status == "running" and from_db_not_null(due_s) >= now:
                counts[kind]["pending"] += 1
            else:
                rest.append((did, inc_id, due_s if status == "dropped" else ""))
        # A dropped clock counts (missed) only if the final report came after it was due.
        dropped = {inc for _, inc, due_s in rest if due_s}
        finals = dict(self.s.db.execute(SQL_FINALS, [json.dumps(sorted(dropped))]).fetchall())
        rest = [c for c in rest if not c[2] or (finals.get(c[1]) or "") > c[2]]
        details = {
            r[0]: r
            for r in self.s.db.execute(SQL_CLOCK_DETAILS, [json.dumps([c[0] for c in rest])])
        }
        for did, _, _ in rest:
            row = details[did]
            _, inc_id, kind, seq, due_s, status, done_s, late, by_whom = row[:9]
            tally = counts[kind]
            if status == "done" and late is not None and late <= 0:
                tally["on_time"] += 1
                continue
            title, desc, grade, final_s = row[9:]
            due = from_db_not_null(due_s)
            reported_at = None
            if status == "done" and done_s:
                reported_at = from_db_not_null(done_s)
                if late is None:  # a report made before its lateness was stored
                    late = lateness(due, reported_at)
                outcome = ClockOutcome.late if late > 0 else ClockOutcome.on_time
            elif status == "running":
                if due >= now:
                    tally["pending"] += 1
                    continue
                outcome, late = ClockOutcome.missed, lateness(due, now)
            elif final_s and from_db_not_null(final_s) > due:
                outcome, late = ClockOutcome.missed, lateness(due, from_db_not_null(final_s))
            else:  # dropped before it fell due, or by a lower grade: no longer owed
                continue
            tally[outcome.value] += 1
            if outcome == ClockOutcome.on_time:
                continue
            if outcome == ClockOutcome.late:
                lates[kind].append(late)
            items.append(
                LateItem.model_construct(  # read from the desk: clean and valid already
                    outcome=outcome,
                    incident_id=inc_id,
                    headline=title or desc,
                    grade=Grade(grade),
                    kind=ReportKind(kind),
                    seq=seq,
                    deadline_id=did,
                    due_at=due,
                    reported_at=reported_at,
                    late_seconds=late,
                    reporter=(by_whom or "") if outcome == ClockOutcome.late else "",
                    on_duty=[],
                )
            )
        by_kind = [
            self._late_figures(KindTimeliness.model_validate({"kind": k, **c}), lates.get(k, []))
            for k, c in counts.items()
        ]
        total = self._late_figures(
            KindTimeliness.model_validate({f: sum(c[f] for c in counts.values()) for f in _TALLY}),
            [x for v in lates.values() for x in v],
        )
        self._on_duty(items, period)
        return OwnTimeliness(total=total, by_kind=by_kind, items=items)

    def _not_counted(self, ids: set[int]) -> set[int]:
        """Those of `ids` that count nowhere (voided, or merged into another incident)."""
        if not ids:
            return set()
        lo, hi = min(ids), max(ids)
        if hi - lo < 4 * len(ids):
            rows = self.s.db.execute(SQL_NOT_COUNTED_RANGE, [lo, hi])
        else:
            rows = self.s.db.execute(SQL_NOT_COUNTED_IDS, [json.dumps(sorted(ids))])
        return {r[0] for r in rows} & ids

    @staticmethod
    def _late_figures(tally: KindTimeliness, lates: list[int]) -> KindTimeliness:
        tally.late_median_seconds = _median(lates)
        tally.late_p90_seconds = _p90(lates)
        tally.late_worst_seconds = max(lates) if lates else None
        return tally

    def _on_duty(self, items: list[LateItem], period: Period) -> None:
        """Who was on duty when each late or missed clock fell due (leader first). The clocks
        are due in the period: its shifts hold theirs (the one running at an instant is the last
        to start before it, if it has not ended)."""
        if not items:
            return
        shifts = self._shifts(period.start, period.end)  # by start; they never overlap
        people = self._people(shifts)
        starts = [sh.starts_at for sh in shifts]
        whole: dict[int, list[str]] = {}  # shifts whose people all stand the whole shift
        for item in items:
            k = bisect_right(starts, item.due_at) - 1
            if k >= 0 and item.due_at < shifts[k].ends_at:
                sh = shifts[k]
                mine = people.get(sh.id or 0, [])
                if not any(a.starts_at or a.ends_at or a.covers_id for a in mine):
                    if k not in whole:
                        whole[k] = _present(mine, sh, item.due_at)
                    item.on_duty = list(whole[k])
                else:
                    item.on_duty = _present(mine, sh, item.due_at)

    # -- subordinates -----------------------------------------------------------------------------
    def subordinates(self, period: Period, rules: SubordinateRules) -> SubordinateTimeliness:
        limits = [rules.limits_seconds.get(g) for g in Grade]
        args = [*limits, to_db(period.start), to_db(period.end)]
        units: dict[int, dict[str, Any]] = {}
        delays: dict[int, list[int]] = defaultdict(list)
        items: list[UnitLateItem] = []
        for row in self.s.db.execute(SQL_FROM_UNITS, args):
            unit_id, name, inc_id, title, desc, grade, occurred_s, received_s, delay, limit = row
            u = units.setdefault(
                unit_id,
                {"unit_id": unit_id, "unit": name, "incidents": 0, "on_time": 0, "late": 0,
                 "missed": 0, "unknown": 0},
            )  # fmt: skip
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
            items.append(
                UnitLateItem(
                    outcome=outcome,
                    unit=name,
                    incident_id=inc_id,
                    headline=title or desc,
                    grade=grade,
                    occurred_at=from_db_not_null(occurred_s),
                    received_at=from_db_not_null(received_s),
                    delay_seconds=delay,
                    limit_seconds=limit,
                )
            )
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
        self, period: Period, spans: list[tuple[str, datetime, datetime]] | None = None
    ) -> tuple[Totals, dict[str, int], dict[str, int], list[dict[str, int]]]:
        """The period's totals, by category and by grade; with `spans`, also by grade in each
        span, in the same pass (`SQL_HAPPENED` grouped by span as well)."""
        sql, args = SQL_HAPPENED, [to_db(period.start), to_db(period.end)]
        if spans:
            cases = " ".join(
                f"WHEN i.received_at >= ? AND i.received_at < ? THEN {k}" for k in range(len(spans))
            )
            sql = sql.replace("SELECT ", f"SELECT CASE {cases} END AS m, ", 1)
            sql = sql.replace("GROUP BY ", "GROUP BY m, ", 1)
            args = [to_db(x) for _, a, b in spans for x in (a, b)] + args
        totals = Totals()
        by_cat: dict[str, int] = defaultdict(int)
        by_grade: dict[str, int] = defaultdict(int)
        per_span: list[dict[str, int]] = [defaultdict(int) for _ in spans or []]
        for r in self.s.db.query(sql, args):
            totals.incidents += r["n"]
            for f in ("dead", "injured", "seriously_injured", "missing", "trapped", "direct_loss"):
                setattr(totals, f, getattr(totals, f) + (r[f] or 0))
            by_cat[r["category"]] += r["n"]
            by_grade[r["grade"]] += r["n"]
            if spans and r["m"] is not None:
                per_span[r["m"]][r["grade"]] += r["n"]
        return totals, by_cat, by_grade, per_span

    def happened(self, period: Period) -> Happened:
        tz = self.s.tz
        spans = months(period, tz)
        totals, by_cat, by_grade, per_span = self._totals(period, spans if len(spans) > 1 else None)
        if len(spans) <= 1:
            per_span = [by_grade]
        by_month = []
        for (label, _a, _b), grades in zip(spans, per_span):
            by_month.append(
                MonthCount(
                    month=label,
                    incidents=sum(grades.values()),
                    by_grade={Grade(g): grades.get(g.value, 0) for g in Grade},
                )
            )
        return Happened(
            totals=totals,
            by_category=[
                Count(key=k, incidents=n)
                for k, n in sorted(by_cat.items(), key=lambda kv: (-kv[1], kv[0]))
            ],
            by_grade=[Count(key=g.value, incidents=by_grade.get(g.value, 0)) for g in Grade],
            by_month=by_month,
            year_on_year=self._compare(totals, shifted(period, tz, years=1)),
            previous=self._compare(totals, shifted(period, tz, back=1)),
        )

    def _compare(self, now: Totals, other: Period) -> Comparison:
        then, _, _, _ = self._totals(other)
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
        records: dict[int, list[CheckRecord]] = defaultdict(list)
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            sql = SQL_CHECKS.format(marks=",".join("?" * len(chunk)))
            for r in self.s.db.query(sql, chunk):
                records[r["shift_id"]].append(_check_record(r))
        grace = timedelta(minutes=cfg.escalate_after_minutes)
        due = on_time = late = missed = pending = absences = 0
        for sh in shifts:
            assert sh.id is not None
            # As `rules.roster.check_states` joins them (by due time, the latest record wins;
            # records for a time not in the schedule are checks of their own), without building
            # each check's state: only its due time and records count here.
            by_due: dict[datetime, list[CheckRecord]] = defaultdict(list)
            for rec in sorted(records.get(sh.id, []), key=lambda r: (r.at, r.id)):
                by_due[rec.due_at].append(rec)
            dues = {c.due_at for c in rr.check_schedule(sh.id, sh.starts_at, sh.ends_at, cfg, tz)}
            dues.update(by_due)
            for at in dues:
                if not period.start <= at < period.end:
                    continue
                due += 1
                history = by_due.get(at)
                if history:
                    if history[0].at <= at + grace:  # the first record, by (at, id)
                        on_time += 1
                    else:
                        late += 1
                    if history[-1].result != CheckOutcome.present:
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


def _check_record(r: Any) -> CheckRecord:
    return CheckRecord(
        id=r["id"],
        shift_id=r["shift_id"],
        due_at=from_db_not_null(r["due_at"]),
        kind=CheckKind(r["kind"]),
        method=r["method"],
        result=r["result"],
        at=from_db_not_null(r["at"]),
        note=r["note"],
        leader_name=r["name"] or "",
        recorded_by=r["recorded_by"],
    )


def _present(people: list[RosterAssignment], sh: Shift, at: datetime) -> list[str]:
    """The names on duty at `at` (not standby; a part covered by a substitute goes to them)."""
    out: list[str] = []

    def covers(a: RosterAssignment) -> bool:
        return (a.starts_at or sh.starts_at) <= at < (a.ends_at or sh.ends_at)

    for a in people:
        if a.role.value == "standby" or not covers(a):
            continue
        if any(c.covers_id == a.id and covers(c) for c in people):
            continue
        if a.officer_name not in out:
            out.append(a.officer_name)
    return out
