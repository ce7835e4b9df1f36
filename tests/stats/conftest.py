"""A desk with known counts for November 2026 (desk-local, Asia/Shanghai), every figure worked
out by hand in `tests/stats/test_stats.py`. The national rule pack:

- 一般 (IV) and 较大 (III): written within 2 h of receipt; follow-up every 24 h from receipt.
- 重大 (II): phone within 30 min and written within 1 h of occurrence; follow-up every 12 h.

Incidents (received, local time):

- J  10-31 23:59  IV  October's; its written report is due 11-01 01:59 (November), made 00:30.
- A  11-05 10:00  IV  from 城关镇值班室, occurred 09:30. Written at 12:00:00, exactly due: on
  time. Follow-up #1 due 11-06 10:00, made 10:30: late 30 min. Final 11:00 (ends #2 before due).
  Dead 1, injured 2.
- B  11-10 08:00  II  from 白沙乡值班室, occurred 07:00 (1 h: late for II's 30 min). Phone due
  07:30, made 08:10 by 孙丽娜: late 40 min. Written due 08:00, never made: missed. Follow-up #1
  due 20:00, made 20:00: on time; #2 due 11-11 08:00, never made: missed. Dead 3, missing 1,
  loss 500,000.
- V  11-12 10:00  IV  from 城关镇值班室, a late written report, then voided: counts nowhere.
- M  11-12 10:05  IV  from 城关镇值班室 a day late, a late written report, then marked a
  duplicate of A: counts nowhere.
- H  11-15 09:00  III from 白沙乡值班室, occurred 11-14 08:00 (25 h: missed). Written 10:00, on
  time; final 10:30.
- I  11-18 10:00  IV  from 城关镇值班室, occurrence unknown (not judged). Written 11:00; final.
- F  11-20 10:00  IV  written made 11:00, struck through (the clock runs again), made again
  13:00: late 1 h. Final 13:30.
- G  11-25 10:00  natural, IV. No written report; the final report at 13:00 ended its clock an
  hour after it was due: missed.
- E  11-30 20:00  IV  written due 22:00 (November), made 12-01 09:00: late 11 h, in November.
  Final 09:05.
- C  12-01 00:30  IV  (16:30 UTC on 11-30): December's. Written due 02:30, made 02:30:00.

Roll-calls: 11-03 (城关镇 on post, 白沙乡 no answer), 11-20 (城关镇 on post, 白沙乡 leader
absent), 12-02 (both on post: December's).

Shifts (one leader-on-duty check at each start, 15 min grace): 10-31 20:00–11-01 08:00 (赵磊),
11-10 08:00 (王建国, 赵磊: checked 08:05, present), 11-11 08:00 (李红梅, 赵磊: checked 08:40,
absent), 11-12 08:00 (王建国, 赵磊: never checked), each 24 h. 10-01 08:30 (赵磊, 24 h: National
Day).

"Now" is 2026-12-10 12:00.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest

from tests.helpers import TZ, FakeClock
from watchdesk.models.directory import Unit
from watchdesk.models.incident import Grade, IncidentFacts, ReportKind
from watchdesk.models.officer import Officer
from watchdesk.models.roster import CheckConfig, Role, RosterConfig
from watchdesk.store.desk import Store

NOW = datetime(2026, 12, 10, 12, 0, tzinfo=TZ)


def local(month: int, day: int, hour: int, minute: int = 0, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=TZ)


@dataclass
class Desk:
    path: object
    store: Store
    clock: FakeClock
    ids: dict[str, int]


def _facts(received: datetime, **kw) -> IncidentFacts:
    base = dict(
        received_at=received,
        place="城关镇东街",
        category="accident",
        subtype="fire",
        description="居民楼起火",
        grade=Grade.IV,
    )
    base.update(kw)
    return IncidentFacts(**base)


def build(store: Store, clock: FakeClock) -> dict[str, int]:
    s = store
    ids: dict[str, int] = {}
    town = s.directory.add_unit(Unit(name="城关镇值班室", kind="duty_room"))
    village = s.directory.add_unit(Unit(name="白沙乡值班室", kind="duty_room"))
    ids["town"], ids["village"] = town.id, village.id

    # -- roll-calls (a round starts now) -----------------------------------------------------
    for when, outcomes in (
        (local(11, 3, 9), ("on_post", "no_answer")),
        (local(11, 20, 9), ("on_post", "leader_absent")),
        (local(12, 2, 9), ("on_post", "on_post")),
    ):
        clock.set(when)
        rnd = s.rollcall.start("custom", unit_ids=[town.id, village.id])
        for seq, outcome in enumerate(outcomes, start=1):
            who = "" if outcome == "no_answer" else "值班员"
            s.rollcall.record(rnd.round.id, seq, outcome, answered_by=who)

    # -- shifts and leader checks ------------------------------------------------------------
    clock.set(local(11, 1, 0))
    s.roster.set_config(
        RosterConfig(checks=CheckConfig(at_start=True, fixed=[], random_windows=[]))
    )
    wang = s.roster.add_officer(Officer(name="王建国"))
    zhao = s.roster.add_officer(Officer(name="赵磊"))
    li = s.roster.add_officer(Officer(name="李红梅"))
    s.roster.add_shift(local(10, 1, 8, 30), local(10, 2, 8, 30), people=[(zhao.id, Role.officer)])
    s.roster.add_shift(local(10, 31, 20), local(11, 1, 8), people=[(zhao.id, Role.officer)])
    shifts = []
    for day, lead in ((10, wang), (11, li), (12, wang)):
        v = s.roster.add_shift(
            local(11, day, 8),
            local(11, day + 1, 8),
            people=[(lead.id, Role.leader), (zhao.id, Role.officer)],
        )
        shifts.append(v.shift.id)
    clock.set(NOW)
    s.roster.record_check(shifts[0], method="phone", result="present", at=local(11, 10, 8, 5))
    s.roster.record_check(shifts[1], method="phone", result="absent", at=local(11, 11, 8, 40))

    # -- incidents ---------------------------------------------------------------------------
    inc = s.incidents

    def add(name: str, received: datetime, **kw) -> int:
        ids[name] = inc.add(_facts(received, **kw)).id
        return ids[name]

    def report(name: str, kind: ReportKind, at: datetime, **kw) -> int:
        return inc.record_report(ids[name], kind, at=at, **kw).id

    add("J", local(10, 31, 23, 59))
    report("J", ReportKind.written, local(11, 1, 0, 30))
    report("J", ReportKind.final, local(11, 1, 0, 40))

    add("A", local(11, 5, 10), occurred_at=local(11, 5, 9, 30), caller_unit="城关镇值班室",
        dead=1, injured=2)  # fmt: skip
    report("A", ReportKind.written, local(11, 5, 12))
    report("A", ReportKind.followup, local(11, 6, 10, 30))
    report("A", ReportKind.final, local(11, 6, 11))

    add("B", local(11, 10, 8), occurred_at=local(11, 10, 7), caller_unit="白沙乡值班室",
        grade=Grade.II, dead=3, missing=1, direct_loss=500_000)  # fmt: skip
    report("B", ReportKind.phone, local(11, 10, 8, 10), by_whom="孙丽娜")
    report("B", ReportKind.followup, local(11, 10, 20))

    add("V", local(11, 12, 10), caller_unit="城关镇值班室", dead=5)
    report("V", ReportKind.written, local(11, 12, 13))
    inc.void(ids["V"], "录入错误")

    add("M", local(11, 12, 10, 5), occurred_at=local(11, 11, 9), caller_unit="城关镇值班室",
        dead=7)  # fmt: skip
    report("M", ReportKind.written, local(11, 12, 13))
    inc.mark_duplicate(ids["M"], ids["A"], "同一起火灾")

    add("H", local(11, 15, 9), occurred_at=local(11, 14, 8), caller_unit="白沙乡值班室",
        grade=Grade.III)  # fmt: skip
    report("H", ReportKind.written, local(11, 15, 10))
    report("H", ReportKind.final, local(11, 15, 10, 30))

    add("I", local(11, 18, 10), caller_unit="城关镇值班室")
    report("I", ReportKind.written, local(11, 18, 11))
    report("I", ReportKind.final, local(11, 18, 11, 30))

    add("F", local(11, 20, 10))
    struck = report("F", ReportKind.written, local(11, 20, 11))
    from watchdesk.store.correction import correct

    correct(s, f"report:{struck}", "时间记错")
    report("F", ReportKind.written, local(11, 20, 13))
    report("F", ReportKind.final, local(11, 20, 13, 30))

    add("G", local(11, 25, 10), category="natural", subtype="")
    report("G", ReportKind.final, local(11, 25, 13))

    add("E", local(11, 30, 20))
    report("E", ReportKind.written, local(12, 1, 9))
    report("E", ReportKind.final, local(12, 1, 9, 5))

    add("C", local(12, 1, 0, 30))
    report("C", ReportKind.written, local(12, 1, 2, 30))
    report("C", ReportKind.final, local(12, 1, 3))
    return ids


@pytest.fixture
def desk(tmp_path) -> Desk:
    clock = FakeClock(NOW)
    path = tmp_path / "desk.db"
    s = Store.open(path, clock=clock, actor="测试员", tz=TZ)
    ids = build(s, clock)
    clock.set(NOW)
    yield Desk(path=path, store=s, clock=clock, ids=ids)
    s.close()


def seconds(**kw) -> int:
    return int(timedelta(**kw).total_seconds())
