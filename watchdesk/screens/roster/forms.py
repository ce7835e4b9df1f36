"""What the roster screen's keys open: each builds a modal whose `submit` does one store call.

Kept apart from `screen.py` so the screen stays short. `leader_check_modal` serves any screen.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta, tzinfo
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from watchdesk.errors import InputError
from watchdesk.i18n import t
from watchdesk.i18n.labels import role_label
from watchdesk.models.roster import (
    CheckMethod,
    CheckOutcome,
    DutyStatus,
    GenerateResult,
    Role,
    RosterAssignment,
    RosterShift,
    RotationMode,
    RotationSpec,
    Shift,
)
from watchdesk.rules.roster import next_due
from watchdesk.screens.dialogs import Field, FormDialog
from watchdesk.screens.roster.grid import period
from watchdesk.screens.roster.modals import PickOfficerModal
from watchdesk.text.timefmt import fmt_span, parse_time, parse_time_in_shift

if TYPE_CHECKING:
    from watchdesk.app import WatchdeskApp
    from watchdesk.screens.roster.screen import RosterScreen


def shift_title(rs: RosterShift, tz: tzinfo) -> str:
    return fmt_span(rs.shift.starts_at, rs.shift.ends_at, tz)


def time_in_shift(text: str, sh: Shift, tz: tzinfo, field: str) -> datetime:
    """`14:00` means the 14:00 that falls inside the shift (a night shift crosses midnight)."""
    try:
        return parse_time_in_shift(text, tz, sh.starts_at)
    except ValueError as e:
        raise InputError(field, str(e)) from None


def _call(scr: RosterScreen, fn: Callable[[Any], Any]):
    return scr.app.client.call(fn)


def _cell(
    scr: RosterScreen, *, partial: bool = False
) -> tuple[RosterShift, Role, list[RosterAssignment]] | None:
    rs, role = scr.selected()
    if rs is None or not isinstance(role, Role):
        scr.tell("roster.need_role_cell")
        return None
    people = [a for a in rs.people(role) if partial or a.covers_id is None]
    return rs, role, people


def _occupied(
    scr: RosterScreen, *, partial: bool = False
) -> tuple[RosterShift, Role, list[RosterAssignment]] | None:
    """The selected cell when someone is on it (replace, substitute, swap, remove need one)."""
    cell = _cell(scr, partial=partial)
    if cell is not None and not cell[2]:
        scr.tell("roster.empty_cell")
        return None
    return cell


def _target(people: list[RosterAssignment], name: str = "target", label: str = "") -> list[Field]:
    if len(people) < 2:
        return []
    return [
        Field(
            name,
            label or t("roster.form.target"),
            kind="select",
            options=[(a.officer_name, str(a.id)) for a in people],
        )
    ]


def _pick(values: dict[str, str], people: list[RosterAssignment], name: str = "target") -> int:
    return int(values.get(name) or people[0].id or 0)


def _why() -> list[Field]:
    return [
        Field("reason", t("roster.form.reason"), placeholder=t("roster.form.reason_ph")),
        Field("approver", t("roster.form.approver"), placeholder=t("roster.form.approver_ph")),
    ]


def assign(scr: RosterScreen) -> None:
    cell = _cell(scr)
    if cell is None:
        return
    rs, role, _ = cell
    sid = rs.shift.id

    async def submit(oid: int):
        return await _call(scr, lambda s: s.roster.assign(sid, oid, role))

    title = t("roster.form.assign", role=role_label(role), shift=shift_title(rs, scr.tz))
    scr.app.push_screen(PickOfficerModal(title, scr.officers, submit), scr.after_write)


def replace(scr: RosterScreen, substitute: bool = False) -> None:
    cell = _occupied(scr)
    if cell is None:
        return
    rs, role, people = cell
    key = "roster.form.substitute" if substitute else "roster.form.replace"
    title = t(key, role=role_label(role), shift=shift_title(rs, scr.tz))

    def picked(oid: int | None) -> None:
        if not oid:
            return
        name = next((o.name for o in scr.officers if o.id == oid), str(oid))
        fields = _target(people)
        if substitute:
            s, e = rs.shift.starts_at.astimezone(scr.tz), rs.shift.ends_at.astimezone(scr.tz)
            fields += [
                Field("starts_at", t("roster.form.from"), value=f"{s:%H:%M}"),
                Field("ends_at", t("roster.form.to"), value=f"{e:%H:%M}"),
            ]
        fields += _why()

        async def submit(v: dict[str, str]):
            aid = _pick(v, people)
            if not substitute:
                return await _call(
                    scr,
                    lambda s: s.roster.replace(
                        aid, oid, reason=v["reason"], approver=v["approver"]
                    ),
                )
            st = time_in_shift(v["starts_at"], rs.shift, scr.tz, "starts_at")
            en = time_in_shift(v["ends_at"], rs.shift, scr.tz, "ends_at")
            return await _call(
                scr,
                lambda s: s.roster.substitute(
                    aid, oid, reason=v["reason"], approver=v["approver"], starts_at=st, ends_at=en
                ),
            )

        scr.app.push_screen(
            FormDialog(title, fields, submit, note=t("roster.form.by", name=name)), scr.after_write
        )

    scr.app.push_screen(PickOfficerModal(title, scr.officers), picked)


def substitute(scr: RosterScreen) -> None:
    replace(scr, substitute=True)


def remove(scr: RosterScreen) -> None:
    cell = _occupied(scr, partial=True)
    if cell is None:
        return
    rs, role, people = cell

    async def submit(v: dict[str, str]):
        aid = _pick(v, people)
        await _call(scr, lambda s: s.roster.remove(aid, reason=v["reason"], approver=v["approver"]))
        return True

    title = t("roster.form.remove", role=role_label(role), shift=shift_title(rs, scr.tz))
    note = "、".join(a.officer_name for a in people) if len(people) == 1 else ""
    scr.app.push_screen(
        FormDialog(title, _target(people) + _why(), submit, note=note), scr.after_write
    )


def swap(scr: RosterScreen) -> None:
    cell = _occupied(scr)
    if cell is None:
        return
    rs, role, people = cell
    if scr.swap_from is None:
        scr.swap_from = (rs, role)
        scr.notify(
            t(
                "roster.swap.marked",
                who="、".join(a.officer_name for a in people),
                shift=shift_title(rs, scr.tz),
            ),
            timeout=8,
        )
        return
    first_rs, first_role = scr.swap_from
    scr.swap_from = None
    first = [a for a in first_rs.people(first_role) if a.covers_id is None]
    fields = (
        _target(first, "first", t("roster.form.swap_first"))
        + _target(people, "second", t("roster.form.swap_second"))
        + _why()
    )

    async def submit(v: dict[str, str]):
        a, b = _pick(v, first, "first"), _pick(v, people, "second")
        return await _call(
            scr, lambda s: s.roster.swap(a, b, reason=v["reason"], approver=v["approver"])
        )

    note = (
        f"{shift_title(first_rs, scr.tz)} {'、'.join(a.officer_name for a in first)}  ⇄  "
        f"{shift_title(rs, scr.tz)} {'、'.join(a.officer_name for a in people)}"
    )
    scr.app.push_screen(
        FormDialog(t("roster.form.swap"), fields, submit, note=note), scr.after_write
    )


def intentional(scr: RosterScreen) -> None:
    v = scr.selected_problem()
    if v is None:
        scr.tell("roster.no_problem")
        return
    from watchdesk.screens.roster.grid import problem_label

    if v.acknowledged:

        async def undo(_: dict[str, str]):
            await _call(scr, lambda s: s.roster.unacknowledge(v.key))
            return True

        scr.app.push_screen(
            FormDialog(
                t("roster.form.unack"),
                [],
                undo,
                note=t("roster.problems.acked", reason=v.ack_reason, by=v.ack_by),
            ),
            scr.after_write,
        )
        return

    async def submit(values: dict[str, str]):
        await _call(scr, lambda s: s.roster.acknowledge(v.key, values["reason"]))
        return True

    scr.app.push_screen(
        FormDialog(
            t("roster.form.ack"),
            [Field("reason", t("roster.form.reason"), placeholder=t("roster.form.ack_ph"))],
            submit,
            note=problem_label(v),
        ),
        scr.after_write,
    )


def sign(scr: RosterScreen, *, out: bool) -> None:
    rs, _ = scr.selected()
    if rs is None:
        scr.tell("roster.need_role_cell")
        return
    ids: set[int | None] = {a.officer_id for a in rs.assignments}
    if out:
        ids = {o.id for o in scr.officers if o.name in rs.signed_in}
    people = [o for o in scr.officers if o.id in ids]
    if not people:
        scr.tell("roster.nobody_to_sign_out" if out else "roster.empty_cell")
        return
    sid = rs.shift.id

    async def submit(oid: int):
        if out:
            return await _call(scr, lambda s: s.roster.sign_out(sid, oid))
        return await _call(scr, lambda s: s.roster.sign_in(sid, oid))

    key = "roster.form.sign_out" if out else "roster.form.sign_in"
    scr.app.push_screen(
        PickOfficerModal(t(key, shift=shift_title(rs, scr.tz)), people, submit), scr.after_write
    )


def leader_check_modal(
    app: WatchdeskApp, duty: DutyStatus | None, now: datetime, tz: tzinfo
) -> FormDialog | None:
    """The leader-on-duty check form for the current shift (None when no shift is on). It answers
    the oldest check that is due, else records an ad-hoc one. Any screen can push it: the main
    screen binds it too."""
    if duty is None or duty.shift_id is None:
        return None
    due = next_due(duty.checks, now)
    sid = duty.shift_id
    fields = [
        Field(
            "method",
            t("check.form.method"),
            kind="select",
            options=[(t(f"check.method.{m.value}"), m.value) for m in CheckMethod],
        ),
        Field(
            "result",
            t("check.form.result"),
            kind="select",
            options=[(t(f"check.result.{r.value}"), r.value) for r in CheckOutcome],
        ),
        Field("at", t("check.form.at"), value=now.astimezone(tz).strftime("%H:%M")),
        Field("note", t("check.form.note"), placeholder=t("check.form.note_ph")),
    ]

    async def submit(v: dict[str, str]):
        try:
            at = parse_time(v["at"], tz, now=now)
        except ValueError as e:
            raise InputError("at", str(e)) from None
        if at > now + timedelta(minutes=2) and len(v["at"].strip()) <= 5:
            at -= timedelta(days=1)
        return await app.client.call(
            lambda s: s.roster.record_check(
                sid,
                method=v["method"],
                result=v["result"],
                due_at=due.due_at if due else None,
                at=at,
                note=v["note"],
            )
        )

    note = (
        t("check.form.for", time=due.due_at.astimezone(tz).strftime("%H:%M"))
        if due
        else t("check.form.adhoc")
    )
    if due is not None and due.in_person_required:
        note += "  " + t("check.form.in_person_required")
    return FormDialog(t("check.form.title"), fields, submit, note=note)


def leader_check(scr: RosterScreen) -> None:
    modal = leader_check_modal(scr.app, scr.duty, scr.now(), scr.tz)
    if modal is None:
        scr.tell("roster.no_current_shift")
        return
    scr.app.push_screen(modal, scr.after_write)


def _names(text: str) -> list[str]:
    return [n for n in re.split(r"[,，、;；\s]+", text.strip()) if n]


def generate(scr: RosterScreen) -> None:
    assert scr.anchor_day is not None
    first, last = period(scr.anchor_day, scr.view)
    fields = [
        Field("start", t("gen.start"), value=first.isoformat()),
        Field("end", t("gen.end"), value=last.isoformat()),
        Field(
            "mode",
            t("gen.mode"),
            kind="select",
            options=[(t(f"gen.mode.{m.value}"), m.value) for m in RotationMode],
        ),
        Field("every", t("gen.every"), value="1"),
        *(Field(r.value, role_label(r), placeholder=t("gen.names_ph")) for r in Role),
        Field("rest_leader", t("gen.rest_leader"), placeholder=t("gen.names_ph")),
        Field("rest_officer", t("gen.rest_officer"), placeholder=t("gen.names_ph")),
    ]
    by_name = {o.name: o.id for o in scr.officers if o.id is not None}

    def ids(field: str, text: str) -> list[int]:
        out = []
        for n in _names(text):
            if n not in by_name:
                raise InputError(field, t("gen.unknown", name=n))
            out.append(by_name[n])
        return out

    async def submit(v: dict[str, str]):
        try:
            spec = RotationSpec.model_validate(
                {
                    "start": v["start"],
                    "end": v["end"],
                    "mode": v["mode"],
                    "every": int(v["every"] or 1),
                    "lists": {r: ids(r.value, v[r.value]) for r in Role if v[r.value].strip()},
                    "rest_lists": {
                        r: ids(f"rest_{r.value}", v[f"rest_{r.value}"])
                        for r in (Role.leader, Role.officer)
                        if v[f"rest_{r.value}"].strip()
                    },
                }
            )
        except ValidationError as e:
            err = e.errors()[0]
            raise InputError(".".join(str(p) for p in err["loc"]) or "start", err["msg"]) from None
        except ValueError as e:
            raise InputError("every", str(e)) from None
        res: GenerateResult = await _call(scr, lambda s: s.roster.generate(spec))
        scr.notify(
            t(
                "gen.done",
                shifts=res.shifts_created,
                people=res.assigned,
                kept=len(res.kept_manual),
                conflicts=len(res.conflicts),
            ),
            timeout=10,
        )
        return True

    scr.app.push_screen(FormDialog(t("gen.title"), fields, submit), scr.after_write)
