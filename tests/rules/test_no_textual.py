"""The core never imports Textual: every module of models/, rules/, store/, files/, report/,
text/, i18n/ and every top-level module but the app itself, imported in a fresh interpreter (so
nothing else the test run imported can hide it). import-linter states the same contract
statically (pyproject.toml); this test also catches an import made at run time."""

import os
import pkgutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
UI = {"watchdesk.app", "watchdesk.__main__"}  # __main__ imports the app only to open it
CORE = ("models", "rules", "store", "files", "report", "text", "i18n")


def core_modules() -> list[str]:
    pkg = ROOT / "watchdesk"
    names = [f"watchdesk.{m.name}" for m in pkgutil.iter_modules([str(pkg)]) if not m.ispkg]
    for sub in CORE:
        names += [m.name for m in pkgutil.walk_packages([str(pkg / sub)], f"watchdesk.{sub}.")]
    return sorted(n for n in names if n not in UI)


def test_core_does_not_import_textual():
    modules = core_modules()
    assert {
        "watchdesk.store.roster.repo",
        "watchdesk.rules.deadlines",
        "watchdesk.startup",
        "watchdesk.files.roster",
        "watchdesk.models.incident",
    } <= set(modules)
    code = (
        "import sys, importlib\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        "import watchdesk.rules.rulepack\n"
        "watchdesk.rules.rulepack.load_pack('national')\n"
        "bad = [m for m in sys.modules if m == 'textual' or m.startswith('textual.')]\n"
        "print(bad); sys.exit(1 if bad else 0)\n"
    )
    path = os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])
    env = {**os.environ, "PYTHONPATH": path}
    r = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
