import pytest

from watchdesk.rules.categories import (
    CATEGORIES,
    UnknownCategory,
    UnknownSubtype,
    category,
    resolve,
    subtype,
    validate,
)


def test_four_categories_and_grading_flag():
    codes = [c.code for c in CATEGORIES]
    assert codes == ["natural", "accident", "public_health", "social_security"]
    assert [c.graded for c in CATEGORIES] == [True, True, True, False]
    assert category("natural").zh == "自然灾害"


def test_subtype_codes_unique_ascii_and_sourced():
    codes = [s.code for c in CATEGORIES for s in c.subtypes]
    assert len(codes) == len(set(codes)) == 31
    for c in CATEGORIES:
        assert c.source
        for s in c.subtypes:
            assert s.code.isascii() and s.code == s.code.lower() and " " not in s.code
            assert s.category == c.code and s.source and s.zh and s.en


def test_unknown_codes():
    with pytest.raises(UnknownCategory, match="'nature'.*natural.*social_security"):
        category("nature")
    with pytest.raises(UnknownSubtype, match="'flood'.*flood_drought"):
        subtype("flood")
    assert issubclass(UnknownCategory, ValueError) and issubclass(UnknownSubtype, ValueError)


@pytest.mark.parametrize(
    "text, cat, sub",
    [
        ("accident", "accident", None),
        ("事故灾难", "accident", None),
        ("Public health event", "public_health", None),
        ("社会安全事件", "social_security", None),
        ("fire", "accident", "fire"),
        ("road_traffic", "accident", "road_traffic"),
        ("road-traffic", "accident", "road_traffic"),
        ("火灾", "accident", "fire"),
        ("森林草原火灾", "natural", "forest_fire"),
        ("Road traffic accident", "accident", "road_traffic"),
        ("  EARTHQUAKE ", "natural", "earthquake"),
        ("火情", "accident", "fire"),
        ("车祸", "accident", "road_traffic"),
        ("危化品", "accident", "hazchem"),
        ("洪水", "natural", "flood_drought"),
        ("泥石流", "natural", "geological"),
        ("台风", "natural", "meteorological"),
        ("地震", "natural", "earthquake"),
        ("燃气泄漏", "accident", "gas"),
        ("上访", "social_security", "mass_incident"),
        ("食物中毒", "public_health", "food_safety"),
        ("沉船", "accident", "waterway"),
        ("地质", "natural", "geological"),  # unique prefix of a Chinese name
        ("水上交通事", "accident", "waterway"),
    ],
)
def test_resolve(text, cat, sub):
    c, s = resolve(text)
    assert c.code == cat
    assert (s.code if s else None) == sub


@pytest.mark.parametrize("text", ["", "   ", "外星人", "交", "xyz"])
def test_resolve_unknown(text):
    with pytest.raises(UnknownCategory, match="natural"):
        resolve(text)


def test_resolve_ambiguous_prefix():
    with pytest.raises(UnknownCategory, match="ambiguous"):
        resolve("公共")  # 公共卫生事件 / 公共设施和设备事故


def test_validate():
    assert validate("accident", "") == (category("accident"), None)
    assert validate("accident", "fire")[1] == subtype("fire")
    with pytest.raises(UnknownSubtype, match="'fire' belongs to category 'accident', not 'nat"):
        validate("natural", "fire")
    with pytest.raises(UnknownSubtype):
        validate("natural", "volcano")
    with pytest.raises(UnknownCategory):
        validate("weather", "")
