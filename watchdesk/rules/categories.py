"""Event categories and subtypes (事件分类), reporting-rules.md §6.1.

The four classes of the 2006 national master plan (S14) with their main subtypes. Transport is split
by mode and a few accident kinds common in local plans are listed separately. GB/T 35561-2017 codes
were not obtained (§6.3), so the codes here are our own short ASCII names, not the standard's.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from watchdesk.errors import BadValue

S14 = "S14 2006 国家突发公共事件总体应急预案 §6.1 [C2]"
S14_SPLIT = S14 + "; finer split as in local plans [I]"
COUNTY = "county plans, reporting-rules.md §6.1 (重大刑事案件、民族宗教事件、群体性事件) [C2]"
CYBER = "local plans (e.g. 龙驹镇 2023) add 网络与信息安全事件, §6.1 [C2]"


class UnknownCategory(BadValue):
    """No category or subtype matches the given text."""


class UnknownSubtype(BadValue):
    """The subtype code is unknown or does not belong to the category."""


@dataclass(frozen=True)
class Subtype:
    code: str
    zh: str
    en: str
    category: str  # category code
    source: str = S14
    aliases: tuple[str, ...] = field(default=(), compare=False)


@dataclass(frozen=True)
class Category:
    code: str
    zh: str
    en: str
    subtypes: tuple[Subtype, ...] = field(repr=False)
    graded: bool  # False: outside the statutory four-grade clause (S2 Art.3)
    source: str = S14
    aliases: tuple[str, ...] = field(default=(), compare=False)

    def label(self, lang: str = "zh") -> str:
        return self.zh if lang.lower().startswith("zh") else self.en


def _s(code: str, zh: str, en: str, aliases: str = "", source: str = S14) -> tuple:
    return code, zh, en, tuple(aliases.split()), source


def _cat(
    code: str,
    zh: str,
    en: str,
    aliases: str,
    rows: list[tuple],
    *,
    graded: bool = True,
    source: str = S14,
) -> Category:
    subs = tuple(Subtype(c, z, e, code, src, al) for c, z, e, al, src in rows)
    return Category(code, zh, en, subs, graded, source, tuple(aliases.split()))


# code, 中文, English, Chinese aliases (space-separated), source
CATEGORIES: tuple[Category, ...] = (
    _cat(
        "natural",
        "自然灾害",
        "Natural disaster",
        "自然",
        [
            _s(
                "flood_drought",
                "水旱灾害",
                "Flood and drought",
                "洪涝 干旱 内涝 洪水 水灾 旱灾 山洪 溃坝 决堤 管涌",
            ),
            _s(
                "meteorological",
                "气象灾害",
                "Meteorological disaster",
                "暴雨 台风 大风 冰雹 暴雪 寒潮 高温 雷电 雪灾 风雹 沙尘暴 低温冷冻 大雾 "
                "龙卷风 雷击 冰冻 道路结冰 强降雨",
            ),
            _s("earthquake", "地震灾害", "Earthquake", "地震"),
            _s(
                "geological",
                "地质灾害",
                "Geological disaster",
                "滑坡 泥石流 崩塌 地面塌陷 地裂缝 山体滑坡 塌方 塌陷 落石",
            ),
            _s("marine", "海洋灾害", "Marine disaster", "风暴潮 海啸 海冰"),
            _s("biological", "生物灾害", "Biological disaster", "病虫害 虫灾 鼠害"),
            _s(
                "forest_fire",
                "森林草原火灾",
                "Forest and grassland fire",
                "森林火灾 草原火灾 山火 林火 野火",
            ),
        ],
    ),
    _cat(
        "accident",
        "事故灾难",
        "Accident",
        # A duty officer's words for accidents that have no subtype of their own.
        "事故 溺水 落水 淹溺 触电 踩踏",
        [
            _s(
                "work_safety",
                "工矿商贸安全事故",
                "Industrial, mining and commercial safety accident",
                "工矿商贸 生产安全事故 安全生产事故 矿山事故 煤矿事故 爆炸 爆炸事故 瓦斯 瓦斯爆炸 "
                "透水 冒顶 机械伤害 高处坠落 有限空间",
            ),
            _s("fire", "火灾", "Fire", "火情 失火 起火 着火 火警 自燃", S14_SPLIT),
            _s(
                "road_traffic",
                "道路交通事故",
                "Road traffic accident",
                "交通事故 车祸 道路交通 撞车 翻车 追尾 侧翻 撞人",
                S14_SPLIT,
            ),
            _s(
                "waterway",
                "水上交通事故",
                "Waterway traffic accident",
                "沉船 船舶 翻船 水上交通 翻沉 搁浅",
                S14_SPLIT,
            ),
            _s("railway", "铁路交通事故", "Railway accident", "铁路 列车 火车 脱轨", S14_SPLIT),
            _s(
                "aviation",
                "民航事故",
                "Civil aviation accident",
                "空难 民航 航空器 坠机",
                S14_SPLIT,
            ),
            _s(
                "hazchem",
                "危险化学品事故",
                "Hazardous chemicals accident",
                "危化 危化品 化工 泄漏 泄露 危化品泄漏 化学品泄漏 毒气 毒气泄漏 化工爆炸",
                S14_SPLIT,
            ),
            _s(
                "gas",
                "燃气事故",
                "Gas accident",
                "燃气 煤气 燃气泄漏 燃气泄露 天然气 燃气爆炸 漏气 液化气 煤气中毒",
                S14_SPLIT,
            ),
            # 坍塌 / 倒塌 as a duty officer hears it: a structure came down (a building, a
            # scaffold, a trench). Ground and slopes have their own words (崩塌 塌方 塌陷).
            _s(
                "construction",
                "建筑施工事故",
                "Construction accident",
                "建筑施工 施工事故 坍塌 倒塌 垮塌 房屋倒塌 房屋坍塌 脚手架 塔吊",
                S14_SPLIT,
            ),
            _s(
                "public_facility",
                "公共设施和设备事故",
                "Public facility and equipment accident",
                "电梯 停电 停水 特种设备 电梯困人 爆管",
            ),
            _s(
                "nuclear_radiation",
                "核与辐射事故",
                "Nuclear and radiation accident",
                "核事故 辐射 放射源",
            ),
            _s(
                "pollution",
                "环境污染和生态破坏事件",
                "Environmental pollution and ecological damage",
                "环境污染 污染 生态破坏 水污染 大气污染",
            ),
        ],
    ),
    _cat(
        "public_health",
        "公共卫生事件",
        "Public health event",
        "公共卫生 卫生事件",
        [
            _s("infectious_disease", "传染病疫情", "Infectious disease outbreak", "传染病 疫情"),
            _s(
                "unexplained_illness",
                "群体性不明原因疾病",
                "Cluster of unexplained illness",
                "不明原因疾病",
            ),
            _s("food_safety", "食品安全事件", "Food safety incident", "食物中毒 食品安全"),
            _s(
                "occupational",
                "职业危害事件",
                "Occupational hazard incident",
                "职业中毒 职业病 职业危害",
            ),
            _s(
                "animal_epidemic",
                "动物疫情",
                "Animal epidemic",
                "禽流感 非洲猪瘟 口蹄疫 动物疫病 猪瘟",
            ),
        ],
    ),
    _cat(
        "social_security",
        "社会安全事件",
        "Social security event",
        "社会安全",
        [
            _s("terrorism", "恐怖袭击事件", "Terrorist attack", "恐怖袭击 恐袭 暴恐"),
            _s(
                "economic_security",
                "经济安全事件",
                "Economic security incident",
                "金融风险 挤兑 非法集资",
            ),
            _s("foreign_related", "涉外突发事件", "Foreign-related incident", "涉外"),
            _s(
                "mass_incident",
                "群体性事件",
                "Mass incident",
                "群体 聚集 上访 集访 讨薪 械斗",
                COUNTY,
            ),
            _s(
                "criminal_case",
                "重大刑事案件",
                "Major criminal case",
                "刑事案件 刑案 命案 凶杀 持刀 砍人 枪击",
                COUNTY,
            ),
            _s(
                "cyber_security",
                "网络与信息安全事件",
                "Network and information security incident",
                "网络安全 信息安全 网络攻击 数据泄露",
                CYBER,
            ),
            _s(
                "ethnic_religious",
                "民族宗教事件",
                "Ethnic or religious incident",
                "民族宗教 宗教",
                COUNTY,
            ),
        ],
        graded=False,
        source=S14 + "; not graded by S2 Art.3 [C1]",
    ),
)

_CAT = {c.code: c for c in CATEGORIES}
_SUB = {s.code: s for c in CATEGORIES for s in c.subtypes}


def _norm(text: str) -> str:
    return " ".join(text.replace("_", " ").replace("-", " ").split()).casefold()


def _build_index() -> dict[str, tuple[Category, Subtype | None]]:
    index: dict[str, tuple[Category, Subtype | None]] = {}
    entries: list[tuple[tuple[str, ...], Category, Subtype | None]] = []
    for c in CATEGORIES:
        entries.append(((c.code, c.zh, c.en, *c.aliases), c, None))
        entries.extend(((s.code, s.zh, s.en, *s.aliases), c, s) for s in c.subtypes)
    for keys, c, s in entries:
        for key in {_norm(k) for k in keys}:
            if key in index and index[key] != (c, s):
                raise RuntimeError(f"category name/alias {key!r} is not unique")
            index[key] = (c, s)
    return index


_INDEX = _build_index()


def _valid_categories() -> str:
    return ", ".join(f"{c.code} ({c.zh})" for c in CATEGORIES)


def category(code: str) -> Category:
    try:
        return _CAT[code]
    except KeyError:
        raise UnknownCategory(
            "err.category.unknown", code=code, valid=_valid_categories()
        ) from None


def subtype(code: str) -> Subtype:
    try:
        return _SUB[code]
    except KeyError:
        valid = ", ".join(_SUB)
        raise UnknownSubtype("err.category.unknown_subtype", code=code, valid=valid) from None


def resolve(text: str) -> tuple[Category, Subtype | None]:
    """A category or subtype from its code, Chinese or English name, or a Chinese alias
    (e.g. 车祸 → accident/road_traffic). A unique prefix of a Chinese name also works
    (地质 → geological). Raises UnknownCategory when nothing, or more than one thing, matches."""
    key = _norm(text or "")
    if not key:
        raise UnknownCategory("err.category.empty", valid=_valid_categories())
    if key in _INDEX:
        return _INDEX[key]
    if len(key) >= 2:
        hits = {v for k, v in _INDEX.items() if k.startswith(key) and not k.isascii()}
        if len(hits) == 1:
            return hits.pop()
        if hits:
            names = sorted((s or c).code for c, s in hits)
            raise UnknownCategory("err.category.ambiguous", text=text, names=", ".join(names))
    raise UnknownCategory("err.category.unknown_text", text=text, valid=_valid_categories())


def validate(category_code: str, subtype_code: str = "") -> tuple[Category, Subtype | None]:
    """Check that `subtype_code` (may be empty) belongs to `category_code`."""
    cat = category(category_code)
    if not subtype_code:
        return cat, None
    sub = subtype(subtype_code)
    if sub.category != cat.code:
        raise UnknownSubtype(
            "err.category.wrong_subtype",
            subtype=subtype_code,
            belongs=sub.category,
            category=cat.code,
            subtypes=", ".join(s.code for s in cat.subtypes),
        )
    return cat, sub
