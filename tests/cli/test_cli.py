"""The CLI's JSON contract, exit statuses and help."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from watchdesk.cli import build_parser, main
from watchdesk.store.desk import Store


@pytest.fixture
def desk(tmp_path):
    path = tmp_path / "desk.db"
    assert main(["init", "--db", str(path)]) == 0
    return path


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def count(path, table="incidents"):
    s = Store.open(path)
    try:
        return s.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    finally:
        s.close()


def test_incident_add_prints_grade_and_deadlines(desk, tmp_path, capsys):
    f = tmp_path / "inc.json"
    f.write_text(
        json.dumps(
            {
                "place": "城关镇东街",
                "category": "火灾",
                "description": "商铺起火",
                "dead": 10,
                "injured": 3,
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    code, out, err = run(capsys, "incident", "add", "--json", str(f), "--db", str(desk))
    assert code == 0, err
    data = json.loads(out)
    assert data["grade"] == "II" and data["grade_suggested"] == "II"
    assert data["category"] == "accident" and data["subtype"] == "fire"
    kinds = {d["kind"] for d in data["deadlines"]}
    assert {"phone", "written", "followup"} <= kinds
    assert all(d["source"] for d in data["deadlines"])
    code, out, _ = run(capsys, "incident", "show", str(data["id"]), "--json", "--db", str(desk))
    assert code == 0 and json.loads(out)["id"] == data["id"]
    code, out, _ = run(capsys, "incident", "list", "--json", "--db", str(desk))
    assert [i["id"] for i in json.loads(out)] == [data["id"]]


@pytest.mark.parametrize(
    "payload, field",
    [
        ({"place": "城关镇", "category": "火灾", "description": "x", "dead": -1}, "dead"),
        ({"place": "城关镇", "category": "火灾", "description": "x", "injured": "三"}, "injured"),
        ({"place": "城关镇", "category": "天气", "description": "x"}, "category"),
        ({"category": "火灾", "description": "x"}, "place"),
        (
            {
                "place": "城关镇",
                "category": "火灾",
                "description": "x",
                "occurred_at": "2099-01-01 10:00",
            },
            "occurred_at",
        ),
        ({"place": "城关镇", "category": "火灾", "description": "x", "colour": "red"}, "colour"),
        (
            {"place": "城关镇", "category": "火灾", "description": "x", "caller_phone": "12ab"},
            "caller_phone",
        ),
    ],
)
def test_bad_input_exits_2_with_one_line_and_writes_nothing(desk, tmp_path, capsys, payload, field):
    f = tmp_path / "bad.json"
    f.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
    code, out, err = run(capsys, "incident", "add", "--json", str(f), "--db", str(desk))
    assert code == 2
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and field in lines[0], err
    assert count(desk) == 0
    assert count(desk, "audit") == 0


def test_malformed_json_file(desk, tmp_path, capsys):
    f = tmp_path / "bad.json"
    f.write_text("{not json", encoding="utf-8")
    code, _, err = run(capsys, "incident", "add", "--json", str(f), "--db", str(desk))
    assert code == 2 and "not valid JSON" in err and len(err.strip().splitlines()) == 1


def test_bad_argument_is_one_line_exit_2(capsys):
    with pytest.raises(SystemExit) as e:
        main(["incident", "list", "--grade", "V"])
    assert e.value.code == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "--grade" in err


def test_missing_desk_is_a_clear_message(tmp_path, capsys):
    code, _, err = run(capsys, "now", "--json", "--db", str(tmp_path / "nope.db"))
    assert code == 1 and "no desk database" in err and "Traceback" not in err


def test_now_json_and_export(tmp_path, capsys):
    path = tmp_path / "demo.db"
    assert main(["demo", "--db", str(path), "--no-ui"]) == 0
    capsys.readouterr()
    code, out, _ = run(capsys, "now", "--json", "--db", str(path))
    data = json.loads(out)
    assert code == 0
    assert any(p["role"] == "leader" for p in data["now"]["people"])
    assert data["next"]["starts_at"] == data["now"]["ends_at"]
    code, out, _ = run(capsys, "export", "--format", "json", "--db", str(path))
    exported = json.loads(out)
    assert code == 0 and len(exported["incidents"]) >= 12 and len(exported["units"]) >= 12


def test_check_fails_on_tamper(desk, tmp_path, capsys):
    f = tmp_path / "inc.json"
    f.write_text(json.dumps({"place": "p", "category": "fire", "description": "d"}), "utf-8")
    assert main(["incident", "add", "--json", str(f), "--db", str(desk)]) == 0
    code, out, _ = run(capsys, "check", "--db", str(desk))
    assert code == 0 and "verified" in out
    import sqlite3

    raw = sqlite3.connect(desk)
    raw.execute("UPDATE incidents SET place = '别处'")
    raw.commit()
    code, out, _ = run(capsys, "check", "--db", str(desk))
    assert code == 1 and "edited directly" in out


def _all_parsers(parser, prefix=()):
    yield prefix, parser
    for action in parser._actions:
        if action.__class__.__name__ == "_SubParsersAction":
            for name, sub in action.choices.items():
                yield from _all_parsers(sub, prefix + (name,))


def test_every_command_has_help():
    for path, parser in _all_parsers(build_parser()):
        text = parser.format_help()
        assert "usage:" in text and len(text) > 60, path
        if path:
            assert parser.description, f"{' '.join(path)} has no description"


def test_no_traceback_from_the_installed_command(tmp_path):
    """The console script itself: bad input is one line and status 2."""
    assert main(["init", "--db", str(tmp_path / "x.db")]) == 0
    p = subprocess.run(
        [
            sys.executable,
            "-m",
            "watchdesk",
            "incident",
            "add",
            "--json",
            "-",
            "--db",
            str(tmp_path / "x.db"),
        ],
        input="[1,2]",
        capture_output=True,
        text=True,
    )
    assert p.returncode == 2 and "JSON object" in p.stderr
    assert "Traceback" not in p.stderr and len(p.stderr.strip().splitlines()) == 1


def test_commands_leave_the_garbage_collector_on(tmp_path):
    """`watchdesk` turns the collector off while the console starts; every command (and a
    failing one) turns it back on."""
    import gc

    from watchdesk.cli import main

    assert main(["--db", str(tmp_path / "d.db"), "init"]) == 0
    assert gc.isenabled()
    assert main(["--db", str(tmp_path / "none.db"), "incident", "list", "--json"]) != 0
    assert gc.isenabled()
    # A demo desk written without opening it is not the console: the collector is on while the
    # desk is built.
    import watchdesk.demo

    seen = []
    real = watchdesk.demo.build_demo

    def build(*args, **kwargs):
        seen.append(gc.isenabled())
        return real(*args, **kwargs)

    watchdesk.demo.build_demo = build
    try:
        assert main(["demo", "--no-ui", "--db", str(tmp_path / "demo.db")]) == 0
    finally:
        watchdesk.demo.build_demo = real
    assert seen == [True] and gc.isenabled()


def test_the_console_parses_only_its_own_options_but_commands_parse_in_full():
    """Opening the console builds no command parsers (see parse_args); whatever else is on the
    command line gets the whole parser, its help and its errors."""
    import pytest

    from watchdesk.cli import parse_args
    from watchdesk.cli.desk import cmd_demo, cmd_ui

    assert parse_args([]).func is cmd_ui
    args = parse_args(["--db", "demo", "--lang", "zh"])  # "demo" is the path here
    assert (args.func, args.db, args.lang) == (cmd_ui, "demo", "zh")
    args = parse_args(["demo", "--no-ui", "--db", "x.db"])
    assert (args.func, args.no_ui, args.db) == (cmd_demo, True, "x.db")
    # An abbreviation after a command is that command's: `backup --ver` is --verify, and takes
    # the backup, where the console's quick parse would have read --version and exited.
    args = parse_args(["backup", "--ver"])
    assert args.func.__name__ == "cmd_backup" and args.verify
    for bad in (["--lang", "fr"], ["--db"], ["--frobnicate"], ["incident", "frob"]):
        with pytest.raises(SystemExit) as e:
            parse_args(bad)
        assert e.value.code == 2


def test_help_lists_every_command(capsys):
    import pytest

    from watchdesk.cli import parse_args

    with pytest.raises(SystemExit) as e:
        parse_args(["--help"])
    assert e.value.code == 0
    out = capsys.readouterr().out
    for command in (
        "init",
        "demo",
        "incident",
        "now",
        "export",
        "check",
        "roster",
        "handover",
        "serve",
    ):
        assert f"    {command}" in out


def test_demo_without_db_writes_the_default_demo_desk(tmp_path, monkeypatch, capsys):
    """The README's first command, `watchdesk demo`, names no file: the demo desk goes to the
    user's data directory (it once failed with an AttributeError: --db is left out of the
    parsed arguments when not given)."""
    from watchdesk.cli import main

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert main(["demo", "--no-ui"]) == 0
    assert (tmp_path / "data" / "watchdesk" / "demo.db").is_file()
    assert "demo desk written to" in capsys.readouterr().err
