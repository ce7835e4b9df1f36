"""China's calendar, year by year, cached on disk.

Importing the `holidays` package and building a year costs about 0.2 s, on the path to the first
screen (the on-duty line needs to know whether today is a holiday). The cache is a small JSON file
in the user's cache directory, keyed by the installed package (see `_package_stamp`), so an update of the package (new
调休 announcements) replaces it. A missing or unreadable cache is rebuilt, never an error; so is an
entry written by an older watchdesk (it lacks `official`, and its holidays the weekend days of each
holiday period: `rules.roster.holiday_periods`).
"""

from __future__ import annotations

import json
import os
from datetime import date
from functools import lru_cache
from pathlib import Path

from watchdesk.paths import cache_dir
from watchdesk.rules.roster import YearData, holidays_year


def _package_stamp() -> str:
    """Which installed `holidays` the cache was built from, without importing it (or reading
    every installed package's metadata, as `importlib.metadata.version` does: ~5 ms): the name
    of its `holidays-<version>.dist-info` folder beside the package, which an update replaces;
    failing that, the size and time of its China calendar module."""
    from importlib.util import find_spec

    try:
        spec = find_spec("holidays")
        pkg = Path(list(spec.submodule_search_locations or [])[0]) if spec else None
    except (ImportError, IndexError, ValueError):  # pragma: no cover
        return "unknown"
    if pkg is None:  # pragma: no cover
        return "unknown"
    infos = sorted(p.name for p in pkg.parent.glob("holidays-*.dist-info"))
    if len(infos) == 1:
        return infos[0].removeprefix("holidays-").removesuffix(".dist-info")
    try:
        st = (pkg / "countries" / "china.py").stat()
    except OSError:  # pragma: no cover
        return "unknown"
    return f"{st.st_size:x}-{st.st_mtime_ns:x}"


def _cache_file() -> Path:
    return cache_dir() / f"china-calendar-{_package_stamp()}.json"


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
            return YearData(
                {date.fromisoformat(d): n for d, n in entry["holidays"].items()},
                frozenset(date.fromisoformat(d) for d in entry["workdays"]),
                bool(entry["official"]),
            )
        except (KeyError, ValueError, TypeError):
            pass
    data = holidays_year(year, lang)
    allv = _read(path)
    allv[key] = {
        "holidays": {d.isoformat(): n for d, n in data.holidays.items()},
        "workdays": sorted(d.isoformat() for d in data.workdays),
        "official": data.official,
    }
    # a read-only home is fine: the calendar still works, only slower to start
    write_atomic(path, json.dumps(allv, ensure_ascii=False))
    return data


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
