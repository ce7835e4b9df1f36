"""Early-warning levels, colours and the warning kinds with the levels each one has (pure).

Two schemes meet on a watch desk:

* **Emergency warnings** (突发事件预警) under the Emergency Response Law: four levels, 一级 (Ⅰ, red)
  highest to 四级 (Ⅳ, blue) lowest (《突发事件应对法》2024 Art.63; reporting-rules.md §4, S2).
* **Meteorological warning signals** (气象灾害预警信号), issued only by meteorological stations:
  14 kinds, coloured blue / yellow / orange / red, but **not every kind has every colour**. The
  kinds and their levels are those of the annex 《气象灾害预警信号及防御指南》 to 中国气象局令第16号
  《气象灾害预警信号发布与传播办法》 (2007), with the haze signal as revised by the CMA in 2013
  (黄/橙/红; it had only 黄/橙 in 2007). reporting-rules.md S37 and S7 Art.30.

Every kind below names its source. The meteorological level sets are from the CMA annex as the
maintainers know it (confidence C2: cross-checked against reproductions, not against the gazette);
local meteorological rules (e.g. Guangdong's own signal set) differ and would be a new table.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from watchdesk.errors import BadValue, bilingual


class Level(str, Enum):
    """Warning level. I (red) is the most severe, IV (blue) the least."""

    I = "I"
    II = "II"  # 二级 橙色 严重
    III = "III"  # 三级 黄色 较重
    IV = "IV"  # 四级 蓝色 一般

    @property
    def rank(self) -> int:
        """1 for I (most severe) … 4 for IV: sorting by rank puts red first."""
        return ("I", "II", "III", "IV").index(self.value) + 1

    @property
    def colour(self) -> Colour:
        return COLOURS[self]


@dataclass(frozen=True)
class Colour:
    code: str  # red / orange / yellow / blue
    zh: str  # 红色
    en: str  # red
    level_zh: str  # 一级
    roman: str  # Ⅰ
    wording_zh: str  # 特别严重 (2006 master plan wording)
    hex: str  # the signal's own colour (a domain colour, not a theme colour)
    ink: str  # text colour that reads on it


COLOURS: dict[Level, Colour] = {
    Level.I: Colour("red", "红色", "red", "一级", "Ⅰ", "特别严重", "#d32f2f", "#ffffff"),
    Level.II: Colour("orange", "橙色", "orange", "二级", "Ⅱ", "严重", "#ef6c00", "#ffffff"),
    Level.III: Colour("yellow", "黄色", "yellow", "三级", "Ⅲ", "较重", "#f9c80e", "#000000"),
    Level.IV: Colour("blue", "蓝色", "blue", "四级", "Ⅳ", "一般", "#1565c0", "#ffffff"),
}

ALL = (Level.I, Level.II, Level.III, Level.IV)
R, O, Y, B = Level.I, Level.II, Level.III, Level.IV

SRC_CMA = (
    "中国气象局令第16号《气象灾害预警信号发布与传播办法》(2007) 附件《气象灾害预警信号及防御指南》; "
    "reporting-rules.md S37, S7 Art.30"
)
SRC_CMA_HAZE = (
    "中国气象局 2013 年修订的霾预警信号标准 (黄/橙/红; 2007 年附件为黄/橙两级); "
    "reporting-rules.md S37"
)
SRC_LAW = "《突发事件应对法》(2024) 第63条 四级预警; reporting-rules.md §4 S2"


@dataclass(frozen=True)
class SignalType:
    code: str
    zh: str
    en: str
    levels: tuple[Level, ...]  # most severe first
    group: str  # "meteorological" (the 14 CMA signals) or "general" (Emergency Response Law)
    source: str
    confidence: str = "C2"

    def has(self, level: Level) -> bool:
        return level in self.levels

    def name(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


_TYPES = [
    # The 14 meteorological signals (order of the CMA annex).
    SignalType("typhoon", "台风", "Typhoon", (R, O, Y, B), "meteorological", SRC_CMA),
    SignalType("rainstorm", "暴雨", "Rainstorm", (R, O, Y, B), "meteorological", SRC_CMA),
    SignalType("snowstorm", "暴雪", "Snowstorm", (R, O, Y, B), "meteorological", SRC_CMA),
    SignalType("cold_wave", "寒潮", "Cold wave", (R, O, Y, B), "meteorological", SRC_CMA),
    SignalType("gale", "大风", "Gale", (R, O, Y, B), "meteorological", SRC_CMA),
    SignalType("sandstorm", "沙尘暴", "Sandstorm", (R, O, Y), "meteorological", SRC_CMA),
    SignalType("heat", "高温", "Heat", (R, O, Y), "meteorological", SRC_CMA),
    SignalType("drought", "干旱", "Drought", (R, O), "meteorological", SRC_CMA),
    SignalType("lightning", "雷电", "Lightning", (R, O, Y), "meteorological", SRC_CMA),
    SignalType("hail", "冰雹", "Hail", (R, O), "meteorological", SRC_CMA),
    SignalType("frost", "霜冻", "Frost", (O, Y, B), "meteorological", SRC_CMA),
    SignalType("fog", "大雾", "Heavy fog", (R, O, Y), "meteorological", SRC_CMA),
    SignalType("haze", "霾", "Haze", (R, O, Y), "meteorological", SRC_CMA_HAZE),
    SignalType("road_icing", "道路结冰", "Road icing", (R, O, Y), "meteorological", SRC_CMA),
    # Emergency warnings issued by governments and departments: the law's four levels.
    SignalType("flood", "洪水", "Flood", ALL, "general", SRC_LAW, "I"),
    SignalType("geological", "地质灾害", "Geological hazard", ALL, "general", SRC_LAW, "I"),
    SignalType("forest_fire", "森林火险", "Forest fire danger", ALL, "general", SRC_LAW, "I"),
    SignalType("natural", "其他自然灾害", "Other natural hazard", ALL, "general", SRC_LAW, "C1"),
    SignalType("accident", "事故灾难", "Accident", ALL, "general", SRC_LAW, "C1"),
    SignalType("public_health", "公共卫生事件", "Public health", ALL, "general", SRC_LAW, "C1"),
]

SIGNAL_TYPES: dict[str, SignalType] = {s.code: s for s in _TYPES}
METEOROLOGICAL: tuple[SignalType, ...] = tuple(s for s in _TYPES if s.group == "meteorological")
assert len(METEOROLOGICAL) == 14


def signal_type(text: str) -> SignalType:
    """A kind by code, Chinese name or English name (`rainstorm`, `暴雨`, `暴雨预警`, `Rainstorm`)."""
    key = (text or "").strip()
    if key in SIGNAL_TYPES:
        return SIGNAL_TYPES[key]
    low = key.lower()
    for s in _TYPES:
        if low in (s.code, s.en.lower()) or key in (s.zh, s.zh + "预警", s.zh + "预警信号"):
            return s
    raise BadValue("err.warning.kind", value=text, known=", ".join(SIGNAL_TYPES))


_LEVEL_WORDS: dict[str, Level] = {}
for _lvl, _c in COLOURS.items():
    for _w in (
        _lvl.value,
        str(_lvl.rank),
        _c.code,
        _c.zh,
        _c.zh[0],
        _c.level_zh,
        _c.roman,
        _c.roman + "级",
        _c.level_zh[0] + "级",
        _c.level_zh[0],
    ):
        _LEVEL_WORDS[_w.lower()] = _lvl


def parse_level(text: str) -> Level:
    """`I`…`IV`, `1`…`4`, `red`, `红色`, `红`, `一级`, `Ⅰ级` → Level."""
    key = (text or "").strip().lower()
    if key in _LEVEL_WORDS:
        return _LEVEL_WORDS[key]
    raise BadValue("err.warning.level", value=text)


def check_level(kind: SignalType, level: Level) -> None:
    """Raise ValueError when `kind` has no signal at `level` (e.g. a blue hail signal)."""
    if not kind.has(level):
        colour = COLOURS[level]
        raise BadValue(
            "err.warning.no_level",
            kind=bilingual(kind.zh, f"{kind.en} ({kind.zh})"),
            colour=bilingual(colour.zh, f"{colour.en} ({colour.zh})"),
            have=bilingual(
                "、".join(COLOURS[x].zh for x in kind.levels),
                "/".join(COLOURS[x].en for x in kind.levels),
            ),
        )


def title(kind: SignalType, level: Level, lang: str) -> str:
    """`暴雨橙色预警` / `Rainstorm orange warning`."""
    c = COLOURS[level]
    if lang == "zh":
        return f"{kind.zh}{c.zh}预警"
    return f"{kind.en} {c.en} warning"
