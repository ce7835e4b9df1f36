"""Replay a generated desk through the application's own Store API and compare.

    python bench/fidelity.py bench/out/small.db

`generate.py` bypasses the Store for speed. This replays the same history, write by write,
through `Store` (roster, directory, incidents, reports, voids, figure versions, duty-log entries
and their handling, roll-call rounds, leader-on-duty checks, sign-ins, warnings, corrections,
written reports and their steps, handovers) at the recorded clock times and actors (an officer
acting where the audit names one), into a fresh file, and compares the two audit logs entry by
entry, and the full-text tables of incidents and of the duty log row by row. Identical last hashes mean identical logs and rows: the generator wrote exactly what the
application would have.
Slow (one transaction per write), so use it on small desks.
"""

from __future__ import annotations

import json
import sqlite3
import sys
from datetime import datetime
from pathlib import Path

from watchdesk.models.directory import Contact, Unit
from watchdesk.models.dutylog import LogEntry, LogKind
from watchdesk.models.incident import FIGURE_FIELDS, FigureStatus, IncidentFacts, ReportKind
from watchdesk.models.officer import Actor, ActorKind, Officer
from watchdesk.models.roster import Role
from watchdesk.models.warning import WarningInput
from watchdesk.store.correction import correct
from watchdesk.store.db import from_db, from_db_not_null
from watchdesk.store.desk import Store


class _Clock:
    def __init__(self) -> None:
        self.at: datetime | None = None

    def __call__(self) -> datetime:
        assert self.at is not None
        return self.at


def replay(src: str | Path, dst: str | Path) -> Store:
    """Rebuild `src` in `dst` through the Store API; returns the open destination store."""
    dst = Path(dst)
    for side in ("", "-wal", "-shm"):
        Path(str(dst) + side).unlink(missing_ok=True)
    con = sqlite3.connect(f"file:{src}?mode=ro", uri=True)
    con.row_factory = sqlite3.Row

    def rows(sql: str, *args) -> list[dict]:
        return [dict(r) for r in con.execute(sql, args)]

    clock = _Clock()
    store = Store.open(dst, clock=clock, tz="Asia/Shanghai")
    roots = con.execute(
        "SELECT at, actor, table_name, row_id, action, after, before, officer_id FROM audit WHERE"
        " (action = 'insert' AND table_name IN ('meta','officers','units','shifts','incidents',"
        "'reports','log_entries')) OR (action = 'update' AND table_name = 'incidents'"
        " AND json_extract(after, '$.status') = 'voided')"
        " OR (action = 'insert' AND table_name = 'figures'"
        "     AND json_extract(after, '$.status') != 'initial')"
        " OR (action = 'update' AND table_name = 'log_entries')"
        " OR (action = 'insert' AND table_name IN ('rollcall_rounds', 'leader_checks'))"
        " OR (action = 'update' AND table_name = 'rollcall_entries')"
        " OR (action = 'update' AND table_name = 'rollcall_rounds'"
        "     AND json_extract(after, '$.status') = 'finished')"
        # the paperwork: sign-ins, warnings, corrections, written reports, handovers
        " OR (action = 'insert' AND table_name IN ('duty_signins', 'warning_events',"
        "     'corrections', 'written_reports', 'report_steps', 'handovers'))"
        " OR (action = 'update' AND table_name = 'written_reports'"
        "     AND json_extract(after, '$.status') = 'sent'"
        "     AND json_extract(before, '$.status') <> 'sent')"
        " OR (action = 'update' AND table_name = 'handovers'"
        "     AND json_extract(after, '$.status') = 'draft') ORDER BY id"
    ).fetchall()
    sent = {r[0] for r in con.execute("SELECT report_id FROM written_reports")}
    for at, actor, table, row_id, action, after, before, officer_id in roots:
        clock.at = from_db(at)
        if officer_id is not None:
            store.act_as(Actor(name=actor, officer_id=officer_id, kind=ActorKind.officer))
        else:
            store.actor = actor
        row = json.loads(after)
        if table in PAPERWORK:
            _paperwork(store, con, table, action, row, json.loads(before) if before else {})
        elif table == "reports" and row_id in sent:
            continue  # made by sending a written report (`ReportRepo.send`)
        elif table == "meta":
            store.set_meta(row["key"], row["value"])
        elif table == "officers":
            store.roster.add_officer(Officer(**{**row, "id": None}))
        elif table == "units":
            contacts = [
                Contact(name=c["name"], role=c["role"], phone=c["phone"])
                for c in rows("SELECT * FROM contacts WHERE unit_id = ? ORDER BY id", row_id)
            ]
            store.directory.add_unit(Unit(**{**row, "id": None}, contacts=contacts))
        elif table == "shifts":
            people = [
                (a["officer_id"], Role(a["role"]))
                for a in rows("SELECT * FROM assignments WHERE shift_id = ? ORDER BY id", row_id)
            ]
            store.roster.add_shift(
                from_db(row["starts_at"]), from_db(row["ends_at"]), row["label"], people
            )
        elif table == "incidents" and action == "insert":
            fields = {k: row[k] for k in IncidentFacts.model_fields if k in row}
            fields["received_at"] = from_db(fields["received_at"])
            fields["occurred_at"] = from_db(fields["occurred_at"])
            inc = store.incidents.add(IncidentFacts(**fields))
            assert inc.grade_suggested.value == row["grade_suggested"]
        elif table == "incidents":
            store.incidents.void(row_id, row["void_reason"])
        elif table == "figures":  # a revised or verified version (FigureRepo.update)
            store.figures.update(
                row["incident_id"],
                {f: row[f] for f in FIGURE_FIELDS},
                source=row["source"],
                status=FigureStatus(row["status"]),
                at=from_db(row["at"]),
                note=row["note"],
            )
        elif table == "log_entries" and action == "insert":
            got = store.dutylog.add(
                LogEntry(
                    at=from_db(row["at"]),
                    kind=LogKind(row["kind"]),
                    incident_id=row["incident_id"],
                    counterpart=row["counterpart"],
                    content=row["content"],
                    handling=row["handling"],
                    by_whom=row["by_whom"],
                )
            )
            assert got.id == row_id, (got.id, row_id)
        elif table == "log_entries":
            store.dutylog.set_handling(row_id, row["handling"])
        elif table == "rollcall_rounds" and action == "insert":
            custom = row["set_kind"] == "custom"
            got = store.rollcall.start(
                row["set_kind"],
                unit_ids=[
                    e["unit_id"]
                    for e in rows(
                        "SELECT unit_id FROM rollcall_entries WHERE round_id = ? ORDER BY seq",
                        row_id,
                    )
                ]
                if custom
                else None,
                method=row["method"],
                label=row["label"],
                note=row["note"],
            )
            assert got.round.id == row_id, (got.round.id, row_id)
        elif table == "rollcall_rounds":
            store.rollcall.finish(row_id)
        elif table == "rollcall_entries":
            store.rollcall.record(
                row["round_id"],
                row["seq"],
                row["outcome"],
                answered_by=row["answered_by"],
                answer_seconds=row["answer_seconds"],
                note=row["note"],
                at=from_db(row["called_at"]),
            )
        elif table == "leader_checks":
            store.roster.record_check(
                row["shift_id"],
                method=row["method"],
                result=row["result"],
                due_at=from_db(row["due_at"]),
                at=from_db(row["at"]),
                note=row["note"],
                leader_id=row["leader_id"],
            )
        else:  # reports
            store.incidents.record_report(
                row["incident_id"],
                ReportKind(row["kind"]),
                at=from_db(row["at"]),
                to_whom=row["to_whom"],
                by_whom=row["by_whom"],
                content=row["content"],
            )
    con.close()
    return store


PAPERWORK = (
    "duty_signins",
    "warning_events",
    "corrections",
    "written_reports",
    "report_steps",
    "handovers",
)


def _paperwork(
    store: Store, src: sqlite3.Connection, table: str, action: str, row: dict, before: dict
) -> None:
    """The write through the Store that made `row` (an insert's or update's after-image)."""
    if table == "duty_signins":
        sign = store.roster.sign_in if row["kind"] == "in" else store.roster.sign_out
        sign(row["shift_id"], row["officer_id"], at=from_db(row["at"]), note=row["note"])
    elif table == "warning_events" and row["action"] == "issue":
        store.warnings.issue(
            WarningInput(
                kind=src.execute(  # the event does not repeat the warning's kind
                    "SELECT kind FROM warnings WHERE id = ?", [row["warning_id"]]
                ).fetchone()[0],
                level=row["level"],
                area=row["area"],
                issuer=row["issuer"],
                issued_at=from_db_not_null(row["at"]),
                measures=row["measures"],
                note=row["note"],
            )
        )
    elif table == "warning_events" and row["action"] == "change":
        store.warnings.change(
            row["warning_id"],
            row["level"],
            at=from_db(row["at"]),
            issuer=row["issuer"],
            area=row["area"],
            measures=row["measures"],
            note=row["note"],
        )
    elif table == "warning_events":
        store.warnings.lift(row["warning_id"], at=from_db(row["at"]), note=row["note"])
    elif table == "corrections":
        correct(store, f"{row['record_kind']}:{row['record_id']}", row["reason"])
    elif table == "written_reports" and action == "insert":
        store.written.create(row["incident_id"], row["kind"], corrects=row["corrects_id"])
    elif table == "written_reports":
        store.written.send(
            row["id"], via=row["sent_via"], at=from_db(row["sent_at"]), note=row["sent_note"]
        )
    elif table == "report_steps" and row["action"] == "signed":
        store.written.sign(row["written_report_id"], row["step"])
    elif table == "report_steps":
        store.written.back(row["written_report_id"], row["reason"])
    elif action == "insert":  # handovers: the draft
        store.handover.record(row["shift_id"])
    else:
        sid = row["shift_id"]
        if row["notes"] != before["notes"]:
            store.handover.set_notes(sid, row["notes"])
        if row["pending"] != before["pending"]:
            item = json.loads(row["pending"])[-1]
            store.handover.add_pending(sid, item["matter"], item["owner"])
        for side in ("outgoing", "incoming"):
            if row[f"{side}_name"] and not before[f"{side}_name"]:
                store.handover.sign(sid, side, row[f"{side}_name"])


def compare(src: str | Path, dst: str | Path) -> list[str]:
    """Differences between the two audit logs (empty: identical)."""
    cols = "id, at, actor, table_name, row_id, action, before, after, prev_hash, hash"
    a = sqlite3.connect(str(src)).execute(f"SELECT {cols} FROM audit ORDER BY id").fetchall()
    b = sqlite3.connect(str(dst)).execute(f"SELECT {cols} FROM audit ORDER BY id").fetchall()
    out = []
    if len(a) != len(b):
        out.append(f"{len(a)} entries generated, {len(b)} written by the Store")
    for x, y in zip(a, b):
        if x != y:
            names = cols.split(", ")
            diff = [f"{n}: {u!r} != {v!r}" for n, u, v in zip(names, x, y) if u != v]
            out.append(f"entry {x[0]} ({x[3]} #{x[4]} {x[5]}): " + "; ".join(diff)[:600])
            break
    # Rows outside the audit chain that the Store keeps in step: the full-text index.
    for name, sql in (
        ("incidents_fts", "SELECT rowid, uni, bi FROM incidents_fts ORDER BY rowid"),
        ("log_fts", "SELECT rowid, uni, bi FROM log_fts ORDER BY rowid"),
    ):
        have = [_rows(p, name, sql) for p in (src, dst)]
        if have[0] != have[1]:
            out.append(f"{name} differs")
    return out


def _rows(path: str | Path, table: str, sql: str) -> list | None:
    con = sqlite3.connect(str(path))
    try:
        if not con.execute("SELECT 1 FROM sqlite_master WHERE name = ?", [table]).fetchone():
            return None
        return con.execute(sql).fetchall()
    finally:
        con.close()


def main(argv: list[str]) -> int:
    src = Path(argv[0])
    dst = src.with_name(src.stem + "-replayed.db")
    replay(src, dst).close()
    problems = compare(src, dst)
    for p in problems:
        print(p)
    print("identical" if not problems else "DIFFERENT")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
