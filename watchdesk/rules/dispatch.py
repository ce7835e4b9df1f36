"""Passing on and following up (传、跟): the clocks of a task given to a unit, and of a notice
received from above (reporting-rules.md §10). Pure: no database, no Textual.

A pack's `[dispatch]` table (rules/packs/*.toml) holds the timings, each naming its source:

- a unit dispatched to the scene (派出联动单位) must be there within 15 minutes when it is police,
  fire or 120 and the incident is in the central urban area, and within 30 minutes otherwise
  (seed 004, 社会应急联动工作意见 §三(二)). Which units count as police/fire/120 is a list of
  words found in the unit's name (`rapid_units`: the directory keeps no service type), and which
  areas are the central urban area a list of words found in the incident's area or place
  (`urban_areas`). Outside it the seed says "at once" with no minute figure: the desk then
  uses `other_within` as the outer bound [I].
- every task has an acknowledgement clock (接收, `ack_within`) and a feedback clock (反馈,
  `feedback_within`): the seed sets neither; the defaults are marked [I].
- a notice from above (上级来文 / 预警通知): the leader on duty told within 10 minutes, the
  notice passed on within 30, documents (回执) within 1 hour (长子县 notice, 2025-08-05).

On time means at or before the due moment: exactly 15:00 after the instruction is on time.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import Enum
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from watchdesk.errors import BadValue

SEED_004 = "seed 004 社会应急联动工作意见 §三(二) [C2]"
ZHANGZI = "长子县应急管理局 notice, 2025-08-05 (reporting-rules.md §10) [C2]"


class Step(str, Enum):
    """One clock of a task. Dispatch and instruction tasks: ack → arrive (dispatch only) →
    feedback. A notice: leader → pass → receipt."""

    ack = "ack"  # 接收
    arrive = "arrive"  # 到场
    feedback = "feedback"  # 反馈
    leader = "leader"  # 报告带班领导
    pass_on = "pass"  # 传达
    receipt = "receipt"  # 文件/回执


class TaskKind(str, Enum):
    dispatch = "dispatch"  # 派出联动单位 (to the scene)
    instruction = "instruction"  # 传达批示 / 指令 (no arrival)
    notice = "notice"  # 上级来文 / 预警通知 received


STEPS: dict[TaskKind, tuple[Step, ...]] = {
    TaskKind.dispatch: (Step.ack, Step.arrive, Step.feedback),
    TaskKind.instruction: (Step.ack, Step.feedback),
    TaskKind.notice: (Step.leader, Step.pass_on, Step.receipt),
}


def _duration(v: Any) -> timedelta:
    from watchdesk.rules.rulepack import parse_duration

    if isinstance(v, timedelta):
        return v
    if not isinstance(v, str):
        raise BadValue("err.pack.duration_type", value=repr(v))
    return parse_duration(v)


def _words(v: Any) -> tuple[str, ...]:
    if (
        not isinstance(v, (list, tuple))
        or not v
        or not all(isinstance(x, str) and x.strip() for x in v)
    ):
        raise BadValue("err.dispatch.pack_words")
    return tuple(x.strip() for x in v)


class DispatchRules(BaseModel):
    """A pack's `[dispatch]` table. Every duration has its source beside it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    rapid_units: tuple[str, ...] = ("公安", "消防", "120", "急救")
    rapid_units_source: str = f"{SEED_004}: 公安、消防、120医疗急救; matched in the unit's name [I]"
    urban_areas: tuple[str, ...] = ("城区", "城关", "街道")
    urban_areas_source: str = "[I] 中心城区: an area or place naming 城区, 城关 or a 街道"
    rapid_within: timedelta = timedelta(minutes=15)
    rapid_source: str = f"{SEED_004}: 中心城区 公安、消防、120 15分钟内赶到现场"
    urban_within: timedelta = timedelta(minutes=30)
    urban_source: str = f"{SEED_004}: 各级联动单位 30分钟内赶到现场"
    other_within: timedelta = timedelta(minutes=30)
    other_source: str = (
        f"{SEED_004}: 郊区或农村 立即派员 (no minute figure; 30 min outer bound [I])"
    )
    ack_within: timedelta = timedelta(minutes=5)
    ack_source: str = "[I] no rule found; 5 min as the 预警叫应 mechanism (reporting-rules.md §10)"
    feedback_within: timedelta = timedelta(hours=1)
    feedback_source: str = "[I] no rule found for 反馈; 1 h desk default"
    leader_within: timedelta = timedelta(minutes=10)
    leader_source: str = f"{ZHANGZI}: 10分钟内电话报告带班领导"
    pass_within: timedelta = timedelta(minutes=30)
    pass_source: str = f"{ZHANGZI}: 30分钟内传达有关科室"
    receipt_within: timedelta = timedelta(hours=1)
    receipt_source: str = f"{ZHANGZI}: 非紧急文件 1小时内转办并登记"

    _dur = field_validator(
        "rapid_within",
        "urban_within",
        "other_within",
        "ack_within",
        "feedback_within",
        "leader_within",
        "pass_within",
        "receipt_within",
        mode="before",
    )(_duration)
    _w = field_validator("rapid_units", "urban_areas", mode="before")(_words)

    def is_rapid(self, unit_name: str) -> bool:
        return any(w in unit_name for w in self.rapid_units)

    def is_urban(self, area: str) -> bool:
        return bool(area) and any(w in area for w in self.urban_areas)


DEFAULT_RULES = DispatchRules()

# The timings a desk may set for itself (the `dispatch_within` setting, config.py), by the name
# of the pack's entry: `rapid`, `urban` and `other` are the on-scene clock by unit kind and area
# (`arrive` sets all three), the others one step each.
WITHIN_KEYS = ("ack", "rapid", "urban", "other", "feedback", "leader", "pass", "receipt")
ARRIVE_KEYS = ("rapid", "urban", "other")
MAX_WITHIN = timedelta(days=7)


def parse_within(raw: Any) -> dict[str, timedelta]:
    """A desk's `dispatch_within` ({"rapid": "10m", "feedback": "2h"}) as durations, `arrive`
    spread over the three on-scene entries (a named one wins). BadValue naming the entry: one
    the pack does not have, or a duration that is not one, not positive or over 7 days."""
    from watchdesk.rules.rulepack import parse_duration

    if not isinstance(raw, dict):
        raise BadValue("err.dispatch.within_table")
    out: dict[str, timedelta] = {}
    for key, text in raw.items():
        name = str(key).strip().lower()
        if name not in (*WITHIN_KEYS, "arrive"):
            raise BadValue(
                "err.dispatch.within_key", step=str(key), known=", ".join((*WITHIN_KEYS, "arrive"))
            )
        if not isinstance(text, str):
            raise BadValue("err.dispatch.within_value", step=name, value=repr(text))
        try:
            within = parse_duration(text)
        except BadValue:
            raise BadValue("err.dispatch.within_value", step=name, value=text) from None
        if not timedelta(minutes=1) <= within <= MAX_WITHIN:
            raise BadValue("err.dispatch.within_value", step=name, value=text)
        for k in ARRIVE_KEYS if name == "arrive" else (name,):
            if name == "arrive" and any(str(x).strip().lower() == k for x in raw):
                continue  # rapid / urban / other named on their own win over arrive
            out[k] = within
    return out


def with_desk(
    rules: DispatchRules, within: dict[str, timedelta], sources: dict[str, str]
) -> DispatchRules:
    """The pack's rules with the desk's own timings in their place, each naming the desk's
    setting (`sources`, worded by the caller) as its source instead of the pack's document."""
    if not within:
        return rules
    update: dict[str, Any] = {}
    for key, value in within.items():
        update[f"{key}_within"] = value
        update[f"{key}_source"] = sources[key]
    return rules.model_copy(update=update)


def parse_dispatch(raw: Any, where: str) -> DispatchRules:
    """A pack's `[dispatch]` table validated; `where` names the pack in the error."""
    from watchdesk.rules.rulepack import PackError, _first_error

    if not isinstance(raw, dict):
        raise PackError("err.dispatch.pack_table", where=where)
    try:
        return DispatchRules.model_validate(raw)
    except ValidationError as e:
        field, msg = _first_error(e)
        raise PackError("err.dispatch.pack_field", where=where, field=field, problem=msg) from e


def rules_of(pack: Any) -> DispatchRules:
    """The pack's dispatch rules (a pack without a `[dispatch]` table: the defaults)."""
    got = getattr(pack, "dispatch", None)
    return got if isinstance(got, DispatchRules) else DEFAULT_RULES


class ClockSpec(BaseModel):
    model_config = ConfigDict(frozen=True)

    step: Step
    due_at: datetime
    rule: str  # which pack entry: rapid / urban / other / ack / feedback / leader / pass / receipt
    source: str


def arrive_rule(rules: DispatchRules, unit_name: str, urban: bool) -> tuple[str, timedelta, str]:
    """Which on-scene clock a unit gets: (rule, within, source)."""
    if urban and rules.is_rapid(unit_name):
        return "rapid", rules.rapid_within, rules.rapid_source
    if urban:
        return "urban", rules.urban_within, rules.urban_source
    return "other", rules.other_within, rules.other_source


def task_clocks(
    rules: DispatchRules,
    kind: TaskKind,
    issued_at: datetime,
    unit_name: str = "",
    urban: bool = False,
) -> list[ClockSpec]:
    """The clocks a task starts, each from the moment the instruction was given."""
    out: list[ClockSpec] = []
    for step in STEPS[kind]:
        if step == Step.arrive:
            rule, within, source = arrive_rule(rules, unit_name, urban)
        else:
            name = {Step.pass_on: "pass"}.get(step, step.value)
            rule = name
            within = getattr(rules, f"{name}_within")
            source = getattr(rules, f"{name}_source")
        out.append(ClockSpec(step=step, due_at=issued_at + within, rule=rule, source=source))
    return out


def late_seconds(due_at: datetime, done_at: datetime) -> int:
    """Seconds after the due moment a step was done (negative: early), as reports keep it."""
    return int((done_at - due_at).total_seconds())


def is_late(due_at: datetime, done_at: datetime) -> bool:
    """Late only after the due moment: exactly on it is on time."""
    return done_at > due_at
