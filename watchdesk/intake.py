"""Turning what a person typed (a form, a JSON file) into IncidentFacts, or one clear error.

Pure: no I/O, no textual. Errors are `InputError(field, problem)` so the form can put the message
at the field and the CLI can print one line.
"""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Any, Mapping

from pydantic import ValidationError

from .models import IncidentFacts
from .rules import categories
from .store.incidents import InputError
from .timefmt import parse_time

INT_FIELDS = ("dead", "injured", "seriously_injured", "trapped", "missing", "direct_loss")
TIME_FIELDS = ("received_at", "occurred_at")
TEXT_FIELDS = ("place", "source", "title", "description", "scope", "trend", "measures",
               "caller_unit", "caller_name", "caller_title", "caller_phone", "recorder")
KNOWN_FIELDS = set(INT_FIELDS) | set(TIME_FIELDS) | set(TEXT_FIELDS) | {
    "category", "subtype", "sensitive", "grade"}


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
        except ValueError:
            raise InputError(field, f"must be a whole number, got {value!r}") from None
    else:
        raise InputError(field, f"must be a whole number, got {value!r}")
    if n < 0:
        raise InputError(field, f"must not be negative, got {n}")
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
        raise InputError(unknown[0], "is not an incident field")
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
        raise InputError("subtype" if sub_text and "subtype" in str(e) else "category",
                         str(e)) from None
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
