"""Deadline rule packs (时限规则包): TOML files validated into frozen pydantic models.

National law sets the floor and provinces/cities set stricter deadlines (reporting-rules.md §8.1),
so every timing is data. Shipped packs live in `watchdesk/rules/packs/*.toml`.
"""

from __future__ import annotations

import re
import tomllib
from datetime import time, timedelta
from functools import cache
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, StrictBool, ValidationError, field_validator

from watchdesk.models.incident import Grade, ReportKind

DEFAULT_PACK = "national"

_DURATION = re.compile(r"(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?")
_CLOCK = re.compile(r"([01]\d|2[0-3]):([0-5]\d)")


class PackError(ValueError):
    """A rule pack cannot be found, parsed or validated."""


def parse_duration(text: str) -> timedelta:
    """'30m', '1h', '6h', '90s', '1h30m', '2d' → timedelta (must be > 0)."""
    m = _DURATION.fullmatch(text.strip().lower()) if isinstance(text, str) else None
    if not m or not any(m.groups()):
        raise ValueError(f"invalid duration {text!r} (use e.g. 30m, 1h, 1h30m, 90s)")
    d, h, mi, s = (int(x or 0) for x in m.groups())
    try:
        td = timedelta(days=d, hours=h, minutes=mi, seconds=s)
    except OverflowError:
        raise ValueError(f"duration {text!r} is too long") from None
    if td <= timedelta(0):
        raise ValueError(f"duration {text!r} must be positive")
    return td


def _duration_or_none(v: Any) -> timedelta | None:
    if v is None or isinstance(v, timedelta):
        return v
    if not isinstance(v, str):
        raise ValueError(f'invalid duration {v!r}: must be a string such as "30m"')
    return parse_duration(v)


def _nonblank(v: str) -> str:
    if not v.strip():
        raise ValueError("must not be empty")
    return v.strip()


class PackRule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)  # see models.BaseModel

    id: str
    kind: Literal["phone", "written", "followup"]
    grades: tuple[Grade, ...] = ()
    sensitive: StrictBool = False  # also applies to any sensitive incident (S9 不拘泥于分级标准)
    within: timedelta | None = None  # phone / written: due = anchor + within
    every: timedelta | None = None  # followup: due = reference + every
    at: tuple[time, ...] = ()  # followup: next of these local times after the reference
    anchor: Literal["occurred", "received"] = "occurred"
    source: str

    _blank = field_validator("id", "source")(_nonblank)
    _dur = field_validator("within", "every", mode="before")(_duration_or_none)

    @field_validator("at", mode="before")
    @classmethod
    def _times(cls, v: Any) -> tuple[time, ...]:
        if not isinstance(v, (list, tuple)):
            raise ValueError('must be a list of "HH:MM" strings')
        out = set()
        for item in v:
            m = _CLOCK.fullmatch(item) if isinstance(item, str) else None
            if not m:
                raise ValueError(f'invalid time of day {item!r} (use "HH:MM", 00:00-23:59)')
            out.add(time(int(m[1]), int(m[2])))
        return tuple(sorted(out))

    @property
    def report_kind(self) -> ReportKind:
        return ReportKind(self.kind)

    def applies(self, grade: Grade, sensitive: bool) -> bool:
        return grade in self.grades or (sensitive and self.sensitive)


class RulePack(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)  # see models.BaseModel

    id: str
    name_zh: str
    name_en: str
    source: str
    verification_default: timedelta
    verification_source: str = ""
    rules: tuple[PackRule, ...] = ()
    path: str = ""

    _blank = field_validator("id", "name_zh", "name_en", "source")(_nonblank)
    _dur = field_validator("verification_default", mode="before")(_duration_or_none)

    def name(self, lang: str = "zh") -> str:
        return self.name_zh if lang.lower().startswith("zh") else self.name_en

    def rules_for(self, kind: ReportKind | str, grade: Grade, sensitive: bool) -> list[PackRule]:
        k = ReportKind(kind).value
        return [r for r in self.rules if r.kind == k and r.applies(grade, sensitive)]


def _first_error(e: ValidationError) -> tuple[str, str]:
    err = e.errors()[0]
    loc = err["loc"]
    field = str(loc[0]) if loc else "?"
    if len(loc) > 1:
        field += "".join(f"[{p}]" for p in loc[1:])
    return field, err["msg"].removeprefix("Value error, ")


def _check_shape(rule: PackRule) -> tuple[str, str] | None:
    """Cross-field checks: (field, message) of the first problem, or None."""
    if rule.kind == "followup":
        if rule.within is not None:
            return "within", "a followup rule takes 'every' or 'at', not 'within'"
        if (rule.every is None) == (not rule.at):
            both = "both" if rule.every is not None else "neither"
            return "every", f"a followup rule needs exactly one of 'every' or 'at' (got {both})"
    else:
        if rule.within is None:
            return "within", f"a {rule.kind} rule needs 'within' (e.g. \"30m\")"
        for name in ("every", "at"):
            if getattr(rule, name):
                return name, f"'{name}' is only for followup rules"
    if not rule.grades and not rule.sensitive:
        return "grades", "the rule applies to no grade and not to sensitive incidents"
    return None


def parse_pack(text: str, where: str) -> RulePack:
    """Validate pack TOML `text`; `where` names the file in error messages."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise PackError(f"{where}: not valid TOML: {e}") from e
    extra = set(data) - {"pack", "rule"}
    if extra:
        raise PackError(f"{where}: unknown top-level key(s) {sorted(extra)}; use [pack], [[rule]]")
    head = data.get("pack")
    if not isinstance(head, dict):
        raise PackError(f"{where}: missing [pack] table")
    reserved = sorted({"rules", "path"} & set(head))
    if reserved:
        raise PackError(f"{where}: [pack]: field {reserved[0]!r}: unknown key")
    try:
        meta = RulePack.model_validate({**head, "path": where})
    except ValidationError as e:
        field, msg = _first_error(e)
        raise PackError(f"{where}: [pack]: field {field!r}: {msg}") from e
    raw_rules = data.get("rule", [])
    if not isinstance(raw_rules, list) or not raw_rules:
        raise PackError(f"{where}: a pack needs at least one [[rule]]")
    rules: list[PackRule] = []
    seen: dict[str, int] = {}
    for i, raw in enumerate(raw_rules, 1):
        if not isinstance(raw, dict):
            raise PackError(f"{where}: rule #{i}: each rule must be a [[rule]] table")
        rid = str(raw.get("id") or f"#{i}")
        try:
            rule = PackRule.model_validate(raw)
        except ValidationError as e:
            field, msg = _first_error(e)
            raise PackError(f"{where}: rule {rid!r}: field {field!r}: {msg}") from e
        problem = _check_shape(rule)
        if problem:
            raise PackError(f"{where}: rule {rid!r}: field {problem[0]!r}: {problem[1]}")
        if rule.id in seen:
            raise PackError(
                f"{where}: rule {rid!r}: field 'id': duplicate rule id (as rule #{seen[rule.id]})"
            )
        seen[rule.id] = i
        rules.append(rule)
    return meta.model_copy(update={"rules": tuple(rules)})


def _packs_dir() -> Traversable:
    return files("watchdesk.rules").joinpath("packs")


def shipped_packs() -> list[str]:
    """Ids of the packs shipped with watchdesk, sorted, the default first."""
    ids = sorted(p.name[:-5] for p in _packs_dir().iterdir() if p.name.endswith(".toml"))
    return sorted(ids, key=lambda x: x != DEFAULT_PACK)


@cache
def _load_shipped(pack_id: str) -> RulePack:
    res = _packs_dir().joinpath(f"{pack_id}.toml")
    return parse_pack(res.read_text(encoding="utf-8"), f"{pack_id}.toml")


def load_pack(pack_id_or_path: str = DEFAULT_PACK) -> RulePack:
    """A shipped pack by id ('national', 'henan', …) or a pack file by path (*.toml)."""
    ref = str(pack_id_or_path).strip()
    if ref.endswith(".toml") or "/" in ref or "\\" in ref:
        path = Path(ref).expanduser()
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as e:
            raise PackError(f"{path}: cannot read rule pack: {e}") from e
        return parse_pack(text, str(path))
    if ref not in shipped_packs():
        raise PackError(
            f"unknown rule pack {ref!r}; shipped packs: {', '.join(shipped_packs())} "
            "(or give a path to a .toml file)"
        )
    return _load_shipped(ref)
