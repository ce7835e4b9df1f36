"""Pure reporting rules: event categories, grade suggestion, report deadlines.

No I/O except reading the shipped TOML rule packs; never imports textual.
"""

from __future__ import annotations

import importlib
from typing import Any

# name -> submodule. Loaded on first use (PEP 562), so that importing one rule module (the store
# needs categories to read an incident) does not load them all (the rule packs' models) on the
# way to the console's first screen.
_EXPORTS = {
    "categories": ("CATEGORIES", "Category", "Subtype", "UnknownCategory", "UnknownSubtype",
                   "category", "resolve", "subtype", "validate"),
    "deadlines": ("ClockSpec", "clocks_added_by_regrade", "initial_clocks", "lateness",
                  "next_followup", "verification_due"),
    "grading": ("GRADE_NAMES", "THRESHOLDS", "grade_label", "suggest_grade"),
    "rulepack": ("DEFAULT_PACK", "PackError", "PackRule", "RulePack", "load_pack",
                 "parse_duration", "shipped_packs"),
}
_WHERE = {name: module for module, names in _EXPORTS.items() for name in names}

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_WHERE))
