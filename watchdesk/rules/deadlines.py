"""Report deadlines (报告时限): which clocks an incident starts and when each is due.

Pure functions over a RulePack: nothing here reads the clock. Instants must be timezone-aware;
every `due_at` returned is in UTC. When several rules of one kind apply (a grade rule and the
sensitive rule, say) the earliest due time wins (strictest, reporting-rules.md §8.1).

A stricter situation (a raised grade, an incident marked sensitive) re-times the clocks still
running: each takes the earlier of its current due time and the new rule's (`tighten`). A changed
occurrence or receipt time re-counts the running clocks counted from it (`retime_for_anchors`).
A clock already reported is never touched.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo

from watchdesk.models.incident import Deadline, DeadlineStatus, Grade, ReportKind
from watchdesk.rules.rulepack import PackRule, RulePack, load_pack, shipped_packs

__all__ = [
    "ClockSpec",
    "Tightening",
    "clocks_added_by_regrade",
    "initial_clocks",
    "lateness",
    "load_pack",
    "next_followup",
    "retime_for_anchors",
    "shipped_packs",
    "tighten",
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


def _anchors(occurred_at: datetime | None, received_at: datetime) -> dict[str, datetime]:
    received = _aware("received_at", received_at)
    occurred = _aware("occurred_at", occurred_at) if occurred_at is not None else received
    return {"occurred": occurred, "received": received}


def initial_clocks(
    pack: RulePack,
    *,
    grade: Grade,
    sensitive: bool,
    occurred_at: datetime | None,
    received_at: datetime,
    tz: tzinfo,
    followup_seq: int = 1,
    followup_after: datetime | None = None,
) -> list[ClockSpec]:
    """Phone and written clocks plus follow-up #1, as far as the pack's rules apply.

    Anchor 'occurred' uses occurred_at, falling back to received_at when it is unknown. With
    `followup_after` (when the last follow-up was made) the follow-up is number `followup_seq`,
    counted from then instead of from the anchor."""
    grade = Grade(grade)
    anchors = _anchors(occurred_at, received_at)
    after = _aware("followup_after", followup_after) if followup_after is not None else None
    out: list[ClockSpec] = []
    for kind in (ReportKind.phone, ReportKind.written, ReportKind.followup):
        specs = []
        for rule in pack.rules_for(kind, grade, sensitive):
            ref = anchors[rule.anchor]
            if kind is ReportKind.followup:
                ref = after if after is not None else ref
                specs.append(_spec(pack, rule, followup_seq, _followup_due(rule, ref, tz)))
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
    original anchors (so they may already be overdue). Empty when the grade is not raised.
    (Only the clocks added: `tighten` also re-times the running ones.)"""
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


@dataclass(frozen=True)
class Tightening:
    """What a stricter situation does to an incident's clocks: clocks to start, and running clocks
    to move earlier (each with the spec it now follows)."""

    added: list[ClockSpec] = field(default_factory=list)
    retimed: list[tuple[Deadline, ClockSpec]] = field(default_factory=list)


def _followup_state(
    clocks: Sequence[Deadline], reports: Sequence[tuple[ReportKind, int, datetime]]
) -> tuple[int, datetime | None]:
    """The number of the follow-up now owed and the time it is counted from (the last follow-up
    made; None: from the anchor)."""
    done = [(seq, at) for kind, seq, at in reports if kind == ReportKind.followup]
    if done:
        seq, at = max(done)
        return seq + 1, at
    running = [c for c in clocks if c.kind == ReportKind.followup]
    return (max((c.seq for c in running), default=0) or 1), None


def tighten(
    pack: RulePack,
    *,
    grade: Grade,
    sensitive: bool,
    occurred_at: datetime | None,
    received_at: datetime,
    tz: tzinfo,
    clocks: Sequence[Deadline],
    reports: Sequence[tuple[ReportKind, int, datetime]] = (),
) -> Tightening:
    """The clocks an incident needs now that its grade is `grade` (raised) or it is `sensitive`.

    - A kind the rules require with no clock running and no report made starts a clock, due from
      the original anchors (so it may already be overdue).
    - A running clock of a required kind takes the earlier of its current due time and the new
      rule's (never later: a clock is only ever tightened here).
    - Clocks done or dropped are left as they are. A follow-up is counted from the last follow-up
      made (`reports`: (kind, seq, at) of the reports made), else from its anchor.
    """
    seq, after = _followup_state(clocks, reports)
    required = initial_clocks(
        pack,
        grade=grade,
        sensitive=sensitive,
        occurred_at=occurred_at,
        received_at=received_at,
        tz=tz,
        followup_seq=seq,
        followup_after=after,
    )
    reported = {kind for kind, _, _ in reports} | {
        c.kind for c in clocks if c.status == DeadlineStatus.done
    }
    out = Tightening()
    for spec in required:
        running = [c for c in clocks if c.kind == spec.kind and c.status == DeadlineStatus.running]
        if running:
            for c in running:
                if spec.due_at < c.due_at:
                    out.retimed.append((c, ClockSpec(c.kind, c.seq, *_rest(spec))))
        elif spec.kind == ReportKind.followup or spec.kind not in reported:
            out.added.append(spec)
    return out


def _rest(spec: ClockSpec) -> tuple[datetime, str, str, str]:
    return spec.due_at, spec.rule_id, spec.pack_id, spec.source


def retime_for_anchors(
    pack: RulePack,
    *,
    clocks: Sequence[Deadline],
    occurred_at: datetime | None,
    received_at: datetime,
    tz: tzinfo,
    followups_made: int = 0,
) -> list[tuple[Deadline, ClockSpec]]:
    """Running clocks whose due time changes when the occurrence or receipt time is corrected:
    each is counted again from the new time by the rule that set it (a clock of another pack,
    or whose rule the pack no longer has, is left alone). Follow-up #1 is counted from its
    anchor only while no follow-up has been made (`followups_made`); later ones count from the
    previous follow-up and do not move."""
    anchors = _anchors(occurred_at, received_at)
    out: list[tuple[Deadline, ClockSpec]] = []
    for c in clocks:
        if c.status != DeadlineStatus.running or c.pack_id != pack.id:
            continue
        rule = pack.rule(c.rule_id)
        if rule is None or rule.report_kind != c.kind:
            continue
        ref = anchors[rule.anchor]
        if c.kind == ReportKind.followup:
            if followups_made or c.seq != 1:
                continue
            due = _followup_due(rule, ref, tz)
        elif c.kind in (ReportKind.phone, ReportKind.written) and rule.within is not None:
            due = ref + rule.within
        else:
            continue
        if due != c.due_at:
            out.append((c, ClockSpec(c.kind, c.seq, due, rule.id, pack.id, rule.source)))
    return out


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
