"""Message catalogs: Simplified Chinese and English.

The language comes from the locale (LC_ALL, LC_MESSAGES, LANG: anything starting with `zh` is
Chinese), unless the config or `--lang` says otherwise. A key missing from a catalog falls back
to English, then to the key itself, so a gap never crashes the console.
"""

from __future__ import annotations

import os
import tomllib
from functools import cache
from importlib import resources

LANGS = ("zh", "en")
_current = "en"


@cache
def _catalog(lang: str) -> dict[str, str]:
    """`zh.toml` plus every `zh.<area>.toml` (one file per screen area keeps edits apart)."""
    out: dict[str, str] = {}
    files = sorted(f.name for f in resources.files(__package__).iterdir()
                   if f.name == f"{lang}.toml" or (f.name.startswith(f"{lang}.")
                                                   and f.name.endswith(".toml")))
    for name in files:
        text = resources.files(__package__).joinpath(name).read_text(encoding="utf-8")
        out.update(tomllib.loads(text))
    return out


def detect_language(environ: dict[str, str] | None = None) -> str:
    env = os.environ if environ is None else environ
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(var)
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


def set_language(lang: str | None) -> str:
    global _current
    lang = (lang or detect_language()).lower()
    if lang.startswith("zh"):
        lang = "zh"
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r} (use zh or en)")
    _current = lang
    return lang


def language() -> str:
    return _current


def t(key: str, **kwargs: object) -> str:
    text = _catalog(_current).get(key) or _catalog("en").get(key) or key
    return text.format(**kwargs) if kwargs else text
