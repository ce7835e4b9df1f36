"""The commands the manual shows are run, as sqlite-utils keeps its documentation honest.

The convention (docs/development.md, "The manual's commands are run"):

- Every ```sh block in docs/*.md is run, line by line in the page's order, by bash with pipefail.
  Each line is one `watchdesk …` command (environment assignments such as `WATCHDESK_TZ=… ` may
  come first) and must exit 0.
- Each page runs in a scratch folder of its own on a fresh demo desk (`watchdesk demo --no-ui`,
  named by WATCHDESK_DB), with HOME, the XDG folders and WATCHDESK_CACHE inside the scratch folder
  and no config file; the examples use the demo desk's ids and act as its officer 赵磊, on duty
  now (WATCHDESK_ACTOR).
- A fenced block whose info string names a file (```json file=incident.json) is written to that
  file in the scratch folder before the page's commands run.
- Commands not meant to run (they open the console, serve, print, or show a synopsis or a
  placeholder) go in a ```text block: shown, never run.

The installed `watchdesk` beside this interpreter is run (else `python -m watchdesk`).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
PAGES = [
    "incidents.md",
    "roster.md",
    "handover.md",
    "directory.md",
    "warnings.md",
    "dispatch.md",
    "cli.md",
    "configuration.md",
    "data.md",
    "development.md",
]
TIMEOUT = 120  # seconds per command: only a hung command comes near it
DEMO_ACTOR = "赵磊"

_FENCE = re.compile(r"^```([^\n]*)\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)
_COMMAND = re.compile(r"^(?:[A-Z_][A-Z0-9_]*=\S+ +)*watchdesk(?: |$)")


@dataclass
class Block:
    lang: str
    file: str | None  # from `file=NAME` in the info string
    body: str
    line: int  # line number of the block's first body line in its page


@dataclass
class Command:
    text: str
    line: int


def blocks(text: str) -> list[Block]:
    out = []
    for m in _FENCE.finditer(text):
        info = m.group(1).split()
        lang = info[0] if info else ""
        file = next((w[5:] for w in info[1:] if w.startswith("file=")), None)
        line = text.count("\n", 0, m.start(2)) + 1
        out.append(Block(lang, file, m.group(2), line))
    return out


def commands(text: str) -> list[Command]:
    """Every line of every ```sh block, in the page's order (blank lines skipped)."""
    out = []
    for b in blocks(text):
        if b.lang != "sh":
            continue
        for i, raw in enumerate(b.body.splitlines()):
            if raw.strip():
                out.append(Command(raw.strip(), b.line + i))
    return out


def page_text(name: str) -> str:
    return (DOCS / name).read_text(encoding="utf-8")


def watchdesk_bin(scratch: Path) -> Path:
    """The folder to put first on PATH: the venv's own `watchdesk`, else a shim for this python."""
    here = Path(sys.executable).parent
    if (here / "watchdesk").is_file():
        return here
    shim = scratch / "bin"
    shim.mkdir(exist_ok=True)
    script = shim / "watchdesk"
    script.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m watchdesk "$@"\n', encoding="utf-8")
    script.chmod(0o755)
    return shim


def scratch_env(scratch: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WATCHDESK_")}
    home = scratch / "home"
    env.update(
        HOME=str(home),
        XDG_DATA_HOME=str(home / ".local" / "share"),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_CACHE_HOME=str(home / ".cache"),
        XDG_STATE_HOME=str(home / ".local" / "state"),
        WATCHDESK_CACHE=str(scratch / "cache"),
        WATCHDESK_CONFIG=str(scratch / "no-config.toml"),  # never the developer's own
        WATCHDESK_DB=str(scratch / "desk.db"),
        # Who the examples' changes are recorded under (`--as`): the demo desk's duty chief of
        # the current shift (赵磊 is always on it; see watchdesk/demo.py).
        WATCHDESK_ACTOR=DEMO_ACTOR,
        PATH=f"{watchdesk_bin(scratch)}{os.pathsep}{env.get('PATH', '')}",
        LANG=env.get("LANG") or "C.UTF-8",
        PYTHONIOENCODING="utf-8",
    )
    return env


def run_page(name: str, text: str, scratch: Path) -> str | None:
    """Run a page's commands as the convention says; None, or what went wrong."""
    env = scratch_env(scratch)
    for b in blocks(text):
        if b.file:
            (scratch / b.file).write_text(b.body, encoding="utf-8")
    setup = ["watchdesk", "demo", "--no-ui", "--db", env["WATCHDESK_DB"]]
    steps = [Command(" ".join(setup), 0)] + commands(text)
    for c in steps:
        try:
            p = subprocess.run(
                ["bash", "-o", "pipefail", "-c", c.text],
                cwd=scratch,
                env=env,
                capture_output=True,
                text=True,
                timeout=TIMEOUT,
            )
        except subprocess.TimeoutExpired:
            return f"docs/{name}:{c.line}: `{c.text}` did not finish in {TIMEOUT} s"
        if p.returncode != 0:
            return (
                f"docs/{name}:{c.line}: `{c.text}` exited {p.returncode}\n"
                f"stderr: {p.stderr.strip()[-2000:]}\nstdout: {p.stdout.strip()[-500:]}"
            )
    return None


# -- the pages and their shape -------------------------------------------------------------------
def test_every_page_exists():
    missing = [p for p in PAGES if not (DOCS / p).is_file()]
    assert not missing, f"docs pages missing: {missing}"
    extra = sorted({p.name for p in DOCS.glob("*.md")} - set(PAGES))
    assert not extra, f"docs pages this test does not know: {extra}; add them to PAGES"


@pytest.mark.parametrize("name", PAGES)
def test_sh_lines_are_watchdesk_commands(name):
    bad = [c for c in commands(page_text(name)) if not _COMMAND.match(c.text)]
    assert not bad, "\n".join(
        f"docs/{name}:{c.line}: a ```sh line must be one `watchdesk …` command "
        f"(put other shell, or what must not run, in a ```text block): {c.text}"
        for c in bad
    )
    cont = [c for c in commands(page_text(name)) if c.text.endswith("\\")]
    assert not cont, f"docs/{name}:{cont[0].line}: one command per line, no continuation"


@pytest.mark.parametrize("name", PAGES)
def test_a_page_that_shows_commands_runs_some(name):
    text = page_text(name)
    shown = any(
        re.search(r"^(?:[A-Z_]+=\S+ +)*watchdesk\b", b.body, re.MULTILINE)
        for b in blocks(text)
        if b.lang in ("sh", "text", "console")
    )
    if name == "development.md":
        assert commands(text), "docs/development.md shows how the manual's commands are run"
    elif shown:
        assert commands(text), f"docs/{name} shows watchdesk commands but runs none (```sh)"


def test_file_blocks_have_plain_names():
    for name in PAGES:
        for b in blocks(page_text(name)):
            if b.file:
                assert re.fullmatch(r"[\w.-]+", b.file), f"docs/{name}:{b.line}: file={b.file}"


# -- the commands run ----------------------------------------------------------------------------
RUN_PAGES = [p for p in PAGES if (DOCS / p).is_file() and commands(page_text(p))]


@pytest.mark.parametrize("name", RUN_PAGES)
def test_the_page_commands_run(name, tmp_path):
    problem = run_page(name, page_text(name), tmp_path)
    assert problem is None, problem


def test_a_failing_command_fails_the_page(tmp_path):
    """The runner is not a rubber stamp: a command that exits non-zero is reported."""
    page = "```sh\nwatchdesk now --json\nwatchdesk incident show 999999 --json\n```\n"
    problem = run_page("broken.md", page, tmp_path)
    assert problem is not None
    assert "broken.md:3:" in problem and "exited 2" in problem


# -- links and other pages' facts ----------------------------------------------------------------
def _slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    s = heading.strip().lower()
    s = re.sub(r"[^\w\- ]", "", s)
    return s.replace(" ", "-")


def _anchors(text: str) -> set[str]:
    without_code = _FENCE.sub("", text)
    return {_slug(m.group(1)) for m in re.finditer(r"^#+ +(.+)$", without_code, re.MULTILINE)}


@pytest.mark.parametrize("source", ["README.md", *(f"docs/{p}" for p in PAGES)])
def test_relative_links_resolve(source):
    path = ROOT / source
    text = path.read_text(encoding="utf-8")
    for target in re.findall(r"\]\(([^)\s]+)\)", _FENCE.sub("", text)):
        if re.match(r"[a-z]+:", target):
            continue
        file, _, anchor = target.partition("#")
        dest = (path.parent / file).resolve() if file else path
        assert dest.exists(), f"{source}: link to {target}: no such file"
        if anchor and dest.suffix == ".md":
            assert anchor in _anchors(dest.read_text(encoding="utf-8")), (
                f"{source}: link to {target}: no such heading"
            )


def test_ci_commands_in_development_are_in_ci_run():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    dev = page_text("development.md")
    section = dev.split("## What CI runs", 1)[1].split("\n## ", 1)[0]
    shown = [b for b in blocks(section) if b.lang == "text"]
    assert shown, "docs/development.md: the commands CI runs are shown in a ```text block"
    for line in shown[0].body.splitlines():
        if line.strip():
            assert any(line.strip() in c for c in ci.splitlines()), f"not in .ci/run: {line}"


def _subcommands(parser: argparse.ArgumentParser, prefix: str = "") -> list[str]:
    out = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                out.append(f"{prefix}{name}")
                out.extend(_subcommands(sub, f"{prefix}{name} "))
    return out


def test_cli_page_names_every_command():
    from watchdesk.cli import build_parser

    cli = page_text("cli.md")
    names = _subcommands(build_parser())
    assert len(names) > 20
    missing = [n for n in names if not re.search(rf"watchdesk {re.escape(n)}\b", cli)]
    # `rollcall pause|resume|finish` and `roster sensitive|leave` are one line each
    grouped = re.findall(r"watchdesk ((?:\w+ )*)(\w+(?:\|\w+)+)", cli)
    for head, alts in grouped:
        for alt in alts.split("|"):
            n = f"{head}{alt}"
            if n in missing:
                missing.remove(n)
    assert not missing, f"docs/cli.md does not show: {missing}"


@pytest.mark.parametrize(
    ("page", "heading"),
    [
        ("roster.md", "How a swap is approved"),
        ("incidents.md", "How a follow-up is numbered"),
        ("handover.md", "How the handover sheet is frozen"),
    ],
)
def test_a_newcomer_finds_it_in_the_page_of_its_noun(page, heading):
    """From the README alone: it links the page, which answers under a heading of that name."""
    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    assert f"(docs/{page})" in readme
    assert heading.lower() in readme.lower()
    assert re.search(rf"^#+ {re.escape(heading)}$", page_text(page), re.MULTILINE)


@pytest.mark.parametrize("source", ["README.md", *(f"docs/{p}" for p in PAGES)])
def test_the_files_named_exist(source):
    """A path the manual names (`watchdesk/store/handover.py`, `watchdesk/screens/roster/`) exists."""
    text = (ROOT / source).read_text(encoding="utf-8")
    named = set(re.findall(r"`((?:watchdesk|tests|bench|docs)/[\w./*-]*)`", text))
    missing = [n for n in sorted(named) if not list(ROOT.glob(n.rstrip("/")))]
    assert not missing, f"{source} names files that do not exist: {missing}"
