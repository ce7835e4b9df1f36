"""Roll-call checks of duty rooms (电话查岗 / 视频点名), and checks made on us (上级查岗).

A round is a fixed list of units taken when it starts (names and numbers as they were then), which
the officer steps through, recording for each an outcome, who answered and the seconds to answer.
The runner's position is saved with every step, so a round can be paused (or the terminal lost)
and resumed where it stood. A round's results stay in each unit's history and in the handover
(`rounds_between`).

在岗率 (on-post rate) of a round = units whose last recorded outcome is "answered and on post"
÷ units with a recorded outcome. See `RoundSummary.rate`.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from watchdesk.errors import InputError, Msg, NotFound
from watchdesk.models.directory import UnitRecord
from watchdesk.models.rollcall import (
    CheckMethod,
    HigherCheck,
    HigherCheckInput,
    Outcome,
    RollCallEntry,
    RollCallRound,
    RoundReport,
    RoundSet,
    RoundStatus,
    RoundSummary,
    UnitCheck,
)
from watchdesk.store.db import from_db, from_db_not_null, to_db

if TYPE_CHECKING:
    from watchdesk.store.desk import Store

MAX_ANSWER_SECONDS = 3600
SLACK = timedelta(minutes=2)


def _round(row: dict) -> RollCallRound:
    d = dict(row)
    for k in ("started_at", "finished_at", "updated_at"):
        d[k] = from_db(d.get(k))
    return RollCallRound.model_validate(d)


def _entry(row: dict) -> RollCallEntry:
    d = dict(row)
    d["called_at"] = from_db(d.get("called_at"))
    return RollCallEntry.model_validate(d)


def summarise(entries: list[RollCallEntry]) -> RoundSummary:
    counts: dict[Outcome, int] = {o: 0 for o in Outcome}
    secs = [
        e.answer_seconds
        for e in entries
        if e.outcome is not None and e.outcome.answered and e.answer_seconds is not None
    ]
    for e in entries:
        if e.outcome is not None:
            counts[e.outcome] += 1
    checked = sum(counts.values())
    mean = (sum(secs) / len(secs)) if secs else None
    return RoundSummary(
        total=len(entries),
        checked=checked,
        not_checked=len(entries) - checked,
        counts=counts,
        mean_answer_seconds=mean,
    )


class RollCallRepo:
    def __init__(self, store: Store):
        self.s = store

    # -- choosing a set -------------------------------------------------------------------------
    def members(self, set_kind: RoundSet, unit_ids: list[int] | None = None) -> list[UnitRecord]:
        """The active units a set means, in directory order (custom: in the order given)."""
        d = self.s.directory
        if set_kind == RoundSet.custom:
            if not unit_ids:
                raise InputError("units", "err.rollcall.no_units")
            if len(set(unit_ids)) != len(unit_ids):
                raise InputError("units", "err.rollcall.unit_twice")
            out = []
            for uid in unit_ids:
                try:
                    u = d.get(uid)
                except NotFound:
                    raise InputError("units", "err.unit.not_found", id=uid) from None
                if not u.active:
                    raise InputError("units", "err.rollcall.inactive", name=u.name)
                out.append(u)
            return out
        if unit_ids:
            raise InputError("units", "err.rollcall.not_custom")
        sets: dict[RoundSet, dict[str, Any]] = {
            RoundSet.level1: dict(kind="linkage", level=1),
            RoundSet.level2: dict(kind="linkage", level=2),
            RoundSet.level3: dict(kind="linkage", level=3),
            RoundSet.linkage: dict(kind="linkage"),
            RoundSet.townships: dict(kind="duty_room", room_type="township"),
            RoundSet.districts: dict(kind="duty_room", room_type="district"),
            RoundSet.departments: dict(kind="duty_room", room_type="department"),
            RoundSet.duty_rooms: dict(kind="duty_room"),
        }
        return d.units(active_only=True, **sets[set_kind])

    # -- reads ----------------------------------------------------------------------------------
    def get(self, round_id: int) -> RollCallRound:
        rows = list(self.s.db.query("SELECT * FROM rollcall_rounds WHERE id = ?", [round_id]))
        if not rows:
            raise NotFound("err.rollcall.not_found", id=round_id)
        return _round(rows[0])

    def entries(self, round_id: int) -> list[RollCallEntry]:
        return [
            _entry(r)
            for r in self.s.db.query(
                "SELECT * FROM rollcall_entries WHERE round_id = ? ORDER BY seq", [round_id]
            )
        ]

    def report(self, round_id: int) -> RoundReport:
        entries = self.entries(round_id)
        return RoundReport(round=self.get(round_id), entries=entries, summary=summarise(entries))

    def summaries(self, round_ids: list[int]) -> dict[int, RoundSummary]:
        """The tallies of these rounds (each `summarise` of its entries, as `report` gives it)
        by round id, in one grouped read: the roll-call screen lists a hundred rounds."""
        tally: dict[int, dict[str, Any]] = {
            rid: {"total": 0, "counts": {o: 0 for o in Outcome}, "secs": 0, "answered": 0}
            for rid in round_ids
        }
        for rid, outcome, n, secs, timed in self.s.db.execute(
            """SELECT round_id, outcome, count(*), sum(answer_seconds), count(answer_seconds)
               FROM rollcall_entries WHERE round_id IN (SELECT value FROM json_each(?))
               GROUP BY round_id, outcome""",
            [json.dumps(round_ids)],
        ):
            t = tally[rid]
            t["total"] += n
            if outcome is None:
                continue
            o = Outcome(outcome)
            t["counts"][o] += n
            if o.answered and timed:
                t["secs"] += secs
                t["answered"] += timed
        out = {}
        for rid, t in tally.items():
            checked = sum(t["counts"].values())
            out[rid] = RoundSummary(
                total=t["total"],
                checked=checked,
                not_checked=t["total"] - checked,
                counts=t["counts"],
                mean_answer_seconds=t["secs"] / t["answered"] if t["answered"] else None,
            )
        return out

    def rounds(self, *, limit: int = 50) -> list[RollCallRound]:
        """Newest first."""
        return [
            _round(r)
            for r in self.s.db.query(
                "SELECT * FROM rollcall_rounds ORDER BY started_at DESC, id DESC LIMIT ?", [limit]
            )
        ]

    def unfinished(self) -> list[RollCallRound]:
        return [
            _round(r)
            for r in self.s.db.query(
                "SELECT * FROM rollcall_rounds WHERE status != 'finished' ORDER BY started_at, id"
            )
        ]

    def rounds_between(self, start: datetime, end: datetime) -> list[RoundReport]:
        """Rounds started in [start, end), oldest first, with entries and tallies: what a
        handover for that shift lists (a round still open at the end shows as unfinished)."""
        span = [to_db(start), to_db(end)]
        rounds = [
            _round(r)
            for r in self.s.db.query(
                "SELECT * FROM rollcall_rounds WHERE started_at >= ? AND started_at < ? "
                "ORDER BY started_at, id",
                span,
            )
        ]
        if not rounds:
            return []
        entries: dict[int, list[RollCallEntry]] = {r.id: [] for r in rounds}
        for row in self.s.db.query(
            """SELECT * FROM rollcall_entries WHERE round_id IN (
                 SELECT id FROM rollcall_rounds WHERE started_at >= ? AND started_at < ?)
               ORDER BY round_id, seq""",
            span,
        ):
            entries[row["round_id"]].append(_entry(row))
        return [
            RoundReport(round=r, entries=entries[r.id], summary=summarise(entries[r.id]))
            for r in rounds
        ]

    def unit_history(self, unit_id: int, *, limit: int = 50) -> list[UnitCheck]:
        """This unit's recorded checks, newest first."""
        rows = self.s.db.query(
            """SELECT e.*, r.method AS r_method, r.started_at AS r_started
               FROM rollcall_entries e JOIN rollcall_rounds r ON r.id = e.round_id
               WHERE e.unit_id = ? AND e.outcome IS NOT NULL
               ORDER BY e.called_at DESC, e.id DESC LIMIT ?""",
            [unit_id, limit],
        )
        out = []
        for r in rows:
            d = dict(r)
            method, started = d.pop("r_method"), d.pop("r_started")
            out.append(
                UnitCheck(
                    entry=_entry(d),
                    round_id=d["round_id"],
                    method=method,
                    round_started_at=from_db_not_null(started),
                )
            )
        return out

    # -- a round --------------------------------------------------------------------------------
    def start(
        self,
        set_kind: RoundSet | str,
        *,
        unit_ids: list[int] | None = None,
        method: CheckMethod | str = CheckMethod.phone,
        label: str = "",
        note: str = "",
    ) -> RoundReport:
        try:
            set_kind = RoundSet(set_kind)
        except ValueError:
            known = ", ".join(s.value for s in RoundSet)
            raise InputError("set", "err.rollcall.set", value=set_kind, known=known) from None
        try:
            method = CheckMethod(method)
        except ValueError:
            known = ", ".join(m.value for m in CheckMethod)
            raise InputError("method", "err.rollcall.method", value=method, known=known) from None
        if method == CheckMethod.onsite:
            raise InputError("method", "err.rollcall.onsite")
        units = self.members(set_kind, unit_ids)
        if not units:
            raise InputError("set", "err.rollcall.empty_set", set=Msg(f"rc.set.{set_kind.value}"))
        now = self.s.now()
        with self.s.write():
            rid = self.s.auditor.insert(
                "rollcall_rounds",
                {
                    "label": label.strip(),
                    "set_kind": set_kind.value,
                    "method": method.value,
                    "status": RoundStatus.running.value,
                    "started_at": to_db(now),
                    "finished_at": None,
                    "position": 1,
                    "started_by": self.s.actor,
                    "note": note.strip(),
                    "updated_at": to_db(now),
                },
            )
            for seq, u in enumerate(units, start=1):
                self.s.auditor.insert(
                    "rollcall_entries",
                    {
                        "round_id": rid,
                        "seq": seq,
                        "unit_id": u.id,
                        "unit_name": u.name,
                        "phone": u.duty_phone or u.backup_phone,
                        "outcome": None,
                        "answered_by": "",
                        "answer_seconds": None,
                        "called_at": None,
                        "attempts": 0,
                        "note": "",
                    },
                )
        return self.report(rid)

    def _open(self, round_id: int, *, running: bool = True) -> RollCallRound:
        r = self.get(round_id)
        if r.status == RoundStatus.finished:
            raise InputError("round", "err.rollcall.finished", id=round_id)
        if running and r.status == RoundStatus.paused:
            raise InputError("round", "err.rollcall.paused", id=round_id)
        return r

    def record(
        self,
        round_id: int,
        seq: int,
        outcome: Outcome | str,
        *,
        answered_by: str = "",
        answer_seconds: int | None = None,
        note: str = "",
        at: datetime | None = None,
    ) -> RoundReport:
        """Record (or correct) the outcome for the unit at `seq`, and move the runner to the next
        unit still unchecked after it."""
        try:
            outcome = Outcome(outcome)
        except ValueError:
            known = ", ".join(o.value for o in Outcome)
            raise InputError(
                "outcome", "err.rollcall.outcome", value=outcome, known=known
            ) from None
        answered_by = answered_by.strip()
        if not outcome.answered:
            if answered_by:
                raise InputError(
                    "answered_by", "err.rollcall.nobody", outcome=Msg(f"rc.outcome.{outcome.value}")
                )
            if answer_seconds is not None:
                raise InputError(
                    "answer_seconds",
                    "err.rollcall.nobody",
                    outcome=Msg(f"rc.outcome.{outcome.value}"),
                )
        elif not answered_by:
            raise InputError("answered_by", "err.rollcall.who_answered")
        if answer_seconds is not None and not 0 <= answer_seconds <= MAX_ANSWER_SECONDS:
            raise InputError("answer_seconds", "err.number.range", lo=0, hi=MAX_ANSWER_SECONDS)
        now = self.s.now()
        at = at or now
        if at > now + SLACK:
            raise InputError("at", "err.time.future")
        with self.s.write():
            # An outcome struck through (store/correction.py) is recorded anew, finished or not.
            struck = self.s.db.execute(
                "SELECT 1 FROM rollcall_entries e JOIN corrections c ON c.record_kind = 'rollcall'"
                " AND c.record_id = e.id WHERE e.round_id = ? AND e.seq = ? AND e.outcome IS NULL",
                [round_id, seq],
            ).fetchone()
            r = self.get(round_id) if struck else self._open(round_id)
            entries = self.entries(round_id)
            match = [e for e in entries if e.seq == seq]
            if not match:
                raise InputError("seq", "err.rollcall.no_seq", id=round_id, seq=seq)
            e = match[0]
            if at < r.started_at:
                raise InputError("at", "err.rollcall.before_start")
            self.s.auditor.update(
                "rollcall_entries",
                e.id,
                {
                    "outcome": outcome.value,
                    "answered_by": answered_by,
                    "answer_seconds": answer_seconds,
                    "called_at": to_db(at),
                    "attempts": e.attempts + 1,
                    "note": note.strip(),
                },
            )
            pending = [x.seq for x in entries if x.outcome is None and x.seq != seq]
            after = [s for s in pending if s > seq]
            nxt = after[0] if after else (pending[0] if pending else seq)
            self.s.auditor.update(
                "rollcall_rounds", round_id, {"position": nxt, "updated_at": to_db(now)}
            )
        return self.report(round_id)

    def move(self, round_id: int, seq: int) -> RollCallRound:
        """Stand the runner on another unit (to call back a busy line, or correct an entry)."""
        with self.s.write():
            self._open(round_id)
            n = len(self.entries(round_id))
            if not 1 <= seq <= n:
                raise InputError("seq", "err.number.range", lo=1, hi=n)
            self.s.auditor.update(
                "rollcall_rounds", round_id, {"position": seq, "updated_at": to_db(self.s.now())}
            )
        return self.get(round_id)

    def pause(self, round_id: int) -> RollCallRound:
        with self.s.write():
            r = self._open(round_id, running=False)
            if r.status == RoundStatus.paused:
                raise InputError("round", "err.rollcall.already_paused", id=round_id)
            self.s.auditor.update(
                "rollcall_rounds",
                round_id,
                {"status": RoundStatus.paused.value, "updated_at": to_db(self.s.now())},
            )
        return self.get(round_id)

    def resume(self, round_id: int) -> RollCallRound:
        with self.s.write():
            r = self._open(round_id, running=False)
            if r.status == RoundStatus.running:
                raise InputError("round", "err.rollcall.not_paused", id=round_id)
            self.s.auditor.update(
                "rollcall_rounds",
                round_id,
                {"status": RoundStatus.running.value, "updated_at": to_db(self.s.now())},
            )
        return self.get(round_id)

    def finish(self, round_id: int, *, note: str = "") -> RoundReport:
        """End the round. Units not reached stay unchecked (and outside the rate)."""
        now = self.s.now()
        with self.s.write():
            r = self._open(round_id, running=False)
            changes = {
                "status": RoundStatus.finished.value,
                "finished_at": to_db(now),
                "updated_at": to_db(now),
            }
            if note.strip():
                changes["note"] = (r.note + "\n" + note.strip()).strip()
            self.s.auditor.update("rollcall_rounds", round_id, changes)
        return self.report(round_id)

    # -- checks made on us ----------------------------------------------------------------------
    def log_higher_check(self, check: HigherCheckInput) -> HigherCheck:
        now = self.s.now()
        if check.at > now + SLACK:
            raise InputError("at", "err.time.future")
        if not check.checker.strip():
            raise InputError("checker", "err.text.blank")
        with self.s.write():
            cid = self.s.auditor.insert(
                "higher_checks",
                {
                    "at": to_db(check.at),
                    "checker": check.checker.strip(),
                    "method": check.method.value,
                    "answered_by": check.answered_by.strip(),
                    "leader_present": int(check.leader_present),
                    "result": check.result.value,
                    "note": check.note.strip(),
                    "recorded_by": self.s.actor,
                    "created_at": to_db(now),
                },
            )
        return self._higher(cid)

    def _higher(self, cid: int) -> HigherCheck:
        r = dict(next(iter(self.s.db.query("SELECT * FROM higher_checks WHERE id = ?", [cid]))))
        r["at"], r["created_at"] = from_db(r["at"]), from_db(r["created_at"])
        r["leader_present"] = bool(r["leader_present"])
        return HigherCheck.model_validate(r)

    def higher_checks_between(self, start: datetime, end: datetime) -> list[HigherCheck]:
        rows = self.s.db.query(
            "SELECT id FROM higher_checks WHERE at >= ? AND at < ? ORDER BY at, id",
            [to_db(start), to_db(end)],
        )
        return [self._higher(r["id"]) for r in rows]

    def higher_checks(self, *, limit: int = 50) -> list[HigherCheck]:
        rows = self.s.db.query(
            "SELECT id FROM higher_checks ORDER BY at DESC, id DESC LIMIT ?", [limit]
        )
        return [self._higher(r["id"]) for r in rows]
