"""The command line's own lines are in the UI language: under `--lang zh` (or a Chinese locale)
bad input, failures and the "written to" notes are Chinese, option names and paths as they are,
no English sentence left; argparse's refusals included. Under en the wording stays as it was."""

from __future__ import annotations

import re
import socket
from pathlib import Path

import pytest

from watchdesk.cli import main
from watchdesk.demo import build_demo

# Two ASCII words in a row (after the option names, paths and dotted names, quoted values and
# `commands` are taken out) would be English left in a Chinese line.
ENGLISH_RUN = re.compile(r"[A-Za-z_]+(?:[ ,;()-]+[A-Za-z_]+)+")
CHINESE = re.compile(r"[\u4e00-\u9fff]")
PROG = re.compile(r"^watchdesk(?: [a-z-]+)*[:：]\s*")


def run(capsys, *argv: object) -> tuple[int, str, str]:
    try:
        code = main([str(a) for a in argv])
    except SystemExit as e:  # argparse's own refusals
        code = int(e.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def english_left(line: str, *paths: object) -> list[str]:
    rest = PROG.sub("", line)
    for p in sorted((str(p) for p in paths), key=len, reverse=True):
        rest = rest.replace(p, " ")
    rest = re.sub(r"`[^`]*`|'[^']*'|--[\w-]+(?:=\S+)?|[\w.-]*[./][\w./-]*", " ", rest)
    return ENGLISH_RUN.findall(rest)


def chinese_line(err: str, *paths: object) -> str:
    """The one line of stderr (the first of a multi-line refusal), checked: Chinese, no
    English sentence, no traceback."""
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert lines, "nothing on stderr"
    assert "Traceback" not in err and "unexpected error" not in err, err
    line = lines[0]
    assert CHINESE.search(line), line
    assert not english_left(line, *paths), (line, english_left(line, *paths))
    return line


@pytest.fixture(scope="module")
def demo_master(tmp_path_factory):
    return build_demo(tmp_path_factory.mktemp("demo") / "demo.db")


@pytest.fixture
def demo(demo_master, tmp_path):
    path = tmp_path / "demo.db"
    path.write_bytes(Path(demo_master).read_bytes())
    return path


@pytest.fixture
def empty(tmp_path, capsys):
    path = tmp_path / "empty.db"
    assert main(["init", "--db", str(path)]) == 0
    capsys.readouterr()
    return path


def test_the_checker_finds_english():
    assert english_left("watchdesk: --to: is before --from")
    assert not english_left("watchdesk: --to: 早于 --from")
    assert not english_left("watchdesk incident show：错误：参数 id：'1x' 不是有效的 int 值")


# -- bad input and failures, exit 2 or 1 ------------------------------------------------------
def test_bad_input_on_an_empty_desk_is_chinese(empty, tmp_path, capsys):
    cases = [
        (["handover", "--format", "pdf"], 2, "--output"),
        (["handover", "--shift", "999"], 2, "#999"),
        (["handover"], 2, "班次"),
        (["roster", "show", "--from", "2026-12-05", "--to", "2026-12-01"], 2, "--to"),
        (["roster", "sensitive", "两会"], 2, "--from"),
        (["roster", "leave", "赵磊"], 2, "--from"),
        (["signin", "赵磊"], 2, "--shift"),
        (["--as", "#999", "officer", "add", "王五"], 2, "#999"),
        (["incident", "add", "--json", tmp_path], 2, "文件夹"),
        (["incident", "add", "--json", tmp_path / "none.json"], 2, "不存在"),
        (["officer", "export", "--output", tmp_path / "officers.doc"], 2, "--output"),
        (["officer", "export", "--output", tmp_path / "no" / "such" / "o.csv"], 1, "不存在"),
        (["serve", "--host", " "], 2, "--host"),
        (["serve", "--host", "10.1.1.1"], 2, "--public"),
        (["serve", "--host", "0.0.0.0", "--public"], 2, "handover_pin"),
    ]
    for argv, status, names in cases:
        code, out, err = run(capsys, "--lang", "zh", *argv, "--db", empty)
        line = chinese_line(err, empty, tmp_path)
        assert code == status and names in line, (argv, code, line)


def test_a_path_through_a_file_is_not_a_folder(empty, tmp_path, capsys):
    (tmp_path / "a.csv").write_text("", encoding="utf-8")
    target = tmp_path / "a.csv" / "o.csv"
    code, _, err = run(
        capsys, "--lang", "zh", "officer", "export", "--output", target, "--db", empty
    )
    assert code == 1 and "不是文件夹" in chinese_line(err, tmp_path)
    code, _, err = run(
        capsys, "--lang", "en", "officer", "export", "--output", target, "--db", empty
    )
    assert err == f"watchdesk: --output {target}: a part of the path is not a folder\n"


def test_a_pin_reset_needs_as(empty, capsys, monkeypatch):
    monkeypatch.delenv("WATCHDESK_ACTOR")
    code, _, err = run(capsys, "--lang", "zh", "officer", "pin", "reset", "赵磊", "--db", empty)
    assert code == 2 and "--as" in chinese_line(err, empty)


def test_refused_imports_are_chinese(empty, tmp_path, capsys):
    officers = tmp_path / "officers.csv"
    officers.write_bytes(
        "姓名,职务,电话,角色,管理员,在岗\r\n吴晓燕,科员,12,值班员,否,是\r\n".encode("utf-8-sig")
    )
    code, _, err = run(capsys, "--lang", "zh", "officer", "import", officers, "--db", empty)
    assert code == 2 and "未导入" in chinese_line(err, officers)
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "date,start,end,role,name\n2026-12-01,08:30,08:30,leader,无此人\n", encoding="utf-8"
    )
    code, _, err = run(capsys, "--lang", "zh", "roster", "import", roster, "--db", empty)
    assert code == 2, err
    for line in err.splitlines():
        assert not english_left(line.strip(), roster), line
    assert "未导入" in chinese_line(err, roster)


def test_argparse_refusals_are_chinese(empty, capsys):
    cases = [
        (["serve", "--port", "x"], "--port"),
        (["serve", "--port", "70000"], "65535"),
        (["incident", "show", "1x"], "id"),
        (["incident", "void"], "--reason"),
        (["now", "--bogus"], "--bogus"),
        (["incident", "list", "--since"], "--since"),
        (["incident", "lis"], "lis"),
        (["incident", "list", "--grade", "V"], "--grade"),
    ]
    for argv, names in cases:
        code, _, err = run(capsys, "--lang", "zh", *argv, "--db", empty)
        line = chinese_line(err, empty)
        assert code == 2 and names in line and "--help" in line, (argv, line)
    # under en argparse's own words, as before
    code, _, err = run(capsys, "--lang", "en", "serve", "--port", "x", "--db", empty)
    assert err == "watchdesk serve: error: argument --port: not a port number: 'x' (see --help)\n"
    code, _, err = run(capsys, "--lang", "en", "incident", "void", "--db", empty)
    assert "error: the following arguments are required: id, --reason (see --help)" in err


def test_a_config_language_that_does_not_exist_in_a_chinese_locale(
    empty, tmp_path, capsys, monkeypatch
):
    cfg = tmp_path / "fr.toml"
    cfg.write_text('language = "fr"\n', encoding="utf-8")
    monkeypatch.setenv("LC_ALL", "zh_CN.UTF-8")
    code, _, err = run(capsys, "--config", cfg, "now", "--json", "--db", empty)
    assert code == 2 and "language" in chinese_line(err, cfg)
    monkeypatch.setenv("LC_ALL", "en_US.UTF-8")
    code, _, err = run(capsys, "--config", cfg, "now", "--json", "--db", empty)
    assert err == f"watchdesk: config {cfg}: language: no such language 'fr' (use zh or en)\n"


def test_serve_cannot_resolve_or_listen(empty, tmp_path, capsys, monkeypatch):
    pytest.importorskip("textual_serve")
    cfg = tmp_path / "pins.toml"
    cfg.write_text("handover_pin = true\n", encoding="utf-8")
    monkeypatch.setenv("WATCHDESK_CONFIG", str(cfg))
    with socket.socket() as s:  # a port taken: it stops there
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        code, _, err = run(capsys, "--lang", "zh", "serve", "--port", port, "--db", empty)
    assert code == 2 and f"--port {port}" in chinese_line(err)

    def no_such_name(*args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_such_name)
    argv = ["serve", "--host", "desk.example.invalid", "--public", "--db", empty]
    code, _, err = run(capsys, "--lang", "zh", *argv)
    assert code == 2 and "desk.example.invalid" in chinese_line(err, empty)
    code, _, err = run(capsys, "--lang", "en", *argv)
    assert err == "watchdesk: --host desk.example.invalid: cannot resolve (no such host name)\n"


def test_naming_and_editing_officers_is_chinese(demo, capsys):
    cases = [
        (["officer", "show", "李四"], "李四"),
        (["officer", "show", "孙丽娜", "--title", "无此职务"], "孙丽娜"),
        (["officer", "show", " "], "姓名"),
        (["officer", "activate", "孙丽娜"], "孙丽娜"),
        (["officer", "add", " "], "姓名"),
        (["officer", "add", "王五", "--roles", "boss"], "--roles"),
        (["officer", "edit", "孙丽娜"], "--set-name"),
        (["officer", "pin", "set", "孙丽娜", "--pin", "1234"], "孙丽娜"),
        (["officer", "pin", "reset", "赵磊", "--as", "孙丽娜"], "孙丽娜"),
    ]
    for argv, names in cases:
        code, _, err = run(capsys, "--lang", "zh", *argv, "--db", demo)
        line = chinese_line(err, demo)
        assert code == 2 and names in line, (argv, code, line)


# -- what a command wrote and where -----------------------------------------------------------
def test_written_to_lines_are_chinese(demo, tmp_path, capsys):
    out = tmp_path / "handover.md"
    code, _, err = run(capsys, "--lang", "zh", "handover", "--output", out, "--db", demo)
    assert code == 0 and "交接单" in chinese_line(err, out) and str(out) in err
    code, _, err = run(
        capsys, "--lang", "zh", "officer", "export", "--output", tmp_path / "o.csv", "--db", demo
    )
    assert code == 0 and "值班人员" in chinese_line(err, tmp_path)
    code, _, err = run(capsys, "--lang", "en", "handover", "--output", out, "--db", demo)
    assert code == 0 and re.fullmatch(
        rf"handover of shift #\d+ \(draft\) written to {re.escape(str(out))}\n", err
    )


def test_check_demo_and_backup_lines_are_chinese(demo, tmp_path, capsys):
    code, out, _ = run(capsys, "--lang", "zh", "check", "--db", demo)
    lines = out.splitlines()
    assert code == 0 and lines[0] == "完整性检查（integrity_check）：ok", out
    assert re.fullmatch(r"审计链：\d+ 条记录，校验通过", lines[1]), out
    code, out, _ = run(capsys, "--lang", "en", "check", "--db", demo)
    assert out.splitlines()[:1] == ["integrity_check: ok"]
    assert re.fullmatch(r"audit chain: \d+ entries, verified", out.splitlines()[1]), out
    code, _, err = run(capsys, "--lang", "zh", "backup", "--keep", "0", "--db", demo)
    assert code == 2 and "--keep" in chinese_line(err, demo)
    code, _, err = run(capsys, "--lang", "zh", "backup", "--db", tmp_path / "none.db")
    assert code == 1 and "none.db" in chinese_line(err, tmp_path)
    path = tmp_path / "new-demo.db"
    code, _, err = run(capsys, "--lang", "zh", "demo", "--no-ui", "--db", path)
    assert code == 0 and err == f"演示值班台已写入 {path}\n"
