"""The desk's people (`store.officers`): adding and editing officers, telling two of one name apart,
who is acting (`actor_for`), PINs, and importing officers from a file.

Officers are never deleted: one who leaves is deactivated and stays in history. Names are not
unique (two 王伟 are normal), so a name given by a person is resolved with `resolve`, whose error
lists each candidate's title and phone.

PINs are stored as salted scrypt hashes (`officer_pins`). Wrong PINs are counted in
`pin_attempts` (append-only, audited like every table): after SLOW_AFTER wrong PINs each further
try waits SLOW_SECONDS after the last one; after LOCK_AFTER the officer is locked for
LOCK_SECONDS. A right PIN, a new PIN or a reset starts the count again; wrong PINs more than
WINDOW apart do not add up. Time is the store's clock, so tests step it.
"""

from __future__ import annotations

import builtins
import hashlib
import hmac
import json
import os
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from watchdesk.errors import InputError, Msg
from watchdesk.i18n import field_of, validation_msg
from watchdesk.models.base import RowProblem, saved_id
from watchdesk.models.directory import phone_problem
from watchdesk.models.officer import (
    Actor,
    ActorKind,
    Officer,
    OfficerImportResult,
    OfficerRow,
    PinStatus,
)
from watchdesk.models.roster import Role
from watchdesk.store.db import from_db_not_null, to_db

if TYPE_CHECKING:
    from watchdesk.store.desk import Store

NAME_MAX = 40
TITLE_MAX = 40
UNIT_MAX = 100

PIN_MIN, PIN_MAX = 4, 12
SLOW_AFTER = 3  # wrong PINs after which each try waits
SLOW_SECONDS = 30
LOCK_AFTER = 5  # wrong PINs after which the officer is locked
LOCK_SECONDS = 5 * 60
WINDOW = timedelta(minutes=15)  # wrong PINs further apart than this do not add up
# Older attempts cannot matter: LOCK_AFTER tries each within WINDOW, then the lock.
_HORIZON = WINDOW * LOCK_AFTER + timedelta(seconds=LOCK_SECONDS)


class OfficerImportError(InputError):
    """Bad rows in an officer file: every one of them, by row number. Nothing was written."""

    def __init__(self, errors: list[RowProblem]):
        self.errors = errors
        super().__init__("rows", "err.import.refused", n=len(errors))


def _officer(r: dict[str, Any]) -> Officer:
    return Officer(
        id=r["id"],
        name=r["name"],
        phone=r["phone"],
        title=r["title"],
        unit=r["unit"],
        active=bool(r["active"]),
        roles=json.loads(r.get("roles") or "[]"),
        admin=bool(r.get("admin") or 0),
    )


def _roles_json(roles: Sequence[Role | str]) -> str:
    # In the roster's order, once each.
    order = list(Role)
    return json.dumps(sorted({Role(r) for r in roles}, key=order.index), ensure_ascii=False)


def clean(officer: Officer) -> Officer:
    """The officer's fields trimmed and checked; InputError naming the field otherwise."""
    name = officer.name.strip()
    if not name:
        raise InputError("name", "err.text.blank")
    if len(name) > NAME_MAX:
        raise InputError("name", "err.text.too_long", n=NAME_MAX)
    title, unit, phone = officer.title.strip(), officer.unit.strip(), officer.phone.strip()
    if len(title) > TITLE_MAX:
        raise InputError("title", "err.text.too_long", n=TITLE_MAX)
    if len(unit) > UNIT_MAX:
        raise InputError("unit", "err.text.too_long", n=UNIT_MAX)
    problem = phone_problem(phone)
    if problem:
        raise InputError("phone", problem)
    try:
        roles = [Role(r) for r in officer.roles]
    except ValueError:
        raise InputError("roles", "err.officer.roles") from None
    return officer.model_copy(
        update={
            "name": name,
            "title": title,
            "unit": unit,
            "phone": phone,
            "roles": sorted(set(roles), key=list(Role).index),
        }
    )


def _hash_pin(pin: str, salt: str) -> str:
    return hashlib.scrypt(pin.encode(), salt=bytes.fromhex(salt), n=2**14, r=8, p=1).hex()


def pin_problem(pin: str) -> Msg | None:
    """Why `pin` cannot be a PIN, or None."""
    if not (pin.isascii() and pin.isdigit() and PIN_MIN <= len(pin) <= PIN_MAX):
        return Msg("err.pin.digits", lo=PIN_MIN, hi=PIN_MAX)
    if len(set(pin)) == 1:
        return Msg("err.pin.repeated")
    steps = {(int(b) - int(a)) % 10 for a, b in zip(pin, pin[1:])}
    if steps in ({1}, {9}):
        return Msg("err.pin.consecutive")
    return None


def span(seconds: float) -> Msg:
    """`4 min 12 s`, `5 min`, `42 s` (in the UI language when shown)."""
    s = max(1, int(seconds + 0.999))
    m, s = divmod(s, 60)
    if not m:
        return Msg("err.span.s", s=s)
    return Msg("err.span.min_s", m=m, s=s) if s else Msg("err.span.min", m=m)


class OfficerRepo:
    def __init__(self, store: Store):
        self.s = store

    # -- reading ---------------------------------------------------------------------------------
    def get(self, officer_id: int) -> Officer:
        rows = list(self.s.db.query("SELECT * FROM officers WHERE id = ?", [officer_id]))
        if not rows:
            raise InputError("officer", "err.officer.no_id", id=officer_id)
        return _officer(rows[0])

    def list(self, *, active_only: bool = True) -> builtins.list[Officer]:
        """Officers by id; with `active_only=False` the deactivated too."""
        where = " WHERE active = 1" if active_only else ""
        return [_officer(r) for r in self.s.db.query(f"SELECT * FROM officers{where} ORDER BY id")]

    def find(self, name: str) -> builtins.list[Officer]:
        """Every officer of exactly that name, the active ones first, then by id."""
        return [
            _officer(r)
            for r in self.s.db.query(
                "SELECT * FROM officers WHERE name = ? ORDER BY active DESC, id", [name.strip()]
            )
        ]

    def resolve(
        self,
        name: str,
        *,
        title: str | None = None,
        phone: str | None = None,
        field: str = "name",
    ) -> Officer:
        """The one active officer of that name (narrowed by title and phone when given).
        InputError in `field` when the name is unknown, only a deactivated officer has it, or
        several active officers do (the message lists each one's title and phone)."""
        name = name.strip()
        if not name:
            raise InputError(field, "err.officer.give_name")
        found = self.find(name)
        if title is not None and title.strip():
            found = [o for o in found if o.title == title.strip()]
        if phone is not None and phone.strip():
            digits = "".join(c for c in phone if c.isdigit())
            found = [o for o in found if "".join(c for c in o.phone if c.isdigit()) == digits]
        active = [o for o in found if o.active]
        if len(active) == 1:
            return active[0]
        if len(active) > 1:
            who = "; ".join(o.label() for o in active)
            raise InputError(
                field,
                "err.officer.ambiguous",
                n=len(active),
                name=name,
                who=who,
            )
        if found:
            raise InputError(field, "err.officer.inactive", who=found[0].label())
        if (title or phone) and self.find(name):
            raise InputError(field, "err.officer.no_match", name=name)
        raise InputError(field, "err.officer.unknown", name=name)

    def actor_for(
        self,
        name: str,
        *,
        os_user: str | None,
        seat: str | None,
        integrations: Sequence[str] = (),
    ) -> Actor:
        """The actor for a name given with `--as`: an active officer of the desk (resolved as
        `resolve` does), or one of the system integrations the config declares; else
        InputError("as", ...)."""
        name = name.strip()
        if not name:
            raise InputError("as", "err.officer.as_give_name")
        found = self.find(name)
        if not found and name in integrations:
            return Actor(
                name=name, kind=ActorKind.integration, os_user=os_user or None, seat=seat or None
            )
        if not found:
            if integrations:
                raise InputError(
                    "as", "err.officer.as_unknown_known", name=name, known=", ".join(integrations)
                )
            raise InputError("as", "err.officer.as_unknown", name=name)
        o = self.resolve(name, field="as")
        return Actor(
            name=o.name,
            officer_id=o.id,
            kind=ActorKind.officer,
            os_user=os_user or None,
            seat=seat or None,
        )

    def on_shift(self, officer_id: int, at: datetime | None = None) -> bool:
        """Whether the officer is on the shift on duty at `at` (now by default)."""
        view = self.s.roster.on_duty(at or self.s.now())
        return view is not None and any(a.officer_id == officer_id for a in view.assignments)

    def may_act(self, actor: Actor, at: datetime | None = None) -> bool:
        """Whether `actor` may act at `at`: an integration or the system always; an officer when
        on the shift on duty, or an active administrator at any time."""
        if actor.kind != ActorKind.officer or actor.officer_id is None:
            return True
        o = self.get(actor.officer_id)
        if not o.active:
            return False
        return o.admin or self.on_shift(saved_id(o.id), at)

    # -- writing ---------------------------------------------------------------------------------
    def _row(self, o: Officer) -> dict[str, Any]:
        return {
            "name": o.name,
            "phone": o.phone,
            "title": o.title,
            "unit": o.unit,
            "active": int(o.active),
            "roles": _roles_json(o.roles),
            "admin": int(o.admin),
        }

    def _admins(self) -> builtins.list[int]:
        return [
            r[0]
            for r in self.s.db.execute("SELECT id FROM officers WHERE admin = 1 AND active = 1")
        ]

    def add(self, officer: Officer) -> Officer:
        o = clean(officer)
        with self.s.write():
            oid = self.s.auditor.insert("officers", self._row(o))
        return self.get(oid)

    def edit(
        self,
        officer_id: int,
        *,
        name: str | None = None,
        title: str | None = None,
        phone: str | None = None,
        unit: str | None = None,
        roles: Sequence[Role | str] | None = None,
        admin: bool | None = None,
        active: bool | None = None,
    ) -> Officer:
        """Change what is given; the rest stays. The desk's last active administrator cannot
        lose the flag or be deactivated (make someone else administrator first)."""
        old = self.get(officer_id)
        changes: dict[str, Any] = {
            k: v
            for k, v in (
                ("name", name),
                ("title", title),
                ("phone", phone),
                ("unit", unit),
                ("admin", admin),
                ("active", active),
            )
            if v is not None
        }
        if roles is not None:
            try:
                changes["roles"] = [Role(r) for r in roles]
            except ValueError:
                raise InputError("roles", "err.officer.roles") from None
        try:
            new = clean(Officer.model_validate(old.model_dump() | changes))
        except ValidationError as e:
            err = e.errors()[0]
            raise InputError(field_of(err, "officer"), validation_msg(err)) from None
        with self.s.write():
            self._keep_an_admin({officer_id: new})
            row, before = self._row(new), self._row(self.get(officer_id))
            diff = {k: v for k, v in row.items() if before[k] != v}
            if diff:
                self.s.auditor.update("officers", officer_id, diff)
        return self.get(officer_id)

    def _keep_an_admin(self, changed: dict[int, Officer]) -> None:
        """Refuse a change that leaves a desk that has administrators without any."""
        admins = set(self._admins())
        if not admins:
            return
        after = {
            oid
            for oid in admins
            if oid not in changed or (changed[oid].admin and changed[oid].active)
        } | {oid for oid, o in changed.items() if o.admin and o.active}
        if not after:
            lost = self.get(sorted(admins)[0])
            field = "active" if any(not o.active for o in changed.values()) else "admin"
            raise InputError(
                field,
                "err.officer.last_admin",
                who=lost.name,
            )

    # -- PINs ------------------------------------------------------------------------------------
    def _pin_row(self, officer_id: int) -> tuple[int, str, str] | None:
        row = self.s.db.execute(
            "SELECT id, salt, hash FROM officer_pins WHERE officer_id = ?", [officer_id]
        ).fetchone()
        return (row[0], row[1], row[2]) if row else None

    def has_pin(self, officer_id: int) -> bool:
        row = self._pin_row(officer_id)
        return row is not None and bool(row[2])

    def _attempts(
        self, officer_id: int, now: datetime
    ) -> tuple[int, datetime | None, datetime | None, datetime | None]:
        """(wrong PINs that count, the last one's time, locked until, wait until) at `now`."""
        wrongs = [
            from_db_not_null(r[0])
            for r in self.s.db.execute(
                "SELECT at FROM pin_attempts WHERE officer_id = ? AND outcome = 'wrong'"
                " AND id > (SELECT COALESCE(max(id), 0) FROM pin_attempts"
                "           WHERE officer_id = ? AND outcome <> 'wrong')"
                " AND at >= ? ORDER BY id",
                [officer_id, officer_id, to_db(now - _HORIZON)],
            )
        ]
        count, last, locked = 0, None, None
        for at in wrongs:
            if locked is not None and at >= locked:
                count, locked = 0, None
            if last is not None and at - last > WINDOW:
                count = 0
            count += 1
            last = at
            if count >= LOCK_AFTER:
                locked = at + timedelta(seconds=LOCK_SECONDS)
        if locked is not None:
            if now < locked:
                return count, last, locked, None
            count = 0
        elif last is not None and now - last > WINDOW:
            count = 0
        wait = None
        if count >= SLOW_AFTER and last is not None:
            until = last + timedelta(seconds=SLOW_SECONDS)
            wait = until if now < until else None
        return count, last, None, wait

    def pin_status(self, officer_id: int) -> PinStatus:
        self.get(officer_id)
        count, _, locked, wait = self._attempts(officer_id, self.s.now())
        return PinStatus(
            officer_id=officer_id,
            has_pin=self.has_pin(officer_id),
            failures=count,
            tries_left=max(0, LOCK_AFTER - count) if locked is None else 0,
            wait_until=wait,
            locked_until=locked,
        )

    def _store_pin(self, officer_id: int, pin: str | None) -> None:
        """Write the PIN's hash (or clear it: pin None) and start the wrong-PIN count again.
        Inside a write transaction."""
        if pin is None:
            salt = digest = ""
        else:
            salt = os.urandom(16).hex()
            digest = _hash_pin(pin, salt)
        row = self._pin_row(officer_id)
        if row:
            self.s.auditor.update("officer_pins", row[0], {"salt": salt, "hash": digest})
        else:
            self.s.auditor.insert(
                "officer_pins", {"officer_id": officer_id, "salt": salt, "hash": digest}
            )
        self.s.auditor.insert(
            "pin_attempts",
            {"officer_id": officer_id, "at": to_db(self.s.now()), "outcome": "cleared"},
        )

    def _new_pin_ok(self, pin: str) -> None:
        problem = pin_problem(pin)
        if problem:
            raise InputError("pin", problem)

    def set_pin(self, officer_id: int, pin: str) -> None:
        """An officer's first PIN (or the first after an administrator's reset). One who has a
        PIN changes it with the old one (`change_pin`)."""
        o = self.get(officer_id)
        if not o.active:
            raise InputError("officer", "err.officer.inactive_short", who=o.name)
        self._new_pin_ok(pin)
        if self.has_pin(officer_id):
            raise InputError(
                "pin",
                "err.pin.exists",
                who=o.name,
            )
        with self.s.write():
            if self.has_pin(officer_id):  # set by another terminal a moment ago
                raise InputError("pin", "err.pin.exists_short", who=o.name)
            self._store_pin(officer_id, pin)

    def change_pin(self, officer_id: int, old: str, new: str) -> None:
        """A new PIN, given the old one (a wrong old PIN counts as a wrong PIN)."""
        self._new_pin_ok(new)
        self.verify_pin(officer_id, old)
        if new == old:
            raise InputError("pin", "err.pin.same")
        with self.s.write():
            self._store_pin(officer_id, new)

    def reset_pin(self, officer_id: int, by: Officer, *, by_pin: str | None = None) -> None:
        """An administrator clears another officer's PIN (a forgotten PIN, a lock), so the officer
        sets a new one with `set_pin`. `by` must be an active administrator; one who has a PIN
        gives it (`by_pin`)."""
        o = self.get(officer_id)
        if by.id is None:
            raise InputError("by", "err.pin.need_admin")
        admin = self.get(by.id)
        if not (admin.admin and admin.active):
            raise InputError("by", "err.pin.not_admin", who=admin.name)
        if admin.id == officer_id:
            raise InputError("by", "err.pin.own_reset")
        if self.has_pin(saved_id(admin.id)):
            if not by_pin:
                raise InputError("pin", "err.pin.admin_enter", who=admin.name)
            self.verify_pin(saved_id(admin.id), by_pin)
        if not self.has_pin(officer_id):
            raise InputError("pin", "err.pin.none_to_reset", who=o.name)
        with self.s.write():
            self._store_pin(officer_id, None)

    def verify_pin(self, officer_id: int, pin: str) -> None:
        """Nothing when `pin` is the officer's PIN; else InputError("pin", ...) saying how many
        tries are left, how long to wait, or for how long the officer is locked. A wrong PIN is
        recorded (committed) before the error is raised, so call this outside a write
        transaction."""
        if self.s.db.conn.in_transaction:
            raise RuntimeError("verify_pin records wrong PINs: call it outside write()")
        o = self.get(officer_id)
        row = self._pin_row(officer_id)
        if row is None or not row[2]:
            raise InputError("pin", "err.pin.not_set", who=o.name)
        now = self.s.now()
        count, _, locked, wait = self._attempts(officer_id, now)
        if locked is not None:
            raise InputError(
                "pin",
                "err.pin.locked",
                span=span((locked - now).total_seconds()),
                n=LOCK_AFTER,
            )
        if wait is not None:
            raise InputError(
                "pin",
                "err.pin.wait",
                n=count,
                span=span((wait - now).total_seconds()),
            )
        right = hmac.compare_digest(_hash_pin(pin or "", row[1]), row[2])
        if right and not count:
            return
        with self.s.write():
            self.s.auditor.insert(
                "pin_attempts",
                {
                    "officer_id": officer_id,
                    "at": to_db(now),
                    "outcome": "right" if right else "wrong",
                },
            )
        if right:
            return
        count, _, locked, wait = self._attempts(officer_id, now)
        if locked is not None:
            raise InputError("pin", "err.pin.wrong_locked", span=span(LOCK_SECONDS), n=LOCK_AFTER)
        left = LOCK_AFTER - count
        if wait is not None:
            key = "err.pin.wrong_wait1" if left == 1 else "err.pin.wrong_wait"
            raise InputError("pin", key, left=left, span=span(SLOW_SECONDS))
        raise InputError("pin", "err.pin.wrong1" if left == 1 else "err.pin.wrong", left=left)

    # -- importing -------------------------------------------------------------------------------
    def import_rows(
        self,
        rows: Sequence[OfficerRow],
        *,
        dry_run: bool = False,
        errors: Sequence[RowProblem] = (),
    ) -> OfficerImportResult:
        """Check every row, then write them all in one transaction, or nothing. A row is matched
        to the desk's officers by name; where several share the name (two 王伟), by phone, then
        by title. A name twice in the file needs a different phone on each row. A row that
        matches no one adds an officer. `errors` are the rows the file reader refused already:
        they are reported with these checks (OfficerImportError)."""
        problems = list(errors)
        res = OfficerImportResult(rows=len(rows), dry_run=dry_run)

        def bad(r: OfficerRow, field: str, problem: str | Msg) -> None:
            problems.append(RowProblem(row=r.row, field=field, problem=str(problem)))

        by_name: dict[str, builtins.list[OfficerRow]] = defaultdict(list)
        for r in rows:
            by_name[r.name.strip()].append(r)
        plan: builtins.list[tuple[OfficerRow, Officer, int | None]] = []
        for name, group in by_name.items():
            desk = self.find(name)
            phones: dict[str, int] = {}
            for r in group:
                try:
                    o = clean(
                        Officer(
                            name=r.name,
                            title=r.title,
                            phone=r.phone,
                            roles=r.roles,
                            admin=r.admin,
                            active=r.active,
                        )
                    )
                except InputError as e:
                    bad(r, e.field, e.problem)
                    continue
                except ValidationError as e:
                    bad(r, "name", validation_msg(e.errors()[0]))
                    continue
                if len(group) > 1:
                    if not o.phone:
                        bad(r, "phone", Msg("err.officer.rows_phone", who=name))
                        continue
                    digits = "".join(c for c in o.phone if c.isdigit())
                    if digits in phones:
                        bad(r, "phone", Msg("err.officer.row_phone", who=name, row=phones[digits]))
                        continue
                    phones[digits] = r.row
                match = self._match(o, desk, several=len(group) > 1)
                if isinstance(match, Msg):
                    bad(r, "name", match)
                    continue
                if match is not None:
                    o = o.model_copy(update={"unit": match.unit})
                plan.append((r, o, match.id if match is not None else None))
        if problems:
            problems.sort(key=lambda p: p.row)
            raise OfficerImportError(problems)
        try:
            with self.s.write():
                self._keep_an_admin({oid: o for _, o, oid in plan if oid is not None})
                for _, o, oid in plan:
                    if oid is None:
                        self.s.auditor.insert("officers", self._row(o))
                        res.created += 1
                        continue
                    before = self._row(self.get(oid))
                    diff = {k: v for k, v in self._row(o).items() if before[k] != v}
                    if diff:
                        self.s.auditor.update("officers", oid, diff)
                        res.updated += 1
                    else:
                        res.unchanged += 1
                if dry_run:
                    raise _DryRun()
        except _DryRun:
            pass
        return res

    @staticmethod
    def _match(o: Officer, desk: Sequence[Officer], *, several: bool) -> Officer | None | Msg:
        """The desk's officer a file row means, None for a new one, or why it cannot tell."""
        if not desk:
            return None
        digits = "".join(c for c in o.phone if c.isdigit())
        by_phone = [
            d for d in desk if digits and "".join(c for c in d.phone if c.isdigit()) == digits
        ]
        if len(by_phone) == 1:
            return by_phone[0]
        if several:
            return None  # told apart by phone: a phone the desk does not know is someone new
        if len(desk) == 1:
            return desk[0]
        by_title = [d for d in desk if o.title and d.title == o.title]
        if len(by_title) == 1:
            return by_title[0]
        who = "; ".join(d.label() for d in desk)
        return Msg("err.officer.ambiguous_row", n=len(desk), name=o.name, who=who)


class _DryRun(Exception):
    """Rolls an import back after counting what it would do."""
