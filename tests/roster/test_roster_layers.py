"""Every roster catalog key exists in both languages, with a tooltip for each key binding. (That
the roster's store, rules and file code never import Textual: tests/rules/test_no_textual.py.)"""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_roster_catalogs_have_the_same_keys():
    zh = tomllib.loads((ROOT / "watchdesk/i18n/zh.roster.toml").read_text(encoding="utf-8"))
    en = tomllib.loads((ROOT / "watchdesk/i18n/en.roster.toml").read_text(encoding="utf-8"))
    assert set(zh) == set(en)
    for k in zh:
        if k.startswith("key.") and not k.endswith(".tip"):
            assert k + ".tip" in zh, k
