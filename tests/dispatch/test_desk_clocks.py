"""The desk's own dispatch timings (issue 16: clocks "configurable per pack and desk"): the
`dispatch_within` setting over the pack's `[dispatch]`. A setting changes a new task's clock and
names itself as the clock's source; a bad value is refused when the settings are loaded, saying
what and where; the boundary is unchanged (exactly at the due instant is on time)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest

from tests.helpers import TZ, FakeClock, facts
from watchdesk.cli import main
from watchdesk.config import ConfigError, load_settings
from watchdesk.errors import BadValue
from watchdesk.i18n import set_language
from watchdesk.models.directory import Unit
from watchdesk.models.dispatch import TaskInput
from watchdesk.rules.dispatch import (
    DEFAULT_RULES,
    Step,
    TaskKind,
    is_late,
    parse_within,
    task_clocks,
    with_desk,
)
from watchdesk.store.desk import Store

T0 = datetime(2026, 11, 23, 6, tzinfo=TZ)


# -- pure ---------------------------------------------------------------------------------------


def test_parse_within_spreads_arrive_and_a_named_entry_wins():
    got = parse_within({"arrive": "20m", "rapid": "10m", "feedback": "2h"})
    assert got == {
        "rapid": timedelta(minutes=10),
        "urban": timedelta(minutes=20),
        "other": timedelta(minutes=20),
        "feedback": timedelta(hours=2),
    }
    # the order the keys are written in does not matter
    assert parse_within({"rapid": "10m", "arrive": "20m"})["rapid"] == timedelta(minutes=10)


@pytest.mark.parametrize(
    "raw, key",
    [
        ({"arive": "10m"}, "err.dispatch.within_key"),
        ({"rapid": "ten"}, "err.dispatch.within_value"),
        ({"rapid": "0m"}, "err.dispatch.within_value"),
        ({"feedback": "8d"}, "err.dispatch.within_value"),
        ({"ack": 5}, "err.dispatch.within_value"),
        ("10m", "err.dispatch.within_table"),
    ],
)
def test_parse_within_refuses(raw, key):
    with pytest.raises(BadValue) as e:
        parse_within(raw)
    assert e.value.msg.key == key


def test_with_desk_replaces_the_minutes_and_the_source_and_keeps_the_boundary():
    rules = with_desk(DEFAULT_RULES, parse_within({"rapid": "10m"}), {"rapid": "desk: rapid = 10m"})
    t0 = T0
    police = {c.step: c for c in task_clocks(rules, TaskKind.dispatch, t0, "县公安局", True)}
    water = {c.step: c for c in task_clocks(rules, TaskKind.dispatch, t0, "县水利局", True)}
    assert police[Step.arrive].due_at == t0 + timedelta(minutes=10)
    assert (police[Step.arrive].rule, police[Step.arrive].source) == ("rapid", "desk: rapid = 10m")
    # the other entries are still the pack's, with its sources
    assert water[Step.arrive].due_at == t0 + timedelta(minutes=30)
    assert water[Step.arrive].source == DEFAULT_RULES.urban_source
    assert police[Step.ack].source == DEFAULT_RULES.ack_source
    # exactly at the due instant is on time; a second later is late
    due = police[Step.arrive].due_at
    assert not is_late(due, due) and is_late(due, due + timedelta(seconds=1))


# -- the store ----------------------------------------------------------------------------------
def test_a_desk_setting_changes_a_new_tasks_clock_and_its_source(tmp_path):
    set_language("zh")
    t0 = T0
    clock = FakeClock(t0)
    where = "配置文件 /etc/watchdesk.toml 的 dispatch_within"
    s = Store.open(
        tmp_path / "desk.db",
        clock=clock,
        tz=TZ,
        actor="测试员",
        dispatch_within={"rapid": "10m", "feedback": "2h"},
        dispatch_within_where=where,
    )
    try:
        police = s.directory.add_unit(Unit(name="县公安局指挥中心", level=1)).id
        health = s.directory.add_unit(Unit(name="县卫生健康局", level=1)).id
        inc = s.incidents.add(facts(clock))
        tasks = s.dispatch.add(
            TaskInput(
                incident_id=inc.id,
                unit_ids=[police, health],
                instruction="立即赶赴现场",
                issued_at=t0,
                urban=True,
            )
        )
        by = {x.unit_name: {c.step: c for c in x.clocks} for x in tasks}
        p, h = by["县公安局指挥中心"], by["县卫生健康局"]
        assert p[Step.arrive].due_at == t0 + timedelta(minutes=10)  # the pack: 15
        assert p[Step.arrive].source == f"本值班台设置：rapid = 10m（{where}；替代规则包的时限）"
        assert p[Step.feedback].due_at == h[Step.feedback].due_at == t0 + timedelta(hours=2)
        assert "seed 004" in h[Step.arrive].source  # urban: still the pack's 30 min
        assert h[Step.arrive].due_at == t0 + timedelta(minutes=30)
        assert "[I]" in p[Step.ack].source and p[Step.ack].due_at == t0 + timedelta(minutes=5)
        # on scene exactly 10:00 after the instruction: on time
        task_id = next(x.id for x in tasks if x.unit_name == "县公安局指挥中心")
        clock.set(t0 + timedelta(minutes=10))
        done = s.dispatch.record(task_id, "arrive", at=clock())
        arrive = next(c for c in done.clocks if c.step == Step.arrive)
        assert arrive.done_at == t0 + timedelta(minutes=10) and not arrive.late
    finally:
        s.close()


def test_without_a_setting_the_packs_clocks(store, clock):
    unit = store.directory.add_unit(Unit(name="县公安局指挥中心", level=1)).id
    inc = store.incidents.add(facts(clock))
    (task,) = store.dispatch.add(
        TaskInput(incident_id=inc.id, unit_ids=[unit], instruction="去", issued_at=store.now(),
                  urban=True)
    )  # fmt: skip
    arrive = next(c for c in task.clocks if c.step == Step.arrive)
    assert arrive.due_at - task.issued_at == timedelta(minutes=15)
    assert "seed 004" in arrive.source and "dispatch_within" not in arrive.source


# -- loading the settings -----------------------------------------------------------------------
@pytest.mark.parametrize(
    "lang, body, words",
    [
        ("en", '[dispatch_within]\narive = "10m"\n', ["no such step: arive", "rapid"]),
        ("zh", '[dispatch_within]\nrapid = "0m"\n', ["rapid 的时限无法使用：0m"]),
        ("zh", 'dispatch_within = "10m"\n', ["应为 环节 = 时长 的表"]),
    ],
)
def test_a_bad_value_is_refused_at_load_with_what_and_where(tmp_path, lang, body, words):
    cfg = tmp_path / "watchdesk.toml"
    cfg.write_text(body, encoding="utf-8")
    with pytest.raises(ConfigError) as e:
        load_settings(cfg, language=lang)
    text = str(e.value)
    assert str(cfg) in text and "dispatch_within" in text, text
    for w in words:
        assert w in text, text


def test_cli_task_add_with_the_desks_setting_and_a_bad_one(tmp_path, capsys):
    clock = FakeClock(T0)
    db = str(tmp_path / "desk.db")
    s = Store.open(db, actor="测试员", clock=clock)
    s.directory.add_unit(Unit(name="县公安局指挥中心", level=1))
    inc = s.incidents.add(facts(clock, received_at=s.now())).id
    s.close()
    cfg = tmp_path / "watchdesk.toml"
    cfg.write_text('[dispatch_within]\narrive = "12m"\n', encoding="utf-8")
    argv = ["task", "add", "--incident", str(inc), "--unit", "县公安局指挥中心", "--text", "去"]
    argv += ["--urban", "--json", "--db", db, "--lang", "en", "--config", str(cfg)]
    code = main(argv)
    out, err = capsys.readouterr()
    assert code == 0, err
    (task,) = json.loads(out)
    arrive = next(c for c in task["clocks"] if c["step"] == "arrive")
    assert arrive["rule"] == "rapid"
    assert arrive["source"].startswith("the desk's setting: arrive = 12m (config file ")
    assert str(cfg) in arrive["source"]
    # a bad setting: exit 2, one line naming the file and the setting, no task written
    cfg.write_text('[dispatch_within]\nrapid = "soon"\n', encoding="utf-8")
    code = main(argv)
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert str(cfg) in err and "dispatch_within" in err and "soon" in err
    assert len(err.strip().splitlines()) == 1
    s = Store.open(db)
    try:
        assert len(s.dispatch.list()) == 1
    finally:
        s.close()
