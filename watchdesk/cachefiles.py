"""Small derived files kept in the user's cache directory (platformdirs; `WATCHDESK_CACHE`
overrides): the China holiday calendar, the parsed message catalogs. Each is named after what it
was built from, so a change starts a new one; losing them costs only time."""

from __future__ import annotations

import os
from pathlib import Path


def cache_dir() -> Path:
    env = os.environ.get("WATCHDESK_CACHE")
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_cache_dir("watchdesk"))


def write_atomic(path: Path, text: str) -> None:
    """Write `text` whole or not at all (a reader never sees half a file); a read-only or full
    home is fine: the caller rebuilds next time."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        pass
