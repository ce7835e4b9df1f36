"""Written reports and their sign-off (issue 14): a report drafted from the desk's data is kept
(`written_reports`), run through the desk's chain of steps (拟稿 → 审核 → 签发 by default, each
by a desk officer, with their PIN where the desk requires PINs; 签发 only by the roles the desk
allows), numbered and frozen when the last step is signed, and sent.

- A step can send the draft back with a reason: the steps signed so far stay in the record, the
  next round starts from the first step.
- Serial numbers (〔2026〕第37期) are per desk per year, continuous and never reused: the number is
  taken inside the signing write transaction (BEGIN IMMEDIATE, see `store.db.write_txn`) and the
  table holds UNIQUE(serial_year, serial_no), so two consoles signing at once get two numbers.
- Signing freezes the report: its text, PDF and .docx (`report.written_paper`, `written_text`,
  `written_pdf`, `written_docx`) are stored with their SHA-256 and reprinted byte for byte;
  `watchdesk check` compares them (`verify_frozen`), as it does the handover sheet.
- Sending closes the clock (not drafting): `send` records the report made through
  `IncidentRepo.record_report`, so on time or late is computed as for any report. Sending without
  the chain is allowed where the desk does not require sign-off, or when asked for explicitly, and
  is marked. A correction of a sent report is a new report marked 更正 naming it; the old stays.

Every write is one transaction, audited under the acting officer (`Store.act_as`).
"""

from __future__ import annotations

import builtins
import hashlib
import json
from datetime import datetime
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, field_validator

from watchdesk.errors import BadValue, InputError, Msg, NotFound, bilingual
from watchdesk.models.incident import ReportKind
from watchdesk.models.officer import ActorKind
from watchdesk.models.report import Draft
from watchdesk.store.db import from_db, from_db_not_null, to_db

if TYPE_CHECKING:
    from watchdesk.models.report import Paper
    from watchdesk.store.desk import Store

# The steps a chain may name, in the order offices use them, with their Chinese names.
STEPS: dict[str, str] = {
    "drafted": "拟稿",
    "edited": "编辑",
    "proofread": "校对",
    "checked": "审核",
    "signed": "签发",
}
SIGN = "signed"  # the last step of every chain: it numbers and freezes the report
VIA: dict[str, str] = {"fax": "传真", "gov": "政务网", "email": "电子邮件", "other": "其他"}
STATUSES = ("draft", "signoff", "signed", "sent")
CORRECTION_MARK = "（更正）"


def _step_name(code: str) -> Msg:
    return bilingual(STEPS.get(code, code), code)


def step_code(text: str) -> str | None:
    """A step by its code (`checked`) or its Chinese name (审核); None when unknown."""
    text = text.strip()
    if text in STEPS:
        return text
    return next((k for k, v in STEPS.items() if v == text), None)


def via_code(text: str) -> str | None:
    """How a report went, by its code (`fax`) or its Chinese name (传真); None when unknown."""
    text = text.strip().lower()
    if text in VIA:
        return text
    aliases = {"e-mail": "email", "mail": "email", "政务外网": "gov", "邮件": "email"}
    return aliases.get(text) or next((k for k, v in VIA.items() if v == text), None)


class Distribution(BaseModel):
    """Where a report goes, as its foot prints it: 报 (up), 送 (across), 抄送 (copied)."""

    model_config = ConfigDict(extra="forbid")

    report_to: list[str] = []  # 报
    send_to: list[str] = []  # 送
    copy_to: list[str] = []  # 抄送

    @field_validator("report_to", "send_to", "copy_to")
    @classmethod
    def _names(cls, v: list[str]) -> list[str]:
        out = [" ".join(str(x).split()) for x in v]
        out = [x for x in out if x]
        if any(len(x) > 60 for x in out):
            raise BadValue("err.signoff.name_long")
        return list(dict.fromkeys(out))

    @property
    def empty(self) -> bool:
        return not (self.report_to or self.send_to or self.copy_to)

    @classmethod
    def of(cls, **lists: list[str]) -> Distribution:
        """The lists as a user gave them; a bad one is bad input naming its list."""
        from pydantic import ValidationError

        try:
            return cls(**lists)
        except ValidationError as e:
            err = e.errors()[0]
            field = str(err["loc"][0]) if err["loc"] else "report_to"
            raise InputError(field, "err.signoff.name_long") from None


class SignoffPolicy(BaseModel):
    """How a desk signs its reports off and where they go by default (the config's `report_*`
    settings)."""

    chain: list[str] = ["drafted", "checked", "signed"]
    by_kind: dict[str, list[str]] = {"phone": []}  # a shorter chain for a kind; [] none
    signers: list[str] = ["leader"]  # roles that may sign the last step (签发)
    pin: bool = False  # every step needs the officer's PIN
    required: bool = True  # a report with a chain is sent only once signed (or explicitly without)
    # 报/送/抄送 by the incident's grade ("I".."IV", or "default" for any grade not named).
    distribution: dict[str, Distribution] = {}
    templates_dir: str | None = None  # the desk's own report templates, before the pack's

    @classmethod
    def from_settings(cls, settings: Any) -> SignoffPolicy:
        """The policy a desk's settings (watchdesk.config.Settings) give; pydantic's
        ValidationError for a bad one, which the caller reports as the config's problem."""
        return cls(
            chain=settings.report_chain,
            by_kind=settings.report_chain_by_kind,
            signers=settings.report_signers,
            pin=settings.report_pin,
            required=settings.report_signoff_required,
            distribution=settings.report_distribution,
            templates_dir=settings.report_templates,
        )

    @field_validator("distribution")
    @classmethod
    def _grades(cls, v: dict[str, Distribution]) -> dict[str, Distribution]:
        known = ("I", "II", "III", "IV", "default")
        for grade in v:
            if grade not in known:
                raise BadValue("err.signoff.grade", grade=grade, known=", ".join(known))
        return v

    def distribution_for(self, grade: str | None, report_to: str = "") -> Distribution:
        """The lists a new report of an incident of `grade` starts with; without any configured,
        报 is the desk's `report_to`."""
        d = self.distribution.get(grade or "", self.distribution.get("default"))
        if d is not None and not d.empty:
            return d
        return Distribution(report_to=[report_to] if report_to.strip() else [])

    @field_validator("chain")
    @classmethod
    def _chain(cls, v: list[str]) -> list[str]:
        return _valid_chain(v)

    @field_validator("by_kind")
    @classmethod
    def _by_kind(cls, v: dict[str, list[str]]) -> dict[str, list[str]]:
        for kind in v:
            if kind not in ReportKind.__members__:
                raise BadValue(
                    "err.signoff.kind", kind=kind, known=", ".join(ReportKind.__members__)
                )
        return {k: _valid_chain(c) for k, c in v.items()}

    def chain_for(self, kind: ReportKind | str) -> list[str]:
        return list(self.by_kind.get(ReportKind(kind).value, self.chain))


def _valid_chain(steps: list[str]) -> list[str]:
    out: list[str] = []
    for s in steps:
        code = step_code(s)
        if code is None or code in out:
            raise BadValue("err.signoff.chain_step", step=s, known=", ".join(STEPS))
        out.append(code)
    if out and out[-1] != SIGN:
        raise BadValue("err.signoff.chain_end", step=SIGN)
    return out


class SignoffStep(BaseModel):
    id: int
    round: int
    step: str
    action: str  # signed / returned
    officer_id: int | None = None
    officer_name: str
    reason: str = ""
    at: datetime


class WrittenReport(BaseModel):
    id: int
    incident_id: int
    kind: ReportKind
    seq: int = 0
    title: str
    body: str
    missing: list[str] = []  # labels of the required elements unknown when drafted
    chain: list[str] = []
    status: str = "draft"
    round: int = 1
    corrects_id: int | None = None
    serial: str | None = None  # 〔2026〕第37期
    serial_year: int | None = None
    serial_no: int | None = None
    signer: str | None = None
    signed_at: datetime | None = None
    text_sha256: str | None = None
    pdf_sha256: str | None = None
    docx_sha256: str | None = None
    sent_at: datetime | None = None
    sent_via: str | None = None
    sent_note: str = ""
    sent_without_chain: bool = False
    report_id: int | None = None  # the report event that closed the clock
    report_to: list[str] = []  # 报
    send_to: list[str] = []  # 送
    copy_to: list[str] = []  # 抄送
    version: int = 1  # bumped by every change to the draft: an edit made on an older one is refused
    drafted_by: str
    created_at: datetime
    steps: list[SignoffStep] = []  # every step of every round, in order
    next_step: str | None = None  # the step the current round waits for; None: chain done

    @property
    def frozen(self) -> bool:
        return self.text_sha256 is not None

    @property
    def correction(self) -> bool:
        return self.corrects_id is not None


class FrozenReport(BaseModel):
    report: WrittenReport
    text: str
    pdf: bytes
    docx: bytes


def _sha(data: str | bytes) -> str:
    return hashlib.sha256(data.encode("utf-8") if isinstance(data, str) else data).hexdigest()


def _step(r: dict[str, Any]) -> SignoffStep:
    return SignoffStep(
        id=r["id"],
        round=r["round"],
        step=r["step"],
        action=r["action"],
        officer_id=r["officer_id"],
        officer_name=r["officer_name"],
        reason=r["reason"],
        at=from_db_not_null(r["at"]),
    )


def _next(chain: list[str], steps: list[SignoffStep], round_: int) -> str | None:
    done = [s.step for s in steps if s.round == round_ and s.action == "signed"]
    return next((s for s in chain if s not in done), None)


class ReportRepo:
    def __init__(self, store: Store):
        self.s = store

    # -- reading ---------------------------------------------------------------------------------
    def _row(self, report_id: int) -> dict[str, Any]:
        row = next(
            iter(self.s.db.query("SELECT * FROM written_reports WHERE id = ?", [report_id])), None
        )
        if row is None:
            raise NotFound("err.signoff.not_found", id=report_id)
        return row

    def _model(self, row: dict[str, Any]) -> WrittenReport:
        from watchdesk.report.written_paper import serial_text

        steps = [
            _step(r)
            for r in self.s.db.query(
                "SELECT * FROM report_steps WHERE written_report_id = ? ORDER BY id", [row["id"]]
            )
        ]
        chain = json.loads(row["chain"])
        serial = (
            serial_text(row["serial_year"], row["serial_no"])
            if row["serial_no"] is not None
            else None
        )
        return WrittenReport(
            id=row["id"],
            incident_id=row["incident_id"],
            kind=ReportKind(row["kind"]),
            seq=row["seq"],
            title=row["title"],
            body=row["body"],
            missing=json.loads(row["missing"]),
            chain=chain,
            status=row["status"],
            round=row["round"],
            corrects_id=row["corrects_id"],
            serial=serial,
            serial_year=row["serial_year"],
            serial_no=row["serial_no"],
            signer=row["signer"],
            signed_at=from_db(row["signed_at"]) if row["signed_at"] else None,
            text_sha256=row["text_sha256"],
            pdf_sha256=row["pdf_sha256"],
            docx_sha256=row["docx_sha256"],
            sent_at=from_db(row["sent_at"]) if row["sent_at"] else None,
            sent_via=row["sent_via"],
            sent_note=row["sent_note"],
            sent_without_chain=bool(row["sent_without_chain"]),
            report_id=row["report_id"],
            report_to=json.loads(row["report_to"]),
            send_to=json.loads(row["send_to"]),
            copy_to=json.loads(row["copy_to"]),
            version=row["version"],
            drafted_by=row["drafted_by"],
            created_at=from_db_not_null(row["created_at"]),
            steps=steps,
            next_step=_next(chain, steps, row["round"]) if row["status"] in STATUSES[:2] else None,
        )

    def get(self, report_id: int) -> WrittenReport:
        return self._model(self._row(report_id))

    def list(self, incident_id: int | None = None, limit: int = 1000) -> list[WrittenReport]:
        if incident_id is not None:
            rows = self.s.db.query(
                "SELECT * FROM written_reports WHERE incident_id = ? ORDER BY id LIMIT ?",
                [incident_id, limit],
            )
        else:
            rows = self.s.db.query(
                "SELECT * FROM written_reports ORDER BY id DESC LIMIT ?", [limit]
            )
        return [self._model(r) for r in rows]

    def draft_of(self, report_id: int) -> Draft:
        """The draft as it was kept (title and body as the report holds them)."""
        row = self._row(report_id)
        d = Draft.model_validate_json(row["draft_json"])
        return d.model_copy(update={"title": row["title"], "body": row["body"]})

    def paper_of(self, report: WrittenReport) -> Paper:
        """The paper of a report: numbered and with its 签发人 once signed, 【草稿】 before."""
        from watchdesk.report.written_paper import paper

        signed_on = report.signed_at.astimezone(self.s.tz).date() if report.signed_at else None
        return paper(
            self.draft_of(report.id),
            tz=self.s.tz,
            serial=report.serial,
            signer=report.signer,
            issued=signed_on,
            **_lists(report),
        )

    # -- drafting --------------------------------------------------------------------------------
    def create(
        self,
        incident_id: int,
        kind: ReportKind | str,
        *,
        policy: SignoffPolicy | None = None,
        seq: int | None = None,
        corrects: int | None = None,
        templates_dir: str | None = None,
        desk_name: str = "",
        report_to: str = "",
        distribution: Distribution | None = None,
    ) -> WrittenReport:
        """Draft a report of `kind` on the incident from what the desk holds now and keep it,
        with the chain the desk's policy gives that kind and the 报/送/抄送 lists it gives the
        incident's grade (or `distribution`). `corrects`: a sent report this one corrects
        (更正): same incident and kind, marked in its title, going where the old one went."""
        from watchdesk.report.written import draft

        policy = policy or SignoffPolicy()
        templates_dir = templates_dir or policy.templates_dir
        try:
            kind = ReportKind(kind)
        except ValueError:
            raise InputError(
                "kind", "err.signoff.kind", kind=kind, known=", ".join(k.value for k in ReportKind)
            ) from None
        if corrects is not None:
            old = self.get(corrects)
            if old.status != "sent":
                raise InputError("corrects", "err.signoff.correct_unsent", id=corrects)
            if old.incident_id != incident_id:
                raise InputError(
                    "corrects", "err.signoff.correct_other", id=corrects, incident=old.incident_id
                )
            kind = old.kind
            seq = old.seq if kind in (ReportKind.followup, ReportKind.verification) else seq
        d = draft(
            self.s,
            incident_id,
            kind,
            now=self.s.now(),
            seq=seq,
            templates_dir=templates_dir,
            desk_name=desk_name,
            report_to=report_to,
        )
        title = d.title.strip()
        if corrects is not None and not title.endswith(CORRECTION_MARK):
            title += CORRECTION_MARK
        if distribution is None and corrects is not None:
            distribution = Distribution(
                report_to=old.report_to, send_to=old.send_to, copy_to=old.copy_to
            )
        if distribution is None:
            grade = self.s.incidents.get(incident_id).grade
            distribution = policy.distribution_for(
                grade.value if grade else None, report_to or str(_desk(d).get("report_to", ""))
            )
        now = self.s.now()
        with self.s.write():
            rid = self.s.auditor.insert(
                "written_reports",
                {
                    "incident_id": incident_id,
                    "kind": kind.value,
                    "seq": d.seq,
                    "title": title,
                    "body": d.body,
                    "missing": json.dumps(d.missing_labels, ensure_ascii=False),
                    "draft_json": d.model_dump_json(),
                    "chain": json.dumps(policy.chain_for(kind)),
                    "status": "draft",
                    "round": 1,
                    "corrects_id": corrects,
                    "report_to": _json(distribution.report_to),
                    "send_to": _json(distribution.send_to),
                    "copy_to": _json(distribution.copy_to),
                    "drafted_by": self.s.actor,
                    "created_at": to_db(now),
                    "updated_at": to_db(now),
                },
            )
            self._index(rid, title, d.body)
        return self.get(rid)

    def _index(self, report_id: int, title: str, body: str) -> None:
        """Keep the report's words in its full-text index (`written_reports_fts`, as incidents')."""
        from watchdesk.text.fulltext import grams

        self.s.db.execute("DELETE FROM written_reports_fts WHERE rowid = ?", [report_id])
        self.s.db.execute(
            "INSERT INTO written_reports_fts (rowid, uni, bi) VALUES (?, ?, ?)",
            [report_id, *grams(f"{title}\n{body}")],
        )

    # -- working on the draft --------------------------------------------------------------------
    def _editable(self, report_id: int, version: int) -> WrittenReport:
        """The report as it is now, inside the write lock: still a draft (before the round's first
        step, or sent back), and the version the editor started from."""
        assert self.s.db.conn.in_transaction
        rep = self._model(self._row(report_id))
        if rep.status != "draft":
            raise InputError(
                "report",
                "err.signoff.not_editable",
                id=report_id,
                status=Msg(f"err.signoff.status.{rep.status}"),
            )
        if rep.version != version:
            raise InputError("report", "err.signoff.edited_meanwhile", id=report_id)
        return rep

    def edit(self, report_id: int, *, title: str, body: str, version: int) -> WrittenReport:
        """The officer's own wording of the draft. `version`: the one the officer started from
        (an edit made on an older version is refused: someone changed it meanwhile). Markers of
        unknown elements the officer has filled in (【待核实：事发单位】 gone from the text) leave
        the report's list of what was missing."""
        title = " ".join(title.split())
        body = body.strip("\n")
        if not title:
            raise InputError("title", "err.signoff.title")
        if not body.strip():
            raise InputError("body", "err.signoff.body")
        with self.s.write():
            rep = self._editable(report_id, version)
            text = f"{title}\n{body}"
            missing = [label for label in rep.missing if f"【待核实：{label}】" in text]
            self.s.auditor.update(
                "written_reports",
                report_id,
                {
                    "title": title,
                    "body": body,
                    "missing": json.dumps(missing, ensure_ascii=False),
                    "version": rep.version + 1,
                    "updated_at": to_db(self.s.now()),
                },
            )
            self._index(report_id, title, body)
        return self.get(report_id)

    def redraw(self, report_id: int, *, policy: SignoffPolicy | None = None) -> Draft:
        """What the draft would say if drawn again now from the desk's data (nothing is kept:
        the console shows what would change, and `take_redraw` keeps it)."""
        from watchdesk.report.written import draft

        policy = policy or SignoffPolicy()
        rep = self.get(report_id)
        old = self.draft_of(report_id)
        desk = _desk(old)
        d = draft(
            self.s,
            rep.incident_id,
            rep.kind,
            now=self.s.now(),
            seq=rep.seq,
            templates_dir=policy.templates_dir,
            desk_name=str(desk.get("name", "")),
            report_to=str(desk.get("report_to", "")),
        )
        if rep.correction and not d.title.endswith(CORRECTION_MARK):
            d = d.model_copy(update={"title": d.title.strip() + CORRECTION_MARK})
        return d

    def take_redraw(self, report_id: int, fresh: Draft, *, version: int) -> WrittenReport:
        """Keep a re-drawn draft (`redraw`) in place of the text the report holds: the officer has
        seen what changes. Refused if the draft changed since the officer looked."""
        if fresh.incident_id != self.get(report_id).incident_id:
            raise InputError("report", "err.signoff.changed", id=report_id)
        with self.s.write():
            rep = self._editable(report_id, version)
            self.s.auditor.update(
                "written_reports",
                report_id,
                {
                    "title": fresh.title.strip(),
                    "body": fresh.body,
                    "missing": json.dumps(fresh.missing_labels, ensure_ascii=False),
                    "draft_json": fresh.model_dump_json(),
                    "version": rep.version + 1,
                    "updated_at": to_db(self.s.now()),
                },
            )
            self._index(report_id, fresh.title.strip(), fresh.body)
        return self.get(report_id)

    def set_distribution(
        self, report_id: int, distribution: Distribution, *, version: int
    ) -> WrittenReport:
        """Where the report goes (报/送/抄送), until it is signed."""
        with self.s.write():
            rep = self._model(self._row(report_id))
            if rep.frozen or rep.status == "sent":
                raise InputError(
                    "report",
                    "err.signoff.not_editable",
                    id=report_id,
                    status=Msg(f"err.signoff.status.{rep.status}"),
                )
            if rep.version != version:
                raise InputError("report", "err.signoff.edited_meanwhile", id=report_id)
            self.s.auditor.update(
                "written_reports",
                report_id,
                {
                    "report_to": _json(distribution.report_to),
                    "send_to": _json(distribution.send_to),
                    "copy_to": _json(distribution.copy_to),
                    "version": rep.version + 1,
                    "updated_at": to_db(self.s.now()),
                },
            )
        return self.get(report_id)

    # -- signing ---------------------------------------------------------------------------------
    def _officer(self) -> tuple[int, str]:
        """The acting officer: every step is signed by a desk officer."""
        a = self.s.acting
        if a.kind != ActorKind.officer or a.officer_id is None:
            raise InputError("as", "err.signoff.not_officer", name=a.name)
        return a.officer_id, a.name

    def _check_pin(self, officer_id: int, name: str, pin: str | None, required: bool) -> None:
        if not required and not pin:
            return
        if required and not self.s.officers.has_pin(officer_id):
            raise InputError("pin", "err.signoff.pin_required", who=name)
        if not pin:
            raise InputError("pin", "err.pin.enter")
        self.s.officers.verify_pin(officer_id, pin)

    def _open_for_steps(self, rep: WrittenReport) -> str:
        if rep.status not in ("draft", "signoff"):
            raise InputError(
                "report",
                "err.signoff.not_open",
                id=rep.id,
                status=Msg(f"err.signoff.status.{rep.status}"),
            )
        if not rep.chain:
            raise InputError("report", "err.signoff.no_chain", id=rep.id)
        assert rep.next_step is not None
        return rep.next_step

    def sign(
        self,
        report_id: int,
        step: str,
        *,
        policy: SignoffPolicy | None = None,
        pin: str | None = None,
        font_path: str | None = None,
    ) -> WrittenReport:
        """The acting officer signs `step` of the report (the step the chain waits for); with the
        desk's PINs, with their PIN. The last step (签发) only by an officer holding a role the
        policy allows; it numbers the report and freezes it."""
        policy = policy or SignoffPolicy()
        code = step_code(step)
        if code is None:
            raise InputError("step", "err.signoff.step_unknown", step=step, known=", ".join(STEPS))
        officer_id, name = self._officer()
        rep = self.get(report_id)
        expected = self._open_for_steps(rep)
        if code != expected:
            raise InputError(
                "step",
                "err.signoff.step_order",
                step=_step_name(code),
                expected=_step_name(expected),
                id=report_id,
            )
        if code == SIGN:
            officer = self.s.officers.get(officer_id)
            if not any(r.value in policy.signers for r in officer.roles):
                raise InputError(
                    "as",
                    "err.signoff.signer_role",
                    who=name,
                    roles=Msg("err.signoff.roles", roles=", ".join(policy.signers)),
                )
        self._check_pin(officer_id, name, pin, policy.pin)
        now = self.s.now()
        with self.s.write():
            row = self._row(report_id)  # as it is now, inside the lock
            current = self._model(row)
            if current.round != rep.round or current.next_step != code:
                raise InputError("report", "err.signoff.changed", id=report_id)
            self.s.auditor.insert(
                "report_steps",
                {
                    "written_report_id": report_id,
                    "round": current.round,
                    "step": code,
                    "action": "signed",
                    "officer_id": officer_id,
                    "officer_name": name,
                    "reason": "",
                    "at": to_db(now),
                },
            )
            if code == SIGN:
                self._freeze(current, name, now, font_path=font_path)
            else:
                self.s.auditor.update(
                    "written_reports", report_id, {"status": "signoff", "updated_at": to_db(now)}
                )
        return self.get(report_id)

    def _freeze(
        self, rep: WrittenReport, signer: str, now: datetime, *, font_path: str | None
    ) -> None:
        """Number and freeze, inside the signing transaction: the next number of the year (the
        lock is held: no other signer can take it), then the paper in its three forms."""
        from watchdesk.report.written_docx import render_docx
        from watchdesk.report.written_paper import paper
        from watchdesk.report.written_pdf import render_pdf
        from watchdesk.report.written_text import render_text

        assert self.s.db.conn.in_transaction
        year = now.astimezone(self.s.tz).year
        number = int(
            self.s.db.execute(
                "SELECT COALESCE(MAX(serial_no), 0) + 1 FROM written_reports WHERE serial_year = ?",
                [year],
            ).fetchone()[0]
        )
        pp = paper(
            self.draft_of(rep.id),
            tz=self.s.tz,
            serial=(year, number),
            signer=signer,
            issued=now.astimezone(self.s.tz).date(),
            **_lists(rep),
        )
        text = render_text(pp)
        pdf = render_pdf(pp, font_path=font_path)
        docx = render_docx(pp)
        self.s.auditor.update(
            "written_reports",
            rep.id,
            {
                "status": "signed",
                "serial_year": year,
                "serial_no": number,
                "signer": signer,
                "signed_at": to_db(now),
                "text": text,
                "text_sha256": _sha(text),
                "pdf_sha256": _sha(pdf),
                "docx_sha256": _sha(docx),
                "updated_at": to_db(now),
            },
        )
        self.s.db.execute(
            "INSERT INTO report_files (written_report_id, pdf, docx) VALUES (?, ?, ?)",
            [rep.id, pdf, docx],
        )

    def back(self, report_id: int, reason: str) -> WrittenReport:
        """The step the chain waits for sends the draft back, with a reason: the round ends
        (its steps stay on record) and the next one starts from the first step."""
        reason = reason.strip()
        if not reason:
            raise InputError("reason", "err.signoff.reason")
        officer_id, name = self._officer()
        rep = self.get(report_id)
        step = self._open_for_steps(rep)
        now = self.s.now()
        with self.s.write():
            current = self._model(self._row(report_id))
            if current.round != rep.round:
                raise InputError("report", "err.signoff.changed", id=report_id)
            self.s.auditor.insert(
                "report_steps",
                {
                    "written_report_id": report_id,
                    "round": current.round,
                    "step": step,
                    "action": "returned",
                    "officer_id": officer_id,
                    "officer_name": name,
                    "reason": reason,
                    "at": to_db(now),
                },
            )
            self.s.auditor.update(
                "written_reports",
                report_id,
                {"status": "draft", "round": current.round + 1, "updated_at": to_db(now)},
            )
        return self.get(report_id)

    # -- sending ---------------------------------------------------------------------------------
    def send(
        self,
        report_id: int,
        *,
        via: str,
        at: datetime | None = None,
        note: str = "",
        without_chain: bool = False,
        policy: SignoffPolicy | None = None,
    ) -> WrittenReport:
        """Record that the report went (when, how): this closes its clock through the report
        recording path (on time or late, as for any report made). A report whose chain is not
        done goes only where the desk does not require sign-off or with `without_chain`, and is
        marked. A correction (更正) closes no clock."""
        policy = policy or SignoffPolicy()
        code = via_code(via)
        if code is None:
            raise InputError("via", "err.signoff.via", via=via, known=", ".join(VIA))
        rep = self.get(report_id)
        if rep.status == "sent":
            raise InputError("report", "err.signoff.already_sent", id=report_id)
        unsigned = bool(rep.chain) and rep.status != "signed"
        if unsigned and policy.required and not without_chain:
            raise InputError(
                "report",
                "err.signoff.unsigned",
                id=report_id,
                step=_step_name(rep.next_step or ""),
            )
        now = self.s.now()
        at = at or now
        with self.s.write():
            current = self.get(report_id)
            if current.status != rep.status or current.round != rep.round:
                raise InputError("report", "err.signoff.changed", id=report_id)
            event_id = None
            if not rep.correction:
                event = self.s.incidents.record_report(
                    rep.incident_id,
                    rep.kind,
                    at=at,
                    to_whom=_to_whom(self.draft_of(report_id), rep),
                    by_whom=self.s.actor,
                    content=" ".join(x for x in (rep.serial or "", rep.title) if x),
                )
                event_id = event.id
            self.s.auditor.update(
                "written_reports",
                report_id,
                {
                    "status": "sent",
                    "sent_at": to_db(at),
                    "sent_via": code,
                    "sent_note": note.strip(),
                    "sent_without_chain": int(unsigned),
                    "report_id": event_id,
                    "updated_at": to_db(now),
                },
            )
        return self.get(report_id)

    # -- frozen reports --------------------------------------------------------------------------
    def frozen(self, report_id: int) -> FrozenReport:
        row = self._row(report_id)
        if row["text_sha256"] is None:
            raise InputError("report", "err.signoff.not_signed", id=report_id)
        files = self.s.db.execute(
            "SELECT pdf, docx FROM report_files WHERE written_report_id = ?", [report_id]
        ).fetchone()
        return FrozenReport(
            report=self._model(row),
            text=row["text"],
            pdf=files[0] if files else b"",
            docx=files[1] if files else b"",
        )

    def verify_frozen(self) -> builtins.list[str]:
        """Problems with signed reports (for `watchdesk check`)."""
        problems = []
        for row in self.s.db.query(
            "SELECT id, text, text_sha256, pdf_sha256, docx_sha256 FROM written_reports"
            " WHERE text_sha256 IS NOT NULL"
        ):
            files = self.s.db.execute(
                "SELECT pdf, docx FROM report_files WHERE written_report_id = ?", [row["id"]]
            ).fetchone()
            if _sha(row["text"] or "") != row["text_sha256"]:
                problems.append(f"report #{row['id']} text differs from its hash")
            if files is None or _sha(files[0]) != row["pdf_sha256"]:
                problems.append(f"report #{row['id']} PDF is missing or differs from its hash")
            if files is None or _sha(files[1]) != row["docx_sha256"]:
                problems.append(f"report #{row['id']} .docx is missing or differs from its hash")
        return problems


def _lists(r: WrittenReport) -> dict[str, Any]:
    """报/送/抄送 for the paper: the report's own; a report kept before it had lists (m14) goes
    to the desk's `report_to` as the draft knew it (None: the paper's default)."""
    if not (r.report_to or r.send_to or r.copy_to):
        return {"report_to": None, "send_to": None, "copy_to": None}
    return {"report_to": r.report_to, "send_to": r.send_to, "copy_to": r.copy_to}


def _json(names: list[str]) -> str:
    return json.dumps(names, ensure_ascii=False)


def _desk(d: Draft) -> dict[str, Any]:
    desk = d.context.get("desk", {}) if isinstance(d.context, dict) else {}
    return desk if isinstance(desk, dict) else {}


def _to_whom(d: Draft, r: WrittenReport | None = None) -> str:
    """Whom the report went to, for the clock's record: its 报 list, else the desk's office."""
    if r is not None and r.report_to:
        return "、".join(r.report_to)
    return str(_desk(d).get("report_to", ""))
