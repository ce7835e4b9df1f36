"""Issue 13: which thresholds grade what, whether the missing count, and exact money.

The rule pack decides per class (its [[grading]] entries); the scales are in rules/grading.py.
Each threshold is tested on both sides, in every shipped pack."""

from decimal import Decimal

import pytest

from watchdesk.models.incident import Grade
from watchdesk.rules.grading import SCALES, grade_on, suggest, suggest_grade
from watchdesk.rules.intake import _int, money_yuan
from watchdesk.rules.rulepack import PackError, load_pack, parse_pack, shipped_packs

G = Grade
PACKS = shipped_packs()


def grade(pack_id, category, subtype="", dead=0, serious=0, loss=0, missing=0):
    return suggest(
        load_pack(pack_id),
        category,
        subtype,
        dead=dead,
        seriously_injured=serious,
        direct_loss=loss,
        missing=missing,
    ).grade


@pytest.mark.parametrize("pack_id", PACKS)
@pytest.mark.parametrize(
    "subtype, dead, serious, loss, expected",
    [
        ("work_safety", 2, 0, 0, G.IV),
        ("work_safety", 3, 0, 0, G.III),
        ("fire", 9, 0, 0, G.III),
        ("fire", 10, 0, 0, G.II),
        ("road_traffic", 29, 0, 0, G.II),
        ("road_traffic", 30, 0, 0, G.I),
        ("hazchem", 0, 9, 0, G.IV),
        ("hazchem", 0, 10, 0, G.III),
        ("gas", 0, 49, 0, G.III),
        ("gas", 0, 50, 0, G.II),
        ("construction", 0, 99, 0, G.II),
        ("construction", 0, 100, 0, G.I),
        ("", 0, 0, 9_999_999, G.IV),  # an accident of no subtype: production safety
        ("", 0, 0, 10_000_000, G.III),
    ],
)
def test_production_safety_accidents_graded_by_s1(pack_id, subtype, dead, serious, loss, expected):
    assert grade(pack_id, "accident", subtype, dead, serious, loss) is expected


@pytest.mark.parametrize("pack_id", PACKS)
def test_s1_does_not_count_the_missing(pack_id):
    # S1 counts 死亡 only (下落不明 reported apart, §8.5)
    assert grade(pack_id, "accident", "work_safety", dead=2, missing=20) is G.IV
    rule = load_pack(pack_id).grading_for("accident", "work_safety")
    assert rule is not None and not rule.missing_counts and "S1" in rule.source


@pytest.mark.parametrize("pack_id", PACKS)
@pytest.mark.parametrize(
    "dead, missing, expected",
    [
        (0, 0, None),  # S13 grades only 重大 and above: the officer sets the rest
        (9, 0, None),
        (0, 9, None),
        (10, 0, G.II),
        (0, 10, G.II),
        (0, 12, G.II),  # the landslide with 12 missing of the issue
        (5, 5, G.II),
        (29, 0, G.II),
        (20, 9, G.II),
        (30, 0, G.I),
        (20, 10, G.I),
    ],
)
def test_natural_disasters_count_the_missing_with_the_dead(pack_id, dead, missing, expected):
    assert grade(pack_id, "natural", "geological", dead=dead, missing=missing) is expected
    assert grade(pack_id, "natural", "", dead=dead, missing=missing) is expected


@pytest.mark.parametrize("pack_id", PACKS)
@pytest.mark.parametrize(
    "subtype, dead, serious, loss, missing, expected",
    [
        ("pollution", 29, 0, 0, 0, None),
        ("pollution", 20, 0, 0, 10, G.I),  # S13: 死亡（含失踪）
        ("nuclear_radiation", 0, 99, 0, 0, None),
        ("nuclear_radiation", 0, 100, 0, 0, G.I),
        ("pollution", 0, 0, 99_999_999, 0, None),
        ("pollution", 0, 0, 100_000_000, 0, G.I),
        ("pollution", 12, 0, 0, 0, None),  # never S1 silently
    ],
)
def test_accidents_outside_s1_use_s13(pack_id, subtype, dead, serious, loss, missing, expected):
    assert grade(pack_id, "accident", subtype, dead, serious, loss, missing) is expected


@pytest.mark.parametrize("pack_id", PACKS)
@pytest.mark.parametrize(
    "subtype, dead, serious, missing, expected",
    [
        ("food_safety", 9, 0, 0, None),
        ("food_safety", 10, 0, 0, G.II),
        ("food_safety", 9, 0, 5, None),  # the missing do not count here
        ("occupational", 4, 0, 0, None),
        ("occupational", 5, 0, 0, G.II),
        ("occupational", 0, 49, 0, None),
        ("occupational", 0, 50, 0, G.II),
        ("infectious_disease", 40, 0, 0, None),  # no thresholds in the reference
        ("", 40, 0, 0, None),
    ],
)
def test_public_health(pack_id, subtype, dead, serious, missing, expected):
    assert grade(pack_id, "public_health", subtype, dead, serious, 0, missing) is expected


@pytest.mark.parametrize("pack_id", PACKS)
@pytest.mark.parametrize("subtype", ["mass_incident", "terrorism", ""])
def test_social_security_gets_no_suggestion(pack_id, subtype):
    # Not S1: a 群体性事件 with 12 dead is not 重大 by production-safety thresholds.
    s = suggest(
        load_pack(pack_id),
        "social_security",
        subtype,
        dead=12,
        seriously_injured=60,
        direct_loss=200_000_000,
        missing=3,
    )
    assert s.grade is None and s.scale == "" and "S2" in s.source


def test_every_class_and_subtype_is_named_by_the_national_pack():
    from watchdesk.rules.categories import CATEGORIES

    pack = load_pack("national")
    for c in CATEGORIES:
        assert pack.grading_for(c.code) is not None, c.code
        for s in c.subtypes:
            rule = pack.grading_for(c.code, s.code)
            assert rule is not None and rule.source, s.code
    for g in pack.grading:
        assert g.scale == "none" or g.scale in SCALES
    assert load_pack("henan").grading == pack.grading
    assert load_pack("henan").grading_from == "national" and pack.grading_from == ""


# -- money --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text, yuan, expected",
    [
        ("4999.99999万", 49_999_999, G.III),  # was rounded up to 5000万 (重大)
        ("5000万", 50_000_000, G.II),
        ("999.99995万", 9_999_999, G.IV),  # was rounded up to 1000万 (较大)
        ("999.9999万", 9_999_999, G.IV),
        ("1000万", 10_000_000, G.III),
        ("0.99999999999亿", 99_999_999, G.II),
        ("1亿", 100_000_000, G.I),
        ("1,000万", 10_000_000, G.III),
        ("9999999.99", 9_999_999, G.IV),
    ],
)
def test_direct_loss_is_exact_and_never_rounds_across_a_threshold(text, yuan, expected):
    n = _int("direct_loss", text)
    assert n == yuan and type(n) is int
    assert suggest_grade(0, 0, n) is expected
    assert grade("national", "accident", "fire", loss=n) is expected


@pytest.mark.parametrize(
    "amount, expected",
    [
        (Decimal("49999999.9"), G.III),
        (Decimal("50000000"), G.II),
        (Decimal("9999999.5"), G.IV),
        (Decimal("10000000.0"), G.III),
    ],
)
def test_grading_compares_decimal_money_exactly(amount, expected):
    assert suggest_grade(0, 0, amount) is expected


def test_float_money_and_nonsense_refused():
    with pytest.raises(TypeError, match="float"):
        suggest_grade(0, 0, 49_999_999.9)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="finite"):
        grade_on(SCALES["S1"], 0, 0, Decimal("NaN"))
    for bad in ("abc", "inf", "nan"):
        with pytest.raises(ValueError):
            money_yuan(bad, "万")
    with pytest.raises(OverflowError):
        money_yuan("1e400", "万")
    assert money_yuan("0.00001") == 0


def test_people_counts_in_wan_must_be_whole():
    assert _int("dead", "1.5万") == 15_000
    from watchdesk.errors import InputError

    with pytest.raises(InputError, match="whole number"):
        _int("missing", "1.00005万")


def test_one_line_intake_loss_is_exact():
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    from watchdesk.rules.intake import parse_line

    out = parse_line(
        "火灾 @城关镇 损4999.99999万", now=datetime(2026, 11, 22, tzinfo=UTC), tz=ZoneInfo("UTC")
    )
    assert out["direct_loss"] == 49_999_999


# -- the pack's [[grading]] entries ---------------------------------------------------------------
HEAD = """
[pack]
id = "t"
name_zh = "测试"
name_en = "Test"
source = "test"
verification_default = "60m"
[[rule]]
id = "p"
kind = "phone"
grades = ["I"]
within = "30m"
source = "S9"
"""


def grading(**fields):
    base = {"id": "g", "categories": ["natural"], "scale": "S1", "source": "S1"}
    base.update(fields)
    lines = ["[[grading]]"]
    for k, v in base.items():
        if v is None:
            continue
        if isinstance(v, bool):
            lines.append(f"{k} = {str(v).lower()}")
        elif isinstance(v, list):
            lines.append(f"{k} = [{', '.join(chr(34) + x + chr(34) for x in v)}]")
        else:
            lines.append(f'{k} = "{v}"')
    return "\n".join(lines) + "\n"


def test_custom_pack_grading_decides_missing():
    pack = parse_pack(HEAD + grading(missing_counts=True), "mine.toml")
    s = suggest(
        pack, "natural", "flood_drought", dead=1, seriously_injured=0, direct_loss=0, missing=2
    )
    assert s.grade is G.III and s.missing_counted and s.rule_id == "g"
    # A class the pack does not name gets no suggestion.
    assert (
        suggest(pack, "accident", "fire", dead=40, seriously_injured=0, direct_loss=0).grade is None
    )


def test_custom_pack_without_grading_grades_as_national():
    pack = parse_pack(HEAD, "mine.toml")
    assert pack.grading == load_pack("national").grading and pack.grading_from == "national"


@pytest.mark.parametrize(
    "entry, field, msg",
    [
        (grading(scale="S99"), "scale", "unknown scale"),
        (grading(categories=["nature"]), "categories", "unknown event category"),
        (grading(categories=[], subtypes=["flood"]), "subtypes", "unknown event subtype"),
        (grading(categories=[]), "categories", "names no category"),
        (grading(source=None), "source", "required"),
        (grading(missing_counts="yes"), "missing_counts", "boolean"),
        (grading() + grading(id="h"), "categories", "graded by 'g' already"),
        (grading() + grading(categories=["accident"]), "id", "duplicate grading id"),
    ],
)
def test_bad_grading_entries(entry, field, msg):
    with pytest.raises(PackError) as e:
        parse_pack(HEAD + entry, "bad.toml")
    assert f"field {field!r}" in str(e.value) and msg in str(e.value)
    assert "bad.toml: grading" in str(e.value)
