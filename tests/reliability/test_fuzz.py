"""Fuzzing (hypothesis): the one-line intake parser, the JSON intake (`facts_from_mapping` and
`watchdesk incident add --json -` through main()), the rule engine and rule-pack parsing.

None may fail with anything but its documented error type (InputError, ValueError/TypeError
for the pure rules, PackError), and every rejection names the problem: the field or token and
a message.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.reliability._workers import run_main
from watchdesk.errors import InputError
from watchdesk.models.incident import Grade, IncidentFacts
from watchdesk.rules import categories
from watchdesk.rules.deadlines import initial_clocks, next_followup
from watchdesk.rules.grading import suggest_grade
from watchdesk.rules.intake import KNOWN_FIELDS, facts_from_mapping, parse_line
from watchdesk.rules.rulepack import PackError, load_pack, parse_pack, shipped_packs

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 22, 14, 29, tzinfo=TZ)
PACKS = [load_pack(p) for p in shipped_packs()]

# -- strategies --------------------------------------------------------------------------------
CATEGORY_WORDS = sorted(
    {w for c in categories.CATEGORIES for w in (c.code, c.zh, c.en, *c.aliases)}
    | {
        w
        for c in categories.CATEGORIES
        for s in c.subtypes
        for w in (s.code, s.zh, s.en, *s.aliases)
    }
)
EDGE_NUMBERS = st.sampled_from(
    [
        "nan",
        "inf",
        "-inf",
        "1e400",
        "1e308",
        "１２",
        "٣",
        "²",
        "½",
        "9" * 400,
        "9" * 19,
        "9223372036854775808",
        "1.5",
        " 12 ",
        "-0",
        "0x10",
        "1_000",
        "",
        " ",
    ]
)
NUMBERISH = st.one_of(
    EDGE_NUMBERS,
    st.builds(lambda n, unit: n + unit, EDGE_NUMBERS, st.sampled_from(["万", "亿", "元", "万元"])),
    st.integers(-5, 10**30).map(str),
    st.text("0123456789.,，万亿元-e", max_size=14),
)
JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=5), c, max_size=3),
    max_leaves=6,
)
TIMEISH = st.one_of(
    st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31)).map(str),
    st.sampled_from(
        [
            "2026-11-22 14:05",
            "14:05",
            "昨天 8:00",
            "0001-01-01",
            "9999-12-31 23:59",
            "2026-02-30",
            "25:61",
            "now",
            "2026-11-22T06:00:00Z",
            "1e9",
            "",
        ]
    ),
    st.text(max_size=20),
)
LINE_TOKENS = st.one_of(
    st.sampled_from(CATEGORY_WORDS),
    st.sampled_from(["敏感", "@", "＠", "#", "#重大", "#II", "#iv", "#V", "\u3000", "损", "昨"]),
    st.builds(
        lambda p, n: p + n,
        st.sampled_from(
            [
                "亡",
                "死",
                "死亡",
                "伤",
                "受伤",
                "重伤",
                "困",
                "被困",
                "失",
                "失联",
                "失踪",
                "损",
                "损失",
            ]
        ),
        NUMBERISH,
    ),
    st.builds(lambda n, unit: f"损{n}{unit}", NUMBERISH, st.sampled_from(["", "万", "亿", "元"])),
    st.builds(
        lambda day, h, m: f"{day}{h}:{m}",
        st.sampled_from(["", "昨", "昨天", "前天"]),
        st.integers(0, 99),
        st.integers(0, 99).map(lambda x: f"{x:02d}"),
    ),
    st.builds(lambda t: "@" + t, st.text(max_size=10)),
    st.from_regex(r"[0-9][0-9\-]{6,14}", fullmatch=True),
    st.text(max_size=8),
)
LINES = st.lists(LINE_TOKENS, max_size=10).map(" ".join) | st.text(max_size=40)


def _field_strategy(name: str):
    if name in ("dead", "injured", "seriously_injured", "trapped", "missing", "direct_loss"):
        return st.one_of(NUMBERISH, st.integers(-3, 2**64), st.floats(), JSONISH)
    if name in ("received_at", "occurred_at"):
        return st.one_of(TIMEISH, JSONISH)
    if name in ("category", "subtype"):
        return st.one_of(st.sampled_from(CATEGORY_WORDS), st.text(max_size=12), JSONISH)
    if name == "sensitive":
        return st.one_of(st.sampled_from(["是", "否", "yes", "no", "1", "0", "maybe"]), JSONISH)
    if name == "grade":
        return st.one_of(st.sampled_from(["I", "II", "III", "IV", "V", "", "ii"]), JSONISH)
    return st.one_of(st.text(max_size=50), st.text(min_size=4001, max_size=4100), JSONISH)


VALID = {"place": "城关镇东街", "description": "商铺起火", "category": "火灾"}
# A valid incident with one field fuzzed reaches that field's checks; the others mix many.
ONE_FIELD = st.sampled_from(sorted(KNOWN_FIELDS)).flatmap(
    lambda f: _field_strategy(f).map(lambda v: {**VALID, f: v})
)
MAPPINGS = (
    ONE_FIELD
    | ONE_FIELD
    | st.fixed_dictionaries(
        {
            "place": st.one_of(st.just("城关镇东街"), _field_strategy("place")),
            "description": st.one_of(st.just("商铺起火"), _field_strategy("description")),
            "category": st.one_of(st.just("火灾"), _field_strategy("category")),
        },
        optional={
            f: _field_strategy(f)
            for f in sorted(KNOWN_FIELDS - {"place", "description", "category"})
        },
    )
    | st.dictionaries(
        st.sampled_from(sorted(KNOWN_FIELDS)) | st.text(max_size=8), JSONISH, max_size=6
    )
)

# CI runs a fixed, derandomised sample; WATCHDESK_FUZZ_EXAMPLES=20000 explores further.
EXAMPLES = int(os.environ.get("WATCHDESK_FUZZ_EXAMPLES", "300"))
FUZZ = settings(
    max_examples=EXAMPLES,
    derandomize="WATCHDESK_FUZZ_EXAMPLES" not in os.environ,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


def _named(e: InputError, allowed: set[str]) -> None:
    assert e.field in allowed, (e.field, e.problem)
    assert e.problem.strip(), e.field


# -- intake ------------------------------------------------------------------------------------
@FUZZ
@given(LINES)
@example("火灾 损" + "9" * 400)  # found by this test: OverflowError (round(inf))
@example("火灾 损" + "9" * 400 + "万")
@example("火灾 亡² @东街")  # found: '²'.isdigit() but int('²') fails
def test_parse_line_never_crashes_and_names_what_it_rejects(line):
    try:
        out = parse_line(line, now=NOW, tz=TZ)
    except InputError as e:
        _named(e, KNOWN_FIELDS | {"line"})
        return
    assert set(out) <= KNOWN_FIELDS
    assert out["category"] and out["description"]
    try:  # what the form does next with the parsed fields
        facts_from_mapping(
            {**out, "category": out["subtype"] or out["category"], "subtype": ""}, now=NOW, tz=TZ
        )
    except InputError as e:
        _named(e, KNOWN_FIELDS)


@FUZZ
@given(MAPPINGS)
@example({**VALID, "direct_loss": "inf万"})  # found: OverflowError
@example({**VALID, "direct_loss": "1e400万"})
@example({**VALID, "\r": None})  # found: a field name that broke the one-line message
@example({**VALID, "": 1})
def test_facts_from_mapping_never_crashes_and_names_what_it_rejects(data):
    try:
        facts = facts_from_mapping(data, now=NOW, tz=TZ)
    except InputError as e:
        _named(e, KNOWN_FIELDS | {"input"} | set(data) | {repr(k) for k in data})
        return
    assert isinstance(facts, IncidentFacts)
    assert facts.received_at.tzinfo is not None


@pytest.fixture(scope="module")
def cli_desk(tmp_path_factory):
    path = tmp_path_factory.mktemp("fuzz") / "desk.db"
    assert run_main(["init", "--db", str(path)])["code"] == 0
    return path


@settings(
    max_examples=max(200, EXAMPLES // 5),
    deadline=None,
    database=None,
    derandomize="WATCHDESK_FUZZ_EXAMPLES" not in os.environ,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    st.one_of(
        MAPPINGS.map(lambda d: json.dumps(d, ensure_ascii=False)),
        JSONISH.map(json.dumps),
        st.text(max_size=30),
    )
)
@example(json.dumps({**VALID, "direct_loss": 1e300}))  # found: OverflowError in the store
@example(json.dumps({**VALID, "direct_loss": 2**63}))
@example(json.dumps({**VALID, "occurred_at": "0001-01-01 00:00"}))  # found: OverflowError
@example(json.dumps({**VALID, "\n": 1}))
def test_incident_add_json_through_main(cli_desk, text):
    """What `watchdesk incident add --json -` does with it: saved (0), or refused with one line
    naming the field (2). Never 1 ("unexpected error"), never a traceback."""
    res = run_main(["incident", "add", "--json", "-", "--db", str(cli_desk)], stdin=text)
    assert "Traceback" not in res["err"]
    if res["code"] == 0:
        assert json.loads(res["out"])["id"] > 0
        return
    assert res["code"] == 2, res["err"]
    lines = res["err"].strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("watchdesk: "), res["err"]
    assert ": " in lines[0][len("watchdesk: ") :], lines[0]  # "<field>: <problem>"


# -- the rule engine ---------------------------------------------------------------------------
ZONES = st.sampled_from(
    [
        UTC,
        TZ,
        ZoneInfo("America/New_York"),
        timezone(timedelta(hours=14)),
        timezone(timedelta(hours=-12)),
    ]
)
AWARE = st.builds(
    lambda dt, tz: dt.replace(tzinfo=tz),
    st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2200, 1, 1)),
    ZONES,
)


@FUZZ
@given(
    st.integers(-3, 10**12),
    st.integers(-3, 10**6),
    st.integers(-3, 10**12),
    st.integers(-3, 10**6),
    st.booleans(),
)
def test_suggest_grade(dead, seriously, loss, missing, counts):
    try:
        g = suggest_grade(dead, seriously, loss, missing=missing, missing_counts=counts)
    except ValueError as e:
        assert min(dead, seriously, loss, missing) < 0 and "must not be negative" in str(e)
        return
    assert isinstance(g, Grade)
    more = suggest_grade(dead + 1, seriously + 1, loss + 1, missing=missing, missing_counts=counts)
    assert more.rank <= g.rank  # more casualties never lower the grade


@FUZZ
@given(
    st.sampled_from(PACKS),
    st.sampled_from(list(Grade)),
    st.booleans(),
    st.one_of(st.none(), AWARE, st.datetimes()),
    st.one_of(AWARE, st.datetimes()),
    ZONES,
)
def test_initial_clocks(pack, grade, sensitive, occurred, received, tz):
    try:
        specs = initial_clocks(
            pack,
            grade=grade,
            sensitive=sensitive,
            occurred_at=occurred,
            received_at=received,
            tz=tz,
        )
    except ValueError as e:
        assert "timezone-aware" in str(e)
        assert any(d is not None and d.tzinfo is None for d in (occurred, received))
        return
    assert len({s.kind for s in specs}) == len(specs)
    for s in specs:
        assert s.due_at.utcoffset() == timedelta(0)
        anchor = min(x for x in (occurred, received) if x is not None)
        assert s.due_at > anchor and s.rule_id and s.pack_id == pack.id


@FUZZ
@given(
    st.sampled_from(PACKS),
    st.sampled_from(list(Grade)),
    st.booleans(),
    AWARE,
    st.integers(-3, 1000),
    ZONES,
)
def test_next_followup(pack, grade, sensitive, after, seq, tz):
    try:
        spec = next_followup(pack, grade=grade, sensitive=sensitive, after=after, seq=seq, tz=tz)
    except ValueError as e:
        assert seq < 1 and "seq" in str(e)
        return
    assert spec is None or (spec.due_at > after and spec.seq == seq)


# -- rule packs --------------------------------------------------------------------------------
def _toml_value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return (
            repr(v)
            if v == v and abs(v) != float("inf")
            else ("nan" if v != v else ("inf" if v > 0 else "-inf"))
        )
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, list):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    raise TypeError(v)


def _toml(data: dict) -> str:
    out = []
    for key, val in data.items():
        if isinstance(val, dict):
            out.append(f"[{key}]")
            out += [f"{json.dumps(k)} = {_toml_value(v)}" for k, v in val.items()]
        elif isinstance(val, list) and val and all(isinstance(x, dict) for x in val):
            for item in val:
                out.append(f"[[{key}]]")
                out += [f"{json.dumps(k)} = {_toml_value(v)}" for k, v in item.items()]
        else:
            out.insert(0, f"{json.dumps(key)} = {_toml_value(val)}")
    return "\n".join(out) + "\n"


SCALAR = st.one_of(
    st.text(max_size=12), st.integers(-(10**20), 10**20), st.booleans(), st.floats(allow_nan=True)
)
DURATION = st.one_of(
    st.sampled_from(
        [
            "30m",
            "1h",
            "6h",
            "1h30m",
            "90s",
            "2d",
            "0s",
            "",
            "h",
            "99999999999d",
            "1000000000d",
            "30M",
            " 1h ",
            "-1h",
        ]
    ),
    st.from_regex(r"(\d{1,12}d)?(\d{1,12}h)?(\d{1,6}m)?(\d{1,6}s)?", fullmatch=True),
    SCALAR,
)
CLOCKS = st.lists(
    st.one_of(st.sampled_from(["08:00", "16:00", "24:00", "7:00", "23:59"]), SCALAR), max_size=3
)
RULE = st.fixed_dictionaries(
    {
        "id": st.one_of(st.sampled_from(["r1", "r2", "r1"]), SCALAR),
        "kind": st.one_of(st.sampled_from(["phone", "written", "followup", "fax"]), SCALAR),
        "source": st.one_of(st.just("S1"), SCALAR),
    },
    optional={
        "grades": st.one_of(
            st.lists(st.sampled_from(["I", "II", "III", "IV", "V"]), max_size=3), SCALAR
        ),
        "sensitive": SCALAR,
        "within": DURATION,
        "every": DURATION,
        "at": CLOCKS,
        "anchor": st.one_of(st.sampled_from(["occurred", "received", "never"]), SCALAR),
        "extra": SCALAR,
    },
)
PACK = st.fixed_dictionaries(
    {
        "id": st.one_of(st.just("p"), SCALAR),
        "name_zh": st.just("测试"),
        "name_en": st.one_of(st.just("test"), SCALAR),
        "source": st.just("S"),
        "verification_default": DURATION,
    },
    optional={"rules": SCALAR, "path": SCALAR, "verification_source": SCALAR, "x": SCALAR},
)
PACK_DOCS = st.fixed_dictionaries(
    {"pack": PACK, "rule": st.lists(RULE, max_size=4)}, optional={"other": SCALAR}
)


@FUZZ
@given(
    st.one_of(
        PACK_DOCS.map(_toml),
        st.text(max_size=200),
        st.tuples(st.sampled_from(PACKS), st.integers(0, 5000), st.text(max_size=5)).map(
            lambda t: _mutate(t[0], t[1], t[2])
        ),
    )
)
@example(
    '[pack]\nid = "p"\nname_zh = "测"\nname_en = "t"\nsource = "S"\n'
    'verification_default = "99999999999d"\n[[rule]]\nid = "r"\nkind = "phone"\n'
    'grades = ["I"]\nwithin = "1h"\nsource = "S"\n'
)  # found: OverflowError
def test_pack_parsing(text):
    try:
        pack = parse_pack(text, "fuzz.toml")
    except PackError as e:
        msg = str(e)
        assert msg.startswith("fuzz.toml: ") and len(msg) > len("fuzz.toml: ") + 8, msg
        assert "\n" not in msg.strip() or "not valid TOML" in msg, msg
        return
    assert pack.rules
    for r in pack.rules:
        for _kind in ("phone", "written", "followup"):
            r.applies(Grade.I, True)
        initial_clocks(
            pack, grade=Grade.I, sensitive=True, occurred_at=None, received_at=NOW, tz=TZ
        )


def _mutate(pack, pos: int, junk: str) -> str:
    text = open(
        pack.path if pack.path.startswith("/") else _shipped(pack.path), encoding="utf-8"
    ).read()
    pos %= max(1, len(text))
    return text[:pos] + junk + text[pos + len(junk) :]


def _shipped(name: str) -> str:
    from importlib.resources import files

    return str(files("watchdesk.rules").joinpath("packs", name))
