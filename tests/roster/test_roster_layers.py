"""The roster's store, rules and file code never import textual (a subprocess, so nothing else
the test run imported can hide it); every catalog key exists in both languages."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_roster_core_does_not_import_textual():
    code = (
        "import sys, watchdesk.rules.roster, watchdesk.store.roster, watchdesk.roster_io,"
        " watchdesk.roster_models, watchdesk.store.schema_roster;"
        "bad = [m for m in sys.modules if m == 'textual' or m.startswith('textual.')];"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    path = os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])
    env = {**os.environ, "PYTHONPATH": path}
    r = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr


def test_roster_catalogs_have_the_same_keys():
    zh = tomllib.loads((ROOT / "watchdesk/i18n/zh.roster.toml").read_text(encoding="utf-8"))
    en = tomllib.loads((ROOT / "watchdesk/i18n/en.roster.toml").read_text(encoding="utf-8"))
    assert set(zh) == set(en)
    for k in zh:
        if k.startswith("key.") and not k.endswith(".tip"):
            assert k + ".tip" in zh, k
