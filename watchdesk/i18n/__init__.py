"""Message catalogs: Simplified Chinese and English.

The language comes from the locale (LC_ALL, LC_MESSAGES, LANG: anything starting with `zh` is
Chinese), unless the config or `--lang` says otherwise. A key missing from a catalog falls back
to English, then to the key itself, so a gap never crashes the console.
"""

from __future__ import annotations

import os
from functools import cache
from importlib import resources

LANGS = ("zh", "en")
_current = "en"


@cache
def _catalog(lang: str) -> dict[str, str]:
    """`zh.toml` plus every `zh.<area>.toml` (one file per screen area keeps edits apart)."""
    import tomllib

    folder = resources.files(__package__)
    files = sorted(
        (
            f
            for f in folder.iterdir()
            if f.name == f"{lang}.toml"
            or (f.name.startswith(f"{lang}.") and f.name.endswith(".toml"))
        ),
        key=lambda f: f.name,
    )
    out: dict[str, str] = {}
    for f in files:
        out.update(tomllib.loads(f.read_text(encoding="utf-8")))
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


# Problems raised by the store and the intake parser are English sentences (the CLI prints them
# as they are). In Chinese the UI shows them through this table; unknown ones stay English.
_PROBLEMS_ZH: list[tuple[str, str]] = [
    (r"^is required$", "不能为空"),
    (r"^must not be blank$", "不能为空"),
    (r"^must not be negative, got (.+)$", r"不能为负数（输入为 \1）"),
    (r"^must not be negative$", "不能为负数"),
    (r"^must be a whole number, got (.+)$", r"应为整数（输入为 \1）"),
    (r"^must be a whole number.*$", "应为整数"),
    (r"^is in the future$", "不能晚于当前时间"),
    (r"^is after the time the report was received$", "事发时间不能晚于接报时间"),
    (r"^is before the incident happened$", "不能早于事发时间"),
    (r"^not a time: (.+)$", r"无法识别的时间：\1"),
    (r"^empty time$", "请输入时间"),
    (r"^a phone number has digits.*$", "电话号码只能包含数字、空格、+、- 和括号"),
    (r"^unknown event category or subtype (.+?);.*$", r"无法识别的事件类型 \1"),
    (r"^say where the new figures come from$", "请注明数字来源"),
    (r"^say who asked for the verification$", "请填写要求核报的单位"),
    (r"^must be after the request$", "应晚于要求时间"),
    (r"^a voided incident needs a reason$", "作废须注明原因"),
    (r"^no incident #(\d+)$", r"没有事件 #\1"),
    (r"^String should have at most (\d+) characters?$", r"最多 \1 个字"),
    (r"^String should have at least 1 character$", "不能为空"),
    # PINs (store.officer.verify_pin) and signatures (store.handover.sign)
    (
        r"^wrong PIN; locked for (.+) after (\d+) wrong PINs$",
        r"PIN 错误；已连续错误 \2 次，锁定 \1",
    ),
    (r"^locked for (.+) after (\d+) wrong PINs$", r"已连续错误 \2 次，锁定中：还需等待 \1"),
    (
        r"^wrong PIN; (\d+) tr(?:y|ies) left; wait (.+) before the next try$",
        r"PIN 错误；还可尝试 \1 次；请等待 \2后再试",
    ),
    (r"^wrong PIN; (\d+) tr(?:y|ies) left$", r"PIN 错误；还可尝试 \1 次"),
    (r"^(\d+) wrong PINs: wait (.+) before the next try$", r"已连续错误 \1 次：请等待 \2后再试"),
    (r"^(.+) has no PIN set; set one first$", r"\1 尚未设置 PIN，请先设置"),
    (
        r"^(.+) has no PIN set; the desk requires one$",
        r"\1 尚未设置 PIN，本值班台要求签字须输入 PIN",
    ),
    (r"^enter your PIN$", "请输入 PIN"),
    (
        r"^(.+) is not on shift #(\d+), the outgoing shift \(on it: (.*)\)$",
        r"\1 不在交班的班次 #\2 上（该班人员：\3）",
    ),
    (
        r"^(.+) has not signed in for the next shift \(signed in: (.*)\)$",
        r"\1 未在下一班接班签到（已签到：\2）",
    ),
    (
        r"^no incoming officer has signed in for the next shift.*$",
        "下一班尚无人接班签到，暂不能交接",
    ),
    (
        r"^the handover of shift #(\d+) is already signed and frozen$",
        r"班次 #\1 的交接班记录已签字冻结",
    ),
]

# Waits in the store's messages (`4 min 12 s`, `30 s`: store.officer.span).
_SPANS_ZH = [(r"(\d+) min(?![A-Za-z])", r"\1 分钟"), (r"(\d+) s(?![A-Za-z])", r"\1 秒")]


def explain(problem: str) -> str:
    """A store or parser problem in the current language."""
    if _current != "zh":
        return problem
    import re

    for pattern, zh in _PROBLEMS_ZH:
        if re.match(pattern, problem):
            out = re.sub(pattern, zh, problem)
            for span, unit in _SPANS_ZH:
                out = re.sub(span, unit, out)
            return out
    return problem


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
