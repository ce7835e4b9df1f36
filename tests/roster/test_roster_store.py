"""The roster through the store: changes with reason and approver (audited), rotations that keep
manual changes, floors in sensitive periods, intentional gaps, sign-in and the leader check
driven by an injected clock."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from tests.helpers import TZ
from tests.roster.fixtures import fortnight, people, spec
from watchdesk.errors import InputError
from watchdesk.models.roster import ChangeKind, CheckStatus, Problem, Role, RosterConfig, Source


def at(y, m, d, hh=0, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=TZ)


def count(store, table):
    return store.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def cell(store, day: int, role: Role):
    """The assignments of the 08:30 shift of 2026-11-<day> in `role`."""
    page = store.roster.page(at(2026, 11, day), at(2026, 11, day, 23))
    rs = next(r for r in page.shifts if r.shift.starts_at == at(2026, 11, day, 8, 30))
    return rs, [a for a in rs.assignments if a.role == role]


def test_generated_fortnight_has_no_problems_and_passes_the_audit(store):
    fortnight(store)
    page = store.roster.page(at(2026, 11, 16, 8, 30), at(2026, 11, 30, 8, 30))
    assert len(page.shifts) == 14
    assert page.problems == []
    assert all(a.source == Source.rotation for r in page.shifts for a in r.assignments)
    assert store.check().ok


def test_swap_is_audited_and_shown_with_reason_and_approver(store):
    fortnight(store)
    _, (a,) = cell(store, 23, Role.officer)
    _, (b,) = cell(store, 24, Role.officer)
    before = count(store, "audit")
    store.roster.swap(a.id, b.id, reason="家中有事", approver="王建国")
    rs, (a2,) = cell(store, 23, Role.officer)
    _, (b2,) = cell(store, 24, Role.officer)
    assert (a2.officer_name, b2.officer_name) == (b.officer_name, a.officer_name)
    assert a2.source == Source.swap
    change = rs.last_change
    assert change.kind == ChangeKind.swap and change.reason == "家中有事"
    assert change.approver == "王建国" and change.actor == "测试员"
    assert {change.officer_name, change.other_officer_name} == {a.officer_name, b.officer_name}
    entries = list(store.db.query("SELECT table_name, action FROM audit WHERE id > ?", [before]))
    tables = [e["table_name"] for e in entries]
    assert tables.count("assignments") == 2 and "roster_changes" in tables
    assert store.check().ok
    assert [c.kind for c in store.roster.changes(rs.shift.id)][0] == ChangeKind.swap


@pytest.mark.parametrize(
    "kw, field",
    [
        ({"reason": "", "approver": "王建国"}, "reason"),
        ({"reason": "病假", "approver": "  "}, "approver"),
    ],
)
def test_a_change_without_reason_or_approver_writes_nothing(store, kw, field):
    fortnight(store)
    _, (a,) = cell(store, 23, Role.officer)
    _, (b,) = cell(store, 24, Role.officer)
    before = count(store, "audit")
    with pytest.raises(InputError) as e:
        store.roster.swap(a.id, b.id, **kw)
    assert e.value.field == field
    with pytest.raises(InputError):
        store.roster.remove(a.id, **kw)
    assert count(store, "audit") == before


def test_substitute_for_part_of_a_shift_keeps_the_original(store):
    ids = fortnight(store)
    rs, (a,) = cell(store, 23, Role.officer)
    sub = store.roster.substitute(
        a.id,
        ids["何俊杰"],
        reason="上午就医",
        approver="李红梅",
        starts_at=at(2026, 11, 23, 9),
        ends_at=at(2026, 11, 23, 13),
    )
    assert sub.covers_id == a.id and sub.source == Source.substitute
    rs, people_ = cell(store, 23, Role.officer)
    assert [p.officer_name for p in people_] == [a.officer_name, "何俊杰"]
    assert "代" in sub.note and "09:00–13:00" in sub.note
    assert not any(v.problem == Problem.duplicate for v in rs.problems)
    hours = {
        h.name: h for h in store.roster.hours(at(2026, 11, 23, 8, 30), at(2026, 11, 24, 8, 30))
    }
    assert hours["何俊杰"].hours == 4 and hours[a.officer_name].hours == 20
    with pytest.raises(InputError):
        store.roster.substitute(
            a.id,
            ids["冯雪"],
            reason="x",
            approver="y",
            starts_at=at(2026, 11, 24, 9),
            ends_at=at(2026, 11, 24, 13),
        )
    assert store.check().ok


def test_substitute_whole_shift_and_remove(store):
    ids = fortnight(store)
    rs, (a,) = cell(store, 25, Role.leader)
    store.roster.substitute(
        a.id,
        ids["张志强"] if a.officer_name != "张志强" else ids["王建国"],
        reason="出差",
        approver="局长",
    )
    _, (a2,) = cell(store, 25, Role.leader)
    assert a2.id == a.id and a2.source == Source.substitute and a2.officer_name != a.officer_name
    store.roster.remove(a2.id, reason="带班调整", approver="局长")
    rs, leaders = cell(store, 25, Role.leader)
    assert leaders == []
    assert [v.problem for v in rs.problems] == [Problem.no_leader]
    view = store.roster.view(rs.shift.id)
    assert view.names(Role.leader) == []
    assert store.check().ok


def test_cannot_put_someone_twice_on_a_shift(store):
    fortnight(store)
    rs, (a,) = cell(store, 23, Role.officer)
    with pytest.raises(InputError, match="already on this shift"):
        store.roster.assign(rs.shift.id, a.officer_id, Role.standby)


def test_regenerating_never_overwrites_a_manual_change(store):
    ids = fortnight(store)
    rs, (a,) = cell(store, 23, Role.officer)
    store.roster.replace(a.id, ids["马晓东"], reason="调班", approver="王建国")
    new_spec = spec(
        ids,
        date(2026, 11, 16),
        date(2026, 11, 29),
        lists={Role.leader: [ids["王建国"]], Role.officer: [ids["冯雪"]]},
    )
    res = store.roster.generate(new_spec)
    assert any("马晓东" in k for k in res.kept_manual)
    _, (kept,) = cell(store, 23, Role.officer)
    assert kept.officer_name == "马晓东"
    _, (other,) = cell(store, 24, Role.officer)
    assert other.officer_name == "冯雪"
    _, (lead,) = cell(store, 24, Role.leader)
    assert lead.officer_name == "王建国"
    assert store.check().ok


def test_dry_run_writes_nothing(store):
    ids = people(store)
    before = count(store, "audit")
    res = store.roster.generate(spec(ids, date(2026, 12, 1), date(2026, 12, 31)), dry_run=True)
    assert res.shifts_created == 31 and res.dry_run
    assert count(store, "audit") == before and count(store, "shifts") == 0


def test_generation_reports_overlapping_shifts(store):
    ids = people(store)
    store.roster.add_shift(at(2026, 12, 2, 12), at(2026, 12, 2, 18))
    res = store.roster.generate(spec(ids, date(2026, 12, 1), date(2026, 12, 3)))
    assert res.conflicts == ["12-02 08:30: overlaps shift #1"] and res.shifts_created == 2


def test_sensitive_period_raises_the_floor_and_a_gap_can_be_marked_intentional(store, clock):
    fortnight(store)
    store.roster.add_sensitive_period("两会", date(2026, 11, 23), date(2026, 11, 24))
    rs, _ = cell(store, 23, Role.officer)
    assert rs.sensitive and rs.floor[Role.officer] == 2
    gap = next(v for v in rs.problems if v.problem == Problem.below_floor)
    assert gap.role == Role.officer and (gap.have, gap.need) == (1, 2)
    upcoming = store.roster.upcoming_problems(clock(), hours=48)
    assert gap.key in {v.key for v in upcoming}
    store.roster.acknowledge(gap.key, "另有值班员在指挥中心备勤")
    rs, _ = cell(store, 23, Role.officer)
    acked = next(v for v in rs.problems if v.key == gap.key)
    assert acked.acknowledged and acked.ack_reason.startswith("另有") and acked.ack_by == "测试员"
    assert gap.key not in {v.key for v in store.roster.upcoming_problems(clock(), hours=48)}
    assert rs.last_change.kind == ChangeKind.acknowledge
    store.roster.unacknowledge(gap.key)
    assert gap.key in {v.key for v in store.roster.upcoming_problems(clock(), hours=48)}
    assert store.check().ok


def test_leave_shows_as_a_violation(store):
    fortnight(store)
    rs, (lead,) = cell(store, 24, Role.leader)
    store.roster.add_leave(lead.officer_id, at(2026, 11, 24), at(2026, 11, 26), "年休假")
    rs, _ = cell(store, 24, Role.leader)
    v = next(v for v in rs.problems if v.problem == Problem.on_leave)
    assert v.officer_name == lead.officer_name and v.role == Role.leader


def test_consecutive_shifts_are_flagged(store):
    ids = fortnight(store)
    for day in (23, 24, 25):
        _, (a,) = cell(store, day, Role.officer)
        if a.officer_name != "冯雪":
            store.roster.replace(a.id, ids["冯雪"], reason="连班", approver="王建国")
    rs, _ = cell(store, 25, Role.officer)
    v = next(v for v in rs.problems if v.problem == Problem.consecutive)
    assert v.officer_name == "冯雪" and v.have == 3


def test_sign_in_and_out(store, clock):
    ids = fortnight(store)
    rs, (off,) = cell(store, 22, Role.officer)
    assert not store.roster.signin_status(rs.shift.id).taken_over
    with pytest.raises(InputError, match="not on this shift"):
        store.roster.sign_in(rs.shift.id, ids["马晓东"])
    with pytest.raises(InputError, match="has not signed in"):
        store.roster.sign_out(rs.shift.id, off.officer_id)
    store.roster.sign_in(rs.shift.id, off.officer_id, at=at(2026, 11, 22, 8, 25))
    with pytest.raises(InputError, match="already signed in"):
        store.roster.sign_in(rs.shift.id, off.officer_id)
    st = store.roster.signin_status(rs.shift.id)
    assert st.taken_over and not st.handed_over and off.officer_name not in st.missing
    nxt, _ = cell(store, 23, Role.officer)
    with pytest.raises(InputError, match="opens 60 minutes"):
        store.roster.sign_in(nxt.shift.id, cell(store, 23, Role.officer)[1][0].officer_id)
    store.roster.sign_out(rs.shift.id, off.officer_id)
    assert store.roster.signin_status(rs.shift.id).handed_over
    assert store.roster.duty_status(clock()).signin.taken_over
    assert store.check().ok


def test_leader_check_escalates_on_the_injected_clock(store, clock):
    fortnight(store)
    cfg = RosterConfig()
    cfg.checks.fixed = ["22:00"]
    cfg.checks.random_windows = []
    cfg.checks.escalate_after_minutes = 15
    store.roster.set_config(cfg)
    clock.set(at(2026, 11, 22, 8, 30))
    checks = store.roster.pending_checks()
    assert [c.status for c in checks] == [CheckStatus.due, CheckStatus.upcoming]
    clock.set(
        at(
            2026,
            11,
            22,
            8,
            44,
        )
        + timedelta(seconds=59)
    )
    assert not store.roster.escalation().active
    clock.advance(seconds=1)
    esc = store.roster.escalation()
    assert esc.active and esc.since == at(2026, 11, 22, 8, 45)
    state = store.roster.record_check(
        checks[0].shift_id, method="video", result="present", note="视频连线确认在指挥中心"
    )
    assert state.status == CheckStatus.confirmed and state.record.leader_name
    assert not store.roster.escalation().active
    # The 22:00 check: cached states turn red at 22:15 without touching the database.
    from watchdesk.rules.roster import escalation

    cached = store.roster.pending_checks()
    assert not escalation(cached, at(2026, 11, 22, 22, 14)).active
    assert escalation(cached, at(2026, 11, 22, 22, 15)).active
    clock.set(at(2026, 11, 22, 22, 20))
    store.roster.record_check(checks[0].shift_id, method="phone", result="unreachable")
    assert store.roster.escalation().active  # not a confirmation
    store.roster.record_check(
        checks[0].shift_id, method="phone", result="present", due_at=at(2026, 11, 22, 22)
    )
    assert not store.roster.escalation().active
    handover = store.roster.checks(checks[0].shift_id)
    assert [c.status for c in handover] == [CheckStatus.confirmed, CheckStatus.confirmed]
    assert len(handover[1].history) == 2
    assert store.check().ok


def test_leader_check_in_person_during_sensitive_periods(store, clock):
    fortnight(store)
    store.roster.add_sensitive_period("汛期", date(2026, 11, 22), date(2026, 11, 22))
    clock.set(at(2026, 11, 22, 8, 35))
    sid = store.roster.on_duty().shift.id
    st = store.roster.record_check(sid, method="phone", result="present")
    assert st.in_person_required and st.status == CheckStatus.failed
    st = store.roster.record_check(sid, method="in_person", result="present")
    assert st.status == CheckStatus.confirmed


def test_bad_check_input(store, clock):
    fortnight(store)
    sid = store.roster.on_duty().shift.id
    with pytest.raises(InputError) as e:
        store.roster.record_check(sid, method="carrier pigeon", result="present")
    assert e.value.field == "method"
    with pytest.raises(InputError) as e:
        store.roster.record_check(
            sid, method="phone", result="present", at=clock() + timedelta(hours=1)
        )
    assert e.value.field == "at"
    assert count(store, "leader_checks") == 0


def test_config_round_trip(store):
    cfg = store.roster.config()
    assert cfg.pattern == "24h" and cfg.floor(True)[Role.officer] == 2
    cfg.pattern = "day-night"
    store.roster.set_config(cfg)
    assert store.roster.config().pattern == "day-night"
    assert store.check().ok


def test_tampering_with_a_roster_table_is_detected(store):
    fortnight(store)
    store.db.execute("UPDATE roster_assignment_ext SET source = 'manual' WHERE id = 1")
    store.db.conn.commit()
    res = store.check()
    assert not res.ok and any("roster_assignment_ext #1" in p for p in res.problems)
