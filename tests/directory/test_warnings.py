"""Warning kinds and levels (pure), and the warning lifecycle: issue, change, lift."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from watchdesk.cli import main
from watchdesk.errors import InputError
from watchdesk.models.warning import WarningInput, WarningStatus
from watchdesk.rules import warning as rw
from watchdesk.rules.warning import Level
from watchdesk.store.desk import Store


def test_fourteen_meteorological_signals_with_their_own_levels():
    met = {k.zh: k.levels for k in rw.METEOROLOGICAL}
    assert len(met) == 14
    R, O, Y, B = Level.I, Level.II, Level.III, Level.IV
    assert met["台风"] == met["暴雨"] == met["暴雪"] == met["寒潮"] == met["大风"] == (R, O, Y, B)
    assert (
        met["沙尘暴"] == met["高温"] == met["雷电"] == met["大雾"] == met["道路结冰"] == (R, O, Y)
    )
    assert met["干旱"] == met["冰雹"] == (R, O)
    assert met["霜冻"] == (O, Y, B)
    assert met["霾"] == (R, O, Y)
    assert all(k.source for k in rw.SIGNAL_TYPES.values())


@pytest.mark.parametrize(
    "text, level",
    [
        ("I", Level.I),
        ("1", Level.I),
        ("red", Level.I),
        ("红色", Level.I),
        ("红", Level.I),
        ("一级", Level.I),
        ("Ⅰ级", Level.I),
        ("orange", Level.II),
        ("橙色", Level.II),
        ("III", Level.III),
        ("黄", Level.III),
        ("4", Level.IV),
        ("蓝色", Level.IV),
        ("Blue", Level.IV),
    ],
)
def test_parse_level(text, level):
    assert rw.parse_level(text) == level


def test_kind_lookup_and_level_check():
    assert rw.signal_type("暴雨预警").code == "rainstorm"
    assert rw.signal_type("Road icing").code == "road_icing"
    with pytest.raises(ValueError, match="no blue"):
        rw.check_level(rw.signal_type("冰雹"), Level.IV)
    with pytest.raises(ValueError):
        rw.signal_type("海啸")
    assert rw.title(rw.signal_type("暴雨"), Level.II, "zh") == "暴雨橙色预警"


def audit_count(store):
    return store.db.execute("SELECT count(*) FROM audit").fetchone()[0]


def issue(store, clock, **kw):
    base = dict(
        kind="rainstorm",
        level=Level.III,
        area="全县",
        issuer="县气象台",
        issued_at=clock(),
        measures="加强巡查，转移低洼地带群众",
    )
    base.update(kw)
    return store.warnings.issue(WarningInput(**base))


def test_lifecycle_issue_change_change_lift(store, clock):
    t0 = clock()
    w = issue(store, clock)
    assert w.status == WarningStatus.in_force and w.level == Level.III
    clock.advance(hours=1)
    w = store.warnings.change(w.id, "橙色", note="雨势加强")
    clock.advance(hours=1)
    w = store.warnings.change(w.id, Level.I, measures="启动防汛Ⅰ级应急响应")
    assert (w.level, w.version, w.issued_at, w.level_since) == (Level.I, 3, t0, clock())
    assert [x.id for x in store.warnings.in_force()] == [w.id]
    clock.advance(hours=3)
    w = store.warnings.lift(w.id, note="降雨过程结束")
    assert w.status == WarningStatus.lifted and w.lifted_at == clock()
    hist = store.warnings.history(w.id)
    assert [(e.action, e.from_level, e.level) for e in hist] == [
        ("issue", None, Level.III),
        ("change", Level.III, Level.II),
        ("change", Level.II, Level.I),
        ("lift", Level.I, None),
    ]
    assert store.warnings.in_force() == []
    # In force at a past moment (for a handover of that shift).
    assert [x.id for x in store.warnings.in_force(t0 + timedelta(hours=2))] == [w.id]
    assert store.warnings.in_force(t0 - timedelta(minutes=1)) == []
    assert len(store.warnings.events_between(t0, clock() + timedelta(seconds=1))) == 4
    assert store.check().ok


def test_in_force_most_severe_first(store, clock):
    a = issue(store, clock, kind="gale", level=Level.IV, area="城区")
    b = issue(store, clock, kind="hail", level=Level.II, area="青山铺镇")
    c = issue(store, clock, kind="geological", level=Level.III, area="白沙乡")
    assert [w.id for w in store.warnings.in_force()] == [b.id, c.id, a.id]


def test_bad_warning_input_is_refused_and_nothing_is_written(store, clock):
    w = issue(store, clock)
    before = audit_count(store)
    cases = [
        (lambda: issue(store, clock, kind="hail", level=Level.IV), "level"),  # no blue hail
        (lambda: issue(store, clock, issued_at=clock() + timedelta(hours=1)), "issued_at"),
        (lambda: store.warnings.change(w.id, Level.III), "level"),  # same level
        (lambda: store.warnings.change(w.id, "紫色"), "level"),
        (lambda: store.warnings.change(w.id, Level.II, at=clock() - timedelta(days=1)), "at"),
        (lambda: store.warnings.change(w.id, Level.II, version=7), "version"),
    ]
    frost = issue(store, clock, kind="frost", level=Level.IV)
    before = audit_count(store)
    cases.append((lambda: store.warnings.change(frost.id, Level.I), "level"))  # no red frost
    for fn, field in cases:
        with pytest.raises(InputError) as e:
            fn()
        assert e.value.field == field, e.value
    assert audit_count(store) == before
    store.warnings.lift(w.id)
    before = audit_count(store)
    with pytest.raises(InputError, match="lifted"):
        store.warnings.change(w.id, Level.II)
    with pytest.raises(InputError, match="lifted"):
        store.warnings.lift(w.id)
    assert audit_count(store) == before


def test_cli_warning_lifecycle(tmp_path, capsys):
    db = str(tmp_path / "desk.db")
    assert main(["init", "--db", db]) == 0
    capsys.readouterr()
    assert (
        main(
            [
                "warning",
                "issue",
                "--kind",
                "暴雨",
                "--level",
                "黄色",
                "--area",
                "全县",
                "--issuer",
                "县气象台",
                "--db",
                db,
            ]
        )
        == 0
    )
    w = json.loads(capsys.readouterr().out)
    assert (w["title_zh"], w["colour"]) == ("暴雨黄色预警", "yellow")
    assert main(["warning", "change", str(w["id"]), "--level", "II", "--db", db]) == 0
    capsys.readouterr()
    assert main(["warning", "list", "--json", "--db", db]) == 0
    live = json.loads(capsys.readouterr().out)
    assert [x["level"] for x in live] == ["II"] and len(live[0]["history"]) == 2
    assert main(["warning", "lift", str(w["id"]), "--db", db]) == 0
    capsys.readouterr()
    code = main(["warning", "change", str(w["id"]), "--level", "I", "--db", db])
    out, err = capsys.readouterr()
    assert code == 2 and out == "" and "lifted" in err and len(err.strip().splitlines()) == 1
    code = main(
        [
            "warning",
            "issue",
            "--kind",
            "冰雹",
            "--level",
            "蓝色",
            "--area",
            "全县",
            "--issuer",
            "县气象台",
            "--db",
            db,
        ]
    )
    assert code == 2 and "blue" in capsys.readouterr().err
    s = Store.open(db)
    try:
        assert s.db.execute("SELECT count(*) FROM warnings").fetchone()[0] == 1
    finally:
        s.close()
