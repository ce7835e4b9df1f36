"""The clocks of passing on and following up (rules/dispatch.py) at their boundaries."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from tests.helpers import TZ
from watchdesk.rules.dispatch import (
    DEFAULT_RULES,
    Step,
    TaskKind,
    is_late,
    late_seconds,
    parse_dispatch,
    rules_of,
    task_clocks,
)
from watchdesk.rules.rulepack import PackError, load_pack, parse_pack, shipped_packs

T0 = datetime(2026, 11, 22, 2, 0, tzinfo=TZ)


def _due(kind, unit="", urban=False):
    return {c.step: c for c in task_clocks(DEFAULT_RULES, kind, T0, unit, urban)}


def test_police_in_the_urban_area_has_15_minutes_and_exactly_15_is_on_time():
    arrive = _due(TaskKind.dispatch, "县公安局指挥中心", urban=True)[Step.arrive]
    assert arrive.due_at == T0 + timedelta(minutes=15)
    assert arrive.rule == "rapid" and "seed 004" in arrive.source
    on_the_dot = T0 + timedelta(minutes=15)
    assert not is_late(arrive.due_at, on_the_dot)
    assert late_seconds(arrive.due_at, on_the_dot) == 0
    assert is_late(arrive.due_at, on_the_dot + timedelta(seconds=1))
    assert late_seconds(arrive.due_at, on_the_dot + timedelta(seconds=1)) == 1


@pytest.mark.parametrize(
    ("unit", "urban", "rule", "minutes"),
    [
        ("县消防救援大队", True, "rapid", 15),
        ("县120急救中心", True, "rapid", 15),
        ("县卫生健康局", True, "urban", 30),  # another linkage unit: 30 min
        ("县公安局指挥中心", False, "other", 30),  # suburbs / villages: "at once", 30 min bound
    ],
)
def test_unit_kind_and_area_decide_15_or_30(unit, urban, rule, minutes):
    arrive = _due(TaskKind.dispatch, unit, urban)[Step.arrive]
    assert (arrive.rule, arrive.due_at - T0) == (rule, timedelta(minutes=minutes))


def test_ack_and_feedback_clocks_and_an_instruction_has_no_arrival():
    d = _due(TaskKind.instruction, "县水利局")
    assert set(d) == {Step.ack, Step.feedback}
    assert d[Step.ack].due_at == T0 + timedelta(minutes=5)
    assert d[Step.feedback].due_at == T0 + timedelta(hours=1)
    assert "[I]" in d[Step.ack].source


def test_a_notice_has_10_30_and_60_minutes_from_the_local_rule():
    d = _due(TaskKind.notice)
    assert [(s, c.due_at - T0) for s, c in d.items()] == [
        (Step.leader, timedelta(minutes=10)),
        (Step.pass_on, timedelta(minutes=30)),
        (Step.receipt, timedelta(hours=1)),
    ]
    assert all("长子县" in c.source for c in d.values())


def test_urban_area_words():
    assert DEFAULT_RULES.is_urban("东坡街道建设路")
    assert DEFAULT_RULES.is_urban("城关镇 城关镇东街")
    assert not DEFAULT_RULES.is_urban("青山铺镇 青山铺镇水库")
    assert not DEFAULT_RULES.is_urban("")


@pytest.mark.parametrize("pack_id", shipped_packs())
def test_every_shipped_pack_has_a_dispatch_table_with_sources(pack_id):
    r = rules_of(load_pack(pack_id))
    assert r.rapid_within == timedelta(minutes=15) and r.urban_within == timedelta(minutes=30)
    for name in ("rapid", "urban", "other", "ack", "feedback", "leader", "pass", "receipt"):
        assert getattr(r, f"{name}_source").strip()


HEAD = """
[pack]
id = "t"
name_zh = "测"
name_en = "T"
source = "s"
verification_default = "1h"

[[rule]]
id = "phone"
kind = "phone"
grades = ["I"]
within = "30m"
source = "s"
"""


def test_a_pack_may_set_its_own_dispatch_clocks():
    pack = parse_pack(
        HEAD + '\n[dispatch]\nrapid_within = "10m"\nrapid_source = "city"\n', "t.toml"
    )
    assert rules_of(pack).rapid_within == timedelta(minutes=10)
    assert rules_of(pack).urban_within == timedelta(minutes=30)  # the rest: defaults
    assert rules_of(parse_pack(HEAD, "t.toml")) is DEFAULT_RULES


@pytest.mark.parametrize(
    ("table", "field"),
    [
        ('rapid_within = "soon"', "rapid_within"),
        ('rapid_within = "0m"', "rapid_within"),
        ("urban_areas = []", "urban_areas"),
        ('speed = "1m"', "speed"),
    ],
)
def test_a_bad_dispatch_table_names_the_pack_and_field(table, field):
    with pytest.raises(PackError) as e:
        parse_pack(HEAD + f"\n[dispatch]\n{table}\n", "t.toml")
    assert "t.toml" in str(e.value) and field in str(e.value)


def test_parse_dispatch_needs_a_table():
    with pytest.raises(PackError):
        parse_dispatch("x", "t.toml")
