"""Turning what a person typed (a form, a JSON file) into IncidentFacts, or one clear error.

Pure: no I/O, no textual. Errors are `InputError(field, problem)` so the form can put the message
at the field and the CLI can print one line.
"""

from __future__ import annotations

import re as _re
from collections.abc import Mapping
from datetime import datetime, timedelta, tzinfo
from typing import Any

from pydantic import ValidationError

from watchdesk.errors import InputError
from watchdesk.models.incident import IncidentFacts
from watchdesk.rules import categories
from watchdesk.text.timefmt import parse_time

INT_FIELDS = ("dead", "injured", "seriously_injured", "trapped", "missing", "direct_loss")
TIME_FIELDS = ("received_at", "occurred_at")
TEXT_FIELDS = (
    "place",
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


def _int(field: str, value: Any) -> int:
    if isinstance(value, bool):
        raise InputError(field, "must be a whole number, not true/false")
    if isinstance(value, int):
        n = value
    elif isinstance(value, float) and value.is_integer():
        n = int(value)
    elif isinstance(value, str):
        text = value.strip().replace(",", "").replace("，", "")
        if text == "":
            return 0
        multiplier = 1
        if text.endswith("万"):  # 万 = 10,000 (common for losses: 1200万)
            text, multiplier = text[:-1], 10_000
        elif text.endswith("亿"):
            text, multiplier = text[:-1], 100_000_000
        try:
            n = round(float(text) * multiplier) if multiplier != 1 else int(text)
        except (ValueError, OverflowError):  # OverflowError: inf万, 1e400万
            raise InputError(field, f"must be a whole number, got {value!r}") from None
    else:
        raise InputError(field, f"must be a whole number, got {value!r}")
    if n < 0:
        raise InputError(field, f"must not be negative, got {n}")
    if n > MAX_INT:  # SQLite stores nothing larger
        raise InputError(field, f"is too large, got {value!r}")
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
    raise InputError(field, f"must be true or false, got {value!r}")


def facts_from_mapping(data: Mapping[str, Any], *, now: datetime, tz: tzinfo) -> IncidentFacts:
    """Validate and normalise a mapping of field → value. `received_at` defaults to now; naive
    times are in the desk's zone; `category` may be a code or a Chinese/English name or alias,
    and then also fills the subtype."""
    if not isinstance(data, Mapping):
        raise InputError("input", "must be a JSON object of incident fields")
    unknown = sorted(set(data) - KNOWN_FIELDS)
    if unknown:
        name = unknown[0]  # quoted when it would not show as itself on one line
        raise InputError(
            name if name.isprintable() and name.strip() == name and name else repr(name),
            "is not an incident field",
        )
    out: dict[str, Any] = {}
    for f in TEXT_FIELDS:
        v = data.get(f)
        if v is None:
            continue
        if not isinstance(v, str):
            raise InputError(f, "must be text")
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
            raise InputError(f, "must be a time such as 2026-11-22 14:05")
        try:
            out[f] = parse_time(v, tz, now=now)
        except ValueError as e:
            raise InputError(f, str(e)) from None
    for f in TIME_FIELDS:
        if f in out and out[f].replace(tzinfo=None) < EARLIEST:
            raise InputError(f, "is before 1970; check the year")
    out.setdefault("received_at", now)
    if data.get("sensitive") is not None:
        out["sensitive"] = _bool("sensitive", data["sensitive"])
    if data.get("grade") not in (None, ""):
        out["grade"] = data["grade"]
    cat_text = data.get("category")
    sub_text = data.get("subtype") or ""
    if cat_text in (None, ""):
        raise InputError("category", "is required")
    if not isinstance(cat_text, str) or not isinstance(sub_text, str):
        raise InputError("category", "must be text")
    try:
        cat, sub = categories.resolve(cat_text)
        if sub_text:
            _, sub2 = categories.resolve(sub_text)
            if sub2 is None:
                raise InputError("subtype", f"{sub_text!r} is a category, not a subtype")
            if sub is not None and sub2.code != sub.code:
                raise InputError("subtype", f"{sub_text!r} does not match category {cat_text!r}")
            sub = sub2
            categories.validate(cat.code, sub.code)
    except ValueError as e:
        if isinstance(e, InputError):
            raise
        raise InputError(
            "subtype" if sub_text and "subtype" in str(e) else "category", str(e)
        ) from None
    out["category"] = cat.code
    out["subtype"] = sub.code if sub else ""
    for required in ("place", "description"):
        if not out.get(required):
            raise InputError(required, "is required")
    try:
        return IncidentFacts(**out)
    except ValidationError as e:
        err = e.errors()[0]
        field = ".".join(str(p) for p in err["loc"]) or "input"
        msg = err["msg"].removeprefix("Value error, ")
        raise InputError(field, msg) from None


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


def parse_line(line: str, *, now: datetime, tz: tzinfo) -> dict[str, Any]:
    """`火灾 @城关镇东街 亡1 伤3 困2 敏感` → fields for the intake form (not yet saved).

    Tokens are separated by spaces. The first token that names a category or subtype is the
    category; `@…` is the place; counts are 亡/死 (dead), 伤 (injured), 重伤 (seriously
    injured), 困 (trapped), 失/失联 (missing) followed by a number; 损N / 损N万 / 损N亿 is the
    direct loss; HH:MM (or 昨HH:MM) is when it happened; 敏感 marks it sensitive; #重大 or #II
    sets the grade; a phone number is the caller's phone; every other word is the description.
    Raises InputError naming the token that cannot be understood."""
    tokens = line.replace("\u3000", " ").split()
    if not tokens:
        raise InputError("line", "is empty")
    out: dict[str, Any] = {}
    words: list[str] = []
    for tok in tokens:
        if tok.startswith(("@", "＠")):
            if len(tok) == 1:
                raise InputError("place", "'@' must be followed by the place, e.g. @城关镇东街")
            out["place"] = (out.get("place", "") + " " + tok[1:]).strip()
            continue
        if tok.startswith(("#", "＃")):
            g = _GRADES.get(tok[1:].lower())
            if not g:
                raise InputError("grade", f"{tok!r}: use #特别重大 #重大 #较大 #一般 or #I…#IV")
            out["grade"] = g
            continue
        if tok == "敏感":
            out["sensitive"] = True
            continue
        m = _LOSS.match(tok)
        if m:
            amount = float(m.group(1)) * {None: 1, "万": 10_000, "亿": 100_000_000}[m.group(2)]
            if not amount <= MAX_INT:  # also inf
                raise InputError("direct_loss", f"{tok!r} is too large")
            out["direct_loss"] = round(amount)
            continue
        m = _TIME.match(tok)
        if m:
            day_back = {None: 0, "昨": 1, "昨天": 1, "前天": 2}[m.group(1)]
            hh, mm = int(m.group(2)), int(m.group(3))
            if hh > 23 or mm > 59:
                raise InputError("occurred_at", f"{tok!r} is not a time of day")
            local = now.astimezone(tz)
            out["occurred_at"] = datetime.combine(
                local.date(), datetime.min.time().replace(hour=hh, minute=mm), tzinfo=tz
            ) - timedelta(days=day_back)
            continue
        matched = False
        for prefixes, field in _COUNT_TOKENS:
            for p in prefixes:
                if tok.startswith(p) and tok[len(p) :].isdecimal():  # isdigit() takes '²'
                    out[field] = int(tok[len(p) :])
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
                out["_category_word"] = tok
                continue
        words.append(tok)
    if "category" not in out:
        raise InputError(
            "category", "no word in the line names an event type (e.g. 火灾, 车祸, 滑坡)"
        )
    desc = " ".join(words)
    out["description"] = desc or f"{out.pop('_category_word')}" + (
        f"（{out['place']}）" if out.get("place") else ""
    )
    out.pop("_category_word", None)
    return out


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
