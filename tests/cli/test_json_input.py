"""JSON given to the command line (issue 13): with a UTF-8 byte-order mark, on stdin or in a file;
nested too deeply for the parser (one clear line, not a RecursionError); grades by their Chinese
name; and `--help` naming every field with its meaning."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from watchdesk.cli import build_parser, main
from watchdesk.models.incident import FIGURE_FIELDS, Grade
from watchdesk.rules.intake import KNOWN_FIELDS
from watchdesk.store.desk import Store

INCIDENT = {"place": "城关镇东街", "category": "火灾", "description": "商铺起火"}


@pytest.fixture
def desk(tmp_path):
    path = tmp_path / "desk.db"
    assert main(["init", "--db", str(path)]) == 0
    return path


def incidents(path):
    s = Store.open(path)
    try:
        return s.incidents.list()
    finally:
        s.close()


def watchdesk(*argv, stdin: bytes) -> subprocess.CompletedProcess[bytes]:
    """The installed command itself, reading a real stdin."""
    return subprocess.run(
        [sys.executable, "-m", "watchdesk", *map(str, argv)], input=stdin, capture_output=True
    )


def test_a_byte_order_mark_on_stdin_is_accepted(desk):
    body = b"\xef\xbb\xbf" + json.dumps(INCIDENT, ensure_ascii=False).encode("utf-8")
    p = watchdesk("incident", "add", "--json", "-", "--db", desk, stdin=body)
    assert p.returncode == 0, p.stderr.decode()
    assert json.loads(p.stdout)["place"] == "城关镇东街"
    assert [i.place for i in incidents(desk)] == ["城关镇东街"]


def test_a_byte_order_mark_in_a_file_is_accepted(desk, tmp_path, capsys):
    f = tmp_path / "inc.json"
    f.write_bytes(b"\xef\xbb\xbf" + json.dumps(INCIDENT, ensure_ascii=False).encode("utf-8"))
    assert main(["incident", "add", "--json", str(f), "--db", str(desk)]) == 0


@pytest.mark.parametrize("opening", ["[", '{"a":'])
def test_deeply_nested_json_is_one_clear_line(desk, opening):
    p = watchdesk(
        "incident", "add", "--json", "-", "--db", desk, stdin=(opening * 100_000).encode()
    )
    err = p.stderr.decode()
    assert p.returncode == 2
    assert "nested too deeply" in err and "Recursion" not in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    assert incidents(desk) == []


def test_deeply_nested_figures_in_chinese(desk):
    p = watchdesk(
        "--lang", "zh", "incident", "figures", "1", "--json", "-", "--db", desk,
        stdin=b"[" * 100_000,
    )  # fmt: skip
    assert p.returncode == 2 and "嵌套层数过多" in p.stderr.decode()


def test_not_utf8_is_one_line(desk):
    p = watchdesk(
        "incident", "add", "--json", "-", "--db", desk, stdin='{"place": "城关"}'.encode("gbk")
    )
    assert p.returncode == 2 and "not UTF-8" in p.stderr.decode()


@pytest.mark.parametrize(
    ("given", "grade"),
    [
        ("重大", Grade.II),
        ("特别重大", Grade.I),
        ("较大级", Grade.III),
        ("Ⅳ级", Grade.IV),
        ("ii", Grade.II),
    ],
)
def test_a_grade_by_its_chinese_name(desk, tmp_path, capsys, given, grade):
    f = tmp_path / "inc.json"
    f.write_text(json.dumps(INCIDENT | {"grade": given}, ensure_ascii=False), encoding="utf-8")
    assert main(["incident", "add", "--json", str(f), "--db", str(desk)]) == 0
    (inc,) = incidents(desk)
    assert inc.grade == grade
    capsys.readouterr()
    assert main(["incident", "list", "--grade", given, "--json", "--db", str(desk)]) == 0
    assert [i["id"] for i in json.loads(capsys.readouterr().out)] == [inc.id]


def _help(*path: str) -> str:
    parser = build_parser()
    for name in path:
        action = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
        parser = action.choices[name]
    return parser.format_help()


def test_help_names_every_field_with_its_meaning():
    add = _help("incident", "add")
    for field in KNOWN_FIELDS:
        line = next((x for x in add.splitlines() if x.split()[:1] == [field]), None)
        assert line is not None, f"incident add --help does not name {field}"
        assert " — " in line, f"incident add --help gives {field} no meaning"
    figures = _help("incident", "figures")
    for field in (*FIGURE_FIELDS, "source", "status", "at", "note", "accept_lower"):
        assert any(x.split()[:1] == [field] for x in figures.splitlines()), field
    assert "direct_loss" in add and "seriously_injured" in add
    report = _help("incident", "report")
    for kind in ("phone", "written", "followup", "verification", "final"):
        assert any(x.split()[:1] == [kind] for x in report.splitlines()), kind
    log = _help("log", "add")
    for kind in ("call_in", "doc_in", "instruction", "action", "note"):
        assert any(x.split()[:1] == [kind] for x in log.splitlines()), kind
