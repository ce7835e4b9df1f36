from datetime import timedelta

import pytest

from watchdesk.rules.rulepack import PackError, load_pack, parse_duration

HEAD = """
[pack]
id = "t"
name_zh = "测试"
name_en = "Test"
source = "test"
verification_default = "60m"
"""


def rule(**fields: object) -> str:
    base: dict[str, object] = {
        "id": "r1",
        "kind": "phone",
        "grades": ["I"],
        "within": "30m",
        "source": "S9",
    }
    base.update(fields)
    lines = ["[[rule]]"]
    for k, v in base.items():
        if v is None:
            continue
        if isinstance(v, bool):
            lines.append(f"{k} = {str(v).lower()}")
        elif isinstance(v, list):
            lines.append(f"{k} = [{', '.join(repr(x).replace(chr(39), chr(34)) for x in v)}]")
        else:
            lines.append(f'{k} = "{v}"')
    return "\n".join(lines) + "\n"


def write(tmp_path, text: str):
    f = tmp_path / "bad-pack.toml"
    f.write_text(text, encoding="utf-8")
    return f


def test_valid_custom_pack(tmp_path):
    f = write(tmp_path, HEAD + rule() + rule(id="f", kind="followup", within=None, at=["08:00"]))
    pack = load_pack(str(f))
    assert pack.rules[0].within == timedelta(minutes=30)
    assert pack.rules[1].at[0].hour == 8


@pytest.mark.parametrize(
    "rules, rule_id, field, msg",
    [
        (rule(kind="fax"), "r1", "kind", "phone"),
        (rule(grades=["I", "V"]), "r1", "grades[1]", "IV"),
        (rule(source=None), "r1", "source", "required"),
        (rule(source="  "), "r1", "source", "empty"),
        (rule(within="30x"), "r1", "within", "invalid duration"),
        (rule(within="0m"), "r1", "within", "positive"),
        (rule(within=None), "r1", "within", "needs 'within'"),
        (rule(every="1h"), "r1", "every", "only for followup"),
        (rule(anchor="reported"), "r1", "anchor", "occurred"),
        (rule(withn="30m"), "r1", "withn", "not permitted"),
        (rule(grades=[]), "r1", "grades", "no grade"),
        (rule() + rule(), "r1", "id", "duplicate"),
        (rule(kind="followup", within=None), "r1", "every", "neither"),
        (rule(kind="followup", within=None, every="12h", at=["08:00"]), "r1", "every", "both"),
        (rule(kind="followup", within=None, every="1.5h"), "r1", "every", "invalid duration"),
        (rule(kind="followup", within=None, at=["25:00"]), "r1", "at", "HH:MM"),
        (rule(kind="followup", within="1h", every="12h"), "r1", "within", "not 'within'"),
        (rule(id="ok") + rule(id="r2", kind="final"), "r2", "kind", "phone"),
        (rule(id=None), "#1", "id", "required"),
    ],
)
def test_rule_errors_name_file_rule_and_field(tmp_path, rules, rule_id, field, msg):
    f = write(tmp_path, HEAD + rules)
    with pytest.raises(PackError) as e:
        load_pack(str(f))
    text = str(e.value)
    assert str(f) in text
    assert f"rule '{rule_id}'" in text
    assert f"field '{field}'" in text
    assert msg in text


@pytest.mark.parametrize(
    "text, match",
    [
        (HEAD.replace('verification_default = "60m"', ""), "field 'verification_default'"),
        (
            HEAD.replace('verification_default = "60m"', 'verification_default = "soon"'),
            "invalid duration",
        ),
        (HEAD.replace('source = "test"', ""), "field 'source'"),
        (HEAD, "at least one"),
        (rule(), r"missing \[pack\]"),
        (HEAD + rule() + "[extra]\nx = 1\n", "unknown top-level"),
        ("[pack\nid=", "not valid TOML"),
    ],
)
def test_pack_level_errors(tmp_path, text, match):
    f = write(tmp_path, text)
    with pytest.raises(PackError, match=match) as e:
        load_pack(str(f))
    assert str(f) in str(e.value)


def test_unknown_shipped_pack_and_missing_file(tmp_path):
    with pytest.raises(PackError, match="shipped packs: national"):
        load_pack("atlantis")
    with pytest.raises(PackError, match="cannot read"):
        load_pack(str(tmp_path / "nope.toml"))
    assert issubclass(PackError, ValueError)


@pytest.mark.parametrize(
    "text, minutes",
    [
        ("30m", 30),
        ("1h", 60),
        ("6h", 360),
        ("90s", 1.5),
        ("1h30m", 90),
        ("2d", 2880),
        (" 15M ", 15),
    ],
)
def test_parse_duration(text, minutes):
    assert parse_duration(text) == timedelta(minutes=minutes)


@pytest.mark.parametrize("text", ["", "m", "30", "1.5h", "-5m", "30m1h", "0s", "1 h"])
def test_parse_duration_rejects(text):
    with pytest.raises(ValueError):
        parse_duration(text)
