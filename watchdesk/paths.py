"""Where the desk and the config file live by default (platformdirs; environment overrides).

Kept apart from config.py (pydantic) so that `watchdesk` can find the desk before it loads its
settings: the console starts reading the desk's first screen as early as it can."""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "watchdesk"


def config_path() -> Path:
    env = os.environ.get("WATCHDESK_CONFIG")
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_NAME)) / "watchdesk.toml"


def default_db_path() -> Path:
    env = os.environ.get("WATCHDESK_DB")
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME)) / "desk.db"
