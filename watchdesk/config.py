"""Settings: what the console and the command line run with, and where each value came from.

Precedence, highest first (the first that sets a value wins):

1. a command-line flag (`--lang`) and the environment (`WATCHDESK_TZ`, `WATCHDESK_RULE_PACK` …);
2. the desk's own settings, saved in the desk from the console (the settings screen `s`, the
   first-run setup): its time zone, rule pack, name and the office reports go to
   (`store.settings`; `Settings.with_desk`), on every open of that desk — console, command line,
   `serve`;
3. the config file: `watchdesk.toml` in the user's config directory (platformdirs), or the file
   named by `--config` or `WATCHDESK_CONFIG`;
4. the defaults below.

Each value remembers where it came from (`Settings.origin`), so a message blames the right place
(`WATCHDESK_TZ=…`, the config file and its key, the desk) and the settings screen can say when a
value saved on the desk is overridden here. A key the config file does not know is refused (with
the key meant, when one is close), as is any bad value; the chosen rule pack is checked when a
desk is opened (`check_pack`). Messages are in the UI language. The database path is `--db`, else
`WATCHDESK_DB`, else `desk.db` in the user's data directory.

Who acts is not a setting: the command line takes `--as NAME` (or `WATCHDESK_ACTOR`), an officer
of the desk or one of the `integrations` declared here (`WATCHDESK_INTEGRATIONS`, comma-separated,
overrides the file's list). `seat` names the terminal or browser tab a console runs in:
`watchdesk serve` gives each tab's console `WATCHDESK_SEAT=web:<n>`; unset, the terminal's name.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, Field, PrivateAttr, ValidationError, field_validator

from watchdesk.errors import BadValue
from watchdesk.paths import config_path


class ConfigError(ValueError):
    """A setting that cannot be used: one line, in the UI language, naming where it was set."""


# Where a value came from: (kind, where). Kinds, strongest first: a flag ("--lang"), the
# environment (the variable's name), the desk (its file), the config file (its path); a value
# with no origin is the default.
FLAG, ENV, DESK, FILE, DEFAULT = "flag", "env", "desk", "file", "default"
OVERRIDES = (FLAG, ENV)  # stronger than the desk's own settings
DESK_KEYS = ("desk_name", "report_to", "timezone", "rule_pack")  # as store.settings.KEYS
FLAGS = {"language": "--lang"}


class Settings(BaseModel):
    timezone: str = "Asia/Shanghai"
    rule_pack: str = "national"  # a shipped pack id or a path to a .toml pack
    amber_minutes: int = Field(default=10, ge=0, le=24 * 60)
    # Calls this close together with the same category and place, or the same caller, are
    # flagged as possible duplicates at intake (store.incident.possible_duplicates).
    duplicate_window_minutes: int = Field(default=120, ge=0, le=7 * 24 * 60)
    # Days a unit's filing (备案) of duty phone and duty staff stays current: one day more and the
    # directory and the first screen warn (store/filing.py). Monthly by default.
    filing_interval_days: int = Field(default=31, ge=1, le=366)
    language: str | None = None  # zh / en; None: from the locale
    printer: str | None = None
    desk_name: str = ""
    report_to: str = ""  # the office reports go to by default, e.g. 市应急管理局总值班室
    handover_width: int = Field(default=80, ge=40, le=200)  # cells per line of the text sheet
    handover_pin: bool = False  # signatures need each officer's PIN
    # Written reports' sign-off (store/signoff.py): the steps (drafted 拟稿, edited 编辑,
    # proofread 校对, checked 审核, signed 签发), a shorter chain per kind, who may sign (roles),
    # PINs at each step, and whether a report goes only once signed.
    report_chain: list[str] = Field(default_factory=lambda: ["drafted", "checked", "signed"])
    report_chain_by_kind: dict[str, list[str]] = Field(
        default_factory=lambda: {"phone": list[str]()}
    )
    report_signers: list[str] = Field(default_factory=lambda: ["leader"])
    report_pin: bool = False
    report_signoff_required: bool = True
    # 报/送/抄送 a new report starts with, by the incident's grade (I..IV or default):
    # [report_distribution.II] report_to = ["市应急管理局"], copy_to = ["县委办公室"] …
    report_distribution: dict[str, dict[str, list[str]]] = Field(default_factory=dict)
    report_templates: str | None = None  # a folder of the desk's own report templates (*.txt.j2)
    # How subordinate units' reporting is judged in the statistics (issue 15; `watchdesk stats`
    # options override): the limit from occurrence to our receipt per grade (I..IV: "30m",
    # "2h"; default the pack's phone limit, else its written one), beyond which a report counts
    # as missed (漏报), and the points per late and per missed report.
    stats_limits: dict[str, str] = Field(default_factory=dict)
    stats_missed_after: str = "24h"
    stats_late_points: float = Field(default=-1.0, ge=-100, le=0)
    stats_missed_points: float = Field(default=-3.0, ge=-100, le=0)
    # The desk's own dispatch timings (issue 16) in place of the rule pack's `[dispatch]`: step
    # = duration, by the pack's entry (ack, rapid / urban / other or all three as arrive, feedback,
    # leader, pass, receipt): {rapid = "10m", feedback = "2h"}. A task's clock then names this
    # setting as its source (rules/dispatch.py `with_desk`, store/dispatch.py).
    dispatch_within: dict[str, str] = Field(default_factory=dict)
    pdf_font: str | None = None  # a TrueType CJK font file; default: found on the system
    export_dir: str | None = None  # where sheets are saved; default: the user data dir
    backup_dir: str | None = None  # default: <desk folder>/backups/<desk name>/
    backup_keep: int | None = Field(default=None, ge=1, le=1000)  # per reason; default 14
    keymap: dict[str, str] = Field(default_factory=dict)  # binding id -> keys
    # Systems that write to the desk under their own name (`--as sms-gateway`), not a person's.
    integrations: list[str] = Field(default_factory=list)
    # The terminal or browser tab this console runs in (`WATCHDESK_SEAT`, set by `watchdesk serve`
    # for each tab: `web:1`, `web:2` …); None: the terminal's own name.
    seat: str | None = Field(default=None, max_length=80)

    _origin: dict[str, tuple[str, str]] = PrivateAttr(default_factory=dict)
    # What a desk's own setting took the place of (with_desk): (value, origin or None).
    _under: dict[str, tuple[Any, tuple[str, str] | None]] = PrivateAttr(default_factory=dict)

    @field_validator("stats_missed_after")
    @classmethod
    def _stats_missed_after(cls, v: str) -> str:
        from watchdesk.rules.rulepack import parse_duration

        parse_duration(v)  # BadValue: not a duration
        return v

    @field_validator("stats_limits")
    @classmethod
    def _stats_limits(cls, v: dict[str, str]) -> dict[str, str]:
        from watchdesk.rules.rulepack import parse_duration

        for grade, text in v.items():
            if str(grade).strip().upper() not in ("I", "II", "III", "IV"):
                raise BadValue("stats.err.limit", text=f"{grade}={text}")
            parse_duration(text)
        return v

    @field_validator("dispatch_within", mode="before")
    @classmethod
    def _dispatch_within(cls, v: Any) -> Any:
        from watchdesk.rules.dispatch import parse_within

        parse_within(v)  # BadValue naming the step: unknown, or not a usable duration
        return v

    @field_validator("integrations")
    @classmethod
    def _integrations(cls, v: list[str]) -> list[str]:
        out = [x.strip() for x in v]
        if any(not x or len(x) > 40 for x in out):
            raise BadValue("err.settings.integrations")
        return list(dict.fromkeys(out))

    @field_validator("timezone")
    @classmethod
    def _tz(cls, v: str) -> str:
        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError) as e:
            raise BadValue("err.settings.timezone", value=v) from e
        return v

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    # -- where each value came from --------------------------------------------------------------
    def origin(self, key: str) -> tuple[str, str]:
        """(kind, where) of a value: ("env", "WATCHDESK_TZ"), ("flag", "--lang"), ("desk", the
        desk's file), ("file", the config file), or ("default", "")."""
        return self._origin.get(key, (DEFAULT, ""))

    def overridden(self) -> frozenset[str]:
        """The desk's settings that a flag or the environment sets here: a value saved on the
        desk for them does not apply in this process."""
        return frozenset(k for k in DESK_KEYS if self.origin(k)[0] in OVERRIDES)

    def with_desk(self, saved: Mapping[str, str], where: str | Path = "") -> Settings:
        """These settings with the desk's own (`DeskSettings` values; empty: not set on the desk,
        and a value the desk gave before falls back to the config file's or the default) where
        no flag or environment variable sets them. ConfigError for a value the desk keeps that
        cannot be used (written behind the desk's back)."""
        update: dict[str, Any] = {}
        origin = dict(self._origin)
        under = dict(self._under)
        for k in DESK_KEYS:
            kind = self.origin(k)[0]
            value = str(saved.get(k) or "").strip()
            if kind in OVERRIDES:
                continue
            if value:
                if kind != DESK:
                    under[k] = (getattr(self, k), self._origin.get(k))
                if kind != DESK or getattr(self, k) != value:
                    update[k], origin[k] = value, (DESK, str(where or self.origin(k)[1]))
            elif kind == DESK:  # emptied on the desk: what was beneath it
                value_before, origin_before = under.pop(k)
                update[k] = value_before
                if origin_before is None:
                    origin.pop(k, None)
                else:
                    origin[k] = origin_before
        if not update:
            return self
        try:
            out = Settings(**(self.model_dump() | update))
        except ValidationError as e:
            key, msg = _first(e)
            raise ConfigError(
                _t("config.desk.bad", setting=key, value=update.get(key), problem=msg)
            ) from None
        out._origin, out._under = origin, under
        return out

    def without_desk(self, key: str) -> Any:
        """The value `key` has here when the desk does not set it (the config file's, a flag's,
        the default): what a desk setting emptied falls back to."""
        if self.origin(key)[0] == DESK and key in self._under:
            return self._under[key][0]
        return getattr(self, key)

    def describe(self, key: str) -> str:
        """Where a value came from, for a message: `WATCHDESK_TZ`, `--lang`, `config file
        /x/watchdesk.toml (rule_pack)`, `the desk's settings (s)`, `the default`."""
        kind, where = self.origin(key)
        if kind in OVERRIDES:
            return where
        if kind == FILE:
            return _t("config.where.file", path=where, setting=key)
        if kind == DESK:
            return _t("config.where.desk")
        return _t("config.where.default")


_ENV = {
    "WATCHDESK_TZ": "timezone",
    "WATCHDESK_RULE_PACK": "rule_pack",
    "WATCHDESK_AMBER_MINUTES": "amber_minutes",
    "WATCHDESK_PRINTER": "printer",
    "WATCHDESK_SEAT": "seat",
}
INTEGRATIONS_ENV = "WATCHDESK_INTEGRATIONS"  # comma-separated; overrides the file's list


def _t(msg: str, /, **kwargs: object) -> str:
    from watchdesk.i18n import t

    return t(msg, **kwargs)


def problem_text(problem: object) -> str:
    """A problem of the settings or of a rule pack, in the UI language: a pack that cannot be
    read says only why (the message around it names the pack)."""
    from watchdesk.errors import Msg, msg_of
    from watchdesk.i18n import t

    msg = msg_of(problem) if isinstance(problem, BaseException) else problem
    if isinstance(msg, Msg) and msg.key == "err.pack.unreadable":
        return t("config.p.pack_unreadable", problem=msg.params["error"])
    return str(msg)


def _first(e: ValidationError) -> tuple[str, str]:
    """The first error's key (top level) and message (pydantic's "Value error, " left out)."""
    err = e.errors()[0]
    key = str(err["loc"][0]) if err["loc"] else ""
    from watchdesk.i18n import validation_msg  # (importing i18n lets messages word themselves)

    return key, str(validation_msg(err))


def _speak(*languages: object) -> None:
    """A settings error is reported before the console's language is set: the first of these
    that is a language (the flag's, the file's), else the locale's."""
    from watchdesk.i18n import set_language

    for lang in [*languages, None]:
        if lang is None or isinstance(lang, str):
            try:
                set_language(lang)
                return
            except ValueError:
                continue


_ALIASES = {"tz": "timezone", "zone": "timezone", "lang": "language", "pack": "rule_pack"}


def unknown_key(key: str, known: list[str]) -> str:
    """`'rulepack' (did you mean 'rule_pack'?)`."""
    import difflib

    norm = {k.replace("_", "").replace("-", "").lower(): k for k in known} | _ALIASES
    close = norm.get(key.replace("_", "").replace("-", "").lower())
    if close is None:
        found = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
        close = found[0] if found else None
    if close:
        return _t("config.key.unknown_close", setting=key, close=close)
    return _t("config.key.unknown", setting=key)


def load_settings(
    path: Path | None = None, *, desk: Path | None = None, **overrides: object
) -> Settings:
    """The settings from the config file at `path`, the environment and `overrides` (the
    flags: `language=` is `--lang`; None: not given) and, with `desk` (a desk file that exists),
    that desk's own saved settings in their place (see the module's description).

    ConfigError naming the file and key, the variable or the flag, for: a config file that
    cannot be read or is not TOML, a key it does not know, a value that is wrong."""
    path = path or config_path()
    data: dict[str, Any] = {}
    origin: dict[str, tuple[str, str]] = {}
    if path.exists():
        import tomllib  # only with a config file to read

        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
            _speak(overrides.get("language"))
            raise ConfigError(_t("config.file.unreadable", path=path, problem=e)) from None
        except OSError as e:
            _speak(overrides.get("language"))
            raise ConfigError(_t("config.file.unreadable", path=path, problem=e.strerror)) from None
        known = list(Settings.model_fields)
        for key in data:
            if key not in Settings.model_fields:
                _speak(overrides.get("language"), data.get("language"))
                raise ConfigError(
                    _t("config.file.bad_key", path=path, problem=unknown_key(key, known))
                )
        origin = dict.fromkeys(data, (FILE, str(path)))
    for env, key in _ENV.items():
        if os.environ.get(env):
            data[key] = os.environ[env]
            origin[key] = (ENV, env)
    if os.environ.get(INTEGRATIONS_ENV, "").strip():
        data["integrations"] = [x for x in os.environ[INTEGRATIONS_ENV].split(",") if x.strip()]
        origin["integrations"] = (ENV, INTEGRATIONS_ENV)
    for key, value in overrides.items():
        if value is not None:
            data[key] = value
            origin[key] = (FLAG, FLAGS.get(key, "--" + key.replace("_", "-")))
    try:
        settings = Settings(**data)
    except ValidationError as e:
        _speak(overrides.get("language"), data.get("language"))  # first: the problem is worded
        key, msg = _first(e)
        kind, where = origin.get(key, (DEFAULT, ""))
        if kind in OVERRIDES:
            value = os.environ.get(where, "") if kind == ENV else data.get(key)
            message = _t("config.env.bad", name=where, value=value, problem=msg)
        else:
            message = _t("config.file.bad_value", path=path, setting=key, problem=msg)
        raise ConfigError(message) from None
    settings._origin = origin
    if desk is not None:
        from watchdesk.store.settings import read_saved

        settings = settings.with_desk(read_saved(desk), desk)
    return settings


def check_pack(settings: Settings) -> None:
    """The chosen rule pack can be read and is valid; else ConfigError naming the pack, where
    it was chosen and the problem (checked when a desk is opened, so that a missing or broken
    pack is found before anything is written, not at the first incident saved)."""
    from watchdesk.rules.rulepack import PackError, load_pack

    try:
        load_pack(settings.rule_pack)
    except PackError as e:
        raise pack_error(settings, e) from None


def pack_error(settings: Settings, e: Exception) -> ConfigError:
    hint = _t("config.pack.hint_desk") if settings.origin("rule_pack")[0] == DESK else ""
    return ConfigError(
        _t(
            "config.pack.bad",
            pack=settings.rule_pack,
            where=settings.describe("rule_pack"),
            problem=problem_text(e),
        )
        + hint
    )
