"""China's calendar, year by year, cached on disk.

Importing the `holidays` package and building a year costs about 0.2 s, on the path to the first
screen (the on-duty line needs to know whether today is a holiday). The cache is a small JSON file
in the user's cache directory, keyed by the package's version, so an update of the package (new
调休 announcements) replaces it. A missing or unreadable cache is rebuilt, never an error.
"""

from __future__ import annotations

import json
import os
from datetime import date
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import platformdirs

from ..rules.roster import YearData, holidays_year


def _cache_file() -> Path:
    try:
        v = version("holidays")
    except PackageNotFoundError:  # pragma: no cover
        v = "unknown"
    base = Path(os.environ.get("WATCHDESK_CACHE") or platformdirs.user_cache_dir("watchdesk"))
    return base / f"china-calendar-{v}.json"


def _read(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


@lru_cache(maxsize=128)
def cached_year(year: int, lang: str) -> YearData:
    path = _cache_file()
    key = f"{year}:{lang}"
    entry = _read(path).get(key)
    if entry:
        try:
            return YearData({date.fromisoformat(d): n for d, n in entry["holidays"].items()},
                            frozenset(date.fromisoformat(d) for d in entry["workdays"]))
        except (KeyError, ValueError, TypeError):
            pass
    data = holidays_year(year, lang)
    try:
        allv = _read(path)
        allv[key] = {"holidays": {d.isoformat(): n for d, n in data.holidays.items()},
                     "workdays": sorted(d.isoformat() for d in data.workdays)}
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(allv, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        pass  # a read-only home is fine: the calendar still works, only slower to start
    return data
