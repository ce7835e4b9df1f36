"""Display labels for domain values, in the current language (pure; no textual)."""

from __future__ import annotations

from .i18n import language, t
from .models import Grade, ReportKind, Role

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
    from .rules import categories

    try:
        item = categories.subtype(subtype) if subtype else categories.category(category)
    except ValueError:
        return subtype or category
    return item.zh if language() == "zh" else item.en
