"""`python -m watchdesk CMD` and the installed `watchdesk CMD` fail alike: the same exit status
and the same one line on stderr, for errors of every noun. Bad input is status 2 and names its
field; it is never an "unexpected error".

Once, under `python -m watchdesk`, a command module imported its `UserError` back from
`watchdesk.__main__`, which then ran as a second copy with a class of its own: `handover --format
pdf` was "unexpected error: UserError: …", status 1, where the installed command said status 2.

Both are run as processes (this file imports nothing of watchdesk), two at a time.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest


def _installed_command() -> str | None:
    beside = Path(sys.executable).parent / "watchdesk"  # the venv's console script
    return str(beside) if beside.is_file() else shutil.which("watchdesk")


SCRIPT = _installed_command()
pytestmark = pytest.mark.skipif(SCRIPT is None, reason="the watchdesk command is not installed")

INCIDENT = '{"place": "城关镇", "category": "火灾", "description": "商铺起火"'
BAD_HEADER = "名字,电话\n王建国,13900000001\n"
BAD_ROWS = "日期,开始,结束,班次,角色,姓名\n2026-13-01,08:30,08:30,24h,值班员,周文博\n"

# id, arguments ({desk} and {tmp} are filled in), stdin, status, what stderr names
CASES = [
    ("incident-add-bad-json", ["incident", "add", "--json", "-"], "{not json", 2, "--json -"),
    (
        "incident-add-bad-field",
        ["incident", "add", "--json", "-"],
        INCIDENT + ', "dead": -1}',
        2,
        "dead:",
    ),
    ("incident-unknown-id", ["incident", "show", "999"], None, 2, "no incident #999"),
    (
        "incident-id-too-large",
        ["incident", "void", "1" + "0" * 20, "--reason", "x"],
        None,
        2,
        "argument id",
    ),
    ("incident-bad-time", ["incident", "list", "--since", "soon"], None, 2, "--since"),
    ("incident-bad-choice", ["incident", "list", "--grade", "V"], None, 2, "--grade"),
    ("handover-pdf-needs-output", ["handover", "--format", "pdf"], None, 2, "--format pdf"),
    ("handover-unknown-shift", ["handover", "--shift", "999"], None, 2, "--shift"),
    ("roster-bad-date", ["roster", "show", "--from", "2026-13-01"], None, 2, "--from"),
    ("roster-date-out-of-range", ["roster", "hours", "--from", "0001-01-01"], None, 2, "--from"),
    ("roster-hours-too-far", ["roster", "problems", "--hours", "99999999999"], None, 2, "--hours"),
    ("roster-import-bad-file", ["roster", "import", "{tmp}/header.csv"], None, 2, "header.csv"),
    ("roster-import-bad-rows", ["roster", "import", "{tmp}/rows.csv"], None, 2, "rows.csv"),
    ("roster-unknown-name", ["roster", "export", "--officer", "无此人"], None, 2, "officer:"),
    (
        "warning-bad-level",
        [
            "warning",
            "issue",
            "--kind",
            "rainstorm",
            "--level",
            "purple",
            "--area",
            "城关镇",
            "--issuer",
            "气象台",
        ],
        None,
        2,
        "--level",
    ),
    ("warning-unknown-id", ["warning", "lift", "999"], None, 2, "no warning #999"),
    ("rollcall-bad-field", ["rollcall", "higher", "add", "--checker", ""], None, 2, "--checker"),
    ("directory-missing-file", ["directory", "import", "{tmp}/none.csv"], None, 2, "no such file"),
    ("serve-network-host", ["serve", "--host", "0.0.0.0"], None, 2, "--public"),
    ("backup-keep-zero", ["backup", "--keep", "0"], None, 2, "--keep"),
    ("config-bad-language", ["--config", "{tmp}/fr.toml", "now"], None, 2, "language"),
    ("missing-desk", ["now", "--json", "--db", "{tmp}/none.db"], None, 1, "no desk database"),
    (
        "export-unwritable",
        ["export", "--output", "{tmp}/no/such/folder/desk.json"],
        None,
        1,
        "--output",
    ),
]
MULTI_LINE = {"roster-import-bad-rows"}  # the file, then one line per bad row


@pytest.fixture(scope="module")
def place(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("exit-codes")
    env = {k: v for k, v in os.environ.items() if k not in ("WATCHDESK_DEBUG", "WATCHDESK_DB")}
    env["WATCHDESK_CONFIG"] = str(tmp / "no-config.toml")
    desk = tmp / "desk.db"
    subprocess.run(
        [sys.executable, "-m", "watchdesk", "init", "--db", str(desk)],
        env=env,
        check=True,
        capture_output=True,
    )
    (tmp / "header.csv").write_text(BAD_HEADER, encoding="utf-8")
    (tmp / "rows.csv").write_text(BAD_ROWS, encoding="utf-8")
    (tmp / "fr.toml").write_text('language = "fr"\n', encoding="utf-8")
    return tmp, desk, env


def _both(argv: list[str], stdin: str | None, env: dict[str, str]):
    """(status, stdout, stderr) of `python -m watchdesk` and of the installed command."""
    assert SCRIPT is not None
    procs = [
        subprocess.Popen(
            [*head, *argv],
            stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for head in ([sys.executable, "-m", "watchdesk"], [SCRIPT])
    ]
    out = []
    for p in procs:
        stdout, stderr = p.communicate(stdin, timeout=120)
        out.append((p.returncode, stdout, stderr))
    return out


@pytest.mark.parametrize(
    "argv, stdin, status, names", [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_both_commands_fail_alike(place, argv, stdin, status, names, request):
    tmp, desk, env = place
    argv = [a.replace("{tmp}", str(tmp)) for a in argv]
    if "--db" not in argv:
        argv += ["--db", str(desk)]
    (m_code, m_out, m_err), (s_code, s_out, s_err) = _both(argv, stdin, env)
    assert (m_code, m_err) == (s_code, s_err), "python -m watchdesk and watchdesk differ"
    assert m_code == status, m_err
    assert m_out == "" and s_out == ""
    assert "unexpected error" not in m_err and "Traceback" not in m_err, m_err
    assert names in m_err, m_err
    lines = m_err.strip().splitlines()
    assert lines[0].startswith("watchdesk"), m_err
    if request.node.callspec.id not in MULTI_LINE:
        assert len(lines) == 1, m_err
