"""Bad input found by trying it (issue 13): each gives one clear line in the UI language, exit 2
for bad input (1 for a desk file that cannot be used), never "unexpected error", and writes
nothing half-way."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from watchdesk.cli import build_parser, main
from watchdesk.cli.base import UserError
from watchdesk.cli.serve import parse_host
from watchdesk.demo import build_demo
from watchdesk.store.stamp import SCHEMA_STAMP

BIG = "99999999999999999999"  # above 2**63


def run(capsys, *argv):
    try:
        code = main([str(a) for a in argv])
    except SystemExit as e:  # argparse's own refusals (a bad value of a typed argument)
        code = int(e.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def audit_count(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT count(*) FROM audit").fetchone()[0]
    finally:
        conn.close()


@pytest.fixture(scope="module")
def demo_master(tmp_path_factory):
    """A demo desk around the real clock (the command line reads the real clock)."""
    return build_demo(tmp_path_factory.mktemp("demo") / "demo.db")


@pytest.fixture
def demo(demo_master, tmp_path):
    path = tmp_path / "desk.db"
    path.write_bytes(Path(demo_master).read_bytes())
    return path


def one_line(err: str) -> str:
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1, err
    assert "unexpected error" not in err and "Traceback" not in err, err
    return lines[0]


# -- 1. recording a leader-on-duty check ------------------------------------------------------
def test_leader_check_record_without_at_records_once_each_time(demo, capsys):
    conn = sqlite3.connect(demo)
    before = conn.execute("SELECT count(*) FROM leader_checks").fetchone()[0]
    conn.close()
    for n in range(1, 4):  # the last ones are ad-hoc: after every due check
        code, out, err = run(capsys, "leader-check", "--record", "--db", demo)
        assert code == 0, err
        assert "shift_id" in json.loads(out)
        conn = sqlite3.connect(demo)
        rows = conn.execute("SELECT at, due_at FROM leader_checks ORDER BY id").fetchall()
        conn.close()
        assert len(rows) == before + n  # one record per run, never two
        assert all(len(at) == len("2026-12-03T10:15:39+00:00") for at, _ in rows[-n:])


# -- 2. numbers too large for the desk ---------------------------------------------------------
@pytest.mark.parametrize(
    "argv",
    [
        ["incident", "show", BIG],
        ["incident", "void", BIG, "--reason", "x"],
        ["roster", "swap", BIG, "1", "--reason", "x", "--approver", "y"],
        ["roster", "substitute", BIG, "--by", "周文博", "--reason", "x", "--approver", "y"],
        ["signin", "赵磊", "--shift", BIG],
        ["leader-check", "--shift", BIG],
        ["warning", "show", BIG],
        ["rollcall", "show", BIG],
        ["rollcall", "start", "--unit", BIG],
        ["handover", "--shift", BIG],
        ["handover", "--width", BIG],
        ["directory", "search", "x", "--limit", BIG],
        ["officer", "show", f"#{BIG}"],
        ["--as", f"#{BIG}", "roster", "ack", "k", "--reason", "r"],
        ["roster", "ack", BIG, "--reason", "r"],
    ],
)
def test_a_number_above_2_63_is_bad_input_and_writes_nothing(demo, capsys, argv):
    before = audit_count(demo)
    code, _, err = run(capsys, *argv, "--db", demo)
    assert code == 2, err
    line = one_line(err)
    assert "too large" in line, line
    assert audit_count(demo) == before


def test_too_large_in_the_ui_language(demo, capsys):
    code, _, err = run(capsys, "incident", "show", BIG, "--lang", "zh", "--db", demo)
    assert code == 2 and "过大" in one_line(err)
    code, _, err = run(capsys, "--as", f"#{BIG}", "roster", "ack", "k", "--reason", "r",
                       "--lang", "zh", "--db", demo)  # fmt: skip
    assert code == 2 and "过大" in one_line(err)


# -- 3. extreme dates --------------------------------------------------------------------------
@pytest.mark.parametrize(
    "argv",
    [
        ["roster", "hours", "--to", "9999-12-31"],
        ["roster", "hours", "--from", "0001-01-01"],
        ["roster", "show", "--from", "9999-12-31", "--to", "9999-12-31"],
        ["roster", "export", "--to", "9999-12-31"],
        ["roster", "problems", "--from", "0001-01-01", "--to", "0001-01-02"],
        ["roster", "leave", "--to", "9999-12-31"],
        ["roster", "generate", "--from", "9999-12-30", "--to", "9999-12-31", "--dry-run"],
        ["roster", "sensitive", "x", "--from", "9999-12-31", "--to", "9999-12-31"],
        ["roster", "problems", "--hours", "100000000"],
    ],
)
def test_extreme_dates_are_bad_input(demo, capsys, argv):
    before = audit_count(demo)
    code, _, err = run(capsys, *argv, "--db", demo)
    assert code == 2, err
    line = one_line(err)
    assert "out of range" in line or "too far" in line, line
    assert audit_count(demo) == before


def test_the_last_and_first_days_still_work(demo, capsys):
    for argv in (
        ["roster", "hours", "--from", "9998-12-01", "--to", "9998-12-31"],
        ["roster", "show", "--from", "0002-01-01", "--to", "0002-01-02"],
        ["roster", "problems", "--from", "9998-12-31", "--to", "9998-12-31"],
    ):
        code, out, err = run(capsys, *argv, "--db", demo)
        assert code == 0, err
        json.loads(out)
    code, _, err = run(
        capsys, "roster", "hours", "--to", "9999-12-31", "--lang", "zh", "--db", demo
    )
    assert code == 2 and "超出范围" in one_line(err)


# -- 4. serve --host ---------------------------------------------------------------------------
def test_a_bracketed_ipv6_host_is_accepted_and_unwrapped():
    assert parse_host("[::1]") == "::1"
    assert parse_host(" ::1 ") == "::1"
    assert parse_host("[fe80::1%lo]") == "fe80::1%lo"
    assert parse_host("localhost") == "localhost"
    assert parse_host("127.0.0.1") == "127.0.0.1"


@pytest.mark.parametrize(
    "host, says",
    [
        ("[localhost]", "brackets go around an IPv6 address only"),
        ("[127.0.0.1]", "brackets go around an IPv6 address only"),
        ("[::1", "brackets go around an IPv6 address only"),
        ("[::1]:8000", "the port goes in --port"),
        ("127.0.0.1:8000", "the port goes in --port"),
        ("   ", "empty"),
    ],
)
def test_a_host_that_is_not_an_address_is_refused_clearly(demo, capsys, host, says):
    code, _, err = run(capsys, "serve", "--host", host, "--port", "8799", "--db", demo)
    assert code == 2, err
    assert says in one_line(err)
    with pytest.raises(UserError):
        parse_host(host)


# -- 5. an empty file, a file that is not a desk ------------------------------------------------
def test_init_makes_an_empty_file_a_desk_and_says_so(tmp_path, capsys):
    path = tmp_path / "desk.db"
    path.touch()
    code, _, err = run(capsys, "now", "--db", path)
    assert code == 1
    line = one_line(err)
    assert "empty, 0 bytes" in line and "watchdesk init" in line and "watchdesk restore" in line
    assert path.stat().st_size == 0  # nothing written
    code, _, err = run(capsys, "init", "--db", path)
    assert code == 0 and "was an empty file (0 bytes): made it a new desk" in err
    code, _, err = run(capsys, "init", "--db", path)
    assert code == 0 and "opened the existing desk" in err
    code, _, err = run(capsys, "init", "--db", tmp_path / "new.db")
    assert code == 0 and "created a new desk" in err
    assert run(capsys, "now", "--db", path)[0] == 0


@pytest.mark.parametrize("command", [["init"], ["now"], ["incident", "list"], ["check"]])
def test_a_file_that_is_not_a_desk_is_refused_by_every_command(tmp_path, capsys, command):
    text = tmp_path / "notes.txt"
    text.write_text("not a desk\n" * 100, encoding="utf-8")
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE orders (id INTEGER PRIMARY KEY)")
    conn.commit()
    conn.close()
    for path, says in (
        (text, "if it is some other file, check --db"),
        (other, "not a watchdesk desk"),
    ):
        before = path.read_bytes()
        code, out, err = run(capsys, *command, "--db", path)
        assert code == 1 and out == ""
        line = one_line(err)
        assert says in line and str(path) in line, line
        assert path.read_bytes() == before


# -- 6. a desk from a newer watchdesk ----------------------------------------------------------
def test_a_newer_desk_is_refused_naming_both_versions(tmp_path, capsys):
    path = tmp_path / "desk.db"
    assert run(capsys, "init", "--db", path)[0] == 0
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_STAMP + 1}")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    for argv in (["now"], ["init"], ["officer", "add", "张三"]):
        code, _, err = run(capsys, *argv, "--db", path)
        assert code == 1
        line = one_line(err)
        assert f"version {SCHEMA_STAMP + 1}" in line and f"up to {SCHEMA_STAMP}" in line, line
    code, _, err = run(capsys, "now", "--lang", "zh", "--db", path)
    assert "更新版本" in one_line(err)
    assert path.read_bytes() == before


# -- 7. control characters ---------------------------------------------------------------------
def test_control_characters_never_reach_the_desk_or_the_printed_sheet(demo, tmp_path, capsys):
    nasty = "\x1b[2J\x1b]0;pwned\x07\x00\u202e"
    code, out, err = run(capsys, "officer", "add", f"张{nasty}三", "--title", f"科长\n{nasty}",
                         "--db", demo)  # fmt: skip
    assert code == 0, err
    added = json.loads(out)
    assert added["name"] == "张三" and added["title"] == "科长"
    f = tmp_path / "inc.json"
    f.write_text(
        json.dumps(
            {"place": f"城关镇{nasty}", "category": "火灾", "description": f"起火{nasty}\n续"}
        ),
        encoding="utf-8",
    )
    code, out, err = run(capsys, "incident", "add", "--json", f, "--db", demo)
    assert code == 0, err
    inc = json.loads(out)
    assert inc["place"] == "城关镇" and inc["description"] == "起火\n续"
    code, out, err = run(capsys, "handover", "--format", "txt", "--db", demo)
    assert code == 0, err
    assert "\x1b" not in out and "\x00" not in out and "\u202e" not in out and "\x07" not in out
    code, out, err = run(capsys, "export", "--db", demo)
    assert code == 0 and not any(c in out for c in ("\\u001b", "\\u0000", "\u202e"))


def test_a_nul_in_an_imported_unit_name_leaves_every_export_working(demo, tmp_path, capsys):
    src = tmp_path / "units.csv"
    src.write_bytes(
        "名称,类型,级别,值班电话\n消防\x00救援\x1b[1m大队,linkage,1,0731-1234567\n".encode(
            "utf-8-sig"
        )
    )
    code, out, err = run(capsys, "directory", "import", src, "--db", demo)
    assert code == 0, err
    for name in ("units.xlsx", "units.csv"):
        code, out, err = run(capsys, "directory", "export", tmp_path / name, "--db", demo)
        assert code == 0, err
    code, out, _ = run(capsys, "directory", "search", "消防救援大队", "--db", demo)
    assert "消防救援大队" in out


# -- 11. the roster's help names only real commands --------------------------------------------
def test_roster_help_lists_only_commands_that_exist(capsys):
    parser = build_parser()
    top = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    roster = top.choices["roster"]
    actions = next(a for a in roster._actions if a.__class__.__name__ == "_SubParsersAction")
    listed = next(a.help for a in top._choices_actions if a.dest == "roster")
    names = [n.strip() for n in listed.split(":", 1)[1].split(",")]
    assert names and all(n in actions.choices for n in names), names
    assert set(names) == set(actions.choices)
