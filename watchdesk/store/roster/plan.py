"""Rotations, import and hours on duty: the roster's bulk operations, a part `RosterRepo` owns
(`store.roster.rotation`; `store.roster` delegates its public methods).

Each bulk write is one transaction: a rotation or an import is written whole or not at all, and a
dry run rolls its transaction back.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from watchdesk.errors import InputError
from watchdesk.i18n import t
from watchdesk.models.base import RowProblem, saved_id
from watchdesk.models.directory import phone_problem
from watchdesk.models.officer import Officer
from watchdesk.models.roster import (
    ChangeKind,
    GenerateResult,
    HoursRow,
    ImportResult,
    PlannedShift,
    Role,
    RosterAssignment,
    RosterRow,
    RosterShift,
    RotationSpec,
    Source,
)
from watchdesk.rules import roster as rules
from watchdesk.store.db import from_db, to_db

if TYPE_CHECKING:
    from watchdesk.store.roster.repo import RosterRepo


class _DryRun(Exception):
    """Raised inside a write transaction to roll a dry run back."""


class RosterPlanning:
    """Writes through the roster it belongs to (shifts, assignments, changes) in one transaction
    per bulk operation."""

    def __init__(self, roster: RosterRepo):
        self.roster = roster
        self.s = roster.s

    # -- rotations ------------------------------------------------------------------------------
    def plan(self, spec: RotationSpec) -> list[PlannedShift]:
        cfg = self.roster.config()
        if spec.pattern and spec.pattern not in cfg.patterns:
            raise InputError(
                "pattern", "err.roster.no_pattern", value=spec.pattern, have=", ".join(cfg.patterns)
            )
        known = {o.id: o for o in self.roster.officers()}
        for lists in (spec.lists, spec.rest_lists):
            for role, ids in lists.items():
                for oid in ids:
                    if oid not in known:
                        raise InputError(role.value, "err.officer.no_active_id", id=oid)
                    self.roster._check_role(known[oid], role, role.value)
        tz = self.s.tz
        lo = datetime.combine(spec.start, datetime.min.time(), tzinfo=tz)
        leave = self.roster.leave_between(lo, lo + timedelta(days=(spec.end - spec.start).days + 3))
        return rules.plan_rotation(spec, cfg, self.roster.calendar(), tz, leave)

    def generate(self, spec: RotationSpec, *, dry_run: bool = False) -> GenerateResult:
        """Create the rotation's shifts and assignments. A role already holding anything but
        generated assignments (a manual entry, a swap, a substitution, an import) is kept as it
        is and reported, so a rerun never silently overwrites a manual change."""
        from watchdesk.i18n.labels import role_label

        planned = self.plan(spec)
        res = GenerateResult(dry_run=dry_run)
        tz = self.s.tz
        if not planned:
            return res
        lo, hi = planned[0].starts_at, max(p.ends_at for p in planned)
        try:
            with self.s.write():
                existing = {(s.starts_at, s.ends_at): s for s in self.roster._shifts(lo, hi)}
                spans = sorted((s.starts_at, s.ends_at, s.id) for s in existing.values())
                people = self.roster._assignments([s.id for s in existing.values()])
                cid = None
                for p in planned:
                    stamp = p.starts_at.astimezone(tz).strftime("%m-%d %H:%M")
                    for role, n in p.short.items():
                        res.short.append(f"{stamp} {role_label(role)}: {n}")
                    sh = existing.get((p.starts_at, p.ends_at))
                    if sh is None:
                        clash = [sid for s, e, sid in spans if s < p.ends_at and e > p.starts_at]
                        if clash:
                            res.conflicts.append(f"{stamp}: overlaps shift #{clash[0]}")
                            continue
                        res.shifts_created += 1
                        if cid is None:
                            cid = self._generate_change(spec)
                        sid = self.s.auditor.insert(
                            "shifts",
                            {
                                "starts_at": to_db(p.starts_at),
                                "ends_at": to_db(p.ends_at),
                                "label": p.label,
                            },
                        )
                        have: list[RosterAssignment] = []
                    else:
                        sid = sh.id
                        have = [a for a in people.get(sid, []) if a.covers_id is None]
                    for role in Role:
                        want = [oid for r, oid in p.people if r == role]
                        if not want:
                            continue
                        mine = [a for a in have if a.role == role]
                        manual = [a for a in mine if a.source != Source.rotation]
                        if manual:
                            res.kept_manual += [
                                f"{stamp} {role_label(role)}: {a.officer_name} ({a.source.value})"
                                for a in manual
                            ]
                            continue
                        keep = [a for a in mine if a.officer_id in want]
                        res.unchanged += len(keep)
                        todo = [oid for oid in want if oid not in {a.officer_id for a in keep}]
                        stale = [a for a in mine if a.officer_id not in want]
                        if not todo and not stale:
                            continue
                        if cid is None:
                            cid = self._generate_change(spec)
                        for a in stale:
                            self.roster._set_ext(saved_id(a.id), status="removed", change_id=cid)
                        for oid in todo:
                            if any(a.officer_id == oid for a in have if a.role != role):
                                res.kept_manual.append(
                                    f"{stamp} {role_label(role)}: #{oid} already on this shift"
                                )
                                continue
                            self.roster._insert_assignment(sid, oid, role, Source.rotation, cid)
                            res.assigned += 1
                if dry_run:
                    raise _DryRun()
        except _DryRun:
            pass
        return res

    def _generate_change(self, spec: RotationSpec) -> int:
        return self.roster._record_change(
            ChangeKind.generate,
            reason=f"rotation {spec.start}–{spec.end} ({spec.mode.value}"
            f"{'/' + str(spec.every) if spec.mode.value == 'every' else ''})",
            approver="",
        )

    # -- import and export ----------------------------------------------------------------------
    def import_rows(
        self,
        rows: Sequence[RosterRow],
        *,
        add_officers: bool = False,
        dry_run: bool = False,
        reason: str = "",
        errors: Sequence[RowProblem] = (),
    ) -> ImportResult:
        """Check every row, then write all of them in one transaction, or nothing. Shifts are
        matched by exact start and end; an existing assignment of the same person and role is
        left alone (importing the same file twice changes nothing). `errors` are the rows the
        file reader already refused: they are reported together with these checks."""
        errors = list(errors)
        res = ImportResult(rows=len(rows), dry_run=dry_run)
        by_name: dict[str, list[Officer]] = defaultdict(list)
        for o in self.roster.officers():
            by_name[o.name].append(o)
        seen: set[tuple] = set()
        file_shifts: dict[tuple[datetime, datetime], int] = {}
        parts = self._parts(rows)  # part-shift substitutes: row number -> (shift span, whom)
        for r in rows:
            if r.ends_at <= r.starts_at:
                errors.append(RowProblem(row=r.row, field="end", problem=t("err.roster.row_end")))
                continue
            found = by_name.get(r.name, [])
            if len(found) > 1:
                who = "; ".join(o.label() for o in found)
                errors.append(
                    RowProblem(
                        row=r.row,
                        field="name",
                        problem=t("err.roster.row_ambiguous", n=len(found), name=r.name, who=who),
                    )
                )
            elif not found and not add_officers:
                errors.append(
                    RowProblem(
                        row=r.row,
                        field="name",
                        problem=t("err.roster.row_unknown", name=r.name),
                    )
                )
            elif found and not found[0].may_take(r.role):
                try:
                    self.roster._check_role(found[0], r.role, "role")
                except InputError as refused:
                    errors.append(RowProblem(row=r.row, field="role", problem=refused.problem))
            elif not found and phone_problem(r.phone):
                errors.append(
                    RowProblem(row=r.row, field="phone", problem=str(phone_problem(r.phone)))
                )
            k = (r.starts_at, r.ends_at, r.name)
            if k in seen:
                errors.append(
                    RowProblem(
                        row=r.row, field="name", problem=t("err.roster.row_twice", name=r.name)
                    )
                )
            seen.add(k)
            if r.row in parts:  # inside its shift's time: checked with it below, not a clash
                continue
            for (s, e), first in file_shifts.items():
                if (s, e) != (r.starts_at, r.ends_at) and s < r.ends_at and e > r.starts_at:
                    errors.append(
                        RowProblem(
                            row=r.row,
                            field="start",
                            problem=t("err.roster.row_overlap", row=first),
                        )
                    )
                    break
            file_shifts.setdefault((r.starts_at, r.ends_at), r.row)
        spans = list(file_shifts) + [span for span, _ in parts.values()]
        if spans:
            lo = min(s for s, _ in spans)
            hi = max(e for _, e in spans)
            existing = {(s.starts_at, s.ends_at): s for s in self.roster._shifts(lo, hi)}
            errors += self._check_parts(rows, parts, existing)
            for s, e in file_shifts:
                if (s, e) in existing:
                    continue
                clash = [x for x in existing.values() if x.starts_at < e and x.ends_at > s]
                if clash:
                    for r in rows:
                        if (r.starts_at, r.ends_at) == (s, e):
                            errors.append(
                                RowProblem(
                                    row=r.row,
                                    field="start",
                                    problem=t(
                                        "err.roster.row_clash",
                                        id=clash[0].id,
                                        at=f"{clash[0].starts_at.astimezone(self.s.tz):%m-%d %H:%M}",
                                    ),
                                )
                            )
        if errors:
            from watchdesk.store.roster.repo import RosterImportError  # (repo imports this module)

            errors.sort(key=lambda x: x.row)
            raise RosterImportError(errors)
        if not rows:
            return res
        try:
            with self.s.write():
                sids: dict[tuple[datetime, datetime], int] = {
                    (s.starts_at, s.ends_at): s.id for s in self.roster._shifts(lo, hi) if s.id
                }
                people = self.roster._assignments(list(sids.values()))
                cid = self.roster._record_change(ChangeKind.imported, reason=reason or "import")
                officers: dict[str, int] = {n: v[0].id for n, v in by_name.items() if v[0].id}
                # Whole-shift rows first: a part-shift substitute stands in for one of them.
                for r in sorted(rows, key=lambda r: r.row in parts):
                    if r.name not in officers:
                        officers[r.name] = self.s.auditor.insert(
                            "officers",
                            {
                                "name": r.name,
                                "phone": r.phone,
                                "title": "",
                                "unit": "",
                                "active": 1,
                            },
                        )
                        res.officers_added.append(r.name)
                    key = parts[r.row][0] if r.row in parts else (r.starts_at, r.ends_at)
                    if key not in sids:
                        sids[key] = self.s.auditor.insert(
                            "shifts",
                            {
                                "starts_at": to_db(r.starts_at),
                                "ends_at": to_db(r.ends_at),
                                "label": r.label,
                            },
                        )
                        res.shifts_created += 1
                    sid, oid = sids[key], officers[r.name]
                    here = people.get(sid, [])
                    if r.row in parts:
                        whom = officers[parts[r.row][1]]
                        if self._import_part(r, sid, oid, whom, people[sid], cid):
                            res.assigned += 1
                        else:
                            res.unchanged += 1
                        continue
                    same = next((a for a in here if a.officer_id == oid and a.role == r.role), None)
                    if same is not None:
                        if r.note_given and same.id and same.note != r.note:
                            # a change only to 备注: the note is the file's (audited)
                            self.s.auditor.update("assignments", same.id, {"note": r.note})
                            same.note = r.note
                            res.notes_changed += 1
                        else:
                            res.unchanged += 1
                        continue
                    aid = self.roster._insert_assignment(
                        sid, oid, r.role, Source.imported, cid, note=r.note
                    )
                    people[sid].append(
                        RosterAssignment(id=aid, shift_id=sid, officer_id=oid, role=r.role)
                    )
                    res.assigned += 1
                if dry_run:
                    raise _DryRun()
        except _DryRun:
            pass
        return res

    def _parts(self, rows: Sequence[RosterRow]) -> dict[int, tuple[tuple[datetime, datetime], str]]:
        """The rows that are part of a shift someone stands in for (as `export_rows` writes a
        part-shift substitute): inside the time of another row's shift or of a shift on the
        desk, with a note naming whom they stand in for ("代 NAME …", `substitute_of`). By row
        number: (the shift's start and end, the name stood in for)."""
        from watchdesk.files.roster import substitute_of

        found = [(r, substitute_of(r.note)) for r in rows if r.ends_at > r.starts_at]
        candidates = [(r, whom) for r, whom in found if whom]
        if not candidates:
            return {}
        spans = {(r.starts_at, r.ends_at) for r in rows if r.ends_at > r.starts_at}
        lo = min(r.starts_at for r, _ in candidates)
        hi = max(r.ends_at for r, _ in candidates)
        spans |= {(s.starts_at, s.ends_at) for s in self.roster._shifts(lo, hi)}
        out: dict[int, tuple[tuple[datetime, datetime], str]] = {}
        for r, whom in candidates:
            around = [
                (s, e)
                for s, e in spans
                if s <= r.starts_at and r.ends_at <= e and (s, e) != (r.starts_at, r.ends_at)
            ]
            if around and whom:
                out[r.row] = (max(around), whom)  # the latest-starting shift that holds it
        return out

    def _check_parts(
        self,
        rows: Sequence[RosterRow],
        parts: dict[int, tuple[tuple[datetime, datetime], str]],
        existing: dict,
    ) -> list[RowProblem]:
        """Each part-shift row stands in for someone on its shift in the same role: in the file,
        or on the desk."""
        errors = []
        for r in rows:
            if r.row not in parts:
                continue
            span, whom = parts[r.row]
            in_file = any(
                (x.starts_at, x.ends_at) == span and x.name == whom and x.role == r.role
                for x in rows
            )
            on_desk = False
            if not in_file and span in existing and existing[span].id is not None:
                sid = existing[span].id
                on_desk = any(
                    a.officer_name == whom and a.role == r.role and a.covers_id is None
                    for a in self.roster._assignments([sid]).get(sid, [])
                )
            if not (in_file or on_desk):
                errors.append(
                    RowProblem(
                        row=r.row,
                        field="note",
                        problem=t("err.roster.row_stand_in", whom=whom, role=r.role.value),
                    )
                )
        return errors

    def _import_part(
        self,
        r: RosterRow,
        sid: int,
        oid: int,
        whom_id: int,
        here: list[RosterAssignment],
        cid: int,
    ) -> bool:
        """A part-shift substitute from a file: written unless the shift has it already (the
        same person, role and hours); False when it was there."""
        if any(
            a.officer_id == oid
            and a.role == r.role
            and a.starts_at == r.starts_at
            and a.ends_at == r.ends_at
            for a in here
        ):
            return False
        covered = next(
            (
                a.id
                for a in here
                if a.officer_id == whom_id and a.role == r.role and a.covers_id is None
            ),
            None,
        )
        aid = self.roster._insert_assignment(
            sid,
            oid,
            r.role,
            Source.imported,
            cid,
            note=r.note,
            starts_at=r.starts_at,
            ends_at=r.ends_at,
            covers_id=covered,
        )
        here.append(
            RosterAssignment(
                id=aid,
                shift_id=sid,
                officer_id=oid,
                role=r.role,
                starts_at=r.starts_at,
                ends_at=r.ends_at,
                covers_id=covered,
            )
        )
        return True

    def unknown_names(self, rows: Sequence[RosterRow]) -> dict[str, list[int]]:
        """The names in `rows` that no active officer of the desk has, each with the row numbers
        it is on, in the file's order: what to offer adding (nothing is added here)."""
        known = {o.name for o in self.roster.officers()}
        out: dict[str, list[int]] = {}
        for r in rows:
            if r.name not in known:
                out.setdefault(r.name, []).append(r.row)
        return out

    def export_rows(
        self,
        start: datetime,
        end: datetime,
        officer_id: int | None = None,
        *,
        calendar: bool = False,
    ) -> list[RosterRow]:
        """The assignments of the shifts in [start, end) as file rows. `calendar`: for an
        iCalendar file, each row also names its assignment and how often it changed (the
        event's UID and SEQUENCE), and the assignments taken off the roster — and, for one
        officer, those that passed to someone else by a swap or substitute — come as cancelled
        rows, so a phone that imported the earlier file drops them."""
        phones = {o.id: o.phone for o in self.roster.officers(active_only=False)}
        out: list[RosterRow] = []
        shifts = self.roster._shifts(start, end)
        people = self.roster._assignments([s.id for s in shifts])
        gone: dict[int, list[dict]] = defaultdict(list)
        if calendar and shifts:
            gone = self._gone(shifts, officer_id)
        revisions = self._revisions([s.id for s in shifts]) if calendar else {}
        for sh in shifts:
            rows = [
                (a.id, a.officer_id, a.officer_name, a.role, a.note, a.starts_at, a.ends_at, False)
                for a in people.get(sh.id, [])
            ]
            rows += [
                (
                    g["id"],
                    g["officer_id"],
                    g["name"],
                    Role(g["role"]),
                    g["note"],
                    from_db(g["xs"]),
                    from_db(g["xe"]),
                    True,
                )
                for g in gone.get(sh.id, [])
            ]
            for aid, oid, name, role, note, s, e, cancelled in rows:
                if officer_id is not None and oid != officer_id and not cancelled:
                    continue
                out.append(
                    RosterRow(
                        row=len(out) + 2,
                        starts_at=s or sh.starts_at,
                        ends_at=e or sh.ends_at,
                        label=sh.label,
                        role=role,
                        name=name,
                        phone=phones.get(oid, ""),
                        note=note,
                        assignment_id=aid if calendar else None,
                        sequence=revisions.get(aid or 0, 0),
                        cancelled=cancelled,
                    )
                )
        return out

    def _gone(self, shifts: Sequence, officer_id: int | None) -> dict[int, list[dict]]:
        """By shift: the assignments taken off the roster; for one officer, also those this
        officer held before a swap or substitute gave them to someone else."""
        from watchdesk.store.roster.repo import _ASSIGN_SQL  # (repo imports this module)

        out: dict[int, list[dict]] = defaultdict(list)
        ids = [s.id for s in shifts]
        marks = ",".join("?" * len(ids))
        for r in self.s.db.query(
            f"{_ASSIGN_SQL} WHERE a.shift_id IN ({marks}) AND x.status = 'removed'"
            + (" AND a.officer_id = ?" if officer_id is not None else "")
            + " ORDER BY a.id",
            ids + ([officer_id] if officer_id is not None else []),
        ):
            out[r["shift_id"]].append(r)
        if officer_id is None:
            return out
        # Held once by this officer (an audited after-image of the row names them), held by
        # someone else now.
        for r in self.s.db.query(
            f"{_ASSIGN_SQL} WHERE a.shift_id IN ({marks}) AND a.officer_id != ? AND EXISTS ("
            "SELECT 1 FROM audit u WHERE u.table_name = 'assignments' AND u.row_id = a.id"
            " AND json_extract(u.after, '$.officer_id') = ?) ORDER BY a.id",
            ids + [officer_id, officer_id],
        ):
            out[r["shift_id"]].append(dict(r) | {"officer_id": officer_id})
        return out

    def _revisions(self, shift_ids: Sequence[int]) -> dict[int, int]:
        """How many times each assignment of these shifts was changed after it was made: the
        audited updates of its row and the audited writes of its roster_assignment_ext row (a
        swap, a substitute, a new note, its removal), less the ext row's insert when it was made
        with the assignment (`_insert_assignment`; `add_shift` makes none)."""
        if not shift_ids:
            return {}
        marks = ",".join("?" * len(shift_ids))
        out: dict[int, int] = {}
        for aid, n in self.s.db.execute(
            "SELECT a.id,"
            " (SELECT count(*) FROM audit u WHERE u.table_name = 'assignments'"
            "  AND u.row_id = a.id AND u.action = 'update')"
            " + (SELECT count(*) FROM audit u WHERE u.table_name = 'roster_assignment_ext'"
            "  AND u.row_id = x.id)"
            " - COALESCE((SELECT 1 FROM audit ai JOIN audit xi ON xi.id = ai.id + 1"
            "  WHERE ai.table_name = 'assignments' AND ai.row_id = a.id AND ai.action = 'insert'"
            "  AND xi.table_name = 'roster_assignment_ext' AND xi.row_id = x.id"
            "  AND xi.action = 'insert'), 0)"
            " FROM assignments a LEFT JOIN roster_assignment_ext x ON x.assignment_id = a.id"
            f" WHERE a.shift_id IN ({marks})",
            list(shift_ids),
        ).fetchall():
            out[aid] = max(n, 0)
        return out

    # -- hours on duty --------------------------------------------------------------------------
    def hours(self, start: datetime, end: datetime) -> list[HoursRow]:
        shifts = self.roster._shifts(start, end)
        people = self.roster._assignments([s.id for s in shifts])
        cal = self.roster.calendar()
        rows = [
            RosterShift(
                shift=s,
                day=cal.info(s.starts_at.astimezone(self.s.tz).date()),
                assignments=people.get(s.id, []),
            )
            for s in shifts
        ]
        return rules.hours_report(rows, start, end, cal, self.s.tz)
