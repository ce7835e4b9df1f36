"""Edit holds between terminals: who is editing an incident (`holds`) or a written report's draft
(`report_holds`). A hold expires on its own, so a closed laptop never locks a record for good;
the holder renews it while the form is open."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from watchdesk.errors import StoreError
from watchdesk.models.incident import Hold
from watchdesk.store.db import from_db_not_null, to_db

if TYPE_CHECKING:
    from watchdesk.store.desk import Store

HOLD_SECONDS = 120


class Held(StoreError):
    def __init__(self, hold: Hold, what: str = "incident"):
        key = "err.hold.held" if what == "incident" else f"err.hold.{what}_held"
        if hold.seat:
            super().__init__(f"{key}_at", id=hold.incident_id, holder=hold.holder, seat=hold.seat)
        else:
            super().__init__(key, id=hold.incident_id, holder=hold.holder)
        self.hold = hold


def _hold(row: dict, key: str = "incident_id") -> Hold:
    return Hold(
        incident_id=row[key],
        holder=row["holder"],
        seat=row["seat"],
        acquired_at=from_db_not_null(row["acquired_at"]),
        expires_at=from_db_not_null(row["expires_at"]),
    )


# What can be held: (table, key column). The id of what is held is `Hold.incident_id` for both.
TABLES = {"incident": ("holds", "incident_id"), "report": ("report_holds", "written_report_id")}


class HoldRepo:
    def __init__(self, store: Store, what: str = "incident"):
        self.s = store
        self.what = what
        self.table, self.key = TABLES[what]

    def current(self, incident_id: int) -> Hold | None:
        rows = list(
            self.s.db.query(
                f"SELECT * FROM {self.table} WHERE {self.key} = ? AND expires_at > ?",
                [incident_id, to_db(self.s.now())],
            )
        )
        return _hold(rows[0], self.key) if rows else None

    def all_current(self) -> dict[int, Hold]:
        return {
            r[self.key]: _hold(r, self.key)
            for r in self.s.db.query(
                f"SELECT * FROM {self.table} WHERE expires_at > ?", [to_db(self.s.now())]
            )
        }

    def acquire(
        self, incident_id: int, holder: str, seat: str = "", seconds: int = HOLD_SECONDS
    ) -> Hold:
        """Take or renew the hold. Raises Held when someone else holds it and it has not expired."""
        now = self.s.now()
        with self.s.write():
            other = self.current(incident_id)
            if other and (other.holder, other.seat) != (holder, seat):
                raise Held(other, self.what)
            self.s.db.execute(
                f"INSERT INTO {self.table} ({self.key}, holder, seat, acquired_at, expires_at)"
                f" VALUES (?,?,?,?,?) ON CONFLICT({self.key}) DO UPDATE SET holder = excluded.holder,"
                " seat = excluded.seat, acquired_at = excluded.acquired_at,"
                " expires_at = excluded.expires_at",
                [
                    incident_id,
                    holder,
                    seat,
                    to_db(other.acquired_at if other else now),
                    to_db(now + timedelta(seconds=seconds)),
                ],
            )
        hold = self.current(incident_id)
        assert hold is not None
        return hold

    def release(self, incident_id: int, holder: str, seat: str = "") -> None:
        with self.s.write():
            self.s.db.execute(
                f"DELETE FROM {self.table} WHERE {self.key} = ? AND holder = ? AND seat = ?",
                [incident_id, holder, seat],
            )
