"""Persistence: SQLite through sqlite-utils. Never imports textual."""

from .audit import CheckResult
from .db import DeskBusy, DeskUnavailable, StoreError, connect, from_db, to_db, write_txn
from .desk import Store, system_clock
from .incidents import InputError, NotFound, StaleVersion

__all__ = [
    "CheckResult", "DeskBusy", "DeskUnavailable", "InputError", "NotFound", "StaleVersion",
    "Store", "StoreError", "connect", "from_db", "system_clock", "to_db", "write_txn",
]
