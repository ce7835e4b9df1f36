"""Turning what a person typed (a form, a JSON file) into IncidentFacts, or one clear error.

Pure: no I/O, no textual. Errors are `InputError(field, problem)` so the form can put the message
at the field and the CLI can print one line.
"""

from __future__ import annotations

import re as _re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from decimal import ROUND_FLOOR, Decimal
from typing import Any

from pydantic import ValidationError

from watchdesk.errors import BadValue, InputError, Msg, msg_of, validation_msg
from watchdesk.models.incident import IncidentFacts
from watchdesk.rules import categories
from watchdesk.text.timefmt import parse_past_time, past_clock_time

INT_FIELDS = ("dead", "injured", "seriously_injured", "trapped", "missing", "direct_loss")
TIME_FIELDS = ("received_at", "occurred_at")
TEXT_FIELDS = (
    "place",
    "area",  # a name, 行政区划代码 or pinyin: looked up when saved (store/area.py)
    "source",
    "title",
    "description",
    "scope",
    "trend",
    "measures",
    "caller_unit",
    "caller_name",
    "caller_title",
    "caller_phone",
    "recorder",
)
MAX_INT = 2**63 - 1
EARLIEST = datetime(1970, 1, 1)  # local wall time; earlier years are typing mistakes
KNOWN_FIELDS = (
    set(INT_FIELDS)
    | set(TIME_FIELDS)
    | set(TEXT_FIELDS)
    | {"category", "subtype", "sensitive", "grade"}
)


_UNITS = {"": 1, "万": 10_000, "亿": 100_000_000}
# Problems of a category lookup that are about the subtype typed (categories.py).
_SUBTYPE_PROBLEMS = (
    "err.category.unknown_subtype",
    "err.category.wrong_subtype",
    "err.category.unknown_text",
)


def money_yuan(number: str, unit: str = "") -> int:
    """An amount (`number` of `unit`: "", 万 or 亿) in whole yuan, exactly: decimal arithmetic,
    never float, and a fraction of a yuan is dropped, never rounded up, so an amount just under a
    grading threshold stays under it (4999.99999万 is 49,999,999 yuan: 较大, not 重大). ValueError
    when it is not a number, OverflowError when it is too large to store."""
    try:
        d = Decimal(number.strip()) * _UNITS[unit]
    except (ArithmeticError, KeyError):  # decimal's errors are ArithmeticErrors
        raise BadValue("err.intake.not_amount", amount=f"{number!r}{unit}") from None
    if not d.is_finite():
        raise BadValue("err.intake.not_amount", amount=f"{number!r}{unit}")
    if d > MAX_INT:
        raise OverflowError(f"too large: {number}{unit}")
    return int(d.to_integral_value(rounding=ROUND_FLOOR))


def _int(field: str, value: Any) -> int:
    if isinstance(value, bool):
        raise InputError(field, "err.number.whole_not_bool")
    if isinstance(value, int):
        n = value
    elif isinstance(value, float) and value.is_integer():
        n = int(value)
    elif isinstance(value, str):
        text = value.strip().replace(",", "").replace("，", "")
        if text == "":
            return 0
        unit = text[-1] if text.endswith(("万", "亿")) else ""  # 万 = 10,000: 1200万
        number = text.removesuffix(unit) if unit else text
        try:
            if field == "direct_loss":  # money: exact, a fraction of a yuan dropped
                n = money_yuan(number, unit)
            elif unit:  # 1.5万 people is 15000; 1.00005万 people is not a whole number
                exact = Decimal(number) * _UNITS[unit]
                if not exact.is_finite() or exact != exact.to_integral_value():
                    raise ValueError(text)
                if exact > MAX_INT:
                    raise OverflowError(text)
                n = int(exact)
            else:
                n = int(text)
        except OverflowError:
            raise InputError(field, "err.number.too_large", value=repr(value)) from None
        except (ValueError, ArithmeticError):  # inf万, nan万, 1e400万
            raise InputError(field, "err.number.whole_got", value=repr(value)) from None
    else:
        raise InputError(field, "err.number.whole_got", value=repr(value))
    if n < 0:
        raise InputError(field, "err.number.negative_got", value=n)
    if n > MAX_INT:  # SQLite stores nothing larger
        raise InputError(field, "err.number.too_large", value=repr(value))
    return n


def _bool(field: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in ("", "0", "false", "no", "n", "否"):
        return False
    if isinstance(value, str) and value.strip().lower() in ("1", "true", "yes", "y", "是"):
        return True
    raise InputError(field, "err.intake.bool", value=repr(value))


def facts_from_mapping(data: Mapping[str, Any], *, now: datetime, tz: tzinfo) -> IncidentFacts:
    """Validate and normalise a mapping of field → value. `received_at` defaults to now; naive
    times are in the desk's zone, and a bare `HH:MM` is the most recent such moment that is not
    in the future (`昨HH:MM` yesterday's: `parse_past_time`); `category` may be a code or a
    Chinese/English name or alias, and then also fills the subtype."""
    if not isinstance(data, Mapping):
        raise InputError("input", "err.intake.not_object")
    unknown = sorted(set(data) - KNOWN_FIELDS)
    if unknown:
        name = unknown[0]  # quoted when it would not show as itself on one line
        raise InputError(
            name if name.isprintable() and name.strip() == name and name else repr(name),
            "err.intake.unknown_field",
        )
    out: dict[str, Any] = {}
    for f in TEXT_FIELDS:
        v = data.get(f)
        if v is None:
            continue
        if not isinstance(v, str):
            raise InputError(f, "err.text.not_text")
        out[f] = v.strip()
    for f in INT_FIELDS:
        if data.get(f) is not None:
            out[f] = _int(f, data[f])
    for f in TIME_FIELDS:
        v = data.get(f)
        if v is None or v == "":
            continue
        if isinstance(v, datetime):
            out[f] = v if v.tzinfo else v.replace(tzinfo=tz)
            continue
        if not isinstance(v, str):
            raise InputError(f, "err.time.not_text")
        try:
            out[f] = parse_past_time(v, tz, now=now)
        except ValueError as e:
            raise InputError(f, msg_of(e)) from None
    for f in TIME_FIELDS:
        if f in out and out[f].replace(tzinfo=None) < EARLIEST:
            raise InputError(f, "err.time.before_1970")
    out.setdefault("received_at", now)
    if data.get("sensitive") is not None:
        out["sensitive"] = _bool("sensitive", data["sensitive"])
    if data.get("grade") not in (None, ""):
        out["grade"] = data["grade"]
    cat_text = data.get("category")
    sub_text = data.get("subtype") or ""
    if cat_text in (None, ""):
        raise InputError("category", "err.text.required")
    if not isinstance(cat_text, str) or not isinstance(sub_text, str):
        raise InputError("category", "err.text.not_text")
    try:
        cat, sub = categories.resolve(cat_text)
        if sub_text:
            _, sub2 = categories.resolve(sub_text)
            if sub2 is None:
                raise InputError("subtype", "err.intake.not_subtype", text=sub_text)
            if sub is not None and sub2.code != sub.code:
                raise InputError(
                    "subtype", "err.intake.subtype_mismatch", text=sub_text, category=cat_text
                )
            sub = sub2
            categories.validate(cat.code, sub.code)
    except ValueError as e:
        if isinstance(e, InputError):
            raise
        msg = msg_of(e)
        about_subtype = msg.key in _SUBTYPE_PROBLEMS
        raise InputError("subtype" if sub_text and about_subtype else "category", msg) from None
    out["category"] = cat.code
    out["subtype"] = sub.code if sub else ""
    for required in ("place", "description"):
        if not out.get(required):
            raise InputError(required, "err.text.required")
    try:
        return IncidentFacts(**out)
    except ValidationError as e:
        err = e.errors()[0]
        field = ".".join(str(p) for p in err["loc"]) or "input"
        raise InputError(field, validation_msg(err)) from None


# -- the one-line intake ----------------------------------------------------------------------

_COUNT_TOKENS = [
    (("重伤",), "seriously_injured"),
    (("死亡", "亡", "死"), "dead"),
    (("受伤", "伤"), "injured"),
    (("被困", "困"), "trapped"),
    (("失联", "失踪", "失"), "missing"),
]
_LOSS = _re.compile(r"^(?:损失|损)(\d+(?:\.\d+)?)(万|亿)?(?:元)?$")
_TIME = _re.compile(r"^(昨天?|前天)?(\d{1,2})[:：](\d{2})$")
_PHONE = _re.compile(r"^[0-9][0-9\-]{6,}$")
_GRADES = {
    "特别重大": "I",
    "重大": "II",
    "较大": "III",
    "一般": "IV",
    "i": "I",
    "ii": "II",
    "iii": "III",
    "iv": "IV",
}

LINE_GRAMMAR = """\
<类别> @<地点> [亡N] [伤N] [重伤N] [困N] [失N] [损N万] [HH:MM] [敏感] [#等级] [电话] [描述…]"""


@dataclass
class LineProblem:
    """A word of the line that could not be understood: `code` names the kind of problem
    (for the UI's own words), `problem` says it (for `InputError`, in the UI language)."""

    token: str
    field: str  # the incident field it was meant for, or "line"
    code: str  # empty | place | grade | loss | time | no_type | unknown_type
    problem: Msg


@dataclass
class LineReading:
    """What a line says: the fields understood, the words that were not, and the word taken
    for the event type (a known one, or the unknown one the officer meant as the type)."""

    fields: dict[str, Any]
    problems: list[LineProblem] = field(default_factory=list)
    type_word: str = ""

    @property
    def complete(self) -> bool:
        """Nothing misunderstood, and what an incident needs is there: a type and a place (the
        line writes the description itself)."""
        return not self.problems and bool(self.fields.get("category") and self.fields.get("place"))


def read_line(line: str, *, now: datetime, tz: tzinfo) -> LineReading:
    """`火灾 @城关镇东街 亡1 伤3 困2 敏感` → the fields for an incident (not yet saved), and every
    word that could not be understood.

    Tokens are separated by spaces. The first token that names a category or subtype is the
    category; `@…` is the place; counts are 亡/死 (dead), 伤 (injured), 重伤 (seriously
    injured), 困 (trapped), 失/失联 (missing) followed by a number; 损N / 损N万 / 损N亿 is the
    direct loss; HH:MM (the most recent such moment, not in the future) or 昨HH:MM is when it
    happened; 敏感 marks it sensitive; #重大 or #II sets the grade; a phone number is the
    caller's phone; every other word is the description. When no word names a type, the first
    such other word is taken for the type the officer meant (`unknown_type`). Without words of
    its own, the description is the type word and the place: `火灾（城关镇东街）`."""
    tokens = line.replace("\u3000", " ").split()
    if not tokens:
        return LineReading({}, [LineProblem("", "line", "empty", Msg("err.intake.line_empty"))])
    out: dict[str, Any] = {}
    problems: list[LineProblem] = []
    words: list[str] = []
    type_word = ""

    def bad(tok: str, field_name: str, code: str, problem: Msg) -> None:
        problems.append(LineProblem(tok, field_name, code, problem))

    for tok in tokens:
        if tok.startswith(("@", "＠")):
            if len(tok) == 1:
                bad(tok, "place", "place", Msg("err.intake.at_place"))
                continue
            out["place"] = (out.get("place", "") + " " + tok[1:]).strip()
            continue
        if tok.startswith(("#", "＃")):
            g = _GRADES.get(tok[1:].lower())
            if not g:
                bad(tok, "grade", "grade", Msg("err.intake.grade", token=tok))
                continue
            out["grade"] = g
            continue
        if tok == "敏感":
            out["sensitive"] = True
            continue
        m = _LOSS.match(tok)
        if m:
            try:  # exact: 损4999.99999万 is 49,999,999 yuan, never rounded up to 5000万
                out["direct_loss"] = money_yuan(m.group(1), m.group(2) or "")
            except (OverflowError, ValueError):
                bad(tok, "direct_loss", "loss", Msg("err.intake.loss", token=tok))
            continue
        m = _TIME.match(tok)
        if m:
            days_back = {None: None, "昨": 1, "昨天": 1, "前天": 2}[m.group(1)]
            try:
                out["occurred_at"] = past_clock_time(
                    int(m.group(2)), int(m.group(3)), tz, now=now, days_back=days_back
                )
            except ValueError:
                bad(tok, "occurred_at", "time", Msg("err.intake.time", token=tok))
            continue
        matched = False
        for prefixes, field_name in _COUNT_TOKENS:
            for p in prefixes:
                if tok.startswith(p) and tok[len(p) :].isdecimal():  # isdigit() takes '²'
                    out[field_name] = int(tok[len(p) :])
                    matched = True
                    break
            if matched:
                break
        if matched:
            continue
        if _PHONE.match(tok):
            out["caller_phone"] = tok
            continue
        if "category" not in out:
            try:
                cat, sub = categories.resolve(tok)
            except ValueError:
                pass
            else:
                out["category"] = cat.code
                out["subtype"] = sub.code if sub else ""
                type_word = tok
                continue
        words.append(tok)
    if "category" not in out:
        if words:
            type_word = words.pop(0)
            bad(
                type_word,
                "category",
                "unknown_type",
                Msg("err.intake.unknown_type", token=type_word),
            )
        else:
            bad("", "category", "no_type", Msg("err.intake.no_type_short"))
    desc = " ".join(words)
    if desc or type_word:
        out["description"] = desc or type_word + (f"（{out['place']}）" if out.get("place") else "")
    return LineReading(out, problems, type_word)


def parse_line(line: str, *, now: datetime, tz: tzinfo) -> dict[str, Any]:
    """`read_line`, for a caller that wants fields or one error: the fields for the intake
    form, or InputError naming the first word that cannot be understood."""
    reading = read_line(line, now=now, tz=tz)
    if reading.problems:
        p = reading.problems[0]
        if p.code in ("unknown_type", "no_type"):
            raise InputError("category", "err.intake.no_type")
        raise InputError(p.field, p.problem)
    return reading.fields


def three_way_merge(
    base: Mapping[str, Any], mine: Mapping[str, Any], theirs: Mapping[str, Any]
) -> tuple[dict[str, Any], list[str]]:
    """Merge my edit with someone else's, both made from `base`: a field only I changed takes
    mine, a field only they changed takes theirs; fields both changed differently are conflicts
    (the merged value keeps theirs until the officer chooses)."""
    merged: dict[str, Any] = {}
    conflicts: list[str] = []
    for k in base:
        b, m, t = base[k], mine.get(k, base[k]), theirs.get(k, base[k])
        if m == t or m == b:
            merged[k] = t
        elif t == b:
            merged[k] = m
        else:
            merged[k] = t
            conflicts.append(k)
    return merged, conflicts
