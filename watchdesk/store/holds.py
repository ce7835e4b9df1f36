"""Edit holds between terminals: who is editing an incident. A hold expires on its own, so a
closed laptop never locks a record for good; the holder renews it while the form is open."""

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
    def __init__(self, hold: Hold):
        if hold.seat:
            super().__init__(
                "err.hold.held_at", id=hold.incident_id, holder=hold.holder, seat=hold.seat
            )
        else:
            super().__init__("err.hold.held", id=hold.incident_id, holder=hold.holder)
        self.hold = hold


def _hold(row: dict) -> Hold:
    return Hold(
        incident_id=row["incident_id"],
        holder=row["holder"],
        seat=row["seat"],
        acquired_at=from_db_not_null(row["acquired_at"]),
        expires_at=from_db_not_null(row["expires_at"]),
    )


class HoldRepo:
    def __init__(self, store: Store):
        self.s = store

    def current(self, incident_id: int) -> Hold | None:
        rows = list(
            self.s.db.query(
                "SELECT * FROM holds WHERE incident_id = ? AND expires_at > ?",
                [incident_id, to_db(self.s.now())],
            )
        )
        return _hold(rows[0]) if rows else None

    def all_current(self) -> dict[int, Hold]:
        return {
            r["incident_id"]: _hold(r)
            for r in self.s.db.query(
                "SELECT * FROM holds WHERE expires_at > ?", [to_db(self.s.now())]
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
                raise Held(other)
            self.s.db.execute(
                "INSERT INTO holds (incident_id, holder, seat, acquired_at, expires_at)"
                " VALUES (?,?,?,?,?) ON CONFLICT(incident_id) DO UPDATE SET holder = excluded.holder,"
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
                "DELETE FROM holds WHERE incident_id = ? AND holder = ? AND seat = ?",
                [incident_id, holder, seat],
            )
