"""Passing on and following up (传、跟): tasks given to units, their clocks, chasing (督办), notices
from above, and the first receiver of an incident (首接负责制).

A task is one unit and one instruction: dispatching three units makes three tasks, each with its
own clocks from the rule pack's [dispatch] table (rules/dispatch.py), and one duty-log entry
saying what was passed on to whom (so the log, the handover's log and search show it). Recording
a step closes its clock and keeps how late it was (seconds after the due moment; negative:
early), as reports do; recording an arrival or a feedback while the acknowledgement is still open
closes that too, as implied (no lateness: it was not recorded when it happened). A task with all
its clocks closed is done; a wrong one is cancelled with a reason, never deleted. A task past its
clock can be chased: each call is kept with its outcome.
"""

from __future__ import annotations

import builtins
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from watchdesk.errors import InputError
from watchdesk.models.dispatch import (
    IMPLIED,
    Channel,
    Chase,
    FirstReceiver,
    Task,
    TaskBoardRow,
    TaskClock,
    TaskInput,
)
from watchdesk.models.dutylog import LogEntry, LogKind
from watchdesk.models.incident import Grade, ReportKind
from watchdesk.rules.dispatch import (
    STEPS,
    DispatchRules,
    Step,
    TaskKind,
    late_seconds,
    rules_of,
    task_clocks,
)
from watchdesk.store.db import from_db, from_db_not_null, to_db

if TYPE_CHECKING:
    from watchdesk.models.handover import PendingItem
    from watchdesk.models.incident import TimelineItem
    from watchdesk.models.rollcall import RoundReport
    from watchdesk.store.desk import Store

FUTURE_SLACK = timedelta(minutes=2)
WHOLE_AREA = ("全县", "全市", "全区", "全省", "全域")


def _clock(row: dict) -> TaskClock:
    return TaskClock.model_validate(
        row | {"due_at": from_db(row["due_at"]), "done_at": from_db(row["done_at"])}
    )


def _chase(row: dict) -> Chase:
    return Chase.model_validate(row | {"at": from_db(row["at"])})


def _task(row: dict, clocks: list[TaskClock], chases: list[Chase]) -> Task:
    return Task.model_validate(
        row
        | {
            "issued_at": from_db(row["issued_at"]),
            "created_at": from_db(row["created_at"]),
            "urban": bool(row["urban"]),
            "clocks": clocks,
            "chases": chases,
        }
    )


class DispatchRepo:
    def __init__(self, store: Store):
        self.s = store

    @property
    def rules(self) -> DispatchRules:
        """The pack's `[dispatch]`, with the desk's own timings (the `dispatch_within` setting)
        in place of the pack's where it sets them, each then naming the setting as its source."""
        rules = rules_of(self.s.pack)
        given = self.s.dispatch_within
        if not given:
            return rules
        from watchdesk.i18n import t
        from watchdesk.rules.dispatch import parse_within, with_desk

        within = parse_within(given)
        texts = {str(k).strip().lower(): v for k, v in given.items()}
        where = self.s.dispatch_within_where or "dispatch_within"
        sources = {
            k: t(
                "dispatch.src.desk",
                step=k if k in texts else "arrive",
                value=texts.get(k, texts.get("arrive", "")),
                where=where,
            )
            for k in within
        }
        return with_desk(rules, within, sources)

    # -- reads ----------------------------------------------------------------------------------
    def _load(self, where: str, args: list) -> builtins.list[Task]:
        rows = [dict(r) for r in self.s.db.query(f"SELECT * FROM tasks {where}", args)]
        if not rows:
            return []
        ids = [r["id"] for r in rows]
        marks = ",".join("?" * len(ids))
        clocks: dict[int, list[TaskClock]] = {i: [] for i in ids}
        for r in self.s.db.query(
            f"SELECT * FROM task_clocks WHERE task_id IN ({marks}) ORDER BY due_at, id", ids
        ):
            clocks[r["task_id"]].append(_clock(r))
        chases: dict[int, list[Chase]] = {i: [] for i in ids}
        for r in self.s.db.query(
            f"SELECT * FROM task_chases WHERE task_id IN ({marks}) ORDER BY at, id", ids
        ):
            chases[r["task_id"]].append(_chase(r))
        return [_task(r, clocks[r["id"]], chases[r["id"]]) for r in rows]

    def get(self, task_id: int) -> Task:
        got = self._load("WHERE id = ?", [task_id])
        if not got:
            raise InputError("task", "err.dispatch.not_found", id=task_id)
        return got[0]

    def list(
        self,
        *,
        incident_id: int | None = None,
        open_only: bool = False,
        kind: TaskKind | None = None,
        parent_id: int | None = None,
        limit: int = 500,
    ) -> builtins.list[Task]:
        where: builtins.list[str] = []
        args: builtins.list[object] = []
        if incident_id is not None:
            where.append("incident_id = ?")
            args.append(incident_id)
        if open_only:
            where.append("status = 'open'")
        if kind is not None:
            where.append("kind = ?")
            args.append(TaskKind(kind).value)
        if parent_id is not None:
            where.append("parent_id = ?")
            args.append(parent_id)
        sql = ("WHERE " + " AND ".join(where) if where else "") + " ORDER BY issued_at, id LIMIT ?"
        return self._load(sql, [*args, limit])

    def latest_instruction(self, incident_id: int | None) -> str:
        """The incident's latest leader instruction (领导批示) in the duty log, or ""."""
        if incident_id is None:
            return ""
        got = self.s.dutylog.list(incident_id=incident_id, kind=LogKind.instruction, limit=1)
        return got[0].content if got else ""

    def is_urban(self, incident_id: int | None) -> bool:
        """Whether the incident is in the central urban area, by the pack's words."""
        if incident_id is None:
            return False
        inc = self.s.incidents.get(incident_id)
        return self.rules.is_urban(f"{inc.area} {inc.place}")

    def board_rows(self) -> builtins.list[TaskBoardRow]:
        """Every open task's next clock, soonest first: merged into the countdown board."""
        rows = self.s.db.query(
            """SELECT t.id, t.incident_id, t.unit_name, t.kind, c.step, c.due_at,
                      i.title, i.description, i.grade,
                      (SELECT count(*) FROM task_chases h WHERE h.task_id = t.id) AS chases
               FROM tasks t
               JOIN task_clocks c ON c.id = (
                   SELECT c2.id FROM task_clocks c2 WHERE c2.task_id = t.id AND c2.done_at IS NULL
                   ORDER BY c2.due_at, c2.id LIMIT 1)
               LEFT JOIN incidents i ON i.id = t.incident_id
               WHERE t.status = 'open' ORDER BY c.due_at, t.id"""
        )
        out = []
        for r in rows:
            headline = (r["title"] or (r["description"] or "")[:30]) if r["incident_id"] else ""
            out.append(
                TaskBoardRow(
                    deadline_id=-r["id"],
                    incident_id=r["incident_id"] or 0,
                    incident_headline=headline or r["unit_name"],
                    grade=Grade(r["grade"] or "IV"),
                    kind=ReportKind.phone,  # unused: the board shows the task's step
                    due_at=from_db_not_null(r["due_at"]),
                    task_id=r["id"],
                    step=r["step"],
                    unit_name=r["unit_name"],
                    chases=r["chases"],
                )
            )
        return out

    # -- writes ---------------------------------------------------------------------------------
    def _check_time(self, at: datetime, field: str = "at") -> None:
        if at > self.s.now() + FUTURE_SLACK:
            raise InputError(field, "err.time.future")

    def _units(self, unit_ids: builtins.list[int]) -> builtins.list[tuple[int, str]]:
        from watchdesk.errors import NotFound

        if len(set(unit_ids)) != len(unit_ids):
            raise InputError("units", "err.dispatch.unit_twice")
        out = []
        for uid in unit_ids:
            try:
                u = self.s.directory.get(uid)
            except NotFound:
                raise InputError("units", "err.unit.not_found", id=uid) from None
            if not u.active:
                raise InputError("units", "err.dispatch.inactive", name=u.name)
            out.append((uid, u.name))
        return out

    def area_units(self, warning_id: int) -> builtins.list[int]:
        """The duty rooms in a warning's area (all of them for 全县 and the like): the units a
        warning is passed on to when none are named."""
        w = self.s.warnings.get(warning_id)
        area = w.area.strip()
        rooms = self.s.directory.units(active_only=True, kind="duty_room")
        if not area or any(x in area for x in WHOLE_AREA):
            return [u.id for u in rooms if u.id is not None]
        return [
            u.id
            for u in rooms
            if u.id is not None and ((u.area and u.area in area) or u.name[:3] in area)
        ]

    def add(self, inp: TaskInput) -> builtins.list[Task]:
        """One task per unit, each with its clocks; one duty-log entry saying what went to whom."""
        if inp.kind == TaskKind.notice:
            raise InputError("kind", "err.dispatch.notice_kind")
        self._check_time(inp.issued_at, "issued_at")
        unit_ids = list(inp.unit_ids)
        if not unit_ids and inp.warning_id is not None:
            unit_ids = self.area_units(inp.warning_id)
        if not unit_ids:
            raise InputError("units", "err.dispatch.no_units")
        rules = self.rules
        now = self.s.now()
        with self.s.write():
            units = self._units(unit_ids)
            area = ""
            if inp.incident_id is not None:
                inc = self.s.incidents.get(inp.incident_id)
                area = f"{inc.area} {inc.place}"
            if inp.log_entry_id is not None:
                self.s.dutylog.get(inp.log_entry_id)
            if inp.warning_id is not None:
                w = self.s.warnings.get(inp.warning_id)
                area = area or w.area
            urban = rules.is_urban(area) if inp.urban is None else inp.urban
            passed_by = inp.passed_by.strip() or self.s.actor
            entry = self.s.dutylog.add(
                LogEntry(
                    at=inp.issued_at,
                    kind=LogKind.action,
                    incident_id=inp.incident_id,
                    counterpart="、".join(n for _, n in units)[:100],
                    content=inp.instruction,
                    handling="",
                    by_whom=passed_by,
                )
            )
            ids = []
            for uid, name in units:
                task_id = self.s.auditor.insert(
                    "tasks",
                    {
                        "kind": inp.kind.value,
                        "incident_id": inp.incident_id,
                        "log_entry_id": inp.log_entry_id or entry.id,
                        "parent_id": None,
                        "warning_id": inp.warning_id,
                        "unit_id": uid,
                        "unit_name": name,
                        "instruction": inp.instruction,
                        "channel": Channel(inp.channel).value,
                        "passed_by": passed_by,
                        "issued_at": to_db(inp.issued_at),
                        "urban": int(urban),
                        "pack_id": self.s.rule_pack_id,
                        "status": "open",
                        "cancel_reason": "",
                        "created_at": to_db(now),
                        "by_whom": self.s.actor,
                    },
                )
                self._insert_clocks(task_id, rules, inp.kind, inp.issued_at, name, urban)
                ids.append(task_id)
            return [self.get(i) for i in ids]

    def _insert_clocks(
        self,
        task_id: int,
        rules: DispatchRules,
        kind: TaskKind,
        issued_at: datetime,
        unit_name: str,
        urban: bool,
    ) -> None:
        for c in task_clocks(rules, kind, issued_at, unit_name, urban):
            self.s.auditor.insert(
                "task_clocks",
                {
                    "task_id": task_id,
                    "step": c.step.value,
                    "due_at": to_db(c.due_at),
                    "rule": c.rule,
                    "source": c.source,
                    "done_at": None,
                    "late_seconds": None,
                    "note": "",
                    "by_whom": "",
                },
            )

    def add_notice(
        self,
        content: str,
        from_whom: str,
        at: datetime,
        *,
        warning_id: int | None = None,
        incident_id: int | None = None,
        received_by: str = "",
    ) -> Task:
        """A notice or warning received from above (上级来文 / 预警通知): logged in the duty log
        (来文), with its clocks (leader told, passed on, documents/回执) as one task."""
        if not content.strip():
            raise InputError("content", "err.text.blank")
        if not from_whom.strip():
            raise InputError("from", "err.dispatch.notice_from")
        self._check_time(at)
        now = self.s.now()
        with self.s.write():
            if warning_id is not None:
                self.s.warnings.get(warning_id)
            entry = self.s.dutylog.add(
                LogEntry(
                    at=at,
                    kind=LogKind.doc_in,
                    incident_id=incident_id,
                    counterpart=from_whom.strip()[:100],
                    content=content,
                )
            )
            task_id = self.s.auditor.insert(
                "tasks",
                {
                    "kind": TaskKind.notice.value,
                    "incident_id": incident_id,
                    "log_entry_id": entry.id,
                    "parent_id": None,
                    "warning_id": warning_id,
                    "unit_id": None,
                    "unit_name": from_whom.strip(),
                    "instruction": content.strip(),
                    "channel": Channel.system.value,
                    "passed_by": received_by.strip() or self.s.actor,
                    "issued_at": to_db(at),
                    "urban": 0,
                    "pack_id": self.s.rule_pack_id,
                    "status": "open",
                    "cancel_reason": "",
                    "created_at": to_db(now),
                    "by_whom": self.s.actor,
                },
            )
            self._insert_clocks(task_id, self.rules, TaskKind.notice, at, "", False)
            return self.get(task_id)

    def pass_on(self, notice_id: int, inp: TaskInput) -> builtins.list[Task]:
        """Pass a notice on to units: instruction tasks under it; closes its `pass` clock."""
        notice = self.get(notice_id)
        if notice.kind != TaskKind.notice:
            raise InputError("task", "err.dispatch.not_notice", id=notice_id)
        with self.s.write():
            tasks = self.add(
                inp.model_copy(
                    update={
                        "kind": TaskKind.instruction,
                        "warning_id": inp.warning_id or notice.warning_id,
                        "log_entry_id": inp.log_entry_id or notice.log_entry_id,
                    }
                )
            )
            for t in tasks:
                self.s.auditor.update("tasks", t.id, {"parent_id": notice_id})
            pass_clock = notice.clock(Step.pass_on)
            if pass_clock is not None and pass_clock.done_at is None:
                self.record(notice_id, Step.pass_on, inp.issued_at)
            return [self.get(t.id) for t in tasks]

    def record(
        self,
        task_id: int,
        step: Step | str | None = None,
        at: datetime | None = None,
        note: str = "",
    ) -> Task:
        """Record a step (arrived, acknowledged, fed back …) at `at` (default now); None: the
        task's next clock. A feedback needs its text."""
        at = at or self.s.now()
        self._check_time(at)
        note = note.strip()
        with self.s.write():
            task = self.get(task_id)
            if task.status != "open":
                raise InputError("task", "err.dispatch.not_open", id=task_id, status=task.status)
            if step is None:
                nxt = task.next_clock()
                if nxt is None:  # pragma: no cover - an open task has a clock left
                    raise InputError("step", "err.dispatch.no_step", id=task_id)
                step = nxt.step
            try:
                step = Step(step)
            except ValueError:
                raise InputError("step", "err.dispatch.step_unknown", step=str(step)) from None
            clock = task.clock(step)
            if clock is None:
                raise InputError("step", "err.dispatch.step_not_in", step=step.value, id=task_id)
            if clock.done_at is not None:
                raise InputError("step", "err.dispatch.step_done", step=step.value, id=task_id)
            if at < task.issued_at:
                raise InputError("at", "err.dispatch.before_issue")
            if step == Step.feedback and not note:
                raise InputError("note", "err.dispatch.feedback_text")
            self.s.auditor.update(
                "task_clocks",
                clock.id,
                {
                    "done_at": to_db(at),
                    "late_seconds": late_seconds(clock.due_at, at),
                    "note": note,
                    "by_whom": self.s.actor,
                },
            )
            ack = task.clock(Step.ack)
            if step in (Step.arrive, Step.feedback) and ack is not None and ack.done_at is None:
                self.s.auditor.update(
                    "task_clocks",
                    ack.id,
                    {"done_at": to_db(at), "note": IMPLIED, "by_whom": self.s.actor},
                )
            self._finish_if_done(task_id)
            return self.get(task_id)

    def _finish_if_done(self, task_id: int) -> None:
        task = self.get(task_id)
        if task.status == "open" and all(c.done_at is not None for c in task.clocks):
            self.s.auditor.update("tasks", task_id, {"status": "done"})

    def chase(self, task_id: int, outcome: str, at: datetime | None = None) -> Task:
        """督办: a call chasing a task past its clock, with its outcome."""
        at = at or self.s.now()
        self._check_time(at)
        if not outcome.strip():
            raise InputError("outcome", "err.dispatch.chase_outcome")
        with self.s.write():
            task = self.get(task_id)
            if task.status != "open":
                raise InputError("task", "err.dispatch.not_open", id=task_id, status=task.status)
            nxt = task.next_clock()
            if nxt is None or at <= nxt.due_at:
                raise InputError("task", "err.dispatch.not_overdue", id=task_id)
            self.s.auditor.insert(
                "task_chases",
                {
                    "task_id": task_id,
                    "step": nxt.step.value,
                    "at": to_db(at),
                    "outcome": outcome.strip(),
                    "by_whom": self.s.actor,
                },
            )
            return self.get(task_id)

    def cancel(self, task_id: int, reason: str) -> Task:
        """A task given by mistake: struck through with a reason (its clocks stop)."""
        if not reason.strip():
            raise InputError("reason", "err.dispatch.cancel_reason")
        with self.s.write():
            task = self.get(task_id)
            if task.status != "open":
                raise InputError("task", "err.dispatch.not_open", id=task_id, status=task.status)
            self.s.auditor.update(
                "tasks", task_id, {"status": "cancelled", "cancel_reason": reason.strip()}
            )
            return self.get(task_id)

    def dispatched_units(self, incident_id: int) -> builtins.list[int]:
        """The units dispatched to an incident (tasks not cancelled), in the order given."""
        out: list[int] = []
        for task in self.list(incident_id=incident_id, limit=10_000):
            if task.status != "cancelled" and task.unit_id is not None and task.unit_id not in out:
                out.append(task.unit_id)
        return out

    def start_rollcall(self, incident_id: int, label: str = "") -> RoundReport:
        """A roll-call round of exactly the units dispatched to the incident (who is on scene?)."""
        units = self.dispatched_units(incident_id)
        if not units:
            raise InputError("units", "err.dispatch.no_dispatched", id=incident_id)
        return self.s.rollcall.start("custom", unit_ids=units, label=label or f"#{incident_id}")

    # -- 首接负责制 --------------------------------------------------------------------------------
    def first_receiver(self, incident_id: int) -> FirstReceiver | None:
        rows = list(
            self.s.db.query("SELECT * FROM first_receivers WHERE incident_id = ?", [incident_id])
        )
        if not rows:
            return None
        r = rows[0]
        return FirstReceiver.model_validate(
            r | {"received_at": from_db(r["received_at"]), "handed_at": from_db(r["handed_at"])}
        )

    def _unit_name(self, unit_id: int | None, name: str, field: str) -> tuple[int | None, str]:
        from watchdesk.errors import NotFound

        if unit_id is not None:
            try:
                return unit_id, self.s.directory.get(unit_id).name
            except NotFound:
                raise InputError(field, "err.unit.not_found", id=unit_id) from None
        if not name.strip():
            raise InputError(field, "err.dispatch.first_unit")
        found = self.s.directory.find(name.strip())
        return (found.id if found else None), name.strip()

    def set_first_receiver(
        self,
        incident_id: int,
        *,
        unit_id: int | None = None,
        unit_name: str = "",
        at: datetime | None = None,
        note: str = "",
    ) -> FirstReceiver:
        """Which unit received the incident first (首接), and when."""
        at = at or self.s.now()
        self._check_time(at)
        with self.s.write():
            self.s.incidents.get(incident_id)
            uid, name = self._unit_name(unit_id, unit_name, "unit")
            row = {
                "unit_id": uid,
                "unit_name": name,
                "received_at": to_db(at),
                "note": note.strip(),
                "by_whom": self.s.actor,
            }
            have = self.first_receiver(incident_id)
            if have is None:
                self.s.auditor.insert(
                    "first_receivers",
                    row
                    | {
                        "incident_id": incident_id,
                        "handed_at": None,
                        "handed_to": "",
                        "handed_to_unit_id": None,
                    },
                )
            elif have.handed_at is not None:
                raise InputError("unit", "err.dispatch.first_handed", id=incident_id)
            else:
                self.s.auditor.update("first_receivers", have.id, row)
            got = self.first_receiver(incident_id)
            assert got is not None
            return got

    def hand_over_first(
        self,
        incident_id: int,
        *,
        to_unit_id: int | None = None,
        to_name: str = "",
        at: datetime | None = None,
        note: str = "",
    ) -> FirstReceiver:
        """The first receiver hands the incident over (先期处置完毕后按照规定移交)."""
        at = at or self.s.now()
        self._check_time(at)
        with self.s.write():
            have = self.first_receiver(incident_id)
            if have is None:
                raise InputError("unit", "err.dispatch.first_none", id=incident_id)
            if have.handed_at is not None:
                raise InputError("to", "err.dispatch.first_handed", id=incident_id)
            if at < have.received_at:
                raise InputError("at", "err.dispatch.before_first")
            uid, name = self._unit_name(to_unit_id, to_name, "to")
            changes = {
                "handed_at": to_db(at),
                "handed_to": name,
                "handed_to_unit_id": uid,
                "by_whom": self.s.actor,
            }
            if note.strip():
                changes["note"] = note.strip()
            self.s.auditor.update("first_receivers", have.id, changes)
            got = self.first_receiver(incident_id)
            assert got is not None
            return got

    # -- what other rooms show --------------------------------------------------------------------
    def timeline_items(self, incident_id: int) -> builtins.list[TimelineItem]:
        """The incident's tasks on its timeline: given, each step, each chase, cancelled; the
        first receiver and its handover."""
        from watchdesk.models.incident import TimelineItem

        items: list[TimelineItem] = []
        for task in self.list(incident_id=incident_id, limit=10_000):
            base = {"task": task.id, "unit": task.unit_name}
            items.append(
                TimelineItem(
                    at=task.issued_at,
                    kind=f"task.{task.kind.value}",
                    title=task.unit_name,
                    detail=task.instruction,
                    who=task.passed_by,
                    data=base | {"channel": task.channel.value},
                    ref=f"task:{task.id}",
                )
            )
            for c in task.clocks:
                if c.done_at is not None:
                    items.append(
                        TimelineItem(
                            at=c.done_at,
                            kind=f"task.step.{c.step.value}",
                            title=task.unit_name,
                            detail=c.note if c.note != IMPLIED else "",
                            who=c.by_whom,
                            data=base
                            | {"late_seconds": c.late_seconds, "implied": c.note == IMPLIED},
                        )
                    )
            for n, h in enumerate(task.chases, 1):
                items.append(
                    TimelineItem(
                        at=h.at,
                        kind="task.chase",
                        title=task.unit_name,
                        detail=h.outcome,
                        who=h.by_whom,
                        data=base | {"n": n, "step": h.step},
                    )
                )
        fr = self.first_receiver(incident_id)
        if fr is not None:
            items.append(
                TimelineItem(
                    at=fr.received_at, kind="first.received", title=fr.unit_name, who=fr.by_whom
                )
            )
            if fr.handed_at is not None:
                items.append(
                    TimelineItem(
                        at=fr.handed_at,
                        kind="first.handed",
                        title=fr.handed_to,
                        detail=fr.note,
                        who=fr.by_whom,
                        data={"from": fr.unit_name},
                    )
                )
        return items

    def pending_items(self, now: datetime | None = None) -> builtins.list[PendingItem]:
        """Open tasks as the handover's pending matters, each with its owner (who passed it on)."""
        from watchdesk.i18n import t
        from watchdesk.models.handover import PendingItem
        from watchdesk.text.timefmt import fmt_hm

        now = now or self.s.now()
        out = []
        for task in self.list(open_only=True, limit=10_000):
            nxt = task.next_clock()
            if nxt is None:
                continue
            where = f"#{task.incident_id} " if task.incident_id else ""
            state = (
                t("dispatch.pending.overdue", due=fmt_hm(nxt.due_at, self.s.tz, now))
                if nxt.due_at < now
                else t("dispatch.pending.due", due=fmt_hm(nxt.due_at, self.s.tz, now))
            )
            chased = t("dispatch.pending.chased", n=len(task.chases)) if task.chases else ""
            matter = t(
                "dispatch.pending.matter",
                id=task.id,
                where=where,
                unit=task.unit_name,
                step=t(f"dispatch.step.{nxt.step.value}"),
                state=state,
                chased=chased,
            )
            out.append(PendingItem(matter=matter[:500], owner=(task.passed_by or "?")[:40]))
        return out


def step_label(step: Step | str) -> str:
    from watchdesk.i18n import t

    return t(f"dispatch.step.{Step(step).value}")


__all__ = ["STEPS", "DispatchRepo", "step_label"]
