"""The settings the command line runs with (issues 12 and 13): the desk's own settings, saved
from the console, apply on every open, below a flag and the environment and above the config
file; a config key that does not exist, a bad environment variable and a rule pack that cannot be
used are each refused before anything is done, with one line in the UI language naming where the
problem is (exit 2, no traceback, nothing written)."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from tests.helpers import TZ, FakeClock, roster_today
from watchdesk.cli import main
from watchdesk.store.desk import Store

INCIDENT = '{"place": "城关镇", "category": "火灾", "description": "商铺起火", "dead": 10}'


@pytest.fixture
def desk(tmp_path, monkeypatch):
    """A desk with today's shifts (the real clock: the commands read it at the same time), and
    no config file unless a test writes one."""
    monkeypatch.setenv("WATCHDESK_CONFIG", str(tmp_path / "none.toml"))
    monkeypatch.delenv("WATCHDESK_TZ", raising=False)
    monkeypatch.delenv("WATCHDESK_RULE_PACK", raising=False)
    path = tmp_path / "desk.db"
    s = Store.open(path, actor="tests")
    try:
        roster_today(s, FakeClock(datetime.now(TZ)))
    finally:
        s.close()
    return path


@pytest.fixture
def inc(tmp_path):
    f = tmp_path / "inc.json"
    f.write_text(INCIDENT, encoding="utf-8")
    return f


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def save(path, **settings):
    """As the settings screen saves them (store.settings)."""
    s = Store.open(path, actor="tests")
    try:
        s.settings.update(**settings)
    finally:
        s.close()


def offsets(capsys, desk, *env_argv):
    """The UTC offsets of the leader checks at fixed and random local times that `watchdesk now
    --json` lists (in the desk's zone)."""
    code, out, err = run(capsys, *env_argv, "now", "--json", "--db", desk)
    assert code == 0, err
    checks = json.loads(out)["duty"]["leader_check"]["checks"]
    return {c["due_at"][-6:] for c in checks if c["kind"] in ("fixed", "random")}


def packs(capsys, desk, inc, *argv):
    code, out, err = run(capsys, *argv, "incident", "add", "--json", inc, "--db", desk)
    assert code == 0, err
    return {d["pack_id"] for d in json.loads(out)["deadlines"]}


def count(path, table="audit"):
    s = Store.open(path)
    try:
        return s.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    finally:
        s.close()


def test_the_desks_own_settings_apply_on_every_open(desk, inc, tmp_path, capsys, monkeypatch):
    assert offsets(capsys, desk) == {"+08:00"}  # the default zone
    assert packs(capsys, desk, inc) == {"national"}
    save(desk, timezone="Asia/Urumqi", rule_pack="henan")
    assert offsets(capsys, desk) == {"+06:00"}
    assert packs(capsys, desk, inc) == {"henan"}
    # The config file is beneath the desk's own settings.
    cfg = tmp_path / "watchdesk.toml"
    cfg.write_text('timezone = "Asia/Shanghai"\nrule_pack = "city-15-30"\n', encoding="utf-8")
    assert offsets(capsys, desk, "--config", cfg) == {"+06:00"}
    assert packs(capsys, desk, inc, "--config", cfg) == {"henan"}
    # The environment is above them.
    monkeypatch.setenv("WATCHDESK_TZ", "Asia/Shanghai")
    monkeypatch.setenv("WATCHDESK_RULE_PACK", "national")
    assert offsets(capsys, desk, "--config", cfg) == {"+08:00"}
    assert packs(capsys, desk, inc, "--config", cfg) == {"national"}
    monkeypatch.delenv("WATCHDESK_TZ")
    monkeypatch.delenv("WATCHDESK_RULE_PACK")
    # Emptied on the desk: the config file's again.
    save(desk, timezone="", rule_pack="")
    assert offsets(capsys, desk, "--config", cfg) == {"+08:00"}
    assert packs(capsys, desk, inc, "--config", cfg) == {"city-15-30"}


@pytest.mark.parametrize(
    "text, key, close",
    [
        ('rulepack = "henan"\n', "rulepack", "rule_pack"),
        ('time_zone = "Asia/Urumqi"\n', "time_zone", "timezone"),
        ('tz = "Asia/Urumqi"\n', "tz", "timezone"),
        ("amber_minuts = 5\n", "amber_minuts", "amber_minutes"),
        ('colour = "red"\n', "colour", None),
    ],
)
def test_an_unknown_config_key_is_named_and_refused(desk, inc, tmp_path, capsys, text, key, close):
    cfg = tmp_path / "watchdesk.toml"
    cfg.write_text(text, encoding="utf-8")
    before = count(desk)
    code, out, err = run(capsys, "--config", cfg, "incident", "add", "--json", inc, "--db", desk)
    assert code == 2 and out == "" and err.count("\n") == 1
    assert err.startswith(f"watchdesk: config file {cfg}: unknown key '{key}'")
    if close:
        assert f"(did you mean '{close}'?)" in err
    else:
        assert "did you mean" not in err
    assert "Traceback" not in err and count(desk) == before
    # In Chinese too.
    code, _, err = run(capsys, "--config", cfg, "--lang", "zh", "now", "--db", desk)
    assert code == 2 and f"未知的配置项“{key}”" in err


def test_a_bad_environment_variable_is_blamed_not_the_config_file(desk, capsys, monkeypatch):
    monkeypatch.setenv("WATCHDESK_TZ", "Mars/Olympus")
    code, out, err = run(capsys, "now", "--json", "--db", desk)
    assert code == 2 and out == ""
    assert err == (
        "watchdesk: WATCHDESK_TZ=Mars/Olympus: unknown time zone 'Mars/Olympus' "
        "(e.g. Asia/Shanghai); nothing was done\n"
    )
    assert "config" not in err
    code, _, err = run(capsys, "--lang", "zh", "now", "--db", desk)
    assert code == 2 and err.startswith("watchdesk: 环境变量 WATCHDESK_TZ=Mars/Olympus：未知的时区")
    monkeypatch.delenv("WATCHDESK_TZ")
    monkeypatch.setenv("WATCHDESK_AMBER_MINUTES", "ten")
    code, _, err = run(capsys, "now", "--db", desk)
    assert code == 2 and err.startswith("watchdesk: WATCHDESK_AMBER_MINUTES=ten: ")


def test_a_bad_value_in_the_config_file_names_the_file_and_key(desk, tmp_path, capsys):
    cfg = tmp_path / "watchdesk.toml"
    cfg.write_text('timezone = "Mars/Olympus"\n', encoding="utf-8")
    code, _, err = run(capsys, "--config", cfg, "now", "--db", desk)
    assert code == 2
    assert err.startswith(f"watchdesk: config file {cfg}: timezone: unknown time zone")
    cfg.write_text("timezone = [\n", encoding="utf-8")
    code, _, err = run(capsys, "--config", cfg, "now", "--db", desk)
    assert code == 2 and err.startswith(f"watchdesk: config file {cfg}: cannot be read: ")


def test_a_rule_pack_that_cannot_be_used_is_refused_when_the_desk_opens(
    desk, inc, tmp_path, capsys, monkeypatch
):
    before = (count(desk), count(desk, "incidents"))
    # Unknown, from the config file: named, with the packs there are.
    cfg = tmp_path / "watchdesk.toml"
    cfg.write_text('rule_pack = "henan2"\n', encoding="utf-8")
    code, out, err = run(capsys, "--config", cfg, "incident", "add", "--json", inc, "--db", desk)
    assert code == 2 and out == "" and err.count("\n") == 1
    assert err.startswith(
        f"watchdesk: rule pack 'henan2' (chosen by config file {cfg} (rule_pack)): "
        "unknown rule pack 'henan2'; shipped packs: national"
    )
    # Missing, from the environment.
    monkeypatch.setenv("WATCHDESK_RULE_PACK", str(tmp_path / "county.toml"))
    code, _, err = run(capsys, "incident", "add", "--json", inc, "--db", desk)
    assert code == 2 and err == (
        f"watchdesk: rule pack '{tmp_path / 'county.toml'}' (chosen by WATCHDESK_RULE_PACK): "
        "cannot read the file: no such file; nothing was done\n"
    )
    # Malformed.
    (tmp_path / "county.toml").write_text('[pack]\nid = "county"\n', encoding="utf-8")
    code, _, err = run(capsys, "incident", "add", "--json", inc, "--db", desk)
    assert code == 2 and "rule pack '" in err and "county.toml" in err
    assert "Traceback" not in err
    # Chosen on the desk, then gone: said so, with the way to open the desk anyway.
    monkeypatch.delenv("WATCHDESK_RULE_PACK")
    good = tmp_path / "mine.toml"
    from importlib.resources import files

    good.write_text(
        files("watchdesk.rules").joinpath("packs/henan.toml").read_text(encoding="utf-8"),
        encoding="utf-8",
    )
    save(desk, rule_pack=str(good))
    before = (count(desk), count(desk, "incidents"))
    good.unlink()
    code, _, err = run(capsys, "incident", "add", "--json", inc, "--db", desk)
    assert code == 2 and "(chosen by the desk's settings (s))" in err
    assert "set WATCHDESK_RULE_PACK" in err
    code, _, err = run(capsys, "--lang", "zh", "now", "--db", desk)
    assert code == 2 and "时限规则包" in err and "文件不存在" in err
    assert (count(desk), count(desk, "incidents")) == before
    # The console is not started either (before the screen: exit 2, no traceback).
    code, _, err = run(capsys, "--db", desk)
    assert code == 2 and "(chosen by the desk's settings (s))" in err
    monkeypatch.setenv("WATCHDESK_RULE_PACK", "national")
    assert packs(capsys, desk, inc) == {"national"}
