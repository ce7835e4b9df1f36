"""Who was on duty, read the light way (`StatsRepo._people`, `_on_duty`): the same people, in the
same order, as the roster's own read, also with a substitute for part of a shift."""

from __future__ import annotations

from tests.helpers import TZ
from tests.stats.conftest import local
from watchdesk.models.incident import Grade, ReportKind
from watchdesk.models.officer import Officer
from watchdesk.models.stats import ClockOutcome, LateItem
from watchdesk.store.db import to_db
from watchdesk.store.stats import _read
from watchdesk.text.period import custom_period


def _shift_of(store, at):
    return store.db.execute("SELECT id FROM shifts WHERE starts_at = ?", [at]).fetchone()[0]


def test_partial_substitute(desk):
    s = desk.store
    shift_id = _shift_of(s, to_db(local(11, 12, 8)))
    zhao = next(a for a in s.roster._assignments([shift_id])[shift_id] if a.officer_name == "赵磊")
    li = s.roster.add_officer(Officer(name="钱多多"))
    s.roster.substitute(
        zhao.id,
        li.id,
        reason="病假",
        approver="欧阳明",
        starts_at=local(11, 12, 14),
        ends_at=local(11, 12, 18),
    )
    period = custom_period(local(11, 1, 0), local(12, 1, 0), TZ)
    st = s.stats
    shifts = st._shifts(period.start, period.end)
    light = st._people(shifts)
    full = s.roster._assignments([sh.id for sh in shifts])
    for sid, people in full.items():
        got = [(a.id, a.officer_id, a.officer_name, a.role, a.starts_at, a.ends_at, a.covers_id)
               for a in people]  # fmt: skip
        assert [tuple(d) for d in light[sid]] == got
    at = [local(11, 12, h) for h in (9, 14, 17, 18, 20)] + [local(11, 20, 9)]
    assert st._on_duty(at, period) == [
        ["王建国", "赵磊"],
        ["王建国", "钱多多"],
        ["王建国", "钱多多"],
        ["王建国", "赵磊"],
        ["王建国", "赵磊"],
        [],  # no shift then
    ]


def test_read_is_model_construct():
    values = dict(
        outcome=ClockOutcome.late,
        incident_id=1,
        headline="标题",
        grade=Grade.IV,
        kind=ReportKind.written,
        seq=0,
        deadline_id=2,
        due_at=local(11, 1, 8),
        reported_at=local(11, 1, 9),
        late_seconds=3600,
        reporter="孙丽娜",
        on_duty=["赵磊"],
    )
    assert set(values) == set(LateItem.model_fields)  # every field given
    fast, slow = _read(LateItem, **values), LateItem.model_construct(**values)
    assert fast == slow and fast.model_dump() == slow.model_dump()
    assert fast.model_fields_set == slow.model_fields_set
