"""Grade suggestion from casualties and loss (事件等级), reporting-rules.md §1.2, §1.4, §8.5–8.6.

Which thresholds grade an incident depends on its class: S1's production-safety thresholds grade
production-safety accidents; other classes use the thresholds their own sources give, or none (the
officer sets the grade). The rule pack says which scale grades which class and whether the missing
count with the dead (its [[grading]] entries, `RulePack.grading_for`); the scales are here.

Any one criterion suffices; "以上" includes the number. Money is compared exactly (int or
decimal.Decimal yuan, never float), so a loss just under a threshold stays under it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from watchdesk.models.incident import Grade

if TYPE_CHECKING:
    from watchdesk.rules.rulepack import RulePack

THRESHOLDS_SOURCE = "S1 《生产安全事故报告和调查处理条例》国务院令第493号 第三条"

Money = int | Decimal


@dataclass(frozen=True)
class Threshold:
    """The lowest counts that reach `grade` (each criterion alone is enough; None: the source
    gives no such criterion for this grade)."""

    grade: Grade
    dead: int | None  # deaths (with the missing, when the pack says they count)
    seriously_injured: int | None  # 重伤（含急性工业中毒）
    direct_loss_yuan: int | None
    source: str = THRESHOLDS_SOURCE


@dataclass(frozen=True)
class Scale:
    """One source's thresholds, most severe first. `below` is the grade when none is reached:
    None where the source grades only the upper grades (S13 is a standard for 特别重大 and 重大)."""

    id: str
    name: str
    thresholds: tuple[Threshold, ...]
    below: Grade | None
    source: str


THRESHOLDS: tuple[Threshold, ...] = (
    Threshold(Grade.I, 30, 100, 100_000_000),
    Threshold(Grade.II, 10, 50, 50_000_000),
    Threshold(Grade.III, 3, 10, 10_000_000),
)

S13 = "S13 《特别重大、重大突发公共事件分级标准(试行)》(国务院, 2006)"

SCALES: dict[str, Scale] = {
    s.id: s
    for s in (
        Scale(
            "S1",
            "生产安全事故 (S1 第三条)",
            THRESHOLDS,
            Grade.IV,
            THRESHOLDS_SOURCE + " [C1], reporting-rules.md §1.2",
        ),
        Scale(
            "S13-accident",
            "事故灾难 (S13 特别重大安全事故)",
            (
                Threshold(
                    Grade.I,
                    30,
                    100,
                    100_000_000,
                    S13 + ": 特别重大安全事故 死亡（含失踪）30人以上、中毒（重伤）100人以上、"
                    "直接经济损失1亿元以上 [C2], reporting-rules.md §1.4",
                ),
            ),
            None,
            S13 + " [C2]; no 重大 or lower line for these accidents in reporting-rules.md §1.4",
        ),
        Scale(
            "S13-natural",
            "自然灾害 (S13)",
            (
                Threshold(
                    Grade.I,
                    30,
                    None,
                    None,
                    S13
                    + ": 气象灾害、森林火灾 特别重大 死亡30人以上 [C2], reporting-rules.md §1.4",
                ),
                Threshold(
                    Grade.II,
                    10,
                    None,
                    None,
                    S13
                    + ": 森林火灾 重大 死亡10–29人 [C2]; S32: 10人以上死亡（含失踪）县级同时报省级"
                    "和国家 [C2]; the same line applied to every natural disaster [I], "
                    "reporting-rules.md §1.4, §7",
                ),
            ),
            None,
            S13 + " [C2]; 气象灾害 ≥5000万 loss needs an affected area the desk does not record: "
            "left to the officer",
        ),
        Scale(
            "S13-food",
            "食品安全 (S13 公共卫生 重大)",
            (
                Threshold(
                    Grade.II,
                    10,
                    None,
                    None,
                    S13 + " annex: 食物中毒 死亡10人以上为重大 [C2], reporting-rules.md §1.4",
                ),
            ),
            None,
            S13 + " annex [C2]; >100 poisoned with deaths is not counted (no poisoned figure)",
        ),
        Scale(
            "S13-occupational",
            "职业中毒 (S13 公共卫生 重大)",
            (
                Threshold(
                    Grade.II,
                    5,
                    50,
                    None,
                    S13 + " annex: 急性职业中毒 50人以上或死亡5人以上为重大 [C2]; poisoned counted "
                    "as seriously injured (重伤含急性工业中毒, S1) [I], reporting-rules.md §1.4",
                ),
            ),
            None,
            S13 + " annex [C2]",
        ),
    )
}

GRADE_NAMES: dict[Grade, tuple[str, str]] = {
    Grade.I: ("特别重大", "Especially major"),
    Grade.II: ("重大", "Major"),
    Grade.III: ("较大", "Relatively major"),
    Grade.IV: ("一般", "Ordinary"),
}
_ROMAN_ZH = {Grade.I: "Ⅰ", Grade.II: "Ⅱ", Grade.III: "Ⅲ", Grade.IV: "Ⅳ"}


def _check(dead: int, seriously_injured: int, direct_loss_yuan: Money, missing: int) -> None:
    if isinstance(direct_loss_yuan, float):
        raise TypeError("direct_loss_yuan must be int or Decimal, not float (money is exact)")
    if isinstance(direct_loss_yuan, Decimal) and not direct_loss_yuan.is_finite():
        raise ValueError(f"direct_loss_yuan must be a finite amount (got {direct_loss_yuan})")
    for name, value in (
        ("dead", dead),
        ("seriously_injured", seriously_injured),
        ("direct_loss_yuan", direct_loss_yuan),
        ("missing", missing),
    ):
        if value < 0:
            raise ValueError(f"{name} must not be negative (got {value})")


def grade_on(
    scale: Scale,
    dead: int,
    seriously_injured: int,
    direct_loss_yuan: Money,
    *,
    missing: int = 0,
    missing_counts: bool = False,
) -> Grade | None:
    """The grade `scale` gives these figures; None when it reaches no threshold of a scale that
    grades no lower (the officer sets the grade)."""
    _check(dead, seriously_injured, direct_loss_yuan, missing)
    deaths = dead + missing if missing_counts else dead
    for t in scale.thresholds:
        if (
            (t.dead is not None and deaths >= t.dead)
            or (t.seriously_injured is not None and seriously_injured >= t.seriously_injured)
            or (t.direct_loss_yuan is not None and direct_loss_yuan >= t.direct_loss_yuan)
        ):
            return t.grade
    return scale.below


def suggest_grade(
    dead: int,
    seriously_injured: int,
    direct_loss_yuan: Money,
    *,
    missing: int = 0,
    missing_counts: bool = False,
) -> Grade:
    """The S1 Art.3 grade (production-safety accidents). With `missing_counts` the missing (失踪)
    count toward deaths (死亡含失踪, §8.5); otherwise they are ignored for grading. Other classes
    are graded through `suggest`, which asks the rule pack."""
    g = grade_on(
        SCALES["S1"],
        dead,
        seriously_injured,
        direct_loss_yuan,
        missing=missing,
        missing_counts=missing_counts,
    )
    assert g is not None  # S1 grades down to 一般
    return g


@dataclass(frozen=True)
class Suggestion:
    """The grade suggested for an incident, and why. `grade` is None when the pack names no
    thresholds for the incident's class, or its scale grades no lower: the officer sets the grade."""

    grade: Grade | None
    scale: str  # "" when no scale applies
    rule_id: str  # the pack's [[grading]] entry, "" when none matches
    missing_counted: bool
    source: str


def suggest(
    pack: RulePack,
    category: str,
    subtype: str,
    *,
    dead: int,
    seriously_injured: int,
    direct_loss: Money,
    missing: int = 0,
) -> Suggestion:
    """The grade the pack's grading rules give an incident of `category`/`subtype`."""
    rule = pack.grading_for(category, subtype)
    if rule is None or rule.scale == "none":
        _check(dead, seriously_injured, direct_loss, missing)
        return Suggestion(None, "", rule.id if rule else "", False, rule.source if rule else "")
    scale = SCALES[rule.scale]
    g = grade_on(
        scale,
        dead,
        seriously_injured,
        direct_loss,
        missing=missing,
        missing_counts=rule.missing_counts,
    )
    return Suggestion(g, scale.id, rule.id, rule.missing_counts, rule.source)


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
