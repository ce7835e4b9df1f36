"""Settings: defaults, then the TOML config file, then environment variables, then CLI flags.

The config file is `watchdesk.toml` in the user's config directory (platformdirs), or the file named
by `WATCHDESK_CONFIG`. The database path is `--db`, else `WATCHDESK_DB`, else `desk.db` in the
user's data directory.

Who acts is not a setting: the command line takes `--as NAME` (or `WATCHDESK_ACTOR`), an officer
of the desk or one of the `integrations` declared here (`WATCHDESK_INTEGRATIONS`, comma-separated,
overrides the file's list). `seat` names the terminal or browser tab a console runs in:
`watchdesk serve` gives each tab's console `WATCHDESK_SEAT=web:<n>`; unset, the terminal's name.
"""

from __future__ import annotations

import os
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, Field, ValidationError, field_validator

from watchdesk.paths import config_path


class ConfigError(ValueError):
    pass


class Settings(BaseModel):
    timezone: str = "Asia/Shanghai"
    rule_pack: str = "national"  # a shipped pack id or a path to a .toml pack
    amber_minutes: int = Field(default=10, ge=0, le=24 * 60)
    language: str | None = None  # zh / en; None: from the locale
    printer: str | None = None
    desk_name: str = ""
    report_to: str = ""  # the office reports go to by default, e.g. 市应急管理局总值班室
    handover_width: int = Field(default=80, ge=40, le=200)  # cells per line of the text sheet
    handover_pin: bool = False  # signatures need each officer's PIN
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

    @field_validator("integrations")
    @classmethod
    def _integrations(cls, v: list[str]) -> list[str]:
        out = [x.strip() for x in v]
        if any(not x or len(x) > 40 for x in out):
            raise ValueError("each integration is a name of 1 to 40 characters")
        return list(dict.fromkeys(out))

    @field_validator("timezone")
    @classmethod
    def _tz(cls, v: str) -> str:
        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError) as e:
            raise ValueError(f"unknown time zone {v!r}") from e
        return v

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


_ENV = {
    "WATCHDESK_TZ": "timezone",
    "WATCHDESK_RULE_PACK": "rule_pack",
    "WATCHDESK_AMBER_MINUTES": "amber_minutes",
    "WATCHDESK_PRINTER": "printer",
    "WATCHDESK_SEAT": "seat",
}
INTEGRATIONS_ENV = "WATCHDESK_INTEGRATIONS"  # comma-separated; overrides the file's list


def load_settings(path: Path | None = None, **overrides: object) -> Settings:
    path = path or config_path()
    data: dict = {}
    if path.exists():
        import tomllib  # only with a config file to read

        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
            raise ConfigError(f"config file {path}: {e}") from e
        except OSError as e:
            raise ConfigError(f"config file {path}: {e.strerror}") from e
    for env, key in _ENV.items():
        if os.environ.get(env):
            data[key] = os.environ[env]
    if os.environ.get(INTEGRATIONS_ENV, "").strip():
        data["integrations"] = [x for x in os.environ[INTEGRATIONS_ENV].split(",") if x.strip()]
    data.update({k: v for k, v in overrides.items() if v is not None})
    try:
        return Settings(**data)
    except ValidationError as e:
        err = e.errors()[0]
        loc = ".".join(str(p) for p in err["loc"])
        raise ConfigError(f"config {path}: {loc}: {err['msg']}") from e
