"""The README's two commands are real: CI runs the test command, and the demo command works."""

from __future__ import annotations

import re
from pathlib import Path

from watchdesk.cli import main

ROOT = Path(__file__).resolve().parents[2]


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```sh\n(.*?)```", text, flags=re.DOTALL)
    return [b.strip() for b in blocks[:2]]


def test_readme_has_the_two_commands():
    install_run, test = readme_commands()
    assert install_run == "pip install . && watchdesk demo"
    assert test == "pip install '.[test]' && python -m pytest"


def test_ci_runs_exactly_the_readme_test_command():
    _, test = readme_commands()
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert test in ci.splitlines()
    assert "venv" in ci


def test_demo_command_writes_a_desk(tmp_path):
    # `watchdesk demo` minus the UI: the same code path with --no-ui.
    assert main(["demo", "--db", str(tmp_path / "d.db"), "--no-ui"]) == 0
