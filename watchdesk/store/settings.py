"""The desk's own settings that live in the database (`store.settings`): its name, the office
reports go to by default, its time zone and its deadline rule pack; and whether the first-run
setup has been done.

Each is a row of `meta` (`desk_name`, `report_to`, `timezone`, `rule_pack`, `setup`), written
through the auditor like every change. `update` checks every value first and writes all the
changed keys in one transaction, or nothing. An empty value means "not set on the desk": the
configuration decides. A value set on the desk applies every time the desk is opened (console,
command line, `serve`), unless a flag or the environment sets it for that process
(`watchdesk.config`, which reads them with `read_saved` before the desk is opened).

A desk is *new* (the console offers the first-run setup) when it has no officers and no shifts
and its setup was never finished.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from watchdesk.errors import InputError, Msg, msg_of
from watchdesk.models.base import BaseModel

if TYPE_CHECKING:
    from watchdesk.store.desk import Store

KEYS = ("desk_name", "report_to", "timezone", "rule_pack")
SETUP_KEY = "setup"  # "done" once the first-run setup was finished (skipped steps included)
NAME_MAX = 60


class DeskSettings(BaseModel):
    desk_name: str = ""  # 值班室名称, on the handover sheet and the console's title
    report_to: str = ""  # the office reports go to by default, e.g. 市应急管理局总值班室
    timezone: str = ""  # an IANA zone (Asia/Shanghai); "": the configuration's
    rule_pack: str = ""  # a shipped pack id or a .toml path; "": the configuration's


class PackChoice(BaseModel):
    id: str
    name_zh: str
    name_en: str


def timezone_problem(name: str) -> Msg | None:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return Msg("err.settings.timezone", value=name)
    return None


def read_saved(path: str | Path) -> dict[str, str]:
    """The settings a desk file keeps (the non-empty of `KEYS`), read without opening the desk
    (no migration, nothing created or written). {} when the file is missing, not a desk, busy or
    older than its settings: opening it says what is wrong."""
    import sqlite3

    path = Path(path)
    if not path.is_file():
        return {}
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=0.5)
    except sqlite3.Error:
        return {}
    try:
        rows = conn.execute(
            f"SELECT key, value FROM meta WHERE key IN ({', '.join('?' * len(KEYS))})", KEYS
        ).fetchall()
    except sqlite3.Error:
        return {}
    finally:
        conn.close()
    return {str(k): str(v) for k, v in rows if v and str(v).strip()}


class SettingsRepo:
    def __init__(self, store: Store):
        self.s = store

    def get(self) -> DeskSettings:
        return DeskSettings(**{k: self.s.get_meta(k) for k in KEYS})

    def packs(self) -> list[PackChoice]:
        """The rule packs shipped with watchdesk, the default first."""
        from watchdesk.rules.rulepack import load_pack, shipped_packs

        out = []
        for pid in shipped_packs():
            p = load_pack(pid)
            out.append(PackChoice(id=pid, name_zh=p.name_zh, name_en=p.name_en))
        return out

    def _clean(self, key: str, value: str) -> str:
        value = value.strip()
        if key not in KEYS:
            raise InputError(key, "err.settings.unknown")
        if key in ("desk_name", "report_to") and len(value) > NAME_MAX:
            raise InputError(key, "err.text.too_long", n=NAME_MAX)
        if key == "timezone" and value:
            problem = timezone_problem(value)
            if problem:
                raise InputError(key, problem)
        if key == "rule_pack" and value:
            from watchdesk.rules.rulepack import PackError, load_pack

            try:
                load_pack(value)
            except PackError as e:
                raise InputError(key, msg_of(e)) from None
        return value

    def update(self, **changes: str) -> DeskSettings:
        """Set the given settings (checked first; all in one audited transaction, or nothing).
        A new time zone or rule pack applies to this store from now on (a console then applies
        what its configuration makes of the change: `use`)."""
        clean = {k: self._clean(k, v) for k, v in changes.items()}
        with self.s.write():
            for key, value in clean.items():
                if self.s.get_meta(key) != value:
                    self._put(key, value)
                    if key == "timezone":  # the analysts' views follow it (store/views.py)
                        from watchdesk.store.views import DEFAULT_ZONE, set_desk_tz

                        set_desk_tz(self.s.db, value or DEFAULT_ZONE)
        if clean.get("timezone"):
            self.s.tz = ZoneInfo(clean["timezone"])
        if clean.get("rule_pack"):
            self.s.rule_pack_id = clean["rule_pack"]
            self.s._pack = None
        return self.get()

    def use(self, timezone: str, rule_pack: str) -> None:
        """This store works in `timezone` with `rule_pack` from now on (what the settings make of
        the desk's: a flag or the environment may override it, an emptied one falls back)."""
        if str(self.s.tz) != timezone:
            self.s.tz = ZoneInfo(timezone)
        if self.s.rule_pack_id != rule_pack:
            self.s.rule_pack_id = rule_pack
            self.s._pack = None

    def _put(self, key: str, value: str) -> None:
        """Inside a write transaction."""
        row = self.s.db.execute("SELECT id FROM meta WHERE key = ?", [key]).fetchone()
        if row:
            self.s.auditor.update("meta", row[0], {"value": value})
        else:
            self.s.auditor.insert("meta", {"key": key, "value": value})

    # -- the first-run setup --------------------------------------------------------------------
    def is_empty(self) -> bool:
        """No officer (active or not) and no shift."""
        has = self.s.db.execute(
            "SELECT EXISTS (SELECT 1 FROM officers) OR EXISTS (SELECT 1 FROM shifts)"
        ).fetchone()[0]
        return not has

    def needs_setup(self) -> bool:
        """The console should offer the first-run setup: an empty desk never set up."""
        return self.s.get_meta(SETUP_KEY) != "done" and self.is_empty()

    def finish_setup(self) -> None:
        with self.s.write():
            if self.s.get_meta(SETUP_KEY) != "done":
                self._put(SETUP_KEY, "done")
