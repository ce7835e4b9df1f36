"""Where the desk, the config file and the cache live by default (platformdirs; environment
overrides). Plain functions, no pydantic: the settings (config.py) and the demo use them."""

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


def cache_dir() -> Path:
    """Derived files that cost only time to lose (the China holiday calendar)."""
    env = os.environ.get("WATCHDESK_CACHE")
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_cache_dir(APP_NAME))
