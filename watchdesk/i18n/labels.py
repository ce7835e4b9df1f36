"""Names of the domain's values in the UI language (grades, report kinds, roles, unit classes,
roll-call outcomes, warning levels).
"""

from __future__ import annotations

from rich.text import Text

from watchdesk.i18n import language, t
from watchdesk.models.incident import Grade, ReportKind
from watchdesk.models.rollcall import Outcome, RoundSet
from watchdesk.models.roster import Role
from watchdesk.models.warning import EarlyWarning
from watchdesk.rules.warning import COLOURS, Level, SignalType, title

_CN_DIGITS = "零一二三四五六七八九"


def cn_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 99 → 九十九; larger numbers stay Arabic."""
    if n <= 0 or n >= 100:
        return str(n)
    tens, ones = divmod(n, 10)
    out = ""
    if tens:
        out = ("" if tens == 1 else _CN_DIGITS[tens]) + "十"
    if ones:
        out += _CN_DIGITS[ones]
    return out


def kind_label(kind: ReportKind | str, seq: int = 0) -> str:
    kind = ReportKind(kind)
    if kind == ReportKind.followup and seq:
        return f"续报{cn_number(seq)}" if language() == "zh" else f"Follow-up #{seq}"
    return t(f"kind.{kind.value}")


def grade_label(grade: Grade | str, short: bool = False) -> str:
    grade = Grade(grade)
    return t(f"grade.{grade.value}.short" if short else f"grade.{grade.value}")


def role_label(role: Role | str) -> str:
    return t(f"role.{Role(role).value}")


def status_label(status: str) -> str:
    return t(f"status.{status}")


def category_label(category: str, subtype: str = "") -> str:
    """The subtype's name if there is one, else the category's, in the current language."""
    from watchdesk.rules import categories

    try:
        item = categories.subtype(subtype) if subtype else categories.category(category)
    except ValueError:
        return subtype or category
    return item.zh if language() == "zh" else item.en


def unit_class(kind: str, level: int | None, room_type: str = "") -> str:
    """一级联动单位 / 乡镇值班室 …"""
    if kind == "linkage":
        return t(f"dir.level.{level}") if level else t("dir.kind.linkage")
    return t(f"dir.room.{room_type}") if room_type else t("dir.kind.duty_room")


def outcome_label(outcome: Outcome | str | None) -> str:
    return t("rc.outcome.none") if outcome is None else t(f"rc.outcome.{Outcome(outcome).value}")


def set_label(set_kind: RoundSet | str) -> str:
    return t(f"rc.set.{RoundSet(set_kind).value}")


def method_label(method: str) -> str:
    return t(f"rc.method.{getattr(method, 'value', method)}")


def level_label(level: Level) -> str:
    """`橙色(Ⅱ级)` / `Orange (II)`."""
    c = COLOURS[level]
    if language() == "zh":
        return f"{c.zh}({c.roman}级)"
    return f"{c.en.capitalize()} ({level.value})"


def signal_label(kind: SignalType) -> str:
    return kind.name(language())


def warning_title(w: EarlyWarning) -> str:
    return title(w.signal, w.level, language())


def swatch(level: Level, text: str | None = None) -> Text:
    """The level's own colour as a cell: a coloured block with the colour's name on it."""
    c = COLOURS[level]
    label = text if text is not None else (c.zh if language() == "zh" else c.en)
    return Text(f" {label} ", style=f"bold {c.ink} on {c.hex}")


def duration(seconds: float | int | None) -> str:
    """`2小时5分` / `2h 5m`: the two largest units, zeros at the end left out (the statistics'
    wording, shared by `watchdesk stats`, its screen and the monthly report)."""
    if seconds is None:
        return "—"
    sec = int(round(seconds))
    sign = "-" if sec < 0 else ""
    sec = abs(sec)
    d, rem = divmod(sec, 86400)
    h, rem = divmod(rem, 3600)
    m, s = divmod(rem, 60)
    parts = [(d, "d"), (h, "h"), (m, "m"), (s, "s")]
    while len(parts) > 1 and parts[0][0] == 0:
        parts.pop(0)
    parts = parts[:2]
    while len(parts) > 1 and parts[-1][0] == 0:
        parts.pop()
    words = [t(f"stats.dur.{u}", n=n) for n, u in parts]
    return sign + (t("stats.dur.pair", a=words[0], b=words[1]) if len(words) == 2 else words[0])
