"""Report deadlines (报告时限): which clocks an incident starts and when each is due.

Pure functions over a RulePack: nothing here reads the clock. Instants must be timezone-aware;
every `due_at` returned is in UTC. When several rules of one kind apply (a grade rule and the
sensitive rule, say) the earliest due time wins (strictest, reporting-rules.md §8.1).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo

from watchdesk.models.incident import Grade, ReportKind
from watchdesk.rules.rulepack import PackRule, RulePack, load_pack, shipped_packs

__all__ = [
    "ClockSpec",
    "clocks_added_by_regrade",
    "initial_clocks",
    "lateness",
    "load_pack",
    "next_followup",
    "shipped_packs",
    "verification_due",
]

UTC = UTC


@dataclass(frozen=True)
class ClockSpec:
    kind: ReportKind
    seq: int  # 0 for phone/written; follow-up number (续报一 = 1) for followups
    due_at: datetime  # UTC
    rule_id: str
    pack_id: str
    source: str


def _aware(name: str, dt: datetime) -> datetime:
    if not isinstance(dt, datetime):
        raise TypeError(f"{name} must be a datetime, not {type(dt).__name__}")
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware (got naive {dt.isoformat()})")
    return dt.astimezone(UTC)


def _next_local_time(rule: PackRule, ref: datetime, tz: tzinfo) -> datetime:
    """The first of rule.at (local times in `tz`) strictly after `ref`."""
    local = ref.astimezone(tz)
    for days in range(3):
        day = local.date() + timedelta(days=days)
        for t in rule.at:
            cand = datetime.combine(day, t, tzinfo=tz).astimezone(UTC)
            if cand > ref:
                return cand
    raise AssertionError("unreachable: a non-empty list of times recurs daily")


def _followup_due(rule: PackRule, ref: datetime, tz: tzinfo) -> datetime:
    if rule.every is not None:
        return ref + rule.every
    return _next_local_time(rule, ref, tz)


def _earliest(specs: list[ClockSpec]) -> ClockSpec | None:
    return min(specs, key=lambda c: c.due_at) if specs else None  # ties: first in pack order


def _spec(pack: RulePack, rule: PackRule, seq: int, due: datetime) -> ClockSpec:
    return ClockSpec(rule.report_kind, seq, due, rule.id, pack.id, rule.source)


def initial_clocks(
    pack: RulePack,
    *,
    grade: Grade,
    sensitive: bool,
    occurred_at: datetime | None,
    received_at: datetime,
    tz: tzinfo,
) -> list[ClockSpec]:
    """Phone and written clocks plus follow-up #1, as far as the pack's rules apply.

    Anchor 'occurred' uses occurred_at, falling back to received_at when it is unknown."""
    grade = Grade(grade)
    received = _aware("received_at", received_at)
    occurred = _aware("occurred_at", occurred_at) if occurred_at is not None else received
    anchors = {"occurred": occurred, "received": received}
    out: list[ClockSpec] = []
    for kind in (ReportKind.phone, ReportKind.written, ReportKind.followup):
        specs = []
        for rule in pack.rules_for(kind, grade, sensitive):
            ref = anchors[rule.anchor]
            if kind is ReportKind.followup:
                specs.append(_spec(pack, rule, 1, _followup_due(rule, ref, tz)))
            else:
                assert rule.within is not None
                specs.append(_spec(pack, rule, 0, ref + rule.within))
        best = _earliest(specs)
        if best:
            out.append(best)
    return out


def next_followup(
    pack: RulePack,
    *,
    grade: Grade,
    sensitive: bool,
    after: datetime,
    seq: int,
    tz: tzinfo,
) -> ClockSpec | None:
    """Follow-up number `seq`, counted from `after` (when the previous follow-up or the written
    report was made). None when no follow-up rule applies."""
    if seq < 1:
        raise ValueError(f"seq must be >= 1 (got {seq})")
    ref = _aware("after", after)
    specs = [
        _spec(pack, r, seq, _followup_due(r, ref, tz))
        for r in pack.rules_for(ReportKind.followup, Grade(grade), sensitive)
    ]
    return _earliest(specs)


def clocks_added_by_regrade(
    pack: RulePack,
    *,
    old_grade: Grade,
    new_grade: Grade,
    sensitive: bool,
    occurred_at: datetime | None,
    received_at: datetime,
    tz: tzinfo,
    existing_kinds: set[ReportKind],
) -> list[ClockSpec]:
    """Clocks a raised grade requires whose kind is not in `existing_kinds`, due from the
    original anchors (so they may already be overdue). Empty when the grade is not raised."""
    if Grade(new_grade).rank >= Grade(old_grade).rank:
        return []
    clocks = initial_clocks(
        pack,
        grade=new_grade,
        sensitive=sensitive,
        occurred_at=occurred_at,
        received_at=received_at,
        tz=tz,
    )
    have = {ReportKind(k) for k in existing_kinds}
    return [c for c in clocks if c.kind not in have]


def verification_due(pack: RulePack, requested_at: datetime, due_at: datetime | None) -> datetime:
    """When a 核报 (verification) answer is due: the caller's time if given, else the pack's
    default after the request (no national deadline was found, reporting-rules.md §9)."""
    requested = _aware("requested_at", requested_at)
    if due_at is not None:
        return _aware("due_at", due_at)
    return requested + pack.verification_default


def lateness(due_at: datetime, done_at: datetime) -> int:
    """Whole seconds late (negative = early; 0 = exactly on time, which counts as on time).
    A fraction of a second late rounds up to 1, so 'late' is never hidden by rounding."""
    delta = _aware("done_at", done_at) - _aware("due_at", due_at)
    return -(-delta // timedelta(seconds=1))  # integer ceiling
