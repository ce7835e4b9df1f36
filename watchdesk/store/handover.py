"""Handover (交接班): compile the sheet from the shift's records, sign it twice, freeze it.

Once both the outgoing and the incoming officer have signed, the sheet is frozen: its canonical
content (JSON, with the audit chain's head at that moment: `chain_head`), its text and Markdown
are stored with their hashes; later edits to the records never change them. The PDF is not part of
the record: it is rendered from the frozen JSON whenever it is needed (`render_pdf`), in the font
installed at that moment, and each rendering is recorded (`handover_renderings`: when, by whom,
in which font, the PDF's hash), so installing a font later fixes the paper without touching the
record. Sheets frozen before kept their PDF (`handover_pdfs`); `check` still verifies it. A shift with no incoming officer signed in cannot be handed over; open
incidents can (they go on the sheet).

Who signs: the outgoing signature is given by someone assigned to the shift, the incoming one by
someone of the next shift who has signed in; with the desk's `handover_pin`, each with their PIN
(checked by `OfficerRepo.verify_pin`: wrong PINs count towards its lock).
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from watchdesk.errors import InputError, Msg, StoreError
from watchdesk.models.audit import ChainHead
from watchdesk.models.handover import (
    EquipmentItem,
    HandoverSheet,
    PendingItem,
    SheetClock,
    SheetIncident,
    SheetLine,
    SheetPerson,
    SheetReport,
    Signature,
)
from watchdesk.models.incident import FIGURE_FIELDS, DeadlineStatus, IncidentStatus, ReportKind
from watchdesk.store.db import from_db, from_db_not_null, to_db

if TYPE_CHECKING:
    from watchdesk.models.incident import Incident
    from watchdesk.models.roster import ShiftView
    from watchdesk.store.desk import Store
    from watchdesk.store.signoff import WrittenReport

DEFAULT_EQUIPMENT = ("phone", "fax", "video", "network")


class HandoverRefused(StoreError):
    pass


class HandoverRecord(BaseModel):
    id: int
    shift_id: int
    status: str
    notes: str = ""
    equipment: list[EquipmentItem] = []
    pending: list[PendingItem] = []
    outgoing: Signature | None = None
    incoming: Signature | None = None
    frozen_at: datetime | None = None
    lang: str | None = None
    width: int | None = None
    sheet_sha256: str | None = None

    @property
    def frozen(self) -> bool:
        return self.status == "frozen"


class FrozenHandover(BaseModel):
    """A frozen sheet as stored: its content and text. Its PDF is rendered when needed
    (`HandoverRepo.render_pdf`)."""

    record: HandoverRecord
    sheet: HandoverSheet
    text: str
    markdown: str


RENDER_PURPOSES = ("print", "save", "file")


class HandoverPdf(BaseModel):
    """A PDF of a handover sheet, rendered now: a frozen sheet's from its frozen content (and
    recorded), a draft's from the records as they stand (marked 草稿, not recorded)."""

    pdf: bytes
    sha256: str
    font: str  # the font file, or STSong-Light (not embedded)
    embedded: bool
    warning: str | None = None  # no embeddable CJK font: what to install, in the UI language
    frozen: bool
    recorded: bool = False


class HandoverRendering(BaseModel):
    """One recorded rendering of a frozen sheet (`handover_renderings`)."""

    id: int
    handover_id: int
    rendered_at: datetime
    by_whom: str
    font: str
    embedded: bool
    purpose: str
    pdf_sha256: str


def _sha(data: str | bytes) -> str:
    return hashlib.sha256(data.encode("utf-8") if isinstance(data, str) else data).hexdigest()


def _record(row: dict) -> HandoverRecord:
    def sig(name: str, at: str) -> Signature | None:
        return Signature(name=row[name], at=from_db_not_null(row[at])) if row[name] else None

    return HandoverRecord(
        id=row["id"],
        shift_id=row["shift_id"],
        status=row["status"],
        notes=row["notes"],
        equipment=json.loads(row["equipment"]),
        pending=json.loads(row["pending"]),
        outgoing=sig("outgoing_name", "outgoing_at"),
        incoming=sig("incoming_name", "incoming_at"),
        frozen_at=from_db(row["frozen_at"]),
        lang=row["lang"],
        width=row["width"],
        sheet_sha256=row["sheet_sha256"],
    )


def _figures(inc: Incident) -> dict[str, int]:
    return {k: getattr(inc, k) for k in FIGURE_FIELDS if getattr(inc, k)}


class HandoverRepo:
    def __init__(self, store: Store):
        self.s = store

    # -- the draft -------------------------------------------------------------------------------
    def record(self, shift_id: int) -> HandoverRecord:
        """The shift's handover record, created (as a draft) on first use."""
        rows = list(self.s.db.query("SELECT * FROM handovers WHERE shift_id = ?", [shift_id]))
        if rows:
            return _record(rows[0])
        if self.s.roster.view(shift_id) is None:
            raise InputError("shift", "err.shift.not_found", id=shift_id)
        with self.s.write():
            rows = list(self.s.db.query("SELECT * FROM handovers WHERE shift_id = ?", [shift_id]))
            if not rows:
                self.s.auditor.insert(
                    "handovers",
                    {
                        "shift_id": shift_id,
                        "status": "draft",
                        "notes": "",
                        "equipment": json.dumps(
                            [{"key": k, "ok": True, "note": ""} for k in DEFAULT_EQUIPMENT]
                        ),
                        "pending": "[]",
                        "updated_at": to_db(self.s.now()),
                    },
                )
        return self.record(shift_id)

    def _update_draft(self, shift_id: int, changes: dict[str, Any]) -> HandoverRecord:
        rec = self.record(shift_id)
        with self.s.write():
            rec = _record(
                next(iter(self.s.db.query("SELECT * FROM handovers WHERE id = ?", [rec.id])))
            )
            if rec.frozen:
                raise HandoverRefused("err.handover.frozen", id=shift_id)
            self.s.auditor.update(
                "handovers", rec.id, changes | {"updated_at": to_db(self.s.now())}
            )
        return self.record(shift_id)

    def set_notes(self, shift_id: int, notes: str) -> HandoverRecord:
        if len(notes) > 4000:
            raise InputError("notes", "err.text.too_long", n=4000)
        return self._update_draft(shift_id, {"notes": notes.strip()})

    def set_equipment(self, shift_id: int, items: list[EquipmentItem]) -> HandoverRecord:
        return self._update_draft(
            shift_id, {"equipment": json.dumps([i.model_dump() for i in items], ensure_ascii=False)}
        )

    def add_pending(self, shift_id: int, matter: str, owner: str) -> HandoverRecord:
        if not matter.strip():
            raise InputError("matter", "err.text.blank")
        if not owner.strip():
            raise InputError("owner", "err.handover.owner")
        rec = self.record(shift_id)
        items = rec.pending + [PendingItem(matter=matter.strip(), owner=owner.strip())]
        return self._update_draft(
            shift_id, {"pending": json.dumps([i.model_dump() for i in items], ensure_ascii=False)}
        )

    def remove_pending(self, shift_id: int, index: int) -> HandoverRecord:
        rec = self.record(shift_id)
        if not 0 <= index < len(rec.pending):
            raise InputError("index", "err.handover.no_matter", n=index + 1)
        items = rec.pending[:index] + rec.pending[index + 1 :]
        return self._update_draft(
            shift_id, {"pending": json.dumps([i.model_dump() for i in items], ensure_ascii=False)}
        )

    # -- compiling -------------------------------------------------------------------------------
    def compile(self, shift_id: int, now: datetime | None = None) -> HandoverSheet:
        """The sheet as the records stand now (a draft's view; a frozen one is stored)."""
        now = now or self.s.now()
        view = self.s.roster.view(shift_id)
        if view is None:
            raise InputError("shift", "err.shift.not_found", id=shift_id)
        rec = self.record(shift_id)
        start, end = view.shift.starts_at, view.shift.ends_at
        nxt = self.s.roster.next_shift(end - timedelta(seconds=1))
        next_start = nxt.shift.starts_at if nxt else end
        next_end = nxt.shift.ends_at if nxt else end + (end - start)
        sheet = HandoverSheet(
            desk_name=self.s.get_meta("desk_name"),
            shift_id=shift_id,
            shift_start=start,
            shift_end=end,
            next_start=nxt.shift.starts_at if nxt else None,
            next_end=nxt.shift.ends_at if nxt else None,
            compiled_at=now,
            equipment=rec.equipment,
            notes=rec.notes,
            pending=rec.pending,
            outgoing=rec.outgoing,
            incoming=rec.incoming,
        )
        sheet.people = self._people(view)
        sheet.incidents = self._incidents(start, end)
        sheet.running, sheet.due_next = self._clocks(now, next_start, next_end)
        sheet.log = [
            SheetLine(
                at=e.at,
                kind=f"log.kind.{e.kind.value}",
                text=(f"{e.counterpart}：" if e.counterpart else "") + e.content,
                detail=e.handling,
                flag="" if e.handling or e.kind.value in ("note", "action") else "warn",
            )
            for e in reversed(self.s.dutylog.list(since=start, until=end, limit=10_000))
        ]
        self._contributions(sheet, start, end, now)
        sheet.written, sheet.pending_reports = self._written(start, end)
        sheet.pending_tasks = self.s.dispatch.pending_items(now)
        from watchdesk.store.correction import annotate_sheet

        annotate_sheet(self.s, sheet, start, end)  # struck records, merged duplicates
        return sheet

    def _people(self, view: ShiftView) -> list[SheetPerson]:
        st = self.s.roster.signin_status(view.shift.id)
        ins: dict[int, datetime] = {}
        outs: dict[int, datetime] = {}
        for e in st.signed_in:
            ins.setdefault(e.officer_id, e.at)
        for e in st.signed_out:
            outs[e.officer_id] = e.at
        return [
            SheetPerson(
                role=a.role,
                name=a.officer_name,
                signed_in_at=ins.get(a.officer_id),
                signed_out_at=outs.get(a.officer_id),
                note=a.note,
            )
            for a in view.assignments
        ]

    def _incidents(self, start: datetime, end: datetime) -> list[SheetIncident]:
        """Received during the shift, or received earlier with a clock due inside it. Read in
        two queries (the incidents, then all their clocks with how late each was reported), not
        two or more per incident: a busy shift has two hundred."""
        from watchdesk.store.incident import _SELECT, _incident

        on_sheet = """SELECT id FROM incidents WHERE received_at >= ? AND received_at < ?
               UNION SELECT incident_id FROM deadlines WHERE due_at >= ? AND due_at < ?"""
        window = [to_db(start), to_db(end), to_db(start), to_db(end)]
        incs = [
            _incident(r)
            for r in self.s.db.query(f"{_SELECT} WHERE id IN ({on_sheet}) ORDER BY id", window)
        ]
        clocks: dict[int, list[dict]] = {}
        for r in self.s.db.query(
            f"""SELECT d.incident_id, d.kind, d.seq, d.due_at, d.status, d.done_at,
                      r.late_seconds
               FROM deadlines d LEFT JOIN reports r ON r.id = d.report_id AND d.report_id
               WHERE d.incident_id IN ({on_sheet})
               ORDER BY d.incident_id, d.due_at, d.id""",
            window,
        ):
            clocks.setdefault(r["incident_id"], []).append(r)
        out = []
        for inc in incs:
            if inc.status == IncidentStatus.voided and inc.received_at < start:
                continue
            sheet_clocks = []
            for d in clocks.get(inc.id, []):
                due_at = from_db_not_null(d["due_at"])
                status = DeadlineStatus(d["status"])
                if due_at < end or status == DeadlineStatus.done or inc.received_at >= start:
                    sheet_clocks.append(
                        SheetClock(
                            incident_id=inc.id,
                            headline=inc.headline,
                            kind=d["kind"],
                            seq=d["seq"],
                            due_at=due_at,
                            status=status,
                            done_at=from_db(d["done_at"]),
                            late_seconds=d["late_seconds"],
                        )
                    )
            out.append(
                SheetIncident(
                    id=inc.id,
                    received_at=inc.received_at,
                    headline=inc.headline,
                    place=inc.place,
                    category=inc.category,
                    subtype=inc.subtype,
                    grade=inc.grade,
                    status=inc.status,
                    sensitive=inc.sensitive,
                    figures=_figures(inc),
                    clocks=sheet_clocks,
                )
            )
        return out

    def _written(
        self, start: datetime, end: datetime
    ) -> tuple[list[SheetReport], list[SheetReport]]:
        """Written reports (issue 14): those sent during the shift, and those not sent yet that
        were drafted before its end (handed over as pending; none of a voided incident)."""
        rows = self.s.db.execute(
            """SELECT id FROM written_reports WHERE sent_at >= ? AND sent_at < ?
               UNION SELECT w.id FROM written_reports w JOIN incidents i ON i.id = w.incident_id
               WHERE w.status <> 'sent' AND w.created_at < ? AND i.status <> 'voided'
               ORDER BY 1""",
            [to_db(start), to_db(end), to_db(end)],
        ).fetchall()
        if not rows:
            return [], []
        from watchdesk.store.correction import note, of_incident

        reps = [self.s.written.get(r[0]) for r in rows]
        struck: dict[int, dict] = {}
        sent: list[SheetReport] = []
        pending: list[SheetReport] = []
        for w in reps:
            if w.status != "sent":
                pending.append(self._sheet_report(w))
                continue
            late, struck_note = None, ""
            if w.report_id is not None:
                row = self.s.db.execute(
                    "SELECT late_seconds FROM reports WHERE id = ?", [w.report_id]
                ).fetchone()
                late = row[0] if row else None
                if w.incident_id not in struck:
                    struck[w.incident_id] = of_incident(self.s, w.incident_id)
                c = struck[w.incident_id].get(f"report:{w.report_id}")
                struck_note = note(c, self.s.tz) if c is not None else ""
            sent.append(self._sheet_report(w, late=late, struck=struck_note))
        sent.sort(key=lambda r: (r.sent_at or r.created_at, r.id))
        return sent, pending

    def _sheet_report(
        self, w: WrittenReport, *, late: int | None = None, struck: str = ""
    ) -> SheetReport:
        corrects = ""
        if w.corrects_id is not None:
            old = self.s.written.get(w.corrects_id)
            corrects = " ".join(x for x in (f"#{old.id}", old.serial or "") if x)
        return SheetReport(
            id=w.id,
            incident_id=w.incident_id,
            kind=w.kind,
            seq=w.seq,
            title=w.title,
            serial=w.serial,
            status=w.status,
            drafted_by=w.drafted_by,
            created_at=w.created_at,
            next_step=w.next_step,
            sent_at=w.sent_at,
            sent_via=w.sent_via,
            without_chain=w.sent_without_chain,
            late_seconds=late,
            corrects=corrects,
            struck=struck,
        )

    def _clocks(
        self, now: datetime, next_start: datetime, next_end: datetime
    ) -> tuple[list[SheetClock], list[SheetClock]]:
        running = [
            SheetClock(
                incident_id=r.incident_id,
                headline=r.incident_headline,
                kind=r.kind,
                seq=r.seq,
                due_at=r.due_at,
                status=DeadlineStatus.running,
            )
            for r in self.s.incidents.running_clocks()
        ]
        due_next = [
            c
            for c in running
            if c.kind in (ReportKind.followup, ReportKind.verification)
            and next_start <= c.due_at < next_end
        ]
        return running, due_next

    def _contributions(
        self, sheet: HandoverSheet, start: datetime, end: datetime, now: datetime
    ) -> None:
        """The sections the roster, roll-call and warnings areas own, in the current language."""
        from watchdesk.i18n import t
        from watchdesk.i18n.labels import method_label, outcome_label, warning_title
        from watchdesk.report.handover import check_time

        for c in self.s.roster.checks(sheet.shift_id, now):
            r = c.record
            if r is None:
                detail, flag = (
                    t(f"ho.check.{c.status.value}"),
                    ("bad" if c.status.value == "escalated" else "warn"),
                )
            else:
                detail = " ".join(
                    x
                    for x in (
                        t(f"check.method.{r.method.value}"),
                        t(f"check.result.{r.result.value}"),
                        r.leader_name,
                        check_time(c.due_at, r.at, self.s.tz),  # and how late
                        r.note,
                    )
                    if x
                )
                flag = "" if r.result.value == "present" else "bad"
            sheet.leader_checks.append(
                SheetLine(
                    at=c.due_at, text=t(f"check.kind.{c.kind.value}"), detail=detail, flag=flag
                )
            )
        on_post = checked = 0
        for rep in self.s.rollcall.rounds_between(start, end):
            summ = rep.summary
            on_post += summ.on_post
            checked += summ.checked
            bad = [
                f"{e.unit_name} {outcome_label(e.outcome)}"
                for e in rep.entries
                if e.outcome is not None and e.outcome.value != "on_post"
            ]
            sheet.rollcalls.append(
                SheetLine(
                    at=rep.round.started_at,
                    text=f"{rep.round.label or method_label(rep.round.method.value)} "
                    + t(
                        "ho.rc.tally", checked=summ.checked, total=summ.total, rate=summ.rate_text()
                    ),
                    detail="；".join(bad),
                    flag="warn" if bad else "",
                )
            )
        for h in self.s.rollcall.higher_checks_between(start, end):
            sheet.rollcalls.append(
                SheetLine(
                    at=h.at,
                    text=t("ho.rc.higher", who=h.checker, method=method_label(h.method.value)),
                    detail=t(f"ho.rc.higher.{h.result.value}") + (f" {h.note}" if h.note else ""),
                    flag="" if h.result.value == "passed" else "bad",
                )
            )
        sheet.on_post_rate = on_post / checked if checked else None
        for w in self.s.warnings.in_force(now):
            sheet.warnings.append(
                SheetLine(
                    at=w.level_since,
                    text=f"{warning_title(w)} {w.area}",
                    detail=f"{w.issuer}" + (f"；{w.measures}" if w.measures else ""),
                    flag="bad" if w.level.value in ("I", "II") else "warn",
                )
            )

    # -- signing and freezing --------------------------------------------------------------------
    def _outgoing_signer(self, shift_id: int, name: str) -> int:
        """The officer of the outgoing shift who signs: someone assigned to it."""
        view = self.s.roster.view(shift_id)
        if view is None:
            raise InputError("shift", "err.shift.not_found", id=shift_id)
        people = {a.officer_id: a.officer_name for a in view.assignments}
        mine = [oid for oid, n in people.items() if n == name]
        if not mine:
            on = ", ".join(dict.fromkeys(people.values())) or Msg("err.handover.nobody")
            raise InputError("name", "err.handover.not_outgoing", name=name, id=shift_id, on=on)
        if len(mine) > 1:
            raise InputError(
                "name",
                "err.handover.ambiguous_outgoing",
                n=len(mine),
                name=name,
            )
        return mine[0]

    def _incoming_signer(self, shift_id: int, name: str) -> int:
        """The officer of the next shift who signs: someone of it who has signed in (接班签到)."""
        view = self.s.roster.view(shift_id)
        nxt = self.s.roster.next_shift(view.shift.ends_at - timedelta(seconds=1)) if view else None
        signed: dict[int, str] = {}
        if nxt is not None:
            st = self.s.roster.signin_status(nxt.shift.id)
            signed = {e.officer_id: e.officer_name for e in st.signed_in}
        if not signed:
            raise HandoverRefused("err.handover.no_incoming")
        mine = [oid for oid, n in signed.items() if n == name]
        if not mine:
            raise InputError(
                "name",
                "err.handover.not_incoming",
                name=name,
                signed=", ".join(dict.fromkeys(signed.values())),
            )
        if len(mine) > 1:
            raise InputError("name", "err.handover.ambiguous_incoming", n=len(mine), name=name)
        return mine[0]

    def _check_pin(self, officer_id: int, name: str, pin: str | None, required: bool) -> None:
        """With the desk's `handover_pin` on, the signer's PIN; a PIN given is checked anyway."""
        if not required and not pin:
            return
        if required and not self.s.officers.has_pin(officer_id):
            raise InputError("pin", "err.handover.pin_required", who=name)
        if not pin:
            raise InputError("pin", "err.pin.enter")
        self.s.officers.verify_pin(officer_id, pin)

    def sign(
        self,
        shift_id: int,
        side: str,
        name: str,
        *,
        pin: str | None = None,
        pin_required: bool = False,
        lang: str = "zh",
        width: int = 80,
        font_path: str | None = None,
    ) -> HandoverRecord:
        """Sign as the outgoing officer (someone assigned to the shift) or the incoming one
        (someone of the next shift who has signed in); with `pin_required`, with their PIN. The
        second signature freezes the sheet."""
        if side not in ("outgoing", "incoming"):
            raise InputError("side", "err.handover.side")
        name = name.strip()
        if not name:
            raise InputError("name", "err.text.blank")
        if self.s.roster.view(shift_id) is None:
            raise InputError("shift", "err.shift.not_found", id=shift_id)
        current = next(
            iter(self.s.db.query("SELECT status FROM handovers WHERE shift_id = ?", [shift_id])),
            None,
        )
        if current is not None and current["status"] == "frozen":
            raise HandoverRefused("err.handover.already_frozen", id=shift_id)
        if side == "outgoing":
            officer_id = self._outgoing_signer(shift_id, name)
        else:
            officer_id = self._incoming_signer(shift_id, name)
        self._check_pin(officer_id, name, pin, pin_required)
        rec = self.record(shift_id)
        if rec.frozen:
            raise HandoverRefused("err.handover.already_frozen", id=shift_id)
        now = self.s.now()
        with self.s.write():
            self.s.auditor.update(
                "handovers",
                rec.id,
                {f"{side}_name": name, f"{side}_at": to_db(now), "updated_at": to_db(now)},
            )
            rec = _record(
                next(iter(self.s.db.query("SELECT * FROM handovers WHERE id = ?", [rec.id])))
            )
            if rec.outgoing and rec.incoming:
                self._freeze(rec, now, lang=lang, width=width, font_path=font_path)
        return self.record(shift_id)

    def chain_head(self) -> ChainHead | None:
        """The newest audit entry (its number and hash); None on a desk with no audit yet."""
        row = self.s.db.execute("SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1").fetchone()
        return ChainHead(seq=row[0], hash=row[1]) if row else None

    def _freeze(
        self, rec: HandoverRecord, now: datetime, *, lang: str, width: int, font_path: str | None
    ) -> None:
        """The sheet's content, text and Markdown with their hashes; no PDF (`render_pdf` makes
        one from the frozen content when it is needed: `font_path` is not used any more). The
        audit chain's head before this update goes into the content (`chain_head`), so the
        printed sheet carries an anchor a rewriter of the desk file cannot reach."""
        from watchdesk.report.handover import render_text_markdown

        sheet = self.compile(rec.shift_id, now)
        sheet.chain_head = self.chain_head()
        sheet_json = sheet.model_dump_json()
        text, md = render_text_markdown(sheet, tz=self.s.tz, width=width, lang=lang)
        self.s.auditor.update(
            "handovers",
            rec.id,
            {
                "status": "frozen",
                "frozen_at": to_db(now),
                "lang": lang,
                "width": width,
                "sheet_json": sheet_json,
                "text": text,
                "markdown": md,
                "sheet_sha256": _sha(sheet_json),
                "text_sha256": _sha(text),
                "updated_at": to_db(now),
            },
        )

    # -- frozen sheets ---------------------------------------------------------------------------
    def frozen(self, shift_id: int) -> FrozenHandover:
        row = next(
            iter(self.s.db.query("SELECT * FROM handovers WHERE shift_id = ?", [shift_id])), None
        )
        if row is None or row["status"] != "frozen":
            raise InputError("shift", "err.handover.not_frozen", id=shift_id)
        return FrozenHandover(
            record=_record(row),
            sheet=HandoverSheet.model_validate_json(row["sheet_json"]),
            text=row["text"],
            markdown=row["markdown"],
        )

    def render_pdf(
        self, shift_id: int, *, font_path: str | None = None, purpose: str = "file"
    ) -> HandoverPdf:
        """The sheet as a PDF, rendered now in the CJK font installed now (`font_path`: the
        config's `pdf_font`). A frozen sheet is rendered from its frozen content, in the language
        it was frozen in, with its hash on the page, and the rendering is recorded (who, when,
        which font, the PDF's SHA-256; not on a desk opened read-only); a draft is compiled from
        the records now and marked 草稿 (not recorded: it is not the record). `warning` says when
        no embeddable font is installed (the Chinese would print as boxes)."""
        from watchdesk.i18n import language
        from watchdesk.report import pdf as paper

        if purpose not in RENDER_PURPOSES:
            raise ValueError(f"purpose {purpose!r}")
        rec = self.record(shift_id)
        font, warning = paper.cjk_font(font_path)
        if not rec.frozen:
            data = paper.render_pdf(
                self.compile(shift_id),
                tz=self.s.tz,
                lang=language(),
                font_path=font_path,
                draft=True,
            )
            return HandoverPdf(
                pdf=data,
                sha256=_sha(data),
                font=paper.font_file(font),
                embedded=warning is None,
                warning=warning,
                frozen=False,
            )
        fz = self.frozen(shift_id)
        data = paper.render_pdf(
            fz.sheet,
            tz=self.s.tz,
            lang=rec.lang,
            font_path=font_path,
            sha256=rec.sheet_sha256,
        )
        out = HandoverPdf(
            pdf=data,
            sha256=_sha(data),
            font=paper.font_file(font),
            embedded=warning is None,
            warning=warning,
            frozen=True,
        )
        if self.s.read_only is None:
            with self.s.write():
                self.s.auditor.insert(
                    "handover_renderings",
                    {
                        "handover_id": rec.id,
                        "rendered_at": to_db(self.s.now()),
                        "by_whom": self.s.actor,
                        "font": out.font,
                        "embedded": int(out.embedded),
                        "purpose": purpose,
                        "pdf_sha256": out.sha256,
                    },
                )
            out.recorded = True
        return out

    def renderings(self, shift_id: int) -> list[HandoverRendering]:
        """The recorded renderings of the shift's frozen sheet, oldest first."""
        return [
            HandoverRendering(
                id=r["id"],
                handover_id=r["handover_id"],
                rendered_at=from_db_not_null(r["rendered_at"]),
                by_whom=r["by_whom"],
                font=r["font"],
                embedded=bool(r["embedded"]),
                purpose=r["purpose"],
                pdf_sha256=r["pdf_sha256"],
            )
            for r in self.s.db.query(
                """SELECT r.* FROM handover_renderings r JOIN handovers h ON h.id = r.handover_id
                   WHERE h.shift_id = ? ORDER BY r.id""",
                [shift_id],
            )
        ]

    def history(self, limit: int = 100) -> list[HandoverRecord]:
        return [
            _record(r)
            for r in self.s.db.query(
                "SELECT * FROM handovers WHERE status = 'frozen' ORDER BY frozen_at DESC LIMIT ?",
                [limit],
            )
        ]

    def verify_frozen(self) -> list[str]:
        """Problems with stored sheets (for `watchdesk check`), in the UI language: content or
        text that differs from its hash; for a sheet frozen before PDFs were rendered on demand
        (it has `pdf_sha256`), its stored PDF missing or different; for one frozen since, a
        stored PDF it should not have."""
        from watchdesk.i18n import t

        problems = []
        for row in self.s.db.query(
            """SELECT id, shift_id, sheet_json, text, sheet_sha256, text_sha256, pdf_sha256
               FROM handovers WHERE status = 'frozen' ORDER BY id"""
        ):
            where = {"id": row["id"], "shift": row["shift_id"]}
            pdf = self.s.db.execute(
                "SELECT pdf FROM handover_pdfs WHERE handover_id = ?", [row["id"]]
            ).fetchone()
            if (
                _sha(row["sheet_json"] or "") != row["sheet_sha256"]
                or _sha(row["text"] or "") != row["text_sha256"]
            ):
                problems.append(t("frozen.check.content", **where))
            if row["pdf_sha256"] is not None:  # frozen with its PDF (before m18)
                if pdf is None or _sha(pdf[0]) != row["pdf_sha256"]:
                    problems.append(t("frozen.check.pdf", **where))
            elif pdf is not None:
                problems.append(t("frozen.check.stray_pdf", **where))
        return problems
