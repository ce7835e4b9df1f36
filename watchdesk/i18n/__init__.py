"""Message catalogs: Simplified Chinese and English.

The language comes from the locale (LC_ALL, LC_MESSAGES, LANG: anything starting with `zh` is
Chinese), unless the config or `--lang` says otherwise. A key missing from a catalog falls back
to English, then to the key itself, so a gap never crashes the console.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from watchdesk import errors
from watchdesk.errors import Msg
from watchdesk.errors import validation_msg as validation_msg  # one place for both layers

LANGS = ("zh", "en")
_current = "en"


@cache
def _catalog(lang: str) -> dict[str, str]:
    """`zh.toml` plus every `zh.<area>.toml` (one file per screen area keeps edits apart).

    Parsing the ~40 TOML files costs ~30 ms of every start-up: the merged catalog is kept in
    the cache folder (marshal, ~1 ms to read), named by the files' names, sizes and times, so
    an edited catalog is read again."""
    folder = Path(__file__).parent
    files = sorted(
        (
            f
            for f in folder.iterdir()
            if f.name == f"{lang}.toml"
            or (f.name.startswith(f"{lang}.") and f.name.endswith(".toml"))
        ),
        key=lambda f: f.name,
    )
    cache = _cache_path(lang, files)
    if cache is not None:
        import marshal

        try:
            data = marshal.loads(cache.read_bytes())
            if isinstance(data, dict):
                return data
        except (OSError, ValueError, EOFError, TypeError):
            pass
    import tomllib

    out: dict[str, str] = {}
    for f in files:
        out.update(tomllib.loads(f.read_text(encoding="utf-8")))
    if cache is not None:
        _keep(cache, out)
    return out


def _cache_path(lang: str, files: list[Path]) -> Path | None:
    """The cache file of the catalog made of exactly these files (their names, sizes, times)."""
    import hashlib
    import sys

    from watchdesk.paths import cache_dir

    try:
        stats = [(f.name, st.st_size, st.st_mtime_ns) for f in files for st in [f.stat()]]
        folder = cache_dir()
    except OSError:
        return None
    key = hashlib.sha1(repr((sys.version, str(Path(__file__).parent), stats)).encode())
    return folder / f"catalog-{lang}-{key.hexdigest()[:16]}.marshal"


def _keep(target: Path, catalog: dict[str, str]) -> None:
    """Best effort: a cache folder that cannot be written only costs the parsing next time.
    The language's older catalogs (of files since edited) go."""
    import marshal

    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f"{target.name}.{os.getpid()}.tmp")
        tmp.write_bytes(marshal.dumps(catalog))
        os.replace(tmp, target)
        lang = target.name.split("-")[1]
        for old in target.parent.glob(f"catalog-{lang}-*.marshal"):
            if old != target:
                old.unlink(missing_ok=True)
    except (OSError, ValueError):
        pass


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
    return _fill(text, kwargs, strict=True) if kwargs else text


# A sentence put into another sentence loses its own full stop where the outer one has a mark
# right after it: "打印失败：{why}。" with why "……。" is "打印失败：……。", not "……。。".
_ENDS = "。.！!？?；;"
_AFTER = re.compile(r"\{(\w+)(?:[!:][^}]*)?\}(?=[。.，,；;：:！!？?、）)])")


@lru_cache(maxsize=4096)
def _before_marks(text: str) -> tuple[str, ...]:
    return tuple(_AFTER.findall(text))


# What would break a one-line message where a user's value is shown in it: every character
# str.splitlines() ends a line at, written as its escape instead ("0\r" shows as 0\r).
_LINE_BREAKS = {ord(c): repr(c)[1:-1] for c in "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"}


def _fill(
    text: str, values: Mapping[str, object], *, strict: bool = False, one_line: bool = False
) -> str:
    shown: dict[str, object] = {}
    for k, v in values.items():
        if isinstance(v, (Msg, BaseException)):  # worded now, in this language
            v = str(v)
        elif one_line and isinstance(v, str):  # a value as given (a user's): kept on its line
            v = v.translate(_LINE_BREAKS)
        shown[k] = v
    for name in _before_marks(text):
        v = shown.get(name)
        if isinstance(v, str) and v.endswith(tuple(_ENDS)) and not v.endswith(".."):
            shown[name] = v.rstrip(_ENDS)
    if strict:
        return text.format(**shown)
    try:
        return text.format(**shown)
    except (KeyError, IndexError, ValueError):  # an error's message never fails to show
        return text


def _render(key: str, params: Mapping[str, object]) -> str:
    """The errors' renderer (`watchdesk.errors.render`): a message key in the UI language; a
    text that is no key (already worded, or from elsewhere) as it is."""
    text = _catalog(_current).get(key) or _catalog("en").get(key)
    if text is None:
        return _fill(key, params, one_line=True) if params else key
    return _fill(text, params, one_line=True) if params else text


errors.render = _render


def field_of(err: Mapping[str, Any], default: str = "") -> str:
    """The field a pydantic validation error is about: its location's first part."""
    loc = err.get("loc") or ()
    return str(loc[0]) if loc else default


class using:
    """`with using("zh"): …` renders in one language and restores the previous one."""

    def __init__(self, lang: str | None):
        self.lang = lang
        self.prev = _current

    def __enter__(self) -> str:
        self.prev = _current
        return set_language(self.lang or _current)

    def __exit__(self, *exc: object) -> None:
        set_language(self.prev)
