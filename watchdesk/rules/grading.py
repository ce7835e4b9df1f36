"""Grade suggestion from casualties and loss (事故等级), reporting-rules.md §1.2.

Production-safety thresholds of S1 Art.3. Any one criterion suffices; "以上" includes the number.
"""

from __future__ import annotations

from dataclasses import dataclass

from watchdesk.models.incident import Grade

THRESHOLDS_SOURCE = "S1 《生产安全事故报告和调查处理条例》国务院令第493号 第三条"


@dataclass(frozen=True)
class Threshold:
    """The lowest counts that reach `grade` (each criterion alone is enough)."""

    grade: Grade
    dead: int
    seriously_injured: int  # 重伤（含急性工业中毒）
    direct_loss_yuan: int
    source: str = THRESHOLDS_SOURCE


THRESHOLDS: tuple[Threshold, ...] = (
    Threshold(Grade.I, 30, 100, 100_000_000),
    Threshold(Grade.II, 10, 50, 50_000_000),
    Threshold(Grade.III, 3, 10, 10_000_000),
)

GRADE_NAMES: dict[Grade, tuple[str, str]] = {
    Grade.I: ("特别重大", "Especially major"),
    Grade.II: ("重大", "Major"),
    Grade.III: ("较大", "Relatively major"),
    Grade.IV: ("一般", "Ordinary"),
}
_ROMAN_ZH = {Grade.I: "Ⅰ", Grade.II: "Ⅱ", Grade.III: "Ⅲ", Grade.IV: "Ⅳ"}


def suggest_grade(
    dead: int,
    seriously_injured: int,
    direct_loss_yuan: int,
    *,
    missing: int = 0,
    missing_counts: bool = False,
) -> Grade:
    """The S1 Art.3 grade. With `missing_counts` the missing (失踪) count toward deaths
    (死亡含失踪, §8.5); otherwise they are ignored for grading."""
    for name, value in (
        ("dead", dead),
        ("seriously_injured", seriously_injured),
        ("direct_loss_yuan", direct_loss_yuan),
        ("missing", missing),
    ):
        if value < 0:
            raise ValueError(f"{name} must not be negative (got {value})")
    deaths = dead + missing if missing_counts else dead
    for t in THRESHOLDS:
        if (
            deaths >= t.dead
            or seriously_injured >= t.seriously_injured
            or direct_loss_yuan >= t.direct_loss_yuan
        ):
            return t.grade
    return Grade.IV


def grade_label(grade: Grade | str, lang: str = "zh") -> str:
    """'重大(Ⅱ级)' for zh, 'Major (II)' for en."""
    g = Grade(grade)
    zh, en = GRADE_NAMES[g]
    lang = lang.lower()
    if lang.startswith("zh"):
        return f"{zh}({_ROMAN_ZH[g]}级)"
    if lang.startswith("en"):
        return f"{en} ({g.value})"
    raise ValueError(f"unknown language {lang!r}; use 'zh' or 'en'")
