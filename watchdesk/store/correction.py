"""Corrections (更正): a record made by mistake is struck through, never deleted.

A report, a figure version, a duty-log entry, a roll-call outcome, a leader check or a sign-in is
named `kind:id` (`report:17`, see `RecordRef`). Striking it (`correct`) is one audited transaction
that records who did it, when and why, and what the record said (`corrections.record`, JSON);
the record itself stays where it is. What the record had set in motion is undone in the same
transaction:

- a report: the clock it closed runs again with its original due time (so it may be overdue at
  once); a follow-up's next clock, started by it, ends; a final report's incident is open again,
  with the clocks the final report ended running again;
- a figure version: the previous valid version is current again (the grade is re-evaluated as for
  new figures: a raised one starts its clocks, a lower one waits for the officer);
- a verification request (核报要求) in the duty log: its clock ends;
- a roll-call outcome: the unit is not checked again (the round's tally and rate leave it out)
  and its outcome can be recorded anew, even in a finished round;
- a leader check or a sign-in: the check is due again, the officer not signed in.

Every list and total leaves a struck record out (`not_struck`, used by the repositories' reads);
the incident's timeline, the handover sheet and the audit log show it, struck through.
"""

from __future__ import annotations

import json
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING, Any

from watchdesk.errors import InputError, NotFound
from watchdesk.i18n import t
from watchdesk.models.correction import (
    TABLES,
    Correction,
    CorrectionResult,
    RecordKind,
    RecordRef,
)
from watchdesk.models.incident import FIGURE_FIELDS, IncidentStatus
from watchdesk.store.db import from_db, to_db

if TYPE_CHECKING:
    from watchdesk.models.handover import HandoverSheet
    from watchdesk.store.desk import Store

REASON_MAX = 1000


def not_struck(kind: RecordKind | str, column: str) -> str:
    """An SQL condition: the record whose id is `column` (`reports.id`, `d.id`) is not struck."""
    kind = RecordKind(kind).value
    return (
        "NOT EXISTS (SELECT 1 FROM corrections WHERE corrections.record_kind = "
        f"'{kind}' AND corrections.record_id = {column})"
    )


def _correction(row: dict) -> Correction:
    d = dict(row)
    d["kind"] = d.pop("record_kind")
    d["record"] = json.loads(d["record"] or "{}")
    d["record_at"] = from_db(d.get("record_at"))
    d["at"] = from_db(d["at"])
    return Correction.model_validate(d)


def parse_ref(text: str) -> RecordRef:
    try:
        return RecordRef.parse(text)
    except ValueError:
        raise InputError(
            "record",
            "corr.err.ref",
            text=(text or "").strip(),
            kinds=", ".join(k.value for k in RecordKind),
        ) from None


# -- reads ----------------------------------------------------------------------------------------
def get(store: Store, correction_id: int) -> Correction:
    rows = list(store.db.query("SELECT * FROM corrections WHERE id = ?", [correction_id]))
    if not rows:
        raise NotFound("corr.err.no_correction", id=correction_id)
    return _correction(rows[0])


def of_incident(store: Store, incident_id: int) -> dict[str, Correction]:
    """The struck records of an incident (its reports, figure versions, duty-log entries), by
    reference (`report:17`)."""
    return {
        c.ref: c
        for c in (
            _correction(r)
            for r in store.db.query(
                "SELECT * FROM corrections WHERE incident_id = ? ORDER BY id", [incident_id]
            )
        )
    }


def between(store: Store, start: datetime, end: datetime) -> list[Correction]:
    """Records struck in [start, end), or struck records made in it: what a shift's handover
    sheet shows struck through. Oldest record first."""
    rows = store.db.query(
        """SELECT * FROM corrections WHERE (at >= ? AND at < ?)
           OR (record_at >= ? AND record_at < ?) ORDER BY coalesce(record_at, at), id""",
        [to_db(start), to_db(end), to_db(start), to_db(end)],
    )
    return [_correction(r) for r in rows]


def listing(
    store: Store,
    *,
    incident_id: int | None = None,
    kind: RecordKind | None = None,
    limit: int = 200,
) -> list[Correction]:
    """Newest first."""
    where: list[str] = []
    args: list[object] = []
    if incident_id is not None:
        where.append("incident_id = ?")
        args.append(incident_id)
    if kind is not None:
        where.append("record_kind = ?")
        args.append(RecordKind(kind).value)
    sql = "SELECT * FROM corrections"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY at DESC, id DESC LIMIT ?"
    return [_correction(r) for r in store.db.query(sql, [*args, limit])]


# -- words ----------------------------------------------------------------------------------------
def _hm(dt: datetime | None, tz: tzinfo) -> str:
    return "" if dt is None else dt.astimezone(tz).strftime("%m-%d %H:%M")


def note(c: Correction, tz: tzinfo) -> str:
    """ "赵磊 于 12-03 03:12 更正：原因", in the current language."""
    return t("corr.note", who=c.by_whom, at=_hm(c.at, tz), reason=c.reason)


def describe(c: Correction, tz: tzinfo, *, when: bool = True) -> str:
    """What the struck record said, in a line, in the current language (`when`: with its time;
    the handover sheet shows the time in a column of its own)."""
    from watchdesk.i18n.labels import kind_label, outcome_label

    r = c.record
    at = _hm(c.record_at, tz) if when else ""
    if c.kind == RecordKind.report:
        parts = [f"#{r.get('incident_id')}", kind_label(r.get("kind", ""), r.get("seq", 0)), at]
        text = " ".join(p for p in parts if p)
        if r.get("to_whom"):
            text += f" → {r['to_whom']}"
        return text + (f"：{r['content']}" if r.get("content") else "")
    if c.kind == RecordKind.figures:
        figs = " ".join(f"{t('fig.' + f)}{r.get(f, 0):,}" for f in FIGURE_FIELDS if r.get(f))
        parts = [f"#{r.get('incident_id')}", t("corr.kind.figures"), at, figs or "0"]
        text = " ".join(p for p in parts if p)
        return text + (f"（{r['source']}）" if r.get("source") else "")
    if c.kind == RecordKind.log:
        parts = [
            f"#{r['incident_id']}" if r.get("incident_id") else "",
            at,
            f"[{t('log.kind.' + str(r.get('kind', '')))}]" if when else "",
        ]
        head = " ".join(p for p in parts if p)
        who = f"{r['counterpart']}：" if r.get("counterpart") else ""
        return (head + " " if head else "") + who + str(r.get("content", ""))
    if c.kind == RecordKind.rollcall:
        parts = [
            at,
            r.get("unit_name", ""),
            outcome_label(r.get("outcome")),
            r.get("answered_by", ""),
        ]
        return " ".join(p for p in parts if p)
    if c.kind == RecordKind.check:
        parts = [
            t(f"check.kind.{r.get('kind')}"),
            t(f"check.method.{r.get('method')}"),
            t(f"check.result.{r.get('result')}"),
            r.get("leader_name", ""),
            at,
            r.get("note", ""),
        ]
        return " ".join(p for p in parts if p)
    parts = [r.get("officer_name", ""), t(f"corr.sign.{r.get('kind')}"), at, r.get("note", "")]
    return " ".join(p for p in parts if p)


# -- striking -------------------------------------------------------------------------------------
def _row(store: Store, table: str, row_id: int) -> dict[str, Any] | None:
    rows = list(store.db.query(f"SELECT * FROM [{table}] WHERE id = ?", [row_id]))
    return dict(rows[0]) if rows else None


def _struck(store: Store, ref: RecordRef) -> bool:
    return (
        store.db.execute(
            "SELECT 1 FROM corrections WHERE record_kind = ? AND record_id = ?",
            [ref.kind.value, ref.id],
        ).fetchone()
        is not None
    )


def correct(store: Store, ref: RecordRef | str, reason: str) -> CorrectionResult:
    """Strike `ref` through, as whoever is acting, for `reason`: one transaction (see the module
    docstring for what follows). Bad input (an unknown record, one already struck, an empty
    reason, a record whose incident is voided or merged) raises InputError / NotFound and writes
    nothing."""
    if isinstance(ref, str):
        ref = parse_ref(ref)
    reason = (reason or "").strip()
    if not reason:
        raise InputError("reason", "corr.err.reason")
    if len(reason) > REASON_MAX:
        raise InputError("reason", "corr.err.reason_long", limit=REASON_MAX)
    with store.write():
        row = _row(store, TABLES[ref.kind], ref.id)
        if row is None:
            raise NotFound("corr.err.no_record", ref=str(ref))
        if ref.kind != RecordKind.rollcall and _struck(store, ref):
            raise InputError("record", "corr.err.already", ref=str(ref))
        effects = _EFFECTS[ref.kind](store, ref, row)
        record = effects.pop("record", row)
        cid = store.auditor.insert(
            "corrections",
            {
                "record_kind": ref.kind.value,
                "record_id": ref.id,
                "incident_id": effects.pop("incident_id", None),
                "shift_id": effects.pop("shift_id", None),
                "record_at": effects.pop("record_at", None),
                "record": json.dumps(record, ensure_ascii=False, sort_keys=True),
                "reason": reason,
                "at": to_db(store.now()),
                "by_whom": store.actor,
            },
        )
        return CorrectionResult(correction=get(store, cid), **effects)


def _open_incident(store: Store, incident_id: int, ref: RecordRef, *, final: bool = False) -> Any:
    inc = store.incidents.get(incident_id)
    if inc.merged_into is not None:
        raise InputError("record", "corr.err.merged", ref=str(ref), id=inc.id, of=inc.merged_into)
    if inc.status == IncidentStatus.voided:
        raise InputError("record", "corr.err.voided", ref=str(ref), id=inc.id)
    if inc.status == IncidentStatus.closed and not final:
        raise InputError("record", "corr.err.closed", ref=str(ref), id=inc.id)
    return inc


def _set(store: Store, deadline_id: int, changes: dict[str, Any]) -> None:
    store.auditor.update("deadlines", deadline_id, changes)


def _report(store: Store, ref: RecordRef, row: dict[str, Any]) -> dict[str, Any]:
    inc = _open_incident(store, row["incident_id"], ref, final=row["kind"] == "final")
    reopened: list[int] = []
    dropped: list[int] = []
    clocks = {d.id: d for d in store.incidents.deadlines(inc.id)}
    own = clocks.get(row["deadline_id"]) if row["deadline_id"] else None
    if own is not None and own.status.value == "done" and own.report_id == ref.id:
        _set(store, own.id, {"status": "running", "done_at": None, "report_id": None})
        reopened.append(own.id)
    if row["kind"] == "followup":  # the next follow-up's clock, which this one started
        for d in clocks.values():
            if (
                d.kind.value == "followup"
                and d.seq == row["seq"] + 1
                and d.status.value == "running"
            ):
                _set(store, d.id, {"status": "dropped"})
                dropped.append(d.id)
    reopen_incident = row["kind"] == "final" and inc.status == IncidentStatus.closed
    if reopen_incident:
        for did in _ended_by_final(store, ref.id, inc.id):
            if did in clocks and clocks[did].status.value == "dropped" and did not in reopened:
                _set(store, did, {"status": "running"})
                reopened.append(did)
        store.auditor.update(
            "incidents",
            inc.id,
            {"status": "open", "version": inc.version + 1, "updated_at": to_db(store.now())},
        )
    return {
        "incident_id": inc.id,
        "record_at": row["at"],
        "reopened": reopened,
        "dropped": dropped,
        "incident_reopened": reopen_incident,
    }


def _ended_by_final(store: Store, report_id: int, incident_id: int) -> list[int]:
    """The clocks a final report ended: those the audit log shows dropped between the report's
    insert and the incident's closing, in the final report's transaction."""
    first = store.db.execute(
        "SELECT min(id) FROM audit WHERE table_name = 'reports' AND row_id = ? AND action = 'insert'",
        [report_id],
    ).fetchone()[0]
    if first is None:
        return []
    last = store.db.execute(
        "SELECT min(id) FROM audit WHERE table_name = 'incidents' AND row_id = ?"
        " AND action = 'update' AND id > ?",
        [incident_id, first],
    ).fetchone()[0]
    if last is None:
        return []
    out = []
    for row_id, after in store.db.execute(
        "SELECT row_id, after FROM audit WHERE table_name = 'deadlines' AND action = 'update'"
        " AND id > ? AND id < ? ORDER BY id",
        [first, last],
    ):
        if after and json.loads(after).get("status") == "dropped":
            out.append(int(row_id))
    return out


def _figures(store: Store, ref: RecordRef, row: dict[str, Any]) -> dict[str, Any]:
    from watchdesk.rules.deadlines import clocks_added_by_regrade
    from watchdesk.rules.grading import suggest_grade

    inc = _open_incident(store, row["incident_id"], ref)
    versions = store.figures.history(inc.id)  # the valid ones, this one among them
    live = [v for v in versions if v.id != ref.id]
    if not live:
        raise InputError("record", "corr.err.only_figures", ref=str(ref), id=inc.id)
    out: dict[str, Any] = {"incident_id": inc.id, "record_at": row["at"]}
    if max(v.id for v in versions) != ref.id:  # an older version: what is current stays so
        out["figures_now"] = max(v.id for v in live)
        return out
    prev = max(live, key=lambda v: v.id)
    out["figures_now"] = prev.id
    merged = {f: getattr(prev, f) for f in FIGURE_FIELDS}
    suggested = suggest_grade(merged["dead"], merged["seriously_injured"], merged["direct_loss"])
    grade = suggested if suggested.rank < inc.grade.rank else inc.grade  # raised: at once
    store.auditor.update(
        "incidents",
        inc.id,
        {
            **merged,
            "grade": grade.value,
            "grade_suggested": suggested.value,
            "version": inc.version + 1,
            "updated_at": to_db(store.now()),
        },
    )
    if grade != inc.grade:
        existing = store.incidents.deadlines(inc.id)
        specs = clocks_added_by_regrade(
            store.pack,
            old_grade=inc.grade,
            new_grade=grade,
            sensitive=inc.sensitive,
            occurred_at=inc.occurred_at,
            received_at=inc.received_at,
            tz=store.tz,
            existing_kinds={d.kind for d in existing},
        )
        store.incidents._insert_clocks(inc.id, specs)
    return out


def _log(store: Store, ref: RecordRef, row: dict[str, Any]) -> dict[str, Any]:
    dropped: list[int] = []
    if row["kind"] == "verification_request":
        # Its clock was inserted in the same transaction, right after the entry.
        entry = store.db.execute(
            "SELECT min(id) FROM audit WHERE table_name = 'log_entries' AND row_id = ?"
            " AND action = 'insert'",
            [ref.id],
        ).fetchone()[0]
        nxt = (
            store.db.execute(
                "SELECT row_id FROM audit WHERE id > ? AND table_name = 'deadlines'"
                " AND action = 'insert' ORDER BY id LIMIT 1",
                [entry],
            ).fetchone()
            if entry is not None
            else None
        )
        if nxt is not None:
            d = _row(store, "deadlines", nxt[0])
            if (
                d is not None
                and d["incident_id"] == row["incident_id"]
                and d["kind"] == "verification"
                and d["status"] == "running"
            ):
                _set(store, d["id"], {"status": "dropped"})
                dropped.append(d["id"])
    return {"incident_id": row["incident_id"], "record_at": row["at"], "dropped": dropped}


def _rollcall(store: Store, ref: RecordRef, row: dict[str, Any]) -> dict[str, Any]:
    if row["outcome"] is None:
        key = "corr.err.already" if _struck(store, ref) else "corr.err.no_outcome"
        raise InputError("record", key, ref=str(ref))
    rnd = _row(store, "rollcall_rounds", row["round_id"]) or {}
    store.auditor.update(
        "rollcall_entries",
        ref.id,
        {"outcome": None, "answered_by": "", "answer_seconds": None, "called_at": None, "note": ""},
    )
    return {
        "record_at": row["called_at"],
        "record": row | {"method": rnd.get("method"), "round_started_at": rnd.get("started_at")},
    }


def _check(store: Store, ref: RecordRef, row: dict[str, Any]) -> dict[str, Any]:
    leader = _row(store, "officers", row["leader_id"]) if row["leader_id"] else None
    return {
        "shift_id": row["shift_id"],
        "record_at": row["at"],
        "record": row | {"leader_name": leader["name"] if leader else ""},
    }


def _signin(store: Store, ref: RecordRef, row: dict[str, Any]) -> dict[str, Any]:
    if row["kind"] == "in":
        later = store.db.execute(
            "SELECT id FROM duty_signins WHERE shift_id = ? AND officer_id = ? AND kind = 'out'"
            f" AND (at > ? OR (at = ? AND id > ?)) AND {not_struck('signin', 'duty_signins.id')}"
            " ORDER BY at, id LIMIT 1",
            [row["shift_id"], row["officer_id"], row["at"], row["at"], row["id"]],
        ).fetchone()
        if later is not None:
            raise InputError("record", "corr.err.signed_out", ref=str(ref), out=later[0])
    officer = _row(store, "officers", row["officer_id"])
    return {
        "shift_id": row["shift_id"],
        "record_at": row["at"],
        "record": row | {"officer_name": officer["name"] if officer else ""},
    }


_EFFECTS = {
    RecordKind.report: _report,
    RecordKind.figures: _figures,
    RecordKind.log: _log,
    RecordKind.rollcall: _rollcall,
    RecordKind.check: _check,
    RecordKind.signin: _signin,
}


# -- the handover sheet ---------------------------------------------------------------------------
def annotate_sheet(store: Store, sheet: HandoverSheet, start: datetime, end: datetime) -> None:
    """Put the shift's struck records on its handover sheet, struck through with who, when and
    why, each in its own section (a struck report or figure version under its incident, a duty-log
    entry, leader check or roll-call outcome among the others by time, a sign-in under the
    people), and say which incidents were merged into another. Adds lines only: a sheet with
    nothing struck and nothing merged is what it was."""
    from watchdesk.models.handover import SheetLine

    tz = store.tz
    by_incident = {i.id: i for i in sheet.incidents}
    if by_incident:
        marks = ",".join("?" * len(by_incident))
        for inc_id, of_id in store.db.execute(
            f"SELECT incident_id, of_id FROM duplicates WHERE incident_id IN ({marks})",
            list(by_incident),
        ):
            by_incident[inc_id].merged_into = of_id
    for c in between(store, start, end):
        line = SheetLine(
            at=c.record_at or c.at, text=describe(c, tz, when=False), struck=note(c, tz)
        )
        if c.kind in (RecordKind.report, RecordKind.figures):
            target = by_incident.get(c.incident_id or -1)
            (target.struck if target is not None else sheet.struck_incidents).append(line)
        elif c.kind == RecordKind.log:
            line.kind = f"log.kind.{c.record.get('kind')}"
            _insert(sheet.log, line)
        elif c.kind == RecordKind.check:
            _insert(sheet.leader_checks, line)
        elif c.kind == RecordKind.rollcall:
            _insert(sheet.rollcalls, line)
        else:
            sheet.struck_people.append(line)


def _insert(lines: list[Any], line: Any) -> None:
    """After the last line at or before `line.at` (the others keep their order)."""
    pos = len(lines)
    while pos > 0 and lines[pos - 1].at is not None and lines[pos - 1].at > line.at:
        pos -= 1
    lines.insert(pos, line)
