"""Areas in free text (pure): which area a place starts with, and an area's name from a duty
room's (青山铺镇值班室 → 青山铺镇)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

# What a duty room's name adds to its area's (longest first).
_ROOM_SUFFIXES = (
    "应急管理办公室值班室",
    "人民政府值班室",
    "政府值班室",
    "应急管理办公室",
    "应急值班室",
    "总值班室",
    "值班室",
    "应急办",
    "办公室",
)
_SEPARATORS = re.compile(r"[、,，;；/\s]")


def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").strip()


def area_of_place(place: str, names: Iterable[str]) -> str | None:
    """The name among `names` that `place` starts with (`青山铺镇水库下游` → 青山铺镇), the
    longest when several do; None when none does. Spaces and a leading @ are ignored."""
    text = _norm(place).lstrip("@＠").replace(" ", "")
    best: str | None = None
    for name in names:
        n = _norm(name).replace(" ", "")
        if n and text.startswith(n) and (best is None or len(n) > len(best)):
            best = name
    return best


def area_name_from_unit(unit_name: str, unit_area: str = "") -> str:
    """The area a district or township duty room stands for: its name without 值班室 / 应急办 …
    (青山铺镇值班室 → 青山铺镇); a name without such an ending: the unit's `area` when that names
    one area, else the name itself."""
    name = _norm(unit_name)
    for suffix in _ROOM_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    area = _norm(unit_area)
    if area and not _SEPARATORS.search(area):
        return area
    return name
