"""Deadline rule packs (时限规则包): TOML files validated into frozen pydantic models.

National law sets the floor and provinces/cities set stricter deadlines (reporting-rules.md §8.1),
so every timing is data. Shipped packs live in `watchdesk/rules/packs/*.toml`.
"""

from __future__ import annotations

import os
import re
from datetime import time, timedelta
from functools import cache
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, StrictBool, ValidationError, field_validator

from watchdesk.errors import BadValue, Msg, msg_of, os_msg, validation_msg
from watchdesk.models.incident import Grade, ReportKind

DEFAULT_PACK = "national"

_DURATION = re.compile(r"(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?")
_CLOCK = re.compile(r"([01]\d|2[0-3]):([0-5]\d)")


class PackError(BadValue):
    """A rule pack cannot be found, parsed or validated."""


def parse_duration(text: str) -> timedelta:
    """'30m', '1h', '6h', '90s', '1h30m', '2d' → timedelta (must be > 0)."""
    m = _DURATION.fullmatch(text.strip().lower()) if isinstance(text, str) else None
    if not m or not any(m.groups()):
        raise BadValue("err.pack.duration", text=repr(text))
    d, h, mi, s = (int(x or 0) for x in m.groups())
    try:
        td = timedelta(days=d, hours=h, minutes=mi, seconds=s)
    except OverflowError:
        raise BadValue("err.pack.duration_long", text=text) from None
    if td <= timedelta(0):
        raise BadValue("err.pack.duration_positive", text=text)
    return td


def _duration_or_none(v: Any) -> timedelta | None:
    if v is None or isinstance(v, timedelta):
        return v
    if not isinstance(v, str):
        raise BadValue("err.pack.duration_type", value=repr(v))
    return parse_duration(v)


def _nonblank(v: str) -> str:
    if not v.strip():
        raise BadValue("err.pack.empty")
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
            raise BadValue("err.pack.times")
        out = set()
        for item in v:
            m = _CLOCK.fullmatch(item) if isinstance(item, str) else None
            if not m:
                raise BadValue("err.pack.time", value=repr(item))
            out.add(time(int(m[1]), int(m[2])))
        return tuple(sorted(out))

    @property
    def report_kind(self) -> ReportKind:
        return ReportKind(self.kind)

    def applies(self, grade: Grade, sensitive: bool) -> bool:
        return grade in self.grades or (sensitive and self.sensitive)


class GradingRule(BaseModel):
    """Which thresholds grade a class of incidents, and whether the missing count with the dead.
    `subtypes` are more specific than `categories`: an incident takes the entry naming its subtype,
    else the one naming its category, else none (no suggestion: the officer sets the grade)."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)  # see models.BaseModel

    id: str
    categories: tuple[str, ...] = ()  # class codes: natural, accident, public_health, …
    subtypes: tuple[str, ...] = ()  # subtype codes: fire, pollution, food_safety, …
    scale: str  # a scale of rules.grading.SCALES ("S1", "S13-natural" …) or "none"
    missing_counts: StrictBool = False  # 死亡（含失踪）: the missing count with the dead
    source: str

    _blank = field_validator("id", "source", "scale")(_nonblank)


class RulePack(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)  # see models.BaseModel

    id: str
    name_zh: str
    name_en: str
    source: str
    verification_default: timedelta
    verification_source: str = ""
    rules: tuple[PackRule, ...] = ()
    grading: tuple[GradingRule, ...] = ()
    grading_from: str = ""  # "national" when the pack has no [[grading]] of its own
    path: str = ""
    dispatch: Any = None  # the [dispatch] table: rules.dispatch.DispatchRules (rules_of)

    _blank = field_validator("id", "name_zh", "name_en", "source")(_nonblank)
    _dur = field_validator("verification_default", mode="before")(_duration_or_none)

    def name(self, lang: str = "zh") -> str:
        return self.name_zh if lang.lower().startswith("zh") else self.name_en

    def rules_for(self, kind: ReportKind | str, grade: Grade, sensitive: bool) -> list[PackRule]:
        k = ReportKind(kind).value
        return [r for r in self.rules if r.kind == k and r.applies(grade, sensitive)]

    def rule(self, rule_id: str) -> PackRule | None:
        return next((r for r in self.rules if r.id == rule_id), None)

    def grading_for(self, category: str, subtype: str = "") -> GradingRule | None:
        """The [[grading]] entry for an incident's class: the one naming its subtype, else the
        one naming its category, else None."""
        if subtype:
            for g in self.grading:
                if subtype in g.subtypes:
                    return g
        return next((g for g in self.grading if category in g.categories), None)


def _first_error(e: ValidationError) -> tuple[str, Msg]:
    err = e.errors()[0]
    loc = err["loc"]
    field = str(loc[0]) if loc else "?"
    if len(loc) > 1:
        field += "".join(f"[{p}]" for p in loc[1:])
    return field, validation_msg(err)


def _check_shape(rule: PackRule) -> tuple[str, Msg] | None:
    """Cross-field checks: (field, message) of the first problem, or None."""
    if rule.kind == "followup":
        if rule.within is not None:
            return "within", Msg("err.pack.followup_within")
        if (rule.every is None) == (not rule.at):
            if rule.every is not None:
                return "every", Msg("err.pack.followup_both")
            return "every", Msg("err.pack.followup_neither")
    else:
        if rule.within is None:
            return "within", Msg("err.pack.needs_within", kind=rule.kind)
        for name in ("every", "at"):
            if getattr(rule, name):
                return name, Msg("err.pack.only_followup", name=name)
    if not rule.grades and not rule.sensitive:
        return "grades", Msg("err.pack.no_grade")
    return None


def parse_pack(text: str, where: str) -> RulePack:
    """Validate pack TOML `text`; `where` names the file in error messages."""
    import tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise PackError("err.pack.toml", where=where, error=str(e)) from e
    extra = set(data) - {"pack", "rule", "grading", "dispatch"}
    if extra:
        raise PackError("err.pack.top_keys", where=where, keys=str(sorted(extra)))
    head = data.get("pack")
    if not isinstance(head, dict):
        raise PackError("err.pack.no_head", where=where)
    reserved = sorted({"rules", "path", "grading", "grading_from", "dispatch"} & set(head))
    if reserved:
        raise PackError(
            "err.pack.head_field",
            where=where,
            field=reserved[0],
            problem=Msg("err.pack.unknown_key"),
        )
    try:
        meta = RulePack.model_validate({**head, "path": where})
    except ValidationError as e:
        field, msg = _first_error(e)
        raise PackError("err.pack.head_field", where=where, field=field, problem=msg) from e
    raw_rules = data.get("rule", [])
    if not isinstance(raw_rules, list) or not raw_rules:
        raise PackError("err.pack.no_rules", where=where)
    rules: list[PackRule] = []
    seen: dict[str, int] = {}
    for i, raw in enumerate(raw_rules, 1):
        if not isinstance(raw, dict):
            raise PackError("err.pack.rule_table", where=where, n=i)
        rid = str(raw.get("id") or f"#{i}")
        try:
            rule = PackRule.model_validate(raw)
        except ValidationError as e:
            field, msg = _first_error(e)
            raise PackError(
                "err.pack.rule_field", where=where, rule=rid, field=field, problem=msg
            ) from e
        problem = _check_shape(rule)
        if problem:
            raise PackError(
                "err.pack.rule_field", where=where, rule=rid, field=problem[0], problem=problem[1]
            )
        if rule.id in seen:
            raise PackError(
                "err.pack.rule_field",
                where=where,
                rule=rid,
                field="id",
                problem=Msg("err.pack.duplicate_rule", n=seen[rule.id]),
            )
        seen[rule.id] = i
        rules.append(rule)
    if "dispatch" in data:
        from watchdesk.rules.dispatch import parse_dispatch

        meta = meta.model_copy(update={"dispatch": parse_dispatch(data["dispatch"], where)})
    if "grading" in data:
        grading = _parse_grading(data["grading"], where)
        return meta.model_copy(update={"rules": tuple(rules), "grading": grading})
    national = _load_shipped(DEFAULT_PACK) if where != f"{DEFAULT_PACK}.toml" else None
    return meta.model_copy(
        update={
            "rules": tuple(rules),
            "grading": national.grading if national else (),
            "grading_from": DEFAULT_PACK if national else "",
        }
    )


def _parse_grading(raw_list: Any, where: str) -> tuple[GradingRule, ...]:
    from watchdesk.rules import categories
    from watchdesk.rules.grading import SCALES

    if not isinstance(raw_list, list) or not raw_list:
        raise PackError("err.pack.no_grading", where=where)
    out: list[GradingRule] = []
    claimed: dict[str, str] = {}  # category or subtype code -> grading id
    for i, raw in enumerate(raw_list, 1):
        if not isinstance(raw, dict):
            raise PackError("err.pack.grading_table", where=where, n=i)
        gid = str(raw.get("id") or f"#{i}")
        try:
            g = GradingRule.model_validate(raw)
        except ValidationError as e:
            field, msg = _first_error(e)
            raise PackError(
                "err.pack.grading_field", where=where, id=gid, field=field, problem=msg
            ) from e
        problem: tuple[str, Msg] | None = None
        if any(o.id == g.id for o in out):
            problem = ("id", Msg("err.pack.duplicate_grading"))
        elif g.scale != "none" and g.scale not in SCALES:
            problem = ("scale", Msg("err.pack.scale", scale=g.scale, scales=", ".join(SCALES)))
        elif not g.categories and not g.subtypes:
            problem = ("categories", Msg("err.pack.no_class"))
        for name, codes, check in (
            ("categories", g.categories, categories.category),
            ("subtypes", g.subtypes, categories.subtype),
        ):
            for code in codes:
                if problem:
                    break
                try:
                    check(code)
                except ValueError as e:
                    problem = (name, msg_of(e))
                    break
                if code in claimed:
                    problem = (name, Msg("err.pack.claimed", code=code, by=claimed[code]))
                    break
                claimed[code] = g.id
        if problem:
            raise PackError(
                "err.pack.grading_field", where=where, id=gid, field=problem[0], problem=problem[1]
            )
        out.append(g)
    return tuple(out)


def _packs_dir() -> Traversable:
    return files("watchdesk.rules").joinpath("packs")


def shipped_packs() -> list[str]:
    """Ids of the packs shipped with watchdesk, sorted, the default first."""
    ids = sorted(p.name[:-5] for p in _packs_dir().iterdir() if p.name.endswith(".toml"))
    return sorted(ids, key=lambda x: x != DEFAULT_PACK)


@cache
def _load_shipped(pack_id: str) -> RulePack:
    res = _packs_dir().joinpath(f"{pack_id}.toml")
    return _parsed(res.read_text(encoding="utf-8"), f"{pack_id}.toml")


# The code a validated pack depends on besides its text: a cached pack is made again when one of
# these changed (watchdesk upgraded, or edited in a checkout).
_CODE = (
    "rules/rulepack.py",
    "rules/dispatch.py",
    "rules/categories.py",
    "rules/grading.py",
    "models/incident.py",
)


def _parsed(text: str, where: str) -> RulePack:
    """`parse_pack(text, where)`, kept in the cache folder: every start-up loads the desk's pack,
    and parsing and validating it (TOML, three pydantic schemas, the categories) cost ~15-18 ms
    of CPU on the main thread before the UI's imports begin; the kept copy loads in ~2 ms
    (issue 19; fresh processes, median of 12, the modules start-up imports anyway loaded).
    Named by a hash of the text, of national.toml (a pack without [[grading]] takes its
    grading), of the Python and pydantic versions and of the names, sizes and times of the code
    that validates it. A pack that does not validate is never kept (its error is said each
    time)."""
    import pickle

    path = _cache_path(text, where)
    if path is not None:
        try:
            with open(path, "rb") as f:
                st = os.fstat(f.fileno())
                # a pickle runs code: only one this user wrote, no one else may write
                if st.st_uid == getattr(os, "getuid", lambda: -1)() and not st.st_mode & 0o022:
                    pack = pickle.loads(f.read())
                    if isinstance(pack, RulePack) and pack.path == where:
                        return pack
        except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError):
            pass
        except (AttributeError, ImportError, IndexError):  # a class moved or renamed
            pass
    pack = parse_pack(text, where)
    if path is not None:
        _keep(path, pickle.dumps(pack, protocol=pickle.HIGHEST_PROTOCOL))
    return pack


def _cache_path(text: str, where: str) -> Path | None:
    import hashlib
    import sys

    from watchdesk.paths import cache_dir

    root = Path(__file__).resolve().parents[1]
    try:
        national = (root / "rules" / "packs" / f"{DEFAULT_PACK}.toml").read_bytes()
        stats = [(n, st.st_size, st.st_mtime_ns) for n in _CODE for st in [(root / n).stat()]]
        folder = cache_dir()
    except OSError:
        return None
    import pydantic

    key = hashlib.sha1(repr((sys.version, pydantic.VERSION, str(root), stats, where)).encode())
    key.update(text.encode("utf-8"))
    key.update(national)
    return folder / f"rulepack-{key.hexdigest()[:20]}.pickle"


def _keep(target: Path, data: bytes) -> None:
    """Best effort (a cache folder that cannot be written only costs the parsing next time),
    readable and writable by this user only. Copies of packs since edited stay (a few KiB each:
    a desk may use several packs, which must not evict each other)."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        import threading

        # two threads may parse the same pack at once (the console's main and DB threads)
        tmp = target.with_name(f"{target.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, target)
    except OSError:
        pass


def load_pack(pack_id_or_path: str = DEFAULT_PACK) -> RulePack:
    """A shipped pack by id ('national', 'henan', …) or a pack file by path (*.toml)."""
    ref = str(pack_id_or_path).strip()
    if ref.endswith(".toml") or "/" in ref or "\\" in ref:
        path = Path(ref).expanduser()
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as e:
            raise PackError("err.pack.unreadable", path=path, error=os_msg(e)) from e
        except UnicodeDecodeError as e:
            raise PackError("err.pack.unreadable", path=path, error=Msg("err.file.not_utf8")) from e
        return _parsed(text, str(path))
    if ref not in shipped_packs():
        raise PackError("err.pack.unknown", value=ref, packs=", ".join(shipped_packs()))
    return _load_shipped(ref)
