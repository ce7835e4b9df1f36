"""The README's two commands are real: CI runs the test command, and the demo command works;
the docs pages it links to exist."""

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
    # Each makes and uses a virtual environment: Debian's system Python refuses `pip install`
    # outside one (PEP 668).
    install_run, test = readme_commands()
    assert install_run == (
        "python3 -m venv .venv && . .venv/bin/activate && pip install . && watchdesk demo"
    )
    assert test == (
        "python3 -m venv .venv && . .venv/bin/activate && pip install '.[test]' && python -m pytest"
    )


def test_the_two_commands_come_first():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    first_fence = re.search(r"^```(\w*)", text, flags=re.MULTILINE)
    assert first_fence and first_fence.group(1) == "sh"


def test_ci_runs_exactly_the_readme_test_command():
    _, test = readme_commands()
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert test in ci.splitlines()
    assert "venv" in ci


def test_demo_command_writes_a_desk(tmp_path):
    # `watchdesk demo` minus the UI: the same code path with --no-ui.
    assert main(["demo", "--db", str(tmp_path / "d.db"), "--no-ui"]) == 0


def test_readme_links_every_docs_page_and_they_exist():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    linked = re.findall(r"\]\((docs/[^)#\s]+\.md)\)", text)
    assert linked, "the README links the manual's pages"
    missing = [p for p in linked if not (ROOT / p).is_file()]
    assert not missing, f"README links to missing pages: {missing}"
    pages = {f"docs/{p.name}" for p in (ROOT / "docs").glob("*.md")}
    assert pages <= set(linked), (
        f"docs pages the README does not link: {sorted(pages - set(linked))}"
    )
