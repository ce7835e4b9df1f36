"""Pure reporting rules: event categories, grade suggestion, report deadlines.

No I/O except reading the shipped TOML rule packs; never imports textual.
"""

from watchdesk.rules.categories import (
    CATEGORIES,
    Category,
    Subtype,
    UnknownCategory,
    UnknownSubtype,
    category,
    resolve,
    subtype,
    validate,
)
from watchdesk.rules.deadlines import (
    ClockSpec,
    clocks_added_by_regrade,
    initial_clocks,
    lateness,
    next_followup,
    verification_due,
)
from watchdesk.rules.grading import GRADE_NAMES, THRESHOLDS, grade_label, suggest_grade
from watchdesk.rules.rulepack import (
    DEFAULT_PACK,
    PackError,
    PackRule,
    RulePack,
    load_pack,
    parse_duration,
    shipped_packs,
)

__all__ = [
    "CATEGORIES", "Category", "Subtype", "UnknownCategory", "UnknownSubtype",
    "category", "resolve", "subtype", "validate",
    "ClockSpec", "clocks_added_by_regrade", "initial_clocks", "lateness", "next_followup",
    "verification_due",
    "GRADE_NAMES", "THRESHOLDS", "grade_label", "suggest_grade",
    "DEFAULT_PACK", "PackError", "PackRule", "RulePack", "load_pack", "parse_duration",
    "shipped_packs",
]
